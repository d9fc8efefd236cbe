/*
 * test_classifier.c - the token classifier on a real SQLite file:
 * learning, unlearning (counts exactly as before), complaint learning,
 * probabilities and reasons, and crash safety of the token database.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "testutil.h"
#include "dbutil.h"

struct fx {
	struct tmpdb t;		/* the token database's file */
	rf_ctx *ctx;
	rf_arena *a;
	rf_cls_params p;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	tmpdb_make(&f->t, "cls", "tokens.db");
	f->ctx = test_ctx();
	f->a = rf_arena_new();
	assert_non_null(f->a);
	rf_cls_params_default(&f->p);
	f->p.min_learned = 1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	rf_arena_free(f->a);
	rf_ctx_free(f->ctx);
	tmpdb_remove(&f->t);
	free(f);
	return 0;
}

/* msg: a message with subject, visible text and one link to host, as the
 * parser would give it (everything in arena a). */
static rf_message *
msg(rf_arena *a, const char *subject, const char *text, const char *host)
{
	rf_message *m = rf_arena_alloc(a, sizeof(*m));
	rf_header *h = rf_arena_array(a, 2, sizeof(*h));
	rf_status st;

	assert_non_null(m);
	assert_non_null(h);
	m->arena = a;
	h[0].name = "Subject";
	h[0].value = subject;
	h[1].name = "From";
	h[1].value = "Sender <someone@sender.example>";
	m->headers = h;
	m->nheaders = 2;
	m->subject = subject;
	m->text = rf_arena_strdup(a, text);
	m->text_len = strlen(text);
	if (host != NULL) {
		rf_link *l = rf_links_add(a, &m->links, &st);

		assert_non_null(l);
		l->url = rf_arena_printf(a, "http://%s/", host);
		l->host = host;
		l->domain = host;
		l->kind = RF_LINK_HREF;
	}
	return m;
}

static const char *spam_text[] = {
	"Buy viagra now at the lowest price, cheap pills shipped today",
	"Cheap viagra and cialis, lowest price guaranteed, order now",
	"Order viagra online: cheap pills, no prescription, lowest price",
	"Lowest price viagra, buy now and save, cheap meds shipped fast",
	"Viagra cheap! Order now, lowest price online pharmacy pills",
};
static const char *ham_text[] = {
	"Agenda for the project meeting on Tuesday: budget and schedule",
	"Minutes of the meeting: the project schedule moves to March",
	"Could you review the budget spreadsheet before the meeting?",
	"The project review meeting is moved, new schedule attached",
	"Thanks for the notes from the meeting, budget looks right",
};

static void
train_all(struct fx *f, rf_classifier *c)
{
	rf_error err;
	size_t i;
	int changed;

	assert_int_equal(rf_classifier_begin(c, &err), RF_OK);
	for (i = 0; i < 5; i++) {
		assert_int_equal(rf_classifier_learn(c, f->ctx,
		    msg(f->a, "Cheap pills offer", spam_text[i],
		    "lowest-price.example"), NULL, 1, &changed, &err), RF_OK);
		assert_true(changed);
		assert_int_equal(rf_classifier_learn(c, f->ctx,
		    msg(f->a, "Project meeting", ham_text[i],
		    "intranet.example"), NULL, 0, &changed, &err), RF_OK);
		assert_true(changed);
	}
	assert_int_equal(rf_classifier_commit(c, &err), RF_OK);
}

/* dump: every row of the token and meta tables, in order, as one hash,
 * read with SQLite directly; also checks the file's integrity. */
static uint64_t
dump(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	uint64_t h = 1469598103934665603ull;
	int i;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1,
	    &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db,
	    "SELECT h, spam, ham FROM tokens UNION ALL "
	    "SELECT 0, k, v FROM meta ORDER BY 1, 2", -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		for (i = 0; i < 3; i++) {
			const unsigned char *t = sqlite3_column_text(st, i);

			for (; t != NULL && *t; t++)
				h = (h ^ *t) * 1099511628211ull;
			h = (h ^ '|') * 1099511628211ull;
		}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return h;
}

static int
has_text(const rf_cls_token *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].text, s) == 0)
			return 1;
	return 0;
}

static void
test_train_classify(void **state)
{
	struct fx *f = *state;
	rf_classifier *c;
	rf_cls_params p;
	rf_cls_result r;
	rf_error err;
	unsigned long ns, nh;
	const char *why;

	assert_int_equal(rf_classifier_open(f->t.path, &f->p, &c, &err), RF_OK);
	rf_classifier_classify(c, f->ctx, msg(f->a, "x", "viagra", NULL),
	    NULL, f->a, 3, &r, &err);
	assert_true(r.untrained);
	assert_int_equal(r.cls, RF_CLS_UNSURE);
	train_all(f, c);
	rf_classifier_counts(c, &ns, &nh);
	assert_int_equal(ns, 5);
	assert_int_equal(nh, 5);
	rf_classifier_token_counts(c, "viagra", &ns, &nh);
	assert_int_equal(ns, 5);
	assert_int_equal(nh, 0);
	rf_classifier_token_counts(c, "host:lowest-price.example", &ns, &nh);
	assert_int_equal(ns, 5);
	rf_classifier_token_counts(c, "subject:cheap", &ns, &nh);
	assert_int_equal(ns, 5);

	assert_int_equal(rf_classifier_classify(c, f->ctx, msg(f->a,
	    "Great offer", "Get viagra pills at the lowest price",
	    "lowest-price.example"), NULL, f->a, 5, &r, &err), RF_OK);
	/* five messages of each class are little evidence: with the
	 * default robs and scale the message is spam-leaning, and spam
	 * under the plain ratio (scale 1) */
	assert_true(r.p > 0.75);
	assert_int_not_equal(r.cls, RF_CLS_HAM);
	assert_true(r.nspammy > 0 && r.nspammy <= 5);
	assert_true(has_text(r.spammy, r.nspammy, "viagra"));
	assert_true(has_text(r.spammy, r.nspammy, "lowest-price.example"));
	assert_true(r.spammy[0].f >= r.spammy[r.nspammy - 1].f);
	why = rf_cls_reasons(&r, f->a, 5);
	assert_non_null(strstr(why, "words and hosts typical of spam: "));
	assert_non_null(strstr(why, "viagra"));

	assert_int_equal(rf_classifier_classify(c, f->ctx, msg(f->a,
	    "Re: meeting", "The budget for the project meeting", NULL), NULL,
	    f->a, 5, &r, &err), RF_OK);
	assert_true(r.p <= f->p.ham_cutoff);
	assert_int_equal(r.cls, RF_CLS_HAM);
	assert_true(has_text(r.hammy, r.nhammy, "meeting"));
	assert_int_equal(r.nspammy, 0);
	rf_classifier_close(c);

	/* the counts are on disk: a new process sees the same */
	assert_int_equal(rf_classifier_open(f->t.path, &f->p, &c, &err), RF_OK);
	rf_classifier_token_counts(c, "meeting", &ns, &nh);
	assert_int_equal(nh, 5);
	assert_int_equal(ns, 0);
	rf_classifier_close(c);

	/* the plain ratio H / (H + S) is sure of it */
	p = f->p;
	p.scale = 1;
	assert_int_equal(rf_classifier_open(f->t.path, &p, &c, &err), RF_OK);
	assert_int_equal(rf_classifier_classify(c, f->ctx, msg(f->a,
	    "Great offer", "Get viagra pills at the lowest price",
	    "lowest-price.example"), NULL, f->a, 5, &r, &err), RF_OK);
	assert_true(r.p > 0.999);
	assert_int_equal(r.cls, RF_CLS_SPAM);
	rf_classifier_close(c);
}

static void
test_unlearn_exact(void **state)
{
	struct fx *f = *state;
	rf_classifier *c;
	rf_error err;
	uint64_t before;
	unsigned long ns, nh;
	rf_message *m1, *m2;
	int changed;

	assert_int_equal(rf_classifier_open(f->t.path, &f->p, &c, &err), RF_OK);
	train_all(f, c);
	before = dump(f->t.path);
	m1 = msg(f->a, "Hello", "Brand new words zebra quokka viagra", "new.example");
	m2 = msg(f->a, "Other", "Meeting about quokka budget", NULL);
	assert_int_equal(rf_classifier_learn(c, f->ctx, m1, NULL, 1, &changed,
	    &err), RF_OK);
	assert_true(changed);
	assert_int_equal(rf_classifier_learn(c, f->ctx, m2, NULL, 0, &changed,
	    &err), RF_OK);
	/* the same message again changes nothing */
	assert_int_equal(rf_classifier_learn(c, f->ctx, m1, NULL, 1, &changed,
	    &err), RF_OK);
	assert_false(changed);
	rf_classifier_token_counts(c, "quokka", &ns, &nh);
	assert_int_equal(ns, 1);
	assert_int_equal(nh, 1);
	assert_true(dump(f->t.path) != before);

	assert_int_equal(rf_classifier_unlearn(c, f->ctx, m1, &changed, &err),
	    RF_OK);
	assert_true(changed);
	assert_int_equal(rf_classifier_unlearn(c, f->ctx, m2, &changed, &err),
	    RF_OK);
	assert_true(changed);
	assert_int_equal(rf_classifier_unlearn(c, f->ctx, m2, &changed, &err),
	    RF_OK);
	assert_false(changed);	/* never learned (any more) */
	assert_int_equal(dump(f->t.path), before);
	rf_classifier_token_counts(c, "quokka", &ns, &nh);
	assert_int_equal(ns + nh, 0);
	rf_classifier_token_counts(c, "viagra", &ns, &nh);
	assert_int_equal(ns, 5);
	rf_classifier_counts(c, &ns, &nh);
	assert_int_equal(ns, 5);
	assert_int_equal(nh, 5);

	/* a batch rolled back leaves nothing either */
	assert_int_equal(rf_classifier_begin(c, &err), RF_OK);
	assert_int_equal(rf_classifier_learn(c, f->ctx, m1, NULL, 1, &changed,
	    &err), RF_OK);
	rf_classifier_rollback(c);
	assert_int_equal(dump(f->t.path), before);
	rf_classifier_close(c);
}

/* learn_again (train on error): repetitions count in tokens and message
 * counts, are recorded, and undo or a move takes all of them back. */
static void
test_learn_again(void **state)
{
	struct fx *f = *state;
	rf_classifier *c;
	rf_error err;
	uint64_t before;
	unsigned long ns, nh;
	rf_message *m1, *m2;
	int changed;

	assert_int_equal(rf_classifier_open(f->t.path, &f->p, &c, &err), RF_OK);
	train_all(f, c);
	before = dump(f->t.path);
	m1 = msg(f->a, "Hello", "Brand new words zebra quokka viagra",
	    "new.example");
	m2 = msg(f->a, "Other", "Meeting about wombat budget", NULL);
	/* never learned: learned once */
	assert_int_equal(rf_classifier_learn_again(c, f->ctx, m1, NULL, 1,
	    &changed, &err), RF_OK);
	assert_true(changed);
	assert_int_equal(rf_classifier_begin(c, &err), RF_OK);
	assert_int_equal(rf_classifier_learn_again(c, f->ctx, m1, NULL, 1,
	    &changed, &err), RF_OK);
	assert_true(changed);
	assert_int_equal(rf_classifier_learn_again(c, f->ctx, m1, NULL, 1,
	    &changed, &err), RF_OK);
	assert_int_equal(rf_classifier_learn(c, f->ctx, m2, NULL, 0, &changed,
	    &err), RF_OK);
	assert_int_equal(rf_classifier_learn_again(c, f->ctx, m2, NULL, 0,
	    &changed, &err), RF_OK);
	assert_int_equal(rf_classifier_commit(c, &err), RF_OK);
	rf_classifier_token_counts(c, "quokka", &ns, &nh);
	assert_int_equal(ns, 3);
	assert_int_equal(nh, 0);
	rf_classifier_token_counts(c, "wombat", &ns, &nh);
	assert_int_equal(ns, 0);
	assert_int_equal(nh, 2);
	rf_classifier_counts(c, &ns, &nh);
	assert_int_equal(ns, 5 + 3);
	assert_int_equal(nh, 5 + 2);
	/* learn (not again) as the same class: nothing */
	assert_int_equal(rf_classifier_learn(c, f->ctx, m1, NULL, 1, &changed,
	    &err), RF_OK);
	assert_false(changed);
	/* moved to ham: the 3 spam repetitions go, ham once */
	assert_int_equal(rf_classifier_learn(c, f->ctx, m1, NULL, 0, &changed,
	    &err), RF_OK);
	assert_true(changed);
	rf_classifier_token_counts(c, "quokka", &ns, &nh);
	assert_int_equal(ns, 0);
	assert_int_equal(nh, 1);
	/* undo takes every repetition back: the file as before */
	assert_int_equal(rf_classifier_unlearn(c, f->ctx, m1, &changed, &err),
	    RF_OK);
	assert_true(changed);
	assert_int_equal(rf_classifier_unlearn(c, f->ctx, m2, &changed, &err),
	    RF_OK);
	assert_true(changed);
	assert_int_equal(dump(f->t.path), before);
	rf_classifier_close(c);
	/* and reopened (counts loaded from the file) */
	assert_int_equal(rf_classifier_open(f->t.path, &f->p, &c, &err), RF_OK);
	rf_classifier_counts(c, &ns, &nh);
	assert_int_equal(ns, 5);
	assert_int_equal(nh, 5);
	rf_classifier_close(c);
}

/* A version 1 file (learned rows without times) is upgraded at open and
 * its messages count once each. */
static void
test_upgrade_v1(void **state)
{
	struct fx *f = *state;
	rf_classifier *c;
	rf_error err;
	sqlite3 *db;
	unsigned long ns, nh;
	rf_message *m1;
	int changed;

	assert_int_equal(sqlite3_open(f->t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	    "CREATE TABLE meta(k TEXT PRIMARY KEY, v INTEGER NOT NULL);"
	    "INSERT INTO meta VALUES('version',1),('nspam',0),('nham',0);"
	    "CREATE TABLE tokens(h INTEGER PRIMARY KEY,"
	    " spam INTEGER NOT NULL, ham INTEGER NOT NULL);"
	    "CREATE TABLE learned(key INTEGER PRIMARY KEY,"
	    " spam INTEGER NOT NULL, tokens BLOB NOT NULL);", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(rf_classifier_open(f->t.path, &f->p, &c, &err), RF_OK);
	m1 = msg(f->a, "Hello", "Brand new words zebra quokka viagra", NULL);
	assert_int_equal(rf_classifier_learn_again(c, f->ctx, m1, NULL, 1,
	    &changed, &err), RF_OK);
	assert_int_equal(rf_classifier_learn_again(c, f->ctx, m1, NULL, 1,
	    &changed, &err), RF_OK);
	rf_classifier_counts(c, &ns, &nh);
	assert_int_equal(ns, 2);
	assert_int_equal(rf_classifier_unlearn(c, f->ctx, m1, &changed, &err),
	    RF_OK);
	rf_classifier_counts(c, &ns, &nh);
	assert_int_equal(ns + nh, 0);
	rf_classifier_close(c);
	assert_int_equal(sqlite3_open(f->t.path, &db), SQLITE_OK);
	{
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(db, "SELECT v FROM meta "
		    "WHERE k = 'version'", -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 2);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
}

static void
test_complaint_moves(void **state)
{
	struct fx *f = *state;
	rf_classifier *c;
	rf_cls_params p;
	rf_cls_result r0, r1;
	rf_cls_facts facts = { 250 };
	rf_error err;
	unsigned long ns, nh;
	rf_message *m;
	int changed;

	assert_int_equal(rf_classifier_open(f->t.path, &f->p, &c, &err), RF_OK);
	train_all(f, c);
	m = msg(f->a, "Newsletter", "Our schedule of offers: pills and the "
	    "meeting of the year", "offers.example");
	assert_int_equal(rf_classifier_classify(c, f->ctx, m, &facts, f->a, 5,
	    &r0, &err), RF_OK);
	/* first learned as wanted mail, then a recipient complains */
	assert_int_equal(rf_classifier_learn(c, f->ctx, m, &facts, 0, &changed,
	    &err), RF_OK);
	assert_int_equal(rf_classifier_learn(c, f->ctx, m, &facts, 1, &changed,
	    &err), RF_OK);
	assert_true(changed);
	rf_classifier_counts(c, &ns, &nh);
	assert_int_equal(ns, 6);
	assert_int_equal(nh, 5);
	rf_classifier_token_counts(c, "fact:campaign-100-999", &ns, &nh);
	assert_int_equal(ns, 1);
	assert_int_equal(nh, 0);
	rf_classifier_token_counts(c, "host:offers.example", &ns, &nh);
	assert_int_equal(ns, 1);
	assert_int_equal(nh, 0);
	assert_int_equal(rf_classifier_classify(c, f->ctx, m, &facts, f->a, 5,
	    &r1, &err), RF_OK);
	assert_true(r1.p > r0.p);
	rf_classifier_close(c);
	/* with the default robs (0.5) one message is weak evidence for a
	 * token (f = 0.84, inside min_dev); with bogofilter's 0.0178 the
	 * complained-of message's own tokens are the reasons */
	p = f->p;
	p.robs = 0.0178;
	assert_int_equal(rf_classifier_open(f->t.path, &p, &c, &err), RF_OK);
	assert_int_equal(rf_classifier_classify(c, f->ctx, m, &facts, f->a, 5,
	    &r1, &err), RF_OK);
	assert_true(has_text(r1.spammy, r1.nspammy, "offers.example") ||
	    has_text(r1.spammy, r1.nspammy, "fact:campaign-100-999"));
	rf_classifier_close(c);
}

/* rf_classifier_changed: a reader sees that another connection learned
 * (a complaint in another process) or that the file was replaced, and
 * nothing else: not its own reload, not a commit of its own. */
static void
test_changed(void **state)
{
	struct fx *f = *state;
	rf_classifier *reader, *writer;
	rf_cls_facts facts = { 0 };
	unsigned long ns, nh;
	rf_error err;
	rf_message *m;
	char moved[sizeof(f->t.path) + 8];
	int changed;

	assert_int_equal(rf_classifier_open(f->t.path, &f->p, &writer, &err),
	    RF_OK);
	train_all(f, writer);
	assert_int_equal(rf_classifier_open(f->t.path, &f->p, &reader, &err),
	    RF_OK);
	assert_false(rf_classifier_changed(reader));
	assert_false(rf_classifier_changed(writer));	/* its own commits */
	m = msg(f->a, "Complaint", "cheap pills at the lowest price",
	    "pills.example");
	assert_int_equal(rf_classifier_learn(writer, f->ctx, m, &facts, 1,
	    &changed, &err), RF_OK);
	assert_true(changed);
	assert_true(rf_classifier_changed(reader));
	assert_true(rf_classifier_changed(reader));	/* until reloaded */
	rf_classifier_counts(reader, &ns, &nh);
	assert_int_equal(ns, 5);
	assert_int_equal(rf_classifier_reload(reader, &err), RF_OK);
	assert_false(rf_classifier_changed(reader));
	rf_classifier_counts(reader, &ns, &nh);
	assert_int_equal(ns, 6);
	/* learning what was learned changes no count: nothing to see */
	assert_int_equal(rf_classifier_learn(writer, f->ctx, m, &facts, 1,
	    &changed, &err), RF_OK);
	assert_false(changed);
	assert_false(rf_classifier_changed(reader));
	rf_classifier_close(writer);
	/* the file moved away: changed, and for good */
	snprintf(moved, sizeof(moved), "%s.old", f->t.path);
	assert_int_equal(rename(f->t.path, moved), 0);
	assert_true(rf_classifier_changed(reader));
	assert_true(rf_classifier_changed(reader));
	rf_classifier_close(reader);
	assert_int_equal(rename(moved, f->t.path), 0);
}

static void
test_tokens(void **state)
{
	struct fx *f = *state;
	rf_message *m = msg(f->a, "Hello World", "Visit WWW.Shop.example "
	    "now: $100 off, it's 1-day-only", "shop.example");
	const char **v;
	size_t n, i;
	int found = 0;
	rf_error err;

	m->links.v[0].flags |= RF_LINKF_TEXT_HOST;
	assert_int_equal(rf_classifier_tokens(f->ctx, NULL, m, NULL, f->a, &v,
	    &n, &err), RF_OK);
	for (i = 0; i < n; i++) {
		if (strcmp(v[i], "www.shop.example") == 0 ||
		    strcmp(v[i], "$100") == 0 || strcmp(v[i], "it's") == 0 ||
		    strcmp(v[i], "1-day-only") == 0 ||
		    strcmp(v[i], "subject:hello") == 0 ||
		    strcmp(v[i], "host:shop.example") == 0 ||
		    strcmp(v[i], "domain:shop.example") == 0 ||
		    strcmp(v[i], "header:from") == 0 ||
		    strcmp(v[i], "from:sender.example") == 0 ||
		    strcmp(v[i], "fact:display-text-names-another-host") == 0)
			found++;
		assert_true(strcmp(v[i], "Visit") != 0);	/* folded */
		if (getenv("TEST_VERBOSE"))
			printf("%s\n", v[i]);
	}
	assert_int_equal(found, 10);
}

/*
 * crash: a child learns inside one batch, spilling every message into the
 * open transaction, and dies before committing (how = 0: _exit, 1:
 * SIGKILL from the parent).  The parent then finds the file intact and the
 * counts as before.
 */
static void
crash(struct fx *f, int how)
{
	rf_classifier *c;
	rf_error err;
	uint64_t before;
	unsigned long ns, nh;
	int fds[2], status;
	pid_t pid;
	char ch;

	assert_int_equal(rf_classifier_open(f->t.path, &f->p, &c, &err), RF_OK);
	train_all(f, c);
	rf_classifier_close(c);
	before = dump(f->t.path);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		rf_cls_params p = f->p;
		char text[128];
		int i;

		close(fds[0]);
		p.max_pending = 1;	/* write through at every message */
		if (rf_classifier_open(f->t.path, &p, &c, &err) != RF_OK ||
		    rf_classifier_begin(c, &err) != RF_OK)
			_exit(2);
		for (i = 0; i < 2000; i++) {
			snprintf(text, sizeof(text), "crash word%d word%d "
			    "viagra meeting", i, i * 7);
			if (rf_classifier_learn(c, f->ctx, msg(f->a, "crash",
			    text, "crash.example"), NULL, i & 1, NULL,
			    &err) != RF_OK)
				_exit(3);
			if (i == 1000 && how == 1 &&
			    write(fds[1], "x", 1) != 1)
				_exit(4);
		}
		if (how == 0)
			_exit(0);
		for (;;)
			pause();
	}
	close(fds[1]);
	if (how == 1) {
		assert_int_equal(read(fds[0], &ch, 1), 1);
		kill(pid, SIGKILL);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(fds[0]);
	if (how == 0)
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	else
		assert_true(WIFSIGNALED(status) &&
		    WTERMSIG(status) == SIGKILL);
	/* recovery happens on the first open; then all is as before */
	assert_int_equal(rf_classifier_open(f->t.path, &f->p, &c, &err), RF_OK);
	rf_classifier_counts(c, &ns, &nh);
	assert_int_equal(ns, 5);
	assert_int_equal(nh, 5);
	rf_classifier_token_counts(c, "crash", &ns, &nh);
	assert_int_equal(ns + nh, 0);
	rf_classifier_close(c);
	assert_int_equal(dump(f->t.path), before);
}

static void
test_crash_exit(void **state)
{
	crash(*state, 0);
}

static void
test_crash_kill(void **state)
{
	crash(*state, 1);
}

static void
test_params(void **state)
{
	rf_cls_params p;
	rf_error err;
	const char *n, *m;

	(void)state;
	rf_cls_params_default(&p);
	assert_int_equal(rf_cls_params_set(&p, "spam_cutoff", "0.95", &err),
	    RF_OK);
	assert_true(p.spam_cutoff == 0.95);
	assert_int_equal(rf_cls_params_set(&p, "spam_cutoff", "1.5", &err),
	    RF_EINVAL);
	assert_int_equal(rf_cls_params_set(&p, "max_tokens", "1.5", &err),
	    RF_EINVAL);
	assert_int_equal(rf_cls_params_set(&p, "nonsense", "1", &err),
	    RF_EINVAL);
	assert_true(p.combine == 1 && p.scale == 4 && p.robs == 0.5);
	assert_true(p.train_rounds == 3 && p.train_ham < p.ham_cutoff &&
	    p.train_spam > p.spam_cutoff);
	assert_int_equal(rf_cls_params_set(&p, "train_rounds", "0", &err),
	    RF_OK);
	assert_int_equal(p.train_rounds, 0);
	assert_int_equal(rf_cls_params_set(&p, "train_spam", "1.5", &err),
	    RF_EINVAL);
	assert_int_equal(rf_cls_params_set(&p, "scale", "2.5", &err), RF_OK);
	assert_true(p.scale == 2.5);
	assert_int_equal(rf_cls_params_set(&p, "scale", "0", &err),
	    RF_EINVAL);
	assert_true(rf_cls_params_describe(0, &n, &m));
	assert_false(rf_cls_params_describe(1000, &n, &m));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_train_classify, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unlearn_exact, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_learn_again, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_v1, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_complaint_moves, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_changed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_exit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_crash_kill, setup,
		    teardown),
		cmocka_unit_test(test_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
