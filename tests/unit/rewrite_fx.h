/*
 * rewrite_fx.h - what the rewriter's tests of one message share: the
 * message analysed for a recipient, collected under one clean policy and
 * written again, and the header of their messages
 * (test_rewrite_unquoted.c, test_rewrite_inquote.c,
 * test_rewrite_sites.c).  Included after testutil.h.
 */
#ifndef REDFLAG_REWRITE_FX_H
#define REDFLAG_REWRITE_FX_H

/* The recipient of the test messages, and their header: RW_FX_FROM (From,
 * To the recipient, Subject), RW_FX_UNSUB (a List-Unsubscribe: bulk),
 * RW_FX_HTML (a single HTML part, then the blank line). */
#define RW_FX_RCPT "jane.doe@rcpt.test"
#define RW_FX_FROM \
    "From: Deals <deals@shop.test>\n" \
    "To: " RW_FX_RCPT "\n" \
    "Subject: Big deals\n"
#define RW_FX_UNSUB "List-Unsubscribe: <https://shop.test/unsub/8812345>\n"
#define RW_FX_HTML \
    "MIME-Version: 1.0\n" \
    "Content-Type: text/html; charset=us-ascii\n" \
    "\n"

/* struct rw_fx: what each test of the rewriter uses: a context and the
 * shipped rules, made once per group by rw_fx_setup (in *state), freed by
 * rw_fx_teardown: cmocka_run_group_tests(tests, rw_fx_setup,
 * rw_fx_teardown). */
struct rw_fx {
	rf_ctx *ctx;
	rf_rules *rules;
};

static inline int
rw_fx_setup(void **state)
{
	struct rw_fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	fx->ctx = test_ctx();
	fx->rules = shipped_rules();
	*state = fx;
	return 0;
}

static inline int
rw_fx_teardown(void **state)
{
	struct rw_fx *fx = *state;

	rf_ctx_free(fx->ctx);
	rf_rules_free(fx->rules);
	free(fx);
	return 0;
}

/* rw_clean: msg (len bytes) analysed for rcpt, collected under the
 * policy p ('l' links, 'k' known, 's' sites), written into *out
 * (NUL-terminated, out->len without the NUL; the caller frees it); the
 * stats in *st.  Fails the test when a step fails. */
static inline void
rw_clean(rf_ctx *ctx, rf_rules *rules, const char *msg, size_t len,
	 const char *rcpt, int p, rf_buf *out, rf_rewrite_stats *st)
{
	rf_message *m = NULL;
	rf_rewrite *rw = NULL;

	assert_int_equal(rf_message_parse(ctx, msg, len, &m, NULL), RF_OK);
	assert_int_equal(rf_tracking_message(ctx, rules, m, rcpt, NULL),
	    RF_OK);
	assert_int_equal(rf_rewrite_new(NULL, &rw, NULL), RF_OK);
	assert_int_equal(p == 's' ? rf_rewrite_collect_sites(rw, m, NULL) :
	    p == 'k' ? rf_rewrite_collect_known(rw, rules, m, NULL) :
	    rf_rewrite_collect(rw, m, NULL), RF_OK);
	assert_int_equal(rf_rewrite_prepare(rw, msg, len, NULL), RF_OK);
	rf_buf_init(out, 0);
	assert_int_equal(rf_rewrite_write(rw, 0, out, NULL), RF_OK);
	assert_int_equal(rf_buf_putc(out, '\0'), 0);
	out->len--;
	rf_rewrite_get_stats(rw, st);
	rf_rewrite_free(rw);
	rf_message_free(m);
}

#endif
