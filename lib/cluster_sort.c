/*
 * cluster_sort.c - external sort and spill files for lib/cluster.c
 * (lib/cluster_sort.h).
 *
 * The sort fills a buffer of cap records; a full buffer is sorted and
 * written as a run of level 0.  Whenever the last FANIN runs have the
 * same level L they are merged into one run of level L + 1 (the buffer,
 * just emptied, serves as the merge's input and output buffers), so
 * there are at most (FANIN - 1) runs per level.  rf__xsort_finish
 * merges down to at most FANIN runs, and rf__xsort_next streams the
 * last merge.  The space of merged runs is not reused: the file holds
 * each record once per level.
 *
 * A (key, index) pair is kept per record; a run is sorted as pairs (a
 * radix pass on the first key word, then an introsort per bucket), the
 * records permuted in place to match, and merges go through a loser
 * tree of the readers' keys: cmp is called only between records of
 * equal keys, and never when the key is exact (cmp NULL).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "cluster_sort.h"

/* A record's key and its index in the buffer. */
struct kent {
	uint64_t k0, k1;
	uint32_t idx;
};

struct run {
	off_t off;
	size_t n;		/* records */
	unsigned level;
};

/* One input of a merge: a run read through a buffer of cap records. */
struct reader {
	off_t off;		/* next record not yet read */
	size_t left;		/* records not yet read */
	char *buf;
	size_t pos, cnt, cap;
};

struct rf__xsort {
	size_t recsize;
	rf__xsort_keyfn key;
	rf__xsort_cmp cmp;	/* NULL: exact key (equal keys: equal
				 * records) */
	struct kent *keys;	/* bufcap pairs */
	size_t budget;
	rf__spill_open_fn open;
	size_t cap;		/* records the budget holds (>= 3) */
	unsigned fanin;
	char *buf;		/* cap records once grown */
	size_t n, bufcap;	/* records in buf, room in buf */
	rf__spill sp;		/* runs; sp.f NULL until the first */
	struct run *runs;
	size_t nruns, runcap;
	size_t nwritten, nmerges;
	/* the final merge (when runs were written) */
	struct reader rd[RF__XSORT_FANIN];
	/* a loser tree over the readers: head[i] the key of reader i's
	 * next record (all ones and done[i] once it is exhausted),
	 * tree[0] the winner, tree[1..k) the losers */
	struct kent head[RF__XSORT_FANIN];
	unsigned char done[RF__XSORT_FANIN];
	unsigned tree[RF__XSORT_FANIN];
	unsigned k;		/* readers of the merge */
	int pending;		/* the winner was returned, not yet
				 * consumed */
	char *cur;		/* scratch record (permutations) */
	size_t next;		/* in-memory mode: next record of buf */
};

static rf_status
io_error(rf_error *err, const char *what)
{
	return rf_error_set(err, RF_EIO, "clustering spill file: cannot %s: %s",
	    what, errno ? strerror(errno) : "short transfer");
}

rf_status
rf__spill_open(rf__spill *sp, rf__spill_open_fn open, size_t bufsize,
	       rf_error *err)
{
	memset(sp, 0, sizeof(*sp));
	sp->fd = -1;
	errno = 0;
	if ((sp->f = (open != NULL ? open : tmpfile)()) == NULL ||
	    (sp->fd = fileno(sp->f)) < 0) {
		rf__spill_close(sp);
		return io_error(err, "make a temporary file");
	}
	if (bufsize > 0 && (sp->buf = malloc(bufsize)) == NULL) {
		rf__spill_close(sp);
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	sp->cap = bufsize;
	return RF_OK;
}

rf_status
rf__spill_set_cache(rf__spill *sp, size_t bytes, rf_error *err)
{
	size_t n = bytes / RF__SPILL_BLOCK;

	if (n == 0)
		return RF_OK;
	if ((sp->cache = malloc(n * RF__SPILL_BLOCK)) == NULL ||
	    (sp->tag = calloc(n, sizeof(*sp->tag))) == NULL ||
	    (sp->clen = calloc(n, sizeof(*sp->clen))) == NULL ||
	    (sp->dirty = calloc(n, 1)) == NULL) {
		free(sp->cache);
		free(sp->tag);
		free(sp->clen);
		sp->cache = NULL;
		sp->tag = NULL;
		sp->clen = NULL;
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	sp->nblk = n;
	return RF_OK;
}

void
rf__spill_close(rf__spill *sp)
{
	if (sp->f != NULL)
		fclose(sp->f);
	free(sp->buf);
	free(sp->cache);
	free(sp->tag);
	free(sp->clen);
	free(sp->dirty);
	memset(sp, 0, sizeof(*sp));
	sp->fd = -1;
}

/* write_at: all n bytes at off.  RF_OK or RF_EIO. */
static rf_status
write_at(int fd, const void *p, size_t n, off_t off, rf_error *err)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		errno = 0;
		w = pwrite(fd, c, n, off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return io_error(err, "write");
		c += w;
		n -= (size_t)w;
		off += w;
	}
	return RF_OK;
}

/* read_at: n bytes at off; zeros past the end of the file.  RF_OK or
 * RF_EIO. */
static rf_status
read_at(int fd, void *p, size_t n, off_t off, rf_error *err)
{
	char *c = p;
	ssize_t r;

	while (n > 0) {
		errno = 0;
		r = pread(fd, c, n, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return io_error(err, "read");
		if (r == 0) {
			memset(c, 0, n);
			break;
		}
		c += r;
		n -= (size_t)r;
		off += r;
	}
	return RF_OK;
}

/* load_block: read block b into its cache slot (the block there written
 * first when dirty): as many of its bytes as lie below sp->end.  RF_OK
 * or RF_EIO. */
static rf_status
load_block(rf__spill *sp, off_t b, size_t slot, rf_error *err)
{
	off_t start = b * RF__SPILL_BLOCK;
	size_t want = sp->end - start < RF__SPILL_BLOCK ?
	    (size_t)(sp->end - start) : RF__SPILL_BLOCK;
	rf_status st;

	if (sp->dirty[slot] && (st = write_at(sp->fd, sp->cache +
	    slot * RF__SPILL_BLOCK, sp->clen[slot],
	    (sp->tag[slot] - 1) * RF__SPILL_BLOCK, err)) != RF_OK)
		return st;
	sp->dirty[slot] = 0;
	sp->tag[slot] = 0;
	if ((st = read_at(sp->fd, sp->cache + slot * RF__SPILL_BLOCK, want,
	    start, err)) != RF_OK)
		return st;
	sp->tag[slot] = b + 1;
	sp->clen[slot] = want;
	return RF_OK;
}

/* cached_read: n bytes at off, all below sp->end, through the block
 * cache.  A block is read again when it was cached while the file was
 * shorter than what is asked.  RF_OK or RF_EIO. */
static rf_status
cached_read(rf__spill *sp, char *c, size_t n, off_t off, rf_error *err)
{
	off_t b;
	size_t slot, in, k;
	rf_status st;

	while (n > 0) {
		b = off / RF__SPILL_BLOCK;
		in = (size_t)(off - b * RF__SPILL_BLOCK);
		k = RF__SPILL_BLOCK - in < n ? RF__SPILL_BLOCK - in : n;
		slot = (size_t)b % sp->nblk;
		if ((sp->tag[slot] != b + 1 || sp->clen[slot] < in + k) &&
		    (st = load_block(sp, b, slot, err)) != RF_OK)
			return st;
		memcpy(c, sp->cache + slot * RF__SPILL_BLOCK + in, k);
		c += k;
		n -= k;
		off += (off_t)k;
	}
	return RF_OK;
}

/* cache_update: the n bytes written at off into the cached blocks they
 * overlap (a block whose cached bytes end before them is dropped, as
 * the gap would read stale). */
static void
cache_update(rf__spill *sp, const char *c, size_t n, off_t off)
{
	off_t b, start;
	size_t slot, in, k;

	while (n > 0 && sp->nblk > 0) {
		b = off / RF__SPILL_BLOCK;
		start = b * RF__SPILL_BLOCK;
		in = (size_t)(off - start);
		k = RF__SPILL_BLOCK - in < n ? RF__SPILL_BLOCK - in : n;
		slot = (size_t)b % sp->nblk;
		if (sp->tag[slot] == b + 1) {
			if (sp->clen[slot] < in && !sp->dirty[slot])
				sp->tag[slot] = 0;
			else if (sp->clen[slot] >= in) {
				memcpy(sp->cache + slot * RF__SPILL_BLOCK + in,
				    c, k);
				if (sp->clen[slot] < in + k)
					sp->clen[slot] = in + k;
			}
		}
		c += k;
		n -= k;
		off += (off_t)k;
	}
}

/* write_back: when the n bytes at off fall within one cached block's
 * bytes, write them there only (the block is then dirty) and return 1;
 * else 0. */
static int
write_back(rf__spill *sp, const void *p, size_t n, off_t off)
{
	off_t b, start;
	size_t slot, in;

	if (sp->nblk == 0 || n == 0)
		return 0;
	b = off / RF__SPILL_BLOCK;
	start = b * RF__SPILL_BLOCK;
	in = (size_t)(off - start);
	slot = (size_t)b % sp->nblk;
	if (sp->tag[slot] != b + 1 || in + n > sp->clen[slot])
		return 0;
	memcpy(sp->cache + slot * RF__SPILL_BLOCK + in, p, n);
	sp->dirty[slot] = 1;
	return 1;
}

rf_status
rf__spill_flush(rf__spill *sp, rf_error *err)
{
	rf_status st;

	if (sp->len == 0)
		return RF_OK;
	if ((st = write_at(sp->fd, sp->buf, sp->len, sp->end, err)) != RF_OK)
		return st;
	sp->end += (off_t)sp->len;
	sp->len = 0;
	return RF_OK;
}

rf_status
rf__spill_append(rf__spill *sp, const void *p, size_t n, rf_error *err)
{
	rf_status st;

	if (sp->len + n > sp->cap && (st = rf__spill_flush(sp, err)) != RF_OK)
		return st;
	if (n > sp->cap) {
		if ((st = write_at(sp->fd, p, n, sp->end, err)) != RF_OK)
			return st;
		sp->end += (off_t)n;
		return RF_OK;
	}
	memcpy(sp->buf + sp->len, p, n);
	sp->len += n;
	return RF_OK;
}

rf_status
rf__spill_pwrite(rf__spill *sp, const void *p, size_t n, off_t off,
		 rf_error *err)
{
	rf_status st;

	if ((st = rf__spill_flush(sp, err)) != RF_OK)
		return st;
	if (write_back(sp, p, n, off))
		return RF_OK;
	if ((st = write_at(sp->fd, p, n, off, err)) != RF_OK)
		return st;
	cache_update(sp, p, n, off);
	if (off + (off_t)n > sp->end)
		sp->end = off + (off_t)n;
	return RF_OK;
}

rf_status
rf__spill_pread(rf__spill *sp, void *p, size_t n, off_t off, rf_error *err)
{
	char *c = p;
	size_t k;
	rf_status st;

	if (off < sp->end) {
		k = n;
		if ((off_t)k > sp->end - off)
			k = (size_t)(sp->end - off);
		if ((st = sp->nblk > 0 ? cached_read(sp, c, k, off, err) :
		    read_at(sp->fd, c, k, off, err)) != RF_OK)
			return st;
		c += k;
		n -= k;
		off += (off_t)k;
	}
	if (n == 0)
		return RF_OK;
	/* off >= end: the append buffer, then zeros */
	k = 0;
	if ((size_t)(off - sp->end) < sp->len) {
		k = sp->len - (size_t)(off - sp->end);
		if (k > n)
			k = n;
		memcpy(c, sp->buf + (off - sp->end), k);
	}
	memset(c + k, 0, n - k);
	return RF_OK;
}

const void *
rf__spill_view(rf__spill *sp, size_t n, off_t off, void *buf, rf_error *err)
{
	/* offsets are never negative: unsigned, the division is a shift */
	off_t b = (off_t)((uint64_t)off / RF__SPILL_BLOCK);
	size_t in = (size_t)((uint64_t)off % RF__SPILL_BLOCK), slot;

	if (sp->nblk > 0 && in + n <= RF__SPILL_BLOCK &&
	    off + (off_t)n <= sp->end) {
		slot = (size_t)b % sp->nblk;
		if ((sp->tag[slot] == b + 1 && sp->clen[slot] >= in + n) ||
		    load_block(sp, b, slot, err) == RF_OK)
			return sp->cache + slot * RF__SPILL_BLOCK + in;
	} else if (rf__spill_pread(sp, buf, n, off, err) == RF_OK)
		return buf;
	memset(buf, 0, n);	/* unreadable */
	return buf;
}

/* set_cap: the records the budget holds, at per bytes a record, and
 * the merges' fan-in. */
static void
set_cap(rf__xsort *s, size_t per)
{
	s->cap = s->budget / per < 3 ? 3 : s->budget / per;
	if (s->cap > UINT32_MAX)	/* struct kent's index */
		s->cap = UINT32_MAX;
	s->fanin = s->cap - 1 < RF__XSORT_FANIN ? (unsigned)(s->cap - 1) :
	    RF__XSORT_FANIN;
}

rf_status
rf__xsort_new(rf__xsort **out, size_t recsize, rf__xsort_keyfn key,
	      rf__xsort_cmp cmp, size_t budget, rf__spill_open_fn open,
	      rf_error *err)
{
	rf__xsort *s;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->cur = malloc(recsize)) == NULL) {
		free(s);
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	s->recsize = recsize;
	s->key = key;
	s->cmp = cmp;
	s->open = open;
	s->budget = budget;
	set_cap(s, recsize + sizeof(struct kent));
	s->sp.fd = -1;
	*out = s;
	return RF_OK;
}

rf_status
rf__xsort_reset(rf__xsort *s, rf_error *err)
{
	s->n = s->nruns = s->nwritten = s->nmerges = s->next = 0;
	s->k = 0;
	s->pending = 0;
	if (s->sp.f == NULL || s->sp.end == 0)
		return RF_OK;
	/* the runs' file: written unbuffered (no append buffer), read
	 * below its end only, with no cache (nothing else to drop) */
	s->sp.end = 0;
	errno = 0;
	if (ftruncate(s->sp.fd, 0) != 0)
		return io_error(err, "truncate");
	return RF_OK;
}

void
rf__xsort_free(rf__xsort *s)
{
	if (s == NULL)
		return;
	free(s->buf);
	free(s->keys);
	free(s->runs);
	free(s->cur);
	rf__spill_close(&s->sp);
	free(s);
}

size_t
rf__xsort_runs(const rf__xsort *s)
{
	return s->nwritten;
}

size_t
rf__xsort_merges(const rf__xsort *s)
{
	return s->nmerges;
}

#define REC(s, r) ((r)->buf + (r)->pos * (s)->recsize)
#define BREC(s, i) ((s)->buf + (size_t)(i) * (s)->recsize)

/* kent_of: the key of rec into *k. */
static inline void
kent_of(const rf__xsort *s, const void *rec, struct kent *k)
{
	uint64_t key[2];

	s->key(rec, key);
	k->k0 = key[0];
	k->k1 = key[1];
}

/* kless: a before b: by key, then cmp (unless the key is exact), then
 * index. */
static inline int
kless(const rf__xsort *s, const struct kent *a, const struct kent *b)
{
	int c;

	if (a->k0 != b->k0)
		return a->k0 < b->k0;
	if (a->k1 != b->k1)
		return a->k1 < b->k1;
	if (s->cmp != NULL &&
	    (c = s->cmp(BREC(s, a->idx), BREC(s, b->idx))) != 0)
		return c < 0;
	return a->idx < b->idx;
}

static inline void
kswap(struct kent *a, struct kent *b)
{
	struct kent t = *a;

	*a = *b;
	*b = t;
}

/* ksift: heap a[0..n) (largest on top), a[i] sifted down. */
static void
ksift(const rf__xsort *s, struct kent *a, size_t i, size_t n)
{
	size_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && kless(s, &a[c], &a[c + 1]))
			c++;
		if (!kless(s, &a[i], &a[c]))
			return;
		kswap(&a[i], &a[c]);
		i = c;
	}
}

/* ksort: sort a[0..n) by kless (introsort: quicksort with a median of
 * three, heapsort below depth 0, insertion sort for short ranges).  The
 * order is total (indices differ), so the result is unique. */
static void
ksort(const rf__xsort *s, struct kent *a, size_t n, unsigned depth)
{
	struct kent p, t;
	size_t i, j, m;

	while (n > 16) {
		if (depth-- == 0) {
			for (i = n / 2; i-- > 0;)
				ksift(s, a, i, n);
			for (i = n; --i > 0;) {
				kswap(&a[0], &a[i]);
				ksift(s, a, 0, i);
			}
			return;
		}
		m = n / 2;
		if (kless(s, &a[m], &a[0]))
			kswap(&a[m], &a[0]);
		if (kless(s, &a[n - 1], &a[m])) {
			kswap(&a[n - 1], &a[m]);
			if (kless(s, &a[m], &a[0]))
				kswap(&a[m], &a[0]);
		}
		p = a[m];	/* a[0] <= p <= a[n - 1]: sentinels */
		i = 0;
		j = n - 1;
		for (;;) {
			while (kless(s, &a[++i], &p))
				;
			while (kless(s, &p, &a[--j]))
				;
			if (i >= j)
				break;
			kswap(&a[i], &a[j]);
		}
		/* a[0..i) <= p <= a[i..n), both parts non-empty */
		if (i < n - i) {
			ksort(s, a, i, depth);
			a += i;
			n -= i;
		} else {
			ksort(s, a + i, n - i, depth);
			n = i;
		}
	}
	for (i = 1; i < n; i++) {
		t = a[i];
		for (j = i; j > 0 && kless(s, &t, &a[j - 1]); j--)
			a[j] = a[j - 1];
		a[j] = t;
	}
}

#define RADIX_BITS 10	/* buckets of the first pass: 1 << RADIX_BITS */

/* radix_sort: sort a[0..n) by kless: an in-place distribution (American
 * flag sort) on the RADIX_BITS bits of k0 just below the highest bit
 * where the keys' k0 differ, so that the buckets are in kless order;
 * then each bucket by ksort (mostly an insertion sort of a few). */
static void
radix_sort(const rf__xsort *s, struct kent *a, size_t n, unsigned depth)
{
	uint32_t next[1 << RADIX_BITS], end[1 << RADIX_BITS];
	uint64_t diff = 0;
	unsigned bits = 0, shift, b, d, nb;
	struct kent e, t;
	size_t i, sum;

	for (i = 1; i < n; i++)
		diff |= a[i].k0 ^ a[0].k0;
	for (i = n; i > 3 && bits < RADIX_BITS; i >>= 1)
		bits++;		/* about 2 to 4 a bucket */
	if (diff == 0 || bits < 4) {
		ksort(s, a, n, depth);
		return;
	}
	shift = 64 - (unsigned)__builtin_clzll(diff);	/* bits that differ */
	shift = shift > bits ? shift - bits : 0;
	nb = 1u << bits;
	memset(end, 0, nb * sizeof(end[0]));
	for (i = 0; i < n; i++)
		end[(a[i].k0 >> shift) & (nb - 1)]++;
	for (b = 0, sum = 0; b < nb; b++) {
		next[b] = (uint32_t)sum;
		sum += end[b];
		end[b] = (uint32_t)sum;
	}
	for (b = 0; b < nb; b++)
		while (next[b] < end[b]) {
			e = a[next[b]];
			d = (unsigned)(e.k0 >> shift) & (nb - 1);
			while (d != b) {	/* e to its bucket, the one
						 * there out */
				t = a[next[d]];
				a[next[d]++] = e;
				e = t;
				d = (unsigned)(e.k0 >> shift) & (nb - 1);
			}
			a[next[b]++] = e;
		}
	for (b = 0, sum = 0; b < nb; b++) {
		if (end[b] - sum > 1)
			ksort(s, a + sum, end[b] - sum, depth);
		sum = end[b];
	}
}

/* sort_buf: sort the buffer's pairs (the records stay; keys[i].idx
 * is the i-th). */
static void
sort_buf(rf__xsort *s)
{
	unsigned depth = 0;
	size_t n;

	for (n = s->n; n > 1; n >>= 1)
		depth += 2;
	radix_sort(s, s->keys, s->n, depth);
}

/* permute: after sort_buf, move the records into their
 * order (cycle by cycle, through s->cur). */
static void
permute(rf__xsort *s)
{
	size_t i, j, k, rs = s->recsize;

	for (i = 0; i < s->n; i++) {
		if (s->keys[i].idx == i)
			continue;
		memcpy(s->cur, BREC(s, i), rs);
		for (j = i;;) {
			k = s->keys[j].idx;
			s->keys[j].idx = (uint32_t)j;
			if (k == i)
				break;
			memcpy(BREC(s, j), BREC(s, k), rs);
			j = k;
		}
		memcpy(BREC(s, j), s->cur, rs);
	}
}

/* reader_fill: refill r's buffer when it is used up.  RF_OK or RF_EIO. */
static rf_status
reader_fill(rf__xsort *s, struct reader *r, rf_error *err)
{
	size_t k;
	rf_status st;

	if (r->pos < r->cnt || r->left == 0)
		return RF_OK;
	k = r->left < r->cap ? r->left : r->cap;
	if ((st = rf__spill_pread(&s->sp, r->buf, k * s->recsize, r->off,
	    err)) != RF_OK)
		return st;
	r->off += (off_t)(k * s->recsize);
	r->left -= k;
	r->pos = 0;
	r->cnt = k;
	return RF_OK;
}

/* head_of: reader i's key (its next record's; past its end, all ones,
 * done). */
static inline void
head_of(rf__xsort *s, unsigned i)
{
	const struct reader *r = &s->rd[i];
	struct kent *h = &s->head[i];

	if (r->pos >= r->cnt) {
		h->k0 = h->k1 = UINT64_MAX;
		s->done[i] = 1;
	} else
		kent_of(s, REC(s, r), h);
	h->idx = i;
}

/* before: reader a's next record before reader b's: by key, then (an
 * exhausted reader last) cmp unless the key is exact. */
static inline int
before(const rf__xsort *s, unsigned a, unsigned b)
{
	const struct kent *x = &s->head[a], *y = &s->head[b];

	if (x->k0 != y->k0)
		return x->k0 < y->k0;
	if (x->k1 != y->k1)
		return x->k1 < y->k1;
	if (s->done[a] || s->done[b])
		return !s->done[a];
	return s->cmp != NULL &&
	    s->cmp(REC(s, &s->rd[a]), REC(s, &s->rd[b])) < 0;
}

/* tree_build: the winner of node n of the loser tree (leaves at k..2k),
 * the losers stored on the way. */
static unsigned
tree_build(rf__xsort *s, unsigned n)
{
	unsigned a, b;

	if (n >= s->k)
		return n - s->k;
	a = tree_build(s, 2 * n);
	b = tree_build(s, 2 * n + 1);
	if (before(s, b, a)) {
		s->tree[n] = a;
		return b;
	}
	s->tree[n] = b;
	return a;
}

/* tree_replay: the winner's key changed: play its matches again up to
 * the root. */
static void
tree_replay(rf__xsort *s)
{
	unsigned w = s->tree[0], n, t;

	for (n = (w + s->k) / 2; n >= 1; n /= 2)
		if (before(s, s->tree[n], w)) {
			t = s->tree[n];
			s->tree[n] = w;
			w = t;
		}
	s->tree[0] = w;
}

/* merge_start: readers over runs[first..first+k), sharing mem (room for
 * per * k records), and the loser tree over them.  RF_OK or RF_EIO. */
static rf_status
merge_start(rf__xsort *s, size_t first, unsigned k, char *mem, size_t per,
	    rf_error *err)
{
	unsigned i;
	rf_status st;

	s->k = k;
	s->pending = 0;
	for (i = 0; i < k; i++) {
		struct reader *r = &s->rd[i];

		r->off = s->runs[first + i].off;
		r->left = s->runs[first + i].n;
		r->buf = mem + (size_t)i * per * s->recsize;
		r->cap = per;
		r->pos = r->cnt = 0;
		s->done[i] = 0;
		if ((st = reader_fill(s, r, err)) != RF_OK)
			return st;
		head_of(s, i);
	}
	if (k > 0)
		s->tree[0] = tree_build(s, 1);
	return RF_OK;
}

/* merge_pop: the smallest record in *rec, in its reader's buffer
 * (valid until the next call, which consumes it), or NULL when the
 * merge is over.  RF_OK or RF_EIO. */
static rf_status
merge_pop(rf__xsort *s, const char **rec, rf_error *err)
{
	struct reader *r;
	rf_status st;

	*rec = NULL;
	if (s->k == 0)
		return RF_OK;
	if (s->pending) {
		s->pending = 0;
		r = &s->rd[s->tree[0]];
		r->pos++;
		if ((st = reader_fill(s, r, err)) != RF_OK)
			return st;
		head_of(s, s->tree[0]);
		tree_replay(s);
	}
	if (s->done[s->tree[0]])
		return RF_OK;
	*rec = REC(s, &s->rd[s->tree[0]]);
	s->pending = 1;
	return RF_OK;
}

/* merge_runs: merge the k runs from runs[first] into one run at the end
 * of the file (through buf, cap records), which replaces them.  RF_OK or
 * RF_EIO. */
static rf_status
merge_runs(rf__xsort *s, size_t first, unsigned k, rf_error *err)
{
	size_t per = s->cap / (k + 1), nout = 0, total = 0, i;
	char *out = s->buf + (size_t)k * per * s->recsize;
	struct run nr;
	const char *rec;
	rf_status st;

	nr.off = s->sp.end;
	nr.level = 0;
	for (i = 0; i < k; i++) {
		total += s->runs[first + i].n;
		if (s->runs[first + i].level >= nr.level)
			nr.level = s->runs[first + i].level + 1;
	}
	nr.n = total;
	if ((st = merge_start(s, first, k, s->buf, per, err)) != RF_OK)
		return st;
	for (;;) {
		if ((st = merge_pop(s, &rec, err)) != RF_OK)
			return st;
		if (rec != NULL)
			memcpy(out + nout++ * s->recsize, rec, s->recsize);
		if (nout > 0 && (nout == per || rec == NULL)) {
			if ((st = rf__spill_append(&s->sp, out,
			    nout * s->recsize, err)) != RF_OK)
				return st;
			nout = 0;
		}
		if (rec == NULL)
			break;
	}
	memmove(&s->runs[first + 1], &s->runs[first + k],
	    (s->nruns - first - k) * sizeof(*s->runs));
	s->runs[first] = nr;
	s->nruns -= k - 1;
	s->nmerges++;
	return RF_OK;
}

/* spill: sort the full buffer and write it as a run; then merge the
 * last FANIN runs while they are of one level.  RF_OK, RF_ENOMEM or
 * RF_EIO. */
static rf_status
spill(rf__xsort *s, rf_error *err)
{
	struct run *nv;
	size_t ncap;
	rf_status st;

	if (s->sp.f == NULL &&
	    (st = rf__spill_open(&s->sp, s->open, 0, err)) != RF_OK)
		return st;
	if (s->nruns == s->runcap) {
		ncap = s->runcap ? s->runcap * 2 : 16;
		if ((nv = realloc(s->runs, ncap * sizeof(*nv))) == NULL)
			return rf_error_set(err, RF_ENOMEM, "out of memory");
		s->runs = nv;
		s->runcap = ncap;
	}
	sort_buf(s);
	permute(s);
	s->runs[s->nruns].off = s->sp.end;
	s->runs[s->nruns].n = s->n;
	s->runs[s->nruns].level = 0;
	if ((st = rf__spill_append(&s->sp, s->buf, s->n * s->recsize,
	    err)) != RF_OK)
		return st;
	s->nruns++;
	s->nwritten++;
	s->n = 0;
	while (s->nruns >= s->fanin && s->runs[s->nruns - 1].level ==
	    s->runs[s->nruns - s->fanin].level)
		if ((st = merge_runs(s, s->nruns - s->fanin, s->fanin,
		    err)) != RF_OK)
			return st;
	return RF_OK;
}

rf_status
rf__xsort_put(rf__xsort *s, const void *rec, rf_error *err)
{
	size_t ncap;
	char *nv;
	struct kent *nk;
	rf_status st;

	if (s->n == s->bufcap) {
		if (s->bufcap == s->cap) {
			if ((st = spill(s, err)) != RF_OK)
				return st;
		} else {
			ncap = s->bufcap ? s->bufcap * 2 : 16;
			if (ncap > s->cap)
				ncap = s->cap;
			if ((nv = realloc(s->buf, ncap * s->recsize)) == NULL)
				return rf_error_set(err, RF_ENOMEM,
				    "out of memory");
			s->buf = nv;
			if ((nk = realloc(s->keys, ncap * sizeof(*nk))) ==
			    NULL)
				return rf_error_set(err, RF_ENOMEM,
				    "out of memory");
			s->keys = nk;
			s->bufcap = ncap;
		}
	}
	memcpy(BREC(s, s->n), rec, s->recsize);
	kent_of(s, rec, &s->keys[s->n]);
	s->keys[s->n].idx = (uint32_t)s->n;
	s->n++;
	return RF_OK;
}

rf_status
rf__xsort_finish(rf__xsort *s, rf_error *err)
{
	rf_status st;

	if (s->nruns == 0) {
		if (s->n > 0)
			sort_buf(s);
		s->next = 0;
		return RF_OK;
	}
	if (s->n > 0 && (st = spill(s, err)) != RF_OK)
		return st;
	while (s->nruns > s->fanin)
		if ((st = merge_runs(s, s->nruns - s->fanin, s->fanin,
		    err)) != RF_OK)
			return st;
	return merge_start(s, 0, (unsigned)s->nruns, s->buf,
	    s->cap / s->nruns, err);
}

rf_status
rf__xsort_next(rf__xsort *s, const void **rec, rf_error *err)
{
	const char *r;
	rf_status st;

	*rec = NULL;
	if (s->nruns == 0) {
		if (s->next < s->n) {
			*rec = BREC(s, s->keys[s->next].idx);
			s->next++;
		}
		return RF_OK;
	}
	if ((st = merge_pop(s, &r, err)) != RF_OK)
		return st;
	*rec = r;
	return RF_OK;
}
