/* test_verdict.c - the verdict from facts (spam = bulk AND unsolicited),
 * settings, reasons in plain words, facts read from real messages
 * (tracking counts, list headers, Authentication-Results + DKIM h=). */
#include "testutil.h"

static rf_verdict
decide(rf_arena *a, const rf_verdict_facts *f, const rf_verdict_settings *s)
{
	rf_verdict v;
	rf_error err;

	if (rf_verdict_decide(f, s, a, &v, &err) != RF_OK)
		fail_msg("decide: %s", err.msg);
	assert_true(v.score >= 0.0 && v.score <= 1.0);
	return v;
}

static int
has_reason(const rf_verdict *v, const char *text)
{
	size_t i;

	for (i = 0; i < v->nreasons; i++)
		if (strstr(v->reasons[i], text) != NULL)
			return 1;
	return 0;
}

static rf_verdict_facts
campaign(uint64_t size)
{
	rf_verdict_facts f;

	memset(&f, 0, sizeof(f));
	f.sender_domain = "example.test";
	f.has_campaign = 1;
	f.campaign_size = size;
	f.campaign_copies = size;
	f.personal_text = -1;
	return f;
}

/* A mass appeal to 50 million addresses is spam, whatever its cause. */
static void
test_bulk_unsolicited_is_spam(void **state)
{
	rf_arena *a = rf_arena_new();
	rf_verdict_facts f = campaign(50000000);
	rf_verdict v = decide(a, &f, NULL);

	assert_int_equal(v.kind, RF_VERDICT_SPAM);
	assert_true(v.bulk && v.unsolicited);
	assert_true(v.score >= 0.9);
	assert_true(has_reason(&v, "sent to 50,000,000 recipients"));
	assert_true(has_reason(&v, "you never gave consent to example.test"));
	f.campaign_size = 4812;
	v = decide(a, &f, NULL);
	assert_true(has_reason(&v, "sent to 4,812 recipients"));
	assert_string_equal(rf_verdict_name(v.kind), "spam");
	/* no record could be looked up: spam all the same (no consent on
	 * record), but the reason says why, not "you never gave" (s37) */
	f.consent_unchecked = RF_CONSENT_CHECK_NO_STORE;
	v = decide(a, &f, NULL);
	assert_int_equal(v.kind, RF_VERDICT_SPAM);
	assert_true(has_reason(&v, "no record that you gave consent to "
	    "example.test (no consent store is set up)"));
	assert_false(has_reason(&v, "you never gave consent to example.test"));
	f.consent_unchecked = RF_CONSENT_CHECK_NO_RECIPIENT;
	v = decide(a, &f, NULL);
	assert_true(has_reason(&v, "no record that you gave consent to "
	    "example.test (the recipient is not known)"));
	rf_arena_free(a);
}

/* A newsletter the recipient subscribed to is bulk, however many copies. */
static void
test_bulk_with_consent(void **state)
{
	rf_arena *a = rf_arena_new();
	rf_verdict_facts f = campaign(2000000);
	rf_verdict v;

	f.consent = RF_CONSENT_LIST;
	f.consent_sender = "<news.example.test>";
	f.consent_source = "import";
	f.consent_since = 1714521600;	/* 2024-05-01 */
	v = decide(a, &f, NULL);
	assert_int_equal(v.kind, RF_VERDICT_BULK);
	assert_true(v.bulk && !v.unsolicited);
	assert_true(v.score < 0.5);
	assert_true(has_reason(&v, "you gave consent to the list "
	    "<news.example.test> (import 2024-05-01)"));
	rf_arena_free(a);
}

static void
test_threshold(void **state)
{
	rf_arena *a = rf_arena_new();
	rf_verdict_settings s;
	rf_verdict_facts f = campaign(19);
	rf_verdict v;
	rf_error err;

	rf_verdict_settings_default(&s);
	v = decide(a, &f, &s);
	assert_int_equal(v.kind, RF_VERDICT_HAM);
	assert_true(has_reason(&v, "too few copies"));
	assert_true(v.score < 0.5);
	f.campaign_size = 20;
	v = decide(a, &f, &s);
	assert_int_equal(v.kind, RF_VERDICT_SPAM);
	assert_int_equal(rf_verdict_settings_set(&s, "bulk_size", "100",
	    &err), RF_OK);
	v = decide(a, &f, &s);
	assert_int_equal(v.kind, RF_VERDICT_HAM);
	/* stronger evidence, higher score */
	f.campaign_size = 100;
	v = decide(a, &f, &s);
	f.campaign_size = 100000;
	assert_true(decide(a, &f, &s).score > v.score);
	rf_arena_free(a);
}

/* Personal mail: not bulk, ham, whatever the consent. */
static void
test_personal_is_ham(void **state)
{
	rf_arena *a = rf_arena_new();
	rf_verdict_facts f;
	rf_verdict v;

	memset(&f, 0, sizeof(f));
	f.personal_text = 1;
	f.sender_domain = "friend.test";
	v = decide(a, &f, NULL);
	assert_int_equal(v.kind, RF_VERDICT_HAM);
	assert_false(v.bulk);
	assert_true(has_reason(&v, "no sign of bulk mail"));
	/* codes in a personal text are noted, not bulk */
	f.rcpt_links = 2;
	v = decide(a, &f, NULL);
	assert_int_equal(v.kind, RF_VERDICT_HAM);
	assert_true(has_reason(&v, "2 links carry your address"));
	rf_arena_free(a);
}

/* Codes for this recipient in text that suits anyone: bulk, even before
 * the campaign is large. */
static void
test_tracking_in_generic_text(void **state)
{
	static const char *const sum[] = {
		"3 links carry your address, base64-encoded" };
	rf_arena *a = rf_arena_new();
	rf_verdict_facts f = campaign(2);
	rf_verdict v;

	f.rcpt_links = 3;
	f.tracking = sum;
	f.ntracking = 1;
	f.personal_text = -1;
	assert_int_equal(decide(a, &f, NULL).kind, RF_VERDICT_HAM);
	f.personal_text = 0;
	v = decide(a, &f, NULL);
	assert_int_equal(v.kind, RF_VERDICT_SPAM);
	assert_true(has_reason(&v, "3 links carry your address, "
	    "base64-encoded"));
	assert_true(has_reason(&v, "a mass mailing that tracks its readers"));
	rf_arena_free(a);
}

static void
test_complaints(void **state)
{
	rf_arena *a = rf_arena_new();
	rf_verdict_facts f = campaign(3);
	rf_verdict v;

	f.campaign_complaints = 17;
	v = decide(a, &f, NULL);
	assert_int_equal(v.kind, RF_VERDICT_SPAM);
	assert_string_equal(v.reasons[0], "17 complaints about this campaign");
	f.campaign_complaints = 0;
	f.domain_complaints = 4;
	assert_int_equal(decide(a, &f, NULL).kind, RF_VERDICT_HAM);
	f.domain_complaints = 5;
	v = decide(a, &f, NULL);
	assert_int_equal(v.kind, RF_VERDICT_SPAM);
	assert_true(has_reason(&v, "5 complaints about mail from "
	    "example.test"));
	rf_arena_free(a);
}

/* List headers mark a list, never consent; one-click counts only signed. */
static void
test_list_headers_not_consent(void **state)
{
	rf_arena *a = rf_arena_new();
	rf_verdict_settings s;
	rf_verdict_facts f;
	rf_verdict v;
	rf_error err;

	memset(&f, 0, sizeof(f));
	f.sender_domain = "shop.test";
	f.personal_text = -1;
	f.list_id = 1;
	f.list_unsubscribe = RF_LIST_SIGNED;
	f.one_click = RF_LIST_SIGNED;
	v = decide(a, &f, NULL);
	assert_int_equal(v.kind, RF_VERDICT_SPAM);
	assert_true(has_reason(&v, "List-Id, List-Unsubscribe"));
	assert_true(has_reason(&v, "one-click unsubscribe (RFC 8058), "
	    "signed by shop.test"));
	f.one_click = RF_LIST_UNVERIFIED;
	v = decide(a, &f, NULL);
	assert_true(has_reason(&v, "unverified"));
	f.consent = RF_CONSENT_DOMAIN;
	f.consent_sender = "shop.test";
	assert_int_equal(decide(a, &f, NULL).kind, RF_VERDICT_BULK);
	rf_verdict_settings_default(&s);
	assert_int_equal(rf_verdict_settings_set(&s, "list_headers_bulk",
	    "no", &err), RF_OK);
	f.consent = RF_CONSENT_NONE;
	assert_int_equal(decide(a, &f, &s).kind, RF_VERDICT_HAM);
	rf_arena_free(a);
}

static void
test_classifier(void **state)
{
	rf_arena *a = rf_arena_new();
	rf_verdict_facts f;
	rf_verdict v;

	memset(&f, 0, sizeof(f));
	f.personal_text = -1;
	f.has_classifier = 1;
	f.classifier_p = 0.7;
	v = decide(a, &f, NULL);
	assert_int_equal(v.kind, RF_VERDICT_UNSURE);
	assert_true(has_reason(&v, "the classifier gives 0.70"));
	f.classifier_p = 0.995;
	assert_int_equal(decide(a, &f, NULL).kind, RF_VERDICT_SPAM);
	f.consent = RF_CONSENT_ADDRESS;
	f.consent_sender = "a@b.test";
	assert_int_equal(decide(a, &f, NULL).kind, RF_VERDICT_BULK);
	f.classifier_p = 0.1;
	assert_int_equal(decide(a, &f, NULL).kind, RF_VERDICT_HAM);
	/* campaign evidence wins over the classifier */
	f.consent = RF_CONSENT_NONE;
	f.has_campaign = 1;
	f.campaign_size = 500;
	assert_int_equal(decide(a, &f, NULL).kind, RF_VERDICT_SPAM);
	rf_arena_free(a);
}

/* the probability decides mail in no campaign, by the cutoffs set */
static void
test_classifier_rule(void **state)
{
	rf_arena *a = rf_arena_new();
	rf_verdict_settings s;
	rf_verdict_facts f;
	rf_verdict v;
	rf_error err;

	rf_verdict_settings_default(&s);
	assert_true(s.spam_cutoff == 0.9 && s.ham_cutoff == 0.45);
	assert_int_equal(rf_verdict_settings_set(&s, "spam_cutoff", "0.8",
	    &err), RF_OK);
	assert_int_equal(rf_verdict_settings_set(&s, "ham_cutoff", "0.3",
	    &err), RF_OK);
	memset(&f, 0, sizeof(f));
	f.personal_text = -1;
	f.sender_domain = "shop.example";
	f.has_classifier = 1;
	f.classifier_reasons = "words and hosts typical of spam: viagra";
	f.classifier_p = 0.8;		/* at spam_cutoff */
	v = decide(a, &f, &s);
	assert_int_equal(v.kind, RF_VERDICT_SPAM);
	assert_true(v.score >= 0.5);
	assert_true(has_reason(&v, "typical of spam: viagra"));
	assert_true(has_reason(&v, "spam from 0.80"));
	assert_true(has_reason(&v, "never gave consent to shop.example"));
	f.classifier_p = 0.79;		/* just below: unsure */
	v = decide(a, &f, &s);
	assert_int_equal(v.kind, RF_VERDICT_UNSURE);
	assert_true(has_reason(&v, "classifier is unsure"));
	f.classifier_p = 0.3;		/* at ham_cutoff */
	f.classifier_reasons = "words and hosts typical of wanted mail: "
	    "agenda";
	v = decide(a, &f, &s);
	assert_int_equal(v.kind, RF_VERDICT_HAM);
	assert_true(v.score < 0.5);
	assert_true(has_reason(&v, "typical of wanted mail: agenda"));
	assert_false(has_reason(&v, "consent"));
	f.classifier_p = 0.31;
	assert_int_equal(decide(a, &f, &s).kind, RF_VERDICT_UNSURE);
	/* with the default cutoffs 0.85 is unsure */
	f.classifier_p = 0.85;
	assert_int_equal(decide(a, &f, NULL).kind, RF_VERDICT_UNSURE);
	/* bulk with consent stays bulk whatever the classifier says */
	f.classifier_p = 1.0;
	f.list_id = 1;
	f.consent = RF_CONSENT_LIST;
	f.consent_sender = "<news.shop.example>";
	v = decide(a, &f, &s);
	assert_int_equal(v.kind, RF_VERDICT_BULK);
	assert_true(has_reason(&v, "the consent rule decides"));
	assert_false(has_reason(&v, "typical of"));
	f.classifier_p = 0.0;
	assert_int_equal(decide(a, &f, &s).kind, RF_VERDICT_BULK);
	/* bulk without consent is spam even when the classifier says ham */
	f.consent = RF_CONSENT_NONE;
	assert_int_equal(decide(a, &f, &s).kind, RF_VERDICT_SPAM);
	/* without a classifier: no bulk, ham */
	memset(&f, 0, sizeof(f));
	f.personal_text = -1;
	f.classifier_p = 0.99;		/* ignored: has_classifier is 0 */
	v = decide(a, &f, &s);
	assert_int_equal(v.kind, RF_VERDICT_HAM);
	assert_false(has_reason(&v, "classifier"));
	rf_arena_free(a);
}

static void
test_settings(void **state)
{
	rf_verdict_settings s;
	rf_error err;

	rf_verdict_settings_default(&s);
	assert_int_equal(s.bulk_size, 20);
	assert_int_equal(rf_verdict_settings_set(&s, "bulk_size", "0", &err),
	    RF_EINVAL);
	assert_int_equal(rf_verdict_settings_set(&s, "bulk_size", "12x",
	    &err), RF_EINVAL);
	assert_int_equal(rf_verdict_settings_set(&s, "ham_cutoff", "0.999",
	    &err), RF_EINVAL);
	assert_int_equal(rf_verdict_settings_set(&s, "spam_cutoff", "1.5",
	    &err), RF_EINVAL);
	assert_int_equal(rf_verdict_settings_set(&s, "spam_cutoff", "0.9",
	    &err), RF_OK);
	assert_true(s.spam_cutoff == 0.9);
	assert_int_equal(rf_verdict_settings_set(&s, "nonsense", "1", &err),
	    RF_EINVAL);
}

static rf_message *
parse(rf_ctx *ctx, const char *text)
{
	rf_message *m;
	rf_error err;

	if (rf_message_parse(ctx, text, strlen(text), &m, &err) != RF_OK)
		fail_msg("parse: %s", err.msg);
	return m;
}

#define SIGNED_LIST \
	"Authentication-Results: mx.rcpt.test; dkim=pass (2048-bit key)\r\n" \
	" header.d=news.shop.test header.i=@news.shop.test header.b=AbCd;\r\n" \
	" spf=pass smtp.mailfrom=shop.test\r\n" \
	"DKIM-Signature: v=1; a=rsa-sha256; d=news.shop.test; s=s1;\r\n" \
	"\th=From:To:Subject:List-Unsubscribe:List-Unsubscribe-Post;\r\n" \
	"\tbh=xyz=; b=AbCdEf\r\n ghij=\r\n" \
	"From: Shop <deals@news.shop.test>\r\n" \
	"To: jane@rcpt.test\r\n" \
	"Subject: deals\r\n" \
	"List-Id: Deals <deals.shop.test>\r\n" \
	"List-Unsubscribe: <https://shop.test/u/1>\r\n" \
	"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" \
	"\r\nhello\r\n"

/* auth_of: rf_list_auth of SIGNED_LIST with from overwritten by to (of
 * the same length). */
static void
auth_of(rf_ctx *ctx, const char *from, const char *to, rf_list_sig *u,
	rf_list_sig *o)
{
	char *text = strdup(SIGNED_LIST);
	rf_message *m;

	assert_int_equal(strlen(from), strlen(to));
	memcpy(strstr(text, from), to, strlen(to));
	m = parse(ctx, text);
	rf_list_auth(m, "mx.rcpt.test", u, o);
	rf_message_free(m);
	free(text);
}

static void
test_list_auth(void **state)
{
	rf_ctx *ctx = test_ctx();
	rf_list_sig u, o;
	rf_message *m;

	m = parse(ctx, SIGNED_LIST);
	rf_list_auth(m, "mx.rcpt.test", &u, &o);
	assert_int_equal(u, RF_LIST_SIGNED);
	assert_int_equal(o, RF_LIST_SIGNED);
	/* not the trusted server, or none trusted: unverified */
	rf_list_auth(m, "other.test", &u, &o);
	assert_int_equal(u, RF_LIST_UNVERIFIED);
	assert_int_equal(o, RF_LIST_UNVERIFIED);
	rf_list_auth(m, NULL, &u, &o);
	assert_int_equal(o, RF_LIST_UNVERIFIED);
	rf_message_free(m);

	/* dkim=fail */
	auth_of(ctx, "dkim=pass", "dkim=fail", &u, &o);
	assert_int_equal(o, RF_LIST_UNVERIFIED);
	/* h= without List-Unsubscribe-Post: one-click unverified */
	auth_of(ctx, ":List-Unsubscribe-Post;", ";                      ", &u,
	    &o);
	assert_int_equal(u, RF_LIST_SIGNED);
	assert_int_equal(o, RF_LIST_UNVERIFIED);
	/* a signature by another domain than From's */
	auth_of(ctx, "header.d=news.shop.test", "header.d=evil.testxxxxx", &u,
	    &o);
	assert_int_equal(o, RF_LIST_UNVERIFIED);

	/* no list headers at all */
	m = parse(ctx, "From: a@b.test\r\nTo: c@d.test\r\n\r\nhi\r\n");
	rf_list_auth(m, "mx.rcpt.test", &u, &o);
	assert_int_equal(u, RF_LIST_ABSENT);
	assert_int_equal(o, RF_LIST_ABSENT);
	rf_message_free(m);
	rf_ctx_free(ctx);
}

static void
test_facts_message(void **state)
{
	static const char msg[] =
	    "From: News <news@example.test>\r\n"
	    "To: jane.doe@rcpt.test\r\n"
	    "Subject: offer\r\n"
	    "List-Unsubscribe: <mailto:u@example.test>\r\n"
	    "Content-Type: text/html\r\n\r\n"
	    "<p>Hello <a href=\"https://example.test/c?e=amFuZS5kb2VAcmNwdC50"
	    "ZXN0\">offer</a> <a href=\"https://example.test/about\">about"
	    "</a><img src=\"https://t.example.test/o.gif\" width=1 height=1>"
	    "</p>\r\n";
	rf_ctx *ctx = test_ctx();
	rf_rules *rules;
	rf_verdict_facts f;
	rf_message *m;
	rf_error err;

	rules = shipped_rules();
	m = parse(ctx, msg);
	assert_int_equal(rf_tracking_message(ctx, rules, m, NULL, &err),
	    RF_OK);
	memset(&f, 0, sizeof(f));
	assert_int_equal(rf_verdict_facts_message(m, NULL, &f, &err), RF_OK);
	assert_string_equal(f.recipient, "jane.doe@rcpt.test");
	assert_string_equal(f.sender_domain, "example.test");
	assert_int_equal(f.rcpt_links, 1);
	assert_int_equal(f.web_bugs, 1);
	assert_int_equal(f.list_unsubscribe, RF_LIST_UNVERIFIED);
	assert_int_equal(f.one_click, RF_LIST_ABSENT);
	assert_false(f.list_id);
	assert_true(f.ntracking >= 2);
	rf_message_free(m);
	rf_rules_free(rules);
	rf_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bulk_unsolicited_is_spam),
		cmocka_unit_test(test_bulk_with_consent),
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_personal_is_ham),
		cmocka_unit_test(test_tracking_in_generic_text),
		cmocka_unit_test(test_complaints),
		cmocka_unit_test(test_list_headers_not_consent),
		cmocka_unit_test(test_classifier),
		cmocka_unit_test(test_classifier_rule),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_list_auth),
		cmocka_unit_test(test_facts_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
