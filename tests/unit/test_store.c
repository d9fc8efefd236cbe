/* test_store.c - the campaign store's SQLite backend on a real file, and
 * the HyperLogLog it counts recipients with. */
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "dbutil.h"
#include "fputil.h"
#include "../../lib/internal.h"	/* rf__sample_undelta */
#include "../../lib/store_lib.h"	/* rf__redis_error, rf__redis_int */

#include <hiredis.h>

static struct tmpdb tmp;	/* the store's file, made new for each test */

static int
setup(void **state)
{
	tmpdb_make(&tmp, "store", "campaigns.db");
	return 0;
}

static int
teardown(void **state)
{
	tmpdb_remove(&tmp);
	return 0;
}

/* open_store: the store of this test with options o (NULL: defaults). */
static rf_store *
open_store(const rf_store_options *o)
{
	return store_open(tmp.path, o);
}

static void
add(rf_store *s, const rf_fingerprint *fp, const char *rcpt, int64_t now,
    rf_campaign *c)
{
	rf_error err;

	if (rf_campaign_add(s, fp, &rcpt, rcpt != NULL, "Win a prize", NULL,
	    0, now, c, &err) != RF_OK)
		fail_msg("rf_campaign_add: %s", err.msg);
}

static void
test_hll_accuracy(void **state)
{
	static rf_hll h;
	char a[64];
	uint64_t n, est;
	double e;
	int i;

	rf_hll_init(&h);
	assert_int_equal(rf_hll_count(&h), 0);
	for (n = 0; n < 1000000; n++) {
		snprintf(a, sizeof(a), "user%llu@example.org",
		    (unsigned long long)n);
		rf_hll_add(&h, a, strlen(a));
		if (n + 1 == 10 || n + 1 == 1000 || n + 1 == 100000 ||
		    n + 1 == 1000000) {
			est = rf_hll_count(&h);
			e = ((double)est - (double)(n + 1)) / (double)(n + 1);
			if (e > 0.02 || e < -0.02)
				fail_msg("%llu distinct counted as %llu",
				    (unsigned long long)n + 1,
				    (unsigned long long)est);
		}
	}
	/* the same addresses again, in upper case: nothing new */
	est = rf_hll_count(&h);
	for (i = 0; i < 1000; i++) {
		snprintf(a, sizeof(a), "USER%d@EXAMPLE.ORG", i);
		assert_int_equal(rf_hll_add(&h, a, strlen(a)), 0);
	}
	assert_int_equal(rf_hll_count(&h), est);
}

static void
test_hll_blob(void **state)
{
	static rf_hll h, g, u;
	const void *blob;
	uint8_t bad[RF_HLL_HEADER + 6];
	size_t len;
	char a[32];
	int i;

	rf_hll_init(&h);
	for (i = 0; i < 100; i++) {
		snprintf(a, sizeof(a), "r%d@x.example", i);
		rf_hll_add(&h, a, strlen(a));
	}
	blob = rf_hll_blob(&h, &len);
	assert_int_equal(len, RF_HLL_HEADER + 3 * 100);	/* sparse */
	assert_int_equal(rf_hll_load(&g, blob, len, NULL), RF_OK);
	assert_int_equal(rf_hll_count(&g), rf_hll_count(&h));
	assert_in_range(rf_hll_count(&h), 99, 101);
	/* to dense past RF_HLL_SPARSE_MAX registers, same estimate path */
	for (i = 100; i < 20000; i++) {
		snprintf(a, sizeof(a), "r%d@x.example", i);
		rf_hll_add(&h, a, strlen(a));
	}
	blob = rf_hll_blob(&h, &len);
	assert_int_equal(len, RF_HLL_MAX_BLOB);
	assert_int_equal(rf_hll_load(&g, blob, len, NULL), RF_OK);
	assert_int_equal(rf_hll_count(&g), rf_hll_count(&h));
	assert_in_range(rf_hll_count(&h), 19600, 20400);
	/* union */
	rf_hll_init(&u);
	for (i = 15000; i < 30000; i++) {
		snprintf(a, sizeof(a), "r%d@x.example", i);
		rf_hll_add(&u, a, strlen(a));
	}
	rf_hll_merge(&u, &h);
	assert_in_range(rf_hll_count(&u), 29400, 30600);
	/* damaged blobs are refused */
	memcpy(bad, blob, RF_HLL_HEADER);
	bad[0] = 'S';
	memset(bad + RF_HLL_HEADER, 0xff, 6);	/* index out of range */
	assert_int_equal(rf_hll_load(&g, bad, sizeof(bad), NULL), RF_EPARSE);
	assert_int_equal(rf_hll_load(&g, blob, len - 1, NULL), RF_EPARSE);
	assert_int_equal(rf_hll_load(&g, "X", 1, NULL), RF_EPARSE);
}

static void
test_add_match_count(void **state)
{
	rf_fingerprint a = fp_make(1), b = fp_make(2), v;
	rf_campaign c, d;
	char id[RF_CAMPAIGN_ID_LEN + 1];
	rf_store *s = open_store(NULL);
	rf_error err;

	add(s, &a, "alice@example.org", 1000, &c);
	assert_true(c.created);
	rf_store_fp_id(&a, id);
	assert_string_equal(c.id, id);
	assert_int_equal(c.copies, 1);
	assert_int_equal(c.size, 1);
	assert_int_equal(c.first_seen, 1000);
	assert_string_equal(c.subject, "Win a prize");
	/* copies with personal differences: the same campaign */
	v = fp_variant(a, 6, 1);
	add(s, &v, "bob@example.org", 1005, &c);
	assert_false(c.created);
	assert_string_equal(c.id, id);
	v = fp_variant(a, 15, 2);
	add(s, &v, "Alice@Example.ORG", 990, &c);	/* same recipient */
	assert_string_equal(c.id, id);
	assert_int_equal(c.copies, 3);
	assert_int_equal(c.size, 2);
	assert_int_equal(c.first_seen, 990);
	assert_int_equal(c.last_seen, 1005);
	/* too different (16 of 32 positions): a campaign of its own */
	v = fp_variant(a, 16, 3);
	add(s, &v, "carol@example.org", 1010, &d);
	assert_true(d.created);
	assert_string_not_equal(d.id, id);
	add(s, &b, NULL, 1020, &d);
	assert_true(d.created);
	assert_int_equal(d.size, 0);
	assert_int_equal(d.copies, 1);
	/* lookup does not add */
	v = fp_variant(a, 4, 9);
	assert_int_equal(rf_campaign_lookup(s, &v, &c, &err), RF_OK);
	assert_string_equal(c.id, id);
	assert_int_equal(c.copies, 3);
	v = fp_make(77);
	assert_int_equal(rf_campaign_lookup(s, &v, &c, &err), RF_ENOTFOUND);
	/* no text, no campaign */
	v.kind = RF_FP_EMPTY;
	assert_int_equal(rf_campaign_add(s, &v, NULL, 0, NULL, NULL, 0, 1, &c,
	    &err), RF_EINVAL);
	rf_store_close(s);
}

static void
test_short_text(void **state)
{
	rf_fingerprint a, b;
	rf_campaign c, d;
	rf_store *s = open_store(NULL);

	memset(&a, 0, sizeof(a));
	a.version = RF_FP_VERSION;
	a.kind = RF_FP_SHORT;
	a.nwords = 3;
	a.h[0] = 42;
	b = a;
	b.h[0] = 43;
	add(s, &a, "a@x", 1, &c);
	add(s, &a, "b@x", 2, &c);
	add(s, &b, "a@x", 3, &d);
	assert_int_equal(c.copies, 2);
	assert_int_equal(c.size, 2);
	assert_true(d.created);
	assert_string_not_equal(c.id, d.id);
	rf_store_close(s);
}

static void
test_recipients(void **state)
{
	const char *r[4] = { "a@x.example", "B@X.example", "b@x.EXAMPLE",
	    "c@x.example" };
	rf_store_options o;
	rf_fingerprint a = fp_make(40);
	rf_campaign c;
	rf_store *s;
	rf_error err;

	rf_store_options_default(&o);
	o.max_recipients = 3;
	s = open_store(&o);
	/* one copy to many recipients; the fourth is past the limit */
	assert_int_equal(rf_campaign_add(s, &a, r, 4, NULL, NULL, 0, 1, &c,
	    &err), RF_OK);
	assert_int_equal(c.copies, 1);
	assert_int_equal(c.size, 2);
	assert_true(c.limits_hit & RF_CAMPAIGN_LIMIT_RECIPIENTS);
	assert_int_equal(rf_campaign_add(s, &a, r + 3, 1, NULL, NULL, 0, 2,
	    &c, &err), RF_OK);
	assert_int_equal(c.size, 3);
	assert_false(c.limits_hit & RF_CAMPAIGN_LIMIT_RECIPIENTS);
	rf_store_close(s);
}

struct listed {
	char id[8][RF_CAMPAIGN_ID_LEN + 1];
	uint64_t size[8];
	int n;
};

static int
list_cb(const rf_campaign *c, void *arg)
{
	struct listed *l = arg;

	if (l->n == 8)
		return 1;
	memcpy(l->id[l->n], c->id, sizeof(l->id[0]));
	l->size[l->n++] = c->size;
	return 0;
}

static void
test_list_complaint_reopen(void **state)
{
	rf_fingerprint fp[3] = { fp_make(10), fp_make(11), fp_make(12) };
	int sizes[3] = { 2, 5, 3 }, i, j;
	struct listed l;
	rf_campaign c;
	rf_store *s = open_store(NULL);
	rf_error err;
	char r[32];

	for (i = 0; i < 3; i++)
		for (j = 0; j < sizes[i]; j++) {
			snprintf(r, sizeof(r), "r%d@example.net", j);
			add(s, &fp[i], r, 100 + j, &c);
		}
	memset(&l, 0, sizeof(l));
	assert_int_equal(rf_campaign_list(s, 0, list_cb, &l, &err), RF_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.size[0], 5);
	assert_int_equal(l.size[1], 3);
	assert_int_equal(l.size[2], 2);
	memset(&l, 0, sizeof(l));
	assert_int_equal(rf_campaign_list(s, 2, list_cb, &l, &err), RF_OK);
	assert_int_equal(l.n, 2);
	/* the smaller ones, counted: what campaigns --min-size leaves out */
	for (i = 0; i < 4; i++) {
		uint64_t below[4] = { 0, 2, 3, 6 }, want[4] = { 0, 0, 1, 3 }, n;

		assert_int_equal(rf_campaign_count_below(s, below[i], &n, &err),
		    RF_OK);
		assert_int_equal(n, want[i]);
	}

	rf_store_fp_id(&fp[0], r);
	assert_int_equal(rf_campaign_complaint(s, r, 2, &err), RF_OK);
	assert_int_equal(rf_campaign_complaint(s, r, 1, &err), RF_OK);
	assert_int_equal(rf_campaign_complaint(s, "0123456789abcdef", 1,
	    &err), RF_ENOTFOUND);
	assert_int_equal(rf_campaign_complaint(s, "'; DROP TABLE x", 1,
	    &err), RF_EINVAL);
	rf_store_close(s);

	/* everything is still there after reopening */
	s = open_store(NULL);
	assert_int_equal(rf_campaign_get(s, r, &c, &err), RF_OK);
	assert_int_equal(c.complaints, 3);
	assert_int_equal(c.size, 2);
	assert_int_equal(c.copies, 2);
	assert_int_equal(c.first_seen, 100);
	assert_int_equal(c.last_seen, 101);
	add(s, &fp[0], "new@example.net", 200, &c);
	assert_false(c.created);
	assert_string_equal(c.id, r);
	assert_int_equal(c.size, 3);
	assert_int_equal(c.complaints, 3);
	assert_int_equal(rf_campaign_get(s, "fedcba9876543210", &c, &err),
	    RF_ENOTFOUND);
	rf_store_close(s);
}

static void
test_schema(void **state)
{
	rf_store *s = open_store(NULL);
	sqlite3 *db;
	sqlite3_stmt *st;
	rf_error err;
	char other[160];

	rf_store_close(s);
	assert_int_equal(sqlite3_open(tmp.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1,
	    &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), RF_STORE_SCHEMA_VERSION);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1,
	    &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal(sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	/* a store from a newer redflag is refused, not damaged */
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(rf_store_open(tmp.path, NULL, &s, &err), RF_ESTORE);
	assert_null(s);
	assert_non_null(strstr(err.msg, "newer"));
	/* so is somebody else's database */
	snprintf(other, sizeof(other), "%s/other.db", tmp.dir);
	assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	snprintf(other, sizeof(other), "sqlite:%s/other.db", tmp.dir);
	assert_int_equal(rf_store_open(other, NULL, &s, &err), RF_ESTORE);
	snprintf(other, sizeof(other), "%s/other.db", tmp.dir);
	unlink(other);
	/* and a read-only open of a missing store */
	{
		rf_store_options o;

		rf_store_options_default(&o);
		o.read_only = 1;
		snprintf(other, sizeof(other), "%s/missing.db", tmp.dir);
		assert_int_equal(rf_store_open(other, &o, &s, &err),
		    RF_ESTORE);
	}
}

/* A version 1 store (with the index on size) is brought to the current
 * version (2 drops the index, 3 adds the complainer table) on a writable
 * open, its campaigns kept. */
static void
test_migrate_1(void **state)
{
	rf_fingerprint a = fp_make(50);
	rf_store *s = open_store(NULL);
	sqlite3 *db;
	sqlite3_stmt *st;
	rf_campaign c;
	rf_error err;

	add(s, &a, "one@example.com", 1, &c);
	add(s, &a, "two@example.com", 2, &c);
	rf_store_close(s);
	assert_int_equal(sqlite3_open(tmp.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE INDEX campaign_size ON "
	    "campaign(size); PRAGMA user_version = 1", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	s = open_store(NULL);
	assert_int_equal(rf_campaign_lookup(s, &a, &c, &err), RF_OK);
	assert_int_equal(c.copies, 2);
	rf_store_close(s);
	assert_int_equal(sqlite3_open(tmp.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT user_version "
	    "FROM pragma_user_version), (SELECT count(*) FROM sqlite_schema "
	    "WHERE name = 'campaign_size'), (SELECT count(*) FROM "
	    "sqlite_schema WHERE name = 'complainer')", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), RF_STORE_SCHEMA_VERSION);
	assert_int_equal(sqlite3_column_int(st, 1), 0);
	assert_int_equal(sqlite3_column_int(st, 2), 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* The sample difference encoding (Redis) decodes what it encodes and
 * stays inside its buffer on damaged entries. */
static void
test_sample_undelta(void **state)
{
	const char *first = "https://shop.example/c/0001?u=aa\nhttps://x.example/";
	static const char *bad[] = { "\1", "\1\2", "\1\2\2", "\1-1\2\2m",
	    "\1 1\2+1\2m", "\199999999999\21\2m", "\1a\2\2\nz",
	    "\n\n\1" "5\2" "5\2\n" };
	char out[512];
	size_t n, i;
	const char *e = "\1" "23\2" "0\2" "0002?u=bb\nhttps://y.example/";

	n = rf__sample_undelta(first, strlen(first), e, strlen(e), out);
	assert_int_equal(n, strlen("https://shop.example/c/0002?u=bb\n"
	    "https://y.example/"));
	assert_memory_equal(out, "https://shop.example/c/0002?u=bb\n"
	    "https://y.example/", n);
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		n = rf__sample_undelta(first, strlen(first), bad[i],
		    strlen(bad[i]), out);
		assert_true(n <= strlen(bad[i]) + 4 * strlen(first));
	}
}

struct sampled {
	int copies;
	char first[4][128];
	size_t nlinks[16];
};

static int
samples_cb(size_t copy, const char *const *links, size_t n, void *arg)
{
	struct sampled *sm = arg;
	size_t i;

	assert_int_equal(copy, (size_t)sm->copies);
	sm->nlinks[sm->copies] = n;
	for (i = 0; i < n && i < 4 && copy == 0; i++)
		snprintf(sm->first[i], sizeof(sm->first[i]), "%s", links[i]);
	sm->copies++;
	return 0;
}

/* open_samples: the store of this test keeping the links of max_samples
 * copies of a campaign, 2 of each copy, max_bytes bytes in all. */
static rf_store *
open_samples(unsigned max_samples, size_t max_bytes)
{
	rf_store_options o;

	rf_store_options_default(&o);
	o.max_samples = max_samples;
	o.max_sample_links = 2;
	o.max_sample_bytes = max_bytes;
	return open_store(&o);
}

/* samples_of: sm filled with the samples of campaign id, which has some. */
static void
samples_of(rf_store *s, const char *id, struct sampled *sm)
{
	rf_error err;

	memset(sm, 0, sizeof(*sm));
	assert_int_equal(rf_campaign_samples(s, id, samples_cb, sm, &err),
	    RF_OK);
}

/* check_byte_budget: the byte budget holds: 10 copies of campaign b, one
 * 30-byte link each, into a store keeping 16 copies in 100 bytes: three
 * are kept.  grouped: the copies after the first in a group (the hot
 * table's path after the direct one). */
static void
check_byte_budget(const rf_fingerprint *b, int grouped)
{
	rf_store *s = open_samples(16, 100);
	struct sampled sm;
	rf_campaign c;
	rf_error err;
	char l0[64], id[RF_CAMPAIGN_ID_LEN + 1];
	const char *links[1] = { l0 };
	int i;

	for (i = 0; i < 10; i++) {
		if (grouped && i == 1)
			assert_int_equal(rf_store_begin(s, &err), RF_OK);
		snprintf(l0, sizeof(l0), "https://t.example/c/%010d", i);
		assert_int_equal(rf_campaign_add(s, b, NULL, 0, NULL, links,
		    1, i, &c, &err), RF_OK);
	}
	if (grouped)
		assert_int_equal(rf_store_commit(s, &err), RF_OK);
	rf_store_fp_id(b, id);
	samples_of(s, id, &sm);
	assert_int_equal(sm.copies, 3);
	rf_store_close(s);
}

static void
test_samples(void **state)
{
	rf_fingerprint a = fp_make(20), b = fp_make(21);
	struct sampled sm;
	rf_campaign c;
	rf_store *s = open_samples(3, 4096);
	rf_error err;
	char l0[64];
	const char *links[3] = { l0, "https://t.example/o?x=1%2\n", NULL };
	int i;

	for (i = 0; i < 10; i++) {
		snprintf(l0, sizeof(l0), "https://t.example/c/%08d", i);
		links[2] = "https://third.example/";
		assert_int_equal(rf_campaign_add(s, &a, NULL, 0, "s", links,
		    3, i, &c, &err), RF_OK);
		assert_true(c.limits_hit & RF_CAMPAIGN_LIMIT_SAMPLE);
	}
	samples_of(s, c.id, &sm);
	assert_int_equal(sm.copies, 3);
	assert_int_equal(sm.nlinks[0], 2);
	assert_string_equal(sm.first[0], "https://t.example/c/00000000");
	assert_string_equal(sm.first[1], "https://t.example/o?x=1%2\n");
	assert_int_equal(rf_campaign_samples(s, "0000000000000000",
	    samples_cb, &sm, &err), RF_ENOTFOUND);
	rf_store_close(s);
	check_byte_budget(&b, 0);
}

/* The same limits inside a group (the hot table's path) and across the
 * two paths: copies added before a group, in it and after it share one
 * count of samples and bytes (rf__sq_add_sample serves both). */
static void
test_samples_group(void **state)
{
	rf_fingerprint a = fp_make(22), b = fp_make(23);
	struct sampled sm;
	rf_campaign c;
	rf_store *s = open_samples(5, 4096);
	rf_error err;
	char l0[64];
	const char *links[2] = { l0, "https://t.example/o?x=1" };
	int i;

	for (i = 0; i < 12; i++) {
		if (i == 2)
			assert_int_equal(rf_store_begin(s, &err), RF_OK);
		if (i == 4 || i == 8)
			assert_int_equal(rf_store_commit(s, &err), RF_OK);
		if (i == 6)
			assert_int_equal(rf_store_begin(s, &err), RF_OK);
		snprintf(l0, sizeof(l0), "https://t.example/c/%08d", i);
		assert_int_equal(rf_campaign_add(s, &a, NULL, 0, "s", links,
		    2, i, &c, &err), RF_OK);
	}
	assert_int_equal(c.copies, 12);
	samples_of(s, c.id, &sm);
	assert_int_equal(sm.copies, 5);
	assert_string_equal(sm.first[0], "https://t.example/c/00000000");
	rf_store_close(s);
	check_byte_budget(&b, 1);
}

static void
test_transactions(void **state)
{
	rf_fingerprint a = fp_make(30), b = fp_make(31);
	rf_campaign c;
	rf_store *s = open_store(NULL), *t = open_store(NULL);
	rf_error err;
	char r[32];
	int i;

	/* a batch: nothing is visible to others before the commit */
	assert_int_equal(rf_store_begin(s, &err), RF_OK);
	for (i = 0; i < 100; i++) {
		snprintf(r, sizeof(r), "u%d@example.com", i);
		add(s, &a, r, i, &c);
	}
	assert_int_equal(c.size, 100);
	assert_int_equal(rf_campaign_lookup(t, &a, &c, &err), RF_ENOTFOUND);
	assert_int_equal(rf_store_commit(s, &err), RF_OK);
	assert_int_equal(rf_campaign_lookup(t, &a, &c, &err), RF_OK);
	assert_int_equal(c.copies, 100);
	/* two writers on one file: one campaign, all counted */
	add(t, &a, "other@example.com", 500, &c);
	add(s, &a, "u1@example.com", 501, &c);
	assert_int_equal(c.copies, 102);
	assert_int_equal(c.size, 101);
	/* a rollback forgets the campaign, and so does the cache */
	assert_int_equal(rf_store_begin(s, &err), RF_OK);
	add(s, &b, "x@example.com", 1, &c);
	assert_true(c.created);
	assert_int_equal(rf_store_rollback(s, &err), RF_OK);
	assert_int_equal(rf_campaign_lookup(s, &b, &c, &err), RF_ENOTFOUND);
	add(s, &b, "x@example.com", 1, &c);
	assert_true(c.created);
	assert_int_equal(c.copies, 1);
	assert_int_equal(rf_store_commit(s, &err), RF_EINVAL);
	rf_store_close(t);
	rf_store_close(s);
}

struct first {
	char id[RF_CAMPAIGN_ID_LEN + 1];
	uint64_t size, copies;
};

static int
first_cb(const rf_campaign *c, void *arg)
{
	struct first *l = arg;

	memcpy(l->id, c->id, sizeof(l->id));
	l->size = c->size;
	l->copies = c->copies;
	return 1;
}

/* Groups keep counted campaigns in memory (docs/store.md): reads inside
 * the group see them, the file holds them after the commit, another
 * connection's writes between groups are not lost, and a failed group
 * is undone whole. */
static void
test_group_write_back(void **state)
{
	rf_fingerprint a = fp_make(40), b = fp_make(41);
	rf_store *s = open_store(NULL), *t = open_store(NULL);
	struct first l;
	rf_campaign c, d;
	rf_error err;
	char r[32];
	int i, g;

	for (g = 0; g < 3; g++) {
		assert_int_equal(rf_store_begin(s, &err), RF_OK);
		for (i = 0; i < 50; i++) {
			snprintf(r, sizeof(r), "g%d-%d@example.com", g, i);
			add(s, &a, r, 100 * g + i, &c);
		}
		/* read your writes inside the group */
		assert_int_equal(rf_campaign_get(s, c.id, &d, &err), RF_OK);
		assert_int_equal(d.copies, c.copies);
		assert_int_equal(d.size, c.size);
		assert_int_equal(rf_campaign_lookup(s, &a, &d, &err), RF_OK);
		assert_int_equal(d.copies, c.copies);
		assert_int_equal(rf_campaign_list(s, 1, first_cb, &l, &err),
		    RF_OK);
		assert_string_equal(l.id, c.id);
		assert_int_equal(l.copies, c.copies);
		assert_int_equal(rf_store_commit(s, &err), RF_OK);
		/* the other connection sees the group, then adds a copy that
		 * the next group of s must count on top */
		assert_int_equal(rf_campaign_lookup(t, &a, &d, &err), RF_OK);
		assert_int_equal(d.copies, c.copies);
		assert_int_equal(d.size, c.size);
		snprintf(r, sizeof(r), "t%d@example.com", g);
		add(t, &a, r, 1000 + g, &d);
		assert_int_equal(d.copies, c.copies + 1);
		/* and s's own lookups see it too */
		assert_int_equal(rf_campaign_lookup(s, &a, &c, &err), RF_OK);
		assert_int_equal(c.copies, d.copies);
	}
	assert_int_equal(c.copies, 3 * 51);
	assert_in_range(c.size, 150, 156);	/* HLL: within 2 % */
	assert_int_equal(c.last_seen, 1002);
	/* s writes outside a group, then groups again: nothing lost */
	add(s, &a, "solo@example.com", 2000, &c);
	assert_int_equal(rf_store_begin(s, &err), RF_OK);
	add(s, &a, "solo2@example.com", 2001, &c);
	assert_int_equal(c.copies, 3 * 51 + 2);
	assert_int_equal(rf_campaign_complaint(s, c.id, 2, &err), RF_OK);
	add(s, &b, "b@example.com", 1, &d);
	assert_true(d.created);
	assert_int_equal(rf_store_commit(s, &err), RF_OK);
	assert_int_equal(rf_campaign_get(t, c.id, &d, &err), RF_OK);
	assert_int_equal(d.copies, 3 * 51 + 2);
	assert_int_equal(d.complaints, 2);
	assert_int_equal(d.last_seen, 2001);
	assert_int_equal(rf_campaign_lookup(t, &b, &d, &err), RF_OK);
	assert_int_equal(d.copies, 1);
	rf_store_close(t);
	rf_store_close(s);
}

static void
test_bad_spec(void **state)
{
	rf_store *s = NULL;
	rf_error err;

	assert_int_equal(rf_store_open("", NULL, &s, &err), RF_EINVAL);
	assert_int_equal(rf_store_open("/nonexistent-dir/x/y.db", NULL, &s,
	    &err), RF_ESTORE);
	assert_null(s);
}

/* assert_msg_clean: every byte of msg printable ASCII. */
static void
assert_msg_clean(const char *msg)
{
	const unsigned char *p;

	for (p = (const unsigned char *)msg; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e)
			fail_msg("byte 0x%02x in \"%s\"", *p, msg);
}

/* A store's library may quote bytes that others chose: SQLite names an
 * object of a broken schema (in a file someone else made), a Redis
 * server says what it likes in an error reply.  Such text reaches the
 * error only escaped (\x1b) and cut (RF__STORE_TEXT_MAX), whatever the
 * store: the campaign store, the consent store, the classifier. */
static void
test_library_text_escaped(void **state)
{
	const char *name = "\x1b[31mevil\n\x07";
	char big[RF__STORE_TEXT_MAX + 100];
	rf_consent_db *cdb = NULL;
	rf_store *s = NULL;
	rf_classifier *cls = NULL;
	redisReply rep;
	sqlite3 *db;
	rf_error err;

	assert_int_equal(sqlite3_open(tmp.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x);"
	    "PRAGMA writable_schema=ON", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO sqlite_master "
	    "VALUES('table', ?1, ?1, 0, 'CREATE TABLE oops(')", -1, &st,
	    NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);

	assert_int_equal(rf_store_open(tmp.path, NULL, &s, &err), RF_ESTORE);
	assert_msg_clean(err.msg);
	assert_non_null(strstr(err.msg, "(\\x1b[31mevil\\x0a\\x07)"));
	assert_int_equal(rf_consent_open(tmp.path, 0, NULL, &cdb, &err),
	    RF_ESTORE);
	assert_msg_clean(err.msg);
	assert_non_null(strstr(err.msg, "\\x1b[31mevil"));
	assert_int_not_equal(rf_classifier_open(tmp.path, NULL, &cls, &err),
	    RF_OK);
	assert_msg_clean(err.msg);
	assert_non_null(strstr(err.msg, "\\x1b[31mevil"));

	/* Redis: the server's error reply, escaped and cut */
	memset(&rep, 0, sizeof(rep));
	rep.type = REDIS_REPLY_ERROR;
	rep.str = (char *)"ERR \x1b[31mevil\xff";
	rep.len = strlen(rep.str);
	assert_int_equal(rf__redis_error(&err, NULL, &rep, "redis: %s",
	    "doing"), RF_ESTORE);
	assert_int_equal(err.status, RF_ESTORE);
	assert_string_equal(err.msg, "redis: doing: ERR \\x1b[31mevil\\xff");
	memset(big, 'e', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	rep.str = big;
	rf__redis_error(&err, NULL, &rep, "r");
	assert_int_equal(strlen(err.msg), 3 + RF__STORE_TEXT_MAX + 3);
	assert_string_equal(err.msg + strlen(err.msg) - 4, "e...");
	rep.type = REDIS_REPLY_STRING;
	rf__redis_error(&err, NULL, &rep, "r");
	assert_string_equal(err.msg, "r: unexpected reply");
	rf__redis_error(&err, NULL, NULL, "r");
	assert_string_equal(err.msg, "r: no answer");
	assert_int_equal(rf__redis_error(NULL, NULL, NULL, "r"), RF_ESTORE);
	rf__sqlite_error(&err, NULL, "s %d", 1);
	assert_string_equal(err.msg, "s 1: out of memory");
}

/* open_three: the campaign store, the consent store and the classifier
 * opened on new files named from base, as a process that just started
 * does; 0, or 1 with the error on stderr. */
static int
open_three(const char *base)
{
	char cpath[640], kpath[640];
	rf_consent_db *cdb = NULL;
	rf_classifier *cls = NULL;
	rf_store *s = NULL;
	rf_error err;

	snprintf(cpath, sizeof(cpath), "%s.consent", base);
	snprintf(kpath, sizeof(kpath), "%s.cls", base);
	if (rf_store_open(base, NULL, &s, &err) != RF_OK ||
	    rf_consent_open(cpath, 2000, NULL, &cdb, &err) != RF_OK ||
	    rf_classifier_open(kpath, NULL, &cls, &err) != RF_OK) {
		fprintf(stderr, "open at once: %s\n", err.msg);
		return 1;
	}
	rf_classifier_close(cls);
	rf_consent_close(cdb);
	rf_store_close(s);
	return 0;
}

/* Processes that open one new file at once (several milters and scans
 * started together): each switches it to WAL while the others read it,
 * which SQLite answers busy at once, without its busy handler; every
 * open must still succeed (rf__sqlite_wal tries again).  50 rounds of 8
 * processes on new files. */
static void
test_open_at_once(void **state)
{
	char path[600];
	int round, k, ws, bad = 0;
	pid_t pid[8];

	for (round = 0; round < 50; round++) {
		snprintf(path, sizeof(path), "%s.%d", tmp.path, round);
		for (k = 0; k < 8; k++)
			if ((pid[k] = fork()) == 0)
				_exit(open_three(path));
		for (k = 0; k < 8; k++) {
			assert_true(pid[k] > 0);
			assert_int_equal(waitpid(pid[k], &ws, 0), pid[k]);
			bad += !WIFEXITED(ws) || WEXITSTATUS(ws) != 0;
		}
	}
	assert_int_equal(bad, 0);
}

/* rf__redis_int: the one reading of a Redis reply as a number, for the
 * campaign store and the classifier. */
static void
test_redis_int(void **state)
{
	redisReply rep;

	memset(&rep, 0, sizeof(rep));
	rep.type = REDIS_REPLY_INTEGER;
	rep.integer = -42;
	assert_int_equal(rf__redis_int(&rep), -42);
	rep.type = REDIS_REPLY_STRING;
	rep.str = (char *)"1234567890123x";
	rep.len = strlen(rep.str);
	assert_int_equal(rf__redis_int(&rep), 1234567890123LL);
	rep.type = REDIS_REPLY_NIL;
	assert_int_equal(rf__redis_int(&rep), 0);
	rep.type = REDIS_REPLY_ERROR;
	rep.str = (char *)"7";
	assert_int_equal(rf__redis_int(&rep), 0);
	assert_int_equal(rf__redis_int(NULL), 0);
}

/* rf_store_open, rf_consent_open and rf_classifier_open read a Redis
 * spec the one way (rf__redis_spec_parse): each refuses (RF_EINVAL) the
 * same specs and takes the others, which then fail only to connect
 * (RF_ESTORE: nothing listens on port 1 or at the socket path);
 * rf_store_spec_check, which a settings file's reader calls, refuses the
 * same ones (RF_EINVAL) and takes the others (RF_OK), and an empty one. */
/* spec_max: an address of RF_STORE_SPEC_MAX - 1 bytes is well-formed, one
 * byte more is not, by the check as by rf_consent_open (the check passed
 * it, and the consent store refused it at open) */
static void
spec_max(void)
{
	char spec[RF_STORE_SPEC_MAX + 1];
	rf_consent_db *cdb = NULL;
	rf_error err;
	size_t n;

	for (n = RF_STORE_SPEC_MAX - 1; n <= RF_STORE_SPEC_MAX; n++) {
		memcpy(spec, "sqlite:/nonexistent/", 20);
		memset(spec + 20, 'x', n - 20);
		spec[n] = '\0';
		assert_int_equal(rf_store_spec_check(spec, &err),
		    n < RF_STORE_SPEC_MAX ? RF_OK : RF_EINVAL);
		if (n == RF_STORE_SPEC_MAX)
			assert_string_equal(err.msg, "store address too long "
			    "(at most 4095 bytes)");
		assert_int_equal(rf_consent_open(spec, 500, NULL, &cdb, &err),
		    n < RF_STORE_SPEC_MAX ? RF_ESTORE : RF_EINVAL);
		rf_consent_close(cdb);
		cdb = NULL;
	}
}

static void
test_redis_specs(void **state)
{
	static const struct {
		const char *spec;
		int ok;
	} cases[] = {
		{ "redis://127.0.0.1:1", 1 },
		{ "redis://127.0.0.1:1/p.x-y_Z9", 1 },
		{ "redis://[::1]:1/p", 1 }, { "unix:/nonexistent/rf.sock", 1 },
		{ "unix:/nonexistent/rf.sock#p", 1 },
		{ "redis://[::1]x:1/p", 0 }, { "redis://[::1", 0 },
		{ "redis://127.0.0.1:1/", 0 }, { "redis://127.0.0.1:1/a:b", 0 },
		{ "redis://127.0.0.1:0", 0 }, { "redis://127.0.0.1:65536", 0 },
		{ "redis://127.0.0.1:1x", 0 }, { "redis://:1", 0 },
		{ "redis://", 0 }, { "unix:", 0 }, { "unix:#p", 0 },
		{ "unix:/x#", 0 }, { "unix:/x#a b", 0 }, { "sqlite:", 0 },
	};
	char spec[128];
	rf_classifier *cls;
	rf_consent_db *cdb;
	rf_store *s;
	rf_error err;
	size_t i, k, n = sizeof(cases) / sizeof(cases[0]);
	rf_status st[3];
	const char *v;
	int ok;

	for (i = 0; i < n + 2; i++) {
		if (i < n) {
			v = cases[i].spec;
			ok = cases[i].ok;
		} else {
			/* a prefix of RF__REDIS_PREFIX_MAX bytes, then one
			 * more */
			k = RF__REDIS_PREFIX_MAX + (i - n);
			snprintf(spec, sizeof(spec), "redis://127.0.0.1:1/%0*d",
			    (int)k, 7);
			v = spec;
			ok = i == n;
		}
		s = NULL;
		cdb = NULL;
		cls = NULL;
		st[0] = rf_store_open(v, NULL, &s, &err);
		st[1] = rf_consent_open(v, 500, NULL, &cdb, &err);
		st[2] = rf_classifier_open(v, NULL, &cls, &err);
		rf_store_close(s);
		rf_consent_close(cdb);
		rf_classifier_close(cls);
		if (rf_store_spec_check(v, &err) != (ok ? RF_OK : RF_EINVAL))
			fail_msg("%s: rf_store_spec_check gave %s", v,
			    rf_status_name(rf_store_spec_check(v, &err)));
		for (k = 0; k < 3; k++)
			if (st[k] != (ok ? RF_ESTORE : RF_EINVAL))
				fail_msg("%s: %s gave %s", v, k == 0 ? "store" :
				    k == 1 ? "consent" : "classifier",
				    rf_status_name(st[k]));
	}
	assert_int_equal(rf_store_spec_check("", &err), RF_EINVAL);
	assert_int_equal(rf_store_spec_check("x.db", &err), RF_OK);
	assert_int_equal(rf_store_spec_check("sqlite:x.db", &err), RF_OK);
	spec_max();
}

/* fill: the store at p with three campaigns for tests/e2e/campaigns.sh:
 * 30, 20 and 10 recipients, the middle one with a hostile subject. */
static int
fill(const char *p)
{
	static const char *const subjects[3] = { "Big offer",
	    "Evil \x1b[31m\"quoted\"\n\xff subject", "Caf\xc3\xa9 small" };
	rf_fingerprint fp;
	rf_campaign c;
	rf_store *s;
	rf_error err;
	char r[32];
	int i, j;

	if (rf_store_open(p, NULL, &s, &err) != RF_OK) {
		fprintf(stderr, "fill: %s\n", err.msg);
		return 1;
	}
	for (i = 0; i < 3; i++) {
		fp = fp_make(500 + (uint64_t)i);
		for (j = 0; j < 30 - 10 * i; j++) {
			snprintf(r, sizeof(r), "r%d@example.org", j);
			const char *rc[1] = { r };

			if (rf_campaign_add(s, &fp, rc, 1, subjects[i], NULL,
			    0, 1700000000 + 3600 * j, &c, &err) != RF_OK) {
				fprintf(stderr, "fill: %s\n", err.msg);
				return 1;
			}
		}
		printf("%s\n", c.id);
	}
	rf_store_close(s);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hll_accuracy),
		cmocka_unit_test(test_hll_blob),
		cmocka_unit_test_setup_teardown(test_add_match_count, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_short_text, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_recipients, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_list_complaint_reopen,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_samples, setup, teardown),
		cmocka_unit_test_setup_teardown(test_samples_group, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migrate_1, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_group_write_back, setup,
		    teardown),
		cmocka_unit_test(test_sample_undelta),
		cmocka_unit_test(test_bad_spec),
		cmocka_unit_test_setup_teardown(test_library_text_escaped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_at_once, setup,
		    teardown),
		cmocka_unit_test(test_redis_int),
		cmocka_unit_test(test_redis_specs),
	};

	if (argc == 3 && strcmp(argv[1], "fill") == 0)
		return fill(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
