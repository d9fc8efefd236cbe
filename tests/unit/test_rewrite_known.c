/*
 * test_rewrite_known.c - a message written back under the clean policy
 * known (rf_rewrite_collect_known): click wrappers whose known parameter
 * is their whole payload (SendGrid's /ls/click?upn=, Klaviyo's,
 * Salesforce Marketing Cloud's ?qs=) are left working and counted kept,
 * each once, and not when another recipient's policy rewrites them;
 * content images whose only sign is an opaque id are left, web bugs by
 * their form emptied.  Before s37 the wrappers became ".../ls/click" and
 * "https://cl.S7.exct.net/" (dead links) and the content images were
 * emptied.  docs/tracking.md, "The policy known".
 */
#include <string.h>

#include "testutil.h"
#include "rewrite_fx.h"

#define RCPT RW_FX_RCPT

#define SG "https://u1234567.ct.sendgrid.net/ls/click?upn=u001.Xk29fLq81ZpQ7" \
    "wTm-2BAbCdEfGhIjKlMnOpQrStUvWxYz0123456789-2FabcdEFghIJ-3D-3DqW3e"
#define KL "https://trk.klclick.com/ls/click?upn=u001.Xk29fLq81ZpQ7wTm-2BAb" \
    "CdEfGhIjKlMnOpQrStUvWxYz0123456789"
#define SF "https://cl.S7.exct.net/?qs=3f9a2b1c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4" \
    "f3a3f9a2b1c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a"
#define MC "https://x.us5.list-manage.com/track/click?u=9a8b7c6d5e4f3a2b1c0d" \
    "9e8f7&amp;id=a1b2c3d4e5&amp;e=a9cce2cf63"
#define IMG "https://braze-images.com/appboy/communication/assets/image_asse" \
    "ts/images/5f1a2b3c4d5e6f7a8b9c0d1e/original.png"

/* Bulk mail (List-Unsubscribe): the SendGrid wrapper twice (text and
 * HTML), Klaviyo's and Salesforce's, Mailchimp's click link, a content
 * image with an asset id and a 1x1 web bug. */
static const char MSG[] =
    RW_FX_FROM RW_FX_UNSUB
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/alternative; boundary=b\n"
    "\n"
    "--b\n"
    "Content-Type: text/plain\n"
    "\n"
    "Reset your password: " SG "\n"
    "--b\n"
    "Content-Type: text/html\n"
    "\n"
    "<p><a href=\"" SG "\">Reset</a> <a href=\"" KL "\">Shop</a>\n"
    "<a href=\"" SF "\">Stores</a> <a href=\"" MC "\">News</a>\n"
    "<img src=\"" IMG "\" width=\"600\" alt=\"Sale\">\n"
    "<img src=\"https://t.shop.test/o.gif?r=8812345\" width=\"1\" "
    "height=\"1\"></p>\n"
    "--b--\n";

/* clean: MSG analysed for RCPT and collected with the policies named in
 * order ('l' links, 'k' known; one analysis each, as for several
 * recipients of one copy); the output in *out, the stats in *st. */
static void
clean(const char *order, rf_buf *out, rf_rewrite_stats *st)
{
	rf_rules *rules = shipped_rules();
	rf_ctx *ctx = test_ctx();
	rf_message *m = NULL;
	rf_rewrite *rw = NULL;
	const char *o;

	assert_int_equal(rf_message_parse(ctx, MSG, sizeof(MSG) - 1, &m,
	    NULL), RF_OK);
	assert_int_equal(rf_rewrite_new(NULL, &rw, NULL), RF_OK);
	for (o = order; *o != '\0'; o++) {
		assert_int_equal(rf_tracking_message(ctx, rules, m, RCPT,
		    NULL), RF_OK);
		assert_int_equal(*o == 'k' ? rf_rewrite_collect_known(rw,
		    rules, m, NULL) : rf_rewrite_collect(rw, m, NULL), RF_OK);
	}
	assert_int_equal(rf_rewrite_prepare(rw, MSG, sizeof(MSG) - 1, NULL),
	    RF_OK);
	rf_buf_init(out, 0);
	assert_int_equal(rf_rewrite_write(rw, 0, out, NULL), RF_OK);
	assert_int_equal(rf_buf_putc(out, '\0'), 0);
	out->len--;
	rf_rewrite_get_stats(rw, st);
	rf_rewrite_free(rw);
	rf_message_free(m);
	rf_ctx_free(ctx);
	rf_rules_free(rules);
}

/* known: the three wrappers stay as they are (the SendGrid one in both
 * parts), counted kept once each; Mailchimp's link loses e; the content
 * image stays; the web bug is emptied. */
static void
test_known(void **state)
{
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	clean("k", &out, &st);
	assert_non_null(strstr(out.data, "Reset your password: " SG "\n"));
	assert_non_null(strstr(out.data, "<a href=\"" SG "\">"));
	assert_non_null(strstr(out.data, "<a href=\"" KL "\">"));
	assert_non_null(strstr(out.data, "<a href=\"" SF "\">"));
	assert_non_null(strstr(out.data, "<a href=\"https://x.us5.list-manage"
	    ".com/track/click?u=9a8b7c6d5e4f3a2b1c0d9e8f7&amp;id=a1b2c3d4e5\">"
	    ));
	assert_non_null(strstr(out.data, "<img src=\"" IMG "\""));
	assert_non_null(strstr(out.data, "<img src=\"\" width=\"1\""));
	assert_int_equal(st.kept, 3);
	assert_int_equal(st.links, 1);
	assert_int_equal(st.bugs, 1);
	assert_int_equal(st.missed, 0);
	rf_buf_free(&out);
}

/* links: every wrapper neutralised, nothing kept; and a copy for two
 * recipients, one under known and one under links (either order): the
 * links policy's forms win, and nothing is said kept. */
static void
test_links(void **state)
{
	static const char *const orders[] = { "l", "kl", "lk" };
	rf_rewrite_stats st;
	rf_buf out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		clean(orders[i], &out, &st);
		if (strstr(out.data, SG) != NULL || strstr(out.data, KL) !=
		    NULL || strstr(out.data, SF) != NULL)
			fail_msg("%s left a wrapper:\n%s", orders[i],
			    out.data);
		if (st.kept != 0)
			fail_msg("%s: %zu kept", orders[i], st.kept);
		rf_buf_free(&out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_links),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
