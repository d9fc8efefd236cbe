/*
 * consent.c - the consent store's front: argument checks, normalisation,
 * the order of a consent check (see redflag/consent.h); the backends are
 * consent_sqlite.c and consent_redis.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <redflag/store.h>

#include "consent_impl.h"
#include "internal.h"

struct rf_consent_db {
	const struct rf__consent_ops *ops;
	void *h;
};

void
rf__consent_fill(rf_consent_record *r, const char *rcpt, int kind,
		 const char *sender, const char *source, int64_t since)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->recipient, sizeof(r->recipient), "%s", rcpt);
	r->kind = (rf_consent_kind)kind;
	snprintf(r->sender, sizeof(r->sender), "%s", sender);
	snprintf(r->source, sizeof(r->source), "%s", source);
	r->since = since;
}

/* byte_ok: c can be in an address or id (not a blank, a control byte,
 * an angle bracket, a quote or a backslash). */
static int
byte_ok(unsigned char c)
{
	return c > 0x20 && c != 0x7f && c != '<' && c != '>' && c != '"' &&
	    c != '\\';
}

/* lower: copy s[0..n) lower-cased into out (size bytes); -1 when it does
 * not fit or holds a byte that cannot be in an address or id. */
static int
lower(const char *s, size_t n, char *out, size_t size)
{
	size_t i;

	if (n == 0 || n >= size)
		return -1;
	for (i = 0; i < n; i++) {
		if (!byte_ok((unsigned char)s[i]))
			return -1;
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[n] = '\0';
	return 0;
}

int
rf_consent_address_ok(const char *s)
{
	size_t n;

	/* local@domain: an '@', and the address neither begins nor ends
	 * with one (the domain, after the last '@', is not empty, nor the
	 * local part before it) */
	if (s == NULL || s[0] == '@' || strchr(s, '@') == NULL)
		return 0;
	for (n = 0; s[n] != '\0'; n++)
		if (n >= RF_CONSENT_ADDR_MAX || !byte_ok((unsigned char)s[n]))
			return 0;
	return s[n - 1] != '@';
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* recipient: the normalised recipient address into out. */
static rf_status
recipient(const char *r, char out[RF_CONSENT_ADDR_MAX + 1], rf_error *err)
{
	size_t n = r != NULL ? strlen(r) : 0;

	if (r != NULL)
		trim(&r, &n);
	if (n == 0 || lower(r, n, out, RF_CONSENT_ADDR_MAX + 1) != 0 ||
	    !rf_consent_address_ok(out))
		return rf_error_set(err, RF_EINVAL, "a recipient is an "
		    "address (local@domain) of at most %d bytes",
		    RF_CONSENT_ADDR_MAX);
	return RF_OK;
}

int
rf_consent_list_id(const char *value, char out[RF_CONSENT_ADDR_MAX + 3])
{
	const char *lt, *gt;
	size_t n;

	if (value == NULL)
		return -1;
	if ((lt = strrchr(value, '<')) != NULL &&
	    (gt = strchr(lt, '>')) != NULL) {
		value = lt + 1;
		n = (size_t)(gt - value);
	} else {
		n = strlen(value);
	}
	trim(&value, &n);
	if (n == 0 || lower(value, n, out + 1, RF_CONSENT_ADDR_MAX + 1) != 0)
		return -1;
	out[0] = '<';
	memcpy(out + n + 1, ">", 2);
	return 0;
}

rf_status
rf_consent_sender(const char *sender, rf_consent_kind *kind,
		  char out[RF_CONSENT_ADDR_MAX + 3], rf_error *err)
{
	size_t n = sender != NULL ? strlen(sender) : 0;

	if (sender != NULL)
		trim(&sender, &n);
	if (n > 5 && strncmp(sender, "list:", 5) == 0) {
		*kind = RF_CONSENT_LIST;
		if (lower(sender + 5, n - 5, out + 1, RF_CONSENT_ADDR_MAX + 1)
		    != 0)
			goto bad;
		out[0] = '<';
		memcpy(out + n - 4, ">", 2);
		return RF_OK;
	}
	if (n > 2 && sender[0] == '<' && sender[n - 1] == '>') {
		*kind = RF_CONSENT_LIST;
		if (lower(sender + 1, n - 2, out + 1, RF_CONSENT_ADDR_MAX + 1)
		    != 0)
			goto bad;
		out[0] = '<';
		memcpy(out + n - 1, ">", 2);
		return RF_OK;
	}
	if (n == 0 || lower(sender, n, out, RF_CONSENT_ADDR_MAX + 1) != 0)
		goto bad;
	if (strchr(out, '@') != NULL) {
		/* an address: the one rule of the store for an address, the
		 * recipient's (a sender's domain is after its last '@', as
		 * candidates() takes it) */
		if (!rf_consent_address_ok(out))
			goto bad;
		*kind = RF_CONSENT_ADDRESS;
	} else {
		if (out[0] == '.' || strchr(out, '.') == NULL ||
		    out[strlen(out) - 1] == '.')
			goto bad;
		*kind = RF_CONSENT_DOMAIN;
	}
	return RF_OK;
bad:
	return rf_error_set(err, RF_EINVAL, "a sender is an address "
	    "(news@example.test), a domain (example.test) or a List-Id "
	    "(<news.example.test>), at most %d bytes", RF_CONSENT_ADDR_MAX);
}

static int
source_ok(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if (*s < 0x20 || *s > 0x7e || n >= RF_CONSENT_SOURCE_MAX)
			return 0;
	return n > 0;
}

rf_status
rf_consent_open(const char *spec, unsigned timeout_ms,
		const rf_redis_auth *auth, rf_consent_db **out, rf_error *err)
{
	char buf[RF_STORE_SPEC_MAX];
	const struct rf__consent_ops *ops;
	rf_consent_db *db;
	rf_status st;
	void *h = NULL;

	*out = NULL;
	if (timeout_ms == 0)
		timeout_ms = 2000;
	if (spec == NULL || *spec == '\0' || strlen(spec) >= sizeof(buf))
		return rf_error_set(err, RF_EINVAL, "consent store: no or "
		    "too long a name");
	memcpy(buf, spec, strlen(spec) + 1);
	if (rf__store_spec_is_redis(buf)) {
		ops = &rf__consent_redis_ops;
		st = rf__consent_redis_open(buf, timeout_ms, auth, &h, err);
	} else {
		ops = &rf__consent_sqlite_ops;
		st = rf__consent_sqlite_open(rf_store_spec_file(buf),
		    timeout_ms, &h, err);
	}
	if (st != RF_OK)
		return st;
	if ((db = calloc(1, sizeof(*db))) == NULL) {
		ops->close(h);
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	db->ops = ops;
	db->h = h;
	*out = db;
	return RF_OK;
}

void
rf_consent_close(rf_consent_db *db)
{
	if (db == NULL)
		return;
	db->ops->close(db->h);
	free(db);
}

const char *
rf_consent_backend(const rf_consent_db *db)
{
	return db->ops->name;
}

rf_status
rf_consent_begin(rf_consent_db *db, rf_error *err)
{
	return db->ops->begin(db->h, err);
}

rf_status
rf_consent_commit(rf_consent_db *db, rf_error *err)
{
	return db->ops->commit(db->h, err);
}

rf_status
rf_consent_add(rf_consent_db *db, const char *rcpt, const char *sender,
	       const char *source, int64_t now, int *added, rf_error *err)
{
	char r[RF_CONSENT_ADDR_MAX + 1], s[RF_CONSENT_ADDR_MAX + 3];
	rf_consent_kind kind;
	rf_status st;
	int dummy;

	if ((st = recipient(rcpt, r, err)) != RF_OK ||
	    (st = rf_consent_sender(sender, &kind, s, err)) != RF_OK)
		return st;
	if (source == NULL || !source_ok(source))
		return rf_error_set(err, RF_EINVAL, "a source is printable "
		    "ASCII, 1 to %d bytes", RF_CONSENT_SOURCE_MAX);
	return db->ops->add(db->h, r, kind, s, source, now,
	    added != NULL ? added : &dummy, err);
}

rf_status
rf_consent_remove(rf_consent_db *db, const char *rcpt, const char *sender,
		  rf_error *err)
{
	char r[RF_CONSENT_ADDR_MAX + 1], s[RF_CONSENT_ADDR_MAX + 3];
	rf_consent_kind kind;
	rf_status st;
	int removed = 0;

	if ((st = recipient(rcpt, r, err)) != RF_OK ||
	    (st = rf_consent_sender(sender, &kind, s, err)) != RF_OK ||
	    (st = db->ops->remove(db->h, r, kind, s, &removed, err)) != RF_OK)
		return st;
	return removed ? RF_OK : rf_error_set(err, RF_ENOTFOUND, "no such "
	    "consent record");
}

rf_status
rf_consent_list(rf_consent_db *db, const char *rcpt, rf_consent_list_cb cb,
		void *arg, rf_error *err)
{
	char r[RF_CONSENT_ADDR_MAX + 1];
	rf_status st;

	if (rcpt != NULL && (st = recipient(rcpt, r, err)) != RF_OK)
		return st;
	return db->ops->list(db->h, rcpt != NULL ? r : NULL, cb, arg, err);
}

/* The candidates a message's sender gives, in the order tried. */
struct candidates {
	rf_consent_kind kind[2 + RF_CONSENT_DOMAIN_LEVELS];
	char v[2 + RF_CONSENT_DOMAIN_LEVELS][RF_CONSENT_ADDR_MAX + 3];
	size_t n;
};

static void
candidates(const char *from, const char *list_id, struct candidates *c)
{
	rf_consent_kind kind;
	const char *d;
	size_t levels = 0;

	c->n = 0;
	if (from != NULL && rf_consent_sender(from, &kind, c->v[c->n],
	    NULL) == RF_OK && kind == RF_CONSENT_ADDRESS)
		c->kind[c->n++] = RF_CONSENT_ADDRESS;
	if (list_id != NULL && rf_consent_list_id(list_id, c->v[c->n]) == 0)
		c->kind[c->n++] = RF_CONSENT_LIST;
	if (from == NULL || (d = strrchr(from, '@')) == NULL)
		return;
	for (d++; strchr(d, '.') != NULL &&
	    levels < RF_CONSENT_DOMAIN_LEVELS; levels++) {
		if (rf_consent_sender(d, &kind, c->v[c->n], NULL) == RF_OK &&
		    kind == RF_CONSENT_DOMAIN)
			c->kind[c->n++] = RF_CONSENT_DOMAIN;
		d = strchr(d, '.') + 1;
	}
}

rf_status
rf_consent_check(rf_consent_db *db, const char *rcpt, const char *from,
		 const char *list_id, rf_consent_record *out, rf_error *err)
{
	char r[RF_CONSENT_ADDR_MAX + 1];
	struct candidates c;
	rf_status st;
	size_t i;

	if ((st = recipient(rcpt, r, err)) != RF_OK)
		return st;
	candidates(from, list_id, &c);
	for (i = 0; i < c.n; i++)
		if ((st = db->ops->get(db->h, r, c.kind[i], c.v[i], out,
		    err)) != RF_ENOTFOUND)
			return st;
	return rf_error_set(err, RF_ENOTFOUND, "no consent");
}

rf_status
rf_consent_revoke(rf_consent_db *db, const char *rcpt, const char *from,
		  const char *list_id, size_t *removed, rf_error *err)
{
	char r[RF_CONSENT_ADDR_MAX + 1];
	struct candidates c;
	rf_status st;
	size_t i, n = 0;
	int one;

	if (removed != NULL)
		*removed = 0;
	if ((st = recipient(rcpt, r, err)) != RF_OK)
		return st;
	candidates(from, list_id, &c);
	for (i = 0; i < c.n; i++) {
		one = 0;
		if ((st = db->ops->remove(db->h, r, c.kind[i], c.v[i], &one,
		    err)) != RF_OK)
			return st;
		n += (size_t)one;
	}
	if (removed != NULL)
		*removed = n;
	return RF_OK;
}

static rf_status
domain(const char *d, char out[RF_CONSENT_ADDR_MAX + 3], rf_error *err)
{
	rf_consent_kind kind;

	if (d == NULL || rf_consent_sender(d, &kind, out, NULL) != RF_OK ||
	    kind != RF_CONSENT_DOMAIN)
		return rf_error_set(err, RF_EINVAL, "not a domain name");
	return RF_OK;
}

/* complaint: rf_consent_complaint and rf_consent_complaint_once. */
static rf_status
complaint(rf_consent_db *db, const char *d, uint64_t n, const char *rcpt_id,
	  int64_t now, int *counted, uint64_t *total, rf_error *err)
{
	char v[RF_CONSENT_ADDR_MAX + 3];
	uint64_t dummy;
	rf_status st;
	int one;

	if ((st = domain(d, v, err)) != RF_OK)
		return st;
	if (n > INT64_MAX)
		return rf_error_set(err, RF_EINVAL, "too many complaints");
	return db->ops->complaint(db->h, v, n, rcpt_id, now, counted != NULL ?
	    counted : &one, total != NULL ? total : &dummy, err);
}

rf_status
rf_consent_complaint(rf_consent_db *db, const char *d, uint64_t n,
		     int64_t now, uint64_t *total, rf_error *err)
{
	return complaint(db, d, n, NULL, now, NULL, total, err);
}

rf_status
rf_consent_complaint_once(rf_consent_db *db, const char *d,
			  const char *rcpt_id, int64_t now, int *counted,
			  uint64_t *total, rf_error *err)
{
	if (!rf__store_hex_id(rcpt_id))
		return rf_error_set(err, RF_EINVAL, "a recipient id is 16 "
		    "lower-case hex digits");
	return complaint(db, d, 1, rcpt_id, now, counted, total, err);
}

rf_status
rf_consent_complaints(rf_consent_db *db, const char *d, uint64_t *n,
		      rf_error *err)
{
	char v[RF_CONSENT_ADDR_MAX + 3];
	rf_status st;

	*n = 0;
	if ((st = domain(d, v, err)) != RF_OK)
		return st;
	return db->ops->complaints(db->h, v, n, err);
}
