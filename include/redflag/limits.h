/*
 * redflag/limits.h - every limit on untrusted input, by name.
 *
 * Each limit has a documented default (docs/limits.md) chosen so that no
 * legitimate message comes near it while hostile input cannot exhaust
 * memory or time.  Hitting a limit never fails the analysis: the result is
 * partial and the limit's bit is set in the message's `limits_hit`, which
 * front ends report by name (rf_limit_name); max_rewrite_edits is read
 * by the rewriter (redflag/rewrite.h), which reports it in its stats.
 */
#ifndef REDFLAG_LIMITS_H
#define REDFLAG_LIMITS_H

#include <stddef.h>

#include <redflag/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rf_limits {
	size_t max_message_size;	/* bytes of one message analysed */
	unsigned max_mime_depth;	/* nesting of multiparts and rfc822 */
	unsigned max_mime_parts;	/* MIME parts per message, all levels */
	size_t max_header_size;		/* bytes of one header value kept */
	unsigned max_links;		/* links kept per message */
	unsigned max_html_depth;	/* element nesting in one HTML part */
	size_t max_text_size;		/* bytes of visible text kept */
	size_t max_part_size;		/* decoded bytes of one text part */
	size_t max_url_size;		/* bytes of one URL searched for codes */
	unsigned max_unwrap_depth;	/* redirects unwrapped inside a link */
	unsigned max_url_tokens;	/* tracking tokens kept per link */
	unsigned max_rewrite_edits;	/* parts rewritten per message */
} rf_limits;

/* Bits of rf_message.limits_hit, one per rf_limits field. */
enum {
	RF_LIMIT_MESSAGE_SIZE = 1u << 0,
	RF_LIMIT_MIME_DEPTH = 1u << 1,
	RF_LIMIT_MIME_PARTS = 1u << 2,
	RF_LIMIT_HEADER_SIZE = 1u << 3,
	RF_LIMIT_LINKS = 1u << 4,
	RF_LIMIT_HTML_DEPTH = 1u << 5,
	RF_LIMIT_TEXT_SIZE = 1u << 6,
	RF_LIMIT_PART_SIZE = 1u << 7,
	RF_LIMIT_URL_SIZE = 1u << 8,
	RF_LIMIT_UNWRAP_DEPTH = 1u << 9,
	RF_LIMIT_URL_TOKENS = 1u << 10,
	RF_LIMIT_REWRITE_EDITS = 1u << 11,
	RF_LIMIT__COUNT = 12
};

/* rf_limits_default: fill l with the documented safe defaults. */
void rf_limits_default(rf_limits *l);

/* rf_limit_name: the setting's name for one bit ("max_links"), or NULL. */
const char *rf_limit_name(unsigned bit);

/* rf_limits_set: set the limit called name (e.g. "max_links") from the
 * decimal string value, with suffixes k, M, G for sizes.  Returns RF_OK,
 * or RF_EINVAL naming the problem in err. */
rf_status rf_limits_set(rf_limits *l, const char *name, const char *value,
			rf_error *err);

/*
 * rf_parse_number: s as a number into *out: one or more decimal digits
 * and, when suffixes is non-zero, one optional suffix k, M or G (either
 * case; times 1024, 1024^2, 1024^3); nothing else (no sign, no blank,
 * nothing after the suffix).  RF_EINVAL (*out untouched) when s is NULL
 * or not that, or when the number exceeds max, one too large for an
 * unsigned long long (before or after its suffix) included: no value
 * wraps around to a small one.  The parser of every numeric setting
 * (rf_limits_set, rf_hotline_limits_set, rf_verdict_settings_set's
 * counts, the front ends' own: campaigns --limit included), for
 * callers that check a range or word the message themselves.
 */
rf_status rf_parse_number(const char *s, unsigned long long max,
			  int suffixes, unsigned long long *out,
			  rf_error *err);

/* rf_limits_describe: for i = 0, 1, ... the name, default and one-line
 * meaning of each setting; returns 0 past the last one (for --help). */
int rf_limits_describe(unsigned i, const char **name, const char **meaning);

#ifdef __cplusplus
}
#endif
#endif
