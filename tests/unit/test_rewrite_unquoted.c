/*
 * test_rewrite_unquoted.c - a web bug written as an unquoted attribute
 * value with white space after the '=' ("src= URL", "src = URL", a tab
 * or a line end after the '='; and "src =URL"), emptied under every
 * policy (links, the default; known; sites), is written "" (EMPTY_VALUE,
 * lib/rewrite_leaf.c; the values found by lib/rewrite_value.c), so that
 * the next attribute is not read as its value.  Before s20 the policies
 * links and known wrote "src= width=1", which the analysis (as a browser)
 * reads as src "width=1": a link the input did not have; sites had a pass
 * of its own for it (rf__rewrite_quote), now gone.
 * docs/design/tracking-record.md, "One empty-value rule for every policy
 * (s20)".  Also: no replacement starts at a tag's name (s31), nor in a
 * start tag's blanks outside its values, nor across a ping's white
 * space, and no empty to is written over a name (s32).
 */
#include <string.h>

#include "testutil.h"
#include "rewrite_fx.h"

#define RCPT RW_FX_RCPT

/* Five web bugs (1x1, the list's id in the query), each an unquoted src
 * with white space about the '='; a quoted alt that only looks like one
 * ("x= URL" in quotes: no value starts there) and a plain image. */
static const char MSG[] =
    RW_FX_FROM RW_FX_UNSUB RW_FX_HTML
    "<p>Hello</p>\n"
    "<img src= http://t.shop.test/o1.gif?r=8812345 width=1 height=1>\n"
    "<img src =http://t.shop.test/o2.gif?r=8812345 width=1 height=1>\n"
    "<img src = http://t.shop.test/o3.gif?r=8812345 width=1 height=1>\n"
    "<img src=\thttp://t.shop.test/o4.gif?r=8812345 width=1 height=1>\n"
    "<img src=\nhttp://t.shop.test/o5.gif?r=8812345 width=1 height=1>\n"
    "<img alt=\"x= http://t.shop.test/o1.gif?r=8812345\" src=a.gif>\n";

/* MSG's body cleaned (any policy), then the last line: the plain image
 * kept (links, known) or emptied (sites: a relative image). */
static const char BODY[] =
    "<p>Hello</p>\n"
    "<img src= \"\" width=1 height=1>\n"
    "<img src =\"\" width=1 height=1>\n"
    "<img src = \"\" width=1 height=1>\n"
    "<img src=\t\"\" width=1 height=1>\n"
    "<img src=\n\"\" width=1 height=1>\n"
    "<img alt=\"x= \" src=%s>\n";

/* What new_link looks for: the input's URLs (NULL ends them), and how
 * many links of the output are none of them. */
struct urls {
	const char *const *in;
	size_t fresh;
	char first[64];		/* the first such URL */
};

/* new_link: counts in arg (a struct urls) l when its URL is none of the
 * input's (header links aside). */
static int
new_link(rf_link *l, void *arg)
{
	struct urls *u = arg;
	size_t i;

	if (l->kind == RF_LINK_HEADER)
		return 0;
	for (i = 0; u->in[i] != NULL; i++)
		if (strcmp(u->in[i], l->url) == 0)
			return 0;
	if (u->fresh++ == 0)
		snprintf(u->first, sizeof(u->first), "%s", l->url);
	return 0;
}

/* test_unquoted_bugs: under each policy the five bugs are emptied, none
 * missed, the body is BODY exactly, and the output analysed again has no
 * link the input did not have (on the base, links and known gave four
 * "width=1" images: "src= width=1" read as src "width=1"; sites had it
 * right by its own pass). */
static void
test_unquoted_bugs(void **state)
{
	static const char *const in[] = {
	    "http://t.shop.test/o1.gif?r=8812345",
	    "http://t.shop.test/o2.gif?r=8812345",
	    "http://t.shop.test/o3.gif?r=8812345",
	    "http://t.shop.test/o4.gif?r=8812345",
	    "http://t.shop.test/o5.gif?r=8812345", "a.gif", NULL };
	struct rw_fx *fx = *state;
	rf_rules *rules = fx->rules;
	rf_ctx *ctx = fx->ctx;
	const char *p, *body;
	char want[sizeof(BODY) + 8];
	rf_rewrite_stats st;
	rf_buf out;

	for (p = "lks"; *p != '\0'; p++) {
		rf_message *again = NULL;
		struct urls u = { in, 0, "" };

		rw_clean(ctx, rules, MSG, sizeof(MSG) - 1, RCPT, *p, &out,
		    &st);
		body = strstr(out.data, "\n\n");
		assert_non_null(body);
		assert_int_equal(rf_message_parse(ctx, out.data, out.len,
		    &again, NULL), RF_OK);
		assert_int_equal(rf_tracking_message(ctx, rules, again, RCPT,
		    NULL), RF_OK);
		assert_int_equal(rf_tracking_walk(again, new_link, &u), 0);
		if (u.fresh != 0)
			fail_msg("policy %c: %zu new links (%s)", *p, u.fresh,
			    u.first);
		snprintf(want, sizeof(want), BODY, *p == 's' ? "\"\"" :
		    "a.gif");
		if (strcmp(body + 2, want) != 0)
			fail_msg("policy %c gave:\n%s", *p, body + 2);
		assert_int_equal(st.missed, 0);
		assert_int_equal(*p == 's' ? st.images : st.bugs,
		    *p == 's' ? 6 : 5);
		rf_message_free(again);
		rf_buf_free(&out);
	}
}

/* test_tag_names: web bugs whose URLs are tag names ("img", "p",
 * "style"), emptied under each policy, and nothing made where a start
 * tag's name starts, as at an attribute's (s31): before, "<img" became
 * "< ", text, so that the tag's bytes after it were read anew (seed
 * unclosed-tag-name: "<img src=img width=1 height=1<a href=t", one img
 * whose height is "1<a", became text and a link "t"), and "<style>"
 * became "<>" (an end tag's name follows a '/', where no occurrence
 * stands alone). */
static void
test_tag_names(void **state)
{
	static const char msg[] =
	    RW_FX_FROM RW_FX_UNSUB RW_FX_HTML
	    "<p>Hello</p>\n"
	    "<img src=img width=1 height=1>\n"
	    "<IMG src=p width=1 height=1><style>b{}</style>\n"
	    "<img src=style width=1 height=1>\n";
	static const char body[] =
	    "<p>Hello</p>\n"
	    "<img src=\"\" width=1 height=1>\n"
	    "<IMG src=\"\" width=1 height=1><style>b{}</style>\n"
	    "<img src=\"\" width=1 height=1>\n";
	struct rw_fx *fx = *state;
	const char *p, *b;
	rf_rewrite_stats st;
	rf_buf out;

	for (p = "lks"; *p != '\0'; p++) {
		rw_clean(fx->ctx, fx->rules, msg, sizeof(msg) - 1, RCPT, *p,
		    &out, &st);
		b = strstr(out.data, "\n\n");
		assert_non_null(b);
		if (strcmp(b + 2, body) != 0)
			fail_msg("policy %c gave:\n%s", *p, b + 2);
		assert_int_equal(st.missed, 0);
		assert_int_equal(*p == 's' ? st.images : st.bugs, 3);
		rf_buf_free(&out);
	}
}

/* test_blank_before_value: seed ping-paren (s31's eleventh strict run,
 * reduced; also on 1f1e717): the web bug " \x95ype", a CSS string whose
 * blank the analysis keeps, emptied in "ping= \x95ype(" and "href=\n
 * \x95ype(" from the blank libxml2 skips after the '=': the links
 * "\x95ype(" became "(", links the input did not have.  No occurrence
 * starts in those blanks now (rf__rewrite_blank_spans): both kept, the
 * string emptied. */
static void
test_blank_before_value(void **state)
{
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	clean_seed("ping-paren", &st, &out);
	assert_int_equal(st.bugs, 1);
	assert_true(buf_has(&out, "url('\"><a ping= \x95ype(>p</a>"));
	assert_true(buf_has(&out, "<a href=\n \x95ype(>h</a>"));
	rf_buf_free(&out);
}

/* test_blank_after_value: seed blank-after-value (s32's first strict
 * run, reduced): the same web bug in "href=\n ping= \x95ype(", whose
 * href is "ping=" (the blanks after the '=' skipped, the value ended at
 * the next blank), emptied from the blank after that value: the href
 * became "ping=(".  No occurrence starts in a start tag's blanks outside
 * its values now (rf__rewrite_blank_spans; nor after a quoted value:
 * "title=\"t\" \x95ype(" kept). */
static void
test_blank_after_value(void **state)
{
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	clean_seed("blank-after-value", &st, &out);
	assert_int_equal(st.bugs, 1);
	assert_true(buf_has(&out, "url('\"><a href=\n ping= \x95ype(>h</a>"));
	assert_true(buf_has(&out, "<a title=\"t\" \x95ype(>i</a>"));
	rf_buf_free(&out);
}

/* test_empty_over_name: seed empty-over-name-sites (s32's third strict
 * run, reduced; also on 0eff62d): under the policy sites the image
 * "tps://t.example/a href=" (a quoted src) was emptied also in "<f=tps:
 * //t.example/a href=\"><a href=\">", where the occurrence holds the
 * name href: "<f=\"><a href=\">" read "\"><a href=" as one value, a
 * link the input did not have.  No empty to over a name now
 * (name_inside, lib/rewrite_leaf.c): kept there, emptied in the src. */
static void
test_empty_over_name(void **state)
{
	static const char msg[] =
	    RW_FX_FROM RW_FX_UNSUB RW_FX_HTML
	    "<f=tps://t.example/a href=\"><a href=\">x</a>"
	    "<img src=\"tps://t.example/a href=\">\n";
	static const char body[] =
	    "<f=tps://t.example/a href=\"><a href=\">x</a>"
	    "<img src=\"\">\n";
	struct rw_fx *fx = *state;
	const char *b;
	rf_rewrite_stats st;
	rf_buf out;

	rw_clean(fx->ctx, fx->rules, msg, sizeof(msg) - 1, RCPT, 's', &out,
	    &st);
	b = strstr(out.data, "\n\n");
	assert_non_null(b);
	if (strcmp(b + 2, body) != 0)
		fail_msg("gave:\n%s", b + 2);
	rf_buf_free(&out);
}

/* test_ping_blanks: seeds ping-paren-quoted and ping-blank-quote (the
 * same run): a ping's URLs are read between ASCII white space, so the
 * web bug " \x95ype" is no URL of "ping=' \x95ype('" (read "\x95ype(")
 * nor of "ping=\"( \x95ype(\"" (read "(" and "\x95ype("); emptied there
 * it made the pings "(" and "((" (the loop).  The web bug
 * "http://t.example/b.avif' \x95ype" of an unquoted url() holds a quote,
 * so it is replaced inside quoted values only (rf__rewrite_quoted_one):
 * emptied in a ping it made the ping "'".  Kept in pings now
 * (rf__rewrite_ping_spans, SPAN_PING), the url()s emptied; the second
 * counted missed, as any markup from left outside the values it is
 * replaced in (seed markup-left-live). */
static void
test_ping_blanks(void **state)
{
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	clean_seed("ping-paren-quoted", &st, &out);
	assert_int_equal(st.bugs, 1);
	assert_true(buf_has(&out, "url('\"><a ping=' \x95ype('>p</a>"));
	assert_true(buf_has(&out, "<a ping=\"( \x95ype(\">q</a>"));
	rf_buf_free(&out);
	clean_seed("ping-blank-quote", &st, &out);
	assert_int_equal(st.missed, 1);
	assert_true(buf_has(&out,
	    "url(\"><a ping=\"http://t.example/b.avif' "));
	rf_buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unquoted_bugs),
		cmocka_unit_test(test_tag_names),
		cmocka_unit_test(test_blank_before_value),
		cmocka_unit_test(test_blank_after_value),
		cmocka_unit_test(test_ping_blanks),
		cmocka_unit_test(test_empty_over_name),
	};

	return cmocka_run_group_tests(tests, rw_fx_setup, rw_fx_teardown);
}
