/*
 * tracking_known.c - the "known parameters only" clean form of a link
 * (rf_tracking_clean_known, redflag/tracking.h): the clean policy known
 * of redflag.conf(5).  docs/tracking.md, "The policy known".
 */
#include <string.h>

#include "internal.h"

#define KNOWN_MAX_TOKENS 64

static int
has_reason(const rf_link *l, const char *prefix)
{
	size_t i, n = strlen(prefix);

	for (i = 0; i < l->nreasons; i++)
		if (strncmp(l->reasons[i], prefix, n) == 0)
			return 1;
	return 0;
}

/* sized: l is an image of declared real size: a width or height over
 * 2 px, by its attributes or inline CSS (CSS wins, as rf__web_bug reads
 * them). */
static int
sized(const rf_link *l)
{
	struct rf__css_style st;
	int w, h;

	if (l->kind != RF_LINK_IMG)
		return 0;
	rf__link_size(l, &st, &w, &h);
	return w > 2 || h > 2;
}

/*
 * known_bug: l is a web bug the policy known empties: one by its form
 * (web-bug:1x1, web-bug:hidden: tiny, zero-sized or hidden), or an image
 * (a CSS url()) flagged web-bug:token whose URL is on a provider's click-
 * or open-tracking host or path (known-host:*), or carries the
 * recipient's address (recipient-*) or another address (other-address):
 * its load names the reader; or one whose only sign is an opaque or
 * varying id (opaque-token, varies-in-campaign) when it declares no real
 * size (an unsized spacer.gif).  An image of declared real size whose
 * only sign is such an id is not: content images of CDNs and mail
 * builders have ids of their own (a 24-hex asset id, a gravatar hash),
 * and an opaque id alone is a guess.
 */
static int
known_bug(const rf_link *l)
{
	if (has_reason(l, "web-bug:1x1") || has_reason(l, "web-bug:hidden"))
		return 1;
	if (!has_reason(l, "web-bug:token"))
		return 0;
	return has_reason(l, "known-host:") || has_reason(l, "recipient-") ||
	    has_reason(l, RF__OTHER_ADDRESS) || !sized(l);
}

/* params: the query parameters of url (its host's rules read) that are
 * not campaign tags. */
static size_t
params(const rf_rules *rules, const char *url)
{
	struct rf__url u;
	size_t pos = 0, off, plen, nlen, voff, vlen, n = 0;
	int tag;

	rf__url_split(url, strlen(url), &u);
	if (!u.has_query)
		return 0;
	while (rf__next_param(u.s + u.query_off, u.query_len, &pos, &off,
	    &plen, &nlen, &voff, &vlen)) {
		tag = 0;
		if (nlen == 0 || (rf__rules_param(rules, u.s + u.host_off,
		    u.host_len, u.s + u.query_off + off, nlen, &tag) != NULL &&
		    tag))
			continue;
		n++;
	}
	return n;
}

rf_status
rf_tracking_clean_known(const rf_rules *rules, rf_arena *a,
			const rf_link *l, const char **out, int *wrapper,
			rf_error *err)
{
	rf_token keep[KNOWN_MAX_TOKENS];
	size_t i, n = 0;
	int depth_hit = 0;
	char *c;

	*out = l->url;
	if (wrapper != NULL)
		*wrapper = 0;
	if (known_bug(l)) {
		*out = "";
		return RF_OK;
	}
	for (i = 0; i < l->ntokens && n < KNOWN_MAX_TOKENS; i++)
		if (strncmp(l->tokens[i].reason, "known-param:", 12) == 0)
			keep[n++] = l->tokens[i];
	if (n == 0)
		return RF_OK;
	/* no unwrapping: the link stays the one the sender wrote; known
	 * parameters lie in a query, never in a host (no context needed for
	 * the host's site, rf__site_off) */
	c = rf__clean(NULL, a, rules, l->url, strlen(l->url), keep, n, 0,
	    &depth_hit);
	if (c == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	/* a click wrapper (SendGrid's /ls/click?upn=, Salesforce's ?qs=)
	 * whose known parameters were its whole payload: without them it
	 * goes nowhere, so it stays as it is, tracked but working */
	if (has_reason(l, "known-host:") && params(rules, c) == 0 &&
	    params(rules, l->url) > 0) {
		if (wrapper != NULL)
			*wrapper = 1;
		return RF_OK;
	}
	*out = c;
	return RF_OK;
}
