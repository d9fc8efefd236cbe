/*
 * hotline_campaign.c - cases linked to each other: by registrable domain,
 * and by spam campaign (a shared campaign id, or reports whose mails'
 * text fingerprints match).  Fingerprints are stored as their min-hashes
 * plus the LSH band keys (report_bands), so candidates are found by an
 * index and confirmed with rf_fp_match.
 */
#include <stdlib.h>
#include <string.h>

#include "hotline_int.h"

#define FP_BYTES (2 + 4 + 8 * RF_FP_HASHES)

static void
fp_encode(const rf_fingerprint *fp, unsigned char *o)
{
	unsigned i, k;

	o[0] = fp->version;
	o[1] = fp->kind;
	for (k = 0; k < 4; k++)
		o[2 + k] = (unsigned char)(fp->nwords >> (8 * k));
	for (i = 0; i < RF_FP_HASHES; i++)
		for (k = 0; k < 8; k++)
			o[6 + 8 * i + k] = (unsigned char)(fp->h[i] >> (8 * k));
}

static int
fp_decode(const void *blob, int n, rf_fingerprint *fp)
{
	const unsigned char *p = blob;
	unsigned i, k;

	if (p == NULL || n != FP_BYTES)
		return -1;
	memset(fp, 0, sizeof(*fp));
	fp->version = p[0];
	fp->kind = p[1];
	for (k = 0; k < 4; k++)
		fp->nwords |= (uint32_t)p[2 + k] << (8 * k);
	for (i = 0; i < RF_FP_HASHES; i++)
		for (k = 0; k < 8; k++)
			fp->h[i] |= (uint64_t)p[6 + 8 * i + k] << (8 * k);
	return 0;
}

rf_status
rf__hl_store_fp(rf_hotline *h, int64_t report, const rf_fingerprint *fp,
		rf_error *err)
{
	unsigned char blob[FP_BYTES];
	sqlite3_stmt *st = NULL;
	rf_status rs;
	unsigned i;

	fp_encode(fp, blob);
	if ((rs = rf__hl_prepare(h, "UPDATE reports SET fp = ? WHERE id = ?",
	    &st, err)) != RF_OK)
		return rs;
	sqlite3_bind_blob(st, 1, blob, (int)sizeof(blob), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, report);
	if (sqlite3_step(st) != SQLITE_DONE)
		rs = rf__hl_fail(h, "fingerprint", err);
	sqlite3_finalize(st);
	if (rs != RF_OK)
		return rs;
	if ((rs = rf__hl_prepare(h, "INSERT INTO report_bands (report_id,"
	    " band) VALUES (?, ?)", &st, err)) != RF_OK)
		return rs;
	for (i = 0; i < RF_FP_BANDS && rs == RF_OK; i++) {
		/* The band number goes into the key, so that equal values of
		 * different bands do not meet. */
		uint64_t key = rf_fp_band(fp, i) * 31u + i;

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, report);
		sqlite3_bind_int64(st, 2, (int64_t)key);
		if (sqlite3_step(st) != SQLITE_DONE)
			rs = rf__hl_fail(h, "fingerprint bands", err);
	}
	sqlite3_finalize(st);
	return rs;
}

/* Case ids already given to the callback (the case itself first): at
 * most cap, 1 + queue_page_size. */
struct seen {
	int64_t *v;
	size_t n, cap;
	int more;	/* RF_RELATED_*: what was left out */
};

/* seen_add: 1 when id is new (added), 0 when seen, -1 when new but s is
 * full (one more than a page: s->more said). */
static int
seen_add(struct seen *s, int64_t id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i] == id)
			return 0;
	if (s->n == s->cap) {
		s->more = RF_RELATED_MORE;
		return -1;
	}
	s->v[s->n++] = id;
	return 1;
}

/* emit: the case id with why, once; *stop when cb says so or a page
 * was given. */
static rf_status
emit(rf_hotline *h, int64_t id, const char *why, struct seen *s,
     rf_hotline_related_cb cb, void *arg, int *stop, rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_hotline_case c;
	rf_status rs;
	int r;

	if ((r = seen_add(s, id)) <= 0) {
		*stop = r < 0;
		return RF_OK;
	}
	if ((rs = rf__hl_prepare(h, "SELECT " RF__HL_CASE_COLS " FROM cases c"
	    " WHERE c.id = ?", &st, err)) != RF_OK)
		return rs;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		rf__hl_case_row(st, &c);
		*stop = cb(arg, &c, why) != 0;
	}
	sqlite3_finalize(st);
	return RF_OK;
}

rf_status
rf_hotline_related(rf_hotline *h, int64_t id, rf_hotline_related_cb cb,
		   void *arg, int *more, rf_error *err)
{
	sqlite3_stmt *st = NULL;
	struct seen s;
	rf_fingerprint a, b;
	int stop = 0, rc;
	rf_status rs;
	int64_t other, rows = 0;

	if (more != NULL)
		*more = RF_RELATED_ALL;
	s.n = 0;
	s.more = RF_RELATED_ALL;
	s.cap = 1 + (size_t)h->lim.queue_page_size;
	if ((s.v = calloc(s.cap, sizeof(*s.v))) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	seen_add(&s, id);
	/* Same registrable domain, or a shared campaign id: one row more
	 * than a page, to tell "a page" from "more". */
	rs = rf__hl_prepare(h, "SELECT c.id, 'domain' FROM cases c, cases me"
	    " WHERE me.id = ?1 AND c.id <> me.id AND me.domain IS NOT NULL"
	    " AND c.domain = me.domain"
	    " UNION SELECT r2.case_id, 'campaign' FROM reports r1"
	    " JOIN reports r2 ON r2.campaign = r1.campaign"
	    " WHERE r1.case_id = ?1 AND r2.case_id <> ?1"
	    " AND r1.campaign IS NOT NULL ORDER BY 1 LIMIT ?2", &st, err);
	if (rs != RF_OK)
		goto done;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (int64_t)s.cap);
	while (!stop && rs == RF_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		rs = emit(h, sqlite3_column_int64(st, 0), rf__hl_col(st, 1),
		    &s, cb, arg, &stop, err);
	sqlite3_finalize(st);
	if (rs != RF_OK || stop)
		goto done;
	/* Fingerprint candidates sharing a band, confirmed by rf_fp_match,
	 * at most RF_HOTLINE_FP_CANDIDATES of them (said when reached). */
	rs = rf__hl_prepare(h, "SELECT DISTINCT r2.case_id, r1.fp, r2.fp"
	    " FROM reports r1"
	    " JOIN report_bands b1 ON b1.report_id = r1.id"
	    " JOIN report_bands b2 ON b2.band = b1.band"
	    " JOIN reports r2 ON r2.id = b2.report_id"
	    " WHERE r1.case_id = ?1 AND r2.case_id <> ?1 LIMIT ?2", &st,
	    err);
	if (rs != RF_OK)
		goto done;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, RF_HOTLINE_FP_CANDIDATES);
	while (!stop && rs == RF_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (++rows == RF_HOTLINE_FP_CANDIDATES &&
		    s.more == RF_RELATED_ALL)
			s.more = RF_RELATED_MAYBE;
		other = sqlite3_column_int64(st, 0);
		if (fp_decode(sqlite3_column_blob(st, 1),
		    sqlite3_column_bytes(st, 1), &a) != 0 ||
		    fp_decode(sqlite3_column_blob(st, 2),
		    sqlite3_column_bytes(st, 2), &b) != 0 ||
		    !rf_fp_match(&a, &b))
			continue;
		rs = emit(h, other, "campaign", &s, cb, arg, &stop, err);
	}
	sqlite3_finalize(st);
done:
	if (rs == RF_OK && more != NULL)
		*more = s.more;
	free(s.v);
	return rs;
}
