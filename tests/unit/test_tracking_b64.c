/* test_tracking_b64.c - click wrappers that carry their destination
 * base64-encoded (s39): Sailthru's /click/ID/BASE64URL/SIG, ActiveCampaign's
 * ?redirectUrl=BASE64 (of a percent-encoded URL too), any query value or
 * path segment that is one; what an opaque id that decodes to junk keeps;
 * the tokens found inside, the depth limit, the policy known, and the
 * address search inside one from the recipient-independent base
 * (docs/tracking.md, "Clean form"). */
#include "testutil.h"
#include "tracking_fx.h"

#include "../../lib/internal.h"

/* enc: base64 of the string s (b64, tracking_fx.h). */
static char *
enc(struct fx *f, const char *s, int urlsafe, int pad)
{
	return b64(f, s, strlen(s), urlsafe, pad);
}

static rf_link *
hrefp(struct fx *f, const char *pre, const char *b64, const char *post)
{
	char *u = rf_arena_printf(f->a, "%s%s%s", pre, b64, post);

	assert_non_null(u);
	return href(f, u);
}

/* A base64 run is a destination only as a whole, of one alphabet, with
 * at most two '=' at its end, and decoding to an http(s) URL without a
 * control byte. */
static void
test_b64_dest(void **state)
{
	struct fx *f = *state;
	/* [0] encoded here (1 URL-safe unpadded, 0 standard padded), [1]
	 * as it is; each accepted or not */
	static const struct {
		const char *s;
		int encode, urlsafe, ok;
	} v[] = {
		{ "https://shop.example/a?b=c", 1, 0, 1 },
		{ "HTTP://shop.example/", 1, 1, 1 },
		{ "https%3A%2F%2Fshop.example%2F", 1, 0, 1 },
		/* its padding percent-encoded, as in a query */
		{ "aHR0cHM6Ly9zaG9wLmV4YW1wbGUvYQ%3D%3D", 0, 0, 1 },
		{ "ftp://shop.example/a", 1, 0, 0 },
		{ "https://shop.example/\x01x", 1, 0, 0 },
		{ "https:/shop.example/a", 1, 0, 0 },
		/* one alphabet, padding only at the end, no lone character */
		{ "aHR0cHM6Ly9zaG9wLmV4YW1wbGUv+_8", 0, 0, 0 },
		{ "aHR0cHM6Ly9zaG9w=LmV4YW1wbGUv", 0, 0, 0 },
		{ "aHR0cHM6Ly9zaG9wLmV4YW1wbGUvY", 0, 0, 0 },
		{ "aHR0cHM6Ly9zaG9wLmV4YW1wbGUvYQ===", 0, 0, 0 },
		{ "aHR0", 0, 0, 0 },
		{ "", 0, 0, 0 },
		/* a URL cut in its host (a prefix, a split segment: s39's
		 * review); a host with its dot, a long one past the head */
		{ "http://examp", 1, 1, 0 },
		{ "https://x.", 1, 0, 0 },
		{ "https://.example/", 1, 1, 0 },
		{ "https://shop.example", 1, 1, 1 },
		{ "https://shop.example:8080/a", 1, 1, 1 },
		{ "https://a-very-long-sub-domain-name-of-the-shop-that-runs-"
		  "past-the-head.example/a", 1, 1, 1 },
	};
	const char *x;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		x = v[i].encode ? enc(f, v[i].s, v[i].urlsafe, !v[i].urlsafe) :
		    v[i].s;
		if (rf__b64_dest(x, strlen(x)) != v[i].ok)
			fail_msg("%s: %d", v[i].s, !v[i].ok);
	}
}

/* Sailthru: the destination base64url in a path segment of a sender's
 * own host, a signature after it. */
static void
test_path(void **state)
{
	struct fx *f = *state;
	const char *dest = "https://www.example.com/sale?utm_source=nl"
	    "&uid=Xk29fLq81ZpQ7wTmA3";
	char *b = enc(f, dest, 1, 0);
	rf_link *l;

	l = hrefp(f, "https://link.example.com/click/12345678.1234/", b,
	    "/5a1b2c3d4e5f6a7b8c9d0e1fb4c7e8a9f");
	assert_true(l->tracking);
	assert_string_equal(l->clean,
	    "https://www.example.com/sale?utm_source=nl");
	/* the signature, and the id inside as the base64 characters that
	 * carry its bytes; the run itself is no code */
	assert_int_equal(l->ntokens, 2);
	assert_string_equal(tok(f, l, "opaque-token"),
	    "5a1b2c3d4e5f6a7b8c9d0e1fb4c7e8a9f");
	assert_string_equal(rf_arena_strndup(f->a, l->url + l->tokens[1].off,
	    l->tokens[1].len), "1YazI5ZkxxODFacFE3d1RtQTM");
	/* padded, standard alphabet: the same */
	l = hrefp(f, "https://link.example.com/click/12345678.1234/",
	    enc(f, dest, 0, 1), "/5a1b2c3d4e5f6a7b8c9d0e1fb4c7e8a9f");
	assert_string_equal(l->clean,
	    "https://www.example.com/sale?utm_source=nl");
	/* no code anywhere: the link identifies nobody */
	l = hrefp(f, "https://link.example.com/click/",
	    enc(f, "https://www.example.com/sale", 1, 0), "");
	assert_false(l->tracking);
}

/* ActiveCampaign: base64 of a percent-encoded URL in a query value, the
 * contact's address beside it; the address inside the destination. */
static void
test_query(void **state)
{
	struct fx *f = *state;
	rf_link *l;

	l = hrefp(f, "https://acct.lt.acemlna.com/Prod/link-tracker"
	    "?redirectUrl=", enc(f, "https%3A%2F%2Fwww.example.com%2Fshop"
	    "%3Fid%3D7%26e%3Djohn.smith%2540example.com", 0, 1),
	    "&sig=8f4a2c1e9b7d3a5f6e0c2b4d8a1f3e5c7b9d0a2e4f6c8b1d&iat="
	    "1700000000&a=123456&email=john.smith%40example.com");
	assert_true(has_reason(l, "recipient-urlencoded"));
	assert_string_equal(l->clean, "https://www.example.com/shop?id=7");
	/* the address plain inside: found there, not as the whole run
	 * (recipient-base64), so that the destination's host and path
	 * stay */
	l = hrefp(f, "https://news.example/r?d=", enc(f,
	    "https://www.example.com/a?email=john.smith@example.com&p=1", 0,
	    0), "");
	assert_true(has_reason(l, "recipient-plain"));
	assert_false(has_reason(l, "recipient-base64"));
	assert_string_equal(l->clean, "https://www.example.com/a?p=1");
	/* the padding percent-encoded */
	l = href(f, "https://news.example/r?d=aHR0cHM6Ly9zaG9wLmV4YW1wbGUvP2"
	    "1jX2VpZD03Nw%3D%3D");
	assert_string_equal(l->clean, "https://shop.example/");
}

/* An opaque id that base64-decodes to bytes that are no http(s) URL
 * changes nothing: it is a code, replaced as before. */
static void
test_junk(void **state)
{
	struct fx *f = *state;
	rf_link *l;

	l = href(f, "https://link.example.com/click/Xk29fLq81ZpQ7wTmA3bC/x");
	assert_true(has_reason(l, "opaque-token"));
	assert_string_equal(l->clean,
	    "https://link.example.com/click/redflag-removed/x");
	/* "ftp://", and an http URL with a control byte after it */
	l = hrefp(f, "https://link.example.com/click/",
	    enc(f, "ftp://www.example.com/a1b2C3", 1, 0), "/x");
	assert_string_equal(l->clean,
	    "https://link.example.com/click/redflag-removed/x");
	l = hrefp(f, "https://news.example/r?d=",
	    enc(f, "https://www.example.com/\x02q1W2e3R4", 0, 1), "&k=1");
	assert_string_equal(l->clean, "https://news.example/r?k=1");
}

/* The depth limit counts a base64 level as any other. */
static void
test_depth(void **state)
{
	struct fx *f = *state;
	rf_limits lim;
	rf_ctx *ctx;
	rf_error err;
	rf_link l;
	unsigned hit = 0;
	char *inner = enc(f, "https://shop.example/?mc_eid=1", 0, 1);

	rf_limits_default(&lim);
	lim.max_unwrap_depth = 1;
	assert_int_equal(rf_ctx_new(&lim, &ctx, &err), RF_OK);
	memset(&l, 0, sizeof(l));
	/* two levels: a base64 destination inside a percent-encoded one */
	l.url = rf_arena_printf(f->a, "https://google.com/url?q=https%%3A%%2F"
	    "%%2Fnews.example%%2Fr%%3Fd%%3D%s", inner);
	assert_int_equal(rf_tracking_link(ctx, f->rules, f->a, f->rcpt, &l,
	    RF_TRK_OPAQUE, &hit, &err), RF_OK);
	assert_true(hit & RF_LIMIT_UNWRAP_DEPTH);
	assert_false(has_reason(&l, "known-param:mc_eid"));
	/* one level is within it */
	hit = 0;
	l.url = rf_arena_printf(f->a, "https://news.example/r?d=%s", inner);
	assert_int_equal(rf_tracking_link(ctx, f->rules, f->a, f->rcpt, &l,
	    RF_TRK_OPAQUE, &hit, &err), RF_OK);
	assert_false(hit & RF_LIMIT_UNWRAP_DEPTH);
	assert_string_equal(l.clean, "https://shop.example/");
	rf_ctx_free(ctx);
}

/* The policy known unwraps no redirect, base64 or not: the wrapper
 * stays as the sender wrote it (its only codes are no known
 * parameters). */
static void
test_known(void **state)
{
	struct fx *f = *state;
	const char *out;
	rf_error err;
	rf_link *l;

	l = hrefp(f, "https://link.example.com/click/12345678.1234/",
	    enc(f, "https://www.example.com/sale?uid=Xk29fLq81ZpQ7wTmA3", 1,
	    0), "/5a1b2c3d4e5f6a7b8c9d0e1fb4c7e8a9f");
	assert_int_equal(rf_tracking_clean_known(f->rules, f->a, l, &out,
	    NULL, &err), RF_OK);
	assert_string_equal(out, l->url);
}

/* The address inside a base64 destination, percent-encoded there, which
 * the search of the whole URL cannot see: the analysis from the
 * recipient-independent base (rf_tracking_prepare) finds it as the
 * analysis of the message does. */
static void
test_base(void **state)
{
	struct fx *f = *state;
	static const char fmt[] = "From: a@news.example\nTo: " ADDR "\n"
	    "Subject: s\nContent-Type: text/html\n\n"
	    "<a href=\"https://news.example/r?d=%s\">x</a>\n";
	const char *want = "https://www.example.com/a?p=1";
	char *b = enc(f, "https%3A%2F%2Fwww.example.com%2Fa%3Fe%3D"
	    "john.smith%2540example.com%26p%3D1", 0, 1);
	char *data = rf_arena_printf(f->a, fmt, b);
	rf_message *m, *mb;
	rf_tracking_base *base;
	rf_error err;

	assert_int_equal(rf_message_parse(f->ctx, data, strlen(data), &m,
	    &err), RF_OK);
	assert_int_equal(rf_message_parse(f->ctx, data, strlen(data), &mb,
	    &err), RF_OK);
	assert_int_equal(rf_tracking_message(f->ctx, f->rules, m, ADDR, &err),
	    RF_OK);
	assert_int_equal(rf_tracking_prepare(f->ctx, f->rules, mb, &base,
	    &err), RF_OK);
	assert_int_equal(rf_tracking_message_base(f->ctx, f->rules, mb, base,
	    ADDR, &err), RF_OK);
	assert_int_equal(m->links.n, 1);
	assert_string_equal(m->links.v[0].clean, want);
	assert_string_equal(mb->links.v[0].clean, want);
	assert_true(has_reason(&mb->links.v[0], "recipient-urlencoded"));
	rf_message_free(m);
	rf_message_free(mb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_b64_dest, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query, setup, teardown),
		cmocka_unit_test_setup_teardown(test_junk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_depth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_known, setup, teardown),
		cmocka_unit_test_setup_teardown(test_base, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
