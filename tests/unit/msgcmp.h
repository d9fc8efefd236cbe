/*
 * msgcmp.h - what the message tests share: two parses of one message
 * compared field by field (test_message_paths.c, test_message_mime.c).
 */
#ifndef REDFLAG_MSGCMP_H
#define REDFLAG_MSGCMP_H

#include "testutil.h"

#include "../../lib/internal.h"

/* str_eq: a and b are equal strings (or both NULL); fails with what. */
static inline void
str_eq(const char *what, const char *a, const char *b)
{
	if (a == NULL || b == NULL) {
		if (a != b)
			fail_msg("%s: %s vs %s", what, a ? a : "(null)",
			    b ? b : "(null)");
		return;
	}
	if (strcmp(a, b) != 0)
		fail_msg("%s: \"%s\" vs \"%s\"", what, a, b);
}

/* same_message: x and y (one message parsed both ways) are the same in
 * every field the walk fills. */
static inline void
same_message(const rf_message *x, const rf_message *y)
{
	size_t i;

	assert_int_equal(x->flags, y->flags);
	assert_int_equal(x->limits_hit, y->limits_hit);
	assert_int_equal(x->nheaders, y->nheaders);
	assert_int_equal(x->text_len, y->text_len);
	assert_int_equal(x->html_text_len, y->html_text_len);
	assert_memory_equal(x->text, y->text, x->text_len);
	assert_memory_equal(x->html_text, y->html_text, x->html_text_len);
	assert_int_equal(x->nparts, y->nparts);
	for (i = 0; i < x->nparts; i++) {
		const rf_part *p = &x->parts[i], *q = &y->parts[i];

		str_eq("content_type", p->content_type, q->content_type);
		str_eq("charset", p->charset, q->charset);
		str_eq("encoding", p->encoding, q->encoding);
		str_eq("filename", p->filename, q->filename);
		assert_int_equal(p->size, q->size);
		assert_int_equal(p->depth, q->depth);
		assert_int_equal(p->flags, q->flags);
	}
	assert_int_equal(x->nattachments, y->nattachments);
	for (i = 0; i < x->nattachments; i++) {
		const rf_attachment *a = &x->attachments[i];
		const rf_attachment *b = &y->attachments[i];

		str_eq("attachment filename", a->filename, b->filename);
		str_eq("attachment type", a->content_type, b->content_type);
		str_eq("attachment sha256", a->sha256, b->sha256);
		assert_int_equal(a->size, b->size);
		assert_int_equal(a->part, b->part);
	}
	assert_int_equal(x->nembedded, y->nembedded);
	assert_int_equal(x->links.n, y->links.n);
	for (i = 0; i < x->links.n; i++) {
		const rf_link *k = &x->links.v[i], *l = &y->links.v[i];

		str_eq("url", k->url, l->url);
		str_eq("normalized", k->normalized, l->normalized);
		str_eq("domain", k->domain, l->domain);
		str_eq("text", k->text, l->text);
		assert_int_equal(k->kind, l->kind);
		assert_int_equal(k->flags, l->flags);
		assert_int_equal(k->part, l->part);
	}
}

/* both: data[0..len) parsed with and without GMime's tree gives the same
 * message. */
static inline void
both(rf_ctx *ctx, const char *data, size_t len)
{
	rf_message *fast = NULL, *tree = NULL;
	rf_error err;

	if (rf__message_parse(ctx, data, len, 0, &fast, &err) != RF_OK ||
	    rf__message_parse(ctx, data, len, 1, &tree, &err) != RF_OK)
		fail_msg("parse: %s", err.msg);
	same_message(fast, tree);
	rf_message_free(fast);
	rf_message_free(tree);
}

/* rn: the next pseudo-random number below n. */
static inline unsigned
rn(unsigned *seed, unsigned n)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 8) % n;
}


#endif
