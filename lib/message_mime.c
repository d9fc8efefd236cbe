/*
 * message_mime.c - multipart messages read from their bytes, without
 * GMime's object tree.
 *
 * GMime's parser builds an object per part (headers, content type, data
 * wrapper, streams) and frees it all again: for a multipart message that
 * costs more than what is read from it.  Here the structure is read as
 * GMime 3.2's parser (gmime-parser.c) reads it, for the messages where
 * that is certain, and the walk of message.c is done over the result:
 *
 *   - a content line is a boundary line when, after one trailing CR is
 *     taken off, it is "--" boundary ["--"] followed by blanks (space,
 *     tab, CR) only, boundaries compared innermost first, the closing
 *     form before the plain one;
 *   - the newline before a boundary line belongs to the boundary: one
 *     byte is taken off the content before it, two when the boundary
 *     line itself ends in CR LF (GMime looks at the boundary line, not
 *     at the content);
 *   - a multipart's preamble runs to its first boundary line; its parts
 *     each start after a boundary line; a closing line ends them, and
 *     the epilogue then runs to a boundary of an enclosing multipart;
 *     an enclosing multipart's boundary also ends the inner one (GMime
 *     warns: malformed multipart), and so does the end of the input
 *     (truncated message); both set RF_MSG_MIME_DAMAGED, as GMime's
 *     warnings do;
 *   - a part without Content-Type is text/plain.
 *
 * Anything else declines to GMime: a part header block that is not
 * "Name: value" lines (with folded continuations) ended by an empty line,
 * read with the top-level block's line readers (message_header.c), or
 * that has a Content-* name with a byte other than a letter, digit or
 * '-'; a Content-Type or Content-Disposition not in the plain form
 * rf__msg_params_fast reads (RFC 2231, encoded words, escapes), or given
 * twice; message parts (type message) and multipart/digest; a multipart without
 * boundary; uuencode; encoded words or 8-bit bytes in a transfer encoding;
 * nesting deeper than MP_MAX_NEST; a long line holding a boundary (GMime
 * reads content in 4 KB blocks and may cut such a line in two, each half
 * then checked as a line).  tests/unit/test_message_paths.c and
 * fuzz/fuzz_message.c parse messages both ways and compare.
 */
#include <stddef.h>
#include <string.h>

#include <gmime/gmime.h>

#include "message_int.h"

/* multipart nesting read here (GMime's own limit is 1024) */
#define MP_MAX_NEST 64
/* boundary length read here (RFC 2046: 70); GMime's block reader needs
 * longer lines than MP_LONG_LINE for boundaries up to this */
#define MP_MAX_BOUNDARY 70
/* parts read here; more go to GMime */
#define MP_MAX_NODES 4096
/* lines longer than this may be cut in two by GMime's 4 KB block reader
 * (it keeps whole only what fits in 128 bytes): they must not hold a
 * boundary */
#define MP_LONG_LINE 100
/* header field name length read here */
#define MP_MAX_NAME 76

/* ct_tok: a byte of the tokens rf__msg_params_fast reads. */
static int
ct_tok(char c)
{
	return g_ascii_isalnum(c) || c == '-' || c == '.' || c == '_' ||
	    c == '+';
}

/* ct_ws: past blanks and line breaks (those of a folded value). */
static const char *
ct_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
	    *p == '\n'))
		p++;
	return p;
}

/* param_slot: where rf__msg_params_fast keeps parameter pn[0..pl), or
 * NULL for one it does not keep. */
static const char **
param_slot(struct mimeparams *pp, const char *pn, size_t pl, size_t **len)
{
	static const struct {
		const char *name;
		size_t len, off, loff;
	} keep[] = {
		{ "charset", 7, offsetof(struct mimeparams, charset),
		    offsetof(struct mimeparams, charsetlen) },
		{ "name", 4, offsetof(struct mimeparams, name),
		    offsetof(struct mimeparams, namelen) },
		{ "filename", 8, offsetof(struct mimeparams, filename),
		    offsetof(struct mimeparams, filenamelen) },
		{ "boundary", 8, offsetof(struct mimeparams, boundary),
		    offsetof(struct mimeparams, boundarylen) },
	};
	size_t i;

	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (pl == keep[i].len &&
		    g_ascii_strncasecmp(pn, keep[i].name, pl) == 0) {
			*len = (size_t *)((char *)pp + keep[i].loff);
			return (const char **)((char *)pp + keep[i].off);
		}
	return NULL;
}

int
rf__msg_params_fast(const char *v, size_t n, int disp, struct mimeparams *pp)
{
	const char *p = v, *end = v + n, *t, *pn, *val, **slot;
	size_t pl, vl, *slotlen;

	memset(pp, 0, sizeof(*pp));
	p = ct_ws(p, end);
	for (t = p; p < end && ct_tok(*p); p++)
		;
	if (p == t)
		return 0;
	if (!disp) {
		const char *st;

		if (p == end || *p != '/')
			return 0;
		for (st = ++p; p < end && ct_tok(*p); p++)
			;
		if (p == st)
			return 0;
	}
	pp->mime = t;
	pp->mimelen = (size_t)(p - t);
	for (;;) {
		if ((p = ct_ws(p, end)) == end)
			break;
		if (*p != ';')
			return 0;
		if ((p = ct_ws(p + 1, end)) == end)
			break;		/* a trailing ';' */
		for (pn = p; p < end && ct_tok(*p); p++)
			;
		pl = (size_t)(p - pn);
		if (pl == 0 || p == end || *p != '=')
			return 0;
		p = ct_ws(p + 1, end);	/* blanks after '=' */
		if (p < end && *p == '"') {
			for (val = ++p; p < end && *p != '"'; p++)
				if ((unsigned char)*p < 0x20 ||
				    (unsigned char)*p > 0x7e || *p == '\\' ||
				    (*p == '=' && p + 1 < end && p[1] == '?'))
					return 0;
			if (p == end)
				return 0;
			vl = (size_t)(p++ - val);
		} else {
			for (val = p; p < end && ct_tok(*p); p++)
				;
			if ((vl = (size_t)(p - val)) == 0)
				return 0;
		}
		if ((slot = param_slot(pp, pn, pl, &slotlen)) != NULL) {
			if (*slot != NULL)
				return 0;	/* which one: GMime's call */
			*slot = val;
			*slotlen = vl;
		}
	}
	return 1;
}

/* What a content scan ended on: the end of the input, or a boundary line
 * of level (index in the stack), closing or not. */
enum { MP_EOS, MP_BOUNDARY };

struct mp_found {
	int kind;
	int level;
	int closing;
};

/* The scan of one message. */
struct mp_scan {
	const char *end;		/* end of the body */
	const char *bnd[MP_MAX_NEST];	/* boundary stack, innermost last */
	size_t blen[MP_MAX_NEST];
	int nb;
	struct mp_msg *mp;
	int decline;			/* GMime must read this message */
};

/* blank: the bytes GMime lets follow a boundary (its LWSP, within a line). */
static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* is_bnd: t[0..len) is "--" b (closing: then "--") then blanks only; a
 * control byte among them declines the message (not sure of GMime's
 * table there). */
static int
is_bnd(struct mp_scan *s, const char *t, size_t len, int i, int closing)
{
	size_t bl = s->blen[i], need = bl + 2 + (closing ? 2 : 0), k;

	if (len < need || memcmp(t + 2, s->bnd[i], bl) != 0 ||
	    (closing && (t[bl + 2] != '-' || t[bl + 3] != '-')))
		return 0;
	for (k = need; k < len; k++)
		if (!blank(t[k])) {
			if ((unsigned char)t[k] < 0x20 || t[k] == 0x7f)
				s->decline = 1;
			return 0;
		}
	return 1;
}

/* check_boundary: whether line t[0..len) (no newline) is a boundary
 * line of the stack (see the top of the file); fills *f when it is. */
static int
check_boundary(struct mp_scan *s, const char *t, size_t len,
	       struct mp_found *f)
{
	int i;

	if (len > 0 && t[len - 1] == '\r')
		len--;
	if (len < 2 || t[0] != '-' || t[1] != '-')
		return 0;
	for (i = s->nb - 1; i >= 0; i--) {
		if (is_bnd(s, t, len, i, 1) || is_bnd(s, t, len, i, 0)) {
			f->kind = MP_BOUNDARY;
			f->level = i;
			f->closing = is_bnd(s, t, len, i, 1);
			return 1;
		}
	}
	return 0;
}

/* long_line_risk: a line t[0..len) that GMime may cut in two holds "--"
 * and a boundary of the stack. */
static int
long_line_risk(const struct mp_scan *s, const char *t, size_t len)
{
	const char *q, *hit;
	int i;

	for (i = 0; i < s->nb; i++)
		for (q = t; (hit = memmem(q, (size_t)(t + len - q), s->bnd[i],
		    s->blen[i])) != NULL; q = hit + 1)
			if (hit - t >= 2 && hit[-1] == '-' && hit[-2] == '-')
				return 1;
	return 0;
}

/*
 * scan_content: content from *pp up to the next boundary line of the
 * stack, or to the end: its bytes at *body, *len (the newline the
 * boundary owns taken off), *pp left at the boundary line (not consumed)
 * or at the end; what ended it in *f.  face: a preamble or epilogue,
 * whose bytes are not used.
 */
static void
scan_content(struct mp_scan *s, const char **pp, const char **body,
	     size_t *len, struct mp_found *f, int face)
{
	const char *start = *pp, *q = *pp, *nl, *le;
	size_t n, cut;

	while (q < s->end) {
		nl = memchr(q, '\n', (size_t)(s->end - q));
		le = nl != NULL ? nl : s->end;
		n = (size_t)(le - q);
		if (n > MP_LONG_LINE && s->nb > 0 && long_line_risk(s, q, n)) {
			s->decline = 1;
			break;
		}
		if (check_boundary(s, q, n, f)) {
			n = (size_t)(q - start);
			/* GMime looks at the end of the boundary line */
			cut = le[-1] == '\r' ? 2 : 1;
			if (n > 0) {
				if (n < cut)	/* GMime keeps nothing */
					cut = n;
				n -= cut;
			}
			*body = start;
			*len = n;
			*pp = q;
			return;
		}
		q = nl != NULL ? nl + 1 : s->end;
	}
	f->kind = MP_EOS;
	*body = start;
	*len = (size_t)(q - start);
	*pp = q;
}

/* new_node: room for one more node; its index, or -1 (declined). */
static long
new_node(struct mp_scan *s, unsigned depth)
{
	struct mp_msg *mp = s->mp;
	struct mp_node *nd;

	if (mp->n == MP_MAX_NODES) {
		s->decline = 1;
		return -1;
	}
	if (mp->n == mp->cap) {
		size_t cap = mp->cap > 0 ? mp->cap * 2 : 8;

		nd = g_try_realloc(mp->nodes, cap * sizeof(*nd));
		if (nd == NULL) {
			s->decline = 1;
			return -1;
		}
		mp->nodes = nd;
		mp->cap = cap;
	}
	nd = &mp->nodes[mp->n];
	memset(nd, 0, sizeof(*nd));
	nd->depth = depth;
	return (long)mp->n++;
}

/* is_type: the type/subtype span m[0..n) is type/sub, ignoring case. */
static int
is_type(const char *m, size_t n, const char *type, const char *sub)
{
	size_t tl = strlen(type), sl = strlen(sub);

	return n == tl + 1 + sl && g_ascii_strncasecmp(m, type, tl) == 0 &&
	    m[tl] == '/' && (sl == 1 && *sub == '*' ? 1 :
	    g_ascii_strncasecmp(m + tl + 1, sub, sl) == 0);
}

/* is_multipart: the span m[0..n) is multipart/anything. */
static int
is_multipart(const char *m, size_t n)
{
	return n > 10 && g_ascii_strncasecmp(m, "multipart/", 10) == 0;
}

/* part_headers: the header block at *pp, read as the top-level one
 * (rf__msg_header_name_len, rf__msg_header_end, rf__msg_note_mime):
 * "Name: value" lines (no name starting with "--", none longer than
 * MP_MAX_NAME, no blank before the colon), folded continuations, each
 * ended by a newline, then an empty line; *pp past it, its MIME headers
 * in *h.  0 (declined) for anything else, and for a MIME header given
 * twice or with an odd name (mh->odd). */
static int
part_headers(struct mp_scan *s, const char **pp, struct mimehdr *h)
{
	const char *q = *pp, *end = s->end, *next;
	size_t nlen;

	memset(h, 0, sizeof(*h));
	for (;;) {
		if (q >= end)
			return 0;
		if (*q == '\n' || (*q == '\r' && q + 1 < end && q[1] == '\n')) {
			*pp = q + (*q == '\r' ? 2 : 1);
			return !h->odd && h->nct <= 1 && h->ncte <= 1 &&
			    h->ndisp <= 1;
		}
		/* GMime 3.2 may take a boundary for the end of the
		 * headers, even one with a colon */
		if (end - q >= 2 && q[0] == '-' && q[1] == '-')
			return 0;
		nlen = rf__msg_header_name_len(q, end);
		if (nlen == 0 || nlen > MP_MAX_NAME || q[nlen] != ':')
			return 0;
		next = rf__msg_header_end(q, end);
		if (next[-1] != '\n')
			return 0;	/* the input ends in it */
		if (next - q > MP_LONG_LINE && long_line_risk(s, q,
		    (size_t)(next - q)))
			return 0;	/* as in content: a cut line */
		if (rf__prefix_ci(q, nlen, "content-"))
			rf__msg_note_mime(h, q, nlen, q + nlen + 1,
			    (size_t)(next - q - nlen - 1));
		q = next;
	}
}

/* plain_value: v[0..n) has only printable ASCII, blanks and line breaks,
 * and no "=?": what unfolding gives as it is, decoding nothing. */
static int
plain_value(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') ||
		    c > 0x7e || (c == '=' && i + 1 < n && v[i + 1] == '?'))
			return 0;
	}
	return 1;
}

/* leaf_node: node nd of a leaf from its headers h; 0 when declined. */
static int
leaf_node(struct mp_node *nd, const struct mimehdr *h,
	  const struct mimeparams *ct)
{
	struct mimeparams dp;
	char *raw;

	if (h->ct != NULL) {
		if (g_ascii_strncasecmp(ct->mime, "message/", 8) == 0)
			return 0;
		nd->mime = ct->mime;
		nd->mimelen = ct->mimelen;
		nd->charset = ct->charset;
		nd->charsetlen = ct->charsetlen;
		nd->fname = ct->name;
		nd->fnamelen = ct->namelen;
	}
	if (h->disp != NULL) {
		if (!rf__msg_params_fast(h->disp, h->displen, 1, &dp))
			return 0;
		nd->attach = dp.mimelen == 10 &&
		    g_ascii_strncasecmp(dp.mime, "attachment", 10) == 0;
		if (dp.filename != NULL) {
			nd->fname = dp.filename;
			nd->fnamelen = dp.filenamelen;
		}
	}
	if (h->cte != NULL) {
		if (!plain_value(h->cte, h->ctelen))
			return 0;
		raw = g_strndup(h->cte, h->ctelen);
		nd->cte = g_mime_utils_header_unfold(raw);
		g_free(raw);
		if (nd->cte == NULL || g_mime_content_encoding_from_string(
		    nd->cte) == GMIME_CONTENT_ENCODING_UUENCODE)
			return 0;
	}
	return 1;
}

static void multipart(struct mp_scan *s, const char **pp, const char *b,
		      size_t bl, unsigned depth, struct mp_found *f);

/* subparts: the parts of the multipart at the top of the stack (depth
 * depth), *pp at its first boundary line; what ended them in *f. */
static void
subparts(struct mp_scan *s, const char **pp, unsigned depth,
	 struct mp_found *f)
{
	struct mimeparams ct;
	struct mimehdr h;
	const char *nl;
	long i;

	memset(&ct, 0, sizeof(ct));
	do {
		/* past the boundary line */
		nl = memchr(*pp, '\n', (size_t)(s->end - *pp));
		if (nl == NULL) {
			*pp = s->end;
			f->kind = MP_EOS;
			return;
		}
		*pp = nl + 1;
		if (!part_headers(s, pp, &h) || (h.ct != NULL &&
		    !rf__msg_params_fast(h.ct, h.ctlen, 0, &ct)) ||
		    (i = new_node(s, depth + 1)) < 0) {
			s->decline = 1;
			return;
		}
		if (h.ct != NULL && is_multipart(ct.mime, ct.mimelen)) {
			if (ct.boundary == NULL || is_type(ct.mime,
			    ct.mimelen, "multipart", "digest")) {
				s->decline = 1;
				return;
			}
			s->mp->nodes[i].multipart = 1;
			multipart(s, pp, ct.boundary, ct.boundarylen,
			    depth + 1, f);
		} else {
			struct mp_node *nd = &s->mp->nodes[i];

			if (!leaf_node(nd, &h, &ct)) {
				s->decline = 1;
				return;
			}
			scan_content(s, pp, &nd->body, &nd->len, f, 0);
		}
		if (s->decline)
			return;
	} while (f->kind == MP_BOUNDARY && f->level == s->nb - 1 &&
	    !f->closing);
}

/* multipart: a multipart (depth depth, boundary b[0..bl)) whose content
 * starts at *pp, as GMime's parser_construct_multipart reads it; what
 * ended it (for its parent) in *f. */
static void
multipart(struct mp_scan *s, const char **pp, const char *b, size_t bl,
	  unsigned depth, struct mp_found *f)
{
	const char *body, *nl;
	size_t len;
	int me = s->nb;

	if (s->nb == MP_MAX_NEST || bl == 0 || bl > MP_MAX_BOUNDARY) {
		s->decline = 1;
		return;
	}
	s->bnd[s->nb] = b;
	s->blen[s->nb++] = bl;
	scan_content(s, pp, &body, &len, f, 1);	/* the preamble */
	if (!s->decline && f->kind == MP_BOUNDARY && f->level == me &&
	    !f->closing)
		subparts(s, pp, depth, f);
	if (s->decline)
		return;
	if (f->kind == MP_BOUNDARY && f->level == me && f->closing) {
		nl = memchr(*pp, '\n', (size_t)(s->end - *pp));
		*pp = nl != NULL ? nl + 1 : s->end;
		s->nb--;
		scan_content(s, pp, &body, &len, f, 1);	/* the epilogue */
		return;
	}
	/* an enclosing boundary or the end: GMime warns */
	s->mp->damaged = 1;
	s->nb--;
}

int
rf__msg_mime_probe(const struct mimehdr *mh, const char *body, size_t len,
		   struct mp_msg *mp)
{
	struct mimeparams ct;
	struct mp_scan s;
	struct mp_found f;
	const char *p = body;
	long i;

	memset(mp, 0, sizeof(*mp));
	memset(&ct, 0, sizeof(ct));
	if (mh->odd || mh->nct > 1 || mh->ncte > 1 || mh->ndisp > 1 ||
	    (mh->nct == 1 && !rf__msg_params_fast(mh->ct, mh->ctlen, 0, &ct)))
		return 0;
	memset(&s, 0, sizeof(s));
	s.end = body + len;
	s.mp = mp;
	if (mh->nct == 1 && is_multipart(ct.mime, ct.mimelen)) {
		if (ct.boundary == NULL || is_type(ct.mime, ct.mimelen,
		    "multipart", "digest") || (i = new_node(&s, 0)) < 0)
			return 0;
		mp->nodes[i].multipart = 1;
		multipart(&s, &p, ct.boundary, ct.boundarylen, 0, &f);
	} else {
		/* one leaf: its content is the whole body (no boundary to
		 * end it); an empty one goes to GMime, as in message.c.
		 * Each MIME header is given at most once (above): mh's
		 * values are NULL for the absent ones */
		if (len == 0 || (i = new_node(&s, 0)) < 0 ||
		    !leaf_node(&mp->nodes[i], mh, &ct))
			s.decline = 1;
		else {
			mp->nodes[i].body = body;
			mp->nodes[i].len = len;
		}
	}
	if (s.decline) {
		rf__msg_mime_done(mp);
		return 0;
	}
	return 1;
}

void
rf__msg_mime_done(struct mp_msg *mp)
{
	size_t i;

	for (i = 0; i < mp->n; i++)
		g_free(mp->nodes[i].cte);
	g_free(mp->nodes);
	memset(mp, 0, sizeof(*mp));
}

/* decode: the content of nd with its transfer encoding undone, as
 * message.c's decode_part gives it (rf__msg_decode). */
static int
decode(const struct mp_node *nd, char **out, size_t *n)
{
	GMimeContentEncoding enc = GMIME_CONTENT_ENCODING_DEFAULT;

	if (nd->cte != NULL)
		enc = g_mime_content_encoding_from_string(nd->cte);
	return rf__msg_decode(enc, nd->body, nd->len, out, n);
}

/* leaf: one leaf node (what message.c's leaf does for a GMimePart): a
 * leaf of a multipart, or the single-part body message.c's single_probe
 * read (nd->mime then as GMime's Content-Type parser gives it, never with
 * blanks around). */
static rf_status
leaf(struct walk *w, rf_message *m, const struct mp_node *nd, rf_error *err)
{
	const char *mime = nd->mime != NULL ? nd->mime : "text/plain";
	size_t ml = nd->mime != NULL ? nd->mimelen : 10, n;
	char *ct, *q, *dec;
	const char *data;
	unsigned partno;
	int is_text, is_html, attach;
	rf_status st;
	rf_part *p;

	if (rf__msg_grow_counted(w->a, (void **)&m->parts, m->nparts,
	    sizeof(rf_part)) != 0)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	partno = (unsigned)m->nparts;
	p = &m->parts[m->nparts++];
	/* one copy, lower-cased in place: the span is tokens and '/'
	 * (rf__msg_params_fast), nothing for rf__msg_lower_dup to trim */
	if ((ct = rf_arena_strndup(w->a, mime, ml)) != NULL)
		for (q = ct; *q != '\0'; q++)
			*q = g_ascii_tolower(*q);
	p->content_type = ct;
	p->charset = nd->charset != NULL ? rf_arena_strndup(w->a,
	    nd->charset, nd->charsetlen) : NULL;
	p->depth = nd->depth;
	p->filename = nd->fname != NULL ? rf_arena_strndup(w->a, nd->fname,
	    nd->fnamelen) : NULL;
	p->encoding = rf__msg_lower_dup(w->a, nd->cte);
	if (ct == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	attach = nd->attach || nd->fname != NULL;
	is_text = is_type(mime, ml, "text", "plain");
	is_html = is_type(mime, ml, "text", "html");
	if (!decode(nd, &dec, &n))
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	data = dec != NULL ? dec : nd->body;
	if ((is_text || is_html) && !attach) {
		p->flags |= is_html ? RF_PARTF_HTML : RF_PARTF_TEXT;
		st = rf__msg_text_body(w, m, partno, is_html, data, n, err);
	} else {
		p->flags |= RF_PARTF_ATTACHMENT;
		p->size = n;
		st = rf__msg_attachment(w, m, partno,
		    (const unsigned char *)(data != NULL ? data : ""), n);
		if (st != RF_OK)
			rf_error_set(err, st, "out of memory");
	}
	g_free(dec);
	return st;
}

rf_status
rf__msg_mime_walk(struct walk *w, rf_message *m, const struct mp_msg *mp,
		  rf_error *err)
{
	const rf_limits *lim = &w->ctx->limits;
	unsigned skip = 0;	/* > 0: skip nodes deeper than skip - 1 */
	rf_status st;
	size_t i;

	for (i = 0; i < mp->n; i++) {
		const struct mp_node *nd = &mp->nodes[i];

		if (skip > 0 && nd->depth >= skip)
			continue;	/* below a node not walked */
		skip = 0;
		if (nd->depth > lim->max_mime_depth) {
			w->top->limits_hit |= RF_LIMIT_MIME_DEPTH;
			skip = nd->depth + 1;
			continue;
		}
		if (++w->nparts > lim->max_mime_parts) {
			w->top->limits_hit |= RF_LIMIT_MIME_PARTS;
			skip = nd->depth + 1;
			continue;
		}
		if (!nd->multipart && (st = leaf(w, m, nd, err)) != RF_OK)
			return st;
	}
	return RF_OK;
}
