/*
 * hotline_canon.c - a reported URL made into its de-duplication key:
 * first the reporter's tracking codes come out (the tracking engine, with
 * the reporter's address as recipient), then the URL module normalises
 * what is left, then the fragment goes.  Nothing is fetched or resolved.
 */
#include <string.h>
#include <strings.h>

#include <redflag/message.h>
#include <redflag/tracking.h>

#include "hotline_int.h"

rf_status
rf__hl_track(const rf_ctx *ctx, const rf_rules *rules, rf_arena *a,
	     const rf_recipient *rcpt, const char *url, unsigned opts,
	     rf_link *link, rf_error *err)
{
	unsigned hit = 0;

	memset(link, 0, sizeof(*link));
	link->url = url;
	link->kind = RF_LINK_TEXT;
	link->width = link->height = -1;
	return rf_tracking_link(ctx, rules, a, rcpt, link, opts, &hit, err);
}

/* engine_scrub: url through the tracking engine with rcpt (may be NULL). */
static rf_status
engine_scrub(const rf_ctx *ctx, const rf_rules *rules, rf_arena *a,
	     const char *url, rf_recipient *rcpt, const char **clean,
	     unsigned *removed, rf_error *err)
{
	rf_link link;
	rf_status rs;

	/* Opaque ids are looked for too: a reported link comes from bulk
	 * mail, and a code the sender maps to the reporter identifies
	 * them as surely as their address does.  Campaign tags (utm_*),
	 * which identify nobody, come out too, so that differently tagged
	 * reports of one site make one case. */
	rs = rf__hl_track(ctx, rules, a, rcpt, url,
	    RF_TRK_OPAQUE | RF_TRK_TAGS, &link, err);
	if (rs != RF_OK)
		return rs;
	*clean = link.clean != NULL ? link.clean : url;
	*removed = (unsigned)link.ntokens;
	return RF_OK;
}

/* same_host: a and b name the same host (either case). */
static int
same_host(const char *a, const char *b)
{
	struct rf__url ua, ub;

	rf__url_split(a, strlen(a), &ua);
	rf__url_split(b, strlen(b), &ub);
	return ua.host_len == ub.host_len && strncasecmp(a + ua.host_off,
	    b + ub.host_off, ua.host_len) == 0;
}

/* put_dest: the clean destination d into b as a query value, escaped
 * like the value it replaces: a raw one keeps its bytes but & ; # % +
 * space and non-printables, an encoded one keeps only unreserved bytes. */
static void
put_dest(rf_buf *b, const char *d, int encoded)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;

	for (; (c = (unsigned char)*d) != '\0'; d++) {
		int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL ||
		    (!encoded && c > 0x20 && c < 0x7f &&
		    strchr("&;#%+", c) == NULL);

		if (keep)
			rf_buf_putc(b, (char)c);
		else
			rf_buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
}

static rf_status scrub_depth(const rf_ctx *ctx, const rf_rules *rules,
			     rf_arena *a, const char *url, rf_recipient *rcpt,
			     unsigned depth, const char **clean,
			     unsigned *removed, rf_error *err);

/* b64_path: the path of page (split in u) into b, a segment that
 * carries a URL base64-encoded (rf__b64_dest) replaced by the
 * placeholder when drop is set (*more counts each): the mail engine
 * would unwrap it, and the report is of the page that carries it. */
static void
b64_path(rf_buf *b, const char *page, const struct rf__url *u, int drop,
	 unsigned *more)
{
	size_t i, e, end = u->path_off + u->path_len;

	for (i = u->path_off; i < end; i = e) {
		if (page[i] == '/')
			rf_buf_putc(b, page[i++]);
		for (e = i; e < end && page[e] != '/'; e++)
			;
		if (drop && e > i && rf__b64_dest(page + i, e - i)) {
			rf_buf_puts(b, RF_TRACKING_PLACEHOLDER);
			(*more)++;
		} else {
			rf_buf_append(b, page + i, e - i);
		}
	}
}

/*
 * carried: page with each URL carried in a query value (the value,
 * percent-decoded, starts with http:// or https://) cleaned on its own,
 * one level down, and put back; with drop set, those parameters left
 * out instead, and those carried base64-encoded in a value or a path
 * segment (which cannot be put back cleaned: percent-encoded it would
 * be another request) left out or replaced by the placeholder.  *more:
 * codes removed (a dropped parameter or segment counts one).  In a.
 */
static rf_status
carried(const rf_ctx *ctx, const rf_rules *rules, rf_arena *a,
	const char *page, rf_recipient *rcpt, unsigned depth, int drop,
	const char **out, unsigned *more, rf_error *err)
{
	struct rf__url u;
	struct rf__decoded d;
	size_t pos = 0, off, plen, nlen, voff, vlen, copied;
	const char *q, *dclean;
	unsigned dn;
	int first = 1;
	rf_buf b;
	rf_status rs = RF_OK;

	*out = NULL;
	*more = 0;
	rf__url_split(page, strlen(page), &u);
	q = page + u.query_off;
	rf_buf_init(&b, 0);
	rf_buf_append(&b, page, u.path_off);
	b64_path(&b, page, &u, drop, more);
	copied = u.path_off + u.path_len;
	rf_buf_append(&b, page + copied, (u.has_query ? u.query_off :
	    strlen(page)) - copied);
	copied = u.has_query ? u.query_off + u.query_len : strlen(page);
	while (u.has_query && rf__next_param(q, u.query_len, &pos, &off,
	    &plen, &nlen, &voff, &vlen)) {
		int dest = 0;

		if (vlen > 0) {
			if (rf__dest_decode(a, q, voff, vlen, &d) != 0) {
				rs = rf_error_set(err, RF_ENOMEM,
				    "out of memory");
				goto done;
			}
			dest = strncasecmp(d.s, "http://", 7) == 0 ||
			    strncasecmp(d.s, "https://", 8) == 0;
		}
		/* a base64-encoded one stays as the page has it (put back
		 * percent-encoded, it would be another request), unless
		 * dropped */
		if (dest && d.b64 && !drop)
			dest = 0;
		if (dest && drop) {
			(*more)++;
			continue;
		}
		if (!first)
			rf_buf_putc(&b, '&');
		first = 0;
		dn = 0;
		if (dest && (rs = scrub_depth(ctx, rules, a, d.s, rcpt,
		    depth + 1, &dclean, &dn, err)) != RF_OK)
			goto done;
		if (dn == 0) {
			rf_buf_append(&b, q + off, plen);
			continue;
		}
		rf_buf_append(&b, q + off, voff - off);
		put_dest(&b, dclean, strncasecmp(q + voff, "http://", 7) != 0 &&
		    strncasecmp(q + voff, "https://", 8) != 0);
		*more += dn;
	}
	/* a query left empty loses its '?' */
	if (u.has_query && first && b.len > 0 && b.data[b.len - 1] == '?')
		b.len--;
	rf_buf_puts(&b, page + copied);
	if (b.truncated || (*out = rf_arena_strndup(a, b.data != NULL ?
	    b.data : "", b.len)) == NULL)
		rs = rf_error_set(err, RF_ENOMEM, "out of memory");
done:
	rf_buf_free(&b);
	return rs;
}

/*
 * scrub_depth: url scrubbed by the engine; but the engine, made for
 * mail, replaces a link by the URL one of its parameters carries when
 * the code sits there.  That suits a redirector its rules name (unwrap),
 * not a page that merely carries another site's address (a phishing
 * page's "next=" the bank's; an unknown click tracker's destination):
 * the report is of that page.  Then each carried URL is cleaned on its
 * own and put back; if the engine would still leave the page (a code
 * outside made it unwrap), those parameters go.  Carried URLs are
 * cleaned down to max_unwrap_depth levels, dropped below.
 */
static rf_status
scrub_depth(const rf_ctx *ctx, const rf_rules *rules, rf_arena *a,
	    const char *url, rf_recipient *rcpt, unsigned depth,
	    const char **clean, unsigned *removed, rf_error *err)
{
	const char *page;
	struct rf__url u;
	size_t off, len;
	unsigned n, more = 0, dropped;
	rf_status rs;

	if ((rs = engine_scrub(ctx, rules, a, url, rcpt, clean, &n, err)) !=
	    RF_OK)
		return rs;
	*removed = n;
	rf__url_split(url, strlen(url), &u);
	if (same_host(url, *clean) ||
	    rf__url_destination(rules, &u, 0, &off, &len))
		return RF_OK;
	page = url;
	if (depth < ctx->limits.max_unwrap_depth) {
		if ((rs = carried(ctx, rules, a, url, rcpt, depth, 0, &page,
		    &more, err)) != RF_OK ||
		    (rs = engine_scrub(ctx, rules, a, page, rcpt, clean, &n,
		    err)) != RF_OK)
			return rs;
		if (same_host(page, *clean)) {
			*removed = n + more;
			return RF_OK;
		}
	}
	if ((rs = carried(ctx, rules, a, page, rcpt, depth, 1, &page,
	    &dropped, err)) != RF_OK ||
	    (rs = engine_scrub(ctx, rules, a, page, rcpt, clean, &n,
	    err)) != RF_OK)
		return rs;
	*removed = n + more + dropped;
	return RF_OK;
}

rf_status
rf__hl_rules(const rf_rules *rules, rf_rules **own, const rf_rules **use,
	     rf_error *err)
{
	rf_status rs;

	*own = NULL;
	*use = rules;
	if (rules != NULL)
		return RF_OK;
	if ((rs = rf_rules_parse("", 0, own, err)) != RF_OK)
		*own = NULL;
	*use = *own;
	return rs;
}

rf_status
rf__hl_scrub(const rf_ctx *ctx, const rf_rules *rules, rf_arena *a,
	     const char *url, const char *recipient, const char **clean,
	     unsigned *removed, rf_error *err)
{
	rf_recipient *rcpt = NULL;

	*clean = NULL;
	*removed = 0;
	/* The address as people write it: "Name <addr>", "mailto:addr". */
	if (recipient != NULL && strchr(recipient, '<') != NULL)
		recipient = rf_addr_spec(a, recipient);
	if (recipient != NULL) {
		recipient += strspn(recipient, " \t");
		if (strncasecmp(recipient, "mailto:", 7) == 0)
			recipient += 7;
	}
	/* A reporter address that is not one (no '@') still leaves the
	 * parameter rules and the opaque-token search. */
	if (recipient != NULL && *recipient != '\0' &&
	    rf_recipient_new(a, recipient, &rcpt, NULL) != RF_OK)
		rcpt = NULL;
	return scrub_depth(ctx, rules, a, url, rcpt, 0, clean, removed, err);
}

int
rf__hl_web_scheme(const char *u)
{
	return strncasecmp(u, "http://", 7) == 0 ||
	    strncasecmp(u, "https://", 8) == 0 ||
	    strncasecmp(u, "ftp://", 6) == 0;
}

/* host_undotted: url with the dots that end its host removed ("x.example."
 * and "x.example.." are the DNS name x.example), in a; url itself when
 * there are none or the host is only dots; NULL when out of memory. */
static const char *
host_undotted(rf_arena *a, const char *url)
{
	const char *p = url + strspn(url, " \t\r\n");
	struct rf__url u;
	size_t end, dots = 0;
	char *out;

	rf__url_split(p, strlen(p), &u);
	end = u.host_off + u.host_len;
	while (dots < u.host_len && p[end - dots - 1] == '.')
		dots++;
	if (dots == 0 || dots == u.host_len)	/* none, or no name left */
		return url;
	if ((out = rf_arena_strdup(a, url)) == NULL)
		return NULL;
	end += (size_t)(p - url);
	memmove(out + end - dots, out + end, strlen(out + end) + 1);
	return out;
}

rf_status
rf_hotline_canonical(const rf_ctx *ctx, const rf_rules *rules, rf_arena *a,
		     const rf_hotline_limits *limits, const char *url,
		     const char *reporter, rf_hotline_url *out, rf_error *err)
{
	return rf__hl_canonical_n(ctx, rules, a, limits, url, &reporter, 1,
	    out, err);
}

rf_status
rf__hl_canonical_n(const rf_ctx *ctx, const rf_rules *rules, rf_arena *a,
		   const rf_hotline_limits *limits, const char *url,
		   const char *const *addrs, size_t naddrs,
		   rf_hotline_url *out, rf_error *err)
{
	size_t max = limits != NULL && limits->max_url_len != 0 ?
	    limits->max_url_len : 4096;
	rf_rules *none = NULL;
	rf_link link;
	const char *clean, *n, *hostp;
	char *canon;
	size_t len, i;
	unsigned removed;
	rf_status rs;

	memset(out, 0, sizeof(*out));
	if (url == NULL || *url == '\0')
		return rf_error_set(err, RF_EPARSE, "empty URL");
	if (strlen(url) > max)
		return rf_error_set(err, RF_ELIMIT, "URL longer than "
		    "max_url_len (%zu bytes)", max);
	/* No rules given: an empty set (address and opaque codes only),
	 * parsed once for every address. */
	if ((rs = rf__hl_rules(rules, &none, &rules, err)) != RF_OK)
		return rs;
	/* The first address (the reporter) with every rule; the others
	 * (a forwarder) on what it left. */
	clean = url;
	for (i = 0, rs = RF_OK; (i < naddrs || i == 0) && rs == RF_OK; i++) {
		if (i > 0 && (addrs[i] == NULL || *addrs[i] == '\0'))
			continue;
		if ((rs = rf__hl_scrub(ctx, rules, a, clean, naddrs > 0 ?
		    addrs[i] : NULL, &clean, &removed, err)) == RF_OK)
			out->scrubbed += removed;
	}
	rf_rules_free(none);
	if (rs != RF_OK)
		return rs;
	memset(&link, 0, sizeof(link));
	if ((link.url = host_undotted(a, clean)) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	link.kind = RF_LINK_TEXT;
	if ((rs = rf_url_analyse(ctx, a, &link, err)) != RF_OK)
		return rs;
	n = link.normalized;
	if (n == NULL || link.host == NULL || !rf__hl_web_scheme(n))
		return rf_error_set(err, RF_EPARSE, "not an http, https or "
		    "ftp URL with a host");
	len = strcspn(n, "#");
	/* "page?" (an empty query) and "page" are one page; "page??" has
	 * the query "?" and keeps it. */
	if (len > 0 && n[len - 1] == '?' && strchr(n, '?') == n + len - 1)
		len--;
	/* "http://host" and "http://host/" are one page. */
	hostp = strstr(n, "://") + 3;
	if ((canon = rf_arena_alloc(a, len + 2)) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	memcpy(canon, n, len);
	if (strcspn(hostp, "/?#") == (size_t)(n + len - hostp) ||
	    hostp[strcspn(hostp, "/?#")] != '/') {
		size_t h = (size_t)(hostp - n) + strcspn(hostp, "/?#");

		if (h > len)
			h = len;
		memmove(canon + h + 1, canon + h, len - h);
		canon[h] = '/';
		len++;
	}
	canon[len] = '\0';
	out->clean = clean;
	out->canonical = canon;
	out->host = link.host;
	out->domain = link.domain;
	return RF_OK;
}
