/* test_charset.c - the table conversions of lib/charset.c give exactly
 * what iconv (through GLib, as lib/message.c used it) gives, and the
 * UTF-8 check agrees with GLib's. */
#include "testutil.h"

#include <glib.h>

#include "../../lib/internal.h"

/* slow: the iconv path of lib/message.c: g_convert_with_fallback, then
 * NUL bytes dropped; NULL when iconv refuses the input. */
static char *
slow(const char *from, const char *p, size_t n, size_t *outlen)
{
	gsize len = 0, i, o = 0;
	gchar *conv = g_convert_with_fallback(p, (gssize)n, "UTF-8", from,
	    "?", NULL, &len, NULL);

	if (conv == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		if (conv[i] != '\0')
			conv[o++] = conv[i];
	*outlen = o;
	return conv;
}

/* same: rf__charset_fast either declines or gives what slow gives; it
 * must not decline when must is set. */
static void
same(const char *from, const char *p, size_t n, int must)
{
	rf_buf b;
	size_t len = 0;
	char *want = slow(from, p, n, &len);
	int took;

	rf_buf_init(&b, 0);
	took = rf__charset_fast(&b, from, p, n);
	if (must)
		assert_true(took);
	if (took) {
		assert_non_null(want);
		assert_int_equal(b.len, len);
		assert_memory_equal(b.len > 0 ? b.data : "", want, len);
	} else {
		assert_int_equal(b.len, 0);
	}
	g_free(want);
	rf_buf_free(&b);
}

static void
test_every_byte(void **state)
{
	static const char *const names[] = { "iso-8859-1", "latin1",
	    "CP1252", "cp1252", "windows-1252", "WINDOWS-1252" };
	char one[3];
	unsigned c, i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (c = 0; c < 256; c++) {
			one[0] = 'a';
			one[1] = (char)c;
			one[2] = 'z';
			/* the five bytes Windows-1252 leaves undefined go
			 * to iconv, which refuses them */
			same(names[i], one, 3, 0);
		}
	/* declined exactly for the undefined bytes */
	for (c = 0x80; c < 0xA0; c++) {
		rf_buf b;
		char s[1] = { (char)c };
		int took;

		rf_buf_init(&b, 0);
		took = rf__charset_fast(&b, "CP1252", s, 1);
		assert_int_equal(took, !(c == 0x81 || c == 0x8D ||
		    c == 0x8F || c == 0x90 || c == 0x9D));
		rf_buf_free(&b);
	}
}

static void
test_ascii_labels(void **state)
{
	static const char *const ok[] = { "iso-8859-2", "iso-8859-15",
	    "iso-8859-9", "cp1251", "CP1250", "windows-1258", "koi8-r",
	    "KOI8-U" };
	static const char *const no[] = { "iso-8859-12", "iso-8859-17",
	    "cp1259", "default", "utf-7", "iso-2022-jp", "hz-gb-2312",
	    "x-unknown", "iso-8859-1x" };
	const char text[] = "Hello,\tworld\r\n~{ +AGE- \x1b$B\0after NUL";
	char hi[] = "caf\xe9";
	size_t i;
	rf_buf b;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		same(ok[i], text, sizeof(text) - 1, 1);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		rf_buf_init(&b, 0);
		assert_false(rf__charset_fast(&b, no[i], text,
		    sizeof(text) - 1));
		rf_buf_free(&b);
	}
	/* 8-bit text in other charsets goes to iconv */
	rf_buf_init(&b, 0);
	assert_false(rf__charset_fast(&b, "iso-8859-2", hi, 4));
	rf_buf_free(&b);
}

static void
test_random(void **state)
{
	static const char *const names[] = { "iso-8859-1", "CP1252" };
	char s[64];
	unsigned seed = 1, r, i, k;

	(void)state;
	for (r = 0; r < 4000; r++) {
		size_t n = r % sizeof(s);

		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			s[i] = (char)(seed >> 16);
		}
		for (k = 0; k < 2; k++)
			same(names[k], s, n, 0);
	}
}

static void
test_utf8_check(void **state)
{
	unsigned seed = 7, r, i;
	unsigned char s[24];
	const gchar *end;

	(void)state;
	for (r = 0; r < 200000; r++) {
		size_t n = r % sizeof(s);

		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			/* mostly the bytes that make UTF-8 interesting */
			s[i] = (unsigned char)((seed >> 16) & 1 ?
			    0x80 | (seed >> 8) : seed >> 20);
		}
		g_utf8_validate((const gchar *)s, (gssize)n, &end);
		assert_int_equal(rf__utf8_bad(s, n),
		    (size_t)((const unsigned char *)end - s));
	}
}

/* long mostly-ASCII texts with one or two odd bytes at every position,
 * across the 16- and 8-byte blocks: the UTF-8 check agrees with GLib's,
 * the table conversions with iconv */
static void
test_blocks(void **state)
{
	static const char *const odd[] = { "\0", "\x80", "\x9f", "\xa0",
	    "\xff", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc3",
	    "\xed\xa0\x80", "\x81", "\x8d" };
	static const char *const names[] = { "iso-8859-1", "CP1252",
	    "iso-8859-15" };
	char s[80];
	const gchar *end;
	size_t n, at, at2, k, c, len;

	(void)state;
	for (n = 0; n < 72; n++)
		for (at = 0; at <= n; at++)
			for (k = 0; k < sizeof(odd) / sizeof(odd[0]); k++) {
				at2 = (at * 7 + k) % (n + 1);
				memset(s, 'a', sizeof(s));
				len = strlen(odd[k]) + (odd[k][0] == '\0');
				if (at + len <= n)
					memcpy(s + at, odd[k], len);
				if (k % 3 == 0 && at2 < n && at2 != at)
					s[at2] = (char)0xe9;
				g_utf8_validate(s, (gssize)n, &end);
				assert_int_equal(rf__utf8_bad(
				    (const unsigned char *)s, n),
				    (size_t)(end - s));
				for (c = 0; c < 3; c++)
					same(names[c], s, n, 0);
			}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_ascii_labels),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_utf8_check),
		cmocka_unit_test(test_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
