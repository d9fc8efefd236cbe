/*
 * cmd_train.c - redflag train: teach the classifier spam and wanted mail
 * (docs/man/redflag-train.1).
 *
 *   redflag train [--classifier DB] --spam|--ham PATH... [--spam|--ham
 *       PATH...]...
 *   redflag train [--classifier DB] --spam|--ham --undo PATH...
 *   redflag train [--classifier DB] --classify [--reasons] PATH...
 *
 * Every PATH is a message file, a Maildir, an mbox or a directory.  The
 * token database is a SQLite file or Redis (redis://HOST[:PORT][/PREFIX],
 * unix:PATH[#PREFIX]).  Learning is committed in groups (src/wgroup.c):
 * TRAIN_GROUP_ITEMS messages or TRAIN_GROUP_MS milliseconds, so that
 * other writers of a SQLite file (redflag complain --classifier) wait
 * that long at most; with SQLite a group is one
 * transaction (a crash keeps the groups committed before it, each whole),
 * with Redis every message is learned atomically on its own.  Learning a
 * message again changes nothing, so a run that failed can simply be
 * repeated.  After learning, the messages learned in this run that the
 * counts still misjudge are learned again, for train_rounds rounds (train
 * on error): each round first classifies them all on the counts of its
 * start, then learns the misjudged ones again, in groups.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "config.h"
#include "redis_auth.h"
#include "wgroup.h"

#define DEFAULT_DB "redflag-classifier.db"
#define REASONS 5		/* tokens shown each way with --reasons */
/* a group of learning (one SQLite transaction, holding the write lock)
 * ends after this many messages or once this old (docs/classifier.md,
 * "Concurrent training and reading") */
#define TRAIN_GROUP_ITEMS 1000
#define TRAIN_GROUP_MS 1000

enum mode { M_NONE, M_SPAM, M_HAM, M_CLASSIFY };

#define FRESH 1		/* learned (changed counts) in this run */
#define REDO 2		/* to be learned again in this round */

struct run {
	rf_ctx *ctx;
	rf_classifier *cls;
	rf_rules *rules;	/* tracking rules: facts as scan finds them */
	enum mode mode;
	enum mode mode0;	/* the mode before the first PATH */
	int undo, reasons, quiet;
	unsigned long changed, unchanged, failed;
	/* by class (1 spam, 0 ham), for the summary */
	unsigned long cchanged[2], cunchanged[2], cfailed[2];
	int used[2];
	unsigned long n[3];	/* by rf_cls_class with --classify */
	/* train on error: messages by their order in this run */
	int round;		/* 0: learning; 1, 2...: re-learning */
	int pass;		/* of a round: 1 classify, 2 learn again */
	size_t seq;		/* the current message's number */
	size_t stdin_items;	/* read from "-" in round 0: re-learning
				 * cannot read standard input again */
	unsigned char *fresh;	/* FRESH, REDO by message number */
	size_t nfresh;
	unsigned long again;	/* re-learned in this round */
	struct wgroup g;	/* the open group of learning */
	unsigned long kept;	/* changed, as of the last group committed */
	double ham_above, spam_below;	/* train_ham, train_spam */
};

static void
usage(FILE *f)
{
	const char *name, *meaning;
	unsigned i;

	fprintf(f, "usage: %s train [--classifier DB] [-c FILE] --spam|--ham "
	    "PATH...\n"
	    "                     [--spam|--ham PATH...]...\n"
	    "       %s train [--classifier DB] --spam|--ham --undo PATH...\n"
	    "       %s train [--classifier DB] --classify [--reasons] "
	    "PATH...\n"
	    "       %s train [--classifier DB] --show-settings\n\n"
	    "  --classifier DB    token database (default $REDFLAG_CLASSIFIER"
	    " or ./%s):\n"
	    "                     a SQLite file, redis://HOST[:PORT][/PREFIX]"
	    "\n                     or unix:PATH[#PREFIX]; also --db DB\n"
	    "  -c, --config FILE  settings (redflag.conf(5)), read before "
	    "the\n                     other options, which override them:"
	    "\n                     classifier (before $REDFLAG_CLASSIFIER),"
	    "\n                     spam_cutoff, ham_cutoff, the limits, the"
	    "\n                     Redis settings; the others are ignored\n"
	    "  --spam, --ham      learn the messages (the PATHs after it) as "
	    "spam /\n                     wanted mail; then re-learn those "
	    "still misjudged\n                     (--set train_rounds=N, "
	    "0: not)\n"
	    "  --undo             take back what was learned from them\n"
	    "  --classify         print label, spam probability, class "
	    "per message\n"
	    "  --reasons          with --classify: the tokens that weighed "
	    "most\n"
	    "  --show-settings    print the classifier settings and counts\n"
	    "  -q                 no summary line\n"
	    "PATH: message file, Maildir, mbox or directory; - standard\n"
	    "input (learned once, not re-learned).\n"
	    "exit status: 0 every message read and learned, 1 some input\n"
	    "could not be read or was empty (skipped) or nothing could be\n"
	    "learned, 64 usage error,\n"
	    "69 the database could not be opened or, for --classify,\n"
	    "--show-settings or --undo, is missing, 70 internal error\n"
	    "\nclassifier settings (--set NAME=VALUE):\n",
	    RF_PROG, RF_PROG, RF_PROG, RF_PROG, DEFAULT_DB);
	for (i = 0; rf_cls_params_describe(i, &name, &meaning); i++)
		fprintf(f, "  %-18s %s\n", name, meaning);
	cli_limits_help(f);
	redis_auth_help(f);
}

static void
show_settings(const rf_cls_params *p, const rf_classifier *c)
{
	const char *name, *meaning;
	unsigned long ns, nh;
	char v[64];
	unsigned i;

	for (i = 0; rf_cls_params_describe(i, &name, &meaning) &&
	    rf_cls_params_value(p, i, v, sizeof(v)); i++)
		printf("%s=%s\n", name, v);
	rf_classifier_counts(c, &ns, &nh);
	printf("learned_spam=%lu\nlearned_ham=%lu\n", ns, nh);
	printf("untrained=%s\n", ns < p->min_learned || nh < p->min_learned ?
	    "yes" : "no");
}

/*
 * untrained_note: when c has learned fewer than min_learned messages of
 * a class (so that it gives no verdict: p = 0.5), say so on standard
 * error with the counts so far; nothing otherwise.
 */
static void
untrained_note(const rf_cls_params *p, const rf_classifier *c)
{
	unsigned long ns, nh;

	rf_classifier_counts(c, &ns, &nh);
	if (ns >= p->min_learned && nh >= p->min_learned)
		return;
	cli_warn("train: the classifier gives no verdict until it has "
	    "learned min_learned (%u) of each class: %lu spam, %lu ham so "
	    "far", p->min_learned, ns, nh);
}

static void
classify(struct run *r, const char *label, const rf_message *m)
{
	char esc[1024];
	rf_cls_result res;
	rf_arena *a;
	rf_error err;
	size_t i;

	a = rf_arena_new();
	if (a == NULL || rf_classifier_classify(r->cls, r->ctx, m, NULL, a,
	    r->reasons ? REASONS : 0, &res, &err) != RF_OK) {
		cli_warn("%s: %s", cli_escape(esc, sizeof(esc), label, 200),
		    a == NULL ? "out of memory" : err.msg);
		r->failed++;
		rf_arena_free(a);
		return;
	}
	r->n[res.cls]++;
	printf("%s\t%.6f\t%s", cli_escape(esc, sizeof(esc), label, 900),
	    res.p, rf_cls_class_name(res.cls));
	if (r->reasons) {
		for (i = 0; i < res.nspammy; i++)
			printf("%s+%s", i ? " " : "\t",
			    cli_escape(esc, sizeof(esc), res.spammy[i].text,
			    80));
		for (i = 0; i < res.nhammy; i++)
			printf("%s-%s", i || res.nspammy ? " " : "\t",
			    cli_escape(esc, sizeof(esc), res.hammy[i].text,
			    80));
	}
	putchar('\n');
	rf_arena_free(a);
}

/* mark_fresh: message number r->seq was learned in this run; 0 or -1
 * (out of memory). */
static int
mark_fresh(struct run *r)
{
	if (r->seq >= r->nfresh) {
		size_t n = r->nfresh ? r->nfresh * 2 : 1024;
		unsigned char *v;

		while (n <= r->seq)
			n *= 2;
		if ((v = realloc(r->fresh, n)) == NULL)
			return -1;
		memset(v + r->nfresh, 0, n - r->nfresh);
		r->fresh = v;
		r->nfresh = n;
	}
	r->fresh[r->seq] = FRESH;
	return 0;
}

/* group_begin, group_commit: a group of learning (struct wgroup, h the
 * run); a commit records how many messages are learned for good. */
static rf_status
group_begin(void *h, rf_error *err)
{
	struct run *r = h;

	return rf_classifier_begin(r->cls, err);
}

static rf_status
group_commit(void *h, rf_error *err)
{
	struct run *r = h;
	rf_status st;

	if ((st = rf_classifier_commit(r->cls, err)) == RF_OK)
		r->kept = r->changed;
	return st;
}

/*
 * relearn: train on error, in two passes over the messages learned in
 * this run so that every backend decides on the same counts: pass 1
 * marks the messages the counts misjudge (spam below train_spam, ham
 * above train_ham; none while fewer than min_learned of a class are
 * learned), pass 2 learns the marked ones once more.  RF_OK or the
 * error of the classifier.
 */
static rf_status
relearn(struct run *r, const rf_message *m, rf_error *err)
{
	rf_cls_result res;
	rf_arena *a;
	rf_status st;
	int spam = r->mode == M_SPAM, changed;

	if (r->pass == 2) {
		st = rf_classifier_learn_again(r->cls, r->ctx, m, NULL, spam,
		    &changed, err);
		if (st == RF_OK && changed)
			r->again++;
		return st;
	}
	if ((a = rf_arena_new()) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	st = rf_classifier_classify(r->cls, r->ctx, m, NULL, a, 0, &res,
	    err);
	if (st == RF_OK && !res.untrained && (spam ? res.p < r->spam_below :
	    res.p > r->ham_above))
		r->fresh[r->seq] |= REDO;
	rf_arena_free(a);
	return st;
}

/*
 * one_path: read the messages of path ("-": standard input) in r's mode
 * and round: learn (or take back, or classify) each in round 0, or, in a
 * round of train on error, classify or learn again those learned in this
 * run (r->fresh); each message unreadable or not learned is said and
 * counted in r->failed (in round 0).  src: path opened already (taken,
 * freed here; first_input), or NULL: opened here.  0; -1 when path or
 * one of its messages could not be read; -2 after reporting a failure
 * of the classifier (the run stops).
 */
static int
one_path(struct run *r, const char *path, rf_source *src)
{
	char esc[1024];
	const char *empty;
	rf_message *m;
	rf_item it;
	rf_error err;
	rf_status st;
	int changed, bad = 0, is_stdin = strcmp(path, "-") == 0;
	size_t seq0 = r->seq;

	if (is_stdin && r->round > 0) {	/* learned once, not again */
		r->seq += r->stdin_items;
		return 0;
	}
	if (src == NULL && (is_stdin ? cli_open_stdin("train",
	    rf_ctx_limits(r->ctx), &src, &err) : rf_source_open(path,
	    rf_ctx_limits(r->ctx), &src, &err)) != RF_OK) {
		if (r->round == 0) {
			cli_warn_input("train", path, err.msg);
			r->failed++;	/* an unreadable input */
		}
		return -1;
	}
	for (; (st = rf_source_next(src, &it, &err)) != RF_EDONE; r->seq++) {
		if (r->round > 0 && (r->seq >= r->nfresh ||
		    !(r->fresh[r->seq] & (r->pass == 2 ? REDO : FRESH))))
			continue;
		if (st != RF_OK) {
			if (r->round == 0) {
				cli_warn_input("train", it.label, err.msg);
				r->failed++;	/* counted once */
			}
			bad = 1;
			continue;
		}
		if ((empty = cli_empty_item(&it)) != NULL) {
			/* never learned, so never fresh: round 0 only */
			cli_warn_input("train", it.label, empty);
			r->failed++;
			continue;
		}
		if (rf_message_parse(r->ctx, it.data, it.len, &m, &err) !=
		    RF_OK) {
			cli_warn_input("train", it.label, err.msg);
			r->failed++;
			continue;
		}
		/* the same facts as redflag scan: tracking codes, web bugs */
		if (rf_tracking_message(r->ctx, r->rules, m, NULL, &err) !=
		    RF_OK) {
			cli_warn_input("train", it.label, err.msg);
			rf_message_free(m);
			r->failed++;
			continue;
		}
		if (r->mode == M_CLASSIFY) {
			classify(r, it.label, m);
		} else if (r->round > 0) {
			if ((r->pass == 2 && wgroup_add(&r->g, &err) !=
			    RF_OK) || relearn(r, m, &err) != RF_OK ||
			    wgroup_end(&r->g, 0, &err) != RF_OK) {
				cli_warn("%s: %s", cli_escape(esc, sizeof(esc),
				    it.label, 200), err.msg);
				rf_message_free(m);
				rf_source_free(src);
				return -2;
			}
		} else {
			if ((st = wgroup_add(&r->g, &err)) == RF_OK)
				st = r->undo ? rf_classifier_unlearn(r->cls,
				    r->ctx, m, &changed, &err) :
				    rf_classifier_learn(r->cls, r->ctx, m,
				    NULL, r->mode == M_SPAM, &changed, &err);
			if (st != RF_OK) {
				cli_warn("%s: %s", cli_escape(esc, sizeof(esc),
				    it.label, 200), err.msg);
				rf_message_free(m);
				rf_source_free(src);
				return -2;	/* the batch is gone */
			}
			if (changed && !r->undo && mark_fresh(r) != 0) {
				cli_warn("train: out of memory");
				rf_message_free(m);
				rf_source_free(src);
				return -2;
			}
			if (changed)
				r->changed++, r->cchanged[r->mode == M_SPAM]++;
			else
				r->unchanged++,
				r->cunchanged[r->mode == M_SPAM]++;
			if (wgroup_end(&r->g, 0, &err) != RF_OK) {
				cli_warn("train: %s", err.msg);
				rf_message_free(m);
				rf_source_free(src);
				return -2;
			}
		}
		rf_message_free(m);
	}
	rf_source_free(src);
	if (is_stdin && r->round == 0)
		r->stdin_items = r->seq - seq0;
	return bad ? -1 : 0;
}

/*
 * train_on_error: up to rounds rounds over the PATHs argv[first..argc)
 * (with their --spam / --ham), re-learning the messages learned in this
 * run that the counts misjudge; stops when a round re-learns none.  A
 * round classifies them all (no transaction open: the counts of its
 * start), then re-learns the misjudged ones in groups.  0, or -1 after
 * reporting an error (the groups committed before stay).
 */
static int
train_on_error(struct run *r, int argc, char **argv, int first,
	       unsigned rounds)
{
	rf_error err;
	unsigned long total = 0;
	size_t n;
	int i, done = 0;

	for (r->round = 1; r->round <= (int)rounds; r->round++) {
		r->again = 0;
		for (r->pass = 1; r->pass <= 2; r->pass++) {
			r->seq = 0;
			r->mode = r->mode0;
			for (i = first; i < argc; i++) {
				if (strcmp(argv[i], "--spam") == 0 ||
				    strcmp(argv[i], "--ham") == 0) {
					r->mode = argv[i][2] == 's' ? M_SPAM :
					    M_HAM;
					continue;
				}
				if (one_path(r, argv[i], NULL) == -2) {
					rf_classifier_rollback(r->cls);
					r->g.open = 0;
					cli_warn("train: round %d of "
					    "re-learning stopped", r->round);
					return -1;
				}
			}
		}
		for (n = 0; n < r->nfresh; n++)
			r->fresh[n] &= (unsigned char)~REDO;
		if (wgroup_end(&r->g, 1, &err) != RF_OK) {
			cli_warn("train: %s", err.msg);
			return -1;
		}
		total += r->again;
		if (r->again == 0)
			break;
		done++;
	}
	if (!r->quiet && total > 0)
		printf("re-learned %lu time%s the messages still misjudged "
		    "(train on error, %d round%s)\n", total,
		    cli_plural(total, "s"), done,
		    done == 1 ? "" : "s");
	return 0;
}

/*
 * set_option: "--set NAME=VALUE" or "--set=NAME=VALUE" for a classifier
 * setting, else for a limit.  Returns 1 when handled, 0 when argv[*i] is
 * not --set, -1 after reporting a bad setting.
 */
static int
set_option(rf_cls_params *params, rf_limits *limits, int argc, char **argv,
	   int *i)
{
	const char *a = argv[*i], *spec = NULL, *eq;
	char name[64];
	rf_error err;
	size_t n;

	int next = 0;

	if (strcmp(a, "--set") == 0 && *i + 1 < argc)
		spec = argv[*i + 1], next = 1;
	else if (strncmp(a, "--set=", 6) == 0)
		spec = a + 6;
	eq = spec != NULL ? strchr(spec, '=') : NULL;
	n = eq != NULL ? (size_t)(eq - spec) : 0;
	if (n == 0 || n >= sizeof(name))
		return cli_limit_option("train", limits, argc, argv, i);
	memcpy(name, spec, n);
	name[n] = '\0';
	if (rf_cls_params_set(params, name, eq + 1, &err) == RF_OK) {
		*i += next;
		return 1;
	}
	if (strstr(err.msg, "no classifier setting") == NULL) {
		cli_warn("train: --set: %s", err.msg);
		return -1;
	}
	return cli_limit_option("train", limits, argc, argv, i);
}

/* kept: in buf, what a failure leaves of the run's n messages learned
 * (or taken back), in a sentence that reads for 0, 1 and more: "no
 * message was learned before the failure", "1 message learned before
 * the failure stays learned", "3 messages ... stay learned". */
static const char *
kept(int undo, unsigned long n, char *buf, size_t size)
{
	const char *done = undo ? "taken back" : "learned";

	if (n == 0)
		snprintf(buf, size, "no message was %s before the failure",
		    done);
	else
		snprintf(buf, size, "%lu message%s %s before the failure "
		    "stay%s %s", n, n == 1 ? "" : "s", done, n == 1 ? "s" :
		    "", done);
	return buf;
}

/* conflict: say that option opt, a mode (--spam, --ham, --classify),
 * came after mode m: one mode, then its PATHs ("--spam A --ham B"
 * switches between PATHs). */
static void
conflict(enum mode m, const char *opt)
{
	static const char *const names[] = { "", "--spam", "--ham",
	    "--classify" };

	if (strcmp(names[m], opt) == 0)
		cli_warn("train: %s given twice", opt);
	else if (m == M_CLASSIFY || strcmp(opt, "--classify") == 0)
		cli_warn("train: %s and %s conflict: --classify learns "
		    "nothing", names[m], opt);
	else
		cli_warn("train: %s and %s conflict: give the PATHs of each "
		    "after it", names[m], opt);
	usage(stderr);
}

/*
 * first_input: the first of the PATHs argv[first..argc) (--spam and
 * --ham between them skipped) that is standard input ("-", *src NULL)
 * or that rf_source opens with limits (*src its source, listed once:
 * one_path reads it): its index.  When none, each said as one_path says
 * it ("train: PATH: ..."), and -1.
 */
static int
first_input(int argc, char **argv, int first, const rf_limits *limits,
	    rf_source **src)
{
	rf_source *again;
	rf_error err;
	int i;

	*src = NULL;
	for (i = first; i < argc; i++) {
		if (strcmp(argv[i], "--spam") == 0 ||
		    strcmp(argv[i], "--ham") == 0)
			continue;
		if (strcmp(argv[i], "-") == 0 ||
		    rf_source_open(argv[i], limits, src, &err) == RF_OK)
			return i;
	}
	for (i = first; i < argc; i++) {
		if (strcmp(argv[i], "--spam") == 0 ||
		    strcmp(argv[i], "--ham") == 0)
			continue;
		if (rf_source_open(argv[i], limits, &again, &err) != RF_OK)
			cli_warn_input("train", argv[i], err.msg);
		rf_source_free(again);	/* NULL, or there now */
	}
	return -1;
}

/* train: the command, with cfg (config_init'ed; the caller frees it)
 * holding the settings: those of the files -c names, read before the
 * other options so that each option given overrides them whatever its
 * place (classifier, spam_cutoff, ham_cutoff, the limits, the Redis
 * settings; the others are ignored). */
static int
train(int argc, char **argv, struct config *cfg)
{
	static const char *const valued[] = { "--classifier", "--db",
	    "--set", "--redis-user", "--redis-password-file", NULL };
	char done[128];
	struct run r;
	rf_cls_params params;
	rf_limits limits;
	rf_error err;
	const char *db = NULL;
	struct redis_auth *ra = &cfg->redis;
	rf_source *src = NULL;	/* argv[ready]'s, opened by first_input */
	unsigned long failed;
	static const char *const switches[] = { "--spam", "--ham", NULL };
	int i, rc = RF_EXIT_OK, show = 0, k, first, dashdash = 0, ready = -1;

	memset(&r, 0, sizeof(r));
	/* the settings of -c first: what the milter's classifier is
	 * opened with (cli_classifier), the options override them */
	if (config_preload(cfg, "train", argc, argv, valued) != 0)
		return RF_EXIT_USAGE;
	rf_cls_params_default(&params);
	params.spam_cutoff = cfg->verdict.spam_cutoff;
	params.ham_cutoff = cfg->verdict.ham_cutoff;
	limits = cfg->limits;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0';
	    i++) {
		const char *a = argv[i];

		if (config_file_option(argc, argv, &i)) {
			continue;	/* read by config_preload */
		} else if (strcmp(a, "--") == 0) {
			i++;
			dashdash = 1;
			break;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return RF_EXIT_OK;
		} else if ((strcmp(a, "--classifier") == 0 ||
		    strcmp(a, "--db") == 0) && i + 1 < argc) {
			if (!cli_store_ok("train", a, db = argv[++i]))
				return RF_EXIT_USAGE;
		} else if (strcmp(a, "--spam") == 0 && r.mode == M_NONE) {
			r.mode = M_SPAM;
		} else if (strcmp(a, "--ham") == 0 && r.mode == M_NONE) {
			r.mode = M_HAM;
		} else if (strcmp(a, "--classify") == 0 && r.mode == M_NONE) {
			r.mode = M_CLASSIFY;
		} else if (strcmp(a, "--spam") == 0 ||
		    strcmp(a, "--ham") == 0 || strcmp(a, "--classify") == 0) {
			/* a second mode before any PATH */
			conflict(r.mode, a);
			return RF_EXIT_USAGE;
		} else if (strcmp(a, "--undo") == 0) {
			r.undo = 1;
		} else if (strcmp(a, "--reasons") == 0) {
			r.reasons = 1;
		} else if (strcmp(a, "--show-settings") == 0) {
			show = 1;
		} else if (strcmp(a, "-q") == 0) {
			r.quiet = 1;
		} else if ((k = redis_auth_option(ra, "train", argc, argv,
		    &i)) != 0) {
			if (k < 0)
				return RF_EXIT_USAGE;
		} else if ((k = set_option(&params, &limits, argc, argv,
		    &i)) < 0) {
			return RF_EXIT_USAGE;
		} else if (k == 0) {
			cli_bad_option("train", a, valued);
			usage(stderr);
			return RF_EXIT_USAGE;
		}
	}
	if ((r.mode == M_NONE && !show) || (r.mode != M_NONE && i >= argc) ||
	    (r.undo && r.mode != M_SPAM && r.mode != M_HAM)) {
		cli_warn("train: %s", r.undo && r.mode != M_SPAM &&
		    r.mode != M_HAM ? "--undo goes with --spam or --ham" :
		    r.mode == M_NONE ? "give --spam, --ham, --classify or "
		    "--show-settings" : "no PATH to read");
		usage(stderr);
		return RF_EXIT_USAGE;
	}
	/* --classify learns nothing: a --spam or --ham among its PATHs
	 * would be read as a file of that name */
	for (k = i; !dashdash && r.mode == M_CLASSIFY && k < argc; k++)
		if (strcmp(argv[k], "--spam") == 0 ||
		    strcmp(argv[k], "--ham") == 0) {
			conflict(r.mode, argv[k]);
			return RF_EXIT_USAGE;
		}
	if (!dashdash && cli_late_option("train", argc, argv, i, switches)) {
		usage(stderr);
		return RF_EXIT_USAGE;
	}
	if (cli_stdin_twice("train", (const char *const *)argv + i,
	    argc - i)) {
		usage(stderr);
		return RF_EXIT_USAGE;
	}
	/* --classifier, else the settings' classifier (checked as they
	 * were read), else $REDFLAG_CLASSIFIER, else the default */
	if (db == NULL)
		db = cfg->classifier;
	if (db == NULL && (db = getenv("REDFLAG_CLASSIFIER")) != NULL &&
	    *db != '\0' && !cli_store_ok("train", "$REDFLAG_CLASSIFIER", db))
		return RF_EXIT_USAGE;
	if (db == NULL || *db == '\0')
		db = DEFAULT_DB;
	if (redis_auth_finish(ra, "train", &db, 1) != 0)
		return RF_EXIT_USAGE;
	params.redis_auth = redis_auth_get(ra);
	r.ham_above = params.train_ham;
	r.spam_below = params.train_spam;
	if ((r.rules = cli_rules()) == NULL) {
		rc = RF_EXIT_SOFTWARE;
		goto out;
	}
	if (rf_ctx_new(&limits, &r.ctx, &err) != RF_OK) {
		cli_warn("train: %s", err.msg);
		rc = RF_EXIT_SOFTWARE;
		goto out;
	}
	/* what only reads (--classify, --show-settings alone) or takes
	 * back needs a database made before: a missing file is refused,
	 * not made an empty one (whose classify says 0.5, unsure) */
	if ((r.mode == M_CLASSIFY || r.undo || r.mode == M_NONE) &&
	    cli_store_there(db, 1, "redflag train --spam or --ham",
	    &err) != RF_OK) {
		cli_warn("train: %s", err.msg);
		rc = RF_EXIT_UNAVAILABLE;
		goto out;
	}
	/* learning: when no PATH can be read, no database is made for
	 * nothing (each is said as the learning would say it) */
	if (r.mode != M_CLASSIFY && !r.undo && r.mode != M_NONE &&
	    (ready = first_input(argc, argv, i, &limits, &src)) < 0) {
		rc = RF_EXIT_INPUT;
		goto out;
	}
	if (rf_classifier_open(db, &params, &r.cls, &err) != RF_OK) {
		char esc[512];

		cli_warn("train: %s: %s", cli_escape(esc, sizeof(esc), db, 200),
		    err.msg);
		rc = RF_EXIT_UNAVAILABLE;
		goto out;
	}
	if (show) {
		show_settings(&params, r.cls);
		printf("backend=%s\n", rf_classifier_backend(r.cls));
		if (r.mode == M_NONE)
			goto out;
	}
	r.g.begin = group_begin;
	r.g.commit = group_commit;
	r.g.h = &r;
	r.g.max_items = TRAIN_GROUP_ITEMS;
	r.g.max_ms = TRAIN_GROUP_MS;
	first = i;
	r.mode0 = r.mode;
	for (; i < argc; i++) {
		if (r.mode != M_CLASSIFY && !r.undo &&
		    (strcmp(argv[i], "--spam") == 0 ||
		    strcmp(argv[i], "--ham") == 0)) {
			r.mode = argv[i][2] == 's' ? M_SPAM : M_HAM;
			continue;
		}
		r.used[r.mode == M_SPAM] = 1;
		failed = r.failed;
		k = one_path(&r, argv[i], i == ready ? src : NULL);
		if (i == ready)
			src = NULL;	/* one_path freed it */
		r.cfailed[r.mode == M_SPAM] += r.failed - failed;
		if (k == -2) {
			/* SQLite: the open group is rolled back */
			cli_warn("train: %s", kept(r.undo,
			    rf_classifier_atomic(r.cls) ? r.kept : r.changed,
			    done, sizeof(done)));
			rc = RF_EXIT_INPUT;
			goto out;
		}
		if (k < 0)
			rc = RF_EXIT_INPUT;
	}
	if (r.failed > 0)
		rc = RF_EXIT_INPUT;
	if (r.mode == M_CLASSIFY) {
		if (!r.quiet)
			fprintf(stderr, "%s: classified %lu spam, %lu unsure, "
			    "%lu ham; %lu unreadable\n", RF_PROG, r.n[2],
			    r.n[1], r.n[0], r.failed);
		goto out;
	}
	if (wgroup_end(&r.g, 1, &err) != RF_OK) {
		cli_warn("train: %s; %s", err.msg, kept(r.undo, rf_classifier_atomic(r.cls) ? r.kept :
		    r.changed, done, sizeof(done)));
		rc = RF_EXIT_INPUT;
		goto out;
	}
	for (k = 1; k >= 0 && !r.quiet; k--)
		if (r.used[k])
			printf("%s %lu message%s as %s; %lu unchanged (%s); "
			    "%lu unreadable\n", r.undo ? "took back" :
			    "learned", r.cchanged[k], r.cchanged[k] == 1 ? "" :
			    "s", k ? "spam" : "ham",
			    r.cunchanged[k], r.undo ? "never learned" :
			    "learned before", r.cfailed[k]);
	if (!r.undo && r.changed > 0 && train_on_error(&r, argc, argv, first,
	    params.train_rounds) != 0)
		rc = RF_EXIT_INPUT;
	if (!r.quiet)
		untrained_note(&params, r.cls);
out:
	rf_source_free(src);
	free(r.fresh);
	rf_classifier_close(r.cls);
	rf_ctx_free(r.ctx);
	rf_rules_free(r.rules);
	return rc;
}

int
cmd_train(int argc, char **argv)
{
	return config_run(train, argc, argv);
}
