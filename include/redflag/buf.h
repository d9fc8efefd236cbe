/*
 * redflag/buf.h - growable byte buffer (heap-owned).
 *
 * Used where an arena does not fit: output that outlives a message, or
 * large temporary text.  The buffer is always NUL-terminated when len > 0
 * or after rf_buf_cstr.  Functions return 0, or -1 when out of memory or
 * when the buffer would exceed its max (if max is non-zero); in that case
 * the buffer keeps what fitted and sets `truncated`.
 */
#ifndef REDFLAG_BUF_H
#define REDFLAG_BUF_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rf_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;	/* 0: no limit */
	int truncated;	/* a write did not fit under max */
} rf_buf;

void rf_buf_init(rf_buf *b, size_t max);
void rf_buf_free(rf_buf *b);
void rf_buf_reset(rf_buf *b);
int rf_buf_append(rf_buf *b, const void *p, size_t n);
int rf_buf_putc(rf_buf *b, char c);
int rf_buf_puts(rf_buf *b, const char *s);
int rf_buf_printf(rf_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* rf_buf_cstr: the contents as a C string ("" when empty). */
const char *rf_buf_cstr(rf_buf *b);

#ifdef __cplusplus
}
#endif
#endif
