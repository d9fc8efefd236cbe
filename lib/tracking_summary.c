/*
 * tracking_summary.c - what the tracking analysis found in one message,
 * in plain words, one finding per string.
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"

#define SUMMARY_NAMES 4		/* names listed per finding */

struct finding {
	const char *prefix;	/* token reason (prefix) */
	const char *one, *many;	/* sentence for 1; for N after "N " */
	int list;		/* list the names after the ':' */
};

static const struct finding findings[] = {
	{ "recipient-plain", "1 link carries your address",
	  "links carry your address", 0 },
	{ "recipient-urlencoded", "1 link carries your address, "
	  "percent-encoded", "links carry your address, percent-encoded",
	  0 },
	{ "recipient-base64", "1 link carries your address, base64-encoded",
	  "links carry your address, base64-encoded", 0 },
	{ "recipient-hex", "1 link carries your address, hex-encoded",
	  "links carry your address, hex-encoded", 0 },
	{ "recipient-base32", "1 link carries your address, base32-encoded",
	  "links carry your address, base32-encoded", 0 },
	{ "recipient-verp", "1 link carries your address with = for @ "
	  "(a mailing list's return address)", "links carry your address "
	  "with = for @ (a mailing list's return address)", 0 },
	{ "recipient-md5", "1 link carries your address as an MD5 hash",
	  "links carry your address as an MD5 hash", 0 },
	{ "recipient-sha1", "1 link carries your address as a SHA-1 hash",
	  "links carry your address as a SHA-1 hash", 0 },
	{ "recipient-sha256", "1 link carries your address as a SHA-256 hash",
	  "links carry your address as a SHA-256 hash", 0 },
	{ "recipient-sha512", "1 link carries your address as a SHA-512 hash",
	  "links carry your address as a SHA-512 hash", 0 },
	{ "recipient-local-part", "1 link carries your user name (the part "
	  "of your address before @)", "links carry your user name (the "
	  "part of your address before @)", 0 },
	{ "web-bug:", "1 web bug (a tiny or hidden image or frame that "
	  "reports when you open the message)", "web bugs (tiny or hidden "
	  "images or frames that report when you open the message)", 0 },
	{ "varies-in-campaign", "1 link carries a code that differs in each "
	  "copy of this campaign", "links carry a code that differs in "
	  "each copy of this campaign", 0 },
	{ RF__OTHER_ADDRESS, "1 link carries an e-mail address (perhaps yours, "
	  "under another name)", "links carry e-mail addresses (perhaps "
	  "yours, under another name)", 0 },
	{ "opaque-token", "1 link carries an opaque code that may identify "
	  "you", "links carry opaque codes that may identify you", 0 },
	{ "known-host:", "1 link goes through a click-tracking service",
	  "links go through a click-tracking service", 1 },
	{ "known-param:", "1 link carries tracking parameters",
	  "links carry tracking parameters", 1 },
};

#define NFINDINGS (sizeof(findings) / sizeof(findings[0]))
_Static_assert(NFINDINGS <= 32, "count_link keeps a bit per finding");

struct tally {
	size_t count[NFINDINGS];
	const char *names[NFINDINGS][SUMMARY_NAMES];
	size_t nnames[NFINDINGS];
};

static void
note_name(struct tally *t, size_t f, const char *name)
{
	size_t i;

	for (i = 0; i < t->nnames[f]; i++)
		if (strcmp(t->names[f][i], name) == 0)
			return;
	if (t->nnames[f] < SUMMARY_NAMES)
		t->names[f][t->nnames[f]++] = name;
}

/* finding_of: the finding whose prefix reason starts with, or NFINDINGS.
 * No prefix of findings[] starts another, so there is at most one. */
static size_t
finding_of(const char *reason)
{
	size_t f;

	for (f = 0; f < NFINDINGS; f++)
		if (findings[f].prefix[0] == reason[0] &&
		    strncmp(reason, findings[f].prefix,
		    strlen(findings[f].prefix)) == 0)
			break;
	return f;
}

/* count_link: each finding once per link that has it; the names of a
 * listed finding in the order of the link's tokens. */
static int
count_link(rf_link *l, void *arg)
{
	struct tally *t = arg;
	uint32_t seen = 0;
	size_t f, i;

	for (i = 0; i < l->ntokens; i++) {
		if ((f = finding_of(l->tokens[i].reason)) == NFINDINGS)
			continue;
		seen |= (uint32_t)1 << f;
		if (findings[f].list)
			note_name(t, f, l->tokens[i].reason +
			    strlen(findings[f].prefix));
	}
	/* an image named by its id under an open or track folder
	 * (rf__open_pixel) is a web bug by its name: emptied as one and
	 * counted as one by the rewriter, so named as one here, though no
	 * token of it says web-bug: */
	if (rf__open_pixel(l))
		seen |= (uint32_t)1 << finding_of("web-bug:");
	for (f = 0; seen != 0; f++, seen >>= 1)
		t->count[f] += seen & 1;
	return 0;
}

int
rf__summary_finding(size_t i, const char **prefix, const char **one,
		    const char **many, int *list)
{
	if (i >= NFINDINGS)
		return 0;
	*prefix = findings[i].prefix;
	*one = findings[i].one;
	*many = findings[i].many;
	*list = findings[i].list;
	return 1;
}

rf_status
rf_tracking_summary(const rf_message *m, const char ***out, size_t *n,
		    rf_error *err)
{
	struct tally t;
	const char **v;
	char *s, *names;
	size_t f, i, k = 0;

	*out = NULL;
	*n = 0;
	memset(&t, 0, sizeof(t));
	rf_tracking_walk((rf_message *)m, count_link, &t);
	for (f = 0; f < NFINDINGS; f++)
		k += t.count[f] > 0;
	if (k == 0)
		return RF_OK;
	if ((v = rf_arena_array(m->arena, k, sizeof(char *))) == NULL)
		goto nomem;
	for (f = 0, k = 0; f < NFINDINGS; f++) {
		if (t.count[f] == 0)
			continue;
		s = t.count[f] == 1 ? rf_arena_strdup(m->arena,
		    findings[f].one) : rf_arena_printf(m->arena,
		    "%zu %s", t.count[f], findings[f].many);
		if (s == NULL)
			goto nomem;
		if (findings[f].list && t.nnames[f] > 0) {
			names = rf_arena_strdup(m->arena, t.names[f][0]);
			for (i = 1; names != NULL && i < t.nnames[f]; i++)
				names = rf_arena_printf(m->arena, "%s, %s",
				    names, t.names[f][i]);
			if (names == NULL || (s = rf_arena_printf(m->arena,
			    "%s (%s)", s, names)) == NULL)
				goto nomem;
		}
		v[k++] = s;
	}
	*out = v;
	*n = k;
	return RF_OK;
nomem:
	return rf_error_set(err, RF_ENOMEM, "out of memory");
}
