/*
 * arena.c - region allocator: blocks chained in a list, bump allocation
 * inside the newest block, large requests in a block of their own.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <redflag/arena.h>

#define ARENA_BLOCK (16 * 1024)
#define ARENA_ALIGN 16

struct block {
	struct block *next;
	size_t size, used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct rf_arena {
	struct block *head;
	size_t total;
};

rf_arena *
rf_arena_new(void)
{
	return calloc(1, sizeof(rf_arena));
}

void
rf_arena_free(rf_arena *a)
{
	struct block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

/* take: n bytes aligned for any type, not zero-filled (for callers that
 * write every byte), or NULL. */
static void *
take(rf_arena *a, size_t n)
{
	struct block *b = a->head;
	size_t need, size;
	void *p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ARENA_ALIGN - sizeof(struct block))
		return NULL;
	need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (b == NULL || b->size - b->used < need) {
		size = need > ARENA_BLOCK / 4 ? need : ARENA_BLOCK;
		b = malloc(sizeof(*b) + size);
		if (b == NULL)
			return NULL;
		b->size = size;
		b->used = 0;
		if (need > ARENA_BLOCK / 4 && a->head != NULL) {
			/* keep the current block for small requests */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
		a->total += size;
	}
	p = b->data + b->used;
	b->used += need;
	return p;
}

void *
rf_arena_alloc(rf_arena *a, size_t n)
{
	void *p = take(a, n);

	if (p != NULL)
		memset(p, 0, n == 0 ? 1 : n);
	return p;
}

void *
rf_arena_array(rf_arena *a, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		return NULL;
	return rf_arena_alloc(a, nmemb * size);
}

int
rf_arena_grow(rf_arena *a, void **base, size_t *cap, size_t nmemb,
	      size_t size)
{
	size_t ncap;
	void *p;

	if (nmemb < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	if (ncap < *cap || ncap < nmemb)
		return -1;
	if (size != 0 && ncap > SIZE_MAX / size)
		return -1;
	p = take(a, ncap * size);
	if (p == NULL)
		return -1;
	if (nmemb > 0)
		memcpy(p, *base, nmemb * size);
	/* the new slots read as zeros, as from rf_arena_alloc */
	memset((char *)p + nmemb * size, 0, (ncap - nmemb) * size);
	*base = p;
	*cap = ncap;
	return 0;
}

char *
rf_arena_strndup(rf_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = take(a, n + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
rf_arena_strdup(rf_arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	return rf_arena_strndup(a, s, strlen(s));
}

/*
 * rf_arena_vprintf: formats once into a stack buffer of ARENA_PRINTF_STACK
 * bytes, which holds nearly every string formatted here (verdict reasons,
 * counts), and copies it; only a longer result is formatted a second time,
 * straight into the arena.
 */
#define ARENA_PRINTF_STACK 256

char *
rf_arena_vprintf(rf_arena *a, const char *fmt, va_list ap)
{
	char tmp[ARENA_PRINTF_STACK];
	va_list ap2;
	char *p;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	p = rf_arena_alloc(a, (size_t)n + 1);
	if (p == NULL)
		return NULL;
	if ((size_t)n < sizeof(tmp))
		memcpy(p, tmp, (size_t)n + 1);
	else
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
rf_arena_printf(rf_arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = rf_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

size_t
rf_arena_bytes(const rf_arena *a)
{
	return a->total;
}
