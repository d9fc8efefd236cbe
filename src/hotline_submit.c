/*
 * hotline_submit.c - redflag hotline submit: reported URLs, or a reported
 * mail (a file, or standard input from a mailbox pipe), filed as one
 * report (docs/man/redflag-hotline.1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hotline_cli.h"

#define EX_DATAERR RF_EXIT_DATAERR
#define EX_TEMPFAIL RF_EXIT_TEMPFAIL

/* read_all: all of f, at most max bytes, into a malloc'ed, NUL-terminated
 * *out of *len bytes; -1 with errno set (EFBIG: more than max). */
static int
read_all(FILE *f, size_t max, char **out, size_t *len)
{
	size_t cap = 65536, n = 0, r;
	char *p = malloc(cap + 1), *q;

	if (p == NULL)
		return -1;
	while ((r = fread(p + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n > max) {
			free(p);
			errno = EFBIG;
			return -1;
		}
		if (n == cap) {
			if ((q = realloc(p, 2 * cap + 1)) == NULL) {
				free(p);
				return -1;
			}
			p = q;
			cap *= 2;
		}
	}
	p[n] = '\0';
	*out = p;
	*len = n;
	return ferror(f) ? -1 : 0;
}

/* submit_mail: file the reported mail data[0..len) (hl_fe_mail) as who,
 * with a's --category and --comment, and its --reporter scrubbed too; the exit status: 0 filed (or no
 * web address in it, said), 75 a temporary failure (a mailbox pipe's MTA
 * keeps the mail and retries), 65 not filed. */
static int
submit_mail(struct hl_fe *fe, const rf_hotline_actor *who,
	    const struct args *a, const char *data, size_t len)
{
	rf_error err;
	int n = hl_fe_mail(fe, who, "mail", a->category, a->comment,
	    a->reporter, data, len, stdout, &err);

	if (n < 0) {
		cli_warn("hotline submit --mail: not filed: %s", err.msg);
		return hl_temporary(err.status) ? EX_TEMPFAIL : EX_DATAERR;
	}
	if (n == 0)
		cli_warn("hotline submit --mail: the mail holds no web "
		    "address to file");
	return RF_EXIT_OK;
}

/* submit_mail_file: submit_mail of the one message in the file path, read
 * as every command that takes one message reads it (cli_read_one): a
 * folder, an mbox of several messages or an empty file is refused (1),
 * not its first message filed alone; a file larger than max_message_size
 * is 65. */
static int
submit_mail_file(struct hl_fe *fe, const rf_hotline_actor *who,
		 const struct args *a, const char *path)
{
	size_t len = 0;
	int rc, cut = 0;
	char *data, esc[512];

	data = cli_read_one("hotline submit --mail", path, &fe->limits, &len,
	    &cut);
	if (data == NULL)
		return RF_EXIT_INPUT;
	if (cut) {
		cli_warn("hotline submit --mail: %s: larger than "
		    "max_message_size", cli_escape(esc, sizeof(esc), path,
		    200));
		rc = EX_DATAERR;
	} else
		rc = submit_mail(fe, who, a, data, len);
	free(data);
	return rc;
}

int
hl_submit(struct hl_fe *fe, struct args *a)
{
	/* a mail to file (a mailbox pipe) is the mailbox's intake */
	const rf_hotline_actor intake = { a->mail != NULL &&
	    strcmp(a->mail, "-") == 0 ? "mailbox" : a->who.name,
	    RF_ROLE_SYSTEM };
	const rf_hotline_actor *who = &intake;
	rf_hotline_report r;
	rf_hotline_filed *out;
	rf_error err;
	rf_case_category cat;
	int i, bad = 0, rc;

	if (a->category != NULL && rf_case_category_parse(a->category,
	    &cat) != 0) {
		char esc[256];

		cli_warn("hotline submit: --category '%s' is not a category: "
		    "csam, phishing, malware, fraud or other", cli_escape(esc,
		    sizeof(esc), a->category, 100));
		return RF_EXIT_USAGE;
	}
	if (a->mail != NULL && strcmp(a->mail, "-") != 0)
		return submit_mail_file(fe, who, a, a->mail);
	if (a->mail != NULL) {
		char *data = NULL;
		size_t len = 0;

		if (cli_stdin_closed()) {
			cli_warn("hotline submit --mail: -: standard input "
			    "is closed");
			return RF_EXIT_INPUT;
		}
		if (read_all(stdin, fe->limits.max_message_size, &data,
		    &len) != 0) {
			cli_warn("hotline submit --mail: -: %s", errno ==
			    EFBIG ? "larger than max_message_size" :
			    strerror(errno));
			return errno == EFBIG ? EX_DATAERR : RF_EXIT_INPUT;
		}
		rc = submit_mail(fe, who, a, data, len);
		free(data);
		return rc;
	}
	if (a->argc == 0) {
		cli_warn("hotline submit: no URL");
		return RF_EXIT_USAGE;
	}
	memset(&r, 0, sizeof(r));
	r.source = "cli";
	r.urls = (const char **)a->argv;
	r.nurls = (size_t)a->argc;
	r.category = a->category;
	r.comment = a->comment;
	r.reporter = a->reporter;
	if ((out = calloc(r.nurls, sizeof(*out))) == NULL)
		return EX_TEMPFAIL;
	if (rf_hotline_submit(fe->h, who, &r, out, &err) != RF_OK) {
		cli_warn("hotline submit: %s", err.msg);
		free(out);
		return err.status == RF_ELIMIT ? EX_DATAERR : hl_refused(err.status);
	}
	for (i = 0; i < a->argc; i++) {
		/* Named by its place, not echoed: a rejected URL is not
		 * scrubbed and may carry the reporter's address. */
		if (out[i].error != NULL) {
			cli_warn("hotline submit: URL %d of %d: %s", i + 1,
			    a->argc, out[i].error);
			bad = 1;
		} else {
			printf("report %lld\tcase %lld\t%s\n",
			    (long long)out[i].report_id,
			    (long long)out[i].case_id,
			    out[i].repeated ? "repeated" :
			    out[i].new_case ? "new case" : "joined");
		}
	}
	free(out);
	return bad ? RF_EXIT_INPUT : RF_EXIT_OK;
}
