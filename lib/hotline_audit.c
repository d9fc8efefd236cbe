/*
 * hotline_audit.c - the hotline's append-only audit log.
 *
 * Each record holds who (name, role), when, what (action, object,
 * detail) and why, and is chained: its hash is SHA-256 over the previous
 * record's hash and its own fields, each written as "length:bytes\n" so
 * that no two different records hash alike.  The first record's prev is
 * 64 zeros.  Triggers refuse UPDATE and DELETE; verification finds a
 * change made around them.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "hotline_int.h"

#define ZERO_HASH \
	"0000000000000000000000000000000000000000000000000000000000000000"

static int
put_field(EVP_MD_CTX *md, const char *s)
{
	char len[32];
	int n;

	if (s == NULL)
		s = "";
	n = snprintf(len, sizeof(len), "%zu:", strlen(s));
	return EVP_DigestUpdate(md, len, (size_t)n) == 1 &&
	    EVP_DigestUpdate(md, s, strlen(s)) == 1 &&
	    EVP_DigestUpdate(md, "\n", 1) == 1 ? 0 : -1;
}

/* chain_hash: hex SHA-256 of one record into hex[65]; 0 or -1. */
static int
chain_hash(const char *prev, int64_t seq, int64_t ts, const char *actor,
	   const char *role, const char *action, const char *object,
	   const char *detail, const char *reason, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0, i;
	char num[2][32];
	EVP_MD_CTX *c;
	int rc = -1;

	snprintf(num[0], sizeof(num[0]), "%lld", (long long)seq);
	snprintf(num[1], sizeof(num[1]), "%lld", (long long)ts);
	if ((c = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1 ||
	    put_field(c, prev) != 0 || put_field(c, num[0]) != 0 ||
	    put_field(c, num[1]) != 0 || put_field(c, actor) != 0 ||
	    put_field(c, role) != 0 || put_field(c, action) != 0 ||
	    put_field(c, object) != 0 || put_field(c, detail) != 0 ||
	    put_field(c, reason) != 0 ||
	    EVP_DigestFinal_ex(c, md, &mdlen) != 1 || mdlen != 32)
		goto done;
	for (i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
	rc = 0;
done:
	EVP_MD_CTX_free(c);
	return rc;
}

rf_status
rf__hl_audit(rf_hotline *h, const rf_hotline_actor *who, const char *action,
	     const char *object, const char *detail, const char *why,
	     rf_error *err)
{
	sqlite3_stmt *st = NULL;
	char prev[65], hash[65];
	const char *actor, *role;
	int64_t seq = 1, ts = (int64_t)time(NULL);
	rf_status rs = RF_OK;

	actor = who != NULL && who->name != NULL ? who->name : "system";
	role = rf_hotline_role_name(who != NULL ? who->role : RF_ROLE_SYSTEM);
	if (object == NULL)
		object = "";
	if (detail == NULL)
		detail = "";
	if (why == NULL)
		why = "";
	memcpy(prev, ZERO_HASH, sizeof(prev));
	if ((rs = rf__hl_prepare(h, "SELECT seq, hash FROM audit"
	    " ORDER BY seq DESC LIMIT 1", &st, err)) != RF_OK)
		goto done;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *p = rf__hl_col(st, 1);

		seq = sqlite3_column_int64(st, 0) + 1;
		if (p != NULL && strlen(p) == 64)
			memcpy(prev, p, sizeof(prev));
	}
	sqlite3_finalize(st);
	st = NULL;
	if (chain_hash(prev, seq, ts, actor, role, action, object, detail,
	    why, hash) != 0) {
		rs = rf_error_set(err, RF_ENOMEM, "SHA-256 failed");
		goto done;
	}
	if ((rs = rf__hl_prepare(h, "INSERT INTO audit (seq, ts, actor, role,"
	    " action, object, detail, reason, prev, hash)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, err)) != RF_OK)
		goto done;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int64(st, 2, ts);
	rf__hl_bind_text(st, 3, actor);
	rf__hl_bind_text(st, 4, role);
	rf__hl_bind_text(st, 5, action);
	rf__hl_bind_text(st, 6, object);
	rf__hl_bind_text(st, 7, detail);
	rf__hl_bind_text(st, 8, why);
	rf__hl_bind_text(st, 9, prev);
	rf__hl_bind_text(st, 10, hash);
	if (sqlite3_step(st) != SQLITE_DONE)
		rs = rf__hl_fail(h, "audit", err);
done:
	sqlite3_finalize(st);
	return rs;
}

rf_status
rf_hotline_audit(rf_hotline *h, const rf_hotline_actor *who,
		 const char *action, const char *object, const char *detail,
		 const char *why, rf_error *err)
{
	rf_status st;

	if ((st = rf__hl_begin(h, err)) != RF_OK)
		return st;
	if ((st = rf__hl_audit(h, who, action, object, detail, why, err)) !=
	    RF_OK || (st = rf__hl_commit(h, err)) != RF_OK)
		rf__hl_rollback(h);
	return st;
}

static void
audit_row(sqlite3_stmt *st, rf_hotline_audit_row *r)
{
	r->seq = sqlite3_column_int64(st, 0);
	r->when = (time_t)sqlite3_column_int64(st, 1);
	r->actor = rf__hl_col(st, 2);
	r->role = rf__hl_col(st, 3);
	r->action = rf__hl_col(st, 4);
	r->object = rf__hl_col(st, 5);
	r->detail = rf__hl_col(st, 6);
	r->reason = rf__hl_col(st, 7);
	r->prev = rf__hl_col(st, 8);
	r->hash = rf__hl_col(st, 9);
}

#define AUDIT_COLS "seq, ts, actor, role, action, object, detail, reason," \
	" prev, hash"

rf_status
rf_hotline_audit_list(rf_hotline *h, const char *object, unsigned limit,
		      unsigned offset, rf_hotline_audit_cb cb, void *arg,
		      rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_hotline_audit_row r;
	rf_status rs;
	int rc;

	/* two texts, not "?1 IS NULL OR object = ?1": with the OR SQLite
	 * scans the whole log instead of searching audit_object */
	rs = rf__hl_prepare(h, object != NULL ? "SELECT " AUDIT_COLS
	    " FROM audit WHERE object = ?1 ORDER BY seq DESC LIMIT ?2"
	    " OFFSET ?3" : "SELECT " AUDIT_COLS " FROM audit ORDER BY seq"
	    " DESC LIMIT ?2 OFFSET ?3", &st, err);
	if (rs != RF_OK)
		return rs;
	rf__hl_bind_text(st, 1, object);
	sqlite3_bind_int64(st, 2, limit != 0 ? limit :
	    h->lim.queue_page_size);
	sqlite3_bind_int64(st, 3, offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		audit_row(st, &r);
		if (cb(arg, &r) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		rs = rf__hl_fail(h, "audit list", err);
	sqlite3_finalize(st);
	return rs;
}

rf_status
rf_hotline_audit_count(rf_hotline *h, const char *object, int64_t *n,
		       rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_status rs;

	*n = 0;
	if ((rs = rf__hl_prepare(h, object != NULL ? "SELECT count(*) FROM"
	    " audit WHERE object = ?1" : "SELECT count(*) FROM audit WHERE"
	    " ?1 IS NULL", &st, err)) != RF_OK)
		return rs;
	rf__hl_bind_text(st, 1, object);
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		rs = rf__hl_fail(h, "audit count", err);
	sqlite3_finalize(st);
	return rs;
}

rf_status
rf_hotline_audit_verify(rf_hotline *h, int64_t *checked, int64_t *bad,
			rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_hotline_audit_row r;
	char prev[65], hash[65];
	int64_t n = 0, expect = 1;
	rf_status rs;
	int rc;

	*checked = 0;
	*bad = 0;
	memcpy(prev, ZERO_HASH, sizeof(prev));
	rs = rf__hl_prepare(h, "SELECT " AUDIT_COLS " FROM audit"
	    " ORDER BY seq", &st, err);
	if (rs != RF_OK)
		return rs;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		audit_row(&*st, &r);
		if (r.seq != expect) {
			*bad = expect;
			rs = rf_error_set(err, RF_EPARSE,
			    "audit record %lld is missing", (long long)expect);
			break;
		}
		if (r.prev == NULL || strcmp(r.prev, prev) != 0) {
			*bad = r.seq;
			rs = rf_error_set(err, RF_EPARSE, "audit record %lld "
			    "does not follow its predecessor",
			    (long long)r.seq);
			break;
		}
		if (chain_hash(prev, r.seq, (int64_t)r.when, r.actor, r.role,
		    r.action, r.object, r.detail, r.reason, hash) != 0) {
			rs = rf_error_set(err, RF_ENOMEM, "SHA-256 failed");
			break;
		}
		if (r.hash == NULL || strcmp(r.hash, hash) != 0) {
			*bad = r.seq;
			rs = rf_error_set(err, RF_EPARSE, "audit record %lld "
			    "was changed after it was written",
			    (long long)r.seq);
			break;
		}
		memcpy(prev, hash, sizeof(prev));
		n++;
		expect++;
	}
	if (rs == RF_OK && rc != SQLITE_DONE)
		rs = rf__hl_fail(h, "audit verify", err);
	sqlite3_finalize(st);
	*checked = n;
	return rs;
}
