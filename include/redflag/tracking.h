/*
 * redflag/tracking.h - tracking codes in links and images.
 *
 * Senders give every copy of a message its own code in links and images,
 * so that a click or an image load tells them which address is live.
 * This module finds those codes without contacting anyone, says how each
 * was found, and gives every link a clean form with the codes taken out
 * (docs/tracking.md):
 *
 *  - the recipient's address anywhere in the URL: plain (either case),
 *    percent-encoded, base64 (standard or URL-safe, any alignment), hex,
 *    MD5/SHA-1/SHA-256/SHA-512 of it (hex or base64), base32 (any
 *    alignment, either case), with = for @ (VERP), the local part alone
 *    (at least RF_TRACKING_MIN_LOCAL bytes long, at word boundaries);
 *  - tracking parameters and click-tracking hosts named by the rules
 *    (data/trackers.conf);
 *  - web bugs: tiny (at most 2x2 px) or hidden images;
 *  - opaque tokens: long high-entropy ids in host labels, path segments
 *    and query values (only in bulk mail: see rf_tracking_message);
 *  - other addresses: an e-mail address in a query value that is not the
 *    recipient's known one (an alias, a list; bulk mail only, as opaque
 *    tokens);
 *  - across copies of one campaign: parts of links that change from copy
 *    to copy (rf_tracking_campaign).
 *
 * Token reasons (rf_token.reason; every string is static):
 *   recipient-plain, recipient-urlencoded, recipient-base64, recipient-hex,
 *   recipient-md5, recipient-sha1, recipient-sha256, recipient-sha512,
 *   recipient-base32, recipient-verp, recipient-local-part, known-param:NAME, known-host:PROVIDER,
 *   web-bug:1x1, web-bug:hidden, opaque-token, other-address,
 *   varies-in-campaign.
 * A link's reasons also carry "web-bug:token" for an image whose URL
 * carries an identifying token.  known-param:NAME strings live in the
 * arena of the message.
 *
 * Clean form (rf_link.clean): a query parameter carrying a token is
 * dropped; a token in the host or path is replaced by RF_TRACKING_PLACEHOLDER
 * (the link becomes inert: host kept, code gone); a tracking redirect that
 * carries its destination is replaced by that destination, cleaned the
 * same way (up to max_unwrap_depth levels); a web bug's clean form is ""
 * (nothing to load): one by its form (web-bug:1x1, web-bug:hidden), and an
 * image (or CSS url()) named by its id, whose file name in a path that
 * says it reports a reading ("/track/open/<id>.gif": docs/tracking.md,
 * "Opaque tokens", an open pixel's file name) still carries an
 * identifying token.  A link that identifies nobody keeps clean == url.
 */
#ifndef REDFLAG_TRACKING_H
#define REDFLAG_TRACKING_H

#include <stddef.h>

#include <redflag/arena.h>
#include <redflag/context.h>
#include <redflag/error.h>
#include <redflag/message.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What replaces a token that cannot be dropped (host label, path). */
#define RF_TRACKING_PLACEHOLDER "redflag-removed"
/* Shortest local part searched for on its own. */
#define RF_TRACKING_MIN_LOCAL 4
/* Shortest run taken for an opaque token. */
#define RF_TRACKING_MIN_OPAQUE 16

typedef struct rf_rules rf_rules;

/*
 * rf_rules_parse: parse len bytes of rules in the format of
 * data/trackers.conf.  The text is copied; *out is freed with
 * rf_rules_free and is read-only afterwards (many threads may share it).
 * RF_EPARSE names the first bad line; RF_ENOMEM.
 */
rf_status rf_rules_parse(const char *text, size_t len, rf_rules **out,
			 rf_error *err);

/* rf_rules_free: release r; NULL allowed. */
void rf_rules_free(rf_rules *r);

/* rf_rules_count: how many rules of each kind r holds ("param" and "tag"
 * rules together in *params), for tests and --help; any pointer may be
 * NULL. */
void rf_rules_count(const rf_rules *r, size_t *params, size_t *hosts,
		    size_t *unwraps, size_t *statics);

/*
 * The recipient's address in every form searched for, computed once per
 * message: rf_recipient_new lower-cases and trims addr ("Name <a@b>" is
 * not accepted: pass the addr-spec).  Everything lives in arena a.
 * RF_EINVAL when addr has no '@' or is longer than 320 bytes.
 */
typedef struct rf_recipient rf_recipient;
rf_status rf_recipient_new(rf_arena *a, const char *addr,
			   rf_recipient **out, rf_error *err);

/* Options of rf_tracking_link. */
enum {
	RF_TRK_OPAQUE = 1u << 0,	/* look for opaque tokens and other
					 * addresses too */
	RF_TRK_TAGS = 1u << 1		/* campaign tags ("tag" rules, which
					 * identify nobody) become tokens too,
					 * reason "campaign-tag:NAME": for a
					 * canonical form that de-duplicates
					 * (hotline), not for mail */
};

/*
 * rf_tracking_link: analyse one link: fill tokens, reasons, tracking and
 * clean (all in arena a).  rcpt may be NULL (no address search).
 * Limits hit (RF_LIMIT_URL_SIZE, RF_LIMIT_UNWRAP_DEPTH,
 * RF_LIMIT_URL_TOKENS) are or-ed into *limits_hit when not NULL.
 * A link analysed before is analysed afresh.  RF_OK or RF_ENOMEM.
 */
rf_status rf_tracking_link(const rf_ctx *ctx, const rf_rules *rules,
			   rf_arena *a, const rf_recipient *rcpt,
			   rf_link *link, unsigned opts, unsigned *limits_hit,
			   rf_error *err);

/*
 * rf_tracking_message: analyse every link of m and of its embedded
 * messages for recipient (an addr-spec; NULL: rf_message_recipient(m);
 * no address search when there is none).  Opaque tokens and other
 * addresses count only when the message is bulk mail: it has
 * List-Unsubscribe, List-Id or
 * "Precedence: bulk/list", or one of its links is already tracking by the
 * other tests.  Limits hit are or-ed into m->limits_hit.
 */
rf_status rf_tracking_message(const rf_ctx *ctx, const rf_rules *rules,
			      rf_message *m, const char *recipient,
			      rf_error *err);

/*
 * One message for many recipients (a mail server's envelope): the
 * analysis of m's links that does not depend on the recipient, made once
 * by rf_tracking_prepare (in m's arena, valid while m's links are not
 * replaced; never freed on its own).  rf_tracking_message_base then
 * gives exactly what rf_tracking_message gives for recipient, analysing
 * again only the links in which the recipient's address search finds
 * something.  RF_OK or RF_ENOMEM.  docs/design/analysis-performance.md,
 * "Many recipients".
 */
typedef struct rf_tracking_base rf_tracking_base;

rf_status rf_tracking_prepare(const rf_ctx *ctx, const rf_rules *rules,
			      rf_message *m, rf_tracking_base **out,
			      rf_error *err);
rf_status rf_tracking_message_base(const rf_ctx *ctx, const rf_rules *rules,
				   rf_message *m, const rf_tracking_base *base,
				   const char *recipient, rf_error *err);

/*
 * rf_tracking_summary: what the analysis found in m (and embedded
 * messages), in plain words, one finding a string ("3 links carry your
 * address, base64-encoded", "2 web bugs"), in m's arena.  *out is NULL
 * and *n 0 when nothing tracks.  RF_OK or RF_ENOMEM.
 */
rf_status rf_tracking_summary(const rf_message *m, const char ***out,
			      size_t *n, rf_error *err);

/*
 * rf_tracking_clean_known: the clean form of an analysed link under the
 * clean policy known (redflag.conf(5); docs/tracking.md, "The policy
 * known"): only its known tracking parameters (known-param:* tokens)
 * dropped, every other token kept, so that the link keeps working (a
 * password-reset link) yet reports less.  A web bug by its form (1x1,
 * hidden) gives "", and so does an image flagged web-bug:token whose URL
 * is on a provider's tracking host or path (known-host:*) or carries an
 * address (recipient-*, other-address), or declares no real size (no
 * width or height over 2 px); an image of declared real size whose only
 * sign is an opaque or varying id keeps its URL (less its known
 * parameters).  A
 * link on a click-tracking host (known-host:*) whose query would keep
 * nothing but campaign tags without its known parameters (SendGrid's
 * /ls/click?upn=, Salesforce Marketing Cloud's ?qs=: the wrapper's whole
 * payload) is kept as it is, since it would lead nowhere, and *wrapper
 * (NULL allowed) is set to 1 (else 0).  *out is in arena a (or the
 * link's own url when nothing changes).  RF_OK or RF_ENOMEM.
 */
rf_status rf_tracking_clean_known(const rf_rules *rules, rf_arena *a,
				  const rf_link *link, const char **out,
				  int *wrapper, rf_error *err);

/* rf_tracking_walk: call fn for every link of m and its embedded
 * messages in a fixed order (m's links, then each embedded message's,
 * depth first): the order of rf_tracking_skeleton and
 * rf_tracking_campaign.  Stops and returns fn's first non-zero value. */
int rf_tracking_walk(rf_message *m, int (*fn)(rf_link *, void *),
		     void *arg);

/*
 * Across copies of one campaign (docs/tracking.md, "Campaigns").
 *
 * The links of one copy, as URL strings in rf_tracking_walk order: the
 * "link skeleton" a store keeps for a bounded sample of copies.
 */
typedef struct rf_copy_links {
	const char *const *urls;
	size_t n;
} rf_copy_links;

/* rf_tracking_skeleton: the skeleton of m (URLs in walk order, at most
 * max_links of them), in m's arena.  RF_OK or RF_ENOMEM. */
rf_status rf_tracking_skeleton(rf_message *m, rf_copy_links *out,
			       rf_error *err);

/*
 * rf_tracking_campaign: compare the links of one analysed copy m with
 * other copies of the same campaign (their skeletons; m's own may be
 * among them and is skipped when identical).  Links are lined up by
 * position, host and path shape; a host label, path segment, query value
 * or fragment whose value in m differs from its value in every other
 * lined-up copy gets a "varies-in-campaign" token (even a short serial
 * number); an "opaque-token" on a part that is the same in every
 * lined-up copy is withdrawn (a shared document id is not a tracking
 * code).  A link that had no token left and is tracking now gets its
 * "other-address" tokens back (mail that is not bulk dropped them), as
 * bulk mail has them, so that its clean form keeps no address; links it
 * leaves untracked stay as they were.
 * Needs at least one other copy; links that line up with none are left
 * as they are.  Reasons, tracking and clean are brought up to date.
 * Batch mode: call it for each copy with (a sample of) the others'
 * skeletons; stream mode: with the store's sample.  RF_OK or RF_ENOMEM.
 */
rf_status rf_tracking_campaign(const rf_ctx *ctx, const rf_rules *rules,
			       rf_message *m, const rf_copy_links *others,
			       size_t nothers, rf_error *err);

/*
 * rf_tracking_campaign_for: rf_tracking_campaign for a copy m analysed
 * for recipient (NULL: unknown), others[c] analysed for orcpts[c]
 * (orcpts NULL, or orcpts[c] NULL: unknown; a store's sample gives
 * the ids of rf_store_rcpt_id, not addresses: pass m's recipient as
 * its id too, docs/store.md, "Link samples") (docs/tracking.md, "The
 * copies' recipients").  A code
 * names the recipient to the sender, whether it is one per recipient or
 * one per sending: it is never repeated across recipients.  So, where
 * m's recipient and a copy's are both known, a part m's value of which
 * differs from every lined-up copy's does not get "varies-in-campaign"
 * when one value of it is held by lined-up copies to
 * RF_CAMPAIGN_POOL_RCPTS or more different recipients other than m's
 * (drawn from a pool: rotating images, reply addresses, affiliate ids);
 * a value that differs between copies to m's own recipient is still a
 * code (a key per sending).  And a copy to another known recipient
 * whose skeleton is identical to m's is compared (every value shared)
 * instead of skipped as m itself.
 * A part that holds an "other-address" token (kept, or dropped in mail
 * that is not bulk) is compared as by rf_tracking_campaign: it follows
 * the address mailed, which the one recipient known of a copy (its
 * mailbox) does not tell apart.  Nothing else changes: copies to m's own
 * recipient count as before, opaque ids are withdrawn as before.  With
 * recipient NULL, or every other's unknown, it gives exactly what
 * rf_tracking_campaign gives.  RF_OK or RF_ENOMEM.
 */
#define RF_CAMPAIGN_POOL_RCPTS 2	/* different recipients holding one
					 * value that make a part a pool's */
rf_status rf_tracking_campaign_for(const rf_ctx *ctx, const rf_rules *rules,
				   rf_message *m, const char *recipient,
				   const rf_copy_links *others,
				   const char *const *orcpts, size_t nothers,
				   rf_error *err);

#ifdef __cplusplus
}
#endif
#endif
