/*
 * hotline_case.c - cases: the queue, one case, its reports and related
 * cases, and the review lifecycle (docs/hotline.md):
 *
 *   new -> in_review -> red_flag | not_illegal | out_of_remit |
 *                       access_failed
 *   red_flag -> referred (export) -> monitoring -> closed
 *   any assessed state -> in_review on appeal, for another analyst
 */
#include <stdio.h>
#include <string.h>

#include "hotline_int.h"

void
rf__hl_case_row(sqlite3_stmt *st, rf_hotline_case *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(st, 0);
	c->canonical = rf__hl_col(st, 1);
	c->host = rf__hl_col(st, 2);
	c->domain = rf__hl_col(st, 3);
	c->state = (rf_case_state)sqlite3_column_int(st, 4);
	c->category = (rf_case_category)sqlite3_column_int(st, 5);
	c->priority = sqlite3_column_int(st, 6);
	c->nreports = sqlite3_column_int(st, 7);
	c->appeal = sqlite3_column_int(st, 8);
	c->assignee = rf__hl_col(st, 9);
	c->assessed_by = rf__hl_col(st, 10);
	c->campaign = rf__hl_col(st, 11);
	c->created = (time_t)sqlite3_column_int64(st, 12);
	c->updated = (time_t)sqlite3_column_int64(st, 13);
	c->last_report = (time_t)sqlite3_column_int64(st, 14);
	c->category_set = sqlite3_column_int(st, 15);
}

/* The cases a filter picks: ?1 open only, ?2 one state (or -1), ?3 one
 * domain (or NULL); bound by bind_filter. */
#define QUEUE_WHERE " WHERE (?1 = 0 OR c.state IN (0, 1, 2, 7))" \
	" AND (?2 < 0 OR c.state = ?2) AND (?3 IS NULL OR c.domain = ?3)"

static void
bind_filter(sqlite3_stmt *st, const rf_hotline_filter *f)
{
	/* Open states: new 0, in_review 1, red_flag 2, monitoring 7. */
	sqlite3_bind_int(st, 1, f != NULL ? f->open_only : 0);
	sqlite3_bind_int(st, 2, f != NULL ? f->state : -1);
	rf__hl_bind_text(st, 3, f != NULL ? f->domain : NULL);
}

rf_status
rf_hotline_queue(rf_hotline *h, const rf_hotline_filter *f,
		 rf_hotline_case_cb cb, void *arg, rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_hotline_case c;
	rf_status rs;
	int rc;

	rs = rf__hl_prepare(h, "SELECT " RF__HL_CASE_COLS " FROM cases c"
	    QUEUE_WHERE " ORDER BY c.priority DESC, c.created ASC, c.id ASC"
	    " LIMIT ?4 OFFSET ?5", &st, err);
	if (rs != RF_OK)
		return rs;
	bind_filter(st, f);
	sqlite3_bind_int64(st, 4, f != NULL && f->limit != 0 ? f->limit :
	    h->lim.queue_page_size);
	sqlite3_bind_int64(st, 5, f != NULL ? f->offset : 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rf__hl_case_row(st, &c);
		if (cb(arg, &c) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		rs = rf__hl_fail(h, "queue", err);
	sqlite3_finalize(st);
	return rs;
}

rf_status
rf_hotline_queue_count(rf_hotline *h, const rf_hotline_filter *f,
		       int64_t *n, rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_status rs;

	*n = 0;
	rs = rf__hl_prepare(h, "SELECT count(*) FROM cases c" QUEUE_WHERE,
	    &st, err);
	if (rs != RF_OK)
		return rs;
	bind_filter(st, f);
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		rs = rf__hl_fail(h, "queue count", err);
	sqlite3_finalize(st);
	return rs;
}

rf_status
rf_hotline_case_get(rf_hotline *h, int64_t id, rf_arena *a,
		    rf_hotline_case *out, rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_status rs;
	int rc;

	rs = rf__hl_prepare(h, "SELECT " RF__HL_CASE_COLS " FROM cases c"
	    " WHERE c.id = ?", &st, err);
	if (rs != RF_OK)
		return rs;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rf__hl_case_row(st, out);
		out->canonical = rf_arena_strdup(a, out->canonical);
		out->host = rf_arena_strdup(a, out->host);
		out->domain = rf_arena_strdup(a, out->domain);
		out->assignee = rf_arena_strdup(a, out->assignee);
		out->assessed_by = rf_arena_strdup(a, out->assessed_by);
		out->campaign = rf_arena_strdup(a, out->campaign);
		if (out->canonical == NULL)
			rs = rf_error_set(err, RF_ENOMEM, "out of memory");
	} else if (rc == SQLITE_DONE) {
		rs = rf_error_set(err, RF_ENOTFOUND, "no case %lld",
		    (long long)id);
	} else {
		rs = rf__hl_fail(h, "case", err);
	}
	sqlite3_finalize(st);
	return rs;
}

rf_status
rf_hotline_reports(rf_hotline *h, int64_t id, rf_hotline_report_cb cb,
		   void *arg, rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_hotline_report_row r;
	rf_status rs;
	int rc;

	rs = rf__hl_prepare(h, "SELECT r.id, r.case_id, r.received, r.source,"
	    " r.url_clean, r.scrubbed, r.category, r.comment, r.message_id,"
	    " r.msg_date, r.sender_domain, r.has_list_id, r.has_list_unsub,"
	    " r.campaign, r.raw IS NOT NULL,"
	    " EXISTS (SELECT 1 FROM contacts k WHERE k.report_id = r.id)"
	    " FROM reports r WHERE r.case_id = ? ORDER BY r.id LIMIT ?",
	    &st, err);
	if (rs != RF_OK)
		return rs;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, (int)h->lim.max_reports_per_case);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.id = sqlite3_column_int64(st, 0);
		r.case_id = sqlite3_column_int64(st, 1);
		r.received = (time_t)sqlite3_column_int64(st, 2);
		r.source = rf__hl_col(st, 3);
		r.url_clean = rf__hl_col(st, 4);
		r.scrubbed = (unsigned)sqlite3_column_int(st, 5);
		r.category = rf__hl_col(st, 6);
		r.comment = rf__hl_col(st, 7);
		r.message_id = rf__hl_col(st, 8);
		r.msg_date = rf__hl_col(st, 9);
		r.sender_domain = rf__hl_col(st, 10);
		r.has_list_id = sqlite3_column_int(st, 11);
		r.has_list_unsubscribe = sqlite3_column_int(st, 12);
		r.campaign = rf__hl_col(st, 13);
		r.has_raw = sqlite3_column_int(st, 14);
		r.has_contact = sqlite3_column_int(st, 15);
		if (cb(arg, &r) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		rs = rf__hl_fail(h, "reports", err);
	sqlite3_finalize(st);
	return rs;
}

/* ---- lifecycle ---- */

static int
assessed(rf_case_state s)
{
	return s == RF_CASE_RED_FLAG || s == RF_CASE_NOT_ILLEGAL ||
	    s == RF_CASE_OUT_OF_REMIT || s == RF_CASE_ACCESS_FAILED;
}

/*
 * apply: inside the caller's transaction, move case id to state `to`, or
 * set its category to `to` (SET_CATEGORY), and set assignee /
 * assessed_by / appeal as asked, after check() approves the current
 * case, with one audit record.  The case is read afresh, so a change
 * earlier in the transaction counts.
 */
typedef const char *(*check_fn)(const rf_hotline_actor *who,
				const rf_hotline_case *c, int to);

enum { SET_ASSIGNEE = 1, SET_ASSESSOR = 2, SET_APPEAL = 4,
    CLEAR_APPEAL = 8, SET_CATEGORY = 16 };

static rf_status
apply(rf_hotline *h, rf_arena *a, const rf_hotline_actor *who, int64_t id,
      int to, unsigned what, check_fn check, const char *action,
      const char *why, rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_hotline_case c;
	const char *no;
	char obj[32], detail[128];
	rf_status rs;

	if ((rs = rf_hotline_case_get(h, id, a, &c, err)) != RF_OK)
		goto done;
	if ((no = check(who, &c, to)) != NULL) {
		rs = rf_error_set(err, RF_EINVAL, "case %lld: %s",
		    (long long)id, no);
		goto done;
	}
	if ((what & SET_CATEGORY) && c.category_set &&
	    c.category == (rf_case_category)to)
		goto done;	/* the analyst's already: nothing to record */
	if (what & SET_CATEGORY) {
		snprintf(detail, sizeof(detail), "%s -> %s",
		    rf_case_category_name(c.category),
		    rf_case_category_name((rf_case_category)to));
		c.category = (rf_case_category)to;
		c.category_set = 1;
	} else {
		snprintf(detail, sizeof(detail), "%s -> %s",
		    rf_case_state_name(c.state),
		    rf_case_state_name((rf_case_state)to));
		c.state = (rf_case_state)to;
	}
	if ((rs = rf__hl_prepare(h, "UPDATE cases SET state = ?1,"
	    " category = ?2, priority = ?3, updated = ?4,"
	    " assignee = CASE WHEN ?5 THEN ?6 ELSE assignee END,"
	    " assessed_by = CASE WHEN ?7 THEN ?6 ELSE assessed_by END,"
	    " appeal = CASE WHEN ?8 THEN 1 WHEN ?9 THEN 0 ELSE appeal END"
	    " WHERE id = ?10", &st, err)) != RF_OK)
		goto done;
	sqlite3_bind_int(st, 1, (int)c.state);
	sqlite3_bind_int(st, 2, (int)c.category);
	sqlite3_bind_int(st, 3, rf__hl_priority(c.category, c.category_set,
	    c.nreports));
	sqlite3_bind_int64(st, 4, (int64_t)time(NULL));
	sqlite3_bind_int(st, 5, (what & SET_ASSIGNEE) != 0);
	rf__hl_bind_text(st, 6, who->name);
	sqlite3_bind_int(st, 7, (what & SET_ASSESSOR) != 0);
	sqlite3_bind_int(st, 8, (what & SET_APPEAL) != 0);
	sqlite3_bind_int(st, 9, (what & CLEAR_APPEAL) != 0);
	sqlite3_bind_int64(st, 10, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rs = rf__hl_fail(h, "case update", err);
		goto done;
	}
	snprintf(obj, sizeof(obj), "case:%lld", (long long)id);
	rs = rf__hl_audit(h, who, action, obj, detail, why, err);
done:
	sqlite3_finalize(st);
	return rs;
}

/* One change of a case: its state or its category (apply()). */
struct step {
	int to;
	unsigned what;
	check_fn check;
	const char *action;
};

/*
 * change: the steps s[0..n) of case id, in one transaction (all or
 * none), after checking who's permission perm and the length of why
 * (the reason of each step's audit record).
 */
static rf_status
change(rf_hotline *h, const rf_hotline_actor *who, unsigned perm,
       int64_t id, const struct step *s, size_t n, const char *why,
       rf_error *err)
{
	rf_arena *a = NULL;
	rf_status rs;
	size_t i;

	if (who == NULL || !rf_hotline_may(who->role, perm))
		return rf_error_set(err, RF_EINVAL, "the %s role may not do "
		    "this", rf_hotline_role_name(who != NULL ? who->role :
		    RF_ROLE_NONE));
	if (why != NULL && strlen(why) > h->lim.max_field_len)
		return rf_error_set(err, RF_ELIMIT, "the reason is longer "
		    "than max_field_len (%zu bytes)", h->lim.max_field_len);
	if ((a = rf_arena_new()) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	if ((rs = rf__hl_begin(h, err)) != RF_OK)
		goto done;
	for (i = 0; i < n; i++)
		if ((rs = apply(h, a, who, id, s[i].to, s[i].what,
		    s[i].check, s[i].action, why, err)) != RF_OK)
			goto done;
	rs = rf__hl_commit(h, err);
done:
	if (rs != RF_OK)
		rf__hl_rollback(h);
	rf_arena_free(a);
	return rs;
}

static const char *
check_review(const rf_hotline_actor *who, const rf_hotline_case *c, int to)
{
	if (c->state != RF_CASE_NEW)
		return "only a new case can be taken for review";
	return NULL;
}

static const char *
check_assess(const rf_hotline_actor *who, const rf_hotline_case *c, int to)
{
	if (!assessed((rf_case_state)to))
		return "an assessment is red_flag, not_illegal, out_of_remit "
		    "or access_failed";
	if (c->state != RF_CASE_IN_REVIEW)
		return "only a case in review can be assessed";
	if (c->appeal && c->assessed_by != NULL &&
	    strcmp(c->assessed_by, who->name) == 0)
		return "an appeal must be reassessed by another analyst";
	/* A red flag goes to law enforcement with its category: the
	 * analyst's finding, never a reporter's suggestion or "other"
	 * by default. */
	if (to == RF_CASE_RED_FLAG && !c->category_set)
		return "set the case's category before confirming it as a "
		    "red flag";
	return NULL;
}

static const char *
check_state(const rf_hotline_actor *who, const rf_hotline_case *c, int to)
{
	rf_case_state s = c->state;

	if (to == RF_CASE_MONITORING &&
	    (s == RF_CASE_RED_FLAG || s == RF_CASE_REFERRED))
		return NULL;
	if (to == RF_CASE_CLOSED && (assessed(s) || s == RF_CASE_REFERRED ||
	    s == RF_CASE_MONITORING))
		return NULL;
	if (to == RF_CASE_REFERRED)
		return "a case is referred by exporting it";
	if (to == RF_CASE_MONITORING)
		return "only a red_flag or referred case can be monitored";
	if (to == RF_CASE_CLOSED && s == RF_CASE_CLOSED)
		return "the case is already closed";
	if (to == RF_CASE_CLOSED)
		return "a case is assessed before it is closed (review, then "
		    "assess; a new or in_review case is not closed)";
	return "a case reaches that state by review or assess, not by a "
	    "change of state (state: monitoring or closed)";
}

static const char *
check_appeal(const rf_hotline_actor *who, const rf_hotline_case *c, int to)
{
	if (!assessed(c->state) && c->state != RF_CASE_CLOSED)
		return "only an assessed case can be appealed";
	if (c->assessed_by == NULL)
		return "the case was never assessed";
	return NULL;
}

static const char *
check_category(const rf_hotline_actor *who, const rf_hotline_case *c, int to)
{
	if ((unsigned)to >= RF_CAT__COUNT)
		return "no such category";
	if (c->state == RF_CASE_REFERRED || c->state == RF_CASE_CLOSED)
		return "a referred or closed case keeps its category";
	return NULL;
}

rf_status
rf_hotline_review(rf_hotline *h, const rf_hotline_actor *who, int64_t id,
		  const char *why, rf_error *err)
{
	const struct step s = { RF_CASE_IN_REVIEW, SET_ASSIGNEE,
	    check_review, "case.review" };

	return change(h, who, RF_PERM_REVIEW, id, &s, 1, why, err);
}

rf_status
rf_hotline_assess(rf_hotline *h, const rf_hotline_actor *who, int64_t id,
		  rf_case_state outcome, const char *why, rf_error *err)
{
	const struct step s = { (int)outcome, SET_ASSESSOR | CLEAR_APPEAL,
	    check_assess, "case.assess" };

	return change(h, who, RF_PERM_REVIEW, id, &s, 1, why, err);
}

rf_status
rf_hotline_assess_category(rf_hotline *h, const rf_hotline_actor *who,
			   int64_t id, rf_case_state outcome,
			   rf_case_category cat, const char *why,
			   rf_error *err)
{
	const struct step s[2] = {
		{ (int)cat, SET_CATEGORY, check_category, "case.category" },
		{ (int)outcome, SET_ASSESSOR | CLEAR_APPEAL, check_assess,
		    "case.assess" },
	};

	return change(h, who, RF_PERM_REVIEW, id, s, 2, why, err);
}

rf_status
rf_hotline_set_state(rf_hotline *h, const rf_hotline_actor *who, int64_t id,
		     rf_case_state to, const char *why, rf_error *err)
{
	const struct step s = { (int)to, 0, check_state, "case.state" };

	return change(h, who, RF_PERM_REVIEW, id, &s, 1, why, err);
}

rf_status
rf_hotline_appeal(rf_hotline *h, const rf_hotline_actor *who, int64_t id,
		  const char *why, rf_error *err)
{
	const struct step s = { RF_CASE_IN_REVIEW, SET_APPEAL, check_appeal,
	    "case.appeal" };

	if (why == NULL || *why == '\0')
		return rf_error_set(err, RF_EINVAL, "an appeal needs a reason");
	return change(h, who, RF_PERM_APPEAL, id, &s, 1, why, err);
}

rf_status
rf_hotline_categorise(rf_hotline *h, const rf_hotline_actor *who,
		      int64_t id, rf_case_category cat, const char *why,
		      rf_error *err)
{
	const struct step s = { (int)cat, SET_CATEGORY, check_category,
	    "case.category" };

	return change(h, who, RF_PERM_REVIEW, id, &s, 1, why, err);
}
