/*
 * url_fast.c - the fast path of rf_url_analyse.
 *
 * Most URLs in mail are already in the form that the full way of url.c
 * (clean, rebuild, uriparser's normalisation) would give them back:
 * "http://" or "https://", a lower-case host name, and a path, query and
 * fragment that need no escaping and hold no escape uriparser would
 * change.  fast_form proves that with a strict check of the bytes; such
 * a URL skips the copies, the host conversion and uriparser, and only its
 * registrable domain is looked up.  Anything it is not sure of takes the
 * full way.  tests/unit/test_url_fast.c compares both ways on many
 * generated URLs; docs/url.md ("Fast path") lists the rules.
 */
#include <string.h>

#include "internal.h"

/* fast_alnum: an ASCII letter or digit. */
static int
fast_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* fast_unres: c is an RFC 3986 unreserved byte (uriparser decodes its
 * escape). */
static int
fast_unres(int c)
{
	return fast_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* fast_keep: c is a byte url.c's put_enc keeps as it is after the host
 * of a special URL (unreserved, sub-delims, ":@/?"), '#' and '%' and
 * '\' excepted (the caller looks at those). */
static int
fast_keep(int c)
{
	static const unsigned char keep[256] = {
		['-'] = 1, ['.'] = 1, ['_'] = 1, ['~'] = 1, ['!'] = 1,
		['$'] = 1, ['&'] = 1, ['\''] = 1, ['('] = 1, [')'] = 1,
		['*'] = 1, ['+'] = 1, [','] = 1, [';'] = 1, ['='] = 1,
		[':'] = 1, ['@'] = 1, ['/'] = 1, ['?'] = 1,
	};

	return fast_alnum(c) || keep[c & 255];
}

/* fast_hex: the value of an upper-case hexadecimal digit c, else -1. */
static int
fast_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* fast_dots: the path segment after the '/' at s, up to e, is "." or
 * ".." (uriparser would remove it). */
static int
fast_dots(const char *url, size_t s, size_t e)
{
	return url[s] == '/' && ((e - s == 2 && url[s + 1] == '.') ||
	    (e - s == 3 && url[s + 1] == '.' && url[s + 2] == '.'));
}

/*
 * fast_form: 1 when url[0..n) is in normal form, with the host at
 * [*hs, *he); 0 when it must take the full way.  Checked: at most
 * RF__URL_MAX bytes; scheme "http" or "https" in lower case followed by
 * exactly "//"; a host of non-empty labels of [a-z0-9_-], none starting
 * "xn--", the last starting with a letter (so no IPv4 form), no trailing
 * dot, no port, no userinfo; after it only bytes put_enc keeps (no byte
 * below '!' or above '~', no '\'), one '#' at most, escapes "%XY" with
 * upper-case hex digits that do not encode an unreserved byte, and no
 * "." or ".." segment in the path.
 */
static int
fast_form(const char *url, size_t n, size_t *hs, size_t *he)
{
	size_t i, seg, label;
	int c, frag = 0, path = 1, h1, h2;

	if (n > RF__URL_MAX)
		return 0;
	if (n > 7 && memcmp(url, "http://", 7) == 0)
		i = 7;
	else if (n > 8 && memcmp(url, "https://", 8) == 0)
		i = 8;
	else
		return 0;
	*hs = i;
	/* label: the start of the current label, 0 before its first byte */
	for (label = 0; i < n; i++) {
		c = (unsigned char)url[i];
		if (c == '.') {
			if (label == 0)
				return 0;	/* an empty label */
			label = 0;
			continue;
		}
		if (c == '/' || c == '?' || c == '#')
			break;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_'))
			return 0;
		if (label == 0) {
			label = i;
			if (n - i >= 4 && memcmp(url + i, "xn--", 4) == 0)
				return 0;
		}
	}
	if (label == 0 || !(url[label] >= 'a' && url[label] <= 'z'))
		return 0;
	*he = i;
	for (seg = i; i < n; i++) {
		c = (unsigned char)url[i];
		if (path && (c == '/' || c == '?' || c == '#')) {
			if (i > seg && fast_dots(url, seg, i))
				return 0;
			seg = i;
			if (c != '/')
				path = 0;
		}
		if (c == '%') {
			if (n - i < 3 || (h1 = fast_hex(url[i + 1])) < 0 ||
			    (h2 = fast_hex(url[i + 2])) < 0 ||
			    fast_unres(h1 * 16 + h2))
				return 0;
			i += 2;
		} else if (c == '#') {
			if (frag)
				return 0;
			frag = 1;
		} else if (!fast_keep(c))
			return 0;
	}
	if (path && i > seg && fast_dots(url, seg, i))
		return 0;
	return 1;
}

int
rf__url_fast(const rf_ctx *ctx, rf_arena *a, rf_link *link)
{
	const char *url = link->url, *d;
	char *norm, *host, *domain = NULL;
	size_t n, hs, he;

	if (url == NULL)
		return 0;
	n = strlen(url);
	if (!fast_form(url, n, &hs, &he))
		return 0;
	/* a special URL with an empty path gets "/" */
	if (he == n || url[he] != '/') {
		if ((norm = rf_arena_alloc(a, n + 2)) == NULL)
			return -1;
		memcpy(norm, url, he);
		norm[he] = '/';
		memcpy(norm + he + 1, url + he, n - he);
	} else if ((norm = rf_arena_strndup(a, url, n)) == NULL)
		return -1;
	if ((host = rf_arena_strndup(a, url + hs, he - hs)) == NULL)
		return -1;
	d = rf__registrable_domain(ctx, host);
	if (d != NULL && (domain = rf_arena_strdup(a, d)) == NULL)
		return -1;
	link->normalized = norm;
	link->host = host;
	link->host_unicode = NULL;
	link->domain = domain;
	return 1;
}
