/* test_tracking_campaign.c - the comparison of copies with the
 * recipients of the copies known (rf_tracking_campaign_for,
 * docs/tracking.md, "The copies' recipients"): a part drawn from a
 * pool, a key per sending (two copies to one recipient, two values), a
 * copy to another recipient with the same links, an address in a value;
 * with the recipients unknown, exactly rf_tracking_campaign; tracking
 * redirects compared by their destinations' parts, and no clean form
 * replacing a host's site. */
#include "testutil.h"
#include "linkcmp.h"
#include "tracking_fx.h"

#define NCOPIES 6

/* copy: m (bulk mail, links urls) analysed for ADDR and compared with
 * the others (analysed for orcpts[k]) as a copy to rcpt; rcpt
 * NULL_RCPT: rf_tracking_campaign itself. */
#define NULL_RCPT ((const char *)1)
static rf_message *
copy(struct fx *f, const char *const *urls, size_t n, const char *rcpt,
     const rf_copy_links *others, const char *const *orcpts,
     size_t nothers)
{
	rf_message *m = rf_arena_alloc(f->a, sizeof(*m));
	rf_status st;
	rf_error err;
	size_t i;

	assert_non_null(m);
	m->arena = f->a;
	m->list_unsubscribe = "<https://news.example/unsub>";
	for (i = 0; i < n; i++) {
		rf_link *l = rf_links_add(f->a, &m->links, &st);

		assert_non_null(l);
		l->url = urls[i];
	}
	assert_int_equal(rf_tracking_message(f->ctx, f->rules, m, ADDR,
	    &err), RF_OK);
	st = rcpt == NULL_RCPT ? rf_tracking_campaign(f->ctx, f->rules, m,
	    others, nothers, &err) : rf_tracking_campaign_for(f->ctx,
	    f->rules, m, rcpt, others, orcpts, nothers, &err);
	assert_int_equal(st, RF_OK);
	return m;
}

/* varies: the part of link i of m flagged varies-in-campaign, or NULL */
static const char *
varies(struct fx *f, rf_message *m, size_t i)
{
	return tok(f, &m->links.v[i], "varies-in-campaign");
}

static const char *const RCPTS[NCOPIES] = { "r0@example.org",
	"r1@example.org", "R2@Example.org", "r3@example.org",
	"r4@example.org", "r5@example.org" };

/* sketch: others[k] (k = 0..n-1) holds the one URL us[k] of the copy to
 * orcpts[k] = rs[k] (NULL when rs is) */
static void
sketch(rf_copy_links *others, const char **orcpts, const char *const *us,
       const char *const *rs, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		others[k].urls = &us[k];
		others[k].n = 1;
		orcpts[k] = rs != NULL ? rs[k] : NULL;
	}
}

/* Six copies to six recipients, the image rotating among two values:
 * the one copy with the rarer value is no code (a pool); a value unique
 * per recipient is one; two copies to one recipient holding a value are
 * one recipient, not a pool. */
static void
test_pool(void **state)
{
	struct fx *f = *state;
	const char *me[] = { "https://img.example/c/rot-A.gif" };
	const char *rot[] = { "https://img.example/c/rot-B.gif",
		"https://img.example/c/rot-B.gif",
		"https://img.example/c/rot-B.gif",
		"https://img.example/c/rot-B.gif",
		"https://img.example/c/rot-B.gif" };
	const char *uniq[] = { "https://img.example/c/k1",
		"https://img.example/c/k2", "https://img.example/c/k3",
		"https://img.example/c/k4", "https://img.example/c/k5" };
	const char *one[] = { RCPTS[1], RCPTS[1], RCPTS[3], RCPTS[4],
		RCPTS[5] };
	const char *two[] = { RCPTS[1], "r1@EXAMPLE.org", RCPTS[2] };
	const char *pair[] = { "https://img.example/c/rot-B.gif",
		"https://img.example/c/rot-B.gif",
		"https://img.example/c/rot-C.gif" };
	rf_copy_links o[NCOPIES - 1];
	const char *orc[NCOPIES - 1];
	rf_message *m;

	/* the base: the rarer value differs from every other copy's */
	sketch(o, orc, rot, RCPTS + 1, NCOPIES - 1);
	m = copy(f, me, 1, NULL_RCPT, o, orc, NCOPIES - 1);
	assert_string_equal(varies(f, m, 0), "rot-A.gif");
	/* recipients known: rot-B.gif is held by five recipients */
	m = copy(f, me, 1, RCPTS[0], o, orc, NCOPIES - 1);
	assert_null(varies(f, m, 0));
	assert_false(m->links.v[0].tracking);
	assert_string_equal(m->links.v[0].clean, me[0]);
	/* a value unique per recipient: a code */
	sketch(o, orc, uniq, RCPTS + 1, NCOPIES - 1);
	m = copy(f, me, 1, RCPTS[0], o, orc, NCOPIES - 1);
	assert_string_equal(varies(f, m, 0), "rot-A.gif");
	/* two copies to r1 (either case) carry rot-B, r2 rot-C: one
	 * recipient per value, no pool */
	sketch(o, orc, pair, two, 3);
	m = copy(f, me, 1, RCPTS[0], o, orc, 3);
	assert_string_equal(varies(f, m, 0), "rot-A.gif");
	/* rot-B to r1 twice and to r3: two recipients, a pool */
	sketch(o, orc, rot, one, NCOPIES - 1);
	m = copy(f, me, 1, RCPTS[0], o, orc, NCOPIES - 1);
	assert_null(varies(f, m, 0));
	/* the others' recipients unknown: as before */
	sketch(o, orc, rot, NULL, NCOPIES - 1);
	m = copy(f, me, 1, RCPTS[0], o, orc, NCOPIES - 1);
	assert_string_equal(varies(f, m, 0), "rot-A.gif");
	/* this copy's own recipient unknown: as before */
	sketch(o, orc, rot, RCPTS + 1, NCOPIES - 1);
	m = copy(f, me, 1, NULL, o, orc, NCOPIES - 1);
	assert_string_equal(varies(f, m, 0), "rot-A.gif");
}

/* A value unique to each copy (a key per sending) is a code even when
 * two copies to one recipient carry different values: it names the
 * recipient to the sender as well as a per-recipient one; no value is
 * shared, so no pool. */
static void
test_per_send(void **state)
{
	struct fx *f = *state;
	const char *me[] = { "https://n.example/c.asp?ad_key=QBFUIEXORXKL" };
	const char *us[] = { "https://n.example/c.asp?ad_key=FWOATHSKUDMM",
		"https://n.example/c.asp?ad_key=CPIUFTGUCUBA" };
	const char *rs[] = { "R0@example.ORG", RCPTS[1] };
	const char *own[] = { RCPTS[0], RCPTS[0] };
	rf_copy_links o[2];
	const char *orc[2];
	rf_message *m;

	/* a copy to r0 itself with another key, one to r1 with a third */
	sketch(o, orc, us, rs, 2);
	m = copy(f, me, 1, NULL_RCPT, o, orc, 2);
	assert_string_equal(varies(f, m, 0), "QBFUIEXORXKL");	/* the base */
	m = copy(f, me, 1, RCPTS[0], o, orc, 2);
	assert_non_null(varies(f, m, 0));
	assert_string_equal(varies(f, m, 0), "QBFUIEXORXKL");
	assert_true(m->links.v[0].tracking);
	/* every copy to r0, each with its own key */
	sketch(o, orc, us, own, 2);
	m = copy(f, me, 1, RCPTS[0], o, orc, 2);
	assert_non_null(varies(f, m, 0));
	assert_string_equal(varies(f, m, 0), "QBFUIEXORXKL");
	assert_true(m->links.v[0].tracking);
	/* the copy to r0 alone */
	m = copy(f, me, 1, RCPTS[0], o, orc, 1);
	assert_string_equal(varies(f, m, 0), "QBFUIEXORXKL");
}

/* A copy to another recipient with exactly this copy's links shares
 * every value: compared, not skipped as this copy itself; one to this
 * copy's own recipient is skipped, as before. */
static void
test_identical_links(void **state)
{
	struct fx *f = *state;
	const char *me[] = { "mailto:remove-me@list.example" };
	const char *us[] = { "mailto:remove-me@list.example",
		"mailto:stop@other.example" };
	const char *rs[] = { RCPTS[1], RCPTS[2] };
	const char *own[] = { RCPTS[0], RCPTS[2] };
	rf_copy_links o[2];
	const char *orc[2];
	rf_message *m;

	sketch(o, orc, us, rs, 2);
	m = copy(f, me, 1, NULL_RCPT, o, orc, 2);
	assert_string_equal(varies(f, m, 0), "remove-me@list.example");
	m = copy(f, me, 1, RCPTS[0], o, orc, 2);
	assert_null(varies(f, m, 0));
	sketch(o, orc, us, own, 2);
	m = copy(f, me, 1, RCPTS[0], o, orc, 2);
	assert_string_equal(varies(f, m, 0), "remove-me@list.example");
}

/* An address in a value follows the address mailed, not the mailbox:
 * the recipients are not used for it (one address that reached two other
 * mailboxes is no pool), in bulk mail and in mail that is not (where the
 * address token was dropped and comes back). */
static void
test_address_value(void **state)
{
	struct fx *f = *state;
	const char *me[] = { "https://n.example/u?em=a1@alias.example&l=7" };
	const char *us[] = { "https://n.example/u?em=a2@alias.example&l=7",
		"https://n.example/u?em=a2@alias.example&l=7" };
	const char *rs[] = { RCPTS[1], RCPTS[2] };
	rf_copy_links o[2];
	const char *orc[2];
	rf_message *m;
	rf_error err;

	sketch(o, orc, us, rs, 2);
	m = copy(f, me, 1, RCPTS[0], o, orc, 2);
	assert_string_equal(varies(f, m, 0), "a1@alias.example");
	assert_true(m->links.v[0].tracking);
	/* not bulk: the address was dropped; the comparison flags the
	 * link and gives it back */
	m = rf_arena_alloc(f->a, sizeof(*m));
	m->arena = f->a;
	{
		rf_status st;
		rf_link *l = rf_links_add(f->a, &m->links, &st);

		assert_non_null(l);
		l->url = me[0];
	}
	assert_int_equal(rf_tracking_message(f->ctx, f->rules, m, ADDR,
	    &err), RF_OK);
	assert_false(m->links.v[0].tracking);
	assert_int_equal(rf_tracking_campaign_for(f->ctx, f->rules, m,
	    RCPTS[0], o, orc, 2, &err), RF_OK);
	assert_true(has_reason(&m->links.v[0], "other-address"));
	assert_string_equal(varies(f, m, 0), "a1@alias.example");
}

static unsigned
rnd(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

/* link_of: link j of a copy, its path and id drawn from small pools */
static char *
link_of(struct fx *f, size_t j, unsigned *seed)
{
	unsigned v = rnd(seed) & 3, id = rnd(seed) & 7;

	return rf_arena_printf(f->a, "https://n.example/p%zu/v%u?id=%u", j,
	    v, id);
}

/* Recipients unknown (this copy's, or every other's): what
 * rf_tracking_campaign gives, on the cases above and on random
 * campaigns of small pools (generated values, seeded). */
static void
test_unknown_is_base(void **state)
{
	struct fx *f = *state;
	const char *orc[NCOPIES - 1], *orcn[NCOPIES - 1];
	char *us[NCOPIES - 1][3], *me[3];
	rf_copy_links o[NCOPIES - 1];
	unsigned seed = 19;
	size_t round, k, j;

	for (round = 0; round < 400; round++) {
		for (j = 0; j < 3; j++)
			me[j] = link_of(f, j, &seed);
		for (k = 0; k < NCOPIES - 1; k++) {
			for (j = 0; j < 3; j++)
				us[k][j] = link_of(f, j, &seed);
			orc[k] = RCPTS[rnd(&seed) % NCOPIES];
			orcn[k] = NULL;
			o[k].urls = (const char *const *)us[k];
			o[k].n = 3;
		}
		links_same(copy(f, (const char *const *)me, 3, NULL_RCPT, o,
		    orc, NCOPIES - 1), copy(f, (const char *const *)me, 3,
		    NULL, o, orc, NCOPIES - 1), NULL);
		links_same(copy(f, (const char *const *)me, 3, NULL_RCPT, o,
		    orc, NCOPIES - 1), copy(f, (const char *const *)me, 3,
		    RCPTS[0], o, orcn, NCOPIES - 1), NULL);
		links_same(copy(f, (const char *const *)me, 3, NULL_RCPT, o,
		    orc, NCOPIES - 1), copy(f, (const char *const *)me, 3,
		    RCPTS[0], o, NULL, NCOPIES - 1), NULL);
	}
}

/* Three copies of a campaign whose tracking redirects carry a
 * destination with a per-copy value: each kind of redirect the clean
 * form unwraps (a rule's path segment: Amazon SES; a rule's query
 * parameter: Google; any query value that is a URL) is compared by its
 * destination's parts, so the clean form is the destination with only
 * that value dropped (s37: the whole wrapped value was flagged and the
 * clean form was "https://redflag-removed.redflag-removed..."). */
static void
test_redirects(void **state)
{
	struct fx *f = *state;
	/* each URL: pre[i], the copy's id, post[i] */
	static const char *const pre[] = {
		"https://r.us-east-1.awstrack.me/L0/https:%2F%2Fwww.travelco"
		    ".example%2Faccount%3Fuid=",
		"https://www.google.com/url?q=https%3A%2F%2Fshop.example"
		    "%2Fp%3Femail%3Du",
		"http://track.optin.example/clicktrack.asp?eid=20167&url=http"
		    "%3A%2F%2Fwww.debt.example%2Fapp1.cfm%3Fcoid%3D",
	};
	static const char *const post[] = {
		"/1/0100018fcfbfd151-92bc1192-49f3-e1fd-681f-94662b94dcc3"
		    "-000000/AbCdEfGhIjKlMnOpQr=279",
		"%2540example.org%26ref%3Dnews&sa=D",
		"",
	};
	static const char *const want[] = {
		"https://www.travelco.example/account",
		"https://shop.example/p?ref=news",
		"http://www.debt.example/app1.cfm",
	};
	static const char *const ids[3] = { "1111", "2222", "3333" };
	char *urls[3][3];
	const char *row[3][3];
	rf_copy_links o[2];
	rf_message *m;
	size_t i, k, c;

	for (c = 0; c < 3; c++)
		for (i = 0; i < 3; i++) {
			urls[c][i] = rf_arena_printf(f->a, "%s%s%s", pre[i],
			    ids[c], post[i]);
			assert_non_null(urls[c][i]);
			row[c][i] = urls[c][i];
		}
	for (c = 0; c < 3; c++) {
		for (k = 0; k < 2; k++) {
			o[k].urls = row[(c + 1 + k) % 3];
			o[k].n = 3;
		}
		m = copy(f, row[c], 3, NULL_RCPT, o, NULL, 2);
		for (i = 0; i < 3; i++) {
			const rf_link *l = &m->links.v[i];

			assert_true(l->tracking);
			assert_non_null(strstr(varies(f, m, i), ids[c]));
			assert_string_equal(l->clean, want[i]);
		}
	}
}

/* A destination carried base64-encoded (s39) is compared by its own
 * parts as a percent-encoded one: the per-copy uid in it is flagged as
 * the base64 characters that carry it, and the clean form is the
 * destination without it (until s39 the whole run was the code, and the
 * clean form the wrapper with the run replaced: a dead link). */
static void
test_redirects_b64(void **state)
{
	struct fx *f = *state;
	/* base64url of https://www.travelco.example/account?ref=mail&uid=
	 * 1111, 2222, 3333 */
	static const char *const b64[3] = {
		"aHR0cHM6Ly93d3cudHJhdmVsY28uZXhhbXBsZS9hY2NvdW50P3JlZj1tYWlsJnVpZD0xMTEx",
		"aHR0cHM6Ly93d3cudHJhdmVsY28uZXhhbXBsZS9hY2NvdW50P3JlZj1tYWlsJnVpZD0yMjIy",
		"aHR0cHM6Ly93d3cudHJhdmVsY28uZXhhbXBsZS9hY2NvdW50P3JlZj1tYWlsJnVpZD0zMzMz",
	};
	const char *row[3][1];
	rf_copy_links o[2];
	rf_message *m;
	size_t k, c;

	for (c = 0; c < 3; c++) {
		row[c][0] = rf_arena_printf(f->a, "https://link.news.example/"
		    "click/42.7/%s/a94f3c2b8d1e7f6a5b4c3d2e1f0a9b8c", b64[c]);
		assert_non_null(row[c][0]);
	}
	for (c = 0; c < 3; c++) {
		for (k = 0; k < 2; k++) {
			o[k].urls = row[(c + 1 + k) % 3];
			o[k].n = 1;
		}
		m = copy(f, row[c], 1, NULL_RCPT, o, NULL, 2);
		assert_true(m->links.v[0].tracking);
		assert_non_null(varies(f, m, 0));
		assert_true(strlen(varies(f, m, 0)) < strlen(b64[c]) / 2);
		assert_string_equal(m->links.v[0].clean,
		    "https://www.travelco.example/account?ref=mail");
	}
}

/* A clean form never replaces a host's site (its registrable domain,
 * test_tracking_site): the recipient's local part as a site's name is
 * every reader's (searchsecurity@lists.techtarget.com and
 * searchSecurity.com); in a sub-domain it is still a code. */
static void
test_site_kept(void **state)
{
	struct fx *f = *state;
	const char *me[] = { "http://www.john.smith/a",
		"http://john.smith.news.example/a" };
	rf_message *m = copy(f, me, 2, NULL_RCPT, NULL, NULL, 0);

	assert_false(m->links.v[0].tracking);
	assert_string_equal(m->links.v[0].clean, me[0]);
	assert_true(m->links.v[1].tracking);
	assert_string_equal(m->links.v[1].clean,
	    "http://redflag-removed.redflag-removed.news.example/a");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_per_send),
		cmocka_unit_test(test_identical_links),
		cmocka_unit_test(test_address_value),
		cmocka_unit_test(test_unknown_is_base),
		cmocka_unit_test(test_redirects),
		cmocka_unit_test(test_redirects_b64),
		cmocka_unit_test(test_site_kept),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
