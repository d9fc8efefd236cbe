/*
 * url.c - URL normalisation: the URL is first made well-formed the way a
 * browser reads it (space and controls, slashes, host: percent-decoded,
 * IDN to A-label, numeric IPv4 forms, IPv6), then parsed and normalised by
 * uriparser; libpsl gives the registrable domain.  docs/url.md describes
 * every step.  Nothing is fetched or resolved.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <idn2.h>
#include <uriparser/Uri.h>
#include <xxhash.h>

#include "internal.h"
#include "url_bytes.h"

static rf_status url_analyse(const rf_ctx *ctx, rf_arena *a, rf_link *link,
			     rf_error *err);

/* Results of the helpers below. */
enum { U_OK = 0, U_BAD = 1, U_NOMEM = -1 };

/* A host name after conversion. */
struct host {
	char *ascii;		/* A-label, lower case, in the arena */
	char *unicode;		/* U-label form when it differs, or NULL */
	int ip;			/* 4 or 6 for IP literals, else 0 */
};

/* Scratch memory of one analysis (heap, freed at the end). */
struct work {
	char *clean;		/* url without outer space and TAB/CR/LF */
	size_t len;
	char *out;		/* the rebuilt URL handed to uriparser */
	size_t olen, ocap;
	char *tmp;		/* a percent-decoded host */
};

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* is_pct: s[i] starts a valid %XX escape within n bytes. */
static int
is_pct(const char *s, size_t i, size_t n)
{
	return s[i] == '%' && i + 2 < n &&
	    rf__hexval((unsigned char)s[i + 1]) >= 0 &&
	    rf__hexval((unsigned char)s[i + 2]) >= 0;
}

/* RFC 3986 unreserved and sub-delims: allowed everywhere but the scheme
 * (lib/url_bytes.h, the table url_fast.c uses too). */
static int
is_plain(int c)
{
	return (rf__url_byte[c & 255] & RF__UB_PLAIN) != 0;
}

/* default_port: the port a special scheme uses, or NULL for schemes
 * without the authority rules of browsers. */
static const char *
default_port(const char *scheme, size_t n)
{
	static const struct {
		const char *name, *port;
	} sp[] = {
		{ "http", "80" }, { "https", "443" }, { "ftp", "21" },
		{ "ws", "80" }, { "wss", "443" },
	};
	size_t i;

	for (i = 0; i < sizeof(sp) / sizeof(sp[0]); i++)
		if (strlen(sp[i].name) == n &&
		    memcmp(sp[i].name, scheme, n) == 0)
			return sp[i].port;
	return NULL;
}

/*
 * ipv4: the WHATWG IPv4 parser.  h is a lower-case host without trailing
 * dot.  Returns 0 when the host does not end in a number (a name), 1 with
 * the dotted quad in out when it is an IPv4 address in any of the decimal,
 * octal, hexadecimal or short forms, -1 when it ends in a number but is
 * no valid address.
 */
static int
ipv4(const char *h, char out[16])
{
	const char *last, *p, *e;
	uint64_t part[4], v, ip;
	size_t n = 0, i;
	int base, d;

	last = strrchr(h, '.');
	last = last != NULL ? last + 1 : h;
	for (p = last; is_digit((unsigned char)*p); p++)
		;
	if (*last == '\0' ||
	    (*p != '\0' && !(last[0] == '0' && last[1] == 'x')))
		return 0;
	if (*p != '\0')
		for (p = last + 2; *p != '\0'; p++)
			if (rf__hexval((unsigned char)*p) < 0)
				return 0;
	for (p = h;; p = e + 1) {
		e = strchr(p, '.');
		if (e == NULL)
			e = p + strlen(p);
		if (e == p || n == 4)
			return -1;
		base = 10;
		if (e - p >= 2 && p[0] == '0' && p[1] == 'x') {
			base = 16;
			p += 2;
		} else if (e - p >= 2 && p[0] == '0') {
			base = 8;
			p++;
		}
		for (v = 0; p < e; p++) {
			d = rf__hexval((unsigned char)*p);
			if (d < 0 || d >= base)
				return -1;
			v = v * (unsigned)base + (unsigned)d;
			if (v > 0xffffffffu)
				return -1;
		}
		part[n++] = v;
		if (*e == '\0')
			break;
	}
	for (i = 0; i + 1 < n; i++)
		if (part[i] > 255)
			return -1;
	if (part[n - 1] >= (uint64_t)1 << (8 * (5 - n)))
		return -1;
	ip = part[n - 1];
	for (i = 0; i + 1 < n; i++)
		ip += part[i] << (8 * (3 - i));
	snprintf(out, 16, "%u.%u.%u.%u", (unsigned)(ip >> 24) & 255,
	    (unsigned)(ip >> 16) & 255, (unsigned)(ip >> 8) & 255,
	    (unsigned)ip & 255);
	return 1;
}

/* to_unicode: h->unicode from an A-label host with xn-- labels. */
static int
to_unicode(rf_arena *a, struct host *h)
{
	const char *p = h->ascii;
	char *u = NULL;
	int rc;

	while (p != NULL && strncmp(p, "xn--", 4) != 0) {
		p = strchr(p, '.');
		if (p != NULL)
			p++;
	}
	if (p == NULL)
		return U_OK;
	rc = idn2_to_unicode_8z8z(h->ascii, &u, 0);
	if (rc == IDN2_MALLOC)
		return U_NOMEM;
	if (rc == IDN2_OK && strcmp(u, h->ascii) != 0) {
		h->unicode = rf_arena_strdup(a, u);
		if (h->unicode == NULL) {
			idn2_free(u);
			return U_NOMEM;
		}
	}
	idn2_free(u);
	return U_OK;
}

/* to_ascii: the A-label form of a UTF-8 host, non-transitional UTS #46
 * processing first, transitional as fallback. */
static int
to_ascii(rf_arena *a, const char *u8, char **out)
{
	char *o = NULL;
	int rc;

	rc = idn2_to_ascii_8z(u8, &o, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
	if (rc != IDN2_OK && rc != IDN2_MALLOC)
		rc = idn2_to_ascii_8z(u8, &o,
		    IDN2_TRANSITIONAL | IDN2_NFC_INPUT);
	if (rc == IDN2_MALLOC)
		return U_NOMEM;
	if (rc != IDN2_OK)
		return U_BAD;
	*out = rf_arena_strdup(a, o);
	idn2_free(o);
	return *out != NULL ? U_OK : U_NOMEM;
}

/*
 * host_convert: the host s[0..n) (between "//" or userinfo and the port;
 * with brackets for IPv6) as struct host.  tmp has room for n + 1 bytes.
 * Returns U_OK, U_BAD (no valid host) or U_NOMEM.
 */
static int
host_convert(rf_arena *a, const char *s, size_t n, char *tmp,
	     struct host *h)
{
	unsigned char bin[16];
	char txt[INET6_ADDRSTRLEN], quad[16];
	size_t i, m = 0;
	int high = 0, rc;

	memset(h, 0, sizeof(*h));
	if (n > 0 && s[0] == '[') {
		if (n < 3 || s[n - 1] != ']' || n - 2 >= sizeof(txt))
			return U_BAD;
		memcpy(txt, s + 1, n - 2);
		txt[n - 2] = '\0';
		if (inet_pton(AF_INET6, txt, bin) != 1 ||
		    inet_ntop(AF_INET6, bin, txt, sizeof(txt)) == NULL)
			return U_BAD;
		h->ip = 6;
		h->ascii = rf_arena_printf(a, "[%s]", txt);
		return h->ascii != NULL ? U_OK : U_NOMEM;
	}
	for (i = 0; i < n; i++) {
		if (is_pct(s, i, n)) {
			tmp[m++] = (char)rf__ascii_lower(16 *
			    rf__hexval((unsigned char)s[i + 1]) +
			    rf__hexval((unsigned char)s[i + 2]));
			i += 2;
		} else
			tmp[m++] = (char)rf__ascii_lower((unsigned char)s[i]);
		if ((unsigned char)tmp[m - 1] >= 0x80)
			high = 1;
		else if (tmp[m - 1] == '\0')
			return U_BAD;
	}
	tmp[m] = '\0';
	if (high) {
		if ((rc = to_ascii(a, tmp, &h->ascii)) != U_OK)
			return rc;
		for (i = 0; h->ascii[i] != '\0'; i++)
			h->ascii[i] = (char)rf__ascii_lower(
			    (unsigned char)h->ascii[i]);
	} else if ((h->ascii = rf_arena_strndup(a, tmp, m)) == NULL)
		return U_NOMEM;
	m = strlen(h->ascii);
	if (m > 0 && h->ascii[m - 1] == '.')
		h->ascii[--m] = '\0';
	if (m == 0)
		return U_BAD;
	for (i = 0; i < m; i++)
		if (!is_plain((unsigned char)h->ascii[i]))
			return U_BAD;
	switch (ipv4(h->ascii, quad)) {
	case -1:
		return U_BAD;
	case 1:
		h->ip = 4;
		h->ascii = rf_arena_strdup(a, quad);
		return h->ascii != NULL ? U_OK : U_NOMEM;
	}
	return to_unicode(a, h);
}

/* put_enc: append s[0..n) to w->out, percent-encoding what RFC 3986 does
 * not allow (keep: also allowed besides unreserved and sub-delims, e.g.
 * ":@/?"); valid escapes are kept; '#' is allowed once, "\\" becomes "/"
 * before the query when slash is set. */
static void
put_enc(struct work *w, const char *s, size_t n, const char *keep,
	int slash)
{
	static const char hex[] = "0123456789ABCDEF";
	int c, frag = 0, query = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (is_pct(s, i, n)) {
			memcpy(w->out + w->olen, s + i, 3);
			w->olen += 3;
			i += 2;
			continue;
		}
		if (c == '\\' && slash && !query && !frag)
			c = '/';
		if (c == '#' && strchr(keep, '#') != NULL && !frag) {
			frag = 1;
		} else if (c == '?' && !frag) {
			query = 1;
			if (strchr(keep, '?') == NULL)
				goto escape;
		} else if (!is_plain(c) && (c == '\0' || c == '#' ||
		    strchr(keep, c) == NULL))
			goto escape;
		w->out[w->olen++] = (char)c;
		continue;
escape:
		w->out[w->olen++] = '%';
		w->out[w->olen++] = hex[c >> 4];
		w->out[w->olen++] = hex[c & 15];
	}
}

/* span: index of the first byte of s[i..n) in set (or NUL), or n. */
static size_t
span(const char *s, size_t i, size_t n, const char *set)
{
	const char *k;

	for (; i < n; i++) {
		if (s[i] == '\0')
			return i;
		for (k = set; *k != '\0'; k++)
			if (s[i] == *k)
				return i;
	}
	return i;
}

/* domain_of: *out = the registrable domain of the A-label host h (not an
 * IP address) in a, or NULL when it has none; U_OK or U_NOMEM. */
static int
domain_of(const rf_ctx *ctx, rf_arena *a, const char *h, const char **out)
{
	const char *d = rf__registrable_domain(ctx, h);

	*out = NULL;
	if (d == NULL)
		return U_OK;
	*out = rf_arena_strdup(a, d);
	return *out != NULL ? U_OK : U_NOMEM;
}

/* mailto_domain: the registrable domain of the first address in the
 * body of a mailto: URL (s[0..n), after "mailto:"). */
static int
mailto_domain(const rf_ctx *ctx, rf_arena *a, struct work *w,
	      const char *s, size_t n, const char **domain)
{
	struct host h;
	size_t e = span(s, 0, n, "?,#"), at;
	int rc;

	for (at = e; at > 0 && s[at - 1] != '@'; at--)
		;
	if (at == 0 || at == e)
		return U_OK;
	rc = host_convert(a, s + at, e - at, w->tmp, &h);
	if (rc == U_NOMEM)
		return U_NOMEM;
	if (rc == U_OK && h.ip == 0)
		return domain_of(ctx, a, h.ascii, domain);
	return U_OK;
}

/*
 * rebuild: w->out from w->clean: scheme lower case, authority with the
 * converted host and without the default port, the rest percent-encoded
 * where needed.  Fills h (host.ascii NULL when there is none) and, for
 * mailto:, *domain.  Returns U_OK, U_BAD or U_NOMEM.
 */
static int
rebuild(const rf_ctx *ctx, rf_arena *a, struct work *w, struct host *h,
	const char **domain)
{
	const char *c = w->clean, *port = NULL, *dport = NULL;
	size_t n = w->len, i = 0, slen = 0, as, ae, at, hs, he, ps = 0, m;
	char *p;
	int special = 0, rc;

	memset(h, 0, sizeof(*h));
	if (!rf__prefix_ci(c, n, "www.") && n > 0 &&
	    is_alpha((unsigned char)c[0])) {
		for (i = 1; i < n && (is_alpha((unsigned char)c[i]) ||
		    is_digit((unsigned char)c[i]) || c[i] == '+' ||
		    c[i] == '-' || c[i] == '.'); i++)
			;
		if (i < n && c[i] == ':')
			slen = i;
	}
	if (slen > 0) {
		for (i = 0; i < slen; i++)
			w->out[w->olen++] = (char)rf__ascii_lower(
			    (unsigned char)c[i]);
		w->out[w->olen++] = ':';
		dport = default_port(w->out, slen);
		special = dport != NULL;
		i = slen + 1;
	} else if (rf__prefix_ci(c, n, "www.") || rf__prefix_ci(c, n, "//")) {
		memcpy(w->out, "http:", 5);
		w->olen = 5;
		dport = "80";
		special = 1;
	} else {
		/* a relative reference: no host */
		put_enc(w, c, n, ":@/?#", 0);
		return U_OK;
	}
	if (special) {
		while (i < n && (c[i] == '/' || c[i] == '\\'))
			i++;
		as = i;
		ae = span(c, as, n, "/\\?#");
	} else if (n - i >= 2 && c[i] == '/' && c[i + 1] == '/') {
		as = i + 2;
		ae = span(c, as, n, "/?#");
	} else {
		if (slen == 6 && memcmp(w->out, "mailto", 6) == 0 &&
		    (rc = mailto_domain(ctx, a, w, c + i, n - i, domain)) !=
		    U_OK)
			return rc;
		put_enc(w, c + i, n - i, ":@/?#", 0);
		return U_OK;
	}
	memcpy(w->out + w->olen, "//", 2);
	w->olen += 2;
	for (at = ae; at > as && c[at - 1] != '@'; at--)
		;
	if (at > as + 1) {
		put_enc(w, c + as, at - 1 - as, ":", 0);
		w->out[w->olen++] = '@';
	}
	hs = at > as ? at : as;
	if (hs < ae && c[hs] == '[') {
		he = span(c, hs, ae, "]");
		if (he == ae)
			return U_BAD;
		he++;
	} else
		he = span(c, hs, ae, ":");
	if (he < ae) {
		if (c[he] != ':')
			return U_BAD;
		for (ps = he + 1; ps + 1 < ae && c[ps] == '0'; ps++)
			;
		for (i = ps; i < ae; i++)
			if (!is_digit((unsigned char)c[i]) || i - ps > 4)
				return U_BAD;
		if (ae > ps && strtol(c + ps, NULL, 10) > 65535)
			return U_BAD;
		if (ae > ps && !(dport != NULL && strlen(dport) == ae - ps &&
		    memcmp(dport, c + ps, ae - ps) == 0))
			port = c + ps;
	}
	if (hs == he) {
		if (special || port != NULL)
			return U_BAD;
	} else {
		if ((rc = host_convert(a, c + hs, he - hs, w->tmp, h)) != U_OK)
			return rc;
		/* IDN mapping and IPv4 forms may lengthen the host */
		m = strlen(h->ascii);
		if (m > he - hs) {
			if (m > SIZE_MAX - w->ocap ||
			    (p = realloc(w->out, w->ocap + m)) == NULL)
				return U_NOMEM;
			w->out = p;
			w->ocap += m;
		}
		memcpy(w->out + w->olen, h->ascii, m);
		w->olen += m;
	}
	if (port != NULL) {
		w->out[w->olen++] = ':';
		memcpy(w->out + w->olen, port, ae - ps);
		w->olen += ae - ps;
	}
	if (special && (ae == n || c[ae] == '?' || c[ae] == '#'))
		w->out[w->olen++] = '/';
	put_enc(w, c + ae, n - ae, ":@/?#", special);
	return U_OK;
}

/* clean: w->clean from url: outer space and controls and embedded
 * TAB/CR/LF removed.  U_BAD when empty or longer than RF__URL_MAX. */
static int
clean(struct work *w, const char *url)
{
	size_t s = 0, e = strlen(url), i;

	while (s < e && (unsigned char)url[s] <= ' ')
		s++;
	while (e > s && (unsigned char)url[e - 1] <= ' ')
		e--;
	if (e == s || e - s > RF__URL_MAX)
		return U_BAD;
	/* "http://" + 3 bytes per byte + "/" (rebuild grows it for a
	 * host that gets longer) */
	w->ocap = 3 * (e - s) + 16;
	if ((w->clean = malloc(e - s + 1)) == NULL ||
	    (w->out = malloc(w->ocap)) == NULL ||
	    (w->tmp = malloc(e - s + 1)) == NULL)
		return U_NOMEM;
	for (i = s; i < e; i++)
		if (url[i] != '\t' && url[i] != '\r' && url[i] != '\n')
			w->clean[w->len++] = url[i];
	w->clean[w->len] = '\0';
	return U_OK;
}

/* normalise: uriparser's parse and syntax normalisation of w->out into
 * *norm (arena); the host was normalised already.  uriparser writes IPv6
 * addresses in full; ip6 (the compressed "[...]" form, or NULL) replaces
 * that. */
static int
normalise(rf_arena *a, struct work *w, const char *ip6, const char **norm)
{
	const unsigned mask = URI_NORMALIZE_SCHEME | URI_NORMALIZE_USER_INFO |
	    URI_NORMALIZE_PATH | URI_NORMALIZE_QUERY | URI_NORMALIZE_FRAGMENT;
	UriUriA uri;
	const char *errpos, *l, *r;
	char *s;
	int rc, n, ret = U_BAD;

	w->out[w->olen] = '\0';
	rc = uriParseSingleUriExA(&uri, w->out, w->out + w->olen, &errpos);
	if (rc == URI_ERROR_MALLOC)
		return U_NOMEM;
	if (rc != URI_SUCCESS)
		return U_BAD;
	rc = uriNormalizeSyntaxExA(&uri, mask);
	if (rc == URI_ERROR_MALLOC)
		ret = U_NOMEM;
	else if (rc == URI_SUCCESS &&
	    uriToStringCharsRequiredA(&uri, &n) == URI_SUCCESS) {
		if ((s = rf_arena_alloc(a, (size_t)n + 1)) == NULL)
			ret = U_NOMEM;
		else if (uriToStringA(s, &uri, n + 1, NULL) == URI_SUCCESS) {
			*norm = s;
			ret = U_OK;
		}
	}
	if (ret == U_OK && ip6 != NULL && (l = strchr(s, '[')) != NULL &&
	    (r = strchr(l, ']')) != NULL &&
	    (*norm = rf_arena_printf(a, "%.*s%s%s", (int)(l - s), s, ip6,
	    r + 1)) == NULL)
		ret = U_NOMEM;
	uriFreeUriMembersA(&uri);
	return ret;
}

/*
 * The URL cache of a context: the analysis of a URL depends on nothing
 * but its text, and mail repeats URLs (the same link in the text and the
 * HTML alternative, an image on every line, a list's footer in every
 * message).  Direct-mapped slots of fixed size, each holding the URL and
 * its four results; a URL whose results do not fit is not remembered.
 * A hit copies the results into the caller's arena.  URLs the fast path
 * takes (url_fast.c) never come here.
 */
#define URLC_SLOTS 1024		/* a power of two */
#define URLC_DATA 1000		/* bytes of strings in a slot */

enum { UC_NORM = 0, UC_HOST, UC_UNI, UC_DOM, UC_N };

struct urlc_slot {
	uint64_t hash;
	uint16_t len[1 + UC_N];	/* url, then results (0xffff: NULL) */
	char data[URLC_DATA];	/* the strings, NUL-terminated */
};

struct rf__url_cache {
	pthread_mutex_t lock;	/* first: rf__locked_new */
	struct urlc_slot slot[URLC_SLOTS];
};

struct rf__url_cache *
rf__url_cache_new(void)
{
	return rf__locked_new(sizeof(struct rf__url_cache));
}

void
rf__url_cache_free(struct rf__url_cache *c)
{
	rf__locked_free(c);
}

/* urlc_get: the remembered results for url (n bytes) into link (copies
 * in a): 1, or 0 when not remembered (or out of memory). */
static int
urlc_get(const rf_ctx *ctx, rf_arena *a, const char *url, size_t n,
	 uint64_t hash, rf_link *link)
{
	struct rf__url_cache *c = ctx->urlc;
	struct urlc_slot *sl = &c->slot[hash & (URLC_SLOTS - 1)];
	const char *res[UC_N] = { NULL, NULL, NULL, NULL }, *p;
	int hit = 0, k;

	pthread_mutex_lock(&c->lock);
	if (sl->hash == hash && sl->len[0] == n && n > 0 &&
	    memcmp(sl->data, url, n) == 0) {
		hit = 1;
		p = sl->data + n + 1;
		for (k = 0; k < UC_N && hit; k++) {
			if (sl->len[1 + k] == 0xffff)
				continue;
			if ((res[k] = rf_arena_strndup(a, p,
			    sl->len[1 + k])) == NULL)
				hit = 0;
			p += sl->len[1 + k] + 1;
		}
	}
	pthread_mutex_unlock(&c->lock);
	if (!hit)
		return 0;
	link->normalized = res[UC_NORM];
	link->host = res[UC_HOST];
	link->host_unicode = res[UC_UNI];
	link->domain = res[UC_DOM];
	return 1;
}

/* urlc_put: remember the results in link for url (n bytes). */
static void
urlc_put(const rf_ctx *ctx, const char *url, size_t n, uint64_t hash,
	 const rf_link *link)
{
	struct rf__url_cache *c = ctx->urlc;
	struct urlc_slot *sl = &c->slot[hash & (URLC_SLOTS - 1)];
	const char *res[UC_N];
	size_t len[UC_N], total = n + 1, o;
	int k;

	res[UC_NORM] = link->normalized;
	res[UC_HOST] = link->host;
	res[UC_UNI] = link->host_unicode;
	res[UC_DOM] = link->domain;
	for (k = 0; k < UC_N; k++) {
		len[k] = res[k] != NULL ? strlen(res[k]) : 0;
		total += res[k] != NULL ? len[k] + 1 : 0;
	}
	if (total > URLC_DATA)
		return;
	pthread_mutex_lock(&c->lock);
	sl->hash = hash;
	sl->len[0] = (uint16_t)n;
	memcpy(sl->data, url, n);
	sl->data[n] = '\0';
	o = n + 1;
	for (k = 0; k < UC_N; k++) {
		if (res[k] == NULL) {
			sl->len[1 + k] = 0xffff;
			continue;
		}
		sl->len[1 + k] = (uint16_t)len[k];
		memcpy(sl->data + o, res[k], len[k] + 1);
		o += len[k] + 1;
	}
	pthread_mutex_unlock(&c->lock);
}

rf_status
rf_url_analyse(const rf_ctx *ctx, rf_arena *a, rf_link *link, rf_error *err)
{
	size_t ulen;
	uint64_t hash = 0;
	int cache, fast;
	rf_status st;

	link->normalized = link->host = link->host_unicode = NULL;
	link->domain = NULL;
	if (link->url == NULL)
		return RF_OK;
	/* most URLs need no more (url_fast.c) and bypass the cache */
	if ((fast = rf__url_fast(ctx, a, link)) != 0)
		return fast > 0 ? RF_OK :
		    rf_error_set(err, RF_ENOMEM, "out of memory");
	ulen = strlen(link->url);
	cache = ctx->urlc != NULL && ulen > 0 && ulen < URLC_DATA;
	if (cache) {
		hash = XXH3_64bits(link->url, ulen);
		if (urlc_get(ctx, a, link->url, ulen, hash, link))
			return RF_OK;
	}
	st = url_analyse(ctx, a, link, err);
	if (st == RF_OK && cache)
		urlc_put(ctx, link->url, ulen, hash, link);
	return st;
}

rf_status
rf__url_analyse_full(const rf_ctx *ctx, rf_arena *a, rf_link *link,
		     rf_error *err)
{
	link->normalized = link->host = link->host_unicode = NULL;
	link->domain = NULL;
	if (link->url == NULL)
		return RF_OK;
	return url_analyse(ctx, a, link, err);
}

/* url_analyse: rf_url_analyse without the fast path and the cache. */
static rf_status
url_analyse(const rf_ctx *ctx, rf_arena *a, rf_link *link, rf_error *err)
{
	struct work w;
	struct host h;
	const char *norm = NULL, *domain = NULL;
	int rc;

	memset(&w, 0, sizeof(w));
	if ((rc = clean(&w, link->url)) == U_OK &&
	    (rc = rebuild(ctx, a, &w, &h, &domain)) == U_OK &&
	    (rc = normalise(a, &w, h.ip == 6 ? h.ascii : NULL, &norm)) ==
	    U_OK) {
		if (h.ascii != NULL && h.ip == 0)
			rc = domain_of(ctx, a, h.ascii, &domain);
		link->normalized = norm;
		link->host = h.ascii;
		link->host_unicode = h.unicode;
		link->domain = domain;
	}
	free(w.clean);
	free(w.out);
	free(w.tmp);
	if (rc == U_NOMEM)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	return RF_OK;
}

const char *
rf_url_domain(const rf_ctx *ctx, rf_arena *a, const char *host)
{
	const char *d = NULL;
	char quad[16];

	if (host == NULL || host[0] == '\0' || host[0] == '[' ||
	    ipv4(host, quad) != 0)
		return NULL;
	(void)domain_of(ctx, a, host, &d);
	return d;
}

const char *
rf_url_host_ascii(rf_arena *a, const char *host)
{
	char *out = NULL;
	size_t i, n;
	int c;

	if (host == NULL || host[0] == '\0' || host[0] == '.' ||
	    to_ascii(a, host, &out) != U_OK)
		return NULL;
	/* IDNA maps case and checks labels, not STD3's letters-digits-
	 * hyphens, so a byte no host name holds is refused here */
	for (i = 0, n = strlen(out); i < n; i++) {
		c = (unsigned char)out[i];
		if (is_alpha(c))
			out[i] = (char)(c | 0x20);
		else if (!is_digit(c) && c != '-' && (c != '.' ||
		    i + 1 == n || out[i + 1] == '.'))
			return NULL;
	}
	return n > 0 ? out : NULL;
}

/* text_bare_host: a host name shown as text ("PayPal.com", "bank.example/x",
 * "192.0.2.1"): letters, digits, '-', '.', non-ASCII; a dot; a known
 * public suffix or four decimal parts.  *domain: its registrable domain
 * (a pointer into it), NULL for an IPv4 address or no host. */
static const char *
text_bare_host(const rf_ctx *ctx, rf_arena *a, const char *s, size_t n,
	       const char **domain)
{
	struct host h;
	const char *last, *res = NULL, *d;
	size_t e = span(s, 0, n, "/?#:"), i, dots = 0, digits = 0;
	char *tmp;

	*domain = NULL;
	if (e == 0)
		return NULL;
	for (i = 0; i < e; i++) {
		if (s[i] == '.')
			dots++;
		else if (is_digit((unsigned char)s[i]))
			digits++;
		else if (!is_alpha((unsigned char)s[i]) && s[i] != '-' &&
		    (unsigned char)s[i] < 0x80)
			return NULL;
	}
	if (dots == 0 || (tmp = malloc(e + 1)) == NULL)
		return NULL;
	if (host_convert(a, s, e, tmp, &h) == U_OK) {
		last = strrchr(h.ascii, '.');
		if (h.ip == 4 && dots == 3 && digits + dots == e)
			res = h.ascii;
		else if (h.ip == 0 && last != NULL &&
		    psl_is_public_suffix2(ctx->psl, last + 1,
		    PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) &&
		    (d = rf__registrable_domain(ctx, h.ascii)) != NULL) {
			res = h.ascii;
			*domain = d;
		}
	}
	free(tmp);
	return res;
}

/* text_trim: the range [*s, *e) of text without the blanks, brackets and
 * quotes around it, nor the punctuation after it. */
static void
text_trim(const char *text, size_t *s, size_t *e)
{
	*s = 0;
	*e = strlen(text);
	while (*s < *e && ((unsigned char)text[*s] <= ' ' ||
	    strchr("(<[\"'", text[*s]) != NULL))
		(*s)++;
	while (*e > *s && ((unsigned char)text[*e - 1] <= ' ' ||
	    strchr(")>]\"'.,;:!?", text[*e - 1]) != NULL))
		(*e)--;
}

/* shows_address: text[s..e) is written as a link address: "www.",
 * "//" or a scheme's "://". */
static int
shows_address(const char *text, size_t s, size_t e)
{
	return rf__prefix_ci(text + s, e - s, "www.") ||
	    rf__prefix_ci(text + s, e - s, "//") ||
	    memmem(text + s, e - s, "://", 3) != NULL;
}

int
rf__host_name(const rf_ctx *ctx, const char *host)
{
	const char *last;
	char quad[16];
	size_t i;

	if (host == NULL || host[0] == '\0')
		return 0;
	if (ipv4(host, quad) == 1)
		return 1;
	for (i = 0; host[i] != '\0'; i++)
		if (!is_alpha((unsigned char)host[i]) &&
		    !is_digit((unsigned char)host[i]) && host[i] != '-' &&
		    host[i] != '.')
			return 0;
	last = strrchr(host, '.');
	return last != NULL && last[1] != '\0' &&
	    rf__known_tld(ctx, last + 1, strlen(last + 1));
}

const char *
rf_url_text_host(const rf_ctx *ctx, rf_arena *a, const char *text)
{
	return rf__url_text_host(ctx, a, text, NULL, NULL);
}

const char *
rf__url_text_host(const rf_ctx *ctx, rf_arena *a, const char *text,
		  const char **domain, int *address)
{
	const char *d = NULL, *host;
	rf_link k;
	size_t s, e, i;

	if (domain != NULL)
		*domain = NULL;
	if (address != NULL)
		*address = 0;
	if (text == NULL)
		return NULL;
	text_trim(text, &s, &e);
	if (e == s || e - s > RF__URL_MAX)
		return NULL;
	for (i = s; i < e; i++)
		if ((unsigned char)text[i] <= ' ' || text[i] == '@' ||
		    text[i] == '<' || text[i] == '>' || text[i] == '"')
			break;
	if (shows_address(text, s, e)) {
		memset(&k, 0, sizeof(k));
		if ((k.url = rf_arena_strndup(a, text + s, e - s)) == NULL ||
		    rf_url_analyse(ctx, a, &k, NULL) != RF_OK ||
		    !rf__host_name(ctx, k.host))
			return NULL;
		if (domain != NULL)
			*domain = k.domain;
		if (address != NULL)
			*address = 1;
		return k.host;
	}
	if (i < e)
		return NULL;
	host = text_bare_host(ctx, a, text + s, e - s, &d);
	if (host != NULL && domain != NULL)
		*domain = d;
	return host;
}
