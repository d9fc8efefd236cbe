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

struct bucket {
	uint64_t key;		/* 0: free slot */
	uint32_t nheads;
	size_t heads[RF_CLUSTER_HEADS];
};

struct rf_cluster {
	rf_arena *arena;
	struct item *items;
	size_t n, cap;
	rf_batch_campaign *camps;
	size_t ncamps;
	struct bucket *tab;
	size_t tabcap, tabused;
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
	free(cl->camps);
	free(cl->tab);
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

static rf_status
tab_grow(rf_cluster *cl)
{
	struct bucket *old = cl->tab, *nt, *b;
	size_t oldcap = cl->tabcap, ncap, i, k;

	ncap = oldcap == 0 ? 1024 : oldcap * 2;
	if (ncap > SIZE_MAX / sizeof(*nt) ||
	    (nt = calloc(ncap, sizeof(*nt))) == NULL)
		return RF_ENOMEM;
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == 0)
			continue;
		for (k = old[i].key & (ncap - 1); nt[k].key != 0;
		    k = (k + 1) & (ncap - 1))
			;
		b = &nt[k];
		*b = old[i];
	}
	free(old);
	cl->tab = nt;
	cl->tabcap = ncap;
	return RF_OK;
}

/* bucket: the bucket of key, created empty when absent; NULL when out of
 * memory. */
static struct bucket *
bucket(rf_cluster *cl, uint64_t key)
{
	size_t k;

	if (key == 0)
		key = 1;
	if ((cl->tabused + 1) * 2 > cl->tabcap && tab_grow(cl) != RF_OK)
		return NULL;
	for (k = key & (cl->tabcap - 1); cl->tab[k].key != 0;
	    k = (k + 1) & (cl->tabcap - 1))
		if (cl->tab[k].key == key)
			return &cl->tab[k];
	cl->tab[k].key = key;
	cl->tabused++;
	return &cl->tab[k];
}

/* visit: compare item x with the heads of its buckets, join the matches,
 * become a head where there is room and nothing matched. */
static rf_status
visit(rf_cluster *cl, size_t x)
{
	struct item *v = cl->items;
	struct bucket *b;
	unsigned band, nbands, h;
	int matched;

	nbands = v[x].fp.kind == RF_FP_SHORT ? 1 : RF_FP_BANDS;
	for (band = 0; band < nbands; band++) {
		b = bucket(cl, rf_fp_band(&v[x].fp, band));
		if (b == NULL)
			return RF_ENOMEM;
		matched = 0;
		for (h = 0; h < b->nheads; h++) {
			if (find(v, b->heads[h]) == find(v, x)) {
				matched = 1;
				continue;
			}
			if (rf_fp_match(&v[x].fp, &v[b->heads[h]].fp)) {
				unite(v, x, b->heads[h]);
				matched = 1;
			}
		}
		if (!matched && b->nheads < RF_CLUSTER_HEADS)
			b->heads[b->nheads++] = x;
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

static int
cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return a < b ? -1 : a > b;
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
	rf_status st = RF_OK;

	if (cl->done)
		return rf_error_set(err, RF_EINVAL, "rf_cluster_run twice");
	cl->done = 1;
	if (cl->n == 0)
		return RF_OK;
	order = calloc(cl->n, sizeof(*order));
	vals = calloc(cl->n, sizeof(*vals));
	cl->camps = calloc(cl->n, sizeof(*cl->camps));
	if (order == NULL || vals == NULL || cl->camps == NULL) {
		st = RF_ENOMEM;
		goto out;
	}
	for (i = 0; i < cl->n; i++) {
		order[i] = i;
		v[i].parent = i;
	}
	qsort_r(order, cl->n, sizeof(*order), cmp_canon, v);
	for (i = 0; i < cl->n && st == RF_OK; i++)
		if (v[order[i]].fp.kind != RF_FP_EMPTY)
			st = visit(cl, order[i]);
	if (st != RF_OK)
		goto out;
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
	free(cl->tab);
	cl->tab = NULL;
	cl->tabcap = cl->tabused = 0;
	if (st != RF_OK) {
		cl->ncamps = 0;
		return rf_error_set(err, st, "out of memory");
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
	if (index != NULL)
		*index = cl->items[i].index;
	return cl->items[i].cluster;
}

const rf_batch_campaign *
rf_cluster_campaign(const rf_cluster *cl, size_t c)
{
	return &cl->camps[c];
}
