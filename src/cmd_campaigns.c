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

#define DEFAULT_DB "redflag.db"
#define DEFAULT_LIMIT 50
#define SUBJECT_SHOWN 60	/* subject bytes in the table */

struct out {
	int json;
	size_t n;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: %s campaigns [--db STORE] [--json] [--limit N]\n"
	    "\n"
	    "The campaigns in the store, largest (most distinct recipients) "
	    "first.\n"
	    "  --db STORE   SQLite file, sqlite:PATH, redis://HOST[:PORT]"
	    "[/PREFIX]\n"
	    "               or unix:PATH[#PREFIX]; default $REDFLAG_DB, "
	    "else ./" DEFAULT_DB "\n"
	    "  --json       one JSON array instead of a table\n"
	    "  --limit N    at most N campaigns (default %d, 0 = all)\n"
	    "\nexit status: 0 listed, 1 the store could not be read, 64 usage\n"
	    "error, 69 the store could not be opened, 70 the list could not\n"
	    "be written\n",
	    RF_PROG, DEFAULT_LIMIT);
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

	iso8601(c->first_seen, first, sizeof(first));
	iso8601(c->last_seen, last, sizeof(last));
	if (o->json) {
		printf("%s\n  {\"id\": \"%s\", \"size\": %llu, \"copies\": "
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
		    cli_escape(subject, sizeof(subject), c->subject,
		    SUBJECT_SHOWN));
	}
	o->n++;
	return ferror(stdout) != 0;
}

int
cmd_campaigns(int argc, char **argv)
{
	const char *db = getenv("REDFLAG_DB"), *arg, *val;
	struct out o = { 0, 0 };
	unsigned long long limit = DEFAULT_LIMIT;
	rf_store_options opt;
	rf_store *s = NULL;
	rf_error err;
	int i, rc = RF_EXIT_OK;

	for (i = 1; i < argc; i++) {
		arg = argv[i];
		val = NULL;
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			usage(stdout);
			return RF_EXIT_OK;
		} else if (strcmp(arg, "--json") == 0) {
			o.json = 1;
		} else if ((strcmp(arg, "--db") == 0 ||
		    strcmp(arg, "--limit") == 0) && i + 1 < argc) {
			val = argv[++i];
		} else if (strncmp(arg, "--db=", 5) == 0) {
			val = arg + 5;
		} else if (strncmp(arg, "--limit=", 8) == 0) {
			val = arg + 8;
		} else {
			static const char *const valued[] = { "--db",
			    "--limit", NULL };

			cli_bad_option("campaigns", arg, valued);
			usage(stderr);
			return RF_EXIT_USAGE;
		}
		if (val == NULL)
			continue;
		if (strncmp(arg, "--db", 4) == 0) {
			db = val;
			continue;
		}
		/* a count: digits only (rf_parse_number, no suffix) */
		if (rf_parse_number(val, 1000000000, 0, &limit, NULL) !=
		    RF_OK) {
			cli_warn("--limit needs a number from 0 to 1000000000");
			return RF_EXIT_USAGE;
		}
	}
	if (db == NULL || *db == '\0')
		db = DEFAULT_DB;
	signal(SIGPIPE, SIG_IGN);	/* a lost Redis link is an error */
	rf_store_options_default(&opt);
	opt.read_only = 1;
	if (rf_store_open(db, &opt, &s, &err) != RF_OK) {
		cli_warn_input("campaigns", db, err.msg);
		return RF_EXIT_UNAVAILABLE;
	}
	if (o.json)
		printf("[");
	if (rf_campaign_list(s, (size_t)limit, print_cb, &o, &err) != RF_OK) {
		cli_warn("campaigns: %s", err.msg);
		rc = RF_EXIT_INPUT;
	}
	if (o.json)
		printf("%s]\n", o.n > 0 ? "\n" : "");
	rf_store_close(s);
	return rc;	/* main() checks that the list was written */
}
