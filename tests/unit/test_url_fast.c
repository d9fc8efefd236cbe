/* test_url_fast.c - the fast path of rf_url_analyse (lib/url_fast.c)
 * against the full way (uriparser, rf__url_analyse_full): every URL the
 * fast path takes must give the same four fields.  Edge cases by hand,
 * then hundreds of thousands of generated URLs: URLs in normal form and
 * near misses (one or two bytes changed, inserted or removed).  Also the
 * block-wise trigger search of URLs in text at every alignment, and the
 * byte classes both ways read (lib/url_bytes.h) on every byte. */
#include "testutil.h"

#include "../../lib/internal.h"
#include "../../lib/url_bytes.h"	/* the byte classes */

/* Generated URLs of each kind. */
#define N_RANDOM 150000
#define N_MUTATED 150000

struct stats {
	size_t fast, total;
};

/* rng: xorshift64*, fixed seed: the same URLs on every run. */
static uint64_t
rng(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static size_t
pick(uint64_t *s, size_t n)
{
	return (size_t)(rng(s) % n);
}

static void
same(const char *url, const char *what, const char *fast, const char *full)
{
	if ((fast == NULL) != (full == NULL) ||
	    (fast != NULL && strcmp(fast, full) != 0))
		fail_msg("%s: %s: fast \"%s\", full \"%s\"", url, what,
		    fast != NULL ? fast : "NULL", full != NULL ? full : "NULL");
}

/* one: url through the fast path, the full way and rf_url_analyse; the
 * fields must agree whenever the fast path answers. */
static void
one(rf_ctx *ctx, rf_arena *a, const char *url, struct stats *st)
{
	rf_link f, s, c;
	int r;

	memset(&f, 0, sizeof(f));
	memset(&s, 0, sizeof(s));
	memset(&c, 0, sizeof(c));
	f.url = s.url = c.url = url;
	r = rf__url_fast(ctx, a, &f);
	assert_true(r == 0 || r == 1);
	assert_int_equal(rf__url_analyse_full(ctx, a, &s, NULL), RF_OK);
	assert_int_equal(rf_url_analyse(ctx, a, &c, NULL), RF_OK);
	st->total++;
	if (r == 1) {
		st->fast++;
		same(url, "normalized", f.normalized, s.normalized);
		same(url, "host", f.host, s.host);
		same(url, "host_unicode", f.host_unicode, s.host_unicode);
		same(url, "domain", f.domain, s.domain);
	} else
		assert_null(f.normalized);
	same(url, "normalized (cached)", c.normalized, s.normalized);
	same(url, "host (cached)", c.host, s.host);
	same(url, "host_unicode (cached)", c.host_unicode, s.host_unicode);
	same(url, "domain (cached)", c.domain, s.domain);
}

static void
test_edges(void **state)
{
	static const char *const urls[] = {
		"http://example.com/", "http://example.com",
		"https://example.com?x=1", "http://example.com#f",
		"http://example.com/?", "http://example.com/#",
		"http://example.com/a?", "http://example.com/a#",
		"http://a.b/", "http://x/", "http://com/", "http://localhost/",
		"http://www.example.co.uk/a/b", "http://a.github.io/",
		"http://co.uk/", "http://foo.invalid/",
		"http://example.com/%7E", "http://example.com/%7e",
		"http://example.com/%3a", "http://example.com/%3A",
		"http://example.com/%41", "http://example.com/%2E",
		"http://example.com/%2e%2E/", "http://example.com/%2F",
		"http://example.com/%00", "http://example.com/%FF",
		"http://example.com/%", "http://example.com/%4",
		"http://example.com/%zz", "http://example.com/a%",
		"http://example.com/./", "http://example.com/.",
		"http://example.com/..", "http://example.com/a/..",
		"http://example.com/a/../b", "http://example.com/a/./b",
		"http://example.com/a/.b", "http://example.com/...",
		"http://example.com/a/..b/", "http://example.com/.a",
		"http://example.com/a?./..", "http://example.com/a?/../",
		"http://example.com/#/../", "http://example.com/a#./.",
		"http://example.com/..?x", "http://example.com/.#x",
		"http://example.com//a//b/", "http://example.com///",
		"http://1.2.3.4/", "http://example.123/", "http://0x7f.1/",
		"http://a.0x1f/", "http://a.b1/", "http://a.1b/",
		"http://a..b/", "http://.a.b/", "http://a.b./", "http://a.b../",
		"http://xn--bcher-kva.example/", "http://a.xn--p1ai/",
		"http://xn--a.example/", "http://axn--b.example/",
		"http://example.com:80/", "http://example.com:/",
		"https://example.com:443/", "http://example.com:8080/",
		"http://u@example.com/", "http://u:p@example.com/",
		"http://@example.com/", "http://example.com/a@b:c",
		"http://example.com/a#b#c", "http://example.com/a#b?c",
		"http://example.com/a b", "http://example.com/a\\b",
		"http://example.com/a\"b", "http://example.com/a<b>",
		"http://example.com/a{b}|^`", "http://example.com/a[b]",
		"http://example.com/\xc3\xbc", "http://ex\xc3\xbc.com/",
		"http://example.com/\x7f", "http://example.com/\t",
		"http://example.com/ ", " http://example.com/",
		"http://_dmarc.example.com/", "http://-a.example.com/",
		"http://a-.example.com/", "http://ex_ample.com/",
		"http://Example.com/", "HTTP://example.com/",
		"Http://example.com/", "http:/example.com/",
		"http:///example.com/", "http:\\\\example.com/",
		"http:example.com/", "https:/", "http://", "https://",
		"http:///", "ftp://example.com/", "ws://example.com/",
		"mailto:a@example.com", "www.example.com/", "//example.com/",
		"http://example.com/!$&'()*+,;=:@~-._",
		"http://example.com/?q=a+b&c=%20%22#x!$&'()*+,;=:@/?",
		"http://[::1]/", "http://example.com%2F/", "http://a%41.com/",
		/* case */
		"HTTP://WWW.EXAMPLE.COM/A", "hTtPs://Example.Co.UK?Q#F",
		"http://XN--bcher-kva.example/", "http://Xn--a.com/",
		"http://EXAMPLE.123/", "http://A.B1/",
		/* dotted quads */
		"http://1.2.3.4", "http://01.2.3.4/", "http://1.2.3.256/",
		"http://255.255.255.255/", "http://0.0.0.0/", "http://1.2.3/",
		"http://1.2.3.4.5/", "http://1.2.3.4./", "http://1.2.3.04/",
		"http://192.168.000.1/", "http://1.2.3.0x4/", "http://1..3.4/",
		"http://1.2.3.4:81/x", "http://4294967295/",
		/* ports */
		"http://a.com:80/", "http://a.com:080/", "http://a.com:8080",
		"https://a.com:443", "https://a.com:80/", "http://a.com:443/",
		"http://a.com:65535/", "http://a.com:65536/",
		"http://a.com:99999/", "http://a.com:123456/", "http://a.com:0/",
		"http://a.com:00/", "http://a.com:/", "http://a.com:8a/",
		"http://a.com:1?x", "http://a.com:1#x", "http://a.com:80:80/",
		/* www. forms */
		"www.example.com", "WWW.Example.com/x", "www.", "www.a",
		"www.1.2.3.4/", "www..com", "Www.x.y?q", "www.x.y:80/a",
		"www.x.y:8080", "www.x.y#f", "www.x.y/./a", "www.x.y.",
		"www.x.y@z.com/", "www.xn--bcher-kva.de/",
		/* mailto: */
		"mailto:a@example.com", "mailto:A@Example.COM",
		"mailto:a@b.com,c@d.com", "mailto:a@b.com?subject=x%20y",
		"mailto:a@b.com?subject=%7e", "mailto:a@b.com?subject=%7E",
		"mailto:.", "mailto:..", "mailto:./a@b.com", "mailto:a@b.com/x",
		"mailto:a@b.com?x=/./..", "mailto:a@", "mailto:@b.com",
		"mailto:a", "mailto:", "mailto:a@1.2.3.4", "mailto:a@[::1]",
		"mailto:a@xn--bcher-kva.de", "mailto://a@b.com",
		"Mailto:a@b.com", "MAILTO:A@B.COM", "mailto:a@b.com#x",
		"mailto:a@b.com#x#y", "mailto:a@b@c.com", "mailto:a%40b@c.com",
		"mailto:a@b.com.", "mailto:a@b.co.uk", "mailto:?to=a@b.com",
		"mailto:a@b.com?", "mailto:a.@b.com", "mailto:a@co.uk",
		"mailto:a@b.com?cc=c@d.com", "mailto:a b@c.com",
		"mailto:a@b.com%2C", "mailto:a@b_c.com", "mailto:a@-b.com",
		"mailto:a@b.123", "mailto:a@%62.com", "mailto:a@b.com:25",
	};
	rf_ctx *ctx = *state;
	rf_arena *a = rf_arena_new();
	struct stats st = { 0, 0 };
	size_t i;

	assert_non_null(a);
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
		one(ctx, a, urls[i], &st);
	/* the simple ones went the fast way */
	assert_true(st.fast >= 30);
	rf_arena_free(a);
}

/* Pieces of generated URLs: mostly what the fast path takes, some of
 * what it must not. */
static const char *const schemes[] = {
	"http://", "https://", "http://", "https://", "http://", "https://",
	"HTTP://", "Https://", "http:/", "http:///", "http:\\\\", "ftp://",
	"http:", "www.", "//", "https:\\/",
};
static const char *const labels[] = {
	"www", "example", "mail", "a", "b1", "x-y", "news_letter", "co",
	"com", "org", "uk", "de", "net", "io", "github", "0", "12", "255",
	"0x1f", "xn--bcher-kva", "xn--p1ai", "EXAMPLE", "Ex", "a%41", "%41",
	"-", "_", "b\xc3\xbc", "1e", "localhost", "invalid", "",
};
static const char *const tails[] = {
	"", "", "", "", "", "", ".", ":80", ":443", ":8080", ":", ":0080",
	"@", "u@", ":x@", ":1", ":65535", ":65536", ":99999", ":123456",
	":0", ":8a",
};
static const char *const locals[] = {
	"a", "john.doe", "list-request", "x+y", "A.B", "a_b", ".", "..",
	"a%40b", "a%7e", "a b", "a/b", "", "a@b", "\\x", "a%2C",
};
static const char *const segs[] = {
	"", "a", "index.html", "x_y-z~", ".", "..", "...", ".a", "a.",
	"%20", "%7E", "%7e", "%2F", "%2f", "%2E", "%41", "%C3%BC", "%c3%bc",
	"%", "%4", "%G0", "a+b", "!$&'()*,;=", ":", "@", "~user", "a b",
	"\\", "\"", "<", ">", "[", "]", "{", "|", "^", "`", "\xc3\xbc",
	"\x7f", "\t", "%00", "%FF", "%5C",
};
static const char *const qparts[] = {
	"a=1", "b=%20", "c=%7e", "d=%2E", "e=x+y", "f=/../.", "g=?",
	"h=@:", "i=%", "j=a b", "k=#", "", "utm_source=x&utm_medium=y",
	"l=%C3%A9", "m=\xc3\xa9", "n=[]", "o='", "p=\\",
};

/* gen_host: a host name or a dotted quad (sometimes with leading zeros
 * or out of range) appended to buf (size n). */
static void
gen_host(uint64_t *s, char *buf, size_t n, int clean)
{
	size_t k, m;

	if (pick(s, 8) == 0) {
		for (k = 0; k < 4; k++)
			snprintf(buf + strlen(buf), n - strlen(buf),
			    k > 0 ? ".%s%zu" : "%s%zu",
			    clean || pick(s, 6) ? "" : "0",
			    pick(s, clean ? 256 : 300));
		return;
	}
	m = 1 + pick(s, 4);
	for (k = 0; k < m; k++) {
		if (k > 0)
			strncat(buf, ".", n - strlen(buf) - 1);
		strncat(buf, labels[clean ? pick(s, 15) :
		    pick(s, sizeof(labels) / sizeof(labels[0]))],
		    n - strlen(buf) - 1);
	}
}

/* gen_mailto: a mailto: URL into buf (size n). */
static void
gen_mailto(uint64_t *s, char *buf, size_t n, int clean)
{
	size_t k, m = 1 + pick(s, 2);

	strncat(buf, clean || pick(s, 4) ? "mailto:" : "MailTo:", n - 1);
	for (k = 0; k < m; k++) {
		if (k > 0)
			strncat(buf, ",", n - strlen(buf) - 1);
		strncat(buf, locals[pick(s, clean ? 6 :
		    sizeof(locals) / sizeof(locals[0]))], n - strlen(buf) - 1);
		strncat(buf, "@", n - strlen(buf) - 1);
		gen_host(s, buf, n, clean);
	}
	if (pick(s, 3) == 0) {
		strncat(buf, "?", n - strlen(buf) - 1);
		strncat(buf, qparts[clean ? pick(s, 5) :
		    pick(s, sizeof(qparts) / sizeof(qparts[0]))],
		    n - strlen(buf) - 1);
	}
}

/* gen: a URL into buf (size n); clean: only the first entry groups of
 * each table (what is usually in normal form) when set. */
static void
gen(uint64_t *s, char *buf, size_t n, int clean)
{
	size_t k, m;

	buf[0] = '\0';
	if (pick(s, 6) == 0) {
		gen_mailto(s, buf, n, clean);
		return;
	}
	strncat(buf, schemes[clean ? pick(s, 2) :
	    pick(s, sizeof(schemes) / sizeof(schemes[0]))], n - 1);
	gen_host(s, buf, n, clean);
	if (!clean)
		strncat(buf, tails[pick(s, sizeof(tails) / sizeof(tails[0]))],
		    n - strlen(buf) - 1);
	m = pick(s, 5);
	for (k = 0; k < m; k++) {
		strncat(buf, "/", n - strlen(buf) - 1);
		strncat(buf, segs[clean ? pick(s, 9) :
		    pick(s, sizeof(segs) / sizeof(segs[0]))],
		    n - strlen(buf) - 1);
	}
	if (pick(s, 3) == 0) {
		strncat(buf, "?", n - strlen(buf) - 1);
		m = 1 + pick(s, 3);
		for (k = 0; k < m; k++) {
			if (k > 0)
				strncat(buf, "&", n - strlen(buf) - 1);
			strncat(buf, qparts[clean ? pick(s, 5) :
			    pick(s, sizeof(qparts) / sizeof(qparts[0]))],
			    n - strlen(buf) - 1);
		}
	}
	if (pick(s, 5) == 0) {
		strncat(buf, "#", n - strlen(buf) - 1);
		strncat(buf, segs[clean ? pick(s, 9) :
		    pick(s, sizeof(segs) / sizeof(segs[0]))],
		    n - strlen(buf) - 1);
	}
}

/* mutate: change, insert or remove one byte of buf (size n). */
static void
mutate(uint64_t *s, char *buf, size_t n)
{
	static const char nasty[] = "%./\\?#@:-_~!$&'()*+,;=[]{}<>\"| ^`"
	    "AZaz09xXfF\t\x7f\x80\xc3\xbc";
	size_t len = strlen(buf), i = len > 0 ? pick(s, len) : 0;
	char c = nasty[pick(s, sizeof(nasty) - 1)];

	switch (pick(s, 3)) {
	case 0:
		if (len > 0)
			buf[i] = c;
		break;
	case 1:
		if (len + 1 < n) {
			memmove(buf + i + 1, buf + i, len - i + 1);
			buf[i] = c;
		}
		break;
	default:
		if (len > 0)
			memmove(buf + i, buf + i + 1, len - i);
		break;
	}
}

static void
test_generated(void **state)
{
	rf_ctx *ctx = *state;
	rf_arena *a = rf_arena_new();
	struct stats clean = { 0, 0 }, mixed = { 0, 0 }, near = { 0, 0 };
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	char buf[1024];
	size_t i;

	assert_non_null(a);
	for (i = 0; i < N_RANDOM + N_MUTATED; i++) {
		if (i % 2000 == 0) {	/* bounded memory */
			rf_arena_free(a);
			assert_non_null(a = rf_arena_new());
		}
		if (i < N_RANDOM / 2) {
			gen(&s, buf, sizeof(buf), 1);
			one(ctx, a, buf, &clean);
		} else if (i < N_RANDOM) {
			gen(&s, buf, sizeof(buf), 0);
			one(ctx, a, buf, &mixed);
		} else {
			gen(&s, buf, sizeof(buf), 1);
			mutate(&s, buf, sizeof(buf));
			if (pick(&s, 2) == 0)
				mutate(&s, buf, sizeof(buf));
			one(ctx, a, buf, &near);
		}
	}
	print_message("fast path: %zu of %zu clean, %zu of %zu mixed, "
	    "%zu of %zu near misses\n", clean.fast, clean.total, mixed.fast,
	    mixed.total, near.fast, near.total);
	/* both sides of the check were exercised */
	assert_true(clean.fast > clean.total / 2);
	assert_true(near.fast > near.total / 10);
	assert_true(near.fast < near.total);
	assert_true(mixed.fast < mixed.total);
	rf_arena_free(a);
}

/* URLs in text at every offset around the 16- and 8-byte blocks the
 * trigger search reads (url_text.c: next_trigger), with and without a
 * trigger byte in the filler before, and ending on the last byte: each
 * URL is found exactly as written. */
static void
test_text_offsets(void **state)
{
	static const char *const urls[] = {
		"http://a.example/x", "www.b.example", "mailto:c@d.example",
		"<URL:http://e.example/>", "<https://f.example/g>",
	};
	static const char *const want[] = {
		"http://a.example/x", "www.b.example", "mailto:c@d.example",
		"http://e.example/", "https://f.example/g",
	};
	rf_ctx *ctx = *state;
	rf_arena *a = rf_arena_new();
	char text[128];
	size_t u, pad, k, len;
	rf_links l;

	assert_non_null(a);
	for (u = 0; u < sizeof(urls) / sizeof(urls[0]); u++)
		for (pad = 0; pad < 40; pad++)
			for (k = 0; k < 3; k++) {
				/* filler: spaces, maybe a lone '.' or '<'
				 * (not right before the URL) */
				memset(text, ' ', pad);
				if (k > 0 && pad > 1)
					text[pad / 2 - 1] = k == 1 ? '.' : '<';
				len = pad + (size_t)snprintf(text + pad,
				    sizeof(text) - pad, "%s%s", urls[u],
				    pad % 2 ? "" : " tail");
				memset(&l, 0, sizeof(l));
				assert_int_equal(rf_url_extract_text(ctx, a,
				    text, len, 0, &l, NULL), RF_OK);
				if (l.n != 1)
					print_message("[%.*s] %zu\n", (int)len, text, l.n);
				assert_int_equal(l.n, 1);
				assert_string_equal(l.v[0].url, want[u]);
			}
	/* no trigger at all, every length */
	for (len = 0; len < sizeof(text); len++) {
		memset(text, 'x', len);
		memset(&l, 0, sizeof(l));
		assert_int_equal(rf_url_extract_text(ctx, a, text, len, 0, &l,
		    NULL), RF_OK);
		assert_int_equal(l.n, 0);
	}
	rf_arena_free(a);
}

/*
 * The byte classes of lib/url_bytes.h, which url.c (is_plain) and
 * url_fast.c (F_PLAIN and the rest) share, against the sets of RFC 3986
 * written out, on all 256 bytes.  url.c's is_plain is RF__UB_PLAIN; the
 * fast path's F_PLAIN is that and ':' and '@' (RF__UB_PCHAR), nothing
 * else.
 */
static void
test_byte_classes(void **state)
{
	const char *unres = "-._~", *sub = "!$&'()*+,;=";
	int c, alnum, upper, want;

	(void)state;
	for (c = 0; c < 256; c++) {
		upper = c >= 'A' && c <= 'Z';
		alnum = upper || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9');
		want = 0;
		if (alnum || c == '-' || c == '_')
			want |= RF__UB_HOST;
		if (alnum || (c != 0 && strchr(unres, c) != NULL))
			want |= RF__UB_UNRES | RF__UB_PLAIN;
		if (c != 0 && strchr(sub, c) != NULL)
			want |= RF__UB_PLAIN;
		if (c == ':' || c == '@')
			want |= RF__UB_PCHAR;
		if (upper)
			want |= RF__UB_UPPER;
		if (rf__url_byte[c] != want)
			fail_msg("byte 0x%02x: classes 0x%x, RFC 3986 0x%x",
			    c, rf__url_byte[c], want);
	}
}

/*
 * Every byte value and its escape, upper and lower case, in the host, the
 * path, the query and the fragment, as the only odd byte of a URL the
 * fast path would take: the fast path and the full way (is_plain) agree
 * wherever the fast path answers, and the plain bytes and ':' and '@'
 * after the host are taken by the fast path.
 */
static void
test_every_byte(void **state)
{
	static const char *const forms[][2] = {	/* before, after */
		{ "http://ex", "ample.com/a" }, { "http://example.com/a", "b" },
		{ "http://example.com/a?q=", "x" },
		{ "http://example.com/a#f", "g" },
		{ "mailto:jo", "n@example.com" },
	};
	rf_ctx *ctx = *state;
	rf_arena *a = rf_arena_new();
	struct stats st = { 0, 0 };
	char byte[8], url[64];
	rf_link f;
	size_t k, e;
	int c;

	assert_non_null(a);
	for (c = 1; c < 256; c++)
		for (k = 0; k < sizeof(forms) / sizeof(forms[0]); k++)
			for (e = 0; e < 3; e++) {
				if (e == 0)
					snprintf(byte, sizeof(byte), "%c", c);
				else
					snprintf(byte, sizeof(byte),
					    e == 1 ? "%%%02X" : "%%%02x", c);
				snprintf(url, sizeof(url), "%s%s%s",
				    forms[k][0], byte, forms[k][1]);
				one(ctx, a, url, &st);
				if (e != 0 || k == 0 || k == 4 ||
				    !(rf__url_byte[c] &
				    (RF__UB_PLAIN | RF__UB_PCHAR)))
					continue;
				memset(&f, 0, sizeof(f));
				f.url = url;
				if (rf__url_fast(ctx, a, &f) != 1)
					fail_msg("%s: a plain byte after the "
					    "host, not on the fast path", url);
			}
	assert_true(st.fast > 0 && st.fast < st.total);
	rf_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_text_offsets),
		cmocka_unit_test(test_byte_classes),
		cmocka_unit_test(test_every_byte),
	};

	return cmocka_run_group_tests(tests, ctx_setup, ctx_teardown);
}
