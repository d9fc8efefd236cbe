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

/* RF__URL_MAX: bytes of one URL (after trimming) that rf_url_analyse
 * parses; a longer one gets no normalized form (docs/url.md). */
#define RF__URL_MAX (16 * 1024)

/* rf__parse_size: checked conversion of a decimal size with an optional
 * k/M/G suffix (powers of 1024), like OpenBSD's strtonum: 0 on success. */
int rf__parse_size(const char *s, unsigned long long max,
		   unsigned long long *out);

/* rf__gmime_init: initialise GMime once per process (thread-safe). */
void rf__gmime_init(void);

/* css.c: the little CSS that html.c reads. */
struct rf__css_style {
	int hidden;		/* the inline style hides the element */
	int width, height;	/* px from width: and height:, -1 if absent */
	/* the properties hidden is made of (last declaration wins) */
	int display_none, invisible, opacity0, font0;
	int width0, height0, maxw0, maxh0, overflow_hidden;
};

/* rf__css_url_fn: called with each CSS url() (len bytes at url, not
 * NUL-terminated) and whether its property is background*; a status
 * other than RF_OK stops the reading and is returned. */
typedef rf_status (*rf__css_url_fn)(void *arg, const char *url, size_t len,
				    int background);

/* rf__css_read: read len bytes of CSS (an inline style or a style sheet):
 * fill *st (may be NULL) from its declarations and call fn (may be NULL)
 * for each url() and @import string.  Returns RF_OK or fn's status. */
rf_status rf__css_read(const char *css, size_t len, struct rf__css_style *st,
		       rf__css_url_fn fn, void *arg);

/* rf__html_dimension: a width or height attribute ("1", "1px", " 2 ") in
 * px, or -1 (absent, percentage, not a number). */
int rf__html_dimension(const char *v);

#endif
