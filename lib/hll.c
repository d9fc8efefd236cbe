/*
 * hll.c - HyperLogLog with a sparse form for small sets and Ertl's
 * improved estimator (layout and error in redflag/hll.h, docs/store.md).
 */
#include <math.h>
#include <string.h>

#define XXH_STATIC_LINKING_ONLY	/* XXH3_state_t on the stack */
#include <xxhash.h>

#include <redflag/hll.h>

#define SPARSE 'S'
#define DENSE 'D'
#define ENTRY 3

static unsigned
dense_get(const rf_hll *h, uint32_t j)
{
	uint32_t bit = 5 * j, b = RF_HLL_HEADER + (bit >> 3);
	unsigned w = h->buf[b] | (unsigned)h->buf[b + 1] << 8;

	return (w >> (bit & 7)) & 31;
}

static void
dense_set(rf_hll *h, uint32_t j, unsigned v)
{
	uint32_t bit = 5 * j, b = RF_HLL_HEADER + (bit >> 3);
	unsigned s = bit & 7;
	unsigned w = h->buf[b] | (unsigned)h->buf[b + 1] << 8;

	w = (w & ~(31u << s)) | (v << s);
	h->buf[b] = (uint8_t)w;
	if (s > 3)
		h->buf[b + 1] = (uint8_t)(w >> 8);
}

static uint32_t
entry_get(const rf_hll *h, uint32_t k)
{
	const uint8_t *p = h->buf + RF_HLL_HEADER + ENTRY * k;

	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static void
entry_put(rf_hll *h, uint32_t k, uint32_t e)
{
	uint8_t *p = h->buf + RF_HLL_HEADER + ENTRY * k;

	p[0] = (uint8_t)(e >> 16);
	p[1] = (uint8_t)(e >> 8);
	p[2] = (uint8_t)e;
}

void
rf_hll_init(rf_hll *h)
{
	memset(h->buf, 0, RF_HLL_HEADER);
	h->buf[0] = SPARSE;
	h->buf[1] = RF_HLL_P;
	h->buf[RF_HLL_MAX_BLOB] = 0;
	h->n = 0;
}

/* to_dense: rewrite the sparse entries as packed registers. */
static void
to_dense(rf_hll *h)
{
	uint8_t tmp[RF_HLL_SPARSE_MAX * ENTRY];
	uint32_t k, n = h->n, e;

	memcpy(tmp, h->buf + RF_HLL_HEADER, (size_t)n * ENTRY);
	memset(h->buf + RF_HLL_HEADER, 0, RF_HLL_DENSE_BYTES + 1);
	h->buf[0] = DENSE;
	for (k = 0; k < n; k++) {
		e = (uint32_t)tmp[ENTRY * k] << 16 |
		    (uint32_t)tmp[ENTRY * k + 1] << 8 | tmp[ENTRY * k + 2];
		dense_set(h, e >> 5, e & 31);
	}
	h->n = 0;
}

/* set_max: register idx = max(register idx, v); 1 if it changed. */
static int
set_max(rf_hll *h, uint32_t idx, unsigned v)
{
	uint32_t lo = 0, hi = h->n, mid, e;

	if (h->buf[0] == DENSE) {
		if (dense_get(h, idx) >= v)
			return 0;
		dense_set(h, idx, v);
		return 1;
	}
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		e = entry_get(h, mid);
		if ((e >> 5) == idx) {
			if ((e & 31) >= v)
				return 0;
			entry_put(h, mid, idx << 5 | v);
			return 1;
		}
		if ((e >> 5) < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (h->n == RF_HLL_SPARSE_MAX) {
		to_dense(h);
		dense_set(h, idx, v);
		return 1;
	}
	memmove(h->buf + RF_HLL_HEADER + ENTRY * (lo + 1),
	    h->buf + RF_HLL_HEADER + ENTRY * lo, (size_t)(h->n - lo) * ENTRY);
	entry_put(h, lo, idx << 5 | v);
	h->n++;
	return 1;
}

rf_status
rf_hll_load(rf_hll *h, const void *blob, size_t len, rf_error *err)
{
	const uint8_t *b = blob;
	uint32_t k, e, prev = 0;

	if (len < RF_HLL_HEADER || b[1] != RF_HLL_P || b[2] != 0 || b[3] != 0)
		return rf_error_set(err, RF_EPARSE, "HLL blob: bad header");
	if (b[0] == DENSE) {
		if (len != RF_HLL_MAX_BLOB)
			return rf_error_set(err, RF_EPARSE,
			    "HLL blob: dense form of %zu bytes", len);
		memcpy(h->buf, b, len);
		h->buf[RF_HLL_MAX_BLOB] = 0;
		h->n = 0;
		return RF_OK;
	}
	if (b[0] != SPARSE || (len - RF_HLL_HEADER) % ENTRY != 0 ||
	    (len - RF_HLL_HEADER) / ENTRY > RF_HLL_SPARSE_MAX)
		return rf_error_set(err, RF_EPARSE, "HLL blob: bad sparse form");
	memcpy(h->buf, b, len);
	h->n = (uint32_t)((len - RF_HLL_HEADER) / ENTRY);
	for (k = 0; k < h->n; k++) {
		e = entry_get(h, k);
		if ((e & 31) == 0 || (e >> 5) >= RF_HLL_M ||
		    (k > 0 && (e >> 5) <= prev)) {
			rf_hll_init(h);
			return rf_error_set(err, RF_EPARSE,
			    "HLL blob: bad sparse entry %u", k);
		}
		prev = e >> 5;
	}
	return RF_OK;
}

const void *
rf_hll_blob(const rf_hll *h, size_t *len)
{
	*len = h->buf[0] == DENSE ? RF_HLL_MAX_BLOB :
	    RF_HLL_HEADER + (size_t)h->n * ENTRY;
	return h->buf;
}

uint64_t
rf_hll_hash(const char *s, size_t len)
{
	char low[256];
	XXH3_state_t st;
	size_t i, n;

	if (len <= sizeof(low)) {
		for (i = 0; i < len; i++)
			low[i] = s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i];
		return XXH3_64bits(low, len);
	}
	XXH3_64bits_reset(&st);
	while (len > 0) {
		n = len < sizeof(low) ? len : sizeof(low);
		for (i = 0; i < n; i++)
			low[i] = s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i];
		XXH3_64bits_update(&st, low, n);
		s += n;
		len -= n;
	}
	return XXH3_64bits_digest(&st);
}

int
rf_hll_add_hash(rf_hll *h, uint64_t hash)
{
	uint32_t idx = (uint32_t)(hash >> (64 - RF_HLL_P));
	uint32_t w = (uint32_t)(hash >> (64 - RF_HLL_P - RF_HLL_Q)) &
	    ((1u << RF_HLL_Q) - 1);
	unsigned v = w == 0 ? RF_HLL_Q + 1 :
	    (unsigned)__builtin_clz(w) - (32 - RF_HLL_Q) + 1;

	return set_max(h, idx, v);
}

int
rf_hll_add(rf_hll *h, const char *s, size_t len)
{
	return rf_hll_add_hash(h, rf_hll_hash(s, len));
}

void
rf_hll_merge(rf_hll *h, const rf_hll *o)
{
	uint32_t j, e;

	if (o->buf[0] == DENSE) {
		for (j = 0; j < RF_HLL_M; j++)
			if (dense_get(o, j) != 0)
				set_max(h, j, dense_get(o, j));
		return;
	}
	for (j = 0; j < o->n; j++) {
		e = entry_get(o, j);
		set_max(h, e >> 5, e & 31);
	}
}

/* sigma and tau of Ertl's estimator (arXiv:1702.01284, algorithm 6). */
static double
sigma(double x)
{
	double y = 1, z = x, zp;

	if (x == 1)
		return INFINITY;
	do {
		x *= x;
		zp = z;
		z += x * y;
		y += y;
	} while (zp != z);
	return z;
}

static double
tau(double x)
{
	double y = 1, z = 1 - x, zp;

	if (x == 0 || x == 1)
		return 0;
	do {
		x = sqrt(x);
		zp = z;
		y *= 0.5;
		z -= (1 - x) * (1 - x) * y;
	} while (zp != z);
	return z / 3;
}

uint64_t
rf_hll_count(const rf_hll *h)
{
	uint32_t c[RF_HLL_Q + 2] = { 0 };
	const double m = RF_HLL_M;
	double z;
	uint32_t j;
	int k;

	if (h->buf[0] == DENSE) {
		for (j = 0; j < RF_HLL_M; j++)
			c[dense_get(h, j)]++;
	} else {
		c[0] = RF_HLL_M - h->n;
		for (j = 0; j < h->n; j++)
			c[entry_get(h, j) & 31]++;
	}
	z = m * tau(1 - c[RF_HLL_Q + 1] / m);
	for (k = RF_HLL_Q; k >= 1; k--)
		z = 0.5 * (z + c[k]);
	z += m * sigma(c[0] / m);
	if (isinf(z))
		return 0;
	return (uint64_t)llround(0.5 / log(2) * m * m / z);
}
