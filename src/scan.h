/*
 * scan.h - what the two modes of `redflag scan` share.
 *
 * Stream mode (--db PATH): each message is analysed, added to the
 * persistent campaign store and reported with its campaign as known so
 * far, one at a time (what the milter does per message); with --dry-run
 * it is looked up as it would be once added and nothing is written.
 * Batch mode (no store): every message given is analysed and fingerprinted
 * first, then all are clustered into campaigns, then each is reported
 * with its campaign (scan_batch.c).
 */
#ifndef REDFLAG_SCAN_H
#define REDFLAG_SCAN_H

#include <stdio.h>
#include <time.h>

#include <redflag/redflag.h>

#include "sprinter.h"
#include "wgroup.h"

struct batch;

struct scan {
	rf_ctx *ctx;
	rf_analysis_cfg cfg;	/* rules, store (stream mode) */
	FILE *out;		/* standard output (a stream of its own) */
	struct sprinter *sp;	/* on out */
	const char *rcpt;	/* --rcpt, or NULL: from the headers */
	int json;
	int progress;		/* show progress on standard error */
	int dry_run;		/* --dry-run: the store is read, not written */
	struct batch *batch;	/* batch mode state, or NULL */
	size_t messages, failed, links, tracking, in_campaigns;
	size_t verdicts[4];	/* by rf_verdict_kind */
	struct wgroup group;	/* stream mode: the store's write groups */
	struct timespec start, last;
	char why[RF_ERROR_MAX + RF_ERROR_NAME_SIZE + 128];
				/* why the scan stopped on an internal
				 * error (scan_stop), or "" */
};

/* batch_new: batch mode state for s; NULL after reporting a failure. */
struct batch *batch_new(struct scan *s);

/* batch_item: pass one over one message; -1 on an internal error. */
int batch_item(struct scan *s, const rf_item *item);

/* batch_error: remember an input that could not be read, in order. */
int batch_error(struct scan *s, const char *label, const char *msg);

/* batch_finish: cluster, then pass two: print every report; -1 on an
 * internal error. */
int batch_finish(struct scan *s);

void batch_free(struct batch *b);

/* scan_warn_input: an input that could not be read or parsed, on
 * standard error as well as in the output (for scripts and people who
 * read only the closing line): "scan: LABEL: MSG", the label once when
 * msg starts with it; on a line of its own when s shows progress. */
void scan_warn_input(const struct scan *s, const char *label,
		     const char *msg);

/*
 * scan_stop: record why the scan stops on an internal error, for the
 * closing diagnostic "scan: stopped by an internal error: WHY" (said once,
 * by cmd_scan): "WHAT: MSG", or "WHAT LABEL: MSG" when label (an input's
 * name, escaped here as rf_error_name does) is not NULL.  msg is a
 * library message (safe to show: redflag/error.h) or a strerror text;
 * NULL means "out of memory".  The first cause recorded is kept.  Returns
 * -1, the internal-error return of the scan's functions.
 */
int scan_stop(struct scan *s, const char *what, const char *label,
	      const char *msg);

/* scan_count_verdict: count one verdict for the closing line. */
void scan_count_verdict(struct scan *s, rf_verdict_kind k);

/* scan_progress: progress line on standard error (when enabled). */
void scan_progress(struct scan *s, const char *what, size_t done,
		   size_t total, int final);

#endif
