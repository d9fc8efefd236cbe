/*
 * rewrite_ref.c - a numeric character reference of an HTML leaf read as
 * the analysis reads it (libxml2's HTML parser), and the references it
 * reads as a quote, for the rewriter's entity pass (rewrite_entity.c;
 * contracts in rewrite_int.h).
 */
#include <stddef.h>
#include <string.h>

#include "rewrite_int.h"

/* char_ok: v is a Char of XML 1.0 (libxml2's IS_CHAR), the values its
 * HTML parser keeps of a numeric reference. */
static int
char_ok(unsigned long v)
{
	return v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 &&
	    v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD) || (v >= 0x10000 &&
	    v <= 0x10FFFF);
}

size_t
rf__rewrite_char_ref(const char *s, size_t n, size_t max, unsigned long *v)
{
	size_t i, k;
	unsigned long x = 0;
	int hex, d;

	*v = 0;
	if (n < 2 || s[0] != '&' || s[1] != '#')
		return 0;
	hex = n > 2 && (s[2] == 'x' || s[2] == 'X');
	for (i = k = hex ? 3 : 2; i < n; i++) {
		if (hex)
			d = rf__hexval((unsigned char)s[i]);
		else
			d = s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1;
		if (d < 0)
			break;
		if (x < 0x110000)	/* as libxml2: no overflow */
			x = x * (hex ? 16 : 10) + (unsigned long)d;
	}
	if (i < n && s[i] == ';')
		i++;
	if (i > max)
		return 0;
	*v = i > k && char_ok(x) ? x : 0;
	return i;
}

size_t
rf__rewrite_quote_ref(const char *s, size_t n)
{
	unsigned long v;
	size_t k;

	if (n >= 6 && (memcmp(s, "&quot;", 6) == 0 ||
	    memcmp(s, "&apos;", 6) == 0))
		return 6;
	k = rf__rewrite_char_ref(s, n, RF__REF_MAX, &v);
	return k > 0 && (v == '"' || v == '\'') ? k : 0;
}
