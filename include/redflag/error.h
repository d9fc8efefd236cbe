/*
 * redflag/error.h - status codes and error detail.
 *
 * Every fallible libredflag call returns an rf_status and, when it fails,
 * fills the caller's rf_error (which may be NULL when the caller does not
 * want the detail).  The message is plain English, never contains untrusted
 * bytes unescaped, and is at most RF_ERROR_MAX - 1 bytes long.
 */
#ifndef REDFLAG_ERROR_H
#define REDFLAG_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rf_status {
	RF_OK = 0,
	RF_ENOMEM,	/* out of memory */
	RF_EINVAL,	/* invalid argument from the caller */
	RF_EIO,		/* reading or writing a file failed */
	RF_EPARSE,	/* input could not be parsed at all */
	RF_ELIMIT,	/* a configured limit stopped the operation */
	RF_ESTORE,	/* the store (SQLite, Redis) failed */
	RF_ENOTFOUND,	/* no such item */
	RF_EDONE	/* iteration finished (not an error) */
} rf_status;

#define RF_ERROR_MAX 512

typedef struct rf_error {
	rf_status status;
	char msg[RF_ERROR_MAX];
} rf_error;

/* rf_error_set: record status and a printf-style message in err (if not
 * NULL) and return status, so that callers can write
 * "return rf_error_set(err, RF_EIO, "...")". */
rf_status rf_error_set(rf_error *err, rf_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* rf_error_clear: reset err to RF_OK with an empty message. */
void rf_error_clear(rf_error *err);

/* rf_status_name: a short constant name for status ("ENOMEM", ...). */
const char *rf_status_name(rf_status status);

/*
 * rf_escape: untrusted bytes (a file name, a value from the command line,
 * a server's reply) made safe to show in an error message, on a terminal
 * or in a log: printable ASCII is kept, every other byte becomes \xNN,
 * and so does '\' (so that the escaped form is unambiguous).  s is cut
 * after max of its bytes, or where buf would overflow, with "..." added.
 * s NULL shows as "(null)".  Always NUL-terminates buf when bufsize > 0.
 * Returns buf.  The one escaping of the library and of the redflag command.
 */
char *rf_escape(char *buf, size_t bufsize, const char *s, size_t max);

/*
 * rf_escape_text: as rf_escape, for text a person reads (a subject, a
 * link's text): well-formed UTF-8 is kept too, so that text in any
 * language reads as written, but for the characters that would move or
 * hide what is shown: the C1 controls (U+0080 to U+009F), the direction
 * marks and overrides (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066
 * to U+2069) and the line and paragraph separators (U+2028, U+2029),
 * whose bytes become \xNN as every byte that is no well-formed UTF-8
 * does.  s is cut after at most max of its bytes at a character's end.
 */
char *rf_escape_text(char *buf, size_t bufsize, const char *s, size_t max);

/* RF_ERROR_NAME_SIZE: room for a name as rf_error_name quotes it. */
#define RF_ERROR_NAME_SIZE 448

/*
 * rf_error_name: name (a path, a label such as "path:N") as the library's
 * error messages quote it: rf_escape'd, at most 200 of its bytes, into buf
 * (RF_ERROR_NAME_SIZE bytes, which leaves room in an rf_error for the
 * reason after it).  A caller that gets "NAME: reason" can compare the
 * message's start with rf_error_name of the name it gave.  Returns buf.
 */
char *rf_error_name(char buf[RF_ERROR_NAME_SIZE], const char *name);

#ifdef __cplusplus
}
#endif
#endif
