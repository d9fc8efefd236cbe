/*
 * html_links.c - the links of one HTML body: what each element gives by
 * its attributes (docs/html.md, "Links"), the anchors and their text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html_int.h"

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
 * (h->st set); when probing (rf__html_probe), the URL given to h->probe
 * and NULL.  The pointer is valid until the next add_link. */
static rf_link *
add_link(struct hx *h, const char *url, size_t n, rf_link_kind kind,
	 unsigned flags)
{
	rf_link *l;
	rf_status st;

	if (h->st != RF_OK || url == NULL || !usable(url, n))
		return NULL;
	if (h->probe != NULL) {
		h->probe(h->probe_arg, url, n);
		return NULL;
	}
	if ((l = rf_links_add(h->a, h->out->links, &st)) == NULL) {
		if (st == RF_ELIMIT)
			h->out->limits_hit |= RF_LIMIT_LINKS;
		else
			rf__html_fail(h, st);
		return NULL;
	}
	l->kind = kind;
	l->flags = flags | (h->hidden > 0 ? RF_LINKF_HIDDEN : 0);
	l->part = h->part;
	if ((l->url = rf_arena_strndup(h->a, url, n)) == NULL) {
		h->out->links->n--;
		rf__html_fail(h, RF_ENOMEM);
		return NULL;
	}
	if ((st = rf_url_analyse(h->ctx, h->a, l, h->err)) != RF_OK) {
		h->out->links->n--;
		rf__html_fail(h, st);
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

rf_status
rf__html_css_url(void *arg, const char *url, size_t len,
		 int background)
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
		rf__html_fail(h, RF_ENOMEM);
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
void
rf__html_anchor_end(struct hx *h)
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
			rf__html_fail(h, RF_ENOMEM);
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
		rf__html_anchor_end(h);
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

void
rf__html_attrs_read(const xmlChar **atts, struct attrs *at)
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
		case 'c':
			if (strcmp(n, "content") == 0)
				at->content = v;
			break;
		case 'd':
			if (strcmp(n, "data") == 0)
				at->data = v;
			break;
		case 'h':
			if (strcmp(n, "href") == 0)
				at->href = v;
			else if (strcmp(n, "height") == 0)
				at->height = v;
			else if (strcmp(n, "hidden") == 0)
				at->hidden = 1;
			else if (strcmp(n, "http-equiv") == 0)
				at->http_equiv = v;
			break;
		case 'p':
			if (strcmp(n, "poster") == 0)
				at->poster = v;
			else if (strcmp(n, "ping") == 0)
				at->ping = v;
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

/* image: an image link for src[0..n) (src NULL: none) with flags
 * (RF_LINKF_*) and the element's size, style and alt text. */
static void
image(struct hx *h, const char *src, size_t n, unsigned flags,
      const struct attrs *at, const struct rf__css_style *cs)
{
	rf_link *l;
	const char *alt = NULL;

	if (at->alt != NULL && h->probe == NULL) {
		alt = collapsed(h, (const char *)at->alt,
		    strlen((const char *)at->alt));
		if (h->a_open && h->a_alt == NULL)
			h->a_alt = alt;
	}
	if (src == NULL || (l = add_link(h, src, n, RF_LINK_IMG, flags)) ==
	    NULL)
		return;
	l->text = alt;
	l->width = rf__html_dimension((const char *)at->width);
	l->height = rf__html_dimension((const char *)at->height);
	if (cs->width >= 0)
		l->width = cs->width;
	if (cs->height >= 0)
		l->height = cs->height;
	if (at->width != NULL || cs->width_set)
		l->flags |= RF_LINKF_WIDTH_SET;
	if (at->height != NULL || cs->height_set)
		l->flags |= RF_LINKF_HEIGHT_SET;
	if (at->style != NULL &&
	    (l->style = rf_arena_strdup(h->a, (const char *)at->style)) == NULL)
		rf__html_fail(h, RF_ENOMEM);
}

/* image_attr: image for the attribute value v (NULL: none). */
static void
image_attr(struct hx *h, const xmlChar *v, unsigned flags,
	   const struct attrs *at, const struct rf__css_style *cs)
{
	image(h, (const char *)v, v != NULL ? strlen((const char *)v) : 0,
	    flags, at, cs);
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
			image(h, s + u, ul, 0, at, cs);
	}
}

/* pings: an RF_LINK_HREF link (RF_LINKF_PING) for each URL of the ping
 * attribute v (NULL: none) of an a or area: URLs separated by ASCII
 * white space, which a browser sends a request to when the link is
 * followed. */
static void
pings(struct hx *h, const xmlChar *v)
{
	const char *s = (const char *)v;
	size_t k;

	while (s != NULL && *s != '\0' && h->st == RF_OK) {
		while (ascii_ws((unsigned char)*s))
			s++;
		for (k = 0; s[k] != '\0' && !ascii_ws((unsigned char)s[k]); k++)
			;
		if (k > 0)
			add_link(h, s, k, RF_LINK_HREF, RF_LINKF_PING);
		s += k;
	}
}

/* skip_ws: the first offset from i in s[0..n) that is no ASCII white
 * space. */
static size_t
skip_ws(const char *s, size_t i, size_t n)
{
	while (i < n && ascii_ws((unsigned char)s[i]))
		i++;
	return i;
}

static int
time_char(char c)
{
	return (c >= '0' && c <= '9') || c == '.';
}

size_t
rf__html_refresh_url(const char *s, size_t n, size_t *u)
{
	size_t i, e, k;
	char q = '\0';

	*u = n;
	i = skip_ws(s, 0, n);
	if (i == n || !time_char(s[i]))
		return 0;	/* no time: no refresh */
	while (i < n && time_char(s[i]))
		i++;
	if (i == n || (s[i] != ';' && s[i] != ',' &&
	    !ascii_ws((unsigned char)s[i])))
		return 0;	/* only a time (the page itself), or no refresh */
	i = skip_ws(s, i, n);
	if (i < n && (s[i] == ';' || s[i] == ','))
		i = skip_ws(s, i + 1, n);
	/* "url" and "=" are skipped as far as they are there: "0; ur x"
	 * gives " x" (HTML says so) */
	for (k = 0; k < 3 && i < n && (s[i] | 0x20) == "url"[k]; k++)
		i++;
	if (k == 3 && (i = skip_ws(s, i, n)) < n && s[i] == '=')
		i = skip_ws(s, i + 1, n);
	if (i < n && (s[i] == '\'' || s[i] == '"'))
		q = s[i++];
	for (e = i; e < n && (q == '\0' || s[e] != q); e++)
		;
	*u = i;
	return e - i;
}

/* refresh: a meta element's refresh URL (http-equiv "refresh"), which a
 * browser loads when the page has been shown for its time: an
 * RF_LINK_IMG link and a page (RF_LINKF_PAGE), like a frame's. */
static void
refresh(struct hx *h, const struct attrs *at)
{
	const char *c = (const char *)at->content;
	size_t u, n;

	if (at->http_equiv == NULL || c == NULL ||
	    strcasecmp((const char *)at->http_equiv, "refresh") != 0)
		return;
	if ((n = rf__html_refresh_url(c, strlen(c), &u)) > 0)
		add_link(h, c + u, n, RF_LINK_IMG, RF_LINKF_PAGE);
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

void
rf__html_el_links(struct hx *h, enum el_id id, const struct attrs *at,
		  const struct rf__css_style *cs)
{
	rf_link *l;

	switch (id) {
	case E_A:
		anchor_start(h, at->href);
		pings(h, at->ping);
		break;
	case E_AREA:
		if ((l = add_attr_link(h, at->href, RF_LINK_HREF,
		    RF_LINKF_AREA)) != NULL && at->alt != NULL)
			l->text = collapsed(h, (const char *)at->alt,
			    strlen((const char *)at->alt));
		pings(h, at->ping);
		break;
	case E_IMG:
		image_attr(h, at->src, 0, at, cs);
		srcset(h, at->srcset, at, cs);
		break;
	case E_SOURCE:		/* in a picture: srcset; in audio, video: src */
		srcset(h, at->srcset, at, cs);
		image_attr(h, at->src, 0, at, cs);
		break;
	case E_INPUT:
		if (at->type != NULL &&
		    strcasecmp((const char *)at->type, "image") == 0)
			image_attr(h, at->src, 0, at, cs);
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
		    0, at, cs);
		image_attr(h, at->src, 0, at, cs);
		break;
	case E_VIDEO:		/* its poster is shown at its size */
		image_attr(h, at->poster, 0, at, cs);
		image_attr(h, at->src, 0, at, cs);
		break;
	case E_SRC:		/* audio, embed, track */
		image_attr(h, at->src, 0, at, cs);
		break;
	case E_FRAME:		/* frame, iframe */
		image_attr(h, at->src, RF_LINKF_PAGE, at, cs);
		break;
	case E_OBJECT:
		image_attr(h, at->data, 0, at, cs);
		break;
	case E_META:
		refresh(h, at);
		break;
	case E_BASE:		/* every relative URL loads through it */
		add_attr_link(h, at->href, RF_LINK_IMG, 0);
		break;
	default:	/* no links */
		break;
	}
}
