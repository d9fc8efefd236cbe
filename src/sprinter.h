/*
 * sprinter.h - structured printers: JSON and readable text behind one
 * interface, as in notmuch.  A subcommand describes its output once, as
 * maps, lists and values, and the chosen printer writes it.
 *
 * JSON: one object per top-level item, one per line (JSON Lines); strings
 * are written as valid UTF-8 (invalid bytes become U+FFFD).
 * Text: an indented "key: value" outline (a map in a list starts on its
 * "- " line; no line ends with a blank); null values and their keys are
 * left out, an empty map or list shows as "key: (none)", an empty string
 * as ""; untrusted strings are escaped (control bytes as \xNN) and long
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
	/*
	 * Optional fast paths, NULL in a printer without them: a key given
	 * in the literal form SP__LIT makes (lit: ,"key": of litlen bytes,
	 * then 16 readable bytes) and its value written in one call.  Each
	 * returns 1 when it wrote them, 0 (nothing written) to have the
	 * generic calls made instead (map_key, then string, null, integer
	 * or boolean).
	 */
	int (*kvl_str)(struct sprinter *sp, const char *lit, size_t litlen,
		       const char *s);
	int (*kvl_int)(struct sprinter *sp, const char *lit, size_t litlen,
		       long long v);
	int (*kvl_bool)(struct sprinter *sp, const char *lit, size_t litlen,
			int v);
	int (*kvl_key)(struct sprinter *sp, const char *lit, size_t litlen);
	/*
	 * Optional, NULL to have string called instead: a string that is
	 * already safe text, a library error message (which escapes what
	 * it quotes, redflag/error.h), so that the text printer does not
	 * escape its backslashes a second time.
	 */
	void (*escaped)(struct sprinter *sp, const char *s);
};

/* Both return NULL when out of memory. */
struct sprinter *sprinter_json_new(FILE *out);
struct sprinter *sprinter_text_new(FILE *out);

/* Convenience: a key and a string, or null when s is NULL. */
void sp_kv_str(struct sprinter *sp, const char *key, const char *s);
void sp_kv_int(struct sprinter *sp, const char *key, long long v);
void sp_kv_bool(struct sprinter *sp, const char *key, int v);
/* sp_kv_escaped: a key and a library error message (the escaped method,
 * or string). */
void sp_kv_escaped(struct sprinter *sp, const char *key, const char *s);

/*
 * The same for a key given as a string literal of printable ASCII other
 * than '"' and '\\' (not checked): SP_KV_STR(sp, "url", s) is
 * sp_kv_str(sp, "url", s) and writes the same bytes, but the JSON printer
 * writes the key, its quotes and separators (,"url":) as one precomputed
 * literal and the value straight into its buffer (its kvl_ methods).
 * Any other printer gets the calls sp_kv_str and the others make.
 * SP_KEY(sp, "links") is sp->map_key(sp, "links").
 * SP__LIT(key): the key, then its JSON form padded with 16 NUL bytes (the
 * printer copies 16 bytes at once), then the length of that form.
 */
#define SP__LIT(key) key, ",\"" key "\":" \
	"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", sizeof(key) + 3
#define SP_KV_STR(sp, key, s) sp_kvl_str((sp), SP__LIT(key), (s))
#define SP_KV_INT(sp, key, v) sp_kvl_int((sp), SP__LIT(key), (v))
#define SP_KV_BOOL(sp, key, v) sp_kvl_bool((sp), SP__LIT(key), (v))
#define SP_KEY(sp, key) sp_kvl_key((sp), SP__LIT(key))

/* The functions behind them: key as given to map_key, lit its JSON form
 * ,"key": of litlen bytes followed by 16 readable bytes.  Inline, so that
 * a printer's kvl_ method is called straight from the report. */
static inline void
sp_kvl_str(struct sprinter *sp, const char *key, const char *lit,
	   size_t litlen, const char *s)
{
	if (sp->kvl_str == NULL || !sp->kvl_str(sp, lit, litlen, s))
		sp_kv_str(sp, key, s);
}

static inline void
sp_kvl_int(struct sprinter *sp, const char *key, const char *lit,
	   size_t litlen, long long v)
{
	if (sp->kvl_int == NULL || !sp->kvl_int(sp, lit, litlen, v))
		sp_kv_int(sp, key, v);
}

static inline void
sp_kvl_bool(struct sprinter *sp, const char *key, const char *lit,
	    size_t litlen, int v)
{
	if (sp->kvl_bool == NULL || !sp->kvl_bool(sp, lit, litlen, v))
		sp_kv_bool(sp, key, v);
}

static inline void
sp_kvl_key(struct sprinter *sp, const char *key, const char *lit,
	   size_t litlen)
{
	if (sp->kvl_key == NULL || !sp->kvl_key(sp, lit, litlen))
		sp->map_key(sp, key);
}

#endif
