/*
 * redflag/hll.h - HyperLogLog: the number of distinct recipients of a
 * campaign in bounded space (docs/store.md, "Counting recipients").
 *
 * p = 14 (16,384 registers), 44 bits of XXH3 used per item (14 index bits,
 * 30 rank bits), so a register holds 0..31 and packs into 5 bits: the dense
 * form is RF_HLL_DENSE_BYTES = 10,240 bytes.  Small sets use a sparse form
 * (3 bytes per non-zero register) until it would pass
 * RF_HLL_SPARSE_MAX registers.  The estimate is Ertl's improved estimator
 * (arXiv:1702.01284), without bias tables: standard error about
 * 1.04 / sqrt(16384) = 0.81 % over the whole range, exact-ish (linear
 * counting behaviour) for small sets.
 *
 * The serialised form (rf_hll_blob) is what the SQLite store keeps:
 *   byte 0   'S' (sparse) or 'D' (dense)
 *   byte 1   p (14)
 *   bytes 2-3 zero
 *   sparse:  n entries of 3 bytes, big-endian (index << 5 | value),
 *            strictly increasing index, value 1..31
 *   dense:   16,384 registers of 5 bits, register j at bits 5j..5j+4,
 *            little-endian bit order
 * An rf_hll is a plain value (no heap): copy it, put it on the stack.
 */
#ifndef REDFLAG_HLL_H
#define REDFLAG_HLL_H

#include <stddef.h>
#include <stdint.h>

#include <redflag/error.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RF_HLL_P 14
#define RF_HLL_M (1u << RF_HLL_P)
#define RF_HLL_Q 30			/* rank bits: registers hold 0..Q+1 */
#define RF_HLL_HEADER 4
#define RF_HLL_DENSE_BYTES (RF_HLL_M * 5 / 8)
#define RF_HLL_SPARSE_MAX 2048		/* 6 KiB of entries, then dense */
#define RF_HLL_MAX_BLOB (RF_HLL_HEADER + RF_HLL_DENSE_BYTES)

typedef struct rf_hll {
	uint32_t n;			/* sparse entries; unused when dense */
	/* serialised form; +1 byte so that 16-bit register reads at the
	 * last byte stay inside */
	uint8_t buf[RF_HLL_MAX_BLOB + 1];
} rf_hll;

/* rf_hll_init: an empty (sparse) set. */
void rf_hll_init(rf_hll *h);

/* rf_hll_load: h from a serialised blob (e.g. read back from a store,
 * which is not trusted): RF_EPARSE when it is not a well-formed blob of
 * this layout. */
rf_status rf_hll_load(rf_hll *h, const void *blob, size_t len,
		      rf_error *err);

/* rf_hll_blob: h's serialised form, valid until h changes. */
const void *rf_hll_blob(const rf_hll *h, size_t *len);

/* rf_hll_hash: the item hash of a recipient address: XXH3-64 of the
 * address with ASCII letters lower-cased. */
uint64_t rf_hll_hash(const char *s, size_t len);

/* rf_hll_add_hash: add an item by its 64-bit hash; returns 1 when a
 * register changed (the blob must be written back), 0 when not. */
int rf_hll_add_hash(rf_hll *h, uint64_t hash);

/* rf_hll_add: rf_hll_add_hash(h, rf_hll_hash(s, len)). */
int rf_hll_add(rf_hll *h, const char *s, size_t len);

/* rf_hll_merge: h becomes the union of h and o. */
void rf_hll_merge(rf_hll *h, const rf_hll *o);

/* rf_hll_count: the estimated number of distinct items added. */
uint64_t rf_hll_count(const rf_hll *h);

#ifdef __cplusplus
}
#endif
#endif
