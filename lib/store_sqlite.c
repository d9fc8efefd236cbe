/*
 * store_sqlite.c - the campaign store in one SQLite file: WAL,
 * synchronous=NORMAL (FULL on request), prepared statements kept in the
 * store, bound parameters only.  Schema (version RF_STORE_SCHEMA_VERSION
 * in PRAGMA user_version; versions 1 and 2 brought to it by a writable
 * open) in docs/store.md.
 */
#include <stdlib.h>
#include <string.h>

#include "store_sqlite.h"
#include "store_lib.h"

/* S_INS_BAND names one parameter per band */
_Static_assert(RF_FP_BANDS == 16, "S_INS_BAND has 16 rows");

/* a complaint counts once per recipient (rf_store_rcpt_id) and campaign */
#define COMPLAINER "CREATE TABLE IF NOT EXISTS complainer (" \
	" campaign INTEGER NOT NULL," \
	" rcpt TEXT NOT NULL," \
	" PRIMARY KEY (campaign, rcpt)) WITHOUT ROWID"

static const char *const schema[] = {
	"CREATE TABLE IF NOT EXISTS campaign ("
	" id INTEGER PRIMARY KEY,"
	" cid TEXT NOT NULL UNIQUE,"
	" fp BLOB NOT NULL,"
	" copies INTEGER NOT NULL DEFAULT 0,"
	" size INTEGER NOT NULL DEFAULT 0,"
	" complaints INTEGER NOT NULL DEFAULT 0,"
	" first_seen INTEGER NOT NULL,"
	" last_seen INTEGER NOT NULL,"
	" subject BLOB,"
	" samples INTEGER NOT NULL DEFAULT 0,"
	" sample_bytes INTEGER NOT NULL DEFAULT 0)",
	"CREATE TABLE IF NOT EXISTS band ("
	" key INTEGER NOT NULL,"
	" campaign INTEGER NOT NULL,"
	" PRIMARY KEY (key, campaign)) WITHOUT ROWID",
	"CREATE TABLE IF NOT EXISTS hll ("
	" campaign INTEGER PRIMARY KEY,"
	" regs BLOB NOT NULL)",
	"CREATE TABLE IF NOT EXISTS sample ("
	" campaign INTEGER NOT NULL,"
	" seq INTEGER NOT NULL,"
	" links BLOB NOT NULL,"
	" PRIMARY KEY (campaign, seq)) WITHOUT ROWID",
	COMPLAINER,
	"PRAGMA user_version = 3",
};

/* from version 1: the index on size cost every counted copy an index
 * update; listing sorts instead */
static const char *const migrate_1[] = {
	"DROP INDEX IF EXISTS campaign_size",
	"PRAGMA user_version = 2",
};

/* from version 2: the recipients whose complaint a campaign counted */
static const char *const migrate_2[] = {
	COMPLAINER,
	"PRAGMA user_version = 3",
};

#define ROW "cid, copies, size, complaints, first_seen, last_seen, subject"


static const char *const sql[S__COUNT] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_BEGIN_READ] = "BEGIN",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_SAVE] = "SAVEPOINT rf_add",
	[S_RELEASE] = "RELEASE rf_add",
	[S_UNDO] = "ROLLBACK TO rf_add",
	/* one band at a time: an IN list costs more (measured) */
	[S_CAND] = "SELECT c.id, c.cid, c.fp FROM band b"
	    " JOIN campaign c ON c.id = b.campaign"
	    " WHERE b.key = ?1 LIMIT ?2",
	[S_INS_CAMP] = "INSERT INTO campaign (cid, fp, first_seen, last_seen)"
	    " VALUES (?1, ?2, ?3, ?3) ON CONFLICT (cid) DO NOTHING",
	[S_ID_BY_CID] = "SELECT id FROM campaign WHERE cid = ?1",
	[S_INS_BAND] = "INSERT OR IGNORE INTO band (key, campaign)"
	    " VALUES (?1, ?17), (?2, ?17), (?3, ?17), (?4, ?17), (?5, ?17),"
	    " (?6, ?17), (?7, ?17), (?8, ?17), (?9, ?17), (?10, ?17),"
	    " (?11, ?17), (?12, ?17), (?13, ?17), (?14, ?17), (?15, ?17),"
	    " (?16, ?17)",
	[S_GET_ROW] = "SELECT " ROW ", samples, sample_bytes FROM campaign"
	    " WHERE id = ?1",
	[S_UPD] = "UPDATE campaign SET copies = copies + 1, size = ?2,"
	    " first_seen = min(first_seen, ?3), last_seen = max(last_seen, ?3),"
	    " subject = coalesce(subject, ?4), samples = samples + ?5,"
	    " sample_bytes = sample_bytes + ?6 WHERE id = ?1",
	[S_GET_HLL] = "SELECT regs FROM hll WHERE campaign = ?1",
	[S_PUT_HLL] = "INSERT OR REPLACE INTO hll (campaign, regs)"
	    " VALUES (?1, ?2)",
	[S_INS_SAMPLE] = "INSERT OR IGNORE INTO sample (campaign, seq, links)"
	    " VALUES (?1, ?2, ?3)",
	[S_GET_BY_CID] = "SELECT " ROW " FROM campaign WHERE cid = ?1",
	[S_LIST] = "SELECT " ROW " FROM campaign"
	    " ORDER BY size DESC, copies DESC, id LIMIT ?1",
	[S_COMPLAINT] = "UPDATE campaign SET complaints = complaints + ?2"
	    " WHERE cid = ?1",
	[S_SAMPLES] = "SELECT s.links FROM campaign c"
	    " JOIN sample s ON s.campaign = c.id WHERE c.cid = ?1"
	    " ORDER BY s.seq",
	[S_PUT_ROW] = "UPDATE campaign SET copies = ?2, size = ?3,"
	    " first_seen = ?4, last_seen = ?5, subject = ?6, samples = ?7,"
	    " sample_bytes = ?8 WHERE id = ?1",
	[S_SET_HLL] = "UPDATE hll SET regs = ?2 WHERE campaign = ?1",
	[S_DATA_VERSION] = "PRAGMA data_version",
	[S_COUNT_BELOW] = "SELECT count(*) FROM campaign WHERE size < ?1",
	[S_COMPLAINER] = "INSERT OR IGNORE INTO complainer (campaign, rcpt)"
	    " SELECT id, ?2 FROM campaign WHERE cid = ?1",
};

rf_status
rf__sq_db_error(struct sq *q, rf_error *err, const char *what)
{
	return rf__sqlite_error(err, q->db, "sqlite: %s", what);
}

/* rf__sq_stmt: statement i, reset and unbound, ready for binding. */
sqlite3_stmt *
rf__sq_stmt(struct sq *q, int i)
{
	sqlite3_reset(q->st[i]);
	sqlite3_clear_bindings(q->st[i]);
	return q->st[i];
}

/* rf__sq_run: step a statement that returns no rows. */
rf_status
rf__sq_run(struct sq *q, int i, rf_error *err)
{
	int rc = sqlite3_step(q->st[i]);

	sqlite3_reset(q->st[i]);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return rf__sq_db_error(q, err, sql[i]);
	return RF_OK;
}

/* rf__sq_add_sample: see store_sqlite.h. */
rf_status
rf__sq_add_sample(struct sq *q, const struct rf__copy *c, int64_t key,
		  int64_t samples, int64_t bytes, const rf_store_options *o,
		  int *added, rf_error *err)
{
	sqlite3_stmt *s;
	rf_status st;

	*added = 0;
	if (c->sample == NULL || samples >= (int64_t)o->max_samples ||
	    (uint64_t)bytes + c->samplelen > o->max_sample_bytes)
		return RF_OK;
	s = rf__sq_stmt(q, S_INS_SAMPLE);
	sqlite3_bind_int64(s, 1, key);
	sqlite3_bind_int64(s, 2, samples);
	sqlite3_bind_blob(s, 3, c->sample, (int)c->samplelen, SQLITE_STATIC);
	if ((st = rf__sq_run(q, S_INS_SAMPLE, err)) != RF_OK)
		return st;
	*added = 1;
	return RF_OK;
}

/* check_schema: verify (and unless read_only, create) the schema. */
static rf_status
check_schema(struct sq *q, int read_only, rf_error *err)
{
	sqlite3_stmt *v = NULL;
	rf_status st = RF_OK;
	int version, tables;
	size_t i;

	if (sqlite3_exec(q->db, read_only ? "BEGIN" : "BEGIN IMMEDIATE", NULL,
	    NULL, NULL) != SQLITE_OK)
		return rf__sq_db_error(q, err, "cannot lock the store");
	if (sqlite3_prepare_v2(q->db, "SELECT (SELECT user_version FROM"
	    " pragma_user_version), (SELECT count(*) FROM sqlite_schema)", -1,
	    &v, NULL) != SQLITE_OK || sqlite3_step(v) != SQLITE_ROW) {
		st = rf__sq_db_error(q, err, "cannot read the schema version");
		goto done;
	}
	version = sqlite3_column_int(v, 0);
	tables = sqlite3_column_int(v, 1);
	sqlite3_finalize(v);	/* DDL waits for no running statement */
	v = NULL;
	if (version > RF_STORE_SCHEMA_VERSION) {
		st = rf_error_set(err, RF_ESTORE, "sqlite: store schema %d is "
		    "newer than this redflag's (%d)", version,
		    RF_STORE_SCHEMA_VERSION);
		goto done;
	}
	if (version == 0 && (tables > 0 || read_only)) {
		st = rf_error_set(err, RF_ESTORE,
		    "sqlite: the file is not a redflag campaign store");
		goto done;
	}
	for (i = 0; version == 0 && i < sizeof(schema) / sizeof(*schema); i++)
		if (sqlite3_exec(q->db, schema[i], NULL, NULL, NULL) !=
		    SQLITE_OK) {
			st = rf__sq_db_error(q, err, "cannot create the schema");
			goto done;
		}
	/* version 1, then 2, brought to this one step by step, in this
	 * transaction; a read-only open reads an older one as it is */
	for (i = 0; version == 1 && !read_only &&
	    i < sizeof(migrate_1) / sizeof(*migrate_1); i++)
		if (sqlite3_exec(q->db, migrate_1[i], NULL, NULL, NULL) !=
		    SQLITE_OK)
			goto update_failed;
	for (i = 0; (version == 1 || version == 2) && !read_only &&
	    i < sizeof(migrate_2) / sizeof(*migrate_2); i++)
		if (sqlite3_exec(q->db, migrate_2[i], NULL, NULL, NULL) !=
		    SQLITE_OK)
			goto update_failed;
	goto done;
update_failed:
	st = rf__sq_db_error(q, err, "cannot update the schema");
done:
	sqlite3_finalize(v);
	if (sqlite3_exec(q->db, st == RF_OK ? "COMMIT" : "ROLLBACK", NULL,
	    NULL, NULL) != SQLITE_OK && st == RF_OK)
		st = rf__sq_db_error(q, err, "cannot create the schema");
	return st;
}

static void
sq_close(void *be)
{
	struct sq *q = be;
	int i;

	if (q == NULL)
		return;
	if (q->in_tx && !sqlite3_get_autocommit(q->db))
		sqlite3_step(rf__sq_stmt(q, S_ROLLBACK));
	rf__sq_hot_clear(q);
	free(q->hot);
	free(q->order);
	for (i = 0; i < S__COUNT; i++)
		sqlite3_finalize(q->st[i]);
	rf__sqlite_close(q->db);
	free(q);
}

static rf_status
sq_begin_op(void *be, int write, rf_error *err)
{
	struct sq *q = be;

	if (q->in_tx) {		/* one transaction for the group */
		q->op_wrote = 0;
		if (q->failed)
			return rf_error_set(err, RF_ESTORE, "store: an add of "
			    "this group failed and the group was undone");
		return RF_OK;
	}
	if (write)
		rf__sq_hot_clear(q);
	return rf__sq_run(q, write ? S_BEGIN : S_BEGIN_READ, err);
}

/* group_fail: undo the whole group after an add that wrote failed. */
static void
group_fail(struct sq *q)
{
	if (!sqlite3_get_autocommit(q->db))
		rf__sq_run(q, S_ROLLBACK, NULL);
	rf__sq_hot_clear(q);
	q->failed = 1;
}

static rf_status
sq_end_op(void *be, int ok, rf_error *err)
{
	struct sq *q = be;
	rf_status st;

	if (q->in_tx) {
		/* an add that failed before writing changed nothing; one
		 * that wrote, or whose failure ended the transaction,
		 * takes the group with it */
		if (!ok && !q->failed && (q->op_wrote ||
		    sqlite3_get_autocommit(q->db)))
			group_fail(q);
		return RF_OK;
	}
	if (ok && (st = rf__sq_run(q, S_COMMIT, err)) == RF_OK)
		return RF_OK;
	rf__sq_run(q, S_ROLLBACK, NULL);
	return ok ? RF_ESTORE : RF_OK;
}

static rf_status
sq_candidates(void *be, const uint64_t *band, unsigned max, rf__cand_cb cb,
	      void *arg, int *cut, rf_error *err)
{
	struct sq *q = be;
	sqlite3_stmt *s = NULL;
	int64_t *seen, id;
	unsigned i, n = 0, j;
	rf_status st = RF_OK;
	int rc = SQLITE_DONE, stop = 0;

	if ((seen = calloc((size_t)max + 1, sizeof(*seen))) == NULL)
		return rf_error_set(err, RF_ENOMEM, "store: out of memory");
	for (i = 0; i < RF_FP_BANDS && !stop; i++) {
		s = rf__sq_stmt(q, S_CAND);
		sqlite3_bind_int64(s, 1, (sqlite3_int64)band[i]);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)max + 1);
		while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
			id = sqlite3_column_int64(s, 0);
			for (j = 0; j < n && seen[j] != id; j++)
				;
			if (j < n)
				continue;
			if (n == max) {
				*cut = 1;
				stop = 1;
				break;
			}
			seen[n++] = id;
			if (sqlite3_column_bytes(s, 1) != RF_CAMPAIGN_ID_LEN)
				continue;
			stop = cb((const char *)sqlite3_column_text(s, 1), id,
			    sqlite3_column_blob(s, 2),
			    (size_t)sqlite3_column_bytes(s, 2), arg);
		}
		sqlite3_reset(s);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			st = rf__sq_db_error(q, err, "finding candidates");
			break;
		}
	}
	free(seen);
	return st;
}

static rf_status
sq_create(void *be, const struct rf__copy *c, int check, char *const *seen,
	  size_t nseen, int64_t *key, int *created, rf_error *err)
{
	struct sq *q = be;
	sqlite3_stmt *s;
	rf_status st;
	unsigned i;

	s = rf__sq_stmt(q, S_INS_CAMP);
	sqlite3_bind_text(s, 1, c->id, RF_CAMPAIGN_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, c->fp, sizeof(c->fp), SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, c->now);
	q->op_wrote = 1;
	if ((st = rf__sq_run(q, S_INS_CAMP, err)) != RF_OK)
		return st;
	*created = sqlite3_changes(q->db) > 0;
	if (*created) {
		*key = sqlite3_last_insert_rowid(q->db);
		goto bands;
	}
	s = rf__sq_stmt(q, S_ID_BY_CID);
	sqlite3_bind_text(s, 1, c->id, RF_CAMPAIGN_ID_LEN, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_ROW) {
		st = rf__sq_db_error(q, err, "reading a new campaign");
		sqlite3_reset(s);
		return st;
	}
	*key = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
bands:
	if (*created) {
		s = rf__sq_stmt(q, S_INS_BAND);
		for (i = 0; i < RF_FP_BANDS; i++)
			sqlite3_bind_int64(s, (int)i + 1,
			    (sqlite3_int64)c->band[i]);
		sqlite3_bind_int64(s, RF_FP_BANDS + 1, *key);
		if ((st = rf__sq_run(q, S_INS_BAND, err)) != RF_OK)
			return st;
	}
	if (*created && q->in_tx)
		return rf__sq_hot_new(q, c, *key, err);
	return RF_OK;
}

/* row: an rf_campaign from the columns of ROW. */
static void
row(sqlite3_stmt *s, rf_campaign *out)
{
	const char *cid = (const char *)sqlite3_column_text(s, 0);

	snprintf(out->id, sizeof(out->id), "%s", cid != NULL ? cid : "");
	out->copies = (uint64_t)sqlite3_column_int64(s, 1);
	out->size = (uint64_t)sqlite3_column_int64(s, 2);
	out->complaints = (uint64_t)sqlite3_column_int64(s, 3);
	out->first_seen = sqlite3_column_int64(s, 4);
	out->last_seen = sqlite3_column_int64(s, 5);
	rf__campaign_subject(out, sqlite3_column_blob(s, 6),
	    (size_t)sqlite3_column_bytes(s, 6));
}

/* count_rcpt: add c's recipients to campaign key's HLL; *size the new
 * estimate when it changed, else left alone. */
static rf_status
count_rcpt(struct sq *q, const struct rf__copy *c, int64_t key,
	   uint64_t *size, rf_error *err)
{
	sqlite3_stmt *s = rf__sq_stmt(q, S_GET_HLL);
	const void *blob;
	rf_status st = RF_OK;
	size_t len, i;
	int rc, changed = 0;

	sqlite3_bind_int64(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		st = rf_hll_load(&q->hll, sqlite3_column_blob(s, 0),
		    (size_t)sqlite3_column_bytes(s, 0), err);
	else if (rc == SQLITE_DONE)
		rf_hll_init(&q->hll);
	else
		st = rf__sq_db_error(q, err, "reading recipients");
	sqlite3_reset(s);
	if (st != RF_OK) {
		if (st == RF_EPARSE)	/* a damaged blob: start over */
			rf_hll_init(&q->hll);
		else
			return st;
	}
	for (i = 0; i < c->nrcpt; i++)
		changed |= rf_hll_add_hash(&q->hll, c->rcpt_hash[i]);
	if (!changed)
		return RF_OK;
	blob = rf_hll_blob(&q->hll, &len);
	s = rf__sq_stmt(q, S_PUT_HLL);
	sqlite3_bind_int64(s, 1, key);
	sqlite3_bind_blob(s, 2, blob, (int)len, SQLITE_STATIC);
	if ((st = rf__sq_run(q, S_PUT_HLL, err)) != RF_OK)
		return st;
	*size = rf_hll_count(&q->hll);
	return RF_OK;
}

/* rf__sq_get_row: S_GET_ROW stepped onto campaign (id, key), for the caller to
 * read and reset; RF_ENOTFOUND when the row is gone. */
rf_status
rf__sq_get_row(struct sq *q, const char *id, int64_t key, sqlite3_stmt **out,
	rf_error *err)
{
	sqlite3_stmt *s = rf__sq_stmt(q, S_GET_ROW);
	int rc;

	sqlite3_bind_int64(s, 1, key);
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		sqlite3_reset(s);
		if (rc == SQLITE_DONE)
			return rf_error_set(err, RF_ENOTFOUND,
			    "campaign %s is gone", id);
		return rf__sq_db_error(q, err, "reading a campaign");
	}
	*out = s;
	return RF_OK;
}

static rf_status
sq_update(void *be, const struct rf__copy *c, const char *id, int64_t key,
	  const rf_store_options *o, rf_campaign *out, rf_error *err)
{
	struct sq *q = be;
	sqlite3_stmt *s;
	int64_t samples, sample_bytes;
	int add_sample;
	rf_status st;

	if (q->in_tx)
		return rf__sq_hot_update(q, c, id, key, o, out, err);
	if ((st = rf__sq_get_row(q, id, key, &s, err)) != RF_OK)
		return st;
	row(s, out);
	samples = sqlite3_column_int64(s, 7);
	sample_bytes = sqlite3_column_int64(s, 8);
	sqlite3_reset(s);
	if ((st = rf__sq_add_sample(q, c, key, samples, sample_bytes, o,
	    &add_sample, err)) != RF_OK)
		return st;
	if (c->nrcpt > 0 &&
	    (st = count_rcpt(q, c, key, &out->size, err)) != RF_OK)
		return st;
	s = rf__sq_stmt(q, S_UPD);
	sqlite3_bind_int64(s, 1, key);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)out->size);
	sqlite3_bind_int64(s, 3, c->now);
	if (c->subject != NULL)
		sqlite3_bind_blob(s, 4, c->subject, (int)c->subjectlen,
		    SQLITE_STATIC);
	sqlite3_bind_int(s, 5, add_sample);
	sqlite3_bind_int64(s, 6, add_sample ? (int64_t)c->samplelen : 0);
	if ((st = rf__sq_run(q, S_UPD, err)) != RF_OK)
		return st;
	out->copies++;
	if (c->now < out->first_seen)
		out->first_seen = c->now;
	if (c->now > out->last_seen)
		out->last_seen = c->now;
	if (out->subject[0] == '\0' && c->subject != NULL)
		rf__campaign_subject(out, c->subject, c->subjectlen);
	return RF_OK;
}

static rf_status
sq_get(void *be, const char *id, rf_campaign *out, rf_error *err)
{
	struct sq *q = be;
	sqlite3_stmt *s;
	struct hot *h;
	rf_status st = RF_OK;
	int rc;

	if (q->nhot > 0 && !q->in_tx && rf__sq_hot_valid(q, NULL) != RF_OK)
		rf__sq_hot_clear(q);
	if (q->nhot > 0 && (h = rf__sq_hot_find(q, rf__sq_id_num(id)))->key != 0) {
		rf__sq_hot_out(h, out);
		return RF_OK;
	}
	s = rf__sq_stmt(q, S_GET_BY_CID);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		row(s, out);
	else if (rc == SQLITE_DONE)
		st = rf_error_set(err, RF_ENOTFOUND, "no campaign %s", id);
	else
		st = rf__sq_db_error(q, err, "reading a campaign");
	sqlite3_reset(s);
	return st;
}

static rf_status
sq_list(void *be, size_t limit, rf_campaign_list_cb cb, void *arg,
	rf_error *err)
{
	struct sq *q = be;
	sqlite3_stmt *s;
	rf_campaign c;
	rf_status st;
	int rc;

	if (q->nhot > 0 && (st = rf__sq_hot_flush(q, err)) != RF_OK)
		return st;
	s = rf__sq_stmt(q, S_LIST);
	sqlite3_bind_int64(s, 1, limit == 0 || limit > INT64_MAX ? -1 :
	    (sqlite3_int64)limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&c, 0, sizeof(c));
		row(s, &c);
		if (cb(&c, arg))
			break;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rf__sq_db_error(q, err, "listing campaigns");
	return RF_OK;
}

static rf_status
sq_count_below(void *be, uint64_t size, uint64_t *n, rf_error *err)
{
	struct sq *q = be;
	sqlite3_stmt *s;
	rf_status st;
	int rc;

	if (q->nhot > 0 && (st = rf__sq_hot_flush(q, err)) != RF_OK)
		return st;
	s = rf__sq_stmt(q, S_COUNT_BELOW);
	sqlite3_bind_int64(s, 1, size > INT64_MAX ? INT64_MAX :
	    (sqlite3_int64)size);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*n = (uint64_t)sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return rf__sq_db_error(q, err, "counting campaigns");
	return RF_OK;
}

/* complain: add n complaints to campaign id, with rcpt_id only when the
 * complainer table gains (campaign, rcpt_id): *counted. */
static rf_status
complain(struct sq *q, const char *id, uint64_t n, const char *rcpt_id,
	 int *counted, rf_error *err)
{
	sqlite3_stmt *s;
	rf_status st;

	if (rcpt_id != NULL) {
		s = rf__sq_stmt(q, S_COMPLAINER);
		sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, rcpt_id, -1, SQLITE_STATIC);
		if ((st = rf__sq_run(q, S_COMPLAINER, err)) != RF_OK)
			return st;
		if (sqlite3_changes(q->db) == 0) {
			/* counted before, or no such campaign */
			s = rf__sq_stmt(q, S_ID_BY_CID);
			sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
			st = sqlite3_step(s) == SQLITE_ROW ? RF_OK :
			    rf_error_set(err, RF_ENOTFOUND, "no campaign %s",
			    id);
			sqlite3_reset(s);
			return st;
		}
	}
	s = rf__sq_stmt(q, S_COMPLAINT);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)n);
	if ((st = rf__sq_run(q, S_COMPLAINT, err)) != RF_OK)
		return st;
	if (sqlite3_changes(q->db) == 0)
		return rf_error_set(err, RF_ENOTFOUND, "no campaign %s", id);
	*counted = 1;
	return RF_OK;
}

static rf_status
sq_complaint(void *be, const char *id, uint64_t n, const char *rcpt_id,
	     int *counted, rf_error *err)
{
	struct sq *q = be;
	struct hot *h;
	rf_status st;
	int dummy, tx = rcpt_id != NULL && !q->in_tx;

	if (counted == NULL)
		counted = &dummy;
	*counted = 0;
	if (rcpt_id != NULL && q->st[S_COMPLAINER] == NULL)
		return rf_error_set(err, RF_ESTORE, "store: opened for "
		    "reading only");
	/* the row and the count in one write transaction (the group's
	 * when one is open): two processes at once count once */
	if (tx && (st = rf__sq_run(q, S_BEGIN, err)) != RF_OK)
		return st;
	st = complain(q, id, n, rcpt_id, counted, err);
	if (tx && st == RF_OK && (st = rf__sq_run(q, S_COMMIT, err)) != RF_OK)
		*counted = 0;
	if (tx && st != RF_OK && !sqlite3_get_autocommit(q->db))
		rf__sq_run(q, S_ROLLBACK, NULL);
	if (st == RF_OK && *counted && q->nhot > 0 &&
	    (h = rf__sq_hot_find(q, rf__sq_id_num(id)))->key != 0)
		h->complaints += (int64_t)n;
	return st;
}

static rf_status
sq_samples(void *be, const char *id, rf__sample_cb cb, void *arg,
	   rf_error *err)
{
	struct sq *q = be;
	rf_campaign c;
	sqlite3_stmt *s;
	rf_status st;
	int rc;

	if ((st = sq_get(be, id, &c, err)) != RF_OK)
		return st;
	s = rf__sq_stmt(q, S_SAMPLES);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (cb(sqlite3_column_blob(s, 0),
		    (size_t)sqlite3_column_bytes(s, 0), arg))
			break;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rf__sq_db_error(q, err, "reading samples");
	return RF_OK;
}

static rf_status
sq_begin(void *be, rf_error *err)
{
	struct sq *q = be;
	rf_status st;

	if (q->in_tx)
		return rf_error_set(err, RF_EINVAL,
		    "store: a transaction is open already");
	if (q->hot == NULL && ((q->hot = calloc(HOT_SLOTS,
	    sizeof(*q->hot))) == NULL || (q->order = calloc(HOT_SLOTS,
	    sizeof(*q->order))) == NULL))
		return rf_error_set(err, RF_ENOMEM, "store: out of memory");
	if ((st = rf__sq_run(q, S_BEGIN, err)) != RF_OK)
		return st;
	if ((st = rf__sq_hot_valid(q, err)) != RF_OK) {
		rf__sq_run(q, S_ROLLBACK, NULL);
		return st;
	}
	q->in_tx = 1;
	q->failed = 0;
	return RF_OK;
}

static rf_status
sq_commit(void *be, rf_error *err)
{
	struct sq *q = be;
	rf_status st;

	if (!q->in_tx)
		return rf_error_set(err, RF_EINVAL, "store: no transaction");
	q->in_tx = 0;
	if (q->failed) {
		q->failed = 0;
		return rf_error_set(err, RF_ESTORE, "store: an add of this "
		    "group failed: the group was undone");
	}
	if ((st = rf__sq_hot_flush(q, err)) == RF_OK)
		st = rf__sq_run(q, S_COMMIT, err);
	if (st != RF_OK) {
		if (!sqlite3_get_autocommit(q->db))
			rf__sq_run(q, S_ROLLBACK, NULL);
		rf__sq_hot_clear(q);	/* kept after a commit: equal to the file */
	}
	return st;
}

static rf_status
sq_rollback(void *be, rf_error *err)
{
	struct sq *q = be;

	if (!q->in_tx)
		return rf_error_set(err, RF_EINVAL, "store: no transaction");
	q->in_tx = 0;
	rf__sq_hot_clear(q);
	if (q->failed || sqlite3_get_autocommit(q->db)) {
		q->failed = 0;
		return RF_OK;
	}
	return rf__sq_run(q, S_ROLLBACK, err);
}

static int
sq_moved(void *be)
{
	return rf__sqlite_moved(((struct sq *)be)->db);
}

static const struct rf__store_ops sqlite_ops = {
	"sqlite", sq_begin_op, sq_end_op, sq_candidates, sq_create, sq_update,
	sq_get, sq_list, sq_count_below, sq_complaint, sq_samples, sq_begin, sq_commit,
	sq_rollback, sq_close, sq_moved,
};

rf_status
rf__store_sqlite_open(const char *path, const rf_store_options *o,
		      const struct rf__store_ops **ops, void **be,
		      rf_error *err)
{
	struct sq *q;
	rf_status st = RF_OK;
	int i, flags = SQLITE_OPEN_NOMUTEX;

	if ((st = rf__sqlite_folder(path, "a store file", err)) != RF_OK)
		return st;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return rf_error_set(err, RF_ENOMEM, "store: out of memory");
	flags |= o->read_only ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &q->db, flags, NULL) != SQLITE_OK) {
		st = rf__sqlite_error(err, q->db, "sqlite: cannot open the "
		    "store");
		goto done;
	}
	/* SQLite opens a file it may not write for reading only, in
	 * silence: every copy added would then fail (a milter answered
	 * tempfail to every message) */
	if (!o->read_only && sqlite3_db_readonly(q->db, "main") == 1) {
		st = rf_error_set(err, RF_ESTORE, "sqlite: cannot write to the "
		    "store: the file is read-only for this user (its owner "
		    "or mode)");
		goto done;
	}
	sqlite3_busy_timeout(q->db, (int)o->timeout_ms);
	sqlite3_extended_result_codes(q->db, 1);
	/* temp_store: statement journals in memory, not in temporary files;
	 * a page cache of 32 MB and reads through mmap: the band index is
	 * written at random places */
	if (sqlite3_exec(q->db, "PRAGMA temp_store = MEMORY", NULL, NULL,
	    NULL) != SQLITE_OK || sqlite3_exec(q->db, "PRAGMA cache_size = "
	    "-32768", NULL, NULL, NULL) != SQLITE_OK || sqlite3_exec(q->db,
	    "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL) != SQLITE_OK) {
		st = rf__sq_db_error(q, err, "cannot set up the store");
		goto done;
	}
	if (!o->read_only && (rf__sqlite_wal(q->db, (unsigned)o->timeout_ms) !=
	    SQLITE_OK || sqlite3_exec(q->db, o->sync_full ?
	    "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL", NULL,
	    NULL, NULL) != SQLITE_OK)) {
		st = rf__sq_db_error(q, err, "cannot set up the store");
		goto done;
	}
	if ((st = check_schema(q, o->read_only, err)) != RF_OK)
		goto done;
	for (i = 0; i < S__COUNT; i++)
		/* reading only, the file may be of version 2: no complainer
		 * table, and nothing to write to it */
		if ((!o->read_only || i != S_COMPLAINER) &&
		    sqlite3_prepare_v3(q->db, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &q->st[i], NULL) != SQLITE_OK) {
			st = rf__sq_db_error(q, err, o->read_only ?
			    "not a redflag campaign store" :
			    "cannot prepare a statement");
			goto done;
		}
done:
	if (st != RF_OK) {
		sq_close(q);
		return st;
	}
	*ops = &sqlite_ops;
	*be = q;
	return RF_OK;
}
