/*
 * rewrite_htmllinks.c - the links of an HTML leaf as the analysis reads
 * them, for the rewriter's last look at a leaf it wrote (left_live,
 * lib/rewrite_leaf.c): the leaf read as the analysis reads it
 * (rf__text_reading, rf__html_input), then the analysis' own reading of
 * its links (rf__html_probe: lib/html.c and lib/html_links.c, with no
 * link made).  So a from the rewriter left where the analysis reads a
 * link, in whatever form, is seen (docs/tracking.md, "Rewriting a
 * message").
 */
#include <stdlib.h>

#include "rewrite_int.h"

int
rf__rewrite_html_links(const struct rf__leafread *rd, const char *d,
		       size_t n, unsigned maxdepth, rf__url_fn *fn, void *arg)
{
	size_t m, tn;
	char *clean;
	const char *text;
	rf_buf b;
	int rc = -1;

	if (rf__rewrite_leaf_input(rd, d, n, &m, &b, &clean, &text, &tn) == 0)
		rc = rf__html_probe(text, tn, maxdepth, fn, arg);
	free(clean);
	rf_buf_free(&b);
	return rc;
}
