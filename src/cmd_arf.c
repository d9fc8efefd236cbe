/*
 * cmd_arf.c - redflag arf: ARF feedback reports (RFC 5965).
 *
 *   arf ingest  count each report (Incidents times) against the campaign
 *               and sender domain of the message it carries; one
 *               recipient's report (one Original-Rcpt-To, one incident)
 *               once per recipient
 *   arf make    write a report for a message, the recipient redacted
 *               (RFC 6590) and every tracking code taken out of the
 *               enclosed copy with the rewriter of `redflag clean`
 *
 * redflag-arf(1), docs/verdicts.md.
 */
#include <gmime/gmime.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "redis_auth.h"
#include "commands.h"
#include "feedback.h"

#define ARF_FIELD_MAX 256	/* bytes of a field taken from a header */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: %s arf ingest [--db PATH] [-c FILE] [PATH|-]...\n"
	    "       %s arf make [--db PATH] [-c FILE] --to ADDR [--from ADDR]\n"
	    "                    [--rcpt ADDR] [--type TYPE] FILE|-\n\n"
	    "ingest: read feedback reports (a file, mbox or Maildir of them)\n"
	    "and count each abuse, fraud or virus report, Incidents times,\n"
	    "against the campaign and the sender domain of the message it\n"
	    "encloses; the consent of the reported recipient for that sender\n"
	    "is revoked (not-spam, auth-failure, other: no complaint).  A\n"
	    "report about one recipient (one Original-Rcpt-To, one incident)\n"
	    "counts once per recipient, as redflag complain does.\n"
	    "make: write to standard output a feedback report for the\n"
	    "message in FILE, with the recipient's address redacted (RFC 6590,\n"
	    "key: arf_redact_key in redflag.conf; without one a random key,\n"
	    "so that reports cannot be matched) and every tracking code taken\n"
	    "out of the enclosed copy (with a store, also the codes that vary\n"
	    "between the copies of its campaign).  The report is a whole\n"
	    "message (From, To, Date, Subject, Message-ID) to send as it\n"
	    "is: sendmail finds its recipient in To.\n\n"
	    "  --db PATH       the store; overrides redflag.conf's db\n"
	    "  --to ADDR       where the report goes (the sender's abuse\n"
	    "                  desk or feedback loop): needed\n"
	    "  --from ADDR     the reporter, whom replies and bounces reach\n"
	    "                  (default: arf_from in redflag.conf; one of\n"
	    "                  the two is needed)\n"
	    "  --rcpt ADDR     the recipient (default: Delivered-To,\n"
	    "                  X-Original-To, then To)\n"
	    "  --type TYPE     Feedback-Type: abuse (the default), fraud,\n"
	    "                  virus, other, not-spam or auth-failure\n"
	    "  -c, --config FILE  settings (redflag.conf(5))\n"
	    "  --set NAME=VALUE   one setting after the file (a verdict\n"
	    "                  setting or a limit)\n"
	    "\nexit status: 0 done, 1 some input was not a report or could\n"
	    "not be read, 64 usage error, 69 the store could not be opened,\n"
	    "70 internal or store failure\n",
	    RF_PROG, RF_PROG);
	redis_auth_help(f);
}

/* addr_of: the addr-spec inside "<a@b>" (or a@b) into buf; NULL. */
static const char *
addr_of(const char *v, char *buf, size_t size)
{
	const char *lt = strchr(v, '<'), *gt;
	size_t n;

	if (lt != NULL && (gt = strchr(lt, '>')) != NULL) {
		v = lt + 1;
		n = (size_t)(gt - v);
	} else {
		n = strcspn(v, " \t");
	}
	if (n == 0 || n >= size || memchr(v, '@', n) == NULL)
		return NULL;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return buf;
}

/* header_address_ok: value, given to option opt, is an address that
 * may stand in the report's header (cli_ascii_address_ok); 1, else 0
 * after saying why: not an address (cli_address_ok) or not in ASCII. */
static int
header_address_ok(const char *opt, const char *value)
{
	char esc[256];

	if (!cli_address_ok("arf", opt, value))
		return 0;
	if (!cli_ascii_address_ok(value)) {
		cli_warn("arf: %s: '%s' is not an ASCII mail address (the "
		    "report's header is ASCII)", opt, cli_escape(esc,
		    sizeof(esc), value, 100));
		return 0;
	}
	return 1;
}

static int
ingest_one(struct feedback *fb, const rf_item *item, size_t *bad)
{
	char esc[128], rcpt[RF_CONSENT_ADDR_MAX + 1];
	const char *r = NULL;
	struct complaint c;
	rf_arf_report rep;
	rf_arf_kind kind;
	rf_arena *a;
	rf_error err;
	int rc = 0;

	if ((a = rf_arena_new()) == NULL)
		return -1;
	cli_escape(esc, sizeof(esc), item->label, 100);
	if (rf_arf_parse(a, item->data, item->len, &rep, &err) != RF_OK) {
		if (err.status == RF_ENOMEM)
			rc = -1;
		cli_warn("arf ingest: %s: %s", esc, err.msg);
		(*bad)++;
		goto out;
	}
	/* only a report that objects to the message is a complaint: a
	 * not-spam report (the recipient wants such mail) or an
	 * auth-failure one revokes no consent and counts nothing */
	kind = rf_arf_type_kind(rep.feedback_type);
	if (kind == RF_ARF_UNKNOWN) {
		cli_warn("arf ingest: %s: Feedback-Type '%s' is none of "
		    RF_ARF_TYPES ": skipped", esc, cli_escape(rcpt,
		    sizeof(rcpt), rep.feedback_type, 40));
		(*bad)++;
		goto out;
	}
	if (kind == RF_ARF_NO_COMPLAINT) {
		printf("%s: %s, %llu incident%s: not a complaint, nothing "
		    "recorded\n", esc, rep.feedback_type,
		    (unsigned long long)rep.incidents,
		    rep.incidents == 1 ? "" : "s");
		goto out;
	}
	if (rep.original == NULL) {
		cli_warn("arf ingest: %s: no enclosed message", esc);
		(*bad)++;
		goto out;
	}
	if (rep.nrcpt > 0)
		r = addr_of(rep.original_rcpt_to[0], rcpt, sizeof(rcpt));
	/* one recipient's report (one Original-Rcpt-To, redacted or not:
	 * a stable name of the recipient, one incident) counts once per
	 * recipient, as `redflag complain` does; an aggregate (no
	 * recipient, several, or Incidents > 1) counts Incidents times */
	if (feedback_complain(fb, rep.original, rep.original_len, r,
	    rep.incidents, rep.nrcpt == 1 && r != NULL && rep.incidents == 1,
	    1, &c) != 0) {
		rc = -1;
		goto out;
	}
	printf("%s: %s, %llu incident%s%s: ", esc, cli_escape(rcpt,
	    sizeof(rcpt), rep.feedback_type, 40),
	    (unsigned long long)rep.incidents, rep.incidents == 1 ? "" : "s",
	    rep.limit_hit ? " (report cut by a limit)" : "");
	complaint_print(&c);
out:
	rf_arena_free(a);
	return rc;
}

static int
do_ingest(struct feedback *fb, const char *const *paths, int npaths)
{
	static const char *const stdin_path[] = { "-" };
	size_t bad = 0;
	rf_source *src;
	rf_item item;
	rf_error err;
	rf_status st;
	int i;

	if (npaths == 0) {
		paths = stdin_path;
		npaths = 1;
	}
	for (i = 0; i < npaths; i++) {
		st = strcmp(paths[i], "-") == 0 ? cli_open_stdin("arf ingest",
		    &fb->cfg.limits, &src, &err) : rf_source_open(paths[i],
		    &fb->cfg.limits, &src, &err);
		if (st != RF_OK) {
			cli_warn("arf ingest: %s", err.msg);
			bad++;
			continue;
		}
		while ((st = rf_source_next(src, &item, &err)) != RF_EDONE) {
			if (st != RF_OK) {
				cli_warn("arf ingest: %s", err.msg);
				bad++;
				continue;
			}
			if (ingest_one(fb, &item, &bad) != 0) {
				rf_source_free(src);
				return RF_EXIT_SOFTWARE;
			}
		}
		rf_source_free(src);
	}
	return bad > 0 ? RF_EXIT_INPUT : RF_EXIT_OK;
}

/* received_facts: Source-IP (the first [a.b.c.d] of the topmost
 * Received) and Arrival-Date (its date, after the last ';'). */
static void
received_facts(const rf_message *m, char *ip, char *date, size_t size)
{
	const char *v = rf_message_header(m, "Received"), *p, *e;
	size_t n;

	ip[0] = date[0] = '\0';
	if (v == NULL)
		return;
	if ((p = strchr(v, '[')) != NULL && (e = strchr(p, ']')) != NULL &&
	    (n = (size_t)(e - p - 1)) > 0 && n < size &&
	    strspn(p + 1, "0123456789.:abcdefABCDEFIPv") >= n) {
		memcpy(ip, p + 1, n);
		ip[n] = '\0';
	}
	if ((p = strrchr(v, ';')) != NULL) {
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		snprintf(date, size, "%s", p);
	}
}

/* header_block: copy the header block of msg, msg[0..end) (end: where
 * the body starts, rf_rewrite_body_offset), into out with every
 * tracking URL of a header link replaced by its clean form and, between
 * them, the address redacted (rf_arf_redact: in any case, and in encoded
 * words).  An mbox From_ line first (a message saved from a mailbox) is
 * left out: it is the mailbox's envelope, not a header of the
 * message/rfc822 part.  0, or -1 when out cannot grow. */
static int
header_block(rf_message *m, const char *msg, size_t end, const char *addr,
	     const char *redacted, rf_buf *out)
{
	size_t start = rf_message_envelope_len(msg, end), i, from, j, ul, at;
	const rf_link *l, *next;
	const char *p;

	/* each turn: the first occurrence after i of a tracked header
	 * link's URL (the first link of those found at one offset) */
	for (i = from = start; i < end; i = from = at + strlen(next->url)) {
		next = NULL;
		at = end;
		for (j = 0; j < m->links.n; j++) {
			l = &m->links.v[j];
			if (l->kind != RF_LINK_HEADER || !l->tracking ||
			    l->clean == NULL || (ul = strlen(l->url)) == 0)
				continue;
			if ((p = memmem(msg + i, end - i, l->url, ul)) !=
			    NULL && (size_t)(p - msg) < at) {
				at = (size_t)(p - msg);
				next = l;
			}
		}
		if (next == NULL)
			break;
		if (rf_arf_redact(msg + from, at - from, addr, redacted,
		    out) != 0 || rf_buf_puts(out, next->clean[0] != '\0' ?
		    next->clean : RF_TRACKING_PLACEHOLDER) != 0)
			return -1;
	}
	return rf_arf_redact(msg + from, end - from, addr, redacted, out);
}

/* report_ids: the report's Date (now, as RFC 5322 writes it) into date
 * and a new Message-ID (random, in the domain of the reporter's address
 * from) into mid; 0, or -1 when no random bytes could be had. */
static int
report_ids(const char *from, char *date, size_t dsize, char *mid,
	   size_t msize)
{
	unsigned char rnd[16];
	char hex[2 * sizeof(rnd) + 1];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	/* the C locale (never set otherwise): English day and month names */
	if (localtime_r(&now, &tm) == NULL || strftime(date, dsize,
	    "%a, %d %b %Y %H:%M:%S %z", &tm) == 0 ||
	    RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -1;
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	snprintf(mid, msize, "<arf.%s@%s>", hex, strrchr(from, '@') + 1);
	return 0;
}

/* left_out: say that the report's field goes without a value, since
 * what it is taken from (what, its value v, escaped and cut) cannot be
 * written in the report's ASCII header. */
static void
left_out(const char *field, const char *what, const char *v)
{
	char esc[128];

	cli_warn("arf make: %s '%s' cannot be written in ASCII: the report "
	    "has no %s field", what, cli_escape(esc, sizeof(esc), v, 60),
	    field);
}

/* addr_ascii: the mail address addr (local@domain) as an ASCII header
 * can carry it, in a: addr itself when it is printable ASCII, else with
 * its domain in A-labels (rf_url_host_ascii) when its local part is
 * printable ASCII; NULL when it cannot be written in ASCII. */
static const char *
addr_ascii(rf_arena *a, const char *addr)
{
	const char *at = strrchr(addr, '@'), *d;
	char *local;

	if (rf_arf_field_ok(addr))
		return addr;
	if (at == NULL || (local = rf_arena_strndup(a, addr,
	    (size_t)(at - addr))) == NULL || !rf_arf_field_ok(local) ||
	    (d = rf_url_host_ascii(a, at + 1)) == NULL)
		return NULL;
	return rf_arena_printf(a, "%s@%s", local, d);
}

/* mail_from_ascii: Original-Mail-From for the Return-Path value rp, in
 * a: rp as it is when it is printable ASCII ("<>" too), else "<addr>"
 * with addr as addr_ascii writes it; NULL when it cannot be written in
 * ASCII. */
static const char *
mail_from_ascii(rf_arena *a, const char *rp)
{
	char buf[ARF_FIELD_MAX];
	const char *addr;

	if (strlen(rp) < ARF_FIELD_MAX && rf_arf_field_ok(rp))
		return rp;
	if ((addr = addr_of(rp, buf, sizeof(buf))) == NULL ||
	    (addr = addr_ascii(a, addr)) == NULL)
		return NULL;
	return rf_arena_printf(a, "<%s>", addr);
}

/* do_make: write the report about the message in path (NULL or "-":
 * standard input), from the address reporter to the address to; the
 * exit status. */
static int
do_make(struct feedback *fb, const char *path, const char *rcpt,
	const char *type, const char *reporter, const char *to)
{
	char ip[ARF_FIELD_MAX], date[ARF_FIELD_MAX], seed[64];
	char now[64], mid[ARF_FIELD_MAX];
	unsigned char rnd[32];
	const unsigned char *key;
	const char *redacted, *at, *rp, *db;
	rf_rewrite *rw = NULL;
	rf_analysis_cfg acfg;
	rf_analysis an;
	rf_message *m = NULL;
	rf_arf_params p;
	rf_buf copy, body, out;
	rf_store_options so;
	size_t len = 0, keylen;
	char *data;
	rf_error err;
	int rc = RF_EXIT_SOFTWARE;

	rf_buf_init(&copy, 0);
	rf_buf_init(&body, 0);
	rf_buf_init(&out, 0);
	g_mime_init();
	if ((data = feedback_read(fb, path, &len, "arf make")) == NULL)
		return RF_EXIT_INPUT;
	if (rf_ctx_new(&fb->cfg.limits, &fb->ctx, &err) != RF_OK ||
	    (fb->rules = cli_rules()) == NULL ||
	    rf_message_parse(fb->ctx, data, len, &m, &err) != RF_OK)
		goto fail;
	if (rcpt == NULL && (rcpt = rf_message_recipient(m)) == NULL) {
		cli_warn("arf make: no recipient: give --rcpt");
		rc = RF_EXIT_USAGE;
		goto out;
	}
	/* said, not refused: one who reports their own mail may sign */
	if (strcasecmp(reporter, rcpt) == 0)
		cli_warn("arf make: the report is from the recipient's own "
		    "address: it names them, whatever the redaction");
	/* codes: those one copy shows, and with a store those that vary
	 * between the copies of its campaign (the store's sample) */
	memset(&acfg, 0, sizeof(acfg));
	acfg.rules = fb->rules;
	db = fb->db != NULL ? fb->db : fb->cfg.db;
	redis_auth_store_options(&fb->cfg.redis, &so);
	if (db != NULL && rf_store_open(db, &so, &fb->store, &err) !=
	    RF_OK) {
		cli_warn_input("arf make", db, err.msg);
		rc = RF_EXIT_UNAVAILABLE;
		goto out;
	}
	acfg.store = fb->store;
	if (rf_analysis_message(fb->ctx, &acfg, m, rcpt, &an, &err) != RF_OK ||
	    rf_analysis_campaign(fb->ctx, &acfg, &an, 0, 0, &err) != RF_OK)
		goto fail;
	if (fb->cfg.arf_redact_key != NULL) {
		key = (const unsigned char *)fb->cfg.arf_redact_key;
		keylen = strlen(fb->cfg.arf_redact_key);
	} else {
		if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
			cli_warn("arf make: no random key");
			goto out;
		}
		key = rnd;
		keylen = sizeof(rnd);
	}
	if (rf_arf_redact_addr(m->arena, rcpt, key, keylen, &redacted,
	    &err) != RF_OK)
		goto fail;
	/* the enclosed copy: codes out of the body (clean's rewriter), the
	 * address redacted everywhere, header links cleaned */
	if (rf_rewrite_new(rf_ctx_limits(fb->ctx), &rw, &err) != RF_OK ||
	    rf_rewrite_collect(rw, m, &err) != RF_OK ||
	    rf_rewrite_add(rw, rcpt, redacted, &err) != RF_OK ||
	    rf_rewrite_prepare(rw, data, len, &err) != RF_OK)
		goto fail;
	/* the bytes the rewriter leaves as they are (the headers, a
	 * multipart's preamble and epilogue, the parts' headers) redacted
	 * here; the parts' content by the rewriter (rf_rewrite_add) */
	if (header_block(m, data, rf_rewrite_body_offset(rw), rcpt, redacted,
	    &copy) != 0 || rf_rewrite_write(rw, rf_rewrite_body_offset(rw),
	    &body, &err) != RF_OK || rf_arf_redact(body.data != NULL ?
	    body.data : "", body.len, rcpt, redacted, &copy) != 0) {
		cli_warn("arf make: cannot rewrite the message");
		goto out;
	}
	memset(&p, 0, sizeof(p));
	received_facts(m, ip, date, sizeof(ip));
	p.feedback_type = type;
	if ((p.original_rcpt_to = addr_ascii(m->arena, redacted)) == NULL)
		left_out("Original-Rcpt-To", "the redacted recipient",
		    redacted);
	p.source_ip = ip[0] != '\0' ? ip : NULL;
	p.arrival_date = date[0] != '\0' ? date : m->date;
	p.reporting_mta = fb->cfg.arf_reporting_mta;
	if (m->from_addr != NULL && (at = strrchr(m->from_addr, '@')) !=
	    NULL && (p.reported_domain = rf_arf_field_ok(at + 1) ? at + 1 :
	    rf_url_host_ascii(m->arena, at + 1)) == NULL)
		left_out("Reported-Domain", "the From address's domain",
		    at + 1);
	if ((rp = rf_message_header(m, "Return-Path")) != NULL &&
	    (p.original_mail_from = mail_from_ascii(m->arena, rp)) == NULL)
		left_out("Original-Mail-From", "Return-Path", rp);
	if (p.arrival_date != NULL && !rf_arf_field_ok(p.arrival_date)) {
		left_out("Arrival-Date", "the date received", p.arrival_date);
		p.arrival_date = NULL;
	}
	p.redacted = 1;
	snprintf(seed, sizeof(seed), "%s", redacted);
	p.boundary_seed = seed;
	if (report_ids(reporter, now, sizeof(now), mid, sizeof(mid)) != 0) {
		cli_warn("arf make: no date or random Message-ID");
		goto out;
	}
	p.from = reporter;
	p.to = to;
	p.date = now;
	p.message_id = mid;
	if (rf_arf_write(&p, copy.data, copy.len, &out, &err) != RF_OK)
		goto fail;
	fwrite(out.data, 1, out.len, stdout);
	rc = RF_EXIT_OK;	/* main() checks that it was written */
	goto out;
fail:
	cli_warn("arf make: %s", err.msg);
out:
	rf_rewrite_free(rw);
	rf_message_free(m);
	rf_buf_free(&copy);
	rf_buf_free(&body);
	rf_buf_free(&out);
	free(data);
	return rc;
}

int
cmd_arf(int argc, char **argv)
{
	struct feedback fb;
	const char *rcpt = NULL, *type = NULL, *from = NULL, *to = NULL;
	const char *cmd, *pos[65], *given;
	const struct feedback_opt opts[] = {
		{ "--rcpt", &rcpt, NULL },
		{ "--type", &type, NULL },
		{ "--from", &from, NULL },
		{ "--to", &to, NULL },
	};
	const char *const *paths = pos + 1;
	char esc[512];
	size_t n = 0;
	int npaths, r, rc = RF_EXIT_USAGE;

	feedback_init(&fb);
	if ((r = feedback_args(&fb, argc, argv, opts, 4, pos, 65, &n, "arf",
	    usage)) != 0) {
		rc = r > 0 ? RF_EXIT_OK : RF_EXIT_USAGE;
		goto out;
	}
	cmd = n > 0 ? pos[0] : NULL;
	npaths = n > 0 ? (int)n - 1 : 0;
	if ((rcpt != NULL && !cli_address_ok("arf", "--rcpt", rcpt)) ||
	    (from != NULL && !header_address_ok("--from", from)) ||
	    (to != NULL && !header_address_ok("--to", to)))
		goto out;
	if (type != NULL && rf_arf_type_kind(type) == RF_ARF_UNKNOWN) {
		cli_warn("arf: --type: '%s' is none of " RF_ARF_TYPES,
		    cli_escape(esc, sizeof(esc), type, 100));
		goto out;
	}
	given = rcpt != NULL ? "--rcpt" : type != NULL ? "--type" :
	    from != NULL ? "--from" : to != NULL ? "--to" : NULL;
	if (from == NULL)
		from = fb.cfg.arf_from;
	if (cmd != NULL && strcmp(cmd, "ingest") == 0 && given != NULL) {
		/* a report names its recipient and type itself, and the
		 * addresses of its own header are a written report's */
		cli_warn("arf ingest: %s goes with arf make only", given);
		usage(stderr);
	} else if (cmd != NULL && strcmp(cmd, "ingest") == 0 &&
	    cli_stdin_twice("arf ingest", paths, npaths)) {
		usage(stderr);
	} else if (cmd != NULL && strcmp(cmd, "ingest") == 0) {
		if ((rc = feedback_open(&fb, 1, "arf ingest")) == 0)
			rc = do_ingest(&fb, paths, npaths);
	} else if (cmd != NULL && strcmp(cmd, "make") == 0 && npaths <= 1 &&
	    (to == NULL || from == NULL)) {
		/* no default: the From domain of a message is anyone's to
		 * write, and the report's sender is the one who reports */
		if (to == NULL)
			cli_warn("arf make: give --to ADDR: where the report "
			    "goes (the sender's abuse desk or feedback loop "
			    "address)");
		else
			cli_warn("arf make: give --from ADDR (or arf_from in "
			    "redflag.conf): the reporter's address, which "
			    "replies and bounces reach");
	} else if (cmd != NULL && strcmp(cmd, "make") == 0 && npaths <= 1) {
		rc = do_make(&fb, npaths > 0 ? paths[0] : NULL, rcpt, type,
		    from, to);
	} else {
		if (cmd == NULL)
			cli_warn("arf: give a command: ingest or make");
		else if (strcmp(cmd, "make") == 0)
			cli_warn("arf make: one FILE (or -) at most");
		else
			cli_warn("arf: unknown command '%s'", cli_escape(esc,
			    sizeof(esc), cmd, 100));
		usage(stderr);
	}
out:
	feedback_free(&fb);
	return rc;
}
