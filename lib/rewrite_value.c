/*
 * rewrite_value.c - where an unquoted attribute value starts in an HTML
 * leaf (right after an attribute's '=', or after '=' and white space:
 * "src=URL", "src= URL", "src = URL", a tab or a line end after the
 * '='), read on the leaf's original bytes by a cut-down HTML tokenizer,
 * so that a '=' in a quoted value ("href=\"http://r/go?u=URL\"") or in
 * text starts none: an empty to is written "" (EMPTY_VALUE in
 * rewrite_leaf.c) there and only there, so that the parser does not read
 * the next attribute as the value, and no quote is added in a quoted
 * value.  The one pass and the loop both take these offsets from
 * rf__rewrite_values and keep them pointing at the same bytes through
 * their replacements (rf__rewrite_values_run, _edit, _has in the one
 * pass and the entity pass; rf__rewrite_values_to in the loop), so that
 * both decide on the same bytes.  docs/tracking.md, "One empty-value
 * rule for every policy (s20)" and "One test for an unquoted value
 * (s20-rweq)".
 */
#include <stdlib.h>
#include <string.h>

#include "rewrite_int.h"

/* The states of struct rf__tagscan: the HTML tokenizer's, cut down to
 * what tells an attribute value. */
enum {
	TEXT = 0,	/* not in a tag */
	NAME,		/* in a tag: its name, an attribute's, between */
	BEFORE,		/* after an attribute's '=' (and white space) */
	UNQUOTED,	/* in an unquoted value */
	QUOTED		/* in a quoted value (ts->quote) */
};

/* space: HTML white space, which ends an unquoted value. */
static int
space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* opens: c after '<' makes it a tag (a letter, '/', '!', '?'). */
static int
opens(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' ||
	    c == '!' || c == '?';
}

/* skip: the first offset in d[i..p) holding c, or p (memchr: the text
 * and the quoted values, most of a leaf, are not read byte by byte). */
static size_t
skip(const char *d, size_t i, size_t p, int c)
{
	const char *e = i < p ? memchr(d + i, c, p - i) : NULL;

	return e != NULL ? (size_t)(e - d) : p;
}

/* advance: ts taken on over d[ts->seen..p) (d is n bytes). */
static void
advance(const char *d, size_t n, size_t p, struct rf__tagscan *ts)
{
	size_t i;
	int c;

	for (i = ts->seen; i < p; i++) {
		if (ts->state == TEXT || ts->state == QUOTED) {
			i = skip(d, i, p, ts->state == TEXT ? '<' : ts->quote);
			if (i == p)
				break;
		}
		c = (unsigned char)d[i];
		switch (ts->state) {
		case TEXT:
			if (c == '<' && i + 1 < n &&
			    opens((unsigned char)d[i + 1]))
				ts->state = NAME;
			break;
		case NAME:
			if (c == '>')
				ts->state = TEXT;
			else if (c == '=')
				ts->state = BEFORE;
			break;
		case BEFORE:
			if (c == '>')
				ts->state = TEXT;
			else if (c == '"' || c == '\'') {
				ts->state = QUOTED;
				ts->quote = c;
			} else if (!space(c))
				ts->state = UNQUOTED;
			break;
		case UNQUOTED:
			if (c == '>')
				ts->state = TEXT;
			else if (space(c))
				ts->state = NAME;
			break;
		default:	/* QUOTED */
			if (c == ts->quote)
				ts->state = NAME;
			break;
		}
	}
	ts->seen = p;
}

int
rf__rewrite_value_at(const char *d, size_t n, size_t p,
		     struct rf__tagscan *ts)
{
	size_t q;
	int c;

	if (p == 0 || p >= n)
		return 0;
	c = (unsigned char)d[p];
	if (space(c) || c == '"' || c == '\'' || c == '>')
		return 0;
	/* the last byte that is no white space is a '=' (cheap) */
	for (q = p; q > 0 && space((unsigned char)d[q - 1]); q--)
		;
	if (q == 0 || d[q - 1] != '=')
		return 0;
	advance(d, n, p, ts);
	return ts->state == BEFORE;
}

int
rf__rewrite_values(const char *d, size_t n, struct rf__values *v)
{
	struct rf__tagscan ts = { 0, TEXT, 0 };
	const char *e;
	size_t p = 0, cap = 0, *at;

	v->at = NULL;
	v->n = 0;
	/* each '=', then the white space after it */
	while (p < n && (e = memchr(d + p, '=', n - p)) != NULL) {
		for (p = (size_t)(e - d) + 1; p < n &&
		    space((unsigned char)d[p]); p++)
			;
		if (!rf__rewrite_value_at(d, n, p, &ts))
			continue;
		if (v->n == cap) {
			cap = cap * 2 + 8;
			if ((at = realloc(v->at, cap * sizeof(*at))) == NULL) {
				free(v->at);
				v->at = NULL;
				v->n = 0;
				return -1;
			}
			v->at = at;
		}
		v->at[v->n++] = p;
	}
	return 0;
}

int
rf__rewrite_values_to(struct rf__values *v, size_t *k, size_t *w,
		      size_t end, int at, size_t last, size_t out_len)
{
	while (*k < v->n && v->at[*k] < end)
		v->at[(*w)++] = out_len + (v->at[(*k)++] - last);
	if (!at || *k == v->n || v->at[*k] != end)
		return 0;
	v->at[(*w)++] = out_len + (v->at[(*k)++] - last);
	return 1;
}

void
rf__rewrite_values_run(struct rf__values *all, size_t *k, size_t r0,
		       size_t r1, struct rf__values *run)
{
	size_t i;

	while (*k < all->n && all->at[*k] < r0)
		(*k)++;
	run->at = all->at != NULL ? all->at + *k : NULL;
	for (i = *k; i < all->n && all->at[i] < r1; i++)
		all->at[i] -= r0;
	run->n = i - *k;
	*k = i;
}

int
rf__rewrite_values_has(const struct rf__values *v, size_t p)
{
	size_t i;

	for (i = 0; i < v->n && v->at[i] <= p; i++)
		if (v->at[i] == p)
			return 1;
	return 0;
}

void
rf__rewrite_values_edit(struct rf__values *v, size_t at, size_t e,
			size_t len)
{
	size_t i, w = 0;

	for (i = 0; i < v->n; i++) {
		if (v->at[i] > at && v->at[i] < e)
			continue;	/* inside the bytes replaced */
		v->at[w++] = v->at[i] < e ? v->at[i] : v->at[i] - e + at +
		    len;
	}
	v->n = w;
}

void
rf__rewrite_values_split(struct rf__values *v, size_t at, size_t e,
			 struct rf__values *lo, struct rf__values *hi)
{
	size_t i;

	lo->at = v->at;
	for (lo->n = 0; lo->n < v->n && v->at[lo->n] < at; lo->n++)
		;
	for (i = lo->n; i < v->n && v->at[i] < e; i++)
		;
	hi->at = v->at != NULL ? v->at + i : NULL;
	hi->n = v->n - i;
	for (i = 0; i < hi->n; i++)
		hi->at[i] -= e;
}

int
rf__rewrite_empty_to(const rf_rewrite *rw)
{
	size_t i;

	for (i = 0; i < rw->nsubst; i++)
		if (rw->subst[i].tl == 0)
			return 1;
	return 0;
}
