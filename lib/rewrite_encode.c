/*
 * rewrite_encode.c - the decoded text of a leaf the rewriter changed
 * (rewrite_leaf.c) encoded again with the part's transfer encoding, and
 * a from or to written in a part's charset, the charset the analysis read
 * a leaf in (contracts in rewrite_int.h;
 * docs/tracking.md, "Rewriting a message").
 */
#include <gmime/gmime.h>
#include <string.h>

#include "rewrite_int.h"

GByteArray *
rf__rewrite_encode(GMimeContentEncoding enc, const GByteArray *content,
		   int crlf)
{
	GMimeEncoding state;
	GByteArray *lf, *out;
	/* an array never written to has NULL data: no offset added to it */
	const guint8 *s = content->data,
	    *e = content->len > 0 ? s + content->len : s, *q;
	size_t n;
	char *tmp, *t, *te, *nl;

	if (enc != GMIME_CONTENT_ENCODING_BASE64 &&
	    enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE) {
		out = g_byte_array_sized_new((guint)content->len);
		g_byte_array_append(out, content->data, content->len);
		return out;
	}
	/* quoted-printable encodes text lines: give it LF line ends (the
	 * CR of each CRLF left out), a block at a time */
	lf = g_byte_array_sized_new((guint)content->len);
	while (enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE && s < e &&
	    (q = memchr(s, '\r', (size_t)(e - s))) != NULL) {
		if (q + 1 < e && q[1] == '\n') {
			g_byte_array_append(lf, s, (guint)(q - s));
			s = q + 1;	/* from the LF on */
		} else {
			g_byte_array_append(lf, s, (guint)(q + 1 - s));
			s = q + 1;
		}
	}
	if (s < e)
		g_byte_array_append(lf, s, (guint)(e - s));
	g_mime_encoding_init_encode(&state, enc);
	tmp = g_malloc(g_mime_encoding_outlen(&state, lf->len) + 16);
	n = g_mime_encoding_flush(&state, (const char *)lf->data, lf->len,
	    tmp);
	/* the encoder's lines end in LF: CRLF when crlf, a line at a time
	 * (room for a CR per line of 64 bytes or more) */
	out = g_byte_array_sized_new((guint)(n + (crlf ? n / 64 + 2 : 0)));
	for (t = tmp, te = tmp + n; crlf && t < te &&
	    (nl = memchr(t, '\n', (size_t)(te - t))) != NULL; t = nl + 1) {
		g_byte_array_append(out, (const guint8 *)t, (guint)(nl - t));
		g_byte_array_append(out, (const guint8 *)"\r\n", 2);
	}
	if (t < te)
		g_byte_array_append(out, (const guint8 *)t, (guint)(te - t));
	g_free(tmp);
	g_byte_array_free(lf, TRUE);
	return out;
}

/* rf__rewrite_in_charset: converted there and back (g_convert). */
char *
rf__rewrite_in_charset(const char *cs, const char *s)
{
	gsize len = 0, blen = 0;
	char *o, *back;

	if ((o = g_convert(s, -1, cs, "UTF-8", NULL, &len, NULL)) == NULL)
		return NULL;
	if (len != strlen(o) || (back = g_convert(o, (gssize)len, "UTF-8",
	    cs, NULL, &blen, NULL)) == NULL) {
		g_free(o);
		return NULL;
	}
	if (blen != strlen(s) || memcmp(back, s, blen) != 0) {
		g_free(o);
		o = NULL;
	}
	g_free(back);
	return o;
}

int
rf__rewrite_ascii(const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 0x80)
			return 0;
	return 1;
}

const char *
rf__rewrite_from_charset(const struct rf__leafread *rd,
			 const GByteArray *buf)
{
	switch (rf__text_reading(rd->cc, rd->charset, (const char *)buf->data,
	    buf->len, NULL, NULL)) {
	case RF__READ_DECLARED:
		return g_mime_charset_iconv_name(rd->charset);
	case RF__READ_1252:
		return "WINDOWS-1252";
	default:
		return NULL;
	}
}
