/*
 * redflag/fingerprint.h - locality-sensitive fingerprint of a message's
 * text, so that near-identical copies of one campaign can be found despite
 * personal greetings, per-recipient codes and injected random words.
 *
 * Design (docs/fingerprint.md): min-hash over word shingles of the
 * normalised visible text; two fingerprints match when more than half of
 * their RF_FP_HASHES positions agree.  Texts too short for shingles get a
 * kind of their own (RF_FP_SHORT) that matches only on equal text.
 * The layout is versioned and pinned by test vectors: a change in any
 * value computed from the same text must bump RF_FP_VERSION.
 */
#ifndef REDFLAG_FINGERPRINT_H
#define REDFLAG_FINGERPRINT_H

#include <stdint.h>

#include <redflag/context.h>
#include <redflag/error.h>
#include <redflag/message.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RF_FP_VERSION 1
#define RF_FP_HASHES 32		/* min-hash positions */
#define RF_FP_ROWS 2		/* positions per LSH band */
#define RF_FP_BANDS (RF_FP_HASHES / RF_FP_ROWS)

enum rf_fp_kind {
	RF_FP_EMPTY = 0,	/* no text at all: never part of a campaign */
	RF_FP_SHORT = 1,	/* too few words: h[0] is the text's hash */
	RF_FP_MINHASH = 2	/* h[0..RF_FP_HASHES-1] are min-hashes */
};

typedef struct rf_fingerprint {
	uint8_t version;	/* RF_FP_VERSION */
	uint8_t kind;		/* enum rf_fp_kind */
	uint32_t nwords;	/* words in the normalised text */
	uint64_t h[RF_FP_HASHES];
} rf_fingerprint;

/*
 * rf_fingerprint_message: the fingerprint of m's visible text (text/plain
 * and HTML alternatives), normalised: case folded, white space collapsed,
 * digits dropped, URLs reduced to their registrable domain, e-mail
 * addresses removed, and the recipient's own address, local part and
 * name words (rcpt_addr, rcpt_name, either may be NULL) removed.  When
 * rcpt_name is NULL, the display name To: or Cc: give rcpt_addr is used
 * (rf_message_recipient_name).  The subject's words come first; then the
 * HTML alternative's visible text, or the plain one when the HTML shows
 * less than half as much (docs/fingerprint.md).  Only resource failure
 * is an error.
 */
rf_status rf_fingerprint_message(const rf_ctx *ctx, const rf_message *m,
				 const char *rcpt_addr, const char *rcpt_name,
				 rf_fingerprint *out, rf_error *err);

/*
 * One message for many recipients: rf_fingerprint_prepare takes m's
 * fingerprint without recipient words once (*out in arena a, never freed
 * on its own); rf_fingerprint_message_base then gives exactly what
 * rf_fingerprint_message gives for rcpt_addr and rcpt_name, from it when
 * none of the recipient's words is among the text's, else computed
 * afresh.  Only resource failure is an error.
 * docs/design/analysis-performance.md, "Many recipients".
 */
typedef struct rf_fp_base rf_fp_base;

rf_status rf_fingerprint_prepare(const rf_ctx *ctx, const rf_message *m,
				 rf_arena *a, rf_fp_base **out,
				 rf_error *err);
rf_status rf_fingerprint_message_base(const rf_ctx *ctx,
				      const rf_message *m,
				      const rf_fp_base *base,
				      const char *rcpt_addr,
				      const char *rcpt_name,
				      rf_fingerprint *out, rf_error *err);

/* rf_fingerprint_text: the same for one UTF-8 text. */
rf_status rf_fingerprint_text(const rf_ctx *ctx, const char *text, size_t len,
			      const char *rcpt_addr, const char *rcpt_name,
			      rf_fingerprint *out, rf_error *err);

/* rf_fp_agree: how many positions of a and b agree (0 if kinds differ). */
unsigned rf_fp_agree(const rf_fingerprint *a, const rf_fingerprint *b);

/* rf_fp_match: a and b are copies of one campaign: same kind and version,
 * more than half the positions agree (RF_FP_SHORT: equal hash). */
int rf_fp_match(const rf_fingerprint *a, const rf_fingerprint *b);

/* rf_fp_band: the LSH key of band i (0 <= i < RF_FP_BANDS); two matching
 * fingerprints share at least one band key with high probability.  For
 * RF_FP_SHORT every band key is the text hash. */
uint64_t rf_fp_band(const rf_fingerprint *fp, unsigned i);

#ifdef __cplusplus
}
#endif
#endif
