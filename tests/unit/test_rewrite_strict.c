/*
 * test_rewrite_strict.c - every seed of fuzz_rewrite (fuzz/seeds/
 * fuzz_rewrite/) run through the fuzz target itself (fuzz/fuzz_rewrite.c,
 * included here) with its strict checks (RF_FUZZ_STRICT=1): each of its
 * invariants holds, as the strict fuzz runs ask (docs/tracking.md, "What
 * the fuzzing checks"), and
 * not only in `make check`'s fuzzing (the default checks) or in a helper's
 * run from the seeds.  A check that fails aborts the program (the test
 * fails, with the check's message on stderr).  Seed inner-id-chain (s24):
 * a web bug's clean form keeping the recipient's code `&d=amFu...`, that
 * code a link of its own replaced after it, inside that clean form too;
 * the strict check took the form for a link the input did not have
 * (docs/design/tracking-record.md, "A code replaced inside a web bug's
 * clean form");
 * wide-to-line-end (s24): a wide to (an href left open to the end of the
 * leaf) with a web bug emptied in it, the leaf's last line end put back
 * after it by the writer, read by the analysis as the link's last byte
 * (the same section); rewrite-add-ends-url-qp (s25): the recipient's
 * address redacted everywhere (rf_rewrite_add) in a quoted-printable
 * text part, the bytes after "[redacted]" read as a link, the part
 * written again with a soft line break inside that link, so that the
 * raw output bytes do not hold "[redacted]" and the link together
 * (docs/design/tracking-record.md, "Strict runs (s25)").
 */
#include <dirent.h>

#include "testutil.h"

/* the target's fail(what), not cmocka's fail() */
#undef fail
#define fail(what) fuzz_fail(what)
#include "../../fuzz/fuzz_rewrite.c"
#undef fail

/* cmp_name: qsort order of file names. */
static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* test_seeds_strict: each seed (in name order) through
 * LLVMFuzzerTestOneInput with RF_FUZZ_STRICT=1; inner-id-chain and
 * inner-id-chain-min among them. */
static void
test_seeds_strict(void **state)
{
	static const char dir[] = "fuzz/seeds/fuzz_rewrite";
	char *names[512], path[512];
	struct dirent *e;
	DIR *d;
	size_t n = 0, i, len, chain = 0;

	(void)state;
	assert_int_equal(setenv("RF_FUZZ_STRICT", "1", 1), 0);
	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			assert_true(n < sizeof(names) / sizeof(names[0]));
			assert_non_null(names[n++] = strdup(e->d_name));
		}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_name);
	for (i = 0; i < n; i++) {
		char *data;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		data = read_file(path, &len);
		chain += strncmp(names[i], "inner-id-chain", 14) == 0;
		assert_int_equal(LLVMFuzzerTestOneInput((const uint8_t *)data,
		    len), 0);
		free(data);
		free(names[i]);
	}
	print_message("%zu seeds, strict\n", n);
	assert_true(n >= 60);
	assert_int_equal(chain, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seeds_strict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
