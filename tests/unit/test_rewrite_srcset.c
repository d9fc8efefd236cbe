/*
 * test_rewrite_srcset.c - web bugs in srcset values (s29): the analysis
 * reads each candidate of an img's or a source's srcset as an image
 * (lib/html.c, srcset), and the rewriter takes a candidate whose URL is
 * emptied out whole, its descriptors and comma with it
 * (rf__rewrite_srcset), since "BUG 1x" emptied alone reads a link "1x";
 * where the occurrence is only part of a candidate's URL no empty to is
 * written (reported).  docs/tracking.md, "The rewriter never makes a
 * link".
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "../../lib/rewrite_int.h"

/* test_seed: seed srcset-web-bug: the web bug of an img's src in its
 * srcset (1x), with a second candidate whose URL holds it and a comma
 * (a web bug of its own: the img is 1x1); in a picture's source after
 * a wanted image; as an unquoted srcset; and in text.  Before s29 the
 * srcset ones were not read at all: the pixel loaded, unreported. */
static void
test_seed(void **state)
{
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	clean_seed("srcset-web-bug", &st, &out);
	assert_int_equal(st.missed, 0);
	assert_true(buf_has(&out, "<img src=\"\" width=\"1\" height=\"1\" "
	    "srcset=\" \">"));
	assert_true(buf_has(&out, "<source srcset=\"http://i.example/big.jpg "
	    "2x, \" media="));
	assert_true(buf_has(&out, "<img srcset=\"\" width=1 height=1>"));
	assert_true(buf_has(&out, "<p> 1x</p>"));
	assert_false(buf_has(&out, "8f3a9c0e7b"));
	rf_buf_free(&out);
}

/* test_markup: seed srcset-markup (s29's fifth strict run, reduced): a
 * web bug whose URL holds a quote, in src and in a srcset.  Such a from
 * is replaced only inside quoted values (rf__rewrite_quoted_one), on
 * the value's bytes alone, where the srcset rule is not: the first form
 * emptied it there and left "1x" (also seed srcset-markup-open: an
 * unclosed srcset, its candidate ">" emptied, "m" left).  Now kept in
 * the srcset, and counted missed; the src is emptied, and the srcset's
 * other web bug (a.jpg in a 1x1 img) taken out whole. */
static void
test_markup(void **state)
{
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	clean_seed("srcset-markup", &st, &out);
	assert_int_equal(st.missed, 1);
	assert_true(buf_has(&out, "<img src=\"\" width=1 height=1 srcset=\""
	    "http://t.example/o'.gif?id=8f3a9c0e7b 1x, \">"));
	rf_buf_free(&out);
}

/* where: rf__rewrite_srcset of the first occurrence of w in the leaf s
 * (*end: the end of what an empty to takes out). */
static int
where(const char *s, const char *w, size_t *end)
{
	const struct rf__leafread rd = { .charset = NULL };
	struct rf__spans_once sb = RF__SET_INIT;
	size_t at = (size_t)(strstr(s, w) - s);
	int r;

	sb.rd = &rd;
	*end = SIZE_MAX;
	r = rf__rewrite_srcset(s, strlen(s), at, strlen(w), &sb, end);
	rf__spans_once_done(&sb);
	return r;
}

/* test_where: a whole candidate's URL (with its descriptors and the
 * comma after them, or its own trailing commas), a part of one (before
 * a comma that does not end it, a prefix, a descriptor), and no srcset
 * value (src, text, another attribute, a srcset's name alone). */
static void
test_where(void **state)
{
	static const char *const part[] = {
		"<img srcset=\"D,x 2x\">",
		"<img srcset=\"a,D 2x\">",
		"<img srcset=\"a.jpg D\">",
		"<img srcset=\"Dx 1x\">",
	};
	static const char *const none[] = {
		"<img src=\"D\" srcset=\"a 1x\">",
		"<p>srcset D</p>",
		"<img title=\"srcset=D\">",
		"<img srcsets=\"D\">",
	};
	size_t k, e;

	(void)state;
	assert_int_equal(where("<img srcset=\"D 1x, a 2x\">", "D", &e),
	    RF__SET_WHOLE);
	assert_int_equal(e, strlen("<img srcset=\"D 1x,"));
	assert_int_equal(where("<img srcset=\"a 1x, D 2x\">", "D", &e),
	    RF__SET_WHOLE);
	assert_int_equal(e, strlen("<img srcset=\"a 1x, D 2x"));
	assert_int_equal(where("<img srcset=\"D,, a\">", "D", &e),
	    RF__SET_WHOLE);
	assert_int_equal(e, strlen("<img srcset=\"D,,"));
	assert_int_equal(where("<img srcset=\"D 9w (1,2), a\">", "D", &e),
	    RF__SET_WHOLE);
	assert_int_equal(e, strlen("<img srcset=\"D 9w (1,2),"));
	assert_int_equal(where("<img SRCSET=D width=1>", "D", &e),
	    RF__SET_WHOLE);
	assert_int_equal(e, strlen("<img SRCSET=D"));
	for (k = 0; k < sizeof(part) / sizeof(part[0]); k++)
		assert_int_equal(where(part[k], "D", &e), RF__SET_PART);
	for (k = 0; k < sizeof(none) / sizeof(none[0]); k++)
		assert_int_equal(where(none[k], "D", &e), RF__SET_NONE);
	assert_int_equal(rf__rewrite_may_srcset("x SrcSet", 8), 1);
	assert_int_equal(rf__rewrite_may_srcset("srcse", 5), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_markup),
		cmocka_unit_test(test_where),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
