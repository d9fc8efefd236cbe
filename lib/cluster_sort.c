/*
 * cluster_sort.c - external sort and spill files for lib/cluster.c
 * (lib/cluster_sort.h).
 *
 * The sort fills a buffer of cap records; a full buffer is sorted
 * (qsort) and written as a run of level 0.  Whenever the last FANIN
 * runs have the same level L they are merged into one run of level
 * L + 1 (the buffer, just emptied, serves as the merge's input and
 * output buffers), so there are at most (FANIN - 1) runs per level.
 * rf__xsort_finish merges down to at most FANIN runs, and
 * rf__xsort_next streams the last merge.  The space of merged runs is
 * not reused: the file holds each record once per level.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "cluster_sort.h"

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
	rf__xsort_cmp cmp;
	rf__spill_open_fn open;
	size_t cap;		/* records the budget holds (>= 3) */
	unsigned fanin;
	char *buf;		/* cap records once grown */
	size_t n, bufcap;	/* records in buf, room in buf */
	rf__spill sp;		/* runs; sp.f NULL until the first */
	struct run *runs;
	size_t nruns, runcap;
	size_t nwritten, nmerges;
	int finished;
	/* the final merge (when runs were written) */
	struct reader rd[RF__XSORT_FANIN];
	unsigned heap[RF__XSORT_FANIN];
	unsigned nheap;
	char *cur;		/* the record last returned */
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

void
rf__spill_close(rf__spill *sp)
{
	if (sp->f != NULL)
		fclose(sp->f);
	free(sp->buf);
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

	if ((st = rf__spill_flush(sp, err)) != RF_OK ||
	    (st = write_at(sp->fd, p, n, off, err)) != RF_OK)
		return st;
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
		if ((st = read_at(sp->fd, c, k, off, err)) != RF_OK)
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

rf_status
rf__xsort_new(rf__xsort **out, size_t recsize, rf__xsort_cmp cmp,
	      size_t budget, rf__spill_open_fn open, rf_error *err)
{
	rf__xsort *s;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->cur = malloc(recsize)) == NULL) {
		free(s);
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	s->recsize = recsize;
	s->cmp = cmp;
	s->open = open;
	s->cap = budget / recsize < 3 ? 3 : budget / recsize;
	s->fanin = s->cap - 1 < RF__XSORT_FANIN ? (unsigned)(s->cap - 1) :
	    RF__XSORT_FANIN;
	s->sp.fd = -1;
	*out = s;
	return RF_OK;
}

void
rf__xsort_free(rf__xsort *s)
{
	if (s == NULL)
		return;
	free(s->buf);
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

static int
heap_less(const rf__xsort *s, unsigned a, unsigned b)
{
	return s->cmp(REC(s, &s->rd[a]), REC(s, &s->rd[b])) < 0;
}

static void
heap_down(rf__xsort *s, unsigned i)
{
	unsigned c, t;

	for (;;) {
		c = 2 * i + 1;
		if (c >= s->nheap)
			return;
		if (c + 1 < s->nheap && heap_less(s, s->heap[c + 1],
		    s->heap[c]))
			c++;
		if (!heap_less(s, s->heap[c], s->heap[i]))
			return;
		t = s->heap[c];
		s->heap[c] = s->heap[i];
		s->heap[i] = t;
		i = c;
	}
}

/* merge_start: readers over runs[first..first+k), sharing mem (room for
 * per * k records), and the heap over them.  RF_OK or RF_EIO. */
static rf_status
merge_start(rf__xsort *s, size_t first, unsigned k, char *mem, size_t per,
	    rf_error *err)
{
	unsigned i;
	rf_status st;

	s->nheap = 0;
	for (i = 0; i < k; i++) {
		struct reader *r = &s->rd[i];

		r->off = s->runs[first + i].off;
		r->left = s->runs[first + i].n;
		r->buf = mem + (size_t)i * per * s->recsize;
		r->cap = per;
		r->pos = r->cnt = 0;
		if ((st = reader_fill(s, r, err)) != RF_OK)
			return st;
		if (r->pos < r->cnt)
			s->heap[s->nheap++] = i;
	}
	for (i = s->nheap / 2; i-- > 0;)
		heap_down(s, i);
	return RF_OK;
}

/* merge_pop: copy the smallest record to s->cur; *more = 0 when the
 * merge is over.  RF_OK or RF_EIO. */
static rf_status
merge_pop(rf__xsort *s, int *more, rf_error *err)
{
	struct reader *r;
	rf_status st;

	if (s->nheap == 0) {
		*more = 0;
		return RF_OK;
	}
	*more = 1;
	r = &s->rd[s->heap[0]];
	memcpy(s->cur, REC(s, r), s->recsize);
	r->pos++;
	if ((st = reader_fill(s, r, err)) != RF_OK)
		return st;
	if (r->pos >= r->cnt)
		s->heap[0] = s->heap[--s->nheap];
	heap_down(s, 0);
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
	int more;
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
		if ((st = merge_pop(s, &more, err)) != RF_OK)
			return st;
		if (more)
			memcpy(out + nout++ * s->recsize, s->cur, s->recsize);
		if (nout > 0 && (nout == per || !more)) {
			if ((st = rf__spill_append(&s->sp, out,
			    nout * s->recsize, err)) != RF_OK)
				return st;
			nout = 0;
		}
		if (!more)
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
	qsort(s->buf, s->n, s->recsize, s->cmp);
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
			s->bufcap = ncap;
		}
	}
	memcpy(s->buf + s->n * s->recsize, rec, s->recsize);
	s->n++;
	return RF_OK;
}

rf_status
rf__xsort_finish(rf__xsort *s, rf_error *err)
{
	rf_status st;

	s->finished = 1;
	if (s->nruns == 0) {
		if (s->n > 0)
			qsort(s->buf, s->n, s->recsize, s->cmp);
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
	int more;
	rf_status st;

	*rec = NULL;
	if (s->nruns == 0) {
		if (s->next < s->n)
			*rec = s->buf + s->next++ * s->recsize;
		return RF_OK;
	}
	if ((st = merge_pop(s, &more, err)) != RF_OK)
		return st;
	if (more)
		*rec = s->cur;
	return RF_OK;
}
