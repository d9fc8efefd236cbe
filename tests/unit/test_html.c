/* test_html.c - visible text, hidden content and links from HTML. */
#include "testutil.h"

/* One extraction: its arena, text, links and result. */
struct run {
	rf_arena *a;
	rf_buf text;
	rf_links links;
	rf_html_out out;
	rf_status st;
	rf_error err;
};

static void
run_init(struct run *r, size_t text_max, size_t links_max)
{
	memset(r, 0, sizeof(*r));
	r->a = rf_arena_new();
	assert_non_null(r->a);
	rf_buf_init(&r->text, text_max);
	r->links.max = links_max;
	r->out.text = &r->text;
	r->out.links = &r->links;
}

static void
run_free(struct run *r)
{
	rf_buf_free(&r->text);
	rf_arena_free(r->a);
}

/* extract_n: len bytes of html (SIZE_MAX: a C string) into r. */
static void
extract_n(const rf_ctx *ctx, struct run *r, const char *html, size_t len)
{
	if (len == SIZE_MAX)
		len = strlen(html);
	r->st = rf_html_extract(ctx, r->a, html, len, 7, &r->out, &r->err);
	assert_int_equal(r->st, RF_OK);
}

/* extract: html with default limits; the caller run_free()s. */
static void
extract(void **state, struct run *r, const char *html)
{
	run_init(r, 1 << 20, 2000);
	extract_n(*state, r, html, strlen(html));
}

static const char *
text(struct run *r)
{
	return rf_buf_cstr(&r->text);
}

/* link_to: the first link whose url is u, or NULL. */
static rf_link *
link_to(struct run *r, const char *u)
{
	size_t i;

	for (i = 0; i < r->links.n; i++)
		if (strcmp(r->links.v[i].url, u) == 0)
			return &r->links.v[i];
	return NULL;
}

static int
utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, need;

	while (i < n) {
		if (u[i] == 0)
			return 0;
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if (u[i] >= 0xC2 && u[i] <= 0xDF)
			need = 1;
		else if (u[i] >= 0xE0 && u[i] <= 0xEF)
			need = 2;
		else if (u[i] >= 0xF0 && u[i] <= 0xF4)
			need = 3;
		else
			return 0;
		if (n - i <= need)
			return 0;
		for (k = 1; k <= need; k++)
			if ((u[i + k] & 0xC0) != 0x80)
				return 0;
		i += need + 1;
	}
	return 1;
}

static void
test_text_basic(void **state)
{
	struct run r;

	extract(state, &r, "<html><body><p>Hello   <b>wor</b>ld,\n\t"
	    "<i>you</i></p><div>Second&nbsp;line &amp; more</div>"
	    "one<br>two<table><tr><td>c1</td><td>c2</td></tr></table>"
	    "<ul><li>x</li><li>y</li></ul></body></html>");
	assert_string_equal(text(&r), "Hello world, you\nSecond line & more\n"
	    "one\ntwo\nc1\nc2\nx\ny");
	assert_int_equal(r.out.flags, 0);
	assert_int_equal(r.out.limits_hit, 0);
	assert_int_equal(r.links.n, 0);
	run_free(&r);
}

static void
test_script_style_head(void **state)
{
	struct run r;

	extract(state, &r, "<html><head><title>The title</title>"
	    "<style>p { color: red }</style></head><body>"
	    "<script>document.write('<p>scripted</p>');</script>"
	    "<p>Body</p><noscript>Shown without scripts</noscript>"
	    "</body></html>");
	assert_string_equal(text(&r), "Body\nShown without scripts");
	assert_true(r.out.flags & RF_MSG_HTML_SCRIPT);
	assert_true(r.out.flags & RF_MSG_HTML_STYLE);
	assert_false(r.out.flags & RF_MSG_HTML_HIDDEN);
	run_free(&r);
}

static void
test_hidden_variants(void **state)
{
	static const char *hide[] = {
		"<div hidden>",
		"<div hidden=\"false\">",
		"<div style=\"display:none\">",
		"<div style=\"DISPLAY : None !important\">",
		"<div style=\"color:red; display:/* c */none\">",
		"<div style=\"visibility:hidden\">",
		"<div style=\"visibility: collapse\">",
		"<div style=\"opacity:0\">",
		"<div style=\"opacity:.0\">",
		"<div style=\"font-size:0\">",
		"<div style=\"font-size:0px\">",
		"<div style=\"width:0;overflow:hidden\">",
		"<div style=\"height:0px; overflow:hidden\">",
		"<div style=\"max-height:0;overflow:hidden;mso-hide:all\">",
		"<div style=\"display:block;display:none\">",
		"<template>",
	};
	static const char *show[] = {
		"<div>",
		"<div style=\"opacity:0.5\">",
		"<div style=\"font-size:10px\">",
		"<div style=\"width:0\">",
		"<div style=\"overflow:hidden\">",
		"<div style=\"display:none;display:block\">",
		"<div style=\"content:'display:none'\">",
		"<div aria-hidden=\"true\">",
	};
	char html[256];
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(hide) / sizeof(hide[0]); i++) {
		snprintf(html, sizeof(html), "<p>seen</p>%ssecret <b>words</b>"
		    "</%s><p>after</p>", hide[i],
		    strncmp(hide[i], "<template", 9) == 0 ? "template" : "div");
		extract(state, &r, html);
		if (strcmp(text(&r), "seen\nafter") != 0)
			fail_msg("%s: \"%s\"", hide[i], text(&r));
		assert_true(r.out.flags & RF_MSG_HTML_HIDDEN);
		run_free(&r);
	}
	for (i = 0; i < sizeof(show) / sizeof(show[0]); i++) {
		snprintf(html, sizeof(html), "<p>seen</p>%ssecret</div>", show[i]);
		extract(state, &r, html);
		if (strcmp(text(&r), "seen\nsecret") != 0)
			fail_msg("%s: \"%s\"", show[i], text(&r));
		assert_false(r.out.flags & RF_MSG_HTML_HIDDEN);
		run_free(&r);
	}
}

static void
test_hidden_inside_words(void **state)
{
	struct run r;

	/* hidden filler splitting a word leaves the word whole */
	extract(state, &r, "<p>Vi<span style=\"display:none\">zq</span>agra "
	    "for <font style=\"font-size:0\">x</font>you</p>");
	assert_string_equal(text(&r), "Viagra for you");
	assert_true(r.out.flags & RF_MSG_HTML_HIDDEN);
	run_free(&r);
	/* blank hidden content is not hidden text */
	extract(state, &r, "<p>a<span style=\"display:none\"> </span>b</p>");
	assert_string_equal(text(&r), "ab");
	assert_false(r.out.flags & RF_MSG_HTML_HIDDEN);
	run_free(&r);
}

static void
test_hidden_links(void **state)
{
	struct run r;
	rf_link *l;

	extract(state, &r, "<div style=\"display:none\">"
	    "<a href=\"http://hidden.example/a\">x</a>"
	    "<img src=\"http://hidden.example/p.gif\"></div>"
	    "<a href=\"http://shown.example/\">shown</a>"
	    "<img src=\"http://hidden.example/self.gif\" hidden>");
	assert_int_equal(r.links.n, 4);
	assert_non_null(l = link_to(&r, "http://hidden.example/a"));
	assert_true(l->flags & RF_LINKF_HIDDEN);
	assert_string_equal(l->text, "x");
	assert_non_null(l = link_to(&r, "http://hidden.example/p.gif"));
	assert_true(l->flags & RF_LINKF_HIDDEN);
	assert_non_null(l = link_to(&r, "http://shown.example/"));
	assert_false(l->flags & RF_LINKF_HIDDEN);
	assert_non_null(l = link_to(&r, "http://hidden.example/self.gif"));
	assert_true(l->flags & RF_LINKF_HIDDEN);
	assert_string_equal(text(&r), "shown");
	run_free(&r);
}

static void
test_href_entities(void **state)
{
	struct run r;
	rf_link *l;

	extract(state, &r, "<a href=\"http://t.example/c?a=1&amp;b=2&#38;c=3\">"
	    "Click &amp; win</a>");
	assert_int_equal(r.links.n, 1);
	l = &r.links.v[0];
	assert_string_equal(l->url, "http://t.example/c?a=1&b=2&c=3");
	assert_int_equal(l->kind, RF_LINK_HREF);
	assert_string_equal(l->text, "Click & win");
	assert_string_equal(l->host, "t.example");
	assert_int_equal(l->part, 7);
	assert_int_equal(l->flags, 0);
	run_free(&r);
}

static void
test_text_host(void **state)
{
	struct run r;
	rf_link *l;
	size_t i;

	extract(state, &r,
	    "<a href=\"http://evil.example/login\">www.bank.example</a>"
	    "<a href=\"https://bank.example/login\">www.bank.example</a>"
	    "<a href=\"https://www.shop.example/\">Shop.Example</a>"
	    "<a href=\"http://track.example/r?u=1\">https://news.example/"
	    "story</a>"
	    "<a href=\"http://other.example/\">Click here</a>"
	    "<a href=\"http://x.example/\">www.<span style=\"display:none\">"
	    "junk</span>bank.example</a>"
	    "<a href=\"http://counter29.bravenet.com/\">bravenet.com</a>"
	    "<a href=\"http://e.bank.example/a\">https://www.bank.example/"
	    "</a>"
	    "<a href=\"http://bank.example.evil.test/\">www.bank.example"
	    "</a>"
	    "<a href=\"http://www.ecila.frECHO\">http://www.ecila.fr</a>"
	    "<a href=\"http://192.0.2.7/I?X=79c1\">http://www.tesco.ie/</a>"
	    "<a href=\"http://ummail4.unitedmedia.com/C?q=1\">Dilbert.com</a>");
	assert_int_equal(r.links.n, 12);
	l = &r.links.v[0];
	assert_true(l->flags & RF_LINKF_TEXT_HOST);
	assert_string_equal(l->text_host, "www.bank.example");
	/* "www." alone does not make a different host, nor does case */
	assert_false(r.links.v[1].flags & RF_LINKF_TEXT_HOST);
	assert_null(r.links.v[1].text_host);
	assert_false(r.links.v[2].flags & RF_LINKF_TEXT_HOST);
	assert_true(r.links.v[3].flags & RF_LINKF_TEXT_HOST);
	assert_string_equal(r.links.v[3].text_host, "news.example");
	assert_false(r.links.v[4].flags & RF_LINKF_TEXT_HOST);
	/* the hidden filler is not part of what the anchor shows */
	assert_string_equal(r.links.v[5].text, "www.bank.example");
	assert_true(r.links.v[5].flags & RF_LINKF_TEXT_HOST);
	/* a host of the same registrable domain is the same site */
	assert_false(r.links.v[6].flags & RF_LINKF_TEXT_HOST);
	assert_null(r.links.v[6].text_host);
	assert_false(r.links.v[7].flags & RF_LINKF_TEXT_HOST);
	/* a look-alike under another domain is not */
	assert_true(r.links.v[8].flags & RF_LINKF_TEXT_HOST);
	assert_string_equal(r.links.v[8].text_host, "www.bank.example");
	/* an href host no link can lead to: nothing to compare */
	assert_false(r.links.v[9].flags & RF_LINKF_TEXT_HOST);
	/* an IPv4 address can */
	assert_true(r.links.v[10].flags & RF_LINKF_TEXT_HOST);
	assert_string_equal(r.links.v[10].text_host, "www.tesco.ie");
	/* the text written as a link address, or as a bare name */
	assert_true(r.links.v[0].flags & RF_LINKF_TEXT_ADDRESS);
	assert_true(r.links.v[3].flags & RF_LINKF_TEXT_ADDRESS);
	assert_true(r.links.v[5].flags & RF_LINKF_TEXT_ADDRESS);
	assert_true(r.links.v[8].flags & RF_LINKF_TEXT_ADDRESS);
	assert_true(r.links.v[10].flags & RF_LINKF_TEXT_ADDRESS);
	assert_true(r.links.v[11].flags & RF_LINKF_TEXT_HOST);
	assert_string_equal(r.links.v[11].text_host, "dilbert.com");
	assert_false(r.links.v[11].flags & RF_LINKF_TEXT_ADDRESS);
	/* only with a host shown that differs */
	for (i = 0; i < r.links.n; i++)
		if (!(r.links.v[i].flags & RF_LINKF_TEXT_HOST))
			assert_false(r.links.v[i].flags &
			    RF_LINKF_TEXT_ADDRESS);
	run_free(&r);
}

static void
test_images(void **state)
{
	struct run r;
	rf_link *l;

	extract(state, &r,
	    "<img src=\"http://i.example/a.gif\" width=\"1\" height=\"1px\""
	    " alt=\" A  pixel \">"
	    "<img src=\"http://i.example/b.gif\" style=\"border:0;"
	    "width:1px; height: 1px\">"
	    "<img src=\"http://i.example/c.gif\" width=\"100%\" height=\"x\">"
	    "<img src=\"http://i.example/d.gif\" width=\"600\" "
	    "style=\"width:2px\">"
	    "<input type=\"IMAGE\" src=\"http://i.example/btn.png\" alt=\"Go\">"
	    "<input type=\"text\" src=\"http://i.example/no.png\">"
	    "<video poster=\"http://i.example/poster.jpg\"></video>"
	    "<iframe src=\"http://i.example/frame.html\"></iframe>");
	assert_int_equal(r.links.n, 7);
	assert_non_null(l = link_to(&r, "http://i.example/a.gif"));
	assert_int_equal(l->kind, RF_LINK_IMG);
	assert_int_equal(l->width, 1);
	assert_int_equal(l->height, 1);
	assert_string_equal(l->text, "A pixel");
	assert_null(l->style);
	assert_non_null(l = link_to(&r, "http://i.example/b.gif"));
	assert_int_equal(l->width, 1);
	assert_int_equal(l->height, 1);
	assert_string_equal(l->style, "border:0;width:1px; height: 1px");
	assert_null(l->text);
	assert_non_null(l = link_to(&r, "http://i.example/c.gif"));
	assert_int_equal(l->width, -1);
	assert_int_equal(l->height, -1);
	/* declared, though not in px (s37: a 1 px line 100% wide is no
	 * pixel) */
	assert_true(l->flags & RF_LINKF_WIDTH_SET);
	assert_true(l->flags & RF_LINKF_HEIGHT_SET);
	assert_non_null(l = link_to(&r, "http://i.example/d.gif"));
	assert_int_equal(l->width, 2);	/* the style wins */
	assert_true(l->flags & RF_LINKF_WIDTH_SET);
	assert_false(l->flags & RF_LINKF_HEIGHT_SET);
	assert_non_null(l = link_to(&r, "http://i.example/b.gif"));
	assert_true(l->flags & RF_LINKF_WIDTH_SET);	/* by the style */
	assert_true(l->flags & RF_LINKF_HEIGHT_SET);
	assert_non_null(l = link_to(&r, "http://i.example/btn.png"));
	assert_false(l->flags & (RF_LINKF_WIDTH_SET | RF_LINKF_HEIGHT_SET));
	assert_int_equal(l->kind, RF_LINK_IMG);
	assert_string_equal(l->text, "Go");
	assert_null(link_to(&r, "http://i.example/no.png"));
	assert_non_null(l = link_to(&r, "http://i.example/poster.jpg"));
	assert_int_equal(l->kind, RF_LINK_IMG);
	assert_non_null(l = link_to(&r, "http://i.example/frame.html"));
	assert_int_equal(l->kind, RF_LINK_IMG);
	run_free(&r);
}

/* test_srcset: each candidate of an img's or a source's srcset is an
 * image link, as HTML parses a srcset (a URL up to a blank, its trailing
 * commas left out; descriptors up to a comma outside parentheses), the
 * img's size with it: a 1x1 pixel in srcset is as much a web bug (s29:
 * none was read, and a tracking pixel there went unseen). */
static void
test_srcset(void **state)
{
	static const char *const want[] = { "http://i.example/1.gif",
	    "http://i.example/2.gif", "http://i.example/3,x.gif",
	    "http://i.example/4.gif", "http://i.example/5.gif",
	    "http://i.example/6.gif" };
	struct run r;
	rf_link *l;
	size_t k;

	extract(state, &r,
	    "<img src=\"http://i.example/0.gif\" width=1 height=1 srcset=\""
	    " http://i.example/1.gif 1x,http://i.example/2.gif 100w (a,b),"
	    "http://i.example/3,x.gif,, http://i.example/4.gif,\">"
	    "<picture><source srcset=\"http://i.example/5.gif\" media=x>"
	    "<img SRCSET='http://i.example/6.gif 2x'></picture>"
	    "<video><source src=\"http://i.example/v.mp4\"></video>"
	    "<img srcset=\" , ,\">");
	assert_int_equal(r.links.n, 8);	/* v.mp4: test_media_links */
	for (k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		assert_non_null(l = link_to(&r, want[k]));
		assert_int_equal(l->kind, RF_LINK_IMG);
		assert_int_equal(l->width, k < 4 ? 1 : -1);
	}
	run_free(&r);
}

/* test_svg_link_loads: SVG's image (href, or SVG 1.1's xlink:href; src,
 * which a browser reads outside SVG as an img's) is an image with its
 * width and height, and a link element whose rel a
 * browser loads (an icon, preload, prefetch, prerender) one without a
 * size; another rel (alternate) gives none.  Before s29 none was read. */
static void
test_svg_link_loads(void **state)
{
	struct run r;
	rf_link *l;

	extract(state, &r,
	    "<svg><image href=\"http://i.example/1.gif\" width=1 height=1/>"
	    "<image xlink:href=\"http://i.example/2.gif\"></image></svg>"
	    "<image src=\"http://i.example/6.gif\" width=1 height=1>"
	    "<link rel=\"shortcut icon\" href=\"http://i.example/3.ico\">"
	    "<link rel=preload as=image href=\"http://i.example/4.gif\">"
	    "<link rel=PREFETCH href=\"http://i.example/5.gif\">"
	    "<link rel=alternate href=\"http://i.example/feed\">");
	assert_int_equal(r.links.n, 6);
	assert_non_null(l = link_to(&r, "http://i.example/6.gif"));
	assert_int_equal(l->width, 1);
	assert_non_null(l = link_to(&r, "http://i.example/1.gif"));
	assert_int_equal(l->kind, RF_LINK_IMG);
	assert_int_equal(l->width, 1);
	assert_int_equal(l->height, 1);
	assert_non_null(l = link_to(&r, "http://i.example/2.gif"));
	assert_int_equal(l->width, -1);
	assert_non_null(l = link_to(&r, "http://i.example/3.ico"));
	assert_int_equal(l->kind, RF_LINK_IMG);
	assert_non_null(link_to(&r, "http://i.example/4.gif"));
	assert_non_null(link_to(&r, "http://i.example/5.gif"));
	assert_null(link_to(&r, "http://i.example/feed"));
	run_free(&r);
}

/* test_media_links: what a browser loads with the page besides images
 * is an image link with its element's size, so a 1x1 or hidden one is
 * a web bug: audio, video, their source and track, embed, object data,
 * frame, iframe (whose size was not read before s30; the others were not
 * read at all); a frame's and an iframe's is a page (RF_LINKF_PAGE). */
static void
test_media_links(void **state)
{
	static const struct {
		const char *url;
		int width, height;
	} want[] = {
		{ "http://m.example/v.mp4", 1, 1 },
		{ "http://m.example/poster.jpg", 1, 1 },
		{ "http://m.example/a.mp3", -1, -1 },
		{ "http://m.example/s.webm", -1, -1 },
		{ "http://m.example/t.vtt", -1, -1 },
		{ "http://m.example/e.swf", 0, 0 },
		{ "http://m.example/o.gif", 1, 1 },
		{ "http://m.example/frame.html", -1, -1 },
		{ "http://m.example/if.html", 1, 2 },
	};
	struct run r;
	rf_link *l;
	size_t k;

	extract(state, &r,
	    "<video src=\"http://m.example/v.mp4\" width=1 height=1 "
	    "poster=\"http://m.example/poster.jpg\"></video>"
	    "<audio src=\"http://m.example/a.mp3\"></audio>"
	    "<video><source src=\"http://m.example/s.webm\" type=video/webm>"
	    "<track kind=captions src=\"http://m.example/t.vtt\"></video>"
	    "<embed src=\"http://m.example/e.swf\" width=0 height=0>"
	    "<object data=\"http://m.example/o.gif\" style=\"width:1px;"
	    "height:1px\"></object>"
	    "<frameset><frame src=\"http://m.example/frame.html\"></frameset>"
	    "<iframe src=\"http://m.example/if.html\" width=1 height=2>"
	    "</iframe><embed type=x><object></object>");
	assert_int_equal(r.links.n, sizeof(want) / sizeof(want[0]));
	for (k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		assert_non_null(l = link_to(&r, want[k].url));
		assert_int_equal(l->kind, RF_LINK_IMG);
		assert_int_equal(l->width, want[k].width);
		assert_int_equal(l->height, want[k].height);
		/* a frame's or an iframe's is a page */
		assert_int_equal(l->flags & ~(unsigned)(RF_LINKF_WIDTH_SET |
		    RF_LINKF_HEIGHT_SET), k >= 7 ? RF_LINKF_PAGE : 0);
	}
	run_free(&r);
}

/* test_base: a base href, through which every relative URL of the page
 * loads (a code in it goes with each), is an image link (not read
 * before s30); a base without href none.  A CSS image-set()'s strings
 * are not read (docs/html.md says why): only its url()s. */
static void
test_base(void **state)
{
	struct run r;

	extract(state, &r, "<head><base href=\"http://b.example/u/1a2b/\" "
	    "target=_top><base target=x></head><div style=\"background-image:"
	    "-webkit-image-set('http://c.example/1.gif' 1x, "
	    "url(http://c.example/3.gif) 3x\">x</div>");
	assert_int_equal(r.links.n, 2);
	assert_string_equal(r.links.v[0].url, "http://b.example/u/1a2b/");
	assert_int_equal(r.links.v[0].kind, RF_LINK_IMG);
	assert_string_equal(r.links.v[1].url, "http://c.example/3.gif");
	assert_int_equal(r.links.v[1].kind, RF_LINK_CSS);
	run_free(&r);
}

/* test_meta_refresh: a meta refresh's URL, which a browser loads after
 * its time, read as HTML reads the content (a time, then ';', ',' or a
 * blank, "url=" or not, quotes taken off, up to the closing one), is an
 * image link; a bare time, no time, or another http-equiv gives none.
 * A spam of the corpus (spam-2/00390) redirects so. */
static void
test_meta_refresh(void **state)
{
	static const struct {
		const char *content, *url;	/* url NULL: no link */
	} cases[] = {
		{ "02; URL=http://r.example/a", "http://r.example/a" },
		{ " 0 ,url = 'http://r.example/b?x=1' junk", "http://r.example/b?x=1" },
		{ "5.5 http://r.example/c", "http://r.example/c" },
		{ "0;URL=&quot;http://r.example/d", "http://r.example/d" },
		{ "1; ur=http://r.example/e", "=http://r.example/e" },
		{ "1; uRl http://r.example/f", "http://r.example/f" },
		{ "3", NULL },
		{ "3;", NULL },
		{ "x; url=http://r.example/g", NULL },
		{ "3x; url=http://r.example/h", NULL },
		{ "", NULL },
	};
	char html[256];
	struct run r;
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		snprintf(html, sizeof(html), "<meta http-equiv=REFRESH "
		    "content=\"%s\">", cases[k].content);
		extract(state, &r, html);
		if (cases[k].url == NULL)
			assert_int_equal(r.links.n, 0);
		else {
			assert_int_equal(r.links.n, 1);
			assert_string_equal(r.links.v[0].url, cases[k].url);
			assert_int_equal(r.links.v[0].kind, RF_LINK_IMG);
			assert_int_equal(r.links.v[0].flags, RF_LINKF_PAGE);
		}
		run_free(&r);
	}
	extract(state, &r, "<meta http-equiv=content-type "
	    "content=\"0; url=http://r.example/i\"><meta content=\"0; "
	    "url=http://r.example/j\">");
	assert_int_equal(r.links.n, 0);
	run_free(&r);
}

/* test_ping: an a's or area's ping URLs, which a browser sends a request
 * to when the link is followed, are links as the href (a click on a
 * cleaned href must not confirm the address through its ping). */
static void
test_ping(void **state)
{
	struct run r;
	rf_link *l;

	extract(state, &r, "<a href=\"http://s.example/\" ping=\" "
	    "http://p.example/1?u=1\thttp://p.example/2 \">shop</a>"
	    "<map><area href=\"http://s.example/m\" ping=http://p.example/3>"
	    "</map><a ping=\"  \">x</a>");
	assert_int_equal(r.links.n, 5);
	assert_non_null(l = link_to(&r, "http://s.example/"));
	assert_string_equal(l->text, "shop");
	assert_non_null(l = link_to(&r, "http://p.example/1?u=1"));
	assert_int_equal(l->kind, RF_LINK_HREF);
	assert_int_equal(l->flags, RF_LINKF_PING);
	assert_null(l->text);
	assert_non_null(link_to(&r, "http://p.example/2"));
	assert_non_null(link_to(&r, "http://p.example/3"));
	run_free(&r);
}

/* test_text_urls: a URL in the visible text outside <a> is a text
 * link (docs/html.md, "URLs in the text"), read in one text node with
 * its references decoded; none in an anchor's text, hidden text, the
 * title or a script, nor across a comment, a processing instruction or
 * a tag (one libxml2 drops too). */
static void
test_text_urls(void **state)
{
	struct run r;
	rf_link *l;

	extract(state, &r, "<html><head><title>http://t.example/title"
	    "</title></head><body><p>Unsubscribe: http://u.example/o?e=a"
	    "&amp;x=1&#46; <a href=\"http://h.example/\">http://a.example/"
	    "<b>www.b.example</b></a> <span style=\"display:none\">"
	    "http://hidden.example/</span> www.c.example/p<!-- -->q "
	    "http://d.example/x<i>y</i> &lt;http://e.example/&gt;</p>"
	    "<script>var u = 'http://s.example/';</script></body></html>");
	assert_non_null(l = link_to(&r, "http://u.example/o?e=a&x=1"));
	assert_int_equal(l->kind, RF_LINK_TEXT);
	assert_int_equal(l->part, 7);
	assert_int_equal(l->flags, RF_LINKF_HTML_TEXT);
	assert_null(l->text);
	assert_non_null(l = link_to(&r, "www.c.example/p"));
	assert_int_equal(l->kind, RF_LINK_TEXT);
	assert_non_null(link_to(&r, "http://d.example/x"));
	assert_non_null(link_to(&r, "http://e.example/"));
	assert_non_null(link_to(&r, "http://h.example/"));
	/* the href, and the four text links in document order */
	assert_int_equal(r.links.n, 5);
	assert_string_equal(r.links.v[0].url, "http://u.example/o?e=a&x=1");
	assert_string_equal(r.links.v[1].url, "http://h.example/");
	assert_string_equal(r.links.v[4].url, "http://e.example/");
	run_free(&r);
	/* none inside an <a> without a usable href either: a reader makes
	 * no link there, and the rewriter may empty an href (seed
	 * text-in-emptied-anchor) */
	extract(state, &r, "<a href=\"\">http://1.example/</a><a>"
	    "http://2.example/</a><a href=\"javascript:x()\">"
	    "http://3.example/</a>http://4.example/");
	assert_int_equal(r.links.n, 1);
	assert_string_equal(r.links.v[0].url, "http://4.example/");
	run_free(&r);
	/* nor across markup libxml2 gives no callback for (an end tag
	 * with no element open, a misplaced <body>, "</" with no name, a
	 * processing instruction), which the rewriter takes for markup
	 * too (rf__html_gap; seeds dropped-end-tag, pi-after-bug,
	 * nameless-end-tag) */
	extract(state, &r, "<p>x http://1.example/a</q>.http://2.example/"
	    "<body>.http://3.example/<?x y?>.http://4.example/"
	    "</-http://5.example/</p>");
	assert_int_equal(r.links.n, 5);
	assert_string_equal(r.links.v[0].url, "http://1.example/a");
	assert_string_equal(r.links.v[1].url, "http://2.example/");
	assert_string_equal(r.links.v[2].url, "http://3.example/");
	assert_string_equal(r.links.v[3].url, "http://4.example/");
	assert_string_equal(r.links.v[4].url, "http://5.example/");
	run_free(&r);
	/* a text link counts against max_links as any other */
	run_init(&r, 1 << 20, 2);
	extract_n(*state, &r, "<p>http://1.example/ http://2.example/ "
	    "http://3.example/</p>", SIZE_MAX);
	assert_int_equal(r.links.n, 2);
	assert_true(r.out.limits_hit & RF_LIMIT_LINKS);
	run_free(&r);
}

static void
test_css_links(void **state)
{
	struct run r;
	rf_link *l;

	extract(state, &r, "<html><head>"
	    "<link rel=\"alternate stylesheet\" href=\"http://c.example/s.css\">"
	    "<link rel=\"icon\" href=\"http://c.example/favicon.ico\">"
	    "<style>@import \"http://c.example/imp.css\";\n"
	    "body { background: #fff url( 'http://c.example/bg.png' ) }\n"
	    "ul { list-style-image: url(http://c.example/dot.gif); }\n"
	    "p { background-image: url(data:image/png;base64,AAAA) }\n"
	    "</style></head>"
	    "<body background=\"http://c.example/body.jpg\"><table "
	    "background=\"http://c.example/table.jpg\"><tr><td background="
	    "\"http://c.example/td.jpg\" style=\"background-image:"
	    "url(&quot;http://c.example/inline.png&quot;)\">x</td></tr>"
	    "</table><p style=\"cursor: url(http://c.example/cur.cur), auto\">"
	    "y</p></body></html>");
	assert_non_null(l = link_to(&r, "http://c.example/s.css"));
	assert_int_equal(l->kind, RF_LINK_CSS);
	assert_false(l->flags & RF_LINKF_BACKGROUND);
	/* an icon loads with the page: an image (s29) */
	assert_non_null(l = link_to(&r, "http://c.example/favicon.ico"));
	assert_int_equal(l->kind, RF_LINK_IMG);
	assert_non_null(l = link_to(&r, "http://c.example/imp.css"));
	assert_int_equal(l->kind, RF_LINK_CSS);
	assert_non_null(l = link_to(&r, "http://c.example/bg.png"));
	assert_int_equal(l->flags, RF_LINKF_BACKGROUND);
	assert_non_null(l = link_to(&r, "http://c.example/dot.gif"));
	assert_int_equal(l->flags, 0);
	assert_non_null(l = link_to(&r, "http://c.example/body.jpg"));
	assert_int_equal(l->kind, RF_LINK_CSS);
	assert_int_equal(l->flags, RF_LINKF_BACKGROUND);
	assert_non_null(l = link_to(&r, "http://c.example/table.jpg"));
	assert_int_equal(l->flags, RF_LINKF_BACKGROUND);
	assert_non_null(l = link_to(&r, "http://c.example/td.jpg"));
	assert_non_null(l = link_to(&r, "http://c.example/inline.png"));
	assert_int_equal(l->kind, RF_LINK_CSS);
	assert_int_equal(l->flags, RF_LINKF_BACKGROUND);
	assert_non_null(l = link_to(&r, "http://c.example/cur.cur"));
	assert_int_equal(l->flags, 0);
	assert_int_equal(r.links.n, 10);	/* the data: URL is left out */
	assert_string_equal(text(&r), "x\ny");
	run_free(&r);
}

static void
test_form_area(void **state)
{
	struct run r;
	rf_link *l;

	extract(state, &r, "<form action=\"https://f.example/post\" "
	    "method=\"post\"><input name=\"pw\" type=\"password\"></form>"
	    "<img src=\"http://f.example/map.png\" usemap=\"#m\"><map name=\"m\">"
	    "<area shape=\"rect\" href=\"http://f.example/area\" "
	    "alt=\"Area one\"></map>");
	assert_non_null(l = link_to(&r, "https://f.example/post"));
	assert_int_equal(l->kind, RF_LINK_FORM);
	assert_non_null(l = link_to(&r, "http://f.example/area"));
	assert_int_equal(l->kind, RF_LINK_HREF);
	assert_int_equal(l->flags, RF_LINKF_AREA);
	assert_string_equal(l->text, "Area one");
	run_free(&r);
}

static void
test_anchor_image_alt(void **state)
{
	struct run r;

	extract(state, &r, "<a href=\"http://a.example/1\"><img "
	    "src=\"http://a.example/b.png\" alt=\"Buy now\"></a>"
	    "<a href=\"http://a.example/2\">Text <img src=\"http://a.example/"
	    "c.png\" alt=\"Alt\"> wins</a>"
	    "<a href=\"http://a.example/3\"><img src=\"http://a.example/d.png\">"
	    "</a>");
	assert_int_equal(r.links.n, 6);
	assert_string_equal(link_to(&r, "http://a.example/1")->text, "Buy now");
	assert_string_equal(link_to(&r, "http://a.example/2")->text,
	    "Text wins");
	assert_null(link_to(&r, "http://a.example/3")->text);
	assert_string_equal(text(&r), "Text wins");
	run_free(&r);
}

static void
test_skipped_urls(void **state)
{
	struct run r;

	extract(state, &r, "<a href=\"javascript:alert(1)\">a</a>"
	    "<a href=\" JavaScript:void(0)\">b</a>"
	    "<a href=\"java&#9;script:x()\">c</a>"
	    "<a href=\"vbscript:x\">d</a>"
	    "<img src=\"data:image/gif;base64,R0lGOD\">"
	    "<a href=\"#top\">e</a><a href=\"\">f</a><a href=\"  \">g</a>"
	    "<a name=\"anchor\">h</a><img alt=\"no src\">"
	    "<a href=\"mailto:info@m.example\">kept</a>"
	    "<img src=\"cid:part1@m.example\">");
	assert_int_equal(r.links.n, 2);
	assert_non_null(link_to(&r, "mailto:info@m.example"));
	assert_non_null(link_to(&r, "cid:part1@m.example"));
	run_free(&r);
}

static void
test_depth_limit(void **state)
{
	rf_limits lim;
	rf_ctx *ctx = NULL;
	struct run r;
	rf_buf html;
	size_t i;

	rf_limits_default(&lim);
	lim.max_html_depth = 32;
	assert_int_equal(rf_ctx_new(&lim, &ctx, NULL), RF_OK);

	/* a little too deep: the deep part is skipped, the rest is read */
	rf_buf_init(&html, 0);
	rf_buf_puts(&html, "<p>start</p>");
	for (i = 0; i < 40; i++)
		rf_buf_puts(&html, "<div>");
	rf_buf_puts(&html, "deep<a href=\"http://deep.example/\">x</a>");
	for (i = 0; i < 40; i++)
		rf_buf_puts(&html, "</div>");
	rf_buf_puts(&html, "<p>after</p><a href=\"http://after.example/\">y</a>");
	run_init(&r, 1 << 20, 100);
	extract_n(ctx, &r, html.data, html.len);
	assert_true(r.out.limits_hit & RF_LIMIT_HTML_DEPTH);
	assert_string_equal(text(&r), "start\nafter\ny");
	assert_int_equal(r.links.n, 1);
	assert_non_null(link_to(&r, "http://after.example/"));
	run_free(&r);

	/* 100000 nested elements: no crash, the limit is reported */
	rf_buf_reset(&html);
	rf_buf_puts(&html, "<p>start</p>");
	for (i = 0; i < 100000; i++)
		rf_buf_puts(&html, i % 2 ? "<div>" : "<span>");
	rf_buf_puts(&html, "deep");
	for (i = 0; i < 100000; i++)
		rf_buf_puts(&html, i % 2 ? "</span>" : "</div>");
	run_init(&r, 1 << 20, 100);
	extract_n(ctx, &r, html.data, html.len);
	assert_true(r.out.limits_hit & RF_LIMIT_HTML_DEPTH);
	assert_string_equal(text(&r), "start");
	run_free(&r);
	rf_buf_free(&html);
	rf_ctx_free(ctx);
}

static void
test_links_limit(void **state)
{
	struct run r;
	rf_buf html;
	int i;

	rf_buf_init(&html, 0);
	for (i = 0; i < 10; i++)
		rf_buf_printf(&html, "<a href=\"http://l%d.example/\">l%d</a> ",
		    i, i);
	rf_buf_puts(&html, "<p>the end</p>");
	run_init(&r, 1 << 20, 3);
	extract_n(*state, &r, html.data, html.len);
	assert_int_equal(r.links.n, 3);
	assert_true(r.links.limit_hit);
	assert_true(r.out.limits_hit & RF_LIMIT_LINKS);
	assert_string_equal(r.links.v[2].url, "http://l2.example/");
	assert_string_equal(r.links.v[2].text, "l2");
	/* the text goes on */
	assert_string_equal(text(&r), "l0 l1 l2 l3 l4 l5 l6 l7 l8 l9\nthe end");
	run_free(&r);
	rf_buf_free(&html);
}

static void
test_text_limit(void **state)
{
	struct run r;

	/* 2-byte characters, cut at 9 bytes: never half a character */
	run_init(&r, 9, 100);
	extract_n(*state, &r, "<p>\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9</p><a href=\"http://t.example/\">later link</a>", SIZE_MAX);
	assert_true(r.out.limits_hit & RF_LIMIT_TEXT_SIZE);
	assert_true(r.text.truncated);
	assert_int_equal(r.text.len, 8);
	assert_true(utf8_valid(r.text.data, r.text.len));
	/* links after the cut are still found, with their own text */
	assert_int_equal(r.links.n, 1);
	assert_string_equal(r.links.v[0].text, "later link");
	run_free(&r);
}

static void
test_malformed(void **state)
{
	static const char *docs[] = {
		"<p>one<p>two<a href='http://m.example/1'>link",
		"<a href=http://m.example/2 >unquoted</a></b></i></div></td>",
		"<<<>>><p <a href=\"\"<div>>>",
		"<table><td>no row<td>cells</table></table></tr>",
		"<a href=\"http://m.example/3\"><a href=\"http://m.example/4\">"
		    "nested</a></a>",
		"<!-- unclosed comment <a href=\"http://m.example/5\">",
		"<div style=\"display:none",
		"<style>p{background:url(http://m.example/6",
		"<script>never closed <a href='http://m.example/7'>",
		"</html></body><body><html><p>again</p>",
		"<img src=\"http://m.example/8\" width=99999999999999999999>",
		"<p>x</p><style=\"a:b\">",	/* empty sheet (fuzzer) */
	};
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		extract(state, &r, docs[i]);
		assert_true(utf8_valid(rf_buf_cstr(&r.text), r.text.len));
		run_free(&r);
	}
	extract(state, &r, docs[0]);
	assert_string_equal(text(&r), "one\ntwolink");
	assert_string_equal(r.links.v[0].text, "link");
	run_free(&r);
	extract(state, &r, docs[1]);
	assert_string_equal(r.links.v[0].url, "http://m.example/2");
	run_free(&r);
	extract(state, &r, docs[4]);
	assert_int_equal(r.links.n, 2);
	assert_string_equal(r.links.v[1].text, "nested");
	run_free(&r);
	extract(state, &r, docs[7]);
	assert_non_null(link_to(&r, "http://m.example/6"));
	run_free(&r);
	extract(state, &r, docs[10]);
	assert_int_equal(r.links.v[0].width, 100000);
	run_free(&r);
}

static void
test_garbage(void **state)
{
	struct run r;
	unsigned char *g;
	uint32_t x = 2463534242u;
	size_t i, n = 256 * 1024;

	g = malloc(n);
	assert_non_null(g);
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		/* plenty of markup characters among the noise */
		g[i] = (x & 0x300) == 0 ? (unsigned char)"<>/=\"' a"[x & 7] :
		    (unsigned char)x;
	}
	run_init(&r, 1 << 20, 100);
	extract_n(*state, &r, (const char *)g, n);
	assert_true(utf8_valid(rf_buf_cstr(&r.text), r.text.len));
	run_free(&r);
	free(g);

	/* NUL bytes and invalid UTF-8 become U+FFFD */
	run_init(&r, 1 << 20, 100);
	extract_n(*state, &r, "<p>a\0b\xff" "c\xc3(d</p>", 15);
	assert_string_equal(text(&r), "a\xef\xbf\xbd" "b\xef\xbf\xbd"
	    "c\xef\xbf\xbd(d");
	run_free(&r);
}

static void
test_empty(void **state)
{
	struct run r;

	run_init(&r, 1 << 20, 100);
	extract_n(*state, &r, "", 0);
	extract_n(*state, &r, NULL, 0);
	extract_n(*state, &r, "   \n ", SIZE_MAX);
	extract_n(*state, &r, "<html></html>", SIZE_MAX);
	assert_int_equal(r.text.len, 0);
	assert_int_equal(r.links.n, 0);
	assert_int_equal(r.out.flags, 0);
	assert_int_equal(r.out.limits_hit, 0);
	run_free(&r);
}

static void
test_unicode(void **state)
{
	struct run r;

	/* the declared charset and a UTF-16 BOM lookalike change nothing */
	extract(state, &r, "<html><head><meta charset=\"iso-8859-1\"><meta "
	    "http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\">"
	    "</head><body><p>\xc3\x9cnic\xc3\xb6" "de "
	    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 "
	    "\xe4\xbd\xa0\xe5\xa5\xbd</p>"
	    "<p>pay\xe2\x80\x8bpal soft\xc2\xad" "hyphen\xef\xbb\xbf</p>"
	    "</body></html>");
	assert_string_equal(text(&r), "\xc3\x9cnic\xc3\xb6" "de "
	    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 "
	    "\xe4\xbd\xa0\xe5\xa5\xbd\npaypal softhyphen");
	run_free(&r);
	run_init(&r, 1 << 20, 100);
	extract_n(*state, &r, "\xff\xfe<p>x</p>", 10);
	assert_string_equal(text(&r), "\xef\xbf\xbd\xef\xbf\xbd\nx");
	run_free(&r);
}

static void
test_appends(void **state)
{
	struct run r;

	run_init(&r, 1 << 20, 100);
	rf_buf_puts(&r.text, "previous part");
	extract_n(*state, &r, "<a href=\"http://p.example/\">new</a>", SIZE_MAX);
	extract_n(*state, &r, "<p>third</p>", SIZE_MAX);
	assert_string_equal(text(&r), "previous part\nnew\nthird");
	assert_int_equal(r.links.v[0].part, 7);
	run_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_basic),
		cmocka_unit_test(test_script_style_head),
		cmocka_unit_test(test_hidden_variants),
		cmocka_unit_test(test_hidden_inside_words),
		cmocka_unit_test(test_hidden_links),
		cmocka_unit_test(test_href_entities),
		cmocka_unit_test(test_text_host),
		cmocka_unit_test(test_images),
		cmocka_unit_test(test_srcset),
		cmocka_unit_test(test_svg_link_loads),
		cmocka_unit_test(test_media_links),
		cmocka_unit_test(test_meta_refresh),
		cmocka_unit_test(test_ping),
		cmocka_unit_test(test_text_urls),
		cmocka_unit_test(test_base),
		cmocka_unit_test(test_css_links),
		cmocka_unit_test(test_form_area),
		cmocka_unit_test(test_anchor_image_alt),
		cmocka_unit_test(test_skipped_urls),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_links_limit),
		cmocka_unit_test(test_text_limit),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_unicode),
		cmocka_unit_test(test_appends),
	};

	return cmocka_run_group_tests_name("html", tests, ctx_setup,
	    ctx_teardown);
}
