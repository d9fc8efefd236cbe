/* test_analysis_shared.c - one message analysed for many recipients as
 * the pipeline does (rf_analysis_prepare once, then for each recipient
 * on one message object rf_analysis_recipient, rf_analysis_campaign with
 * a store holding earlier copies, rf_analysis_verdict) against the same
 * steps on a freshly parsed message for each recipient
 * (rf_analysis_message), and against the ways the verdict's inputs are
 * otherwise made:
 *  - the tracking findings of the verdict's facts (an->found, which
 *    rf_analysis_reasons made) against rf_verdict_facts_message summing
 *    them afresh from the links as they are;
 *  - the verdict (kind, score, reasons) of both paths;
 *  - with a trained classifier: its result (probability, class, token
 *    counts, the tokens that weighed most, reasons), which the shared
 *    path scores from tokens made once for each value of what in them
 *    may depend on the recipient (rf__cls_vary: a link identifies the
 *    recipient or not, the campaign size bucket), against
 *    rf_classifier_classify tokenizing each fresh message, for campaign
 *    sizes of every bucket, a message where only one recipient's address
 *    makes a link identifying, and a small max_tokens. */
#include "dbutil.h"

#include "../../lib/internal.h"

struct fixture {
	rf_ctx *ctx;
	rf_rules *rules;
	struct tmpdb sdb;	/* the campaign store's file */
	rf_store *store;
	struct tmpdb cdb;	/* the classifier's */
	rf_classifier *cls[2];	/* defaults; small max_tokens, bigrams */
};

/* Learned as spam and as wanted mail (min_learned 1). */
static const char *const spam_files[] = {
    "tests/data/rcpts/many-html.eml", "tests/data/trackers/hubspot.eml",
    "tests/data/trackers/klaviyo.eml", "tests/data/trackers/ses.eml" };
static const char *const ham_files[] = {
    "tests/golden/forwarded.eml", "tests/golden/idn.eml",
    "tests/golden/qp-soft-break.eml", "tests/golden/rfc2047.eml" };

static void
learn(struct fixture *f, const char *path, int spam)
{
	rf_message *m;
	rf_error err;
	size_t len;
	char *text = read_file(path, &len);
	int changed;

	assert_int_equal(rf_message_parse(f->ctx, text, len, &m, &err), RF_OK);
	assert_int_equal(rf_classifier_learn(f->cls[0], f->ctx, m, NULL, spam,
	    &changed, &err), RF_OK);
	rf_message_free(m);
	free(text);
}

static void
open_classifiers(struct fixture *f)
{
	rf_cls_params p;
	rf_error err;
	size_t i;

	tmpdb_make(&f->cdb, "ashcls", "tokens.db");
	rf_cls_params_default(&p);
	p.min_learned = 1;
	if (rf_classifier_open(f->cdb.path, &p, &f->cls[0], &err) != RF_OK)
		fail_msg("classifier: %s", err.msg);
	assert_int_equal(rf_classifier_begin(f->cls[0], &err), RF_OK);
	for (i = 0; i < sizeof(spam_files) / sizeof(spam_files[0]); i++)
		learn(f, spam_files[i], 1);
	for (i = 0; i < sizeof(ham_files) / sizeof(ham_files[0]); i++)
		learn(f, ham_files[i], 0);
	assert_int_equal(rf_classifier_commit(f->cls[0], &err), RF_OK);
	p.max_tokens = 40;
	p.bigrams = 1;
	if (rf_classifier_open(f->cdb.path, &p, &f->cls[1], &err) != RF_OK)
		fail_msg("classifier: %s", err.msg);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	rf_error err;

	assert_non_null(f);
	f->ctx = test_ctx();
	f->rules = shipped_rules();
	tmpdb_make(&f->sdb, "ashared", "store.db");
	if (rf_store_open(f->sdb.path, NULL, &f->store, &err) != RF_OK)
		fail_msg("store: %s", err.msg);
	open_classifiers(f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	rf_store_close(f->store);
	tmpdb_remove(&f->sdb);
	rf_classifier_close(f->cls[0]);
	rf_classifier_close(f->cls[1]);
	tmpdb_remove(&f->cdb);
	rf_rules_free(f->rules);
	rf_ctx_free(f->ctx);
	free(f);
	return 0;
}

/* The recipients, in this order on one message: NULL (the message's
 * own), the generated messages' r0..r4 (r0..r3 encoded in links), other
 * case, the fixtures' own, not an address, nobody in the message, r0
 * again. */
static const char *const rcpts[] = {
	NULL, "r0@example.org", "r1@example.org", "r2@example.org",
	"r3@example.org", "r4@example.org", "R1@Example.ORG",
	"jane.doe@example.org", "not an address", "someone.else@example.com",
	"r0@example.org" };

static const char *const files[] = {
    "tests/data/rcpts/many-html.eml", "tests/data/rcpts/many-text.eml",
    "tests/data/trackers/hubspot.eml", "tests/data/trackers/mailchimp.eml",
    "tests/data/trackers/sendgrid.eml", "tests/golden/forwarded.eml",
    "tests/golden/html-amp.eml" };

/* variant: text with every "/o/" (the generated messages' opaque ids)
 * made "/o/N": a copy of the same campaign whose links differ there. */
static char *
variant(const char *text, size_t len, int n, size_t *out)
{
	char *v = malloc(2 * len + 1), *o = v;
	size_t i;

	assert_non_null(v);
	for (i = 0; i < len; i++) {
		*o++ = text[i];
		if (i >= 2 && memcmp(text + i - 2, "/o/", 3) == 0)
			*o++ = (char)('0' + n);
	}
	*o = '\0';
	*out = (size_t)(o - v);
	return v;
}

/* add_copies: three earlier copies of text (variants) in the store, for
 * recipients of their own. */
static void
add_copies(struct fixture *f, const rf_analysis_cfg *cfg, const char *text,
	   size_t len)
{
	char rcpt[64];
	rf_analysis an;
	rf_message *m;
	rf_error err;
	size_t vlen;
	char *v;
	int k;

	for (k = 0; k < 3; k++) {
		v = variant(text, len, k, &vlen);
		snprintf(rcpt, sizeof(rcpt), "copy%d@example.net", k);
		assert_int_equal(rf_message_parse(f->ctx, v, vlen, &m, &err),
		    RF_OK);
		assert_int_equal(rf_analysis_message(f->ctx, cfg, m, rcpt, &an,
		    &err), RF_OK);
		assert_int_equal(rf_analysis_campaign(f->ctx, cfg, &an, 1,
		    1000 + k, &err), RF_OK);
		rf_message_free(m);
		free(v);
	}
}

static void
same_strings(const char *const *a, size_t na, const char *const *b,
	     size_t nb)
{
	size_t i;

	assert_int_equal(na, nb);
	for (i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
}

/* The values of rf__cls_vary seen (bits), trained results compared. */
static unsigned vary_seen;
static size_t trained;

static void
same_tokens(const rf_cls_token *a, size_t na, const rf_cls_token *b,
	    size_t nb)
{
	size_t i;

	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		assert_string_equal(a[i].text, b[i].text);
		assert_true(a[i].f == b[i].f);
		assert_int_equal(a[i].nspam, b[i].nspam);
		assert_int_equal(a[i].nham, b[i].nham);
	}
}

/* same_cls: the classifier's results of x and y agree. */
static void
same_cls(const rf_analysis *x, const rf_analysis *y)
{
	assert_int_equal(x->classified, y->classified);
	if (!x->classified)
		return;
	trained += !y->cls.untrained;
	assert_true(x->cls.p == y->cls.p);
	assert_int_equal(x->cls.cls, y->cls.cls);
	assert_int_equal(x->cls.ntokens, y->cls.ntokens);
	assert_int_equal(x->cls.nused, y->cls.nused);
	assert_int_equal(x->cls.untrained, y->cls.untrained);
	assert_int_equal(x->cls.limit_hit, y->cls.limit_hit);
	same_tokens(x->cls.spammy, x->cls.nspammy, y->cls.spammy,
	    y->cls.nspammy);
	same_tokens(x->cls.hammy, x->cls.nhammy, y->cls.hammy,
	    y->cls.nhammy);
	assert_int_equal(x->facts.has_classifier, y->facts.has_classifier);
	assert_true(x->facts.classifier_p == y->facts.classifier_p);
	if (x->facts.classifier_reasons != NULL ||
	    y->facts.classifier_reasons != NULL) {
		assert_non_null(x->facts.classifier_reasons);
		assert_non_null(y->facts.classifier_reasons);
		assert_string_equal(x->facts.classifier_reasons,
		    y->facts.classifier_reasons);
	}
}

/* same_analysis: the verdicts of x (fresh) and y (shared) agree, and y's
 * facts hold the findings rf_verdict_facts_message sums afresh. */
static void
same_analysis(const rf_analysis *x, const rf_analysis *y)
{
	rf_verdict_facts fresh;
	rf_error err;

	same_cls(x, y);
	assert_int_equal(x->verdict.kind, y->verdict.kind);
	assert_true(x->verdict.score == y->verdict.score);
	same_strings(x->reasons, x->nreasons, y->reasons, y->nreasons);
	same_strings(x->facts.tracking, x->facts.ntracking, y->facts.tracking,
	    y->facts.ntracking);
	assert_int_equal(x->facts.rcpt_links, y->facts.rcpt_links);
	assert_int_equal(x->facts.code_links, y->facts.code_links);
	assert_int_equal(x->facts.web_bugs, y->facts.web_bugs);
	memset(&fresh, 0, sizeof(fresh));
	fresh.recipient = y->recipient;
	assert_int_equal(rf_verdict_facts_message(y->m, NULL, &fresh, &err),
	    RF_OK);
	same_strings(fresh.tracking, fresh.ntracking, y->facts.tracking,
	    y->facts.ntracking);
	assert_int_equal(fresh.rcpt_links, y->facts.rcpt_links);
	assert_int_equal(fresh.code_links, y->facts.code_links);
	assert_int_equal(fresh.web_bugs, y->facts.web_bugs);
}

/* Campaign sizes the verdict is given instead of the store's (SIZE_MAX),
 * one of each of the classifier's buckets, in turn over the recipients. */
static const uint64_t sizes[] = { SIZE_MAX, 0, 1, 2, 9, 10, 99, 100, 999,
    1000, 123456 };


/* steps: rf_analysis_campaign (look-up only) and rf_analysis_verdict of
 * an, as the pipeline runs them (size SIZE_MAX: the campaign's, else
 * size); *varies counts links the campaign found varying. */
static void
steps(struct fixture *f, const rf_analysis_cfg *cfg, rf_analysis *an,
      uint64_t size, size_t *varies)
{
	rf_cls_facts cf;
	rf_error err;
	size_t i, k;

	assert_int_equal(rf_analysis_campaign(f->ctx, cfg, an, 0, 2000, &err),
	    RF_OK);
	for (i = 0; i < an->m->links.n; i++)
		for (k = 0; k < an->m->links.v[i].ntokens; k++)
			*varies += strcmp(an->m->links.v[i].tokens[k].reason,
			    "varies-in-campaign") == 0;
	if (size == SIZE_MAX)
		size = an->in_campaign ? an->campaign.size : 0;
	memset(&cf, 0, sizeof(cf));
	cf.campaign_size = (unsigned long)size;
	vary_seen |= 1u << rf__cls_vary(an->m, &cf);
	assert_int_equal(rf_analysis_verdict(cfg, an, size,
	    an->campaign.copies, an->campaign.complaints, &err), RF_OK);
}

/* compare: text for every recipient, one message from its shared
 * analysis (y) against a fresh one each (x); returns the links found
 * varying in the campaign on the shared path. */
static size_t
compare(struct fixture *f, const rf_analysis_cfg *cfg, const char *text,
	size_t len)
{
	rf_analysis_shared sh;
	rf_analysis ax, ay;
	rf_message *x, *y;
	rf_error err;
	size_t i, vx = 0, vy = 0;
	uint64_t size;

	assert_int_equal(rf_message_parse(f->ctx, text, len, &y, &err), RF_OK);
	assert_int_equal(rf_analysis_prepare(f->ctx, cfg, y, &sh, &err),
	    RF_OK);
	for (i = 0; i < sizeof(rcpts) / sizeof(rcpts[0]); i++) {
		assert_int_equal(rf_message_parse(f->ctx, text, len, &x, &err),
		    RF_OK);
		assert_int_equal(rf_analysis_message(f->ctx, cfg, x, rcpts[i],
		    &ax, &err), RF_OK);
		size = cfg->classifier != NULL ?
		    sizes[i % (sizeof(sizes) / sizeof(sizes[0]))] : SIZE_MAX;
		steps(f, cfg, &ax, size, &vx);
		assert_int_equal(rf_analysis_recipient(f->ctx, cfg, y, &sh,
		    rcpts[i], &ay, &err), RF_OK);
		steps(f, cfg, &ay, size, &vy);
		same_analysis(&ax, &ay);
		rf_message_free(x);
	}
	assert_int_equal(vx, vy);
	rf_message_free(y);
	return vy;
}

static void
test_found(void **state)
{
	struct fixture *f = *state;
	rf_analysis_cfg cfg;
	size_t i, len, varies = 0;
	char *text;

	memset(&cfg, 0, sizeof(cfg));
	cfg.rules = f->rules;
	cfg.store = f->store;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		text = read_file(files[i], &len);
		add_copies(f, &cfg, text, len);
		varies += compare(f, &cfg, text, len);
		free(text);
	}
	/* the campaign changed the links after rf_analysis_recipient: the
	 * findings were made again */
	assert_true(varies > 0);
}

/* A message whose one link identifies only r0 (its address): the token
 * "fact:tracking-code" for r0 alone. */
static const char one_link[] =
    "From: News <news@shop.example>\r\n"
    "To: r0@example.org\r\n"
    "Subject: Welcome to the shop\r\n"
    "Message-ID: <one-link@shop.example>\r\n"
    "\r\n"
    "Welcome! Your account is ready: https://www.shop.example/welcome?u="
    "r0@example.org\r\n"
    "Our opening hours: https://www.shop.example/hours\r\n";

static void
test_classifier(void **state)
{
	struct fixture *f = *state;
	rf_analysis_cfg cfg;
	size_t i, c, len;
	char *text;

	memset(&cfg, 0, sizeof(cfg));
	cfg.rules = f->rules;
	cfg.store = f->store;
	vary_seen = 0;
	for (c = 0; c < 2; c++) {
		cfg.classifier = f->cls[c];
		for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			text = read_file(files[i], &len);
			compare(f, &cfg, text, len);
			free(text);
		}
		compare(f, &cfg, one_link, sizeof(one_link) - 1);
	}
	/* every bucket, with and without a link identifying */
	assert_int_equal(vary_seen, (1u << RF__CLS_VARY) - 1);
	assert_true(trained > 100);
}

/* A recipient given in any case is the analysis's in lower case, as one
 * read from the headers is, on both paths; one in lower case already is
 * the caller's string, not a copy; the findings are the same. */
static void
test_recipient_case(void **state)
{
	struct fixture *f = *state;
	static const char lower[] = "r0@example.org";
	rf_analysis_shared sh;
	rf_analysis_cfg cfg;
	rf_analysis ax, ay, az;
	rf_message *x, *y;
	rf_error err;

	memset(&cfg, 0, sizeof(cfg));
	cfg.rules = f->rules;
	assert_int_equal(rf_message_parse(f->ctx, one_link,
	    sizeof(one_link) - 1, &x, &err), RF_OK);
	assert_int_equal(rf_analysis_message(f->ctx, &cfg, x,
	    "R0@Example.ORG", &ax, &err), RF_OK);
	assert_string_equal(ax.recipient, lower);
	assert_int_equal(ax.ntracking, 1);
	assert_int_equal(rf_message_parse(f->ctx, one_link,
	    sizeof(one_link) - 1, &y, &err), RF_OK);
	assert_int_equal(rf_analysis_prepare(f->ctx, &cfg, y, &sh, &err),
	    RF_OK);
	assert_int_equal(rf_analysis_recipient(f->ctx, &cfg, y, &sh,
	    "r0@EXAMPLE.org", &ay, &err), RF_OK);
	assert_string_equal(ay.recipient, lower);
	assert_int_equal(rf_analysis_recipient(f->ctx, &cfg, y, &sh, lower,
	    &az, &err), RF_OK);
	assert_ptr_equal(az.recipient, lower);
	assert_int_equal(ay.ntracking, az.ntracking);
	rf_message_free(x);
	rf_message_free(y);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found),
		cmocka_unit_test(test_classifier),
		cmocka_unit_test(test_recipient_case),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
