/*
 * rewrite.c - a message written back with its tracking links neutralised
 * (redflag/rewrite.h): the substitutions collected from the analysed
 * links, the text leaves located in the original bytes, their
 * replacements (rewrite_leaf.c) recorded as edits, the edited message
 * written.  docs/tracking.md, "Rewriting a message".
 */
#include <gmime/gmime.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "rewrite_int.h"

/* grow_edits: room for more edits in c (up to max_edits); 0, or -1
 * when out of memory. */
static int
grow_edits(rf_rewrite *c)
{
	size_t cap = c->edcap * 2 + 16;
	struct rf__edit *e;

	if (cap > c->max_edits)
		cap = c->max_edits;
	if ((e = realloc(c->edits, cap * sizeof(*e))) == NULL)
		return -1;
	c->edits = e;
	c->edcap = cap;
	return 0;
}

/* reading: RF__READ_* of the decoded leaf p[0..n) of a part declaring
 * charset (NULL: none), as the analysis reads it (rf__text_reading, the
 * analysis' own decision, asked without the text).  A trial conversion
 * only for a declared charset other than UTF-8, ASCII, Latin-1 or
 * Windows-1252 (of each distinct 8-bit byte value only, in a single-byte
 * one).  The whole leaf: the analysis reads at most max_part_size bytes
 * of it (lib/message.c, to_utf8), a cut it reports as a limit hit. */
static int
reading(rf_rewrite *c, const char *charset, const guint8 *p, size_t n)
{
	return rf__text_reading(c->convc, charset, (const char *)p, n, NULL,
	    NULL);
}

/* orig_reading: reading of the leaf orig, decided once per leaf (*r0,
 * -1 until then): the NUL pass and keep_reading both ask for it. */
static int
orig_reading(rf_rewrite *c, const char *charset, const GByteArray *orig,
	     int *r0)
{
	if (*r0 < 0)
		*r0 = reading(c, charset, orig->data, orig->len);
	return *r0;
}

/* utf8_read: the leaf orig (declaring charset, NULL: none) is read as
 * UTF-8 (repaired), not as Windows-1252 nor in a declared single-byte
 * charset (orig_reading). */
static int
utf8_read(rf_rewrite *c, const char *charset, const GByteArray *orig,
	  int *r0)
{
	return (charset == NULL ||
	    !rf__charset_single_byte(g_mime_charset_iconv_name(charset))) &&
	    orig_reading(c, charset, orig, r0) == RF__READ_UTF8;
}

/* dashes: the line l[0..n) starts with "--" once its NUL bytes are left
 * out. */
static int
dashes(const guint8 *l, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n && k < 2; i++) {
		if (l[i] == '\0')
			continue;
		if (l[i] != '-')
			return 0;
		k++;
	}
	return k == 2;
}

/* kept_live: the substitutions (not text) whose from, or its "&amp;"
 * form, the line l[0..n) holds once its NUL bytes are left out, marked
 * live (counted missed, so reported): drop_nul keeps that line's NULs,
 * so an occurrence there is not matched, and the one matched elsewhere
 * may be where the analysis read no link (seed nul-dashes-live).  With
 * charset (not NULL) the line is read as the analysis reads a part in
 * that charset (rf__text_reading: converted, its NULs dropped). */
static void
kept_live(rf_rewrite *c, const char *charset, const guint8 *l, size_t n)
{
	rf_buf t;
	size_t i;

	rf_buf_init(&t, 0);	/* bounded by the line */
	if (charset != NULL)
		rf__text_reading(c->convc, charset, (const char *)l, n, &t,
		    NULL);
	else
		for (i = 0; i < n; i++)
			if (l[i] != '\0')
				rf_buf_putc(&t, (char)l[i]);
	for (i = 0; i < c->nsubst; i++) {
		struct rf__subst *s = &c->subst[i];

		if (!s->text && s->fl > 0 && (memmem(t.data, t.len, s->from,
		    s->fl) != NULL || (s->afrom != NULL && memmem(t.data,
		    t.len, s->afrom, s->afl) != NULL)))
			s->live = 1;
	}
	rf_buf_free(&t);
}

/* open_utf8: d[0..k) ends in a UTF-8 character begun and not complete:
 * a lead byte (0xC2-0xF4) and fewer continuation bytes than it asks
 * for, which a continuation byte after a NUL would go on with once the
 * NUL is left out. */
static int
open_utf8(const guint8 *d, size_t k)
{
	size_t back, need;
	unsigned c;

	for (back = 1; back <= 3 && back <= k; back++) {
		if ((c = d[k - back]) >= 0x80 && c <= 0xBF)
			continue;	/* a continuation: further back */
		need = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ?
		    2 : c >= 0xF0 && c <= 0xF4 ? 3 : 0;
		return need >= back;
	}
	return 0;
}

/* drop_nul: the NUL bytes of the decoded leaf content left out where the
 * analysis drops them, so that the leaf is matched as the analysis read
 * it: a URL holding a NUL ("optout.php?e\0mail=ADDRESS") is a link
 * without it to the analysis, which a byte match of its from would miss
 * (and the same URL replaced elsewhere hid the miss from the count).
 * The leaf is written without them only when something in it is
 * replaced (a NUL has no place in a text part: RFC 2045, 2.7, 2.8).
 * Left out only where that reads as the analysis read it:
 *  - in a part the analysis read as UTF-8 or Windows-1252 (reading of
 *    the leaf orig, *r0: orig_reading), or in a declared single-byte
 *    charset (rf__charset_single_byte; seed nul-latin1; no reading asked
 *    then); not in another declared charset: in UTF-16 a NUL byte is
 *    part of a character, in ISO-2022-JP one inside a pair or an escape
 *    sequence made it invalid;
 *  - not between a character begun and not complete (open_utf8) and a
 *    continuation byte (0x80-0xBF) in a leaf read as UTF-8: the
 *    analysis checks UTF-8 with the NULs in place, so that "\xc4\0\x90"
 *    is two U+FFFD to it, "\xc4\x90" a character (seed
 *    fuzz_rewrite/nul-joins-utf8).  Elsewhere no character goes on over
 *    the NUL, so it goes: "\xff\0\xff" is two U+FFFD either way, and so
 *    is "\xff\0\xa7" (until s34 a NUL after any 8-bit byte and before a
 *    continuation byte was kept: a URL holding one was no from there,
 *    left live, while the same from replaced elsewhere hid it from the
 *    count: s34's eighth strict run, seed nul-after-ff-live).  Read as
 *    Windows-1252 or in a declared single-byte charset, "\xff\0\xff"
 *    is "\xff\xff" to it.  (Until s30
 *    every NUL between two 8-bit bytes was kept: such a web bug was
 *    left live, and the same URL elsewhere emptied hid it from the
 *    count: s30's fourth strict run, seeds nul-8bit-1252,
 *    nul-8bit-utf8.)
 *  - the MIME structure is read in the raw bytes, NULs included: not on
 *    a line that without them starts with "--" (it could be read as a
 *    boundary of an enclosing multipart).
 * A link on a line so kept is counted missed (kept_live), and so is one
 * on any line holding a NUL in another declared charset, whose NULs all
 * stay, that line read as the analysis reads it (converted, its NULs
 * dropped): converted from a charset that keeps a NUL byte a character
 * of its own, the analysis drops it, and the link it read there is not
 * matched, while the same from elsewhere may be (s34's tenth strict
 * run: "...&body=r0\0@example.org" in an href under ks_c_5601-1987,
 * the same URL without the NUL in the text before it; seeds
 * nul-declared-live, nul-declared-live-min).  The first
 * line of a leaf that starts where the analysis ended the header block
 * at a line that is no header field loses its NULs like any other: the
 * blank line rf_rewrite_write puts before it keeps it in the body (seeds
 * nul-header-line, nul-folded-line and nul-from-line, where without its
 * NULs the line read as a header field, a line of the field before it,
 * or an mbox From_ line, were kept whole until s26, their links left
 * live). */
static void
drop_nul(rf_rewrite *c, GByteArray *content, const char *charset,
	 const GByteArray *orig, int *r0)
{
	guint8 *d = content->data, *nl;
	size_t i, j, q, k = 0, le, n = content->len;
	int declared;	/* every NUL kept (a declared charset) */

	if (n == 0 || memchr(d, '\0', n) == NULL)
		return;
	declared = !rf__is_utf8_charset(charset) &&
	    !rf__charset_single_byte(g_mime_charset_iconv_name(charset)) &&
	    orig_reading(c, charset, orig, r0) == RF__READ_DECLARED;
	for (i = 0; i < n; i = le) {
		le = (nl = memchr(d + i, '\n', n - i)) != NULL ?
		    (size_t)(nl - d) + 1 : n;
		if (declared || memchr(d + i, '\0', le - i) == NULL ||
		    dashes(d + i, le - i)) {
			if (memchr(d + i, '\0', le - i) != NULL)
				kept_live(c, declared ? charset : NULL, d + i,
				    le - i);
			memmove(d + k, d + i, le - i);
			k += le - i;
			continue;
		}
		for (j = i; j < le; j = q) {
			if (d[j] != '\0') {
				d[k++] = d[j];
				q = j + 1;
				continue;
			}
			for (q = j; q < le && d[q] == '\0'; q++)
				;
			if (q < n && d[q] >= 0x80 && d[q] <= 0xBF &&
			    open_utf8(d, k) && utf8_read(c, charset, orig,
			    r0)) {
				memmove(d + k, d + j, q - j);	/* kept */
				k += q - j;
			}
		}
	}
	g_byte_array_set_size(content, (guint)k);
}

/* as_read_utf8: *buf with each byte that is no UTF-8 written U+FFFD, as
 * the analysis reads a part it reads as UTF-8 (repaired); NUL bytes kept
 * (it drops them). */
static void
as_read_utf8(GByteArray **buf)
{
	GByteArray *in = *buf, *out;
	size_t i, good;

	out = g_byte_array_sized_new(in->len + 16);
	for (i = 0; i < in->len; i += good + 1) {
		good = rf__utf8_bad(in->data + i, in->len - i);
		g_byte_array_append(out, in->data + i, (guint)good);
		if (i + good == in->len)
			break;
		if (in->data[i + good] == '\0')	/* kept as it was */
			g_byte_array_append(out, in->data + i + good, 1);
		else
			g_byte_array_append(out,
			    (const guint8 *)"\xEF\xBF\xBD", 3);
	}
	g_byte_array_free(in, TRUE);
	*buf = out;
}

/* keep_reading: the rewritten leaf *buf read by the analysis as it read
 * the leaf orig (reading; orig's decided once, *r0), else made so: when
 * the analysis read orig as UTF-8 (repaired) and the part declares
 * UTF-8, ASCII or nothing, *buf with each byte that is no UTF-8 written
 * U+FFFD, as the analysis read those bytes (NUL bytes kept: it drops
 * them); replacing a link that held
 * the only bytes Windows-1252 leaves undefined, or the NUL bytes before
 * the first invalid one, would else turn the part's reading over to
 * Windows-1252, and its other 8-bit bytes into other text, links the
 * input did not have (seed fuzz_rewrite/charset-flip); when it read orig
 * as Windows-1252 and *buf is ASCII (its last 8-bit bytes replaced, an
 * "<img src=\xfd>" emptied), read as UTF-8 it reads the same.  0, or -1
 * when the reading would change otherwise (the leaf is then not rewritten:
 * counted skipped, so reported; the hits its replacements counted stay,
 * which skipped covers). */
static int
keep_reading(rf_rewrite *c, const char *charset, const GByteArray *orig,
	     int *r0, GByteArray **buf)
{
	int now = reading(c, charset, (*buf)->data, (*buf)->len);

	if (now == orig_reading(c, charset, orig, r0) ||
	    (*r0 == RF__READ_1252 && now == RF__READ_UTF8 &&
	    rf__rewrite_ascii((*buf)->data, (*buf)->len)))
		return 0;
	if (*r0 != RF__READ_UTF8 || !rf__is_utf8_charset(charset))
		return -1;
	as_read_utf8(buf);
	return 0;
}

/* other_leaf: the text substitutions (rf_rewrite_add: an address
 * redacted) made in the decoded content of a leaf that is neither
 * text/plain nor text/html (an attachment, a text/calendar): every
 * occurrence, in any ASCII case, wherever it stands; no link is looked
 * for there (the analysis reads none).  1 when *buf changed, else 0. */
static int
other_leaf(rf_rewrite *c, GByteArray **buf, size_t *count)
{
	size_t i;
	int changed = 0;

	for (i = 0; i < c->nsubst; i++)
		if (c->subst[i].text)
			changed |= rf__rewrite_replace_all(NULL, buf,
			    c->subst[i].from, c->subst[i].to, 1, 0, NULL, NULL,
			    count);
	return changed;
}

/* clean_leaf: part's replacements recorded as an edit of c, when it is a
 * text/plain or text/html leaf (or, with a text substitution, any leaf:
 * other_leaf) whose bytes are located in c->data and something changes
 * (the leaf read without its NUL bytes, as the analysis reads it:
 * drop_nul; and read by the analysis as it was: keep_reading). */
static void
clean_leaf(rf_rewrite *c, GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeContentType *ct;
	GMimeStream *src, *mem;
	GByteArray *content, *enc, *orig;
	const char *charset;
	size_t start, end, count = 0;
	int changed, html, text, crlf, r0 = -1;

	ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	if (w == NULL || ct == NULL)
		return;
	html = g_mime_content_type_is_type(ct, "text", "html");
	text = html || g_mime_content_type_is_type(ct, "text", "plain");
	if (!text && !c->texts)
		return;
	src = g_mime_data_wrapper_get_stream(w);
	if (src == NULL || src->bound_start < (gint64)c->gm_body ||
	    src->bound_end < src->bound_start ||
	    (size_t)src->bound_end - c->gm_body > c->len - c->body) {
		c->skipped++;
		return;
	}
	if (c->nedits == c->max_edits) {
		/* no room to record a change: not decoded */
		c->limits_hit |= RF_LIMIT_REWRITE_EDITS;
		return;
	}
	if (c->nedits == c->edcap && grow_edits(c) != 0) {
		c->skipped++;
		return;
	}
	start = c->body + ((size_t)src->bound_start - c->gm_body);
	end = c->body + ((size_t)src->bound_end - c->gm_body);
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(w, mem);
	orig = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	content = g_byte_array_new();
	g_byte_array_append(content, orig->data, orig->len);
	if (!text) {
		changed = other_leaf(c, &content, &count);
		goto done;
	}
	charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part),
	    "charset");
	drop_nul(c, content, charset, orig, &r0);
	/* A from holding U+FFFD may be the analysis' reading of a byte that
	 * is no UTF-8 (an src "\xfd"): matched in the raw bytes, it is
	 * missed there, and a U+FFFD written as such elsewhere, where the
	 * analysis read no link, counted in its place (s26 strict run,
	 * seed fffd-src-live).  Matched in the leaf as the analysis read it,
	 * which written so reads the same. */
	if (c->fffd && rf__is_utf8_charset(charset) && orig_reading(c,
	    charset, orig, &r0) == RF__READ_UTF8)
		as_read_utf8(&content);
	if ((changed = rf__rewrite_leaf(c, html, charset, &content,
	    &count)) < 0)
		c->skipped++;
	if (changed > 0 && keep_reading(c, charset, orig, &r0, &content) !=
	    0) {
		c->skipped++;
		changed = 0;
	}
done:
	g_object_unref(mem);	/* orig with it */
	if (changed <= 0) {
		g_byte_array_free(content, TRUE);
		return;
	}
	crlf = memmem(c->data + start, end - start, "\r\n", 2) != NULL;
	enc = rf__rewrite_encode(g_mime_part_get_content_encoding(part),
	    content, crlf);
	/* keep the line end that closed the original region */
	if (end > start && c->data[end - 1] == '\n' && (enc->len == 0 ||
	    enc->data[enc->len - 1] != '\n'))
		g_byte_array_append(enc, (const guint8 *)(crlf ? "\r\n" : "\n"),
		    crlf ? 2 : 1);
	c->edits[c->nedits].off = start;
	c->edits[c->nedits].end = end;
	c->edits[c->nedits].len = enc->len;
	c->edits[c->nedits].data = (char *)g_byte_array_free(enc, FALSE);
	c->nedits++;
	g_byte_array_free(content, TRUE);
}

/* walk: clean_leaf on every leaf of obj, embedded messages included (at
 * most 64 levels down). */
static void
walk(rf_rewrite *c, GMimeObject *obj, unsigned depth)
{
	int i, n;

	if (obj == NULL || depth > 64)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < n; i++)
			walk(c, g_mime_multipart_get_part(GMIME_MULTIPART(obj),
			    i), depth + 1);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *em = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));

		if (em != NULL)
			walk(c, g_mime_message_get_mime_part(em), depth + 1);
	} else if (GMIME_IS_PART(obj)) {
		clean_leaf(c, GMIME_PART(obj));
	}
}

/* index_put: subst[i] into the index (which has room). */
static void
index_put(rf_rewrite *k, size_t i)
{
	size_t h = (size_t)k->subst[i].hash;

	while (k->slot[h & k->mask] != 0)
		h++;
	k->slot[h & k->mask] = i + 1;
}

/* has_from: 1 + the index of the substitution of from (hash h), 0 when
 * there is none yet.  (The index spares the comparison with every one: a
 * message's links times the recipients its links are collected for.) */
static size_t
has_from(const rf_rewrite *k, const char *from, uint64_t h)
{
	size_t j, p = (size_t)h;

	if (k->slot == NULL)
		return 0;
	for (;; p++) {
		if ((j = k->slot[p & k->mask]) == 0)
			return 0;
		if (k->subst[j - 1].hash == h &&
		    strcmp(k->subst[j - 1].from, from) == 0)
			return j;
	}
}

int
rf__rewrite_subst(rf_rewrite *k, const char *from, uint64_t h,
		  const char *to, int text)
{
	size_t i, size;

	if (k->nsubst == k->cap) {
		struct rf__subst *v = realloc(k->subst, (k->cap * 2 + 16) *
		    sizeof(*v));

		if (v == NULL)
			return -1;
		k->subst = v;
		k->cap = k->cap * 2 + 16;
	}
	if (k->slot == NULL || 2 * (k->nsubst + 1) > k->mask + 1) {
		size_t *slot;

		for (size = 32; size < 4 * (k->nsubst + 1); size *= 2)
			;
		if ((slot = calloc(size, sizeof(*slot))) == NULL)
			return -1;
		free(k->slot);
		k->slot = slot;
		k->mask = size - 1;
		for (i = 0; i < k->nsubst; i++)
			index_put(k, i);
	}
	k->subst[k->nsubst].from = from;
	k->subst[k->nsubst].to = to;
	k->subst[k->nsubst].text = text;
	k->subst[k->nsubst].hash = h;
	k->subst[k->nsubst].occ = 0;
	k->subst[k->nsubst].walk = 0;
	k->subst[k->nsubst].hits = 0;
	k->subst[k->nsubst].live = 0;
	k->subst[k->nsubst].afrom = NULL;
	k->subst[k->nsubst].ato = NULL;
	k->subst[k->nsubst].site = RF__SITE_NONE;
	if (rf__rewrite_note(k, &k->subst[k->nsubst]) != 0)
		return -1;
	index_put(k, k->nsubst);
	k->nsubst++;
	return 0;
}

/* count: one more substitution s (of kind site, or a clean form: a link
 * rewritten, or "" a web bug) in k's counts; -1 takes it out again. */
static void
count(rf_rewrite *k, const struct rf__subst *s, int site, int d)
{
	if (site != RF__SITE_NONE)
		k->nsite[site] += (size_t)d;
	else if (s->to[0] == '\0')
		k->bugs += (size_t)d;
	else
		k->links += (size_t)d;
}

/* strength: how much of a link the substitution of kind site (RF__SITE_*)
 * leaves: 2 nothing (""), 1 its site or address, 0 its clean form. */
static int
strength(int site)
{
	return site == RF__SITE_IMAGE || site == RF__SITE_EMPTY ? 2 :
	    site != RF__SITE_NONE;
}

/* collect_site: l's substitution under the policy sites into k (not a
 * header link): its site form, else its clean form when it tracks.  A
 * URL collected before takes it when it is stronger (a clean form
 * becomes a site, a site "" when the same URL is also an image): what
 * one of its links needs holds for all of them.  0, or -1 when out of
 * memory (k->st set). */
static int
collect_site(rf_rewrite *k, rf_link *l)
{
	const char *to;
	struct rf__subst *s;
	uint64_t h = XXH3_64bits(l->url, strlen(l->url));
	size_t i = has_from(k, l->url, h);
	int site;

	if (i != 0 && (k->subst[i - 1].text || strength(k->subst[i -
	    1].site) == 2)) {
		k->subst[i - 1].walk++;
		return 0;
	}
	if ((site = rf__rewrite_site_form(k->arena, l, &to)) < 0)
		goto nomem;
	if (site == RF__SITE_NONE)
		to = l->tracking && l->clean != NULL ? l->clean : l->url;
	if (i != 0) {
		/* collected before (rf_rewrite_collect, _known, or here):
		 * the stronger form replaces that one */
		s = &k->subst[i - 1];
		s->walk++;
		if ((s->site == site && strcmp(s->to, to) == 0) ||
		    (s->site != RF__SITE_NONE && strength(site) <=
		    strength(s->site)))
			return 0;
		count(k, s, s->site, -1);
		s->site = site;
		if (strcmp(s->to, to) != 0) {	/* (a web bug stays "") */
			free(s->afrom);
			free(s->ato);
			s->to = to;
			if (rf__rewrite_note(k, s) != 0) {
				count(k, s, site, 1);
				goto nomem;
			}
		}
		count(k, s, site, 1);
		return 0;
	}
	if (strcmp(to, l->url) == 0)
		return 0;
	if (rf__rewrite_subst(k, l->url, h, to, 0) != 0)
		goto nomem;
	s = &k->subst[k->nsubst - 1];
	s->walk = 1;
	s->site = site;
	count(k, s, site, 1);
	return 0;
nomem:
	k->st = rf_error_set(k->err, RF_ENOMEM, "out of memory");
	return -1;
}

/* note_kept: url (hash h), a click wrapper the policy known leaves as it
 * is, noted in k once; 0, or -1 when out of memory (k->st set). */
static int
note_kept(rf_rewrite *k, const char *url, uint64_t h)
{
	struct rf__kept *v;
	size_t i;

	for (i = 0; i < k->nkept; i++)
		if (k->kept[i].hash == h && strcmp(k->kept[i].url, url) == 0)
			return 0;
	if (k->nkept == k->kcap) {
		if ((v = realloc(k->kept, (k->kcap * 2 + 8) *
		    sizeof(*v))) == NULL) {
			k->st = rf_error_set(k->err, RF_ENOMEM,
			    "out of memory");
			return -1;
		}
		k->kept = v;
		k->kcap = k->kcap * 2 + 8;
	}
	k->kept[k->nkept].url = url;
	k->kept[k->nkept++].hash = h;
	return 0;
}

/* collect: l's substitution into arg (an rf_rewrite), as rf_tracking_walk
 * calls it; 0, or -1 when it failed (k->st, k->err set). */
static int
collect(rf_link *l, void *arg)
{
	rf_rewrite *k = arg;
	const char *clean = l->clean;
	uint64_t h = 0;
	size_t i;
	int wrapper = 0;

	if (k->sites && l->kind != RF_LINK_HEADER)
		return collect_site(k, l);
	if (!l->tracking || l->clean == NULL || strcmp(l->clean, l->url) == 0)
		return 0;
	if (l->kind != RF_LINK_HEADER) {
		/* once collected (for an earlier recipient, or an equal
		 * link), nothing more to do but count it */
		h = XXH3_64bits(l->url, strlen(l->url));
		if ((i = has_from(k, l->url, h)) != 0) {
			k->subst[i - 1].walk++;
			return 0;
		}
	}
	if (k->known && l->kind != RF_LINK_HEADER) {
		/* only known tracking parameters and web bugs, as the
		 * policy known reads the link's reasons (a web bug by its
		 * form stays ""; an open pixel by its name, "" under links,
		 * keeps its URL when it declares a real size) */
		if ((k->st = rf_tracking_clean_known(k->rules, k->arena, l,
		    &clean, &wrapper, k->err)) != RF_OK)
			return -1;
		if (strcmp(clean, l->url) == 0)
			return wrapper ? note_kept(k, l->url, h) : 0;
	}
	if (l->kind == RF_LINK_HEADER) {
		for (i = 0; i < l->nreasons; i++)
			if (strncmp(l->reasons[i], "known-param:utm", 15) != 0)
				k->unsub = 1;
		return 0;
	}
	if (rf__rewrite_subst(k, l->url, h, clean, 0) != 0) {
		k->st = rf_error_set(k->err, RF_ENOMEM, "out of memory");
		return -1;
	}
	k->subst[k->nsubst - 1].walk = 1;
	if (clean[0] == '\0')
		k->bugs++;
	else
		k->links++;
	return 0;
}

/* sort_edits: qsort order of edits, by offset. */
static int
sort_edits(const void *x, const void *y)
{
	const struct rf__edit *a = x, *b = y;

	return a->off < b->off ? -1 : a->off > b->off;
}

rf_status
rf_rewrite_new(const rf_limits *limits, rf_rewrite **out, rf_error *err)
{
	rf_limits def;

	if (limits == NULL) {
		rf_limits_default(&def);
		limits = &def;
	}
	if ((*out = calloc(1, sizeof(**out))) == NULL ||
	    ((*out)->convc = rf__conv_cache_new()) == NULL) {
		free(*out);
		*out = NULL;
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	(*out)->max_edits = limits->max_rewrite_edits;
	(*out)->max_part = limits->max_part_size;
	(*out)->max_depth = limits->max_html_depth;
	return RF_OK;
}

void
rf_rewrite_free(rf_rewrite *rw)
{
	size_t i;

	if (rw == NULL)
		return;
	for (i = 0; i < rw->nedits; i++)
		g_free(rw->edits[i].data);
	for (i = 0; i < rw->nsubst; i++) {
		free(rw->subst[i].afrom);
		free(rw->subst[i].ato);
	}
	free(rw->edits);
	free(rw->kept);
	free(rw->subst);
	free(rw->slot);
	free(rw->lens);
	rf__conv_cache_free(rw->convc);
	free(rw);
}

/* collect_walk: collect over m's links (known: 1 known parameters only,
 * 2 sites, 0 every code); RF_OK, or the failure collect recorded. */
static rf_status
collect_walk(rf_rewrite *rw, rf_message *m, int known, rf_error *err)
{
	size_t i;

	rw->known = known == 1;
	rw->sites = known == 2;
	rw->st = RF_OK;
	rw->err = err;
	if (rf_tracking_walk(m, collect, rw) != 0 && rw->st == RF_OK)
		rw->st = rf_error_set(err, RF_ENOMEM, "out of memory");
	/* the occurrences of each link in this analysis */
	for (i = 0; i < rw->nsubst; i++) {
		if (rw->subst[i].walk > rw->subst[i].occ)
			rw->subst[i].occ = rw->subst[i].walk;
		rw->subst[i].walk = 0;
	}
	rw->known = 0;
	rw->sites = 0;
	rw->err = NULL;
	return rw->st;
}

rf_status
rf_rewrite_collect(rf_rewrite *rw, rf_message *m, rf_error *err)
{
	return collect_walk(rw, m, 0, err);
}

rf_status
rf_rewrite_collect_known(rf_rewrite *rw, const rf_rules *rules,
			 rf_message *m, rf_error *err)
{
	rw->rules = rules;
	rw->arena = m->arena;
	return collect_walk(rw, m, 1, err);
}

rf_status
rf_rewrite_collect_sites(rf_rewrite *rw, rf_message *m, rf_error *err)
{
	rw->arena = m->arena;
	rw->site_policy = 1;
	return collect_walk(rw, m, 2, err);
}

rf_status
rf_rewrite_add(rf_rewrite *rw, const char *from, const char *to,
	       rf_error *err)
{
	if (*from == '\0')
		return RF_OK;
	if (rf__rewrite_subst(rw, from, XXH3_64bits(from, strlen(from)), to,
	    1) != 0)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	rw->texts = 1;
	return RF_OK;
}

size_t
rf_rewrite_links(const rf_rewrite *rw)
{
	return rw->nsubst;
}

rf_status
rf_rewrite_prepare(rf_rewrite *rw, const char *data, size_t len,
		   rf_error *err)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *gm;
	GByteArray *copy;
	size_t i;
	int blank;

	rw->data = data;
	rw->len = len;
	/* An mbox From_ line is not a header: the message after it is
	 * parsed as one message, as the analysis does.  (GMime's mbox
	 * format would end it at a body line "From ...", leaving the
	 * links below it unrewritten.) */
	rw->base = rf__skip_from_line(data, len);
	/* GMime is given what the analysis gives it (rf__mime_fields):
	 * the block's MIME fields, a blank line, the body from where the
	 * analysis starts it (the first line that is no header field, when
	 * no blank line ends the block: GMime would read such lines as
	 * headers).  So the occurrences replaced are those the analysis
	 * read, and a header GMime reads otherwise (a name longer than its
	 * 4 KiB scan buffer) changes nothing.  Offsets in GMime's bytes
	 * from gm_body on are those of data from body on. */
	copy = rw->nsubst > 0 ? g_byte_array_sized_new((guint)(len - rw->base +
	    2)) : NULL;	/* the fields, line ends and the body fit */
	rw->body = rw->base + rf__mime_fields(data + rw->base,
	    len - rw->base, copy, &blank);
	rw->ins = blank || rw->body == len ? SIZE_MAX : rw->body;
	rw->ins_eol = rw->body >= 2 && data[rw->body - 2] == '\r' ?
	    "\r\n" : "\n";
	if (rw->nsubst == 0)
		return RF_OK;
	rw->fffd = 0;
	for (i = 0; i < rw->nsubst; i++) {
		rw->subst[i].hits = rw->subst[i].live = 0;
		if (strstr(rw->subst[i].from, "\xEF\xBF\xBD") != NULL)
			rw->fffd = 1;
	}
	rw->prepared = 1;
	rf__gmime_init();
	g_byte_array_append(copy, (const guint8 *)"\n", 1);
	rw->gm_body = copy->len;
	g_byte_array_append(copy, (const guint8 *)data + rw->body,
	    (guint)(len - rw->body));
	stream = g_mime_stream_mem_new_with_byte_array(copy);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	gm = g_mime_parser_construct_message(parser, NULL);
	if (gm != NULL)
		walk(rw, g_mime_message_get_mime_part(gm), 0);
	else
		rw->skipped++;
	if (gm != NULL)
		g_object_unref(gm);
	g_object_unref(parser);
	g_object_unref(stream);
	if (rw->nedits > 0)
		qsort(rw->edits, rw->nedits, sizeof(rw->edits[0]),
		    sort_edits);
	return RF_OK;
}

size_t
rf_rewrite_body_offset(const rf_rewrite *rw)
{
	return rw->body;
}

size_t
rf_rewrite_edits(const rf_rewrite *rw)
{
	return rw->nedits;
}

rf_status
rf_rewrite_write(const rf_rewrite *rw, size_t from, rf_buf *out,
		 rf_error *err)
{
	size_t i, pos = from;

	/* The blank line GMime was given is written where the analysis
	 * ended the header block at a line that is no header field: a leaf
	 * written again from there could start with a line that reads as
	 * one ("\xa5\xa5Type:" in quoted-printable is "=A5=A5Type:"), and
	 * the body would start later, with links the input did not have
	 * (seed qp-first-line-header); and a reader that takes such lines
	 * for headers (GMime does) would read the body from elsewhere than
	 * the analysis.  Every edit is past it (leaves follow the header
	 * block). */
	if (rw->nedits > 0 && rw->ins != SIZE_MAX &&
	    from <= rw->ins) {
		pos = rw->ins;
		if (rf_buf_append(out, rw->data + from, pos - from) != 0 ||
		    rf_buf_puts(out, rw->ins_eol) != 0)
			return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	for (i = 0; i < rw->nedits; i++) {
		if (rw->edits[i].off < pos)
			continue;	/* overlapping, or before from */
		if (rf_buf_append(out, rw->data + pos,
		    rw->edits[i].off - pos) != 0 ||
		    rf_buf_append(out, rw->edits[i].data,
		    rw->edits[i].len) != 0)
			return rf_error_set(err, RF_ENOMEM, "out of memory");
		pos = rw->edits[i].end;
	}
	if (pos <= rw->len && rf_buf_append(out, rw->data + pos,
	    rw->len - pos) != 0)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	return RF_OK;
}

void
rf_rewrite_get_stats(const rf_rewrite *rw, rf_rewrite_stats *st)
{
	size_t i;

	st->links = rw->links;
	st->bugs = rw->bugs;
	st->unsub = rw->unsub;
	st->skipped = rw->skipped;
	st->limits_hit = rw->limits_hit;
	st->missed = 0;
	st->sites_policy = rw->site_policy;
	st->sites = rw->nsite[RF__SITE_LINK];
	st->addresses = rw->nsite[RF__SITE_ADDR];
	st->images = rw->nsite[RF__SITE_IMAGE];
	st->emptied = rw->nsite[RF__SITE_EMPTY];
	st->kept = 0;
	for (i = 0; i < rw->nkept; i++)
		st->kept += has_from(rw, rw->kept[i].url,
		    rw->kept[i].hash) == 0;
	for (i = 0; rw->prepared && i < rw->nsubst; i++) {
		if (rw->subst[i].text || (rw->subst[i].hits >=
		    rw->subst[i].occ && !rw->subst[i].live))
			continue;
		st->missed++;
		if (rw->subst[i].site == RF__SITE_LINK)
			st->sites--;
		else if (rw->subst[i].site == RF__SITE_ADDR)
			st->addresses--;
		else if (rw->subst[i].site == RF__SITE_IMAGE)
			st->images--;
		else if (rw->subst[i].site == RF__SITE_EMPTY)
			st->emptied--;
		else if (rw->subst[i].to[0] == '\0')
			st->bugs--;
		else
			st->links--;
	}
}
