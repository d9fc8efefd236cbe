/*
 * wgroup.c - a store written in groups (see wgroup.h).
 */
#include <poll.h>

#include "wgroup.h"

rf_status
wgroup_add(struct wgroup *g, rf_error *err)
{
	rf_status st;

	if (!g->open) {
		if ((st = g->begin(g->h, err)) != RF_OK)
			return st;
		g->open = 1;
		g->n = 0;
		clock_gettime(CLOCK_MONOTONIC, &g->start);
	}
	g->n++;
	return RF_OK;
}

rf_status
wgroup_end(struct wgroup *g, int force, rf_error *err)
{
	struct timespec now;
	double ms;

	if (!g->open)
		return RF_OK;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - g->start.tv_sec) * 1e3 +
	    (double)(now.tv_nsec - g->start.tv_nsec) / 1e6;
	if (!force && g->n < g->max_items && ms < g->max_ms)
		return RF_OK;
	g->open = 0;
	return g->commit(g->h, err);
}

int
wgroup_input_waits(FILE *in)
{
	struct pollfd p;

	p.fd = fileno(in);
	p.events = POLLIN;
	p.revents = 0;
	return poll(&p, 1, 0) == 0;
}
