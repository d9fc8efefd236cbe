/*
 * rewrite_value.c - where an unquoted attribute value starts in an HTML
 * leaf (right after an attribute's '=', or after '=' and white space:
 * "src=URL", "src= URL", "src = URL", a tab or a line end after the
 * '='), and where an attribute's or a start tag's name starts (no
 * replacement is made there: no link starts at a name, and a from
 * "NAME=" made a to without its '=' changes how the tag reads, s24; a
 * tag's name emptied makes it text, s31), read on the leaf's original
 * bytes by a cut-down HTML tokenizer that follows libxml2's HTML parser
 * (2.9.14, which the analysis reads the leaf with: lib/html_parser.c),
 * so that a '=' in a quoted value ("href=\"http://r/go?u=URL\"") or in
 * text starts none: an empty to is written "" (EMPTY_VALUE in
 * rewrite_leaf.c) there and only there, so that the parser does not read
 * the next attribute as the value, and no quote is added in a quoted
 * value.  The one pass and the loop both take these offsets from
 * rf__rewrite_values and keep them pointing at the same bytes through
 * their replacements (rf__rewrite_values_run, _edit, _has in the one
 * pass and the entity pass; rf__rewrite_values_to in the loop), so that
 * both decide on the same bytes.  Where script or style text holds an
 * end tag of another element, which libxml2 may read as its end by its
 * stack of open elements, libxml2's own reading of the leaf says where
 * it ends (rewrite_raw.c).  The same reading gives the spans other rules
 * ask for: script and style text, quoted values, CSS (style text and
 * style attributes) and srcset values (spans_of).  The rules:
 * docs/tracking.md, "The rewriter
 * never makes a link"; the record: docs/design/tracking-record.md, "One
 * empty-value rule for every policy (s20)", "One test for an unquoted
 * value (s20-rweq)", "The value tokenizer follows libxml2 (s21-tok)" and
 * "Where libxml2 ends a script (s23)".
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/chvalid.h>
#include <libxml/xmlstring.h>

#include "rewrite_int.h"

/* The state of an HTML leaf read from its start up to an offset, as
 * libxml2's HTML parser (2.9.14, lib/html_parser.c's options) has it
 * where attribute values are concerned; zeroed but for prolog (1)
 * before the first byte. */
struct tagscan {
	size_t seen;		/* bytes read (may pass the offset asked) */
	int state;		/* TEXT, ATTRS, VALUE, RAW_TOP, RAW */
	int raw;		/* the tag read is, or the raw text is in,
				 * script (1) or style (2) */
	int prolog;		/* only blanks, comments and PIs read */
	struct spans *sp;	/* NULL, or where the quoted values go */
	const struct rf__leafread *rd;	/* how the analysis reads d */
	size_t lt;		/* the last '<' before the raw text */
	int lx_read;		/* lx read (rf__rewrite_raw_read) */
	int oom;		/* out of memory reading lx, or noting */
	struct rf__raw lx;	/* the raw elements as libxml2 ends them */
	struct rf__values *v;	/* NULL, or where the offsets go (note) */
	size_t cap;		/* room in v */
	int names;		/* the names' offsets noted too */
	struct spans *rawsp;	/* NULL, or where the raw text spans go */
	struct spans *textsp;	/* NULL, or where the runs of text go */
	struct spans *csssp;	/* NULL, or where the CSS spans go: style
				 * text and style attributes' values */
	struct spans *setsp;	/* NULL, or where srcset values go */
	int style;		/* the value read is a style attribute's */
	int srcset;		/* the value read is a srcset attribute's */
	struct spans *blanksp;	/* NULL, or where the blanks of start tags
				 * outside their values go */
	struct spans *pingsp;	/* NULL, or where ping values go */
	int ping;		/* the value read is a ping attribute's */
};

/* The quoted attribute values of a text: at[3 * i .. 3 * i + 2] the
 * first byte inside the i-th, the offset of its closing quote (or the
 * text's end), its quote (with SPAN_SRCSET: a srcset's value; with
 * SPAN_PING: a ping's). */
#define SPAN_SRCSET 0x100
#define SPAN_PING 0x200
struct spans {
	size_t *at;
	size_t n, cap;
	int oom;
};

/* The states of struct tagscan: htmlParseContentInternal's, cut down
 * to what tells an attribute value. */
enum {
	TEXT = 0,	/* content: text, at a '<' or in one */
	ATTRS,		/* in a start tag, before an attribute or its end */
	VALUE,		/* at an attribute value's first byte (after '='
			 * and blanks) */
	RAW_TOP,	/* in script or style, at the content loop's top */
	RAW		/* in script or style, inside its text */
};

#define NAME_MAX_LEN 100	/* HTML_PARSER_BUFFER_SIZE: a tag's or an
				 * attribute's name is read in pieces */

/* space: IS_BLANK_CH, libxml2's blanks (not '\f'), which end an unquoted
 * value and are skipped around a '='. */
static int
space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
letter(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* name_char: htmlParseHTMLName's characters after the first. */
static int
name_char(int c)
{
	return letter(c) || (c >= '0' && c <= '9') || c == ':' || c == '-' ||
	    c == '_' || c == '.';
}

/* at: d[i..n) starts with the ASCII word w (case-insensitive). */
static int
at(const char *d, size_t n, size_t i, const char *w)
{
	size_t k = strlen(w);

	return i <= n && n - i >= k && strncasecmp(d + i, w, k) == 0;
}

/* blanks: the first offset from i in d[0..n) that is no blank. */
static size_t
blanks(const char *d, size_t n, size_t i)
{
	while (i < n && space((unsigned char)d[i]))
		i++;
	return i;
}

/* past: the offset after the first c in d[i..n), or n. */
static size_t
past(const char *d, size_t n, size_t i, int c)
{
	const char *e = i < n ? memchr(d + i, c, n - i) : NULL;

	return e != NULL ? (size_t)(e - d) + 1 : n;
}

/* pi_target: a processing instruction's target starts at d[i]
 * (htmlParseName: an ASCII letter, '_', ':', or a letter of Unicode; the
 * analysis reads an invalid byte as U+FFFD, no letter). */
static int
pi_target(const char *d, size_t n, size_t i)
{
	int c, len;

	if (i >= n)
		return 0;
	c = (unsigned char)d[i];
	if (c < 0x80)
		return letter(c) || c == '_' || c == ':';
	len = n - i > 4 ? 4 : (int)(n - i);
	c = xmlGetUTF8Char((const unsigned char *)d + i, &len);
	return c > 0 && (xmlIsBaseChar((unsigned)c) ||
	    xmlIsIdeographic((unsigned)c));
}

/* literal: htmlParseExternalID's quoted literal at d[i] (if any) read:
 * the offset after it (n when it is not closed). */
static size_t
literal(const char *d, size_t n, size_t i)
{
	if (i < n && (d[i] == '"' || d[i] == '\''))
		return past(d, n, i + 1, d[i]);
	return i;
}

/* doctype: htmlParseDocTypeDecl at d[i] ("<!DOCTYPE"): the offset after
 * it.  Its name (non-ASCII bytes taken as name characters), then SYSTEM
 * or PUBLIC and their quoted literals, which may hold a '>'; then up to
 * the next '>'. */
static size_t
doctype(const char *d, size_t n, size_t i)
{
	i = blanks(d, n, i + 9);
	while (i < n && (name_char((unsigned char)d[i]) ||
	    (unsigned char)d[i] >= 0x80))
		i++;
	i = blanks(d, n, i);
	if (at(d, n, i, "SYSTEM"))
		i = literal(d, n, blanks(d, n, i + 6));
	else if (at(d, n, i, "PUBLIC")) {
		i = literal(d, n, blanks(d, n, i + 6));
		i = literal(d, n, blanks(d, n, i));
	}
	return past(d, n, i, '>');
}

/* comment: htmlParseComment at d[i] ("<!--"): the offset after its
 * "-->" or "--!>" (neither starting before d[i + 4]), or n. */
static size_t
comment(const char *d, size_t n, size_t i)
{
	const char *e;

	for (i += 4; i + 2 < n && (e = memchr(d + i, '-', n - i - 2)) !=
	    NULL; i++) {
		i = (size_t)(e - d);
		if (d[i + 1] != '-')
			continue;
		if (d[i + 2] == '>')
			return i + 3;
		if (d[i + 2] == '!' && i + 3 < n && d[i + 3] == '>')
			return i + 4;
	}
	return n;
}

/* end_tag: htmlParseEndTag at d[i] ("</"): the offset after it; *name
 * its name's length, lowercase into nm (NAME_MAX_LEN + 1 bytes), 0 when
 * it has none (then only "</" is read). */
static size_t
end_tag(const char *d, size_t n, size_t i, char *nm, size_t *name)
{
	int c;

	*name = 0;
	i += 2;
	if (i >= n || !(letter(c = (unsigned char)d[i]) || c == '_' ||
	    c == ':' || c == '.'))
		return i;
	while (i < n && *name < NAME_MAX_LEN &&
	    name_char(c = (unsigned char)d[i])) {
		nm[(*name)++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		i++;
	}
	nm[*name] = '\0';
	i = blanks(d, n, i);
	return past(d, n, i, '>');
}

/* raw_name: the element whose text is raw (script or style). */
static const char *
raw_name(int raw)
{
	return raw == 1 ? "script" : "style";
}

/* closes_raw: the start tag at d[i] ('<') closes the raw element before
 * its text is read (htmlCheckAutoClose: script by noscript, style by
 * body or frameset). */
static int
closes_raw(const char *d, size_t n, size_t i, int raw)
{
	static const char *const by[] = { "noscript", "body", "frameset" };
	size_t k, j, len;

	for (k = raw == 1 ? 0 : 1; k < (raw == 1 ? 1u : 3u); k++) {
		len = strlen(by[k]);
		j = i + 1 + len;
		if (at(d, n, i + 1, by[k]) && (j >= n ||
		    !name_char((unsigned char)d[j]) || d[j] == '.'))
			return 1;
	}
	return 0;
}

/* note: p noted in ts->v, when not NULL: where an unquoted value starts
 * (name 0), or an attribute's or a tag's name (name 1, noted with
 * ts->names only); the flags kept after the cap offsets of the one
 * block. */
static void
note(struct tagscan *ts, size_t p, int name)
{
	struct rf__values *v = ts->v;
	size_t cap, *at;

	if (v == NULL || ts->oom || (name && !ts->names))
		return;
	if (v->n == ts->cap) {
		cap = ts->cap * 2 + 8;
		if ((at = realloc(v->at, cap * (sizeof(*at) + 1))) == NULL) {
			ts->oom = 1;
			return;
		}
		memmove(at + cap, at + ts->cap, v->n);
		v->at = at;
		v->name = (unsigned char *)(at + cap);
		ts->cap = cap;
	}
	v->at[v->n] = p;
	v->name[v->n++] = (unsigned char)name;
}

/* span: the quoted value d[a..b) (quote q) noted in sp, when not
 * NULL. */
static void
span(struct spans *sp, size_t a, size_t b, int q)
{
	size_t *at;

	if (sp == NULL || sp->oom)
		return;
	if (sp->n == sp->cap) {
		sp->cap = sp->cap * 2 + 8;
		if ((at = realloc(sp->at, sp->cap * 3 * sizeof(*at))) == NULL) {
			sp->oom = 1;
			return;
		}
		sp->at = at;
	}
	sp->at[3 * sp->n] = a;
	sp->at[3 * sp->n + 1] = b;
	sp->at[3 * sp->n + 2] = (size_t)q;
	sp->n++;
}

/* text: TEXT at d[i]: one step of htmlParseContentInternal outside raw
 * text (a run of text, a comment, a DOCTYPE, a PI, an end tag, or a
 * start tag's name, after which ts is in ATTRS).  The offset after what
 * it read. */
static size_t
text(const char *d, size_t n, size_t i, struct tagscan *ts)
{
	const char *e = memchr(d + i, '<', n - i);
	size_t j = e != NULL ? (size_t)(e - d) : n, len;
	char nm[NAME_MAX_LEN + 1];
	int c;

	if (j > i)
		span(ts->textsp, i, j, 0);
	if (ts->prolog && blanks(d, n, i) < j)
		ts->prolog = 0;
	if (j >= n)
		return n;
	i = j;
	c = i + 1 < n ? (unsigned char)d[i + 1] : 0;
	if (c == '/') {
		ts->prolog = 0;
		return end_tag(d, n, i, nm, &len);
	}
	if (c == '!' && at(d, n, i + 2, "--"))
		return comment(d, n, i);
	if (c == '!' && at(d, n, i + 2, "DOCTYPE")) {
		j = doctype(d, n, i);
		/* in the content, htmlParseContentInternal reads on in the
		 * same turn, where "</" and "<!DOCTYPE" are text */
		if (!ts->prolog && j + 1 < n && d[j] == '<' &&
		    (d[j + 1] == '/' || (d[j + 1] == '!' &&
		    at(d, n, j + 2, "DOCTYPE"))))
			j++;
		ts->prolog = 0;
		return j;
	}
	if (c == '?')
		return pi_target(d, n, i + 2) ? past(d, n, i + 2, '>') : i + 2;
	ts->prolog = 0;
	if (!letter(c))
		return i + 1;	/* '<' is text */
	note(ts, i + 1, 1);	/* a start tag's name, as an attribute's (an
				 * end tag's follows a '/', a URL byte: no
				 * occurrence starts there) */
	for (j = i + 1, len = 0; j < n && len < NAME_MAX_LEN &&
	    name_char((unsigned char)d[j]); j++, len++)
		nm[len] = (char)d[j];
	ts->raw = len == 6 && strncasecmp(nm, "script", 6) == 0 ? 1 :
	    len == 5 && strncasecmp(nm, "style", 5) == 0 ? 2 : 0;
	ts->state = ATTRS;
	return j;
}

/* tag_blanks: blanks(d, n, i) in a start tag, outside its values, the
 * blanks noted in ts->blanksp. */
static size_t
tag_blanks(const char *d, size_t n, size_t i, struct tagscan *ts)
{
	size_t j = blanks(d, n, i);

	if (j > i)
		span(ts->blanksp, i, j, 0);
	return j;
}

/* attrs: ATTRS at d[i]: one step of htmlParseStartTag's attribute loop
 * (blanks, then the tag's end, an attribute's name and its '=', or a
 * bogus attribute skipped up to a blank or the tag's end, quotes and
 * '=' in it read as nothing).  The offset after what it read. */
static size_t
attrs(const char *d, size_t n, size_t i, struct tagscan *ts)
{
	size_t len;
	int c;

	if ((i = tag_blanks(d, n, i, ts)) >= n)
		return n;
	c = (unsigned char)d[i];
	if (c == '>') {
		ts->state = ts->raw ? RAW_TOP : TEXT;
		for (ts->lt = i; ts->raw && ts->lt > 0 && d[ts->lt] != '<';
		    ts->lt--)
			;
		return i + 1;
	}
	if (c == '/' && i + 1 < n && d[i + 1] == '>') {
		ts->state = TEXT;
		return i + 2;
	}
	if (letter(c) || c == '_' || c == ':' || c == '.') {
		note(ts, i, 1);
		for (len = 0; i < n && len < NAME_MAX_LEN &&
		    name_char((unsigned char)d[i]); i++)
			len++;
		ts->style = len == 5 && strncasecmp(d + i - 5, "style", 5) ==
		    0;
		ts->srcset = len == 6 && strncasecmp(d + i - 6, "srcset", 6) ==
		    0;
		ts->ping = len == 4 && (d[i - 4] | 0x20) == 'p' &&
		    strncasecmp(d + i - 4, "ping", 4) == 0;
		i = tag_blanks(d, n, i, ts);
		if (i < n && d[i] == '=') {
			ts->state = VALUE;
			return tag_blanks(d, n, i + 1, ts);
		}
		return i;
	}
	for (; i < n && !space(c = (unsigned char)d[i]) && c != '>' &&
	    (c != '/' || i + 1 == n || d[i + 1] != '>'); i++)
		;
	return i;
}

/* lx_end: where libxml2 ends the raw text ts is in (of the leaf
 * d[0..n)), when known and after i; else SIZE_MAX.  The leaf is read by
 * libxml2 once, at the first end tag of another element met at the top
 * of raw text (rf__rewrite_raw_read; out of memory: ts->oom). */
static size_t
lx_end(const char *d, size_t n, size_t i, struct tagscan *ts)
{
	size_t e;

	if (!ts->lx_read) {
		ts->lx_read = 1;
		if (rf__rewrite_raw_read(ts->rd, d, n, &ts->lx) != 0)
			ts->oom = 1;
	}
	e = rf__rewrite_raw_end(&ts->lx, ts->lt);
	return e != SIZE_MAX && e > i ? e : SIZE_MAX;
}

/* closed: ts out of raw text at e. */
static size_t
closed(struct tagscan *ts, size_t e)
{
	ts->raw = 0;
	ts->state = TEXT;
	return e;
}

/* raw: RAW_TOP or RAW at d[i]: script's or style's text, read as
 * htmlParseScript does (up to "</" and the element's name, any case) and
 * at the content loop's top (an end tag; a start tag that closes it).
 * An end tag of another element at the top (at the text's start, or
 * after end tags there that closed nothing) may end it too, depending on
 * libxml2's stack of open elements: then libxml2's own reading says
 * where it ends (lx_end); when it has no answer, only "</html" does
 * (s21).  The offset after what it read. */
static size_t
raw(const char *d, size_t n, size_t i, struct tagscan *ts)
{
	const char *nm = raw_name(ts->raw), *e;
	char end[NAME_MAX_LEN + 1];
	size_t len, j, lx;

	if (ts->state == RAW_TOP) {
		if (i + 1 < n && d[i] == '<' && d[i + 1] == '/') {
			j = end_tag(d, n, i, end, &len);
			if (len > 0 && strcmp(end, nm) == 0)
				return closed(ts, j);
			if (len > 0 && (lx = lx_end(d, n, i, ts)) != SIZE_MAX)
				return closed(ts, lx);
			return len > 0 && strcmp(end, "html") == 0 ?
			    closed(ts, j) : j;
		}
		if (d[i] == '<' && closes_raw(d, n, i, ts->raw))
			return closed(ts, i);
		ts->state = RAW;
	}
	for (; i < n && (e = memchr(d + i, '<', n - i)) != NULL; i++) {
		i = (size_t)(e - d);
		if (i + 1 < n && d[i + 1] == '/' && at(d, n, i + 2, nm)) {
			ts->state = RAW_TOP;
			return i;
		}
	}
	return n;
}

/* advance: ts taken on over d[ts->seen..p) (d is n bytes), by whole
 * steps: it may stop past p, never inside a step that could reach
 * VALUE. */
static void
advance(const char *d, size_t n, size_t p, struct tagscan *ts)
{
	size_t i = ts->seen, j;
	int c;

	while (i < p) {
		switch (ts->state) {
		case TEXT:
			i = text(d, n, i, ts);
			break;
		case ATTRS:
			i = attrs(d, n, i, ts);
			break;
		case VALUE:
			c = (unsigned char)d[i];
			if (c == '"' || c == '\'') {
				j = past(d, n, i + 1, c);
				span(ts->sp, i + 1, j > i + 1 && d[j - 1] ==
				    c ? j - 1 : n, c | (ts->srcset ?
				    SPAN_SRCSET : 0) | (ts->ping ? SPAN_PING :
				    0));
				if (ts->style)
					span(ts->csssp, i + 1, j > i + 1 &&
					    d[j - 1] == c ? j - 1 : n, c);
				if (ts->srcset)
					span(ts->setsp, i + 1, j > i + 1 &&
					    d[j - 1] == c ? j - 1 : n, c);
				if (ts->ping)
					span(ts->pingsp, i + 1, j > i + 1 &&
					    d[j - 1] == c ? j - 1 : n, c);
				i = j;
			} else {
				if (c != '>')
					note(ts, i, 0);
				for (j = i; j < n && !space(c =
				    (unsigned char)d[j]) && c != '>'; j++)
					;
				if (ts->style && j > i)
					span(ts->csssp, i, j, 0);
				if (ts->srcset && j > i)
					span(ts->setsp, i, j, 0);
				if (ts->ping && j > i)
					span(ts->pingsp, i, j, 0);
				i = j;
			}
			ts->state = ATTRS;
			break;
		default:	/* RAW_TOP, RAW */
			c = ts->raw;	/* raw() may end it */
			j = raw(d, n, i, ts);
			span(ts->rawsp, i, j, 0);
			if (c == 2)
				span(ts->csssp, i, j, 0);
			i = j;
			break;
		}
	}
	ts->seen = i;
}

/* rf__rewrite_values: the leaf read once from its start to its end
 * (advance), each offset noted as it is reached (note). */
int
rf__rewrite_values(const struct rf__leafread *rd, const char *d, size_t n,
		   int names, struct rf__values *v)
{
	struct tagscan ts = { .state = TEXT, .prolog = 1, .rd = rd, .v = v,
	    .names = names };

	v->at = NULL;
	v->n = 0;
	v->name = NULL;
	v->drop = NULL;
	v->ndrop = 0;
	v->cut = NULL;
	v->ncut = 0;
	v->meets = 0;
	v->quiet = 0;
	v->css = 0;
	v->csstop = 0;
	v->quo = NULL;
	v->nquo = 0;
	v->blank = NULL;
	v->nblank = 0;
	v->ping = NULL;
	v->nping = 0;
	advance(d, n, n, &ts);
	free(ts.lx.at);
	if (ts.oom) {
		free(v->at);
		v->at = NULL;
		v->name = NULL;
		v->n = 0;
		return -1;
	}
	return 0;
}

/* The kinds of spans spans_of makes. */
enum { SPANS_RAW, SPANS_DROP, SPANS_TEXT, SPANS_QUOTED, SPANS_CSS,
    SPANS_SRCSET, SPANS_BLANK, SPANS_PING };

/* spans_of: *at made the spans of d[0..n) the tokenizer reads as
 * script and style text (SPANS_RAW: to the offset after the end tag),
 * as those and runs of text (SPANS_DROP), as runs of text (SPANS_TEXT),
 * as quoted attribute values (SPANS_QUOTED: to the closing quote), as
 * CSS (SPANS_CSS), as srcset values (SPANS_SRCSET), as blanks in start
 * tags outside their values (SPANS_BLANK) or as ping values (SPANS_PING),
 * as rf__rewrite_raw_spans, _drop_spans, _text_spans, _quoted_spans,
 * _css_spans,
 * _srcset_spans, _blank_spans and _ping_spans say. */
static int
spans_of(const struct rf__leafread *rd, const char *d, size_t n, int kind,
	 size_t **at, size_t *n_spans)
{
	struct spans sp = { NULL, 0, 0, 0 };
	struct tagscan ts = { .state = TEXT, .prolog = 1, .rd = rd };
	size_t i, w = 0;

	switch (kind) {
	case SPANS_DROP:
		ts.textsp = &sp;
		/* FALLTHROUGH */
	case SPANS_RAW:
		ts.rawsp = &sp;
		break;
	case SPANS_TEXT:
		ts.textsp = &sp;
		break;
	case SPANS_QUOTED:
		ts.sp = &sp;
		break;
	case SPANS_CSS:
		ts.csssp = &sp;
		break;
	case SPANS_SRCSET:
		ts.setsp = &sp;
		break;
	case SPANS_BLANK:
		ts.blanksp = &sp;
		break;
	default:
		ts.pingsp = &sp;
		break;
	}
	advance(d, n, n, &ts);
	free(ts.lx.at);
	if (sp.oom || ts.oom) {
		free(sp.at);
		return -1;
	}
	/* (a, b, quote) made (a, b), those that touch made one */
	for (i = 0; i < sp.n; i++) {
		if (w > 0 && sp.at[2 * w - 1] == sp.at[3 * i]) {
			sp.at[2 * w - 1] = sp.at[3 * i + 1];
			continue;
		}
		sp.at[2 * w] = sp.at[3 * i];
		sp.at[2 * w + 1] = sp.at[3 * i + 1];
		w++;
	}
	*at = sp.at;
	*n_spans = w;
	return 0;
}

int
rf__rewrite_raw_spans(const struct rf__leafread *rd, const char *d,
		      size_t n, size_t **at, size_t *n_spans)
{
	return spans_of(rd, d, n, SPANS_RAW, at, n_spans);
}

int
rf__rewrite_drop_spans(const struct rf__leafread *rd, const char *d,
		       size_t n, size_t **at, size_t *n_spans)
{
	return spans_of(rd, d, n, SPANS_DROP, at, n_spans);
}

int
rf__rewrite_text_spans(const struct rf__leafread *rd, const char *d,
		       size_t n, size_t **at, size_t *n_spans)
{
	return spans_of(rd, d, n, SPANS_TEXT, at, n_spans);
}

int
rf__rewrite_quoted_spans(const struct rf__leafread *rd, const char *d,
			 size_t n, size_t **at, size_t *n_spans)
{
	return spans_of(rd, d, n, SPANS_QUOTED, at, n_spans);
}

int
rf__rewrite_css_spans(const struct rf__leafread *rd, const char *d,
		      size_t n, size_t **at, size_t *n_spans)
{
	if (rd != NULL && rd->nocss) {	/* none asked for: not read */
		*at = NULL;
		*n_spans = 0;
		return 0;
	}
	return spans_of(rd, d, n, SPANS_CSS, at, n_spans);
}

int
rf__rewrite_srcset_spans(const struct rf__leafread *rd, const char *d,
			 size_t n, size_t **at, size_t *n_spans)
{
	return spans_of(rd, d, n, SPANS_SRCSET, at, n_spans);
}

int
rf__rewrite_blank_spans(const struct rf__leafread *rd, const char *d,
			size_t n, size_t **at, size_t *n_spans)
{
	return spans_of(rd, d, n, SPANS_BLANK, at, n_spans);
}

int
rf__rewrite_ping_spans(const struct rf__leafread *rd, const char *d,
		       size_t n, size_t **at, size_t *n_spans)
{
	return spans_of(rd, d, n, SPANS_PING, at, n_spans);
}

int
rf__rewrite_values_again(const struct rf__leafread *rd,
			 const GByteArray *buf, struct rf__values *v)
{
	int quiet = v->quiet, r;

	free(v->at);
	r = rf__rewrite_values(rd, (const char *)buf->data, buf->len, 1, v);
	v->quiet = quiet;	/* the same leaf */
	return r;
}

/* quoted_span: the span [a, b) of *buf (quote q) with s (its from and
 * its "&amp;" form) made in it, put back in *buf; vals moved.  1 when it
 * changed, 0 when not, -1 when out of memory. */
static int
quoted_span(struct rf__subst *s, size_t a, size_t b,
	    struct rf__values *vals, GByteArray **buf, size_t *count)
{
	GByteArray *t = g_byte_array_sized_new((guint)(b - a));
	int changed;

	g_byte_array_append(t, (*buf)->data + a, (guint)(b - a));
	/* (t is a value's bytes alone: a url() counts anywhere in it) */
	changed = rf__rewrite_replace_all(NULL, &t, s->from, s->to, 0, 1,
	    NULL, &s->live, count);
	if (s->afrom != NULL)
		changed |= rf__rewrite_replace_all(NULL, &t, s->afrom, s->ato,
		    0, 1, NULL, &s->live, count);
	if (changed) {
		g_byte_array_remove_range(*buf, (guint)a, (guint)(b - a));
		g_array_insert_vals((GArray *)*buf, (guint)a, t->data, t->len);
		if (vals != NULL)
			rf__rewrite_values_edit(vals, a, b, t->len);
	}
	g_byte_array_free(t, TRUE);
	return changed;
}

int
rf__rewrite_quoted_one(struct rf__subst *s,
		       const struct rf__leafread *rd, struct rf__values *vals,
		       GByteArray **buf, size_t *count)
{
	struct spans sp = { NULL, 0, 0, 0 };
	struct tagscan ts = { .state = TEXT, .prolog = 1, .rd = rd };
	const char *d = (const char *)(*buf)->data;
	size_t i, n = (*buf)->len;
	int changed = 0, q;

	if (n == 0 || memchr(d, s->from[0], n) == NULL)
		return 0;
	ts.sp = &sp;
	advance(d, n, n, &ts);
	free(ts.lx.at);
	/* from the last, so that the spans before keep their offsets */
	for (i = sp.n; !sp.oom && !ts.oom && i-- > 0;) {
		q = (int)sp.at[3 * i + 2];
		/* emptied in a srcset, a candidate's descriptors would be
		 * left (rf__rewrite_srcset's rule is the loop's): kept,
		 * and so missed below (seed srcset-markup) */
		if ((q & SPAN_SRCSET) && s->tl == 0)
			continue;
		/* a ping's URLs hold no white space (rf__rewrite_ping_spans;
		 * seed ping-blank-quote) */
		if ((q & SPAN_PING) && strpbrk(s->from, RF__BLANKS) != NULL)
			continue;
		q &= 0xff;
		if (strchr(s->to, q) == NULL && (s->ato == NULL ||
		    strchr(s->ato, q) == NULL))
			changed |= quoted_span(s, sp.at[3 * i],
			    sp.at[3 * i + 1], vals, buf, count);
	}
	free(sp.at);
	/* one left elsewhere (a tag, text, another quote) may be a link
	 * of its own: missed (seed markup-left-live) */
	d = (const char *)(*buf)->data;
	n = (*buf)->len;
	if (memmem(d, n, s->from, s->fl) != NULL || (s->afrom != NULL &&
	    memmem(d, n, s->afrom, s->afl) != NULL))
		s->live = 1;
	return changed;
}

int
rf__rewrite_values_to(struct rf__values *v, size_t *k, size_t *w,
		      size_t end, int at, size_t last, size_t out_len)
{
	while (*k < v->n && v->at[*k] < end) {
		v->name[*w] = v->name[*k];
		v->at[(*w)++] = out_len + (v->at[(*k)++] - last);
	}
	if (!at || *k == v->n || v->at[*k] != end)
		return 0;
	v->name[*w] = v->name[*k];
	v->at[(*w)++] = out_len + (v->at[(*k)++] - last);
	return 1 + v->name[*w - 1];
}

void
rf__rewrite_values_run(struct rf__values *all, size_t *k, size_t r0,
		       size_t r1, struct rf__values *run)
{
	size_t i;

	while (*k < all->n && all->at[*k] < r0)
		(*k)++;
	run->at = all->at != NULL ? all->at + *k : NULL;
	run->name = all->name != NULL ? all->name + *k : NULL;
	for (i = *k; i < all->n && all->at[i] < r1; i++)
		all->at[i] -= r0;
	run->n = i - *k;
	run->css = 0;
	run->csstop = 0;
	*k = i;
}

int
rf__rewrite_values_has(const struct rf__values *v, size_t p, int name)
{
	size_t i;

	for (i = 0; i < v->n && v->at[i] <= p; i++)
		if (v->at[i] == p && v->name[i] == name)
			return 1;
	return 0;
}

void
rf__rewrite_values_edit(struct rf__values *v, size_t at, size_t e,
			size_t len)
{
	size_t i, w = 0;

	for (i = 0; i < v->n; i++) {
		if (v->at[i] > at && v->at[i] < e)
			continue;	/* inside the bytes replaced */
		v->name[w] = v->name[i];
		v->at[w++] = v->at[i] < e ? v->at[i] : v->at[i] - e + at +
		    len;
	}
	v->n = w;
}

void
rf__rewrite_values_split(struct rf__values *v, size_t at, size_t e,
			 struct rf__values *lo, struct rf__values *hi)
{
	size_t i;

	lo->at = v->at;
	lo->name = v->name;
	for (lo->n = 0; lo->n < v->n && v->at[lo->n] < at; lo->n++)
		;
	for (i = lo->n; i < v->n && v->at[i] < e; i++)
		;
	hi->at = v->at != NULL ? v->at + i : NULL;
	hi->name = v->name != NULL ? v->name + i : NULL;
	hi->n = v->n - i;
	for (i = 0; i < hi->n; i++)
		hi->at[i] -= e;
	lo->css = hi->css = 0;	/* next to the EMPTY_VALUE written */
	lo->csstop = hi->csstop = 0;
}

int
rf__rewrite_one_pass(const rf_rewrite *rw)
{
	return !rw->loop;
}
