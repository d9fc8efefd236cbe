/*
 * redflag/cluster.h - batch clustering of fingerprints into campaigns
 * (docs/fingerprint.md, "Clustering"), in bounded memory.
 *
 * Add the fingerprints of a batch, each with its recipient and an index of
 * the caller's choosing; rf_cluster_run groups matching fingerprints
 * (rf_fp_match, candidates from the LSH bands, never all pairs) into
 * clusters and, for each cluster, counts its messages and distinct
 * recipients and gives it a stable campaign id.
 *
 * The grouping depends only on the fingerprints, not on the order they
 * were added: items are visited in a canonical order (by fingerprint).
 * The campaign id is 16 hex digits of XXH3 over the cluster's consensus
 * fingerprint (per position the most frequent value, ties to the smaller),
 * which for a large campaign is the template's own fingerprint and so the
 * same in every batch that holds enough of its copies.  RF_FP_EMPTY
 * fingerprints never cluster: each is a cluster of one with an empty id.
 *
 * Memory: the fingerprints, band keys and campaigns go to unlinked
 * temporary files (tmpfile()) and are grouped by external sorts, so a
 * batch holds at most about twice its budget (RF_CLUSTER_MEMORY, see
 * rf_cluster_set_memory) in buffers, plus 4 bytes per item (its cluster
 * number), plus 8 bytes per item on disk only when the caller's indices
 * are not 0, 1, 2, ...  A batch that fits in the budget never writes its
 * sorts to disk.
 */
#ifndef REDFLAG_CLUSTER_H
#define REDFLAG_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

#include <redflag/error.h>
#include <redflag/fingerprint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RF_CLUSTER_HEADS 4	/* representatives kept per LSH bucket */
#define RF_CLUSTER_MEMORY (1024 * 1024) /* default memory budget, bytes */
#define RF_CLUSTER_MEMORY_MIN 4096	/* smallest budget taken */

typedef struct rf_cluster rf_cluster;

typedef struct rf_batch_campaign {
	char id[17];		/* 16 lower-case hex digits; "" when empty */
	uint8_t kind;		/* enum rf_fp_kind of its members */
	size_t size;		/* messages in the cluster */
	size_t recipients;	/* distinct non-empty recipient strings
				 * (told apart by their 128-bit XXH3) */
	size_t first;		/* item number of its first member added */
} rf_batch_campaign;

/* rf_cluster_new: an empty batch; free it with rf_cluster_free. */
rf_status rf_cluster_new(rf_cluster **out, rf_error *err);

/* rf_cluster_set_memory: the memory budget of cl's sorts and buffers,
 * in bytes (default RF_CLUSTER_MEMORY; below RF_CLUSTER_MEMORY_MIN the
 * minimum is taken).  Any budget gives the same clusters; a smaller one
 * writes more, shorter sorted runs and merges them in more passes.
 * Before the first rf_cluster_add: RF_OK, or RF_EINVAL after it. */
rf_status rf_cluster_set_memory(rf_cluster *cl, size_t bytes, rf_error *err);

/* rf_cluster_free: release cl and its temporary files; NULL allowed. */
void rf_cluster_free(rf_cluster *cl);

/*
 * rf_cluster_add: add *fp (copied) for one message sent to recipient
 * (copied; compared byte for byte, so pass it normalised, e.g.
 * rf_message_recipient; NULL or "" when unknown: not counted), with the
 * caller's index.  Items are numbered 0, 1, ... in the order added.
 * Returns RF_OK, RF_ENOMEM, RF_EIO (a temporary file cannot be made or
 * written once the budget is full), RF_ELIMIT past 2^32 - 2 items, or
 * RF_EINVAL after rf_cluster_run.
 */
rf_status rf_cluster_add(rf_cluster *cl, const rf_fingerprint *fp,
			 const char *recipient, size_t index, rf_error *err);

/* rf_cluster_run: cluster everything added (once).  RF_OK, RF_ENOMEM,
 * or RF_EIO when a temporary file cannot be made, written or read (then
 * cl holds no items and no clusters).  Afterwards cl keeps only each
 * item's cluster number in memory, and the campaigns in a temporary
 * file: the fingerprints and recipients are released. */
rf_status rf_cluster_run(rf_cluster *cl, rf_error *err);

/* rf_cluster_items: number of items added. */
size_t rf_cluster_items(const rf_cluster *cl);

/* rf_cluster_count: number of clusters (0 before rf_cluster_run).
 * Clusters are numbered 0, 1, ... in the order of their first member. */
size_t rf_cluster_count(const rf_cluster *cl);

/* rf_cluster_of: the cluster number of item i (i < rf_cluster_items),
 * after rf_cluster_run; the caller's index of that item in *index (NULL
 * allowed; SIZE_MAX if it cannot be read back from its temporary file,
 * which happens only when the indices were not 0, 1, 2, ...). */
size_t rf_cluster_of(const rf_cluster *cl, size_t i, size_t *index);

/* rf_cluster_campaign: cluster c (c < rf_cluster_count), read from the
 * campaign file through its block cache: the pointer is valid until the
 * next rf_cluster_campaign call on cl (not thread-safe on one cl).  If
 * the file cannot be read, a campaign of size 0 with an empty id. */
const rf_batch_campaign *rf_cluster_campaign(const rf_cluster *cl, size_t c);

/* rf_fp_id: the campaign id rule for one fingerprint: 16 hex digits of
 * XXH3 over its kind and values, into id[17]; "" for RF_FP_EMPTY. */
void rf_fp_id(const rf_fingerprint *fp, char id[17]);

#ifdef __cplusplus
}
#endif
#endif
