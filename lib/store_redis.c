/*
 * store_redis.c - the campaign store in Redis, shared by many mail
 * servers (hiredis).  Key layout 2, with PREFIX "rf" unless the spec names
 * another (docs/store.md, "Redis backend"):
 *   PREFIX:c:ID      string: header (copies, complaints, first, last as
 *                    doubles; samples, sample bytes, subject length as
 *                    u32), fingerprint, subject, link samples (later ones
 *                    as differences to the first)
 *   PREFIX:h:ID      HyperLogLog of the recipients (PFADD, PFCOUNT)
 *   PREFIX:b:BUCKET  hash: band key's low 6 bytes -> ids (8 bytes each)
 *                    of the campaigns with it; BUCKET its top 18 bits
 *   PREFIX:z         sorted set: id scored by size, for listing
 *   PREFIX:cr:ID     set: the recipient ids (rf_store_rcpt_id) whose
 *                    complaint the campaign counted
 * Creating and counting are Lua scripts, atomic on the server; a
 * campaign's id is derived from its fingerprint, so two servers creating
 * the campaign of one message at once create one campaign.  A single
 * Redis server (or primary) is assumed: the keys of one script are not
 * in one cluster slot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis.h>

#include "internal.h"
#include "store_lib.h"

#define KEY_MAX (RF__REDIS_PREFIX_MAX + 40)
#define HDR 44			/* campaign header: 4 doubles, 3 u32 */
#define FP_AT HDR		/* then the fingerprint */
#define SUBJ_AT (HDR + RF__FP_BLOB)	/* then the subject */
#define BUCKET_BITS 18		/* band buckets: 2^18 hashes */
#define FIELD_BYTES 6		/* band key bytes in a bucket's field */
#define ID_BYTES 8		/* a campaign id in binary */
#define BAND_IDS 8		/* ids kept per band key (64 bytes: the
				   bucket stays a listpack) */
#define SAMPLE_MAX 65535	/* a sample entry's length is 2 bytes */

enum { SC_CREATE, SC_ADD, SC_COMPLAIN, SC__COUNT };

#define STR_(x) #x
#define STR(x) STR_(x)
#define LUA_HDR "'<ddddI4I4I4'"
#define LUA_CONST "local HDR, SUBJ_AT, BAND_IDS = " STR(HDR) ", " \
	STR(SUBJ_AT) ", " STR(BAND_IDS) "\n"

static const char *const scripts[SC__COUNT] = {
	/*
	 * create: KEYS c, z, bucket keys; ARGV id (8 bytes), id (hex), fp,
	 * now, check, band fields (one per bucket key), seen ids (8 bytes
	 * each).  1 created, 0 existed, -1 when check is "1" and a band
	 * key holds an id neither seen nor this one (look again).
	 */
	[SC_CREATE] = LUA_CONST
	"if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end\n"
	"local nb = #KEYS - 2\n"
	"if ARGV[5] == '1' then\n"
	"  local seen = {}\n"
	"  for i = 6 + nb, #ARGV do seen[ARGV[i]] = true end\n"
	"  for i = 1, nb do\n"
	"    local v = redis.call('HGET', KEYS[2 + i], ARGV[5 + i])\n"
	"    if v then for j = 1, #v, 8 do\n"
	"      local m = string.sub(v, j, j + 7)\n"
	"      if not seen[m] and m ~= ARGV[1] then return -1 end\n"
	"    end end\n"
	"  end\n"
	"end\n"
	"redis.call('SET', KEYS[1], struct.pack(" LUA_HDR ", 0, 0,"
	" tonumber(ARGV[4]), tonumber(ARGV[4]), 0, 0, 0) .. ARGV[3])\n"
	"for i = 1, nb do\n"
	"  local v = redis.call('HGET', KEYS[2 + i], ARGV[5 + i]) or ''\n"
	"  local have = false\n"
	"  for j = 1, #v, 8 do\n"
	"    if string.sub(v, j, j + 7) == ARGV[1] then have = true end\n"
	"  end\n"
	"  if not have and #v < 8 * BAND_IDS then\n"
	"    redis.call('HSET', KEYS[2 + i], ARGV[5 + i], v .. ARGV[1])\n"
	"  end\n"
	"end\n"
	"redis.call('ZADD', KEYS[2], 'NX', 0, ARGV[2])\n"
	"return 1\n",
	/*
	 * add: KEYS c, h, z; ARGV id (hex), now, subject, sample,
	 * max_samples, max_sample_bytes, recipients...  Returns {copies,
	 * size, first, last, complaints, subject}, or -1 when the campaign
	 * is gone.  A sample after the first is stored as its difference
	 * to the first, link by link: \1 PREFIX \2 SUFFIX \2 MIDDLE.
	 */
	[SC_ADD] = LUA_CONST
	"local h = redis.call('GETRANGE', KEYS[1], 0, HDR - 1)\n"
	"if #h < HDR then return -1 end\n"
	"local copies, compl, first, last, ns, sb, sl ="
	" struct.unpack(" LUA_HDR ", h)\n"
	"local now = tonumber(ARGV[2])\n"
	"copies = copies + 1\n"
	"if now < first then first = now end\n"
	"if now > last then last = now end\n"
	"local subject = ''\n"
	"if sl > 0 then subject = redis.call('GETRANGE', KEYS[1], SUBJ_AT,"
	" SUBJ_AT + sl - 1) end\n"
	"local addsub = sl == 0 and ARGV[3] ~= ''\n"
	"local addsmp = ARGV[4] ~= '' and ns < tonumber(ARGV[5]) and"
	" sb + #ARGV[4] <= tonumber(ARGV[6])\n"
	"if addsub or addsmp then\n"
	"  local v = redis.call('GET', KEYS[1])\n"
	"  local fp = string.sub(v, HDR + 1, SUBJ_AT)\n"
	"  local rest = string.sub(v, SUBJ_AT + sl + 1)\n"
	"  if addsub then subject = ARGV[3]; sl = #subject end\n"
	"  if addsmp then\n"
	"    local e = ARGV[4]\n"
	"    if ns > 0 then\n"
	"      local n1 = struct.unpack('<I2', rest)\n"
	"      local fl, out, k = {}, {}, 0\n"
	"      for l in (string.sub(rest, 3, 2 + n1) .. '\\n'):gmatch("
	"'([^\\n]*)\\n') do fl[#fl + 1] = l end\n"
	"      for l in (e .. '\\n'):gmatch('([^\\n]*)\\n') do\n"
	"        k = k + 1\n"
	"        local b = fl[k]\n"
	"        if b then\n"
	"          local n, p, s = math.min(#l, #b), 0, 0\n"
	"          while p < n and l:byte(p + 1) == b:byte(p + 1) do"
	" p = p + 1 end\n"
	"          while s < n - p and l:byte(#l - s) == b:byte(#b - s) do"
	" s = s + 1 end\n"
	"          if p + s > 12 then\n"
	"            l = '\\1' .. p .. '\\2' .. s .. '\\2' .. l:sub(p + 1,"
	" #l - s)\n"
	"          end\n"
	"        end\n"
	"        out[k] = l\n"
	"      end\n"
	"      e = table.concat(out, '\\n')\n"
	"    end\n"
	"    rest = rest .. struct.pack('<I2', #e) .. e\n"
	"    ns = ns + 1\n"
	"    sb = sb + #ARGV[4]\n"
	"  end\n"
	"  redis.call('SET', KEYS[1], struct.pack(" LUA_HDR ", copies, compl,"
	" first, last, ns, sb, sl) .. fp .. subject .. rest)\n"
	"else\n"
	"  redis.call('SETRANGE', KEYS[1], 0, struct.pack(" LUA_HDR ", copies,"
	" compl, first, last, ns, sb, sl))\n"
	"end\n"
	"local changed = 0\n"
	"for i = 7, #ARGV, 512 do\n"
	"  if redis.call('PFADD', KEYS[2],"
	" unpack(ARGV, i, math.min(i + 511, #ARGV))) == 1 then changed = 1 end\n"
	"end\n"
	"local size = redis.call('PFCOUNT', KEYS[2])\n"
	"if changed == 1 then redis.call('ZADD', KEYS[3], size, ARGV[1]) end\n"
	"return {copies, size, first, last, compl, subject}\n",
	/* complain: KEYS c, cr; ARGV n, recipient id ('': none).  1 done,
	 * 0 no such campaign, 2 the recipient's complaint was counted
	 * before (SADD added nothing). */
	[SC_COMPLAIN] = LUA_CONST
	"local h = redis.call('GETRANGE', KEYS[1], 0, HDR - 1)\n"
	"if #h < HDR then return 0 end\n"
	"if ARGV[2] ~= '' and redis.call('SADD', KEYS[2], ARGV[2]) == 0 then"
	" return 2 end\n"
	"local copies, compl, first, last, ns, sb, sl ="
	" struct.unpack(" LUA_HDR ", h)\n"
	"redis.call('SETRANGE', KEYS[1], 0, struct.pack(" LUA_HDR ", copies,"
	" compl + tonumber(ARGV[1]), first, last, ns, sb, sl))\n"
	"return 1\n",
};

struct rd {
	redisContext *c;
	struct rf__redis_spec at;	/* the server, the keys' prefix */
	unsigned timeout_ms;		/* of connecting and of each command */
	char sha[SC__COUNT][41];
};

static rf_status
reply_error(struct rd *r, redisReply *rep, rf_error *err, const char *what)
{
	return rf__redis_error(err, r->c, rep, "redis: %s", what);
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

	if (rf__redis_usable(r->c))
		return RF_OK;
	if (r->c != NULL)
		redisFree(r->c);
	r->c = rf__redis_connect(&r->at, r->timeout_ms);
	if (r->c == NULL)
		return rf_error_set(err, RF_ESTORE, "redis: out of memory");
	if (r->c->err != 0)
		return rf__redis_error(err, r->c, NULL, "redis: cannot "
		    "connect");
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
	snprintf(buf, KEY_MAX, "%s:%s:%s", r->at.prefix, kind, id);
}

/* bucket_name, band_field: where band key band is indexed: the bucket
 * hash of its top BUCKET_BITS bits, the field of its low 6 bytes. */
static void
bucket_name(const struct rd *r, char *buf, uint64_t band)
{
	snprintf(buf, KEY_MAX, "%s:b:%05llx", r->at.prefix,
	    (unsigned long long)(band >> (64 - BUCKET_BITS)));
}

static void
band_field(uint64_t band, char f[FIELD_BYTES])
{
	int i;

	for (i = 0; i < FIELD_BYTES; i++)
		f[i] = (char)(band >> (8 * (FIELD_BYTES - 1 - i)));
}

/* id_bin, id_hex: a campaign id between 16 hex digits and 8 bytes. */
static void
id_bin(const char *hex, char b[ID_BYTES])
{
	int i, hi, lo;

	for (i = 0; i < ID_BYTES; i++) {
		hi = hex[2 * i] <= '9' ? hex[2 * i] - '0' : hex[2 * i] - 'a' + 10;
		lo = hex[2 * i + 1] <= '9' ? hex[2 * i + 1] - '0' :
		    hex[2 * i + 1] - 'a' + 10;
		b[i] = (char)(hi << 4 | lo);
	}
}

static void
id_hex(const char *b, char hex[RF_CAMPAIGN_ID_LEN + 1])
{
	static const char x[] = "0123456789abcdef";
	int i;

	for (i = 0; i < ID_BYTES; i++) {
		hex[2 * i] = x[(unsigned char)b[i] >> 4];
		hex[2 * i + 1] = x[(unsigned char)b[i] & 15];
	}
	hex[RF_CAMPAIGN_ID_LEN] = '\0';
}

static uint64_t
get_le(const char *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | (unsigned char)p[n];
	return v;
}

/* get_double: a little-endian IEEE double of the header. */
static double
get_double(const char *p)
{
	uint64_t v = get_le(p, 8);
	double d;

	memcpy(&d, &v, sizeof(d));
	return d;
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
	char keys[RF_FP_BANDS][KEY_MAX], fields[RF_FP_BANDS][FIELD_BYTES];
	char (*ids)[RF_CAMPAIGN_ID_LEN + 1] = NULL;
	char (*ckeys)[KEY_MAX] = NULL, from[16], to[16];
	const char *argv[3 * RF_FP_BANDS];
	size_t argl[3 * RF_FP_BANDS], n = 0, i, j, e;
	int argc[RF_FP_BANDS];
	redisReply *rep[RF_FP_BANDS], **frep = NULL, *m;
	const char **fargv = NULL;
	size_t *fargl = NULL;
	int *fargc = NULL;
	char hex[RF_CAMPAIGN_ID_LEN + 1];
	rf_status st;

	for (i = 0; i < RF_FP_BANDS; i++) {
		bucket_name(r, keys[i], band[i]);
		band_field(band[i], fields[i]);
		argc[i] = 3;
		argv[3 * i] = "HGET";
		argl[3 * i] = 4;
		argv[3 * i + 1] = keys[i];
		argl[3 * i + 1] = strlen(keys[i]);
		argv[3 * i + 2] = fields[i];
		argl[3 * i + 2] = FIELD_BYTES;
	}
	if ((st = pipeline(r, RF_FP_BANDS, argc, argv, argl, rep, err)) !=
	    RF_OK)
		return st;
	if ((ids = calloc((size_t)max + 1, sizeof(*ids))) == NULL) {
		st = rf_error_set(err, RF_ENOMEM, "redis: out of memory");
		goto done;
	}
	for (i = 0; i < RF_FP_BANDS && !*cut; i++) {
		m = rep[i];
		if (m->type == REDIS_REPLY_NIL)
			continue;
		if (m->type != REDIS_REPLY_STRING) {
			st = reply_error(r, m, err, "band keys");
			goto done;
		}
		for (e = 0; e + ID_BYTES <= m->len; e += ID_BYTES) {
			id_hex(m->str + e, hex);
			for (j = 0; j < n && strcmp(ids[j], hex) != 0; j++)
				;
			if (j < n)
				continue;
			if (n == max) {
				*cut = 1;
				break;
			}
			memcpy(ids[n++], hex, sizeof(hex));
		}
	}
	if (n == 0)
		goto done;
	frep = calloc(n, sizeof(*frep));
	fargv = calloc(4 * n, sizeof(*fargv));
	fargl = calloc(4 * n, sizeof(*fargl));
	fargc = calloc(n, sizeof(*fargc));
	ckeys = calloc(n, sizeof(*ckeys));
	if (frep == NULL || fargv == NULL || fargl == NULL || fargc == NULL ||
	    ckeys == NULL) {
		st = rf_error_set(err, RF_ENOMEM, "redis: out of memory");
		goto done;
	}
	snprintf(from, sizeof(from), "%d", FP_AT);
	snprintf(to, sizeof(to), "%d", FP_AT + RF__FP_BLOB - 1);
	for (i = 0; i < n; i++) {
		key(r, ckeys[i], "c", ids[i]);
		fargc[i] = 4;
		fargv[4 * i] = "GETRANGE";
		fargv[4 * i + 1] = ckeys[i];
		fargv[4 * i + 2] = from;
		fargv[4 * i + 3] = to;
		for (j = 0; j < 4; j++)
			fargl[4 * i + j] = strlen(fargv[4 * i + j]);
	}
	if ((st = pipeline(r, n, fargc, fargv, fargl, frep, err)) != RF_OK) {
		memset(frep, 0, n * sizeof(*frep));
		goto done;
	}
	for (i = 0; i < n; i++)
		if (frep[i]->type == REDIS_REPLY_STRING &&
		    frep[i]->len == RF__FP_BLOB &&
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
	char keys[2 + RF_FP_BANDS][KEY_MAX], now[24], bin[ID_BYTES];
	char fields[RF_FP_BANDS][FIELD_BYTES], (*sbin)[ID_BYTES] = NULL;
	const char **argv;
	size_t *argl, i, at, n = 3 + 2 + RF_FP_BANDS + 5 + RF_FP_BANDS + nseen;
	redisReply *rep = NULL;
	rf_status st;

	argv = calloc(n, sizeof(*argv));
	argl = calloc(n, sizeof(*argl));
	sbin = calloc(nseen + 1, sizeof(*sbin));
	if (argv == NULL || argl == NULL || sbin == NULL) {
		st = rf_error_set(err, RF_ENOMEM, "redis: out of memory");
		goto done;
	}
	key(r, keys[0], "c", c->id);
	snprintf(keys[1], KEY_MAX, "%s:z", r->at.prefix);
	for (i = 0; i < RF_FP_BANDS; i++) {
		bucket_name(r, keys[2 + i], c->band[i]);
		band_field(c->band[i], fields[i]);
	}
	for (i = 0; i < 2 + RF_FP_BANDS; i++) {
		argv[3 + i] = keys[i];
		argl[3 + i] = strlen(keys[i]);
	}
	snprintf(now, sizeof(now), "%lld", (long long)c->now);
	id_bin(c->id, bin);
	at = 3 + 2 + RF_FP_BANDS;
	argv[at] = bin;
	argl[at++] = ID_BYTES;
	argv[at] = c->id;
	argl[at++] = RF_CAMPAIGN_ID_LEN;
	argv[at] = (const char *)c->fp;
	argl[at++] = sizeof(c->fp);
	argv[at] = now;
	argl[at++] = strlen(now);
	argv[at] = check ? "1" : "0";
	argl[at++] = 1;
	for (i = 0; i < RF_FP_BANDS; i++) {
		argv[at] = fields[i];
		argl[at++] = FIELD_BYTES;
	}
	for (i = 0; i < nseen; i++) {
		id_bin(seen[i], sbin[i]);
		argv[at] = sbin[i];
		argl[at++] = ID_BYTES;
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
	free(sbin);
	return st;
}

static rf_status
rd_update(void *be, const struct rf__copy *c, const char *id, int64_t k,
	  const rf_store_options *o, rf_campaign *out, rf_error *err)
{
	struct rd *r = be;
	char keys[3][KEY_MAX], now[24], ms[24], mb[24];
	size_t n = 3 + 3 + 6 + c->nrcpt, i;
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
	snprintf(keys[2], KEY_MAX, "%s:z", r->at.prefix);
	for (i = 0; i < 3; i++) {
		argv[3 + i] = keys[i];
		argl[3 + i] = strlen(keys[i]);
	}
	snprintf(now, sizeof(now), "%lld", (long long)c->now);
	snprintf(ms, sizeof(ms), "%u", o->max_samples);
	snprintf(mb, sizeof(mb), "%zu", o->max_sample_bytes > SAMPLE_MAX ?
	    (size_t)SAMPLE_MAX : o->max_sample_bytes);
	argv[6] = id;
	argl[6] = RF_CAMPAIGN_ID_LEN;
	argv[7] = now;
	argl[7] = strlen(now);
	argv[8] = c->subject != NULL ? c->subject : "";
	argl[8] = c->subject != NULL ? c->subjectlen : 0;
	argv[9] = c->sample != NULL ? c->sample : "";
	argl[9] = c->samplelen;
	argv[10] = ms;
	argl[10] = strlen(ms);
	argv[11] = mb;
	argl[11] = strlen(mb);
	for (i = 0; i < c->nrcpt; i++) {
		argv[12 + i] = c->rcpt[i];
		argl[12 + i] = c->rcptlen[i];
	}
	if ((st = script(r, SC_ADD, (int)n, argv, argl, 3, &rep, err)) !=
	    RF_OK)
		goto done;
	if (rep->type == REDIS_REPLY_INTEGER && rep->integer == -1) {
		st = rf_error_set(err, RF_ENOTFOUND, "campaign %s is gone", id);
	} else if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 6) {
		st = reply_error(r, rep, err, "counting a copy");
	} else {
		e = rep->element;
		snprintf(out->id, sizeof(out->id), "%s", id);
		out->copies = (uint64_t)rf__redis_int(e[0]);
		out->size = (uint64_t)rf__redis_int(e[1]);
		out->first_seen = rf__redis_int(e[2]);
		out->last_seen = rf__redis_int(e[3]);
		out->complaints = (uint64_t)rf__redis_int(e[4]);
		if (e[5]->type == REDIS_REPLY_STRING)
			rf__campaign_subject(out, e[5]->str, e[5]->len);
	}
done:
	freeReplyObject(rep);
	free(argv);
	free(argl);
	return st;
}

/* fill: out from the replies of GETRANGE (header, fingerprint, subject)
 * and PFCOUNT; RF_ENOTFOUND when the campaign is missing. */
static rf_status
fill(struct rd *r, const char *id, redisReply *h, redisReply *pf,
     rf_campaign *out, rf_error *err)
{
	size_t sl;

	if (h->type != REDIS_REPLY_STRING || pf->type != REDIS_REPLY_INTEGER)
		return reply_error(r, h->type == REDIS_REPLY_ERROR ? h : pf,
		    err, "reading a campaign");
	if (h->len < SUBJ_AT)
		return rf_error_set(err, RF_ENOTFOUND, "no campaign %s", id);
	snprintf(out->id, sizeof(out->id), "%s", id);
	out->copies = (uint64_t)get_double(h->str);
	out->complaints = (uint64_t)get_double(h->str + 8);
	out->first_seen = (int64_t)get_double(h->str + 16);
	out->last_seen = (int64_t)get_double(h->str + 24);
	sl = (size_t)get_le(h->str + 40, 4);
	if (sl > h->len - SUBJ_AT)
		sl = h->len - SUBJ_AT;
	rf__campaign_subject(out, h->str + SUBJ_AT, sl);
	out->size = (uint64_t)pf->integer;
	return RF_OK;
}

/* get_many: campaigns ids[0..n-1] in two pipelined commands each. */
static rf_status
get_many(struct rd *r, char (*ids)[RF_CAMPAIGN_ID_LEN + 1], size_t n,
	 rf_campaign *out, rf_error *err)
{
	char (*keys)[KEY_MAX] = calloc(2 * n, KEY_MAX);
	const char **argv = calloc(6 * n, sizeof(*argv));
	size_t *argl = calloc(6 * n, sizeof(*argl)), i, a = 0;
	int *argc = calloc(2 * n, sizeof(*argc));
	redisReply **rep = calloc(2 * n, sizeof(*rep));
	char to[16];
	rf_status st = RF_OK;

	if (keys == NULL || argv == NULL || argl == NULL || argc == NULL ||
	    rep == NULL) {
		st = rf_error_set(err, RF_ENOMEM, "redis: out of memory");
		goto done;
	}
	snprintf(to, sizeof(to), "%d", SUBJ_AT + RF_STORE_SUBJECT_MAX - 1);
	for (i = 0; i < n; i++) {
		key(r, keys[2 * i], "c", ids[i]);
		key(r, keys[2 * i + 1], "h", ids[i]);
		argc[2 * i] = 4;
		argv[a++] = "GETRANGE";
		argv[a++] = keys[2 * i];
		argv[a++] = "0";
		argv[a++] = to;
		argc[2 * i + 1] = 2;
		argv[a++] = "PFCOUNT";
		argv[a++] = keys[2 * i + 1];
	}
	for (i = 0; i < a; i++)
		argl[i] = strlen(argv[i]);
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

	snprintf(z, sizeof(z), "%s:z", r->at.prefix);
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
rd_count_below(void *be, uint64_t size, uint64_t *n, rf_error *err)
{
	struct rd *r = be;
	char z[KEY_MAX], to[24];
	const char *argv[4] = { "ZCOUNT", z, "-inf", to };
	size_t argl[4], i;
	int argc = 4;
	redisReply *rep = NULL;
	rf_status st;

	snprintf(z, sizeof(z), "%s:z", r->at.prefix);
	snprintf(to, sizeof(to), "(%llu", (unsigned long long)size);
	for (i = 0; i < 4; i++)
		argl[i] = strlen(argv[i]);
	if ((st = pipeline(r, 1, &argc, argv, argl, &rep, err)) != RF_OK)
		return st;
	if (rep->type == REDIS_REPLY_INTEGER && rep->integer >= 0)
		*n = (uint64_t)rep->integer;
	else
		st = reply_error(r, rep, err, "counting campaigns");
	freeReplyObject(rep);
	return st;
}

static rf_status
rd_complaint(void *be, const char *id, uint64_t n, const char *rcpt_id,
	     int *counted, rf_error *err)
{
	struct rd *r = be;
	char k[KEY_MAX], kr[KEY_MAX], num[24];
	const char *argv[7];
	size_t argl[7], i;
	redisReply *rep = NULL;
	rf_status st;
	int dummy;

	if (counted == NULL)
		counted = &dummy;
	*counted = 0;
	key(r, k, "c", id);
	key(r, kr, "cr", id);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)n);
	argv[3] = k;
	argv[4] = kr;
	argv[5] = num;
	argv[6] = rcpt_id != NULL ? rcpt_id : "";
	for (i = 3; i < 7; i++)
		argl[i] = strlen(argv[i]);
	/* one round trip: EVALSHA, atomic on the server */
	if ((st = script(r, SC_COMPLAIN, 7, argv, argl, 2, &rep, err)) !=
	    RF_OK)
		return st;
	if (rep->type != REDIS_REPLY_INTEGER)
		st = reply_error(r, rep, err, "adding complaints");
	else if (rep->integer == 0)
		st = rf_error_set(err, RF_ENOTFOUND, "no campaign %s", id);
	else
		*counted = rep->integer == 1;
	freeReplyObject(rep);
	return st;
}

static rf_status
rd_samples(void *be, const char *id, rf__sample_cb cb, void *arg,
	   rf_error *err)
{
	struct rd *r = be;
	char kc[KEY_MAX], *buf = NULL;
	const char *argv[2] = { "GET", kc }, *v, *first = NULL;
	size_t argl[2], len, sl, ns, i, at, n, flen = 0, links, o;
	int argc = 2;
	redisReply *rep = NULL;
	rf_status st;

	key(r, kc, "c", id);
	argl[0] = 3;
	argl[1] = strlen(kc);
	if ((st = pipeline(r, 1, &argc, argv, argl, &rep, err)) != RF_OK)
		return st;
	if (rep->type == REDIS_REPLY_NIL || (rep->type == REDIS_REPLY_STRING &&
	    rep->len < SUBJ_AT)) {
		st = rf_error_set(err, RF_ENOTFOUND, "no campaign %s", id);
		goto done;
	}
	if (rep->type != REDIS_REPLY_STRING) {
		st = reply_error(r, rep, err, "reading samples");
		goto done;
	}
	v = rep->str;
	len = rep->len;
	ns = (size_t)get_le(v + 32, 4);
	sl = (size_t)get_le(v + 40, 4);
	for (at = SUBJ_AT + sl, i = 0; i < ns && at + 2 <= len; i++) {
		n = (size_t)get_le(v + at, 2);
		at += 2;
		if (n > len - at)
			break;
		if (i == 0) {
			first = v + at;
			flen = n;
			if (cb(first, flen, arg))
				break;
			at += n;
			continue;
		}
		for (links = 1, o = 0; o < n; o++)
			links += v[at + o] == '\n';
		free(buf);
		if ((buf = malloc(n + links * flen + 1)) == NULL) {
			st = rf_error_set(err, RF_ENOMEM, "out of memory");
			goto done;
		}
		o = rf__sample_undelta(first, flen, v + at, n, buf);
		at += n;
		if (cb(buf, o, arg))
			break;
	}
done:
	free(buf);
	freeReplyObject(rep);
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
	rf__redis_spec_wipe(&r->at);
	free(r);
}

static const struct rf__store_ops redis_ops = {
	"redis", rd_begin_op, rd_end_op, rd_candidates, rd_create, rd_update,
	rd_get, rd_list, rd_count_below, rd_complaint, rd_samples, rd_noop_op, rd_noop_op,
	rd_noop_op, rd_close, NULL,
};

/* parse: the spec (rf__redis_spec_parse) into r->at. */
static rf_status
parse(struct rd *r, const char *spec, rf_error *err)
{
	if (rf__redis_spec_parse(spec, &r->at) != 0)
		return rf_error_set(err, RF_EINVAL, "store: bad Redis spec "
		    "(want " RF__REDIS_SPEC_WANT ")");
	return RF_OK;
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
	r->timeout_ms = o->timeout_ms;
	if ((st = parse(r, spec, err)) != RF_OK ||
	    (st = rf__redis_spec_auth(&r->at, &o->redis_auth, "store", err)) !=
	    RF_OK || (st = conn(r, err)) != RF_OK) {
		rd_close(r);
		return st;
	}
	*ops = &redis_ops;
	*be = r;
	return RF_OK;
}
