/*
 * hotline_int.h - what the hotline modules (lib/hotline*.c) share.
 * Private names are rf__hl_*.
 */
#ifndef REDFLAG_HOTLINE_INT_H
#define REDFLAG_HOTLINE_INT_H

#include <sqlite3.h>

#include <redflag/hotline.h>

#include "internal.h"

struct rf_hotline {
	sqlite3 *db;
	const rf_ctx *ctx;
	rf_hotline_limits lim;
	unsigned char key[RF_HOTLINE_KEYBYTES];
	int has_key;
	const rf_rules *rules;	/* the caller's, else own_rules */
	rf_rules *own_rules;	/* an empty set, parsed once at open */
};

/* rf__hl_prepare: compile sql; RF_ESTORE naming the SQLite error. */
rf_status rf__hl_prepare(rf_hotline *h, const char *sql, sqlite3_stmt **st,
			 rf_error *err);

/* rf__hl_exec: run sql without parameters (BEGIN, COMMIT...). */
rf_status rf__hl_exec(rf_hotline *h, const char *sql, rf_error *err);

/* rf__hl_fail: RF_ESTORE with what and the SQLite error message. */
rf_status rf__hl_fail(rf_hotline *h, const char *what, rf_error *err);

/* rf__hl_begin / rf__hl_commit / rf__hl_rollback: a write transaction
 * (BEGIN IMMEDIATE), its end; rollback ignores errors.  rf__hl_begin_read:
 * a read transaction (BEGIN: one snapshot for its reads, no write lock
 * taken, none waited for under WAL), ended the same way. */
rf_status rf__hl_begin(rf_hotline *h, rf_error *err);
rf_status rf__hl_begin_read(rf_hotline *h, rf_error *err);
rf_status rf__hl_commit(rf_hotline *h, rf_error *err);
void rf__hl_rollback(rf_hotline *h);

/* rf__hl_col: column i of a row as a C string, NULL when SQL NULL. */
const char *rf__hl_col(sqlite3_stmt *st, int i);

/* rf__hl_bind_text: bind s (NULL: SQL NULL) as parameter i. */
int rf__hl_bind_text(sqlite3_stmt *st, int i, const char *s);

/* rf__hl_audit: append an audit record inside the caller's transaction. */
rf_status rf__hl_audit(rf_hotline *h, const rf_hotline_actor *who,
		       const char *action, const char *object,
		       const char *detail, const char *why, rf_error *err);

/* rf__hl_case_row: fill c from a row of the columns RF__HL_CASE_COLS. */
void rf__hl_case_row(sqlite3_stmt *st, rf_hotline_case *c);

/* RF__HL_CATEGORY_SET: whether the category of case c (a row of cases)
 * counts as set by an analyst: the audit log (append-only,
 * hash-chained) has a case.category record of the case. */
#define RF__HL_CATEGORY_SET \
	"EXISTS (SELECT 1 FROM audit ca WHERE ca.object = 'case:' || c.id" \
	" AND ca.action = 'case.category')"

#define RF__HL_CASE_COLS \
	"c.id, c.canonical, c.host, c.domain, c.state, c.category, " \
	"c.priority, c.nreports, c.appeal, c.assignee, c.assessed_by, " \
	"c.campaign, c.created, c.updated, c.last_report, " \
	RF__HL_CATEGORY_SET

/* rf__hl_store_fp: keep fp (min-hashes and LSH band keys) for report. */
rf_status rf__hl_store_fp(rf_hotline *h, int64_t report,
			  const rf_fingerprint *fp, rf_error *err);

/* rf__hl_priority: the queue priority of a case: the weight of its
 * category when an analyst set it (cat_set; a reporter's suggestion
 * counts nothing), plus one per report up to 50. */
int rf__hl_priority(rf_case_category cat, int cat_set, int nreports);

/* rf__hl_track: url, as a text link, through the tracking engine
 * (rf_tracking_link with rules, rcpt (may be NULL) and opts) into *link
 * (set up afresh): the one set-up of the scrubbing (hotline_canon.c) and
 * of the Message-ID check (hotline_mail.c).  In a. */
rf_status rf__hl_track(const rf_ctx *ctx, const rf_rules *rules,
		       rf_arena *a, const rf_recipient *rcpt,
		       const char *url, unsigned opts, rf_link *link,
		       rf_error *err);

/* rf__hl_web_scheme: u starts with http://, https:// or ftp:// (any
 * case): the URLs the hotline takes (a canonical form, whose scheme
 * is lower case already; a reported mail's links). */
int rf__hl_web_scheme(const char *u);

/* rf__hl_rules: in *use, rules when not NULL, else the hotline's empty
 * rule set (scrubbing then takes out the address and opaque codes only),
 * parsed into *own for the caller to free with rf_rules_free; *own is
 * NULL when rules were given, *own and *use NULL on failure. */
rf_status rf__hl_rules(const rf_rules *rules, rf_rules **own,
		       const rf_rules **use, rf_error *err);

/* rf__hl_scrub: url with the codes identifying recipient removed (the
 * tracking engine, with rules: not NULL), in a; *removed counts the
 * tokens taken out. */
rf_status rf__hl_scrub(const rf_ctx *ctx, const rf_rules *rules,
		       rf_arena *a, const char *url,
		       const char *recipient, const char **clean,
		       unsigned *removed, rf_error *err);

/* rf__hl_canonical_n: rf_hotline_canonical with the codes of every
 * address in addrs (n of them; NULL entries after the first skipped, a
 * NULL first one a pass with no reporter) scrubbed, in turn;
 * out->scrubbed counts them all.  max_url_len applies to url as given. */
rf_status rf__hl_canonical_n(const rf_ctx *ctx, const rf_rules *rules,
			     rf_arena *a, const rf_hotline_limits *limits,
			     const char *url, const char *const *addrs,
			     size_t n, rf_hotline_url *out, rf_error *err);

/* rf__hl_seal / rf__hl_open_sealed: crypto_secretbox with h's key. */
rf_status rf__hl_seal(rf_hotline *h, const char *plain,
		      unsigned char **box, size_t *boxlen,
		      unsigned char nonce[24], rf_error *err);

#endif
