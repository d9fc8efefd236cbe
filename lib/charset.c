/*
 * charset.c - the fast paths of text decoding: UTF-8 validation that
 * skips each run of ASCII in one step (sixteen bytes at a time with
 * SSE2), and the single-byte charsets most mail declares
 * (US-ASCII text under any ASCII-compatible label, ISO-8859-1,
 * Windows-1252) converted by table instead of through iconv.  Each gives
 * the bytes iconv (glibc) would give, and refuses what it refuses;
 * anything else is left to iconv, through converters a cache keeps open
 * (the context's, the rewriter's).  Whether a text converts at all
 * (rf__convert_check, the rewriter's question) is answered for a
 * single-byte charset by its distinct 8-bit bytes alone.  The decision
 * these serve, how the analysis reads a text part, is rf__text_reading
 * (lib/message.c).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "internal.h"

/* ascii_run: the end of the run of ASCII bytes other than NUL from s[i]
 * (at most n); used by the UTF-8 check and the table conversions.
 * Sixteen bytes a step with SSE2, then eight a word (a byte with its top
 * bit set, or a NUL: (b | 0x80) - 1 keeps the top bit for every byte but
 * 0, and never borrows from the next), then byte by byte. */
static inline size_t
ascii_run(const unsigned char *s, size_t i, size_t n)
{
#ifdef __SSE2__
	for (; n - i >= 16; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
		unsigned m = (unsigned)(_mm_movemask_epi8(v) |
		    _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())));

		if (m != 0)
			return i + (unsigned)__builtin_ctz(m);
	}
#endif
	for (; n - i >= 8; i += 8) {
		const uint64_t ones = 0x0101010101010101ULL, high = ones << 7;
		uint64_t w;

		memcpy(&w, s + i, 8);
		if ((w | ~((w | high) - ones)) & high)
			break;
	}
	while (i < n && s[i] != 0 && s[i] < 0x80)
		i++;
	return i;
}

size_t
rf__utf8_bad(const unsigned char *s, size_t n)
{
	size_t i = 0;

	/* a run of ASCII (no NUL) in one step, then one sequence */
	while ((i = ascii_run(s, i, n)) < n) {
		size_t k = rf__utf8_seq(s + i, n - i);

		if (k == 0)
			return i;	/* NUL, or no well-formed sequence */
		i += k;
	}
	return n;
}

/* ascii_only: no byte of s[0..n) has the high bit set. */
static int
ascii_only(const unsigned char *s, size_t n)
{
	size_t i = 0;
	uint64_t w, acc = 0;

#ifdef __SSE2__
	__m128i vacc = _mm_setzero_si128();

	for (; n - i >= 16; i += 16)
		vacc = _mm_or_si128(vacc, _mm_loadu_si128((const __m128i *)
		    (s + i)));
	if (_mm_movemask_epi8(vacc) != 0)
		return 0;
#endif
	for (; n - i >= 8; i += 8) {
		memcpy(&w, s + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= s[i];
	return (acc & 0x8080808080808080ull) == 0;
}

/* Windows-1252 0x80..0x9F as glibc's CP1252 maps them (0: undefined). */
static const uint16_t cp1252_c1[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178
};

static int
name_in(const char *name, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcasecmp(name, *set) == 0)
			return 1;
	return 0;
}

int
rf__charset_single_byte(const char *name)
{
	static const char *const other[] = { "latin1", "koi8-r", "koi8-u",
	    NULL };
	const char *d = NULL;
	unsigned v;

	if (strncasecmp(name, "cp125", 5) == 0)
		d = name + 5;
	else if (strncasecmp(name, "windows-125", 11) == 0)
		d = name + 11;
	if (d != NULL)
		return d[0] >= '0' && d[0] <= '8' && d[1] == '\0';
	if (strncasecmp(name, "iso-8859-", 9) != 0)
		return name_in(name, other);
	d = name + 9;
	if (d[0] < '1' || d[0] > '9')
		return 0;
	v = (unsigned)(d[0] - '0');
	if (d[1] >= '0' && d[1] <= '9')
		v = v * 10 + (unsigned)(d[1] - '0');
	if (d[v >= 10 ? 2 : 1] != '\0')
		return 0;
	return v <= 16 && v != 12;
}

/* put_cp: the UTF-8 form of cp (< 0x10000, not NUL) into b. */
static int
put_cp(rf_buf *b, unsigned cp)
{
	char u[3];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	}
	return rf_buf_append(b, u, n);
}

int
rf__charset_fast(rf_buf *b, const char *iconv_name, const char *p, size_t n)
{
	static const char *const latin1[] = { "iso-8859-1", "latin1",
	    NULL };
	static const char *const cp1252[] = { "cp1252", "windows-1252",
	    NULL };
	const unsigned char *s = (const unsigned char *)p;
	size_t i, run;
	int win;

	/* the name first: no text is read for a charset without a table */
	if (iconv_name == NULL || !rf__charset_single_byte(iconv_name))
		return 0;
	if (name_in(iconv_name, latin1)) {
		win = 0;	/* every byte a character */
	} else if (name_in(iconv_name, cp1252)) {
		i = 0;
#ifdef __SSE2__
		/* skip blocks with no byte in 0x80..0x9F (signed: below
		 * -96) */
		for (; n - i >= 16; i += 16)
			if (_mm_movemask_epi8(_mm_cmplt_epi8(_mm_loadu_si128(
			    (const __m128i *)(s + i)), _mm_set1_epi8(
			    (char)0xA0))) != 0)
				break;
#endif
		for (; i < n; i++)
			if (s[i] >= 0x80 && s[i] < 0xA0 &&
			    cp1252_c1[s[i] - 0x80] == 0)
				return -1;	/* iconv refuses it too */
		win = 1;
	} else if (ascii_only(s, n)) {
		win = -1;	/* US-ASCII text: itself */
	} else {
		return 0;
	}
	if (b == NULL)
		return 1;		/* only asked */
	if (win == -1 && memchr(p, '\0', n) == NULL) {
		rf_buf_append(b, p, n);		/* the common case */
		return 1;
	}
	/* runs of ASCII without NUL are copied; NUL bytes are dropped, as
	 * the UTF-8 repair after iconv drops them */
	for (i = 0; i < n; ) {
		run = ascii_run(s, i, n);
		if (run > i && rf_buf_append(b, p + i, run - i) != 0)
			return 1;
		i = run;
		if (i == n)
			break;
		if (s[i] != 0 && put_cp(b, win == 1 && s[i] < 0xA0 ?
		    cp1252_c1[s[i] - 0x80] : s[i]) != 0)
			return 1;
		i++;
	}
	return 1;
}

/*
 * The converter cache: direct-mapped on a hash of the charset name, a
 * fixed number of slots, each an idle converter to UTF-8 or empty.  A
 * converter is taken out of its slot while in use (so threads never
 * share one) and put back after, closing the one it displaces: at most
 * CONV_SLOTS stay open.
 */
#define CONV_SLOTS 16		/* a power of two */
#define CONV_NAME 32		/* bytes of a cached name, NUL included */

struct conv_slot {
	GIConv cd;		/* NULL: empty */
	char name[CONV_NAME];
};

struct rf__conv_cache {
	pthread_mutex_t lock;	/* first: rf__locked_new */
	struct conv_slot slot[CONV_SLOTS];
};

struct rf__conv_cache *
rf__conv_cache_new(void)
{
	return rf__locked_new(sizeof(struct rf__conv_cache));
}

void
rf__conv_cache_free(struct rf__conv_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < CONV_SLOTS; i++)
		if (c->slot[i].cd != NULL)
			g_iconv_close(c->slot[i].cd);
	rf__locked_free(c);
}

char *
rf__convert_utf8(struct rf__conv_cache *c, const char *p, size_t n,
		 const char *from, size_t *outlen)
{
	struct conv_slot *sl;
	GIConv cd = NULL, old;
	gsize len = 0;
	char *r = NULL;
	size_t nl = strlen(from);

	if (c == NULL || nl >= CONV_NAME)
		goto slow;
	sl = &c->slot[rf__cache_hash(from, nl) & (CONV_SLOTS - 1)];
	pthread_mutex_lock(&c->lock);
	if (sl->cd != NULL && strcmp(sl->name, from) == 0) {
		cd = sl->cd;
		sl->cd = NULL;
	}
	pthread_mutex_unlock(&c->lock);
	if (cd == NULL && (cd = g_iconv_open("UTF-8", from)) == (GIConv)-1) {
		cd = NULL;
		goto slow;
	}
	/* g_convert is g_convert_with_iconv on a fresh converter: this one
	 * is reset to its initial state first */
	g_iconv(cd, NULL, NULL, NULL, NULL);
	r = g_convert_with_iconv(p, (gssize)n, cd, NULL, &len, NULL);
	pthread_mutex_lock(&c->lock);
	old = sl->cd;
	sl->cd = cd;
	memcpy(sl->name, from, nl + 1);
	pthread_mutex_unlock(&c->lock);
	if (old != NULL)
		g_iconv_close(old);
	if (r != NULL) {
		*outlen = len;
		return r;
	}
slow:
	/* no converter, or the exact conversion failed: the fallback
	 * conversion does both again, as it always did */
	r = g_convert_with_fallback(p, (gssize)n, "UTF-8", from, "?", NULL,
	    &len, NULL);
	if (r != NULL)
		*outlen = len;
	return r;
}

int
rf__convert_check(struct rf__conv_cache *c, const char *from, const char *p,
		  size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	unsigned char set[128], seen[128];
	size_t i = 0, k = 0, len;
	char *r;

	if (rf__charset_single_byte(from)) {
		/* one byte is one character, ASCII (NUL included) itself:
		 * the text converts when each of its 8-bit byte values
		 * does, so those are converted, each once */
		memset(seen, 0, sizeof(seen));
		while ((i = ascii_run(s, i, n)) < n) {
			if (s[i] >= 0x80 && !seen[s[i] - 0x80]) {
				seen[s[i] - 0x80] = 1;
				set[k++] = s[i];
			}
			i++;
		}
		p = (const char *)set;
		n = k;
	}
	r = rf__convert_utf8(c, p, n, from, &len);
	g_free(r);
	return r != NULL;
}
