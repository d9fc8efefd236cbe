/*
 * url_bytes.h - private to libredflag: the classes of a URL's bytes, one
 * table for the full way (url.c: is_plain, the bytes put_enc keeps
 * everywhere and a host may hold) and its fast path (url_fast.c: host
 * labels, the bytes kept as they are after the host, the escapes
 * uriparser decodes).  The two differ on purpose in ':' and '@' only:
 * put_enc keeps them after the host (its keep set) but not in a host, so
 * they have their own class, RF__UB_PCHAR, which the fast path adds to
 * RF__UB_PLAIN.  tests/unit/test_url_fast.c checks every byte against the
 * sets of RFC 3986 written out, and both ways on every byte.
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

static const unsigned char rf__url_byte[256] = {
	['a'] = RF__UB_ALNUM, ['b'] = RF__UB_ALNUM, ['c'] = RF__UB_ALNUM,
	['d'] = RF__UB_ALNUM, ['e'] = RF__UB_ALNUM, ['f'] = RF__UB_ALNUM,
	['g'] = RF__UB_ALNUM, ['h'] = RF__UB_ALNUM, ['i'] = RF__UB_ALNUM,
	['j'] = RF__UB_ALNUM, ['k'] = RF__UB_ALNUM, ['l'] = RF__UB_ALNUM,
	['m'] = RF__UB_ALNUM, ['n'] = RF__UB_ALNUM, ['o'] = RF__UB_ALNUM,
	['p'] = RF__UB_ALNUM, ['q'] = RF__UB_ALNUM, ['r'] = RF__UB_ALNUM,
	['s'] = RF__UB_ALNUM, ['t'] = RF__UB_ALNUM, ['u'] = RF__UB_ALNUM,
	['v'] = RF__UB_ALNUM, ['w'] = RF__UB_ALNUM, ['x'] = RF__UB_ALNUM,
	['y'] = RF__UB_ALNUM, ['z'] = RF__UB_ALNUM,
	['0'] = RF__UB_ALNUM, ['1'] = RF__UB_ALNUM, ['2'] = RF__UB_ALNUM,
	['3'] = RF__UB_ALNUM, ['4'] = RF__UB_ALNUM, ['5'] = RF__UB_ALNUM,
	['6'] = RF__UB_ALNUM, ['7'] = RF__UB_ALNUM, ['8'] = RF__UB_ALNUM,
	['9'] = RF__UB_ALNUM,
	['A'] = RF__UB_AZ, ['B'] = RF__UB_AZ, ['C'] = RF__UB_AZ,
	['D'] = RF__UB_AZ, ['E'] = RF__UB_AZ, ['F'] = RF__UB_AZ,
	['G'] = RF__UB_AZ, ['H'] = RF__UB_AZ, ['I'] = RF__UB_AZ,
	['J'] = RF__UB_AZ, ['K'] = RF__UB_AZ, ['L'] = RF__UB_AZ,
	['M'] = RF__UB_AZ, ['N'] = RF__UB_AZ, ['O'] = RF__UB_AZ,
	['P'] = RF__UB_AZ, ['Q'] = RF__UB_AZ, ['R'] = RF__UB_AZ,
	['S'] = RF__UB_AZ, ['T'] = RF__UB_AZ, ['U'] = RF__UB_AZ,
	['V'] = RF__UB_AZ, ['W'] = RF__UB_AZ, ['X'] = RF__UB_AZ,
	['Y'] = RF__UB_AZ, ['Z'] = RF__UB_AZ,
	['-'] = RF__UB_HOST | RF__UB_PLAIN | RF__UB_UNRES,
	['_'] = RF__UB_HOST | RF__UB_PLAIN | RF__UB_UNRES,
	['.'] = RF__UB_PLAIN | RF__UB_UNRES,
	['~'] = RF__UB_PLAIN | RF__UB_UNRES,
	['!'] = RF__UB_SUB, ['$'] = RF__UB_SUB, ['&'] = RF__UB_SUB,
	['\''] = RF__UB_SUB, ['('] = RF__UB_SUB, [')'] = RF__UB_SUB,
	['*'] = RF__UB_SUB, ['+'] = RF__UB_SUB, [','] = RF__UB_SUB,
	[';'] = RF__UB_SUB, ['='] = RF__UB_SUB,
	[':'] = RF__UB_PCHAR, ['@'] = RF__UB_PCHAR,
};

#endif
