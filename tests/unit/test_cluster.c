/*
 * test_cluster.c - batch clustering: synthetic fingerprints with a known
 * partition, real fingerprints of personalised copies, recipient counts,
 * EMPTY items, ids independent of the order of adding, a batch too large
 * for an all-pairs algorithm.
 */
#include "testutil.h"

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static rf_fingerprint
random_fp(uint64_t *seed)
{
	rf_fingerprint fp;
	unsigned j;

	memset(&fp, 0, sizeof(fp));
	fp.version = RF_FP_VERSION;
	fp.kind = RF_FP_MINHASH;
	fp.nwords = 100;
	for (j = 0; j < RF_FP_HASHES; j++)
		fp.h[j] = rnd(seed);
	return fp;
}

/* mutate: base with k random positions changed (k <= 15: still matches
 * base). */
static rf_fingerprint
mutate(const rf_fingerprint *base, unsigned k, uint64_t *seed)
{
	rf_fingerprint fp = *base;
	unsigned i;

	for (i = 0; i < k; i++)
		fp.h[rnd(seed) % RF_FP_HASHES] = rnd(seed);
	return fp;
}

struct batch {
	rf_fingerprint *fp;
	char (*rcpt)[32];
	int *truth;		/* true group of each item */
	size_t n;
};

/* make_batch: 3 campaigns (500, 40, 2 copies; at most 10 positions
 * changed per copy, recipients repeat in the big one), 50 singletons,
 * 3 empty fingerprints, 4 equal short texts. */
static void
make_batch(struct batch *b)
{
	static const size_t sizes[] = { 500, 40, 2 };
	uint64_t seed = 99;
	rf_fingerprint base;
	size_t i, c, n = 0, cap = 700;

	b->fp = calloc(cap, sizeof(*b->fp));
	b->rcpt = calloc(cap, sizeof(*b->rcpt));
	b->truth = calloc(cap, sizeof(*b->truth));
	assert_non_null(b->fp);
	assert_non_null(b->rcpt);
	assert_non_null(b->truth);
	for (c = 0; c < 3; c++) {
		base = random_fp(&seed);
		for (i = 0; i < sizes[c]; i++, n++) {
			b->fp[n] = mutate(&base, rnd(&seed) % 11, &seed);
			/* campaign 0: 400 distinct recipients */
			snprintf(b->rcpt[n], sizeof(b->rcpt[n]), "r%zu@x.example",
			    c == 0 ? i % 400 : i);
			b->truth[n] = (int)c;
		}
	}
	for (i = 0; i < 50; i++, n++) {
		b->fp[n] = random_fp(&seed);
		snprintf(b->rcpt[n], sizeof(b->rcpt[n]), "p%zu@x.example", i);
		b->truth[n] = 10 + (int)i;
	}
	for (i = 0; i < 3; i++, n++) {
		memset(&b->fp[n], 0, sizeof(b->fp[n]));
		b->fp[n].version = RF_FP_VERSION;
		b->fp[n].kind = RF_FP_EMPTY;
		snprintf(b->rcpt[n], sizeof(b->rcpt[n]), "e%zu@x.example", i);
		b->truth[n] = 100 + (int)i;
	}
	for (i = 0; i < 4; i++, n++) {
		memset(&b->fp[n], 0, sizeof(b->fp[n]));
		b->fp[n].version = RF_FP_VERSION;
		b->fp[n].kind = RF_FP_SHORT;
		b->fp[n].h[0] = 0x1234567890abcdefULL;
		/* one recipient is unknown: not counted */
		if (i > 0)
			snprintf(b->rcpt[n], sizeof(b->rcpt[n]), "s%zu@x.example",
			    i);
		b->truth[n] = 200;
	}
	b->n = n;
}

static void
free_batch(struct batch *b)
{
	free(b->fp);
	free(b->rcpt);
	free(b->truth);
}

/* run: cluster b's items added in the order perm[], return the clusterer */
static rf_cluster *
run(const struct batch *b, const size_t *perm)
{
	rf_cluster *cl = NULL;
	rf_error err;
	size_t i, k;

	assert_int_equal(rf_cluster_new(&cl, &err), RF_OK);
	for (i = 0; i < b->n; i++) {
		k = perm[i];
		assert_int_equal(rf_cluster_add(cl, &b->fp[k],
		    b->rcpt[k][0] != '\0' ? b->rcpt[k] : NULL, k, &err), RF_OK);
	}
	assert_int_equal(rf_cluster_run(cl, &err), RF_OK);
	assert_int_equal(rf_cluster_items(cl), b->n);
	return cl;
}

/* item_campaign: the campaign of the item with the caller's index k */
static const rf_batch_campaign *
campaign_of(const rf_cluster *cl, size_t k)
{
	size_t i, index;

	for (i = 0; i < rf_cluster_items(cl); i++) {
		size_t c = rf_cluster_of(cl, i, &index);

		if (index == k)
			return rf_cluster_campaign(cl, c);
	}
	fail_msg("index %zu not found", k);
	return NULL;
}

static void
test_partition(void **state)
{
	struct batch b;
	rf_cluster *cl;
	size_t *perm, i, j, ci, cj, ii, ij;

	(void)state;
	make_batch(&b);
	perm = calloc(b.n, sizeof(*perm));
	assert_non_null(perm);
	for (i = 0; i < b.n; i++)
		perm[i] = i;
	cl = run(&b, perm);
	/* 3 campaigns + 50 singletons + 3 empty + 1 short group */
	assert_int_equal(rf_cluster_count(cl), 57);
	/* items are together exactly when their truth is the same */
	for (i = 0; i < b.n; i++) {
		ci = rf_cluster_of(cl, i, &ii);
		assert_int_equal(ii, i);
		for (j = i + 1; j < b.n; j += 7) {
			cj = rf_cluster_of(cl, j, &ij);
			if ((ci == cj) != (b.truth[i] == b.truth[j]))
				fail_msg("items %zu and %zu: clusters %zu %zu, "
				    "truth %d %d", i, j, ci, cj, b.truth[i],
				    b.truth[j]);
		}
	}
	assert_int_equal(campaign_of(cl, 0)->size, 500);
	assert_int_equal(campaign_of(cl, 0)->recipients, 400);
	assert_int_equal(campaign_of(cl, 0)->first, 0);
	assert_int_equal(campaign_of(cl, 500)->size, 40);
	assert_int_equal(campaign_of(cl, 540)->size, 2);
	assert_int_equal(campaign_of(cl, 540)->recipients, 2);
	/* the short texts: 4 copies, 3 known recipients */
	assert_int_equal(campaign_of(cl, b.n - 1)->size, 4);
	assert_int_equal(campaign_of(cl, b.n - 1)->recipients, 3);
	assert_int_equal(campaign_of(cl, b.n - 1)->kind, RF_FP_SHORT);
	/* empty texts: alone, no id */
	for (i = 0; i < 3; i++) {
		const rf_batch_campaign *c = campaign_of(cl, 592 + i);

		assert_int_equal(c->size, 1);
		assert_string_equal(c->id, "");
	}
	assert_int_equal(strlen(campaign_of(cl, 0)->id), 16);
	assert_true(strspn(campaign_of(cl, 0)->id, "0123456789abcdef") == 16);
	rf_cluster_free(cl);
	free(perm);
	free_batch(&b);
}

static void
test_order_independent(void **state)
{
	struct batch b;
	rf_cluster *c1, *c2;
	size_t *fwd, *shuf, i, j, t;
	uint64_t seed = 5;

	(void)state;
	make_batch(&b);
	fwd = calloc(b.n, sizeof(*fwd));
	shuf = calloc(b.n, sizeof(*shuf));
	assert_non_null(fwd);
	assert_non_null(shuf);
	for (i = 0; i < b.n; i++)
		fwd[i] = shuf[i] = i;
	for (i = b.n - 1; i > 0; i--) {
		j = rnd(&seed) % (i + 1);
		t = shuf[i];
		shuf[i] = shuf[j];
		shuf[j] = t;
	}
	c1 = run(&b, fwd);
	c2 = run(&b, shuf);
	assert_int_equal(rf_cluster_count(c1), rf_cluster_count(c2));
	for (i = 0; i < b.n; i++) {
		const rf_batch_campaign *a = campaign_of(c1, i), *z = campaign_of(c2, i);

		assert_string_equal(a->id, z->id);
		assert_int_equal(a->size, z->size);
		assert_int_equal(a->recipients, z->recipients);
	}
	rf_cluster_free(c1);
	rf_cluster_free(c2);
	free(fwd);
	free(shuf);
	free_batch(&b);
}

/* The campaign id is the consensus of the members: for a campaign big
 * enough it is the id of the template, whichever copies are in the
 * batch. */
static void
test_id_consensus(void **state)
{
	rf_fingerprint base, fp;
	rf_cluster *c1, *c2;
	char id[17];
	uint64_t seed = 31;
	unsigned i;

	(void)state;
	base = random_fp(&seed);
	rf_fp_id(&base, id);
	assert_int_equal(rf_cluster_new(&c1, NULL), RF_OK);
	assert_int_equal(rf_cluster_new(&c2, NULL), RF_OK);
	for (i = 0; i < 60; i++) {
		fp = mutate(&base, 8, &seed);
		assert_int_equal(rf_cluster_add(i % 2 ? c1 : c2, &fp, NULL, i,
		    NULL), RF_OK);
	}
	assert_int_equal(rf_cluster_run(c1, NULL), RF_OK);
	assert_int_equal(rf_cluster_run(c2, NULL), RF_OK);
	assert_int_equal(rf_cluster_count(c1), 1);
	assert_int_equal(rf_cluster_count(c2), 1);
	assert_string_equal(rf_cluster_campaign(c1, 0)->id, id);
	assert_string_equal(rf_cluster_campaign(c2, 0)->id, id);
	assert_int_equal(rf_cluster_campaign(c1, 0)->recipients, 0);
	/* adding after running is refused */
	assert_int_equal(rf_cluster_add(c1, &fp, NULL, 0, NULL), RF_EINVAL);
	rf_cluster_free(c1);
	rf_cluster_free(c2);
}

/* Real texts: personalised copies with filler cluster together. */
static void
test_real_texts(void **state)
{
	static const char *const names[] = { "Alice Moore", "Brian Fox",
	    "Chen Wei", "Dana Scott", "Emil Berg", "Fatima Khan" };
	rf_ctx *ctx = test_ctx();
	rf_cluster *cl = NULL;
	rf_fingerprint fp;
	char text[1024], addr[64];
	size_t i, c0;

	(void)state;
	assert_int_equal(rf_cluster_new(&cl, NULL), RF_OK);
	for (i = 0; i < 6; i++) {
		snprintf(addr, sizeof(addr), "user%zu@mail.example", i);
		snprintf(text, sizeof(text), "Dear %s, your account needs "
		    "attention. We noticed a problem with your last payment "
		    "and need you to confirm your details today. Use code "
		    "X%zuQ%zu at https://t%zu.bank-alert.example/v?id=%zu or "
		    "the account will be closed. %s", names[i], i * 7, i,
		    i, i * 31, i % 2 ? "moldy cantor nulls" : "frenzy role");
		assert_int_equal(rf_fingerprint_text(ctx, text, strlen(text),
		    addr, names[i], &fp, NULL), RF_OK);
		assert_int_equal(rf_cluster_add(cl, &fp, addr, i, NULL), RF_OK);
	}
	snprintf(text, sizeof(text), "Hi Sam, the garden party moved to "
	    "Sunday because of the rain, bring the chairs if you can.");
	assert_int_equal(rf_fingerprint_text(ctx, text, strlen(text), NULL,
	    NULL, &fp, NULL), RF_OK);
	assert_int_equal(rf_cluster_add(cl, &fp, "sam@home.example", 6, NULL),
	    RF_OK);
	assert_int_equal(rf_cluster_run(cl, NULL), RF_OK);
	assert_int_equal(rf_cluster_count(cl), 2);
	c0 = rf_cluster_of(cl, 0, NULL);
	for (i = 1; i < 6; i++)
		assert_int_equal(rf_cluster_of(cl, i, NULL), c0);
	assert_int_not_equal(rf_cluster_of(cl, 6, NULL), c0);
	assert_int_equal(rf_cluster_campaign(cl, c0)->recipients, 6);
	rf_cluster_free(cl);
	rf_ctx_free(ctx);
}

/* 100,000 items: all pairs would be 5e9 comparisons; bands make it about
 * a million.  One campaign of 10,000 copies among 90,000 singles. */
static void
test_large(void **state)
{
	rf_cluster *cl = NULL;
	rf_fingerprint base, fp;
	uint64_t seed = 4242;
	size_t i, n = 100000, big = 0;

	(void)state;
	base = random_fp(&seed);
	assert_int_equal(rf_cluster_new(&cl, NULL), RF_OK);
	for (i = 0; i < n; i++) {
		fp = i % 10 == 0 ? mutate(&base, 6, &seed) : random_fp(&seed);
		assert_int_equal(rf_cluster_add(cl, &fp, NULL, i, NULL), RF_OK);
	}
	assert_int_equal(rf_cluster_run(cl, NULL), RF_OK);
	assert_int_equal(rf_cluster_count(cl), n - n / 10 + 1);
	for (i = 0; i < rf_cluster_count(cl); i++)
		if (rf_cluster_campaign(cl, i)->size > 1)
			big = rf_cluster_campaign(cl, i)->size;
	assert_int_equal(big, n / 10);
	rf_cluster_free(cl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partition),
		cmocka_unit_test(test_order_independent),
		cmocka_unit_test(test_id_consensus),
		cmocka_unit_test(test_real_texts),
		cmocka_unit_test(test_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
