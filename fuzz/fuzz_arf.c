/* fuzz_arf.c - libFuzzer target: a feedback report read (rf_arf_parse),
 * with the invariants ingest relies on; then the same bytes enclosed in a
 * report (rf_arf_write) must read back with the fields written, an
 * address redacted in them (rf_arf_redact) is nowhere left, and a
 * message with list headers and DKIM results read by rf_list_auth. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <redflag/redflag.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rf_ctx *ctx;	/* made once per fuzzing process */
	const char *d = (const char *)data;
	rf_arf_report r;
	rf_arf_params p;
	rf_list_sig u, o;
	rf_message *m;
	rf_arena *a;
	rf_buf b;
	size_t i;

	if (ctx == NULL && rf_ctx_new(NULL, &ctx, NULL) != RF_OK)
		return 0;
	if ((a = rf_arena_new()) == NULL)
		return 0;
	if (rf_arf_parse(a, d, size, &r, NULL) == RF_OK) {
		if (r.feedback_type == NULL || r.user_agent == NULL ||
		    r.version == NULL || r.incidents < 1 ||
		    r.incidents > RF_ARF_MAX_INCIDENTS ||
		    r.nrcpt > RF_ARF_MAX_LIST || r.ndomain > RF_ARF_MAX_LIST)
			abort();
	}
	memset(&p, 0, sizeof(p));
	p.incidents = 3;
	p.reported_domain = "example.test";
	p.boundary_seed = "fuzz";
	p.from = "fbl@rcpt.test";
	p.to = "abuse@example.test";
	p.date = "Mon, 02 Nov 2026 09:00:00 +0000";
	p.message_id = "<arf.1@rcpt.test>";
	rf_buf_init(&b, 0);
	if (rf_arf_write(&p, d, size, &b, NULL) == RF_OK) {
		if (rf_arf_parse(a, b.data, b.len, &r, NULL) != RF_OK ||
		    r.incidents != 3 || r.ndomain != 1 ||
		    strcmp(r.reported_domain[0], "example.test") != 0)
			abort();
	}
	rf_buf_free(&b);
	/* the address redacted: in the bytes, in any case, nowhere left */
	rf_buf_init(&b, 0);
	if (rf_arf_redact(d, size, "a@b.test", "X@b.test", &b) != 0)
		abort();
	for (i = 0; i + 8 <= b.len; i++)
		if (strncasecmp(b.data + i, "a@b.test", 8) == 0)
			abort();
	rf_buf_free(&b);
	if (rf_message_parse(ctx, d, size, &m, NULL) == RF_OK) {
		rf_list_auth(m, "mx.example.test", &u, &o);
		if (o == RF_LIST_SIGNED && u != RF_LIST_SIGNED)
			abort();
		rf_message_free(m);
	}
	rf_arena_free(a);
	return 0;
}
