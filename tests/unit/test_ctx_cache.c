/* test_ctx_cache.c - the context's recipient cache: the needles of a
 * recipient taken from it find what freshly computed ones find, for more
 * recipients than it keeps, asked for again and again. */
#include <openssl/evp.h>

#include "testutil.h"

#include "../../lib/internal.h"

static void
hex(const unsigned char *md, unsigned n, char *out)
{
	static const char h[] = "0123456789abcdef";
	unsigned i;

	for (i = 0; i < n; i++) {
		out[2 * i] = h[md[i] >> 4];
		out[2 * i + 1] = h[md[i] & 15];
	}
	out[2 * n] = '\0';
}

/* tokens of url analysed for rcpt, as one string */
static char *
tokens(rf_ctx *ctx, const rf_rules *rules, rf_arena *a,
       const rf_recipient *rcpt, const char *url)
{
	rf_link *l = rf_arena_alloc(a, sizeof(*l));
	rf_buf b;
	rf_error err;
	size_t i;
	char *s;

	assert_non_null(l);
	l->url = url;
	l->kind = RF_LINK_HREF;
	l->width = l->height = -1;
	if (rf_tracking_link(ctx, rules, a, rcpt, l, RF_TRK_OPAQUE, NULL,
	    &err) != RF_OK)
		fail_msg("rf_tracking_link: %s", err.msg);
	rf_buf_init(&b, 0);
	for (i = 0; i < l->ntokens; i++)
		rf_buf_printf(&b, "%zu+%zu:%s;", l->tokens[i].off,
		    l->tokens[i].len, l->tokens[i].reason);
	s = rf_arena_strdup(a, rf_buf_cstr(&b));
	rf_buf_free(&b);
	return s;
}

/* one_address: the tokens of a link holding forms of address number i,
 * with needles from the context and freshly computed ones. */
static void
one_address(rf_ctx *ctx, const rf_rules *rules, unsigned i)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char addr[64], md5[65], sha[129], url[512], *x, *y;
	rf_recipient *cached = NULL, *fresh = NULL;
	rf_arena *a = rf_arena_new();
	unsigned mdlen;
	rf_error err;

	assert_non_null(a);
	snprintf(addr, sizeof(addr), "User.%u@Example%u.org", i, i % 3);
	assert_int_equal(rf__recipient_new(ctx, a, addr, &cached, &err),
	    RF_OK);
	assert_int_equal(rf_recipient_new(a, addr, &fresh, &err), RF_OK);
	snprintf(addr, sizeof(addr), "user.%u@example%u.org", i, i % 3);
	EVP_Digest(addr, strlen(addr), md, &mdlen, EVP_md5(), NULL);
	hex(md, mdlen, md5);
	EVP_Digest(addr, strlen(addr), md, &mdlen, EVP_sha256(), NULL);
	hex(md, mdlen, sha);
	snprintf(url, sizeof(url), "https://t.example/o/%s?u=%s&e=%s", md5,
	    sha, addr);
	x = tokens(ctx, rules, a, cached, url);
	y = tokens(ctx, rules, a, fresh, url);
	assert_string_equal(x, y);
	assert_non_null(strstr(x, "recipient-md5"));
	assert_non_null(strstr(x, "recipient-sha256"));
	assert_non_null(strstr(x, "recipient-plain"));
	rf_arena_free(a);
}

static void
test_recipients(void **state)
{
	rf_ctx *ctx = *state;
	rf_rules *rules = NULL;
	unsigned round, i;
	rf_error err;
	size_t len;
	char *text;

	text = read_file("data/trackers.conf", &len);
	if (rf_rules_parse(text, len, &rules, &err) != RF_OK)
		fail_msg("rules: %s", err.msg);
	free(text);
	/* each address twice in a row (the second time from the cache),
	 * more addresses than it keeps, three times over */
	for (round = 0; round < 3; round++)
		for (i = 0; i < 12; i++) {
			one_address(ctx, rules, i);
			one_address(ctx, rules, i);
		}
	rf_rules_free(rules);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recipients),
	};

	return cmocka_run_group_tests(tests, ctx_setup, ctx_teardown);
}
