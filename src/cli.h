/*
 * cli.h - what the redflag command's subcommands share: the command
 * table, diagnostics, the settings every subcommand accepts.
 *
 * Each subcommand lives in src/cmd_NAME.c and exports one function
 *   int cmd_NAME(int argc, char **argv);
 * returning an exit status (sysexits.h where a script may care).
 */
#ifndef REDFLAG_CLI_H
#define REDFLAG_CLI_H

#include <stdio.h>

#include <redflag/redflag.h>

#define RF_PROG "redflag"

struct redis_auth;

/*
 * Exit statuses shared by every subcommand (redflag(1), EXIT STATUS).
 * One rule for a store, consent database, classifier or hotline database
 * that cannot be opened: RF_EXIT_UNAVAILABLE, whoever runs the command
 * (a person, a script, init), except on a mail path, where the MTA must
 * keep the mail and retry: the filter and `hotline submit --mail -` exit
 * RF_EXIT_TEMPFAIL (the milter answers tempfail per message).
 */
enum {
	RF_EXIT_OK = 0,		/* done; every input read */
	RF_EXIT_INPUT = 1,	/* done, but some input could not be read or
				 * was refused */
	RF_EXIT_USAGE = 64,	/* EX_USAGE: bad command line */
	RF_EXIT_DATAERR = 65,	/* EX_DATAERR: hotline: a mail too large or
				 * unparsable; consent learn: a folder of
				 * mail received, not sent */
	RF_EXIT_UNAVAILABLE = 69, /* EX_UNAVAILABLE: a store, database or
				 * socket that cannot be opened */
	RF_EXIT_SOFTWARE = 70,	/* EX_SOFTWARE: internal error */
	RF_EXIT_TEMPFAIL = 75	/* EX_TEMPFAIL: mail paths: try later */
};

/* warnx-style diagnostics on standard error, prefixed "redflag: ". */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * cli_std_fds: standard input, output and error each opened on /dev/null
 * when closed, so that no file or socket opened later (a Redis store's)
 * becomes one of them and gets the message or the log written into it;
 * all three for writing, so that a closed standard input stays one that
 * cannot be read (cli_open_stdin says so) and is not taken for an empty
 * one.
 * Returns a mask of the ones that were closed (bit fd), or -1 when one
 * could not be filled.  main() calls it once, before any command runs
 * (the filter exits EX_TEMPFAIL when input or output was closed).
 */
int cli_std_fds(void);

/*
 * cli_late_option: argv[from..argc) are command cmd's PATHs, after its
 * options: the first that looks like an option ("-" and more: a lone
 * "-" is standard input) and is not one of keep (NULL-terminated, NULL
 * for none: train's --spam and --ham, which switch between PATHs) is said
 * as a usage error ("CMD: OPTION after a PATH: ..."), and 1 is returned;
 * 0 when there is none.  A caller whose options ended with "--" does not
 * call it.  Read as a PATH, 'scan FILE --db store.db' scanned the store
 * file as mail, 'train --spam DIR --classifier my.db' learned into the
 * default database.
 */
int cli_late_option(const char *cmd, int argc, char **argv, int from,
		    const char *const *keep);

/*
 * cli_stdout_failed: say on standard error that what command cmd wrote
 * on standard output did not all reach it, and why: err, an errno
 * (EBADF: it was closed; main() leaves a closed one unwritable).
 */
void cli_stdout_failed(const char *cmd, int err);

/*
 * cli_bad_option: report arg, a command-line argument of command cmd that
 * its parser did not accept: "CMD: option 'ARG' needs a value" when arg
 * is one of the names in valued (NULL-terminated; the options that take
 * a value, which their parser takes whenever one follows); "CMD:
 * option 'NAME' takes its value as the next argument" when arg is such
 * a name with its value joined to it ("-rVALUE", "--recipient=VALUE");
 * else "CMD: unknown option 'ARG'", cut at a '=' ("--rcpt=..."): a value
 * is never echoed (it may be an address, and the filter's standard
 * error is the MTA's log).  An arg that is no option (no leading '-', or
 * "-" alone), given to a command that takes no operand there, is "CMD:
 * unexpected argument 'ARG'" (escaped, as every argument said).
 */
void cli_bad_option(const char *cmd, const char *arg,
		    const char *const *valued);

/*
 * cli_one_message: check that item, the first message read from path
 * (NULL or "-": standard input) by a command that takes one message, is
 * the whole of that input and not empty.  0 when so, else -1 after
 * reporting "CMD: PATH: ..." (a folder, an mbox of several messages, an
 * empty input).
 */
int cli_one_message(const char *cmd, const char *path, const rf_item *item);

/*
 * cli_no_message: report that path (NULL or "-": standard input), given
 * to a command that takes one message, yielded none (its source's first
 * rf_source_next was RF_EDONE): "CMD: PATH: a folder with no message in
 * it; give one message file" for a folder (an empty one, a Maildir with
 * empty cur and new), else "CMD: PATH: no message".
 */
void cli_no_message(const char *cmd, const char *path);

/*
 * cli_read_one: the one message of path (NULL or "-": standard input, with
 * cli_stdin_hint) read as rf_source reads it, into a malloc'ed,
 * NUL-terminated buffer of *len bytes; *truncated (NULL: not asked) set
 * when it was cut at limits' max_message_size.  NULL after reporting
 * "CMD: ..." (no message, a folder, an mbox of several messages, an empty
 * input: cli_no_message, cli_one_message; or the source's error).
 */
char *cli_read_one(const char *cmd, const char *path, const rf_limits *limits,
		   size_t *len, int *truncated);

/*
 * cli_empty_item: item holds no message: no byte, or only white space
 * (blanks, tabs, line ends), so no header and no body (what a crashed
 * delivery leaves in a Maildir), after an mbox's From_ line if it starts
 * with one.  The reason the commands that read many messages (scan,
 * train, cluster) give when they skip it, "empty file, skipped" ("empty
 * input, skipped" for standard input, "empty message, skipped" for a
 * message of an mbox), or NULL when item is a message.  cli_one_message
 * refuses the same items.
 */
const char *cli_empty_item(const rf_item *item);

/* cli_warn_input: one input (label: a path, "path:N") that could not be
 * read or analysed: "CMD: LABEL: MSG", the label (escaped by
 * rf_error_name) once when msg, a library message, already starts with
 * it and ": " (as the messages of rf_source do). */
void cli_warn_input(const char *cmd, const char *label, const char *msg);

/* cli_stdin_twice: "-" (standard input) is among paths[0..n) more than
 * once: 1 after reporting "CMD: - (standard input) given twice" (the
 * caller exits RF_EXIT_USAGE: the second reading found it empty, "empty
 * input, skipped", exit 1), else 0. */
int cli_stdin_twice(const char *cmd, const char *const *paths, int n);

/* cli_address_ok: value, given to option opt of cmd, is a mail address
 * as the consent store takes a recipient (rf_consent_address_ok:
 * local@domain, at most RF_CONSENT_ADDR_MAX bytes): 1, else 0 after
 * reporting it (a typo such as "--rcpt alice" would otherwise find
 * nothing and say nothing). */
int cli_address_ok(const char *cmd, const char *opt, const char *value);

/* cli_ascii_address_ok: s is a mail address as the consent store takes
 * one (rf_consent_address_ok) in printable ASCII, as one that stands in
 * a header written in ASCII (an ARF report's From or To): 1, else 0.
 * It says nothing: each caller words its refusal. */
int cli_ascii_address_ok(const char *s);

/* cli_plural: "" when n is 1, else s ("s", "es"): "%zu message%s" with
 * n, cli_plural(n, "s"). */
const char *cli_plural(unsigned long long n, const char *s);

/* cli_store_ok: value, given to cmd as what (an option, "--db", or an
 * environment variable, "$REDFLAG_DB"), is a well-formed store or
 * classifier address (rf_store_spec_check: not empty, a Redis one
 * readable): 1, else 0 after reporting "CMD: WHAT: bad Redis spec (want
 * ...)"; the caller exits RF_EXIT_USAGE, as a bad db in redflag.conf is a
 * bad setting.  Nothing is opened. */
int cli_store_ok(const char *cmd, const char *what, const char *value);

/* cli_open_stdin: the source of mail on standard input for command cmd
 * (rf_source_open_fd on 0, after cli_stdin_hint); RF_EIO with "standard
 * input is closed" in err when it was closed when redflag started
 * (cli_std_fds), *out NULL. */
rf_status cli_open_stdin(const char *cmd, const rf_limits *limits,
			 rf_source **out, rf_error *err);

/* cli_stdin_closed: 1 when standard input was closed when redflag
 * started (cli_std_fds left it open for writing only), else 0. */
int cli_stdin_closed(void);

/* cli_stdin_hint: before cmd reads mail from standard input, say so on
 * standard error when that is a terminal (a user who typed the command
 * without a file would otherwise see it wait for nothing). */
void cli_stdin_hint(const char *cmd);

/* What cli_read_line found. */
enum cli_line {
	CLI_LINE_OK,		/* a line, in buf */
	CLI_LINE_EOF,		/* no more (or a read error: ferror) */
	CLI_LINE_LONG,		/* a line of size - 1 bytes or more */
	CLI_LINE_NUL		/* a line that holds a NUL byte */
};

/*
 * cli_read_line: the next line of f in buf (size bytes), without its
 * "\n" (a "\r" before it kept), NUL-terminated.  A
 * line too long for buf, or one that holds a NUL byte (which would end
 * it early for every string function), is read to its end all the same
 * and reported as such, buf then unspecified: the next call reads the
 * next line, so that line numbers stay right (fgets, stopped at a NUL,
 * took the line for a long one and the next for its rest).  The last
 * line may lack its "\n".  Memory is buf's, however long a line.
 */
enum cli_line cli_read_line(FILE *f, char *buf, size_t size);

/* cli_escape: untrusted bytes made safe for a terminal or a log: printable
 * ASCII kept, everything else \xNN, cut to max bytes with "..." added.
 * Returns buf.  The library's rf_escape (redflag/error.h). */
char *cli_escape(char *buf, size_t bufsize, const char *s, size_t max);

/*
 * cli_limit_option: if arg is "--set" (value in next) or "--set=NAME=V",
 * apply NAME=V to limits.  Returns 1 when handled (advancing *i past a
 * consumed value), 0 when arg is something else, -1 after reporting a bad
 * setting ("CMD: --set: ...", cmd the subcommand).
 */
int cli_limit_option(const char *cmd, rf_limits *limits, int argc,
		     char **argv, int *i);

/*
 * cli_set_option: if argv[*i] is "--set" (value in the next argument) or
 * "--set=NAME=VALUE", copy NAME into name (size bytes) and point *value
 * at VALUE.  Returns 1 when handled (advancing *i past a consumed value),
 * 0 when the argument is something else, -1 after reporting a malformed
 * one ("CMD: --set needs NAME=VALUE", cmd the subcommand).
 */
int cli_set_option(const char *cmd, int argc, char **argv, int *i,
		   char *name, size_t size, const char **value);

/*
 * cli_verdict_option: like cli_limit_option for the verdict settings
 * (rf_verdict_settings_set names): 1 when arg was "--set NAME=V" with
 * such a NAME and it was applied, 0 when arg is something else (another
 * --set included: left for cli_limit_option), -1 after reporting a bad
 * value ("CMD: --set: ...").
 */
int cli_verdict_option(const char *cmd, rf_verdict_settings *vs, int argc,
		       char **argv, int *i);

/* cli_rules: the tracking rules built into the binary (data/trackers.conf),
 * parsed; NULL after reporting the problem. */
rf_rules *cli_rules(void);

/*
 * A store's file found replaced under a long-running command (the milter's
 * campaign store, serve's hotline database: rf_store_moved,
 * rf_hotline_moved) and opened again at its path: CLI_FILE_REPLACED
 * starts what both say, and cli_path_errno(path), asked before the
 * path is opened again, tells a new store (ENOENT: nothing was there)
 * from the file now there (0), or why the path could not be looked up.
 */
#define CLI_FILE_REPLACED "the file was deleted or replaced since it was " \
	"opened"
int cli_path_errno(const char *path);

/*
 * cli_store_there: path, a store the command only reads or one that must
 * hold records already, is there: with spec, path is the address of a
 * campaign store, consent store or classifier (rf_store_spec_file: a
 * SQLite file, "sqlite:PATH", or Redis); without, the path of a file (the
 * hotline's database).  RF_OK when it names Redis (nothing to check
 * before connecting), no path (the opener says so) or a file that can be
 * read; else RF_ENOTFOUND with "PATH: cannot read it (MAKER makes one)"
 * in err (PATH escaped; maker: the command that makes one, "redflag
 * train").  Nothing is opened: opening a mistyped path would create an
 * empty store, find nothing in it and succeed in silence.  The caller
 * says err.msg after "CMD: " and exits RF_EXIT_UNAVAILABLE, as for a store
 * that cannot be opened.
 */
rf_status cli_store_there(const char *path, int spec, const char *maker,
			  rf_error *err);

/*
 * cli_classifier: open the token database at path (a file made by
 * `redflag train`, or Redis: rf_classifier_open) for the verdict, with the
 * verdict's spam_cutoff and ham_cutoff (so that the classifier's class and
 * reasons agree with the verdict), and auth's AUTH for Redis (redis_auth.h;
 * NULL: none).  RF_ENOTFOUND when a file cannot be read (cli_store_there:
 * nothing is created), else rf_classifier_open's status; err's message
 * starts "classifier PATH: ".
 */
rf_status cli_classifier(const char *path, const rf_verdict_settings *vs,
			 const struct redis_auth *auth, rf_classifier **out,
			 rf_error *err);

/* cli_limits_help: the --set lines of a usage text. */
void cli_limits_help(FILE *f);

/* cli_mail_limits_help: those of the milter and the filter, which answer
 * a message over max_message_size with on_limit instead of cutting it. */
void cli_mail_limits_help(FILE *f);

#endif
