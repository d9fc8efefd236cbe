/* fuzz_rewrite.c - libFuzzer target: the message rewriter
 * (redflag/rewrite.h) on any bytes, after the tracking analysis, as
 * `redflag clean`, the milter and `redflag arf make` run it.  Invariants
 * (abort when one fails):
 *  - the edits lie in the message, in order, none inside another;
 *  - every byte outside an edited region is written as it was, and the
 *    output is exactly the kept bytes and the edits' new bytes;
 *  - without edits the output is the input;
 *  - the output is at most 4 times the input plus 1 KiB (a part is only
 *    encoded again in its own transfer encoding, and substitutions
 *    shorten what they replace);
 *  - the output parses as a message when the input did, with as many
 *    MIME parts when the input's MIME is not damaged;
 *  - under the policy sites (rf_rewrite_collect_sites), a link reduced
 *    to its site is one with neither '?' nor '#', ending in '/'; a
 *    mailto: one with neither '?' nor '#'; an image or a link emptied is
 *    "";
 *  - links, bugs, missed and (sites) sites, addresses, images, emptied
 *    (rf_rewrite_stats) add up to the links collected; a link of the output, analysed again for the same
 *    recipient, that a substitution replaces and that was replaced
 *    nowhere (a tracked link left live) is reported: missed, skipped or
 *    limits_hit is set.  (Not every link left live: a rewritten HTML
 *    leaf may read otherwise, so that bytes that were no link for the
 *    analysis are one in the output; seed rewrite-makes-link.)
 * (Not its parts in damaged MIME: there the analysis' parser and GMime,
 * which the rewriter locates parts with, may disagree on a part's bounds
 * or transfer encoding, and a part written again then shows the analysis
 * other links or parts; what it leaves live is reported as missed;
 * docs/tracking.md, "Rewriting a message".)
 *
 * Input: byte 0 chooses the clean policy (bit 0: known parameters only;
 * bit 6, which wins: sites),
 * the recipient (bits 1-2: r0@example.org, jane.doe@example.org, the
 * message's own, R1@Example.ORG), whether the recipient's address is
 * redacted everywhere too (bit 3, rf_rewrite_add, as `arf make` does) and
 * max_rewrite_edits (bits 4-5: 1, 2, 3 or the default); the rest is the
 * message.  The tracking rules are data/trackers.conf (run from the
 * source tree, as fuzz/run.sh does), else none.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <redflag/redflag.h>

#include "../lib/rewrite_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const rcpts[4] = { "r0@example.org",
    "jane.doe@example.org", NULL, "R1@Example.ORG" };

/* fail: report what broke and abort. */
static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_rewrite: %s\n", what);
	abort();
}

/* load_rules: data/trackers.conf parsed, or no rules. */
static rf_rules *
load_rules(void)
{
	static char text[1 << 20];
	FILE *f = fopen("data/trackers.conf", "rb");
	size_t len = 0;
	rf_rules *r = NULL;

	if (f != NULL) {
		len = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
	} else {
		fprintf(stderr, "fuzz_rewrite: no data/trackers.conf\n");
	}
	if (rf_rules_parse(text, len, &r, NULL) != RF_OK)
		fail("rules");
	return r;
}

/* check_edits: the invariants on rw's edits and the output out of
 * msg[0..len). */
static void
check_edits(const rf_rewrite *rw, const char *msg, size_t len,
	    const rf_buf *out)
{
	size_t i, pos = 0, o = 0;

	for (i = 0; i < rw->nedits; i++) {
		const struct rf__edit *e = &rw->edits[i];

		if (e->off > e->end || e->end > len)
			fail("an edit outside the message");
		if (i > 0 && e->off < rw->edits[i - 1].off)
			fail("edits out of order");
		if (e->off < pos) {
			if (e->end > pos)
				fail("edits overlap");
			continue;	/* one inside another: not written */
		}
		if (o + (e->off - pos) + e->len > out->len ||
		    memcmp(out->data + o, msg + pos, e->off - pos) != 0)
			fail("a byte before an edit changed");
		o += e->off - pos;
		if (e->len > 0 && memcmp(out->data + o, e->data, e->len) != 0)
			fail("an edit not written as made");
		o += e->len;
		pos = e->end;
	}
	if (o + (len - pos) != out->len || (len > pos &&
	    memcmp(out->data + o, msg + pos, len - pos) != 0))
		fail("a byte after the last edit changed");
}

/* check_sites: the invariants on the forms the policy sites made. */
static void
check_sites(const rf_rewrite *rw)
{
	size_t i;

	for (i = 0; i < rw->nsubst; i++) {
		const struct rf__subst *s = &rw->subst[i];
		size_t tl = strlen(s->to);

		switch (s->site) {
		case RF__SITE_LINK:
			if (tl == 0 || s->to[tl - 1] != '/' ||
			    strpbrk(s->to, "?#") != NULL)
				fail("a site with more than its host");
			break;
		case RF__SITE_ADDR:
			if (strncasecmp(s->to, "mailto:", 7) != 0 ||
			    strpbrk(s->to, "?#") != NULL)
				fail("a mail link with more than its address");
			break;
		case RF__SITE_IMAGE:
		case RF__SITE_EMPTY:
			if (tl != 0)
				fail("an image or link not emptied");
			break;
		default:
			break;
		}
	}
}

/* live_cb: stops the walk when l's URL is the from of a link
 * substitution of arg (an rf_rewrite) replaced nowhere, and is no
 * substitution's to (then a chain may have made it): a tracked link left
 * live. */
static int
live_cb(rf_link *l, void *arg)
{
	const rf_rewrite *rw = arg;
	size_t i, j;

	if (l->kind == RF_LINK_HEADER)
		return 0;
	for (i = 0; i < rw->nsubst; i++) {
		if (rw->subst[i].text || rw->subst[i].hits > 0 ||
		    strcmp(l->url, rw->subst[i].from) != 0)
			continue;
		for (j = 0; j < rw->nsubst; j++)
			if (strcmp(rw->subst[j].to, l->url) == 0)
				break;
		if (j == rw->nsubst)
			return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rf_ctx *ctx[4];	/* one per max_rewrite_edits, made once */
	static rf_rules *rules;
	rf_message *m = NULL, *again = NULL, *live = NULL;
	rf_rewrite *rw = NULL;
	rf_rewrite_stats st;
	rf_limits lim;
	rf_buf out;
	const char *msg, *rcpt;
	size_t len;
	unsigned b, k;

	if (size < 1)
		return 0;
	b = data[0];
	msg = (const char *)data + 1;
	len = size - 1;
	k = (b >> 4) & 3;
	if (rules == NULL)
		rules = load_rules();
	if (ctx[k] == NULL) {
		rf_limits_default(&lim);
		lim.max_links = 200;
		lim.max_mime_parts = 64;
		if (k < 3)
			lim.max_rewrite_edits = k + 1;
		if (rf_ctx_new(&lim, &ctx[k], NULL) != RF_OK)
			return 0;
	}
	rf_buf_init(&out, 0);
	if (rf_message_parse(ctx[k], msg, len, &m, NULL) != RF_OK)
		goto done;
	rcpt = rcpts[(b >> 1) & 3];
	if (rcpt == NULL)
		rcpt = rf_message_recipient(m);
	if (rf_tracking_message(ctx[k], rules, m, rcpt, NULL) != RF_OK ||
	    rf_rewrite_new(rf_ctx_limits(ctx[k]), &rw, NULL) != RF_OK)
		goto done;
	if (((b & 64) ? rf_rewrite_collect_sites(rw, m, NULL) : (b & 1) ?
	    rf_rewrite_collect_known(rw, rules, m, NULL) :
	    rf_rewrite_collect(rw, m, NULL)) != RF_OK)
		fail("collect");
	check_sites(rw);
	if ((b & 8) && rcpt != NULL && strlen(rcpt) >= 10 &&
	    rf_rewrite_add(rw, rcpt, "[redacted]", NULL) != RF_OK)
		fail("add");
	if (rf_rewrite_prepare(rw, msg, len, NULL) != RF_OK ||
	    rf_rewrite_write(rw, 0, &out, NULL) != RF_OK)
		fail("prepare or write");
	if (rw->nedits > (k < 3 ? k + 1 : 4096))
		fail("more edits than max_rewrite_edits");
	check_edits(rw, msg, len, &out);
	if (rw->nedits == 0 && (out.len != len || (len > 0 &&
	    memcmp(out.data, msg, len) != 0)))
		fail("no edit, yet the output differs");
	if (out.len > 4 * len + 1024)
		fail("output too long");
	if (rw->nedits > 0) {
		if (rf_message_parse(ctx[k], out.data, out.len, &again,
		    NULL) != RF_OK)
			fail("the output does not parse");
		if (!(m->flags & RF_MSG_MIME_DAMAGED) &&
		    again->nparts != m->nparts)
			fail("the output has another number of parts");
	}
	rf_rewrite_get_stats(rw, &st);
	if (rw->nsubst > 0 && st.links + st.bugs + st.missed + st.sites +
	    st.addresses + st.images + st.emptied + (size_t)((b & 8) &&
	    rcpt != NULL && strlen(rcpt) >= 10) != rw->nsubst)
		fail("links, bugs and missed do not add up");
	if (!(b & 64) && (st.sites_policy || st.sites + st.addresses +
	    st.images + st.emptied > 0))
		fail("sites counted without the policy sites");
	if (st.missed == 0 && st.skipped == 0 && st.limits_hit == 0 &&
	    rf_message_parse(ctx[k], out.data, out.len, &live,
	    NULL) == RF_OK && rf_tracking_message(ctx[k], rules, live, rcpt,
	    NULL) == RF_OK && rf_tracking_walk(live, live_cb, rw) != 0)
		fail("a tracked link left live, not reported");
done:
	rf_message_free(live);
	rf_message_free(again);
	rf_message_free(m);
	rf_rewrite_free(rw);
	rf_buf_free(&out);
	return 0;
}
