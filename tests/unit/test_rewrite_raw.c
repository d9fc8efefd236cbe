/*
 * test_rewrite_raw.c - the rewriter in script and style text (raw text,
 * lib/rewrite_raw.c), where libxml2's HTML parser, and so the analysis,
 * leaves out the characters that are no Char of XML 1.0, which it keeps
 * in an attribute's value: a from holding one is not replaced there
 * (rf__rewrite_replace_raw; s25, seed style-ctl-bytes;
 * docs/design/tracking-record.md, "Strict runs (s25)"); and where
 * libxml2 ends an unquoted attribute value (a from holding a blank or
 * '>' is not replaced where it starts in one: s27, seed
 * cr-in-unquoted-value), or a quoted one (a from holding a quote, where
 * it starts in one and ends past it: s28, seed quote-crosses-value).
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "../../lib/rewrite_int.h"

/* The URL of the seed's web bug, with its two control bytes. */
#define BUG "http://t.bank-secure.example/o\x01\x07.gif?u=bob"

/* test_seed: seed style-ctl-bytes (s25's fourth strict run, reduced):
 * a web bug whose src holds \x01\x07, and in <style> text the same
 * bytes after url(D" (and a NUL, which the NUL pass drops), where the
 * analysis read D"http://t.bank-secure.example/o.gif?u=bob" (no control
 * byte; untracked).  On 425c1b8 the loop emptied both, and the style
 * read url(D"", a link D"" the input did not have; now the bug alone. */
static void
test_seed(void **state)
{
	static const char kept[] = "<style>url(D\"" BUG "\"";
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	clean_seed("style-ctl-bytes", &st, &out);
	assert_int_equal(st.bugs, 1);
	assert_int_equal(st.missed, 0);
	assert_non_null(memmem(out.data, out.len, "<img src=\"\"", 11));
	assert_non_null(memmem(out.data, out.len, kept, sizeof(kept) - 1));
	assert_null(memmem(out.data, out.len, "url(D\"\"", 7));
	rf_buf_free(&out);
}

/* test_tracked_css: a tracked href whose URL holds \x01, and the same
 * bytes in a style's url(): the analysis read there a CSS link without
 * the \x01, tracked too (the address in it), a link of its own whose
 * from occurs nowhere in the bytes.  The style is left as it is (on
 * 425c1b8 the href's from was replaced in it) and that link counted
 * missed, so reported: "reported, never claimed". */
static void
test_tracked_css(void **state)
{
	static const char msg[] = "To: r0@example.org\n"
	    "Content-Type: text/html\n\n"
	    "<a href=\"http://x.example/p\x01?e=r0@example.org\">a</a>"
	    "<style>p{background:url(\"http://x.example/p\x01"
	    "?e=r0@example.org\")}</style><p>x</p>\n";
	static const char kept[] = "url(\"http://x.example/p\x01"
	    "?e=r0@example.org\")";
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	clean_stats(msg, sizeof(msg) - 1, 4096, &st, &out);
	assert_int_equal(st.links, 1);
	assert_int_equal(st.missed, 1);
	assert_non_null(memmem(out.data, out.len,
	    "<a href=\"http://x.example/p\x01\">", 28));
	assert_non_null(memmem(out.data, out.len, kept, sizeof(kept) - 1));
	rf_buf_free(&out);
}

/* test_spans: rf__rewrite_raw_spans finds script's and style's text,
 * each up to after its end tag (or the leaf's end), and nothing in a
 * value or in other text. */
static void
test_spans(void **state)
{
	static const char d[] = "<p title=\"<style>\">a</p><style>x{}"
	    "</style><script>if (a</b) f()</script ><style>y";
	size_t *at = NULL, n = 0, s1 = strstr(d, "x{}") - d;
	size_t s2 = strstr(d, "if (") - d, s3 = strrchr(d, 'y') - d;

	(void)state;
	assert_int_equal(rf__rewrite_raw_spans(NULL, d, sizeof(d) - 1, &at,
	    &n), 0);
	assert_int_equal(n, 3);
	/* the spans, merged where they touch */
	assert_int_equal(at[0], s1);
	assert_int_equal(at[1], s1 + 11);
	assert_int_equal(at[2 * n - 1], sizeof(d) - 1);
	assert_int_equal(at[2 * n - 2], s3);
	{
		struct rf__values v = { .drop = at, .ndrop = n, .meets = 1 };

		assert_int_equal(rf__rewrite_unread(&v, d, 0, s1), 0);
		assert_int_equal(rf__rewrite_unread(&v, d, 0, s1 + 1), 1);
		assert_int_equal(rf__rewrite_unread(&v, d, s2 + 2, 1), 1);
		assert_int_equal(rf__rewrite_unread(&v, d, s1 + 11, 5), 0);
		assert_int_equal(rf__rewrite_unread(&v, d, s3, 1), 1);
	}
	free(at);
}

/* test_drop_spans: rf__rewrite_drop_spans: script's and style's text
 * and the runs of text (s35), where libxml2 leaves out the characters
 * that are no Char of XML 1.0; not a tag, an attribute's value (where it
 * keeps them) or a comment. */
static void
test_drop_spans(void **state)
{
	static const char d[] = "<p title=\"t\x11u\">a\x11" "b<!-- c --></p>d"
	    "<style>x</style>";
	size_t *at = NULL, n = 0;

	(void)state;
	assert_int_equal(rf__rewrite_drop_spans(NULL, d, sizeof(d) - 1, &at,
	    &n), 0);
	{
		struct rf__values v = { .drop = at, .ndrop = n, .meets = 1 };
		const char *const in[] = { "a\x11" "b", "d<", "x<" };
		const char *const out[] = { "t\x11u", "c ", "title" };
		size_t k;

		for (k = 0; k < 3; k++) {
			assert_int_equal(rf__rewrite_unread(&v, d,
			    (size_t)(strstr(d, in[k]) - d), 1), 1);
			assert_int_equal(rf__rewrite_unread(&v, d,
			    (size_t)(strstr(d, out[k]) - d), 1), 0);
		}
	}
	free(at);
}

/* test_value_spans: the cut spans, made from the value starts
 * rf__rewrite_values notes: each unquoted attribute value up to the
 * blank or '>' that ends it (a NUL does not), not a quoted value, an
 * empty one, text, a name or a value an edit made ""; as cut spans
 * (rf__rewrite_unread), an occurrence that starts in one. */
static void
test_value_spans(void **state)
{
	static const char d[] = "<a href=h://x?e=r\r&p=1 title=\"t=u\" "
	    "b=>x=y <style>s=t</style><img src=\xaa\"i\0j>";
	struct rf__values v;
	size_t *at = NULL, n = 0, v1 = strstr(d, "h://") - d;
	size_t v2 = strstr(d, "\xaa") - d;

	(void)state;
	assert_int_equal(rf__rewrite_values(NULL, d, sizeof(d) - 1, 1, &v),
	    0);
	assert_int_equal(rf__rewrite_cut_spans(&v, d, sizeof(d) - 1, &at, &n),
	    0);
	assert_int_equal(n, 2);
	assert_int_equal(at[0], v1);
	assert_int_equal(at[1], strchr(d, '\r') - d);
	assert_int_equal(at[2], v2);
	assert_int_equal(at[3], sizeof(d) - 2);
	v.cut = at;
	v.ncut = n;
	/* an occurrence that starts in one, not one that starts before */
	assert_int_equal(rf__rewrite_unread(&v, d, v1, 30), 1);
	assert_int_equal(rf__rewrite_unread(&v, d, v1 + 5, 30), 1);
	assert_int_equal(rf__rewrite_unread(&v, d, v1 - 1, 30), 0);
	assert_int_equal(rf__rewrite_unread(&v, d, v2 - 2, 5), 0);
	free(at);
	/* the first value made "" by an edit: no span for it */
	{
		char e[sizeof(d) + 1];
		size_t k;

		memcpy(e, d, v1);
		memcpy(e + v1, "\"\"", 2);
		memcpy(e + v1 + 2, d + v1 + 2, sizeof(d) - v1 - 2);
		assert_int_equal(rf__rewrite_cut_spans(&v, e, sizeof(d) - 1,
		    &at, &n), 0);
		assert_int_equal(n, 1);
		assert_int_equal(at[0], v2);
		for (k = 0; k < v.n; k++)
			assert_true(v.name[k] || v.at[k] == v1 ||
			    v.at[k] == v2);
	}
	free(at);
	free(v.at);
}

/* test_blank_spans: rf__rewrite_blank_spans finds the blanks of start
 * tags outside their values (after the name, about a '=', between
 * attributes; none in a value or in text); rf__rewrite_ping_spans the
 * values of ping attributes (any case; quoted: inside the quotes;
 * unquoted), nothing of another attribute.  As rf__rewrite_unread has
 * them (s32): an occurrence that starts in such blanks (not one that
 * starts before them and holds them), and one that starts in a ping and
 * holds its white space there (not one that holds none, nor one that
 * starts before the ping). */
static void
test_blank_spans(void **state)
{
	static const char d[] = "<a title = \"x = y\" href=\t\n h PING= "
	    "'p q\fr' ping=s>a = b";
	struct rf__values v = { .at = NULL };
	size_t *at = NULL, *pg = NULL, n = 0, np = 0;
	size_t t = strstr(d, "= \"") - d, h = strstr(d, "=\t") - d;
	size_t p = strstr(d, "'p") - d, s = strstr(d, "=s>") - d;
	const size_t want[] = { 2, 3, t - 1, t, t + 1, t + 2, t + 9, t + 10,
	    h + 1, h + 4, h + 5, h + 6, p - 1, p, p + 7, p + 8 };

	(void)state;
	assert_int_equal(rf__rewrite_blank_spans(NULL, d, sizeof(d) - 1, &at,
	    &n), 0);
	assert_int_equal(2 * n, sizeof(want) / sizeof(want[0]));
	assert_memory_equal(at, want, sizeof(want));
	assert_int_equal(rf__rewrite_ping_spans(NULL, d, sizeof(d) - 1, &pg,
	    &np), 0);
	assert_int_equal(np, 2);
	assert_int_equal(pg[0], p + 1);
	assert_int_equal(pg[1], p + 6);
	assert_int_equal(pg[2], s + 1);
	assert_int_equal(pg[3], s + 2);
	v.blank = at;
	v.nblank = n;
	v.ping = pg;
	v.nping = np;
	assert_int_equal(rf__rewrite_unread(&v, d, h + 2, 3), 1);
	assert_int_equal(rf__rewrite_unread(&v, d, h, 4), 0);
	assert_int_equal(rf__rewrite_unread(&v, d, h + 5, 2), 1);
	assert_int_equal(rf__rewrite_unread(&v, d, p + 1, 2), 1);
	assert_int_equal(rf__rewrite_unread(&v, d, p + 3, 3), 1);
	assert_int_equal(rf__rewrite_unread(&v, d, p + 1, 1), 0);
	assert_int_equal(rf__rewrite_unread(&v, d, p + 5, 3), 0);
	assert_int_equal(rf__rewrite_unread(&v, d, p, 3), 0);
	free(at);
	free(pg);
}

/* test_cr_value: seed cr-in-unquoted-value (s26's fourth strict run,
 * reduced): an unquoted href
 * \xaa"http://www.pp.example/opjout.php?ep?email=r5@...\r&pos=..., which
 * libxml2 ends at the CR (a link with no host: untracked), and a quoted
 * href whose URL is the same bytes, CR included (tracked: an address
 * that is not the recipient's).  On 6cc5bb4 that URL's clean form was
 * also written in the unquoted value, whose \xaa" then joined it: the
 * link \xaa"http://www.pp.example/opjout.php?pos=9900027056., one the
 * input did not have (the strict check stops).  Now the quoted one
 * alone is rewritten; the unquoted value is left as it came. */
static void
test_cr_value(void **state)
{
	static const char kept[] = "<a href=\xaa\"http://www.pp.example/"
	    "opjout.php?ep?email=r5@example.org\r&pos=9900027056. Tn y>";
	static const char made[] = "<a href=\"http://www.pp.example/"
	    "opjout.php?pos=9900027056.\"";
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	clean_seed("cr-in-unquoted-value", &st, &out);
	assert_int_equal(st.links, 1);
	assert_int_equal(st.missed, 0);
	assert_non_null(memmem(out.data, out.len, kept, sizeof(kept) - 1));
	assert_non_null(memmem(out.data, out.len, made, sizeof(made) - 1));
	rf_buf_free(&out);
}

/* test_quote_cross: seed quote-crosses-value (s28's third strict run,
 * reduced): a quoted href whose URL holds '>' (tracked: the code
 * eJwt...), and an unquoted href gMbR...-yQgk" (tracked: its code), whose
 * URL ends in a quote.  That URL's bytes also end the first value, its
 * quote being the value's closing quote: the analysis read no link of
 * it there.  On 6cc5bb4 it was replaced there too, and the first link
 * read //a/c/redflag-removed.>redflag-removed-yQgk, a form the rewriter
 * never chose.  Now each link has its own clean form alone. */
static void
test_quote_cross(void **state)
{
	static const char first[] = "<a href=\"//a/c/redflag-removed.>"
	    "gMbRcLVHkFvzqRRnZrJMUB8P-yQgk\">";
	static const char second[] = "<a href=redflag-removed-yQgk\"";
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	clean_seed("quote-crosses-value", &st, &out);
	assert_int_equal(st.links, 2);
	assert_int_equal(st.missed, 0);
	assert_non_null(memmem(out.data, out.len, first, sizeof(first) - 1));
	assert_non_null(memmem(out.data, out.len, second,
	    sizeof(second) - 1));
	rf_buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_tracked_css),
		cmocka_unit_test(test_spans),
		cmocka_unit_test(test_drop_spans),
		cmocka_unit_test(test_value_spans),
		cmocka_unit_test(test_blank_spans),
		cmocka_unit_test(test_cr_value),
		cmocka_unit_test(test_quote_cross),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
