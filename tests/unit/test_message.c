/* test_message.c - the GMime message parser: headers, MIME tree, charsets,
 * attachments, embedded messages, limits, damaged input. */
#include "testutil.h"

#include "../../lib/internal.h"

static rf_message *
parse_text(rf_ctx *ctx, const char *text)
{
	rf_message *m = NULL;
	rf_error err;

	if (rf_message_parse(ctx, text, strlen(text), &m, &err) != RF_OK)
		fail_msg("parse: %s", err.msg);
	return m;
}

static rf_message *
parse_path(rf_ctx *ctx, const char *path)
{
	size_t len;
	char *data = read_file(path, &len);
	rf_message *m = NULL;
	rf_error err;

	if (rf_message_parse(ctx, data, len, &m, &err) != RF_OK)
		fail_msg("parse %s: %s", path, err.msg);
	free(data);
	return m;
}

static void
test_rfc2047_headers(void **state)
{
	rf_ctx *ctx = *state;
	rf_message *m = parse_path(ctx, "tests/golden/rfc2047.eml");

	assert_string_equal(m->subject, "Élège — à la carte ✓");
	assert_non_null(strstr(m->from, "José Martínez"));
	assert_string_equal(m->from_addr, "jose@example.net");
	assert_string_equal(m->message_id, "rfc2047-1@example.net");
	assert_string_equal(rf_message_recipient(m), "dana@example.org");
	/* quoted-printable Latin-1 body converted to UTF-8 */
	assert_non_null(strstr(m->text, "Voilà, le menu"));
	rf_message_free(m);
}

/* rf_message_parse_headers: the fields of the header block as the whole
 * parse gives them, and nothing of the body */
static void
test_headers_only(void **state)
{
	rf_ctx *ctx = *state;
	size_t len;
	char *data = read_file("tests/golden/rfc2047.eml", &len);
	rf_message *whole = NULL, *h = NULL;
	rf_error err;

	assert_int_equal(rf_message_parse(ctx, data, len, &whole, &err), RF_OK);
	assert_int_equal(rf_message_parse_headers(ctx, data, len, &h, &err),
	    RF_OK);
	assert_string_equal(h->subject, whole->subject);
	assert_string_equal(h->from, whole->from);
	assert_string_equal(h->from_addr, "jose@example.net");
	assert_string_equal(h->message_id, whole->message_id);
	assert_string_equal(rf_message_recipient(h), "dana@example.org");
	assert_string_equal(rf_message_header(h, "Subject"),
	    rf_message_header(whole, "Subject"));
	assert_non_null(strstr(whole->text, "Voil"));
	assert_true(h->text == NULL || h->text[0] == '\0');
	assert_int_equal(h->links.n, 0);
	rf_message_free(h);
	rf_message_free(whole);
	free(data);
}

static void
test_qp_soft_break(void **state)
{
	rf_ctx *ctx = *state;
	rf_message *m = parse_path(ctx, "tests/golden/qp-soft-break.eml");

	assert_non_null(strstr(m->text, "very-long-path-that-breaks-in-the-"
	    "middle?campaign=42&uid=abc123"));
	assert_non_null(strstr(m->text, "Café prices"));
	assert_int_equal(m->nparts, 1);
	assert_true(m->parts[0].flags & RF_PARTF_TEXT);
	assert_string_equal(m->parts[0].encoding, "quoted-printable");
	rf_message_free(m);
}

static void
test_forwarded_attachment(void **state)
{
	rf_ctx *ctx = *state;
	rf_message *m = parse_path(ctx, "tests/golden/forwarded.eml");
	const rf_message *e;

	assert_int_equal(m->nembedded, 1);
	e = m->embedded[0];
	assert_string_equal(e->subject, "You won!");
	assert_string_equal(e->message_id, "inner-1@lottery.example");
	assert_false(e->owns_arena);
	assert_non_null(strstr(m->text, "attached spam"));
	assert_null(strstr(m->text, "Claim"));	/* the inner text is its own */
	assert_int_equal(m->nattachments, 1);
	assert_string_equal(m->attachments[0].filename, "notes.pdf");
	assert_string_equal(m->attachments[0].content_type, "application/pdf");
	assert_int_equal(m->attachments[0].size, 26);
	/* sha256sum of "%PDF-1.4 not really a pdf\n" */
	assert_string_equal(m->attachments[0].sha256,
	    "71cb354fdf562514309677e1eff1e7fd0b078e6452cb5f4bddeb3c61f00911f4");
	rf_message_free(m);
}

static void
test_unknown_charset(void **state)
{
	rf_ctx *ctx = *state;
	rf_message *m = parse_text(ctx, "Subject: x\nContent-Type: text/plain;"
	    " charset=x-no-such-charset\n\ncaf\xe9 ol\xe9\n");

	assert_non_null(strstr(m->text, "café olé"));
	assert_true(m->parts[0].flags & RF_PARTF_CHARSET_UNKNOWN);
	rf_message_free(m);

	/* undeclared 8-bit text that is not UTF-8 */
	m = parse_text(ctx, "Subject: y\n\nna\xefve\n");
	assert_non_null(strstr(m->text, "naïve"));
	rf_message_free(m);
}

/* The readings of a text part's decoded bytes (lib/message.c): each case
 * a charset parameter (NULL: none), the body's bytes (before its line
 * end), the text the analysis reads, and whether the part is flagged
 * RF_PARTF_CHARSET_UNKNOWN. */
static const struct reading_case {
	const char *charset, *body, *want;
	size_t len;		/* of body */
	int unknown;
} readings[] = {
#define R(cs, body, want, unk) { cs, body, want, sizeof(body) - 1, unk }
	/* UTF-8: valid, declared or not */
	R("utf-8", "caf\xc3\xa9", "caf\xc3\xa9", 0),
	R(NULL, "caf\xc3\xa9", "caf\xc3\xa9", 0),
	/* declared utf-8: repaired (U+FFFD each, NUL dropped) */
	R("utf-8", "caf\xe9 \xc3", "caf\xef\xbf\xbd \xef\xbf\xbd", 0),
	R("UTF-8", "a\0b caf\xc3\xa9", "ab caf\xc3\xa9", 0),
	/* undeclared, the first bad byte a NUL: repaired */
	R(NULL, "a\0b caf\xe9", "ab caf\xef\xbf\xbd", 0),
	/* undeclared (or ASCII, or "utf8") 8-bit text: Windows-1252 */
	R(NULL, "na\xefve \x93q\x94", "na\xc3\xafve \xe2\x80\x9cq\xe2\x80\x9d",
	    0),
	R("us-ascii", "na\xefve", "na\xc3\xafve", 0),
	R("utf8", "na\xefve", "na\xc3\xafve", 0),
	/* ... unless Windows-1252 leaves a byte undefined: repaired, and
	 * flagged */
	R(NULL, "caf\xe9\x81", "caf\xef\xbf\xbd\xef\xbf\xbd", 1),
	/* Latin-1 (every byte), Windows-1252 (all but five) */
	R("iso-8859-1", "caf\xe9 \x81", "caf\xc3\xa9 \xc2\x81", 0),
	R("windows-1252", "\x93q\x94 \x80", "\xe2\x80\x9cq\xe2\x80\x9d "
	    "\xe2\x82\xac", 0),
	R("windows-1252", "caf\xe9\x9d", "caf\xef\xbf\xbd\xef\xbf\xbd", 1),
	/* single-byte charsets through iconv; one that fails: the
	 * Windows-1252 fallback, flagged */
	R("iso-8859-2", "\xb1\xe6 a\0b", "\xc4\x85\xc4\x87 ab", 0),
	R("iso-8859-2", "a\0b", "ab", 0),
	R("koi8-r", "\xc1\xc2", "\xd0\xb0\xd0\xb1", 0),
	R("iso-8859-3", "\xa5 caf\xe9", "\xc2\xa5 caf\xc3\xa9", 1),
	/* multi-byte declared charsets: converted; invalid, or cut in a
	 * character: the fallback, or repaired when that fails too */
	R("shift_jis", "\x93\xfa\x96\x7b", "\xe6\x97\xa5\xe6\x9c\xac", 0),
	R("shift_jis", "abc", "abc", 0),
	R("shift_jis", "a\x82 b\xe9", "a\xe2\x80\x9a b\xc3\xa9", 1),
	R("shift_jis", "ab\x93", "ab\xe2\x80\x9c", 1),
	R("gb2312", "\xd6\xd0\xce\xc4", "\xe4\xb8\xad\xe6\x96\x87", 0),
	R("gb2312", "x\xd6 y\x81", "x\xef\xbf\xbd y\xef\xbf\xbd", 1),
	/* an unknown charset name */
	R("x-no-such-charset", "caf\xe9", "caf\xc3\xa9", 1),
	R("x-no-such-charset", "caf\xe9\x8d", "caf\xef\xbf\xbd\xef\xbf\xbd",
	    1),
#undef R
};

/* test_readings: each reading case as a single-part message (read from
 * its bytes, and through GMime's tree), then all of them as the parts of
 * one multipart (likewise). */
static void
test_readings(void **state)
{
	rf_ctx *ctx = *state;
	rf_message *m;
	rf_buf b, all, want;
	size_t i, k;

	rf_buf_init(&all, 0);
	rf_buf_init(&want, 0);
	for (k = 0; k < 2; k++) {
		rf_buf_reset(&all);
		rf_buf_reset(&want);
		rf_buf_puts(&all, "Subject: all\nMIME-Version: 1.0\n"
		    "Content-Type: multipart/mixed; boundary=zz\n\n");
		for (i = 0; i < sizeof(readings) / sizeof(readings[0]); i++) {
			const struct reading_case *r = &readings[i];

			rf_buf_init(&b, 0);
			rf_buf_puts(&b, "Subject: r\nMIME-Version: 1.0\n"
			    "Content-Type: text/plain");
			rf_buf_puts(&all, "--zz\nContent-Type: text/plain");
			if (r->charset != NULL) {
				rf_buf_printf(&b, "; charset=%s", r->charset);
				rf_buf_printf(&all, "; charset=%s",
				    r->charset);
			}
			rf_buf_puts(&b, "\n\n");
			rf_buf_puts(&all, "\n\n");
			rf_buf_append(&b, r->body, r->len);
			rf_buf_append(&all, r->body, r->len);
			rf_buf_puts(&b, "\n");
			rf_buf_puts(&all, "\n");
			if (want.len > 0)
				rf_buf_putc(&want, '\n');
			rf_buf_puts(&want, r->want);
			assert_int_equal(rf__message_parse(ctx, b.data, b.len,
			    (int)k, &m, NULL), RF_OK);
			print_message("case %zu (%s)\n", i, r->charset ?
			    r->charset : "none");
			assert_int_equal(m->nparts, 1);
			assert_int_equal(strlen(m->text), strlen(r->want) + 1);
			assert_memory_equal(m->text, r->want,
			    strlen(r->want));
			assert_int_equal(!!(m->parts[0].flags &
			    RF_PARTF_CHARSET_UNKNOWN), r->unknown);
			rf_message_free(m);
			rf_buf_free(&b);
		}
		rf_buf_puts(&all, "--zz--\n");
		assert_int_equal(rf__message_parse(ctx, all.data, all.len,
		    (int)k, &m, NULL), RF_OK);
		assert_string_equal(m->text, rf_buf_cstr(&want));
		for (i = 0; i < sizeof(readings) / sizeof(readings[0]); i++)
			assert_int_equal(!!(m->parts[i].flags &
			    RF_PARTF_CHARSET_UNKNOWN), readings[i].unknown);
		rf_message_free(m);
	}
	rf_buf_free(&all);
	rf_buf_free(&want);
}

static void
test_recipient_order(void **state)
{
	rf_ctx *ctx = *state;
	rf_message *m = parse_text(ctx, "To: Someone <to@example.org>\n"
	    "Delivered-To: Real@Example.ORG\nSubject: r\n\nx\n");

	assert_string_equal(rf_message_recipient(m), "real@example.org");
	rf_message_free(m);
}

static void
test_empty_and_garbage(void **state)
{
	rf_ctx *ctx = *state;
	rf_message *m = NULL;
	unsigned char junk[4096];
	unsigned i, x = 12345;

	assert_int_equal(rf_message_parse(ctx, "", 0, &m, NULL), RF_OK);
	assert_true(m->flags & RF_MSG_EMPTY);
	rf_message_free(m);
	for (i = 0; i < sizeof(junk); i++) {
		x = x * 1103515245u + 12345u;
		junk[i] = (unsigned char)(x >> 16);
	}
	assert_int_equal(rf_message_parse(ctx, (const char *)junk,
	    sizeof(junk), &m, NULL), RF_OK);
	rf_message_free(m);
}

static void
test_truncated_multipart(void **state)
{
	rf_ctx *ctx = *state;
	rf_message *m = parse_text(ctx, "Subject: t\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=zz\n\n--zz\n"
	    "Content-Type: text/plain\n\nfirst part http://a.example/x\n--zz\n"
	    "Content-Type: text/html\n\n<p>cut off <a href=\"http://b.example/");

	assert_non_null(strstr(m->text, "first part"));
	assert_true(m->nparts >= 1);
	rf_message_free(m);
}

/* nested: a message with depth levels of multipart/mixed. */
static char *
nested(unsigned depth)
{
	rf_buf b;
	unsigned i;

	rf_buf_init(&b, 0);
	rf_buf_puts(&b, "Subject: deep nesting\nMIME-Version: 1.0\n");
	for (i = 0; i < depth; i++)
		rf_buf_printf(&b, "Content-Type: multipart/mixed; "
		    "boundary=b%u\n\n--b%u\n", i, i);
	rf_buf_puts(&b, "Content-Type: text/plain\n\ndeep text\n");
	for (i = depth; i-- > 0;)
		rf_buf_printf(&b, "--b%u--\n", i);
	return b.data;
}

static void
test_limits(void **state)
{
	rf_limits lim;
	rf_ctx *ctx;
	rf_message *m;
	char *deep = nested(12);
	rf_buf many;
	unsigned i;

	(void)state;
	rf_limits_default(&lim);
	lim.max_mime_depth = 4;
	lim.max_mime_parts = 5;
	lim.max_header_size = 8;
	lim.max_message_size = 4000;
	assert_int_equal(rf_ctx_new(&lim, &ctx, NULL), RF_OK);
	m = parse_text(ctx, deep);
	assert_true(m->limits_hit & RF_LIMIT_MIME_DEPTH);
	assert_true(m->limits_hit & RF_LIMIT_HEADER_SIZE);
	assert_string_equal(m->subject, "deep nes");	/* cut at 8 */
	rf_message_free(m);
	free(deep);

	rf_buf_init(&many, 0);
	rf_buf_puts(&many, "Subject: a long subject line\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=q\n\n");
	for (i = 0; i < 20; i++)
		rf_buf_printf(&many, "--q\nContent-Type: text/plain\n\n"
		    "part %u\n", i);
	rf_buf_puts(&many, "--q--\n");
	m = parse_text(ctx, many.data);
	assert_true(m->limits_hit & RF_LIMIT_MIME_PARTS);
	assert_true(m->nparts <= 5);
	assert_int_equal(strlen(m->subject), 8);
	rf_message_free(m);
	for (i = 0; i < 400; i++)
		rf_buf_puts(&many, "padding line\n");
	m = parse_text(ctx, many.data);
	assert_true(m->limits_hit & RF_LIMIT_MESSAGE_SIZE);
	assert_int_equal(m->size, 4000);
	rf_message_free(m);
	rf_buf_free(&many);
	rf_ctx_free(ctx);
}

static int
setup(void **state)
{
	*state = test_ctx();
	return 0;
}

static int
teardown(void **state)
{
	rf_ctx_free(*state);
	return 0;
}

/* test_envelope_len: the From_ line an mbox message starts with, with
 * its line end (LF or CRLF), or all of a line without one; 0 for none. */
static void
test_envelope_len(void **state)
{
	static const char lf[] = "From a@b Sat Jan  1 00:00:00 2000\nTo: x\n";
	static const char crlf[] = "From a@b Sat\r\nTo: x\r\n";

	(void)state;
	assert_int_equal(rf_message_envelope_len(lf, strlen(lf)), 34);
	assert_int_equal(rf_message_envelope_len(crlf, strlen(crlf)), 14);
	assert_int_equal(rf_message_envelope_len("From a@b", 8), 8);
	assert_int_equal(rf_message_envelope_len("From:a@b\n", 9), 0);
	assert_int_equal(rf_message_envelope_len("To: x\n", 6), 0);
	assert_int_equal(rf_message_envelope_len("From", 4), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc2047_headers),
		cmocka_unit_test(test_headers_only),
		cmocka_unit_test(test_qp_soft_break),
		cmocka_unit_test(test_forwarded_attachment),
		cmocka_unit_test(test_unknown_charset),
		cmocka_unit_test(test_readings),
		cmocka_unit_test(test_recipient_order),
		cmocka_unit_test(test_empty_and_garbage),
		cmocka_unit_test(test_truncated_multipart),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_envelope_len),
	};
	return cmocka_run_group_tests_name("message", tests, setup, teardown);
}
