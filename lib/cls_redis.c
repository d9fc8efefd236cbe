/*
 * cls_redis.c - the classifier's token database in Redis, shared by many
 * mail servers (see cls_store.h and docs/classifier.md).  Keys, with
 * PREFIX "rf" unless the location names another:
 *   PREFIX:cls:spam   hash: token (16 hex digits of its hash) -> times
 *                     learned in spam
 *   PREFIX:cls:ham    hash: token -> times learned in ham
 *   PREFIX:cls:n      hash: spam, ham -> messages learned; tokens -> the
 *                     token set (RF__CLS_TOKENS; absent: 1)
 *   PREFIX:cls:msg    hash: message key (16 hex digits) -> its class
 *                     ('1' spam, '0' ham) then its tokens, 16 hex digits
 *                     each: what unlearning takes back
 *   PREFIX:cls:times  hash: message key -> times learned, for those
 *                     learned more than once (train on error)
 * Learning or unlearning one message is one Lua script, atomic on the
 * server: two servers learning at once, or a client dying, never leave
 * half a message.  Classifying one message is one round trip (MULTI, an
 * HMGET on each hash, EXEC: a consistent snapshot).  Counts never go
 * below 0, and a token whose count reaches 0 is deleted, as in SQLite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis.h>

#include "cls_store.h"
#include "store_lib.h"

#define KEY_MAX (RF__REDIS_PREFIX_MAX + 16)
#define HEX 16			/* a token or message key in hex */

/*
 * learn: KEYS spam, ham, n, msg, times; ARGV key, class ('1', '0', 'u'
 * for undo, 'S' or 'H' for spam or ham once more), tokens...  Returns 1
 * when counts changed, 0 when not.  times holds the repetitions of the
 * messages learned more than once (absent: once).
 */
static const char learn_lua[] =
	"local old = redis.call('HGET', KEYS[4], ARGV[1])\n"
	"local cls, again = ARGV[2], false\n"
	"if cls == 'S' then cls, again = '1', true\n"
	"elseif cls == 'H' then cls, again = '0', true end\n"
	"if old then\n"
	"  local was = string.sub(old, 1, 1)\n"
	"  local n = tonumber(redis.call('HGET', KEYS[5], ARGV[1]) or '1')\n"
	"  local k, f = KEYS[2], 'ham'\n"
	"  if was == '1' then k, f = KEYS[1], 'spam' end\n"
	"  if was == cls then\n"
	"    if not again then return 0 end\n"
	"    for i = 2, #old - 15, 16 do\n"
	"      redis.call('HINCRBY', k, string.sub(old, i, i + 15), 1)\n"
	"    end\n"
	"    redis.call('HINCRBY', KEYS[3], f, 1)\n"
	"    redis.call('HSET', KEYS[5], ARGV[1], n + 1)\n"
	"    return 1\n"
	"  end\n"
	"  for i = 2, #old - 15, 16 do\n"
	"    local t = string.sub(old, i, i + 15)\n"
	"    if redis.call('HINCRBY', k, t, -n) <= 0 then"
	" redis.call('HDEL', k, t) end\n"
	"  end\n"
	"  if redis.call('HINCRBY', KEYS[3], f, -n) < 0 then"
	" redis.call('HSET', KEYS[3], f, 0) end\n"
	"  redis.call('HDEL', KEYS[5], ARGV[1])\n"
	"  if cls == 'u' then\n"
	"    redis.call('HDEL', KEYS[4], ARGV[1])\n"
	"    return 1\n"
	"  end\n"
	"elseif cls == 'u' then\n"
	"  return 0\n"
	"end\n"
	"local k, f = KEYS[2], 'ham'\n"
	"if cls == '1' then k, f = KEYS[1], 'spam' end\n"
	"for i = 3, #ARGV do redis.call('HINCRBY', k, ARGV[i], 1) end\n"
	"redis.call('HINCRBY', KEYS[3], f, 1)\n"
	"redis.call('HSET', KEYS[4], ARGV[1], cls .. table.concat(ARGV, '', 3))\n"
	"return 1\n";

enum { K_SPAM, K_HAM, K_N, K_MSG, K_TIMES, K__COUNT };
static const char *const key_names[K__COUNT] = { "spam", "ham", "n", "msg",
	"times" };

struct rc {
	redisContext *c;
	struct rf__redis_spec at;	/* the server (its prefix in key) */
	unsigned timeout_ms;		/* of connecting and of each command */
	char key[K__COUNT][KEY_MAX];
	char sha[41];
	long nspam, nham;	/* as last read */
	long tokens;		/* token set as last read, 0: none */
	struct rf__cmap view;	/* counts of the last message classified */
};

static rf_status
fail(struct rc *r, const redisReply *rep, rf_error *err, const char *what)
{
	return rf__redis_error(err, r->c, rep, "classifier: redis: %s", what);
}

/* connect: a working connection with the script loaded, made again after
 * a failure. */
static rf_status
connect_rc(struct rc *r, rf_error *err)
{
	char name[RF_ERROR_NAME_SIZE];
	redisReply *rep;
	rf_status st = RF_OK;

	if (rf__redis_usable(r->c))
		return RF_OK;
	redisFree(r->c);
	r->c = rf__redis_connect(&r->at, r->timeout_ms);
	if (r->c == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	if (r->c->err != 0) {
		st = rf__redis_error(err, r->c, NULL, "classifier: redis: "
		    "cannot connect to %s", rf_error_name(name, r->at.host));
		goto out;
	}
	rep = redisCommand(r->c, "SCRIPT LOAD %s", learn_lua);
	if (rep == NULL || rep->type != REDIS_REPLY_STRING ||
	    rep->len != 40)
		st = fail(r, rep, err, "loading the script");
	else
		memcpy(r->sha, rep->str, 41);
	freeReplyObject(rep);
out:
	if (st != RF_OK) {
		redisFree(r->c);
		r->c = NULL;
	}
	return st;
}

/* parse: the spec (rf__redis_spec_parse) into r->at, and r's keys. */
static rf_status
parse(struct rc *r, const char *spec, rf_error *err)
{
	int i;

	if (rf__redis_spec_parse(spec, &r->at) != 0)
		return rf_error_set(err, RF_EINVAL, "classifier: bad Redis "
		    "location (want " RF__REDIS_SPEC_WANT ")");
	for (i = 0; i < K__COUNT; i++)
		snprintf(r->key[i], KEY_MAX, "%s:cls:%s", r->at.prefix,
		    key_names[i]);
	return RF_OK;
}

/*
 * exec: send MULTI, the n commands argv[i] (argc[i] strings each, lengths
 * in argl, one after another) and EXEC in one round trip; *out is EXEC's
 * reply, an array of n replies (freed by the caller).
 */
static rf_status
exec(struct rc *r, size_t n, const int *argc, const char **argv,
     const size_t *argl, redisReply **out, rf_error *err)
{
	redisReply *rep;
	rf_status st = RF_OK;
	size_t i, at = 0;
	void *p;

	*out = NULL;
	if ((st = connect_rc(r, err)) != RF_OK)
		return st;
	if (redisAppendCommand(r->c, "MULTI") != REDIS_OK)
		return fail(r, NULL, err, "sending");
	for (i = 0; i < n; i++) {
		if (redisAppendCommandArgv(r->c, argc[i], argv + at,
		    argl + at) != REDIS_OK)
			return fail(r, NULL, err, "sending");
		at += (size_t)argc[i];
	}
	if (redisAppendCommand(r->c, "EXEC") != REDIS_OK)
		return fail(r, NULL, err, "sending");
	/* +OK, n times +QUEUED, then EXEC's array: read them all */
	for (i = 0; i < n + 2; i++) {
		if (redisGetReply(r->c, &p) != REDIS_OK)
			return fail(r, NULL, err, "reading");
		rep = p;
		if (i < n + 1) {
			if (rep->type == REDIS_REPLY_ERROR && st == RF_OK)
				st = fail(r, rep, err, "queueing");
			freeReplyObject(rep);
		} else if (st == RF_OK && (rep->type != REDIS_REPLY_ARRAY ||
		    rep->elements != n)) {
			st = fail(r, rep, err, "reading counts");
			freeReplyObject(rep);
		} else if (st != RF_OK) {
			freeReplyObject(rep);
		} else {
			*out = rep;
		}
	}
	return st;
}

static rf_status
rc_reload(void *be, rf_error *err)
{
	struct rc *r = be;
	const char *argv[5] = { "HMGET", r->key[K_N], "spam", "ham",
	    "tokens" };
	size_t argl[5] = { 5, strlen(r->key[K_N]), 4, 3, 6 };
	int argc = 5;
	redisReply *rep;
	rf_status st;

	if ((st = exec(r, 1, &argc, argv, argl, &rep, err)) != RF_OK)
		return st;
	if (rep->element[0]->type != REDIS_REPLY_ARRAY ||
	    rep->element[0]->elements != 3)
		st = fail(r, rep->element[0], err, "reading counts");
	else {
		r->nspam = (long)rf__redis_int(rep->element[0]->element[0]);
		r->nham = (long)rf__redis_int(rep->element[0]->element[1]);
		r->tokens = (long)rf__redis_int(rep->element[0]->element[2]);
	}
	freeReplyObject(rep);
	return st;
}

static void
rc_close(void *be)
{
	struct rc *r = be;

	if (r == NULL)
		return;
	redisFree(r->c);
	rf__cmap_free(&r->view);
	rf__redis_spec_wipe(&r->at);
	free(r);
}

/* tokens_version: refuse a database trained with another token set;
 * record RF__CLS_TOKENS in an empty one (HSETNX: a second server doing
 * the same at once changes nothing). */
static rf_status
tokens_version(struct rc *r, rf_error *err)
{
	char v[24];
	const char *argv[4] = { "HSETNX", r->key[K_N], "tokens", v };
	size_t argl[4] = { 6, strlen(r->key[K_N]), 6, 0 };
	int argc = 4;
	redisReply *rep;
	rf_status st;

	st = rf__cls_tokens_check(r->tokens, r->nspam == 0 && r->nham == 0,
	    err);
	if (st != RF_OK || r->tokens != 0)
		return st;
	argl[3] = (size_t)snprintf(v, sizeof(v), "%d", RF__CLS_TOKENS);
	if ((st = exec(r, 1, &argc, argv, argl, &rep, err)) != RF_OK)
		return st;
	freeReplyObject(rep);
	if ((st = rc_reload(r, err)) != RF_OK)
		return st;
	return rf__cls_tokens_check(r->tokens, 0, err);
}

rf_status
rf__cls_redis_open(const char *spec, unsigned timeout_ms,
		   const rf_redis_auth *auth, void **be, rf_error *err)
{
	struct rc *r;
	rf_status st;

	*be = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	r->timeout_ms = timeout_ms;
	if ((st = parse(r, spec, err)) != RF_OK ||
	    (st = rf__redis_spec_auth(&r->at, auth, "classifier", err)) !=
	    RF_OK || (st = rc_reload(r, err)) != RF_OK ||
	    (st = tokens_version(r, err)) != RF_OK) {
		rc_close(r);
		return st;
	}
	*be = r;
	return RF_OK;
}

static void
rc_counts(void *be, long *nspam, long *nham)
{
	struct rc *r = be;

	*nspam = r->nspam;
	*nham = r->nham;
}

static rf_status
rc_begin(void *be, rf_error *err)
{
	return connect_rc(be, err);
}

static rf_status
rc_commit(void *be, rf_error *err)
{
	return rc_reload(be, err);
}

static void
rc_rollback(void *be)
{
	(void)be;	/* each message was committed when it was learned */
}

/* The arguments of a command: strings v[i] of length l[i], the tokens of
 * a message in hex (HEX + 1 bytes each) in hx. */
struct args {
	const char **v;
	size_t *l;
	char *hx;
};

static void
args_free(struct args *a)
{
	free(a->v);
	free(a->l);
	free(a->hx);
}

/* args_new: room for n arguments (zeroed) and t's tokens in hex; 0, or
 * -1 when out of memory (a is freed then). */
static int
args_new(struct args *a, size_t n, const rf__ctoks *t)
{
	size_t i;

	a->v = calloc(n, sizeof(*a->v));
	a->l = calloc(n, sizeof(*a->l));
	a->hx = malloc((t->n + 1) * (HEX + 1));
	if (a->v == NULL || a->l == NULL || a->hx == NULL) {
		args_free(a);
		return -1;
	}
	for (i = 0; i < t->n; i++)
		snprintf(a->hx + i * (HEX + 1), HEX + 1, "%016llx",
		    (unsigned long long)t->v[i].h);
	return 0;
}

/* EVALSHA, sha, number of keys, the keys, message key, class */
#define NFIXED (5 + K__COUNT)

static rf_status
rc_learn(void *be, uint64_t key, const rf__ctoks *t, int spam, int how,
	 int *changed, rf_error *err)
{
	struct rc *r = be;
	char nk[HEX + 1];
	char nkeys[8];
	struct args a;
	const char **argv;
	size_t *argl, i, n = 0;
	redisReply *rep = NULL;
	rf_status st = RF_OK;
	int try;

	*changed = 0;
	snprintf(nk, sizeof(nk), "%016llx", (unsigned long long)key);
	snprintf(nkeys, sizeof(nkeys), "%d", K__COUNT);
	if (how != RF__UNDO)
		n = t->n;
	if (args_new(&a, n + NFIXED, t) != 0)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	argv = a.v;
	argl = a.l;
	argv[0] = "EVALSHA";
	argv[2] = nkeys;
	for (i = 0; i < K__COUNT; i++)
		argv[3 + i] = r->key[i];
	argv[3 + K__COUNT] = nk;
	argv[4 + K__COUNT] = how == RF__UNDO ? "u" : how == RF__AGAIN ?
	    (spam ? "S" : "H") : spam ? "1" : "0";
	for (i = 0; i < n; i++) {
		argv[NFIXED + i] = a.hx + i * (HEX + 1);
		argl[NFIXED + i] = HEX;
	}
	for (i = 0; i < NFIXED; i++)
		if (i != 1)
			argl[i] = strlen(argv[i]);
	for (try = 0; try < 2; try++) {
		if ((st = connect_rc(r, err)) != RF_OK)
			goto out;
		argv[1] = r->sha;
		argl[1] = 40;
		rep = redisCommandArgv(r->c, (int)(n + NFIXED), argv, argl);
		if (rep == NULL || rep->type != REDIS_REPLY_ERROR ||
		    strncmp(rep->str, "NOSCRIPT", 8) != 0)
			break;
		/* the server lost its scripts (restarted): load again */
		freeReplyObject(rep);
		rep = NULL;
		redisFree(r->c);
		r->c = NULL;
	}
	if (rep == NULL || rep->type != REDIS_REPLY_INTEGER)
		st = fail(r, rep, err, "learning");
	else
		*changed = rep->integer == 1;
out:
	freeReplyObject(rep);
	args_free(&a);
	return st;
}

/* give_view: r's counts of the last message and of messages as *v. */
static void
give_view(struct rc *r, struct rf__cls_view *v)
{
	v->map = &r->view;
	v->nspam = r->nspam;
	v->nham = r->nham;
}

static rf_status
rc_view(void *be, const rf__ctoks *t, struct rf__cls_view *v, rf_error *err)
{
	struct rc *r = be;
	struct args a;
	const char **argv;
	size_t *argl, i;
	int argc[3];
	redisReply *rep = NULL, *s, *h, *nn;
	rf_status st = RF_OK;

	rf__cmap_free(&r->view);
	if (t->n == 0) {	/* HMGET wants a field: the counts only */
		if (rf__cmap_init(&r->view, 0) != 0)
			return rf_error_set(err, RF_ENOMEM, "out of memory");
		if ((st = rc_reload(r, err)) == RF_OK)
			give_view(r, v);
		return st;
	}
	if (args_new(&a, 2 * t->n + 8, t) != 0)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	argv = a.v;
	argl = a.l;
	if (rf__cmap_init(&r->view, t->n) != 0) {
		st = rf_error_set(err, RF_ENOMEM, "out of memory");
		goto out;
	}
	/* HMGET spam tokens; HMGET ham tokens; HMGET n spam ham */
	argv[0] = argv[t->n + 2] = "HMGET";
	argv[1] = r->key[K_SPAM];
	argv[t->n + 3] = r->key[K_HAM];
	for (i = 0; i < t->n; i++) {
		argv[2 + i] = argv[t->n + 4 + i] = a.hx + i * (HEX + 1);
		argl[2 + i] = argl[t->n + 4 + i] = HEX;
	}
	argv[2 * t->n + 4] = "HMGET";
	argv[2 * t->n + 5] = r->key[K_N];
	argv[2 * t->n + 6] = "spam";
	argv[2 * t->n + 7] = "ham";
	for (i = 0; i < 2 * t->n + 8; i++)
		if (argl[i] == 0)
			argl[i] = strlen(argv[i]);
	argc[0] = argc[1] = (int)t->n + 2;
	argc[2] = 4;
	if ((st = exec(r, 3, argc, argv, argl, &rep, err)) != RF_OK)
		goto out;
	s = rep->element[0];
	h = rep->element[1];
	nn = rep->element[2];
	if (s->type != REDIS_REPLY_ARRAY || s->elements != t->n ||
	    h->type != REDIS_REPLY_ARRAY || h->elements != t->n ||
	    nn->type != REDIS_REPLY_ARRAY || nn->elements != 2) {
		st = fail(r, s->type == REDIS_REPLY_ARRAY ? h : s, err,
		    "reading counts");
		goto out;
	}
	for (i = 0; i < t->n; i++) {
		int64_t ns = rf__redis_int(s->element[i]);
		int64_t nh = rf__redis_int(h->element[i]);

		if ((ns > 0 || nh > 0) && rf__cmap_add(&r->view, t->v[i].h,
		    ns > 0 ? ns : 0, nh > 0 ? nh : 0) != 0) {
			st = rf_error_set(err, RF_ENOMEM, "out of memory");
			goto out;
		}
	}
	r->nspam = (long)rf__redis_int(nn->element[0]);
	r->nham = (long)rf__redis_int(nn->element[1]);
	give_view(r, v);
out:
	freeReplyObject(rep);
	args_free(&a);
	return st;
}

const struct rf__cls_ops rf__cls_redis_ops = {
	.name = "redis",
	.atomic = 0,
	.close = rc_close,
	.reload = rc_reload,
	.counts = rc_counts,
	.begin = rc_begin,
	.commit = rc_commit,
	.rollback = rc_rollback,
	.learn = rc_learn,
	.view = rc_view,
};
