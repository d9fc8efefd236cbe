/*
 * tracking_message.c - the tracking-code analysis of one message: each
 * link by rf__track_link (tracking.c), a link repeated in the message by
 * the memo, a recipient's analysis from the recipient-independent base
 * (rf_tracking_prepare), the step for mail that is not bulk (opaque ids
 * and other addresses count only in bulk mail), embedded messages with
 * their own recipient.  docs/tracking.md, "Opaque tokens" (the policy
 * for a single message) and "Cost"; docs/design/tracking-record.md,
 * "Throughput".
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <xxhash.h>

#include "internal.h"

/* bulk_headers: m has List-Unsubscribe or List-Id, or its first
 * Precedence header says bulk, list or junk. */
static int
bulk_headers(const rf_message *m)
{
	const char *p;

	if (m->list_unsubscribe != NULL || m->list_id != NULL ||
	    rf_message_header(m, "List-Unsubscribe") != NULL ||
	    rf_message_header(m, "List-Id") != NULL)
		return 1;
	if ((p = rf_message_header(m, "Precedence")) == NULL)
		return 0;
	while (isspace((unsigned char)*p))
		p++;
	return strncasecmp(p, "bulk", 4) == 0 ||
	    strncasecmp(p, "list", 4) == 0 || strncasecmp(p, "junk", 4) == 0;
}

/* drop_opaque: the step for mail that is not bulk, on link l: the tokens
 * found by shape alone (rf__weak_reason: opaque-token, other-address)
 * leave l->tokens for l->dropped, in order found, and l's reasons and
 * clean form follow.  0, or -1 when out of memory. */
static int
drop_opaque(const rf_ctx *ctx, rf_arena *a, const rf_rules *r, rf_link *l,
	    unsigned maxdepth, unsigned *limits_hit)
{
	size_t i, o, nd = 0;

	for (i = 0; i < l->ntokens; i++)
		nd += rf__weak_reason(l->tokens[i].reason) != 0;
	if (nd == 0)
		return 0;
	if ((l->dropped = rf_arena_array(a, nd, sizeof(*l->dropped))) == NULL)
		return -1;
	l->ndropped = 0;
	for (i = o = 0; i < l->ntokens; i++) {
		if (rf__weak_reason(l->tokens[i].reason))
			l->dropped[l->ndropped++] = l->tokens[i];
		else
			l->tokens[o++] = l->tokens[i];
	}
	l->ntokens = o;
	return rf__tracking_finish(ctx, a, r, l, maxdepth, limits_hit);
}

int
rf__restore_dropped(rf_arena *a, rf_link *l, const char *reason,
		    size_t maxtok)
{
	struct rf__toks t;
	size_t i, o;

	memset(&t, 0, sizeof(t));
	t.max = maxtok;
	for (i = o = 0; i < l->ndropped; i++) {
		if (reason != NULL && strcmp(l->dropped[i].reason, reason) != 0) {
			l->dropped[o++] = l->dropped[i];
			continue;
		}
		if (rf__tok_add(a, &t, l->dropped[i].off, l->dropped[i].len,
		    l->dropped[i].reason) != 0)
			return -1;
	}
	l->ndropped = o;
	if (t.n == 0)
		return 0;
	/* the analysis's tokens first, then the later step's: bulk mail's
	 * order */
	for (i = 0; i < l->ntokens; i++)
		if (rf__tok_add(a, &t, l->tokens[i].off, l->tokens[i].len,
		    l->tokens[i].reason) != 0)
			return -1;
	l->tokens = t.v;
	l->ntokens = t.n;
	return 0;
}

/*
 * The memo of one message's links (one recipient): the analysis of a
 * link reads only its url, its web-bug verdict and whether it is an image
 * (or CSS), so a link equal to an earlier one in these gets a copy of that
 * one's tokens, reasons and clean form instead of a second analysis
 * (text and HTML alternatives, repeated images).  Its limits were already
 * counted by the first.  docs/design/tracking-record.md, "Throughput".
 */
struct memo {
	size_t *slot;		/* open addressing: 1 + link index, 0 empty */
	size_t mask;
	const char **bug;	/* rf__web_bug() of each link analysed */
	size_t *len;		/* strlen(url) of each link analysed */
	uint64_t *hash;		/* of each link's url */
};

static int
image_like(const rf_link *l)
{
	return l->kind == RF_LINK_IMG || l->kind == RF_LINK_CSS;
}

static int
same_bug(const char *x, const char *y)
{
	return x == y || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

/* memo_init: a memo for n links in a; -1 when out of memory. */
static int
memo_init(rf_arena *a, struct memo *mo, size_t n)
{
	size_t size = 8;

	while (size < 2 * n)
		size *= 2;
	mo->mask = size - 1;
	mo->slot = rf_arena_array(a, size, sizeof(*mo->slot));
	mo->bug = rf_arena_array(a, n, sizeof(*mo->bug));
	mo->len = rf_arena_array(a, n, sizeof(*mo->len));
	mo->hash = rf_arena_array(a, n, sizeof(*mo->hash));
	return mo->slot == NULL || mo->bug == NULL || mo->len == NULL ||
	    mo->hash == NULL ? -1 : 0;
}

/* memo_find: links v[i]'s earlier equal (its index, as in the comment
 * above struct memo), or i itself after recording it as the first. */
static size_t
memo_find(struct memo *mo, const rf_link *v, size_t i)
{
	size_t h, j;

	h = (size_t)mo->hash[i];
	for (;; h++) {
		j = mo->slot[h & mo->mask];
		if (j == 0) {
			mo->slot[h & mo->mask] = i + 1;
			return i;
		}
		j--;
		if (mo->hash[j] == mo->hash[i] && mo->len[j] == mo->len[i] &&
		    image_like(&v[j]) == image_like(&v[i]) &&
		    same_bug(mo->bug[j], mo->bug[i]) &&
		    memcmp(v[j].url, v[i].url, mo->len[i]) == 0)
			return j;
	}
}

/* memo_copy: to gets from's analysis (own arrays: later steps edit them
 * in place); -1 when out of memory. */
static int
memo_copy(rf_arena *a, const rf_link *from, rf_link *to)
{
	to->tracking = from->tracking;
	to->dropped = NULL;	/* the not-bulk step comes later */
	to->ndropped = 0;
	to->tokens = NULL;
	to->ntokens = from->ntokens;
	to->reasons = NULL;
	to->nreasons = from->nreasons;
	if (from->ntokens > 0) {
		if ((to->tokens = rf_arena_array(a, from->ntokens,
		    sizeof(*to->tokens))) == NULL)
			return -1;
		memcpy(to->tokens, from->tokens, from->ntokens *
		    sizeof(*to->tokens));
	}
	if (from->nreasons > 0) {
		if ((to->reasons = rf_arena_array(a, from->nreasons,
		    sizeof(*to->reasons))) == NULL)
			return -1;
		memcpy(to->reasons, from->reasons, from->nreasons *
		    sizeof(*to->reasons));
	}
	to->clean = from->clean == from->url ? to->url : from->clean;
	return 0;
}

/* links_one: the analysis of each of the n links v, by the memo when
 * use_memo (else each on its own, the reference the tests compare with);
 * with hit not NULL, the limits of link i's own analysis also go to
 * hit[i] (0 for a copy) and the index of the link it is a copy of (or i)
 * to first[i]. */
static rf_status
links_one(const rf_ctx *ctx, const rf_rules *rules, rf_link *v, size_t n,
	  rf_arena *a, const rf_recipient *rcpt, int use_memo,
	  unsigned *limits_hit, unsigned *hit, size_t *first, rf_error *err)
{
	struct memo mo = { 0 };
	rf_status st;
	size_t i, j;

	if (use_memo && memo_init(a, &mo, n) != 0)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		rf_link *l = &v[i];
		const char *bug;
		unsigned one = 0;

		if (l->url == NULL)
			l->url = "";
		bug = rf__web_bug(l);
		j = i;
		if (use_memo) {
			mo.bug[i] = bug;
			mo.len[i] = strlen(l->url);
			mo.hash[i] = XXH3_64bits(l->url, mo.len[i]);
			j = memo_find(&mo, v, i);
		}
		if (hit != NULL) {
			hit[i] = 0;
			first[i] = j;
		}
		if (j != i) {
			if (memo_copy(a, &v[j], l) != 0)
				return rf_error_set(err, RF_ENOMEM,
				    "out of memory");
			continue;
		}
		st = rf__track_link(ctx, rules, a, rcpt, l, bug, NULL,
		    RF_TRK_OPAQUE, &one, err);
		if (st != RF_OK)
			return st;
		*limits_hit |= one;
		if (hit != NULL)
			hit[i] = one;
	}
	return RF_OK;
}

/* b64_carried: url (len bytes) carries a base64-encoded destination
 * (rf__dest_decode's b64) at one of the maxdepth levels the analysis
 * unwraps, as it finds them: there the analysis searches the address
 * again (tracking.c, analyse), which the search of the whole URL cannot
 * see.  1, 0, or -1 when out of memory. */
static int
b64_carried(rf_arena *a, const rf_rules *rules, const char *url, size_t len,
	    unsigned maxdepth)
{
	struct rf__url u;
	struct rf__decoded d;
	size_t off, dlen;
	unsigned depth;

	for (depth = 0; depth < maxdepth; depth++) {
		rf__url_split(url, len, &u);
		if (u.host_len > 0 && url[u.host_off + u.host_len - 1] == '.')
			u.host_len--;	/* as analyse reads the host */
		if (!rf__url_destination(rules, &u, 1, &off, &dlen))
			return 0;
		if (rf__dest_decode(a, url, off, dlen, &d) != 0)
			return -1;
		if (d.b64)
			return 1;
		url = d.s;
		len = d.len;
	}
	return 0;
}

/*
 * The recipient-independent analysis of one message's links (struct
 * rf_tracking_base, redflag/tracking.h): each link analysed without a
 * recipient, and the limits it hit.  A recipient's address search adds
 * tokens only (rf__tok_add appends or does nothing) and runs first, on
 * the link itself, so a link in which it finds nothing (and hits no
 * limit) gets exactly the analysis without a recipient: a copy of the
 * base's.  Only the links in which it finds something are analysed
 * again in full.  docs/design/analysis-performance.md, "Many
 * recipients".
 */
struct rf_tracking_base {
	rf_link *v;		/* copies of m's links, analysed */
	unsigned *hit;		/* the limits of v[i]'s own analysis */
	size_t *first;		/* v[i] is a copy of v[first[i]] */
	unsigned char *b64;	/* v[i] carries a destination base64-
				 * encoded (b64_carried): the address is
				 * searched there again */
	size_t n;
	struct rf_tracking_base **emb;	/* of m->embedded[i] */
	size_t nemb;
};

static rf_status
base_make(const rf_ctx *ctx, const rf_rules *rules, rf_message *m,
	  rf_arena *a, struct rf_tracking_base **out, rf_error *err)
{
	struct rf_tracking_base *b;
	unsigned hit = 0;
	rf_status st;
	size_t i;

	if ((b = rf_arena_alloc(a, sizeof(*b))) == NULL ||
	    (b->v = rf_arena_array(a, m->links.n + 1, sizeof(*b->v))) ==
	    NULL ||
	    (b->hit = rf_arena_array(a, m->links.n + 1, sizeof(*b->hit))) ==
	    NULL ||
	    (b->first = rf_arena_array(a, m->links.n + 1,
	    sizeof(*b->first))) == NULL ||
	    (b->b64 = rf_arena_array(a, m->links.n + 1,
	    sizeof(*b->b64))) == NULL ||
	    (b->emb = rf_arena_array(a, m->nembedded + 1,
	    sizeof(*b->emb))) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	b->n = m->links.n;
	b->nemb = m->nembedded;
	for (i = 0; i < b->n; i++) {
		if (m->links.v[i].url == NULL)
			m->links.v[i].url = "";
		b->v[i] = m->links.v[i];
	}
	st = links_one(ctx, rules, b->v, b->n, a, NULL, 1, &hit, b->hit,
	    b->first, err);
	/* once per link, not per recipient: it depends on none */
	for (i = 0; i < b->n && st == RF_OK; i++) {
		size_t len = strlen(b->v[i].url), max = rf_ctx_limits(ctx)->
		    max_url_size;
		int k;

		if (b->first[i] != i)
			continue;
		if ((k = b64_carried(a, rules, b->v[i].url, len < max ? len :
		    max, rf_ctx_limits(ctx)->max_unwrap_depth)) < 0)
			st = rf_error_set(err, RF_ENOMEM, "out of memory");
		b->b64[i] = k > 0;
	}
	for (i = 0; i < b->nemb && st == RF_OK; i++)
		st = base_make(ctx, rules, m->embedded[i], a, &b->emb[i], err);
	if (st == RF_OK)
		*out = b;
	return st;
}

rf_status
rf_tracking_prepare(const rf_ctx *ctx, const rf_rules *rules,
		    rf_message *m, rf_tracking_base **out, rf_error *err)
{
	*out = NULL;
	return base_make(ctx, rules, m, m->arena, out, err);
}

/* rcpt_finds: the address search of rcpt in link l (as rf__track_link and
 * analyse start it, the tokens it leaves in *t) adds a token or hits the
 * token limit, or the link carries a base64-encoded destination (b64,
 * from the base: b64_carried), where the analysis searches again. */
static int
rcpt_finds(const rf_ctx *ctx, rf_arena *a, const rf_recipient *rcpt,
	   const rf_link *l, const char *bug, int b64, struct rf__toks *t,
	   int *found)
{
	struct rf__url u;
	size_t len;
	int cut;

	if (rf__link_start(rf_ctx_limits(ctx), a, l->url, bug, t, &len,
	    &cut) != 0)
		return -1;
	rf__url_split(l->url, len, &u);
	if (rf__rcpt_search(a, rcpt, l->url, len, u.path_off + u.path_len,
	    t) != 0)
		return -1;
	*found = t->n > (bug != NULL ? 1u : 0u) || t->limit_hit || b64;
	return 0;
}

/* links_base: links_one for rcpt, from base b of m (see struct
 * rf_tracking_base; base_make gave each of m's links without a URL the
 * empty one, as links_one would).  The address search works in an arena
 * of its own, freed at the end: what it allocates for a link where it
 * finds nothing would otherwise stay in m's arena once per recipient. */
static rf_status
links_base(const rf_ctx *ctx, const rf_rules *rules, rf_message *m,
	   rf_arena *a, const rf_recipient *rcpt,
	   const struct rf_tracking_base *b, unsigned *limits_hit,
	   rf_error *err)
{
	rf_arena *tmp = NULL;	/* the address search's work, dropped */
	struct rf__toks t;
	rf_status st = RF_OK;
	size_t i;
	int found;

	if (rcpt != NULL && (tmp = rf_arena_new()) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	for (i = 0; i < m->links.n && st == RF_OK; i++) {
		rf_link *l = &m->links.v[i];	/* url set: base_make */
		const char *bug;

		if (b->first[i] != i) {	/* as the memo of links_one */
			if (memo_copy(a, &m->links.v[b->first[i]], l) != 0)
				st = rf_error_set(err, RF_ENOMEM,
				    "out of memory");
			continue;
		}
		found = 0;
		bug = rf__web_bug(l);
		if (rcpt != NULL && rcpt_finds(ctx, tmp, rcpt, l, bug,
		    b->b64[i], &t, &found) != 0) {
			st = rf_error_set(err, RF_ENOMEM, "out of memory");
		} else if (!found) {
			if (memo_copy(a, &b->v[i], l) != 0)
				st = rf_error_set(err, RF_ENOMEM,
				    "out of memory");
			*limits_hit |= b->hit[i];
		} else {
			st = rf__track_link(ctx, rules, a, rcpt, l, bug, &t,
			    RF_TRK_OPAQUE, limits_hit, err);
		}
	}
	rf_arena_free(tmp);
	return st;
}

/* tracking_one: rf_tracking_message of m for rcpt, from base b when not
 * NULL. */
static rf_status
tracking_one(const rf_ctx *ctx, const rf_rules *rules, rf_message *m,
	     rf_arena *a, const rf_recipient *rcpt, int use_memo,
	     const struct rf_tracking_base *b, unsigned *limits_hit,
	     rf_error *err)
{
	const rf_limits *lim = rf_ctx_limits(ctx);
	rf_status st;
	size_t i, k;
	int bulk;

	bulk = bulk_headers(m);
	if (b != NULL && b->n == m->links.n && b->nemb == m->nembedded)
		st = links_base(ctx, rules, m, a, rcpt, b, limits_hit, err);
	else {
		b = NULL;
		st = links_one(ctx, rules, m->links.v, m->links.n, a, rcpt,
		    use_memo, limits_hit, NULL, NULL, err);
	}
	if (st != RF_OK)
		return st;
	for (i = 0; i < m->links.n; i++) {
		rf_link *l = &m->links.v[i];

		for (k = 0; k < l->ntokens && !bulk; k++)
			if (!rf__weak_reason(l->tokens[k].reason))
				bulk = 1;
	}
	for (i = 0; i < m->links.n && !bulk; i++)
		if (drop_opaque(ctx, a, rules, &m->links.v[i],
		    lim->max_unwrap_depth, limits_hit) != 0)
			return rf_error_set(err, RF_ENOMEM, "out of memory");
	for (i = 0; i < m->nembedded; i++) {
		rf_message *e = m->embedded[i];
		const rf_recipient *er = rcpt;
		rf_recipient *own = NULL;
		const char *addr;

		/* A forwarded message was received by its own recipient,
		 * or else by whoever forwarded it (the outer From). */
		addr = rf_message_recipient(e);
		if (addr == NULL)
			addr = m->from_addr;
		if (addr != NULL) {
			st = rf__recipient_new(ctx, a, addr, &own, err);
			if (st == RF_ENOMEM)
				return st;
			if (st == RF_OK)
				er = own;
		}
		st = tracking_one(ctx, rules, e, a, er, use_memo,
		    b != NULL ? b->emb[i] : NULL, limits_hit, err);
		if (st != RF_OK)
			return st;
	}
	return RF_OK;
}

rf_status
rf_tracking_message(const rf_ctx *ctx, const rf_rules *rules, rf_message *m,
		    const char *recipient, rf_error *err)
{
	return rf__tracking_message_memo(ctx, rules, m, recipient, 1, NULL,
	    err);
}

rf_status
rf_tracking_message_base(const rf_ctx *ctx, const rf_rules *rules,
			 rf_message *m, const rf_tracking_base *base,
			 const char *recipient, rf_error *err)
{
	return rf__tracking_message_memo(ctx, rules, m, recipient, 1, base,
	    err);
}

rf_status
rf__tracking_message_memo(const rf_ctx *ctx, const rf_rules *rules,
			  rf_message *m, const char *recipient, int use_memo,
			  const rf_tracking_base *base, rf_error *err)
{
	rf_recipient *rcpt = NULL;
	rf_error e2;
	unsigned hit = 0;
	rf_status st;

	if (recipient == NULL)
		recipient = rf_message_recipient(m);
	if (recipient != NULL &&
	    rf__recipient_new(ctx, m->arena, recipient, &rcpt, &e2) != RF_OK) {
		if (e2.status == RF_ENOMEM)
			return rf_error_set(err, RF_ENOMEM, "out of memory");
		rcpt = NULL;	/* not an address: no address search */
	}
	st = tracking_one(ctx, rules, m, m->arena, rcpt, use_memo, base,
	    &hit, err);
	m->limits_hit |= hit;
	return st;
}