/*
 * fuzz_cls_tokens.c - libFuzzer target: the classifier's tokenizer
 * (lib/tokenize.c and the header shape tokens of lib/cls_hdrtok.c) on any
 * message, and the plain words of every shape token (lib/classifier.c's
 * reasons).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <redflag/redflag.h>

#include "../lib/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rf_ctx *ctx;	/* made once per fuzzing process */
	rf_message *m = NULL;
	rf_arena *a = NULL;
	rf_limits lim;
	const char **v;
	size_t n, i;

	if (ctx == NULL) {
		rf_limits_default(&lim);
		lim.max_links = 200;
		lim.max_mime_parts = 64;
		if (rf_ctx_new(&lim, &ctx, NULL) != RF_OK)
			return 0;
	}
	if (rf_message_parse(ctx, (const char *)data, size, &m, NULL) !=
	    RF_OK)
		goto out;
	if ((a = rf_arena_new()) == NULL)
		goto out;
	if (rf_classifier_tokens(ctx, NULL, m, NULL, a, &v, &n, NULL) !=
	    RF_OK)
		goto out;
	for (i = 0; i < n; i++)
		if (strncmp(v[i], "shape:", 6) == 0)
			(void)rf__shape_describe(v[i] + 6, strlen(v[i] + 6),
			    a);
out:
	rf_arena_free(a);
	rf_message_free(m);
	return 0;
}
