/*
 * test_rewrite_body.c - where the rewriter says the body starts
 * (rf_rewrite_body_offset) and the blank line rf_rewrite_write puts
 * there when the header block ends at a line that is no header field:
 * the front ends write their own headers before that offset (redflag
 * filter, arf make, the milter's check), and every reader of the output
 * must start the body where the analysis did.  On 6b0e60b the filter
 * wrote the body from the first blank line, after the edits, and left
 * a tracked link live while its header said it was rewritten.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* prepared: rw for msg with "id=1" replaced by "x". */
static rf_rewrite *
prepared(const char *msg)
{
	rf_rewrite *rw;

	assert_int_equal(rf_rewrite_new(NULL, &rw, NULL), RF_OK);
	assert_int_equal(rf_rewrite_add(rw, "id=1", "x", NULL), RF_OK);
	assert_int_equal(rf_rewrite_prepare(rw, msg, strlen(msg), NULL),
	    RF_OK);
	return rw;
}

/* written: rf_rewrite_write of rw from `from`, NUL-terminated. */
static char *
written(const rf_rewrite *rw, size_t from)
{
	rf_buf out;
	char *s;

	rf_buf_init(&out, 0);
	assert_int_equal(rf_rewrite_write(rw, from, &out, NULL), RF_OK);
	s = strndup(out.data != NULL ? out.data : "", out.len);
	rf_buf_free(&out);
	assert_non_null(s);
	return s;
}

/* body_text: the text the analysis reads in msg. */
static char *
body_text(const char *msg)
{
	rf_message *m = NULL;
	rf_ctx *ctx;
	char *s;

	assert_int_equal(rf_ctx_new(NULL, &ctx, NULL), RF_OK);
	assert_int_equal(rf_message_parse(ctx, msg, strlen(msg), &m, NULL),
	    RF_OK);
	s = strndup(m->text != NULL ? m->text : "", m->text_len);
	rf_message_free(m);
	rf_ctx_free(ctx);
	assert_non_null(s);
	return s;
}

/* The offset: past the blank line, at the first line that is no header
 * field, at the end when all is headers; after a From_ line. */
static void
test_offset(void **state)
{
	static const struct {
		const char *msg;
		size_t off;
	} c[] = {
		{ "Subject: s\n\nsee id=1\n", 12 },
		{ "Subject: s\r\n\r\nsee id=1\r\n", 14 },
		{ "Subject: s\nsee id=1\n", 11 },
		{ "Subject: s\nX: id=1\n", 19 },
		{ "see id=1\n", 0 },
		{ "From a@b.example Mon Mar  2 10:00:00 2026\nSubject: s\n"
		  "see id=1\n", 53 },
	};
	rf_rewrite *rw;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		rw = prepared(c[i].msg);
		assert_int_equal(rf_rewrite_body_offset(rw), c[i].off);
		rf_rewrite_free(rw);
	}
}

/* A text body right after the headers: the body written from the offset
 * starts with the blank line, in the headers' line ends; the whole
 * message reads the same text, the code replaced. */
static void
test_single_part(void **state)
{
	static const char lf[] = "From: a@shop.example\nSubject: s\n"
	    "see id=1 now\nX-Redflag-Verdict: ham\n\nmore\n";
	static const char crlf[] = "Subject: s\r\nsee id=1\r\n";
	rf_rewrite *rw;
	char *out, *text;

	(void)state;
	rw = prepared(lf);
	out = written(rw, rf_rewrite_body_offset(rw));
	assert_string_equal(out, "\nsee x now\nX-Redflag-Verdict: ham\n\n"
	    "more\n");
	free(out);
	out = written(rw, 0);
	text = body_text(out);
	assert_non_null(strstr(text, "see x now"));
	assert_non_null(strstr(text, "X-Redflag-Verdict: ham"));
	free(text);
	free(out);
	rf_rewrite_free(rw);

	rw = prepared(crlf);
	out = written(rw, rf_rewrite_body_offset(rw));
	assert_string_equal(out, "\r\nsee x\r\n");
	free(out);
	rf_rewrite_free(rw);
}

/* A multipart whose preamble follows the headers with no blank line,
 * the code in a later part: the blank line is written too (on 6b0e60b
 * only for a leaf starting there), so that no reader takes the preamble
 * for headers. */
static void
test_multipart(void **state)
{
	static const char head[] = "Subject: s\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=b\n";
	static const char rest[] = "preamble\n--b\nContent-Type: text/plain"
	    "\n\nsee id=1\n--b--\n";
	char msg[256], *out, *text;
	rf_rewrite *rw;

	(void)state;
	snprintf(msg, sizeof(msg), "%s%s", head, rest);
	rw = prepared(msg);
	assert_int_equal(rf_rewrite_body_offset(rw), sizeof(head) - 1);
	out = written(rw, 0);
	assert_memory_equal(out, head, sizeof(head) - 1);
	assert_string_equal(out + sizeof(head) - 1, "\npreamble\n--b\n"
	    "Content-Type: text/plain\n\nsee x\n--b--\n");
	text = body_text(out);
	assert_non_null(strstr(text, "see x"));
	free(text);
	free(out);
	rf_rewrite_free(rw);
}

/* Nothing replaced: the message is written as it is, no blank line. */
static void
test_unchanged(void **state)
{
	static const char msg[] = "Subject: s\nsee nothing\n";
	rf_rewrite *rw;
	char *out;

	(void)state;
	rw = prepared(msg);
	assert_int_equal(rf_rewrite_edits(rw), 0);
	out = written(rw, 0);
	assert_string_equal(out, msg);
	free(out);
	rf_rewrite_free(rw);
}

/* A header whose name is longer than GMime's 4 KiB scan buffer (4,224
 * bytes and more: SCAN_HEAD + SCAN_BUF) made GMime read the body from
 * elsewhere when the rewriter gave it the whole header block: the code
 * in a multipart's part was read by the analysis (which gives GMime the
 * MIME fields only) and left live, "some parts could not be rewritten"
 * (s37; a sender could keep its tracking so).  The rewriter now gives
 * GMime the same bytes as the analysis. */
static void
test_long_header_name(void **state)
{
	static const char mime[] = "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "Content-Type: text/plain\n\nsee id=1\n--b--\n";
	size_t n[] = { 100, 4223, 4224, 9000 }, i;
	char *msg, *out;
	rf_rewrite *rw;

	(void)state;
	for (i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
		assert_non_null(msg = malloc(n[i] + sizeof(mime) + 16));
		memset(msg, 'X', n[i]);
		memcpy(msg + n[i], ": x\n", 4);
		memcpy(msg + n[i] + 4, mime, sizeof(mime));
		rw = prepared(msg);
		assert_int_equal(rf_rewrite_edits(rw), 1);
		out = written(rw, 0);
		assert_non_null(strstr(out, "see x\n"));
		assert_null(strstr(out, "id=1"));
		free(out);
		rf_rewrite_free(rw);
		free(msg);
	}
}

/* rf_message_field_name: the names the analysis reads as fields. */
static void
test_field_name(void **state)
{
	(void)state;
	assert_true(rf_message_field_name("Subject", 7));
	assert_true(rf_message_field_name("X-!#~", 5));
	assert_false(rf_message_field_name("", 0));
	assert_false(rf_message_field_name("X Odd", 5));
	assert_false(rf_message_field_name("X\x7fOdd", 5));
	assert_false(rf_message_field_name("X\xa5Odd", 5));
	assert_false(rf_message_field_name("X:Odd", 5));
	assert_false(rf_message_field_name("X\tOdd", 5));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offset),
		cmocka_unit_test(test_single_part),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_unchanged),
		cmocka_unit_test(test_long_header_name),
		cmocka_unit_test(test_field_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
