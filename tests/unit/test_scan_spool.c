/*
 * test_scan_spool.c - the batch spool of `redflag scan` (src/scan_spool.c):
 * a message read back from the spool stands for the parsed message it
 * replaces.  Its report (report_head, JSON, full and short) is the same
 * byte for byte; lined up with other copies of its campaign
 * (rf_tracking_campaign) it gets the same tokens, clean forms, findings
 * and tracking counts as the parsed message lined up with the same
 * copies (what pass two did before: parse again); its skeleton is the
 * same.  The reader reads records in order across buffer refills and
 * larger-than-buffer records, and reports a file cut short or damaged.
 *
 * The front end's sources are compiled in: they are not in libredflag.
 */
#include "testutil.h"

#include "../../src/report.c"
#include "../../src/scan_spool.c"
#include "../../src/sprinter-json.c"
#include "../../src/sprinter.c"

struct fx {
	rf_ctx *ctx;
	rf_analysis_cfg cfg;
	rf_rules *rules;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ctx = test_ctx();
	f->rules = shipped_rules();
	f->cfg.rules = f->rules;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	rf_rules_free(f->rules);
	rf_ctx_free(f->ctx);
	free(f);
	return 0;
}

/* campaign_copy: one copy of a newsletter for rcpt, with per-recipient
 * codes, a web bug, a text part, an attachment and an embedded message
 * with links of its own. */
static char *
campaign_copy(const char *rcpt, const char *code)
{
	char *s = NULL;

	if (asprintf(&s,
	    "From: News <news@shop.example>\n"
	    "To: %s\n"
	    "Subject: Spring sale \xc3\xa0 moiti\xc3\xa9 prix\n"
	    "Date: Tue, 4 Mar 2025 10:00:00 +0000\n"
	    "Message-ID: <%s@shop.example>\n"
	    "List-Unsubscribe: <https://shop.example/unsub?u=%s>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"B\"\n\n"
	    "--B\n"
	    "Content-Type: multipart/alternative; boundary=\"A\"\n\n"
	    "--A\n"
	    "Content-Type: text/plain\n\n"
	    "Sale! https://shop.example/s/%s/sale?utm_source=mail\n"
	    "--A\n"
	    "Content-Type: text/html\n\n"
	    "<html><body><script>x()</script>"
	    "<a href=\"https://shop.example/s/%s/sale?utm_source=mail\">"
	    "Sale at www.other.example</a>"
	    "<a href=\"https://docs.example/d/1aBcD3fGhIjK4lMnOpQrS5tUvWx/v\">"
	    "terms</a>"
	    "<img src=\"https://t.shop.example/o/%s.gif\" width=1 height=1>"
	    "<img src=\"https://cdn.example/logo.png\" alt=\"logo\" "
	    "style=\"border:0\">"
	    "<p style=\"display:none\">hidden <a href=\"https://x.example/h\">"
	    "h</a></p>"
	    "</body></html>\n"
	    "--A--\n"
	    "--B\n"
	    "Content-Type: application/pdf; name=\"a.pdf\"\n"
	    "Content-Disposition: attachment; filename=\"a.pdf\"\n\n"
	    "%%PDF-1.4\n"
	    "--B\n"
	    "Content-Type: message/rfc822\n\n"
	    "From: Inner <inner@else.example>\n"
	    "Subject: inner\n"
	    "Message-ID: <inner-%s@else.example>\n\n"
	    "See https://else.example/r/%s?mc_eid=%s\n"
	    "--B--\n", rcpt, code, code, code, code, code, code, code,
	    code) < 0)
		return NULL;
	return s;
}

/* head: report_head of m as JSON (full or short), malloc'ed. */
static char *
head(const rf_message *m, const char *rcpt, int full)
{
	char *p = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&p, &n);
	struct sprinter *sp;

	assert_non_null(f);
	sp = sprinter_json_new(f);
	assert_non_null(sp);
	report_head(sp, "label", m, rcpt, full);
	sp->destroy(sp);
	assert_int_equal(fclose(f), 0);
	return p;
}

/* parse: parse and analyse data (and decide a verdict without campaign,
 * as pass one does). */
static rf_message *
parse(struct fx *f, const char *data, rf_analysis *an)
{
	rf_message *m = NULL;
	rf_error err;

	assert_int_equal(rf_message_parse(f->ctx, data, strlen(data), &m,
	    &err), RF_OK);
	assert_int_equal(rf_analysis_message(f->ctx, &f->cfg, m, NULL, an,
	    &err), RF_OK);
	return m;
}

/* spool: m as pass one spools it, read back through a reader: *mt in
 * arena a; the record's bytes stay in rd's buffer. */
static void
spool(struct fx *f, rf_message *m, rf_analysis *an, FILE *tmp,
      struct spool_reader *rd, rf_arena *a, struct meta *mt)
{
	struct spool_rec r;
	rf_buf o;
	rf_error err;

	rf_buf_init(&o, 0);
	spool_pack_findings(&o, "label", an);
	assert_int_equal(rf_analysis_verdict(&f->cfg, an, 0, 0, 0, &err),
	    RF_OK);
	assert_int_equal(spool_pack_facts(&o, an, m), 0);
	assert_int_equal(spool_write(tmp, 42, NULL, 0, o.data, o.len), 0);
	assert_int_equal(fflush(tmp), 0);
	rf_buf_free(&o);
	assert_int_equal(spool_next(rd, &r), 1);
	assert_int_equal(r.head_len, 0);
	assert_true(r.date == 42);
	assert_int_equal(spool_unpack_meta(&r, a, mt), 0);
	assert_non_null(mt->m);
	assert_string_equal(mt->label, "label");
}

static void
same_heads(const rf_message *x, const rf_message *y, const char *rcpt)
{
	char *a, *b;
	int full;

	for (full = 0; full < 2; full++) {
		a = head(x, rcpt, full);
		b = head(y, rcpt, full);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
}

static void
same_facts(struct fx *f, rf_message *x, rf_message *y)
{
	rf_verdict_facts a, b;
	rf_error err;
	size_t i;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.recipient = b.recipient = "r@x.example";
	assert_int_equal(rf_verdict_facts_message(x, NULL, &a, &err), RF_OK);
	assert_int_equal(rf_verdict_facts_message(y, NULL, &b, &err), RF_OK);
	assert_int_equal(a.rcpt_links, b.rcpt_links);
	assert_int_equal(a.code_links, b.code_links);
	assert_int_equal(a.web_bugs, b.web_bugs);
	assert_int_equal(a.ntracking, b.ntracking);
	for (i = 0; i < a.ntracking; i++)
		assert_string_equal(a.tracking[i], b.tracking[i]);
	(void)f;
}

/* Every message of tests/data/trackers and a generated one: the same
 * report, facts and skeleton read back. */
static void
test_round_trip(void **state)
{
	static const char *const files[] = {
		"tests/data/trackers/hubspot.eml",
		"tests/data/trackers/klaviyo.eml",
		"tests/data/trackers/mailchimp.eml",
		"tests/data/trackers/mailgun.eml",
		"tests/data/trackers/sendgrid.eml",
		"tests/data/trackers/ses.eml",
	};
	struct fx *f = *state;
	struct spool_reader rd;
	rf_copy_links s1, s2;
	rf_analysis an;
	struct meta mt;
	rf_message *m;
	rf_arena *a;
	rf_error err;
	FILE *tmp = tmpfile();
	size_t i, k;
	char *data;

	assert_non_null(tmp);
	assert_int_equal(spool_open(&rd, fileno(tmp), 256), 0);
	for (i = 0; i <= sizeof(files) / sizeof(files[0]); i++) {
		data = i < sizeof(files) / sizeof(files[0]) ?
		    read_file(files[i], NULL) :
		    campaign_copy("ann@home.example", "Zq8Xr4Lp0Wm2Ks7Yd3Tb");
		assert_non_null(data);
		m = parse(f, data, &an);
		m->limits_hit |= RF_LIMIT_MESSAGE_SIZE;
		a = rf_arena_new();
		assert_non_null(a);
		spool(f, m, &an, tmp, &rd, a, &mt);
		same_heads(m, mt.m, an.recipient);
		same_facts(f, m, mt.m);
		assert_int_equal(mt.nreasons, an.facts.ntracking);
		assert_int_equal(mt.has_cls, 0);
		assert_int_equal(rf_tracking_skeleton(m, &s1, &err), RF_OK);
		assert_int_equal(rf_tracking_skeleton(mt.m, &s2, &err), RF_OK);
		assert_int_equal(s1.n, s2.n);
		assert_true(s1.n > 0);
		for (k = 0; k < s1.n; k++)
			assert_string_equal(s1.urls[k], s2.urls[k]);
		rf_arena_free(a);
		rf_message_free(m);
		free(data);
	}
	assert_int_equal(spool_next(&rd, &(struct spool_rec){ 0 }), 0);
	spool_close(&rd);
	fclose(tmp);
}

#define MAX_COPIES 5

/* line_up_all: n copies (copy(rcpts[i], codes[i])) parsed; each parsed
 * again, spooled and read back, then both lined up with the other copies'
 * skeletons: the same report and facts.  check (NULL allowed) sees the
 * parsed copy and the one read back before and after (done 0, 1) the
 * lining up.  Returns how many copies' full reports it changed. */
static size_t
line_up_all(struct fx *f, char *(*copy)(const char *, const char *),
	    const char *const *rcpts, const char *const *codes, size_t ncopies,
	    void (*check)(const rf_message *, const rf_message *, int))
{
	rf_copy_links skel[MAX_COPIES], others[MAX_COPIES];
	struct spool_reader rd;
	rf_analysis an;
	struct meta mt;
	rf_message *copies[MAX_COPIES], *m;
	rf_arena *a;
	rf_error err;
	FILE *tmp = tmpfile();
	size_t i, k, n, changed = 0;
	char *data[MAX_COPIES];

	assert_true(ncopies <= MAX_COPIES);
	assert_non_null(tmp);
	assert_int_equal(spool_open(&rd, fileno(tmp), 1 << 16), 0);
	for (i = 0; i < ncopies; i++) {
		data[i] = copy(rcpts[i], codes[i]);
		assert_non_null(data[i]);
		copies[i] = parse(f, data[i], &an);
		assert_int_equal(rf_tracking_skeleton(copies[i], &skel[i],
		    &err), RF_OK);
	}
	for (i = 0; i < ncopies; i++) {
		char *before, *after;

		for (k = n = 0; k < ncopies; k++)
			if (k != i)
				others[n++] = skel[k];
		m = parse(f, data[i], &an);
		a = rf_arena_new();
		assert_non_null(a);
		spool(f, m, &an, tmp, &rd, a, &mt);
		if (check != NULL)
			check(m, mt.m, 0);
		before = head(m, an.recipient, 1);
		assert_int_equal(rf_tracking_campaign(f->ctx, f->rules, m,
		    others, n, &err), RF_OK);
		assert_int_equal(rf_tracking_campaign(f->ctx, f->rules, mt.m,
		    others, n, &err), RF_OK);
		same_heads(m, mt.m, an.recipient);
		same_facts(f, m, mt.m);
		if (check != NULL)
			check(m, mt.m, 1);
		after = head(mt.m, an.recipient, 1);
		changed += strcmp(before, after) != 0;
		free(before);
		free(after);
		rf_arena_free(a);
		rf_message_free(m);
	}
	for (i = 0; i < ncopies; i++) {
		rf_message_free(copies[i]);
		free(data[i]);
	}
	spool_close(&rd);
	fclose(tmp);
	return changed;
}

/* Lined up with the same other copies, the message read back and the
 * parsed one (the copy parsed again, as pass two did before) agree. */
static void
test_line_up(void **state)
{
	static const char *const codes[] = { "Zq8Xr4Lp0Wm2Ks7Yd3Tb",
		"Hk3Vn9Qa1Pe6Uj2Ws5Rc", "Mb7Tg2Ly8Dx4Nf1Oz6Ej", "1001",
		"1002" };
	static const char *const rcpts[] = { "ann@home.example",
		"bob@home.example", "cy@else.example", "dee@x.example",
		"eve@y.example" };

	/* the codes vary: lining up found something in every copy */
	assert_int_equal(line_up_all(*state, campaign_copy, rcpts, codes, 5,
	    NULL), 5);
}

/* personal_copy: one copy of mail not bulk by its headers, whose links
 * have only tokens found by shape (an address under another name, an
 * opaque id), which the analysis drops and keeps aside; the path of the
 * first varies from copy to copy. */
static char *
personal_copy(const char *rcpt, const char *code)
{
	char *s = NULL;

	if (asprintf(&s,
	    "From: Shop <shop@shop.example>\n"
	    "To: %s\n"
	    "Subject: hello\n"
	    "Message-ID: <%s@shop.example>\n\n"
	    "Remove: http://192.0.2.7:81/%s/remove.php?userid=jane@alias."
	    "example&s=1\n"
	    "Shop: https://shop.example/p/Zq8Xr4Lp0Wm2Ks7Yd3Tb?from=jane@alias."
	    "example\n", rcpt, code, code) < 0)
		return NULL;
	return s;
}

/* not_bulk_check: the copy parsed and the one read back keep the tokens
 * the analysis dropped; once lined up, the first link (flagged late) has
 * its address back in both. */
static void
not_bulk_check(const rf_message *m, const rf_message *back, int done)
{
	if (!done) {
		assert_int_equal(m->links.n, 2);
		assert_int_equal(m->links.v[0].ntokens, 0);
		assert_int_equal(m->links.v[0].ndropped, 1);
		assert_int_equal(m->links.v[1].ndropped, 2);
		assert_int_equal(back->links.v[1].ndropped, 2);
		assert_string_equal(back->links.v[1].dropped[1].reason,
		    m->links.v[1].dropped[1].reason);
		return;
	}
	assert_non_null(strstr(m->links.v[0].clean, "?s=1"));
	assert_null(strstr(back->links.v[0].clean, "jane"));
}

/* In mail not bulk by its headers the message read back keeps the tokens
 * the analysis dropped: lined up, it gets the addresses of a link flagged
 * late back as the parsed message does. */
static void
test_line_up_not_bulk(void **state)
{
	static const char *const codes[] = { "hgh_run", "hgh_zeng", "hgh_x" };
	static const char *const rcpts[] = { "ann@home.example",
		"bob@home.example", "cy@else.example" };

	assert_int_equal(line_up_all(*state, personal_copy, rcpts, codes, 3,
	    not_bulk_check), 3);
}

/* Records in order, across refills and records larger than the buffer;
 * a file cut short and a damaged meta are errors, not crashes. */
static void
test_reader(void **state)
{
	struct spool_reader rd;
	struct spool_rec r;
	struct meta mt;
	rf_arena *a = rf_arena_new();
	FILE *tmp = tmpfile();
	char big[5000], meta[64];
	size_t i, n;
	rf_buf o;

	(void)state;
	assert_non_null(tmp);
	assert_non_null(a);
	memset(big, 'h', sizeof(big));
	for (i = 0; i < 200; i++) {
		n = i % 7 == 0 ? sizeof(big) : i;
		memset(meta, (int)i, sizeof(meta));
		assert_int_equal(spool_write(tmp, (int64_t)i, big, n, meta,
		    i % 3 == 0 ? 0 : 16), 0);
	}
	assert_int_equal(fflush(tmp), 0);
	assert_int_equal(spool_open(&rd, fileno(tmp), 64), 0);
	for (i = 0; i < 200; i++) {
		assert_int_equal(spool_next(&rd, &r), 1);
		assert_true(r.date == (int64_t)i);
		assert_int_equal(r.head_len, i % 7 == 0 ? sizeof(big) : i);
		assert_int_equal(r.meta_len, i % 3 == 0 ? 0 : 16);
		assert_true(r.head_len == 0 || r.head[r.head_len - 1] == 'h');
		assert_true(r.meta_len == 0 || r.meta[15] == (char)i);
	}
	assert_int_equal(spool_next(&rd, &r), 0);
	spool_close(&rd);

	/* cut short: the last record's meta is missing */
	assert_int_equal(ftruncate(fileno(tmp), (off_t)ftello(tmp) - 4), 0);
	assert_int_equal(spool_open(&rd, fileno(tmp), 64), 0);
	for (i = 0; i < 199; i++)
		assert_int_equal(spool_next(&rd, &r), 1);
	assert_int_equal(spool_next(&rd, &r), -1);
	spool_close(&rd);

	/* a damaged meta: a count past its end */
	rf_buf_init(&o, 0);
	put_str(&o, "label");
	put_str(&o, NULL);
	put_u32(&o, 1000000);
	r.head_len = 0;
	r.meta = o.data;
	r.meta_len = (uint32_t)o.len;
	assert_int_equal(spool_unpack_meta(&r, a, &mt), -1);
	rf_buf_free(&o);
	rf_arena_free(a);
	fclose(tmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_line_up),
		cmocka_unit_test(test_line_up_not_bulk),
		cmocka_unit_test(test_reader),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
