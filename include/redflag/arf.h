/*
 * redflag/arf.h - Abuse Reporting Format feedback reports (RFC 5965),
 * read and written, with the recipient redacted as RFC 6590 describes
 * (docs/verdicts.md, "Complaints and ARF").
 *
 * A feedback report is a multipart/report; report-type=feedback-report
 * with three parts: a human-readable text, a message/feedback-report part
 * (fields Feedback-Type, User-Agent, Version, Original-Rcpt-To,
 * Reported-Domain, Source-IP, Arrival-Date, Incidents, ...) and the
 * original message (message/rfc822) or its header (text/rfc822-headers).
 */
#ifndef REDFLAG_ARF_H
#define REDFLAG_ARF_H

#include <stddef.h>
#include <stdint.h>

#include <redflag/arena.h>
#include <redflag/buf.h>
#include <redflag/error.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RF_ARF_MAX_FIELDS 64		/* feedback fields read; more are
					 * ignored (limit_hit) */
#define RF_ARF_MAX_VALUE 998		/* bytes of one field value kept */
#define RF_ARF_MAX_LIST 16		/* Original-Rcpt-To, Reported-Domain
					 * values kept */
#define RF_ARF_MAX_INCIDENTS 1000000	/* Incidents above: counted as this
					 * (limit_hit) */
#define RF_ARF_MAX_PARTS 16		/* parts of the report looked at */
#define RF_ARF_MAX_WORD 1024		/* bytes of an RFC 2047 encoded word
					 * rf_arf_redact_word reads (the RFC
					 * allows 75); longer is none */

typedef struct rf_arf_report {
	const char *feedback_type;	/* "abuse", "fraud", ... (lower case) */
	const char *user_agent;
	const char *version;
	const char *arrival_date;	/* or NULL */
	const char *source_ip;		/* or NULL */
	const char *reporting_mta;	/* or NULL */
	const char *original_mail_from;	/* or NULL */
	const char *original_rcpt_to[RF_ARF_MAX_LIST];
	size_t nrcpt;
	const char *reported_domain[RF_ARF_MAX_LIST];
	size_t ndomain;
	uint64_t incidents;		/* Incidents, 1 when absent */
	const char *original;		/* the enclosed message or header */
	size_t original_len;
	int headers_only;		/* text/rfc822-headers */
	int limit_hit;			/* a RF_ARF_MAX_* limit cut something */
} rf_arf_report;

/*
 * rf_arf_parse: read the feedback report in data[0..len) (a whole
 * message).  Everything lives in arena a.  RF_EPARSE (with the reason)
 * when it is not a feedback report: no multipart/report, no
 * message/feedback-report part, or one of the required fields
 * Feedback-Type, User-Agent, Version missing; RF_ENOMEM.  An absent
 * original message is allowed (original NULL).
 */
rf_status rf_arf_parse(rf_arena *a, const char *data, size_t len,
		       rf_arf_report *out, rf_error *err);

/*
 * rf_arf_type_kind: what a report of Feedback-Type type (any case) says
 * about the message it encloses.  RF_ARF_COMPLAINT for the types that
 * object to it (RFC 5965's abuse, fraud and virus): counted as
 * complaints; RF_ARF_NO_COMPLAINT for the other registered types
 * (RFC 5965's other, RFC 6430's not-spam, RFC 6591's auth-failure): a
 * report, but no complaint; RF_ARF_UNKNOWN for any other value (an empty
 * one or NULL too).
 */
typedef enum rf_arf_kind {
	RF_ARF_UNKNOWN = 0,
	RF_ARF_COMPLAINT,
	RF_ARF_NO_COMPLAINT
} rf_arf_kind;
rf_arf_kind rf_arf_type_kind(const char *type);
#define RF_ARF_TYPES "abuse, fraud, virus, other, not-spam or auth-failure"

/* What rf_arf_write puts in the feedback-report part (NULL: left out;
 * every value printable ASCII, one line). */
typedef struct rf_arf_params {
	const char *feedback_type;	/* NULL: "abuse" */
	const char *user_agent;		/* NULL: "redflag/VERSION" */
	const char *original_mail_from;
	const char *original_rcpt_to;	/* redacted already */
	const char *arrival_date;
	const char *source_ip;
	const char *reporting_mta;	/* "dns; mx.example.net" */
	const char *reported_domain;
	uint64_t incidents;		/* 0 or 1: field left out */
	int redacted;			/* the report says what was redacted */
	const char *human;		/* first part's text; NULL: a default */
	const char *boundary_seed;	/* makes the boundary (any text) */
	/* The report's own header: a feedback report is a whole message
	 * (RFC 5965 section 2), sent as it is (sendmail -t).  NULL: the
	 * field is left out. */
	const char *from;		/* the reporter: "abuse@rcpt.example" */
	const char *to;			/* where it goes: "abuse@shop.example" */
	const char *date;		/* RFC 5322 date-time */
	const char *message_id;		/* "<id@rcpt.example>" */
} rf_arf_params;

/* rf_arf_field_ok: s (NULL allowed: a field left out) can be the value
 * of a field rf_arf_write writes: one line of printable ASCII (bytes
 * 0x20 to 0x7e); 1, else 0. */
int rf_arf_field_ok(const char *s);

/*
 * rf_arf_write: append to out a complete feedback report (RFC 5965,
 * CRLF line ends) enclosing original[0..len) as message/rfc822 (the
 * caller has redacted and cleaned it): its header From, To, Date,
 * Message-ID (those given), Subject ("Feedback report (TYPE) about a
 * message from DOMAIN": the type and the reported domain, when given),
 * MIME-Version and the multipart/report
 * Content-Type, then the three parts.  The MIME boundary is derived from
 * boundary_seed and checked not to occur in the original.  RF_EINVAL for
 * a value that is not printable one-line ASCII; RF_ENOMEM.
 */
rf_status rf_arf_write(const rf_arf_params *p, const char *original,
		       size_t len, rf_buf *out, rf_error *err);

/*
 * rf_arf_redact_addr: addr with its local part replaced, as RFC 6590
 * suggests, by a consistent, collision-resistant transformation: the
 * first 16 bytes of HMAC-SHA256(key, lower-cased local part) in hex
 * ("3f5a...@example.net"), so that reports about one recipient can be
 * matched with each other but not read back.  In arena a.  RF_EINVAL when
 * addr has no '@' or key is empty; RF_ENOMEM.
 */
rf_status rf_arf_redact_addr(rf_arena *a, const char *addr,
			     const unsigned char *key, size_t keylen,
			     const char **out, rf_error *err);

/*
 * rf_arf_redact: append p[0..n) to out with every occurrence of addr, in
 * any ASCII case, replaced by redacted, and every RFC 2047 encoded word
 * ("=?CHARSET?B?TEXT?=" or "?Q?", any case, at most RF_ARF_MAX_WORD
 * bytes) whose decoded bytes hold it (a charset that writes ASCII as
 * ASCII: UTF-8, the ISO-8859 and Windows ones) written again with each
 * replaced, B-encoded, its charset kept: a header such as
 * "Subject: =?UTF-8?B?Ym9iQGV4YW1wbGUuY29tLCB5b3Vy?=" does not show the
 * address in its bytes.  Only the bytes given: a part's content in base64
 * or quoted-printable is the rewriter's (rf_rewrite_add).  0, or -1 when
 * out cannot grow.
 */
int rf_arf_redact(const char *p, size_t n, const char *addr,
		  const char *redacted, rf_buf *out);

#ifdef __cplusplus
}
#endif
#endif
