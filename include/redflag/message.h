/*
 * redflag/message.h - a raw message turned into facts.
 *
 * rf_message_parse reads one RFC 5322 message with GMime and gives the
 * decoded headers, the MIME tree's leaves, visible text (UTF-8), every link
 * and image, attachment metadata and, for each message/rfc822 part, an
 * embedded message analysed the same way.  Everything a message points to
 * lives in its arena; rf_message_free releases it all.
 *
 * Nothing here fetches, resolves or renders a URL.
 */
#ifndef REDFLAG_MESSAGE_H
#define REDFLAG_MESSAGE_H

#include <stddef.h>

#include <redflag/arena.h>
#include <redflag/context.h>
#include <redflag/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rf_link_kind {
	RF_LINK_HREF = 0,	/* <a href>, <area href>, their ping URLs */
	RF_LINK_TEXT,		/* URL found in plain text, or in HTML's
				 * visible text outside <a> */
	RF_LINK_IMG,		/* what loads with the page: <img src>, srcset,
				 * video, frames, ... (docs/html.md) */
	RF_LINK_FORM,		/* <form action> */
	RF_LINK_CSS,		/* CSS url(), background attributes */
	RF_LINK_HEADER		/* List-Unsubscribe and similar headers */
} rf_link_kind;

/* rf_link.flags */
enum {
	RF_LINKF_TEXT_HOST = 1u << 0,	/* the anchor text shows another host */
	RF_LINKF_HIDDEN = 1u << 1,	/* inside an element hidden by CSS */
	RF_LINKF_AREA = 1u << 2,	/* from <area> */
	RF_LINKF_BACKGROUND = 1u << 3,	/* background image (attr or CSS) */
	/* with RF_LINKF_TEXT_HOST: the text is written as a link address
	 * ("www.bank.example", "https://bank.example/"), not a bare name */
	RF_LINKF_TEXT_ADDRESS = 1u << 4,
	/* an RF_LINK_IMG that is a page: shown in a frame or an iframe, or
	 * gone to by a meta refresh (the hotline takes it from a reported
	 * mail, as an anchor: where the spam takes its reader) */
	RF_LINKF_PAGE = 1u << 5,
	/* an RF_LINK_HREF of an a's or area's ping: requested when the link
	 * is followed, a tracker's, no page (the hotline leaves it out) */
	RF_LINKF_PING = 1u << 6,
	/* an RF_LINK_TEXT of an HTML body's visible text (docs/html.md,
	 * "URLs in the text") */
	RF_LINKF_HTML_TEXT = 1u << 7,
	/* an RF_LINK_IMG whose element declares a width (height), by an
	 * attribute or its inline style, whatever the value ("100%",
	 * "auto"): width (height) holds it only when it is in px.  A 1 px
	 * image whose other size is not declared at all is a web bug; a
	 * 1 px line "100%" wide is not (docs/tracking.md) */
	RF_LINKF_WIDTH_SET = 1u << 8,
	RF_LINKF_HEIGHT_SET = 1u << 9
};

/* One substring of a link's url that identifies the recipient. */
typedef struct rf_token {
	size_t off, len;	/* byte range in rf_link.url */
	const char *reason;	/* "recipient-base64", "known-param:mc_eid" */
} rf_token;

typedef struct rf_link {
	const char *url;	/* as found, after MIME and entity decoding */
	const char *normalized;	/* normalised form, NULL if unparseable */
	const char *host;	/* lower-case ASCII (A-label) host, or NULL */
	const char *host_unicode; /* U-label form, NULL when equal to host */
	const char *domain;	/* registrable domain, or NULL */
	const char *text;	/* anchor or alt text, or NULL */
	const char *text_host;	/* host the text shows, when it differs */
	const char *style;	/* inline style of an image, or NULL */
	rf_link_kind kind;
	unsigned flags;		/* RF_LINKF_* */
	int width, height;	/* image size in px (attribute, or inline CSS,
				 * which wins), -1 if absent or not in px */
	unsigned part;		/* index into rf_message.parts */

	/* Filled by the tracking-code analysis; zero until it runs. */
	int tracking;		/* identifies the recipient */
	rf_token *tokens;
	size_t ntokens;
	const char **reasons;	/* distinct reasons, in order found */
	size_t nreasons;
	const char *clean;	/* url with identifying tokens taken out;
				 * NULL until analysed (then == url bytes
				 * when nothing identifies anyone) */
	rf_token *dropped;	/* in mail not bulk, the tokens found by
				 * shape alone ("opaque-token",
				 * "other-address") that the analysis took
				 * out of tokens, in order found; the
				 * comparison of copies gives a link it
				 * flags its addresses back from here */
	size_t ndropped;
} rf_link;

/* A growable list of links with a cap (limits.max_links). */
typedef struct rf_links {
	rf_link *v;
	size_t n, cap;
	size_t max;		/* 0: no cap */
	int limit_hit;		/* a link was dropped because of max */
} rf_links;

/* rf_links_add: a zeroed new slot (width and height set to -1), or NULL
 * when out of memory (*st = RF_ENOMEM) or when max is reached (*st =
 * RF_ELIMIT and limit_hit set). */
rf_link *rf_links_add(rf_arena *a, rf_links *l, rf_status *st);

typedef struct rf_header {
	const char *name;
	const char *value;	/* unfolded, RFC 2047 decoded, UTF-8 */
} rf_header;

/* One leaf of the MIME tree. */
typedef struct rf_part {
	const char *content_type;	/* "text/html" (lower case) */
	const char *charset;		/* declared charset or NULL */
	const char *encoding;		/* Content-Transfer-Encoding or NULL */
	const char *filename;		/* or NULL */
	size_t size;			/* decoded bytes */
	unsigned depth;			/* 0 for a single-part message */
	unsigned flags;			/* RF_PARTF_* */
} rf_part;

enum {
	RF_PARTF_TEXT = 1u << 0,	/* text/plain body shown to the reader */
	RF_PARTF_HTML = 1u << 1,	/* text/html body */
	RF_PARTF_ATTACHMENT = 1u << 2,	/* attachment (metadata only) */
	RF_PARTF_CHARSET_UNKNOWN = 1u << 3, /* decoded as Latin-1 fallback */
	RF_PARTF_MESSAGE = 1u << 4,	/* message/rfc822 (see embedded) */
	RF_PARTF_TRUNCATED = 1u << 5	/* cut by max_part_size */
};

typedef struct rf_attachment {
	const char *filename;		/* or NULL */
	const char *content_type;
	size_t size;			/* decoded bytes */
	char sha256[65];		/* hex of the decoded content */
	unsigned part;
} rf_attachment;

/* rf_message.flags */
enum {
	RF_MSG_HTML_SCRIPT = 1u << 0,	/* HTML had <script> (left out) */
	RF_MSG_HTML_STYLE = 1u << 1,	/* HTML had <style> (left out) */
	RF_MSG_HTML_HIDDEN = 1u << 2,	/* HTML had hidden text (left out) */
	RF_MSG_MIME_DAMAGED = 1u << 3,	/* truncated or malformed MIME */
	RF_MSG_NO_HEADERS = 1u << 4,	/* no header found at all */
	RF_MSG_EMPTY = 1u << 5		/* zero bytes */
};

typedef struct rf_message {
	rf_arena *arena;	/* owns everything below */
	int owns_arena;		/* 0 for embedded messages */

	const char *message_id;	/* without angle brackets */
	const char *from;	/* decoded From: as written */
	const char *from_addr;	/* addr-spec of From:, lower-case domain */
	const char *to;
	const char *subject;	/* RFC 2047 decoded */
	const char *date;
	const char *list_id;
	const char *list_unsubscribe;
	const char *list_unsubscribe_post;

	rf_header *headers;
	size_t nheaders;

	char *text;		/* visible text of text/plain parts, UTF-8 */
	size_t text_len;
	char *html_text;	/* visible text of text/html parts, UTF-8 */
	size_t html_text_len;

	rf_links links;
	rf_part *parts;
	size_t nparts;
	rf_attachment *attachments;
	size_t nattachments;
	struct rf_message **embedded;	/* message/rfc822 parts */
	size_t nembedded;

	size_t size;		/* bytes of the raw message analysed */
	unsigned flags;		/* RF_MSG_* */
	unsigned limits_hit;	/* RF_LIMIT_* bits (all levels) */
} rf_message;

/*
 * rf_message_envelope_len: the length of the mbox From_ line data[0..len)
 * starts with (with its line end; len when it has none), 0 when it starts
 * with none.  That line is the mailbox's envelope, not a header of the
 * message; rf_message_parse and the rewriter read the message after it.
 */
size_t rf_message_envelope_len(const char *data, size_t len);

/*
 * rf_message_field_name: 1 when name[0..n) is a header field's name as
 * rf_message_parse reads one (RFC 5322: printable ASCII but ':', not
 * empty), else 0.  A line of the header block whose name is not one
 * ends the block: the body starts there.
 */
int rf_message_field_name(const char *name, size_t n);

/*
 * rf_message_parse: analyse len bytes at data (a whole RFC 5322 message,
 * optionally starting with an mbox From_ line) under ctx's limits.
 * On RF_OK *out is a new message the caller frees with rf_message_free.
 * Damaged input gives RF_OK with RF_MSG_MIME_DAMAGED set and whatever
 * could be read; only resource failure gives an error.
 */
rf_status rf_message_parse(const rf_ctx *ctx, const char *data, size_t len,
			   rf_message **out, rf_error *err);

/*
 * rf_message_parse_headers: rf_message_parse of the header block only:
 * the headers and the fields taken from them (from, from_addr, to, ...)
 * exactly as rf_message_parse gives them; the body is not read (no
 * parts, attachments or links; text and html_text empty).
 */
rf_status rf_message_parse_headers(const rf_ctx *ctx, const char *data,
				   size_t len, rf_message **out,
				   rf_error *err);

/* rf_message_free: release the message and its arena; NULL allowed. */
void rf_message_free(rf_message *m);

/* rf_message_header: the first header called name (case-insensitive),
 * decoded, or NULL. */
const char *rf_message_header(const rf_message *m, const char *name);

/* rf_message_recipient: the recipient's address (lower case) from
 * Delivered-To, X-Original-To, then To, or NULL.  Allocated in m's arena. */
const char *rf_message_recipient(const rf_message *m);

/* rf_message_recipient_name: the display name that To or Cc give the
 * address addr ("Alice" for "Alice <alice@example.org>"), or NULL. */
const char *rf_message_recipient_name(const rf_message *m, const char *addr);

/* rf_message_time: the Date header as Unix time, or 0 when absent or
 * unreadable. */
long long rf_message_time(const rf_message *m);

/* rf_link_kind_name: "href", "text", "img", "form", "css", "header". */
const char *rf_link_kind_name(rf_link_kind k);

/* rf_addr_spec: the lower-cased addr-spec inside an address header value
 * ("Name <A@B.example>" -> "a@b.example"), in arena a, or NULL. */
const char *rf_addr_spec(rf_arena *a, const char *value);

/*
 * rf_envelope_address: the mailbox of an SMTP envelope address s as an
 * MTA passes one (RFC 5321's Path "<local@domain>", or local@domain bare:
 * a milter's RCPT TO, a pipe's recipient), the one reading of it for
 * every front end: blanks (space, tab, CR, LF) around it and inside its
 * angle brackets left out; one '<' first and one '>' last taken off
 * (either alone too); a source route ("@relay1,@relay2:" before the
 * mailbox, RFC 5321 4.1.1.3 and appendix C) left out, as a server is to
 * ignore it (one that does not end in ':' is kept).  Returns where the
 * mailbox starts in s, its length in *len (0 for the null path "<>");
 * s is not changed, case is kept.  Whether the rest is a mail address
 * is the caller's to check (rf_consent_address_ok).
 */
const char *rf_envelope_address(const char *s, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
