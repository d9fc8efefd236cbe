/*
 * html_int.h - what lib/html.c (the parse, the visible text) and
 * lib/html_links.c (the links elements give) share.  Private to them.
 */
#ifndef RF_HTML_INT_H
#define RF_HTML_INT_H

#include <libxml/parser.h>

#include "internal.h"

/* What an element is, for the text (class bits) and for links (id). */
enum el_id {
	E_OTHER = 0, E_A, E_AREA, E_IMG, E_INPUT, E_FORM, E_BG, E_LINK,
	E_VIDEO, E_SRC, E_FRAME, E_OBJECT, E_META, E_BASE, E_SCRIPT, E_STYLE,
	E_TEMPLATE, E_SOURCE, E_IMAGE
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
	unsigned a_elems;	/* open <a> elements (S_AEL) */
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
	/* the visible text since the last tag or comment, outside <a>
	 * elements: one text node, whose URLs are links (html.c, node_end) */
	rf_buf node;
	const char *src;	/* the input libxml2 parses */
	size_t src_len;
	size_t src_end;		/* where its last text ended (rf__html_gap) */
	/* rf__html_probe: each link's URL given to probe instead (no link
	 * made, no URL analysed, no visible text written; ctx NULL) */
	rf__url_fn *probe;
	void *probe_arg;
};

struct attrs {
	const xmlChar *href, *src, *style, *alt, *width, *height, *type;
	const xmlChar *action, *background, *rel, *poster, *srcset;
	const xmlChar *xlink_href, *data, *ping, *http_equiv, *content;
	int hidden;
};

static inline int
ascii_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* rf__html_fail: st (RF_ENOMEM) in h, its error set and the parse
 * stopped; the first failure is kept. */
void rf__html_fail(struct hx *h, rf_status st);

/* rf__html_attrs_read: the attributes of one start tag that the text and
 * the links read. */
void rf__html_attrs_read(const xmlChar **atts, struct attrs *at);

/* rf__html_el_links: the links an element (id) gives by its attributes at (cs:
 * its style attribute read); an <a> opens the anchor. */
void rf__html_el_links(struct hx *h, enum el_id id, const struct attrs *at,
		       const struct rf__css_style *cs);

/* rf__html_refresh_url: the URL of a meta refresh's content s[0..n), as
 * HTML's "shared declarative refresh steps" read it: a time (digits and
 * dots), then after a blank, ';' or ',' the URL, with or without "url=",
 * up to its closing quote if it opens with one.  Returns its length (0:
 * none, or only a time: the page itself) and its offset in *u. */
size_t rf__html_refresh_url(const char *s, size_t n, size_t *u);

/* rf__html_anchor_end: the open anchor gets its text, and the host that
 * text shows is checked against the href's. */
void rf__html_anchor_end(struct hx *h);

/* rf__html_css_url: rf__css_read's callback for a url() (arg: the hx). */
rf_status rf__html_css_url(void *arg, const char *url, size_t len,
			   int background);

#endif
