/*
 * cluster_sort.h - private to lib/cluster.c (and its unit test): an
 * external sort of fixed-size records and a spill file with random
 * access, both bounded in memory whatever the number of records.
 *
 * The sort keeps records in a buffer of at most `budget` bytes; when it
 * is full it is sorted and written as a run to an unlinked temporary
 * file.  Runs are merged k at a time (k-way merge through a loser
 * tree, k at most RF__XSORT_FANIN), a level at a time as they
 * accumulate, so the run list stays short; the last merge is streamed
 * to the reader.
 * Records that fit in the budget never touch the disk.
 */
#ifndef REDFLAG_CLUSTER_SORT_H
#define REDFLAG_CLUSTER_SORT_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <redflag/cluster.h>
#include <redflag/error.h>

#define RF__XSORT_FANIN 64	/* runs merged at once, at most */

/* rf__spill_open_fn: opens an anonymous read-write temporary file (the
 * default is tmpfile()); NULL with errno set on failure. */
typedef FILE *(*rf__spill_open_fn)(void);

/* rf__xsort_cmp: a total order on records (qsort-style). */
typedef int (*rf__xsort_cmp)(const void *a, const void *b);

typedef struct rf__xsort rf__xsort;

/* rf__xsort_keyfn: a 128-bit key of a record (key[0] first), monotone
 * with the sort's order: key(a) < key(b) (as a pair) implies a before
 * b.  Records with equal keys are ordered by the sort's cmp, or, when it
 * has none (an exact key), they are equal. */
typedef void (*rf__xsort_keyfn)(const void *rec, uint64_t key[2]);

/* rf__xsort_new: an empty sort of records of recsize bytes in the order
 * of key (required), then of cmp between records of equal keys; cmp
 * NULL when the key is exact (equal keys: equal records; no comparison
 * is ever made).  The runs are sorted as (key, index) pairs without
 * moving records, and the merges compare keys; it holds at most about
 * budget bytes in memory, the pairs included (raised to 3 records),
 * spilling through open.  RF_OK or RF_ENOMEM. */
rf_status rf__xsort_new(rf__xsort **out, size_t recsize, rf__xsort_keyfn key,
			rf__xsort_cmp cmp, size_t budget,
			rf__spill_open_fn open, rf_error *err);

/* rf__xsort_put: add one record (copied), before rf__xsort_finish.
 * RF_OK, RF_ENOMEM, or RF_EIO when the spill file cannot be made or
 * written. */
rf_status rf__xsort_put(rf__xsort *s, const void *rec, rf_error *err);

/* rf__xsort_finish: no more records; merge the runs down to one pass.
 * RF_OK, RF_ENOMEM or RF_EIO. */
rf_status rf__xsort_finish(rf__xsort *s, rf_error *err);

/* rf__xsort_next: after rf__xsort_finish, the next record in order in
 * *rec (valid until the next call), or NULL at the end.  RF_OK or
 * RF_EIO. */
rf_status rf__xsort_next(rf__xsort *s, const void **rec, rf_error *err);

/* rf__xsort_runs, rf__xsort_merges: runs written to the spill file and
 * merges done so far (0 when everything stayed in memory). */
size_t rf__xsort_runs(const rf__xsort *s);
size_t rf__xsort_merges(const rf__xsort *s);

/* rf__xsort_reset: empty s, at any stage (records put or not, finished
 * or not, read or not), for a new sort of the same kind: its buffers and
 * its file (truncated) are kept, its counts of runs and merges start
 * again at 0.  RF_OK, or RF_EIO when the file cannot be truncated (s is
 * then empty, its file may hold old bytes, which it never reads). */
rf_status rf__xsort_reset(rf__xsort *s, rf_error *err);

/* rf__xsort_free: release s and its file; NULL allowed. */
void rf__xsort_free(rf__xsort *s);

/* RF__SPILL_BLOCK: bytes of one block of a spill file's read cache. */
#define RF__SPILL_BLOCK 8192

/* A spill file: bytes at offsets, appended through a buffer of bufsize
 * bytes (0: unbuffered); bytes never written read as zeros.  Reads may go
 * through a direct-mapped cache of whole blocks (rf__spill_set_cache):
 * one pread per block instead of one per record.  A write that falls
 * within a cached block's bytes stays in the cache (written to the file
 * when the block is replaced); any other write goes to the file and
 * updates the cached copy. */
typedef struct rf__spill {
	FILE *f;
	int fd;
	off_t end;		/* bytes in the file (past the last write) */
	char *buf;		/* appended bytes not yet written, at end */
	size_t len, cap;
	char *cache;		/* nblk blocks of RF__SPILL_BLOCK bytes */
	off_t *tag;		/* per block: its number + 1, 0 when empty */
	size_t *clen;		/* per block: the bytes read into it */
	unsigned char *dirty;	/* per block: changed since it was read */
	size_t nblk;
} rf__spill;

/* rf__spill_open: make sp's file through open, with an append buffer of
 * bufsize bytes.  RF_OK, RF_ENOMEM or RF_EIO (sp is then closed). */
rf_status rf__spill_open(rf__spill *sp, rf__spill_open_fn open,
			 size_t bufsize, rf_error *err);

/* rf__spill_set_cache: give sp's reads a cache of bytes bytes (whole
 * blocks; less than one block: none).  RF_OK or RF_ENOMEM. */
rf_status rf__spill_set_cache(rf__spill *sp, size_t bytes, rf_error *err);

/* rf__spill_append: n bytes at the end.  RF_OK or RF_EIO. */
rf_status rf__spill_append(rf__spill *sp, const void *p, size_t n,
			   rf_error *err);

/* rf__spill_flush: write the append buffer.  RF_OK or RF_EIO. */
rf_status rf__spill_flush(rf__spill *sp, rf_error *err);

/* rf__spill_pwrite: n bytes at off (the append buffer flushed first
 * when it holds bytes).  RF_OK or RF_EIO. */
rf_status rf__spill_pwrite(rf__spill *sp, const void *p, size_t n, off_t off,
			   rf_error *err);

/* rf__spill_pread: n bytes at off, including those still in the append
 * buffer; zeros past the end.  RF_OK or RF_EIO. */
rf_status rf__spill_pread(rf__spill *sp, void *p, size_t n, off_t off,
			  rf_error *err);

/* rf__spill_view: the n bytes at off, as rf__spill_pread reads them: in
 * place in sp's block cache when they lie within one block below the
 * end of the file (the block read in first when it is not there), else
 * copied into buf (n bytes) by rf__spill_pread.  The pointer is valid
 * until the next call on sp or on buf; in the cache it is aligned as
 * off is within its block (blocks are malloc-aligned).  On an error
 * (RF_EIO in err) buf, zeroed. */
const void *rf__spill_view(rf__spill *sp, size_t n, off_t off, void *buf,
			   rf_error *err);

/* rf__spill_close: release sp (its file is deleted); a zeroed or closed
 * sp allowed. */
void rf__spill_close(rf__spill *sp);

/* rf__cluster_set_spill: make cl open its spill files through open
 * instead of tmpfile() (for tests of the error paths); before
 * rf_cluster_add. */
void rf__cluster_set_spill(rf_cluster *cl, rf__spill_open_fn open);

#endif
