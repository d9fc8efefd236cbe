/*
 * fingerprint_hash.c - the min-hash kernel of the campaign fingerprint
 * (docs/fingerprint.md sections 4 and 13): for each 3-word shingle its
 * XXH3 hash x, then for each of the 32 permutations
 * v = (x ^ s[j]) * m[j], v ^= v >> 29, and the minimum of each.
 *
 * Three kernels giving the same bits: plain C; AVX2 (four permutations
 * per vector; the 64-bit multiply built from three 32x32->64 ones, the
 * unsigned minimum from a signed compare with the sign bit flipped); and
 * AVX-512 (eight per vector, with a 64-bit multiply and an unsigned
 * minimum of its own).  The vector ones are compiled with a function
 * attribute only, so the rest of the build stays plain x86-64, and the
 * widest the CPU has is chosen at run time.
 */
#include <stdint.h>
#include <string.h>

#define XXH_INLINE_ALL		/* the shingle hash inlined: 24 bytes */
#include <xxhash.h>

#include "fingerprint_hash.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define RF_FP_HAVE_AVX2 1
#include <immintrin.h>
#endif

/*
 * The permutations' constants: the outputs of splitmix64 started at
 * 0x7266667032303234 ("rffp2024"), s[0], m[0], s[1], m[1], ..., each
 * m[j] with its low bit set (checked against that rule by
 * tests/unit/test_fingerprint_hash.c).
 */
static const uint64_t fp_s[RF_FP_HASHES] __attribute__((aligned(32))) = {
	0x7de021fea3528615ULL, 0xd64c675c73b26b1bULL,
	0x4570172a4aa4e7d8ULL, 0xba4aad67745b95e9ULL,
	0x2d53f5dbe7d608f4ULL, 0xc6fd2ff74986e36dULL,
	0x955693e70ada50c6ULL, 0x658ea35aa4fea121ULL,
	0x1a9dd6af1796929dULL, 0x6d55011dfeec674dULL,
	0x96c8e6d5557f6bc9ULL, 0xd971414ce84b354fULL,
	0x245d07c96a20a829ULL, 0xa144ee560c44d793ULL,
	0x058bdf7256495cb6ULL, 0xf138f5a240d26b9aULL,
	0xf791b44a32552fd1ULL, 0x305b14ed39fd176fULL,
	0x9cf2eb97d950ca3fULL, 0x88d05f5a7c02c0d0ULL,
	0x01d8b86ecf2bccd4ULL, 0x33ec69d7acfc8352ULL,
	0xd16b178e31c062b7ULL, 0xe29917b2fea071e4ULL,
	0x6b3020c1011ec4e2ULL, 0xba1c46e5c75d552bULL,
	0x18118dacb18c516bULL, 0x6b90282f43ea927bULL,
	0x4dcbcbd70317cfd0ULL, 0x47ef194a4824e141ULL,
	0xf3836b191cbcea0bULL, 0x97f24b61d344d81eULL,
};
static const uint64_t fp_m[RF_FP_HASHES] __attribute__((aligned(32))) = {
	0x6e92ea561be89841ULL, 0x6ce2597d6db8a1c9ULL,
	0xf41c201ea9e74ca9ULL, 0x56022d716fe42c8dULL,
	0x480adc4b0fc0d4e7ULL, 0xd10a13cc625cf5abULL,
	0x4af5ef1f615a039dULL, 0x77ea132c2c437009ULL,
	0xe7726d8d48d95105ULL, 0x99a5dd345570d3c9ULL,
	0x2de94c53a89b9e87ULL, 0x7ee35cab909fb035ULL,
	0xf9693d3050c1ddffULL, 0x4475d0fd98525571ULL,
	0x17db9a3ae396269fULL, 0x1789955effcde8a3ULL,
	0x7ebb61746ff83f89ULL, 0xe37eb11b418bac37ULL,
	0x1de56ff1f3601137ULL, 0x01f409d00e8853c1ULL,
	0xe91aeaed569cf307ULL, 0x181577b2c4323077ULL,
	0x7ee4d33c676b6c5dULL, 0xc4042e77dffbd009ULL,
	0x583dedc4fb83b2afULL, 0x49336fc87e99ababULL,
	0x292497cfdf3e7419ULL, 0xc937d28004c0fe49ULL,
	0x7001413c848d81cbULL, 0xced7bb58a9a3ea73ULL,
	0x90f37765ab80a3d7ULL, 0x924ae15e366ca555ULL,
};

void
rf__fp_seeds(const uint64_t **s, const uint64_t **m)
{
	*s = fp_s;
	*m = fp_m;
}

/* shingle: the XXH3 hash of the three word hashes at seq. */
static inline uint64_t
shingle(const uint64_t *seq)
{
	return XXH3_64bits(seq, RF__FP_SHINGLE * sizeof(*seq));
}

void
rf__fp_minhash_scalar(const uint64_t *seq, size_t m,
		      uint64_t out[RF_FP_HASHES])
{
	uint64_t h[RF_FP_HASHES], x, v;
	size_t i;
	unsigned j;

	for (j = 0; j < RF_FP_HASHES; j++)
		h[j] = UINT64_MAX;
	for (i = 0; i + RF__FP_SHINGLE <= m; i++) {
		x = shingle(seq + i);
		/* unrolled: constant addresses, no loop counter */
#if defined(__clang__)
#pragma unroll
#elif defined(__GNUC__)
#pragma GCC unroll 32
#endif
		for (j = 0; j < RF_FP_HASHES; j++) {
			v = (x ^ fp_s[j]) * fp_m[j];
			v ^= v >> 29;
			h[j] = v < h[j] ? v : h[j];
		}
	}
	memcpy(out, h, sizeof(h));
}

#ifdef RF_FP_HAVE_AVX2
#define VECS (RF_FP_HASHES / 4)

/*
 * The AVX2 kernel.  Per vector of four permutations: a = x ^ s;
 * a * m (mod 2^64) = lo(a) lo(m) + ((hi(a) lo(m) + lo(a) hi(m)) << 32);
 * v ^= v >> 29; the minima are kept with the sign bit flipped, so that
 * a signed compare orders them as unsigned numbers.
 */
__attribute__((target("avx2"))) static void
minhash_avx2(const uint64_t *seq, size_t m, uint64_t out[RF_FP_HASHES])
{
	const __m256i sign = _mm256_set1_epi64x((long long)0x8000000000000000ULL);
	__m256i h[VECS], s[VECS], ml[VECS], mh[VECS];
	__m256i xv, a, lo, cross, v;
	size_t i;
	unsigned j;

	for (j = 0; j < VECS; j++) {
		h[j] = _mm256_set1_epi64x(-1LL ^ (long long)0x8000000000000000ULL);
		s[j] = _mm256_load_si256((const __m256i *)(fp_s + 4 * j));
		ml[j] = _mm256_load_si256((const __m256i *)(fp_m + 4 * j));
		mh[j] = _mm256_srli_epi64(ml[j], 32);
	}
	for (i = 0; i + RF__FP_SHINGLE <= m; i++) {
		xv = _mm256_set1_epi64x((long long)shingle(seq + i));
		/* unrolled, the minima stay in 8 registers */
#if defined(__clang__)
#pragma unroll
#elif defined(__GNUC__)
#pragma GCC unroll 8
#endif
		for (j = 0; j < VECS; j++) {
			a = _mm256_xor_si256(xv, s[j]);
			lo = _mm256_mul_epu32(a, ml[j]);
			cross = _mm256_add_epi64(
			    _mm256_mul_epu32(_mm256_srli_epi64(a, 32), ml[j]),
			    _mm256_mul_epu32(a, mh[j]));
			v = _mm256_add_epi64(lo, _mm256_slli_epi64(cross, 32));
			v = _mm256_xor_si256(v, _mm256_srli_epi64(v, 29));
			v = _mm256_xor_si256(v, sign);
			h[j] = _mm256_blendv_epi8(h[j], v,
			    _mm256_cmpgt_epi64(h[j], v));
		}
	}
	for (j = 0; j < VECS; j++)
		_mm256_storeu_si256((__m256i *)(out + 4 * j),
		    _mm256_xor_si256(h[j], sign));
}
#endif

#ifdef RF_FP_HAVE_AVX2
#define VECS512 (RF_FP_HASHES / 8)

/*
 * The AVX-512 kernel (AVX-512F and DQ): eight permutations per 512-bit
 * vector, with the 64-bit multiply (vpmullq) and the unsigned minimum
 * (vpminuq) the instruction set has, the four vectors of minima kept in
 * registers.
 */
__attribute__((target("avx512f,avx512dq"))) static void
minhash_avx512(const uint64_t *seq, size_t m, uint64_t out[RF_FP_HASHES])
{
	__m512i h[VECS512], s[VECS512], ml[VECS512];
	__m512i xv, v;
	size_t i;
	unsigned j;

	for (j = 0; j < VECS512; j++) {
		h[j] = _mm512_set1_epi64(-1LL);
		s[j] = _mm512_loadu_si512((const void *)(fp_s + 8 * j));
		ml[j] = _mm512_loadu_si512((const void *)(fp_m + 8 * j));
	}
	for (i = 0; i + RF__FP_SHINGLE <= m; i++) {
		xv = _mm512_set1_epi64((long long)shingle(seq + i));
#if defined(__clang__)
#pragma unroll
#elif defined(__GNUC__)
#pragma GCC unroll 4
#endif
		for (j = 0; j < VECS512; j++) {
			v = _mm512_mullo_epi64(_mm512_xor_si512(xv, s[j]),
			    ml[j]);
			v = _mm512_xor_si512(v, _mm512_srli_epi64(v, 29));
			h[j] = _mm512_min_epu64(h[j], v);
		}
	}
	for (j = 0; j < VECS512; j++)
		_mm512_storeu_si512((void *)(out + 8 * j), h[j]);
}
#endif

rf__fp_minhash_fn *
rf__fp_minhash_avx2(void)
{
#ifdef RF_FP_HAVE_AVX2
	if (__builtin_cpu_supports("avx2"))
		return minhash_avx2;
#endif
	return NULL;
}

rf__fp_minhash_fn *
rf__fp_minhash_avx512(void)
{
#ifdef RF_FP_HAVE_AVX2
	if (__builtin_cpu_supports("avx512f") &&
	    __builtin_cpu_supports("avx512dq"))
		return minhash_avx512;
#endif
	return NULL;
}

rf__fp_minhash_fn *
rf__fp_minhash_best(void)
{
	rf__fp_minhash_fn *k = rf__fp_minhash_avx512();

	if (k == NULL)
		k = rf__fp_minhash_avx2();
	return k != NULL ? k : rf__fp_minhash_scalar;
}
