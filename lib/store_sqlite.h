/*
 * store_sqlite.h - private to the SQLite campaign store: its statements,
 * its state, and the hot table (lib/store_sqlite_hot.c) that
 * lib/store_sqlite.c keeps inside rf_store_begin ... rf_store_commit.
 */
#ifndef REDFLAG_STORE_SQLITE_H
#define REDFLAG_STORE_SQLITE_H

#include <sqlite3.h>

#include "internal.h"

/* the prepared statements, by index into struct sq's st[] */
enum {
	S_BEGIN, S_BEGIN_READ, S_COMMIT, S_ROLLBACK, S_SAVE, S_RELEASE, S_UNDO,
	S_CAND, S_INS_CAMP, S_ID_BY_CID, S_INS_BAND, S_GET_ROW, S_UPD,
	S_GET_HLL, S_PUT_HLL, S_INS_SAMPLE, S_GET_BY_CID, S_LIST,
	S_COMPLAINT, S_SAMPLES, S_PUT_ROW, S_SET_HLL, S_DATA_VERSION,
	S_COUNT_BELOW, S_COMPLAINER, S__COUNT
};

/*
 * Inside rf_store_begin ... rf_store_commit this process holds the write
 * lock, so the rows it reads stay as it left them: the campaigns counted
 * in the group are kept here (the "hot" table) and written back when the
 * group commits, when the table is full, or before a listing.  Samples,
 * complaints and new campaigns are written at once.  After the commit the
 * entries stay, equal to the file, and serve the next group and lookups
 * for as long as PRAGMA data_version shows that no other connection
 * wrote; a write of this connection outside a group forgets them.
 */
#define HOT_SLOTS 2048
#define HOT_MAX 1024		/* entries before a write-back */

struct hot {
	uint64_t num;		/* the campaign id as a number */
	int64_t key;		/* row id; 0: free slot */
	char cid[RF_CAMPAIGN_ID_LEN + 1];
	int64_t copies, size, complaints, first, last, samples, sbytes;
	char *subject;		/* NULL: none yet */
	size_t subjectlen;
	rf_hll *hll;		/* NULL: nothing counted, no row */
	int hll_row;		/* the hll table has its row */
	int dirty, hll_dirty;
};

struct sq {
	sqlite3 *db;
	sqlite3_stmt *st[S__COUNT];
	int in_tx;			/* rf_store_begin is open */
	int failed;			/* an add failed: the group was undone */
	int op_wrote;			/* this add wrote to the file */
	rf_hll hll;			/* scratch for update */
	struct hot *hot;		/* HOT_SLOTS, while in_tx */
	struct hot **order;		/* HOT_SLOTS, for write-back */
	unsigned nhot;
	int64_t data_version;		/* when the hot table was last valid */
};

/* rf__sq_db_error: err set to RF_ESTORE with what and SQLite's message. */
rf_status rf__sq_db_error(struct sq *q, rf_error *err, const char *what);

/* rf__sq_stmt: statement i, reset and unbound, ready for binding. */
sqlite3_stmt *rf__sq_stmt(struct sq *q, int i);

/* rf__sq_run: step statement i, which returns no rows, and reset it. */
rf_status rf__sq_run(struct sq *q, int i, rf_error *err);

/* rf__sq_add_sample: the sample of copy c (c->sample, NULL: none) stored
 * as sample number samples of campaign key when it fits o (fewer than
 * max_samples stored, bytes + its length within max_sample_bytes):
 * *added 1 when it was written, 0 when it does not fit (RF_OK). */
rf_status rf__sq_add_sample(struct sq *q, const struct rf__copy *c,
			    int64_t key, int64_t samples, int64_t bytes,
			    const rf_store_options *o, int *added,
			    rf_error *err);

/* rf__sq_get_row: S_GET_ROW stepped onto campaign (id, key), for the
 * caller to read and reset; RF_ENOTFOUND when the row is gone. */
rf_status rf__sq_get_row(struct sq *q, const char *id, int64_t key,
			 sqlite3_stmt **out, rf_error *err);

/* rf__sq_id_num: a campaign id (hex) as a number, the hot table's key. */
uint64_t rf__sq_id_num(const char *id);

/* rf__sq_hot_clear: forget the hot table (after a commit or a rollback). */
void rf__sq_hot_clear(struct sq *q);

/* rf__sq_hot_valid: keep the hot table only when no other connection
 * wrote since data_version was taken. */
rf_status rf__sq_hot_valid(struct sq *q, rf_error *err);

/* rf__sq_hot_find: the entry of campaign num, or the free slot where it
 * goes. */
struct hot *rf__sq_hot_find(struct sq *q, uint64_t num);

/* rf__sq_hot_flush: write every changed entry back to the file. */
rf_status rf__sq_hot_flush(struct sq *q, rf_error *err);

/* rf__sq_hot_out: entry h as a campaign. */
void rf__sq_hot_out(const struct hot *h, rf_campaign *out);

/* rf__sq_hot_update: count copy c in campaign (id, key) inside a group:
 * only the sample is written now.  Nothing changes when it fails. */
rf_status rf__sq_hot_update(struct sq *q, const struct rf__copy *c,
			    const char *id, int64_t key,
			    const rf_store_options *o, rf_campaign *out,
			    rf_error *err);

/* rf__sq_hot_new: a campaign just created inside a group (nothing counted
 * yet). */
rf_status rf__sq_hot_new(struct sq *q, const struct rf__copy *c, int64_t key,
			 rf_error *err);

#endif
