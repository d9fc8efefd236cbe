/*
 * redflag/arena.h - region allocator.
 *
 * An arena owns every allocation made from it; rf_arena_free releases them
 * all at once.  One arena per message keeps ownership simple: everything a
 * parsed message points to lives in its arena.  Allocation never aborts:
 * the functions return NULL when memory is exhausted or a size overflows.
 */
#ifndef REDFLAG_ARENA_H
#define REDFLAG_ARENA_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rf_arena rf_arena;

/* rf_arena_new: a new, empty arena, or NULL when out of memory. */
rf_arena *rf_arena_new(void);

/* rf_arena_free: release the arena and every block allocated from it.
 * NULL is allowed. */
void rf_arena_free(rf_arena *a);

/* rf_arena_alloc: n bytes aligned for any type, zero-filled. */
void *rf_arena_alloc(rf_arena *a, size_t n);

/* rf_arena_array: nmemb * size bytes, zero-filled; NULL on overflow. */
void *rf_arena_array(rf_arena *a, size_t nmemb, size_t size);

/* rf_arena_grow: grow the array *base (nmemb elements of size bytes, with
 * *cap slots) so that at least one more element fits.  The old block is
 * left in the arena.  Returns 0, or -1 when out of memory. */
int rf_arena_grow(rf_arena *a, void **base, size_t *cap, size_t nmemb,
		  size_t size);

/* rf_arena_strndup: a NUL-terminated copy of the first n bytes of s. */
char *rf_arena_strndup(rf_arena *a, const char *s, size_t n);

/* rf_arena_strdup: a copy of s; NULL in gives NULL out. */
char *rf_arena_strdup(rf_arena *a, const char *s);

/* rf_arena_printf: a formatted string. */
char *rf_arena_printf(rf_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *rf_arena_vprintf(rf_arena *a, const char *fmt, va_list ap);

/* rf_arena_bytes: total bytes the arena holds (for limits and tests). */
size_t rf_arena_bytes(const rf_arena *a);

#ifdef __cplusplus
}
#endif
#endif
