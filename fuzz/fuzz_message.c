/* fuzz_message.c - libFuzzer target: the message parser on any bytes. */
#include <stddef.h>
#include <stdint.h>

#include <redflag/redflag.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rf_ctx *ctx;	/* made once per fuzzing process */
	rf_message *m = NULL;
	rf_limits lim;

	if (ctx == NULL) {
		rf_limits_default(&lim);
		lim.max_links = 200;
		lim.max_mime_parts = 64;
		if (rf_ctx_new(&lim, &ctx, NULL) != RF_OK)
			return 0;
	}
	if (rf_message_parse(ctx, (const char *)data, size, &m, NULL) ==
	    RF_OK)
		(void)rf_message_recipient(m);
	rf_message_free(m);
	return 0;
}
