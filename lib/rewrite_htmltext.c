/*
 * rewrite_htmltext.c - the URLs of an HTML leaf's text as the analysis
 * reads them (lib/html.c, run_flush: each text node's URLs, read as in a
 * plain-text part, since s33), for the rewriter's last look at a leaf it
 * wrote (left_live, lib/rewrite_leaf.c).  The leaf is read as the
 * analysis reads it (rf__text_reading, rf__html_input, rf__html_parse),
 * and every text node is read: also hidden ones, those inside an <a> and
 * those of the head, a script or a style sheet, which the analysis
 * leaves out.  So the URLs given are a superset of its text links, and a
 * from left where it reads one is never missed; one left where it reads
 * none is reported all the same (docs/tracking.md, "Rewriting a
 * message").
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "rewrite_int.h"

/* One reading: the text since the last tag or comment (a text node). */
struct textread {
	struct _xmlParserCtxt *px;	/* the parser while it runs */
	rf_buf node;
	rf__text_url_fn *fn;
	void *arg;
	int oom;
	const char *src;	/* the input libxml2 parses */
	size_t src_len, src_end;	/* (rf__html_gap) */
};

/* node_end: the URLs of the text node that ends here, to t->fn. */
static void
node_end(struct textread *t)
{
	size_t i = 0, s, e;

	if (t->node.len == 0)
		return;
	while (rf__url_text_next(t->node.data, t->node.len, &i, &s, &e))
		t->fn(t->arg, t->node.data + s, e - s);
	rf_buf_reset(&t->node);
}

static void
tr_start(void *ud, const unsigned char *name, const unsigned char **atts)
{
	(void)name;
	(void)atts;
	node_end(ud);
}

static void
tr_end(void *ud, const unsigned char *name)
{
	(void)name;
	node_end(ud);
}

static void
tr_comment(void *ud, const unsigned char *s)
{
	(void)s;
	node_end(ud);
}

static void
tr_text(void *ud, const unsigned char *s, int len)
{
	struct textread *t = ud;

	if (rf__html_gap(t->px, t->src, t->src_len, &t->src_end))
		node_end(t);	/* as lib/html.c reads it */
	if (t->oom || len <= 0)
		return;
	if (rf_buf_append(&t->node, s, (size_t)len) != 0) {
		t->oom = 1;
		xmlStopParser(t->px);
	}
}

int
rf__rewrite_text_urls(const struct rf__leafread *rd, const char *d,
		      size_t n, rf__text_url_fn *fn, void *arg)
{
	static const struct rf__html_sax cb = { tr_start, tr_end, tr_text,
	    tr_comment };
	struct textread t = { NULL, { 0 }, fn, arg, 0, NULL, 0, 0 };
	size_t m, tn;
	char *clean;
	const char *text;
	rf_buf b;
	int oom = 0, rc = -1;

	rf_buf_init(&t.node, 0);	/* bounded by the leaf */
	if (rf__rewrite_leaf_input(rd, d, n, &m, &b, &clean, &text, &tn) != 0)
		goto done;
	t.src = text;
	t.src_len = tn;
	if (tn > 0 && (rf__html_parse(NULL, text, tn, &cb, &t, &t.px, &oom,
	    NULL) != RF_OK || oom || t.oom))
		goto done;
	node_end(&t);
	rc = 0;
done:
	free(clean);
	rf_buf_free(&t.node);
	rf_buf_free(&b);
	return rc;
}
