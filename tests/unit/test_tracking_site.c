/* test_tracking_site.c - a host's site (rf__site_off, s38): its
 * registrable domain by the public suffix list, which no token lies in,
 * no clean form replaces and the comparison of copies lines links up by;
 * under a two-label suffix ("com.ar", "github.io") the label before it
 * is the site's too ("https://redflag-removed.github.io/" was the clean
 * form of a per-copy github.io site); a trailing '.' changes nothing. */
#include "testutil.h"
#include "../../lib/internal.h"
#include "tracking_fx.h"

/* An opaque id (rf__opaque) for a host label. */
#define ID "k7q2x9m4p8w3z6r1"

/* site: the site of host by rf__site_off (ctx may be NULL) */
static const char *
site(struct fx *f, const rf_ctx *ctx, const char *host)
{
	return rf_arena_strdup(f->a, host + rf__site_off(ctx, host,
	    strlen(host)));
}

static void
test_site_off(void **state)
{
	static const char *const cases[][2] = {
		{ "shop.tripod.com.ar", "tripod.com.ar" },
		{ "a.b.shop.tripod.com.ar", "tripod.com.ar" },
		{ "xyz.github.io", "xyz.github.io" },
		{ "a.xyz.github.io", "xyz.github.io" },
		{ "www.shop.co.uk", "shop.co.uk" },
		{ "x.y.myblog.blogspot.com", "myblog.blogspot.com" },
		{ "news.example.com", "example.com" },
		{ "News.Example.COM", "Example.COM" },
		{ "example.com", "example.com" },
		/* no answer from the list: the last two labels */
		{ "github.io", "github.io" },
		{ "a.co.uk", "a.co.uk" },
		{ "com", "com" },
		{ "10.1.2.3", "2.3" },
		{ "[2001:db8::1]", "[2001:db8::1]" },
		{ "a..example.com", "example.com" },
		{ "", "" },
	};
	struct fx *f = *state;
	char *long_host;
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(site(f, f->ctx, cases[i][0]), cases[i][1]);
	/* a trailing '.': where the site starts without it */
	assert_string_equal(site(f, f->ctx, "shop.tripod.com.ar."),
	    "tripod.com.ar.");
	assert_string_equal(site(f, f->ctx, "a.xyz.github.io."),
	    "xyz.github.io.");
	assert_string_equal(site(f, f->ctx, "a.b.example."), "b.example.");
	assert_int_equal(rf__site_off(f->ctx, "a.github.io.", 12), 0);
	/* no context: the last two labels */
	assert_string_equal(site(f, NULL, "shop.tripod.com.ar"), "com.ar");
	assert_string_equal(site(f, NULL, "shop.tripod.com.ar."), "com.ar.");
	/* longer than a DNS name: its last labels are looked up */
	n = 600;
	long_host = rf_arena_alloc(f->a, n + sizeof(".shop.tripod.com.ar"));
	assert_non_null(long_host);
	for (i = 0; i < n; i++)
		long_host[i] = i % 10 == 9 ? '.' : 'a';
	strcpy(long_host + n, "shop.tripod.com.ar");
	assert_string_equal(site(f, f->ctx, long_host), "tripod.com.ar");
	/* no name (a label longer than that): the last two labels */
	memset(long_host, 'a', n);
	strcpy(long_host + n, ".com.ar");
	assert_string_equal(site(f, f->ctx, long_host), "com.ar");
	/* a NUL byte: no name */
	assert_int_equal(rf__site_off(f->ctx, "a\0b.tripod.com.ar", 17), 11);
}

/* An opaque id or the recipient's name in a label of the site is no
 * code; in a label before it, it is one, and only that label goes. */
static void
test_link(void **state)
{
	struct fx *f = *state;
	rf_link *l;

	l = href(f, "https://shop." ID ".com.ar/p");
	assert_false(l->tracking);
	assert_string_equal(l->clean, l->url);
	l = href(f, "https://" ID ".github.io/p");
	assert_false(l->tracking);
	l = href(f, "https://" ID ".github.io./p");
	assert_false(l->tracking);
	l = href(f, "https://" ID ".shop.tripod.com.ar/p");
	assert_string_equal(tok(f, l, "opaque-token"), ID);
	assert_string_equal(l->clean,
	    "https://redflag-removed.shop.tripod.com.ar/p");
	l = href(f, "https://" ID ".shop.tripod.com.ar./p");
	assert_string_equal(l->clean,
	    "https://redflag-removed.shop.tripod.com.ar./p");
	/* the local part over two labels, the second one the site's */
	l = href(f, "http://john.smith.github.io/a");
	assert_true(l->tracking);
	assert_string_equal(l->clean, "http://redflag-removed.smith.github.io/a");
	l = href(f, "http://john.smith.tripod.com.ar/a");
	assert_string_equal(l->clean,
	    "http://redflag-removed.redflag-removed.tripod.com.ar/a");
	l = href(f, "http://www.john.smith.co.uk/a");
	assert_string_equal(l->clean,
	    "http://www.redflag-removed.smith.co.uk/a");
}

/* campaign: a message with link url, compared (rf_tracking_campaign)
 * with copies whose one link is each of others[0..n) */
static rf_link *
campaign(struct fx *f, const char *url, const char *const *others, size_t n)
{
	rf_message *m = rf_arena_alloc(f->a, sizeof(*m));
	rf_copy_links *o = rf_arena_array(f->a, n, sizeof(*o));
	rf_status st;
	rf_error err;
	rf_link *l;
	size_t k;

	assert_non_null(m);
	assert_non_null(o);
	m->arena = f->a;
	m->list_unsubscribe = "<https://news.example/unsub>";
	l = rf_links_add(f->a, &m->links, &st);
	assert_non_null(l);
	l->url = url;
	for (k = 0; k < n; k++) {
		o[k].urls = &others[k];
		o[k].n = 1;
	}
	assert_int_equal(rf_tracking_message(f->ctx, f->rules, m, ADDR,
	    &err), RF_OK);
	assert_int_equal(rf_tracking_campaign(f->ctx, f->rules, m, o, n,
	    &err), RF_OK);
	return &m->links.v[0];
}

/* varies: the part of l flagged varies-in-campaign, or "(none)" */
static const char *
varies(struct fx *f, const rf_link *l)
{
	const char *v = tok(f, l, "varies-in-campaign");

	return v != NULL ? v : "(none)";
}

/* A label of a host's site that differs between copies: the links are
 * of other sites (not lined up), or, in a destination a redirect carries,
 * the part is not flagged; a label before the site is. */
static void
test_campaign(void **state)
{
	static const char *const own[] = { "https://shop.k2222.com.ar/p",
		"https://shop.k3333.com.ar/p" };
	static const char *const gh[] = { "https://u2222.github.io/p",
		"https://u3333.github.io/p" };
	static const char *const sub[] = {
		"https://c2222.shop.tripod.com.ar/p",
		"https://c3333.shop.tripod.com.ar/p" };
	static const char *const dest[] = {
		"https://www.google.com/url?q=https%3A%2F%2Fshop.k2222.com.ar"
		    "%2Fp&sa=D",
		"https://www.google.com/url?q=https%3A%2F%2Fshop.k3333.com.ar"
		    "%2Fp&sa=D" };
	static const char *const ghdest[] = {
		"https://www.google.com/url?q=https%3A%2F%2Fu2222.github.io"
		    "%2Fp&sa=D",
		"https://www.google.com/url?q=https%3A%2F%2Fu3333.github.io"
		    "%2Fp&sa=D" };
	struct fx *f = *state;
	rf_link *l;

	l = campaign(f, "https://shop.k1111.com.ar/p", own, 2);
	assert_string_equal(varies(f, l), "(none)");
	assert_string_equal(l->clean, l->url);
	l = campaign(f, "https://u1111.github.io/p", gh, 2);
	assert_string_equal(varies(f, l), "(none)");
	l = campaign(f, "https://c1111.shop.tripod.com.ar/p", sub, 2);
	assert_string_equal(varies(f, l), "c1111");
	assert_string_equal(l->clean,
	    "https://redflag-removed.shop.tripod.com.ar/p");
	l = campaign(f, "https://www.google.com/url?q=https%3A%2F%2Fshop."
	    "k1111.com.ar%2Fp&sa=D", dest, 2);
	assert_string_equal(varies(f, l), "(none)");
	assert_string_equal(l->clean, l->url);
	l = campaign(f, "https://www.google.com/url?q=https%3A%2F%2F"
	    "u1111.github.io%2Fp&sa=D", ghdest, 2);
	assert_string_equal(varies(f, l), "(none)");
	assert_string_equal(l->clean, l->url);
}

/* A trailing '.' on a host: the links line up, and are flagged, as
 * without it. */
static void
test_campaign_dot(void **state)
{
	static const char *const bare[] = { "https://c2222.example.com/p",
		"https://c3333.example.com/p" };
	static const char *const dot[] = { "https://c2222.example.com./p",
		"https://C3333.Example.COM./p" };
	static const char *const other[] = { "https://www.beta.com./p",
		"https://www.gamma.com./p" };
	static const char *const dest[] = {
		"https://www.google.com/url?q=https%3A%2F%2Fk2222.com.%2Fp",
		"https://www.google.com/url?q=https%3A%2F%2Fk3333.com.%2Fp" };
	struct fx *f = *state;
	rf_link *l;

	l = campaign(f, "https://c1111.example.com./p", bare, 2);
	assert_string_equal(varies(f, l), "c1111");
	assert_string_equal(l->clean, "https://redflag-removed.example.com./p");
	l = campaign(f, "https://c1111.example.com/p", dot, 2);
	assert_string_equal(varies(f, l), "c1111");
	assert_string_equal(l->clean, "https://redflag-removed.example.com/p");
	/* other sites, as www.alpha.com and www.beta.com are */
	l = campaign(f, "https://www.alpha.com./p", other, 2);
	assert_string_equal(varies(f, l), "(none)");
	assert_false(l->tracking);
	l = campaign(f, "https://www.google.com/url?q=https%3A%2F%2F"
	    "k1111.com.%2Fp", dest, 2);
	assert_string_equal(varies(f, l), "(none)");
	assert_string_equal(l->clean, l->url);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_site_off),
		cmocka_unit_test(test_link),
		cmocka_unit_test(test_campaign),
		cmocka_unit_test(test_campaign_dot),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
