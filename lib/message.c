/*
 * message.c - a raw message turned into facts, with GMime 3.
 *
 * The MIME tree is walked once: text/plain and text/html leaves are
 * decoded (transfer encoding, then charset to UTF-8) and handed to the
 * URL and HTML modules; other leaves become attachment metadata (name,
 * type, size, SHA-256); message/rfc822 leaves become embedded messages
 * analysed the same way in the same arena.  Limits are counted across all
 * levels and reported in limits_hit, never as failures.  The top-level
 * header block, address lists and the header accessors are in
 * message_header.c; multipart messages read without GMime's tree in
 * message_mime.c.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include <gmime/gmime.h>
#include <openssl/evp.h>

#include "message_int.h"

static rf_status analyse(struct walk *w, GMimeMessage *gm,
			 const struct mp_msg *mp, rf_message *m,
			 unsigned depth, rf_error *err);

static void
gmime_init_once(void)
{
	static gsize done;	/* GLib's once-flag: not our state */

	if (g_once_init_enter(&done)) {
		g_mime_init();
		g_once_init_leave(&done, 1);
	}
}

void
rf__gmime_init(void)
{
	gmime_init_once();
}

static void
on_warning(gint64 offset, GMimeParserWarning errcode, const gchar *item,
	   gpointer user_data)
{
	struct walk *w = user_data;

	switch (errcode) {
	case GMIME_WARN_MALFORMED_MULTIPART:
	case GMIME_WARN_TRUNCATED_MESSAGE:
	case GMIME_WARN_MALFORMED_MESSAGE:
	case GMIME_CRIT_INVALID_HEADER_NAME:
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
	case GMIME_CRIT_NESTING_OVERFLOW:
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
		w->damaged = 1;
		break;
	default:
		break;
	}
}

/*
 * sanitize_utf8: append n bytes of p to b as valid UTF-8: invalid
 * sequences become U+FFFD, NUL bytes are dropped.
 */
void
rf__msg_sanitize_utf8(rf_buf *b, const char *p, size_t n)
{
	const char *end = p + n, *bad;

	while (p < end) {
		bad = p + rf__utf8_bad((const unsigned char *)p,
		    (size_t)(end - p));
		if (bad == end) {
			rf_buf_append(b, p, (size_t)(end - p));
			return;
		}
		rf_buf_append(b, p, (size_t)(bad - p));
		if (*bad != '\0')
			rf_buf_append(b, "\xef\xbf\xbd", 3);
		p = bad + 1;
	}
}

int
rf__is_utf8_charset(const char *cs)
{
	return cs == NULL || g_ascii_strcasecmp(cs, "utf-8") == 0 ||
	    g_ascii_strcasecmp(cs, "utf8") == 0 ||
	    g_ascii_strcasecmp(cs, "us-ascii") == 0 ||
	    g_ascii_strcasecmp(cs, "ascii") == 0;
}


size_t
rf__qp_decode(const char *in, size_t n, char *out)
{
	const unsigned char *p, *end, *eq;
	unsigned char *o = (unsigned char *)out;
	int h, l;

	if (n == 0)	/* in may be NULL then */
		return 0;
	p = (const unsigned char *)in;
	end = p + n;
	while (p < end) {
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL)
			eq = end;
		memcpy(o, p, (size_t)(eq - p));
		o += eq - p;
		if (eq == end || eq + 1 == end)
			break;		/* a last '=' is dropped */
		p = eq + 1;
		if (*p == '\n') {	/* soft line break */
			p++;
			continue;
		}
		if (p + 1 == end)
			break;		/* so is a last "=X" */
		if ((h = rf__hexval(p[0])) >= 0 && (l = rf__hexval(p[1])) >= 0)
			*o++ = (unsigned char)(h << 4 | l);
		else if (p[0] != '\r' || p[1] != '\n') {
			*o++ = '=';	/* not an escape: as it is */
			*o++ = p[0];
			*o++ = p[1];
		}
		p += 2;
	}
	return (size_t)(o - (unsigned char *)out);
}

int
rf__msg_decode(GMimeContentEncoding enc, const char *in, size_t n,
	       char **out, size_t *outn)
{
	GMimeEncoding state;
	char *dec;

	*out = NULL;
	*outn = n;
	if (enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE) {
		if ((dec = g_try_malloc(n + 1)) == NULL)
			return 0;
		*outn = rf__qp_decode(in, n, dec);
		*out = dec;
	} else if (enc == GMIME_CONTENT_ENCODING_BASE64) {
		g_mime_encoding_init_decode(&state, enc);
		if ((dec = g_try_malloc(g_mime_encoding_outlen(&state, n) +
		    1)) == NULL)
			return 0;
		*outn = g_mime_encoding_step(&state, in, n, dec);
		*outn += g_mime_encoding_flush(&state, "", 0, dec + *outn);
		*out = dec;
	}
	return 1;
}

/*
 * decode_part: the decoded content of part (transfer encoding undone) in a
 * new byte array the caller frees with g_byte_array_free(ba, TRUE), or
 * NULL.
 */
static GByteArray *
decode_part(GMimePart *part)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(part);
	GMimeContentEncoding enc;
	GMimeStream *mem, *src;
	GByteArray *ba;
	char chunk[4096], *dec;
	ssize_t r;
	size_t n;

	if (dw == NULL)
		return NULL;
	/* what g_mime_data_wrapper_write_to_stream gives (the content from
	 * its start, through GMime's decoder for base64 and quoted-
	 * printable), without its filter and memory streams; uuencode,
	 * which its filter reads between begin and end lines, goes that
	 * way */
	enc = g_mime_data_wrapper_get_encoding(dw);
	src = g_mime_data_wrapper_get_stream(dw);
	if (src != NULL && enc != GMIME_CONTENT_ENCODING_UUENCODE &&
	    g_mime_stream_reset(src) == 0) {
		ba = g_byte_array_new();
		while ((r = g_mime_stream_read(src, chunk, sizeof(chunk))) > 0)
			g_byte_array_append(ba, (const guint8 *)chunk,
			    (guint)r);
		g_mime_stream_reset(src);
		if (r < 0) {
			g_byte_array_free(ba, TRUE);
			return NULL;
		}
		if (!rf__msg_decode(enc, (const char *)ba->data, ba->len, &dec,
		    &n)) {
			g_byte_array_free(ba, TRUE);
			return NULL;
		}
		if (dec != NULL) {
			g_byte_array_free(ba, TRUE);
			ba = g_byte_array_new_take((guint8 *)dec, n);
		}
		return ba;
	}
	mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(dw, mem) < 0) {
		g_object_unref(mem);
		return NULL;
	}
	/* take the array: a stream that owns it frees it on unref */
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_object_unref(mem);
	return ba;
}

/* read_utf8: p[0..n), whose first good bytes are valid UTF-8, read as
 * UTF-8 (rf__msg_sanitize_utf8), into b when not NULL. */
static int
read_utf8(rf_buf *b, const char *p, size_t n, size_t good)
{
	if (b != NULL) {
		rf_buf_append(b, p, good);
		if (good < n)
			rf__msg_sanitize_utf8(b, p + good, n - good);
	}
	return RF__READ_UTF8;
}

/* read_iconv: whether p[0..n) converts from the charset from (an iconv
 * name) through iconv; with b, the text converted (repaired: its NUL
 * bytes dropped) appended to b. */
static int
read_iconv(struct rf__conv_cache *cc, const char *from, const char *p,
	   size_t n, rf_buf *b)
{
	size_t outlen;
	char *conv;

	if (b == NULL)
		return rf__convert_check(cc, from, p, n);
	if ((conv = rf__convert_utf8(cc, p, n, from, &outlen)) == NULL)
		return 0;
	rf__msg_sanitize_utf8(b, conv, outlen);
	g_free(conv);
	return 1;
}

int
rf__text_reading(struct rf__conv_cache *cc, const char *charset,
		 const char *p, size_t n, rf_buf *b, unsigned *pflags)
{
	const char *from;
	size_t bad;
	int r, f;

	if (n == 0)
		return RF__READ_UTF8;
	if (rf__is_utf8_charset(charset)) {
		/* declared UTF-8, valid, or only NUL bytes in the way */
		if (charset != NULL && g_ascii_strcasecmp(charset, "utf-8") ==
		    0)
			return read_utf8(b, p, n, 0);
		bad = rf__utf8_bad((const unsigned char *)p, n);
		if (bad == n || p[bad] == '\0')
			return read_utf8(b, p, n, bad);
		from = "WINDOWS-1252";
		r = RF__READ_1252;
	} else {
		from = g_mime_charset_iconv_name(charset);
		r = RF__READ_DECLARED;
	}
	if ((f = rf__charset_fast(b, from, p, n)) > 0 ||
	    (f == 0 && read_iconv(cc, from, p, n, b)))
		return r;
	/* the fallback: Windows-1252 (its table gives what iconv gives,
	 * and refuses what iconv refuses), else UTF-8 (repaired) */
	if (pflags != NULL)
		*pflags |= RF_PARTF_CHARSET_UNKNOWN;
	if (rf__charset_fast(b, "WINDOWS-1252", p, n) > 0)
		return RF__READ_1252;
	return read_utf8(b, p, n, 0);
}

/*
 * to_utf8: append the decoded bytes of a text part, at most max of them
 * (a cut flagged RF_PARTF_TRUNCATED in *pflags), to b as the analysis
 * reads them (rf__text_reading): UTF-8, converted from the charset
 * declared or from Windows-1252.
 */
static void
to_utf8(const rf_ctx *ctx, rf_buf *b, const char *p, size_t n, size_t max,
	const char *charset, unsigned *pflags)
{
	if (n == 0 || p == NULL)
		return;
	if (n > max) {
		n = max;
		*pflags |= RF_PARTF_TRUNCATED;
	}
	rf__text_reading(ctx->convc, charset, p, n, b, pflags);
}

static void
sha256_hex(const unsigned char *p, size_t n, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0, i;

	out[0] = '\0';
	if (EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL) != 1)
		return;
	for (i = 0; i < mdlen && i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * i] = '\0';
}

/*
 * grow_counted: make room for one more element in an arena array whose
 * capacity follows from its count (rf_arena_grow doubles from 8).
 */
int
rf__msg_grow_counted(rf_arena *a, void **base, size_t n, size_t size)
{
	size_t cap = 0;

	if (n > 0)
		for (cap = 8; cap < n; cap *= 2)
			;
	return rf_arena_grow(a, base, &cap, n, size);
}

/* rf__msg_lower_dup: a lower-cased, trimmed copy of s in the arena. */
const char *
rf__msg_lower_dup(rf_arena *a, const char *s)
{
	char *d, *p;

	if (s == NULL)
		return NULL;
	while (g_ascii_isspace(*s))
		s++;
	d = rf_arena_strdup(a, s);
	if (d == NULL)
		return NULL;
	for (p = d; *p != '\0'; p++)
		*p = g_ascii_tolower(*p);
	while (p > d && g_ascii_isspace(p[-1]))
		*--p = '\0';
	return d;
}

static rf_part *
new_part(struct walk *w, rf_message *m, GMimeObject *obj, unsigned depth,
	 rf_status *st)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	rf_part *p;
	gchar *mime;

	if (rf__msg_grow_counted(w->a, (void **)&m->parts, m->nparts,
	    sizeof(rf_part)) != 0) {
		*st = RF_ENOMEM;
		return NULL;
	}
	p = &m->parts[m->nparts++];
	mime = ct != NULL ? g_mime_content_type_get_mime_type(ct) : NULL;
	p->content_type = mime != NULL ? rf__msg_lower_dup(w->a, mime) :
	    "application/octet-stream";
	g_free(mime);
	p->charset = rf_arena_strdup(w->a, ct != NULL ?
	    g_mime_content_type_get_parameter(ct, "charset") : NULL);
	p->depth = depth;
	*st = p->content_type != NULL ? RF_OK : RF_ENOMEM;
	return *st == RF_OK ? p : NULL;
}

/* rf__msg_attachment: metadata of one attachment leaf. */
rf_status
rf__msg_attachment(struct walk *w, rf_message *m, unsigned partno,
		   const unsigned char *data, size_t size)
{
	rf_attachment *at;
	const rf_part *p = &m->parts[partno];

	if (rf__msg_grow_counted(w->a, (void **)&m->attachments,
	    m->nattachments, sizeof(*at)) != 0)
		return RF_ENOMEM;
	at = &m->attachments[m->nattachments++];
	at->filename = p->filename;
	at->content_type = p->content_type;
	at->size = size;
	at->part = partno;
	if (data != NULL)
		sha256_hex(data, size, at->sha256);
	return RF_OK;
}

/* rf__msg_text_body: the decoded bytes data[0..n) of a text/plain or
 * text/html part to UTF-8, and what the URL and HTML modules extract from
 * them. */
rf_status
rf__msg_text_body(struct walk *w, rf_message *m, unsigned partno, int html,
		  const char *data, size_t n, rf_error *err)
{
	const rf_limits *lim = &w->ctx->limits;
	rf_part *p = &m->parts[partno];
	rf_buf body;
	rf_status st = RF_OK;

	p->size = n;
	rf_buf_init(&body, 0);
	to_utf8(w->ctx, &body, data, n, lim->max_part_size, p->charset, &p->flags);
	if (p->flags & RF_PARTF_TRUNCATED)
		m->limits_hit |= RF_LIMIT_PART_SIZE;
	if (html) {
		rf_html_out out = { &w->html, &m->links, 0, 0 };

		if (w->html.len > 0)
			rf_buf_putc(&w->html, '\n');
		st = rf_html_extract(w->ctx, w->a, rf_buf_cstr(&body),
		    body.len, partno, &out, err);
		m->flags |= out.flags;
		m->limits_hit |= out.limits_hit;
	} else {
		if (w->text.len > 0)
			rf_buf_putc(&w->text, '\n');
		rf_buf_append(&w->text, rf_buf_cstr(&body), body.len);
		st = rf_url_extract_text(w->ctx, w->a, rf_buf_cstr(&body),
		    body.len, partno, &m->links, err);
	}
	rf_buf_free(&body);
	return st;
}

/* text_leaf: decode a text/plain or text/html body and extract from it. */
static rf_status
text_leaf(struct walk *w, rf_message *m, GMimePart *part, unsigned partno,
	  int html, rf_error *err)
{
	GByteArray *ba = decode_part(part);
	rf_status st;

	if (ba == NULL)
		return RF_OK;
	st = rf__msg_text_body(w, m, partno, html, (const char *)ba->data,
	    ba->len, err);
	g_byte_array_free(ba, TRUE);
	return st;
}

/* leaf: one GMimePart. */
static rf_status
leaf(struct walk *w, rf_message *m, GMimePart *part, unsigned depth,
     rf_error *err)
{
	GMimeObject *obj = GMIME_OBJECT(part);
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimeContentDisposition *disp;
	const char *fn, *enc;
	rf_status st;
	rf_part *p;
	unsigned partno;
	int is_text, is_html, attach;
	GByteArray *ba;

	p = new_part(w, m, obj, depth, &st);
	if (p == NULL)
		return rf_error_set(err, st, "out of memory");
	partno = (unsigned)(m->nparts - 1);
	fn = g_mime_part_get_filename(part);
	p->filename = rf_arena_strdup(w->a, fn);
	enc = g_mime_object_get_header(obj, "Content-Transfer-Encoding");
	p->encoding = rf__msg_lower_dup(w->a, enc);
	disp = g_mime_object_get_content_disposition(obj);
	attach = (disp != NULL &&
	    g_mime_content_disposition_is_attachment(disp)) || fn != NULL;
	is_text = ct != NULL && g_mime_content_type_is_type(ct, "text",
	    "plain");
	is_html = ct != NULL && g_mime_content_type_is_type(ct, "text",
	    "html");
	if ((is_text || is_html) && !attach) {
		p->flags |= is_html ? RF_PARTF_HTML : RF_PARTF_TEXT;
		return text_leaf(w, m, part, partno, is_html, err);
	}
	p->flags |= RF_PARTF_ATTACHMENT;
	ba = decode_part(part);
	p->size = ba != NULL ? ba->len : 0;
	/* an empty array may have no data: still digested */
	st = rf__msg_attachment(w, m, partno, ba == NULL ? NULL :
	    ba->data != NULL ? ba->data : (const guint8 *)"", p->size);
	if (ba != NULL)
		g_byte_array_free(ba, TRUE);
	if (st != RF_OK)
		return rf_error_set(err, st, "out of memory");
	return RF_OK;
}

/* walk_object: any node of the MIME tree. */
static rf_status
walk_object(struct walk *w, rf_message *m, GMimeObject *obj, unsigned depth,
	    rf_error *err)
{
	const rf_limits *lim = &w->ctx->limits;
	rf_status st = RF_OK;
	int i, n;

	if (obj == NULL)
		return RF_OK;
	if (depth > lim->max_mime_depth) {
		w->top->limits_hit |= RF_LIMIT_MIME_DEPTH;
		return RF_OK;
	}
	if (++w->nparts > lim->max_mime_parts) {
		w->top->limits_hit |= RF_LIMIT_MIME_PARTS;
		return RF_OK;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < n && st == RF_OK; i++)
			st = walk_object(w, m, g_mime_multipart_get_part(
			    GMIME_MULTIPART(obj), i), depth + 1, err);
		return st;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *em = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));
		rf_message *sub;
		rf_part *p = new_part(w, m, obj, depth, &st);

		if (p == NULL)
			return rf_error_set(err, st, "out of memory");
		p->flags |= RF_PARTF_MESSAGE;
		if (em == NULL)
			return RF_OK;
		if (depth + 1 > lim->max_mime_depth) {
			w->top->limits_hit |= RF_LIMIT_MIME_DEPTH;
			return RF_OK;
		}
		sub = rf_arena_alloc(w->a, sizeof(*sub));
		if (sub == NULL || rf__msg_grow_counted(w->a,
		    (void **)&m->embedded, m->nembedded,
		    sizeof(*m->embedded)) != 0)
			return rf_error_set(err, RF_ENOMEM, "out of memory");
		m->embedded[m->nembedded++] = sub;
		return analyse(w, em, NULL, sub, depth + 1, err);
	}
	if (GMIME_IS_PART(obj))
		return leaf(w, m, GMIME_PART(obj), depth, err);
	return RF_OK;
}

/* finish_text: move the scratch text buffers into the arena. */
static rf_status
finish_text(struct walk *w, rf_message *m, rf_error *err)
{
	m->text_len = w->text.len;
	m->html_text_len = w->html.len;
	m->text = rf_arena_strndup(w->a, rf_buf_cstr(&w->text), w->text.len);
	m->html_text = rf_arena_strndup(w->a, rf_buf_cstr(&w->html),
	    w->html.len);
	if (w->text.truncated || w->html.truncated)
		w->top->limits_hit |= RF_LIMIT_TEXT_SIZE;
	rf_buf_reset(&w->text);
	rf_buf_reset(&w->html);
	if (m->text == NULL || m->html_text == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	return RF_OK;
}

/*
 * The single-part path.  Most mail is one text/plain or text/html body:
 * for it GMime's object tree (message, part, header lists, data wrapper,
 * streams and filters, all allocated and freed per message) costs more
 * than the rest of the parse.  When the top-level MIME headers are ones
 * whose meaning is plain, the body is read here with GMime's own header,
 * Content-Type and transfer-decoding functions, as its parser would read
 * it: the content of a part without boundaries is every byte after the
 * header block.  Anything else (multipart, message/rfc822, attachments,
 * names, dispositions, duplicated or odd MIME headers, uuencode, an empty
 * body) goes to message_mime.c, which reads multiparts and other leaves
 * from the bytes when it can be sure to read them as GMime does, and
 * otherwise to the GMime parser.  The one leaf is then built by
 * message_mime.c's leaf code, as a one-node rf__msg_mime_walk, so that a
 * leaf becomes an rf_part and text in one place.
 * tests/unit/test_message_paths.c and test_message_mime.c parse messages
 * both ways and compare.
 */
struct single {
	char *mime;		/* GMime's type/subtype (the slow reading of
				 * the Content-Type only), g_malloc'd */
	char *charset;		/* its charset parameter, likewise */
	char *cte;		/* Content-Transfer-Encoding value or NULL */
	struct mp_node node;	/* the leaf: spans into the raw Content-Type
				 * value or the above, body */
};

/* plain_ascii: s has no 8-bit byte and no "=?" (what RFC 2047 decoding
 * would change). */
static int
plain_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80 || (s[0] == '=' && s[1] == '?'))
			return 0;
	return 1;
}

/* header_text: a MIME header's value as GMime reads it (unfolded, RFC
 * 2047 decoded), in g_malloc'd memory. */
static char *
header_text(GMimeParserOptions *opts, const char *raw, size_t n)
{
	char *r = g_strndup(raw, n), *u, *v;

	u = g_mime_utils_header_unfold(r);
	g_free(r);
	if (u == NULL || plain_ascii(u))
		return u;	/* no encoded word, no 8-bit: decoded as is */
	v = g_mime_utils_header_decode_text(opts, u);
	g_free(u);
	return v;
}

/* mime_is: the type/subtype span m[0..n) is tsub ("type/sub"), ignoring
 * case (what g_mime_content_type_is_type says). */
static int
mime_is(const char *m, size_t n, const char *tsub)
{
	return n == strlen(tsub) && g_ascii_strncasecmp(m, tsub, n) == 0;
}

static void single_done(struct single *sp);

/* single_probe: whether the message the headers in mh head, with body
 * body[0..len), takes the single-part path; fills *sp (single_done
 * releases it) when it does: sp->node is its one leaf, at depth 0, for
 * rf__msg_mime_walk.  The type (rf__msg_params_fast's span into the raw
 * value, or what GMime's parser gives) is tokens and '/' (no blank to
 * trim, which the leaf code does not do). */
static int
single_probe(GMimeParserOptions *opts, const struct mimehdr *mh,
	     const char *body, size_t len, struct single *sp)
{
	struct mimeparams pp;
	int named = 0;

	memset(sp, 0, sizeof(*sp));
	if (mh->odd || mh->nct > 1 || mh->ncte > 1 || mh->ndisp > 0 ||
	    len == 0)
		return 0;
	if (mh->ncte == 1) {
		sp->cte = header_text(opts, mh->cte, mh->ctelen);
		if (sp->cte == NULL || g_mime_content_encoding_from_string(
		    sp->cte) == GMIME_CONTENT_ENCODING_UUENCODE)
			goto no;
	}
	if (mh->nct == 1 && rf__msg_params_fast(mh->ct, mh->ctlen, 0, &pp)) {
		/* spans into the raw value, copied once, by the leaf */
		sp->node.mime = pp.mime;
		sp->node.mimelen = pp.mimelen;
		sp->node.charset = pp.charset;
		sp->node.charsetlen = pp.charsetlen;
		named = pp.name != NULL;
	} else if (mh->nct == 1) {
		GMimeContentType *ct;
		char *v;

		/* the parser reads the type from the raw value, the part
		 * from the decoded one: encoded words might part them */
		if (g_strstr_len(mh->ct, (gssize)mh->ctlen, "=?") != NULL ||
		    (v = header_text(opts, mh->ct, mh->ctlen)) == NULL)
			goto no;
		ct = g_mime_content_type_parse(opts, v);
		g_free(v);
		if (ct == NULL)
			goto no;
		sp->mime = g_mime_content_type_get_mime_type(ct);
		sp->charset = g_strdup(g_mime_content_type_get_parameter(ct,
		    "charset"));
		named = g_mime_content_type_get_parameter(ct, "name") != NULL;
		g_object_unref(ct);
		sp->node.mime = sp->mime;
		sp->node.mimelen = sp->mime != NULL ? strlen(sp->mime) : 0;
		sp->node.charset = sp->charset;
		sp->node.charsetlen = sp->charset != NULL ?
		    strlen(sp->charset) : 0;
	}
	if (sp->node.mime != NULL && ((!mime_is(sp->node.mime,
	    sp->node.mimelen, "text/html") && !mime_is(sp->node.mime,
	    sp->node.mimelen, "text/plain")) || named))
		goto no;
	sp->node.cte = sp->cte;
	sp->node.body = body;
	sp->node.len = len;
	return 1;
no:
	single_done(sp);
	memset(sp, 0, sizeof(*sp));
	return 0;
}

static void
single_done(struct single *sp)
{
	g_free(sp->cte);
	g_free(sp->mime);
	g_free(sp->charset);
}

/*
 * analyse: fill m from gm, or from mp for a top level read from its bytes
 * (multipart, or single-part: one leaf).  Text of embedded messages is
 * gathered apart from the parent's: the parent's scratch text is saved
 * and restored.
 */
static rf_status
analyse(struct walk *w, GMimeMessage *gm, const struct mp_msg *mp,
	rf_message *m, unsigned depth, rf_error *err)
{
	rf_buf saved_text = w->text, saved_html = w->html;
	rf_status st;

	m->arena = w->a;
	m->links.max = w->ctx->limits.max_links;
	rf_buf_init(&w->text, w->ctx->limits.max_text_size);
	rf_buf_init(&w->html, w->ctx->limits.max_text_size);
	st = m == w->top ? RF_OK : rf__msg_headers(w, gm, m, err);
	if (st == RF_OK)
		st = rf__msg_header_links(w, m, err);
	if (st == RF_OK)
		st = mp != NULL ? rf__msg_mime_walk(w, m, mp, err) :
		    walk_object(w, m, g_mime_message_get_mime_part(gm), depth,
		    err);
	if (st == RF_OK)
		st = finish_text(w, m, err);
	if (m->links.limit_hit)
		w->top->limits_hit |= RF_LIMIT_LINKS;
	w->top->limits_hit |= m->limits_hit;
	rf_buf_free(&w->text);
	rf_buf_free(&w->html);
	w->text = saved_text;
	w->html = saved_html;
	return st;
}

size_t
rf__skip_from_line(const char *data, size_t len)
{
	const char *nl;

	if (len < 5 || memcmp(data, "From ", 5) != 0)
		return 0;
	nl = memchr(data, '\n', len);
	return nl != NULL ? (size_t)(nl - data) + 1 : len;
}

size_t
rf_message_envelope_len(const char *data, size_t len)
{
	return rf__skip_from_line(data, len);
}

rf_status
rf_message_parse(const rf_ctx *ctx, const char *data, size_t len,
		 rf_message **out, rf_error *err)
{
	return rf__message_parse(ctx, data, len, 0, out, err);
}

rf_status
rf_message_parse_headers(const rf_ctx *ctx, const char *data, size_t len,
			 rf_message **out, rf_error *err)
{
	return rf__message_parse(ctx, data, len, RF__PARSE_HEADERS, out, err);
}

rf_status
rf__message_parse(const rf_ctx *ctx, const char *data, size_t len,
		  int tree, rf_message **out, rf_error *err)
{
	const char *fallback[] = { "UTF-8", "WINDOWS-1252", NULL };
	struct mimehdr mh;
	struct single sp;
	struct mp_msg mp;
	struct walk w;
	rf_arena *a = NULL;
	rf_message *m;
	GMimeParserOptions *opts = NULL;
	GMimeStream *stream = NULL;
	GMimeParser *parser = NULL;
	GMimeMessage *gm = NULL;
	rf_status st = RF_OK;
	GByteArray *mime;
	size_t skip, body;

	*out = NULL;
	gmime_init_once();
	a = rf_arena_new();
	m = a != NULL ? rf_arena_alloc(a, sizeof(*m)) : NULL;
	if (m == NULL) {
		rf_arena_free(a);
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	m->arena = a;
	m->owns_arena = 1;
	m->links.max = ctx->limits.max_links;
	if (len > ctx->limits.max_message_size) {
		len = ctx->limits.max_message_size;
		m->limits_hit |= RF_LIMIT_MESSAGE_SIZE;
	}
	m->size = len;
	if (len == 0) {
		m->flags |= RF_MSG_EMPTY | RF_MSG_NO_HEADERS;
		m->text = m->html_text = "";
		*out = m;
		return RF_OK;
	}
	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.a = a;
	w.top = m;
	skip = rf__skip_from_line(data, len);
	opts = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(opts,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(opts,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_fallback_charsets(opts, fallback);
	g_mime_parser_options_set_warning_callback(opts, on_warning, &w);
	mime = g_byte_array_sized_new((guint)(len - skip + 64));
	body = skip + rf__msg_top_headers(&w, opts, m, data + skip,
	    len - skip, mime, &mh, &st);
	if (st != RF_OK) {
		g_byte_array_free(mime, TRUE);
		rf_error_set(err, st, "out of memory");
		goto done;
	}
	rf__msg_fill_fields(&w, m);
	if (tree == RF__PARSE_HEADERS) {
		g_byte_array_free(mime, TRUE);
		m->text = m->html_text = "";
		goto done;
	}
	if (!tree && single_probe(opts, &mh, data + body, len - body, &sp)) {
		g_byte_array_free(mime, TRUE);
		memset(&mp, 0, sizeof(mp));
		mp.nodes = &sp.node;
		mp.n = mp.cap = 1;
		st = analyse(&w, NULL, &mp, m, 0, err);
		single_done(&sp);
		goto done;
	}
	if (!tree && rf__msg_mime_probe(&mh, data + body, len - body, &mp)) {
		g_byte_array_free(mime, TRUE);
		w.damaged = mp.damaged;
		st = analyse(&w, NULL, &mp, m, 0, err);
		rf__msg_mime_done(&mp);
		goto done;
	}
	g_byte_array_append(mime, (const guint8 *)"\n", 1);
	g_byte_array_append(mime, (const guint8 *)data + body,
	    (guint)(len - body));
	stream = g_mime_stream_mem_new_with_byte_array(mime);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	gm = g_mime_parser_construct_message(parser, opts);
	if (gm == NULL) {
		m->flags |= RF_MSG_MIME_DAMAGED;
		m->text = m->html_text = "";
		goto done;
	}
	st = analyse(&w, gm, NULL, m, 0, err);
	/* GMime leaves these to the caller; the walk kept its own limits */
done:
	if (w.damaged)
		m->flags |= RF_MSG_MIME_DAMAGED;
	if (gm != NULL)
		g_object_unref(gm);
	if (parser != NULL)
		g_object_unref(parser);
	if (stream != NULL)
		g_object_unref(stream);
	if (opts != NULL)
		g_mime_parser_options_free(opts);
	if (st != RF_OK) {
		rf_arena_free(a);
		return st;
	}
	*out = m;
	return RF_OK;
}

void
rf_message_free(rf_message *m)
{
	if (m != NULL && m->owns_arena)
		rf_arena_free(m->arena);
}
