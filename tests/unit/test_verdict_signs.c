/* test_verdict_signs.c - deception signs carried with the verdict: a link
 * whose text shows one site's address but leads to another is named in
 * the verdict's signs, in plain words, hosts escaped and cut; benign forms
 * (the same registrable domain, a bare name over a newsletter's tracking
 * link) are not; the sign changes neither the kind nor the score. */
#include "testutil.h"

static rf_verdict
decide(rf_arena *a, const rf_verdict_facts *f)
{
	rf_verdict v;
	rf_error err;

	if (rf_verdict_decide(f, NULL, a, &v, &err) != RF_OK)
		fail_msg("decide: %s", err.msg);
	return v;
}

static rf_verdict_facts
one_off(void)
{
	rf_verdict_facts f;

	memset(&f, 0, sizeof(f));
	f.sender_domain = "bank-alerts.example";
	f.personal_text = -1;
	return f;
}

/* The sign is named; kind, score and reasons stay what they were. */
static void
test_sign_named(void **state)
{
	rf_arena *a = rf_arena_new();
	rf_verdict_facts f = one_off();
	rf_verdict plain, v;
	size_t i;

	plain = decide(a, &f);
	assert_int_equal(plain.nsigns, 0);
	assert_null(plain.signs);
	f.shown[0] = "www.bank.example";
	f.leads_to[0] = "evil.example";
	f.ndeceptive = 1;
	v = decide(a, &f);
	assert_int_equal(v.nsigns, 1);
	assert_string_equal(v.signs[0], "a link's text shows www.bank.example "
	    "but it leads to evil.example (a deception sign)");
	assert_int_equal(v.kind, plain.kind);
	assert_int_equal(v.kind, RF_VERDICT_HAM);
	assert_true(v.score == plain.score);
	assert_int_equal(v.nreasons, plain.nreasons);
	for (i = 0; i < v.nreasons; i++)
		assert_string_equal(v.reasons[i], plain.reasons[i]);

	/* bulk mail keeps its verdict too, and carries the sign */
	f.has_campaign = 1;
	f.campaign_size = f.campaign_copies = 100;
	plain = decide(a, &f);
	assert_int_equal(plain.kind, RF_VERDICT_SPAM);
	assert_int_equal(plain.nsigns, 1);
	f.ndeceptive = 0;
	v = decide(a, &f);
	assert_int_equal(v.nsigns, 0);
	assert_true(v.score == plain.score);
	rf_arena_free(a);
}

/* Hosts are escaped and cut; links beyond the kept pairs are counted. */
static void
test_sign_escaped_and_counted(void **state)
{
	rf_arena *a = rf_arena_new();
	rf_verdict_facts f = one_off();
	char longhost[300];
	rf_verdict v;
	size_t i;

	memset(longhost, 'a', sizeof(longhost) - 1);
	longhost[sizeof(longhost) - 1] = '\0';
	f.shown[0] = "www.bank.example\n\x1b[31m";
	f.leads_to[0] = longhost;
	f.shown[1] = "b.example";
	f.leads_to[1] = "c.example";
	f.shown[2] = "d.example";
	f.leads_to[2] = "e.example";
	f.ndeceptive = 5;
	v = decide(a, &f);
	assert_int_equal(v.nsigns, RF_VERDICT_DECEPTIVE_MAX + 1);
	assert_non_null(strstr(v.signs[0], "www.bank.example\\x0a\\x1b[31m "
	    "but"));
	assert_non_null(strstr(v.signs[0], "aaa... (a deception sign)"));
	assert_int_equal(strlen(v.signs[0]), strlen("a link's text shows "
	    "www.bank.example\\x0a\\x1b[31m but it leads to  (a deception "
	    "sign)") + RF_VERDICT_SIGN_HOST_MAX + 3);
	for (i = 0; i < v.nsigns; i++)
		assert_null(strpbrk(v.signs[i], "\n\x1b"));
	assert_string_equal(v.signs[3], "2 more links whose text shows "
	    "another site than they lead to");
	f.ndeceptive = 4;
	v = decide(a, &f);
	assert_string_equal(v.signs[3], "1 more link whose text shows "
	    "another site than it leads to");
	rf_arena_free(a);
}

#define HEAD \
	"From: \"Your Bank\" <security@bank-alerts.example>\r\n" \
	"To: alice@example.org\r\n" \
	"Subject: verify\r\n" \
	"Content-Type: text/html\r\n\r\n"

/* facts_of: the deception facts of a message whose HTML body is html. */
static void
facts_of(rf_ctx *ctx, rf_rules *rules, const char *html, rf_verdict_facts *f)
{
	char *text;
	rf_message *m;
	rf_error err;

	if ((text = malloc(strlen(HEAD) + strlen(html) + 1)) == NULL)
		fail_msg("out of memory");
	strcpy(text, HEAD);
	strcat(text, html);
	if (rf_message_parse(ctx, text, strlen(text), &m, &err) != RF_OK)
		fail_msg("parse: %s", err.msg);
	assert_int_equal(rf_tracking_message(ctx, rules, m, NULL, &err),
	    RF_OK);
	memset(f, 0, sizeof(*f));
	assert_int_equal(rf_verdict_facts_message(m, NULL, f, &err), RF_OK);
	/* the strings live in m's arena: keep copies for the caller */
	if (f->ndeceptive > 0) {
		f->shown[0] = strdup(f->shown[0]);
		f->leads_to[0] = strdup(f->leads_to[0]);
	}
	rf_message_free(m);
	free(text);
}

static void
free_first(rf_verdict_facts *f)
{
	if (f->ndeceptive > 0) {
		free((char *)f->shown[0]);
		free((char *)f->leads_to[0]);
	}
}

static void
test_facts_from_message(void **state)
{
	static const struct {
		const char *html;
		unsigned n;		/* deceptive links counted */
		const char *shown, *leads_to;
	} cases[] = {
		/* the phishing form: an address over another site's link */
		{ "<a href=\"http://login.bank-alerts.example/verify?id=1\">"
		  "https://www.yourbank.example/login</a>", 1,
		  "www.yourbank.example", "login.bank-alerts.example" },
		{ "<a href=\"http://evil.example/login\">www.bank.example</a>",
		  1, "www.bank.example", "evil.example" },
		/* twice the same pair: named once */
		{ "<a href=\"http://evil.example/a\">www.bank.example</a>"
		  "<a href=\"http://evil.example/b\">www.bank.example</a>", 1,
		  "www.bank.example", "evil.example" },
		/* a look-alike domain */
		{ "<a href=\"http://www.bank.example.evil.test/\">"
		  "www.bank.example</a>", 1, "www.bank.example",
		  "www.bank.example.evil.test" },
		/* benign: the same host, the same registrable domain */
		{ "<a href=\"https://bank.example/login\">www.bank.example</a>",
		  0, NULL, NULL },
		{ "<a href=\"http://e.bank.example/c/123\">"
		  "https://www.bank.example/</a>", 0, NULL, NULL },
		/* benign: a site's name, not an address, over a newsletter's
		 * click-tracking link (corpus: "Dilbert.com") */
		{ "<a href=\"http://ummail4.unitedmedia.com/Click?q=02-qit9\">"
		  "Dilbert.com</a>", 0, NULL, NULL },
		/* no host in the text, or none a link can lead to */
		{ "<a href=\"http://evil.example/\">Click here</a>", 0, NULL,
		  NULL },
		{ "<a href=\"http://www.soft2reg.com/\">www.soft2reg</a>", 0,
		  NULL, NULL },
	};
	rf_ctx *ctx = test_ctx();
	rf_rules *rules = shipped_rules();
	rf_verdict_facts f;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		facts_of(ctx, rules, cases[i].html, &f);
		if (f.ndeceptive != cases[i].n)
			fail_msg("case %zu: %u deceptive links, not %u", i,
			    f.ndeceptive, cases[i].n);
		if (cases[i].n > 0) {
			assert_string_equal(f.shown[0], cases[i].shown);
			assert_string_equal(f.leads_to[0], cases[i].leads_to);
		}
		free_first(&f);
	}
	rf_rules_free(rules);
	rf_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_named),
		cmocka_unit_test(test_sign_escaped_and_counted),
		cmocka_unit_test(test_facts_from_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
