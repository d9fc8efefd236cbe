/*
 * url_text.c - URLs in plain text.
 *
 * One linear pass: a search 16 bytes at a time (rf__span_until,
 * bytescan.h) skips every byte that cannot complete the start of a URL;
 * only ':' (end of a scheme, looked up backwards),
 * '.' (the dot of "www.") and '<' (angle bracket forms) are examined.
 * After a URL the scan resumes behind it, so no byte is looked at more
 * than a bounded number of times and nothing is allocated per byte.
 */
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "bytescan.h"

/* The schemes recognised in text; web ones need "//" after the colon. */
static const struct {
	const char *name;
	size_t len;
	int web;
} schemes[] = {
	{ "https", 5, 1 }, { "http", 4, 1 }, { "ftp", 3, 1 },
	{ "mailto", 6, 0 },
};

int
rf__url_text_scheme(const char *s, size_t n)
{
	size_t k;

	for (k = 0; k < sizeof(schemes) / sizeof(schemes[0]); k++)
		if (n > schemes[k].len && s[schemes[k].len] == ':' &&
		    rf__prefix_ci(s, n, schemes[k].name))
			return 1;
	return 0;
}

/* Bracket counts of a URL: ( ) [ ] { } */
enum { B_PAREN, B_CPAREN, B_BRACK, B_CBRACK, B_BRACE, B_CBRACE, B__N };

static int
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* is_www: s[0..3) is "www" in any case (inline: runs at every dot). */
static int
is_www(const char *s)
{
	return (s[0] | 0x20) == 'w' && (s[1] | 0x20) == 'w' &&
	    (s[2] | 0x20) == 'w';
}

/* stop: s[i] ends a URL (space, control, < > ", or, in UTF-8, a C1
 * control, a Latin-1 space or symbol (U+0080..U+00BF, U+00D7, U+00F7:
 * never part of a host name, and where text was decoded with the wrong
 * charset they follow URLs), a Unicode space, a typographic quote, an
 * ideographic comma or full stop); returns 1 if so. */
static int
stop(const unsigned char *s, size_t i, size_t n)
{
	unsigned c = s[i];

	if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == 0x7f)
		return 1;
	if (c < 0xc2 || i + 1 >= n)
		return 0;
	if (c == 0xc2)		/* C1 controls, NBSP, Latin-1 symbols */
		return 1;
	if (c == 0xc3)		/* multiplication and division signs */
		return s[i + 1] == 0x97 || s[i + 1] == 0xb7;
	if (i + 2 >= n)
		return 0;
	if (c == 0xe2 && s[i + 1] == 0x80) {
		c = s[i + 2];	/* U+2000..U+200B, quotes, U+2028/9, U+202F */
		return c <= 0x8b || c == 0x98 || c == 0x99 || c == 0x9c ||
		    c == 0x9d || c == 0xa8 || c == 0xa9 || c == 0xaf;
	}
	if (c == 0xe3 && s[i + 1] == 0x80)	/* U+3000..U+3002 */
		return s[i + 2] <= 0x82;
	return c == 0xef && s[i + 1] == 0xbb && s[i + 2] == 0xbf;
}

int
rf__url_text_stop(const char *s, size_t n)
{
	return stop((const unsigned char *)s, 0, n);
}

/* What url_end looks at among ASCII bytes: 1 a byte stop may end a URL
 * at, 2 a bracket; every other one is part of the URL.  stop looks at
 * every byte from 0xc2 too. */
static const unsigned char endcls[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1,
	[0x05] = 1, [0x06] = 1, [0x07] = 1, [0x08] = 1, [0x09] = 1,
	[0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1, [0x0e] = 1,
	[0x0f] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1,
	[0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1,
	[0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1,
	[0x1e] = 1, [0x1f] = 1, [' '] = 1, ['<'] = 1, ['>'] = 1,
	['"'] = 1, [0x7f] = 1,
	['('] = 2, [')'] = 2, ['['] = 2, [']'] = 2, ['{'] = 2, ['}'] = 2,
};

/* url_end: the end of a URL starting at i, counting brackets in b. */
static size_t
url_end(const char *t, size_t i, size_t n, size_t b[B__N])
{
	const unsigned char *s = (const unsigned char *)t;

	memset(b, 0, B__N * sizeof(b[0]));
	for (; i < n; i++) {
		if (endcls[s[i]] == 0 && s[i] < 0xc2)
			continue;
		if (endcls[s[i]] == 1 || s[i] >= 0xc2) {
			if (stop(s, i, n))
				break;
			continue;
		}
		switch (s[i]) {
		case '(': b[B_PAREN]++; break;
		case ')': b[B_CPAREN]++; break;
		case '[': b[B_BRACK]++; break;
		case ']': b[B_CBRACK]++; break;
		case '{': b[B_BRACE]++; break;
		case '}': b[B_CBRACE]++; break;
		}
	}
	return i;
}

/* trim: leave out trailing punctuation and closing brackets without an
 * opening one in the URL t[s..e); returns the new end. */
static size_t
trim(const char *t, size_t s, size_t e, size_t b[B__N])
{
	int c, k;

	while (e > s) {
		c = (unsigned char)t[e - 1];
		k = c == ')' ? B_PAREN : c == ']' ? B_BRACK :
		    c == '}' ? B_BRACE : -1;
		if (k >= 0 && b[k + 1] > b[k])
			b[k + 1]--;
		else if (k >= 0 || strchr(RF__URL_TRAIL, c) == NULL)
			break;
		e--;
	}
	return e;
}

/* at_colon: a scheme URL whose colon is at p, starting at or after f:
 * 1 with the URL in [*s, *e), or 0. */
static int
at_colon(const char *t, size_t n, size_t f, size_t p, size_t *s, size_t *e)
{
	const unsigned char *u = (const unsigned char *)t;
	size_t b[B__N], i, len, body;

	/* every scheme known ends in 'p', 's' or 'o' */
	if (p == f || ((t[p - 1] | 0x20) != 'p' && (t[p - 1] | 0x20) != 's' &&
	    (t[p - 1] | 0x20) != 'o'))
		return 0;
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		len = schemes[i].len;
		if (p - f < len || strncasecmp(t + p - len, schemes[i].name,
		    len) != 0)
			continue;
		*s = p - len;
		if (*s > 0 && is_alnum(u[*s - 1]))
			return 0;
		body = p + 1;
		if (schemes[i].web) {
			if (n - p < 4 ||
			    (t[p + 1] != '/' && t[p + 1] != '\\') ||
			    (t[p + 2] != '/' && t[p + 2] != '\\') ||
			    t[p + 3] == '/' || t[p + 3] == '\\')
				return 0;
			body = p + 3;
		}
		if (body >= n || stop(u, body, n))
			return 0;
		*e = trim(t, body, url_end(t, body, n, b), b);
		return *e > body;
	}
	return 0;
}

/* at_dot: a "www." form whose first dot is at p.  The host is checked
 * for a second dot (followed by a letter, digit or non-ASCII byte) before
 * the URL's end is looked for: a failed check scans only bytes that no
 * later "www." can start in, which keeps the whole pass linear. */
static int
at_dot(const char *t, size_t n, size_t f, size_t p, size_t *s, size_t *e)
{
	const unsigned char *u = (const unsigned char *)t;
	size_t b[B__N], i;

	if (p - f < 3 || !is_www(t + p - 3))
		return 0;
	*s = p - 3;
	if (*s > 0 && (is_alnum(u[*s - 1]) || (u[*s - 1] != '\0' &&
	    strchr(".-_@/\\%", u[*s - 1]) != NULL)))
		return 0;
	if (p + 1 >= n || !(is_alnum(u[p + 1]) || u[p + 1] >= 0x80))
		return 0;
	for (i = p + 1; i + 1 < n && !stop(u, i, n) &&
	    strchr("/?#:\\", t[i]) == NULL; i++)
		if (t[i] == '.' && (is_alnum(u[i + 1]) || u[i + 1] >= 0x80))
			break;
	if (i + 1 >= n || t[i] != '.')
		return 0;
	*e = trim(t, p + 1, url_end(t, p + 1, n, b), b);
	return 1;
}

/* at_angle: "<URL:...>", or "<...>" around a URL of a known scheme or a
 * "www." form, with '<' at p; the URL may span one line break. */
static int
at_angle(const char *t, size_t n, size_t p, size_t *s, size_t *e)
{
	const unsigned char *u = (const unsigned char *)t;
	size_t i, breaks = 0;

	*s = p + 1;
	if (*s >= n)
		return 0;
	if (rf__prefix_ci(t + *s, n - *s, "url:"))
		*s += 4;
	else if (!rf__prefix_ci(t + *s, n - *s, "http://") &&
	    !rf__prefix_ci(t + *s, n - *s, "https://") &&
	    !rf__prefix_ci(t + *s, n - *s, "ftp://") &&
	    !rf__prefix_ci(t + *s, n - *s, "mailto:") &&
	    !rf__prefix_ci(t + *s, n - *s, "www."))
		return 0;
	for (i = *s; i < n && u[i] != '>'; i++) {
		if (u[i] == '\r' || u[i] == '\n') {
			if (breaks++ > 0)
				return 0;
			if (u[i] == '\r' && i + 1 < n && u[i + 1] == '\n')
				i++;
			if (i + 1 >= n || u[i + 1] <= ' ')
				return 0;
		} else if (u[i] <= ' ' || u[i] == '<' || u[i] == '"' ||
		    u[i] == 0x7f)
			return 0;
	}
	*e = i;
	return i < n && i > *s;
}

/* emit: one RF_LINK_TEXT link for t[s..e); *full set at links->max. */
static rf_status
emit(const rf_ctx *ctx, rf_arena *a, const char *t, size_t s, size_t e,
     unsigned part, rf_links *links, int *full, rf_error *err)
{
	rf_link *k;
	rf_status st;

	if ((k = rf_links_add(a, links, &st)) == NULL) {
		if (st == RF_ELIMIT) {
			*full = 1;
			return RF_OK;
		}
		return rf_error_set(err, st, "out of memory");
	}
	k->kind = RF_LINK_TEXT;
	k->part = part;
	if ((k->url = rf_arena_strndup(a, t + s, e - s)) == NULL) {
		links->n--;
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	return rf_url_analyse(ctx, a, k, err);
}

int
rf__url_text_next(const char *text, size_t len, size_t *i, size_t *s,
		  size_t *e)
{
	const unsigned char *u = (const unsigned char *)text;
	size_t p = *i, floor = *i, next;
	int found;

	for (;; p++) {
		p = rf__span_until(text, p, len, ':', '.', '<', '<');
		if (p >= len) {
			*i = len;
			return 0;
		}
		if (u[p] == ':') {
			found = at_colon(text, len, floor, p, s, e);
			next = *e;
		} else if (u[p] == '.') {
			found = at_dot(text, len, floor, p, s, e);
			next = *e;
		} else {
			found = at_angle(text, len, p, s, e);
			next = *e + 1;
		}
		if (found) {
			*i = next;
			return 1;
		}
	}
}

rf_status
rf_url_extract_text(const rf_ctx *ctx, rf_arena *a, const char *text,
		    size_t len, unsigned part, rf_links *links, rf_error *err)
{
	size_t i = 0, s = 0, e = 0;
	rf_status st = RF_OK;
	int full = 0;

	while (st == RF_OK && !full && rf__url_text_next(text, len, &i, &s,
	    &e))
		st = emit(ctx, a, text, s, e, part, links, &full, err);
	return st;
}
