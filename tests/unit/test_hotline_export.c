/*
 * test_hotline_export.c - rf_hotline_export on a real SQLite file: no
 * lock held while the export is delivered (a second connection files a
 * report meanwhile), a case changed meanwhile is not referred, a case
 * named twice is exported once, X-ARF strings as UTF-8 with the
 * reference verbatim; and referrals and the audit log listed a page at
 * a time.
 */
#include <time.h>

#include "testutil.h"
#include "hotline_fx.h"

static const rf_hotline_actor ana = { "alice", RF_ROLE_ANALYST };
static const rf_hotline_actor sup = { "sue", RF_ROLE_SUPERVISOR };

/* red_flag: url filed and confirmed a red flag (phishing); its case. */
static int64_t
red_flag(rf_hotline *h, const char *url)
{
	int64_t id = file1(h, url, NULL, NULL);
	rf_error err;

	assert_int_equal(rf_hotline_review(h, &ana, id, NULL, &err), RF_OK);
	assert_int_equal(rf_hotline_assess_category(h, &ana, id,
	    RF_CASE_RED_FLAG, RF_CAT_PHISHING, "kit", &err), RF_OK);
	return id;
}

static int
count_referral(void *arg, const rf_hotline_referral *r)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static int
referrals(rf_hotline *h)
{
	rf_error err;
	int n = 0;

	assert_int_equal(rf_hotline_referrals(h, 0, 0, 0, count_referral, &n,
	    &err), RF_OK);
	return n;
}

static rf_case_state
state_of(rf_hotline *h, int64_t id)
{
	rf_arena *a = rf_arena_new();
	rf_hotline_case c;
	rf_error err;

	assert_int_equal(rf_hotline_case_get(h, id, a, &c, &err), RF_OK);
	rf_arena_free(a);
	return c.state;
}

/* What a deliver callback does meanwhile, on a second connection to the
 * same file (another process, as `serve` is to `hotline export`). */
struct meanwhile {
	rf_hotline *h2;
	int64_t id;		/* the case to change (0: file a report) */
	int category;		/* change its category, not its state */
	rf_status st;
	double secs;
	int calls;
};

static rf_status
deliver_meanwhile(void *arg, const char *data, size_t len, rf_error *err)
{
	struct meanwhile *m = arg;
	const char *url = "http://meanwhile.example/";
	rf_hotline_report r;
	rf_hotline_filed out;
	rf_error e2;
	double t0 = now_s();

	(void)err;
	assert_non_null(data);
	assert_true(len > 0);
	m->calls++;
	if (m->id == 0) {
		memset(&r, 0, sizeof(r));
		r.source = "api";
		r.urls = &url;
		r.nurls = 1;
		m->st = rf_hotline_submit(m->h2, &pub, &r, &out, &e2);
	} else if (m->category) {
		m->st = rf_hotline_categorise(m->h2, &ana, m->id, RF_CAT_FRAUD,
		    "not phishing after all", &e2);
	} else {
		m->st = rf_hotline_set_state(m->h2, &ana, m->id,
		    RF_CASE_MONITORING, "watch it", &e2);
	}
	m->secs = now_s() - t0;
	return RF_OK;
}

/* While the export is being delivered (a slow reader of `hotline export
 * | less`) no write lock is held: another connection files a report at
 * once (it waited HL_BUSY_MS, 5 s, and failed), and the referral is
 * recorded after. */
static void
test_export_no_lock_while_delivering(void **state)
{
	struct fx *f = *state;
	struct meanwhile m;
	rf_buf out;
	rf_error err;
	size_t n = 0;
	int64_t id;

	id = red_flag(f->h, "http://kit.example/login");
	memset(&m, 0, sizeof(m));
	assert_int_equal(rf_hotline_open(ctx, f->path, NULL, &m.h2, &err),
	    RF_OK);
	rf_buf_init(&out, 0);
	assert_int_equal(rf_hotline_export(f->h, &sup, NULL, 0,
	    RF_EXPORT_XARF, NULL, "police", "R1", deliver_meanwhile, &m, &out,
	    &n, &err), RF_OK);
	assert_int_equal(m.calls, 1);
	assert_int_equal(m.st, RF_OK);
	assert_true(m.secs < 1.0);
	assert_int_equal(n, 1);
	assert_int_equal(state_of(f->h, id), RF_CASE_REFERRED);
	assert_int_equal(referrals(f->h), 1);
	rf_buf_free(&out);
	rf_hotline_close(m.h2);
}

/* A case whose state or category changed while the export was being
 * delivered is not referred, and neither is any other case of that
 * export (one record for one export): the error names the case. */
static void
test_export_changed_meanwhile(void **state)
{
	struct fx *f = *state;
	struct meanwhile m;
	rf_buf out;
	rf_error err;
	size_t n = 7;
	int64_t id, other, ids[2];
	int64_t checked, bad;
	char want[64];
	int which;

	for (which = 0; which < 2; which++) {
		id = red_flag(f->h, which ? "http://cat.example/" :
		    "http://state.example/");
		other = red_flag(f->h, which ? "http://cat2.example/" :
		    "http://state2.example/");
		memset(&m, 0, sizeof(m));
		assert_int_equal(rf_hotline_open(ctx, f->path, NULL, &m.h2,
		    &err), RF_OK);
		m.id = id;
		m.category = which;
		ids[0] = other;
		ids[1] = id;
		rf_buf_init(&out, 0);
		assert_int_equal(rf_hotline_export(f->h, &sup, ids, 2,
		    RF_EXPORT_CSV, NULL, "police", "R1", deliver_meanwhile, &m,
		    &out, &n, &err), RF_EINVAL);
		assert_int_equal(m.st, RF_OK);
		snprintf(want, sizeof(want), "case %lld changed",
		    (long long)id);
		assert_non_null(strstr(err.msg, want));
		assert_non_null(strstr(err.msg, "no case referred"));
		assert_int_equal(n, 0);
		assert_int_equal(out.len, 0);
		assert_int_equal(state_of(f->h, id), which ?
		    RF_CASE_RED_FLAG : RF_CASE_MONITORING);
		assert_int_equal(state_of(f->h, other), RF_CASE_RED_FLAG);
		assert_int_equal(referrals(f->h), 0);
		rf_buf_free(&out);
		rf_hotline_close(m.h2);
	}
	assert_int_equal(rf_hotline_audit_verify(f->h, &checked, &bad, &err),
	    RF_OK);
}

/* occurrences: how many times s is in hay. */
static int
occurrences(const char *hay, const char *s)
{
	int k = 0;

	while ((hay = strstr(hay, s)) != NULL) {
		k++;
		hay += strlen(s);
	}
	return k;
}

/* A case named more than once is exported and referred once, in the
 * place it was first named. */
static void
test_export_named_twice(void **state)
{
	struct fx *f = *state;
	rf_buf out;
	rf_error err;
	size_t n = 0;
	int64_t a, b, ids[5];
	char ta[40], tb[40];
	int fmt;

	a = red_flag(f->h, "http://a.example/");
	b = red_flag(f->h, "http://b.example/");
	ids[0] = b;
	ids[1] = a;
	ids[2] = b;
	ids[3] = b;
	ids[4] = a;
	rf_buf_init(&out, 0);
	for (fmt = 0; fmt < 2; fmt++) {
		rf_buf_reset(&out);
		assert_int_equal(rf_hotline_export(f->h, &sup, ids, 5,
		    fmt ? RF_EXPORT_CSV : RF_EXPORT_XARF, NULL, "police", "R1",
		    NULL, NULL, &out, &n, &err), RF_OK);
		assert_int_equal(n, 2);
		if (fmt) {
			assert_int_equal(occurrences(out.data, "a[.]example"),
			    2);		/* url and host */
			assert_int_equal(occurrences(out.data, "b[.]example"),
			    2);
		} else {
			snprintf(ta, sizeof(ta), "hotline:case-%lld\"",
			    (long long)a);
			snprintf(tb, sizeof(tb), "hotline:case-%lld\"",
			    (long long)b);
			assert_int_equal(occurrences(out.data, ta), 1);
			assert_int_equal(occurrences(out.data, tb), 1);
			assert_int_equal(occurrences(out.data,
			    "\"xarf_version\""), 2);
		}
		/* first named first */
		assert_true(strstr(out.data, "b[.]example") <
		    strstr(out.data, "a[.]example"));
	}
	assert_int_equal(referrals(f->h), 4);	/* 2 exports of 2 cases */
	rf_buf_free(&out);
}

/* X-ARF strings are UTF-8 as given ("Österreich", not the bytes of it
 * as \u00c3\u0096), invalid bytes U+FFFD, controls escaped; the
 * reference is in the description as given, and still in the tag with
 * what a tag may hold. */
static void
test_export_utf8(void **state)
{
	struct fx *f = *state;
	rf_hotline_org org = { "Meldestelle \xc3\x96sterreich",
	    "a\x01" "b@x\xff.example", "hotline.example" };
	rf_buf out;
	rf_error err;
	size_t n = 0;

	red_flag(f->h, "http://kit.example/");
	rf_buf_init(&out, 0);
	assert_int_equal(rf_hotline_export(f->h, &sup, NULL, 0,
	    RF_EXPORT_XARF, &org, "police", "Az. 12/24 \"\xc3\x96\" \xe0\x80",
	    NULL, NULL, &out, &n, &err), RF_OK);
	assert_int_equal(n, 1);
	assert_non_null(strstr(out.data,
	    "\"org\": \"Meldestelle \xc3\x96sterreich\""));
	assert_null(strstr(out.data, "\\u00c3"));
	assert_non_null(strstr(out.data,
	    "\"contact\": \"a\\u0001b@x\xef\xbf\xbd.example\""));
	assert_non_null(strstr(out.data, "Reference: Az. 12/24 "
	    "\\\"\xc3\x96\\\" \xef\xbf\xbd\xef\xbf\xbd\""));
	assert_non_null(strstr(out.data, "\"reference:az.1224\"]"));
	rf_buf_free(&out);
}

/* test_lists_paged: referrals and audit records a page of
 * queue_page_size at a time (set to 2 here), newest first, the first
 * offset passed over, with counts, so that a front end can say what it
 * left out (the listings stopped at a hard-coded 1000, in silence). */
struct seqs {
	int64_t v[8];
	int n;
};

static int
seq_referral(void *arg, const rf_hotline_referral *r)
{
	struct seqs *q = arg;

	if (q->n < 8)
		q->v[q->n++] = r->id;
	return 0;
}

static int
seq_audit(void *arg, const rf_hotline_audit_row *r)
{
	struct seqs *q = arg;

	if (q->n < 8)
		q->v[q->n++] = r->seq;
	return 0;
}

static void
test_lists_paged(void **state)
{
	struct fx *f = *state;
	rf_hotline_opts o;
	struct seqs q;
	rf_buf out;
	rf_error err;
	size_t n = 0;
	int64_t id[3], total = 0, all = 0;
	char obj[40];
	int i;

	for (i = 0; i < 3; i++) {
		char url[64];

		snprintf(url, sizeof(url), "http://kit%d.example/", i);
		id[i] = red_flag(f->h, url);
	}
	rf_buf_init(&out, 0);
	assert_int_equal(rf_hotline_export(f->h, &sup, NULL, 0,
	    RF_EXPORT_CSV, NULL, "police", "R1", NULL, NULL, &out, &n, &err),
	    RF_OK);
	rf_buf_free(&out);
	assert_int_equal(n, 3);
	rf_hotline_close(f->h);
	memset(&o, 0, sizeof(o));
	o.limits.queue_page_size = 2;
	assert_int_equal(rf_hotline_open(ctx, f->path, &o, &f->h, &err),
	    RF_OK);

	/* referrals: 3 in all, pages of 2 and 1, newest first */
	assert_int_equal(rf_hotline_referral_count(f->h, 0, &total, &err),
	    RF_OK);
	assert_int_equal(total, 3);
	memset(&q, 0, sizeof(q));
	assert_int_equal(rf_hotline_referrals(f->h, 0, 0, 0, seq_referral,
	    &q, &err), RF_OK);
	assert_int_equal(q.n, 2);
	assert_true(q.v[0] > q.v[1]);
	memset(&q, 0, sizeof(q));
	assert_int_equal(rf_hotline_referrals(f->h, 0, 0, 2, seq_referral,
	    &q, &err), RF_OK);
	assert_int_equal(q.n, 1);
	memset(&q, 0, sizeof(q));
	assert_int_equal(rf_hotline_referrals(f->h, 0, 0, 3, seq_referral,
	    &q, &err), RF_OK);
	assert_int_equal(q.n, 0);
	assert_int_equal(rf_hotline_referral_count(f->h, id[1], &total,
	    &err), RF_OK);
	assert_int_equal(total, 1);
	memset(&q, 0, sizeof(q));	/* a limit given is kept */
	assert_int_equal(rf_hotline_referrals(f->h, 0, 3, 0, seq_referral,
	    &q, &err), RF_OK);
	assert_int_equal(q.n, 3);

	/* the audit log: every record, and one case's */
	assert_int_equal(rf_hotline_audit_count(f->h, NULL, &all, &err),
	    RF_OK);
	assert_true(all > 6);
	memset(&q, 0, sizeof(q));
	assert_int_equal(rf_hotline_audit_list(f->h, NULL, 0, 0, seq_audit,
	    &q, &err), RF_OK);
	assert_int_equal(q.n, 2);
	assert_int_equal(q.v[0], all);		/* the newest first */
	assert_int_equal(q.v[1], all - 1);
	memset(&q, 0, sizeof(q));
	assert_int_equal(rf_hotline_audit_list(f->h, NULL, 0,
	    (unsigned)all - 1, seq_audit, &q, &err), RF_OK);
	assert_int_equal(q.n, 1);
	assert_int_equal(q.v[0], 1);		/* the oldest last */
	snprintf(obj, sizeof(obj), "case:%lld", (long long)id[0]);
	assert_int_equal(rf_hotline_audit_count(f->h, obj, &total, &err),
	    RF_OK);
	assert_true(total > 2 && total < all);
	memset(&q, 0, sizeof(q));
	assert_int_equal(rf_hotline_audit_list(f->h, obj, 0, 2, seq_audit,
	    &q, &err), RF_OK);
	assert_int_equal(q.n, total - 2 < 2 ? (int)total - 2 : 2);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_export_no_lock_while_delivering),
		T(test_export_changed_meanwhile),
		T(test_export_named_twice),
		T(test_export_utf8),
		T(test_lists_paged),
	};
	int rc;

	ctx = test_ctx();
	rc = cmocka_run_group_tests_name("hotline_export", tests, NULL, NULL);
	rf_ctx_free(ctx);
	return rc;
}
