/* sprinter-text.c - the readable outline printer (see sprinter.h). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sprinter.h"

#define MAX_DEPTH 64
#define TEXT_MAX 160		/* bytes of one string shown */

struct text {
	struct sprinter sp;
	FILE *out;
	int depth;
	char kind[MAX_DEPTH];	/* 'm' map, 'l' list */
	const char *key;	/* pending key, printed with its value */
};

static void
indent(struct text *t, int extra)
{
	int i, n = t->depth - 1 + extra;

	for (i = 0; i < n; i++)
		fputs("  ", t->out);
}

/* lead: what comes before a value: "key: " or "- ". */
static void
lead(struct text *t)
{
	indent(t, 0);
	if (t->depth > 0 && t->kind[t->depth - 1] == 'l')
		fputs("- ", t->out);
	else if (t->key != NULL)
		fprintf(t->out, "%s: ", t->key);
	t->key = NULL;
}

static void
open_level(struct text *t, char kind)
{
	if (t->depth > 0) {
		lead(t);
		putc('\n', t->out);
	}
	if (t->depth < MAX_DEPTH)
		t->kind[t->depth] = kind;
	t->depth++;
}

static void
t_begin_map(struct sprinter *sp)
{
	open_level((struct text *)sp, 'm');
}

static void
t_begin_list(struct sprinter *sp)
{
	open_level((struct text *)sp, 'l');
}

static void
t_end(struct sprinter *sp)
{
	struct text *t = (struct text *)sp;

	if (t->depth > 0)
		t->depth--;
	t->key = NULL;
}

static void
t_string_len(struct sprinter *sp, const char *s, size_t n)
{
	struct text *t = (struct text *)sp;
	char buf[TEXT_MAX * 4 + 8];
	char *tmp = malloc(n + 1);

	lead(t);
	if (tmp == NULL) {
		fputs("?\n", t->out);
		return;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	fprintf(t->out, "%s\n", cli_escape(buf, sizeof(buf), tmp, TEXT_MAX));
	free(tmp);
}

static void
t_string(struct sprinter *sp, const char *s)
{
	t_string_len(sp, s, strlen(s));
}

static void
t_integer(struct sprinter *sp, long long v)
{
	struct text *t = (struct text *)sp;

	lead(t);
	fprintf(t->out, "%lld\n", v);
}

static void
t_real(struct sprinter *sp, double v)
{
	struct text *t = (struct text *)sp;

	lead(t);
	fprintf(t->out, "%.2f\n", v);
}

static void
t_boolean(struct sprinter *sp, int v)
{
	struct text *t = (struct text *)sp;

	lead(t);
	fputs(v ? "yes\n" : "no\n", t->out);
}

static void
t_null(struct sprinter *sp)
{
	struct text *t = (struct text *)sp;

	if (t->depth > 0 && t->kind[t->depth - 1] == 'l') {
		lead(t);
		fputs("-\n", t->out);
	}
	t->key = NULL;
}

static void
t_map_key(struct sprinter *sp, const char *key)
{
	((struct text *)sp)->key = key;
}

static void
t_resume_map(struct sprinter *sp)
{
	struct text *t = (struct text *)sp;

	t->kind[0] = 'm';
	t->depth = 1;
	t->key = NULL;
}

static void
t_separator(struct sprinter *sp)
{
	struct text *t = (struct text *)sp;

	putc('\n', t->out);
	t->depth = 0;
	t->key = NULL;
}

static void
t_destroy(struct sprinter *sp)
{
	free(sp);
}

struct sprinter *
sprinter_text_new(FILE *out)
{
	struct text *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->out = out;
	t->sp = (struct sprinter){
		.begin_map = t_begin_map, .begin_list = t_begin_list,
		.end = t_end, .string = t_string, .string_len = t_string_len,
		.integer = t_integer, .real = t_real, .boolean = t_boolean,
		.null = t_null, .map_key = t_map_key,
		.resume_map = t_resume_map, .separator = t_separator,
		.destroy = t_destroy,
	};
	return &t->sp;
}
