/* test_tracking_forms.c - the recipient's address in the forms added
 * after test_tracking.c's: base32 (RFC 4648) at every alignment and the
 * address with = for @ (VERP); and the user name as a host label, which
 * the local-part search already finds (docs/design/tracking-record.md,
 * "More forms of the recipient's address: base32 and VERP (s18)"). */
#include "testutil.h"
#include "tracking_fx.h"

/* b32: RFC 4648 base32 of p (n bytes), upper or lower case, padded or
 * not. */
static char *
b32(struct fx *f, const void *p, size_t n, int upper, int pad)
{
	const char *abc = upper ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" :
	    "abcdefghijklmnopqrstuvwxyz234567";
	const unsigned char *s = p;
	char *o = rf_arena_alloc(f->a, (n + 4) / 5 * 8 + 1);
	size_t bits = 0, i, k = 0;
	unsigned acc = 0;

	for (i = 0; i < n; i++) {
		acc = (acc << 8 | s[i]) & 0xfff;
		for (bits += 8; bits >= 5; bits -= 5)
			o[k++] = abc[(acc >> (bits - 5)) & 31];
	}
	if (bits > 0)
		o[k++] = abc[(acc << (5 - bits)) & 31];
	while (pad && k % 8 != 0)
		o[k++] = '=';
	o[k] = '\0';
	return o;
}

/* base32 of the address, at every alignment in a longer text, either
 * case, padded or not; base32 of another address is not found. */
static void
test_base32(void **state)
{
	struct fx *f = *state;
	const char *prefix[] = { "", "{", "{\"", "{\"e", "{\"e\"" };
	char blob[128], *enc, *url;
	int k, upper, pad;
	rf_link *l;

	for (k = 0; k < 5; k++)
		for (upper = 0; upper < 2; upper++)
			for (pad = 0; pad < 2; pad++) {
				snprintf(blob, sizeof(blob), "%s%s%s", prefix[k],
				    ADDR, k == 0 ? "" : "\",\"n\":42}");
				enc = b32(f, blob, strlen(blob), upper, pad);
				url = rf_arena_printf(f->a,
				    "https://t.example/o?d=%s&x=1", enc);
				l = href(f, url);
				if (!has_reason(l, "recipient-base32"))
					fail_msg("not found: %s", url);
				/* the token is the whole value, padding too */
				assert_string_equal(tok(f, l,
				    "recipient-base32"), enc);
				assert_string_equal(l->clean,
				    "https://t.example/o?x=1");
				/* another address in the same blob */
				snprintf(blob, sizeof(blob), "%s%s%s", prefix[k],
				    "jane.smith@example.com", k == 0 ? "" :
				    "\",\"n\":42}");
				l = href(f, rf_arena_printf(f->a,
				    "https://t.example/o?d=%s&x=1", b32(f, blob,
				    strlen(blob), upper, pad)));
				assert_false(has_reason(l, "recipient-base32"));
			}
	/* in a path segment, and percent-encoded padding */
	enc = b32(f, ADDR, strlen(ADDR), 0, 0);
	l = href(f, rf_arena_printf(f->a, "https://t.example/u/%s/p", enc));
	assert_string_equal(tok(f, l, "recipient-base32"), enc);
	assert_string_equal(l->clean,
	    "https://t.example/u/" RF_TRACKING_PLACEHOLDER "/p");
	l = href(f, rf_arena_printf(f->a, "https://t.example/u/%s%%3D%%3D/p",
	    enc));
	assert_string_equal(tok(f, l, "recipient-base32"),
	    rf_arena_printf(f->a, "%s%%3D%%3D", enc));
	/* base32 of john.smith@example.org: the end differs */
	l = href(f, "https://t.example/o?d="
	    "NJXWQ3ROONWWS5DIIBSXQYLNOBWGKLTPOJTQ");
	assert_false(l->tracking);
}

/* the address with = for @, as mailing lists write it into return
 * addresses (VERP); not a parameter named like the local part whose
 * value is the domain. */
static void
test_verp(void **state)
{
	struct fx *f = *state;
	const char *not[] = {
	    "https://t.example/p?john.smith=example.com",
	    "https://t.example/p?a=1&john.smith=example.com",
	    "https://t.example/p?a=1&amp;john.smith=example.com",
	    "https://t.example/p#john.smith=example.com",
	    "https://t.example/p?u=xjohn.smith=example.com",
	    "https://t.example/p?u=john.smith=example.community",
	    "https://t.example/p?u=john.smith=example.org" };
	rf_link *l;
	size_t i;

	l = href(f, "mailto:list-bounces+john.smith=example.com@lists.example");
	assert_string_equal(tok(f, l, "recipient-verp"),
	    "john.smith=example.com");
	assert_false(has_reason(l, "recipient-local-part"));
	l = href(f, "https://lists.example/u?r=list+JOHN.SMITH=EXAMPLE.COM"
	    "@bounce.example&x=1");
	assert_string_equal(tok(f, l, "recipient-verp"),
	    "JOHN.SMITH=EXAMPLE.COM");
	assert_false(has_reason(l, "other-address"));
	assert_string_equal(l->clean, "https://lists.example/u?x=1");
	l = href(f, "https://lists.example/u?r=john.smith%3Dexample.com");
	assert_string_equal(tok(f, l, "recipient-verp"),
	    "john.smith%3Dexample.com");
	for (i = 0; i < sizeof(not) / sizeof(not[0]); i++) {
		l = href(f, not[i]);
		if (has_reason(l, "recipient-verp"))
			fail_msg("found in %s", not[i]);
	}
}

/* the user name as a host label: the local-part search covers it. */
static void
test_host_label(void **state)
{
	struct fx *f = *state;
	rf_link *l;

	l = href(f, "https://john.smith.track.example/o.gif");
	assert_string_equal(tok(f, l, "recipient-local-part"), "john.smith");
	l = href(f, "https://john.smithson.track.example/o.gif");
	assert_false(has_reason(l, "recipient-local-part"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_base32, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_label, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
