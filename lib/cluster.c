/*
 * cluster.c - batch clustering of fingerprints (include/redflag/cluster.h),
 * in memory bounded by the batch's budget (RF_CLUSTER_MEMORY), whatever
 * the number of items.
 *
 * The rule: items are visited in a canonical order (by fingerprint, then
 * item number).  Each LSH band key has a bucket of at most
 * RF_CLUSTER_HEADS representatives ("heads"); an item is compared
 * (rf_fp_match) with the heads of its band buckets only, band by band,
 * and joined to each one it matches (union-find; a head already in its
 * set counts as matched without a comparison); it becomes a head of a
 * bucket where it matched no head and there is room.  So the work is
 * O(n * bands * heads), never all pairs, and the result depends on the
 * fingerprints only.
 *
 * How, in bounded memory (external sorts, lib/cluster_sort.c):
 * 1. rf_cluster_add feeds item records (fingerprint, recipient hash, item
 *    number) to a sort by fingerprint: its output is the canonical order,
 *    written to the canon file (record r = rank r, read back by rank).
 * 2. Every band key of every non-empty item, with the item's rank and
 *    band, is sorted by key: a key seen once has no effect on anyone (its
 *    only item becomes its only head); every other key gets a bucket
 *    number ("slot"), and (rank, band, slot) is sorted by rank.
 * 3. The sweep reads those in rank order, i.e. visits the items in the
 *    canonical order, band by band: the heads of a slot (rank and item,
 *    32 bytes) live in the bucket file, the heads' fingerprints are read
 *    from the canon file.  The union-find is the only array in memory: 4
 *    bytes an item, which then become the item's cluster number.
 * 4. Member records (cluster, recipient hash, fingerprint) are sorted by
 *    cluster: one pass counts sizes and distinct recipients and finds the
 *    consensus fingerprint (a sort of (position, value) for each cluster
 *    of two or more: one sort, reset between them), and writes each
 *    campaign to the campaign file, which
 *    rf_cluster_campaign reads back through the file's block cache
 *    (rf__spill_view: in place when the cache holds it, else a copy in
 *    cur).
 */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "internal.h"
#include "cluster_sort.h"

#define ID_SEED 0x63616d706169676eULL	/* "campaign" */
#define NO_ITEM UINT32_MAX

/* An item as sorted into the canonical order, and as the canon file
 * keeps it at its rank. */
struct canon {
	rf_fingerprint fp;
	uint64_t rh[2];		/* XXH3-128 of the recipient; 0 when none */
	uint32_t item;
	uint32_t has_rcpt;
};

/* A band key of an item. */
struct bandrec {
	uint64_t key;
	uint32_t rank, band;
};

/* A band of an item whose key has a bucket. */
struct slotrec {
	uint32_t rank, band, slot;
};

/* The heads of one bucket, in the bucket file: rank + 1 (0: none). */
struct heads {
	uint32_t rank1[RF_CLUSTER_HEADS];
	uint32_t item[RF_CLUSTER_HEADS];
};

/* An item, with its cluster, for the campaign pass. */
struct memrec {
	uint32_t cluster, item;
	uint64_t rh[2];
	uint32_t has_rcpt;
	uint8_t kind, version;
	uint64_t h[RF_FP_HASHES];
};

/* One position's value in a cluster, for its consensus. */
struct posval {
	uint64_t pos, value;
};

struct rf_cluster {
	size_t memory;		/* the budget */
	rf__spill_open_fn open;	/* NULL: tmpfile */
	rf__xsort *items;	/* step 1, until the run */
	size_t n;
	int done;
	/* the caller's indices: while they are 0, 1, ... none is kept */
	int idx_identity;
	rf__spill idx;
	/* after the run */
	uint32_t *of;		/* per item: union-find parent, then cluster */
	size_t ncamps;
	rf__spill camps;	/* with a block cache of memory / 4 */
	rf_batch_campaign cur;	/* rf_cluster_campaign's answer */
};

static int
cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

static int
cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
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
cmp_canon(const void *pa, const void *pb)
{
	const struct canon *a = pa, *b = pb;
	int c = fp_cmp(&a->fp, &b->fp);

	return c != 0 ? c : cmp_u32(a->item, b->item);
}

/* cmp_member: by cluster, then recipient (none first), then item. */
static int
cmp_member(const void *pa, const void *pb)
{
	const struct memrec *a = pa, *b = pb;
	int c = cmp_u32(a->cluster, b->cluster);

	if (c == 0)
		c = cmp_u32(a->has_rcpt, b->has_rcpt);
	if (c == 0)
		c = cmp_u64(a->rh[0], b->rh[0]);
	if (c == 0)
		c = cmp_u64(a->rh[1], b->rh[1]);
	return c != 0 ? c : cmp_u32(a->item, b->item);
}

/*
 * The sorts' keys (rf__xsort_keyfn), so that the sorts compare integers:
 * for the canonical and member orders, 128-bit prefixes of the
 * comparisons above, which decide between records of equal keys; the
 * band, slot and consensus orders are their keys alone (exact keys: the
 * sorts get no comparison).
 */

/* key_canon: the first 128 bits of kind (8 bits), h[0], h[1]. */
static void
key_canon(const void *p, uint64_t key[2])
{
	const struct canon *c = p;

	key[0] = (uint64_t)c->fp.kind << 56 | c->fp.h[0] >> 8;
	key[1] = c->fp.h[0] << 56 | c->fp.h[1] >> 8;
}

/* key_band: key, rank, band: exact (a band record is nothing else). */
static void
key_band(const void *p, uint64_t key[2])
{
	const struct bandrec *b = p;

	key[0] = b->key;
	key[1] = (uint64_t)b->rank << 32 | b->band;
}

/* key_slot: rank, band: exact (a (rank, band) has one slot). */
static void
key_slot(const void *p, uint64_t key[2])
{
	const struct slotrec *sr = p;

	key[0] = (uint64_t)sr->rank << 32 | sr->band;
	key[1] = 0;
}

/* key_member: cluster, has_rcpt (0 or 1, 1 bit), then whether rh is
 * non-zero (1 bit; a zero rh sorts first) and: with a non-zero rh its
 * first half, else the item (which then decides). */
static void
key_member(const void *p, uint64_t key[2])
{
	const struct memrec *m = p;
	uint64_t nz = (m->rh[0] | m->rh[1]) != 0;

	key[0] = (uint64_t)m->cluster << 32 | (uint64_t)(m->has_rcpt != 0)
	    << 1 | nz;
	key[1] = nz ? m->rh[0] : m->item;
}

/* key_posval: pos, value: exact (a posval is nothing else). */
static void
key_posval(const void *p, uint64_t key[2])
{
	const struct posval *v = p;

	key[0] = v->pos;
	key[1] = v->value;
}

rf_status
rf_cluster_new(rf_cluster **out, rf_error *err)
{
	rf_cluster *cl;

	*out = NULL;
	if ((cl = calloc(1, sizeof(*cl))) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	cl->memory = RF_CLUSTER_MEMORY;
	cl->idx_identity = 1;
	cl->idx.fd = cl->camps.fd = -1;
	*out = cl;
	return RF_OK;
}

rf_status
rf_cluster_set_memory(rf_cluster *cl, size_t bytes, rf_error *err)
{
	if (cl->n > 0 || cl->items != NULL || cl->done)
		return rf_error_set(err, RF_EINVAL,
		    "rf_cluster_set_memory after rf_cluster_add");
	cl->memory = bytes < RF_CLUSTER_MEMORY_MIN ? RF_CLUSTER_MEMORY_MIN :
	    bytes;
	return RF_OK;
}

void
rf__cluster_set_spill(rf_cluster *cl, rf__spill_open_fn open)
{
	cl->open = open;
}

void
rf_cluster_free(rf_cluster *cl)
{
	if (cl == NULL)
		return;
	rf__xsort_free(cl->items);
	rf__spill_close(&cl->idx);
	rf__spill_close(&cl->camps);
	free(cl->of);
	free(cl);
}

/* keep_index: record the caller's index of item cl->n.  RF_OK, RF_ENOMEM
 * or RF_EIO. */
static rf_status
keep_index(rf_cluster *cl, size_t index, rf_error *err)
{
	uint64_t v;
	size_t i;
	rf_status st;

	if (cl->idx_identity) {
		if (index == cl->n)
			return RF_OK;
		/* the first index that is not its item number: keep all */
		if ((st = rf__spill_open(&cl->idx, cl->open, 4096, err)) !=
		    RF_OK)
			return st;
		cl->idx_identity = 0;
		for (i = 0; i < cl->n; i++) {
			v = i;
			if ((st = rf__spill_append(&cl->idx, &v, sizeof(v),
			    err)) != RF_OK)
				return st;
		}
	}
	v = index;
	return rf__spill_append(&cl->idx, &v, sizeof(v), err);
}

rf_status
rf_cluster_add(rf_cluster *cl, const rf_fingerprint *fp,
	       const char *recipient, size_t index, rf_error *err)
{
	struct canon rec;
	XXH128_hash_t h;
	rf_status st;

	if (cl->done)
		return rf_error_set(err, RF_EINVAL,
		    "rf_cluster_add after rf_cluster_run");
	if (cl->n >= NO_ITEM - 1)
		return rf_error_set(err, RF_ELIMIT, "too many messages to "
		    "cluster at once");
	if (cl->items == NULL) {
		if ((st = rf__xsort_new(&cl->items, sizeof(rec), key_canon,
		    cmp_canon, cl->memory, cl->open, err)) != RF_OK)
			return st;
	}
	memset(&rec, 0, sizeof(rec));
	rec.fp = *fp;
	rec.item = (uint32_t)cl->n;
	if (recipient != NULL && *recipient != '\0') {
		h = XXH3_128bits(recipient, strlen(recipient));
		rec.rh[0] = h.high64;
		rec.rh[1] = h.low64;
		rec.has_rcpt = 1;
	}
	if ((st = keep_index(cl, index, err)) != RF_OK ||
	    (st = rf__xsort_put(cl->items, &rec, err)) != RF_OK)
		return st;
	cl->n++;
	return RF_OK;
}

static uint32_t
find(uint32_t *v, uint32_t x)
{
	uint32_t r = x, next;

	while (v[r] != r)
		r = v[r];
	while (v[x] != r) {	/* path compression */
		next = v[x];
		v[x] = r;
		x = next;
	}
	return r;
}

static void
unite(uint32_t *v, uint32_t a, uint32_t b)
{
	a = find(v, a);
	b = find(v, b);
	if (a == b)
		return;
	if (a < b)			/* the smaller item number is the root */
		v[b] = a;
	else
		v[a] = b;
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

/* The state of one run, released at its end. */
struct run {
	rf__spill canon;	/* canon records by rank */
	rf__spill buckets;	/* struct heads by slot */
	rf__xsort *bands, *slots, *members;
	rf__xsort *pos;		/* consensus, made for the first campaign
				 * of two or more, reset for each next */
	size_t nslots;
};

static void
run_free(struct run *r)
{
	rf__spill_close(&r->canon);
	rf__spill_close(&r->buckets);
	rf__xsort_free(r->bands);
	rf__xsort_free(r->slots);
	rf__xsort_free(r->members);
	rf__xsort_free(r->pos);
}

/* step_canon: the canonical order into the canon file, every band key
 * into r->bands.  RF_OK, RF_ENOMEM or RF_EIO. */
static rf_status
step_canon(rf_cluster *cl, struct run *r, rf_error *err)
{
	const void *p;
	const struct canon *c;
	struct bandrec br;
	uint32_t rank = 0;
	unsigned band;
	rf_status st;

	if ((st = rf__xsort_finish(cl->items, err)) != RF_OK ||
	    (st = rf__spill_open(&r->canon, cl->open,
	    cl->memory / 8, err)) != RF_OK ||
	    (st = rf__spill_set_cache(&r->canon, cl->memory / 8,
	    err)) != RF_OK ||
	    (st = rf__xsort_new(&r->bands, sizeof(br), key_band, NULL,
	    cl->memory / 2, cl->open, err)) != RF_OK)
		return st;
	memset(&br, 0, sizeof(br));
	for (;; rank++) {
		if ((st = rf__xsort_next(cl->items, &p, err)) != RF_OK)
			return st;
		if ((c = p) == NULL)
			break;
		if ((st = rf__spill_append(&r->canon, c, sizeof(*c), err)) !=
		    RF_OK)
			return st;
		if (c->fp.kind == RF_FP_EMPTY)
			continue;
		for (band = 0; band < nbands_of(&c->fp); band++) {
			br.key = band_key(&c->fp, band);
			br.rank = rank;
			br.band = band;
			if ((st = rf__xsort_put(r->bands, &br, err)) != RF_OK)
				return st;
		}
	}
	rf__xsort_free(cl->items);
	cl->items = NULL;
	return rf__xsort_finish(r->bands, err);
}

/* step_slots: a slot for every key seen twice or more, into r->slots by
 * rank.  RF_OK, RF_ENOMEM or RF_EIO. */
static rf_status
step_slots(rf_cluster *cl, struct run *r, rf_error *err)
{
	struct bandrec prev, cur;
	struct slotrec sr;
	const void *p;
	int have = 0, inslot = 0;
	rf_status st;

	if ((st = rf__xsort_new(&r->slots, sizeof(sr), key_slot, NULL,
	    cl->memory / 2, cl->open, err)) != RF_OK)
		return st;
	memset(&sr, 0, sizeof(sr));
	memset(&prev, 0, sizeof(prev));
	for (;;) {
		if ((st = rf__xsort_next(r->bands, &p, err)) != RF_OK)
			return st;
		if (p != NULL)
			memcpy(&cur, p, sizeof(cur));
		if (have && p != NULL && cur.key == prev.key) {
			if (!inslot) {	/* the key's first record too */
				sr.rank = prev.rank;
				sr.band = prev.band;
				sr.slot = (uint32_t)r->nslots++;
				if ((st = rf__xsort_put(r->slots, &sr,
				    err)) != RF_OK)
					return st;
				inslot = 1;
			}
			sr.rank = cur.rank;
			sr.band = cur.band;
			if ((st = rf__xsort_put(r->slots, &sr, err)) != RF_OK)
				return st;
		} else
			inslot = 0;
		if (p == NULL)
			break;
		prev = cur;
		have = 1;
	}
	rf__xsort_free(r->bands);
	r->bands = NULL;
	return rf__xsort_finish(r->slots, err);
}

/* step_sweep: visit the items in the canonical order, band by band,
 * through the bucket file.  RF_OK, RF_ENOMEM or RF_EIO. */
static rf_status
step_sweep(rf_cluster *cl, struct run *r, rf_error *err)
{
	struct canon x, y;
	struct heads hd;
	struct slotrec sr;
	const void *p;
	uint32_t cur = NO_ITEM;
	unsigned h;
	int matched;
	rf_status st;

	if ((st = rf__spill_open(&r->buckets, cl->open, 0, err)) != RF_OK ||
	    (st = rf__spill_set_cache(&r->buckets, cl->memory / 4, err)) !=
	    RF_OK)
		return st;
	for (;;) {
		if ((st = rf__xsort_next(r->slots, &p, err)) != RF_OK)
			return st;
		if (p == NULL)
			break;
		memcpy(&sr, p, sizeof(sr));
		if (sr.rank != cur &&
		    (st = rf__spill_pread(&r->canon, &x, sizeof(x),
		    (off_t)sr.rank * (off_t)sizeof(x), err)) != RF_OK)
			return st;
		cur = sr.rank;
		if ((st = rf__spill_pread(&r->buckets, &hd, sizeof(hd),
		    (off_t)sr.slot * (off_t)sizeof(hd), err)) != RF_OK)
			return st;
		matched = 0;
		for (h = 0; h < RF_CLUSTER_HEADS && hd.rank1[h] != 0; h++) {
			if (find(cl->of, hd.item[h]) == find(cl->of, x.item)) {
				matched = 1;
				continue;
			}
			if ((st = rf__spill_pread(&r->canon, &y, sizeof(y),
			    (off_t)(hd.rank1[h] - 1) * (off_t)sizeof(y),
			    err)) != RF_OK)
				return st;
			if (rf_fp_match(&x.fp, &y.fp)) {
				unite(cl->of, x.item, y.item);
				matched = 1;
			}
		}
		if (!matched && h < RF_CLUSTER_HEADS) {
			hd.rank1[h] = sr.rank + 1;
			hd.item[h] = x.item;
			if ((st = rf__spill_pwrite(&r->buckets, &hd,
			    sizeof(hd), (off_t)sr.slot * (off_t)sizeof(hd),
			    err)) != RF_OK)
				return st;
		}
	}
	rf__xsort_free(r->slots);
	r->slots = NULL;
	rf__spill_close(&r->buckets);
	return RF_OK;
}

/* number_clusters: turn the union-find into cluster numbers, clusters
 * numbered by their first member (the root; parents are never above
 * their child, so the parent's number is known when the child's is). */
static void
number_clusters(rf_cluster *cl)
{
	uint32_t i, p;

	for (i = 0; i < cl->n; i++) {
		p = cl->of[i];
		cl->of[i] = p == i ? (uint32_t)cl->ncamps++ : cl->of[p];
	}
}

/* step_members: every item with its cluster into r->members.  RF_OK,
 * RF_ENOMEM or RF_EIO. */
static rf_status
step_members(rf_cluster *cl, struct run *r, rf_error *err)
{
	struct canon c;
	struct memrec m;
	size_t i;
	rf_status st;

	if ((st = rf__xsort_new(&r->members, sizeof(m), key_member,
	    cmp_member, cl->memory / 2, cl->open, err)) != RF_OK)
		return st;
	memset(&m, 0, sizeof(m));
	for (i = 0; i < cl->n; i++) {
		if ((st = rf__spill_pread(&r->canon, &c, sizeof(c),
		    (off_t)i * (off_t)sizeof(c), err)) != RF_OK)
			return st;
		m.cluster = cl->of[c.item];
		m.item = c.item;
		m.rh[0] = c.rh[0];
		m.rh[1] = c.rh[1];
		m.has_rcpt = c.has_rcpt;
		m.kind = c.fp.kind;
		m.version = c.fp.version;
		memcpy(m.h, c.fp.h, sizeof(m.h));
		if ((st = rf__xsort_put(r->members, &m, err)) != RF_OK)
			return st;
	}
	rf__spill_close(&r->canon);
	return rf__xsort_finish(r->members, err);
}

/* put_values: the values of m into the consensus sort. */
static rf_status
put_values(struct run *r, const struct memrec *m, rf_error *err)
{
	struct posval pv;
	unsigned j;
	rf_status st;

	for (j = 0; j < RF_FP_HASHES; j++) {
		pv.pos = j;
		pv.value = m->h[j];
		if ((st = rf__xsort_put(r->pos, &pv, err)) != RF_OK)
			return st;
	}
	return RF_OK;
}

/* start_consensus: r->pos made or reset, with the values of m (a
 * campaign's first member).  RF_OK, RF_ENOMEM or RF_EIO. */
static rf_status
start_consensus(rf_cluster *cl, struct run *r, const struct memrec *m,
		rf_error *err)
{
	rf_status st;

	if ((st = r->pos == NULL ? rf__xsort_new(&r->pos,
	    sizeof(struct posval), key_posval, NULL, cl->memory / 4, cl->open,
	    err) : rf__xsort_reset(r->pos, err)) != RF_OK)
		return st;
	return put_values(r, m, err);
}

/* consensus: per position the most frequent value of the sort r->pos
 * (ties to the smaller) into cons->h.  RF_OK, RF_ENOMEM or RF_EIO. */
static rf_status
consensus(struct run *r, rf_fingerprint *cons, rf_error *err)
{
	struct posval prev, cur;
	const void *p;
	size_t run = 0, best = 0;
	rf_status st;

	if ((st = rf__xsort_finish(r->pos, err)) != RF_OK)
		return st;
	memset(&prev, 0, sizeof(prev));
	for (;;) {
		if ((st = rf__xsort_next(r->pos, &p, err)) != RF_OK)
			return st;
		if (p != NULL)
			memcpy(&cur, p, sizeof(cur));
		if (run > 0 && (p == NULL || cur.pos != prev.pos ||
		    cur.value != prev.value)) {
			if (run > best) {
				best = run;
				cons->h[prev.pos] = prev.value;
			}
			run = 0;
		}
		if (p == NULL)
			break;
		if (run == 0 && cur.pos != prev.pos)
			best = 0;
		run++;
		prev = cur;
	}
	return RF_OK;
}

/* finish_campaign: write campaign c (members counted; cons holds the
 * first member's fingerprint, to which the consensus of r->pos is
 * given when c has two or more).  RF_OK, RF_ENOMEM or RF_EIO. */
static rf_status
finish_campaign(rf_cluster *cl, struct run *r, rf_batch_campaign *c,
		rf_fingerprint *cons, rf_error *err)
{
	rf_status st;

	if (c->size > 1 && (st = consensus(r, cons, err)) != RF_OK)
		return st;
	rf_fp_id(cons, c->id);
	return rf__spill_append(&cl->camps, c, sizeof(*c), err);
}

/* step_campaigns: one pass over the members by cluster: the campaign
 * file.  RF_OK, RF_ENOMEM or RF_EIO. */
static rf_status
step_campaigns(rf_cluster *cl, struct run *r, rf_error *err)
{
	struct memrec prev, m;
	rf_batch_campaign c;
	rf_fingerprint cons;
	const void *p;
	size_t count = 0;
	rf_status st;

	if ((st = rf__spill_open(&cl->camps, cl->open, cl->memory / 8,
	    err)) != RF_OK)
		return st;
	memset(&prev, 0, sizeof(prev));
	memset(&c, 0, sizeof(c));
	memset(&cons, 0, sizeof(cons));
	for (;;) {
		if ((st = rf__xsort_next(r->members, &p, err)) != RF_OK)
			return st;
		if (p != NULL)
			memcpy(&m, p, sizeof(m));
		if (c.size > 0 && (p == NULL || m.cluster != prev.cluster)) {
			if ((st = finish_campaign(cl, r, &c, &cons, err)) !=
			    RF_OK)
				return st;
			count++;
		}
		if (p == NULL)
			break;
		if (c.size == 0 || m.cluster != prev.cluster) {
			memset(&c, 0, sizeof(c));
			c.kind = m.kind;
			c.first = m.item;
			memset(&cons, 0, sizeof(cons));
			cons.version = m.version;
			cons.kind = m.kind;
			memcpy(cons.h, m.h, sizeof(cons.h));
		} else {	/* two or more: consensus */
			if (c.size == 1 && (st = start_consensus(cl, r, &prev,
			    err)) != RF_OK)
				return st;
			if ((st = put_values(r, &m, err)) != RF_OK)
				return st;
		}
		if (m.has_rcpt && (c.size == 0 || !prev.has_rcpt ||
		    m.cluster != prev.cluster || m.rh[0] != prev.rh[0] ||
		    m.rh[1] != prev.rh[1]))
			c.recipients++;
		if (m.item < c.first)
			c.first = m.item;
		c.size++;
		prev = m;
	}
	if (count != cl->ncamps)
		return rf_error_set(err, RF_EIO, "clustering: %zu campaigns "
		    "written for %zu clusters", count, cl->ncamps);
	return rf__spill_flush(&cl->camps, err);
}

rf_status
rf_cluster_run(rf_cluster *cl, rf_error *err)
{
	struct run r;
	uint32_t i;
	rf_status st = RF_OK;

	if (cl->done)
		return rf_error_set(err, RF_EINVAL, "rf_cluster_run twice");
	cl->done = 1;
	if (cl->n == 0)
		return RF_OK;
	memset(&r, 0, sizeof(r));
	r.canon.fd = r.buckets.fd = -1;
	if (!cl->idx_identity && (st = rf__spill_flush(&cl->idx, err)) !=
	    RF_OK)
		goto out;
	if ((cl->of = malloc(cl->n * sizeof(*cl->of))) == NULL) {
		st = rf_error_set(err, RF_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < cl->n; i++)
		cl->of[i] = i;
	if ((st = step_canon(cl, &r, err)) != RF_OK ||
	    (st = step_slots(cl, &r, err)) != RF_OK ||
	    (st = step_sweep(cl, &r, err)) != RF_OK)
		goto out;
	number_clusters(cl);
	if ((st = step_members(cl, &r, err)) != RF_OK ||
	    (st = step_campaigns(cl, &r, err)) != RF_OK ||
	    (st = rf__spill_set_cache(&cl->camps, cl->memory / 4, err)) !=
	    RF_OK)
		goto out;
out:
	run_free(&r);
	rf__xsort_free(cl->items);
	cl->items = NULL;
	if (st != RF_OK) {
		cl->ncamps = 0;
		free(cl->of);
		cl->of = NULL;
		cl->n = 0;
	}
	return st;
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
	uint64_t v;

	if (index != NULL) {
		*index = i;
		if (!cl->idx_identity) {
			/* a const view: pread changes nothing in cl->idx
			 * (flushed by rf_cluster_run) */
			rf__spill sp = cl->idx;

			*index = rf__spill_pread(&sp, &v, sizeof(v),
			    (off_t)(i * sizeof(v)), NULL) == RF_OK ?
			    (size_t)v : SIZE_MAX;
		}
	}
	return cl->of[i];
}

const rf_batch_campaign *
rf_cluster_campaign(const rf_cluster *ccl, size_t c)
{
	rf_cluster *cl = (rf_cluster *)ccl;	/* only cur and the campaign
						 * file's cache change */

	/* in place in the cache (aligned: c * sizeof within a malloc-aligned
	 * 8 KiB block), or in cur (with a cache one in 170 crosses a block
	 * boundary; every one without a cache, which a memory budget under
	 * 32 KiB leaves; zeros when the file cannot be read) */
	return rf__spill_view(&cl->camps, sizeof(cl->cur),
	    (off_t)(c * sizeof(cl->cur)), &cl->cur, NULL);
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

