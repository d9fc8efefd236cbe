/*
 * store_lib.h - what the backends of the campaign store, the consent
 * store and the classifier share about the libraries under them (SQLite,
 * hiredis), made in one place: the error a backend reports when its
 * library fails, and a Redis reply read as a number.  The library's words
 * may carry bytes that others chose: a Redis server's error reply, a name
 * in the schema of an SQLite file someone else made; they reach an
 * rf_error only through rf_escape, cut after RF__STORE_TEXT_MAX of their
 * bytes.  Private (rf__*).
 */
#ifndef REDFLAG_STORE_LIB_H
#define REDFLAG_STORE_LIB_H

#include <stdint.h>

#include <redflag/error.h>
#include <redflag/store.h>

struct sqlite3;
struct redisContext;
struct redisReply;

/* RF__STORE_TEXT_MAX: bytes of a library's or server's text quoted in an
 * error message (the rest shows as "..."). */
#define RF__STORE_TEXT_MAX 200

/*
 * rf__sqlite_error: RF_ESTORE, with "WHAT: TEXT" in err (NULL allowed):
 * WHAT made from fmt as printf would, TEXT sqlite3_errmsg(db) escaped
 * (db NULL, as sqlite3_open_v2 leaves it when out of memory: "out of
 * memory").  Returns RF_ESTORE.
 */
rf_status rf__sqlite_error(rf_error *err, struct sqlite3 *db,
			   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * rf__sqlite_folder: the check every opener of a SQLite file (campaign
 * store, consent store, classifier, hotline) makes before
 * sqlite3_open_v2: RF_EINVAL with "no path given for WHAT" when path is
 * empty ("sqlite:" alone, where SQLite would open a temporary database
 * and forget it); RF_ESTORE with "is a folder, not WHAT" in err (NULL
 * allowed; what: "a store file", "a classifier database", ...) when path
 * names a folder, where SQLite would say only "unable to open database
 * file" or "disk I/O error"; else RF_OK (a path that does not exist
 * included: the opener creates it or says why not).
 */
rf_status rf__sqlite_folder(const char *path, const char *what,
			    rf_error *err);

/* RF__SQLITE_WAL_RETRY_MS: how often rf__sqlite_wal tries again. */
#define RF__SQLITE_WAL_RETRY_MS 10

/*
 * rf__sqlite_wal: put db in WAL mode ("PRAGMA journal_mode=WAL"), trying
 * again every RF__SQLITE_WAL_RETRY_MS while SQLite answers busy, until
 * timeout_ms have passed in all (the busy handler's own waits included).  Two connections that switch a new file at once each hold
 * the read lock the other must see released; SQLite then answers
 * SQLITE_BUSY at once, without calling the busy handler (waiting would
 * deadlock), so the busy timeout alone does not cover it.  SQLite's
 * result code (SQLITE_OK once in WAL mode); its message stays in db.
 */
int rf__sqlite_wal(struct sqlite3 *db, unsigned timeout_ms);

/*
 * rf__sqlite_moved: 1 when the file db has open ("main") is no longer
 * the file at the path it was opened from: deleted, renamed, or another
 * put in its place (a backup moved there); else 0, and 0 when db is NULL
 * or its VFS cannot tell.  SQLite's SQLITE_FCNTL_HAS_MOVED: one stat(2)
 * of the path, its inode compared with the open file's; nothing is read
 * or written, WAL or not.  A connection whose file moved still works, on
 * a file that nobody opening the path sees again.
 */
int rf__sqlite_moved(struct sqlite3 *db);

/*
 * rf__sqlite_close: sqlite3_close(db) (NULL allowed; its statements
 * finalized first), as every opener of a SQLite file closes it.  When the
 * file moved (rf__sqlite_moved), SQLite at close neither copies the
 * write-ahead log into the file nor removes the log, and a log left at
 * the path (the -wal is named by the path: a file moved alone leaves it)
 * would lend its pages to the next file opened there (a backup moved in
 * is read with the old file's pages): so the log is copied into the file
 * first and emptied (PRAGMA wal_checkpoint(TRUNCATE), waiting for other
 * processes' readers as the busy timeout lets it); the moved file is then
 * whole.
 */
void rf__sqlite_close(struct sqlite3 *db);

/*
 * rf__redis_error: RF_ESTORE, with "WHAT: TEXT" in err (NULL allowed):
 * WHAT made from fmt as printf would; TEXT, escaped: for rep NULL (no
 * reply: the connection failed) c's errstr ("no answer" when c is NULL
 * or its errstr empty), for an error reply the server's text (a NOAUTH
 * one: RF__REDIS_NOAUTH, which says how to give a password), for any
 * other reply "unexpected reply".  Returns RF_ESTORE.
 */
#define RF__REDIS_NOAUTH "the server asks for a password (NOAUTH): set " \
	"redis_password_file (redflag.conf) or --redis-password-file"
/* RF__REDIS_NOPASS: why Redis refused an AUTH: it has no password for
 * its default user (no requirepass) */
#define RF__REDIS_NOPASS "the server has no password: leave " \
	"redis_password_file unset, or set requirepass"
rf_status rf__redis_error(rf_error *err, const struct redisContext *c,
			  const struct redisReply *rep, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* RF__REDIS_HOST_MAX, RF__REDIS_PREFIX_MAX: the longest Redis host name
 * or Unix socket path (bytes, with its NUL) and key prefix (bytes) a
 * spec may give. */
#define RF__REDIS_HOST_MAX 256
#define RF__REDIS_PREFIX_MAX 64

/* A Redis server as a spec names it, and the credentials given beside
 * the spec (rf__redis_spec_auth; never in it). */
struct rf__redis_spec {
	char host[RF__REDIS_HOST_MAX];	/* or the Unix socket's path */
	int port;			/* 0: a Unix socket */
	char prefix[RF__REDIS_PREFIX_MAX + 1];	/* of every key */
	char user[RF_REDIS_USER_MAX + 1];	/* "": the default user */
	char pass[RF_REDIS_PASSWORD_MAX + 1];	/* "": no AUTH */
};

/*
 * rf__redis_spec_parse: the one reading of a Redis spec, for the campaign
 * store, the consent store and the classifier: "redis://HOST[:PORT]
 * [/PREFIX]" (an IPv6 address in brackets: "redis://[::1]:6379/p") or
 * "unix:PATH[#PREFIX]", into *out (port 6379 and prefix "rf" unless
 * given).  0, or -1 when spec is neither: an empty host or one of
 * RF__REDIS_HOST_MAX bytes or more, anything but ":PORT" after a bracket,
 * a port not 1 to 65535, a prefix empty, longer than RF__REDIS_PREFIX_MAX
 * or with a byte other than an ASCII letter, a digit, '_', '.' or '-'.
 * The caller words the error (RF__REDIS_SPEC_WANT says what is wanted).
 * Leaves no credentials in *out (user and pass "").
 */
int rf__redis_spec_parse(const char *spec, struct rf__redis_spec *out);
#define RF__REDIS_SPEC_WANT "redis://HOST[:PORT][/PREFIX] or " \
	"unix:PATH[#PREFIX], a prefix of letters, digits, '_', '.', '-'"

/*
 * rf__redis_spec_auth: copy a (NULL: none) into s's user and pass, as
 * rf_redis_auth (redflag/store.h) says; RF_OK, or RF_EINVAL with
 * "WHAT: ..." in err (what: "store", "consent store", "classifier"),
 * the password never quoted.  rf__redis_spec_wipe: overwrite s's copy
 * (sodium_memzero), as every backend does when it closes.
 */
rf_status rf__redis_spec_auth(struct rf__redis_spec *s,
			      const rf_redis_auth *a, const char *what,
			      rf_error *err);
void rf__redis_spec_wipe(struct rf__redis_spec *s);

/* rf__redis_connect: a connection to the server s names, the connection
 * and each command bounded by timeout_ms milliseconds
 * (redisConnectWithTimeout or redisConnectUnixWithTimeout, then
 * redisSetTimeout), then, when s has a password, "AUTH [USER] PASSWORD"
 * (each an argument of its own, never formatted into the command); NULL
 * when out of memory, else the caller checks its err (set when any of
 * them failed: errstr "authentication refused (THE SERVER'S ERROR)"
 * when AUTH was, the server's text withheld when it holds the password)
 * and frees it. */
struct redisContext *rf__redis_connect(const struct rf__redis_spec *s,
				       unsigned timeout_ms);

/* rf__redis_usable: whether c (NULL allowed) can take the next command:
 * made, with no error, and not closed by the server since (a restarted
 * or stopped Redis, its idle timeout: the end of stream already waits on
 * the socket, seen with one non-blocking peek).  A connection that is
 * not is made again by its caller before the command is sent, so the
 * first command after a Redis restart does not fail; a command is never
 * sent twice. */
int rf__redis_usable(const struct redisContext *c);

/* rf__redis_int: a reply as a number: an integer reply's value, a string
 * reply's leading decimal digits (strtoll), 0 for anything else (nil, an
 * error, an array) and for rep NULL. */
int64_t rf__redis_int(const struct redisReply *rep);

#endif
