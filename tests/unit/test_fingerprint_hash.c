/*
 * test_fingerprint_hash.c - the min-hash kernels of the fingerprint
 * (lib/fingerprint_hash.c): the permutation constants follow their
 * documented rule, and the plain C and AVX2 kernels give the same bits
 * as a direct reading of the definition, on random word sequences of
 * every length up to a few hundred and on long ones.  (The pinned
 * vectors through each kernel: tests/unit/test_fingerprint.c.)
 */
#include "testutil.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "../../lib/fingerprint_hash.h"

static uint64_t
splitmix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* reference: docs/fingerprint.md section 4, read literally */
static void
reference(const uint64_t *seq, size_t m, uint64_t out[RF_FP_HASHES])
{
	uint64_t st = 0x7266667032303234ULL, s, mul, x, v;
	unsigned j;
	size_t i;

	for (j = 0; j < RF_FP_HASHES; j++) {
		s = splitmix(&st);
		mul = splitmix(&st) | 1;
		out[j] = UINT64_MAX;
		for (i = 0; i + 3 <= m; i++) {
			x = XXH3_64bits(seq + i, 3 * sizeof(*seq));
			v = (x ^ s) * mul;
			v ^= v >> 29;
			if (v < out[j])
				out[j] = v;
		}
	}
}

static void
test_seeds(void **state)
{
	const uint64_t *s, *m;
	uint64_t st = 0x7266667032303234ULL;
	unsigned j;

	(void)state;
	rf__fp_seeds(&s, &m);
	for (j = 0; j < RF_FP_HASHES; j++) {
		assert_int_equal(s[j], splitmix(&st));
		assert_int_equal(m[j], splitmix(&st) | 1);
	}
}

/* check: every kernel on seq[0..m) against the reference */
static void
check(const uint64_t *seq, size_t m)
{
	rf__fp_minhash_fn *avx2 = rf__fp_minhash_avx2();
	rf__fp_minhash_fn *avx512 = rf__fp_minhash_avx512();
	uint64_t want[RF_FP_HASHES], got[RF_FP_HASHES];

	reference(seq, m, want);
	memset(got, 0x5a, sizeof(got));
	rf__fp_minhash_scalar(seq, m, got);
	if (memcmp(got, want, sizeof(got)) != 0)
		fail_msg("scalar kernel differs at m = %zu", m);
	if (avx2 != NULL) {
		memset(got, 0xa5, sizeof(got));
		avx2(seq, m, got);
		if (memcmp(got, want, sizeof(got)) != 0)
			fail_msg("AVX2 kernel differs at m = %zu", m);
	}
	if (avx512 != NULL) {
		memset(got, 0xc3, sizeof(got));
		avx512(seq, m, got);
		if (memcmp(got, want, sizeof(got)) != 0)
			fail_msg("AVX-512 kernel differs at m = %zu", m);
	}
	rf__fp_minhash_best()(seq, m, got);
	assert_memory_equal(got, want, sizeof(got));
}

static void
test_random(void **state)
{
	uint64_t seed = 0x5eed, *seq;
	size_t n = 5000, m, i, round;

	(void)state;
	if (rf__fp_minhash_avx2() == NULL)
		print_message("(no AVX2 on this CPU: scalar kernel only)\n");
	if (rf__fp_minhash_avx512() == NULL)
		print_message("(no AVX-512 on this CPU: its kernel untested)\n");
	seq = malloc(n * sizeof(*seq));
	assert_non_null(seq);
	for (round = 0; round < 4; round++) {
		for (i = 0; i < n; i++) {
			seq[i] = rnd(&seed);
			/* values that stress the unsigned compare and the
			 * 32-bit halves of the multiply */
			if (round == 1)
				seq[i] |= 0x8000000000000000ULL;
			else if (round == 2)
				seq[i] &= 0xffffffffULL;
			else if (round == 3)
				seq[i] = seq[i] % 5;	/* repeated shingles */
		}
		for (m = 0; m <= 300; m++)
			check(seq + (m * 7) % 97, m);
		check(seq, n);
	}
	free(seq);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seeds),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
