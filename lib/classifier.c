/*
 * classifier.c - Robinson/Fisher token classifier: scoring, reasons and
 * token texts (see include/redflag/classifier.h and docs/classifier.md).
 * The token database (a SQLite file or Redis) is behind cls_store.h:
 * cls_store.c opens it and learns, cls_sqlite.c and cls_redis.c store.
 * For classification a backend gives a view of the counts of one
 * message's tokens: the SQLite backend its table loaded in memory (no SQL
 * per message), the Redis backend one pipelined round trip.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "cls_store.h"

/* Classification ------------------------------------------------------- */

/*
 * lchi2q: the logarithm of the probability that a chi-square variable with
 * 2n degrees of freedom exceeds x2: exp(-m) * sum(i = 0 .. n-1) m^i / i!, m = x2 / 2.
 * Summed around its largest term, scaled, so that nothing under- or
 * overflows for any n.
 */
static double
lchi2q(double x2, size_t n)
{
	double m = x2 / 2, s = 1, t, r;
	size_t k, i;

	if (n == 0 || m <= 0)
		return 0;
	k = m < (double)(n - 1) ? (size_t)m : n - 1;
	for (t = 1, i = k; i > 0; i--) {
		t *= (double)i / m;
		s += t;
		if (t < 1e-17 * s)
			break;
	}
	for (t = 1, i = k + 1; i < n; i++) {
		t *= m / (double)i;
		s += t;
		if (t < 1e-17 * s)
			break;
	}
	r = -m + (double)k * log(m) - lgamma((double)k + 1) + log(s);
	return r > 0 ? 0 : r;
}

struct used {
	double f;
	int64_t n;
	size_t tok;
};

/* by_strength: qsort order, most telling (|f - 0.5| largest) first. */
static int
by_strength(const void *x, const void *y)
{
	const struct used *u = x, *v = y;
	double du = fabs(u->f - 0.5), dv = fabs(v->f - 0.5);

	if (du != dv)
		return du > dv ? -1 : 1;
	return u->tok < v->tok ? -1 : u->tok > v->tok;
}

/* better: u ranks before v among the spam-like (dir 1) or ham-like
 * (dir -1) tokens: more extreme f, then more often seen, then hash. */
static int
better(const struct used *u, const struct used *v, int dir,
       const rf__ctoks *t)
{
	if (u->f != v->f)
		return dir > 0 ? u->f > v->f : u->f < v->f;
	if (u->n != v->n)
		return u->n > v->n;
	return t->v[u->tok].h < t->v[v->tok].h;
}

/* tok_text: token i as shown in reasons (a header shape token in plain
 * words, rf__shape_describe), or (lookup) in the form that
 * rf_classifier_token_counts takes, with "host:", "domain:" and
 * "shape:". */
static const char *
tok_text(const rf__ctoks *t, size_t i, int lookup, rf_arena *a)
{
	const rf__ctok *k = &t->v[i];
	const char *pre = rf__ctok_kind_prefix(k->kind);

	if (lookup && k->kind == RF__CTOK_HOST)
		pre = "host:";
	else if (lookup && k->kind == RF__CTOK_DOMAIN)
		pre = "domain:";
	else if (!lookup && k->kind == RF__CTOK_SHAPE)
		return rf__shape_describe(t->text + k->off, k->len, a);
	return rf_arena_printf(a, "%s%.*s", pre, (int)k->len,
	    t->text + k->off);
}

/* pick: the best max of u[0..n) in direction dir, distinct texts, into
 * *out (arena); *nout receives how many. */
static rf_status
pick(const struct rf__cls_view *cv, const struct used *u, size_t n, int dir,
     const rf__ctoks *t, size_t max, rf_arena *a, rf_cls_token **out,
     size_t *nout, rf_error *err)
{
	const struct used **best;
	rf_cls_token *v;
	size_t nb = 0, i, j;
	rf_status rs = RF_OK;

	*out = NULL;
	*nout = 0;
	if (max == 0)
		return RF_OK;
	best = calloc(max, sizeof(*best));
	v = rf_arena_array(a, max, sizeof(*v));
	if (best == NULL || v == NULL) {
		rs = rf_error_set(err, RF_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((dir > 0) != (u[i].f > 0.5))
			continue;
		if (nb == max && !better(&u[i], best[nb - 1], dir, t))
			continue;
		j = nb < max ? nb++ : nb - 1;
		while (j > 0 && better(&u[i], best[j - 1], dir, t)) {
			best[j] = best[j - 1];
			j--;
		}
		best[j] = &u[i];
	}
	for (i = 0; i < nb; i++) {
		const struct rf__centry *e = rf__cmap_get(cv->map,
		    t->v[best[i]->tok].h);
		const char *s = tok_text(t, best[i]->tok, 0, a);
		size_t k;

		if (s == NULL) {
			rs = rf_error_set(err, RF_ENOMEM, "out of memory");
			goto out;
		}
		for (k = 0; k < *nout && strcmp(v[k].text, s) != 0; k++)
			;
		if (k < *nout)
			continue;	/* host equal to its domain */
		v[*nout].text = s;
		v[*nout].f = best[i]->f;
		v[*nout].nspam = e ? (unsigned long)e->spam : 0;
		v[*nout].nham = e ? (unsigned long)e->ham : 0;
		(*nout)++;
	}
	*out = v;
out:
	free(best);
	return rs;
}

rf_status
rf__classifier_tokens(const rf_classifier *c, const rf_ctx *ctx,
		      const rf_message *m, const rf_cls_facts *facts,
		      rf_arena *a, rf__ctoks *out, rf_error *err)
{
	rf__ctoks t;
	rf_status rs;

	memset(out, 0, sizeof(*out));
	memset(&t, 0, sizeof(t));
	if ((rs = rf__cls_tokenize(ctx, &c->p, m, facts, &t)) != RF_OK)
		goto out;
	*out = t;
	out->set = NULL;
	out->setcap = 0;
	out->v = NULL;
	out->text = NULL;
	out->cap = out->n;
	out->tcap = out->tlen;
	if ((out->v = rf_arena_array(a, t.n + 1, sizeof(*t.v))) == NULL ||
	    (out->text = rf_arena_alloc(a, t.tlen + 1)) == NULL) {
		rs = RF_ENOMEM;
		goto out;
	}
	if (t.n > 0)
		memcpy(out->v, t.v, t.n * sizeof(*t.v));
	if (t.tlen > 0)
		memcpy(out->text, t.text, t.tlen);
out:
	rf__ctoks_free(&t);
	return rs == RF_OK ? RF_OK : rf_error_set(err, rs, "out of memory");
}

rf_status
rf_classifier_classify(const rf_classifier *c, const rf_ctx *ctx,
		       const rf_message *m, const rf_cls_facts *facts,
		       rf_arena *a, size_t max_reasons, rf_cls_result *out,
		       rf_error *err)
{
	rf__ctoks t;
	rf_status rs;

	memset(&t, 0, sizeof(t));
	if ((rs = rf__cls_tokenize(ctx, &c->p, m, facts, &t)) != RF_OK) {
		memset(out, 0, sizeof(*out));
		out->p = 0.5;
		out->cls = RF_CLS_UNSURE;
		rf__ctoks_free(&t);
		return rf_error_set(err, rs, "out of memory");
	}
	rs = rf__classifier_score(c, &t, a, max_reasons, out, err);
	rf__ctoks_free(&t);
	return rs;
}

rf_status
rf__classifier_score(const rf_classifier *c, const rf__ctoks *tp,
		     rf_arena *a, size_t max_reasons, rf_cls_result *out,
		     rf_error *err)
{
	const rf_cls_params *p = &c->p;
	const rf__ctoks t = *tp;
	struct rf__cls_view cv;
	struct used *u = NULL;
	double sln = 0, hln = 0, sx = p->robs * p->robx;
	rf_status rs;
	size_t i, nu = 0;

	memset(out, 0, sizeof(*out));
	out->p = 0.5;
	out->cls = RF_CLS_UNSURE;
	out->ntokens = t.n;
	out->limit_hit = t.limit_hit;
	if ((rs = c->ops->view(c->be, &t, &cv, err)) != RF_OK)
		goto out;
	if (cv.nspam <= 0 || cv.nham <= 0 ||
	    (unsigned long)cv.nspam < p->min_learned ||
	    (unsigned long)cv.nham < p->min_learned) {
		out->untrained = 1;
		goto out;
	}
	u = malloc((t.n + 1) * sizeof(*u));
	if (u == NULL) {
		rs = rf_error_set(err, RF_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < t.n; i++) {
		const struct rf__centry *e = rf__cmap_get(cv.map, t.v[i].h);
		double f, bad, good, n;

		if (e == NULL || e->spam + e->ham <= 0) {
			f = p->robx;
			n = 0;
		} else {
			bad = (double)e->spam / (double)cv.nspam;
			good = (double)e->ham / (double)cv.nham;
			n = (double)(e->spam + e->ham);
			f = (sx + n * (bad / (bad + good))) / (p->robs + n);
		}
		if (fabs(f - 0.5) < p->min_dev)
			continue;
		u[nu].f = f;
		u[nu].n = (int64_t)n;
		u[nu].tok = i;
		nu++;
	}
	if (p->max_used > 0 && nu > p->max_used) {
		qsort(u, nu, sizeof(*u), by_strength);
		nu = p->max_used;
	}
	for (i = 0; i < nu; i++) {
		sln += log(u[i].f);
		hln += log1p(-u[i].f);
	}
	out->nused = nu;
	if (nu > 0) {
		/* lh: log H, small when the tokens are too ham-like to be
		 * chance; ls: log S, likewise for spam-like tokens. */
		double lh = lchi2q(-2 * sln, nu), ls = lchi2q(-2 * hln, nu);

		if (p->combine == 1)	/* H / (H + S), tempered */
			out->p = 1 / (1 + exp((ls - lh) /
			    (p->scale > 0 ? p->scale : 1)));
		else			/* Robinson-Fisher (1 + H - S) / 2 */
			out->p = (1 + exp(lh) - exp(ls)) / 2;
	}
	out->cls = out->p >= p->spam_cutoff ? RF_CLS_SPAM :
	    out->p <= p->ham_cutoff ? RF_CLS_HAM : RF_CLS_UNSURE;
	if ((rs = pick(&cv, u, nu, 1, &t, max_reasons, a, &out->spammy,
	    &out->nspammy, err)) != RF_OK)
		goto out;
	rs = pick(&cv, u, nu, -1, &t, max_reasons, a, &out->hammy,
	    &out->nhammy, err);
out:
	free(u);
	return rs;
}

static void
list(rf_buf *b, const char *what, const rf_cls_token *v, size_t n,
     size_t max)
{
	size_t i;

	if (n == 0)
		return;
	if (b->len > 0)
		rf_buf_puts(b, "; ");
	rf_buf_puts(b, what);
	for (i = 0; i < n && i < max; i++)
		rf_buf_printf(b, "%s%s", i ? ", " : " ", v[i].text);
}

const char *
rf_cls_reasons(const rf_cls_result *r, rf_arena *a, size_t n)
{
	rf_buf b;
	const char *s;

	rf_buf_init(&b, 0);
	if (r->untrained) {
		rf_buf_puts(&b, "the classifier has not learned enough yet");
	} else {
		if (r->cls != RF_CLS_HAM)
			list(&b, b.len ? "typical of spam:" :
			    "words and hosts typical of spam:", r->spammy,
			    r->nspammy, n);
		if (r->cls != RF_CLS_SPAM)
			list(&b, b.len ? "typical of wanted mail:" :
			    "words and hosts typical of wanted mail:",
			    r->hammy, r->nhammy, n);
		if (b.len == 0)
			rf_buf_puts(&b, "no word or host weighed either way");
	}
	s = rf_arena_strdup(a, rf_buf_cstr(&b));
	rf_buf_free(&b);
	return s;
}

void
rf_classifier_token_counts(const rf_classifier *c, const char *text,
			   unsigned long *nspam, unsigned long *nham)
{
	static const struct {
		const char *prefix;
		unsigned kind;
	} pre[] = {
		{ "header:", RF__CTOK_HNAME }, { "fact:campaign-",
		  RF__CTOK_CAMPAIGN }, { "fact:", RF__CTOK_FACT },
		{ "host:", RF__CTOK_HOST }, { "domain:", RF__CTOK_DOMAIN },
		{ "part:", RF__CTOK_MIME }, { "charset:", RF__CTOK_MIME },
		{ "attachment:", RF__CTOK_MIME }, { "shape:", RF__CTOK_SHAPE },
	};
	const struct rf__centry *e = NULL;
	struct rf__cls_view cv;
	rf__ctok one;
	rf__ctoks t;
	unsigned kind = strchr(text, ':') ? RF__CTOK_HEADER :
	    strchr(text, ' ') ? RF__CTOK_PAIR : RF__CTOK_WORD;
	size_t i, skip = 0;
	uint64_t h;

	for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		if (strncmp(text, pre[i].prefix, strlen(pre[i].prefix)) == 0) {
			kind = pre[i].kind;
			if (kind != RF__CTOK_MIME)
				skip = strlen(kind == RF__CTOK_CAMPAIGN ?
				    "fact:" : pre[i].prefix);
			break;
		}
	h = XXH3_64bits_withSeed(text + skip, strlen(text + skip),
	    (XXH64_hash_t)kind + 1);
	memset(&one, 0, sizeof(one));
	memset(&t, 0, sizeof(t));
	one.h = h == 0 ? 1 : h;
	t.v = &one;
	t.n = 1;
	if (c->ops->view(c->be, &t, &cv, NULL) == RF_OK)
		e = rf__cmap_get(cv.map, one.h);
	*nspam = e && e->spam > 0 ? (unsigned long)e->spam : 0;
	*nham = e && e->ham > 0 ? (unsigned long)e->ham : 0;
}

rf_status
rf_classifier_tokens(const rf_ctx *ctx, const rf_cls_params *p,
		     const rf_message *m, const rf_cls_facts *facts,
		     rf_arena *a, const char ***out, size_t *n, rf_error *err)
{
	rf_cls_params def;
	const char **v = NULL;
	rf__ctoks t;
	rf_status rs;
	size_t i;

	*out = NULL;
	*n = 0;
	memset(&t, 0, sizeof(t));
	if (p == NULL) {
		rf_cls_params_default(&def);
		p = &def;
	}
	if ((rs = rf__cls_tokenize(ctx, p, m, facts, &t)) != RF_OK) {
		rf_error_set(err, rs, "out of memory");
		goto out;
	}
	v = rf_arena_array(a, t.n + 1, sizeof(*v));
	for (i = 0; v != NULL && i < t.n; i++)
		if ((v[i] = tok_text(&t, i, 1, a)) == NULL)
			v = NULL;
	if (v == NULL) {
		rs = rf_error_set(err, RF_ENOMEM, "out of memory");
		goto out;
	}
	*out = v;
	*n = t.n;
out:
	rf__ctoks_free(&t);
	return rs;
}
