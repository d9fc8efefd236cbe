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

#include "rewrite_int.h"

/* url_char: may continue a URL (so a match followed by it is only the
 * start of a longer URL). */
static int
url_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("-._~/?#[]@!$&*+=%:;", c) != NULL;
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
		    d[at - 1] != '=' && d[at - 1] != '(')) ||
		    (at + fl < in->len && url_char((unsigned char)d[at + fl]))))
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

/* One replacement of the sequence a text leaf gets: a substitution, or
 * (in HTML) its form with '&' written "&amp;". */
struct pat {
	const char *from, *to;
	size_t fl, tl;
	int text;		/* as struct subst */
	uint64_t h;		/* run_hash of from (replace_runs) */
	char *afrom, *ato;	/* the "&amp;" forms (malloc), owned */
};

/* pats_make: the replacements clean_leaf makes in a leaf (html: an HTML
 * one), in the order it makes them: each substitution, then (html, not
 * text, from has '&') its "&amp;" form when that could be made.  Empty
 * froms (no effect) are left out.  *n set; NULL when out of memory. */
static struct pat *
pats_make(const rf_rewrite *c, int html, size_t *n)
{
	struct pat *p = calloc(2 * c->nsubst + 1, sizeof(*p));
	size_t i, k = 0;

	if (p == NULL)
		return NULL;
	for (i = 0; i < c->nsubst; i++) {
		const struct rf__subst *s = &c->subst[i];

		if (s->from[0] != '\0') {
			p[k].from = s->from;
			p[k].to = s->to;
			p[k].text = s->text;
			k++;
		}
		if (!html || s->text || strchr(s->from, '&') == NULL)
			continue;
		if ((p[k].afrom = rf__rewrite_amp_form(s->from)) == NULL)
			continue;
		if ((p[k].ato = rf__rewrite_amp_form(s->to)) == NULL) {
			free(p[k].afrom);
			p[k].afrom = NULL;
			continue;
		}
		p[k].from = p[k].afrom;
		p[k].to = p[k].ato;
		k++;
	}
	for (i = 0; i < k; i++) {
		p[i].fl = strlen(p[i].from);
		p[i].tl = strlen(p[i].to);
	}
	*n = k;
	return p;
}

/* pats_free: p (n of them) and the strings it owns; NULL allowed. */
static void
pats_free(struct pat *p, size_t n)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(p[i].afrom);
		free(p[i].ato);
	}
	free(p);
}

/* replace_seq: replace_all for each of p[0..n) in turn (the reference
 * replace_runs must equal); 1 when *buf changed, else 0. */
static int
replace_seq(const struct pat *p, size_t n, GByteArray **buf, size_t *count)
{
	size_t i;
	int changed = 0;

	for (i = 0; i < n; i++)
		changed |= rf__rewrite_replace_all(buf, p[i].from, p[i].to,
		    p[i].text, count);
	return changed;
}

#define RUN_MUL 0x9e3779b97f4a7c15ULL

/* run_hash: s[0..n) as replace_runs hashes a run's suffix: s[0] +
 * M s[1] + M^2 s[2] ... (mod 2^64), so that each suffix of a run takes
 * one step from the next shorter one. */
static uint64_t
run_hash(const char *s, size_t n)
{
	uint64_t h = 0;

	while (n > 0)
		h = (unsigned char)s[--n] + RUN_MUL * h;
	return h;
}

/* run_slot: the first slot of hash h in a table of mask + 1 slots. */
static size_t
run_slot(uint64_t h, size_t mask)
{
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return (size_t)(h ^ (h >> 32)) & mask;
}

/* runs_ok: replace_runs gives what replace_seq gives for p[0..n): no
 * replacement in any case (text), and every from and to made of
 * url_char bytes only (uc: url_char of each byte value). */
static int
runs_ok(const struct pat *p, size_t n, const unsigned char *uc)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (p[i].text)
			return 0;
		for (j = 0; j < p[i].fl; j++)
			if (!uc[(unsigned char)p[i].from[j]])
				return 0;
		for (j = 0; j < p[i].tl; j++)
			if (!uc[(unsigned char)p[i].to[j]])
				return 0;
	}
	return 1;
}

/* struct runs: the replacements of replace_runs, indexed. */
struct runs {
	const struct pat *p;
	size_t n;
	size_t *slot;		/* p by run_hash: open addressing, 1 + index,
				 * 0 empty; mask + 1 slots */
	size_t mask;
	size_t minfl, maxfl;	/* the shortest and longest from */
	unsigned char *lens;	/* lens[k]: a from is k bytes (k <= maxfl) */
};

/* run_first: the first of p[next..n) (index into p, n when none) whose
 * from is a suffix r[b..rl) of the run r[0..rl) that starts at 0 or
 * after a '='; *at set to its b. */
static size_t
run_first(const struct runs *x, const char *r, size_t rl, size_t next,
	  size_t *at)
{
	const struct pat *p = x->p;
	size_t b, best = x->n, stop = rl > x->maxfl ? rl - x->maxfl : 0, j, s;
	const char *e, *end;
	uint64_t h = 0;
	int maybe;

	/* first, without hashing: a from as long as one of the suffixes
	 * (every from has a byte: an emptied run, maybe NULL, ends here) */
	if (rl < x->minfl || rl == 0)
		return best;
	end = r + rl - 1;
	maybe = stop == 0 && x->lens[rl];
	for (e = r + (stop > 0 ? stop - 1 : 0); !maybe && e < end &&
	    (e = memchr(e, '=', (size_t)(end - e))) != NULL; e++)
		maybe = x->lens[end - e];
	if (!maybe)
		return best;
	b = rl;
	while (b > stop) {
		b--;
		h = (unsigned char)r[b] + RUN_MUL * h;
		if (b > 0 && r[b - 1] != '=')
			continue;
		for (s = run_slot(h, x->mask); (j = x->slot[s]) != 0;
		    s = (s + 1) & x->mask) {
			j--;
			if (j >= next && j < best && p[j].h == h &&
			    p[j].fl == rl - b && memcmp(p[j].from, r + b,
			    rl - b) == 0) {
				best = j;
				*at = b;
			}
		}
	}
	return best;
}

/* replace_runs: what replace_seq does, in one pass over *buf, when
 * runs_ok(p, n).  Then a standalone occurrence (replace_all) is a suffix
 * of a maximal run of url_char bytes that starts at the run's start or
 * after a '=' in it; replacing it by a `to` of url_char bytes leaves the
 * bytes around the run as they were, so each run changes on its own: it
 * takes, in the order of p, each replacement whose from is such a suffix
 * of the run as it is then.  1 when *buf changed, 0 when not, -1 when
 * out of memory (*buf unchanged). */
static int
replace_runs(struct pat *p, size_t n, const unsigned char *uc,
	     GByteArray **buf, size_t *count)
{
	GByteArray *in = *buf, *out = NULL, *tmp = NULL;
	const char *d = (const char *)in->data;
	struct runs x = { p, n, NULL, 0, SIZE_MAX, 0, NULL };
	size_t size, i, s, r0, r1, last = 0;

	for (size = 16; size < 2 * n + 2; size *= 2)
		;
	for (i = 0; i < n; i++)
		if (p[i].fl > x.maxfl)
			x.maxfl = p[i].fl;
	for (i = 0; i < n; i++)
		if (p[i].fl < x.minfl)
			x.minfl = p[i].fl;
	if ((x.slot = calloc(size, sizeof(*x.slot))) == NULL ||
	    (x.lens = calloc(x.maxfl + 1, 1)) == NULL) {
		free(x.slot);
		return -1;
	}
	x.mask = size - 1;
	for (i = 0; i < n; i++) {
		p[i].h = run_hash(p[i].from, p[i].fl);
		for (s = run_slot(p[i].h, x.mask); x.slot[s] != 0;
		    s = (s + 1) & x.mask)
			;
		x.slot[s] = i + 1;
		x.lens[p[i].fl] = 1;
	}
	/* r0: 0 or just after a byte that ends a run; the runs shorter
	 * than the shortest from are skipped by looking back from the end
	 * of the shortest from that would start at r0 (each byte is looked
	 * at at most twice, most of them never) */
	r0 = 0;
	while (n > 0 && r0 + x.minfl <= in->len) {
		const char *r;
		size_t rl, j, next = 0, at = 0, q = r0 + x.minfl;

		while (q > r0 && uc[(unsigned char)d[q - 1]])
			q--;
		if (q > r0) {
			r0 = q;
			continue;
		}
		for (r1 = r0 + x.minfl; r1 < in->len &&
		    uc[(unsigned char)d[r1]]; r1++)
			;
		r = d + r0;
		rl = r1 - r0;
		while ((j = run_first(&x, r, rl, next, &at)) < n) {
			if (tmp == NULL)
				tmp = g_byte_array_new();
			if (r != (const char *)tmp->data) {
				g_byte_array_set_size(tmp, 0);
				g_byte_array_append(tmp, (const guint8 *)r, at);
			} else {
				g_byte_array_set_size(tmp, at);
			}
			g_byte_array_append(tmp, (const guint8 *)p[j].to,
			    p[j].tl);
			r = (const char *)tmp->data;
			rl = tmp->len;
			next = j + 1;
			(*count)++;
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
	free(x.slot);
	free(x.lens);
	if (tmp != NULL)
		g_byte_array_free(tmp, TRUE);
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
	struct pat *p;
	size_t n = 0, before = *count, i;
	int changed;
	unsigned char uc[256];

	if ((p = pats_make(c, html, &n)) == NULL)
		return -1;
	for (i = 0; i < 256; i++)
		uc[i] = (unsigned char)url_char((int)i);
	if (!runs_ok(p, n, uc) || (changed = replace_runs(p, n, uc, buf,
	    count)) < 0) {
		*count = before;
		changed = replace_seq(p, n, buf, count);
	}
	pats_free(p, n);
	return changed;
}

int
rf__rewrite_one_pass(const rf_rewrite *c)
{
	struct pat *p;
	size_t n = 0, i;
	unsigned char uc[256];
	int ok;

	if ((p = pats_make(c, 0, &n)) == NULL)
		return 0;
	for (i = 0; i < 256; i++)
		uc[i] = (unsigned char)url_char((int)i);
	ok = runs_ok(p, n, uc);
	pats_free(p, n);
	return ok;
}

GByteArray *
rf__rewrite_encode(GMimeContentEncoding enc, const GByteArray *content,
		   int crlf)
{
	GMimeEncoding state;
	GByteArray *lf = g_byte_array_new(), *out = g_byte_array_new();
	size_t i, n;
	char *tmp;

	if (enc != GMIME_CONTENT_ENCODING_BASE64 &&
	    enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE) {
		g_byte_array_append(out, content->data, content->len);
		g_byte_array_free(lf, TRUE);
		return out;
	}
	/* quoted-printable encodes text lines: give it LF line ends */
	for (i = 0; i < content->len; i++)
		if (!(enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
		    content->data[i] == '\r' && i + 1 < content->len &&
		    content->data[i + 1] == '\n'))
			g_byte_array_append(lf, &content->data[i], 1);
	g_mime_encoding_init_encode(&state, enc);
	tmp = g_malloc(g_mime_encoding_outlen(&state, lf->len) + 16);
	n = g_mime_encoding_flush(&state, (const char *)lf->data, lf->len,
	    tmp);
	for (i = 0; i < n; i++) {
		if (tmp[i] == '\n' && crlf)
			g_byte_array_append(out, (const guint8 *)"\r", 1);
		g_byte_array_append(out, (const guint8 *)&tmp[i], 1);
	}
	g_free(tmp);
	g_byte_array_free(lf, TRUE);
	return out;
}

