/*
 * cmd_campaigns.c - redflag campaigns: the campaigns in the store,
 * largest first, as a table or JSON (docs/man/redflag-campaigns.1).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "config.h"
#include "redis_auth.h"

#define DEFAULT_DB "redflag.db"
#define DEFAULT_LIMIT 50
#define DEFAULT_MIN_SIZE 2	/* a campaign is two or more recipients */
#define MAX_COUNT 1000000000	/* --limit, --min-size */
#define SUBJECT_SHOWN 60	/* subject bytes in the table */
/* the version of the --json format (docs/json.md, "redflag campaigns
 * --json"), as scan's "schema" (src/report.h): 1 was the bare array
 * printed before --min-size, which carried no version */
#define CAMPAIGNS_SCHEMA 2

struct out {
	int json;
	size_t n;
	unsigned long long min_size;	/* list sizes from this one up; 1:
					 * all, size 0 too */
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: %s campaigns [--db STORE] [-c FILE] "
	    "[--set NAME=VALUE]... [--json]\n"
	    "                         [--limit N] [--min-size N]\n"
	    "\n"
	    "The campaigns in the store, largest (most distinct recipients) "
	    "first.\n"
	    "  --db STORE   SQLite file, sqlite:PATH, redis://HOST[:PORT]"
	    "[/PREFIX]\n"
	    "               or unix:PATH[#PREFIX]; default the db of -c,\n"
	    "               else $REDFLAG_DB, else ./" DEFAULT_DB "\n"
	    "  -c, --config FILE\n"
	    "               settings (redflag.conf(5)), read before the other\n"
	    "               options, which override them: db and the Redis\n"
	    "               settings; the others are ignored\n"
	    "  --set NAME=VALUE\n"
	    "               one setting of redflag.conf(5)\n"
	    "  --json       one JSON object instead of a table: schema,\n"
	    "               min_size, below_min_size and the campaigns\n"
	    "               array\n"
	    "  --limit N    at most N campaigns (default %d, 0 = all)\n"
	    "  --min-size N\n"
	    "               only campaigns of N or more recipients (default "
	    "%d),\n"
	    "               the others counted at the end; 1 lists single\n"
	    "               messages too\n"
	    "\nexit status: 0 listed, 1 the store could not be read, 64 usage\n"
	    "error, 69 the store could not be opened or is missing, 70 the\n"
	    "list could not be written\n",
	    RF_PROG, DEFAULT_LIMIT, DEFAULT_MIN_SIZE);
	redis_auth_help(f);
}

static const char *
iso8601(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "-");
	return buf;
}

/* utf8_len: length of the valid UTF-8 sequence at s, 0 if invalid. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned c = s[0];
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/* json_string: s as a JSON string; invalid UTF-8 becomes U+FFFD. */
static void
json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	fputc('"', f);
	while (*s != '\0') {
		if (*s == '"' || *s == '\\') {
			fprintf(f, "\\%c", *s++);
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s++);
		} else if ((n = utf8_len(s)) == 0) {
			fputs("\\ufffd", f);
			s++;
		} else {
			fwrite(s, 1, n, f);
			s += n;
		}
	}
	fputc('"', f);
}

static int
print_cb(const rf_campaign *c, void *arg)
{
	struct out *o = arg;
	char first[32], last[32], subject[4 * SUBJECT_SHOWN + 8];

	if (o->min_size > 1 && c->size < o->min_size)
		return 1;	/* the rest are smaller still */
	iso8601(c->first_seen, first, sizeof(first));
	iso8601(c->last_seen, last, sizeof(last));
	if (o->json) {
		printf("%s\n    {\"id\": \"%s\", \"size\": %llu, \"copies\": "
		    "%llu, \"complaints\": %llu, \"first_seen\": \"%s\", "
		    "\"last_seen\": \"%s\", \"subject\": ",
		    o->n == 0 ? "" : ",", c->id, (unsigned long long)c->size,
		    (unsigned long long)c->copies,
		    (unsigned long long)c->complaints, first, last);
		json_string(stdout, c->subject);
		fputc('}', stdout);
	} else {
		if (o->n == 0)
			printf("%-16s %10s %10s %10s  %-20s  %-20s  %s\n",
			    "ID", "SIZE", "COPIES", "COMPLAINTS",
			    "FIRST SEEN", "LAST SEEN", "SUBJECT");
		printf("%-16s %10llu %10llu %10llu  %-20s  %-20s  %s\n", c->id,
		    (unsigned long long)c->size,
		    (unsigned long long)c->copies,
		    (unsigned long long)c->complaints, first, last,
		    rf_escape_text(subject, sizeof(subject), c->subject,
		    SUBJECT_SHOWN));
	}
	o->n++;
	return ferror(stdout) != 0;
}

/* print_left_out: the note after the table on the n campaigns below
 * o->min_size (nothing when n is 0). */
static void
print_left_out(const struct out *o, uint64_t n)
{
	if (n == 0)
		return;
	if (o->min_size == 2)
		printf("(%llu single message%s not shown; --min-size 1 lists "
		    "%s)\n", (unsigned long long)n, n == 1 ? "" : "s",
		    n == 1 ? "it" : "them");
	else
		printf("(%llu campaign%s of fewer than %llu recipients not "
		    "shown; --min-size 1 lists %s)\n", (unsigned long long)n,
		    n == 1 ? "" : "s", o->min_size, n == 1 ? "it" : "them");
}

/* The options that take the next argument as their value. */
static const char *const valued[] = { "--db", "--limit", "--min-size",
    "--set", "--redis-user", "--redis-password-file", NULL };

/* run: the command, with cfg (config_init'ed; the caller frees it)
 * holding the settings: those of the files -c names first (read before
 * the other options, so that each option given overrides them whatever
 * its place), then the options'. */
static int
run(int argc, char **argv, struct config *cfg)
{
	const char *db = NULL, *arg, *val;
	struct redis_auth *ra = &cfg->redis;
	struct out o = { 0, 0, DEFAULT_MIN_SIZE };
	unsigned long long limit = DEFAULT_LIMIT, *count;
	uint64_t left_out = 0;
	rf_store_options opt;
	rf_store *s = NULL;
	rf_error err;
	int i, r, rc = RF_EXIT_OK;

	if (config_preload(cfg, "campaigns", argc, argv, valued) != 0)
		return RF_EXIT_USAGE;
	for (i = 1; i < argc; i++) {
		arg = argv[i];
		val = NULL;
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			usage(stdout);
			return RF_EXIT_OK;
		} else if (config_file_option(argc, argv, &i)) {
			continue;	/* read by config_preload */
		} else if ((r = redis_auth_option(ra, "campaigns", argc, argv,
		    &i)) != 0) {
			if (r < 0)
				return RF_EXIT_USAGE;
		} else if ((r = config_option(cfg, "campaigns", argc, argv,
		    &i)) != 0) {
			if (r < 0)	/* --set */
				return RF_EXIT_USAGE;
		} else if (strcmp(arg, "--json") == 0) {
			o.json = 1;
		} else if ((strcmp(arg, "--db") == 0 ||
		    strcmp(arg, "--limit") == 0 ||
		    strcmp(arg, "--min-size") == 0) && i + 1 < argc) {
			val = argv[++i];
		} else if (strncmp(arg, "--db=", 5) == 0) {
			val = arg + 5;
		} else if (strncmp(arg, "--limit=", 8) == 0) {
			val = arg + 8;
		} else if (strncmp(arg, "--min-size=", 11) == 0) {
			val = arg + 11;
		} else {
			cli_bad_option("campaigns", arg, valued);
			usage(stderr);
			return RF_EXIT_USAGE;
		}
		if (val == NULL)
			continue;
		if (strncmp(arg, "--db", 4) == 0) {
			if (!cli_store_ok("campaigns", "--db", db = val))
				return RF_EXIT_USAGE;
			continue;
		}
		/* a count: digits only (rf_parse_number, no suffix) */
		count = strncmp(arg, "--limit", 7) == 0 ? &limit : &o.min_size;
		if (rf_parse_number(val, MAX_COUNT, 0, count, NULL) != RF_OK ||
		    (count == &o.min_size && o.min_size == 0)) {
			cli_warn("campaigns: %s needs a number from %d to %d", count ==
			    &limit ? "--limit" : "--min-size", count == &limit ?
			    0 : 1, MAX_COUNT);
			return RF_EXIT_USAGE;
		}
	}
	/* --db, else the settings' db (checked as they were read), else
	 * $REDFLAG_DB, else the default */
	if (db == NULL)
		db = cfg->db;
	if (db == NULL && (db = getenv("REDFLAG_DB")) != NULL &&
	    *db != '\0' && !cli_store_ok("campaigns", "$REDFLAG_DB", db))
		return RF_EXIT_USAGE;
	if (db == NULL || *db == '\0')
		db = DEFAULT_DB;
	if (redis_auth_finish(ra, "campaigns", &db, 1) != 0)
		return RF_EXIT_USAGE;
	signal(SIGPIPE, SIG_IGN);	/* a lost Redis link is an error */
	redis_auth_store_options(ra, &opt);
	opt.read_only = 1;
	/* a missing store is refused, not created (read_only) */
	if (cli_store_there(db, 1, "redflag scan --db", &err) != RF_OK) {
		cli_warn("campaigns: %s", err.msg);
		return RF_EXIT_UNAVAILABLE;
	}
	if (rf_store_open(db, &opt, &s, &err) != RF_OK) {
		cli_warn_input("campaigns", db, err.msg);
		return RF_EXIT_UNAVAILABLE;
	}
	/* min_size 1 lists every entry (a message no recipient is known
	 * of, size 0, is a single message too) */
	if (o.min_size > 1 && rf_campaign_count_below(s, o.min_size,
	    &left_out, &err) != RF_OK) {
		cli_warn("campaigns: %s", err.msg);
		rf_store_close(s);
		return RF_EXIT_INPUT;
	}
	if (o.json)
		printf("{\"schema\": %d, \"min_size\": %llu, "
		    "\"below_min_size\": %llu, \"campaigns\": [",
		    CAMPAIGNS_SCHEMA, o.min_size,
		    (unsigned long long)left_out);
	if (rf_campaign_list(s, (size_t)limit, print_cb, &o, &err) != RF_OK) {
		cli_warn("campaigns: %s", err.msg);
		rc = RF_EXIT_INPUT;
	}
	if (o.json)
		printf("%s]}\n", o.n > 0 ? "\n" : "");
	else if (rc == RF_EXIT_OK)
		print_left_out(&o, left_out);
	rf_store_close(s);
	return rc;	/* main() checks that the list was written */
}

int
cmd_campaigns(int argc, char **argv)
{
	return config_run(run, argc, argv);
}
