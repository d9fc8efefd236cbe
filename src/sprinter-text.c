/* sprinter-text.c - the readable outline printer (see sprinter.h). */
#include <stdlib.h>
#include <string.h>

#include <redflag/error.h>

#include "cli.h"
#include "sprinter.h"

#define MAX_DEPTH 64
#define TEXT_MAX 160		/* bytes of one string shown */

struct text {
	struct sprinter sp;
	FILE *out;
	int depth;
	char kind[MAX_DEPTH];	/* 'm' map, 'l' list */
	/* a map or list is announced ("key:" or "-") when its first member
	 * comes, so that an empty one can say "(none)" on the same line */
	char pending[MAX_DEPTH];
	const char *pkey[MAX_DEPTH];	/* its key, NULL in a list */
	int inline_next;	/* the cursor is after "- ": no indent */
	const char *key;	/* pending key, printed with its value */
};

/* indent: n levels of two blanks, unless the cursor is after a list
 * item's "- " (inline_next, then cleared): the map item goes on there. */
static void
indent(struct text *t, int n)
{
	int i;

	if (t->inline_next) {
		t->inline_next = 0;
		return;
	}
	for (i = 0; i < n; i++)
		fputs("  ", t->out);
}

/* announce: the header of level d (d >= 1), opened at depth d: "key:"
 * in a map, "-" in a list (a map item goes on after "- " on the same
 * line); with empty, " (none)" and the end of the line. */
static void
announce(struct text *t, int d, int empty)
{
	int in_list = d - 1 < MAX_DEPTH && t->kind[d - 1] == 'l';

	indent(t, d - 1);
	if (in_list) {
		if (empty) {
			fputs("- (none)\n", t->out);
		} else if (d < MAX_DEPTH && t->kind[d] == 'm') {
			fputs("- ", t->out);
			t->inline_next = 1;
		} else {
			fputs("-\n", t->out);
		}
	} else {
		fprintf(t->out, "%s:%s\n", t->pkey[d] != NULL ? t->pkey[d] :
		    "?", empty ? " (none)" : "");
	}
	t->pending[d] = 0;
}

/* flush: announce the levels opened with nothing in them yet. */
static void
flush(struct text *t)
{
	int d;

	for (d = 1; d < t->depth && d < MAX_DEPTH; d++)
		if (t->pending[d])
			announce(t, d, 0);
}

/* lead: what comes before a value: "key: " or "- ". */
static void
lead(struct text *t)
{
	flush(t);
	indent(t, t->depth - 1);
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
		flush(t);
		if (t->depth < MAX_DEPTH) {
			t->pending[t->depth] = 1;
			t->pkey[t->depth] = t->key;
		}
	}
	if (t->depth < MAX_DEPTH)
		t->kind[t->depth] = kind;
	t->key = NULL;
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

	if (t->depth > 0) {
		t->depth--;
		if (t->depth > 0 && t->depth < MAX_DEPTH &&
		    t->pending[t->depth]) {
			flush(t);
			announce(t, t->depth, 1);
		}
	}
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
	/* an empty string shows as "" (a web bug's clean form: removed) */
	fprintf(t->out, "%s\n", n == 0 ? "\"\"" :
	    rf_escape_text(buf, sizeof(buf), tmp, TEXT_MAX));
	free(tmp);
}

static void
t_string(struct sprinter *sp, const char *s)
{
	t_string_len(sp, s, strlen(s));
}

/* t_escaped: s as it is when it is safe text (printable ASCII, at most
 * RF_ERROR_MAX bytes, as the library's messages are), else as any
 * string (escaped). */
static void
t_escaped(struct sprinter *sp, const char *s)
{
	struct text *t = (struct text *)sp;
	size_t i;

	for (i = 0; s[i] != '\0' && i < RF_ERROR_MAX; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			break;
	if (i == 0 || s[i] != '\0') {
		t_string_len(sp, s, strlen(s));
		return;
	}
	lead(t);
	fprintf(t->out, "%s\n", s);
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
	t->inline_next = 0;
}

static void
t_separator(struct sprinter *sp)
{
	struct text *t = (struct text *)sp;

	putc('\n', t->out);
	t->depth = 0;
	t->key = NULL;
	t->inline_next = 0;
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
		.destroy = t_destroy, .escaped = t_escaped,
	};
	return &t->sp;
}
