/* test_arf.c - feedback reports: an RFC 5965 example read, a report
 * written and read back, headers-only originals, limits, reports that
 * are not feedback reports, RFC 6590 redaction. */
#include "testutil.h"

#define EXAMPLE \
	"From: <abusedesk@example.com>\r\n" \
	"Date: Thu, 8 Mar 2005 17:40:36 EDT\r\n" \
	"Subject: FW: Earn money\r\n" \
	"To: <abuse@example.net>\r\n" \
	"MIME-Version: 1.0\r\n" \
	"Content-Type: multipart/report; report-type=feedback-report;\r\n" \
	"     boundary=\"part1_13d.2e68ed54_boundary\"\r\n" \
	"\r\n" \
	"--part1_13d.2e68ed54_boundary\r\n" \
	"Content-Type: text/plain; charset=\"US-ASCII\"\r\n" \
	"Content-Transfer-Encoding: 7bit\r\n" \
	"\r\n" \
	"This is an email abuse report for an email message received from IP\r\n" \
	"192.0.2.1 on Thu, 8 Mar 2005 14:00:00 EDT.\r\n" \
	"\r\n" \
	"--part1_13d.2e68ed54_boundary\r\n" \
	"Content-Type: message/feedback-report\r\n" \
	"\r\n" \
	"Feedback-Type: abuse\r\n" \
	"User-Agent: SomeGenerator/1.0\r\n" \
	"Version: 1\r\n" \
	"Original-Mail-From: <somespammer@example.net>\r\n" \
	"Original-Rcpt-To: <user@example.com>\r\n" \
	"Arrival-Date: Thu, 8 Mar 2005 14:00:00 EDT\r\n" \
	"Reporting-MTA: dns; mail.example.com\r\n" \
	"Source-IP: 192.0.2.1\r\n" \
	"Authentication-Results: mail.example.com;\r\n" \
	"               spf=fail smtp.mail=somespammer@example.com\r\n" \
	"Reported-Domain: example.net\r\n" \
	"Reported-Uri: http://example.net/earn_money.html\r\n" \
	"Incidents: 17\r\n" \
	"\r\n" \
	"--part1_13d.2e68ed54_boundary\r\n" \
	"Content-Type: message/rfc822\r\n" \
	"Content-Disposition: inline\r\n" \
	"\r\n" \
	"From: <somespammer@example.net>\r\n" \
	"Received: from mailserver.example.net (mailserver.example.net\r\n" \
	"        [192.0.2.1]) by example.com with ESMTP id M63d4137594e46;\r\n" \
	"        Thu, 08 Mar 2005 14:00:00 -0400\r\n" \
	"To: <Undisclosed Recipients>\r\n" \
	"Subject: Earn money\r\n" \
	"MIME-Version: 1.0\r\n" \
	"Content-type: text/plain\r\n" \
	"Message-ID: 8787KJKJ3K4J3K4J3K4J3.mail@example.net\r\n" \
	"Date: Thu, 02 Sep 2004 12:31:03 -0500\r\n" \
	"\r\n" \
	"Spam Spam Spam\r\n" \
	"Spam Spam Spam\r\n" \
	"--part1_13d.2e68ed54_boundary--\r\n"

static void
test_rfc5965_example(void **state)
{
	rf_arena *a = rf_arena_new();
	rf_arf_report r;
	rf_error err;

	assert_int_equal(rf_arf_parse(a, EXAMPLE, strlen(EXAMPLE), &r, &err),
	    RF_OK);
	assert_string_equal(r.feedback_type, "abuse");
	assert_string_equal(r.user_agent, "SomeGenerator/1.0");
	assert_string_equal(r.version, "1");
	assert_int_equal(r.nrcpt, 1);
	assert_string_equal(r.original_rcpt_to[0], "<user@example.com>");
	assert_int_equal(r.ndomain, 1);
	assert_string_equal(r.reported_domain[0], "example.net");
	assert_string_equal(r.source_ip, "192.0.2.1");
	assert_string_equal(r.arrival_date, "Thu, 8 Mar 2005 14:00:00 EDT");
	assert_string_equal(r.reporting_mta, "dns; mail.example.com");
	assert_int_equal(r.incidents, 17);
	assert_false(r.headers_only);
	assert_non_null(r.original);
	assert_non_null(strstr(r.original, "Subject: Earn money"));
	assert_non_null(strstr(r.original, "Spam Spam Spam"));
	assert_false(r.limit_hit);
	rf_arena_free(a);
}

static void
test_write_read_back(void **state)
{
	static const char orig[] = "From: News <news@shop.test>\n"
	    "To: 3f@rcpt.test\nSubject: deals\n\nBuy now.\n";
	rf_arena *a = rf_arena_new();
	rf_arf_params p;
	rf_arf_report r;
	rf_error err;
	rf_buf b;

	memset(&p, 0, sizeof(p));
	p.original_rcpt_to = "3f@rcpt.test";
	p.reported_domain = "shop.test";
	p.source_ip = "192.0.2.7";
	p.incidents = 3;
	p.redacted = 1;
	p.boundary_seed = "x";
	rf_buf_init(&b, 0);
	assert_int_equal(rf_arf_write(&p, orig, strlen(orig), &b, &err),
	    RF_OK);
	assert_non_null(strstr(rf_buf_cstr(&b), "report-type=feedback-report"));
	assert_non_null(strstr(rf_buf_cstr(&b), "User-Agent: redflag/"));
	assert_int_equal(rf_arf_parse(a, b.data, b.len, &r, &err), RF_OK);
	assert_string_equal(r.feedback_type, "abuse");
	assert_string_equal(r.version, "1");
	assert_int_equal(r.incidents, 3);
	assert_string_equal(r.original_rcpt_to[0], "3f@rcpt.test");
	assert_string_equal(r.reported_domain[0], "shop.test");
	assert_non_null(strstr(r.original, "Buy now."));
	/* no From, To, Date or Message-ID given: none written; a Subject
	 * always, the default naming the type and the domain */
	assert_true(strncmp(rf_buf_cstr(&b), "Subject: Feedback report "
	    "(abuse) about a message from shop.test\r\nMIME-Version: 1.0",
	    strlen("Subject: Feedback report (abuse) about a message from "
	    "shop.test\r\nMIME-Version: 1.0")) == 0);
	rf_buf_free(&b);
	/* a whole message: its own header first (the default Subject),
	 * then the MIME fields */
	p.from = "fbl@rcpt.test";
	p.to = "abuse@shop.test";
	p.date = "Mon, 02 Nov 2026 09:00:00 +0000";
	p.message_id = "<arf.1@rcpt.test>";
	rf_buf_init(&b, 0);
	assert_int_equal(rf_arf_write(&p, orig, strlen(orig), &b, &err),
	    RF_OK);
	{
		const char *want = "From: fbl@rcpt.test\r\n"
		    "To: abuse@shop.test\r\n"
		    "Date: Mon, 02 Nov 2026 09:00:00 +0000\r\n"
		    "Message-ID: <arf.1@rcpt.test>\r\n"
		    "Subject: Feedback report (abuse) about a message from "
		    "shop.test\r\nMIME-Version: 1.0\r\n"
		    "Content-Type: multipart/report;";

		assert_true(strncmp(rf_buf_cstr(&b), want, strlen(want)) == 0);
	}
	assert_int_equal(rf_arf_parse(a, b.data, b.len, &r, &err), RF_OK);
	assert_string_equal(r.original_rcpt_to[0], "3f@rcpt.test");
	rf_buf_free(&b);
	/* a header value with a line break is refused */
	p.to = "abuse@shop.test\r\nBcc: all@example.test";
	rf_buf_init(&b, 0);
	assert_int_equal(rf_arf_write(&p, orig, strlen(orig), &b, &err),
	    RF_EINVAL);
	rf_buf_free(&b);
	p.to = NULL;
	/* a value with a line break is refused */
	p.source_ip = "1.2.3.4\r\nX-Evil: 1";
	rf_buf_init(&b, 0);
	assert_int_equal(rf_arf_write(&p, orig, strlen(orig), &b, &err),
	    RF_EINVAL);
	rf_buf_free(&b);
	rf_arena_free(a);
}

/* The enclosing part says what the message holds: 7-bit, a body with
 * 8-bit bytes (message/rfc822, 8bit: RFC 2046 5.2.1), 8-bit bytes in the
 * header (message/global: RFC 6532 3.7); each is read back. */
static void
test_enclosed_8bit(void **state)
{
	static const struct {
		const char *orig, *type, *body;
		int cte8;
	} cases[] = {
		{ "From: a@shop.test\nSubject: x\n\nBuy now.\n",
		  "message/rfc822", "Buy now.", 0 },
		{ "From: a@shop.test\nSubject: x\n\nJetzt kaufen: "
		  "B\xc3\xbc" "cher\n", "message/rfc822", "B\xc3\xbc" "cher", 1 },
		{ "From: a@b\xc3\xbc" "cher.test\r\nSubject: x\r\n\r\n"
		  "Buy now.\r\n", "message/global", "Buy now.", 1 },
		{ "From: a@shop.test\r\nSubject: F\xc3\xbc" "r Sie\r\n\r\n"
		  "B\xc3\xbc" "cher\r\n", "message/global", "B\xc3\xbc" "cher",
		  1 },
	};
	rf_arena *a = rf_arena_new();
	const char *top, *cte;
	char want[64];
	rf_arf_params p;
	rf_arf_report r;
	rf_error err;
	rf_buf b;
	size_t i;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.reported_domain = "shop.test";
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rf_buf_init(&b, 0);
		assert_int_equal(rf_arf_write(&p, cases[i].orig,
		    strlen(cases[i].orig), &b, &err), RF_OK);
		snprintf(want, sizeof(want), "Content-Type: %s\r\n%s",
		    cases[i].type, cases[i].cte8 ?
		    "Content-Transfer-Encoding: 8bit\r\n" :
		    "Content-Disposition");
		if (strstr(rf_buf_cstr(&b), want) == NULL)
			fail_msg("case %zu: no '%s' in\n%s", i, want,
			    rf_buf_cstr(&b));
		/* the report's own header says so too (RFC 2045 6.4: a
		 * multipart holds no more than its header declares) */
		top = strstr(rf_buf_cstr(&b), "\r\n\r\n");
		cte = strstr(rf_buf_cstr(&b), "Content-Transfer-Encoding: "
		    "8bit");
		assert_int_equal(cte != NULL && cte < top, cases[i].cte8);
		assert_int_equal(rf_arf_parse(a, b.data, b.len, &r, &err),
		    RF_OK);
		assert_non_null(r.original);
		assert_non_null(strstr(r.original, cases[i].body));
		rf_buf_free(&b);
	}
	rf_arena_free(a);
}

/* The boundary never occurs in the enclosed message: a message holding
 * the boundary the seed gives first makes the writer take another. */
static void
test_boundary_unique(void **state)
{
	rf_arf_params p;
	rf_error err;
	rf_buf b, o;
	char first[64], second[64], orig[256];
	const char *bd;

	memset(&p, 0, sizeof(p));
	p.boundary_seed = "seed";
	rf_buf_init(&b, 0);
	assert_int_equal(rf_arf_write(&p, "x", 1, &b, &err), RF_OK);
	bd = strstr(rf_buf_cstr(&b), "boundary=\"") + 10;
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(bd, "\""), bd);
	snprintf(orig, sizeof(orig), "Subject: x\n\n--%s\n", first);
	rf_buf_init(&o, 0);
	assert_int_equal(rf_arf_write(&p, orig, strlen(orig), &o, &err),
	    RF_OK);
	bd = strstr(rf_buf_cstr(&o), "boundary=\"") + 10;
	snprintf(second, sizeof(second), "%.*s", (int)strcspn(bd, "\""), bd);
	assert_string_not_equal(first, second);
	assert_null(strstr(orig, second));
	rf_buf_free(&b);
	rf_buf_free(&o);
}

static void
test_headers_only_and_errors(void **state)
{
	static const char hdrs[] =
	    "Content-Type: multipart/report; report-type=feedback-report; "
	    "boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
	    "--b\r\nContent-Type: message/feedback-report\r\n\r\n"
	    "Feedback-Type: Abuse\r\nUser-Agent: x/1\r\nVersion: 1\r\n"
	    "Incidents: 99999999999\r\n\r\n"
	    "--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
	    "From: a@b.test\r\nSubject: s\r\n\r\n--b--\r\n";
	static const char plain[] = "From: a@b.test\r\n\r\nhello\r\n";
	static const char noua[] =
	    "Content-Type: multipart/report; report-type=feedback-report; "
	    "boundary=b\r\n\r\n--b\r\nContent-Type: message/feedback-report"
	    "\r\n\r\nFeedback-Type: abuse\r\nVersion: 1\r\n\r\n--b--\r\n";
	static const char dsn[] =
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n"
	    "--b--\r\n";
	rf_arena *a = rf_arena_new();
	rf_arf_report r;
	rf_error err;

	assert_int_equal(rf_arf_parse(a, hdrs, strlen(hdrs), &r, &err),
	    RF_OK);
	assert_string_equal(r.feedback_type, "abuse");
	assert_true(r.headers_only);
	assert_non_null(strstr(r.original, "Subject: s"));
	assert_int_equal(r.incidents, RF_ARF_MAX_INCIDENTS);
	assert_true(r.limit_hit);
	assert_int_equal(rf_arf_parse(a, plain, strlen(plain), &r, &err),
	    RF_EPARSE);
	assert_int_equal(rf_arf_parse(a, noua, strlen(noua), &r, &err),
	    RF_EPARSE);
	assert_non_null(strstr(err.msg, "required field"));
	assert_int_equal(rf_arf_parse(a, dsn, strlen(dsn), &r, &err),
	    RF_EPARSE);
	assert_int_equal(rf_arf_parse(a, "", 0, &r, &err), RF_EPARSE);
	rf_arena_free(a);
}

/* An empty enclosed part (found by fuzz_arf: GMime gives no bytes). */
static void
test_empty_original(void **state)
{
	static const char rep[] =
	    "Content-Type: multipart/report; report-type=feedback-report; "
	    "boundary=b\r\n\r\n--b\r\nContent-Type: message/feedback-report"
	    "\r\n\r\nFeedback-Type: abuse\r\nUser-Agent: x/1\r\n"
	    "Version: 1\r\n\r\n--b\r\nContent-Type: text/rfc822-headers\r\n"
	    "\r\n--b--\r\n";
	rf_arena *a = rf_arena_new();
	rf_arf_report r;
	rf_error err;

	assert_int_equal(rf_arf_parse(a, rep, strlen(rep), &r, &err), RF_OK);
	assert_non_null(r.original);
	assert_true(r.headers_only);
	rf_arena_free(a);
}

/* only abuse, fraud and virus reports are complaints; the other
 * registered types are reports without one; anything else is unknown */
static void
test_type_kind(void **state)
{
	(void)state;
	assert_int_equal(rf_arf_type_kind("abuse"), RF_ARF_COMPLAINT);
	assert_int_equal(rf_arf_type_kind("Fraud"), RF_ARF_COMPLAINT);
	assert_int_equal(rf_arf_type_kind("virus"), RF_ARF_COMPLAINT);
	assert_int_equal(rf_arf_type_kind("not-spam"), RF_ARF_NO_COMPLAINT);
	assert_int_equal(rf_arf_type_kind("auth-failure"),
	    RF_ARF_NO_COMPLAINT);
	assert_int_equal(rf_arf_type_kind("other"), RF_ARF_NO_COMPLAINT);
	assert_int_equal(rf_arf_type_kind(""), RF_ARF_UNKNOWN);
	assert_int_equal(rf_arf_type_kind("abuse "), RF_ARF_UNKNOWN);
	assert_int_equal(rf_arf_type_kind(NULL), RF_ARF_UNKNOWN);
}

static void
test_redact(void **state)
{
	static const unsigned char key[] = "secret";
	rf_arena *a = rf_arena_new();
	const char *x, *y, *z;
	rf_error err;

	assert_int_equal(rf_arf_redact_addr(a, "Jane.Doe@rcpt.test", key, 6,
	    &x, &err), RF_OK);
	assert_int_equal(strlen(x), 32 + strlen("@rcpt.test"));
	assert_null(strstr(x, "jane"));
	assert_non_null(strstr(x, "@rcpt.test"));
	/* consistent, case-blind; another address, another string */
	assert_int_equal(rf_arf_redact_addr(a, "jane.doe@rcpt.test", key, 6,
	    &y, &err), RF_OK);
	assert_string_equal(x, y);
	assert_int_equal(rf_arf_redact_addr(a, "john@rcpt.test", key, 6, &z,
	    &err), RF_OK);
	assert_string_not_equal(x, z);
	assert_int_equal(rf_arf_redact_addr(a, "jane.doe@rcpt.test",
	    (const unsigned char *)"other", 5, &z, &err), RF_OK);
	assert_string_not_equal(x, z);
	assert_int_equal(rf_arf_redact_addr(a, "nope", key, 6, &z, &err),
	    RF_EINVAL);
	assert_int_equal(rf_arf_redact_addr(a, "a@b", key, 0, &z, &err),
	    RF_EINVAL);
	rf_arena_free(a);
}

/* redact: rf_arf_redact of s, "a@b.test" made "X@b.test", as a string
 * (static; one at a time). */
static const char *
redact(const char *s)
{
	static char r[4096];
	rf_buf out;

	rf_buf_init(&out, 0);
	assert_int_equal(rf_arf_redact(s, strlen(s), "a@b.test", "X@b.test",
	    &out), 0);
	snprintf(r, sizeof(r), "%.*s", (int)out.len, out.len > 0 ? out.data :
	    "");
	rf_buf_free(&out);
	return r;
}

/* test_redact_bytes: the address in any case, and in RFC 2047 encoded
 * words (B and Q, either case), which are written again B-encoded with
 * their charset; a word without it, or that is no word (no end, a blank
 * inside, no B or Q, longer than RF_ARF_MAX_WORD), as it was. */
static void
test_redact_bytes(void **state)
{
	char big[RF_ARF_MAX_WORD + 64];
	rf_buf out;

	(void)state;
	assert_string_equal(redact("to A@B.test, a@b.test."),
	    "to X@b.test, X@b.test.");
	/* "hi a@b.test" in B, "for A@b.test" in Q */
	assert_string_equal(redact("S: =?UTF-8?B?aGkgYUBiLnRlc3Q=?= ok"),
	    "S: =?UTF-8?B?aGkgWEBiLnRlc3Q=?= ok");
	assert_string_equal(redact("=?iso-8859-1?q?for_A=40b=2Etest?="),
	    "=?iso-8859-1?B?Zm9yIFhAYi50ZXN0?=");
	/* two words and the plain form between them */
	assert_string_equal(redact("=?utf-8?b?YUBiLnRlc3Q=?= a@b.test "
	    "=?utf-8?Q?a@b.test?="), "=?utf-8?B?WEBiLnRlc3Q=?= X@b.test "
	    "=?utf-8?B?WEBiLnRlc3Q=?=");
	/* in the charset too (fuzz_arf, CI of 445eb26) */
	assert_string_equal(redact("=?xa@b.test?Q?a@b.test?="),
	    "=?xX@b.test?B?WEBiLnRlc3Q=?=");
	/* words that do not hold it, or are none */
	assert_string_equal(redact("=?utf-8?B?aGk=?= =?utf-8?B?aGk="),
	    "=?utf-8?B?aGk=?= =?utf-8?B?aGk=");
	assert_string_equal(redact("=?utf-8?X?a@b.test?="),
	    "=?utf-8?X?X@b.test?=");
	assert_string_equal(redact("=?utf-8?Q?x a@b.test?="),
	    "=?utf-8?Q?x X@b.test?=");
	assert_string_equal(redact("=??Q?YUBiLnRlc3Q=?="),
	    "=??Q?YUBiLnRlc3Q=?=");
	/* a word of RF_ARF_MAX_WORD bytes is one ("a@b.test " and blanks),
	 * one byte longer none */
	memcpy(big, "=?utf-8?B?YUBiLnRlc3Qg", 22);
	memset(big + 22, 'I', RF_ARF_MAX_WORD - 24);
	memcpy(big + RF_ARF_MAX_WORD - 2, "?=", 3);
	assert_int_equal(strncmp(redact(big), "=?utf-8?B?WEBiLnRlc3Qg", 22),
	    0);
	memcpy(big + RF_ARF_MAX_WORD - 2, "I?=", 4);
	assert_string_equal(redact(big), big);
	/* no address: the bytes as they are */
	rf_buf_init(&out, 0);
	assert_int_equal(rf_arf_redact("a@b.test", 8, "", "X", &out), 0);
	assert_int_equal(out.len, 8);
	rf_buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc5965_example),
		cmocka_unit_test(test_write_read_back),
		cmocka_unit_test(test_enclosed_8bit),
		cmocka_unit_test(test_boundary_unique),
		cmocka_unit_test(test_headers_only_and_errors),
		cmocka_unit_test(test_empty_original),
		cmocka_unit_test(test_type_kind),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_redact_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
