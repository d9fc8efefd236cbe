/*
 * tracking.c - tracking codes in one link: the recipient's address,
 * known parameters and hosts, web bugs, opaque tokens; the clean form.
 * One message's links: tracking_message.c.
 * docs/tracking.md describes every test and its limits.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* Opaque tokens (rf__opaque): thresholds, see docs/tracking.md. */
#define OPAQUE_MIN_ENTROPY 3.0	/* bits per character */
#define OPAQUE_MIN_SWITCH 0.25	/* share of character class changes */
#define OPAQUE_MAX_WORD 9	/* longest same-case letter run */

struct analysis {
	const rf_ctx *ctx;
	const rf_rules *rules;
	rf_arena *a;
	const rf_recipient *rcpt;
	const struct rf__toks *found;	/* the tokens after rcpt's address
					 * search at depth 0 when it ran
					 * already (rcpt_finds), or NULL */
	unsigned opts;
	unsigned maxdepth;
	unsigned limits_hit;
	int image;		/* the link is an image (or CSS url()) */
};

/* opaque_index: c's place among the 62 letters and digits in byte order
 * ('0'-'9', 'A'-'Z', 'a'-'z'), and its class (1 digit, 2 lower, 3
 * upper); -1 for any other byte. */
static int
opaque_index(unsigned char c, int *cls)
{
	if ((unsigned)(c - '0') < 10) {
		*cls = 1;
		return c - '0';
	}
	if ((unsigned)(c - 'A') < 26) {
		*cls = 3;
		return 10 + (c - 'A');
	}
	if ((unsigned)(c - 'a') < 26) {
		*cls = 2;
		return 36 + (c - 'a');
	}
	*cls = 0;
	return -1;
}

/* escape_ok: after a '%' at s[i], the escape "%2B", "%2F" or "%3D" (any
 * case; the NUL byte matched too, as the strchr test this replaces had
 * it). */
static int
escape_ok(const char *s, size_t n, size_t i)
{
	char a, b;

	if (i + 2 >= n)
		return 0;
	a = s[i + 1];
	b = s[i + 2];
	return (a == '2' && (b == 'B' || b == 'b' || b == 'F' || b == 'f' ||
	    b == '\0')) || (a == '3' && (b == 'D' || b == 'd' || b == '\0'));
}

/*
 * rf__opaque: the counts are kept for the 62 letters and digits only, in
 * byte order, so the entropy sums the same terms in the same order as
 * over all 256 bytes (tests/unit/test_tracking_fast.c compares it with
 * that form).
 */
int
rf__opaque(const char *s, size_t n)
{
	unsigned counts[62] = { 0 };
	size_t i, alnum = 0, digits = 0, lower = 0, upper = 0, switches = 0;
	size_t run = 0, maxrun = 0, hexlow = 0, hexup = 0;
	int cls, prev = -1, k;
	double h = 0, p;

	if (n < RF_TRACKING_MIN_OPAQUE)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((k = opaque_index(c, &cls)) < 0) {
			if (c == '%') {
				if (!escape_ok(s, n, i))
					return 0; /* escaped text, not base64 */
			} else if (c != '-' && c != '_' && c != '=' &&
			    c != '.' && c != '~' && c != '+' && c != '/' &&
			    c != '\0')
				return 0;
			continue;
		}
		alnum++;
		counts[k]++;
		digits += cls == 1;
		lower += cls == 2;
		upper += cls == 3;
		hexlow += cls == 1 || (c >= 'a' && c <= 'f');
		hexup += cls == 1 || (c >= 'A' && c <= 'F');
		if (prev != -1 && cls != prev)
			switches++;
		run = cls != 1 && cls == prev ? run + 1 : (cls != 1);
		if (run > maxrun)
			maxrun = run;
		prev = cls;
	}
	if (alnum < RF_TRACKING_MIN_OPAQUE || digits == alnum)
		return 0;
	/* hex ids, UUIDs, digests */
	if ((hexlow == alnum || hexup == alnum) && digits >= 3 &&
	    alnum - digits >= 3)
		return 1;
	for (i = 0; i < 62; i++) {
		if (counts[i] == 0)
			continue;
		p = (double)counts[i] / (double)alnum;
		h -= p * log2(p);
	}
	return h >= OPAQUE_MIN_ENTROPY &&
	    (double)switches >= OPAQUE_MIN_SWITCH * (double)alnum &&
	    maxrun <= OPAQUE_MAX_WORD && (digits > 0 || (lower > 0 &&
	    upper > 0));
}

/*
 * A file name with an extension: a resource, not an id.  The extension
 * is one of the list (any case) or, more generally, one to
 * EXT_MAX_GENERAL letters and digits after the last '.', a letter first,
 * all of one case (".deb", ".rpm", ".tgz", ".xml", ".DTL", ".mgi2"): the
 * base64 and dotted ids this would otherwise hide have longer or mixed-
 * case pieces after their dots ("bd7n7877.6vihnja6", "...PMC.NjgA").
 */
#define EXT_MAX_GENERAL 4

static int
has_extension(const char *s, size_t n)
{
	static const char *const ext[] = { ".png", ".jpg", ".jpeg", ".gif",
	    ".webp", ".svg", ".css", ".js", ".pdf", ".ico", ".html", ".htm",
	    ".php", ".asp", ".aspx", ".jsp", ".mp4", ".zip" };
	size_t i, l, dot, lower = 0, upper = 0;

	/* the general form: one case, a letter first */
	for (dot = n; dot > 0 && n - dot < EXT_MAX_GENERAL + 1 &&
	    s[dot - 1] != '.'; dot--)
		;
	if (dot > 1 && s[dot - 1] == '.' && dot < n &&
	    isalpha((unsigned char)s[dot])) {
		for (i = dot; i < n && isalnum((unsigned char)s[i]); i++) {
			lower += islower((unsigned char)s[i]) != 0;
			upper += isupper((unsigned char)s[i]) != 0;
		}
		if (i == n && (lower == 0 || upper == 0))
			return 1;
	}
	/* each is a '.' and two to four bytes: most strings have no '.'
	 * there */
	if (!(n > 3 && s[n - 3] == '.') && !(n > 4 && s[n - 4] == '.') &&
	    !(n > 5 && s[n - 5] == '.'))
		return 0;
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		l = strlen(ext[i]);
		if (n > l && s[n - l] == '.' &&
		    strncasecmp(s + n - l, ext[i], l) == 0)
			return 1;
	}
	return 0;
}

static int
is_url_value(const char *s, size_t n)
{
	return (n >= 4 && strncasecmp(s, "http", 4) == 0) ||
	    rf__memmem(s, n, "://", 3) != NULL ||
	    rf__memmem(s, n, "%3A%2F%2F", 9) != NULL ||
	    rf__memmem(s, n, "%3a%2f%2f", 9) != NULL;
}

/*
 * A ULID (s39): 26 characters of Crockford's base32 (digits and the
 * letters but I, L, O, U), all of one case; the first 10 are a time in
 * milliseconds since 1970, the other 16 are random (the ULID
 * specification, github.com/ulid/spec).  Klaviyo names a profile by one
 * (c=01HQ3V5Y7K2M9N4P6R8S0T1W3X).  rf__opaque misses about one in seven
 * random ones, whose letters run longer than OPAQUE_MAX_WORD, so the form
 * is read as a form: the time between ULID_MIN_MS and ULID_MAX_MS (2000
 * to 2100), and at least ULID_MIN_DISTINCT distinct characters in the
 * random part (random ones have 13 on average; "0000000000000000" is
 * none).  A word has vowels, none of which but A and E are there, and no
 * word starts with the time's "0".
 */
#define ULID_LEN 26
#define ULID_TIME 10
#define ULID_MIN_MS 946684800000ULL	/* 2000-01-01 */
#define ULID_MAX_MS 4102444800000ULL	/* 2100-01-01 */
#define ULID_MIN_DISTINCT 8

/* crockford: c's value in Crockford's base32, either case, or -1. */
static int
crockford(unsigned char c)
{
	static const char digits[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	const char *p;

	c = (unsigned char)toupper(c);
	if (c == '\0' || (p = strchr(digits, c)) == NULL)
		return -1;
	return (int)(p - digits);
}

/* is_ulid: s[0..n) is a ULID (above). */
static int
is_ulid(const char *s, size_t n)
{
	unsigned long long ms = 0;
	unsigned seen = 0;	/* bit per value, in the random part */
	size_t i, lower = 0, upper = 0, distinct = 0;
	int v;

	if (n != ULID_LEN || s[0] < '0' || s[0] > '9')
		return 0;	/* most strings fail here */
	for (i = 0; i < n; i++) {
		if ((v = crockford((unsigned char)s[i])) < 0)
			return 0;
		lower += islower((unsigned char)s[i]) != 0;
		upper += isupper((unsigned char)s[i]) != 0;
		if (i < ULID_TIME)
			ms = ms * 32 + (unsigned)v;
		else if (!(seen & (1U << v))) {
			seen |= 1U << v;
			distinct++;
		}
	}
	/* a letter in the random part: 26 digits are a number (an order's),
	 * not a ULID, whose 16 random characters are all digits once in
	 * 2^27 */
	return (lower == 0 || upper == 0) && ms >= ULID_MIN_MS &&
	    ms < ULID_MAX_MS && distinct >= ULID_MIN_DISTINCT &&
	    strspn(s + ULID_TIME, "0123456789") < ULID_LEN - ULID_TIME;
}

/* opaque_id: s[0..n) is an opaque id: rf__opaque, or a ULID. */
static int
opaque_id(const char *s, size_t n)
{
	return rf__opaque(s, n) || is_ulid(s, n);
}

/* opaque_unit: look for opaque pieces in url[off..off+n): the whole,
 * else each piece between '-', '_', '.' and '~'. */
static int
opaque_unit(struct analysis *an, struct rf__toks *t, const char *url,
	    size_t off, size_t n)
{
	size_t i, start;

	if (n < RF_TRACKING_MIN_OPAQUE || has_extension(url + off, n) ||
	    is_url_value(url + off, n))
		return 0;
	if (opaque_id(url + off, n))
		return rf__tok_add(an->a, t, off, n, "opaque-token");
	for (i = start = off; i <= off + n; i++) {
		/* the separators (and NUL, as strchr had it) */
		if (i < off + n && url[i] != '-' && url[i] != '_' &&
		    url[i] != '.' && url[i] != '~' && url[i] != '\0')
			continue;
		if (i - start >= RF_TRACKING_MIN_OPAQUE &&
		    opaque_id(url + start, i - start) &&
		    rf__tok_add(an->a, t, start, i - start,
		    "opaque-token") != 0)
			return -1;
		start = i + 1;
	}
	return 0;
}

/*
 * An open pixel's file name (s37).  The words of a path that says its
 * image reports a reading: a whole segment before the file name, any
 * case ("/track/open/", "/notifications/beacon/").  The file name's stem
 * (before its extension) is the code when it is one opaque id as a
 * whole, without a '.': "/open/9f86d081884c7d659a2feaa0c55ad015.gif".  A
 * content hash after a name ("hero.3f9a2b1c8d7e6f5a.jpg") has a '.'
 * there; a content image's id in a path without such a word
 * ("/products/<32 hex>.jpg") stays a file name.
 */
static const char *const open_words[] = { "open", "opens", "opened",
    "track", "tracking", "tracker", "trk", "pixel", "pixels", "beacon",
    "beacons" };

/* open_path: a segment of the path s[off..last) is one of open_words
 * (last: where the file name starts). */
static int
open_path(const char *s, size_t off, size_t last)
{
	size_t i, e, k, n;

	for (i = off; i < last; i = e) {
		if (s[i] == '/')
			i++;
		for (e = i; e < last && s[e] != '/'; e++)
			;
		n = e - i;
		for (k = 0; k < sizeof(open_words) / sizeof(open_words[0]);
		    k++)
			if (strlen(open_words[k]) == n &&
			    strncasecmp(s + i, open_words[k], n) == 0)
				return 1;
	}
	return 0;
}

/* open_stem: the length of the stem of the file name s[off..off+n) (the
 * last segment of a path starting at path_off) when it is an open
 * pixel's id (above): an extension, a stem of at least
 * RF_TRACKING_MIN_OPAQUE bytes without a '.', opaque as a whole, a
 * segment of open_words before it; else 0. */
static size_t
open_stem(const char *s, size_t path_off, size_t off, size_t n)
{
	size_t dot;

	if (n <= RF_TRACKING_MIN_OPAQUE || !has_extension(s + off, n))
		return 0;
	for (dot = n; dot > 0 && s[off + dot - 1] != '.'; dot--)
		;
	if (dot == 0)
		return 0;
	dot--;			/* the stem's length */
	if (dot < RF_TRACKING_MIN_OPAQUE ||
	    memchr(s + off, '.', dot) != NULL ||
	    !opaque_id(s + off, dot) || !open_path(s, path_off, off))
		return 0;
	return dot;
}

/* open_file_id: the file name url[off..off+n) of an image: its stem as
 * an opaque-token when it is an open pixel's id (open_stem).  0, or -1
 * out of memory. */
static int
open_file_id(struct analysis *an, struct rf__toks *t, const char *url,
	     size_t path_off, size_t off, size_t n)
{
	size_t stem = open_stem(url, path_off, off, n);

	return stem == 0 ? 0 : rf__tok_add(an->a, t, off, stem,
	    "opaque-token");
}

/*
 * Campaign Monitor's link form (s39): "/t/d-l-khuhdjy-ykjyhkhtd-r/", a
 * segment after one that is "t", of lower-case letters in four or five
 * pieces between '-': one letter, the link's kind in one letter ('l' a
 * click, 'u' an unsubscribe, 'o' an open, 'e' the web version), the
 * campaign (CM_MIN_CAMPAIGN letters or more), the subscriber, then the
 * link when there is one.  The provider writes its ids in letters, and
 * its customers' own link domains carry the same form (its documentation
 * of custom domains), where no host rule names the provider; no letters
 * alone are ever opaque by rf__opaque.  The subscriber's piece is the
 * code when it has CM_MIN_SUBSCRIBER letters or more (a web version read
 * by no subscriber has "l" there: "/t/t-e-nhldrtl-l-r/").  The segment
 * ends the path, or only a file name follows it (an open's "o.gif"):
 * a forum's topic slug after "/t/" ("/t/i-m-getting-errors/1234",
 * Discourse's) is followed by its number, and rarely has one of the
 * four kinds second.
 */
#define CM_MIN_CAMPAIGN 4
#define CM_MIN_SUBSCRIBER 2

/* cm_subscriber: s[i..e) is a segment of Campaign Monitor's link form
 * after "/t/" (above), in a path that ends at end: the offset of its
 * subscriber's piece in *off, its length returned; else 0. */
static size_t
cm_subscriber(const char *s, size_t i, size_t e, size_t end, size_t *off)
{
	size_t k, start = i, piece = 0, len[5];
	const char *slash;

	/* the last segment, or one file name after it */
	if (e < end && ((slash = memchr(s + e + 1, '/', end - e - 1)) !=
	    NULL || (e + 1 < end && memchr(s + e + 1, '.', end - e - 1) ==
	    NULL)))
		return 0;
	if (e - i < 3 || strchr("luoe", s[i + 2]) == NULL)
		return 0;	/* the link's kind */

	for (k = i; k <= e; k++) {
		if (k < e && s[k] >= 'a' && s[k] <= 'z')
			continue;
		if ((k < e && s[k] != '-') || piece == 5 || k == start)
			return 0;
		if (piece == 3)
			*off = start;
		len[piece++] = k - start;
		start = k + 1;
	}
	if (piece < 4 || len[0] != 1 || len[1] != 1 ||
	    len[2] < CM_MIN_CAMPAIGN || len[3] < CM_MIN_SUBSCRIBER)
		return 0;
	return len[3];
}

/* is_tag: the parameter named name (n bytes) is a campaign tag. */
static int
is_tag(struct analysis *an, const struct rf__url *u, const char *host,
       const char *name, size_t n)
{
	int tag = 0;

	return rf__rules_param(an->rules, host, u->host_len, name, n,
	    &tag) != NULL && tag;
}

/* find_opaque: the opaque ids of u (host is its host, lower case, site
 * where its site starts in u->s: rf__url_site_off); an open pixel's file
 * name too when image (open_file_id). */
static int
find_opaque(struct analysis *an, const struct rf__url *u, const char *host,
	    size_t site, int image, struct rf__toks *t)
{
	const char *s = u->s;
	size_t i, e, pos, po, pl, nl, vo, vl, end, prev, co = 0, cl;

	/* host labels, but not the site's (its registrable domain) */
	for (i = u->host_off; i < site; i = e + 1) {
		for (e = i; e < site && s[e] != '.'; e++)
			;
		if (opaque_unit(an, t, s, i, e - i) != 0)
			return -1;
	}
	end = u->path_off + u->path_len;
	for (i = u->path_off, prev = 0; i < end; i = e) {
		if (s[i] == '/')
			i++;
		for (e = i; e < end && s[e] != '/'; e++)
			;
		if (opaque_unit(an, t, s, i, e - i) != 0)
			return -1;
		/* Campaign Monitor's link form after "/t/" */
		if (prev == 1 && (cl = cm_subscriber(s, i, e, end, &co)) > 0 &&
		    rf__tok_add(an->a, t, co, cl, "opaque-token") != 0)
			return -1;
		prev = e - i == 1 && s[i] == 't' ? 1 : 0;
		if (image && e == end &&
		    open_file_id(an, t, s, u->path_off, i, e - i) != 0)
			return -1;
	}
	pos = 0;
	while (u->has_query && rf__next_param(s + u->query_off, u->query_len,
	    &pos, &po, &pl, &nl, &vo, &vl)) {
		if (vl >= RF_TRACKING_MIN_OPAQUE && is_tag(an, u, host,
		    s + u->query_off + po, nl))
			continue;	/* a campaign tag's value */
		if (opaque_unit(an, t, s, u->query_off + vo, vl) != 0)
			return -1;
	}
	pos = 0;
	if (u->has_frag && memchr(s + u->frag_off, '=', u->frag_len) == NULL)
		return opaque_unit(an, t, s, u->frag_off, u->frag_len);
	while (u->has_frag && rf__next_param(s + u->frag_off, u->frag_len,
	    &pos, &po, &pl, &nl, &vo, &vl))
		if (opaque_unit(an, t, s, u->frag_off + vo, vl) != 0)
			return -1;
	return 0;
}

static int
known_params(struct analysis *an, const struct rf__url *u, const char *host,
	     size_t qoff, size_t qlen, struct rf__toks *t)
{
	const char *s = u->s, *rule;
	size_t pos = 0, po, pl, nl, vo, vl;
	char *reason;
	int tag;

	while (rf__next_param(s + qoff, qlen, &pos, &po, &pl, &nl, &vo,
	    &vl)) {
		rule = rf__rules_param(an->rules, host, u->host_len,
		    s + qoff + po, nl, &tag);
		/* campaign tags identify nobody */
		if (rule == NULL || (tag && !(an->opts & RF_TRK_TAGS)))
			continue;
		reason = rf_arena_printf(an->a, tag ? "campaign-tag:%.*s" :
		    "known-param:%.*s", (int)nl, s + qoff + po);
		if (reason == NULL ||
		    rf__tok_add(an->a, t, qoff + po, pl, reason) != 0)
			return -1;
	}
	return 0;
}

static int
has_known_param(const struct rf__toks *t, size_t from)
{
	size_t i;

	for (i = from; i < t->n; i++)
		if (strncmp(t->v[i].reason, "known-param:", 12) == 0)
			return 1;
	return 0;
}

/* drop_in_site: drop the tokens from index first on that lie inside the
 * site of u's host (from site on: rf__url_site_off): a registered name
 * is every reader's (a list named like its site,
 * searchsecurity@lists.techtarget.com and searchSecurity.com), and the
 * clean form keeps it (s37). */
static void
drop_in_site(struct rf__toks *t, size_t first, const struct rf__url *u,
	     size_t site)
{
	size_t i, o;

	for (i = o = first; i < t->n; i++) {
		if (t->v[i].len > 0 && t->v[i].off >= site &&
		    t->v[i].off + t->v[i].len <= u->host_off + u->host_len)
			continue;
		t->v[o++] = t->v[i];
	}
	t->n = o;
}

/* long_label: host[0..n) has a label of RF_TRACKING_MIN_OPAQUE bytes or
 * more (what opaque_unit may flag). */
static int
long_label(const char *host, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && host[i] != '.')
			continue;
		if (i - start >= RF_TRACKING_MIN_OPAQUE)
			return 1;
		start = i + 1;
	}
	return 0;
}

/* drop_inside: drop the tokens of t from index first on that lie inside
 * [off, off + len) and whose reason is drop. */
static void
drop_inside(struct rf__toks *t, size_t first, size_t off, size_t len,
	    const char *drop)
{
	size_t i, o;

	for (i = o = first; i < t->n; i++) {
		if (t->v[i].off >= off &&
		    t->v[i].off + t->v[i].len <= off + len &&
		    strcmp(t->v[i].reason, drop) == 0)
			continue;
		t->v[o++] = t->v[i];
	}
	t->n = o;
}

/* has_recipient: a token of t from index first on is a recipient-*
 * one. */
static int
has_recipient(const struct rf__toks *t, size_t first)
{
	size_t i;

	for (i = first; i < t->n; i++)
		if (strncmp(t->v[i].reason, "recipient-", 10) == 0)
			return 1;
	return 0;
}

/* analyse: the tokens of url (len bytes) at unwrapping depth; the
 * recipient's forms searched in it at depth 0, and in a destination
 * that was base64-encoded (search set), which the search of the URL
 * that carries it saw as one base64 run. */
static int
analyse(struct analysis *an, const char *url, size_t len, unsigned depth,
	int search, struct rf__toks *t)
{
	struct rf__url u;
	struct rf__decoded d;
	struct rf__toks in;
	const char *provider;
	char *host, *reason;
	size_t i, off, dlen, site, before = t->n;

	rf__url_split(url, len, &u);
	if ((host = rf_arena_strndup(an->a, url + u.host_off,
	    u.host_len)) == NULL)
		return -1;
	for (i = 0; i < u.host_len; i++)
		host[i] = (char)tolower((unsigned char)host[i]);
	if (u.host_len > 0 && host[u.host_len - 1] == '.')
		host[--u.host_len] = '\0';
	if (depth == 0 && an->found != NULL) {
		/* t as the search left it: the same start (rf__link_start),
		 * url, len and path end */
		if ((t->v = rf_arena_array(an->a, an->found->n + 1,
		    sizeof(*t->v))) == NULL)
			return -1;
		if (an->found->n > 0)	/* v is NULL when none was found */
			memcpy(t->v, an->found->v, an->found->n *
			    sizeof(*t->v));
		t->n = t->cap = an->found->n;
		t->limit_hit = an->found->limit_hit;
	} else if ((depth == 0 || search) && an->rcpt != NULL &&
	    rf__rcpt_search(an->a, an->rcpt, url, len,
	    u.path_off + u.path_len, t) != 0) {
		return -1;
	}
	/* the host's site: nothing in it is a code (drop_in_site,
	 * find_opaque), as nothing in it is replaced (rf__clean); the list
	 * is asked only when that matters: a token found, or a label before
	 * the last two (where the site starts at the latest) long enough to
	 * be an opaque id */
	site = rf__site_off(NULL, host, u.host_len);
	if (t->n > before || ((an->opts & RF_TRK_OPAQUE) &&
	    long_label(host, site)))
		site = rf__site_off(an->ctx, host, u.host_len);
	site += u.host_off;
	drop_in_site(t, before, &u, site);
	if (u.has_query && known_params(an, &u, host, u.query_off,
	    u.query_len, t) != 0)
		return -1;
	if (u.has_frag && known_params(an, &u, host, u.frag_off, u.frag_len,
	    t) != 0)
		return -1;
	/* an address the recipient's forms did not find (an alias, a list) */
	if ((an->opts & RF_TRK_OPAQUE) && ((u.has_query &&
	    rf__other_addresses(an->ctx, an->a, an->rules, &u, host,
	    u.query_off, u.query_len, before, t) != 0) || (u.has_frag &&
	    rf__other_addresses(an->ctx, an->a, an->rules, &u, host,
	    u.frag_off, u.frag_len, before, t) != 0)))
		return -1;
	provider = rf__rules_host(an->rules, host, u.host_len,
	    url + u.path_off, u.path_len);
	/* on a tracking host whose id parameters the rules name, the rules
	 * say where the code is; shared hosts carry no per-copy ids */
	if ((an->opts & RF_TRK_OPAQUE) && !(provider != NULL &&
	    has_known_param(t, before)) &&
	    !rf__rules_static(an->rules, host, u.host_len)) {
		if (find_opaque(an, &u, host, site, depth == 0 && an->image,
		    t) != 0)
			return -1;
		rf__drop_covered(t, before, "opaque-token");
	}
	if (provider != NULL && len > u.path_off) {
		reason = rf_arena_printf(an->a, "known-host:%s", provider);
		if (reason == NULL || rf__tok_add(an->a, t, u.path_off,
		    len - u.path_off, reason) != 0)
			return -1;
	}
	if (!rf__url_destination(an->rules, &u, 1, &off, &dlen))
		return 0;
	if (depth + 1 > an->maxdepth) {
		an->limits_hit |= RF_LIMIT_UNWRAP_DEPTH;
		return 0;
	}
	/* the destination's own tokens, mapped back into url */
	if (rf__dest_decode(an->a, url, off, dlen, &d) != 0)
		return -1;
	memset(&in, 0, sizeof(in));
	in.max = t->max;
	if (analyse(an, d.s, d.len, depth + 1, d.b64, &in) != 0)
		return -1;
	if (d.b64) {
		/* the base64 run that holds a URL is no code itself; the
		 * codes are its destination's, found there: the address
		 * found there, not as the whole run */
		drop_inside(t, before, off, dlen, "opaque-token");
		if (has_recipient(&in, 0))
			drop_inside(t, before, off, dlen, "recipient-base64");
	}
	for (i = 0; i < in.n && d.len > 0; i++) {
		size_t b = in.v[i].off, e = in.v[i].off + in.v[i].len;

		if (in.v[i].len == 0 || e > d.len)
			continue;
		if (rf__tok_add(an->a, t, d.beg[b], d.end[e - 1] - d.beg[b],
		    in.v[i].reason) != 0)
			return -1;
	}
	t->limit_hit |= in.limit_hit;
	return 0;
}

static int
has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* rf__link_size: contract in internal.h. */
void
rf__link_size(const rf_link *l, struct rf__css_style *st, int *w, int *h)
{
	memset(st, 0, sizeof(*st));
	st->width = st->height = -1;
	if (l->style != NULL)
		rf__css_read(l->style, strlen(l->style), st, NULL, NULL);
	*w = st->width >= 0 ? st->width : l->width;
	*h = st->height >= 0 ? st->height : l->height;
}

/* rf__web_bug: contract in internal.h. */
const char *
rf__web_bug(const rf_link *l)
{
	struct rf__css_style st;
	int w, h;

	if (l->kind != RF_LINK_IMG && l->kind != RF_LINK_CSS)
		return NULL;
	rf__link_size(l, &st, &w, &h);
	/* an image is hidden by these; font-size and overflow (which hide
	 * text) do not apply to it */
	if ((l->flags & RF_LINKF_HIDDEN) || st.display_none ||
	    st.invisible || st.opacity0 || st.maxw0 || st.maxh0)
		return "web-bug:hidden";
	if (l->kind != RF_LINK_IMG)
		return NULL;
	if (w == 0 || h == 0 || st.width0 || st.height0)
		return "web-bug:hidden";
	if (w > 0 && h > 0 && w <= 2 && h <= 2)
		return "web-bug:1x1";
	/* 1 px one way, the other size not declared at all: the image
	 * shows at its own size that way, and a pixel's is 1 px (s37); a
	 * line declared "100%" wide is not one */
	if ((w == 1 && h < 0 && !st.height_set &&
	    !(l->flags & RF_LINKF_HEIGHT_SET)) || (h == 1 && w < 0 &&
	    !st.width_set && !(l->flags & RF_LINKF_WIDTH_SET)))
		return "web-bug:1x1";
	return NULL;
}

static int
add_reason(rf_arena *a, rf_link *l, size_t *cap, const char *reason)
{
	size_t i;

	for (i = 0; i < l->nreasons; i++)
		if (strcmp(l->reasons[i], reason) == 0)
			return 0;
	if (rf_arena_grow(a, (void **)&l->reasons, cap, l->nreasons,
	    sizeof(char *)) != 0)
		return -1;
	l->reasons[l->nreasons++] = reason;
	return 0;
}

static int
identifying(const char *reason)
{
	return has_prefix(reason, "recipient-") ||
	    has_prefix(reason, "opaque-token") ||
	    has_prefix(reason, RF__OTHER_ADDRESS) ||
	    has_prefix(reason, "varies-in-campaign") ||
	    has_prefix(reason, "known-host:");
}

/* rf__open_pixel: contract in internal.h. */
int
rf__open_pixel(const rf_link *l)
{
	struct rf__url u;
	size_t i, f, end, stem;

	if ((l->kind != RF_LINK_IMG && l->kind != RF_LINK_CSS) ||
	    l->ntokens == 0 || l->url == NULL)
		return 0;
	rf__url_split(l->url, strlen(l->url), &u);
	end = u.path_off + u.path_len;
	for (f = end; f > u.path_off && l->url[f - 1] != '/'; f--)
		;
	if ((stem = open_stem(l->url, u.path_off, f, end - f)) == 0)
		return 0;
	for (i = 0; i < l->ntokens; i++)
		if (identifying(l->tokens[i].reason) &&
		    l->tokens[i].off < f + stem &&
		    l->tokens[i].off + l->tokens[i].len > f)
			return 1;
	return 0;
}

int
rf__tracking_finish(const rf_ctx *ctx, rf_arena *a, const rf_rules *r,
		    rf_link *l, unsigned maxdepth, unsigned *limits_hit)
{
	size_t i, cap = 0;
	int bug = 0, depth_hit = 0, token = 0;

	l->reasons = NULL;
	l->nreasons = 0;
	for (i = 0; i < l->ntokens; i++) {
		if (add_reason(a, l, &cap, l->tokens[i].reason) != 0)
			return -1;
		bug |= has_prefix(l->tokens[i].reason, "web-bug:");
		token |= identifying(l->tokens[i].reason);
	}
	if (token && (l->kind == RF_LINK_IMG || l->kind == RF_LINK_CSS) &&
	    add_reason(a, l, &cap, "web-bug:token") != 0)
		return -1;
	l->tracking = l->ntokens > 0;
	if (bug || (token && rf__open_pixel(l)))
		l->clean = "";
	else if (l->ntokens == 0)
		l->clean = l->url;
	else if ((l->clean = rf__clean(ctx, a, r, l->url, strlen(l->url),
	    l->tokens, l->ntokens, maxdepth, &depth_hit)) == NULL)
		return -1;
	if (depth_hit && limits_hit != NULL)
		*limits_hit |= RF_LIMIT_UNWRAP_DEPTH;
	return 0;
}

/* rf__link_start: contract in internal.h. */
int
rf__link_start(const rf_limits *lim, rf_arena *a, const char *url,
	   const char *bug, struct rf__toks *t, size_t *len, int *cut)
{
	size_t full = strlen(url);

	memset(t, 0, sizeof(*t));
	t->max = lim->max_url_tokens;
	*cut = full > lim->max_url_size;
	*len = *cut ? lim->max_url_size : full;
	return bug != NULL ? rf__tok_add(a, t, 0, full, bug) : 0;
}

/* rf__track_link: contract in internal.h. */
rf_status
rf__track_link(const rf_ctx *ctx, const rf_rules *rules, rf_arena *a,
	   const rf_recipient *rcpt, rf_link *link, const char *bug,
	   const struct rf__toks *found, unsigned opts, unsigned *limits_hit,
	   rf_error *err)
{
	const rf_limits *lim = rf_ctx_limits(ctx);
	struct analysis an;
	struct rf__toks t;
	size_t len;
	int cut;

	memset(&an, 0, sizeof(an));
	an.ctx = ctx;
	an.rules = rules;
	an.a = a;
	an.rcpt = rcpt;
	an.found = found;
	an.opts = opts;
	an.maxdepth = lim->max_unwrap_depth;
	an.image = link->kind == RF_LINK_IMG || link->kind == RF_LINK_CSS;
	link->tokens = NULL;
	link->ntokens = 0;
	link->dropped = NULL;
	link->ndropped = 0;
	if (link->url == NULL)
		link->url = "";
	if (rf__link_start(lim, a, link->url, bug, &t, &len, &cut) != 0)
		goto nomem;
	if (cut)
		an.limits_hit |= RF_LIMIT_URL_SIZE;
	if (analyse(&an, link->url, len, 0, 0, &t) != 0)
		goto nomem;
	if (t.limit_hit)
		an.limits_hit |= RF_LIMIT_URL_TOKENS;
	link->tokens = t.v;
	link->ntokens = t.n;
	if (rf__tracking_finish(ctx, a, rules, link, an.maxdepth,
	    &an.limits_hit) != 0)
		goto nomem;
	if (limits_hit != NULL)
		*limits_hit |= an.limits_hit;
	return RF_OK;
nomem:
	return rf_error_set(err, RF_ENOMEM, "out of memory");
}

rf_status
rf_tracking_link(const rf_ctx *ctx, const rf_rules *rules, rf_arena *a,
		 const rf_recipient *rcpt, rf_link *link, unsigned opts,
		 unsigned *limits_hit, rf_error *err)
{
	if (link->url == NULL)
		link->url = "";
	return rf__track_link(ctx, rules, a, rcpt, link, rf__web_bug(link), NULL,
	    opts, limits_hit, err);
}

int
rf_tracking_walk(rf_message *m, int (*fn)(rf_link *, void *), void *arg)
{
	size_t i;
	int rc;

	for (i = 0; i < m->links.n; i++)
		if ((rc = fn(&m->links.v[i], arg)) != 0)
			return rc;
	for (i = 0; i < m->nembedded; i++)
		if ((rc = rf_tracking_walk(m->embedded[i], fn, arg)) != 0)
			return rc;
	return 0;
}
