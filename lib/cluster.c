/*
 * cluster.c - batch clustering of fingerprints (include/redflag/cluster.h).
 *
 * Items are visited in a canonical order (by fingerprint).  Each LSH band
 * key has a bucket of at most RF_CLUSTER_HEADS representatives ("heads");
 * an item is compared (rf_fp_match) with the heads of its band buckets
 * only and joined to each one it matches (union-find); it becomes a head
 * of a bucket where it matched no head and there is room.  So the work is
 * O(n * bands * heads), never all pairs, and the result depends on the
 * fingerprints only.
 */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "internal.h"

#define ID_SEED 0x63616d706169676eULL	/* "campaign" */

struct item {
	rf_fingerprint fp;
	const char *rcpt;	/* in the arena, or NULL */
	uint64_t rhash;		/* XXH3 of rcpt */
	size_t index;		/* the caller's */
	size_t parent;		/* union-find */
	size_t cluster;
};

#define NO_HEAD UINT32_MAX

/* The heads of one band key: item numbers.  Most keys have one head at
 * most, so the first is in the bucket and the others, when there are,
 * in an overflow slot (more: its number + 1, or 0). */
struct bucket {
	uint32_t first;		/* NO_HEAD: no head yet */
	uint32_t more;
};

struct overflow {
	uint32_t heads[RF_CLUSTER_HEADS - 1];	/* NO_HEAD past the last */
};

/* The band keys of a run: every distinct key once, sorted, and its
 * bucket at the same position (a dense table: 8 + 8 bytes a key, no
 * free slots). */
struct bands {
	uint64_t *keys;
	struct bucket *b;
	size_t n;
	struct overflow *ov;
	size_t nov, ovcap;
};

/* What rf_cluster_run keeps of an item. */
struct member {
	size_t cluster, index;
};

struct rf_cluster {
	rf_arena *arena;	/* recipients (NULL after the run) */
	struct item *items;	/* NULL after the run: see of */
	struct member *of;
	size_t n, cap;
	rf_batch_campaign *camps;
	size_t ncamps;
	int done;
};

rf_status
rf_cluster_new(rf_cluster **out, rf_error *err)
{
	rf_cluster *cl;

	*out = NULL;
	cl = calloc(1, sizeof(*cl));
	if (cl == NULL || (cl->arena = rf_arena_new()) == NULL) {
		free(cl);
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	*out = cl;
	return RF_OK;
}

void
rf_cluster_free(rf_cluster *cl)
{
	if (cl == NULL)
		return;
	free(cl->items);
	free(cl->of);
	free(cl->camps);
	rf_arena_free(cl->arena);
	free(cl);
}

rf_status
rf_cluster_add(rf_cluster *cl, const rf_fingerprint *fp,
	       const char *recipient, size_t index, rf_error *err)
{
	struct item *it, *nv;
	size_t ncap;

	if (cl->done)
		return rf_error_set(err, RF_EINVAL,
		    "rf_cluster_add after rf_cluster_run");
	if (cl->n == cl->cap) {
		ncap = cl->cap == 0 ? 256 : cl->cap * 2;
		if (ncap > SIZE_MAX / sizeof(*nv) ||
		    (nv = realloc(cl->items, ncap * sizeof(*nv))) == NULL)
			return rf_error_set(err, RF_ENOMEM, "out of memory");
		cl->items = nv;
		cl->cap = ncap;
	}
	it = &cl->items[cl->n];
	memset(it, 0, sizeof(*it));
	it->fp = *fp;
	it->index = index;
	if (recipient != NULL && *recipient != '\0') {
		if ((it->rcpt = rf_arena_strdup(cl->arena, recipient)) == NULL)
			return rf_error_set(err, RF_ENOMEM, "out of memory");
		it->rhash = XXH3_64bits(recipient, strlen(recipient));
	}
	cl->n++;
	return RF_OK;
}

static size_t
find(struct item *v, size_t x)
{
	size_t r = x, next;

	while (v[r].parent != r)
		r = v[r].parent;
	while (v[x].parent != r) {	/* path compression */
		next = v[x].parent;
		v[x].parent = r;
		x = next;
	}
	return r;
}

static void
unite(struct item *v, size_t a, size_t b)
{
	a = find(v, a);
	b = find(v, b);
	if (a == b)
		return;
	if (a < b)			/* the smaller item number is the root */
		v[b].parent = a;
	else
		v[a].parent = b;
}

/* fp_cmp: the canonical order: kind, then values, then word count. */
static int
fp_cmp(const rf_fingerprint *a, const rf_fingerprint *b)
{
	unsigned j;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	for (j = 0; j < RF_FP_HASHES; j++)
		if (a->h[j] != b->h[j])
			return a->h[j] < b->h[j] ? -1 : 1;
	if (a->nwords != b->nwords)
		return a->nwords < b->nwords ? -1 : 1;
	return 0;
}

static int
cmp_canon(const void *pa, const void *pb, void *arg)
{
	const struct item *v = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = fp_cmp(&v[a].fp, &v[b].fp);

	if (c != 0)
		return c;
	return a < b ? -1 : a > b;
}

/* band_key: the LSH key of band i of fp (never 0). */
static uint64_t
band_key(const rf_fingerprint *fp, unsigned i)
{
	uint64_t key = rf_fp_band(fp, i);

	return key == 0 ? 1 : key;
}

static unsigned
nbands_of(const rf_fingerprint *fp)
{
	return fp->kind == RF_FP_SHORT ? 1 : RF_FP_BANDS;
}

static int
cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return a < b ? -1 : a > b;
}

/* bands_make: the distinct band keys of every non-empty item, each with
 * an empty bucket.  RF_OK or RF_ENOMEM. */
static rf_status
bands_make(const rf_cluster *cl, struct bands *t)
{
	const struct item *v = cl->items;
	size_t i, n = 0, m;
	uint64_t *nk;
	unsigned band;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < cl->n; i++)
		if (v[i].fp.kind != RF_FP_EMPTY)
			n += nbands_of(&v[i].fp);
	if (n == 0)
		return RF_OK;
	if (n > SIZE_MAX / sizeof(*t->b) ||
	    (t->keys = malloc(n * sizeof(*t->keys))) == NULL)
		return RF_ENOMEM;
	for (i = 0, n = 0; i < cl->n; i++)
		if (v[i].fp.kind != RF_FP_EMPTY)
			for (band = 0; band < nbands_of(&v[i].fp); band++)
				t->keys[n++] = band_key(&v[i].fp, band);
	qsort(t->keys, n, sizeof(*t->keys), cmp_u64);
	for (i = m = 1; i < n; i++)
		if (t->keys[i] != t->keys[m - 1])
			t->keys[m++] = t->keys[i];
	t->n = m;
	if ((nk = realloc(t->keys, m * sizeof(*t->keys))) != NULL)
		t->keys = nk;
	if ((t->b = malloc(m * sizeof(*t->b))) == NULL)
		return RF_ENOMEM;
	for (i = 0; i < m; i++) {
		t->b[i].first = NO_HEAD;
		t->b[i].more = 0;
	}
	return RF_OK;
}

static void
bands_free(struct bands *t)
{
	free(t->keys);
	free(t->b);
	free(t->ov);
	memset(t, 0, sizeof(*t));
}

/* head: head h (< RF_CLUSTER_HEADS) of bucket b, or NO_HEAD. */
static uint32_t
head(const struct bands *t, const struct bucket *b, unsigned h)
{
	if (h == 0)
		return b->first;
	return b->more == 0 ? NO_HEAD : t->ov[b->more - 1].heads[h - 1];
}

/* add_head: make x head number h of bucket b (h < RF_CLUSTER_HEADS,
 * the heads before it taken).  RF_OK or RF_ENOMEM. */
static rf_status
add_head(struct bands *t, struct bucket *b, unsigned h, uint32_t x)
{
	struct overflow *nv;
	size_t ncap;
	unsigned k;

	if (h == 0) {
		b->first = x;
		return RF_OK;
	}
	if (b->more == 0) {
		if (t->nov == t->ovcap) {
			ncap = t->ovcap ? t->ovcap * 2 : 256;
			if (ncap >= NO_HEAD || (nv = realloc(t->ov,
			    ncap * sizeof(*nv))) == NULL)
				return RF_ENOMEM;
			t->ov = nv;
			t->ovcap = ncap;
		}
		for (k = 0; k < RF_CLUSTER_HEADS - 1; k++)
			t->ov[t->nov].heads[k] = NO_HEAD;
		b->more = (uint32_t)++t->nov;
	}
	t->ov[b->more - 1].heads[h - 1] = x;
	return RF_OK;
}

/* bucket: the bucket of key (which bands_make saw). */
static struct bucket *
bucket(const struct bands *t, uint64_t key)
{
	size_t lo = 0, hi = t->n, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (t->keys[mid] <= key)
			lo = mid;
		else
			hi = mid;
	}
	return &t->b[lo];
}

/* visit: compare item x with the heads of its buckets, join the matches,
 * become a head where there is room and nothing matched.  RF_OK or
 * RF_ENOMEM. */
static rf_status
visit(rf_cluster *cl, struct bands *t, size_t x)
{
	struct item *v = cl->items;
	struct bucket *b;
	unsigned band, h;
	uint32_t y;
	int matched;

	for (band = 0; band < nbands_of(&v[x].fp); band++) {
		b = bucket(t, band_key(&v[x].fp, band));
		matched = 0;
		for (h = 0; h < RF_CLUSTER_HEADS &&
		    (y = head(t, b, h)) != NO_HEAD; h++) {
			if (find(v, y) == find(v, x)) {
				matched = 1;
				continue;
			}
			if (rf_fp_match(&v[x].fp, &v[y].fp)) {
				unite(v, x, y);
				matched = 1;
			}
		}
		if (!matched && h < RF_CLUSTER_HEADS &&
		    add_head(t, b, h, (uint32_t)x) != RF_OK)
			return RF_ENOMEM;
	}
	return RF_OK;
}

void
rf_fp_id(const rf_fingerprint *fp, char id[17])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t buf[RF_FP_HASHES + 1], x;
	int i;

	if (fp->kind == RF_FP_EMPTY) {
		id[0] = '\0';
		return;
	}
	buf[0] = ((uint64_t)fp->version << 8) | fp->kind;
	memcpy(buf + 1, fp->h, sizeof(fp->h));
	x = XXH3_64bits_withSeed(buf, sizeof(buf), ID_SEED);
	for (i = 15; i >= 0; i--) {
		id[i] = hex[x & 15];
		x >>= 4;
	}
	id[16] = '\0';
}

/* by_cluster: members sorted by cluster, then recipient hash and text. */
static int
cmp_member(const void *pa, const void *pb, void *arg)
{
	const struct item *v = arg;
	const struct item *a = &v[*(const size_t *)pa];
	const struct item *b = &v[*(const size_t *)pb];
	int c;

	if (a->cluster != b->cluster)
		return a->cluster < b->cluster ? -1 : 1;
	if (a->rhash != b->rhash)
		return a->rhash < b->rhash ? -1 : 1;
	if (a->rcpt != NULL && b->rcpt != NULL &&
	    (c = strcmp(a->rcpt, b->rcpt)) != 0)
		return c;
	return (a->rcpt != NULL) - (b->rcpt != NULL);
}

/* summarise: size, distinct recipients and id of the cluster whose
 * members are mem[0..n); vals is scratch for n values. */
static void
summarise(rf_cluster *cl, const size_t *mem, size_t n, uint64_t *vals)
{
	struct item *v = cl->items;
	rf_batch_campaign *c = &cl->camps[v[mem[0]].cluster];
	rf_fingerprint cons;
	size_t i, run, best;
	unsigned j;

	c->size = n;
	c->kind = v[mem[0]].fp.kind;
	for (i = 0; i < n; i++)
		if (v[mem[i]].rcpt != NULL && (i == 0 ||
		    cmp_member(&mem[i - 1], &mem[i], v) != 0))
			c->recipients++;
	cons = v[mem[0]].fp;
	for (j = 0; j < RF_FP_HASHES && n > 1; j++) {
		for (i = 0; i < n; i++)
			vals[i] = v[mem[i]].fp.h[j];
		qsort(vals, n, sizeof(*vals), cmp_u64);
		best = 0;
		for (i = run = 1; i <= n; i++, run++) {
			if (i < n && vals[i] == vals[i - 1])
				continue;
			if (run > best) {
				best = run;
				cons.h[j] = vals[i - 1];
			}
			run = 0;
		}
	}
	rf_fp_id(&cons, c->id);
}

rf_status
rf_cluster_run(rf_cluster *cl, rf_error *err)
{
	struct item *v = cl->items;
	size_t *order = NULL, i, r, start;
	uint64_t *vals = NULL;
	struct bands t = { NULL, NULL, 0, NULL, 0, 0 };
	rf_status st = RF_OK;

	if (cl->done)
		return rf_error_set(err, RF_EINVAL, "rf_cluster_run twice");
	cl->done = 1;
	if (cl->n == 0)
		return RF_OK;
	if (cl->n >= NO_HEAD)
		return rf_error_set(err, RF_ENOMEM, "too many messages to "
		    "cluster at once");
	if ((order = calloc(cl->n, sizeof(*order))) == NULL) {
		st = RF_ENOMEM;
		goto out;
	}
	for (i = 0; i < cl->n; i++) {
		order[i] = i;
		v[i].parent = i;
	}
	qsort_r(order, cl->n, sizeof(*order), cmp_canon, v);
	if ((st = bands_make(cl, &t)) != RF_OK)
		goto out;
	for (i = 0; i < cl->n && st == RF_OK; i++)
		if (v[order[i]].fp.kind != RF_FP_EMPTY)
			st = visit(cl, &t, order[i]);
	bands_free(&t);
	if (st != RF_OK)
		goto out;
	/* allocated only now, the band table gone */
	vals = calloc(cl->n, sizeof(*vals));
	cl->camps = calloc(cl->n, sizeof(*cl->camps));
	if (vals == NULL || cl->camps == NULL) {
		st = RF_ENOMEM;
		goto out;
	}
	/* Number the clusters by their first member (the root). */
	for (i = 0; i < cl->n; i++) {
		r = find(v, i);
		if (r == i) {
			v[i].cluster = cl->ncamps;
			cl->camps[cl->ncamps++].first = i;
		}
		v[i].cluster = v[r].cluster;
	}
	for (i = 0; i < cl->n; i++)
		order[i] = i;
	qsort_r(order, cl->n, sizeof(*order), cmp_member, v);
	for (start = 0, i = 1; i <= cl->n; i++)
		if (i == cl->n ||
		    v[order[i]].cluster != v[order[start]].cluster) {
			summarise(cl, order + start, i - start, vals);
			start = i;
		}
out:
	free(order);
	free(vals);
	bands_free(&t);
	if (st != RF_OK) {
		cl->ncamps = 0;
		return rf_error_set(err, st, "out of memory");
	}
	/* keep only what rf_cluster_of needs (when there is room for it):
	 * the fingerprints and recipients are 300 bytes an item */
	if ((cl->of = malloc(cl->n * sizeof(*cl->of))) != NULL) {
		for (i = 0; i < cl->n; i++) {
			cl->of[i].cluster = v[i].cluster;
			cl->of[i].index = v[i].index;
		}
		free(cl->items);
		cl->items = NULL;
		rf_arena_free(cl->arena);
		cl->arena = NULL;
	}
	return RF_OK;
}

size_t
rf_cluster_items(const rf_cluster *cl)
{
	return cl->n;
}

size_t
rf_cluster_count(const rf_cluster *cl)
{
	return cl->ncamps;
}

size_t
rf_cluster_of(const rf_cluster *cl, size_t i, size_t *index)
{
	if (cl->of != NULL) {
		if (index != NULL)
			*index = cl->of[i].index;
		return cl->of[i].cluster;
	}
	if (index != NULL)
		*index = cl->items[i].index;
	return cl->items[i].cluster;
}

const rf_batch_campaign *
rf_cluster_campaign(const rf_cluster *cl, size_t c)
{
	return &cl->camps[c];
}
