/*
 * redflag/verdict.h - spam, bulk, ham or unsure, and why (docs/verdicts.md).
 *
 * redflag uses the consent-based definition of spam: a message is spam
 * when it is bulk (one of many near-identical copies that would suit any
 * recipient) AND unsolicited (this recipient never asked for it).  Content
 * alone does not decide; recipients' complaints are the strongest
 * evidence.
 *
 * rf_verdict_decide is a pure function: it reads the facts gathered about
 * one message for one recipient (campaign, complaints, tracking codes,
 * consent, list headers, classifier) and the settings, and gives a
 * verdict, a score and the reasons in plain words.  It touches no store
 * and no global state; the same facts always give the same verdict.
 *
 *   spam    bulk, and the recipient gave no consent to the sender
 *   bulk    bulk, with consent (a newsletter the recipient subscribed to)
 *   ham     not bulk
 *   unsure  no evidence of bulk, and the classifier is in its unsure band
 *
 * Evidence of bulk (any one suffices): the campaign reached at least
 * bulk_size recipients; the copy carries codes that identify this
 * recipient in text that would suit any recipient (personal_text == 0);
 * the campaign has at least campaign_complaints complaints, or the sender
 * domain at least domain_complaints; list headers (List-Id,
 * List-Unsubscribe), which mark mail sent to a list.  List headers and
 * RFC 8058 one-click unsubscribe are signs of a real list, never consent;
 * one-click counts only when a trusted DKIM signature covers it
 * (rf_list_auth in verdict_facts).  Without evidence of bulk the
 * classifier, when there is one, covers the first copy of a new campaign:
 * p >= spam_cutoff is spam (bulk with consent), p <= ham_cutoff ham, and
 * between the two unsure.  With evidence of bulk the consent rule decides
 * whatever the classifier says.  Without a classifier a message with no
 * evidence of bulk is ham.
 *
 * Deception signs (a link whose text shows one site's address but leads
 * to another) are warnings carried with the verdict, in its signs: they
 * say nothing about bulk or consent, so they change neither the kind nor
 * the score.
 */
#ifndef REDFLAG_VERDICT_H
#define REDFLAG_VERDICT_H

#include <stddef.h>
#include <stdint.h>

#include <redflag/arena.h>
#include <redflag/error.h>
#include <redflag/message.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rf_verdict_kind {
	RF_VERDICT_HAM = 0,
	RF_VERDICT_BULK,
	RF_VERDICT_SPAM,
	RF_VERDICT_UNSURE
} rf_verdict_kind;

/* Why no consent record was looked up (rf_verdict_facts's
 * consent_unchecked): the reason then says so rather than "you never
 * gave consent". */
#define RF_CONSENT_CHECK_NO_STORE 1
#define RF_CONSENT_CHECK_NO_RECIPIENT 2

/* What a consent record names (docs/verdicts.md, "Consent"). */
typedef enum rf_consent_kind {
	RF_CONSENT_NONE = 0,	/* no record matched */
	RF_CONSENT_ADDRESS,	/* the From address: news@example.test */
	RF_CONSENT_DOMAIN,	/* the From domain or a parent of it */
	RF_CONSENT_LIST		/* the List-Id: <news.example.test> */
} rf_consent_kind;

/* The state of a list header as far as authentication goes. */
typedef enum rf_list_sig {
	RF_LIST_ABSENT = 0,	/* no such header */
	RF_LIST_UNVERIFIED,	/* present; no trusted DKIM pass covers it */
	RF_LIST_SIGNED		/* present, covered by the h= tag of a
				 * DKIM-Signature that the trusted receiving
				 * MTA reports as dkim=pass for the From
				 * domain */
} rf_list_sig;

/* Bytes of a host a sign shows, at most (longer ones end in "..."). */
#define RF_VERDICT_SIGN_HOST_MAX 80

/* Deceptive links a verdict names, at most (docs/verdicts.md,
 * "Deception signs"); the others are counted. */
#define RF_VERDICT_DECEPTIVE_MAX 3

/* Facts about one message for one recipient.  Zero means "none found"
 * except where noted; strings may be NULL. */
typedef struct rf_verdict_facts {
	const char *recipient;		/* addr-spec, for the reasons */
	const char *sender_domain;	/* From domain */

	/* campaign (store or batch clustering) */
	int has_campaign;		/* the message belongs to a campaign */
	uint64_t campaign_size;		/* distinct recipients */
	uint64_t campaign_copies;
	uint64_t campaign_complaints;
	uint64_t domain_complaints;	/* against sender_domain */

	/* tracking codes for this recipient (rf_tracking_message) */
	unsigned rcpt_links;		/* links carrying the address */
	unsigned code_links;		/* links with other codes that
					 * identify the recipient (opaque,
					 * varying in the campaign, through a
					 * click-tracking host) */
	unsigned web_bugs;
	const char *const *tracking;	/* rf_tracking_summary's findings in
					 * plain words (used as the reasons
					 * about tracking when given) */
	size_t ntracking;
	int personal_text;		/* 1: the text is written for this
					 * recipient; 0: it would suit any
					 * recipient (e.g. shared with other
					 * copies); -1: unknown */

	/* consent (rf_consent_check) */
	rf_consent_kind consent;
	const char *consent_sender;	/* what matched */
	const char *consent_source;	/* "import", "learned", "manual" */
	int64_t consent_since;		/* Unix time, 0 when unknown */
	int consent_unchecked;		/* no record could be looked up:
					 * RF_CONSENT_CHECK_NO_STORE (none
					 * was given) or _NO_RECIPIENT (the
					 * recipient is not known); 0: the
					 * store was asked */

	/* list headers */
	int list_id;			/* List-Id present */
	rf_list_sig list_unsubscribe;
	rf_list_sig one_click;		/* List-Unsubscribe-Post:
					 * List-Unsubscribe=One-Click */

	/* deception signs (rf_verdict_facts_message): links whose text
	 * shows a link address ("www.bank.example", "https://bank.example/")
	 * on another site than the one they lead to.  The distinct pairs,
	 * in the order found, the first RF_VERDICT_DECEPTIVE_MAX kept:
	 * shown[i] the host the text shows, leads_to[i] the link's host
	 * (lower-case A-labels, as rf_link gives them); ndeceptive counts
	 * the pairs kept and every further link that repeats none of
	 * them. */
	const char *shown[RF_VERDICT_DECEPTIVE_MAX];
	const char *leads_to[RF_VERDICT_DECEPTIVE_MAX];
	unsigned ndeceptive;

	/* classifier */
	int has_classifier;
	double classifier_p;		/* spam probability, 0..1 */
	const char *classifier_reasons;	/* rf_cls_reasons, or NULL */
} rf_verdict_facts;

/* Settings (docs/verdicts.md and redflag.conf(5) name each one). */
typedef struct rf_verdict_settings {
	uint64_t bulk_size;		/* campaign recipients that make it
					 * bulk (default 20) */
	uint64_t campaign_complaints;	/* complaints that make a campaign
					 * bulk (1) */
	uint64_t domain_complaints;	/* complaints against a sender domain
					 * that make its mail bulk (5) */
	unsigned tracking_links;	/* links identifying the recipient,
					 * with text for anyone, that make it
					 * bulk (1) */
	int list_headers_bulk;		/* List-Id / List-Unsubscribe are
					 * evidence of bulk (1) */
	double spam_cutoff;		/* classifier p at or above: spam
					 * without consent (0.9) */
	double ham_cutoff;		/* classifier p at or below: ham;
					 * between: unsure (0.45) */
} rf_verdict_settings;

typedef struct rf_verdict {
	rf_verdict_kind kind;
	double score;		/* 0..1: how spam-like; spam >= 0.5, bulk,
				 * ham < 0.5 */
	int bulk;		/* evidence of bulk was found */
	int unsolicited;	/* no consent record matched */
	const char **reasons;	/* plain words, most telling first */
	size_t nreasons;
	const char **signs;	/* warnings carried with the verdict, in
				 * plain words, printable ASCII: the
				 * deception signs; they change neither kind
				 * nor score */
	size_t nsigns;
} rf_verdict;

/* rf_verdict_settings_default: the documented defaults. */
void rf_verdict_settings_default(rf_verdict_settings *s);

/*
 * rf_verdict_settings_set: set the setting called name ("bulk_size",
 * "campaign_complaints", "domain_complaints", "tracking_links",
 * "list_headers_bulk" (yes/no), "spam_cutoff", "ham_cutoff") from value
 * (the four counts: 1 to 1000000000, by rf_parse_number without suffix).
 * RF_OK, or RF_EINVAL (unknown name, bad value, ham_cutoff above
 * spam_cutoff) with the reason in err.
 */
rf_status rf_verdict_settings_set(rf_verdict_settings *s, const char *name,
				  const char *value, rf_error *err);

/*
 * rf_verdict_decide: the verdict for facts f under settings s (NULL:
 * defaults).  The reasons and signs are allocated in arena a; a sign
 * names each kept pair of f->shown and f->leads_to ("a link's text shows
 * www.bank.example but it leads to evil.example (a deception sign)"),
 * hosts escaped (rf_escape) and cut to RF_VERDICT_SIGN_HOST_MAX bytes,
 * and one more sign counts the links beyond them ("2 more links whose
 * text shows another site than they lead to").  RF_OK, or RF_ENOMEM.
 */
rf_status rf_verdict_decide(const rf_verdict_facts *f,
			    const rf_verdict_settings *s, rf_arena *a,
			    rf_verdict *out, rf_error *err);

/* rf_verdict_name: "ham", "bulk", "spam", "unsure". */
const char *rf_verdict_name(rf_verdict_kind k);

/*
 * rf_verdict_facts_message: fill the facts that come from the message
 * itself, after rf_tracking_message: recipient (when NULL: the one
 * rf_message_recipient gives), sender_domain, rcpt_links, code_links,
 * web_bugs, tracking (rf_tracking_summary), list_id, list_unsubscribe and
 * one_click (the last two through rf_list_auth with authserv_id), and
 * the deceptive links (shown, leads_to, ndeceptive: every link of m and
 * its embedded messages with RF_LINKF_TEXT_HOST whose text is written as
 * a link address, "www." or a scheme; a bare name such as "Dilbert.com"
 * over a newsletter's click-tracking link is not counted).  Other
 * fields are left as they are.  Strings live in m's arena.  RF_OK or
 * RF_ENOMEM.
 */
rf_status rf_verdict_facts_message(const rf_message *m,
				   const char *authserv_id,
				   rf_verdict_facts *f, rf_error *err);

/*
 * rf_list_auth: whether the list headers of m are covered by a DKIM
 * signature that the receiving MTA verified.  redflag never resolves
 * anything, so it does not verify DKIM itself (that needs the signer's
 * key from DNS): it reads the Authentication-Results header(s) whose
 * authserv-id is authserv_id (the receiving MTA's; NULL or "": none is
 * trusted) for "dkim=pass" with header.d (or header.i's domain) equal to
 * the From domain or a parent of it, and the DKIM-Signature of that d=
 * whose h= tag lists the header.  *unsub and *one_click are set to
 * RF_LIST_ABSENT, RF_LIST_UNVERIFIED or RF_LIST_SIGNED (one-click needs
 * List-Unsubscribe-Post "List-Unsubscribe=One-Click" with an https URI
 * in List-Unsubscribe, and both headers in h=, as RFC 8058 says).
 */
void rf_list_auth(const rf_message *m, const char *authserv_id,
		  rf_list_sig *unsub, rf_list_sig *one_click);

#ifdef __cplusplus
}
#endif
#endif
