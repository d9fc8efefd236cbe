/* hotline_fe.c - shared by `redflag hotline` and `redflag serve`. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "assets.h"
#include "cli.h"
#include "hotline_fe.h"

void
hl_fe_init(struct hl_fe *fe)
{
	const char *db = getenv("REDFLAG_HOTLINE_DB");

	memset(fe, 0, sizeof(*fe));
	fe->db = db != NULL && *db != '\0' ? db : HL_DEFAULT_DB;
	rf_limits_default(&fe->limits);
}

void
hl_fe_options_help(FILE *f)
{
	fprintf(f, "\nstore options:\n"
	    "  --db FILE          the hotline database (default %s,\n"
	    "                     or $REDFLAG_HOTLINE_DB)\n"
	    "  --raw-key FILE     32-byte key (raw or 64 hex digits): keep the\n"
	    "                     raw form of each reported URL, encrypted\n"
	    "  --set NAME=VALUE   a limit: max_url_len, max_report_urls,\n"
	    "                     max_field_len, max_reports_per_case,\n"
	    "                     max_export_cases, queue_page_size, or a\n"
	    "                     message limit (see redflag scan --help)\n",
	    HL_DEFAULT_DB);
}

int
hl_fe_option(struct hl_fe *fe, const char *cmd, int argc, char **argv,
	     int *i)
{
	const char *a = argv[*i], *value;
	char name[64];
	rf_status st;
	rf_error err;
	int r;

	if (strcmp(a, "--db") == 0 || strcmp(a, "--raw-key") == 0) {
		if (*i + 1 >= argc) {
			const char *const valued[] = { a, NULL };

			cli_bad_option(cmd, a, valued);
			return -1;
		}
		if (a[2] == 'd')
			fe->db = argv[++*i];
		else
			fe->key_file = argv[++*i];
		return 1;
	}
	/* --set NAME=VALUE, split by cli_set_option: a hotline limit, else
	 * a message limit */
	if ((r = cli_set_option(cmd, argc, argv, i, name, sizeof(name),
	    &value)) <= 0)
		return r;
	st = rf_hotline_limits_set(&fe->opts.limits, name, value, &err);
	if (st == RF_ENOTFOUND)		/* not a hotline limit */
		st = rf_limits_set(&fe->limits, name, value, &err);
	if (st != RF_OK) {		/* a bad value, or no such limit */
		cli_warn("%s: --set: %s", cmd, err.msg);
		return -1;
	}
	return 1;
}

static int
load_key(struct hl_fe *fe, const char *cmd)
{
	unsigned char buf[130];
	char esc[512];
	ssize_t n = 0;
	size_t len = 0;
	int fd;

	cli_escape(esc, sizeof(esc), fe->key_file, 200);
	if ((fd = open(fe->key_file, O_RDONLY)) < 0) {
		cli_warn("%s: --raw-key %s: %s", cmd, esc, strerror(errno));
		return -1;
	}
	while (len < sizeof(buf) && (n = read(fd, buf + len,
	    sizeof(buf) - len)) > 0)
		len += (size_t)n;
	close(fd);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (len == RF_HOTLINE_KEYBYTES) {
		memcpy(fe->key, buf, RF_HOTLINE_KEYBYTES);
	} else if (len == 2 * RF_HOTLINE_KEYBYTES) {
		size_t i;

		for (i = 0; i < RF_HOTLINE_KEYBYTES; i++) {
			unsigned v;

			if (sscanf((const char *)buf + 2 * i, "%2x", &v) != 1) {
				len = 0;
				break;
			}
			fe->key[i] = (unsigned char)v;
		}
	}
	if (len != RF_HOTLINE_KEYBYTES && len != 2 * RF_HOTLINE_KEYBYTES) {
		cli_warn("%s: --raw-key %s: %s", cmd, esc, len == 0 && n < 0 ?
		    strerror(errno) : "a key is 32 bytes or 64 hex digits");
		return -1;
	}
	fe->opts.raw_key = fe->key;
	return 0;
}

int
hl_fe_open(struct hl_fe *fe, const char *cmd)
{
	const struct rf_asset *a;
	rf_error err;
	int rc = RF_EXIT_INPUT;

	if (fe->key_file != NULL && load_key(fe, cmd) != 0)
		goto fail;
	if (fe->must_exist && cli_store_there(fe->db, 0,
	    "redflag hotline submit", &err) != RF_OK) {
		cli_warn("%s: %s", cmd, err.msg);
		rc = RF_EXIT_UNAVAILABLE;
		goto fail;
	}
	rc = RF_EXIT_SOFTWARE;
	if (rf_ctx_new(&fe->limits, &fe->ctx, &err) != RF_OK) {
		cli_warn("%s: %s", cmd, err.msg);
		goto fail;
	}
	/* The tracking rules the binary carries scrub reporters' codes. */
	if ((a = asset_find("data/trackers.conf")) == NULL ||
	    rf_rules_parse((const char *)a->data, a->len, &fe->rules,
	    &err) != RF_OK) {
		cli_warn("%s: tracking rules: %s", cmd, a == NULL ?
		    "missing" : err.msg);
		goto fail;
	}
	fe->opts.rules = fe->rules;
	if (rf_hotline_open(fe->ctx, fe->db, &fe->opts, &fe->h, &err) !=
	    RF_OK) {
		char esc[512];

		cli_warn("%s: %s: %s", cmd, cli_escape(esc, sizeof(esc),
		    fe->db, 200), err.msg);
		rc = RF_EXIT_UNAVAILABLE;
		goto fail;
	}
	return 0;
fail:
	hl_fe_close(fe);	/* what was opened; fe may be closed again */
	return rc;
}

void
hl_fe_close(struct hl_fe *fe)
{
	rf_hotline_close(fe->h);
	rf_rules_free(fe->rules);
	rf_ctx_free(fe->ctx);
	memset(fe->key, 0, sizeof(fe->key));
	fe->h = NULL;
	fe->ctx = NULL;
	fe->rules = NULL;
}

/* hl_fe_current: see hotline_fe.h. */
int
hl_fe_current(struct hl_fe *fe, const char *cmd)
{
	char esc[512];
	rf_error err;
	int missing;

	if (fe->h != NULL && !rf_hotline_moved(fe->h))
		return 0;
	rf_hotline_close(fe->h);
	fe->h = NULL;
	cli_escape(esc, sizeof(esc), fe->db, 200);
	missing = cli_path_errno(fe->db) == ENOENT;
	if (rf_hotline_open(fe->ctx, fe->db, &fe->opts, &fe->h, &err) !=
	    RF_OK) {
		if (!fe->lost)
			cli_warn("%s: %s: " CLI_FILE_REPLACED ", and "
			    "opening the path again failed: %s (every request "
			    "is answered 503 until it opens)", cmd, esc,
			    err.msg);
		fe->lost = 1;
		fe->h = NULL;
		return -1;
	}
	fe->lost = 0;
	cli_warn("%s: %s: " CLI_FILE_REPLACED "; opened the path again: %s",
	    cmd, esc, missing ?
	    "a new hotline database (no users: add one with 'redflag "
	    "hotline user add NAME --role ROLE')" : "the file now there");
	return 0;
}

int
hl_fe_mail(struct hl_fe *fe, const rf_hotline_actor *who, const char *source,
	   const char *category, const char *comment, const char *extra,
	   const char *data, size_t len, FILE *out, rf_error *err)
{
	rf_message *m = NULL;
	rf_arena *a = NULL;
	rf_hotline_report r;
	rf_hotline_mailmeta meta;
	rf_hotline_filed *filed = NULL;
	const char **urls, *reporter, **also;
	size_t n, i;
	int rc = -1, filed_n = 0;

	if (rf_message_parse(fe->ctx, data, len, &m, err) != RF_OK)
		goto done;
	if ((a = rf_arena_new()) == NULL) {
		rf_error_set(err, RF_ENOMEM, "out of memory");
		goto done;
	}
	if (rf_hotline_from_message(fe->ctx, a, m, &fe->opts.limits, &urls, &n, &meta,
	    &reporter, err) != RF_OK)
		goto done;
	if (n == 0) {
		rc = 0;
		goto done;
	}
	/* the address given beside those the mail names: scrubbed too */
	if (extra != NULL) {
		if ((also = rf_arena_array(a, meta.nalso + 1,
		    sizeof(*also))) == NULL) {
			rf_error_set(err, RF_ENOMEM, "out of memory");
			goto done;
		}
		for (i = 0; i < meta.nalso; i++)
			also[i] = meta.also[i];
		also[meta.nalso++] = extra;
		meta.also = also;
	}
	memset(&r, 0, sizeof(r));
	r.source = source;
	r.urls = urls;
	r.nurls = n;
	r.reporter = reporter;
	r.category = category;
	r.comment = comment;
	r.mail = &meta;
	if ((filed = rf_arena_array(a, n, sizeof(*filed))) == NULL) {
		rf_error_set(err, RF_ENOMEM, "out of memory");
		goto done;
	}
	if (rf_hotline_submit(fe->h, who, &r, filed, err) != RF_OK)
		goto done;
	for (i = 0; i < n; i++) {
		if (filed[i].error == NULL && !filed[i].repeated)
			filed_n++;
		if (out == NULL)
			continue;
		if (filed[i].error != NULL)
			fprintf(out, "rejected\t%s\n", filed[i].error);
		else
			fprintf(out, "report %lld\tcase %lld\t%s\n",
			    (long long)filed[i].report_id,
			    (long long)filed[i].case_id,
			    filed[i].repeated ? "repeated" :
			    filed[i].new_case ? "new case" : "joined");
	}
	if (out != NULL && meta.urls_left_out > 0)
		fprintf(out, "left out\t%zu link%s past max_report_urls "
		    "(%u)\n", meta.urls_left_out,
		    cli_plural(meta.urls_left_out, "s"), fe->opts.limits.max_report_urls != 0 ?
		    fe->opts.limits.max_report_urls :
		    RF_HOTLINE_MAX_REPORT_URLS);
	rc = filed_n;
done:
	rf_arena_free(a);
	rf_message_free(m);
	return rc;
}

void
hl_fe_stamp(char *out, size_t n, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M", &tm);
}
