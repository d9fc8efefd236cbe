/*
 * rewrite_int.h - private to the rewriter (rewrite.c: collecting,
 * locating the text leaves, writing; rewrite_leaf.c: the replacements in
 * one decoded leaf; rewrite_value.c: where an unquoted attribute value
 * or an attribute's or a start tag's name starts in it;
 * rewrite_encode.c: its encoding again, a from or to in its charset, the
 * charset the analysis read it in; rewrite_sites.c: the policy sites'
 * form of a link) and to its unit tests.
 */
#ifndef REDFLAG_REWRITE_INT_H
#define REDFLAG_REWRITE_INT_H

#include <gmime/gmime.h>
#include <stdint.h>

#include "internal.h"

/* One substitution: from -> to. */
struct rf__subst {
	const char *from, *to;
	int text;		/* rf_rewrite_add: anywhere, any ASCII case */
	uint64_t hash;		/* XXH3 of from: the key of the one index */
	size_t fl, tl;		/* strlen of from, to */
	size_t afl;		/* strlen of from's "&amp;" form, 0 when it has
				 * none (no '&', or text) */
	char *afrom, *ato;	/* from's and to's "&amp;" forms (malloc),
				 * made once by rf__rewrite_note when afl > 0,
				 * else NULL; ato is atl bytes */
	size_t atl;
	int wide;		/* not text, and from has a byte no URL has
				 * (a CR, a space, 8-bit): in HTML replaced
				 * before the others in the loop
				 * (replace_seq), so that a URL that is a
				 * prefix of it does not cut it short */
	int markup;		/* not text, and from and to differ in their
				 * bytes " ' < > (in order): in HTML, where
				 * it could open or close a quote or a tag,
				 * replaced only inside a quoted value whose
				 * quote its to lacks (rf__rewrite_quoted_one);
				 * elsewhere left live, counted missed */
	size_t occ;		/* links with this URL in one analysis
				 * collected (the most over the collects) */
	size_t walk;		/* the same in the collect under way */
	size_t hits;		/* occurrences replaced (plain or "&amp;"
				 * form) by prepare */
	int live;		/* markup: prepare left an occurrence of
				 * from (or its "&amp;" form) outside the
				 * quoted values it replaced in; or any:
				 * on a line whose NULs prepare kept
				 * (rewrite.c, kept_live); counted missed
				 * even when hits >= occ */
	int site;		/* RF__SITE_*: what rf_rewrite_collect_sites
				 * made of the link (RF__SITE_NONE: a clean
				 * form, a web bug, or text) */
};

/* What rf__rewrite_site_form makes of a link (rf__subst.site). */
enum {
	RF__SITE_NONE = 0,	/* nothing: the clean form is kept */
	RF__SITE_LINK,		/* scheme://host/ */
	RF__SITE_ADDR,		/* mailto:address */
	RF__SITE_IMAGE,		/* "": an image, background, stylesheet,
				 * frame or web bug not loaded */
	RF__SITE_EMPTY		/* "": a link with no site to keep, a form */
};

/* Bits of rf_rewrite.lens[n]: a from (PLAIN) or the "&amp;" form of one
 * (AMP) is n bytes long. */
#define RF__LEN_PLAIN 1u
#define RF__LEN_AMP 2u
#define RF__RUN_TEXT 4u	/* (not a length's: with them in the kinds of
			 * rf__rewrite_run_first) a text part's run, where
			 * an occurrence also starts where the analysis
			 * starts a URL (rf__rewrite_starts_url) */
#define RF__RUN_8BEFORE 8u	/* (the same) an HTML run after an 8-bit
				 * byte, which the analysis reads in the
				 * same attribute value, or after a URL
				 * byte and characters libxml2 drops from
				 * text (rf__rewrite_run_joins): no
				 * occurrence stands alone at its start */
#define RF__RUN_8AFTER 16u	/* (the same) one before an 8-bit byte,
				 * or before such characters and a URL
				 * byte: none at its end */
#define RF__RUN_OPENS 32u	/* (the same) a run the analysis reads
				 * on past in text ('(', '{'; reads_on):
				 * an empty to at its end is not made
				 * but left live */

/* One region of the original replaced. */
struct rf__edit {
	size_t off, end;	/* range of the original replaced */
	char *data;		/* new bytes (g_malloc) */
	size_t len;
};

struct rf_rewrite {
	const char *data;	/* the original message */
	size_t len;
	size_t base;		/* where GMime's bytes start: after an mbox
				 * From_ line, if any */
	size_t ins;		/* where the analysis ends the header block at
				 * a line that is no header (no blank line
				 * there), or SIZE_MAX */
	size_t gm_body;		/* where the body starts in the bytes
				 * prepare gave GMime (the MIME fields and a
				 * blank line before it) */
	size_t body;		/* where the analysis' body starts in data
				 * (rf_rewrite_body_offset) */
	const char *ins_eol;	/* the blank line rf_rewrite_write writes at
				 * ins when anything changed: "\r\n" when
				 * the header line before ends so, else "\n" */
	struct rf__subst *subst;	/* in the order collected */
	size_t nsubst, cap;
	size_t *slot;		/* index of subst by from: open addressing,
				 * 1 + subst index, 0 empty; mask + 1 slots */
	size_t mask;
	unsigned char *lens;	/* RF__LEN_* of each length < nlens */
	size_t nlens;		/* 1 + the longest from or "&amp;" form */
	size_t minfl;		/* the shortest from that is not empty */
	int fffd;		/* a from holds U+FFFD (prepare) */
	int loop;		/* a substitution the one pass cannot make
				 * (text, or a byte no URL has) */
	int eight;		/* a from holds an 8-bit byte (looked for
				 * in the charset the analysis read the
				 * leaf in: rf__rewrite_leaf) */
	int empties;		/* a to is empty (then srcset values are
				 * read: rf__rewrite_srcset) */
	int css;		/* a to is empty, or differs from its from
				 * in CSS form bytes: then where CSS
				 * url()s are is read (rf__rewrite_css_url;
				 * the entity pass reads it always, since
				 * the references it replaces hold ';') */
	int texts;		/* a text substitution (rf_rewrite_add):
				 * every leaf is read for it (other_leaf),
				 * not only text/plain and text/html */
	size_t links, bugs;	/* links rewritten, web bugs emptied */
	int unsub;		/* List-Unsubscribe carries a code */
	struct rf__edit *edits;	/* sorted by off after prepare */
	size_t nedits, edcap;
	size_t max_edits;	/* limits.max_rewrite_edits */
	size_t max_part;	/* limits.max_part_size: the bytes of a
				 * leaf the analysis reads */
	unsigned max_depth;	/* limits.max_html_depth: the nesting of
				 * elements whose links it reads */
	struct rf__conv_cache *convc;	/* converters for the readings
				 * of leaves (rf__text_reading) */
	unsigned limits_hit;	/* RF_LIMIT_REWRITE_EDITS */
	int prepared;		/* prepare ran: hits are counted */
	int skipped;		/* parts that could not be located */
	int known;		/* collect_known: known parameters and web
				 * bugs only */
	int sites;		/* collect_sites under way */
	int site_policy;	/* collect_sites ran */
	size_t nsite[RF__SITE_EMPTY + 1];	/* substitutions by
				 * RF__SITE_* (0 unused): sites, addresses,
				 * images, emptied */
	const rf_rules *rules;	/* for known */
	rf_arena *arena;	/* for known: the message's */
	struct rf__kept {	/* for known: the click wrappers it left */
		const char *url;	/* (in the message's arena) */
		uint64_t hash;		/* XXH3 of url */
	} *kept;		/* as they are (rf_tracking_clean_known),
				 * each once; those a later collect
				 * substitutes are not counted kept */
	size_t nkept, kcap;
	rf_status st;		/* collect's failure */
	rf_error *err;
};

/* rf__rewrite_site_form: what the clean policy "sites" makes of the
 * analysed link l (rf_rewrite_collect_sites' contract, redflag/rewrite.h):
 * RF__SITE_LINK, _ADDR, _IMAGE or _EMPTY with *to the new form (in arena
 * a, or ""), or RF__SITE_NONE (*to NULL) when l is no link it reduces or
 * is one already (its site with or without the final '/', the address
 * alone, "" or white space).  -1 when out of memory. */
int rf__rewrite_site_form(rf_arena *a, const rf_link *l, const char **to);

/* Offsets of a leaf (or of a run of it) where an unquoted attribute
 * value starts (rf__rewrite_values), and, asked for with them, where an
 * attribute's name starts in a start tag, or the tag's own name (name[i]
 * 1: at[i] is a name's, 0: a value's), increasing; at malloc'd, name
 * (NULL when at is) in the same block (a run's: slices of its leaf's). */
struct rf__values {
	size_t *at;
	size_t n;
	unsigned char *name;
	const size_t *drop;	/* NULL, or the spans of text where
				 * libxml2 drops the characters no Char of
				 * XML 1.0: text, script and style text
				 * (rf__rewrite_replace_raw,
				 * rf__rewrite_drop_spans): drop[2 i],
				 * drop[2 i + 1] */
	size_t ndrop;
	const size_t *cut;	/* NULL, or the spans of unquoted values
				 * where rf__rewrite_replace_all replaces
				 * no occurrence that starts in one (the
				 * same) */
	size_t ncut;
	int meets;		/* it replaces no occurrence that meets
				 * a drop span */
	int quiet;		/* RF__QUIET_*: in a drop span, whether an
				 * occurrence stands alone is read without
				 * the characters libxml2 drops there
				 * (rf__rewrite_kept_after, _before) */
	int css;		/* of a run (rf__rewrite_values_run):
				 * RF__CSS_*, where it lies
				 * (rf__rewrite_css_url) */
	int csstop;		/* and whether it starts at the top of a
				 * CSS declaration (rf__rewrite_css_top) */
	const size_t *quo;	/* NULL, or the spans of quoted values
				 * (to the closing quote) where it
				 * replaces no occurrence that starts in
				 * one and ends past it */
	size_t nquo;
	const size_t *blank;	/* NULL, or the spans of blanks of start
				 * tags outside values, where it replaces
				 * no occurrence that starts in one */
	size_t nblank;
	const size_t *ping;	/* NULL, or the spans of ping values,
				 * where it replaces no occurrence that
				 * starts in one and holds white space of
				 * it */
	size_t nping;
};

/* How a leaf's reading has the characters libxml2 leaves out of script
 * and style text (rf__rewrite_quiet). */
#define RF__QUIET_C0	1	/* C0 control bytes (not tab, LF, CR, NUL) */
#define RF__QUIET_NC	2	/* U+FFFE, U+FFFF in UTF-8 */

/* How the analysis reads a leaf's bytes (rf__text_reading): cc its
 * converters (NULL: one opened per conversion), charset the one the
 * part declares (NULL: none), max the bytes it reads at most
 * (limits.max_part_size; 0: all).  A NULL one: as UTF-8, all.  srcset:
 * the HTML leaf holds "srcset" and a to is empty, so that srcset values
 * are looked at (rf__rewrite_srcset); asked once per leaf by
 * rf__rewrite_leaf (no to writes one). */
struct rf__leafread {
	struct rf__conv_cache *cc;
	const char *charset;
	size_t max;
	int srcset;
	int nocss;		/* the leaf holds no CSS link (no
				 * rf__rewrite_css_links): no CSS spans
				 * made (rf__rewrite_css_spans) */
	int quiet;		/* rf__rewrite_quiet of the leaf */
};

/* The raw elements (script, style) of an HTML leaf as libxml2 reads
 * them (rf__rewrite_raw_read): at[2 i] the offset of the last '<'
 * before the i-th one's text (increasing), at[2 i + 1] the offset where
 * libxml2 ends that text (SIZE_MAX: not known); malloc'd. */
struct rf__raw {
	size_t *at;
	size_t n;
};

/* rf__rewrite_leaf_input: the HTML leaf d[0..n), its first *m bytes
 * (rd->max; rd may be NULL: all of them, UTF-8) read as the analysis
 * gives it to libxml2: decoded from rd's charset into b (initialised
 * here), then made valid UTF-8 (rf__html_input: *clean a copy when it
 * had to be, else NULL), *t, *tn the text.  0, or -1 when out of
 * memory or b was cut.  The caller frees b and *clean either way. */
int rf__rewrite_leaf_input(const struct rf__leafread *rd, const char *d,
			   size_t n, size_t *m, rf_buf *b, char **clean,
			   const char **t, size_t *tn);

/* rf__rewrite_raw_read: r made the raw elements of the HTML leaf
 * d[0..n) read as rd says (lib/rewrite_raw.c), with one parse by
 * libxml2 as the analysis parses it; none (r->n 0) when the text
 * libxml2 reads and d do not have the same sequence of '<' and '>'.
 * 0, or -1 when out of memory (r empty).  The caller frees r->at. */
int rf__rewrite_raw_read(const struct rf__leafread *rd, const char *d,
			 size_t n, struct rf__raw *r);

/* rf__rewrite_html_links: fn(arg, url, len) for each link the analysis
 * reads in the HTML leaf d[0..n) read as rd says (lib/rewrite_htmllinks.c:
 * rf__html_probe, elements nested deeper than maxdepth left out, as
 * max_html_depth leaves them).  0, or -1 when out of memory or the leaf
 * could not be read (some may have been given). */
int rf__rewrite_html_links(const struct rf__leafread *rd, const char *d,
			   size_t n, unsigned maxdepth, rf__url_fn *fn,
			   void *arg);

/* rf__rewrite_raw_end: where libxml2 ends the raw element of r whose
 * text follows the '<' at offset lt; SIZE_MAX when not known. */
size_t rf__rewrite_raw_end(const struct rf__raw *r, size_t lt);

/* rf__rewrite_raw_spans: *at (malloc'd, NULL when none) made the spans
 * of script and style text of the HTML leaf d[0..n), as the value
 * tokenizer reads it (rf__rewrite_values; libxml2's own reading where it
 * ends such text at another element's end tag), each from its first
 * byte to the offset after its end tag (or n): (*at)[2 i], (*at)[2 i + 1]
 * the i-th, increasing, spans that touch made one; *n_spans how many.
 * 0, or -1 when out of memory. */
int rf__rewrite_raw_spans(const struct rf__leafread *rd, const char *d,
			  size_t n, size_t **at, size_t *n_spans);

/* rf__rewrite_drop_spans: as rf__rewrite_raw_spans, the spans where
 * libxml2's HTML parser leaves out the characters that are no Char of
 * XML 1.0 (C0 controls but tab, LF and CR; U+FFFE, U+FFFF): script and
 * style text, and the text outside tags, comments and the like (each run
 * of it up to a '<'), where the analysis reads "a\x11http://x/" as
 * "ahttp://x/" (s35's first strict run, seed quiet-text-join).  In an
 * attribute's value it keeps them. */
int rf__rewrite_drop_spans(const struct rf__leafread *rd, const char *d,
			   size_t n, size_t **at, size_t *n_spans);

/* rf__rewrite_text_spans: as rf__rewrite_drop_spans, the runs of text
 * alone (outside tags, comments and the like, and outside script and
 * style text): where the analysis reads URLs in text (lib/html.c,
 * node_end; a superset: hidden text and the text of anchors too). */
int rf__rewrite_text_spans(const struct rf__leafread *rd, const char *d,
			   size_t n, size_t **at, size_t *n_spans);

/* rf__rewrite_quoted_spans: as rf__rewrite_raw_spans, the spans of
 * the quoted attribute values of d[0..n), each from its first byte to
 * its closing quote (or n). */
int rf__rewrite_quoted_spans(const struct rf__leafread *rd, const char *d,
			     size_t n, size_t **at, size_t *n_spans);

/* rf__rewrite_css_spans: as rf__rewrite_raw_spans, the spans of d[0..n)
 * the analysis reads as CSS (lib/html.c: rf__css_read): style text (to
 * the offset after its end tag) and the values of attributes named
 * "style", any case (quoted: to the closing quote; unquoted: to the
 * blank or '>' that ends it). */
int rf__rewrite_css_spans(const struct rf__leafread *rd, const char *d,
			  size_t n, size_t **at, size_t *n_spans);

/* rf__rewrite_srcset_spans: as rf__rewrite_css_spans, the values of
 * attributes named "srcset" (any case). */
int rf__rewrite_srcset_spans(const struct rf__leafread *rd, const char *d,
			     size_t n, size_t **at, size_t *n_spans);

/* rf__rewrite_blank_spans: as rf__rewrite_css_spans, the blanks of the
 * start tags of d[0..n) outside their values (after the name, between
 * attributes, about an '='), which libxml2 reads as separators: no URL
 * holds them. */
int rf__rewrite_blank_spans(const struct rf__leafread *rd, const char *d,
			    size_t n, size_t **at, size_t *n_spans);

/* rf__rewrite_ping_spans: as rf__rewrite_css_spans, the values of
 * attributes named "ping" (any case), which the analysis reads as URLs
 * between ASCII white space (lib/html_links.c, pings): no URL of a ping
 * holds any. */
int rf__rewrite_ping_spans(const struct rf__leafread *rd, const char *d,
			   size_t n, size_t **at, size_t *n_spans);

/* RF__BLANKS: the ASCII white space of a ping (lib/html_int.h's
 * ascii_ws), libxml2's blanks among it. */
#define RF__BLANKS " \t\n\r\f"

/* rf__rewrite_cut_spans: *at (malloc'd, NULL when none) made the spans
 * of the unquoted attribute values of d[0..n) whose starts v notes
 * (rf__rewrite_values with names, kept through the edits), each from its
 * first byte to the blank or '>' that ends it (or n), as (*at)[2 i],
 * (*at)[2 i + 1]; none for a value an edit made "" (EMPTY_VALUE).
 * *n_spans how many.  0, or -1 when out of memory. */
int rf__rewrite_cut_spans(const struct rf__values *v, const char *d,
			  size_t n, size_t **at, size_t *n_spans);

/* rf__rewrite_replace_raw: rf__rewrite_replace_all(buf, from, to, text,
 * html, vals, count) for s (from, to: its from or "&amp;" form, in the
 * part's charset or not), but in HTML (vals and rd not NULL) no occurrence
 * is replaced where the analysis read no link of s's URL: when s's from
 * holds a character that libxml2's HTML parser leaves out of text, script
 * and style text (no Char of XML 1.0: a C0 control but tab, LF and CR;
 * U+FFFE, U+FFFF; rf__rewrite_drop_spans), one that meets such text (seed
 * style-ctl-newlink); when from (not text) holds a byte that ends an
 * unquoted attribute value (a blank, '>'), one that starts in such a value:
 * libxml2 ends the value, and the analysis the link, before the
 * occurrence's end, and the value's bytes before it would join the to, a
 * link the input did not have (seed cr-in-unquoted-value); when from (not
 * text) holds a quote, one that starts in a quoted value and ends past its
 * closing quote (seed quote-crosses-value).  In a quiet leaf (vals->quiet)
 * the text, script and style text is read without the characters libxml2
 * drops there (rf__rewrite_kept_after; text too since s35, seed
 * quiet-text-join).  Out of memory: nothing replaced, s made live.  1 when
 * *buf changed, else 0. */
int rf__rewrite_replace_raw(struct rf__subst *s,
			    const struct rf__leafread *rd, GByteArray **buf,
			    const char *from, const char *to, int text,
			    int html, struct rf__values *vals, size_t *count);

/* rf__rewrite_unread: an occurrence of len bytes at d[at] (d: the leaf)
 * the analysis read no link of: it meets one of v's drop spans
 * (v->meets), at lies in one of its cut spans or blank spans, it starts
 * in one of its quoted spans and ends past it (past the closing quote),
 * or it starts in one of its ping spans and holds RF__BLANKS white space
 * there (s32's strict stops: the web bug " \x95ype", a CSS string's,
 * emptied in "ping= \x95ype(" from the blank after the '=', in "href=
 * ping= \x95ype(" from the blank after the value "ping=", or in
 * "ping=' \x95ype('" across the blank the ping's URLs are read
 * between, made the links "(", "ping=(" and "(": seeds ping-paren,
 * ping-paren-quoted). */
int rf__rewrite_unread(const struct rf__values *v, const char *d, size_t at,
		       size_t len);

/* rf__rewrite_quiet: RF__QUIET_* for the HTML leaf buf, as rd reads it:
 * 0 when it holds no character libxml2's HTML parser leaves out of
 * text (rf__rewrite_drop_spans) or its reading has
 * none (in a declared charset, the text converted is looked at: no C0
 * character comes of ISO-2022-JP's shifts or of UTF-16); U+FFFE and
 * U+FFFF only when it is read as UTF-8.  Such a leaf is rewritten by
 * the loop, whose standalone test then reads text, script and style
 * text as libxml2 does (seed style-esc-newlink: "url(BUG\x1bg" reads
 * "BUGg"; seed quiet-text-join: "BUG\x11http://x" in text). */
int rf__rewrite_quiet(const struct rf__leafread *rd, const GByteArray *buf);

/* Spans of one leaf made at the first need, by make (rf__rewrite_css_spans
 * or rf__rewrite_srcset_spans) with rd, which the caller sets (NULL: the
 * bytes are no whole leaf, and none are made): rf__spans_once gives them,
 * rf__spans_once_done frees them. */
typedef int rf__spans_fn(const struct rf__leafread *rd, const char *d,
			 size_t n, size_t **at, size_t *n_spans);
struct rf__spans_once {
	const struct rf__leafread *rd;
	rf__spans_fn *make;
	size_t *sp, n;		/* as rf__rewrite_raw_spans makes them */
	int read;		/* 1 made, -1 failed (out of memory) */
};
#define RF__SPANS_ONCE(make) { NULL, make, NULL, 0, 0 }

/* rf__rewrite_in_spans: the offset at lies in one of the n spans
 * sp[2 i], sp[2 i + 1] (increasing, as rf__rewrite_raw_spans makes
 * them; lib/rewrite_raw.c). */
int rf__rewrite_in_spans(const size_t *sp, size_t n, size_t at);

/* rf__spans_once: z's spans of the leaf d[0..n), made at the first call
 * (z->n of them); NULL when z->rd is NULL or making them failed. */
const size_t *rf__spans_once(struct rf__spans_once *z, const char *d,
			     size_t n);
void rf__spans_once_done(struct rf__spans_once *z);

/* Where rf__rewrite_css_url has read a leaf up to (seen): the offset
 * of the last ')' and of the last '(' of a "url(" (SIZE_MAX: none).
 * RF__CSS_BACK before the first call; offsets only grow between calls
 * (else it reads again).  With css.rd set by the caller (the bytes are a
 * whole leaf, read as rd says), a url() counts only inside the leaf's
 * CSS (rf__rewrite_css_spans: the analysis reads url()s there and
 * nowhere else), whose spans are made at the first url() left open
 * before a run; with it NULL (a value's bytes alone), or when they
 * cannot be made, everywhere.  raw (raw.rd set with css.rd): the
 * leaf's script and style text, made when an occurrence holding a ')'
 * follows a url( and "&quot;", which is a quote in a style attribute
 * but those bytes in style text, where that ')' ends the url() (s31,
 * seed css-quot-style-text).  rf__css_back_done frees them. */
struct rf__css_back {
	size_t seen, close, open;
	struct rf__spans_once css, raw;
	size_t decl_span;	/* the CSS span last asked whether it holds
				 * links (SIZE_MAX: none), */
	int decl_links;		/* and its answer (RF__CSS_OUT) */
	size_t top_span;	/* the CSS span read by rf__rewrite_css_top
				 * (SIZE_MAX: none), */
	size_t top_at;		/* up to where, */
	int top_q;		/* in a string (its quote), a comment ('*')
				 * or neither (0), */
	unsigned top_depth;	/* inside that many brackets */
};
#define RF__CSS_BACK { 0, SIZE_MAX, SIZE_MAX, \
	RF__SPANS_ONCE(rf__rewrite_css_spans), \
	RF__SPANS_ONCE(rf__rewrite_raw_spans), SIZE_MAX, 0, SIZE_MAX, 0, 0, 0 }

/* rf__css_back_done: cb's spans freed. */
void rf__css_back_done(struct rf__css_back *cb);

/* RF__SET_INIT: the srcset values of a leaf, made at the first call of
 * rf__rewrite_srcset (its rd set to how the leaf is read). */
#define RF__SET_INIT RF__SPANS_ONCE(rf__rewrite_srcset_spans)

/* rf__rewrite_srcset: where an occurrence d[at..at + fl) of the HTML leaf
 * d[0..n) lies: RF__SET_NONE, in no srcset value; RF__SET_WHOLE, it is
 * a whole candidate's URL as HTML reads a srcset (lib/html.c, srcset:
 * after the value's start, a blank or a comma that ends a candidate; up
 * to a blank, the value's end, or commas then either), *end then the
 * end of that candidate (its descriptors and the comma after them), so
 * that an empty to takes the candidate out whole (emptied alone, "BUG
 * 1x" would read the link "1x"); RF__SET_PART, in part of one, where no
 * empty to goes (the candidate would read otherwise).  Out of memory:
 * RF__SET_PART.  sb: RF__SET_INIT, its rd set. */
#define RF__SET_NONE	0
#define RF__SET_WHOLE	1
#define RF__SET_PART	2
int rf__rewrite_srcset(const char *d, size_t n, size_t at, size_t fl,
		       struct rf__spans_once *sb, size_t *end);

/* rf__rewrite_css_links: css[0..n) may hold "url(" or "@import" (any
 * case), where lib/css.c reads links: a url( as rf__rewrite_css_url
 * reads one, or "@import", read without the characters libxml2 drops
 * from style text.  Without them a leaf needs no CSS spans
 * (rf__leafread.nocss). */
int rf__rewrite_css_links(const char *css, size_t n);

/* rf__rewrite_may_srcset: the leaf d[0..n) holds "srcset" in any case
 * (only then are srcset values looked for). */
int rf__rewrite_may_srcset(const char *d, size_t n);

/* rf__rewrite_css_url: where the bytes d[a..b) of the leaf d[0..n) lie:
 * RF__CSS_NONE, in no content of an unquoted CSS url() (as lib/css.c's
 * url_at reads one: "url(" not after a name byte, its content up to the
 * next ')', blanks trimmed; a quoted one reads its string); RF__CSS_WHOLE,
 * they are the whole of one (blanks aside, the content ended by ')', an
 * end tag or the leaf's end); RF__CSS_PART, in one, not the whole.  The
 * analysis read no link of a from in part of a url()'s content, and an
 * empty to there would make the content read otherwise ("url(BUG h)"
 * read "h", "url(BUG\"h)" a string "h", "url(h\"BUG)" "h\"": seeds
 * css-url-emptied, css-url-quote), so none is written there; nor one
 * holding the ')' that ends a url( followed by "&quot;" in style text,
 * where that is no string (seed css-quot-style-text).  Reads d before a
 * through cb (its '(' and ')' only, 16 bytes a step), then the blanks
 * around [a, b) and after the url()'s '('. */
#define RF__CSS_NONE	0
#define RF__CSS_PART	1
#define RF__CSS_WHOLE	2
#define RF__CSS_SET	3	/* (the entity pass) in a srcset value,
				 * where it writes no empty to either */
#define RF__CSS_OUT	4	/* as NONE, but in CSS (a CSS span holding
				 * a "url(" or an "@import", any case)
				 * where no url() is open */

/* rf__rewrite_css_form_differs: a[0..al) and b[0..bl) differ in their
 * sequences of CSS form bytes: those that give CSS its declarations as
 * lib/css.c's decl_next reads them (where it splits CSS into
 * declarations and a declaration into property and value, the brackets
 * it counts, and the '*' and the backslash of a comment and an escape:
 * ": ; { } ( ) * \").  In CSS outside any url() (RF__CSS_OUT), or in
 * part of a url()'s content (RF__CSS_PART, which the rewriter's reading
 * may place inside a string), no occurrence is written whose to differs
 * from it in those bytes: a url() near it could move from a property,
 * where the analysis reads none, into a value ("url(o)http://t" emptied
 * of the web bug http://t reads the link o: s32's second strict run,
 * seed css-colon-bare; an occurrence written with "&amp;" in style text,
 * its to with no ';', joins two declarations: s34's eleventh strict
 * run, reduced in s35, seeds css-amp-decl, css-part-form); left there,
 * counted missed.  An empty to differs from an occurrence holding any
 * of them. */
int rf__rewrite_css_form_differs(const char *a, size_t al, const char *b,
				 size_t bl);

int rf__rewrite_css_url(const char *d, size_t n, size_t a, size_t b,
			struct rf__css_back *cb);

/* rf__rewrite_css_top: the offset a of the leaf d[0..n) lies in a CSS
 * span that may hold a link (as for RF__CSS_OUT; cb->css.rd set: 0
 * without it; 1 when the spans cannot be made) at the top of a
 * declaration as lib/css.c's decl_next reads the span from its start:
 * in no string, comment or bracket.  There the CSS form
 * bytes are where decl_next splits, whatever the rewriter's reading of
 * url()s says (rf__rewrite_css_url, which does not follow decl_next's
 * strings: '"url("URL' is a string, then URL at the top, not a url()'s
 * string; s34's eleventh strict run, reduced in s35, seed
 * css-string-decl).  The span is read as bytes: a character reference
 * in a style attribute, which libxml2 decodes, is read as it is written
 * (a quote or a bracket written so is missed; the rules of
 * rf__rewrite_css_keeps without the top hold there).  Reads the span
 * once for offsets that grow (cb), from its start again otherwise. */
int rf__rewrite_css_top(const char *d, size_t n, size_t a,
			struct rf__css_back *cb);

/* rf__rewrite_css_keeps: an occurrence f[0..fl) (the bytes matched) to
 * be written t[0..tl) where rf__rewrite_css_url says it lies (where),
 * top as rf__rewrite_css_top says, is not written: an empty to in part
 * of a url()'s content (RF__CSS_PART), or there, in CSS outside any
 * url() (RF__CSS_OUT) or at the top of a declaration (top) a to that
 * differs from it in its CSS form bytes (rf__rewrite_css_form_differs).
 * The loop's rule, and the one pass's and the entity pass's through
 * rf__rewrite_css_part. */
int rf__rewrite_css_keeps(int where, int top, const char *f, size_t fl,
			  const char *t, size_t tl);

/* rf__rewrite_css_part: the occurrence r[at..e) (f[0..fl), as matched)
 * in a run r[0..rl) where v->css (RF__CSS_*) and v->csstop say the run
 * lies is not written t[0..tl): rf__rewrite_css_keeps, or an empty to
 * in a srcset value (RF__CSS_SET) or in part of a url()'s whole content
 * (the occurrence is not the whole run). */
int rf__rewrite_css_part(const struct rf__values *v, size_t at, size_t e,
			 size_t rl, const char *f, size_t fl, const char *t,
			 size_t tl);

/* rf__rewrite_kept_after: i, or when it lies in one of v's drop spans and
 * v->quiet, the first offset from i of d[0..n) that holds no character
 * v->quiet drops; rf__rewrite_kept_before: the same backwards, i with
 * those that end just before it passed over. */
size_t rf__rewrite_kept_after(const struct rf__values *v, const char *d,
			      size_t n, size_t i);
size_t rf__rewrite_kept_before(const struct rf__values *v, const char *d,
			       size_t i);

/* rf__rewrite_values: v made (all of it) the offsets of the HTML text
 * d[0..n) where an unquoted attribute value starts, as libxml2's HTML
 * parser (2.9.14) reads d from its start (lib/rewrite_value.c: after an attribute's '='
 * and blanks, in a start tag; not in a quoted value, text, a comment, a
 * DOCTYPE, a PI, an end tag, a bogus attribute, script or style): "src=URL",
 * "src= URL", "src = URL", a tab or a line end after the '=' (v->at NULL
 * when none); with names set, also where an attribute's name starts in
 * a start tag, and the tag's name (v->name says which is which):
 * libxml2 reads no link there, and an edit there could change how the
 * tag reads (a from "NAME=" made a to without its '=' leaves the next
 * quoted value unread, and the bytes in it a tag of their own: seed
 * attr-name-newlink; "<img" emptied to "<" is text: seed
 * unclosed-tag-name).  Where script or style text holds an end tag of another
 * element, the leaf is parsed once by libxml2, read as rd says
 * (rf__rewrite_raw_read), for where that text ends.  0, or -1 when out
 * of memory (v empty).  The caller frees v->at. */
int rf__rewrite_values(const struct rf__leafread *rd, const char *d, size_t n,
		       int names, struct rf__values *v);

/* rf__rewrite_values_again: v->at freed (NULL allowed), then v made the
 * offsets of buf's bytes as they are now (rf__rewrite_values, names
 * too; v->quiet kept, the leaf's): after a wide substitution, whose to
 * holds its from's markup, the values inside an occurrence were dropped
 * with it (seed wide-to-value, docs/design/tracking-record.md, s22).
 * 0, or -1 when out of memory (v empty). */
int rf__rewrite_values_again(const struct rf__leafread *rd,
			     const GByteArray *buf, struct rf__values *v);

/* rf__rewrite_quoted_one: s (markup set: its from and to differ in
 * " ' < >), its from and its "&amp;" form, made in the HTML text *buf
 * only where an occurrence lies inside a quoted attribute value whose
 * quote its to does not hold, as libxml2 reads *buf (it reads such a
 * value up to that quote alone: a '"', '<' or '>' inside '...' is a byte
 * of the value; lib/rewrite_value.c); elsewhere left (live, counted
 * missed).  vals (the unquoted values' offsets, or NULL) moved, count
 * counts the replacements.  1 when *buf changed, else 0 (also out of
 * memory). */
int rf__rewrite_quoted_one(struct rf__subst *s,
			   const struct rf__leafread *rd,
			   struct rf__values *vals, GByteArray **buf,
			   size_t *count);

/* rf__rewrite_values_run: run made the slice of all (a leaf's, from
 * *k on; the calls ask for runs in increasing order) of the offsets in
 * [r0, r1), rewritten in place relative to r0; *k moved past them. */
void rf__rewrite_values_run(struct rf__values *all, size_t *k, size_t r0,
			    size_t r1, struct rf__values *run);

/* rf__rewrite_values_has: p is one of v's offsets, a value's (name 0)
 * or a name's (name 1).  1 or 0. */
int rf__rewrite_values_has(const struct rf__values *v, size_t p, int name);

/* rf__rewrite_values_edit: v's offsets (in a text) kept pointing at the
 * same bytes after the text's bytes [at, e) are replaced by len bytes:
 * one in (at, e) dropped, one at at kept (at the new bytes' start), one
 * from e on moved by len - (e - at); as rf__rewrite_values_to does in
 * the loop. */
void rf__rewrite_values_edit(struct rf__values *v, size_t at, size_t e,
			     size_t len);

/* rf__rewrite_values_split: v (a run's offsets) cut where the run's
 * bytes [at, e) are written apart (an empty to written "\"\"", the run
 * then taken on as two): lo the slice of those below at, hi that of
 * those from e on, rewritten in place relative to e (those in [at, e)
 * in neither).  The two are disjoint slices of v: each may be changed
 * (rf__rewrite_values_edit) without the other. */
void rf__rewrite_values_split(struct rf__values *v, size_t at, size_t e,
			      struct rf__values *lo, struct rf__values *hi);

/* rf__rewrite_values_to: rf__rewrite_replace_all's step: the offsets of v
 * from *k on below end (and, with at set, one equal to end), in a text
 * whose bytes from last on are written at out_len on in the new one,
 * moved there (v->at and v->name rewritten in place, *w where the next
 * one kept goes, *k the next one read).  1 when one equal to end was
 * moved, a value's; 2 when a name's. */
int rf__rewrite_values_to(struct rf__values *v, size_t *k, size_t *w,
			  size_t end, int at, size_t last, size_t out_len);

/* rf__rewrite_subst: one more substitution of rw, from -> to (h: XXH3
 * of from; text: rf_rewrite_add's kind).  0, or -1 when out of memory. */
int rf__rewrite_subst(rf_rewrite *rw, const char *from, uint64_t h,
		      const char *to, int text);

/* rf__rewrite_note: the lengths of s (filled but for fl, tl, afl, afrom,
 * ato, atl, wide, markup), one of rw's substitutions, noted in s and rw
 * (lens, minfl, loop, eight, empties, css), and its "&amp;" forms
 * made.  0, or -1 when out of memory (afrom, ato NULL).  rf_rewrite_free
 * frees the forms. */
int rf__rewrite_note(rf_rewrite *rw, struct rf__subst *s);

/* rf__rewrite_leaf: rw's replacements made in the decoded text *buf of a
 * leaf (html: an HTML one; charset: the charset its Content-Type declares,
 * NULL when none), in the order of the substitutions (each, then in HTML
 * its form with '&' written "&amp;"), as rf__rewrite_replace_all would
 * make them one after another (in HTML with the unquoted attribute
 * values and the names that rf__rewrite_values finds in *buf as it is
 * given: an empty to at a value written "\"\"", elsewhere nothing; none
 * made at a name) (in one pass over the text, the
 * substitutions looked up in rw's index, when that gives the same bytes:
 * rf__rewrite_one_pass; else in HTML the wide substitutions first), but
 * in HTML none whose markup is set (left live).  A from with 8-bit
 * bytes (UTF-8, as the analysis converted the part) is looked for, and
 * its to written, in the charset the analysis read the leaf in
 * (rf__text_reading: the one the part declares when it converts;
 * Windows-1252 for 8-bit text that is no UTF-8 and declares none, ASCII
 * or UTF-8 but "utf-8", or one that does not convert), when both convert
 * to it and back exactly.  Then in HTML, the occurrences written with
 * character references ("&#46;", "&#x2F;", "&amp;") of URL bytes, as the
 * analysis decodes them, are replaced too (rf__rewrite_entities).  1 when *buf
 * changed (a new array; the old one is freed), 0 when not, -1 when out of
 * memory (nothing replaced).  *count counts the occurrences replaced. */
int rf__rewrite_leaf(rf_rewrite *rw, int html, const char *charset,
		     GByteArray **buf, size_t *count);

/* EMPTY_VALUE: an empty to where an unquoted attribute value starts in
 * HTML (after '=' and any white space, as the tokenizer reads the leaf,
 * again after a wide to: rf__rewrite_values; in a quoted value or in
 * text, nothing): an empty value in quotes; nothing there would make the
 * parser read the bytes after it (the next attribute: "src= width=1", or
 * "/" of "/>") as the value, a link that was not in the input. */
#define EMPTY_VALUE "\"\""

/* The replacements of a leaf in their order: substitution i is 2 i, its
 * "&amp;" form (in HTML) 2 i + 1. */
#define RF__NONE SIZE_MAX

/* rf__rewrite_url_bytes[c]: 1 when the byte c may continue a URL in
 * text (what it holds and why: lib/rewrite_leaf.c, which defines it). */
extern const unsigned char rf__rewrite_url_bytes[256];

/* rf__rewrite_url_char: c (any int, its low byte read) may continue a
 * URL in text. */
static inline int
rf__rewrite_url_char(int c)
{
	return rf__rewrite_url_bytes[c & 0xff];
}

/* rf__rewrite_starts_url: after the URL byte c, a ':', ']', '.', ';' or
 * '!' (which end a word or a label in text, and which a URL seldom
 * holds before a scheme), the analysis reads a URL in a text part that
 * starts as s[0..n) does (lib/url_text.c: "http:", "https:", "ftp:",
 * "mailto:", any case; "www." but after a '.'), so that an occurrence
 * there stands alone in a text part ("Click:http://...", "[1]http://...",
 * "...http://...", "URL:www....").  Not after the bytes a URL holds
 * before another ('/', '=', '?', '*': "http://a/http://b", a redirect's
 * destination; '=' and '[' stand alone anyway), where an occurrence
 * inside the URL read would be replaced before it; not in HTML either,
 * where a link is an attribute's whole value ("/http://a/p.gif"). */
int rf__rewrite_starts_url(int c, const char *s, size_t n);

/* rf__rewrite_run_edges: the RF__RUN_8BEFORE and RF__RUN_8AFTER bits of
 * the run d[r0..r1) of an HTML leaf d[0..n) (html set; else none), and
 * RF__RUN_OPENS when d[r1] is '(' or '{', or, with text (the run may
 * lie where the analysis reads URLs in text: not in CSS; in HTML only
 * in a run of text, ts: rf__rewrite_text_spans, made at the first need),
 * when the analysis reads a URL in text across an edge of the run
 * (lib/rewrite_edges.c; in any leaf). */
unsigned rf__rewrite_run_edges(int html, const char *d, size_t n,
			       size_t r0, size_t r1, int text,
			       struct rf__spans_once *ts);

/* rf__rewrite_reads_across: for the loop (rf__rewrite_replace_all), the
 * RF__RUN_OPENS rule of rf__rewrite_run_edges for the run of URL bytes
 * that holds the occurrence d[b..e) of the leaf d[0..n) (after e read as
 * v keeps the bytes, rf__rewrite_kept_after; v may be NULL): 1 when an
 * empty to is not made there. */
int rf__rewrite_reads_across(const struct rf__values *v, int html,
			     const char *d, size_t n, size_t b, size_t e,
			     int text, struct rf__spans_once *ts);

/* rf__rewrite_run_joins: in a quiet leaf (q: rf__rewrite_quiet, not 0),
 * RF__RUN_8BEFORE when the run d[r0..r1) of the leaf d[0..n) follows a
 * URL byte and characters libxml2 leaves out of text (one or more), and
 * RF__RUN_8AFTER when it is followed by such characters and a URL byte,
 * where they lie in text (ds: RF__SPANS_ONCE(rf__rewrite_drop_spans),
 * its rd set; out of memory: anywhere): there the analysis reads the run
 * on through them ("BUG\x11http://x" is one word, "BUGhttp://x"; s35's
 * first strict run in the entity pass, seed quiet-text-join-ref).  Not
 * in an attribute's value, where libxml2 keeps them: there the run
 * stands alone as the loop sees it, and leaving it while the loop
 * replaces another occurrence in the same value made a link that is no
 * form of the input's (s35's seventh strict run, seed
 * quiet-attr-partial). */
unsigned rf__rewrite_run_joins(const char *d, size_t n, size_t r0,
			       size_t r1, int q, struct rf__spans_once *ds);

/* rf__rewrite_run_first: the first replacement >= next (RF__NONE when
 * none) whose from is r[b..e) of the run r[0..rl), b 0 or after a '=' or
 * '[' (with RF__RUN_TEXT in kinds, or a byte where
 * rf__rewrite_starts_url), and r[e..rl) tail_char bytes only (b not 0
 * with RF__RUN_8BEFORE, e not rl with RF__RUN_8AFTER); *at and *end set
 * to its b and e (the lowest e for one replacement, as
 * replace_all takes the
 * leftmost).  Only the suffixes as long as a from are looked up (kinds:
 * the lens bits of the leaf's replacements; un: room for rw->nlens
 * bytes).  The one pass's and the entity pass's matcher
 * (lib/rewrite_leaf.c). */
size_t rf__rewrite_run_first(const rf_rewrite *c, unsigned kinds,
			     const char *r, size_t rl, size_t next, char *un,
			     size_t *at, size_t *end);

/* rf__rewrite_entities: in the HTML text *buf, each maximal run of URL
 * bytes that holds a character reference ("&#" digits ';', "&#x" hex
 * digits ';', or "&amp;") standing for a URL byte is read with those
 * references decoded, each stretch of it between references to a quote
 * (rf__rewrite_quote_ref: the analysis reads a quote there, which ends a
 * CSS string, "url(&quot;URL&quot;)" in a style attribute) or to a
 * character that ends a URL in HTML text (rf__url_text_stop: "&nbsp;",
 * "&lt;", "&rdquo;", ...) on its own;
 * where a from of rw (not text) is then a standalone occurrence in it
 * (as rf__rewrite_replace_all has it) that covers at least one
 * reference, or lies in a stretch cut at such a one, its bytes are
 * replaced by the to (its "&amp;"
 * form when it has one; an empty one where an unquoted attribute value
 * starts in *buf as it is given, rf__rewrite_values, kept through the
 * run's replacements, written "\"\"", as rf__rewrite_replace_all does;
 * none where a name starts), and then the run as it is is
 * taken
 * on with the substitutions after it in their order, as in the one pass.
 * Each counted in *count and its substitution's hits.  *buf is scanned
 * once; nothing is allocated when it has no "&#", "&quot;" or "&apos;".
 * 1 when *buf changed
 * (a new array), 0 when not, -1 when out of memory (*buf unchanged). */
int rf__rewrite_entities(rf_rewrite *rw, const struct rf__leafread *rd,
			 GByteArray **buf, size_t *count);

/* rf__rewrite_one_pass: rf__rewrite_leaf makes rw's replacements in one
 * pass (not one after another): no rf_rewrite_add substitution, and
 * every from and to made of URL bytes only. */
int rf__rewrite_one_pass(const rf_rewrite *rw);

/* rf__rewrite_replace_all: every standalone occurrence of from in *buf
 * (the byte before is not a URL byte, or is '=', '(' or '[', or, in a
 * text part, one rf__rewrite_starts_url takes before from; the bytes
 * after, up to the first that is not a URL byte, are only the
 * punctuation that ends a URL in text, ". ! ? ; : * ]", or none; in
 * HTML, no 8-bit byte right before or after it)
 * replaced by to; with text set, every occurrence in any ASCII
 * case.  With html set, an empty to at an offset of vals (not NULL: the
 * unquoted attribute values, "src=URL", "src= URL", that
 * rf__rewrite_values found in the leaf before its first replacement) is
 * written "\"\"", so that the parser does not read the bytes after it
 * (" width=1", "/>") as the value; elsewhere (in a quoted value, in
 * text; any with vals NULL) as nothing.  An occurrence at a name's
 * offset of vals (where libxml2 reads a tag's or an attribute's name:
 * no link) is left as it is.  vals' offsets are kept pointing
 * at the same bytes in the new *buf (one inside a from replaced dropped,
 * one at its start kept at its to's).  In HTML an empty to is not
 * written in part of a CSS url()'s content (rf__rewrite_css_url; with
 * rd, *buf is a whole leaf read so and only its CSS has url()s; NULL:
 * its bytes alone, a url() anywhere), and *live (when not NULL) is then
 * set: reported, in case that reading was wrong.  1 when *buf changed
 * (a new array), else 0; *count counts them. */
int rf__rewrite_replace_all(const struct rf__leafread *rd, GByteArray **buf,
			    const char *from, const char *to, int text,
			    int html, struct rf__values *vals, int *live,
			    size_t *count);

/* rf__rewrite_amp_form: s with '&' written "&amp;" (malloc), as in HTML
 * attributes; NULL when out of memory. */
char *rf__rewrite_amp_form(const char *s);

/* rf__rewrite_encode: content in the transfer encoding enc (base64,
 * quoted-printable; any other: as it is), with CRLF line ends when crlf
 * (quoted-printable encodes lines: content's CRLF are LF to it).  A new
 * array. */
GByteArray *rf__rewrite_encode(GMimeContentEncoding enc,
			       const GByteArray *content, int crlf);

/* RF__REF_MAX: the longest character reference the entity pass reads:
 * "&#x", 8 digits and ';' (leading zeros included; longer ones are left
 * as they are). */
#define RF__REF_MAX 12

/* rf__rewrite_char_ref: the numeric character reference at s[0..n)
 * ("&#" digits, or "&#x" or "&#X" hex digits) as the analysis reads it
 * in HTML (libxml2's htmlParseCharRef): the digits up to the first byte
 * that is none, then a ';' when there is one (a reference without its
 * ';', "&#46shop", is read too); its length, and *v its value, 0 when
 * libxml2 reads none (no digit, or no Char of XML 1.0: "&#16;", "&#0;",
 * "&#" alone), which in an attribute's value ends that value (libxml2
 * writes it as a NUL byte) and in text is left out.  0 (and *v 0) when
 * s starts with no "&#" or the reference is longer than max bytes. */
size_t rf__rewrite_char_ref(const char *s, size_t n, size_t max,
			    unsigned long *v);

/* rf__rewrite_stop_ref: the length of a character reference at s[0..n)
 * (s[0] is '&') that the analysis reads as a character that ends a URL
 * in HTML text (rf__url_text_stop: "&nbsp;", "&lt;", "&#32;",
 * "&rdquo;", ...; "http://x/&nbsp;" in text is the link "http://x/",
 * seed nbsp-after-text-url), or as a quote (rf__rewrite_quote_ref, which
 * ends a CSS string); 0 when there is none (lib/rewrite_entity.c). */
size_t rf__rewrite_stop_ref(const char *s, size_t n);

/* rf__rewrite_quote_ref: the length of a character reference at s[0..n)
 * that the analysis reads as a quote: "&quot;", "&apos;" (libxml2's
 * names are case-sensitive, and without the ';' it leaves them as they
 * are before a byte such as ')'), or a numeric one of value 34 or 39
 * (rf__rewrite_char_ref, at most RF__REF_MAX bytes); 0 when there is
 * none. */
size_t rf__rewrite_quote_ref(const char *s, size_t n);

/* rf__rewrite_in_charset: s (UTF-8) in the charset cs (GMime's iconv
 * name of it), as a string (g_malloc), when it converts exactly: no
 * character it cannot write, no NUL in the result, and the result
 * converted back is s; else NULL.  (rewrite_leaf.c looks for a from
 * with 8-bit bytes, and writes its to, in a part's declared charset.) */
char *rf__rewrite_in_charset(const char *cs, const char *s);

/* rf__rewrite_from_charset: the charset in which a from with 8-bit bytes
 * is looked for in the leaf buf, and its to written (NULL: as they are,
 * UTF-8): the one the analysis reads buf in (rf__text_reading, as rd
 * says): the part's declared one when it converts (its iconv name);
 * "WINDOWS-1252" for 8-bit text that is no UTF-8 and declares none,
 * ASCII or UTF-8 but "utf-8", or declares one that does not convert
 * (there the analysis read "<img src=\xfd>" as the URL "\xc3\xbd"). */
const char *rf__rewrite_from_charset(const struct rf__leafread *rd,
				     const GByteArray *buf);

/* rf__rewrite_ascii: p[0..n) has no 8-bit byte. */
int rf__rewrite_ascii(const void *p, size_t n);

#endif
