/*
 * url_fast.c - the fast path of rf_url_analyse.
 *
 * Most URLs in mail are already, or almost, in the form that the full way
 * of url.c (clean, rebuild, uriparser's normalisation) gives: an http or
 * https URL with a plain host name or dotted quad, or a mailto: URL, whose
 * path, query and fragment need no escaping and hold no escape uriparser
 * would change.  fast_parse proves that with a strict check of the bytes;
 * such a URL skips the copies, the host conversion and uriparser: only the
 * case of scheme and host, a default port and an empty path need fixing,
 * and the registrable domain is looked up.  Anything it is not sure of
 * takes the full way.  tests/unit/test_url_fast.c compares both ways on
 * many generated URLs; docs/url.md ("Fast path") lists the rules.
 */
#include <string.h>

#include "internal.h"
#include "url_bytes.h"

/* F_PLAIN: the bytes kept as they are after the host, '/' and '?' aside
 * (lib/url_bytes.h, shared with url.c): url.c's is_plain (unreserved,
 * sub-delims) and ':' and '@', which put_enc keeps there. */
#define F_PLAIN (RF__UB_PLAIN | RF__UB_PCHAR)

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

/* fast_quad: url[s..e) is a dotted quad as url.c writes IPv4 addresses:
 * four decimal numbers up to 255 without leading zeros. */
static int
fast_quad(const char *url, size_t s, size_t e)
{
	unsigned v = 0;
	size_t i, d = 0, parts = 1;

	for (i = s; i < e; i++) {
		if (url[i] == '.') {
			if (d == 0 || ++parts > 4)
				return 0;
			d = v = 0;
		} else if (url[i] >= '0' && url[i] <= '9') {
			if (d > 0 && v == 0)
				return 0;	/* a leading zero */
			v = v * 10 + (unsigned)(url[i] - '0');
			if (++d > 3 || v > 255)
				return 0;
		} else
			return 0;
	}
	return parts == 4 && d > 0;
}

/* fast_xn: the host label url[s..e) starts "xn--" in any case (url.c
 * would decode it for host_unicode). */
static int
fast_xn(const char *url, size_t s, size_t e)
{
	return rf__prefix_ci(url + s, e - s, "xn--");
}

/*
 * fast_host: the host from url[s], up to the first byte before e that is
 * neither [A-Za-z0-9_-] nor '.' (*end), needs nothing but lower case:
 * non-empty labels, none starting "xn--", no trailing dot, and either the
 * last label starts with a letter (a name: *ip = 0) or it is a dotted
 * quad (*ip = 1).  *upper: it has upper-case letters.  0 when it needs
 * more.
 */
static int
fast_host(const char *url, size_t s, size_t e, size_t *end, int *ip,
	  int *upper)
{
	size_t i, label = s;
	int c, k, seen = 0;

	for (i = s; i < e; i++) {
		c = (unsigned char)url[i];
		k = rf__url_byte[c];
		if (k & RF__UB_HOST) {
			seen |= k;
			continue;
		}
		if (c != '.')
			break;
		if (i == label || fast_xn(url, label, i))
			return 0;
		label = i + 1;
	}
	*end = i;
	if (i == label || fast_xn(url, label, i))
		return 0;
	c = url[label] | 0x20;
	*ip = !(c >= 'a' && c <= 'z');
	*upper = (seen & RF__UB_UPPER) != 0;
	return !*ip || fast_quad(url, s, i);
}

/* fast_dots: the path segment url[s..e) is "." or ".." (uriparser would
 * remove it). */
static int
fast_dots(const char *url, size_t s, size_t e)
{
	return (e - s == 1 && url[s] == '.') ||
	    (e - s == 2 && url[s] == '.' && url[s + 1] == '.');
}

/*
 * fast_rest: url[i..n), the path, query and fragment, is kept as it is by
 * put_enc and uriparser: only bytes put_enc keeps (no byte below '!' or
 * above '~', no '\'), one '#' at most, escapes "%XY" with upper-case hex
 * digits that do not encode an unreserved byte, no "." or ".." path
 * segment; with opaque set (mailto:) no '/' in the path.
 */
static int
fast_rest(const char *url, size_t i, size_t n, int opaque)
{
	size_t seg = i;
	int c, frag = 0, path = 1, h1, h2;

	for (; i < n; i++) {
		c = (unsigned char)url[i];
		if (rf__url_byte[c] & F_PLAIN)
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
				if (fast_dots(url, seg, i) ||
				    (opaque && c == '/'))
					return 0;
				seg = i + 1;
				path = c == '/';
			}
			break;
		case '%':
			if (n - i < 3 || (h1 = fast_hex(url[i + 1])) < 0 ||
			    (h2 = fast_hex(url[i + 2])) < 0 ||
			    (rf__url_byte[h1 * 16 + h2] & RF__UB_UNRES))
				return 0;
			i += 2;
			break;
		default:
			return 0;
		}
	}
	return !(path && fast_dots(url, seg, n));
}

/* What fast_parse found: the normalised URL is lower(url[0..he)) without
 * the port (or prefix, then lower(url[hs..he)) for a "www." form), then
 * url[he..pe) when the port is kept, "/" when slash is set, url[rest..n).
 * For mailto: the host is the first address's, for its domain only. */
struct fast {
	const char *prefix;	/* "http://" for a "www." form, else NULL */
	size_t hs, he;		/* the host */
	size_t pe;		/* the end of ":port" after he */
	size_t rest;		/* path, query, fragment */
	int keep_port, slash, ip, upper, mailto;
};

/* fast_mailto: fast_parse for "mailto:" (7 bytes) URLs. */
static int
fast_mailto(const char *url, size_t n, struct fast *f)
{
	size_t e, at, end;

	f->mailto = 1;
	f->rest = 7;
	if (!fast_rest(url, 7, n, 1))
		return 0;
	/* the first address ends at '?', ',' or '#'; its host follows the
	 * last '@' before */
	for (e = 7; e < n && url[e] != '?' && url[e] != ',' && url[e] != '#';
	    e++)
		;
	for (at = e; at > 7 && url[at - 1] != '@'; at--)
		;
	if (at == 7 || at == e)
		return 0;
	f->hs = at;
	f->he = e;
	return fast_host(url, at, e, &end, &f->ip, &f->upper) && end == e;
}

/*
 * fast_parse: 1 when url[0..n) takes the fast path, described in *f; 0
 * when it must take the full way.  http and https URLs (scheme in any
 * case, exactly "//") and "www." forms: at most RF__URL_MAX bytes, a host
 * fast_host takes, no userinfo, a port of one to five digits without a
 * leading zero up to 65535 (dropped when it is the scheme's default), and
 * a rest fast_rest takes.  mailto: URLs: a rest without '/' in the path
 * and a first address whose host fast_host takes.
 */
static int
fast_parse(const char *url, size_t n, struct fast *f)
{
	const char *dport = "80";
	size_t i, v = 0;

	memset(f, 0, sizeof(*f));
	if (n > RF__URL_MAX || n < 4)
		return 0;
	switch (url[0] | 0x20) {
	case 'h':
		if (n > 7 && (memcmp(url, "http://", 7) == 0 ||
		    rf__prefix_ci(url, n, "http://")))
			f->hs = 7;
		else if (n > 8 && (memcmp(url, "https://", 8) == 0 ||
		    rf__prefix_ci(url, n, "https://"))) {
			f->hs = 8;
			dport = "443";
		} else
			return 0;
		break;
	case 'w':
		if (!rf__prefix_ci(url, n, "www."))
			return 0;
		f->prefix = "http://";
		break;
	case 'm':
		return rf__prefix_ci(url, n, "mailto:") &&
		    fast_mailto(url, n, f);
	default:
		return 0;
	}
	if (!fast_host(url, f->hs, n, &i, &f->ip, &f->upper))
		return 0;
	f->he = f->pe = i;
	if (i < n && url[i] == ':') {
		for (i++; i < n && url[i] >= '0' && url[i] <= '9'; i++)
			v = v * 10 + (unsigned)(url[i] - '0');
		if (i - f->he < 2 || i - f->he > 6 || url[f->he + 1] == '0' ||
		    v > 65535)
			return 0;
		f->pe = i;
		f->keep_port = !(i - f->he - 1 == strlen(dport) &&
		    memcmp(url + f->he + 1, dport, i - f->he - 1) == 0);
	}
	if (i < n && url[i] != '/' && url[i] != '?' && url[i] != '#')
		return 0;
	f->rest = i;
	f->slash = i == n || url[i] != '/';
	return fast_rest(url, i, n, 0);
}

int
rf__url_fast(const rf_ctx *ctx, rf_arena *a, rf_link *link)
{
	const char *url = link->url, *d;
	char *norm, *host, *domain = NULL;
	size_t n, o = 0, i;
	struct fast f;

	if (url == NULL)
		return 0;
	n = strlen(url);
	if (!fast_parse(url, n, &f))
		return 0;
	/* "http://" + the URL + "/" */
	if ((norm = rf_arena_alloc(a, n + 9)) == NULL ||
	    (host = rf_arena_alloc(a, f.he - f.hs + 1)) == NULL)
		return -1;
	if (f.upper)
		for (i = f.hs; i < f.he; i++)
			host[i - f.hs] =
			    (char)rf__ascii_lower((unsigned char)url[i]);
	else
		memcpy(host, url + f.hs, f.he - f.hs);
	if (f.mailto) {
		memcpy(norm, "mailto:", 7);
		memcpy(norm + 7, url + 7, n - 7);
	} else {
		if (f.prefix != NULL) {
			memcpy(norm, f.prefix, strlen(f.prefix));
			o = strlen(f.prefix);
		}
		for (i = 0; i < f.hs; i++)
			norm[o++] = (char)rf__ascii_lower(
			    (unsigned char)url[i]);
		memcpy(norm + o, host, f.he - f.hs);
		o += f.he - f.hs;
		if (f.keep_port) {
			memcpy(norm + o, url + f.he, f.pe - f.he);
			o += f.pe - f.he;
		}
		if (f.slash)
			norm[o++] = '/';
		memcpy(norm + o, url + f.rest, n - f.rest);
	}
	if (!f.ip && (d = rf__registrable_domain(ctx, host)) != NULL &&
	    (domain = rf_arena_strdup(a, d)) == NULL)
		return -1;
	link->normalized = norm;
	link->host = f.mailto ? NULL : host;
	link->host_unicode = NULL;
	link->domain = domain;
	return 1;
}
