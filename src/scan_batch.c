/*
 * scan_batch.c - batch mode of `redflag scan`: cluster every message
 * given into campaigns, then report each with its campaign.
 *
 * Pass one parses each message once: tracking codes for its recipient,
 * fingerprint, and the start of its report, which is written to a spool
 * file together with the raw bytes of messages that have links.  The
 * fingerprints are then clustered (LSH bands, never all pairs).  Pass two
 * reports the messages in input order: a copy of a campaign of two or
 * more recipients is parsed again from the spool so that its links can be
 * lined up with a sample of the campaign's other copies (a part that
 * changes from copy to copy identifies the recipient); every other report
 * is copied from the spool and finished with its campaign and reasons.
 * Memory holds a few hundred bytes per message; reports and raw bytes
 * stay on disk.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"
#include "scan.h"

#define SAMPLE_COPIES 16	/* copies of a campaign whose links are lined
				 * up with each copy */

struct record {
	char *label;
	char *rcpt;		/* or NULL */
	char *reasons;		/* NUL-separated findings of pass one */
	size_t nreasons;
	off_t head_off, raw_off;
	size_t head_len, raw_len;	/* raw_len 0: not spooled */
	long long date;		/* Date header, Unix time, or 0 */
	int error;		/* head is a whole error report */
	rf_verdict_facts facts;	/* pass one's, without the campaign; its
				 * strings are the copies in fstr */
	char *fstr[5];		/* owned: sender_domain, consent_sender,
				 * consent_source, recipient,
				 * classifier_reasons */
	rf_cls_result *cls;	/* pass one's classification (in the
				 * batch arena), or NULL */
};

struct sample {
	rf_copy_links *v;	/* in the batch arena */
	size_t n, cap;
	size_t *owner;		/* record each sampled copy came from */
};

struct batch {
	FILE *spool;
	struct record *rec;
	size_t n, cap;
	rf_cluster *cl;
	rf_arena *a;		/* samples */
	struct sample *samples;	/* per cluster */
	long long *first_seen;	/* per cluster */
};

struct batch *
batch_new(struct scan *s)
{
	struct batch *b = calloc(1, sizeof(*b));
	rf_error err;

	if (b == NULL || (b->spool = tmpfile()) == NULL ||
	    (b->a = rf_arena_new()) == NULL ||
	    rf_cluster_new(&b->cl, &err) != RF_OK) {
		cli_warn("scan: cannot make the batch spool: out of memory "
		    "or no temporary directory");
		batch_free(b);
		return NULL;
	}
	(void)s;
	return b;
}

void
batch_free(struct batch *b)
{
	size_t i, k;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++) {
		free(b->rec[i].label);
		free(b->rec[i].rcpt);
		free(b->rec[i].reasons);
		for (k = 0; k < 5; k++)
			free(b->rec[i].fstr[k]);
	}
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
	free(b);
}

static struct record *
new_record(struct batch *b, const char *label)
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
	r = &b->rec[b->n];
	memset(r, 0, sizeof(*r));
	if ((r->label = strdup(label)) == NULL)
		return NULL;
	b->n++;
	return r;
}

/* spool_write: append n bytes to the spool, their offset in *off. */
static int
spool_write(struct batch *b, const void *p, size_t n, off_t *off)
{
	if (fseeko(b->spool, 0, SEEK_END) != 0)
		return -1;
	*off = ftello(b->spool);
	return fwrite(p, 1, n, b->spool) == n ? 0 : -1;
}

/* spool_read: n bytes at off into a new heap buffer. */
static char *
spool_read(struct batch *b, off_t off, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL || pread(fileno(b->spool), p, n, off) != (ssize_t)n) {
		free(p);
		return NULL;
	}
	p[n] = '\0';
	return p;
}

/* spool_head: print the start of a report into the spool. */
static int
spool_head(struct scan *s, struct record *r, const rf_message *m,
	   const char *rcpt)
{
	struct batch *b = s->batch;
	struct sprinter *sp;

	if (fseeko(b->spool, 0, SEEK_END) != 0)
		return -1;
	r->head_off = ftello(b->spool);
	sp = s->json ? sprinter_json_new(b->spool) :
	    sprinter_text_new(b->spool);
	if (sp == NULL)
		return -1;
	if (m != NULL)
		report_head(sp, r->label, m, rcpt, s->json);
	sp->destroy(sp);
	r->head_len = (size_t)(ftello(b->spool) - r->head_off);
	return ferror(b->spool) ? -1 : 0;
}

static int
keep_reasons(struct record *r, const rf_analysis *an)
{
	size_t i, len = 0, o = 0;

	for (i = 0; i < an->nreasons; i++)
		len += strlen(an->reasons[i]) + 1;
	if (len == 0)
		return 0;
	if ((r->reasons = malloc(len)) == NULL)
		return -1;
	for (i = 0; i < an->nreasons; i++) {
		size_t n = strlen(an->reasons[i]) + 1;

		memcpy(r->reasons + o, an->reasons[i], n);
		o += n;
	}
	r->nreasons = an->nreasons;
	return 0;
}

/* keep_facts: pass one's verdict facts (no campaign yet), with copies of
 * their strings; the tracking findings are r->reasons. */
/* keep_tokens: copies of n tokens in arena a; NULL when out of memory. */
static rf_cls_token *
keep_tokens(rf_arena *a, const rf_cls_token *v, size_t n)
{
	rf_cls_token *t;
	size_t i;

	if ((t = rf_arena_array(a, n ? n : 1, sizeof(*t))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		t[i] = v[i];
		if ((t[i].text = rf_arena_strdup(a, v[i].text)) == NULL)
			return NULL;
	}
	return t;
}

/* keep_cls: the classification of pass one, for the report. */
static int
keep_cls(struct batch *b, struct record *r, const rf_analysis *an)
{
	rf_cls_result *c;

	if (!an->classified)
		return 0;
	if ((c = rf_arena_array(b->a, 1, sizeof(*c))) == NULL)
		return -1;
	*c = an->cls;
	if ((c->spammy = keep_tokens(b->a, an->cls.spammy,
	    an->cls.nspammy)) == NULL ||
	    (c->hammy = keep_tokens(b->a, an->cls.hammy,
	    an->cls.nhammy)) == NULL)
		return -1;
	r->cls = c;
	return 0;
}

static int
keep_facts(struct record *r, const rf_analysis *an)
{
	const char *const str[5] = { an->facts.sender_domain,
		an->facts.consent_sender, an->facts.consent_source,
		an->facts.recipient, an->facts.classifier_reasons };
	size_t k;

	r->facts = an->facts;
	for (k = 0; k < 5; k++)
		if (str[k] != NULL && (r->fstr[k] = strdup(str[k])) == NULL)
			return -1;
	r->facts.sender_domain = r->fstr[0];
	r->facts.consent_sender = r->fstr[1];
	r->facts.consent_source = r->fstr[2];
	r->facts.recipient = r->fstr[3];
	r->facts.classifier_reasons = r->fstr[4];
	r->facts.tracking = NULL;
	r->facts.ntracking = 0;
	return 0;
}

int
batch_error(struct scan *s, const char *label, const char *msg)
{
	struct batch *b = s->batch;
	struct record *r = new_record(b, label);
	struct sprinter *sp;

	if (r == NULL || fseeko(b->spool, 0, SEEK_END) != 0)
		return -1;
	r->error = 1;
	r->head_off = ftello(b->spool);
	sp = s->json ? sprinter_json_new(b->spool) :
	    sprinter_text_new(b->spool);
	if (sp == NULL)
		return -1;
	report_error(sp, label, msg);
	sp->destroy(sp);
	r->head_len = (size_t)(ftello(b->spool) - r->head_off);
	return 0;
}

int
batch_item(struct scan *s, const rf_item *item)
{
	struct batch *b = s->batch;
	rf_analysis an;
	rf_message *m = NULL;
	struct record *r;
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
	    RF_OK || (r = new_record(b, item->label)) == NULL)
		goto out;
	if (an.recipient != NULL && (r->rcpt = strdup(an.recipient)) == NULL)
		goto out;
	r->date = rf_message_time(m);
	if (keep_reasons(r, &an) != 0 || spool_head(s, r, m, an.recipient))
		goto out;
	if (rf_analysis_verdict(&s->cfg, &an, 0, 0, 0, &err) != RF_OK) {
		cli_warn("scan: %s: %s", item->label, err.msg);
		goto out;
	}
	if (keep_facts(r, &an) != 0 || keep_cls(b, r, &an) != 0)
		goto out;
	if (m->links.n > 0 || m->nembedded > 0) {
		if (spool_write(b, item->data, item->len, &r->raw_off) != 0)
			goto out;
		r->raw_len = item->len;
	}
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

/* reparse: record r's raw bytes parsed again; NULL on failure. */
static rf_message *
reparse(struct scan *s, const struct record *r)
{
	rf_message *m = NULL;
	char *raw = spool_read(s->batch, r->raw_off, r->raw_len);

	if (raw != NULL && rf_message_parse(s->ctx, raw, r->raw_len, &m,
	    NULL) != RF_OK)
		m = NULL;
	free(raw);
	return m;
}

/* collect_samples: the links of up to SAMPLE_COPIES copies of each
 * campaign, and its first Date. */
static int
collect_samples(struct scan *s)
{
	struct batch *b = s->batch;
	size_t nc = rf_cluster_count(b->cl), i, c, k;
	rf_copy_links own;
	rf_message *m;
	struct sample *smp;

	b->samples = calloc(nc ? nc : 1, sizeof(*b->samples));
	b->first_seen = calloc(nc ? nc : 1, sizeof(*b->first_seen));
	if (b->samples == NULL || b->first_seen == NULL)
		return -1;
	for (i = 0; i < b->n; i++) {
		struct record *r = &b->rec[i];

		if (r->error || campaign_of(b, i, &c) == NULL)
			continue;
		if (r->date != 0 && (b->first_seen[c] == 0 ||
		    r->date < b->first_seen[c]))
			b->first_seen[c] = r->date;
		smp = &b->samples[c];
		if (r->raw_len == 0 || smp->n >= SAMPLE_COPIES)
			continue;
		if ((m = reparse(s, r)) == NULL)
			continue;
		if (rf_tracking_skeleton(m, &own, NULL) == RF_OK) {
			const char **urls = rf_arena_array(b->a, own.n + 1,
			    sizeof(*urls));

			if (smp->owner == NULL)
				smp->owner = calloc(SAMPLE_COPIES,
				    sizeof(*smp->owner));
			if (urls == NULL || smp->owner == NULL ||
			    rf_arena_grow(b->a, (void **)&smp->v, &smp->cap,
			    smp->n, sizeof(*smp->v)) != 0) {
				rf_message_free(m);
				return -1;
			}
			for (k = 0; k < own.n; k++)
				urls[k] = rf_arena_strdup(b->a, own.urls[k]);
			smp->v[smp->n].urls = urls;
			smp->v[smp->n].n = own.n;
			smp->owner[smp->n++] = i;
		}
		rf_message_free(m);
	}
	return 0;
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
 * print the whole report. */
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
	rf_message *m = reparse(s, r);
	size_t k, n = 0;
	int rc = -1;

	if (m == NULL)
		return -1;
	for (k = 0; k < smp->n; k++)
		if (smp->owner[k] != i)
			others[n++] = smp->v[k];
	if (rf_analysis_message(s->ctx, &s->cfg, m, r->rcpt, &an, NULL) !=
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
	report_message(s->sp, r->label, m, &x, s->json);
	s->tracking += an.ntracking;
	rc = 0;
out:
	rf_message_free(m);
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
	const char *reasons[64];
	struct report_extra x;
	rf_verdict_facts f;
	rf_verdict v;
	rf_arena *a;
	char *head, *p;
	size_t k, n = 0;
	int rc = 0;

	if ((head = spool_read(b, r->head_off, r->head_len)) == NULL)
		return -1;
	fwrite(head, 1, r->head_len, stdout);
	free(head);
	if (r->error)
		return 0;
	memset(&x, 0, sizeof(x));
	x.recipient = r->rcpt;
	for (p = r->reasons, k = 0; k < r->nreasons && n < 64; k++) {
		reasons[n++] = p;
		p += strlen(p) + 1;
	}
	f = r->facts;
	f.tracking = reasons;
	f.ntracking = n;
	if (bc != NULL) {
		fill_campaign(b, bc, c, &x);
		if (bc->recipients >= RF_CAMPAIGN_MIN_SIZE) {
			f.has_campaign = 1;
			f.campaign_size = bc->recipients;
			f.campaign_copies = bc->size;
			f.personal_text = 0;
		}
	}
	if ((a = rf_arena_new()) == NULL ||
	    rf_verdict_decide(&f, s->cfg.verdict, a, &v, NULL) != RF_OK) {
		rf_arena_free(a);
		return -1;
	}
	x.verdict = rf_verdict_name(v.kind);
	x.score = v.score;
	x.reasons = v.reasons;
	x.nreasons = v.nreasons;
	x.cls = r->cls;
	scan_count_verdict(s, v.kind);
	s->sp->resume_map(s->sp);
	report_tail(s->sp, &x, s->json);
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

	if (fflush(b->spool) != 0 || ferror(b->spool)) {
		cli_warn("scan: cannot write the batch spool");
		return -1;
	}
	scan_progress(s, "clustering", 0, 0, 0);
	if (rf_cluster_run(b->cl, &err) != RF_OK || collect_samples(s) != 0)
		return -1;
	for (i = 0; i < b->n; i++) {
		bc = b->rec[i].error ? NULL : campaign_of(b, i, &c);
		if (bc != NULL)
			s->in_campaigns++;
		if (bc != NULL && b->rec[i].raw_len > 0) {
			if (report_campaign_copy(s, i, bc, c) != 0)
				return -1;
		} else if (report_spooled(s, i, bc, c) != 0) {
			return -1;
		}
		scan_progress(s, "reporting", i + 1, b->n, i + 1 == b->n);
	}
	return 0;
}
