/* fuzz_html.c - libFuzzer target: the HTML extractor on any bytes.
 * Invariant (abort when it fails): when no limit cut the reading, the
 * rewriter's probe of the same input (rf__html_probe, lib/html.c: the
 * extractor's reading with no link made) gives exactly the URLs of the
 * extractor's links, in order, so that the rewriter's look at a leaf it
 * wrote (left_live, lib/rewrite_leaf.c) reads the links the analysis
 * reads. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <redflag/redflag.h>

#include "../lib/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What probe_cb compares: the extractor's links, the next one due. */
struct probe {
	const rf_links *links;
	size_t next;
};

/* probe_cb: the URL u[0..n) is the extractor's next link's. */
static void
probe_cb(void *arg, const char *u, size_t n)
{
	struct probe *p = arg;
	const char *want;

	if (p->next >= p->links->n) {
		fprintf(stderr, "fuzz_html: the probe gives a link more\n");
		abort();
	}
	want = p->links->v[p->next++].url;
	if (strlen(want) != n || memcmp(want, u, n) != 0) {
		fprintf(stderr, "fuzz_html: the probe gives another link\n");
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rf_ctx *ctx;	/* made once per fuzzing process */
	rf_limits lim;
	rf_arena *a;
	rf_buf text;
	rf_links links = { 0 };
	rf_html_out out = { &text, &links, 0, 0 };
	struct probe p = { &links, 0 };
	const char *in;
	char *clean = NULL;
	size_t n;
	int clipped;

	rf_limits_default(&lim);
	lim.max_html_depth = 64;	/* reach the limit often */
	if (ctx == NULL && rf_ctx_new(&lim, &ctx, NULL) != RF_OK)
		return 0;
	if ((a = rf_arena_new()) == NULL)
		return 0;
	rf_buf_init(&text, 4096);
	links.max = 50;
	if (rf_html_extract(ctx, a, (const char *)data, size, 0, &out,
	    NULL) == RF_OK && out.limits_hit == 0 && !links.limit_hit &&
	    rf__html_input((const char *)data, size, &clean, &in, &n,
	    &clipped) == 0 && rf__html_probe(in, n, lim.max_html_depth,
	    probe_cb, &p) == 0 && p.next != links.n) {
		fprintf(stderr, "fuzz_html: the probe gives a link less\n");
		abort();
	}
	free(clean);
	rf_buf_free(&text);
	rf_arena_free(a);
	return 0;
}
