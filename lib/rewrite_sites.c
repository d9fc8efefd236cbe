/*
 * rewrite_sites.c - what the clean policy "sites" makes of one link
 * (rf__rewrite_site_form, lib/rewrite_int.h; rf_rewrite_collect_sites in
 * redflag/rewrite.h): its site, scheme://host/, the bare address of a
 * mailto:, or "" for what would be loaded or has no site to keep (an
 * unquoted attribute value emptied is written "" as under every policy:
 * rewrite_leaf.c, EMPTY_VALUE).  docs/tracking.md, "Policies: links,
 * known, sites"; docs/design/tracking-record.md, "The clean policy sites
 * (s19)".
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rewrite_int.h"

/* trim: s as a browser reads a URL (WHATWG URL): without the bytes up to
 * the space that surround it, nor TAB, CR, LF inside, into a (*n its
 * length); NULL when out of memory. */
static char *
trim(rf_arena *a, const char *s, size_t *n)
{
	size_t b = 0, e = strlen(s), i, k = 0;
	char *t;

	while (b < e && (unsigned char)s[b] <= ' ')
		b++;
	while (e > b && (unsigned char)s[e - 1] <= ' ')
		e--;
	if ((t = rf_arena_alloc(a, e - b + 1)) == NULL)
		return NULL;
	for (i = b; i < e; i++)
		if (s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			t[k++] = s[i];
	t[k] = '\0';
	*n = k;
	return t;
}

/* special: the scheme t[0..sl) is one whose URLs a browser reads with a
 * host whatever the slashes after "scheme:" ("http:\\host",
 * "http:host", "http:///host" are http://host): http, https, ftp, ws,
 * wss (WHATWG URL's special schemes but file, which has no site). */
static int
special(const char *t, size_t sl)
{
	static const char *const names[] = { "http", "https", "ftp", "ws",
	    "wss" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == sl && strncasecmp(t, names[i], sl) == 0)
			return 1;
	return 0;
}

/* is_site: t (trimmed) is already site, or site without its final '/'. */
static int
is_site(const char *t, size_t n, const char *site)
{
	size_t sl = strlen(site);

	return (n == sl || n + 1 == sl) && strncmp(t, site, n) == 0;
}

/* reads_inside: the text reader (rf_url_extract_text) reads a URL in s
 * that starts after its first byte: "(www.b.example/", the site of
 * "www.a@(www.b.example" (its user info dropped); written in place of
 * the link, that would be a link the input did not have. */
static int
reads_inside(const char *s)
{
	size_t n = strlen(s), i = 0, b, e;

	while (rf__url_text_next(s, n, &i, &b, &e))
		if (b > 0)
			return 1;
	return 0;
}

/* join: a[0..an) b[0..bn) c[0..cn) into one string of arena ar; NULL
 * when out of memory. */
static char *
join(rf_arena *ar, const char *a, size_t an, const char *b, size_t bn,
     const char *c, size_t cn)
{
	char *s = rf_arena_alloc(ar, an + bn + cn + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, a, an);
	memcpy(s + an, b, bn);
	memcpy(s + an + bn, c, cn);
	s[an + bn + cn] = '\0';
	return s;
}

/* host_site: the site of the trimmed t (n bytes, scheme sl bytes long)
 * when it has a host, in a (scheme and "//" as written, "//" for a
 * special scheme, host as written, "/"); "" when it has none; NULL when
 * out of memory. */
static const char *
host_site(rf_arena *a, const char *t, size_t n, size_t sl)
{
	struct rf__url u;
	size_t i, pre;

	if (sl > 0 && special(t, sl)) {
		/* scheme, then any slashes and backslashes: "scheme://" */
		for (i = sl + 1; i < n && (t[i] == '/' || t[i] == '\\'); i++)
			;
		if ((t = join(a, t, sl, "://", 3, t + i, n - i)) == NULL)
			return NULL;
		n = sl + 3 + (n - i);
	}
	rf__url_split(t, n, &u);
	if (!u.has_auth || u.host_len == 0)
		return "";
	pre = u.has_ui ? u.ui_off : u.host_off;	/* scheme and "//" */
	return join(a, t, pre, t + u.host_off, u.host_len, "/", 1);
}

int
rf__rewrite_site_form(rf_arena *a, const rf_link *l, const char **to)
{
	int load = l->kind == RF_LINK_IMG || l->kind == RF_LINK_CSS;
	const char *src = l->url, *site;
	char *t, *u;
	size_t n, un, sl, q;

	*to = NULL;
	if ((u = trim(a, l->url, &un)) == NULL)
		return -1;
	if (un == 0)
		return RF__SITE_NONE;	/* nothing to load or follow */
	if (l->kind == RF_LINK_FORM) {
		/* the form's fields go wherever it is sent */
		*to = "";
		return RF__SITE_EMPTY;
	}
	if (l->tracking && l->clean != NULL) {
		if (l->clean[0] == '\0') {	/* a web bug */
			*to = "";
			return load ? RF__SITE_IMAGE : RF__SITE_EMPTY;
		}
		src = l->clean;	/* codes in host labels taken out,
				 * redirects unwrapped */
	}
	if ((t = trim(a, src, &n)) == NULL)
		return -1;
	sl = rf__url_scheme_len(t, n);
	if (sl == 6 && strncasecmp(t, "mailto", 6) == 0) {
		if (load) {
			*to = "";
			return RF__SITE_IMAGE;
		}
		for (q = sl + 1; q < n && t[q] != '?' && t[q] != '#'; q++)
			;
		if ((site = rf_arena_strndup(a, t, q)) == NULL)
			return -1;
		if (strcmp(site, u) == 0)
			return RF__SITE_NONE;
		*to = site;
		return RF__SITE_ADDR;
	}
	if (sl == 0 && t[0] == '#')
		return RF__SITE_NONE;	/* a place in the message itself */
	if ((site = host_site(a, t, n, sl)) == NULL)
		return -1;
	if (site[0] != '\0') {
		if (load) {
			*to = "";
			return RF__SITE_IMAGE;
		}
		if (is_site(u, un, site))
			return RF__SITE_NONE;
		if (reads_inside(site)) {
			*to = "";	/* no site to keep */
			return RF__SITE_EMPTY;
		}
		*to = site;
		return RF__SITE_LINK;
	}
	/* no host: relative (a <base> may make it remote), or a scheme that
	 * has one yet none is written; any other scheme (cid:, data:, tel:)
	 * loads and tells nothing */
	if (sl == 0 || special(t, sl)) {
		*to = "";
		return load ? RF__SITE_IMAGE : RF__SITE_EMPTY;
	}
	return RF__SITE_NONE;
}
