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

/* Byte classes of the fast path. */
enum {
	F_HOST = 1,	/* kept in a host label: [a-z0-9_-] */
	F_PLAIN = 2,	/* kept as it is after the host, '/' and '?' aside:
			 * unreserved, sub-delims, ':' and '@' (put_enc) */
	F_UNRES = 4,	/* unreserved: uriparser decodes its escape */
};

/* F_ALNUM: the classes of a lower-case letter or a digit. */
#define F_ALNUM (F_HOST | F_PLAIN | F_UNRES)

static const unsigned char cls[256] = {
	['a'] = F_ALNUM, ['b'] = F_ALNUM, ['c'] = F_ALNUM, ['d'] = F_ALNUM,
	['e'] = F_ALNUM, ['f'] = F_ALNUM, ['g'] = F_ALNUM, ['h'] = F_ALNUM,
	['i'] = F_ALNUM, ['j'] = F_ALNUM, ['k'] = F_ALNUM, ['l'] = F_ALNUM,
	['m'] = F_ALNUM, ['n'] = F_ALNUM, ['o'] = F_ALNUM, ['p'] = F_ALNUM,
	['q'] = F_ALNUM, ['r'] = F_ALNUM, ['s'] = F_ALNUM, ['t'] = F_ALNUM,
	['u'] = F_ALNUM, ['v'] = F_ALNUM, ['w'] = F_ALNUM, ['x'] = F_ALNUM,
	['y'] = F_ALNUM, ['z'] = F_ALNUM,
	['0'] = F_ALNUM, ['1'] = F_ALNUM, ['2'] = F_ALNUM, ['3'] = F_ALNUM,
	['4'] = F_ALNUM, ['5'] = F_ALNUM, ['6'] = F_ALNUM, ['7'] = F_ALNUM,
	['8'] = F_ALNUM, ['9'] = F_ALNUM,
	['A'] = F_PLAIN | F_UNRES, ['B'] = F_PLAIN | F_UNRES,
	['C'] = F_PLAIN | F_UNRES, ['D'] = F_PLAIN | F_UNRES,
	['E'] = F_PLAIN | F_UNRES, ['F'] = F_PLAIN | F_UNRES,
	['G'] = F_PLAIN | F_UNRES, ['H'] = F_PLAIN | F_UNRES,
	['I'] = F_PLAIN | F_UNRES, ['J'] = F_PLAIN | F_UNRES,
	['K'] = F_PLAIN | F_UNRES, ['L'] = F_PLAIN | F_UNRES,
	['M'] = F_PLAIN | F_UNRES, ['N'] = F_PLAIN | F_UNRES,
	['O'] = F_PLAIN | F_UNRES, ['P'] = F_PLAIN | F_UNRES,
	['Q'] = F_PLAIN | F_UNRES, ['R'] = F_PLAIN | F_UNRES,
	['S'] = F_PLAIN | F_UNRES, ['T'] = F_PLAIN | F_UNRES,
	['U'] = F_PLAIN | F_UNRES, ['V'] = F_PLAIN | F_UNRES,
	['W'] = F_PLAIN | F_UNRES, ['X'] = F_PLAIN | F_UNRES,
	['Y'] = F_PLAIN | F_UNRES, ['Z'] = F_PLAIN | F_UNRES,
	['-'] = F_HOST | F_PLAIN | F_UNRES, ['_'] = F_HOST | F_PLAIN | F_UNRES,
	['.'] = F_PLAIN | F_UNRES, ['~'] = F_PLAIN | F_UNRES,
	['!'] = F_PLAIN, ['$'] = F_PLAIN, ['&'] = F_PLAIN, ['\''] = F_PLAIN,
	['('] = F_PLAIN, [')'] = F_PLAIN, ['*'] = F_PLAIN, ['+'] = F_PLAIN,
	[','] = F_PLAIN, [';'] = F_PLAIN, ['='] = F_PLAIN, [':'] = F_PLAIN,
	['@'] = F_PLAIN,
};

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

/* fast_label: the host label url[s..e) is not empty and does not start
 * "xn--" (url.c would decode it for host_unicode). */
static int
fast_label(const char *url, size_t s, size_t e)
{
	return e > s && !(e - s >= 4 && memcmp(url + s, "xn--", 4) == 0);
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
	for (label = i; i < n; i++) {
		c = (unsigned char)url[i];
		if (cls[c] & F_HOST)
			continue;
		if (c != '.')
			break;
		if (!fast_label(url, label, i))
			return 0;
		label = i + 1;
	}
	if (!fast_label(url, label, i) || !(url[label] >= 'a' &&
	    url[label] <= 'z') || (i < n && url[i] != '/' && url[i] != '?' &&
	    url[i] != '#'))
		return 0;
	*he = i;
	for (seg = i; i < n; i++) {
		c = (unsigned char)url[i];
		if (cls[c] & F_PLAIN)
			continue;
		switch (c) {
		case '#':
			if (frag)
				return 0;
			frag = 1;
			/* FALLTHROUGH */
		case '?':
		case '/':
			if (path) {
				if (fast_dots(url, seg, i))
					return 0;
				seg = i;
				path = c == '/';
			}
			break;
		case '%':
			if (n - i < 3 || (h1 = fast_hex(url[i + 1])) < 0 ||
			    (h2 = fast_hex(url[i + 2])) < 0 ||
			    (cls[h1 * 16 + h2] & F_UNRES))
				return 0;
			i += 2;
			break;
		default:
			return 0;
		}
	}
	if (path && fast_dots(url, seg, i))
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
