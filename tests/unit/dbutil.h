/*
 * dbutil.h - what the storage tests share: a real SQLite file in a
 * folder of its own (test_store.c, test_classifier.c,
 * test_classifier_redis.c, test_cls_hdrtok.c) and a campaign store
 * opened or the test failed (test_store.c, test_store_redis.c).
 */
#ifndef REDFLAG_DBUTIL_H
#define REDFLAG_DBUTIL_H

#include <unistd.h>

#include "testutil.h"

/* A database file path in the new folder dir. */
struct tmpdb {
	char dir[64];
	char path[128];
};

/* tmpdb_make: d->dir a new folder /tmp/rf-TAG-XXXXXX, d->path its file
 * name (not created); fails the test when the folder cannot be made. */
static inline void
tmpdb_make(struct tmpdb *d, const char *tag, const char *name)
{
	snprintf(d->dir, sizeof(d->dir), "/tmp/rf-%s-XXXXXX", tag);
	if (mkdtemp(d->dir) == NULL)
		fail_msg("mkdtemp %s failed", d->dir);
	snprintf(d->path, sizeof(d->path), "%s/%s", d->dir, name);
}

/* tmpdb_remove: removes d->path with the WAL and index files SQLite
 * keeps next to it, then the folder; returns rmdir's result (0: nothing
 * else was left in it). */
static inline int
tmpdb_remove(const struct tmpdb *d)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char p[sizeof(d->path) + 8];
	size_t i;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", d->path, suffix[i]);
		unlink(p);
	}
	return rmdir(d->dir);
}

/* store_open: the campaign store at spec with options o (NULL: the
 * defaults); fails the test when it cannot be opened. */
static inline rf_store *
store_open(const char *spec, const rf_store_options *o)
{
	rf_store *s = NULL;
	rf_error err;

	if (rf_store_open(spec, o, &s, &err) != RF_OK)
		fail_msg("rf_store_open %s: %s", spec, err.msg);
	return s;
}

#endif
