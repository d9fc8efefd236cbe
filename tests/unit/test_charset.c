/* test_charset.c - the table conversions of lib/charset.c give exactly
 * what iconv (through GLib, as lib/message.c used it) gives, and the
 * UTF-8 check agrees with GLib's and with a byte-by-byte validator. */
#include "testutil.h"

#include <glib.h>

#include "../../lib/message_int.h"

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

/* same: rf__charset_fast either declines (0), refuses what slow refuses
 * (-1) or gives what slow gives (1), and says the same when only asked
 * (b NULL); it must give when must is set. */
static void
same(const char *from, const char *p, size_t n, int must)
{
	rf_buf b;
	size_t len = 0;
	char *want = slow(from, p, n, &len);
	int took;

	rf_buf_init(&b, 0);
	took = rf__charset_fast(&b, from, p, n);
	assert_int_equal(rf__charset_fast(NULL, from, p, n), took);
	if (must)
		assert_true(took > 0);
	if (took < 0)
		assert_null(want);	/* refused: iconv refuses it */
	if (took > 0) {
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
	/* refused (-1) exactly for the undefined bytes, which iconv
	 * refuses too; the answer alone (b NULL) the same */
	for (c = 0x80; c < 0xA0; c++) {
		rf_buf b;
		char s[1] = { (char)c };
		size_t len;
		char *conv;
		int took, undef = c == 0x81 || c == 0x8D || c == 0x8F ||
		    c == 0x90 || c == 0x9D;

		rf_buf_init(&b, 0);
		took = rf__charset_fast(&b, "CP1252", s, 1);
		assert_int_equal(took, undef ? -1 : 1);
		assert_int_equal(rf__charset_fast(NULL, "CP1252", s, 1), took);
		conv = slow("WINDOWS-1252", s, 1, &len);
		assert_int_equal(conv == NULL, undef);
		g_free(conv);
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

/* utf8_bad_ref: rf__utf8_bad written the plain way, one byte at a time:
 * decode each sequence, then refuse NUL, stray or missing continuation
 * bytes, overlong forms, surrogates and code points past U+10FFFF. */
static size_t
utf8_bad_ref(const unsigned char *s, size_t n)
{
	size_t i = 0, len, k;
	uint32_t cp, min;

	while (i < n) {
		unsigned c = s[i];

		if (c == 0)
			return i;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xE0) == 0xC0) {
			len = 2;
			cp = c & 0x1F;
			min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3;
			cp = c & 0x0F;
			min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return i;
		}
		if (n - i < len)
			return i;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += len;
	}
	return n;
}

/* Pieces of mixed text: valid sequences of every length at the edges of
 * their ranges, invalid ones (overlong, surrogate, past U+10FFFF, stray
 * continuation, bytes never used) and valid ones cut short. */
static const char *const utf8_pieces[] = {
	"\xC2\x80", "\xDF\xBF", "\xC3\xA9", "\xE0\xA0\x80", "\xE2\x82\xAC",
	"\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF",
	"\xF0\x90\x80\x80", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF",
	"\xC0\x80", "\xC1\xBF", "\xE0\x9F\xBF", "\xED\xA0\x80",
	"\xF0\x8F\xBF\xBF", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF",
	"\x80", "\xBF", "\xC3", "\xE2\x82", "\xE2", "\xF0\x9F\x98", "\xF0\x9F",
	"\xF0", "\xC3\xC3", "\xE2\x28\xA1"
};

/* one random buffer of up to max bytes: mostly ASCII runs of every
 * length (so the 16-byte blocks stop at every position), pieces between
 * them, now and then a NUL */
static size_t
utf8_mixed(unsigned char *s, size_t max, unsigned *seed)
{
	size_t n = 0, k, len;
	const char *p;

	while (n < max) {
		*seed = *seed * 1103515245u + 12345u;
		switch ((*seed >> 16) % 8) {
		case 0: case 1: case 2: case 3:
			len = (*seed >> 20) % 40;
			for (k = 0; k < len && n < max; k++, n++)
				s[n] = (unsigned char)(' ' + (n * 7 + k) % 95);
			break;
		case 4:
			if ((*seed >> 22) % 8 == 0)
				s[n++] = 0;
			else
				s[n++] = (unsigned char)(*seed >> 24);
			break;
		default:
			p = utf8_pieces[(*seed >> 19) % (sizeof(utf8_pieces) /
			    sizeof(utf8_pieces[0]))];
			/* the valid ones far more often than the others */
			if ((*seed >> 27) % 4 != 0)
				p = utf8_pieces[(*seed >> 19) % 11];
			len = strlen(p);
			if (n + len > max)
				return n;
			memcpy(s + n, p, len);
			n += len;
		}
	}
	return n;
}

/* rf__utf8_bad against utf8_bad_ref: random mixed buffers placed at
 * every offset 0..63 in their block, each read whole, from every start
 * (sequences cut at the front) and to every end (cut at the back); the
 * buffer ends where its block ends (ASan: no byte read past it) */
static void
test_utf8_ref(void **state)
{
	unsigned char src[160], *blk;
	unsigned seed = 11, r, off;
	size_t n, j, bad, valid = 0, late = 0;

	(void)state;
	for (r = 0; r < 1500; r++) {
		n = utf8_mixed(src, 1 + r % sizeof(src), &seed);
		for (off = 0; off < 64; off++) {
			unsigned char *s;

			blk = malloc(off + n + 1);
			assert_non_null(blk);
			s = blk + off;
			memcpy(s, src, n);
			/* whole */
			bad = utf8_bad_ref(s, n);
			assert_int_equal(rf__utf8_bad(s, n), bad);
			valid += bad == n;
			late += bad < n && bad >= 32;
			if (off % 16 == r % 16) {
				for (j = 0; j <= n; j++) {
					assert_int_equal(rf__utf8_bad(s + j,
					    n - j), utf8_bad_ref(s + j, n - j));
					assert_int_equal(rf__utf8_bad(s, j),
					    utf8_bad_ref(s, j));
				}
			}
			free(blk);
		}
	}
	/* both outcomes, and bad bytes past the first 16-byte blocks */
	assert_true(valid > 5000 && late > 5000);
	/* the reference itself on fixed cases */
	assert_int_equal(utf8_bad_ref((const unsigned char *)"a\xC3\xA9" "b", 4),
	    4);
	assert_int_equal(utf8_bad_ref((const unsigned char *)"ab\xED\xA0\x80", 5),
	    2);
	assert_int_equal(utf8_bad_ref((const unsigned char *)"\xF4\x90\x80\x80",
	    4), 0);
	assert_int_equal(utf8_bad_ref((const unsigned char *)"ab\xE2\x82", 4), 2);
	assert_int_equal(utf8_bad_ref((const unsigned char *)"a\0b", 3), 1);
}

/* Charsets for the tests of rf__convert_check and rf__text_reading:
 * every single-byte one rf__charset_single_byte names, multi-byte and
 * stateful ones, unknown names. */
static const char *const charsets[] = { "iso-8859-1", "iso-8859-2",
    "iso-8859-3", "iso-8859-4", "iso-8859-5", "iso-8859-6", "iso-8859-7",
    "iso-8859-8", "iso-8859-9", "iso-8859-10", "iso-8859-11",
    "iso-8859-13", "iso-8859-14", "iso-8859-15", "iso-8859-16", "cp1250",
    "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
    "cp1258", "windows-1255", "latin1", "koi8-r", "koi8-u", "shift_jis",
    "gb2312", "euc-jp", "big5", "utf-16", "iso-2022-jp", "utf-7",
    "x-no-such-charset", "iso-8859-12" };

/* rnd_text: n pseudo-random bytes into s, mostly ASCII, some NUL and
 * 8-bit bytes (few distinct ones when narrow). */
static void
rnd_text(unsigned *seed, unsigned char *s, size_t n, int narrow)
{
	size_t i;
	unsigned r;

	for (i = 0; i < n; i++) {
		*seed = *seed * 1103515245u + 12345u;
		r = *seed >> 16;
		if (r % 4 == 0)
			s[i] = (unsigned char)(narrow ? 0x80 + r / 4 % 8 * 16 :
			    0x80 + r / 4 % 128);
		else if (r % 29 == 1)
			s[i] = 0;
		else
			s[i] = (unsigned char)(' ' + r / 4 % 95);
	}
}

/* case_text: the c-th text of a test into s (cap bytes): for c < 256
 * the byte c between "a" and "z", else rnd_text's, (c - 256) % cap bytes
 * (narrow when c is odd); its length. */
static size_t
case_text(unsigned c, unsigned *seed, unsigned char *s, size_t cap)
{
	size_t n;

	if (c < 256) {
		s[0] = 'a';
		s[1] = (unsigned char)c;
		s[2] = 'z';
		return 3;
	}
	n = (c - 256) % cap;
	rnd_text(seed, s, n, c % 2);
	return n;
}

/* test_convert_check: rf__convert_check says what a conversion gives
 * (rf__convert_utf8 without a cache: g_convert_with_fallback), for each
 * byte alone between ASCII and for random texts, through a cache and
 * without. */
static void
test_convert_check(void **state)
{
	struct rf__conv_cache *cc = rf__conv_cache_new();
	unsigned char s[96];
	unsigned seed = 3, c;
	size_t i, len, n;
	char *conv;
	int want;

	(void)state;
	assert_non_null(cc);
	for (i = 0; i < sizeof(charsets) / sizeof(charsets[0]); i++) {
		for (c = 0; c < 256 + 300; c++) {
			n = case_text(c, &seed, s, sizeof(s));
			conv = rf__convert_utf8(NULL, (const char *)s, n,
			    charsets[i], &len);
			want = conv != NULL;
			g_free(conv);
			assert_int_equal(rf__convert_check(cc, charsets[i],
			    (const char *)s, n), want);
			if (c % 16 == 0)
				assert_int_equal(rf__convert_check(NULL,
				    charsets[i], (const char *)s, n), want);
		}
	}
	rf__conv_cache_free(cc);
}

/* to_utf8_ref: lib/message.c's to_utf8 of c13e76f, the decision written
 * out before rf__text_reading (iconv through g_convert_with_fallback):
 * the text into b, the flag into *flags. */
static void
to_utf8_ref(rf_buf *b, const char *p, size_t n, const char *charset,
	    unsigned *flags)
{
	const char *from = NULL;
	gchar *conv;
	gsize outlen = 0;

	if (n == 0)
		return;
	if (rf__is_utf8_charset(charset)) {
		const char *bad = p + rf__utf8_bad((const unsigned char *)p, n);

		if (bad == p + n) {
			rf_buf_append(b, p, n);
			return;
		}
		if ((charset != NULL &&
		    g_ascii_strcasecmp(charset, "utf-8") == 0) || *bad == '\0') {
			rf__msg_sanitize_utf8(b, p, n);
			return;
		}
		from = "WINDOWS-1252";
	} else {
		from = g_mime_charset_iconv_name(charset);
	}
	conv = g_convert_with_fallback(p, (gssize)n, "UTF-8", from, "?",
	    NULL, &outlen, NULL);
	if (conv == NULL) {
		*flags |= RF_PARTF_CHARSET_UNKNOWN;
		conv = g_convert_with_fallback(p, (gssize)n, "UTF-8",
		    "WINDOWS-1252", "?", NULL, &outlen, NULL);
	}
	if (conv != NULL) {
		rf__msg_sanitize_utf8(b, conv, outlen);
		g_free(conv);
	} else {
		rf__msg_sanitize_utf8(b, p, n);
	}
}

/* test_text_reading: rf__text_reading gives the text and flag of
 * to_utf8_ref, and decides alike when only asked (b NULL), for the
 * charsets above, the UTF-8 and ASCII labels and none, on each byte
 * alone and random texts (mostly not UTF-8). */
static void
test_text_reading(void **state)
{
	static const char *const more[] = { NULL, "utf-8", "UTF-8", "utf8",
	    "us-ascii", "windows-1252", "ISO-8859-1" };
	struct rf__conv_cache *cc = rf__conv_cache_new();
	size_t nc = sizeof(charsets) / sizeof(charsets[0]);
	size_t nm = sizeof(more) / sizeof(more[0]);
	unsigned char s[80];
	unsigned seed = 11, c, f1, f2;
	size_t i, n;
	const char *cs;
	rf_buf b, ref;
	int r;

	(void)state;
	rf__gmime_init();
	for (i = 0; i < nc + nm; i++) {
		cs = i < nc ? charsets[i] : more[i - nc];
		for (c = 0; c < 256 + 200; c++) {
			n = case_text(c, &seed, s, sizeof(s));
			if (c >= 256 && c % 5 == 0 && n > 4)	/* UTF-8 */
				memcpy(s + n / 2, "\xc3\xa9", 2);
			rf_buf_init(&b, 0);
			rf_buf_init(&ref, 0);
			f1 = f2 = 0;
			r = rf__text_reading(cc, cs, (const char *)s, n, &b,
			    &f1);
			to_utf8_ref(&ref, (const char *)s, n, cs, &f2);
			assert_int_equal(b.len, ref.len);
			assert_memory_equal(b.len > 0 ? b.data : "",
			    ref.len > 0 ? ref.data : "", ref.len);
			assert_int_equal(f1, f2);
			assert_int_equal(r, rf__text_reading(cc, cs,
			    (const char *)s, n, NULL, NULL));
			assert_int_equal(r == RF__READ_DECLARED, cs != NULL &&
			    !rf__is_utf8_charset(cs) && f1 == 0 && n > 0);
			rf_buf_free(&b);
			rf_buf_free(&ref);
		}
	}
	rf__conv_cache_free(cc);
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
		cmocka_unit_test(test_utf8_ref),
		cmocka_unit_test(test_convert_check),
		cmocka_unit_test(test_text_reading),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
