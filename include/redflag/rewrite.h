/*
 * redflag/rewrite.h - a message written back with the links that identify
 * its recipient replaced by their clean form and web bugs emptied
 * (src=""); the rewriter of `redflag clean`, of the mail-server pipeline
 * (milter, filter) and of the copy `redflag arf make` encloses
 * (docs/tracking.md, "Rewriting a message").
 *
 * Use: parse the message and analyse it (rf_tracking_message or
 * rf_analysis_*), then rf_rewrite_collect (once per recipient analysed;
 * the first substitution of a URL wins), rf_rewrite_prepare on the bytes
 * the message was parsed from, rf_rewrite_write.  Only the encoded
 * content of the text leaves (text/plain, text/html) that change is
 * replaced, decoded, edited and encoded again with the part's own
 * transfer encoding and line endings; every other byte, headers and MIME
 * boundaries included, is kept.  A link is also found as the analysis
 * decoded it: written with character references in HTML, or in the
 * part's declared charset.  Nothing is fetched.  An rf_rewrite
 * belongs to one thread at a time.
 */
#ifndef REDFLAG_REWRITE_H
#define REDFLAG_REWRITE_H

#include <stddef.h>

#include <redflag/buf.h>
#include <redflag/error.h>
#include <redflag/limits.h>
#include <redflag/message.h>
#include <redflag/tracking.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rf_rewrite rf_rewrite;

typedef struct rf_rewrite_stats {
	size_t links;		/* distinct links rewritten */
	size_t bugs;		/* web bugs emptied */
	size_t missed;		/* links and web bugs collected that the
				 * text leaves showed fewer times than the
				 * analysis found them (after prepare): some
				 * left live, not counted in links or bugs;
				 * the analysis read the message otherwise
				 * than GMime (damaged MIME), or otherwise
				 * than the rewriter can write it again (a
				 * character reference to no URL byte, a
				 * charset a link does not convert to), or
				 * their part was skipped or beyond
				 * max_rewrite_edits */
	int unsub;		/* List-Unsubscribe carries a code (kept) */
	size_t kept;		/* rf_rewrite_collect_known: distinct
				 * tracked links left as they are because
				 * they are click wrappers whose code is
				 * their whole payload (no other collect
				 * substituted them): the front ends say
				 * so */
	int skipped;		/* parts that could not be rewritten */
	unsigned limits_hit;	/* RF_LIMIT_REWRITE_EDITS when parts that
				 * changed were left as they were */
	/* rf_rewrite_collect_sites only (0 otherwise); missed links are
	 * not counted in these either */
	int sites_policy;	/* rf_rewrite_collect_sites ran */
	size_t sites;		/* distinct links reduced to their site */
	size_t addresses;	/* mailto: links reduced to the address */
	size_t images;		/* remote images (and web bugs, stylesheets,
				 * frames) emptied */
	size_t emptied;		/* links and forms emptied: no site to keep
				 * (a relative link, "http:" with no host, a
				 * form, whose fields could carry a code) */
} rf_rewrite_stats;

/* rf_rewrite_new: an empty rewrite under limits (the defaults when NULL;
 * max_rewrite_edits is the one it reads) into *out.  RF_OK, or RF_ENOMEM
 * (*out NULL). */
rf_status rf_rewrite_new(const rf_limits *limits, rf_rewrite **out,
			 rf_error *err);

/* rf_rewrite_free: release rw and the edits it made; NULL allowed. */
void rf_rewrite_free(rf_rewrite *rw);

/* rf_rewrite_collect: add the substitutions (url -> clean) of m's
 * tracking links, as m's last analysis found them (a URL collected
 * before keeps its first substitution).  The strings stay in m's arena:
 * m must outlive rw.  RF_OK or RF_ENOMEM. */
rf_status rf_rewrite_collect(rf_rewrite *rw, rf_message *m, rf_error *err);

/* rf_rewrite_collect_known: like rf_rewrite_collect, but only known
 * tracking parameters are dropped and web bugs emptied (the clean policy
 * "known" of redflag.conf(5)): every other part of a link stays, so that
 * it keeps working (rf_tracking_clean_known, redflag/tracking.h); a
 * click wrapper that would lead nowhere without its known parameters is
 * left as it is and counted in rf_rewrite_stats' kept.  rules are the
 * tracking rules m was analysed with.  The clean forms are made in m's
 * arena.  RF_OK or RF_ENOMEM. */
rf_status rf_rewrite_collect_known(rf_rewrite *rw, const rf_rules *rules,
				   rf_message *m, rf_error *err);

/* rf_rewrite_collect_sites: like rf_rewrite_collect, but every link of
 * m is reduced to its site, the clean policy "sites" of redflag.conf(5)
 * for mail judged spam, so that no click and no image load confirms the
 * address, even with a code the analysis cannot tell from a product
 * number (docs/tracking.md, "Policies: links, known, sites"):
 *  - a link with a host (any scheme; "http:\\host", "http:host" as a
 *    browser reads them) becomes scheme://host/ as written: user info,
 *    port, path, query and fragment dropped; the host is taken from the
 *    link's clean form (a code the analysis found in a host label is
 *    RF_TRACKING_PLACEHOLDER there; a tracking redirect gives its
 *    destination's site);
 *  - mailto: keeps the address as the clean form has it, without query
 *    or fragment (?subject=, ?body=);
 *  - a remote image, a CSS url(), background, stylesheet or frame (a
 *    host, or a relative URL) and every web bug is emptied (""), and so
 *    is a form's action, a relative link (it would resolve against a
 *    <base>) and a link whose scheme has a host yet none is written;
 *  - any other link (cid:, data:, tel:, a "#" fragment) keeps its clean
 *    form, as rf_rewrite_collect gives it.
 * List-Unsubscribe is noted as rf_rewrite_collect does.  A URL collected
 * before by rf_rewrite_collect or rf_rewrite_collect_known (another
 * recipient of one copy) takes this stronger substitution instead; one
 * collected here keeps it whatever is collected after.  The forms are
 * made in m's arena: m must outlive rw.  RF_OK or RF_ENOMEM. */
rf_status rf_rewrite_collect_sites(rf_rewrite *rw, rf_message *m,
				   rf_error *err);

/* rf_rewrite_add: also replace every occurrence of from, in any ASCII
 * case and wherever it stands, by to in every leaf: the text/plain and
 * text/html ones with the links, the others (attachments, text/calendar)
 * decoded from their transfer encoding for it alone and written again in
 * it when it occurs (both strings must outlive rw; an empty from is
 * ignored); used to redact an address.  RF_OK or RF_ENOMEM. */
rf_status rf_rewrite_add(rf_rewrite *rw, const char *from, const char *to,
			 rf_error *err);

/* rf_rewrite_links: substitutions collected so far (0: nothing to do). */
size_t rf_rewrite_links(const rf_rewrite *rw);

/* rf_rewrite_prepare: find and make the replacements of data[0..len)
 * (the bytes the messages collected were parsed from; they must outlive
 * rw), once, after the last collect.  A part that cannot be rewritten
 * counts in rf_rewrite_stats' skipped; parts that change beyond
 * max_rewrite_edits are left as they are (limits_hit).  RF_OK, or
 * RF_ENOMEM. */
rf_status rf_rewrite_prepare(rf_rewrite *rw, const char *data, size_t len,
			     rf_error *err);

/* rf_rewrite_edits: regions to replace (0: the message stays as it is). */
size_t rf_rewrite_edits(const rf_rewrite *rw);

/* rf_rewrite_body_offset: after rf_rewrite_prepare, where the body of
 * the prepared bytes starts as rf_message_parse reads it (after any mbox
 * From_ line and the header block): just past the blank line that ends
 * the block, else at its first line that is no header field, else at
 * the end.  Every edit is at or past it: a front end that writes its own
 * header block copies the bytes before it and then rf_rewrite_write from
 * it. */
size_t rf_rewrite_body_offset(const rf_rewrite *rw);

/* rf_rewrite_write: append to out the prepared bytes from offset `from`
 * on (0: the whole message; rf_rewrite_body_offset: the body, to write
 * a header block of one's own before it), with the replacements made.
 * When the header block ends at a line that is no header field and
 * anything is replaced, a blank line is written there (from at or
 * before it), so that every reader starts the body where the analysis
 * did.  RF_OK, or RF_ENOMEM (out holds part of it). */
rf_status rf_rewrite_write(const rf_rewrite *rw, size_t from, rf_buf *out,
			   rf_error *err);

/* rf_rewrite_get_stats: what was collected and prepared, into *st;
 * after rf_rewrite_prepare, links and bugs count those replaced as many
 * times as the analysis found them (in one collect's analysis), and
 * missed the others (a tracked link left live: the front ends say so).
 * Under rf_rewrite_collect_sites, sites, addresses, images and emptied
 * count what it replaced the same way, and links and bugs only the links
 * that kept their clean form. */
void rf_rewrite_get_stats(const rf_rewrite *rw, rf_rewrite_stats *st);

#ifdef __cplusplus
}
#endif
#endif
