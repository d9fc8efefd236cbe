/*
 * cls_tokens.c - print the classifier's tokens of every message under the
 * given paths, one message a line: label, then the tokens as
 * rf_classifier_tokens writes them, tab-separated (bench/cls_cv.sh).
 * The tracking analysis runs first, as in `redflag train`.
 *
 *   cls_tokens TRACKERS_CONF PATH...
 */
#include <stdio.h>
#include <stdlib.h>

#include <redflag/redflag.h>

int
main(int argc, char **argv)
{
	static char rb[1 << 20];
	rf_limits lim;
	rf_ctx *ctx = NULL;
	rf_rules *rules = NULL;
	rf_cls_params p;
	rf_error err;
	size_t rn;
	FILE *f;
	int i, rc = 1;

	if (argc < 3 || (f = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: cls_tokens TRACKERS_CONF PATH...\n");
		return 2;
	}
	rn = fread(rb, 1, sizeof(rb), f);
	fclose(f);
	rf_limits_default(&lim);
	rf_cls_params_default(&p);
	if (rf_rules_parse(rb, rn, &rules, &err) != RF_OK ||
	    rf_ctx_new(&lim, &ctx, &err) != RF_OK) {
		fprintf(stderr, "cls_tokens: %s\n", err.msg);
		goto out;
	}
	for (i = 2; i < argc; i++) {
		rf_source *src;
		rf_item it;
		rf_status st;

		if (rf_source_open(argv[i], rf_ctx_limits(ctx), &src, &err) !=
		    RF_OK) {
			fprintf(stderr, "cls_tokens: %s\n", err.msg);
			goto out;
		}
		while ((st = rf_source_next(src, &it, &err)) != RF_EDONE) {
			rf_message *m;
			rf_arena *a;
			const char **v;
			size_t n, j;

			if (st != RF_OK || rf_message_parse(ctx, it.data,
			    it.len, &m, &err) != RF_OK)
				continue;
			a = rf_arena_new();
			if (a != NULL && rf_tracking_message(ctx, rules, m,
			    NULL, &err) == RF_OK && rf_classifier_tokens(ctx,
			    &p, m, NULL, a, &v, &n, &err) == RF_OK) {
				fputs(it.label, stdout);
				for (j = 0; j < n; j++)
					printf("\t%s", v[j]);
				putchar('\n');
			}
			rf_arena_free(a);
			rf_message_free(m);
		}
		rf_source_free(src);
	}
	rc = 0;
out:
	rf_rules_free(rules);
	rf_ctx_free(ctx);
	return rc;
}
