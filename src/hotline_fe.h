/*
 * hotline_fe.h - what `redflag hotline` and `redflag serve` share:
 * the options that name the store, opening it, reading a mail report.
 */
#ifndef REDFLAG_HOTLINE_FE_H
#define REDFLAG_HOTLINE_FE_H

#include <time.h>

#include <redflag/redflag.h>

#define HL_DEFAULT_DB "redflag-hotline.db"

/* HL_OFFSET_MAX: the largest offset into a long list, on the command line
 * (--offset) and in a page's address (?offset=): the store holds fewer. */
#define HL_OFFSET_MAX 2000000000ull

struct hl_fe {
	const char *db;			/* --db, default HL_DEFAULT_DB */
	const char *key_file;		/* --raw-key FILE, or NULL */
	rf_limits limits;		/* --set for message limits */
	rf_hotline_opts opts;		/* --set for hotline limits */
	unsigned char key[RF_HOTLINE_KEYBYTES];
	rf_ctx *ctx;
	rf_rules *rules;
	rf_hotline *h;
	int must_exist;			/* a missing store is refused (the
					 * commands that make none) */
	int lost;			/* hl_fe_current: the file moved and
					 * the path could not be opened again
					 * (said once); h is NULL */
};

/* hl_fe_init: defaults (db from $REDFLAG_HOTLINE_DB when set). */
void hl_fe_init(struct hl_fe *fe);

/* hl_fe_option: handle --db, --raw-key, --set at argv[*i] (--set NAME=VALUE
 * or --set=NAME=VALUE, split by cli_set_option: a hotline limit, else a
 * message limit) for command cmd ("hotline", "serve"); 1 when handled
 * (advancing *i over a value), 0 when not ours, -1 after reporting an
 * error (a missing value through cli_bad_option, as every command). */
int hl_fe_option(struct hl_fe *fe, const char *cmd, int argc, char **argv,
		 int *i);

/* hl_fe_open: make the context, load the tracking rules and the key, and
 * open the store for command cmd ("hotline cases", "serve": each
 * diagnostic starts "CMD: "); 0, or after a diagnostic (what it opened
 * closed again,
 * as by hl_fe_close) the exit status: RF_EXIT_INPUT when the key file
 * cannot be read or holds no key, RF_EXIT_UNAVAILABLE when the store
 * cannot be opened or, with must_exist, is not there (cli_store_there:
 * none is made), RF_EXIT_SOFTWARE for an internal error. */
int hl_fe_open(struct hl_fe *fe, const char *cmd);

void hl_fe_close(struct hl_fe *fe);

/*
 * hl_fe_current: for a command that keeps the store open for long
 * (cmd "serve"), before each use: 0 when fe->h is open on the file now at
 * the path of fe->db.  When that file was deleted, moved away or replaced
 * since it was opened (rf_hotline_moved), fe->h is closed and the path
 * opened again, as at start (a new database when missing), with one line
 * on standard error saying so; when that fails, -1 after one line saying
 * why (not repeated while it keeps failing: fe->lost), fe->h NULL, and
 * the next call tries again.
 */
int hl_fe_current(struct hl_fe *fe, const char *cmd);

/* hl_fe_mail: file the URLs of the RFC 5322 message in data (a forward
 * or the suspect mail) as one report by who, with the reporter's
 * category (a suggestion, as for URLs: rf_hotline_report) and comment,
 * each NULL when none, and extra, one more address whose codes are
 * scrubbed beside those the mail names and which is never stored (what
 * --reporter gives; NULL when none); prints one line per URL to out when
 * out is not NULL ("repeated" for a link to a page an earlier link of
 * the mail named: no report of its own).  Returns the number of reports
 * filed, or -1 after a diagnostic (err has the detail). */
int hl_fe_mail(struct hl_fe *fe, const rf_hotline_actor *who,
	       const char *source, const char *category, const char *comment,
	       const char *extra, const char *data, size_t len, FILE *out,
	       rf_error *err);

/* hl_fe_options_help: the shared option lines of a usage text. */
void hl_fe_options_help(FILE *f);

/* hl_fe_stamp: t as "YYYY-MM-DD HH:MM" (UTC) in out (n bytes, 17 or
 * more), as the command line and the web pages show times. */
void hl_fe_stamp(char *out, size_t n, time_t t);

#endif
