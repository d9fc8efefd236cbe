/*
 * cls_live.h - the milter's classifier, kept up to date with its file.
 *
 * A SQLite classifier is loaded into memory when opened, so a daemon that
 * opened it once would go on judging with those counts while `redflag
 * train` and `redflag complain` learn into the file, or while a new file
 * is moved in its place.  A cls_live looks, at most once per
 * classifier_reload seconds (redflag.conf(5)), whether the file changed
 * (rf_classifier_changed) and if so opens the path again, loading the
 * counts beside the old ones; messages in flight keep the classifier they
 * started with, which is closed when the last of them is done.  Threads
 * share one cls_live: every call is safe from several threads at once.
 * A Redis classifier is read per message and never needs it.
 */
#ifndef REDFLAG_CLS_LIVE_H
#define REDFLAG_CLS_LIVE_H

#include <redflag/redflag.h>

#include "config.h"

struct cls_live;

/* One loaded classifier, held by the messages that use it. */
struct cls_gen;

/* cls_live_open: the classifier cfg->classifier names (cli_classifier's
 * checks and words), looked at again every cfg->classifier_reload
 * seconds (0: never).  cfg must outlive it.  RF_OK and *out, or the
 * error of cli_classifier. */
rf_status cls_live_open(const struct config *cfg, struct cls_live **out,
			rf_error *err);

/* cls_live_acquire: the classifier loaded now, held until
 * cls_live_release(l, *gen): a reload meanwhile does not close it. */
rf_classifier *cls_live_acquire(struct cls_live *l, struct cls_gen **gen);

/* cls_live_release: the message that acquired gen is done with it. */
void cls_live_release(struct cls_live *l, struct cls_gen *gen);

/*
 * cls_live_refresh: when the look is due (classifier_reload seconds after
 * the last, and no other thread is looking) and the file changed since
 * it was loaded, open the path again and put it in place of the old one
 * for the messages from now on.  This thread does the loading; the others
 * go on meanwhile.  Returns NULL (nothing done, or nothing to say) or a
 * line for the log, in arena a: "classifier = PATH: trained or replaced
 * since it was loaded; loaded again: ...", or, when opening failed, that
 * the one loaded before still serves (the next look tries again).
 */
const char *cls_live_refresh(struct cls_live *l, rf_arena *a);

/* cls_live_close: release l and its classifier (NULL allowed); no message
 * may hold one any more. */
void cls_live_close(struct cls_live *l);

#endif
