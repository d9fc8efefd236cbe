/*
 * store.c - the campaign store's common front: opening by spec, the
 * canonical fingerprint and the campaign id, candidate verification, the
 * band-key cache, the link-sample encoding.  The backends
 * (store_sqlite.c, store_redis.c) only store (docs/store.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "internal.h"
#include "store_lib.h"

#define MAX_CREATE_TRIES 3
/* a sample entry's last line: SAMPLE_RCPT and the copy's recipient id
 * (rf_store_rcpt_id); with its '\n', SAMPLE_RCPT_LEN bytes */
#define SAMPLE_RCPT '\3'
#define SAMPLE_RCPT_LEN (2 + RF_STORE_RCPT_ID_LEN)

struct rf_store {
	const struct rf__store_ops *ops;
	void *be;
	rf_store_options opt;
	struct rf__cache *cache;	/* NULL when off */
};

/* The best verified candidate so far. */
struct best {
	const rf_fingerprint *fp;
	char id[RF_CAMPAIGN_ID_LEN + 1];
	int64_t key;
	unsigned agree;
	rf_fingerprint rep;		/* its fingerprint */
	char **seen;			/* ids verified, for create */
	size_t nseen, capseen;
	rf_status st;
};

void
rf_store_options_default(rf_store_options *o)
{
	memset(o, 0, sizeof(*o));
	o->max_samples = 16;
	o->max_sample_bytes = 4096;
	o->max_sample_links = 32;
	o->max_subject_bytes = 200;
	o->max_candidates = 64;
	o->max_recipients = 1000;
	o->cache_entries = 4096;
	o->timeout_ms = 2000;
}

static void
put_le(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t
get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* fp_encode: canonical form: version, kind, nwords (LE32), h[] (LE64);
 * an RF_FP_SHORT keeps only h[0] (the rest zero). */
static void
fp_encode(const rf_fingerprint *fp, uint8_t out[RF__FP_BLOB])
{
	unsigned i;

	memset(out, 0, RF__FP_BLOB);
	out[0] = fp->version;
	out[1] = fp->kind;
	put_le(out + 2, fp->nwords, 4);
	for (i = 0; i < (fp->kind == RF_FP_SHORT ? 1 : RF_FP_HASHES); i++)
		put_le(out + 6 + 8 * i, fp->h[i], 8);
}

static int
fp_decode(const void *blob, size_t len, rf_fingerprint *fp)
{
	const uint8_t *b = blob;
	unsigned i;

	if (len != RF__FP_BLOB || b[0] != RF_FP_VERSION ||
	    (b[1] != RF_FP_SHORT && b[1] != RF_FP_MINHASH))
		return -1;
	memset(fp, 0, sizeof(*fp));
	fp->version = b[0];
	fp->kind = b[1];
	fp->nwords = (uint32_t)get_le(b + 2, 4);
	for (i = 0; i < RF_FP_HASHES; i++)
		fp->h[i] = get_le(b + 6 + 8 * i, 8);
	return 0;
}

void
rf_store_fp_id(const rf_fingerprint *fp, char id[RF_CAMPAIGN_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t b[RF__FP_BLOB];
	uint64_t h;
	int i;

	fp_encode(fp, b);
	put_le(b + 2, 0, 4);	/* nwords differs between copies */
	h = XXH3_64bits(b, sizeof(b));
	for (i = 0; i < RF_CAMPAIGN_ID_LEN; i++)
		id[i] = hex[(h >> (60 - 4 * i)) & 15];
	id[RF_CAMPAIGN_ID_LEN] = '\0';
}

void
rf_store_rcpt_id(const char *addr, char id[RF_STORE_RCPT_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	/* the hash the store counts the recipient by (prepare_rcpts) */
	uint64_t h = rf_hll_hash(addr, strnlen(addr, RF_STORE_RCPT_MAX));
	size_t i;

	for (i = 0; i < RF_STORE_RCPT_ID_LEN; i++)
		id[i] = hex[(h >> (60 - 4 * i)) & 15];
	id[RF_STORE_RCPT_ID_LEN] = '\0';
}

_Static_assert(RF_CAMPAIGN_ID_LEN == RF_STORE_RCPT_ID_LEN,
    "rf__store_hex_id reads both kinds of id");

int
rf__store_hex_id(const char *id)
{
	size_t i;

	if (id == NULL)
		return 0;
	for (i = 0; i < RF_CAMPAIGN_ID_LEN; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
		    (id[i] >= 'a' && id[i] <= 'f')))
			return 0;
	return id[RF_CAMPAIGN_ID_LEN] == '\0';
}

void
rf__campaign_subject(rf_campaign *out, const char *s, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && o < RF_STORE_SUBJECT_MAX; i++)
		if (s[i] != '\0')
			out->subject[o++] = s[i];
	out->subject[o] = '\0';
}

rf_status
rf_store_open(const char *spec, const rf_store_options *opt, rf_store **out,
	      rf_error *err)
{
	rf_store *s = NULL;
	rf_status st;

	*out = NULL;
	if (spec == NULL || *spec == '\0')
		return rf_error_set(err, RF_EINVAL, "store: empty spec");
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return rf_error_set(err, RF_ENOMEM, "store: out of memory");
	if (opt != NULL)
		s->opt = *opt;
	else
		rf_store_options_default(&s->opt);
	if (s->opt.max_subject_bytes > RF_STORE_SUBJECT_MAX)
		s->opt.max_subject_bytes = RF_STORE_SUBJECT_MAX;
	if (s->opt.cache_entries > 0 &&
	    (s->cache = rf__cache_new(s->opt.cache_entries)) == NULL) {
		st = rf_error_set(err, RF_ENOMEM, "store: out of memory");
		goto fail;
	}
	if (rf__store_spec_is_redis(spec))
		st = rf__store_redis_open(spec, &s->opt, &s->ops, &s->be, err);
	else
		st = rf__store_sqlite_open(rf_store_spec_file(spec),
		    &s->opt, &s->ops, &s->be, err);
	/* the backend copied them: no pointer into the caller's memory */
	s->opt.redis_auth.user = s->opt.redis_auth.password = NULL;
	if (st != RF_OK)
		goto fail;
	*out = s;
	return RF_OK;
fail:
	rf__cache_free(s->cache);
	free(s);
	return st;
}

rf_status
rf_store_spec_check(const char *spec, rf_error *err)
{
	struct rf__redis_spec at;
	const char *file;

	if (spec == NULL || *spec == '\0')
		return rf_error_set(err, RF_EINVAL, "empty store address");
	if (strlen(spec) >= RF_STORE_SPEC_MAX)
		return rf_error_set(err, RF_EINVAL, "store address too long "
		    "(at most %d bytes)", RF_STORE_SPEC_MAX - 1);
	if (rf__store_spec_is_redis(spec) &&
	    rf__redis_spec_parse(spec, &at) != 0)
		return rf_error_set(err, RF_EINVAL, "bad Redis spec (want "
		    RF__REDIS_SPEC_WANT ")");
	if ((file = rf_store_spec_file(spec)) != NULL && *file == '\0')
		return rf_error_set(err, RF_EINVAL, "no path after sqlite:");
	return RF_OK;
}

void
rf_store_close(rf_store *s)
{
	if (s == NULL)
		return;
	if (s->ops != NULL)
		s->ops->close(s->be);
	rf__cache_free(s->cache);
	free(s);
}

const char *
rf_store_backend(const rf_store *s)
{
	return s->ops->name;
}

int
rf_store_moved(rf_store *s)
{
	return s->ops->moved != NULL && s->ops->moved(s->be);
}

rf_status
rf_store_begin(rf_store *s, rf_error *err)
{
	return s->ops->begin(s->be, err);
}

rf_status
rf_store_commit(rf_store *s, rf_error *err)
{
	rf_status st = s->ops->commit(s->be, err);

	if (st != RF_OK)
		rf__cache_clear(s->cache);
	return st;
}

rf_status
rf_store_rollback(rf_store *s, rf_error *err)
{
	rf__cache_clear(s->cache);
	return s->ops->rollback(s->be, err);
}

static uint64_t
band_key(const rf_fingerprint *fp, unsigned i)
{
	uint64_t k = rf_fp_band(fp, i);

	return XXH3_64bits_withSeed(&k, sizeof(k), i);
}

/* cache_put: remember b's campaign. */
static void
cache_put(rf_store *s, const struct best *b)
{
	uint64_t band[RF_FP_BANDS];
	unsigned i;

	if (s->cache == NULL)
		return;
	for (i = 0; i < RF_FP_BANDS; i++)
		band[i] = band_key(&b->rep, i);
	rf__cache_put(s->cache, b->id, b->key, &b->rep, band);
}

static int
cand_cb(const char *id, int64_t key, const void *blob, size_t len, void *arg)
{
	struct best *b = arg;
	rf_fingerprint fp;
	unsigned agree;
	char **v;

	if (b->nseen == b->capseen) {
		b->capseen = b->capseen ? 2 * b->capseen : 16;
		if ((v = realloc(b->seen, b->capseen * sizeof(*v))) == NULL) {
			b->st = RF_ENOMEM;
			return 1;
		}
		b->seen = v;
	}
	if ((b->seen[b->nseen] = strdup(id)) == NULL) {
		b->st = RF_ENOMEM;
		return 1;
	}
	b->nseen++;
	if (fp_decode(blob, len, &fp) != 0 || !rf_fp_match(b->fp, &fp))
		return 0;
	agree = rf_fp_agree(b->fp, &fp);
	if (agree > b->agree) {
		b->agree = agree;
		snprintf(b->id, sizeof(b->id), "%s", id);
		b->key = key;
		b->rep = fp;
	}
	return 0;
}

static void
best_reset(struct best *b)
{
	size_t i;

	for (i = 0; i < b->nseen; i++)
		free(b->seen[i]);
	b->nseen = 0;
	b->agree = 0;
	b->id[0] = '\0';
	b->st = RF_OK;
}

/* find: the best verified candidate of c into b (b->id "" if none). */
static rf_status
find(rf_store *s, const struct rf__copy *c, struct best *b, unsigned *limits,
     rf_error *err)
{
	rf_status st;
	int cut = 0;

	best_reset(b);
	st = s->ops->candidates(s->be, c->band, s->opt.max_candidates,
	    cand_cb, b, &cut, err);
	if (st == RF_OK && b->st != RF_OK)
		st = rf_error_set(err, b->st, "store: out of memory");
	if (cut)
		*limits |= RF_CAMPAIGN_LIMIT_CANDIDATES;
	return st;
}

/* sample_encode: the links as one entry: joined by '\n', control bytes
 * and '%' written %XX, whole links only, at most max_sample_links of
 * them and max_sample_bytes in all, then, when rcpt (the copy's one
 * recipient, NULL: none or several) is given and max_sample_bytes leaves
 * room for a link beside it, the line SAMPLE_RCPT and rcpt's id (counted
 * in max_sample_bytes).  NULL with *len 0 when no link fits. */
static char *
sample_encode(const rf_store_options *o, const char *const *links,
	      size_t nlinks, const char *rcpt, size_t *len, unsigned *limits)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, j, n = 0, need, cap = o->max_sample_bytes;
	const unsigned char *l;
	char *p, id[RF_STORE_RCPT_ID_LEN + 1];

	*len = 0;
	if (nlinks == 0 || cap == 0 || o->max_samples == 0)
		return NULL;
	if ((p = malloc(cap)) == NULL)
		return NULL;
	if (rcpt != NULL && cap > SAMPLE_RCPT_LEN)
		cap -= SAMPLE_RCPT_LEN;
	else
		rcpt = NULL;
	for (i = 0; i < nlinks && links != NULL; i++) {
		l = (const unsigned char *)links[i];
		if (l == NULL)
			continue;
		for (need = (n > 0), j = 0; l[j] != '\0'; j++)
			need += l[j] < 0x20 || l[j] == 0x7f || l[j] == '%' ?
			    3 : 1;
		if (i >= o->max_sample_links || n + need > cap) {
			*limits |= RF_CAMPAIGN_LIMIT_SAMPLE;
			break;
		}
		if (n > 0)
			p[n++] = '\n';
		for (j = 0; l[j] != '\0'; j++) {
			if (l[j] < 0x20 || l[j] == 0x7f || l[j] == '%') {
				p[n++] = '%';
				p[n++] = hex[l[j] >> 4];
				p[n++] = hex[l[j] & 15];
			} else
				p[n++] = (char)l[j];
		}
	}
	if (n == 0) {
		free(p);
		return NULL;
	}
	if (rcpt != NULL) {
		p[n++] = '\n';
		p[n++] = SAMPLE_RCPT;
		rf_store_rcpt_id(rcpt, id);
		memcpy(p + n, id, RF_STORE_RCPT_ID_LEN);
		n += RF_STORE_RCPT_ID_LEN;
	}
	*len = n;
	return p;
}

/* copy_free: what prepare allocated. */
static void
copy_free(struct rf__copy *c)
{
	free(c->rcpt);
}

/* prepare_rcpts: the recipients lower-cased, cut and hashed, in one
 * allocation owned by c. */
static rf_status
prepare_rcpts(rf_store *s, const char *const *rcpts, size_t nrcpts,
	      struct rf__copy *c, unsigned *limits, rf_error *err)
{
	size_t i, j, n, chars = 0, k = 0;
	unsigned char *block;
	char *p;

	if (nrcpts > s->opt.max_recipients) {
		nrcpts = s->opt.max_recipients;
		*limits |= RF_CAMPAIGN_LIMIT_RECIPIENTS;
	}
	for (i = 0; i < nrcpts; i++)
		if (rcpts[i] != NULL)
			chars += strnlen(rcpts[i], RF_STORE_RCPT_MAX) + 1;
	if (chars == 0)
		return RF_OK;
	block = malloc(nrcpts * (sizeof(char *) + sizeof(size_t) +
	    sizeof(uint64_t)) + chars);
	if (block == NULL)
		return rf_error_set(err, RF_ENOMEM, "store: out of memory");
	c->rcpt = (char **)(void *)block;
	c->rcpt_hash = (uint64_t *)(void *)(block + nrcpts * sizeof(char *));
	c->rcptlen = (size_t *)(void *)(block + nrcpts * (sizeof(char *) +
	    sizeof(uint64_t)));
	p = (char *)block + nrcpts * (sizeof(char *) + sizeof(size_t) +
	    sizeof(uint64_t));
	for (i = 0; i < nrcpts; i++) {
		if (rcpts[i] == NULL || rcpts[i][0] == '\0')
			continue;
		n = strlen(rcpts[i]);
		if (n > RF_STORE_RCPT_MAX) {
			n = RF_STORE_RCPT_MAX;
			*limits |= RF_CAMPAIGN_LIMIT_RECIPIENT;
		}
		for (j = 0; j < n; j++)
			p[j] = rcpts[i][j] >= 'A' && rcpts[i][j] <= 'Z' ?
			    rcpts[i][j] + 32 : rcpts[i][j];
		p[n] = '\0';
		c->rcpt[k] = p;
		c->rcptlen[k] = n;
		c->rcpt_hash[k++] = rf_hll_hash(p, n);
		p += n + 1;
	}
	c->nrcpt = k;
	return RF_OK;
}

/* prepare: c from the caller's arguments (copy_free releases it). */
static rf_status
prepare(rf_store *s, const rf_fingerprint *fp, const char *const *rcpts,
	size_t nrcpts, const char *subject, struct rf__copy *c,
	unsigned *limits, rf_error *err)
{
	size_t n;
	unsigned b;

	if (fp == NULL || fp->version != RF_FP_VERSION ||
	    (fp->kind != RF_FP_SHORT && fp->kind != RF_FP_MINHASH))
		return rf_error_set(err, RF_EINVAL,
		    "store: fingerprint is empty or of another version");
	memset(c, 0, sizeof(*c));
	for (b = 0; b < RF_FP_BANDS; b++)
		c->band[b] = band_key(fp, b);
	if (subject != NULL && *subject != '\0') {
		n = strlen(subject);
		if (n > s->opt.max_subject_bytes) {
			n = s->opt.max_subject_bytes;
			/* do not cut a UTF-8 sequence */
			while (n > 0 && ((unsigned char)subject[n] & 0xc0) ==
			    0x80)
				n--;
			*limits |= RF_CAMPAIGN_LIMIT_SUBJECT;
		}
		c->subject = subject;
		c->subjectlen = n;
	}
	if (rcpts != NULL && nrcpts > 0)
		return prepare_rcpts(s, rcpts, nrcpts, c, limits, err);
	return RF_OK;
}

rf_status
rf_campaign_add(rf_store *s, const rf_fingerprint *fp,
		const char *const *rcpts, size_t nrcpts, const char *subject,
		const char *const *links, size_t nlinks, int64_t now,
		rf_campaign *out, rf_error *err)
{
	struct rf__copy c;
	struct best b;
	unsigned limits = 0, tries;
	char *sample = NULL;
	int created = 0, cached, in_op = 0;
	rf_status st;

	memset(&b, 0, sizeof(b));
	memset(out, 0, sizeof(*out));
	b.fp = fp;
	memset(&c, 0, sizeof(c));
	if ((st = prepare(s, fp, rcpts, nrcpts, subject, &c, &limits, err)) !=
	    RF_OK)
		goto done;
	c.now = now;
	sample = sample_encode(&s->opt, links, nlinks, nrcpts == 1 &&
	    rcpts != NULL && rcpts[0] != NULL && rcpts[0][0] != '\0' ?
	    rcpts[0] : NULL, &c.samplelen, &limits);
	c.sample = sample;
	if ((st = s->ops->begin_op(s->be, 1, err)) != RF_OK)
		goto done;
	in_op = 1;
	cached = rf__cache_find(s->cache, fp, c.band, b.id, &b.key, &b.rep);
	for (tries = 0; !cached && b.id[0] == '\0'; tries++) {
		if ((st = find(s, &c, &b, &limits, err)) != RF_OK)
			goto done;
		if (b.id[0] != '\0')
			break;
		if (tries == 0) {	/* what creating needs */
			fp_encode(fp, c.fp);
			rf_store_fp_id(fp, c.id);
		}
		st = s->ops->create(s->be, &c, 1, b.seen, b.nseen, &b.key,
		    &created, err);
		if (st == RF_EDONE && tries + 1 < MAX_CREATE_TRIES)
			continue;
		if (st == RF_EDONE)	/* give up looking: create anyway */
			st = s->ops->create(s->be, &c, 0, NULL, 0, &b.key,
			    &created, err);
		if (st != RF_OK)
			goto done;
		memcpy(b.id, c.id, sizeof(b.id));
		b.rep = *fp;
	}
	st = s->ops->update(s->be, &c, b.id, b.key, &s->opt, out, err);
	if (st == RF_ENOTFOUND && cached) {
		/* the cached campaign is gone (store emptied): look again */
		rf__cache_clear(s->cache);
		s->ops->end_op(s->be, 0, NULL);
		in_op = 0;
		free(sample);
		copy_free(&c);
		best_reset(&b);
		free(b.seen);
		return rf_campaign_add(s, fp, rcpts, nrcpts, subject, links,
		    nlinks, now, out, err);
	}
	if (st != RF_OK)
		goto done;
	if (!cached)
		cache_put(s, &b);
	out->created = created;
	out->limits_hit |= limits;
done:
	if (in_op) {
		if (s->ops->end_op(s->be, st == RF_OK, st == RF_OK ? err :
		    NULL) != RF_OK && st == RF_OK)
			st = RF_ESTORE;
		if (st != RF_OK)
			rf__cache_clear(s->cache);
	}
	free(sample);
	copy_free(&c);
	best_reset(&b);
	free(b.seen);
	return st;
}

rf_status
rf_campaign_lookup(rf_store *s, const rf_fingerprint *fp, rf_campaign *out,
		   rf_error *err)
{
	struct rf__copy c;
	struct best b;
	unsigned limits = 0;
	int cached;
	rf_status st;

	memset(&b, 0, sizeof(b));
	memset(out, 0, sizeof(*out));
	b.fp = fp;
	if ((st = prepare(s, fp, NULL, 0, NULL, &c, &limits, err)) != RF_OK)
		goto done;
	if ((st = s->ops->begin_op(s->be, 0, err)) != RF_OK)
		goto done;
	cached = rf__cache_find(s->cache, fp, c.band, b.id, &b.key, &b.rep);
	if (!cached && (st = find(s, &c, &b, &limits, err)) != RF_OK)
		goto end;
	if (b.id[0] == '\0') {
		st = rf_error_set(err, RF_ENOTFOUND, "no campaign matches");
		goto end;
	}
	if ((st = s->ops->get(s->be, b.id, out, err)) == RF_OK && !cached)
		cache_put(s, &b);
	out->limits_hit |= limits;
end:
	s->ops->end_op(s->be, 1, NULL);
done:
	best_reset(&b);
	free(b.seen);
	return st;
}

rf_status
rf_campaign_get(rf_store *s, const char *id, rf_campaign *out, rf_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!rf__store_hex_id(id))
		return rf_error_set(err, RF_EINVAL,
		    "campaign id must be 16 lower-case hex digits");
	return s->ops->get(s->be, id, out, err);
}

rf_status
rf_campaign_list(rf_store *s, size_t limit, rf_campaign_list_cb cb,
		 void *arg, rf_error *err)
{
	return s->ops->list(s->be, limit, cb, arg, err);
}

rf_status
rf_campaign_count_below(rf_store *s, uint64_t size, uint64_t *n,
			rf_error *err)
{
	*n = 0;
	if (size == 0)
		return RF_OK;
	return s->ops->count_below(s->be, size, n, err);
}

rf_status
rf_campaign_complaint(rf_store *s, const char *id, uint64_t n, rf_error *err)
{
	if (!rf__store_hex_id(id))
		return rf_error_set(err, RF_EINVAL,
		    "campaign id must be 16 lower-case hex digits");
	if (n > INT64_MAX)
		return rf_error_set(err, RF_EINVAL, "complaints out of range");
	return s->ops->complaint(s->be, id, n, NULL, NULL, err);
}

rf_status
rf_campaign_complaint_once(rf_store *s, const char *id, const char *rcpt_id,
			   int *counted, rf_error *err)
{
	int dummy;

	/* a recipient id has the form of a campaign id: 16 hex digits */
	if (!rf__store_hex_id(id) || rcpt_id == NULL || !rf__store_hex_id(rcpt_id))
		return rf_error_set(err, RF_EINVAL, "campaign and recipient "
		    "ids must be 16 lower-case hex digits");
	return s->ops->complaint(s->be, id, 1, rcpt_id, counted != NULL ?
	    counted : &dummy, err);
}

/* nth_link: link k of a sample entry (links joined by '\n'). */
static const char *
nth_link(const char *e, size_t len, size_t k, size_t *n)
{
	const char *p = e, *end = e + len, *nl;

	while (k-- > 0) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return NULL;
		p = nl + 1;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	*n = (size_t)((nl != NULL ? nl : end) - p);
	return p;
}

/* digits: the decimal number in p[0..n-1] (no digits, or too large:
 * SIZE_MAX). */
static size_t
digits(const char *p, size_t n)
{
	size_t v = 0, i;

	if (n == 0 || n > 9)
		return SIZE_MAX;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return SIZE_MAX;
		v = v * 10 + (size_t)(p[i] - '0');
	}
	return v;
}

size_t
rf__sample_undelta(const char *first, size_t flen, const char *e, size_t len,
		   char *out)
{
	const char *p = e, *end = e + len, *l, *b, *q1, *q2;
	size_t o = 0, k = 0, n, bn, pre, suf;

	for (;; k++) {
		l = p;
		if ((p = memchr(p, '\n', (size_t)(end - p))) == NULL)
			p = end;
		n = (size_t)(p - l);
		if (k > 0)
			out[o++] = '\n';
		q1 = n > 0 && l[0] == '\1' ? memchr(l, '\2', n) : NULL;
		q2 = q1 != NULL ? memchr(q1 + 1, '\2', (size_t)(p - q1 - 1)) :
		    NULL;
		pre = q2 != NULL ? digits(l + 1, (size_t)(q1 - l - 1)) : 0;
		suf = q2 != NULL ? digits(q1 + 1, (size_t)(q2 - q1 - 1)) : 0;
		if (q2 != NULL && pre != SIZE_MAX && suf != SIZE_MAX) {
			if ((b = nth_link(first, flen, k, &bn)) == NULL) {
				b = "";
				bn = 0;
			}
			if (pre > bn)
				pre = bn;
			if (suf > bn - pre)
				suf = bn - pre;
			memcpy(out + o, b, pre);
			o += pre;
			memcpy(out + o, q2 + 1, (size_t)(p - q2 - 1));
			o += (size_t)(p - q2 - 1);
			memcpy(out + o, b + bn - suf, suf);
			o += suf;
		} else {
			memcpy(out + o, l, n);
			o += n;
		}
		if (p == end)
			break;
		p++;
	}
	return o;
}

struct samples_arg {
	const rf_store_options *opt;
	rf_campaign_samples_cb cb;		/* one of the two */
	rf_campaign_samples_for_cb cb_for;
	void *arg;
	size_t copy;
	rf_status st;
};

/* pct_decode: undo sample_encode's %XX in place. */
static void
pct_decode(char *p)
{
	char *o = p;
	int hi, lo;

	for (; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] != '\0' && p[2] != '\0') {
			hi = p[1] <= '9' ? p[1] - '0' : (p[1] | 32) - 'a' + 10;
			lo = p[2] <= '9' ? p[2] - '0' : (p[2] | 32) - 'a' + 10;
			if (hi >= 0 && hi < 16 && lo >= 0 && lo < 16 &&
			    (hi != 0 || lo != 0)) {
				*o++ = (char)(hi << 4 | lo);
				p += 2;
				continue;
			}
		}
		*o++ = *p;
	}
	*o = '\0';
}

static int
sample_cb(const char *entry, size_t len, void *arg)
{
	struct samples_arg *a = arg;
	const char **links = NULL;
	size_t n = 0, i, max = a->opt->max_sample_links;
	char *copy = NULL, *p, *rcpt;
	int stop = 1;

	if (max == 0)
		max = 1;
	if ((copy = malloc(len + 1)) == NULL ||
	    (links = calloc(max, sizeof(*links))) == NULL) {
		a->st = RF_ENOMEM;
		goto done;
	}
	memcpy(copy, entry, len);
	copy[len] = '\0';
	for (i = 0; i < len; i++)
		if (copy[i] == '\0')
			copy[i] = ' ';
	/* the recipient's line, last (an entry stored before it has none) */
	rcpt = NULL;
	if (len >= SAMPLE_RCPT_LEN && copy[len - SAMPLE_RCPT_LEN] == '\n' &&
	    copy[len - SAMPLE_RCPT_LEN + 1] == SAMPLE_RCPT) {
		copy[len - SAMPLE_RCPT_LEN] = '\0';
		rcpt = copy + len - RF_STORE_RCPT_ID_LEN;
	}
	for (p = copy; p != NULL && n < max; n++) {
		links[n] = p;
		if ((p = strchr(p, '\n')) != NULL)
			*p++ = '\0';
	}
	for (i = 0; i < n; i++)
		pct_decode((char *)links[i]);
	stop = a->cb != NULL ? a->cb(a->copy++, links, n, a->arg) :
	    a->cb_for(a->copy++, rcpt, links, n, a->arg);
done:
	free(links);
	free(copy);
	return stop;
}

/* samples: rf_campaign_samples(_for) with a's callback. */
static rf_status
samples(rf_store *s, const char *id, struct samples_arg *a, rf_error *err)
{
	rf_status st;

	if (!rf__store_hex_id(id))
		return rf_error_set(err, RF_EINVAL,
		    "campaign id must be 16 lower-case hex digits");
	st = s->ops->samples(s->be, id, sample_cb, a, err);
	if (st == RF_OK && a->st != RF_OK)
		st = rf_error_set(err, a->st, "store: out of memory");
	return st;
}

rf_status
rf_campaign_samples(rf_store *s, const char *id, rf_campaign_samples_cb cb,
		    void *arg, rf_error *err)
{
	struct samples_arg a = { &s->opt, cb, NULL, arg, 0, RF_OK };

	return samples(s, id, &a, err);
}

rf_status
rf_campaign_samples_for(rf_store *s, const char *id,
			rf_campaign_samples_for_cb cb, void *arg,
			rf_error *err)
{
	struct samples_arg a = { &s->opt, NULL, cb, arg, 0, RF_OK };

	return samples(s, id, &a, err);
}
