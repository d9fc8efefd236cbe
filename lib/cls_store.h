/*
 * cls_store.h - the classifier's token database as seen by its front
 * (classifier.c for scoring, cls_store.c for opening and learning) and
 * its backends: cls_sqlite.c (the embedded default) and cls_redis.c (a
 * store shared by many mail servers).  Private: rf__*.  docs/classifier.md
 * describes both layouts.
 */
#ifndef REDFLAG_CLS_STORE_H
#define REDFLAG_CLS_STORE_H

#include <stdint.h>

#include "internal.h"

/* Token counts (or, while learning, count deltas) by hash; h 0 = empty. */
struct rf__centry {
	uint64_t h;
	int64_t spam, ham;
};

struct rf__cmap {
	struct rf__centry *v;
	size_t cap, n;		/* cap is a power of two */
};

/* rf__cmap_init: an empty map with room for want entries; 0 or -1 (out of
 * memory).  rf__cmap_free: release (m may be zeroed or freed already). */
int rf__cmap_init(struct rf__cmap *m, size_t want);
void rf__cmap_free(struct rf__cmap *m);

/* rf__cmap_get: the entry of h, or NULL. */
const struct rf__centry *rf__cmap_get(const struct rf__cmap *m, uint64_t h);

/* rf__cmap_add: add ds, dh to the entry of h (made when absent); 0 or -1
 * (out of memory; m is unchanged then). */
int rf__cmap_add(struct rf__cmap *m, uint64_t h, int64_t ds, int64_t dh);

/* What scoring reads: the counts of (at least) one message's tokens and
 * the numbers of messages learned. */
struct rf__cls_view {
	const struct rf__cmap *map;
	long nspam, nham;
};

/*
 * A backend.  be is its state.  Learning happens between begin and
 * commit (or rollback); the front opens a batch of its own around a
 * single learn.  A backend keeps no pointer to what it is given.
 */
enum rf__cls_how { RF__LEARN, RF__AGAIN, RF__UNDO };

#define RF__CLS_REDIS_TIMEOUT_MS 2000	/* connect and each command */
/* SQLite: how long a write (training, complain's learning, creating the
 * schema of a new file) waits for another writer's lock; opening and
 * classifying take no lock once the schema exists */
#define RF__CLS_SQLITE_BUSY_MS 10000

/*
 * rf__cls_tokens_check: the database's token set version (0: none
 * recorded) against RF__CLS_TOKENS (lib/internal.h).  A database that has
 * learned something with no version recorded was trained by token set 1.
 * RF_OK when they agree (or the database is empty: the caller records
 * RF__CLS_TOKENS), else RF_ESTORE with a "train a new database" error.
 */
rf_status rf__cls_tokens_check(long version, int empty, rf_error *err);

struct rf__cls_ops {
	const char *name;	/* "sqlite", "redis" */
	/* atomic: 1 when a batch is one transaction (all or nothing), 0
	 * when each message is (a rollback keeps what was learned) */
	int atomic;
	void (*close)(void *be);
	/* reload: reread the message counts (and the token counts where
	 * they are kept in memory) */
	rf_status (*reload)(void *be, rf_error *err);
	/* changed: 1 when what reload would read is no longer what was
	 * read (another process learned, the file was replaced); NULL:
	 * nothing is kept in memory to go stale */
	int (*changed)(void *be);
	/* counts: messages learned as spam and ham, as last read */
	void (*counts)(void *be, long *nspam, long *nham);
	rf_status (*begin)(void *be, rf_error *err);
	rf_status (*commit)(void *be, rf_error *err);
	void (*rollback)(void *be);
	/*
	 * learn: the message with key and tokens t, as spam (spam 1) or ham
	 * (0), by how (enum rf__cls_how).  RF__LEARN: learned before as the
	 * same class: nothing; as the other class: moved (learned once).
	 * RF__AGAIN: as RF__LEARN, but learned before as the same class it
	 * is learned once more (its tokens and its class's message count
	 * grow by one; the record keeps how many times).  RF__UNDO: every
	 * repetition taken back.  *changed says whether counts changed.
	 * Inside a batch.
	 */
	rf_status (*learn)(void *be, uint64_t key, const rf__ctoks *t,
			   int spam, int how, int *changed, rf_error *err);
	/* view: *v for t's tokens, valid until the next call on be */
	rf_status (*view)(void *be, const rf__ctoks *t, struct rf__cls_view *v,
			  rf_error *err);
};

/* rf__cls_sqlite_open: the SQLite file at path (created when absent),
 * with p's max_pending.  On RF_OK *be is the backend's state. */
rf_status rf__cls_sqlite_open(const char *path, const rf_cls_params *p,
			      void **be, rf_error *err);

/* rf__cls_redis_open: Redis named by spec, "redis://HOST[:PORT][/PREFIX]"
 * or "unix:PATH[#PREFIX]" (as the campaign store), timeout_ms for
 * connecting and each command, auth (NULL: none; copied) sent after
 * every connect. */
rf_status rf__cls_redis_open(const char *spec, unsigned timeout_ms,
			     const rf_redis_auth *auth, void **be,
			     rf_error *err);

extern const struct rf__cls_ops rf__cls_sqlite_ops;
extern const struct rf__cls_ops rf__cls_redis_ops;

/* The classifier: settings, a backend, an open batch or not. */
struct rf_classifier {
	rf_cls_params p;
	const struct rf__cls_ops *ops;
	void *be;
	int in_batch;
};

#endif
