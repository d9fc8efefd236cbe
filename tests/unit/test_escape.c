/*
 * test_escape.c - rf_escape_text: text a person reads shown in its own
 * language (well-formed UTF-8 kept) but with every byte that could move
 * or hide what a terminal or a log shows escaped: controls, C1 controls,
 * direction overrides, separators, and bytes that are no UTF-8.  Until
 * s37 `redflag scan` and `redflag campaigns` showed "Caf\xc3\xa9".
 */
#include <string.h>

#include "testutil.h"

static void
test_kept(void **state)
{
	char buf[256];

	(void)state;
	assert_string_equal(rf_escape_text(buf, sizeof(buf),
	    "Caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x93\xa7", 100),
	    "Caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x93\xa7");
	/* ASCII as rf_escape shows it, the backslash escaped */
	assert_string_equal(rf_escape_text(buf, sizeof(buf), "a\\b\tc\x1b[",
	    100), "a\\x5cb\\x09c\\x1b[");
}

static void
test_escaped(void **state)
{
	char buf[256];

	(void)state;
	/* U+202E (right-to-left override), U+009B (C1 CSI), U+2028, U+061C,
	 * U+2066 */
	assert_string_equal(rf_escape_text(buf, sizeof(buf),
	    "a\xe2\x80\xae" "b\xc2\x9b" "c\xe2\x80\xa8" "d\xd8\x9c" "e"
	    "\xe2\x81\xa6", 100), "a\\xe2\\x80\\xaeb\\xc2\\x9bc\\xe2\\x80"
	    "\\xa8d\\xd8\\x9ce\\xe2\\x81\\xa6");
	/* no UTF-8: a stray continuation, an overlong '/', a surrogate, a
	 * sequence cut short */
	assert_string_equal(rf_escape_text(buf, sizeof(buf),
	    "\x80\xc0\xaf\xed\xa0\x80\xe6\x97", 100),
	    "\\x80\\xc0\\xaf\\xed\\xa0\\x80\\xe6\\x97");
}

static void
test_cut(void **state)
{
	char buf[256], small[12];

	(void)state;
	/* at most max bytes, never inside a character */
	assert_string_equal(rf_escape_text(buf, sizeof(buf),
	    "ab\xc3\xa9\xc3\xa9", 3), "ab...");
	assert_string_equal(rf_escape_text(buf, sizeof(buf),
	    "ab\xc3\xa9\xc3\xa9", 4), "ab\xc3\xa9...");
	assert_string_equal(rf_escape_text(buf, sizeof(buf), "ab\xc3\xa9", 4),
	    "ab\xc3\xa9");
	/* a small buffer: cut with "...", NUL-terminated, never overrun */
	memset(small, 'z', sizeof(small));
	rf_escape_text(small, sizeof(small), "\x01\x02\x03\x04", 100);
	assert_true(memchr(small, '\0', sizeof(small)) != NULL);
	assert_non_null(strstr(small, "..."));
	assert_string_equal(rf_escape_text(buf, sizeof(buf), NULL, 10),
	    "(null)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept),
		cmocka_unit_test(test_escaped),
		cmocka_unit_test(test_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
