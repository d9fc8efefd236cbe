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
 *    MIME parts when the input's MIME is not damaged (unless the output
 *    is empty: seed encode-empty-null);
 *  - under the policy sites (rf_rewrite_collect_sites), a link reduced
 *    to its site is one with neither '?' nor '#', ending in '/'; a
 *    mailto: one with neither '?' nor '#'; an image or a link emptied is
 *    "";
 *  - links, bugs, missed and (sites) sites, addresses, images, emptied
 *    (rf_rewrite_stats) add up to the links collected;
 *  - the output analysed again for the same recipient: a link whose URL
 *    a substitution replaces nowhere (a link left live) is reported:
 *    missed, skipped or limits_hit is set;
 *  - with RF_FUZZ_STRICT set in the environment, and not to "0" (the
 *    strict checks of s19, docs/tracking.md, "What the fuzzing checks",
 *    and docs/design/tracking-record.md; opt-in again at s21's
 *    integration: a run on the merged tree stopped within a minute,
 *    "The value tokenizer follows libxml2 (s21-tok)"; left opt-in in
 *    s22 and s23 for an input they stopped on, fixed in s24: seed
 *    attr-name-newlink; left opt-in in s24: after a 600 s run without
 *    a stop, runs after the next fixes stopped within 5 minutes, on
 *    nul-folded-line and nul-dashes-live, fixed, then on
 *    inner-id-chain, a false alarm of this check, narrowed (chain_to),
 *    "Strict runs (s24)" in the record; left opt-in in s25: a
 *    run 6.5 minutes after the last library fix (char-ref-ends-value)
 *    stopped on style-ctl-newlink, and after a 600 s run without a
 *    stop the next stopped on qp-latin1-newlink, both since fixed
 *    (seeds style-ctl-bytes, qp-first-line-header), "Strict
 *    runs (s25)" in docs/design/tracking-record.md; the seeds pass them in
 *    `make test`: tests/unit/test_rewrite_strict.c), so
 *    that `make check`'s short runs leave them out: every link of the
 *    output that the input did not have (by URL, CRs aside, counting
 *    occurrences) is a form the rewriter wrote (written, derived: a
 *    substitution's to, a URL holding an rf_rewrite_add one's or right
 *    after it (after_text), a wide one's to with the others'
 *    replacements made in it, any one's with those after it (chain_to:
 *    seed inner-id-chain), or the
 *    URL of a link of the input gone from the output with the
 *    replacements made in it, a whole one tried before a start),
 *    so that an edit never makes a link of
 *    bytes the analysis read otherwise (unless a limit cut either
 *    analysis, or the MIME is damaged, or links were missed or parts
 *    skipped); and every tracked link whose URL a substitution replaces,
 *    even one replaced elsewhere, is reported (seed rewrite-makes-link:
 *    the header block ended at a line that is no header, and GMime read
 *    on to the blank line).
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
 * source tree, as fuzz/run.sh does), else none.  With RF_FUZZ_DUMP set
 * in the environment, each output is written to standard error before
 * it is checked (to read what a stop wrote).  With RF_FUZZ_WANT=TEXT
 * (and the strict checks), only a new link holding TEXT stops a run and
 * no tracked link left live does: to reduce one stop (-minimize_crash,
 * which keeps any crash) without it turning into another.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>
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
 * msg[0..len): with any edit, the blank line given to GMime is written
 * where the analysis' body starts, and no edit is before it. */
static void
check_edits(const rf_rewrite *rw, const char *msg, size_t len,
	    const rf_buf *out)
{
	size_t i, pos = 0, o = 0, n;

	if (rw->nedits > 0 && rw->ins != SIZE_MAX) {
		if (rw->ins != rf_rewrite_body_offset(rw))
			fail("the blank line not where the body starts");
		pos = rw->ins;
		n = strlen(rw->ins_eol);
		if (out->len < pos + n || memcmp(out->data, msg, pos) != 0 ||
		    memcmp(out->data + pos, rw->ins_eol, n) != 0)
			fail("no blank line where the body starts");
		o = pos + n;
	}
	for (i = 0; i < rw->nedits; i++) {
		const struct rf__edit *e = &rw->edits[i];

		if (e->off > e->end || e->end > len)
			fail("an edit outside the message");
		if (i > 0 && e->off < rw->edits[i - 1].off)
			fail("edits out of order");
		if (e->off < rf_rewrite_body_offset(rw))
			fail("an edit before the body");
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

/* What live_cb reads: the rewriter, and whether the strict checks run. */
struct live {
	const rf_rewrite *rw;
	int strict;
};

/* live_cb: stops the walk when l's URL is the from of a link
 * substitution of arg's rewriter (a struct live) and is no
 * substitution's to (then a chain may have made it): a link left live.
 * By default only a substitution replaced nowhere counts (an occurrence
 * the rewriter's count cannot see is left to the strict check); strict,
 * every substitution, for a tracked link. */
static int
live_cb(rf_link *l, void *arg)
{
	const struct live *lv = arg;
	const rf_rewrite *rw = lv->rw;
	size_t i, j;

	if (l->kind == RF_LINK_HEADER || (lv->strict && !l->tracking))
		return 0;
	for (i = 0; i < rw->nsubst; i++) {
		if (rw->subst[i].text || (!lv->strict &&
		    rw->subst[i].hits > 0) || strcmp(l->url,
		    rw->subst[i].from) != 0)
			continue;
		for (j = 0; j < rw->nsubst; j++)
			if (strcmp(rw->subst[j].to, l->url) == 0)
				break;
		if (j == rw->nsubst)
			return 1;
	}
	return 0;
}

/* One URL of a message's links: as found, and without its CRs (a part
 * written again has every line end alike: a URL that ran over a line end
 * of the other kind reads with CRLF where it had LF, or the reverse). */
struct url {
	const char *orig;
	char *norm;
};

/* The URLs of a message's links (rf_tracking_walk), to compare two. */
struct urls {
	struct url *v;
	size_t n, cap;
};

/* no_cr: s without its CRs (malloc). */
static char *
no_cr(const char *s, size_t n)
{
	char *o = malloc(n + 1);
	size_t i, k = 0;

	if (o == NULL)
		fail("out of memory");
	for (i = 0; i < n; i++)
		if (s[i] != '\r')
			o[k++] = s[i];
	o[k] = '\0';
	return o;
}

/* url_push: x appended to u (a copy of the struct: u owns nothing
 * more). */
static void
url_push(struct urls *u, struct url x)
{
	struct url *v;

	if (u->n == u->cap) {
		if ((v = realloc(u->v, (u->cap * 2 + 16) * sizeof(*v))) ==
		    NULL)
			fail("out of memory");
		u->v = v;
		u->cap = u->cap * 2 + 16;
	}
	u->v[u->n++] = x;
}

/* url_cb: l's URL appended to arg (a struct urls; its norm made), as
 * rf_tracking_walk calls it. */
static int
url_cb(rf_link *l, void *arg)
{
	struct url x;

	x.orig = l->url;
	x.norm = no_cr(l->url, strlen(l->url));
	url_push(arg, x);
	return 0;
}

/* cmp_url: qsort order of struct url, by norm. */
static int
cmp_url(const void *x, const void *y)
{
	return strcmp(((const struct url *)x)->norm,
	    ((const struct url *)y)->norm);
}

/* written: url (without CRs) is a form the rewriter writes: a
 * substitution's to (without CRs; followed by blanks only: a value left
 * unclosed runs to the line end that closes the leaf; or cut short: in
 * text the analysis ends a URL before the punctuation that ends a
 * sentence, RF__URL_TRAIL, and at a byte no URL has, 8-bit ones among
 * them; a to that is no UTF-8 read as the analysis reads such bytes:
 * as Windows-1252 in a part that is no UTF-8, each invalid byte as
 * U+FFFD in a part it takes as UTF-8, as Latin-1 in a part declared
 * ISO-8859-1: seed rewrite-to-latin1), or, with an rf_rewrite_add
 * substitution, a URL holding its to. */
static int
written(const rf_rewrite *rw, const char *url)
{
	size_t i, n, m, r;
	char *to, *w;
	int yes = 0;

	for (i = 0; i < rw->nsubst && !yes; i++) {
		const struct rf__subst *s = &rw->subst[i];

		if (s->text) {
			yes = strstr(url, s->to) != NULL;
			continue;
		}
		to = no_cr(s->to, s->tl);
		for (r = 0; r < 4 && !yes; r++) {
			/* r 0: as written; 1, 2, 3: a to that is no UTF-8
			 * read as Windows-1252, with U+FFFD for each invalid
			 * byte, or as Latin-1 */
			if (r == 0)
				w = g_strdup(to);
			else if (g_utf8_validate(to, -1, NULL))
				break;
			else if (r == 1)
				w = g_convert(to, -1, "UTF-8", "WINDOWS-1252",
				    NULL, NULL, NULL);
			else if (r == 2)
				w = g_utf8_make_valid(to, -1);
			else
				w = g_convert(to, -1, "UTF-8", "ISO-8859-1",
				    NULL, NULL, NULL);
			if (w == NULL)
				continue;
			n = strlen(w);
			if (strncmp(url, w, n) == 0)
				yes = url[n + strspn(url + n, " \t\n")] ==
				    '\0';
			else	/* the to read cut short */
				yes = (m = strlen(url)) > 0 && m < n &&
				    memcmp(url, w, m) == 0;
			g_free(w);
		}
		free(to);
	}
	return yes;
}

/* append_refs: v appended to b with each "'" written "&#39;". */
static void
append_refs(GByteArray *b, const char *v)
{
	for (; *v != '\0'; v++)
		if (*v == '\'')
			g_byte_array_append(b, (const guint8 *)"&#39;", 5);
		else
			g_byte_array_append(b, (const guint8 *)v, 1);
}

/* unref: each "&#39;" of s written "'" again (in place). */
static void
unref(char *s)
{
	char *w = s;

	while (*s != '\0')
		if (strncmp(s, "&#39;", 5) == 0) {
			*w++ = '\'';
			s += 5;
		} else
			*w++ = *s++;
	*w = '\0';
}

/* derived: url (without CRs) is the URL v of a link of the input with
 * rw's replacements made in it (as in an HTML or a text leaf; but for
 * the one of v itself, evidently not made: the output would show its
 * to), without its CRs, or the start of that: a link that held an
 * occurrence of another from (a redirect's target, a code after '='),
 * read shorter when what was replaced in it ends it otherwise (a "link"
 * of damaged HTML running over lines and tags), unless exact; or that
 * followed by one line end: a value left unclosed runs to the end of
 * the leaf, and when a replacement took the leaf's last line end the
 * writer puts it back (lib/rewrite.c, "keep the line end that closed
 * the original region"; seed wide-to-line-end).  Only the
 * substitutions from first on are taken.  Its bytes were a link's in
 * the input or the rewriter's.  Read as a quoted attribute value of an
 * HTML leaf (where an occurrence after a '=' stands alone, and none
 * next to an 8-bit byte: s31), as HTML, as text, and as text with
 * the wide substitutions first: inside a quoted value of an HTML leaf
 * the loop makes those first, in bytes that read as text there, which
 * v's own markup ("<m c=BUG ", read as a tag) would read otherwise
 * (s30's fourth strict run). */
static int
derived(const rf_rewrite *rw, const char *v, const char *url, int exact,
	size_t first)
{
	rf_rewrite *t = NULL, *tw = NULL;
	GByteArray *b;
	size_t i, n;
	char *r;
	int html, same = 0, pass;

	if (rf_rewrite_new(NULL, &t, NULL) != RF_OK ||
	    rf_rewrite_new(NULL, &tw, NULL) != RF_OK)
		fail("out of memory");
	for (pass = 0; pass < 3; pass++) {	/* tw: the wide ones first */
		rf_rewrite *x = pass == 0 ? t : tw;

		for (i = first; i < rw->nsubst; i++) {
			const struct rf__subst *s = &rw->subst[i];

			if ((pass == 1 && !s->wide) || (pass == 2 && s->wide))
				continue;
			if (s->text ? rf_rewrite_add(x, s->from, s->to,
			    NULL) != RF_OK : strcmp(s->from, v) != 0 &&
			    rf__rewrite_subst(x, s->from, s->hash, s->to,
			    0) != 0)
				fail("out of memory");
		}
	}
	/* 2: as a quoted attribute value in HTML (s31: "<h r=\xff\xff<\xff"
	 * in an href, its web bug "\xff\xff" emptied after the '=' and not
	 * next to an 8-bit byte; seed quoted-value-derived); 1: as HTML;
	 * 0: as text; -1: as text, the wide ones first */
	for (html = 2; html >= -1 && !same; html--) {
		/* a value holding both quotes has its "'" written "&#39;",
		 * as HTML writes one (s32's seventh strict run: "&#39" in
		 * an href, seed quote-ref-derived) */
		int both = strchr(v, '"') != NULL && strchr(v, '\'') != NULL;
		const char *q = strchr(v, '"') == NULL ? "\"" : "'";
		size_t pre = html == 2 ? 9 : 0;	/* "<a href=" and q */

		b = g_byte_array_new();
		if (html == 2) {
			g_byte_array_append(b, (const guint8 *)"<a href=", 8);
			g_byte_array_append(b, (const guint8 *)q, 1);
		}
		if (html == 2 && both)
			append_refs(b, v);
		else
			g_byte_array_append(b, (const guint8 *)v,
			    (guint)strlen(v));
		if (html == 2) {
			g_byte_array_append(b, (const guint8 *)q, 1);
			g_byte_array_append(b, (const guint8 *)">", 1);
		}
		n = 0;
		if (rf__rewrite_leaf(html >= 0 ? t : tw, html > 0, NULL, &b,
		    &n) < 0)
			fail("out of memory");
		if (html == 2 && (b->len < pre + 2 || b->data[b->len - 2] !=
		    (guint8)*q || b->data[b->len - 1] != '>')) {
			g_byte_array_free(b, TRUE);
			continue;
		}
		/* (data is NULL when the leaf was emptied) */
		r = b->len > 0 ? no_cr((const char *)b->data + pre, b->len -
		    pre - (html == 2 ? 2 : 0)) : no_cr("", 0);
		if (html == 2 && both)
			unref(r);
		n = strlen(r);
		same = url[0] != '\0' && ((exact ? strcmp(r, url) :
		    strncmp(r, url, strlen(url))) == 0 || (strncmp(r, url,
		    n) == 0 && strcmp(url + n, "\n") == 0));
		free(r);
		g_byte_array_free(b, TRUE);
	}
	rf_rewrite_free(t);
	rf_rewrite_free(tw);
	return same;
}

/* chain_to: url (without CRs) is the to of a substitution with the
 * replacements of others made in it: in HTML the loop replaces the wide
 * froms (a byte no URL has) first, then the others everywhere, inside a
 * wide to just written too (a code that the wide link's clean form kept,
 * also a link of its own: seed strict-nul-newlink), so a wide to is
 * taken with every other substitution, and a start of it; and any
 * substitution's to is taken on by those after it (the loop's order;
 * the one pass goes on in a run with the replacements after the one
 * made, "a chain 1 -> 2 -> 3"), whole: a web bug whose clean form kept
 * the recipient's code (`&d=amFu...`), that code a link of its own
 * substituted after it (seed inner-id-chain).  Its bytes are the
 * rewriter's (a to's), and removing the code from them is what the
 * rewriter is for. */
static int
chain_to(const rf_rewrite *rw, const char *url)
{
	size_t i;

	for (i = 0; i < rw->nsubst; i++)
		if (rw->subst[i].wide ? derived(rw, rw->subst[i].to, url, 0,
		    0) : derived(rw, rw->subst[i].to, url, 1, i + 1))
			return 1;
	return 0;
}

/* after_text: url (as found) comes right after the to of an
 * rf_rewrite_add substitution in out[0..n), or in the text the analysis
 * read of the output's text/plain or text/html leaves (lv's text and
 * html_text, decoded: a part written again in quoted-printable may have
 * a soft line break, or "=3D", between the to and the bytes after it or
 * among those: seed rewrite-add-ends-url-qp): such a substitution
 * replaces its from anywhere, in any text, and a to that ends a URL
 * ("[redacted]": ']') lets the bytes after it read as a link of their
 * own, which in the input ran on from the address (seed
 * rewrite-add-ends-url).  Its bytes were the input's.  (Compared up to
 * its first 8-bit byte: the analysis may read raw bytes of the output as
 * U+FFFD: seed rewrite-add-ends-url-8bit.) */
static int
after_text(const rf_rewrite *rw, const char *url, const char *out, size_t n,
	   const rf_message *lv)
{
	size_t i, ul;
	char *needle;
	int yes = 0;

	for (ul = 0; ul < 32 && url[ul] != '\0' &&
	    (unsigned char)url[ul] < 0x80; ul++)
		;
	for (i = 0; i < rw->nsubst && !yes; i++) {
		const struct rf__subst *s = &rw->subst[i];

		if (!s->text || ul == 0)
			continue;
		if ((needle = malloc(s->tl + ul)) == NULL)
			fail("out of memory");
		memcpy(needle, s->to, s->tl);
		memcpy(needle + s->tl, url, ul);
		yes = memmem(out, n, needle, s->tl + ul) != NULL ||
		    (lv->text != NULL && memmem(lv->text, lv->text_len,
		    needle, s->tl + ul) != NULL) || (lv->html_text != NULL &&
		    memmem(lv->html_text, lv->html_text_len, needle, s->tl +
		    ul) != NULL);
		free(needle);
	}
	return yes;
}

/* urls_free: u's norms and array. */
static void
urls_free(struct urls *u)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		free(u->v[i].norm);
	free(u->v);
}

/* The prefix pairing of check_new_links: edge[f * ng + g] says fresh
 * link f may be read from gone link g (derived, not whole); to[g] the
 * fresh link paired with gone link g, or -1; seen[g] this search's
 * visits. */
struct pairing {
	const unsigned char *edge;
	long *to;
	unsigned char *seen;
	size_t ng;
};

/* augment: fresh link f paired with a gone link, taking one from
 * another fresh link only when that one can be paired anew (Kuhn's
 * augmenting path): 1 when paired. */
static int
augment(struct pairing *p, size_t f)
{
	size_t g;

	for (g = 0; g < p->ng; g++) {
		if (!p->edge[f * p->ng + g] || p->seen[g])
			continue;
		p->seen[g] = 1;
		if (p->to[g] < 0 || augment(p, (size_t)p->to[g])) {
			p->to[g] = (long)f;
			return 1;
		}
	}
	return 0;
}

/* pair_prefixes: the fresh links left (fresh[j] not NULL) paired with
 * the gone ones left (orig not NULL) of which each may be read shorter
 * (derived, not whole), as many as can be (a greedy pairing in order
 * could take a gone link another fresh link needed: seed
 * derived-prefix-match, "http://r}BUG", "http://r=X://r}BUG" and
 * "http://r=BUG", the bug emptied, read "http://r", "http://r=X://r"
 * and "http://r=", and the first took the second's), each paired
 * fresh[j] set to NULL. */
static void
pair_prefixes(const rf_rewrite *rw, struct url *gone, size_t ng,
	      struct url **fresh, size_t nf)
{
	struct pairing p = { NULL, NULL, NULL, ng };
	unsigned char *edge;
	size_t f, g;

	if (nf == 0 || ng == 0)
		return;
	edge = calloc(nf * ng, 1);
	p.to = malloc(ng * sizeof(*p.to));
	p.seen = malloc(ng);
	if (edge == NULL || p.to == NULL || p.seen == NULL)
		fail("out of memory");
	for (f = 0; f < nf; f++)
		for (g = 0; fresh[f] != NULL && g < ng; g++)
			edge[f * ng + g] = gone[g].orig != NULL &&
			    derived(rw, gone[g].orig, fresh[f]->norm, 0, 0);
	p.edge = edge;
	for (g = 0; g < ng; g++)
		p.to[g] = -1;
	for (f = 0; f < nf; f++) {
		memset(p.seen, 0, ng);
		if (fresh[f] != NULL)
			augment(&p, f);
	}
	for (g = 0; g < ng; g++)
		if (p.to[g] >= 0) {
			fresh[p.to[g]] = NULL;
			gone[g].orig = NULL;	/* used */
		}
	free(edge);
	free(p.to);
	free(p.seen);
}

/* check_new_links: every link of out (the output analysed) that in (the
 * input analysed) did not have, by URL (CRs aside) counting occurrences,
 * is a form the rewriter wrote: a substitution's to (written), or the
 * URL of a link of the input gone from the output with the replacements
 * made in it (derived), or a wide substitution's to with the others'
 * replacements made in it, or any one's with those after it (chain_to);
 * so that an edit never makes a link
 * of bytes the analysis read otherwise.  (Not when a limit cut either
 * analysis: then links past max_links, or text past a size, may come in
 * view; nor in damaged MIME, where a part written again may show the
 * analysis other parts, as the header comment says; the caller checks
 * only when nothing was missed or skipped.)  Or one right after an
 * rf_rewrite_add
 * substitution's to in the output bytes o[0..olen), or in the text of
 * out's leaves (after_text).  With want (RF_FUZZ_WANT) not NULL, only a
 * new link holding it stops the run. */
static void
check_new_links(const rf_rewrite *rw, rf_message *in, rf_message *out,
		const char *o, size_t olen, const char *want)
{
	struct urls a = { 0 }, b = { 0 };
	struct url *gone = NULL, **fresh = NULL;
	size_t i = 0, j = 0, k, g, ng = 0, nf = 0;
	int c;

	if (in->limits_hit != 0 || out->limits_hit != 0 ||
	    ((in->flags | out->flags) & RF_MSG_MIME_DAMAGED))
		return;
	rf_tracking_walk(in, url_cb, &a);
	rf_tracking_walk(out, url_cb, &b);
	if (a.n > 0)
		qsort(a.v, a.n, sizeof(*a.v), cmp_url);
	if (b.n > 0)
		qsort(b.v, b.n, sizeof(*b.v), cmp_url);
	gone = malloc((a.n + 1) * sizeof(*gone));
	fresh = malloc((b.n + 1) * sizeof(*fresh));
	if (gone == NULL || fresh == NULL)
		fail("out of memory");
	/* the multisets' differences: gone from the input, fresh in the
	 * output */
	while (i < a.n || j < b.n) {
		c = i == a.n ? 1 : j == b.n ? -1 : strcmp(a.v[i].norm,
		    b.v[j].norm);
		if (c == 0) {
			i++;
			j++;
		} else if (c < 0) {
			gone[ng++] = a.v[i++];
		} else {
			fresh[nf++] = &b.v[j++];
		}
	}
	/* whole ones first, for every fresh link, so that a link read
	 * shorter does not take the one a longer link is (seed
	 * derived-prefix), nor one another fresh link is whole (seed
	 * derived-prefix-order: "http://r}BUG" and "http://r=BUG" in HTML
	 * text, the bug emptied, read "http://r" and "http://r=", and the
	 * first took the second's as a prefix); then the shorter ones
	 * (pair_prefixes) */
	for (j = 0; j < nf; j++) {
		if (written(rw, fresh[j]->norm) || after_text(rw,
		    fresh[j]->orig, o, olen, out)) {
			fresh[j] = NULL;
			continue;
		}
		for (g = 0; g < ng; g++)
			if (gone[g].orig != NULL && derived(rw, gone[g].orig,
			    fresh[j]->norm, 1, 0))
				break;
		if (g < ng) {
			gone[g].orig = NULL;	/* used */
			fresh[j] = NULL;
		}
	}
	pair_prefixes(rw, gone, ng, fresh, nf);
	for (j = 0; j < nf; j++) {
		if (fresh[j] == NULL || chain_to(rw, fresh[j]->norm) ||
		    (want != NULL && strstr(fresh[j]->norm, want) == NULL))
			continue;
		for (k = 0; fresh[j]->norm[k] != '\0' && k < 200; k++)
			;
		fprintf(stderr, "new link: %.*s\n", (int)k, fresh[j]->norm);
		fail("a link the input did not have");
	}
	free(gone);
	free(fresh);
	urls_free(&a);
	urls_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rf_ctx *ctx[4];	/* one per max_rewrite_edits, made once */
	static rf_rules *rules;
	static int strict = -1;	/* the strict checks: RF_FUZZ_STRICT set,
				 * and not to "0" */
	static int dump = -1;	/* RF_FUZZ_DUMP set: each output written to
				 * standard error (to read a stop) */
	static const char *want;	/* RF_FUZZ_WANT: only a new link
				 * holding it stops (strict), to reduce one
				 * stop (-minimize_crash) without it turning
				 * into another */
	struct live lv;
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
	if (dump < 0)
		dump = getenv("RF_FUZZ_DUMP") != NULL;
	if (dump) {
		fwrite(out.data, 1, out.len, stderr);
		fputs("\n-- end of the output\n", stderr);
	}
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
		/* (an output of no bytes, a header-less message whose whole
		 * text was one link emptied, has no part to count) */
		if (!(m->flags & RF_MSG_MIME_DAMAGED) && out.len > 0 &&
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
	if (rf_message_parse(ctx[k], out.data, out.len, &live, NULL) ==
	    RF_OK && rf_tracking_message(ctx[k], rules, live, rcpt, NULL) ==
	    RF_OK) {
		if (strict < 0) {
			strict = getenv("RF_FUZZ_STRICT") != NULL &&
			    strcmp(getenv("RF_FUZZ_STRICT"), "0") != 0;
			want = getenv("RF_FUZZ_WANT");
		}
		if (strict && st.missed == 0 && st.skipped == 0)
			check_new_links(rw, m, live, out.data, out.len, want);
		lv.rw = rw;
		lv.strict = strict;
		if (want == NULL && st.missed == 0 && st.skipped == 0 &&
		    st.limits_hit == 0 && rf_tracking_walk(live, live_cb,
		    &lv) != 0)
			fail("a tracked link left live, not reported");
	}
done:
	rf_message_free(live);
	rf_message_free(again);
	rf_message_free(m);
	rf_rewrite_free(rw);
	rf_buf_free(&out);
	return 0;
}
