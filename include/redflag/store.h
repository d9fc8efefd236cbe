/*
 * redflag/store.h - the campaign store: every copy of every campaign seen
 * so far, persistent, in SQLite (one file) or shared between mail servers
 * in Redis.  Design, schema, key layout and guarantees: docs/store.md.
 *
 * A campaign is found by fingerprint: the candidates are the campaigns
 * sharing an LSH band key (rf_fp_band) with the copy, each verified with
 * rf_fp_match; the best match (most positions agreeing, then oldest) wins.
 * A campaign keeps the fingerprint of the copy that created it.  The
 * store object remembers recently matched campaigns (cache_entries), so
 * that most copies of a running campaign skip the candidate search.
 *
 * Campaign id: 16 lower-case hex digits, XXH3-64 of the creating copy's
 * fingerprint in its canonical form (rf_store_fp_id), so that two processes
 * creating the campaign of one message at once agree on its id.
 *
 * An rf_store is used by one thread at a time; open one per thread or
 * process.  Many processes may share one SQLite file or one Redis server.
 */
#ifndef REDFLAG_STORE_H
#define REDFLAG_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <redflag/error.h>
#include <redflag/fingerprint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RF_CAMPAIGN_ID_LEN 16
#define RF_STORE_SUBJECT_MAX 1024	/* bound of max_subject_bytes */
#define RF_STORE_RCPT_MAX 512		/* recipient bytes counted */
#define RF_STORE_SCHEMA_VERSION 3	/* SQLite PRAGMA user_version */

/* RF_REDIS_PASSWORD_MAX, RF_REDIS_USER_MAX: the longest Redis password
 * and ACL user name (bytes, without the NUL) an rf_redis_auth may give
 * (docs/limits.md). */
#define RF_REDIS_PASSWORD_MAX 512
#define RF_REDIS_USER_MAX 128

/*
 * rf_redis_auth: how redflag proves itself to a Redis server that asks
 * (requirepass, or ACL users: Redis 6 and later), for the campaign store
 * (rf_store_options), the consent store (rf_consent_open) and the
 * classifier (rf_cls_params).  password NULL: no AUTH is sent (the
 * default); else, after every connect (the first and each one made again
 * after a failure), "AUTH PASSWORD", or "AUTH USER PASSWORD" with user
 * (an ACL user; NULL: the default user).  The password is never part of
 * a store's address, so that it shows in no error, log or process list.
 * The opener copies both (RF_EINVAL: a user without a password, an empty
 * password, one longer than RF_REDIS_PASSWORD_MAX bytes, a user empty,
 * longer than RF_REDIS_USER_MAX or with a byte that is not printable
 * ASCII) and wipes its copy when the store closes; the caller's strings
 * need not outlive the open call.  Ignored for a SQLite file.  A refused
 * AUTH fails the connect: RF_ESTORE, "cannot connect: authentication
 * refused (SERVER'S ERROR)"; a server that asks for a password when none
 * was given: "the server asks for a password (NOAUTH): ...".
 */
typedef struct rf_redis_auth {
	const char *user;	/* ACL user, or NULL: the default user */
	const char *password;	/* NULL: no AUTH */
} rf_redis_auth;

/* rf_redis_user_ok: user is a name an rf_redis_auth may give: 1 to
 * RF_REDIS_USER_MAX bytes of printable ASCII, no space.  1 or 0. */
int rf_redis_user_ok(const char *user);

/* Settings, each with a safe default (rf_store_options_default). */
typedef struct rf_store_options {
	unsigned max_samples;		/* copies whose links are kept (16) */
	size_t max_sample_bytes;	/* bytes of link skeletons kept per
					   campaign, all copies (4096) */
	unsigned max_sample_links;	/* links kept per copy (32) */
	size_t max_subject_bytes;	/* subject sample, bytes (200) */
	unsigned max_candidates;	/* campaigns verified per copy (64) */
	unsigned max_recipients;	/* recipients counted per copy (1000) */
	unsigned cache_entries;		/* campaigns remembered in the store
					   object, matched without asking
					   the backend; 0 = off (4096:
					   about 1.7 MB) */
	unsigned timeout_ms;		/* Redis connect and command timeout,
					   SQLite busy timeout (2000) */
	int sync_full;			/* SQLite synchronous=FULL: every
					   commit reaches the disk (0) */
	int read_only;			/* open for reading only (0) */
	rf_redis_auth redis_auth;	/* Redis AUTH (none): copied at
					   open, see rf_redis_auth */
} rf_store_options;

/* rf_store_options_default: fill o with the documented defaults. */
void rf_store_options_default(rf_store_options *o);

/* Bits of rf_campaign.limits_hit. */
enum {
	RF_CAMPAIGN_LIMIT_CANDIDATES = 1u << 0,	/* max_candidates cut */
	RF_CAMPAIGN_LIMIT_RECIPIENT = 1u << 1,	/* recipient cut to
						   RF_STORE_RCPT_MAX */
	RF_CAMPAIGN_LIMIT_SUBJECT = 1u << 2,	/* subject cut */
	RF_CAMPAIGN_LIMIT_SAMPLE = 1u << 3,	/* links not sampled */
	RF_CAMPAIGN_LIMIT_RECIPIENTS = 1u << 4	/* max_recipients cut */
};

typedef struct rf_campaign {
	char id[RF_CAMPAIGN_ID_LEN + 1];
	uint64_t size;		/* distinct recipients (HLL estimate) */
	uint64_t copies;	/* copies added */
	int64_t first_seen;	/* Unix time, seconds */
	int64_t last_seen;
	uint64_t complaints;
	char subject[RF_STORE_SUBJECT_MAX + 1];	/* first non-empty subject,
						   raw bytes, NUL-free */
	int created;		/* rf_campaign_add: this copy created it */
	unsigned limits_hit;	/* RF_CAMPAIGN_LIMIT_* */
} rf_campaign;

typedef struct rf_store rf_store;

/*
 * rf_store_open: open (creating when absent) the store named by spec:
 *   "sqlite:PATH" or a plain PATH     SQLite file (created, WAL mode)
 *   "redis://HOST[:PORT][/PREFIX]"    Redis over TCP (port 6379, key
 *                                     prefix "rf" by default)
 *   "unix:PATH[#PREFIX]"              Redis over a Unix socket
 * opt may be NULL for the defaults.  RF_ESTORE when the store cannot be
 * opened, is of a newer schema, or the server does not answer;
 * RF_EINVAL for a malformed spec.
 */
rf_status rf_store_open(const char *spec, const rf_store_options *opt,
			rf_store **out, rf_error *err);

/* RF_STORE_SPEC_MAX: bytes of a store's address with its NUL: a longer
 * one is malformed (rf_store_spec_check) and rf_consent_open refuses it. */
#define RF_STORE_SPEC_MAX 4096

/*
 * rf_store_spec_check: spec, a store's address as rf_store_open,
 * rf_consent_open and rf_classifier_open take it, is well-formed: not
 * empty, shorter than RF_STORE_SPEC_MAX bytes, and a Redis one
 * ("redis://...", "unix:...") one they would read (any other PATH is a
 * well-formed SQLite one, "sqlite:" alone is not: SQLite would open a
 * temporary database).  Nothing is opened or connected to: a settings
 * file's reader checks its value with it.  RF_OK, or RF_EINVAL with what
 * is wanted in err ("bad Redis spec (want redis://HOST[:PORT][/PREFIX]
 * or unix:PATH[#PREFIX], ...)", "no path after sqlite:", "store address
 * too long (at most 4095 bytes)").
 */
rf_status rf_store_spec_check(const char *spec, rf_error *err);

/*
 * rf_store_spec_file: the SQLite file a store's address names (that of a
 * campaign store, consent store or classifier): spec after "sqlite:" when
 * it starts so, else spec itself; NULL when spec is NULL or names Redis
 * ("redis://...", "unix:...").  A pointer into spec; nothing is opened.
 */
const char *rf_store_spec_file(const char *spec);

/* rf_store_close: commit nothing pending (see rf_store_begin), release
 * everything.  NULL allowed.  A SQLite file that moved (rf_store_moved)
 * gets its write-ahead log copied in first: the file moved away is
 * whole, and the next file opened at the path meets no page of it. */
void rf_store_close(rf_store *s);

/*
 * rf_store_moved: 1 when the SQLite file s has open is no longer the file
 * at the path it was opened from (deleted, renamed, or another put in its
 * place, such as a backup moved there), else 0 (always for Redis).  Such
 * a store still works, on a file that nobody opening the path sees again:
 * what it counts is lost with it.  A process that keeps a store open for
 * long (the milter) asks before it uses it, and when 1 closes it
 * (rf_store_close) and opens the path again (rf_store_open: a new store
 * when the file is missing).  One stat(2) of the path, compared by inode
 * with the open file (SQLite's SQLITE_FCNTL_HAS_MOVED), nothing read or
 * written; a path that cannot be looked up (a folder of it removed or
 * made unreadable) counts as moved.
 */
int rf_store_moved(rf_store *s);

/* rf_store_backend: "sqlite" or "redis". */
const char *rf_store_backend(const rf_store *s);

/*
 * rf_store_begin, rf_store_commit, rf_store_rollback: group the following
 * calls into one transaction (SQLite).  Without them every rf_campaign_add
 * is a transaction of its own: visible to other processes and safe from a
 * crash of this process when it returns (from power loss too with
 * sync_full).  Grouping many adds is much faster (the group's counts are
 * kept in memory and written back by rf_store_commit; reads through this
 * store object see them); what was added since rf_store_begin is lost if
 * the process dies before rf_store_commit.  An add that fails inside the
 * group before writing changes nothing; one that fails after writing
 * undoes the whole group: the group's later adds fail and
 * rf_store_commit returns RF_ESTORE (docs/store.md).
 * Redis: each call is atomic on the server already; these are no-ops.
 */
rf_status rf_store_begin(rf_store *s, rf_error *err);
rf_status rf_store_commit(rf_store *s, rf_error *err);
rf_status rf_store_rollback(rf_store *s, rf_error *err);

/*
 * rf_campaign_add: add one copy: find the campaign matching fp or create
 * it, count the copy and its recipients rcpts[0..nrcpts-1] (addresses,
 * compared without ASCII case; none: count the copy only), keep
 * the subject (NULL allowed) when the campaign has none yet, keep the
 * copy's link skeletons (links[0..nlinks-1], each a URL with its varying
 * parts still in; NULL when nlinks is 0) while the campaign's sample has
 * room (max_samples copies, max_sample_bytes; a link containing control
 * bytes is stored with them as %XX), with the id of the copy's recipient
 * (rf_store_rcpt_id, not the address) when nrcpts is 1.  now is the
 * arrival time.  *out
 * describes the campaign after the copy.  RF_EINVAL for an RF_FP_EMPTY or
 * unknown fingerprint (no text: no campaign); RF_ESTORE when the store
 * fails (nothing counted then).
 */
rf_status rf_campaign_add(rf_store *s, const rf_fingerprint *fp,
			  const char *const *rcpts, size_t nrcpts,
			  const char *subject,
			  const char *const *links, size_t nlinks, int64_t now,
			  rf_campaign *out, rf_error *err);

/* rf_campaign_lookup: the campaign fp belongs to, without adding:
 * RF_ENOTFOUND when none matches. */
rf_status rf_campaign_lookup(rf_store *s, const rf_fingerprint *fp,
			     rf_campaign *out, rf_error *err);

/* rf_campaign_get: the campaign with this id: RF_ENOTFOUND when none. */
rf_status rf_campaign_get(rf_store *s, const char *id, rf_campaign *out,
			  rf_error *err);

/* rf_campaign_list_cb: called per campaign; return non-zero to stop. */
typedef int (*rf_campaign_list_cb)(const rf_campaign *c, void *arg);

/* rf_campaign_list: the largest campaigns first (by size; SQLite breaks
 * ties by copies, Redis by id), at most limit of them (0: all). */
rf_status rf_campaign_list(rf_store *s, size_t limit, rf_campaign_list_cb cb,
			   void *arg, rf_error *err);

/* rf_campaign_count_below: in *n, how many campaigns have a size below
 * size (the ones rf_campaign_list gives last; 0 when size is 0), without
 * reading them: what `redflag campaigns --min-size` leaves out. */
rf_status rf_campaign_count_below(rf_store *s, uint64_t size, uint64_t *n,
				  rf_error *err);

/* rf_campaign_complaint: add n complaints to campaign id; RF_ENOTFOUND
 * when there is no such campaign. */
rf_status rf_campaign_complaint(rf_store *s, const char *id, uint64_t n,
				rf_error *err);

/*
 * rf_campaign_complaint_once: one complaint about campaign id by the
 * recipient whose id is rcpt_id (rf_store_rcpt_id of the address, or of
 * any other stable name of the recipient, such as an RFC 6590 redacted
 * address), counted once per recipient and campaign: *counted (may be
 * NULL) is 1 when it was counted now, 0 when this recipient's complaint
 * about this campaign was counted before (nothing changes then).  One
 * atomic step (SQLite: one write transaction, or the open group's;
 * Redis: one script), so that two at once count once.  RF_ENOTFOUND when
 * there is no such campaign, RF_EINVAL for a malformed id or rcpt_id.
 */
rf_status rf_campaign_complaint_once(rf_store *s, const char *id,
				     const char *rcpt_id, int *counted,
				     rf_error *err);

/* rf_campaign_samples_cb: one sampled copy: its links (valid during the
 * call only), in the order added; return non-zero to stop. */
typedef int (*rf_campaign_samples_cb)(size_t copy, const char *const *links,
				      size_t nlinks, void *arg);

/* rf_campaign_samples: the link-skeleton sample of campaign id, copy by
 * copy in the order they were added; RF_ENOTFOUND when no such
 * campaign. */
rf_status rf_campaign_samples(rf_store *s, const char *id,
			      rf_campaign_samples_cb cb, void *arg,
			      rf_error *err);

/* rf_campaign_samples_for_cb: rf_campaign_samples_cb with the sampled
 * copy's recipient id (rf_store_rcpt_id; NULL: unknown, as for a copy
 * added with no or several recipients, or stored before ids were kept). */
typedef int (*rf_campaign_samples_for_cb)(size_t copy, const char *rcpt_id,
					  const char *const *links,
					  size_t nlinks, void *arg);

/* rf_campaign_samples_for: rf_campaign_samples with each copy's
 * recipient id (docs/store.md, "Link samples"). */
rf_status rf_campaign_samples_for(rf_store *s, const char *id,
				  rf_campaign_samples_for_cb cb, void *arg,
				  rf_error *err);

/* rf_store_rcpt_id: the id a link sample keeps for a copy's one
 * recipient addr instead of the address: XXH3-64 of addr lower-cased
 * (ASCII; its first RF_STORE_RCPT_MAX bytes) as 16 lower-case hex digits
 * and a NUL in id.  Equal for addresses equal but for case. */
#define RF_STORE_RCPT_ID_LEN 16
void rf_store_rcpt_id(const char *addr, char id[RF_STORE_RCPT_ID_LEN + 1]);

/* rf_store_fp_id: the id a campaign created by fp gets (16 hex digits and
 * a NUL in id). */
void rf_store_fp_id(const rf_fingerprint *fp,
		    char id[RF_CAMPAIGN_ID_LEN + 1]);

#ifdef __cplusplus
}
#endif
#endif
