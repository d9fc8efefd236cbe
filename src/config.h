/*
 * config.h - redflag.conf, the settings of the mail-server front ends
 * (redflag milter, redflag filter).  Format and settings: redflag.conf(5).
 *
 * One setting per line, "name = value"; '#' starts a comment line; blank
 * lines are ignored; the value is the rest of the line with surrounding
 * white space removed.  Limits (max_* names of rf_limits) are accepted
 * here too.  The library never reads this file: the front ends turn it
 * into arguments (rf_limits, paths, the policy).
 */
#ifndef REDFLAG_CONFIG_H
#define REDFLAG_CONFIG_H

#include <stddef.h>

#include <redflag/redflag.h>

#include "redis_auth.h"

/* What to do with one message. */
enum action {
	ACTION_ACCEPT = 0,	/* pass unchanged: no header, no rewrite */
	ACTION_HEADERS,		/* add the verdict headers (and rewrite) */
	ACTION_QUARANTINE,	/* headers, and hold (milter: smfi_quarantine) */
	ACTION_REJECT,		/* refuse with a 5xx reply (filter: EX_NOPERM) */
	ACTION_TEMPFAIL		/* refuse with a 4xx reply (filter: EX_TEMPFAIL) */
};

/* What `clean` (and the mail-server rewrite) does, per verdict. */
enum clean_policy {
	CLEAN_LINKS = 0,	/* every link that identifies the recipient
				 * gets its clean form; web bugs emptied */
	CLEAN_KNOWN,		/* only known tracking parameters dropped and
				 * web bugs emptied: links keep working (a
				 * password-reset link) */
	CLEAN_NONE,		/* nothing changed */
	CLEAN_SITES		/* every link reduced to its site
				 * (scheme://host/), mailto: to the address,
				 * remote images and web bugs emptied: no
				 * click and no image load confirms the
				 * address (rf_rewrite_collect_sites) */
};

#define CONFIG_MAX_ACTIONS 32
#define CONFIG_NAME_MAX 64

/* SMTP_REPLY_LINE_MAX: octets of one SMTP reply line, its code and CRLF
 * included (RFC 5321 4.5.3.1.5).  Every reply the milter gives is one
 * such line: "550 5.7.1 " and at most SMTP_REPLY_TEXT_MAX more. */
#define SMTP_REPLY_LINE_MAX 512
#define SMTP_REPLY_TEXT_MAX (SMTP_REPLY_LINE_MAX - 12) /* "550 5.7.1 ", CRLF */
/* CONFIG_REPLY_TEXT_MAX: characters of reject_text and tempfail_text
 * (refused at start beyond); the reject reply adds the verdict and its
 * first reason, the reason cut to fit SMTP_REPLY_TEXT_MAX. */
#define CONFIG_REPLY_TEXT_MAX 400

struct config_action {
	char verdict[CONFIG_NAME_MAX];
	enum action action;
};

struct config {
	char *socket;		/* milter socket: unix:PATH, inet:PORT@HOST */
	char *user;		/* drop to this user after binding, or NULL */
	char *chroot;		/* chroot here after opening files, or NULL */
	char *db;		/* the store, or NULL: none */
	char *classifier;	/* token database (redflag train), or NULL:
				 * no classifier in the verdict */
	unsigned classifier_reload; /* seconds between two looks whether
				 * a SQLite classifier was trained or
				 * replaced since loaded (cls_live); 0:
				 * never */
	struct redis_auth redis; /* redis_user, redis_password_file (read
				 * when set): AUTH for a Redis db and
				 * classifier */
	enum action on_error;	/* internal error or store failure:
				 * ACTION_TEMPFAIL or ACTION_ACCEPT */
	enum action on_limit;	/* a front-end limit was hit: likewise */
	enum action action;	/* verdicts without their own action */
	struct config_action actions[CONFIG_MAX_ACTIONS];
	size_t nactions;
	char *reject_text;	/* text of the 5xx reply */
	char *tempfail_text;	/* text of the 4xx reply */
	int rewrite;		/* neutralise tracking links in the body */
	size_t max_recipients;	/* envelope recipients kept per message */
	unsigned shutdown_timeout; /* seconds to finish messages on SIGTERM */
	unsigned milter_timeout; /* seconds libmilter waits for the MTA */
	unsigned milter_max_connections; /* MTA connections served at once;
				 * more get 421 4.3.2 at connect */
	rf_limits limits;
	rf_verdict_settings verdict;	/* thresholds (redflag.conf(5)) */
	char *authserv_id;	/* trusted Authentication-Results, or NULL */
	enum clean_policy clean[4];	/* by rf_verdict_kind */
	char *arf_redact_key;	/* RFC 6590 redaction key, or NULL */
	char *arf_reporting_mta; /* Reporting-MTA of written reports */
	char *arf_from;		/* From of written reports, or NULL */
};

/* config_init: c holds the documented defaults. */
void config_init(struct config *c);

/* config_free: release what c owns (not c itself). */
void config_free(struct config *c);

/*
 * config_set: apply one setting.  Returns 0, or -1 with a one-line
 * reason in why (whysize bytes).
 */
int config_set(struct config *c, const char *name, const char *value,
	       char *why, size_t whysize);

/*
 * config_load: apply every setting of the file at path.  Returns 0, or -1
 * after reporting "CMD: path:line: reason" on standard error (cmd: the
 * subcommand).
 */
int config_load(struct config *c, const char *cmd, const char *path);

/* config_socket_path: the file of a unix socket spec (unix:PATH,
 * local:PATH or a bare path; "" when the PATH is empty), or NULL (any
 * other type). */
const char *config_socket_path(const char *spec);

/* config_run: fn (a command: scan, campaigns, train) run with argc, argv
 * and settings at their defaults (config_init), released after
 * (config_free: a Redis password wiped); fn's exit status. */
int config_run(int (*fn)(int, char **, struct config *), int argc,
	       char **argv);

/* config_action_for: the action configured for verdict. */
enum action config_action_for(const struct config *c, const char *verdict);

/* config_clean_for: the clean policy of a verdict name ("spam", ...);
 * CLEAN_LINKS for an unknown one ("none"). */
enum clean_policy config_clean_for(const struct config *c,
				   const char *verdict);

/* clean_collect: rw's substitutions of m's links under policy (rules:
 * the tracking rules m was analysed with); CLEAN_NONE collects nothing.
 * The library's status. */
rf_status clean_collect(rf_rewrite *rw, enum clean_policy policy,
			const rf_rules *rules, rf_message *m, rf_error *err);

/* clean_kept_why: why n tracked links were kept as they are under the
 * policy known ("click wrappers, which need their code to lead
 * anywhere"), for the reasons of the mail path and of redflag clean. */
const char *clean_kept_why(size_t n);

/* CLEAN_UNSUB_HEADER, CLEAN_UNSUB_WORDS: the header that redflag clean,
 * the filter and the milter add when they clean a message whose
 * List-Unsubscribe link carries a code that identifies the recipient
 * (rf_rewrite_stats.unsub), and what it says. */
#define CLEAN_UNSUB_HEADER "X-Redflag-List-Unsubscribe"
#define CLEAN_UNSUB_WORDS "carries a code that identifies you; left in " \
    "place, since unsubscribing needs it"

/* clean_sites_words: what the policy sites did (st, after prepare), in
 * plain words separated by sep: "23 links reduced to their sites; 4
 * images emptied", then the mail links reduced to their address, the
 * links and forms emptied, other links rewritten (clean form) and web
 * bugs emptied when there are any, into buf (size bytes, cut to fit). */
void clean_sites_words(const rf_rewrite_stats *st, const char *sep,
		       char *buf, size_t size);

/* action_name: "accept", "headers", ... */
const char *action_name(enum action a);

/*
 * config_option: the options the mail-server commands share:
 * "--config FILE" and "--set NAME=VALUE" (any setting of redflag.conf,
 * limits included; applied in order, so --set after --config wins).
 * Returns 1 when argv[*i] was one of them (advancing *i past a consumed
 * value), 0 when it is something else, -1 after reporting an error
 * ("CMD: --set: ...", cmd the subcommand; a settings file's as
 * config_load says it).
 */
int config_option(struct config *c, const char *cmd, int argc, char **argv,
		  int *i);

/*
 * config_preload: for a command whose options given on the command line
 * override redflag.conf whatever their order (scan, campaigns, train):
 * apply every settings file that "-c FILE", "--config FILE" or
 * "--config=FILE" names among argv[1..argc) (in order), before the
 * command reads its other options.  The options end at "--", "-h",
 * "--help" or the first argument that is no option ("-" alone
 * included); the options of cmd that take the next argument as their
 * value, valued (NULL-terminated; "--set" among them), are stepped over
 * with it, so that "--rcpt -c" names no file.  Returns 0, or -1 after
 * reporting ("CMD: -c needs a file"; a settings file's error as
 * config_load says it).  The command then steps over these options with
 * config_file_option.
 */
int config_preload(struct config *c, const char *cmd, int argc, char **argv,
		   const char *const *valued);

/*
 * config_file_option: argv[*i] is "-c FILE", "--config FILE" or
 * "--config=FILE", which config_preload applied: 1, *i advanced past
 * FILE; else 0.
 */
int config_file_option(int argc, char **argv, int *i);

#endif
