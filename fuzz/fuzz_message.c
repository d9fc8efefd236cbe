/* fuzz_message.c - libFuzzer target: the message parser on any bytes, and
 * its fast paths (single part, multipart read from the bytes) against
 * GMime's object tree: the two results must be the same field by field
 * (abort on a difference). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <redflag/redflag.h>

#include "../lib/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* str_differ: a and b differ (either NULL). */
static int
str_differ(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

/* msg_diff: the first field in which x and y differ, or NULL. */
static const char *
msg_diff(const rf_message *x, const rf_message *y)
{
	size_t i;

	if (x->flags != y->flags)
		return "flags";
	if (x->limits_hit != y->limits_hit)
		return "limits_hit";
	if (x->nheaders != y->nheaders)
		return "nheaders";
	if (x->text_len != y->text_len ||
	    memcmp(x->text, y->text, x->text_len) != 0)
		return "text";
	if (x->html_text_len != y->html_text_len ||
	    memcmp(x->html_text, y->html_text, x->html_text_len) != 0)
		return "html_text";
	if (x->nparts != y->nparts)
		return "nparts";
	for (i = 0; i < x->nparts; i++) {
		const rf_part *p = &x->parts[i], *q = &y->parts[i];

		if (str_differ(p->content_type, q->content_type))
			return "part content_type";
		if (str_differ(p->charset, q->charset))
			return "part charset";
		if (str_differ(p->encoding, q->encoding))
			return "part encoding";
		if (str_differ(p->filename, q->filename))
			return "part filename";
		if (p->size != q->size)
			return "part size";
		if (p->depth != q->depth)
			return "part depth";
		if (p->flags != q->flags)
			return "part flags";
	}
	if (x->nattachments != y->nattachments)
		return "nattachments";
	for (i = 0; i < x->nattachments; i++) {
		const rf_attachment *a = &x->attachments[i];
		const rf_attachment *b = &y->attachments[i];

		if (str_differ(a->filename, b->filename) ||
		    str_differ(a->content_type, b->content_type) ||
		    a->size != b->size || a->part != b->part ||
		    strcmp(a->sha256, b->sha256) != 0)
			return "attachment";
	}
	if (x->nembedded != y->nembedded)
		return "nembedded";
	if (x->links.n != y->links.n)
		return "links";
	for (i = 0; i < x->links.n; i++) {
		const rf_link *k = &x->links.v[i], *l = &y->links.v[i];

		if (str_differ(k->url, l->url) ||
		    str_differ(k->normalized, l->normalized) ||
		    str_differ(k->domain, l->domain) ||
		    str_differ(k->text, l->text) || k->kind != l->kind ||
		    k->flags != l->flags || k->part != l->part)
			return "link";
	}
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rf_ctx *ctx;	/* made once per fuzzing process */
	rf_message *m = NULL, *t = NULL;
	const char *d;
	rf_limits lim;

	if (ctx == NULL) {
		rf_limits_default(&lim);
		lim.max_links = 200;
		lim.max_mime_parts = 64;
		lim.max_mime_depth = 16;
		if (rf_ctx_new(&lim, &ctx, NULL) != RF_OK)
			return 0;
	}
	if (rf_message_parse(ctx, (const char *)data, size, &m, NULL) ==
	    RF_OK)
		(void)rf_message_recipient(m);
	if (m != NULL && rf__message_parse(ctx, (const char *)data, size, 1,
	    &t, NULL) == RF_OK && (d = msg_diff(m, t)) != NULL) {
		fprintf(stderr, "fast path and GMime differ: %s\n", d);
		abort();
	}
	rf_message_free(t);
	t = NULL;
	/* the header block alone (consent learn): the same header fields */
	if (m != NULL && rf_message_parse_headers(ctx, (const char *)data,
	    size, &t, NULL) == RF_OK && ((m->from_addr == NULL) !=
	    (t->from_addr == NULL) || (m->from_addr != NULL &&
	    strcmp(m->from_addr, t->from_addr) != 0))) {
		fprintf(stderr, "header-only parse differs: From\n");
		abort();
	}
	rf_message_free(m);
	rf_message_free(t);
	return 0;
}
