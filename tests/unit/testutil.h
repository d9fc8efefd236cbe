/*
 * testutil.h - shared helpers for the cmocka unit tests.
 * Tests run from the top of the source tree (tests/run.sh does that).
 */
#ifndef REDFLAG_TESTUTIL_H
#define REDFLAG_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <redflag/redflag.h>

/* read_file: the whole file, NUL-terminated, length in *len; fails the
 * test when it cannot be read. */
static inline char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long n = 0;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		fail_msg("cannot size %s", path);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	if (fread(p, 1, (size_t)n, f) != (size_t)n)
		fail_msg("short read on %s", path);
	p[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return p;
}

/* test_ctx: a context with default limits. */
static inline rf_ctx *
test_ctx(void)
{
	rf_ctx *ctx = NULL;
	rf_error err;

	if (rf_ctx_new(NULL, &ctx, &err) != RF_OK)
		fail_msg("rf_ctx_new: %s", err.msg);
	return ctx;
}

/* shipped_rules: the rules the program ships (data/trackers.conf), parsed;
 * fails the test when they do not parse.  rf_rules_free frees them. */
static inline rf_rules *
shipped_rules(void)
{
	rf_rules *rules = NULL;
	rf_error err;
	size_t len;
	char *text = read_file("data/trackers.conf", &len);

	if (rf_rules_parse(text, len, &rules, &err) != RF_OK)
		fail_msg("data/trackers.conf: %s", err.msg);
	free(text);
	return rules;
}

/* ctx_setup, ctx_teardown: cmocka group fixtures keeping a test_ctx()
 * in *state. */
static inline int
ctx_setup(void **state)
{
	*state = test_ctx();
	return 0;
}

static inline int
ctx_teardown(void **state)
{
	rf_ctx_free(*state);
	return 0;
}

/* rewrite_clean: m (parsed from msg[0..len) under ctx, analysed for its
 * recipient) cleaned as `redflag clean` does (rf_rewrite_collect,
 * prepare, write): the rewrite (rf_rewrite_free frees it), its output in
 * *out (rf_buf_free) and its stats in *st. */
static inline rf_rewrite *
rewrite_clean(const rf_ctx *ctx, rf_message *m, const char *msg,
	      size_t len, rf_buf *out, rf_rewrite_stats *st)
{
	rf_rewrite *rw = NULL;

	assert_int_equal(rf_rewrite_new(rf_ctx_limits(ctx), &rw, NULL),
	    RF_OK);
	assert_int_equal(rf_rewrite_collect(rw, m, NULL), RF_OK);
	assert_int_equal(rf_rewrite_prepare(rw, msg, len, NULL), RF_OK);
	rf_buf_init(out, 0);
	assert_int_equal(rf_rewrite_write(rw, 0, out, NULL), RF_OK);
	rf_rewrite_get_stats(rw, st);
	return rw;
}

/* now_s: CLOCK_MONOTONIC in seconds (a test that times two paths). */
static inline double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* buf_has: out holds s. */
static inline int
buf_has(const rf_buf *out, const char *s)
{
	return memmem(out->data, out->len, s, strlen(s)) != NULL;
}

/* clean_stats: msg (a message) analysed for r0@example.org, cleaned
 * (rf_rewrite_collect, max_rewrite_edits maxe), its stats in *st and its
 * output in *out (the caller frees it; rf_buf_free). */
static inline void
clean_stats(const char *msg, size_t len, size_t maxe, rf_rewrite_stats *st,
	    rf_buf *out)
{
	rf_rules *rules = shipped_rules();
	rf_message *m = NULL;
	rf_rewrite *rw = NULL;
	rf_limits lim;
	rf_ctx *ctx;

	rf_limits_default(&lim);
	lim.max_rewrite_edits = maxe;
	assert_int_equal(rf_ctx_new(&lim, &ctx, NULL), RF_OK);
	assert_int_equal(rf_message_parse(ctx, msg, len, &m, NULL), RF_OK);
	assert_int_equal(rf_tracking_message(ctx, rules, m, "r0@example.org",
	    NULL), RF_OK);
	rw = rewrite_clean(ctx, m, msg, len, out, st);
	print_message("%zu links %zu bugs rewritten, %zu missed\n", st->links,
	    st->bugs, st->missed);
	rf_rewrite_free(rw);
	rf_message_free(m);
	rf_ctx_free(ctx);
	rf_rules_free(rules);
}

/* clean_seed: the fuzz_rewrite seed fuzz/seeds/fuzz_rewrite/NAME whose
 * first byte is 0 (policy links, recipient r0@example.org, the default
 * max_rewrite_edits: 4096) run through clean_stats. */
static inline void
clean_seed(const char *name, rf_rewrite_stats *st, rf_buf *out)
{
	char path[256];
	size_t len;
	char *data;

	snprintf(path, sizeof(path), "fuzz/seeds/fuzz_rewrite/%s", name);
	data = read_file(path, &len);
	assert_true(len > 0);
	clean_stats(data + 1, len - 1, 4096, st, out);
	free(data);
}

#endif
