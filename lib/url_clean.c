/*
 * url_clean.c - URLs taken apart by byte ranges, percent-decoding that
 * remembers where each byte came from, the destination a tracking
 * redirect carries, and the clean form of a link (docs/tracking.md).
 * Nothing here fetches or resolves anything.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "bytescan.h"

/* Decoding rounds tried to find a wrapped destination ("%253A"). */
#define DEST_DECODE_ROUNDS 3
/* Bytes of a base64 value decoded to test what it starts with: enough
 * for "https://" percent-encoded DEST_DECODE_ROUNDS times. */
#define B64_HEAD 64

static int
is_scheme_char(int c)
{
	return isalnum(c) || c == '+' || c == '-' || c == '.';
}

size_t
rf__url_scheme_len(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < len && is_scheme_char((unsigned char)s[i]); i++)
		;
	return i < len && s[i] == ':' ? i : 0;
}

void
rf__url_split(const char *s, size_t len, struct rf__url *u)
{
	size_t i, auth_end, at, p;
	const char *q;

	memset(u, 0, sizeof(*u));
	u->s = s;
	u->len = len;
	/* scheme */
	if ((i = rf__url_scheme_len(s, len)) > 0)
		i++;	/* its ':' */
	if (len - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
		i += 2;
		u->has_auth = 1;
	} else if (i == 0 && len >= 4 && strncasecmp(s, "www.", 4) == 0) {
		u->has_auth = 1;
	}
	if (u->has_auth) {
		auth_end = rf__span_until(s, i, len, '/', '?', '#', '\\');
		q = memrchr(s + i, '@', auth_end - i);	/* the last '@' */
		at = q != NULL ? (size_t)(q - s) : auth_end;
		if (at < auth_end) {
			u->has_ui = 1;
			u->ui_off = i;
			u->ui_len = at - i;
			i = at + 1;
		}
		u->host_off = i;
		if (i < auth_end && s[i] == '[') {
			for (p = i; p < auth_end && s[p] != ']'; p++)
				;
			if (p < auth_end)
				p++;
		} else {
			q = memchr(s + i, ':', auth_end - i);
			p = q != NULL ? (size_t)(q - s) : auth_end;
		}
		u->host_len = p - i;
		i = auth_end;
	}
	u->path_off = i;
	i = rf__span_until(s, i, len, '?', '#', '#', '#');
	u->path_len = i - u->path_off;
	if (i < len && s[i] == '?') {
		u->has_query = 1;
		u->query_off = ++i;
		i = rf__span_until(s, i, len, '#', '#', '#', '#');
		u->query_len = i - u->query_off;
	}
	if (i < len && s[i] == '#') {
		u->has_frag = 1;
		u->frag_off = i + 1;
		u->frag_len = len - u->frag_off;
	}
}

size_t
rf__url_site_off(const rf_ctx *ctx, const struct rf__url *u)
{
	return u->host_off + rf__site_off(ctx, u->s + u->host_off,
	    u->host_len);
}

int
rf__pct_decode(rf_arena *a, const char *s, size_t len, const size_t *beg0,
	       const size_t *end0, struct rf__decoded *out)
{
	size_t i, o = 0;
	int h, l;

	out->s = rf_arena_alloc(a, len + 1);
	out->beg = rf_arena_array(a, len + 1, sizeof(size_t));
	out->end = rf_arena_array(a, len + 1, sizeof(size_t));
	if (out->s == NULL || out->beg == NULL || out->end == NULL)
		return -1;
	for (i = 0; i < len; i++, o++) {
		out->beg[o] = beg0 != NULL ? beg0[i] : i;
		if (s[i] == '%' && i + 2 < len &&
		    (h = rf__hexval((unsigned char)s[i + 1])) >= 0 &&
		    (l = rf__hexval((unsigned char)s[i + 2])) >= 0) {
			out->s[o] = (char)(h * 16 + l);
			i += 2;
		} else {
			out->s[o] = s[i];
		}
		out->end[o] = end0 != NULL ? end0[i] : i + 1;
	}
	out->s[o] = '\0';
	out->len = o;
	return 0;
}

int
rf__next_param(const char *q, size_t qlen, size_t *pos, size_t *off,
	   size_t *plen, size_t *nlen, size_t *voff, size_t *vlen)
{
	size_t i = *pos, e;
	const char *eq;

	while (i < qlen && (q[i] == '&' || q[i] == ';'))
		i++;
	if (i >= qlen)
		return 0;
	e = rf__span_until(q, i, qlen, '&', ';', ';', ';');
	*off = i;
	*plen = e - i;
	eq = memchr(q + i, '=', e - i);
	*nlen = eq != NULL ? (size_t)(eq - (q + i)) : e - i;
	*voff = i + *nlen + (i + *nlen < e ? 1 : 0);
	*vlen = e - *voff;
	*pos = e;
	return 1;
}

/* http_decoded: s (n bytes), percent-decoded up to DEST_DECODE_ROUNDS
 * times (its first 64 bytes, into a, *m of them), starts with "http://"
 * or "https://": the scheme's length with "://", else 0. */
static size_t
http_decoded(const char *s, size_t n, char a[64], size_t *m)
{
	char b[64];
	size_t i, o, k;
	int h, l, round;

	*m = n < 64 ? n : 64;
	memcpy(a, s, *m);
	for (round = 0; ; round++) {
		if (*m >= 7 && strncasecmp(a, "http://", 7) == 0)
			return 7;
		if (*m >= 8 && strncasecmp(a, "https://", 8) == 0)
			return 8;
		if (round == DEST_DECODE_ROUNDS || memchr(a, '%', *m) == NULL)
			return 0;
		for (i = 0, o = 0; i < *m; i++, o++) {
			if (a[i] == '%' && i + 2 < *m &&
			    (h = rf__hexval((unsigned char)a[i + 1])) >= 0 &&
			    (l = rf__hexval((unsigned char)a[i + 2])) >= 0) {
				b[o] = (char)(h * 16 + l);
				i += 2;
			} else {
				b[o] = a[i];
			}
		}
		for (k = 0; k < o; k++)
			a[k] = b[k];
		*m = o;
	}
}

/* starts_http: s (n bytes), percent-decoded up to DEST_DECODE_ROUNDS
 * times, starts with "http://" or "https://". */
static int
starts_http(const char *s, size_t n)
{
	char a[64];
	size_t m;

	return http_decoded(s, n, a, &m) != 0;
}

/* b64_url_ok: the decoded head of a base64 value (n bytes; cut: the value
 * goes on past them) is a URL with a whole host name: "http://", then a
 * host with a dot between two labels before the first "/?#:" (or the
 * head's end when cut).  A prefix of an encoded URL cut in its host
 * ("http://examp", "https://x.", as in a split segment) is none. */
static int
b64_url_ok(const char *head, size_t n, int cut)
{
	char a[64];
	size_t m, i, h, dot = 0;

	if ((h = http_decoded(head, n, a, &m)) == 0)
		return 0;
	for (i = h; i < m && strchr("/?#:", a[i]) == NULL; i++)
		if (a[i] == '.')
			dot = i;
	if (i == m && cut)
		return 1;	/* a host longer than the head */
	return dot > h && dot + 1 < i;
}

/* b64_val: the 6 bits of base64 character c (either alphabet: '+' and
 * '-' are 62, '/' and '_' 63), or -1. */
static int
b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* pct_next: the byte at s[*i] (n bytes), a "%XX" escape read as the byte
 * it stands for, as rf__pct_decode reads it; *i moved past it. */
static int
pct_next(const char *s, size_t n, size_t *i)
{
	int h, l;

	if (s[*i] == '%' && *i + 2 < n &&
	    (h = rf__hexval((unsigned char)s[*i + 1])) >= 0 &&
	    (l = rf__hexval((unsigned char)s[*i + 2])) >= 0) {
		*i += 3;
		return h * 16 + l;
	}
	return (unsigned char)s[(*i)++];
}

int
rf__b64_dest(const char *s, size_t n)
{
	char head[B64_HEAD];
	size_t i = 0, nh = 0, nc = 0, pad = 0;
	unsigned acc = 0, bits = 0, byte;
	int c, v, alpha = 0;

	/* the first character holds the top 6 bits of 'h' or 'H': 'a' or
	 * 'S'; the first 4 characters' 3 bytes are "htt" (any case, below):
	 * most values stop there */
	if (n < 4 || (s[0] != 'a' && s[0] != 'S'))
		return 0;
	while (i < n) {
		c = pct_next(s, n, &i);
		if (c == '=') {
			if (++pad > 2)
				return 0;
			continue;
		}
		if (pad > 0 || (v = b64_val((unsigned char)c)) < 0)
			return 0;
		/* one alphabet: standard ('+' '/') or URL-safe ('-' '_') */
		alpha |= c == '+' || c == '/' ? 1 : c == '-' || c == '_' ? 2 : 0;
		if (alpha == 3)
			return 0;
		acc = ((acc << 6) | (unsigned)v) & 0x3fff;
		bits += 6;
		nc++;
		if (bits < 8)
			continue;
		bits -= 8;
		byte = (acc >> bits) & 0xff;
		if (byte < 0x20 || byte == 0x7f)
			return 0;	/* text, not a URL */
		if (nh < sizeof(head))
			head[nh++] = (char)byte;
		if (nh == 3 && strncasecmp(head, "htt", 3) != 0)
			return 0;
	}
	if (nc % 4 == 1 || (pad > 0 && (nc + pad) % 4 != 0))
		return 0;
	return b64_url_ok(head, nh, nc / 4 * 3 > sizeof(head));
}

/* b64_decode: s[0..n) (accepted by rf__b64_dest, percent-decoded
 * already) decoded into out, up to its padding; each byte mapped to the
 * characters that carry its bits, through beg0/end0 (s's own map, as
 * rf__pct_decode takes it).  0, or -1 when out of memory. */
static int
b64_decode(rf_arena *a, const char *s, size_t n, const size_t *beg0,
	   const size_t *end0, struct rf__decoded *out)
{
	size_t i, o = 0, start = 0, cap = n / 4 * 3 + 3;
	unsigned acc = 0, bits = 0;
	int v;

	out->s = rf_arena_alloc(a, cap + 1);
	out->beg = rf_arena_array(a, cap + 1, sizeof(size_t));
	out->end = rf_arena_array(a, cap + 1, sizeof(size_t));
	if (out->s == NULL || out->beg == NULL || out->end == NULL)
		return -1;
	for (i = 0; i < n && (v = b64_val((unsigned char)s[i])) >= 0; i++) {
		acc = ((acc << 6) | (unsigned)v) & 0x3fff;
		bits += 6;
		if (bits < 8)
			continue;
		bits -= 8;
		out->s[o] = (char)((acc >> bits) & 0xff);
		out->beg[o] = beg0[start];
		out->end[o] = end0[i];
		o++;
		/* a character with bits left carries the next byte too */
		start = bits > 0 ? i : i + 1;
	}
	out->s[o] = '\0';
	out->len = o;
	return 0;
}

/* is_dest: s[0..n) carries a destination: http(s), percent-encoded or
 * not (starts_http), or base64-encoded (rf__b64_dest). */
static int
is_dest(const char *s, size_t n)
{
	return starts_http(s, n) || rf__b64_dest(s, n);
}

/* dest_segment: the first segment of the path of u that carries a
 * destination (is_dest; with b64 only a base64-encoded one): 1 and *off,
 * *len set, or 0. */
static int
dest_segment(const struct rf__url *u, int b64, size_t *off, size_t *len)
{
	const char *s = u->s;
	size_t seg, e, end = u->path_off + u->path_len;

	for (seg = u->path_off; seg < end; seg = e) {
		if (s[seg] == '/')
			seg++;
		for (e = seg; e < end && s[e] != '/'; e++)
			;
		if (e > seg && (b64 ? rf__b64_dest(s + seg, e - seg) :
		    is_dest(s + seg, e - seg))) {
			*off = seg;
			*len = e - seg;
			return 1;
		}
	}
	return 0;
}

int
rf__url_destination(const rf_rules *r, const struct rf__url *u, int generic,
		    size_t *off, size_t *len)
{
	const char *host = u->s + u->host_off, *param;
	const char *q = u->s + u->query_off;
	size_t i, pos, po, pl, nl, vo, vl;
	int kind;

	for (i = 0; (kind = rf__rules_unwrap(r, host, u->host_len, i,
	    &param)) != 0; i++) {
		if (kind != 1) {
			if (dest_segment(u, 0, off, len))
				return 1;
			continue;
		}
		pos = 0;
		while (rf__next_param(q, u->query_len, &pos, &po, &pl, &nl,
		    &vo, &vl)) {
			if (nl == strlen(param) &&
			    strncmp(q + po, param, nl) == 0 &&
			    is_dest(q + vo, vl)) {
				*off = u->query_off + vo;
				*len = vl;
				return 1;
			}
		}
	}
	if (!generic)
		return 0;
	pos = 0;
	while (rf__next_param(q, u->query_len, &pos, &po, &pl, &nl, &vo, &vl)) {
		if (is_dest(q + vo, vl)) {
			*off = u->query_off + vo;
			*len = vl;
			return 1;
		}
	}
	/* a base64-encoded URL is evidence enough in any path segment
	 * (Sailthru's /click/ID/BASE64/SIG on a sender's own host) */
	return dest_segment(u, 1, off, len);
}

int
rf__dest_decode(rf_arena *a, const char *url, size_t off, size_t len,
	    struct rf__decoded *d)
{
	struct rf__decoded prev;
	size_t i;
	int round = 1, b64 = rf__b64_dest(url + off, len);

	if (rf__pct_decode(a, url + off, len, NULL, NULL, d) != 0)
		return -1;
	for (i = 0; i < d->len; i++) {
		d->beg[i] += off;
		d->end[i] += off;
	}
	if (b64) {
		/* decoded once, as rf__b64_dest read it; then the bytes it
		 * carries, percent-decoded up to DEST_DECODE_ROUNDS times */
		prev = *d;
		if (b64_decode(a, prev.s, prev.len, prev.beg, prev.end,
		    d) != 0)
			return -1;
		round = 0;
	}
	for (; round < DEST_DECODE_ROUNDS; round++) {
		if (strncasecmp(d->s, "http://", 7) == 0 ||
		    strncasecmp(d->s, "https://", 8) == 0 ||
		    memchr(d->s, '%', d->len) == NULL)
			break;
		prev = *d;
		if (rf__pct_decode(a, prev.s, prev.len, prev.beg, prev.end,
		    d) != 0)
			return -1;
	}
	d->b64 = b64;
	return 0;
}

/* dest_tokens: the tokens of the outer URL that lie inside the decoded
 * destination d, in d's coordinates (known-host tokens, which cover the
 * whole redirect, are left out). */
static int
dest_tokens(rf_arena *a, const struct rf__decoded *d, const rf_token *t,
		size_t nt, rf_token **out, size_t *nout)
{
	size_t i, k, first, last;
	int found;

	*out = rf_arena_array(a, nt + 1, sizeof(rf_token));
	*nout = 0;
	if (*out == NULL)
		return -1;
	if (d->len == 0)
		return 0;
	for (i = 0; i < nt; i++) {
		if (strncmp(t[i].reason, "known-host:", 11) == 0 ||
		    t[i].len == 0 || t[i].off < d->beg[0] ||
		    t[i].off + t[i].len > d->end[d->len - 1])
			continue;
		found = 0;
		first = last = 0;
		for (k = 0; k < d->len; k++) {
			if (d->beg[k] >= t[i].off &&
			    d->end[k] <= t[i].off + t[i].len) {
				if (!found)
					first = k;
				last = k;
				found = 1;
			}
		}
		if (!found)
			continue;
		(*out)[*nout].off = first;
		(*out)[*nout].len = last - first + 1;
		(*out)[*nout].reason = t[i].reason;
		(*nout)++;
	}
	return 0;
}

static int
overlaps(const rf_token *t, size_t nt, size_t start, size_t end, int hosttok)
{
	size_t i;

	for (i = 0; i < nt; i++) {
		if (t[i].len == 0)
			continue;
		if (!hosttok && strncmp(t[i].reason, "known-host:", 11) == 0)
			continue;
		if (t[i].off < end && t[i].off + t[i].len > start)
			return 1;
	}
	return 0;
}

/* put_segment: s[start..end) with the token intervals inside it replaced
 * by the placeholder.  Returns -1 when out of memory. */
static int
put_segment(rf_buf *b, const char *s, size_t start, size_t end,
	    const rf_token *t, size_t nt, int hosttok)
{
	size_t i, k, cut_end;
	int cut;

	for (i = start; i < end; ) {
		cut = 0;
		cut_end = i;
		for (k = 0; k < nt; k++) {
			if (t[k].len == 0 || (!hosttok &&
			    strncmp(t[k].reason, "known-host:", 11) == 0))
				continue;
			if (t[k].off <= i && t[k].off + t[k].len > i) {
				cut = 1;
				if (t[k].off + t[k].len > cut_end)
					cut_end = t[k].off + t[k].len;
			}
		}
		if (cut) {
			/* extend through overlapping tokens */
			for (k = 0; k < nt; k++) {
				if (t[k].len == 0 || (!hosttok && strncmp(
				    t[k].reason, "known-host:", 11) == 0))
					continue;
				if (t[k].off < cut_end &&
				    t[k].off + t[k].len > cut_end) {
					cut_end = t[k].off + t[k].len;
					k = (size_t)-1;
				}
			}
			if (rf_buf_puts(b, RF_TRACKING_PLACEHOLDER) != 0)
				return -1;
			i = cut_end < end ? cut_end : end;
		} else {
			if (rf_buf_putc(b, s[i]) != 0)
				return -1;
			i++;
		}
	}
	return 0;
}

/* put_params: the parameters of s[off..off+len) that carry no token,
 * after sep ('?' or '#') when any is kept. */
static int
put_params(rf_buf *b, const char *s, size_t off, size_t len, char sep,
	   const rf_token *t, size_t nt, int hosttok)
{
	size_t pos = 0, po, pl, nl, vo, vl;
	int first = 1;

	while (rf__next_param(s + off, len, &pos, &po, &pl, &nl, &vo, &vl)) {
		if (overlaps(t, nt, off + po, off + po + pl, hosttok))
			continue;
		if (rf_buf_putc(b, first ? sep : '&') != 0 ||
		    rf_buf_append(b, s + off + po, pl) != 0)
			return -1;
		first = 0;
	}
	return 0;
}

static int
clean_parts(const rf_ctx *ctx, rf_buf *b, const struct rf__url *u,
	    const rf_token *t, size_t nt, int hosttok)
{
	const char *s = u->s;
	size_t i, e, path_end, site = u->host_off + u->host_len;
	int prev_full = 0, full;

	/* scheme and "//" */
	i = u->has_ui ? u->ui_off : u->host_off;
	if (!u->has_auth)
		i = u->path_off;
	if (rf_buf_append(b, s, i) != 0)
		return -1;
	/* the user part, or with a code in it none.  Without it the rest
	 * must still read as one URL in text (url_text.c), or the reading
	 * may find one inside it: a "www." form, which starts with its user
	 * part, is written with the "http://" a reader gives it
	 * ("www.ADDRESS@\xefwww.o.o" cleaned to "\xefwww.o.o" read
	 * "www.o.o", a new link: seed www-userinfo-8bit); the '@' is kept
	 * before an empty host, which "scheme:///" would leave
	 * ("http://ADDRESS@/http://@" cleaned to "http:///http://@" read
	 * "http://@": seed userinfo-empty-host) */
	if (u->has_ui) {
		int r = 0;

		if (!overlaps(t, nt, u->ui_off, u->ui_off + u->ui_len + 1,
		    hosttok)) {
			r = rf_buf_append(b, s + u->ui_off, u->ui_len + 1);
		} else {
			if (u->ui_off == 0)
				r = rf_buf_puts(b, "http://");
			if (r == 0 && u->host_len == 0)
				r = rf_buf_putc(b, '@');
		}
		if (r != 0)
			return -1;
	}
	/* host, label by label; its site (rf__site_off: the registrable
	 * domain) is never replaced, so that the reader still sees where
	 * the link went (s37: "https://redflag-removed.redflag-removed.
	 * redflag-removed/" was an Amazon SES destination flagged whole by
	 * the comparison of copies; s38: "redflag-removed.co.uk" no site
	 * at all); looked up only when a token lies in the host */
	if (overlaps(t, nt, u->host_off, site, hosttok))
		site = rf__url_site_off(ctx, u);
	for (i = u->host_off; i < u->host_off + u->host_len; i = e + 1) {
		for (e = i; e < u->host_off + u->host_len && s[e] != '.'; e++)
			;
		if (i < site && overlaps(t, nt, i, e, hosttok)) {
			if (rf_buf_puts(b, RF_TRACKING_PLACEHOLDER) != 0)
				return -1;
		} else if (rf_buf_append(b, s + i, e - i) != 0) {
			return -1;
		}
		if (e < u->host_off + u->host_len && rf_buf_putc(b, '.') != 0)
			return -1;
	}
	/* port */
	i = u->host_off + u->host_len;
	if (u->has_auth && rf_buf_append(b, s + i, u->path_off - i) != 0)
		return -1;
	/* path, segment by segment; a run of whole segments that carry
	 * tokens becomes one placeholder */
	path_end = u->path_off + u->path_len;
	for (i = u->path_off; i < path_end; i = e) {
		int slash = s[i] == '/';

		if (slash)
			i++;
		for (e = i; e < path_end && s[e] != '/'; e++)
			;
		full = e > i && overlaps(t, nt, i, e, hosttok);
		if (full) {
			size_t k;

			for (k = i; k < e && overlaps(t, nt, k, k + 1,
			    hosttok); k++)
				;
			full = k == e;
		}
		if (full && prev_full)
			continue;
		if (slash && rf_buf_putc(b, '/') != 0)
			return -1;
		if (put_segment(b, s, i, e, t, nt, hosttok) != 0)
			return -1;
		prev_full = full;
	}
	if (u->has_query && put_params(b, s, u->query_off, u->query_len, '?',
	    t, nt, hosttok) != 0)
		return -1;
	if (!u->has_frag)
		return 0;
	if (memchr(s + u->frag_off, '=', u->frag_len) != NULL)
		return put_params(b, s, u->frag_off, u->frag_len, '#', t, nt,
		    hosttok);
	if (rf_buf_putc(b, '#') != 0)
		return -1;
	return put_segment(b, s, u->frag_off, u->frag_off + u->frag_len, t,
	    nt, hosttok);
}

/* Only known-host tokens: the whole redirect is the code. */
static int
only_host_tokens(const rf_token *t, size_t nt)
{
	size_t i;

	for (i = 0; i < nt; i++)
		if (strncmp(t[i].reason, "known-host:", 11) != 0)
			return 0;
	return 1;
}

static int
has_host_token(const rf_token *t, size_t nt)
{
	size_t i;

	for (i = 0; i < nt; i++)
		if (strncmp(t[i].reason, "known-host:", 11) == 0)
			return 1;
	return 0;
}

/* A token outside the query, which dropping parameters cannot remove. */
static int
fixed_token(const struct rf__url *u, const rf_token *t, size_t nt)
{
	size_t i;

	for (i = 0; i < nt; i++) {
		if (strncmp(t[i].reason, "known-host:", 11) == 0)
			continue;
		if (!u->has_query || t[i].off < u->query_off ||
		    t[i].off + t[i].len > u->query_off + u->query_len)
			return 1;
	}
	return 0;
}

/* raw_unsafe: c is a byte that a decoded destination may not carry as
 * it is: a control, a blank, 8-bit, or one of " ' < > ` (HTML's quotes
 * and tags, and what a browser's URL parser percent-encodes itself). */
static int
raw_unsafe(unsigned char c)
{
	return c <= 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '<' ||
	    c == '>' || c == '`';
}

/* dest_encoded: s (NUL-terminated, in a) with each raw_unsafe byte
 * percent-encoded, the form a client would request; s itself when it
 * has none.  NULL when out of memory. */
static char *
dest_encoded(rf_arena *a, char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o, n = 0;
	char *out;

	for (i = 0; s[i] != '\0'; i++)
		n += raw_unsafe((unsigned char)s[i]);
	if (n == 0)
		return s;
	if ((out = rf_arena_alloc(a, i + 2 * n + 1)) == NULL)
		return NULL;
	for (i = 0, o = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!raw_unsafe(c)) {
			out[o++] = (char)c;
			continue;
		}
		out[o++] = '%';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	out[o] = '\0';
	return out;
}

static char *
clean_rec(const rf_ctx *ctx, rf_arena *a, const rf_rules *r, const char *url,
	  size_t len, const rf_token *t, size_t nt, unsigned depth,
	  unsigned maxdepth, int *depth_hit)
{
	struct rf__url u;
	struct rf__decoded d;
	rf_token *it;
	size_t off, dlen, nit, i;
	rf_buf b;
	char *out = NULL;
	int dest, inside = 0;

	if (nt == 0)
		return rf_arena_strndup(a, url, len);
	rf__url_split(url, len, &u);
	dest = rf__url_destination(r, &u, 1, &off, &dlen);
	if (dest) {
		for (i = 0; i < nt; i++)
			if (t[i].off >= off && t[i].off + t[i].len <= off + dlen)
				inside = 1;
		/* a generic destination only unwraps when the link cannot be
		 * cleaned otherwise, or the code sits in the destination */
		if (!rf__url_destination(r, &u, 0, &off, &dlen) && !inside &&
		    !has_host_token(t, nt) && !fixed_token(&u, t, nt))
			dest = 0;
	}
	if (dest && depth >= maxdepth) {
		*depth_hit = 1;
		dest = 0;
	}
	if (dest) {
		if (rf__dest_decode(a, url, off, dlen, &d) != 0 ||
		    dest_tokens(a, &d, t, nt, &it, &nit) != 0)
			return NULL;
		/* a destination keeps what decoded to a byte no URL
		 * carries percent-encoded (s29: a raw 0xFF read otherwise
		 * in the part, a blank ending a link in text) */
		out = clean_rec(ctx, a, r, d.s, d.len, it, nit, depth + 1,
		    maxdepth, depth_hit);
		return out != NULL ? dest_encoded(a, out) : NULL;
	}
	rf_buf_init(&b, 0);
	if (clean_parts(ctx, &b, &u, t, nt, only_host_tokens(t, nt)) == 0)
		out = rf_arena_strndup(a, b.data != NULL ? b.data : "", b.len);
	rf_buf_free(&b);
	return out;
}

char *
rf__clean(const rf_ctx *ctx, rf_arena *a, const rf_rules *r, const char *url,
	  size_t len, const rf_token *t, size_t nt, unsigned maxdepth,
	  int *depth_hit)
{
	*depth_hit = 0;
	return clean_rec(ctx, a, r, url, len, t, nt, 0, maxdepth, depth_hit);
}
