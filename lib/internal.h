/*
 * internal.h - what the library's modules share and nobody else sees.
 * Private names are rf__*.
 */
#ifndef REDFLAG_INTERNAL_H
#define REDFLAG_INTERNAL_H

#include <libpsl.h>

#include <redflag/redflag.h>

struct rf_ctx {
	rf_limits limits;
	const psl_ctx_t *psl;	/* public suffix list, read-only */
	psl_ctx_t *psl_owned;	/* freed with the context, or NULL */
};

/* rf__parse_size: checked conversion of a decimal size with an optional
 * k/M/G suffix (powers of 1024), like OpenBSD's strtonum: 0 on success. */
int rf__parse_size(const char *s, unsigned long long max,
		   unsigned long long *out);

/*
 * The campaign store's backends (lib/store_sqlite.c, lib/store_redis.c)
 * behind the common front (lib/store.c).  The front validates and
 * prepares each copy (struct rf__copy), verifies candidates with
 * rf_fp_match and keeps the band-key cache; a backend only stores.
 */
#define RF__FP_BLOB (6 + 8 * RF_FP_HASHES)	/* canonical fingerprint */

struct rf__copy {
	/* filled only before create: */
	uint8_t fp[RF__FP_BLOB];		/* canonical form */
	char id[RF_CAMPAIGN_ID_LEN + 1];	/* id if it creates */
	uint64_t band[RF_FP_BANDS];		/* band keys, band mixed in */
	size_t nrcpt;				/* recipients to count */
	char **rcpt;				/* lower-cased, cut */
	size_t *rcptlen;
	uint64_t *rcpt_hash;			/* rf_hll_hash */
	const char *subject;			/* cut; NULL = none */
	size_t subjectlen;
	const char *sample;			/* encoded links; NULL = none */
	size_t samplelen;
	int64_t now;
};

/* A candidate campaign: its id, backend key (SQLite rowid) and
 * canonical fingerprint; return non-zero to stop. */
typedef int (*rf__cand_cb)(const char *id, int64_t key, const void *fp,
			   size_t fplen, void *arg);
/* One stored sample entry; return non-zero to stop. */
typedef int (*rf__sample_cb)(const char *entry, size_t len, void *arg);

struct rf__store_ops {
	const char *name;
	/* around one rf_campaign_add (write) or lookup; end_op commits
	 * when ok, else undoes */
	rf_status (*begin_op)(void *be, int write, rf_error *err);
	rf_status (*end_op)(void *be, int ok, rf_error *err);
	/* campaigns sharing a band key, at most max (more: *cut = 1) */
	rf_status (*candidates)(void *be, const uint64_t *band, unsigned max,
				rf__cand_cb cb, void *arg, int *cut,
				rf_error *err);
	/* create the campaign c->id of c; *key its backend key, *created 0
	 * when it existed already.  With check, RF_EDONE when another
	 * campaign sharing a band key appeared meanwhile (seen[0..nseen-1]
	 * were verified already): look again. */
	rf_status (*create)(void *be, const struct rf__copy *c, int check,
			    char *const *seen, size_t nseen, int64_t *key,
			    int *created, rf_error *err);
	/* count copy c in campaign (id, key); RF_ENOTFOUND if gone */
	rf_status (*update)(void *be, const struct rf__copy *c, const char *id,
			    int64_t key, const rf_store_options *opt,
			    rf_campaign *out, rf_error *err);
	rf_status (*get)(void *be, const char *id, rf_campaign *out,
			 rf_error *err);
	rf_status (*list)(void *be, size_t limit, rf_campaign_list_cb cb,
			  void *arg, rf_error *err);
	rf_status (*complaint)(void *be, const char *id, uint64_t n,
			       rf_error *err);
	rf_status (*samples)(void *be, const char *id, rf__sample_cb cb,
			     void *arg, rf_error *err);
	rf_status (*begin)(void *be, rf_error *err);
	rf_status (*commit)(void *be, rf_error *err);
	rf_status (*rollback)(void *be, rf_error *err);
	void (*close)(void *be);
};

/* rf__store_sqlite_open, rf__store_redis_open: a backend for the part
 * of the spec after "sqlite:" / the whole "redis://..." or "unix:..."
 * spec. */
rf_status rf__store_sqlite_open(const char *path, const rf_store_options *o,
				const struct rf__store_ops **ops, void **be,
				rf_error *err);
rf_status rf__store_redis_open(const char *spec, const rf_store_options *o,
			       const struct rf__store_ops **ops, void **be,
			       rf_error *err);

/* The cache of recently matched campaigns (lib/store_cache.c). */
struct rf__cache;

/* rf__cache_new: room for this many campaigns; NULL when 0 or out of
 * memory. */
struct rf__cache *rf__cache_new(unsigned campaigns);
void rf__cache_free(struct rf__cache *c);	/* NULL allowed */
void rf__cache_clear(struct rf__cache *c);	/* forget everything */

/* rf__cache_find: a cached campaign that shares a band key with fp and
 * matches it (rf_fp_match): 1 with its id, key and fingerprint, else 0. */
int rf__cache_find(const struct rf__cache *c, const rf_fingerprint *fp,
		   const uint64_t *band, char *id, int64_t *key,
		   rf_fingerprint *rep);

/* rf__cache_put: remember campaign (id, key) whose fingerprint rep has
 * the band keys band[0..RF_FP_BANDS-1]. */
void rf__cache_put(struct rf__cache *c, const char *id, int64_t key,
		   const rf_fingerprint *rep, const uint64_t *band);

/* rf__copy_subject: copy a stored subject into out->subject, cut to
 * RF_STORE_SUBJECT_MAX and without NUL bytes. */
void rf__campaign_subject(rf_campaign *out, const char *s, size_t len);

#endif
