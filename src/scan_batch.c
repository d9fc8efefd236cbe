/*
 * scan_batch.c - batch mode of `redflag scan`: cluster every message
 * given into campaigns, then report each with its campaign.
 *
 * Pass one parses and analyses each message once: tracking codes for
 * its recipient, fingerprint, findings, verdict facts (no campaign yet),
 * classification.  Everything pass two needs goes to a spool file as one
 * record per message, in input order (scan_spool.h): a message without
 * links has the start of its report printed there; a message with links
 * (or embedded messages) has instead the message itself as far as its
 * report and the lining-up read it: headers shown, every link with its
 * tokens, reasons and clean form, attachments, embedded messages.  Raw
 * bytes are never kept and no message is parsed twice.  The fingerprints
 * are then clustered (LSH bands, never all pairs).
 *
 * Pass two reads the spool twice from the start, sequentially: first for
 * each campaign's first Date and the link skeletons of a sample of its
 * copies (the first SAMPLE_COPIES with links), then to report the
 * messages in input order.  The links of a copy of a campaign of two or
 * more recipients are lined up with the sample's other copies (a part
 * that changes from copy to copy identifies the recipient,
 * rf_tracking_campaign) on the message read back, whose findings are then
 * counted again; every report is finished with its campaign, verdict and
 * reasons.  The classification is pass one's, made without the campaign
 * (a classifier's campaign-size token is not among its facts in batch
 * mode).  Memory holds the clustering's state (within its budget,
 * RF_CLUSTER_MEMORY, and a cluster number per message), the list and
 * samples of the campaigns of two or more recipients, and nothing per
 * message besides: reports and meta stay on disk.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"
#include "scan.h"
#include "scan_spool.h"

#define SAMPLE_COPIES 16	/* copies of a campaign whose links are lined
				 * up with each copy */
#define SPOOL_BUFFER (1 << 20)	/* stdio buffer of the spool, and the
				 * reader's */

struct sample {
	rf_copy_links *v;	/* in the batch arena */
	size_t n, cap;
	size_t *owner;		/* record each sampled copy came from */
	const char **rcpt;	/* the recipient each was analysed for (in
				 * the batch arena), or NULL */
};

struct batch {
	FILE *spool;		/* the spool file, written through stdio */
	char *spool_buf;	/* its stdio buffer */
	size_t n;		/* records spooled */
	rf_cluster *cl;
	rf_arena *a;		/* samples */
	size_t *camp;		/* cluster numbers of the campaigns of two
				 * or more recipients, ascending */
	size_t ncamp;
	struct sample *samples;	/* per campaign (index into camp) */
	long long *first_seen;	/* per campaign */
	rf_buf meta;		/* pass one: the meta being packed */
	rf_buf head;		/* pass one: the head being printed */
	FILE *headf;		/* writes into head (fopencookie) */
};

/* The head is printed through a stdio stream that appends to b->head. */
static ssize_t
head_cookie_write(void *cookie, const char *p, size_t n)
{
	struct batch *b = cookie;

	return rf_buf_append(&b->head, p, n) == 0 ? (ssize_t)n : 0;
}

struct batch *
batch_new(struct scan *s)
{
	struct batch *b = calloc(1, sizeof(*b));
	cookie_io_functions_t io = { NULL, head_cookie_write, NULL, NULL };
	rf_error err;

	(void)s;
	if (b != NULL) {
		rf_buf_init(&b->meta, 0);
		rf_buf_init(&b->head, 0);
	}
	if (b != NULL && (b->spool = tmpfile()) == NULL) {
		cli_warn("scan: cannot make the batch spool: %s",
		    strerror(errno));
		batch_free(b);
		return NULL;
	}
	if (b == NULL || (b->spool_buf = malloc(SPOOL_BUFFER)) == NULL ||
	    setvbuf(b->spool, b->spool_buf, _IOFBF, SPOOL_BUFFER) != 0 ||
	    (b->headf = fopencookie(b, "w", io)) == NULL ||
	    (b->a = rf_arena_new()) == NULL ||
	    rf_cluster_new(&b->cl, &err) != RF_OK) {
		cli_warn("scan: stopped by an internal error: out of memory");
		batch_free(b);
		return NULL;
	}
	return b;
}

void
batch_free(struct batch *b)
{
	size_t i;

	if (b == NULL)
		return;
	if (b->samples != NULL)
		for (i = 0; i < b->ncamp; i++) {
			free(b->samples[i].owner);
			free(b->samples[i].rcpt);
		}
	free(b->samples);
	free(b->camp);
	free(b->first_seen);
	rf_cluster_free(b->cl);
	rf_arena_free(b->a);
	if (b->headf != NULL)
		fclose(b->headf);
	if (b->spool != NULL)
		fclose(b->spool);
	free(b->spool_buf);
	rf_buf_free(&b->meta);
	rf_buf_free(&b->head);
	free(b);
}

/* print_head: the start of a report (m not NULL) or an error report into
 * b->head; -1 (out of memory, recorded by scan_stop) when it cannot. */
static int
print_head(struct scan *s, const char *label, const rf_message *m,
	   const char *rcpt, const char *error)
{
	struct batch *b = s->batch;
	struct sprinter *sp;

	rf_buf_reset(&b->head);
	if ((sp = s->json ? sprinter_json_new(b->headf) :
	    sprinter_text_new(b->headf)) == NULL)
		return scan_stop(s, "printing the report of", label, NULL);
	if (m != NULL)
		report_head(sp, label, m, rcpt, s->json);
	else
		report_error(sp, label, error);
	sp->destroy(sp);
	/* the head's stream fails only when b->head cannot grow */
	return fflush(b->headf) != 0 || ferror(b->headf) ? scan_stop(s,
	    "printing the report of", label, NULL) : 0;
}

/* spool_failed: a record that could not be written to the spool (a full
 * temporary directory, out of memory, a record over 4 GiB); -1. */
static int
spool_failed(struct scan *s, const char *label)
{
	return scan_stop(s, "writing the batch spool for", label,
	    errno == ENOMEM ? NULL : errno != 0 ? strerror(errno) :
	    "a record too large");
}

/* read_failed: the spool could not be read back, was cut short or memory
 * ran out (spool_next, spool_unpack_meta); -1. */
static int
read_failed(struct scan *s)
{
	return scan_stop(s, "reading the batch spool back", NULL,
	    errno == ENOMEM ? NULL : errno != 0 ? strerror(errno) :
	    "damaged or cut short");
}

int
batch_error(struct scan *s, const char *label, const char *msg)
{
	struct batch *b = s->batch;

	if (print_head(s, label, NULL, NULL, msg) != 0)
		return -1;
	errno = 0;
	if (spool_write(b->spool, 0, b->head.data, b->head.len, NULL, 0) != 0)
		return spool_failed(s, label);
	b->n++;
	return 0;
}

int
batch_item(struct scan *s, const rf_item *item)
{
	struct batch *b = s->batch;
	rf_analysis an;
	rf_message *m = NULL;
	rf_error err;
	rf_status st;
	int rc = -1, linked;

	st = rf_message_parse(s->ctx, item->data, item->len, &m, &err);
	if (st != RF_OK) {
		s->failed++;
		if (st == RF_ENOMEM)
			return scan_stop(s, "parsing", item->label, err.msg);
		scan_warn_input(s, item->label, err.msg);
		return batch_error(s, item->label, err.msg);
	}
	if (item->truncated)
		m->limits_hit |= RF_LIMIT_MESSAGE_SIZE;
	if (rf_analysis_message(s->ctx, &s->cfg, m, s->rcpt, &an, &err) !=
	    RF_OK) {
		scan_stop(s, "analysing", item->label, err.msg);
		goto out;
	}
	/* a message with links keeps the message itself, whose report
	 * pass two prints after lining its links up; the others keep the
	 * printed start of their report */
	linked = m->links.n > 0 || m->nembedded > 0;
	rf_buf_reset(&b->head);
	if (!linked && print_head(s, item->label, m, an.recipient, NULL) != 0)
		goto out;
	spool_pack_findings(&b->meta, item->label, &an);
	if (rf_analysis_verdict(&s->cfg, &an, 0, 0, 0, &err) != RF_OK) {
		scan_stop(s, "deciding the verdict of", item->label, err.msg);
		goto out;
	}
	if (spool_pack_facts(&b->meta, &an, linked ? m : NULL) != 0) {
		scan_stop(s, "keeping the findings of", item->label, NULL);
		goto out;
	}
	errno = 0;
	if (spool_write(b->spool, rf_message_time(m), b->head.data,
	    b->head.len, b->meta.data, b->meta.len) != 0) {
		spool_failed(s, item->label);
		goto out;
	}
	/* the index is the item's own number: the clustering keeps no
	 * index file (item numbers are all scan_batch looks up) */
	if (rf_cluster_add(b->cl, &an.fp, an.recipient,
	    rf_cluster_items(b->cl), &err) != RF_OK) {
		scan_stop(s, "clustering", item->label, err.msg);
		goto out;
	}
	b->n++;
	s->messages++;
	s->links += m->links.n;
	rc = 0;
out:
	rf_message_free(m);
	return rc;
}

static int
cmp_size(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	return a < b ? -1 : a > b;
}

/* campaign_of: the campaign of the item-th message when it is one of two
 * or more recipients, with its index into b->camp in *k; else NULL. */
static const rf_batch_campaign *
campaign_of(struct batch *b, size_t item, size_t *k)
{
	const size_t *at;
	size_t c;

	/* b->camp holds exactly the campaigns of two or more recipients:
	 * the campaign itself is read only for them */
	if (b->ncamp == 0)
		return NULL;	/* and b->camp may be NULL: not for bsearch */
	c = rf_cluster_of(b->cl, item, NULL);
	if ((at = bsearch(&c, b->camp, b->ncamp, sizeof(c), cmp_size)) ==
	    NULL)
		return NULL;
	*k = (size_t)(at - b->camp);
	return rf_cluster_campaign(b->cl, c);
}

/* list_campaigns: b->camp, the clusters that are campaigns of two or more
 * recipients (memory per campaign, not per message); -1 when out of
 * memory. */
static int
list_campaigns(struct batch *b)
{
	size_t nc = rf_cluster_count(b->cl), c, cap = 0;
	size_t *v;

	for (c = 0; c < nc; c++) {
		if (rf_cluster_campaign(b->cl, c)->recipients <
		    RF_CAMPAIGN_MIN_SIZE)
			continue;
		if (b->ncamp == cap) {
			cap = cap ? cap * 2 : 64;
			if ((v = realloc(b->camp, cap * sizeof(*v))) == NULL)
				return -1;
			b->camp = v;
		}
		b->camp[b->ncamp++] = c;
	}
	return 0;
}

/* add_sample: the skeleton of the message of record i, read back, to
 * the sample of its campaign; -1 after scan_stop. */
static int
add_sample(struct scan *s, struct sample *smp, const struct spool_rec *r,
	   size_t i)
{
	struct batch *b = s->batch;
	rf_copy_links skel;
	struct meta mt;
	const char **urls;
	rf_arena *a;
	rf_error err;
	size_t k;
	int rc = -1;

	errno = 0;
	if ((a = rf_arena_new()) == NULL) {
		scan_stop(s, "sampling the campaigns", NULL, NULL);
		goto out;
	}
	if (spool_unpack_meta(r, a, &mt) != 0 || mt.m == NULL) {
		read_failed(s);
		goto out;
	}
	if (rf_tracking_skeleton(mt.m, &skel, &err) != RF_OK) {
		scan_stop(s, "sampling the links of", mt.label, err.msg);
		goto out;
	}
	urls = rf_arena_array(b->a, skel.n + 1, sizeof(*urls));
	if (smp->owner == NULL)
		smp->owner = calloc(SAMPLE_COPIES, sizeof(*smp->owner));
	if (smp->rcpt == NULL)
		smp->rcpt = calloc(SAMPLE_COPIES, sizeof(*smp->rcpt));
	if (urls == NULL || smp->owner == NULL || smp->rcpt == NULL ||
	    rf_arena_grow(b->a, (void **)&smp->v, &smp->cap, smp->n,
	    sizeof(*smp->v)) != 0) {
		scan_stop(s, "sampling the links of", mt.label, NULL);
		goto out;
	}
	for (k = 0; k < skel.n; k++)
		if ((urls[k] = rf_arena_strdup(b->a, skel.urls[k])) == NULL) {
			scan_stop(s, "sampling the links of", mt.label, NULL);
			goto out;
		}
	smp->v[smp->n].urls = urls;
	smp->v[smp->n].n = skel.n;
	smp->rcpt[smp->n] = mt.rcpt != NULL ? rf_arena_strdup(b->a, mt.rcpt) :
	    NULL;
	if (mt.rcpt != NULL && smp->rcpt[smp->n] == NULL) {
		scan_stop(s, "sampling the links of", mt.label, NULL);
		goto out;
	}
	smp->owner[smp->n++] = i;
	rc = 0;
out:
	rf_arena_free(a);
	return rc;
}

/* collect_samples: the links of up to SAMPLE_COPIES copies with links of
 * each campaign (their skeletons), and its first Date: one pass over the
 * spool. */
static int
collect_samples(struct scan *s)
{
	struct batch *b = s->batch;
	size_t i, item = 0, c;
	struct spool_reader rd;
	struct spool_rec r;
	struct sample *smp;
	int rc = -1, got;

	if (list_campaigns(b) != 0)
		return scan_stop(s, "listing the campaigns", NULL, NULL);
	b->samples = calloc(b->ncamp ? b->ncamp : 1, sizeof(*b->samples));
	b->first_seen = calloc(b->ncamp ? b->ncamp : 1,
	    sizeof(*b->first_seen));
	if (b->samples == NULL || b->first_seen == NULL)
		return scan_stop(s, "sampling the campaigns", NULL, NULL);
	if (b->ncamp == 0)
		return 0;	/* nothing to sample: the report pass reads
				 * and checks the spool */
	if (spool_open(&rd, fileno(b->spool), SPOOL_BUFFER) != 0)
		return scan_stop(s, "reading the batch spool back", NULL,
		    NULL);
	errno = 0;
	for (i = 0; (errno = 0, got = spool_next(&rd, &r)) > 0; i++) {
		if (r.meta_len == 0 || campaign_of(b, item++, &c) == NULL)
			continue;
		if (r.date != 0 && (b->first_seen[c] == 0 ||
		    r.date < b->first_seen[c]))
			b->first_seen[c] = r.date;
		smp = &b->samples[c];
		if (r.head_len == 0 && smp->n < SAMPLE_COPIES &&
		    add_sample(s, smp, &r, i) != 0)
			goto out;
	}
	rc = got == 0 && i == b->n ? 0 : read_failed(s);
out:
	spool_close(&rd);
	return rc;
}

static int
count_tracking(rf_link *k, void *arg)
{
	if (k->tracking)
		(*(size_t *)arg)++;
	return 0;
}

/* line_up: line the links of the copy read back (record i of campaign
 * b->camp[c]) up with the sample's other copies, and bring its tracking facts up
 * to date; -1 after scan_stop. */
static int
line_up(struct scan *s, struct meta *mt, size_t i, size_t c)
{
	struct sample *smp = &s->batch->samples[c];
	rf_copy_links others[SAMPLE_COPIES];
	const char *orcpts[SAMPLE_COPIES];
	rf_verdict_facts f;
	rf_error err;
	size_t k, n = 0;

	for (k = 0; k < smp->n; k++)
		if (smp->owner[k] != i) {
			orcpts[n] = smp->rcpt[k];
			others[n++] = smp->v[k];
		}
	if (n == 0)
		return 0;
	/* the recipients are known in batch mode: the comparison uses them
	 * (docs/tracking.md, "The copies' recipients") */
	if (rf_tracking_campaign_for(s->ctx, s->cfg.rules, mt->m, mt->rcpt,
	    others, orcpts, n, &err) != RF_OK)
		return scan_stop(s, "lining up the links of", mt->label,
		    err.msg);
	/* the message read back has no headers: only its tracking counts
	 * and findings are taken */
	f = mt->facts;
	if (rf_verdict_facts_message(mt->m, NULL, &f, &err) != RF_OK)
		return scan_stop(s, "counting the findings of", mt->label,
		    err.msg);
	mt->facts.rcpt_links = f.rcpt_links;
	mt->facts.code_links = f.code_links;
	mt->facts.web_bugs = f.web_bugs;
	mt->facts.tracking = f.tracking;
	mt->facts.ntracking = f.ntracking;
	return 0;
}

/* report: print record i (the item-th message, in campaign bc, or in
 * none) whole: the spooled start or the message read back
 * (lined up with its campaign), then campaign, verdict and reasons. */
static int
report(struct scan *s, const struct spool_rec *r, size_t i, size_t item)
{
	struct batch *b = s->batch;
	const rf_batch_campaign *bc;
	struct report_extra x;
	struct meta mt;
	rf_verdict v;
	rf_arena *a;
	rf_error err;
	size_t c;
	int rc = -1;

	if (r->meta_len == 0) {
		fwrite_unlocked(r->head, 1, r->head_len, s->out);
		return 0;
	}
	bc = campaign_of(b, item, &c);
	if (bc != NULL)
		s->in_campaigns++;
	errno = 0;
	if ((a = rf_arena_new()) == NULL) {
		scan_stop(s, "reporting", NULL, NULL);
		goto out;
	}
	if (spool_unpack_meta(r, a, &mt) != 0) {
		read_failed(s);
		goto out;
	}
	mt.facts.tracking = mt.reasons;
	mt.facts.ntracking = mt.nreasons;
	if (mt.m != NULL && bc != NULL && line_up(s, &mt, i, c) != 0)
		goto out;
	memset(&x, 0, sizeof(x));
	x.recipient = mt.rcpt;
	if (bc != NULL) {
		x.campaign.id = bc->id;
		x.campaign.size = (long long)bc->recipients;
		x.campaign.copies = (long long)bc->size;
		x.campaign.first_seen = b->first_seen[c];
		mt.facts.has_campaign = 1;
		mt.facts.campaign_size = bc->recipients;
		mt.facts.campaign_copies = bc->size;
		mt.facts.personal_text = 0;
	}
	if (rf_verdict_decide(&mt.facts, s->cfg.verdict, a, &v, &err) !=
	    RF_OK) {
		scan_stop(s, "deciding the verdict of", mt.label, err.msg);
		goto out;
	}
	x.verdict = rf_verdict_name(v.kind);
	x.score = v.score;
	x.reasons = v.reasons;
	x.nreasons = v.nreasons;
	x.signs = v.signs;
	x.nsigns = v.nsigns;
	x.cls = mt.has_cls ? &mt.cls : NULL;
	scan_count_verdict(s, v.kind);
	if (mt.m != NULL) {
		report_message(s->sp, mt.label, mt.m, &x, s->json);
		rf_tracking_walk(mt.m, count_tracking, &s->tracking);
	} else {
		fwrite_unlocked(r->head, 1, r->head_len, s->out);
		s->sp->resume_map(s->sp);
		report_tail(s->sp, &x, s->json);
	}
	rc = 0;
out:
	rf_arena_free(a);
	return rc;
}

int
batch_finish(struct scan *s)
{
	struct batch *b = s->batch;
	struct spool_reader rd;
	struct spool_rec r;
	size_t i, item = 0;
	rf_error err;
	int rc = -1, got;

	errno = 0;
	if (fflush(b->spool) != 0 || ferror(b->spool))
		return scan_stop(s, "writing the batch spool", NULL,
		    errno != 0 ? strerror(errno) : "write error");
#ifdef __GLIBC__
	/* give back what parsing left free in the heap before the
	 * clustering's tables are made: peak memory stays nearer pass
	 * one's */
	malloc_trim(0);
#endif
	scan_progress(s, "clustering", 0, 0, 0);
	if (rf_cluster_run(b->cl, &err) != RF_OK)
		return scan_stop(s, "clustering the messages", NULL, err.msg);
	if (collect_samples(s) != 0)
		return -1;
	if (spool_open(&rd, fileno(b->spool), SPOOL_BUFFER) != 0)
		return scan_stop(s, "reading the batch spool back", NULL,
		    NULL);
	errno = 0;
	for (i = 0; (errno = 0, got = spool_next(&rd, &r)) > 0; i++) {
		if (report(s, &r, i, item) != 0)
			goto out;
		item += r.meta_len != 0;
		scan_progress(s, "reporting", i + 1, b->n, i + 1 == b->n);
	}
	rc = got == 0 && i == b->n ? 0 : read_failed(s);
out:
	spool_close(&rd);
	return rc;
}
