/*
 * classifier.c - Robinson/Fisher token classifier with a SQLite token
 * database (see include/redflag/classifier.h and docs/classifier.md).
 *
 * Schema (version 1):
 *   meta(k TEXT PRIMARY KEY, v INTEGER)       nspam, nham, version
 *   tokens(h INTEGER PRIMARY KEY, spam, ham)  h = XXH3 of the token
 *   learned(key INTEGER PRIMARY KEY, spam, tokens BLOB)
 *       what one message added: its token hashes, little-endian
 * For classification every token row is loaded into an open-addressing
 * hash table (struct cmap) so that a message costs no SQL at all.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "internal.h"

/* Token counts (or, while learning, count deltas) by hash; h 0 = empty. */
struct centry {
	uint64_t h;
	int64_t spam, ham;
};

struct cmap {
	struct centry *v;
	size_t cap, n;		/* cap is a power of two */
};

struct rf_classifier {
	sqlite3 *db;
	rf_cls_params p;
	struct cmap counts;	/* loaded counts, for classification */
	long nspam, nham;
	/* the open batch */
	int in_batch, spilled;
	struct cmap pending;	/* count deltas not yet written */
	long dspam, dham;	/* message count deltas not yet written */
	long bspam, bham;	/* message count deltas of the whole batch */
	sqlite3_stmt *sel_learned, *put_learned, *del_learned;
	sqlite3_stmt *upsert, *del_zero, *add_meta;
};

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=NORMAL;"
	"CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY,"
	" v INTEGER NOT NULL);"
	"INSERT OR IGNORE INTO meta VALUES('version',1),('nspam',0),"
	"('nham',0);"
	"CREATE TABLE IF NOT EXISTS tokens(h INTEGER PRIMARY KEY,"
	" spam INTEGER NOT NULL, ham INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS learned(key INTEGER PRIMARY KEY,"
	" spam INTEGER NOT NULL, tokens BLOB NOT NULL);";

static int
cmap_init(struct cmap *m, size_t want)
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

static void
cmap_free(struct cmap *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static const struct centry *
cmap_get(const struct cmap *m, uint64_t h)
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

/* cmap_add: add ds, dh to the entry of h (made when absent); 0 or -1. */
static int
cmap_add(struct cmap *m, uint64_t h, int64_t ds, int64_t dh)
{
	size_t j;

	if ((m->n + 1) * 2 > m->cap) {
		struct cmap nm;
		size_t i;

		if (cmap_init(&nm, m->n + 1) != 0)
			return -1;
		for (i = 0; i < m->cap; i++)
			if (m->v[i].h != 0 && cmap_add(&nm, m->v[i].h,
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

/* Database ------------------------------------------------------------- */

static rf_status
db_fail(rf_classifier *c, rf_error *err, const char *what)
{
	return rf_error_set(err, RF_ESTORE, "classifier database: %s: %s",
	    what, sqlite3_errmsg(c->db));
}

static int
prep(rf_classifier *c, sqlite3_stmt **st, const char *sql)
{
	return sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    st, NULL) == SQLITE_OK ? 0 : -1;
}

static rf_status
load(rf_classifier *c, rf_error *err)
{
	sqlite3_stmt *st = NULL;
	struct cmap m = { 0 };
	rf_status rs = RF_OK;
	sqlite3_int64 n = 0;
	int rc;

	if (sqlite3_prepare_v2(c->db, "SELECT count(*) FROM tokens", -1,
	    &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		rs = db_fail(c, err, "counting tokens");
		goto out;
	}
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (n < 0 || (uint64_t)n > SIZE_MAX / 64 ||
	    cmap_init(&m, (size_t)n) != 0) {
		rs = rf_error_set(err, RF_ENOMEM, "out of memory");
		goto out;
	}
	if (sqlite3_prepare_v2(c->db, "SELECT h, spam, ham FROM tokens", -1,
	    &st, NULL) != SQLITE_OK) {
		rs = db_fail(c, err, "reading tokens");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cmap_add(&m, (uint64_t)sqlite3_column_int64(st, 0),
		    sqlite3_column_int64(st, 1),
		    sqlite3_column_int64(st, 2)) != 0) {
			rs = rf_error_set(err, RF_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		rs = db_fail(c, err, "reading tokens");
		goto out;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(c->db, "SELECT k, v FROM meta", -1, &st,
	    NULL) != SQLITE_OK) {
		rs = db_fail(c, err, "reading counts");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);

		if (k != NULL && strcmp(k, "nspam") == 0)
			c->nspam = (long)sqlite3_column_int64(st, 1);
		else if (k != NULL && strcmp(k, "nham") == 0)
			c->nham = (long)sqlite3_column_int64(st, 1);
	}
	if (rc != SQLITE_DONE) {
		rs = db_fail(c, err, "reading counts");
		goto out;
	}
	cmap_free(&c->counts);
	c->counts = m;
	m.v = NULL;
out:
	sqlite3_finalize(st);
	cmap_free(&m);
	return rs;
}

rf_status
rf_classifier_open(const char *path, const rf_cls_params *params_in,
		   rf_classifier **out, rf_error *err)
{
	rf_classifier *c;
	rf_status rs = RF_OK;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	if (params_in != NULL)
		c->p = *params_in;
	else
		rf_cls_params_default(&c->p);
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		rs = rf_error_set(err, RF_ESTORE,
		    "cannot open the classifier database: %s",
		    c->db ? sqlite3_errmsg(c->db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(c->db, 10000);
	if (sqlite3_exec(c->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		rs = db_fail(c, err, "creating tables");
		goto out;
	}
	if (prep(c, &c->sel_learned,
	    "SELECT spam, tokens FROM learned WHERE key = ?") ||
	    prep(c, &c->put_learned,
	    "INSERT OR REPLACE INTO learned(key, spam, tokens) "
	    "VALUES (?, ?, ?)") ||
	    prep(c, &c->del_learned, "DELETE FROM learned WHERE key = ?") ||
	    prep(c, &c->upsert,
	    "INSERT INTO tokens(h, spam, ham) VALUES (?1, max(?2, 0), "
	    "max(?3, 0)) ON CONFLICT(h) DO UPDATE SET "
	    "spam = max(spam + ?2, 0), ham = max(ham + ?3, 0)") ||
	    prep(c, &c->del_zero,
	    "DELETE FROM tokens WHERE h = ? AND spam = 0 AND ham = 0") ||
	    prep(c, &c->add_meta,
	    "UPDATE meta SET v = max(v + ?, 0) WHERE k = ?")) {
		rs = db_fail(c, err, "preparing statements");
		goto out;
	}
	rs = load(c, err);
out:
	if (rs != RF_OK)
		rf_classifier_close(c);
	else
		*out = c;
	return rs;
}

void
rf_classifier_close(rf_classifier *c)
{
	if (c == NULL)
		return;
	if (c->in_batch)
		rf_classifier_rollback(c);
	sqlite3_finalize(c->sel_learned);
	sqlite3_finalize(c->put_learned);
	sqlite3_finalize(c->del_learned);
	sqlite3_finalize(c->upsert);
	sqlite3_finalize(c->del_zero);
	sqlite3_finalize(c->add_meta);
	sqlite3_close(c->db);
	cmap_free(&c->counts);
	cmap_free(&c->pending);
	free(c);
}

rf_status
rf_classifier_reload(rf_classifier *c, rf_error *err)
{
	if (c->in_batch)
		return rf_error_set(err, RF_EINVAL, "a batch is open");
	return load(c, err);
}

void
rf_classifier_counts(const rf_classifier *c, unsigned long *nspam,
		     unsigned long *nham)
{
	*nspam = (unsigned long)c->nspam;
	*nham = (unsigned long)c->nham;
}

/* Learning ------------------------------------------------------------- */

rf_status
rf_classifier_begin(rf_classifier *c, rf_error *err)
{
	if (c->in_batch)
		return rf_error_set(err, RF_EINVAL, "a batch is open already");
	if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return db_fail(c, err, "beginning a transaction");
	if (cmap_init(&c->pending, 1024) != 0) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	c->in_batch = 1;
	c->spilled = 0;
	c->dspam = c->dham = c->bspam = c->bham = 0;
	return RF_OK;
}

static int
meta_add(rf_classifier *c, const char *k, long d)
{
	int rc;

	if (d == 0)
		return 0;
	sqlite3_bind_int64(c->add_meta, 1, d);
	sqlite3_bind_text(c->add_meta, 2, k, -1, SQLITE_STATIC);
	rc = sqlite3_step(c->add_meta);
	sqlite3_reset(c->add_meta);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* flush: write the pending deltas (kept in memory) into the transaction. */
static rf_status
flush(rf_classifier *c, rf_error *err)
{
	size_t i;
	int rc;

	for (i = 0; i < c->pending.cap; i++) {
		const struct centry *e = &c->pending.v[i];

		if (e->h == 0 || (e->spam == 0 && e->ham == 0))
			continue;
		sqlite3_bind_int64(c->upsert, 1, (sqlite3_int64)e->h);
		sqlite3_bind_int64(c->upsert, 2, e->spam);
		sqlite3_bind_int64(c->upsert, 3, e->ham);
		rc = sqlite3_step(c->upsert);
		sqlite3_reset(c->upsert);
		if (rc != SQLITE_DONE)
			return db_fail(c, err, "writing tokens");
		if (e->spam < 0 || e->ham < 0) {
			sqlite3_bind_int64(c->del_zero, 1,
			    (sqlite3_int64)e->h);
			rc = sqlite3_step(c->del_zero);
			sqlite3_reset(c->del_zero);
			if (rc != SQLITE_DONE)
				return db_fail(c, err, "writing tokens");
		}
	}
	if (meta_add(c, "nspam", c->dspam) != 0 ||
	    meta_add(c, "nham", c->dham) != 0)
		return db_fail(c, err, "writing counts");
	c->dspam = c->dham = 0;
	return RF_OK;
}

/* spill: when the pending table is too big, write it and forget it. */
static rf_status
spill(rf_classifier *c, rf_error *err)
{
	rf_status rs;

	if (c->pending.n < c->p.max_pending)
		return RF_OK;
	if ((rs = flush(c, err)) != RF_OK)
		return rs;
	cmap_free(&c->pending);
	c->spilled = 1;
	if (cmap_init(&c->pending, 1024) != 0)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	return RF_OK;
}

rf_status
rf_classifier_commit(rf_classifier *c, rf_error *err)
{
	rf_status rs;
	size_t i;

	if (!c->in_batch)
		return rf_error_set(err, RF_EINVAL, "no batch is open");
	if ((rs = flush(c, err)) != RF_OK) {
		rf_classifier_rollback(c);
		return rs;
	}
	if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rs = db_fail(c, err, "committing");
		rf_classifier_rollback(c);
		return rs;
	}
	c->in_batch = 0;
	if (c->spilled) {
		rs = load(c, err);
	} else {
		for (i = 0; i < c->pending.cap && rs == RF_OK; i++) {
			const struct centry *e = &c->pending.v[i];

			if (e->h != 0 && cmap_add(&c->counts, e->h, e->spam,
			    e->ham) != 0)
				rs = rf_error_set(err, RF_ENOMEM,
				    "out of memory (counts reloaded at "
				    "next open)");
		}
		c->nspam += c->bspam;
		c->nham += c->bham;
	}
	cmap_free(&c->pending);
	return rs;
}

void
rf_classifier_rollback(rf_classifier *c)
{
	if (!c->in_batch)
		return;
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	cmap_free(&c->pending);
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

/* apply_blob: add sign to the pending counts of each hash in a learned
 * row's blob, in class spam or ham. */
static rf_status
apply_blob(rf_classifier *c, const void *blob, size_t bytes, int spam,
	   int sign, rf_error *err)
{
	const unsigned char *b = blob;
	size_t i;

	for (i = 0; i + 8 <= bytes; i += 8) {
		uint64_t h = 0;
		int j;

		for (j = 7; j >= 0; j--)
			h = h << 8 | b[i + (size_t)j];
		if (cmap_add(&c->pending, h, spam ? sign : 0,
		    spam ? 0 : sign) != 0)
			return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	if (spam)
		c->dspam += sign, c->bspam += sign;
	else
		c->dham += sign, c->bham += sign;
	return RF_OK;
}

/* forget: if key was learned, take it back; *was = its class or -1. */
static rf_status
forget(rf_classifier *c, uint64_t key, int want, int *was, rf_error *err)
{
	rf_status rs = RF_OK;
	int rc;

	*was = -1;
	sqlite3_bind_int64(c->sel_learned, 1, (sqlite3_int64)key);
	rc = sqlite3_step(c->sel_learned);
	if (rc == SQLITE_ROW) {
		*was = sqlite3_column_int(c->sel_learned, 0) != 0;
		if (*was != want)
			rs = apply_blob(c,
			    sqlite3_column_blob(c->sel_learned, 1),
			    (size_t)sqlite3_column_bytes(c->sel_learned, 1),
			    *was, -1, err);
	} else if (rc != SQLITE_DONE) {
		rs = db_fail(c, err, "reading learned messages");
	}
	sqlite3_reset(c->sel_learned);
	return rs;
}

static rf_status
learn_toks(rf_classifier *c, const rf__ctoks *t, int spam, int undo,
	   int *changed, rf_error *err)
{
	uint64_t key = message_key(t);
	unsigned char *blob = NULL;
	rf_status rs;
	size_t i;
	int was, rc;

	*changed = 0;
	/* want = -2 never equals a class: forget always takes it back */
	if ((rs = forget(c, key, undo ? -2 : spam, &was, err)) != RF_OK)
		goto out;
	if (undo) {
		if (was < 0)
			goto out;
		sqlite3_bind_int64(c->del_learned, 1, (sqlite3_int64)key);
		rc = sqlite3_step(c->del_learned);
		sqlite3_reset(c->del_learned);
		if (rc != SQLITE_DONE)
			rs = db_fail(c, err, "forgetting a message");
		else
			*changed = 1;
		goto out;
	}
	if (was == spam)
		goto out;
	blob = malloc(t->n * 8 + 1);
	if (blob == NULL) {
		rs = rf_error_set(err, RF_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < t->n; i++) {
		uint64_t h = t->v[i].h;
		int j;

		for (j = 0; j < 8; j++)
			blob[i * 8 + (size_t)j] = (unsigned char)(h >> (8 * j));
		if (cmap_add(&c->pending, h, spam ? 1 : 0, spam ? 0 : 1)) {
			rs = rf_error_set(err, RF_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (spam)
		c->dspam++, c->bspam++;
	else
		c->dham++, c->bham++;
	sqlite3_bind_int64(c->put_learned, 1, (sqlite3_int64)key);
	sqlite3_bind_int(c->put_learned, 2, spam != 0);
	sqlite3_bind_blob(c->put_learned, 3, blob, (int)(t->n * 8),
	    SQLITE_STATIC);
	rc = sqlite3_step(c->put_learned);
	sqlite3_reset(c->put_learned);
	sqlite3_clear_bindings(c->put_learned);
	if (rc != SQLITE_DONE) {
		rs = db_fail(c, err, "recording a learned message");
		goto out;
	}
	*changed = 1;
	rs = spill(c, err);
out:
	free(blob);
	return rs;
}

static rf_status
learn(rf_classifier *c, const rf_ctx *ctx, const rf_message *m,
      const rf_cls_facts *facts, int spam, int undo, int *changed,
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
	rs = learn_toks(c, &t, spam != 0, undo, &ch, err);
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
	return learn(c, ctx, m, facts, spam, 0, changed, err);
}

rf_status
rf_classifier_unlearn(rf_classifier *c, const rf_ctx *ctx,
		      const rf_message *m, int *changed, rf_error *err)
{
	return learn(c, ctx, m, NULL, 0, 1, changed, err);
}

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

/* tok_text: token i as shown in reasons, or (lookup) in the form that
 * rf_classifier_token_counts takes, with "host:" and "domain:". */
static const char *
tok_text(const rf__ctoks *t, size_t i, int lookup, rf_arena *a)
{
	const rf__ctok *k = &t->v[i];
	const char *pre = rf__ctok_kind_prefix(k->kind);

	if (lookup && k->kind == RF__CTOK_HOST)
		pre = "host:";
	else if (lookup && k->kind == RF__CTOK_DOMAIN)
		pre = "domain:";
	return rf_arena_printf(a, "%s%.*s", pre, (int)k->len,
	    t->text + k->off);
}

/* pick: the best max of u[0..n) in direction dir, distinct texts, into
 * *out (arena); *nout receives how many. */
static rf_status
pick(const rf_classifier *c, const struct used *u, size_t n, int dir,
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
		const struct centry *e = cmap_get(&c->counts,
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
rf_classifier_classify(const rf_classifier *c, const rf_ctx *ctx,
		       const rf_message *m, const rf_cls_facts *facts,
		       rf_arena *a, size_t max_reasons, rf_cls_result *out,
		       rf_error *err)
{
	const rf_cls_params *p = &c->p;
	struct used *u = NULL;
	double sln = 0, hln = 0, sx = p->robs * p->robx;
	rf__ctoks t;
	rf_status rs;
	size_t i, nu = 0;

	memset(out, 0, sizeof(*out));
	memset(&t, 0, sizeof(t));
	out->p = 0.5;
	out->cls = RF_CLS_UNSURE;
	if ((rs = rf__cls_tokenize(ctx, p, m, facts, &t)) != RF_OK) {
		rf_error_set(err, rs, "out of memory");
		goto out;
	}
	out->ntokens = t.n;
	out->limit_hit = t.limit_hit;
	if (c->nspam <= 0 || c->nham <= 0 ||
	    (unsigned long)c->nspam < p->min_learned ||
	    (unsigned long)c->nham < p->min_learned) {
		out->untrained = 1;
		goto out;
	}
	u = malloc((t.n + 1) * sizeof(*u));
	if (u == NULL) {
		rs = rf_error_set(err, RF_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < t.n; i++) {
		const struct centry *e = cmap_get(&c->counts, t.v[i].h);
		double f, bad, good, n;

		if (e == NULL || e->spam + e->ham <= 0) {
			f = p->robx;
			n = 0;
		} else {
			bad = (double)e->spam / (double)c->nspam;
			good = (double)e->ham / (double)c->nham;
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
	if ((rs = pick(c, u, nu, 1, &t, max_reasons, a, &out->spammy,
	    &out->nspammy, err)) != RF_OK)
		goto out;
	rs = pick(c, u, nu, -1, &t, max_reasons, a, &out->hammy,
	    &out->nhammy, err);
out:
	free(u);
	rf__ctoks_free(&t);
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
		{ "attachment:", RF__CTOK_MIME },
	};
	const struct centry *e;
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
	e = cmap_get(&c->counts, h == 0 ? 1 : h);
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
