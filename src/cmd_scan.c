/*
 * cmd_scan.c - redflag scan: analyse messages from files, Maildirs, mboxes,
 * directory trees or standard input, and print one report per message
 * with its campaign (see scan.h for the two modes).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "config.h"
#include "redis_auth.h"
#include "report.h"
#include "scan.h"
#include "sprinter.h"

/* Stream mode writes the store in groups (one transaction each, which
 * holds the write lock of a SQLite store): a group starts at the first
 * message after the last commit and is committed after this many
 * messages, once it has been open this many milliseconds, and before
 * standard input is read (a pipe may stall for any time), so that other
 * writers (the milter, other scans) wait at most about
 * STREAM_COMMIT_MS for the lock (docs/store.md, "Concurrent writers";
 * the mechanism is struct wgroup, shared with consent import). */
#define STREAM_COMMIT_EVERY 1000
#define STREAM_COMMIT_MS 100
#define OUT_BUFFER (1 << 16)	/* stdio buffer of the reports */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: %s scan [--json] [--rcpt ADDR] [-c FILE] [--db PATH]\n"
	    "                    [--consent-db PATH] [--classifier PATH]\n"
	    "                    [--authserv-id ID] [--set NAME=VALUE]...\n"
	    "                    [--dry-run] [--progress|--no-progress]\n"
	    "                    [PATH|-]...\n\n"
	    "Analyse each message found in PATH: a message file, a Maildir, an\n"
	    "mbox file or a directory tree (standard input when PATH is - or\n"
	    "absent).  Without --db all messages given are clustered into\n"
	    "campaigns first, then reported; with --db each is added to the\n"
	    "campaign store and reported with its campaign as known so far.\n\n"
	    "  --json          one JSON object per message per line (docs/json.md)\n"
	    "  --rcpt ADDR     the recipient (default: Delivered-To,\n"
	    "                  X-Original-To, then To; reported in lower case)\n"
	    "  -c, --config FILE  settings (redflag.conf(5)), read before the\n"
	    "                  other options, which override them: db,\n"
	    "                  classifier, authserv_id, the verdict settings,\n"
	    "                  the limits and the Redis settings, as the\n"
	    "                  milter reads them; the others are ignored\n"
	    "  --db PATH       campaign store: a SQLite file, redis://HOST:PORT\n"
	    "                  (also the consent store unless --consent-db)\n"
	    "  --consent-db PATH  consent store (redflag-consent(1)); in batch\n"
	    "                  mode the only store used\n"
	    "  --classifier PATH  token database (redflag train): decides\n"
	    "                  spam, ham or unsure for mail in no campaign\n"
	    "                  (spam_cutoff, ham_cutoff; docs/verdicts.md)\n"
	    "  --authserv-id ID  trust this server's Authentication-Results\n"
	    "                  for DKIM over list headers (docs/verdicts.md)\n"
	    "  --set NAME=VALUE  a setting of redflag.conf(5) (bulk_size,\n"
	    "                  ...) or a limit\n"
	    "  --dry-run       with a store: judge each message as the milter\n"
	    "                  would judge it next (its campaign as it would\n"
	    "                  be with this copy), and add nothing to the\n"
	    "                  store, which must exist\n"
	    "  --progress      progress on standard error (default: when it\n"
	    "                  is a terminal)\n"
	    "  --no-progress   no progress\n"
	    "\nexit status: 0 every input read, 1 some input could not be\n"
	    "read or was empty (skipped; reported in the output and on\n"
	    "standard error), 64 usage error, 69 a store or classifier that\n"
	    "cannot be opened, 70 internal error\n",
	    RF_PROG);
	cli_limits_help(f);
	redis_auth_help(f);
}

static double
elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

int
scan_stop(struct scan *s, const char *what, const char *label,
	  const char *msg)
{
	char esc[RF_ERROR_NAME_SIZE];

	if (s->why[0] != '\0')
		return -1;	/* the first cause is the one said */
	if (msg == NULL)
		msg = "out of memory";
	if (label != NULL)
		snprintf(s->why, sizeof(s->why), "%s %s: %s", what,
		    rf_error_name(esc, label), msg);
	else
		snprintf(s->why, sizeof(s->why), "%s: %s", what, msg);
	return -1;
}

void
scan_count_verdict(struct scan *s, rf_verdict_kind k)
{
	if ((unsigned)k < 4)
		s->verdicts[k]++;
}

void
scan_progress(struct scan *s, const char *what, size_t done, size_t total,
	      int final)
{
	struct timespec now;
	double t;

	if (!s->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!final && elapsed(&s->last, &now) < 0.25)
		return;
	s->last = now;
	t = elapsed(&s->start, &now);
	fprintf(stderr, "\r%s: %s", RF_PROG, what);
	if (total > 0)
		fprintf(stderr, " %3.0f%%", 100.0 * (double)done /
		    (double)total);
	fprintf(stderr, ", %zu message%s, %.0f/s   ", s->messages,
	    cli_plural(s->messages, "s"), t > 0 ? (double)s->messages / t : 0.0);
	if (final)
		fputc('\n', stderr);
}

/* store_begin, store_commit: the campaign store's transaction calls for
 * struct wgroup. */
static rf_status
store_begin(void *store, rf_error *err)
{
	return rf_store_begin(store, err);
}

static rf_status
store_commit(void *store, rf_error *err)
{
	return rf_store_commit(store, err);
}

/* group_begin: count the message in the store's write group, starting
 * one unless one is open (no store: nothing); -1 after reporting a
 * failure. */
static int
group_begin(struct scan *s)
{
	rf_error err;

	if (s->cfg.store == NULL)
		return 0;
	if (s->group.begin == NULL) {
		s->group.begin = store_begin;
		s->group.commit = store_commit;
		s->group.h = s->cfg.store;
		s->group.max_items = STREAM_COMMIT_EVERY;
		s->group.max_ms = STREAM_COMMIT_MS;
	}
	if (wgroup_add(&s->group, &err) != RF_OK)
		return scan_stop(s, "starting a store transaction", NULL,
		    err.msg);
	return 0;
}

/* group_end: commit the open store group, if any, when force is set or
 * when it is full or old; -1 after reporting a failure. */
static int
group_end(struct scan *s, int force)
{
	rf_error err;

	if (wgroup_end(&s->group, force, &err) != RF_OK)
		return scan_stop(s, "committing to the store", NULL, err.msg);
	return 0;
}

/* stream_item: analyse one message, add it to the store (with --dry-run:
 * look its campaign up as it would be once added, as the milter judges),
 * report it. */
static int
stream_item(struct scan *s, const rf_item *item)
{
	struct report_extra x;
	rf_analysis an;
	rf_message *m = NULL;
	rf_error err;
	rf_status st;
	long long now;

	st = rf_message_parse(s->ctx, item->data, item->len, &m, &err);
	if (st != RF_OK) {
		s->failed++;
		if (st == RF_ENOMEM)
			return scan_stop(s, "parsing", item->label, err.msg);
		scan_warn_input(s, item->label, err.msg);
		report_error(s->sp, item->label, err.msg);
		return 0;
	}
	if (item->truncated)
		m->limits_hit |= RF_LIMIT_MESSAGE_SIZE;
	now = rf_message_time(m);
	if (now == 0)
		now = (long long)time(NULL);
	if (!s->dry_run && group_begin(s) != 0) {
		rf_message_free(m);
		return -1;
	}
	st = rf_analysis_message(s->ctx, &s->cfg, m, s->rcpt, &an, &err);
	if (st == RF_OK && s->dry_run)
		st = rf_analysis_campaign_pending(s->ctx, &s->cfg, &an, 1,
		    &err);
	else if (st == RF_OK)
		st = rf_analysis_campaign(s->ctx, &s->cfg, &an, 1, now, &err);
	if (st == RF_OK)
		st = rf_analysis_verdict(&s->cfg, &an, an.in_campaign ?
		    an.campaign.size : 0, an.campaign.copies,
		    an.campaign.complaints, &err);
	if (st != RF_OK) {
		rf_message_free(m);
		return scan_stop(s, "analysing", item->label, err.msg);
	}
	memset(&x, 0, sizeof(x));
	x.recipient = an.recipient;
	if (an.in_campaign) {
		x.campaign.id = an.campaign.id;
		x.campaign.size = (long long)an.campaign.size;
		x.campaign.copies = (long long)an.campaign.copies;
		x.campaign.first_seen = an.campaign.first_seen;
		s->in_campaigns++;
	}
	x.verdict = rf_verdict_name(an.verdict.kind);
	x.score = an.verdict.score;
	scan_count_verdict(s, an.verdict.kind);
	x.reasons = an.reasons;
	x.nreasons = an.nreasons;
	x.signs = an.verdict.signs;
	x.nsigns = an.verdict.nsigns;
	x.cls = an.classified ? &an.cls : NULL;
	report_message(s->sp, item->label, m, &x, s->json);
	s->messages++;
	s->links += m->links.n;
	s->tracking += an.ntracking;
	rf_message_free(m);
	return s->dry_run ? 0 : group_end(s, 0);
}

static int
scan_one(struct scan *s, const rf_item *item)
{
	if (s->batch != NULL)
		return batch_item(s, item);
	return stream_item(s, item);
}

void
scan_warn_input(const struct scan *s, const char *label, const char *msg)
{
	if (s->progress && (s->last.tv_sec != 0 || s->last.tv_nsec != 0))
		fputc('\n', stderr);	/* after the progress line */
	cli_warn_input("scan", label, msg);
}

static int
input_error(struct scan *s, const char *label, const char *msg)
{
	scan_warn_input(s, label, msg);
	s->failed++;
	if (s->batch != NULL)
		return batch_error(s, label, msg);
	report_error(s->sp, label, msg);
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
	const char *empty;
	size_t done, total;
	int rc = 0;

	if (strcmp(path, "-") == 0) {
		if (group_end(s, 1) != 0)	/* a pipe may stall */
			return -1;
		st = cli_open_stdin("scan", lim, &src, &err);
	} else {
		st = rf_source_open(path, lim, &src, &err);
	}
	if (st != RF_OK)
		return st == RF_ENOMEM ? scan_stop(s, "opening", path,
		    err.msg) : input_error(s, path, err.msg);
	while (rc == 0 && (st = rf_source_next(src, &item, &err)) != RF_EDONE) {
		if (st == RF_ENOMEM)
			rc = scan_stop(s, "reading", item.label != NULL ?
			    item.label : path, err.msg);
		else if (st != RF_OK)
			rc = input_error(s, item.label != NULL ? item.label :
			    path, err.msg);
		else if ((empty = cli_empty_item(&item)) != NULL)
			rc = input_error(s, item.label, empty);
		else
			rc = scan_one(s, &item);
		rf_source_progress(src, &done, &total);
		scan_progress(s, "reading", done, total, 0);
	}
	rf_source_free(src);
	return rc;
}

/* open_store: the campaign store at db, then the consent store (by default
 * in the same file or server, with tables of its own: opened after the
 * campaign store has made its schema), each when named, with ra's AUTH
 * for Redis.  The write groups start with the messages (group_begin). */
static int
open_store(struct scan *s, const char *db, const char *consent,
	   const struct redis_auth *ra)
{
	const char *which = db;	/* the store named in an error */
	rf_store_options so;
	rf_error err;

	redis_auth_store_options(ra, &so);
	/* a dry run only reads: no schema check's write transaction, no
	 * migration of an older schema (the milter makes those) */
	so.read_only = s->dry_run;
	if (db != NULL && rf_store_open(db, &so, &s->cfg.store, &err) != RF_OK)
		goto fail;
	which = consent != NULL ? consent : db;
	if (which != NULL && rf_consent_open(which, 0, &so.redis_auth,
	    &s->cfg.consent, &err) != RF_OK)
		goto fail;
	return 0;
fail:
	cli_warn_input("scan", which, err.msg);
	return -1;
}

/* The options that take the next argument as their value. */
static const char *const valued[] = { "--rcpt", "--db", "--consent-db",
    "--classifier", "--authserv-id", "--set", "--redis-user",
    "--redis-password-file", NULL };

/* run: the command, with cfg (config_init'ed; the caller frees it)
 * holding the settings: those of the files -c names first (read before
 * the other options, so that each option given overrides them whatever
 * its place), then the options'. */
static int
run(int argc, char **argv, struct config *cfg)
{
	struct scan s;
	rf_error err;
	const char *db = NULL, *consent = NULL, *classifier = NULL;
	const struct redis_auth *ra = &cfg->redis;
	rf_classifier *cls = NULL;
	char *outbuf = NULL;
	int i, r, fd, rc = 0, npaths = 0, werr, status = RF_EXIT_SOFTWARE;
	int dashdash = 0;

	memset(&s, 0, sizeof(s));
	s.progress = isatty(2);
	if (config_preload(cfg, "scan", argc, argv, valued) != 0)
		return RF_EXIT_USAGE;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return RF_EXIT_OK;
		} else if (config_file_option(argc, argv, &i)) {
			continue;	/* read by config_preload */
		} else if ((r = redis_auth_option(&cfg->redis, "scan", argc,
		    argv, &i)) != 0) {
			if (r < 0)
				return RF_EXIT_USAGE;
		} else if (strcmp(a, "--json") == 0) {
			s.json = 1;
		} else if (strcmp(a, "--progress") == 0) {
			s.progress = 1;
		} else if (strcmp(a, "--no-progress") == 0) {
			s.progress = 0;
		} else if (strcmp(a, "--dry-run") == 0) {
			s.dry_run = 1;
		} else if (strcmp(a, "--rcpt") == 0 && i + 1 < argc) {
			s.rcpt = argv[++i];
		} else if (strcmp(a, "--db") == 0 && i + 1 < argc) {
			if (!cli_store_ok("scan", a, db = argv[++i]))
				return RF_EXIT_USAGE;
		} else if (strcmp(a, "--consent-db") == 0 && i + 1 < argc) {
			if (!cli_store_ok("scan", a, consent = argv[++i]))
				return RF_EXIT_USAGE;
		} else if (strcmp(a, "--classifier") == 0 && i + 1 < argc) {
			if (!cli_store_ok("scan", a, classifier = argv[++i]))
				return RF_EXIT_USAGE;
		} else if (strcmp(a, "--authserv-id") == 0 && i + 1 < argc) {
			s.cfg.authserv_id = argv[++i];
		} else if ((r = config_option(cfg, "scan", argc, argv,
		    &i)) != 0) {
			if (r < 0)	/* --set: any setting, limits too */
				return RF_EXIT_USAGE;
		} else if (strcmp(a, "--") == 0) {
			i++;
			dashdash = 1;
			break;
		} else if (a[0] == '-' && a[1] != '\0') {
			cli_bad_option("scan", a, valued);
			usage(stderr);
			return RF_EXIT_USAGE;
		} else {
			break;
		}
	}
	if ((!dashdash && cli_late_option("scan", argc, argv, i, NULL)) ||
	    cli_stdin_twice("scan", (const char *const *)argv + i, argc - i)) {
		usage(stderr);
		return RF_EXIT_USAGE;
	}
	if (s.rcpt != NULL && !cli_address_ok("scan", "--rcpt", s.rcpt))
		return RF_EXIT_USAGE;
	/* an option given overrides the settings (the milter's: db is
	 * also the consent store, as pipeline_open_store opens it) */
	if (db == NULL)
		db = cfg->db;
	if (classifier == NULL)
		classifier = cfg->classifier;
	if (s.cfg.authserv_id == NULL)
		s.cfg.authserv_id = cfg->authserv_id;
	s.cfg.verdict = &cfg->verdict;
	if (redis_auth_finish(&cfg->redis, "scan", (const char *const[]){ db,
	    consent, classifier }, 3) != 0)
		return RF_EXIT_USAGE;
	/* a dry run reads the store the milter writes: a mistyped path
	 * would be made an empty store that knows no campaign */
	if (s.dry_run && db != NULL && cli_store_there(db, 1,
	    "redflag scan --db", &err) != RF_OK) {
		cli_warn("scan: %s", err.msg);
		return RF_EXIT_UNAVAILABLE;
	}
	if (rf_ctx_new(&cfg->limits, &s.ctx, &err) != RF_OK) {
		cli_warn("%s", err.msg);
		return RF_EXIT_SOFTWARE;
	}
	/* the reports go through a stream of their own on standard output
	 * with a large buffer (setvbuf cannot enlarge stdout's: glibc
	 * ignores the size without a buffer, and one given must outlive
	 * stdout) */
	if ((fd = dup(1)) < 0 || (s.out = fdopen(fd, "w")) == NULL) {
		/* EINVAL: a descriptor open for reading only, as main()
		 * leaves a closed standard output */
		cli_stdout_failed("scan", errno == EINVAL ? EBADF : errno);
		if (fd >= 0)
			close(fd);
		goto done;
	}
	if ((outbuf = malloc(OUT_BUFFER)) == NULL ||
	    setvbuf(s.out, outbuf, _IOFBF, OUT_BUFFER) != 0) {
		cli_warn("scan: stopped by an internal error: out of memory");
		goto done;
	}
	s.sp = s.json ? sprinter_json_new(s.out) : sprinter_text_new(s.out);
	if (s.sp == NULL) {
		cli_warn("scan: stopped by an internal error: out of memory");
		goto done;
	}
	if ((s.cfg.rules = cli_rules()) == NULL)
		goto done;
	if (classifier != NULL) {
		if (cli_classifier(classifier, &cfg->verdict, ra, &cls,
		    &err) != RF_OK) {
			cli_warn("scan: %s", err.msg);
			status = RF_EXIT_UNAVAILABLE;
			goto done;
		}
		s.cfg.classifier = cls;
	}
	if (db == NULL && (s.batch = batch_new(&s)) == NULL)
		goto done;
	if ((db != NULL || consent != NULL) &&
	    open_store(&s, db, consent, ra) != 0) {
		status = RF_EXIT_UNAVAILABLE;
		goto done;
	}
	clock_gettime(CLOCK_MONOTONIC, &s.start);
	for (; i < argc && rc == 0; i++, npaths++)
		rc = scan_path(&s, argv[i]);
	if (npaths == 0 && rc == 0)
		rc = scan_path(&s, "-");
	if (rc == 0 && s.batch != NULL)
		rc = batch_finish(&s);
	if (rc == 0 && group_end(&s, 1) != 0)
		rc = -1;
	scan_progress(&s, "done", 0, 0, 1);
	if (!s.json)
		fprintf(s.out, "%zu message%s, %zu in campaigns, %zu link%s, "
		    "%zu identif%s the recipient, %zu input%s failed; %zu "
		    "spam, %zu bulk, %zu ham, %zu unsure\n", s.messages,
		    s.messages == 1 ? "" : "s", s.in_campaigns, s.links,
		    s.links == 1 ? "" : "s", s.tracking,
		    s.tracking == 1 ? "ies" : "y", s.failed,
		    s.failed == 1 ? "" : "s", s.verdicts[RF_VERDICT_SPAM],
		    s.verdicts[RF_VERDICT_BULK], s.verdicts[RF_VERDICT_HAM],
		    s.verdicts[RF_VERDICT_UNSURE]);
	werr = fflush(s.out) != 0 ? errno : ferror(s.out) ? EIO : 0;
	if (werr != 0)		/* a full disk, a closed pipe: said once */
		cli_stdout_failed("scan", werr);
	else if (rc != 0 && s.why[0] != '\0')
		cli_warn("scan: stopped by an internal error: %s", s.why);
	else if (rc != 0)
		cli_warn("scan: stopped by an internal error");
	else
		status = s.failed > 0 ? RF_EXIT_INPUT : RF_EXIT_OK;
done:
	batch_free(s.batch);
	rf_store_close(s.cfg.store);
	rf_consent_close(s.cfg.consent);
	rf_classifier_close(cls);
	rf_rules_free((rf_rules *)s.cfg.rules);
	if (s.sp != NULL)
		s.sp->destroy(s.sp);
	if (s.out != NULL)
		fclose(s.out);	/* flushed above */
	free(outbuf);
	rf_ctx_free(s.ctx);
	return status;
}

int
cmd_scan(int argc, char **argv)
{
	return config_run(run, argc, argv);
}
