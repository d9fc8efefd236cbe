/*
 * redflag/source.h - where messages come from: a message file, a file
 * descriptor (standard input), a Maildir, an mbox file, a directory tree.
 *
 * rf_source_open looks at the path: a directory with cur/ or new/ is a
 * Maildir (cur then new, names sorted); any other directory is walked in
 * sorted order (hidden entries skipped), each regular file one message; a
 * regular file whose first line is an mbox From_ line and that holds more
 * than one message is an mbox (split at From_ lines, ">From " unquoted as
 * mboxrd; after the first line, a From_ line is an empty line's next one
 * that is "From ", then a date as ctime writes it: month abbreviation,
 * day, time, a zone or two or none, four-digit year, as mutt's is_from
 * asks: "From a@b Thu Jan  1 00:00:00 1970"; a body line "From what I
 * heard" is none); any other file is one message.  Labels: the path, or "path:N"
 * for the Nth message of an mbox.
 */
#ifndef REDFLAG_SOURCE_H
#define REDFLAG_SOURCE_H

#include <stddef.h>

#include <redflag/error.h>
#include <redflag/limits.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rf_source rf_source;

typedef struct rf_item {
	const char *label;	/* valid until the next rf_source_next */
	const char *data;	/* the message bytes, valid likewise */
	size_t len;
	int truncated;		/* cut at max_message_size */
	const char *path;	/* the file whose first len bytes are data,
				 * which may be read again, or NULL (a
				 * message of an mbox or a stream); valid
				 * likewise */
} rf_item;

/* rf_source_open: open path.  RF_EIO with the reason when it cannot be
 * read at all. */
rf_status rf_source_open(const char *path, const rf_limits *limits,
			 rf_source **out, rf_error *err);

/* rf_source_open_fd: read one stream (standard input) until EOF; it is
 * an mbox when it starts with a From_ line and holds several messages.
 * A stream of one message gives its bytes unchanged (no ">From "
 * unquoting), as a file of one message does, so that a command that
 * writes the message back (clean) keeps them.  label names it in
 * reports ("-"). The fd is not closed. */
rf_status rf_source_open_fd(int fd, const char *label,
			    const rf_limits *limits, rf_source **out,
			    rf_error *err);

/*
 * rf_source_next: the next message in *item.  Returns RF_OK, RF_EDONE at
 * the end, or an error for this one entry (item->label names it, e.g. an
 * unreadable Maildir file); the caller may report it and call again.
 */
rf_status rf_source_next(rf_source *s, rf_item *item, rf_error *err);

/* rf_source_progress: entries (files or mbox bytes) done and total, for
 * progress display; total is 0 when unknown. */
void rf_source_progress(const rf_source *s, size_t *done, size_t *total);

void rf_source_free(rf_source *s);

#ifdef __cplusplus
}
#endif
#endif
