/*
 * message.c - a raw message turned into facts, with GMime 3.
 *
 * The MIME tree is walked once: text/plain and text/html leaves are
 * decoded (transfer encoding, then charset to UTF-8) and handed to the
 * URL and HTML modules; other leaves become attachment metadata (name,
 * type, size, SHA-256); message/rfc822 leaves become embedded messages
 * analysed the same way in the same arena.  Limits are counted across all
 * levels and reported in limits_hit, never as failures.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include <gmime/gmime.h>
#include <openssl/evp.h>

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

struct single;
static rf_status analyse(struct walk *w, GMimeMessage *gm,
			 const struct single *sp, rf_message *m,
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
static void
sanitize_utf8(rf_buf *b, const char *p, size_t n)
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

static int
is_utf8_charset(const char *cs)
{
	return cs == NULL || g_ascii_strcasecmp(cs, "utf-8") == 0 ||
	    g_ascii_strcasecmp(cs, "utf8") == 0 ||
	    g_ascii_strcasecmp(cs, "us-ascii") == 0 ||
	    g_ascii_strcasecmp(cs, "ascii") == 0;
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
	GMimeEncoding state;
	GMimeStream *mem, *src;
	GByteArray *ba;
	char chunk[4096];
	ssize_t r;

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
		if (enc == GMIME_CONTENT_ENCODING_BASE64 ||
		    enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE) {
			GByteArray *out;
			size_t n;

			g_mime_encoding_init_decode(&state, enc);
			out = g_byte_array_sized_new((guint)
			    g_mime_encoding_outlen(&state, ba->len) + 1);
			n = g_mime_encoding_step(&state, (const char *)ba->data,
			    ba->len, (char *)out->data);
			n += g_mime_encoding_flush(&state, "", 0,
			    (char *)out->data + n);
			g_byte_array_set_size(out, (guint)n);
			g_byte_array_free(ba, TRUE);
			ba = out;
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

/*
 * to_utf8: append the decoded bytes of a text part, converted from
 * charset to UTF-8, to b (capped by b->max).  Unknown charsets, and
 * undeclared 8-bit text that is not UTF-8, are read as Windows-1252 and
 * flagged in *pflags.
 */
static void
to_utf8(const rf_ctx *ctx, rf_buf *b, const char *p, size_t n, size_t max,
	const char *charset, unsigned *pflags)
{
	const char *from = NULL;
	gchar *conv;
	size_t outlen;

	if (n == 0 || p == NULL)
		return;
	if (n > max) {
		n = max;
		*pflags |= RF_PARTF_TRUNCATED;
	}
	if (is_utf8_charset(charset)) {
		const char *bad = p + rf__utf8_bad((const unsigned char *)p, n);

		if (bad == p + n) {
			rf_buf_append(b, p, n);
			return;
		}
		/* declared UTF-8, or only NUL bytes in the way: repair */
		if ((charset != NULL &&
		    g_ascii_strcasecmp(charset, "utf-8") == 0) || *bad == '\0') {
			sanitize_utf8(b, p, n);
			return;
		}
		from = "WINDOWS-1252";
	} else {
		from = g_mime_charset_iconv_name(charset);
	}
	if (rf__charset_fast(b, from, p, n))
		return;
	conv = rf__convert_utf8(ctx, p, n, from, &outlen);
	if (conv == NULL) {
		*pflags |= RF_PARTF_CHARSET_UNKNOWN;
		conv = rf__convert_utf8(ctx, p, n, "WINDOWS-1252", &outlen);
	}
	if (conv != NULL) {
		sanitize_utf8(b, conv, outlen);
		g_free(conv);
	} else {
		sanitize_utf8(b, p, n);
	}
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
static int
grow_counted(rf_arena *a, void **base, size_t n, size_t size)
{
	size_t cap = 0;

	if (n > 0)
		for (cap = 8; cap < n; cap *= 2)
			;
	return rf_arena_grow(a, base, &cap, n, size);
}

/* lower_dup: a lower-cased, trimmed copy of s in the arena. */
static const char *
lower_dup(rf_arena *a, const char *s)
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

	if (grow_counted(w->a, (void **)&m->parts, m->nparts,
	    sizeof(rf_part)) != 0) {
		*st = RF_ENOMEM;
		return NULL;
	}
	p = &m->parts[m->nparts++];
	mime = ct != NULL ? g_mime_content_type_get_mime_type(ct) : NULL;
	p->content_type = mime != NULL ? lower_dup(w->a, mime) :
	    "application/octet-stream";
	g_free(mime);
	p->charset = rf_arena_strdup(w->a, ct != NULL ?
	    g_mime_content_type_get_parameter(ct, "charset") : NULL);
	p->depth = depth;
	*st = p->content_type != NULL ? RF_OK : RF_ENOMEM;
	return *st == RF_OK ? p : NULL;
}

/* add_attachment: metadata of one attachment leaf. */
static rf_status
add_attachment(struct walk *w, rf_message *m, GMimePart *part,
	       unsigned partno, size_t size, const GByteArray *ba)
{
	rf_attachment *at;
	const rf_part *p = &m->parts[partno];

	if (grow_counted(w->a, (void **)&m->attachments, m->nattachments,
	    sizeof(*at)) != 0)
		return RF_ENOMEM;
	at = &m->attachments[m->nattachments++];
	at->filename = p->filename;
	at->content_type = p->content_type;
	at->size = size;
	at->part = partno;
	if (ba != NULL)
		sha256_hex(ba->data, ba->len, at->sha256);
	return RF_OK;
}

/* text_body: the decoded bytes data[0..n) of a text/plain or text/html
 * part to UTF-8, and what the URL and HTML modules extract from them. */
static rf_status
text_body(struct walk *w, rf_message *m, unsigned partno, int html,
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
	st = text_body(w, m, partno, html, (const char *)ba->data, ba->len,
	    err);
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
	p->encoding = lower_dup(w->a, enc);
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
	st = add_attachment(w, m, part, partno, p->size, ba);
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
		if (sub == NULL || grow_counted(w->a, (void **)&m->embedded,
		    m->nembedded, sizeof(*m->embedded)) != 0)
			return rf_error_set(err, RF_ENOMEM, "out of memory");
		m->embedded[m->nembedded++] = sub;
		return analyse(w, em, NULL, sub, depth + 1, err);
	}
	if (GMIME_IS_PART(obj))
		return leaf(w, m, GMIME_PART(obj), depth, err);
	return RF_OK;
}

/*
 * Simple address lists.  GMime's address parser builds an object per
 * mailbox; most address headers are "local@domain" or "Some Name
 * <local@domain>", comma-separated.  For those alone the fields are read
 * here, as GMime reads them: display names of ASCII letters and digits in
 * words with single spaces between them, dot-atom addresses of a few
 * characters, no A-label (GMime shows those in Unicode), nothing else (no
 * quotes, comments, groups, encoded words).  Anything else goes to GMime;
 * tests/unit/test_message_paths.c compares the two on random lists.
 */
#define SIMPLE_MAX 32		/* mailboxes read here */

struct simple_mb {
	const char *name, *addr;	/* not NUL-terminated */
	size_t nlen, alen;
};

static int
atom_char(int c)
{
	return g_ascii_isalnum(c) || c == '_' || c == '+' || c == '-';
}

/* simple_addr: s[0..n) is dot-atom "@" dot-atom as described above. */
static int
simple_addr(const char *s, size_t n)
{
	size_t i, at = n;
	int prev_dot = 1;	/* no dot first */

	for (i = 0; i < n; i++) {
		if (s[i] == '@') {
			if (at != n || prev_dot || i == 0)
				return 0;
			at = i;
			prev_dot = 1;
		} else if (s[i] == '.') {
			if (prev_dot)
				return 0;
			prev_dot = 1;
		} else if (atom_char((unsigned char)s[i]) &&
		    (at == n || s[i] != '+')) {
			/* an A-label starts a domain label with "xn--" */
			if (at != n && prev_dot && i + 4 <= n &&
			    g_ascii_strncasecmp(s + i, "xn--", 4) == 0)
				return 0;
			prev_dot = 0;
		} else {
			return 0;
		}
	}
	return at != n && !prev_dot;
}

/* simple_list: the mailboxes of value when it is a simple list (see
 * above): their count (1..max), or 0 when it is not. */
static int
simple_list(const char *v, struct simple_mb *mb, int max)
{
	const char *p = v, *e, *lt;
	int n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		for (e = p; *e != '\0' && *e != ','; e++)
			;
		if (n == max || e == p)
			return 0;
		mb[n].name = NULL;
		mb[n].nlen = 0;
		lt = memchr(p, '<', (size_t)(e - p));
		if (lt == NULL) {
			const char *q = e;

			while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
				q--;
			if (!simple_addr(p, (size_t)(q - p)))
				return 0;
			mb[n].addr = p;
			mb[n].alen = (size_t)(q - p);
		} else {
			const char *gt = memchr(lt, '>', (size_t)(e - lt));
			const char *q = lt, *t;

			if (gt == NULL)
				return 0;
			for (t = gt + 1; t < e; t++)
				if (*t != ' ' && *t != '\t')
					return 0;
			while (q > p && q[-1] == ' ')
				q--;
			/* words of letters and digits, single spaces */
			for (t = p; t < q; t++)
				if (!g_ascii_isalnum(*t) && !(*t == ' ' &&
				    t > p && t[-1] != ' '))
					return 0;
			if (!simple_addr(lt + 1, (size_t)(gt - lt - 1)))
				return 0;
			mb[n].name = q > p ? p : NULL;
			mb[n].nlen = (size_t)(q - p);
			mb[n].addr = lt + 1;
			mb[n].alen = (size_t)(gt - lt - 1);
		}
		n++;
		if (*e == '\0')
			return n;
		p = e + 1;
	}
}

const char *
rf_addr_spec(rf_arena *a, const char *value)
{
	struct simple_mb mb[SIMPLE_MAX];
	InternetAddressList *list;
	InternetAddress *ia;
	const char *addr = NULL;
	char *out = NULL, *s;
	int i, n;

	if (value == NULL)
		return NULL;
	if (simple_list(value, mb, SIMPLE_MAX) > 0) {
		out = rf_arena_strndup(a, mb[0].addr, mb[0].alen);
		for (s = out; s != NULL && *s != '\0'; s++)
			*s = (char)tolower((unsigned char)*s);
		return out;
	}
	list = internet_address_list_parse(NULL, value);
	if (list == NULL)
		return NULL;
	n = internet_address_list_length(list);
	for (i = 0; i < n && addr == NULL; i++) {
		ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			addr = internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ia));
	}
	if (addr != NULL && *addr != '\0') {
		out = rf_arena_strdup(a, addr);
		for (s = out; s != NULL && *s != '\0'; s++)
			*s = (char)tolower((unsigned char)*s);
	}
	g_object_unref(list);
	return out;
}

/* header_links: the <URL> entries of List-Unsubscribe. */
static rf_status
header_links(struct walk *w, rf_message *m, rf_error *err)
{
	const char *p = m->list_unsubscribe, *end;
	rf_link *k;
	rf_status st;

	while (p != NULL && (p = strchr(p, '<')) != NULL) {
		end = strchr(++p, '>');
		if (end == NULL)
			break;
		if (end > p) {
			k = rf_links_add(w->a, &m->links, &st);
			if (k == NULL) {
				if (st == RF_ELIMIT)
					break;
				return rf_error_set(err, st, "out of memory");
			}
			k->kind = RF_LINK_HEADER;
			k->url = rf_arena_strndup(w->a, p, (size_t)(end - p));
			if (k->url == NULL)
				return rf_error_set(err, RF_ENOMEM,
				    "out of memory");
			st = rf_url_analyse(w->ctx, w->a, k, err);
			if (st != RF_OK)
				return st;
		}
		p = end + 1;
	}
	return RF_OK;
}

/* copy_header: a header value in the arena, cut at max_header_size. */
static const char *
copy_header(struct walk *w, const char *v)
{
	size_t n, max = w->ctx->limits.max_header_size;

	if (v == NULL)
		return NULL;
	n = strlen(v);
	if (n > max) {
		w->top->limits_hit |= RF_LIMIT_HEADER_SIZE;
		n = max;
		/* do not cut a UTF-8 sequence in half */
		while (n > 0 && ((unsigned char)v[n] & 0xc0) == 0x80)
			n--;
	}
	return rf_arena_strndup(w->a, v, n);
}

/* message_id: the msg-id of a Message-ID value, as GMime reads it. */
static const char *
message_id(rf_arena *a, const char *v)
{
	char *id;
	const char *out;

	if (v == NULL || (id = g_mime_utils_decode_message_id(v)) == NULL)
		return NULL;
	out = *id != '\0' ? rf_arena_strdup(a, id) : NULL;
	g_free(id);
	return out;
}

/* fill_fields: the fields every front end wants, from m->headers. */
static void
fill_fields(struct walk *w, rf_message *m)
{
	if (m->nheaders == 0)
		m->flags |= RF_MSG_NO_HEADERS;
	m->message_id = message_id(w->a, rf_message_header(m, "Message-ID"));
	m->subject = rf_message_header(m, "Subject");
	m->from = rf_message_header(m, "From");
	m->from_addr = rf_addr_spec(w->a, m->from);
	m->to = rf_message_header(m, "To");
	m->date = rf_message_header(m, "Date");
	m->list_id = rf_message_header(m, "List-Id");
	m->list_unsubscribe = rf_message_header(m, "List-Unsubscribe");
	m->list_unsubscribe_post = rf_message_header(m,
	    "List-Unsubscribe-Post");
}

/* headers: the headers of an embedded message, as GMime read them. */
static rf_status
headers(struct walk *w, GMimeMessage *gm, rf_message *m, rf_error *err)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(gm));
	int i, n = hl != NULL ? g_mime_header_list_get_count(hl) : 0;

	m->headers = rf_arena_array(w->a, (size_t)(n > 0 ? n : 1),
	    sizeof(rf_header));
	if (m->headers == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		rf_header *rh = &m->headers[m->nheaders];

		rh->name = rf_arena_strdup(w->a, g_mime_header_get_name(h));
		rh->value = copy_header(w, g_mime_header_get_value(h));
		if (rh->name == NULL)
			return rf_error_set(err, RF_ENOMEM, "out of memory");
		if (rh->value == NULL)
			rh->value = "";
		m->nheaders++;
	}
	fill_fields(w, m);
	return RF_OK;
}

/* needs_decoding: p[0..n) has an 8-bit byte or "=?" (maybe an encoded
 * word). */
static int
needs_decoding(const char *p, size_t n)
{
	const char *q = p, *end = p + n;
	uint64_t w, acc = 0;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= (unsigned char)p[i];
	if (acc & 0x8080808080808080ull)
		return 1;
	while ((q = memchr(q, '=', (size_t)(end - q))) != NULL) {
		if (q + 1 < end && q[1] == '?')
			return 1;
		q++;
	}
	return 0;
}

/*
 * header_value: one raw header value (after the colon, continuation lines
 * included) unfolded, trimmed, cut at max_header_size and, when it holds
 * encoded words or 8-bit bytes, decoded to UTF-8 (RFC 2047, fallback
 * charsets of opts).
 */
static const char *
header_value(struct walk *w, GMimeParserOptions *opts, const char *p,
	     size_t n)
{
	size_t max = w->ctx->limits.max_header_size, i, o = 0, cr, lf, e;
	int decode = 0;
	char *v, *dec;
	const char *out, *q;
	rf_buf b;

	while (n > 0 && (*p == ' ' || *p == '\t'))
		p++, n--;
	v = rf_arena_alloc(w->a, n + 1);
	if (v == NULL)
		return NULL;
	/* the bytes without CR and LF, a run at a time (each kind of break
	 * looked for again only once passed: linear) */
	q = n > 0 ? memchr(p, '\r', n) : NULL;
	cr = q != NULL ? (size_t)(q - p) : n;
	q = n > 0 ? memchr(p, '\n', n) : NULL;
	lf = q != NULL ? (size_t)(q - p) : n;
	for (i = 0; i < n; ) {
		if (cr < i) {
			q = memchr(p + i, '\r', n - i);
			cr = q != NULL ? (size_t)(q - p) : n;
		}
		if (lf < i) {
			q = memchr(p + i, '\n', n - i);
			lf = q != NULL ? (size_t)(q - p) : n;
		}
		e = cr < lf ? cr : lf;
		memcpy(v + o, p + i, e - i);
		o += e - i;
		i = e + 1;
	}
	decode = needs_decoding(p, n);
	while (o > 0 && (v[o - 1] == ' ' || v[o - 1] == '\t'))
		o--;
	v[o] = '\0';
	if (decode) {
		dec = g_mime_utils_header_decode_text(opts, v);
		if (dec != NULL) {
			rf_buf_init(&b, 0);
			sanitize_utf8(&b, dec, strlen(dec));
			g_free(dec);
			out = copy_header(w, rf_buf_cstr(&b));
			rf_buf_free(&b);
			return out;
		}
	}
	if (o > max) {
		w->top->limits_hit |= RF_LIMIT_HEADER_SIZE;
		o = max;
		while (o > 0 && ((unsigned char)v[o] & 0xc0) == 0x80)
			o--;
		v[o] = '\0';
	}
	return v;
}

/* header_name_len: length of the header name on the line at p (up to the
 * colon, blanks before it not counted), or 0 when it is no header line. */
static size_t
header_name_len(const char *p, const char *end)
{
	const char *q = p;
	size_t n;

	while (q < end && *q > ' ' && *q < 127 && *q != ':')
		q++;
	n = (size_t)(q - p);
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	return n > 0 && q < end && *q == ':' ? n : 0;
}

/* What the top-level MIME headers say, for the single-part path. */
struct mimehdr {
	const char *ct, *cte;	/* raw values (after the colon) */
	size_t ctlen, ctelen;
	unsigned nct, ncte, ndisp;
	int odd;		/* a MIME header GMime might read otherwise */
};

/* note_mime: one MIME header (name nlen bytes at p, raw value v[0..vn)). */
static void
note_mime(struct mimehdr *mh, const char *p, size_t nlen, const char *v,
	  size_t vn)
{
	size_t i;

	for (i = 0; i < nlen; i++)
		if (!g_ascii_isalnum(p[i]) && p[i] != '-')
			mh->odd = 1;
	if (nlen == 12 && g_ascii_strncasecmp(p, "Content-Type", 12) == 0) {
		if (mh->nct++ == 0) {
			mh->ct = v;
			mh->ctlen = vn;
		}
	} else if (nlen == 25 && g_ascii_strncasecmp(p,
	    "Content-Transfer-Encoding", 25) == 0) {
		mh->cte = v;
		mh->ctelen = vn;
		mh->ncte++;
	} else if (nlen == 19 && g_ascii_strncasecmp(p,
	    "Content-Disposition", 19) == 0) {
		mh->ndisp++;
	} else {
		return;
	}
	if (p[nlen] != ':')	/* blanks before the colon */
		mh->odd = 1;
}

/*
 * top_headers: read the top-level header block of data[0..len) into m
 * and copy its MIME headers (Content-*, MIME-Version) into mime, which
 * GMime then parses with the body: GMime's cost grows with the headers
 * it is given, and only these matter to the MIME structure.  Notes the
 * MIME headers in *mh.  Returns the offset of the body.
 */
static size_t
top_headers(struct walk *w, GMimeParserOptions *opts, rf_message *m,
	    const char *data, size_t len, GByteArray *mime,
	    struct mimehdr *mh, rf_status *st)
{
	const char *p = data, *end = data + len, *next, *nl, *colon;
	size_t nlen;
	rf_header *rh;

	*st = RF_OK;
	memset(mh, 0, sizeof(*mh));
	while (p < end) {
		if (*p == '\n' || (*p == '\r' && p + 1 < end &&
		    p[1] == '\n'))
			return (size_t)(p - data) + (*p == '\r' ? 2 : 1);
		if ((nlen = header_name_len(p, end)) == 0)
			break;	/* not a header: the body starts here */
		next = p;
		do {
			nl = memchr(next, '\n', (size_t)(end - next));
			next = nl != NULL ? nl + 1 : end;
		} while (next < end && (*next == ' ' || *next == '\t'));
		if (grow_counted(w->a, (void **)&m->headers, m->nheaders,
		    sizeof(*rh)) != 0) {
			*st = RF_ENOMEM;
			return 0;
		}
		rh = &m->headers[m->nheaders];
		colon = memchr(p, ':', (size_t)(next - p));
		rh->name = rf_arena_strndup(w->a, p, nlen);
		rh->value = header_value(w, opts, colon + 1,
		    (size_t)(next - colon - 1));
		if (rh->name == NULL || rh->value == NULL) {
			*st = RF_ENOMEM;
			return 0;
		}
		m->nheaders++;
		if (g_ascii_strncasecmp(p, "Content-", 8) == 0 ||
		    g_ascii_strncasecmp(p, "MIME-Version", 12) == 0) {
			note_mime(mh, p, nlen, colon + 1,
			    (size_t)(next - colon - 1));
			g_byte_array_append(mime, (const guint8 *)p,
			    (guint)(next - p));
			if (next[-1] != '\n')
				g_byte_array_append(mime,
				    (const guint8 *)"\n", 1);
		}
		p = next;
	}
	return (size_t)(p - data);
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
 * body) takes the GMime parser.  tests/unit/test_message_paths.c parses
 * messages both ways and compares.
 */
struct single {
	GMimeContentType *ct;	/* NULL: no Content-Type (text/plain) */
	char *cte;		/* Content-Transfer-Encoding value or NULL */
	int html;
	const char *body;
	size_t len;
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

/* single_probe: whether the message the headers in mh head, with body
 * body[0..len), takes the single-part path; fills *sp (single_done
 * releases it) when it does. */
static int
single_probe(GMimeParserOptions *opts, const struct mimehdr *mh,
	     const char *body, size_t len, struct single *sp)
{
	memset(sp, 0, sizeof(*sp));
	if (mh->odd || mh->nct > 1 || mh->ncte > 1 || mh->ndisp > 0 ||
	    len == 0)
		return 0;
	sp->body = body;
	sp->len = len;
	if (mh->ncte == 1) {
		sp->cte = header_text(opts, mh->cte, mh->ctelen);
		if (sp->cte == NULL || g_mime_content_encoding_from_string(
		    sp->cte) == GMIME_CONTENT_ENCODING_UUENCODE)
			goto no;
	}
	if (mh->nct == 1) {
		char *v;

		/* the parser reads the type from the raw value, the part
		 * from the decoded one: encoded words might part them */
		if (g_strstr_len(mh->ct, (gssize)mh->ctlen, "=?") != NULL ||
		    (v = header_text(opts, mh->ct, mh->ctlen)) == NULL)
			goto no;
		sp->ct = g_mime_content_type_parse(opts, v);
		g_free(v);
		if (sp->ct == NULL)
			goto no;
		sp->html = g_mime_content_type_is_type(sp->ct, "text", "html");
		if ((!sp->html && !g_mime_content_type_is_type(sp->ct, "text",
		    "plain")) ||
		    g_mime_content_type_get_parameter(sp->ct, "name") != NULL)
			goto no;
	}
	return 1;
no:
	g_free(sp->cte);
	if (sp->ct != NULL)
		g_object_unref(sp->ct);
	memset(sp, 0, sizeof(*sp));
	return 0;
}

static void
single_done(struct single *sp)
{
	g_free(sp->cte);
	if (sp->ct != NULL)
		g_object_unref(sp->ct);
}

/* single_leaf: the one part of a single-part message (what walk_object,
 * leaf and text_leaf do for it). */
static rf_status
single_leaf(struct walk *w, rf_message *m, const struct single *sp,
	    rf_error *err)
{
	GMimeContentEncoding enc = GMIME_CONTENT_ENCODING_DEFAULT;
	GMimeEncoding state;
	gchar *mime = NULL;
	char *dec = NULL;
	const char *data = sp->body;
	size_t n = sp->len;
	rf_status st;
	rf_part *p;

	if (++w->nparts > w->ctx->limits.max_mime_parts) {
		w->top->limits_hit |= RF_LIMIT_MIME_PARTS;
		return RF_OK;
	}
	if (grow_counted(w->a, (void **)&m->parts, m->nparts,
	    sizeof(rf_part)) != 0)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	p = &m->parts[m->nparts++];
	if (sp->ct != NULL)
		mime = g_mime_content_type_get_mime_type(sp->ct);
	p->content_type = lower_dup(w->a, mime != NULL ? mime : "text/plain");
	g_free(mime);
	p->charset = rf_arena_strdup(w->a, sp->ct != NULL ?
	    g_mime_content_type_get_parameter(sp->ct, "charset") : NULL);
	p->depth = 0;
	p->encoding = lower_dup(w->a, sp->cte);
	if (p->content_type == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	p->flags |= sp->html ? RF_PARTF_HTML : RF_PARTF_TEXT;
	if (sp->cte != NULL)
		enc = g_mime_content_encoding_from_string(sp->cte);
	if (enc == GMIME_CONTENT_ENCODING_BASE64 ||
	    enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE) {
		/* what GMime's decoding filter gives: its steps are the
		 * same at any chunking, and its flush adds nothing */
		g_mime_encoding_init_decode(&state, enc);
		if ((dec = g_try_malloc(g_mime_encoding_outlen(&state, n) +
		    1)) == NULL)
			return rf_error_set(err, RF_ENOMEM, "out of memory");
		n = g_mime_encoding_step(&state, data, n, dec);
		n += g_mime_encoding_flush(&state, "", 0, dec + n);
		data = dec;
	}
	st = text_body(w, m, (unsigned)(m->nparts - 1), sp->html, data, n,
	    err);
	g_free(dec);
	return st;
}

/*
 * analyse: fill m from gm, or from sp for a single-part top level.  Text
 * of embedded messages is gathered apart from the parent's: the parent's
 * scratch text is saved and restored.
 */
static rf_status
analyse(struct walk *w, GMimeMessage *gm, const struct single *sp,
	rf_message *m, unsigned depth, rf_error *err)
{
	rf_buf saved_text = w->text, saved_html = w->html;
	rf_status st;

	m->arena = w->a;
	m->links.max = w->ctx->limits.max_links;
	rf_buf_init(&w->text, w->ctx->limits.max_text_size);
	rf_buf_init(&w->html, w->ctx->limits.max_text_size);
	st = m == w->top ? RF_OK : headers(w, gm, m, err);
	if (st == RF_OK)
		st = header_links(w, m, err);
	if (st == RF_OK)
		st = sp != NULL ? single_leaf(w, m, sp, err) :
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

/* skip_from_line: an mbox From_ line at the start is not a header. */
static size_t
skip_from_line(const char *data, size_t len)
{
	const char *nl;

	if (len < 5 || memcmp(data, "From ", 5) != 0)
		return 0;
	nl = memchr(data, '\n', len);
	return nl != NULL ? (size_t)(nl - data) + 1 : len;
}

rf_status
rf_message_parse(const rf_ctx *ctx, const char *data, size_t len,
		 rf_message **out, rf_error *err)
{
	return rf__message_parse(ctx, data, len, 0, out, err);
}

rf_status
rf__message_parse(const rf_ctx *ctx, const char *data, size_t len,
		  int tree, rf_message **out, rf_error *err)
{
	const char *fallback[] = { "UTF-8", "WINDOWS-1252", NULL };
	struct mimehdr mh;
	struct single sp;
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
	skip = skip_from_line(data, len);
	opts = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(opts,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(opts,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_fallback_charsets(opts, fallback);
	g_mime_parser_options_set_warning_callback(opts, on_warning, &w);
	mime = g_byte_array_sized_new((guint)(len - skip + 64));
	body = skip + top_headers(&w, opts, m, data + skip, len - skip, mime,
	    &mh, &st);
	if (st != RF_OK) {
		g_byte_array_free(mime, TRUE);
		rf_error_set(err, st, "out of memory");
		goto done;
	}
	fill_fields(&w, m);
	if (!tree && single_probe(opts, &mh, data + body, len - body, &sp)) {
		g_byte_array_free(mime, TRUE);
		st = analyse(&w, NULL, &sp, m, 0, err);
		single_done(&sp);
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

const char *
rf_message_header(const rf_message *m, const char *name)
{
	size_t i;

	unsigned char c0 = (unsigned char)g_ascii_tolower(name[0]);

	/* the first letter first: most names differ there */
	for (i = 0; i < m->nheaders; i++)
		if ((unsigned char)g_ascii_tolower(m->headers[i].name[0]) ==
		    c0 && g_ascii_strcasecmp(m->headers[i].name, name) == 0)
			return m->headers[i].value;
	return NULL;
}

const char *
rf_message_recipient(const rf_message *m)
{
	static const char *const names[] = { "Delivered-To", "X-Original-To",
	    "To" };
	const char *v, *addr;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		v = rf_message_header(m, names[i]);
		if (v != NULL && (addr = rf_addr_spec(m->arena, v)) != NULL)
			return addr;
	}
	return NULL;
}

const char *
rf_message_recipient_name(const rf_message *m, const char *addr)
{
	static const char *const names[] = { "To", "Cc" };
	InternetAddressList *list;
	InternetAddress *ia;
	const char *a, *name, *out = NULL;
	size_t i;
	int j, n;

	if (addr == NULL)
		return NULL;
	for (i = 0; i < 2 && out == NULL; i++) {
		const char *v = rf_message_header(m, names[i]);
		struct simple_mb mb[SIMPLE_MAX];
		size_t alen = strlen(addr);

		if (v != NULL && (n = simple_list(v, mb, SIMPLE_MAX)) > 0) {
			for (j = 0; j < n && out == NULL; j++)
				if (mb[j].nlen > 0 && mb[j].alen == alen &&
				    g_ascii_strncasecmp(mb[j].addr, addr,
				    alen) == 0)
					out = rf_arena_strndup(m->arena,
					    mb[j].name, mb[j].nlen);
			continue;
		}
		if (v == NULL || (list = internet_address_list_parse(NULL,
		    v)) == NULL)
			continue;
		n = internet_address_list_length(list);
		for (j = 0; j < n && out == NULL; j++) {
			ia = internet_address_list_get_address(list, j);
			if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
				continue;
			a = internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ia));
			name = internet_address_get_name(ia);
			if (a != NULL && name != NULL && *name != '\0' &&
			    g_ascii_strcasecmp(a, addr) == 0)
				out = rf_arena_strdup(m->arena, name);
		}
		g_object_unref(list);
	}
	return out;
}

long long
rf_message_time(const rf_message *m)
{
	GDateTime *dt;
	long long t;

	if (m->date == NULL)
		return 0;
	dt = g_mime_utils_header_decode_date(m->date);
	if (dt == NULL)
		return 0;
	t = (long long)g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return t;
}
