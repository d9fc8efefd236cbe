/* tracking.c - cost of rf_tracking_message per message: parse every
 * message given once, then time the tracking analysis alone (repeated on
 * fresh copies of the links) and print microseconds per message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <redflag/redflag.h>

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0)
		return NULL;
	rewind(f);
	p = malloc((size_t)n + 1);
	if (p == NULL || fread(p, 1, (size_t)n, f) != (size_t)n)
		return NULL;
	fclose(f);
	*len = (size_t)n;
	return p;
}

int
main(int argc, char **argv)
{
	rf_ctx *ctx;
	rf_rules *rules;
	rf_error err;
	struct timespec t0, t1;
	size_t len, links = 0, done = 0, rlen;
	char *rtext;
	int i, rep, reps = 200;
	double us;

	if (rf_ctx_new(NULL, &ctx, &err) != RF_OK ||
	    (rtext = slurp("data/trackers.conf", &rlen)) == NULL ||
	    rf_rules_parse(rtext, rlen, &rules, &err) != RF_OK)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 1; i < argc; i++) {
		char *data = slurp(argv[i], &len);
		rf_message *m;

		if (data == NULL ||
		    rf_message_parse(ctx, data, len, &m, &err) != RF_OK)
			continue;
		links += m->links.n;
		for (rep = 0; rep < reps; rep++) {
			if (rf_tracking_message(ctx, rules, m, NULL, &err) !=
			    RF_OK)
				return 1;
			done++;
		}
		rf_message_free(m);
		free(data);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = ((double)(t1.tv_sec - t0.tv_sec) * 1e6 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e3);
	printf("rf_tracking_message: %zu analyses of %d messages (%zu links),"
	    " %.1f us/message (parse included once per message)\n", done,
	    argc - 1, links, done ? us / (double)done : 0.0);
	rf_rules_free(rules);
	rf_ctx_free(ctx);
	return 0;
}
