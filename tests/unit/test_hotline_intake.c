/*
 * test_hotline_intake.c - reports in and out, on a real SQLite file: the
 * links a reported mail keeps under max_report_urls (padding cannot push
 * a distinct site out), URLs defanged in the export, what sets a case's
 * priority, the metadata kept of an inline forward, and the export
 * limit checked before the transaction.
 */
#include <sqlite3.h>

#include "testutil.h"
#include "hotline_fx.h"

static const rf_hotline_actor ana = { "alice", RF_ROLE_ANALYST };
static const rf_hotline_actor sup = { "sue", RF_ROLE_SUPERVISOR };

/* count: the integer the query q (one row, one column) answers on f's
 * file, read through a connection of its own. */
static long long
count(struct fx *f, const char *q)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;

	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static int
has_url(const char **urls, size_t n, const char *u)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(urls[i], u) == 0)
			return 1;
	return 0;
}

/* read_mail: the URLs (*n of them) and metadata of the mail text[0..len)
 * under max_report_urls max (0: the default), in a. */
static const char **
read_mail(rf_arena *a, const char *text, size_t len, unsigned max,
	  size_t *n, rf_hotline_mailmeta *meta, const char **reporter)
{
	rf_hotline_limits lim = { 0, 0, 0, 0, 0, 0 };
	rf_message *m = NULL;
	const char **urls = NULL;
	rf_error err;

	lim.max_report_urls = max;
	assert_int_equal(rf_message_parse(ctx, text, len, &m, &err), RF_OK);
	assert_int_equal(rf_hotline_from_message(ctx, a, m, &lim, &urls, n,
	    meta, reporter, &err), RF_OK);
	rf_message_free(m);
	return urls;
}

/* expect_urls: the URLs of the mail text[0..len) under the default
 * max_report_urls are want[0..nwant), in that order. */
static void
expect_urls(const char *text, size_t len, const char *const *want,
	    size_t nwant)
{
	rf_arena *a = rf_arena_new();
	rf_hotline_mailmeta meta;
	const char **urls, *reporter;
	size_t n, i;

	urls = read_mail(a, text, len, 0, &n, &meta, &reporter);
	assert_int_equal(n, nwant);
	for (i = 0; i < n; i++)
		assert_string_equal(urls[i], want[i]);
	rf_arena_free(a);
}

/* Each link once, in the order found: when all are kept (at or under
 * max_report_urls, no choice made) and when one must go (the choice by
 * domain and host): the same list but the one left out. */
static void
test_all_kept(void **state)
{
	static const char mail[] = "From: Desk <desk@spam.example>\r\n"
	    "To: bob@reporter.example\r\nSubject: prizes\r\n"
	    "Content-Type: text/html\r\n\r\n<p>"
	    "<a href=\"http://z.example/b\">1</a>"
	    "<a href=\"http://a.example/x\">2</a>"
	    "<a href=\"http://z.example/a\">3</a>"
	    "<a href=\"http://www.a.example/y\">4</a>"
	    "<a href=\"http://a.example/x\">2 again</a>"
	    "<a href=\"http://m.example/\">5</a></p>\r\n";
	static const char *const all[] = { "http://z.example/b",
	    "http://a.example/x", "http://z.example/a",
	    "http://www.a.example/y", "http://m.example/" };
	rf_arena *a = rf_arena_new();
	rf_hotline_mailmeta meta;
	const char **urls, *reporter;
	unsigned max;
	size_t n, i, j;

	(void)state;
	for (max = 5; max <= 100; max += 95) {
		urls = read_mail(a, mail, sizeof(mail) - 1, max, &n, &meta,
		    &reporter);
		assert_int_equal(n, 5);
		assert_int_equal(meta.urls_left_out, 0);
		for (i = 0; i < n; i++)
			assert_string_equal(urls[i], all[i]);
	}
	/* one too many: z.example's second link goes (its domain and
	 * host have one kept), the others stay in the same order */
	urls = read_mail(a, mail, sizeof(mail) - 1, 4, &n, &meta, &reporter);
	assert_int_equal(n, 4);
	assert_int_equal(meta.urls_left_out, 1);
	for (i = 0, j = 0; i < 5; i++)
		if (i != 2)
			assert_string_equal(urls[j++], all[i]);
	rf_arena_free(a);
}

/* test_pages: the page a spam shows in a frame or an iframe, or goes to
 * by a meta refresh, is where it takes its reader: reported as an
 * anchor is (SpamAssassin's spam-2/00390 and 00834 advertise their sites
 * only so; s30); an iframe that is a web bug, images, embeds and an
 * anchor's ping (a tracker's) not. */
static void
test_pages(void **state)
{
	static const char mail[] = "From: Desk <desk@spam.example>\r\n"
	    "To: bob@reporter.example\r\nSubject: win\r\n"
	    "Content-Type: text/html\r\n\r\n<html><head><meta "
	    "http-equiv=Refresh content=\"2; URL=http://r.example/go\">"
	    "</head><frameset><frame src=\"http://f.example/main.htm\">"
	    "</frameset><body><iframe src=\"http://i.example/shop\" "
	    "width=600 height=400></iframe><iframe src=\"http://t.example/"
	    "pixel\" width=1 height=1></iframe><img src=\"http://m.example/"
	    "a.gif\"><embed src=\"http://e.example/x.swf\"><a href=\""
	    "http://s.example/\" ping=\"http://p.example/ping\">shop</a>"
	    "</body></html>\r\n";
	static const char *const want[] = { "http://r.example/go",
	    "http://f.example/main.htm", "http://i.example/shop",
	    "http://s.example/" };

	(void)state;
	expect_urls(mail, sizeof(mail) - 1, want, sizeof(want) /
	    sizeof(want[0]));
}

/* test_html_text_urls: a site a spam names only in its HTML text (a
 * URL written out, which mail readers make a link of) is reported as
 * an anchor is (s33; until then only plain-text parts were read so):
 * the text URLs in document order, none inside an <a>, the anchor's
 * href once. */
static void
test_html_text_urls(void **state)
{
	static const char mail[] = "From: Desk <desk@spam.example>\r\n"
	    "To: bob@reporter.example\r\nSubject: pills\r\n"
	    "Content-Type: text/html\r\n\r\n<p>Order now at "
	    "http://pills.example/order?ref=77 or www.pills.example.</p>"
	    "<p><a href=\"http://s.example/\">http://a.example/</a></p>"
	    "\r\n";
	static const char *const want[] = {
	    "http://pills.example/order?ref=77", "www.pills.example",
	    "http://s.example/" };

	(void)state;
	expect_urls(mail, sizeof(mail) - 1, want, sizeof(want) /
	    sizeof(want[0]));
}

/* submit_mail: the URLs and metadata of a mail filed as the public;
 * the first URL's report. */
static int64_t
submit_mail(struct fx *f, rf_arena *a, const char **urls, size_t n,
	    const rf_hotline_mailmeta *meta, const char *reporter)
{
	rf_hotline_report r;
	rf_hotline_filed *out = rf_arena_array(a, n, sizeof(*out));
	rf_error err;

	memset(&r, 0, sizeof(r));
	r.source = "mail";
	r.urls = urls;
	r.nurls = n;
	r.reporter = reporter;
	r.mail = meta;
	assert_int_equal(rf_hotline_submit(f->h, &pub, &r, out, &err), RF_OK);
	return out[0].report_id;
}

/* A spam padded with 60 links to one site (two hosts of it) before its
 * real link: the real one and the second host are kept, the rest in
 * order up to max_report_urls, the number left out reported (and in the
 * audit record). */
static void
test_padding(void **state)
{
	struct fx *f = *state;
	rf_buf b;
	rf_arena *a = rf_arena_new();
	rf_hotline_mailmeta meta;
	const char **urls, *reporter;
	size_t n, i;

	rf_buf_init(&b, 0);
	rf_buf_puts(&b, "From: Desk <desk@spam.example>\r\n"
	    "To: bob@reporter.example\r\nSubject: prizes\r\n"
	    "Message-ID: <pad@spam.example>\r\n"
	    "Content-Type: text/html\r\n\r\n<p>");
	for (i = 1; i <= 55; i++)
		rf_buf_printf(&b, "<a href=\"http://pad.example/p%zu\">x</a>\r\n",
		    i);
	for (i = 1; i <= 5; i++)
		rf_buf_printf(&b, "<a href=\"http://cdn.pad.example/c%zu\">y"
		    "</a>\r\n", i);
	rf_buf_puts(&b, "<a href=\"http://evil.example/login\">win</a>"
	    "<a href=\"http://evil.example/login\">win</a></p>\r\n");
	urls = read_mail(a, b.data, b.len, 0, &n, &meta, &reporter);
	assert_int_equal(n, 50);
	assert_true(has_url(urls, n, "http://evil.example/login"));
	assert_true(has_url(urls, n, "http://cdn.pad.example/c1"));
	assert_false(has_url(urls, n, "http://cdn.pad.example/c2"));
	assert_string_equal(urls[0], "http://pad.example/p1");
	assert_string_equal(urls[47], "http://pad.example/p48");
	assert_string_equal(urls[48], "http://cdn.pad.example/c1");
	assert_string_equal(urls[49], "http://evil.example/login");
	assert_int_equal(meta.urls_left_out, 61 - 50);
	/* filed, the number left out noted for the analysts */
	submit_mail(f, a, urls, n, &meta, reporter);
	assert_int_equal(count(f, "SELECT count(*) FROM cases WHERE"
	    " canonical = 'http://evil.example/login'"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE"
	    " action = 'report.file' AND detail LIKE"
	    " '%11 links of the mail left out (max_report_urls)%'"), 50);
	/* a smaller limit: one link per site first */
	urls = read_mail(a, b.data, b.len, 2, &n, &meta, &reporter);
	assert_int_equal(n, 2);
	assert_string_equal(urls[0], "http://pad.example/p1");
	assert_string_equal(urls[1], "http://evil.example/login");
	assert_int_equal(meta.urls_left_out, 59);
	/* under the limit nothing is left out */
	read_mail(a, b.data, b.len, 100, &n, &meta, &reporter);
	assert_int_equal(n, 61);
	assert_int_equal(meta.urls_left_out, 0);
	rf_buf_free(&b);
	rf_arena_free(a);
}

/* A page carrying another site's URL is exported with both defanged the
 * same way (the common CSIRT form), in X-ARF and CSV, and shown so. */
static void
test_defang_export(void **state)
{
	struct fx *f = *state;
	rf_hotline_org org = { "Hotline", "desk@hotline.example",
	    "hotline.example" };
	rf_arena *a = rf_arena_new();
	rf_hotline_case c;
	rf_buf out;
	rf_error err;
	size_t n;
	int64_t id;
	int fmt;

	id = file1(f->h, "http://evil.example/login.php?next="
	    "https://www.bank.example/", "phishing", NULL);
	assert_int_equal(rf_hotline_review(f->h, &ana, id, NULL, &err), RF_OK);
	assert_int_equal(rf_hotline_assess_category(f->h, &ana, id,
	    RF_CASE_RED_FLAG, RF_CAT_PHISHING, "phishing kit", &err), RF_OK);
	assert_int_equal(rf_hotline_case_get(f->h, id, a, &c, &err), RF_OK);
	assert_string_equal(rf_hotline_defang(a, c.canonical),
	    "hxxp://evil[.]example/login.php?next=hxxps://www[.]bank[.]"
	    "example/");
	for (fmt = 0; fmt < 2; fmt++) {
		rf_buf_init(&out, 0);
		assert_int_equal(rf_hotline_export(f->h, &sup, &id, 1,
		    fmt == 0 ? RF_EXPORT_XARF : RF_EXPORT_CSV, &org, "police",
		    "REF-1", NULL, NULL, &out, &n, &err), RF_OK);
		assert_non_null(strstr(rf_buf_cstr(&out), "hxxp://evil[.]"
		    "example/login.php?next=hxxps://www[.]bank[.]example/"));
		assert_null(strstr(rf_buf_cstr(&out), "bank.example"));
		assert_null(strstr(rf_buf_cstr(&out), "http"));
		rf_buf_free(&out);
	}
	rf_arena_free(a);
}

/* exec: the statement q run on f's file through a connection of its
 * own (what a file of an earlier version holds). */
static void
exec(struct fx *f, const char *q)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* audits: how many audit records of case id have the action act. */
static long long
audits(struct fx *f, int64_t id, const char *act)
{
	char q[160];

	snprintf(q, sizeof(q), "SELECT count(*) FROM audit WHERE object ="
	    " 'case:%lld' AND action = '%s'", (long long)id, act);
	return count(f, q);
}

/* A red flag needs a category an analyst set: refused while there is
 * none or only a reporter's suggestion (the case stays in review,
 * nothing recorded); the other outcomes need none; set first
 * (categorise) or in the same step (assess_category, both recorded or
 * neither), it is accepted and exported as the finding. */
static void
test_red_flag_needs_category(void **state)
{
	struct fx *f = *state;
	rf_arena *a = rf_arena_new();
	rf_hotline_case c;
	rf_buf out;
	rf_error err;
	size_t n;
	int64_t sug, none, two, fresh, same;

	sug = file1(f->h, "http://sug.example/", "phishing", NULL);
	none = file1(f->h, "http://none.example/", NULL, NULL);
	two = file1(f->h, "http://two.example/", "csam", NULL);
	fresh = file1(f->h, "http://fresh.example/", NULL, NULL);
	assert_int_equal(rf_hotline_review(f->h, &ana, sug, NULL, &err), RF_OK);
	assert_int_equal(rf_hotline_review(f->h, &ana, none, NULL, &err),
	    RF_OK);
	assert_int_equal(rf_hotline_review(f->h, &ana, two, NULL, &err), RF_OK);
	/* refused: a suggestion, and no category at all */
	assert_int_equal(rf_hotline_assess(f->h, &ana, sug, RF_CASE_RED_FLAG,
	    "kit", &err), RF_EINVAL);
	assert_non_null(strstr(err.msg, "set the case's category before "
	    "confirming it as a red flag"));
	assert_int_equal(rf_hotline_assess(f->h, &ana, none,
	    RF_CASE_RED_FLAG, "kit", &err), RF_EINVAL);
	assert_non_null(strstr(err.msg, "category"));
	assert_int_equal(rf_hotline_case_get(f->h, sug, a, &c, &err), RF_OK);
	assert_int_equal(c.state, RF_CASE_IN_REVIEW);
	assert_int_equal(c.category_set, 0);
	assert_null(c.assessed_by);
	assert_int_equal(audits(f, sug, "case.assess"), 0);
	/* both or neither: a new case cannot be assessed, so its category
	 * is not set either */
	assert_int_equal(rf_hotline_assess_category(f->h, &ana, fresh,
	    RF_CASE_RED_FLAG, RF_CAT_FRAUD, "kit", &err), RF_EINVAL);
	assert_non_null(strstr(err.msg, "in review"));
	assert_int_equal(rf_hotline_case_get(f->h, fresh, a, &c, &err), RF_OK);
	assert_int_equal(c.state, RF_CASE_NEW);
	assert_int_equal(c.category_set, 0);
	assert_int_equal(audits(f, fresh, "case.category"), 0);
	/* the other outcomes need no category */
	assert_int_equal(rf_hotline_assess(f->h, &ana, none,
	    RF_CASE_NOT_ILLEGAL, "a shop", &err), RF_OK);
	/* one step: the category picked with the assessment */
	assert_int_equal(rf_hotline_assess_category(f->h, &ana, sug,
	    RF_CASE_RED_FLAG, RF_CAT_FRAUD, "advance fee", &err), RF_OK);
	assert_int_equal(rf_hotline_case_get(f->h, sug, a, &c, &err), RF_OK);
	assert_int_equal(c.state, RF_CASE_RED_FLAG);
	assert_int_equal(c.category, RF_CAT_FRAUD);
	assert_int_equal(c.category_set, 1);
	assert_string_equal(c.assessed_by, "alice");
	assert_int_equal(audits(f, sug, "case.category"), 1);
	assert_int_equal(audits(f, sug, "case.assess"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE action"
	    " IN ('case.category', 'case.assess') AND reason = 'advance fee'"),
	    2);
	/* two steps: categorise, then assess */
	assert_int_equal(rf_hotline_categorise(f->h, &ana, two, RF_CAT_CSAM,
	    NULL, &err), RF_OK);
	assert_int_equal(rf_hotline_assess(f->h, &ana, two, RF_CASE_RED_FLAG,
	    "seen", &err), RF_OK);
	/* the category the analyst set, sent again with the assessment
	 * (the web form does): recorded once */
	same = file1(f->h, "http://same.example/", NULL, NULL);
	assert_int_equal(rf_hotline_review(f->h, &ana, same, NULL, &err),
	    RF_OK);
	assert_int_equal(rf_hotline_categorise(f->h, &ana, same,
	    RF_CAT_PHISHING, NULL, &err), RF_OK);
	assert_int_equal(rf_hotline_assess_category(f->h, &ana, same,
	    RF_CASE_RED_FLAG, RF_CAT_PHISHING, "kit", &err), RF_OK);
	assert_int_equal(audits(f, same, "case.category"), 1);
	assert_int_equal(audits(f, same, "case.assess"), 1);
	rf_buf_init(&out, 0);
	assert_int_equal(rf_hotline_export(f->h, &sup, &sug, 1,
	    RF_EXPORT_XARF, NULL, "police", "REF-1", NULL, NULL, &out, &n, &err),
	    RF_OK);
	assert_non_null(strstr(rf_buf_cstr(&out), "\"type\": \"fraud\""));
	assert_null(strstr(out.data, "suggested"));
	rf_buf_free(&out);
	rf_arena_free(a);
}

/* A red-flag case whose category only a reporter suggested (confirmed
 * before a red flag needed a category: a file of an earlier version,
 * made here with SQL) is exported as "other", the suggestion named in
 * the X-ARF description; once an analyst sets the category, the export
 * carries it. */
static void
test_export_suggested_category(void **state)
{
	struct fx *f = *state;
	rf_hotline_org org = { "Hotline", "desk@hotline.example",
	    "hotline.example" };
	const char *x, *second;
	char q[120];
	rf_buf out;
	rf_error err;
	size_t n;
	int64_t id[2];
	int i;

	id[0] = file1(f->h, "http://one.example/", "phishing", NULL);
	id[1] = file1(f->h, "http://two.example/", "phishing", NULL);
	for (i = 0; i < 2; i++)
		assert_int_equal(rf_hotline_review(f->h, &ana, id[i], NULL,
		    &err), RF_OK);
	/* confirmed by an earlier version, without a category */
	assert_int_equal(rf_hotline_assess(f->h, &ana, id[0],
	    RF_CASE_RED_FLAG, "seen", &err), RF_EINVAL);
	snprintf(q, sizeof(q), "UPDATE cases SET state = %d, assessed_by ="
	    " 'alice' WHERE id = %lld", (int)RF_CASE_RED_FLAG,
	    (long long)id[0]);
	exec(f, q);
	assert_int_equal(rf_hotline_categorise(f->h, &ana, id[1],
	    RF_CAT_PHISHING, "kit", &err), RF_OK);
	assert_int_equal(rf_hotline_assess(f->h, &ana, id[1],
	    RF_CASE_RED_FLAG, "seen", &err), RF_OK);
	rf_buf_init(&out, 0);
	assert_int_equal(rf_hotline_export(f->h, &sup, id, 2, RF_EXPORT_XARF,
	    &org, "police", "REF-1", NULL, NULL, &out, &n, &err), RF_OK);
	assert_int_equal(n, 2);
	x = rf_buf_cstr(&out);
	/* the reports in the order named: one.example's, then two's */
	second = strstr(x, "\"source_identifier\": \"two[.]example\"");
	assert_non_null(second);
	assert_non_null(strstr(x, "\"type\": \"other\""));
	assert_true(strstr(x, "\"type\": \"other\"") < second);
	assert_non_null(strstr(x, "category not set by an analyst (a reporter "
	    "suggested phishing)"));
	assert_true(strstr(x, "suggested phishing") < second);
	assert_non_null(strstr(second, "\"type\": \"phishing\""));
	assert_null(strstr(second, "suggested"));
	rf_buf_free(&out);
}

/* first_case: the queue callback keeping the first case's id. */
static int
first_case(void *arg, const rf_hotline_case *c)
{
	*(int64_t *)arg = c->id;
	return 1;
}

/* A reporter's category suggestion is shown (the case's category, not
 * set by an analyst) but does not raise the case in the queue: a page
 * two people reported comes before one "csam" report; once an analyst
 * sets the category, its weight counts, also after the file is opened
 * again. */
static void
test_suggestion_priority(void **state)
{
	struct fx *f = *state;
	rf_arena *a = rf_arena_new();
	rf_hotline_opts o;
	rf_hotline_case c;
	rf_error err;
	int64_t sug, two, top = 0;

	sug = file1(f->h, "http://claimed.example/", "csam", NULL);
	two = file1(f->h, "http://twice.example/", NULL, NULL);
	assert_int_equal(file1(f->h, "http://twice.example/", NULL, NULL), two);
	assert_int_equal(rf_hotline_case_get(f->h, sug, a, &c, &err), RF_OK);
	assert_int_equal(c.category, RF_CAT_CSAM);	/* shown */
	assert_false(c.category_set);
	assert_int_equal(c.priority, 1);
	assert_int_equal(rf_hotline_queue(f->h, NULL, first_case, &top,
	    &err), RF_OK);
	assert_int_equal(top, two);
	/* a later report's suggestion does not count either */
	assert_int_equal(file1(f->h, "http://claimed.example/", "phishing",
	    NULL), sug);
	assert_int_equal(rf_hotline_case_get(f->h, sug, a, &c, &err), RF_OK);
	assert_int_equal(c.priority, 2);
	/* taking it for review changes nothing; an analyst's category does */
	assert_int_equal(rf_hotline_review(f->h, &ana, sug, NULL, &err), RF_OK);
	assert_int_equal(rf_hotline_case_get(f->h, sug, a, &c, &err), RF_OK);
	assert_int_equal(c.priority, 2);
	assert_int_equal(rf_hotline_categorise(f->h, &ana, sug, RF_CAT_CSAM,
	    "seen", &err), RF_OK);
	assert_int_equal(rf_hotline_case_get(f->h, sug, a, &c, &err), RF_OK);
	assert_true(c.category_set);
	assert_int_equal(c.priority, 400 + 2);
	rf_hotline_close(f->h);
	memset(&o, 0, sizeof(o));
	assert_int_equal(rf_hotline_open(ctx, f->path, &o, &f->h, &err),
	    RF_OK);
	assert_int_equal(file1(f->h, "http://claimed.example/", NULL, NULL), sug);
	assert_int_equal(rf_hotline_case_get(f->h, sug, a, &c, &err), RF_OK);
	assert_true(c.category_set);
	assert_int_equal(c.priority, 400 + 3);
	assert_int_equal(rf_hotline_queue(f->h, NULL, first_case, &top,
	    &err), RF_OK);
	assert_int_equal(top, sug);
	rf_arena_free(a);
}

/* fwd_mail: an inline forward by bob@reporter.example to the hotline,
 * with its own Message-ID and Date, the spam's text (and header block,
 * when block is not NULL) in the body. */
static char *
fwd_mail(const char *subject, const char *block)
{
	rf_buf b;

	rf_buf_init(&b, 0);
	rf_buf_printf(&b, "From: Bob Reporter <bob@reporter.example>\r\n"
	    "To: report@hotline.example\r\nSubject: %s\r\n"
	    "Message-ID: <fwd1.bob@reporter.example>\r\n"
	    "Date: Tue, 2 Dec 2026 09:00:00 +0100\r\n"
	    "Content-Type: text/plain\r\n\r\nPlease look at this.\r\n\r\n%s"
	    "You won! Claim at http://evil.example/win?u=bob@reporter.example"
	    "\r\n", subject, block != NULL ? block : "");
	return b.data;
}

/* stored: the report's columns (message_id, msg_date, sender_domain,
 * url_clean) joined by '|', as the file has them, NULL shown as "-". */
static void
assert_stored(struct fx *f, int64_t report, const char *want)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT coalesce(message_id,"
	    " '-') || '|' || coalesce(msg_date, '-') || '|' ||"
	    " coalesce(sender_domain, '-') || '|' || url_clean FROM reports"
	    " WHERE id = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, report);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), want);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* An inline forward (no message/rfc822 part): the stored Message-ID,
 * date and sender domain are the spam's, read from the header block the
 * mail program quoted (Gmail, Outlook, Apple Mail, Thunderbird), or
 * unknown without one; never the forward's own, never the reporter's
 * address or domain.  A mail that is the spam itself keeps its own. */
static void
test_inline_forward(void **state)
{
	struct fx *f = *state;
	const struct {
		const char *subject, *block, *want;
	} t[] = {
		{ "Fwd: You won", "---------- Forwarded message ---------\r\n"
		    "From: Prize Desk <desk@spam.example>\r\n"
		    "Date: Mon, 1 Dec 2026 at 10:00\r\n"
		    "Subject: You won\r\nTo: <bob@reporter.example>\r\n\r\n",
		    "-|Mon, 1 Dec 2026 at 10:00|spam.example|"
		    "http://evil.example/win" },
		{ "FW: You won", "-----Original Message-----\r\n"
		    "From: Prize Desk [mailto:Desk@Spam.Example]\r\n"
		    "Sent: Monday, December 1, 2026 10:00 AM\r\n"
		    "To: Bob Reporter\r\nSubject: You won\r\n\r\n",
		    "-|Monday, December 1, 2026 10:00 AM|spam.example|"
		    "http://evil.example/win" },
		{ "Fwd: You won", "Begin forwarded message:\r\n\r\n"
		    "> From: desk@spam.example\r\n> Subject: You won\r\n"
		    "> Date: 1 December 2026 at 10:00:00 CET\r\n"
		    "> To: bob@reporter.example\r\n"
		    "> Message-Id: <77.desk@spam.example>\r\n>\r\n",
		    "77.desk@spam.example|1 December 2026 at 10:00:00 CET|"
		    "spam.example|http://evil.example/win" },
		{ "Fwd: You won", "-------- Forwarded Message --------\r\n"
		    "Subject: \tYou won\r\nDate: \tMon, 1 Dec 2026 10:00:00\r\n"
		    "From: \tdesk@spam.example\r\n\r\n",
		    "-|Mon, 1 Dec 2026 10:00:00|spam.example|"
		    "http://evil.example/win" },
		/* a forward of the reporter's own mail: no sender */
		{ "Fwd: look", "---------- Forwarded message ---------\r\n"
		    "From: Bob <bob@reporter.example>\r\nDate: yesterday\r\n"
		    "Subject: look\r\n\r\n", "-|yesterday|-|"
		    "http://evil.example/win" },
		/* an '@' in the display name is not the sender (read as
		 * rf_addr_spec reads the header; before: bank.example) */
		{ "Fwd: You won", "---------- Forwarded message ---------\r\n"
		    "From: service@bank.example <desk@spam.example>\r\n"
		    "Subject: You won\r\n\r\n",
		    "-|-|spam.example|http://evil.example/win" },
		/* nor one in a comment before it */
		{ "Fwd: You won", "---------- Forwarded message ---------\r\n"
		    "From: Desk (desk@bank.example) <desk@spam.example>\r\n"
		    "Subject: You won\r\n\r\n",
		    "-|-|spam.example|http://evil.example/win" },
		/* forms rf_addr_spec finds nothing in or keeps quotes of: the
		 * address around the '@' */
		{ "Fwd: You won", "---------- Forwarded message ---------\r\n"
		    "From: Prize Desk <mailto:desk@spam.example>\r\n"
		    "Subject: You won\r\n\r\n",
		    "-|-|spam.example|http://evil.example/win" },
		{ "Fwd: You won", "---------- Forwarded message ---------\r\n"
		    "From: <'desk@spam.example'>\r\n"
		    "Subject: You won\r\n\r\n",
		    "-|-|spam.example|http://evil.example/win" },
		{ "Fwd: You won", "---------- Forwarded message ---------\r\n"
		    "From: Prize Desk desk@spam.example\r\n"
		    "Subject: You won\r\n\r\n",
		    "-|-|spam.example|http://evil.example/win" },
		/* no header block: unknown, not the forward's */
		{ "Fwd: You won", NULL, "-|-|-|http://evil.example/win" },
	};
	static const char spam[] = "From: Prize Desk <desk@spam.example>\r\n"
	    "To: bob@reporter.example\r\nSubject: You won\r\n"
	    "Message-ID: <88.desk@spam.example>\r\n"
	    "Date: Mon, 1 Dec 2026 10:00:00 +0000\r\n\r\n"
	    "Claim at http://evil.example/win\r\n";
	rf_arena *a = rf_arena_new();
	rf_hotline_mailmeta meta;
	const char **urls, *reporter;
	size_t i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *mail = fwd_mail(t[i].subject, t[i].block);

		urls = read_mail(a, mail, strlen(mail), 0, &n, &meta,
		    &reporter);
		assert_int_equal(n, 1);
		assert_false(meta.has_list_id);
		assert_stored(f, submit_mail(f, a, urls, n, &meta, reporter),
		    t[i].want);
		free(mail);
	}
	/* nothing of the reporter anywhere in the reports */
	assert_int_equal(count(f, "SELECT count(*) FROM reports WHERE"
	    " coalesce(message_id, '') || coalesce(msg_date, '') ||"
	    " coalesce(sender_domain, '') || url_clean LIKE '%reporter%'"),
	    0);
	/* the spam itself (no forward) keeps its own headers */
	read_mail(a, spam, sizeof(spam) - 1, 0, &n, &meta, &reporter);
	assert_string_equal(meta.message_id, "88.desk@spam.example");
	assert_string_equal(meta.sender_domain, "spam.example");
	assert_non_null(meta.date);
	rf_arena_free(a);
}

/* More cases named than max_export_cases are refused before the export
 * opens its transaction: at once, with the limit named, even while
 * another connection holds the file's write lock (before, the export
 * waited for it, 5 s, and failed with a store error instead). */
static void
test_export_limit_first(void **state)
{
	struct fx *f = *state;
	rf_hotline_opts o;
	rf_hotline *h = NULL;
	sqlite3 *db = NULL;
	rf_buf out;
	rf_error err;
	size_t n = 9;
	int64_t ids[3];
	time_t t0;

	ids[0] = file1(f->h, "http://one.example/", NULL, NULL);
	ids[1] = file1(f->h, "http://two.example/", NULL, NULL);
	ids[2] = file1(f->h, "http://three.example/", NULL, NULL);
	memset(&o, 0, sizeof(o));
	o.limits.max_export_cases = 2;
	assert_int_equal(rf_hotline_open(ctx, f->path, &o, &h, &err), RF_OK);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	rf_buf_init(&out, 0);
	t0 = time(NULL);
	assert_int_equal(rf_hotline_export(h, &sup, ids, 3, RF_EXPORT_CSV,
	    NULL, "police", "R1", NULL, NULL, &out, &n, &err), RF_ELIMIT);
	assert_true(time(NULL) - t0 < 2);
	assert_non_null(strstr(err.msg, "max_export_cases (2)"));
	assert_int_equal(n, 0);
	assert_int_equal(out.len, 0);
	rf_buf_free(&out);
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	rf_hotline_close(h);
}

/* A category that is none of the names (a typo) is refused before
 * anything is filed; it was filed as "other".  "" is none given. */
static void
test_unknown_category(void **state)
{
	struct fx *f = *state;
	const char *url = "http://typo.example/";
	rf_hotline_report r;
	rf_hotline_filed out;
	rf_error err;
	int new_case = 0;

	memset(&r, 0, sizeof(r));
	r.source = "api";
	r.urls = &url;
	r.nurls = 1;
	r.category = "phising";
	assert_int_equal(rf_hotline_submit(f->h, &pub, &r, &out, &err),
	    RF_EINVAL);
	assert_non_null(strstr(err.msg, "unknown category"));
	assert_null(strstr(err.msg, "phising"));	/* not echoed */
	r.category = "";
	assert_int_equal(rf_hotline_submit(f->h, &pub, &r, &out, &err),
	    RF_OK);
	assert_true(out.new_case);	/* the refused one filed nothing */
	file1(f->h, "http://typo2.example/", "phishing", &new_case);
	assert_true(new_case);
}

/* test_queue_pages: the queue a page at a time: a filter's limit 0 is
 * queue_page_size (set to 2 here; the default filled in by
 * rf_hotline_limits_get), offset passes over cases in the queue's
 * order, and rf_hotline_queue_count gives the number of all of them, so
 * that a front end can say how many it left out. */
struct ids {
	int64_t id[8];
	int n;
};

static int
collect(void *arg, const rf_hotline_case *c)
{
	struct ids *v = arg;

	if (v->n < 8)
		v->id[v->n++] = c->id;
	return 0;
}

static void
test_queue_pages(void **state)
{
	struct fx *f = *state;
	rf_hotline_filter q = { 1, -1, NULL, 0, 0 };
	rf_hotline_limits lim;
	rf_hotline_opts o;
	struct ids v;
	rf_error err;
	int64_t id[5], n = 0;
	char url[64];
	int i;

	rf_hotline_limits_get(f->h, &lim);
	assert_int_equal(lim.queue_page_size, RF_HOTLINE_QUEUE_PAGE_SIZE);
	assert_int_equal(lim.max_reports_per_case, 500);
	for (i = 0; i < 5; i++) {
		snprintf(url, sizeof(url), "http://page%d.example/", i);
		id[i] = file1(f->h, url, NULL, NULL);
	}
	rf_hotline_close(f->h);
	memset(&o, 0, sizeof(o));
	o.limits.queue_page_size = 2;
	assert_int_equal(rf_hotline_open(ctx, f->path, &o, &f->h, &err),
	    RF_OK);
	rf_hotline_limits_get(f->h, &lim);
	assert_int_equal(lim.queue_page_size, 2);
	assert_int_equal(rf_hotline_queue_count(f->h, &q, &n, &err), RF_OK);
	assert_int_equal(n, 5);
	for (i = 0; i < 3; i++) {	/* pages of 2, 2 and 1 */
		memset(&v, 0, sizeof(v));
		q.offset = (unsigned)(2 * i);
		assert_int_equal(rf_hotline_queue(f->h, &q, collect, &v,
		    &err), RF_OK);
		assert_int_equal(v.n, i < 2 ? 2 : 1);
		assert_int_equal(v.id[0], id[2 * i]);
		if (i < 2)
			assert_int_equal(v.id[1], id[2 * i + 1]);
	}
	memset(&v, 0, sizeof(v));
	q.offset = 5;			/* past the last: none, no error */
	assert_int_equal(rf_hotline_queue(f->h, &q, collect, &v, &err),
	    RF_OK);
	assert_int_equal(v.n, 0);
	q.offset = 0;			/* a limit given is kept */
	q.limit = 4;
	assert_int_equal(rf_hotline_queue(f->h, &q, collect, &v, &err),
	    RF_OK);
	assert_int_equal(v.n, 4);
	q.state = RF_CASE_CLOSED;	/* the count follows the filter */
	q.open_only = 0;
	assert_int_equal(rf_hotline_queue_count(f->h, &q, &n, &err), RF_OK);
	assert_int_equal(n, 0);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_padding),
		T(test_defang_export),
		T(test_all_kept),
		T(test_pages),
		T(test_html_text_urls),
		T(test_red_flag_needs_category),
		T(test_export_suggested_category),
		T(test_suggestion_priority),
		T(test_inline_forward),
		T(test_unknown_category),
		T(test_export_limit_first),
		T(test_queue_pages),
	};
	int rc;

	ctx = test_ctx();
	rc = cmocka_run_group_tests_name("hotline_intake", tests, NULL, NULL);
	rf_ctx_free(ctx);
	return rc;
}
