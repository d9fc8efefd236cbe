/* limits.c - named limits on untrusted input and their defaults. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct limit_def {
	const char *name;
	size_t off;
	int is_size;		/* size_t field; else unsigned */
	unsigned long long def, max;
	const char *meaning;
};

#define SZ(f) offsetof(rf_limits, f), 1
#define UN(f) offsetof(rf_limits, f), 0

/* Order matches the RF_LIMIT_* bits. */
static const struct limit_def defs[RF_LIMIT__COUNT] = {
	{ "max_message_size", SZ(max_message_size), 32ull << 20, 1ull << 32,
	  "bytes of one message analysed; the rest is ignored" },
	{ "max_mime_depth", UN(max_mime_depth), 16, 1024,
	  "nesting of multiparts and attached messages" },
	{ "max_mime_parts", UN(max_mime_parts), 512, 100000,
	  "MIME parts per message, all levels together" },
	{ "max_header_size", SZ(max_header_size), 64ull << 10, 16ull << 20,
	  "bytes of one header value kept" },
	{ "max_links", UN(max_links), 2000, 1000000,
	  "links and images kept per message" },
	{ "max_html_depth", UN(max_html_depth), 256, 10000,
	  "element nesting in one HTML body" },
	{ "max_text_size", SZ(max_text_size), 1ull << 20, 1ull << 30,
	  "bytes of visible text kept per message" },
	{ "max_part_size", SZ(max_part_size), 8ull << 20, 1ull << 32,
	  "decoded bytes of one text or HTML part analysed" },
	{ "max_url_size", SZ(max_url_size), 16ull << 10, 16ull << 20,
	  "bytes of one URL searched for tracking codes" },
	{ "max_unwrap_depth", UN(max_unwrap_depth), 4, 64,
	  "tracking redirects unwrapped inside one link" },
	{ "max_url_tokens", UN(max_url_tokens), 64, 100000,
	  "tracking tokens kept per link" },
	{ "max_rewrite_edits", UN(max_rewrite_edits), 4096, 1000000,
	  "text parts rewritten per message (clean, milter, filter)" },
};

static void
store(rf_limits *l, const struct limit_def *d, unsigned long long v)
{
	char *p = (char *)l + d->off;

	if (d->is_size)
		*(size_t *)(void *)p = (size_t)v;
	else
		*(unsigned *)(void *)p = (unsigned)v;
}

void
rf_limits_default(rf_limits *l)
{
	unsigned i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < RF_LIMIT__COUNT; i++)
		store(l, &defs[i], defs[i].def);
}

const char *
rf_limit_name(unsigned bit)
{
	unsigned i;

	for (i = 0; i < RF_LIMIT__COUNT; i++)
		if (bit == (1u << i))
			return defs[i].name;
	return NULL;
}

rf_status
rf_parse_number(const char *s, unsigned long long max, int suffixes,
		unsigned long long *out, rf_error *err)
{
	unsigned long long v, mul = 1;
	char *end, esc[176];	/* 40 bytes of s, escaped */

	if (s == NULL || !isdigit((unsigned char)*s))
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		goto bad;
	switch (suffixes ? *end : '\0') {
	case '\0': break;
	case 'k': case 'K': mul = 1ull << 10; end++; break;
	case 'm': case 'M': mul = 1ull << 20; end++; break;
	case 'g': case 'G': mul = 1ull << 30; end++; break;
	default: goto bad;
	}
	if (*end != '\0' || v > ULLONG_MAX / mul || v * mul > max)
		goto bad;
	*out = v * mul;
	return RF_OK;
bad:
	return rf_error_set(err, RF_EINVAL, "expected a number from 0 to "
	    "%llu%s, got '%s'", max, suffixes ? " (suffix k, M or G)" : "",
	    rf_escape(esc, sizeof(esc), s != NULL ? s : "", 40));
}

rf_status
rf_limits_set(rf_limits *l, const char *name, const char *value,
	      rf_error *err)
{
	char esc[176];	/* 40 bytes of name or value, escaped */
	unsigned long long v;
	unsigned i;

	for (i = 0; i < RF_LIMIT__COUNT; i++) {
		if (strcmp(defs[i].name, name) != 0)
			continue;
		if (rf_parse_number(value, defs[i].max, 1, &v, NULL) != RF_OK ||
		    v == 0)
			return rf_error_set(err, RF_EINVAL,
			    "%s: expected a number from 1 to %llu, got '%s'",
			    name, defs[i].max, rf_escape(esc, sizeof(esc),
			    value, 40));
		store(l, &defs[i], v);
		return RF_OK;
	}
	return rf_error_set(err, RF_EINVAL, "no limit called '%s'",
	    rf_escape(esc, sizeof(esc), name, 40));
}

int
rf_limits_describe(unsigned i, const char **name, const char **meaning)
{
	if (i >= RF_LIMIT__COUNT)
		return 0;
	*name = defs[i].name;
	*meaning = defs[i].meaning;
	return 1;
}
