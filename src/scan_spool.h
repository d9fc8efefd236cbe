/*
 * scan_spool.h - the spool of batch mode in `redflag scan` (scan_batch.c):
 * how one message's record is laid out on it, written and read back.
 *
 * A record is a fixed header (struct spool_rec's lengths and the Date),
 * then the printed start of its report ("head"; none for a message with
 * links or embedded messages), then its "meta": label, recipient, pass
 * one's findings, verdict facts (no campaign yet), classification and,
 * for a message with links or embedded messages, the message itself as
 * far as its report and rf_tracking_campaign read it (struct spool_msg
 * encoding: headers shown, size, flags, limits hit, every link with its
 * tokens, dropped tokens, reasons and clean form, attachments, embedded
 * messages).  An
 * input that could not be read is a head (its error report) alone.
 *
 * Records are written one after the other and read back in the same
 * order by a sequential reader with a buffer of its own, so memory keeps
 * nothing per message: no offsets, no lengths.
 */
#ifndef REDFLAG_SCAN_SPOOL_H
#define REDFLAG_SCAN_SPOOL_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <redflag/redflag.h>

#define SPOOL_REASONS 64	/* findings kept per message (more are
				 * left out, as rf_analysis never gives) */
#define SPOOL_MSG_DEPTH 64	/* embedded levels read back (deeper is a
				 * damaged spool: the parser's own limit is
				 * far below) */

/* One record as read back: pointers into the reader's buffer, valid until
 * the next spool_next. */
struct spool_rec {
	uint32_t head_len, meta_len;	/* meta_len 0: an input error */
	int64_t date;			/* Date header, Unix time, or 0 */
	const char *head, *meta;
};

/* The meta of a record, decoded (see spool_unpack_meta): strings point
 * into the record, the classifier tokens and the message are in the arena
 * given. */
struct meta {
	const char *label, *rcpt;
	const char *reasons[SPOOL_REASONS];
	size_t nreasons;
	rf_verdict_facts facts;
	rf_cls_result cls;
	int has_cls;
	rf_message *m;		/* messages with links: the message as far
				 * as its report needs it; else NULL */
};

/* spool_pack_findings: start the meta of one analysed message in o
 * (reset first): label, recipient and the findings of rf_analysis_message
 * (before rf_analysis_verdict replaces them with the verdict's). */
void spool_pack_findings(rf_buf *o, const char *label, const rf_analysis *an);

/* spool_pack_facts: go on with the verdict facts and classification of
 * an (after rf_analysis_verdict), then, when m is not NULL, the message
 * (links with their tracking analysis, attachments, embedded messages).
 * -1 when out of memory or the meta outgrows 4 GiB. */
int spool_pack_facts(rf_buf *o, const rf_analysis *an, const rf_message *m);

/* spool_write: append one record (head_len + meta_len bytes at head and
 * meta) to f.  -1 when a length does not fit or the write fails. */
int spool_write(FILE *f, int64_t date, const void *head, size_t head_len,
		const void *meta, size_t meta_len);

/* spool_unpack_meta: decode the meta of r, the message too when it has
 * one (head_len 0), in arena a.  -1 when damaged or out of memory. */
int spool_unpack_meta(const struct spool_rec *r, rf_arena *a,
		      struct meta *mt);

/* The sequential reader of a spool file. */
struct spool_reader {
	int fd;
	char *buf;
	size_t cap, pos, len;	/* buf[pos..len) read, not consumed */
	off_t off;		/* file offset of buf[len] */
};

/* spool_open: a reader from the start of fd (buffer of cap bytes, grown
 * for a larger record); -1 when out of memory.  spool_close frees it. */
int spool_open(struct spool_reader *r, int fd, size_t cap);
void spool_close(struct spool_reader *r);

/* spool_next: the next record into *out: 1, 0 at the end, -1 when the
 * file cannot be read, is cut short or memory runs out. */
int spool_next(struct spool_reader *r, struct spool_rec *out);

#endif
