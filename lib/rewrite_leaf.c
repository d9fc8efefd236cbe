/*
 * rewrite_leaf.c - the replacements the rewriter (rewrite.c) makes in the
 * decoded text of one leaf, and the text encoded again with the part's
 * transfer encoding (docs/tracking.md, "Rewriting a message").
 */
#include <gmime/gmime.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

#include "rewrite_int.h"

/* URL_BYTES[c]: c may continue a URL (so a match followed by it is only
 * the start of a longer URL): a letter, a digit, one of
 * "-._~/?#[]@!$&*+=%:;", or NUL (as strchr finds it in that list). */
#define D10(c) [c] = 1, [c + 1] = 1, [c + 2] = 1, [c + 3] = 1, \
	[c + 4] = 1, [c + 5] = 1, [c + 6] = 1, [c + 7] = 1, [c + 8] = 1, \
	[c + 9] = 1
static const unsigned char URL_BYTES[256] = {
	[0] = 1, ['-'] = 1, ['.'] = 1, ['_'] = 1, ['~'] = 1, ['/'] = 1,
	['?'] = 1, ['#'] = 1, ['['] = 1, [']'] = 1, ['@'] = 1, ['!'] = 1,
	['$'] = 1, ['&'] = 1, ['*'] = 1, ['+'] = 1, ['='] = 1, ['%'] = 1,
	[':'] = 1, [';'] = 1,
	D10('0'), D10('A'), D10('K'), ['U'] = 1, ['V'] = 1, ['W'] = 1,
	['X'] = 1, ['Y'] = 1, ['Z'] = 1, D10('a'), D10('k'), ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};
#undef D10

/* url_char: URL_BYTES of c (0-255). */
static int
url_char(int c)
{
	return URL_BYTES[c & 0xff];
}

/* tail_char: a url_char byte the analysis leaves out at the end of a
 * URL in text (lib/url_text.c, trim), so that a link at the end of a
 * sentence ("...&pos=42.") or in brackets ("[mailto:a@b.example]") is
 * still standalone and replaced. */
static int
tail_char(int c)
{
	return c == '.' || c == '!' || c == '?' || c == ';' || c == ':' ||
	    c == '*' || c == ']';
}

/* tail_len: the tail_char bytes that end s[0..n). */
static size_t
tail_len(const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && tail_char((unsigned char)s[n - 1 - k]))
		k++;
	return k;
}

/* ends_run: the bytes p[0..n) up to the first that is no url_char are
 * tail_char bytes only (an occurrence followed by them is standalone). */
static int
ends_run(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && url_char((unsigned char)p[i]); i++)
		if (!tail_char((unsigned char)p[i]))
			return 0;
	return 1;
}

char *
rf__rewrite_amp_form(const char *s)
{
	size_t n = 0, i;
	char *o, *p;

	for (i = 0; s[i] != '\0'; i++)
		n += s[i] == '&' ? 5 : 1;
	if ((o = p = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '&') {
			memcpy(p, "&amp;", 5);
			p += 5;
		} else {
			*p++ = s[i];
		}
	}
	*p = '\0';
	return o;
}

/* find: the first occurrence of from (fl bytes) in d[0..n), in any
 * ASCII case when nocase. */
static const char *
find(const char *d, size_t n, const char *from, size_t fl, int nocase)
{
	size_t i;

	if (!nocase)
		return memmem(d, n, from, fl);
	for (i = 0; i + fl <= n; i++)
		if (strncasecmp(d + i, from, fl) == 0)
			return d + i;
	return NULL;
}

int
rf__rewrite_replace_all(GByteArray **buf, const char *from,
			const char *to, int text, size_t *count)
{
	GByteArray *in = *buf, *out;
	size_t fl = strlen(from), tl = strlen(to), i = 0, last = 0;
	const char *d = (const char *)in->data;
	const char *p;
	int changed = 0;

	if (fl == 0)
		return 0;
	out = g_byte_array_new();
	while (i + fl <= in->len && (p = find(d + i, in->len - i, from,
	    fl, text)) != NULL) {
		size_t at = (size_t)(p - d);

		i = at + 1;
		if (!text && ((at > 0 && (url_char((unsigned char)d[at - 1]) &&
		    d[at - 1] != '=' && d[at - 1] != '(' &&
		    d[at - 1] != '[')) ||
		    !ends_run(d + at + fl, in->len - at - fl)))
			continue;
		g_byte_array_append(out, (const guint8 *)d + last, at - last);
		g_byte_array_append(out, (const guint8 *)to, tl);
		last = at + fl;
		i = last;
		changed = 1;
		(*count)++;
	}
	if (!changed) {
		g_byte_array_free(out, TRUE);
		return 0;
	}
	g_byte_array_append(out, (const guint8 *)d + last, in->len - last);
	g_byte_array_free(in, TRUE);
	*buf = out;
	return 1;
}

/* amp_count: the '&' of s[0..n). */
static size_t
amp_count(const char *s, size_t n)
{
	const char *e = s + n;
	size_t k = 0;

	while (s < e && (s = memchr(s, '&', (size_t)(e - s))) != NULL) {
		k++;
		s++;
	}
	return k;
}

/* url_only: s[0..n) is made of url_char bytes. */
static int
url_only(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!url_char((unsigned char)s[i]))
			return 0;
	return 1;
}

int
rf__rewrite_note(rf_rewrite *rw, struct rf__subst *s)
{
	size_t need;
	unsigned char *l;

	s->fl = strlen(s->from);
	s->tl = strlen(s->to);
	s->afl = s->text ? 0 : s->fl + 4 * amp_count(s->from, s->fl);
	if (s->afl == s->fl)
		s->afl = 0;	/* no '&': no "&amp;" form */
	if (s->fl == 0)
		return 0;	/* replaces nothing */
	if (s->text || !url_only(s->from, s->fl) || !url_only(s->to, s->tl))
		rw->loop = 1;
	need = (s->afl > s->fl ? s->afl : s->fl) + 1;
	if (need > rw->nlens) {
		if ((l = realloc(rw->lens, need)) == NULL)
			return -1;
		memset(l + rw->nlens, 0, need - rw->nlens);
		rw->lens = l;
		rw->nlens = need;
	}
	rw->lens[s->fl] |= RF__LEN_PLAIN;
	if (s->afl > 0)
		rw->lens[s->afl] |= RF__LEN_AMP;
	if (rw->minfl == 0 || s->fl < rw->minfl)
		rw->minfl = s->fl;
	return 0;
}

/* replace_seq: the loop: for each substitution in turn, every standalone
 * occurrence of its from, then in HTML (not text, from has '&') of its
 * "&amp;" form, when that could be made, replaced in the whole text (the
 * reference replace_runs must equal), each counted in the substitution's
 * hits; 1 when *buf changed, else 0. */
static int
replace_seq(rf_rewrite *c, int html, GByteArray **buf, size_t *count)
{
	const struct rf__subst *s;
	char *af, *at;
	size_t i, n;
	int changed = 0;

	for (i = 0; i < c->nsubst; i++) {
		s = &c->subst[i];
		n = *count;
		changed |= rf__rewrite_replace_all(buf, s->from, s->to,
		    s->text, count);
		if (html && s->afl > 0 &&
		    (af = rf__rewrite_amp_form(s->from)) != NULL) {
			if ((at = rf__rewrite_amp_form(s->to)) != NULL) {
				changed |= rf__rewrite_replace_all(buf, af,
				    at, 0, count);
				free(at);
			}
			free(af);
		}
		c->subst[i].hits += *count - n;
	}
	return changed;
}

/* put_amp: s[0..n) appended to b, each '&' written "&amp;". */
static void
put_amp(GByteArray *b, const char *s, size_t n)
{
	const char *e = s + n, *q;

	while (s < e && (q = memchr(s, '&', (size_t)(e - s))) != NULL) {
		g_byte_array_append(b, (const guint8 *)s, (size_t)(q - s));
		g_byte_array_append(b, (const guint8 *)"&amp;", 5);
		s = q + 1;
	}
	g_byte_array_append(b, (const guint8 *)s, (size_t)(e - s));
}

/* The replacements of a leaf in their order: substitution i is 2 i, its
 * "&amp;" form (in HTML) 2 i + 1. */
#define NONE SIZE_MAX

/* look_up: the lowest replacement >= next and < *best whose from is
 * s[0..n) (amp: the "&amp;" form of a from that is s), looked up in the
 * rewrite's one index (XXH3 of from); *best lowered to it. */
static void
look_up(const rf_rewrite *c, const char *s, size_t n, int amp, size_t next,
	size_t *best)
{
	uint64_t h = XXH3_64bits(s, n);
	size_t p, j, k;

	if (c->slot == NULL)
		return;
	for (p = (size_t)h; (j = c->slot[p & c->mask]) != 0; p++) {
		const struct rf__subst *x = &c->subst[j - 1];

		k = 2 * (j - 1) + (size_t)amp;
		if (k >= next && k < *best && x->hash == h && x->fl == n &&
		    (!amp || x->afl > 0) && memcmp(x->from, s, n) == 0)
			*best = k;
	}
}

/* unamp: s[0..n) with each "&amp;" written '&' into out (n bytes), when
 * every '&' of s starts "&amp;" (s is then the "&amp;" form of out);
 * the length, or NONE when s is no such form. */
static size_t
unamp(const char *s, size_t n, char *out)
{
	size_t i = 0, o = 0;

	while (i < n) {
		if (s[i] != '&') {
			out[o++] = s[i++];
			continue;
		}
		if (n - i < 5 || memcmp(s + i, "&amp;", 5) != 0)
			return NONE;
		out[o++] = '&';
		i += 5;
	}
	return o;
}

/* try_at: when a replacement >= next and < *best has the from r[b..rl)
 * (kinds: which of the lens bits to look up), *best lowered to the lowest
 * such and *at set to b.  un: room for nlens bytes. */
static void
try_at(const rf_rewrite *c, unsigned kinds, const char *r, size_t rl,
       size_t b, size_t next, char *un, size_t *best, size_t *at)
{
	size_t n = rl - b, u, was = *best;
	unsigned k = c->lens[n] & kinds;

	if (k & RF__LEN_PLAIN)
		look_up(c, r + b, n, 0, next, best);
	if ((k & RF__LEN_AMP) && memchr(r + b, '&', n) != NULL &&
	    (u = unamp(r + b, n, un)) != NONE)
		look_up(c, un, u, 1, next, best);
	if (*best != was)
		*at = b;
}

/* first_at: what run_first does for the suffixes ending at rl: *best
 * lowered to the first replacement >= next and < *best whose from is a
 * suffix r[b..rl) of r[0..rl) that starts at 0 or after a '=' or a
 * '[', *at set to its b. */
static void
first_at(const rf_rewrite *c, unsigned kinds, const char *r, size_t rl,
	 size_t next, char *un, size_t *best, size_t *at)
{
	size_t lo, maxfl = c->nlens - 1;
	const char *e, *end;

	if (rl < c->minfl || rl == 0)
		return;
	lo = rl > maxfl ? rl - maxfl : 0;	/* the first b possible */
	if (lo == 0 && (c->lens[rl] & kinds))
		try_at(c, kinds, r, rl, 0, next, un, best, at);
	end = r + rl - 1;	/* a '=' or '[' there starts nothing */
	for (e = r + (lo > 0 ? lo - 1 : 0); e < end; e++)
		if ((*e == '=' || *e == '[') && (c->lens[end - e] & kinds))
			try_at(c, kinds, r, rl, (size_t)(e + 1 - r), next,
			    un, best, at);
}

/* run_first: the first replacement >= next (NONE when none) whose from
 * is r[b..e) of the run r[0..rl), b 0 or after a '=' or '[', and r[e..rl)
 * tail_char bytes only; *at and *end set to its b and e (the lowest e
 * for one replacement, as replace_all takes the leftmost).  Only the
 * suffixes as long as a from are looked up (kinds: the lens bits of the
 * leaf's replacements). */
static size_t
run_first(const rf_rewrite *c, unsigned kinds, const char *r, size_t rl,
	  size_t next, char *un, size_t *at, size_t *end)
{
	size_t best = NONE, was, e;

	for (e = rl - tail_len(r, rl); e <= rl; e++) {
		was = best;
		first_at(c, kinds, r, e, next, un, &best, at);
		if (best != was)
			*end = e;
	}
	return best;
}

/* replace_runs: what replace_seq does, in one pass over *buf, when
 * !c->loop (hits counted alike).  Then a standalone occurrence
 * (replace_all) lies in a maximal run of url_char bytes, starts at the
 * run's start or after a '=' or '[' in it, and is followed in the run by
 * tail_char bytes only; replacing it by a `to` of url_char bytes leaves
 * the bytes around the run as they were, so each run changes on its own:
 * it takes, in the order of the replacements, each whose from is such an
 * occurrence in the run as it is then (run_first).  1 when *buf changed,
 * 0 when not, -1 when out of memory (*buf unchanged). */
static int
replace_runs(rf_rewrite *c, int html, GByteArray **buf, size_t *count)
{
	GByteArray *in = *buf, *out = NULL, *tmp = NULL, *alt = NULL, *sw;
	const char *d = (const char *)in->data;
	unsigned kinds = html ? RF__LEN_PLAIN | RF__LEN_AMP : RF__LEN_PLAIN;
	size_t r0, r1, last = 0;
	char *un;

	if (c->minfl == 0)
		return 0;	/* no from replaces anything */
	if ((un = malloc(c->nlens)) == NULL)
		return -1;
	/* r0: 0 or just after a byte that ends a run; the runs shorter
	 * than the shortest from are skipped by looking back from the end
	 * of the shortest from that would start at r0 (each byte is looked
	 * at at most twice, most of them never) */
	r0 = 0;
	while (r0 + c->minfl <= in->len) {
		const char *r;
		size_t rl, j, next = 0, at = 0, e = 0, q = r0 + c->minfl;

		while (q > r0 && url_char((unsigned char)d[q - 1]))
			q--;
		if (q > r0) {
			r0 = q;
			continue;
		}
		for (r1 = r0 + c->minfl; r1 < in->len &&
		    url_char((unsigned char)d[r1]); r1++)
			;
		r = d + r0;
		rl = r1 - r0;
		while ((j = run_first(c, kinds, r, rl, next, un, &at,
		    &e)) != NONE) {
			const struct rf__subst *s = &c->subst[j / 2];

			/* the run again in alt (r is in d or in tmp):
			 * r[0..at), the to, the tail r[e..rl) */
			if (alt == NULL) {
				alt = g_byte_array_new();
				tmp = g_byte_array_new();
			}
			g_byte_array_set_size(alt, 0);
			g_byte_array_append(alt, (const guint8 *)r, at);
			if (j % 2 == 0)
				g_byte_array_append(alt,
				    (const guint8 *)s->to, s->tl);
			else
				put_amp(alt, s->to, s->tl);
			g_byte_array_append(alt, (const guint8 *)r + e,
			    rl - e);
			sw = tmp;
			tmp = alt;
			alt = sw;
			r = (const char *)tmp->data;
			rl = tmp->len;
			next = j + 1;
			(*count)++;
			c->subst[j / 2].hits++;
		}
		if (r != d + r0) {
			if (out == NULL)
				out = g_byte_array_new();
			g_byte_array_append(out, (const guint8 *)d + last,
			    r0 - last);
			g_byte_array_append(out, (const guint8 *)r, rl);
			last = r1;
		}
		r0 = r1 + 1;
	}
	free(un);
	if (tmp != NULL)
		g_byte_array_free(tmp, TRUE);
	if (alt != NULL)
		g_byte_array_free(alt, TRUE);
	if (out == NULL)
		return 0;
	g_byte_array_append(out, (const guint8 *)d + last, in->len - last);
	g_byte_array_free(in, TRUE);
	*buf = out;
	return 1;
}

/* rf__rewrite_leaf: replace_runs when it may, else replace_seq. */
int
rf__rewrite_leaf(rf_rewrite *c, int html, GByteArray **buf, size_t *count)
{
	size_t before = *count;
	int changed = -1;

	if (!c->loop)
		changed = replace_runs(c, html, buf, count);
	if (changed < 0) {
		*count = before;
		changed = replace_seq(c, html, buf, count);
	}
	return changed;
}

int
rf__rewrite_one_pass(const rf_rewrite *c)
{
	return !c->loop;
}

GByteArray *
rf__rewrite_encode(GMimeContentEncoding enc, const GByteArray *content,
		   int crlf)
{
	GMimeEncoding state;
	GByteArray *lf, *out;
	const guint8 *s = content->data, *e = s + content->len, *q;
	size_t n;
	char *tmp, *t, *te, *nl;

	if (enc != GMIME_CONTENT_ENCODING_BASE64 &&
	    enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE) {
		out = g_byte_array_sized_new((guint)content->len);
		g_byte_array_append(out, content->data, content->len);
		return out;
	}
	/* quoted-printable encodes text lines: give it LF line ends (the
	 * CR of each CRLF left out), a block at a time */
	lf = g_byte_array_sized_new((guint)content->len);
	while (enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE && s < e &&
	    (q = memchr(s, '\r', (size_t)(e - s))) != NULL) {
		if (q + 1 < e && q[1] == '\n') {
			g_byte_array_append(lf, s, (guint)(q - s));
			s = q + 1;	/* from the LF on */
		} else {
			g_byte_array_append(lf, s, (guint)(q + 1 - s));
			s = q + 1;
		}
	}
	if (s < e)
		g_byte_array_append(lf, s, (guint)(e - s));
	g_mime_encoding_init_encode(&state, enc);
	tmp = g_malloc(g_mime_encoding_outlen(&state, lf->len) + 16);
	n = g_mime_encoding_flush(&state, (const char *)lf->data, lf->len,
	    tmp);
	/* the encoder's lines end in LF: CRLF when crlf, a line at a time
	 * (room for a CR per line of 64 bytes or more) */
	out = g_byte_array_sized_new((guint)(n + (crlf ? n / 64 + 2 : 0)));
	for (t = tmp, te = tmp + n; crlf && t < te &&
	    (nl = memchr(t, '\n', (size_t)(te - t))) != NULL; t = nl + 1) {
		g_byte_array_append(out, (const guint8 *)t, (guint)(nl - t));
		g_byte_array_append(out, (const guint8 *)"\r\n", 2);
	}
	if (t < te)
		g_byte_array_append(out, (const guint8 *)t, (guint)(te - t));
	g_free(tmp);
	g_byte_array_free(lf, TRUE);
	return out;
}
