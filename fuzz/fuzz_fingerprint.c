/* fuzz_fingerprint.c - libFuzzer target: the fingerprint of any bytes as
 * a text, the first line taken as the recipient's address and name, and
 * the fingerprints of two halves clustered. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <redflag/redflag.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rf_ctx *ctx;	/* made once per fuzzing process */
	const char *text = (const char *)data, *nl;
	char rcpt[128];
	rf_fingerprint a, b;
	rf_cluster *cl = NULL;
	size_t n = 0;
	unsigned i;

	if (ctx == NULL && rf_ctx_new(NULL, &ctx, NULL) != RF_OK)
		return 0;
	nl = memchr(text, '\n', size < 127 ? size : 127);
	if (nl != NULL) {
		n = (size_t)(nl - text);
		memcpy(rcpt, text, n);
	}
	rcpt[n] = '\0';
	if (rf_fingerprint_text(ctx, text, size, rcpt, rcpt, &a, NULL) != RF_OK ||
	    rf_fingerprint_text(ctx, text, size / 2, NULL, NULL, &b, NULL) !=
	    RF_OK)
		return 0;
	(void)rf_fp_match(&a, &b);
	for (i = 0; i < RF_FP_BANDS; i++)
		(void)rf_fp_band(&a, i);
	if (rf_cluster_new(&cl, NULL) != RF_OK)
		return 0;
	if (rf_cluster_add(cl, &a, rcpt, 0, NULL) == RF_OK &&
	    rf_cluster_add(cl, &b, NULL, 1, NULL) == RF_OK &&
	    rf_cluster_add(cl, &a, "x@y", 2, NULL) == RF_OK)
		(void)rf_cluster_run(cl, NULL);
	rf_cluster_free(cl);
	return 0;
}
