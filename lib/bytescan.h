/*
 * bytescan.h - private to libredflag: the search for the first of a few
 * byte values, shared by the URL splitter (url_clean.c), the search for
 * URLs in text (url_text.c) and the check for url() in CSS (css.c); the
 * search for a byte below a bound or equal to one value (rewrite_raw.c:
 * control bytes libxml2 drops); the SSE2 test of bytes in a range
 * (rcpt_codes.c, fingerprint.c); the run of ASCII letters and digits in
 * 8 bytes (fingerprint.c), SSE2 and portable.
 * tests/unit/test_bytescan.c compares each SSE2 form with its portable
 * form or a byte-by-byte check.
 */
#ifndef RF_BYTESCAN_H
#define RF_BYTESCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/*
 * rf__span_until: the place of the first byte of s[i..len) equal to a, b,
 * c or d (repeat one to look for fewer), or len.  Sixteen bytes at a time
 * with SSE2 (part of every x86-64), the last bytes of a string of sixteen
 * or more as one block that overlaps bytes already read (those before i
 * masked off); eight at a time elsewhere (a zero byte in the word XORed
 * with each value); then byte by byte.  Both forms are compiled where SSE2
 * is; tests/unit/test_bytescan.c compares each with a byte-by-byte search
 * at every start and end.
 *
 * rf__span_until_tail: the byte-by-byte search from i.
 */
static inline size_t
rf__span_until_tail(const char *s, size_t i, size_t len, char a, char b,
		    char c, char d)
{
	for (; i < len; i++)
		if (s[i] == a || s[i] == b || s[i] == c || s[i] == d)
			return i;
	return len;
}

/* rf__span_until_swar: the portable form, eight bytes a word. */
static inline size_t
rf__span_until_swar(const char *s, size_t i, size_t len, char a, char b,
		    char c, char d)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones << 7;
	uint64_t w, x, y, z, v;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		x = w ^ (ones * (unsigned char)a);
		y = w ^ (ones * (unsigned char)b);
		z = w ^ (ones * (unsigned char)c);
		v = w ^ (ones * (unsigned char)d);
		if ((((x - ones) & ~x) | ((y - ones) & ~y) |
		    ((z - ones) & ~z) | ((v - ones) & ~v)) & high)
			break;
	}
	return rf__span_until_tail(s, i, len, a, b, c, d);
}

#ifdef __SSE2__
/* rf__span_until_sse2: the SSE2 form, sixteen bytes a vector. */
static inline size_t
rf__span_until_sse2(const char *s, size_t i, size_t len, char a, char b,
		    char c, char d)
{
	const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
	const __m128i vc = _mm_set1_epi8(c), vd = _mm_set1_epi8(d);
	__m128i x;
	unsigned m;

	for (; i + 16 <= len; i += 16) {
		x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)),
		    _mm_or_si128(_mm_cmpeq_epi8(x, vc),
		    _mm_cmpeq_epi8(x, vd))));
		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
	}
	if (i < len && len >= 16) {
		x = _mm_loadu_si128((const __m128i *)(const void *)
		    (s + len - 16));
		m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)),
		    _mm_or_si128(_mm_cmpeq_epi8(x, vc),
		    _mm_cmpeq_epi8(x, vd))));
		m &= ~((1u << (16 - (len - i))) - 1);
		return m != 0 ? len - 16 + (size_t)__builtin_ctz(m) : len;
	}
	return rf__span_until_tail(s, i, len, a, b, c, d);
}
#endif

/* rf__span_until: the SSE2 form where there is one, else the portable. */
static inline size_t
rf__span_until(const char *s, size_t i, size_t len, char a, char b, char c,
	       char d)
{
#ifdef __SSE2__
	return rf__span_until_sse2(s, i, len, a, b, c, d);
#else
	return rf__span_until_swar(s, i, len, a, b, c, d);
#endif
}

/*
 * rf__span_below_or: the place of the first byte of s[i..len) whose value
 * is below lo or equal to c, or len (lo at most 0x80).  Eight bytes a
 * word: a byte below lo sets its high bit in (w - lo in each byte) & ~w,
 * exact for the first such byte when lo <= 0x80 (a borrow only flags
 * bytes after it); a byte equal to c is a zero byte of w ^ c; then byte
 * by byte.  Portable only (the rewriter's scan for control bytes, rarely
 * long); tests/unit/test_bytescan.c compares it with a byte-by-byte
 * search at every start and end.
 */
static inline size_t
rf__span_below_or(const char *s, size_t i, size_t len, unsigned char lo,
		  unsigned char c)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones << 7;
	uint64_t w, x;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		x = w ^ (ones * c);
		if ((((w - ones * lo) & ~w) | ((x - ones) & ~x)) & high)
			break;
	}
	for (; i < len; i++)
		if ((unsigned char)s[i] < lo || (unsigned char)s[i] == c)
			break;
	return i;
}

#ifdef __SSE2__
/*
 * rf__bytes_in: 0xff in each byte of v whose value is in [lo, hi], 0 in
 * the others, for every byte value (lo <= hi, hi - lo below 255).  One
 * wrapping add and one signed compare: (int8_t)(b + 0x80 - lo) < -128 +
 * (hi - lo + 1) holds exactly when (b - lo) mod 256 <= hi - lo.
 */
static inline __m128i
rf__bytes_in(__m128i v, unsigned char lo, unsigned char hi)
{
	return _mm_cmplt_epi8(
	    _mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - lo))),
	    _mm_set1_epi8((char)(-128 + (hi - lo) + 1)));
}
#endif

/* RF__B8: the byte c in each byte of a 64-bit word. */
#define RF__B8(c) (0x0101010101010101ULL * (c))

/*
 * rf__word_run8: how many of the 8 bytes at p, from the first, are ASCII
 * letters or digits (0..8).  Those bytes, folded to lower case (OR 0x20:
 * a letter's case bit; digits have it set already), are returned in *be
 * big-endian, the first byte in the top bits (all 8 bytes ORed with 0x20),
 * and *digit is set when one of them is a digit (never cleared).
 *
 * rf__word_run8_swar, the portable form (8 bytes in one 64-bit word):
 * each byte is classified with additions that cannot carry into the next
 * byte (every byte is below 0x80 after the mask, and the added constant
 * below 0x80 too).
 */
static inline unsigned
rf__word_run8_swar(const unsigned char *p, uint64_t *be, int *digit)
{
	uint64_t x, y, lw, letter, dig, stop, below;

	memcpy(&x, p, sizeof(x));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);	/* p[0] in the low byte */
#endif
	y = x & RF__B8(0x7f);
	lw = y | RF__B8(0x20);
	letter = (lw + RF__B8(0x80 - 'a')) & ~(lw + RF__B8(0x80 - 'z' - 1));
	dig = (y + RF__B8(0x80 - '0')) & ~(y + RF__B8(0x80 - '9' - 1));
	stop = ~((letter | dig) & ~x) & RF__B8(0x80);
	below = (stop - 1) & ~stop;	/* the bytes before the first stop;
					 * all when there is none */
	*digit |= (dig & below & RF__B8(0x80)) != 0;
	*be = __builtin_bswap64(x | RF__B8(0x20));
	return stop == 0 ? 8 : (unsigned)__builtin_ctzll(stop) >> 3;
}

#if defined(__SSE2__) && defined(__x86_64__)
#define RF__WORD_RUN8_SSE2 1
/*
 * rf__word_run8_sse2, the same with SSE2 (part of every x86-64 CPU): the
 * 8 bytes are loaded into the low half of a vector (the high half zero,
 * so not word bytes: the run stops at 8 at most) and checked with
 * rf__bytes_in; one bit a byte comes out with a movemask.
 */
static inline unsigned
rf__word_run8_sse2(const unsigned char *p, uint64_t *be, int *digit)
{
	__m128i v, letter, dig;
	uint64_t x;
	unsigned word, dm, stop;

	memcpy(&x, p, sizeof(x));
	v = _mm_loadl_epi64((const __m128i *)(const void *)p);
	letter = rf__bytes_in(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z');
	dig = rf__bytes_in(v, '0', '9');
	word = (unsigned)_mm_movemask_epi8(_mm_or_si128(letter, dig));
	dm = (unsigned)_mm_movemask_epi8(dig);
	stop = ~word;			/* bit 8 set: the high half */
	stop &= -stop;			/* the first byte not in the run */
	*digit |= (dm & (stop - 1)) != 0;
	*be = __builtin_bswap64(x | RF__B8(0x20));
	return (unsigned)__builtin_ctz(stop);
}
#endif

/* rf__word_run8: the SSE2 form where there is one, else the portable. */
static inline unsigned
rf__word_run8(const unsigned char *p, uint64_t *be, int *digit)
{
#ifdef RF__WORD_RUN8_SSE2
	return rf__word_run8_sse2(p, be, digit);
#else
	return rf__word_run8_swar(p, be, digit);
#endif
}

#endif
