/*
 * tracking_campaign.c - tracking codes found by comparing copies of one
 * campaign: what changes from recipient to recipient identifies the
 * recipient, what every copy shares does not (docs/tracking.md,
 * "Campaigns").
 */
#include <string.h>
#include <strings.h>

#include "internal.h"

enum unit_kind { U_HOST, U_PATH, U_QUERY, U_FRAG };

/* One comparable part of a URL: a host label (key: position from the
 * right), a path segment (key: position), a query value (key: its name),
 * the fragment.  The parts of a destination a tracking redirect carries
 * (docs/tracking.md, "Campaigns") are parts of their own, at the
 * destination's level, compared decoded. */
struct unit {
	enum unit_kind kind;
	unsigned level;		/* 0: the URL; n: the destination n in */
	size_t key;		/* position (U_HOST, U_PATH) */
	const char *name;	/* U_QUERY: its name */
	size_t namelen;
	const char *val;	/* the value compared (decoded below 0) */
	size_t vlen;
	size_t off, len;	/* its bytes in the URL (a token's range) */
	int wrap;		/* holds a destination, compared by its parts */
	int site;		/* U_HOST: a label of its host's site */
};

struct shaped {
	const char *url;
	size_t len;
	struct rf__url u;
	size_t site, site_len;	/* the host's site (rf__url_site_off), a
				 * trailing '.' left out */
	size_t nlabels, nsegs;
	struct unit *units;
	size_t nunits;
};

/* The text a unit is read from: the URL (beg NULL) or a destination
 * decoded from it, beg[i] and end[i] the URL bytes text[i] came from. */
struct text {
	const char *s;
	size_t len;
	unsigned level;
	const size_t *beg, *end;
};

static int
add_unit(rf_arena *a, struct shaped *s, size_t *cap, const struct text *x,
	 enum unit_kind kind, size_t key, size_t noff, size_t nlen,
	 size_t off, size_t len)
{
	struct unit *v;

	if (rf_arena_grow(a, (void **)&s->units, cap, s->nunits,
	    sizeof(struct unit)) != 0)
		return -1;
	v = &s->units[s->nunits++];
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	v->level = x->level;
	v->key = key;
	v->name = x->s + noff;
	v->namelen = nlen;
	v->val = x->s + off;
	v->vlen = len;
	if (x->beg == NULL) {
		v->off = off;
		v->len = len;
	} else if (len > 0) {
		v->off = x->beg[off];
		v->len = x->end[off + len - 1] - x->beg[off];
	} else {
		/* an empty value: where it stands, flagged never */
		v->off = off < x->len ? x->beg[off] :
		    x->len > 0 ? x->end[x->len - 1] : 0;
	}
	return 0;
}

/* shape_text: the units of x (a URL, or a destination decoded from
 * one), and those of the destination it carries (rf__url_destination,
 * as the clean form unwraps it) down to maxdepth levels; at level 0
 * also s->u, site, site_len, nlabels and nsegs.  A host's trailing '.'
 * ends no label ("a.example.com." has the labels and site of
 * "a.example.com").  0, or -1 when out of memory. */
static int
shape_text(const rf_ctx *ctx, rf_arena *a, const rf_rules *rules,
	   const struct text *x, unsigned maxdepth, struct shaped *s,
	   size_t *cap)
{
	struct rf__url u;
	struct rf__decoded d;
	struct text in;
	const char *p = x->s;
	size_t i, e, end, pos, po, pl, nl, vo, vl, k, nlabels = 0, nsegs = 0;
	size_t doff = 0, dlen = 0, site, hend, *beg, *en;
	int dest;

	rf__url_split(p, x->len, &u);
	hend = u.host_off + u.host_len;
	if (hend > u.host_off && p[hend - 1] == '.')
		hend--;
	for (i = u.host_off; i < hend; i++)
		nlabels += p[i] == '.';
	nlabels += hend > u.host_off;
	site = rf__url_site_off(ctx, &u);
	dest = x->level < maxdepth &&
	    rf__url_destination(rules, &u, 1, &doff, &dlen);
	for (i = u.host_off, k = nlabels; i < hend; i = e + 1) {
		for (e = i; e < hend && p[e] != '.'; e++)
			;
		if (add_unit(a, s, cap, x, U_HOST, --k, 0, 0, i, e - i) != 0)
			return -1;
		s->units[s->nunits - 1].site = i >= site;
	}
	end = u.path_off + u.path_len;
	for (i = u.path_off; i < end; i = e) {
		if (p[i] == '/')
			i++;
		for (e = i; e < end && p[e] != '/'; e++)
			;
		if (add_unit(a, s, cap, x, U_PATH, nsegs++, 0, 0, i,
		    e - i) != 0)
			return -1;
		s->units[s->nunits - 1].wrap = dest && i == doff &&
		    e - i == dlen;
	}
	pos = 0;
	while (u.has_query && rf__next_param(p + u.query_off,
	    u.query_len, &pos, &po, &pl, &nl, &vo, &vl)) {
		if (add_unit(a, s, cap, x, U_QUERY, 0, u.query_off + po, nl,
		    u.query_off + vo, vl) != 0)
			return -1;
		s->units[s->nunits - 1].wrap = dest &&
		    u.query_off + vo == doff && vl == dlen;
	}
	if (u.has_frag && add_unit(a, s, cap, x, U_FRAG, 0, 0, 0,
	    u.frag_off, u.frag_len) != 0)
		return -1;
	if (x->level == 0) {
		s->u = u;
		s->site = site;
		s->site_len = site < hend ? hend - site : 0;
		s->nlabels = nlabels;
		s->nsegs = nsegs;
	}
	if (!dest)
		return 0;
	/* the destination's parts, mapped back to the URL's bytes */
	if (rf__dest_decode(a, p, doff, dlen, &d) != 0)
		return -1;
	if (x->beg != NULL && d.len > 0) {
		beg = rf_arena_array(a, d.len, sizeof(size_t));
		en = rf_arena_array(a, d.len, sizeof(size_t));
		if (beg == NULL || en == NULL)
			return -1;
		for (i = 0; i < d.len; i++) {
			beg[i] = x->beg[d.beg[i]];
			en[i] = x->end[d.end[i] - 1];
		}
		d.beg = beg;
		d.end = en;
	}
	in.s = d.s;
	in.len = d.len;
	in.level = x->level + 1;
	in.beg = d.beg;
	in.end = d.end;
	return shape_text(ctx, a, rules, &in, maxdepth, s, cap);
}

static int
shape(const rf_ctx *ctx, rf_arena *a, const rf_rules *rules,
      unsigned maxdepth, const char *url, struct shaped *s)
{
	struct text x;
	size_t cap = 0;

	memset(s, 0, sizeof(*s));
	s->url = url;
	s->len = strlen(url);
	x.s = url;
	x.len = s->len;
	x.level = 0;
	x.beg = x.end = NULL;
	return shape_text(ctx, a, rules, &x, maxdepth, s, &cap);
}

/* Two links line up: same scheme, host shape (label count and site,
 * rf__site_off, any case) and number of path segments. */
static int
same_shape(const struct shaped *x, const struct shaped *y)
{
	if (x->nlabels != y->nlabels || x->nsegs != y->nsegs ||
	    x->u.has_auth != y->u.has_auth)
		return 0;
	if (x->u.host_off != y->u.host_off ||
	    strncasecmp(x->url, y->url, x->u.host_off) != 0)
		return 0;	/* scheme */
	return x->site_len == y->site_len && strncasecmp(x->url + x->site,
	    y->url + y->site, x->site_len) == 0;
}

/* find_unit: the unit of s that stands where u stands in its URL (the
 * same kind, level and position or name), or NULL. */
static const struct unit *
find_unit(const struct shaped *s, const struct unit *u)
{
	size_t i;

	for (i = 0; i < s->nunits; i++) {
		const struct unit *v = &s->units[i];

		if (v->kind != u->kind || v->level != u->level)
			continue;
		if (u->kind != U_QUERY ? v->key == u->key :
		    v->namelen == u->namelen && memcmp(v->name, u->name,
		    u->namelen) == 0)
			return v;
	}
	return NULL;
}

/* same_value: unit u and unit v hold the same value; host labels
 * compare without regard to case (InsuranceIQ.com and insuranceiq.com
 * are one host), every other part byte for byte. */
static int
same_value(const struct unit *u, const struct unit *v)
{
	if (v->vlen != u->vlen)
		return 0;
	if (u->kind == U_HOST)
		return strncasecmp(v->val, u->val, u->vlen) == 0;
	return memcmp(v->val, u->val, u->vlen) == 0;
}

/* similarity: how well y lines up with x: the units of x whose value y
 * shares, counted twice, and the query names both have; *pathdiff: path
 * segments of x that differ in y.  The URLs' own parts only (a carried
 * destination counts as the one part that holds it). */
static size_t
similarity(const struct shaped *x, const struct shaped *y, size_t *pathdiff)
{
	const struct unit *u, *v;
	size_t i, n = 0;
	int eq;

	*pathdiff = 0;
	for (i = 0; i < x->nunits; i++) {
		u = &x->units[i];
		if (u->level > 0 || (v = find_unit(y, u)) == NULL)
			continue;
		n += u->kind == U_QUERY;
		eq = same_value(u, v);
		n += eq ? 2 : 0;
		*pathdiff += !eq && u->kind == U_PATH;
	}
	return n;
}

struct copy {
	struct shaped *links;
	size_t n;
	unsigned char *used;
};

static int
collect(rf_link *l, void *arg)
{
	rf_link ***pp = arg;

	*(*pp)++ = l;
	return 0;
}

static int
count(rf_link *l, void *arg)
{
	(void)l;
	(*(size_t *)arg)++;
	return 0;
}

/* drop_opaque_in: withdraw opaque-token tokens inside [off, off+len).
 * An other-address token stays: every copy of a campaign to one mailbox
 * (or one list) carries the same address, and it still confirms it. */
static void
drop_opaque_in(rf_link *l, size_t off, size_t len)
{
	size_t i, o;

	for (i = o = 0; i < l->ntokens; i++) {
		if (strcmp(l->tokens[i].reason, "opaque-token") == 0 &&
		    l->tokens[i].off >= off &&
		    l->tokens[i].off + l->tokens[i].len <= off + len)
			continue;
		l->tokens[o++] = l->tokens[i];
	}
	l->ntokens = o;
}

/* same_rcpt: copies to one recipient (both known; addresses compare
 * without regard to case). */
static int
same_rcpt(const char *x, const char *y)
{
	return x != NULL && y != NULL && strcasecmp(x, y) == 0;
}

/* eligible: peer k is a copy to a known recipient other than rcpt
 * that has unit u; *v is its unit. */
static int
eligible(const struct unit *u, struct shaped **peers,
	 const char *const *prcpt, size_t k, const char *rcpt,
	 const struct unit **v)
{
	if (prcpt[k] == NULL || same_rcpt(prcpt[k], rcpt))
		return 0;
	return (*v = find_unit(peers[k], u)) != NULL;
}

/* pooled: one value of unit u is held by lined-up copies to
 * RF_CAMPAIGN_POOL_RCPTS or more different known recipients (other than
 * rcpt, the copy's own): the part is drawn from a pool, not per-recipient.
 * At most npeers^3 comparisons, made only for a part about to be
 * flagged. */
static int
pooled(const struct unit *u, struct shaped **peers,
       const char *const *prcpt, size_t npeers, const char *rcpt)
{
	const struct unit *v, *w, *x;
	size_t k, j, i, nr;

	for (k = 0; k < npeers; k++) {
		if (!eligible(u, peers, prcpt, k, rcpt, &v))
			continue;
		for (j = k, nr = 0; j < npeers; j++) {
			if (!eligible(u, peers, prcpt, j, rcpt, &w) ||
			    !same_value(v, w))
				continue;
			/* a recipient counted once */
			for (i = k; i < j; i++)
				if (same_rcpt(prcpt[i], prcpt[j]) &&
				    eligible(u, peers, prcpt, i, rcpt,
				    &x) && same_value(v, x))
					break;
			if (i == j && ++nr >= RF_CAMPAIGN_POOL_RCPTS)
				return 1;
		}
	}
	return 0;
}

/* holds_address: an other-address token of l (kept, or dropped by the
 * step for mail that is not bulk) overlaps unit u.  Such a value follows
 * the address the sender mailed, which the one recipient known of a copy
 * (its mailbox) does not tell apart from the others it receives under:
 * the recipients of the copies are not used for it. */
static int
holds_address(const rf_link *l, const struct unit *u)
{
	const rf_token *t;
	size_t i, n = l->ntokens + l->ndropped;

	for (i = 0; i < n; i++) {
		t = i < l->ntokens ? &l->tokens[i] :
		    &l->dropped[i - l->ntokens];
		if (t->off < u->off + u->len && u->off < t->off + t->len &&
		    strcmp(t->reason, RF__OTHER_ADDRESS) == 0)
			return 1;
	}
	return 0;
}

/* flaggable: unit u may be "varies-in-campaign": not a part that holds
 * a destination (its own parts are compared: s37, an Amazon SES link
 * whose destination held a per-copy uid was flagged whole, and its clean
 * form lost the destination's host), nor a label of a host's site
 * (rf__site_off: a destination's is another site, not a code; the URL's
 * own are the same in lined-up links). */
static int
flaggable(const struct unit *u)
{
	return !u->wrap && !(u->kind == U_HOST && u->site);
}

/* compare_link: the comparison of link l (me, for recipient rcpt or
 * NULL) with its lined-up peers (prcpt[k]: peer k's recipient or NULL):
 * "varies-in-campaign" on a part that differs from every peer, unless
 * (rcpt known, the part holding no other-address) the part is pooled; a
 * value that differs between copies to rcpt itself is a code (one per
 * sending names the recipient as well); opaque ids withdrawn on a part
 * the same in every peer.  0, or -1 when out of
 * memory. */
static int
compare_link(rf_arena *a, rf_link *l, const struct shaped *me,
	     struct shaped **peers, const char *const *prcpt, size_t npeers,
	     const char *rcpt, size_t maxtok)
{
	struct rf__toks t;
	const struct unit *u, *v;
	const char *r;
	size_t i, k, eq, seen;

	t.v = l->tokens;
	t.n = l->ntokens;
	t.cap = l->ntokens;
	t.max = maxtok;
	t.limit_hit = 0;
	for (i = 0; i < me->nunits; i++) {
		u = &me->units[i];
		eq = seen = 0;
		r = rcpt != NULL && !holds_address(l, u) ? rcpt : NULL;
		for (k = 0; k < npeers; k++) {
			/* a part the other copy does not have tells nothing */
			if ((v = find_unit(peers[k], u)) == NULL)
				continue;
			seen++;
			if (same_value(u, v))
				eq++;
		}
		if (seen == 0)
			continue;
		if (eq == seen) {
			l->tokens = t.v;
			l->ntokens = t.n;
			drop_opaque_in(l, u->off, u->len);
			t.n = l->ntokens;
		} else if (eq == 0 && u->len > 0 && flaggable(u) &&
		    (r == NULL || !pooled(u, peers, prcpt, npeers, r))) {
			if (rf__tok_add(a, &t, u->off, u->len,
			    "varies-in-campaign") != 0)
				return -1;
		}
	}
	l->tokens = t.v;
	l->ntokens = t.n;
	return 0;
}

/* best_match: the link of cp that mine (at position pos) lines up with,
 * or cp->n when none has its shape and most of its path. */
static size_t
best_match(const struct shaped *mine, size_t pos, const struct copy *cp)
{
	size_t j, best = cp->n, score, top = 0, diff;

	for (j = 0; j < cp->n; j++) {
		if (cp->used[j] || !same_shape(mine, &cp->links[j]))
			continue;
		if (mine->len == cp->links[j].len &&
		    memcmp(mine->url, cp->links[j].url, mine->len) == 0)
			return j;	/* the same URL: nothing lines up better */
		score = 2 * similarity(mine, &cp->links[j], &diff) + (j == pos);
		/* most of the path the same: another link (a logo is not the
		 * unsubscribe link of a copy that has no logo) */
		if (diff > 1 && diff > (mine->nsegs + 1) / 2)
			continue;
		if (best == cp->n || score > top) {
			best = j;
			top = score;
		}
	}
	return best;
}

static int
same_copy(struct shaped *mine, size_t n, const rf_copy_links *c)
{
	size_t i;

	if (c->n != n)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(mine[i].url, c->urls[i]) != 0)
			return 0;
	return 1;
}

rf_status
rf_tracking_campaign(const rf_ctx *ctx, const rf_rules *rules,
		     rf_message *m, const rf_copy_links *others,
		     size_t nothers, rf_error *err)
{
	return rf_tracking_campaign_for(ctx, rules, m, NULL, others, NULL,
	    nothers, err);
}

rf_status
rf_tracking_campaign_for(const rf_ctx *ctx, const rf_rules *rules,
			 rf_message *m, const char *rcpt,
			 const rf_copy_links *others, const char *const *orcpts,
			 size_t nothers, rf_error *err)
{
	const rf_limits *lim = rf_ctx_limits(ctx);
	rf_arena *a = m->arena;
	rf_link **links = NULL, **p;
	struct shaped *mine = NULL, **peers = NULL;
	const char **prcpt = NULL;
	struct copy *copies = NULL;
	size_t n = 0, i, c, j, k, npeers, had, *pick = NULL;
	unsigned hit = 0;

	rf_tracking_walk(m, count, &n);
	if (n == 0 || nothers == 0)
		return RF_OK;
	if ((links = rf_arena_array(a, n, sizeof(*links))) == NULL ||
	    (mine = rf_arena_array(a, n, sizeof(*mine))) == NULL ||
	    (peers = rf_arena_array(a, nothers, sizeof(*peers))) == NULL ||
	    (prcpt = rf_arena_array(a, nothers, sizeof(*prcpt))) == NULL ||
	    (copies = rf_arena_array(a, nothers, sizeof(*copies))) == NULL ||
	    (pick = rf_arena_array(a, n, nothers * sizeof(*pick))) == NULL)
		goto nomem;
	p = links;
	rf_tracking_walk(m, collect, &p);
	for (i = 0; i < n; i++)
		if (shape(ctx, a, rules, lim->max_unwrap_depth, links[i]->url !=
		    NULL ? links[i]->url : "", &mine[i]) != 0)
			goto nomem;
	for (c = 0; c < nothers; c++) {
		/* this copy itself, or one to its own recipient; a copy to
		 * another recipient with the same links is evidence */
		if (same_copy(mine, n, &others[c]) && (rcpt == NULL ||
		    orcpts == NULL || orcpts[c] == NULL ||
		    same_rcpt(rcpt, orcpts[c])))
			continue;
		copies[c].n = others[c].n;
		copies[c].links = rf_arena_array(a, others[c].n + 1,
		    sizeof(struct shaped));
		copies[c].used = rf_arena_alloc(a, others[c].n + 1);
		if (copies[c].links == NULL || copies[c].used == NULL)
			goto nomem;
		for (j = 0; j < others[c].n; j++)
			if (shape(ctx, a, rules, lim->max_unwrap_depth,
			    others[c].urls[j] != NULL ?
			    others[c].urls[j] : "", &copies[c].links[j]) != 0)
				goto nomem;
	}
	for (i = 0; i < n; i++) {
		/* a URL met before (the text and the HTML part) lines up
		 * with the links its first occurrence lined up with */
		for (k = 0; k < i && strcmp(mine[k].url, mine[i].url) != 0;
		    k++)
			;
		npeers = 0;
		for (c = 0; c < nothers; c++) {
			struct copy *cp = &copies[c];

			/* the unused link of the same shape that shares most
			 * parts; on a tie the one at the same position, else
			 * the first */
			j = k < i ? pick[k * nothers + c] :
			    best_match(&mine[i], i, cp);
			pick[i * nothers + c] = j;
			if (j >= cp->n)
				continue;
			cp->used[j] = 1;
			prcpt[npeers] = rcpt != NULL && orcpts != NULL ?
			    orcpts[c] : NULL;
			peers[npeers++] = &cp->links[j];
		}
		if (npeers == 0)
			continue;
		had = links[i]->ntokens;
		if (compare_link(a, links[i], &mine[i], peers, prcpt, npeers,
		    rcpt, lim->max_url_tokens) != 0)
			goto nomem;
		/* flagged now, with nothing before: in mail not bulk by its
		 * headers the address in its query was dropped; it goes */
		if (had == 0 && links[i]->ntokens > 0 &&
		    rf__restore_dropped(a, links[i], RF__OTHER_ADDRESS,
		    lim->max_url_tokens) != 0)
			goto nomem;
		if (rf__tracking_finish(ctx, a, rules, links[i],
		    lim->max_unwrap_depth, &hit) != 0)
			goto nomem;
	}
	m->limits_hit |= hit;
	return RF_OK;
nomem:
	return rf_error_set(err, RF_ENOMEM, "out of memory");
}

static int
skel(rf_link *l, void *arg)
{
	rf_copy_links *s = arg;

	((const char **)s->urls)[s->n++] = l->url != NULL ? l->url : "";
	return 0;
}

rf_status
rf_tracking_skeleton(rf_message *m, rf_copy_links *out, rf_error *err)
{
	size_t n = 0;

	out->urls = NULL;
	out->n = 0;
	rf_tracking_walk(m, count, &n);
	if (n == 0)
		return RF_OK;
	out->urls = rf_arena_array(m->arena, n, sizeof(char *));
	if (out->urls == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	rf_tracking_walk(m, skel, out);
	return RF_OK;
}
