/*
 * test_consent.c - the consent store against a real SQLite file and a
 * real redis-server (started here on a Unix socket in its own temporary
 * folder, port 0: no TCP, and stopped at the end): add, list, check in
 * order (address, list, domain and parents), per-recipient scope,
 * revoke, remove, complaints, sender forms, two connections to one
 * SQLite file, and a Redis that goes away and comes back.  Complaints
 * counted once per recipient, against a campaign (the campaign store on
 * the same file or server) and a sender domain, and a store file made by
 * 8aa92a8 (schema version 2) upgraded in place.
 */
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sqlite3.h>
#include <unistd.h>

#include "testutil.h"
#include "fputil.h"

struct fx {
	char dir[64];
	char spec[160];
	pid_t redis;
};

static rf_consent_db *
open_db(const char *spec)
{
	rf_consent_db *db;
	rf_error err;

	if (rf_consent_open(spec, 0, NULL, &db, &err) != RF_OK)
		fail_msg("open %s: %s", spec, err.msg);
	return db;
}

/* new_fx: a fixture with its own temporary folder, or NULL. */
static struct fx *
new_fx(void)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	snprintf(f->dir, sizeof(f->dir), "/tmp/rf-consent-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return NULL;
	}
	return f;
}

static int
setup_sqlite(void **state)
{
	struct fx *f = new_fx();

	if (f == NULL)
		return -1;
	snprintf(f->spec, sizeof(f->spec), "sqlite:%s/consent.db", f->dir);
	*state = f;
	return 0;
}

/* redis_start: a redis-server on the Unix socket of f->spec (f->dir),
 * accepting; fails the test when it does not start. */
static void
redis_start(struct fx *f)
{
	rf_consent_db *db = NULL;
	char sock[128];
	struct stat sb;
	int i;

	snprintf(sock, sizeof(sock), "%s/redis.sock", f->dir);
	if ((f->redis = fork()) == 0) {
		/* dies with the test, even when an assertion aborts it */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (freopen("/dev/null", "w", stdout) == NULL)
			_exit(127);
		execlp("redis-server", "redis-server", "--port", "0",
		    "--unixsocket", sock, "--dir", f->dir, "--save", "",
		    "--appendonly", "no", (char *)NULL);
		_exit(127);
	}
	snprintf(f->spec, sizeof(f->spec), "unix:%s#t", sock);
	/* the socket file appears before the server accepts */
	for (i = 0; i < 500; i++) {
		if (stat(sock, &sb) == 0 &&
		    rf_consent_open(f->spec, 200, NULL, &db, NULL) == RF_OK)
			break;
		usleep(10000);
	}
	if (db == NULL)
		fail_msg("redis-server did not start");
	rf_consent_close(db);
}

static void
redis_stop(struct fx *f)
{
	if (f->redis > 0) {
		kill(f->redis, SIGTERM);
		waitpid(f->redis, NULL, 0);
		f->redis = 0;
	}
}

static int
setup_redis(void **state)
{
	struct fx *f = new_fx();

	if (f == NULL)
		return -1;
	redis_start(f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	redis_stop(f);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

struct collect {
	char text[4096];
	size_t n;
};

static int
collect(const rf_consent_record *r, void *arg)
{
	struct collect *c = arg;
	size_t l = strlen(c->text);

	snprintf(c->text + l, sizeof(c->text) - l, "%s %d %s %s %lld\n",
	    r->recipient, (int)r->kind, r->sender, r->source,
	    (long long)r->since);
	c->n++;
	return 0;
}

static void
test_add_check(void **state)
{
	struct fx *f = *state;
	rf_consent_db *db = open_db(f->spec);
	rf_consent_record r;
	struct collect c;
	rf_error err;
	int added;

	assert_int_equal(rf_consent_add(db, "Jane@Rcpt.test",
	    "News@Shop.test", "manual", 100, &added, &err), RF_OK);
	assert_true(added);
	assert_int_equal(rf_consent_add(db, "jane@rcpt.test",
	    "news@shop.test", "import", 200, &added, &err), RF_OK);
	assert_false(added);	/* kept: first source and date */
	assert_int_equal(rf_consent_add(db, "jane@rcpt.test",
	    "Deals <Deals.Lists.test>", "import", 300, NULL, &err), RF_EINVAL);
	assert_int_equal(rf_consent_add(db, "jane@rcpt.test",
	    "<Deals.Lists.test>", "import", 300, NULL, &err), RF_OK);
	assert_int_equal(rf_consent_add(db, "jane@rcpt.test", "club.test",
	    "learned", 400, NULL, &err), RF_OK);
	assert_int_equal(rf_consent_add(db, "bob@rcpt.test",
	    "list:other.test", "import", 500, NULL, &err), RF_OK);

	/* the address */
	assert_int_equal(rf_consent_check(db, "JANE@rcpt.test",
	    "news@shop.test", NULL, &r, &err), RF_OK);
	assert_int_equal(r.kind, RF_CONSENT_ADDRESS);
	assert_string_equal(r.sender, "news@shop.test");
	assert_string_equal(r.source, "manual");
	assert_int_equal(r.since, 100);
	/* another address of that domain: no */
	assert_int_equal(rf_consent_check(db, "jane@rcpt.test",
	    "promo@shop.test", NULL, &r, &err), RF_ENOTFOUND);
	/* the list, whatever the From */
	assert_int_equal(rf_consent_check(db, "jane@rcpt.test",
	    "x@bulkmailer.test", "Deals list <deals.lists.test>", &r, &err),
	    RF_OK);
	assert_int_equal(r.kind, RF_CONSENT_LIST);
	assert_string_equal(r.sender, "<deals.lists.test>");
	/* the domain and its subdomains */
	assert_int_equal(rf_consent_check(db, "jane@rcpt.test",
	    "a@mail.news.club.test", NULL, &r, &err), RF_OK);
	assert_int_equal(r.kind, RF_CONSENT_DOMAIN);
	assert_string_equal(r.sender, "club.test");
	assert_int_equal(rf_consent_check(db, "jane@rcpt.test",
	    "a@otherclub.test", NULL, &r, &err), RF_ENOTFOUND);
	/* per recipient */
	assert_int_equal(rf_consent_check(db, "bob@rcpt.test",
	    "news@shop.test", NULL, &r, &err), RF_ENOTFOUND);

	memset(&c, 0, sizeof(c));
	assert_int_equal(rf_consent_list(db, "jane@rcpt.test", collect, &c,
	    &err), RF_OK);
	assert_string_equal(c.text,
	    "jane@rcpt.test 1 news@shop.test manual 100\n"
	    "jane@rcpt.test 2 club.test learned 400\n"
	    "jane@rcpt.test 3 <deals.lists.test> import 300\n");
	memset(&c, 0, sizeof(c));
	assert_int_equal(rf_consent_list(db, NULL, collect, &c, &err), RF_OK);
	assert_int_equal(c.n, 4);
	assert_non_null(strstr(c.text, "bob@rcpt.test 3 <other.test> import "
	    "500\n"));
	assert_ptr_equal(strstr(c.text, "bob"), c.text);

	/* a complaint revokes every record matching the sender */
	size_t removed;
	assert_int_equal(rf_consent_revoke(db, "jane@rcpt.test",
	    "news@shop.test", NULL, &removed, &err), RF_OK);
	assert_int_equal(removed, 1);
	assert_int_equal(rf_consent_check(db, "jane@rcpt.test",
	    "news@shop.test", NULL, &r, &err), RF_ENOTFOUND);
	assert_int_equal(rf_consent_revoke(db, "jane@rcpt.test",
	    "a@news.club.test", "<deals.lists.test>", &removed, &err), RF_OK);
	assert_int_equal(removed, 2);
	assert_int_equal(rf_consent_remove(db, "bob@rcpt.test",
	    "<other.test>", &err), RF_OK);
	assert_int_equal(rf_consent_remove(db, "bob@rcpt.test",
	    "<other.test>", &err), RF_ENOTFOUND);
	memset(&c, 0, sizeof(c));
	assert_int_equal(rf_consent_list(db, NULL, collect, &c, &err), RF_OK);
	assert_int_equal(c.n, 0);
	rf_consent_close(db);
}

static void
test_complaints(void **state)
{
	struct fx *f = *state;
	rf_consent_db *db = open_db(f->spec);
	rf_error err;
	uint64_t n;

	assert_int_equal(rf_consent_complaints(db, "shop.test", &n, &err),
	    RF_OK);
	assert_int_equal(n, 0);
	assert_int_equal(rf_consent_complaint(db, "Shop.Test", 1, 10, &n,
	    &err), RF_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rf_consent_complaint(db, "shop.test", 16, 11, &n,
	    &err), RF_OK);
	assert_int_equal(n, 17);
	assert_int_equal(rf_consent_complaints(db, "shop.test", &n, &err),
	    RF_OK);
	assert_int_equal(n, 17);
	assert_int_equal(rf_consent_complaint(db, "not a domain", 1, 10, &n,
	    &err), RF_EINVAL);
	rf_consent_close(db);
	/* persistent */
	db = open_db(f->spec);
	assert_int_equal(rf_consent_complaints(db, "shop.test", &n, &err),
	    RF_OK);
	assert_int_equal(n, 17);
	rf_consent_close(db);
}

/* once: rf_campaign_complaint_once of recipient addr about campaign id;
 * its *counted, and the campaign's complaints afterwards in *n. */
static int
once(rf_store *s, const char *id, const char *addr, uint64_t *n)
{
	char rid[RF_STORE_RCPT_ID_LEN + 1];
	rf_campaign c;
	rf_error err;
	int counted = -1;

	rf_store_rcpt_id(addr, rid);
	if (rf_campaign_complaint_once(s, id, rid, &counted, &err) != RF_OK ||
	    rf_campaign_get(s, id, &c, &err) != RF_OK)
		fail_msg("complaint about %s: %s", id, err.msg);
	*n = c.complaints;
	return counted;
}

/* donce: rf_consent_complaint_once of addr against domain d; *n after. */
static int
donce(rf_consent_db *db, const char *d, const char *addr, uint64_t *n)
{
	char rid[RF_STORE_RCPT_ID_LEN + 1];
	rf_error err;
	int counted = -1;

	rf_store_rcpt_id(addr, rid);
	if (rf_consent_complaint_once(db, d, rid, 10, &counted, n, &err) !=
	    RF_OK)
		fail_msg("complaint against %s: %s", d, err.msg);
	return counted;
}

/* One recipient's complaint counts once per campaign and per domain;
 * other recipients', other campaigns' and plain counts are apart. */
static void
test_complaint_once(void **state)
{
	struct fx *f = *state;
	rf_fingerprint a = fp_make(7), b = fp_make(8);
	const char *rcpts[1] = { "alice@example.org" };
	rf_store *s = NULL, *s2 = NULL;
	rf_consent_db *db, *db2;
	rf_campaign ca, cb;
	rf_error err;
	uint64_t n;
	int counted;

	/* the campaign store first: it writes its schema to a new file */
	assert_int_equal(rf_store_open(f->spec, NULL, &s, &err), RF_OK);
	db = open_db(f->spec);
	assert_int_equal(rf_campaign_add(s, &a, rcpts, 1, "A", NULL, 0, 5,
	    &ca, &err), RF_OK);
	assert_int_equal(rf_campaign_add(s, &b, rcpts, 1, "B", NULL, 0, 5,
	    &cb, &err), RF_OK);
	assert_int_equal(once(s, ca.id, "Alice@Example.ORG", &n), 1);
	assert_int_equal(n, 1);
	assert_int_equal(once(s, ca.id, "alice@example.org", &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(once(s, ca.id, "bob@example.org", &n), 1);
	assert_int_equal(n, 2);
	assert_int_equal(once(s, cb.id, "alice@example.org", &n), 1);
	assert_int_equal(n, 1);
	/* a plain count (an aggregate report) adds, and leaves the
	 * recipients' record alone */
	assert_int_equal(rf_campaign_complaint(s, ca.id, 3, &err), RF_OK);
	assert_int_equal(once(s, ca.id, "bob@example.org", &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(rf_campaign_complaint_once(s, "0000000000000000",
	    "0123456789abcdef", &counted, &err), RF_ENOTFOUND);
	assert_int_equal(rf_campaign_complaint_once(s, ca.id,
	    "alice@example.org", &counted, &err), RF_EINVAL);
	assert_int_equal(rf_campaign_complaint_once(s, ca.id, NULL, &counted,
	    &err), RF_EINVAL);
	/* the sender domain */
	assert_int_equal(donce(db, "Shop.Example", "alice@example.org", &n),
	    1);
	assert_int_equal(n, 1);
	assert_int_equal(donce(db, "shop.example", "ALICE@example.org", &n),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(donce(db, "shop.example", "bob@example.org", &n), 1);
	assert_int_equal(n, 2);
	assert_int_equal(donce(db, "other.example", "bob@example.org", &n), 1);
	assert_int_equal(n, 1);
	assert_int_equal(rf_consent_complaint(db, "shop.example", 3, 11, &n,
	    &err), RF_OK);
	assert_int_equal(n, 5);
	assert_int_equal(donce(db, "shop.example", "bob@example.org", &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(rf_consent_complaint_once(db, "shop.example", "xyz",
	    10, &counted, &n, &err), RF_EINVAL);
	assert_int_equal(rf_consent_complaint_once(db, "not a domain",
	    "0123456789abcdef", 10, &counted, &n, &err), RF_EINVAL);
	/* another connection (another process's) sees what was counted;
	 * so does the store opened again */
	assert_int_equal(rf_store_open(f->spec, NULL, &s2, &err), RF_OK);
	db2 = open_db(f->spec);
	assert_int_equal(once(s2, ca.id, "alice@example.org", &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(donce(db2, "shop.example", "alice@example.org", &n),
	    0);
	assert_int_equal(once(s2, ca.id, "carol@example.org", &n), 1);
	assert_int_equal(once(s, ca.id, "carol@example.org", &n), 0);
	assert_int_equal(n, 6);
	rf_store_close(s2);
	rf_consent_close(db2);
	rf_store_close(s);
	rf_consent_close(db);
	assert_int_equal(rf_store_open(f->spec, NULL, &s, &err), RF_OK);
	db = open_db(f->spec);
	assert_int_equal(once(s, ca.id, "bob@example.org", &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(donce(db, "shop.example", "bob@example.org", &n), 0);
	assert_int_equal(n, 5);
	rf_store_close(s);
	rf_consent_close(db);
}

/* user_version of the SQLite file at path. */
static int
schema_version(const char *path)
{
	sqlite3 *q;
	sqlite3_stmt *st;
	int v = -1;

	assert_int_equal(sqlite3_open(path, &q), SQLITE_OK);
	if (sqlite3_prepare_v2(q, "PRAGMA user_version", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(q);
	return v;
}

/* A store file made by 8aa92a8 (tests/data/complaints/store-v2.sql: one
 * campaign with one complaint, a domain with one, a consent record):
 * read as it is by a read-only open, brought to version 3 in place by a
 * writable one, everything kept.  Its complaint has no recipient row:
 * the same recipient's next one counts once more, then never again. */
static void
test_upgrade_v2(void **state)
{
	struct fx *f = *state;
	const char *id = "a014b712fcd2280c";
	char path[128];
	rf_store_options o;
	rf_consent_record r;
	rf_consent_db *db;
	rf_campaign c;
	rf_store *s = NULL;
	rf_error err;
	sqlite3 *q;
	size_t len;
	char *dump = read_file("tests/data/complaints/store-v2.sql", &len);
	uint64_t n;

	snprintf(path, sizeof(path), "%s", f->spec + strlen("sqlite:"));
	assert_int_equal(sqlite3_open(path, &q), SQLITE_OK);
	assert_int_equal(sqlite3_exec(q, dump, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(q);
	free(dump);
	assert_int_equal(schema_version(path), 2);
	rf_store_options_default(&o);
	o.read_only = 1;
	assert_int_equal(rf_store_open(f->spec, &o, &s, &err), RF_OK);
	assert_int_equal(rf_campaign_get(s, id, &c, &err), RF_OK);
	assert_int_equal(c.complaints, 1);
	assert_int_equal(rf_campaign_complaint_once(s, id, "0123456789abcdef",
	    NULL, &err), RF_ESTORE);
	rf_store_close(s);
	assert_int_equal(schema_version(path), 2);
	assert_int_equal(rf_store_open(f->spec, NULL, &s, &err), RF_OK);
	assert_int_equal(schema_version(path), RF_STORE_SCHEMA_VERSION);
	assert_int_equal(RF_STORE_SCHEMA_VERSION, 3);
	db = open_db(f->spec);
	assert_int_equal(rf_campaign_get(s, id, &c, &err), RF_OK);
	assert_int_equal(c.copies, 1);
	assert_int_equal(c.complaints, 1);
	assert_int_equal(rf_consent_complaints(db, "shop.example", &n, &err),
	    RF_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rf_consent_check(db, "alice@example.org",
	    "news@shop.example", NULL, &r, &err), RF_OK);
	assert_int_equal(once(s, id, "alice@example.org", &n), 1);
	assert_int_equal(n, 2);
	assert_int_equal(once(s, id, "alice@example.org", &n), 0);
	assert_int_equal(donce(db, "shop.example", "alice@example.org", &n),
	    1);
	assert_int_equal(n, 2);
	assert_int_equal(donce(db, "shop.example", "alice@example.org", &n),
	    0);
	rf_consent_close(db);
	rf_store_close(s);
	/* opened again: nothing more to do */
	assert_int_equal(rf_store_open(f->spec, NULL, &s, &err), RF_OK);
	assert_int_equal(once(s, id, "alice@example.org", &n), 0);
	assert_int_equal(n, 2);
	rf_store_close(s);
}

static void
test_bad_arguments(void **state)
{
	struct fx *f = *state;
	rf_consent_db *db = open_db(f->spec);
	rf_consent_record r;
	char big[400];
	rf_error err;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(rf_consent_add(db, "no-at-sign", "a@b.test", "m", 1,
	    NULL, &err), RF_EINVAL);
	assert_int_equal(rf_consent_add(db, "a@b.test", "tld", "m", 1, NULL,
	    &err), RF_EINVAL);
	assert_int_equal(rf_consent_add(db, "a@b.test", "a@b.test@", "m", 1,
	    NULL, &err), RF_EINVAL);
	assert_int_equal(rf_consent_add(db, "a@b.test", big, "m", 1, NULL,
	    &err), RF_EINVAL);
	assert_int_equal(rf_consent_add(db, "a@b.test", "c.test", "tab\there",
	    1, NULL, &err), RF_EINVAL);
	assert_int_equal(rf_consent_add(db, "a@b.test", "c.test", "", 1,
	    NULL, &err), RF_EINVAL);
	assert_int_equal(rf_consent_check(db, "a@b.test", NULL, NULL, &r,
	    &err), RF_ENOTFOUND);
	rf_consent_close(db);
}

static void
test_sender_forms(void **state)
{
	char out[RF_CONSENT_ADDR_MAX + 3];
	rf_consent_kind k;

	assert_int_equal(rf_consent_sender(" list:A.B.test ", &k, out, NULL),
	    RF_OK);
	assert_int_equal(k, RF_CONSENT_LIST);
	assert_string_equal(out, "<a.b.test>");
	assert_int_equal(rf_consent_sender("<x.y>", &k, out, NULL), RF_OK);
	assert_string_equal(out, "<x.y>");
	assert_int_equal(rf_consent_sender("Example.TEST", &k, out, NULL),
	    RF_OK);
	assert_int_equal(k, RF_CONSENT_DOMAIN);
	assert_string_equal(out, "example.test");
	assert_int_equal(rf_consent_list_id("Deals <Deals.Shop.test>", out),
	    0);
	assert_string_equal(out, "<deals.shop.test>");
	assert_int_equal(rf_consent_list_id("  ", out), -1);
}

/* A sender written as an address (with an '@', neither a List-Id nor
 * "list:") follows the recipient's rule, rf_consent_address_ok: one rule
 * for an address wherever the store takes one.  What it takes is
 * recorded as an address and found again by a consent check of mail
 * from it; what it refuses is refused as a sender too. */
static void
test_sender_address_rule(void **state)
{
	static const char *const cases[] = {
		"alice@example.org", "a@b", "A.B+c@x.test", "a@b@c.test",
		"a@@b.test", "@example.org", "alice@", "@a@b", "a@b@",
		"a@b.test@", "a@@", "@", "@@", "@a@", "al ice@x.test",
		"a\x7f@x.test", "a\"b@x.test", "a\\b@x.test", "a\x01@x.test",
	};
	struct fx *f = *state;
	rf_consent_db *db = open_db(f->spec);
	char out[RF_CONSENT_ADDR_MAX + 3], addr[RF_CONSENT_ADDR_MAX + 2];
	rf_consent_record rec;
	rf_consent_kind k;
	rf_error err;
	size_t i;
	int ok, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]) + 2; i++) {
		const char *v = cases[i < sizeof(cases) / sizeof(cases[0]) ?
		    i : 0];

		if (i >= sizeof(cases) / sizeof(cases[0])) {
			/* RF_CONSENT_ADDR_MAX bytes, then one more */
			n = RF_CONSENT_ADDR_MAX + (int)(i - sizeof(cases) /
			    sizeof(cases[0]));
			memset(addr, 'a', (size_t)n);
			memcpy(addr + n - 6, "@x.org", 6);
			addr[n] = '\0';
			v = addr;
		}
		ok = rf_consent_address_ok(v);
		if ((rf_consent_sender(v, &k, out, NULL) == RF_OK &&
		    k == RF_CONSENT_ADDRESS) != ok)
			fail_msg("rf_consent_sender(\"%s\") is not "
			    "rf_consent_address_ok's %d", v, ok);
		assert_int_equal(rf_consent_add(db, "r@x.test", v, "m", 1, NULL,
		    &err), ok ? RF_OK : RF_EINVAL);
		if (!ok)
			continue;
		assert_int_equal(rf_consent_check(db, "r@x.test", v, NULL,
		    &rec, &err), RF_OK);
		assert_int_equal(rec.kind, RF_CONSENT_ADDRESS);
		assert_string_equal(rec.sender, out);
		assert_int_equal(rf_consent_remove(db, "r@x.test", v, &err),
		    RF_OK);
	}
	rf_consent_close(db);
}

/* rf_consent_address_ok is the store's own rule for a recipient: it
 * takes what rf_consent_add takes (nothing around it to trim) and refuses
 * what it refuses, with either backend (SQLite and Redis); neither the
 * local part nor the domain (after the last '@') empty; 320 bytes
 * (RF_CONSENT_ADDR_MAX) at the most. */
static void
test_address_ok(void **state)
{
	static const struct {
		const char *addr;
		int ok;
	} cases[] = {
		{ "alice@example.org", 1 }, { "a@b", 1 }, { "A.B+c@x.test", 1 },
		{ "a@b@c.test", 1 }, { "a@@b.test", 1 }, { "", 0 },
		{ "alice", 0 }, { "@example.org", 0 }, { "alice@", 0 },
		{ "@a@b", 0 }, { "a@b@", 0 }, { "a@b.test@", 0 },
		{ "a@@", 0 }, { "@", 0 }, { "@@", 0 }, { "@a@", 0 },
		{ "al ice@x.test", 0 }, { "alice@x\n.test", 0 },
		{ "a\x7f@x.test", 0 }, { "<alice@x.test>", 0 },
		{ "a\"b@x.test", 0 }, { "a\\b@x.test", 0 },
	};
	struct fx *f = *state;
	rf_consent_db *db = open_db(f->spec);
	char addr[RF_CONSENT_ADDR_MAX + 2];
	rf_consent_record rec;
	rf_error err;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (rf_consent_address_ok(cases[i].addr) != cases[i].ok)
			fail_msg("rf_consent_address_ok(\"%s\")",
			    cases[i].addr);
		assert_int_equal(rf_consent_add(db, cases[i].addr, "c.test",
		    "m", 1, NULL, &err) == RF_OK, cases[i].ok);
		/* a consent check takes (and finds) what the store took, and
		 * refuses the rest as malformed, not as "no consent" */
		assert_int_equal(rf_consent_check(db, cases[i].addr,
		    "x@c.test", NULL, &rec, &err), cases[i].ok ? RF_OK :
		    RF_EINVAL);
	}
	memset(addr, 'a', sizeof(addr) - 1);
	addr[sizeof(addr) - 1] = '\0';
	memcpy(addr + RF_CONSENT_ADDR_MAX - 5, "@x.org", 6);
	assert_int_equal(strlen(addr), RF_CONSENT_ADDR_MAX + 1);
	assert_int_equal(rf_consent_address_ok(addr), 0);
	assert_int_equal(rf_consent_add(db, addr, "c.test", "m", 1, NULL,
	    &err), RF_EINVAL);
	memcpy(addr + RF_CONSENT_ADDR_MAX - 6, "@x.org", 7);
	assert_int_equal(strlen(addr), RF_CONSENT_ADDR_MAX);
	assert_int_equal(rf_consent_address_ok(addr), 1);
	assert_int_equal(rf_consent_add(db, addr, "c.test", "m", 1, NULL,
	    &err), RF_OK);
	assert_int_equal(rf_consent_address_ok(NULL), 0);
	/* the store trims white space around a recipient; the check does
	 * not: a value given with it is not the address itself */
	assert_int_equal(rf_consent_address_ok(" a@b.test"), 0);
	assert_int_equal(rf_consent_add(db, " a@b.test", "c.test", "m", 1,
	    NULL, &err), RF_OK);
	rf_consent_close(db);
}

/* The SQLite file is shared: a second connection sees the first's
 * records, and a file already holding other tables is fine. */
static void
test_shared_file(void **state)
{
	struct fx *f = *state;
	rf_consent_db *a = open_db(f->spec), *b;
	rf_consent_record r;
	rf_error err;

	b = open_db(f->spec);
	assert_string_equal(rf_consent_backend(a), "sqlite");
	assert_int_equal(rf_consent_begin(a, &err), RF_OK);
	assert_int_equal(rf_consent_add(a, "x@y.test", "z.test", "import", 5,
	    NULL, &err), RF_OK);
	assert_int_equal(rf_consent_commit(a, &err), RF_OK);
	assert_int_equal(rf_consent_check(b, "x@y.test", "n@z.test", NULL,
	    &r, &err), RF_OK);
	rf_consent_close(a);
	rf_consent_close(b);
}

/* A Redis that went away and came back: the commands made while it was
 * gone fail (RF_ESTORE, saying why), and the same handle works again
 * once it is back (a milter keeps one handle for its whole life; it
 * used to fail every command until it was restarted). */
static void
test_redis_restart(void **state)
{
	rf_consent_record r;
	rf_error err;
	uint64_t n;
	struct fx *f = *state;
	rf_consent_db *db = open_db(f->spec);

	assert_int_equal(rf_consent_add(db, "jane@rcpt.test",
	    "news@shop.test", "manual", 100, NULL, &err), RF_OK);
	redis_stop(f);
	assert_int_equal(rf_consent_check(db, "jane@rcpt.test",
	    "news@shop.test", NULL, &r, &err), RF_ESTORE);
	assert_non_null(strstr(err.msg, "consent store"));
	assert_int_equal(rf_consent_complaints(db, "shop.test", &n, &err),
	    RF_ESTORE);
	assert_non_null(strstr(err.msg, "consent store"));
	redis_start(f);		/* empty: it kept nothing */
	assert_int_equal(rf_consent_check(db, "jane@rcpt.test",
	    "news@shop.test", NULL, &r, &err), RF_ENOTFOUND);
	assert_int_equal(rf_consent_add(db, "jane@rcpt.test",
	    "news@shop.test", "manual", 200, NULL, &err), RF_OK);
	assert_int_equal(rf_consent_check(db, "jane@rcpt.test",
	    "news@shop.test", NULL, &r, &err), RF_OK);
	assert_int_equal(r.since, 200);
	assert_int_equal(rf_consent_complaints(db, "shop.test", &n, &err),
	    RF_OK);
	assert_int_equal(n, 0);
	rf_consent_close(db);
}

static void
test_open_errors(void **state)
{
	rf_consent_db *db;
	rf_error err;

	assert_int_equal(rf_consent_open("redis://127.0.0.1:99999", 0, NULL,
	    &db, &err), RF_EINVAL);
	assert_int_equal(rf_consent_open("unix:/nonexistent/redis.sock", 200,
	    NULL, &db, &err), RF_ESTORE);
	assert_int_equal(rf_consent_open("/nonexistent/dir/x.db", 0, NULL, &db,
	    &err), RF_ESTORE);
	assert_null(db);
}

int
main(void)
{
	const struct CMUnitTest sqlite_tests[] = {
		cmocka_unit_test_setup_teardown(test_add_check, setup_sqlite,
		    teardown),
		cmocka_unit_test_setup_teardown(test_complaints, setup_sqlite,
		    teardown),
		cmocka_unit_test_setup_teardown(test_complaint_once,
		    setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_v2, setup_sqlite,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments,
		    setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_sender_address_rule,
		    setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_address_ok, setup_sqlite,
		    teardown),
		cmocka_unit_test_setup_teardown(test_shared_file, setup_sqlite,
		    teardown),
		cmocka_unit_test(test_sender_forms),
		cmocka_unit_test(test_open_errors),
	};
	const struct CMUnitTest redis_tests[] = {
		cmocka_unit_test_setup_teardown(test_add_check, setup_redis,
		    teardown),
		cmocka_unit_test_setup_teardown(test_complaints, setup_redis,
		    teardown),
		cmocka_unit_test_setup_teardown(test_complaint_once,
		    setup_redis, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments,
		    setup_redis, teardown),
		cmocka_unit_test_setup_teardown(test_sender_address_rule,
		    setup_redis, teardown),
		cmocka_unit_test_setup_teardown(test_address_ok, setup_redis,
		    teardown),
		cmocka_unit_test_setup_teardown(test_redis_restart,
		    setup_redis, teardown),
	};
	int rc;

	signal(SIGPIPE, SIG_IGN);	/* a closed connection is an error */
	rc = cmocka_run_group_tests_name("consent-sqlite", sqlite_tests, NULL,
	    NULL);
	return rc + cmocka_run_group_tests_name("consent-redis", redis_tests,
	    NULL, NULL);
}
