/*
 * consent_redis.c - the consent store in Redis (hiredis; every command
 * sent as an argument vector, never built from strings).  Key layout
 * (PREFIX is "rf" unless the store name says otherwise):
 *
 *   PREFIX:consent:RECIPIENT   hash: field "K:SENDER" (K = a address,
 *                              d domain, l list id) -> "SINCE SOURCE"
 *   PREFIX:complaints:domain   hash: domain -> complaints
 *   PREFIX:complainers:DOMAIN  set: the recipient ids whose complaint
 *                              against DOMAIN was counted
 *
 * Each call is one command, atomic on the server (a complaint counted
 * once per recipient: one EVAL); begin and commit do nothing.  A connection that failed (the server restarted or went
 * away, a command timed out) is made again by the next command, as the
 * campaign store's is: a long-running milter serves again once Redis is
 * back.
 */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consent_impl.h"
#include "store_lib.h"

#define KEY_MAX (RF__REDIS_PREFIX_MAX + 16 + RF_CONSENT_ADDR_MAX)
#define FIELD_MAX (RF_CONSENT_ADDR_MAX + 8)
#define VALUE_MAX (32 + RF_CONSENT_SOURCE_MAX)
#define SCAN_COUNT "500"

struct rdb {
	redisContext *c;		/* NULL or failed: connect again */
	struct rf__redis_spec at;	/* the server, the keys' prefix */
	unsigned timeout_ms;		/* of connecting and of commands */
};

static const char kinds[] = "?adl";	/* by rf_consent_kind */

static void
r_close(void *h)
{
	struct rdb *d = h;

	if (d == NULL)
		return;
	if (d->c != NULL)
		redisFree(d->c);
	rf__redis_spec_wipe(&d->at);
	free(d);
}

/* conn: a working connection, made again after a failure; RF_OK, or
 * RF_ESTORE (err set; the next call tries again). */
static rf_status
conn(struct rdb *d, rf_error *err)
{
	if (rf__redis_usable(d->c))
		return RF_OK;
	if (d->c != NULL)
		redisFree(d->c);
	if ((d->c = rf__redis_connect(&d->at, d->timeout_ms)) == NULL)
		return rf_error_set(err, RF_ESTORE, "consent store: out of "
		    "memory");
	if (d->c->err != 0)
		return rf__redis_error(err, d->c, NULL, "consent store: cannot "
		    "connect to Redis");
	return RF_OK;
}

rf_status
rf__consent_redis_open(const char *spec, unsigned timeout_ms,
		       const rf_redis_auth *auth, void **h, rf_error *err)
{
	struct rdb *d;
	redisReply *r;
	rf_status st;

	*h = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	if (rf__redis_spec_parse(spec, &d->at) != 0) {
		r_close(d);
		return rf_error_set(err, RF_EINVAL, "consent store: bad Redis "
		    "spec (want " RF__REDIS_SPEC_WANT ")");
	}
	d->timeout_ms = timeout_ms;
	if ((st = rf__redis_spec_auth(&d->at, auth, "consent store", err)) !=
	    RF_OK || (st = conn(d, err)) != RF_OK) {
		r_close(d);
		return st;
	}
	r = redisCommand(d->c, "PING");
	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		rf__redis_error(err, d->c, r, "consent store: Redis%s",
		    r == NULL ? " does not answer" : "");
		freeReplyObject(r);
		r_close(d);
		return RF_ESTORE;
	}
	freeReplyObject(r);
	*h = d;
	return RF_OK;
}

/* cmd: run argv; RF_OK with *out (the caller frees it), or RF_ESTORE. */
static rf_status
cmd(struct rdb *d, int argc, const char **argv, redisReply **out,
    rf_error *err)
{
	redisReply *r;
	rf_status st;

	*out = NULL;
	if ((st = conn(d, err)) != RF_OK)
		return st;
	r = redisCommandArgv(d->c, argc, argv, NULL);
	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		rf__redis_error(err, d->c, r, "consent store: Redis");
		freeReplyObject(r);
		return RF_ESTORE;
	}
	*out = r;
	return RF_OK;
}

/* key: the key "PREFIX:WHAT:NAME" in buf (KEY_MAX bytes), every key of
 * the layout above: WHAT "consent" (NAME a recipient, or "*" to match
 * them all), "complaints" (NAME "domain") or "complainers" (NAME a
 * domain). */
static void
key(struct rdb *d, const char *what, const char *name, char *buf)
{
	snprintf(buf, KEY_MAX, "%s:%s:%s", d->at.prefix, what, name);
}

static void
field(rf_consent_kind kind, const char *sender, char *buf)
{
	snprintf(buf, FIELD_MAX, "%c:%s", kinds[(unsigned)kind & 3], sender);
}

static rf_status
r_nop(void *h, rf_error *err)
{
	return RF_OK;
}

static rf_status
r_add(void *h, const char *rcpt, rf_consent_kind kind, const char *sender,
      const char *source, int64_t now, int *added, rf_error *err)
{
	char k[KEY_MAX], f[FIELD_MAX], v[VALUE_MAX];
	const char *argv[4] = { "HSETNX", k, f, v };
	redisReply *r;
	rf_status st;

	key(h, "consent", rcpt, k);
	field(kind, sender, f);
	snprintf(v, sizeof(v), "%lld %s", (long long)now, source);
	if ((st = cmd(h, 4, argv, &r, err)) != RF_OK)
		return st;
	*added = r->type == REDIS_REPLY_INTEGER && r->integer == 1;
	freeReplyObject(r);
	return RF_OK;
}

static rf_status
r_remove(void *h, const char *rcpt, rf_consent_kind kind,
	 const char *sender, int *removed, rf_error *err)
{
	char k[KEY_MAX], f[FIELD_MAX];
	const char *argv[3] = { "HDEL", k, f };
	redisReply *r;
	rf_status st;

	key(h, "consent", rcpt, k);
	field(kind, sender, f);
	if ((st = cmd(h, 3, argv, &r, err)) != RF_OK)
		return st;
	*removed = r->type == REDIS_REPLY_INTEGER && r->integer > 0;
	freeReplyObject(r);
	return RF_OK;
}

/* value: "SINCE SOURCE" into *since and source. */
static void
value(const char *v, int64_t *since, const char **source)
{
	char *end;

	*since = strtoll(v, &end, 10);
	*source = *end == ' ' ? end + 1 : end;
}

static rf_status
r_get(void *h, const char *rcpt, rf_consent_kind kind, const char *sender,
      rf_consent_record *out, rf_error *err)
{
	char k[KEY_MAX], f[FIELD_MAX];
	const char *argv[3] = { "HGET", k, f }, *source;
	redisReply *r;
	rf_status st;
	int64_t since;

	key(h, "consent", rcpt, k);
	field(kind, sender, f);
	if ((st = cmd(h, 3, argv, &r, err)) != RF_OK)
		return st;
	if (r->type != REDIS_REPLY_STRING) {
		freeReplyObject(r);
		return rf_error_set(err, RF_ENOTFOUND, "no consent");
	}
	value(r->str, &since, &source);
	rf__consent_fill(out, rcpt, kind, sender, source, since);
	freeReplyObject(r);
	return RF_OK;
}

static int
kind_of(char c)
{
	const char *p = strchr(kinds + 1, c);

	return p != NULL && c != '\0' ? (int)(p - kinds) : 0;
}

static int
by_record(const void *x, const void *y)
{
	const rf_consent_record *a = x, *b = y;

	if (a->kind != b->kind)
		return (int)a->kind - (int)b->kind;
	return strcmp(a->sender, b->sender);
}

/* list_one: the records in the hash of rcpt, sorted; 1 when cb stopped. */
static rf_status
list_one(struct rdb *d, const char *rcpt, rf_consent_list_cb cb, void *arg,
	 int *stop, rf_error *err)
{
	char k[KEY_MAX];
	const char *argv[2] = { "HGETALL", k }, *source;
	rf_consent_record *v = NULL;
	redisReply *r;
	rf_status st;
	size_t i, n = 0;
	int64_t since;

	key(d, "consent", rcpt, k);
	if ((st = cmd(d, 2, argv, &r, err)) != RF_OK)
		return st;
	if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2 &&
	    (v = calloc(r->elements / 2, sizeof(*v))) == NULL) {
		freeReplyObject(r);
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	for (i = 0; v != NULL && i + 1 < r->elements; i += 2) {
		const redisReply *f = r->element[i], *val = r->element[i + 1];

		if (f->type != REDIS_REPLY_STRING || f->len < 3 ||
		    val->type != REDIS_REPLY_STRING ||
		    kind_of(f->str[0]) == 0)
			continue;
		value(val->str, &since, &source);
		rf__consent_fill(&v[n++], rcpt, kind_of(f->str[0]), f->str + 2,
		    source, since);
	}
	freeReplyObject(r);
	if (n > 1)
		qsort(v, n, sizeof(*v), by_record);
	for (i = 0; i < n && !*stop; i++)
		*stop = cb(&v[i], arg) != 0;
	free(v);
	return RF_OK;
}

static int
by_string(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static rf_status
r_list(void *h, const char *rcpt, rf_consent_list_cb cb, void *arg,
       rf_error *err)
{
	struct rdb *d = h;
	char pattern[KEY_MAX], cursor[32] = "0";
	const char *argv[6] = { "SCAN", cursor, "MATCH", pattern, "COUNT",
		SCAN_COUNT };
	size_t plen, i, n = 0, cap = 0;
	char **keys = NULL, **nk;
	rf_status st = RF_OK;
	redisReply *r;
	int stop = 0;

	if (rcpt != NULL)
		return list_one(d, rcpt, cb, arg, &stop, err);
	key(d, "consent", "*", pattern);
	plen = strlen(pattern) - 1;
	do {
		if ((st = cmd(d, 6, argv, &r, err)) != RF_OK)
			goto out;
		if (r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
			freeReplyObject(r);
			st = rf_error_set(err, RF_ESTORE, "consent store: "
			    "unexpected SCAN reply");
			goto out;
		}
		snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
		for (i = 0; i < r->element[1]->elements; i++) {
			const redisReply *e = r->element[1]->element[i];

			if (e->type != REDIS_REPLY_STRING || e->len <= plen)
				continue;
			if (n == cap) {
				cap = cap * 2 + 64;
				if ((nk = realloc(keys, cap * sizeof(*keys))) ==
				    NULL)
					break;
				keys = nk;
			}
			if ((keys[n] = strdup(e->str + plen)) != NULL)
				n++;
		}
		stop = i < r->element[1]->elements;	/* out of memory */
		freeReplyObject(r);
		if (stop) {
			st = rf_error_set(err, RF_ENOMEM, "out of memory");
			goto out;
		}
	} while (strcmp(cursor, "0") != 0);
	stop = 0;
	/* SCAN may return a key twice */
	if (n > 1)
		qsort(keys, n, sizeof(*keys), by_string);
	for (i = 0; i < n && !stop && st == RF_OK; i++)
		if (i == 0 || strcmp(keys[i], keys[i - 1]) != 0)
			st = list_one(d, keys[i], cb, arg, &stop, err);
out:
	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	return st;
}

/* KEYS complaints hash, complainers set; ARGV domain, recipient id:
 * {1, count} counted now, {0, count} counted before (SADD added none) */
static const char once_script[] =
    "if redis.call('SADD', KEYS[2], ARGV[2]) == 0 then\n"
    "  return {0, tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')}\n"
    "end\n"
    "return {1, redis.call('HINCRBY', KEYS[1], ARGV[1], 1)}\n";

static rf_status
r_complaint(void *h, const char *domain, uint64_t n, const char *rcpt_id,
	    int64_t now, int *counted, uint64_t *total, rf_error *err)
{
	struct rdb *d = h;
	char k[KEY_MAX], ks[KEY_MAX], num[32];
	const char *argv[4] = { "HINCRBY", k, domain, num };
	const char *eval[7] = { "EVAL", once_script, "2", k, ks, domain,
	    rcpt_id };
	redisReply *r, *e;
	rf_status st;

	(void)now;
	*counted = 0;
	key(d, "complaints", "domain", k);
	key(d, "complainers", domain, ks);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)n);
	/* once per recipient: one round trip, atomic on the server */
	if ((st = rcpt_id != NULL ? cmd(d, 7, eval, &r, err) : cmd(d, 4, argv,
	    &r, err)) != RF_OK)
		return st;
	e = r->type == REDIS_REPLY_ARRAY && r->elements == 2 ?
	    r->element[1] : r;
	*total = e->type == REDIS_REPLY_INTEGER && e->integer > 0 ?
	    (uint64_t)e->integer : 0;
	*counted = rcpt_id == NULL || (e != r && r->element[0]->type ==
	    REDIS_REPLY_INTEGER && r->element[0]->integer == 1);
	freeReplyObject(r);
	return RF_OK;
}

static rf_status
r_complaints(void *h, const char *domain, uint64_t *n, rf_error *err)
{
	struct rdb *d = h;
	char k[KEY_MAX];
	const char *argv[3] = { "HGET", k, domain };
	redisReply *r;
	rf_status st;

	key(d, "complaints", "domain", k);
	if ((st = cmd(d, 3, argv, &r, err)) != RF_OK)
		return st;
	*n = r->type == REDIS_REPLY_STRING ? strtoull(r->str, NULL, 10) : 0;
	freeReplyObject(r);
	return RF_OK;
}

const struct rf__consent_ops rf__consent_redis_ops = {
	"redis", r_close, r_nop, r_nop, r_add, r_remove, r_get, r_list,
	r_complaint, r_complaints
};
