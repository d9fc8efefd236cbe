/*
 * hotline_cli.h - `redflag hotline` in three files: cmd_hotline.c (the
 * options, the actions, export, audit, users), hotline_submit.c (reports
 * in: URLs, or a reported mail) and hotline_list.c (the queue and one
 * case, each saying what it left out, and the helpers they print with).
 */
#ifndef REDFLAG_HOTLINE_CLI_H
#define REDFLAG_HOTLINE_CLI_H

#include <stdint.h>
#include <time.h>

#include "hotline_fe.h"

/* A command line of `redflag hotline`, parsed. */
struct args {
	const char *cmd;	/* the command */
	rf_hotline_actor who;	/* who acts (--as) */
	int argc;
	char **argv;		/* positional arguments */
	const char *category, *comment, *reporter, *mail, *why, *format;
	const char *target, *reference, *month, *role, *state, *case_arg;
	const char *org, *org_contact, *org_domain;	/* export's sender */
	const char *offset;	/* --offset (cases, audit list, referrals):
				 * the items passed over first */
	int all, json;
	int64_t case_id;
};

/* hl_temporary: a library call failed with st for a reason that may pass
 * (the store failed, memory ran out): try again later, 75. */
int hl_temporary(rf_status st);

/* hl_refused: the exit status of a library call that failed with st: 75
 * when temporary, 1 when the action itself was refused (no such case, a
 * step out of order). */
int hl_refused(rf_status st);

/* hl_esc: s made safe for a terminal (cli_escape), whole, in a: stored
 * strings come from reporters, mails and web users. */
const char *hl_esc(rf_arena *a, const char *s);

/* hl_offset: s, the value of --offset given to command cmd (NULL: 0),
 * in *off; 0, or -1 after a diagnostic naming what (a "case") when it is
 * no number from 0 to 2000000000 (a usage error). */
int hl_offset(const char *cmd, const char *what, const char *s,
	      unsigned *off);

/*
 * hl_left_out: after one page of a long list of command cmd, shown items
 * (what: "open case", "audit record") from number off of total, a line on
 * standard error when some were left out: none from off ("no audit
 * record from --offset 9 (5 in all)"), or how many follow, the setting
 * (queue_page_size) and the next page's --offset.  Nothing when the page
 * holds the rest; an empty list (total 0) is the caller's to say.
 */
void hl_left_out(struct hl_fe *fe, const char *cmd, const char *what,
		 int64_t total, unsigned off, unsigned shown);

/*
 * hl_cases: `hotline cases`: one page (queue_page_size) of the open
 * cases (all: every case; state, when not NULL: the cases in that
 * state), from the one numbered offset (NULL: 0, the first; a string as
 * given to --offset).  When cases are left out after the page, one line
 * on standard error says how many, the setting and the --offset of the
 * next page.  Returns the exit status, after a diagnostic when not 0.
 */
int hl_cases(struct hl_fe *fe, int all, const char *state,
	     const char *offset);

/* hl_show: `hotline show`: case id with its reports (at most
 * max_reports_per_case: when the case has more, one line on standard
 * error says how many were shown of how many, and the setting) and its
 * related cases (at most queue_page_size: when more were left out, or
 * may have been, a line on standard error says so).  Returns the exit
 * status. */
int hl_show(struct hl_fe *fe, int64_t id);

/*
 * hl_submit: `redflag hotline submit`: the URLs a->argv[0..argc) (with
 * --category, --comment, --reporter) or, with --mail, the reported mail
 * in a file or on standard input ("-"), filed as one report.  The exit
 * status: 0 filed, 1 a URL rejected or the file unreadable, 64 no URL or
 * a bad category, 65 a mail too large or unparsable, 75 the store failed
 * (a mailbox pipe's MTA keeps the mail and retries).
 */
int hl_submit(struct hl_fe *fe, struct args *a);

#endif
