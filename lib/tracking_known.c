/*
 * tracking_known.c - the "known parameters only" clean form of a link
 * (rf_tracking_clean_known, redflag/tracking.h).
 */
#include <string.h>

#include "internal.h"

#define KNOWN_MAX_TOKENS 64

rf_status
rf_tracking_clean_known(const rf_rules *rules, rf_arena *a,
			const rf_link *l, const char **out, rf_error *err)
{
	rf_token keep[KNOWN_MAX_TOKENS];
	size_t i, n = 0;
	int depth_hit = 0;
	char *c;

	*out = l->url;
	for (i = 0; i < l->nreasons; i++)
		if (strncmp(l->reasons[i], "web-bug:", 8) == 0) {
			*out = "";
			return RF_OK;
		}
	for (i = 0; i < l->ntokens && n < KNOWN_MAX_TOKENS; i++)
		if (strncmp(l->tokens[i].reason, "known-param:", 12) == 0)
			keep[n++] = l->tokens[i];
	if (n == 0)
		return RF_OK;
	/* no unwrapping: the link stays the one the sender wrote */
	c = rf__clean(a, rules, l->url, strlen(l->url), keep, n, 0,
	    &depth_hit);
	if (c == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	*out = c;
	return RF_OK;
}
