/* test_base.c - arena, buffer, limits, errors. */
#include "testutil.h"
#include "../../lib/internal.h"

static void
test_arena(void **state)
{
	rf_arena *a = rf_arena_new();
	int *v = NULL;
	size_t cap = 0, i;
	char *s;

	(void)state;
	assert_non_null(a);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(rf_arena_grow(a, (void **)&v, &cap, i,
		    sizeof(int)), 0);
		v[i] = (int)i;
	}
	for (i = 0; i < 1000; i++)
		assert_int_equal(v[i], (int)i);
	s = rf_arena_printf(a, "%s-%d", "x", 42);
	assert_string_equal(s, "x-42");
	/* at, below and past the stack buffer of rf_arena_vprintf */
	for (i = 250; i < 260; i++) {
		s = rf_arena_printf(a, "%0*d|%s", (int)i, 7, "end");
		assert_int_equal(strlen(s), i + 4);
		assert_int_equal(s[i - 1], '7');
		assert_string_equal(s + i, "|end");
	}
	s = rf_arena_printf(a, "%s", "");
	assert_string_equal(s, "");
	assert_null(rf_arena_array(a, SIZE_MAX / 2, 4));
	/* a large block does not disturb small allocations */
	assert_non_null(rf_arena_alloc(a, 1 << 20));
	assert_string_equal(rf_arena_strndup(a, "abcdef", 3), "abc");
	rf_arena_free(a);
}

static void
test_buf_max(void **state)
{
	rf_buf b;

	(void)state;
	rf_buf_init(&b, 8);
	assert_int_equal(rf_buf_puts(&b, "hello"), 0);
	assert_int_equal(rf_buf_puts(&b, " world"), -1);
	assert_true(b.truncated);
	assert_string_equal(rf_buf_cstr(&b), "hello wo");
	rf_buf_free(&b);
}

/* rf__buf_reserve: room for n bytes and a NUL after the contents, which
 * it keeps; too much fails and leaves the buffer as it was. */
static void
test_buf_reserve(void **state)
{
	rf_buf b;
	size_t i;

	(void)state;
	rf_buf_init(&b, 0);
	assert_int_equal(rf__buf_reserve(&b, 0), 0);
	assert_true(b.cap >= 1);
	assert_int_equal(rf_buf_puts(&b, "ab"), 0);
	assert_int_equal(rf__buf_reserve(&b, 100000), 0);
	assert_true(b.cap >= 100003);
	for (i = 0; i < 100000; i++)
		b.data[b.len + i] = (char)('a' + i % 26);
	b.len += 100000;
	b.data[b.len] = '\0';
	assert_int_equal(memcmp(b.data, "ababcd", 6), 0);
	assert_int_equal(strlen(rf_buf_cstr(&b)), 100002);
	assert_int_equal(rf__buf_reserve(&b, SIZE_MAX - 100002), -1);
	assert_int_equal(b.len, 100002);
	assert_int_equal(memcmp(b.data, "ababcd", 6), 0);
	rf_buf_free(&b);
}

static void
test_limits(void **state)
{
	rf_limits l;
	rf_error err;
	const char *name, *meaning;
	unsigned i;

	(void)state;
	rf_limits_default(&l);
	assert_int_equal(l.max_links, 2000);
	assert_int_equal(rf_limits_set(&l, "max_links", "5k", &err), RF_OK);
	assert_int_equal(l.max_links, 5120);
	assert_int_equal(rf_limits_set(&l, "max_message_size", "1M", &err),
	    RF_OK);
	assert_int_equal(l.max_message_size, 1u << 20);
	assert_int_equal(rf_limits_set(&l, "max_links", "-1", &err),
	    RF_EINVAL);
	assert_non_null(strstr(err.msg, "max_links"));
	assert_int_equal(rf_limits_set(&l, "max_links", "99999999999999999999",
	    &err), RF_EINVAL);
	assert_int_equal(rf_limits_set(&l, "max_links", "0", &err), RF_EINVAL);
	assert_int_equal(rf_limits_set(&l, "nope", "1", &err), RF_EINVAL);
	for (i = 0; rf_limits_describe(i, &name, &meaning); i++)
		assert_string_equal(rf_limit_name(1u << i), name);
	assert_int_equal(i, RF_LIMIT__COUNT);
}

/* rf_parse_number: the one parser of numeric settings (the library's
 * limits, redflag.conf, serve's --set and --port): digits, one optional
 * suffix when asked for, nothing else, no value wrapping around. */
static void
test_parse_number(void **state)
{
	static const char *const bad[] = {
		"", "-1", "-18446744073709551615", "+5", " 5", "5 ", "0x10",
		"5kk", "5k1", "5T", "18446744073709551616",
		"18014398509481989k",	/* (2^54 + 5) k = 2^64 + 5120 */
		"17592186044417M", "17179869185G", NULL
	};
	unsigned long long v = 7;
	rf_error err;
	size_t i;

	(void)state;
	assert_int_equal(rf_parse_number("0", 10, 0, &v, NULL), RF_OK);
	assert_int_equal(v, 0);
	assert_int_equal(rf_parse_number("65535", 65535, 0, &v, NULL),
	    RF_OK);
	assert_int_equal(v, 65535);
	assert_int_equal(rf_parse_number("65536", 65535, 0, &v, &err),
	    RF_EINVAL);
	assert_non_null(strstr(err.msg, "65536"));
	assert_int_equal(v, 65535);
	assert_int_equal(rf_parse_number("1k", 1ull << 20, 0, &v, NULL),
	    RF_EINVAL);
	assert_int_equal(rf_parse_number("1k", 1ull << 20, 1, &v, NULL),
	    RF_OK);
	assert_int_equal(v, 1024);
	assert_int_equal(rf_parse_number("3M", ~0ull, 1, &v, NULL), RF_OK);
	assert_int_equal(v, 3ull << 20);
	assert_int_equal(rf_parse_number("2g", ~0ull, 1, &v, NULL), RF_OK);
	assert_int_equal(v, 2ull << 30);
	assert_int_equal(rf_parse_number("64M", 64ull << 20, 1, &v, NULL),
	    RF_OK);
	assert_int_equal(rf_parse_number("65537k", 64ull << 20, 1, &v, NULL),
	    RF_EINVAL);
	assert_int_equal(rf_parse_number("18446744073709551615", ~0ull, 0,
	    &v, NULL), RF_OK);
	assert_true(v == ~0ull);
	assert_int_equal(rf_parse_number(NULL, 10, 1, &v, NULL), RF_EINVAL);
	for (i = 0; bad[i] != NULL; i++) {
		v = 7;
		assert_int_equal(rf_parse_number(bad[i], ~0ull, 1, &v, NULL),
		    RF_EINVAL);
		assert_int_equal(v, 7);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_buf_max),
		cmocka_unit_test(test_buf_reserve),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_parse_number),
	};
	return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
