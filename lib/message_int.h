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
	const char *ct, *cte;	/* raw values (after the colon) */
	size_t ctlen, ctelen;
	unsigned nct, ncte, ndisp;
	int odd;		/* a MIME header GMime might read otherwise */
};

/* rf__msg_grow_counted: room for one more element in an arena array whose
 * capacity follows from its count; 0 on success. */
int rf__msg_grow_counted(rf_arena *a, void **base, size_t n, size_t size);

/* rf__msg_sanitize_utf8: append n bytes of p to b as valid UTF-8 (invalid
 * sequences replaced). */
void rf__msg_sanitize_utf8(rf_buf *b, const char *p, size_t n);

/* rf__msg_simple_list: the mailboxes of value (at most max) when it is a
 * simple list; 0 when it is not (GMime must read it). */
int rf__msg_simple_list(const char *v, struct simple_mb *mb, int max);

/* rf__msg_ct_fast: the raw Content-Type value v[0..n) when it has the
 * plain form type "/" subtype *( ";" name "=" value ), tokens of letters,
 * digits and "-._+", values such tokens or quoted printable ASCII without
 * '"', '\\' or "=?", blanks and line breaks between, at most one charset
 * parameter: 1 and *mime (type/subtype as written), *charset (NULL when
 * none), both g_malloc'd, and *named (a name parameter); else 0 and
 * nothing to free.  What g_mime_content_type_parse reads from the value
 * unfolded (message.c; tests/unit/test_message_paths.c compares). */
int rf__msg_ct_fast(const char *v, size_t n, char **mime, char **charset,
		    int *named);

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
