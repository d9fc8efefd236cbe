/*
 * internal.h - what the library's modules share and nobody else sees.
 * Private names are rf__*.
 */
#ifndef REDFLAG_INTERNAL_H
#define REDFLAG_INTERNAL_H

#include <stdint.h>

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

/* Classifier tokens (lib/tokenize.c, used by lib/classifier.c). */
enum rf__tok_kind {
	RF__TOK_WORD = 0,	/* visible text */
	RF__TOK_PAIR,		/* two adjacent words of visible text */
	RF__TOK_HEADER,		/* "name:word" of a selected header */
	RF__TOK_HNAME,		/* a header's name is present */
	RF__TOK_HOST,		/* link host */
	RF__TOK_DOMAIN,		/* link registrable domain */
	RF__TOK_FACT,		/* a fact redflag found ("web-bug") */
	RF__TOK_CAMPAIGN,	/* campaign size bucket (not in the key) */
	RF__TOK_MIME,		/* part types, charsets, attachment types */
	RF__TOK__COUNT
};

typedef struct rf__tok {
	uint64_t h;		/* XXH3 of the text, seeded with the kind */
	uint32_t off;		/* text in rf__toks.text */
	uint16_t len;
	uint8_t kind;		/* enum rf__tok_kind */
} rf__tok;

/* The distinct tokens of one message; heap-owned (rf__toks_free). */
typedef struct rf__toks {
	rf__tok *v;
	size_t n, cap;
	char *text;		/* token texts, not NUL-terminated */
	size_t tlen, tcap;
	uint64_t *set;		/* open addressing on h (0 = empty) */
	size_t setcap;
	size_t max;		/* max_tokens */
	unsigned max_len;	/* max_token_len */
	int pairs;		/* also word pairs */
	int limit_hit;
} rf__toks;

struct rf_cls_params;
struct rf_cls_facts;

/* rf__cls_tokenize: fill t (zeroed by the caller) with m's tokens.
 * RF_OK (also when max_tokens stopped it: t->limit_hit) or RF_ENOMEM. */
rf_status rf__cls_tokenize(const rf_ctx *ctx, const struct rf_cls_params *p,
			   const rf_message *m, const struct rf_cls_facts *f,
			   rf__toks *t);

/* rf__toks_free: release what t holds. */
void rf__toks_free(rf__toks *t);

/* rf__tok_kind_prefix: readable prefix of a kind ("subject:" comes from
 * the header name; this is "" for words and hosts, "fact:" ...). */
const char *rf__tok_kind_prefix(unsigned kind);
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
