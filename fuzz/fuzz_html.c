/* fuzz_html.c - libFuzzer target: the HTML extractor on any bytes. */
#include <stddef.h>
#include <stdint.h>

#include <redflag/redflag.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rf_ctx *ctx;	/* made once per fuzzing process */
	rf_limits lim;
	rf_arena *a;
	rf_buf text;
	rf_links links = { 0 };
	rf_html_out out = { &text, &links, 0, 0 };

	if (ctx == NULL) {
		rf_limits_default(&lim);
		lim.max_html_depth = 64;	/* reach the limit often */
		if (rf_ctx_new(&lim, &ctx, NULL) != RF_OK)
			return 0;
	}
	if ((a = rf_arena_new()) == NULL)
		return 0;
	rf_buf_init(&text, 4096);
	links.max = 50;
	(void)rf_html_extract(ctx, a, (const char *)data, size, 0, &out, NULL);
	rf_buf_free(&text);
	rf_arena_free(a);
	return 0;
}
