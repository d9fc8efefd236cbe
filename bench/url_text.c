/* url_text.c - throughput of rf_url_extract_text on one large text (built
 * and run by bench/url.sh): url_text FILE prints MB/s and URLs found.
 * Time is the process's CPU time, so that other load on the machine does
 * not distort the figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <redflag/redflag.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	rf_ctx *ctx = NULL;
	rf_arena *a;
	rf_links l;
	FILE *f;
	char *text;
	long n;
	double t0, t;
	size_t runs = 0, found = 0, parsed = 0, i;

	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: url_text FILE\n");
		return 2;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (text = malloc((size_t)n)) == NULL ||
	    fread(text, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "url_text: cannot read %s\n", argv[1]);
		return 1;
	}
	fclose(f);
	if (rf_ctx_new(NULL, &ctx, NULL) != RF_OK)
		return 1;
	t0 = now();
	do {
		if ((a = rf_arena_new()) == NULL)
			return 1;
		memset(&l, 0, sizeof(l));	/* no cap: every URL analysed */
		if (rf_url_extract_text(ctx, a, text, (size_t)n, 0, &l,
		    NULL) != RF_OK)
			return 1;
		found = l.n;
		for (parsed = 0, i = 0; i < l.n; i++)
			parsed += l.v[i].normalized != NULL;
		rf_arena_free(a);
		runs++;
		t = now() - t0;
	} while (t < 2.0);
	printf("redflag rf_url_extract_text: %.1f MB in %.3f s per run, "
	    "%.0f MB/s (CPU time), %zu URLs found (%zu normalised), "
	    "%.0f URLs/s\n",
	    n / 1e6, t / runs, n / 1e6 * runs / t, found, parsed,
	    found * runs / t);
	free(text);
	rf_ctx_free(ctx);
	return 0;
}
