/*
 * scan_spool.c - records of the batch spool of `redflag scan`: encoding,
 * writing and sequential reading (see scan_spool.h).
 *
 * Encoding: numbers and plain structures as their bytes (the spool is read
 * back by the process that wrote it); strings as a 32-bit length
 * (UINT32_MAX: NULL), the bytes and a NUL, so that they are read back in
 * place.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan_spool.h"

#define HEADER 16		/* head_len, meta_len (u32), date (i64) */

/* put_raw: append n bytes; a failure is remembered in o->truncated.
 * Inline while there is room (most fields are a few bytes), keeping
 * rf_buf's trailing NUL. */
static inline void
put_raw(rf_buf *o, const void *p, size_t n)
{
	if (n < o->cap - o->len) {
		memcpy(o->data + o->len, p, n);
		o->len += n;
		o->data[o->len] = '\0';
	} else if (rf_buf_append(o, p, n) != 0) {
		o->truncated = 1;
	}
}

static void
put_u32(rf_buf *o, uint32_t v)
{
	put_raw(o, &v, sizeof(v));
}

static void
put_u64(rf_buf *o, uint64_t v)
{
	put_raw(o, &v, sizeof(v));
}

static void
put_str(rf_buf *o, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n >= UINT32_MAX)
		n = UINT32_MAX - 1;
	put_u32(o, s != NULL ? (uint32_t)n : UINT32_MAX);
	if (s != NULL) {
		put_raw(o, s, n);
		put_raw(o, "", 1);
	}
}

struct cursor {
	const char *p, *end;
	rf_arena *a;
	int bad;		/* damaged, or out of memory */
};

static void
get_raw(struct cursor *c, void *p, size_t n)
{
	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = 1;
		memset(p, 0, n);
		return;
	}
	memcpy(p, c->p, n);
	c->p += n;
}

static uint32_t
get_u32(struct cursor *c)
{
	uint32_t v;

	get_raw(c, &v, sizeof(v));
	return v;
}

static uint64_t
get_u64(struct cursor *c)
{
	uint64_t v;

	get_raw(c, &v, sizeof(v));
	return v;
}

static const char *
get_str(struct cursor *c)
{
	uint32_t n = get_u32(c);
	const char *s;

	if (c->bad || n == UINT32_MAX)
		return NULL;
	if ((size_t)(c->end - c->p) <= n || c->p[n] != '\0') {
		c->bad = 1;
		return NULL;
	}
	s = c->p;
	c->p += (size_t)n + 1;
	return s;
}

/* get_count: a count of items of at least min bytes each that the rest
 * can hold, or 0 with c->bad set. */
static size_t
get_count(struct cursor *c, size_t min)
{
	uint32_t n = get_u32(c);

	if (c->bad || (size_t)n > (size_t)(c->end - c->p) / min) {
		c->bad = 1;
		return 0;
	}
	return n;
}

/* get_array: n zeroed items of size bytes in the arena (one at least). */
static void *
get_array(struct cursor *c, size_t n, size_t size)
{
	void *p;

	if (c->bad)
		return NULL;
	if ((p = rf_arena_array(c->a, n ? n : 1, size)) == NULL)
		c->bad = 1;
	return p;
}

static void
put_cls(rf_buf *o, const rf_cls_result *cls)
{
	rf_cls_result c = *cls;
	size_t i;

	c.spammy = c.hammy = NULL;
	put_raw(o, &c, sizeof(c));
	for (i = 0; i < cls->nspammy + cls->nhammy; i++) {
		rf_cls_token t = i < cls->nspammy ? cls->spammy[i] :
		    cls->hammy[i - cls->nspammy];

		put_str(o, t.text);
		t.text = NULL;
		put_raw(o, &t, sizeof(t));
	}
}

static void
get_cls(struct cursor *c, rf_cls_result *cls)
{
	rf_cls_token *t;
	size_t i, n;

	get_raw(c, cls, sizeof(*cls));
	n = cls->nspammy + cls->nhammy;
	if (n < cls->nspammy || n > (size_t)(c->end - c->p) / sizeof(*t))
		c->bad = 1;
	if ((t = get_array(c, n, sizeof(*t))) == NULL)
		return;
	for (i = 0; i < n; i++) {
		const char *text = get_str(c);

		get_raw(c, &t[i], sizeof(t[i]));
		t[i].text = text;
	}
	cls->spammy = t;
	cls->hammy = t + cls->nspammy;
}

/* --- the message: what report_head and rf_tracking_campaign read --- */

enum { CLEAN_NULL, CLEAN_URL, CLEAN_STR };	/* how rf_link.clean is kept */
/* A link's word of flags: tracking, and whether dropped tokens follow its
 * tokens (few links have any: mail not bulk, found by shape). */
enum { LINK_TRACKING = 1, LINK_DROPPED = 2 };

/* put_toks: n tokens of a link (rf_link.tokens or .dropped). */
static void
put_toks(rf_buf *o, const rf_token *t, size_t n)
{
	size_t i;

	put_u32(o, (uint32_t)n);
	for (i = 0; i < n; i++) {
		put_u64(o, t[i].off);
		put_u64(o, t[i].len);
		put_str(o, t[i].reason);
	}
}

/* get_toks: into *t the tokens put_toks wrote (*n of them, each a range
 * of a URL of ulen bytes; none: *t NULL, as the analysis leaves a link
 * without tokens).  0, or -1 when the record is bad. */
static int
get_toks(struct cursor *c, size_t ulen, rf_token **t, size_t *n)
{
	rf_token *v;
	size_t i;

	*t = NULL;
	*n = get_count(c, 2 * sizeof(uint64_t) + 4);
	if (c->bad)
		return -1;
	if (*n == 0)
		return 0;
	if ((v = get_array(c, *n, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < *n; i++) {
		v[i].off = get_u64(c);
		v[i].len = get_u64(c);
		v[i].reason = get_str(c);
		if (v[i].reason == NULL || v[i].off > ulen ||
		    v[i].len > ulen - v[i].off)
			c->bad = 1;
	}
	*t = v;
	return 0;
}

static void
put_link(rf_buf *o, const rf_link *k)
{
	const char *const str[8] = { k->url, k->normalized, k->host,
		k->host_unicode, k->domain, k->text, k->text_host, k->style };
	int32_t wh[2] = { k->width, k->height };
	size_t i;

	for (i = 0; i < 8; i++)
		put_str(o, str[i]);
	put_u32(o, (uint32_t)k->kind);
	put_u32(o, k->flags);
	put_raw(o, wh, sizeof(wh));
	put_u32(o, (k->tracking != 0 ? LINK_TRACKING : 0) |
	    (k->ndropped > 0 ? LINK_DROPPED : 0));
	put_toks(o, k->tokens, k->ntokens);
	if (k->ndropped > 0)
		put_toks(o, k->dropped, k->ndropped);
	put_u32(o, (uint32_t)k->nreasons);
	for (i = 0; i < k->nreasons; i++)
		put_str(o, k->reasons[i]);
	if (k->clean == NULL) {
		put_u32(o, CLEAN_NULL);
	} else if (k->url != NULL && strcmp(k->clean, k->url) == 0) {
		put_u32(o, CLEAN_URL);
	} else {
		put_u32(o, CLEAN_STR);
		put_str(o, k->clean);
	}
}

static void
get_link(struct cursor *c, rf_link *k)
{
	const char **str[8] = { &k->url, &k->normalized, &k->host,
		&k->host_unicode, &k->domain, &k->text, &k->text_host,
		&k->style };
	int32_t wh[2];
	size_t i, ulen;
	uint32_t flags;

	for (i = 0; i < 8; i++)
		*str[i] = get_str(c);
	if (k->url == NULL)
		k->url = "";
	k->kind = (rf_link_kind)get_u32(c);
	k->flags = get_u32(c);
	get_raw(c, wh, sizeof(wh));
	k->width = wh[0];
	k->height = wh[1];
	flags = get_u32(c);
	k->tracking = (flags & LINK_TRACKING) != 0;
	ulen = strlen(k->url);
	if (get_toks(c, ulen, &k->tokens, &k->ntokens) != 0 ||
	    ((flags & LINK_DROPPED) && get_toks(c, ulen, &k->dropped,
	    &k->ndropped) != 0))
		return;
	k->nreasons = get_count(c, 4);
	if ((k->reasons = get_array(c, k->nreasons, sizeof(*k->reasons))) ==
	    NULL)
		return;
	for (i = 0; i < k->nreasons; i++)
		if ((k->reasons[i] = get_str(c)) == NULL)
			c->bad = 1;
	switch (get_u32(c)) {
	case CLEAN_NULL:
		k->clean = NULL;
		break;
	case CLEAN_URL:
		k->clean = k->url;
		break;
	default:
		k->clean = get_str(c);
	}
}

static void
put_msg(rf_buf *o, const rf_message *m)
{
	const char *const str[4] = { m->message_id, m->from, m->subject,
		m->date };
	size_t i;

	for (i = 0; i < 4; i++)
		put_str(o, str[i]);
	put_u64(o, m->size);
	put_u32(o, m->flags);
	put_u32(o, m->limits_hit);
	put_u32(o, (uint32_t)m->links.n);
	for (i = 0; i < m->links.n; i++)
		put_link(o, &m->links.v[i]);
	put_u32(o, (uint32_t)m->nattachments);
	for (i = 0; i < m->nattachments; i++) {
		const rf_attachment *at = &m->attachments[i];

		put_str(o, at->filename);
		put_str(o, at->content_type);
		put_u64(o, at->size);
		put_raw(o, at->sha256, sizeof(at->sha256));
	}
	put_u32(o, (uint32_t)m->nembedded);
	for (i = 0; i < m->nembedded; i++)
		put_msg(o, m->embedded[i]);
}

static rf_message *
get_msg(struct cursor *c, unsigned depth)
{
	const char **str[4];
	rf_message *m;
	size_t i;

	if ((m = get_array(c, 1, sizeof(*m))) == NULL)
		return NULL;
	m->arena = c->a;
	str[0] = &m->message_id;
	str[1] = &m->from;
	str[2] = &m->subject;
	str[3] = &m->date;
	for (i = 0; i < 4; i++)
		*str[i] = get_str(c);
	m->size = get_u64(c);
	m->flags = get_u32(c);
	m->limits_hit = get_u32(c);
	m->links.n = m->links.cap = get_count(c, 8 * 4);
	if ((m->links.v = get_array(c, m->links.n, sizeof(rf_link))) == NULL)
		return NULL;
	for (i = 0; i < m->links.n; i++)
		get_link(c, &m->links.v[i]);
	m->nattachments = get_count(c, 8 + 8 + 65);
	if ((m->attachments = get_array(c, m->nattachments,
	    sizeof(rf_attachment))) == NULL)
		return NULL;
	for (i = 0; i < m->nattachments; i++) {
		rf_attachment *at = &m->attachments[i];

		at->filename = get_str(c);
		at->content_type = get_str(c);
		at->size = get_u64(c);
		get_raw(c, at->sha256, sizeof(at->sha256));
		at->sha256[sizeof(at->sha256) - 1] = '\0';
	}
	m->nembedded = get_count(c, 4 * 4);
	if (m->nembedded > 0 && depth >= SPOOL_MSG_DEPTH)
		c->bad = 1;
	if ((m->embedded = get_array(c, m->nembedded, sizeof(rf_message *))) ==
	    NULL)
		return NULL;
	for (i = 0; i < m->nembedded; i++)
		if ((m->embedded[i] = get_msg(c, depth + 1)) == NULL)
			return NULL;
	return c->bad ? NULL : m;
}

/* --- the meta --- */

void
spool_pack_findings(rf_buf *o, const char *label, const rf_analysis *an)
{
	size_t i, n = an->nreasons < SPOOL_REASONS ? an->nreasons :
	    SPOOL_REASONS;

	rf_buf_reset(o);
	put_str(o, label);
	put_str(o, an->recipient);
	put_u32(o, (uint32_t)n);
	for (i = 0; i < n; i++)
		put_str(o, an->reasons[i]);
}

int
spool_pack_facts(rf_buf *o, const rf_analysis *an, const rf_message *m)
{
	rf_verdict_facts f = an->facts;
	const char *const str[5] = { f.sender_domain, f.consent_sender,
		f.consent_source, f.recipient, f.classifier_reasons };
	size_t i;

	f.recipient = f.sender_domain = f.consent_sender = NULL;
	f.consent_source = f.classifier_reasons = NULL;
	f.tracking = NULL;
	f.ntracking = 0;
	memset(f.shown, 0, sizeof(f.shown));
	memset(f.leads_to, 0, sizeof(f.leads_to));
	put_raw(o, &f, sizeof(f));
	for (i = 0; i < 5; i++)
		put_str(o, str[i]);
	for (i = 0; i < RF_VERDICT_DECEPTIVE_MAX; i++) {
		put_str(o, an->facts.shown[i]);
		put_str(o, an->facts.leads_to[i]);
	}
	put_u32(o, an->classified != 0);
	if (an->classified)
		put_cls(o, &an->cls);
	if (m != NULL)
		put_msg(o, m);
	return o->truncated || o->len >= UINT32_MAX ? -1 : 0;
}

int
spool_unpack_meta(const struct spool_rec *r, rf_arena *a, struct meta *mt)
{
	struct cursor c;
	size_t i, n;

	memset(mt, 0, sizeof(*mt));
	c.p = r->meta;
	c.end = r->meta + r->meta_len;
	c.a = a;
	c.bad = 0;
	mt->label = get_str(&c);
	mt->rcpt = get_str(&c);
	n = get_u32(&c);
	for (i = 0; i < n && i < SPOOL_REASONS; i++)
		mt->reasons[i] = get_str(&c);
	mt->nreasons = i;
	get_raw(&c, &mt->facts, sizeof(mt->facts));
	mt->facts.sender_domain = get_str(&c);
	mt->facts.consent_sender = get_str(&c);
	mt->facts.consent_source = get_str(&c);
	mt->facts.recipient = get_str(&c);
	mt->facts.classifier_reasons = get_str(&c);
	for (i = 0; i < RF_VERDICT_DECEPTIVE_MAX; i++) {
		mt->facts.shown[i] = get_str(&c);
		mt->facts.leads_to[i] = get_str(&c);
	}
	if ((mt->has_cls = get_u32(&c) != 0))
		get_cls(&c, &mt->cls);
	if (r->head_len == 0)
		mt->m = get_msg(&c, 0);
	return c.bad || mt->label == NULL || c.p != c.end ? -1 : 0;
}

/* --- writing and reading records --- */

int
spool_write(FILE *f, int64_t date, const void *head, size_t head_len,
	    const void *meta, size_t meta_len)
{
	char h[HEADER];
	uint32_t hl = (uint32_t)head_len, ml = (uint32_t)meta_len;

	if (head_len >= UINT32_MAX || meta_len >= UINT32_MAX)
		return -1;
	memcpy(h, &hl, 4);
	memcpy(h + 4, &ml, 4);
	memcpy(h + 8, &date, 8);
	return fwrite_unlocked(h, 1, HEADER, f) == HEADER &&
	    fwrite_unlocked(head, 1, head_len, f) == head_len &&
	    fwrite_unlocked(meta, 1, meta_len, f) == meta_len ? 0 : -1;
}

int
spool_open(struct spool_reader *r, int fd, size_t cap)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	if ((r->buf = malloc(cap)) == NULL)
		return -1;
	r->cap = cap;
	return 0;
}

void
spool_close(struct spool_reader *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

/* fill: at least need unconsumed bytes in the buffer: 1, 0 at the end of
 * the file, -1 on an error. */
static int
fill(struct spool_reader *r, size_t need)
{
	size_t ncap;
	ssize_t n;
	char *p;

	while (r->len - r->pos < need) {
		if (r->pos > 0) {
			memmove(r->buf, r->buf + r->pos, r->len - r->pos);
			r->len -= r->pos;
			r->pos = 0;
		}
		if (need > r->cap) {
			ncap = need > r->cap * 2 ? need : r->cap * 2;
			if ((p = realloc(r->buf, ncap)) == NULL)
				return -1;
			r->buf = p;
			r->cap = ncap;
		}
		n = pread(r->fd, r->buf + r->len, r->cap - r->len, r->off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		r->len += (size_t)n;
		r->off += n;
	}
	return 1;
}

int
spool_next(struct spool_reader *r, struct spool_rec *out)
{
	size_t total;
	int rc;

	if ((rc = fill(r, 1)) <= 0)
		return rc;
	if (fill(r, HEADER) <= 0)
		return -1;
	memcpy(&out->head_len, r->buf + r->pos, 4);
	memcpy(&out->meta_len, r->buf + r->pos + 4, 4);
	memcpy(&out->date, r->buf + r->pos + 8, 8);
	total = (size_t)HEADER + out->head_len + out->meta_len;
	if (fill(r, total) <= 0)
		return -1;
	out->head = r->buf + r->pos + HEADER;
	out->meta = out->head + out->head_len;
	r->pos += total;
	return 1;
}
