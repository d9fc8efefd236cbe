/*
 * redflag/classifier.h - a trained token classifier for the first copy of
 * a new campaign (docs/classifier.md).
 *
 * Method: Gary Robinson's per-token probability f(w) with Fisher's
 * chi-square combining of the tokens that deviate from neutral, as
 * bogofilter does, but decided by the ratio of the two chi-square
 * probabilities (p = H / (H + S), tempered by `scale`) rather than by
 * bogofilter's (1 + H - S) / 2; the choice and every default were made by
 * cross-validation inside the training half (docs/classifier.md), as was
 * training on error (`redflag train` learns again, for a few rounds, the
 * messages its counts still misjudge: rf_classifier_learn_again).
 * Tokens come from the decoded visible text, selected
 * headers, link hosts and registrable domains, and the facts redflag finds
 * itself (tracking codes, web bugs, display text naming another host, the
 * campaign's size).  Tokens are 64-bit XXH3 hashes; their counts live in a
 * SQLite file (and, for classification, in an in-memory hash table loaded
 * when the classifier is opened) or in Redis, shared by many mail servers
 * (looked up per message, one round trip).
 *
 * Learning is batched: with SQLite, everything between
 * rf_classifier_begin and rf_classifier_commit is one transaction, counts
 * accumulate in memory and are written as one bulk upsert.  With Redis
 * each message is learned atomically on the server (a Lua script) when
 * rf_classifier_learn returns; a batch is not all or nothing there
 * (rf_classifier_atomic).  What was learned from each message is kept (by
 * message key), so learning the same message twice does nothing, learning
 * it as the other class moves it, and unlearning restores the counts
 * exactly.
 *
 * One rf_classifier is used by one thread at a time, classification
 * included (the Redis backend keeps its connection and the counts of the
 * message being classified in it).
 */
#ifndef REDFLAG_CLASSIFIER_H
#define REDFLAG_CLASSIFIER_H

#include <stddef.h>
#include <stdint.h>

#include <redflag/arena.h>
#include <redflag/context.h>
#include <redflag/error.h>
#include <redflag/message.h>
#include <redflag/store.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rf_classifier rf_classifier;

/* Settings (rf_cls_params_set names them; docs/classifier.md explains). */
typedef struct rf_cls_params {
	double robs;		/* Robinson's s: weight of the prior x */
	double robx;		/* Robinson's x: f(w) of an unseen token */
	double min_dev;		/* tokens with |f(w) - 0.5| < min_dev ignored */
	double spam_cutoff;	/* p >= spam_cutoff: spam */
	double ham_cutoff;	/* p <= ham_cutoff: ham; between: unsure */
	unsigned max_tokens;	/* distinct tokens per message (limit) */
	unsigned max_token_len;	/* longer words are not tokens (bytes) */
	unsigned min_learned;	/* fewer spam or ham learned: p = 0.5 */
	unsigned max_pending;	/* pending tokens before a batch spills
				 * into SQLite (memory bound) */
	unsigned max_used;	/* only the most telling tokens; 0: all */
	unsigned combine;	/* 0: (1 + H - S) / 2; 1: H / (H + S)
				 * tempered by scale (the default) */
	double scale;		/* combine 1: p = 1 / (1 + (S / H)^(1 /
				 * scale)); 1: the plain ratio */
	unsigned bigrams;	/* 1: also pairs of adjacent body words */
	/* train on error (redflag train, rf_classifier_learn_again) */
	unsigned train_rounds;	/* rounds of re-learning (0: none) */
	double train_ham;	/* re-learn ham with p above this */
	double train_spam;	/* re-learn spam with p below this */
	/* not a parameter of the method: what a Redis database that asks
	 * for a password is given (rf_redis_auth, redflag/store.h; none by
	 * default; copied by rf_classifier_open, which keeps no pointer to
	 * it; ignored for SQLite) */
	rf_redis_auth redis_auth;
} rf_cls_params;

typedef enum rf_cls_class {
	RF_CLS_HAM = 0,
	RF_CLS_UNSURE = 1,
	RF_CLS_SPAM = 2
} rf_cls_class;

/* Facts about a message that are not in the rf_message itself. */
typedef struct rf_cls_facts {
	unsigned long campaign_size;	/* copies seen; 0 when unknown */
} rf_cls_facts;

/* One token that weighed in a decision. */
typedef struct rf_cls_token {
	const char *text;	/* readable: "viagra", "lowest-price.example",
				 * "subject:free", "fact:web-bug" */
	double f;		/* Robinson's f(w), 0..1 */
	unsigned long nspam, nham;	/* learned counts */
} rf_cls_token;

typedef struct rf_cls_result {
	double p;		/* spam probability (Fisher-Robinson) */
	rf_cls_class cls;	/* by the cutoffs */
	size_t ntokens;		/* distinct tokens in the message */
	size_t nused;		/* tokens that counted (past min_dev) */
	rf_cls_token *spammy;	/* most spam-like first, in the arena */
	size_t nspammy;
	rf_cls_token *hammy;	/* most ham-like first */
	size_t nhammy;
	int untrained;		/* fewer than min_learned of a class */
	int limit_hit;		/* max_tokens was reached */
} rf_cls_result;

/* rf_cls_params_default: robx 0.52 and min_dev 0.375 (bogofilter's),
 * robs 0.5, combine 1 with scale 4, spam_cutoff 0.9, ham_cutoff 0.45,
 * train on error for 3 rounds past train_ham 0.1192 and train_spam 0.982
 * (chosen by 5-fold cross-validation inside the training half,
 * docs/classifier.md) and redflag's limits. */
void rf_cls_params_default(rf_cls_params *p);

/* rf_cls_params_set: set the parameter called name from value ("0.99").
 * RF_OK, or RF_EINVAL (unknown name, bad or out-of-range value) in err. */
rf_status rf_cls_params_set(rf_cls_params *p, const char *name,
			    const char *value, rf_error *err);

/* rf_cls_params_describe: name and meaning of parameter i = 0, 1, ...;
 * returns 0 past the last one. */
int rf_cls_params_describe(unsigned i, const char **name,
			   const char **meaning);

/* rf_cls_params_value: parameter i's value in p as text in buf (size
 * bytes), exactly as it reads back and in plain decimals (0.1192,
 * 10000000); returns 0 past the last one, as rf_cls_params_describe. */
int rf_cls_params_value(const rf_cls_params *p, unsigned i, char *buf,
			size_t size);

/*
 * rf_classifier_open: open (creating when absent) the token database at
 * location loc, named as the campaign store is (docs/classifier.md):
 *   PATH or sqlite:PATH              a SQLite file (WAL mode); its counts
 *                                    are loaded for classification
 *   redis://HOST[:PORT][/PREFIX]     Redis over TCP (port 6379, prefix rf)
 *   unix:PATH[#PREFIX]               Redis over a Unix socket
 * params NULL: defaults (params->redis_auth: AUTH for Redis, see
 * rf_redis_auth; RF_EINVAL when malformed, RF_ESTORE when refused).  On
 * RF_OK the caller owns *out.
 */
rf_status rf_classifier_open(const char *loc, const rf_cls_params *params,
			     rf_classifier **out, rf_error *err);

/* rf_classifier_is_local: 1 when loc names a file (SQLite), 0 when it
 * names Redis (or is NULL). */
int rf_classifier_is_local(const char *loc);

/* rf_classifier_backend: "sqlite" or "redis". */
const char *rf_classifier_backend(const rf_classifier *c);

/* rf_classifier_atomic: 1 when a batch is one transaction (SQLite: a
 * rollback or crash forgets all of it), 0 when each message is (Redis:
 * what was learned before a failure stays learned). */
int rf_classifier_atomic(const rf_classifier *c);

/* rf_classifier_close: finish (roll back) an open batch and release c;
 * NULL allowed. */
void rf_classifier_close(rf_classifier *c);

/* rf_classifier_reload: reread the counts (another process learned; with
 * Redis only the numbers of messages: tokens are read per message). */
rf_status rf_classifier_reload(rf_classifier *c, rf_error *err);

/* rf_classifier_changed: 1 when the counts loaded (SQLite: at open, the
 * last commit or reload) are no longer those of the file: another
 * process committed to it since (PRAGMA data_version), or it was deleted
 * or replaced (SQLITE_FCNTL_HAS_MOVED: open it again to read the file
 * now at the path); 0 when they are, when it cannot tell, inside a
 * batch, and always with Redis (read per message).  It asks the file, so
 * it must not run beside another call on c that does; classifying does
 * not (SQLite: no SQL per message). */
int rf_classifier_changed(rf_classifier *c);

/* rf_classifier_counts: messages learned as spam and as ham, as of the
 * open, the last commit, reload or (Redis) classification. */
void rf_classifier_counts(const rf_classifier *c, unsigned long *nspam,
			  unsigned long *nham);

/* rf_classifier_token_counts: learned counts of one token, written as
 * rf_classifier_tokens gives it ("viagra", "host:a.example"), from the
 * loaded table (SQLite) or the server (Redis); 0 and 0 when unknown or
 * the server cannot be reached. */
void rf_classifier_token_counts(const rf_classifier *c, const char *text,
				unsigned long *nspam, unsigned long *nham);

/* rf_classifier_begin: start a batch (one transaction).  RF_EINVAL when
 * one is open already. */
rf_status rf_classifier_begin(rf_classifier *c, rf_error *err);

/* rf_classifier_commit: write the batch's counts and commit; the counts
 * used for classification include it afterwards. */
rf_status rf_classifier_commit(rf_classifier *c, rf_error *err);

/* rf_classifier_rollback: forget everything learned since begin. */
void rf_classifier_rollback(rf_classifier *c);

/*
 * rf_classifier_learn: learn m as spam (spam = 1) or ham (spam = 0).
 * facts may be NULL.  Outside a batch it is a batch of its own.  A message
 * learned before as the same class changes nothing; as the other class it
 * is moved.  *changed (may be NULL) says whether counts changed.  This is
 * the call the complaint path uses with spam = 1.
 */
rf_status rf_classifier_learn(rf_classifier *c, const rf_ctx *ctx,
			      const rf_message *m, const rf_cls_facts *facts,
			      int spam, int *changed, rf_error *err);

/*
 * rf_classifier_learn_again: as rf_classifier_learn, but a message
 * learned before as the same class is learned once more: its tokens and
 * its class's message count grow by one again, and the database records
 * how many times (train on error: `redflag train` re-learns, for
 * train_rounds rounds, the messages it learned that the counts still
 * misjudge, as bogofilter's bogominitrain.pl does).
 */
rf_status rf_classifier_learn_again(rf_classifier *c, const rf_ctx *ctx,
				    const rf_message *m,
				    const rf_cls_facts *facts, int spam,
				    int *changed, rf_error *err);

/* rf_classifier_unlearn: take back what was learned from m (either
 * class, every repetition); *changed = 0 when m was never learned. */
rf_status rf_classifier_unlearn(rf_classifier *c, const rf_ctx *ctx,
				const rf_message *m, int *changed,
				rf_error *err);

/*
 * rf_classifier_classify: the spam probability of m and the tokens that
 * weighed most (at most max_reasons each way, text in arena a).  SQLite:
 * the counts loaded at open (or last commit / reload), no SQL per
 * message; Redis: the current counts of m's tokens, one round trip
 * (RF_ESTORE when the server fails).
 */
rf_status rf_classifier_classify(const rf_classifier *c, const rf_ctx *ctx,
				 const rf_message *m,
				 const rf_cls_facts *facts, rf_arena *a,
				 size_t max_reasons, rf_cls_result *out,
				 rf_error *err);

/* rf_cls_reasons: the result in plain words, in arena a:
 * "words and hosts typical of spam: viagra, lowest-price.example; typical
 * of wanted mail: meeting", at most n tokens each way. */
const char *rf_cls_reasons(const rf_cls_result *r, rf_arena *a, size_t n);

/* rf_cls_class_name: "ham", "unsure", "spam". */
const char *rf_cls_class_name(rf_cls_class k);

/*
 * rf_classifier_tokens: the distinct tokens of m as texts, in arena a
 * (for tests, debugging and docs), in the form rf_classifier_token_counts
 * takes: words bare, "host:", "domain:", "header:", "fact:", "subject:"
 * and other header names, "part:", "charset:", "attachment:", "shape:"
 * (header shapes, docs/classifier.md), word pairs with a space.  p NULL: defaults.  *n receives the count.
 */
rf_status rf_classifier_tokens(const rf_ctx *ctx, const rf_cls_params *p,
			       const rf_message *m, const rf_cls_facts *facts,
			       rf_arena *a, const char ***out, size_t *n,
			       rf_error *err);

#ifdef __cplusplus
}
#endif
#endif
