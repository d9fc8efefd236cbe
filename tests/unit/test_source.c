/* test_source.c - message sources: mbox, Maildir, trees, streams. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_mbox_from_quoting(void **state)
{
	rf_limits lim;
	rf_source *s;
	rf_item it;
	rf_error err;

	(void)state;
	rf_limits_default(&lim);
	assert_int_equal(rf_source_open("tests/golden/from-quoting.mbox",
	    &lim, &s, &err), RF_OK);
	assert_int_equal(rf_source_next(s, &it, &err), RF_OK);
	assert_string_equal(it.label, "tests/golden/from-quoting.mbox:1");
	assert_non_null(strstr(it.data, "\nFrom the top: http://first"));
	assert_null(strstr(it.data, "From bob@"));
	assert_int_equal(rf_source_next(s, &it, &err), RF_OK);
	assert_string_equal(it.label, "tests/golden/from-quoting.mbox:2");
	assert_non_null(strstr(it.data, "\n>From here:"));
	assert_null(strstr(it.data, ">>From"));
	assert_int_equal(rf_source_next(s, &it, &err), RF_EDONE);
	rf_source_free(s);
}

static void
test_single_file_label(void **state)
{
	rf_limits lim;
	rf_source *s;
	rf_item it;

	(void)state;
	rf_limits_default(&lim);
	assert_int_equal(rf_source_open("tests/golden/rfc2047.eml", &lim, &s,
	    NULL), RF_OK);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	assert_string_equal(it.label, "tests/golden/rfc2047.eml");
	assert_false(it.truncated);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_EDONE);
	rf_source_free(s);
}

static void
test_maildir_order_and_errors(void **state)
{
	char dir[] = "/tmp/rf-maildir-XXXXXX", p[512];
	char labels[4][64];
	rf_limits lim;
	rf_source *s;
	rf_item it;
	rf_error err;
	rf_status st;
	int n = 0, errors = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/cur", dir); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/new", dir); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/tmp", dir); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/new/1.b", dir); write_file(p, "Subject: n\n\nx\n");
	snprintf(p, sizeof(p), "%s/cur/2.a", dir); write_file(p, "Subject: c\n\nx\n");
	snprintf(p, sizeof(p), "%s/cur/.hidden", dir); write_file(p, "x");
	snprintf(p, sizeof(p), "%s/tmp/3.c", dir); write_file(p, "x");
	snprintf(p, sizeof(p), "%s/cur/9.dangling", dir);
	assert_int_equal(symlink("/nonexistent/redflag", p), 0);
	rf_limits_default(&lim);
	assert_int_equal(rf_source_open(dir, &lim, &s, &err), RF_OK);
	while ((st = rf_source_next(s, &it, &err)) != RF_EDONE) {
		if (st != RF_OK) {
			errors++;
			assert_non_null(strstr(err.msg, "9.dangling"));
			continue;
		}
		snprintf(labels[n++], sizeof(labels[0]), "%s",
		    strrchr(it.label, '/'));
	}
	assert_int_equal(n, 2);
	assert_int_equal(errors, 1);
	assert_string_equal(labels[0], "/2.a");	/* cur before new */
	assert_string_equal(labels[1], "/1.b");
	rf_source_free(s);
}

static void
test_tree_sorted_and_truncation(void **state)
{
	char dir[] = "/tmp/rf-tree-XXXXXX", p[512], big[3000];
	rf_limits lim;
	rf_source *s;
	rf_item it;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/b", dir); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/b/z", dir); write_file(p, "Subject: z\n\n");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(p, sizeof(p), "%s/a", dir); write_file(p, big);
	rf_limits_default(&lim);
	lim.max_message_size = 1000;
	assert_int_equal(rf_source_open(dir, &lim, &s, NULL), RF_OK);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	assert_non_null(strstr(it.label, "/a"));
	assert_true(it.truncated);
	assert_int_equal(it.len, 1000);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	assert_non_null(strstr(it.label, "/b/z"));
	assert_int_equal(rf_source_next(s, &it, NULL), RF_EDONE);
	rf_source_free(s);
}

static void
test_missing_path(void **state)
{
	rf_limits lim;
	rf_source *s;
	rf_error err;

	(void)state;
	rf_limits_default(&lim);
	assert_int_equal(rf_source_open("/nonexistent/mbox", &lim, &s, &err),
	    RF_EIO);
	assert_non_null(strstr(err.msg, "/nonexistent/mbox"));
}

static void
test_stream(void **state)
{
	const char *text = "From a@b Mon Nov  2 10:00:00 2026\nSubject: 1\n\n"
	    "body\n\nFrom c@d Mon Nov  2 10:00:00 2026\nSubject: 2\n\nx\n";
	rf_limits lim;
	rf_source *s;
	rf_item it;
	int fds[2];

	(void)state;
	rf_limits_default(&lim);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], text, strlen(text)),
	    (ssize_t)strlen(text));
	close(fds[1]);
	assert_int_equal(rf_source_open_fd(fds[0], "-", &lim, &s, NULL),
	    RF_OK);
	close(fds[0]);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	assert_string_equal(it.label, "-:1");
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	assert_string_equal(it.label, "-:2");
	assert_non_null(strstr(it.data, "Subject: 2"));
	assert_int_equal(rf_source_next(s, &it, NULL), RF_EDONE);
	rf_source_free(s);

	/* an empty stream is one empty message */
	assert_int_equal(pipe(fds), 0);
	close(fds[1]);
	assert_int_equal(rf_source_open_fd(fds[0], "-", &lim, &s, NULL),
	    RF_OK);
	close(fds[0]);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	assert_string_equal(it.label, "-");
	assert_int_equal(it.len, 0);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_EDONE);
	rf_source_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mbox_from_quoting),
		cmocka_unit_test(test_single_file_label),
		cmocka_unit_test(test_maildir_order_and_errors),
		cmocka_unit_test(test_tree_sorted_and_truncation),
		cmocka_unit_test(test_missing_path),
		cmocka_unit_test(test_stream),
	};
	return cmocka_run_group_tests_name("source", tests, NULL, NULL);
}
