/*
 * redflag/context.h - the analysis context.
 *
 * An rf_ctx holds what every analysis needs and is read-only once made:
 * the limits, the public suffix list (libpsl) and the rules data.  One
 * context may serve many threads at once.  libredflag keeps no global state
 * of its own; front ends make a context and pass it everywhere.
 */
#ifndef REDFLAG_CONTEXT_H
#define REDFLAG_CONTEXT_H

#include <redflag/error.h>
#include <redflag/limits.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rf_ctx rf_ctx;

/* rf_ctx_new: a context with a copy of *limits (defaults when NULL). */
rf_status rf_ctx_new(const rf_limits *limits, rf_ctx **out, rf_error *err);

/* rf_ctx_free: release ctx; NULL allowed. */
void rf_ctx_free(rf_ctx *ctx);

/* rf_ctx_limits: the limits in force. */
const rf_limits *rf_ctx_limits(const rf_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif
