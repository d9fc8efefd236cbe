/*
 * rewrite_edges.c - where the analysis reads a URL in text across the
 * edge of a run of URL bytes, so that an empty to (a web bug emptied)
 * made at the run would leave bytes that read as another link
 * (RF__RUN_OPENS: not made, left live and reported; docs/tracking.md,
 * "Rewriting a message").  lib/url_text.c reads a URL in text up to a
 * byte that ends one (rf__url_text_stop) and then leaves out the
 * punctuation of RF__URL_TRAIL and the closing brackets that close
 * nothing; the rewriter's runs end at any byte that is no URL byte
 * (rf__rewrite_url_char).  Between the two lie the bytes here.
 */
#include <string.h>

#include "rewrite_int.h"

/* opens: c is a bracket the analysis reads on through in text
 * (lib/url_text.c counts it) and the rewriter takes for no URL byte: an
 * occurrence ending a run there is the start of a longer URL, and an
 * empty to made there would leave the bracket and what follows it as a
 * new link ("BUG(http://y" read as one URL: s33's fifteenth strict run,
 * seed paren-after-bug).  ('[' is a URL byte to the rewriter.)  In any
 * leaf, as since s33. */
static int
opens(int c)
{
	return c == '(' || c == '{';
}

/* stop_at: the analysis ends a URL in text at d[i] (of n bytes): a
 * byte or character rf__url_text_stop reads so, or in HTML a reference
 * it reads as one (rf__rewrite_stop_ref: "&nbsp;", "&quot;"). */
static int
stop_at(int html, const char *d, size_t n, size_t i)
{
	return rf__url_text_stop(d + i, n - i) || (html && d[i] == '&' &&
	    rf__rewrite_stop_ref(d + i, n - i) > 0);
}

/* kept: c (no URL byte, no stop) is one the analysis keeps at a URL's
 * end: neither punctuation of RF__URL_TRAIL nor a closing bracket. */
static int
kept(int c)
{
	return strchr(RF__URL_TRAIL ")]}", c) == NULL;
}

/* reads_on: the bytes from d[i] (the first after a run of URL bytes;
 * read as v keeps them, rf__rewrite_kept_after; v may be NULL) up to
 * the next URL byte are no stop, and either one of them is kept at a
 * URL's end ('\\', '|', '^', '`', '(' ...) or a URL byte follows them:
 * the analysis reads the URL on past the run ("BUG\\/-http://y/" and
 * "BUG,http://y/" are one URL: s36's third strict run, seed
 * text-after-bug).  Only trailing punctuation and closing brackets
 * before a stop ("BUG, f", "(BUG) g") end it at the run.  A URL byte
 * after them counts even when the analysis would leave it out too
 * ("(BUG)."): it may lie in a run the loop replaces before this one,
 * and the one pass, which reads the leaf as it was, must decide as the
 * loop does. */
static int
reads_on(const struct rf__values *v, int html, const char *d, size_t n,
	 size_t i)
{
	size_t j;

	for (j = rf__rewrite_kept_after(v, d, n, i); j < n;
	    j = rf__rewrite_kept_after(v, d, n, j + 1)) {
		if (stop_at(html, d, n, j))
			return 0;
		if (rf__rewrite_url_char((unsigned char)d[j]))
			return j > i;
		if (kept((unsigned char)d[j]))
			return 1;
	}
	return 0;
}

/* reads_into: the bytes before d[r0] (the first of a run of URL bytes)
 * back to the previous URL byte are some, no stop and none kept at a
 * URL's end (",": reads_on of the run before reads on into this one).
 * An empty to made at this run would end the one before at those bytes,
 * and the loop, which makes the substitutions one after the other, and
 * the one pass, which reads each run of the leaf as it was, would
 * decide that one otherwise: neither is made. */
static int
reads_into(int html, const char *d, size_t n, size_t r0)
{
	size_t j;

	for (j = r0; j > 0; j--) {
		if (stop_at(html, d, n, j - 1))
			return 0;
		if (rf__rewrite_url_char((unsigned char)d[j - 1]))
			return j < r0;
		if (kept((unsigned char)d[j - 1]))
			return 0;
	}
	return 0;
}

/* in_text: the offset at of the leaf d[0..n) lies where the analysis
 * reads URLs in text: in a text part (not html) anywhere, in HTML in a
 * run of text (ts's spans; where they cannot be made, anywhere: the
 * safe side). */
static int
in_text(int html, const char *d, size_t n, size_t at,
	struct rf__spans_once *ts)
{
	const size_t *sp;

	if (!html || ts == NULL || (sp = rf__spans_once(ts, d, n)) == NULL)
		return 1;
	return rf__rewrite_in_spans(sp, ts->n, at);
}

unsigned
rf__rewrite_run_edges(int html, const char *d, size_t n, size_t r0,
		      size_t r1, int text, struct rf__spans_once *ts)
{
	unsigned k = 0;

	if ((r1 < n && opens((unsigned char)d[r1])) || (text &&
	    ((r1 < n && reads_on(NULL, html, d, n, r1)) ||
	    reads_into(html, d, n, r0)) && in_text(html, d, n, r0, ts)))
		k = RF__RUN_OPENS;
	if (!html)
		return k;
	return k | (r0 > 0 && (d[r0 - 1] & 0x80) ? RF__RUN_8BEFORE : 0) |
	    (r1 < n && (d[r1] & 0x80) ? RF__RUN_8AFTER : 0);
}

int
rf__rewrite_reads_across(const struct rf__values *v, int html,
			 const char *d, size_t n, size_t b, size_t e, int text,
			 struct rf__spans_once *ts)
{
	size_t i, r0;

	for (i = rf__rewrite_kept_after(v, d, n, e); i < n &&
	    rf__rewrite_url_char((unsigned char)d[i]);
	    i = rf__rewrite_kept_after(v, d, n, i + 1))
		;
	for (r0 = b; r0 > 0 && rf__rewrite_url_char((unsigned char)d[r0 -
	    1]); r0--)
		;
	return (i < n && opens((unsigned char)d[i])) || (text &&
	    ((i < n && reads_on(v, html, d, n, i)) ||
	    reads_into(html, d, n, r0)) && in_text(html, d, n, b, ts));
}
