/*
 * consent_impl.h - the consent store's backends (consent_sqlite.c,
 * consent_redis.c) as seen by its front (consent.c).  Private: rf__*.
 * Arguments reaching a backend are validated and normalised already.
 */
#ifndef REDFLAG_CONSENT_IMPL_H
#define REDFLAG_CONSENT_IMPL_H

#include <redflag/consent.h>

struct rf__consent_ops {
	const char *name;
	void (*close)(void *h);
	rf_status (*begin)(void *h, rf_error *err);
	rf_status (*commit)(void *h, rf_error *err);
	/* add: *added says whether the record is new */
	rf_status (*add)(void *h, const char *rcpt, rf_consent_kind kind,
			 const char *sender, const char *source, int64_t now,
			 int *added, rf_error *err);
	/* remove: *removed 1 or 0 */
	rf_status (*remove)(void *h, const char *rcpt, rf_consent_kind kind,
			    const char *sender, int *removed, rf_error *err);
	/* get: RF_OK and *out, or RF_ENOTFOUND */
	rf_status (*get)(void *h, const char *rcpt, rf_consent_kind kind,
			 const char *sender, rf_consent_record *out,
			 rf_error *err);
	rf_status (*list)(void *h, const char *rcpt, rf_consent_list_cb cb,
			  void *arg, rf_error *err);
	/* complaint: n complaints against domain; with rcpt_id (not NULL,
	 * n 1) only when that recipient's was not counted before:
	 * *counted 1 or 0 */
	rf_status (*complaint)(void *h, const char *domain, uint64_t n,
			       const char *rcpt_id, int64_t now, int *counted,
			       uint64_t *total, rf_error *err);
	rf_status (*complaints)(void *h, const char *domain, uint64_t *n,
				rf_error *err);
};

extern const struct rf__consent_ops rf__consent_sqlite_ops;
extern const struct rf__consent_ops rf__consent_redis_ops;

/* rf__consent_sqlite_open: the SQLite file at path. */
rf_status rf__consent_sqlite_open(const char *path, unsigned timeout_ms,
				  void **h, rf_error *err);

/* rf__consent_redis_open: the Redis server spec names (a Redis spec,
 * as rf__redis_spec_parse reads it); keys start with its "prefix:";
 * auth (NULL: none; copied) is sent after every connect. */
rf_status rf__consent_redis_open(const char *spec, unsigned timeout_ms,
				 const rf_redis_auth *auth, void **h,
				 rf_error *err);

/* rf__consent_fill: fill a record from its parts (copies, truncating). */
void rf__consent_fill(rf_consent_record *r, const char *rcpt, int kind,
		      const char *sender, const char *source, int64_t since);

#endif
