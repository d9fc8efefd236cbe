/* test_tracking_fast.c - the fast paths of the tracking-code analysis
 * (lib/tracking.c) against the ways they replace:
 *  - rf__opaque (counts over the 62 letters and digits) against the form
 *    that counted all 256 bytes, kept here as opaque_ref, on hand-made
 *    ids and hundreds of thousands of generated strings;
 *  - rf__url_split (lib/url_clean.c, 16 bytes at a time) against the
 *    byte-by-byte form, kept here as split_ref, and rf__next_param
 *    likewise (next_param_ref);
 *  - the memo of repeated links in one message (rf_tracking_message)
 *    against analysing every link on its own (rf__tracking_message_memo
 *    with use_memo 0): same tokens, reasons, clean forms and limits, and
 *    copies that own their arrays;
 *  - the bulk test on headers, one pass, against a search per name;
 *  - one message analysed for many recipients from its recipient-free
 *    base (rf_tracking_prepare, rf_tracking_message_base, as the milter
 *    and the filter do, one message object for all) against a fresh
 *    message analysed by rf_tracking_message for each recipient. */
#include <ctype.h>
#include <math.h>
#include <strings.h>

#include "testutil.h"
#include "linkcmp.h"

#include "../../lib/internal.h"

#define N_RANDOM 300000

/* Thresholds of the reference, as lib/tracking.c has them. */
#define OPAQUE_MIN_ENTROPY 3.0
#define OPAQUE_MIN_SWITCH 0.25
#define OPAQUE_MAX_WORD 9

static int
char_class(int c)
{
	if (isdigit(c))
		return 1;
	if (islower(c))
		return 2;
	if (isupper(c))
		return 3;
	return 0;
}

/* opaque_ref: rf__opaque as it was before the fast form. */
static int
opaque_ref(const char *s, size_t n)
{
	unsigned counts[256] = { 0 };
	size_t i, alnum = 0, digits = 0, lower = 0, upper = 0, switches = 0;
	size_t run = 0, maxrun = 0, hexlow = 0, hexup = 0;
	int cls, prev = -1;
	double h = 0, p;

	if (n < RF_TRACKING_MIN_OPAQUE)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isalnum(c) && strchr("-_=.~+/%", c) == NULL)
			return 0;
		if (c == '%' && (i + 2 >= n || !((s[i + 1] == '2' &&
		    strchr("BbFf", s[i + 2]) != NULL) || (s[i + 1] == '3' &&
		    strchr("Dd", s[i + 2]) != NULL))))
			return 0;
		cls = char_class(c);
		if (cls == 0)
			continue;
		alnum++;
		counts[c]++;
		digits += cls == 1;
		lower += cls == 2;
		upper += cls == 3;
		hexlow += cls == 1 || (c >= 'a' && c <= 'f');
		hexup += cls == 1 || (c >= 'A' && c <= 'F');
		if (prev != -1 && cls != prev)
			switches++;
		run = cls != 1 && cls == prev ? run + 1 : (cls != 1);
		if (run > maxrun)
			maxrun = run;
		prev = cls;
	}
	if (alnum < RF_TRACKING_MIN_OPAQUE || digits == alnum)
		return 0;
	if ((hexlow == alnum || hexup == alnum) && digits >= 3 &&
	    alnum - digits >= 3)
		return 1;
	for (i = 0; i < 256; i++) {
		if (counts[i] == 0)
			continue;
		p = (double)counts[i] / (double)alnum;
		h -= p * log2(p);
	}
	return h >= OPAQUE_MIN_ENTROPY &&
	    (double)switches >= OPAQUE_MIN_SWITCH * (double)alnum &&
	    maxrun <= OPAQUE_MAX_WORD && (digits > 0 || (lower > 0 &&
	    upper > 0));
}

/* rng: xorshift64*, fixed seed: the same strings on every run. */
static uint64_t
rng(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static void
check_opaque(const char *s, size_t n)
{
	int fast = rf__opaque(s, n), ref = opaque_ref(s, n);

	if (fast != ref)
		fail_msg("rf__opaque %d, reference %d on \"%.*s\" (%zu bytes)",
		    fast, ref, (int)n, s, n);
}

static void
test_opaque_hand(void **state)
{
	static const char *const v[] = { "", "abc", "a1b2c3d4e5f6",
	    "0123456789", "deadbeefcafe1234", "DEADBEEFCAFE1234",
	    "550e8400-e29b-41d4-a716-446655440000", "aGVsbG8gd29ybGQ%3D",
	    "aGVsbG8%2Bd29y%2Fbd", "aGVsbG8%2", "aGVsbG8%41bcd1234",
	    "newsletter", "SummerSale2024", "x7Gh2KpQ9zLm", "Ab1_Cd2-Ef3.Gh4~",
	    "abcdefghijklmnop1", "zzzzzzzzzzzzzzzz", "Q2xpY2tIZXJlMTIz",
	    "a+b/c=d1E2F3g4H5", "aaaa bbbb 1234", "\xc3\xa9t\xc3\xa9" "2024xy",
	    "%3d%3D%2b%2B%2f%2Fab12CD" };
	size_t i;
	int ones = 0;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		check_opaque(v[i], strlen(v[i]));
		ones += rf__opaque(v[i], strlen(v[i]));
	}
	/* a string with a NUL byte inside (decoded destinations) */
	check_opaque("ab1\0CD2ef3GH4", 13);
	check_opaque("ab1%2\0CD2ef3GH4", 15);
	check_opaque("ab1%3\0CD2ef3GH4", 15);
	assert_true(ones >= 5);
}

static void
test_opaque_random(void **state)
{
	/* alphabets: ids, ids with separators and escapes, anything */
	static const char *const alpha[] = {
	    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
	    "0123456789abcdef", "0123456789ABCDEF-",
	    "abcXYZ0123-_=.~+/%%%23BbFfDd",
	    "aB3%2F3D-_ \t:?&#\x80\xff\x01" };
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	char buf[80];
	size_t i, k, n, na, yes = 0;

	(void)state;
	for (i = 0; i < N_RANDOM; i++) {
		const char *al = alpha[rng(&seed) % 5];

		na = strlen(al);
		n = (size_t)(rng(&seed) % sizeof(buf));
		for (k = 0; k < n; k++)
			buf[k] = al[rng(&seed) % na];
		if (rng(&seed) % 50 == 0 && n > 0)
			buf[rng(&seed) % n] = '\0';
		check_opaque(buf, n);
		yes += rf__opaque(buf, n);
	}
	/* both answers are exercised */
	assert_true(yes > N_RANDOM / 20);
	assert_true(yes < N_RANDOM - N_RANDOM / 20);
}

/* split_ref: rf__url_split as it was, byte by byte. */
static int
is_scheme_char(int c)
{
	return isalnum(c) || c == '+' || c == '-' || c == '.';
}

static void
split_ref(const char *s, size_t len, struct rf__url *u)
{
	size_t i = 0, auth_end, at, p;

	memset(u, 0, sizeof(*u));
	u->s = s;
	u->len = len;
	if (len > 0 && isalpha((unsigned char)s[0])) {
		for (i = 1; i < len && is_scheme_char((unsigned char)s[i]);
		    i++)
			;
		if (i < len && s[i] == ':')
			i++;
		else
			i = 0;
	}
	if (len - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
		i += 2;
		u->has_auth = 1;
	} else if (i == 0 && len >= 4 && strncasecmp(s, "www.", 4) == 0) {
		u->has_auth = 1;
	}
	if (u->has_auth) {
		for (auth_end = i; auth_end < len && s[auth_end] != '/' &&
		    s[auth_end] != '?' && s[auth_end] != '#' &&
		    s[auth_end] != '\\'; auth_end++)
			;
		at = auth_end;
		for (p = i; p < auth_end; p++)
			if (s[p] == '@')
				at = p;
		if (at < auth_end) {
			u->has_ui = 1;
			u->ui_off = i;
			u->ui_len = at - i;
			i = at + 1;
		}
		u->host_off = i;
		if (i < auth_end && s[i] == '[') {
			for (p = i; p < auth_end && s[p] != ']'; p++)
				;
			if (p < auth_end)
				p++;
		} else {
			for (p = i; p < auth_end && s[p] != ':'; p++)
				;
		}
		u->host_len = p - i;
		i = auth_end;
	}
	u->path_off = i;
	while (i < len && s[i] != '?' && s[i] != '#')
		i++;
	u->path_len = i - u->path_off;
	if (i < len && s[i] == '?') {
		u->has_query = 1;
		u->query_off = ++i;
		while (i < len && s[i] != '#')
			i++;
		u->query_len = i - u->query_off;
	}
	if (i < len && s[i] == '#') {
		u->has_frag = 1;
		u->frag_off = i + 1;
		u->frag_len = len - u->frag_off;
	}
}

static void
check_split(const char *s, size_t len)
{
	struct rf__url a, b;

	rf__url_split(s, len, &a);
	split_ref(s, len, &b);
	if (memcmp(&a, &b, sizeof(a)) != 0)
		fail_msg("rf__url_split differs on \"%.*s\"", (int)len, s);
}

static void
test_split(void **state)
{
	static const char *const v[] = { "", "h", "http:", "http://",
	    "https://example.com", "https://example.com/",
	    "https://user:pw@example.com:8080/a/b?c=d&e=f#g=h",
	    "www.example.com/path?q#f", "WWW.x", "mailto:a@b.c?subject=x",
	    "http://[::1]:80/x", "http://[::1", "http:\\\\host\\path",
	    "//host/p?q", "?q#f", "#f", "a#b?c", "http://h#?/",
	    "https://click.example.net/t/ab12CD34ef56GH78?e=am9obi5zbWl0aE"
	    "BleGFtcGxlLmNvbQ&utm_source=news&u=x7Gh2KpQ9zLmW3#frag/ment" };
	/* bytes that matter to the split, and filler */
	static const char al[] = "/?#\\@:[]wW.ab1-+%hHtTpPsS";
	uint64_t seed = 0x243f6a8885a308d3ULL;
	char buf[100];
	size_t i, k, n, off;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = strlen(v[i]);
		for (off = 0; off <= n; off++)	/* every tail and length */
			check_split(v[i], n - off);
	}
	for (i = 0; i < N_RANDOM; i++) {
		n = (size_t)(rng(&seed) % sizeof(buf));
		k = 0;
		if (rng(&seed) % 2 && n >= 8) {
			memcpy(buf, rng(&seed) % 2 ? "https://" : "www.ex.", 7);
			k = 7;
		}
		for (; k < n; k++)
			buf[k] = rng(&seed) % 3 == 0 ?
			    al[rng(&seed) % (sizeof(al) - 1)] :
			    (char)('a' + rng(&seed) % 26);
		check_split(buf, n);
	}
}

/* next_param_ref: rf__next_param as it was, byte by byte. */
static int
next_param_ref(const char *q, size_t qlen, size_t *pos, size_t *off,
	       size_t *plen, size_t *nlen, size_t *voff, size_t *vlen)
{
	size_t i = *pos, e;

	while (i < qlen && (q[i] == '&' || q[i] == ';'))
		i++;
	if (i >= qlen)
		return 0;
	for (e = i; e < qlen && q[e] != '&' && q[e] != ';'; e++)
		;
	*off = i;
	*plen = e - i;
	for (*nlen = 0; i + *nlen < e && q[i + *nlen] != '='; (*nlen)++)
		;
	*voff = i + *nlen + (i + *nlen < e ? 1 : 0);
	*vlen = e - *voff;
	*pos = e;
	return 1;
}

static void
check_params(const char *q, size_t n)
{
	size_t pa = 0, pb = 0, a[5], b[5];
	int ra, rb;

	do {
		ra = rf__next_param(q, n, &pa, &a[0], &a[1], &a[2], &a[3],
		    &a[4]);
		rb = next_param_ref(q, n, &pb, &b[0], &b[1], &b[2], &b[3],
		    &b[4]);
		assert_int_equal(ra, rb);
		assert_int_equal(pa, pb);
		if (ra && memcmp(a, b, sizeof(a)) != 0)
			fail_msg("rf__next_param differs on \"%.*s\"", (int)n,
			    q);
	} while (ra);
}

static void
test_params(void **state)
{
	static const char al[] = "&;=abcX1%";
	static const char *const hand[] = { "", "a=1&b=2;c&&d==e;",
	    "utm_source=news&utm_medium=email&e=am9obi5zbWl0aEBleGFt"
	    "cGxlLmNvbQ&u=x7Gh2KpQ9zLmW3&x" };
	uint64_t seed = 0x13198a2e03707344ULL;
	char buf[120];
	size_t i, k, n;

	(void)state;

	for (i = 0; i < sizeof(hand) / sizeof(hand[0]); i++)
		check_params(hand[i], strlen(hand[i]));
	for (i = 0; i < N_RANDOM; i++) {
		n = (size_t)(rng(&seed) % sizeof(buf));
		for (k = 0; k < n; k++)
			buf[k] = rng(&seed) % 4 == 0 ?
			    al[rng(&seed) % (sizeof(al) - 1)] :
			    (char)('a' + rng(&seed) % 26);
		check_params(buf, n);
	}
}

/* Messages with repeated links: text and HTML alternatives, images used
 * twice, the same URL as a link and as an image, hidden and visible
 * copies, a forwarded message with its own recipient. */
#define TRACK1 "https://click.example.net/t/ab12CD34ef56GH78?e=am9obi5zbWl0aEBleGFtcGxlLmNvbQ&utm_source=news&u=x7Gh2KpQ9zLmW3"
#define TRACK2 "https://www.example.org/news/2024/5f2a9c0e1b7d4e3f8a6b?mc_eid=0a1b2c3d4e&mc_cid=77aa88bb99"
#define PIXEL "https://open.example.net/o/Zk3Jq8Lw2Xp9Rt5Y.gif?r=john.smith%40example.com"
#define PLAIN "https://www.example.org/about/us"
#define REDIR "https://r.example.net/redirect?url=https%3A%2F%2Fshop.example.com%2Fp%3Fid%3DaB3dE5fG7hJ9kL1m"

static const char msg_head[] =
    "From: News <news@example.org>\r\n"
    "To: John Smith <john.smith@example.com>\r\n"
    "Subject: Repeats\r\n"
    "Message-ID: <rep@example.org>\r\n"
    "MIME-Version: 1.0\r\n";

static const char msg_body[] =
    "Content-Type: multipart/mixed; boundary=\"OUT\"\r\n"
    "\r\n"
    "--OUT\r\n"
    "Content-Type: multipart/alternative; boundary=\"ALT\"\r\n"
    "\r\n"
    "--ALT\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n"
    "\r\n"
    "Read " TRACK1 " and " TRACK2 "\r\n"
    "Again " TRACK1 " and " PLAIN " and " REDIR "\r\n"
    "Pixel " PIXEL "\r\n"
    "\r\n"
    "--ALT\r\n"
    "Content-Type: text/html; charset=us-ascii\r\n"
    "\r\n"
    "<html><body><a href=\"" TRACK1 "\">read</a>\r\n"
    "<a href=\"" TRACK2 "\">news</a> <a href=\"" TRACK2 "\">again</a>\r\n"
    "<a href=\"" PLAIN "\">about</a> <a href=\"" REDIR "\">shop</a>\r\n"
    "<img src=\"" PIXEL "\" width=\"1\" height=\"1\">\r\n"
    "<img src=\"" PIXEL "\" width=\"600\" height=\"300\">\r\n"
    "<img src=\"" PIXEL "\" style=\"display:none\">\r\n"
    "<img src=\"" PIXEL "\" width=\"1\" height=\"1\">\r\n"
    "<img src=\"" TRACK2 "\" width=\"600\" height=\"300\">\r\n"
    "<a href=\"" PIXEL "\">pixel as a link</a>\r\n"
    "</body></html>\r\n"
    "--ALT--\r\n"
    "\r\n"
    "--OUT\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "From: Other <other@example.org>\r\n"
    "To: Jane Doe <jane.doe@example.com>\r\n"
    "Subject: Inner\r\n"
    "Content-Type: text/html; charset=us-ascii\r\n"
    "\r\n"
    "<a href=\"" TRACK1 "\">read</a> <a href=\"" TRACK1 "\">read</a>\r\n"
    "<a href=\"https://t.example.net/c?e=jane.doe%40example.com\">x</a>\r\n"
    "<a href=\"https://t.example.net/c?e=jane.doe%40example.com\">x</a>\r\n"
    "<img src=\"" PIXEL "\" width=\"1\" height=\"1\">\r\n"
    "\r\n"
    "--OUT--\r\n";

/* compare: text parsed twice, analysed with and without the memo. */
static size_t
compare(rf_ctx *ctx, const rf_rules *rules, const char *text, size_t len,
	const char *rcpt)
{
	rf_message *x = NULL, *y = NULL;
	rf_error err;
	size_t repeats = 0;

	assert_int_equal(rf_message_parse(ctx, text, len, &x, &err), RF_OK);
	assert_int_equal(rf_message_parse(ctx, text, len, &y, &err), RF_OK);
	assert_int_equal(rf_tracking_message(ctx, rules, x, rcpt, &err),
	    RF_OK);
	assert_int_equal(rf__tracking_message_memo(ctx, rules, y, rcpt, 0,
	    NULL, &err), RF_OK);
	links_same(x, y, &repeats);
	rf_message_free(x);
	rf_message_free(y);
	return repeats;
}

static int
setup(void **state)
{
	rf_rules *rules = NULL;

	rules = shipped_rules();
	*state = rules;
	return 0;
}

static int
teardown(void **state)
{
	rf_rules_free(*state);
	return 0;
}

static void
test_memo_repeats(void **state)
{
	const rf_rules *rules = *state;
	rf_ctx *ctx = test_ctx();
	char buf[sizeof(msg_head) + sizeof(msg_body) + 128];
	size_t repeats;
	int n;

	/* bulk (opaque tokens kept) and not bulk (they are dropped) */
	n = snprintf(buf, sizeof(buf), "%s%s", msg_head, msg_body);
	repeats = compare(ctx, rules, buf, (size_t)n, NULL);
	assert_true(repeats >= 10);
	compare(ctx, rules, buf, (size_t)n, "someone.else@example.com");
	n = snprintf(buf, sizeof(buf), "%sList-Unsubscribe: <%s>\r\n%s",
	    msg_head, PLAIN, msg_body);
	assert_true(compare(ctx, rules, buf, (size_t)n, NULL) >= 10);
	rf_ctx_free(ctx);
}

/* The small limits: a URL cut at max_url_size, too many tokens. */
static void
test_memo_limits(void **state)
{
	const rf_rules *rules = *state;
	rf_limits lim;
	rf_ctx *ctx = NULL;
	rf_error err;
	char buf[sizeof(msg_head) + sizeof(msg_body) + 128];
	int n;

	rf_limits_default(&lim);
	lim.max_url_size = 60;
	lim.max_url_tokens = 2;
	lim.max_unwrap_depth = 0;
	assert_int_equal(rf_ctx_new(&lim, &ctx, &err), RF_OK);
	n = snprintf(buf, sizeof(buf), "%s%s", msg_head, msg_body);
	assert_true(compare(ctx, rules, buf, (size_t)n, NULL) >= 10);
	rf_ctx_free(ctx);
}

/* Every message the other tests use. */
static void
test_memo_fixtures(void **state)
{
	static const char *const files[] = {
	    "tests/data/trackers/hubspot.eml", "tests/data/trackers/klaviyo.eml",
	    "tests/data/trackers/mailchimp.eml",
	    "tests/data/trackers/mailgun.eml",
	    "tests/data/trackers/sendgrid.eml", "tests/data/trackers/ses.eml",
	    "tests/golden/forwarded.eml", "tests/golden/html-amp.eml",
	    "tests/golden/idn.eml", "tests/golden/qp-soft-break.eml",
	    "tests/golden/rfc2047.eml" };
	const rf_rules *rules = *state;
	rf_ctx *ctx = test_ctx();
	size_t i, len;
	char *text;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		text = read_file(files[i], &len);
		compare(ctx, rules, text, len, NULL);
		free(text);
	}
	rf_ctx_free(ctx);
}

/* The recipients each message of test_base_* is analysed for, in this
 * order on one message object: NULL (the message's own), the generated
 * messages' r0..r5 (r0..r3 encoded in links, in several forms), the
 * fixtures' own, other case, not an address, nobody in the message. */
static const char *const base_rcpts[] = {
	NULL, "r0@example.org", "r1@example.org", "r2@example.org",
	"r3@example.org", "r4@example.org", "R1@Example.ORG",
	"jane.doe@example.org", "eve@example.org", "report@hotline.example",
	"not an address", "someone.else@example.com", "r0@example.org" };

/* compare_base: text analysed for every recipient of base_rcpts, on one
 * message from its base, against a fresh message each. */
static void
compare_base(rf_ctx *ctx, const rf_rules *rules, const char *text,
	     size_t len)
{
	rf_tracking_base *base = NULL;
	rf_message *x, *y = NULL;
	rf_error err;
	size_t i, repeats = 0;
	unsigned parsed;

	assert_int_equal(rf_message_parse(ctx, text, len, &y, &err), RF_OK);
	parsed = y->limits_hit;
	assert_int_equal(rf_tracking_prepare(ctx, rules, y, &base, &err),
	    RF_OK);
	assert_non_null(base);
	assert_int_equal(y->limits_hit, parsed);
	for (i = 0; i < sizeof(base_rcpts) / sizeof(base_rcpts[0]); i++) {
		x = NULL;
		assert_int_equal(rf_message_parse(ctx, text, len, &x, &err),
		    RF_OK);
		assert_int_equal(rf_tracking_message(ctx, rules, x,
		    base_rcpts[i], &err), RF_OK);
		/* the limits of this analysis alone (they add up in m) */
		y->limits_hit = parsed;
		assert_int_equal(rf_tracking_message_base(ctx, rules, y, base,
		    base_rcpts[i], &err), RF_OK);
		links_same(x, y, &repeats);
		rf_message_free(x);
	}
	rf_message_free(y);
}

static const char *const base_files[] = {
    "tests/data/rcpts/many-html.eml", "tests/data/rcpts/many-text.eml",
    "tests/data/trackers/hubspot.eml", "tests/data/trackers/klaviyo.eml",
    "tests/data/trackers/mailchimp.eml", "tests/data/trackers/mailgun.eml",
    "tests/data/trackers/sendgrid.eml", "tests/data/trackers/ses.eml",
    "tests/golden/forwarded.eml", "tests/golden/html-amp.eml",
    "tests/golden/idn.eml", "tests/golden/qp-soft-break.eml",
    "tests/golden/rfc2047.eml" };

/* Messages whose links r0's address search finds something in: the
 * search alone finds two tokens in the first's only link (and so, with
 * max_url_tokens 1, hits the limit that nothing after it reaches); a web
 * bug carrying it (the search after the web-bug token), and the address
 * next to an opaque id and a known parameter. */
static const char *const found_msgs[] = {
    "From: News <news@shop.example>\r\n"
    "To: r0@example.org\r\n"
    "Subject: Welcome\r\n"
    "\r\n"
    "Welcome: https://www.shop.example/welcome?a=r0@example.org&b="
    "r0%40example.org\r\n",
    "From: News <news@shop.example>\r\n"
    "To: r0@example.org\r\n"
    "Subject: Welcome\r\n"
    "Content-Type: text/html\r\n"
    "\r\n"
    "<img src=\"https://www.shop.example/i.gif?u=r0@example.org\" "
    "width=\"1\" height=\"1\">\r\n"
    "<a href=\"https://t.shop.example/o/x7Gh2KpQ9zLmW3vB?u=r0%40example.org"
    "&amp;mc_eid=0123456789\">x</a>\r\n" };

/* base_files with ctx's limits, and the memo test's message. */
static void
base_all(rf_ctx *ctx, const rf_rules *rules)
{
	char buf[sizeof(msg_head) + sizeof(msg_body) + 128];
	size_t i, len;
	char *text;
	int n;

	for (i = 0; i < sizeof(base_files) / sizeof(base_files[0]); i++) {
		text = read_file(base_files[i], &len);
		compare_base(ctx, rules, text, len);
		free(text);
	}
	n = snprintf(buf, sizeof(buf), "%s%s", msg_head, msg_body);
	compare_base(ctx, rules, buf, (size_t)n);
	n = snprintf(buf, sizeof(buf), "%sList-Unsubscribe: <%s>\r\n%s",
	    msg_head, PLAIN, msg_body);
	compare_base(ctx, rules, buf, (size_t)n);
	for (i = 0; i < sizeof(found_msgs) / sizeof(found_msgs[0]); i++)
		compare_base(ctx, rules, found_msgs[i], strlen(found_msgs[i]));
}

static void
test_base_recipients(void **state)
{
	rf_ctx *ctx = test_ctx();

	base_all(ctx, *state);
	rf_ctx_free(ctx);
}

/* The same under small limits: URLs cut, too many tokens (the address
 * search alone can hit max_url_tokens), no unwrapping. */
static void
test_base_limits(void **state)
{
	rf_limits lim;
	rf_ctx *ctx = NULL;
	rf_error err;
	size_t tokens;

	for (tokens = 1; tokens <= 3; tokens++) {
		rf_limits_default(&lim);
		lim.max_url_size = 70;
		lim.max_url_tokens = tokens;
		lim.max_unwrap_depth = 0;
		assert_int_equal(rf_ctx_new(&lim, &ctx, &err), RF_OK);
		base_all(ctx, *state);
		rf_ctx_free(ctx);
	}
}

/* bulk_ref: the bulk test of tracking.c as it was (a search per name). */
static const char *
header_ref(const rf_message *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nheaders; i++)
		if (m->headers[i].name != NULL &&
		    strcasecmp(m->headers[i].name, name) == 0)
			return m->headers[i].value;
	return NULL;
}

static int
bulk_ref(const rf_message *m)
{
	const char *p;

	if (m->list_unsubscribe != NULL || m->list_id != NULL ||
	    header_ref(m, "List-Unsubscribe") != NULL ||
	    header_ref(m, "List-Id") != NULL)
		return 1;
	p = header_ref(m, "Precedence");
	if (p == NULL)
		return 0;
	while (isspace((unsigned char)*p))
		p++;
	return strncasecmp(p, "bulk", 4) == 0 ||
	    strncasecmp(p, "list", 4) == 0 || strncasecmp(p, "junk", 4) == 0;
}

/* The one-pass bulk test: a message whose only finding is an opaque
 * token keeps it exactly when bulk_ref says bulk. */
static void
test_bulk_headers(void **state)
{
	static const char *const hdrs[] = { "", "Precedence: bulk\r\n",
	    "precedence:   LIST\r\n", "PRECEDENCE: junk mail\r\n",
	    "Precedence: normal\r\n", "Precedence: first-class\r\n"
	    "Precedence: bulk\r\n", "Precedence: bulk\r\nPrecedence: x\r\n",
	    "List-Id: <news.example.org>\r\n", "list-id: x\r\n",
	    "List-Unsubscribe: <mailto:u@example.org>\r\n",
	    "LIST-UNSUBSCRIBE: <https://example.org/u>\r\n",
	    "List-Ids: x\r\nPrecedenc: bulk\r\n", "List-Post: x\r\n",
	    "Priority: bulk\r\nPrecedence: list\r\n", "Lx: y\r\nPx: y\r\n" };
	const rf_rules *rules = *state;
	rf_ctx *ctx = test_ctx();
	rf_message *m;
	rf_error err;
	char buf[1024];
	size_t i, j, k;
	int n, opaque, bulk = 0, notbulk = 0;

	for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
		n = snprintf(buf, sizeof(buf), "From: a@example.org\r\n"
		    "To: john.smith@example.com\r\nSubject: s\r\n%s\r\n"
		    "See https://www.example.org/p/x7Gh2KpQ9zLmW3vB here\r\n",
		    hdrs[i]);
		assert_int_equal(rf_message_parse(ctx, buf, (size_t)n, &m,
		    &err), RF_OK);
		assert_int_equal(rf_tracking_message(ctx, rules, m, NULL,
		    &err), RF_OK);
		assert_true(m->links.n >= 1);
		opaque = 0;
		for (j = 0; j < m->links.n; j++)
			for (k = 0; k < m->links.v[j].ntokens; k++)
				opaque |= strcmp(m->links.v[j].tokens[k].reason,
				    "opaque-token") == 0;
		if (opaque != bulk_ref(m))
			fail_msg("headers \"%s\": opaque %d, bulk %d", hdrs[i],
			    opaque, bulk_ref(m));
		bulk += opaque;
		notbulk += !opaque;
		rf_message_free(m);
	}
	assert_true(bulk >= 3 && notbulk >= 3);
	rf_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opaque_hand),
		cmocka_unit_test(test_opaque_random),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_memo_repeats),
		cmocka_unit_test(test_memo_limits),
		cmocka_unit_test(test_memo_fixtures),
		cmocka_unit_test(test_bulk_headers),
		cmocka_unit_test(test_base_recipients),
		cmocka_unit_test(test_base_limits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
