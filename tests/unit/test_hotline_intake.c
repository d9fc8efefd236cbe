/*
 * test_hotline_intake.c - reports in and out, on a real SQLite file:
 * URLs defanged in the export.
 */
#include <unistd.h>

#include "testutil.h"

static rf_ctx *ctx;
static const rf_hotline_actor pub = { "public", RF_ROLE_NONE };
static const rf_hotline_actor ana = { "alice", RF_ROLE_ANALYST };
static const rf_hotline_actor sup = { "sue", RF_ROLE_SUPERVISOR };

struct fx {
	char dir[64], path[128];
	rf_hotline *h;
};

static int
setup(void **state)
{
	rf_hotline_opts o;
	struct fx *f = calloc(1, sizeof(*f));
	rf_error err;

	strcpy(f->dir, "/tmp/rf-hlintake-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/hotline.db", f->dir);
	memset(&o, 0, sizeof(o));
	if (rf_hotline_open(ctx, f->path, &o, &f->h, &err) != RF_OK)
		fail_msg("open: %s", err.msg);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[200];

	rf_hotline_close(f->h);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* file1: url filed by the public with category suggestion cat (NULL:
 * none); its case. */
static int64_t
file1(rf_hotline *h, const char *url, const char *cat)
{
	rf_hotline_report r;
	rf_hotline_filed out;
	rf_error err;

	memset(&r, 0, sizeof(r));
	r.source = "api";
	r.urls = &url;
	r.nurls = 1;
	r.category = cat;
	if (rf_hotline_submit(h, &pub, &r, &out, &err) != RF_OK)
		fail_msg("submit: %s", err.msg);
	assert_null(out.error);
	return out.case_id;
}

/* A page carrying another site's URL is exported with both defanged the
 * same way (the common CSIRT form), in X-ARF and CSV, and shown so. */
static void
test_defang_export(void **state)
{
	struct fx *f = *state;
	rf_hotline_org org = { "Hotline", "desk@hotline.example",
	    "hotline.example" };
	rf_arena *a = rf_arena_new();
	rf_hotline_case c;
	rf_buf out;
	rf_error err;
	size_t n;
	int64_t id;
	int fmt;

	id = file1(f->h, "http://evil.example/login.php?next="
	    "https://www.bank.example/", "phishing");
	assert_int_equal(rf_hotline_review(f->h, &ana, id, NULL, &err), RF_OK);
	assert_int_equal(rf_hotline_assess(f->h, &ana, id, RF_CASE_RED_FLAG,
	    "phishing kit", &err), RF_OK);
	assert_int_equal(rf_hotline_case_get(f->h, id, a, &c, &err), RF_OK);
	assert_string_equal(rf_hotline_defang(a, c.canonical),
	    "hxxp://evil[.]example/login.php?next=hxxps://www[.]bank[.]"
	    "example/");
	for (fmt = 0; fmt < 2; fmt++) {
		rf_buf_init(&out, 0);
		assert_int_equal(rf_hotline_export(f->h, &sup, &id, 1,
		    fmt == 0 ? RF_EXPORT_XARF : RF_EXPORT_CSV, &org, "police",
		    "REF-1", &out, &n, &err), RF_OK);
		assert_non_null(strstr(rf_buf_cstr(&out), "hxxp://evil[.]"
		    "example/login.php?next=hxxps://www[.]bank[.]example/"));
		assert_null(strstr(rf_buf_cstr(&out), "bank.example"));
		assert_null(strstr(rf_buf_cstr(&out), "http"));
		rf_buf_free(&out);
	}
	rf_arena_free(a);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_defang_export),
	};
	int rc;

	ctx = test_ctx();
	rc = cmocka_run_group_tests_name("hotline_intake", tests, NULL, NULL);
	rf_ctx_free(ctx);
	return rc;
}
