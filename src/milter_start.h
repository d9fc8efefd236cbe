/*
 * milter_start.h - what `redflag milter` does before it serves: a store's
 * missing folder said, the privileges dropped (src/milter_start.c).
 */
#ifndef REDFLAG_MILTER_START_H
#define REDFLAG_MILTER_START_H

#include <stddef.h>

#include "config.h"

/*
 * milter_missing_folder: " (the folder DIR does not exist)" in buf (size)
 * for the first SQLite file of loc[0..n) whose folder is missing as the
 * milter sees it now (after chroot); "" when there is none.  Returns buf.
 */
const char *milter_missing_folder(const char *const *loc, size_t n,
				  char *buf, size_t size);

/* milter_drop: chroot and become the configured user (the socket's file
 * given to that user first); 0, or -1 after a line on standard error
 * naming what failed and, where it can, what makes it. */
int milter_drop(const struct config *cfg);

#endif
