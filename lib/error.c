/* error.c - status codes and error detail. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <redflag/error.h>

#include "internal.h"

rf_status
rf_error_set(rf_error *err, rf_status status, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return status;
	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return status;
}

void
rf_error_clear(rf_error *err)
{
	if (err == NULL)
		return;
	err->status = RF_OK;
	err->msg[0] = '\0';
}

const char *
rf_status_name(rf_status status)
{
	switch (status) {
	case RF_OK: return "OK";
	case RF_ENOMEM: return "ENOMEM";
	case RF_EINVAL: return "EINVAL";
	case RF_EIO: return "EIO";
	case RF_EPARSE: return "EPARSE";
	case RF_ELIMIT: return "ELIMIT";
	case RF_ESTORE: return "ESTORE";
	case RF_ENOTFOUND: return "ENOTFOUND";
	case RF_EDONE: return "EDONE";
	}
	return "UNKNOWN";
}

/* shown_char: whether the code point of the UTF-8 sequence p (n bytes,
 * well-formed) may be shown as it is (rf_escape_text). */
static int
shown_char(const unsigned char *p, size_t n)
{
	unsigned long cp = n == 2 ? (p[0] & 0x1Ful) << 6 | (p[1] & 0x3F) :
	    n == 3 ? (p[0] & 0x0Ful) << 12 | (p[1] & 0x3Ful) << 6 |
	    (p[2] & 0x3F) : 0x10000;

	return !(cp <= 0x9F || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	    (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069));
}

/* escape: rf_escape (text 0), or rf_escape_text (text 1), which keeps
 * the well-formed UTF-8 characters shown_char allows as they are. */
static char *
escape(char *buf, size_t bufsize, const char *s, size_t max, int text)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;
	size_t o = 0, i, k, n, len;

	if (bufsize == 0)
		return buf;
	if (s == NULL)
		s = "(null)";
	p = (const unsigned char *)s;
	len = strlen(s);
	for (i = 0; i < len; i += n) {
		n = text && p[i] >= 0x80 ? rf__utf8_seq(p + i, len - i) : 0;
		if (n > 0 && !shown_char(p + i, n))
			n = 0;
		/* room for this character, or its 4 bytes escaped, and
		 * "..." after it, and the NUL */
		if (i + (n > 0 ? n : 1) > max || o + (n > 0 ? n : 4) + 4 >=
		    bufsize) {
			for (k = 0; k < 3 && o + 1 < bufsize; k++)
				buf[o++] = '.';
			break;
		}
		if (n > 0) {
			memcpy(buf + o, p + i, n);
			o += n;
		} else if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') {
			buf[o++] = (char)p[i];
			n = 1;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[p[i] >> 4];
			buf[o++] = hex[p[i] & 15];
			n = 1;
		}
	}
	buf[o] = '\0';
	return buf;
}

char *
rf_escape(char *buf, size_t bufsize, const char *s, size_t max)
{
	return escape(buf, bufsize, s, max, 0);
}

char *
rf_escape_text(char *buf, size_t bufsize, const char *s, size_t max)
{
	return escape(buf, bufsize, s, max, 1);
}

char *
rf_error_name(char buf[RF_ERROR_NAME_SIZE], const char *name)
{
	return rf_escape(buf, RF_ERROR_NAME_SIZE, name, 200);
}
