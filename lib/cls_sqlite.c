/*
 * cls_sqlite.c - the classifier's token database in a SQLite file, the
 * embedded default (see cls_store.h and docs/classifier.md).
 *
 * Schema (version 2):
 *   meta(k TEXT PRIMARY KEY, v INTEGER)       nspam, nham, version,
 *       tokens (the token set, RF__CLS_TOKENS; absent: 1)
 *   tokens(h INTEGER PRIMARY KEY, spam, ham)  h = XXH3 of the token
 *   learned(key INTEGER PRIMARY KEY, spam, tokens BLOB, times)
 *       what one message added: its token hashes, little-endian, times
 *       times over (train on error learns a message more than once)
 * A version 1 file (no times: once each) gets the column at open.
 * For classification every token row is loaded into an open-addressing
 * hash table (struct rf__cmap) so that a message costs no SQL at all.
 * A batch is one transaction (BEGIN IMMEDIATE .. COMMIT): its count
 * deltas accumulate in memory and are written as one bulk upsert at
 * commit, or earlier when max_pending tokens are pending.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cls_store.h"
#include "store_lib.h"

struct sq {
	sqlite3 *db;
	unsigned max_pending;
	struct rf__cmap counts;	/* loaded counts, for classification */
	long nspam, nham;
	sqlite3_int64 version;	/* PRAGMA data_version when loaded */
	/* the open batch */
	int in_batch, spilled;
	struct rf__cmap pending;	/* count deltas not yet written */
	long dspam, dham;	/* message count deltas not yet written */
	long bspam, bham;	/* message count deltas of the whole batch */
	sqlite3_stmt *sel_learned, *put_learned, *del_learned, *set_times;
	sqlite3_stmt *upsert, *del_zero, *add_meta;
};

/* Run at every open, after rf__sqlite_wal: no lock needed once the file
 * is in WAL mode, so that opening for classification never waits for a
 * training run (which holds the write lock for each of its groups). */
static const char setup[] =
	"PRAGMA synchronous=NORMAL;";

/* Whether the schema is complete (tables and the meta rows). */
static const char *const schema_done =
	"SELECT count(*) = 3 FROM sqlite_schema WHERE type = 'table' AND"
	" name IN ('meta', 'tokens', 'learned')";
static const char *const meta_done =
	"SELECT count(*) = 3 FROM meta WHERE k IN ('version', 'nspam', 'nham')";

/* Run only when the schema is not complete: a write, in one transaction
 * (a crash leaves all of it or none). */
static const char schema[] =
	"BEGIN IMMEDIATE;"
	"CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY,"
	" v INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS tokens(h INTEGER PRIMARY KEY,"
	" spam INTEGER NOT NULL, ham INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS learned(key INTEGER PRIMARY KEY,"
	" spam INTEGER NOT NULL, tokens BLOB NOT NULL,"
	" times INTEGER NOT NULL DEFAULT 1);"
	"INSERT OR IGNORE INTO meta VALUES('version',2),('nspam',0),"
	"('nham',0);"
	"COMMIT;";

/* Version 1 to 2: learned gets times (1 for every message learned). */
static const char upgrade1[] =
	"BEGIN IMMEDIATE;"
	"ALTER TABLE learned ADD COLUMN times INTEGER NOT NULL DEFAULT 1;"
	"UPDATE meta SET v = 2 WHERE k = 'version';"
	"COMMIT;";

static rf_status
db_fail(struct sq *c, rf_error *err, const char *what)
{
	return rf__sqlite_error(err, c->db, "classifier database: %s", what);
}

static int
prep(struct sq *c, sqlite3_stmt **st, const char *sql)
{
	return sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    st, NULL) == SQLITE_OK ? 0 : -1;
}

/* data_version: PRAGMA data_version of c's connection (it changes when
 * another connection commits), or -1 when it cannot be read. */
static sqlite3_int64
data_version(struct sq *c)
{
	sqlite3_stmt *st = NULL;
	sqlite3_int64 v = -1;

	if (sqlite3_prepare_v2(c->db, "PRAGMA data_version", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static rf_status
load(struct sq *c, rf_error *err)
{
	sqlite3_stmt *st = NULL;
	struct rf__cmap m = { 0 };
	rf_status rs = RF_OK;
	sqlite3_int64 n = 0;
	int rc, tx = 0;

	/* one read transaction: the tokens and the message counts of one
	 * state, never those of a training run committed in between */
	if (sqlite3_get_autocommit(c->db)) {
		if (sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
			return db_fail(c, err, "reading tokens");
		tx = 1;
	}
	c->version = data_version(c);	/* of the state read below */
	if (sqlite3_prepare_v2(c->db, "SELECT count(*) FROM tokens", -1,
	    &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		rs = db_fail(c, err, "counting tokens");
		goto out;
	}
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (n < 0 || (uint64_t)n > SIZE_MAX / 64 ||
	    rf__cmap_init(&m, (size_t)n) != 0) {
		rs = rf_error_set(err, RF_ENOMEM, "out of memory");
		goto out;
	}
	if (sqlite3_prepare_v2(c->db, "SELECT h, spam, ham FROM tokens", -1,
	    &st, NULL) != SQLITE_OK) {
		rs = db_fail(c, err, "reading tokens");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (rf__cmap_add(&m, (uint64_t)sqlite3_column_int64(st, 0),
		    sqlite3_column_int64(st, 1),
		    sqlite3_column_int64(st, 2)) != 0) {
			rs = rf_error_set(err, RF_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		rs = db_fail(c, err, "reading tokens");
		goto out;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(c->db, "SELECT k, v FROM meta", -1, &st,
	    NULL) != SQLITE_OK) {
		rs = db_fail(c, err, "reading counts");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);

		if (k != NULL && strcmp(k, "nspam") == 0)
			c->nspam = (long)sqlite3_column_int64(st, 1);
		else if (k != NULL && strcmp(k, "nham") == 0)
			c->nham = (long)sqlite3_column_int64(st, 1);
	}
	if (rc != SQLITE_DONE) {
		rs = db_fail(c, err, "reading counts");
		goto out;
	}
	rf__cmap_free(&c->counts);
	c->counts = m;
	m.v = NULL;
out:
	sqlite3_finalize(st);
	rf__cmap_free(&m);
	if (tx)		/* read only: ending it cannot lose anything */
		sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	return rs;
}

/* schema_ok: 1 when the tables and the meta rows exist, 0 when not, -1
 * when the file cannot be read. */
static int
schema_ok(struct sq *c)
{
	sqlite3_stmt *st = NULL;
	int ok = -1;

	if (sqlite3_prepare_v2(c->db, schema_done, -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		ok = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	st = NULL;
	if (ok == 1 && (sqlite3_prepare_v2(c->db, meta_done, -1, &st, NULL) !=
	    SQLITE_OK || sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_int(st, 0) == 0))
		ok = 0;
	sqlite3_finalize(st);
	return ok;
}

static void
sq_rollback(void *be)
{
	struct sq *c = be;

	if (!c->in_batch)
		return;
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	rf__cmap_free(&c->pending);
	c->in_batch = 0;
}

static void
sq_close(void *be)
{
	struct sq *c = be;

	if (c == NULL)
		return;
	sq_rollback(c);
	sqlite3_finalize(c->sel_learned);
	sqlite3_finalize(c->put_learned);
	sqlite3_finalize(c->del_learned);
	sqlite3_finalize(c->set_times);
	sqlite3_finalize(c->upsert);
	sqlite3_finalize(c->del_zero);
	sqlite3_finalize(c->add_meta);
	rf__sqlite_close(c->db);
	rf__cmap_free(&c->counts);
	rf__cmap_free(&c->pending);
	free(c);
}

/* upgrade: a version 1 file to version 2 (the learned times). */
static rf_status
upgrade(struct sq *c, rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_status rs = RF_OK;
	int v = 0;

	if (prep(c, &st, "SELECT v FROM meta WHERE k = 'version'") != 0)
		return db_fail(c, err, "reading the version");
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v == 1 && sqlite3_exec(c->db, upgrade1, NULL, NULL, NULL) !=
	    SQLITE_OK) {
		rs = db_fail(c, err, "upgrading to version 2");
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	} else if (v != 1 && v != 2) {
		rs = rf_error_set(err, RF_ESTORE, "classifier database: "
		    "version %d unknown", v);
	}
	return rs;
}

/* tokens_version: refuse a file trained with another token set; record
 * RF__CLS_TOKENS in an empty one. */
static rf_status
tokens_version(struct sq *c, rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_status rs;
	long v = 0;
	int empty = 0;

	if (prep(c, &st, "SELECT (SELECT v FROM meta WHERE k = 'tokens'), "
	    "NOT EXISTS (SELECT 1 FROM tokens) AND (SELECT sum(v) FROM meta "
	    "WHERE k IN ('nspam', 'nham')) = 0") != 0)
		return db_fail(c, err, "reading the token set");
	if (sqlite3_step(st) == SQLITE_ROW) {
		v = (long)sqlite3_column_int64(st, 0);
		empty = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if ((rs = rf__cls_tokens_check(v, empty, err)) != RF_OK || v != 0)
		return rs;
	if (prep(c, &st, "INSERT OR IGNORE INTO meta VALUES('tokens', ?)") !=
	    0)
		return db_fail(c, err, "recording the token set");
	sqlite3_bind_int(st, 1, RF__CLS_TOKENS);
	if (sqlite3_step(st) != SQLITE_DONE)
		rs = db_fail(c, err, "recording the token set");
	sqlite3_finalize(st);
	return rs;
}

rf_status
rf__cls_sqlite_open(const char *path, const rf_cls_params *p, void **be,
		    rf_error *err)
{
	struct sq *c;
	rf_status rs = RF_OK;
	int ok;

	*be = NULL;
	if ((rs = rf__sqlite_folder(path, "a classifier database", err)) !=
	    RF_OK)
		return rs;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	c->max_pending = p->max_pending;
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		rs = rf__sqlite_error(err, c->db,
		    "cannot open the classifier database");
		goto out;
	}
	sqlite3_busy_timeout(c->db, RF__CLS_SQLITE_BUSY_MS);
	if (rf__sqlite_wal(c->db, RF__CLS_SQLITE_BUSY_MS) != SQLITE_OK ||
	    sqlite3_exec(c->db, setup, NULL, NULL, NULL) != SQLITE_OK) {
		rs = db_fail(c, err, "setting up");
		goto out;
	}
	if ((ok = schema_ok(c)) < 0) {
		rs = db_fail(c, err, "reading the schema");
		goto out;
	}
	if (ok == 0 && sqlite3_exec(c->db, schema, NULL, NULL, NULL) !=
	    SQLITE_OK) {
		rs = db_fail(c, err, "creating tables");
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		goto out;
	}
	if ((rs = upgrade(c, err)) != RF_OK ||
	    (rs = tokens_version(c, err)) != RF_OK)
		goto out;
	if (prep(c, &c->sel_learned,
	    "SELECT spam, tokens, times FROM learned WHERE key = ?") ||
	    prep(c, &c->put_learned,
	    "INSERT OR REPLACE INTO learned(key, spam, tokens, times) "
	    "VALUES (?, ?, ?, ?)") ||
	    prep(c, &c->del_learned, "DELETE FROM learned WHERE key = ?") ||
	    prep(c, &c->set_times,
	    "UPDATE learned SET times = ? WHERE key = ?") ||
	    prep(c, &c->upsert,
	    "INSERT INTO tokens(h, spam, ham) VALUES (?1, max(?2, 0), "
	    "max(?3, 0)) ON CONFLICT(h) DO UPDATE SET "
	    "spam = max(spam + ?2, 0), ham = max(ham + ?3, 0)") ||
	    prep(c, &c->del_zero,
	    "DELETE FROM tokens WHERE h = ? AND spam = 0 AND ham = 0") ||
	    prep(c, &c->add_meta,
	    "UPDATE meta SET v = max(v + ?, 0) WHERE k = ?")) {
		rs = db_fail(c, err, "preparing statements");
		goto out;
	}
	rs = load(c, err);
out:
	if (rs != RF_OK)
		sq_close(c);
	else
		*be = c;
	return rs;
}

static rf_status
sq_reload(void *be, rf_error *err)
{
	return load(be, err);
}

static int
sq_changed(void *be)
{
	struct sq *c = be;
	sqlite3_int64 v;

	if (rf__sqlite_moved(c->db))
		return 1;
	v = data_version(c);
	return v >= 0 && c->version >= 0 && v != c->version;
}

static void
sq_counts(void *be, long *nspam, long *nham)
{
	struct sq *c = be;

	*nspam = c->nspam;
	*nham = c->nham;
}

static rf_status
sq_view(void *be, const rf__ctoks *t, struct rf__cls_view *v, rf_error *err)
{
	struct sq *c = be;

	(void)t;
	(void)err;
	v->map = &c->counts;
	v->nspam = c->nspam;
	v->nham = c->nham;
	return RF_OK;
}

/* Learning ------------------------------------------------------------- */

static rf_status
sq_begin(void *be, rf_error *err)
{
	struct sq *c = be;

	if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return db_fail(c, err, "beginning a transaction");
	if (rf__cmap_init(&c->pending, 1024) != 0) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	c->in_batch = 1;
	c->spilled = 0;
	c->dspam = c->dham = c->bspam = c->bham = 0;
	return RF_OK;
}

static int
meta_add(struct sq *c, const char *k, long d)
{
	int rc;

	if (d == 0)
		return 0;
	sqlite3_bind_int64(c->add_meta, 1, d);
	sqlite3_bind_text(c->add_meta, 2, k, -1, SQLITE_STATIC);
	rc = sqlite3_step(c->add_meta);
	sqlite3_reset(c->add_meta);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* flush: write the pending deltas (kept in memory) into the transaction. */
static rf_status
flush(struct sq *c, rf_error *err)
{
	size_t i;
	int rc;

	for (i = 0; i < c->pending.cap; i++) {
		const struct rf__centry *e = &c->pending.v[i];

		if (e->h == 0 || (e->spam == 0 && e->ham == 0))
			continue;
		sqlite3_bind_int64(c->upsert, 1, (sqlite3_int64)e->h);
		sqlite3_bind_int64(c->upsert, 2, e->spam);
		sqlite3_bind_int64(c->upsert, 3, e->ham);
		rc = sqlite3_step(c->upsert);
		sqlite3_reset(c->upsert);
		if (rc != SQLITE_DONE)
			return db_fail(c, err, "writing tokens");
		if (e->spam < 0 || e->ham < 0) {
			sqlite3_bind_int64(c->del_zero, 1,
			    (sqlite3_int64)e->h);
			rc = sqlite3_step(c->del_zero);
			sqlite3_reset(c->del_zero);
			if (rc != SQLITE_DONE)
				return db_fail(c, err, "writing tokens");
		}
	}
	if (meta_add(c, "nspam", c->dspam) != 0 ||
	    meta_add(c, "nham", c->dham) != 0)
		return db_fail(c, err, "writing counts");
	c->dspam = c->dham = 0;
	return RF_OK;
}

/* spill: when the pending table is too big, write it and forget it. */
static rf_status
spill(struct sq *c, rf_error *err)
{
	rf_status rs;

	if (c->pending.n < c->max_pending)
		return RF_OK;
	if ((rs = flush(c, err)) != RF_OK)
		return rs;
	rf__cmap_free(&c->pending);
	c->spilled = 1;
	if (rf__cmap_init(&c->pending, 1024) != 0)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	return RF_OK;
}

static rf_status
sq_commit(void *be, rf_error *err)
{
	struct sq *c = be;
	rf_status rs;
	size_t i;

	if ((rs = flush(c, err)) != RF_OK) {
		sq_rollback(c);
		return rs;
	}
	if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rs = db_fail(c, err, "committing");
		sq_rollback(c);
		return rs;
	}
	c->in_batch = 0;
	if (c->spilled) {
		rs = load(c, err);
	} else {
		for (i = 0; i < c->pending.cap && rs == RF_OK; i++) {
			const struct rf__centry *e = &c->pending.v[i];

			if (e->h != 0 && rf__cmap_add(&c->counts, e->h,
			    e->spam, e->ham) != 0)
				rs = rf_error_set(err, RF_ENOMEM,
				    "out of memory (counts reloaded at "
				    "next open)");
		}
		c->nspam += c->bspam;
		c->nham += c->bham;
	}
	rf__cmap_free(&c->pending);
	return rs;
}

/* apply_blob: add sign (times over) to the pending counts of each hash
 * in a learned row's blob, in class spam or ham, and to the message
 * count. */
static rf_status
apply_blob(struct sq *c, const void *blob, size_t bytes, int spam,
	   int64_t sign, rf_error *err)
{
	const unsigned char *b = blob;
	size_t i;

	for (i = 0; i + 8 <= bytes; i += 8) {
		uint64_t h = 0;
		int j;

		for (j = 7; j >= 0; j--)
			h = h << 8 | b[i + (size_t)j];
		if (rf__cmap_add(&c->pending, h, spam ? sign : 0,
		    spam ? 0 : sign) != 0)
			return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	if (spam)
		c->dspam += sign, c->bspam += sign;
	else
		c->dham += sign, c->bham += sign;
	return RF_OK;
}

/*
 * forget: if key was learned, take it back (every repetition) unless it
 * was learned as want; *was = its class or -1, *times its repetitions.
 * With want == again, learned as want: its tokens added once more.
 */
static rf_status
forget(struct sq *c, uint64_t key, int want, int again, int *was,
       int64_t *times, rf_error *err)
{
	rf_status rs = RF_OK;
	int rc;

	*was = -1;
	*times = 0;
	sqlite3_bind_int64(c->sel_learned, 1, (sqlite3_int64)key);
	rc = sqlite3_step(c->sel_learned);
	if (rc == SQLITE_ROW) {
		const void *blob = sqlite3_column_blob(c->sel_learned, 1);
		size_t bytes = (size_t)sqlite3_column_bytes(c->sel_learned,
		    1);

		*was = sqlite3_column_int(c->sel_learned, 0) != 0;
		*times = sqlite3_column_int64(c->sel_learned, 2);
		if (*times < 1)
			*times = 1;
		if (*was != want)
			rs = apply_blob(c, blob, bytes, *was, -*times, err);
		else if (again)
			rs = apply_blob(c, blob, bytes, *was, 1, err);
	} else if (rc != SQLITE_DONE) {
		rs = db_fail(c, err, "reading learned messages");
	}
	sqlite3_reset(c->sel_learned);
	return rs;
}

/* set_times: the record of key says times repetitions. */
static rf_status
set_times(struct sq *c, uint64_t key, int64_t times, rf_error *err)
{
	int rc;

	sqlite3_bind_int64(c->set_times, 1, (sqlite3_int64)times);
	sqlite3_bind_int64(c->set_times, 2, (sqlite3_int64)key);
	rc = sqlite3_step(c->set_times);
	sqlite3_reset(c->set_times);
	return rc == SQLITE_DONE ? RF_OK : db_fail(c, err,
	    "recording a learned message");
}

static rf_status
sq_learn(void *be, uint64_t key, const rf__ctoks *t, int spam, int how,
	 int *changed, rf_error *err)
{
	struct sq *c = be;
	unsigned char *blob = NULL;
	rf_status rs;
	int64_t times;
	size_t i;
	int was, rc;

	*changed = 0;
	/* want = -2 never equals a class: forget always takes it back */
	if ((rs = forget(c, key, how == RF__UNDO ? -2 : spam,
	    how == RF__AGAIN, &was, &times, err)) != RF_OK)
		goto out;
	if (how == RF__AGAIN && was == spam) {
		if ((rs = set_times(c, key, times + 1, err)) == RF_OK) {
			*changed = 1;
			rs = spill(c, err);
		}
		goto out;
	}
	if (how == RF__UNDO) {
		if (was < 0)
			goto out;
		sqlite3_bind_int64(c->del_learned, 1, (sqlite3_int64)key);
		rc = sqlite3_step(c->del_learned);
		sqlite3_reset(c->del_learned);
		if (rc != SQLITE_DONE)
			rs = db_fail(c, err, "forgetting a message");
		else
			*changed = 1;
		goto out;
	}
	if (was == spam)
		goto out;
	blob = malloc(t->n * 8 + 1);
	if (blob == NULL) {
		rs = rf_error_set(err, RF_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < t->n; i++) {
		uint64_t h = t->v[i].h;
		int j;

		for (j = 0; j < 8; j++)
			blob[i * 8 + (size_t)j] = (unsigned char)(h >> (8 * j));
		if (rf__cmap_add(&c->pending, h, spam ? 1 : 0, spam ? 0 : 1)) {
			rs = rf_error_set(err, RF_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (spam)
		c->dspam++, c->bspam++;
	else
		c->dham++, c->bham++;
	sqlite3_bind_int64(c->put_learned, 1, (sqlite3_int64)key);
	sqlite3_bind_int(c->put_learned, 2, spam != 0);
	sqlite3_bind_blob(c->put_learned, 3, blob, (int)(t->n * 8),
	    SQLITE_STATIC);
	sqlite3_bind_int(c->put_learned, 4, 1);
	rc = sqlite3_step(c->put_learned);
	sqlite3_reset(c->put_learned);
	sqlite3_clear_bindings(c->put_learned);
	if (rc != SQLITE_DONE) {
		rs = db_fail(c, err, "recording a learned message");
		goto out;
	}
	*changed = 1;
	rs = spill(c, err);
out:
	free(blob);
	return rs;
}

const struct rf__cls_ops rf__cls_sqlite_ops = {
	.name = "sqlite",
	.atomic = 1,
	.close = sq_close,
	.reload = sq_reload,
	.changed = sq_changed,
	.counts = sq_counts,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.learn = sq_learn,
	.view = sq_view,
};
