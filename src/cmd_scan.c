/*
 * cmd_scan.c - redflag scan: analyse messages from files, Maildirs, mboxes,
 * directory trees or standard input, and print one report per message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "report.h"
#include "sprinter.h"

struct scan {
	rf_ctx *ctx;
	struct sprinter *sp;
	const char *rcpt;	/* --rcpt, or NULL: from the headers */
	int json;
	int progress;		/* show progress on standard error */
	size_t messages, failed, links;
	struct timespec start, last;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: %s scan [--json] [--rcpt ADDR] [--set NAME=VALUE]...\n"
	    "                    [--progress|--no-progress] [PATH|-]...\n\n"
	    "Analyse each message found in PATH: a message file, a Maildir, an\n"
	    "mbox file or a directory tree (standard input when PATH is - or\n"
	    "absent).  Prints a readable summary, or with --json one JSON\n"
	    "object per message per line (docs/json.md).\n\n"
	    "  --json          JSON Lines output\n"
	    "  --rcpt ADDR     the recipient (default: Delivered-To,\n"
	    "                  X-Original-To, then To)\n"
	    "  --progress      progress on standard error (default: when it\n"
	    "                  is a terminal)\n"
	    "\nexit status: 0 every input read, 1 some input could not be\n"
	    "read (reported in the output), 64 usage error, 70 internal error\n",
	    RF_PROG);
	cli_limits_help(f);
}

static double
elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void
show_progress(struct scan *s, const rf_source *src, const char *path,
	      int final)
{
	struct timespec now;
	size_t done, total;
	char name[64];
	double t;

	if (!s->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!final && elapsed(&s->last, &now) < 0.25)
		return;
	s->last = now;
	t = elapsed(&s->start, &now);
	rf_source_progress(src, &done, &total);
	cli_escape(name, sizeof(name), path, 40);
	if (total > 0)
		fprintf(stderr, "\r%s: %s %3.0f%%, %zu messages, %.0f/s   ",
		    RF_PROG, name, 100.0 * (double)done / (double)total,
		    s->messages, t > 0 ? (double)s->messages / t : 0.0);
	if (final)
		fputc('\n', stderr);
}

/* scan_item: analyse and report one message; -1 on an internal error. */
static int
scan_item(struct scan *s, const rf_item *item)
{
	struct report_extra x;
	rf_message *m = NULL;
	rf_error err;
	rf_status st;

	st = rf_message_parse(s->ctx, item->data, item->len, &m, &err);
	if (st != RF_OK) {
		report_error(s->sp, item->label, err.msg);
		s->failed++;
		return st == RF_ENOMEM ? -1 : 0;
	}
	if (item->truncated)
		m->limits_hit |= RF_LIMIT_MESSAGE_SIZE;
	memset(&x, 0, sizeof(x));
	x.recipient = s->rcpt != NULL ? s->rcpt : rf_message_recipient(m);
	report_message(s->sp, item->label, m, &x, s->json);
	s->messages++;
	s->links += m->links.n;
	rf_message_free(m);
	return 0;
}

/* scan_path: every message of one input; -1 on an internal error. */
static int
scan_path(struct scan *s, const char *path)
{
	const rf_limits *lim = rf_ctx_limits(s->ctx);
	rf_source *src = NULL;
	rf_item item;
	rf_error err;
	rf_status st;
	int rc = 0;

	if (strcmp(path, "-") == 0)
		st = rf_source_open_fd(0, "-", lim, &src, &err);
	else
		st = rf_source_open(path, lim, &src, &err);
	if (st != RF_OK) {
		report_error(s->sp, path, err.msg);
		s->failed++;
		return st == RF_ENOMEM ? -1 : 0;
	}
	while (rc == 0 && (st = rf_source_next(src, &item, &err)) != RF_EDONE) {
		if (st != RF_OK) {
			report_error(s->sp, item.label != NULL ? item.label :
			    path, err.msg);
			s->failed++;
			if (st == RF_ENOMEM)
				rc = -1;
			continue;
		}
		rc = scan_item(s, &item);
		show_progress(s, src, path, 0);
	}
	show_progress(s, src, path, 1);
	rf_source_free(src);
	return rc;
}

int
cmd_scan(int argc, char **argv)
{
	struct scan s;
	rf_limits limits;
	rf_error err;
	int i, r, rc = 0, npaths = 0;

	memset(&s, 0, sizeof(s));
	rf_limits_default(&limits);
	s.progress = isatty(2);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return RF_EXIT_OK;
		} else if (strcmp(a, "--json") == 0) {
			s.json = 1;
		} else if (strcmp(a, "--progress") == 0) {
			s.progress = 1;
		} else if (strcmp(a, "--no-progress") == 0) {
			s.progress = 0;
		} else if (strcmp(a, "--rcpt") == 0 && i + 1 < argc) {
			s.rcpt = argv[++i];
		} else if ((r = cli_limit_option(&limits, argc, argv, &i)) != 0) {
			if (r < 0)
				return RF_EXIT_USAGE;
		} else if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (a[0] == '-' && a[1] != '\0') {
			cli_warn("scan: unknown option '%s'", a);
			usage(stderr);
			return RF_EXIT_USAGE;
		} else {
			break;
		}
	}
	if (rf_ctx_new(&limits, &s.ctx, &err) != RF_OK) {
		cli_warn("%s", err.msg);
		return RF_EXIT_SOFTWARE;
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	s.sp = s.json ? sprinter_json_new(stdout) : sprinter_text_new(stdout);
	if (s.sp == NULL) {
		rf_ctx_free(s.ctx);
		cli_warn("out of memory");
		return RF_EXIT_SOFTWARE;
	}
	clock_gettime(CLOCK_MONOTONIC, &s.start);
	for (; i < argc && rc == 0; i++, npaths++)
		rc = scan_path(&s, argv[i]);
	if (npaths == 0 && rc == 0)
		rc = scan_path(&s, "-");
	if (!s.json)
		printf("%zu messages, %zu links, %zu inputs failed\n",
		    s.messages, s.links, s.failed);
	fflush(stdout);
	s.sp->destroy(s.sp);
	rf_ctx_free(s.ctx);
	if (rc != 0) {
		cli_warn("scan: internal error (out of memory)");
		return RF_EXIT_SOFTWARE;
	}
	return s.failed > 0 ? RF_EXIT_INPUT : RF_EXIT_OK;
}
