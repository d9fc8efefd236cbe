/*
 * hotline_user.c - hotline staff: accounts (argon2id password hashes,
 * crypto_pwhash_str), sessions with their CSRF tokens, and the reads
 * only a supervisor may make (raw form, reporter contact), each audited.
 *
 * Session tokens are stored hashed (SHA-256 via crypto_hash_sha256), so
 * a copy of the database does not hand out live sessions.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "hotline_int.h"

#define TOKEN_BYTES 32
/* the argon2id cost of every password hash (crypto_pwhash_str) */
#define PW_OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

static void
hex(char *out, const unsigned char *p, size_t n)
{
	sodium_bin2hex(out, 2 * n + 1, p, n);
}

static void
token_hash(const char *token, char out[65])
{
	unsigned char md[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(md, (const unsigned char *)token, strlen(token));
	hex(out, md, sizeof(md));
}

int
rf_hotline_token_equal(const char *a, const char *b)
{
	size_t n;

	if (a == NULL || b == NULL || (n = strlen(a)) != strlen(b) || n == 0)
		return 0;
	return sodium_memcmp(a, b, n) == 0;
}

static int
good_name(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!(islower((unsigned char)s[i]) ||
		    isdigit((unsigned char)s[i]) || s[i] == '.' ||
		    s[i] == '_' || s[i] == '-'))
			return 0;
	return i >= 1 && i <= 64;
}

/* user_check: who may manage users (verb: "add", "remove") and name is
 * a user name; RF_OK or RF_EINVAL. */
static rf_status
user_check(const rf_hotline_actor *who, const char *verb, const char *name,
	   rf_error *err)
{
	if (who == NULL || !rf_hotline_may(who->role, RF_PERM_USERS))
		return rf_error_set(err, RF_EINVAL, "not allowed to %s users",
		    verb);
	if (name == NULL || !good_name(name))
		return rf_error_set(err, RF_EINVAL, "a user name is 1 to 64 of "
		    "a-z, 0-9, '.', '_', '-'");
	return RF_OK;
}

/* delete_user: the DELETE of sql (one parameter, the name); *changed
 * counts the rows it removed. */
static rf_status
delete_user(rf_hotline *h, const char *sql, const char *name, int *changed,
	    rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_status rs;

	if ((rs = rf__hl_prepare(h, sql, &st, err)) != RF_OK)
		return rs;
	rf__hl_bind_text(st, 1, name);
	if (sqlite3_step(st) != SQLITE_DONE)
		rs = rf__hl_fail(h, "remove user", err);
	else
		*changed = sqlite3_changes(h->db);
	sqlite3_finalize(st);
	return rs;
}

rf_status
rf_hotline_user_remove(rf_hotline *h, const rf_hotline_actor *who,
		       const char *name, rf_error *err)
{
	char obj[80];
	int users = 0, sessions = 0;
	rf_status rs;

	if ((rs = user_check(who, "remove", name, err)) != RF_OK)
		return rs;
	if ((rs = rf__hl_begin(h, err)) != RF_OK)
		return rs;
	if ((rs = delete_user(h, "DELETE FROM users WHERE name = ?", name,
	    &users, err)) != RF_OK || (rs = delete_user(h, "DELETE FROM "
	    "sessions WHERE user = ?", name, &sessions, err)) != RF_OK)
		goto done;
	if (users == 0) {
		rs = rf_error_set(err, RF_ENOTFOUND, "no user %s", name);
		goto done;
	}
	snprintf(obj, sizeof(obj), "user:%s", name);
	if ((rs = rf__hl_audit(h, who, "user.remove", obj, sessions > 0 ?
	    "signed out" : NULL, NULL, err)) != RF_OK)
		goto done;
	rs = rf__hl_commit(h, err);
done:
	if (rs != RF_OK)
		rf__hl_rollback(h);
	return rs;
}

rf_status
rf_hotline_user_count(rf_hotline *h, int64_t *n, rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_status rs;

	*n = 0;
	if ((rs = rf__hl_prepare(h, "SELECT count(*) FROM users", &st,
	    err)) != RF_OK)
		return rs;
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		rs = rf__hl_fail(h, "count users", err);
	sqlite3_finalize(st);
	return rs;
}

rf_status
rf_hotline_user_add(rf_hotline *h, const rf_hotline_actor *who,
		    const char *name, rf_hotline_role role,
		    const char *password, rf_error *err)
{
	char hash[crypto_pwhash_STRBYTES];
	sqlite3_stmt *st = NULL;
	char obj[80];
	rf_status rs;

	if ((rs = user_check(who, "add", name, err)) != RF_OK)
		return rs;
	if (role == RF_ROLE_NONE || role == RF_ROLE_SYSTEM)
		return rf_error_set(err, RF_EINVAL, "no such role");
	if (password == NULL || strlen(password) < 10 ||
	    strlen(password) > 1024)
		return rf_error_set(err, RF_EINVAL, "a password has 10 to 1024 "
		    "bytes");
	if (crypto_pwhash_str(hash, password, strlen(password), PW_OPS,
	    PW_MEM) != 0)
		return rf_error_set(err, RF_ENOMEM, "password hashing failed");
	if ((rs = rf__hl_begin(h, err)) != RF_OK)
		return rs;
	if ((rs = rf__hl_prepare(h, "INSERT INTO users (name, role, pwhash,"
	    " created) VALUES (?, ?, ?, ?)", &st, err)) != RF_OK)
		goto done;
	rf__hl_bind_text(st, 1, name);
	sqlite3_bind_int(st, 2, (int)role);
	rf__hl_bind_text(st, 3, hash);
	sqlite3_bind_int64(st, 4, (int64_t)time(NULL));
	if (sqlite3_step(st) != SQLITE_DONE) {
		rs = sqlite3_extended_errcode(h->db) ==
		    SQLITE_CONSTRAINT_PRIMARYKEY ?
		    rf_error_set(err, RF_EINVAL, "user %s exists", name) :
		    rf__hl_fail(h, "add user", err);
		goto done;
	}
	snprintf(obj, sizeof(obj), "user:%s", name);
	if ((rs = rf__hl_audit(h, who, "user.add", obj,
	    rf_hotline_role_name(role), NULL, err)) != RF_OK)
		goto done;
	rs = rf__hl_commit(h, err);
done:
	if (rs != RF_OK)
		rf__hl_rollback(h);
	sqlite3_finalize(st);
	sodium_memzero(hash, sizeof(hash));
	return rs;
}

/* same_cost: what checking password against a user's hash costs (an
 * argon2id hash of it with the parameters every user's hash has), spent
 * for a name that has none, so that a sign-in's time does not tell
 * which names exist.  The hash is thrown away. */
static void
same_cost(const char *password)
{
	char hash[crypto_pwhash_STRBYTES];
	/* a failure (out of memory) fails the sign-in all the same */
	int rc = crypto_pwhash_str(hash, password, strlen(password), PW_OPS,
	    PW_MEM);

	(void)rc;
	sodium_memzero(hash, sizeof(hash));
}

rf_status
rf_hotline_login(rf_hotline *h, const char *name, const char *password,
		 long ttl, rf_arena *a, const char **token, const char **csrf,
		 rf_hotline_role *role, rf_error *err)
{
	unsigned char raw[TOKEN_BYTES];
	char tok[2 * TOKEN_BYTES + 1], ctok[2 * TOKEN_BYTES + 1], th[65];
	char obj[80];
	sqlite3_stmt *st = NULL;
	rf_hotline_actor who = { "anonymous", RF_ROLE_NONE };
	rf_hotline_role r = RF_ROLE_NONE;
	int ok = 0, known = 0;
	rf_status rs;

	*token = *csrf = NULL;
	if (name == NULL || password == NULL || strlen(name) > 64 ||
	    strlen(password) > 1024)
		return rf_error_set(err, RF_EINVAL, "wrong user name or "
		    "password");
	if ((rs = rf__hl_prepare(h, "SELECT role, pwhash FROM users WHERE"
	    " name = ?", &st, err)) != RF_OK)
		return rs;
	rf__hl_bind_text(st, 1, name);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *ph = rf__hl_col(st, 1);

		r = (rf_hotline_role)sqlite3_column_int(st, 0);
		if (ph != NULL) {
			known = 1;
			ok = crypto_pwhash_str_verify(ph, password,
			    strlen(password)) == 0;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!known)
		same_cost(password);
	/* only a user's own name is recorded: what was typed for an
	 * unknown one may be a password typed in the wrong field */
	snprintf(obj, sizeof(obj), "user:%s", known ? name : "?");
	if (!ok) {
		rf_hotline_audit(h, &who, "login.fail", obj, "", NULL, NULL);
		return rf_error_set(err, RF_EINVAL, "wrong user name or "
		    "password");
	}
	randombytes_buf(raw, sizeof(raw));
	hex(tok, raw, sizeof(raw));
	randombytes_buf(raw, sizeof(raw));
	hex(ctok, raw, sizeof(raw));
	token_hash(tok, th);
	who.name = name;
	who.role = r;
	if ((rs = rf__hl_begin(h, err)) != RF_OK)
		return rs;
	if ((rs = rf__hl_prepare(h, "DELETE FROM sessions WHERE expires < ?",
	    &st, err)) != RF_OK)
		goto done;
	sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
	sqlite3_step(st);
	sqlite3_finalize(st);
	if ((rs = rf__hl_prepare(h, "INSERT INTO sessions (token_hash, user,"
	    " csrf, expires) VALUES (?, ?, ?, ?)", &st, err)) != RF_OK)
		goto done;
	rf__hl_bind_text(st, 1, th);
	rf__hl_bind_text(st, 2, name);
	rf__hl_bind_text(st, 3, ctok);
	sqlite3_bind_int64(st, 4, (int64_t)time(NULL) + ttl);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rs = rf__hl_fail(h, "session", err);
		goto done;
	}
	if ((rs = rf__hl_audit(h, &who, "login", obj, "", NULL, err)) != RF_OK)
		goto done;
	if ((rs = rf__hl_commit(h, err)) != RF_OK)
		goto done;
	*token = rf_arena_strdup(a, tok);
	*csrf = rf_arena_strdup(a, ctok);
	*role = r;
	if (*token == NULL || *csrf == NULL)
		rs = rf_error_set(err, RF_ENOMEM, "out of memory");
done:
	if (rs != RF_OK)
		rf__hl_rollback(h);
	sqlite3_finalize(st);
	sodium_memzero(tok, sizeof(tok));
	return rs;
}

rf_status
rf_hotline_session(rf_hotline *h, const char *token, rf_arena *a,
		   const char **name, rf_hotline_role *role, const char **csrf,
		   rf_error *err)
{
	sqlite3_stmt *st = NULL;
	char th[65];
	rf_status rs;

	*name = *csrf = NULL;
	if (token == NULL || strlen(token) != 2 * TOKEN_BYTES)
		return rf_error_set(err, RF_ENOTFOUND, "no session");
	token_hash(token, th);
	if ((rs = rf__hl_prepare(h, "SELECT s.user, u.role, s.csrf FROM"
	    " sessions s JOIN users u ON u.name = s.user"
	    " WHERE s.token_hash = ? AND s.expires > ?", &st, err)) != RF_OK)
		return rs;
	rf__hl_bind_text(st, 1, th);
	sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
	if (sqlite3_step(st) == SQLITE_ROW) {
		*name = rf_arena_strdup(a, rf__hl_col(st, 0));
		*role = (rf_hotline_role)sqlite3_column_int(st, 1);
		*csrf = rf_arena_strdup(a, rf__hl_col(st, 2));
		if (*name == NULL || *csrf == NULL)
			rs = rf_error_set(err, RF_ENOMEM, "out of memory");
	} else {
		rs = rf_error_set(err, RF_ENOTFOUND, "no session");
	}
	sqlite3_finalize(st);
	return rs;
}

rf_status
rf_hotline_logout(rf_hotline *h, const char *token, rf_error *err)
{
	sqlite3_stmt *st = NULL;
	char th[65];
	rf_status rs;

	if (token == NULL)
		return RF_OK;
	token_hash(token, th);
	if ((rs = rf__hl_prepare(h, "DELETE FROM sessions WHERE token_hash = ?",
	    &st, err)) != RF_OK)
		return rs;
	rf__hl_bind_text(st, 1, th);
	if (sqlite3_step(st) != SQLITE_DONE)
		rs = rf__hl_fail(h, "logout", err);
	sqlite3_finalize(st);
	return rs;
}

/* ---- supervisor reads ---- */

static rf_status
audited_read(rf_hotline *h, const rf_hotline_actor *who, unsigned perm,
	     const char *action, int64_t report_id, const char *why,
	     rf_error *err)
{
	char obj[40];

	if (who == NULL || !rf_hotline_may(who->role, perm) ||
	    who->role == RF_ROLE_SYSTEM)
		return rf_error_set(err, RF_EINVAL, "only a supervisor may "
		    "read this");
	if (why == NULL || *why == '\0')
		return rf_error_set(err, RF_EINVAL, "a reason is required");
	if (strlen(why) > h->lim.max_field_len)
		return rf_error_set(err, RF_ELIMIT, "the reason is longer "
		    "than max_field_len");
	snprintf(obj, sizeof(obj), "report:%lld", (long long)report_id);
	return rf_hotline_audit(h, who, action, obj, "", why, err);
}

rf_status
rf_hotline_raw_read(rf_hotline *h, const rf_hotline_actor *who,
		    int64_t report_id, const char *why, rf_arena *a,
		    const char **raw, rf_error *err)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *box, *nonce;
	unsigned char *plain = NULL;
	size_t boxlen;
	rf_status rs;

	*raw = NULL;
	if (!h->has_key)
		return rf_error_set(err, RF_EINVAL, "no raw-form key given");
	if ((rs = audited_read(h, who, RF_PERM_RAW, "report.raw_read",
	    report_id, why, err)) != RF_OK)
		return rs;
	if ((rs = rf__hl_prepare(h, "SELECT raw, raw_nonce FROM reports WHERE"
	    " id = ? AND raw IS NOT NULL", &st, err)) != RF_OK)
		return rs;
	sqlite3_bind_int64(st, 1, report_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rs = rf_error_set(err, RF_ENOTFOUND, "no raw form stored for "
		    "report %lld", (long long)report_id);
		goto done;
	}
	box = sqlite3_column_blob(st, 0);
	boxlen = (size_t)sqlite3_column_bytes(st, 0);
	nonce = sqlite3_column_blob(st, 1);
	if (box == NULL || nonce == NULL || boxlen < crypto_secretbox_MACBYTES ||
	    sqlite3_column_bytes(st, 1) != crypto_secretbox_NONCEBYTES) {
		rs = rf_error_set(err, RF_EPARSE, "damaged raw form");
		goto done;
	}
	if ((plain = rf_arena_alloc(a, boxlen - crypto_secretbox_MACBYTES +
	    1)) == NULL) {
		rs = rf_error_set(err, RF_ENOMEM, "out of memory");
		goto done;
	}
	if (crypto_secretbox_open_easy(plain, box, boxlen, nonce, h->key) !=
	    0) {
		rs = rf_error_set(err, RF_EPARSE, "the raw form does not "
		    "decrypt with this key");
		goto done;
	}
	*raw = (const char *)plain;
done:
	sqlite3_finalize(st);
	return rs;
}

rf_status
rf_hotline_contact_read(rf_hotline *h, const rf_hotline_actor *who,
			int64_t report_id, const char *why, rf_arena *a,
			rf_hotline_contact *out, rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_status rs;

	memset(out, 0, sizeof(*out));
	if ((rs = audited_read(h, who, RF_PERM_CONTACT, "report.contact_read",
	    report_id, why, err)) != RF_OK)
		return rs;
	if ((rs = rf__hl_prepare(h, "SELECT name, email, phone FROM contacts"
	    " WHERE report_id = ?", &st, err)) != RF_OK)
		return rs;
	sqlite3_bind_int64(st, 1, report_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->name = rf_arena_strdup(a, rf__hl_col(st, 0));
		out->email = rf_arena_strdup(a, rf__hl_col(st, 1));
		out->phone = rf_arena_strdup(a, rf__hl_col(st, 2));
	} else {
		rs = rf_error_set(err, RF_ENOTFOUND, "no contact details for "
		    "report %lld", (long long)report_id);
	}
	sqlite3_finalize(st);
	return rs;
}
