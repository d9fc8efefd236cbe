/*
 * scan_batch.c - batch mode of `redflag scan`: cluster every message
 * given into campaigns, then report each with its campaign.
 *
 * Pass one parses each message once: tracking codes for its recipient,
 * fingerprint, and the start of its report, which is written to a spool
 * file with what the rest of the report needs (the "meta": label,
 * recipient, findings, verdict facts, classification and, for messages
 * with links, the link skeleton).  Messages with links also keep their
 * raw bytes for pass two: the file they came from when it holds exactly
 * that message (checked by its XXH3 when read again), else a copy on the
 * spool.  The fingerprints are then clustered (LSH bands, never all
 * pairs).  Pass two reports the messages in input order: a copy of a
 * campaign of two or more recipients is parsed again so that its links
 * can be lined up with the skeletons of a sample of the campaign's other
 * copies (a part that changes from copy to copy identifies the
 * recipient); every other report is copied from the spool and finished
 * with its campaign and reasons.  Memory holds the fingerprint and about
 * fifty bytes per message; reports, meta and raw bytes stay on disk.
 */
#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "cli.h"
#include "report.h"
#include "scan.h"

#define SAMPLE_COPIES 16	/* copies of a campaign whose links are lined
				 * up with each copy */
#define SPOOL_BUFFER (1 << 20)	/* stdio buffer of the spool */

enum raw_where {
	RAW_NONE,		/* no links: never parsed again */
	RAW_SPOOL,		/* raw bytes on the spool at raw_off */
	RAW_FILE		/* the first raw_len bytes of the file named
				 * by the label, checked by raw_hash */
};

/* What memory keeps of one message: where the rest is on the spool. */
struct record {
	off_t off;		/* the report's start, then its meta */
	off_t raw_off;
	long long date;		/* Date header, Unix time, or 0 */
	uint64_t raw_hash;	/* XXH3 of the raw bytes (RAW_FILE) */
	uint32_t head_len, meta_len;
	size_t raw_len;
	unsigned char error;	/* the head is a whole error report */
	unsigned char raw;	/* enum raw_where */
};

/*
 * The meta of a record, after its head on the spool (see pack_meta):
 * label, recipient, pass one's findings, verdict facts (no campaign yet),
 * classification, then the link skeleton (messages with links only).
 * unpack_meta points into the read buffer; the classifier tokens are in
 * the arena given.
 */
struct meta {
	const char *label, *rcpt;
	const char *reasons[64];
	size_t nreasons;
	rf_verdict_facts facts;
	rf_cls_result cls;
	int has_cls;
	const char **skel;	/* in the arena given */
	size_t nskel;
};

struct sample {
	rf_copy_links *v;	/* in the batch arena */
	size_t n, cap;
	size_t *owner;		/* record each sampled copy came from */
};

struct batch {
	FILE *tmp;		/* the spool file (owns fd) */
	int fd;
	FILE *spool;		/* writes to fd, counting (fopencookie) */
	char *spool_buf;	/* its stdio buffer */
	off_t flushed;		/* bytes written to fd */
	int werr;		/* a write to fd failed */
	struct record *rec;
	size_t n, cap;
	rf_cluster *cl;
	rf_arena *a;		/* samples */
	struct sample *samples;	/* per cluster */
	long long *first_seen;	/* per cluster */
	rf_buf meta;		/* pass one: the meta being packed */
	char *rd;		/* pass two: what was read back */
	size_t rdcap;
};

/* The spool is written through a stdio stream of its own, so that
 * ftello tells the offset from the bytes counted, without an lseek. */
static ssize_t
spool_cookie_write(void *cookie, const char *p, size_t n)
{
	struct batch *b = cookie;
	size_t done = 0;
	ssize_t w;

	while (done < n) {
		w = write(b->fd, p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			b->werr = 1;
			return 0;
		}
		done += (size_t)w;
	}
	b->flushed += (off_t)n;
	return (ssize_t)n;
}

static int
spool_cookie_seek(void *cookie, off64_t *pos, int whence)
{
	struct batch *b = cookie;

	if (whence != SEEK_CUR || *pos != 0)
		return -1;
	*pos = b->flushed;
	return 0;
}

struct batch *
batch_new(struct scan *s)
{
	struct batch *b = calloc(1, sizeof(*b));
	cookie_io_functions_t io = { NULL, spool_cookie_write,
		spool_cookie_seek, NULL };
	rf_error err;

	if (b == NULL || (b->tmp = tmpfile()) == NULL ||
	    (b->fd = fileno(b->tmp)) < 0 ||
	    (b->spool = fopencookie(b, "w", io)) == NULL ||
	    (b->spool_buf = malloc(SPOOL_BUFFER)) == NULL ||
	    setvbuf(b->spool, b->spool_buf, _IOFBF, SPOOL_BUFFER) != 0 ||
	    (b->a = rf_arena_new()) == NULL ||
	    rf_cluster_new(&b->cl, &err) != RF_OK) {
		cli_warn("scan: cannot make the batch spool: out of memory "
		    "or no temporary directory");
		batch_free(b);
		return NULL;
	}
	rf_buf_init(&b->meta, 0);
	return b;
}

void
batch_free(struct batch *b)
{
	size_t i;

	if (b == NULL)
		return;
	free(b->rec);
	if (b->cl != NULL && b->samples != NULL)
		for (i = 0; i < rf_cluster_count(b->cl); i++)
			free(b->samples[i].owner);
	free(b->samples);
	free(b->first_seen);
	rf_cluster_free(b->cl);
	rf_arena_free(b->a);
	if (b->spool != NULL)
		fclose(b->spool);
	free(b->spool_buf);
	if (b->tmp != NULL)
		fclose(b->tmp);
	rf_buf_free(&b->meta);
	free(b->rd);
	free(b);
}

static struct record *
new_record(struct batch *b)
{
	struct record *r;
	size_t ncap;

	if (b->n == b->cap) {
		ncap = b->cap ? b->cap * 2 : 256;
		r = realloc(b->rec, ncap * sizeof(*r));
		if (r == NULL)
			return NULL;
		b->rec = r;
		b->cap = ncap;
	}
	r = &b->rec[b->n++];
	memset(r, 0, sizeof(*r));
	return r;
}

/* spool_write: append n bytes to the spool, their offset in *off. */
static int
spool_write(struct batch *b, const void *p, size_t n, off_t *off)
{
	if ((*off = ftello(b->spool)) < 0)
		return -1;
	return fwrite_unlocked(p, 1, n, b->spool) == n ? 0 : -1;
}

/* rd_room: the read buffer, with room for n bytes and a NUL. */
static char *
rd_room(struct batch *b, size_t n)
{
	char *p;

	if (n >= b->rdcap) {
		if (n == SIZE_MAX || (p = realloc(b->rd, n + 1)) == NULL)
			return NULL;
		b->rd = p;
		b->rdcap = n + 1;
	}
	return b->rd;
}

/* spool_read: n bytes at off into the read buffer (NUL-terminated). */
static char *
spool_read(struct batch *b, off_t off, size_t n)
{
	char *p = rd_room(b, n);

	if (p == NULL || pread(b->fd, p, n, off) != (ssize_t)n)
		return NULL;
	p[n] = '\0';
	return p;
}

/* spool_head: print the start of a report (or an error report) into the
 * spool. */
static int
spool_head(struct scan *s, struct record *r, const char *label,
	   const rf_message *m, const char *rcpt, const char *error)
{
	struct batch *b = s->batch;
	struct sprinter *sp;
	off_t end;

	if ((r->off = ftello(b->spool)) < 0 || (sp = s->json ?
	    sprinter_json_new(b->spool) : sprinter_text_new(b->spool)) ==
	    NULL)
		return -1;
	if (m != NULL)
		report_head(sp, label, m, rcpt, s->json);
	else
		report_error(sp, label, error);
	sp->destroy(sp);
	if ((end = ftello(b->spool)) < 0 || end - r->off >= UINT32_MAX)
		return -1;
	r->head_len = (uint32_t)(end - r->off);
	return 0;
}

/* The meta's encoding: strings as a 32-bit length (UINT32_MAX: NULL),
 * the bytes and a NUL; numbers and structures as their bytes. */
static void
put_raw(rf_buf *o, const void *p, size_t n)
{
	rf_buf_append(o, p, n);
}

static void
put_u32(rf_buf *o, uint32_t v)
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
	int bad;
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

static const char *
get_str(struct cursor *c)
{
	uint32_t n = get_u32(c);
	const char *s;

	if (c->bad || n == UINT32_MAX)
		return NULL;
	if ((size_t)(c->end - c->p) <= n) {
		c->bad = 1;
		return NULL;
	}
	s = c->p;
	c->p += (size_t)n + 1;
	return s;
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

static int
get_cls(struct cursor *c, rf_arena *a, rf_cls_result *cls)
{
	rf_cls_token *t;
	size_t i, n;

	get_raw(c, cls, sizeof(*cls));
	n = cls->nspammy + cls->nhammy;
	if (c->bad || n > (size_t)(c->end - c->p) ||
	    (t = rf_arena_array(a, n ? n : 1, sizeof(*t))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		const char *text = get_str(c);

		get_raw(c, &t[i], sizeof(t[i]));
		t[i].text = text;
	}
	cls->spammy = t;
	cls->hammy = t + cls->nspammy;
	return c->bad ? -1 : 0;
}

/* pack_findings: start the meta of one analysed message in b->meta:
 * label, recipient and the findings of rf_analysis_message (before
 * rf_analysis_verdict replaces them with the verdict's reasons). */
static void
pack_findings(struct batch *b, const char *label, const rf_analysis *an)
{
	rf_buf *o = &b->meta;
	size_t i;

	rf_buf_reset(o);
	put_str(o, label);
	put_str(o, an->recipient);
	put_u32(o, (uint32_t)(an->nreasons < 64 ? an->nreasons : 64));
	for (i = 0; i < an->nreasons && i < 64; i++)
		put_str(o, an->reasons[i]);
}

/* pack_facts: finish the meta: verdict facts, classification,
 * skeleton. */
static int
pack_facts(struct batch *b, const rf_analysis *an, const rf_copy_links *skel)
{
	rf_buf *o = &b->meta;
	rf_verdict_facts f = an->facts;
	const char *const str[5] = { f.sender_domain, f.consent_sender,
		f.consent_source, f.recipient, f.classifier_reasons };
	size_t i;

	f.recipient = f.sender_domain = f.consent_sender = NULL;
	f.consent_source = f.classifier_reasons = NULL;
	f.tracking = NULL;
	f.ntracking = 0;
	put_raw(o, &f, sizeof(f));
	for (i = 0; i < 5; i++)
		put_str(o, str[i]);
	put_u32(o, an->classified != 0);
	if (an->classified)
		put_cls(o, &an->cls);
	put_u32(o, (uint32_t)skel->n);
	for (i = 0; i < skel->n; i++)
		put_str(o, skel->urls[i]);
	return o->len >= UINT32_MAX ? -1 : 0;
}

/* unpack_meta: read record r back (its head, then its meta, into the
 * read buffer) and decode the meta; the skeleton too when want_skel.  -1
 * when it cannot be read or is damaged. */
static int
unpack_meta(struct batch *b, const struct record *r, rf_arena *a,
	    int want_skel, struct meta *mt)
{
	struct cursor c;
	const char *p;
	size_t i, n;

	memset(mt, 0, sizeof(*mt));
	if ((p = spool_read(b, r->off, (size_t)r->head_len + r->meta_len)) ==
	    NULL)
		return -1;
	p += r->head_len;
	c.p = p;
	c.end = p + r->meta_len;
	c.bad = 0;
	mt->label = get_str(&c);
	mt->rcpt = get_str(&c);
	n = get_u32(&c);
	for (i = 0; i < n && i < 64; i++)
		mt->reasons[i] = get_str(&c);
	mt->nreasons = i;
	get_raw(&c, &mt->facts, sizeof(mt->facts));
	mt->facts.sender_domain = get_str(&c);
	mt->facts.consent_sender = get_str(&c);
	mt->facts.consent_source = get_str(&c);
	mt->facts.recipient = get_str(&c);
	mt->facts.classifier_reasons = get_str(&c);
	if ((mt->has_cls = get_u32(&c) != 0) &&
	    get_cls(&c, a, &mt->cls) != 0)
		return -1;
	if (want_skel) {
		n = get_u32(&c);
		if (c.bad || n > (size_t)(c.end - c.p) ||
		    (mt->skel = rf_arena_array(a, n ? n : 1,
		    sizeof(*mt->skel))) == NULL)
			return -1;
		for (i = 0; i < n; i++)
			mt->skel[i] = get_str(&c);
		mt->nskel = n;
	}
	return c.bad || mt->label == NULL ? -1 : 0;
}

int
batch_error(struct scan *s, const char *label, const char *msg)
{
	struct record *r = new_record(s->batch);

	if (r == NULL)
		return -1;
	r->error = 1;
	return spool_head(s, r, label, NULL, NULL, msg);
}

/* keep_raw: how pass two gets the raw bytes of a message with links: the
 * file it came from when it is whole, else a copy on the spool. */
static int
keep_raw(struct batch *b, struct record *r, const rf_item *item)
{
	r->raw_len = item->len;
	if (item->path != NULL && strcmp(item->path, item->label) == 0) {
		r->raw = RAW_FILE;
		r->raw_hash = XXH3_64bits(item->data, item->len);
		return 0;
	}
	r->raw = RAW_SPOOL;
	return spool_write(b, item->data, item->len, &r->raw_off);
}

int
batch_item(struct scan *s, const rf_item *item)
{
	struct batch *b = s->batch;
	rf_analysis an;
	rf_copy_links skel = { NULL, 0 };
	rf_message *m = NULL;
	struct record *r;
	off_t off;
	rf_error err;
	rf_status st;
	int rc = -1;

	st = rf_message_parse(s->ctx, item->data, item->len, &m, &err);
	if (st != RF_OK) {
		s->failed++;
		return st == RF_ENOMEM ? -1 : batch_error(s, item->label,
		    err.msg);
	}
	if (item->truncated)
		m->limits_hit |= RF_LIMIT_MESSAGE_SIZE;
	if (rf_analysis_message(s->ctx, &s->cfg, m, s->rcpt, &an, &err) !=
	    RF_OK || (r = new_record(b)) == NULL)
		goto out;
	r->date = rf_message_time(m);
	if (spool_head(s, r, item->label, m, an.recipient, NULL) != 0)
		goto out;
	pack_findings(b, item->label, &an);
	if (rf_analysis_verdict(&s->cfg, &an, 0, 0, 0, &err) != RF_OK) {
		cli_warn("scan: %s: %s", item->label, err.msg);
		goto out;
	}
	if ((m->links.n > 0 || m->nembedded > 0) &&
	    rf_tracking_skeleton(m, &skel, &err) != RF_OK)
		goto out;
	if (pack_facts(b, &an, &skel) != 0 ||
	    spool_write(b, b->meta.data, b->meta.len, &off) != 0)
		goto out;
	r->meta_len = (uint32_t)b->meta.len;
	if ((m->links.n > 0 || m->nembedded > 0) &&
	    keep_raw(b, r, item) != 0)
		goto out;
	if (rf_cluster_add(b->cl, &an.fp, an.recipient, b->n - 1, &err) !=
	    RF_OK)
		goto out;
	s->messages++;
	s->links += m->links.n;
	rc = 0;
out:
	rf_message_free(m);
	return rc;
}

/* campaign_of: the cluster of record i when it is a campaign of two or
 * more recipients, or NULL. */
static const rf_batch_campaign *
campaign_of(struct batch *b, size_t i, size_t *c)
{
	const rf_batch_campaign *bc;

	*c = rf_cluster_of(b->cl, i, NULL);
	bc = rf_cluster_campaign(b->cl, *c);
	return bc->recipients >= RF_CAMPAIGN_MIN_SIZE ? bc : NULL;
}

/* read_raw: the raw bytes of record r (in the read buffer), from the
 * spool or from its file when they are still the same; NULL otherwise. */
static const char *
read_raw(struct batch *b, const struct record *r, const char *label)
{
	size_t got = 0;
	ssize_t n;
	char *p;
	int fd;

	if (r->raw == RAW_SPOOL)
		return spool_read(b, r->raw_off, r->raw_len);
	if ((p = rd_room(b, r->raw_len)) == NULL)
		return NULL;
	if ((fd = open(label, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	while (got < r->raw_len && ((n = read(fd, p + got,
	    r->raw_len - got)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			got += (size_t)n;
	close(fd);
	if (got != r->raw_len || XXH3_64bits(p, got) != r->raw_hash)
		return NULL;
	p[got] = '\0';
	return p;
}

/* collect_samples: the links of up to SAMPLE_COPIES copies of each
 * campaign (their skeletons, from the spool), and its first Date. */
static int
collect_samples(struct scan *s)
{
	struct batch *b = s->batch;
	size_t nc = rf_cluster_count(b->cl), i, c, k;
	struct meta mt;
	struct sample *smp;
	rf_arena *a = NULL;
	int rc = -1;

	b->samples = calloc(nc ? nc : 1, sizeof(*b->samples));
	b->first_seen = calloc(nc ? nc : 1, sizeof(*b->first_seen));
	if (b->samples == NULL || b->first_seen == NULL)
		return -1;
	for (i = 0; i < b->n; i++) {
		struct record *r = &b->rec[i];
		const char **urls;

		if (r->error || campaign_of(b, i, &c) == NULL)
			continue;
		if (r->date != 0 && (b->first_seen[c] == 0 ||
		    r->date < b->first_seen[c]))
			b->first_seen[c] = r->date;
		smp = &b->samples[c];
		if (r->raw == RAW_NONE || smp->n >= SAMPLE_COPIES)
			continue;
		rf_arena_free(a);
		if ((a = rf_arena_new()) == NULL ||
		    unpack_meta(b, r, a, 1, &mt) != 0)
			goto out;
		urls = rf_arena_array(b->a, mt.nskel + 1, sizeof(*urls));
		if (smp->owner == NULL)
			smp->owner = calloc(SAMPLE_COPIES,
			    sizeof(*smp->owner));
		if (urls == NULL || smp->owner == NULL ||
		    rf_arena_grow(b->a, (void **)&smp->v, &smp->cap,
		    smp->n, sizeof(*smp->v)) != 0)
			goto out;
		for (k = 0; k < mt.nskel; k++)
			if ((urls[k] = rf_arena_strdup(b->a,
			    mt.skel[k] != NULL ? mt.skel[k] : "")) == NULL)
				goto out;
		smp->v[smp->n].urls = urls;
		smp->v[smp->n].n = mt.nskel;
		smp->owner[smp->n++] = i;
	}
	rc = 0;
out:
	rf_arena_free(a);
	return rc;
}

static void
fill_campaign(struct batch *b, const rf_batch_campaign *bc, size_t c,
	      struct report_extra *x)
{
	x->campaign.id = bc->id;
	x->campaign.size = (long long)bc->recipients;
	x->campaign.copies = (long long)bc->size;
	x->campaign.first_seen = b->first_seen[c];
}

/* report_campaign_copy: parse again, line up with the other copies,
 * print the whole report.  1 when its raw bytes are gone (its file
 * changed): the caller reports it from the spool instead. */
static int
report_campaign_copy(struct scan *s, size_t i, const rf_batch_campaign *bc,
		     size_t c)
{
	struct batch *b = s->batch;
	struct record *r = &b->rec[i];
	struct sample *smp = &b->samples[c];
	rf_copy_links others[SAMPLE_COPIES];
	struct report_extra x;
	rf_analysis an;
	rf_message *m = NULL;
	rf_arena *a;
	struct meta mt;
	const char *raw;
	char *label = NULL, *rcpt = NULL;
	size_t k, n = 0;
	int rc = -1;

	if ((a = rf_arena_new()) == NULL || unpack_meta(b, r, a, 0, &mt) != 0 ||
	    (label = rf_arena_strdup(a, mt.label)) == NULL ||
	    (mt.rcpt != NULL && (rcpt = rf_arena_strdup(a, mt.rcpt)) == NULL))
		goto out;
	if ((raw = read_raw(b, r, label)) == NULL) {
		cli_warn("scan: %s: changed during the scan; its links are "
		    "not lined up with its campaign's", label);
		rc = 1;
		goto out;
	}
	if (rf_message_parse(s->ctx, raw, r->raw_len, &m, NULL) != RF_OK)
		goto out;
	for (k = 0; k < smp->n; k++)
		if (smp->owner[k] != i)
			others[n++] = smp->v[k];
	if (rf_analysis_message(s->ctx, &s->cfg, m, rcpt, &an, NULL) !=
	    RF_OK || (n > 0 && rf_tracking_campaign(s->ctx, s->cfg.rules, m,
	    others, n, NULL) != RF_OK) ||
	    rf_analysis_reasons(&an, bc->recipients, NULL) != RF_OK ||
	    rf_analysis_verdict(&s->cfg, &an, bc->recipients, bc->size, 0,
	    NULL) != RF_OK)
		goto out;
	memset(&x, 0, sizeof(x));
	x.recipient = an.recipient;
	x.verdict = rf_verdict_name(an.verdict.kind);
	x.score = an.verdict.score;
	scan_count_verdict(s, an.verdict.kind);
	fill_campaign(b, bc, c, &x);
	x.reasons = an.reasons;
	x.nreasons = an.nreasons;
	x.cls = an.classified ? &an.cls : NULL;
	report_message(s->sp, label, m, &x, s->json);
	s->tracking += an.ntracking;
	rc = 0;
out:
	rf_message_free(m);
	rf_arena_free(a);
	return rc;
}

/* report_spooled: copy the spooled start, finish with campaign and
 * reasons. */
static int
report_spooled(struct scan *s, size_t i, const rf_batch_campaign *bc,
	       size_t c)
{
	struct batch *b = s->batch;
	struct record *r = &b->rec[i];
	struct report_extra x;
	struct meta mt;
	rf_verdict v;
	rf_arena *a;
	char *head;
	int rc = -1;

	if (r->error) {
		if ((head = spool_read(b, r->off, r->head_len)) == NULL)
			return -1;
		fwrite(head, 1, r->head_len, s->out);
		return 0;
	}
	if ((a = rf_arena_new()) == NULL || unpack_meta(b, r, a, 0, &mt) != 0)
		goto out;
	fwrite(b->rd, 1, r->head_len, s->out);
	memset(&x, 0, sizeof(x));
	x.recipient = mt.rcpt;
	mt.facts.tracking = mt.reasons;
	mt.facts.ntracking = mt.nreasons;
	if (bc != NULL) {
		fill_campaign(b, bc, c, &x);
		if (bc->recipients >= RF_CAMPAIGN_MIN_SIZE) {
			mt.facts.has_campaign = 1;
			mt.facts.campaign_size = bc->recipients;
			mt.facts.campaign_copies = bc->size;
			mt.facts.personal_text = 0;
		}
	}
	if (rf_verdict_decide(&mt.facts, s->cfg.verdict, a, &v, NULL) !=
	    RF_OK)
		goto out;
	x.verdict = rf_verdict_name(v.kind);
	x.score = v.score;
	x.reasons = v.reasons;
	x.nreasons = v.nreasons;
	x.cls = mt.has_cls ? &mt.cls : NULL;
	scan_count_verdict(s, v.kind);
	s->sp->resume_map(s->sp);
	report_tail(s->sp, &x, s->json);
	rc = 0;
out:
	rf_arena_free(a);
	return rc;
}

int
batch_finish(struct scan *s)
{
	struct batch *b = s->batch;
	const rf_batch_campaign *bc;
	size_t i, c;
	rf_error err;
	int rc;

	if (fflush(b->spool) != 0 || ferror(b->spool) || b->werr) {
		cli_warn("scan: cannot write the batch spool");
		return -1;
	}
#ifdef __GLIBC__
	/* give back what parsing left free in the heap before the
	 * clustering's tables are made: peak memory stays nearer pass
	 * one's */
	malloc_trim(0);
#endif
	scan_progress(s, "clustering", 0, 0, 0);
	if (rf_cluster_run(b->cl, &err) != RF_OK || collect_samples(s) != 0)
		return -1;
	for (i = 0; i < b->n; i++) {
		bc = b->rec[i].error ? NULL : campaign_of(b, i, &c);
		if (bc != NULL)
			s->in_campaigns++;
		rc = 1;
		if (bc != NULL && b->rec[i].raw != RAW_NONE &&
		    (rc = report_campaign_copy(s, i, bc, c)) < 0)
			return -1;
		if (rc > 0 && report_spooled(s, i, bc, c) != 0)
			return -1;
		scan_progress(s, "reporting", i + 1, b->n, i + 1 == b->n);
	}
	return 0;
}
