/*
 * hotline_fx.h - the fixture the hotline store tests share: a hotline on
 * a real SQLite file in a scratch folder (with a raw-form key), removed
 * after each test, and file1() to file one URL as the public.
 * Included once, by a test program (after testutil.h).
 */
#ifndef REDFLAG_HOTLINE_FX_H
#define REDFLAG_HOTLINE_FX_H

#include <unistd.h>

static rf_ctx *ctx;
static const rf_hotline_actor pub = { "public", RF_ROLE_NONE };

struct fx {
	char dir[64], path[128];
	rf_hotline *h;
};

/* setup: *state a struct fx with its hotline open on a new file. */
static int
setup(void **state)
{
	static const unsigned char key[RF_HOTLINE_KEYBYTES] = { 1, 2, 3 };
	rf_hotline_opts o;
	struct fx *f = calloc(1, sizeof(*f));
	rf_error err;

	strcpy(f->dir, "/tmp/rf-hotline-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/hotline.db", f->dir);
	memset(&o, 0, sizeof(o));
	o.raw_key = key;
	if (rf_hotline_open(ctx, f->path, &o, &f->h, &err) != RF_OK)
		fail_msg("open: %s", err.msg);
	*state = f;
	return 0;
}

/* teardown: the hotline closed, its folder removed. */
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

/* file1: url filed by the public through the API, with category
 * suggestion cat (NULL: none); its case (*new_case: opened by it, when
 * not NULL).  Fails the test when it is not filed. */
static int64_t
file1(rf_hotline *h, const char *url, const char *cat, int *new_case)
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
	if (new_case != NULL)
		*new_case = out.new_case;
	return out.case_id;
}

#endif
