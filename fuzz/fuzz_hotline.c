/* fuzz_hotline.c - libFuzzer target: a reported URL made canonical (the
 * first line is the reporter's address, the rest the URL), with the
 * invariants the case store relies on, and defanging. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <redflag/redflag.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rf_ctx *ctx;	/* made once per fuzzing process */
	rf_hotline_url u;
	rf_arena *a;
	char *s, *nl, *url, *rcpt = NULL;
	const char *d;

	if (ctx == NULL && rf_ctx_new(NULL, &ctx, NULL) != RF_OK)
		return 0;
	if ((a = rf_arena_new()) == NULL)
		return 0;
	if ((s = rf_arena_strndup(a, (const char *)data, size)) == NULL)
		goto done;
	url = s;
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		rcpt = s;
		url = nl + 1;
	}
	if (rf_hotline_canonical(ctx, NULL, a, NULL, url, rcpt, &u, NULL) ==
	    RF_OK) {
		/* A canonical URL has a web scheme, no fragment, and is a
		 * fixed point. */
		if (strncmp(u.canonical, "http", 4) != 0 &&
		    strncmp(u.canonical, "ftp", 3) != 0)
			abort();
		if (strchr(u.canonical, '#') != NULL || u.host == NULL)
			abort();
		d = rf_hotline_defang(a, u.canonical);
		if (d == NULL || strcasestr(d, "http://") != NULL ||
		    strcasestr(d, "https://") != NULL)
			abort();
	}
	d = rf_hotline_defang(a, url);
	if (d == NULL)
		abort();
done:
	rf_arena_free(a);
	return 0;
}
