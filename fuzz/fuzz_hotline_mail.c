/* fuzz_hotline_mail.c - libFuzzer target: a reported mail (a forward,
 * attached or inline, or the spam itself) read by rf_hotline_from_message,
 * with the invariants the hotline relies on: at most max_report_urls URLs,
 * each a string; a stored Message-ID never carries the reporter's address
 * or another address to scrub. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <redflag/redflag.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* carries: s names addr (any ASCII case), an address (with an '@': a
 * header without one gives a name that is no address, and any text may
 * hold it). */
static int
carries(const char *s, const char *addr)
{
	return s != NULL && addr != NULL && strchr(addr, '@') != NULL &&
	    strcasestr(s, addr) != NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rf_ctx *ctx;	/* made once per fuzzing process */
	rf_hotline_limits lim;
	rf_hotline_mailmeta meta;
	rf_message *m = NULL;
	rf_arena *a;
	const char **urls = NULL, *reporter = NULL;
	size_t n = 0, i;

	if (ctx == NULL && rf_ctx_new(NULL, &ctx, NULL) != RF_OK)
		return 0;
	if ((a = rf_arena_new()) == NULL)
		return 0;
	memset(&lim, 0, sizeof(lim));
	lim.max_report_urls = 8;	/* small, so that the cap is reached */
	memset(&meta, 0, sizeof(meta));
	if (rf_message_parse(ctx, (const char *)data, size, &m, NULL) != RF_OK)
		goto done;
	if (rf_hotline_from_message(ctx, a, m, &lim, &urls, &n, &meta,
	    &reporter, NULL) != RF_OK)
		goto done;
	if (n > lim.max_report_urls || (n > 0 && urls == NULL))
		abort();
	for (i = 0; i < n; i++)
		if (urls[i] == NULL)
			abort();
	if (carries(meta.message_id, reporter))
		abort();
	for (i = 0; i < meta.nalso; i++)
		if (meta.also[i] == NULL || carries(meta.message_id,
		    meta.also[i]))
			abort();
done:
	rf_message_free(m);
	rf_arena_free(a);
	return 0;
}
