/*
 * test_rewrite_entities.c - the entity pass of the rewriter
 * (rf__rewrite_entities, lib/rewrite_leaf.c) on many links at once:
 * links written with character references give the leaf the one pass
 * gives them written plain (moved out of test_rewrite.c in s24, which
 * had grown past 1,000 lines); numeric references read as libxml2 reads
 * them, as the analysis does (s25: one without its ';', one that stands
 * for no character).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "testutil.h"

#include "../../lib/rewrite_int.h"

/* test_entities_many: a leaf of 300 links written with "&#46;" and
 * "&#x2F;" (every third with a path of 600 bytes: runs past the entity
 * pass's first scratch of 256 bytes, so it grows), some runs holding
 * two links after '=' and a web bug in an unquoted src, the hrefs
 * unquoted (s24: in quotes left open, as before, the links after the
 * next quote stood where libxml2 reads attributes' names, and are left
 * as they are now): the entity pass
 * (one scan, one scratch over the runs, s19) gives the leaf the same
 * links written plain would give the one pass, and counts as many. */
static void
test_entities_many(void **state)
{
	GByteArray *ent = g_byte_array_new(), *plain = g_byte_array_new();
	rf_rewrite *c = NULL, *d = NULL;
	char from[800], to[800], pad[601], w[2400];
	size_t i, k, ce = 0, cp = 0;

	(void)state;
	memset(pad, 'p', 600);
	pad[600] = '\0';
	assert_int_equal(rf_rewrite_new(NULL, &c, NULL), RF_OK);
	assert_int_equal(rf_rewrite_new(NULL, &d, NULL), RF_OK);
	for (i = 0; i < 300; i++) {
		snprintf(from, sizeof(from), "http://a.example/%s%zu?id=%zu",
		    i % 3 == 0 ? pad : "", i, i);
		snprintf(to, sizeof(to), i % 7 == 0 ? "" :
		    "http://a.example/%s%zu", i % 3 == 0 ? pad : "", i);
		assert_int_equal(rf__rewrite_subst(c, strdup(from),
		    XXH3_64bits(from, strlen(from)), strdup(to), 0), 0);
		assert_int_equal(rf__rewrite_subst(d, c->subst[i].from,
		    c->subst[i].hash, c->subst[i].to, 0), 0);
		/* written with references, and plain */
		for (k = 0, w[0] = '\0'; from[k] != '\0'; k++)
			strcat(w, from[k] == '.' ? "&#46;" : from[k] == '/' ?
			    "&#x2F;" : (char[2]){ from[k], '\0' });
		g_byte_array_append(ent, (const guint8 *)(i % 7 == 0 ?
		    "<img src=" : i % 5 == 0 ? " x=http://r/?u=" :
		    " <a  href="), i % 7 == 0 ? 9 : i % 5 == 0 ? 15 : 10);
		g_byte_array_append(plain, ent->data + ent->len - (i % 7 == 0 ?
		    9 : i % 5 == 0 ? 15 : 10), i % 7 == 0 ? 9 : i % 5 == 0 ?
		    15 : 10);
		g_byte_array_append(ent, (const guint8 *)w, strlen(w));
		g_byte_array_append(plain, (const guint8 *)from, strlen(from));
		g_byte_array_append(ent, (const guint8 *)" width=1>\n", 10);
		g_byte_array_append(plain, (const guint8 *)" width=1>\n", 10);
	}
	assert_int_equal(rf__rewrite_leaf(c, 1, NULL, &ent, &ce), 1);
	assert_int_equal(rf__rewrite_leaf(d, 1, NULL, &plain, &cp), 1);
	assert_int_equal(ce, 300);
	assert_int_equal(cp, 300);
	assert_int_equal(ent->len, plain->len);
	assert_memory_equal(ent->data, plain->data, ent->len);
	for (i = 0; i < 300; i++)
		assert_int_equal(c->subst[i].hits, 1);
	for (i = 0; i < 300; i++) {
		free((char *)c->subst[i].from);
		free((char *)c->subst[i].to);
	}
	rf_rewrite_free(c);
	rf_rewrite_free(d);
	g_byte_array_free(ent, TRUE);
	g_byte_array_free(plain, TRUE);
}

/* test_ref_no_semicolon: a web bug's src written "o&#46gif", a
 * reference without its ';', which libxml2 (the analysis) reads as '.':
 * the link is http://t.example/o.gif, and the entity pass reads the
 * reference too now: the bug emptied.  On 837c460 it read no reference
 * there: the bug was left (counted missed). */
static void
test_ref_no_semicolon(void **state)
{
	static const char msg[] = "Content-Type: text/html\n\n<p>Hi</p>\n"
	    "<img src=\"http://t.example/o&#46gif\" width=\"1\" "
	    "height=\"1\">\n";
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	clean_stats(msg, sizeof(msg) - 1, 4096, &st, &out);
	assert_int_equal(st.bugs, 1);
	assert_int_equal(st.missed, 0);
	assert_non_null(memmem(out.data, out.len, "<img src=\"\" ", 10));
	rf_buf_free(&out);
}

/* test_ref_ends_value: seed char-ref-ends-value (s25's third strict run,
 * reduced), as fuzz_rewrite runs it: a web bug in an unquoted src
 * "http://www&#46shop&#", whose "&#" (no digit) libxml2 writes as a NUL
 * byte, so that the analysis' value, and link, end there
 * (http://www.shop); later in the tag the same URL where libxml2 reads
 * no value.  On 837c460 the run went on over the "&#" to the rewriter,
 * the src was not matched, and the other occurrence counted for the
 * link: 1 bug emptied, nothing missed, while the bug stayed live.  Now
 * a from that ends where such a reference starts marks its substitution
 * live (ent_ends): counted missed, so reported. */
static void
test_ref_ends_value(void **state)
{
	rf_rewrite_stats st;
	rf_buf out;

	(void)state;
	clean_seed("char-ref-ends-value", &st, &out);
	assert_int_equal(st.missed, 1);
	assert_int_equal(st.bugs, 0);
	rf_buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entities_many),
		cmocka_unit_test(test_ref_no_semicolon),
		cmocka_unit_test(test_ref_ends_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
