/*
 * rewrite_leaf.c - the replacements the rewriter (rewrite.c) makes in the
 * decoded text of one leaf (docs/tracking.md, "Rewriting a message"); the
 * text is encoded again in rewrite_encode.c.
 */
#include <gmime/gmime.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

#include "rewrite_int.h"

/* rf__rewrite_url_bytes[c] (rewrite_int.h): c may continue a URL (so a
 * match followed by it is only the start of a longer URL; "URL bytes"
 * below): a letter, a digit, one of
 * "-._~/?#[]@!$&*+=%:;", or NUL (as strchr finds it in that list).
 * Not rf__url_byte (lib/url_bytes.h) on purpose: that table classes the
 * bytes a URL keeps as they are when it is written again (RFC 3986:
 * unreserved, sub-delims, ':' '@'), not where a URL ends in a text, and
 * the two sets differ both ways: here the delimiters "/?#[]" and '%'
 * continue a URL, as does NUL (the analysis reads it as text the
 * rewriter must not split), while the sub-delims "'(),", which
 * rf__url_byte has, end one, so that "(http://a/1)" and
 * "http://a/1, and" are standalone occurrences of http://a/1.  Deriving
 * this set from that table would need as many exceptions as the set has
 * members. */
#define D10(c) [c] = 1, [c + 1] = 1, [c + 2] = 1, [c + 3] = 1, \
	[c + 4] = 1, [c + 5] = 1, [c + 6] = 1, [c + 7] = 1, [c + 8] = 1, \
	[c + 9] = 1
const unsigned char rf__rewrite_url_bytes[256] = {
	[0] = 1, ['-'] = 1, ['.'] = 1, ['_'] = 1, ['~'] = 1, ['/'] = 1,
	['?'] = 1, ['#'] = 1, ['['] = 1, [']'] = 1, ['@'] = 1, ['!'] = 1,
	['$'] = 1, ['&'] = 1, ['*'] = 1, ['+'] = 1, ['='] = 1, ['%'] = 1,
	[':'] = 1, [';'] = 1,
	D10('0'), D10('A'), D10('K'), ['U'] = 1, ['V'] = 1, ['W'] = 1,
	['X'] = 1, ['Y'] = 1, ['Z'] = 1, D10('a'), D10('k'), ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};
#undef D10

/* tail_char: a URL byte the analysis leaves out at the end of a
 * URL in text (lib/url_text.c, trim: the punctuation of RF__URL_TRAIL,
 * and a closing bracket), so that a link at the end of a sentence
 * ("...&pos=42.") or in brackets ("[mailto:a@b.example]") is still
 * standalone and replaced.  (Of RF__URL_TRAIL, ',' and '\'' are no
 * URL bytes; of the brackets only ']' is one.) */
static int
tail_char(int c)
{
	return c == ']' || (c != '\0' && rf__rewrite_url_char(c) &&
	    memchr(RF__URL_TRAIL, c, sizeof(RF__URL_TRAIL) - 1) != NULL);
}

int
rf__rewrite_starts_url(int c, const char *s, size_t n)
{
	if (c == 0 || strchr(":].;!", c) == NULL)
		return 0;
	if (rf__prefix_ci(s, n, "www."))
		return c != '.';
	return rf__url_text_scheme(s, n);
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

/* ends_run: the bytes d[i..n) up to the first that is no URL byte are
 * tail_char bytes only (an occurrence followed by them is standalone);
 * read as v has them (rf__rewrite_kept_after; v may be NULL). */
static int
ends_run(const struct rf__values *v, const char *d, size_t n, size_t i)
{
	for (i = rf__rewrite_kept_after(v, d, n, i); i < n &&
	    rf__rewrite_url_char((unsigned char)d[i]);
	    i = rf__rewrite_kept_after(v, d, n, i + 1))
		if (!tail_char((unsigned char)d[i]))
			return 0;
	return 1;
}

/* alone: an occurrence of from (fl bytes) between d[b - 1] and d[e] (the
 * bytes around it as the text reads them: rf__rewrite_kept_before,
 * _after; d is n bytes) stands alone: before it a byte that is no URL
 * byte, or '=', '(' or '[' (in a text part, not html, also one where
 * rf__rewrite_starts_url), after it tail_char bytes only up to the end
 * of the run of URL bytes (ends_run); in HTML, no 8-bit byte right
 * before or after it, which the analysis reads in the same attribute
 * value (the web bug "\xff" three times in the href "t\xff\xff\xff",
 * none of them the link: seed wide-8bit-value; the one pass and the
 * entity pass: RF__RUN_8BEFORE, RF__RUN_8AFTER). */
static int
alone(const struct rf__values *v, const char *d, size_t n, size_t b,
      size_t e, int html, const char *from, size_t fl)
{
	int c = b > 0 ? (unsigned char)d[b - 1] : 0;

	if (html && ((c & 0x80) || (e < n && (d[e] & 0x80))))
		return 0;
	if (b > 0 && rf__rewrite_url_char(c) && c != '=' && c != '(' &&
	    c != '[' && (html || !rf__rewrite_starts_url(c, from, fl)))
		return 0;
	return ends_run(v, d, n, e);
}

/* The brackets the analysis counts in a URL of text (lib/url_text.c,
 * url_end and trim): opening, closing, in the same order. */
static const char opening[] = "([{", closing[] = ")]}";

/* opens_more: the brackets (bit k: opening[k]) that s opens more often
 * than it closes. */
static unsigned
opens_more(const char *s)
{
	long k[3] = { 0, 0, 0 };
	const char *o;
	unsigned m = 0, i;

	for (; *s != '\0'; s++)
		if ((o = strchr(opening, *s)) != NULL)
			k[o - opening]++;
		else if ((o = strchr(closing, *s)) != NULL)
			k[o - closing]--;
	for (i = 0; i < 3; i++)
		m |= k[i] > 0 ? 1u << i : 0;
	return m;
}

/* closes_after: in text, one of the closing brackets of open (bit k:
 * closing[k]) comes in d[i..n) before a byte that ends a URL there (a
 * blank or control, '<', '>', '"'; 8-bit bytes are read on, the safe
 * side).  The analysis reads a URL to such a byte and then leaves out
 * its trailing punctuation and a closing bracket only when it closes no
 * opening one of the URL, so a to that opens more than it closes,
 * written before such a stretch, would take it in: "ftp://(/" before
 * "," and ")" read "ftp://(/,)" (s30's strict runs 9 and 12, seeds
 * paren-site-form, -min, -comma). */
static int
closes_after(const char *d, size_t n, size_t i, unsigned open)
{
	const char *o;
	unsigned char c;

	for (; i < n; i++) {
		c = (unsigned char)d[i];
		if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == 0x7f)
			return 0;
		if (c != '\0' && (o = strchr(closing, c)) != NULL &&
		    (open & 1u << (o - closing)))
			return 1;
	}
	return 0;
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

/* rf__rewrite_amp_form: the one "&amp;" transform of the rewriter (the
 * forms rf__rewrite_note keeps, and those of a from converted to a
 * part's charset). */
char *
rf__rewrite_amp_form(const char *s)
{
	size_t n = strlen(s);
	const char *e = s + n, *q;
	char *o, *p;

	if ((o = p = malloc(n + 4 * amp_count(s, n) + 1)) == NULL)
		return NULL;
	while ((q = memchr(s, '&', (size_t)(e - s))) != NULL) {
		memcpy(p, s, (size_t)(q - s));
		p += q - s;
		memcpy(p, "&amp;", 5);
		p += 5;
		s = q + 1;
	}
	memcpy(p, s, (size_t)(e - s));
	p[e - s] = '\0';
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

/* name_inside: a name (an attribute's or a start tag's) of v, from
 * its k-th offset on, starts in d(at..end): an empty to there would
 * take it away, and the bytes before it would join the value after it
 * ("<f=tps://t.example/a href=\"><a href=\">" emptied of the web bug
 * "tps://t.example/a href=" read "\"><a href=\"" as one value: s32's
 * third strict run, seed empty-over-name-sites).  A to that is not empty
 * (a wide one holds the from's markup) is written (wide-to-value). */
static int
name_inside(const struct rf__values *v, size_t k, size_t at, size_t end)
{
	for (; v != NULL && k < v->n && v->at[k] < end; k++)
		if (v->name[k] && v->at[k] > at)
			return 1;
	return 0;
}

int
rf__rewrite_replace_all(const struct rf__leafread *rd, GByteArray **buf,
			const char *from, const char *to, int text, int html,
			struct rf__values *vals, int *live, size_t *count)
{
	GByteArray *in = *buf, *out;
	size_t fl = strlen(from), tl = strlen(to), i = 0, last = 0;
	size_t k = 0, w = 0;
	const char *d = (const char *)in->data;
	const char *p;
	struct rf__css_back cb = RF__CSS_BACK;
	struct rf__spans_once sb = RF__SET_INIT;
	struct rf__spans_once tb = RF__SPANS_ONCE(rf__rewrite_text_spans);
	int changed = 0, q, sets, form, where;
	unsigned parens;

	if (fl == 0)
		return 0;
	cb.css.rd = cb.raw.rd = sb.rd = tb.rd = rd;
	parens = !html && !text ? opens_more(to) : 0;
	form = html && rf__rewrite_css_form_differs(from, fl, to, tl);
	sets = html && tl == 0 && rd != NULL && rd->srcset;
	out = g_byte_array_new();
	while (i + fl <= in->len && (p = find(d + i, in->len - i, from,
	    fl, text)) != NULL) {
		size_t at = (size_t)(p - d), b = at, e, end;

		i = at + 1;
		/* the bytes around it as the text reads (quiet) */
		e = rf__rewrite_kept_after(vals, d, in->len, at + fl);
		if (!text)
			b = rf__rewrite_kept_before(vals, d, at);
		if ((!text && !alone(vals, d, in->len, b, e, html, from,
		    fl)) || (vals != NULL && rf__rewrite_unread(vals, d, at,
		    fl)))
			continue;	/* (raw: rf__rewrite_replace_raw) */
		end = at + fl;
		where = html && (tl == 0 || form) ? rf__rewrite_css_url(d,
		    in->len, b, e, &cb) : RF__CSS_NONE;
		if ((tl == 0 && !text && rf__rewrite_reads_across(vals, html,
		    d, in->len, b, e, where == RF__CSS_NONE, &tb)) ||
		    (html && (tl == 0 || form) && rf__rewrite_css_keeps(where,
		    rf__rewrite_css_top(d, in->len, b, &cb), from, fl, to,
		    tl)) ||
		    (sets && rf__rewrite_srcset(d,
		    in->len, at, fl, &sb, &end) == RF__SET_PART) || (parens &&
		    closes_after(d, in->len, e, parens))) {
			if (live != NULL)
				*live = 1;
			continue;
		}
		/* the values up to here moved; one at at kept at the to;
		 * none made where a name starts (no link there), nor an
		 * empty to over one (name_inside) */
		if ((q = vals != NULL ? rf__rewrite_values_to(vals, &k, &w,
		    at, 1, last, out->len) : 0) == 2 || (tl == 0 &&
		    name_inside(vals, k, at, end)))
			continue;
		q = q == 1 && html && tl == 0;
		g_byte_array_append(out, (const guint8 *)d + last, at - last);
		g_byte_array_append(out, (const guint8 *)(q ? EMPTY_VALUE :
		    to), q ? 2 : tl);
		/* those inside the from (a srcset candidate) dropped */
		while (vals != NULL && k < vals->n && vals->at[k] < end)
			k++;
		last = end;
		i = last;
		changed = 1;
		(*count)++;
	}
	rf__css_back_done(&cb);
	rf__spans_once_done(&sb);
	rf__spans_once_done(&tb);
	if (!changed) {
		g_byte_array_free(out, TRUE);
		return 0;
	}
	if (vals != NULL) {
		rf__rewrite_values_to(vals, &k, &w, SIZE_MAX, 0, last, out->len);
		vals->n = w;
	}
	g_byte_array_append(out, (const guint8 *)d + last, in->len - last);
	g_byte_array_free(in, TRUE);
	*buf = out;
	return 1;
}

/* markup_differs: from and to differ in their bytes " ' < > (in the
 * order they come). */
static int
markup_differs(const char *from, const char *to)
{
	static const char mk[] = "\"'<>";

	for (;;) {
		from += strcspn(from, mk);
		to += strcspn(to, mk);
		if (*from != *to)
			return 1;
		if (*from == '\0')
			return 0;
		from++;
		to++;
	}
}

/* url_only: s[0..n) is made of URL bytes. */
static int
url_only(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!rf__rewrite_url_char((unsigned char)s[i]))
			return 0;
	return 1;
}

int
rf__rewrite_note(rf_rewrite *rw, struct rf__subst *s)
{
	size_t need;
	unsigned char *l;
	int odd;

	s->fl = strlen(s->from);
	s->tl = strlen(s->to);
	s->afl = s->text ? 0 : s->fl + 4 * amp_count(s->from, s->fl);
	if (s->afl == s->fl)
		s->afl = 0;	/* no '&': no "&amp;" form */
	s->afrom = s->ato = NULL;
	s->atl = 0;
	s->wide = 0;
	s->markup = 0;
	if (s->fl == 0)
		return 0;	/* replaces nothing */
	if (s->afl > 0) {
		s->afrom = rf__rewrite_amp_form(s->from);
		s->ato = rf__rewrite_amp_form(s->to);
		if (s->afrom == NULL || s->ato == NULL) {
			free(s->afrom);
			free(s->ato);
			s->afrom = s->ato = NULL;
			return -1;
		}
		s->atl = strlen(s->ato);
	}
	s->wide = !s->text && !url_only(s->from, s->fl);
	odd = !url_only(s->to, s->tl);
	/* (" ' < > are no URL bytes) */
	s->markup = !s->text && (s->wide || odd) &&
	    markup_differs(s->from, s->to);
	/* a to that opens a bracket more than it closes it: the loop, whose
	 * text rule (closes_after) the one pass does not have */
	if (s->text || s->wide || odd || opens_more(s->to) != 0)
		rw->loop = 1;
	if (!rf__rewrite_ascii(s->from, s->fl))
		rw->eight = 1;
	if (s->tl == 0)
		rw->empties = 1;
	/* a to that may differ from an occurrence in CSS form bytes: an
	 * empty one, one of a from with an "&amp;" form (a ';' per '&'),
	 * or one whose from differs from it so */
	if (!rw->css && (s->tl == 0 || s->afl > 0 ||
	    rf__rewrite_css_form_differs(s->from, s->fl, s->to, s->tl)))
		rw->css = 1;
	need = (s->afl > s->fl ? s->afl : s->fl) + 1;
	if (need > rw->nlens) {
		if ((l = realloc(rw->lens, need)) == NULL) {
			free(s->afrom);
			free(s->ato);
			s->afrom = s->ato = NULL;
			return -1;
		}
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

/* ascii: s has no 8-bit byte. */
static int
ascii(const char *s)
{
	return rf__rewrite_ascii(s, strlen(s));
}

/* seq_one: substitution s made in *buf as replace_seq does it (its from,
 * then in HTML its "&amp;" form; s->markup: rf__rewrite_quoted_one), in the
 * charset cs when cs is not NULL and from has 8-bit bytes (nothing when
 * from or to does not convert); vals as rf__rewrite_replace_all has it;
 * 1 when *buf changed, else 0. */
static int
seq_one(struct rf__subst *s, int html, const char *cs,
	const struct rf__leafread *rd, struct rf__values *vals,
	GByteArray **buf, size_t *count)
{
	char *from, *to, *af = NULL, *at = NULL;
	int changed;

	if (html && s->markup)	/* only inside a quoted value */
		return cs == NULL || ascii(s->from) ?
		    rf__rewrite_quoted_one(s, rd, vals, buf, count) : 0;
	if (cs == NULL || ascii(s->from)) {
		changed = rf__rewrite_replace_raw(s, rd, buf, s->from, s->to,
		    s->text, html, vals, count);
		if (html && s->afrom != NULL)
			changed |= rf__rewrite_replace_raw(s, rd, buf,
			    s->afrom, s->ato, 0, html, vals, count);
		return changed;
	}
	from = rf__rewrite_in_charset(cs, s->from);
	to = from != NULL ? rf__rewrite_in_charset(cs, s->to) : NULL;
	changed = 0;
	if (from != NULL && to != NULL) {
		changed = rf__rewrite_replace_raw(s, rd, buf, from, to,
		    s->text, html, vals, count);
		if (html && s->afrom != NULL &&
		    (af = rf__rewrite_amp_form(from)) != NULL &&
		    (at = rf__rewrite_amp_form(to)) != NULL)
			changed |= rf__rewrite_replace_raw(s, rd, buf, af, at,
			    0, html, vals, count);
	}
	free(af);
	free(at);
	g_free(from);
	g_free(to);
	return changed;
}

/* replace_seq: the loop: for each substitution in turn (in HTML the
 * wide ones first), every standalone occurrence of its from, then in HTML
 * (not text, from has '&') of its "&amp;" form, replaced in the whole
 * text (seq_one; the reference replace_runs must equal when no
 * substitution is wide), each counted in the substitution's hits; 1 when
 * *buf changed, else 0.  8-bit froms in rf__rewrite_from_charset's
 * charset.  (The wide first in HTML: the analysis reads an attribute's
 * whole value as the URL, a bare CR or a blank in it included, so a
 * shorter link that is a prefix of it, found in a text part where the
 * analysis ended the URL at that byte, must not cut it short; in text
 * the order stays, since there the analysis itself ends the URL
 * there.)  In HTML the unquoted attribute values and the names
 * (rf__rewrite_values) kept through them, read again after a wide one
 * made; -1 when out of memory for them. */
static int
replace_seq(rf_rewrite *c, int html, int quiet,
	    const struct rf__leafread *rd, GByteArray **buf, size_t *count)
{
	const char *cs = c->eight ? rf__rewrite_from_charset(rd, *buf) :
	    NULL;
	struct rf__values vals = { .quiet = quiet };
	size_t i, n;
	int changed = 0, pass, one;

	if (html && rf__rewrite_values_again(rd, *buf, &vals) != 0)
		return -1;
	for (pass = html ? 1 : 0; pass >= 0; pass--) {
		for (i = 0; i < c->nsubst; i++) {
			if (html && c->subst[i].wide != pass)
				continue;
			n = *count;
			changed |= one = seq_one(&c->subst[i], html, cs, rd,
			    &vals, buf, count);
			c->subst[i].hits += *count - n;
			if (one && pass == 1 &&
			    rf__rewrite_values_again(rd, *buf, &vals) != 0)
				return -1;
		}
	}
	free(vals.at);
	return changed;
}

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
 * the length, or RF__NONE when s is no such form. */
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
			return RF__NONE;
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
	    (u = unamp(r + b, n, un)) != RF__NONE)
		look_up(c, un, u, 1, next, best);
	if (*best != was)
		*at = b;
}

/* first_at: what run_first does for the suffixes ending at rl: *best
 * lowered to the first replacement >= next and < *best whose from is a
 * suffix r[b..rl) of r[0..rl) that starts at 0 or after a '=' or a
 * '[' (or, with RF__RUN_TEXT in kinds, a byte where
 * rf__rewrite_starts_url), *at set to its b. */
static void
first_at(const rf_rewrite *c, unsigned kinds, const char *r, size_t rl,
	 size_t next, char *un, size_t *best, size_t *at)
{
	size_t lo, maxfl = c->nlens - 1;
	const char *e, *end;

	if (rl < c->minfl || rl == 0)
		return;
	lo = rl > maxfl ? rl - maxfl : 0;	/* the first b possible */
	if (lo == 0 && !(kinds & RF__RUN_8BEFORE) && (c->lens[rl] & kinds))
		try_at(c, kinds, r, rl, 0, next, un, best, at);
	end = r + rl - 1;	/* a '=' or '[' there starts nothing */
	for (e = r + (lo > 0 ? lo - 1 : 0); e < end; e++)
		if ((*e == '=' || *e == '[' || ((kinds & RF__RUN_TEXT) &&
		    rf__rewrite_starts_url((unsigned char)*e, e + 1,
		    (size_t)(end - e)))) &&
		    (c->lens[end - e] & kinds))
			try_at(c, kinds, r, rl, (size_t)(e + 1 - r), next,
			    un, best, at);
}

size_t
rf__rewrite_run_first(const rf_rewrite *c, unsigned kinds, const char *r,
		      size_t rl, size_t next, char *un, size_t *at,
		      size_t *end)
{
	size_t best = RF__NONE, was, e;

	for (e = rl - tail_len(r, rl); e <= rl; e++) {
		if (e == rl && (kinds & RF__RUN_8AFTER))
			break;
		was = best;
		first_at(c, kinds, r, e, next, un, &best, at);
		if (best != was)
			*end = e;
	}
	return best;
}

static int run_split(rf_rewrite *c, unsigned kinds, int html,
		     struct rf__values *v, const char *r, size_t rl, size_t at,
		     size_t e, size_t next, GByteArray *res, char *un,
		     const char **rp, size_t *rlp, size_t *count);

/* run_apply: the run r[0..rl) with the replacements >= next made in it
 * as replace_runs describes; 1 when one was made, *rp and *rlp then set
 * to the run made again (in *tmp or in res), else 0.  tmp, alt: scratch
 * (made when NULL; the caller frees them and res).  An empty to at an
 * offset of v (the run's unquoted attribute values, rf__rewrite_values
 * on the original leaf, relative to the run's start, kept pointing at
 * the same bytes through the replacements as the loop keeps them) is
 * written EMPTY_VALUE and ends the run there, as the loop
 * (rf__rewrite_replace_all) sees it: the bytes before it and those after
 * it are then runs of their own, each taken on with the replacements
 * after that one.  None is made at a name's offset of v (as the loop).
 * With RF__RUN_OPENS in kinds (the analysis reads on past the run: '('
 * or '{', or in text reads_on) an empty to is not made but left live,
 * counted missed (as the loop: rf__rewrite_reads_across). */
static int
run_apply(rf_rewrite *c, unsigned kinds, int html, struct rf__values *v,
	  const char *r, size_t rl, size_t next, GByteArray **tmp,
	  GByteArray **alt, GByteArray *res, char *un, const char **rp,
	  size_t *rlp, size_t *count)
{
	GByteArray *sw;
	size_t j, at = 0, e = 0;
	int changed = 0;

	while ((j = rf__rewrite_run_first(c, kinds, r, rl, next, un, &at,
	    &e)) != RF__NONE) {
		const struct rf__subst *s = &c->subst[j / 2];

		next = j + 1;
		if (html && rf__rewrite_values_has(v, at, 1))
			continue;	/* a name: no link */
		if ((s->tl == 0 && (kinds & RF__RUN_OPENS)) || (html &&
		    rf__rewrite_css_part(v, at, e, rl, r + at, e - at,
		    j % 2 == 0 ? s->to : s->ato, j % 2 == 0 ? s->tl :
		    s->atl))) {
			c->subst[j / 2].live = 1;	/* (replace_all) */
			continue;
		}
		(*count)++;
		c->subst[j / 2].hits++;
		changed = 1;
		if (html && s->tl == 0 && rf__rewrite_values_has(v, at, 0))
			return run_split(c, kinds, html, v, r, rl, at, e,
			    next, res, un, rp, rlp, count);
		/* the run again in *alt (r is in the text or in *tmp):
		 * r[0..at), the to, the tail r[e..rl) */
		if (*alt == NULL) {
			*alt = g_byte_array_new();
			*tmp = g_byte_array_new();
		}
		g_byte_array_set_size(*alt, 0);
		g_byte_array_append(*alt, (const guint8 *)r, at);
		if (j % 2 == 0)
			g_byte_array_append(*alt, (const guint8 *)s->to, s->tl);
		else
			g_byte_array_append(*alt, (const guint8 *)s->ato,
			    s->atl);
		g_byte_array_append(*alt, (const guint8 *)r + e, rl - e);
		rf__rewrite_values_edit(v, at, e, j % 2 == 0 ? s->tl : s->atl);
		sw = *tmp;
		*tmp = *alt;
		*alt = sw;
		r = (const char *)(*tmp)->data;
		rl = (*tmp)->len;
	}
	*rp = r;
	*rlp = rl;
	return changed;
}

/* run_split: run_apply's run r[0..rl) made again in res (*rp, *rlp set
 * to it; 1) where the replacement of r[at..e) by an empty to is written
 * EMPTY_VALUE: r[0..at) and r[e..rl) taken on as runs of their own with
 * the replacements >= next, each with its part of v (those below at;
 * those from e on, made relative to e). */
static int
run_split(rf_rewrite *c, unsigned kinds, int html, struct rf__values *v,
	  const char *r, size_t rl, size_t at, size_t e, size_t next,
	  GByteArray *res, char *un, const char **rp, size_t *rlp,
	  size_t *count)
{
	GByteArray *whole = g_byte_array_new(), *part = g_byte_array_new();
	GByteArray *tmp = NULL, *alt = NULL;
	struct rf__values lo, hi;
	const char *p;
	size_t pl;

	rf__rewrite_values_split(v, at, e, &lo, &hi);
	/* r may be in the caller's scratch: kept apart */
	g_byte_array_append(whole, (const guint8 *)r, rl);
	r = (const char *)whole->data;
	g_byte_array_set_size(res, 0);
	if (!run_apply(c, kinds & ~(RF__RUN_8AFTER | RF__RUN_OPENS), html,
	    &lo, r, at, next, &tmp, &alt, part, un, &p, &pl, count)) {
		p = r;
		pl = at;
	}
	g_byte_array_append(res, (const guint8 *)p, pl);
	g_byte_array_append(res, (const guint8 *)EMPTY_VALUE, 2);
	if (!run_apply(c, kinds & ~RF__RUN_8BEFORE, html, &hi, r + e, rl - e,
	    next, &tmp, &alt, part, un, &p, &pl, count)) {
		p = r + e;
		pl = rl - e;
	}
	g_byte_array_append(res, (const guint8 *)p, pl);
	if (tmp != NULL)
		g_byte_array_free(tmp, TRUE);
	if (alt != NULL)
		g_byte_array_free(alt, TRUE);
	g_byte_array_free(part, TRUE);
	g_byte_array_free(whole, TRUE);
	*rp = (const char *)res->data;
	*rlp = res->len;
	return 1;
}

/* replace_runs: what replace_seq does, in one pass over *buf, when
 * !c->loop (hits counted alike).  Then a standalone occurrence
 * (replace_all) lies in a maximal run of URL bytes, starts at the
 * run's start or after a '=' or '[' in it (or in a text part a byte
 * where the analysis starts a URL, rf__rewrite_starts_url), and is
 * followed in the run by tail_char bytes only; replacing it by a `to`
 * of URL bytes leaves the bytes around the run as they were, so each run
 * changes on its own:
 * it takes, in the order of the replacements, each whose from is such an
 * occurrence in the run as it is then (run_first; run_apply, which also
 * splits a run where an empty to is written EMPTY_VALUE; where an
 * unquoted value starts is read on the original leaf, rf__rewrite_values,
 * as the loop does).  1 when *buf changed, 0 when not, -1 when out of
 * memory (*buf unchanged). */
static int
replace_runs(rf_rewrite *c, int html, const struct rf__leafread *rd,
	     GByteArray **buf, size_t *count)
{
	GByteArray *in = *buf, *out = NULL, *tmp = NULL, *alt = NULL;
	GByteArray *res = NULL;
	const char *d = (const char *)in->data;
	unsigned kinds = html ? RF__LEN_PLAIN | RF__LEN_AMP : RF__LEN_PLAIN |
	    RF__RUN_TEXT;
	struct rf__values all = { .at = NULL };
	struct rf__values v;
	struct rf__css_back cb = RF__CSS_BACK;
	struct rf__spans_once tb = RF__SPANS_ONCE(rf__rewrite_text_spans);
	size_t r0, r1, last = 0, k = 0;
	char *un;

	if (c->minfl == 0)
		return 0;	/* no from replaces anything */
	cb.css.rd = cb.raw.rd = tb.rd = rd;
	if ((un = malloc(c->nlens)) == NULL || (html &&
	    rf__rewrite_values(rd, d, in->len, 1, &all))) {
		free(un);
		return -1;
	}
	/* r0: 0 or just after a byte that ends a run; the runs shorter
	 * than the shortest from are skipped by looking back from the end
	 * of the shortest from that would start at r0 (each byte is looked
	 * at at most twice, most of them never) */
	r0 = 0;
	while (r0 + c->minfl <= in->len) {
		const char *r;
		size_t rl, q = r0 + c->minfl;

		while (q > r0 && rf__rewrite_url_char((unsigned char)d[q - 1]))
			q--;
		if (q > r0) {
			r0 = q;
			continue;
		}
		for (r1 = r0 + c->minfl; r1 < in->len &&
		    rf__rewrite_url_char((unsigned char)d[r1]); r1++)
			;
		if (res == NULL)
			res = g_byte_array_new();
		rf__rewrite_values_run(&all, &k, r0, r1, &v);
		v.css = html && c->css ? rf__rewrite_css_url(d, in->len,
		    r0, r1, &cb) : RF__CSS_NONE;
		v.csstop = html && c->css && rf__rewrite_css_top(d, in->len,
		    r0, &cb);
		if (run_apply(c, kinds | rf__rewrite_run_edges(html, d,
		    in->len, r0, r1, v.css == RF__CSS_NONE, &tb), html, &v,
		    d + r0, r1 - r0, 0, &tmp, &alt, res, un, &r, &rl, count)) {
			if (out == NULL)
				out = g_byte_array_new();
			g_byte_array_append(out, (const guint8 *)d + last,
			    r0 - last);
			g_byte_array_append(out, (const guint8 *)r, rl);
			last = r1;
		}
		r0 = r1 + 1;
	}
	rf__css_back_done(&cb);
	rf__spans_once_done(&tb);
	free(un);
	free(all.at);
	if (tmp != NULL)
		g_byte_array_free(tmp, TRUE);
	if (alt != NULL)
		g_byte_array_free(alt, TRUE);
	if (res != NULL)
		g_byte_array_free(res, TRUE);
	if (out == NULL)
		return 0;
	g_byte_array_append(out, (const guint8 *)d + last, in->len - last);
	g_byte_array_free(in, TRUE);
	*buf = out;
	return 1;
}

/* mark_left: the URL u[0..n) the analysis reads in c's leaf as written,
 * when it is the from of a substitution (not text) and no
 * substitution's to, marks that one live (counted missed). */
static void
mark_left(void *arg, const char *u, size_t n)
{
	rf_rewrite *c = arg;
	size_t best = RF__NONE, j;

	if (n < c->nlens && (c->lens[n] & RF__LEN_PLAIN))
		look_up(c, u, n, 0, 0, &best);
	if (best == RF__NONE || c->subst[best / 2].text)
		return;
	for (j = 0; j < c->nsubst; j++)
		if (c->subst[j].tl == n && memcmp(c->subst[j].to, u, n) == 0)
			return;
	c->subst[best / 2].live = 1;
}

/* left_live: each link the analysis reads in a leaf as written (d, n
 * bytes) that is still a from marked live (mark_left, so counted missed
 * and reported).  In a text part those are its URLs (rf__url_text_next);
 * in HTML every link, read by the analysis' own reading
 * (rf__rewrite_html_links), when a substitution is no text.  The count
 * of occurrences replaced cannot tell where the analysis read a link: an
 * occurrence replaced where it reads none (the value of no attribute,
 * after a tag's closing quote; a comment) hid one left where it does, in
 * a form no pass matches (seeds bogus-attr-mixed-amp, an href over lines
 * mixing "&amp;" and "&", and comment-long-ref-live, a reference longer
 * than RF__REF_MAX); one in text the rules above did not take for
 * standalone where the analysis starts a link ("&http://...": s31's
 * fifth strict run, seed amp-text-live; seed html-text-urls).  When HTML
 * cannot be read (out of memory), every substitution is marked live:
 * reported, never hidden. */
static void
left_live(rf_rewrite *c, const struct rf__leafread *rd, int html,
	  const char *d, size_t n)
{
	size_t i = 0, s, e;

	if (html) {
		while (i < c->nsubst && c->subst[i].text)
			i++;
		if (i < c->nsubst && rf__rewrite_html_links(rd, d, n,
		    c->max_depth, mark_left, c) != 0)
			for (i = 0; i < c->nsubst; i++)
				c->subst[i].live = 1;
		return;
	}
	while (rf__url_text_next(d, n, &i, &s, &e))
		mark_left(c, d + s, e - s);
}

/* rf__rewrite_leaf: replace_runs when it may, else replace_seq; then in
 * HTML the forms with character references (rf__rewrite_entities, which
 * looks for the first "&#" itself: the leaf is scanned once; left as
 * they are when out of memory, and so counted missed); then the links
 * left (left_live). */
int
rf__rewrite_leaf(rf_rewrite *c, int html, const char *charset,
		 GByteArray **buf, size_t *count)
{
	struct rf__leafread rd = { .cc = c->convc, .charset = charset,
	    .max = c->max_part };
	size_t before = *count;
	int changed = -1, quiet = html ? rf__rewrite_quiet(&rd, *buf) : 0;

	rd.quiet = quiet;
	rd.srcset = html && c->empties && rf__rewrite_may_srcset(
	    (const char *)(*buf)->data, (*buf)->len);
	rd.nocss = html && !rf__rewrite_css_links(
	    (const char *)(*buf)->data, (*buf)->len);
	/* srcset values with a web bug: the loop, which takes a candidate
	 * out whole (rf__rewrite_srcset) */
	if (!c->loop && !quiet && !rd.srcset)
		changed = replace_runs(c, html, &rd, buf, count);
	if (changed < 0) {
		*count = before;
		if ((changed = replace_seq(c, html, quiet, &rd, buf,
		    count)) < 0)
			return -1;
	}
	if (html && rf__rewrite_entities(c, &rd, buf, count) > 0)
		changed = 1;
	left_live(c, &rd, html, (const char *)(*buf)->data, (*buf)->len);
	return changed;
}
