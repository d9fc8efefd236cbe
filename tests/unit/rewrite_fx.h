/*
 * rewrite_fx.h - what the rewriter's tests of one message share: the
 * message analysed for a recipient, collected under one clean policy and
 * written again (test_rewrite_unquoted.c, test_rewrite_inquote.c).
 * Included after testutil.h.
 */
#ifndef REDFLAG_REWRITE_FX_H
#define REDFLAG_REWRITE_FX_H

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
