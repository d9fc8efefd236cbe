/*
 * feedback.h - what `redflag consent`, `redflag complain` and
 * `redflag arf` share: the store options (--db overrides redflag.conf's
 * db), opening the consent and campaign stores, and recording one
 * complaint (docs/verdicts.md).
 */
#ifndef REDFLAG_FEEDBACK_H
#define REDFLAG_FEEDBACK_H

#include <stdint.h>
#include <stdio.h>

#include <redflag/redflag.h>

#include "config.h"

struct feedback {
	struct config cfg;	/* -c/--config and --set */
	const char *db;		/* --db, or NULL: cfg.db */
	rf_consent_db *consent;
	rf_store *store;	/* campaign store (complaints) */
	rf_ctx *ctx;
	rf_rules *rules;
	rf_classifier *cls;	/* learns complaints as spam, or NULL */
	const char *must_exist;	/* NULL, or the command that only reads or
				 * removes records ("consent list"), for
				 * which feedback_open refuses a missing
				 * store rather than make an empty one */
};

/* What one complaint changed. */
struct complaint {
	char campaign[RF_CAMPAIGN_ID_LEN + 1];	/* "" when none matched */
	uint64_t campaign_complaints;	/* after it */
	char domain[RF_CONSENT_ADDR_MAX + 3];	/* "" when no From */
	uint64_t domain_complaints;
	size_t revoked;			/* consent records removed */
	char recipient[RF_CONSENT_ADDR_MAX + 1]; /* "" when unknown */
	int once;			/* counted once per recipient */
	int campaign_counted;		/* 1: counted now; 0: this
					 * recipient's was counted before
					 * (or no campaign) */
	int domain_counted;		/* the same for the domain; -1:
					 * not one the store takes */
	int classified;			/* a classifier learned from it */
	int learned;			/* 1: learned now; 0: before */
};

/* feedback_init: defaults; feedback_free: release everything. */
void feedback_init(struct feedback *fb);
void feedback_free(struct feedback *fb);

/* feedback_option: --db PATH, -c/--config FILE, --set NAME=VALUE,
 * --redis-user NAME, --redis-password-file FILE.  1 when
 * argv[*i] was one (advancing *i), 0 when not, -1 after an error (said
 * as "CMD: ...", cmd the subcommand). */
int feedback_option(struct feedback *fb, const char *cmd, int argc,
		    char **argv, int *i);

/* An option of one command: "--name VALUE" sets *value, or, with value
 * NULL, "--name" sets *flag to 1. */
struct feedback_opt {
	const char *name;
	const char **value;
	int *flag;
};

/*
 * feedback_args: parse argv[1..argc) for a command: the store options
 * (feedback_option), --help, the command's options opts[0..nopts) and up
 * to maxpos positional arguments into pos (*npos of them), then
 * redis_auth_finish.  Returns 0, 1 after printing the help (usage to
 * standard output), or -1 after reporting a usage error.
 */
int feedback_args(struct feedback *fb, int argc, char **argv,
		  const struct feedback_opt *opts, size_t nopts,
		  const char **pos, size_t maxpos, size_t *npos,
		  const char *prefix, void (*usage)(FILE *));

/* feedback_open: open the campaign store and the consent store (one
 * file or server) and, with campaigns, the analysis context and rules.
 * 0, or after reporting (prefix names the command) the exit status:
 * RF_EXIT_USAGE when no store is given, RF_EXIT_UNAVAILABLE when it
 * cannot be opened or, with fb->must_exist, is not there (cli_store_there:
 * none is made; said as "MUST_EXIST: PATH: cannot read it (redflag
 * consent add makes one)"), RF_EXIT_SOFTWARE for an internal error. */
int feedback_open(struct feedback *fb, int campaigns, const char *prefix);

/*
 * feedback_classifier: open the classifier at loc (a SQLite file, created
 * when absent, or Redis: rf_classifier_open) so that feedback_complain
 * learns every complained-of message as spam; loc NULL: the configured
 * classifier (redflag.conf's classifier), and none when that is unset.
 * 0, or RF_EXIT_UNAVAILABLE after reporting that it cannot be opened.
 */
int feedback_classifier(struct feedback *fb, const char *loc,
			const char *prefix);

/*
 * feedback_complain: record a complaint about the message data[0..len)
 * received by rcpt (NULL: its Delivered-To, X-Original-To or To), n
 * times: its campaign (when the store knows it) and its From domain gain
 * n complaints; with once (n is 1 then) and a known recipient, only
 * when that recipient's complaint about the campaign (against the
 * domain) was not counted before (rf_campaign_complaint_once and
 * rf_consent_complaint_once with rf_store_rcpt_id of the recipient);
 * with revoke, rcpt's consent for that sender is removed; with fb->cls
 * the classifier learns it as spam (its own transaction; `redflag train
 * --spam --undo` takes it back).  0 with *out filled, or -1 after
 * reporting.
 */
int feedback_complain(struct feedback *fb, const char *data, size_t len,
		      const char *rcpt, uint64_t n, int once, int revoke,
		      struct complaint *out);

/* complaint_print: what one complaint changed, one line on standard
 * output (cmd_complain.c). */
void complaint_print(const struct complaint *c);

/* feedback_read: the first message of path ("-" or NULL: standard input)
 * into a malloc'ed buffer; NULL after reporting. */
char *feedback_read(struct feedback *fb, const char *path, size_t *len,
		    const char *prefix);

#endif
