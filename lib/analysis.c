/*
 * analysis.c - the per-message analysis shared by the front ends (see
 * redflag/analysis.h).
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#include <redflag/analysis.h>

const char *
rf_format_count(uint64_t n, char *buf, size_t size)
{
	char digits[32];
	size_t len, i, o = 0;

	len = (size_t)snprintf(digits, sizeof(digits), "%llu",
	    (unsigned long long)n);
	for (i = 0; i < len && o + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

/* count_tracking: links of m (and embedded messages) that identify. */
static int
count_one(rf_link *k, void *arg)
{
	if (k->tracking)
		(*(size_t *)arg)++;
	return 0;
}

rf_status
rf_analysis_reasons(rf_analysis *an, uint64_t campaign_size, rf_error *err)
{
	const char **summary = NULL, **v;
	size_t nsummary = 0, n = 0;
	char num[32];
	rf_status st;

	an->ntracking = 0;
	rf_tracking_walk(an->m, count_one, &an->ntracking);
	st = rf_tracking_summary(an->m, &summary, &nsummary, err);
	if (st != RF_OK)
		return st;
	v = rf_arena_array(an->m->arena, nsummary + 1, sizeof(*v));
	if (v == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	if (campaign_size >= RF_CAMPAIGN_MIN_SIZE) {
		v[n] = rf_arena_printf(an->m->arena, "sent to %s recipients",
		    rf_format_count(campaign_size, num, sizeof(num)));
		if (v[n++] == NULL)
			return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	if (nsummary > 0)
		memcpy(v + n, summary, nsummary * sizeof(*v));
	an->reasons = v;
	an->nreasons = n + nsummary;
	an->found = summary;
	an->nfound = nsummary;
	return RF_OK;
}

rf_status
rf_analysis_message(const rf_ctx *ctx, const rf_analysis_cfg *cfg,
		    rf_message *m, const char *recipient, rf_analysis *an,
		    rf_error *err)
{
	return rf_analysis_recipient(ctx, cfg, m, NULL, recipient, an, err);
}

/*
 * The classifier's tokens of one message, made once for each value of
 * what in them may depend on the recipient (rf__cls_vary: whether a link
 * identifies the recipient, the campaign size bucket); everything else
 * they are made of is the parsed message's.  Two recipients with the same
 * value have the same tokens, so the second is scored (its counts read,
 * as for a fresh message: with Redis one round trip each) from the
 * first's tokens instead of tokenizing the message again.
 */
struct rf_analysis_cls {
	const rf_classifier *by[RF__CLS_VARY];	/* made for it, or NULL */
	rf__ctoks t[RF__CLS_VARY];		/* in m's arena */
};

rf_status
rf_analysis_prepare(const rf_ctx *ctx, const rf_analysis_cfg *cfg,
		    rf_message *m, rf_analysis_shared *out, rf_error *err)
{
	rf_status st;

	memset(out, 0, sizeof(*out));
	if ((out->cls = rf_arena_alloc(m->arena, sizeof(*out->cls))) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	memset(out->cls, 0, sizeof(*out->cls));
	st = rf_tracking_prepare(ctx, cfg->rules, m, &out->links, err);
	if (st == RF_OK)
		st = rf_fingerprint_prepare(ctx, m, m->arena, &out->fp, err);
	return st;
}

/* lower_address: s in ASCII lower case, as rf_message_recipient gives a
 * header's address: s itself when it has no upper-case letter, else a
 * copy in a; NULL when that copy cannot be made. */
static const char *
lower_address(rf_arena *a, const char *s)
{
	const char *p;
	char *out, *q;

	for (p = s; *p != '\0' && rf__ascii_lower((unsigned char)*p) == *p;
	    p++)
		;
	if (*p == '\0' || (out = rf_arena_strdup(a, s)) == NULL)
		return *p == '\0' ? s : NULL;
	for (q = out; *q != '\0'; q++)
		*q = (char)rf__ascii_lower((unsigned char)*q);
	return out;
}

rf_status
rf_analysis_recipient(const rf_ctx *ctx, const rf_analysis_cfg *cfg,
		      rf_message *m, const rf_analysis_shared *sh,
		      const char *recipient, rf_analysis *an, rf_error *err)
{
	const char *name;
	rf_status st;

	memset(an, 0, sizeof(*an));
	an->ctx = ctx;
	an->m = m;
	an->cls_shared = sh != NULL ? sh->cls : NULL;
	/* a recipient given (scan --rcpt, the envelope) in lower case, as
	 * one read from the headers is: what the reports show */
	an->recipient = recipient != NULL ? lower_address(m->arena,
	    recipient) : rf_message_recipient(m);
	if (recipient != NULL && an->recipient == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	st = sh != NULL ? rf_tracking_message_base(ctx, cfg->rules, m,
	    sh->links, an->recipient, err) : rf_tracking_message(ctx,
	    cfg->rules, m, an->recipient, err);
	if (st != RF_OK)
		return st;
	/* "" when there is none: NULL would make the fingerprint look for
	 * it again (an empty name has no words) */
	name = rf_message_recipient_name(m, an->recipient);
	st = sh != NULL ? rf_fingerprint_message_base(ctx, m, sh->fp,
	    an->recipient, name != NULL ? name : "", &an->fp, err) :
	    rf_fingerprint_message(ctx, m, an->recipient, name != NULL ?
	    name : "", &an->fp, err);
	if (st != RF_OK)
		return st;
	return rf_analysis_reasons(an, 0, err);
}

/* Collects the store's sample of earlier copies (and their recipients'
 * ids, NULL: unknown) into m's arena. */
struct samples {
	rf_arena *a;
	rf_copy_links *v;
	const char **rcpt;
	size_t n, cap, rcap;
	int failed;
};

static int
on_sample(size_t copy, const char *rcpt, const char *const *links,
	  size_t nlinks, void *arg)
{
	struct samples *s = arg;
	const char **urls;
	size_t i;

	(void)copy;
	if (rf_arena_grow(s->a, (void **)&s->v, &s->cap, s->n,
	    sizeof(*s->v)) != 0 ||
	    rf_arena_grow(s->a, (void **)&s->rcpt, &s->rcap, s->n,
	    sizeof(*s->rcpt)) != 0 ||
	    (rcpt != NULL && (rcpt = rf_arena_strdup(s->a, rcpt)) == NULL) ||
	    (urls = rf_arena_array(s->a, nlinks + 1, sizeof(*urls))) == NULL) {
		s->failed = 1;
		return 1;
	}
	s->rcpt[s->n] = rcpt;
	for (i = 0; i < nlinks; i++)
		if ((urls[i] = rf_arena_strdup(s->a, links[i])) == NULL) {
			s->failed = 1;
			return 1;
		}
	s->v[s->n].urls = urls;
	s->v[s->n].n = nlinks;
	s->n++;
	return 0;
}

/* campaign: rf_analysis_campaign, and looking up (add 0) with pending
 * recipients added to the campaign found as rf_analysis_campaign_pending
 * says. */
static rf_status
campaign(const rf_ctx *ctx, const rf_analysis_cfg *cfg, rf_analysis *an,
	 int add, uint64_t pending, int64_t now, rf_error *err)
{
	struct samples smp = { an->m->arena, NULL, NULL, 0, 0, 0, 0 };
	char own_id[RF_STORE_RCPT_ID_LEN + 1];
	rf_copy_links own;
	rf_campaign found;
	const char *rcpts[1];
	rf_status st;

	if (cfg->store == NULL || an->fp.kind == RF_FP_EMPTY)
		return RF_OK;
	/* the earlier copies, before this one joins the sample */
	st = rf_campaign_lookup(cfg->store, &an->fp, &found, err);
	if (st == RF_OK)
		st = rf_campaign_samples_for(cfg->store, found.id, on_sample,
		    &smp, err);
	if (st != RF_OK && st != RF_ENOTFOUND)
		return st;
	if (smp.failed)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	if (add) {
		st = rf_tracking_skeleton(an->m, &own, err);
		if (st != RF_OK)
			return st;
		rcpts[0] = an->recipient;
		st = rf_campaign_add(cfg->store, &an->fp, rcpts,
		    an->recipient != NULL ? 1 : 0, an->m->subject, own.urls,
		    own.n, now, &an->campaign, err);
	} else if (st == RF_OK) {
		an->campaign = found;
		if (pending > 0) {
			an->campaign.size += pending;
			an->campaign.copies++;
		}
	}
	if (st == RF_ENOTFOUND)
		return rf_analysis_reasons(an, 0, err);
	if (st != RF_OK)
		return st;
	an->in_campaign = an->campaign.size >= RF_CAMPAIGN_MIN_SIZE;
	if (smp.n > 0) {
		/* recipients compared by their ids, as the sample keeps */
		if (an->recipient != NULL && an->recipient[0] != '\0')
			rf_store_rcpt_id(an->recipient, own_id);
		st = rf_tracking_campaign_for(ctx, cfg->rules, an->m,
		    an->recipient != NULL && an->recipient[0] != '\0' ?
		    own_id : NULL, smp.v, smp.rcpt, smp.n, err);
		if (st != RF_OK)
			return st;
	}
	return rf_analysis_reasons(an, an->in_campaign ? an->campaign.size :
	    0, err);
}

rf_status
rf_analysis_campaign(const rf_ctx *ctx, const rf_analysis_cfg *cfg,
		     rf_analysis *an, int add, int64_t now, rf_error *err)
{
	return campaign(ctx, cfg, an, add, 0, now, err);
}

rf_status
rf_analysis_campaign_pending(const rf_ctx *ctx, const rf_analysis_cfg *cfg,
			     rf_analysis *an, uint64_t pending, rf_error *err)
{
	return campaign(ctx, cfg, an, 0, pending, 0, err);
}

/* --- verdict (redflag/verdict.h): campaign, consent, complaints --- */

/* classify_shared: rf_classifier_classify of an's message by c with
 * facts cf, from the tokens of an earlier recipient of the same value
 * (struct rf_analysis_cls) when there is one. */
static rf_status
classify_shared(const rf_classifier *c, rf_analysis *an,
		const rf_cls_facts *cf, rf_error *err)
{
	struct rf_analysis_cls *sc = an->cls_shared;
	unsigned k = rf__cls_vary(an->m, cf);
	rf_status st;

	if (sc->by[k] != c) {
		sc->by[k] = NULL;
		if ((st = rf__classifier_tokens(c, an->ctx, an->m, cf,
		    an->m->arena, &sc->t[k], err)) != RF_OK)
			return st;
		sc->by[k] = c;
	}
	return rf__classifier_score(c, &sc->t[k], an->m->arena,
	    RF_ANALYSIS_CLS_TOKENS, &an->cls, err);
}

/* classify: the classifier's probability and reasons as facts of an. */
static rf_status
classify(const rf_analysis_cfg *cfg, rf_analysis *an, uint64_t size,
	 rf_error *err)
{
	rf_cls_facts cf;
	rf_status st;

	memset(&cf, 0, sizeof(cf));
	cf.campaign_size = (unsigned long)size;
	st = an->cls_shared != NULL ? classify_shared(cfg->classifier, an,
	    &cf, err) : rf_classifier_classify(cfg->classifier, an->ctx,
	    an->m, &cf, an->m->arena, RF_ANALYSIS_CLS_TOKENS, &an->cls, err);
	if (st != RF_OK)
		return st;
	an->classified = 1;
	if (an->cls.untrained)	/* no evidence either way: as without */
		return RF_OK;
	an->facts.has_classifier = 1;
	an->facts.classifier_p = an->cls.p;
	if ((an->facts.classifier_reasons = rf_cls_reasons(&an->cls,
	    an->m->arena, RF_ANALYSIS_CLS_TOKENS)) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	return RF_OK;
}

rf_status
rf_analysis_verdict(const rf_analysis_cfg *cfg, rf_analysis *an,
		    uint64_t size, uint64_t copies, uint64_t complaints,
		    rf_error *err)
{
	rf_verdict_facts *f = &an->facts;
	rf_consent_record rec;
	rf_status st;

	memset(f, 0, sizeof(*f));
	f->recipient = an->recipient;
	f->personal_text = -1;
	if (size >= RF_CAMPAIGN_MIN_SIZE) {
		f->has_campaign = 1;
		f->campaign_size = size;
		f->campaign_copies = copies;
		f->campaign_complaints = complaints;
		f->personal_text = 0;	/* its text suits other recipients */
	}
	/* the findings rf_analysis_reasons made, not summed again */
	rf__verdict_facts_found(an->m, cfg->authserv_id, an->found,
	    an->nfound, f);
	if (cfg->consent != NULL && f->sender_domain != NULL) {
		st = rf_consent_complaints(cfg->consent, f->sender_domain,
		    &f->domain_complaints, err);
		if (st == RF_ESTORE)
			return st;	/* err says which store and why */
	}
	f->consent_unchecked = cfg->consent == NULL ?
	    RF_CONSENT_CHECK_NO_STORE : an->recipient == NULL ?
	    RF_CONSENT_CHECK_NO_RECIPIENT : 0;
	if (cfg->consent != NULL && an->recipient != NULL) {
		st = rf_consent_check(cfg->consent, an->recipient,
		    an->m->from_addr, an->m->list_id, &rec, err);
		if (st == RF_OK) {
			f->consent = rec.kind;
			f->consent_sender = rf_arena_strdup(an->m->arena,
			    rec.sender);
			f->consent_source = rf_arena_strdup(an->m->arena,
			    rec.source);
			f->consent_since = rec.since;
			if (f->consent_sender == NULL ||
			    f->consent_source == NULL)
				return rf_error_set(err, RF_ENOMEM,
				    "out of memory");
		} else if (st != RF_ENOTFOUND && st != RF_EINVAL) {
			return st;
		}
	}
	if (cfg->classifier != NULL) {
		st = classify(cfg, an, size, err);
		if (st != RF_OK)
			return st;
	}
	st = rf_verdict_decide(f, cfg->verdict, an->m->arena, &an->verdict,
	    err);
	if (st != RF_OK)
		return st;
	an->reasons = an->verdict.reasons;
	an->nreasons = an->verdict.nreasons;
	return RF_OK;
}
