/*
 * message_int.h - private to lib/message.c (the MIME walk) and
 * lib/message_header.c (the top-level header block, address lists and the
 * header accessors).
 */
#ifndef RF_MESSAGE_INT_H
#define RF_MESSAGE_INT_H

#include <gmime/gmime.h>

#include "internal.h"

/* Per-parse state shared by every level of one message. */
struct walk {
	const rf_ctx *ctx;
	rf_arena *a;
	rf_message *top;
	unsigned nparts;	/* leaves and containers seen */
	int damaged;		/* GMime reported a malformed structure */
	rf_buf text, html;	/* scratch for one message level */
};

/*
 * Simple address lists: "local@domain" or "Some Name <local@domain>",
 * comma-separated, read without GMime's address parser (message_header.c).
 */
#define SIMPLE_MAX 32		/* mailboxes read here */

struct simple_mb {
	const char *name, *addr;	/* not NUL-terminated */
	size_t nlen, alen;
};

/* What the top-level MIME headers say, for the single-part path. */
struct mimehdr {
	const char *ct, *cte, *disp;	/* raw values (after the colon) */
	size_t ctlen, ctelen, displen;
	unsigned nct, ncte, ndisp;
	int odd;		/* a MIME header GMime might read otherwise */
};

/* The header lines of a header block, read alike at the top level
 * (message_header.c) and in the parts of a multipart (message_mime.c).
 * rf__msg_header_name_len: the length of the header name on the line at
 * p (up to the colon, blanks before it not counted; bytes 0x21..0x7E),
 * or 0 when it is no header line.  rf__msg_header_end: the end of the
 * header starting at p, its folded continuation lines (starting with a
 * blank) included: past its last newline, or end when the input ends
 * first.  rf__msg_note_mime: one header (name nlen bytes at p, raw value
 * v[0..vn)) into mh when it is Content-Type, Content-Transfer-Encoding
 * or Content-Disposition (counted; the first Content-Type and the last
 * of the others kept); mh->odd set when a name given to it has a byte
 * other than a letter, digit or '-', or one of those three has blanks
 * before its colon. */
size_t rf__msg_header_name_len(const char *p, const char *end);
const char *rf__msg_header_end(const char *p, const char *end);
void rf__msg_note_mime(struct mimehdr *mh, const char *p, size_t nlen,
		       const char *v, size_t vn);

/* rf__msg_grow_counted: room for one more element in an arena array whose
 * capacity follows from its count; 0 on success. */
int rf__msg_grow_counted(rf_arena *a, void **base, size_t n, size_t size);

/* rf__msg_sanitize_utf8: append n bytes of p to b as valid UTF-8 (invalid
 * sequences replaced). */
void rf__msg_sanitize_utf8(rf_buf *b, const char *p, size_t n);

/* rf__msg_simple_list: the mailboxes of value (at most max) when it is a
 * simple list; 0 when it is not (GMime must read it). */
int rf__msg_simple_list(const char *v, struct simple_mb *mb, int max);

/* The parameters of a Content-Type or Content-Disposition value that
 * rf__msg_params_fast reads: spans into the raw value, NULL when absent. */
struct mimeparams {
	const char *mime;	/* type/subtype (a disposition: its token) */
	const char *charset, *name, *filename, *boundary;
	size_t mimelen, charsetlen, namelen, filenamelen, boundarylen;
};

/* rf__msg_params_fast: the raw Content-Type value v[0..n) when it has the
 * plain form type "/" subtype *( ";" name "=" value ) [";"] (disp set: a
 * token instead of type "/" subtype, for Content-Disposition), tokens of
 * letters, digits and "-._+", values such tokens or quoted printable
 * ASCII without '"', '\\' or "=?", blanks and line breaks between (not
 * before '='), at most one charset, name, filename and boundary
 * parameter: 1 and *pp (spans into v: the type as written, the values
 * without their quotes); else 0.  What g_mime_content_type_parse reads
 * from the value unfolded (message_mime.c; tests/unit/test_message_mime.c
 * and test_message_paths.c compare with GMime's parsers). */
int rf__msg_params_fast(const char *v, size_t n, int disp,
			struct mimeparams *pp);

/*
 * A message read from its bytes: a multipart (message_mime.c), its MIME
 * nodes in the order GMime's walk visits them, each as GMime's object
 * tree would give it; or the one leaf of a single-part message
 * (message.c's single_probe).  rf__msg_mime_walk turns either into parts.
 */
struct mp_node {
	const char *mime;	/* type/subtype as written; NULL: text/plain */
	const char *charset;	/* NULL: none */
	const char *fname;	/* filename (or Content-Type name); NULL */
	char *cte;		/* Content-Transfer-Encoding (unfolded,
				 * g_malloc'd) or NULL */
	const char *body;	/* a leaf's content */
	size_t mimelen, charsetlen, fnamelen, len;
	unsigned depth;
	unsigned char multipart, attach;
};

struct mp_msg {
	struct mp_node *nodes;	/* g_malloc'd */
	size_t n, cap;
	int damaged;		/* what GMime would warn of (truncated,
				 * malformed multipart) */
};

/* rf__msg_mime_probe: whether the message whose top-level MIME headers
 * are mh and whose body is body[0..len) is a multipart read here exactly
 * as GMime's parser reads it: 1 and *mp (rf__msg_mime_done releases it);
 * else 0 (GMime's path must read it). */
int rf__msg_mime_probe(const struct mimehdr *mh, const char *body,
		       size_t len, struct mp_msg *mp);

/* rf__msg_mime_done: release what rf__msg_mime_probe filled. */
void rf__msg_mime_done(struct mp_msg *mp);

/* rf__msg_mime_walk: the parts of mp into m, as message.c's walk_object
 * fills them from GMime's tree (limits counted alike): the one place a
 * leaf read from the bytes becomes an rf_part and its text or attachment
 * (multipart leaves and the single-part leaf alike). */
rf_status rf__msg_mime_walk(struct walk *w, rf_message *m,
			    const struct mp_msg *mp, rf_error *err);

/* rf__msg_lower_dup: a lower-cased, trimmed copy of the string s in a
 * (NULL for NULL) (message.c). */
const char *rf__msg_lower_dup(rf_arena *a, const char *s);

/* rf__msg_text_body: the decoded bytes data[0..n) of text part partno
 * (html: text/html) to UTF-8 and what the URL and HTML modules extract
 * from them (message.c). */
rf_status rf__msg_text_body(struct walk *w, rf_message *m, unsigned partno,
			    int html, const char *data, size_t n,
			    rf_error *err);

/* rf__msg_attachment: the attachment metadata of part partno, decoded
 * content data[0..n) (data NULL: none, no digest) (message.c). */
rf_status rf__msg_attachment(struct walk *w, rf_message *m, unsigned partno,
			     const unsigned char *data, size_t n);

/* rf__msg_date_fast: the Date value v when it has the plain form
 * ["Ddd, "] d[d] " " Mon " " yyyy " " hh:mm:ss " " +hhmm [" (Zone)"],
 * fields in range: 1 and *t (Unix time), what
 * g_mime_utils_header_decode_date gives (tests/unit/test_message_paths.c
 * compares); else 0 (message_header.c). */
int rf__msg_date_fast(const char *v, long long *t);

/* rf__qp_decode: quoted-printable in[0..n) decoded into out (room for n
 * bytes), as GMime's decoder (g_mime_encoding_step, then flush) decodes
 * it: "=XX" (hex, either case) a byte, "=\n" and "=\r\n" nothing, any
 * other "=ab" as it is, a last "=" or "=a" dropped.  Returns the length
 * (message.c; tests/unit/test_message_paths.c compares with GMime). */
size_t rf__qp_decode(const char *in, size_t n, char *out);

/*
 * rf__msg_decode: in[0..n) with transfer encoding enc undone as GMime's
 * decoders undo it: quoted-printable by rf__qp_decode, base64 by GMime's
 * decoder in one step (its steps are the same at any chunking, and its
 * flush adds nothing).  *out is the result (g_malloc'd: the caller
 * g_frees it) of *outn bytes, or NULL for any other encoding, whose
 * content is used as it is.  Returns 0 when out of memory.
 */
int rf__msg_decode(GMimeContentEncoding enc, const char *in, size_t n,
		   char **out, size_t *outn);

/* rf__msg_id_fast: the Message-ID value v when it is "<" dot-atom "@"
 * dot-atom ">" (atoms of letters, digits and "-_+$%="), blanks around: 1
 * and the id (without the brackets) at *id, *len bytes, what
 * g_mime_utils_decode_message_id gives (tests/unit/test_message_paths.c
 * compares); else 0 (message_header.c). */
int rf__msg_id_fast(const char *v, const char **id, size_t *len);

/* rf__msg_header_links: m's List-Unsubscribe <URL> entries as links. */
rf_status rf__msg_header_links(struct walk *w, rf_message *m, rf_error *err);

/* rf__msg_fill_fields: from, subject, message id, date from m->headers. */
void rf__msg_fill_fields(struct walk *w, rf_message *m);

/* rf__msg_headers: the headers of an embedded message gm into m. */
rf_status rf__msg_headers(struct walk *w, GMimeMessage *gm, rf_message *m,
			  rf_error *err);

/* rf__msg_top_headers: the top-level header block of data[0..len) into
 * m, its MIME headers copied into mime and noted in *mh (*st set on an
 * allocation failure); returns the offset of the body. */
size_t rf__msg_top_headers(struct walk *w, GMimeParserOptions *opts,
			   rf_message *m, const char *data, size_t len,
			   GByteArray *mime, struct mimehdr *mh,
			   rf_status *st);

#endif
