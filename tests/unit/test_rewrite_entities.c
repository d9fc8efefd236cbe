/*
 * test_rewrite_entities.c - the entity pass of the rewriter
 * (rf__rewrite_entities, lib/rewrite_leaf.c) on many links at once:
 * links written with character references give the leaf the one pass
 * gives them written plain (moved out of test_rewrite.c in s24, which
 * had grown past 1,000 lines).
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entities_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
