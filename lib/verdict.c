/*
 * verdict.c - the verdict from the facts (see redflag/verdict.h and
 * docs/verdicts.md).  A pure function: no store, no I/O, no state.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <redflag/analysis.h>
#include <redflag/limits.h>
#include <redflag/verdict.h>

#include "internal.h"

#define REASONS_MAX 16

static const char *const verdict_names[] = { "ham", "bulk", "spam",
	"unsure" };

const char *
rf_verdict_name(rf_verdict_kind k)
{
	if ((unsigned)k < sizeof(verdict_names) / sizeof(verdict_names[0]))
		return verdict_names[k];
	return "?";
}

void
rf_verdict_settings_default(rf_verdict_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->bulk_size = 20;
	s->campaign_complaints = 1;
	s->domain_complaints = 5;
	s->tracking_links = 1;
	s->list_headers_bulk = 1;
	s->spam_cutoff = 0.9;	/* the classifier's (docs/classifier.md) */
	s->ham_cutoff = 0.45;
}

static int
parse_prob(const char *v, double *out)
{
	char *end;
	double d;

	if (*v == '\0')
		return -1;
	errno = 0;
	d = strtod(v, &end);
	if (errno != 0 || *end != '\0' || !(d >= 0.0 && d <= 1.0))
		return -1;
	*out = d;
	return 0;
}

rf_status
rf_verdict_settings_set(rf_verdict_settings *s, const char *name,
			const char *value, rf_error *err)
{
	unsigned long long u;
	double d;

	if (strcmp(name, "bulk_size") == 0 ||
	    strcmp(name, "campaign_complaints") == 0 ||
	    strcmp(name, "domain_complaints") == 0 ||
	    strcmp(name, "tracking_links") == 0) {
		if (rf_parse_number(value, 1000000000, 0, &u, NULL) !=
		    RF_OK || u == 0)
			return rf_error_set(err, RF_EINVAL, "%s: a number "
			    "from 1 to 1000000000", name);
		if (name[0] == 'b')
			s->bulk_size = u;
		else if (name[0] == 'c')
			s->campaign_complaints = u;
		else if (name[0] == 'd')
			s->domain_complaints = u;
		else
			s->tracking_links = (unsigned)(u > 65535 ? 65535 : u);
		return RF_OK;
	}
	if (strcmp(name, "list_headers_bulk") == 0) {
		if (strcmp(value, "yes") == 0)
			s->list_headers_bulk = 1;
		else if (strcmp(value, "no") == 0)
			s->list_headers_bulk = 0;
		else
			return rf_error_set(err, RF_EINVAL, "%s: yes or no",
			    name);
		return RF_OK;
	}
	if (strcmp(name, "spam_cutoff") == 0 ||
	    strcmp(name, "ham_cutoff") == 0) {
		if (parse_prob(value, &d) != 0)
			return rf_error_set(err, RF_EINVAL, "%s: a number "
			    "from 0 to 1", name);
		if ((name[0] == 's' && d < s->ham_cutoff) ||
		    (name[0] == 'h' && d > s->spam_cutoff))
			return rf_error_set(err, RF_EINVAL, "ham_cutoff must "
			    "not be above spam_cutoff");
		*(name[0] == 's' ? &s->spam_cutoff : &s->ham_cutoff) = d;
		return RF_OK;
	}
	return rf_error_set(err, RF_EINVAL, "unknown verdict setting");
}

struct reasons {
	rf_arena *a;
	const char *v[REASONS_MAX];
	size_t n;
	int oom;
};

static void
add(struct reasons *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
add(struct reasons *r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (r->n == REASONS_MAX)
		return;
	va_start(ap, fmt);
	s = rf_arena_vprintf(r->a, fmt, ap);
	va_end(ap);
	if (s == NULL)
		r->oom = 1;
	else
		r->v[r->n++] = s;
}

static const char *
plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* strength: how strongly x >= threshold says "bulk", 0.6 at the
 * threshold up to 1 at 1000 times it. */
static double
strength(uint64_t x, uint64_t threshold, double base)
{
	double r;

	if (threshold == 0 || x < threshold)
		return 0;
	r = log10((double)x / (double)threshold) / 3.0;
	return base + (1.0 - base) * (r > 1 ? 1 : r);
}

static double
maxd(double a, double b)
{
	return a > b ? a : b;
}

static const char *
sender_name(const rf_verdict_facts *f)
{
	return f->sender_domain != NULL && *f->sender_domain != '\0' ?
	    f->sender_domain : "this sender";
}

/* bulk_evidence: the strength of the evidence of bulk (0: none), adding
 * its reasons. */
static double
bulk_evidence(const rf_verdict_facts *f, const rf_verdict_settings *s,
	      struct reasons *r)
{
	unsigned codes = f->rcpt_links + f->code_links;
	double b = 0;
	char n1[32];
	size_t i;

	if (f->campaign_complaints > 0) {
		add(r, "%s %s about this campaign",
		    rf_format_count(f->campaign_complaints, n1, sizeof(n1)),
		    plural(f->campaign_complaints, "complaint",
		    "complaints"));
		b = maxd(b, strength(f->campaign_complaints,
		    s->campaign_complaints, 0.8));
	}
	if (f->domain_complaints > 0) {
		add(r, "%s %s about mail from %s",
		    rf_format_count(f->domain_complaints, n1, sizeof(n1)),
		    plural(f->domain_complaints, "complaint", "complaints"),
		    sender_name(f));
		b = maxd(b, strength(f->domain_complaints,
		    s->domain_complaints, 0.6));
	}
	if (f->has_campaign && f->campaign_size > 0) {
		add(r, "sent to %s %s", rf_format_count(f->campaign_size,
		    n1, sizeof(n1)), plural(f->campaign_size, "recipient",
		    "recipients"));
		b = maxd(b, strength(f->campaign_size, s->bulk_size, 0.6));
	}
	for (i = 0; i < f->ntracking; i++)
		add(r, "%s", f->tracking[i]);
	if (f->ntracking == 0 && f->rcpt_links > 0)
		add(r, "%u %s your address", f->rcpt_links,
		    f->rcpt_links == 1 ? "link carries" : "links carry");
	if (f->ntracking == 0 && f->code_links > 0)
		add(r, "%u %s a code that identifies you", f->code_links,
		    f->code_links == 1 ? "link carries" : "links carry");
	if (f->ntracking == 0 && f->web_bugs > 0)
		add(r, "%u web %s (hidden images that report when you open "
		    "the message)", f->web_bugs, f->web_bugs == 1 ? "bug" :
		    "bugs");
	if (codes > 0 && codes >= s->tracking_links &&
	    f->personal_text == 0) {
		add(r, "the same text for every recipient, but links with a "
		    "code for each (a mass mailing that tracks its readers)");
		b = maxd(b, 0.7);
	}
	if (f->list_id || f->list_unsubscribe != RF_LIST_ABSENT) {
		add(r, "list headers (%s%s%s): mail sent to a list",
		    f->list_id ? "List-Id" : "",
		    f->list_id && f->list_unsubscribe != RF_LIST_ABSENT ?
		    ", " : "", f->list_unsubscribe != RF_LIST_ABSENT ?
		    "List-Unsubscribe" : "");
		if (s->list_headers_bulk)
			b = maxd(b, 0.5);
	}
	if (f->one_click == RF_LIST_SIGNED)
		add(r, "one-click unsubscribe (RFC 8058), signed by %s",
		    sender_name(f));
	else if (f->one_click == RF_LIST_UNVERIFIED)
		add(r, "one-click unsubscribe header unverified (no trusted "
		    "DKIM signature covers it)");
	return b;
}

/* deception_signs: a sign for each deceptive link the facts keep, one
 * for those beyond. */
static void
deception_signs(const rf_verdict_facts *f, struct reasons *r)
{
	char shown[RF_VERDICT_SIGN_HOST_MAX * 4 + 8];
	char to[RF_VERDICT_SIGN_HOST_MAX * 4 + 8];
	unsigned i, n = f->ndeceptive < RF_VERDICT_DECEPTIVE_MAX ?
	    f->ndeceptive : RF_VERDICT_DECEPTIVE_MAX, more;

	for (i = 0; i < n; i++)
		add(r, "a link's text shows %s but it leads to %s (a "
		    "deception sign)", rf_escape(shown, sizeof(shown),
		    f->shown[i], RF_VERDICT_SIGN_HOST_MAX), rf_escape(to,
		    sizeof(to), f->leads_to[i], RF_VERDICT_SIGN_HOST_MAX));
	if ((more = f->ndeceptive - n) > 0)
		add(r, "%u more %s whose text shows another site than %s to",
		    more, more == 1 ? "link" : "links", more == 1 ?
		    "it leads" : "they lead");
}

/* finish: copy the list r into a (*v, *n). */
static int
finish(const struct reasons *r, rf_arena *a, const char ***v, size_t *n)
{
	size_t i;

	*v = NULL;
	*n = 0;
	if (r->n > 0 && (*v = rf_arena_array(a, r->n, sizeof(**v))) == NULL)
		return -1;
	for (i = 0; i < r->n; i++)
		(*v)[i] = r->v[i];
	*n = r->n;
	return 0;
}

static void
consent_reason(const rf_verdict_facts *f, struct reasons *r)
{
	static const char *const what[] = { "", "the address", "the domain",
		"the list" };
	char date[32] = "";
	struct tm tm;
	time_t t;

	if (f->consent == RF_CONSENT_NONE && f->consent_unchecked != 0) {
		add(r, "no record that you gave consent to %s (%s)",
		    sender_name(f), f->consent_unchecked ==
		    RF_CONSENT_CHECK_NO_STORE ? "no consent store is set up" :
		    "the recipient is not known");
		return;
	}
	if (f->consent == RF_CONSENT_NONE) {
		add(r, "you never gave consent to %s", sender_name(f));
		return;
	}
	if (f->consent_since > 0) {
		t = (time_t)f->consent_since;
		if (gmtime_r(&t, &tm) != NULL)
			strftime(date, sizeof(date), " %Y-%m-%d", &tm);
	}
	add(r, "you gave consent to %s %s (%s%s)",
	    what[(unsigned)f->consent < 4 ? f->consent : 0],
	    f->consent_sender != NULL ? f->consent_sender : "?",
	    f->consent_source != NULL ? f->consent_source : "recorded",
	    date);
}

rf_status
rf_verdict_decide(const rf_verdict_facts *f, const rf_verdict_settings *s,
		  rf_arena *a, rf_verdict *out, rf_error *err)
{
	rf_verdict_settings defaults;
	struct reasons r, sg;
	double b, p;

	memset(out, 0, sizeof(*out));
	if (s == NULL) {
		rf_verdict_settings_default(&defaults);
		s = &defaults;
	}
	memset(&r, 0, sizeof(r));
	r.a = a;
	b = bulk_evidence(f, s, &r);
	out->bulk = b > 0;
	out->unsolicited = f->consent == RF_CONSENT_NONE;
	p = f->has_classifier ? f->classifier_p : 0.0;
	if (f->has_classifier && !out->bulk) {
		add(&r, "the classifier gives %.2f (spam from %.2f, wanted "
		    "mail up to %.2f)", p, s->spam_cutoff, s->ham_cutoff);
		if (f->classifier_reasons != NULL &&
		    *f->classifier_reasons != '\0')
			add(&r, "%s", f->classifier_reasons);
	} else if (f->has_classifier) {
		add(&r, "the classifier gives %.2f (not needed: the consent "
		    "rule decides bulk mail)", p);
	}
	if (out->bulk) {
		if (out->unsolicited) {
			out->kind = RF_VERDICT_SPAM;
			out->score = 0.5 + 0.45 * b +
			    (f->campaign_complaints > 0 ? 0.05 : 0);
		} else {
			out->kind = RF_VERDICT_BULK;
			out->score = 0.1 + 0.3 * b;
		}
	} else if (f->has_classifier && p >= s->spam_cutoff) {
		out->kind = out->unsolicited ? RF_VERDICT_SPAM :
		    RF_VERDICT_BULK;
		out->bulk = 1;
		out->score = out->unsolicited ? p : 0.45;
	} else if (f->has_classifier && p > s->ham_cutoff) {
		out->kind = RF_VERDICT_UNSURE;
		out->score = p;
		add(&r, "no sign of bulk mail, and the classifier is unsure");
	} else {
		out->kind = RF_VERDICT_HAM;
		out->score = f->has_classifier ? p * 0.5 :
		    (f->rcpt_links + f->code_links > 0 ? 0.2 : 0.0) +
		    (f->web_bugs > 0 ? 0.1 : 0.0);
		add(&r, f->has_campaign ? "too few copies to be bulk mail" :
		    "no sign of bulk mail");
	}
	if (out->bulk || out->kind == RF_VERDICT_UNSURE)
		consent_reason(f, &r);
	if (out->score > 1)
		out->score = 1;
	memset(&sg, 0, sizeof(sg));
	sg.a = a;
	deception_signs(f, &sg);
	if (r.oom || sg.oom || finish(&r, a, &out->reasons,
	    &out->nreasons) != 0 || finish(&sg, a, &out->signs,
	    &out->nsigns) != 0)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	return RF_OK;
}
