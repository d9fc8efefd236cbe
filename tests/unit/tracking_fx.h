/*
 * tracking_fx.h - the fixture the tracking tests share (test_tracking.c,
 * test_tracking_forms.c): a context, the shipped rules, an arena and the
 * recipient RCPT, and links analysed against them.  Included once, by a
 * test program (after testutil.h).
 */
#ifndef REDFLAG_TRACKING_FX_H
#define REDFLAG_TRACKING_FX_H

#include <openssl/evp.h>

#define RCPT "John.Smith@Example.com"
#define ADDR "john.smith@example.com"

struct fx {
	rf_ctx *ctx;
	rf_rules *rules;
	rf_arena *a;
	rf_recipient *rcpt;
};

static inline int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	rf_error err;

	assert_non_null(f);
	f->ctx = test_ctx();
	f->rules = shipped_rules();
	f->a = rf_arena_new();
	assert_int_equal(rf_recipient_new(f->a, RCPT, &f->rcpt, &err), RF_OK);
	*state = f;
	return 0;
}

static inline int
teardown(void **state)
{
	struct fx *f = *state;

	rf_arena_free(f->a);
	rf_rules_free(f->rules);
	rf_ctx_free(f->ctx);
	free(f);
	return 0;
}

/* img: url analysed as a link of kind with image size, style, flags
 * and tracking options. */
static inline rf_link *
img(struct fx *f, const char *url, rf_link_kind kind, int w, int h,
    const char *style, unsigned flags, unsigned opts)
{
	rf_link *l = rf_arena_alloc(f->a, sizeof(*l));
	rf_error err;

	assert_non_null(l);
	l->url = rf_arena_strdup(f->a, url);
	l->kind = kind;
	l->width = w;
	l->height = h;
	l->style = style;
	l->flags = flags;
	if (rf_tracking_link(f->ctx, f->rules, f->a, f->rcpt, l, opts, NULL,
	    &err) != RF_OK)
		fail_msg("rf_tracking_link: %s", err.msg);
	return l;
}

/* b64: base64 of p (n bytes) in f's arena, URL-safe or standard,
 * padded or not. */
static inline char *
b64(struct fx *f, const void *p, size_t n, int urlsafe, int pad)
{
	char *o = rf_arena_alloc(f->a, n * 2 + 8);
	size_t len, i;

	assert_non_null(o);
	len = (size_t)EVP_EncodeBlock((unsigned char *)o, p, (int)n);
	while (!pad && len > 0 && o[len - 1] == '=')
		o[--len] = '\0';
	for (i = 0; urlsafe && i < len; i++)
		o[i] = o[i] == '+' ? '-' : o[i] == '/' ? '_' : o[i];
	return o;
}

/* href: url analysed as a link (opaque ids searched too). */
static inline rf_link *
href(struct fx *f, const char *url)
{
	return img(f, url, RF_LINK_HREF, -1, -1, NULL, 0, RF_TRK_OPAQUE);
}

/* tok: the text of the first token with reason (prefix), or NULL. */
static inline const char *
tok(struct fx *f, const rf_link *l, const char *reason)
{
	size_t i;

	for (i = 0; i < l->ntokens; i++)
		if (strncmp(l->tokens[i].reason, reason, strlen(reason)) == 0)
			return rf_arena_strndup(f->a, l->url + l->tokens[i].off,
			    l->tokens[i].len);
	return NULL;
}

/* has_reason: l has reason among its reasons. */
static inline int
has_reason(const rf_link *l, const char *reason)
{
	size_t i;

	for (i = 0; i < l->nreasons; i++)
		if (strcmp(l->reasons[i], reason) == 0)
			return 1;
	return 0;
}

#endif
