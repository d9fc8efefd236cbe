/*
 * html_parser.c - libxml2's HTML parser for html.c: the input made safe
 * for it (valid UTF-8, at most INT_MAX bytes) and parser contexts kept
 * for the next part.
 *
 * Making a parser context costs about as much as parsing a small part
 * (its SAX handler, its name dictionary, its stacks), and a fresh
 * dictionary has to learn every element and attribute name again.  The
 * context keeps a few idle parsers (RF__HTML_SPARES); a parse takes one
 * out (or makes one), resets it with htmlCtxtReset and gives it back
 * afterwards, so each thread at a time has its own.  A parser whose
 * dictionary or attribute array grew past HTML_DICT_MAX / HTML_ATTS_MAX
 * is freed instead of kept, so what stays idle is bounded whatever the
 * mail.  The dictionary's bound is also a matter of speed: libxml2
 * 2.9's dictionary starts with 128 buckets and a fast hash; once it has
 * grown its table it hashes every name with a slower one, and a parser
 * kept with up to 4,096 names cost 38 M instructions more over the
 * corpus in xmlDictLookup than it saved.
 */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/dict.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "internal.h"

#define RF__HTML_SPARES 4	/* idle parsers a context keeps */
#define HTML_DICT_MAX 128	/* names an idle parser may remember */
#define HTML_ATTS_MAX 1024	/* attribute slots an idle parser may keep */

/* The parse options: never the network; damaged HTML is read as
 * browsers would; no messages anywhere; the input is UTF-8 whatever it
 * declares (input_push switches to UTF-8 itself). */
#define HTML_OPTIONS (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | \
	HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC)

struct rf__html_pool {
	pthread_mutex_t lock;	/* first: rf__locked_new */
	htmlParserCtxtPtr spare[RF__HTML_SPARES];
	unsigned n;
};

struct rf__html_pool *
rf__html_pool_new(void)
{
	return rf__locked_new(sizeof(struct rf__html_pool));
}

void
rf__html_pool_free(struct rf__html_pool *p)
{
	unsigned i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		htmlFreeParserCtxt(p->spare[i]);
	rf__locked_free(p);
}

/* parser_get: an idle parser of ctx's pool, or a new one; NULL when out
 * of memory. */
static htmlParserCtxtPtr
parser_get(const rf_ctx *ctx)
{
	struct rf__html_pool *p = ctx != NULL ? ctx->htmlp : NULL;
	htmlParserCtxtPtr px = NULL;

	if (p != NULL) {
		pthread_mutex_lock(&p->lock);
		if (p->n > 0)
			px = p->spare[--p->n];
		pthread_mutex_unlock(&p->lock);
	}
	return px != NULL ? px : htmlNewParserCtxt();
}

/* parser_put: px back into ctx's pool (reset: it holds no input), or
 * freed when it is damaged (ok == 0), too big or the pool is full. */
static void
parser_put(const rf_ctx *ctx, htmlParserCtxtPtr px, int ok)
{
	struct rf__html_pool *p = ctx != NULL ? ctx->htmlp : NULL;

	htmlCtxtReset(px);
	if (p != NULL && ok && px->dict != NULL &&
	    xmlDictSize(px->dict) <= HTML_DICT_MAX &&
	    px->maxatts <= HTML_ATTS_MAX) {
		pthread_mutex_lock(&p->lock);
		if (p->n < RF__HTML_SPARES) {
			p->spare[p->n++] = px;
			px = NULL;
		}
		pthread_mutex_unlock(&p->lock);
	}
	if (px != NULL)
		htmlFreeParserCtxt(px);
}

/* input_push: len bytes of html as px's input (copied by libxml2), read
 * as UTF-8; 0, or -1 when out of memory. */
static int
input_push(htmlParserCtxtPtr px, const char *html, size_t len)
{
	xmlParserInputBufferPtr buf;
	xmlParserInputPtr in;

	buf = xmlParserInputBufferCreateMem(html, (int)len,
	    XML_CHAR_ENCODING_NONE);
	if (buf == NULL)
		return -1;
	if ((in = xmlNewIOInputStream(px, buf, XML_CHAR_ENCODING_NONE)) ==
	    NULL) {
		xmlFreeParserInputBuffer(buf);
		return -1;
	}
	if (inputPush(px, in) < 0) {
		xmlFreeInputStream(in);
		return -1;
	}
	htmlCtxtUseOptions(px, HTML_OPTIONS);
	/* The input is UTF-8 whatever it declares or starts with. */
	xmlSwitchEncoding(px, XML_CHAR_ENCODING_UTF8);
	if (px->encoding == NULL &&
	    (px->encoding = xmlStrdup(BAD_CAST "UTF-8")) == NULL)
		return -1;
	return 0;
}

int
rf__html_gap(struct _xmlParserCtxt *px, const char *src, size_t len,
	     size_t *end)
{
	long c = xmlByteConsumed(px);	/* the input is UTF-8: no encoder */
	size_t at = c < 0 ? *end : (size_t)c < len ? (size_t)c : len;
	int gap = at > *end && memchr(src + *end, '<', at - *end) != NULL;

	if (at > *end)
		*end = at;
	return gap;
}

rf_status
rf__html_parse(const rf_ctx *ctx, const char *html, size_t len,
	       const struct rf__html_sax *cb, void *ud,
	       struct _xmlParserCtxt **running, int *oom, rf_error *err)
{
	htmlSAXHandler sax;
	htmlParserCtxtPtr px;
	htmlSAXHandlerPtr old;

	*oom = 0;
	memset(&sax, 0, sizeof(sax));
	sax.startElement = cb->start;
	sax.endElement = cb->end;
	sax.characters = cb->text;
	sax.ignorableWhitespace = cb->text;
	sax.cdataBlock = cb->text;
	sax.comment = cb->comment;
	sax.initialized = 1;
	if ((px = parser_get(ctx)) == NULL)
		return rf_error_set(err, RF_ENOMEM,
		    "out of memory starting the HTML parser");
	if (input_push(px, html, len) != 0) {
		parser_put(ctx, px, 0);
		return rf_error_set(err, RF_ENOMEM,
		    "out of memory starting the HTML parser");
	}
	old = px->sax;
	px->sax = &sax;
	px->userData = ud;
	*running = px;
	htmlParseDocument(px);
	*running = NULL;
	*oom = px->errNo == XML_ERR_NO_MEMORY;
	px->sax = old;
	px->userData = NULL;
	/* a parser stopped half-way or out of memory is not kept */
	parser_put(ctx, px, !*oom && px->errNo != XML_ERR_USER_STOP);
	return RF_OK;
}

/* utf8_clean: a heap copy of s (NUL-terminated) with each byte
 * rf__utf8_bad rejects turned into U+FFFD, its length in *outlen; NULL
 * when out of memory.  Free with free(). */
static char *
utf8_clean(const char *s, size_t n, size_t *outlen)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0, good;
	char *r;

	if (n > (SIZE_MAX - 1) / 3 || (r = malloc(n * 3 + 1)) == NULL)
		return NULL;
	while (i < n) {
		good = rf__utf8_bad(u + i, n - i);
		memcpy(r + o, s + i, good);
		o += good;
		i += good;
		if (i < n) {
			memcpy(r + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
		}
	}
	r[o] = '\0';
	*outlen = o;
	return r;
}

/* clip: the largest length <= max of s (n bytes) that does not cut a
 * UTF-8 character. */
static size_t
clip(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

int
rf__html_input(const char *html, size_t len, char **clean, const char **out,
	       size_t *outlen, int *clipped)
{
	size_t n = len;

	*clean = NULL;
	*out = html;
	*clipped = 0;
	if (rf__utf8_bad((const unsigned char *)html, len) < len) {
		if ((*clean = utf8_clean(html, len, &n)) == NULL)
			return -1;
		*out = *clean;
	}
	if (n > INT_MAX) {
		n = clip(*out, n, INT_MAX);
		*clipped = 1;
	}
	*outlen = n;
	return 0;
}
