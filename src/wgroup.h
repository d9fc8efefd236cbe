/*
 * wgroup.h - a store written in groups: one transaction per group, which
 * holds the write lock of a SQLite store that other writers (the milter,
 * other commands) share.  A group starts with its first item and is
 * committed once it holds max_items items or has been open max_ms
 * milliseconds, or when the caller forces it (before a read that could
 * wait), so that other writers wait about max_ms at most
 * (docs/store.md, "Concurrent writers").  Used by scan --db, by
 * consent import / learn and by train.
 */
#ifndef REDFLAG_WGROUP_H
#define REDFLAG_WGROUP_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <redflag/error.h>

struct wgroup {
	/* the store's own transaction calls, on h */
	rf_status (*begin)(void *h, rf_error *err);
	rf_status (*commit)(void *h, rf_error *err);
	void *h;
	size_t max_items;
	unsigned max_ms;
	int open;		/* a group is open */
	size_t n;		/* items in it */
	struct timespec start;	/* when it began (monotonic) */
};

/* wgroup_add: start a group unless one is open, count one item in it. */
rf_status wgroup_add(struct wgroup *g, rf_error *err);

/* wgroup_end: commit the open group (none: RF_OK) when force is set, or
 * when it is full or old. */
rf_status wgroup_end(struct wgroup *g, int force, rf_error *err);

/* wgroup_input_waits: reading `in` now could wait (nothing buffered and
 * its descriptor not readable: a pipe or terminal that stalls). */
int wgroup_input_waits(FILE *in);

#endif
