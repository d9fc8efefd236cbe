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

#include "internal.h"
#include "html_names.h"

/* What an element is, for the text (class bits) and for links (id). */
enum el_id {
	E_OTHER = 0, E_A, E_AREA, E_IMG, E_INPUT, E_FORM, E_BG, E_LINK,
	E_VIDEO, E_IFRAME, E_SCRIPT, E_STYLE, E_TEMPLATE, E_SOURCE, E_IMAGE
};

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
	{ "audio", E_OTHER, C_SPACE },
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
	{ "embed", E_OTHER, C_SPACE },
	{ "fieldset", E_OTHER, C_BLOCK },
	{ "figcaption", E_OTHER, C_BLOCK },
	{ "figure", E_OTHER, C_BLOCK },
	{ "footer", E_OTHER, C_BLOCK },
	{ "form", E_FORM, C_BLOCK },
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
	{ "iframe", E_IFRAME, C_SPACE },
	{ "image", E_IMAGE, 0 },
	{ "img", E_IMG, C_SPACE },
	{ "input", E_INPUT, C_SPACE },
	{ "legend", E_OTHER, C_BLOCK },
	{ "li", E_OTHER, C_BLOCK },
	{ "link", E_LINK, 0 },
	{ "main", E_OTHER, C_BLOCK },
	{ "menu", E_OTHER, C_BLOCK },
	{ "nav", E_OTHER, C_BLOCK },
	{ "object", E_OTHER, C_SPACE },
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
	S_STYLE = 1 << 5	/* <style>: its text is a style sheet */
};

enum { P_NONE = 0, P_SPACE, P_LINE };

/* A text output with white space collapsed. */
struct sink {
	rf_buf *b;
	int pend;		/* separator owed before the next text */
	int bol;		/* nothing written yet (or after a newline) */
	int full;		/* the buffer's max was reached */
};

struct hx {
	const rf_ctx *ctx;
	rf_arena *a;
	rf_html_out *out;
	rf_error *err;
	struct _xmlParserCtxt *px;	/* while parsing */
	unsigned part;
	rf_status st;		/* RF_ENOMEM once memory ran out */
	unsigned depth;		/* open elements, also past the limit */
	unsigned maxdepth;
	unsigned char *stack;	/* S_* of open elements 1..maxdepth */
	unsigned hidden;	/* open elements hiding their content */
	unsigned hidden_at;	/* depth of the outermost of them */
	unsigned notext;	/* open head, title, script, style */
	struct sink text;	/* out->text */
	/* the open anchor */
	int a_open;
	unsigned a_depth;
	size_t a_link;		/* index in out->links */
	struct sink a_sink;
	rf_buf a_text;
	const char *a_alt;	/* alt of the first image in it */
	/* the open <style> element */
	int in_style;
	rf_buf css;
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

static void
fail(struct hx *h, rf_status st)
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

static int
ascii_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
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

/* boundary: an element's edge; p is P_LINE for blocks, P_SPACE for
 * spacers.  Inside an anchor its text gets a space. */
static void
boundary(struct hx *h, int p)
{
	sink_break(&h->text, p);
	if (h->a_open)
		sink_break(&h->a_sink, P_SPACE);
}

/* ---- links ---- */

/* usable: whether an attribute value is a URL worth a link: not empty,
 * not a bare fragment, not javascript:, vbscript: or data:.  Browsers
 * ignore TAB, CR and LF inside the scheme; so does this. */
static int
usable(const char *u, size_t n)
{
	char scheme[12];
	size_t i = 0, k = 0;

	while (i < n && ((unsigned char)u[i] <= ' '))
		i++;
	if (i == n || u[i] == '#')
		return 0;
	for (; i < n && k < sizeof(scheme) - 1; i++) {
		char c = u[i];

		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == ':')
			break;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return 1;
		scheme[k++] = (char)(c | 0x20);
	}
	if (i == n || u[i] != ':')
		return 1;
	scheme[k] = '\0';
	return strcmp(scheme, "javascript") != 0 &&
	    strcmp(scheme, "vbscript") != 0 && strcmp(scheme, "data") != 0;
}

/* add_link: a new analysed link for n bytes of url, or NULL when the URL
 * is not usable, the link limit is reached (reported) or memory ran out
 * (h->st set).  The pointer is valid until the next add_link. */
static rf_link *
add_link(struct hx *h, const char *url, size_t n, rf_link_kind kind,
	 unsigned flags)
{
	rf_link *l;
	rf_status st;

	if (h->st != RF_OK || url == NULL || !usable(url, n))
		return NULL;
	if ((l = rf_links_add(h->a, h->out->links, &st)) == NULL) {
		if (st == RF_ELIMIT)
			h->out->limits_hit |= RF_LIMIT_LINKS;
		else
			fail(h, st);
		return NULL;
	}
	l->kind = kind;
	l->flags = flags | (h->hidden > 0 ? RF_LINKF_HIDDEN : 0);
	l->part = h->part;
	if ((l->url = rf_arena_strndup(h->a, url, n)) == NULL) {
		h->out->links->n--;
		fail(h, RF_ENOMEM);
		return NULL;
	}
	if ((st = rf_url_analyse(h->ctx, h->a, l, h->err)) != RF_OK) {
		h->out->links->n--;
		fail(h, st);
		return NULL;
	}
	return l;
}

static rf_link *
add_attr_link(struct hx *h, const xmlChar *v, rf_link_kind kind,
	      unsigned flags)
{
	if (v == NULL)
		return NULL;
	return add_link(h, (const char *)v, strlen((const char *)v), kind,
	    flags);
}

static rf_status
css_url(void *arg, const char *url, size_t len, int background)
{
	struct hx *h = arg;

	add_link(h, url, len, RF_LINK_CSS,
	    background ? RF_LINKF_BACKGROUND : 0);
	return h->st;
}

/* collapsed: s with white space collapsed, in the arena; NULL when s is
 * NULL or blank. */
static const char *
collapsed(struct hx *h, const char *s, size_t n)
{
	char *r;

	if (s == NULL || n == SIZE_MAX)
		return NULL;
	if ((r = rf_arena_alloc(h->a, n + 1)) == NULL) {
		fail(h, RF_ENOMEM);
		return NULL;
	}
	return rf__html_collapse(r, (const unsigned char *)s, n) > 0 ? r : NULL;
}

/* same_site: the host th the text shows (td its registrable domain, or
 * NULL) and link l's host are one site: the same host but for "www.", or
 * the same registrable domain ("bravenet.com" and
 * "counter29.bravenet.com"): a site's own hosts are no other host; also
 * when l's host is none a link can lead to (rf__host_name), which leaves
 * nothing to compare. */
static int
same_site(struct hx *h, const char *th, const char *td, const rf_link *l)
{
	const char *x = th, *y = l->host;

	if (strncasecmp(x, "www.", 4) == 0)
		x += 4;
	if (strncasecmp(y, "www.", 4) == 0)
		y += 4;
	if (strcasecmp(x, y) == 0)
		return 1;
	/* an href no link can lead to (http://www.ecila.frECHO, the
	 * quote of the HTML misplaced) deceives nobody */
	if (!rf__host_name(h->ctx, l->host))
		return 1;
	return l->domain != NULL && td != NULL &&
	    strcasecmp(td, l->domain) == 0;
}

/* anchor_end: give the open anchor its text and check the host it shows. */
static void
anchor_end(struct hx *h)
{
	rf_link *l;
	const char *text, *th, *td;
	int address;

	h->a_open = 0;
	if (h->st != RF_OK)
		return;
	l = &h->out->links->v[h->a_link];
	if (h->a_text.len > 0) {
		text = rf_arena_strndup(h->a, h->a_text.data, h->a_text.len);
		if (text == NULL) {
			fail(h, RF_ENOMEM);
			return;
		}
	} else
		text = h->a_alt;
	l->text = text;
	if (text != NULL && l->host != NULL &&
	    (th = rf__url_text_host(h->ctx, h->a, text, &td, &address)) !=
	    NULL && !same_site(h, th, td, l)) {
		l->text_host = th;
		l->flags |= RF_LINKF_TEXT_HOST |
		    (address ? RF_LINKF_TEXT_ADDRESS : 0);
	}
}

static void
anchor_start(struct hx *h, const xmlChar *href)
{
	rf_link *l;

	if (h->a_open)
		anchor_end(h);
	if ((l = add_attr_link(h, href, RF_LINK_HREF, 0)) == NULL)
		return;
	h->a_open = 1;
	h->a_depth = h->depth;
	h->a_link = (size_t)(l - h->out->links->v);
	h->a_alt = NULL;
	rf_buf_reset(&h->a_text);
	h->a_sink.pend = P_NONE;
	h->a_sink.bol = 1;
	h->a_sink.full = 0;
}

/* ---- elements ---- */

struct attrs {
	const xmlChar *href, *src, *style, *alt, *width, *height, *type;
	const xmlChar *action, *background, *rel, *poster, *srcset;
	const xmlChar *xlink_href;
	int hidden;
};

static void
attrs_read(const xmlChar **atts, struct attrs *at)
{
	memset(at, 0, sizeof(*at));
	for (; atts != NULL && atts[0] != NULL; atts += 2) {
		const char *n = (const char *)atts[0];
		const xmlChar *v = atts[1];

		switch (n[0]) {
		case 'a':
			if (strcmp(n, "alt") == 0)
				at->alt = v;
			else if (strcmp(n, "action") == 0)
				at->action = v;
			break;
		case 'b':
			if (strcmp(n, "background") == 0)
				at->background = v;
			break;
		case 'h':
			if (strcmp(n, "href") == 0)
				at->href = v;
			else if (strcmp(n, "height") == 0)
				at->height = v;
			else if (strcmp(n, "hidden") == 0)
				at->hidden = 1;
			break;
		case 'p':
			if (strcmp(n, "poster") == 0)
				at->poster = v;
			break;
		case 'r':
			if (strcmp(n, "rel") == 0)
				at->rel = v;
			break;
		case 's':
			if (strcmp(n, "src") == 0)
				at->src = v;
			else if (strcmp(n, "srcset") == 0)
				at->srcset = v;
			else if (strcmp(n, "style") == 0)
				at->style = v;
			break;
		case 't':
			if (strcmp(n, "type") == 0)
				at->type = v;
			break;
		case 'w':
			if (strcmp(n, "width") == 0)
				at->width = v;
			break;
		case 'x':
			if (strcmp(n, "xlink:href") == 0)
				at->xlink_href = v;
			break;
		}
	}
}

/* has_token: whether the space-separated list v holds tok (any case). */
static int
has_token(const xmlChar *v, const char *tok)
{
	const char *s = (const char *)v;
	size_t n = strlen(tok), k;

	while (s != NULL && *s != '\0') {
		while (ascii_ws((unsigned char)*s))
			s++;
		for (k = 0; s[k] != '\0' && !ascii_ws((unsigned char)s[k]); k++)
			;
		if (k == n && strncasecmp(s, tok, n) == 0)
			return 1;
		s += k;
	}
	return 0;
}

/* image: an image link for src[0..n) (src NULL: none) with the
 * element's size, style and alt text. */
static void
image(struct hx *h, const char *src, size_t n, const struct attrs *at,
      const struct rf__css_style *cs)
{
	rf_link *l;
	const char *alt = NULL;

	if (at->alt != NULL) {
		alt = collapsed(h, (const char *)at->alt,
		    strlen((const char *)at->alt));
		if (h->a_open && h->a_alt == NULL)
			h->a_alt = alt;
	}
	if (src == NULL || (l = add_link(h, src, n, RF_LINK_IMG, 0)) == NULL)
		return;
	l->text = alt;
	l->width = rf__html_dimension((const char *)at->width);
	l->height = rf__html_dimension((const char *)at->height);
	if (cs->width >= 0)
		l->width = cs->width;
	if (cs->height >= 0)
		l->height = cs->height;
	if (at->style != NULL &&
	    (l->style = rf_arena_strdup(h->a, (const char *)at->style)) == NULL)
		fail(h, RF_ENOMEM);
}

/* image_attr: image for the attribute value v (NULL: none). */
static void
image_attr(struct hx *h, const xmlChar *v, const struct attrs *at,
	   const struct rf__css_style *cs)
{
	image(h, (const char *)v, v != NULL ? strlen((const char *)v) : 0, at,
	    cs);
}

size_t
rf__srcset_next(const char *s, size_t i, size_t n, size_t *u, size_t *ul)
{
	size_t e;
	int depth = 0, desc;

	while (i < n && (ascii_ws((unsigned char)s[i]) || s[i] == ','))
		i++;
	*u = i;
	while (i < n && !ascii_ws((unsigned char)s[i]))
		i++;
	for (e = i; e > *u && s[e - 1] == ','; e--)
		;
	*ul = e - *u;
	for (desc = e == i; desc && i < n && (s[i] != ',' || depth > 0);
	    i++) {		/* not ended by commas: its descriptors */
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && depth > 0)
			depth--;
	}
	return i < n && s[i] == ',' ? i + 1 : i;
}

/* srcset: an image link for each candidate of the srcset value v (NULL:
 * none; rf__srcset_next).  (A browser loads one of them, and any may be
 * a web bug.) */
static void
srcset(struct hx *h, const xmlChar *v, const struct attrs *at,
       const struct rf__css_style *cs)
{
	const char *s = (const char *)v;
	size_t i = 0, n = s != NULL ? strlen(s) : 0, u, ul;

	while (i < n && h->st == RF_OK) {
		i = rf__srcset_next(s, i, n, &u, &ul);
		if (ul > 0)
			image(h, s + u, ul, at, cs);
	}
}

/* loads_image: a link element's rel v names something a browser loads
 * when the page is shown: an icon, or a resource fetched ahead
 * (preload, prefetch, prerender). */
static int
loads_image(const xmlChar *v)
{
	static const char *const loads[] = { "icon", "apple-touch-icon",
	    "apple-touch-icon-precomposed", "preload", "prefetch",
	    "prerender" };
	size_t k;

	for (k = 0; k < sizeof(loads) / sizeof(loads[0]); k++)
		if (has_token(v, loads[k]))
			return 1;
	return 0;
}

/* el_links: the links an element gives by its attributes. */
static void
el_links(struct hx *h, const struct el *e, const struct attrs *at,
	 const struct rf__css_style *cs)
{
	rf_link *l;

	switch (e->id) {
	case E_A:
		anchor_start(h, at->href);
		break;
	case E_AREA:
		if ((l = add_attr_link(h, at->href, RF_LINK_HREF,
		    RF_LINKF_AREA)) != NULL && at->alt != NULL)
			l->text = collapsed(h, (const char *)at->alt,
			    strlen((const char *)at->alt));
		break;
	case E_IMG:
		image_attr(h, at->src, at, cs);
		srcset(h, at->srcset, at, cs);
		break;
	case E_SOURCE:		/* in a picture: images; in a video: none */
		srcset(h, at->srcset, at, cs);
		break;
	case E_INPUT:
		if (at->type != NULL &&
		    strcasecmp((const char *)at->type, "image") == 0)
			image_attr(h, at->src, at, cs);
		break;
	case E_FORM:
		add_attr_link(h, at->action, RF_LINK_FORM, 0);
		break;
	case E_BG:
		add_attr_link(h, at->background, RF_LINK_CSS,
		    RF_LINKF_BACKGROUND);
		break;
	case E_LINK:
		if (has_token(at->rel, "stylesheet"))
			add_attr_link(h, at->href, RF_LINK_CSS, 0);
		else if (loads_image(at->rel))
			add_attr_link(h, at->href, RF_LINK_IMG, 0);
		break;
	case E_IMAGE:
		/* SVG's image: href, or SVG 1.1's xlink:href; outside SVG
		 * a browser reads <image> as <img>: src */
		image_attr(h, at->href != NULL ? at->href : at->xlink_href,
		    at, cs);
		image_attr(h, at->src, at, cs);
		break;
	case E_VIDEO:
		add_attr_link(h, at->poster, RF_LINK_IMG, 0);
		break;
	case E_IFRAME:
		add_attr_link(h, at->src, RF_LINK_IMG, 0);
		break;
	}
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
	attrs_read(atts, &at);
	cs.hidden = 0;
	cs.width = cs.height = -1;
	if (at.style != NULL) {
		st = rf__css_read((const char *)at.style,
		    strlen((const char *)at.style), &cs, NULL, NULL);
		if (st != RF_OK) {
			fail(h, st);
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
	el_links(h, e, &at, &cs);
	if (e->id == E_A && h->a_open && h->a_depth == h->depth)
		h->stack[h->depth] |= S_ANCHOR;
	if (at.style != NULL && h->st == RF_OK)
		rf__css_read((const char *)at.style,
		    strlen((const char *)at.style), NULL, css_url, h);
}

static void
sax_end(void *ud, const xmlChar *name)
{
	struct hx *h = ud;
	unsigned d = h->depth;
	unsigned char s;

	if (d == 0)
		return;
	h->depth--;
	if (d > h->maxdepth || h->st != RF_OK)
		return;
	s = h->stack[d];
	if ((s & S_ANCHOR) && h->a_open && h->a_depth == d)
		anchor_end(h);
	if (s & S_STYLE) {
		h->in_style = 0;
		rf__css_read(h->css.data, h->css.len, NULL, css_url, h);
	}
	if (s & S_NOTEXT)
		h->notext--;
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

	if (h->st != RF_OK || h->depth > h->maxdepth || n == 0)
		return;
	if (h->in_style) {
		/* bounded by the input: the sheet is part of it */
		if (rf_buf_append(&h->css, s, n) != 0)
			fail(h, RF_ENOMEM);
		return;
	}
	if (h->notext > 0)
		return;
	anchor = h->a_open && (h->hidden == 0 || h->hidden_at <= h->a_depth);
	if (h->hidden > 0 && !rf__html_blank(s, n))
		h->out->flags |= RF_MSG_HTML_HIDDEN;
	if ((h->hidden == 0 && sink_put(h, &h->text, s, n) != 0) ||
	    (anchor && sink_put(h, &h->a_sink, s, n) != 0))
		fail(h, RF_ENOMEM);
}

/* ---- input ---- */

/* parse: len bytes of valid UTF-8 through libxml2's parser into h. */
static rf_status
parse(struct hx *h, const char *html, size_t len)
{
	static const struct rf__html_sax cb = { sax_start, sax_end, sax_text };
	rf_status st;
	int oom;

	st = rf__html_parse(h->ctx, html, len, &cb, h, &h->px, &oom, h->err);
	if (st == RF_OK && oom)
		fail(h, RF_ENOMEM);
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
	if (st == RF_OK && h.a_open)
		anchor_end(&h);
	if (st == RF_OK)
		st = h.st;
done:
	rf_buf_free(&h.a_text);
	rf_buf_free(&h.css);
	free(clean);
	return st;
}
