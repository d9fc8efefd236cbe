/*
 * cmd_milter.c - redflag milter: the mail filter for Postfix and Sendmail
 * (libmilter).  See redflag-milter(8) and docs/mailservers.md.
 *
 * Per message: envelope recipients and the message are gathered in the
 * connection's private data (SMFICTX), analysed at end of message by the
 * pipeline (shared, read-only), then the policy's action is applied:
 * headers added (and forged X-Redflag-* headers removed), body replaced,
 * message quarantined, rejected or tempfailed.  The store is updated only
 * after every change succeeded.  Any failure answers on_error (tempfail by
 * default): mail is never dropped.
 *
 * libmilter's callbacks get no user pointer, so the server's shared state
 * is reached through the one file-scope pointer `server`, set once before
 * smfi_main starts the threads.
 *
 * libmilter serves each MTA connection in a thread of its own; at most
 * milter_max_connections of them get a per-connection state (and buffers
 * up to max_message_size), counted atomically from connect to close; one
 * more is answered 421 4.3.2 at connect (tempfail: the MTA keeps the mail
 * and tries again), logged at most once a minute.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "cli.h"
#include "commands.h"
#include "config.h"
#include "milter_start.h"
#include "pipeline.h"

struct server {
	const struct config *cfg;
	struct pipeline *pipe;
	pthread_mutex_t lock;
	pthread_cond_t idle;	/* signalled when inflight drops */
	unsigned inflight;	/* messages between MAIL FROM and their end */
	int stopping;		/* the stop began: refuse new messages */
	atomic_uint conns;	/* connections with an mstate (connect to
				 * close), at most milter_max_connections */
	atomic_uint refused;	/* refused at connect, not yet logged */
	atomic_llong next_log;	/* CLOCK_MONOTONIC second from which the
				 * next refusal may be logged */
	struct timespec last_end;	/* CLOCK_MONOTONIC: when a message in
					 * flight last ended (lock) */
};

/* Seconds between two log lines about connections refused over
 * milter_max_connections (each line counts those not yet logged). */
#define REFUSED_LOG_INTERVAL 60

/* Milliseconds a stop waits after the last message ended before the
 * process exits: libmilter writes a message's reply to the MTA after the
 * end-of-message callback has returned, when the message already counts
 * as ended; exiting before would lose the reply, and the MTA would try
 * the message again (counted twice). */
#define REPLY_GRACE_MS 250

/* Per-connection state (smfi_getpriv), one message at a time. */
struct mstate {
	rf_buf msg;		/* header block, blank line, body (CRLF) */
	char **rcpts;
	size_t nrcpts, rcap;
	rf_buf forged;		/* names of X-Redflag-* headers seen, each
				 * NUL-terminated, in arrival order */
	size_t nforged;		/* names in forged */
	int forged_lost;	/* a name did not fit in forged */
	size_t body;		/* where the body starts in msg */
	int toolarge;		/* msg hit max_message_size */
	const char *pass;	/* a failure before end of message under
				 * on_error = accept (why, a constant): the
				 * rest is not kept, the message passes at
				 * its end */
	int active;		/* counted in server->inflight */
	char qid[32];
};

static struct server *server;

static void mlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* mlog: one line on standard error, written at once (threads). */
static void
mlog(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "%s milter: ", RF_PROG);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	n = (int)strlen(line);
	line[n++] = '\n';
	(void)write(2, line, (size_t)n);
}

/* message_end: forget the message; the connection stays. */
static void
message_end(struct mstate *st)
{
	size_t i;

	for (i = 0; i < st->nrcpts; i++)
		free(st->rcpts[i]);
	st->nrcpts = 0;
	rf_buf_reset(&st->msg);
	st->msg.max = server->cfg->limits.max_message_size;
	rf_buf_reset(&st->forged);
	st->forged.max = server->cfg->limits.max_message_size;
	st->nforged = 0;
	st->forged_lost = 0;
	st->toolarge = 0;
	st->pass = NULL;
	st->body = 0;
	st->qid[0] = '\0';
	if (st->active) {
		st->active = 0;
		pthread_mutex_lock(&server->lock);
		server->inflight--;
		clock_gettime(CLOCK_MONOTONIC, &server->last_end);
		pthread_cond_broadcast(&server->idle);
		pthread_mutex_unlock(&server->lock);
	}
}

static struct mstate *
state(SMFICTX *ctx)
{
	return smfi_getpriv(ctx);
}

/* set_reply: the MTA's reply for this step, one line: "CODE XCODE text"
 * and CRLF, at most SMTP_REPLY_LINE_MAX octets (RFC 5321 4.5.3.1.5; the
 * texts are printable ASCII: config.c, pipeline.c).  A line that would be
 * longer, or that libmilter refuses (smfi_setreply fails: out of memory),
 * is logged, saying which, and not set: the MTA then answers its own
 * reply of the same class (Postfix: 550 5.7.1 "Command rejected", 451
 * 4.7.1 "Service unavailable - try again later"). */
static void
set_reply(SMFICTX *ctx, const char *code, const char *xcode,
	  const char *text)
{
	size_t n = strlen(code) + 1 + strlen(xcode) + 1 + strlen(text) + 2;

	if (n > SMTP_REPLY_LINE_MAX)
		mlog("reply %s %s not set (%zu octets, at most %d): the "
		    "MTA's own", code, xcode, n, SMTP_REPLY_LINE_MAX);
	else if (smfi_setreply(ctx, (char *)code, (char *)xcode,
	    (char *)text) != MI_SUCCESS)
		mlog("reply %s %s not set (libmilter refused it): the MTA's "
		    "own", code, xcode);
}

/* tempfail: answer 451 4.3.0 after an error (why), the message ended. */
static sfsistat
tempfail(SMFICTX *ctx, struct mstate *st, const char *why)
{
	mlog("%s: %s: tempfail", st->qid[0] ? st->qid : "-", why);
	message_end(st);
	set_reply(ctx, "451", "4.3.0",
	    "redflag: temporary failure, try again later");
	return SMFIS_TEMPFAIL;
}

/* fail_early: answer policy a after an error (why, a constant) before
 * the end of the message: tempfail at once; accept at the end of the
 * message (pass_unchanged), where the sender's X-Redflag-* headers can be
 * removed (libmilter allows changes there only), the rest of the message
 * not kept meanwhile. */
static sfsistat
fail_early(SMFICTX *ctx, struct mstate *st, enum action a, const char *why)
{
	if (a != ACTION_ACCEPT)
		return tempfail(ctx, st, why);
	if (st->pass == NULL)
		st->pass = why;
	rf_buf_reset(&st->msg);
	return SMFIS_CONTINUE;
}

/*
 * log_refused: count one connection from host (the MTA's name for its
 * client, untrusted: escaped) refused with open connections served; log
 * one line when none was logged in the last REFUSED_LOG_INTERVAL
 * seconds, with the number refused since the previous line.  Lock-free:
 * of threads refusing at once, the one that advances next_log logs.
 */
static void
log_refused(const char *host, unsigned open)
{
	struct timespec now;
	long long next;
	unsigned n;
	char esc[160];

	atomic_fetch_add(&server->refused, 1);
	clock_gettime(CLOCK_MONOTONIC, &now);
	next = atomic_load(&server->next_log);
	if ((long long)now.tv_sec < next ||
	    !atomic_compare_exchange_strong(&server->next_log, &next,
	    (long long)now.tv_sec + REFUSED_LOG_INTERVAL))
		return;
	n = atomic_exchange(&server->refused, 0);
	mlog("connection from %s refused with 421 4.3.2: %u open "
	    "(milter_max_connections); %u refused since the last such line",
	    cli_escape(esc, sizeof(esc), host != NULL ? host : "-", 40), open,
	    n);
}

/* mf_connect: the connection's state, or 421 4.3.2 (tempfail) when
 * milter_max_connections connections already have one. */
static sfsistat
mf_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
	struct mstate *st = state(ctx);
	unsigned open;

	if (st != NULL) {	/* a second connect: counted already */
		message_end(st);
		return SMFIS_CONTINUE;
	}
	open = atomic_fetch_add(&server->conns, 1);
	if (open >= server->cfg->milter_max_connections) {
		atomic_fetch_sub(&server->conns, 1);
		log_refused(host, open);
		set_reply(ctx, "421", "4.3.2",
		    "redflag: too many connections, try again later");
		return SMFIS_TEMPFAIL;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		atomic_fetch_sub(&server->conns, 1);
		mlog("out of memory: tempfail");
		return SMFIS_TEMPFAIL;
	}
	rf_buf_init(&st->msg, server->cfg->limits.max_message_size);
	rf_buf_init(&st->forged, server->cfg->limits.max_message_size);
	if (smfi_setpriv(ctx, st) != MI_SUCCESS) {
		free(st);
		atomic_fetch_sub(&server->conns, 1);
		return SMFIS_TEMPFAIL;
	}
	return SMFIS_CONTINUE;
}

static sfsistat
mf_envfrom(SMFICTX *ctx, char **argv)
{
	struct mstate *st = state(ctx);
	const char *qid;
	int stopping;

	if (st == NULL)
		return SMFIS_TEMPFAIL;
	message_end(st);
	pthread_mutex_lock(&server->lock);
	stopping = server->stopping;
	if (!stopping) {
		server->inflight++;
		st->active = 1;
	}
	pthread_mutex_unlock(&server->lock);
	if (stopping) {
		set_reply(ctx, "421", "4.3.2",
		    "redflag: restarting, try again later");
		return SMFIS_TEMPFAIL;
	}
	if ((qid = smfi_getsymval(ctx, "i")) != NULL)
		cli_escape(st->qid, sizeof(st->qid), qid, 20);
	return SMFIS_CONTINUE;
}

static sfsistat
mf_envrcpt(SMFICTX *ctx, char **argv)
{
	struct mstate *st = state(ctx);
	const char *a;
	size_t n;
	char *r;

	if (st == NULL)
		return SMFIS_TEMPFAIL;
	if (st->nrcpts >= server->cfg->max_recipients) {
		/* RFC 5321 4.5.3.1.10: the client sends the rest later. */
		set_reply(ctx, "452", "4.5.3", "Too many recipients");
		return SMFIS_TEMPFAIL;
	}
	/* the mailbox, read as the filter reads -r; kept whatever it is
	 * (the mail is never refused for it) */
	a = rf_envelope_address(argv[0], &n);
	if (st->nrcpts == st->rcap) {
		size_t ncap = st->rcap ? st->rcap * 2 : 8;
		char **v = realloc(st->rcpts, ncap * sizeof(*v));

		if (v == NULL)
			return fail_early(ctx, st, server->cfg->on_error,
			    "out of memory");
		st->rcpts = v;
		st->rcap = ncap;
	}
	if ((r = strndup(a, n)) == NULL)
		return fail_early(ctx, st, server->cfg->on_error, "out of memory");
	st->rcpts[st->nrcpts++] = r;
	return SMFIS_CONTINUE;
}

/*
 * add_field: append the header name: value to msg, in CRLF; 0, or -1
 * when msg cannot grow.  msg's header block must end where the MTA's
 * does, at its blank line: there the analysis starts the body that the
 * milter replaces.  So a header it would not read as a field (a name
 * with a space, a control or an 8-bit byte: Postfix passes none, and
 * it would end the block there) is left out, and a value's line that
 * would not read as a continuation starts with a space.
 */
static int
add_field(rf_buf *msg, const char *name, const char *value)
{
	const char *p, *end = value + strlen(value);
	int bad;

	if (!rf_message_field_name(name, strlen(name)))
		return 0;
	/* line ends after the value's last byte (a raw client's; Postfix
	 * sends none) end the field, not a line of it: kept, they would end
	 * the header block too */
	while (end > value && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	bad = rf_buf_puts(msg, name) != 0 || rf_buf_puts(msg, ": ") != 0;
	/* Folded values come with bare LF: store CRLF like the body. */
	for (p = value; !bad && p < end; p++) {
		if (*p == '\n' && (p == value || p[-1] != '\r'))
			bad = rf_buf_putc(msg, '\r') != 0;
		if (!bad)
			bad = rf_buf_putc(msg, *p) != 0;
		if (!bad && *p == '\n' && p[1] != ' ' && p[1] != '\t')
			bad = rf_buf_putc(msg, ' ') != 0;
	}
	if (!bad)
		bad = rf_buf_puts(msg, "\r\n") != 0;
	return bad ? -1 : 0;
}

/* keeping: whether the message is still kept (not over the limit, no
 * failure passing it). */
static int
keeping(const struct mstate *st)
{
	return !st->toolarge && st->pass == NULL;
}

/* note_forged: name kept in st->forged when it is an X-Redflag-* header,
 * whatever becomes of the message: every path that passes it removes
 * them.  A name that does not fit (the names of one message past
 * max_message_size) is noted lost: such a message is tempfailed rather
 * than passed with a header it cannot remove. */
static void
note_forged(struct mstate *st, const char *name)
{
	size_t n = strlen(name);

	if (!pipeline_own_header(name, n) || st->forged_lost)
		return;
	if (rf_buf_append(&st->forged, name, n + 1) != 0) {
		st->forged_lost = 1;
		return;
	}
	st->nforged++;
}

static sfsistat
mf_header(SMFICTX *ctx, char *name, char *value)
{
	struct mstate *st = state(ctx);

	if (st == NULL)
		return SMFIS_TEMPFAIL;
	note_forged(st, name);
	if (!keeping(st))
		return SMFIS_CONTINUE;
	if (add_field(&st->msg, name, value) != 0 && !st->msg.truncated)
		return fail_early(ctx, st, server->cfg->on_error, "out of memory");
	st->toolarge = st->msg.truncated;
	return SMFIS_CONTINUE;
}

static sfsistat
mf_eoh(SMFICTX *ctx)
{
	struct mstate *st = state(ctx);

	if (st == NULL)
		return SMFIS_TEMPFAIL;
	if (keeping(st) && rf_buf_puts(&st->msg, "\r\n") != 0 &&
	    !st->msg.truncated)
		return fail_early(ctx, st, server->cfg->on_error, "out of memory");
	st->toolarge = st->msg.truncated;
	st->body = st->msg.len;
	return SMFIS_CONTINUE;
}

static sfsistat
mf_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct mstate *st = state(ctx);

	if (st == NULL)
		return SMFIS_TEMPFAIL;
	if (keeping(st) && rf_buf_append(&st->msg, chunk, len) != 0 &&
	    !st->msg.truncated)
		return fail_early(ctx, st, server->cfg->on_error, "out of memory");
	st->toolarge = st->msg.truncated;
	return SMFIS_CONTINUE;
}

/* name_cmp: qsort order of header names (char **), ignoring case. */
static int
name_cmp(const void *a, const void *b)
{
	return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * remove_forged: delete every X-Redflag-* header of the message.  The MTA
 * numbers the headers of one name (case-insensitively) from 1: the names
 * are sorted so that each name's copies form one run, deleted from the
 * last to the first so that no deletion moves an index still to come
 * (n log n for n forged headers, however many distinct names).
 * Returns 0 (none left to remove: a second call does nothing), or -1
 * (*why set) when out of memory or the MTA refused.
 */
static int
remove_forged(SMFICTX *ctx, struct mstate *st, const char **why)
{
	const char **v;
	const char *p;
	size_t i, j, k;
	int rc = -1;

	if (st->nforged == 0)
		return 0;
	if (st->nforged > INT_MAX ||
	    (v = calloc(st->nforged, sizeof(*v))) == NULL) {
		*why = "out of memory";
		return -1;
	}
	for (i = 0, p = st->forged.data; i < st->nforged; i++) {
		v[i] = p;
		p += strlen(p) + 1;
	}
	qsort(v, st->nforged, sizeof(*v), name_cmp);
	*why = "the MTA refused a change";
	for (i = 0; i < st->nforged; i = j) {
		for (j = i + 1; j < st->nforged &&
		    strcasecmp(v[i], v[j]) == 0; j++)
			;
		for (k = j - i; k > 0; k--)
			if (smfi_chgheader(ctx, (char *)v[i], (int)k, NULL) !=
			    MI_SUCCESS)
				goto out;
	}
	st->nforged = 0;
	rc = 0;
out:
	free(v);
	return rc;
}

/* pass_unchanged: at the end of the message, pass it as it came, but for
 * the sender's X-Redflag-* headers: removed on every path that passes a
 * message, so that no verdict can be forged; a message whose headers
 * cannot be removed is tempfailed instead.  why: the error or limit that
 * passes it (logged), or NULL (the action accept). */
static sfsistat
pass_unchanged(SMFICTX *ctx, struct mstate *st, const char *why)
{
	const char *rwhy;
	size_t n = st->nforged;

	if (st->forged_lost)
		return tempfail(ctx, st, "X-Redflag-* header names past "
		    "max_message_size: cannot remove them all");
	if (remove_forged(ctx, st, &rwhy) != 0)
		return tempfail(ctx, st, rwhy);
	if (why != NULL)
		mlog("%s: %s: accepted unchanged%s",
		    st->qid[0] ? st->qid : "-", why,
		    n > 0 ? " but for its X-Redflag-* headers (removed)" : "");
	message_end(st);
	return SMFIS_ACCEPT;
}

/* fail_at_end: answer policy a after an error (why) at the end of the
 * message. */
static sfsistat
fail_at_end(SMFICTX *ctx, struct mstate *st, enum action a, const char *why)
{
	return a == ACTION_ACCEPT ? pass_unchanged(ctx, st, why) :
	    tempfail(ctx, st, why);
}

/* apply: make the changes of r; 0, or -1 (*why set) when out of memory
 * or the MTA refused one. */
static int
apply(SMFICTX *ctx, struct mstate *st, const struct pipeline_result *r,
      const char **why)
{
	size_t i;

	/* add_field keeps the analysis' header block the MTA's */
	*why = "the rewritten body does not start where the MTA's does";
	if (r->body != NULL && r->body_off != st->body)
		return -1;
	if (remove_forged(ctx, st, why) != 0)
		return -1;
	*why = "the MTA refused a change";
	for (i = 0; i < r->nheaders; i++)
		if (smfi_addheader(ctx, (char *)r->headers[i].name,
		    (char *)r->headers[i].value) != MI_SUCCESS)
			return -1;
	if (r->body != NULL && (r->body_len > INT_MAX ||
	    smfi_replacebody(ctx, (unsigned char *)r->body,
	    (int)r->body_len) != MI_SUCCESS))
		return -1;
	if (r->action == ACTION_QUARANTINE && smfi_quarantine(ctx,
	    (char *)"redflag policy") != MI_SUCCESS)
		return -1;
	return 0;
}

/* log_notice: the pipeline's notice in r (the store's file was deleted
 * or replaced, and opened again), logged once. */
static void
log_notice(struct pipeline_result *r)
{
	if (r->notice != NULL)
		mlog("%s", r->notice);
	r->notice = NULL;
}

static sfsistat
mf_eom(SMFICTX *ctx)
{
	const struct config *cfg = server->cfg;
	struct mstate *st = state(ctx);
	struct pipeline_result r;
	sfsistat ret = SMFIS_CONTINUE;
	const char *qid, *why, *uncounted = NULL;
	rf_status cst = RF_OK;
	rf_error err;

	if (st == NULL)
		return SMFIS_TEMPFAIL;
	if (st->qid[0] == '\0' && (qid = smfi_getsymval(ctx, "i")) != NULL)
		cli_escape(st->qid, sizeof(st->qid), qid, 20);
	if (st->pass != NULL)
		return pass_unchanged(ctx, st, st->pass);
	if (st->forged_lost)	/* before the analysis: no use running it */
		return tempfail(ctx, st, "X-Redflag-* header names past "
		    "max_message_size: cannot remove them all");
	if (st->toolarge)
		return fail_at_end(ctx, st, cfg->on_limit,
		    "message larger than max_message_size");
	if (pipeline_run(server->pipe, st->msg.data != NULL ? st->msg.data :
	    "", st->msg.len, (const char *const *)st->rcpts, st->nrcpts, &r,
	    &err) != RF_OK)
		return fail_at_end(ctx, st, err.status == RF_ELIMIT ?
		    cfg->on_limit : cfg->on_error, err.msg);
	log_notice(&r);
	switch (r.action) {
	case ACTION_REJECT:
		set_reply(ctx, "550", "5.7.1", r.reply);
		ret = SMFIS_REJECT;
		break;
	case ACTION_TEMPFAIL:
		set_reply(ctx, "451", "4.7.1", r.reply);
		ret = SMFIS_TEMPFAIL;
		break;
	case ACTION_ACCEPT:	/* unchanged, but for forged headers */
		if (remove_forged(ctx, st, &why) != 0) {
			pipeline_result_free(&r);
			return tempfail(ctx, st, why);
		}
		break;
	default:
		if (apply(ctx, st, &r, &why) != 0) {
			pipeline_result_free(&r);
			return fail_at_end(ctx, st, cfg->on_error, why);
		}
		break;
	}
	/* a store that cannot count the copy (locked past its timeout,
	 * unreachable) is on_error: tempfail (the changes sent are dropped
	 * with the message; the MTA tries again and the retry is counted),
	 * or with on_error = accept the message passes uncounted */
	if (ret == SMFIS_CONTINUE) {
		cst = pipeline_commit(server->pipe, &r, &err);
		log_notice(&r);
	}
	if (cst != RF_OK) {
		if (cfg->on_error != ACTION_ACCEPT) {
			pipeline_result_free(&r);
			return tempfail(ctx, st, err.msg);
		}
		uncounted = err.msg;
	}
	mlog("%s: verdict=%s action=%s rcpts=%zu%s%s%s",
	    st->qid[0] ? st->qid : "-", r.headers[0].value,
	    action_name(r.action), st->nrcpts,
	    r.body != NULL ? " rewritten" : "",
	    uncounted != NULL ? "; not counted: " : "",
	    uncounted != NULL ? uncounted : "");
	pipeline_result_free(&r);
	message_end(st);
	return ret;
}

static sfsistat
mf_abort(SMFICTX *ctx)
{
	struct mstate *st = state(ctx);

	if (st != NULL)
		message_end(st);
	return SMFIS_CONTINUE;
}

static sfsistat
mf_close(SMFICTX *ctx)
{
	struct mstate *st = state(ctx);

	if (st == NULL)
		return SMFIS_CONTINUE;
	message_end(st);
	rf_buf_free(&st->msg);
	rf_buf_free(&st->forged);
	free(st->rcpts);
	free(st);
	smfi_setpriv(ctx, NULL);
	atomic_fetch_sub(&server->conns, 1);
	return SMFIS_CONTINUE;
}

static struct smfiDesc desc = {
	.xxfi_name = (char *)"redflag",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY |
	    SMFIF_QUARANTINE,
	.xxfi_connect = mf_connect,
	.xxfi_envfrom = mf_envfrom,
	.xxfi_envrcpt = mf_envrcpt,
	.xxfi_header = mf_header,
	.xxfi_eoh = mf_eoh,
	.xxfi_body = mf_body,
	.xxfi_eom = mf_eom,
	.xxfi_abort = mf_abort,
	.xxfi_close = mf_close,
};

static void
milter_usage(FILE *f)
{
	fprintf(f, "usage: %s milter [--config FILE] [--set NAME=VALUE] "
	    "[--socket SPEC]\n"
	    "                      [--user USER] [--chroot DIR]\n"
	    "  --socket SPEC   unix:PATH or inet:PORT@127.0.0.1 "
	    "(setting socket)\n"
	    "  --user USER     run as USER once the socket is bound\n"
	    "  --chroot DIR    chroot to DIR once files are open\n"
	    "  -c, --config FILE  settings (redflag.conf(5))\n"
	    "exit status: 0 after a graceful stop (SIGTERM, SIGHUP, SIGINT), 64\n"
	    "usage error, 78 bad configuration, 69 the socket or the store\n"
	    "cannot be opened, 77 the user or chroot cannot be taken, 70\n"
	    "libmilter failed\n",
	    RF_PROG);
	cli_mail_limits_help(f);
	redis_auth_help(f);
}

/*
 * risky_start: one warning line each for settings that run but should
 * not: root with no user to become, and no store (no campaign is ever
 * counted and no consent found).  Logged once the milter listens.
 */
static void
risky_start(const struct config *cfg)
{
	if (cfg->user == NULL && geteuid() == 0)
		mlog("warning: running as root: no user is set (user = "
		    "redflag, or --user USER), so the analysis of every "
		    "message runs with root's rights");
	if (cfg->db == NULL)
		mlog("warning: no store (db is not set): campaigns are "
		    "never counted and no consent record is found; set "
		    "db = /var/lib/redflag/redflag.db");
}

/*
 * The stop.  libmilter (8.17) looks at its stop flag only when its
 * listener's select() returns, at the latest MI_CHK_TIME (5 s) after it
 * began; so a milter stopped by libmilter's own signal thread took up to
 * 5 s to exit with nothing in flight, and the MTA tempfailed new mail
 * meanwhile.  So smfi_main runs in a thread of its own and the main thread
 * waits for the stop signals itself: on SIGTERM, SIGHUP or SIGINT the
 * milter drains and exits at once, without waiting for the listener.
 * Linux gives a signal sent to the process to its main thread when that
 * thread is waiting for it, so libmilter's signal thread, which waits for
 * the same signals, does not get it; if it ever does, smfi_main returns
 * within 5 s, as before.
 */
struct listener {
	pthread_t main;		/* told with SIGUSR1 when smfi_main returns */
	atomic_int done;	/* smfi_main returned */
	int r;			/* what it returned */
};

static void *
listener_main(void *arg)
{
	struct listener *l = arg;

	l->r = smfi_main();
	atomic_store(&l->done, 1);
	pthread_kill(l->main, SIGUSR1);
	return NULL;
}

/*
 * run: smfi_main in a thread until it returns or one of sigs (blocked in
 * every thread: SIGTERM, SIGHUP, SIGINT, SIGUSR1) asks for a stop; then
 * 0 (a stop asked, or smfi_main returned MI_SUCCESS) or -1.  After a
 * stop, the listener thread is detached and left to run until the
 * process exits: smfi_stop is never called, since once its flag is set
 * libmilter serves no session any more, not even those in flight
 * (docs/mailservers.md, "Stopping and restarting"); a unix socket is
 * removed as libmilter removes it (not as root, not from inside a
 * chroot).  *l is the caller's and must outlive the process: after a
 * stop the listener thread runs on and may still write to it.
 */
static int
run(const struct config *cfg, const sigset_t *sigs, struct listener *l)
{
	const char *path = config_socket_path(cfg->socket);
	struct stat st;
	pthread_t t;
	int sig;

	l->main = pthread_self();
	atomic_init(&l->done, 0);
	l->r = MI_FAILURE;
	if (pthread_create(&t, NULL, listener_main, l) != 0) {
		mlog("cannot start libmilter's listener: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		if (sigwait(sigs, &sig) != 0)
			continue;
		if (atomic_load(&l->done)) {	/* returned by itself */
			pthread_join(t, NULL);
			return l->r == MI_SUCCESS ? 0 : -1;
		}
		if (sig != SIGUSR1)	/* another process's SIGUSR1: ignored */
			break;
	}
	pthread_detach(t);
	if (path != NULL && cfg->chroot == NULL && geteuid() != 0 &&
	    lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		(void)unlink(path);
	return 0;
}

/* drain: wait until no message is in flight, at most timeout seconds,
 * then until REPLY_GRACE_MS have passed since the last one ended. */
static void
drain(struct server *s, unsigned timeout)
{
	struct timespec until, now, nap = { 0, 0 };
	long long ms;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout;
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	while (s->inflight > 0)
		if (pthread_cond_timedwait(&s->idle, &s->lock, &until) ==
		    ETIMEDOUT)
			break;
	if (s->inflight > 0)
		mlog("stopping with %u message%s unfinished (the MTA "
		    "retries %s)", s->inflight, cli_plural(s->inflight, "s"),
		    s->inflight == 1 ? "it" : "them");
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(now.tv_sec - s->last_end.tv_sec) * 1000 +
	    (now.tv_nsec - s->last_end.tv_nsec) / 1000000;
	if (s->last_end.tv_sec != 0 && ms >= 0 && ms < REPLY_GRACE_MS)
		nap.tv_nsec = (REPLY_GRACE_MS - (long)ms) * 1000000L;
	pthread_mutex_unlock(&s->lock);
	if (nap.tv_nsec > 0)
		nanosleep(&nap, NULL);
}

int
cmd_milter(int argc, char **argv)
{
	struct server srv;
	struct listener lsn;	/* run()'s; lives until _exit */
	struct config cfg;
	sigset_t sigs;
	rf_error err;
	char why[256];
	int i, r, rc = EX_TEMPFAIL;
	const char *key;

	config_init(&cfg);
	memset(&srv, 0, sizeof(srv));
	pthread_mutex_init(&srv.lock, NULL);
	pthread_cond_init(&srv.idle, NULL);
	atomic_init(&srv.conns, 0);
	atomic_init(&srv.refused, 0);
	atomic_init(&srv.next_log, 0);
	for (i = 1; i < argc; i++) {
		if ((r = config_option(&cfg, "milter", argc, argv, &i)) == 0)
			r = redis_auth_option(&cfg.redis, "milter", argc, argv,
			    &i);
		if (r < 0) {
			rc = EX_CONFIG;
			goto out;
		}
		if (r > 0)
			continue;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			milter_usage(stdout);
			rc = RF_EXIT_OK;
			goto out;
		}
		key = NULL;
		if (strcmp(argv[i], "--socket") == 0)
			key = "socket";
		else if (strcmp(argv[i], "--user") == 0)
			key = "user";
		else if (strcmp(argv[i], "--chroot") == 0)
			key = "chroot";
		if (key == NULL || i + 1 >= argc) {
			cli_bad_option("milter", argv[i], key != NULL ?
			    (const char *const[]){ argv[i], NULL } : NULL);
			milter_usage(stderr);
			rc = EX_USAGE;
			goto out;
		}
		if (config_set(&cfg, key, argv[++i], why, sizeof(why)) != 0) {
			cli_warn("milter: %s", why);
			rc = EX_USAGE;
			goto out;
		}
	}
	if (redis_auth_finish(&cfg.redis, "milter", (const char *const[]){
	    cfg.db, cfg.classifier }, 2) != 0) {
		rc = EX_CONFIG;
		goto out;
	}
	if (cfg.socket == NULL) {
		cli_warn("milter: no socket: give --socket or socket =");
		rc = EX_USAGE;
		goto out;
	}
	srv.cfg = &cfg;
	if (pipeline_open(&cfg, &srv.pipe, &err) != RF_OK) {
		cli_warn("milter: %s", err.msg);
		rc = EX_CONFIG;
		goto out;
	}
	server = &srv;
	if (smfi_setconn(cfg.socket) != MI_SUCCESS ||
	    smfi_settimeout((int)cfg.milter_timeout) != MI_SUCCESS ||
	    smfi_register(desc) != MI_SUCCESS) {
		cli_warn("milter: libmilter refused the settings");
		rc = EX_SOFTWARE;
		goto out;
	}
	/* Blocked in every thread; run() waits for them.  Until then a
	 * SIGTERM stays pending instead of killing a half-started milter. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	umask(config_socket_path(cfg.socket) != NULL ? 0117 : 0077);
	/* libmilter tells its reason only to syslog: the system's is in
	 * errno (bind, listen, socket; 0 when it refused the spec itself) */
	errno = 0;
	if (smfi_opensocket(1) != MI_SUCCESS) {
		char esc[512];
		int e = errno;

		cli_warn("milter: cannot listen on %s: %s%s", cli_escape(esc,
		    sizeof(esc), cfg.socket, 200), e != 0 ? strerror(e) :
		    "libmilter does not know this port, host or socket type "
		    "(unix:PATH or inet:PORT@ADDRESS)", e == ENOENT &&
		    config_socket_path(cfg.socket) != NULL ? " (does the socket's "
		    "folder exist? systemd-tmpfiles --create makes the "
		    "installed one)" : "");
		rc = EX_UNAVAILABLE;
		goto out;
	}
	if (milter_drop(&cfg) != 0) {
		rc = EX_NOPERM;
		goto out;
	}
	if (pipeline_open_store(srv.pipe, &err) != RF_OK) {
		char esc[512], missing[600];

		cli_warn("milter: %s%s%s%s%s", err.msg, milter_missing_folder(
		    (const char *const[]){ cfg.db, cfg.classifier }, 2,
		    missing, sizeof(missing)), cfg.user != NULL ?
		    " (opened as user " : "", cfg.user != NULL ?
		    cli_escape(esc, sizeof(esc), cfg.user, 100) : "",
		    cfg.user != NULL ? ")" : "");
		rc = EX_UNAVAILABLE;
		goto out;
	}
	mlog("listening on %s", cfg.socket);
	risky_start(&cfg);
	r = run(&cfg, &sigs, &lsn);
	mlog("stopping: finishing messages in flight");
	drain(&srv, cfg.shutdown_timeout);
	/* a store file replaced meanwhile: its log goes into it, not to
	 * the file now at the path */
	pipeline_stop(srv.pipe);
	/* Idle sessions' threads, and libmilter's listener after a stop,
	 * may still run: end here without freeing what they use. */
	_exit(r == 0 ? RF_EXIT_OK : EX_SOFTWARE);
out:
	pipeline_close(srv.pipe);
	server = NULL;
	config_free(&cfg);
	return rc;
}
