/*
 * test_cls_hdrtok.c - the classifier's header shape tokens
 * (lib/cls_hdrtok.c) on hand-written messages parsed by the real parser:
 * the tokens each family gives, their plain words in reasons, and the
 * token set version recorded in (and required of) a SQLite database.
 */
#include <unistd.h>

#include <sqlite3.h>

#include "testutil.h"
#include "dbutil.h"
#include "../../lib/internal.h"

/* Spamware shape: IP-literal HELO, "with SMTP", random Message-ID,
 * NextPart boundary, Subject in capitals with a code at the end. */
static const char spammy[] =
    "Received: from [203.0.113.9] ([203.0.113.9]) by mx.example.org "
    "with SMTP; Mon, 2 Dec 2002 10:00:00 -0800\r\n"
    "From: \"Best Deals\" <deals4u@offers.example>\r\n"
    "To: you@example.org\r\n"
    "Subject: LOWEST PRICES TODAY     X7GK2Q\r\n"
    "Date: 2 Dec 2002 10:00 -0800\r\n"
    "Message-ID: <3f9a81c2d4e5b6a7@203.0.113.9>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/alternative; "
    "boundary=\"----=_NextPart_000_0012_01C2A8B1.4C5D2E30\"\r\n"
    "\r\n"
    "------=_NextPart_000_0012_01C2A8B1.4C5D2E30\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n\r\nbuy now\r\n"
    "------=_NextPart_000_0012_01C2A8B1.4C5D2E30\r\n"
    "Content-Type: text/html; charset=us-ascii\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\nPGI+YnV5PC9iPg==\r\n"
    "------=_NextPart_000_0012_01C2A8B1.4C5D2E30--\r\n";

/* Ordinary mail: full host names, ESMTP with a queue id, no MIME. */
static const char hammy[] =
    "Received: from mail.work.example (mail.work.example [192.0.2.1]) "
    "by mx.example.org (Postfix) with ESMTP id 4A2B3C for "
    "<you@example.org>; Mon, 2 Dec 2002 10:01:00 +0000\r\n"
    "Message-ID: <20021202100000.GA1234@work.example>\r\n"
    "Date: Mon, 2 Dec 2002 10:00:00 +0000\r\n"
    "From: Ann <ann@work.example>\r\n"
    "To: you@example.org, bob@example.org\r\n"
    "Subject: Re: agenda for tuesday\r\n"
    "\r\n"
    "See you then.\r\n";

static rf_message *
parse(rf_ctx *ctx, const char *text)
{
	rf_message *m = NULL;
	rf_error err;

	if (rf_message_parse(ctx, text, strlen(text), &m, &err) != RF_OK)
		fail_msg("parse: %s", err.msg);
	return m;
}

/* has: the message's tokens (v, n) include want. */
static int
has(const char **v, size_t n, const char *want)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], want) == 0)
			return 1;
	return 0;
}

static void
tokens_of(rf_ctx *ctx, const char *text, rf_arena *a, const char ***v,
	  size_t *n)
{
	rf_message *m = parse(ctx, text);
	rf_error err;

	assert_int_equal(rf_classifier_tokens(ctx, NULL, m, NULL, a, v, n,
	    &err), RF_OK);
	rf_message_free(m);
}

static void
test_spammy_shapes(void **state)
{
	rf_ctx *ctx = *state;
	rf_arena *a = rf_arena_new();
	const char **v;
	size_t n;
	static const char *const want[] = {
		"shape:rcv:helo=ipliteral", "shape:rcv:paren=ip-no-rdns",
		"shape:rcv:with=smtp", "shape:rcv:no-id", "shape:rcv:count=1",
		"shape:mid:local=xx", "shape:mid:len=16-31",
		"shape:mid:domain=ip", "shape:bnd:-=_c_9_9_X.X",
		"shape:mime:mp/alt(1plain,1html)", "shape:enc:html/base64",
		"shape:subj:all-caps", "shape:subj:trailing-code",
		"shape:subj:spaces-before-last-word",
		"shape:addr:from=quoted", "shape:addr:to=bare-address",
		"shape:addr:rcpts=1", "shape:hpair:from>to",
		"shape:hpair:to>subject", "shape:date:1_c_4_2:2_-4",
		"shape:rcvh0:ipliteral/ip-no-rdns/smtp",
		"shape:fsig:m", "shape:ssig:A_A_A_m",
	};
	size_t i;

	assert_non_null(a);
	tokens_of(ctx, spammy, a, &v, &n);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!has(v, n, want[i]))
			fail_msg("no token %s", want[i]);
	assert_false(has(v, n, "shape:rcv:helo=fqdn"));
	assert_false(has(v, n, "shape:mid:domain=from"));
	rf_arena_free(a);
}

static void
test_hammy_shapes(void **state)
{
	rf_ctx *ctx = *state;
	rf_arena *a = rf_arena_new();
	const char **v;
	size_t n;
	static const char *const want[] = {
		"shape:rcv:helo=fqdn", "shape:rcv:paren=fqdn",
		"shape:rcv:by=fqdn", "shape:rcv:with=esmtp", "shape:rcv:for",
		"shape:mid:local=99.m", "shape:mid:domain=from",
		"shape:mime:none(0plain)",
		"shape:addr:rcpts=2", "shape:addr:from=plain",
		"shape:date:c,_1_c_4_2:2:2_+4", "shape:subj:len=16-31",
		"shape:hpair:received>message-id",
		"shape:rcvh0:fqdn/host/esmtp", "shape:mids:<9.m@a.a>",
	};
	size_t i;

	assert_non_null(a);
	tokens_of(ctx, hammy, a, &v, &n);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!has(v, n, want[i]))
			fail_msg("no token %s", want[i]);
	assert_false(has(v, n, "shape:rcv:no-id"));
	assert_false(has(v, n, "shape:subj:all-caps"));
	assert_false(has(v, n, "shape:subj:trailing-code"));
	rf_arena_free(a);
}

/* Headers the shapes cannot read (no Received, no address, broken
 * Date, an unterminated Message-ID) give shapes, never a crash. */
static void
test_odd_headers(void **state)
{
	rf_ctx *ctx = *state;
	rf_arena *a = rf_arena_new();
	const char **v;
	size_t n;

	assert_non_null(a);
	tokens_of(ctx, "Received: by\r\nReceived: from\r\n"
	    "Message-ID: <abc\r\nDate: tomorrow\r\nTo: undisclosed"
	    "-recipients:;\r\nSubject:    \r\n\r\nhi\r\n", a, &v, &n);
	assert_true(has(v, n, "shape:rcv:count=2"));
	assert_true(has(v, n, "shape:rcv:no-from"));
	assert_true(has(v, n, "shape:rcv:helo=none"));
	assert_true(has(v, n, "shape:mid:no-at"));
	assert_true(has(v, n, "shape:addr:to=no-address"));
	assert_true(has(v, n, "shape:addr:from=none"));
	assert_true(has(v, n, "shape:addr:rcpts=0"));
	assert_true(has(v, n, "shape:date:a"));
	assert_true(has(v, n, "shape:mids:<a"));
	/* no Date: its own token; no Message-ID: no mids token */
	tokens_of(ctx, "Subject: hello there\r\n\r\nhi\r\n", a, &v, &n);
	assert_true(has(v, n, "shape:date:none"));
	for (size_t i = 0; i < n; i++)
		if (strncmp(v[i], "shape:mids:", 11) == 0)
			fail_msg("token %s without a Message-ID", v[i]);
	rf_arena_free(a);
}

/* Every shape token reads as words: family, then what it says. */
static void
test_describe(void **state)
{
	static const struct {
		const char *tok, *words;
	} cases[] = {
		{ "rcv:helo=ipliteral",
		  "a Received header: HELO name an IP literal" },
		{ "rcv:with=smtp", "a Received header: received with "
		  "\"smtp\"" },
		{ "rcv:no-id", "a Received header: no queue id" },
		{ "rcv:count=3-4", "a Received header: 3-4 Received headers" },
		{ "mid:local=xx", "Message-ID shape: local part shaped xx" },
		{ "mid:domain=ip", "Message-ID shape: domain: ip" },
		{ "subj:all-caps", "Subject shape: all capitals" },
		{ "hpair:from>to", "headers next to each other: from>to" },
		{ "bnd:-=_c_9_9_X.X", "MIME boundary shape: -=_c_9_9_X.X" },
		{ "nothing-known", "header shape nothing-known" },
	};
	rf_arena *a = rf_arena_new();
	size_t i;

	(void)state;
	assert_non_null(a);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(rf__shape_describe(cases[i].tok,
		    strlen(cases[i].tok), a), cases[i].words);
	rf_arena_free(a);
}

/* vary: text with the first character of its Message-ID replaced by the
 * digit i (the same shape, another message), into buf. */
static const char *
vary(const char *text, int i, char *buf, size_t len)
{
	char *p;

	snprintf(buf, len, "%s", text);
	p = strstr(buf, "Message-ID: <");
	assert_non_null(p);
	p[13] = (char)('0' + i);
	return buf;
}

/* Spam and ham that differ only in their header shapes: the reasons
 * name the shapes in words, never as tokens ("rcv:helo=..."). */
static void
test_reasons_in_words(void **state)
{
	rf_ctx *ctx = *state;
	struct tmpdb t;
	char buf[2048];
	rf_cls_params p;
	rf_classifier *c;
	rf_cls_result r;
	rf_message *m;
	rf_arena *a = rf_arena_new();
	rf_error err;
	const char *why;
	unsigned long ns, nh;
	int i, changed;

	assert_non_null(a);
	tmpdb_make(&t, "shape", "t.db");
	rf_cls_params_default(&p);
	p.min_learned = 1;
	assert_int_equal(rf_classifier_open(t.path, &p, &c, &err), RF_OK);
	assert_int_equal(rf_classifier_begin(c, &err), RF_OK);
	for (i = 0; i < 4; i++) {
		/* distinct Message-IDs: a message learned twice counts
		 * once */
		m = parse(ctx, vary(spammy, i, buf, sizeof(buf)));
		assert_int_equal(rf_classifier_learn(c, ctx, m, NULL, 1,
		    &changed, &err), RF_OK);
		rf_message_free(m);
		m = parse(ctx, vary(hammy, i, buf, sizeof(buf)));
		assert_int_equal(rf_classifier_learn(c, ctx, m, NULL, 0,
		    &changed, &err), RF_OK);
		rf_message_free(m);
	}
	assert_int_equal(rf_classifier_commit(c, &err), RF_OK);
	m = parse(ctx, spammy);
	assert_int_equal(rf_classifier_classify(c, ctx, m, NULL, a, 200, &r,
	    &err), RF_OK);
	rf_message_free(m);
	assert_int_equal(r.cls, RF_CLS_SPAM);
	why = rf_cls_reasons(&r, a, 200);
	assert_non_null(strstr(why, "a Received header: HELO name an IP "
	    "literal"));
	assert_non_null(strstr(why, "Message-ID shape: "));
	assert_null(strstr(why, "rcv:"));
	assert_null(strstr(why, "mid:"));
	assert_null(strstr(why, "hpair:"));
	/* the token form counts as learned: 4 spam, no ham */
	rf_classifier_token_counts(c, "shape:rcv:helo=ipliteral", &ns, &nh);
	assert_int_equal(ns, 4);
	assert_int_equal(nh, 0);
	rf_classifier_token_counts(c, "shape:rcv:helo=fqdn", &ns, &nh);
	assert_int_equal(ns, 0);
	assert_int_equal(nh, 4);
	rf_classifier_close(c);
	rf_arena_free(a);
	assert_int_equal(tmpdb_remove(&t), 0);
}

/* meta_exec: run sql on the SQLite file db. */
static void
meta_exec(const char *db, const char *sql)
{
	sqlite3 *h;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

/* A database trained with another token set is refused with "train a
 * new database"; an empty one of any age is taken and marked. */
static void
test_token_set_version(void **state)
{
	rf_ctx *ctx = *state;
	struct tmpdb t;
	rf_classifier *c;
	rf_message *m;
	rf_error err;
	int changed;

	tmpdb_make(&t, "shape", "t.db");
	assert_int_equal(rf_classifier_open(t.path, NULL, &c, &err), RF_OK);
	m = parse(ctx, hammy);
	assert_int_equal(rf_classifier_learn(c, ctx, m, NULL, 0, &changed,
	    &err), RF_OK);
	rf_message_free(m);
	rf_classifier_close(c);
	/* reopened as it is: fine */
	assert_int_equal(rf_classifier_open(t.path, NULL, &c, &err), RF_OK);
	rf_classifier_close(c);
	/* trained by a redflag before token sets were recorded: set 1 */
	meta_exec(t.path, "DELETE FROM meta WHERE k = 'tokens'");
	assert_int_equal(rf_classifier_open(t.path, NULL, &c, &err), RF_ESTORE);
	assert_null(c);
	assert_non_null(strstr(err.msg, "token set 1"));
	assert_non_null(strstr(err.msg, "train a new database"));
	meta_exec(t.path, "INSERT INTO meta VALUES('tokens', 99)");
	assert_int_equal(rf_classifier_open(t.path, NULL, &c, &err), RF_ESTORE);
	assert_non_null(strstr(err.msg, "token set 99"));
	/* emptied (no counts, no tokens) and unmarked: taken, marked */
	meta_exec(t.path, "DELETE FROM meta WHERE k = 'tokens';"
	    "DELETE FROM tokens; DELETE FROM learned;"
	    "UPDATE meta SET v = 0 WHERE k IN ('nspam', 'nham')");
	assert_int_equal(rf_classifier_open(t.path, NULL, &c, &err), RF_OK);
	rf_classifier_close(c);
	{
		sqlite3 *h;
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_open(t.path, &h), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(h, "SELECT v FROM meta "
		    "WHERE k = 'tokens'", -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), RF__CLS_TOKENS);
		sqlite3_finalize(st);
		sqlite3_close(h);
	}
	assert_int_equal(tmpdb_remove(&t), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spammy_shapes),
		cmocka_unit_test(test_hammy_shapes),
		cmocka_unit_test(test_odd_headers),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_reasons_in_words),
		cmocka_unit_test(test_token_set_version),
	};

	return cmocka_run_group_tests(tests, ctx_setup, ctx_teardown);
}
