/*
 * test_rewrite_sites.c - the clean policy "sites" (rf_rewrite_collect_sites,
 * redflag/rewrite.h; rf__rewrite_site_form in lib/rewrite_sites.c): every
 * link reduced to its site, mailto: to the address, remote images and web
 * bugs emptied.  A whole message (an HTML part and a text part: path
 * codes the analysis cannot find, a code in a host label, the recipient's
 * address in a path, mailto with ?subject=, a remote image and a 1x1
 * bug) against its exact expected output, with the links policy leaving
 * the codes it cannot find; the site form of single links (schemes, user
 * info, ports, backslashes, relative links, forms, cid:, data:); one
 * copy for two recipients, the stronger form winning whatever the order;
 * one URL both a link and an image; unquoted attributes emptied as "";
 * and max_rewrite_edits.
 */
#include <string.h>

#include "testutil.h"
#include "rewrite_fx.h"

#include "../../lib/rewrite_int.h"

/* A spam message (bulk: List-Unsubscribe) for jane.doe@rcpt.test. */
static const char MSG[] =
    RW_FX_FROM RW_FX_UNSUB
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/alternative; boundary=\"b1\"\n"
    "\n"
    "--b1\n"
    "Content-Type: text/plain; charset=us-ascii\n"
    "\n"
    "Deal: https://shop.test/ad/QWERTYUIOPAS?u=8812345\n"
    "Unsubscribe: http://list.shop.test/u.php?id=8812345.\n"
    "Click: http://go.shop.test/c/a7.x3k.b2\n"
    "Write: mailto:remove@shop.test?subject=remove%208812345\n"
    "--b1\n"
    "Content-Type: text/html; charset=us-ascii\n"
    "\n"
    "<p><a href=\"https://shop.test/ad/QWERTYUIOPAS?u=8812345\">Deal</a>\n"
    "<a href=\"http://a8f3k2m9x7q1w5e4r6t0y.click.shop.test/c?x=1\">"
    "Click</a>\n"
    "<a href=\"https://user@shop.test:8443/p/jane.doe%40rcpt.test\">You"
    "</a>\n"
    "<a href=\"mailto:remove@shop.test?subject=remove%208812345&amp;"
    "body=id\">Remove</a>\n"
    "<img src=\"https://img.shop.test/banner.jpg\" width=\"600\" "
    "height=\"200\">\n"
    "<img src=\"https://t.shop.test/open.gif?r=8812345\" width=\"1\" "
    "height=\"1\">\n"
    "<a href=\"https://shop.test/\">Home</a></p>\n"
    "--b1--\n";

/* MSG cleaned under sites: the headers (List-Unsubscribe is a header:
 * kept) and boundaries as they were. */
static const char WANT[] =
    "From: Deals <deals@shop.test>\n"
    "To: jane.doe@rcpt.test\n"
    "Subject: Big deals\n"
    "List-Unsubscribe: <https://shop.test/unsub/8812345>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/alternative; boundary=\"b1\"\n"
    "\n"
    "--b1\n"
    "Content-Type: text/plain; charset=us-ascii\n"
    "\n"
    "Deal: https://shop.test/\n"
    "Unsubscribe: http://list.shop.test/.\n"
    "Click: http://go.shop.test/\n"
    "Write: mailto:remove@shop.test\n"
    "--b1\n"
    "Content-Type: text/html; charset=us-ascii\n"
    "\n"
    "<p><a href=\"https://shop.test/\">Deal</a>\n"
    "<a href=\"http://redflag-removed.click.shop.test/\">Click</a>\n"
    "<a href=\"https://shop.test/\">You</a>\n"
    "<a href=\"mailto:remove@shop.test\">Remove</a>\n"
    "<img src=\"\" width=\"600\" height=\"200\">\n"
    "<img src=\"\" width=\"1\" height=\"1\">\n"
    "<a href=\"https://shop.test/\">Home</a></p>\n"
    "--b1--\n";

#define RCPT RW_FX_RCPT

/* clean: MSG analysed for RCPT and cleaned with the collects named in
 * order ('l' links, 'k' known, 's' sites; one analysis each, as for
 * several recipients of one copy) under max_rewrite_edits max (0: the
 * default); the output in *out, the stats in *st. */
static void
clean(const char *order, size_t max, rf_buf *out, rf_rewrite_stats *st)
{
	rf_rules *rules = shipped_rules();
	rf_ctx *ctx = test_ctx();
	rf_message *m = NULL;
	rf_rewrite *rw = NULL;
	rf_limits lim;
	const char *o;

	rf_limits_default(&lim);
	if (max > 0)
		lim.max_rewrite_edits = max;
	assert_int_equal(rf_message_parse(ctx, MSG, sizeof(MSG) - 1, &m,
	    NULL), RF_OK);
	assert_int_equal(rf_rewrite_new(&lim, &rw, NULL), RF_OK);
	for (o = order; *o != '\0'; o++) {
		assert_int_equal(rf_tracking_message(ctx, rules, m, RCPT,
		    NULL), RF_OK);
		assert_int_equal(*o == 's' ? rf_rewrite_collect_sites(rw, m,
		    NULL) : *o == 'k' ? rf_rewrite_collect_known(rw, rules, m,
		    NULL) : rf_rewrite_collect(rw, m, NULL), RF_OK);
	}
	assert_int_equal(rf_rewrite_prepare(rw, MSG, sizeof(MSG) - 1, NULL),
	    RF_OK);
	rf_buf_init(out, 0);
	assert_int_equal(rf_rewrite_write(rw, 0, out, NULL), RF_OK);
	assert_int_equal(rf_buf_putc(out, '\0'), 0);
	out->len--;
	rf_rewrite_get_stats(rw, st);
	assert_int_equal(st->links + st->bugs + st->sites + st->addresses +
	    st->images + st->emptied + st->missed, rw->nsubst);
	rf_rewrite_free(rw);
	rf_message_free(m);
	rf_ctx_free(ctx);
	rf_rules_free(rules);
}

/* test_message: MSG under sites gives WANT exactly: 5 distinct links
 * reduced to their sites (the deal link of both parts, the unsubscribe
 * and click links, the click-tracking host with its code in a label, the
 * user-info and port link with the address in its path), 2 mail links
 * (text, HTML) to the address, 2 images emptied (the banner, the bug),
 * nothing missed; the home link is a site already.  The links policy
 * leaves the codes the analysis cannot find (the 12-letter key, the
 * 7-digit id, the dotted click code) and the banner. */
static void
test_message(void **state)
{
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	clean("s", 0, &out, &st);
	if (strcmp(out.data, WANT) != 0)
		fail_msg("sites gave:\n%s", out.data);
	assert_int_equal(st.sites_policy, 1);
	assert_int_equal(st.sites, 5);
	assert_int_equal(st.addresses, 2);
	assert_int_equal(st.images, 2);
	assert_int_equal(st.emptied, 0);
	assert_int_equal(st.links + st.bugs + st.missed + st.skipped, 0);
	assert_int_equal(st.limits_hit, 0);
	rf_buf_free(&out);

	clean("l", 0, &out, &st);
	assert_int_equal(st.sites_policy, 0);
	assert_int_equal(st.sites + st.addresses + st.images, 0);
	assert_int_equal(st.links, 2);
	assert_int_equal(st.bugs, 1);
	assert_non_null(strstr(out.data, "\nDeal: https://shop.test/ad/"
	    "QWERTYUIOPAS?u=8812345\n"));
	assert_non_null(strstr(out.data, "?id=8812345.\n"));
	assert_non_null(strstr(out.data, "/c/a7.x3k.b2\n"));
	assert_non_null(strstr(out.data, "src=\"https://img.shop.test/"));
	rf_buf_free(&out);
}

/* test_recipients: one copy for several recipients: a link collected by
 * links or known first takes the site form (counted once, as a site, not
 * as a link), and one collected by sites first keeps it: every order
 * gives WANT and the same counts. */
static void
test_recipients(void **state)
{
	static const char *const orders[] = { "ks", "ls", "sk", "sl", "kls",
	    "ss" };
	rf_rewrite_stats st;
	rf_buf out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		clean(orders[i], 0, &out, &st);
		if (strcmp(out.data, WANT) != 0)
			fail_msg("%s gave:\n%s", orders[i], out.data);
		if (st.sites != 5 || st.addresses != 2 || st.images != 2 ||
		    st.links + st.bugs + st.missed != 0)
			fail_msg("%s: %zu sites, %zu addresses, %zu images, "
			    "%zu links, %zu bugs, %zu missed", orders[i],
			    st.sites, st.addresses, st.images, st.links,
			    st.bugs, st.missed);
		rf_buf_free(&out);
	}
}

/* test_max_edits: max_rewrite_edits 1: the text part changes, the HTML
 * part is left as it was (limits_hit), its links counted missed. */
static void
test_max_edits(void **state)
{
	rf_rewrite_stats st;
	rf_buf out;
	const char *html;

	(void)state;
	clean("s", 1, &out, &st);
	assert_int_equal(st.limits_hit, RF_LIMIT_REWRITE_EDITS);
	assert_non_null(strstr(out.data, "\nDeal: https://shop.test/\n"));
	html = strstr(MSG, "<p>");
	assert_non_null(html);
	assert_non_null(strstr(out.data, html));
	/* missed: the deal link (replaced in the text, not in the HTML:
	 * one of two), the click, address, mailto, banner and bug links of
	 * the HTML; replaced: the text's unsubscribe, click and mailto links */
	print_message("max_rewrite_edits 1: %zu sites, %zu addresses, %zu "
	    "images, %zu missed\n", st.sites, st.addresses, st.images,
	    st.missed);
	assert_int_equal(st.missed, 6);
	assert_int_equal(st.sites + st.addresses + st.images, 3);
	rf_buf_free(&out);
}

/* sites: msg cleaned for RCPT under sites; the output (NUL-terminated)
 * in *out, the stats in *st. */
static void
sites(const char *msg, rf_buf *out, rf_rewrite_stats *st)
{
	rf_rules *rules = shipped_rules();
	rf_ctx *ctx = test_ctx();

	rw_clean(ctx, rules, msg, strlen(msg), RCPT, 's', out, st);
	rf_ctx_free(ctx);
	rf_rules_free(rules);
}

/* test_unquoted: an image and a background in unquoted attributes (any
 * case, white space around '=', "&amp;" in the value) are emptied as "",
 * so that the next attribute is not read as the URL; a link reduced to
 * its site stays unquoted.  A relative link whose value holds a double
 * quote is left as it is, reported missed: the rewriter never removes a
 * quote byte from HTML (s19-rw's markup rule; until s20 the quote pass of
 * this policy put it in single quotes first); "src=URL" in the text is
 * emptied as nothing: no attribute value starts there (s20-rweq: the
 * tokenizer tells text from a tag; before, the "" was written right
 * after any '=').  The "" is the rewriter's one rule for every policy
 * (EMPTY_VALUE, s20), no pass of this one. */
static void
test_unquoted(void **state)
{
	static const char msg[] =
	    "From: a@shop.test\nTo: " RCPT "\nSubject: s\n"
	    "Content-Type: text/html\n\n"
	    "<img src=http://img.shop.test/a.gif WIDTH=550><IMG\n"
	    "SRC = http://img.shop.test/b.gif?a=1&amp;b=2>\n"
	    "<td background=bg.jpg><a href=x/3D\"y.html height=3>z</a>\n"
	    "<a href=http://shop.test/q>y</a> src=http://img.shop.test/a.gif\n";
	static const char want[] =
	    "From: a@shop.test\nTo: " RCPT "\nSubject: s\n"
	    "Content-Type: text/html\n\n"
	    "<img src=\"\" WIDTH=550><IMG\n"
	    "SRC = \"\">\n"
	    "<td background=\"\"><a href=x/3D\"y.html height=3>z</a>\n"
	    "<a href=http://shop.test/>y</a> src=\n";
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	sites(msg, &out, &st);
	if (strcmp(out.data, want) != 0)
		fail_msg("sites gave:\n%s", out.data);
	assert_int_equal(st.images, 3);
	assert_int_equal(st.emptied, 0);
	assert_int_equal(st.sites, 1);
	assert_int_equal(st.missed, 1);
	rf_buf_free(&out);
}

/* test_paren: a text link whose site form holds more '(' than ')' is not
 * written before a ')' of the text, which it would take in: the analysis
 * leaves a URL's last ')' out only when it closes no '(' of the URL, so
 * "(see ftp://(/x))" read "ftp://(/x)", and its form "ftp://(/" written
 * there read "ftp://(/)", a link the input did not have (s30's ninth
 * strict run; seeds paren-site-form, -min), and the same across a comma
 * (",)": run 12, -comma) or with square brackets.  Left, and counted
 * missed; a form with balanced parentheses is written, and so is one
 * before no closing bracket ("[ftp://(/y),]" gives "[ftp://(/,]", read
 * "ftp://(/" as written). */
static void
test_paren(void **state)
{
	static const char msg[] =
	    "From: a@shop.test\nTo: " RCPT "\nSubject: s\n\n"
	    "(see ftp://(/x)) or (http://shop.test/a(1)b.html)\n"
	    "[ftp://(/y),] and [ftp://[/z]]\n";
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	sites(msg, &out, &st);
	assert_non_null(strstr(out.data, "(see ftp://(/x)) or "
	    "(http://shop.test/)\n[ftp://(/,] and [ftp://[/z]]\n"));
	assert_int_equal(st.missed, 2);
	assert_int_equal(st.sites, 2);
	rf_buf_free(&out);
}

/* test_inside: a text link's site form in which the analysis would read
 * a link after its first byte is not written; the link is emptied
 * ("www.a@(www.b.example/x": its user info dropped, "(www.b.example/"
 * reads "www.b.example/", a link the input did not have: s30's
 * fourteenth strict run, seed www-userinfo-site).  A form read from its
 * first byte, or read as no link, is written as before. */
static void
test_inside(void **state)
{
	static const char msg[] =
	    "From: a@shop.test\nTo: " RCPT "\nSubject: s\n\n"
	    "See www.a@(www.b.example/x now\n"
	    "or www.a@shop.test/p and http://u@a(www.c.example/q\n";
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	sites(msg, &out, &st);
	assert_non_null(strstr(out.data, "See  now\n"
	    "or shop.test/ and http://a(www.c.example/\n"));
	assert_int_equal(st.missed, 0);
	assert_int_equal(st.sites, 2);
	assert_int_equal(st.emptied, 1);
	rf_buf_free(&out);
}

/* test_shared: one URL that is a link in the text part and an image (a
 * web bug) in the HTML part is emptied in both (the image's need holds
 * for every occurrence), whichever comes first. */
static void
test_shared(void **state)
{
	static const char msg[] =
	    "From: a@shop.test\nTo: " RCPT "\nSubject: s\nMIME-Version: "
	    "1.0\nContent-Type: multipart/alternative; boundary=\"b\"\n\n"
	    "--b\nContent-Type: text/plain\n\nSee http://65.118.38.254/"
	    "blank.gif now\n--b\nContent-Type: text/html\n\n<img height=1 "
	    "src=\"http://65.118.38.254/blank.gif\" width=1>\n--b--\n";
	static const char want[] =
	    "From: a@shop.test\nTo: " RCPT "\nSubject: s\nMIME-Version: "
	    "1.0\nContent-Type: multipart/alternative; boundary=\"b\"\n\n"
	    "--b\nContent-Type: text/plain\n\nSee  now\n--b\n"
	    "Content-Type: text/html\n\n<img height=1 src=\"\" width=1>\n"
	    "--b--\n";
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	sites(msg, &out, &st);
	if (strcmp(out.data, want) != 0)
		fail_msg("sites gave:\n%s", out.data);
	assert_int_equal(st.images, 1);
	assert_int_equal(st.sites + st.missed, 0);
	rf_buf_free(&out);
}

/* One link and what sites makes of it. */
struct form_case {
	const char *url;
	rf_link_kind kind;
	const char *clean;	/* tracking: the analysis' clean form */
	int site;		/* RF__SITE_* */
	const char *to;		/* NULL with RF__SITE_NONE */
};

/* test_forms: rf__rewrite_site_form on single links. */
static void
test_forms(void **state)
{
	static const struct form_case cases[] = {
	    { "https://user:pw@Shop.Test:8443/p/q?x=1#f", RF_LINK_HREF, NULL,
	      RF__SITE_LINK, "https://Shop.Test/" },
	    { "http:\\\\evil.test\\p?id=1", RF_LINK_HREF, NULL,
	      RF__SITE_LINK, "http://evil.test/" },
	    { "http:evil.test/p", RF_LINK_HREF, NULL, RF__SITE_LINK,
	      "http://evil.test/" },
	    { "HTTP:///evil.test/p", RF_LINK_TEXT, NULL, RF__SITE_LINK,
	      "HTTP://evil.test/" },
	    { " https://shop.test/p\n?x=1 ", RF_LINK_HREF, NULL,
	      RF__SITE_LINK, "https://shop.test/" },
	    { "https://shop.test/", RF_LINK_HREF, NULL, RF__SITE_NONE, NULL },
	    { "https://shop.test", RF_LINK_TEXT, NULL, RF__SITE_NONE, NULL },
	    { " https://shop.test/ ", RF_LINK_HREF, NULL, RF__SITE_NONE,
	      NULL },
	    { "www.shop.test/p?id=1234567", RF_LINK_TEXT, NULL,
	      RF__SITE_LINK, "www.shop.test/" },
	    { "ftp://files.test/pub/x", RF_LINK_HREF, NULL, RF__SITE_LINK,
	      "ftp://files.test/" },
	    { "git://h.test:9418/r.git", RF_LINK_HREF, NULL, RF__SITE_LINK,
	      "git://h.test/" },
	    { "http://[2001:db8::1]:8080/p", RF_LINK_HREF, NULL,
	      RF__SITE_LINK, "http://[2001:db8::1]/" },
	    { "http://", RF_LINK_HREF, NULL, RF__SITE_EMPTY, "" },
	    { "page.html?id=1", RF_LINK_HREF, NULL, RF__SITE_EMPTY, "" },
	    { "#top", RF_LINK_HREF, NULL, RF__SITE_NONE, NULL },
	    { "", RF_LINK_HREF, NULL, RF__SITE_NONE, NULL },
	    { "mailto:a@b.test?subject=id%3D1234567&body=x", RF_LINK_HREF,
	      NULL, RF__SITE_ADDR, "mailto:a@b.test" },
	    { "MAILTO:a@b.test#x", RF_LINK_TEXT, NULL, RF__SITE_ADDR,
	      "MAILTO:a@b.test" },
	    { "mailto:a@b.test", RF_LINK_HREF, NULL, RF__SITE_NONE, NULL },
	    { "tel:+1234567", RF_LINK_HREF, NULL, RF__SITE_NONE, NULL },
	    { "javascript:void(0)", RF_LINK_HREF, NULL, RF__SITE_NONE, NULL },
	    { "https://x.test/subscribe", RF_LINK_FORM, NULL, RF__SITE_EMPTY,
	      "" },
	    { "https://img.test/a.jpg", RF_LINK_IMG, NULL, RF__SITE_IMAGE,
	      "" },
	    { "//cdn.test/x.gif", RF_LINK_IMG, NULL, RF__SITE_IMAGE, "" },
	    { "https://img.test/", RF_LINK_CSS, NULL, RF__SITE_IMAGE, "" },
	    { "images/x.gif", RF_LINK_IMG, NULL, RF__SITE_IMAGE, "" },
	    { "cid:part1.x@y", RF_LINK_IMG, NULL, RF__SITE_NONE, NULL },
	    { "data:image/gif;base64,R0lGOD", RF_LINK_IMG, NULL,
	      RF__SITE_NONE, NULL },
	    /* tracking: the host from the clean form */
	    { "http://a8f3k2m9x7q1w5e4r6t0y.click.test/c?x=1", RF_LINK_HREF,
	      "http://redflag-removed.click.test/c?x=1", RF__SITE_LINK,
	      "http://redflag-removed.click.test/" },
	    { "https://click.esp.test/r?u=https%3A%2F%2Fshop.test%2Fp",
	      RF_LINK_HREF, "https://shop.test/p", RF__SITE_LINK,
	      "https://shop.test/" },
	    { "mailto:jane.doe@rcpt.test?subject=x", RF_LINK_HREF,
	      "mailto:redflag-removed?subject=x", RF__SITE_ADDR,
	      "mailto:redflag-removed" },
	    { "cid:x", RF_LINK_IMG, "", RF__SITE_IMAGE, "" },
	    { "https://t.test/o.gif", RF_LINK_IMG, "", RF__SITE_IMAGE, "" },
	};
	rf_arena *a = rf_arena_new();
	size_t i;

	(void)state;
	assert_non_null(a);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct form_case *c = &cases[i];
		rf_link l;
		const char *to = "unset";
		int site;

		memset(&l, 0, sizeof(l));
		l.url = c->url;
		l.kind = c->kind;
		l.tracking = c->clean != NULL;
		l.clean = c->clean != NULL ? c->clean : c->url;
		site = rf__rewrite_site_form(a, &l, &to);
		if (site != c->site || (c->to == NULL ? to != NULL : to ==
		    NULL || strcmp(to, c->to) != 0))
			fail_msg("%s: %d [%s], want %d [%s]", c->url, site,
			    to != NULL ? to : "(null)", c->site,
			    c->to != NULL ? c->to : "(null)");
	}
	rf_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_recipients),
		cmocka_unit_test(test_max_edits),
		cmocka_unit_test(test_unquoted),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_paren),
		cmocka_unit_test(test_inside),
		cmocka_unit_test(test_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
