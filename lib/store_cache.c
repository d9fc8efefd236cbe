/*
 * store_cache.c - the campaign store's cache of recently matched
 * campaigns, so that most copies of a running campaign are matched
 * without asking the backend (docs/store.md, "Cache").
 *
 * A ring of the last N campaigns (id, backend key, fingerprint) and an
 * open table of RF_FP_BANDS * N slots from band key to ring position.
 * A slot is valid while the ring position still holds the campaign it
 * was written for (generation numbers).  Campaigns are never deleted
 * from a store, so a cached match stays a match; a rollback clears the
 * cache because it may undo a creation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct camp {
	char id[RF_CAMPAIGN_ID_LEN + 1];
	int64_t key;
	uint32_t gen;
	rf_fingerprint fp;
};

struct slot {
	uint64_t band;
	uint32_t camp;
	uint32_t gen;		/* 0: empty */
};

struct rf__cache {
	struct camp *camp;
	struct slot *slot;
	uint32_t ncamp, nslot, next;
};

struct rf__cache *
rf__cache_new(unsigned campaigns)
{
	struct rf__cache *c;

	if (campaigns == 0 || campaigns > (1u << 24))
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->ncamp = campaigns;
	c->nslot = campaigns * RF_FP_BANDS;
	c->camp = calloc(c->ncamp, sizeof(*c->camp));
	c->slot = calloc(c->nslot, sizeof(*c->slot));
	if (c->camp == NULL || c->slot == NULL) {
		rf__cache_free(c);
		return NULL;
	}
	return c;
}

void
rf__cache_free(struct rf__cache *c)
{
	if (c == NULL)
		return;
	free(c->camp);
	free(c->slot);
	free(c);
}

void
rf__cache_clear(struct rf__cache *c)
{
	if (c == NULL)
		return;
	memset(c->slot, 0, c->nslot * sizeof(*c->slot));
}

int
rf__cache_find(const struct rf__cache *c, const rf_fingerprint *fp,
	       const uint64_t *band, char *id, int64_t *key,
	       rf_fingerprint *rep)
{
	const struct slot *sl;
	const struct camp *cp;
	unsigned i;

	if (c == NULL)
		return 0;
	for (i = 0; i < RF_FP_BANDS; i++) {
		sl = &c->slot[band[i] % c->nslot];
		if (sl->gen == 0 || sl->band != band[i])
			continue;
		cp = &c->camp[sl->camp];
		if (cp->gen != sl->gen || !rf_fp_match(fp, &cp->fp))
			continue;
		memcpy(id, cp->id, RF_CAMPAIGN_ID_LEN + 1);
		*key = cp->key;
		*rep = cp->fp;
		return 1;
	}
	return 0;
}

void
rf__cache_put(struct rf__cache *c, const char *id, int64_t key,
	      const rf_fingerprint *rep, const uint64_t *band)
{
	struct camp *cp;
	struct slot *sl;
	uint32_t at;
	unsigned i;

	if (c == NULL)
		return;
	at = c->next++ % c->ncamp;
	cp = &c->camp[at];
	if (++cp->gen == 0)	/* 0 marks empty slots */
		cp->gen = 1;
	snprintf(cp->id, sizeof(cp->id), "%s", id);
	cp->key = key;
	cp->fp = *rep;
	for (i = 0; i < RF_FP_BANDS; i++) {
		sl = &c->slot[band[i] % c->nslot];
		sl->band = band[i];
		sl->camp = at;
		sl->gen = cp->gen;
	}
}
