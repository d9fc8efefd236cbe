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

	rules = shipped_rules();
	/* each address twice in a row (the second time from the cache),
	 * more addresses than it keeps, three times over */
	for (round = 0; round < 3; round++)
		for (i = 0; i < 12; i++) {
			one_address(ctx, rules, i);
			one_address(ctx, rules, i);
		}
	rf_rules_free(rules);
}

static void
same_str(const char *what, const char *x, const char *y)
{
	if (x == NULL || y == NULL) {
		if (x != y)
			fail_msg("%s: %s vs %s", what, x ? x : "(null)",
			    y ? y : "(null)");
	} else if (strcmp(x, y) != 0) {
		fail_msg("%s: %s vs %s", what, x, y);
	}
}

/* analysed: url analysed with ctx into a new link in a */
static rf_link *
analysed(rf_ctx *ctx, rf_arena *a, const char *url)
{
	rf_link *l = rf_arena_alloc(a, sizeof(*l));
	rf_error err;

	assert_non_null(l);
	l->url = url;
	if (rf_url_analyse(ctx, a, l, &err) != RF_OK)
		fail_msg("rf_url_analyse: %s", err.msg);
	return l;
}

/* URLs analysed again (from the cache, or after their slot was taken)
 * give what a context that never saw them gives */
static void
test_urls(void **state)
{
	static const char *const urls[] = { "http://Example.COM/a b?x=1#f",
	    "https://b\xc3\xbc" "cher.example/", "http://xn--bcher-kva.example/",
	    "http://[::1]:8080/x", "http://0x7f.1/", "mailto:Joe@Example.org",
	    "www.example.co.uk/x", "//example.net/", "relative/path",
	    "javascript:alert(1)", "http://", "http://a%41.example/%7e",
	    "https://user:pw@host.example:443/", "http://256.1.1.1/", "" };
	rf_ctx *ctx = *state, *fresh = NULL;
	rf_arena *a = rf_arena_new();
	char url[1200];
	unsigned round, i;
	rf_error err;

	assert_non_null(a);
	assert_int_equal(rf_ctx_new(NULL, &fresh, &err), RF_OK);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 3000; i++) {
			rf_link *x, *y;
			const char *u;

			if (i < sizeof(urls) / sizeof(urls[0])) {
				u = urls[i];
			} else if (i % 500 == 0) {
				/* longer than a slot holds */
				memset(url, 'a', sizeof(url) - 1);
				memcpy(url, "http://h.example/", 17);
				url[sizeof(url) - 1] = '\0';
				u = url;
			} else {
				snprintf(url, sizeof(url),
				    "http://h%u.d%u.example.com/p?q=%u", i % 700,
				    i % 7, i);
				u = url;
			}
			u = rf_arena_strdup(a, u);
			x = analysed(ctx, a, u);
			y = analysed(ctx, a, u);	/* a hit */
			if (i % 50 == 0 || i < 20) {
				/* a fresh context is dear: now and then */
				rf_ctx_free(fresh);
				assert_int_equal(rf_ctx_new(NULL, &fresh,
				    &err), RF_OK);
				x = analysed(fresh, a, u);
			}
			same_str("normalized", x->normalized, y->normalized);
			same_str("host", x->host, y->host);
			same_str("host_unicode", x->host_unicode,
			    y->host_unicode);
			same_str("domain", x->domain, y->domain);
		}
	}
	rf_ctx_free(fresh);
	rf_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recipients),
		cmocka_unit_test(test_urls),
	};

	return cmocka_run_group_tests(tests, ctx_setup, ctx_teardown);
}
