/*
 * store_redis.c - the campaign store in Redis, shared by many mail
 * servers (hiredis).  Key layout, with PREFIX "rf" unless the spec names
 * another (docs/store.md):
 *   PREFIX:c:ID      hash: fp, copies, complaints, first, last, subject,
 *                    samples, sbytes
 *   PREFIX:h:ID      HyperLogLog of the recipients (PFADD, PFCOUNT)
 *   PREFIX:s:ID      list of link-skeleton samples, first copies first
 *   PREFIX:b:BAND    set of the ids of campaigns with that band key
 *   PREFIX:z         sorted set: id scored by size, for listing
 * Creating and counting are Lua scripts, atomic on the server; a
 * campaign's id is derived from its fingerprint, so two servers creating
 * the campaign of one message at once create one campaign.  A single
 * Redis server (or primary) is assumed: the keys of one script are not
 * in one cluster slot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <hiredis.h>

#include "internal.h"

#define PREFIX_MAX 64
#define KEY_MAX (PREFIX_MAX + 40)
#define HOST_MAX 256
#define BAND_SCAN "64"		/* band sets larger are not checked on
				   create (they are cut in candidates) */

enum { SC_CREATE, SC_ADD, SC_COMPLAIN, SC__COUNT };

/*
 * create: KEYS c, z, band keys; ARGV id, fp, now, check, seen ids...
 * Returns 1 created, 0 existed, -1 when check is "1" and a band set
 * holds an id that is neither seen nor this one (look again).
 */
static const char *const scripts[SC__COUNT] = {
	[SC_CREATE] =
	"if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end\n"
	"if ARGV[4] == '1' then\n"
	"  local seen = {}\n"
	"  for i = 5, #ARGV do seen[ARGV[i]] = true end\n"
	"  for i = 3, #KEYS do\n"
	"    if redis.call('SCARD', KEYS[i]) <= " BAND_SCAN " then\n"
	"      for _, m in ipairs(redis.call('SMEMBERS', KEYS[i])) do\n"
	"        if not seen[m] and m ~= ARGV[1] then return -1 end\n"
	"      end\n"
	"    end\n"
	"  end\n"
	"end\n"
	"redis.call('HSET', KEYS[1], 'fp', ARGV[2], 'copies', 0,"
	" 'complaints', 0, 'first', ARGV[3], 'last', ARGV[3], 'samples', 0,"
	" 'sbytes', 0)\n"
	"for i = 3, #KEYS do redis.call('SADD', KEYS[i], ARGV[1]) end\n"
	"redis.call('ZADD', KEYS[2], 'NX', 0, ARGV[1])\n"
	"return 1\n",
	/*
	 * add: KEYS c, h, s, z; ARGV id, now, subject, sample, max_samples,
	 * max_sample_bytes, recipients...  Returns {copies, size, first,
	 * last, complaints, subject}, or -1 when the campaign is gone.
	 */
	[SC_ADD] =
	"if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end\n"
	"local f = redis.call('HMGET', KEYS[1], 'first', 'last', 'samples',"
	" 'sbytes', 'subject', 'complaints')\n"
	"local now = tonumber(ARGV[2])\n"
	"local first, last = tonumber(f[1]), tonumber(f[2])\n"
	"if now < first then first = now;"
	" redis.call('HSET', KEYS[1], 'first', ARGV[2]) end\n"
	"if now > last then last = now;"
	" redis.call('HSET', KEYS[1], 'last', ARGV[2]) end\n"
	"local subject = f[5]\n"
	"if not subject and ARGV[3] ~= '' then subject = ARGV[3];"
	" redis.call('HSET', KEYS[1], 'subject', ARGV[3]) end\n"
	"if ARGV[4] ~= '' and tonumber(f[3]) < tonumber(ARGV[5]) and"
	" tonumber(f[4]) + #ARGV[4] <= tonumber(ARGV[6]) then\n"
	"  redis.call('RPUSH', KEYS[3], ARGV[4])\n"
	"  redis.call('HINCRBY', KEYS[1], 'samples', 1)\n"
	"  redis.call('HINCRBY', KEYS[1], 'sbytes', #ARGV[4])\n"
	"end\n"
	"local copies = redis.call('HINCRBY', KEYS[1], 'copies', 1)\n"
	"local changed = 0\n"
	"for i = 7, #ARGV, 512 do\n"
	"  if redis.call('PFADD', KEYS[2],"
	" unpack(ARGV, i, math.min(i + 511, #ARGV))) == 1 then changed = 1 end\n"
	"end\n"
	"local size = redis.call('PFCOUNT', KEYS[2])\n"
	"if changed == 1 then redis.call('ZADD', KEYS[4], size, ARGV[1]) end\n"
	"return {copies, size, first, last, tonumber(f[6]), subject or ''}\n",
	/* complain: KEYS c; ARGV n.  1 done, 0 no such campaign. */
	[SC_COMPLAIN] =
	"if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end\n"
	"redis.call('HINCRBY', KEYS[1], 'complaints', ARGV[1])\n"
	"return 1\n",
};

struct rd {
	redisContext *c;
	char host[HOST_MAX];	/* or the socket path */
	int port;		/* 0: Unix socket */
	char prefix[PREFIX_MAX + 1];
	struct timeval tv;
	char sha[SC__COUNT][41];
};

static rf_status
reply_error(struct rd *r, redisReply *rep, rf_error *err, const char *what)
{
	if (rep == NULL)
		return rf_error_set(err, RF_ESTORE, "redis: %s: %s", what,
		    r->c != NULL && r->c->errstr[0] != '\0' ? r->c->errstr :
		    "no answer");
	return rf_error_set(err, RF_ESTORE, "redis: %s: %.200s", what,
	    rep->type == REDIS_REPLY_ERROR ? rep->str : "unexpected reply");
}

static rf_status
load_scripts(struct rd *r, rf_error *err)
{
	redisReply *rep;
	rf_status st;
	int i;

	for (i = 0; i < SC__COUNT; i++) {
		rep = redisCommand(r->c, "SCRIPT LOAD %s", scripts[i]);
		if (rep == NULL || rep->type != REDIS_REPLY_STRING ||
		    rep->len != 40) {
			st = reply_error(r, rep, err, "loading scripts");
			freeReplyObject(rep);
			return st;
		}
		memcpy(r->sha[i], rep->str, 40);
		r->sha[i][40] = '\0';
		freeReplyObject(rep);
	}
	return RF_OK;
}

/* conn: a working connection, made again after a failure. */
static rf_status
conn(struct rd *r, rf_error *err)
{
	rf_status st;

	if (r->c != NULL && r->c->err == 0)
		return RF_OK;
	if (r->c != NULL)
		redisFree(r->c);
	r->c = r->port != 0 ?
	    redisConnectWithTimeout(r->host, r->port, r->tv) :
	    redisConnectUnixWithTimeout(r->host, r->tv);
	if (r->c == NULL)
		return rf_error_set(err, RF_ESTORE, "redis: out of memory");
	if (r->c->err != 0)
		return rf_error_set(err, RF_ESTORE, "redis: cannot connect: "
		    "%s", r->c->errstr);
	if (redisSetTimeout(r->c, r->tv) != REDIS_OK)
		return rf_error_set(err, RF_ESTORE, "redis: cannot set the "
		    "timeout");
	if ((st = load_scripts(r, err)) != RF_OK) {
		redisFree(r->c);
		r->c = NULL;
	}
	return st;
}

/*
 * pipeline: send n commands (argv vectors) and read n replies into
 * rep[]; on failure every reply is freed and RF_ESTORE returned.
 */
static rf_status
pipeline(struct rd *r, size_t n, const int *argc, const char *const *argv,
	 const size_t *argl, redisReply **rep, rf_error *err)
{
	size_t i, at = 0;
	void *p;
	rf_status st;

	memset(rep, 0, n * sizeof(*rep));
	if ((st = conn(r, err)) != RF_OK)
		return st;
	for (i = 0; i < n; i++) {
		if (redisAppendCommandArgv(r->c, argc[i], (const char **)
		    argv + at, argl + at) != REDIS_OK)
			return reply_error(r, NULL, err, "sending");
		at += (size_t)argc[i];
	}
	for (i = 0; i < n; i++) {
		if (redisGetReply(r->c, &p) != REDIS_OK) {
			while (i > 0)
				freeReplyObject(rep[--i]);
			return reply_error(r, NULL, err, "reading");
		}
		rep[i] = p;
	}
	return RF_OK;
}

static void
free_replies(redisReply **rep, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		freeReplyObject(rep[i]);
}

/* script: EVALSHA script sc with nkeys keys then the other args (argv[0]
 * and argv[1] are filled in here); reloads the scripts once when the
 * server lost them.  *out is the reply, freed by the caller. */
static rf_status
script(struct rd *r, int sc, int argc, const char **argv, size_t *argl,
       int nkeys, redisReply **out, rf_error *err)
{
	char nk[16];
	rf_status st;
	int try;

	snprintf(nk, sizeof(nk), "%d", nkeys);
	for (try = 0; try < 2; try++) {
		argv[0] = "EVALSHA";
		argl[0] = 7;
		argv[1] = r->sha[sc];
		argl[1] = 40;
		argv[2] = nk;
		argl[2] = strlen(nk);
		if ((st = pipeline(r, 1, &argc, argv, argl, out, err)) != RF_OK)
			return st;
		if ((*out)->type != REDIS_REPLY_ERROR ||
		    strncmp((*out)->str, "NOSCRIPT", 8) != 0)
			break;
		freeReplyObject(*out);
		*out = NULL;
		if ((st = load_scripts(r, err)) != RF_OK)
			return st;
	}
	if (*out == NULL || (*out)->type == REDIS_REPLY_ERROR) {
		st = reply_error(r, *out, err, "script");
		freeReplyObject(*out);
		*out = NULL;
		return st;
	}
	return RF_OK;
}

static void
key(const struct rd *r, char *buf, const char *kind, const char *id)
{
	snprintf(buf, KEY_MAX, "%s:%s:%s", r->prefix, kind, id);
}

static void
band_name(const struct rd *r, char *buf, uint64_t band)
{
	snprintf(buf, KEY_MAX, "%s:b:%016llx", r->prefix,
	    (unsigned long long)band);
}

static rf_status
rd_noop_op(void *be, rf_error *err)
{
	return RF_OK;
}

static rf_status
rd_begin_op(void *be, int write, rf_error *err)
{
	return RF_OK;
}

static rf_status
rd_end_op(void *be, int ok, rf_error *err)
{
	return RF_OK;
}

static rf_status
rd_candidates(void *be, const uint64_t *band, unsigned max, rf__cand_cb cb,
	      void *arg, int *cut, rf_error *err)
{
	struct rd *r = be;
	char keys[RF_FP_BANDS][KEY_MAX], cnt[16];
	char (*ids)[RF_CAMPAIGN_ID_LEN + 1] = NULL;
	char (*ckeys)[KEY_MAX] = NULL;
	const char *argv[3 * RF_FP_BANDS + 1];
	size_t argl[3 * RF_FP_BANDS + 1], n = 0, i, j, e;
	int argc[RF_FP_BANDS];
	redisReply *rep[RF_FP_BANDS], **frep = NULL;
	const char **fargv = NULL;
	size_t *fargl = NULL;
	int *fargc = NULL;
	rf_status st;
	redisReply *m;

	snprintf(cnt, sizeof(cnt), "%u", max + 1);
	for (i = 0; i < RF_FP_BANDS; i++) {
		band_name(r, keys[i], band[i]);
		argc[i] = 3;
		argv[3 * i] = "SRANDMEMBER";
		argl[3 * i] = 11;
		argv[3 * i + 1] = keys[i];
		argl[3 * i + 1] = strlen(keys[i]);
		argv[3 * i + 2] = cnt;
		argl[3 * i + 2] = strlen(cnt);
	}
	if ((st = pipeline(r, RF_FP_BANDS, argc, argv, argl, rep, err)) !=
	    RF_OK)
		return st;
	if ((ids = calloc((size_t)max + 1, sizeof(*ids))) == NULL) {
		st = rf_error_set(err, RF_ENOMEM, "redis: out of memory");
		goto done;
	}
	for (i = 0; i < RF_FP_BANDS; i++) {
		if (rep[i]->type != REDIS_REPLY_ARRAY) {
			st = reply_error(r, rep[i], err, "band keys");
			goto done;
		}
		for (e = 0; e < rep[i]->elements; e++) {
			m = rep[i]->element[e];
			if (m->type != REDIS_REPLY_STRING ||
			    m->len != RF_CAMPAIGN_ID_LEN)
				continue;
			for (j = 0; j < n; j++)
				if (memcmp(ids[j], m->str, m->len) == 0)
					break;
			if (j < n)
				continue;
			if (n == max) {
				*cut = 1;
				break;
			}
			memcpy(ids[n], m->str, m->len);
			ids[n++][RF_CAMPAIGN_ID_LEN] = '\0';
		}
	}
	if (n == 0)
		goto done;
	frep = calloc(n, sizeof(*frep));
	fargv = calloc(3 * n, sizeof(*fargv));
	fargl = calloc(3 * n, sizeof(*fargl));
	fargc = calloc(n, sizeof(*fargc));
	ckeys = calloc(n, sizeof(*ckeys));
	if (frep == NULL || fargv == NULL || fargl == NULL || fargc == NULL ||
	    ckeys == NULL) {
		st = rf_error_set(err, RF_ENOMEM, "redis: out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		key(r, ckeys[i], "c", ids[i]);
		fargc[i] = 3;
		fargv[3 * i] = "HGET";
		fargl[3 * i] = 4;
		fargv[3 * i + 1] = ckeys[i];
		fargl[3 * i + 1] = strlen(ckeys[i]);
		fargv[3 * i + 2] = "fp";
		fargl[3 * i + 2] = 2;
	}
	if ((st = pipeline(r, n, fargc, fargv, fargl, frep, err)) != RF_OK) {
		memset(frep, 0, n * sizeof(*frep));
		goto done;
	}
	for (i = 0; i < n; i++)
		if (frep[i]->type == REDIS_REPLY_STRING &&
		    cb(ids[i], 0, frep[i]->str, frep[i]->len, arg))
			break;
done:
	free_replies(rep, RF_FP_BANDS);
	if (frep != NULL)
		free_replies(frep, n);
	free(frep);
	free(fargv);
	free(fargl);
	free(fargc);
	free(ckeys);
	free(ids);
	return st;
}

static rf_status
rd_create(void *be, const struct rf__copy *c, int check, char *const *seen,
	  size_t nseen, int64_t *key_out, int *created, rf_error *err)
{
	struct rd *r = be;
	char keys[2 + RF_FP_BANDS][KEY_MAX], now[24];
	const char **argv;
	size_t *argl, i, n = 3 + 2 + RF_FP_BANDS + 4 + nseen;
	redisReply *rep = NULL;
	rf_status st;

	argv = calloc(n, sizeof(*argv));
	argl = calloc(n, sizeof(*argl));
	if (argv == NULL || argl == NULL) {
		st = rf_error_set(err, RF_ENOMEM, "redis: out of memory");
		goto done;
	}
	key(r, keys[0], "c", c->id);
	snprintf(keys[1], KEY_MAX, "%s:z", r->prefix);
	for (i = 0; i < RF_FP_BANDS; i++)
		band_name(r, keys[2 + i], c->band[i]);
	for (i = 0; i < 2 + RF_FP_BANDS; i++) {
		argv[3 + i] = keys[i];
		argl[3 + i] = strlen(keys[i]);
	}
	snprintf(now, sizeof(now), "%lld", (long long)c->now);
	i = 3 + 2 + RF_FP_BANDS;
	argv[i] = c->id;
	argl[i++] = RF_CAMPAIGN_ID_LEN;
	argv[i] = (const char *)c->fp;
	argl[i++] = sizeof(c->fp);
	argv[i] = now;
	argl[i++] = strlen(now);
	argv[i] = check ? "1" : "0";
	argl[i++] = 1;
	for (; i < n; i++) {
		argv[i] = seen[i - (3 + 2 + RF_FP_BANDS + 4)];
		argl[i] = strlen(argv[i]);
	}
	if ((st = script(r, SC_CREATE, (int)n, argv, argl, 2 + RF_FP_BANDS,
	    &rep, err)) != RF_OK)
		goto done;
	if (rep->type != REDIS_REPLY_INTEGER) {
		st = reply_error(r, rep, err, "creating a campaign");
		goto done;
	}
	if (rep->integer < 0)
		st = RF_EDONE;
	*created = rep->integer == 1;
	*key_out = 0;
done:
	freeReplyObject(rep);
	free(argv);
	free(argl);
	return st;
}

static int64_t
int_of(const redisReply *e)
{
	if (e->type == REDIS_REPLY_INTEGER)
		return e->integer;
	if (e->type == REDIS_REPLY_STRING)
		return strtoll(e->str, NULL, 10);
	return 0;
}

static rf_status
rd_update(void *be, const struct rf__copy *c, const char *id, int64_t k,
	  const rf_store_options *o, rf_campaign *out, rf_error *err)
{
	struct rd *r = be;
	char keys[4][KEY_MAX], now[24], ms[24], mb[24];
	size_t n = 3 + 4 + 6 + c->nrcpt, i;
	const char **argv = calloc(n, sizeof(*argv));
	size_t *argl = calloc(n, sizeof(*argl));
	redisReply *rep = NULL, **e;
	rf_status st;

	if (argv == NULL || argl == NULL) {
		st = rf_error_set(err, RF_ENOMEM, "redis: out of memory");
		goto done;
	}
	key(r, keys[0], "c", id);
	key(r, keys[1], "h", id);
	key(r, keys[2], "s", id);
	snprintf(keys[3], KEY_MAX, "%s:z", r->prefix);
	for (i = 0; i < 4; i++) {
		argv[3 + i] = keys[i];
		argl[3 + i] = strlen(keys[i]);
	}
	snprintf(now, sizeof(now), "%lld", (long long)c->now);
	snprintf(ms, sizeof(ms), "%u", o->max_samples);
	snprintf(mb, sizeof(mb), "%zu", o->max_sample_bytes);
	argv[7] = id;
	argl[7] = RF_CAMPAIGN_ID_LEN;
	argv[8] = now;
	argl[8] = strlen(now);
	argv[9] = c->subject != NULL ? c->subject : "";
	argl[9] = c->subject != NULL ? c->subjectlen : 0;
	argv[10] = c->sample != NULL ? c->sample : "";
	argl[10] = c->samplelen;
	argv[11] = ms;
	argl[11] = strlen(ms);
	argv[12] = mb;
	argl[12] = strlen(mb);
	for (i = 0; i < c->nrcpt; i++) {
		argv[13 + i] = c->rcpt[i];
		argl[13 + i] = c->rcptlen[i];
	}
	if ((st = script(r, SC_ADD, (int)n, argv, argl, 4, &rep, err)) !=
	    RF_OK)
		goto done;
	if (rep->type == REDIS_REPLY_INTEGER && rep->integer == -1) {
		st = rf_error_set(err, RF_ENOTFOUND, "campaign %s is gone", id);
	} else if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 6) {
		st = reply_error(r, rep, err, "counting a copy");
	} else {
		e = rep->element;
		snprintf(out->id, sizeof(out->id), "%s", id);
		out->copies = (uint64_t)int_of(e[0]);
		out->size = (uint64_t)int_of(e[1]);
		out->first_seen = int_of(e[2]);
		out->last_seen = int_of(e[3]);
		out->complaints = (uint64_t)int_of(e[4]);
		if (e[5]->type == REDIS_REPLY_STRING)
			rf__campaign_subject(out, e[5]->str, e[5]->len);
	}
done:
	freeReplyObject(rep);
	free(argv);
	free(argl);
	return st;
}

/* fill: out from the replies of HMGET copies complaints first last
 * subject and PFCOUNT; RF_ENOTFOUND when the hash is missing. */
static rf_status
fill(struct rd *r, const char *id, redisReply *h, redisReply *pf,
     rf_campaign *out, rf_error *err)
{
	if (h->type != REDIS_REPLY_ARRAY || h->elements != 5 ||
	    pf->type != REDIS_REPLY_INTEGER)
		return reply_error(r, h->type == REDIS_REPLY_ERROR ? h : pf,
		    err, "reading a campaign");
	if (h->element[0]->type != REDIS_REPLY_STRING)
		return rf_error_set(err, RF_ENOTFOUND, "no campaign %s", id);
	snprintf(out->id, sizeof(out->id), "%s", id);
	out->copies = (uint64_t)int_of(h->element[0]);
	out->complaints = (uint64_t)int_of(h->element[1]);
	out->first_seen = int_of(h->element[2]);
	out->last_seen = int_of(h->element[3]);
	if (h->element[4]->type == REDIS_REPLY_STRING)
		rf__campaign_subject(out, h->element[4]->str,
		    h->element[4]->len);
	out->size = (uint64_t)pf->integer;
	return RF_OK;
}

/* get_many: campaigns ids[0..n-1] in two pipelined commands each. */
static rf_status
get_many(struct rd *r, char (*ids)[RF_CAMPAIGN_ID_LEN + 1], size_t n,
	 rf_campaign *out, rf_error *err)
{
	char (*keys)[KEY_MAX] = calloc(2 * n, KEY_MAX);
	const char **argv = calloc(9 * n, sizeof(*argv));
	size_t *argl = calloc(9 * n, sizeof(*argl)), i, a = 0;
	int *argc = calloc(2 * n, sizeof(*argc));
	redisReply **rep = calloc(2 * n, sizeof(*rep));
	static const char *const f[] = { "HMGET", NULL, "copies",
	    "complaints", "first", "last", "subject" };
	rf_status st = RF_OK;
	size_t j;

	if (keys == NULL || argv == NULL || argl == NULL || argc == NULL ||
	    rep == NULL) {
		st = rf_error_set(err, RF_ENOMEM, "redis: out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		key(r, keys[2 * i], "c", ids[i]);
		key(r, keys[2 * i + 1], "h", ids[i]);
		argc[2 * i] = 7;
		for (j = 0; j < 7; j++) {
			argv[a] = j == 1 ? keys[2 * i] : f[j];
			argl[a] = strlen(argv[a]);
			a++;
		}
		argc[2 * i + 1] = 2;
		argv[a] = "PFCOUNT";
		argl[a++] = 7;
		argv[a] = keys[2 * i + 1];
		argl[a] = strlen(argv[a]);
		a++;
	}
	if ((st = pipeline(r, 2 * n, argc, argv, argl, rep, err)) != RF_OK)
		goto done;
	for (i = 0; i < n && st == RF_OK; i++)
		st = fill(r, ids[i], rep[2 * i], rep[2 * i + 1], &out[i], err);
	free_replies(rep, 2 * n);
done:
	free(keys);
	free(argv);
	free(argl);
	free(argc);
	free(rep);
	return st;
}

static rf_status
rd_get(void *be, const char *id, rf_campaign *out, rf_error *err)
{
	char ids[1][RF_CAMPAIGN_ID_LEN + 1];

	snprintf(ids[0], sizeof(ids[0]), "%s", id);
	return get_many(be, ids, 1, out, err);
}

#define LIST_PAGE 256

static rf_status
rd_list(void *be, size_t limit, rf_campaign_list_cb cb, void *arg,
	rf_error *err)
{
	struct rd *r = be;
	char (*ids)[RF_CAMPAIGN_ID_LEN + 1] = NULL;
	rf_campaign *c = NULL;
	char z[KEY_MAX], from[24], to[24];
	const char *argv[4] = { "ZREVRANGE", z, from, to };
	size_t argl[4], at = 0, n, i, page;
	int argc = 4, stop = 0, last = 0;
	redisReply *rep = NULL;
	rf_status st = RF_OK;

	snprintf(z, sizeof(z), "%s:z", r->prefix);
	ids = calloc(LIST_PAGE, sizeof(*ids));
	c = calloc(LIST_PAGE, sizeof(*c));
	if (ids == NULL || c == NULL) {
		st = rf_error_set(err, RF_ENOMEM, "redis: out of memory");
		goto done;
	}
	while (!stop && !last && (limit == 0 || at < limit)) {
		page = limit == 0 || limit - at > LIST_PAGE ? LIST_PAGE :
		    limit - at;
		snprintf(from, sizeof(from), "%zu", at);
		snprintf(to, sizeof(to), "%zu", at + page - 1);
		for (i = 0; i < 4; i++)
			argl[i] = strlen(argv[i]);
		if ((st = pipeline(r, 1, &argc, argv, argl, &rep, err)) !=
		    RF_OK)
			goto done;
		if (rep->type != REDIS_REPLY_ARRAY) {
			st = reply_error(r, rep, err, "listing campaigns");
			goto done;
		}
		for (n = 0, i = 0; i < rep->elements; i++)
			if (rep->element[i]->type == REDIS_REPLY_STRING &&
			    rep->element[i]->len == RF_CAMPAIGN_ID_LEN)
				snprintf(ids[n++], sizeof(ids[0]), "%s",
				    rep->element[i]->str);
		last = rep->elements < page;
		at += rep->elements;
		freeReplyObject(rep);
		rep = NULL;
		if (n == 0)
			break;
		memset(c, 0, LIST_PAGE * sizeof(*c));
		if ((st = get_many(r, ids, n, c, err)) != RF_OK)
			goto done;
		for (i = 0; i < n && !stop; i++)
			stop = cb(&c[i], arg);
	}
done:
	freeReplyObject(rep);
	free(ids);
	free(c);
	return st;
}

static rf_status
rd_complaint(void *be, const char *id, uint64_t n, rf_error *err)
{
	struct rd *r = be;
	char k[KEY_MAX], num[24];
	const char *argv[5];
	size_t argl[5];
	redisReply *rep = NULL;
	rf_status st;

	key(r, k, "c", id);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)n);
	argv[3] = k;
	argl[3] = strlen(k);
	argv[4] = num;
	argl[4] = strlen(num);
	if ((st = script(r, SC_COMPLAIN, 5, argv, argl, 1, &rep, err)) !=
	    RF_OK)
		return st;
	if (rep->type != REDIS_REPLY_INTEGER)
		st = reply_error(r, rep, err, "adding complaints");
	else if (rep->integer == 0)
		st = rf_error_set(err, RF_ENOTFOUND, "no campaign %s", id);
	freeReplyObject(rep);
	return st;
}

static rf_status
rd_samples(void *be, const char *id, rf__sample_cb cb, void *arg,
	   rf_error *err)
{
	struct rd *r = be;
	char kc[KEY_MAX], ks[KEY_MAX];
	const char *argv[6] = { "EXISTS", kc, "LRANGE", ks, "0", "-1" };
	size_t argl[6], i;
	int argc[2] = { 2, 4 };
	redisReply *rep[2];
	rf_status st;

	key(r, kc, "c", id);
	key(r, ks, "s", id);
	for (i = 0; i < 6; i++)
		argl[i] = strlen(argv[i]);
	if ((st = pipeline(r, 2, argc, argv, argl, rep, err)) != RF_OK)
		return st;
	if (rep[0]->type != REDIS_REPLY_INTEGER ||
	    rep[1]->type != REDIS_REPLY_ARRAY)
		st = reply_error(r, rep[1], err, "reading samples");
	else if (rep[0]->integer == 0)
		st = rf_error_set(err, RF_ENOTFOUND, "no campaign %s", id);
	for (i = 0; st == RF_OK && i < rep[1]->elements; i++)
		if (rep[1]->element[i]->type == REDIS_REPLY_STRING &&
		    cb(rep[1]->element[i]->str, rep[1]->element[i]->len, arg))
			break;
	free_replies(rep, 2);
	return st;
}

static void
rd_close(void *be)
{
	struct rd *r = be;

	if (r == NULL)
		return;
	if (r->c != NULL)
		redisFree(r->c);
	free(r);
}

static const struct rf__store_ops redis_ops = {
	"redis", rd_begin_op, rd_end_op, rd_candidates, rd_create, rd_update,
	rd_get, rd_list, rd_complaint, rd_samples, rd_noop_op, rd_noop_op,
	rd_noop_op, rd_close,
};

static int
valid_prefix(const char *p)
{
	size_t n = strlen(p);

	if (n == 0 || n > PREFIX_MAX)
		return 0;
	return strspn(p, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

/* parse: "redis://HOST[:PORT][/PREFIX]" or "unix:PATH[#PREFIX]". */
static rf_status
parse(struct rd *r, const char *spec, rf_error *err)
{
	const char *p, *end, *slash, *colon, *prefix = "rf";
	size_t n;
	char *e;
	long port = 6379;

	if (strncmp(spec, "unix:", 5) == 0) {
		p = spec + 5;
		end = strchr(p, '#');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (end != NULL)
			prefix = end + 1;
		port = 0;
	} else {
		p = spec + 8;
		slash = strchr(p, '/');
		end = slash != NULL ? slash : p + strlen(p);
		if (slash != NULL)
			prefix = slash + 1;
		if (*p == '[') {	/* [IPv6]:port */
			p++;
			colon = memchr(p, ']', (size_t)(end - p));
			if (colon == NULL)
				goto bad;
			n = (size_t)(colon - p);
			colon = colon[1] == ':' ? colon + 1 : NULL;
		} else {
			colon = memchr(p, ':', (size_t)(end - p));
			n = (size_t)((colon != NULL ? colon : end) - p);
		}
		if (colon != NULL) {
			port = strtol(colon + 1, &e, 10);
			if (e != end || port < 1 || port > 65535)
				goto bad;
		}
	}
	if (n == 0 || n >= sizeof(r->host) || !valid_prefix(prefix))
		goto bad;
	memcpy(r->host, p, n);
	r->host[n] = '\0';
	r->port = (int)port;
	snprintf(r->prefix, sizeof(r->prefix), "%s", prefix);
	return RF_OK;
bad:
	return rf_error_set(err, RF_EINVAL, "store: bad Redis spec (want "
	    "redis://HOST[:PORT][/PREFIX] or unix:PATH[#PREFIX], prefix of "
	    "letters, digits, '_', '.', '-')");
}

rf_status
rf__store_redis_open(const char *spec, const rf_store_options *o,
		     const struct rf__store_ops **ops, void **be,
		     rf_error *err)
{
	struct rd *r;
	rf_status st;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return rf_error_set(err, RF_ENOMEM, "store: out of memory");
	r->tv.tv_sec = o->timeout_ms / 1000;
	r->tv.tv_usec = (o->timeout_ms % 1000) * 1000;
	if ((st = parse(r, spec, err)) != RF_OK ||
	    (st = conn(r, err)) != RF_OK) {
		rd_close(r);
		return st;
	}
	*ops = &redis_ops;
	*be = r;
	return RF_OK;
}
