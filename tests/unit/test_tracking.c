/* test_tracking.c - tracking codes: the recipient's address in every
 * form, rules, web bugs, opaque tokens, clean forms, providers' link
 * formats, campaigns, the summary, and messages from tests/data/trackers. */
#include "testutil.h"
#include "tracking_fx.h"

static char *
hex(struct fx *f, const unsigned char *p, size_t n, int upper)
{
	char *o = rf_arena_alloc(f->a, n * 2 + 1);
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(o + 2 * i, upper ? "%02X" : "%02x", p[i]);
	return o;
}

static void
test_plain(void **state)
{
	struct fx *f = *state;
	rf_link *l;

	l = href(f, "https://shop.example/x?u=john.smith@example.com&a=1");
	assert_string_equal(tok(f, l, "recipient-plain"), ADDR);
	assert_string_equal(l->clean, "https://shop.example/x?a=1");
	l = href(f, "https://shop.example/x?u=JOHN.SMITH@EXAMPLE.COM");
	assert_true(has_reason(l, "recipient-plain"));
	l = href(f, "https://shop.example/x?u=John.Smith%40example.com");
	assert_string_equal(tok(f, l, "recipient-urlencoded"),
	    "John.Smith%40example.com");
	assert_false(has_reason(l, "recipient-local-part"));
	/* twice encoded, in the fragment, in the host */
	l = href(f, "https://shop.example/x#to=john.smith%2540example.com");
	assert_true(has_reason(l, "recipient-urlencoded"));
	assert_string_equal(l->clean, "https://shop.example/x");
	l = href(f, "mailto:unsub+john.smith@example.com@lists.example");
	assert_true(has_reason(l, "recipient-plain"));
}

static void
test_base64(void **state)
{
	struct fx *f = *state;
	const char *prefix[] = { "", "{", "{\"" };
	char blob[128], *enc, *url;
	int k, urlsafe, pad;
	rf_link *l;

	for (k = 0; k < 3; k++)
		for (urlsafe = 0; urlsafe < 2; urlsafe++)
			for (pad = 0; pad < 2; pad++) {
				snprintf(blob, sizeof(blob), "%s%s%s", prefix[k],
				    ADDR, k == 0 ? "" : "\",\"n\":42}");
				enc = b64(f, blob, strlen(blob), urlsafe, pad);
				url = rf_arena_printf(f->a,
				    "https://t.example/o?d=%s&x=1", enc);
				l = href(f, url);
				if (!has_reason(l, "recipient-base64"))
					fail_msg("not found: %s", url);
				/* the token is the whole base64 value */
				assert_string_equal(tok(f, l,
				    "recipient-base64"), enc);
				assert_string_equal(l->clean,
				    "https://t.example/o?x=1");
			}
	/* in a path segment: the slash ends the run */
	enc = b64(f, ADDR, strlen(ADDR), 0, 1);
	l = href(f, rf_arena_printf(f->a, "https://t.example/u/%s/p", enc));
	assert_string_equal(tok(f, l, "recipient-base64"), enc);
	assert_string_equal(l->clean,
	    "https://t.example/u/" RF_TRACKING_PLACEHOLDER "/p");
	/* percent-encoded padding */
	l = href(f, rf_arena_printf(f->a, "https://t.example/?d=%.*s%%3D%%3D",
	    (int)strlen(enc) - 2, enc));
	assert_true(has_reason(l, "recipient-base64"));
}

static void
test_hex_and_digests(void **state)
{
	struct fx *f = *state;
	const EVP_MD *(*md[])(void) = { EVP_md5, EVP_sha1, EVP_sha256,
	    EVP_sha512 };
	const char *reason[] = { "recipient-md5", "recipient-sha1",
	    "recipient-sha256", "recipient-sha512" };
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen;
	const char *forms[4];
	rf_link *l;
	int i, k;

	l = href(f, rf_arena_printf(f->a, "https://t.example/h/%s",
	    hex(f, (const unsigned char *)ADDR, strlen(ADDR), 1)));
	assert_true(has_reason(l, "recipient-hex"));
	for (i = 0; i < 4; i++) {
		assert_int_equal(EVP_Digest(ADDR, strlen(ADDR), d, &dlen,
		    md[i](), NULL), 1);
		forms[0] = hex(f, d, dlen, 0);
		forms[1] = hex(f, d, dlen, 1);
		forms[2] = b64(f, d, dlen, 0, 1);
		forms[3] = b64(f, d, dlen, 1, 0);
		for (k = 0; k < 4; k++) {
			l = href(f, rf_arena_printf(f->a,
			    "https://t.example/p?h=%s&keep=1", forms[k]));
			if (!has_reason(l, reason[i]))
				fail_msg("%s form %d not found", reason[i], k);
			assert_string_equal(tok(f, l, reason[i]), forms[k]);
			assert_string_equal(l->clean,
			    "https://t.example/p?keep=1");
			/* no second, vaguer reason for the same bytes */
			assert_false(has_reason(l, "opaque-token"));
		}
	}
	/* a hash of somebody else */
	l = href(f, "https://t.example/p?h=0cc175b9c0f1b6a831c399e269772661");
	assert_false(has_reason(l, "recipient-md5"));
}

static void
test_local_part(void **state)
{
	struct fx *f = *state;
	rf_link *l;
	rf_recipient *bob;
	rf_error err;

	l = href(f, "https://forum.example/users/john.smith/posts");
	assert_string_equal(tok(f, l, "recipient-local-part"), "john.smith");
	l = href(f, "https://forum.example/users/john.smithson/posts");
	assert_false(l->tracking);
	/* local parts under RF_TRACKING_MIN_LOCAL bytes are not searched */
	assert_int_equal(rf_recipient_new(f->a, "bob@example.com", &bob,
	    &err), RF_OK);
	l = rf_arena_alloc(f->a, sizeof(*l));
	l->url = "https://forum.example/bob/posts";
	l->width = l->height = -1;
	assert_int_equal(rf_tracking_link(f->ctx, f->rules, f->a, bob, l, 0,
	    NULL, &err), RF_OK);
	assert_false(l->tracking);
	assert_int_equal(rf_recipient_new(f->a, "no-at-sign", &bob, &err),
	    RF_EINVAL);
}

static void
test_known_params(void **state)
{
	struct fx *f = *state;
	rf_link *l;

	l = href(f, "https://shop.example/p?id=7&utm_source=nl&utm_medium="
	    "email&mc_eid=ab12&_hsenc=p2AN&_hsmi=9&mkt_tok=MzQ&__s=x1");
	/* campaign tags identify nobody: not reported, kept */
	assert_false(has_reason(l, "known-param:utm_source"));
	assert_false(has_reason(l, "known-param:utm_medium"));
	assert_true(has_reason(l, "known-param:mc_eid"));
	assert_true(has_reason(l, "known-param:_hsenc"));
	assert_true(has_reason(l, "known-param:_hsmi"));
	assert_true(has_reason(l, "known-param:mkt_tok"));
	assert_true(has_reason(l, "known-param:__s"));
	assert_string_equal(l->clean, "https://shop.example/p?id=7&utm_source="
	    "nl&utm_medium=email");
	/* a link with campaign tags only is no tracking link, even with a
	 * long random-looking tag value in bulk mail */
	l = href(f, "https://shop.example/p?utm_source=newsletter&utm_medium="
	    "email&utm_campaign=spring&mc_cid=4f2a9c01de");
	assert_false(l->tracking);
	assert_string_equal(l->clean, l->url);
	l = href(f, "https://shop.example/p?utm_content=Xk29fLq81ZpQ7wTm&x=1");
	assert_false(l->tracking);
	/* RF_TRK_TAGS (hotline's canonical form): tags come out too */
	l = img(f, "https://shop.example/p?utm_source=nl&x=1", RF_LINK_HREF,
	    -1, -1, NULL, 0, RF_TRK_OPAQUE | RF_TRK_TAGS);
	assert_true(has_reason(l, "campaign-tag:utm_source"));
	assert_string_equal(l->clean, "https://shop.example/p?x=1");
	/* the same value in a parameter that is no tag is an opaque code */
	l = href(f, "https://shop.example/p?content=Xk29fLq81ZpQ7wTm&x=1");
	assert_true(has_reason(l, "opaque-token"));
	/* a per-host parameter only counts on its host */
	l = href(f, "https://shop.example/p?e=1");
	assert_false(l->tracking);
	assert_string_equal(l->clean, l->url);
	l = href(f, "https://x.us4.list-manage.com/track/click?u=1&id=2&e=3");
	assert_true(has_reason(l, "known-param:e"));
}

static void
test_unwrap(void **state)
{
	struct fx *f = *state;
	rf_link *l;

	/* Amazon SES: destination in the path */
	l = href(f, "https://a1b2.r.us-east-1.awstrack.me/L0/https:%2F%2F"
	    "shop.example%2Fsale%3Fid%3D5%26utm_source%3Dses/1/"
	    "0100018c2f3a4b5c-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-000000/"
	    "Xy7kP2qLm9RtVb3nW5zA8cD0eF=381");
	assert_true(has_reason(l, "known-host:amazon-ses"));
	assert_false(has_reason(l, "known-param:utm_source"));
	assert_string_equal(l->clean,
	    "https://shop.example/sale?id=5&utm_source=ses");
	/* a redirect in a query parameter carrying the address inside */
	l = href(f, "https://mailtrack.io/trace/link/abc?url=https%3A%2F%2F"
	    "shop.example%2Fa%3Fwho%3Djohn.smith%2540example.com%26p%3D1");
	assert_true(has_reason(l, "recipient-urlencoded"));
	assert_string_equal(l->clean, "https://shop.example/a?p=1");
	/* an unknown redirector whose target carries the code */
	l = href(f, "https://news.example/r?to=https%3A%2F%2Fshop.example%2F"
	    "%3Fmc_eid%3D77");
	assert_string_equal(l->clean, "https://shop.example/");
	/* what decodes to a byte no URL carries stays percent-encoded:
	 * 8-bit (valid UTF-8 or not), a blank, HTML's quotes and tags; a
	 * "%" decoded once is kept as it is */
	l = href(f, "https://a1b2.r.us-east-1.awstrack.me/L0/https:%2F%2F"
	    "t.example%2Fa%2520b%22c%C3%A9d%fFe%3Fq%3D%E2%82%AC%27%3C%3E%60"
	    "%09x%9D");
	assert_true(has_reason(l, "known-host:amazon-ses"));
	assert_string_equal(l->clean, "https://t.example/a%20b%22c%C3%A9d%FFe"
	    "?q=%E2%82%AC%27%3C%3E%60%09x%9D");
	/* the same two levels down, and with a code removed on the way */
	l = href(f, "https://news.example/r?to=https%3A%2F%2Fa1b2.r.us-east-1."
	    "awstrack.me%2FL0%2Fhttps%3A%252F%252Ft.example%252F%2525FF%2520"
	    "%253Fmc_eid%253D77%2526k%253D%2522");
	assert_string_equal(l->clean, "https://t.example/%FF%20?k=%22");
	/* a login page's return address is no code: left alone */
	l = href(f, "https://shop.example/login?next=https://shop.example/a");
	assert_false(l->tracking);
}

static void
test_web_bugs(void **state)
{
	struct fx *f = *state;
	const char *u = "https://img.example/p.gif";
	rf_link *l;

	l = img(f, u, RF_LINK_IMG, 1, 1, NULL, 0, 0);
	assert_true(has_reason(l, "web-bug:1x1"));
	assert_string_equal(l->clean, "");
	l = img(f, u, RF_LINK_IMG, 2, 2, NULL, 0, 0);
	assert_true(has_reason(l, "web-bug:1x1"));
	l = img(f, u, RF_LINK_IMG, 600, 200, "width: 1px; height:1px", 0, 0);
	assert_true(has_reason(l, "web-bug:1x1"));
	l = img(f, u, RF_LINK_IMG, -1, -1, "display:none", 0, 0);
	assert_true(has_reason(l, "web-bug:hidden"));
	l = img(f, u, RF_LINK_IMG, -1, -1, "visibility: hidden", 0, 0);
	assert_true(has_reason(l, "web-bug:hidden"));
	l = img(f, u, RF_LINK_IMG, -1, -1, "opacity:0.0", 0, 0);
	assert_true(has_reason(l, "web-bug:hidden"));
	l = img(f, u, RF_LINK_IMG, 0, 10, NULL, 0, 0);
	assert_true(has_reason(l, "web-bug:hidden"));
	l = img(f, u, RF_LINK_IMG, -1, -1, NULL, RF_LINKF_HIDDEN, 0);
	assert_true(has_reason(l, "web-bug:hidden"));
	l = img(f, u, RF_LINK_CSS, -1, -1, NULL, RF_LINKF_HIDDEN, 0);
	assert_true(has_reason(l, "web-bug:hidden"));
	/* ordinary images */
	l = img(f, u, RF_LINK_IMG, 600, 200, "max-width:600px", 0, 0);
	assert_false(l->tracking);
	assert_string_equal(l->clean, u);
	/* 1 px one way, the other size not declared: it shows at its own
	 * size, a pixel's (s37; a CSS class may size it, unseen) */
	l = img(f, u, RF_LINK_IMG, 1, -1, NULL, 0, 0);
	assert_true(has_reason(l, "web-bug:1x1"));
	assert_string_equal(l->clean, "");
	l = img(f, u, RF_LINK_IMG, -1, -1, "height:1px", 0, 0);
	assert_true(has_reason(l, "web-bug:1x1"));
	/* but a line declared 100% (or auto) wide is content */
	l = img(f, u, RF_LINK_IMG, -1, 1, NULL, RF_LINKF_WIDTH_SET, 0);
	assert_false(l->tracking);
	l = img(f, u, RF_LINK_IMG, -1, -1, "height:1px;width:100%", 0, 0);
	assert_false(l->tracking);
	l = img(f, u, RF_LINK_IMG, 1, -1, "height:auto", 0, 0);
	assert_false(l->tracking);
	l = img(f, u, RF_LINK_IMG, 2, -1, NULL, 0, 0);
	assert_false(l->tracking);
	/* an image that carries the address is a web bug too */
	l = img(f, "https://img.example/h.png?r=john.smith@example.com",
	    RF_LINK_IMG, 600, 100, NULL, 0, 0);
	assert_true(has_reason(l, "web-bug:token"));
	assert_string_equal(l->clean, "https://img.example/h.png");
}

/* s37: an open pixel's file name, an id as a whole in a path that says
 * open, track, pixel or beacon, is a code though it has an extension;
 * content images' hashed names are not. */
static void
test_open_file_id(void **state)
{
	struct fx *f = *state;
	rf_link *l;

	l = img(f, "https://news.shop.example/track/open/9f86d081884c7d659a2"
	    "feaa0c55ad015.gif", RF_LINK_IMG, -1, -1, NULL, 0, RF_TRK_OPAQUE);
	assert_string_equal(tok(f, l, "opaque-token"),
	    "9f86d081884c7d659a2feaa0c55ad015");
	assert_true(has_reason(l, "web-bug:token"));
	/* a web bug by its name: nothing to load (s38; it was
	 * ".../track/open/redflag-removed.gif", still loaded from the
	 * tracker), whatever size it declares */
	assert_string_equal(l->clean, "");
	l = img(f, "https://news.shop.example/track/open/9f86d081884c7d659a2"
	    "feaa0c55ad015.gif", RF_LINK_IMG, 600, 200, NULL, 0,
	    RF_TRK_OPAQUE);
	assert_string_equal(l->clean, "");
	l = img(f, "https://n.shop.example/Open/5f1a2b3c4d5e6f7a8b9c0d1e.gif",
	    RF_LINK_CSS, -1, -1, NULL, 0, RF_TRK_OPAQUE);
	assert_true(has_reason(l, "opaque-token"));
	assert_string_equal(l->clean, "");
	/* an id elsewhere in an open pixel's URL is taken out as before:
	 * only its name makes it a web bug */
	l = img(f, "https://n.shop.example/track/open/logo.gif?s=5f1a2b3c4d5e"
	    "6f7a8b9c0d1e", RF_LINK_IMG, -1, -1, NULL, 0, RF_TRK_OPAQUE);
	assert_string_equal(l->clean, "https://n.shop.example/track/open/"
	    "logo.gif");
	l = img(f, "https://n.shop.example/track/q8ZfK2mX7pLw4RtY9vB3nH6s/"
	    "logo.gif", RF_LINK_IMG, -1, -1, NULL, 0, RF_TRK_OPAQUE);
	assert_string_equal(l->clean, "https://n.shop.example/track/"
	    RF_TRACKING_PLACEHOLDER "/logo.gif");
	l = img(f, "https://github.example/notifications/beacon/Q8ZFK2MX7PLW4R"
	    "TY9VB3NH6SA1.gif", RF_LINK_IMG, -1, -1, NULL, 0, RF_TRK_OPAQUE);
	assert_true(has_reason(l, "opaque-token"));
	l = img(f, "https://n.shop.example/pixel/q8ZfK2mX7pLw4RtY9vB3nH6s.png",
	    RF_LINK_IMG, -1, -1, NULL, 0, RF_TRK_OPAQUE);
	assert_true(has_reason(l, "opaque-token"));
	/* no word in the path: a content image's id */
	assert_false(img(f, "https://cdn.shop.example/products/9f86d081884c7d"
	    "659a2feaa0c55ad015.jpg", RF_LINK_IMG, 300, -1, NULL, 0,
	    RF_TRK_OPAQUE)->tracking);
	/* the word only in the file name, or a word in a longer segment */
	assert_false(img(f, "https://cdn.shop.example/img/open-9f86d081884c7"
	    "d659a2feaa0c55ad015.gif", RF_LINK_IMG, -1, -1, NULL, 0,
	    RF_TRK_OPAQUE)->tracking);
	assert_false(img(f, "https://cdn.shop.example/opensource/9f86d081884c7"
	    "d659a2feaa0c55ad015.png", RF_LINK_IMG, -1, -1, NULL, 0,
	    RF_TRK_OPAQUE)->tracking);
	/* a build hash after a name, a short one, a name */
	assert_false(img(f, "https://cdn.shop.example/track/hero.3f9a2b1c8d7e"
	    "6f5a.jpg", RF_LINK_IMG, -1, -1, NULL, 0, RF_TRK_OPAQUE)->tracking);
	assert_false(img(f, "https://cdn.shop.example/track/3f9a2b1c8d7e.jpg",
	    RF_LINK_IMG, -1, -1, NULL, 0, RF_TRK_OPAQUE)->tracking);
	assert_false(img(f, "https://cdn.shop.example/pixel/spacer_black1x1."
	    "gif", RF_LINK_IMG, -1, -1, NULL, 0, RF_TRK_OPAQUE)->tracking);
	/* a link to a file is no image, nor one to a pixel's URL */
	assert_false(href(f, "https://news.shop.example/track/open/9f86d0818"
	    "84c7d659a2feaa0c55ad015.pdf")->tracking);
	l = href(f, "https://news.shop.example/track/open/9f86d081884c7d659a2"
	    "feaa0c55ad015.gif");
	assert_false(l->tracking);
	assert_string_equal(l->clean, l->url);
	/* without RF_TRK_OPAQUE (mail that is not bulk) it is not either */
	assert_false(img(f, "https://news.shop.example/track/open/9f86d08188"
	    "4c7d659a2feaa0c55ad015.gif", RF_LINK_IMG, -1, -1, NULL, 0, 0)
	    ->tracking);
}

static void
test_opaque(void **state)
{
	struct fx *f = *state;
	rf_link *l;

	l = href(f, "https://click.news.example/l/q8ZfK2mX7pLw4RtY9vB3nH6s");
	assert_string_equal(tok(f, l, "opaque-token"),
	    "q8ZfK2mX7pLw4RtY9vB3nH6s");
	assert_string_equal(l->clean,
	    "https://click.news.example/l/" RF_TRACKING_PLACEHOLDER);
	l = href(f, "https://shop.example/p?id=5&sid=3f2a9c1e-7b4d-4e8f-a1c2-"
	    "9d8e7f6a5b4c");
	assert_true(has_reason(l, "opaque-token"));
	assert_string_equal(l->clean, "https://shop.example/p?id=5");
	l = href(f, "https://u7Hk2LmQ9xZp4RvT8wYb.t.example/o");
	assert_true(has_reason(l, "opaque-token"));
	assert_string_equal(l->clean,
	    "https://" RF_TRACKING_PLACEHOLDER ".t.example/o");
	/* words, dates, numbers, files and shared documents are not */
	assert_false(href(f, "https://shop.example/products/2024-summer-sale-"
	    "collection?variant=39481234567890")->tracking);
	assert_false(href(f, "https://docs.google.com/document/d/1aBcD3fGhIj"
	    "K4lMnOpQrS5tUvWxYz6AbCdEfGhIjKlMn/edit")->tracking);
	assert_false(href(f, "https://cdn.example/img/8f14e45fceea167a5a36ded"
	    "d4bea2543.png")->tracking);
	assert_false(href(f, "https://news.example/2024/05/how-we-rebuilt-our"
	    "-InfrastructureWithKubernetes")->tracking);
	/* file names whose extension is not in the short list: packages,
	 * feeds, pages (one case, a letter first) */
	assert_false(href(f, "ftp://ftp.example/pub/gaim_0.59.1-1.ximian.2_"
	    "i386.deb")->tracking);
	assert_false(href(f, "https://x.example/r/gamix-1.99.p13-aap1.src.rpm")
	    ->tracking);
	assert_false(href(f, "https://x.example/n?xml=%2Fnews%2F2002%2F08%2F0"
	    "6%2Fngene06.xml")->tracking);
	assert_false(href(f, "https://x.example/p/78184_PartyPlayer.mgi2")
	    ->tracking);
	/* dotted ids still are: mixed case or long after the dot */
	assert_string_equal(tok(f, href(f, "https://x.example/c/5NGp6tsciMBW"
	    "BAxvERCbPMC.NjgA/x"), "opaque-token"),
	    "5NGp6tsciMBWBAxvERCbPMC.NjgA");
	assert_true(href(f, "https://x.example/c?t=Xk29fLq81ZpQ7wTm.e9iqjsn6")
	    ->tracking);
	/* without RF_TRK_OPAQUE nothing is opaque */
	l = img(f, "https://click.news.example/l/q8ZfK2mX7pLw4RtY9vB3nH6s",
	    RF_LINK_HREF, -1, -1, NULL, 0, 0);
	assert_false(l->tracking);
}

static void
test_clean_forms(void **state)
{
	struct fx *f = *state;
	const char *keep = "https://Shop.example:8080/a/b;c?x=1&y=%20#top";
	rf_link *l;

	l = href(f, keep);
	assert_false(l->tracking);
	assert_string_equal(l->clean, keep);
	/* a parameter is dropped whole, others keep their bytes */
	l = href(f, "https://shop.example/a?x=1&mc_eid=n&y=%20#top");
	assert_string_equal(l->clean, "https://shop.example/a?x=1&y=%20#top");
	/* a token in the path is replaced by the placeholder */
	l = href(f, "https://shop.example/u/john.smith@example.com/view?x=1");
	assert_string_equal(l->clean, "https://shop.example/u/"
	    RF_TRACKING_PLACEHOLDER "/view?x=1");
	/* a known tracking host without a destination becomes inert */
	l = href(f, "https://u1234.ct.sendgrid.net/ls/click?upn=x");
	assert_string_equal(l->clean, "https://u1234.ct.sendgrid.net/ls/click");
	l = href(f, "https://trk.klclick3.com/l/AbC");
	assert_string_equal(l->clean, "https://trk.klclick3.com/"
	    RF_TRACKING_PLACEHOLDER);
	/* a code in the user part goes with its '@', kept before an empty
	 * host: "https:///" is no URL to the reading of text, and what
	 * follows it may be one (seed userinfo-empty-host) */
	l = href(f, "https://john.smith@shop.example/a");
	assert_string_equal(l->clean, "https://shop.example/a");
	l = href(f, "https://john.smith@/http://x.example/");
	assert_string_equal(l->clean, "https://@/http://x.example/");
	/* a "www." form starts with its user part: without it, written
	 * with the "http://" a reader gives it (seed www-userinfo-8bit) */
	l = href(f, "www.john.smith@shop.example/a");
	assert_string_equal(l->clean, "http://shop.example/a");
}

static void
test_providers(void **state)
{
	struct fx *f = *state;
	rf_link *l;

	/* Mailchimp: click link, the subscriber in e */
	l = href(f, "https://example.us12.list-manage.com/track/click?u=3f1c"
	    "5a9e8b7d6c5b4a3f2e1d0&id=9a8b7c6d5e&e=4b3c2d1e0f");
	assert_true(has_reason(l, "known-host:mailchimp"));
	assert_true(has_reason(l, "known-param:e"));
	assert_false(has_reason(l, "opaque-token"));
	assert_string_equal(l->clean, "https://example.us12.list-manage.com/"
	    "track/click?u=3f1c5a9e8b7d6c5b4a3f2e1d0&id=9a8b7c6d5e");
	/* Mailchimp open pixel */
	l = img(f, "https://example.us12.list-manage.com/track/open.php?u=3f1"
	    "c5a9e8b7d6c5b4a3f2e1d0&id=9a8b7c6d5e&e=4b3c2d1e0f", RF_LINK_IMG,
	    1, 1, NULL, 0, RF_TRK_OPAQUE);
	assert_true(has_reason(l, "web-bug:1x1"));
	/* SendGrid */
	l = href(f, "https://u1234567.ct.sendgrid.net/ls/click?upn=u001.Qm9"
	    "hZ2xlLWJsb2ItMTIzNDU2Nzg5MGFiY2RlZg-3D-3D");
	assert_true(has_reason(l, "known-host:sendgrid"));
	assert_true(has_reason(l, "known-param:upn"));
	l = img(f, "https://u1234567.ct.sendgrid.net/wf/open?upn=u001.abc",
	    RF_LINK_IMG, 1, 1, "border:0", 0, RF_TRK_OPAQUE);
	assert_true(has_reason(l, "web-bug:1x1"));
	/* SendGrid through a customer's branded link domain */
	l = href(f, "https://links.shop.example/ls/click?upn=u001.x9Kp");
	assert_true(has_reason(l, "known-host:sendgrid"));
	/* Amazon SES open pixel */
	l = img(f, "https://a1b2.r.eu-west-1.awstrack.me/I0/0102018f3c2d1e0f-"
	    "7a6b5c4d-3e2f-1a0b-9c8d-7e6f5a4b3c2d-000000/vN3kQ8pZ1xY=381",
	    RF_LINK_IMG, 1, 1, NULL, 0, RF_TRK_OPAQUE);
	assert_true(has_reason(l, "known-host:amazon-ses"));
	assert_true(has_reason(l, "web-bug:1x1"));
	/* Mailgun on the sender's tracking domain */
	l = href(f, "https://email.mg.shop.example/c/eJwtjEEOgjAQRU9TluRStN"
	    "AJEzYkEikpBKRWGMMqLWDFoc7zmgMbRcLVHkFvzqRRnZrJMUB8P-yQgk");
	assert_true(has_reason(l, "known-host:mailgun"));
	assert_true(has_reason(l, "opaque-token"));
	assert_string_equal(l->clean, "https://email.mg.shop.example/c/"
	    RF_TRACKING_PLACEHOLDER);
	/* Klaviyo */
	l = href(f, "https://trk.klclick1.com/ls/click?upn=u001.M2Yx&_kx="
	    "Ab12Cd34.XyZ");
	assert_true(has_reason(l, "known-host:klaviyo"));
	assert_true(has_reason(l, "known-param:_kx"));
	l = img(f, "https://trk.klaviyomail.com/o/AbC9x?u=1", RF_LINK_IMG, 1,
	    1, NULL, 0, RF_TRK_OPAQUE);
	assert_true(has_reason(l, "known-host:klaviyo"));
	/* HubSpot */
	l = href(f, "https://t.hubspotemail.net/e1t/c/5/f18dQhb0S7lC8dDMPbW2n"
	    "0x6l2B9nMJW7t5XZs1MNx8W1zzYm-1fJKp-W6S-6bm6mYk5fN5WZh-6ht6JW5");
	assert_true(has_reason(l, "known-host:hubspot"));
	l = href(f, "https://blog.shop.example/post?_hsenc=p2ANqtz-8abc&_hsmi="
	    "2561");
	assert_true(has_reason(l, "known-param:_hsenc"));
	assert_string_equal(l->clean, "https://blog.shop.example/post");
}

/* The rules added in s37 (data/trackers.conf): the subscriber
 * parameters of ActiveCampaign, Kit, Salesforce Marketing Cloud and
 * Bronto; Mailchimp's e on its hosted pages, where u (the account) is
 * no code; Campaign Monitor's click, unsubscribe and forward links. */
static void
test_rules_s37(void **state)
{
	static const char *const params[] = { "vgo_ee", "ck_subscriber_id",
	    "sfmc_sub", "sfmc_id", "_bta_tid" };
	struct fx *f = *state;
	char url[160];
	rf_link *l;
	size_t i;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		snprintf(url, sizeof(url), "https://shop.example/p?id=7&%s=42",
		    params[i]);
		l = href(f, url);
		snprintf(url, sizeof(url), "known-param:%s", params[i]);
		assert_true(has_reason(l, url));
		assert_string_equal(l->clean, "https://shop.example/p?id=7");
	}
	/* Mailchimp's hosted pages: e (the subscriber) goes, u (the
	 * account, the same for every reader) and id stay */
	l = href(f, "https://mailchi.mp/outdoorgear/spring-sale-2024?e=a9cce2"
	    "cf63");
	assert_true(has_reason(l, "known-param:e"));
	assert_string_equal(l->clean, "https://mailchi.mp/outdoorgear/spring-"
	    "sale-2024");
	l = href(f, "https://us5.forward-to-friend.com/forward?u=9a8b7c6d5e4f"
	    "3a2b1c0d9e8f7&id=3f2e1d0c9b&e=a9cce2cf63");
	assert_true(has_reason(l, "known-param:e"));
	assert_false(has_reason(l, "opaque-token"));
	assert_string_equal(l->clean, "https://us5.forward-to-friend.com/"
	    "forward?u=9a8b7c6d5e4f3a2b1c0d9e8f7&id=3f2e1d0c9b");
	/* e is no code on other hosts */
	l = href(f, "https://shop.example/p?e=a9cce2cf63");
	assert_false(l->tracking);
	/* Campaign Monitor: click, unsubscribe and forward links */
	l = href(f, "https://designmag.createsend1.com/t/r-l-huljrzz-yfwsewf-"
	    "r/");
	assert_true(has_reason(l, "known-host:campaign-monitor"));
	assert_string_not_equal(l->clean, l->url);
	l = href(f, "https://designmag.cmail20.com/t/r-u-huljrzz-wumcpik/");
	assert_true(has_reason(l, "known-host:campaign-monitor"));
	l = href(f, "https://designmag.forwardtomyfriend.com/r-huljrzz-A1B2C3"
	    "D4-l/");
	assert_true(has_reason(l, "known-host:campaign-monitor"));
	/* its image host (not /t/) is no tracking host */
	l = img(f, "https://i1.createsend1.com/ei/r/29/5F1/A2B/034537/csfinal/"
	    "hero.jpg", RF_LINK_IMG, 600, -1, NULL, 0, RF_TRK_OPAQUE);
	assert_false(l->tracking);
}

static void
test_rules(void **state)
{
	struct fx *f = *state;
	rf_rules *r = NULL;
	rf_error err;
	size_t np, nh, nu, ns;
	const char *bad = "param utm_*\nunwrap x.example sideways\n";
	const char *ok = "# c\nsource a b c\n\nparam x* h.example\ntag t_*\n"
	    "host *.t.example/c prov\nunwrap r.example query u\n"
	    "unwrap s.example path\nstatic d.example\n";

	rf_rules_count(f->rules, &np, &nh, &nu, &ns);
	assert_true(np > 50 && nh > 20 && nu > 5 && ns > 5);
	assert_int_equal(rf_rules_parse(bad, strlen(bad), &r, &err),
	    RF_EPARSE);
	assert_null(r);
	assert_non_null(strstr(err.msg, "line 2"));
	assert_int_equal(rf_rules_parse(ok, strlen(ok), &r, &err), RF_OK);
	rf_rules_count(r, &np, &nh, &nu, &ns);
	assert_int_equal(np, 2);	/* param and tag rules */
	assert_int_equal(nh, 1);
	assert_int_equal(nu, 2);
	assert_int_equal(ns, 1);
	rf_rules_free(r);
}

/* a message built by hand from URLs, in f's arena */
static rf_message *
message(struct fx *f, const char *const *urls, size_t n, int bulk)
{
	rf_message *m = rf_arena_alloc(f->a, sizeof(*m));
	rf_status st;
	size_t i;

	m->arena = f->a;
	if (bulk)
		m->list_unsubscribe = "<https://news.example/unsub>";
	for (i = 0; i < n; i++) {
		rf_link *l = rf_links_add(f->a, &m->links, &st);

		assert_non_null(l);
		l->url = urls[i];
	}
	return m;
}

static void
test_message_policy(void **state)
{
	struct fx *f = *state;
	const char *urls[] = {
		"https://news.example/a/q8ZfK2mX7pLw4RtY9vB3nH6s",
	};
	rf_message *m;
	rf_error err;

	/* personal mail: an opaque id alone is not taken for a code */
	m = message(f, urls, 1, 0);
	assert_int_equal(rf_tracking_message(f->ctx, f->rules, m, ADDR,
	    &err), RF_OK);
	assert_false(m->links.v[0].tracking);
	assert_string_equal(m->links.v[0].clean, urls[0]);
	/* bulk mail: it is */
	m = message(f, urls, 1, 1);
	assert_int_equal(rf_tracking_message(f->ctx, f->rules, m, ADDR,
	    &err), RF_OK);
	assert_true(m->links.v[0].tracking);
}

/* an address in a query value that is not the recipient's known one */
static void
test_other_address(void **state)
{
	struct fx *f = *state;
	const char *urls[] = {
		"https://news.example/unsub?em=Jane.Doe%40Alias.example&l=7",
		"https://news.example/trim/?list@lists.example%7C17%7C308",
		"https://news.example/u?e=jane%2540alias.example&p=1",
	};
	const char *c1[] = { "https://news.example/c?from=sales@shop.example"
	    "&id=1", "https://news.example/p/1001" };
	const char *c2[] = { "https://news.example/c?from=sales@shop.example"
	    "&id=1", "https://news.example/p/1002" };
	rf_copy_links o = { c2, 2 };
	rf_message *m;
	rf_error err;
	rf_link *l;

	/* one link: found, the parameter dropped, the others kept in order */
	l = href(f, urls[0]);
	assert_string_equal(tok(f, l, "other-address"),
	    "Jane.Doe%40Alias.example");
	assert_string_equal(l->clean, "https://news.example/unsub?l=7");
	/* a query that is all value */
	l = href(f, urls[1]);
	assert_string_equal(tok(f, l, "other-address"),
	    "list@lists.example%7C17%7C308");
	assert_string_equal(l->clean, "https://news.example/trim/");
	/* percent-encoded twice */
	l = href(f, urls[2]);
	assert_string_equal(tok(f, l, "other-address"),
	    "jane%2540alias.example");
	assert_string_equal(l->clean, "https://news.example/u?p=1");
	/* the recipient's own address: only its own reason */
	l = href(f, "https://news.example/u?email=john.smith@example.com&a=1");
	assert_true(has_reason(l, "recipient-plain"));
	assert_false(has_reason(l, "other-address"));
	/* not addresses: no dot in the domain, digits last, a Usenet
	 * Message-ID on Google Groups (a tag), a mailto: link, a path; in
	 * a value that is a URL only the destination's own parameter */
	assert_false(href(f, "https://x.example/s?q=a@b")->tracking);
	assert_false(href(f, "https://x.example/s?v=1.2@3.4")->tracking);
	assert_false(href(f, "https://x.example/s?q=@example.org")->tracking);
	/* a file name, not a domain: retina images are name@2x.png */
	assert_false(href(f, "https://cdn.example/img?src=logo@2x.png")->
	    tracking);
	assert_false(img(f, "https://cdn.example/i?f=hero@2x.JPG&w=600",
	    RF_LINK_IMG, 600, 200, NULL, 0, RF_TRK_OPAQUE)->tracking);
	assert_false(href(f, "http://groups.google.com/groups?selm=3627ac95."
	    "66099519%40news.cs.hut.fi&rnum=2")->tracking);
	assert_false(href(f, "mailto:list-request@lists.example?subject="
	    "unsubscribe%20jane@alias.example")->tracking);
	assert_false(href(f, "https://x.example/archive/list@lists.example/"
	    "msg02554.html")->tracking);
	l = href(f, "https://r.example/c?url=https%3A%2F%2Fshop.example%2Fp"
	    "%3Fe%3Djane%2540alias.example");
	assert_string_equal(tok(f, l, "other-address"),
	    "jane%2540alias.example");
	assert_string_equal(l->clean, "https://shop.example/p");
	/* without RF_TRK_OPAQUE (rules only) it is not looked for */
	l = img(f, urls[0], RF_LINK_HREF, -1, -1, NULL, 0, 0);
	assert_false(l->tracking);

	/* personal mail: not a code (a link to a search, a calendar) */
	m = message(f, urls, 3, 0);
	assert_int_equal(rf_tracking_message(f->ctx, f->rules, m, ADDR,
	    &err), RF_OK);
	assert_false(m->links.v[0].tracking);
	assert_string_equal(m->links.v[0].clean, urls[0]);
	/* bulk mail: it is, and alone it does not make mail bulk */
	m = message(f, urls, 3, 1);
	assert_int_equal(rf_tracking_message(f->ctx, f->rules, m, ADDR,
	    &err), RF_OK);
	assert_true(m->links.v[0].tracking);
	assert_true(m->links.v[2].tracking);
	/* the same address in every copy of a campaign stays a code: copies
	 * to one mailbox or one list all carry it */
	m = message(f, c1, 2, 1);
	assert_int_equal(rf_tracking_message(f->ctx, f->rules, m, ADDR,
	    &err), RF_OK);
	assert_true(m->links.v[0].tracking);
	assert_int_equal(rf_tracking_campaign(f->ctx, f->rules, m, &o, 1,
	    &err), RF_OK);
	assert_true(m->links.v[0].tracking);
	assert_string_equal(m->links.v[0].clean, "https://news.example/c?id=1");
	/* mail not bulk by its headers: the address is dropped with the
	 * opaque ids, and when the comparison of copies then flags the link
	 * (its path varies) the address leaves the clean form too, which is
	 * then the clean form the same copy gets as bulk mail; a link the
	 * comparison does not flag stays as it was, address and all */
	{
		const char *x[] = { "http://192.0.2.7:81/hgh_run/remove.php?"
		    "userid=jane@alias.example&s=1",
		    "https://shop.example/p?from=jane@alias.example" };
		const char *y[] = { "http://192.0.2.7:81/hgh_zeng/remove.php?"
		    "userid=jane@alias.example&s=1",
		    "https://shop.example/p?from=jane@alias.example" };
		rf_copy_links oy = { y, 2 };
		rf_message *bm;

		m = message(f, x, 2, 0);
		assert_int_equal(rf_tracking_message(f->ctx, f->rules, m, ADDR,
		    &err), RF_OK);
		assert_false(m->links.v[0].tracking);
		assert_int_equal(rf_tracking_campaign(f->ctx, f->rules, m, &oy,
		    1, &err), RF_OK);
		l = &m->links.v[0];
		assert_true(l->tracking);
		assert_string_equal(tok(f, l, "varies-in-campaign"), "hgh_run");
		assert_true(has_reason(l, "other-address"));
		assert_string_equal(tok(f, l, "other-address"),
		    "jane@alias.example");
		assert_string_equal(l->clean, "http://192.0.2.7:81/"
		    RF_TRACKING_PLACEHOLDER "/remove.php?s=1");
		assert_false(m->links.v[1].tracking);
		assert_int_equal(m->links.v[1].ntokens, 0);
		assert_string_equal(m->links.v[1].clean, x[1]);
		/* the same copy as bulk mail: the address found at once */
		bm = message(f, x, 2, 1);
		assert_int_equal(rf_tracking_message(f->ctx, f->rules, bm,
		    ADDR, &err), RF_OK);
		assert_int_equal(rf_tracking_campaign(f->ctx, f->rules, bm,
		    &oy, 1, &err), RF_OK);
		assert_string_equal(bm->links.v[0].clean, l->clean);
		assert_int_equal(bm->links.v[0].ntokens, l->ntokens);
		assert_int_equal(bm->links.v[0].nreasons, l->nreasons);
	}
	/* an address followed by a URL is not a destination: still found */
	l = href(f, "https://x.example/c/*https://shop.example/u?from=jane@"
	    "alias.example*https://shop.example/u?from=");
	assert_true(has_reason(l, "other-address"));
	assert_null(strstr(l->clean, "jane"));
}

static void
test_campaign(void **state)
{
	struct fx *f = *state;
	const char *c1[] = {
		"https://docs.example/d/1aBcD3fGhIjK4lMnOpQrS5tUvWx/view",
		"https://news.example/c/1001?list=7",
		"https://cdn.example/logo.png",
	};
	const char *c2[] = {
		"https://docs.example/d/1aBcD3fGhIjK4lMnOpQrS5tUvWx/view",
		"https://news.example/c/1002?list=7",
		"https://cdn.example/logo.png",
	};
	const char *c3[] = {
		"https://cdn.example/extra.png",
		"https://docs.example/d/1aBcD3fGhIjK4lMnOpQrS5tUvWx/view",
		"https://news.example/c/1003?list=7",
		"https://cdn.example/logo.png",
	};
	rf_copy_links others[3] = { { c1, 3 }, { c2, 3 }, { c3, 4 } };
	rf_copy_links sk;
	rf_message *m;
	rf_error err;
	rf_link *l;

	m = message(f, c1, 3, 1);
	assert_int_equal(rf_tracking_message(f->ctx, f->rules, m, ADDR,
	    &err), RF_OK);
	l = &m->links.v[0];
	assert_true(has_reason(l, "opaque-token"));	/* before */
	assert_int_equal(rf_tracking_skeleton(m, &sk, &err), RF_OK);
	assert_int_equal(sk.n, 3);
	assert_string_equal(sk.urls[1], c1[1]);
	assert_int_equal(rf_tracking_campaign(f->ctx, f->rules, m, others, 3,
	    &err), RF_OK);
	/* the shared document id is constant: not a code */
	assert_false(l->tracking);
	assert_string_equal(l->clean, l->url);
	/* the serial number varies from copy to copy, even lined up out of
	 * position (copy 3 has one more link first) */
	l = &m->links.v[1];
	assert_string_equal(tok(f, l, "varies-in-campaign"), "1001");
	assert_string_equal(l->clean,
	    "https://news.example/c/" RF_TRACKING_PLACEHOLDER "?list=7");
	assert_false(m->links.v[2].tracking);

	/* an HTML copy against a text-only one: the URL met twice lines up
	 * twice with the same link; the logo, which the other copy lacks,
	 * lines up with nothing (not with the other unsubscribe link) */
	{
		const char *h[] = { "https://n.example/u/Q1w2E3",
		    "https://n.example/img/logo.png",
		    "https://n.example/u/Q1w2E3" };
		const char *t[] = { "https://n.example/u/Z9y8X7",
		    "https://n.example/u/Z9y8X7" };
		rf_copy_links o = { t, 2 };

		m = message(f, h, 3, 1);
		assert_int_equal(rf_tracking_message(f->ctx, f->rules, m,
		    ADDR, &err), RF_OK);
		assert_int_equal(rf_tracking_campaign(f->ctx, f->rules, m,
		    &o, 1, &err), RF_OK);
		assert_string_equal(tok(f, &m->links.v[0],
		    "varies-in-campaign"), "Q1w2E3");
		assert_string_equal(tok(f, &m->links.v[2],
		    "varies-in-campaign"), "Q1w2E3");
		assert_false(m->links.v[1].tracking);
		assert_string_equal(m->links.v[1].clean, h[1]);
	}

	/* host names compare without regard to case: a host written
	 * differently in another copy is the same host, not a per-copy
	 * code; a sub-domain that does differ still varies */
	{
		const char *x[] = { "http://www.InsuranceIQ.com/optout",
		    "http://Q1w2E3.news.example/p" };
		const char *y[] = { "http://www.insuranceiq.com/optout",
		    "http://z9y8x7.NEWS.example/p" };
		rf_copy_links o = { y, 2 };

		m = message(f, x, 2, 1);
		assert_int_equal(rf_tracking_message(f->ctx, f->rules, m,
		    ADDR, &err), RF_OK);
		assert_int_equal(rf_tracking_campaign(f->ctx, f->rules, m,
		    &o, 1, &err), RF_OK);
		assert_false(m->links.v[0].tracking);
		assert_string_equal(m->links.v[0].clean, x[0]);
		assert_string_equal(tok(f, &m->links.v[1],
		    "varies-in-campaign"), "Q1w2E3");
	}
}

static void
test_summary(void **state)
{
	struct fx *f = *state;
	char *u1 = rf_arena_printf(f->a, "https://t.example/o?d=%s",
	    b64(f, ADDR, strlen(ADDR), 0, 1));
	const char *urls[] = { u1, u1, "https://t.example/x?mc_eid=a",
	    "https://t.example/p.gif", "https://t.example/q.gif",
	    "https://t.example/ok" };
	const char **s;
	rf_message *m;
	rf_error err;
	size_t n;

	m = message(f, urls, 6, 0);
	m->links.v[3].kind = m->links.v[4].kind = RF_LINK_IMG;
	m->links.v[3].width = m->links.v[3].height = 1;
	m->links.v[4].style = "display:none";
	assert_int_equal(rf_tracking_message(f->ctx, f->rules, m, ADDR,
	    &err), RF_OK);
	assert_int_equal(rf_tracking_summary(m, &s, &n, &err), RF_OK);
	assert_int_equal(n, 3);
	assert_string_equal(s[0], "2 links carry your address, "
	    "base64-encoded");
	assert_non_null(strstr(s[1], "2 web bugs"));
	assert_string_equal(s[2], "1 link carries tracking parameters "
	    "(mc_eid)");
	/* an open pixel named by its id is a web bug, as the rewriter
	 * empties and counts it (s39: the summary called it only an opaque
	 * code); a content image with an id is no web bug */
	urls[0] = "https://t.example/track/open/9f86d081884c7d659a2feaa0c55a"
	    "d015.gif";
	urls[1] = "https://t.example/products/9f86d081884c7d659a2feaa0c55ad0"
	    "15.jpg";
	m = message(f, urls, 2, 1);	/* bulk: an opaque id is a code */
	m->links.v[0].kind = m->links.v[1].kind = RF_LINK_IMG;
	m->links.v[1].width = 300;
	assert_int_equal(rf_tracking_message(f->ctx, f->rules, m, NULL,
	    &err), RF_OK);
	assert_int_equal(rf_tracking_summary(m, &s, &n, &err), RF_OK);
	assert_int_equal(n, 2);
	assert_non_null(strstr(s[0], "1 web bug (a tiny or hidden image"));
	assert_string_equal(s[1], "1 link carries an opaque code that may "
	    "identify you");
}

static void
test_limits(void **state)
{
	struct fx *f = *state;
	rf_limits lim;
	rf_ctx *ctx;
	rf_error err;
	rf_link l;
	unsigned hit = 0;

	rf_limits_default(&lim);
	lim.max_url_tokens = 1;
	lim.max_unwrap_depth = 1;
	assert_int_equal(rf_ctx_new(&lim, &ctx, &err), RF_OK);
	memset(&l, 0, sizeof(l));
	l.url = "https://s.example/p?mc_eid=1&_hsenc=2&mkt_tok=3";
	assert_int_equal(rf_tracking_link(ctx, f->rules, f->a, f->rcpt, &l, 0,
	    &hit, &err), RF_OK);
	assert_int_equal(l.ntokens, 1);
	assert_true(hit & RF_LIMIT_URL_TOKENS);
	hit = 0;
	l.url = "https://google.com/url?q=https%3A%2F%2Fgoogle.com%2Furl%3Fq"
	    "%3Dhttps%253A%252F%252Fs.example%252F%253Fmc_eid%253D1";
	assert_int_equal(rf_tracking_link(ctx, f->rules, f->a, f->rcpt, &l, 0,
	    &hit, &err), RF_OK);
	assert_true(hit & RF_LIMIT_UNWRAP_DEPTH);
	rf_ctx_free(ctx);
}

/* The fixtures in tests/data/trackers, parsed as whole messages. */
static void
test_fixtures(void **state)
{
	static const struct {
		const char *file, *reason;
	} fx[] = {
		{ "mailchimp.eml", "known-param:e" },
		{ "mailchimp.eml", "web-bug:1x1" },
		{ "sendgrid.eml", "known-host:sendgrid" },
		{ "sendgrid.eml", "web-bug:hidden" },
		{ "ses.eml", "known-host:amazon-ses" },
		{ "mailgun.eml", "known-host:mailgun" },
		{ "klaviyo.eml", "known-param:_kx" },
		{ "hubspot.eml", "known-param:_hsenc" },
		{ "hubspot.eml", "recipient-base64" },
	};
	struct fx *f = *state;
	rf_message *m;
	rf_error err;
	char *data, path[256];
	size_t len, i, k;
	int found;

	for (i = 0; i < sizeof(fx) / sizeof(fx[0]); i++) {
		snprintf(path, sizeof(path), "tests/data/trackers/%s",
		    fx[i].file);
		data = read_file(path, &len);
		assert_int_equal(rf_message_parse(f->ctx, data, len, &m, &err),
		    RF_OK);
		assert_int_equal(rf_tracking_message(f->ctx, f->rules, m, NULL,
		    &err), RF_OK);
		for (k = 0, found = 0; k < m->links.n; k++)
			found |= has_reason(&m->links.v[k], fx[i].reason);
		if (!found)
			fail_msg("%s: no %s", fx[i].file, fx[i].reason);
		rf_message_free(m);
		free(data);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_hex_and_digests),
		cmocka_unit_test(test_local_part),
		cmocka_unit_test(test_known_params),
		cmocka_unit_test(test_unwrap),
		cmocka_unit_test(test_web_bugs),
		cmocka_unit_test(test_open_file_id),
		cmocka_unit_test(test_opaque),
		cmocka_unit_test(test_clean_forms),
		cmocka_unit_test(test_providers),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_rules_s37),
		cmocka_unit_test(test_message_policy),
		cmocka_unit_test(test_other_address),
		cmocka_unit_test(test_campaign),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_fixtures),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
