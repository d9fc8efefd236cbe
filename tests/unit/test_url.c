/* test_url.c - URL normalisation, extraction from text, domains, hosts
 * shown by anchor texts.  Expected values are worked out by hand from
 * RFC 3986, the WHATWG URL rules, UTS #46 and the public suffix list. */
#include "testutil.h"

#include <libpsl.h>

#include "../../lib/internal.h"

struct fix {
	rf_ctx *ctx;
	rf_arena *a;
};

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->ctx = test_ctx();
	f->a = rf_arena_new();
	*state = f;
	return f->a != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	rf_arena_free(f->a);
	rf_ctx_free(f->ctx);
	free(f);
	return 0;
}

static void
eq(const char *what, const char *got, const char *want)
{
	if (want == NULL && got != NULL)
		fail_msg("%s: got \"%s\", want NULL", what, got);
	if (want != NULL && (got == NULL || strcmp(got, want) != 0))
		fail_msg("%s: got \"%s\", want \"%s\"", what,
		    got != NULL ? got : "NULL", want);
}

/* One URL and the four fields expected (NULL = must be NULL). */
struct ucase {
	const char *url, *norm, *host, *uni, *domain;
};

/* check: analyse each case's url and compare the four fields. */
static void
check(struct fix *f, const struct ucase *c, size_t n)
{
	rf_link k;
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&k, 0, sizeof(k));
		k.url = c[i].url;
		assert_int_equal(rf_url_analyse(f->ctx, f->a, &k, NULL), RF_OK);
		eq("normalized", k.normalized, c[i].norm);
		eq("host", k.host, c[i].host);
		eq("host_unicode", k.host_unicode, c[i].uni);
		eq("domain", k.domain, c[i].domain);
	}
}

#define CHECK(f, cases) check((f), (cases), sizeof(cases) / sizeof((cases)[0]))

static void
test_normalise(void **state)
{
	struct fix *f = *state;
	static const struct ucase cases[] = {
		{ "HTTP://WWW.Example.COM:80/a/./b/../c/%7e%3a%2f?q=%7Ea&b=1"
		  "#Frag%7e",
		  "http://www.example.com/a/c/~%3A%2F?q=~a&b=1#Frag~",
		  "www.example.com", NULL, "example.com" },
		{ "https://example.com:443",
		  "https://example.com/",
		  "example.com", NULL, "example.com" },
		{ "https://example.com:8443",
		  "https://example.com:8443/",
		  "example.com", NULL, "example.com" },
		{ "http://example.com:0080/x",
		  "http://example.com/x",
		  "example.com", NULL, "example.com" },
		{ "http://example.com:/x",
		  "http://example.com/x",
		  "example.com", NULL, "example.com" },
		{ "http://a.example/b/../../../c/./d",
		  "http://a.example/c/d",
		  "a.example", NULL, "a.example" },
		/* reserved escapes stay (upper-case), '&' in the query stays */
		{ "http://example.com/r?u=http%3a%2f%2fx&a=1&amp;b=2",
		  "http://example.com/r?u=http%3A%2F%2Fx&a=1&amp;b=2",
		  "example.com", NULL, "example.com" },
		/* bytes RFC 3986 does not allow are encoded, bad escapes too */
		{ "http://example.com/a b/\xc3\xbc/[x]%zz",
		  "http://example.com/a%20b/%C3%BC/%5Bx%5D%25zz",
		  "example.com", NULL, "example.com" },
		{ "http://example.com/a#b#c",
		  "http://example.com/a#b%23c",
		  "example.com", NULL, "example.com" },
		{ "http://example.com./",
		  "http://example.com/",
		  "example.com", NULL, "example.com" },
	};

	CHECK(f, cases);
}

static void
test_forms(void **state)
{
	struct fix *f = *state;
	static const struct ucase cases[] = {
		{ "www.example.com/x",
		  "http://www.example.com/x",
		  "www.example.com", NULL, "example.com" },
		{ "WWW.Example.com",
		  "http://www.example.com/",
		  "www.example.com", NULL, "example.com" },
		{ "//cdn.example.net/a.js",
		  "http://cdn.example.net/a.js",
		  "cdn.example.net", NULL, "example.net" },
		/* outer space, embedded TAB/CR/LF: browsers drop them */
		{ " \thttp://a.exa\r\nmple.com/p\tq\n ",
		  "http://a.example.com/pq",
		  "a.example.com", NULL, "example.com" },
		/* backslashes and extra slashes of special schemes */
		{ "http:\\\\evil.example\\path?a\\b",
		  "http://evil.example/path?a%5Cb",
		  "evil.example", NULL, "evil.example" },
		{ "https:///evil.example",
		  "https://evil.example/",
		  "evil.example", NULL, "evil.example" },
		/* userinfo does not make a host */
		{ "http://www.paypal.com@evil.example/login",
		  "http://www.paypal.com@evil.example/login",
		  "evil.example", NULL, "evil.example" },
		{ "http://%77%77%77.Example.com/",
		  "http://www.example.com/",
		  "www.example.com", NULL, "example.com" },
		{ "javascript:alert(1)",
		  "javascript:alert(1)",
		  NULL, NULL, NULL },
		{ "/img/a.png",
		  "/img/a.png",
		  NULL, NULL, NULL },
		{ "file:///etc/passwd",
		  "file:///etc/passwd",
		  NULL, NULL, NULL },
	};

	CHECK(f, cases);
}

static void
test_idn(void **state)
{
	struct fix *f = *state;
	static const struct ucase cases[] = {
		{ "http://b\xc3\xbc" "cher.example/",
		  "http://xn--bcher-kva.example/",
		  "xn--bcher-kva.example",
		  "b\xc3\xbc" "cher.example", "xn--bcher-kva.example" },
		{ "http://xn--bcher-kva.example/",
		  "http://xn--bcher-kva.example/",
		  "xn--bcher-kva.example",
		  "b\xc3\xbc" "cher.example", "xn--bcher-kva.example" },
		{ "http://XN--BCHER-KVA.Example",
		  "http://xn--bcher-kva.example/",
		  "xn--bcher-kva.example",
		  "b\xc3\xbc" "cher.example", "xn--bcher-kva.example" },
		/* percent-encoded UTF-8 and upper case: "B%C3%BCcher" */
		{ "http://B%C3%BCcher.de/x",
		  "http://xn--bcher-kva.de/x",
		  "xn--bcher-kva.de",
		  "b\xc3\xbc" "cher.de", "xn--bcher-kva.de" },
		/* non-transitional: sharp s kept (xn--fa-hia), not "fass" */
		{ "http://fa\xc3\x9f.de/",
		  "http://xn--fa-hia.de/",
		  "xn--fa-hia.de", "fa\xc3\x9f.de", "xn--fa-hia.de" },
		/* ideographic full stop and fullwidth letters map to ASCII */
		{ "http://\xef\xbc\xa5xample\xe3\x80\x82" "com/",
		  "http://example.com/",
		  "example.com", NULL, "example.com" },
		/* an xn-- label that does not decode keeps no Unicode form */
		{ "http://xn--zz.example/",
		  "http://xn--zz.example/",
		  "xn--zz.example", NULL, "xn--zz.example" },
	};

	CHECK(f, cases);
}

static void
test_ip(void **state)
{
	struct fix *f = *state;
	static const struct ucase cases[] = {
		{ "http://192.168.0.1/x",
		  "http://192.168.0.1/x",
		  "192.168.0.1", NULL, NULL },
		/* WHATWG numeric forms: hex, octal, short */
		{ "http://0xC0.0250.1/",
		  "http://192.168.0.1/",
		  "192.168.0.1", NULL, NULL },
		{ "http://3232235521/",
		  "http://192.168.0.1/",
		  "192.168.0.1", NULL, NULL },
		{ "http://[0:0::1]:8080/",
		  "http://[::1]:8080/",
		  "[::1]", NULL, NULL },
		{ "http://u@[2001:DB8::1]/x",
		  "http://u@[2001:db8::1]/x",
		  "[2001:db8::1]", NULL, NULL },
		/* ends in a number but is no address */
		{ "http://example.123/",
		  NULL,
		  NULL, NULL, NULL },
		{ "http://1.2.3.256/",
		  NULL,
		  NULL, NULL, NULL },
		{ "http://08.1.1.1/",
		  NULL,
		  NULL, NULL, NULL },
	};

	CHECK(f, cases);
}

static void
test_mailto_psl(void **state)
{
	struct fix *f = *state;
	static const struct ucase cases[] = {
		/* mailto: no host; domain = the first address's domain */
		{ "MAILTO:Someone@Mail.Example.CO.UK?subject=Hi%20there",
		  "mailto:Someone@Mail.Example.CO.UK?subject=Hi%20there",
		  NULL, NULL, "example.co.uk" },
		{ "mailto:?subject=x",
		  "mailto:?subject=x",
		  NULL, NULL, NULL },
		{ "http://foo.bar.co.uk/",
		  "http://foo.bar.co.uk/",
		  "foo.bar.co.uk", NULL, "bar.co.uk" },
		/* PSL private section: github.io is a suffix */
		{ "https://something.github.io/x",
		  "https://something.github.io/x",
		  "something.github.io", NULL, "something.github.io" },
		{ "http://co.uk/",
		  "http://co.uk/",
		  "co.uk", NULL, NULL },
	};

	CHECK(f, cases);

	assert_string_equal(rf_url_domain(f->ctx, f->a, "a.b.example.com"),
	    "example.com");
	assert_string_equal(rf_url_domain(f->ctx, f->a, "x.y.xn--p1ai"),
	    "y.xn--p1ai");
	assert_null(rf_url_domain(f->ctx, f->a, "co.uk"));
	assert_null(rf_url_domain(f->ctx, f->a, "192.0.2.1"));
	assert_null(rf_url_domain(f->ctx, f->a, "[::1]"));
	assert_null(rf_url_domain(f->ctx, f->a, ""));
	assert_null(rf_url_domain(f->ctx, f->a, NULL));
}

/* The context remembers registrable domains: asking again, after many
 * other hosts (colliding slots), with a prefix or suffix of a remembered
 * host, or with a host too long to remember, gives libpsl's answer. */
static void
test_domain_cache(void **state)
{
	struct fix *f = *state;
	static const char *const hosts[] = { "a.b.example.com",
	    "b.example.com", "example.com", "com", "co.uk", "x.co.uk",
	    "something.github.io", "github.io", "x.y.xn--p1ai",
	    "localhost", "example.com.", "a.very.long.host.name.that.is."
	    "longer.than.any.slot.of.the.cache.example.org" };
	const psl_ctx_t *psl = psl_latest(NULL);
	char h[64];
	unsigned r, i;

	assert_non_null(psl);
	for (r = 0; r < 3; r++) {
		for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
			const char *want = psl_registrable_domain(psl,
			    hosts[i]);
			const char *got = rf_url_domain(f->ctx, f->a,
			    hosts[i]);

			if (want == NULL)
				assert_null(got);
			else
				assert_string_equal(got, want);
		}
		/* enough hosts to fill every slot more than once */
		for (i = 0; i < 5000; i++) {
			snprintf(h, sizeof(h), "h%u.d%u.example.co.uk", i,
			    i % 7);
			assert_string_equal(rf_url_domain(f->ctx, f->a, h),
			    "example.co.uk");
		}
	}
	psl_free((psl_ctx_t *)psl);
}

static void
test_garbage(void **state)
{
	struct fix *f = *state;
	static const char *bad[] = {
		"", "   ", "http://", "http:", "http://exa mple.com/",
		"http://[::1", "http://[::1]x/", "http://[v1.x]/",
		"http://a.com:99999/", "http://a.com:8x/", "http://:80/",
		"::::", "http://a<b.com/", "http://%00.com/",
		"http://%2F.com/", "http://\xff\xfe.com/", "1http://x",
	};
	rf_link k;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&k, 0, sizeof(k));
		k.url = bad[i];
		assert_int_equal(rf_url_analyse(f->ctx, f->a, &k, NULL), RF_OK);
		eq(bad[i], k.normalized, NULL);
		eq(bad[i], k.host, NULL);
		eq(bad[i], k.domain, NULL);
	}
	memset(&k, 0, sizeof(k));
	assert_int_equal(rf_url_analyse(f->ctx, f->a, &k, NULL), RF_OK);
	assert_null(k.normalized);
}

static void
test_long(void **state)
{
	struct fix *f = *state;
	size_t n = 20000;
	char *u = malloc(n + 1);
	rf_link k;

	assert_non_null(u);
	memcpy(u, "http://example.com/", 19);
	memset(u + 19, 'a', n - 19);
	u[n] = '\0';
	memset(&k, 0, sizeof(k));
	k.url = u;
	assert_int_equal(rf_url_analyse(f->ctx, f->a, &k, NULL), RF_OK);
	assert_null(k.normalized);
	assert_null(k.host);
	/* at the bound it still parses (16 KiB; see docs/url.md) */
	u[16 * 1024] = '\0';
	memset(&k, 0, sizeof(k));
	k.url = u;
	assert_int_equal(rf_url_analyse(f->ctx, f->a, &k, NULL), RF_OK);
	assert_non_null(k.normalized);
	assert_int_equal(strlen(k.normalized), 16 * 1024);
	assert_string_equal(k.host, "example.com");
	free(u);
}

/* extract: the URLs found in text, as found, joined by '|'. */
static const char *
extract(struct fix *f, const char *text, size_t len, rf_links *l)
{
	char *s = rf_arena_strdup(f->a, "");
	size_t i;

	memset(l, 0, sizeof(*l));
	assert_int_equal(rf_url_extract_text(f->ctx, f->a, text, len, 3, l,
	    NULL), RF_OK);
	for (i = 0; i < l->n; i++) {
		assert_int_equal(l->v[i].kind, RF_LINK_TEXT);
		assert_int_equal(l->v[i].part, 3);
		s = rf_arena_printf(f->a, "%s%s%s", s, i ? "|" : "",
		    l->v[i].url);
	}
	return s;
}

#define EXTRACT(f, t, l) extract((f), (t), strlen(t), (l))

static void
test_extract(void **state)
{
	struct fix *f = *state;
	rf_links l;

	assert_string_equal(EXTRACT(f, "Visit http://example.com/path.", &l),
	    "http://example.com/path");
	assert_string_equal(l.v[0].normalized, "http://example.com/path");
	assert_string_equal(l.v[0].domain, "example.com");
	assert_string_equal(EXTRACT(f, "(see https://en.wikipedia.org/wiki/"
	    "Foo_(bar)), and www.example.org!", &l),
	    "https://en.wikipedia.org/wiki/Foo_(bar)|www.example.org");
	assert_string_equal(l.v[1].normalized, "http://www.example.org/");
	assert_string_equal(EXTRACT(f, "[http://a.example/x] {ftp://"
	    "ftp.example.org/pub}; 'http://b.example/q?a=1&b=2'", &l),
	    "http://a.example/x|ftp://ftp.example.org/pub|"
	    "http://b.example/q?a=1&b=2");
	assert_string_equal(EXTRACT(f, "Is it http://a.example/? Yes: "
	    "http://b.example/x;", &l), "http://a.example/|http://b.example/x");
	assert_string_equal(EXTRACT(f, "write to mailto:info@example.com, "
	    "or \"http://c.example/\"", &l),
	    "mailto:info@example.com|http://c.example/");
	assert_string_equal(l.v[0].domain, "example.com");
	assert_null(l.v[0].host);
	/* typographic quotes, NBSP and ideographic full stop end a URL */
	assert_string_equal(EXTRACT(f, "\xe2\x80\x9chttp://d.example/\xe2\x80"
	    "\x9d http://e.example\xc2\xa0x http://f.example\xe3\x80\x82"
	    " http://g.example.com\xc2\xa3\xc2\xa8\xc2\xb6\xc3\xa0", &l),
	    "http://d.example/|http://e.example|http://f.example|"
	    "http://g.example.com");
	/* case kept as found, normalised separately */
	assert_string_equal(EXTRACT(f, "HTTPS://Example.COM", &l),
	    "HTTPS://Example.COM");
	assert_string_equal(l.v[0].normalized, "https://example.com/");
	/* IDN in text */
	assert_string_equal(EXTRACT(f, "http://b\xc3\xbc" "cher.example/ ok",
	    &l), "http://b\xc3\xbc" "cher.example/");
	assert_string_equal(l.v[0].host, "xn--bcher-kva.example");
}

static void
test_extract_not(void **state)
{
	struct fix *f = *state;
	static const struct {
		const char *text, *urls;
	} cases[] = {
		/* addresses, glued words, lone schemes, www without a dot */
		{ "user@www.example.com xhttp://a.com awww.example.com http:// "
		  "http:/x http:///x www.foo. mailto: <a@b.example> <http:x> "
		  "ftp:", "" },
		{ "no links here.\n", "" },
		/* "www." forms without a second dot in the host, glued */
		{ "www.a:www.a:www.b/www.c.d", "" },
		{ "(www.a.b), www.c.d.,", "www.a.b|www.c.d" },
	};
	rf_links l;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(EXTRACT(f, cases[i].text, &l),
		    cases[i].urls);
	assert_string_equal(extract(f, "", 0, &l), "");
	assert_int_equal(l.n, 0);
	assert_string_equal(extract(f, NULL, 0, &l), "");
}

static void
test_extract_angle(void **state)
{
	struct fix *f = *state;
	rf_links l;

	assert_string_equal(EXTRACT(f, "<URL:http://example.com/x>", &l),
	    "http://example.com/x");
	/* inside brackets trailing punctuation belongs to the URL */
	assert_string_equal(EXTRACT(f, "<http://example.com/x.>, "
	    "<www.example.com/a,b)>", &l),
	    "http://example.com/x.|www.example.com/a,b)");
	/* one line break inside <...>, taken out by normalisation */
	assert_string_equal(EXTRACT(f, "<http://example.com/very/\r\nlong/"
	    "path>", &l), "http://example.com/very/\r\nlong/path");
	assert_string_equal(l.v[0].normalized,
	    "http://example.com/very/long/path");
	/* not closed: the plain form is still found */
	assert_string_equal(EXTRACT(f, "<http://example.com/a b>", &l),
	    "http://example.com/a");
	assert_string_equal(EXTRACT(f, "<mailto:x@example.org>", &l),
	    "mailto:x@example.org");
}

static void
test_extract_nul_limit(void **state)
{
	struct fix *f = *state;
	static const char t[] = "http://a.example\0http://b.example\0"
	    "www.c.example";
	char *big;
	size_t i, n = 0;
	rf_links l;

	assert_string_equal(extract(f, t, sizeof(t) - 1, &l),
	    "http://a.example|http://b.example|www.c.example");

	big = malloc(50 * 32);
	assert_non_null(big);
	for (i = 0; i < 50; i++)
		n += (size_t)sprintf(big + n, "http://h%zu.example/ ", i);
	memset(&l, 0, sizeof(l));
	l.max = 10;
	assert_int_equal(rf_url_extract_text(f->ctx, f->a, big, n, 0, &l,
	    NULL), RF_OK);
	assert_int_equal(l.n, 10);
	assert_true(l.limit_hit);
	assert_string_equal(l.v[9].url, "http://h9.example/");
	free(big);
}

static void
test_text_host(void **state)
{
	struct fix *f = *state;
	/* address: the host is shown written as a link address ("www.",
	 * "//", "scheme://"), not as a bare name */
	static const struct {
		const char *text, *host;
		int address;
	} cases[] = {
		{ "Click here", NULL, 0 },
		{ "www.paypal.com", "www.paypal.com", 1 },
		{ "https://bank.example/login", "bank.example", 1 },
		{ " https://WWW.Bank.Example/ ", "www.bank.example", 1 },
		{ "PayPal.com", "paypal.com", 0 },
		{ "paypal.com/login", "paypal.com", 0 },
		{ "(www.x.com).", "www.x.com", 1 },
		{ "//cdn.example/x", "cdn.example", 1 },
		{ "B\xc3\x9c" "CHER.de", "xn--bcher-kva.de", 0 },
		{ "192.0.2.1", "192.0.2.1", 0 },
		{ "readme.txt", NULL, 0 },	/* txt is no suffix */
		{ "version 1.2", NULL, 0 },
		{ "1.2", NULL, 0 },		/* no IPv4 short forms */
		{ "co.uk", NULL, 0 },		/* a suffix itself */
		{ "support@paypal.com", NULL, 0 },
		{ "mailto:support@paypal.com", NULL, 0 },
		{ "", NULL, 0 },
		{ "...", NULL, 0 },
		{ "Go to https://x.example now", NULL, 0 },
		/* a link address must name a host a link can lead to */
		{ "www.soft2reg", NULL, 0 },	/* no top-level domain */
		{ "http://LOSEweightFAST!/ad.html", NULL, 0 },
		{ "http://www.all-life/stopit", NULL, 0 },
		{ "https://www.yourbank.example/login",
		  "www.yourbank.example", 1 },
		{ "http://10.1.2.3/x", "10.1.2.3", 1 },
		{ "https://news.bbc.co.uk/x", "news.bbc.co.uk", 1 },
		{ "Shop.Example.co.uk", "shop.example.co.uk", 0 },
	};
	static const struct {
		const char *text, *domain;
	} doms[] = {
		{ "www.paypal.com", "paypal.com" },
		{ "https://news.bbc.co.uk/", "bbc.co.uk" },
		{ "Shop.Example.co.uk", "example.co.uk" },
		{ "192.0.2.1", NULL },
		{ "http://10.1.2.3/x", NULL },
	};
	const char *domain;
	size_t i;
	int address;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		eq(cases[i].text, rf_url_text_host(f->ctx, f->a,
		    cases[i].text), cases[i].host);
		address = -1;
		domain = "unset";
		eq(cases[i].text, rf__url_text_host(f->ctx, f->a,
		    cases[i].text, &domain, &address), cases[i].host);
		if (address != cases[i].address)
			fail_msg("%s: address %d, want %d", cases[i].text,
			    address, cases[i].address);
		/* the domain it gives is the one rf_url_domain looks up */
		eq(cases[i].text, domain, cases[i].host == NULL ? NULL :
		    rf_url_domain(f->ctx, f->a, cases[i].host));
	}
	/* and the values themselves, worked out by hand */
	for (i = 0; i < sizeof(doms) / sizeof(doms[0]); i++) {
		(void)rf__url_text_host(f->ctx, f->a, doms[i].text, &domain,
		    NULL);
		eq(doms[i].text, domain, doms[i].domain);
	}
	assert_null(rf_url_text_host(f->ctx, f->a, NULL));
	address = -1;
	domain = "unset";
	assert_null(rf__url_text_host(f->ctx, f->a, NULL, &domain, &address));
	assert_int_equal(address, 0);
	assert_null(domain);
}

/* rf_url_host_ascii: a mail domain as an ASCII header carries it */
static void
test_host_ascii(void **state)
{
	struct fix *f = *state;
	static const struct {
		const char *host, *want;
	} cases[] = {
		{ "example.org", "example.org" },
		{ "Shop.Example.ORG", "shop.example.org" },
		{ "b\xc3\xbc" "cher.example", "xn--bcher-kva.example" },
		{ "B\xc3\x9c" "CHER.example", "xn--bcher-kva.example" },
		{ "xn--bcher-kva.example", "xn--bcher-kva.example" },
		{ "\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9"
		  "\xe3\x83\x88", "xn--r8jz45g.xn--zckzah" },
		{ "", NULL },
		{ ".example.org", NULL },
		{ "example..org", NULL },
		{ "example.org.", NULL },
		{ "exa mple.org", NULL },
		{ "example.org/x", NULL },
		{ "a@example.org", NULL },
		{ "ex_ample.org", NULL },
		{ "\xff\xfe.example", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		eq(cases[i].host, rf_url_host_ascii(f->a, cases[i].host),
		    cases[i].want);
	assert_null(rf_url_host_ascii(f->a, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_normalise, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mailto_psl, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_domain_cache, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extract, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extract_not, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_extract_angle, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_extract_nul_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_text_host, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_host_ascii, setup,
		    teardown),
	};
	return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
