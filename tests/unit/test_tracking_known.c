/* test_tracking_known.c - the clean policy known per link
 * (rf_tracking_clean_known, lib/tracking_known.c): a click wrapper whose
 * known parameter is its whole payload is kept as it is; an image is
 * emptied only as a web bug by its form, on a tracking host, with an
 * address, or with an opaque id and no declared size, not for an opaque
 * id on an image of declared real size.  docs/tracking.md, "The policy
 * known". */
#include "testutil.h"
#include "tracking_fx.h"

/* known: l's clean form under the policy known; *wrapper set. */
static const char *
known(struct fx *f, const rf_link *l, int *wrapper)
{
	const char *out = NULL;
	rf_error err;

	if (rf_tracking_clean_known(f->rules, f->a, l, &out, wrapper,
	    &err) != RF_OK)
		fail_msg("rf_tracking_clean_known: %s", err.msg);
	assert_non_null(out);
	return out;
}

/* A click wrapper whose known parameter is all its query holds (campaign
 * tags aside) is kept as it is; one that keeps other parameters (the
 * account and campaign of Mailchimp's) loses the known one; a plain
 * link loses it too. */
static void
test_wrappers(void **state)
{
	static const char *const kept[] = {
		"https://u1234567.ct.sendgrid.net/ls/click?upn=u001.Xk29fLq8"
		    "1ZpQ7wTm-2BAbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
		"https://u1234567.ct.sendgrid.net/wf/click?upn=u001.Xk29fLq8"
		    "1ZpQ7wTm-2BAbCdEfGhIjKlMnOpQrSt&utm_source=nl",
		"https://trk.klclick.com/ls/click?upn=u001.Xk29fLq81ZpQ7wTm-"
		    "2BAbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
		"https://cl.S7.exct.net/?qs=3f9a2b1c8d7e6f5a4b3c2d1e0f9a8b7c"
		    "6d5e4f3a3f9a2b1c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a",
	};
	struct fx *f = *state;
	const char *c;
	rf_link *l;
	size_t i;
	int w;

	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		l = href(f, kept[i]);
		assert_true(l->tracking);
		/* the policy links still neutralises it */
		assert_string_not_equal(l->clean, l->url);
		w = -1;
		c = known(f, l, &w);
		assert_string_equal(c, l->url);
		assert_int_equal(w, 1);
	}
	/* Mailchimp's click link keeps u and id: e goes, it still works */
	l = href(f, "https://x.us5.list-manage.com/track/click?u=9a8b7c6d5e4f"
	    "3a2b1c0d9e8f7&id=a1b2c3d4e5&e=a9cce2cf63");
	c = known(f, l, &w);
	assert_string_equal(c, "https://x.us5.list-manage.com/track/click?u="
	    "9a8b7c6d5e4f3a2b1c0d9e8f7&id=a1b2c3d4e5");
	assert_int_equal(w, 0);
	/* not on a tracking host: the destination itself, which works */
	l = href(f, "https://shop.example/?mc_eid=ab12cd34ef");
	c = known(f, l, NULL);
	assert_string_equal(c, "https://shop.example/");
}

/* Images: emptied as web bugs by their form (1x1, hidden), on a
 * provider's tracking host or path, with the recipient's address in the
 * URL, or with an opaque id and no declared real size; kept when they
 * declare a real size and an opaque id is their only sign (a CDN's
 * asset id, a gravatar hash), less their known parameters. */
static void
test_images(void **state)
{
	static const char *const content[] = {
		"https://braze-images.com/appboy/communication/assets/image_"
		    "assets/images/5f1a2b3c4d5e6f7a8b9c0d1e/original.png",
		"https://images.squarespace-cdn.com/content/v1/5f1a2b3c4d5e6f"
		    "7a8b9c0d1e/1600000000000-ABCDEFGHIJ1234567890/hero.jpg",
		"https://image.s7.exacttarget.com/lib/fe9712737162037f76/m/1/"
		    "3c5a1d2e-7f8a-4b9c-a0d1-e2f3a4b5c6d7.png",
		"https://images.ctfassets.net/abc123xyz9k/5GzEx2HQfIrqkvC1u7wH"
		    "6C/8e3b8a5b3f4d0d0b8f0c3d6a2e1f4b7c/hero.png",
		"https://www.gravatar.com/avatar/205e460b479e2e5b48aec07710c08"
		    "d50?s=80",
	};
	struct fx *f = *state;
	rf_link *l;
	size_t i;

	for (i = 0; i < sizeof(content) / sizeof(content[0]); i++) {
		l = img(f, content[i], RF_LINK_IMG, 600, -1, NULL, 0,
		    RF_TRK_OPAQUE);
		assert_true(has_reason(l, "web-bug:token"));
		assert_true(has_reason(l, "opaque-token"));
		assert_string_equal(known(f, l, NULL), l->url);
	}
	/* an opaque id and a known parameter: the parameter goes */
	l = img(f, "https://cdn.shop.example/img/3f9a2b1c8d7e6f5a4b3c2d1e0f9"
	    "a8b7c/hero.jpg?_hsenc=p2ANqtz-8abc", RF_LINK_IMG, 600, 300, NULL,
	    0, RF_TRK_OPAQUE);
	assert_string_equal(known(f, l, NULL), "https://cdn.shop.example/img/"
	    "3f9a2b1c8d7e6f5a4b3c2d1e0f9a8b7c/hero.jpg");
	/* the same id on an image that declares no real size (no size,
	 * or only a 1 px width): it may be an unsized pixel */
	l = img(f, content[0], RF_LINK_IMG, -1, -1, NULL, 0, RF_TRK_OPAQUE);
	assert_string_equal(known(f, l, NULL), "");
	l = img(f, content[0], RF_LINK_IMG, 1, -1, NULL, 0, RF_TRK_OPAQUE);
	assert_string_equal(known(f, l, NULL), "");
	/* a size by CSS counts as the attributes do (CSS wins) */
	l = img(f, content[0], RF_LINK_IMG, -1, -1, "width:600px", 0,
	    RF_TRK_OPAQUE);
	assert_string_equal(known(f, l, NULL), l->url);
	/* by form: tiny, zero-sized, hidden */
	l = img(f, "https://t.shop.example/o.gif?r=5f1a2b3c4d5e6f7a8b9c0d1e",
	    RF_LINK_IMG, 1, 1, NULL, 0, RF_TRK_OPAQUE);
	assert_string_equal(known(f, l, NULL), "");
	l = img(f, "https://t.shop.example/o.gif", RF_LINK_IMG, 600, 0, NULL,
	    0, RF_TRK_OPAQUE);
	assert_string_equal(known(f, l, NULL), "");
	l = img(f, "https://t.shop.example/o.gif", RF_LINK_IMG, 600, 300,
	    "display:none", 0, RF_TRK_OPAQUE);
	assert_string_equal(known(f, l, NULL), "");
	/* an open pixel named by its id (s37): sized by a class redflag
	 * cannot see, or one way only; a declared real size is kept */
	l = img(f, "https://t.shop.example/track/open/9f86d081884c7d659a2fea"
	    "a0c55ad015.gif", RF_LINK_IMG, -1, -1, NULL, 0, RF_TRK_OPAQUE);
	assert_string_equal(known(f, l, NULL), "");
	l = img(f, "https://t.shop.example/img/hero.gif", RF_LINK_IMG, 1, -1,
	    NULL, 0, RF_TRK_OPAQUE);
	assert_string_equal(known(f, l, NULL), "");
	l = img(f, "https://t.shop.example/open/9f86d081884c7d659a2feaa0c55ad"
	    "015.jpg", RF_LINK_IMG, 600, 300, NULL, 0, RF_TRK_OPAQUE);
	assert_string_equal(known(f, l, NULL), l->url);
	/* a provider's open-tracking host or path, at any size */
	l = img(f, "https://x.us5.list-manage.com/track/open.php?u=9a8b7c6d5e"
	    "4f3a2b1c0d9e8f7&id=a1b2c3d4e5&e=a9cce2cf63", RF_LINK_IMG, -1, -1,
	    NULL, 0, RF_TRK_OPAQUE);
	assert_string_equal(known(f, l, NULL), "");
	l = img(f, "https://links.shop.example/wf/open?upn=u001.Xk29fLq81ZpQ"
	    "7wTm-2BAbCdEfGhIjKl", RF_LINK_IMG, 600, 300, NULL, 0,
	    RF_TRK_OPAQUE);
	assert_string_equal(known(f, l, NULL), "");
	/* the recipient's address in the URL: its load names the reader */
	l = img(f, "https://img.shop.example/banner.png?for=" ADDR,
	    RF_LINK_IMG, 600, 300, NULL, 0, RF_TRK_OPAQUE);
	assert_true(has_reason(l, "web-bug:token"));
	assert_string_equal(known(f, l, NULL), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrappers),
		cmocka_unit_test(test_images),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
