/*
 * test_classifier_redis.c - the classifier's Redis token database against
 * a real redis-server on 127.0.0.1:$REDIS_PORT (tests/e2e/train_redis.sh
 * starts one) and, side by side, a real SQLite file: the same learning
 * gives the same counts and exactly the same probabilities; unlearning
 * leaves nothing behind; two processes learning at once count every
 * message once; a database trained with another token set is refused.
 * Without REDIS_PORT only the location tests run.
 */
#include <sys/wait.h>
#include <unistd.h>

#include <hiredis.h>

#include "testutil.h"
#include "dbutil.h"

#define NMSG 24

struct fx {
	struct tmpdb t;		/* the SQLite token database's file */
	char loc[128];
	rf_ctx *ctx;
	rf_cls_params p;
};

static const char *spam_words[] = {
	"viagra", "cheap", "pills", "lowest", "price", "order", "casino",
	"bonus", "winner", "pharmacy",
};
static const char *ham_words[] = {
	"meeting", "agenda", "budget", "schedule", "review", "minutes",
	"project", "notes", "tuesday", "report",
};

/* raw: message i of class spam as RFC 5322 text (static buffer). */
static const char *
raw(int spam, int i, char *buf, size_t len)
{
	const char **w = spam ? spam_words : ham_words;

	snprintf(buf, len,
	    "From: %s\r\nTo: you@example.org\r\nSubject: %s %s\r\n"
	    "Message-ID: <%d.%d@test>\r\n\r\n"
	    "%s %s %s and %s, see http://%s.example/%s\r\n",
	    spam ? "Deals <d@offers.example>" : "Ann <ann@work.example>",
	    w[i % 10], w[(i * 3 + 1) % 10], spam, i, w[i % 10],
	    w[(i + 2) % 10], w[(i * 7 + 3) % 10], w[(i / 3) % 10],
	    spam ? "offers" : "intranet", w[(i + 5) % 10]);
	return buf;
}

static rf_message *
parse(rf_ctx *ctx, const char *text)
{
	rf_message *m = NULL;
	rf_error err;

	if (rf_message_parse(ctx, text, strlen(text), &m, &err) != RF_OK)
		fail_msg("parse: %s", err.msg);
	return m;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *port = getenv("REDIS_PORT");

	assert_non_null(f);
	tmpdb_make(&f->t, "clsr", "tokens.db");
	if (port != NULL && *port != '\0')
		snprintf(f->loc, sizeof(f->loc),
		    "redis://127.0.0.1:%s/t%ld", port, (long)getpid());
	f->ctx = test_ctx();
	rf_cls_params_default(&f->p);
	f->p.min_learned = 1;
	*state = f;
	return 0;
}

/* teardown: the SQLite file, its WAL and index, the folder. */
static int
teardown(void **state)
{
	struct fx *f = *state;

	assert_int_equal(tmpdb_remove(&f->t), 0);
	rf_ctx_free(f->ctx);
	free(f);
	return 0;
}

/* learn_set: messages first..first+n-1 of both classes into c in one
 * batch; returns how many changed counts. */
static int
learn_set(struct fx *f, rf_classifier *c, int first, int n)
{
	char buf[1024];
	rf_message *m;
	rf_error err;
	int i, spam, changed, nch = 0;

	assert_int_equal(rf_classifier_begin(c, &err), RF_OK);
	for (i = first; i < first + n; i++)
		for (spam = 0; spam < 2; spam++) {
			m = parse(f->ctx, raw(spam, i, buf, sizeof(buf)));
			if (rf_classifier_learn(c, f->ctx, m, NULL, spam,
			    &changed, &err) != RF_OK)
				fail_msg("learn: %s", err.msg);
			nch += changed;
			rf_message_free(m);
		}
	assert_int_equal(rf_classifier_commit(c, &err), RF_OK);
	return nch;
}

static void
test_locations(void **state)
{
	static const char *bad[] = {
		"redis://", "redis://:6379", "redis://h:0", "redis://h:65536",
		"redis://h:12x", "redis://h/", "redis://h/bad prefix",
		"redis://[::1", "unix:", "unix:/tmp/s#",
	};
	rf_classifier *c = NULL;
	rf_error err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(rf_classifier_open(bad[i], NULL, &c, &err),
		    RF_EINVAL);
		assert_null(c);
	}
	assert_int_equal(rf_classifier_open("", NULL, &c, &err), RF_EINVAL);
	/* nothing listens on port 1: an error, not a crash */
	assert_int_equal(rf_classifier_open("redis://127.0.0.1:1", NULL, &c,
	    &err), RF_ESTORE);
	assert_non_null(strstr(err.msg, "redis"));
	assert_false(rf_classifier_is_local("redis://h"));
	assert_false(rf_classifier_is_local("unix:/s"));
	assert_true(rf_classifier_is_local("sqlite:/x"));
	assert_true(rf_classifier_is_local("x.db"));
	assert_null(rf_store_spec_file("redis://h"));
	assert_null(rf_store_spec_file("unix:/s"));
	assert_null(rf_store_spec_file(NULL));
	assert_string_equal(rf_store_spec_file("sqlite:/x"), "/x");
	assert_string_equal(rf_store_spec_file("x.db"), "x.db");
}

/* Both backends learn the same set: equal counts, equal probabilities
 * (to the last bit), equal reasons. */
static void
test_same_as_sqlite(void **state)
{
	struct fx *f = *state;
	rf_classifier *r, *s;
	rf_cls_result a, b;
	rf_arena *ar;
	rf_message *m;
	rf_error err;
	char buf[1024];
	unsigned long ns, nh, ns2, nh2;
	size_t i, k;

	if (f->loc[0] == '\0')
		skip();
	strcat(f->loc, "s");
	assert_int_equal(rf_classifier_open(f->loc, &f->p, &r, &err), RF_OK);
	assert_string_equal(rf_classifier_backend(r), "redis");
	assert_false(rf_classifier_atomic(r));
	snprintf(buf, sizeof(buf), "sqlite:%s", f->t.path);
	assert_int_equal(rf_classifier_open(buf, &f->p, &s, &err), RF_OK);
	assert_string_equal(rf_classifier_backend(s), "sqlite");
	assert_true(rf_classifier_atomic(s));
	assert_int_equal(access(f->t.path, F_OK), 0);
	assert_int_equal(learn_set(f, r, 0, NMSG), 2 * NMSG);
	assert_int_equal(learn_set(f, s, 0, NMSG), 2 * NMSG);
	/* again: nothing changes */
	assert_int_equal(learn_set(f, r, 0, NMSG), 0);
	rf_classifier_counts(r, &ns, &nh);
	rf_classifier_counts(s, &ns2, &nh2);
	assert_int_equal(ns, NMSG);
	assert_int_equal(nh, NMSG);
	assert_int_equal(ns, ns2);
	assert_int_equal(nh, nh2);
	for (i = 0; i < 10; i++) {
		rf_classifier_token_counts(r, spam_words[i], &ns, &nh);
		rf_classifier_token_counts(s, spam_words[i], &ns2, &nh2);
		assert_int_equal(ns, ns2);
		assert_int_equal(nh, nh2);
		assert_true(ns > 0);
	}
	rf_classifier_token_counts(r, "host:offers.example", &ns, &nh);
	assert_int_equal(ns, NMSG);
	assert_int_equal(nh, 0);
	/* new messages, mixed words: both backends say exactly the same */
	for (i = 0; i < 12; i++) {
		snprintf(buf, sizeof(buf), "From: x@y.example\r\n"
		    "Subject: %s\r\n\r\n%s %s %s\r\n", spam_words[i % 10],
		    ham_words[(i * 3) % 10], spam_words[(i + 4) % 10],
		    i & 1 ? ham_words[i % 10] : "unseen");
		m = parse(f->ctx, buf);
		ar = rf_arena_new();
		assert_non_null(ar);
		assert_int_equal(rf_classifier_classify(r, f->ctx, m, NULL,
		    ar, 5, &a, &err), RF_OK);
		assert_int_equal(rf_classifier_classify(s, f->ctx, m, NULL,
		    ar, 5, &b, &err), RF_OK);
		assert_false(a.untrained);
		assert_true(a.p == b.p);
		assert_int_equal(a.cls, b.cls);
		assert_int_equal(a.nused, b.nused);
		assert_int_equal(a.nspammy, b.nspammy);
		for (k = 0; k < a.nspammy; k++) {
			assert_string_equal(a.spammy[k].text, b.spammy[k].text);
			assert_int_equal(a.spammy[k].nspam, b.spammy[k].nspam);
		}
		rf_arena_free(ar);
		rf_message_free(m);
	}
	rf_classifier_close(r);
	rf_classifier_close(s);
}

/* unlearn_all: take back messages 0..n-1 of both classes from r (each
 * changes counts once, then not); nothing is left. */
static void
unlearn_all(struct fx *f, rf_classifier *r, int n)
{
	char buf[1024];
	rf_message *m;
	rf_error err;
	unsigned long ns, nh;
	int i, spam, changed;

	for (i = 0; i < n; i++)
		for (spam = 0; spam < 2; spam++) {
			m = parse(f->ctx, raw(spam, i, buf, sizeof(buf)));
			assert_int_equal(rf_classifier_unlearn(r, f->ctx, m,
			    &changed, &err), RF_OK);
			assert_true(changed);
			assert_int_equal(rf_classifier_unlearn(r, f->ctx, m,
			    &changed, &err), RF_OK);
			assert_false(changed);
			rf_message_free(m);
		}
	assert_int_equal(rf_classifier_reload(r, &err), RF_OK);
	rf_classifier_counts(r, &ns, &nh);
	assert_int_equal(ns + nh, 0);
	for (i = 0; i < 10; i++) {
		rf_classifier_token_counts(r, spam_words[i], &ns, &nh);
		assert_int_equal(ns + nh, 0);
		rf_classifier_token_counts(r, ham_words[i], &ns, &nh);
		assert_int_equal(ns + nh, 0);
	}
}

/* Moving and unlearning on Redis: counts exactly back, keys emptied. */
static void
test_undo(void **state)
{
	struct fx *f = *state;
	rf_classifier *r;
	rf_message *m;
	rf_error err;
	char buf[1024];
	unsigned long ns, nh;
	int changed;

	if (f->loc[0] == '\0')
		skip();
	strcat(f->loc, "u");
	assert_int_equal(rf_classifier_open(f->loc, &f->p, &r, &err), RF_OK);
	learn_set(f, r, 0, 4);
	/* a ham message complained of: moved to spam */
	m = parse(f->ctx, raw(0, 1, buf, sizeof(buf)));
	assert_int_equal(rf_classifier_learn(r, f->ctx, m, NULL, 1, &changed,
	    &err), RF_OK);
	assert_true(changed);
	assert_int_equal(rf_classifier_learn(r, f->ctx, m, NULL, 1, &changed,
	    &err), RF_OK);
	assert_false(changed);
	rf_message_free(m);
	rf_classifier_counts(r, &ns, &nh);
	assert_int_equal(ns, 5);
	assert_int_equal(nh, 3);
	unlearn_all(f, r, 4);
	rf_classifier_close(r);
}

/* again_seq: learn a set, then messages once more (train on error), a
 * move and an undo, on c; the same on both backends. */
static void
again_seq(struct fx *f, rf_classifier *c)
{
	char buf[1024];
	rf_message *m;
	rf_error err;
	int i, changed;

	learn_set(f, c, 0, 6);
	assert_int_equal(rf_classifier_begin(c, &err), RF_OK);
	for (i = 0; i < 3; i++) {
		m = parse(f->ctx, raw(i & 1, i, buf, sizeof(buf)));
		assert_int_equal(rf_classifier_learn_again(c, f->ctx, m, NULL,
		    i & 1, &changed, &err), RF_OK);
		assert_true(changed);
		assert_int_equal(rf_classifier_learn_again(c, f->ctx, m, NULL,
		    i & 1, &changed, &err), RF_OK);
		rf_message_free(m);
	}
	/* message 2 (ham, learned 3 times) moved to spam: once there */
	m = parse(f->ctx, raw(0, 2, buf, sizeof(buf)));
	assert_int_equal(rf_classifier_learn(c, f->ctx, m, NULL, 1, &changed,
	    &err), RF_OK);
	assert_true(changed);
	rf_message_free(m);
	assert_int_equal(rf_classifier_commit(c, &err), RF_OK);
}

/* Train on error: the repetitions are the same on both backends and
 * undo takes every one back. */
static void
test_again(void **state)
{
	struct fx *f = *state;
	rf_classifier *r, *s;
	rf_error err;
	unsigned long ns, nh, ns2, nh2;
	int i;

	if (f->loc[0] == '\0')
		skip();
	strcat(f->loc, "a");
	assert_int_equal(rf_classifier_open(f->loc, &f->p, &r, &err), RF_OK);
	assert_int_equal(rf_classifier_open(f->t.path, &f->p, &s, &err), RF_OK);
	again_seq(f, r);
	again_seq(f, s);
	assert_int_equal(rf_classifier_reload(r, &err), RF_OK);
	rf_classifier_counts(r, &ns, &nh);
	rf_classifier_counts(s, &ns2, &nh2);
	/* 6 + 2 (message 1 twice more) + 1 (message 2 moved) spam; 6 + 2
	 * (message 0) - 1 (message 2 moved) ham */
	assert_int_equal(ns, 9);
	assert_int_equal(nh, 7);
	assert_int_equal(ns, ns2);
	assert_int_equal(nh, nh2);
	for (i = 0; i < 10; i++) {
		rf_classifier_token_counts(r, spam_words[i], &ns, &nh);
		rf_classifier_token_counts(s, spam_words[i], &ns2, &nh2);
		assert_int_equal(ns, ns2);
		assert_int_equal(nh, nh2);
		rf_classifier_token_counts(r, ham_words[i], &ns, &nh);
		rf_classifier_token_counts(s, ham_words[i], &ns2, &nh2);
		assert_int_equal(ns, ns2);
		assert_int_equal(nh, nh2);
	}
	unlearn_all(f, r, 6);
	rf_classifier_close(r);
	rf_classifier_close(s);
}

/* Two processes learn overlapping halves at once: every message counted
 * once, token counts as if one process had learned them all. */
static void
test_two_writers(void **state)
{
	struct fx *f = *state;
	rf_classifier *r, *s;
	rf_error err;
	unsigned long ns, nh, ns2, nh2;
	pid_t pid[2];
	int status, w;
	size_t i;

	if (f->loc[0] == '\0')
		skip();
	strcat(f->loc, "w");
	for (w = 0; w < 2; w++) {
		pid[w] = fork();
		assert_true(pid[w] >= 0);
		if (pid[w] == 0) {
			if (rf_classifier_open(f->loc, &f->p, &r, &err) !=
			    RF_OK)
				_exit(2);
			/* 0..39 and 20..59: 20..39 learned by both */
			learn_set(f, r, w * 20, 40);
			rf_classifier_close(r);
			_exit(0);
		}
	}
	for (w = 0; w < 2; w++) {
		assert_int_equal(waitpid(pid[w], &status, 0), pid[w]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	assert_int_equal(rf_classifier_open(f->loc, &f->p, &r, &err), RF_OK);
	assert_int_equal(rf_classifier_open(f->t.path, &f->p, &s, &err), RF_OK);
	learn_set(f, s, 0, 60);
	rf_classifier_counts(r, &ns, &nh);
	assert_int_equal(ns, 60);
	assert_int_equal(nh, 60);
	for (i = 0; i < 10; i++) {
		rf_classifier_token_counts(r, ham_words[i], &ns, &nh);
		rf_classifier_token_counts(s, ham_words[i], &ns2, &nh2);
		assert_int_equal(ns, ns2);
		assert_int_equal(nh, nh2);
	}
	rf_classifier_close(r);
	rf_classifier_close(s);
}

/* redis_cmd: one command on the test server (REDIS_PORT). */
static void
redis_cmd(const char *fmt, const char *key, const char *arg)
{
	redisContext *rc = redisConnect("127.0.0.1",
	    atoi(getenv("REDIS_PORT")));
	redisReply *rep;

	assert_non_null(rc);
	assert_int_equal(rc->err, 0);
	rep = redisCommand(rc, fmt, key, arg);
	assert_non_null(rep);
	assert_true(rep->type != REDIS_REPLY_ERROR);
	freeReplyObject(rep);
	redisFree(rc);
}

/* The token set (RF__CLS_TOKENS, lib/internal.h) is recorded in
 * PREFIX:cls:n; a database trained by another set, or before sets were
 * recorded, is refused with "train a new database". */
static void
test_token_set(void **state)
{
	struct fx *f = *state;
	rf_classifier *r;
	rf_error err;
	char key[160];

	if (f->loc[0] == '\0')
		skip();
	strcat(f->loc, "v");
	snprintf(key, sizeof(key), "%s:cls:n", strrchr(f->loc, '/') + 1);
	assert_int_equal(rf_classifier_open(f->loc, &f->p, &r, &err), RF_OK);
	learn_set(f, r, 0, 2);
	rf_classifier_close(r);
	assert_int_equal(rf_classifier_open(f->loc, &f->p, &r, &err), RF_OK);
	rf_classifier_close(r);
	redis_cmd("HSET %s tokens %s", key, "1");
	assert_int_equal(rf_classifier_open(f->loc, &f->p, &r, &err),
	    RF_ESTORE);
	assert_non_null(strstr(err.msg, "train a new database"));
	redis_cmd("HDEL %s %s", key, "tokens");
	assert_int_equal(rf_classifier_open(f->loc, &f->p, &r, &err),
	    RF_ESTORE);
	assert_non_null(strstr(err.msg, "token set 1"));
	redis_cmd("HSET %s tokens %s", key, "2");
	assert_int_equal(rf_classifier_open(f->loc, &f->p, &r, &err), RF_OK);
	unlearn_all(f, r, 2);
	rf_classifier_close(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_locations),
		cmocka_unit_test_setup_teardown(test_same_as_sqlite, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_undo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_writers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_token_set, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
