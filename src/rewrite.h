/*
 * rewrite.h - a message written back with the links that identify its
 * recipient replaced by their clean form and web bugs emptied (src="").
 * Shared by redflag clean and the mail-server pipeline (milter, filter).
 *
 * Use: parse the message and analyse it with rf_tracking_message, then
 * rewrite_collect (once per recipient analysed, the first substitution of
 * a URL wins), rewrite_prepare on the same bytes, rewrite_write.  Only
 * the encoded content of text leaves that change is replaced; every other
 * byte, headers and MIME boundaries included, is kept.  Nothing is
 * fetched.
 */
#ifndef REDFLAG_REWRITE_H
#define REDFLAG_REWRITE_H

#include <stddef.h>

#include <redflag/redflag.h>
#include <redflag/tracking.h>

struct rewrite;

struct rewrite_stats {
	size_t links;		/* distinct links rewritten */
	size_t bugs;		/* web bugs emptied */
	int unsub;		/* List-Unsubscribe carries a code (kept) */
	int skipped;		/* parts that could not be rewritten */
};

/* rewrite_new: an empty rewrite, or NULL when out of memory. */
struct rewrite *rewrite_new(void);

/* rewrite_free: release rw; NULL allowed. */
void rewrite_free(struct rewrite *rw);

/* rewrite_collect: add the substitutions (url -> clean) of m's tracking
 * links.  The strings stay in m's arena: m must outlive rw.  0, or -1
 * when out of memory. */
int rewrite_collect(struct rewrite *rw, rf_message *m);

/* rewrite_collect_known: like rewrite_collect, but only known tracking
 * parameters are dropped and web bugs emptied (the clean policy "known"
 * of redflag.conf(5)): every other part of a link stays, so that it keeps
 * working.  rules are the tracking rules m was analysed with. */
int rewrite_collect_known(struct rewrite *rw, const rf_rules *rules,
			  rf_message *m);

/* rewrite_add: also replace every occurrence of from, in any ASCII case
 * and wherever it stands, by to in the text leaves (both strings must
 * outlive rw); used to redact an address.  0, or -1. */
int rewrite_add(struct rewrite *rw, const char *from, const char *to);

/* rewrite_links: substitutions collected so far (0: nothing to do). */
size_t rewrite_links(const struct rewrite *rw);

/* rewrite_prepare: find the regions of data[0..len) (the bytes m was
 * parsed from, which must outlive rw) to replace.  0, or -1. */
int rewrite_prepare(struct rewrite *rw, const char *data, size_t len);

/* rewrite_edits: regions to replace (0: the message stays as it is). */
size_t rewrite_edits(const struct rewrite *rw);

/* rewrite_write: append the prepared bytes from offset `from` on, with
 * the replacements made, to out.  0, or -1 when out of memory. */
int rewrite_write(const struct rewrite *rw, size_t from, rf_buf *out);

/* rewrite_stats: what was collected and prepared. */
void rewrite_stats(const struct rewrite *rw, struct rewrite_stats *st);

#endif
