/*
 * redflag/hotline.h - a hotline for reported website addresses.
 *
 * The public reports suspect URLs (typed in, or found in a forwarded spam
 * mail).  Each URL is scrubbed of the reporter's own tracking codes before
 * anything is stored, reduced to a canonical form, and joins the case of
 * that canonical URL: ten reports of one site through ten differently
 * tracked links make one case with ten reports.  Analysts review cases;
 * confirmed ones ("red flag") are exported (X-ARF v4 JSON, CSV, defanged
 * URLs) to law enforcement; monthly figures are counted.
 *
 * Storage is one SQLite file (WAL, prepared statements only).  Every change
 * is written to an append-only, SHA-256 hash-chained audit log.
 *
 * Only metadata is handled: nothing here fetches, resolves or renders a
 * URL, and from a mail only its URLs and a few header facts are kept.
 * An rf_hotline handle is used by one thread at a time.
 */
#ifndef REDFLAG_HOTLINE_H
#define REDFLAG_HOTLINE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <redflag/arena.h>
#include <redflag/buf.h>
#include <redflag/context.h>
#include <redflag/error.h>
#include <redflag/fingerprint.h>
#include <redflag/message.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rf_hotline rf_hotline;
typedef struct rf_rules rf_rules;	/* redflag/tracking.h */

/* Roles of hotline staff.  RF_ROLE_NONE is the public (report intake
 * through the API or the mailbox pipe) and the command line's system user
 * when no role applies. */
typedef enum rf_hotline_role {
	RF_ROLE_NONE = 0,
	RF_ROLE_INTAKE,		/* takes reports, sees the queue */
	RF_ROLE_ANALYST,	/* reviews and assesses cases */
	RF_ROLE_SUPERVISOR,	/* analyst + referral, appeals, raw form */
	RF_ROLE_ADMIN,		/* user accounts */
	RF_ROLE_AUDITOR,	/* reads everything, changes nothing */
	RF_ROLE_SYSTEM		/* the command line run by the operator */
} rf_hotline_role;

/* Permissions; rf_hotline_may tells which role has which. */
typedef enum rf_hotline_perm {
	RF_PERM_SUBMIT = 1u << 0,	/* file a report */
	RF_PERM_VIEW = 1u << 1,		/* see queue and cases */
	RF_PERM_REVIEW = 1u << 2,	/* take, assess, categorise cases */
	RF_PERM_REFER = 1u << 3,	/* export and refer red-flag cases */
	RF_PERM_APPEAL = 1u << 4,	/* reopen an assessment on appeal */
	RF_PERM_RAW = 1u << 5,		/* read a report's raw (unscrubbed) form */
	RF_PERM_USERS = 1u << 6,	/* add users */
	RF_PERM_AUDIT = 1u << 7,	/* read and verify the audit log */
	RF_PERM_STATS = 1u << 8,	/* monthly statistics */
	RF_PERM_CONTACT = 1u << 9	/* read reporters' contact details */
} rf_hotline_perm;

/* Case states (docs/hotline.md has the diagram). */
typedef enum rf_case_state {
	RF_CASE_NEW = 0,
	RF_CASE_IN_REVIEW,
	RF_CASE_RED_FLAG,
	RF_CASE_NOT_ILLEGAL,
	RF_CASE_OUT_OF_REMIT,
	RF_CASE_ACCESS_FAILED,
	RF_CASE_REFERRED,
	RF_CASE_MONITORING,
	RF_CASE_CLOSED,
	RF_CASE__COUNT
} rf_case_state;

typedef enum rf_case_category {
	RF_CAT_OTHER = 0,
	RF_CAT_CSAM,		/* suspected child sexual abuse material */
	RF_CAT_PHISHING,
	RF_CAT_MALWARE,
	RF_CAT_FRAUD,
	RF_CAT__COUNT
} rf_case_category;

/* Who acts: every change is audited under this name and role. */
typedef struct rf_hotline_actor {
	const char *name;	/* user name, "public", "mailbox", "cli" */
	rf_hotline_role role;
} rf_hotline_actor;

/* The default of max_report_urls (rf_hotline_open, rf_hotline_from_message
 * and the front ends' messages use this one number). */
#define RF_HOTLINE_MAX_REPORT_URLS 50

/* Limits on untrusted input (docs/hotline.md); 0 in a field means the
 * default given in brackets. */
typedef struct rf_hotline_limits {
	size_t max_url_len;		/* bytes of one reported URL [4096] */
	unsigned max_report_urls;	/* URLs taken from one report [50:
					 * RF_HOTLINE_MAX_REPORT_URLS] */
	size_t max_field_len;		/* bytes of a comment, name... [2000] */
	unsigned max_reports_per_case;	/* listed on a case page [500] */
	unsigned max_export_cases;	/* cases in one export [100000] */
	unsigned queue_page_size;	/* rows in one page of a long list:
					 * the queue, the audit log,
					 * referrals [500:
					 * RF_HOTLINE_QUEUE_PAGE_SIZE, at
					 * most 10000] */
} rf_hotline_limits;

/* The default of queue_page_size. */
#define RF_HOTLINE_QUEUE_PAGE_SIZE 500

typedef struct rf_hotline_opts {
	rf_hotline_limits limits;
	/* Key for the raw (unscrubbed) form, crypto_secretbox; NULL: the
	 * raw form is not kept at all. */
	const unsigned char *raw_key;	/* 32 bytes */
	/* Tracking rules (data/trackers.conf) for scrubbing; must outlive
	 * the handle.  NULL: codes are found by the reporter's address and
	 * by their shape (opaque ids) only, no parameter rules. */
	const rf_rules *rules;
} rf_hotline_opts;

/* Length of a raw-form key (crypto_secretbox_KEYBYTES). */
#define RF_HOTLINE_KEYBYTES 32

/*
 * rf_hotline_open: open (creating if needed) the hotline database at path
 * with opts (NULL: defaults, no raw form).  ctx must outlive the handle.
 * RF_ESTORE when the file cannot be opened or its schema made.
 */
rf_status rf_hotline_open(const rf_ctx *ctx, const char *path,
			  const rf_hotline_opts *opts, rf_hotline **out,
			  rf_error *err);

/* rf_hotline_close: release h; NULL allowed.  A file that moved
 * (rf_hotline_moved) gets its write-ahead log copied in first, as
 * rf_store_close does. */
void rf_hotline_close(rf_hotline *h);

/*
 * rf_hotline_moved: 1 when the file h has open is no longer the file at
 * the path it was opened from (deleted, renamed, or a backup moved in its
 * place), else 0.  Such a handle still works, on a file that nobody
 * opening the path sees again.  A process that keeps h open for long
 * (redflag serve) asks before each request, and when 1 closes h and opens
 * the path again.  One stat(2) of the path, as rf_store_moved.
 */
int rf_hotline_moved(const rf_hotline *h);

/* rf_hotline_limits_set: set one limit by name ("max_url_len") from a
 * decimal string with optional k/M suffix (1 to 16M; queue_page_size 1
 * to 10000); RF_ENOTFOUND when name is no hotline limit (whatever the
 * value), RF_EINVAL when the value is bad; *l unchanged on an error. */
rf_status rf_hotline_limits_set(rf_hotline_limits *l, const char *name,
				const char *value, rf_error *err);

/* rf_hotline_limits_get: the limits h works with, defaults filled in, in
 * *out: what a front end names when it says a list was cut short. */
void rf_hotline_limits_get(const rf_hotline *h, rf_hotline_limits *out);

/* ---- names ---- */

const char *rf_hotline_role_name(rf_hotline_role r);	/* "analyst" */
/* rf_hotline_role_parse: the role called s, or RF_ROLE_NONE. */
rf_hotline_role rf_hotline_role_parse(const char *s);
/* rf_hotline_may: role r has every permission in perms. */
int rf_hotline_may(rf_hotline_role r, unsigned perms);
const char *rf_case_state_name(rf_case_state s);	/* "in_review" */
const char *rf_case_state_label(rf_case_state s);	/* "In review" */
/* rf_case_state_parse: 0 and *out set, or -1 when unknown. */
int rf_case_state_parse(const char *s, rf_case_state *out);
const char *rf_case_category_name(rf_case_category c);	/* "csam" */
const char *rf_case_category_label(rf_case_category c);
int rf_case_category_parse(const char *s, rf_case_category *out);

/* ---- canonical URLs ---- */

typedef struct rf_hotline_url {
	const char *clean;	/* the URL with the reporter's codes removed */
	const char *canonical;	/* the de-duplication key */
	const char *host;	/* lower-case A-label host, or NULL */
	const char *domain;	/* registrable domain, or NULL */
	unsigned scrubbed;	/* identifying tokens removed */
} rf_hotline_url;

/*
 * rf_hotline_canonical: scrub url of the tracking codes that identify
 * reporter (an e-mail address, also as "Name <addr>" or "mailto:addr";
 * may be NULL) with the tracking engine
 * (rf_tracking_link: the address in any encoding, rules' parameters and
 * hosts, opaque ids, any other e-mail address in a query value, which may
 * be the reporter's under a name redflag was not told (the raw form keeps
 * the URL as reported, when a raw key is set), a known redirector (rule
 * unwrap) replaced by its destination; a URL with the code that a page
 * merely carries in a parameter is cleaned on its own and put back, or
 * dropped with that parameter when it cannot be; the page stays; rules
 * may be NULL) and make its canonical form:
 * scheme and host lower-cased (A-label), default port and fragment
 * dropped, dot segments resolved, percent-encoding normalised, empty path
 * made "/".  Strings live in a.  RF_EPARSE when url is not an absolute
 * http, https or ftp URL with a host; RF_ELIMIT when longer than
 * max_url_len.  Nothing is fetched or resolved.
 */
rf_status rf_hotline_canonical(const rf_ctx *ctx, const rf_rules *rules,
			       rf_arena *a,
			       const rf_hotline_limits *limits,
			       const char *url, const char *reporter,
			       rf_hotline_url *out, rf_error *err);

/* rf_hotline_defang: url made unclickable for export and display, in the
 * common CSIRT form: the scheme "http", "https", "ftp" (any case) ->
 * "hxxp", "hxxps", "fxp", every "." of the host -> "[.]"; the same for
 * every URL carried inside it (a parameter's value, plain or
 * percent-encoded "https%3A%2F%2F..."); blanks before it left out.  A
 * host alone gets its dots bracketed.  In a. */
const char *rf_hotline_defang(rf_arena *a, const char *url);

/* ---- intake ---- */

/* What is kept of a reported mail: header metadata only. */
typedef struct rf_hotline_mailmeta {
	const char *message_id;
	const char *date;
	const char *sender_domain;	/* domain of From: */
	int has_list_id;
	int has_list_unsubscribe;
	const char *campaign;		/* a campaign id from elsewhere, or NULL */
	/* The suspect mail's text fingerprint, or NULL: reports whose
	 * fingerprints match (rf_fp_match) link their cases as one spam
	 * campaign.  Only the min-hashes are stored, never the text. */
	const rf_fingerprint *fp;
	/* Other addresses the mail's codes may identify, scrubbed like the
	 * reporter's and never stored: the forwarder's From: (all that
	 * names the reporter in an inline forward, or when the attached
	 * spam's To: is someone else), the recipients of further attached
	 * mails.  nalso entries; also may be NULL when nalso is 0. */
	const char *const *also;
	size_t nalso;
	/* Links of the mail left out past max_report_urls (the first link
	 * to each registrable domain, then to each host, are kept first,
	 * so that padding cannot push a distinct site out); 0 when all
	 * were kept.  Noted in the audit record of the reports. */
	size_t urls_left_out;
} rf_hotline_mailmeta;

/* Optional reporter contact details, stored apart from cases. */
typedef struct rf_hotline_contact {
	const char *name;
	const char *email;
	const char *phone;
} rf_hotline_contact;

typedef struct rf_hotline_report {
	const char *source;		/* "web", "api", "cli", "mail" */
	const char **urls;
	size_t nurls;
	const char *reporter;		/* address the codes may identify */
	const char *category;		/* reporter's suggestion, or NULL */
	const char *comment;		/* or NULL */
	const rf_hotline_mailmeta *mail;	/* or NULL */
	const rf_hotline_contact *contact;	/* or NULL */
	time_t when;			/* 0: now */
} rf_hotline_report;

/* One URL's outcome. */
typedef struct rf_hotline_filed {
	int64_t report_id;		/* 0 when rejected */
	int64_t case_id;
	int new_case;			/* the report opened the case */
	const char *error;		/* why rejected, or NULL (static) */
	/* The same canonical URL as an earlier URL of this report: not
	 * filed again; report_id and case_id are that URL's. */
	int repeated;
} rf_hotline_filed;

/*
 * rf_hotline_submit: file one report per URL of r (up to max_report_urls;
 * more give RF_ELIMIT before anything is stored).  Each URL is scrubbed
 * with r->reporter as recipient and joins the case of its canonical form;
 * URLs of r with the same canonical form (differently tracked links to one
 * page) are one report, the later ones marked repeated in out and their
 * number noted in the audit record.  out (r->nurls entries) tells each
 * outcome; a URL that cannot be parsed is rejected there, the others
 * still filed.  One transaction.
 */
rf_status rf_hotline_submit(rf_hotline *h, const rf_hotline_actor *who,
			    const rf_hotline_report *r, rf_hotline_filed *out,
			    rf_error *err);

/*
 * rf_hotline_from_message: the URLs and header metadata of a reported
 * mail.  A mail carrying message/rfc822 parts is a forward of those: the
 * attached messages are read (their links; the first one's headers);
 * otherwise the mail itself is the suspect mail.  Header links (List-
 * Unsubscribe), images, CSS and pings are left out (not a page shown in
 * a frame or gone to by a meta refresh, RF_LINKF_PAGE, unless a web bug),
 * duplicates removed, at most
 * max_report_urls kept: first a link to each registrable domain, then
 * to each host, then the rest (meta->urls_left_out: how many were left
 * out).  *reporter: the suspect mail's recipient
 * (Delivered-To, X-Original-To, To), else the forwarder's From:;
 * meta->also: the other addresses to scrub (the forwarder's From: when
 * the mail is a forward, attached or inline (a "Fwd:" Subject, or quoted
 * From: and Subject: lines), a redirect's Resent-From:, the other
 * attached mails' recipients; never the From: of the spam itself).
 * An inline forward (no attached mail, but a forward's Subject or quoted
 * From: and Subject: lines): message_id, date and sender_domain are
 * those of the header block quoted in its text ("---------- Forwarded
 * message ---------", "-----Original Message-----", "Begin forwarded
 * message:"...), each NULL when not found, never the forward's own; the
 * block's To: goes to meta->also.
 * meta->message_id: NULL when it carries one of those addresses.
 * meta->fp: the suspect mail's fingerprint (its own address and codes
 * left out), NULL when it has no text.  Bodies and attachments are never
 * kept.  Strings in a.
 */
rf_status rf_hotline_from_message(const rf_ctx *ctx, rf_arena *a,
				  const rf_message *m,
				  const rf_hotline_limits *limits,
				  const char ***urls, size_t *nurls,
				  rf_hotline_mailmeta *meta,
				  const char **reporter, rf_error *err);

/* ---- cases ---- */

typedef struct rf_hotline_case {
	int64_t id;
	const char *canonical;
	const char *host;
	const char *domain;
	rf_case_state state;
	rf_case_category category;
	int priority;		/* see docs/hotline.md, The queue */
	int nreports;
	int appeal;		/* reopened on appeal, awaiting reassessment */
	const char *assignee;	/* or NULL */
	const char *assessed_by;	/* or NULL */
	const char *campaign;	/* or NULL */
	time_t created, updated, last_report;
	/* An analyst set the category (rf_hotline_categorise); else it is
	 * the first reporter's suggestion (or other), shown as such, and
	 * does not raise the priority. */
	int category_set;
} rf_hotline_case;

typedef int (*rf_hotline_case_cb)(void *arg, const rf_hotline_case *c);

typedef struct rf_hotline_filter {
	int open_only;		/* new, in review, red flag, monitoring */
	int state;		/* -1 any, else one rf_case_state */
	const char *domain;	/* or NULL */
	unsigned limit;		/* 0: queue_page_size */
	unsigned offset;	/* cases passed over first (the next page) */
} rf_hotline_filter;

/*
 * rf_hotline_queue: cases matching f (NULL: all) by priority (highest
 * first), then age (oldest first), the first f->offset passed over, at
 * most f->limit; cb for each, stopping early when cb returns non-zero.
 * Strings valid during the call only.  A front end showing one page
 * says how many more there are (rf_hotline_queue_count).
 */
rf_status rf_hotline_queue(rf_hotline *h, const rf_hotline_filter *f,
			   rf_hotline_case_cb cb, void *arg, rf_error *err);

/* rf_hotline_queue_count: the number of cases matching f (NULL: all;
 * its limit and offset do not count) in *n. */
rf_status rf_hotline_queue_count(rf_hotline *h, const rf_hotline_filter *f,
				 int64_t *n, rf_error *err);

/* rf_hotline_case_get: case id in *out, strings in a; RF_ENOTFOUND. */
rf_status rf_hotline_case_get(rf_hotline *h, int64_t id, rf_arena *a,
			      rf_hotline_case *out, rf_error *err);

/*
 * rf_hotline_related: cases sharing case id's registrable domain (why =
 * "domain") or a spam campaign (why = "campaign": a report of each
 * carries the same campaign id, or their mails' fingerprints match),
 * excluding id; each case once, at most queue_page_size of them.  *more
 * (when more is not NULL) says what was left out, for a front end to
 * say: RF_RELATED_ALL none, RF_RELATED_MORE more related cases than
 * queue_page_size, RF_RELATED_MAYBE the fingerprint search stopped at
 * RF_HOTLINE_FP_CANDIDATES candidates (more may match).
 */
typedef int (*rf_hotline_related_cb)(void *arg, const rf_hotline_case *c,
				     const char *why);
enum { RF_RELATED_ALL, RF_RELATED_MORE, RF_RELATED_MAYBE };
/* The fingerprint candidates (pairs of reports sharing a band) one call
 * of rf_hotline_related examines: a bound of its work. */
#define RF_HOTLINE_FP_CANDIDATES 2000
rf_status rf_hotline_related(rf_hotline *h, int64_t id,
			     rf_hotline_related_cb cb, void *arg, int *more,
			     rf_error *err);

typedef struct rf_hotline_report_row {
	int64_t id, case_id;
	time_t received;
	const char *source;
	const char *url_clean;
	unsigned scrubbed;
	const char *category;	/* suggested, or NULL */
	const char *comment;
	const char *message_id, *msg_date, *sender_domain;
	int has_list_id, has_list_unsubscribe;
	const char *campaign;
	int has_raw;		/* an encrypted raw form is stored */
	int has_contact;	/* contact details are stored (apart) */
} rf_hotline_report_row;

typedef int (*rf_hotline_report_cb)(void *arg,
				    const rf_hotline_report_row *r);

/* rf_hotline_reports: the reports of case id, oldest first, at most
 * max_reports_per_case (a front end compares the number it was given
 * with the case's nreports and says when some were left out). */
rf_status rf_hotline_reports(rf_hotline *h, int64_t id,
			     rf_hotline_report_cb cb, void *arg,
			     rf_error *err);

/*
 * Case actions.  Each checks who's permission and the state machine
 * (docs/hotline.md), writes the change and its audit record (with why)
 * in one transaction.  RF_EINVAL with a plain reason when not allowed.
 *
 * review: new -> in_review, assigned to who.
 * assess: in_review -> red_flag | not_illegal | out_of_remit |
 *   access_failed; on appeal the assessor must differ from the previous.
 *   A red flag needs a category an analyst set (categorise, or
 *   assess_category): RF_EINVAL "set the case's category before
 *   confirming it as a red flag" while it is none or only a reporter's
 *   suggestion, so that the export names the analyst's finding.
 * assess_category: categorise then assess, in one transaction (both or
 *   neither; two audit records, case.category then case.assess, with
 *   why): the analyst's one step of confirming a red flag.
 * set_state: red_flag|referred -> monitoring; red_flag|referred|
 *   monitoring|not_illegal|out_of_remit|access_failed -> closed.
 * appeal: an assessed case back to in_review for another analyst.
 * categorise: set the category (review permission).
 */
rf_status rf_hotline_review(rf_hotline *h, const rf_hotline_actor *who,
			    int64_t id, const char *why, rf_error *err);
rf_status rf_hotline_assess(rf_hotline *h, const rf_hotline_actor *who,
			    int64_t id, rf_case_state outcome,
			    const char *why, rf_error *err);
rf_status rf_hotline_assess_category(rf_hotline *h,
				     const rf_hotline_actor *who, int64_t id,
				     rf_case_state outcome,
				     rf_case_category cat, const char *why,
				     rf_error *err);
rf_status rf_hotline_set_state(rf_hotline *h, const rf_hotline_actor *who,
			       int64_t id, rf_case_state to, const char *why,
			       rf_error *err);
rf_status rf_hotline_appeal(rf_hotline *h, const rf_hotline_actor *who,
			    int64_t id, const char *why, rf_error *err);
rf_status rf_hotline_categorise(rf_hotline *h, const rf_hotline_actor *who,
				int64_t id, rf_case_category cat,
				const char *why, rf_error *err);

/*
 * rf_hotline_raw_read: the raw (unscrubbed) URL of report id, decrypted
 * into a, for a supervisor only; the read is audited with why.
 * RF_ENOTFOUND when none is stored, RF_EINVAL when not allowed or the key
 * is missing, RF_EPARSE when it does not decrypt.
 */
rf_status rf_hotline_raw_read(rf_hotline *h, const rf_hotline_actor *who,
			      int64_t report_id, const char *why,
			      rf_arena *a, const char **raw, rf_error *err);

/* rf_hotline_contact_read: contact details of report id (supervisor),
 * audited; RF_ENOTFOUND when none. */
rf_status rf_hotline_contact_read(rf_hotline *h, const rf_hotline_actor *who,
				  int64_t report_id, const char *why,
				  rf_arena *a, rf_hotline_contact *out,
				  rf_error *err);

/* ---- export and statistics ---- */

typedef enum rf_export_format {
	RF_EXPORT_XARF = 0,	/* X-ARF v4 JSON, one report per case */
	RF_EXPORT_CSV
} rf_export_format;

typedef struct rf_hotline_org {
	const char *org;	/* "Example Hotline" */
	const char *contact;	/* reports@hotline.example */
	const char *domain;	/* hotline.example */
} rf_hotline_org;

/*
 * rf_hotline_deliver_cb: hand the export built by rf_hotline_export (len
 * bytes at data) to its recipient: write it out, flushed, and say whether
 * that worked.  Called once, with no transaction of the store open (no
 * lock held: it may wait on a slow reader without holding up anyone's
 * writes), after the export was made and before the referrals are
 * recorded.  RF_OK when delivered; any other status, with err filled
 * (rf_error_set), means the recipient may not have the export.
 */
typedef rf_status (*rf_hotline_deliver_cb)(void *arg, const char *data,
					   size_t len, rf_error *err);

/*
 * rf_hotline_export: write the red-flag cases in ids (or, when nids is 0,
 * every case in state red_flag) to out in format fmt, URLs defanged, and
 * record one referral per case (target, time, reference) moving it to
 * referred; all audited.  Needs the refer permission.  A case named more
 * than once is exported (and referred) once, where it is first named;
 * *nexported counts the cases written.  A case not in red_flag or
 * referred gives RF_EINVAL and nothing is written.  More cases (named,
 * each once, or in red_flag when none are named) than the limit
 * max_export_cases give RF_ELIMIT, and nothing is written or referred.
 * reference NULL: "REF-<time>".  org NULL, or a NULL part of it:
 * "redflag hotline", "hotline@localhost", "localhost".  X-ARF strings
 * are UTF-8 (invalid bytes as U+FFFD); the reference is in each
 * description as given.
 *
 * Three steps: the export is made in a read transaction (one snapshot,
 * no write lock); deliver (NULL: none) is called with the whole export
 * (out's new bytes) with no transaction open; then the referrals are
 * recorded in one write transaction.  When deliver fails, its status and
 * err are returned, nothing is recorded (no case referred, no referral
 * or audit record made) and out is left as it was: a referral is
 * recorded only for an export its recipient got.  Recording first checks
 * that each case is still red_flag or referred with the category it was
 * exported with; when one changed meanwhile (an appeal, a new category,
 * moved to monitoring) RF_EINVAL names it and no case of the export is
 * referred, though deliver had sent it.  Without deliver the referrals
 * are recorded as soon as out holds the export: the caller must not lose
 * it (a page shown to the analyst).  Any failure after deliver succeeded
 * (a changed case, the store) returns its status with out left as it
 * was: the export went out unrecorded (the caller says so; exporting
 * again records it).
 */
rf_status rf_hotline_export(rf_hotline *h, const rf_hotline_actor *who,
			    const int64_t *ids, size_t nids,
			    rf_export_format fmt, const rf_hotline_org *org,
			    const char *target, const char *reference,
			    rf_hotline_deliver_cb deliver, void *arg,
			    rf_buf *out, size_t *nexported, rf_error *err);

typedef struct rf_hotline_referral {
	int64_t id, case_id;
	const char *target, *reference, *format, *actor;
	time_t when;
} rf_hotline_referral;

typedef int (*rf_hotline_referral_cb)(void *arg,
				      const rf_hotline_referral *r);

/* rf_hotline_referrals: referrals of case id (0: all), newest first,
 * the first offset passed over, at most limit (0: queue_page_size, the
 * page of every long list).  A front end showing one page says how many
 * more there are (rf_hotline_referral_count). */
rf_status rf_hotline_referrals(rf_hotline *h, int64_t id, unsigned limit,
			       unsigned offset, rf_hotline_referral_cb cb,
			       void *arg, rf_error *err);

/* rf_hotline_referral_count: the number of referrals of case id (0:
 * all) in *n. */
rf_status rf_hotline_referral_count(rf_hotline *h, int64_t id, int64_t *n,
				    rf_error *err);

typedef struct rf_hotline_stats {
	int year, month;	/* 1..12 */
	unsigned reports;	/* raw reports received in the month */
	unsigned cases;		/* distinct cases those reports belong to */
	unsigned new_cases;	/* cases opened in the month */
	unsigned duplicates;	/* reports merged into an existing case */
	unsigned red_flags;	/* cases assessed red flag in the month */
	unsigned referrals;	/* referral records made in the month */
} rf_hotline_stats;

/* rf_hotline_stats_month: the figures of one calendar month (UTC). */
rf_status rf_hotline_stats_month(rf_hotline *h, int year, int month,
				 rf_hotline_stats *out, rf_error *err);

/* rf_hotline_parse_month: "YYYY-MM" into year and month; 0 or -1. */
int rf_hotline_parse_month(const char *s, int *year, int *month);

/* ---- audit log ---- */

typedef struct rf_hotline_audit_row {
	int64_t seq;
	time_t when;
	const char *actor, *role, *action, *object, *detail, *reason;
	const char *prev, *hash;	/* hex SHA-256 */
} rf_hotline_audit_row;

typedef int (*rf_hotline_audit_cb)(void *arg,
				   const rf_hotline_audit_row *r);

/* rf_hotline_audit: append one record (used by front ends for events of
 * their own, e.g. a failed login).  object like "case:12", may be "". */
rf_status rf_hotline_audit(rf_hotline *h, const rf_hotline_actor *who,
			   const char *action, const char *object,
			   const char *detail, const char *why,
			   rf_error *err);

/* rf_hotline_audit_list: records about object (NULL: all), newest first,
 * the first offset passed over, at most limit (0: queue_page_size, the
 * page of every long list).  A front end showing one page says how many
 * more there are (rf_hotline_audit_count). */
rf_status rf_hotline_audit_list(rf_hotline *h, const char *object,
				unsigned limit, unsigned offset,
				rf_hotline_audit_cb cb, void *arg,
				rf_error *err);

/* rf_hotline_audit_count: the number of records about object (NULL: all)
 * in *n. */
rf_status rf_hotline_audit_count(rf_hotline *h, const char *object,
				 int64_t *n, rf_error *err);

/*
 * rf_hotline_audit_verify: recompute the hash chain.  RF_OK when every
 * record's prev is its predecessor's hash and its hash matches its
 * content (*checked = records); RF_EPARSE with the first bad sequence
 * number in *bad and err when not.
 */
rf_status rf_hotline_audit_verify(rf_hotline *h, int64_t *checked,
				  int64_t *bad, rf_error *err);

/* ---- users and sessions ---- */

/* rf_hotline_user_add: a user with an argon2id hash of password
 * (crypto_pwhash_str); who needs the users permission (or is
 * RF_ROLE_SYSTEM).  RF_EINVAL when the name exists or is not
 * [a-z0-9._-]{1,64}, or the password is shorter than 10 bytes. */
rf_status rf_hotline_user_add(rf_hotline *h, const rf_hotline_actor *who,
			      const char *name, rf_hotline_role role,
			      const char *password, rf_error *err);

/* rf_hotline_user_remove: take away a user's access: the user and every
 * session of theirs (signed in on the web UI: signed out at once) are
 * deleted, and the removal audited (user.remove); what they did stays in
 * the audit log under their name.  The name may be added again (a new
 * password or role).  who needs the users permission.  RF_ENOTFOUND when
 * there is no such user, RF_EINVAL for a bad name or who. */
rf_status rf_hotline_user_remove(rf_hotline *h, const rf_hotline_actor *who,
				 const char *name, rf_error *err);

/* rf_hotline_user_count: the number of users in *n (0 on a new store:
 * nobody can sign in to the web UI yet).  RF_ESTORE when the store
 * fails. */
rf_status rf_hotline_user_count(rf_hotline *h, int64_t *n, rf_error *err);

/* rf_hotline_login: check name and password; on RF_OK *role is set and
 * *token is a new session token (hex, in a) valid for ttl seconds, with
 * its CSRF token in *csrf.  RF_EINVAL for any wrong name or password
 * (one message for both, and one cost: an unknown name costs an argon2id
 * hash too); audited either way, a failure as "user:NAME" for a user
 * that exists, "user:?" for a name that does not (what was typed is not
 * recorded).  No rate limit here: that is the front end's (redflag
 * serve throttles failed sign-ins per address, docs/hotline.md,
 * "Sign-in throttling"). */
rf_status rf_hotline_login(rf_hotline *h, const char *name,
			   const char *password, long ttl, rf_arena *a,
			   const char **token, const char **csrf,
			   rf_hotline_role *role, rf_error *err);

/* rf_hotline_session: the user of a live session token: name and csrf in
 * a, role.  RF_ENOTFOUND when unknown or expired. */
rf_status rf_hotline_session(rf_hotline *h, const char *token, rf_arena *a,
			     const char **name, rf_hotline_role *role,
			     const char **csrf, rf_error *err);

/* rf_hotline_logout: end the session (unknown tokens are ignored). */
rf_status rf_hotline_logout(rf_hotline *h, const char *token, rf_error *err);

/* rf_hotline_token_equal: constant-time comparison of two tokens. */
int rf_hotline_token_equal(const char *a, const char *b);

#ifdef __cplusplus
}
#endif
#endif
