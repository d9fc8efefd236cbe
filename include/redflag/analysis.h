/*
 * redflag/analysis.h - the per-message analysis every front end runs:
 * `redflag scan` (stream mode), `redflag filter` and the milter.
 *
 * rf_analysis_message finds what identifies the recipient in the links
 * and images of a parsed message and computes its fingerprint.
 * rf_analysis_campaign then looks the copy up in (or adds it to) the
 * campaign store, lines its links up with the store's sample of earlier
 * copies (a part that changes from copy to copy identifies the
 * recipient), and sums the findings up in plain words.  Batch mode in
 * `redflag scan` clusters instead (redflag/cluster.h) and calls
 * rf_tracking_campaign itself.
 */
#ifndef REDFLAG_ANALYSIS_H
#define REDFLAG_ANALYSIS_H

#include <stdint.h>

#include <redflag/classifier.h>
#include <redflag/consent.h>
#include <redflag/context.h>
#include <redflag/error.h>
#include <redflag/fingerprint.h>
#include <redflag/message.h>
#include <redflag/store.h>
#include <redflag/tracking.h>
#include <redflag/verdict.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A campaign counts as bulk evidence from this many recipients on. */
#define RF_CAMPAIGN_MIN_SIZE 2

typedef struct rf_analysis_cfg {
	const rf_rules *rules;	/* tracking rules (required) */
	rf_store *store;	/* campaign store, or NULL */
	rf_consent_db *consent;	/* consent and sender-domain complaints,
				 * or NULL (then nobody gave consent) */
	const rf_verdict_settings *verdict; /* NULL: the defaults */
	const char *authserv_id; /* the receiving MTA's authserv-id whose
				 * Authentication-Results are trusted, or
				 * NULL (docs/verdicts.md) */
	const rf_classifier *classifier; /* token classifier, or NULL: the
				 * verdict does without (docs/verdicts.md).
				 * Used by one thread at a time: the caller
				 * serialises rf_analysis_verdict */
} rf_analysis_cfg;

/* The classifier's tokens of one message for many recipients
 * (lib/analysis.c). */
struct rf_analysis_cls;

/* Tokens each way an analysis keeps from the classifier. */
#define RF_ANALYSIS_CLS_TOKENS 5

typedef struct rf_analysis {
	rf_message *m;		/* the message (not owned) */
	const char *recipient;	/* whom the analysis is for, in ASCII lower
				 * case (as given, or from the headers), or
				 * NULL */
	rf_fingerprint fp;
	int in_campaign;	/* campaign below is valid and has at least
				 * RF_CAMPAIGN_MIN_SIZE recipients */
	rf_campaign campaign;	/* the store's view, after this copy when
				 * it was added */
	size_t ntracking;	/* links that identify the recipient */
	const char **reasons;	/* findings in plain words (m's arena) */
	size_t nreasons;
	const char *const *found; /* the tracking findings alone
				 * (rf_tracking_summary) as rf_analysis_reasons
				 * last made them, for rf_analysis_verdict */
	size_t nfound;
	rf_verdict verdict;	/* after rf_analysis_verdict */
	rf_verdict_facts facts;	/* what it was decided from */
	const rf_ctx *ctx;	/* as given to rf_analysis_message */
	int classified;		/* cls below is valid */
	rf_cls_result cls;	/* with cfg->classifier, after
				 * rf_analysis_verdict */
	struct rf_analysis_cls *cls_shared; /* the shared analysis' memo of
				 * the classifier's tokens (m's arena), or
				 * NULL */
} rf_analysis;

/*
 * rf_analysis_message: fill an for message m received by recipient (NULL:
 * the message's own Delivered-To, X-Original-To or To; either way
 * an->recipient is in lower case): tracking codes, fingerprint, findings.
 * RF_OK, RF_ENOMEM.
 */
rf_status rf_analysis_message(const rf_ctx *ctx, const rf_analysis_cfg *cfg,
			      rf_message *m, const char *recipient,
			      rf_analysis *an, rf_error *err);

/*
 * One message for many recipients (the milter's and the filter's
 * envelope): what does not depend on the recipient is computed once by
 * rf_analysis_prepare (in m's arena, valid while m is), and
 * rf_analysis_recipient, given it, fills an exactly as
 * rf_analysis_message does for recipient (sh NULL: rf_analysis_message),
 * and rf_analysis_verdict then classifies it as it would a fresh message
 * (the classifier's tokens are kept for each classifier by address: one
 * closed and another opened in its place while m is analysed is not
 * supported).  RF_OK, RF_ENOMEM.  docs/design/analysis-performance.md,
 * "Many recipients".
 */
typedef struct rf_analysis_shared {
	rf_tracking_base *links;	/* rf_tracking_prepare */
	rf_fp_base *fp;			/* rf_fingerprint_prepare */
	struct rf_analysis_cls *cls;	/* the classifier's tokens, made
					 * by rf_analysis_verdict once for
					 * each value of what in them may
					 * depend on the recipient */
} rf_analysis_shared;

rf_status rf_analysis_prepare(const rf_ctx *ctx, const rf_analysis_cfg *cfg,
			      rf_message *m, rf_analysis_shared *out,
			      rf_error *err);
rf_status rf_analysis_recipient(const rf_ctx *ctx,
				const rf_analysis_cfg *cfg, rf_message *m,
				const rf_analysis_shared *sh,
				const char *recipient, rf_analysis *an,
				rf_error *err);

/*
 * rf_analysis_campaign: with cfg->store, find the campaign of an's
 * message: add the copy (add != 0, counted at time now) or only look it
 * up; then compare its links with the campaign's sampled copies and
 * refresh the findings.  No store, or a message without text: RF_OK and
 * no campaign.  RF_ESTORE when the store fails (nothing counted).
 */
rf_status rf_analysis_campaign(const rf_ctx *ctx, const rf_analysis_cfg *cfg,
			       rf_analysis *an, int add, int64_t now,
			       rf_error *err);

/*
 * rf_analysis_campaign_pending: rf_analysis_campaign looking up, with the
 * campaign found shown as it will be once this copy is added for pending
 * envelope recipients (its size grown by pending, each taken as new, as
 * the store's estimate of distinct recipients would mostly grow; its
 * copies by one): what a front end that adds a copy only once it is
 * accepted (the milter, the filter) judges by, so that its verdict is the
 * one `scan --db`, which adds first, gives the same copy.  A copy of no
 * campaign yet is judged as its first.
 */
rf_status rf_analysis_campaign_pending(const rf_ctx *ctx,
				       const rf_analysis_cfg *cfg,
				       rf_analysis *an, uint64_t pending,
				       rf_error *err);

/*
 * rf_analysis_reasons: rebuild an->reasons from the campaign size and
 * the tracking findings ("sent to 4,812 recipients", "3 links carry your
 * address, base64-encoded"; these alone in an->found).  campaign_size 0:
 * no campaign.  rf_analysis_message and rf_analysis_campaign call it; a
 * caller that changes the links of an->m otherwise (rf_tracking_campaign)
 * calls it again before rf_analysis_verdict.
 */
rf_status rf_analysis_reasons(rf_analysis *an, uint64_t campaign_size,
			      rf_error *err);

/*
 * rf_analysis_verdict: decide an's verdict (redflag/verdict.h) from the
 * campaign (size distinct recipients, copies, complaints; size 0: none,
 * the caller's view: the store's or a batch cluster's), the findings of
 * rf_analysis_message / rf_analysis_campaign (an->found, as
 * rf_analysis_reasons last made them: not summed again), the consent
 * store and the sender domain's complaints (cfg->consent), and the list
 * headers.  Sets an->verdict and an->facts, and replaces an->reasons by
 * the verdict's reasons (which include the findings).  With
 * cfg->classifier it first classifies the message (an->cls, at most
 * RF_ANALYSIS_CLS_TOKENS tokens each way; the campaign size is one of its
 * facts; an analysis of rf_analysis_recipient scores tokens made once per
 * message for each value of what in them may depend on the recipient,
 * the same tokens a fresh message gives, so the same result): unless it
 * is untrained (an->cls.untrained), the probability and the classifier's
 * reasons are facts of the verdict.  RF_OK, RF_ENOMEM, RF_ESTORE, or the
 * classifier's error.
 */
rf_status rf_analysis_verdict(const rf_analysis_cfg *cfg, rf_analysis *an,
			      uint64_t size, uint64_t copies,
			      uint64_t complaints, rf_error *err);

/* rf_format_count: n with thousands separators ("4,812") into buf. */
const char *rf_format_count(uint64_t n, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
