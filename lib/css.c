/*
 * css.c - just enough CSS for html.c: which inline styles hide an
 * element, the pixel size an inline style gives an image, and the url()
 * references in style attributes and <style> sheets.  No cascade, no
 * selectors, no external sheets; nothing is fetched.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "bytescan.h"

#define CSS_VALUE_MAX 64	/* longer values never match a rule */
#define CSS_PX_MAX 100000	/* sizes are clamped here */

struct decl {
	const char *prop, *prop_end;	/* empty when there is no ':' */
	const char *val, *val_end;
};

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int
is_ident(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c >= 0x80;
}

static void
trim(const char **s, const char **e)
{
	while (*s < *e && is_space((unsigned char)**s))
		(*s)++;
	while (*e > *s && is_space((unsigned char)(*e)[-1]))
		(*e)--;
}

/* skip_comment: p at a slash-star; the byte after the closing star-slash,
 * or end. */
static const char *
skip_comment(const char *p, const char *end)
{
	for (p += 2; p + 1 < end; p++)
		if (p[0] == '*' && p[1] == '/')
			return p + 2;
	return end;
}

/* skip_string: p at a quote; the byte after the closing quote, or end. */
static const char *
skip_string(const char *p, const char *end)
{
	char q = *p++;

	while (p < end && *p != q) {
		if (*p == '\\' && p + 1 < end)
			p++;
		p++;
	}
	return p < end ? p + 1 : end;
}

/* decl_next: the next declaration (or selector, or at-rule prelude) of the
 * text at p: everything up to a ';', '{' or '}' outside strings, comments
 * and parentheses, split at its first ':'.  Returns where to continue. */
static const char *
decl_next(const char *p, const char *end, struct decl *d)
{
	const char *start = p, *colon = NULL;
	unsigned depth = 0;

	while (p < end) {
		char c = *p;

		if (c == '/' && p + 1 < end && p[1] == '*') {
			p = skip_comment(p, end);
			continue;
		}
		if (c == '"' || c == '\'') {
			p = skip_string(p, end);
			continue;
		}
		if (c == '\\') {
			p += p + 1 < end ? 2 : 1;
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		else if (depth == 0 && (c == ';' || c == '{' || c == '}'))
			break;
		else if (c == ':' && depth == 0 && colon == NULL)
			colon = p;
		p++;
	}
	if (colon != NULL) {
		d->prop = start;
		d->prop_end = colon;
		d->val = colon + 1;
	} else {
		d->prop = d->prop_end = start;
		d->val = start;
	}
	d->val_end = p;
	trim(&d->prop, &d->prop_end);
	trim(&d->val, &d->val_end);
	return p < end ? p + 1 : end;
}

static int
prop_is(const struct decl *d, const char *name)
{
	size_t n = strlen(name);

	return (size_t)(d->prop_end - d->prop) == n &&
	    strncasecmp(d->prop, name, n) == 0;
}

/* value_norm: d's value lower-cased, comments dropped, white space
 * collapsed, "!important" dropped, into out (CSS_VALUE_MAX bytes); 0, or
 * -1 when it does not fit. */
static int
value_norm(const struct decl *d, char *out)
{
	const char *p = d->val;
	size_t n = 0;
	int sp = 0;

	while (p < d->val_end) {
		char c = *p;

		if (c == '/' && p + 1 < d->val_end && p[1] == '*') {
			p = skip_comment(p, d->val_end);
			sp = 1;
			continue;
		}
		p++;
		if (is_space((unsigned char)c)) {
			sp = 1;
			continue;
		}
		if (n + 2 >= CSS_VALUE_MAX)
			return -1;
		if (sp && n > 0)
			out[n++] = ' ';
		sp = 0;
		out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	out[n] = '\0';
	while (n > 0 && (out[n - 1] == ' '))
		out[--n] = '\0';
	if (n >= 10 && strcmp(out + n - 10, "!important") == 0) {
		n -= 10;
		while (n > 0 && out[n - 1] == ' ')
			n--;
		out[n] = '\0';
	}
	return 0;
}

/* number: parse a CSS number at s; *zero says whether it is 0, *ival is
 * its integer part (clamped).  Returns the byte after it, or NULL when s
 * does not start with a number. */
static const char *
number(const char *s, int *zero, long *ival)
{
	int digits = 0;

	*zero = 1;
	*ival = 0;
	if (*s == '+')
		s++;
	else if (*s == '-')
		return NULL;	/* negative: never a size or a zero here */
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (*s != '0')
			*zero = 0;
		if (*ival < CSS_PX_MAX)
			*ival = *ival * 10 + (*s - '0');
	}
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, digits++)
			if (*s != '0')
				*zero = 0;
	if (digits == 0)
		return NULL;
	if (*ival > CSS_PX_MAX)
		*ival = CSS_PX_MAX;
	return s;
}

/* is_zero: the value is a single zero length or number ("0", "0px",
 * "0.0em", "0%"). */
static int
is_zero(const char *v)
{
	int zero;
	long iv;
	const char *e = number(v, &zero, &iv);

	if (e == NULL || !zero)
		return 0;
	while ((*e >= 'a' && *e <= 'z') || *e == '%')
		e++;
	return *e == '\0';
}

/* px: the value as whole pixels ("1px", "0"), or -1. */
static int
px(const char *v)
{
	int zero;
	long iv;
	const char *e = number(v, &zero, &iv);

	if (e == NULL)
		return -1;
	if (strcmp(e, "px") == 0 || (*e == '\0' && zero))
		return (int)iv;
	return -1;
}

int
rf__html_dimension(const char *v)
{
	int zero;
	long iv;
	const char *e;

	if (v == NULL)
		return -1;
	while (is_space((unsigned char)*v))
		v++;
	e = number(v, &zero, &iv);
	if (e == NULL)
		return -1;
	while (is_space((unsigned char)*e))
		e++;
	if (*e == '%')
		return -1;
	return (int)iv;
}

/* style_decl: fold one declaration into st. */
static void
style_decl(const struct decl *d, struct rf__css_style *st)
{
	char v[CSS_VALUE_MAX];

	if (d->prop == d->prop_end || value_norm(d, v) != 0)
		return;
	if (prop_is(d, "display"))
		st->display_none = strcmp(v, "none") == 0;
	else if (prop_is(d, "visibility"))
		st->invisible = strcmp(v, "hidden") == 0 ||
		    strcmp(v, "collapse") == 0;
	else if (prop_is(d, "opacity"))
		st->opacity0 = is_zero(v);
	else if (prop_is(d, "font-size"))
		st->font0 = is_zero(v);
	else if (prop_is(d, "width")) {
		st->width0 = is_zero(v);
		st->width = px(v);
		st->width_set = 1;
	} else if (prop_is(d, "height")) {
		st->height0 = is_zero(v);
		st->height = px(v);
		st->height_set = 1;
	} else if (prop_is(d, "max-width"))
		st->maxw0 = is_zero(v);
	else if (prop_is(d, "max-height"))
		st->maxh0 = is_zero(v);
	else if (prop_is(d, "overflow") || prop_is(d, "overflow-x") ||
	    prop_is(d, "overflow-y"))
		st->overflow_hidden = strncmp(v, "hidden", 6) == 0 ||
		    strncmp(v, "clip", 4) == 0;
}

/* url_at: p just after "url("; the URL's bounds in *s, *e, and the byte
 * to continue from. */
static const char *
url_at(const char *p, const char *end, const char **s, const char **e)
{
	while (p < end && is_space((unsigned char)*p))
		p++;
	if (p < end && (*p == '"' || *p == '\'')) {
		const char *q = skip_string(p, end);

		*s = p + 1;
		*e = (q > *s && q[-1] == *p) ? q - 1 : q;
		p = q;
		while (p < end && *p != ')')
			p++;
		return p < end ? p + 1 : end;
	}
	*s = p;
	while (p < end && *p != ')')
		p++;
	*e = p;
	trim(s, e);
	return p < end ? p + 1 : end;
}

/* decl_urls: every url() in d's value, and the string of an @import. */
static rf_status
decl_urls(const struct decl *d, rf__css_url_fn fn, void *arg)
{
	const char *p = d->val, *end = d->val_end, *s, *e;
	int bg = d->prop_end - d->prop >= 10 &&
	    strncasecmp(d->prop, "background", 10) == 0;
	rf_status st;

	if (d->prop == d->prop_end && end - p > 7 &&
	    strncasecmp(p, "@import", 7) == 0) {
		for (p += 7; p < end && is_space((unsigned char)*p); p++)
			;
		if (p < end && (*p == '"' || *p == '\'')) {
			e = skip_string(p, end);
			s = p + 1;
			if (e > s && e[-1] == *p)
				e--;
			if (e > s && (st = fn(arg, s, (size_t)(e - s), 0)))
				return st;
		}
	}
	while (p + 4 <= end) {
		if ((*p == 'u' || *p == 'U') && strncasecmp(p, "url(", 4) == 0 &&
		    (p == d->val || !is_ident((unsigned char)p[-1]))) {
			p = url_at(p + 4, end, &s, &e);
			if (e > s && (st = fn(arg, s, (size_t)(e - s), bg)))
				return st;
			continue;
		}
		if (*p == '/' && p[1] == '*') {
			p = skip_comment(p, end);
			continue;
		}
		p++;
	}
	return RF_OK;
}

/* may_have_urls: whether css could hold a url() or an @import string:
 * with neither a '(' nor an '@' it holds none (one byte search is much
 * cheaper than reading the declarations). */
static int
may_have_urls(const char *css, size_t len)
{
	return rf__span_until(css, 0, len, '(', '@', '(', '@') < len;
}

rf_status
rf__css_read(const char *css, size_t len, struct rf__css_style *st,
	     rf__css_url_fn fn, void *arg)
{
	const char *p, *end;
	struct decl d;
	rf_status rc;

	if (st != NULL) {
		memset(st, 0, sizeof(*st));
		st->width = st->height = -1;
	}
	if (len == 0 || (st == NULL && (fn == NULL ||
	    !may_have_urls(css, len))))
		return RF_OK;
	p = css;
	end = css + len;
	while (p < end) {
		p = decl_next(p, end, &d);
		if (st != NULL)
			style_decl(&d, st);
		if (fn != NULL && (rc = decl_urls(&d, fn, arg)) != RF_OK)
			return rc;
	}
	if (st != NULL)
		st->hidden = st->display_none || st->invisible ||
		    st->opacity0 || st->font0 ||
		    ((st->width0 || st->height0 || st->maxw0 || st->maxh0) &&
		    st->overflow_hidden);
	return RF_OK;
}
