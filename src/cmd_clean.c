/*
 * cmd_clean.c - redflag clean: write a message back with the links that
 * identify the recipient replaced by their clean form and web bugs
 * emptied, and X-Redflag-* headers saying what was done.
 *
 * The output is the input with byte ranges spliced: only the encoded
 * content of the text leaves that changed is rewritten (decoded, edited,
 * re-encoded with the part's own transfer encoding and line endings);
 * every other byte, headers and MIME boundaries included, is kept.
 * docs/tracking.md ("redflag clean") and redflag-clean(1).
 */
#include <errno.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "commands.h"
#include "config.h"
#include "pipeline.h"

#define CLEAN_FOLD 76		/* header line length aimed at */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: %s clean [--rcpt ADDR] [--verdict VERDICT] [-c FILE]\n"
	    "                     [--set NAME=VALUE]... [FILE|-]\n\n"
	    "Write the message in FILE (standard input when FILE is - or\n"
	    "absent) to standard output with every link that identifies the\n"
	    "recipient replaced by its clean form and web bugs emptied\n"
	    "(src=\"\"), adding X-Redflag-Tracking, X-Redflag-Cleaned and,\n"
	    "when it carries a code, X-Redflag-List-Unsubscribe headers.\n"
	    "Parts not changed keep their bytes.  Nothing is fetched.\n\n"
	    "  --rcpt ADDR     the recipient (default: Delivered-To,\n"
	    "                  X-Original-To, then To)\n"
	    "  --verdict V     spam, bulk, ham or unsure: clean as the policy\n"
	    "                  clean.V of redflag.conf says (by default for\n"
	    "                  spam and bulk links, every code out; for ham\n"
	    "                  and unsure known, only known tracking\n"
	    "                  parameters and web bugs; a policy may also be\n"
	    "                  sites, every link reduced to scheme://host/ and\n"
	    "                  remote images emptied, or none)\n"
	    "  -c, --config FILE  settings (redflag.conf(5))\n"
	    "\nexit status: 0 written, 1 input unreadable or not one message\n"
	    "(empty, a folder, an mbox of several, over max_message_size),\n"
	    "64 usage error, 70 internal error or output not written\n",
	    RF_PROG);
	cli_limits_help(f);
}

/* put_header: "Name: value", folded after "; " to about CLEAN_FOLD
 * columns. */
static void
put_header(FILE *out, const char *name, const char *value, const char *eol)
{
	size_t col = strlen(name) + 2, n;
	const char *p = value, *e;

	fprintf(out, "%s:", name);
	while (*p != '\0') {
		e = strstr(p, "; ");
		n = e != NULL ? (size_t)(e - p) + 1 : strlen(p);
		if (p != value && col + n + 1 > CLEAN_FOLD) {
			fprintf(out, "%s\t", eol);
			col = 8;
		} else {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, n, out);
		col += n;
		p += n;
		if (*p == ' ')
			p++;
	}
	fputs(eol, out);
}

/* put_file: p[0..n) to the stream arg (pipeline_kept_fields); 0. */
static int
put_file(void *arg, const char *p, size_t n)
{
	fwrite(p, 1, n, arg);
	return 0;
}

/* write_clean: the cleaned message to out (verdict: the one whose policy
 * was collected, NULL when none was given): redflag's headers, the
 * sender's header block without its X-Redflag-* fields (a verdict or
 * finding of redflag's is never the sender's to write), the body; 0, -1
 * when it could not be made (out of memory), or the errno of a write to
 * out that failed. */
static int
write_clean(const char *data, size_t len, rf_message *m,
	    const rf_rewrite *rw, const char *verdict, FILE *out)
{
	rf_rewrite_stats k;
	const char **sum;
	size_t nsum, i, hdr, body_off;
	const char *eol;
	char *joined = NULL, *t, missed[96], words[320], kept[192];
	rf_buf body;
	rf_error err;
	int rc;

	rf_rewrite_get_stats(rw, &k);
	hdr = rf_message_envelope_len(data, len);	/* after a From_ line */
	{
		const char *nl = memchr(data + hdr, '\n', len - hdr);

		eol = nl != NULL && nl > data + hdr && nl[-1] == '\r' ?
		    "\r\n" : "\n";
	}
	fwrite(data, 1, hdr, out);
	if (rf_tracking_summary(m, &sum, &nsum, &err) != RF_OK)
		return -1;
	for (i = 0; i < nsum; i++) {
		t = joined == NULL ? strdup(sum[i]) : NULL;
		if (joined != NULL && asprintf(&t, "%s; %s", joined,
		    sum[i]) < 0)
			t = NULL;
		free(joined);
		if ((joined = t) == NULL)
			return -1;
	}
	put_header(out, "X-Redflag-Tracking", joined != NULL ? joined :
	    "none found", eol);
	free(joined);
	snprintf(missed, sizeof(missed), "; %zu tracked link%s could not be "
	    "neutralised (left live)", k.missed, k.missed == 1 ? "" : "s");
	if (k.sites_policy) {
		snprintf(missed, sizeof(missed), "; %zu link%s or image%s "
		    "could not be rewritten (left live)", k.missed,
		    k.missed == 1 ? "" : "s", k.missed == 1 ? "" : "s");
		clean_sites_words(&k, "; ", words, sizeof(words));
	} else if (snprintf(words, sizeof(words), "%zu link%s rewritten; "
	    "%zu web bug%s emptied", k.links, k.links == 1 ? "" : "s",
	    k.bugs, k.bugs == 1 ? "" : "s") < 0) {
		return -1;
	}
	kept[0] = '\0';
	if (k.kept > 0)
		snprintf(kept, sizeof(kept), "; %zu tracked link%s kept as "
		    "%s (%s%s%s known: %s)", k.kept, cli_plural(k.kept, "s"),
		    k.kept == 1 ? "it is" : "they are", verdict != NULL ?
		    "clean." : "policy", verdict != NULL ? verdict : "",
		    verdict != NULL ? " =" : "", clean_kept_why(k.kept));
	if (asprintf(&t, "%s%s%s%s", words, k.skipped || k.limits_hit ?
	    "; some parts could not be rewritten" : "", k.missed > 0 ?
	    missed : "", kept) < 0)
		return -1;
	put_header(out, "X-Redflag-Cleaned", t, eol);
	free(t);
	if (k.unsub)
		put_header(out, CLEAN_UNSUB_HEADER, CLEAN_UNSUB_WORDS, eol);
	body_off = rf_rewrite_body_offset(rw);
	pipeline_kept_fields(data, hdr, body_off, put_file, out);
	rf_buf_init(&body, 0);
	rc = rf_rewrite_write(rw, body_off, &body, &err) == RF_OK ? 0 : -1;
	if (rc == 0)
		fwrite(body.data != NULL ? body.data : "", 1, body.len, out);
	rf_buf_free(&body);
	if (rc != 0)
		return -1;
	/* what did not reach out (a full disk): its errno, said by the
	 * caller as every command says it (redflag(1)) */
	return fflush(out) != 0 ? errno : ferror(out) ? EIO : 0;
}

/* clean_message: data[0..len) analysed for rcpt (NULL: the message's
 * own), cleaned under policy (that of verdict, NULL when none was given)
 * and written to standard output; the exit status. */
static int
clean_message(rf_ctx *ctx, const rf_rules *rules, const char *rcpt,
	      enum clean_policy policy, const char *verdict, const char *data,
	      size_t len)
{
	rf_rewrite *rw = NULL;
	rf_message *m = NULL;
	rf_error err;
	int rc = 70, werr;

	if (rf_message_parse(ctx, data, len, &m, &err) != RF_OK ||
	    rf_tracking_message(ctx, rules, m, rcpt, &err) != RF_OK ||
	    rf_rewrite_new(rf_ctx_limits(ctx), &rw, &err) != RF_OK ||
	    clean_collect(rw, policy, rules, m, &err) != RF_OK ||
	    rf_rewrite_prepare(rw, data, len, &err) != RF_OK) {
		cli_warn("clean: %s", err.msg);
		goto done;
	}
	if ((werr = write_clean(data, len, m, rw, verdict, stdout)) > 0)
		cli_stdout_failed("clean", werr);
	else if (werr < 0)
		cli_warn("clean: cannot write the message");
	rc = werr == 0 ? 0 : 70;
done:
	rf_rewrite_free(rw);
	rf_message_free(m);
	return rc;
}

int
cmd_clean(int argc, char **argv)
{
	const char *rcpt = NULL, *path = NULL, *verdict = NULL;
	enum clean_policy policy = CLEAN_LINKS;
	struct config cfg;
	rf_limits limits;
	rf_ctx *ctx = NULL;
	rf_rules *rules = NULL;
	rf_source *src = NULL;
	rf_item item;
	rf_error err;
	rf_status st;
	char esc[512];
	int i, r, rc = 70;

	rf_limits_default(&limits);
	config_init(&cfg);
	for (i = 1; i < argc; i++) {
		if ((r = config_option(&cfg, "clean", argc, argv, &i)) != 0) {
			if (r < 0) {
				config_free(&cfg);
				return RF_EXIT_USAGE;
			}
			limits = cfg.limits;
		} else if (strcmp(argv[i], "--verdict") == 0 && i + 1 < argc) {
			verdict = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return RF_EXIT_OK;
		} else if (strcmp(argv[i], "--rcpt") == 0 && i + 1 < argc) {
			rcpt = argv[++i];
		} else if (strncmp(argv[i], "--rcpt=", 7) == 0) {
			rcpt = argv[i] + 7;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			static const char *const valued[] = { "--verdict",
			    "--rcpt", NULL };

			cli_bad_option("clean", argv[i], valued);
			usage(stderr);
			config_free(&cfg);
			return RF_EXIT_USAGE;
		} else if (path == NULL) {
			path = argv[i];
		} else {
			cli_warn("clean: one message at a time: '%s' is one "
			    "argument too many", cli_escape(esc, sizeof(esc),
			    argv[i], 100));
			usage(stderr);
			config_free(&cfg);
			return RF_EXIT_USAGE;
		}
	}
	if (rcpt != NULL && !cli_address_ok("clean", "--rcpt", rcpt)) {
		config_free(&cfg);
		return RF_EXIT_USAGE;
	}
	if (verdict != NULL && strcmp(verdict, "spam") != 0 &&
	    strcmp(verdict, "bulk") != 0 && strcmp(verdict, "ham") != 0 &&
	    strcmp(verdict, "unsure") != 0) {
		cli_warn("clean: --verdict: spam, bulk, ham or unsure, not "
		    "'%s'", cli_escape(esc, sizeof(esc), verdict, 100));
		config_free(&cfg);
		return RF_EXIT_USAGE;
	}
	if (verdict != NULL)
		policy = config_clean_for(&cfg, verdict);
	config_free(&cfg);
	g_mime_init();
	if ((rules = cli_rules()) == NULL)
		goto done;
	if (rf_ctx_new(&limits, &ctx, &err) != RF_OK) {
		cli_warn("clean: %s", err.msg);
		goto done;
	}
	if (path == NULL || strcmp(path, "-") == 0) {
		st = cli_open_stdin("clean", &limits, &src, &err);
	} else {
		st = rf_source_open(path, &limits, &src, &err);
	}
	if (st == RF_OK)
		st = rf_source_next(src, &item, &err);
	if (st != RF_OK) {
		if (st == RF_EDONE)
			cli_no_message("clean", path);
		else
			cli_warn("clean: %s", err.msg);
		rc = RF_EXIT_INPUT;
		goto done;
	}
	if (cli_one_message("clean", path, &item) != 0) {
		rc = RF_EXIT_INPUT;
		goto done;
	}
	if (item.truncated) {
		/* writing the part that was read would cut the message */
		cli_warn("clean: %s: larger than max_message_size (%zu "
		    "bytes): nothing written; raise it with --set "
		    "max_message_size=SIZE", cli_escape(esc, sizeof(esc),
		    path != NULL ? path : "-", 200), limits.max_message_size);
		rc = RF_EXIT_INPUT;
		goto done;
	}
	rc = clean_message(ctx, rules, rcpt, policy, verdict, item.data,
	    item.len);
done:
	rf_source_free(src);
	rf_rules_free(rules);
	rf_ctx_free(ctx);
	return rc;
}
