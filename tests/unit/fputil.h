/*
 * fputil.h - made-up fingerprints for the campaign store's tests: a
 * campaign's copies are fp_variant()s of one fp_make().
 */
#ifndef REDFLAG_FPUTIL_H
#define REDFLAG_FPUTIL_H

#include <stdint.h>
#include <string.h>

#include <redflag/fingerprint.h>

static inline uint64_t
fp_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* fp_make: a min-hash fingerprint from seed. */
static inline rf_fingerprint
fp_make(uint64_t seed)
{
	rf_fingerprint fp;
	unsigned i;

	memset(&fp, 0, sizeof(fp));
	fp.version = RF_FP_VERSION;
	fp.kind = RF_FP_MINHASH;
	fp.nwords = 100;
	for (i = 0; i < RF_FP_HASHES; i++)
		fp.h[i] = fp_mix(seed * 1000 + i);
	return fp;
}

/* fp_variant: fp with k positions (from the end) changed, like a copy
 * with a personal greeting; k < RF_FP_HASHES / 2 still matches. */
static inline rf_fingerprint
fp_variant(rf_fingerprint fp, unsigned k, uint64_t salt)
{
	unsigned i;

	for (i = 0; i < k; i++)
		fp.h[RF_FP_HASHES - 1 - i] = fp_mix(salt * 7919 + i);
	fp.nwords += (uint32_t)salt;
	return fp;
}

#endif
