/* test_summary_fast.c - rf_tracking_summary (lib/tracking_summary.c), which
 * looks each token's finding up once (at most one prefix of its table
 * starts a reason), against the way it replaces, kept here as
 * summary_ref: every finding's prefix compared with every token of every
 * link.  The same strings for the fixtures' and generated messages'
 * links as analysed for several recipients, and for links given random
 * tokens from every reason there is (and a few near misses), with more
 * names than a finding lists. */
#include "testutil.h"

#include "../../lib/internal.h"

#define SUMMARY_NAMES 4

struct finding {
	const char *prefix;
	const char *one, *many;
	int list;
};

/* lib/tracking_summary.c's table, read through rf__summary_finding (at
 * most MAX_FINDINGS rows; load_findings checks). */
#define MAX_FINDINGS 32
static struct finding findings[MAX_FINDINGS];
static size_t NFINDINGS;

/* load_findings: findings[] from the library's table. */
static void
load_findings(void)
{
	size_t i;

	for (i = 0; i < MAX_FINDINGS && rf__summary_finding(i,
	    &findings[i].prefix, &findings[i].one, &findings[i].many,
	    &findings[i].list); i++)
		;
	NFINDINGS = i;
	assert_true(NFINDINGS > 0 && NFINDINGS < MAX_FINDINGS);
}

struct tally {
	size_t count[MAX_FINDINGS];
	const char *names[MAX_FINDINGS][SUMMARY_NAMES];
	size_t nnames[MAX_FINDINGS];
};

static void
note_name(struct tally *t, size_t f, const char *name)
{
	size_t i;

	for (i = 0; i < t->nnames[f]; i++)
		if (strcmp(t->names[f][i], name) == 0)
			return;
	if (t->nnames[f] < SUMMARY_NAMES)
		t->names[f][t->nnames[f]++] = name;
}

/* count_ref: the count of tracking_summary.c as it was. */
static int
count_ref(rf_link *l, void *arg)
{
	struct tally *t = arg;
	size_t f, i, plen;
	int seen;

	if (l->ntokens == 0)
		return 0;
	for (f = 0; f < NFINDINGS; f++) {
		plen = strlen(findings[f].prefix);
		seen = 0;
		for (i = 0; i < l->ntokens; i++) {
			if (strncmp(l->tokens[i].reason, findings[f].prefix,
			    plen) != 0)
				continue;
			seen = 1;
			if (findings[f].list)
				note_name(t, f, l->tokens[i].reason + plen);
		}
		t->count[f] += seen;
	}
	return 0;
}

/* check: rf_tracking_summary of m against the reference's strings. */
static void
check(rf_message *m)
{
	struct tally t;
	const char **sum;
	char want[1024], names[512];
	rf_error err;
	size_t n, f, i, k = 0;

	memset(&t, 0, sizeof(t));
	rf_tracking_walk(m, count_ref, &t);
	assert_int_equal(rf_tracking_summary(m, &sum, &n, &err), RF_OK);
	for (f = 0; f < NFINDINGS; f++) {
		if (t.count[f] == 0)
			continue;
		if (t.count[f] == 1)
			snprintf(want, sizeof(want), "%s", findings[f].one);
		else
			snprintf(want, sizeof(want), "%zu %s", t.count[f],
			    findings[f].many);
		if (findings[f].list && t.nnames[f] > 0) {
			snprintf(names, sizeof(names), "%s", t.names[f][0]);
			for (i = 1; i < t.nnames[f]; i++) {
				size_t o = strlen(names);

				snprintf(names + o, sizeof(names) - o, ", %s",
				    t.names[f][i]);
			}
			snprintf(want + strlen(want), sizeof(want) -
			    strlen(want), " (%s)", names);
		}
		assert_true(k < n);
		assert_string_equal(sum[k], want);
		k++;
	}
	assert_int_equal(k, n);
}

static const char *const files[] = {
    "tests/data/rcpts/many-html.eml", "tests/data/rcpts/many-text.eml",
    "tests/data/trackers/hubspot.eml", "tests/data/trackers/klaviyo.eml",
    "tests/data/trackers/mailchimp.eml", "tests/data/trackers/mailgun.eml",
    "tests/data/trackers/sendgrid.eml", "tests/data/trackers/ses.eml",
    "tests/golden/forwarded.eml", "tests/golden/html-amp.eml" };

static const char *const rcpts[] = { NULL, "r0@example.org",
    "r1@example.org", "r2@example.org", "r3@example.org",
    "jane.doe@example.org" };

static void
test_messages(void **state)
{
	rf_ctx *ctx = test_ctx();
	rf_rules *rules = NULL;
	rf_message *m;
	rf_error err;
	size_t i, r, len;
	char *text;

	(void)state;
	load_findings();
	rules = shipped_rules();
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		text = read_file(files[i], &len);
		for (r = 0; r < sizeof(rcpts) / sizeof(rcpts[0]); r++) {
			assert_int_equal(rf_message_parse(ctx, text, len, &m,
			    &err), RF_OK);
			assert_int_equal(rf_tracking_message(ctx, rules, m,
			    rcpts[r], &err), RF_OK);
			check(m);
			rf_message_free(m);
		}
		free(text);
	}
	rf_rules_free(rules);
	rf_ctx_free(ctx);
}

/* Every reason a token can have, names beyond SUMMARY_NAMES, and near
 * misses that are no finding. */
static const char *const reasons[] = {
	"recipient-plain", "recipient-urlencoded", "recipient-base64",
	"recipient-hex", "recipient-md5", "recipient-sha1", "recipient-sha256",
	"recipient-sha512", "recipient-base32", "recipient-verp",
	"recipient-local-part", "other-address",
	"web-bug:1x1",
	"web-bug:hidden", "web-bug:token", "varies-in-campaign",
	"opaque-token", "known-host:mailchimp", "known-host:hubspot",
	"known-host:sendgrid", "known-host:klaviyo", "known-host:ses",
	"known-host:mailchimp", "known-param:utm", "known-param:mc_eid",
	"known-param:_hsenc", "known-param:fbclid", "known-param:gclid",
	"known-param:", "known-host:", "recipient-", "recipient",
	"known-par", "web-bug", "varies", "opaque", "other", "" };

static uint64_t
rng(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static void
test_random(void **state)
{
	rf_ctx *ctx = test_ctx();
	rf_message *m;
	rf_error err;
	uint64_t seed = 0x5eed5eedULL;
	size_t round, i, k, len, nr = sizeof(reasons) / sizeof(reasons[0]);
	char *text;

	(void)state;
	load_findings();
	text = read_file("tests/data/rcpts/many-html.eml", &len);
	for (round = 0; round < 300; round++) {
		assert_int_equal(rf_message_parse(ctx, text, len, &m, &err),
		    RF_OK);
		assert_true(m->links.n > 10);
		for (i = 0; i < m->links.n; i++) {
			rf_link *l = &m->links.v[i];

			l->ntokens = (size_t)(rng(&seed) % 6);
			l->tokens = rf_arena_array(m->arena, l->ntokens + 1,
			    sizeof(*l->tokens));
			assert_non_null(l->tokens);
			for (k = 0; k < l->ntokens; k++)
				l->tokens[k].reason =
				    reasons[rng(&seed) % nr];
			/* a few links only: findings of one */
			if (round % 3 == 0 && i > 3)
				l->ntokens = 0;
		}
		check(m);
		rf_message_free(m);
	}
	free(text);
	rf_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
