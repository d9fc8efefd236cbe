/*
 * test_rewrite_pixel.c - an open pixel named by its id ("/track/open/
 * <id>.gif": docs/tracking.md, "Opaque tokens", an open pixel's file
 * name) written back under each clean policy.  Under links it is a web bug: emptied wherever
 * it loads (an img src, whatever size it declares, a srcset candidate, a
 * CSS url(), a background attribute) and counted a web bug; before s38
 * its id was replaced by the placeholder ("/track/open/redflag-removed
 * .gif", counted a link rewritten), and the image still loaded from the
 * tracker.  A link (a href) of the same shape is no image and is left;
 * under known an open pixel that declares a real size keeps its URL, as
 * before (the policy reads its reasons: rf_tracking_clean_known); under
 * sites every remote image is emptied anyway.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "rewrite_fx.h"

#define PIX "https://t.shop.test/track/open/9f86d081884c7d659a2feaa0c55ad015" \
    ".gif"
#define SET "https://t.shop.test/open/aB3dE9fG7hJ2kL5mN8pQ.gif"
#define CSS "https://t.shop.test/beacon/Zx81Qw7eRt5yUi3oPa2s.gif"
#define BG "https://t.shop.test/pixel/Q8ZFK2MX7PLW4RTY9VB3NH6SA1.png"
#define VIEW "https://news.shop.test/track/open/k4Jq9ZxT2mWp7RvB3nY8.gif"
#define CLICK "https://click.shop.test/l/q8ZfK2mX7pLw4RtY9vB3nH6s"
#define PROD "https://cdn.shop.test/products/3f9a2b1c8d7e6f5a4b3c2d1e0f9a8b7c" \
    ".jpg"

/* Bulk mail (List-Unsubscribe): four open pixels, a link of their shape,
 * a click link with a code in its path, a content image. */
static const char MSG[] =
    RW_FX_FROM RW_FX_UNSUB RW_FX_HTML
    "<p><a href=\"" VIEW "\">View online</a>\n"
    "<a href=\"" CLICK "\">Shop</a>\n"
    "<img src=\"" PIX "\" width=\"600\" height=\"200\">\n"
    "<img srcset=\"" SET " 1x, https://cdn.shop.test/hero.png 2x\">\n"
    "<div style=\"background:url(" CSS ")\">Sale</div>\n"
    "<table><tr><td background=\"" BG "\">Deals</td></tr></table>\n"
    "<img src=\"" PROD "\" width=\"300\"></p>\n";

/* links: the four pixels emptied, counted web bugs; the click link
 * rewritten; the link of a pixel's shape and the content image left. */
static void
test_links(void **state)
{
	struct rw_fx *fx = *state;
	rf_rewrite_stats st;
	rf_buf out;

	rw_clean(fx->ctx, fx->rules, MSG, sizeof(MSG) - 1, RW_FX_RCPT, 'l',
	    &out, &st);
	assert_true(buf_has(&out, "<img src=\"\" width=\"600\" height=\"200\">"));
	assert_true(buf_has(&out, "<img srcset=\" https://cdn.shop.test/"
	    "hero.png 2x\">"));
	assert_true(buf_has(&out, "style=\"background:url()\""));
	assert_true(buf_has(&out, "<td background=\"\">"));
	assert_false(buf_has(&out, RF_TRACKING_PLACEHOLDER ".gif"));
	assert_false(buf_has(&out, RF_TRACKING_PLACEHOLDER ".png"));
	assert_true(buf_has(&out, "<a href=\"" VIEW "\">"));
	assert_true(buf_has(&out, "<a href=\"https://click.shop.test/l/"
	    RF_TRACKING_PLACEHOLDER "\">"));
	assert_true(buf_has(&out, "<img src=\"" PROD "\""));
	assert_int_equal(st.bugs, 4);
	assert_int_equal(st.links, 1);
	assert_int_equal(st.missed, 0);
	rf_buf_free(&out);
}

/* known: the pixel that declares a real size keeps its URL; the others
 * declare none and are emptied (as before s38). */
static void
test_known(void **state)
{
	struct rw_fx *fx = *state;
	rf_rewrite_stats st;
	rf_buf out;

	rw_clean(fx->ctx, fx->rules, MSG, sizeof(MSG) - 1, RW_FX_RCPT, 'k',
	    &out, &st);
	assert_true(buf_has(&out, "<img src=\"" PIX "\" width=\"600\""));
	assert_true(buf_has(&out, "style=\"background:url()\""));
	assert_true(buf_has(&out, "<td background=\"\">"));
	assert_true(buf_has(&out, "<a href=\"" VIEW "\">"));
	assert_true(buf_has(&out, "<a href=\"" CLICK "\">"));
	assert_int_equal(st.bugs, 3);
	assert_int_equal(st.links, 0);
	assert_int_equal(st.missed, 0);
	rf_buf_free(&out);
}

/* sites: every remote image emptied, the pixels among them. */
static void
test_sites(void **state)
{
	struct rw_fx *fx = *state;
	rf_rewrite_stats st;
	rf_buf out;

	rw_clean(fx->ctx, fx->rules, MSG, sizeof(MSG) - 1, RW_FX_RCPT, 's',
	    &out, &st);
	assert_true(buf_has(&out, "<img src=\"\" width=\"600\" height=\"200\">"));
	assert_true(buf_has(&out, "<td background=\"\">"));
	assert_true(buf_has(&out, "<a href=\"https://news.shop.test/\">"));
	assert_int_equal(st.missed, 0);
	rf_buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_sites),
	};

	return cmocka_run_group_tests(tests, rw_fx_setup, rw_fx_teardown);
}
