/*
 * url_bytes.h - private to libredflag: the classes of a URL's bytes, one
 * table for the full way (url.c: is_plain, the bytes put_enc keeps
 * everywhere and a host may hold) and its fast path (url_fast.c: host
 * labels, the bytes kept as they are after the host, the escapes
 * uriparser decodes).  The two differ on purpose in ':' and '@' only:
 * put_enc keeps them after the host (its keep set) but not in a host, so
 * they have their own class, RF__UB_PCHAR, which the fast path adds to
 * RF__UB_PLAIN.  tests/unit/test_url_fast.c checks every byte against the
 * sets of RFC 3986 written out, and both ways on every byte.  The table
 * is defined once, in url_bytes.c (a static one here gave each includer
 * its own copy; the code the compiler generates from it is the same).
 */
#ifndef RF_URL_BYTES_H
#define RF_URL_BYTES_H

enum {
	RF__UB_HOST = 1,	/* in a host label: [A-Za-z0-9_-] */
	RF__UB_PLAIN = 2,	/* RFC 3986 unreserved and sub-delims */
	RF__UB_PCHAR = 4,	/* ':' and '@', the rest of a path's pchar */
	RF__UB_UNRES = 8,	/* unreserved: uriparser decodes its escape */
	RF__UB_UPPER = 16,	/* an upper-case letter */
};

/* RF__UB_ALNUM: the classes of a letter or a digit. */
#define RF__UB_ALNUM (RF__UB_HOST | RF__UB_PLAIN | RF__UB_UNRES)
#define RF__UB_AZ (RF__UB_ALNUM | RF__UB_UPPER)
/* RF__UB_SUB: the classes of a sub-delim. */
#define RF__UB_SUB RF__UB_PLAIN

/* rf__url_byte: the classes (RF__UB_*) of each byte; 0 for a byte in
 * none (controls, blanks, 8-bit bytes, '%', '/', '?', '#', '[', ']' and
 * the other delimiters).  One table, defined in url_bytes.c. */
extern const unsigned char rf__url_byte[256];

#endif
