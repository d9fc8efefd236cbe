/*
 * test_fingerprint.c - the campaign fingerprint: pinned test vectors (a
 * change to any of them needs RF_FP_VERSION bumped), normalisation,
 * personalisation, injected random words, unrelated texts, short texts,
 * LSH bands, the choice between text and HTML alternatives, and one
 * message's fingerprint for many recipients from its recipient-free base
 * (rf_fingerprint_message_base) against rf_fingerprint_message.
 */
#include "testutil.h"
#include "../../lib/fingerprint_hash.h"	/* the kernels, the byte-wise scan */
#include "../../lib/fp_lexicon.h"	/* the lexicon's table, read plainly */

/* Fixed texts: a bulk offer, a bank phish, a newsletter, a personal note. */
static const char text_offer[] =
	"Dear Alice Walker,\n\n"
	"Great news! We are happy to offer you our natural sleep formula at a "
	"price you will love. Thousands of customers already feel better with "
	"us every month, and every package is checked by our pharmacist before "
	"it leaves. Why wait when you can restore your energy today?\n\n"
	"Our gentle capsules have helped people like you forget back pain and "
	"sleep through the night. No hidden fees, no long forms, just a safe "
	"remedy delivered to your door in a discreet package within days. If "
	"you ever change your mind, we will refund the full price, no "
	"questions asked.\n\n"
	"Order now: https://x7k2.shop-pharma.example/c/sleep?u=AbC123xyz\n\n"
	"Only a few boxes remain at this price, so order while you still can. "
	"Tell your friends and you both get a free bottle with the next order.\n\n"
	"Kind regards,\nThe Pharmacy Team\n\n"
	"This email was sent to alice.walker@example.com. To stop receiving "
	"these messages, unsubscribe here: https://shop-pharma.example/u/9f8e7d\n";
static const char text_phish[] =
	"Dear customer, we noticed unusual activity on your bank account and "
	"have temporarily limited access to online banking. To restore full "
	"access you must confirm your identity within the next two days. "
	"Please sign in with your usual password and review the recent "
	"transactions; if you do not respond, your card will be suspended and "
	"a new one sent by post, which can take several weeks. We apologise "
	"for any inconvenience and thank you for helping us keep your money "
	"safe. Security department, customer service.";
static const char text_news[] =
	"This month in the garden: the first frost arrived early, so we moved "
	"the tender plants into the greenhouse and covered the young trees. "
	"Our members planted over three hundred bulbs in the park, and the "
	"school asked us to help build a vegetable bed for the children. The "
	"next meeting is on the second Tuesday in the library; bring seeds to "
	"swap and a friend who might like to join. Thank you to everyone who "
	"came to the autumn fair and bought cakes for the new shed.";
static const char text_note[] =
	"Hi Tom, thanks for the photos from the weekend, the kids loved them. "
	"Could you bring the ladder back before Friday? My brother needs it to "
	"fix the roof of his garage, and I promised to drive it over on "
	"Saturday morning. See you soon, Kate";

/* Hash-buster words: a fixed sample of a large English dictionary. */
static const char *const filler[] = {
	"intuition", "thallium", "neurons", "tasselling", "urge", "skippered", "junks",
	"intrigues", "malnutrition", "tankful", "outstaying", "cowslip", "corruptest",
	"specialist", "lamprey", "plains", "perfect", "snobbish", "cottonseeds", "bowlegged",
	"intensities", "expressiveness", "chum", "bookkeepers", "mods", "spooned", "triceps",
	"redcoat", "plunk", "arrogate", "paddles", "worthwhile", "inveigh", "prided",
	"sanctioning", "perky", "prepackage", "colloquially", "picaresque", "affecting",
	"styles", "militias", "barrow", "banding", "appendage", "coziest", "tops", "discs", "paper",
	"annexes", "singletons", "joyride", "fleeces", "ink", "overnights", "suppliers", "crisps",
	"mediates", "died", "popularizing", "evangelism", "lowliness", "accelerated",
	"propulsion", "bloom", "iterating", "principally", "emissary", "mushiness",
	"vermillion", "sunspots", "blinding", "repays", "doings", "fer", "senator", "deters",
	"marquise", "epsilon", "animosities", "beholden", "nites", "shelling", "hinder",
	"burnishing", "swatting", "erring", "handy", "beatifies", "windsurfed",
	"agglomeration", "sweetest", "razors", "abbots", "decommissions", "deafness",
	"valises", "uneconomic", "avatars", "kinglier", "grizzled", "replicator", "hermetic",
	"illumined", "berth", "nonstop", "placidity", "crummier", "sins", "quavery", "eddied",
	"forgave", "boarding", "follies", "affiliated", "wormier", "housemother", "send",
	"uplifts", "capacitor", "chatterers", "disperse", "reoccurring", "brontosaurs",
	"adjudges", "banging", "juleps", "solemnity", "libels", "contrails", "ranter",
	"nestlings", "couriers", "interconnections", "manes", "crackup", "rubella", "shoot",
	"chainsawing", "iguanas", "potentates", "halest", "cannibalize", "heinously",
	"imitations", "deckles", "abbess", "eddies", "terrapin", "zany", "spatters", "overspread",
	"extenuating", "transcendentalists", "alarmingly", "debentures", "counterfeited",
	"hedging", "tamper", "parenthetically", "poseurs", "oiliest", "broadness", "arsonist",
	"classier", "declines", "inordinate", "dowsed", "adapter", "shrug", "peeked", "flounced",
	"stuck", "exampled", "handrail", "besmirches", "betokening", "bonnet", "daybeds",
	"ornamentation", "polarizes", "disfigurement", "afflictions", "paraplegics",
	"gorgeous", "grapevines", "photographers", "inventiveness", "cautious", "wiping",
	"outspreads", "legions", "subcontract", "occupant", "cheeps", "theocracy", "handouts",
	"corners", "pioneered", "codification", "farmings", "undershot", "destination",
	"stashing", "peep", "distillers", "risking", "coworkers", "columnist", "sandhogs",
	"pizzeria", "wad", "naively", "crossbreed", "reared", "welds", "hark", "towing", "led",
	"parterres", "birches", "immobilizing", "astuter", "buffeted", "bust", "arborvitae",
	"market", "woofing", "donkeys", "disambiguate", "sanest", "remedied", "headdresses",
	"doughty", "immaculate", "stockyards", "pairs", "lining", "etymology", "megalomaniac",
};

#define NFILLER (sizeof(filler) / sizeof(filler[0]))
#define TRIALS 1000

/* xorshift64*: the fixed-seed PRNG of the behavioural tests. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/*
 * inject: a copy of text with round(rate * words) random words inserted
 * at random places (block: all of them as one run at the end): 70 %
 * dictionary words, 30 % random letter strings, as hash-busters are.
 */
static char *
inject(const char *text, double rate, int block, uint64_t *seed)
{
	size_t n = 0, k, i, j, len = strlen(text), cap, o = 0, *slots;
	const char *p;
	char *out, *copy, *tok, *save = NULL;

	copy = strdup(text);
	assert_non_null(copy);
	for (p = text; *p != '\0'; p++)
		n += (p == text || p[-1] == ' ' || p[-1] == '\n') &&
		    *p != ' ' && *p != '\n';
	k = (size_t)(rate * (double)n + 0.5);
	slots = calloc(n + 1, sizeof(*slots));
	assert_non_null(slots);
	for (i = 0; i < k; i++)
		slots[block ? n : rnd(seed) % (n + 1)]++;
	cap = len + k * 16 + n + 2;
	out = malloc(cap);
	assert_non_null(out);
	tok = strtok_r(copy, " \n", &save);
	for (i = 0; i <= n; i++) {
		for (j = 0; j < slots[i]; j++) {
			if (rnd(seed) % 10 < 7) {
				o += (size_t)snprintf(out + o, cap - o, "%s ",
				    filler[rnd(seed) % NFILLER]);
			} else {
				size_t l = 4 + rnd(seed) % 8, q;

				for (q = 0; q < l; q++)
					out[o++] = (char)('a' + rnd(seed) % 26);
				out[o++] = ' ';
			}
		}
		if (tok != NULL) {
			o += (size_t)snprintf(out + o, cap - o, "%s ", tok);
			tok = strtok_r(NULL, " \n", &save);
		}
	}
	out[o] = '\0';
	free(slots);
	free(copy);
	return out;
}

static rf_fingerprint
fp_of(const rf_ctx *ctx, const char *text, const char *addr, const char *name)
{
	rf_fingerprint fp;
	rf_error err;

	if (rf_fingerprint_text(ctx, text, strlen(text), addr, name, &fp,
	    &err) != RF_OK)
		fail_msg("rf_fingerprint_text: %s", err.msg);
	return fp;
}

static void
assert_same(const rf_ctx *ctx, const char *a, const char *b)
{
	rf_fingerprint fa = fp_of(ctx, a, NULL, NULL);
	rf_fingerprint fb = fp_of(ctx, b, NULL, NULL);

	if (fa.kind != fb.kind ||
	    memcmp(fa.h, fb.h, sizeof(fa.h)) != 0)
		fail_msg("fingerprints differ:\n  %s\n  %s", a, b);
}

/* --- pinned vectors --------------------------------------------------- */

static const uint64_t vec_offer[RF_FP_HASHES] = {
	0x01432f0109b4e2acULL, 0x061d292de3d4c214ULL,
	0x06c03fea0c19ad0eULL, 0x00048e68d0643f38ULL,
	0x019fd0d50761aab2ULL, 0x021657785ad489e0ULL,
	0x02c43943299a9b53ULL, 0x007222b108b091c8ULL,
	0x034393b746140fc0ULL, 0x0110316b16098b27ULL,
	0x01c54c5d1d437fe2ULL, 0x00c74011529da479ULL,
	0x05d79c2ba1d28e1bULL, 0x027616b7cca86198ULL,
	0x021090f778aa9415ULL, 0x00a7aaa11885ac50ULL,
	0x0068b5d972c11b38ULL, 0x03772a1c25018121ULL,
	0x009dc3c458c73815ULL, 0x058823b939da718cULL,
	0x00e8692c3ed6de6cULL, 0x049ecd16a296a129ULL,
	0x016da7d490e12dbeULL, 0x0064fc444d5218aeULL,
	0x014ddd22b2004873ULL, 0x019f77cee14a9247ULL,
	0x0043e882452f71a2ULL, 0x0293db8691215176ULL,
	0x032170581cecf2b7ULL, 0x020cf8f204e8d6a1ULL,
	0x006b87e79c770034ULL, 0x00c19d01ee4aa8adULL,
};
static const uint64_t vec_note[RF_FP_HASHES] = {
	0x01600d62473bc2b3ULL, 0x009490d2ad7baddcULL,
	0x02101e4da824a5d6ULL, 0x074dee0931cbb21bULL,
	0x057d7087c7bdafc8ULL, 0x022db1ea5e3d2f7bULL,
	0x0cc715583eab2301ULL, 0x045e1dd90fc989bdULL,
	0x0cf5a6801dc4e54dULL, 0x066beae873dad26fULL,
	0x06b4cf8197cd71a9ULL, 0x122e14593581ddf7ULL,
	0x0862159898160615ULL, 0x0de1f9d6daf3e804ULL,
	0x0383458ea369bb70ULL, 0x113f44aac2b703b8ULL,
	0x04d4d0bc95846454ULL, 0x050528e4fe711237ULL,
	0x033982dbd256caadULL, 0x009b0ab28b98b6f8ULL,
	0x052e2db1aefa9f25ULL, 0x0e6509de583e21abULL,
	0x0fae03cebb9efe65ULL, 0x01cc3495027cbc35ULL,
	0x00595d6f4e50fb1cULL, 0x04ddda1da7eeb757ULL,
	0x072a846a2fe2fc59ULL, 0x00704832a8309fa4ULL,
	0x00cd1b48fe07293bULL, 0x01463409f744895bULL,
	0x007009ee632bdfa6ULL, 0x0923d03728d4b6f1ULL,
};

static void
test_vectors(void **state)
{
	rf_ctx *ctx = test_ctx();
	rf_fingerprint fp;
	char id[17];
	unsigned j;

	(void)state;
	fp = fp_of(ctx, text_offer, "alice.walker@example.com",
	    "Alice Walker");
	assert_int_equal(fp.version, 1);
	assert_int_equal(fp.kind, RF_FP_MINHASH);
	assert_int_equal(fp.nwords, 149);
	for (j = 0; j < RF_FP_HASHES; j++)
		if (fp.h[j] != vec_offer[j])
			fail_msg("offer h[%u] = 0x%016llx, expected 0x%016llx",
			    j, (unsigned long long)fp.h[j],
			    (unsigned long long)vec_offer[j]);
	rf_fp_id(&fp, id);
	assert_string_equal(id, "58a4bedbd115d108");
	assert_int_equal(rf_fp_band(&fp, 0), 0xe5bc1ce16c3e548eULL);

	fp = fp_of(ctx, text_note, NULL, NULL);
	assert_int_equal(fp.kind, RF_FP_MINHASH);
	assert_int_equal(fp.nwords, 46);
	for (j = 0; j < RF_FP_HASHES; j++)
		if (fp.h[j] != vec_note[j])
			fail_msg("note h[%u] = 0x%016llx, expected 0x%016llx",
			    j, (unsigned long long)fp.h[j],
			    (unsigned long long)vec_note[j]);

	fp = fp_of(ctx, "Thanks, see you tomorrow!", NULL, NULL);
	assert_int_equal(fp.kind, RF_FP_SHORT);
	assert_int_equal(fp.nwords, 4);
	assert_int_equal(fp.h[0], 0x5004318443ed02b3ULL);
	for (j = 1; j < RF_FP_HASHES; j++)
		assert_int_equal(fp.h[j], 0);
	assert_int_equal(rf_fp_band(&fp, 3), 0x5004318443ed02b3ULL);
	rf_ctx_free(ctx);
}

/* the pinned vectors through each min-hash kernel and each way of
 * reading the text (tests/unit/test_fingerprint_hash.c: the kernels on
 * random input) */
/* lexicon_loop: the lexicon look-up read plainly: a key of h's bucket
 * equal to h's high 32 bits. */
static int
lexicon_loop(uint64_t h)
{
	unsigned b = (unsigned)(h & (LEX_BUCKETS - 1)), i;

	for (i = lex_off[b]; i < lex_off[b + 1]; i++)
		if (lex_key[i] == (uint32_t)(h >> 32))
			return 1;
	return 0;
}

/* The vector look-up against the loop: every key in its own bucket (in
 * the last one too, before the padding), each key in the next bucket, the
 * padding's zero key in every bucket, and random hashes. */
static void
test_lexicon_lookup(void **state)
{
	uint64_t h, x = 0x1e51c0de;
	unsigned b, i, found = 0;

	(void)state;
	for (b = 0; b < LEX_BUCKETS; b++) {
		for (i = lex_off[b]; i < lex_off[b + 1]; i++) {
			h = (uint64_t)lex_key[i] << 32 | b;
			assert_int_equal(rf__fp_lexicon_has(h), 1);
			h = (uint64_t)lex_key[i] << 32 |
			    ((b + 1) & (LEX_BUCKETS - 1));
			assert_int_equal(rf__fp_lexicon_has(h), lexicon_loop(h));
			found++;
		}
		assert_int_equal(rf__fp_lexicon_has(b), lexicon_loop(b));
	}
	assert_int_equal(found, lex_off[LEX_BUCKETS]);
	for (i = 0; i < 1000000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		assert_int_equal(rf__fp_lexicon_has(x), lexicon_loop(x));
	}
}

static void
test_vectors_kernels(void **state)
{
	rf_ctx *ctx = test_ctx();
	rf__fp_minhash_fn *kernels[3];
	rf_fingerprint fp;
	unsigned k, nk = 0, flags;

	(void)state;
	kernels[nk++] = rf__fp_minhash_scalar;
	if (rf__fp_minhash_avx2() != NULL)
		kernels[nk++] = rf__fp_minhash_avx2();
	else
		print_message("(no AVX2 on this CPU: scalar kernel only)\n");
	if (rf__fp_minhash_avx512() != NULL)
		kernels[nk++] = rf__fp_minhash_avx512();
	else
		print_message("(no AVX-512 on this CPU)\n");
	for (k = 0; k < nk; k++) {
		for (flags = 0; flags <= RF__FP_BYTEWISE; flags++) {
			assert_int_equal(rf__fingerprint_text_with(ctx,
			    text_offer, strlen(text_offer),
			    "alice.walker@example.com", "Alice Walker",
			    kernels[k], flags, &fp, NULL), RF_OK);
			assert_int_equal(fp.nwords, 149);
			assert_memory_equal(fp.h, vec_offer, sizeof(fp.h));
			assert_int_equal(rf__fingerprint_text_with(ctx,
			    text_note, strlen(text_note), NULL, NULL,
			    kernels[k], flags, &fp, NULL), RF_OK);
			assert_int_equal(fp.nwords, 46);
			assert_memory_equal(fp.h, vec_note, sizeof(fp.h));
		}
	}
	rf_ctx_free(ctx);
}

/*
 * The fast scan (8-byte runs of word bytes, URL search only where a
 * chunk has ':' or "www.") against the plain one on random texts: word
 * bytes, digits, apostrophes, separators, URLs and address marks,
 * UTF-8 letters and bytes >= 0x80 whose low 7 bits are digits or letters
 * (a SWAR classification must not take them for ASCII), words around
 * the 256-byte cap; short texts compare the whole word sequence (the
 * short fingerprint hashes it), long ones the min-hash.
 */
static void
test_fast_scan(void **state)
{
	static const char *const pieces[] = {
		"a", "b", "z", "A", "Q", "Z", "0", "5", "9", "'", " ", " ",
		"  ", "\n", "\t", ".", ":", "@", "/", "-", "[", "`", "{",
		"@", "\x7f", "\x01", "\xb4", "\xb0", "\xb9", "\xc1",
		"\xda", "\xe1", "\xc2\xa0", "\xc3\xa9", "\xc3\x89",
		"\xe2\x80\x99", "\xe2\x80\x8b", "\xe4\xb8\xad",
		"http://", "www.", "WwW.", "xwww.", "w.", "ww.", "a.b",
		"HTTPS://", "mailto:", "the", "price", "Offer", "x7",
	};
	rf_ctx *ctx = test_ctx();
	rf_fingerprint fa, fb;
	uint64_t seed = 0xfeed;
	char buf[1400];
	size_t len, n, trial, pl;
	unsigned words;
	const char *p;

	(void)state;
	for (trial = 0; trial < 20000; trial++) {
		/* lengths 0..1300, mostly short; letters in 0/4 .. 4/4
		 * of the pieces (4/4: one word past the cap) */
		n = trial % 4 == 0 ? rnd(&seed) % 1300 : rnd(&seed) % 60;
		words = (unsigned)(rnd(&seed) % 5);
		len = 0;
		while (len < n) {
			if (rnd(&seed) % 4 < words)
				p = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ" +
				    rnd(&seed) % 36;
			else
				p = pieces[rnd(&seed) %
				    (sizeof(pieces) / sizeof(pieces[0]))];
			pl = strlen(p);
			if (len + pl > sizeof(buf))
				break;
			memcpy(buf + len, p, pl);
			len += pl;
		}
		assert_int_equal(rf__fingerprint_text_with(ctx, buf, len, NULL,
		    NULL, rf__fp_minhash_scalar, 0, &fa, NULL), RF_OK);
		assert_int_equal(rf__fingerprint_text_with(ctx, buf, len, NULL,
		    NULL, rf__fp_minhash_scalar, RF__FP_BYTEWISE, &fb, NULL),
		    RF_OK);
		if (memcmp(&fa, &fb, sizeof(fa)) != 0)
			fail_msg("fast scan differs (trial %zu, %zu bytes, "
			    "%u / %u words)", trial, len, fa.nwords,
			    fb.nwords);
	}
	rf_ctx_free(ctx);
}

/*
 * Every byte value at every place of an 8-byte window, in and after a
 * run of letters and digits, fast scan against the plain one: the run
 * classification (SWAR or SSE2 range checks by wrapping additions) must
 * take exactly the ASCII letters and digits as word bytes.  Few words:
 * the short fingerprint hashes the whole word sequence.
 */
static void
test_fast_scan_bytes(void **state)
{
	static const char *const runs[] = {
		"abcdefghijklmnop", "ZYXWVUTSRQPONMLK", "q1w2e3r4t5y6u7i8",
		"mnopqrstuvwxyzab",
	};
	rf_ctx *ctx = test_ctx();
	rf_fingerprint fa, fb;
	char buf[64];
	unsigned b, pos, r, cut;
	size_t len;

	(void)state;
	for (b = 0; b < 256; b++)
		for (pos = 0; pos < 12; pos++)
			for (r = 0; r < 4; r++)
				for (cut = 0; cut < 2; cut++) {
					memcpy(buf, "go ", 3);
					memcpy(buf + 3, runs[r], 16);
					buf[3 + pos] = (char)b;
					len = 19;
					if (cut == 0) {
						memcpy(buf + len, " end of it", 10);
						len += 10;
					}
					assert_int_equal(rf__fingerprint_text_with(
					    ctx, buf, len, NULL, NULL,
					    rf__fp_minhash_scalar, 0, &fa, NULL),
					    RF_OK);
					assert_int_equal(rf__fingerprint_text_with(
					    ctx, buf, len, NULL, NULL,
					    rf__fp_minhash_scalar, RF__FP_BYTEWISE,
					    &fb, NULL), RF_OK);
					if (memcmp(&fa, &fb, sizeof(fa)) != 0)
						fail_msg("fast scan differs: byte "
						    "0x%02x at %u, run %u, cut %u",
						    b, pos, r, cut);
				}
	rf_ctx_free(ctx);
}

/* --- normalisation ---------------------------------------------------- */

static const char base_text[] =
	"We are happy to offer you a new plan at a price you will love, "
	"and thousands of families already save with us every month.";

static void
test_normalise(void **state)
{
	rf_ctx *ctx = test_ctx();

	(void)state;
	/* case, accents, white space, punctuation */
	assert_same(ctx, base_text,
	    "WE ARE happy to   offer you a NEW plan at a prïce you will "
	    "löve\n and thousands of families -- already save with us "
	    "every month!!");
	/* zero-width and soft hyphen inside words are ignored */
	assert_same(ctx, base_text,
	    "We are hap\xe2\x80\x8b" "py to offer you a new pl\xc2\xad" "an at a "
	    "price you will love, and thousands of families already save "
	    "with us every month.");
	/* words with digits are dropped */
	assert_same(ctx, "Order 42 boxes of the best tea in town for only "
	    "9.99 today, ref A7X9Q2 and code 1234",
	    "Order 7 boxes of the best tea in town for only 12.50 today, "
	    "ref ZZ81K3 and code 999");
	/* URLs count as their registrable domain only */
	assert_same(ctx, "Read the whole story about our garden and the new "
	    "trees here https://x1.news.shop.example.co.uk/a/b?id=77 thanks",
	    "Read the whole story about our garden and the new trees here "
	    "http://www.shop.example.co.uk/zz thanks");
	/* e-mail addresses are dropped */
	assert_same(ctx, "Write to sales@shop.example if the new garden "
	    "chairs do not fit your table and we will swap them",
	    "Write to info@other.example if the new garden chairs do not "
	    "fit your table and we will swap them");
	rf_ctx_free(ctx);
}

static void
test_url_domain_differs(void **state)
{
	rf_ctx *ctx = test_ctx();
	rf_fingerprint a, b;

	(void)state;
	/* a different registrable domain is a different word (in a text
	 * that is not mostly common words) */
	a = fp_of(ctx, "zorvex quillmark novaline tessaro omnivue kelbright "
	    "farrow lumisa https://one.example/x pennick draxton", NULL, NULL);
	b = fp_of(ctx, "zorvex quillmark novaline tessaro omnivue kelbright "
	    "farrow lumisa https://two.example/x pennick draxton", NULL, NULL);
	assert_int_equal(a.kind, RF_FP_MINHASH);
	assert_true(rf_fp_agree(&a, &b) < RF_FP_HASHES);
	rf_ctx_free(ctx);
}

/* --- personalisation -------------------------------------------------- */

static void
test_personalised(void **state)
{
	rf_ctx *ctx = test_ctx();
	rf_fingerprint a, b, c;
	char *t;

	(void)state;
	a = fp_of(ctx, text_offer, "alice.walker@example.com", "Alice Walker");
	/* another recipient: name, address and codes differ */
	t = strdup(text_offer);
	assert_non_null(t);
	memcpy(strstr(t, "Alice Walker"), "Brian Fox   ", 12);
	memcpy(strstr(t, "alice.walker@example.com"),
	    "brian.fox77@mail.example", 24);
	memcpy(strstr(t, "AbC123xyz"), "Qq9Zz8Rr7", 9);
	memcpy(strstr(t, "x7k2"), "m3p9", 4);
	memcpy(strstr(t, "9f8e7d"), "0a1b2c", 6);
	b = fp_of(ctx, t, "brian.fox77@mail.example", "Brian Fox");
	assert_int_equal(b.kind, RF_FP_MINHASH);
	assert_memory_equal(a.h, b.h, sizeof(a.h));
	/* the name is also removed when only the address is known */
	memcpy(strstr(t, "Brian Fox   "), "Brian.Fox   ", 12);
	c = fp_of(ctx, t, "brian.fox77@mail.example", NULL);
	assert_true(rf_fp_match(&a, &c));
	free(t);
	rf_ctx_free(ctx);
}

/* --- injected random words -------------------------------------------- */

static double
match_rate(const rf_ctx *ctx, const char *text, double rate, int block,
	   uint64_t seed)
{
	rf_fingerprint a, b;
	char *ta, *tb;
	unsigned i, n = 0;

	for (i = 0; i < TRIALS; i++) {
		ta = inject(text, rate, block, &seed);
		tb = inject(text, rate, block, &seed);
		a = fp_of(ctx, ta, NULL, NULL);
		b = fp_of(ctx, tb, NULL, NULL);
		n += rf_fp_match(&a, &b);
		free(ta);
		free(tb);
	}
	return (double)n / TRIALS;
}

static void
test_injected(void **state)
{
	static const char *const texts[] = { text_offer, text_phish,
	    text_news, text_note };
	rf_ctx *ctx = test_ctx();
	double r;
	size_t i;

	(void)state;
	/* Two copies, each with its own 30 % of injected words. */
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		r = match_rate(ctx, texts[i], 0.30, 0, 1000 + i);
		print_message("text %zu, 30 %% scattered: match rate %.3f\n",
		    i, r);
		assert_true(r >= 0.98);
		r = match_rate(ctx, texts[i], 0.30, 1, 2000 + i);
		print_message("text %zu, 30 %% as a block: match rate %.3f\n",
		    i, r);
		assert_true(r >= 0.98);
	}
	rf_ctx_free(ctx);
}

/* --- unrelated texts -------------------------------------------------- */

static void
test_unrelated(void **state)
{
	static const char *const texts[] = { text_offer, text_phish,
	    text_news, text_note };
	rf_ctx *ctx = test_ctx();
	rf_fingerprint f[4];
	size_t i, j;

	(void)state;
	for (i = 0; i < 4; i++)
		f[i] = fp_of(ctx, texts[i], NULL, NULL);
	for (i = 0; i < 4; i++)
		for (j = i + 1; j < 4; j++) {
			assert_false(rf_fp_match(&f[i], &f[j]));
			assert_true(rf_fp_agree(&f[i], &f[j]) <= 2);
		}
	/* the same template with a different offer text half-way: still
	 * one text, the link skeleton does not matter, the text does */
	rf_ctx_free(ctx);
}

/* --- short and empty texts -------------------------------------------- */

static void
test_short(void **state)
{
	rf_ctx *ctx = test_ctx();
	rf_fingerprint a, b, c, e1, e2;

	(void)state;
	a = fp_of(ctx, "Thanks, see you tomorrow!", NULL, NULL);
	b = fp_of(ctx, "THANKS -- see you   tomorrow", NULL, NULL);
	c = fp_of(ctx, "Thanks, see you on Friday!", NULL, NULL);
	assert_int_equal(a.kind, RF_FP_SHORT);
	assert_true(rf_fp_match(&a, &b));
	assert_int_equal(rf_fp_agree(&a, &b), RF_FP_HASHES);
	assert_false(rf_fp_match(&a, &c));
	/* seven words are short, eight are not */
	a = fp_of(ctx, "one two three four five six seven", NULL, NULL);
	assert_int_equal(a.kind, RF_FP_SHORT);
	a = fp_of(ctx, "one two three four five six seven eight", NULL, NULL);
	assert_int_equal(a.kind, RF_FP_MINHASH);
	/* no words at all: empty, never part of a campaign */
	e1 = fp_of(ctx, "  123 -- 456 !! ", NULL, NULL);
	e2 = fp_of(ctx, "", NULL, NULL);
	assert_int_equal(e1.kind, RF_FP_EMPTY);
	assert_int_equal(e2.kind, RF_FP_EMPTY);
	assert_false(rf_fp_match(&e1, &e2));
	assert_false(rf_fp_match(&e1, &e1));
	/* kinds never match each other */
	assert_int_equal(rf_fp_agree(&a, &b), 0);
	rf_ctx_free(ctx);
}

/* --- LSH bands -------------------------------------------------------- */

static void
test_bands(void **state)
{
	rf_ctx *ctx = test_ctx();
	rf_fingerprint a, b;
	uint64_t seed = 77;
	unsigned i, trial, shared, found = 0, matched = 0;
	char *ta, *tb;

	(void)state;
	for (trial = 0; trial < 200; trial++) {
		ta = inject(text_phish, 0.3, 0, &seed);
		tb = inject(text_phish, 0.3, 0, &seed);
		a = fp_of(ctx, ta, NULL, NULL);
		b = fp_of(ctx, tb, NULL, NULL);
		if (rf_fp_match(&a, &b)) {
			matched++;
			for (i = shared = 0; i < RF_FP_BANDS; i++)
				shared += rf_fp_band(&a, i) == rf_fp_band(&b, i);
			found += shared > 0;
		}
		free(ta);
		free(tb);
	}
	/* every matching pair shares a band (1 - (1 - 0.53^2)^16 > 0.99
	 * even at the threshold) */
	assert_int_equal(found, matched);
	/* band keys differ between bands of one fingerprint */
	assert_int_not_equal(rf_fp_band(&a, 0), rf_fp_band(&a, 1));
	rf_ctx_free(ctx);
}

/* --- message: text and HTML alternatives ------------------------------ */

static void
test_message_alternatives(void **state)
{
	static char plain[] =
	    "Dear Carol, we are happy to offer you a new garden chair at a "
	    "price you will love. Every chair is checked by our team before "
	    "it leaves, and thousands of families already sit in them.\n"
	    "Shop now: https://c.chairs.example/c/chair?u=Xy12Ab\n"
	    "Unsubscribe: https://chairs.example/u/abcdef\n";
	static char html[] =
	    "Dear Carol, we are happy to offer you a new garden chair at a "
	    "price you will love. Every chair is checked by our team before "
	    "it leaves, and thousands of families already sit in them.\n"
	    "Shop now\nUnsubscribe\n";
	rf_ctx *ctx = test_ctx();
	rf_message m;
	rf_fingerprint ft, fh, fa;
	rf_error err;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.subject = "New chairs for Carol #QX81";
	m.text = plain;
	m.text_len = strlen(plain);
	assert_int_equal(rf_fingerprint_message(ctx, &m, "carol@example.com",
	    "Carol King", &ft, &err), RF_OK);
	m.text = NULL;
	m.text_len = 0;
	m.html_text = html;
	m.html_text_len = strlen(html);
	assert_int_equal(rf_fingerprint_message(ctx, &m, "carol@example.com",
	    "Carol King", &fh, &err), RF_OK);
	m.text = plain;
	m.text_len = strlen(plain);
	assert_int_equal(rf_fingerprint_message(ctx, &m, "carol@example.com",
	    "Carol King", &fa, &err), RF_OK);
	assert_int_equal(ft.kind, RF_FP_MINHASH);
	/* the words are the common words: URLs and codes vanish, so the
	 * three forms give one fingerprint */
	assert_memory_equal(ft.h, fh.h, sizeof(ft.h));
	assert_memory_equal(fh.h, fa.h, sizeof(fh.h));
	rf_ctx_free(ctx);
}

/* --- many recipients: the shared base --------------------------------- */

static const char *const base_who[][2] = {
	{ NULL, NULL }, { "r0@example.org", NULL }, { "r0@example.org", "" },
	{ "r1@example.org", NULL }, { "r5@example.org", NULL },
	{ "x@example.org", "Winter Sale" }, { "x@example.org", "Zebulon" },
	{ "alice.walker@example.com", NULL },
	{ "alice.walker@example.com", "Alice Walker" },
	{ "brian@example.com", "Pharmacy" }, { "jane.doe@example.org", NULL },
	{ "news@example.org", "Only Price" }, { "winter@example.org", "" },
	{ "not an address", "Item" }, { "someone@else.example", "" } };

/* compare_base: text's fingerprint for each of base_who, from one base,
 * against rf_fingerprint_message; *differ counts those that differ from
 * the base (the recipient's words were in the text). */
static void
compare_base(rf_ctx *ctx, const char *text, size_t len, size_t *differ)
{
	rf_message *m = NULL;
	rf_fp_base *base = NULL;
	rf_fingerprint a, b, none;
	rf_error err;
	size_t i;

	assert_int_equal(rf_message_parse(ctx, text, len, &m, &err), RF_OK);
	assert_int_equal(rf_fingerprint_prepare(ctx, m, m->arena, &base,
	    &err), RF_OK);
	assert_non_null(base);
	assert_int_equal(rf_fingerprint_message(ctx, m, NULL, "", &none,
	    &err), RF_OK);
	for (i = 0; i < sizeof(base_who) / sizeof(base_who[0]); i++) {
		memset(&a, 0x5a, sizeof(a));
		memset(&b, 0xa5, sizeof(b));
		assert_int_equal(rf_fingerprint_message(ctx, m, base_who[i][0],
		    base_who[i][1], &a, &err), RF_OK);
		assert_int_equal(rf_fingerprint_message_base(ctx, m, base,
		    base_who[i][0], base_who[i][1], &b, &err), RF_OK);
		assert_int_equal(a.version, b.version);
		assert_int_equal(a.kind, b.kind);
		assert_int_equal(a.nwords, b.nwords);
		assert_memory_equal(a.h, b.h, sizeof(a.h));
		if (a.nwords != none.nwords ||
		    memcmp(a.h, none.h, sizeof(a.h)) != 0)
			(*differ)++;
	}
	rf_message_free(m);
}

static void
test_base_recipients(void **state)
{
	static const char *const files[] = {
	    "tests/data/rcpts/many-html.eml", "tests/data/rcpts/many-text.eml",
	    "tests/data/trackers/mailchimp.eml", "tests/golden/forwarded.eml",
	    "tests/golden/rfc2047.eml" };
	rf_ctx *ctx = test_ctx();
	size_t i, len, differ = 0;
	char *text;
	int n;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		text = read_file(files[i], &len);
		compare_base(ctx, text, len, &differ);
		free(text);
	}
	len = sizeof(text_offer) + 200;
	text = malloc(len);
	assert_non_null(text);
	n = snprintf(text, len, "From: shop@pharma.example\n"
	    "To: Alice Walker <alice.walker@example.com>\n"
	    "Subject: Only today: your sleep formula\n\n%s", text_offer);
	compare_base(ctx, text, (size_t)n, &differ);
	free(text);
	/* both ways were taken: the base, and the fingerprint afresh */
	assert_true(differ >= 4);
	assert_true(differ < 6 * sizeof(base_who) / sizeof(base_who[0]) - 6);
	rf_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_vectors_kernels),
		cmocka_unit_test(test_lexicon_lookup),
		cmocka_unit_test(test_fast_scan),
		cmocka_unit_test(test_fast_scan_bytes),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_url_domain_differs),
		cmocka_unit_test(test_personalised),
		cmocka_unit_test(test_injected),
		cmocka_unit_test(test_unrelated),
		cmocka_unit_test(test_short),
		cmocka_unit_test(test_bands),
		cmocka_unit_test(test_message_alternatives),
		cmocka_unit_test(test_base_recipients),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
