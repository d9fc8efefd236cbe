/*
 * bytescan.h - private to libredflag: the search for the first of a few
 * byte values, shared by the URL splitter (rewrite.c), the search for
 * URLs in text (url_text.c) and the check for url() in CSS (css.c).
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
 * with each value); then byte by byte.  tests/unit/test_tracking_fast.c
 * and test_url_fast.c compare its callers with byte-by-byte searches at
 * every alignment.
 */
static inline size_t
rf__span_until(const char *s, size_t i, size_t len, char a, char b, char c,
	       char d)
{
#ifdef __SSE2__
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
#else
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
#endif
	for (; i < len; i++)
		if (s[i] == a || s[i] == b || s[i] == c || s[i] == d)
			return i;
	return len;
}

#endif
