/* test_tracking_single.c - codes a single copy of a campaign missed until
 * s39, which only the comparison of copies caught: a ULID (Klaviyo's
 * profile id) whose letters run long, Campaign Monitor's link form on a
 * customer's own domain, GitHub's notification tokens on a static host;
 * and what stays no code (docs/tracking.md, "Opaque tokens";
 * docs/design/tracking-record.md, "Codes a single copy missed (s39)"). */
#include "testutil.h"
#include "tracking_fx.h"

/* must_tok: tok(), which must have found one. */
static const char *
must_tok(struct fx *f, const rf_link *l, const char *reason)
{
	const char *t = tok(f, l, reason);

	if (t == NULL)
		fail_msg("no %s token in %s", reason, l->url);
	return t;
}

/* A ULID: 26 characters of Crockford's base32, a time, 80 random bits. */
static void
test_ulid(void **state)
{
	struct fx *f = *state;
	rf_link *l;

	/* its letters run 11 long: rf__opaque alone missed it */
	l = href(f, "https://coffee.example/roast?c=01HQ3V5Y7K9KFZGFJCKEEJ9HA6"
	    "&utm_source=klaviyo");
	assert_string_equal(must_tok(f, l, "opaque-token"),
	    "01HQ3V5Y7K9KFZGFJCKEEJ9HA6");
	assert_string_equal(l->clean,
	    "https://coffee.example/roast?utm_source=klaviyo");
	/* lower case, in a path segment, a piece between '-' */
	assert_true(href(f, "https://x.example/p/01hq3v5y7kcgyjdqzjcas7rry6/v")
	    ->tracking);
	l = href(f, "https://x.example/p/sub-01HQ3V5Y7KSTPVGGKAPKY3M37N");
	assert_string_equal(must_tok(f, l, "opaque-token"),
	    "01HQ3V5Y7KSTPVGGKAPKY3M37N");
	/* not ULIDs: a letter outside the alphabet, a time before 2000 or
	 * after 2100, mixed case, no random part, the wrong length */
	assert_false(href(f, "https://x.example/?c=01HQ3V5Y7K9KFZGFJCKEEJ9HAU")
	    ->tracking);
	assert_false(href(f, "https://x.example/?c=00HQ3V5Y7K9KFZGFJCKEEJ9HA6")
	    ->tracking);
	assert_false(href(f, "https://x.example/?c=09HQ3V5Y7K9KFZGFJCKEEJ9HA6")
	    ->tracking);
	assert_false(href(f, "https://x.example/?c=01HQ3V5Y7K9KFZGFJCKEEJ9hA6")
	    ->tracking);
	assert_false(href(f, "https://x.example/?c=01HQ3V5Y7K0000000000000000")
	    ->tracking);
	assert_false(href(f, "https://x.example/?c=01HQ3V5Y7K9KFZGFJCKEEJ9HA")
	    ->tracking);
	assert_false(href(f, "https://x.example/?c=01HQ3V5Y7K9KFZGFJCKEEJ9HA66")
	    ->tracking);
	/* a number of 26 digits (an order's: s39's review) */
	assert_false(href(f, "https://shop.example.com/order/0123456789012345"
	    "6789012345")->tracking);
	/* upper-case words and codes: no time first */
	assert_false(href(f, "https://x.example/?p=SPRINGCOLLECTIONPREVIEW2025")
	    ->tracking);
	/* a shared host is no place for codes */
	assert_false(href(f, "https://docs.google.com/d/01HQ3V5Y7K9KFZGFJCKEEJ"
	    "9HA6/edit")->tracking);
}

/* Campaign Monitor's link form after "/t/", on any host. */
static void
test_campaign_monitor(void **state)
{
	struct fx *f = *state;
	rf_link *l;

	l = href(f, "https://news.brand.example/t/d-l-khuhdjy-ykjyhkhtd-r/");
	assert_string_equal(must_tok(f, l, "opaque-token"), "ykjyhkhtd");
	assert_string_equal(l->clean, "https://news.brand.example/t/d-l-"
	    "khuhdjy-" RF_TRACKING_PLACEHOLDER "-r/");
	l = href(f, "https://news.brand.example/t/d-u-khuhdjy-ykjyhkhtd/");
	assert_string_equal(must_tok(f, l, "opaque-token"), "ykjyhkhtd");
	l = img(f, "https://news.brand.example/t/d-o-khuhdjy-ykjyhkhtd/o.gif",
	    RF_LINK_IMG, -1, -1, NULL, 0, RF_TRK_OPAQUE);
	assert_true(has_reason(l, "opaque-token"));
	assert_true(has_reason(l, "web-bug:token"));
	/* on its own host too, beside the host rule */
	l = href(f, "https://designmag.createsend1.com/t/r-l-huljrzz-yfwsewf-"
	    "r/");
	assert_true(has_reason(l, "known-host:campaign-monitor"));
	assert_string_equal(must_tok(f, l, "opaque-token"), "yfwsewf");
	/* a web version read by no subscriber ("l"), slugs, other paths,
	 * other cases, digits, more pieces */
	assert_false(href(f, "https://news.brand.example/t/t-e-nhldrtl-l-r/")
	    ->tracking);
	assert_false(href(f, "https://blog.example/t/the-l-word-season-two/")
	    ->tracking);
	assert_false(href(f, "https://blog.example/t/a-b-cd-efgh/")->tracking);
	assert_false(href(f, "https://blog.example/x/d-l-khuhdjy-ykjyhkhtd-r/")
	    ->tracking);
	assert_false(href(f, "https://blog.example/t/D-L-KHUHDJY-YKJYHKHTD-R/")
	    ->tracking);
	assert_false(href(f, "https://blog.example/t/d-l-khuhdjy-ykjy2khtd-r/")
	    ->tracking);
	assert_false(href(f, "https://blog.example/t/d-l-khuhdjy-ykjyhkhtd-r-x")
	    ->tracking);
	assert_false(href(f, "https://blog.example/t/d-l-khuhdjy--r/")
	    ->tracking);
	assert_false(href(f, "https://blog.example/tt/d-l-khuhdjy-ykjyhkhtd/")
	    ->tracking);
	/* a forum's topic slugs (Discourse's /t/SLUG/ID), whatever their
	 * first words (found by s39's review: "I'm", "A/B", "x-y") */
	assert_false(href(f, "https://forum.example.org/t/i-m-getting-errors/"
	    "1234")->tracking);
	assert_false(href(f, "https://forum.example.org/t/a-b-testing-"
	    "results/99")->tracking);
	assert_false(href(f, "https://forum.example.org/t/i-d-like-help-"
	    "please/77")->tracking);
	assert_false(href(f, "https://community.example.com/t/x-y-plots-"
	    "broken/5")->tracking);
	assert_false(href(f, "https://community.example.com/t/a-l-long-"
	    "words/5/2")->tracking);
	assert_false(href(f, "https://community.example.com/t/a-b-long-"
	    "words")->tracking);
	/* and ids of lower-case letters alone stay no code elsewhere */
	assert_false(href(f, "https://click.brand.example/c/qhtzkwpxjrmbvnsdfy")
	    ->tracking);
}

/* GitHub's notification tokens: github.com is static, the rules name the
 * paths. */
static void
test_github(void **state)
{
	struct fx *f = *state;
	rf_link *l;

	l = href(f, "https://github.com/notifications/unsubscribe-auth/AAAYMV7"
	    "4R24FLQM2LXPYTNL4BKIMBAVCNFSM6AAAAACNQL6BBKVHI2DSMVQWIX3LMV43OSLTO"
	    "N2WKQ3PNVWWK3TUHMZTMNBVHAZDQOJSGA");
	assert_true(has_reason(l, "known-host:github"));
	assert_string_equal(l->clean,
	    "https://github.com/" RF_TRACKING_PLACEHOLDER);
	assert_true(href(f, "https://github.com/notifications/unsubscribe-auth/"
	    "AAb34sr7aMsWRt2-EZ0DUTcu_0dCcxmwks5rMJqIgaJpZM4KGBgW")->tracking);
	assert_true(href(f, "https://github.com/notifications/unsubscribe/AAb34"
	    "sr7aMsWRt2-EZ0DUTcu_0dCcxmwks5rMJqIgaJpZM4KGBgW")->tracking);
	/* its open pixel, sized by nothing */
	l = img(f, "https://github.com/notifications/beacon/AAAYMV74R24FLQM2LXP"
	    "YTNL4BKIMBAVCNFSM6AAAAACNQL6BBK.gif", RF_LINK_IMG, -1, -1, NULL, 0,
	    RF_TRK_OPAQUE);
	assert_true(has_reason(l, "known-host:github"));
	assert_true(has_reason(l, "web-bug:token"));
	/* the rest of github.com is shared documents */
	assert_false(href(f, "https://github.com/notifications")->tracking);
	assert_false(href(f, "https://github.com/ulid/spec/issues/5#issuecomm"
	    "ent-2142633805")->tracking);
	assert_false(href(f, "https://github.com/o/r/commit/88e8725e22f375e8b5"
	    "4a0e907231b3c3d41bf18a")->tracking);
}

/* HubSpot's ids as its click links and preference links carry them were
 * found before s39 already (the audit's "d" ids): kept here so that they
 * stay found. */
static void
test_hubspot(void **state)
{
	struct fx *f = *state;
	rf_link *l;

	l = href(f, "https://cGhbS04.na1.hubspotlinks.com/Ctc/GD+113/cGhbS04/VV"
	    "XPBk69_T7dW5mnZZd80Rvy2W3QbRmh5lL-C0N6WXHZH3pyd0W7lCdLW6lZ3p5W1KWp"
	    "G-8nD_5rN95pcCFmcW2SW5QVH4g7GgHMqN4cXfXdnQ50SW50NJj21R35xvW50DT");
	assert_true(has_reason(l, "known-host:hubspot"));
	assert_true(has_reason(l, "opaque-token"));
	l = href(f, "https://info.brand.example/hs/manage-preferences/unsubscri"
	    "be?languagePreference=en&d=Vnl2sp3SYp1LW3q0D5N4K1Q_SW1y_Tl24ktdsNN"
	    "2NnpBrVh2F0W8sBgTd2Qc_bTW5NQ3N46pQj1lW1lZZCx7DX0XnW3h0r2W&v=3");
	assert_true(has_reason(l, "opaque-token"));
	assert_string_equal(l->clean, "https://info.brand.example/hs/manage-"
	    "preferences/unsubscribe?languagePreference=en&v=3");
}

/* A message of one copy, with and without List-Id: the shapes count in
 * bulk mail only, GitHub's rule (a tracking host) in both. */
static const char msg_fmt[] =
    "From: news@brand.example\n"
    "To: john.smith@example.com\n"
    "%s"
    "Subject: s\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/html\n\n"
    "<a href=\"https://coffee.example/r?c=01HQ3V5Y7K9KFZGFJCKEEJ9HA6\">a</a>\n"
    "<a href=\"https://news.brand.example/t/d-l-khuhdjy-ykjyhkhtd-r/\">b</a>\n"
    "%s";

static rf_message *
analysed(struct fx *f, const char *hdr, const char *more)
{
	rf_message *m = NULL;
	rf_error err;
	char *data;

	data = rf_arena_printf(f->a, msg_fmt, hdr, more);
	assert_int_equal(rf_message_parse(f->ctx, data, strlen(data), &m, &err),
	    RF_OK);
	assert_int_equal(rf_tracking_message(f->ctx, f->rules, m, ADDR, &err),
	    RF_OK);
	return m;
}

static void
test_policy(void **state)
{
	struct fx *f = *state;
	const char *gh = "<a href=\"https://github.com/notifications/unsubscrib"
	    "e-auth/AAAYMV74R24FLQM2LXPYTNL4BKIMBAVCNFSM6AAAAACN\">u</a>\n";
	rf_message *m;
	size_t i;

	m = analysed(f, "List-Id: News <news.brand.example>\n", "");
	assert_int_equal(m->links.n, 2);
	for (i = 0; i < 2; i++)
		assert_true(m->links.v[i].tracking);
	rf_message_free(m);
	m = analysed(f, "", "");
	for (i = 0; i < 2; i++)
		assert_false(m->links.v[i].tracking);
	rf_message_free(m);
	/* GitHub's token makes the mail bulk by its links */
	m = analysed(f, "", gh);
	assert_int_equal(m->links.n, 3);
	for (i = 0; i < 3; i++)
		assert_true(m->links.v[i].tracking);
	rf_message_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ulid),
		cmocka_unit_test(test_campaign_monitor),
		cmocka_unit_test(test_github),
		cmocka_unit_test(test_hubspot),
		cmocka_unit_test(test_policy),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
