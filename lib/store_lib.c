/* store_lib.c - what the store backends share about SQLite and hiredis:
 * their errors, the library's words escaped; a Redis reply as a number;
 * connecting to Redis, with AUTH (see store_lib.h). */
#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include <hiredis.h>
#include <sodium.h>
#include <sqlite3.h>

#include "internal.h"
#include "store_lib.h"

/* put: "WHAT: TEXT" into err, WHAT from fmt and ap, TEXT escaped. */
static rf_status
put(rf_error *err, const char *text, const char *fmt, va_list ap)
{
	char what[RF_ERROR_MAX];
	char esc[RF__STORE_TEXT_MAX + 56];	/* room for some \xNN */

	if (err == NULL)
		return RF_ESTORE;
	vsnprintf(what, sizeof(what), fmt, ap);
	return rf_error_set(err, RF_ESTORE, "%s: %s", what,
	    rf_escape(esc, sizeof(esc), text, RF__STORE_TEXT_MAX));
}

rf_status
rf__sqlite_error(rf_error *err, struct sqlite3 *db, const char *fmt, ...)
{
	va_list ap;
	rf_status st;

	va_start(ap, fmt);
	st = put(err, db != NULL ? sqlite3_errmsg(db) : "out of memory", fmt,
	    ap);
	va_end(ap);
	return st;
}

rf_status
rf__sqlite_folder(const char *path, const char *what, rf_error *err)
{
	struct stat sb;

	if (*path == '\0')	/* SQLite: a temporary database */
		return rf_error_set(err, RF_EINVAL, "no path given for %s",
		    what);
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return rf_error_set(err, RF_ESTORE, "is a folder, not %s",
		    what);
	return RF_OK;
}

/* ms_since: milliseconds from t0 to now (monotonic). */
static double
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

int
rf__sqlite_wal(sqlite3 *db, unsigned timeout_ms)
{
	struct timespec t0;
	int rc;

	/* the time really spent: a held lock makes each try wait in the
	 * busy handler first */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (((rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL,
	    NULL)) & 0xff) == SQLITE_BUSY && ms_since(&t0) < timeout_ms)
		sqlite3_sleep(RF__SQLITE_WAL_RETRY_MS);
	return rc;
}

int
rf__sqlite_moved(sqlite3 *db)
{
	int moved = 0;

	if (db == NULL || sqlite3_file_control(db, "main",
	    SQLITE_FCNTL_HAS_MOVED, &moved) != SQLITE_OK)
		return 0;
	return moved != 0;
}

void
rf__sqlite_close(sqlite3 *db)
{
	if (db == NULL)
		return;
	/* SQLite leaves the log of a moved file as it is at close (no
	 * checkpoint, no delete): copied and emptied here, or the file put
	 * at the path would take this one's pages from the -wal left there
	 * at its next open.  A read-only connection cannot: it fails,
	 * changing nothing. */
	if (rf__sqlite_moved(db))
		(void)sqlite3_wal_checkpoint_v2(db, NULL,
		    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_close(db);
}

rf_status
rf__redis_error(rf_error *err, const struct redisContext *c,
		const struct redisReply *rep, const char *fmt, ...)
{
	const char *text;
	va_list ap;
	rf_status st;

	if (rep == NULL)
		text = c != NULL && c->errstr[0] != '\0' ? c->errstr :
		    "no answer";
	else if (rep->type == REDIS_REPLY_ERROR &&
	    strncmp(rep->str, "NOAUTH", 6) == 0)
		text = RF__REDIS_NOAUTH;
	else if (rep->type == REDIS_REPLY_ERROR)
		text = rep->str;
	else
		text = "unexpected reply";
	va_start(ap, fmt);
	st = put(err, text, fmt, ap);
	va_end(ap);
	return st;
}

int64_t
rf__redis_int(const struct redisReply *rep)
{
	if (rep == NULL)
		return 0;
	if (rep->type == REDIS_REPLY_INTEGER)
		return rep->integer;
	if (rep->type == REDIS_REPLY_STRING)
		return strtoll(rep->str, NULL, 10);
	return 0;
}

int
rf__store_spec_is_redis(const char *spec)
{
	return strncmp(spec, "redis://", 8) == 0 ||
	    strncmp(spec, "unix:", 5) == 0;
}

const char *
rf_store_spec_file(const char *spec)
{
	if (spec == NULL || rf__store_spec_is_redis(spec))
		return NULL;
	return strncmp(spec, "sqlite:", 7) == 0 ? spec + 7 : spec;
}

int
rf__redis_spec_parse(const char *spec, struct rf__redis_spec *out)
{
	const char *host, *hend, *prefix = "rf", *rest;
	char *e = NULL;
	long port = 6379;
	size_t n;

	if (strncmp(spec, "unix:", 5) == 0) {
		host = spec + 5;
		rest = strchr(host, '#');
		hend = rest != NULL ? rest : host + strlen(host);
		if (rest != NULL)
			prefix = rest + 1;
		port = 0;
	} else if (strncmp(spec, "redis://", 8) == 0) {
		host = spec + 8;
		rest = strchr(host, '/');
		if (rest != NULL)
			prefix = rest + 1;
		else
			rest = host + strlen(host);
		if (*host == '[') {	/* [IPv6], then only :PORT or nothing */
			host++;
			if ((hend = memchr(host, ']', (size_t)(rest - host))) ==
			    NULL || (hend[1] != ':' && hend + 1 != rest))
				return -1;
			e = (char *)hend + 1;
		} else {
			e = memchr(host, ':', (size_t)(rest - host));
			hend = e != NULL ? e : rest;
		}
		if (e != NULL && *e == ':') {
			port = strtol(e + 1, &e, 10);
			if (e != rest || port < 1 || port > 65535)
				return -1;
		}
	} else {
		return -1;
	}
	n = (size_t)(hend - host);
	if (n == 0 || n >= sizeof(out->host) || *prefix == '\0' ||
	    strlen(prefix) > RF__REDIS_PREFIX_MAX || strspn(prefix,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	    "_.-") != strlen(prefix))
		return -1;
	memcpy(out->host, host, n);
	out->host[n] = '\0';
	out->port = (int)port;
	memcpy(out->prefix, prefix, strlen(prefix) + 1);
	out->user[0] = out->pass[0] = '\0';
	return 0;
}

int
rf_redis_user_ok(const char *user)
{
	size_t n;

	for (n = 0; user[n] != '\0'; n++)
		if (user[n] < 0x21 || user[n] > 0x7e || n >= RF_REDIS_USER_MAX)
			return 0;
	return n > 0;
}

rf_status
rf__redis_spec_auth(struct rf__redis_spec *s, const rf_redis_auth *a,
		    const char *what, rf_error *err)
{
	size_t n;

	s->user[0] = s->pass[0] = '\0';
	if (a == NULL || (a->password == NULL && a->user == NULL))
		return RF_OK;
	if (a->password == NULL)
		return rf_error_set(err, RF_EINVAL, "%s: a Redis user needs a "
		    "password", what);
	if (a->user != NULL && !rf_redis_user_ok(a->user))
		return rf_error_set(err, RF_EINVAL, "%s: a Redis user is 1 to "
		    "%d bytes of printable ASCII, no space", what,
		    RF_REDIS_USER_MAX);
	if ((n = strlen(a->password)) == 0 || n > RF_REDIS_PASSWORD_MAX)
		return rf_error_set(err, RF_EINVAL, "%s: a Redis password is 1 "
		    "to %d bytes", what, RF_REDIS_PASSWORD_MAX);
	if (a->user != NULL)
		memcpy(s->user, a->user, strlen(a->user) + 1);
	memcpy(s->pass, a->password, n + 1);
	return RF_OK;
}

void
rf__redis_spec_wipe(struct rf__redis_spec *s)
{
	sodium_memzero(s->user, sizeof(s->user));
	sodium_memzero(s->pass, sizeof(s->pass));
}

/* auth: send c the AUTH of s; on failure c->err and c->errstr say why:
 * "authentication refused (TEXT)", TEXT the server's error, or
 * RF__REDIS_NOPASS for Redis's long answer to a password it has none to
 * check (which would not fit hiredis's errstr); a TEXT cut by errstr's
 * size ends in "...)". */
static void
auth(redisContext *c, const struct rf__redis_spec *s)
{
	static const char nopass[] = "without any password configured";
	redisReply *rep;
	const char *text;
	int n;

	rep = s->user[0] != '\0' ?
	    redisCommand(c, "AUTH %s %s", s->user, s->pass) :
	    redisCommand(c, "AUTH %s", s->pass);
	if (rep == NULL)	/* c->err set by hiredis */
		return;
	if (rep->type != REDIS_REPLY_STATUS || strcmp(rep->str, "OK") != 0) {
		/* Redis does not quote the password; should a server do,
		 * its words stay out of every message */
		text = rep->type != REDIS_REPLY_ERROR ? "unexpected reply" :
		    strstr(rep->str, s->pass) != NULL ? "the reply quotes "
		    "the password: withheld" : strstr(rep->str, nopass) !=
		    NULL ? RF__REDIS_NOPASS : rep->str;
		c->err = REDIS_ERR_OTHER;
		n = snprintf(c->errstr, sizeof(c->errstr),
		    "authentication refused (%s)", text);
		if (n < 0 || (size_t)n >= sizeof(c->errstr))
			memcpy(c->errstr + sizeof(c->errstr) - 5, "...)", 5);
	}
	freeReplyObject(rep);
}

int
rf__redis_usable(const struct redisContext *c)
{
	char b;
	ssize_t n;

	if (c == NULL || c->err != 0 || c->fd < 0)
		return 0;
	/* no reply is awaited between commands: a byte or the end of
	 * stream means the server is done with the connection */
	n = recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
	return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR);
}

struct redisContext *
rf__redis_connect(const struct rf__redis_spec *s, unsigned timeout_ms)
{
	struct timeval tv;
	redisContext *c;

	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	c = s->port != 0 ? redisConnectWithTimeout(s->host, s->port, tv) :
	    redisConnectUnixWithTimeout(s->host, tv);
	if (c != NULL && c->err == 0 && redisSetTimeout(c, tv) != REDIS_OK &&
	    c->err == 0) {
		/* refused without a reason (hiredis gives one when the
		 * socket option fails) */
		c->err = REDIS_ERR_OTHER;
		snprintf(c->errstr, sizeof(c->errstr),
		    "cannot set the timeout");
	}
	if (c != NULL && c->err == 0 && s->pass[0] != '\0')
		auth(c, s);
	return c;
}
