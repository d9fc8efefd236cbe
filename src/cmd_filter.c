/*
 * cmd_filter.c - redflag filter: one message on standard input, the
 * annotated (and, by policy, rewritten) message on standard output, for
 * procmail, maildrop and Postfix pipe(8).  See redflag-filter(1).
 *
 * Exit statuses (sysexits.h): 0 only when the whole message was written;
 * EX_NOPERM when the policy rejects it; EX_TEMPFAIL for everything else
 * (a policy tempfail, an internal error, a limit hit with on_limit =
 * tempfail, a bad command line or configuration, a failed write), so
 * that the MTA keeps the message and tries again rather than bouncing.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "config.h"
#include "pipeline.h"

#define FILTER_MAX_RCPTS 1000

static void
filter_usage(FILE *f)
{
	fprintf(f, "usage: %s filter [--config FILE] [--set NAME=VALUE] "
	    "[-r RECIPIENT]... < message > message\n\n"
	    "Read one message on standard input and write it on standard\n"
	    "output with X-Redflag-* headers added (verdict, score, campaign,\n"
	    "reasons, signs, action; List-Unsubscribe when its link carries\n"
	    "a code), a sender's own X-Redflag-* fields removed, and, with\n"
	    "rewrite = yes (the default), the links and images that identify\n"
	    "the recipient neutralised; the verdict's action (redflag.conf(5))\n"
	    "may reject it instead.\n\n"
	    "  -r, --recipient ADDR  an envelope recipient (repeatable); "
	    "default: the\n"
	    "                        message's Delivered-To, X-Original-To "
	    "or To\n"
	    "  -c, --config FILE     settings (redflag.conf(5))\n"
	    "  --set NAME=VALUE      one setting, e.g. action.spam=reject\n"
	    "\nexit status: 0 message written, %d (EX_NOPERM) rejected, %d\n"
	    "(EX_TEMPFAIL) try later: an internal error, a store that cannot\n"
	    "be opened, and also a bad command line or setting (a mistake\n"
	    "defers mail instead of bouncing it)\n", RF_PROG, EX_NOPERM,
	    EX_TEMPFAIL);
	cli_mail_limits_help(f);
	redis_auth_help(f);
}

/* write_all: n bytes to fd; 0 or -1. */
static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * read_input: standard input into in, at most max bytes.  Returns 0 at
 * end of input, 1 when more than max bytes wait (in holds max + 1), -1 on
 * a read error or out of memory.
 */
static int
read_input(rf_buf *in, size_t max)
{
	char chunk[65536];
	size_t want;
	ssize_t n;

	for (;;) {
		want = sizeof(chunk);
		if (in->len + want > max + 1)
			want = max + 1 - in->len;
		if (want == 0)
			return 1;
		n = read(0, chunk, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (rf_buf_append(in, chunk, (size_t)n) != 0)
			return -1;
	}
}

static int
put_buf(void *arg, const char *p, size_t n)
{
	return rf_buf_append(arg, p, n);
}

static int
put_fd(void *arg, const char *p, size_t n)
{
	return write_all(*(const int *)arg, p, n);
}

/*
 * pass_through: the message as it came, but for the sender's X-Redflag-*
 * headers (removed on every path that passes a message, so that no
 * verdict can be forged): in, then whatever remains on standard input
 * (more).  Returns 0; -1 (errno) when a read or write fails; 1 when the
 * header block does not end within in (past max_message_size: its
 * fields cannot be read, nor passed).
 */
static int
pass_through(const rf_buf *in, int more)
{
	const char *msg = in->data != NULL ? in->data : "";
	size_t env = rf_message_envelope_len(msg, in->len),
	    body = pipeline_body_offset(msg, in->len);
	char chunk[65536];
	ssize_t n;
	int fd = 1;

	if (more && body >= in->len)
		return 1;
	if (write_all(fd, msg, env) != 0 ||
	    pipeline_kept_fields(msg, env, body, put_fd, &fd) != 0 ||
	    write_all(fd, msg + body, in->len - body) != 0)
		return -1;
	while (more) {
		n = read(0, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		if (write_all(fd, chunk, (size_t)n) != 0)
			return -1;
	}
	return 0;
}

/*
 * annotate: into out, the message with r's headers first, the original
 * header block without X-Redflag-* fields, then the body.  Rewritten,
 * the block is the analysis' (up to r->body_off) and r->body follows it
 * (with a blank line first when the block did not end with one);
 * else it runs up to the first blank line, as mail readers take it.  An
 * mbox From_ line stays first.  Line ends follow the message's first
 * line.
 */
static int
annotate(rf_buf *out, const char *msg, size_t len,
	 const struct pipeline_result *r)
{
	size_t body = r->body != NULL ? r->body_off :
	    pipeline_body_offset(msg, len), i, e;
	const char *eol;

	e = 0;
	while (e < len && msg[e] != '\n')
		e++;
	eol = e > 0 && e < len && msg[e - 1] == '\r' ? "\r\n" : "\n";
	i = rf_message_envelope_len(msg, len);	/* a From_ line kept */
	if (i > 0 && rf_buf_append(out, msg, i) != 0)
		return -1;
	for (e = 0; e < r->nheaders; e++)
		if (rf_buf_printf(out, "%s: %s%s", r->headers[e].name,
		    r->headers[e].value, eol) != 0)
			return -1;
	if (pipeline_kept_fields(msg, i, body, put_buf, out) != 0)
		return -1;
	if (r->body != NULL)
		return rf_buf_append(out, r->body, r->body_len);
	return rf_buf_append(out, msg + body, len - body);
}

/* on_failure: the exit status for a failure handled by policy a. */
static int
on_failure(enum action a, const rf_buf *in, int more)
{
	int r;

	if (a != ACTION_ACCEPT)
		return EX_TEMPFAIL;
	if ((r = pass_through(in, more)) > 0) {
		cli_warn("filter: the header block runs past "
		    "max_message_size: its X-Redflag-* headers cannot be "
		    "removed, so it is not passed");
		return EX_TEMPFAIL;
	}
	if (r < 0) {
		cli_warn("filter: writing the message: %s", strerror(errno));
		return EX_TEMPFAIL;
	}
	return RF_EXIT_OK;
}

/*
 * filter_rcpt: the address of a -r argument a, which it may change: the
 * mailbox of an envelope address, read as the milter reads RCPT TO
 * (mf_envrcpt; rf_envelope_address: blanks, angle brackets and a source
 * route left out); NULL when the rest is no mail address as scan's
 * --rcpt takes one (rf_consent_address_ok): empty (an unset $RECIPIENT
 * in a procmail rule, the null path "<>"), no '@', a blank inside.  Such
 * a recipient was kept and found nothing: recipient detection silently
 * off.
 */
static const char *
filter_rcpt(char *a)
{
	size_t n, at = (size_t)(rf_envelope_address(a, &n) - a);

	a[at + n] = '\0';
	return rf_consent_address_ok(a + at) ? a + at : NULL;
}

int
cmd_filter(int argc, char **argv)
{
	const char *rcpts[FILTER_MAX_RCPTS];
	struct pipeline_result res;
	struct pipeline *p = NULL;
	struct config cfg;
	size_t nrcpts = 0;
	rf_buf in, out;
	rf_status st;
	rf_error err;
	int i, r, more, rc = EX_TEMPFAIL;

	/* A reader gone is a failed write (EX_TEMPFAIL), never death by
	 * SIGPIPE, on every path (not only once GMime's initialisation
	 * happens to ignore the signal). */
	signal(SIGPIPE, SIG_IGN);
	config_init(&cfg);
	rf_buf_init(&in, 0);
	rf_buf_init(&out, 0);
	memset(&res, 0, sizeof(res));
	/* Standard input or output closed: main() exits EX_TEMPFAIL before
	 * this runs (left closed, standard output would become the store's
	 * socket, and the message its commands). */
	for (i = 1; i < argc; i++) {
		if ((r = config_option(&cfg, "filter", argc, argv, &i)) == 0)
			r = redis_auth_option(&cfg.redis, "filter", argc, argv,
			    &i);
		if (r < 0)
			goto out;
		if (r > 0)
			continue;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			filter_usage(stdout);
			rc = RF_EXIT_OK;
			goto out;
		}
		if ((strcmp(argv[i], "-r") == 0 ||
		    strcmp(argv[i], "--recipient") == 0) && i + 1 < argc) {
			if (nrcpts == FILTER_MAX_RCPTS) {
				cli_warn("filter: more than %d recipients",
				    FILTER_MAX_RCPTS);
				goto out;
			}
			if ((rcpts[nrcpts] = filter_rcpt(argv[++i])) == NULL) {
				/* not echoed: this goes to the MTA's log */
				cli_warn("filter: recipient #%zu is not a mail "
				    "address (local@domain)", nrcpts + 1);
				goto out;
			}
			nrcpts++;
			continue;
		}
		static const char *const valued[] = { "-r", "--recipient",
		    NULL };

		cli_bad_option("filter", argv[i], valued);
		filter_usage(stderr);
		goto out;
	}
	if (redis_auth_finish(&cfg.redis, "filter", (const char *const[]){
	    cfg.db, cfg.classifier }, 2) != 0)
		goto out;
	if ((more = read_input(&in, cfg.limits.max_message_size)) < 0) {
		cli_warn("filter: reading the message: %s", strerror(errno));
		goto out;
	}
	if (pipeline_open(&cfg, &p, &err) != RF_OK ||
	    pipeline_open_store(p, &err) != RF_OK) {
		cli_warn("filter: %s: on_error = %s", err.msg,
		    action_name(cfg.on_error));
		rc = on_failure(cfg.on_error, &in, more);
		goto out;
	}
	if (more) {
		cli_warn("filter: message larger than max_message_size "
		    "(%zu bytes): on_limit = %s",
		    cfg.limits.max_message_size, action_name(cfg.on_limit));
		rc = on_failure(cfg.on_limit, &in, more);
		goto out;
	}
	if (pipeline_run(p, in.data != NULL ? in.data : "", in.len, rcpts,
	    nrcpts, &res, &err) != RF_OK) {
		cli_warn("filter: analysis failed: %s: on_error = %s",
		    err.msg, action_name(cfg.on_error));
		rc = on_failure(err.status == RF_ELIMIT ? cfg.on_limit :
		    cfg.on_error, &in, 0);
		goto out;
	}
	if (res.notice != NULL)	/* the store's file replaced meanwhile */
		cli_warn("filter: %s", res.notice);
	res.notice = NULL;
	switch (res.action) {
	case ACTION_REJECT:
		cli_warn("%s", res.reply);
		rc = EX_NOPERM;
		goto out;
	case ACTION_TEMPFAIL:
		cli_warn("%s", res.reply);
		rc = EX_TEMPFAIL;
		goto out;
	case ACTION_ACCEPT:	/* unchanged, but for forged headers */
		r = pass_through(&in, 0);
		break;
	default:
		if (annotate(&out, in.data != NULL ? in.data : "", in.len,
		    &res) != 0) {
			cli_warn("filter: out of memory: on_error = %s",
			    action_name(cfg.on_error));
			rc = on_failure(cfg.on_error, &in, 0);
			goto out;
		}
		r = write_all(1, out.data != NULL ? out.data : "", out.len);
		break;
	}
	if (r != 0) {
		cli_warn("filter: writing the message: %s", strerror(errno));
		goto out;
	}
	/* counted after the whole message was written (a copy whose output
	 * failed is not counted); a store that cannot count it (locked past
	 * its timeout, unreachable) is on_error: EX_TEMPFAIL, so that the
	 * MTA discards the output and tries again (the retry is counted),
	 * or with on_error = accept the message passes uncounted */
	st = pipeline_commit(p, &res, &err);
	if (res.notice != NULL)
		cli_warn("filter: %s", res.notice);
	if (st != RF_OK) {
		cli_warn("filter: counting the message: %s: on_error = %s",
		    err.msg, action_name(cfg.on_error));
		rc = cfg.on_error == ACTION_ACCEPT ? RF_EXIT_OK : EX_TEMPFAIL;
		goto out;
	}
	rc = RF_EXIT_OK;
out:
	pipeline_result_free(&res);
	pipeline_close(p);
	rf_buf_free(&in);
	rf_buf_free(&out);
	config_free(&cfg);
	return rc;
}
