/*
 * rewrite_value.c - where an unquoted attribute value starts after '='
 * and white space in an HTML leaf ("src= URL", "src = URL", a tab or a
 * line end after the '='), read on the leaf's original bytes: an empty
 * to there is written "" (EMPTY_VALUE in rewrite_leaf.c), as right after
 * a '=', so that the parser does not read the next attribute as the
 * value.  The one pass asks at each run it changes
 * (rf__rewrite_value_at), the loop keeps every such offset as the leaf
 * changes (rf__rewrite_values, rf__rewrite_replace_all), so that both
 * decide on the same bytes.  docs/tracking.md, "One empty-value rule for
 * every policy (s20)".
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

/* advance: ts taken on over d[ts->seen..p) (d is n bytes). */
static void
advance(const char *d, size_t n, size_t p, struct rf__tagscan *ts)
{
	size_t i;
	int c;

	for (i = ts->seen; i < p; i++) {
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

	if (p == 0 || p >= n || !space((unsigned char)d[p - 1]))
		return 0;
	c = (unsigned char)d[p];
	if (space(c) || c == '"' || c == '\'' || c == '>')
		return 0;
	/* the last byte that is no white space is a '=' (cheap; most
	 * runs after white space stop here) */
	for (q = p - 1; q > 0 && space((unsigned char)d[q - 1]); q--)
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
