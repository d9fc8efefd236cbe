/*
 * cls_store.c - the classifier's front for its token database: opening
 * by location (a SQLite file or Redis), batches, learning and unlearning
 * one message (include/redflag/classifier.h), and the count table both
 * backends and the scoring in classifier.c use.
 */
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "cls_store.h"

int
rf__cmap_init(struct rf__cmap *m, size_t want)
{
	size_t cap = 1024;

	while (cap < want * 2)
		cap *= 2;
	m->v = calloc(cap, sizeof(*m->v));
	if (m->v == NULL)
		return -1;
	m->cap = cap;
	m->n = 0;
	return 0;
}

void
rf__cmap_free(struct rf__cmap *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

const struct rf__centry *
rf__cmap_get(const struct rf__cmap *m, uint64_t h)
{
	size_t j;

	if (m->cap == 0)
		return NULL;
	j = (size_t)h & (m->cap - 1);
	while (m->v[j].h != 0) {
		if (m->v[j].h == h)
			return &m->v[j];
		j = (j + 1) & (m->cap - 1);
	}
	return NULL;
}

int
rf__cmap_add(struct rf__cmap *m, uint64_t h, int64_t ds, int64_t dh)
{
	size_t j;

	if ((m->n + 1) * 2 > m->cap) {
		struct rf__cmap nm;
		size_t i;

		if (rf__cmap_init(&nm, m->n + 1) != 0)
			return -1;
		for (i = 0; i < m->cap; i++)
			if (m->v[i].h != 0 && rf__cmap_add(&nm, m->v[i].h,
			    m->v[i].spam, m->v[i].ham) != 0)
				return -1;	/* cannot happen: room made */
		free(m->v);
		*m = nm;
	}
	j = (size_t)h & (m->cap - 1);
	while (m->v[j].h != 0 && m->v[j].h != h)
		j = (j + 1) & (m->cap - 1);
	if (m->v[j].h == 0) {
		m->v[j].h = h;
		m->n++;
	}
	m->v[j].spam += ds;
	m->v[j].ham += dh;
	return 0;
}

rf_status
rf__cls_tokens_check(long version, int empty, rf_error *err)
{
	if (version == 0 && empty)
		return RF_OK;
	if (version == 0)
		version = 1;
	if (version == RF__CLS_TOKENS)
		return RF_OK;
	return rf_error_set(err, RF_ESTORE, "classifier database: trained "
	    "with token set %ld, this redflag makes token set %d: train a "
	    "new database (redflag train)", version, RF__CLS_TOKENS);
}

rf_status
rf_classifier_open(const char *loc, const rf_cls_params *params_in,
		   rf_classifier **out, rf_error *err)
{
	rf_classifier *c;
	rf_status rs;

	*out = NULL;
	if (loc == NULL || *loc == '\0')
		return rf_error_set(err, RF_EINVAL, "classifier: no location");
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	if (params_in != NULL)
		c->p = *params_in;
	else
		rf_cls_params_default(&c->p);
	if (rf__store_spec_is_redis(loc)) {
		c->ops = &rf__cls_redis_ops;
		rs = rf__cls_redis_open(loc, RF__CLS_REDIS_TIMEOUT_MS,
		    &c->p.redis_auth, &c->be, err);
	} else {
		c->ops = &rf__cls_sqlite_ops;
		rs = rf__cls_sqlite_open(rf_store_spec_file(loc),
		    &c->p, &c->be, err);
	}
	/* the backend copied them: no pointer into the caller's memory */
	c->p.redis_auth.user = c->p.redis_auth.password = NULL;
	if (rs != RF_OK)
		free(c);
	else
		*out = c;
	return rs;
}

int
rf_classifier_is_local(const char *loc)
{
	return loc != NULL && !rf__store_spec_is_redis(loc);
}

const char *
rf_classifier_backend(const rf_classifier *c)
{
	return c->ops->name;
}

int
rf_classifier_atomic(const rf_classifier *c)
{
	return c->ops->atomic;
}

void
rf_classifier_close(rf_classifier *c)
{
	if (c == NULL)
		return;
	if (c->in_batch)
		rf_classifier_rollback(c);
	c->ops->close(c->be);
	free(c);
}

rf_status
rf_classifier_reload(rf_classifier *c, rf_error *err)
{
	if (c->in_batch)
		return rf_error_set(err, RF_EINVAL, "a batch is open");
	return c->ops->reload(c->be, err);
}

int
rf_classifier_changed(rf_classifier *c)
{
	return c->ops->changed != NULL && !c->in_batch &&
	    c->ops->changed(c->be);
}

void
rf_classifier_counts(const rf_classifier *c, unsigned long *nspam,
		     unsigned long *nham)
{
	long ns, nh;

	c->ops->counts(c->be, &ns, &nh);
	*nspam = ns > 0 ? (unsigned long)ns : 0;
	*nham = nh > 0 ? (unsigned long)nh : 0;
}

rf_status
rf_classifier_begin(rf_classifier *c, rf_error *err)
{
	rf_status rs;

	if (c->in_batch)
		return rf_error_set(err, RF_EINVAL, "a batch is open already");
	if ((rs = c->ops->begin(c->be, err)) == RF_OK)
		c->in_batch = 1;
	return rs;
}

rf_status
rf_classifier_commit(rf_classifier *c, rf_error *err)
{
	if (!c->in_batch)
		return rf_error_set(err, RF_EINVAL, "no batch is open");
	c->in_batch = 0;
	return c->ops->commit(c->be, err);
}

void
rf_classifier_rollback(rf_classifier *c)
{
	if (!c->in_batch)
		return;
	c->ops->rollback(c->be);
	c->in_batch = 0;
}

/* message_key: XXH3 of the token hashes in order, campaign facts left out
 * (they describe the campaign, not the message). */
static uint64_t
message_key(const rf__ctoks *t)
{
	XXH3_state_t st;
	size_t i;
	uint64_t k;

	XXH3_64bits_reset(&st);
	for (i = 0; i < t->n; i++)
		if (t->v[i].kind != RF__CTOK_CAMPAIGN)
			XXH3_64bits_update(&st, &t->v[i].h, sizeof(uint64_t));
	k = XXH3_64bits_digest(&st);
	return k == 0 ? 1 : k;
}

static rf_status
learn(rf_classifier *c, const rf_ctx *ctx, const rf_message *m,
      const rf_cls_facts *facts, int spam, int how, int *changed,
      rf_error *err)
{
	rf__ctoks t;
	rf_status rs;
	int own = 0, ch = 0;

	memset(&t, 0, sizeof(t));
	if (!c->in_batch) {
		if ((rs = rf_classifier_begin(c, err)) != RF_OK)
			goto out;
		own = 1;
	}
	if ((rs = rf__cls_tokenize(ctx, &c->p, m, facts, &t)) != RF_OK) {
		rf_error_set(err, rs, "out of memory");
		goto out;
	}
	rs = c->ops->learn(c->be, message_key(&t), &t, spam != 0, how, &ch,
	    err);
out:
	if (own) {
		if (rs == RF_OK)
			rs = rf_classifier_commit(c, err);
		else
			rf_classifier_rollback(c);
	}
	if (changed != NULL)
		*changed = rs == RF_OK && ch;
	rf__ctoks_free(&t);
	return rs;
}

rf_status
rf_classifier_learn(rf_classifier *c, const rf_ctx *ctx, const rf_message *m,
		    const rf_cls_facts *facts, int spam, int *changed,
		    rf_error *err)
{
	return learn(c, ctx, m, facts, spam, RF__LEARN, changed, err);
}

rf_status
rf_classifier_learn_again(rf_classifier *c, const rf_ctx *ctx,
			  const rf_message *m, const rf_cls_facts *facts,
			  int spam, int *changed, rf_error *err)
{
	return learn(c, ctx, m, facts, spam, RF__AGAIN, changed, err);
}

rf_status
rf_classifier_unlearn(rf_classifier *c, const rf_ctx *ctx,
		      const rf_message *m, int *changed, rf_error *err)
{
	return learn(c, ctx, m, NULL, 0, RF__UNDO, changed, err);
}
