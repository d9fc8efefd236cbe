/*
 * html.c - visible text and links of one HTML body, read with libxml2's
 * HTML parser in SAX mode (no tree is built).  See docs/html.md for what
 * counts as visible and which elements give which links.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "html_int.h"
#include "html_names.h"

enum {
	C_BLOCK = 1 << 0,	/* a line break before and after */
	C_SPACE = 1 << 1,	/* a space before and after */
	C_NOTEXT = 1 << 2	/* its content is never text */
};

struct el {
	const char *name;
	unsigned char id, cls;
};

/* Sorted by name (rf__html_names_find_ref); hashed in names_slot, which
 * tools/genhtmlnames.py generates from this table (one entry a line). */
static const struct el elements[] = {
	{ "a", E_A, 0 },
	{ "address", E_OTHER, C_BLOCK },
	{ "area", E_AREA, 0 },
	{ "article", E_OTHER, C_BLOCK },
	{ "aside", E_OTHER, C_BLOCK },
	{ "audio", E_SRC, C_SPACE },
	{ "base", E_BASE, 0 },
	{ "blockquote", E_OTHER, C_BLOCK },
	{ "body", E_BG, C_BLOCK },
	{ "br", E_OTHER, C_BLOCK },
	{ "button", E_OTHER, C_SPACE },
	{ "caption", E_OTHER, C_BLOCK },
	{ "center", E_OTHER, C_BLOCK },
	{ "dd", E_OTHER, C_BLOCK },
	{ "details", E_OTHER, C_BLOCK },
	{ "dialog", E_OTHER, C_BLOCK },
	{ "dir", E_OTHER, C_BLOCK },
	{ "div", E_OTHER, C_BLOCK },
	{ "dl", E_OTHER, C_BLOCK },
	{ "dt", E_OTHER, C_BLOCK },
	{ "embed", E_SRC, C_SPACE },
	{ "fieldset", E_OTHER, C_BLOCK },
	{ "figcaption", E_OTHER, C_BLOCK },
	{ "figure", E_OTHER, C_BLOCK },
	{ "footer", E_OTHER, C_BLOCK },
	{ "form", E_FORM, C_BLOCK },
	{ "frame", E_FRAME, 0 },
	{ "frameset", E_OTHER, C_BLOCK },
	{ "h1", E_OTHER, C_BLOCK },
	{ "h2", E_OTHER, C_BLOCK },
	{ "h3", E_OTHER, C_BLOCK },
	{ "h4", E_OTHER, C_BLOCK },
	{ "h5", E_OTHER, C_BLOCK },
	{ "h6", E_OTHER, C_BLOCK },
	{ "head", E_OTHER, C_NOTEXT },
	{ "header", E_OTHER, C_BLOCK },
	{ "hgroup", E_OTHER, C_BLOCK },
	{ "hr", E_OTHER, C_BLOCK },
	{ "html", E_OTHER, C_BLOCK },
	{ "iframe", E_FRAME, C_SPACE },
	{ "image", E_IMAGE, 0 },
	{ "img", E_IMG, C_SPACE },
	{ "input", E_INPUT, C_SPACE },
	{ "legend", E_OTHER, C_BLOCK },
	{ "li", E_OTHER, C_BLOCK },
	{ "link", E_LINK, 0 },
	{ "main", E_OTHER, C_BLOCK },
	{ "menu", E_OTHER, C_BLOCK },
	{ "meta", E_META, 0 },
	{ "nav", E_OTHER, C_BLOCK },
	{ "object", E_OBJECT, C_SPACE },
	{ "ol", E_OTHER, C_BLOCK },
	{ "optgroup", E_OTHER, C_BLOCK },
	{ "option", E_OTHER, C_BLOCK },
	{ "p", E_OTHER, C_BLOCK },
	{ "pre", E_OTHER, C_BLOCK },
	{ "script", E_SCRIPT, C_NOTEXT },
	{ "section", E_OTHER, C_BLOCK },
	{ "select", E_OTHER, C_SPACE },
	{ "source", E_SOURCE, 0 },
	{ "style", E_STYLE, C_NOTEXT },
	{ "summary", E_OTHER, C_BLOCK },
	{ "table", E_BG, C_BLOCK },
	{ "tbody", E_OTHER, C_BLOCK },
	{ "td", E_BG, C_BLOCK },
	{ "template", E_TEMPLATE, 0 },
	{ "textarea", E_OTHER, C_SPACE },
	{ "tfoot", E_OTHER, C_BLOCK },
	{ "th", E_BG, C_BLOCK },
	{ "thead", E_OTHER, C_BLOCK },
	{ "title", E_OTHER, C_NOTEXT },
	{ "tr", E_OTHER, C_BLOCK },
	{ "track", E_SRC, 0 },
	{ "ul", E_OTHER, C_BLOCK },
	{ "video", E_VIDEO, C_SPACE },
};

static const struct el el_other = { "", E_OTHER, 0 };

/* Per open element (up to max_html_depth): what it turned on. */
enum {
	S_HIDDEN = 1 << 0,	/* it hides its content */
	S_NOTEXT = 1 << 1,	/* its content is not text */
	S_BREAK = 1 << 2,	/* visible block: line break at its end */
	S_SPACE = 1 << 3,	/* visible spacer: space at its end */
	S_ANCHOR = 1 << 4,	/* it is the open anchor */
	S_STYLE = 1 << 5,	/* <style>: its text is a style sheet */
	S_AEL = 1 << 6		/* an <a>, with an href or not */
};

#define NELEMENTS (sizeof(elements) / sizeof(elements[0]))

/* names_hash: the slot of a name of n bytes (n > 0), from its first two
 * bytes, last byte and length (a multiplier under which the names of
 * elements[] do not collide; a new name that does collides into the next
 * slot).  Mirrored by tools/genhtmlnames.py. */
static inline unsigned
names_hash(const unsigned char *name, size_t n)
{
	uint32_t k = (uint32_t)name[0] | (uint32_t)name[n > 1] << 8 |
	    (uint32_t)name[n - 1] << 16 | (uint32_t)(n & 0xFF) << 24;

	return (uint32_t)(k * 0xD0EFFECFu) >> 24;
}

/* names_slot (lib/html_names.h): elements[] hashed by names_hash with
 * linear probing, as index + 1 (0: free), built at compile time.  It is
 * generated from elements[] by tools/genhtmlnames.py: run it when
 * elements[] changes (`make gen-check`, run by `make test`, fails until
 * then; a change of the count fails to compile). */
_Static_assert(NELEMENTS == NAMES_COUNT,
    "lib/html_names.h is stale: run tools/genhtmlnames.py");
_Static_assert(NELEMENTS < 255,
    "names_slot holds index + 1 in a byte");

unsigned
rf__html_names_hash(const char *name, size_t n)
{
	return names_hash((const unsigned char *)name, n);
}

unsigned
rf__html_names_slot(unsigned h)
{
	return h < sizeof(names_slot) ? names_slot[h] : 0;
}

int
rf__html_names_find(const char *name)
{
	size_t n = strlen(name);
	unsigned h;
	int i;

	if (n == 0)
		return -1;
	for (h = names_hash((const unsigned char *)name, n);
	    names_slot[h] != 0; h = (h + 1) & 0xFF) {
		i = names_slot[h] - 1;
		if (elements[i].name[0] == name[0] &&
		    strcmp(elements[i].name + 1, name + 1) == 0)
			return i;
	}
	return -1;
}

static int
el_cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct el *)e)->name);
}

int
rf__html_names_find_ref(const char *name)
{
	const struct el *e = bsearch(name, elements, NELEMENTS,
	    sizeof(elements[0]), el_cmp);

	return e != NULL ? (int)(e - elements) : -1;
}

const char *
rf__html_names_get(int i)
{
	return i >= 0 && (size_t)i < NELEMENTS ? elements[i].name : NULL;
}

static const struct el *
el_find(const xmlChar *name)
{
	int i;

	if (name == NULL)
		return &el_other;
	i = rf__html_names_find((const char *)name);
	return i >= 0 ? &elements[i] : &el_other;
}

void
rf__html_fail(struct hx *h, rf_status st)
{
	if (h->st != RF_OK)
		return;
	h->st = st;
	rf_error_set(h->err, st, "out of memory reading HTML");
	xmlStopParser(h->px);
}

/* ---- text ---- */

static void
sink_init(struct sink *k, rf_buf *b)
{
	memset(k, 0, sizeof(*k));
	k->b = b;
	k->bol = b->len == 0 || b->data[b->len - 1] == '\n';
	/* a part's text starts on a line of its own */
	k->pend = k->bol ? P_NONE : P_LINE;
}

static void
sink_break(struct sink *k, int p)
{
	if (!k->bol && p > k->pend)
		k->pend = p;
}

/* sink_append: n bytes to k's buffer, cut at a character boundary when
 * its max is reached.  0, or -1 when out of memory. */
static int
sink_append(struct hx *h, struct sink *k, const char *s, size_t n)
{
	rf_buf *b = k->b;

	if (k->full)
		return 0;
	if (n < b->cap - b->len && (b->max == 0 || n <= b->max - b->len)) {
		/* it fits where it is (rf_buf_append without the call) */
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	if (b->max != 0 && n > b->max - b->len) {
		n = b->max - b->len;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		if (rf_buf_append(b, s, n) != 0)
			return -1;
		b->truncated = 1;
		k->full = 1;
		h->out->limits_hit |= RF_LIMIT_TEXT_SIZE;
		return 0;
	}
	if (rf_buf_append(b, s, n) != 0) {
		if (!b->truncated)
			return -1;
		k->full = 1;
		h->out->limits_hit |= RF_LIMIT_TEXT_SIZE;
	}
	return 0;
}

/* sink_put: text with white space collapsed into k, a run of visible
 * text at a time (a single space between two visible bytes is part of
 * the run: collapsing leaves it as it is).  Runs end at character
 * boundaries, so where the buffer's max cuts does not depend on them.
 * 0, or -1 when out of memory. */
static int
sink_put(struct hx *h, struct sink *k, const unsigned char *s, size_t n)
{
	size_t i = 0, j, from, skip;
	char sep;
	int ws;

	while (i < n) {
		if (ascii_ws(s[i]) || s[i] == '\v') {
			do	/* ASCII white space: one separator */
				i++;
			while (i < n && (ascii_ws(s[i]) || s[i] == '\v'));
			sink_break(k, P_SPACE);
			continue;
		}
		if (s[i] >= 0xC2 &&
		    (skip = rf__html_skip_len(s + i, n - i, &ws)) > 0) {
			if (ws)
				sink_break(k, P_SPACE);
			i += skip;
			continue;
		}
		j = rf__html_run_end(s, i, n);
		from = i;
		if (k->pend == P_SPACE && i > 0 && s[i - 1] == ' ')
			from = i - 1;	/* the separator is there already */
		else if (k->pend != P_NONE) {
			sep = k->pend == P_LINE ? '\n' : ' ';
			if (sink_append(h, k, &sep, 1) != 0)
				return -1;
		}
		k->pend = P_NONE;
		k->bol = 0;
		if (sink_append(h, k, (const char *)s + from, j - from) != 0)
			return -1;
		if (k->full)
			return 0;
		i = j;
	}
	return 0;
}

/* node_end: the URLs of the text node that ends here (h->node: visible
 * text outside <a> elements, with an href or not: a reader makes no link
 * inside one, and an href the rewriter empties leaves the text where it
 * was, seed text-in-emptied-anchor), read as in a plain-text part
 * (rf_url_extract_text): mail readers make links of URLs shown as text
 * (docs/html.md, "URLs in the text").  A text node ends at a tag or a
 * comment, so a URL is read in one, as a linkifying reader reads it. */
static void
node_end(struct hx *h)
{
	size_t i = h->out->links->n;
	rf_status st;

	if (h->node.len == 0)
		return;
	if (h->probe != NULL) {
		size_t k = 0, s, e;

		while (rf__url_text_next(h->node.data, h->node.len, &k, &s,
		    &e))
			h->probe(h->probe_arg, h->node.data + s, e - s);
	} else if (h->st == RF_OK) {
		st = rf_url_extract_text(h->ctx, h->a, rf_buf_cstr(&h->node),
		    h->node.len, h->part, h->out->links, h->err);
		if (st != RF_OK)
			rf__html_fail(h, st);
		else if (h->out->links->limit_hit)
			h->out->limits_hit |= RF_LIMIT_LINKS;
		for (; i < h->out->links->n; i++)
			h->out->links->v[i].flags |= RF_LINKF_HTML_TEXT;
	}
	rf_buf_reset(&h->node);
}

/* boundary: an element's edge; p is P_LINE for blocks, P_SPACE for
 * spacers.  Inside an anchor its text gets a space. */
static void
boundary(struct hx *h, int p)
{
	sink_break(&h->text, p);
	if (h->a_open)
		sink_break(&h->a_sink, P_SPACE);
}

static void
sax_start(void *ud, const xmlChar *name, const xmlChar **atts)
{
	struct hx *h = ud;
	const struct el *e;
	struct attrs at;
	struct rf__css_style cs;
	unsigned char s = 0;
	rf_status st;

	node_end(h);
	if (h->st != RF_OK)
		return;
	if (++h->depth > h->maxdepth) {
		h->out->limits_hit |= RF_LIMIT_HTML_DEPTH;
		/* libxml2's work per tag grows with the nesting: stop */
		if (h->depth / 2 > h->maxdepth)
			xmlStopParser(h->px);
		return;
	}
	e = el_find(name);
	rf__html_attrs_read(atts, &at);
	cs.hidden = 0;
	cs.width = cs.height = -1;
	cs.width_set = cs.height_set = 0;
	if (at.style != NULL) {
		st = rf__css_read((const char *)at.style,
		    strlen((const char *)at.style), &cs, NULL, NULL);
		if (st != RF_OK) {
			rf__html_fail(h, st);
			return;
		}
	}
	if (at.hidden || cs.hidden || e->id == E_TEMPLATE) {
		if (h->hidden++ == 0)
			h->hidden_at = h->depth;
		s |= S_HIDDEN;
	}
	if (e->cls & C_NOTEXT) {
		h->notext++;
		s |= S_NOTEXT;
	}
	if (e->id == E_A) {
		h->a_elems++;
		s |= S_AEL;
	}
	if (e->id == E_SCRIPT)
		h->out->flags |= RF_MSG_HTML_SCRIPT;
	if (e->id == E_STYLE) {
		h->out->flags |= RF_MSG_HTML_STYLE;
		h->in_style = 1;
		rf_buf_reset(&h->css);
		s |= S_STYLE;
	}
	if (h->hidden == 0 && h->notext == 0) {
		if (e->cls & C_BLOCK) {
			boundary(h, P_LINE);
			s |= S_BREAK;
		} else if (e->cls & C_SPACE) {
			boundary(h, P_SPACE);
			s |= S_SPACE;
		}
	}
	h->stack[h->depth] = s;
	rf__html_el_links(h, (enum el_id)e->id, &at, &cs);
	if (e->id == E_A && h->a_open && h->a_depth == h->depth)
		h->stack[h->depth] |= S_ANCHOR;
	if (at.style != NULL && h->st == RF_OK)
		rf__css_read((const char *)at.style,
		    strlen((const char *)at.style), NULL, rf__html_css_url, h);
}

static void
sax_end(void *ud, const xmlChar *name)
{
	struct hx *h = ud;
	unsigned d = h->depth;
	unsigned char s;

	node_end(h);
	if (d == 0)
		return;
	h->depth--;
	if (d > h->maxdepth || h->st != RF_OK)
		return;
	s = h->stack[d];
	if ((s & S_ANCHOR) && h->a_open && h->a_depth == d)
		rf__html_anchor_end(h);
	if (s & S_STYLE) {
		h->in_style = 0;
		rf__css_read(h->css.data, h->css.len, NULL, rf__html_css_url, h);
	}
	if (s & S_NOTEXT)
		h->notext--;
	if (s & S_AEL)
		h->a_elems--;
	if ((s & S_HIDDEN) && --h->hidden == 0)
		h->hidden_at = 0;
	if (s & S_BREAK)
		boundary(h, P_LINE);
	else if (s & S_SPACE)
		boundary(h, P_SPACE);
}

static void
sax_text(void *ud, const xmlChar *ch, int len)
{
	struct hx *h = ud;
	const unsigned char *s = ch;
	size_t n = len > 0 ? (size_t)len : 0;
	int anchor;

	/* markup between this text and the last, with a callback or not,
	 * ends the text node */
	if (rf__html_gap(h->px, h->src, h->src_len, &h->src_end))
		node_end(h);
	if (h->st != RF_OK || h->depth > h->maxdepth || n == 0)
		return;
	if (h->in_style) {
		/* bounded by the input: the sheet is part of it */
		if (rf_buf_append(&h->css, s, n) != 0)
			rf__html_fail(h, RF_ENOMEM);
		return;
	}
	if (h->notext > 0)
		return;
	anchor = h->a_open && (h->hidden == 0 || h->hidden_at <= h->a_depth);
	if (h->hidden > 0 && !rf__html_blank(s, n))
		h->out->flags |= RF_MSG_HTML_HIDDEN;
	if ((h->hidden == 0 && h->probe == NULL && sink_put(h, &h->text, s,
	    n) != 0) ||
	    (anchor && sink_put(h, &h->a_sink, s, n) != 0) ||
	    (h->hidden == 0 && h->a_elems == 0 && rf_buf_append(&h->node, s,
	    n) != 0))
		rf__html_fail(h, RF_ENOMEM);
}

/* sax_comment: a comment ends the text node before it. */
static void
sax_comment(void *ud, const xmlChar *value)
{
	(void)value;
	node_end(ud);
}

/* ---- input ---- */

/* parse: len bytes of valid UTF-8 through libxml2's parser into h. */
static rf_status
parse(struct hx *h, const char *html, size_t len)
{
	static const struct rf__html_sax cb = { sax_start, sax_end, sax_text,
	    sax_comment };
	rf_status st;
	int oom;

	h->src = html;
	h->src_len = len;
	h->src_end = 0;
	st = rf__html_parse(h->ctx, html, len, &cb, h, &h->px, &oom, h->err);
	if (st == RF_OK && oom)
		rf__html_fail(h, RF_ENOMEM);
	return st != RF_OK ? st : h->st;
}

rf_status
rf_html_extract(const rf_ctx *ctx, rf_arena *a, const char *html,
		size_t len, unsigned part, rf_html_out *out, rf_error *err)
{
	struct hx h;
	char *clean = NULL;
	int clipped;
	rf_status st = RF_OK;

	memset(&h, 0, sizeof(h));
	h.ctx = ctx;
	h.a = a;
	h.out = out;
	h.err = err;
	h.part = part;
	h.maxdepth = rf_ctx_limits(ctx)->max_html_depth;
	rf_buf_init(&h.a_text, rf_ctx_limits(ctx)->max_text_size);
	rf_buf_init(&h.css, 0);
	rf_buf_init(&h.node, 0);	/* bounded by the input, as css */
	if (len == 0)
		goto done;
	if (rf__html_input(html, len, &clean, &html, &len, &clipped) != 0) {
		st = rf_error_set(err, RF_ENOMEM, "out of memory reading HTML");
		goto done;
	}
	if (clipped)
		out->limits_hit |= RF_LIMIT_PART_SIZE;
	if ((h.stack = rf_arena_alloc(a, (size_t)h.maxdepth + 1)) == NULL) {
		st = rf_error_set(err, RF_ENOMEM, "out of memory reading HTML");
		goto done;
	}
	sink_init(&h.text, out->text);
	h.text.full = out->text->truncated;
	h.a_sink.b = &h.a_text;
	st = parse(&h, html, len);
	if (st == RF_OK)
		node_end(&h);
	if (st == RF_OK && h.a_open)
		rf__html_anchor_end(&h);
	if (st == RF_OK)
		st = h.st;
done:
	rf_buf_free(&h.a_text);
	rf_buf_free(&h.css);
	rf_buf_free(&h.node);
	free(clean);
	return st;
}

/* rf__html_probe (internal.h): rf_html_extract's reading with h.probe
 * set; the rest of h is there for the reading, not written. */
int
rf__html_probe(const char *html, size_t len, unsigned maxdepth,
	       rf__url_fn *fn, void *arg)
{
	struct hx h;
	rf_html_out out = { NULL };
	rf_links links = { NULL };
	rf_buf text;
	rf_status st = RF_ENOMEM;

	memset(&h, 0, sizeof(h));
	h.out = &out;
	out.links = &links;
	out.text = &text;
	h.probe = fn;
	h.probe_arg = arg;
	h.maxdepth = maxdepth;
	rf_buf_init(&text, 0);	/* (not written: h.probe) */
	rf_buf_init(&h.a_text, 0);	/* (no anchor opens: h.probe) */
	rf_buf_init(&h.css, 0);	/* bounded by the input */
	rf_buf_init(&h.node, 0);
	if ((h.stack = malloc((size_t)maxdepth + 1)) == NULL)
		goto done;	/* (no arena: nothing else is allocated) */
	sink_init(&h.text, &text);
	h.a_sink.b = &h.a_text;
	if ((st = len > 0 ? parse(&h, html, len) : RF_OK) == RF_OK)
		node_end(&h);
done:
	free(h.stack);
	rf_buf_free(&text);
	rf_buf_free(&h.a_text);
	rf_buf_free(&h.css);
	rf_buf_free(&h.node);
	return st == RF_OK ? 0 : -1;
}
