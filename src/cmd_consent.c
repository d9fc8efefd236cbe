/*
 * cmd_consent.c - redflag consent: the consent store by hand (add,
 * remove, list), from a TSV file (import) or from a folder of mail the
 * user sent (learn).  redflag-consent(1), docs/verdicts.md.
 */
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "redis_auth.h"
#include "commands.h"
#include "feedback.h"
#include "wgroup.h"

#define CONSENT_LINE_MAX 2048	/* bytes of one import line */
#define LEARN_MAX_ADDRS 1000	/* addresses taken from one message */
/* import and learn write in groups (one transaction each, which holds the
 * write lock of a SQLite store that the milter shares): a group is
 * committed after this many lines or messages, once it has been open this
 * many milliseconds, and before a read of the input that would wait (a
 * pipe that stalls), so that the milter waits at most about
 * CONSENT_GROUP_MS for the lock (docs/store.md, "Concurrent writers").
 * Each line or message is recorded once, whatever the grouping. */
#define CONSENT_GROUP_ITEMS 1000
#define CONSENT_GROUP_MS 100

/* consent_begin, consent_commit: the consent store's transaction calls
 * for struct wgroup. */
static rf_status
consent_begin(void *db, rf_error *err)
{
	return rf_consent_begin(db, err);
}

static rf_status
consent_commit(void *db, rf_error *err)
{
	return rf_consent_commit(db, err);
}

/* group_init: *g writes db in groups of CONSENT_GROUP_ITEMS /
 * CONSENT_GROUP_MS. */
static void
group_init(struct wgroup *g, rf_consent_db *db)
{
	memset(g, 0, sizeof(*g));
	g->begin = consent_begin;
	g->commit = consent_commit;
	g->h = db;
	g->max_items = CONSENT_GROUP_ITEMS;
	g->max_ms = CONSENT_GROUP_MS;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: %s consent [--db PATH] [-c FILE] [--set NAME=VALUE]...\n"
	    "                       COMMAND ...\n\n"
	    "  add RECIPIENT SENDER [--source S]  RECIPIENT asked to hear\n"
	    "                         from SENDER: an address, a domain or a\n"
	    "                         List-Id in angle brackets\n"
	    "  remove RECIPIENT SENDER\n"
	    "  list [RECIPIENT]       the records (TSV: recipient, sender,\n"
	    "                         kind, source, date)\n"
	    "  import FILE|-          TSV lines: recipient TAB sender\n"
	    "                         [TAB source]; '#' starts a comment\n"
	    "  learn PATH [--as ADDR] a folder (Maildir, mbox, directory) of\n"
	    "                         mail you SENT: everyone you wrote to may\n"
	    "                         write back to you (the From address, or\n"
	    "                         ADDR); a message received (delivered to\n"
	    "                         another address than its From) is\n"
	    "                         skipped, a folder mostly of them refused\n\n"
	    "  --db PATH        the store (SQLite file, redis://HOST:PORT);\n"
	    "                   overrides redflag.conf's db\n"
	    "  -c, --config FILE  settings (redflag.conf(5))\n"
	    "  --set NAME=VALUE   one setting after the file (a limit on the\n"
	    "                   messages learn reads)\n"
	    "\nexit status: 0 done, 1 some lines or messages were refused or\n"
	    "no such record (remove), 64 usage error, 65 learn: most\n"
	    "messages were received, not sent (nothing learned), 69 the\n"
	    "store could not be opened or, for list and remove, is\n"
	    "missing, 70 store failure\n",
	    RF_PROG);
	redis_auth_help(f);
}

static const char *const kind_names[] = { "none", "address", "domain",
	"list" };

static int
print_record(const rf_consent_record *r, void *arg)
{
	char date[32] = "-";
	struct tm tm;
	time_t t = (time_t)r->since;

	(void)arg;
	if (gmtime_r(&t, &tm) != NULL)
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%s\t%s\t%s\t%s\t%s\n", r->recipient, r->sender,
	    kind_names[(unsigned)r->kind < 4 ? r->kind : 0], r->source, date);
	return 0;
}

static int
do_import(struct feedback *fb, const char *path)
{
	char line[CONSENT_LINE_MAX], esc[128], *f[3], *p;
	size_t lineno = 0, added = 0, known = 0, bad = 0;
	enum cli_line lr;
	int64_t now = (int64_t)time(NULL);
	struct wgroup g;
	rf_error err;
	int is_new, k, rerr = 0;
	FILE *in;

	in = strcmp(path, "-") != 0 ? fopen(path, "r") : cli_stdin_closed() ?
	    NULL : stdin;
	if (in == NULL) {
		cli_warn("consent import: %s: %s",
		    cli_escape(esc, sizeof(esc), path, 100),
		    strcmp(path, "-") == 0 ? "standard input is closed" :
		    strerror(errno));
		return RF_EXIT_INPUT;
	}
	group_init(&g, fb->consent);
	for (;;) {
		if (g.open && wgroup_input_waits(in) &&
		    wgroup_end(&g, 1, &err) != RF_OK)
			goto fail;
		errno = 0;
		if ((lr = cli_read_line(in, line, sizeof(line))) ==
		    CLI_LINE_EOF) {
			rerr = ferror(in) ? (errno != 0 ? errno : EIO) : 0;
			break;
		}
		lineno++;
		if (lr != CLI_LINE_OK) {	/* said, then the next line */
			cli_escape(esc, sizeof(esc), path, 100);
			if (lr == CLI_LINE_NUL)
				cli_warn("consent import: %s: line %zu: holds "
				    "a NUL byte", esc, lineno);
			else
				cli_warn("consent import: %s: line %zu: too "
				    "long (over %d bytes)", esc, lineno,
				    CONSENT_LINE_MAX - 2);
			bad++;
			continue;
		}
		line[strcspn(line, "\r")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		for (k = 0, p = line; k < 3 && p != NULL; k++) {
			f[k] = p;
			if ((p = strchr(p, '\t')) != NULL)
				*p++ = '\0';
		}
		if (k < 2) {
			cli_warn("consent import: %s: line %zu: expected "
			    "recipient TAB sender", cli_escape(esc,
			    sizeof(esc), path, 100), lineno);
			bad++;
			continue;
		}
		if (wgroup_add(&g, &err) != RF_OK)
			goto fail;
		if (rf_consent_add(fb->consent, f[0], f[1], k == 3 ? f[2] :
		    "import", now, &is_new, &err) != RF_OK) {
			if (err.status == RF_ESTORE)
				goto fail;
			cli_warn("consent import: %s: line %zu: %s", cli_escape(esc,
			    sizeof(esc), path, 100), lineno, err.msg);
			bad++;
			continue;
		}
		if (is_new)
			added++;
		else
			known++;
		if (wgroup_end(&g, 0, &err) != RF_OK)
			goto fail;
	}
	if (wgroup_end(&g, 1, &err) != RF_OK)
		goto fail;
	/* a folder opens, then every read fails (EISDIR): not an empty
	 * file */
	if (rerr != 0) {
		cli_warn("consent import: %s: %s", cli_escape(esc, sizeof(esc),
		    path, 100), rerr == EISDIR ? "a folder, not a file of "
		    "lines" : strerror(rerr));
		bad++;
	}
	if (in != stdin)
		fclose(in);
	printf("%zu added, %zu known already, %zu refused\n", added, known,
	    bad);
	return bad > 0 ? RF_EXIT_INPUT : RF_EXIT_OK;
fail:
	if (in != stdin)
		fclose(in);
	cli_warn("consent import: %s", err.msg);
	return RF_EXIT_SOFTWARE;
}

/* mailbox_fn: called with the address of one mailbox (never NULL, maybe
 * empty); a value other than 0 ends the walk and is what it gives. */
typedef int (*mailbox_fn)(const char *addr, void *arg);

/* walk_mailboxes: fn for each mailbox of l in order, with groups the
 * members of its groups too (one level deep; without, a group is passed
 * over); the first value other than 0 that fn gives, else 0. */
static int
walk_mailboxes(InternetAddressList *l, int groups, mailbox_fn fn, void *arg)
{
	InternetAddress *ia;
	const char *addr;
	int i, rc;

	for (i = 0; l != NULL && i < internet_address_list_length(l); i++) {
		ia = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			if (groups && (rc = walk_mailboxes(
			    internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(ia)), 0, fn, arg)) != 0)
				return rc;
			continue;
		}
		if ((addr = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia))) != NULL &&
		    (rc = fn(addr, arg)) != 0)
			return rc;
	}
	return 0;
}

/* each_mailbox: walk_mailboxes over the address-list header value. */
static int
each_mailbox(const char *value, int groups, mailbox_fn fn, void *arg)
{
	InternetAddressList *l = internet_address_list_parse(NULL, value);
	int rc;

	if (l == NULL)
		return 0;
	rc = walk_mailboxes(l, groups, fn, arg);
	g_object_unref(l);
	return rc;
}

struct learning {
	struct feedback *fb;
	const char *user;	/* the recipient of each record */
	size_t *added;		/* records new in the store */
	size_t *n;		/* addresses taken from the message */
};

/* learn_addr: consent of user for addr (a mailbox_fn); 1 once the
 * message has given LEARN_MAX_ADDRS addresses, -1 when the store
 * fails. */
static int
learn_addr(const char *addr, void *arg)
{
	struct learning *l = arg;
	rf_error err;
	int is_new;

	if (*l->n >= LEARN_MAX_ADDRS)
		return 1;
	if (strcasecmp(addr, l->user) == 0)
		return 0;
	(*l->n)++;
	if (rf_consent_add(l->fb->consent, l->user, addr, "learned",
	    (int64_t)time(NULL), &is_new, &err) == RF_OK)
		*l->added += (size_t)is_new;
	else if (err.status == RF_ESTORE)
		return -1;
	return 0;
}

/* learn_list: consent for each mailbox of an address-list header
 * (groups' members included); -1 when the store fails. */
static int
learn_list(struct feedback *fb, const char *user, const char *value,
	   size_t *added, size_t *n)
{
	struct learning l = { fb, user, added, n };

	return each_mailbox(value, 1, learn_addr, &l) < 0 ? -1 : 0;
}

struct delivery {
	const char *from;	/* the message's From address, or NULL */
	int own;		/* a mailbox is the From address */
	int other;		/* a mailbox is another address */
};

/* delivered_to: note whose mailbox addr is (a mailbox_fn); 1, the walk
 * ended, at the From address. */
static int
delivered_to(const char *addr, void *arg)
{
	struct delivery *d = arg;

	if (*addr == '\0')
		return 0;
	if (d->from != NULL && strcasecmp(addr, d->from) == 0) {
		d->own = 1;
		return 1;
	}
	d->other = 1;
	return 0;
}

/*
 * received_by: the field that says m was received rather than sent by
 * the user, or NULL.  A delivering MTA or agent names the mailbox it put
 * a message in (Delivered-To, Postfix's X-Original-To, Exim's
 * Envelope-To); a copy that one's mail program saves of a message sent
 * has none of them.  A message delivered to mailboxes none of which is
 * its From address was written by someone else to the one who holds the
 * folder: a received one, unless its From is as (--as: the user's own
 * address).  A copy delivered to its own author (a Bcc to oneself, filed
 * as sent) is not one.
 */
static const char *
received_by(const rf_message *m, const char *as)
{
	static const char *const fields[] = { "Delivered-To", "X-Original-To",
		"Envelope-To" };
	struct delivery d = { m->from_addr, 0, 0 };
	const char *why = NULL;
	size_t f, k;

	if (m->from_addr != NULL && as != NULL &&
	    strcasecmp(m->from_addr, as) == 0)
		return NULL;
	for (k = 0; k < m->nheaders && !d.own; k++)
		for (f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
			if (strcasecmp(m->headers[k].name, fields[f]) != 0)
				continue;
			d.other = 0;
			each_mailbox(m->headers[k].value, 0, delivered_to, &d);
			if (d.other && why == NULL)
				why = fields[f];
		}
	return d.own ? NULL : why;
}

/* learn_open: *src reads path (and fb->ctx is made, the first time);
 * else it is said, *src is NULL and the exit status is given. */
static int
learn_open(struct feedback *fb, const char *path, rf_source **src)
{
	rf_error err;

	if ((fb->ctx != NULL || rf_ctx_new(&fb->cfg.limits, &fb->ctx,
	    &err) == RF_OK) && rf_source_open(path, &fb->cfg.limits, src,
	    &err) == RF_OK)
		return 0;
	*src = NULL;
	cli_warn("consent learn: %s", err.msg);
	return err.status == RF_EIO ? RF_EXIT_INPUT : RF_EXIT_SOFTWARE;
}

/*
 * learn_survey: a first reading of src, which says nothing: of the
 * messages learn can use (*usable: read, parsed, with a From address or
 * as), those received rather than sent (*received, received_by).  0, or
 * -1 when out of memory.
 */
static int
learn_survey(struct feedback *fb, rf_source *src, const char *as,
	     size_t *usable, size_t *received)
{
	rf_message *m;
	rf_item item;
	rf_error err;
	rf_status st;

	*usable = *received = 0;
	while ((st = rf_source_next(src, &item, &err)) != RF_EDONE) {
		if (st != RF_OK || cli_empty_item(&item) != NULL)
			continue;
		if (rf_message_parse_headers(fb->ctx, item.data, item.len,
		    &m, &err) != RF_OK) {
			if (err.status == RF_ENOMEM)
				return -1;
			continue;
		}
		if (as != NULL || m->from_addr != NULL) {
			(*usable)++;
			*received += received_by(m, as) != NULL;
		}
		rf_message_free(m);
	}
	return 0;
}

static int
do_learn(struct feedback *fb, const char *path, const char *as)
{
	static const char *const hdrs[] = { "To", "Cc", "Bcc" };
	size_t added = 0, messages = 0, skipped = 0, n, h, k;
	size_t usable, received, nreceived = 0;
	const char *empty, *why;
	rf_source *src = NULL;
	rf_message *m = NULL;
	rf_item item;
	rf_error err;
	rf_status st;
	struct wgroup g;
	char esc[128];
	int rc = RF_EXIT_SOFTWARE;

	g_mime_init();
	group_init(&g, fb->consent);
	if ((rc = learn_open(fb, path, &src)) != 0)
		goto out;
	rc = RF_EXIT_SOFTWARE;
	/* a folder of mail received (an Inbox) would make each of its
	 * senders the recipient of a consent to hear from the user (and,
	 * with --as, the user consent to whoever the spam was also sent
	 * to): refused as a whole, nothing learned, when most of its
	 * messages were received; otherwise those few are skipped below */
	if (learn_survey(fb, src, as, &usable, &received) != 0) {
		cli_warn("consent learn: out of memory");
		goto out;
	}
	if (received > 0 && received * 2 > usable) {
		cli_warn("consent learn: %s: %zu of %zu message%s %s received, "
		    "not sent (delivered to another address than their "
		    "From: Delivered-To, X-Original-To or Envelope-To): "
		    "nothing learned; give the folder of mail you sent "
		    "(such as ~/Maildir/.Sent)", cli_escape(esc, sizeof(esc),
		    path, 100), received, usable, cli_plural(usable, "s"),
		    received == 1 ? "was" : "were");
		rc = RF_EXIT_DATAERR;
		goto out;
	}
	rf_source_free(src);
	if ((rc = learn_open(fb, path, &src)) != 0)
		goto out;
	rc = RF_EXIT_SOFTWARE;
	while ((st = rf_source_next(src, &item, &err)) != RF_EDONE) {
		/* a message skipped is named, with why, and makes the
		 * status 1 (redflag-consent(1)), as scan and train do */
		if (st != RF_OK) {
			cli_warn_input("consent learn", item.label, err.msg);
			skipped++;
			continue;
		}
		if ((empty = cli_empty_item(&item)) != NULL) {
			cli_warn_input("consent learn", item.label, empty);
			skipped++;
			continue;
		}
		if (rf_message_parse_headers(fb->ctx, item.data, item.len,
		    &m, &err) != RF_OK) {
			cli_warn_input("consent learn", item.label, err.msg);
			skipped++;
			continue;
		}
		if (as == NULL && m->from_addr == NULL) {
			cli_warn_input("consent learn", item.label, "no From "
			    "address, skipped (--as ADDR names the sender)");
			skipped++;
			rf_message_free(m);
			continue;
		}
		/* the field named, never the address (a log's reader need
		 * not see who wrote to whom) */
		if ((why = received_by(m, as)) != NULL) {
			char msg[160];

			snprintf(msg, sizeof(msg), "received, not sent (%s "
			    "names another address than its From), skipped",
			    why);
			cli_warn_input("consent learn", item.label, msg);
			skipped++;
			nreceived++;
			rf_message_free(m);
			continue;
		}
		n = 0;
		if (wgroup_add(&g, &err) != RF_OK) {
			rf_message_free(m);
			cli_warn("consent learn: %s", err.msg);
			goto out;
		}
		for (h = 0; h < sizeof(hdrs) / sizeof(hdrs[0]); h++)
			for (k = 0; k < m->nheaders; k++)
				if (strcasecmp(m->headers[k].name, hdrs[h]) ==
				    0 && learn_list(fb, as != NULL ? as :
				    m->from_addr, m->headers[k].value, &added,
				    &n) != 0) {
					rf_message_free(m);
					cli_warn("consent learn: the store "
					    "failed");
					goto out;
				}
		messages++;
		rf_message_free(m);
		if (wgroup_end(&g, 0, &err) != RF_OK) {
			cli_warn("consent learn: %s", err.msg);
			goto out;
		}
	}
	if (wgroup_end(&g, 1, &err) != RF_OK) {
		cli_warn("consent learn: %s", err.msg);
		goto out;
	}
	printf("%zu message%s read, %zu new consent record%s, %zu message%s "
	    "skipped", messages, messages == 1 ? "" : "s", added,
	    added == 1 ? "" : "s", skipped, skipped == 1 ? "" : "s");
	if (nreceived > 0)
		printf(" (%zu received, not sent: delivered to another "
		    "address than their From)", nreceived);
	putchar('\n');
	rc = skipped > 0 ? RF_EXIT_INPUT : RF_EXIT_OK;
out:
	rf_source_free(src);
	return rc;
}

int
cmd_consent(int argc, char **argv)
{
	struct feedback fb;
	const char *pos[4] = { NULL, NULL, NULL, NULL }, *source = NULL;
	const char *as = NULL, *cmd, **args = pos + 1;
	const struct feedback_opt opts[] = {
		{ "--source", &source, NULL },
		{ "--as", &as, NULL },
	};
	size_t nargs = 0;
	char esc[512];
	rf_error err;
	int r, rc = RF_EXIT_USAGE, is_new;

	feedback_init(&fb);
	if ((r = feedback_args(&fb, argc, argv, opts, 2, pos, 4, &nargs,
	    "consent", usage)) != 0) {
		rc = r > 0 ? RF_EXIT_OK : RF_EXIT_USAGE;
		goto out;
	}
	cmd = pos[0];
	nargs = nargs > 0 ? nargs - 1 : 0;
	/* a usage error is reported before any store is opened (or made) */
	if (cmd == NULL) {
		cli_warn("consent: give a command: add, remove, list, import "
		    "or learn");
		usage(stderr);
		goto out;
	}
	if (strcmp(cmd, "add") != 0 && strcmp(cmd, "remove") != 0 &&
	    strcmp(cmd, "list") != 0 && strcmp(cmd, "import") != 0 &&
	    strcmp(cmd, "learn") != 0) {
		cli_warn("consent: unknown command '%s'", cli_escape(esc,
		    sizeof(esc), cmd, 100));
		usage(stderr);
		goto out;
	}
	if (((strcmp(cmd, "add") == 0 || strcmp(cmd, "remove") == 0) &&
	    nargs != 2) || (strcmp(cmd, "list") == 0 && nargs > 1) ||
	    ((strcmp(cmd, "import") == 0 || strcmp(cmd, "learn") == 0) &&
	    nargs != 1)) {
		cli_warn("consent %s: give %s", cmd, strcmp(cmd, "list") == 0 ?
		    "at most one RECIPIENT" : strcmp(cmd, "import") == 0 ?
		    "one FILE (or -)" : strcmp(cmd, "learn") == 0 ?
		    "one PATH" : "RECIPIENT SENDER");
		usage(stderr);
		goto out;
	}
	/* an option of another command is refused, not ignored (import
	 * --source would not set the lines' source) */
	if ((source != NULL && strcmp(cmd, "add") != 0) ||
	    (as != NULL && strcmp(cmd, "learn") != 0)) {
		cli_warn("consent %s: %s goes with consent %s only", cmd,
		    source != NULL && strcmp(cmd, "add") != 0 ? "--source" :
		    "--as", source != NULL && strcmp(cmd, "add") != 0 ?
		    "add" : "learn");
		usage(stderr);
		goto out;
	}
	/* --as is the recipient of every record learn makes: an address
	 * the store takes, else each record would be refused in silence */
	if (as != NULL && !cli_address_ok("consent learn", "--as", as))
		goto out;
	/* list and remove read what the store holds already: a missing
	 * file is refused, not made an empty store with no record */
	if (strcmp(cmd, "list") == 0)
		fb.must_exist = "consent list";
	else if (strcmp(cmd, "remove") == 0)
		fb.must_exist = "consent remove";
	if ((rc = feedback_open(&fb, 0, "consent")) != 0)
		goto out;
	rc = RF_EXIT_SOFTWARE;
	if (strcmp(cmd, "add") == 0) {
		if (rf_consent_add(fb.consent, args[0], args[1],
		    source != NULL ? source : "manual",
		    (int64_t)time(NULL), &is_new, &err) != RF_OK) {
			cli_warn("consent add: %s", err.msg);
			rc = err.status == RF_EINVAL ? RF_EXIT_USAGE :
			    RF_EXIT_SOFTWARE;
			goto out;
		}
		printf("%s\n", is_new ? "added" : "known already");
		rc = RF_EXIT_OK;
	} else if (strcmp(cmd, "remove") == 0) {
		if (rf_consent_remove(fb.consent, args[0], args[1], &err) !=
		    RF_OK) {
			if (err.status == RF_ENOTFOUND)
				cli_warn("consent remove: no record of that "
				    "recipient and sender ('consent list "
				    "RECIPIENT' shows its records)");
			else
				cli_warn("consent remove: %s", err.msg);
			rc = err.status == RF_ENOTFOUND ? RF_EXIT_INPUT :
			    err.status == RF_EINVAL ? RF_EXIT_USAGE :
			    RF_EXIT_SOFTWARE;
			goto out;
		}
		printf("removed\n");
		rc = RF_EXIT_OK;
	} else if (strcmp(cmd, "list") == 0) {
		if (rf_consent_list(fb.consent, args[0], print_record, NULL,
		    &err) != RF_OK) {
			cli_warn("consent list: %s", err.msg);
			/* a malformed RECIPIENT is the command line's fault,
			 * as for add and remove (redflag-consent(1): 64) */
			rc = err.status == RF_EINVAL ? RF_EXIT_USAGE :
			    RF_EXIT_SOFTWARE;
			goto out;
		}
		rc = RF_EXIT_OK;
	} else if (strcmp(cmd, "import") == 0) {
		rc = do_import(&fb, args[0]);
	} else if (strcmp(cmd, "learn") == 0) {
		rc = do_learn(&fb, args[0], as);
	} else {
		cli_warn("consent: unknown command '%s'", cmd);
		usage(stderr);
		rc = RF_EXIT_USAGE;
	}
out:
	feedback_free(&fb);
	return rc;	/* main() checks that standard output was written */
}
