/* context.c - the read-only analysis context. */
#include <stdlib.h>

#include <libxml/parser.h>

#include "internal.h"

rf_status
rf_ctx_new(const rf_limits *limits, rf_ctx **out, rf_error *err)
{
	rf_ctx *ctx;

	*out = NULL;
	/* libxml2's own one-time set-up (thread-safe; before any parse) */
	xmlInitParser();
	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	if (limits != NULL)
		ctx->limits = *limits;
	else
		rf_limits_default(&ctx->limits);
	/* The newest of the system list (package publicsuffix) and the
	 * list built into libpsl. */
	ctx->psl_owned = psl_latest(NULL);
	ctx->psl = ctx->psl_owned != NULL ? ctx->psl_owned : psl_builtin();
	if (ctx->psl == NULL) {
		free(ctx);
		return rf_error_set(err, RF_EIO,
		    "no public suffix list: install the publicsuffix package");
	}
	*out = ctx;
	return RF_OK;
}

void
rf_ctx_free(rf_ctx *ctx)
{
	if (ctx == NULL)
		return;
	psl_free(ctx->psl_owned);
	free(ctx);
}

const rf_limits *
rf_ctx_limits(const rf_ctx *ctx)
{
	return &ctx->limits;
}
