/*
 * hotline_canon.c - a reported URL made into its de-duplication key:
 * first the reporter's tracking codes come out (the tracking engine, with
 * the reporter's address as recipient), then the URL module normalises
 * what is left, then the fragment goes.  Nothing is fetched or resolved.
 */
#include <string.h>
#include <strings.h>

#include <redflag/tracking.h>

#include "hotline_int.h"

rf_status
rf__hl_scrub(const rf_ctx *ctx, const rf_rules *rules, rf_arena *a,
	     const char *url, const char *recipient, const char **clean,
	     unsigned *removed, rf_error *err)
{
	rf_recipient *rcpt = NULL;
	rf_rules *none = NULL;
	rf_link link;
	unsigned hit = 0;
	rf_status rs;

	*clean = NULL;
	*removed = 0;
	/* No rules given: an empty set (address and opaque codes only). */
	if (rules == NULL) {
		if ((rs = rf_rules_parse("", 0, &none, err)) != RF_OK)
			return rs;
		rules = none;
	}
	/* A reporter address that is not one (no '@') still leaves the
	 * parameter rules and the opaque-token search. */
	if (recipient != NULL && *recipient != '\0' &&
	    rf_recipient_new(a, recipient, &rcpt, NULL) != RF_OK)
		rcpt = NULL;
	memset(&link, 0, sizeof(link));
	link.url = url;
	link.kind = RF_LINK_TEXT;
	link.width = link.height = -1;
	/* Opaque ids are looked for too: a reported link comes from bulk
	 * mail, and a code the sender maps to the reporter identifies
	 * them as surely as their address does.  Campaign tags (utm_*),
	 * which identify nobody, come out too, so that differently tagged
	 * reports of one site make one case. */
	rs = rf_tracking_link(ctx, rules, a, rcpt, &link,
	    RF_TRK_OPAQUE | RF_TRK_TAGS, &hit, err);
	rf_rules_free(none);
	if (rs != RF_OK)
		return rs;
	*clean = link.clean != NULL ? link.clean : url;
	*removed = (unsigned)link.ntokens;
	return RF_OK;
}

static int
web_scheme(const char *u)
{
	return strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0 ||
	    strncmp(u, "ftp://", 6) == 0;
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
	/* The first address (the reporter) with every rule; the others
	 * (a forwarder) on what it left. */
	clean = url;
	for (i = 0; i < naddrs || i == 0; i++) {
		if (i > 0 && (addrs[i] == NULL || *addrs[i] == '\0'))
			continue;
		if ((rs = rf__hl_scrub(ctx, rules, a, clean, naddrs > 0 ?
		    addrs[i] : NULL, &clean, &removed, err)) != RF_OK)
			return rs;
		out->scrubbed += removed;
	}
	memset(&link, 0, sizeof(link));
	link.url = clean;
	link.kind = RF_LINK_TEXT;
	if ((rs = rf_url_analyse(ctx, a, &link, err)) != RF_OK)
		return rs;
	n = link.normalized;
	if (n == NULL || link.host == NULL || !web_scheme(n))
		return rf_error_set(err, RF_EPARSE, "not an http, https or "
		    "ftp URL with a host");
	len = strcspn(n, "#");
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
