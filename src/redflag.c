/*
 * redflag.c - the redflag command: dispatches to one subcommand per file
 * (src/cmd_*.c).  Shared helpers for subcommands are here too.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "assets.h"
#include "cli.h"
#include "commands.h"
#include "redis_auth.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	int closed_rc;		/* when standard input or output was closed:
				 * this exit status, not a run (0: run) */
	int service;		/* run with standard output closed as a
				 * daemon is: a closed one is /dev/null */
	int shrank_rc;		/* reads input files by mapping them
				 * (rf_source): this exit status when one
				 * shrinks while mapped (0: none, the mail
				 * path and the services map no input) */
};

static const struct command commands[] = {
	/* in the order of redflag(1) and the README */
	{ "scan", cmd_scan, "analyse messages: links, text, campaigns, verdicts", 0, 0,
	  RF_EXIT_INPUT },
	{ "clean", cmd_clean, "write a message back with its tracking codes removed", 0, 0,
	  RF_EXIT_INPUT },
	{ "filter", cmd_filter, "filter one message: standard input to output",
	  RF_EXIT_TEMPFAIL, 0, 0 },
	{ "milter", cmd_milter, "mail filter for Postfix and Sendmail", 0, 1, 0 },
	{ "campaigns", cmd_campaigns, "list the campaigns in the store, largest first", 0, 0,
	  0 },
	{ "consent", cmd_consent, "who asked to hear from whom: add, remove, list, import, learn", 0, 0,
	  RF_EXIT_INPUT },
	{ "complain", cmd_complain, "record that a recipient marked a message as spam", 0, 0,
	  RF_EXIT_INPUT },
	{ "arf", cmd_arf, "read (ingest) or write (make) ARF feedback reports", 0, 0,
	  RF_EXIT_INPUT },
	{ "train", cmd_train, "teach the classifier spam and wanted mail", 0, 0,
	  RF_EXIT_INPUT },
	{ "hotline", cmd_hotline, "reported URLs: intake, cases, review, export", 0, 0,
	  RF_EXIT_INPUT },
	{ "serve", cmd_serve, "the hotline's web interface for analysts", 0,
	  1, 0 },
	{ "cluster", cmd_cluster, "group a batch of messages into campaigns (test aid)", 0, 0,
	  RF_EXIT_INPUT },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: %s COMMAND [OPTIONS] [ARGS]\n"
	    "       %s --version | --help\n\ncommands:\n", RF_PROG, RF_PROG);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(f, "\n'%s COMMAND --help' describes each command; "
	    "man redflag(1) has the details.\n", RF_PROG);
}

/* output_checked: rc, the exit status of command c, unless it succeeded
 * or only skipped some input (1) but what it wrote on standard output did
 * not all reach it (a full disk, a closed pipe): then that is said and
 * the status is an internal error's (the filter's: its closed_rc, try
 * later), as scan's own check makes it; a status 1 would hide that the
 * output of the inputs read is lost.  A command that saw the failure
 * itself has said so and returned another status. */
static int
output_checked(const struct command *c, int rc)
{
	int failed = fflush(stdout) != 0 ? errno : ferror(stdout) ? EIO : 0;

	if ((rc != RF_EXIT_OK && rc != RF_EXIT_INPUT) || failed == 0)
		return rc;
	cli_stdout_failed(c->name, failed);
	return c->closed_rc != 0 ? c->closed_rc : RF_EXIT_SOFTWARE;
}

/* What on_shrank writes and the status it exits with: set once, before
 * the command runs (a signal handler has nowhere else to find them). */
static char shrank_line[160];
static size_t shrank_len;
static int shrank_rc;

/* on_shrank: SIGBUS, a mapped input file (an mbox, rf_source) that
 * became shorter than its mapping, as a mail client's expunge of a live
 * mbox makes it: one line and the input error's status, not death by
 * "Bus error" (135).  Async-signal-safe: write(2) and _exit only. */
static void
on_shrank(int sig)
{
	ssize_t w;

	(void)sig;
	w = write(2, shrank_line, shrank_len);
	(void)w;
	_exit(shrank_rc);
}

/* catch_shrank: on_shrank for command c, which exits with its shrank_rc
 * when an input shrinks while mapped.  The library keeps no global state,
 * so the command catches it. */
static void
catch_shrank(const struct command *c)
{
	struct sigaction sa;
	int n;

	n = snprintf(shrank_line, sizeof(shrank_line), "%s: %s: an input file "
	    "shrank while it was being read (changed by another program?); "
	    "run again\n", RF_PROG, c->name);
	if (n < 0 || (size_t)n >= sizeof(shrank_line))
		return;
	shrank_len = (size_t)n;
	shrank_rc = c->shrank_rc;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_shrank;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

int
cli_late_option(const char *cmd, int argc, char **argv, int from,
		const char *const *keep)
{
	char esc[256];
	size_t k;
	int i;

	for (i = from; i < argc; i++) {
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			continue;
		for (k = 0; keep != NULL && keep[k] != NULL; k++)
			if (strcmp(argv[i], keep[k]) == 0)
				break;
		if (keep != NULL && keep[k] != NULL)
			continue;
		cli_escape(esc, sizeof(esc), argv[i], 100);
		cli_warn("%s: %s after a PATH: options come before the PATHs "
		    "(a file of that name: ./%s)", cmd, esc, esc);
		return 1;
	}
	return 0;
}

void
cli_stdout_failed(const char *cmd, int err)
{
	cli_warn("%s: cannot write to standard output: %s", cmd,
	    err == EBADF ? "it is closed" : strerror(err));
}

/* stdout_unwritable: standard output, closed when the command started
 * (now /dev/null), made a descriptor that refuses writes (/dev/null open
 * for reading, as SQLite fills a closed one), so that what a command
 * writes there fails and is said, with status 70, as on a full disk: a
 * report or a cleaned message is not lost with status 0.  -1 when it
 * cannot be opened. */
static int
stdout_unwritable(void)
{
	int fd = open("/dev/null", O_RDONLY), rc;

	if (fd < 0)
		return -1;
	rc = dup2(fd, 1) == 1 ? 0 : -1;
	close(fd);
	return rc;
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", RF_PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_std_fds(void)
{
	int fd, closed = 0;

	/* Lowest first: open() then returns fd, the lowest one free. */
	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		closed |= 1 << fd;
		if (open("/dev/null", O_WRONLY) != fd)
			return -1;
	}
	return closed;
}

void
cli_bad_option(const char *cmd, const char *arg, const char *const *valued)
{
	const char *eq = arg[0] == '-' ? strchr(arg, '=') : NULL;
	char esc[512], name[101];
	size_t i, n;

	/* "campaigns extra", "milter -": an operand to a command that
	 * takes none, not an option */
	if (arg[0] != '-' || arg[1] == '\0') {
		cli_warn("%s: unexpected argument '%s'", cmd, cli_escape(esc,
		    sizeof(esc), arg, 100));
		return;
	}
	for (i = 0; valued != NULL && valued[i] != NULL; i++) {
		n = strlen(valued[i]);
		if (strncmp(arg, valued[i], n) != 0)
			continue;
		cli_escape(esc, sizeof(esc), valued[i], 100);
		if (arg[n] == '\0') {
			cli_warn("%s: option '%s' needs a value", cmd, esc);
			return;
		}
		if (arg[n] == '=' || valued[i][1] != '-') {
			cli_warn("%s: option '%s' takes its value as the next "
			    "argument (%s VALUE)", cmd, esc, esc);
			return;
		}
	}
	n = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	snprintf(name, sizeof(name), "%.*s", (int)(n < 100 ? n : 100), arg);
	cli_escape(esc, sizeof(esc), name, n < 100 ? 100 : 99);
	cli_warn("%s: unknown option '%s%s'", cmd, esc, eq != NULL ? "=..." :
	    "");
}

void
cli_warn_input(const char *cmd, const char *label, const char *msg)
{
	char esc[RF_ERROR_NAME_SIZE];
	size_t n = strlen(rf_error_name(esc, label));

	/* the library's messages escape what they quote (redflag/error.h),
	 * the name of the input as rf_error_name does */
	if (strncmp(msg, esc, n) == 0 && strncmp(msg + n, ": ", 2) == 0)
		cli_warn("%s: %s", cmd, msg);
	else
		cli_warn("%s: %s: %s", cmd, esc, msg);
}

int
cli_address_ok(const char *cmd, const char *opt, const char *value)
{
	char esc[256];

	if (!rf_consent_address_ok(value)) {
		cli_warn("%s: %s: '%s' is not a mail address (local@domain)",
		    cmd, opt, cli_escape(esc, sizeof(esc), value, 100));
		return 0;
	}
	return 1;
}

int
cli_ascii_address_ok(const char *s)
{
	return rf_consent_address_ok(s) && rf_arf_field_ok(s);
}

int
cli_stdin_twice(const char *cmd, const char *const *paths, int n)
{
	int i, seen = 0;

	for (i = 0; i < n; i++)
		if (strcmp(paths[i], "-") == 0 && seen++ > 0) {
			cli_warn("%s: - (standard input) given twice", cmd);
			return 1;
		}
	return 0;
}

enum cli_line
cli_read_line(FILE *f, char *buf, size_t size)
{
	size_t n = 0;
	int c, nul = 0, any = 0;

	flockfile(f);
	while ((c = getc_unlocked(f)) != EOF) {
		any = 1;
		if (c == '\n')
			break;
		if (c == '\0')
			nul = 1;
		if (n + 1 < size)
			buf[n] = (char)c;
		if (n < SIZE_MAX)
			n++;
	}
	funlockfile(f);
	if (size > 0)
		buf[n < size ? n : size - 1] = '\0';
	if (!any)
		return CLI_LINE_EOF;
	if (nul)
		return CLI_LINE_NUL;
	return n + 1 < size ? CLI_LINE_OK : CLI_LINE_LONG;
}

const char *
cli_plural(unsigned long long n, const char *s)
{
	return n == 1 ? "" : s;
}

int
cli_store_ok(const char *cmd, const char *what, const char *value)
{
	rf_error err;

	if (rf_store_spec_check(value, &err) != RF_OK) {
		cli_warn("%s: %s: %s", cmd, what, err.msg);
		return 0;
	}
	return 1;
}

int
cli_stdin_closed(void)
{
	int fl = fcntl(0, F_GETFL);

	return fl != -1 && (fl & O_ACCMODE) == O_WRONLY;
}

rf_status
cli_open_stdin(const char *cmd, const rf_limits *limits, rf_source **out,
	       rf_error *err)
{
	if (cli_stdin_closed()) {
		*out = NULL;
		return rf_error_set(err, RF_EIO, "standard input is closed");
	}
	cli_stdin_hint(cmd);
	return rf_source_open_fd(0, "-", limits, out, err);
}

void
cli_stdin_hint(const char *cmd)
{
	if (isatty(0))
		cli_warn("%s: reading mail from standard input (end it with "
		    "Ctrl-D; '%s %s --help' for usage)", cmd, RF_PROG, cmd);
}

int
cli_one_message(const char *cmd, const char *path, const rf_item *item)
{
	const char *label = path != NULL ? path : "-";
	size_t n = strlen(label);
	char esc[512];

	cli_escape(esc, sizeof(esc), label, 200);
	if (strcmp(item->label, label) != 0) {
		/* a folder's messages are labelled by their paths below it
		 * (however many it holds), an mbox's "PATH:N" */
		if (strncmp(item->label, label, n) == 0 &&
		    item->label[n] == '/')
			cli_warn("%s: %s: a folder, not one message; give one "
			    "message file", cmd, esc);
		else
			cli_warn("%s: %s: holds several messages (an mbox); "
			    "give one message", cmd, esc);
		return -1;
	}
	if (cli_empty_item(item) != NULL) {
		cli_warn("%s: %s: empty, no message", cmd, esc);
		return -1;
	}
	return 0;
}

void
cli_no_message(const char *cmd, const char *path)
{
	const char *label = path != NULL ? path : "-";
	struct stat sb;
	char esc[512];

	cli_escape(esc, sizeof(esc), label, 200);
	if (strcmp(label, "-") != 0 && stat(label, &sb) == 0 &&
	    S_ISDIR(sb.st_mode))
		cli_warn("%s: %s: a folder with no message in it; give one "
		    "message file", cmd, esc);
	else
		cli_warn("%s: %s: no message", cmd, esc);
}

char *
cli_read_one(const char *cmd, const char *path, const rf_limits *limits,
	     size_t *len, int *truncated)
{
	rf_source *src = NULL;
	rf_item item;
	rf_error err;
	rf_status st;
	char *p = NULL;

	if (path == NULL || strcmp(path, "-") == 0) {
		st = cli_open_stdin(cmd, limits, &src, &err);
	} else {
		st = rf_source_open(path, limits, &src, &err);
	}
	if (st == RF_OK)
		st = rf_source_next(src, &item, &err);
	if (st == RF_EDONE)
		cli_no_message(cmd, path);
	else if (st != RF_OK)
		cli_warn("%s: %s", cmd, err.msg);
	else if (cli_one_message(cmd, path, &item) != 0)
		;
	else if ((p = malloc(item.len + 1)) == NULL)
		cli_warn("%s: out of memory", cmd);
	else {
		memcpy(p, item.data, item.len);
		p[item.len] = '\0';
		*len = item.len;
		if (truncated != NULL)
			*truncated = item.truncated;
	}
	rf_source_free(src);
	return p;
}

const char *
cli_empty_item(const rf_item *item)
{
	/* an mbox's From_ line is the mailbox's, not the message's */
	size_t i = rf_message_envelope_len(item->data, item->len);

	for (; i < item->len; i++)
		if (item->data[i] != ' ' && item->data[i] != '\t' &&
		    item->data[i] != '\r' && item->data[i] != '\n')
			return NULL;
	return item->path != NULL ? "empty file, skipped" :
	    rf_message_envelope_len(item->data, item->len) > 0 ?
	    "empty message, skipped" : "empty input, skipped";
}

char *
cli_escape(char *buf, size_t bufsize, const char *s, size_t max)
{
	return rf_escape(buf, bufsize, s, max);
}

int
cli_set_option(const char *cmd, int argc, char **argv, int *i, char *name,
	       size_t size, const char **value)
{
	const char *arg = argv[*i], *spec;
	const char *eq;
	char esc[512];
	size_t n;

	if (strcmp(arg, "--set") == 0) {
		if (*i + 1 >= argc) {
			cli_warn("%s: --set needs NAME=VALUE", cmd);
			return -1;
		}
		spec = argv[++*i];
	} else if (strncmp(arg, "--set=", 6) == 0) {
		spec = arg + 6;
	} else {
		return 0;
	}
	eq = strchr(spec, '=');
	n = eq != NULL ? (size_t)(eq - spec) : 0;
	if (eq == NULL || n == 0 || n >= size) {
		cli_warn("%s: --set needs NAME=VALUE, got '%s'", cmd,
		    cli_escape(esc, sizeof(esc), spec, 100));
		return -1;
	}
	memcpy(name, spec, n);
	name[n] = '\0';
	*value = eq + 1;
	return 1;
}

int
cli_limit_option(const char *cmd, rf_limits *limits, int argc, char **argv,
		 int *i)
{
	const char *value;
	char name[64];
	rf_error err;
	int r;

	if ((r = cli_set_option(cmd, argc, argv, i, name, sizeof(name),
	    &value)) <= 0)
		return r;
	if (rf_limits_set(limits, name, value, &err) != RF_OK) {
		cli_warn("%s: --set: %s", cmd, err.msg);
		return -1;
	}
	return 1;
}

int
cli_verdict_option(const char *cmd, rf_verdict_settings *vs, int argc,
		   char **argv, int *i)
{
	const char *spec, *eq;
	rf_verdict_settings probe;
	char name[64];
	rf_error err;
	size_t n;

	if (strcmp(argv[*i], "--set") == 0 && *i + 1 < argc)
		spec = argv[*i + 1];
	else if (strncmp(argv[*i], "--set=", 6) == 0)
		spec = argv[*i] + 6;
	else
		return 0;
	eq = strchr(spec, '=');
	n = eq != NULL ? (size_t)(eq - spec) : 0;
	if (eq == NULL || n == 0 || n >= sizeof(name))
		return 0;
	memcpy(name, spec, n);
	name[n] = '\0';
	/* a name the verdict does not know is left to the limits */
	rf_verdict_settings_default(&probe);
	if (rf_verdict_settings_set(&probe, name, "1", &err) != RF_OK &&
	    strstr(err.msg, "unknown") != NULL)
		return 0;
	if (rf_verdict_settings_set(vs, name, eq + 1, &err) != RF_OK) {
		cli_warn("%s: --set: %s", cmd, err.msg);
		return -1;
	}
	if (strcmp(argv[*i], "--set") == 0)
		++*i;		/* the value was the next argument */
	return 1;
}

rf_rules *
cli_rules(void)
{
	const struct rf_asset *asset = asset_find("data/trackers.conf");
	rf_rules *rules = NULL;
	rf_error err;

	if (asset == NULL) {
		cli_warn("no tracking rules built in (data/trackers.conf)");
		return NULL;
	}
	if (rf_rules_parse((const char *)asset->data, asset->len, &rules,
	    &err) != RF_OK) {
		cli_warn("data/trackers.conf: %s", err.msg);
		return NULL;
	}
	return rules;
}

int
cli_path_errno(const char *path)
{
	struct stat sb;

	return stat(path, &sb) != 0 ? errno : 0;
}

rf_status
cli_store_there(const char *path, int spec, const char *maker,
		rf_error *err)
{
	const char *file = spec ? rf_store_spec_file(path) : path;
	char esc[256];

	/* "": the opener says that no path was given */
	if (file == NULL || *file == '\0' || access(file, R_OK) == 0)
		return RF_OK;
	return rf_error_set(err, RF_ENOTFOUND, "%s: cannot read it (%s "
	    "makes one)", cli_escape(esc, sizeof(esc), path, 200), maker);
}

rf_status
cli_classifier(const char *path, const rf_verdict_settings *vs,
	       const struct redis_auth *auth, rf_classifier **out,
	       rf_error *err)
{
	rf_cls_params params;
	char esc[256], why[sizeof(err->msg)];
	rf_error own;
	rf_status st;

	*out = NULL;
	if (cli_store_there(path, 1, "redflag train", &own) != RF_OK) {
		snprintf(why, sizeof(why), "%s", own.msg);
		return rf_error_set(err, own.status, "classifier %s", why);
	}
	cli_escape(esc, sizeof(esc), path, 200);
	rf_cls_params_default(&params);
	if (vs != NULL) {
		params.spam_cutoff = vs->spam_cutoff;
		params.ham_cutoff = vs->ham_cutoff;
	}
	if (auth != NULL)
		params.redis_auth = redis_auth_get(auth);
	if ((st = rf_classifier_open(path, &params, out, &own)) == RF_OK)
		return RF_OK;
	snprintf(why, sizeof(why), "%s", own.msg);
	return rf_error_set(err, st, "classifier %s: %s", esc, why);
}

void
cli_limits_help(FILE *f)
{
	rf_limits def;
	const char *name, *meaning;
	unsigned i;

	rf_limits_default(&def);
	fprintf(f, "\nlimits (--set NAME=VALUE; sizes take k, M, G):\n");
	for (i = 0; rf_limits_describe(i, &name, &meaning); i++)
		fprintf(f, "  %-18s %s\n", name, meaning);
}

void
cli_mail_limits_help(FILE *f)
{
	cli_limits_help(f);
	fprintf(f, "  on the mail path a message larger than max_message_size "
	    "is not\n  analysed in part: it gets on_limit (tempfail, the "
	    "default, or\n  accept: passed unchanged but for its X-Redflag-* "
	    "headers)\n");
}

/* written: the exit status of main's own output (the general help, the
 * version; what for the diagnostic: "--help"): 0 when it all reached
 * standard output, else what output_checked makes of a command's: said,
 * RF_EXIT_SOFTWARE. */
static int
written(const char *what)
{
	int failed = fflush(stdout) != 0 ? errno : ferror(stdout) ? EIO : 0;

	if (failed == 0)
		return RF_EXIT_OK;
	cli_stdout_failed(what, failed);
	return RF_EXIT_SOFTWARE;
}

int
main(int argc, char **argv)
{
	char esc[512], help_opt[] = "--help";
	char *help_argv[] = { argv[0], NULL, help_opt, NULL };
	size_t i;
	int closed;

	/* Standard input, output and error open (on /dev/null when they
	 * were closed) before anything else: no store file or socket opened
	 * later may become one of them and get a report or a message
	 * written into it. */
	if ((closed = cli_std_fds()) < 0) {
		cli_warn("cannot open /dev/null: %s", strerror(errno));
		return argc >= 2 && strcmp(argv[1], "filter") == 0 ?
		    RF_EXIT_TEMPFAIL : RF_EXIT_SOFTWARE;
	}
	if (argc < 2) {
		usage(stderr);
		return RF_EXIT_USAGE;
	}
	/* "redflag help scan" is "redflag scan --help" */
	if (strcmp(argv[1], "help") == 0 && argc > 2) {
		if (argc > 3) {
			cli_warn("help: unexpected argument '%s'",
			    cli_escape(esc, sizeof(esc), argv[3], 100));
			return RF_EXIT_USAGE;
		}
		if (argv[2][0] == '-') {	/* "redflag help --json" */
			cli_warn("help: unknown command '%s'", cli_escape(esc,
			    sizeof(esc), argv[2], 100));
			usage(stderr);
			return RF_EXIT_USAGE;
		}
		help_argv[1] = argv[2];
		argv = help_argv;
		argc = 3;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return written(argv[1]);
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("redflag %s\n", RF_VERSION);
		return written(argv[1]);
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			/* The filter: no message to read or nowhere to
			 * write it, try later. */
			if ((closed & 3) != 0 && commands[i].closed_rc != 0) {
				cli_warn("%s: standard input or output is "
				    "closed", commands[i].name);
				return commands[i].closed_rc;
			}
			if ((closed & 2) != 0 && !commands[i].service &&
			    stdout_unwritable() != 0) {
				cli_warn("cannot open /dev/null: %s",
				    strerror(errno));
				return RF_EXIT_SOFTWARE;
			}
			if (commands[i].shrank_rc != 0)
				catch_shrank(&commands[i]);
			return output_checked(&commands[i],
			    commands[i].run(argc - 1, argv + 1));
		}
	/* "redflag --json scan": an option before any command */
	cli_warn("unknown %s '%s'", argv[1][0] == '-' ? "option" : "command",
	    cli_escape(esc, sizeof(esc), argv[1], 100));
	usage(stderr);
	return RF_EXIT_USAGE;
}
