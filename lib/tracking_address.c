/*
 * tracking_address.c - an e-mail address in a link's query that is not
 * the recipient's known one (docs/tracking.md, "Other addresses").
 *
 * Mail reaches people under addresses redflag does not know: an alias, a
 * forwarding address, a list the sender mailed, a recipient it was not
 * told.  The sender writes the address it mailed into the link
 * (?email=..., ?em=..., ?userid=..., or the whole query), so a click
 * confirms that address.  A query value that holds an address is then a
 * code, found by its shape rather than by the recipient's forms; like an
 * opaque id it counts only in bulk mail.  Unlike an opaque id it is not
 * withdrawn when every copy of a campaign has the same one: copies to one
 * mailbox, or to one list, all carry that address.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* Rounds of percent-decoding before an address is looked for ("%40",
 * "%2540", "%252540"), as for the recipient's percent-encoded form. */
#define ADDR_DECODE_ROUNDS 3

int
rf__weak_reason(const char *reason)
{
	return strcmp(reason, "opaque-token") == 0 ||
	    strcmp(reason, RF__OTHER_ADDRESS) == 0;
}

/* local_byte: c may be in an address's local part (the common subset). */
static int
local_byte(unsigned char c)
{
	return isalnum(c) || c == '.' || c == '_' || c == '+' || c == '-';
}

/* domain_byte: c may be in a domain label. */
static int
domain_byte(unsigned char c)
{
	return isalnum(c) || c == '-';
}

/* has_address: s[0..n) holds local@domain: one or more local bytes, then
 * a domain of two or more labels whose last is two or more letters and a
 * top-level domain of the public suffix list (not a file name such as
 * logo@2x.png). */
static int
has_address(const rf_ctx *ctx, const char *s, size_t n)
{
	const char *at = s, *end = s + n, *p, *label;
	size_t labels, letters, lastlen, lastletters;

	while ((at = memchr(at, '@', (size_t)(end - at))) != NULL) {
		if (at == s || !local_byte((unsigned char)at[-1])) {
			at++;
			continue;
		}
		p = ++at;
		labels = lastlen = lastletters = 0;
		for (;;) {
			for (label = p, letters = 0; p < end &&
			    domain_byte((unsigned char)*p); p++)
				letters += isalpha((unsigned char)*p) != 0;
			if (p == label)
				break;
			labels++;
			lastlen = (size_t)(p - label);
			lastletters = letters;
			if (p + 1 < end && *p == '.' &&
			    domain_byte((unsigned char)p[1])) {
				p++;
				continue;
			}
			break;
		}
		if (labels >= 2 && lastletters >= 2 && lastletters == lastlen &&
		    rf__known_tld(ctx, p - lastlen, lastlen))
			return 1;
	}
	return 0;
}

/* decoded_address: s[0..n) as written or after up to ADDR_DECODE_ROUNDS
 * rounds of percent-decoding holds an address and does not start with
 * http:// or https:// (a destination, whose own parameters are analysed
 * when the link is unwrapped).  1, 0, or -1 when out of memory. */
static int
decoded_address(const rf_ctx *ctx, rf_arena *a, const char *s, size_t n)
{
	struct rf__decoded d;
	int round;

	if (memchr(s, '@', n) == NULL && rf__memmem(s, n, "%40", 3) == NULL &&
	    rf__memmem(s, n, "%2540", 5) == NULL &&
	    rf__memmem(s, n, "%252540", 7) == NULL)
		return 0;	/* most values: no '@' in any round */
	for (round = 0; ; round++) {
		if ((n >= 7 && strncasecmp(s, "http://", 7) == 0) ||
		    (n >= 8 && strncasecmp(s, "https://", 8) == 0))
			return 0;
		if (has_address(ctx, s, n))
			return 1;
		if (round == ADDR_DECODE_ROUNDS || memchr(s, '%', n) == NULL)
			return 0;
		if (rf__pct_decode(a, s, n, NULL, NULL, &d) != 0)
			return -1;
		s = d.s;
		n = d.len;
	}
}

/* rcpt_within: a token of the recipient's whole address (any form but
 * the local part alone) lies in [off, off+len). */
static int
rcpt_within(const struct rf__toks *t, size_t first, size_t off, size_t len)
{
	size_t i;

	for (i = first; i < t->n; i++)
		if (strncmp(t->v[i].reason, "recipient-", 10) == 0 &&
		    strcmp(t->v[i].reason, "recipient-local-part") != 0 &&
		    t->v[i].off >= off && t->v[i].off + t->v[i].len <=
		    off + len)
			return 1;
	return 0;
}

int
rf__other_addresses(const rf_ctx *ctx, rf_arena *a, const rf_rules *rules,
		    const struct rf__url *u, const char *host, size_t qoff,
		    size_t qlen, size_t first, struct rf__toks *t)
{
	const char *s = u->s;
	size_t pos = 0, po, pl, nl, vo, vl, off, len;
	int tag, r;

	if (u->host_len == 0)
		return 0;	/* mailto: and the like: no link to click */
	while (rf__next_param(s + qoff, qlen, &pos, &po, &pl, &nl, &vo,
	    &vl)) {
		/* a value, or a parameter that is all value (?a@b.c|17) */
		off = qoff + (nl < pl ? vo : po);
		len = nl < pl ? vl : pl;
		if (len < 3 || (nl < pl && rf__rules_param(rules, host,
		    u->host_len, s + qoff + po, nl, &tag) != NULL && tag))
			continue;	/* a tag: the same for every reader */
		if ((r = decoded_address(ctx, a, s + off, len)) < 0)
			return -1;
		if (r == 0 || rcpt_within(t, first, off, len))
			continue;
		if (rf__tok_add(a, t, off, len, RF__OTHER_ADDRESS) != 0)
			return -1;
	}
	return 0;
}
