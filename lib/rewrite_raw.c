/*
 * rewrite_raw.c - where libxml2's HTML parser ends the raw text of the
 * script and style elements of an HTML leaf, for the value tokenizer
 * (rewrite_value.c) when that text holds, at its top, an end tag of
 * another element ("<p><script></p>").  libxml2 (2.9.14, HTML_PARSE_RECOVER) may close
 * the raw element there, depending on its whole stack of open elements
 * (docs/design/tracking-record.md, "Left open: an end tag at the start of
 * a script", its "The rule libxml2 2.9.14 follows there", s22), which
 * the tokenizer does not keep; so the leaf is read by libxml2 itself, as
 * the analysis reads it (rf__text_reading, then lib/html.c's repair and
 * lib/html_parser.c's options), and each raw element's start and end
 * mapped back to the leaf's bytes: an end lies just after a '>' (an end
 * tag read), at a '<' (a start tag that closes it) or at the text's end,
 * a start just after the start tag, whose last '<' names it.  The k-th
 * '<' or '>' of the text libxml2 reads is the k-th of the leaf when the
 * two have the same sequence of '<' and '>' (any charset that keeps
 * ASCII as it is and uses neither byte inside a character: UTF-8,
 * Windows-1252, the ISO-8859 and EUC charsets, GBK, Big5, Shift_JIS);
 * when they differ (as they may in UTF-16, ISO-2022-JP, UTF-7, ...),
 * there is no answer and the tokenizer keeps its own reading.
 * Also (rf__rewrite_replace_raw): a from holding a character libxml2
 * leaves out of that text, or of other text (no Char of XML 1.0), is not
 * replaced where it meets it, nor one holding a blank or '>' where it
 * starts inside an unquoted attribute value, since the analysis read no
 * link of that URL there (seeds style-ctl-bytes, cr-in-unquoted-value);
 * in a leaf holding such characters, whether an occurrence stands alone
 * in that text (and in other text, s35) is read without them
 * (rf__rewrite_quiet, seeds style-esc-newlink, quiet-text-join); and an
 * empty to is not written in part of a CSS url()'s content, which the
 * analysis reads to its ')' (rf__rewrite_css_url, seeds css-url-emptied,
 * css-url-quote); nor, in CSS, a to that changes its declarations
 * (rf__rewrite_css_form_differs, rf__rewrite_css_top, s35).
 * docs/tracking.md, "The rewriter never makes a link";
 * docs/design/tracking-record.md, "Where libxml2 ends a script (s23)"
 * and "Strict runs (s25)".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "bytescan.h"
#include "rewrite_int.h"

/* The raw elements of one parse: at[2 i], at[2 i + 1] the offsets in the
 * text libxml2 read where the i-th starts (its start element) and ends
 * (its end element; SIZE_MAX while open). */
struct rawparse {
	struct _xmlParserCtxt *px;	/* the parser while it runs */
	size_t *at;
	size_t n, cap;
	int open;			/* the last one is not ended */
	int oom;
};

/* offset: where px stands in its whole input. */
static size_t
offset(const struct _xmlParserCtxt *px)
{
	const xmlParserInput *in = px->input;

	return (size_t)in->consumed + (size_t)(in->cur - in->base);
}

static int
raw_elem(const unsigned char *name)
{
	return strcmp((const char *)name, "script") == 0 ||
	    strcmp((const char *)name, "style") == 0;
}

static void
raw_start(void *ud, const unsigned char *name, const unsigned char **atts)
{
	struct rawparse *r = ud;
	size_t *at;

	(void)atts;
	if (r->oom || !raw_elem(name))
		return;
	if (r->n == r->cap) {
		r->cap = r->cap * 2 + 8;
		if ((at = realloc(r->at, r->cap * 2 * sizeof(*at))) == NULL) {
			r->oom = 1;
			xmlStopParser(r->px);
			return;
		}
		r->at = at;
	}
	r->at[2 * r->n] = offset(r->px);
	r->at[2 * r->n + 1] = SIZE_MAX;
	r->n++;
	r->open = 1;
}

static void
raw_end(void *ud, const unsigned char *name)
{
	struct rawparse *r = ud;

	if (r->open && !r->oom && raw_elem(name)) {
		r->at[2 * r->n - 1] = offset(r->px);
		r->open = 0;
	}
}

/* mark: the offset of the first '<' or '>' in s[i..n), or n. */
static size_t
mark(const char *s, size_t n, size_t i)
{
	for (; i < n; i++)
		if (s[i] == '<' || s[i] == '>')
			return i;
	return n;
}

/* same_marks: t[0..tn) and d[0..n) have the same sequence of '<' and
 * '>'. */
static int
same_marks(const char *t, size_t tn, const char *d, size_t n)
{
	size_t i = mark(t, tn, 0), j = mark(d, n, 0);

	for (; i < tn && j < n; i = mark(t, tn, i + 1), j = mark(d, n, j + 1))
		if (t[i] != d[j])
			return 0;
	return i == tn && j == n;
}

/* A walk over the marks of the text and of the leaf together: t[ti] and
 * d[di] the next mark of each, last the leaf's offset of the last mark
 * passed and lt that of the last '<' passed (SIZE_MAX: none). */
struct walk {
	const char *t, *d;
	size_t tn, n, ti, di, last, lt;
};

/* walk_to: w moved past the text's marks before x. */
static void
walk_to(struct walk *w, size_t x)
{
	while (w->ti < x && w->ti < w->tn) {
		if (w->d[w->di] == '<')
			w->lt = w->di;
		w->last = w->di;
		w->ti = mark(w->t, w->tn, w->ti + 1);
		w->di = mark(w->d, w->n, w->di + 1);
	}
}

/* end_of: the leaf's offset of the text's offset x, where a raw element
 * ended: after a '>', at a '<', or at the end of the text when it is the
 * whole leaf's; SIZE_MAX when none of those. */
static size_t
end_of(struct walk *w, size_t x, int whole)
{
	walk_to(w, x);
	if (x > 0 && x <= w->tn && w->t[x - 1] == '>')
		return w->last + 1;
	if (x < w->tn && w->t[x] == '<')
		return w->di;
	return x == w->tn && whole ? w->n : SIZE_MAX;
}

/* map: r's offsets (in the text t) made the leaf's (d): each start the
 * offset of the last '<' before it (SIZE_MAX: none), each end end_of's
 * (SIZE_MAX: not ended or not known). */
static void
map(struct rawparse *r, const char *t, size_t tn, const char *d, size_t n,
    int whole)
{
	struct walk w = { t, d, tn, n, 0, 0, SIZE_MAX, SIZE_MAX };
	size_t i;

	w.ti = mark(t, tn, 0);
	w.di = mark(d, n, 0);
	for (i = 0; i < r->n; i++) {
		walk_to(&w, r->at[2 * i]);
		r->at[2 * i] = w.lt;
		if (r->at[2 * i + 1] != SIZE_MAX)
			r->at[2 * i + 1] = end_of(&w, r->at[2 * i + 1], whole);
	}
}

int
rf__rewrite_leaf_input(const struct rf__leafread *rd, const char *d,
		       size_t n, size_t *m, rf_buf *b, char **clean,
		       const char **t, size_t *tn)
{
	int clipped;

	*m = rd != NULL && rd->max > 0 && rd->max < n ? rd->max : n;
	*clean = NULL;
	rf_buf_init(b, 0);	/* bounded by the leaf */
	if (*m > 0)
		rf__text_reading(rd != NULL ? rd->cc : NULL, rd != NULL ?
		    rd->charset : NULL, d, *m, b, NULL);
	if (b->truncated || rf__html_input(b->data, b->len, clean, t, tn,
	    &clipped) != 0)
		return -1;
	return 0;
}

int
rf__rewrite_raw_read(const struct rf__leafread *rd, const char *d,
		     size_t n, struct rf__raw *out)
{
	static const struct rf__html_sax cb = { raw_start, raw_end, NULL, NULL };
	struct rawparse r = { NULL, NULL, 0, 0, 0, 0 };
	size_t m, tn;
	char *clean;
	const char *t;
	rf_buf b;
	int oom = 0, rc = -1;

	out->at = NULL;
	out->n = 0;
	if (rf__rewrite_leaf_input(rd, d, n, &m, &b, &clean, &t, &tn) != 0)
		goto done;
	/* no answer when the marks differ */
	if (tn > 0 && same_marks(t, tn, d, m)) {
		if (rf__html_parse(NULL, t, tn, &cb, &r, &r.px, &oom, NULL) !=
		    RF_OK || oom || r.oom)
			goto done;
		map(&r, t, tn, d, n, m == n && tn == b.len);
		out->at = r.at;
		out->n = r.n;
		r.at = NULL;
	}
	rc = 0;
done:
	free(r.at);
	free(clean);
	rf_buf_free(&b);
	return rc;
}

size_t
rf__rewrite_raw_end(const struct rf__raw *r, size_t lt)
{
	size_t lo = 0, hi = r->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->at[2 * mid] < lt)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->n && r->at[2 * lo] == lt ? r->at[2 * lo + 1] :
	    SIZE_MAX;
}

/* span_after: the first of the n spans sp[2 i], sp[2 i + 1]
 * (increasing, disjoint) that ends after at, or n. */
static size_t
span_after(const size_t *sp, size_t n, size_t at)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sp[2 * mid + 1] <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* in_spans: [at, at + len) meets one of the n spans sp[2 i],
 * sp[2 i + 1]. */
static int
in_spans(const size_t *sp, size_t n, size_t at, size_t len)
{
	size_t k = span_after(sp, n, at);

	return k < n && sp[2 * k] < at + len;
}

int
rf__rewrite_in_spans(const size_t *sp, size_t n, size_t at)
{
	return in_spans(sp, n, at, 1);
}

/* crosses: [at, at + len) starts in one of the n spans sp[2 i],
 * sp[2 i + 1] and ends past it. */
static int
crosses(const size_t *sp, size_t n, size_t at, size_t len)
{
	size_t k = span_after(sp, n, at);

	return k < n && sp[2 * k] <= at && at + len > sp[2 * k + 1];
}

/* blank_in: [at, at + len) of d starts in one of the n spans sp[2 i],
 * sp[2 i + 1] and holds RF__BLANKS white space in it. */
static int
blank_in(const size_t *sp, size_t n, const char *d, size_t at, size_t len)
{
	size_t k = span_after(sp, n, at), i, e;

	if (k == n || sp[2 * k] > at)
		return 0;
	e = at + len < sp[2 * k + 1] ? at + len : sp[2 * k + 1];
	for (i = at; i < e; i++)
		if (d[i] != '\0' && strchr(RF__BLANKS, d[i]) != NULL)
			return 1;
	return 0;
}

int
rf__rewrite_unread(const struct rf__values *v, const char *d, size_t at,
		   size_t len)
{
	return (v->meets && in_spans(v->drop, v->ndrop, at, len)) ||
	    in_spans(v->cut, v->ncut, at, 1) ||
	    in_spans(v->blank, v->nblank, at, 1) ||
	    crosses(v->quo, v->nquo, at, len) ||
	    blank_in(v->ping, v->nping, d, at, len);
}

/* dropped_at: the length of a character of d[i..n) that libxml2 leaves
 * out of text, script and style text (dropped) and the reading q
 * (RF__QUIET_*) has as one, 0 when there is none at i: a C0 control byte
 * (not tab, LF, CR, nor NUL, the NUL pass's); with RF__QUIET_NC, U+FFFE
 * or U+FFFF in UTF-8. */
static size_t
dropped_at(const char *d, size_t n, size_t i, int q)
{
	const unsigned char *u = (const unsigned char *)d + i;

	if (u[0] < 0x20 && u[0] != '\t' && u[0] != '\n' && u[0] != '\r' &&
	    u[0] != '\0')
		return 1;
	if ((q & RF__QUIET_NC) && u[0] == 0xEF && i + 2 < n && u[1] == 0xBF &&
	    (u[2] == 0xBE || u[2] == 0xBF))
		return 3;
	return 0;
}

/* dropped: s (UTF-8) holds a character libxml2's HTML parser (2.9.14,
 * htmlParseScript, htmlParseCharData) leaves out of text, script and
 * style text, one that is no Char of XML 1.0: a C0 control but tab, LF
 * and CR (NUL: the NUL pass's); U+FFFE, U+FFFF (EF BF BE, EF BF BF).  In
 * an attribute's value it keeps them, so a link read there may hold
 * them. */
static int
dropped(const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		if (dropped_at(s, n, i, RF__QUIET_NC) > 0)
			return 1;
	return 0;
}

int
rf__rewrite_quiet(const struct rf__leafread *rd, const GByteArray *buf)
{
	const char *d = (const char *)buf->data;
	size_t i, n = buf->len;
	unsigned flags = 0;
	rf_buf t;
	int q = 0;

	/* dropped_at finds a character only at a byte below 0x20 or
	 * at 0xEF (U+FFFE, U+FFFF) */
	for (i = 0; (i = rf__span_below_or(d, i, n, 0x20, 0xEF)) < n; i++)
		if (dropped_at(d, n, i, RF__QUIET_NC) > 0)
			break;
	if (i == n)
		return 0;
	/* read once, with the text, which a declared charset needs (only
	 * leaves holding such a byte get here) */
	rf_buf_init(&t, 0);
	switch (rf__text_reading(rd->cc, rd->charset, d, n, &t, &flags)) {
	case RF__READ_UTF8:
		q = RF__QUIET_C0 | RF__QUIET_NC;
		break;
	case RF__READ_1252:
		q = RF__QUIET_C0;
		break;
	default:
		/* a declared charset: C0 bytes when its reading has such
		 * characters (not ISO-2022-JP's shifts, nor UTF-16's) */
		for (i = 0; i < t.len && dropped_at(t.data, t.len, i, 0) == 0;
		    i++)
			;
		q = i < t.len ? RF__QUIET_C0 : 0;
		break;
	}
	rf_buf_free(&t);
	return q;
}

/* past_over: i moved on over the characters from it that dropped_at
 * finds in the reading q (back_over's other way). */
static size_t
past_over(const char *d, size_t n, size_t i, int q)
{
	size_t k;

	while (i < n && (k = dropped_at(d, n, i, q)) > 0)
		i += k;
	return i;
}

size_t
rf__rewrite_kept_after(const struct rf__values *v, const char *d, size_t n,
		       size_t i)
{
	if (v == NULL || v->quiet == 0 || i >= n ||
	    !in_spans(v->drop, v->ndrop, i, 1))
		return i;
	return past_over(d, n, i, v->quiet);
}

/* back_over: i moved back over the characters before it that
 * dropped_at finds in the reading q (a C0 byte; U+FFFE, U+FFFF with
 * RF__QUIET_NC), and over NULs when nul. */
static size_t
back_over(const char *d, size_t i, int q, int nul)
{
	for (;;) {
		if (i >= 1 && ((nul && d[i - 1] == '\0') ||
		    dropped_at(d, i, i - 1, 0) == 1))
			i--;
		else if ((q & RF__QUIET_NC) && i >= 3 &&
		    dropped_at(d, i, i - 3, q) == 3)
			i -= 3;
		else
			return i;
	}
}

size_t
rf__rewrite_kept_before(const struct rf__values *v, const char *d,
			size_t i)
{
	if (v == NULL || v->quiet == 0 || i == 0 ||
	    !in_spans(v->drop, v->ndrop, i - 1, 1))
		return i;
	return back_over(d, i, v->quiet, 0);
}

unsigned
rf__rewrite_run_joins(const char *d, size_t n, size_t r0, size_t r1, int q,
		      struct rf__spans_once *ds)
{
	const size_t *sp = NULL;
	unsigned k = 0;
	size_t i, j;

	i = back_over(d, r0, q, 0);
	if (i < r0 && i > 0 && rf__rewrite_url_char((unsigned char)d[i - 1]))
		k |= RF__RUN_8BEFORE;
	j = past_over(d, n, r1, q);
	if (j > r1 && j < n && rf__rewrite_url_char((unsigned char)d[j]))
		k |= RF__RUN_8AFTER;
	/* only where libxml2 drops them (out of memory: as if it did) */
	if (k == 0 || (sp = rf__spans_once(ds, d, n)) == NULL)
		return k;
	if ((k & RF__RUN_8BEFORE) && !in_spans(sp, ds->n, r0 - 1, 1))
		k &= ~RF__RUN_8BEFORE;
	if ((k & RF__RUN_8AFTER) && !in_spans(sp, ds->n, r1, 1))
		k &= ~RF__RUN_8AFTER;
	return k;
}

/* css_blank: a blank of CSS (lib/css.c). */
static int
css_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* unread_before: i, with the characters before it that the analysis may
 * read no byte of taken off: NULs (the NUL pass's) and what libxml2
 * leaves out of style text in any reading (back_over). */
static size_t
unread_before(const char *d, size_t i)
{
	return back_over(d, i, RF__QUIET_C0 | RF__QUIET_NC, 1);
}

/* url_open: d[0..i) ends with "url(" (any case) not after a byte of a
 * CSS name, as lib/css.c's decl_urls reads a url(); its letters and what
 * comes before them read without the characters unread_before takes
 * off, since in style text the analysis reads "ur\x1bl(" as "url(" (in
 * a style attribute, which keeps them, it does not: taking it for one
 * there writes no empty to, the safe side; s30's strict run 1). */
static int
url_open(const char *d, size_t i)
{
	static const char url[] = "url";
	size_t k;
	int c;

	if (i == 0 || d[i - 1] != '(')
		return 0;
	for (i--, k = 3; k > 0; k--) {
		i = unread_before(d, i);
		if (i == 0 || ((unsigned char)d[i - 1] | 0x20) != url[k - 1])
			return 0;
		i--;
	}
	i = unread_before(d, i);
	c = i > 0 ? (unsigned char)d[i - 1] : ' ';
	return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c >= 0x80);
}

/* within: the offsets a <= b lie in one of the n spans sp[2 i],
 * sp[2 i + 1]. */
static int
within(const size_t *sp, size_t n, size_t a, size_t b)
{
	size_t k = span_after(sp, n, a);

	return k < n && sp[2 * k] <= a && b < sp[2 * k + 1];
}

/* in_css: the '(' at open and the offset a > open lie in one CSS span
 * of the leaf d[0..n) (cb->css.rd set), made at the first call; 1 too
 * without rd, or when out of memory making them (the safe side: no
 * empty to there). */
static int
in_css(const char *d, size_t n, size_t open, size_t a,
       struct rf__css_back *cb)
{
	const size_t *sp = rf__spans_once(&cb->css, d, n);

	return sp == NULL || within(sp, cb->css.n, open, a);
}

/* import_at: css[i..n) starts with "import" (any case), read without
 * control and 8-bit bytes (more than libxml2 drops from style text: the
 * safe side). */
static int
import_at(const char *css, size_t n, size_t i)
{
	static const char w[] = "import";
	size_t k = 0;
	unsigned char c;

	for (; i < n && k < sizeof(w) - 1; i++) {
		c = (unsigned char)css[i];
		if (c < 0x20 || c >= 0x80)
			continue;
		if ((c | 0x20) != w[k++])
			return 0;
	}
	return k == sizeof(w) - 1;
}

int
rf__rewrite_css_links(const char *css, size_t n)
{
	size_t i;

	for (i = 0; (i = rf__span_until(css, i, n, '(', '@', '(', '@')) < n;
	    i++)
		if (css[i] == '(' ? url_open(css, i + 1) : import_at(css, n,
		    i + 1))
			return 1;
	return 0;
}

/* css_at: d[a] lies in a CSS span of the leaf d[0..n) that holds links
 * (rf__rewrite_css_links, asked once per span); 0 without cb->css.rd, 1
 * when out of memory making the spans (the safe side). */
static int
css_at(const char *d, size_t n, size_t a, struct rf__css_back *cb)
{
	const size_t *sp;
	size_t k;

	if (cb->css.rd == NULL)
		return 0;
	if ((sp = rf__spans_once(&cb->css, d, n)) == NULL)
		return 1;
	k = span_after(sp, cb->css.n, a);
	if (k == cb->css.n || sp[2 * k] > a)
		return 0;
	if (cb->decl_span != k) {
		cb->decl_span = k;
		cb->decl_links = rf__rewrite_css_links(d + sp[2 * k],
		    sp[2 * k + 1] - sp[2 * k]);
	}
	return cb->decl_links;
}

/* in_raw: d[p] lies in the script or style text of the leaf d[0..n)
 * (cb->raw.rd set; 0 when it is not, or the spans cannot be made). */
static int
in_raw(const char *d, size_t n, size_t p, struct rf__css_back *cb)
{
	const size_t *sp = rf__spans_once(&cb->raw, d, n);

	return sp != NULL && within(sp, cb->raw.n, p, p);
}

void
rf__css_back_done(struct rf__css_back *cb)
{
	rf__spans_once_done(&cb->css);
	rf__spans_once_done(&cb->raw);
}

int
rf__rewrite_may_srcset(const char *d, size_t n)
{
	size_t i;

	/* at its 'c', the rarest of its letters in text */
	for (i = 2; (i = rf__span_until(d, i, n, 'c', 'C', 'c', 'C')) + 4 <=
	    n; i++)
		if (strncasecmp(d + i - 2, "srcset", 6) == 0)
			return 1;
	return 0;
}

int
rf__rewrite_srcset(const char *d, size_t n, size_t at, size_t fl,
		   struct rf__spans_once *sb, size_t *end)
{
	const size_t *sp = rf__spans_once(sb, d, n);
	size_t k, s, e, u, ul;

	if (sp == NULL)
		return RF__SET_PART;
	k = span_after(sp, sb->n, at);
	if (k == sb->n || sp[2 * k] > at)
		return RF__SET_NONE;
	/* the value's candidates, as the analysis reads them */
	for (s = sp[2 * k], e = sp[2 * k + 1]; s < e;) {
		s = rf__srcset_next(d, s, e, &u, &ul);
		if (ul == 0 || u > at)
			break;
		if (at < s) {		/* in this candidate */
			if (u != at || ul != fl)
				return RF__SET_PART;
			*end = s;
			return RF__SET_WHOLE;
		}
	}
	return RF__SET_PART;
}

const size_t *
rf__spans_once(struct rf__spans_once *z, const char *d, size_t n)
{
	static const size_t none[2];	/* no span (z->n 0) */

	if (z->rd == NULL)
		return NULL;
	if (z->read == 0)
		z->read = z->make(z->rd, d, n, &z->sp, &z->n) == 0 ? 1 : -1;
	if (z->read < 0)
		return NULL;
	return z->sp != NULL ? z->sp : none;
}

void
rf__spans_once_done(struct rf__spans_once *z)
{
	free(z->sp);
	z->sp = NULL;
	z->n = 0;
	z->read = 0;
}

int
rf__rewrite_css_url(const char *d, size_t n, size_t a, size_t b,
		    struct rf__css_back *cb)
{
	size_t j = b, i;

	if (cb->seen > a) {	/* read again (the spans stay: same d) */
		cb->seen = 0;
		cb->close = cb->open = SIZE_MAX;
	}
	for (i = cb->seen; (i = rf__span_until(d, i, a, '(', ')', '(', ')')) <
	    a; i++)
		if (d[i] == ')')
			cb->close = i;
		else if (url_open(d, i + 1))
			cb->open = i;
	cb->seen = a;
	if (cb->open == SIZE_MAX || (cb->close != SIZE_MAX &&
	    cb->close > cb->open) || !in_css(d, n, cb->open, a, cb))
		return css_at(d, n, a, cb) ? RF__CSS_OUT : RF__CSS_NONE;
	for (i = cb->open + 1; i < a && css_blank((unsigned char)d[i]); i++)
		;
	if (i < a && rf__rewrite_quote_ref(d + i, a - i) > 0 && b > a &&
	    memchr(d + a, ')', b - a) != NULL && in_raw(d, n, i, cb))
		return RF__CSS_PART;	/* in style text "&quot;" is those
					 * bytes: the first ')' ends the url(),
					 * and emptied it would not (seed
					 * css-quot-style-text) */
	if (i < a && (d[i] == '"' || d[i] == '\'' ||
	    rf__rewrite_quote_ref(d + i, a - i) > 0))
		return RF__CSS_NONE;	/* after a url()'s string (in a style
					 * attribute "&quot;" opens one) */
	while (j < n && css_blank((unsigned char)d[j]))
		j++;
	/* the whole content: blanks only before it and after it, up to
	 * the ')', an end tag or the leaf's end */
	for (i = a; i > 0 && css_blank((unsigned char)d[i - 1]); i--)
		;
	return i == cb->open + 1 && (j == n || d[j] == ')' ||
	    (d[j] == '<' && j + 1 < n && d[j + 1] == '/')) ? RF__CSS_WHOLE :
	    RF__CSS_PART;
}

/* next_form: the first CSS form byte of s[i..n), or n (a switch:
 * a strchr per byte cost 2 % of `filter` on a message of 2,000
 * links). */
static size_t
next_form(const char *s, size_t i, size_t n)
{
	for (; i < n; i++)
		switch (s[i]) {
		case ':': case ';': case '{': case '}': case '(': case ')':
		case '*': case '\\':
			return i;
		default:
			break;
		}
	return n;
}

int
rf__rewrite_css_form_differs(const char *a, size_t al, const char *b,
			     size_t bl)
{
	size_t i = 0, j = 0;

	for (;; i++, j++) {
		i = next_form(a, i, al);
		j = next_form(b, j, bl);
		if (i == al || j == bl || a[i] != b[j])
			return i < al || j < bl;
	}
}

int
rf__rewrite_css_top(const char *d, size_t n, size_t a,
		    struct rf__css_back *cb)
{
	const size_t *sp;
	size_t k, i, end;
	int q;

	/* (a span that holds no link has none to move) */
	if (cb->css.rd == NULL || !css_at(d, n, a, cb))
		return 0;
	if ((sp = rf__spans_once(&cb->css, d, n)) == NULL)
		return 1;	/* out of memory: the safe side */
	k = span_after(sp, cb->css.n, a);
	if (cb->top_span != k || cb->top_at > a) {
		cb->top_span = k;
		cb->top_at = sp[2 * k];
		cb->top_q = 0;
		cb->top_depth = 0;
	}
	end = sp[2 * k + 1];
	q = cb->top_q;
	/* decl_next's reading (lib/css.c): comments, strings with their
	 * escapes, escapes, brackets */
	for (i = cb->top_at; i < a;) {
		if (q == '*') {
			if (d[i] == '*' && i + 1 < end && d[i + 1] == '/') {
				q = 0;
				i++;
			}
		} else if (q != 0) {
			if (d[i] == '\\')
				i++;
			else if (d[i] == q)
				q = 0;
		} else if (d[i] == '/' && i + 1 < end && d[i + 1] == '*') {
			q = '*';
			i++;
		} else if (d[i] == '"' || d[i] == '\'')
			q = (unsigned char)d[i];
		else if (d[i] == '\\')
			i++;
		else if (d[i] == '(')
			cb->top_depth++;
		else if (d[i] == ')' && cb->top_depth > 0)
			cb->top_depth--;
		i++;
	}
	cb->top_at = i;
	cb->top_q = q;
	/* (i past a: a is the byte after a backslash) */
	return i == a && q == 0 && cb->top_depth == 0;
}

int
rf__rewrite_css_keeps(int where, int top, const char *f, size_t fl,
		      const char *t, size_t tl)
{
	return (where == RF__CSS_PART && tl == 0) || ((top ||
	    where == RF__CSS_OUT || where == RF__CSS_PART) &&
	    rf__rewrite_css_form_differs(f, fl, t, tl));
}

int
rf__rewrite_css_part(const struct rf__values *v, size_t at, size_t e,
		     size_t rl, const char *f, size_t fl, const char *t,
		     size_t tl)
{
	return rf__rewrite_css_keeps(v->css, v->csstop, f, fl, t, tl) ||
	    (tl == 0 && (v->css == RF__CSS_SET || (v->css == RF__CSS_WHOLE &&
	    (at > 0 || e < rl))));
}

/* CUTS: the bytes that end an unquoted attribute value (IS_BLANK_CH, as
 * rf__rewrite_values reads them, and '>'). */
#define CUTS " \t\n\r>"

int
rf__rewrite_cut_spans(const struct rf__values *v, const char *d, size_t n,
		      size_t **at, size_t *n_spans)
{
	size_t i, a, b, w = 0, *sp = NULL;

	if (v->n > 0 && (sp = malloc(2 * v->n * sizeof(*sp))) == NULL)
		return -1;
	for (i = 0; i < v->n; i++) {
		if (v->name[i] || (a = v->at[i]) >= n || d[a] == '"' ||
		    d[a] == '\'')
			continue;	/* a name, or a value made "" */
		for (b = a; b < n && (d[b] == '\0' ||
		    strchr(CUTS, d[b]) == NULL); b++)
			;
		if (b > a) {
			sp[2 * w] = a;
			sp[2 * w + 1] = b;
			w++;
		}
	}
	*at = sp;
	*n_spans = w;
	return 0;
}

int
rf__rewrite_replace_raw(struct rf__subst *s, const struct rf__leafread *rd,
			GByteArray **buf, const char *from, const char *to,
			int text, int html, struct rf__values *vals,
			size_t *count)
{
	const char *d = (const char *)(*buf)->data;
	size_t *drop = NULL, *cut = NULL, *quo = NULL, *blank = NULL;
	size_t *ping = NULL, ndrop = 0, ncut = 0, nquo = 0, nblank = 0;
	size_t nping = 0, n = (*buf)->len;
	int changed = 0, known = html && vals != NULL && rd != NULL;
	int meets = known && dropped(s->from);
	int ws = known && !text && strpbrk(from, RF__BLANKS) != NULL;

	/* the text, script and style text: for a from holding a
	 * character libxml2 drops there (meets), or to read it without
	 * those (quiet); the unquoted values, for a from holding a CUTS
	 * byte, and the quoted ones, for a from holding a quote, which the
	 * analysis read in no link that crosses their end; the blanks
	 * of start tags outside values and the ping values, for a from
	 * holding white space, which no link starts in, or holds in a
	 * ping */
	if ((known && (meets || vals->quiet) &&
	    rf__rewrite_drop_spans(rd, d, n, &drop, &ndrop) != 0) ||
	    (known && !text && strpbrk(from, CUTS) != NULL &&
	    rf__rewrite_cut_spans(vals, d, n, &cut, &ncut) != 0) ||
	    (known && !text && strpbrk(from, "\"'") != NULL &&
	    rf__rewrite_quoted_spans(rd, d, n, &quo, &nquo) != 0) ||
	    (ws && rf__rewrite_blank_spans(rd, d, n, &blank, &nblank) != 0) ||
	    (ws && rf__rewrite_ping_spans(rd, d, n, &ping, &nping) != 0)) {
		s->live = 1;	/* nothing replaced: reported */
		goto done;
	}
	if (vals != NULL) {
		vals->drop = drop;
		vals->ndrop = ndrop;
		vals->meets = meets;
		vals->cut = cut;
		vals->ncut = ncut;
		vals->quo = quo;
		vals->nquo = nquo;
		vals->blank = blank;
		vals->nblank = nblank;
		vals->ping = ping;
		vals->nping = nping;
	}
	changed = rf__rewrite_replace_all(rd, buf, from, to, text, html, vals,
	    &s->live, count);
	if (vals != NULL) {
		vals->drop = vals->cut = vals->quo = NULL;
		vals->blank = vals->ping = NULL;
		vals->ndrop = vals->ncut = vals->nquo = 0;
		vals->nblank = vals->nping = 0;
		vals->meets = 0;
	}
done:
	free(drop);
	free(cut);
	free(quo);
	free(blank);
	free(ping);
	return changed;
}
