/*
 * cmd_hotline.c - redflag hotline: its options, then cases acted on,
 * export to law enforcement, statistics, audit log, users (reports in:
 * hotline_submit.c; the queue and one case: hotline_list.c).
 * Run by the operator: actions are audited as the user named by --as
 * (default $USER) with the system role.  docs/man/redflag-hotline.1.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "hotline_cli.h"

#define EX_DATAERR RF_EXIT_DATAERR
#define EX_TEMPFAIL RF_EXIT_TEMPFAIL

static void
usage(FILE *f)
{
	fprintf(f, "usage: %s hotline [STORE OPTIONS] COMMAND ...\n\n"
	    "commands:\n"
	    "  submit [--category C] [--comment T] [--reporter ADDR] URL...\n"
	    "  submit [--category C] [--comment T] [--reporter ADDR]\n"
	    "         --mail FILE|-\n"
	    "                            a reported mail (a forward, or the "
	    "spam itself)\n"
	    "  cases [--all] [--state S] [--offset N]\n"
	    "                            the queue (open cases by default)\n"
	    "  show CASE                 one case with its reports\n"
	    "  review CASE | assess CASE OUTCOME [--category C] |\n"
	    "  state CASE STATE | appeal CASE | category CASE CAT  [--why TEXT]\n"
	    "                            (red_flag needs a category an analyst\n"
	    "                            set: --category, or category first;\n"
	    "                            each says the case's new state:\n"
	    "                            'case 12: in_review')\n"
	    "  export [--format xarf|csv] [--target T] [--reference R] "
	    "[CASE...]\n"
	    "         [--org NAME] [--org-contact ADDR] [--org-domain DOMAIN]\n"
	    "                            (the hotline as X-ARF names it; "
	    "default\n"
	    "                            redflag hotline, hotline@localhost)\n"
	    "  referrals [CASE] [--offset N]\n"
	    "  stats --month YYYY-MM [--json]\n"
	    "  audit verify | audit list [--case CASE] [--offset N]\n"
	    "                            (cases, referrals and audit list print\n"
	    "                            a page of queue_page_size; --offset N:\n"
	    "                            the page after the first N)\n"
	    "  raw REPORT --why TEXT     the raw form (needs --raw-key)\n"
	    "  user add NAME --role ROLE (password on standard input)\n"
	    "  user remove NAME          take a user's access away (signed "
	    "out)\n\n"
	    "  --as NAME                 who acts (audit log); default $USER\n"
	    "outcomes: red_flag not_illegal out_of_remit access_failed\n"
	    "categories: csam phishing malware fraud other\n"
	    "roles: intake analyst supervisor admin auditor\n"
	    "exit status: 0 done, 1 input rejected, an action refused or a\n"
	    "file unreadable, 64 usage error, 65 a mail too large or\n"
	    "unparsable, 69 the store could not be opened (submit --mail:\n"
	    "75) or is missing (only submit and user add make one), 70\n"
	    "internal error or an export not written (nothing\n"
	    "referred), 75 the store failed or out of memory\n",
	    RF_PROG);
	hl_fe_options_help(f);
}

/* The options a command takes (struct command's opts). */
enum {
	O_CATEGORY = 1 << 0, O_COMMENT = 1 << 1, O_REPORTER = 1 << 2,
	O_MAIL = 1 << 3, O_WHY = 1 << 4, O_FORMAT = 1 << 5,
	O_TARGET = 1 << 6, O_REFERENCE = 1 << 7, O_MONTH = 1 << 8,
	O_ROLE = 1 << 9, O_STATE = 1 << 10, O_CASE = 1 << 11,
	O_ALL = 1 << 12, O_JSON = 1 << 13, O_ORG = 1 << 14,
	O_ORG_CONTACT = 1 << 15, O_ORG_DOMAIN = 1 << 16, O_OFFSET = 1 << 17
};

/* The options with a value, each a field of struct args. */
static const struct option {
	const char *name;
	unsigned flag;
	size_t off;		/* of the const char * in struct args */
} options[] = {
	{ "--category", O_CATEGORY, offsetof(struct args, category) },
	{ "--comment", O_COMMENT, offsetof(struct args, comment) },
	{ "--reporter", O_REPORTER, offsetof(struct args, reporter) },
	{ "--mail", O_MAIL, offsetof(struct args, mail) },
	{ "--why", O_WHY, offsetof(struct args, why) },
	{ "--format", O_FORMAT, offsetof(struct args, format) },
	{ "--target", O_TARGET, offsetof(struct args, target) },
	{ "--reference", O_REFERENCE, offsetof(struct args, reference) },
	{ "--month", O_MONTH, offsetof(struct args, month) },
	{ "--role", O_ROLE, offsetof(struct args, role) },
	{ "--state", O_STATE, offsetof(struct args, state) },
	{ "--case", O_CASE, offsetof(struct args, case_arg) },
	{ "--org", O_ORG, offsetof(struct args, org) },
	{ "--org-contact", O_ORG_CONTACT, offsetof(struct args, org_contact) },
	{ "--org-domain", O_ORG_DOMAIN, offsetof(struct args, org_domain) },
	{ "--offset", O_OFFSET, offsetof(struct args, offset) },
};

/* parse_id: s, a case or report number given to command cmd (what:
 * "CASE", "REPORT"), into *out; -1 after saying what is wrong (none
 * given, not a number), the argument escaped. */
static int
parse_id(const char *cmd, const char *what, const char *s, int64_t *out)
{
	char esc[512];
	char *end;
	long long v;

	if (s == NULL) {
		cli_warn("hotline %s: give a %s number", cmd, what);
		return -1;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v <= 0) {
		cli_warn("hotline %s: %s '%s' is not a number", cmd, what,
		    cli_escape(esc, sizeof(esc), s, 100));
		return -1;
	}
	*out = v;
	return 0;
}

/* print_audit: one audit record, counted in *(unsigned *)arg. */
static int
print_audit(void *arg, const rf_hotline_audit_row *r)
{
	char when[32];
	rf_arena *a = rf_arena_new();

	if (a == NULL)
		return 1;
	hl_fe_stamp(when, sizeof(when), r->when);
	printf("%6lld  %s  %-10s %-10s %-16s %-10s %s%s%s\n",
	    (long long)r->seq, when, hl_esc(a, r->actor), r->role, r->action,
	    hl_esc(a, r->object), hl_esc(a, r->detail), *r->reason != '\0' ?
	    " -- " : "", hl_esc(a, r->reason));
	rf_arena_free(a);
	(*(unsigned *)arg)++;
	return 0;
}

static int
print_head(void *arg, const rf_hotline_audit_row *r)
{
	printf("head: record %lld hash %s\n", (long long)r->seq, r->hash);
	return 1;
}

/* print_referral: one referral, counted in *(unsigned *)arg. */
static int
print_referral(void *arg, const rf_hotline_referral *r)
{
	char when[32];
	rf_arena *a = rf_arena_new();

	if (a == NULL)
		return 1;
	hl_fe_stamp(when, sizeof(when), r->when);
	printf("%6lld  case %lld  %s  to %s  %s  %s  by %s\n",
	    (long long)r->id, (long long)r->case_id, when, hl_esc(a, r->target),
	    r->format, hl_esc(a, r->reference), hl_esc(a, r->actor));
	rf_arena_free(a);
	(*(unsigned *)arg)++;
	return 0;
}

static int
do_show(struct hl_fe *fe, struct args *a)
{
	if (a->argc > 1) {
		cli_warn("hotline show: one CASE number");
		return RF_EXIT_USAGE;
	}
	if (parse_id("show", "CASE", a->argv[0], &a->case_id) != 0)
		return RF_EXIT_USAGE;
	return hl_show(fe, a->case_id);
}

/*
 * do_action: review, appeal, category, assess and state of one case; on
 * success one line on standard output says what the case is now, in the
 * words the commands take: "case 12: in_review", "case 12: red_flag,
 * category phishing", "case 12: category fraud", "case 12: in_review, on
 * appeal".
 */
static int
do_action(struct hl_fe *fe, struct args *a)
{
	const rf_hotline_actor *who = &a->who;
	const char *cmd = a->cmd;
	rf_case_state s = RF_CASE_IN_REVIEW;
	rf_case_category cat = RF_CAT_OTHER;
	int has_state = 1, has_cat = 0, appeal = 0;
	rf_error err;
	rf_status st;

	if (parse_id(cmd, "CASE", a->argv[0], &a->case_id) != 0)
		return RF_EXIT_USAGE;
	if (strcmp(cmd, "review") == 0) {
		st = rf_hotline_review(fe->h, who, a->case_id, a->why, &err);
	} else if (strcmp(cmd, "appeal") == 0) {
		if (a->why == NULL || a->why[0] == '\0') {
			/* the library's "an appeal needs a reason" does not
			 * name the option */
			cli_warn("hotline appeal: give the reason with --why "
			    "TEXT");
			return RF_EXIT_USAGE;
		}
		st = rf_hotline_appeal(fe->h, who, a->case_id, a->why, &err);
		appeal = 1;
	} else if (strcmp(cmd, "category") == 0) {
		if (a->argc != 2 || rf_case_category_parse(a->argv[1],
		    &cat) != 0) {
			cli_warn("hotline category: give CASE CATEGORY (csam, "
			    "phishing, malware, fraud or other)");
			return RF_EXIT_USAGE;
		}
		st = rf_hotline_categorise(fe->h, who, a->case_id, cat,
		    a->why, &err);
		has_state = 0;
		has_cat = 1;
	} else {
		if (a->argc != 2 || rf_case_state_parse(a->argv[1], &s) != 0) {
			cli_warn("hotline %s: %s", cmd, strcmp(cmd, "assess") ==
			    0 ? "give CASE OUTCOME (red_flag, not_illegal, "
			    "out_of_remit or access_failed)" : "give CASE STATE "
			    "(monitoring or closed)");
			return RF_EXIT_USAGE;
		}
		if (strcmp(cmd, "assess") == 0 && a->category != NULL) {
			/* the category set with the assessment, one step */
			if (rf_case_category_parse(a->category, &cat) != 0) {
				cli_warn("--category: csam, phishing, malware, "
				    "fraud or other");
				return RF_EXIT_USAGE;
			}
			st = rf_hotline_assess_category(fe->h, who,
			    a->case_id, s, cat, a->why, &err);
			has_cat = 1;
		} else if (strcmp(cmd, "assess") == 0) {
			st = rf_hotline_assess(fe->h, who, a->case_id, s,
			    a->why, &err);
		} else {
			st = rf_hotline_set_state(fe->h, who, a->case_id, s,
			    a->why, &err);
		}
	}
	if (st != RF_OK) {
		cli_warn("hotline %s: %s", cmd, err.msg);
		return hl_refused(st);
	}
	printf("case %lld: %s%s%s%s%s\n", (long long)a->case_id,
	    has_state ? rf_case_state_name(s) : "", has_state && has_cat ?
	    ", " : "", has_cat ? "category " : "", has_cat ?
	    rf_case_category_name(cat) : "", appeal ? ", on appeal" : "");
	return RF_EXIT_OK;
}

/* to_stdout: the export's delivery (rf_hotline_deliver_cb): written to
 * standard output and flushed, no store lock held, before the referrals
 * are recorded; *arg (an int): 1 when it was, -1 when the write failed. */
static rf_status
to_stdout(void *arg, const char *data, size_t len, rf_error *err)
{
	int *written = arg;

	errno = 0;
	if (fwrite(data != NULL ? data : "", 1, len, stdout) != len ||
	    fflush(stdout) != 0) {
		*written = -1;
		return rf_error_set(err, RF_EIO, "cannot write to standard "
		    "output: %s", errno != 0 ? strerror(errno) : "write error");
	}
	*written = 1;
	return RF_OK;
}

static int
do_export(struct hl_fe *fe, struct args *a)
{
	const rf_hotline_actor *who = &a->who;
	const rf_hotline_org org = { a->org, a->org_contact, a->org_domain };
	int64_t *ids = NULL;
	rf_buf out;
	rf_error err;
	rf_status st;
	size_t n = 0;
	int i, rc = RF_EXIT_OK, written = 0;
	rf_export_format fmt = RF_EXPORT_XARF;

	if (a->format != NULL && strcmp(a->format, "csv") == 0)
		fmt = RF_EXPORT_CSV;
	else if (a->format != NULL && strcmp(a->format, "xarf") != 0) {
		cli_warn("hotline export: --format xarf or csv");
		return RF_EXIT_USAGE;
	}
	if (a->argc > 0 && (ids = calloc((size_t)a->argc,
	    sizeof(*ids))) == NULL)
		return EX_TEMPFAIL;
	for (i = 0; i < a->argc; i++)
		if (parse_id("export", "CASE", a->argv[i], &ids[i]) != 0) {
			free(ids);
			return RF_EXIT_USAGE;
		}
	/* the X-ARF reporter and sender then say nothing to law
	 * enforcement: one line, the export goes on */
	if (a->org == NULL)
		cli_warn("hotline export: the export names no organisation: "
		    "give --org NAME (and --org-contact ADDR, --org-domain "
		    "DOMAIN); it says \"redflag hotline\", hotline@localhost");
	rf_buf_init(&out, 0);
	/* the referrals are recorded only once standard output took the
	 * whole export (to_stdout runs between the read that makes it and
	 * the write that records it) */
	if ((st = rf_hotline_export(fe->h, who, ids, (size_t)a->argc, fmt,
	    &org, a->target != NULL ? a->target : "law enforcement",
	    a->reference, to_stdout, &written, &out, &n, &err)) != RF_OK &&
	    written == 1) {
		cli_warn("hotline export: the export was written but the "
		    "referrals could not be recorded: %s; export again to "
		    "record them", err.msg);
		rc = hl_refused(st);
	} else if (written == -1) {
		cli_warn("hotline export: %s; nothing was referred", err.msg);
		rc = RF_EXIT_SOFTWARE;
	} else if (st != RF_OK) {
		cli_warn("hotline export: %s", err.msg);
		rc = hl_refused(st);
	} else {
		cli_warn("hotline export: %zu case%s exported and referred", n,
		    n == 1 ? "" : "s");
	}
	rf_buf_free(&out);
	free(ids);
	return rc;
}

/* STATS_SCHEMA: the version of hotline stats --json (docs/json.md, as
 * scan's "schema", src/report.h) */
#define STATS_SCHEMA 1

static int
do_stats(struct hl_fe *fe, struct args *a)
{
	rf_hotline_stats s;
	rf_error err;
	rf_status st;
	int y, m;

	if (rf_hotline_parse_month(a->month, &y, &m) != 0) {
		char esc[256];

		if (a->month == NULL)
			cli_warn("hotline stats: give --month YYYY-MM");
		else
			cli_warn("hotline stats: --month '%s' is not a month: "
			    "give YYYY-MM (01 to 12)", cli_escape(esc,
			    sizeof(esc), a->month, 100));
		return RF_EXIT_USAGE;
	}
	if ((st = rf_hotline_stats_month(fe->h, y, m, &s, &err)) != RF_OK) {
		cli_warn("hotline stats: %s", err.msg);
		return hl_refused(st);
	}
	if (a->json)
		printf("{\"schema\": %d, \"month\": \"%04d-%02d\", "
		    "\"reports\": %u, "
		    "\"cases\": %u, \"new_cases\": %u, \"duplicates\": %u, "
		    "\"red_flags\": %u, \"referrals\": %u}\n", STATS_SCHEMA, y,
		    m, s.reports,
		    s.cases, s.new_cases, s.duplicates, s.red_flags,
		    s.referrals);
	else
		printf("month       %04d-%02d\nreports     %u\ncases       %u\n"
		    "new cases   %u\nduplicates  %u\nred flags   %u\n"
		    "referrals   %u\n", y, m, s.reports, s.cases, s.new_cases,
		    s.duplicates, s.red_flags, s.referrals);
	return RF_EXIT_OK;
}

static int
do_audit(struct hl_fe *fe, struct args *a)
{
	rf_error err;
	rf_status st;
	int64_t n, bad;
	unsigned off = 0, shown = 0;
	char obj[40];

	if (a->argc == 1 && strcmp(a->argv[0], "verify") == 0) {
		if (a->offset != NULL) {	/* verify reads them all */
			cli_warn("hotline audit verify: --offset is for "
			    "'audit list'");
			return RF_EXIT_USAGE;
		}
		if ((st = rf_hotline_audit_verify(fe->h, &n, &bad, &err)) !=
		    RF_OK) {
			cli_warn("hotline audit: audit log BROKEN: %s", err.msg);
			return hl_refused(st);
		}
		printf("audit log intact: %lld record%s\n", (long long)n,
		    n == 1 ? "" : "s");
		rf_hotline_audit_list(fe->h, NULL, 1, 0, print_head, NULL,
		    &err);
		return RF_EXIT_OK;
	}
	if (a->argc == 1 && strcmp(a->argv[0], "list") == 0) {
		/* a page of queue_page_size, and what was left out said */
		if (hl_offset("audit list", "audit record", a->offset,
		    &off) != 0)
			return RF_EXIT_USAGE;
		if (a->case_id != 0)
			snprintf(obj, sizeof(obj), "case:%lld",
			    (long long)a->case_id);
		if ((st = rf_hotline_audit_count(fe->h, a->case_id != 0 ?
		    obj : NULL, &n, &err)) != RF_OK ||
		    (st = rf_hotline_audit_list(fe->h, a->case_id != 0 ? obj :
		    NULL, 0, off, print_audit, &shown, &err)) != RF_OK) {
			cli_warn("hotline audit: %s", err.msg);
			return hl_refused(st);
		}
		if (n == 0)
			cli_warn("hotline audit list: no audit record%s",
			    a->case_id != 0 ? " of that case" : "");
		else
			hl_left_out(fe, "audit list", "audit record", n, off,
			    shown);
		return RF_EXIT_OK;
	}
	cli_warn("hotline audit: give 'audit verify' or 'audit list'");
	return RF_EXIT_USAGE;
}

static int
do_user(struct hl_fe *fe, struct args *a)
{
	const rf_hotline_actor *who = &a->who;
	char pw[1100];
	size_t n;
	rf_hotline_role role = rf_hotline_role_parse(a->role);
	rf_error err;
	rf_status st;

	if (a->argc == 2 && strcmp(a->argv[0], "remove") == 0 &&
	    a->role == NULL) {
		if ((st = rf_hotline_user_remove(fe->h, who, a->argv[1],
		    &err)) != RF_OK) {
			cli_warn("hotline user remove: %s", err.msg);
			return hl_refused(st);
		}
		printf("user %s removed\n", a->argv[1]);
		return RF_EXIT_OK;
	}
	if (a->argc != 2 || strcmp(a->argv[0], "add") != 0 ||
	    role == RF_ROLE_NONE) {
		cli_warn("hotline user: give 'user add NAME --role ROLE', "
		    "ROLE intake, analyst, supervisor, admin or auditor, or "
		    "'user remove NAME'");
		return RF_EXIT_USAGE;
	}
	if (isatty(0))
		fprintf(stderr, "password for %s: ", a->argv[1]);
	if (fgets(pw, sizeof(pw), stdin) == NULL) {
		cli_warn("hotline user add: no password on standard input");
		return RF_EXIT_USAGE;
	}
	n = strcspn(pw, "\r\n");
	pw[n] = '\0';
	if ((st = rf_hotline_user_add(fe->h, who, a->argv[1], role, pw,
	    &err)) != RF_OK) {
		memset(pw, 0, sizeof(pw));
		cli_warn("hotline user add: %s", err.msg);
		return hl_refused(st);
	}
	memset(pw, 0, sizeof(pw));
	printf("user %s added (%s)\n", a->argv[1], rf_hotline_role_name(role));
	return RF_EXIT_OK;
}

static int
do_raw(struct hl_fe *fe, struct args *a)
{
	const rf_hotline_actor *who = &a->who;
	rf_hotline_actor sup;
	rf_arena *ar;
	const char *raw;
	rf_error err;
	rf_status st;
	int64_t id;
	int rc = RF_EXIT_OK;

	if (a->argc > 1) {
		cli_warn("hotline raw: one REPORT number");
		return RF_EXIT_USAGE;
	}
	if (parse_id("raw", "REPORT", a->argv[0], &id) != 0)
		return RF_EXIT_USAGE;
	if (fe->key_file == NULL) {
		cli_warn("hotline raw: give --raw-key FILE, the key the raw "
		    "forms were kept with");
		return RF_EXIT_USAGE;
	}
	/* The operator holding the key acts as supervisor here, audited
	 * under --as like every other action. */
	sup.name = who->name;
	sup.role = RF_ROLE_SUPERVISOR;
	if ((ar = rf_arena_new()) == NULL)
		return EX_TEMPFAIL;
	if ((st = rf_hotline_raw_read(fe->h, &sup, id, a->why, ar, &raw,
	    &err)) != RF_OK) {
		cli_warn("hotline raw: %s", err.msg);
		rc = hl_refused(st);
	} else {
		char esc[8192];

		printf("%s\n", cli_escape(esc, sizeof(esc), raw, 8000));
	}
	rf_arena_free(ar);
	return rc;
}

static int
do_cases(struct hl_fe *fe, struct args *a)
{
	return hl_cases(fe, a->all, a->state, a->offset);
}

static int
do_referrals(struct hl_fe *fe, struct args *a)
{
	unsigned shown = 0, off = 0;
	int64_t id = 0, n = 0;
	rf_error err;
	rf_status st;

	if (a->argc == 1 && parse_id("referrals", "CASE", a->argv[0],
	    &id) != 0)
		return RF_EXIT_USAGE;
	if (hl_offset("referrals", "referral", a->offset, &off) != 0)
		return RF_EXIT_USAGE;
	/* a page of queue_page_size, and what was left out said */
	if ((st = rf_hotline_referral_count(fe->h, id, &n, &err)) != RF_OK ||
	    (st = rf_hotline_referrals(fe->h, id, 0, off, print_referral,
	    &shown, &err)) != RF_OK) {
		cli_warn("hotline referrals: %s", err.msg);
		return hl_refused(st);
	}
	if (n == 0)	/* not an empty answer in silence */
		cli_warn("hotline referrals: no referral%s", id != 0 ?
		    " of that case" : "");
	else
		hl_left_out(fe, "referrals", "referral", n, off, shown);
	return RF_EXIT_OK;
}

/* The commands and the options each takes (--as and the store's options
 * apply to all); checked before the store is opened, so that a mistyped
 * one does not create a database and an option that does not apply is
 * refused, not ignored. */
static const struct command {
	const char *name;
	int (*run)(struct hl_fe *, struct args *);
	unsigned opts;
} commands[] = {
	{ "submit", hl_submit, O_CATEGORY | O_COMMENT | O_REPORTER | O_MAIL },
	{ "cases", do_cases, O_ALL | O_STATE | O_OFFSET },
	{ "show", do_show, 0 },
	{ "review", do_action, O_WHY },
	{ "assess", do_action, O_WHY | O_CATEGORY },
	{ "state", do_action, O_WHY },
	{ "appeal", do_action, O_WHY },
	{ "category", do_action, O_WHY },
	{ "export", do_export, O_FORMAT | O_TARGET | O_REFERENCE | O_ORG |
	    O_ORG_CONTACT | O_ORG_DOMAIN },
	{ "referrals", do_referrals, O_OFFSET },
	{ "stats", do_stats, O_MONTH | O_JSON },
	{ "audit", do_audit, O_CASE | O_OFFSET },
	{ "user", do_user, O_ROLE },
	{ "raw", do_raw, O_WHY },
};

/* find_command: the command named name, or NULL. */
static const struct command *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

/* makes_store: command c, with a's arguments, may make the store: submit
 * (a report filed) and user add (the first user of a new hotline).  The
 * others read or act on what the store holds already: a missing file is
 * refused (cli_store_there), not made an empty store that has nothing. */
static int
makes_store(const struct command *c, const struct args *a)
{
	return c->run == hl_submit || (c->run == do_user &&
	    a->argc > 0 && strcmp(a->argv[0], "add") == 0);
}

/* not_taken: the name of an option given (flags) that c does not take,
 * or NULL. */
static const char *
not_taken(const struct command *c, unsigned given)
{
	size_t i;

	given &= ~c->opts;
	if (given & O_ALL)
		return "--all";
	if (given & O_JSON)
		return "--json";
	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (given & options[i].flag)
			return options[i].name;
	return NULL;
}

int
cmd_hotline(int argc, char **argv)
{
	struct hl_fe fe;
	struct args a;
	const struct command *c;
	const char *cmd = NULL, *as = getenv("USER"), *bad;
	char **pos, esc[512], name[64];
	unsigned given = 0;
	size_t k;
	int i, r, rc = RF_EXIT_USAGE;

	hl_fe_init(&fe);
	memset(&a, 0, sizeof(a));
	if ((pos = calloc((size_t)argc + 1, sizeof(*pos))) == NULL)
		return EX_TEMPFAIL;
	a.argv = pos;
	for (i = 1; i < argc; i++) {
		const char *o = argv[i];
		const char **v = NULL;

		if ((r = hl_fe_option(&fe, "hotline", argc, argv, &i)) < 0)
			goto out;
		else if (r > 0)
			continue;
		if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
			usage(stdout);
			rc = RF_EXIT_OK;
			goto out;
		}
		if (strcmp(o, "--all") == 0) {
			a.all = 1;
			given |= O_ALL;
			continue;
		}
		if (strcmp(o, "--json") == 0) {
			a.json = 1;
			given |= O_JSON;
			continue;
		}
		if (strcmp(o, "--as") == 0)
			v = &as;
		for (k = 0; v == NULL && k < sizeof(options) /
		    sizeof(options[0]); k++)
			if (strcmp(o, options[k].name) == 0) {
				v = (const char **)(void *)((char *)&a +
				    options[k].off);
				given |= options[k].flag;
			}
		if (v != NULL && i + 1 < argc) {
			*v = argv[++i];
			continue;
		}
		if (v != NULL || (o[0] == '-' && o[1] == '-')) {
			/* o, when one of the names above, lacks its value */
			const char *const valued[] = { v != NULL ? o : NULL,
			    NULL };

			cli_bad_option("hotline", o, valued);
			usage(stderr);
			goto out;
		}
		if (cmd == NULL)
			cmd = o;
		else
			pos[a.argc++] = argv[i];
	}
	if (cmd == NULL) {
		cli_warn("hotline: give a command");
		usage(stderr);
		goto out;
	}
	if ((c = find_command(cmd)) == NULL) {
		cli_warn("hotline: unknown command '%s'",
		    cli_escape(esc, sizeof(esc), cmd, 100));
		usage(stderr);
		goto out;
	}
	if ((bad = not_taken(c, given)) != NULL) {
		cli_warn("hotline %s: %s does not apply to it", c->name, bad);
		usage(stderr);
		goto out;
	}
	if (a.case_arg != NULL && parse_id(c->name, "CASE", a.case_arg,
	    &a.case_id) != 0)
		goto out;
	snprintf(name, sizeof(name), "hotline %s", c->name);
	fe.must_exist = !makes_store(c, &a);
	if ((rc = hl_fe_open(&fe, name)) != 0) {
		/* A mail to file (a mailbox pipe): the MTA keeps it and
		 * retries, whatever kept the store closed. */
		if (c->run == hl_submit && a.mail != NULL)
			rc = RF_EXIT_TEMPFAIL;
		goto out;
	}
	a.cmd = c->name;
	a.who.name = as != NULL && *as != '\0' ? as : "cli";
	a.who.role = RF_ROLE_SYSTEM;
	rc = c->run(&fe, &a);
	hl_fe_close(&fe);
out:
	free(pos);
	return rc;
}
