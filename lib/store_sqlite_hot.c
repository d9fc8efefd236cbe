/*
 * store_sqlite_hot.c - the SQLite store's hot table: the campaigns counted
 * inside rf_store_begin ... rf_store_commit, kept in memory and written
 * back at the commit, when the table is full, or before a listing (see
 * struct hot in lib/store_sqlite.h).
 */
#include <stdlib.h>
#include <string.h>

#include "store_sqlite.h"

uint64_t
rf__sq_id_num(const char *id)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < RF_CAMPAIGN_ID_LEN && id[i] != '\0'; i++)
		v = v << 4 | (uint64_t)(id[i] <= '9' ? id[i] - '0' :
		    (id[i] | 32) - 'a' + 10);
	return v;
}

static void
hot_release(struct hot *h)
{
	free(h->subject);
	free(h->hll);
	memset(h, 0, sizeof(*h));
}

/* rf__sq_hot_clear: forget the table (after a commit or a rollback). */
void
rf__sq_hot_clear(struct sq *q)
{
	unsigned i;

	for (i = 0; q->hot != NULL && q->nhot > 0 && i < HOT_SLOTS; i++)
		if (q->hot[i].key != 0)
			hot_release(&q->hot[i]);
	q->nhot = 0;
}

/* rf__sq_hot_valid: keep the hot table only when no other connection wrote
 * since data_version was taken (0: the table is usable). */
rf_status
rf__sq_hot_valid(struct sq *q, rf_error *err)
{
	sqlite3_stmt *s = rf__sq_stmt(q, S_DATA_VERSION);
	int64_t v;

	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		rf__sq_hot_clear(q);
		return rf__sq_db_error(q, err, "reading the data version");
	}
	v = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (v != q->data_version)
		rf__sq_hot_clear(q);
	q->data_version = v;
	return RF_OK;
}

/* rf__sq_hot_find: the entry of campaign num, or the free slot where it
 * goes. */
struct hot *
rf__sq_hot_find(struct sq *q, uint64_t num)
{
	uint32_t i = (uint32_t)(num ^ num >> 32) % HOT_SLOTS;

	while (q->hot[i].key != 0 && q->hot[i].num != num)
		i = (i + 1) % HOT_SLOTS;
	return &q->hot[i];
}

static int
by_key(const void *a, const void *b)
{
	int64_t x = (*(struct hot *const *)a)->key;
	int64_t y = (*(struct hot *const *)b)->key;

	return (x > y) - (x < y);
}

/* rf__sq_hot_flush: write the changed entries back (in row order); they
 * stay. */
rf_status
rf__sq_hot_flush(struct sq *q, rf_error *err)
{
	unsigned i, n = 0;
	const void *blob;
	sqlite3_stmt *s;
	struct hot *h;
	size_t len;
	rf_status st;

	for (i = 0; q->nhot > 0 && i < HOT_SLOTS; i++)
		if (q->hot[i].key != 0 && (q->hot[i].dirty ||
		    q->hot[i].hll_dirty))
			q->order[n++] = &q->hot[i];
	qsort(q->order, n, sizeof(*q->order), by_key);
	for (i = 0; i < n; i++) {
		h = q->order[i];
		if (h->dirty) {
			s = rf__sq_stmt(q, S_PUT_ROW);
			sqlite3_bind_int64(s, 1, h->key);
			sqlite3_bind_int64(s, 2, h->copies);
			sqlite3_bind_int64(s, 3, h->size);
			sqlite3_bind_int64(s, 4, h->first);
			sqlite3_bind_int64(s, 5, h->last);
			if (h->subject != NULL)
				sqlite3_bind_blob(s, 6, h->subject,
				    (int)h->subjectlen, SQLITE_STATIC);
			sqlite3_bind_int64(s, 7, h->samples);
			sqlite3_bind_int64(s, 8, h->sbytes);
			if ((st = rf__sq_run(q, S_PUT_ROW, err)) != RF_OK)
				return st;
			h->dirty = 0;
		}
		if (h->hll_dirty) {
			blob = rf_hll_blob(h->hll, &len);
			s = rf__sq_stmt(q, h->hll_row ? S_SET_HLL : S_PUT_HLL);
			sqlite3_bind_int64(s, 1, h->key);
			sqlite3_bind_blob(s, 2, blob, (int)len, SQLITE_STATIC);
			if ((st = rf__sq_run(q, h->hll_row ? S_SET_HLL : S_PUT_HLL,
			    err)) != RF_OK)
				return st;
			h->hll_row = 1;
			h->hll_dirty = 0;
		}
	}
	return RF_OK;
}

/* hot_room: make room for one more entry (write back, then forget). */
static rf_status
hot_room(struct sq *q, rf_error *err)
{
	rf_status st;

	if (q->nhot < HOT_MAX)
		return RF_OK;
	if ((st = rf__sq_hot_flush(q, err)) != RF_OK)
		return st;
	rf__sq_hot_clear(q);
	return RF_OK;
}

/* hot_load: campaign (id, key) into the table, read from the file once;
 * RF_ENOTFOUND when it is not there. */
static rf_status
hot_load(struct sq *q, const char *id, int64_t key, struct hot **out,
	 rf_error *err)
{
	uint64_t num = rf__sq_id_num(id);
	sqlite3_stmt *s;
	struct hot *h;
	rf_status st = RF_OK;
	int rc;

	h = rf__sq_hot_find(q, num);
	if (h->key != 0) {
		*out = h;
		return RF_OK;
	}
	if ((st = hot_room(q, err)) != RF_OK)
		return st;
	h = rf__sq_hot_find(q, num);
	if ((st = rf__sq_get_row(q, id, key, &s, err)) != RF_OK)
		return st;
	h->copies = sqlite3_column_int64(s, 1);
	h->size = sqlite3_column_int64(s, 2);
	h->complaints = sqlite3_column_int64(s, 3);
	h->first = sqlite3_column_int64(s, 4);
	h->last = sqlite3_column_int64(s, 5);
	if (sqlite3_column_type(s, 6) != SQLITE_NULL) {
		h->subjectlen = (size_t)sqlite3_column_bytes(s, 6);
		if ((h->subject = malloc(h->subjectlen + 1)) == NULL) {
			st = rf_error_set(err, RF_ENOMEM, "out of memory");
			goto done;
		}
		if (h->subjectlen > 0)
			memcpy(h->subject, sqlite3_column_blob(s, 6),
			    h->subjectlen);
	}
	h->samples = sqlite3_column_int64(s, 7);
	h->sbytes = sqlite3_column_int64(s, 8);
	sqlite3_reset(s);
	s = rf__sq_stmt(q, S_GET_HLL);
	sqlite3_bind_int64(s, 1, key);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		h->hll_row = 1;
		if ((h->hll = malloc(sizeof(*h->hll))) == NULL) {
			st = rf_error_set(err, RF_ENOMEM, "out of memory");
			goto done;
		}
		if (rf_hll_load(h->hll, sqlite3_column_blob(s, 0),
		    (size_t)sqlite3_column_bytes(s, 0), NULL) != RF_OK) {
			rf_hll_init(h->hll);	/* damaged: start over */
			h->hll_dirty = 1;
		}
	} else if (rc != SQLITE_DONE)
		st = rf__sq_db_error(q, err, "reading recipients");
done:
	sqlite3_reset(s);
	if (st != RF_OK) {
		hot_release(h);
		return st;
	}
	h->num = num;
	h->key = key;
	memcpy(h->cid, id, RF_CAMPAIGN_ID_LEN);
	q->nhot++;
	*out = h;
	return RF_OK;
}

/* rf__sq_hot_out: out from entry h. */
void
rf__sq_hot_out(const struct hot *h, rf_campaign *out)
{
	memcpy(out->id, h->cid, sizeof(out->id));
	out->copies = (uint64_t)h->copies;
	out->size = (uint64_t)h->size;
	out->complaints = (uint64_t)h->complaints;
	out->first_seen = h->first;
	out->last_seen = h->last;
	out->subject[0] = '\0';
	if (h->subject != NULL)
		rf__campaign_subject(out, h->subject, h->subjectlen);
}

/* rf__sq_hot_update: count copy c in campaign (id, key) inside a group: only
 * the sample is written now.  Nothing changes when it fails. */
rf_status
rf__sq_hot_update(struct sq *q, const struct rf__copy *c, const char *id,
	   int64_t key, const rf_store_options *o, rf_campaign *out,
	   rf_error *err)
{
	struct hot *h = NULL;
	char *subject = NULL;
	size_t i;
	int add_sample, changed = 0;
	rf_status st;

	if ((st = hot_load(q, id, key, &h, err)) != RF_OK)
		return st;
	if (c->nrcpt > 0 && h->hll == NULL) {
		if ((h->hll = malloc(sizeof(*h->hll))) == NULL)
			return rf_error_set(err, RF_ENOMEM, "out of memory");
		rf_hll_init(h->hll);
	}
	if (h->subject == NULL && c->subject != NULL &&
	    (subject = malloc(c->subjectlen + 1)) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	if ((st = rf__sq_add_sample(q, c, key, h->samples, h->sbytes, o,
	    &add_sample, err)) != RF_OK) {
		free(subject);
		return st;
	}
	if (add_sample) {
		h->samples++;
		h->sbytes += (int64_t)c->samplelen;
	}
	for (i = 0; i < c->nrcpt; i++)
		changed |= rf_hll_add_hash(h->hll, c->rcpt_hash[i]);
	if (changed) {
		h->size = (int64_t)rf_hll_count(h->hll);
		h->hll_dirty = 1;
	}
	if (subject != NULL) {
		memcpy(subject, c->subject, c->subjectlen);
		h->subject = subject;
		h->subjectlen = c->subjectlen;
	}
	h->copies++;
	if (c->now < h->first)
		h->first = c->now;
	if (c->now > h->last)
		h->last = c->now;
	h->dirty = 1;
	rf__sq_hot_out(h, out);
	return RF_OK;
}

/* rf__sq_hot_new: a campaign just created inside a group (nothing counted). */
rf_status
rf__sq_hot_new(struct sq *q, const struct rf__copy *c, int64_t key,
	       rf_error *err)
{
	struct hot *h;
	rf_status st;

	if ((st = hot_room(q, err)) != RF_OK)
		return st;
	h = rf__sq_hot_find(q, rf__sq_id_num(c->id));
	h->num = rf__sq_id_num(c->id);
	h->key = key;
	memcpy(h->cid, c->id, RF_CAMPAIGN_ID_LEN);
	h->first = h->last = c->now;
	q->nhot++;
	return RF_OK;
}
