/*
 * cls_params.c - the classifier's settings: defaults, names, ranges
 * (docs/classifier.md, "Settings").
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct param_def {
	const char *name;
	size_t off;
	int is_double;
	double min, max;
	const char *meaning;
};

#define PD(f) offsetof(rf_cls_params, f), 1
#define PU(f) offsetof(rf_cls_params, f), 0

static const struct param_def params[] = {
	{ "spam_cutoff", PD(spam_cutoff), 0, 1,
	  "spam probability from which unknown mail is spam (0.9)" },
	{ "ham_cutoff", PD(ham_cutoff), 0, 1,
	  "spam probability up to which it is ham; between: unsure (0.45)" },
	{ "robs", PD(robs), 1e-6, 100,
	  "Robinson's s: weight of the prior for rare tokens (0.5)" },
	{ "robx", PD(robx), 0.01, 0.99,
	  "Robinson's x: spam probability of an unseen token (0.52)" },
	{ "min_dev", PD(min_dev), 0, 0.49,
	  "tokens closer than this to 0.5 do not count (0.375)" },
	{ "max_tokens", PU(max_tokens), 1, 1e7,
	  "distinct tokens per message considered (20000)" },
	{ "max_token_len", PU(max_token_len), 2, 200,
	  "longer words are not tokens, in bytes (30)" },
	{ "min_learned", PU(min_learned), 0, 1e9,
	  "spam and ham messages needed before probabilities count (10)" },
	{ "max_pending", PU(max_pending), 1, 1e9,
	  "tokens held in memory before a batch spills to disk (2000000)" },
	{ "max_used", PU(max_used), 0, 1e6,
	  "only the most telling tokens count; 0: all (0)" },
	{ "combine", PU(combine), 0, 1,
	  "0: Fisher (1 + H - S) / 2 as bogofilter; 1: H / (H + S) "
	  "tempered by scale (1)" },
	{ "scale", PD(scale), 0.01, 100,
	  "combine=1: p = 1 / (1 + (S / H)^(1 / scale)) (4)" },
	{ "bigrams", PU(bigrams), 0, 1,
	  "1: pairs of adjacent words are tokens too (0)" },
	{ "train_rounds", PU(train_rounds), 0, 100,
	  "redflag train: rounds of re-learning what it misjudges (3)" },
	{ "train_ham", PD(train_ham), 0, 1,
	  "re-learn ham whose spam probability is above this (0.1192)" },
	{ "train_spam", PD(train_spam), 0, 1,
	  "re-learn spam whose spam probability is below this (0.982)" },
};

void
rf_cls_params_default(rf_cls_params *p)
{
	memset(p, 0, sizeof(*p));
	p->robs = 0.5;
	p->robx = 0.52;
	p->min_dev = 0.375;
	p->spam_cutoff = 0.9;
	p->ham_cutoff = 0.45;
	p->max_tokens = 20000;
	p->max_token_len = 30;
	p->min_learned = 10;
	p->max_pending = 2000000;
	p->combine = 1;
	p->scale = 4;
	p->bigrams = 0;
	p->train_rounds = 3;
	/* ln(H / S) > -8 and < 16 with scale 4 (cross-validated) */
	p->train_ham = 0.1192;
	p->train_spam = 0.9820;
}

/* fmt_num: v in buf as exactly as it reads back (strtod), in plain
 * decimals: 10000000, 0.000001, 0.1192 (never 1e+07). */
static const char *
fmt_num(char *buf, size_t size, double v)
{
	int prec;

	for (prec = 0; prec < 17; prec++) {
		snprintf(buf, size, "%.*f", prec, v);
		if (strtod(buf, NULL) == v)
			return buf;
	}
	snprintf(buf, size, "%.17g", v);
	return buf;
}

rf_status
rf_cls_params_set(rf_cls_params *p, const char *name, const char *value,
		  rf_error *err)
{
	const struct param_def *d = NULL;
	char *end, lo[64], hi[64];
	double v;
	size_t i;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		if (strcmp(params[i].name, name) == 0)
			d = &params[i];
	if (d == NULL)
		return rf_error_set(err, RF_EINVAL,
		    "no classifier setting of that name");
	errno = 0;
	v = strtod(value, &end);
	if (errno != 0 || end == value || *end != '\0' || !(v >= d->min) ||
	    !(v <= d->max) || (!d->is_double && v != floor(v)))
		return rf_error_set(err, RF_EINVAL,
		    "%s: needs %s from %s to %s", d->name, d->is_double ?
		    "a number" : "a whole number", fmt_num(lo, sizeof(lo),
		    d->min), fmt_num(hi, sizeof(hi), d->max));
	if (d->is_double)
		*(double *)(void *)((char *)p + d->off) = v;
	else
		*(unsigned *)(void *)((char *)p + d->off) = (unsigned)v;
	return RF_OK;
}

int
rf_cls_params_describe(unsigned i, const char **name, const char **meaning)
{
	if (i >= sizeof(params) / sizeof(params[0]))
		return 0;
	*name = params[i].name;
	*meaning = params[i].meaning;
	return 1;
}

int
rf_cls_params_value(const rf_cls_params *p, unsigned i, char *buf,
		    size_t size)
{
	const struct param_def *d;

	if (i >= sizeof(params) / sizeof(params[0]))
		return 0;
	d = &params[i];
	if (d->is_double)
		fmt_num(buf, size, *(const double *)(const void *)
		    ((const char *)p + d->off));
	else
		snprintf(buf, size, "%u", *(const unsigned *)(const void *)
		    ((const char *)p + d->off));
	return 1;
}

const char *
rf_cls_class_name(rf_cls_class k)
{
	switch (k) {
	case RF_CLS_HAM: return "ham";
	case RF_CLS_UNSURE: return "unsure";
	case RF_CLS_SPAM: return "spam";
	}
	return "unknown";
}

