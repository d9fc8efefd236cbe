/*
 * test_rewrite_inquote.c - a URL emptied (a web bug, here also the
 * target of a redirect) right after a '=' inside a quoted attribute value
 * ("href=\"http://r.example/go?u=URL\"", and in single quotes), inside an
 * unquoted value after its start ("href=http://r.example/go?u=URL") and in
 * text ("u=URL") is written as nothing, under every policy (links, the
 * default; known; sites): only where the tokenizer, on the leaf's
 * original bytes, says an unquoted attribute value starts ("src=URL",
 * "src= URL") is it written "" (EMPTY_VALUE, lib/rewrite_leaf.c; the
 * offsets from lib/rewrite_value.c).  On the base (s20-rwquote) the
 * quoted redirect gave "?u=\"\"" inside the quotes: the attribute ended
 * early, two quotes added to the HTML, against s19-rw's rule that no
 * substitution adds or removes " ' < > in HTML.
 * docs/design/tracking-record.md, "One test for an unquoted value
 * (s20-rweq)".
 */
#include <string.h>

#include "testutil.h"
#include "rewrite_fx.h"

#define RCPT RW_FX_RCPT
#define BUG "http://t.shop.test/o1.gif?r=8812345"

/* A web bug as an unquoted src (and after '=' and a blank), the same URL
 * as the target of redirects in double quotes, in single quotes and
 * unquoted, and in text after a '='. */
static const char MSG[] =
    RW_FX_FROM RW_FX_UNSUB RW_FX_HTML
    "<p>Hello</p>\n"
    "<img src=" BUG " width=1 height=1>\n"
    "<img src= " BUG " width=1 height=1>\n"
    "<a href=\"http://r.example/go?u=" BUG "\">a</a>\n"
    "<a href='http://r.example/go?u=" BUG "'>b</a>\n"
    "<a href=http://r.example/go?u=" BUG ">c</a>\n"
    "<p>see u=" BUG "</p>\n";

/* MSG's body cleaned, under every policy: "" only where an unquoted
 * value starts. */
static const char BODY[] =
    "<p>Hello</p>\n"
    "<img src=\"\" width=1 height=1>\n"
    "<img src= \"\" width=1 height=1>\n"
    "<a href=\"http://r.example/go?u=\">a</a>\n"
    "<a href='http://r.example/go?u='>b</a>\n"
    "<a href=http://r.example/go?u=>c</a>\n"
    "<p>see u=</p>\n";

/* marks: the bytes " ' < > of s. */
static size_t
marks(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == '"' || *s == '\'' || *s == '<' || *s == '>';
	return n;
}

/* test_quoted_redirect: under each policy the body is BODY exactly (on
 * the base: "?u=\"\"" in the quoted redirects, "?u=\"\"" in the unquoted
 * one, "u=\"\"" in the text), the bytes " ' < > of the body are those of
 * the input but for the two "" written where an unquoted src starts,
 * every occurrence of the bug is replaced.  Under sites the redirects
 * (reduced to "http://r.example/") are one link missed, left as the
 * emptied bug made them, on the base too: the bug, collected first, is
 * replaced first, and the redirect's from is then no longer there (a
 * chain in the order collected, as the loop has it). */
static void
test_quoted_redirect(void **state)
{
	struct rw_fx *fx = *state;
	rf_rules *rules = fx->rules;
	rf_ctx *ctx = fx->ctx;
	const char *p, *body, *in = strstr(MSG, "\n\n");
	rf_rewrite_stats st;
	rf_buf out;

	assert_non_null(in);
	for (p = "lks"; *p != '\0'; p++) {
		rw_clean(ctx, rules, MSG, sizeof(MSG) - 1, RCPT, *p, &out,
		    &st);
		body = strstr(out.data, "\n\n");
		assert_non_null(body);
		if (strcmp(body + 2, BODY) != 0)
			fail_msg("policy %c gave:\n%s", *p, body + 2);
		assert_int_equal(marks(body), marks(in) + 4);
		assert_null(strstr(body, "8812345"));
		assert_int_equal(st.missed, *p == 's' ? 1 : 0);
		assert_int_equal(*p == 's' ? st.images : st.bugs, 1);
		rf_buf_free(&out);
	}
}

/* A tracked link whose URL holds '"' in the parameter that carries the
 * address (its clean form has none): in single quotes (twice, once in
 * its "&amp;" form), in double quotes it cannot be (the '"' would end the
 * value), as an unquoted value and in text. */
static const char QMSG[] =
    RW_FX_FROM RW_FX_HTML
    "<p>Hello</p>\n"
    "<a href='http://t.shop.test/c?id=x1&e=\"jane.doe%40rcpt.test\"'>a</a>\n"
    "<a href='http://t.shop.test/c?id=x1&amp;e=\"jane.doe%40rcpt.test\"'"
    ">b</a>\n";

/* test_quote_in_single: the quote rule per occurrence (s21-tok): a
 * substitution whose from and to differ in " ' < > is made inside a
 * quoted value whose quote its to lacks (a '"' inside '...' is a byte of
 * the value to libxml2), so both hrefs are cleaned and nothing is
 * missed, under links and sites; the bytes " ' < > of the body are the
 * input's but for the four '"' of the two addresses.  On c13e76f the
 * substitution was left in every HTML occurrence: 1 link missed, the
 * address still in the output.  Then the same link once more unquoted
 * and in text: those occurrences are left (a '"' there could open a
 * value), the link counted missed, as before. */
static void
test_quote_in_single(void **state)
{
	struct rw_fx *fx = *state;
	rf_rules *rules = fx->rules;
	rf_ctx *ctx = fx->ctx;
	const char *p, *body, *in = strstr(QMSG, "\n\n");
	static const char more[] =
	    "<a href=http://t.shop.test/c?id=x1&e=\"jane.doe%40rcpt.test\""
	    ">c</a>\n";
	char msg[sizeof(QMSG) + sizeof(more)];
	rf_rewrite_stats st;
	rf_buf out;

	assert_non_null(in);
	for (p = "ls"; *p != '\0'; p++) {
		rw_clean(ctx, rules, QMSG, sizeof(QMSG) - 1, RCPT, *p, &out,
		    &st);
		body = strstr(out.data, "\n\n");
		assert_non_null(body);
		print_message("policy %c:%s", *p, body + 1);
		assert_null(strstr(body, "rcpt.test"));
		assert_int_equal(st.missed, 0);
		assert_int_equal(*p == 's' ? st.sites : st.links, 1);
		assert_int_equal(marks(body), marks(in) - 4);
		assert_non_null(strstr(body, *p == 's' ?
		    "<a href='http://t.shop.test/'>a</a>" :
		    "<a href='http://t.shop.test/c?id=x1'>a</a>"));
		rf_buf_free(&out);
	}
	memcpy(msg, QMSG, sizeof(QMSG) - 1);
	memcpy(msg + sizeof(QMSG) - 1, more, sizeof(more));
	rw_clean(ctx, rules, msg, strlen(msg), RCPT, 'l', &out, &st);
	print_message("unquoted too:%s", strstr(out.data, "\n\n") + 1);
	assert_int_equal(st.missed, 1);
	assert_non_null(strstr(out.data, more));
	assert_null(strstr(out.data, "id=x1&e=\"jane.doe%40rcpt.test\"'"));
	rf_buf_free(&out);
}

/* A tracked link whose href value is left open and runs over lines to
 * the end (a wide from: it holds blanks and markup), the same bytes
 * also standing before it as text and a tag, where the web bug is an
 * unquoted src after '=' and a blank (the reduced fuzz input
 * wide-to-value, s22). */
#define WIDE "https://t.shop.example/o/r0@example.org <img src= " BUG \
    " width=1 height=1>\n<a href="
static const char WMSG[] =
    "From: Deals <deals@shop.test>\n"
    "To: r0@example.org\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/html\n"
    "\n" WIDE "\"" WIDE;

/* clean_one: msg (len bytes) cleaned for r0@example.org under the
 * policy links: its body is want, bugs web bugs emptied, missed links
 * missed, nothing skipped. */
static void
clean_one(const char *msg, size_t len, const char *want, size_t bugs,
	  size_t missed)
{
	rf_rules *rules = shipped_rules();
	rf_ctx *ctx = test_ctx();
	const char *body;
	rf_rewrite_stats st;
	rf_buf out;

	rw_clean(ctx, rules, msg, len, "r0@example.org", 'l', &out, &st);
	body = strstr(out.data, "\n\n");
	assert_non_null(body);
	if (strcmp(body + 2, want) != 0)
		fail_msg("gave:\n%s", body + 2);
	assert_int_equal(st.missed, missed);
	assert_int_equal(st.skipped, 0);
	assert_int_equal(st.bugs, bugs);
	rf_buf_free(&out);
	rf_ctx_free(ctx);
	rf_rules_free(rules);
}

/* test_wide_to_value: the wide substitution is made first, in both
 * occurrences; its to holds the src of the first, whose offset was
 * dropped with the from, so on 8aa92a8 the bug emptied there was written
 * as nothing: "src=  width=1", read by libxml2 as an image "width=1" the
 * input did not have.  Now the values are read again after a wide
 * substitution: "" there, and nothing inside the open href (policy
 * links; known leaves the link, which no rule knows).  The URL the
 * message starts with is text, a link of its own since s33 (docs/html.md,
 * "URLs in the text"): the wide one's occurrence holds it, so its own
 * substitution is never found standalone and it counts missed (reported,
 * though the wide one's to cleaned it). */
static void
test_wide_to_value(void **state)
{
	(void)state;
	clean_one(WMSG, sizeof(WMSG) - 1, "https://t.shop.example/o/"
	    "redflag-removed <img src= \"\" width=1 height=1>\n<a href=\""
	    "https://t.shop.example/o/redflag-removed <img src=  width=1 "
	    "height=1>\n<a href=", 1, 1);
}

/* An end tag of another element at the start of script text: libxml2
 * (its stack: p open) ends the script at "</p>" and reads the image,
 * whose src is a web bug after '=' and a blank (the fuzz input
 * script-endtag-newlink, s22's fuzz/open/).  On 5fd5bdd the tokenizer
 * read script text on to the end, so the bug was written as nothing:
 * "src=  width=1", an image "width=1" the input did not have.  Now
 * libxml2's own reading of the leaf says where the script ends: "". */
static const char EMSG[] =
    "Content-Type: text/html\n"
    "\n"
    "<p><script></p><img src= " BUG " width=1 height=1>\n";

static void
test_endtag_script(void **state)
{
	(void)state;
	clean_one(EMSG, sizeof(EMSG) - 1, "<p><script></p><img src= \"\" "
	    "width=1 height=1>\n", 1, 0);
}

/* A web bug whose URL holds a '<' (a markup substitution: replaced only
 * inside a quoted value) stands as an image and inside a quoted href:
 * it is emptied in the href, the image keeps it, live.  On 5fd5bdd that
 * one occurrence replaced counted as the one link of that URL the
 * analysis found (the image's): 1 web bug emptied, nothing missed.  Now
 * missed (the fuzz input markup-left-live, reduced). */
#define LBUG "http://t.shop.test/o1.gif?r=881<345"
static const char LMSG[] =
    "Content-Type: text/html\n"
    "\n"
    "<img src= " LBUG " width=1 height=1>\n"
    "<a href='http://r.example/go?u=1 <img src= " LBUG " width=1>'>b</a>\n";

static void
test_markup_left_live(void **state)
{
	(void)state;
	clean_one(LMSG, sizeof(LMSG) - 1, "<img src= " LBUG " width=1 "
	    "height=1>\n<a href='http://r.example/go?u=1 <img src=  "
	    "width=1>'>b</a>\n", 0, 1);
}

/* A from that ends in '=' (an opaque id the analysis read as an
 * image's src) stands again where libxml2 reads an attribute's name: an
 * href left open up to the next line's quote, after which
 * "amFu...vcmc=" is a name and its '=' starts the quoted value
 * "\">A</a>\n<img src=\"".  On 581b2d5 it was replaced there too:
 * "redflag-removed\">A", a name without a value, the quote a bogus
 * attribute, the tag ended at its '>', and the last line an image
 * "https://t.example/p" the input did not have (the fuzz input
 * strict-nul-charset-newlink of s23, reduced: no NUL byte nor charset
 * needed).  Now an occurrence where a name starts is left as it is (no
 * link there): the output analysed again has the input's two links,
 * cleaned, and no other. */
static const char AMSG[] =
    "Content-Type: text/html\n"
    "\n"
    "<img src=\"amFuZS5kb2VAZXhhbXBsZS5vcmc=\">\n"
    "<a href=\"https://software.example/w?_hsenc=p2ANqtz-8abcDEF9ghi&amp;"
    "d=\n"
    "<img src=\"amFuZS5kb2VAZXhhbXBsZS5vcmc=\">A</a>\n"
    "<img src=\"https://t.example/p\">B\n";

/* url_cb: l's URL (but a header's) in arg, a NULL-ended array of 4. */
static int
url_cb(rf_link *l, void *arg)
{
	const char **u = arg;
	size_t i;

	for (i = 0; i < 3 && u[i] != NULL; i++)
		;
	if (l->kind != RF_LINK_HEADER)
		u[i] = l->url;
	return 0;
}

static void
test_attr_name(void **state)
{
	rf_rules *rules = shipped_rules();
	rf_ctx *ctx = test_ctx();
	rf_message *m = NULL;
	const char *u[4] = { NULL, NULL, NULL, NULL };
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	clean_one(AMSG, sizeof(AMSG) - 1, "<img src=\"redflag-removed\">\n"
	    "<a href=\"https://software.example/w?d=\n"
	    "<img src=\"amFuZS5kb2VAZXhhbXBsZS5vcmc=\">A</a>\n"
	    "<img src=\"https://t.example/p\">B\n", 0, 0);
	rw_clean(ctx, rules, AMSG, sizeof(AMSG) - 1, "r0@example.org", 'l',
	    &out, &st);
	assert_int_equal(st.links, 2);
	assert_int_equal(rf_message_parse(ctx, out.data, out.len, &m, NULL),
	    RF_OK);
	assert_int_equal(rf_tracking_message(ctx, rules, m, "r0@example.org",
	    NULL), RF_OK);
	rf_tracking_walk(m, url_cb, u);
	assert_non_null(u[1]);
	assert_string_equal(u[0], "redflag-removed");
	assert_string_equal(u[1], "https://software.example/w?d=\n<img src=");
	assert_null(u[2]);
	rf_message_free(m);
	rf_buf_free(&out);
	rf_ctx_free(ctx);
	rf_rules_free(rules);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoted_redirect),
		cmocka_unit_test(test_quote_in_single),
		cmocka_unit_test(test_wide_to_value),
		cmocka_unit_test(test_endtag_script),
		cmocka_unit_test(test_markup_left_live),
		cmocka_unit_test(test_attr_name),
	};

	return cmocka_run_group_tests(tests, rw_fx_setup, rw_fx_teardown);
}
