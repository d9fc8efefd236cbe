/* fuzz_url.c - libFuzzer target: URL extraction from plain text (and so
 * rf_url_analyse on everything found), the whole input analysed as one
 * URL, and the host an anchor text shows.  Differential: when the fast
 * path for URLs already in normal form answers, the full way (uriparser)
 * must give the same four fields, or the target aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <redflag/redflag.h>

#include "../lib/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* same: both strings NULL, or both equal */
static int
same(const char *x, const char *y)
{
	return x == y || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

/* check_fast: when rf__url_fast answers for url, it agrees with the full
 * way on every field it fills. */
static void
check_fast(const rf_ctx *ctx, rf_arena *a, const char *url)
{
	rf_link fast, full;

	memset(&fast, 0, sizeof(fast));
	memset(&full, 0, sizeof(full));
	fast.url = full.url = url;
	if (rf__url_fast(ctx, a, &fast) != 1 ||
	    rf__url_analyse_full(ctx, a, &full, NULL) != RF_OK)
		return;
	if (!same(fast.normalized, full.normalized) ||
	    !same(fast.host, full.host) ||
	    !same(fast.host_unicode, full.host_unicode) ||
	    !same(fast.domain, full.domain))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rf_ctx *ctx;	/* made once per fuzzing process */
	rf_arena *a;
	rf_links links;
	rf_link k;
	char *s;
	size_t i;

	if (ctx == NULL && rf_ctx_new(NULL, &ctx, NULL) != RF_OK)
		return 0;
	if ((a = rf_arena_new()) == NULL)
		return 0;
	memset(&links, 0, sizeof(links));
	links.max = 64;
	(void)rf_url_extract_text(ctx, a, (const char *)data, size, 0,
	    &links, NULL);
	for (i = 0; i < links.n; i++) {
		/* what analysis returns must be well-formed strings */
		if (links.v[i].normalized != NULL)
			(void)strlen(links.v[i].normalized);
		if (links.v[i].host != NULL &&
		    rf_url_domain(ctx, a, links.v[i].host) != NULL &&
		    links.v[i].domain == NULL)
			abort();	/* disagrees with rf_url_domain */
	}
	if ((s = rf_arena_strndup(a, (const char *)data, size)) != NULL) {
		memset(&k, 0, sizeof(k));
		k.url = s;
		(void)rf_url_analyse(ctx, a, &k, NULL);
		check_fast(ctx, a, s);
		(void)rf_url_text_host(ctx, a, s);
	}
	rf_arena_free(a);
	return 0;
}
