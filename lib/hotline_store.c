/*
 * hotline_store.c - the hotline's SQLite file: opening, schema, the
 * helpers the other hotline modules share, names of roles, states and
 * categories, and the limits.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "hotline_int.h"
#include "store_lib.h"

/* HL_BUSY_MS: how long a hotline command waits for another's write lock. */
#define HL_BUSY_MS 5000

/*
 * Reporter contact details live in their own table, reachable from a
 * report only (never from a case), readable by supervisors.  The audit
 * table refuses UPDATE and DELETE; its rows are also hash-chained so
 * that a change made around the triggers is found by verification.
 */
static const char schema[] =
    "CREATE TABLE IF NOT EXISTS cases ("
    " id INTEGER PRIMARY KEY,"
    " canonical TEXT NOT NULL UNIQUE,"
    " host TEXT, domain TEXT,"
    " state INTEGER NOT NULL DEFAULT 0,"
    " category INTEGER NOT NULL DEFAULT 0,"
    " priority INTEGER NOT NULL DEFAULT 0,"
    " nreports INTEGER NOT NULL DEFAULT 0,"
    " appeal INTEGER NOT NULL DEFAULT 0,"
    " assignee TEXT, assessed_by TEXT, campaign TEXT,"
    " created INTEGER NOT NULL, updated INTEGER NOT NULL,"
    " last_report INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS cases_domain ON cases(domain);"
    "CREATE INDEX IF NOT EXISTS cases_queue ON cases(state, priority);"
    "CREATE TABLE IF NOT EXISTS reports ("
    " id INTEGER PRIMARY KEY,"
    " case_id INTEGER NOT NULL REFERENCES cases(id),"
    " received INTEGER NOT NULL,"
    " first INTEGER NOT NULL DEFAULT 0,"
    " source TEXT NOT NULL,"
    " url_clean TEXT NOT NULL,"
    " scrubbed INTEGER NOT NULL DEFAULT 0,"
    " category TEXT, comment TEXT,"
    " message_id TEXT, msg_date TEXT, sender_domain TEXT,"
    " has_list_id INTEGER NOT NULL DEFAULT 0,"
    " has_list_unsub INTEGER NOT NULL DEFAULT 0,"
    " campaign TEXT, fp BLOB,"
    " raw BLOB, raw_nonce BLOB);"
    "CREATE TABLE IF NOT EXISTS report_bands ("
    " report_id INTEGER NOT NULL REFERENCES reports(id),"
    " band INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS report_bands_band ON report_bands(band);"
    "CREATE INDEX IF NOT EXISTS reports_case ON reports(case_id);"
    "CREATE INDEX IF NOT EXISTS reports_received ON reports(received);"
    "CREATE INDEX IF NOT EXISTS reports_campaign ON reports(campaign);"
    "CREATE TABLE IF NOT EXISTS contacts ("
    " report_id INTEGER PRIMARY KEY REFERENCES reports(id),"
    " name TEXT, email TEXT, phone TEXT);"
    "CREATE TABLE IF NOT EXISTS referrals ("
    " id INTEGER PRIMARY KEY,"
    " case_id INTEGER NOT NULL REFERENCES cases(id),"
    " target TEXT NOT NULL, reference TEXT NOT NULL,"
    " format TEXT NOT NULL, actor TEXT NOT NULL,"
    " created INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS audit ("
    " seq INTEGER PRIMARY KEY,"
    " ts INTEGER NOT NULL,"
    " actor TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL,"
    " object TEXT NOT NULL, detail TEXT NOT NULL, reason TEXT NOT NULL,"
    " prev TEXT NOT NULL, hash TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS audit_object ON audit(object);"
    "CREATE INDEX IF NOT EXISTS referrals_case ON referrals(case_id);"
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TABLE IF NOT EXISTS users ("
    " name TEXT PRIMARY KEY, role INTEGER NOT NULL,"
    " pwhash TEXT NOT NULL, created INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sessions ("
    " token_hash TEXT PRIMARY KEY, user TEXT NOT NULL,"
    " csrf TEXT NOT NULL, expires INTEGER NOT NULL);";

rf_status
rf__hl_fail(rf_hotline *h, const char *what, rf_error *err)
{
	if (h->db == NULL)
		return rf_error_set(err, RF_ESTORE,
		    "hotline store: %s: no database", what);
	return rf__sqlite_error(err, h->db, "hotline store: %s", what);
}

rf_status
rf__hl_prepare(rf_hotline *h, const char *sql, sqlite3_stmt **st,
	       rf_error *err)
{
	*st = NULL;
	if (sqlite3_prepare_v2(h->db, sql, -1, st, NULL) != SQLITE_OK)
		return rf__hl_fail(h, "prepare", err);
	return RF_OK;
}

rf_status
rf__hl_exec(rf_hotline *h, const char *sql, rf_error *err)
{
	if (sqlite3_exec(h->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return rf__hl_fail(h, "exec", err);
	return RF_OK;
}

rf_status
rf__hl_begin(rf_hotline *h, rf_error *err)
{
	return rf__hl_exec(h, "BEGIN IMMEDIATE", err);
}

rf_status
rf__hl_begin_read(rf_hotline *h, rf_error *err)
{
	return rf__hl_exec(h, "BEGIN", err);
}

rf_status
rf__hl_commit(rf_hotline *h, rf_error *err)
{
	return rf__hl_exec(h, "COMMIT", err);
}

void
rf__hl_rollback(rf_hotline *h)
{
	if (!sqlite3_get_autocommit(h->db))
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
}

const char *
rf__hl_col(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return NULL;
	return (const char *)sqlite3_column_text(st, i);
}

int
rf__hl_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static void
limits_fill(rf_hotline_limits *l)
{
	if (l->max_url_len == 0)
		l->max_url_len = 4096;
	if (l->max_report_urls == 0)
		l->max_report_urls = RF_HOTLINE_MAX_REPORT_URLS;
	if (l->max_field_len == 0)
		l->max_field_len = 2000;
	if (l->max_reports_per_case == 0)
		l->max_reports_per_case = 500;
	if (l->max_export_cases == 0)
		l->max_export_cases = 100000;
	if (l->queue_page_size == 0)
		l->queue_page_size = RF_HOTLINE_QUEUE_PAGE_SIZE;
}

/* QUEUE_PAGE_MAX: the largest queue_page_size, so that one page stays a
 * page (the web queue is one HTML table built in memory). */
#define QUEUE_PAGE_MAX 10000

rf_status
rf_hotline_limits_set(rf_hotline_limits *l, const char *name,
		      const char *value, rf_error *err)
{
	char esc[176];	/* 40 bytes of name or value, escaped */
	size_t *z = NULL;
	unsigned *u = NULL;
	unsigned long long v, max = 1ull << 24;
	const char *range = "1 to 16M";

	/* the name first: an unknown one is RF_ENOTFOUND whatever the
	 * value, so that a caller tells it from a bad value */
	if (strcmp(name, "max_url_len") == 0)
		z = &l->max_url_len;
	else if (strcmp(name, "max_report_urls") == 0)
		u = &l->max_report_urls;
	else if (strcmp(name, "max_field_len") == 0)
		z = &l->max_field_len;
	else if (strcmp(name, "max_reports_per_case") == 0)
		u = &l->max_reports_per_case;
	else if (strcmp(name, "max_export_cases") == 0)
		u = &l->max_export_cases;
	else if (strcmp(name, "queue_page_size") == 0) {
		u = &l->queue_page_size;
		max = QUEUE_PAGE_MAX;
		range = "1 to 10000";
	} else
		return rf_error_set(err, RF_ENOTFOUND,
		    "no hotline limit called '%s'", rf_escape(esc,
		    sizeof(esc), name, 40));
	if (rf_parse_number(value, max, 1, &v, NULL) != RF_OK || v == 0)
		return rf_error_set(err, RF_EINVAL,
		    "%s: expected a number from %s, got '%s'", name, range,
		    rf_escape(esc, sizeof(esc), value, 40));
	if (z != NULL)
		*z = (size_t)v;
	else
		*u = (unsigned)v;
	return RF_OK;
}

void
rf_hotline_limits_get(const rf_hotline *h, rf_hotline_limits *out)
{
	*out = h->lim;
}

rf_status
rf_hotline_open(const rf_ctx *ctx, const char *path,
		const rf_hotline_opts *opts, rf_hotline **out, rf_error *err)
{
	rf_hotline *h;
	rf_status st = RF_OK;

	*out = NULL;
	if (sodium_init() < 0)
		return rf_error_set(err, RF_EINVAL, "libsodium did not start");
	if ((st = rf__sqlite_folder(path, "a hotline database", err)) !=
	    RF_OK)
		return st;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	h->ctx = ctx;
	if (opts != NULL) {
		h->lim = opts->limits;
		h->rules = opts->rules;
		if (opts->raw_key != NULL) {
			memcpy(h->key, opts->raw_key, sizeof(h->key));
			h->has_key = 1;
		}
	}
	limits_fill(&h->lim);
	/* No rules given: scrubbing with an empty set (address and opaque
	 * codes only), parsed once here rather than for every URL. */
	if ((st = rf__hl_rules(h->rules, &h->own_rules, &h->rules, err)) !=
	    RF_OK)
		goto done;
	if (sqlite3_open_v2(path, &h->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		st = rf__hl_fail(h, "open", err);
		goto done;
	}
	sqlite3_busy_timeout(h->db, HL_BUSY_MS);
	if (rf__sqlite_wal(h->db, HL_BUSY_MS) != SQLITE_OK) {
		st = rf__hl_fail(h, "journal mode", err);
		goto done;
	}
	if ((st = rf__hl_exec(h, "PRAGMA foreign_keys=ON", err)) != RF_OK ||
	    (st = rf__hl_exec(h, "PRAGMA secure_delete=ON", err)) != RF_OK ||
	    (st = rf__hl_exec(h, schema, err)) != RF_OK)
		goto done;
done:
	if (st != RF_OK) {
		rf_hotline_close(h);
		return st;
	}
	*out = h;
	return RF_OK;
}

void
rf_hotline_close(rf_hotline *h)
{
	if (h == NULL)
		return;
	rf__sqlite_close(h->db);
	rf_rules_free(h->own_rules);
	sodium_memzero(h->key, sizeof(h->key));
	free(h);
}

int
rf_hotline_moved(const rf_hotline *h)
{
	return rf__sqlite_moved(h->db);
}

/* ---- names ---- */

static const char *const role_names[] = {
	"public", "intake", "analyst", "supervisor", "admin", "auditor",
	"system"
};

const char *
rf_hotline_role_name(rf_hotline_role r)
{
	if ((unsigned)r >= sizeof(role_names) / sizeof(role_names[0]))
		return "public";
	return role_names[r];
}

rf_hotline_role
rf_hotline_role_parse(const char *s)
{
	unsigned i;

	/* "system" is not a role anyone can be given. */
	for (i = RF_ROLE_INTAKE; i <= RF_ROLE_AUDITOR; i++)
		if (s != NULL && strcmp(s, role_names[i]) == 0)
			return (rf_hotline_role)i;
	return RF_ROLE_NONE;
}

int
rf_hotline_may(rf_hotline_role r, unsigned perms)
{
	unsigned have = 0;
	const unsigned analyst = RF_PERM_SUBMIT | RF_PERM_VIEW |
	    RF_PERM_REVIEW | RF_PERM_STATS;

	switch (r) {
	case RF_ROLE_NONE: have = RF_PERM_SUBMIT; break;
	case RF_ROLE_INTAKE: have = RF_PERM_SUBMIT | RF_PERM_VIEW; break;
	case RF_ROLE_ANALYST: have = analyst; break;
	case RF_ROLE_SUPERVISOR:
		have = analyst | RF_PERM_REFER | RF_PERM_APPEAL |
		    RF_PERM_RAW | RF_PERM_AUDIT | RF_PERM_CONTACT;
		break;
	case RF_ROLE_ADMIN:
		have = RF_PERM_VIEW | RF_PERM_USERS | RF_PERM_STATS |
		    RF_PERM_AUDIT;
		break;
	case RF_ROLE_AUDITOR:
		have = RF_PERM_VIEW | RF_PERM_AUDIT | RF_PERM_STATS;
		break;
	case RF_ROLE_SYSTEM: have = ~0u; break;
	}
	return (have & perms) == perms;
}

static const char *const state_names[RF_CASE__COUNT] = {
	"new", "in_review", "red_flag", "not_illegal", "out_of_remit",
	"access_failed", "referred", "monitoring", "closed"
};
static const char *const state_labels[RF_CASE__COUNT] = {
	"New", "In review", "Red flag", "Not illegal", "Out of remit",
	"Access failed", "Referred", "Monitoring", "Closed"
};

/* name_of, parse_of: look-ups in a table of n names. */
static const char *
name_of(const char *const *names, unsigned n, unsigned i, const char *dflt)
{
	return i < n ? names[i] : dflt;
}

static int
parse_of(const char *const *names, unsigned n, const char *s, unsigned *out)
{
	unsigned i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = i;
			return 0;
		}
	return -1;
}

const char *
rf_case_state_name(rf_case_state s)
{
	return name_of(state_names, RF_CASE__COUNT, s, "unknown");
}

const char *
rf_case_state_label(rf_case_state s)
{
	return name_of(state_labels, RF_CASE__COUNT, s, "Unknown");
}

int
rf_case_state_parse(const char *s, rf_case_state *out)
{
	unsigned i;

	if (parse_of(state_names, RF_CASE__COUNT, s, &i) != 0)
		return -1;
	*out = (rf_case_state)i;
	return 0;
}

static const char *const cat_names[RF_CAT__COUNT] = {
	"other", "csam", "phishing", "malware", "fraud"
};
static const char *const cat_labels[RF_CAT__COUNT] = {
	"Other", "Suspected child sexual abuse material", "Phishing",
	"Malware", "Fraud"
};

const char *
rf_case_category_name(rf_case_category c)
{
	return name_of(cat_names, RF_CAT__COUNT, c, "other");
}

const char *
rf_case_category_label(rf_case_category c)
{
	return name_of(cat_labels, RF_CAT__COUNT, c, "Other");
}

int
rf_case_category_parse(const char *s, rf_case_category *out)
{
	unsigned i;

	if (parse_of(cat_names, RF_CAT__COUNT, s, &i) != 0)
		return -1;
	*out = (rf_case_category)i;
	return 0;
}

int
rf__hl_priority(rf_case_category cat, int cat_set, int nreports)
{
	static const int weight[RF_CAT__COUNT] = { 0, 400, 200, 200, 100 };
	int w = cat_set && (unsigned)cat < RF_CAT__COUNT ? weight[cat] : 0;

	return w + (nreports > 50 ? 50 : nreports);
}
