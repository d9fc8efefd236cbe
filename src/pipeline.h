/*
 * pipeline.h - the per-message analysis behind the mail-server front
 * ends: `redflag milter` and `redflag filter` both call this and nothing
 * else of the analysis, so that they decide alike.
 *
 * A pipeline is opened once from the configuration and is then shared,
 * read-only, by every thread: pipeline_run may be called from several
 * threads at once.  pipeline_run analyses one message (parse, tracking
 * codes, campaign, verdict) and decides the action, but changes nothing
 * in the store: the store update it computed is kept in the result and
 * written by pipeline_commit, which the front end calls only once the
 * message has been accepted (milter: at the end of eom, after every
 * header and body change succeeded; filter: after the output was written
 * completely).  A message refused or tempfailed is therefore never
 * counted, and a message retried after a tempfail is counted once.
 *
 * Several envelope recipients share one copy of the message: the body is
 * rewritten when the copy identifies any of them (a tracking code of any
 * recipient is neutralised, as the clean policy of that recipient's
 * verdict says), and the verdict of the copy is the most severe of its
 * recipients' verdicts (spam, unsure, bulk, ham: consent is per
 * recipient, the action is per copy).
 */
#ifndef REDFLAG_PIPELINE_H
#define REDFLAG_PIPELINE_H

#include <stddef.h>

#include <redflag/redflag.h>

#include "config.h"

struct pipeline;

struct pipeline_header {
	const char *name;	/* "X-Redflag-Verdict" */
	const char *value;	/* printable ASCII, one line */
};

struct pipeline_result {
	const char *verdict;	/* "spam", "bulk", "ham", "unsure" */
	double score;
	const char *campaign;	/* campaign id, or "" */
	const char **reasons;	/* plain words, printable ASCII */
	size_t nreasons;
	const char **signs;	/* the verdict's warnings (deception signs,
				 * docs/verdicts.md), printable ASCII; they
				 * do not change the verdict or the action */
	size_t nsigns;
	struct pipeline_header *headers; /* to add, in this order */
	size_t nheaders;
	const char *body;	/* rewritten body, replacing msg[body_off..]
				 * of pipeline_run's msg, or NULL when
				 * unchanged */
	size_t body_len;
	size_t body_off;	/* where the analysis' body starts in msg
				 * (rf_rewrite_body_offset): past the blank
				 * line that ends the header block, or at its
				 * first line that is no header field (then
				 * body starts with a blank line) */
	int unsub;		/* rewrite on, and the List-Unsubscribe link
				 * carries a code that identifies a
				 * recipient, left in place: headers end
				 * with CLEAN_UNSUB_HEADER */
	enum action action;	/* what the policy says to do */
	char *reply;		/* reply text for reject / tempfail */

	const char *notice;	/* NULL, or a line for the log: the
				 * store's file was deleted or replaced
				 * since it was opened, and the path was
				 * opened again (pipeline_run and
				 * pipeline_commit set it, once); the
				 * classifier was loaded again, or could
				 * not be (cls_live_refresh) */

	rf_arena *arena;	/* owns everything above */
	void *pending;		/* the store update pipeline_commit writes */
};

/*
 * pipeline_open: a pipeline for the policy and limits in cfg (which must
 * outlive it): the analysis context and the tracking rules.  Call before
 * dropping privileges or chroot.  RF_OK and *out, or an error in err.
 */
rf_status pipeline_open(const struct config *cfg, struct pipeline **out,
			rf_error *err);

/*
 * pipeline_open_store: open the store named by cfg->db (nothing when
 * unset) and the classifier named by cfg->classifier (likewise).  The
 * milter calls it after chroot and dropping privileges, so that the
 * store's files belong to the user it runs as (a SQLite path is then
 * inside the chroot).  RF_ESTORE, RF_EINVAL, RF_ENOTFOUND (no
 * classifier file) on failure.
 */
rf_status pipeline_open_store(struct pipeline *p, rf_error *err);

/*
 * pipeline_stop: from now on no store is opened again: a store whose
 * file was deleted or replaced is closed (its log copied into it,
 * rf_store_close), so that the file now at the path meets no page of it
 * at the next start, and a message that still wants it fails (RF_ESTORE,
 * "stopping"); a store that did not move stays open.  The milter calls it
 * once the messages in flight are done.
 */
void pipeline_stop(struct pipeline *p);

/* pipeline_close: release p (NULL allowed). */
void pipeline_close(struct pipeline *p);

/*
 * pipeline_run: analyse the message msg[0..len) (header block, blank
 * line, body; CRLF or LF line ends) received for the envelope recipients
 * rcpts[0..nrcpts) (may be empty: then the message's own Delivered-To,
 * X-Original-To or To names the recipient) and fill *out, which the
 * caller releases with pipeline_result_free.  RF_ELIMIT when len exceeds
 * max_message_size; any other error means the analysis failed (the front
 * end answers with on_error).  On error *out is empty.  Before the store
 * serves the message, its file is checked (rf_store_moved): one that was
 * deleted or replaced since it was opened is closed and the path opened
 * again (out->notice says so); when that fails, RF_ESTORE ("db = PATH:
 * the file was deleted or replaced since it was opened, and opening the
 * path again failed: ..."), and the next message tries again.  Before
 * the classifier serves, it is loaded again when classifier_reload
 * seconds passed and its file changed (cls_live_refresh; out->notice).
 */
rf_status pipeline_run(struct pipeline *p, const char *msg, size_t len,
		       const char *const *rcpts, size_t nrcpts,
		       struct pipeline_result *out, rf_error *err);

/*
 * pipeline_commit: write the store update of an accepted message (no-op
 * without a store or when nothing is pending).  Safe from several
 * threads.  An error means the message was accepted but not counted.
 * The store's file is checked first, as pipeline_run does (r->notice).
 */
rf_status pipeline_commit(struct pipeline *p, struct pipeline_result *r,
			  rf_error *err);

/* pipeline_result_free: release what r owns; r itself is the caller's. */
void pipeline_result_free(struct pipeline_result *r);

/*
 * pipeline_body_offset: where the body of msg[0..len) starts (just past
 * the blank line that ends the header block), or len when there is none.
 */
size_t pipeline_body_offset(const char *msg, size_t len);

/*
 * pipeline_own_header: the header name (or header line) at p, n bytes,
 * is one that only redflag may set: X-Redflag-*, in any case.  The filter
 * and the milter remove a sender's copies of every such header.
 */
int pipeline_own_header(const char *p, size_t n);

/*
 * pipeline_kept_fields: the header block msg[from..body) without its
 * X-Redflag-* fields (pipeline_own_header, with their continuation
 * lines), in runs of kept lines: each given to put(arg, p, n); 0, or the
 * first nonzero put returned.  What the filter and redflag clean write
 * of a sender's header block.
 */
int pipeline_kept_fields(const char *msg, size_t from, size_t body,
			 int (*put)(void *, const char *, size_t), void *arg);

#endif
