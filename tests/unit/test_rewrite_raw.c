/*
 * test_rewrite_raw.c - the rewriter in script and style text (raw text,
 * lib/rewrite_raw.c), where libxml2's HTML parser, and so the analysis,
 * leaves out the characters that are no Char of XML 1.0, which it keeps
 * in an attribute's value: a from holding one is not replaced there
 * (rf__rewrite_replace_raw; s25, seed style-ctl-bytes;
 * docs/design/tracking-record.md, "Strict runs (s25)").
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
		struct rf__values v = { NULL, 0, NULL, at, n };

		assert_int_equal(rf__rewrite_in_raw(&v, 0, s1), 0);
		assert_int_equal(rf__rewrite_in_raw(&v, 0, s1 + 1), 1);
		assert_int_equal(rf__rewrite_in_raw(&v, s2 + 2, 1), 1);
		assert_int_equal(rf__rewrite_in_raw(&v, s1 + 11, 5), 0);
		assert_int_equal(rf__rewrite_in_raw(&v, s3, 1), 1);
	}
	free(at);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_tracked_css),
		cmocka_unit_test(test_spans),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
