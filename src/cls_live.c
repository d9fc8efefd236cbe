/*
 * cls_live.c - the milter's classifier, kept up to date with its file
 * (see cls_live.h).  Each loaded classifier is a generation with a count
 * of its holders: the cls_live itself while it is the current one, and
 * each message between acquire and release.  A reload makes a new
 * generation current and drops the cls_live's hold on the old one, which
 * the last message still using it closes.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "cls_live.h"

struct cls_gen {
	rf_classifier *c;
	unsigned refs;		/* holders, under the cls_live's lock */
};

struct cls_live {
	const struct config *cfg;
	pthread_mutex_t lock;	/* cur, refs, busy, next */
	struct cls_gen *cur;	/* the classifier new messages get */
	int local;		/* a SQLite file: one that can go stale */
	int busy;		/* a thread is looking or loading */
	time_t next;		/* monotonic second of the next look */
};

/* now: the monotonic clock's second (a clock set back or forward moves no
 * look). */
static time_t
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* gen_new: a generation holding c, held once (by the cls_live); NULL,
 * with c closed, when out of memory. */
static struct cls_gen *
gen_new(rf_classifier *c)
{
	struct cls_gen *g = malloc(sizeof(*g));

	if (g == NULL) {
		rf_classifier_close(c);
		return NULL;
	}
	g->c = c;
	g->refs = 1;
	return g;
}

/* gen_drop: under l->lock, one holder less; g when that was the last
 * (the caller closes it after the lock: gen_free), else NULL. */
static struct cls_gen *
gen_drop(struct cls_gen *g)
{
	return --g->refs == 0 ? g : NULL;
}

static void
gen_free(struct cls_gen *g)
{
	if (g == NULL)
		return;
	rf_classifier_close(g->c);
	free(g);
}

rf_status
cls_live_open(const struct config *cfg, struct cls_live **out,
	      rf_error *err)
{
	struct cls_live *l;
	rf_classifier *c;
	rf_status st;

	*out = NULL;
	if ((st = cli_classifier(cfg->classifier, &cfg->verdict, &cfg->redis,
	    &c, err)) != RF_OK)
		return st;
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		rf_classifier_close(c);
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	if ((l->cur = gen_new(c)) == NULL) {
		free(l);
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&l->lock, NULL);
	l->cfg = cfg;
	l->local = rf_classifier_is_local(cfg->classifier);
	l->next = now() + (time_t)cfg->classifier_reload;
	*out = l;
	return RF_OK;
}

rf_classifier *
cls_live_acquire(struct cls_live *l, struct cls_gen **gen)
{
	pthread_mutex_lock(&l->lock);
	*gen = l->cur;
	l->cur->refs++;
	pthread_mutex_unlock(&l->lock);
	return (*gen)->c;
}

void
cls_live_release(struct cls_live *l, struct cls_gen *gen)
{
	struct cls_gen *last;

	pthread_mutex_lock(&l->lock);
	last = gen_drop(gen);
	pthread_mutex_unlock(&l->lock);
	gen_free(last);
}

/* replace: put the classifier just opened, c, in place of the current
 * one; the old one is closed when its last message is done.  0, or -1
 * (c closed) when out of memory. */
static int
replace(struct cls_live *l, rf_classifier *c)
{
	struct cls_gen *g = gen_new(c), *last;

	if (g == NULL)
		return -1;
	pthread_mutex_lock(&l->lock);
	last = gen_drop(l->cur);
	l->cur = g;
	pthread_mutex_unlock(&l->lock);
	gen_free(last);
	return 0;
}

const char *
cls_live_refresh(struct cls_live *l, rf_arena *a)
{
	unsigned long nspam, nham;
	const char *note = NULL;
	struct cls_gen *g;
	rf_classifier *c;
	rf_error err;
	char esc[256];
	time_t t = now();
	int changed;

	pthread_mutex_lock(&l->lock);
	if (!l->local || l->cfg->classifier_reload == 0 || l->busy ||
	    t < l->next) {
		pthread_mutex_unlock(&l->lock);
		return NULL;
	}
	l->busy = 1;
	l->next = t + (time_t)l->cfg->classifier_reload;
	g = l->cur;
	g->refs++;
	pthread_mutex_unlock(&l->lock);
	/* busy: no other thread asks this connection; classifying asks it
	 * nothing (its counts are in memory) */
	changed = rf_classifier_changed(g->c);
	cls_live_release(l, g);
	if (!changed)
		goto out;
	cli_escape(esc, sizeof(esc), l->cfg->classifier, 100);
	if (cli_classifier(l->cfg->classifier, &l->cfg->verdict,
	    &l->cfg->redis, &c, &err) != RF_OK) {
		note = rf_arena_printf(a, "classifier = %s: trained or "
		    "replaced since it was loaded, and loading it again "
		    "failed: %s; the one loaded before still serves (tried "
		    "again in %u s)", esc, err.msg,
		    l->cfg->classifier_reload);
		goto out;
	}
	rf_classifier_counts(c, &nspam, &nham);
	if (replace(l, c) != 0) {
		note = rf_arena_printf(a, "classifier = %s: trained or "
		    "replaced since it was loaded, and loading it again "
		    "failed: out of memory; the one loaded before still "
		    "serves", esc);
		goto out;
	}
	note = rf_arena_printf(a, "classifier = %s: trained or replaced "
	    "since it was loaded; loaded again: %lu spam and %lu wanted "
	    "messages learned", esc, nspam, nham);
out:
	pthread_mutex_lock(&l->lock);
	l->busy = 0;
	pthread_mutex_unlock(&l->lock);
	return note;
}

void
cls_live_close(struct cls_live *l)
{
	if (l == NULL)
		return;
	gen_free(l->cur);
	pthread_mutex_destroy(&l->lock);
	free(l);
}
