/*
 * internal.h - what the library's modules share and nobody else sees.
 * Private names are rf__*.
 */
#ifndef REDFLAG_INTERNAL_H
#define REDFLAG_INTERNAL_H

#include <libpsl.h>

#include <redflag/redflag.h>

struct rf_ctx {
	rf_limits limits;
	const psl_ctx_t *psl;	/* public suffix list, read-only */
	psl_ctx_t *psl_owned;	/* freed with the context, or NULL */
};

/* rf__parse_size: checked conversion of a decimal size with an optional
 * k/M/G suffix (powers of 1024), like OpenBSD's strtonum: 0 on success. */
int rf__parse_size(const char *s, unsigned long long max,
		   unsigned long long *out);

/* rf__gmime_init: initialise GMime once per process (thread-safe). */
void rf__gmime_init(void);

#endif
