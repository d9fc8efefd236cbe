/* test_hotline_canon.c - canonical URLs of the hotline and defanging. */
#include <redflag/tracking.h>

#include "testutil.h"

static rf_ctx *ctx;

static const char *
canon(rf_arena *a, const char *url, const char *reporter)
{
	rf_hotline_url u;
	rf_error err;

	if (rf_hotline_canonical(ctx, NULL, a, NULL, url, reporter, &u,
	    &err) != RF_OK)
		return NULL;
	return u.canonical;
}

static void
test_same_page(void **state)
{
	rf_arena *a = rf_arena_new();
	const char *forms[] = {
		"http://Evil.Example/a/b/../c/page.html#top",
		"HTTP://evil.example:80/a/./c/page.html",
		"http://evil.example/a/c/%70age.html",
		"  http://EVIL.example/a/c/page.html#x\n",
	};
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		assert_string_equal(canon(a, forms[i], NULL),
		    "http://evil.example/a/c/page.html");
	rf_arena_free(a);
}

static void
test_root_path(void **state)
{
	rf_arena *a = rf_arena_new();

	assert_string_equal(canon(a, "https://evil.example", NULL),
	    "https://evil.example/");
	assert_string_equal(canon(a, "https://evil.example?q=1", NULL),
	    "https://evil.example/?q=1");
	assert_string_equal(canon(a, "https://evil.example/", NULL),
	    "https://evil.example/");
	rf_arena_free(a);
}

/* An empty query ("?") and dots ending the host (one or more) name the
 * same page as without them: one case.  The URL as reported keeps them
 * (u.clean). */
static void
test_empty_query_host_dot(void **state)
{
	rf_arena *a = rf_arena_new();
	rf_hotline_url u;
	rf_error err;
	size_t i;
	const char *forms[] = {
		"http://x.example/a?",
		"http://x.example./a",
		"http://x.example../a",
		"http://X.Example../a?#top",
		"http://x.example.../a?",
	};

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		assert_int_equal(rf_hotline_canonical(ctx, NULL, a, NULL,
		    forms[i], NULL, &u, &err), RF_OK);
		assert_string_equal(u.canonical, "http://x.example/a");
		assert_string_equal(u.host, "x.example");
		assert_string_equal(u.domain, "x.example");
		assert_string_equal(u.clean, forms[i]);
	}
	assert_string_equal(canon(a, "http://x.example..", NULL),
	    "http://x.example/");
	assert_string_equal(canon(a, "http://x.example..:8080?", NULL),
	    "http://x.example:8080/");
	assert_string_equal(canon(a, "http://u@x.example../?q", NULL),
	    "http://u@x.example/?q");
	/* only an empty query goes: "a??" has the query "?", and its
	 * canonical form is a fixed point */
	assert_string_equal(canon(a, "http://x.example/a??", NULL),
	    "http://x.example/a??");
	assert_string_equal(canon(a, canon(a, "http://x.example/a??", NULL),
	    NULL), "http://x.example/a??");
	assert_string_equal(canon(a, "http://x.example/a?b?", NULL),
	    "http://x.example/a?b?");
	/* a host of dots only is not made into another host */
	assert_true(canon(a, "http://../a", NULL) == NULL ||
	    strcmp(canon(a, "http://../a", NULL), "http://a/") != 0);
	rf_arena_free(a);
}

static void
test_percent_case(void **state)
{
	rf_arena *a = rf_arena_new();

	/* Reserved bytes stay encoded, with upper-case hex. */
	assert_string_equal(canon(a, "http://evil.example/a%2fb?x=%3d", NULL),
	    "http://evil.example/a%2Fb?x=%3D");
	rf_arena_free(a);
}

static void
test_rejects(void **state)
{
	rf_arena *a = rf_arena_new();
	rf_hotline_limits lim = { 64, 0, 0, 0, 0, 0 };
	rf_hotline_url u;
	rf_error err;
	char big[200];

	assert_null(canon(a, "mailto:someone@example.org", NULL));
	assert_null(canon(a, "javascript:alert(1)", NULL));
	assert_null(canon(a, "not a url", NULL));
	assert_null(canon(a, "", NULL));
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "http://", 7);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(rf_hotline_canonical(ctx, NULL, a, &lim, big, NULL,
	    &u, &err), RF_ELIMIT);
	rf_arena_free(a);
}

static void
test_host_and_domain(void **state)
{
	rf_arena *a = rf_arena_new();
	rf_hotline_url u;
	rf_error err;

	assert_int_equal(rf_hotline_canonical(ctx, NULL, a, NULL,
	    "http://www.Shop.Evil.co.uk/x", NULL, &u, &err), RF_OK);
	assert_string_equal(u.host, "www.shop.evil.co.uk");
	assert_string_equal(u.domain, "evil.co.uk");
	rf_arena_free(a);
}

static void
test_scrub_reporter(void **state)
{
	rf_arena *a = rf_arena_new();
	rf_rules *rules = NULL;
	rf_hotline_url u;
	rf_error err;
	size_t i;
	/* One site through differently tracked links of one reporter: the
	 * address plain, base64, hashed, and the rules' parameters. */
	const char *forms[] = {
		"http://evil.example/win?email=ann.reporter@mail.example",
		"http://evil.example/win?u=YW5uLnJlcG9ydGVyQG1haWwuZXhhbXBsZQ==",
		"http://evil.example/win?h=534e351d8324fcc919f1a94c5dcdf3f7",
		"http://evil.example/win?utm_source=spam&utm_medium=mail",
		"http://evil.example/win#ann.reporter@mail.example",
	};

	rules = shipped_rules();
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		assert_int_equal(rf_hotline_canonical(ctx, rules, a, NULL,
		    forms[i], "Ann.Reporter@mail.example", &u, &err), RF_OK);
		assert_string_equal(u.canonical, "http://evil.example/win");
		assert_null(strstr(u.clean, "ann.reporter"));
		assert_null(strstr(u.clean, "YW5u"));
		if (i < 4)
			assert_true(u.scrubbed > 0);
	}
	/* Without the reporter's address an address in the query is still
	 * taken out by its shape (other-address, docs/tracking.md); its
	 * base64 form is then an opaque id, nothing more is known. */
	assert_int_equal(rf_hotline_canonical(ctx, rules, a, NULL, forms[0],
	    NULL, &u, &err), RF_OK);
	assert_int_equal(u.scrubbed, 1);
	assert_null(strstr(u.clean, "ann.reporter"));
	assert_int_equal(rf_hotline_canonical(ctx, rules, a, NULL,
	    "http://evil.example/win?ref=7", NULL, &u, &err), RF_OK);
	assert_int_equal(u.scrubbed, 0);
	rf_rules_free(rules);
	rf_arena_free(a);
}

/* A page that carries another site's URL with the reporter's code in it
 * (a phishing page's "next" or "return" parameter) stays that page's
 * case, with the carried URL cleaned in place; the case is never the
 * other site's (the bank's), which the reporter did not visit.  A known
 * redirector (an unwrap rule: google.com/url?q=) still gives its
 * destination. */
static void
test_nested_destination(void **state)
{
	rf_arena *a = rf_arena_new();
	rf_rules *rules = NULL;
	rf_hotline_url u;
	rf_error err;
	size_t i;
	const char *forms[] = {
		"http://evil.example/login.php?next=https://www.bank.example/"
		    "account?user=ann.reporter@mail.example",
		"http://evil.example/login.php?next=https%3A%2F%2Fwww.bank."
		    "example%2Faccount%3Fuser%3Dann.reporter%2540mail.example",
		"http://evil.example/login.php?lang=en&next=https://www.bank."
		    "example/?u=ann.reporter@mail.example",
		"http://evil.example/login.php?next=https://www.bank.example/"
		    "?u=ann.reporter@mail.example&lang=en",
		"http://evil.example/login.php?a=http://x.example/?e=ann."
		    "reporter@mail.example&lang=en&b=http://y.example/?e="
		    "ann.reporter@mail.example",
	};
	const char *want[] = {
		"http://evil.example/login.php?next=https://www.bank.example/"
		    "account",
		"http://evil.example/login.php?next=https%3A%2F%2Fwww.bank."
		    "example%2Faccount",
		"http://evil.example/login.php?lang=en&next=https://www.bank."
		    "example/",
		"http://evil.example/login.php?next=https://www.bank.example/"
		    "&lang=en",
		"http://evil.example/login.php?a=http://x.example/&lang=en&b="
		    "http://y.example/",
	};

	rules = shipped_rules();
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		assert_int_equal(rf_hotline_canonical(ctx, rules, a, NULL,
		    forms[i], "ann.reporter@mail.example", &u, &err), RF_OK);
		assert_string_equal(u.canonical, want[i]);
		assert_string_equal(u.host, "evil.example");
		assert_null(strstr(u.clean, "ann.reporter"));
		assert_true(u.scrubbed > 0);
	}
	/* Without a code the page keeps its parameter. */
	assert_int_equal(rf_hotline_canonical(ctx, rules, a, NULL,
	    "http://evil.example/login.php?next=https://www.bank.example/",
	    "ann.reporter@mail.example", &u, &err), RF_OK);
	assert_string_equal(u.canonical,
	    "http://evil.example/login.php?next=https://www.bank.example/");
	/* Carried base64-encoded (s39), in a value or a path segment: the
	 * mail engine unwraps it, but the case stays the page's, the value
	 * left out, the segment replaced (found by s39's review: the case
	 * was the bank's). */
	assert_int_equal(rf_hotline_canonical(ctx, rules, a, NULL,
	    "http://evil.example/login.php?next=aHR0cHM6Ly93d3cuYmFuay5leGFt"
	    "cGxlL2FjY291bnQ/dXNlcj1hbm4ucmVwb3J0ZXJAbWFpbC5leGFtcGxl",
	    "ann.reporter@mail.example", &u, &err), RF_OK);
	assert_string_equal(u.canonical, "http://evil.example/login.php");
	assert_string_equal(u.host, "evil.example");
	assert_int_equal(rf_hotline_canonical(ctx, rules, a, NULL,
	    "http://evil.example/r/aHR0cHM6Ly93d3cuYmFuay5leGFtcGxlL2xvZ2lu"
	    "P3Nlc3Npb249WGsyOWZMcTgxWnBRN3dUbUEz",
	    "ann.reporter@mail.example", &u, &err), RF_OK);
	assert_string_equal(u.canonical, "http://evil.example/r/"
	    RF_TRACKING_PLACEHOLDER);
	assert_string_equal(u.host, "evil.example");
	/* A known redirector is unwrapped to the site it sends to. */
	assert_int_equal(rf_hotline_canonical(ctx, rules, a, NULL,
	    "https://www.google.com/url?q=http://evil.example/win?e="
	    "ann.reporter@mail.example&sa=D", "ann.reporter@mail.example",
	    &u, &err), RF_OK);
	assert_string_equal(u.canonical, "http://evil.example/win");
	rf_rules_free(rules);
	rf_arena_free(a);
}

/* The reporter's address as people write it: with a display name, as a
 * mailto: link, with blanks. */
static void
test_reporter_forms(void **state)
{
	rf_arena *a = rf_arena_new();
	const char *forms[] = {
		"Ann Reporter <ann.reporter@mail.example>",
		"\"Reporter, Ann\" <Ann.Reporter@Mail.Example>",
		"mailto:ann.reporter@mail.example",
		"<ann.reporter@mail.example>",
		" ann.reporter@mail.example ",
	};
	size_t i;
	rf_hotline_url u;
	rf_error err;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		assert_string_equal(canon(a, "http://evil.example/win?email="
		    "ann.reporter@mail.example", forms[i]),
		    "http://evil.example/win");
	/* One the simple reader leaves to GMime, before any mail was
	 * parsed in this process (found by fuzz_hotline: GMime was not
	 * initialised). */
	assert_int_equal(rf_hotline_canonical(ctx, NULL, a, NULL,
	    "http://evil.example/", "Ann <ann.reporter@mail.e://xample>", &u,
	    &err), RF_OK);
	rf_arena_free(a);
}

/* The defanging before put_host found a host's end once (the slow path
 * it replaced: a stop byte and a scheme tested at every byte), kept to
 * compare rf_hotline_defang with. */
static size_t
old_scheme_len(const char *p, const char **s)
{
	static const char *const name[] = { "https", "http", "ftp" };
	static const char *const fang[] = { "hxxps", "hxxp", "fxp" };
	size_t i, n;

	for (i = 0; i < 3; i++) {
		n = strlen(name[i]);
		if (strncasecmp(p, name[i], n) != 0)
			continue;
		*s = fang[i];
		if (strncmp(p + n, "://", 3) == 0)
			return n + 3;
		if (strncasecmp(p + n, "%3A%2F%2F", 9) == 0)
			return n + 9;
		return 0;
	}
	return 0;
}

static const char *
old_put_host(rf_buf *b, const char *p, const char *stop)
{
	const char *fang;

	for (; *p != '\0' && strchr(stop, *p) == NULL &&
	    old_scheme_len(p, &fang) == 0; p++) {
		if (*p == '.')
			rf_buf_puts(b, "[.]");
		else
			rf_buf_putc(b, *p);
	}
	return p;
}

static const char *
old_defang(rf_arena *a, const char *url)
{
	rf_buf b;
	const char *p = url, *fang;
	char *out;
	size_t n;

	p += strspn(p, " \t\r\n");
	rf_buf_init(&b, 0);
	if ((n = old_scheme_len(p, &fang)) > 0 && p[n - 1] == '/') {
		rf_buf_puts(&b, fang);
		rf_buf_puts(&b, "://");
		p += n;
	} else if ((n = strcspn(p, ":/?#")) > 0 && strncmp(p + n, "://", 3) ==
	    0) {
		rf_buf_append(&b, p, n + 3);
		p += n + 3;
	}
	p = old_put_host(&b, p, "/?#");
	while (*p != '\0') {
		if ((n = old_scheme_len(p, &fang)) == 0) {
			rf_buf_putc(&b, *p++);
			continue;
		}
		rf_buf_puts(&b, fang);
		rf_buf_append(&b, p + strlen(fang), n - strlen(fang));
		p = old_put_host(&b, p + n, p[n - 1] == '/' ? "/?#&;" : "%&;#");
	}
	out = rf_arena_strdup(a, rf_buf_cstr(&b));
	rf_buf_free(&b);
	return out;
}

/* rf_hotline_defang agrees with the old one on 20,000 strings made of
 * the pieces that matter (schemes in both cases, plain and encoded
 * separators, dots, every stop byte, h and f that start no scheme). */
static void
test_defang_same(void **state)
{
	static const char *const piece[] = { "http", "HTTPS", "hTtp", "ftp",
	    "FtP", "https", "://", ":/", "%3A%2F%2F", "%3a%2f%2f", "%3A%2F",
	    ".", "..", "/", "?", "#", "&", ";", "%", "h", "f", "H", "F",
	    "ex", "ample", "x", " ", "\t", "=", "www", "hxxp", "[.]" };
	const size_t np = sizeof(piece) / sizeof(piece[0]);
	unsigned long r = 12345;
	char url[256];
	size_t i, k, len;

	(void)state;
	for (i = 0; i < 20000; i++) {
		rf_arena *a = rf_arena_new();

		url[0] = '\0';
		len = 0;
		for (k = 0; k < 1 + i % 24; k++) {
			const char *s;

			r = r * 6364136223846793005ul + 1442695040888963407ul;
			s = piece[(r >> 33) % np];
			if (len + strlen(s) >= sizeof(url))
				break;
			memcpy(url + len, s, strlen(s) + 1);
			len += strlen(s);
		}
		if (strcmp(rf_hotline_defang(a, url), old_defang(a, url)) != 0)
			fail_msg("defang differs on '%s': '%s', before '%s'",
			    url, rf_hotline_defang(a, url),
			    old_defang(a, url));
		rf_arena_free(a);
	}
}

static void
test_defang(void **state)
{
	rf_arena *a = rf_arena_new();

	assert_string_equal(rf_hotline_defang(a,
	    "http://evil.example/a.b/c?d=e.f"),
	    "hxxp://evil[.]example/a.b/c?d=e.f");
	assert_string_equal(rf_hotline_defang(a, "https://a.b.c/"),
	    "hxxps://a[.]b[.]c/");
	assert_string_equal(rf_hotline_defang(a, "ftp://x.y/z"),
	    "fxp://x[.]y/z");
	/* A carried URL is defanged like the page: scheme and host
	 * (the common CSIRT form), plain or percent-encoded; the scheme
	 * in lower case whatever its case. */
	assert_string_equal(rf_hotline_defang(a,
	    "http://r.example/go?to=HTTPS://evil.example/"),
	    "hxxp://r[.]example/go?to=hxxps://evil[.]example/");
	assert_string_equal(rf_hotline_defang(a,
	    "http://evil.example/login.php?next=https://www.bank.example/"
	    "&lang=en.gb"),
	    "hxxp://evil[.]example/login.php?next=hxxps://www[.]bank[.]"
	    "example/&lang=en.gb");
	assert_string_equal(rf_hotline_defang(a,
	    "http://evil.example/l?a=http://x.example&b=ftp://y.example.org;c"
	    "=http://u.v:8080?q=a.b"),
	    "hxxp://evil[.]example/l?a=hxxp://x[.]example&b=fxp://y[.]"
	    "example[.]org;c=hxxp://u[.]v:8080?q=a.b");
	assert_string_equal(rf_hotline_defang(a,
	    "http://evil.example/l?next=https%3A%2F%2Fwww.bank.example%2Fa.b"),
	    "hxxp://evil[.]example/l?next=hxxps%3A%2F%2Fwww[.]bank[.]"
	    "example%2Fa.b");
	assert_string_equal(rf_hotline_defang(a,
	    "http://evil.example/l?next=HTTP%3a%2f%2fbank.example"),
	    "hxxp://evil[.]example/l?next=hxxp%3a%2f%2fbank[.]example");
	/* a carried URL's host runs into another URL: that one is
	 * defanged too (found by fuzz_hotline) */
	assert_string_equal(rf_hotline_defang(a,
	    "http://d/ahttps://a.b.examplehttp://evil.example/x"),
	    "hxxp://d/ahxxps://a[.]b[.]examplehxxp://evil[.]example/x");
	/* a URL kept as reported, blanks around it */
	assert_string_equal(rf_hotline_defang(a, "  http://evil.example/ "),
	    "hxxp://evil[.]example/ ");
	assert_string_equal(rf_hotline_defang(a, "\t\nHTTPS://a.b/"),
	    "hxxps://a[.]b/");
	assert_string_equal(rf_hotline_defang(a, "FTP://a.b/"),
	    "fxp://a[.]b/");
	/* a host alone (the export's source_identifier) */
	assert_string_equal(rf_hotline_defang(a, "www.bank.example"),
	    "www[.]bank[.]example");
	rf_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_page),
		cmocka_unit_test(test_root_path),
		cmocka_unit_test(test_empty_query_host_dot),
		cmocka_unit_test(test_percent_case),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_host_and_domain),
		cmocka_unit_test(test_scrub_reporter),
		cmocka_unit_test(test_nested_destination),
		cmocka_unit_test(test_reporter_forms),
		cmocka_unit_test(test_defang),
		cmocka_unit_test(test_defang_same),
	};
	int rc;

	ctx = test_ctx();
	rc = cmocka_run_group_tests_name("hotline_canon", tests, NULL, NULL);
	rf_ctx_free(ctx);
	return rc;
}
