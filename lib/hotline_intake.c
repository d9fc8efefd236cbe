/*
 * hotline_intake.c - reports in: filing scrubbed URLs into cases (a
 * reported mail is read in hotline_mail.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include <redflag/tracking.h>

#include "hotline_int.h"

rf_status
rf__hl_seal(rf_hotline *h, const char *plain, unsigned char **box,
	    size_t *boxlen, unsigned char nonce[24], rf_error *err)
{
	size_t n = strlen(plain);

	*box = NULL;
	if (!h->has_key)
		return rf_error_set(err, RF_EINVAL, "no raw-form key");
	*boxlen = n + crypto_secretbox_MACBYTES;
	if ((*box = malloc(*boxlen)) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(*box, (const unsigned char *)plain, n, nonce,
	    h->key);
	return RF_OK;
}

static int
too_long(const rf_hotline *h, const char *s)
{
	return s != NULL && strlen(s) > h->lim.max_field_len;
}

static int
blank(const char *s)
{
	return s == NULL || *s == '\0';
}

/* find_or_open: the case of u, opened when new. */
static rf_status
find_or_open(rf_hotline *h, const rf_hotline_actor *who,
	     const rf_hotline_url *u, rf_case_category cat,
	     const char *campaign, int64_t now, int64_t *id, int *opened,
	     rf_error *err)
{
	sqlite3_stmt *st = NULL;
	char obj[32];
	rf_status rs;

	*opened = 0;
	if ((rs = rf__hl_prepare(h, "SELECT id FROM cases WHERE canonical = ?",
	    &st, err)) != RF_OK)
		return rs;
	rf__hl_bind_text(st, 1, u->canonical);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		goto done;
	}
	sqlite3_finalize(st);
	if ((rs = rf__hl_prepare(h, "INSERT INTO cases (canonical, host,"
	    " domain, category, priority, campaign, created, updated,"
	    " last_report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, err)) !=
	    RF_OK)
		return rs;
	rf__hl_bind_text(st, 1, u->canonical);
	rf__hl_bind_text(st, 2, u->host);
	rf__hl_bind_text(st, 3, u->domain);
	sqlite3_bind_int(st, 4, (int)cat);
	sqlite3_bind_int(st, 5, rf__hl_priority(cat, 0, 0));
	rf__hl_bind_text(st, 6, campaign);
	sqlite3_bind_int64(st, 7, now);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_int64(st, 9, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rs = rf__hl_fail(h, "open case", err);
		goto done;
	}
	*id = sqlite3_last_insert_rowid(h->db);
	*opened = 1;
	snprintf(obj, sizeof(obj), "case:%lld", (long long)*id);
	rs = rf__hl_audit(h, who, "case.open", obj,
	    rf_case_category_name(cat), "new canonical URL", err);
done:
	sqlite3_finalize(st);
	return rs;
}

static rf_status
add_contact(rf_hotline *h, int64_t report, const rf_hotline_contact *c,
	    rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_status rs;

	if (c == NULL || (blank(c->name) && blank(c->email) &&
	    blank(c->phone)))
		return RF_OK;
	if ((rs = rf__hl_prepare(h, "INSERT INTO contacts (report_id, name,"
	    " email, phone) VALUES (?, ?, ?, ?)", &st, err)) != RF_OK)
		return rs;
	sqlite3_bind_int64(st, 1, report);
	rf__hl_bind_text(st, 2, blank(c->name) ? NULL : c->name);
	rf__hl_bind_text(st, 3, blank(c->email) ? NULL : c->email);
	rf__hl_bind_text(st, 4, blank(c->phone) ? NULL : c->phone);
	if (sqlite3_step(st) != SQLITE_DONE)
		rs = rf__hl_fail(h, "contact", err);
	sqlite3_finalize(st);
	return rs;
}

/* file_one: store one scrubbed URL as a report; links: how many URLs of
 * the report have its canonical form (noted in the audit record). */
static rf_status
file_one(rf_hotline *h, const rf_hotline_actor *who,
	 const rf_hotline_report *r, const char *raw, const rf_hotline_url *u,
	 unsigned links, int64_t now, rf_hotline_filed *out, rf_error *err)
{
	const rf_hotline_mailmeta *m = r->mail;
	rf_case_category cat = RF_CAT_OTHER, suggested = RF_CAT_OTHER;
	int has_suggestion = 0;
	sqlite3_stmt *st = NULL;
	unsigned char nonce[24], *box = NULL;
	size_t boxlen = 0;
	char obj[32], detail[256], times[112] = "";
	rf_status rs;

	if (rf_case_category_parse(r->category, &suggested) == 0) {
		cat = suggested;
		has_suggestion = 1;
	}
	if ((rs = find_or_open(h, who, u, cat, m != NULL ? m->campaign : NULL,
	    now, &out->case_id, &out->new_case, err)) != RF_OK)
		goto done;
	if (h->has_key &&
	    (rs = rf__hl_seal(h, raw, &box, &boxlen, nonce, err)) != RF_OK)
		goto done;
	if ((rs = rf__hl_prepare(h, "INSERT INTO reports (case_id, received,"
	    " first, source, url_clean, scrubbed, category, comment,"
	    " message_id, msg_date, sender_domain, has_list_id,"
	    " has_list_unsub, campaign, raw, raw_nonce) VALUES (?, ?, ?, ?,"
	    " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, err)) != RF_OK)
		goto done;
	sqlite3_bind_int64(st, 1, out->case_id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, out->new_case);
	rf__hl_bind_text(st, 4, r->source != NULL ? r->source : "api");
	rf__hl_bind_text(st, 5, u->clean);
	sqlite3_bind_int(st, 6, (int)u->scrubbed);
	rf__hl_bind_text(st, 7, has_suggestion ?
	    rf_case_category_name(suggested) : NULL);
	rf__hl_bind_text(st, 8, blank(r->comment) ? NULL : r->comment);
	if (m != NULL) {
		rf__hl_bind_text(st, 9, m->message_id);
		rf__hl_bind_text(st, 10, m->date);
		rf__hl_bind_text(st, 11, m->sender_domain);
		sqlite3_bind_int(st, 12, m->has_list_id != 0);
		sqlite3_bind_int(st, 13, m->has_list_unsubscribe != 0);
		rf__hl_bind_text(st, 14, m->campaign);
	} else {
		sqlite3_bind_int(st, 12, 0);
		sqlite3_bind_int(st, 13, 0);
	}
	if (box != NULL) {
		sqlite3_bind_blob(st, 15, box, (int)boxlen, SQLITE_TRANSIENT);
		sqlite3_bind_blob(st, 16, nonce, (int)sizeof(nonce),
		    SQLITE_TRANSIENT);
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		rs = rf__hl_fail(h, "file report", err);
		goto done;
	}
	out->report_id = sqlite3_last_insert_rowid(h->db);
	sqlite3_finalize(st);
	st = NULL;
	if ((rs = add_contact(h, out->report_id, r->contact, err)) != RF_OK)
		goto done;
	if (m != NULL && m->fp != NULL && (rs = rf__hl_store_fp(h,
	    out->report_id, m->fp, err)) != RF_OK)
		goto done;
	/* A reporter's suggestion sets the category of a case nobody has
	 * looked at yet, shown as a suggestion; it weighs nothing in the
	 * priority (a reporter is untrusted) until an analyst sets it. */
	if ((rs = rf__hl_prepare(h, "UPDATE cases SET nreports = nreports + 1,"
	    " last_report = ?1, updated = ?1,"
	    " category = CASE WHEN ?2 AND state = 0 AND category = 0"
	    "  THEN ?3 ELSE category END,"
	    " campaign = COALESCE(campaign, ?4) WHERE id = ?5", &st, err)) !=
	    RF_OK)
		goto done;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, has_suggestion);
	sqlite3_bind_int(st, 3, (int)suggested);
	rf__hl_bind_text(st, 4, m != NULL ? m->campaign : NULL);
	sqlite3_bind_int64(st, 5, out->case_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rs = rf__hl_fail(h, "update case", err);
		goto done;
	}
	sqlite3_finalize(st);
	if ((rs = rf__hl_prepare(h, "UPDATE cases SET priority = ? WHERE"
	    " id = ?", &st, err)) != RF_OK)
		goto done;
	{
		rf_hotline_case c;
		rf_arena *a = rf_arena_new();

		if (a == NULL) {
			rs = rf_error_set(err, RF_ENOMEM, "out of memory");
			goto done;
		}
		rs = rf_hotline_case_get(h, out->case_id, a, &c, err);
		rf_arena_free(a);
		if (rs != RF_OK)
			goto done;
		sqlite3_bind_int(st, 1, rf__hl_priority(c.category,
		    c.category_set, c.nreports));
	}
	sqlite3_bind_int64(st, 2, out->case_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rs = rf__hl_fail(h, "priority", err);
		goto done;
	}
	snprintf(obj, sizeof(obj), "case:%lld", (long long)out->case_id);
	if (links > 1)
		snprintf(times, sizeof(times), "; %u links to it in the report",
		    links);
	if (m != NULL && m->urls_left_out > 0)
		snprintf(times + strlen(times), sizeof(times) - strlen(times),
		    "; %zu link%s of the mail left out (max_report_urls)",
		    m->urls_left_out, m->urls_left_out == 1 ? "" : "s");
	snprintf(detail, sizeof(detail), "report %lld via %s; %u "
	    "identifying code%s removed%s%s", (long long)out->report_id,
	    r->source != NULL ? r->source : "api", u->scrubbed,
	    u->scrubbed == 1 ? "" : "s", box != NULL ? "; raw form sealed" :
	    "", times);
	rs = rf__hl_audit(h, who, "report.file", obj, detail, NULL, err);
done:
	sqlite3_finalize(st);
	if (box != NULL) {
		sodium_memzero(box, boxlen);
		free(box);
	}
	return rs;
}

rf_status
rf_hotline_submit(rf_hotline *h, const rf_hotline_actor *who,
		  const rf_hotline_report *r, rf_hotline_filed *out,
		  rf_error *err)
{
	rf_arena *a = NULL;
	rf_hotline_url *u;
	rf_error e;
	rf_case_category cat;
	int64_t now;
	rf_status rs = RF_OK;
	const char **addrs;
	size_t i, j, naddrs = 1, *first;
	unsigned *links;

	if (!rf_hotline_may(who != NULL ? who->role : RF_ROLE_NONE,
	    RF_PERM_SUBMIT))
		return rf_error_set(err, RF_EINVAL, "not allowed to report");
	if (r->nurls == 0)
		return rf_error_set(err, RF_EINVAL, "the report has no URL");
	if (r->nurls > h->lim.max_report_urls)
		return rf_error_set(err, RF_ELIMIT, "the report has %zu URLs, "
		    "more than max_report_urls (%u)", r->nurls,
		    h->lim.max_report_urls);
	if (too_long(h, r->comment) || too_long(h, r->category) ||
	    too_long(h, r->source) ||
	    (r->contact != NULL && (too_long(h, r->contact->name) ||
	    too_long(h, r->contact->email) || too_long(h, r->contact->phone))) ||
	    (r->mail != NULL && (too_long(h, r->mail->message_id) ||
	    too_long(h, r->mail->date) || too_long(h, r->mail->sender_domain) ||
	    too_long(h, r->mail->campaign))))
		return rf_error_set(err, RF_ELIMIT, "a field of the report is "
		    "longer than max_field_len (%zu bytes)",
		    h->lim.max_field_len);
	/* a category that is none of the names is refused, not filed as
	 * "other": it is a typo the reporter should hear about */
	if (r->category != NULL && *r->category != '\0' &&
	    rf_case_category_parse(r->category, &cat) != 0)
		return rf_error_set(err, RF_EINVAL, "unknown category: give "
		    "csam, phishing, malware, fraud or other");
	if ((a = rf_arena_new()) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	/* The reporter first, then the mail's other addresses. */
	if (r->mail != NULL && r->mail->also != NULL)
		naddrs += r->mail->nalso;
	if ((addrs = rf_arena_array(a, naddrs, sizeof(*addrs))) == NULL ||
	    (u = rf_arena_array(a, r->nurls, sizeof(*u))) == NULL ||
	    (first = rf_arena_array(a, r->nurls, sizeof(*first))) == NULL ||
	    (links = rf_arena_array(a, r->nurls, sizeof(*links))) == NULL) {
		rs = rf_error_set(err, RF_ENOMEM, "out of memory");
		goto done;
	}
	addrs[0] = r->reporter;
	for (i = 1; i < naddrs; i++)
		addrs[i] = r->mail->also[i - 1];
	now = r->when != 0 ? (int64_t)r->when : (int64_t)time(NULL);
	if ((rs = rf__hl_begin(h, err)) != RF_OK)
		goto done;
	for (i = 0; i < r->nurls; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		rs = rf__hl_canonical_n(h->ctx, h->rules, a, &h->lim,
		    r->urls[i], addrs, naddrs, &u[i], &e);
		if (rs == RF_EPARSE || rs == RF_ELIMIT) {
			out[i].error = rs == RF_ELIMIT ?
			    "longer than max_url_len" :
			    "not an http, https or ftp URL with a host";
			rs = RF_OK;
			continue;
		}
		if (rs != RF_OK) {
			if (err != NULL)
				*err = e;
			goto done;
		}
	}
	/* One submission is one report of each case it names, however many
	 * of its links (differently tracked) lead to the same page: the
	 * case's priority and the month's count are reports, not links.
	 * first[i]: the first URL with i's canonical form; links[k]: how
	 * many URLs have the canonical form of URL k, a first one. */
	for (i = 0; i < r->nurls; i++) {
		links[i] = 0;
		if (out[i].error != NULL)
			continue;
		for (j = 0; j < i; j++)
			if (out[j].error == NULL && first[j] == j &&
			    strcmp(u[j].canonical, u[i].canonical) == 0)
				break;
		first[i] = j;
		links[j]++;
	}
	for (i = 0; i < r->nurls; i++) {
		if (out[i].error != NULL)
			continue;
		if (first[i] != i) {
			out[i].report_id = out[first[i]].report_id;
			out[i].case_id = out[first[i]].case_id;
			out[i].repeated = 1;
			continue;
		}
		if ((rs = file_one(h, who, r, r->urls[i], &u[i], links[i], now,
		    &out[i], err)) != RF_OK)
			goto done;
	}
	rs = rf__hl_commit(h, err);
done:
	if (rs != RF_OK)
		rf__hl_rollback(h);
	rf_arena_free(a);
	return rs;
}
