/*
 * rcpt_codes.c - the recipient's address in every form a sender may put
 * in a link, computed once per message, and the search of one URL for
 * all of them (docs/tracking.md, "What counts as a code").
 *
 * Each form is a needle searched with rf__memmem (SSE2: candidates whose
 * first and last bytes match, 16 at a time) in
 * the URL as written and after each of up to RCPT_DECODE_LEVELS rounds of
 * percent-decoding; case-insensitive needles are searched in a lower-cased
 * copy.  Matches found in decoded text are mapped back to the byte range
 * of the URL they came from.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "internal.h"
#include "bytescan.h"		/* rf__bytes_in; SSE2's <emmintrin.h> */

#define RCPT_MAX_ADDR 320
#define RCPT_B64_ALIGNS 3	/* base64 of the address: its 3 alignments */
#define RCPT_B64_FORMS 2	/* standard and URL-safe alphabets */
#define RCPT_B32_ALIGNS 5	/* base32 of the address: its 5 alignments */
/* every needle one recipient can have: plain, local part, base64, hex,
 * each digest in hex and base64, base32, VERP */
#define RCPT_MAX_NEEDLES (1 + 1 + RCPT_B64_ALIGNS * RCPT_B64_FORMS + 1 + \
	RF__NDIGESTS * (1 + RCPT_B64_FORMS) + RCPT_B32_ALIGNS + 1)
#define RCPT_DECODE_LEVELS 3
#define RCPT_MAX_HITS 16	/* matches of one needle in one text */
#define RCPT_MIN_B32 16		/* characters of a base32 needle, at least */

enum needle_class {
	N_EXACT,		/* token is the match */
	N_B64,			/* token is the base64 run around it */
	N_HEX,			/* token is the hex run around it */
	N_WORD,			/* match must stand between non-alnum */
	N_B32,			/* token is the base32 run around it */
	N_VERP			/* as N_WORD, and not just after ? & ; #
				 * (a parameter named like the local part
				 * whose value is the domain) */
};

struct needle {
	char *s;
	size_t len;
	int ci;			/* case-insensitive (s is lower case) */
	enum needle_class cls;
	const char *reason;
};

struct rf_recipient {
	char *addr;
	size_t len;
	struct needle n[RCPT_MAX_NEEDLES];
	size_t nn;
};

static int
add_needle(rf_arena *a, rf_recipient *r, const char *s, size_t len, int ci,
	   enum needle_class cls, const char *reason)
{
	struct needle *n;
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < r->nn; i++)	/* the same needle twice */
		if (r->n[i].len == len && memcmp(r->n[i].s, s, len) == 0)
			return 0;
	if (r->nn == RCPT_MAX_NEEDLES)	/* cannot be: it counts every form */
		return 0;
	n = &r->n[r->nn];
	if ((n->s = rf_arena_strndup(a, s, len)) == NULL)
		return -1;
	if (ci)
		for (i = 0; i < len; i++)
			n->s[i] = (char)tolower((unsigned char)n->s[i]);
	n->len = len;
	n->ci = ci;
	n->cls = cls;
	n->reason = reason;
	r->nn++;
	return 0;
}

/* add_b64: the standard and URL-safe base64 of p (n bytes), without
 * padding. */
static int
add_b64(rf_arena *a, rf_recipient *r, const unsigned char *p, size_t n,
	const char *reason)
{
	char out[RCPT_MAX_ADDR * 2];
	size_t len, i;

	if (n == 0 || n > RCPT_MAX_ADDR)
		return 0;
	len = (size_t)EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	while (len > 0 && out[len - 1] == '=')
		len--;
	if (add_needle(a, r, out, len, 0, N_B64, reason) != 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (out[i] == '+')
			out[i] = '-';
		else if (out[i] == '/')
			out[i] = '_';
	}
	return add_needle(a, r, out, len, 0, N_B64, reason);
}

static int
add_hex(rf_arena *a, rf_recipient *r, const unsigned char *p, size_t n,
	const char *reason)
{
	static const char hex[] = "0123456789abcdef";
	char out[RCPT_MAX_ADDR * 2];
	size_t i;

	if (n > RCPT_MAX_ADDR)
		return 0;
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	return add_needle(a, r, out, 2 * n, 1, N_HEX, reason);
}

/* add_b32: of the base32 (RFC 4648) of a text in which p (n bytes)
 * starts j bytes (0 to 4) into a 5-byte group, the characters whose 5
 * bits all come from p, either case; none when fewer than RCPT_MIN_B32.
 * Whatever surrounds p, at most 4 bits of it at each end are left out. */
static int
add_b32(rf_arena *a, rf_recipient *r, const unsigned char *p, size_t n,
	size_t j, const char *reason)
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	char out[RCPT_MAX_ADDR * 2];
	size_t c, first, last, at, o = 0;
	unsigned w;

	if (n > RCPT_MAX_ADDR)
		return 0;
	first = (8 * j + 4) / 5;	/* the first character after p's start */
	last = 8 * (j + n) / 5;		/* the last before p's end, + 1 */
	for (c = first; c < last; c++) {
		at = 5 * c / 8 - j;	/* the byte of its first bit */
		w = (unsigned)p[at] << 8 | (at + 1 < n ? p[at + 1] : 0);
		out[o++] = b32[w >> (11 - 5 * c % 8) & 31];
	}
	if (o < RCPT_MIN_B32)
		return 0;
	return add_needle(a, r, out, o, 1, N_B32, reason);
}

rf_status
rf_recipient_new(rf_arena *a, const char *addr, rf_recipient **out,
		 rf_error *err)
{
	return rf__recipient_new(NULL, a, addr, out, err);
}

/*
 * The recipient cache of a context: the needles of the last few
 * addresses (a mailbox's mail is mostly to one), each kept as one heap
 * block (the rf_recipient, then its strings) and copied into the
 * message's arena on a hit.  Four digests, base64 and hex forms cost
 * far more than the copy.
 */
#define RCPT_SLOTS 64

struct rf__rcpt_cache {
	pthread_mutex_t lock;	/* first: rf__locked_new */
	rf_recipient *slot[RCPT_SLOTS];	/* heap blocks, or NULL */
	unsigned next;			/* slot replaced next */
};

struct rf__rcpt_cache *
rf__rcpt_cache_new(void)
{
	return rf__locked_new(sizeof(struct rf__rcpt_cache));
}

void
rf__rcpt_cache_free(struct rf__rcpt_cache *c)
{
	unsigned i;

	if (c == NULL)
		return;
	for (i = 0; i < RCPT_SLOTS; i++)
		free(c->slot[i]);
	rf__locked_free(c);
}

/* rcpt_size: bytes of r and its strings in one block. */
static size_t
rcpt_size(const rf_recipient *r)
{
	size_t n = sizeof(*r) + r->len + 1, i;

	for (i = 0; i < r->nn; i++)
		n += r->n[i].len + 1;
	return n;
}

/* rcpt_copy: r with its strings into dst (rcpt_size(r) bytes). */
static rf_recipient *
rcpt_copy(void *dst, const rf_recipient *r)
{
	rf_recipient *c = dst;
	char *p = (char *)(c + 1);
	size_t i;

	*c = *r;
	memcpy(p, r->addr, r->len + 1);
	c->addr = p;
	p += r->len + 1;
	for (i = 0; i < r->nn; i++) {
		memcpy(p, r->n[i].s, r->n[i].len);
		p[r->n[i].len] = '\0';
		c->n[i].s = p;
		p += r->n[i].len + 1;
	}
	return c;
}

/* rcpt_cached: a copy in a of the cached needles of addr (lower case,
 * len bytes), NULL when not cached (or out of memory: computed again). */
static rf_recipient *
rcpt_cached(const rf_ctx *ctx, rf_arena *a, const char *addr, size_t len)
{
	struct rf__rcpt_cache *c = ctx != NULL ? ctx->rcptc : NULL;
	rf_recipient *r = NULL;
	void *mem;
	unsigned i;

	if (c == NULL)
		return NULL;
	pthread_mutex_lock(&c->lock);
	for (i = 0; i < RCPT_SLOTS; i++)
		if (c->slot[i] != NULL && c->slot[i]->len == len &&
		    memcmp(c->slot[i]->addr, addr, len) == 0)
			break;
	if (i < RCPT_SLOTS &&
	    (mem = rf_arena_alloc(a, rcpt_size(c->slot[i]))) != NULL)
		r = rcpt_copy(mem, c->slot[i]);
	pthread_mutex_unlock(&c->lock);
	return r;
}

/* rcpt_remember: keep a heap copy of r in the context's cache. */
static void
rcpt_remember(const rf_ctx *ctx, const rf_recipient *r)
{
	struct rf__rcpt_cache *c = ctx != NULL ? ctx->rcptc : NULL;
	void *mem;

	if (c == NULL || (mem = malloc(rcpt_size(r))) == NULL)
		return;
	rcpt_copy(mem, r);
	pthread_mutex_lock(&c->lock);
	free(c->slot[c->next]);
	c->slot[c->next] = mem;
	c->next = (c->next + 1) % RCPT_SLOTS;
	pthread_mutex_unlock(&c->lock);
}

rf_status
rf__recipient_new(const rf_ctx *ctx, rf_arena *a, const char *addr,
		  rf_recipient **out, rf_error *err)
{
	/* in the order of rf_ctx.md */
	static const struct {
		const EVP_MD *(*type)(void);
		const char *reason;
	} digests[RF__NDIGESTS] = {
		{ EVP_md5, "recipient-md5" },
		{ EVP_sha1, "recipient-sha1" },
		{ EVP_sha256, "recipient-sha256" },
		{ EVP_sha512, "recipient-sha512" },
	};
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	char verp[RCPT_MAX_ADDR];
	rf_recipient *r;
	const EVP_MD *type;
	const char *at;
	size_t start, end, i, k;

	*out = NULL;
	if (addr == NULL)
		return rf_error_set(err, RF_EINVAL, "no recipient address");
	for (start = 0; isspace((unsigned char)addr[start]); start++)
		;
	for (end = strlen(addr); end > start &&
	    isspace((unsigned char)addr[end - 1]); end--)
		;
	at = memchr(addr + start, '@', end - start);
	if (at == NULL || at == addr + start || end - start > RCPT_MAX_ADDR)
		return rf_error_set(err, RF_EINVAL,
		    "not an e-mail address (addr-spec expected)");
	if ((r = rf_arena_alloc(a, sizeof(*r))) == NULL ||
	    (r->addr = rf_arena_strndup(a, addr + start, end - start)) == NULL)
		goto nomem;
	r->len = end - start;
	for (i = 0; i < r->len; i++)
		r->addr[i] = (char)tolower((unsigned char)r->addr[i]);
	if ((*out = rcpt_cached(ctx, a, r->addr, r->len)) != NULL)
		return RF_OK;
	if (add_needle(a, r, r->addr, r->len, 1, N_EXACT,
	    "recipient-plain") != 0)
		goto nomem;
	if ((size_t)(at - (addr + start)) >= RF_TRACKING_MIN_LOCAL &&
	    add_needle(a, r, r->addr, (size_t)(at - (addr + start)), 1, N_WORD,
	    "recipient-local-part") != 0)
		goto nomem;
	/* base64 at the three alignments a blob may put the address at:
	 * from the first whole 3-byte group inside it */
	for (k = 0; k < RCPT_B64_ALIGNS; k++) {
		size_t n = r->len > k ? (r->len - k) / 3 * 3 : 0;

		if (n >= 6 && add_b64(a, r, (unsigned char *)r->addr + k, n,
		    "recipient-base64") != 0)
			goto nomem;
	}
	if (add_hex(a, r, (unsigned char *)r->addr, r->len,
	    "recipient-hex") != 0)
		goto nomem;
	for (i = 0; i < sizeof(digests) / sizeof(digests[0]); i++) {
		type = ctx != NULL ? ctx->md[i] : digests[i].type();
		if (type == NULL || EVP_Digest(r->addr, r->len, md, &mdlen,
		    type, NULL) != 1)
			continue;	/* not offered by this libcrypto */
		if (add_hex(a, r, md, mdlen, digests[i].reason) != 0 ||
		    add_b64(a, r, md, mdlen, digests[i].reason) != 0)
			goto nomem;
	}
	/* base32 at the five alignments a blob may put the address at */
	for (k = 0; k < RCPT_B32_ALIGNS; k++)
		if (add_b32(a, r, (unsigned char *)r->addr, r->len, k,
		    "recipient-base32") != 0)
			goto nomem;
	/* VERP: local=domain (list-bounces+local=domain@host) */
	memcpy(verp, r->addr, r->len);
	verp[at - (addr + start)] = '=';
	if (add_needle(a, r, verp, r->len, 1, N_VERP, "recipient-verp") != 0)
		goto nomem;
	rcpt_remember(ctx, r);
	*out = r;
	return RF_OK;
nomem:
	return rf_error_set(err, RF_ENOMEM, "out of memory");
}

int
rf__tok_add(rf_arena *a, struct rf__toks *t, size_t off, size_t len,
	    const char *reason)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].off == off && t->v[i].len == len &&
		    strcmp(t->v[i].reason, reason) == 0)
			return 0;
	if (t->max != 0 && t->n >= t->max) {
		t->limit_hit = 1;
		return 0;
	}
	if (rf_arena_grow(a, (void **)&t->v, &t->cap, t->n,
	    sizeof(rf_token)) != 0)
		return -1;
	t->v[t->n].off = off;
	t->v[t->n].len = len;
	t->v[t->n].reason = reason;
	t->n++;
	return 0;
}

/* b64_at: the base64 character (or %2B, %2F, %3D escape) at s[i]: its
 * width in bytes and value class ('=' padding, else 'a'), or 0. */
static size_t
b64_at(const char *s, size_t i, size_t len, int slash_ok, int *pad)
{
	unsigned char c = (unsigned char)s[i];

	*pad = 0;
	if (isalnum(c) || c == '+' || c == '-' || c == '_' ||
	    (c == '/' && slash_ok))
		return 1;
	if (c == '=') {
		*pad = 1;
		return 1;
	}
	if (c != '%' || i + 2 >= len)
		return 0;
	if (s[i + 1] == '2' && (s[i + 2] == 'B' || s[i + 2] == 'b' ||
	    ((s[i + 2] == 'F' || s[i + 2] == 'f') && slash_ok)))
		return 3;
	if (s[i + 1] == '3' && (s[i + 2] == 'D' || s[i + 2] == 'd')) {
		*pad = 1;
		return 3;
	}
	return 0;
}

#define B32_BYTE(c) (isalpha(c) || ((c) >= '2' && (c) <= '7'))

/* extend [*off, *end) of s over the run of base64, base32 or hex around
 * it: to
 * the left over data characters, to the right over data and then at most
 * two padding characters.  A literal '/' counts only outside the path. */
static void
extend_run(const char *s, size_t len, enum needle_class cls, int slash_ok,
	   size_t *off, size_t *end)
{
	size_t w;
	int pad, npad = 0;

	if (cls == N_HEX) {
		while (*off > 0 && isxdigit((unsigned char)s[*off - 1]))
			(*off)--;
		while (*end < len && isxdigit((unsigned char)s[*end]))
			(*end)++;
		return;
	}
	if (cls == N_B32) {	/* A-Z a-z 2-7, then up to 6 '=' or %3D */
		while (*off > 0 && B32_BYTE((unsigned char)s[*off - 1]))
			(*off)--;
		while (*end < len && B32_BYTE((unsigned char)s[*end]))
			(*end)++;
		while (npad < 6 && *end < len &&
		    (w = b64_at(s, *end, len, 0, &pad)) > 0 && pad) {
			*end += w;
			npad++;
		}
		return;
	}
	for (;;) {
		if (*off > 0 && b64_at(s, *off - 1, len, slash_ok, &pad) == 1 &&
		    !pad)
			(*off)--;
		else if (*off >= 3 && b64_at(s, *off - 3, len, slash_ok,
		    &pad) == 3 && !pad)
			*off -= 3;
		else
			break;
	}
	while (*end < len && (w = b64_at(s, *end, len, slash_ok, &pad)) > 0) {
		if (pad && ++npad > 2)
			break;
		if (!pad && npad > 0)
			break;
		*end += w;
	}
}

/* Byte classes for search_text (the C locale's isalnum, isxdigit). */
enum { C_B64 = 1, C_HEX = 2 };

#define C_AZ(c) ((c) >= 'A' && (c) <= 'Z')
#define C_CLASS(c) (((c) >= '0' && (c) <= '9') ? C_B64 | C_HEX : \
	(((c) >= 'a' && (c) <= 'f') || ((c) >= 'A' && (c) <= 'F')) ? \
	C_B64 | C_HEX : \
	(((c) >= 'g' && (c) <= 'z') || ((c) >= 'G' && (c) <= 'Z') || \
	(c) == '+' || (c) == '/' || (c) == '-' || (c) == '_') ? C_B64 : 0)
#define C_ROW(b) C_CLASS(b), C_CLASS(b + 1), C_CLASS(b + 2), \
	C_CLASS(b + 3), C_CLASS(b + 4), C_CLASS(b + 5), C_CLASS(b + 6), \
	C_CLASS(b + 7)

static const unsigned char search_class[128] = {
	C_ROW(0), C_ROW(8), C_ROW(16), C_ROW(24), C_ROW(32), C_ROW(40),
	C_ROW(48), C_ROW(56), C_ROW(64), C_ROW(72), C_ROW(80), C_ROW(88),
	C_ROW(96), C_ROW(104), C_ROW(112), C_ROW(120)
};

/* scan_bytes: what rf__rcpt_scan does, a byte at a time from text[0..n),
 * the runs going on from *rb, *rh (those ending at text) and the longest
 * so far in *mb, *mh. */
static void
scan_bytes(const char *text, size_t n, char *lower, size_t *rb, size_t *rh,
	   size_t *mb, size_t *mh)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		unsigned cls = c < 0x80 ? search_class[c] : 0;

		lower[i] = (char)(C_AZ(c) ? c + ('a' - 'A') : c);
		*rb = cls & C_B64 ? *rb + 1 : 0;
		*rh = cls & C_HEX ? *rh + 1 : 0;
		if (*rb > *mb)
			*mb = *rb;
		if (*rh > *mh)
			*mh = *rh;
	}
}

void
rf__rcpt_scan_bytes(const char *text, size_t n, char *lower,
		    size_t *run_b64, size_t *run_hex)
{
	size_t rb = 0, rh = 0;

	*run_b64 = *run_hex = 0;
	scan_bytes(text, n, lower, &rb, &rh, run_b64, run_hex);
}

#ifdef __SSE2__
/* runs16: carry the run *r (ones ending before this block) through the
 * 16-bit mask m of one block, the longest seen in *max. */
static inline void
runs16(unsigned m, size_t *r, size_t *max)
{
	unsigned k, x;

	if (m == 0xffff) {
		*r += 16;
		return;
	}
	*r += (unsigned)__builtin_ctz(~m);	/* the run from below ends */
	if (*r > *max)
		*max = *r;
	for (k = 0, x = m; x != 0; k++)	/* longest run inside */
		x &= x >> 1;
	if (k > *max)
		*max = k;
	/* the ones at the top go on into the next block */
	*r = (unsigned)__builtin_clz(~(m << 16));
}
#endif

void
rf__rcpt_scan(const char *text, size_t n, char *lower, size_t *run_b64,
	      size_t *run_hex)
{
	size_t i = 0, rb = 0, rh = 0, mb = 0, mh = 0;

#ifdef __SSE2__
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(text + i));
		__m128i up = rf__bytes_in(v, 'A', 'Z'), l, dig, hex, b64;

		l = _mm_add_epi8(v, _mm_and_si128(up, _mm_set1_epi8(0x20)));
		_mm_storeu_si128((__m128i *)(lower + i), l);
		dig = rf__bytes_in(l, '0', '9');
		hex = _mm_or_si128(dig, rf__bytes_in(l, 'a', 'f'));
		b64 = _mm_or_si128(_mm_or_si128(dig, rf__bytes_in(l, 'a', 'z')),
		    _mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(l, _mm_set1_epi8('+')),
		    _mm_cmpeq_epi8(l, _mm_set1_epi8('/'))),
		    _mm_or_si128(_mm_cmpeq_epi8(l, _mm_set1_epi8('-')),
		    _mm_cmpeq_epi8(l, _mm_set1_epi8('_')))));
		runs16((unsigned)_mm_movemask_epi8(b64), &rb, &mb);
		runs16((unsigned)_mm_movemask_epi8(hex), &rh, &mh);
	}
	if (rb > mb)
		mb = rb;
	if (rh > mh)
		mh = rh;
#endif
	scan_bytes(text + i, n - i, lower + i, &rb, &rh, &mb, &mh);
	*run_b64 = mb;
	*run_hex = mh;
}

const char *
rf__memmem(const char *hay, size_t hlen, const char *nd, size_t nlen)
{
	size_t i = 0;

	if (nlen == 0)
		return hay;
	if (nlen > hlen)
		return NULL;
#ifdef __SSE2__
	if (nlen > 1) {
		/* blocks of 16 candidate starts: those whose first and
		 * last bytes match are compared whole */
		const __m128i f = _mm_set1_epi8(nd[0]);
		const __m128i z = _mm_set1_epi8(nd[nlen - 1]);

		for (; i + nlen - 1 + 16 <= hlen; i += 16) {
			__m128i a = _mm_loadu_si128((const __m128i *)
			    (hay + i));
			__m128i b = _mm_loadu_si128((const __m128i *)
			    (hay + i + nlen - 1));
			unsigned m = (unsigned)_mm_movemask_epi8(
			    _mm_and_si128(_mm_cmpeq_epi8(a, f),
			    _mm_cmpeq_epi8(b, z)));

			while (m != 0) {
				unsigned k = (unsigned)__builtin_ctz(m);

				if (memcmp(hay + i + k + 1, nd + 1,
				    nlen - 2) == 0)
					return hay + i + k;
				m &= m - 1;
			}
		}
	}
#endif
	for (; i + nlen <= hlen; i++) {
		const char *p = memchr(hay + i, nd[0], hlen - nlen + 1 - i);

		if (p == NULL)
			return NULL;
		i = (size_t)(p - hay);
		if (memcmp(p + 1, nd + 1, nlen - 1) == 0)
			return p;
	}
	return NULL;
}

/* search one text (a decoding of url, or url itself when beg is NULL). */
static int
search_text(rf_arena *a, const rf_recipient *r, const char *url, size_t len,
	    size_t path_end, const char *text, size_t tlen,
	    const size_t *beg, const size_t *end, struct rf__toks *t)
{
	const struct needle *n;
	const char *hay, *p;
	const char *reason;
	char *lower;
	size_t i, hits, off, e, at, run_b64 = 0, run_hex = 0;
	int local = 0;		/* the local part: 1 not in text, 2 in it */

	/* the text in lower case, and its longest runs of base64 and hex
	 * characters: base64, base32 (a subset of base64's characters) and
	 * hex needles only match inside a run of their characters at least
	 * as long, so most URLs, which have none, skip most of the 27
	 * needles */
	if ((lower = rf_arena_alloc(a, tlen + 1)) == NULL)
		return -1;
	rf__rcpt_scan(text, tlen, lower, &run_b64, &run_hex);
	for (i = 0; i < r->nn; i++) {
		n = &r->n[i];
		if (((n->cls == N_B64 || n->cls == N_B32) &&
		    n->len > run_b64) ||
		    (n->cls == N_HEX && n->len > run_hex))
			continue;
		if (n->cls == N_VERP && local == 1)
			continue;	/* it holds the local part */
		if (n->cls == N_WORD)
			local = 1;
		hay = n->ci ? lower : text;
		for (p = hay, hits = 0; hits < RCPT_MAX_HITS &&
		    (p = rf__memmem(p, tlen - (size_t)(p - hay), n->s,
		    n->len)) !=
		    NULL; p++, hits++) {
			at = (size_t)(p - hay);
			if (n->cls == N_WORD)
				local = 2;	/* in the text, word or not */
			if ((n->cls == N_WORD || n->cls == N_VERP) &&
			    ((at > 0 &&
			    isalnum((unsigned char)hay[at - 1])) ||
			    (at + n->len < tlen &&
			    isalnum((unsigned char)hay[at + n->len]))))
				continue;
			if (n->cls == N_VERP && at > 0 &&
			    memchr("?&;#", hay[at - 1], 4) != NULL)
				continue;
			off = beg != NULL ? beg[at] : at;
			e = beg != NULL ? end[at + n->len - 1] : at + n->len;
			reason = n->reason;
			if (n->cls == N_EXACT && e - off != n->len)
				reason = "recipient-urlencoded";
			if (n->cls == N_B64 || n->cls == N_B32 ||
			    n->cls == N_HEX)
				extend_run(url, len, n->cls, off >= path_end,
				    &off, &e);
			if (rf__tok_add(a, t, off, e - off, reason) != 0)
				return -1;
		}
	}
	return 0;
}

/* drop_covered: remove the tokens from first on with reason drop that lie
 * inside another recipient token (the local part of an address found
 * whole, an opaque id that is a hash of the address). */
void
rf__drop_covered(struct rf__toks *t, size_t first, const char *drop)
{
	size_t i, k, o;

	for (i = o = first; i < t->n; i++) {
		for (k = first; k < t->n; k++) {
			if (k == i || strcmp(t->v[k].reason, drop) == 0 ||
			    strncmp(t->v[k].reason, "recipient-", 10) != 0)
				continue;
			if (t->v[k].off <= t->v[i].off && t->v[k].off +
			    t->v[k].len >= t->v[i].off + t->v[i].len)
				break;
		}
		if (strcmp(t->v[i].reason, drop) == 0 && k < t->n)
			continue;
		t->v[o++] = t->v[i];
	}
	t->n = o;
}

int
rf__rcpt_search(rf_arena *a, const rf_recipient *r, const char *url,
		size_t len, size_t path_end, struct rf__toks *t)
{
	struct rf__decoded d, prev;
	size_t first = t->n;
	int level;

	if (search_text(a, r, url, len, path_end, url, len, NULL, NULL,
	    t) != 0)
		return -1;
	if (memchr(url, '%', len) == NULL)
		goto done;
	if (rf__pct_decode(a, url, len, NULL, NULL, &d) != 0)
		return -1;
	for (level = 1; level <= RCPT_DECODE_LEVELS; level++) {
		if (search_text(a, r, url, len, path_end, d.s, d.len,
		    d.beg, d.end, t) != 0)
			return -1;
		if (level == RCPT_DECODE_LEVELS ||
		    memchr(d.s, '%', d.len) == NULL)
			break;
		prev = d;
		if (rf__pct_decode(a, prev.s, prev.len, prev.beg, prev.end,
		    &d) != 0)
			return -1;
		if (d.len == prev.len)
			break;	/* nothing decoded: no further level */
	}
done:
	rf__drop_covered(t, first, "recipient-local-part");
	return 0;
}
