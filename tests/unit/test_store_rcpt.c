/* test_store_rcpt.c - the recipient's id a link sample keeps (docs/
 * store.md, "Link samples"): rf_store_rcpt_id, the id with a copy of one
 * recipient and none otherwise, the id counted in max_sample_bytes, an
 * entry stored without it (before it was kept) read as recipient
 * unknown, and rf_campaign_samples still giving the links only; on a
 * real SQLite file. */
#include <sqlite3.h>

#include "testutil.h"
#include "dbutil.h"
#include "fputil.h"

static struct tmpdb tmp;

static int
setup(void **state)
{
	(void)state;
	tmpdb_make(&tmp, "storercpt", "campaigns.db");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tmpdb_remove(&tmp);
	return 0;
}

#define MAXC 8

/* What rf_campaign_samples(_for) gave: per copy its recipient's id ("-"
 * unknown; "?" not asked), its link count and first link. */
struct got {
	size_t n;
	char rcpt[MAXC][RF_STORE_RCPT_ID_LEN + 1];
	size_t nlinks[MAXC];
	char first[MAXC][128];
};

static int
got_for(size_t copy, const char *rcpt, const char *const *links,
	size_t nlinks, void *arg)
{
	struct got *g = arg;

	assert_int_equal(copy, g->n);
	assert_true(g->n < MAXC);
	snprintf(g->rcpt[g->n], sizeof(g->rcpt[0]), "%s", rcpt != NULL ?
	    rcpt : "-");
	g->nlinks[g->n] = nlinks;
	snprintf(g->first[g->n], sizeof(g->first[0]), "%s", nlinks > 0 ?
	    links[0] : "");
	g->n++;
	return 0;
}

static int
got_plain(size_t copy, const char *const *links, size_t nlinks, void *arg)
{
	return got_for(copy, "?", links, nlinks, arg);
}

/* ids: an id is 16 lower-case hex digits, equal for addresses equal but
 * for case, different otherwise. */
static void
test_rcpt_id(void **state)
{
	char a[RF_STORE_RCPT_ID_LEN + 1], b[RF_STORE_RCPT_ID_LEN + 1];
	size_t i;

	(void)state;
	rf_store_rcpt_id("User1@Example.ORG", a);
	rf_store_rcpt_id("user1@example.org", b);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), RF_STORE_RCPT_ID_LEN);
	for (i = 0; i < RF_STORE_RCPT_ID_LEN; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	rf_store_rcpt_id("user2@example.org", b);
	assert_string_not_equal(a, b);
}

static void
test_samples_rcpt(void **state)
{
	rf_fingerprint fp = fp_make(40);
	const char *one[] = { "R0@Example.org" }, *two[] = { "a@example.org",
		"b@example.org" };
	const char *links[] = { "https://t.example/c/K0", "https://t.example/" };
	char want[RF_STORE_RCPT_ID_LEN + 1];
	rf_store_options o;
	struct got g;
	rf_campaign c;
	rf_store *s;
	rf_error err;
	sqlite3 *db;

	(void)state;
	rf_store_options_default(&o);
	s = store_open(tmp.path, &o);
	/* one recipient: its id; none, or two: unknown */
	assert_int_equal(rf_campaign_add(s, &fp, one, 1, "s", links, 2, 1,
	    &c, &err), RF_OK);
	assert_int_equal(rf_campaign_add(s, &fp, NULL, 0, "s", links, 2, 2,
	    &c, &err), RF_OK);
	assert_int_equal(rf_campaign_add(s, &fp, two, 2, "s", links, 2, 3,
	    &c, &err), RF_OK);
	memset(&g, 0, sizeof(g));
	assert_int_equal(rf_campaign_samples_for(s, c.id, got_for, &g, &err),
	    RF_OK);
	assert_int_equal(g.n, 3);
	rf_store_rcpt_id("r0@example.org", want);
	assert_string_equal(g.rcpt[0], want);
	assert_string_equal(g.rcpt[1], "-");
	assert_string_equal(g.rcpt[2], "-");
	assert_int_equal(g.nlinks[0], 2);
	assert_int_equal(g.nlinks[1], 2);
	assert_string_equal(g.first[0], links[0]);
	/* rf_campaign_samples: the links only, the id's line not among them */
	memset(&g, 0, sizeof(g));
	assert_int_equal(rf_campaign_samples(s, c.id, got_plain, &g, &err),
	    RF_OK);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.nlinks[0], 2);
	assert_string_equal(g.first[0], links[0]);
	rf_store_close(s);
	/* an entry written before ids were kept (its last line dropped):
	 * recipient unknown, the same links */
	assert_int_equal(sqlite3_open(tmp.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE sample SET links ="
	    " substr(links, 1, length(links) - 18) WHERE seq = 0", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	s = store_open(tmp.path, &o);
	memset(&g, 0, sizeof(g));
	assert_int_equal(rf_campaign_samples_for(s, c.id, got_for, &g, &err),
	    RF_OK);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.rcpt[0], "-");
	assert_int_equal(g.nlinks[0], 2);
	assert_string_equal(g.first[0], links[0]);
	rf_store_close(s);
}

/* The id counts in max_sample_bytes: 45 bytes hold the two links (23 +
 * 1 + 18) without it, only the first one with it (23 + 18 = 41). */
static void
test_samples_rcpt_bytes(void **state)
{
	rf_fingerprint fp = fp_make(41);
	const char *one[] = { "r0@example.org" };
	const char *links[] = { "https://t.example/c/K01", "https://t.e/" };
	rf_store_options o;
	struct got g;
	rf_campaign c;
	rf_store *s;
	rf_error err;

	(void)state;
	rf_store_options_default(&o);
	o.max_sample_bytes = 45;
	s = store_open(tmp.path, &o);
	assert_int_equal(rf_campaign_add(s, &fp, NULL, 0, "s", links, 2, 1,
	    &c, &err), RF_OK);
	assert_false(c.limits_hit & RF_CAMPAIGN_LIMIT_SAMPLE);
	rf_store_close(s);
	tmpdb_remove(&tmp);
	tmpdb_make(&tmp, "storercpt", "campaigns.db");
	o.max_sample_bytes = 45;
	s = store_open(tmp.path, &o);
	assert_int_equal(rf_campaign_add(s, &fp, one, 1, "s", links, 2, 1,
	    &c, &err), RF_OK);
	assert_true(c.limits_hit & RF_CAMPAIGN_LIMIT_SAMPLE);
	memset(&g, 0, sizeof(g));
	assert_int_equal(rf_campaign_samples_for(s, c.id, got_for, &g, &err),
	    RF_OK);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.nlinks[0], 1);
	assert_string_not_equal(g.rcpt[0], "-");
	/* a second copy does not fit the 45 bytes with the first */
	assert_int_equal(rf_campaign_add(s, &fp, one, 1, "s", links, 1, 2,
	    &c, &err), RF_OK);
	memset(&g, 0, sizeof(g));
	assert_int_equal(rf_campaign_samples_for(s, c.id, got_for, &g, &err),
	    RF_OK);
	assert_int_equal(g.n, 1);
	rf_store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rcpt_id),
		cmocka_unit_test_setup_teardown(test_samples_rcpt, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_samples_rcpt_bytes, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
