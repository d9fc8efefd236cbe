/*
 * html_text.c - the visible text of html.c, a byte at a time and eight
 * at a time: ASCII white space, the invisible format characters that are
 * dropped (soft hyphen, zero width space and joiners, word joiner, BOM)
 * and the runs of shown text between them.
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"

/* Byte classes for the text scanner. */
enum { B_TEXT = 0, B_WS, B_LEAD };

/* ASCII white space, and the lead bytes of the invisible characters
 * rf__html_skip_len knows. */
static const unsigned char byte_class[256] = {
	['\t'] = B_WS, ['\n'] = B_WS, ['\v'] = B_WS, ['\f'] = B_WS,
	['\r'] = B_WS, [' '] = B_WS,
	[0xC2] = B_LEAD, [0xE2] = B_LEAD, [0xEF] = B_LEAD
};

size_t
rf__html_skip_len(const unsigned char *s, size_t n, int *ws)
{
	*ws = 1;
	if (byte_class[s[0]] == B_WS)
		return 1;
	switch (s[0]) {
	case 0xC2:	/* U+00A0 no-break space; U+00AD soft hyphen */
		if (n >= 2 && s[1] == 0xA0)
			return 2;
		*ws = 0;
		return n >= 2 && s[1] == 0xAD ? 2 : 0;
	case 0xE2:	/* U+200B..U+200D zero width; U+2060 word joiner */
		*ws = 0;
		if (n >= 3 && s[1] == 0x80 && s[2] >= 0x8B && s[2] <= 0x8D)
			return 3;
		return n >= 3 && s[1] == 0x81 && s[2] == 0xA0 ? 3 : 0;
	case 0xEF:	/* U+FEFF zero width no-break space */
		*ws = 0;
		return n >= 3 && s[1] == 0xBB && s[2] == 0xBF ? 3 : 0;
	}
	return 0;
}

/* run_len: bytes from s up to the next white space or invisible
 * character (at least one). */
static size_t
run_len(const unsigned char *s, size_t n)
{
	size_t j = 1;
	int ws;

	for (;;) {
		while (j < n && byte_class[s[j]] == B_TEXT)
			j++;
		if (j == n || rf__html_skip_len(s + j, n - j, &ws) > 0)
			return j;
		j++;
	}
}

/* run_byte: s[j] (n bytes left) is shown as it is: neither white space
 * nor an invisible character. */
static int
run_byte(const unsigned char *s, size_t n)
{
	int ws;

	return byte_class[s[0]] == B_TEXT || rf__html_skip_len(s, n, &ws) == 0;
}

size_t
rf__html_run_end_ref(const unsigned char *s, size_t i, size_t n)
{
	size_t j;

	for (j = i + 1; j < n; j++)
		if (!run_byte(s + j, n - j) && !(s[j] == ' ' &&
		    j + 1 < n && run_byte(s + j + 1, n - j - 1)))
			break;
	return j;
}

/* SWAR: eight bytes in a uint64_t.  The masks have the top bit of each
 * byte that is c (eq) or below c <= 0x7F (lt) set, and possibly of some
 * bytes after such a byte too, never fewer: enough to rule a block out. */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

static uint64_t
load8(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint64_t
eq_mask(uint64_t x, unsigned c)
{
	uint64_t v = x ^ (ONES * c);

	return (v - ONES) & ~v & HIGHS;
}

static uint64_t
lt_mask(uint64_t x, unsigned c)
{
	return (x - ONES * c) & ~x & HIGHS;
}

static uint64_t
lead_mask(uint64_t x)
{
	return eq_mask(x, 0xC2) | eq_mask(x, 0xE2) | eq_mask(x, 0xEF);
}

/* block_plain: none of p[0..8) ends a run (p[8] is readable): no byte is
 * below ' ' or a lead byte rf__html_skip_len knows, and each space is followed by
 * a byte that is neither. */
static int
block_plain(const unsigned char *p)
{
	uint64_t x = load8(p), y = load8(p + 1), m;

	if (((x | y) & HIGHS) == 0)	/* ASCII */
		m = lt_mask(x, 0x20) | (eq_mask(x, 0x20) & lt_mask(y, 0x21));
	else
		m = lt_mask(x, 0x20) | lead_mask(x) | (eq_mask(x, 0x20) &
		    (lt_mask(y, 0x21) | lead_mask(y)));
	return m == 0;
}

size_t
rf__html_run_end(const unsigned char *s, size_t i, size_t n)
{
	size_t j = i + 1;

	for (;;) {
		while (n - j >= 9 && block_plain(s + j))
			j += 8;
		if (j >= n)
			return n;
		if (!run_byte(s + j, n - j) && !(s[j] == ' ' &&
		    j + 1 < n && run_byte(s + j + 1, n - j - 1)))
			return j;
		j++;
	}
}

size_t
rf__html_collapse(char *dst, const unsigned char *s, size_t n)
{
	size_t i = 0, o = 0, j, skip;
	int ws, sp = 0;

	while (i < n) {
		if ((skip = rf__html_skip_len(s + i, n - i, &ws)) > 0) {
			sp |= ws;
			i += skip;
			continue;
		}
		j = i + run_len(s + i, n - i);
		if (sp && o > 0)
			dst[o++] = ' ';
		sp = 0;
		memcpy(dst + o, s + i, j - i);
		o += j - i;
		i = j;
	}
	dst[o] = '\0';
	return o;
}

int
rf__html_blank(const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] > ' ')
			return 0;
	return 1;
}

