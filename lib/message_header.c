/*
 * message_header.c - the top-level header block of a message read without
 * GMime's object tree (values unfolded and RFC 2047-decoded as GMime does),
 * simple address lists, List-Unsubscribe links, and the public header
 * accessors.  The MIME walk is in message.c.
 */
#include <ctype.h>
#include <string.h>

#include <gmime/gmime.h>

#include "message_int.h"

/*
 * Simple address lists.  GMime's address parser builds an object per
 * mailbox; most address headers are "local@domain" or "Some Name
 * <local@domain>", comma-separated.  For those alone the fields are read
 * here, as GMime reads them: display names of ASCII letters and digits in
 * words with single spaces between them (or, in quotes, of those and
 * ".'-_"), dot-atom addresses of a few
 * characters, no A-label (GMime shows those in Unicode), nothing else (no
 * quotes, comments, groups, encoded words).  Anything else goes to GMime;
 * tests/unit/test_message_paths.c compares the two on random lists.
 */

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

/* quoted_words: p[0..q) (inside quotes) is words of letters, digits and
 * ".'-_", single spaces between. */
static int
quoted_words(const char *p, const char *q)
{
	const char *t;

	if (*p == ' ' || q[-1] == ' ')
		return 0;
	for (t = p; t < q; t++)
		if (!g_ascii_isalnum(*t) && *t != '.' && *t != '\'' &&
		    *t != '-' && *t != '_' && !(*t == ' ' && t[-1] != ' '))
			return 0;
	return 1;
}

/* simple_list: the mailboxes of value when it is a simple list (see
 * above): their count (1..max), or 0 when it is not. */
int
rf__msg_simple_list(const char *v, struct simple_mb *mb, int max)
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
			if (q - p >= 3 && *p == '"' && q[-1] == '"') {
				/* "words": quotes around the words below */
				if (!quoted_words(p + 1, q - 1))
					return 0;
				p++;
				q--;
			} else {
				/* words of letters and digits, single
				 * spaces */
				for (t = p; t < q; t++)
					if (!g_ascii_isalnum(*t) && !(*t ==
					    ' ' && t > p && t[-1] != ' '))
						return 0;
			}
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

/* name_char: a byte of a quoted display name or comment that one_mailbox
 * takes: printable ASCII but for quotes, backslash and parentheses. */
static int
name_char(unsigned char c)
{
	return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' && c != '(' &&
	    c != ')';
}

/* skip_ws: past spaces and tabs. */
static const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * one_mailbox: value is exactly one mailbox of the form "Quoted Name"
 * <addr> or addr (Comment), the name or comment of name_char bytes and
 * addr simple (see above), with spaces or tabs around: 1 and the address
 * in *addr, *alen; else 0.  GMime reads the same address from those
 * (tests/unit/test_message_paths.c compares rf_addr_spec with it).
 */
static int
one_mailbox(const char *v, const char **addr, size_t *alen)
{
	const char *p = skip_ws(v), *q, *gt;

	if (*p == '"') {
		for (q = p + 1; *q != '"'; q++)
			if (!name_char((unsigned char)*q))
				return 0;
		q = skip_ws(q + 1);
		if (*q != '<' || (gt = strchr(q, '>')) == NULL ||
		    !simple_addr(q + 1, (size_t)(gt - q - 1)) ||
		    *skip_ws(gt + 1) != '\0')
			return 0;
		*addr = q + 1;
		*alen = (size_t)(gt - q - 1);
		return 1;
	}
	for (q = p; *q != '\0' && *q != ' ' && *q != '\t'; q++)
		;
	if (!simple_addr(p, (size_t)(q - p)))
		return 0;
	*addr = p;
	*alen = (size_t)(q - p);
	q = skip_ws(q);
	if (q == p + *alen || *q != '(')
		return 0;
	for (q++; *q != ')'; q++)
		if (!name_char((unsigned char)*q))
			return 0;
	return *skip_ws(q + 1) == '\0';
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
	if (rf__msg_simple_list(value, mb, SIMPLE_MAX) > 0 ||
	    one_mailbox(value, &mb[0].addr, &mb[0].alen)) {
		out = rf_arena_strndup(a, mb[0].addr, mb[0].alen);
		for (s = out; s != NULL && *s != '\0'; s++)
			*s = (char)tolower((unsigned char)*s);
		return out;
	}
	rf__gmime_init();	/* callers need not have parsed a mail */
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

/* env_blank: a byte left out around an envelope address. */
static int
env_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* env_trim: [*s, *e) without blanks on either side. */
static void
env_trim(const char **s, const char **e)
{
	while (*s < *e && env_blank(**s))
		(*s)++;
	while (*e > *s && env_blank((*e)[-1]))
		(*e)--;
}

const char *
rf_envelope_address(const char *s, size_t *len)
{
	const char *e = s + strlen(s), *p, *d;

	env_trim(&s, &e);
	if (s < e && *s == '<')
		s++;
	if (e > s && e[-1] == '>')
		e--;
	env_trim(&s, &e);
	/* A-d-l ":": "@" domain, then "," "@" domain ..., then ':'; a
	 * domain is a name or an address literal in brackets */
	for (p = s; p < e && *p == '@';) {
		if ((d = ++p) < e && *p == '[') {
			while (p < e && *p != ']')
				p++;
			p += p < e;
		} else {
			while (p < e && *p != ',' && *p != ':' && *p != '@' &&
			    !env_blank(*p))
				p++;
		}
		if (p == d || p == e || (*p != ',' && *p != ':'))
			break;		/* not a route: kept as it is */
		if (*p++ == ':') {
			s = p;
			break;
		}
	}
	*len = (size_t)(e - s);
	return s;
}

/* header_links: the <URL> entries of List-Unsubscribe. */
rf_status
rf__msg_header_links(struct walk *w, rf_message *m, rf_error *err)
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
/* id_atom: a byte of the dot-atoms rf__msg_id_fast reads. */
static int
id_atom(char c)
{
	return g_ascii_isalnum(c) || c == '-' || c == '_' || c == '+' ||
	    c == '$' || c == '%' || c == '=';
}

/* dot_atom: p[0..n) is atoms of id_atom bytes joined by single dots. */
static int
dot_atom(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || p[0] == '.' || p[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!id_atom(p[i]) && !(p[i] == '.' && p[i - 1] != '.'))
			return 0;
	return 1;
}

int
rf__msg_id_fast(const char *v, const char **id, size_t *len)
{
	const char *p = v, *at, *gt;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '<' || (gt = strchr(p, '>')) == NULL ||
	    (at = memchr(p, '@', (size_t)(gt - p))) == NULL ||
	    !dot_atom(p + 1, (size_t)(at - p - 1)) ||
	    !dot_atom(at + 1, (size_t)(gt - at - 1)))
		return 0;
	for (at = gt + 1; *at == ' ' || *at == '\t'; at++)
		;
	if (*at != '\0')
		return 0;
	*id = p + 1;
	*len = (size_t)(gt - p - 1);
	return 1;
}

static const char *
message_id(rf_arena *a, const char *v)
{
	char *id;
	const char *out, *fid;
	size_t flen;

	if (v != NULL && rf__msg_id_fast(v, &fid, &flen))
		return rf_arena_strndup(a, fid, flen);
	if (v == NULL || (id = g_mime_utils_decode_message_id(v)) == NULL)
		return NULL;
	out = *id != '\0' ? rf_arena_strdup(a, id) : NULL;
	g_free(id);
	return out;
}

/* fill_fields: the fields every front end wants, from m->headers. */
void
rf__msg_fill_fields(struct walk *w, rf_message *m)
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
rf_status
rf__msg_headers(struct walk *w, GMimeMessage *gm, rf_message *m, rf_error *err)
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
	rf__msg_fill_fields(w, m);
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
			rf__msg_sanitize_utf8(&b, dec, strlen(dec));
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

/* The header-line readers shared with message_mime.c (contracts in
 * message_int.h). */
/* field_char: c may be in a header field's name (RFC 5322 ftext:
 * printable ASCII but ':'). */
static int
field_char(char c)
{
	return c > ' ' && c < 127 && c != ':';
}

int
rf_message_field_name(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!field_char(name[i]))
			return 0;
	return n > 0;
}

size_t
rf__msg_header_name_len(const char *p, const char *end)
{
	const char *q = p;
	size_t n;

	while (q < end && field_char(*q))
		q++;
	n = (size_t)(q - p);
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	return n > 0 && q < end && *q == ':' ? n : 0;
}

const char *
rf__msg_header_end(const char *p, const char *end)
{
	const char *nl;

	do {
		nl = memchr(p, '\n', (size_t)(end - p));
		p = nl != NULL ? nl + 1 : end;
	} while (p < end && (*p == ' ' || *p == '\t'));
	return p;
}

void
rf__msg_note_mime(struct mimehdr *mh, const char *p, size_t nlen,
		  const char *v, size_t vn)
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
		mh->disp = v;
		mh->displen = vn;
		mh->ndisp++;
	} else {
		return;
	}
	if (p[nlen] != ':')	/* blanks before the colon */
		mh->odd = 1;
}

/* mime_field: whether the field p (its name nlen bytes) is one GMime is
 * given (Content-*, MIME-Version); if so and mime is not NULL, the field
 * [p, next) appended to mime, ending in a line end. */
static int
mime_field(GByteArray *mime, const char *p, size_t nlen, const char *next)
{
	if (!rf__prefix_ci(p, nlen, "content-") &&
	    !rf__prefix_ci(p, nlen, "mime-version"))
		return 0;
	if (mime != NULL) {
		g_byte_array_append(mime, (const guint8 *)p,
		    (guint)(next - p));
		if (next[-1] != '\n')
			g_byte_array_append(mime, (const guint8 *)"\n", 1);
	}
	return 1;
}

size_t
rf__mime_fields(const char *data, size_t len, GByteArray *mime, int *blank)
{
	const char *p = data, *end = data + len, *next;
	size_t nlen;

	*blank = 0;
	while (p < end) {
		if (*p == '\n' || (*p == '\r' && p + 1 < end &&
		    p[1] == '\n')) {
			*blank = 1;
			return (size_t)(p - data) + (*p == '\r' ? 2 : 1);
		}
		if ((nlen = rf__msg_header_name_len(p, end)) == 0)
			break;	/* not a header: the body starts here */
		next = rf__msg_header_end(p, end);
		mime_field(mime, p, nlen, next);
		p = next;
	}
	return (size_t)(p - data);
}

/*
 * top_headers: read the top-level header block of data[0..len) into m
 * and copy its MIME headers (Content-*, MIME-Version) into mime, which
 * GMime then parses with the body: GMime's cost grows with the headers
 * it is given, and only these matter to the MIME structure.  Notes the
 * MIME headers in *mh.  Returns the offset of the body (where
 * rf__mime_fields ends the block: the same line readers).
 */
size_t
rf__msg_top_headers(struct walk *w, GMimeParserOptions *opts, rf_message *m,
	    const char *data, size_t len, GByteArray *mime,
	    struct mimehdr *mh, rf_status *st)
{
	const char *p = data, *end = data + len, *next, *colon;
	size_t nlen;
	rf_header *rh;

	*st = RF_OK;
	memset(mh, 0, sizeof(*mh));
	while (p < end) {
		if (*p == '\n' || (*p == '\r' && p + 1 < end &&
		    p[1] == '\n'))
			return (size_t)(p - data) + (*p == '\r' ? 2 : 1);
		if ((nlen = rf__msg_header_name_len(p, end)) == 0)
			break;	/* not a header: the body starts here */
		next = rf__msg_header_end(p, end);
		if (rf__msg_grow_counted(w->a, (void **)&m->headers,
		    m->nheaders, sizeof(*rh)) != 0) {
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
		if (mime_field(mime, p, nlen, next))
			rf__msg_note_mime(mh, p, nlen, colon + 1,
			    (size_t)(next - colon - 1));
		p = next;
	}
	return (size_t)(p - data);
}

const char *
rf_message_header(const rf_message *m, const char *name)
{
	int c0 = rf__ascii_lower((unsigned char)name[0]);
	size_t i;

	/* the first letter first: most names differ there */
	for (i = 0; i < m->nheaders; i++)
		if (rf__ascii_lower((unsigned char)m->headers[i].name[0]) ==
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

		if (v != NULL &&
		    (n = rf__msg_simple_list(v, mb, SIMPLE_MAX)) > 0) {
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

/* num: the n-digit (exactly) decimal at *p, advancing *p; -1 if not. */
static int
num(const char **p, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return v;
}

/* days_from_civil: days since 1970-01-01 of y-m-d (proleptic Gregorian). */
static long long
days_from_civil(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
rf__msg_date_fast(const char *v, long long *t)
{
	static const char days[] = "MonTueWedThuFriSatSun";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	const char *p = v, *q;
	int d, mo, y, h, mi, sec, zh, zm, sign, leap;

	while (*p == ' ' || *p == '\t')
		p++;
	for (d = 0; d < 7; d++)	/* an optional "Ddd, " */
		if (strncmp(p, days + 3 * d, 3) == 0 && p[3] == ',')
			break;
	if (d < 7)
		for (p += 4; *p == ' '; p++)
			;
	q = p;
	if ((d = num(&p, 2)) < 0 && (p = q, d = num(&p, 1)) < 0)
		return 0;
	if (*p++ != ' ')
		return 0;
	for (mo = 0; mo < 12; mo++)
		if (strncmp(p, months + 3 * mo, 3) == 0)
			break;
	if (mo == 12 || p[3] != ' ')
		return 0;
	p += 4;
	if ((y = num(&p, 4)) < 1970 || y > 2199 || *p++ != ' ' ||
	    (h = num(&p, 2)) < 0 || *p++ != ':' || (mi = num(&p, 2)) < 0 ||
	    *p++ != ':' || (sec = num(&p, 2)) < 0 || *p++ != ' ' ||
	    (*p != '+' && *p != '-'))
		return 0;
	sign = *p++ == '-' ? -1 : 1;
	if ((zh = num(&p, 2)) < 0 || (zm = num(&p, 2)) < 0)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d < 1 || d > mdays[mo] + (mo == 1 && leap) || h > 23 || mi > 59 ||
	    sec > 59 || zh > 14 || zm > 59)
		return 0;
	while (*p == ' ')
		p++;
	if (*p == '(') {	/* a comment: "(EST)" */
		for (p++; *p != ')'; p++)
			if (!g_ascii_isalnum(*p) && *p != ' ')
				return 0;
		for (p++; *p == ' '; p++)
			;
	}
	if (*p != '\0')
		return 0;
	*t = days_from_civil(y, mo + 1, d) * 86400 + h * 3600 + mi * 60 +
	    sec - sign * (zh * 3600 + zm * 60);
	return 1;
}

long long
rf_message_time(const rf_message *m)
{
	GDateTime *dt;
	long long t;

	if (m->date == NULL)
		return 0;
	if (rf__msg_date_fast(m->date, &t))
		return t;
	dt = g_mime_utils_header_decode_date(m->date);
	if (dt == NULL)
		return 0;
	t = (long long)g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return t;
}
