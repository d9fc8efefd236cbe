/*
 * redflag/consent.h - the consent store: per recipient, the senders the
 * recipient asked to hear from, and the complaints against sender
 * domains (docs/verdicts.md, "Consent store").
 *
 * A consent record names a sender in one of three ways:
 *   an address       news@example.test        (RF_CONSENT_ADDRESS)
 *   a domain         example.test             (RF_CONSENT_DOMAIN: matches
 *                                              the domain and its
 *                                              subdomains)
 *   a List-Id        <news.example.test>      (RF_CONSENT_LIST: written
 *                                              in angle brackets, or
 *                                              "list:news.example.test")
 * each with its source ("manual", "import", "learned", ...) and the date
 * it was recorded.  Consent is per recipient: one recipient's consent
 * never covers another's mail.  Addresses, domains and list ids are
 * compared without ASCII case.
 *
 * Backends: SQLite (a file, WAL mode: it may be the campaign store's
 * file; the tables are consent, domain_complaints and
 * domain_complainer) or Redis
 * (key layout in docs/verdicts.md).  An rf_consent_db is used by one
 * thread at a time.
 */
#ifndef REDFLAG_CONSENT_H
#define REDFLAG_CONSENT_H

#include <stddef.h>
#include <stdint.h>

#include <redflag/error.h>
#include <redflag/store.h>
#include <redflag/verdict.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RF_CONSENT_ADDR_MAX 320		/* recipient and sender bytes */
#define RF_CONSENT_SOURCE_MAX 64	/* source bytes */
#define RF_CONSENT_DOMAIN_LEVELS 8	/* parent domains tried per check */

typedef struct rf_consent_db rf_consent_db;

typedef struct rf_consent_record {
	char recipient[RF_CONSENT_ADDR_MAX + 1];
	rf_consent_kind kind;
	char sender[RF_CONSENT_ADDR_MAX + 3];	/* normalised; a list id
						 * with its brackets */
	char source[RF_CONSENT_SOURCE_MAX + 1];
	int64_t since;				/* Unix time */
} rf_consent_record;

/*
 * rf_consent_open: open (creating when absent) the consent store named by
 * spec, as rf_store_open names stores: "sqlite:PATH" or a plain PATH (a
 * SQLite file), "redis://HOST[:PORT][/PREFIX]" or "unix:PATH[#PREFIX]"
 * (Redis; prefix "rf" by default).  timeout_ms bounds Redis commands and
 * SQLite's busy wait (0: 2000).  auth (NULL: none) is what a Redis
 * server that asks for a password is given after every connect
 * (rf_redis_auth in redflag/store.h: copied, wiped at close; ignored for
 * SQLite).  RF_ESTORE when it cannot be opened (a refused AUTH
 * included), RF_EINVAL for a malformed spec (one of RF_STORE_SPEC_MAX
 * bytes or more too, redflag/store.h) or auth.
 */
rf_status rf_consent_open(const char *spec, unsigned timeout_ms,
			  const rf_redis_auth *auth, rf_consent_db **out,
			  rf_error *err);

/* rf_consent_close: release db; NULL allowed. */
void rf_consent_close(rf_consent_db *db);

/* rf_consent_backend: "sqlite" or "redis". */
const char *rf_consent_backend(const rf_consent_db *db);

/*
 * rf_consent_begin, rf_consent_commit: group many changes into one
 * transaction (SQLite; no-ops for Redis, where each call is atomic).
 */
rf_status rf_consent_begin(rf_consent_db *db, rf_error *err);
rf_status rf_consent_commit(rf_consent_db *db, rf_error *err);

/*
 * rf_consent_address_ok: s is a recipient address as the consent store
 * takes one (the recipient of rf_consent_add, rf_consent_check, ..., once
 * white space around it is trimmed): 1 to RF_CONSENT_ADDR_MAX bytes, no
 * blank, control byte, '<', '>', '"' or '\\', and local@domain: an '@',
 * the address neither beginning nor ending with one (neither the domain,
 * after the last '@', nor the local part before it empty: "a@b@" and
 * "@a@b" are refused, "a@b@c" taken).  1 when so, else 0.  For front
 * ends that check an address given by a user before using it.
 */
int rf_consent_address_ok(const char *s);

/*
 * rf_consent_sender: classify and normalise a sender as written in a
 * consent record or a TSV line (see above) into out (lower case, list
 * ids as "<id>").  White space around it is trimmed.  A List-Id is
 * "<id>" or "list:id"; otherwise a sender with an '@' is an address,
 * taken by the same rule as a recipient (rf_consent_address_ok, after
 * lower-casing: "a@b@c.test" is an address whose domain is c.test); one
 * without is a domain (a '.' inside, neither first nor last).  RF_EINVAL
 * for an empty, too long or malformed one.
 */
rf_status rf_consent_sender(const char *sender, rf_consent_kind *kind,
			    char out[RF_CONSENT_ADDR_MAX + 3], rf_error *err);

/*
 * rf_consent_add: record that recipient asked to hear from sender (see
 * rf_consent_sender), from source (printable ASCII, at most
 * RF_CONSENT_SOURCE_MAX bytes), at time now.  A record that exists
 * already keeps its source and date; *added (may be NULL) says whether
 * this one is new.  RF_EINVAL for a bad argument, RF_ESTORE.
 */
rf_status rf_consent_add(rf_consent_db *db, const char *recipient,
			 const char *sender, const char *source, int64_t now,
			 int *added, rf_error *err);

/* rf_consent_remove: delete the record of recipient for sender (as
 * written for rf_consent_add).  RF_ENOTFOUND when there was none. */
rf_status rf_consent_remove(rf_consent_db *db, const char *recipient,
			    const char *sender, rf_error *err);

/* rf_consent_list_cb: one record; return non-zero to stop. */
typedef int (*rf_consent_list_cb)(const rf_consent_record *r, void *arg);

/* rf_consent_list: the records of recipient (NULL: of everyone), by
 * recipient, then kind, then sender. */
rf_status rf_consent_list(rf_consent_db *db, const char *recipient,
			  rf_consent_list_cb cb, void *arg, rf_error *err);

/*
 * rf_consent_check: the record that gives recipient's consent to a
 * message from from_addr (addr-spec, may be NULL) with List-Id list_id
 * (the header's value, may be NULL): the From address first, then the
 * list, then the From domain and its parent domains (up to
 * RF_CONSENT_DOMAIN_LEVELS of them, never a bare top-level domain).
 * RF_OK with *out filled, RF_ENOTFOUND, RF_EINVAL, RF_ESTORE.
 */
rf_status rf_consent_check(rf_consent_db *db, const char *recipient,
			   const char *from_addr, const char *list_id,
			   rf_consent_record *out, rf_error *err);

/*
 * rf_consent_revoke: delete every record of recipient that
 * rf_consent_check could match for this sender (address, list, domain
 * and parents).  *removed (may be NULL) counts them.
 */
rf_status rf_consent_revoke(rf_consent_db *db, const char *recipient,
			    const char *from_addr, const char *list_id,
			    size_t *removed, rf_error *err);

/* rf_consent_complaint: add n complaints against sender domain domain;
 * *total (may be NULL) is its count afterwards. */
rf_status rf_consent_complaint(rf_consent_db *db, const char *domain,
			       uint64_t n, int64_t now, uint64_t *total,
			       rf_error *err);

/*
 * rf_consent_complaint_once: one complaint against sender domain domain
 * by the recipient whose id is rcpt_id (16 lower-case hex digits:
 * rf_store_rcpt_id of the address, or of another stable name of the
 * recipient), counted once per recipient and domain: *counted (may be
 * NULL) is 1 when it was counted now, 0 when this recipient's complaint
 * against this domain was counted before (nothing changes then); *total
 * (may be NULL) is the domain's count afterwards.  One atomic step
 * (SQLite: one write transaction, or the one rf_consent_begin opened;
 * Redis: one script), so that two at once count once.  RF_EINVAL for a
 * bad domain or rcpt_id.
 */
rf_status rf_consent_complaint_once(rf_consent_db *db, const char *domain,
				    const char *rcpt_id, int64_t now,
				    int *counted, uint64_t *total,
				    rf_error *err);

/* rf_consent_complaints: the complaints against domain (0 when none). */
rf_status rf_consent_complaints(rf_consent_db *db, const char *domain,
				uint64_t *n, rf_error *err);

/* rf_consent_list_id: the id inside a List-Id header value
 * ("Deals <deals.shop.test>" -> "<deals.shop.test>", lower case) into
 * out; 0, or -1 when there is none or it is too long. */
int rf_consent_list_id(const char *value, char out[RF_CONSENT_ADDR_MAX + 3]);

#ifdef __cplusplus
}
#endif
#endif
