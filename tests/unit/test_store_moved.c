/* test_store_moved.c - a SQLite file deleted, renamed or replaced while a
 * campaign store, consent store or hotline has it open: rf_store_moved
 * and rf_hotline_moved tell, and closing such a store copies its
 * write-ahead log into it (SQLite leaves it at the path, where it would
 * lend its pages to the next file opened there). */
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "dbutil.h"
#include "fputil.h"

static struct tmpdb tmp;	/* a.db in a folder of its own */
static char moved[160];		/* b.db beside it */

static int
setup(void **state)
{
	tmpdb_make(&tmp, "moved", "a.db");
	snprintf(moved, sizeof(moved), "%s/b.db", tmp.dir);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp.dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* add1: one copy of the campaign of fp (seed) in s. */
static void
add1(rf_store *s, uint64_t seed)
{
	rf_fingerprint fp = fp_make(seed);
	const char *rcpt = "r@example.net";
	rf_campaign c;
	rf_error err;

	if (rf_campaign_add(s, &fp, &rcpt, 1, "Hello", NULL, 0, 100, &c,
	    &err) != RF_OK)
		fail_msg("rf_campaign_add: %s", err.msg);
}

/* copies: the copies counted of the campaign of fp (seed) in the store
 * at path, opened alone for reading; 0 when there is none. */
static uint64_t
copies(const char *path, uint64_t seed)
{
	rf_fingerprint fp = fp_make(seed);
	rf_store_options o;
	rf_store *s;
	rf_campaign c;
	rf_error err;
	uint64_t n = 0;

	rf_store_options_default(&o);
	o.read_only = 1;
	s = store_open(path, &o);
	if (rf_campaign_lookup(s, &fp, &c, &err) == RF_OK)
		n = c.copies;
	rf_store_close(s);
	return n;
}

/* wal_size: bytes of PATH-wal, -1 when there is none. */
static long long
wal_size(const char *path)
{
	char p[200];
	struct stat sb;

	snprintf(p, sizeof(p), "%s-wal", path);
	return stat(p, &sb) == 0 ? (long long)sb.st_size : -1;
}

/* The file alone renamed (as logrotate would): rf_store_moved tells, the
 * store goes on in the renamed file, and closing it leaves it whole:
 * its last pages, in the -wal left at the old path, copied in. */
static void
test_renamed(void **state)
{
	rf_store *s = store_open(tmp.path, NULL);

	assert_int_equal(rf_store_moved(s), 0);
	add1(s, 1);
	assert_int_equal(rf_store_moved(s), 0);
	assert_int_equal(rename(tmp.path, moved), 0);
	assert_int_equal(rf_store_moved(s), 1);
	add1(s, 1);		/* still works: into b.db */
	assert_int_equal(rf_store_moved(s), 1);
	rf_store_close(s);
	assert_true(wal_size(tmp.path) <= 0);	/* emptied, or gone */
	assert_int_equal(copies(moved, 1), 2);
	/* a new store at the old path, nothing of b.db in it */
	s = store_open(tmp.path, NULL);
	assert_int_equal(rf_store_moved(s), 0);
	rf_store_close(s);
	assert_int_equal(copies(tmp.path, 1), 0);
}

/* The file and its -wal and -shm removed, then the folder: moved; the
 * close does not fail. */
static void
test_removed(void **state)
{
	rf_store *s = store_open(tmp.path, NULL);

	add1(s, 2);
	assert_int_equal(tmpdb_remove(&tmp), 0);
	assert_int_equal(rf_store_moved(s), 1);
	rf_store_close(s);
	assert_int_equal(mkdir(tmp.dir, 0700), 0);	/* for teardown */
}

/* Another store moved in its place (a backup restored): moved; once this
 * one is closed, the file at the path is read as it is, without a page
 * of the one that was there (the old -wal, left at the path, would lend
 * them: the backup read as the old file). */
static void
test_replaced(void **state)
{
	rf_store *s = store_open(tmp.path, NULL), *b = store_open(moved, NULL);

	add1(s, 3);
	add1(b, 4);
	rf_store_close(b);
	assert_int_equal(rename(moved, tmp.path), 0);
	assert_int_equal(rf_store_moved(s), 1);
	rf_store_close(s);
	assert_int_equal(copies(tmp.path, 4), 1);
	assert_int_equal(copies(tmp.path, 3), 0);
}

/* The consent store closes a moved file as the campaign store does. */
static void
test_consent_renamed(void **state)
{
	rf_consent_db *db;
	rf_consent_record rec;
	rf_error err;

	assert_int_equal(rf_consent_open(tmp.path, 0, NULL, &db, &err), RF_OK);
	assert_int_equal(rf_consent_add(db, "r@example.net",
	    "news@shop.example", "test", 100, NULL, &err), RF_OK);
	assert_int_equal(rename(tmp.path, moved), 0);
	rf_consent_close(db);
	assert_true(wal_size(tmp.path) <= 0);
	assert_int_equal(rf_consent_open(moved, 0, NULL, &db, &err), RF_OK);
	assert_int_equal(rf_consent_check(db, "r@example.net",
	    "news@shop.example", NULL, &rec, &err), RF_OK);
	rf_consent_close(db);
}

/* rf_hotline_moved: as rf_store_moved, for the hotline's file. */
static void
test_hotline(void **state)
{
	rf_hotline *h;
	rf_ctx *ctx;
	rf_error err;

	assert_int_equal(rf_ctx_new(NULL, &ctx, &err), RF_OK);
	assert_int_equal(rf_hotline_open(ctx, tmp.path, NULL, &h, &err),
	    RF_OK);
	assert_int_equal(rf_hotline_moved(h), 0);
	assert_int_equal(rename(tmp.path, moved), 0);
	assert_int_equal(rf_hotline_moved(h), 1);
	assert_int_equal(rename(moved, tmp.path), 0);
	assert_int_equal(rf_hotline_moved(h), 0);	/* back: the same */
	assert_int_equal(unlink(tmp.path), 0);
	assert_int_equal(rf_hotline_moved(h), 1);
	rf_hotline_close(h);
	rf_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_renamed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replaced, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_consent_renamed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hotline, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
