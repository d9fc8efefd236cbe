/*
 * rewrite_entity.c - the entity pass of the rewriter (rf__rewrite_entities,
 * after the loop or the one pass of rewrite_leaf.c): in an HTML leaf, the
 * runs of URL bytes holding a character reference ("&#47;", "&amp;")
 * decoded as the analysis decodes them, and a from found there replaced
 * (docs/tracking.md, "Rewriting a message"; docs/design/tracking-record.md,
 * "The rewriter never makes a link; the entity pass scans once (s19)").
 */
#include <gmime/gmime.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>

#include "rewrite_int.h"

/* ent_ref: the length of the character reference at s[0..n) (s[0] is
 * '&') that stands for a URL byte, as the analysis decodes it: "&amp;",
 * or a numeric one (rf__rewrite_char_ref: its ';' may be missing, seed
 * char-ref-ends-value) of at most RF__REF_MAX bytes and a value from 1 to
 * 127 that is a URL byte; *v set to that byte.  0 when there is none
 * (any other reference is left as it is, so a match never covers one the
 * analysis read otherwise). */
static size_t
ent_ref(const char *s, size_t n, int *v)
{
	size_t k;
	unsigned long x;

	if (n >= 5 && memcmp(s, "&amp;", 5) == 0) {
		*v = '&';
		return 5;
	}
	if ((k = rf__rewrite_char_ref(s, n, RF__REF_MAX, &x)) == 0 || x == 0 ||
	    x > 127 || !rf__rewrite_url_char((int)x))
		return 0;
	*v = (int)x;
	return k;
}

/* ent_decode: the run r[0..rl) with each reference ent_ref reads written
 * as its byte, into out (room for rl bytes), map[k] set to the offset in
 * r of out[k] and map[len] to rl (room for rl + 1); the length. */
static size_t
ent_decode(const char *r, size_t rl, char *out, size_t *map)
{
	size_t i = 0, o = 0, k;
	int v;

	while (i < rl) {
		map[o] = i;
		if (r[i] == '&' && (k = ent_ref(r + i, rl - i, &v)) > 0) {
			out[o++] = (char)v;
			i += k;
		} else {
			out[o++] = r[i++];
		}
	}
	map[o] = rl;
	return o;
}

/* ent_ends: the substitutions (not text) whose from ends (tail_char
 * bytes aside) where a reference the analysis reads as none starts
 * (rf__rewrite_char_ref, value 0) in the decoded run d[0..dl), marked
 * live (counted missed, so reported): in an attribute's value it ends
 * the value and the link there, where the run goes on to the rewriter,
 * and in text it is left out and the link goes on (seed
 * char-ref-ends-value).  un: room for c->nlens bytes. */
static void
ent_ends(rf_rewrite *c, const char *d, size_t dl, char *un)
{
	size_t t, j, at, e;
	unsigned long v;

	for (t = 0; t + 1 < dl; t++)
		if (d[t] == '&' && d[t + 1] == '#' && rf__rewrite_char_ref(d +
		    t, dl - t, dl, &v) > 0 && v == 0)
			for (j = rf__rewrite_run_first(c, RF__LEN_PLAIN, d, t, 0, un, &at,
			    &e); j != RF__NONE; j = rf__rewrite_run_first(c, RF__LEN_PLAIN, d,
			    t, j + 1, un, &at, &e))
				c->subst[j / 2].live |= !c->subst[j / 2].text;
}

/* The scratch of rf__rewrite_entities, kept over its runs and the turns
 * of ent_run: the decoded run and its offsets (grown geometrically, never
 * per turn), the run made again and a spare, un (room for c->nlens
 * bytes). */
struct ent_scratch {
	char *dec;
	size_t *map;
	size_t cap;		/* dec has room for cap bytes, map cap + 1 */
	char *un;
	GByteArray *res, *alt;
	struct rf__values all;	/* the leaf's unquoted values and names */
	size_t k;		/* the next one of all */
};

/* ent_room: room in x for a run of n bytes; 0, or -1 when out of
 * memory. */
static int
ent_room(struct ent_scratch *x, size_t n)
{
	size_t cap;
	char *d;
	size_t *m;

	if (n <= x->cap)
		return 0;
	for (cap = x->cap > 0 ? x->cap : 256; cap < n; cap *= 2)
		;
	if ((d = realloc(x->dec, cap)) == NULL)
		return -1;
	x->dec = d;
	if ((m = realloc(x->map, (cap + 1) * sizeof(*m))) == NULL)
		return -1;
	x->map = m;
	x->cap = cap;
	return 0;
}

/* ent_run: the run r[0..rl) of URL bytes (holding a "&#") made
 * again in x->res as rf__rewrite_entities describes it (an empty to at
 * an offset of v, the run's unquoted values, kept through the
 * replacements, written EMPTY_VALUE, and none made at a name's, as
 * rf__rewrite_replace_all does; kinds: RF__LEN_PLAIN and the run's
 * rf__rewrite_run_edges bits, for rf__rewrite_run_first and, with
 * RF__RUN_OPENS, an empty to left live as the one pass leaves it); 1
 * when a replacement was made, else 0; -1 when out of memory.  The run
 * is decoded once, and again only after a replacement. */
static int
ent_run(rf_rewrite *c, const char *r, size_t rl, struct rf__values *v,
	struct ent_scratch *x, int cut, unsigned kinds, size_t *count)
{
	const char *cur = r;
	size_t cl = rl, next = 0, at = 0, e = 0, dl = 0, j, rb, re;
	int changed = 0, fresh = 1;
	GByteArray *sw;

	for (;;) {
		const struct rf__subst *s;

		if (fresh) {
			if (ent_room(x, cl) != 0)
				return -1;
			dl = ent_decode(cur, cl, x->dec, x->map);
			if (!changed)
				ent_ends(c, x->dec, dl, x->un);
			if (dl == cl && !changed && !cut)
				break;	/* no reference */
			fresh = 0;
		}
		if ((j = rf__rewrite_run_first(c, kinds, x->dec, dl, next,
		    x->un, &at, &e)) == RF__NONE)
			break;
		s = &c->subst[j / 2];
		next = j + 1;
		rb = x->map[at];
		re = x->map[e];
		/* the first covers a reference (the others the plain pass
		 * made), or lies in a run cut at a quote; then, as in the
		 * one pass, the run as it is then */
		if (s->text || (!changed && !cut && re - rb == e - at) ||
		    rf__rewrite_values_has(v, rb, 1))
			continue;
		if ((s->tl == 0 && (kinds & RF__RUN_OPENS)) ||
		    rf__rewrite_css_part(v, rb, re, cl, cur + rb, re - rb,
		    s->ato != NULL ? s->ato : s->to, s->ato != NULL ? s->atl :
		    s->tl)) {
			c->subst[j / 2].live = 1;	/* (replace_all) */
			continue;
		}
		g_byte_array_set_size(x->alt, 0);
		g_byte_array_append(x->alt, (const guint8 *)cur, (guint)rb);
		if (s->tl == 0 && rf__rewrite_values_has(v, rb, 0))
			g_byte_array_append(x->alt,
			    (const guint8 *)EMPTY_VALUE, 2);
		else if (s->ato != NULL)
			g_byte_array_append(x->alt, (const guint8 *)s->ato,
			    (guint)s->atl);
		else
			g_byte_array_append(x->alt, (const guint8 *)s->to,
			    (guint)s->tl);
		rf__rewrite_values_edit(v, rb, re, x->alt->len - rb);
		g_byte_array_append(x->alt, (const guint8 *)cur + re,
		    (guint)(cl - re));
		sw = x->res;
		x->res = x->alt;
		x->alt = sw;
		cur = (const char *)x->res->data;
		cl = x->res->len;
		(*count)++;
		c->subst[j / 2].hits++;
		changed = 1;
		fresh = 1;
	}
	return changed;
}

/* named_ref: the length of a named reference at s[0..n) ("&copy;": its
 * ';' required and its name's case kept, as libxml2 reads one), *v set
 * to the character it stands for (libxml2's own table,
 * htmlEntityLookup); 0 when there is none. */
static size_t
named_ref(const char *s, size_t n, unsigned long *v)
{
	char name[RF__REF_MAX + 1];
	const htmlEntityDesc *e;
	size_t k;

	for (k = 1; k < n && k <= RF__REF_MAX && ((s[k] >= 'a' && s[k] <=
	    'z') || (s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= '0' &&
	    s[k] <= '9')); k++)
		name[k - 1] = s[k];
	if (k == 1 || k >= n || s[k] != ';')
		return 0;
	name[k - 1] = '\0';
	if ((e = htmlEntityLookup((const xmlChar *)name)) == NULL)
		return 0;
	*v = e->value;
	return k + 1;
}

/* rf__rewrite_stop_ref (rewrite_int.h).  "&amp;" first: the most
 * common by far, and no stop. */
size_t
rf__rewrite_stop_ref(const char *s, size_t n)
{
	unsigned long v = 0;
	size_t k, u;
	char c[6];

	if (n >= 5 && memcmp(s, "&amp;", 5) == 0)
		return 0;
	if (n >= 6 && memcmp(s, "&nbsp;", 6) == 0)
		return 6;	/* common too: no look-up in the table */
	/* numeric, else named ("&quot;" and "&apos;" are in libxml2's
	 * table too) */
	if ((k = rf__rewrite_char_ref(s, n, RF__REF_MAX, &v)) == 0 &&
	    (k = named_ref(s, n, &v)) == 0)
		return 0;
	if (v == '"' || v == '\'')
		return k;
	if (v == 0)
		return 0;
	/* v < 0x110000 (rf__rewrite_char_ref, as libxml2; the table's) */
	u = (size_t)g_unichar_to_utf8((gunichar)v, c);
	return rf__url_text_stop(c, u) ? k : 0;
}

/* find_ref: the first "&#" or rf__rewrite_stop_ref of d[0..n), and with
 * amp the first "&amp;" too (a run found there is read when amp_read
 * says so), or NULL (d may be NULL when n is 0; memchr to each '&':
 * memmem reads every byte several times over for a needle of two). */
static const char *
find_ref(const char *d, size_t n, int amp)
{
	const char *e, *p;

	if (n == 0)
		return NULL;	/* d may be NULL then */
	e = d + n;
	while (d < e && (p = memchr(d, '&', (size_t)(e - d))) != NULL) {
		if ((amp && e - p >= 5 && memcmp(p, "&amp;", 5) == 0) ||
		    (p + 1 < e && (p[1] == '#' || rf__rewrite_stop_ref(p,
		    (size_t)(e - p)) > 0)))
			return p;
		d = p + 1;
	}
	return NULL;
}

/* amp_read: the run d[r0..r1), found at an "&amp;", is worth reading:
 * it holds a "&#" or an rf__rewrite_stop_ref (as find_ref finds them), or
 * it mixes forms, "&amp;" and an '&' that starts no reference ("&x=1":
 * libxml2 reads it as it is): a URL written with "&amp;" in some places
 * and "&" in others, which neither a from nor its "&amp;" form matches,
 * and which decoded here is one (seed bogus-attr-mixed-amp, an href so
 * written).  One scan of the run's '&'. */
static int
amp_read(const char *d, size_t r0, size_t r1)
{
	const char *p = d + r0, *e = d + r1;
	int amp = 0, bare = 0;

	while (p < e && (p = memchr(p, '&', (size_t)(e - p))) != NULL) {
		if (p + 1 < e && (p[1] == '#' ||
		    rf__rewrite_stop_ref(p, (size_t)(e - p)) > 0))
			return 1;
		if (e - p >= 5 && memcmp(p, "&amp;", 5) == 0)
			amp = 1;
		else
			bare = 1;
		if (amp && bare)
			return 1;
		p++;
	}
	return 0;
}

/* next_stop: the offset of the first rf__rewrite_stop_ref in d[i..n),
 * *ql its length; n, *ql 0, when there is none. */
static size_t
next_stop(const char *d, size_t i, size_t n, size_t *ql)
{
	for (*ql = 0; i < n; i++)
		if (d[i] == '&' &&
		    (*ql = rf__rewrite_stop_ref(d + i, n - i)) > 0)
			return i;
	return n;
}

/* worth: the run d[r0..r1) may hold a replacement: it holds a "&#", or a
 * stretch between stop references (next_stop) as long as the shortest
 * from (minfl).  A leaf whose text writes its quotes "&quot;"
 * is otherwise not tokenized for nothing (ent_start). */
static int
worth(const char *d, size_t r0, size_t r1, size_t minfl)
{
	size_t s0, s1, ql;

	for (s0 = r0; s0 < r1; s0 = s1 + ql) {
		s1 = next_stop(d, s0, r1, &ql);
		if (s1 - s0 >= minfl || find_ref(d + s0, s1 - s0, 0) != NULL)
			return 1;
		if (ql == 0)
			break;
	}
	return 0;
}

/* ent_start: x made ready for the first run of the leaf d[0..n) (hits:
 * room for the hits of c's substitutions, filled with them; x->all its
 * unquoted values and names); 0, or -1 when out of memory. */
static int
ent_start(const rf_rewrite *c, const struct rf__leafread *rd, const char *d,
	  size_t n, struct ent_scratch *x, size_t **hits)
{
	size_t i;

	if (rf__rewrite_values(rd, d, n, 1, &x->all) != 0 ||
	    (x->un = malloc(c->nlens)) == NULL ||
	    (*hits = malloc(c->nsubst * sizeof(**hits))) == NULL)
		return -1;
	for (i = 0; i < c->nsubst; i++)
		(*hits)[i] = c->subst[i].hits;
	x->res = g_byte_array_new();
	x->alt = g_byte_array_new();
	return 0;
}

/* rf__rewrite_entities: one scan of *buf from '&' to '&' (find_ref: a
 * run with "&#" or a stop reference, or mixing "&amp;" and "&",
 * amp_read); nothing allocated before the first such run. */
int
rf__rewrite_entities(rf_rewrite *c, const struct rf__leafread *rd,
		     GByteArray **buf, size_t *count)
{
	GByteArray *in = *buf, *out = NULL;
	const char *d = (const char *)in->data, *p;
	size_t pos = 0, r0, r1, s0, s1, ql, last = 0, before = *count;
	size_t *hits = NULL, se;
	struct ent_scratch x = { 0 };
	struct rf__values v;
	struct rf__css_back cb = RF__CSS_BACK;
	struct rf__spans_once sb = RF__SET_INIT;
	struct rf__spans_once db = RF__SPANS_ONCE(rf__rewrite_drop_spans);
	struct rf__spans_once tb = RF__SPANS_ONCE(rf__rewrite_text_spans);
	int k = 0, started = 0, sets;

	if (c->minfl == 0 || c->nsubst == 0)
		return 0;
	cb.css.rd = cb.raw.rd = sb.rd = db.rd = tb.rd = rd;
	sets = rd->srcset;	/* (a to is empty) */
	while (pos < in->len &&
	    (p = find_ref(d + pos, in->len - pos, 1)) != NULL) {
		for (r0 = (size_t)(p - d); r0 > pos &&
		    rf__rewrite_url_char((unsigned char)d[r0 - 1]); r0--)
			;
		for (r1 = (size_t)(p - d); r1 < in->len &&
		    rf__rewrite_url_char((unsigned char)d[r1]); r1++)
			;
		if ((p[1] == 'a' && p[2] == 'm' && !amp_read(d, r0, r1)) ||
		    !worth(d, r0, r1, c->minfl)) {
			pos = r1 + 1;
			continue;
		}
		if (!started) {
			started = 1;
			if ((k = ent_start(c, rd, d, in->len, &x, &hits)) < 0)
				break;
		}
		/* each stretch of the run between stop references, which
		 * the analysis reads as a quote ("url(&quot;URL&quot;)" in a
		 * style attribute) or a no-break space, on its own */
		for (s0 = r0; s0 < r1 && k >= 0; s0 = s1 + ql) {
			if ((s1 = next_stop(d, s0, r1, &ql)) == s0)
				continue;
			rf__rewrite_values_run(&x.all, &x.k, s0, s1, &v);
			v.css = rf__rewrite_css_url(d, in->len, s0, s1, &cb);
			v.csstop = rf__rewrite_css_top(d, in->len, s0, &cb);
			/* a srcset value: no empty to (the loop's rule is on
			 * bytes) */
			if (sets && (v.css == RF__CSS_NONE ||
			    v.css == RF__CSS_OUT) &&
			    rf__rewrite_srcset(d, in->len, s0, s1 - s0, &sb,
			    &se) != RF__SET_NONE)
				v.css = RF__CSS_SET;
			if ((k = ent_run(c, d + s0, s1 - s0, &v, &x,
			    s0 > r0 || s1 < r1, RF__LEN_PLAIN |
			    rf__rewrite_run_edges(1, d, in->len, s0, s1,
			    v.css == RF__CSS_NONE, &tb) |
			    (rd->quiet ? rf__rewrite_run_joins(d, in->len, s0,
			    s1, rd->quiet, &db) : 0), count)) > 0) {
				if (out == NULL)
					out = g_byte_array_new();
				g_byte_array_append(out, (const guint8 *)d +
				    last, (guint)(s0 - last));
				g_byte_array_append(out, x.res->data,
				    x.res->len);
				last = s1;
			}
		}
		if (k < 0)
			break;
		pos = r1 + 1;
	}
	rf__css_back_done(&cb);
	rf__spans_once_done(&sb);
	rf__spans_once_done(&db);
	rf__spans_once_done(&tb);
	if (x.res != NULL)
		g_byte_array_free(x.res, TRUE);
	if (x.alt != NULL)
		g_byte_array_free(x.alt, TRUE);
	free(x.un);
	free(x.dec);
	free(x.map);
	free(x.all.at);
	if (k < 0) {	/* nothing kept: *buf and the hits as they were */
		for (r0 = 0; hits != NULL && r0 < c->nsubst; r0++)
			c->subst[r0].hits = hits[r0];
		*count = before;
		if (out != NULL)
			g_byte_array_free(out, TRUE);
		free(hits);
		return -1;
	}
	free(hits);
	if (out == NULL)
		return 0;
	g_byte_array_append(out, (const guint8 *)d + last,
	    (guint)(in->len - last));
	g_byte_array_free(in, TRUE);
	*buf = out;
	return 1;
}
