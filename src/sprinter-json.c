/*
 * sprinter-json.c - the JSON Lines printer (see sprinter.h).  A printer
 * is used by one thread.  It collects its output in a buffer of its own
 * (stdio's per-call cost showed in profiles) and hands it to the stream
 * whenever a top-level item is over (back at depth 0, separator) and on
 * destroy, so a caller writing to the stream between items (or after
 * destroying a printer) keeps its order.  A caller must not write to the
 * stream while an item is open.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "sprinter.h"

#define MAX_DEPTH 64
#define JBUF 8192		/* bytes of output held before the stream */

struct json {
	struct sprinter sp;
	FILE *out;
	int depth;
	int first[MAX_DEPTH];	/* no element yet at this level */
	int after_key;		/* a key was just written */
	size_t len;		/* bytes in buf */
	char *buf;		/* JBUF bytes, not zeroed: a printer is made
				 * per report in batch mode */
};

static void
flush(struct json *j)
{
	if (j->len > 0)
		fwrite_unlocked(j->buf, 1, j->len, j->out);
	j->len = 0;
}

/* settle: an item at the top level is over: hand the output on. */
static void
settle(struct json *j)
{
	if (j->depth == 0)
		flush(j);
}

static void
put(struct json *j, const void *p, size_t n)
{
	if (n > JBUF - j->len) {
		flush(j);
		if (n > JBUF) {
			fwrite_unlocked(p, 1, n, j->out);
			return;
		}
	}
	memcpy(j->buf + j->len, p, n);
	j->len += n;
}

static void
putch(struct json *j, char c)
{
	if (j->len == JBUF)
		flush(j);
	j->buf[j->len++] = c;
}

/* The closing bracket is written by end(); keep a stack of kinds. */
struct json_full {
	struct json j;
	char kind[MAX_DEPTH];
};

static void
sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0) {
		if (!j->first[j->depth - 1])
			putch(j, ',');
		j->first[j->depth - 1] = 0;
	}
}

static void
open_level(struct json *j, char c)
{
	sep(j);
	putch(j, c);
	if (j->depth < MAX_DEPTH)
		j->first[j->depth] = 1;
	j->depth++;
}

static void
j_begin_map(struct sprinter *sp)
{
	open_level((struct json *)sp, '{');
}

static void
j_begin_list(struct sprinter *sp)
{
	open_level((struct json *)sp, '[');
}

/* utf8_len: length of the valid UTF-8 sequence at p, or 0. */
static size_t
utf8_len(const unsigned char *p, size_t left)
{
	size_t n, i;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/* Bytes that need no escaping: printable ASCII other than '"' and '\\'. */
#define PL(c) ((c) >= 0x20 && (c) < 0x80 && (c) != '"' && (c) != '\\')
#define PL8(b) PL(b), PL(b + 1), PL(b + 2), PL(b + 3), PL(b + 4), \
	PL(b + 5), PL(b + 6), PL(b + 7)
#define PL64(b) PL8(b), PL8(b + 8), PL8(b + 16), PL8(b + 24), \
	PL8(b + 32), PL8(b + 40), PL8(b + 48), PL8(b + 56)

/* plain[c]: c needs no escaping. */
static const unsigned char plain[256] = {
	PL64(0), PL64(64), PL64(128), PL64(192)
};

/*
 * bad8, bad4: the high bit of each byte of w (little-endian) that needs
 * escaping.  Borrows can flag a plain byte too, but only one above a byte
 * that needs escaping: the lowest flagged byte is exact.
 */
static inline uint64_t
bad8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones << 7;

	return ((w - ones * 0x20) | w | ((w ^ ones * '"') - ones) |
	    ((w ^ ones * '\\') - ones)) & high;
}

static inline uint32_t
bad4(uint32_t w)
{
	const uint32_t ones = 0x01010101u, high = ones << 7;

	return ((w - ones * 0x20) | w | ((w ^ ones * '"') - ones) |
	    ((w ^ ones * '\\') - ones)) & high;
}

/* first_bad: the index of the lowest flagged byte of a non-zero bad. */
#define first_bad(bad) ((size_t)__builtin_ctzll(bad) / 8)

#if defined(__SSE2__)
/* bad16: bit i set when byte i of v needs escaping (signed compare: bytes
 * of 0x80 and up count as negative, so below 0x20 too). */
static inline unsigned
bad16(__m128i v)
{
	__m128i lo = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
	__m128i q = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
	__m128i b = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));

	return (unsigned)_mm_movemask_epi8(_mm_or_si128(lo,
	    _mm_or_si128(q, b)));
}
#endif

/*
 * plain_run_short: plain_run for fewer than 16 bytes (and for any length
 * without SSE2): eight bytes at a time; the last bytes of a string of
 * eight or more are checked as one word that overlaps bytes already
 * checked (their flags shifted out), those of a shorter one four and then
 * one at a time.
 */
static size_t
plain_run_short(const unsigned char *p, size_t n)
{
	size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	size_t r;
	uint64_t w, bad;
	uint32_t v, b4;

	if (n >= 8) {
		for (; i + 8 <= n; i += 8) {
			memcpy(&w, p + i, 8);
			if ((bad = bad8(w)) != 0)
				return i + first_bad(bad);
		}
		if ((r = n - i) == 0)
			return n;
		memcpy(&w, p + n - 8, 8);
		bad = bad8(w) >> (8 * (8 - r));
		return bad != 0 ? i + first_bad(bad) : n;
	}
	if (n >= 4) {
		memcpy(&v, p, 4);
		if ((b4 = bad4(v)) != 0)
			return first_bad(b4);
		if ((r = n - 4) == 0)
			return n;
		memcpy(&v, p + n - 4, 4);
		b4 = bad4(v) >> (8 * (4 - r));
		return b4 != 0 ? 4 + first_bad(b4) : n;
	}
#endif
	while (i < n && plain[p[i]])
		i++;
	return i;
}

/*
 * plain_run: how many bytes at p need no escaping (printable ASCII other
 * than '"' and '\\'): sixteen at a time with SSE2, the last bytes of a
 * string of sixteen or more as one block that overlaps bytes already
 * checked (their flags shifted out); shorter strings by plain_run_short.
 * tests/unit/test_sprinter_json.c compares it with the byte table on
 * every length and position.
 */
static size_t
plain_run(const unsigned char *p, size_t n)
{
#if defined(__SSE2__)
	size_t i;
	unsigned m;

	if (n >= 16) {
		for (i = 0; i + 16 <= n; i += 16) {
			m = bad16(_mm_loadu_si128((const __m128i *)(const void *)
			    (p + i)));
			if (m != 0)
				return i + (size_t)__builtin_ctz(m);
		}
		if (i == n)
			return n;
		m = bad16(_mm_loadu_si128((const __m128i *)(const void *)
		    (p + n - 16))) >> (16 - (n - i));
		return m != 0 ? i + (size_t)__builtin_ctz(m) : n;
	}
#endif
	return plain_run_short(p, n);
}

/*
 * plain_copy: plain_run(p, n), and the n bytes copied to o (which has
 * room for n) in the same pass: bytes from the first one that needs
 * escaping on are copied too, or not, and are to be overwritten.
 * tests/unit/test_sprinter_json.c compares it with plain_run and memcpy.
 * Inlined: it is most of the work of a field and called once per field.
 */
static inline __attribute__((always_inline)) size_t
plain_copy(char *o, const unsigned char *p, size_t n)
{
	uint64_t w;
	uint32_t v;
	size_t i;
#if defined(__SSE2__)
	__m128i x;
	unsigned m;

	if (n >= 16) {
		for (i = 0; i + 16 <= n; i += 16) {
			x = _mm_loadu_si128((const __m128i *)(const void *)
			    (p + i));
			_mm_storeu_si128((__m128i *)(void *)(o + i), x);
			if ((m = bad16(x)) != 0)
				return i + (size_t)__builtin_ctz(m);
		}
		if (i == n)
			return n;
		x = _mm_loadu_si128((const __m128i *)(const void *)
		    (p + n - 16));
		_mm_storeu_si128((__m128i *)(void *)(o + n - 16), x);
		m = bad16(x) >> (16 - (n - i));
		return m != 0 ? i + (size_t)__builtin_ctz(m) : n;
	}
#endif
	if (n >= 8) {
		for (i = 0; i + 8 <= n; i += 8) {
			memcpy(&w, p + i, 8);
			memcpy(o + i, &w, 8);
		}
		memcpy(&w, p + n - 8, 8);
		memcpy(o + n - 8, &w, 8);
	} else if (n >= 4) {
		memcpy(&v, p, 4);
		memcpy(o, &v, 4);
		memcpy(&v, p + n - 4, 4);
		memcpy(o + n - 4, &v, 4);
	} else {
		for (i = 0; i < n; i++)
			o[i] = (char)p[i];
	}
	return plain_run_short(p, n);
}

static void
write_string(struct json *j, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	const unsigned char *run = p;
	char u[6] = { '\\', 'u', '0', '0', 0, 0 };
	size_t k;

	/* the common case: nothing to escape, room in the buffer; the
	 * scan copies as it goes */
	if (n + 2 <= JBUF - j->len) {
		char *o = j->buf + j->len;

		if ((k = plain_copy(o + 1, p, n)) == n) {
			o[0] = '"';
			o[n + 1] = '"';
			j->len += n + 2;
			return;
		}
	} else {
		k = plain_run(p, n);
	}
	putch(j, '"');
	p += k;
	while (p < end) {
		unsigned char c;

		p += plain_run(p, (size_t)(end - p));
		if (p == end)
			break;
		c = *p;
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			p++;
			continue;
		}
		if (c >= 0x80 && (k = utf8_len(p, (size_t)(end - p))) > 0) {
			p += k;
			continue;
		}
		put(j, run, (size_t)(p - run));
		switch (c) {
		case '"': put(j, "\\\"", 2); break;
		case '\\': put(j, "\\\\", 2); break;
		case '\n': put(j, "\\n", 2); break;
		case '\r': put(j, "\\r", 2); break;
		case '\t': put(j, "\\t", 2); break;
		default:
			if (c < 0x20) {
				u[4] = hex[c >> 4];
				u[5] = hex[c & 15];
				put(j, u, 6);
			} else {
				put(j, "\\ufffd", 6);
			}
		}
		run = ++p;
	}
	put(j, run, (size_t)(p - run));
	putch(j, '"');
}

static void
j_string_len(struct sprinter *sp, const char *s, size_t n)
{
	struct json *j = (struct json *)sp;

	sep(j);
	write_string(j, s, n);
	settle(j);
}

static void
j_string(struct sprinter *sp, const char *s)
{
	j_string_len(sp, s, strlen(s));
}

#define INT_DIGITS 24	/* room for any long long in decimal */

/* int_text: v in decimal, written backwards to end at d + INT_DIGITS;
 * returns where it starts. */
static inline char *
int_text(char d[INT_DIGITS], long long v)
{
	char *p = d + INT_DIGITS;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	return p;
}

static void
j_integer(struct sprinter *sp, long long v)
{
	struct json *j = (struct json *)sp;
	char d[INT_DIGITS], *p = int_text(d, v);

	sep(j);
	put(j, p, (size_t)(d + INT_DIGITS - p));
	settle(j);
}

/*
 * real4g: what snprintf(d, "%.4g", v) writes, for 0, -0 and
 * 1e-4 <= |v| < 9999 (scores, probabilities); returns its length, or 0
 * for any other v and for one whose fifth significant digit is too close
 * to a tie (5 followed by zeros) for the scaled double to decide how it
 * rounds: the caller then asks snprintf.  Four significant digits r with
 * decimal exponent x: "0.000rrrr" for x < 0, "rrr.r" and the like
 * otherwise, trailing zeros (and a trailing point) dropped, as %g does.
 * d has room for 16 bytes.  tests/unit/test_sprinter_json.c compares it
 * with snprintf on every tie and its neighbours in each decade, and more.
 */
static size_t
real4g(char *d, double v)
{
	static const double scale[] = { 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 1e1,
	    1e0 };
	double a = v < 0 ? -v : v, sc, fr;
	int x, i, nd;
	long r;
	char dig[4], *o = d;

	if (v == 0) {
		if (__builtin_signbit(v))
			*o++ = '-';
		*o++ = '0';
		return (size_t)(o - d);
	}
	if (!(a >= 1e-4 && a < 9999))
		return 0;
	x = a >= 1e3 ? 3 : a >= 1e2 ? 2 : a >= 1e1 ? 1 : a >= 1 ? 0 :
	    a >= 1e-1 ? -1 : a >= 1e-2 ? -2 : a >= 1e-3 ? -3 : -4;
	sc = a * scale[x + 4];		/* a * 10^(3 - x) */
	fr = sc - (double)(long)sc;
	if (fr > 0.5 - 1e-6 && fr < 0.5 + 1e-6)
		return 0;
	r = (long)(sc + 0.5);
	if (r == 10000) {
		r = 1000;
		x++;
	}
	if (r < 1000 || r > 9999 || x > 3)
		return 0;
	for (i = 3; i >= 0; i--, r /= 10)
		dig[i] = (char)('0' + r % 10);
	for (nd = 4; nd > 1 && dig[nd - 1] == '0'; nd--)
		;
	if (v < 0)
		*o++ = '-';
	if (x < 0) {
		*o++ = '0';
		*o++ = '.';
		for (i = x + 1; i < 0; i++)
			*o++ = '0';
		for (i = 0; i < nd; i++)
			*o++ = dig[i];
	} else {
		for (i = 0; i <= x; i++)
			*o++ = dig[i];
		if (nd > x + 1) {
			*o++ = '.';
			for (; i < nd; i++)
				*o++ = dig[i];
		}
	}
	return (size_t)(o - d);
}

static void
j_real(struct sprinter *sp, double v)
{
	struct json *j = (struct json *)sp;

	char d[64];
	size_t n;
	int k;

	sep(j);
	if ((n = real4g(d, v)) == 0) {
		k = snprintf(d, sizeof(d), "%.4g", v);
		n = k <= 0 ? 0 : (size_t)k < sizeof(d) ? (size_t)k :
		    sizeof(d) - 1;
	}
	put(j, d, n);
	settle(j);
}

static void
j_boolean(struct sprinter *sp, int v)
{
	struct json *j = (struct json *)sp;

	sep(j);
	if (v)
		put(j, "true", 4);
	else
		put(j, "false", 5);
	settle(j);
}

static void
j_null(struct sprinter *sp)
{
	struct json *j = (struct json *)sp;

	sep(j);
	put(j, "null", 4);
	settle(j);
}

static void
j_map_key(struct sprinter *sp, const char *key)
{
	struct json *j = (struct json *)sp;

	sep(j);
	write_string(j, key, strlen(key));
	putch(j, ':');
	j->after_key = 1;
}

static void
j_separator(struct sprinter *sp)
{
	struct json *j = (struct json *)sp;

	putch(j, '\n');
	j->depth = 0;
	j->after_key = 0;
	flush(j);
}

static void
j_resume_map(struct sprinter *sp)
{
	struct json *j = (struct json *)sp;
	struct json_full *f = (struct json_full *)sp;

	f->kind[0] = '}';
	j->first[0] = 0;
	j->depth = 1;
	j->after_key = 0;
}

static void
j_destroy(struct sprinter *sp)
{
	struct json *j = (struct json *)sp;

	flush(j);
	free(j->buf);
	free(sp);
}


static void
jf_begin_map(struct sprinter *sp)
{
	struct json_full *f = (struct json_full *)sp;

	if (f->j.depth < MAX_DEPTH)
		f->kind[f->j.depth] = '}';
	j_begin_map(sp);
}

static void
jf_begin_list(struct sprinter *sp)
{
	struct json_full *f = (struct json_full *)sp;

	if (f->j.depth < MAX_DEPTH)
		f->kind[f->j.depth] = ']';
	j_begin_list(sp);
}

static void
jf_end(struct sprinter *sp)
{
	struct json_full *f = (struct json_full *)sp;

	if (f->j.depth == 0)
		return;
	f->j.depth--;
	putch(&f->j, f->j.depth < MAX_DEPTH ? f->kind[f->j.depth] : '}');
	settle(&f->j);
}

/* --- literal keys (SP_KV_STR and the others, sprinter.h) --- */

#define KV_SLACK 48	/* room kept beyond a key and value: the key's
			 * 16-byte copy, a number, quotes */

/*
 * kvl_begin: the JSON printer j (NULL for another printer) with the key
 * written (lit: ,"key": of litlen bytes then 16 readable bytes) and room
 * for need more bytes plus KV_SLACK; returns where the value goes, or
 * NULL (nothing written) when the key is not where a fast key can go (top
 * level, just after a key, nested too deep) or the value does not fit.
 * Writes what j_map_key would, but for after_key.
 */
static inline char *
kvl_begin(struct json *j, const char *lit, size_t litlen, size_t need)
{
	char *o;
	int *first;

	if (j->after_key || j->depth == 0 || j->depth > MAX_DEPTH)
		return NULL;
	if (need + litlen + KV_SLACK > JBUF - j->len) {
		flush(j);
		if (need + litlen + KV_SLACK > JBUF)
			return NULL;
	}
	o = j->buf + j->len;
	first = &j->first[j->depth - 1];
	if (*first) {
		*first = 0;
		lit++;
		litlen--;
	}
	if (litlen <= 16)
		memcpy(o, lit, 16);
	else
		memcpy(o, lit, litlen);
	return o + litlen;
}

/* j_kvl_str: the kvl_str method (sprinter.h). */
static int
j_kvl_str(struct sprinter *sp, const char *lit, size_t litlen, const char *s)
{
	struct json *j = (struct json *)sp;
	size_t n = s != NULL ? strlen(s) : 0;
	char *o;

	if ((o = kvl_begin(j, lit, litlen, n)) == NULL)
		return 0;
	if (s == NULL) {
		memcpy(o, "null", 4);
		j->len = (size_t)(o + 4 - j->buf);
		return 1;
	}
	*o = '"';
	if (plain_copy(o + 1, (const unsigned char *)s, n) == n) {
		o[n + 1] = '"';
		j->len = (size_t)(o + n + 2 - j->buf);
		return 1;
	}
	/* the key is written: the value the long way */
	j->len = (size_t)(o - j->buf);
	write_string(j, s, n);
	return 1;
}

/* j_kvl_int: the kvl_int method (sprinter.h). */
static int
j_kvl_int(struct sprinter *sp, const char *lit, size_t litlen, long long v)
{
	struct json *j = (struct json *)sp;
	char d[INT_DIGITS], *p = int_text(d, v), *o;
	size_t n = (size_t)(d + INT_DIGITS - p);

	if ((o = kvl_begin(j, lit, litlen, n)) == NULL)
		return 0;
	memcpy(o, p, n);
	j->len = (size_t)(o + n - j->buf);
	return 1;
}

/* j_kvl_bool: the kvl_bool method (sprinter.h). */
static int
j_kvl_bool(struct sprinter *sp, const char *lit, size_t litlen, int v)
{
	struct json *j = (struct json *)sp;
	char *o;

	if ((o = kvl_begin(j, lit, litlen, 0)) == NULL)
		return 0;
	memcpy(o, v ? "true" : "false", v ? 4 : 5);
	j->len = (size_t)(o + (v ? 4 : 5) - j->buf);
	return 1;
}

/* j_kvl_key: the kvl_key method (sprinter.h). */
static int
j_kvl_key(struct sprinter *sp, const char *lit, size_t litlen)
{
	struct json *j = (struct json *)sp;
	char *o;

	if ((o = kvl_begin(j, lit, litlen, 0)) == NULL)
		return 0;
	j->len = (size_t)(o - j->buf);
	j->after_key = 1;
	return 1;
}

struct sprinter *
sprinter_json_new(FILE *out)
{
	struct json_full *f = calloc(1, sizeof(*f));

	if (f == NULL || (f->j.buf = malloc(JBUF)) == NULL) {
		free(f);
		return NULL;
	}
	f->j.out = out;
	f->j.sp = (struct sprinter){
		.begin_map = jf_begin_map, .begin_list = jf_begin_list,
		.end = jf_end, .string = j_string, .string_len = j_string_len,
		.integer = j_integer, .real = j_real, .boolean = j_boolean,
		.null = j_null, .map_key = j_map_key,
		.resume_map = j_resume_map, .separator = j_separator,
		.destroy = j_destroy,
		.kvl_str = j_kvl_str, .kvl_int = j_kvl_int,
		.kvl_bool = j_kvl_bool, .kvl_key = j_kvl_key,
	};
	return &f->j.sp;
}
