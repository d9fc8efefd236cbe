/* fuzz_rcpts.c - libFuzzer target: the shared analysis of one message for
 * many envelope recipients (rf_analysis_prepare, rf_analysis_recipient)
 * against rf_analysis_message on a fresh copy of the message for each
 * recipient.  Every link's tracking flag, tokens, reasons and clean form,
 * the fingerprint, the analysis' findings and the limits hit must be the
 * same (abort on a difference).
 *
 * Input: byte 0 is the number of recipients (bits 0-1, plus one), the
 * limits (bits 2-4: 0-3 the defaults, 4-7 small ones) and, when bit 5 is
 * set, a trained classifier in the verdict (bits 6-7 choose the campaign
 * sizes its recipients are given, size_for: the shared path scores
 * tokens made once per value of what in them may depend on the
 * recipient, whether a link identifies them and the size bucket, so
 * recipients share a bucket or not); then one byte per recipient choosing
 * its address (rcpt_make); the rest is the message.  The classifier (a
 * SQLite file in a temporary folder, removed at exit) learns
 * tests/data/rcpts/many-html.eml as spam and tests/golden/forwarded.eml
 * as wanted mail, when they are there.
 * The tracking rules are data/trackers.conf (run from the source tree,
 * as fuzz/run.sh does), else $REDFLAG_RULES, else none. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <redflag/redflag.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NCFG 8		/* limits configurations (byte 0, bits 2-4) */
#define MAX_RCPTS 4
#define ADDR_MAX 200

static const char *const fixed[] = {
	"r0@example.org", "r1@example.org", "r2@example.org",
	"r3@example.org", "R1@Example.ORG", "jane.doe@example.org",
	"alice.archer@example.org", "not an address", "someone.else@example.com",
	"", "a@b", "bob@example.org" };

static void
fail(const char *rcpt, const char *what)
{
	fprintf(stderr, "fuzz_rcpts: shared and one-recipient analyses "
	    "differ for recipient %s: %s\n", rcpt != NULL ? rcpt : "(NULL)",
	    what);
	abort();
}

static int
str_differ(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

static int
word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0x80;
}

static int
addr_char(unsigned char c)
{
	return word_char(c) || c == '.' || c == '_' || c == '-' || c == '+';
}

/* nth_word: the k-th (modulo their number) word of at least 2 bytes in
 * s[0..n) as [*beg, *beg + *len); 0 when there is none. */
static int
nth_word(const char *s, size_t n, unsigned k, size_t *beg, size_t *len)
{
	size_t i, j, count = 0, round;

	for (round = 0; round < 2; round++) {
		for (i = 0; i < n; i = j) {
			for (j = i; j < n && word_char((unsigned char)s[j]);
			    j++)
				;
			if (j - i >= 2) {
				if (round == 1 && count-- == 0) {
					*beg = i;
					*len = j - i > 60 ? 60 : j - i;
					return 1;
				}
				if (round == 0)
					count++;
			}
			if (j == i)
				j++;
		}
		if (count == 0)
			return 0;
		count = k % count;
	}
	return 0;
}

/* nth_at: the k-th (modulo) address in s: '@' or "%40" with address
 * bytes around it, copied as local@domain into out. */
static int
nth_at(const char *s, size_t n, unsigned k, char *out, size_t size)
{
	size_t i, count = 0, l, r, w, round;

	for (round = 0; round < 2; round++) {
		for (i = 0; i < n; i++) {
			w = s[i] == '@' ? 1 : i + 2 < n && s[i] == '%' &&
			    s[i + 1] == '4' && s[i + 2] == '0' ? 3 : 0;
			if (w == 0)
				continue;
			if (round == 1 && count-- == 0) {
				for (l = i; l > 0 && i - l < 60 &&
				    addr_char((unsigned char)s[l - 1]); l--)
					;
				for (r = i + w; r < n && r - i - w < 60 &&
				    addr_char((unsigned char)s[r]); r++)
					;
				snprintf(out, size, "%.*s@%.*s", (int)(i - l),
				    s + l, (int)(r - i - w), s + i + w);
				return 1;
			}
			if (round == 0)
				count++;
		}
		if (count == 0)
			return 0;
		count = k % count;
	}
	return 0;
}

/* rcpt_make: the address selector sel chooses, in out, from the message
 * s (NULL: the message's own recipient): a fixed address, a word of the
 * message at example.org, an address of the message, two words of it
 * as first.last, or NULL. */
static const char *
rcpt_make(unsigned sel, const char *s, size_t n, char *out, size_t size)
{
	size_t b1, l1, b2, l2;
	unsigned k = sel / 5;

	switch (sel % 5) {
	case 0:
		return fixed[k % (sizeof(fixed) / sizeof(fixed[0]))];
	case 1:
		if (!nth_word(s, n, k, &b1, &l1))
			return fixed[0];
		snprintf(out, size, "%.*s@example.org", (int)l1, s + b1);
		return out;
	case 2:
		return nth_at(s, n, k, out, size) ? out : fixed[1];
	case 3:
		if (!nth_word(s, n, k, &b1, &l1) ||
		    !nth_word(s, n, k + 1, &b2, &l2))
			return fixed[2];
		snprintf(out, size, "%.*s.%.*s@example.com", (int)l1, s + b1,
		    (int)l2, s + b2);
		return out;
	default:
		return NULL;
	}
}

/* limits_for: the limits of configuration i. */
static void
limits_for(unsigned i, rf_limits *lim)
{
	rf_limits_default(lim);
	lim->max_links = 200;
	lim->max_mime_parts = 64;
	lim->max_mime_depth = 16;
	switch (i) {
	case 4:
		lim->max_url_tokens = 1;
		lim->max_url_size = 70;
		lim->max_unwrap_depth = 0;
		break;
	case 5:
		lim->max_url_tokens = 2;
		lim->max_unwrap_depth = 1;
		break;
	case 6:
		lim->max_url_tokens = 3;
		lim->max_url_size = 24;
		break;
	case 7:
		lim->max_url_tokens = 2;
		lim->max_url_size = 40;
		lim->max_text_size = 300;
		lim->max_links = 4;
		lim->max_unwrap_depth = 0;
		break;
	default:
		break;
	}
}

static rf_rules *
rules_load(void)
{
	const char *paths[2] = { "data/trackers.conf", getenv("REDFLAG_RULES") };
	rf_rules *r = NULL;
	char *text = NULL;
	size_t len = 0, cap = 0, got;
	unsigned i;
	FILE *f = NULL;

	for (i = 0; i < 2 && f == NULL; i++)
		if (paths[i] != NULL)
			f = fopen(paths[i], "rb");
	if (f == NULL)
		fprintf(stderr, "fuzz_rcpts: no data/trackers.conf: no rules\n");
	while (f != NULL) {
		if (len == cap) {
			char *t = realloc(text, cap = cap * 2 + 65536);

			if (t == NULL)
				abort();
			text = t;
		}
		if ((got = fread(text + len, 1, cap - len, f)) == 0)
			break;
		len += got;
	}
	if (f != NULL)
		fclose(f);
	if (rf_rules_parse(text != NULL ? text : "", len, &r, NULL) != RF_OK)
		abort();
	free(text);
	return r;
}

/* same_links: every link of x (one-recipient analysis) as in y (shared),
 * embedded messages too. */
static void
same_links(const rf_message *x, const rf_message *y, const char *rcpt)
{
	size_t i, k;

	if (x->links.n != y->links.n || x->nembedded != y->nembedded)
		fail(rcpt, "number of links or embedded messages");
	for (i = 0; i < x->links.n; i++) {
		const rf_link *a = &x->links.v[i], *b = &y->links.v[i];

		if (str_differ(a->url, b->url))
			fail(rcpt, "link url");
		if (a->tracking != b->tracking)
			fail(rcpt, "link tracking flag");
		if (a->ntokens != b->ntokens)
			fail(rcpt, "link number of tokens");
		for (k = 0; k < a->ntokens; k++)
			if (a->tokens[k].off != b->tokens[k].off ||
			    a->tokens[k].len != b->tokens[k].len ||
			    str_differ(a->tokens[k].reason,
			    b->tokens[k].reason))
				fail(rcpt, "link token");
		if (a->nreasons != b->nreasons)
			fail(rcpt, "link number of reasons");
		for (k = 0; k < a->nreasons; k++)
			if (str_differ(a->reasons[k], b->reasons[k]))
				fail(rcpt, "link reason");
		if (str_differ(a->clean, b->clean))
			fail(rcpt, "link clean form");
	}
	for (i = 0; i < x->nembedded; i++)
		same_links(x->embedded[i], y->embedded[i], rcpt);
}

static void
same_fp(const rf_fingerprint *a, const rf_fingerprint *b, const char *rcpt)
{
	unsigned i;

	if (a->version != b->version || a->kind != b->kind ||
	    a->nwords != b->nwords)
		fail(rcpt, "fingerprint version, kind or nwords");
	for (i = 0; i < RF_FP_HASHES; i++)
		if (a->h[i] != b->h[i])
			fail(rcpt, "fingerprint hash");
}

static void
same_reasons(const char **a, size_t na, const char **b, size_t nb,
	     const char *rcpt, const char *what)
{
	size_t i;

	if (na != nb)
		fail(rcpt, what);
	for (i = 0; i < na; i++)
		if (str_differ(a[i], b[i]))
			fail(rcpt, what);
}

/* The classifier's database, removed at exit. */
static char cls_dir[64], cls_path[128];

static void
cls_remove(void)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char p[sizeof(cls_path) + 8];
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", cls_path, suffix[i]);
		unlink(p);
	}
	rmdir(cls_dir);
}

/* cls_learn: the message in file path learned as spam or not (nothing
 * when it cannot be read). */
static void
cls_learn(rf_classifier *c, rf_ctx *ctx, const char *path, int spam)
{
	static char buf[1 << 20];
	rf_message *m = NULL;
	FILE *f = fopen(path, "rb");
	size_t n;
	int changed;

	if (f == NULL)
		return;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (rf_message_parse(ctx, buf, n, &m, NULL) != RF_OK ||
	    rf_classifier_learn(c, ctx, m, NULL, spam, &changed, NULL) !=
	    RF_OK)
		abort();
	rf_message_free(m);
}

/* cls_open: a trained classifier (min_learned 1) in a new folder. */
static rf_classifier *
cls_open(rf_ctx *ctx)
{
	rf_classifier *c = NULL;
	rf_cls_params p;

	snprintf(cls_dir, sizeof(cls_dir), "/tmp/fuzz_rcpts-XXXXXX");
	if (mkdtemp(cls_dir) == NULL)
		abort();
	snprintf(cls_path, sizeof(cls_path), "%s/tokens.db", cls_dir);
	atexit(cls_remove);
	rf_cls_params_default(&p);
	p.min_learned = 1;
	if (rf_classifier_open(cls_path, &p, &c, NULL) != RF_OK ||
	    rf_classifier_begin(c, NULL) != RF_OK)
		abort();
	cls_learn(c, ctx, "tests/data/rcpts/many-html.eml", 1);
	cls_learn(c, ctx, "tests/golden/forwarded.eml", 0);
	if (rf_classifier_commit(c, NULL) != RF_OK)
		abort();
	return c;
}

/* size_for: the campaign size the verdict of recipient i gets with the
 * classifier, by mode (bits 6-7 of byte 0): all none, all 50, one of
 * each bucket in turn, two by two. */
static uint64_t
size_for(unsigned mode, size_t i)
{
	static const uint64_t sizes[] = { 0, 1, 5, 50, 500, 5000 };

	switch (mode) {
	case 0:
		return 0;
	case 1:
		return 50;
	case 2:
		return sizes[i % 6];
	default:
		return sizes[(i / 2 + 1) % 6];
	}
}

static void
same_cls(const rf_analysis *x, const rf_analysis *y, const char *r)
{
	size_t i;

	if (x->classified != y->classified || x->cls.p != y->cls.p ||
	    x->cls.cls != y->cls.cls || x->cls.ntokens != y->cls.ntokens ||
	    x->cls.nused != y->cls.nused ||
	    x->cls.untrained != y->cls.untrained ||
	    x->cls.limit_hit != y->cls.limit_hit ||
	    x->cls.nspammy != y->cls.nspammy ||
	    x->cls.nhammy != y->cls.nhammy ||
	    str_differ(x->facts.classifier_reasons,
	    y->facts.classifier_reasons))
		fail(r, "classifier result");
	for (i = 0; i < x->cls.nspammy; i++)
		if (str_differ(x->cls.spammy[i].text, y->cls.spammy[i].text) ||
		    x->cls.spammy[i].f != y->cls.spammy[i].f)
			fail(r, "classifier spammy tokens");
	for (i = 0; i < x->cls.nhammy; i++)
		if (str_differ(x->cls.hammy[i].text, y->cls.hammy[i].text) ||
		    x->cls.hammy[i].f != y->cls.hammy[i].f)
			fail(r, "classifier hammy tokens");
}

/* one_rcpt: recipient r analysed on a fresh copy of the message and
 * compared with an, the shared analysis of y, the verdict given campaign
 * size size; the limits the fresh one hit are added to *hit. */
static void
one_rcpt(rf_ctx *ctx, const rf_analysis_cfg *cfg, const char *msg,
	 size_t len, const char *r, rf_analysis *an, rf_message *y,
	 uint64_t size, unsigned *hit)
{
	rf_message *x = NULL;
	rf_analysis ax;
	rf_status st;

	if (rf_message_parse(ctx, msg, len, &x, NULL) != RF_OK)
		fail(r, "the copy does not parse");
	st = rf_analysis_message(ctx, cfg, x, r, &ax, NULL);
	if (st != RF_OK)
		fail(r, "rf_analysis_message failed");
	*hit |= x->limits_hit;
	if (str_differ(ax.recipient, an->recipient))
		fail(r, "recipient");
	same_links(x, y, r);
	same_fp(&ax.fp, &an->fp, r);
	if (ax.ntracking != an->ntracking)
		fail(r, "ntracking");
	same_reasons(ax.reasons, ax.nreasons, an->reasons, an->nreasons, r,
	    "findings");
	if (ax.in_campaign != an->in_campaign)
		fail(r, "in_campaign");
	/* the shared message gathers every recipient's limits, as it did
	 * when rf_analysis_message ran for each in turn */
	if (y->limits_hit != *hit)
		fail(r, "limits hit");
	/* the verdict from the findings (no store, no consent) */
	if (rf_analysis_verdict(cfg, &ax, size, 0, 0, NULL) != RF_OK ||
	    rf_analysis_verdict(cfg, an, size, 0, 0, NULL) != RF_OK)
		fail(r, "rf_analysis_verdict failed");
	same_cls(&ax, an, r);
	if (ax.verdict.kind != an->verdict.kind ||
	    ax.verdict.bulk != an->verdict.bulk ||
	    ax.verdict.score != an->verdict.score)
		fail(r, "verdict");
	same_reasons(ax.verdict.reasons, ax.verdict.nreasons,
	    an->verdict.reasons, an->verdict.nreasons, r, "verdict reasons");
	rf_message_free(x);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rf_ctx *ctxs[NCFG];	/* made once per fuzzing process */
	static rf_rules *rules;
	static rf_classifier *cls;
	char addrs[MAX_RCPTS][ADDR_MAX];
	const char *rcpts[MAX_RCPTS], *msg;
	rf_analysis_shared sh;
	rf_analysis_cfg cfg;
	rf_analysis an;
	rf_message *y = NULL;
	rf_limits lim;
	size_t nrcpts, len, i;
	unsigned c, hit;

	if (size < 1)
		return 0;
	if (rules == NULL)
		rules = rules_load();
	nrcpts = (size_t)(data[0] & 3) + 1;
	c = (data[0] >> 2) & 7;
	if (ctxs[c] == NULL) {
		limits_for(c, &lim);
		if (rf_ctx_new(&lim, &ctxs[c], NULL) != RF_OK)
			abort();
	}
	if (size < 1 + nrcpts)
		return 0;
	msg = (const char *)data + 1 + nrcpts;
	len = size - 1 - nrcpts;
	for (i = 0; i < nrcpts; i++)
		rcpts[i] = rcpt_make(data[1 + i], msg, len, addrs[i],
		    sizeof(addrs[i]));
	if (rf_message_parse(ctxs[c], msg, len, &y, NULL) != RF_OK)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.rules = rules;
	if (data[0] & 0x20) {
		if (cls == NULL)
			cls = cls_open(ctxs[c]);
		cfg.classifier = cls;
	}
	if (rf_analysis_prepare(ctxs[c], &cfg, y, &sh, NULL) != RF_OK)
		abort();
	hit = y->limits_hit;
	for (i = 0; i < nrcpts; i++) {
		if (rf_analysis_recipient(ctxs[c], &cfg, y, &sh, rcpts[i], &an,
		    NULL) != RF_OK)
			fail(rcpts[i], "rf_analysis_recipient failed");
		one_rcpt(ctxs[c], &cfg, msg, len, rcpts[i], &an, y,
		    cfg.classifier == NULL ? 0 : size_for(data[0] >> 6, i),
		    &hit);
	}
	rf_message_free(y);
	return 0;
}
