/* test_tracking_message.c - the analysis of one message's links
 * (lib/tracking_message.c): the step for mail that is not bulk keeps what
 * it drops, and the comparison of copies gives a link it flags late its
 * addresses back from there.
 *  - the tokens a message not bulk by its headers drops (rf_link.dropped)
 *    are the weak tokens the same message gets as bulk mail, by the memo,
 *    without it and from the recipient-free base alike;
 *  - rf__restore_dropped on hand-made links (order, reason, cap);
 *  - the comparison of copies (rf_tracking_campaign) against the way it
 *    found those addresses before (the link analysed again, kept here as
 *    flagged_ref): same tokens, reasons and clean forms. */
#include "testutil.h"

#include "../../lib/internal.h"

#define ADDR "john.smith@example.com"

/* A message with links of every kind the not-bulk step meets: an opaque
 * id (twice: the memo), an address beside an opaque id, an address and an
 * id in a redirect's destination, an image with an id, a plain link; an
 * embedded message of its own recipient.  %s: bulk headers or nothing,
 * outside and inside. */
static const char msg_fmt[] =
    "From: a@shop.example\n"
    "To: Jane <jane@home.example>\n"
    "%s"
    "Subject: s\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"B\"\n\n"
    "--B\n"
    "Content-Type: text/html\n\n"
    "<a href=\"https://news.example/a/q8ZfK2mX7pLw4RtY9vB3nH6s\">x</a>\n"
    "<a href=\"https://news.example/a/q8ZfK2mX7pLw4RtY9vB3nH6s\">y</a>\n"
    "<a href=\"https://shop.example/p?from=jane@alias.example&amp;"
    "id=Zq8Xr4Lp0Wm2Ks7Yd3Tb\">p</a>\n"
    "<a href=\"https://r.example/c?url=https%%3A%%2F%%2Fshop.example%%2Fp"
    "%%3Fe%%3Djane%%2540alias.example%%26k%%3DHk3Vn9Qa1Pe6Uj2Ws5Rc\">r</a>\n"
    "<img src=\"https://img.example/b/Mb7Tg2Ly8Dx4Nf1Oz6Ej/pic.jpg\" "
    "width=600 height=200>\n"
    "<a href=\"https://plain.example/about\">about</a>\n"
    "--B\n"
    "Content-Type: message/rfc822\n\n"
    "From: inner@else.example\n"
    "To: bob@else.example\n"
    "%s"
    "Subject: inner\n\n"
    "See https://else.example/r/Pq4Ws8Ed2Rf6Tg1Yh5Uj?l=x@lists.example\n"
    "--B--\n";

static rf_message *
parse_msg(rf_ctx *ctx, int bulk)
{
	const char *h = bulk ? "Precedence: bulk\n" : "";
	rf_message *m = NULL;
	rf_error err;
	char *data;

	assert_true(asprintf(&data, msg_fmt, h, h) > 0);
	assert_int_equal(rf_message_parse(ctx, data, strlen(data), &m, &err),
	    RF_OK);
	free(data);
	return m;
}

struct linkv {
	rf_link *v[64];
	size_t n;
};

static int
collect(rf_link *l, void *arg)
{
	struct linkv *lv = arg;

	assert_true(lv->n < 64);
	lv->v[lv->n++] = l;
	return 0;
}

static void
same_toks(const rf_token *x, size_t nx, const rf_token *y, size_t ny)
{
	size_t i;

	assert_int_equal(nx, ny);
	for (i = 0; i < nx; i++) {
		assert_int_equal(x[i].off, y[i].off);
		assert_int_equal(x[i].len, y[i].len);
		assert_string_equal(x[i].reason, y[i].reason);
	}
}

static void
same_links(const rf_link *x, const rf_link *y)
{
	size_t i;

	assert_string_equal(x->url, y->url);
	assert_int_equal(x->tracking, y->tracking);
	same_toks(x->tokens, x->ntokens, y->tokens, y->ntokens);
	same_toks(x->dropped, x->ndropped, y->dropped, y->ndropped);
	assert_int_equal(x->nreasons, y->nreasons);
	for (i = 0; i < x->nreasons; i++)
		assert_string_equal(x->reasons[i], y->reasons[i]);
	assert_string_equal(x->clean, y->clean);
}

/* The tokens a message not bulk drops are those bulk mail keeps; the
 * memo, every link on its own and the base agree on them. */
static void
test_dropped(void **state)
{
	rf_ctx *ctx = test_ctx();
	rf_rules *rules = shipped_rules();
	rf_message *nb, *b, *ref, *fromb;
	rf_tracking_base *base;
	struct linkv ln = { .n = 0 }, lb = { .n = 0 }, lr = { .n = 0 },
	    lf = { .n = 0 };
	rf_error err;
	size_t i, withdrop = 0, addr = 0;

	(void)state;
	nb = parse_msg(ctx, 0);
	b = parse_msg(ctx, 1);
	ref = parse_msg(ctx, 0);
	fromb = parse_msg(ctx, 0);
	assert_int_equal(rf_tracking_message(ctx, rules, nb, ADDR, &err),
	    RF_OK);
	assert_int_equal(rf_tracking_message(ctx, rules, b, ADDR, &err),
	    RF_OK);
	assert_int_equal(rf__tracking_message_memo(ctx, rules, ref, ADDR, 0,
	    NULL, &err), RF_OK);
	assert_int_equal(rf_tracking_prepare(ctx, rules, fromb, &base, &err),
	    RF_OK);
	assert_int_equal(rf_tracking_message_base(ctx, rules, fromb, base,
	    ADDR, &err), RF_OK);
	/* again: the second analysis starts afresh */
	assert_int_equal(rf_tracking_message_base(ctx, rules, fromb, base,
	    ADDR, &err), RF_OK);
	rf_tracking_walk(nb, collect, &ln);
	rf_tracking_walk(b, collect, &lb);
	rf_tracking_walk(ref, collect, &lr);
	rf_tracking_walk(fromb, collect, &lf);
	assert_int_equal(ln.n, lb.n);
	assert_int_equal(ln.n, 7);
	for (i = 0; i < ln.n; i++) {
		rf_link *l = ln.v[i];
		size_t k;

		/* nothing left, everything kept aside */
		assert_int_equal(l->ntokens, 0);
		assert_false(l->tracking);
		assert_string_equal(l->clean, l->url);
		same_toks(l->dropped, l->ndropped, lb.v[i]->tokens,
		    lb.v[i]->ntokens);
		for (k = 0; k < l->ndropped; k++) {
			assert_true(rf__weak_reason(l->dropped[k].reason));
			addr += strcmp(l->dropped[k].reason,
			    RF__OTHER_ADDRESS) == 0;
		}
		withdrop += l->ndropped > 0;
		/* bulk mail drops nothing */
		assert_int_equal(lb.v[i]->ndropped, 0);
		same_links(l, lr.v[i]);
		same_links(l, lf.v[i]);
	}
	/* the memo's copy owns its array */
	assert_true(ln.v[0]->dropped != ln.v[1]->dropped);
	assert_int_equal(withdrop, 6);
	assert_int_equal(addr, 3);
	rf_message_free(nb);
	rf_message_free(b);
	rf_message_free(ref);
	rf_message_free(fromb);
	rf_rules_free(rules);
	rf_ctx_free(ctx);
}

/* rf__restore_dropped on a hand-made link. */
static void
test_restore(void **state)
{
	rf_arena *a = rf_arena_new();
	rf_token drop[3] = { { 0, 4, "opaque-token" },
		{ 5, 6, RF__OTHER_ADDRESS }, { 12, 3, "opaque-token" } };
	rf_token own[1] = { { 16, 2, "varies-in-campaign" } };
	rf_link l;

	(void)state;
	assert_non_null(a);
	memset(&l, 0, sizeof(l));
	l.url = "aaaa bbbbbb ccc dd";
	l.dropped = rf_arena_array(a, 3, sizeof(rf_token));
	memcpy(l.dropped, drop, sizeof(drop));
	l.ndropped = 3;
	l.tokens = own;
	l.ntokens = 1;
	/* the addresses first, then the link's own; the rest stay aside */
	assert_int_equal(rf__restore_dropped(a, &l, RF__OTHER_ADDRESS, 64),
	    0);
	assert_int_equal(l.ntokens, 2);
	assert_string_equal(l.tokens[0].reason, RF__OTHER_ADDRESS);
	assert_int_equal(l.tokens[0].off, 5);
	assert_string_equal(l.tokens[1].reason, "varies-in-campaign");
	assert_int_equal(l.ndropped, 2);
	assert_int_equal(l.dropped[0].off, 0);
	assert_int_equal(l.dropped[1].off, 12);
	/* none of that reason left: nothing changes */
	assert_int_equal(rf__restore_dropped(a, &l, RF__OTHER_ADDRESS, 64),
	    0);
	assert_int_equal(l.ntokens, 2);
	assert_int_equal(l.ndropped, 2);
	/* all, under a cap of 3 tokens */
	assert_int_equal(rf__restore_dropped(a, &l, NULL, 3), 0);
	assert_int_equal(l.ntokens, 3);
	assert_int_equal(l.tokens[0].off, 0);
	assert_int_equal(l.tokens[1].off, 12);
	assert_int_equal(l.tokens[2].off, 5);
	assert_int_equal(l.ndropped, 0);
	rf_arena_free(a);
}

/* flagged_ref: what the comparison of copies did before the dropped
 * tokens were kept (rf__flagged_addresses): link l analysed afresh with
 * opaque ids, without a recipient, in a copy, of which the other-address
 * tokens go before l's own, at most maxtok in all. */
static void
flagged_ref(rf_ctx *ctx, const rf_rules *rules, rf_arena *a, rf_link *l,
	    size_t maxtok)
{
	rf_link c = *l;
	struct rf__toks t;
	rf_error err;
	size_t i;

	assert_int_equal(rf_tracking_link(ctx, rules, a, NULL, &c,
	    RF_TRK_OPAQUE, NULL, &err), RF_OK);
	memset(&t, 0, sizeof(t));
	t.max = maxtok;
	for (i = 0; i < c.ntokens; i++)
		if (strcmp(c.tokens[i].reason, RF__OTHER_ADDRESS) == 0)
			assert_int_equal(rf__tok_add(a, &t, c.tokens[i].off,
			    c.tokens[i].len, RF__OTHER_ADDRESS), 0);
	if (t.n == 0)
		return;
	for (i = 0; i < l->ntokens; i++)
		assert_int_equal(rf__tok_add(a, &t, l->tokens[i].off,
		    l->tokens[i].len, l->tokens[i].reason), 0);
	l->tokens = t.v;
	l->ntokens = t.n;
}

static rf_message *
message(rf_arena *a, const char *const *urls, size_t n)
{
	rf_message *m = rf_arena_alloc(a, sizeof(*m));
	rf_status st;
	size_t i;

	assert_non_null(m);
	m->arena = a;
	for (i = 0; i < n; i++) {
		rf_link *l = rf_links_add(a, &m->links, &st);

		assert_non_null(l);
		l->url = urls[i];
	}
	return m;
}

/* The comparison of copies in mail not bulk by its headers, with the
 * dropped tokens against flagged_ref, under the default token limit and
 * a tiny one. */
static void
test_campaign_ref(void **state)
{
	static const char *const x[] = {
		"http://192.0.2.7:81/hgh_run/remove.php?userid=jane@alias."
		"example&s=1",
		"https://shop.example/p?from=jane@alias.example",
		"https://r.example/c/Q1w2E3/go?url=https%3A%2F%2Fshop.example"
		"%2Fp%3Fe%3Djane%2540alias.example%26id%3DZq8Xr4Lp0Wm2Ks7Yd3Tb",
		"https://n.example/u/8ZfK2mX7pLw4RtY9vB3nH6s?a=x@l.example&"
		"b=y@l.example&k=Hk3Vn9Qa1Pe6Uj2Ws5Rc",
		"https://n.example/v/Mb7Tg2Ly8Dx4Nf1Oz6Ej?to=x@l.example",
		"https://same.example/p/1",
	};
	static const char *const y[] = {
		"http://192.0.2.7:81/hgh_zeng/remove.php?userid=jane@alias."
		"example&s=1",
		"https://shop.example/p?from=jane@alias.example",
		"https://r.example/c/Z9y8X7/go?url=https%3A%2F%2Fshop.example"
		"%2Fp%3Fe%3Djane%2540alias.example%26id%3DZq8Xr4Lp0Wm2Ks7Yd3Tb",
		"https://n.example/u/Mb7Tg2Ly8Dx4Nf1Oz6Ej?a=x@l.example&"
		"b=y@l.example&k=Hk3Vn9Qa1Pe6Uj2Ws5Rc",
		"https://n.example/v/Mb7Tg2Ly8Dx4Nf1Oz6Ej?to=x@l.example",
		"https://same.example/p/2",
	};
	rf_copy_links oy = { y, 6 };
	rf_rules *rules = shipped_rules();
	size_t caps[2] = { 0, 2 }, ci, i, n = 6, restored = 0;

	(void)state;
	for (ci = 0; ci < 2; ci++) {
		rf_limits lim;
		rf_ctx *ctx;
		rf_arena *a = rf_arena_new();
		rf_message *m1, *m2;
		rf_error err;
		size_t had[6];
		unsigned hit = 0;

		assert_non_null(a);
		rf_limits_default(&lim);
		if (caps[ci] != 0)
			lim.max_url_tokens = caps[ci];
		assert_int_equal(rf_ctx_new(&lim, &ctx, &err), RF_OK);
		m1 = message(a, x, n);
		m2 = message(a, x, n);
		assert_int_equal(rf_tracking_message(ctx, rules, m1, ADDR,
		    &err), RF_OK);
		assert_int_equal(rf_tracking_campaign(ctx, rules, m1, &oy, 1,
		    &err), RF_OK);
		/* the reference: nothing kept aside, the link analysed
		 * again once the comparison has flagged it */
		assert_int_equal(rf_tracking_message(ctx, rules, m2, ADDR,
		    &err), RF_OK);
		for (i = 0; i < n; i++) {
			had[i] = m2->links.v[i].ntokens;
			m2->links.v[i].ndropped = 0;
		}
		assert_int_equal(rf_tracking_campaign(ctx, rules, m2, &oy, 1,
		    &err), RF_OK);
		for (i = 0; i < n; i++) {
			rf_link *l = &m2->links.v[i];

			if (had[i] != 0 || l->ntokens == 0)
				continue;
			flagged_ref(ctx, rules, a, l, lim.max_url_tokens);
			assert_int_equal(rf__tracking_finish(ctx, a, rules, l,
			    lim.max_unwrap_depth, &hit), 0);
		}
		for (i = 0; i < n; i++) {
			rf_link *p = &m1->links.v[i], *q = &m2->links.v[i];
			size_t k;

			assert_int_equal(p->tracking, q->tracking);
			same_toks(p->tokens, p->ntokens, q->tokens, q->ntokens);
			assert_int_equal(p->nreasons, q->nreasons);
			for (k = 0; k < p->nreasons; k++)
				assert_string_equal(p->reasons[k],
				    q->reasons[k]);
			assert_string_equal(p->clean, q->clean);
			for (k = 0; k < p->ntokens; k++)
				restored += strcmp(p->tokens[k].reason,
				    RF__OTHER_ADDRESS) == 0;
		}
		/* flagged: the path varies; left alone: the same in both */
		assert_true(m1->links.v[0].tracking);
		assert_false(m1->links.v[1].tracking);
		assert_true(m1->links.v[2].tracking);
		assert_true(m1->links.v[5].tracking);
		/* the opaque ids of a link flagged late stay aside (measured
		 * on the corpus and left out: docs/design/tracking-record.md,
		 * "Dropped tokens kept"); under the tiny limit the analysis kept only
		 * its two addresses */
		assert_int_equal(m1->links.v[3].ndropped, caps[ci] ? 0 : 2);
		for (i = 0; i < m1->links.v[3].ndropped; i++)
			assert_string_equal(m1->links.v[3].dropped[i].reason,
			    "opaque-token");
		assert_int_equal(m1->links.v[0].ndropped, 0);
		rf_ctx_free(ctx);
		rf_arena_free(a);
	}
	/* links 0, 2 (through the redirect), 3 (two): 4 addresses, and
	 * under the cap of 2 tokens 4 again (the addresses come first: link
	 * 3 keeps its two and not the comparison's token) */
	assert_int_equal(restored, 4 + 4);
	rf_rules_free(rules);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dropped),
		cmocka_unit_test(test_restore),
		cmocka_unit_test(test_campaign_ref),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
