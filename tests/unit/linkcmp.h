/*
 * linkcmp.h - what the tracking tests share: two analyses of one
 * message's links compared link by link (test_tracking_fast.c: the memo,
 * the recipient-free base; test_tracking_campaign.c: recipients unknown
 * against rf_tracking_campaign).  Included after testutil.h.
 */
#ifndef REDFLAG_LINKCMP_H
#define REDFLAG_LINKCMP_H

#include <string.h>

/* links_same: x and y have the same links (URL, tracking, tokens with
 * their reasons, reasons, clean form) and limits hit, and so have their
 * attached mails, in order; fails the test at the first difference.  A
 * link of x whose URL an earlier link of x has too must own its arrays
 * (later steps edit them in place); each such link is counted in
 * *repeats (NULL: not counted). */
static inline void
links_same(const rf_message *x, const rf_message *y, size_t *repeats)
{
	size_t i, k;

	assert_int_equal(x->links.n, y->links.n);
	assert_int_equal(x->limits_hit, y->limits_hit);
	for (i = 0; i < x->links.n; i++) {
		const rf_link *a = &x->links.v[i], *b = &y->links.v[i];

		assert_string_equal(a->url, b->url);
		assert_int_equal(a->tracking, b->tracking);
		assert_int_equal(a->ntokens, b->ntokens);
		for (k = 0; k < a->ntokens; k++) {
			assert_int_equal(a->tokens[k].off, b->tokens[k].off);
			assert_int_equal(a->tokens[k].len, b->tokens[k].len);
			assert_string_equal(a->tokens[k].reason,
			    b->tokens[k].reason);
		}
		assert_int_equal(a->nreasons, b->nreasons);
		for (k = 0; k < a->nreasons; k++)
			assert_string_equal(a->reasons[k], b->reasons[k]);
		assert_non_null(a->clean);
		assert_string_equal(a->clean, b->clean);
		for (k = 0; k < i; k++) {
			if (strcmp(x->links.v[k].url, a->url) != 0)
				continue;
			if (repeats != NULL)
				(*repeats)++;
			if (a->ntokens > 0)
				assert_ptr_not_equal(x->links.v[k].tokens,
				    a->tokens);
			if (a->nreasons > 0)
				assert_ptr_not_equal(x->links.v[k].reasons,
				    a->reasons);
		}
	}
	assert_int_equal(x->nembedded, y->nembedded);
	for (i = 0; i < x->nembedded; i++)
		links_same(x->embedded[i], y->embedded[i], repeats);
}

#endif
