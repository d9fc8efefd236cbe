/* buf.c - growable byte buffer. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <redflag/buf.h>
#include "internal.h"

void
rf_buf_init(rf_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
rf_buf_free(rf_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void
rf_buf_reset(rf_buf *b)
{
	b->len = 0;
	b->truncated = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* reserve: room for n more bytes plus a NUL.  Inline: with a second
 * caller (rf__buf_reserve) GCC would otherwise call it from
 * rf_buf_append, a hot path. */
static inline int
reserve(rf_buf *b, size_t n)
{
	size_t need, ncap;
	char *p;

	if (n > SIZE_MAX - b->len - 1)
		return -1;
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -1;
		ncap *= 2;
	}
	p = realloc(b->data, ncap);
	if (p == NULL)
		return -1;
	b->data = p;
	b->cap = ncap;
	return 0;
}

int
rf__buf_reserve(rf_buf *b, size_t n)
{
	return reserve(b, n);
}

/* SHRINK_MIN: rf__buf_fit gives back a buffer's room only above this
 * capacity (and when it is more than 4 times what is needed), so that
 * ordinary messages never cause a realloc back and forth. */
#define SHRINK_MIN ((size_t)1 << 20)

int
rf__buf_fit(rf_buf *b, size_t n)
{
	size_t need;
	char *p;

	if (n > SIZE_MAX - b->len - 1)
		return -1;
	need = b->len + n + 1;
	if (need <= b->cap && (b->cap <= SHRINK_MIN || b->cap / 4 <= need))
		return 0;
	p = realloc(b->data, need);
	if (p == NULL)		/* a failed shrink leaves room enough */
		return need <= b->cap ? 0 : -1;
	b->data = p;
	b->cap = need;
	return 0;
}

int
rf_buf_append(rf_buf *b, const void *p, size_t n)
{
	int rc = 0;

	if (b->max != 0 && n > b->max - b->len) {
		n = b->max - b->len;
		b->truncated = 1;
		rc = -1;
	}
	if (reserve(b, n) != 0)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return rc;
}

int
rf_buf_putc(rf_buf *b, char c)
{
	return rf_buf_append(b, &c, 1);
}

int
rf_buf_puts(rf_buf *b, const char *s)
{
	return rf_buf_append(b, s, strlen(s));
}

int
rf_buf_printf(rf_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	char *big;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(small))
		return rf_buf_append(b, small, (size_t)n);
	big = malloc((size_t)n + 1);
	if (big == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rc = rf_buf_append(b, big, (size_t)n);
	free(big);
	return rc;
}

const char *
rf_buf_cstr(rf_buf *b)
{
	return b->data != NULL ? b->data : "";
}
