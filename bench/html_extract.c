/* html_extract.c - throughput of rf_html_extract (built and run by
 * bench/html.sh): reads raw messages named on stdin, one per line, cuts
 * out each "<html ... </html>" crudely (quoted-printable undone when it
 * looks encoded; no MIME parsing), then extracts them all RUNS times and
 * prints MB/s and bodies/s in CPU time, next to libxml2's HTML SAX parser
 * alone with empty callbacks on the same bodies (the floor), one parser
 * context reused for all of them as lib/html_parser.c does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

#include <redflag/redflag.h>

struct body {
	char *p;
	size_t n;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* qp_decode: undo quoted-printable in place; the new length. */
static size_t
qp_decode(char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '=' && i + 1 < n && s[i + 1] == '\n') {
			i++;
			continue;
		}
		if (s[i] == '=' && i + 2 < n && hex(s[i + 1]) >= 0 &&
		    hex(s[i + 2]) >= 0) {
			s[o++] = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
			i += 2;
			continue;
		}
		s[o++] = s[i];
	}
	return o;
}

/* html_of: the HTML cut out of a message, or 0 when there is none. */
static int
html_of(char *m, size_t n, struct body *b)
{
	char *s = NULL, *e = NULL, *p;

	for (p = m; p + 5 <= m + n; p++)
		if (*p == '<' && strncasecmp(p, "<html", 5) == 0) {
			if (s == NULL)
				s = p;
		} else if (*p == '<' && p + 7 <= m + n &&
		    strncasecmp(p, "</html>", 7) == 0)
			e = p + 7;
	if (s == NULL)
		return 0;
	if (e == NULL || e < s)
		e = m + n;
	b->n = (size_t)(e - s);
	if ((b->p = malloc(b->n)) == NULL)
		return 0;
	memcpy(b->p, s, b->n);
	if (memmem(b->p, b->n, "=3D", 3) != NULL ||
	    memmem(b->p, b->n, "=\n", 2) != NULL)
		b->n = qp_decode(b->p, b->n);
	return 1;
}

static char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long len;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)len)) != NULL &&
	    fread(p, 1, (size_t)len, f) != (size_t)len) {
		free(p);
		p = NULL;
	}
	if (p != NULL)
		*n = (size_t)len;
	fclose(f);
	return p;
}

static void
sax_start(void *u, const xmlChar *n, const xmlChar **a)
{
	(void)u; (void)n; (void)a;
}

static void
sax_end(void *u, const xmlChar *n)
{
	(void)u; (void)n;
}

static void
sax_text(void *u, const xmlChar *c, int l)
{
	(void)u; (void)c; (void)l;
}

/* libxml2_alone: the parser with empty callbacks, set up as
 * lib/html_parser.c does: one parser context for every body, reset with
 * htmlCtxtReset between them. */
static void
libxml2_alone(htmlParserCtxtPtr px, const struct body *b)
{
	htmlSAXHandler sax;
	htmlSAXHandlerPtr old;
	xmlParserInputBufferPtr buf;
	xmlParserInputPtr in;

	memset(&sax, 0, sizeof(sax));
	sax.startElement = sax_start;
	sax.endElement = sax_end;
	sax.characters = sax_text;
	sax.ignorableWhitespace = sax_text;
	sax.cdataBlock = sax_text;
	sax.initialized = 1;
	buf = xmlParserInputBufferCreateMem(b->p, (int)b->n,
	    XML_CHAR_ENCODING_NONE);
	if (buf == NULL ||
	    (in = xmlNewIOInputStream(px, buf, XML_CHAR_ENCODING_NONE)) ==
	    NULL || inputPush(px, in) < 0)
		exit(1);
	htmlCtxtUseOptions(px, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
	xmlSwitchEncoding(px, XML_CHAR_ENCODING_UTF8);
	old = px->sax;
	px->sax = &sax;
	htmlParseDocument(px);
	px->sax = old;
	htmlCtxtReset(px);
}

/* run_extract, run_floor: the two measured loops (separate functions so
 * that `callgrind --toggle-collect` can count each, see html.sh). */
__attribute__((noinline)) static int
run_extract(const rf_ctx *ctx, const struct body *v, size_t nv, int runs,
	    size_t *links, size_t *text)
{
	size_t i;
	int r;

	for (r = 0; r < runs; r++)
		for (i = 0; i < nv; i++) {
			rf_arena *a = rf_arena_new();
			rf_buf t;
			rf_links l = { 0 };
			rf_html_out out = { &t, &l, 0, 0 };

			rf_buf_init(&t, 1 << 20);
			l.max = 2000;
			if (a == NULL || rf_html_extract(ctx, a, v[i].p, v[i].n,
			    0, &out, NULL) != RF_OK)
				return -1;
			*links += l.n;
			*text += t.len;
			rf_buf_free(&t);
			rf_arena_free(a);
		}
	return 0;
}

__attribute__((noinline)) static int
run_floor(const struct body *v, size_t nv, int runs)
{
	htmlParserCtxtPtr px = htmlNewParserCtxt();
	size_t i;
	int r;

	if (px == NULL)
		return -1;
	for (r = 0; r < runs; r++)
		for (i = 0; i < nv; i++)
			libxml2_alone(px, &v[i]);
	htmlFreeParserCtxt(px);
	return 0;
}

int
main(int argc, char **argv)
{
	struct body *v = NULL;
	size_t nv = 0, cap = 0, total = 0, links = 0, text = 0, i, n;
	int runs = argc > 1 ? atoi(argv[1]) : 10;
	char line[4096], *m;
	rf_ctx *ctx = NULL;
	double t0, t_rf, t_x;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((m = slurp(line, &n)) == NULL)
			continue;
		if (nv == cap) {
			cap = cap ? cap * 2 : 256;
			if ((v = realloc(v, cap * sizeof(*v))) == NULL)
				return 1;
		}
		if (html_of(m, n, &v[nv]))
			total += v[nv++].n;
		free(m);
	}
	if (nv == 0 || runs < 1 || rf_ctx_new(NULL, &ctx, NULL) != RF_OK) {
		fprintf(stderr, "html_extract: no HTML bodies read\n");
		return 1;
	}
	t0 = now();
	if (run_extract(ctx, v, nv, runs, &links, &text) != 0)
		return 1;
	t_rf = now() - t0;
	t0 = now();
	if (run_floor(v, nv, runs) != 0)
		return 1;
	t_x = now() - t0;
	printf("%zu HTML bodies, %.2f MB, %d runs (CPU time)\n", nv,
	    total / 1e6, runs);
	printf("rf_html_extract:            %6.1f MB/s %8.0f bodies/s "
	    "(%.1f links, %.0f text bytes per body)\n",
	    total * runs / 1e6 / t_rf, nv * runs / t_rf,
	    (double)links / (nv * runs), (double)text / (nv * runs));
	printf("libxml2 SAX, empty handlers: %6.1f MB/s %8.0f bodies/s\n",
	    total * runs / 1e6 / t_x, nv * runs / t_x);
	for (i = 0; i < nv; i++)
		free(v[i].p);
	free(v);
	rf_ctx_free(ctx);
	return 0;
}
