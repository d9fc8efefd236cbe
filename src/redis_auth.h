/*
 * redis_auth.h - the password (and ACL user) the front ends give a Redis
 * store that asks for one (rf_redis_auth, redflag/store.h): the settings
 * redis_user and redis_password_file of redflag.conf, the options
 * --redis-user and --redis-password-file of every command that opens a
 * Redis store, and $REDFLAG_REDIS_PASSWORD_FILE.  The password is read
 * from a file, never taken from the command line or the environment
 * itself, so that it shows in no process list; it is read once the
 * options are read, by the commands that open a Redis store
 * (redis_auth_finish: the milter calls it before it chroots and drops
 * privileges, so the file may be root's alone; `redflag clean -c
 * redflag.conf`, which opens no store, and a command whose stores are
 * SQLite files never read it).  redflag.conf(5), docs/store.md.
 */
#ifndef REDFLAG_REDIS_AUTH_H
#define REDFLAG_REDIS_AUTH_H

#include <stddef.h>
#include <stdio.h>

#include <redflag/redflag.h>

/* What was given; both NULL by default (memset 0). */
struct redis_auth {
	char *user;		/* ACL user, or NULL: the default user */
	char *file;		/* redis_password_file, or NULL */
	char *password;		/* read by redis_auth_finish, or NULL: no
				 * AUTH */
};

/*
 * redis_password_read: the password in the file at path: its first line,
 * the line end (LF or CRLF) and anything after it left out, into a
 * malloc'ed *out (NUL-terminated; the caller wipes and frees it:
 * redis_auth_free).  0, or -1 with a reason naming the file (escaped),
 * never its content, in why (whysize bytes): it cannot be read, it is
 * empty, the password holds a NUL byte or is longer than
 * RF_REDIS_PASSWORD_MAX bytes.
 */
int redis_password_read(const char *path, char **out, char *why,
			size_t whysize);

/*
 * redis_auth_set: apply setting name of redflag.conf when it is one of
 * ours: "redis_user" (a name; "" unsets it) or "redis_password_file" (a
 * path, read by redis_auth_finish; "" unsets it).  1 when applied, 0
 * when name is another setting, -1 with why filled.
 */
int redis_auth_set(struct redis_auth *a, const char *name,
		   const char *value, char *why, size_t whysize);

/*
 * redis_auth_option: if argv[*i] is "--redis-user NAME" or
 * "--redis-password-file FILE" (or "--OPTION=VALUE"), apply it
 * (redis_auth_set).  1 when handled (advancing *i past a consumed
 * value), 0 when it is something else, -1 after reporting an error
 * ("CMD: --redis-password-file: ...", cmd the subcommand).
 */
int redis_auth_option(struct redis_auth *a, const char *cmd, int argc,
		      char **argv, int *i);

/*
 * redis_auth_finish: after the options, before a store is opened (and
 * before chroot), given the addresses of the stores the command will
 * open, specs[0..n) (NULL entries are none): when one names Redis
 * (rf_store_spec_file NULL), the password from the file
 * redis_password_file names, else from the one
 * $REDFLAG_REDIS_PASSWORD_FILE names, else none (redis_password_read),
 * and a user without a password is refused; when none does, nothing is
 * read (a SQLite store needs no password, and the file may be another
 * user's).  Called again with other specs, it reads the password only
 * when not read yet.  0, or -1 after reporting ("CMD: ..."; the caller
 * exits RF_EXIT_USAGE, the milter EX_CONFIG, the filter EX_TEMPFAIL).
 */
int redis_auth_finish(struct redis_auth *a, const char *cmd,
		      const char *const *specs, size_t n);

/* redis_auth_get: a as the library takes it (pointers into a, which
 * the open calls copy). */
rf_redis_auth redis_auth_get(const struct redis_auth *a);

/* redis_auth_store_options: o holds the defaults of a campaign store
 * (rf_store_options_default) with a's AUTH. */
void redis_auth_store_options(const struct redis_auth *a,
			      rf_store_options *o);

/* redis_auth_help: the lines of a usage text that say the options. */
void redis_auth_help(FILE *f);

/* redis_auth_free: wipe and release what a holds (a itself is the
 * caller's); a is empty after. */
void redis_auth_free(struct redis_auth *a);

#endif
