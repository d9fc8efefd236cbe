/*
 * consent_sqlite.c - the consent store in a SQLite file (WAL mode,
 * prepared statements with bound parameters only).  Schema:
 *
 *   consent(recipient, kind, sender, source, since)   key (recipient,
 *                                                     kind, sender)
 *   domain_complaints(domain, complaints, last)       key domain
 *   domain_complainer(domain, rcpt, since)            key (domain, rcpt):
 *                                                     the recipient ids
 *                                                     counted per domain
 *
 * The tables live beside the campaign store's when both open one file.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "consent_impl.h"
#include "store_lib.h"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS consent("
    " recipient TEXT NOT NULL, kind INTEGER NOT NULL,"
    " sender TEXT NOT NULL, source TEXT NOT NULL, since INTEGER NOT NULL,"
    " PRIMARY KEY(recipient, kind, sender)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS domain_complaints("
    " domain TEXT PRIMARY KEY, complaints INTEGER NOT NULL,"
    " last INTEGER NOT NULL) WITHOUT ROWID;"
    /* a file made before it gains it here, at its first open */
    "CREATE TABLE IF NOT EXISTS domain_complainer("
    " domain TEXT NOT NULL, rcpt TEXT NOT NULL, since INTEGER NOT NULL,"
    " PRIMARY KEY(domain, rcpt)) WITHOUT ROWID;";

enum {
	Q_ADD, Q_REMOVE, Q_GET, Q_LIST_ONE, Q_LIST_ALL, Q_COMPLAIN,
	Q_COMPLAINTS, Q_BEGIN, Q_COMMIT, Q_COMPLAINER, Q_ROLLBACK, Q_N
};

static const char *const sql[Q_N] = {
	"INSERT OR IGNORE INTO consent(recipient, kind, sender, source, since)"
	" VALUES (?1, ?2, ?3, ?4, ?5)",
	"DELETE FROM consent WHERE recipient = ?1 AND kind = ?2 AND "
	"sender = ?3",
	"SELECT source, since FROM consent WHERE recipient = ?1 AND "
	"kind = ?2 AND sender = ?3",
	"SELECT recipient, kind, sender, source, since FROM consent WHERE "
	"recipient = ?1 ORDER BY kind, sender",
	"SELECT recipient, kind, sender, source, since FROM consent "
	"ORDER BY recipient, kind, sender",
	"INSERT INTO domain_complaints(domain, complaints, last) "
	"VALUES (?1, ?2, ?3) ON CONFLICT(domain) DO UPDATE SET "
	"complaints = complaints + excluded.complaints, last = excluded.last "
	"RETURNING complaints",
	"SELECT complaints FROM domain_complaints WHERE domain = ?1",
	"BEGIN IMMEDIATE",
	"COMMIT",
	"INSERT OR IGNORE INTO domain_complainer(domain, rcpt, since) "
	"VALUES (?1, ?2, ?3)",
	"ROLLBACK",
};

struct db {
	sqlite3 *db;
	sqlite3_stmt *q[Q_N];
};

static rf_status
fail(struct db *d, rf_error *err)
{
	return rf__sqlite_error(err, d->db, "consent store");
}

static void
sq_close(void *h)
{
	struct db *d = h;
	int i;

	if (d == NULL)
		return;
	for (i = 0; i < Q_N; i++)
		sqlite3_finalize(d->q[i]);
	rf__sqlite_close(d->db);
	free(d);
}

rf_status
rf__consent_sqlite_open(const char *path, unsigned timeout_ms, void **h,
			rf_error *err)
{
	struct db *d;
	rf_status st;
	int i;

	*h = NULL;
	if ((st = rf__sqlite_folder(path, "a store file", err)) != RF_OK)
		return st;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	if (sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		st = d->db != NULL ? fail(d, err) : rf_error_set(err,
		    RF_ENOMEM, "out of memory");
		goto bad;
	}
	sqlite3_busy_timeout(d->db, (int)timeout_ms);
	if (rf__sqlite_wal(d->db, (unsigned)timeout_ms) != SQLITE_OK ||
	    sqlite3_exec(d->db, schema, NULL, NULL,
	    NULL) != SQLITE_OK) {
		st = fail(d, err);
		goto bad;
	}
	for (i = 0; i < Q_N; i++)
		if (sqlite3_prepare_v2(d->db, sql[i], -1, &d->q[i], NULL) !=
		    SQLITE_OK) {
			st = fail(d, err);
			goto bad;
		}
	*h = d;
	return RF_OK;
bad:
	sq_close(d);
	return st;
}

/* done: reset q for its next use and return st. */
static rf_status
done(sqlite3_stmt *q, rf_status st)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return st;
}

/* step: run q to completion (no rows wanted); reset it. */
static rf_status
step(struct db *d, sqlite3_stmt *q, rf_error *err)
{
	int rc = sqlite3_step(q);

	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? RF_OK : fail(d, err);
}

static rf_status
sq_begin(void *h, rf_error *err)
{
	struct db *d = h;

	return step(d, d->q[Q_BEGIN], err);
}

static rf_status
sq_commit(void *h, rf_error *err)
{
	struct db *d = h;

	return step(d, d->q[Q_COMMIT], err);
}

static void
bind_key(sqlite3_stmt *q, const char *rcpt, rf_consent_kind kind,
	 const char *sender)
{
	sqlite3_bind_text(q, 1, rcpt, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, (int)kind);
	sqlite3_bind_text(q, 3, sender, -1, SQLITE_STATIC);
}

static rf_status
sq_add(void *h, const char *rcpt, rf_consent_kind kind, const char *sender,
       const char *source, int64_t now, int *added, rf_error *err)
{
	struct db *d = h;
	sqlite3_stmt *q = d->q[Q_ADD];
	rf_status st;

	bind_key(q, rcpt, kind, sender);
	sqlite3_bind_text(q, 4, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, now);
	if ((st = step(d, q, err)) == RF_OK)
		*added = sqlite3_changes(d->db) > 0;
	return st;
}

static rf_status
sq_remove(void *h, const char *rcpt, rf_consent_kind kind,
	  const char *sender, int *removed, rf_error *err)
{
	struct db *d = h;
	sqlite3_stmt *q = d->q[Q_REMOVE];
	rf_status st;

	bind_key(q, rcpt, kind, sender);
	if ((st = step(d, q, err)) == RF_OK)
		*removed = sqlite3_changes(d->db) > 0;
	return st;
}

static const char *
col(sqlite3_stmt *q, int i)
{
	const unsigned char *s = sqlite3_column_text(q, i);

	return s != NULL ? (const char *)s : "";
}

static rf_status
sq_get(void *h, const char *rcpt, rf_consent_kind kind, const char *sender,
       rf_consent_record *out, rf_error *err)
{
	struct db *d = h;
	sqlite3_stmt *q = d->q[Q_GET];
	rf_status st = RF_OK;
	int rc;

	bind_key(q, rcpt, kind, sender);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		rf__consent_fill(out, rcpt, kind, sender, col(q, 0),
		    sqlite3_column_int64(q, 1));
	else if (rc == SQLITE_DONE)
		st = rf_error_set(err, RF_ENOTFOUND, "no consent");
	else
		st = fail(d, err);
	return done(q, st);
}

static rf_status
sq_list(void *h, const char *rcpt, rf_consent_list_cb cb, void *arg,
	rf_error *err)
{
	struct db *d = h;
	sqlite3_stmt *q = d->q[rcpt != NULL ? Q_LIST_ONE : Q_LIST_ALL];
	rf_consent_record r;
	rf_status st = RF_OK;
	int rc;

	if (rcpt != NULL)
		sqlite3_bind_text(q, 1, rcpt, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		rf__consent_fill(&r, col(q, 0), sqlite3_column_int(q, 1),
		    col(q, 2), col(q, 3), sqlite3_column_int64(q, 4));
		if (cb(&r, arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		st = fail(d, err);
	return done(q, st);
}

static rf_status
sq_complaints(void *h, const char *domain, uint64_t *n, rf_error *err)
{
	struct db *d = h;
	sqlite3_stmt *q = d->q[Q_COMPLAINTS];
	rf_status st = RF_OK;
	int rc;

	sqlite3_bind_text(q, 1, domain, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*n = (uint64_t)sqlite3_column_int64(q, 0);
	else if (rc != SQLITE_DONE)
		st = fail(d, err);
	return done(q, st);
}

/* complain: n complaints against domain; with rcpt_id only when
 * domain_complainer gains (domain, rcpt_id), else *total is read. */
static rf_status
complain(struct db *d, const char *domain, uint64_t n, const char *rcpt_id,
	 int64_t now, int *counted, uint64_t *total, rf_error *err)
{
	sqlite3_stmt *q = d->q[Q_COMPLAINER];
	rf_status st = RF_OK;

	if (rcpt_id != NULL) {
		sqlite3_bind_text(q, 1, domain, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, rcpt_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 3, now);
		if ((st = step(d, q, err)) != RF_OK)
			return st;
		if (sqlite3_changes(d->db) == 0)	/* counted before */
			return sq_complaints(d, domain, total, err);
	}
	q = d->q[Q_COMPLAIN];
	sqlite3_bind_text(q, 1, domain, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)n);
	sqlite3_bind_int64(q, 3, now);
	if (sqlite3_step(q) == SQLITE_ROW) {
		*total = (uint64_t)sqlite3_column_int64(q, 0);
		*counted = 1;
	} else {
		st = fail(d, err);
	}
	return done(q, st);
}

static rf_status
sq_complaint(void *h, const char *domain, uint64_t n, const char *rcpt_id,
	     int64_t now, int *counted, uint64_t *total, rf_error *err)
{
	struct db *d = h;
	rf_status st;
	/* the row and the count in one write transaction (the open one
	 * of rf_consent_begin, if any): two processes at once count once */
	int tx = rcpt_id != NULL && sqlite3_get_autocommit(d->db);

	*counted = 0;
	*total = 0;
	if (tx && (st = step(d, d->q[Q_BEGIN], err)) != RF_OK)
		return st;
	st = complain(d, domain, n, rcpt_id, now, counted, total, err);
	if (tx && st == RF_OK && (st = step(d, d->q[Q_COMMIT], err)) != RF_OK)
		*counted = 0;
	if (tx && st != RF_OK && !sqlite3_get_autocommit(d->db))
		step(d, d->q[Q_ROLLBACK], NULL);
	return st;
}

const struct rf__consent_ops rf__consent_sqlite_ops = {
	"sqlite", sq_close, sq_begin, sq_commit, sq_add, sq_remove, sq_get,
	sq_list, sq_complaint, sq_complaints
};
