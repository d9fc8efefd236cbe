/*
 * sprinter.h - structured printers: JSON and readable text behind one
 * interface, as in notmuch.  A subcommand describes its output once, as
 * maps, lists and values, and the chosen printer writes it.
 *
 * JSON: one object per top-level item, one per line (JSON Lines); strings
 * are written as valid UTF-8 (invalid bytes become U+FFFD).
 * Text: an indented "key: value" outline; null values and their keys are
 * left out; untrusted strings are escaped (control bytes as \xNN) and long
 * ones cut, so the output is safe on a terminal.
 */
#ifndef REDFLAG_SPRINTER_H
#define REDFLAG_SPRINTER_H

#include <stddef.h>
#include <stdio.h>

struct sprinter {
	void (*begin_map)(struct sprinter *sp);
	void (*begin_list)(struct sprinter *sp);
	void (*end)(struct sprinter *sp);
	void (*string)(struct sprinter *sp, const char *s);
	void (*string_len)(struct sprinter *sp, const char *s, size_t n);
	void (*integer)(struct sprinter *sp, long long v);
	void (*real)(struct sprinter *sp, double v);
	void (*boolean)(struct sprinter *sp, int v);
	void (*null)(struct sprinter *sp);
	void (*map_key)(struct sprinter *sp, const char *key);
	/* resume_map: go on with a top-level map whose opening and first
	 * members were written earlier, by another printer of the same
	 * format (scan spools the start of each report and finishes it in
	 * its second pass). */
	void (*resume_map)(struct sprinter *sp);
	/* separator: ends one top-level item (a newline in both formats) */
	void (*separator)(struct sprinter *sp);
	void (*destroy)(struct sprinter *sp);
};

/* Both return NULL when out of memory. */
struct sprinter *sprinter_json_new(FILE *out);
struct sprinter *sprinter_text_new(FILE *out);

/* Convenience: a key and a string, or null when s is NULL. */
void sp_kv_str(struct sprinter *sp, const char *key, const char *s);
void sp_kv_int(struct sprinter *sp, const char *key, long long v);
void sp_kv_bool(struct sprinter *sp, const char *key, int v);

#endif
