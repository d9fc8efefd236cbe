/*
 * test_cluster_sort.c - clustering in bounded memory: the external sort
 * (lib/cluster_sort.c) against qsort; rf_cluster with a tiny budget
 * (many runs, several merge levels) and with a big one against the
 * former all-in-memory algorithm, kept here as the reference; the error
 * paths when no temporary file can be made or written.
 */
#include <errno.h>

#include "testutil.h"

#include "../../lib/cluster_sort.h"

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* ---- the external sort against qsort ---- */

struct rec {
	uint64_t key;
	uint32_t seq, pad;
};

static int
cmp_rec(const void *pa, const void *pb)
{
	const struct rec *a = pa, *b = pb;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The sort's keys (rf__xsort_new): exact (key, seq; no cmp); a coarse
 * prefix (key / 8: ties decided by cmp_rec); one for all (cmp_rec
 * decides everything). */
static void
key_exact(const void *p, uint64_t key[2])
{
	const struct rec *r = p;

	key[0] = r->key;
	key[1] = r->seq;
}

static void
key_coarse(const void *p, uint64_t key[2])
{
	const struct rec *r = p;

	key[0] = r->key >> 3;
	key[1] = 0;
}

static void
key_none(const void *p, uint64_t key[2])
{
	(void)p;
	key[0] = key[1] = 7;
}

enum { KEY_EXACT, KEY_COARSE, KEY_ALL_EQUAL };
enum { IN_RANDOM, IN_ASCENDING, IN_DESCENDING, IN_SAME_KEY, IN_ORGAN,
	IN_WIDE };

/* new_sort: a sort of struct rec with the key `key`, of budget bytes. */
static rf__xsort *
new_sort(int key, size_t budget)
{
	rf__xsort *s = NULL;
	rf_error err;

	if (key == KEY_EXACT)
		assert_int_equal(rf__xsort_new(&s, sizeof(struct rec),
		    key_exact, NULL, budget, NULL, &err), RF_OK);
	else
		assert_int_equal(rf__xsort_new(&s, sizeof(struct rec),
		    key == KEY_COARSE ? key_coarse : key_none, cmp_rec, budget,
		    NULL, &err), RF_OK);
	return s;
}

/* fill: n records into s and want[] (keys from a small range, from
 * seed: many equal ones, or in the order `in`), want[] then sorted by
 * qsort with cmp_rec. */
static void
fill(rf__xsort *s, struct rec *want, size_t n, int in, uint64_t seed)
{
	struct rec r;
	size_t i;
	rf_error err;

	for (i = 0; i < n; i++) {
		memset(&r, 0, sizeof(r));
		r.key = rnd(&seed) % 1000;
		if (in == IN_ASCENDING)
			r.key = i / 3;
		else if (in == IN_DESCENDING)
			r.key = n - i / 3;
		else if (in == IN_SAME_KEY)
			r.key = 5;
		else if (in == IN_ORGAN)
			r.key = i < n / 2 ? i : n - i;
		else if (in == IN_WIDE)	/* 1000 values over 64 bits */
			r.key *= 0x9e3779b97f4a7c15ULL;
		/* seq: not the input order, so that it is not presorted */
		r.seq = (uint32_t)(in == IN_RANDOM ? i : (i * 7919) % n);
		want[i] = r;
		assert_int_equal(rf__xsort_put(s, &r, &err), RF_OK);
	}
	qsort(want, n, sizeof(*want), cmp_rec);
}

/* drain: finish s and read want[0..n) back from it, then the end. */
static void
drain(rf__xsort *s, const struct rec *want, size_t n)
{
	const void *p;
	size_t i;
	rf_error err;

	assert_int_equal(rf__xsort_finish(s, &err), RF_OK);
	for (i = 0; i < n; i++) {
		assert_int_equal(rf__xsort_next(s, &p, &err), RF_OK);
		assert_non_null(p);
		assert_memory_equal(p, &want[i], sizeof(want[i]));
	}
	assert_int_equal(rf__xsort_next(s, &p, &err), RF_OK);
	assert_null(p);
}

/* sort_check_with: n records (fill) through a sort of budget bytes with
 * the key `key`; the same order as qsort with cmp_rec.  Returns the runs
 * written; merges in *merges. */
static size_t
sort_check_with(size_t n, size_t budget, int key, int in, size_t *merges)
{
	rf__xsort *s = new_sort(key, budget);
	struct rec *want = calloc(n ? n : 1, sizeof(*want));
	size_t runs;

	assert_non_null(want);
	fill(s, want, n, in, 77 + n);
	drain(s, want, n);
	runs = rf__xsort_runs(s);
	*merges = rf__xsort_merges(s);
	rf__xsort_free(s);
	free(want);
	return runs;
}

/* sort_check: a coarse key (ties decided by the comparison), random
 * input. */
static size_t
sort_check(size_t n, size_t budget, size_t *merges)
{
	return sort_check_with(n, budget, KEY_COARSE, IN_RANDOM, merges);
}

/* The sort with keys (exact, coarse, all equal) against qsort, in
 * memory and through runs, on random keys with many ties and on
 * presorted, reversed, all-equal and organ-pipe inputs, and on keys
 * spread over 64 bits. */
static void
test_xsort_keys(void **state)
{
	static const size_t sizes[][2] = {	/* n, budget */
		{ 0, 4096 }, { 1, 4096 }, { 2, 4096 }, { 17, 4096 },
		{ 5000, 1 << 20 }, { 1000, 1 }, { 20000, 4096 },
		{ 257, 4096 }
	};
	size_t merges, i, runs;
	int key, in;

	(void)state;
	for (key = KEY_EXACT; key <= KEY_ALL_EQUAL; key++)
		for (in = IN_RANDOM; in <= IN_WIDE; in++)
			for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]);
			    i++) {
				if (key == KEY_ALL_EQUAL && sizes[i][0] > 5000)
					continue;	/* slow, not new */
				runs = sort_check_with(sizes[i][0],
				    sizes[i][1], key, in, &merges);
				/* the pairs count in the budget: more runs */
				if (sizes[i][1] == 1 && sizes[i][0] == 1000)
					assert_int_equal(runs, 334);
				if (sizes[i][0] == 20000)
					assert_int_equal(runs, (20000 + 101)
					    / 102);
			}
	/* a deep tree of merges with keys too */
	assert_int_equal(sort_check_with(100000, 4096, KEY_EXACT, IN_WIDE,
	    &merges), (100000 + 101) / 102);
	assert_true(merges >= 15);
}

static void
test_xsort(void **state)
{
	size_t merges;

	(void)state;
	/* in memory: no run */
	assert_int_equal(sort_check(1000, 1 << 20, &merges), 0);
	assert_int_equal(merges, 0);
	assert_int_equal(sort_check(0, 4096, &merges), 0);
	/* 3 records a run, 2 at a time: a deep tree of merges */
	assert_int_equal(sort_check(1000, 1, &merges), 334);
	assert_true(merges > 300);
	/* 102 records a run (4 KiB with the key pairs), 64 at a time: 15
	 * merges, then the last one streamed over 36 runs */
	assert_int_equal(sort_check(100000, 4096, &merges), 981);
	assert_int_equal(merges, 15);
	/* a last partial run */
	assert_int_equal(sort_check(257, 4096, &merges), 3);
}

/* A sort reset at any stage (records put, finished, read in part, read
 * to the end), then given other records, in memory or through runs and
 * merges, sorts them as a fresh sort does: the same records in the same
 * order, the same runs and merges. */
static void
test_xsort_reset(void **state)
{
	static const size_t cases[][3] = {	/* first n, then n, budget */
		{ 1000, 700, 1 << 20 }, { 5000, 3000, 4096 },
		{ 300, 20000, 4096 }, { 20000, 50, 4096 }, { 1000, 1000, 1 },
		{ 0, 10, 4096 }, { 10, 0, 4096 }, { 7000, 7000, 4096 }
	};
	struct rec *a, *b;
	rf__xsort *s, *fresh;
	const void *p;
	size_t c, i, fruns, fmerges;
	int key, stage, reused = 0;
	rf_error err;

	(void)state;
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
	    for (key = KEY_EXACT; key <= KEY_COARSE; key++)
		for (stage = 0; stage < 4; stage++) {
			a = calloc(cases[c][0] + 1, sizeof(*a));
			b = calloc(cases[c][1] + 1, sizeof(*b));
			assert_non_null(a);
			assert_non_null(b);
			/* the fresh sort of the second records */
			fresh = new_sort(key, cases[c][2]);
			fill(fresh, b, cases[c][1], IN_WIDE, 5 + c);
			drain(fresh, b, cases[c][1]);
			fruns = rf__xsort_runs(fresh);
			fmerges = rf__xsort_merges(fresh);
			rf__xsort_free(fresh);
			/* the first records, to a stage, then the reset */
			s = new_sort(key, cases[c][2]);
			fill(s, a, cases[c][0], IN_RANDOM, 99 + c);
			if (stage >= 1)
				assert_int_equal(rf__xsort_finish(s, &err),
				    RF_OK);
			for (i = 0; stage >= 2 && i < (stage == 2 ?
			    cases[c][0] / 2 : cases[c][0]); i++) {
				assert_int_equal(rf__xsort_next(s, &p, &err),
				    RF_OK);
				assert_memory_equal(p, &a[i], sizeof(a[i]));
			}
			reused += rf__xsort_runs(s) > 0;
			assert_int_equal(rf__xsort_reset(s, &err), RF_OK);
			assert_int_equal(rf__xsort_runs(s), 0);
			assert_int_equal(rf__xsort_merges(s), 0);
			/* the second: as the fresh sort */
			fill(s, b, cases[c][1], IN_WIDE, 5 + c);
			drain(s, b, cases[c][1]);
			assert_int_equal(rf__xsort_runs(s), fruns);
			assert_int_equal(rf__xsort_merges(s), fmerges);
			rf__xsort_free(s);
			free(a);
			free(b);
		}
	/* the file of runs was reused, not only buffers */
	assert_true(reused >= 20);
}

/* ---- rf_cluster against the former in-memory algorithm ---- */

struct ritem {
	rf_fingerprint fp;
	const char *rcpt;
	size_t parent, cluster;
};

static size_t
rfind(struct ritem *v, size_t x)
{
	while (v[x].parent != x)
		x = v[x].parent;
	return x;
}

static void
runite(struct ritem *v, size_t a, size_t b)
{
	a = rfind(v, a);
	b = rfind(v, b);
	if (a < b)
		v[b].parent = a;
	else if (b < a)
		v[a].parent = b;
}

static int
rcmp_canon(const void *pa, const void *pb, void *arg)
{
	const struct ritem *v = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	const rf_fingerprint *x = &v[a].fp, *y = &v[b].fp;
	unsigned j;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	for (j = 0; j < RF_FP_HASHES; j++)
		if (x->h[j] != y->h[j])
			return x->h[j] < y->h[j] ? -1 : 1;
	if (x->nwords != y->nwords)
		return x->nwords < y->nwords ? -1 : 1;
	return a < b ? -1 : a > b;
}

struct rbucket {
	uint64_t key;
	size_t heads[RF_CLUSTER_HEADS], nheads;
};

static int
cmp_key(const void *pa, const void *pb)
{
	uint64_t a = ((const struct rbucket *)pa)->key;
	uint64_t b = ((const struct rbucket *)pb)->key;

	return a < b ? -1 : a > b;
}

static uint64_t
rkey(const rf_fingerprint *fp, unsigned band)
{
	uint64_t k = rf_fp_band(fp, band);

	return k == 0 ? 1 : k;
}

static unsigned
rbands(const rf_fingerprint *fp)
{
	return fp->kind == RF_FP_SHORT ? 1 : RF_FP_BANDS;
}

static int
cmp_u64v(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return a < b ? -1 : a > b;
}

/* reference: the clusters of fp[0..n) by the rule of cluster.h, done
 * all in memory as lib/cluster.c did before; the cluster of each item in
 * cl_of[], the campaigns in camps[] (count returned). */
static size_t
reference(const rf_fingerprint *fp, char (*rcpt)[32], size_t n,
	  size_t *cl_of, rf_batch_campaign *camps)
{
	struct ritem *v = calloc(n, sizeof(*v));
	size_t *order = calloc(n, sizeof(*order)), nb = 0, i, k, m, nc = 0;
	struct rbucket *b = calloc(n * RF_FP_BANDS + 1, sizeof(*b)), key, *bk;
	uint64_t *vals = calloc(n, sizeof(*vals));
	unsigned band, h;
	int matched;

	assert_non_null(v);
	assert_non_null(order);
	assert_non_null(b);
	assert_non_null(vals);
	for (i = 0; i < n; i++) {
		v[i].fp = fp[i];
		v[i].rcpt = rcpt[i][0] != '\0' ? rcpt[i] : NULL;
		v[i].parent = order[i] = i;
		if (fp[i].kind != RF_FP_EMPTY)
			for (band = 0; band < rbands(&fp[i]); band++)
				b[nb++].key = rkey(&fp[i], band);
	}
	qsort(b, nb, sizeof(*b), cmp_key);
	for (i = m = 0; i < nb; i++)
		if (m == 0 || b[i].key != b[m - 1].key)
			b[m++].key = b[i].key;
	nb = m;
	qsort_r(order, n, sizeof(*order), rcmp_canon, v);
	for (k = 0; k < n; k++) {
		size_t x = order[k];

		if (v[x].fp.kind == RF_FP_EMPTY)
			continue;
		for (band = 0; band < rbands(&v[x].fp); band++) {
			key.key = rkey(&v[x].fp, band);
			bk = bsearch(&key, b, nb, sizeof(*b), cmp_key);
			assert_non_null(bk);
			matched = 0;
			for (h = 0; h < bk->nheads; h++) {
				size_t y = bk->heads[h];

				if (rfind(v, y) == rfind(v, x))
					matched = 1;
				else if (rf_fp_match(&v[x].fp, &v[y].fp)) {
					runite(v, x, y);
					matched = 1;
				}
			}
			if (!matched && bk->nheads < RF_CLUSTER_HEADS)
				bk->heads[bk->nheads++] = x;
		}
	}
	for (i = 0; i < n; i++) {
		size_t r = rfind(v, i);

		if (r == i) {
			memset(&camps[nc], 0, sizeof(camps[nc]));
			camps[nc].first = i;
			camps[nc].kind = v[i].fp.kind;
			v[i].cluster = nc++;
		}
		cl_of[i] = v[i].cluster = v[r].cluster;
	}
	for (k = 0; k < nc; k++) {
		rf_fingerprint cons;
		size_t nm = 0, best, run, j2;
		unsigned j;

		for (i = 0; i < n; i++)
			if (v[i].cluster == k) {
				if (nm++ == 0)
					cons = v[i].fp;
				/* distinct recipients: none seen before */
				if (v[i].rcpt == NULL)
					continue;
				for (j2 = 0; j2 < i; j2++)
					if (v[j2].cluster == k &&
					    v[j2].rcpt != NULL &&
					    strcmp(v[j2].rcpt, v[i].rcpt) == 0)
						break;
				if (j2 == i)
					camps[k].recipients++;
			}
		camps[k].size = nm;
		for (j = 0; j < RF_FP_HASHES && nm > 1; j++) {
			for (i = m = 0; i < n; i++)
				if (v[i].cluster == k)
					vals[m++] = v[i].fp.h[j];
			qsort(vals, m, sizeof(*vals), cmp_u64v);
			best = 0;
			for (i = run = 1; i <= m; i++, run++) {
				if (i < m && vals[i] == vals[i - 1])
					continue;
				if (run > best) {
					best = run;
					cons.h[j] = vals[i - 1];
				}
				run = 0;
			}
		}
		rf_fp_id(&cons, camps[k].id);
	}
	free(v);
	free(order);
	free(b);
	free(vals);
	return nc;
}

static rf_fingerprint
random_fp(uint64_t *seed)
{
	rf_fingerprint fp;
	unsigned j;

	memset(&fp, 0, sizeof(fp));
	fp.version = RF_FP_VERSION;
	fp.kind = RF_FP_MINHASH;
	fp.nwords = 100;
	for (j = 0; j < RF_FP_HASHES; j++)
		fp.h[j] = rnd(seed);
	return fp;
}

/* make_items: campaigns whose copies differ in up to 24 of 32 positions
 * (so copies often fail to match each other and join only through a
 * third, and heads fill up), singles, empty and short texts, recipients
 * repeating.  n items. */
static void
make_items(rf_fingerprint *fp, char (*rcpt)[32], size_t n, uint64_t seed)
{
	rf_fingerprint base[12];
	size_t i;
	unsigned c, k, j;

	for (c = 0; c < 12; c++)
		base[c] = random_fp(&seed);
	for (i = 0; i < n; i++) {
		k = (unsigned)(rnd(&seed) % 100);
		if (k < 60) {
			c = (unsigned)(rnd(&seed) % 12);
			fp[i] = base[c];
			for (j = (unsigned)(rnd(&seed) % 21); j > 0; j--)
				fp[i].h[rnd(&seed) % RF_FP_HASHES] =
				    rnd(&seed) % 4;
			if (rnd(&seed) % 7 == 0)	/* a new base */
				base[c] = fp[i];
		} else if (k < 90) {
			fp[i] = random_fp(&seed);
		} else if (k < 94) {
			memset(&fp[i], 0, sizeof(fp[i]));
			fp[i].version = RF_FP_VERSION;
			fp[i].kind = RF_FP_EMPTY;
		} else {
			memset(&fp[i], 0, sizeof(fp[i]));
			fp[i].version = RF_FP_VERSION;
			fp[i].kind = RF_FP_SHORT;
			fp[i].nwords = 3;
			fp[i].h[0] = rnd(&seed) % 3;
		}
		if (rnd(&seed) % 5 == 0)
			rcpt[i][0] = '\0';
		else
			snprintf(rcpt[i], sizeof(rcpt[i]), "u%u@x.example",
			    (unsigned)(rnd(&seed) % 300));
	}
}

/* cluster_with: fp[] through rf_cluster with a budget of memory bytes;
 * the caller's indices are n - 1 - i. */
static rf_cluster *
cluster_with(const rf_fingerprint *fp, char (*rcpt)[32], size_t n,
	     size_t memory)
{
	rf_cluster *cl = NULL;
	rf_error err;
	size_t i;

	assert_int_equal(rf_cluster_new(&cl, &err), RF_OK);
	assert_int_equal(rf_cluster_set_memory(cl, memory, &err), RF_OK);
	for (i = 0; i < n; i++)
		assert_int_equal(rf_cluster_add(cl, &fp[i], rcpt[i][0] ?
		    rcpt[i] : NULL, n - 1 - i, &err), RF_OK);
	assert_int_equal(rf_cluster_run(cl, &err), RF_OK);
	return cl;
}

static void
same_as_reference(size_t n, uint64_t seed)
{
	rf_fingerprint *fp = calloc(n, sizeof(*fp));
	char (*rcpt)[32] = calloc(n, sizeof(*rcpt));
	size_t *cl_of = calloc(n, sizeof(*cl_of)), nc, i, index, multi = 0;
	rf_batch_campaign *camps = calloc(n, sizeof(*camps));
	rf_cluster *tiny, *mid, *big;
	const rf_batch_campaign *a, *z;

	assert_non_null(fp);
	assert_non_null(rcpt);
	assert_non_null(cl_of);
	assert_non_null(camps);
	make_items(fp, rcpt, n, seed);
	nc = reference(fp, rcpt, n, cl_of, camps);
	tiny = cluster_with(fp, rcpt, n, 1);
	mid = cluster_with(fp, rcpt, n, RF_CLUSTER_MEMORY / 8);
	big = cluster_with(fp, rcpt, n, 64 << 20);
	assert_int_equal(rf_cluster_count(tiny), nc);
	assert_int_equal(rf_cluster_count(big), nc);
	for (i = 0; i < n; i++) {
		assert_int_equal(rf_cluster_of(tiny, i, &index), cl_of[i]);
		assert_int_equal(index, n - 1 - i);
		assert_int_equal(rf_cluster_of(big, i, &index), cl_of[i]);
		assert_int_equal(index, n - 1 - i);
		assert_int_equal(rf_cluster_of(mid, i, &index), cl_of[i]);
	}
	for (i = 0; i < nc; i++) {
		a = rf_cluster_campaign(tiny, i);
		z = rf_cluster_campaign(big, i);
		assert_memory_equal(a, &camps[i], sizeof(*a));
		assert_memory_equal(z, &camps[i], sizeof(*z));
		assert_memory_equal(rf_cluster_campaign(mid, i), &camps[i],
		    sizeof(*z));
		multi += camps[i].size > 1;
	}
	/* the data is not trivial: campaigns, and clusters of one */
	print_message("%zu items: %zu clusters, %zu of two or more\n", n, nc, multi);
	assert_true(multi >= 3);
	assert_true(nc > multi + n / 4);
	rf_cluster_free(tiny);
	rf_cluster_free(mid);
	rf_cluster_free(big);
	free(fp);
	free(rcpt);
	free(cl_of);
	free(camps);
}

static void
test_budgets_agree(void **state)
{
	(void)state;
	same_as_reference(3000, 1);
	same_as_reference(700, 2);
	same_as_reference(40, 3);
}

/* The spill file's block cache: random writes (inside and across cached
 * blocks, past the end, through the append buffer) and reads give what a
 * plain array of the same bytes gives, with caches of 0 to 4 blocks;
 * rf__spill_view gives the same bytes, in the cache when they lie in one
 * block below the end, else in the caller's buffer. */
static void
test_spill_cache(void **state)
{
	enum { SIZE = 5 * RF__SPILL_BLOCK + 123, OPS = 20000 };
	static unsigned char model[SIZE + 64], got[3 * RF__SPILL_BLOCK];
	size_t cache, i, n, off, k, views;
	uint64_t x = 7;
	unsigned char v[3 * RF__SPILL_BLOCK];
	const void *p;
	int inplace;
	rf__spill sp;
	rf_error err;
	off_t end;

	(void)state;
	for (cache = 0; cache <= 4 * RF__SPILL_BLOCK; cache += RF__SPILL_BLOCK) {
		memset(model, 0, sizeof(model));
		end = 0;
		views = 0;
		assert_int_equal(rf__spill_open(&sp, NULL, 100, NULL), RF_OK);
		assert_int_equal(rf__spill_set_cache(&sp, cache, NULL), RF_OK);
		for (i = 0; i < OPS; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			/* mostly small records, now and then a block or more */
			n = (x >> 20) % 8 == 0 ? (size_t)(x >> 33) % sizeof(v) :
			    1 + (size_t)(x >> 33) % 40;
			off = (size_t)(x >> 40) % SIZE;
			if (off + n > SIZE)
				n = SIZE - off;
			switch ((x >> 12) % 3) {
			case 0:	/* write at off */
				for (k = 0; k < n; k++)
					v[k] = (unsigned char)(x >> (k % 56));
				assert_int_equal(rf__spill_pwrite(&sp, v, n,
				    (off_t)off, NULL), RF_OK);
				memcpy(model + off, v, n);
				if ((off_t)(off + n) > end && n > 0)
					end = (off_t)(off + n);
				break;
			case 1:	/* append (to SIZE at most) */
				if ((size_t)end + n > SIZE)
					n = SIZE - (size_t)end;
				for (k = 0; k < n; k++)
					v[k] = (unsigned char)(i + k);
				assert_int_equal(rf__spill_append(&sp, v, n,
				    NULL), RF_OK);
				memcpy(model + end, v, n);
				end += (off_t)n;
				break;
			default:	/* read, or view */
				if ((x >> 9) % 2 == 0) {
					assert_int_equal(rf__spill_pread(&sp,
					    got, n, (off_t)off, NULL), RF_OK);
					assert_memory_equal(got, model + off,
					    n);
					break;
				}
				memset(got, 0xa5, sizeof(got));
				p = rf__spill_view(&sp, n, (off_t)off, got,
				    &err);
				assert_memory_equal(p, model + off, n);
				inplace = cache > 0 && n > 0 &&
				    off / RF__SPILL_BLOCK == (off + n - 1) /
				    RF__SPILL_BLOCK && (off_t)(off + n) <=
				    sp.end;
				assert_true((p != got) == inplace);
				views += inplace;
			}
		}
		for (off = 0; off < SIZE; off += 1000) {
			n = off + 1000 > SIZE ? SIZE - off : 1000;
			assert_int_equal(rf__spill_pread(&sp, got, n, (off_t)off,
			    NULL), RF_OK);
			assert_memory_equal(got, model + off, n);
		}
		/* with a cache, views were served in place */
		assert_true(cache == 0 || views > 1000);
		rf__spill_close(&sp);
	}
}

/* A campaign read back in any order, with no cache (a 4 KiB budget), a
 * cache of one block (8 KiB for about 50 KiB of campaigns) and of all
 * of them: the right one. */
static void
test_campaign_cache(void **state)
{
	static const size_t budgets[] = { 4096, 4 * RF__SPILL_BLOCK,
	    64 * RF__SPILL_BLOCK };
	size_t n = 2000, i, b, c, nc, *cl_of = calloc(n, sizeof(*cl_of));
	rf_fingerprint *fp = calloc(n, sizeof(*fp));
	char (*rcpt)[32] = calloc(n, sizeof(*rcpt));
	rf_batch_campaign *camps = calloc(n, sizeof(*camps));
	rf_cluster *cl;
	uint64_t seed = 9;

	(void)state;
	assert_non_null(cl_of);
	assert_non_null(fp);
	assert_non_null(rcpt);
	assert_non_null(camps);
	make_items(fp, rcpt, n, 11);
	nc = reference(fp, rcpt, n, cl_of, camps);
	assert_true(nc * sizeof(*camps) > 5 * RF__SPILL_BLOCK);
	for (b = 0; b < sizeof(budgets) / sizeof(budgets[0]); b++) {
		cl = cluster_with(fp, rcpt, n, budgets[b]);
		for (i = 0; i < 5000; i++) {
			c = rnd(&seed) % nc;
			assert_memory_equal(rf_cluster_campaign(cl, c),
			    &camps[c], sizeof(camps[c]));
		}
		rf_cluster_free(cl);
	}
	free(cl_of);
	free(fp);
	free(rcpt);
	free(camps);
}

/* ---- errors ---- */

static FILE *
open_none(void)
{
	errno = EACCES;
	return NULL;
}

static FILE *
open_full(void)
{
	return fopen("/dev/full", "w+");
}

/* fail_with: n items through a cluster whose temporary files come from
 * open; the first error's status and message. */
static rf_status
fail_with(rf__spill_open_fn open, size_t memory, size_t n, rf_error *err)
{
	rf_cluster *cl = NULL;
	rf_fingerprint *fp = calloc(n, sizeof(*fp));
	char (*rcpt)[32] = calloc(n, sizeof(*rcpt));
	rf_status st = RF_OK;
	size_t i;

	assert_non_null(fp);
	assert_non_null(rcpt);
	make_items(fp, rcpt, n, 5);
	assert_int_equal(rf_cluster_new(&cl, err), RF_OK);
	rf__cluster_set_spill(cl, open);
	assert_int_equal(rf_cluster_set_memory(cl, memory, err), RF_OK);
	for (i = 0; i < n && st == RF_OK; i++)
		st = rf_cluster_add(cl, &fp[i], rcpt[i], i, err);
	if (st == RF_OK && (st = rf_cluster_run(cl, err)) != RF_OK)
		assert_int_equal(rf_cluster_items(cl), 0);
	if (st != RF_OK)
		assert_int_equal(rf_cluster_count(cl), 0);
	rf_cluster_free(cl);
	free(fp);
	free(rcpt);
	return st;
}

/* A block cached while the file was shorter is read again for bytes
 * past what it holds, by rf__spill_view as by rf__spill_pread; bytes
 * still in the append buffer come through buf. */
static void
test_view_grown(void **state)
{
	unsigned char a[100], b[100], buf[48];
	const unsigned char *p;
	rf__spill sp;
	rf_error err;

	(void)state;
	memset(a, 1, sizeof(a));
	memset(b, 2, sizeof(b));
	assert_int_equal(rf__spill_open(&sp, NULL, 4096, &err), RF_OK);
	assert_int_equal(rf__spill_set_cache(&sp, RF__SPILL_BLOCK, &err),
	    RF_OK);
	assert_int_equal(rf__spill_append(&sp, a, sizeof(a), &err), RF_OK);
	/* in the append buffer only: a copy */
	p = rf__spill_view(&sp, 48, 10, buf, &err);
	assert_ptr_equal(p, buf);
	assert_memory_equal(p, a, 48);
	assert_int_equal(rf__spill_flush(&sp, &err), RF_OK);
	/* in the file: in place, the block cached with 100 bytes */
	p = rf__spill_view(&sp, 48, 10, buf, &err);
	assert_ptr_not_equal(p, buf);
	assert_memory_equal(p, a, 48);
	assert_int_equal(rf__spill_append(&sp, b, sizeof(b), &err), RF_OK);
	assert_int_equal(rf__spill_flush(&sp, &err), RF_OK);
	/* partly past the 100 bytes cached: the block read again */
	p = rf__spill_view(&sp, 48, 80, buf, &err);
	assert_ptr_not_equal(p, buf);
	assert_memory_equal(p, a, 20);
	assert_memory_equal(p + 20, b, 28);
	/* across the end of the file: a copy, zeros past it */
	p = rf__spill_view(&sp, 48, 180, buf, &err);
	assert_ptr_equal(p, buf);
	assert_memory_equal(p, b, 20);
	assert_true(p[20] == 0 && p[47] == 0);
	rf__spill_close(&sp);
}

static FILE *
open_wronly(void)
{
	return fopen("/dev/null", "w");
}

/* A spill file that takes writes but cannot be read: rf__spill_view
 * reports it and gives zeros, through the cache or not. */
static void
test_view_errors(void **state)
{
	unsigned char rec[48], buf[48], zero[48];
	const void *p;
	rf__spill sp;
	rf_error err;
	size_t cache;

	(void)state;
	memset(rec, 7, sizeof(rec));
	memset(zero, 0, sizeof(zero));
	for (cache = 0; cache <= RF__SPILL_BLOCK; cache += RF__SPILL_BLOCK) {
		assert_int_equal(rf__spill_open(&sp, open_wronly, 0, &err),
		    RF_OK);
		assert_int_equal(rf__spill_set_cache(&sp, cache, &err), RF_OK);
		assert_int_equal(rf__spill_append(&sp, rec, sizeof(rec), &err),
		    RF_OK);
		memset(buf, 0xa5, sizeof(buf));
		memset(&err, 0, sizeof(err));
		p = rf__spill_view(&sp, sizeof(rec), 0, buf, &err);
		assert_ptr_equal(p, buf);
		assert_memory_equal(buf, zero, sizeof(buf));
		assert_int_equal(err.status, RF_EIO);
		assert_non_null(strstr(err.msg, "cannot read"));
		rf__spill_close(&sp);
	}
}

static void
test_errors(void **state)
{
	rf_cluster *cl = NULL;
	rf_fingerprint fp;
	rf_error err;

	(void)state;
	/* no temporary file: at the first spill of rf_cluster_add (tiny
	 * budget) or in rf_cluster_run (big one) */
	assert_int_equal(fail_with(open_none, 4096, 500, &err), RF_EIO);
	assert_non_null(strstr(err.msg, "temporary file"));
	assert_int_equal(fail_with(open_none, 1 << 20, 50, &err), RF_EIO);
	assert_non_null(strstr(err.msg, "temporary file"));
	/* a file that takes no byte (disk full) */
	assert_int_equal(fail_with(open_full, 4096, 500, &err), RF_EIO);
	assert_non_null(strstr(err.msg, "cannot write"));
	assert_int_equal(fail_with(open_full, 1 << 20, 50, &err), RF_EIO);
	assert_non_null(strstr(err.msg, "cannot write"));
	/* with working files the same batches cluster */
	assert_int_equal(fail_with(NULL, 4096, 500, &err), RF_OK);
	/* the budget is set before adding */
	assert_int_equal(rf_cluster_new(&cl, &err), RF_OK);
	memset(&fp, 0, sizeof(fp));
	fp.version = RF_FP_VERSION;
	assert_int_equal(rf_cluster_add(cl, &fp, NULL, 0, &err), RF_OK);
	assert_int_equal(rf_cluster_set_memory(cl, 1 << 20, &err), RF_EINVAL);
	assert_int_equal(rf_cluster_run(cl, &err), RF_OK);
	assert_int_equal(rf_cluster_count(cl), 1);
	assert_string_equal(rf_cluster_campaign(cl, 0)->id, "");
	rf_cluster_free(cl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xsort),
		cmocka_unit_test(test_xsort_keys),
		cmocka_unit_test(test_xsort_reset),
		cmocka_unit_test(test_budgets_agree),
		cmocka_unit_test(test_campaign_cache),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_view_grown),
		cmocka_unit_test(test_view_errors),
		cmocka_unit_test(test_spill_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
