/*
 * fingerprint_hash.h - the min-hash kernel of the campaign fingerprint
 * (lib/fingerprint_hash.c, docs/fingerprint.md section 4), shared by
 * lib/fingerprint.c and its tests.  Private to libredflag.
 */
#ifndef RF_FINGERPRINT_HASH_H
#define RF_FINGERPRINT_HASH_H

#include <stddef.h>
#include <stdint.h>

#include <redflag/fingerprint.h>

#define RF__FP_SHINGLE 3	/* words per shingle */

/*
 * A min-hash kernel: out[j] (j < RF_FP_HASHES) is the minimum over the
 * shingles seq[i..i+3) (i + 3 <= m) of permutation j of the shingle's
 * XXH3 hash; UINT64_MAX when m < 3.  Every kernel gives the same bits.
 */
typedef void rf__fp_minhash_fn(const uint64_t *seq, size_t m,
			       uint64_t out[RF_FP_HASHES]);

/* rf__fp_minhash_scalar: the portable kernel (plain C, any CPU). */
rf__fp_minhash_fn rf__fp_minhash_scalar;

/* rf__fp_minhash_avx2: the AVX2 kernel (4 permutations per vector);
 * NULL when this CPU or this build has no AVX2. */
rf__fp_minhash_fn *rf__fp_minhash_avx2(void);

/* rf__fp_minhash_avx512: the AVX-512 kernel (AVX-512F and DQ, 8
 * permutations per vector); NULL when this CPU or this build has none. */
rf__fp_minhash_fn *rf__fp_minhash_avx512(void);

/* rf__fp_minhash_best: the kernel to use on this CPU: AVX-512, else AVX2,
 * else the scalar kernel, the first that this CPU has. */
rf__fp_minhash_fn *rf__fp_minhash_best(void);

/* rf__fp_seeds: the permutations' constants, s[j] and m[j] (odd) of
 * v = (x ^ s[j]) * m[j], v ^= v >> 29; RF_FP_HASHES of each. */
void rf__fp_seeds(const uint64_t **s, const uint64_t **m);

/* rf__fp_lexicon_has: the word hash h is one of the lexicon's (the
 * look-up lib/fingerprint.c makes for every word; for tests). */
int rf__fp_lexicon_has(uint64_t h);

/* rf__fingerprint_text_with's flags: read the text the plain way, one
 * byte at a time (no 8-byte SWAR runs of word bytes) and searching every
 * chunk with a ':' or a '.' for a URL (not only those with "www."). */
#define RF__FP_BYTEWISE 1u

/*
 * rf__fingerprint_text_with: rf_fingerprint_text with the min-hash done
 * by the given kernel and the text read as flags say (0: the fast way);
 * tests compare the fast paths with the plain ones on whole texts.
 */
rf_status rf__fingerprint_text_with(const rf_ctx *ctx, const char *text,
				    size_t len, const char *rcpt_addr,
				    const char *rcpt_name,
				    rf__fp_minhash_fn *kernel, unsigned flags,
				    rf_fingerprint *out, rf_error *err);

#endif
