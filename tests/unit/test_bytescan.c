/*
 * test_bytescan.c - lib/bytescan.h's SSE2 forms against their portable
 * forms and byte-by-byte checks: rf__bytes_in on every byte value in
 * every lane for ranges at the edges of the byte values;
 * rf__word_run8_sse2 (what fingerprint.c runs on x86-64) and
 * rf__word_run8_swar (what it runs elsewhere) against a byte-at-a-time
 * count on every byte value at every place, after and inside runs, and on
 * random bytes at every offset of a buffer; rf__span_until and
 * rf__span_below_or against byte-by-byte searches at every start and end.
 * The portable form is always
 * compiled, so both are checked in every build.
 */
#include "testutil.h"

#include "../../lib/bytescan.h"

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

#ifdef __SSE2__
/* bytes_in_check: rf__bytes_in(in, lo, hi) against a byte-by-byte check
 * in all 16 lanes. */
static void
bytes_in_check(const unsigned char *in, unsigned lo, unsigned hi)
{
	unsigned char out[16];
	size_t k;

	_mm_storeu_si128((__m128i *)(void *)out, rf__bytes_in(
	    _mm_loadu_si128((const __m128i *)(const void *)in),
	    (unsigned char)lo, (unsigned char)hi));
	for (k = 0; k < 16; k++)
		if (out[k] != (in[k] >= lo && in[k] <= hi ? 0xff : 0))
			fail_msg("[%u, %u]: byte 0x%02x in lane %zu gives "
			    "0x%02x", lo, hi, in[k], k, out[k]);
}

/* Every byte value in every lane (its neighbours one above and one below)
 * for ranges inside and at the edges of the byte values. */
static void
test_bytes_in(void **state)
{
	static const unsigned char ranges[][2] = {
		{ 'A', 'Z' }, { 'a', 'z' }, { '0', '9' }, { 'a', 'f' },
		{ 0, 0 }, { 0, 254 }, { 1, 255 }, { 255, 255 }, { 0x7f, 0x80 },
		{ 0x80, 0xff }, { 0x40, 0xc0 }, { 0x7f, 0x7f }, { 0x80, 0x80 },
	};
	unsigned char in[16];
	size_t r, lane;
	unsigned b;

	(void)state;
	for (r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++)
		for (b = 0; b < 256; b++)
			for (lane = 0; lane < 16; lane++) {
				memset(in, (int)((b + 1) & 255), sizeof(in));
				in[lane] = (unsigned char)b;
				in[(lane + 1) & 15] = (unsigned char)(b - 1);
				bytes_in_check(in, ranges[r][0], ranges[r][1]);
			}
}
#endif

/* word_run8_ref: rf__word_run8 a byte at a time. */
static unsigned
word_run8_ref(const unsigned char *p, uint64_t *be, int *digit)
{
	unsigned k;
	int c;

	*be = 0;
	for (k = 0; k < 8; k++)
		*be = (*be << 8) | (uint64_t)(p[k] | 0x20);
	for (k = 0; k < 8; k++) {
		c = p[k];
		if (c >= '0' && c <= '9')
			*digit = 1;
		else if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
			break;
	}
	return k;
}

/* run8_check: every form of rf__word_run8 on p, digit starting at d0. */
static void
run8_check(const unsigned char *p, int d0)
{
	uint64_t be_ref, be;
	unsigned k_ref, k;
	int dg_ref = d0, dg = d0;

	k_ref = word_run8_ref(p, &be_ref, &dg_ref);
	k = rf__word_run8_swar(p, &be, &dg);
	if (k != k_ref || be != be_ref || dg != dg_ref)
		fail_msg("swar: %02x %02x %02x %02x %02x %02x %02x %02x: "
		    "%u, %d (want %u, %d)", p[0], p[1], p[2], p[3], p[4],
		    p[5], p[6], p[7], k, dg, k_ref, dg_ref);
#ifdef RF__WORD_RUN8_SSE2
	dg = d0;
	k = rf__word_run8_sse2(p, &be, &dg);
	if (k != k_ref || be != be_ref || dg != dg_ref)
		fail_msg("sse2: %02x %02x %02x %02x %02x %02x %02x %02x: "
		    "%u, %d (want %u, %d)", p[0], p[1], p[2], p[3], p[4],
		    p[5], p[6], p[7], k, dg, k_ref, dg_ref);
#endif
	dg = d0;
	k = rf__word_run8(p, &be, &dg);
	if (k != k_ref || be != be_ref || dg != dg_ref)
		fail_msg("rf__word_run8 differs");
}

/* Every byte value at every place of the 8, in runs of letters, digits
 * and both; the digit flag coming in set and clear. */
static void
test_word_run8_bytes(void **state)
{
	static const char *const runs[] = {
		"abcdefgh", "ZYXWVUTS", "q1w2e3r4", "01234567", "zZaA9mM0",
	};
	unsigned char buf[8];
	unsigned b, pos, r;
	int d0;

	(void)state;
	for (r = 0; r < sizeof(runs) / sizeof(runs[0]); r++)
		for (pos = 0; pos < 8; pos++)
			for (b = 0; b < 256; b++)
				for (d0 = 0; d0 < 2; d0++) {
					memcpy(buf, runs[r], 8);
					buf[pos] = (unsigned char)b;
					run8_check(buf, d0);
				}
}

/* Random bytes, mostly word bytes so that long runs happen, read at every
 * offset of a buffer (every alignment). */
static void
test_word_run8_random(void **state)
{
	static const char word[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char buf[64 + 8];
	uint64_t s = 0x9e3779b97f4a7c15ULL, x;
	size_t t, i, off;

	(void)state;
	for (t = 0; t < 20000; t++) {
		for (i = 0; i < sizeof(buf); i++) {
			x = rnd(&s);
			buf[i] = (x & 7) == 0 ? (unsigned char)(x >> 8) :
			    (unsigned char)word[(x >> 8) % (sizeof(word) - 1)];
		}
		for (off = 0; off < 64; off++)
			run8_check(buf + off, (int)(t & 1));
	}
}

/* span_check: every form of rf__span_until on s[i..len) against the
 * byte-by-byte search. */
static void
span_check(const char *s, size_t i, size_t len, const char *v)
{
	size_t want = rf__span_until_tail(s, i, len, v[0], v[1], v[2], v[3]);

	if (rf__span_until_swar(s, i, len, v[0], v[1], v[2], v[3]) != want)
		fail_msg("rf__span_until_swar differs at %zu..%zu", i, len);
#ifdef __SSE2__
	if (rf__span_until_sse2(s, i, len, v[0], v[1], v[2], v[3]) != want)
		fail_msg("rf__span_until_sse2 differs at %zu..%zu", i, len);
#endif
	if (rf__span_until(s, i, len, v[0], v[1], v[2], v[3]) != want)
		fail_msg("rf__span_until differs at %zu..%zu", i, len);
}

/* test_span_until: random buffers of few distinct bytes (so that hits
 * are frequent, sparse or absent), every start and end up to 70 bytes,
 * each buffer in its own allocation so that ASan sees any read past the
 * end; values with the high bit set and repeated ones too. */
static void
test_span_until(void **state)
{
	static const char sets[4][4] = { { '<', '>', '&', '"' },
	    { '\r', '\n', '\r', '\n' }, { '\x80', '\xff', '\0', 'a' },
	    { 'z', 'z', 'z', 'z' } };
	uint64_t seed = 42;
	size_t round, i, len, k;

	(void)state;
	for (round = 0; round < 400; round++) {
		size_t n = 1 + (size_t)(rnd(&seed) % 70);
		char *s = malloc(n);
		const char *v = sets[round % 4];
		unsigned span = 2 + (unsigned)(round % 40) * 6;

		assert_non_null(s);
		for (k = 0; k < n; k++)
			s[k] = (char)(rnd(&seed) % span < 4 ?
			    v[rnd(&seed) % 4] : 'b' + (int)(rnd(&seed) % 20));
		for (len = 0; len <= n; len++)
			for (i = 0; i <= len; i++)
				span_check(s, i, len, v);
		free(s);
	}
}

/* below_check: rf__span_below_or(s, i, len, lo, c) against a byte-by-byte
 * search. */
static void
below_check(const char *s, size_t i, size_t len, unsigned lo, unsigned c)
{
	size_t want = i, got;

	while (want < len && (unsigned char)s[want] >= lo &&
	    (unsigned char)s[want] != c)
		want++;
	got = rf__span_below_or(s, i, len, (unsigned char)lo,
	    (unsigned char)c);
	if (got != want)
		fail_msg("below 0x%02x or 0x%02x from %zu to %zu: %zu, not %zu",
		    lo, c, i, len, got, want);
}

/* Random bytes near the bounds (lo - 1, lo, and 0 below it; c, c - 1,
 * c + 1; 0x7f, 0x80, 0xff above it) and in between, at every start and
 * end, for the rewriter's bounds and the extremes lo = 1 and 0x80. */
static void
test_span_below_or(void **state)
{
	static const unsigned bounds[][2] = { { 0x20, 0xef }, { 0x80, 0xff },
	    { 1, 0 }, { 0x20, 0x20 }, { 0x80, 0x7f } };
	uint64_t seed = 7;
	size_t round, i, len, k;

	(void)state;
	for (round = 0; round < 400; round++) {
		size_t n = 1 + (size_t)(rnd(&seed) % 70);
		unsigned lo = bounds[round % 5][0], c = bounds[round % 5][1];
		unsigned near[9] = { lo - 1, lo, 0, c, (c - 1) & 255,
		    (c + 1) & 255, 0x7f, 0x80, 0xff };
		unsigned span = 2 + (unsigned)(round % 40) * 6;
		char *s = malloc(n);

		assert_non_null(s);
		for (k = 0; k < n; k++)
			s[k] = (char)(rnd(&seed) % span < 4 ?
			    near[rnd(&seed) % 9] : lo + (rnd(&seed) % 16));
		for (len = 0; len <= n; len++)
			for (i = 0; i <= len; i++)
				below_check(s, i, len, lo, c);
		free(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#ifdef __SSE2__
		cmocka_unit_test(test_bytes_in),
#endif
		cmocka_unit_test(test_word_run8_bytes),
		cmocka_unit_test(test_word_run8_random),
		cmocka_unit_test(test_span_until),
		cmocka_unit_test(test_span_below_or),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
