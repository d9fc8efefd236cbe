/*
 * fingerprint.c - min-hash fingerprint of a message's visible text
 * (docs/fingerprint.md).
 *
 * One pass splits the text into words: case folded to ASCII where a Latin
 * letter has an accent, digits and e-mail addresses dropped, a URL reduced
 * to its registrable domain, the recipient's own words left out.  Each word
 * is kept as a 64-bit hash, and marked when it is in the lexicon
 * of common English words (lib/fp_lexicon.h).  When enough of the words
 * are common words, only those are used: hash-buster filler (random
 * strings, random dictionary words) and personal codes are almost never
 * common words, so they vanish.  The selected words are cut into 3-word
 * shingles; each shingle is hashed once with XXH3 and permuted 32 times
 * with a multiply-xorshift; the minimum of each permutation is kept
 * (lib/fingerprint_hash.c, plain C or AVX2).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define XXH_INLINE_ALL		/* the shingle hash inlined: 24 bytes */
#include <xxhash.h>

#include "internal.h"
#include "bytescan.h"
#include "fingerprint_hash.h"
#include "fp_lexicon.h"

#if defined(__SSE2__) && defined(__x86_64__)
#define RF__FP_SSE2 1		/* lexicon_has with SSE2 (bytescan.h has
				 * included emmintrin.h) */
#endif

#define MIN_WORDS 8		/* fewer normalised words: RF_FP_SHORT */
#define LEX_MIN 8		/* common words needed for lexicon mode */
#define LEX_RATIO 4		/* ... and at least 1/LEX_RATIO of all */
#define MAX_RCPT_WORDS 16	/* recipient words removed */
#define MAX_WORD 256		/* bytes of one word hashed */
#define STACK_WORDS 2048	/* words before the heap is needed */
#define SEED_SHORT 0x73686f7274ULL	/* "short" */

#define WH_SEED 0x9e3779b97f4a7c15ULL	/* word hash start */
#define WH_MUL 0xff51afd7ed558ccdULL
#define WH_FIN1 0xbf58476d1ce4e5b9ULL
#define WH_FIN2 0x94d049bb133111ebULL

/* Latin-1 U+00C0..U+00FF and Latin Extended-A U+0100..U+017F folded to
 * an ASCII letter; '*' marks a separator (multiplication, division). */
static const char fold_latin1[64] =
	"aaaaaaaceeeeiiiidnooooo*ouuuuyts"
	"aaaaaaaceeeeiiiidnooooo*ouuuuyty";
static const char fold_exta[128] =
	"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkk"
	"llllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuu"
	"wwyyyzzzzzzs";

struct words {
	uint64_t *all;		/* every normalised word */
	uint64_t *lex;		/* the common words among them, in order */
	size_t n, nlex, cap;
	uint64_t stack_all[STACK_WORDS], stack_lex[STACK_WORDS];
	uint64_t rcpt[MAX_RCPT_WORDS];
	uint64_t rcpt_bits;	/* bit (h & 63) set for each recipient word */
	size_t nrcpt;
	int oom;
};

/* Word classes of a code point. */
enum { CP_SEP, CP_IGNORE, CP_WORD, CP_SINGLE };

/*
 * lexicon_has: h is the hash of a word of the lexicon: its bucket (low 12
 * bits) holds its high 32 bits.  With SSE2 the bucket's keys (at most
 * LEX_WIDTH, 8; the table is padded after the last bucket) are compared
 * at once and the matches past the bucket's end masked off, so no branch
 * depends on the bucket's size; test_lexicon_lookup compares it with the
 * loop.
 */
static inline int
lexicon_has(uint64_t h)
{
	uint32_t key = (uint32_t)(h >> 32);
	unsigned b = (unsigned)(h & (LEX_BUCKETS - 1)), i;
#ifdef RF__FP_SSE2
	const uint32_t *k = lex_key + lex_off[b];
	unsigned n = (unsigned)(lex_off[b + 1] - lex_off[b]), m;
	__m128i v = _mm_set1_epi32((int)key);

	_Static_assert(LEX_WIDTH == 8, "two 4-key compares");
	m = (unsigned)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(
	    _mm_loadu_si128((const __m128i *)(const void *)k), v))) |
	    (unsigned)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(
	    _mm_loadu_si128((const __m128i *)(const void *)(k + 4)), v))) << 4;
	(void)i;
	return (m & ((1u << n) - 1)) != 0;
#else
	for (i = lex_off[b]; i < lex_off[b + 1]; i++)
		if (lex_key[i] == key)
			return 1;
	return 0;
#endif
}

int
rf__fp_lexicon_has(uint64_t h)
{
	return lexicon_has(h);
}

/* decode: the code point at s (n bytes left) and its length in *len;
 * invalid UTF-8 gives U+FFFD over one byte. */
static uint32_t
decode(const unsigned char *s, size_t n, size_t *len)
{
	uint32_t cp;
	size_t need, i;

	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 1;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 2;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 3;
		cp = s[0] & 0x07;
	} else {
		*len = 1;
		return 0xfffd;
	}
	if (need >= n) {
		*len = 1;
		return 0xfffd;
	}
	for (i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*len = 1;
			return 0xfffd;
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
		*len = 1;
		return 0xfffd;
	}
	*len = need + 1;
	return cp;
}

static int
cp_class(uint32_t cp)
{
	if (cp < 0x80) {
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= '0' && cp <= '9'))
			return CP_WORD;
		return cp == '\'' ? CP_IGNORE : CP_SEP;
	}
	if (cp == 0xad || (cp >= 0x300 && cp <= 0x36f) ||
	    (cp >= 0x200b && cp <= 0x200d) || cp == 0x2060 || cp == 0x2019 ||
	    (cp >= 0xfe00 && cp <= 0xfe0f) || cp == 0xfeff)
		return CP_IGNORE;	/* soft hyphen, combining, zero width */
	if (cp < 0xc0)
		return (cp == 0xaa || cp == 0xb5 || cp == 0xba) ? CP_WORD :
		    CP_SEP;
	if (cp == 0xd7 || cp == 0xf7 || (cp >= 0x2000 && cp <= 0x2bff) ||
	    (cp >= 0x3000 && cp <= 0x303f) || (cp >= 0xe000 && cp <= 0xf8ff) ||
	    (cp >= 0xff00 && cp <= 0xff0f) || cp >= 0xfff0 ||
	    (cp >= 0x1f000 && cp <= 0x1faff))
		return CP_SEP;		/* punctuation, symbols, emoji */
	if ((cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
	    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7af) ||
	    (cp >= 0xf900 && cp <= 0xfaff))
		return CP_SINGLE;	/* CJK: one character, one word */
	return CP_WORD;
}

/* fold: the lower-case form of cp: ASCII for accented Latin letters. */
static uint32_t
fold(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp < 0xc0)
		return cp;
	if (cp < 0x100)
		return (unsigned char)fold_latin1[cp - 0xc0];
	if (cp < 0x180)
		return (unsigned char)fold_exta[cp - 0x100];
	if ((cp >= 0x391 && cp <= 0x3a9) || (cp >= 0x410 && cp <= 0x42f))
		return cp + 0x20;	/* Greek, Cyrillic capitals */
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 0x50;
	return cp;
}

/*
 * The word hash (mirrored by tools/genlexicon.py): the folded UTF-8 bytes
 * are packed big-endian into 64-bit blocks, each block mixed in with a
 * multiply and an xorshift; the length and the last partial block are
 * mixed in at the end and the result finalised like splitmix64.
 */
struct word {
	uint64_t h, acc;	/* state, bytes of the current block */
	size_t len;		/* bytes hashed */
	int digit, ascii;
};

static inline void
word_reset(struct word *wd)
{
	wd->h = WH_SEED;
	wd->acc = 0;
	wd->len = 0;
	wd->digit = 0;
	wd->ascii = 1;
}

static inline void
word_byte(struct word *wd, unsigned char c)
{
	wd->acc = (wd->acc << 8) | c;
	if ((++wd->len & 7) == 0) {
		wd->h = (wd->h ^ wd->acc) * WH_MUL;
		wd->h ^= wd->h >> 29;
		wd->acc = 0;
	}
}

static void
word_cp(struct word *wd, uint32_t cp)
{
	if (cp < 0x80) {
		word_byte(wd, (unsigned char)cp);
		return;
	}
	if (cp < 0x800) {
		word_byte(wd, (unsigned char)(0xc0 | (cp >> 6)));
	} else if (cp < 0x10000) {
		word_byte(wd, (unsigned char)(0xe0 | (cp >> 12)));
		word_byte(wd, (unsigned char)(0x80 | ((cp >> 6) & 0x3f)));
	} else {
		word_byte(wd, (unsigned char)(0xf0 | (cp >> 18)));
		word_byte(wd, (unsigned char)(0x80 | ((cp >> 12) & 0x3f)));
		word_byte(wd, (unsigned char)(0x80 | ((cp >> 6) & 0x3f)));
	}
	word_byte(wd, (unsigned char)(0x80 | (cp & 0x3f)));
}

static inline uint64_t
word_hash(const struct word *wd)
{
	uint64_t h = wd->h ^ wd->acc ^ ((uint64_t)wd->len << 56);

	h = (h ^ (h >> 31)) * WH_FIN1;
	h = (h ^ (h >> 27)) * WH_FIN2;
	return h ^ (h >> 31);
}

/* push_grow: twice the room for words (w->oom set when there is none). */
static void
push_grow(struct words *w)
{
	uint64_t *na, *nl;
	size_t ncap = w->cap * 2;

	na = malloc(ncap * sizeof(*na));
	nl = malloc(ncap * sizeof(*nl));
	if (na == NULL || nl == NULL) {
		free(na);
		free(nl);
		w->oom = 1;
		return;
	}
	memcpy(na, w->all, w->n * sizeof(*na));
	memcpy(nl, w->lex, w->nlex * sizeof(*nl));
	if (w->all != w->stack_all) {
		free(w->all);
		free(w->lex);
	}
	w->all = na;
	w->lex = nl;
	w->cap = ncap;
}

/* push: word h onto the list (and the common words when lex), unless it
 * is one of the recipient's words; the bit mask spares the search for
 * most words. */
static inline void
push(struct words *w, uint64_t h, int lex)
{
	size_t i;

	if (w->rcpt_bits & (1ULL << (h & 63)))
		for (i = 0; i < w->nrcpt; i++)
			if (w->rcpt[i] == h)
				return;
	if (w->n == w->cap) {
		push_grow(w);
		if (w->oom)
			return;
	}
	w->all[w->n++] = h;
	/* without a branch: nlex < n <= cap, so the slot is there */
	w->lex[w->nlex] = h;
	w->nlex += lex != 0;
}

/* ASCII: 0 separator, 1 ignored (apostrophe), else the folded byte. */
static const unsigned char ascii_fold[128] = {
	['\''] = 1,
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
	['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
	['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e',
	['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
	['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o',
	['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
	['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y',
	['Z'] = 'z',
	['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e',
	['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j',
	['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o',
	['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't',
	['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y',
	['z'] = 'z',
};

/* emit: pass the hash of a finished word on: to push, or, when rcpt is
 * set, to the recipient words. */
static inline void
emit(struct words *w, uint64_t h, int ascii, int rcpt)
{
	if (!rcpt) {
		push(w, h, ascii && lexicon_has(h));
	} else if (w->nrcpt < MAX_RCPT_WORDS) {
		w->rcpt[w->nrcpt++] = h;
		w->rcpt_bits |= 1ULL << (h & 63);
	}
}

/* word_end: a word is over; one with a digit is dropped. */
static inline void
word_end(struct words *w, struct word *wd, int rcpt)
{
	if (wd->len > 0 && !wd->digit)
		emit(w, word_hash(wd), wd->ascii, rcpt);
	word_reset(wd);
}

/* nonascii: one non-ASCII code point at s (n bytes left) into the word
 * being read; returns its length in bytes. */
static size_t
nonascii(struct words *w, struct word *wd, const unsigned char *s, size_t n,
	 int rcpt)
{
	size_t len;
	uint32_t cp;
	int cls;

	cp = decode(s, n, &len);
	cls = cp_class(cp);
	if (cls == CP_WORD)
		cp = fold(cp);
	if (cls == CP_IGNORE || (cls == CP_WORD && wd->len >= MAX_WORD))
		return len;
	if (cls == CP_WORD && cp != '*') {
		wd->ascii &= cp < 0x80;
		word_cp(wd, cp);
		return len;
	}
	word_end(w, wd, rcpt);
	if (cls == CP_SINGLE && !rcpt) {
		word_cp(wd, cp);
		push(w, word_hash(wd), 0);
		word_reset(wd);
	}
	return len;
}

/* split: the words of s[0..n) (the part of a chunk before a URL, or a
 * recipient's name or local part when rcpt is set). */
static void
split(struct words *w, const unsigned char *s, size_t n, int rcpt)
{
	struct word wd;
	size_t i = 0;
	unsigned char c;

	word_reset(&wd);
	while (i < n) {
		if (s[i] >= 0x80) {
			i += nonascii(w, &wd, s + i, n - i, rcpt);
			continue;
		}
		c = ascii_fold[s[i++]];
		if (c == 0) {
			word_end(w, &wd, rcpt);
		} else if (c > 1 && wd.len < MAX_WORD) {
			wd.digit |= c <= '9';
			word_byte(&wd, c);
		}
	}
	word_end(w, &wd, rcpt);
}

static int
is_scheme_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

/* url_start: offset in the chunk where a URL begins ("scheme://" or
 * "www."), and in *host where its host begins; n when there is none. */
static size_t
url_start(const unsigned char *s, size_t n, size_t *host)
{
	size_t i, j;

	for (i = 0; i + 3 < n; i++) {
		if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/') {
			for (j = i; j > 0 && is_scheme_char(s[j - 1]); j--)
				;
			if (j == i)
				continue;
			*host = i + 3;
			return j;
		}
		if ((s[i] == 'w' || s[i] == 'W') && i + 4 < n &&
		    (i == 0 || !is_scheme_char(s[i - 1])) &&
		    strncasecmp((const char *)s + i, "www.", 4) == 0) {
			*host = i;
			return i;
		}
	}
	return n;
}

/* url_word: the registrable domain of the host at s (n bytes to the end
 * of the chunk) as one word. */
static void
url_word(const rf_ctx *ctx, struct words *w, const unsigned char *s,
	 size_t n)
{
	char host[256];
	const char *dom;
	size_t i, hl = 0, start = 0;
	struct word wd;

	for (i = 0; i < n; i++) {
		if (s[i] == '/' || s[i] == '?' || s[i] == '#' || s[i] == '\\' ||
		    s[i] == '>' || s[i] == '"' || s[i] == '\'' || s[i] == ')' ||
		    s[i] == ']' || s[i] == ',' || s[i] == ';')
			break;
		if (s[i] == '@')
			start = i + 1;	/* user info */
	}
	for (i = start; i < n && hl + 1 < sizeof(host); i++) {
		if (s[i] == '/' || s[i] == '?' || s[i] == '#' || s[i] == ':' ||
		    s[i] == '\\' || s[i] == '>' || s[i] == '"' ||
		    s[i] == '\'' || s[i] == ')' || s[i] == ']' ||
		    s[i] == ',' || s[i] == ';')
			break;
		host[hl++] = (char)(s[i] >= 'A' && s[i] <= 'Z' ?
		    s[i] + 32 : s[i]);
	}
	while (hl > 0 && host[hl - 1] == '.')
		hl--;
	if (hl == 0)
		return;
	host[hl] = '\0';
	dom = rf__registrable_domain(ctx, host);
	if (dom == NULL)
		dom = host;
	word_reset(&wd);
	for (; *dom != '\0'; dom++)
		word_byte(&wd, (unsigned char)*dom);
	push(w, word_hash(&wd), 0);
}

/* Byte classes for the chunk scan. */
enum { B_OTHER = 0, B_SPACE = 1, B_COLON = 2, B_AT = 4, B_DOT = 8,
	B_NBSP1 = 16, B_WWW = 32 };

static const unsigned char byte_class[256] = {
	[' '] = B_SPACE, ['\t'] = B_SPACE, ['\n'] = B_SPACE, ['\r'] = B_SPACE,
	['\f'] = B_SPACE, ['\v'] = B_SPACE, [':'] = B_COLON, ['@'] = B_AT,
	['.'] = B_DOT, [0xc2] = B_NBSP1,
};

/*
 * chunk_end: a run of non-space bytes s[0..n) is over; its words are
 * already pushed (from index n0 of all, nlex0 of lex).  If it held a URL
 * its words from the URL on are replaced by the URL's domain; if it is
 * an e-mail address they are taken back.
 */
static void
chunk_end(const rf_ctx *ctx, struct words *w, const unsigned char *s,
	  size_t n, unsigned seen, size_t n0, size_t nlex0)
{
	size_t u = n, host;

	if (seen & (B_COLON | B_DOT | B_WWW))
		u = url_start(s, n, &host);
	if (u < n) {
		w->n = n0;
		w->nlex = nlex0;
		split(w, s, u, 0);
		url_word(ctx, w, s + host, n - host);
	} else if (seen & B_AT) {
		w->n = n0;
		w->nlex = nlex0;
	}
}

/* scan: the words of a text, in one pass over its bytes; unless flags
 * has RF__FP_BYTEWISE, a run of ASCII word bytes is read 8 at a time
 * (rf__word_run8, lib/bytescan.h) and a chunk is searched for a URL only
 * when it has ':' or "www." (any case), not for every dot. */
static void
scan(const rf_ctx *ctx, struct words *w, const char *text, size_t len,
     unsigned flags)
{
	const unsigned char *s = (const unsigned char *)text;
	struct word wd;
	size_t i = 0, start = 0, n0 = w->n, nlex0 = w->nlex, sp;
	unsigned seen = 0, cls, k, r, rest;
	int fast = !(flags & RF__FP_BYTEWISE);
	unsigned char c;

	word_reset(&wd);
	while (i < len) {
		if (s[i] < 0x80) {
			c = ascii_fold[s[i]];
			if (c > 1) {
				/* a run of ASCII word bytes, in registers:
				 * word_byte with the MAX_WORD cap */
				uint64_t h = wd.h, acc = wd.acc, be, top, blk;
				size_t wl = wd.len;
				int digit = wd.digit;

				for (;;) {
					if (fast && len - i >= 8 &&
					    wl <= MAX_WORD - 8) {
						/* k <= 8 bytes at once: the
						 * block fills when r + k >= 8 */
						k = rf__word_run8(s + i, &be,
						    &digit);
						if (k == 0)
							break;
						top = be >> (64 - 8 * k);
						r = (unsigned)(wl & 7);
						if (r + k < 8) {
							acc = (acc << (8 * k)) |
							    top;
						} else {
							rest = r + k - 8;
							blk = (acc << (8 * (7 - r))
							    << 8) | (top >>
							    (8 * rest));
							h = (h ^ blk) * WH_MUL;
							h ^= h >> 29;
							acc = top & ((1ULL <<
							    (8 * rest)) - 1);
						}
						wl += k;
						i += k;
						if (k < 8)
							break;
						continue;
					}
					if (i == len || s[i] >= 0x80)
						break;
					c = ascii_fold[s[i]];
					if (c <= 1)
						break;
					if (wl < MAX_WORD) {
						digit |= c <= '9';
						acc = (acc << 8) | c;
						if ((++wl & 7) == 0) {
							h = (h ^ acc) * WH_MUL;
							h ^= h >> 29;
							acc = 0;
						}
					}
					i++;
				}
				wd.h = h;
				wd.acc = acc;
				wd.len = wl;
				wd.digit = digit;
				/* ended by ASCII white space (most words):
				 * straight to the end of the chunk */
				if (fast && i < len &&
				    byte_class[s[i]] == B_SPACE) {
					word_end(w, &wd, 0);
					sp = 1;
					goto white;
				}
				continue;
			}
			if (c == 1) {
				i++;
				continue;
			}
			word_end(w, &wd, 0);
			cls = byte_class[s[i]];
			if (cls != B_SPACE) {
				/* a dot matters only for a URL without
				 * "://", after "www" (any case) */
				if (cls == B_DOT && fast)
					cls = i - start >= 3 &&
					    (s[i - 3] | 0x20) == 'w' &&
					    (s[i - 2] | 0x20) == 'w' &&
					    (s[i - 1] | 0x20) == 'w' ?
					    B_WWW : B_OTHER;
				seen |= cls;
				i++;
				continue;
			}
			sp = 1;
		} else if (s[i] == 0xc2 && i + 1 < len && s[i + 1] == 0xa0) {
			word_end(w, &wd, 0);
			sp = 2;
		} else {
			/* through a copy: wd itself can stay in registers */
			struct word t = wd;

			i += nonascii(w, &t, s + i, len - i, 0);
			wd = t;
			continue;
		}
		/* white space: the chunk is over (out of memory: the
		 * scan too, and the result is RF_ENOMEM) */
white:
		if (seen != 0)
			chunk_end(ctx, w, s + start, i - start, seen, n0, nlex0);
		if (w->oom)
			break;
		i += sp;
		start = i;
		seen = 0;
		n0 = w->n;
		nlex0 = w->nlex;
	}
	word_end(w, &wd, 0);
	if (seen != 0)
		chunk_end(ctx, w, s + start, i - start, seen, n0, nlex0);
}

static void
words_init(struct words *w, const char *rcpt_addr, const char *rcpt_name)
{
	const char *at;

	w->all = w->stack_all;
	w->lex = w->stack_lex;
	w->n = w->nlex = 0;
	w->cap = STACK_WORDS;
	w->nrcpt = 0;
	w->rcpt_bits = 0;
	w->oom = 0;
	if (rcpt_addr != NULL) {
		at = strchr(rcpt_addr, '@');
		split(w, (const unsigned char *)rcpt_addr,
		    at != NULL ? (size_t)(at - rcpt_addr) : strlen(rcpt_addr),
		    1);
	}
	if (rcpt_name != NULL)
		split(w, (const unsigned char *)rcpt_name, strlen(rcpt_name),
		    1);
}

static void
words_free(struct words *w)
{
	if (w->all != w->stack_all) {
		free(w->all);
		free(w->lex);
	}
}

/* finish: choose the word sequence and compute the fingerprint, the
 * min-hash with kernel. */
static rf_status
finish(struct words *w, rf__fp_minhash_fn *kernel, rf_fingerprint *out,
       rf_error *err)
{
	const uint64_t *seq;
	size_t m;

	memset(out, 0, sizeof(*out));
	out->version = RF_FP_VERSION;
	if (w->oom)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	out->nwords = w->n > UINT32_MAX ? UINT32_MAX : (uint32_t)w->n;
	if (w->n == 0) {
		out->kind = RF_FP_EMPTY;
		return RF_OK;
	}
	if (w->nlex >= LEX_MIN && w->nlex * LEX_RATIO >= w->n) {
		seq = w->lex;
		m = w->nlex;
	} else {
		seq = w->all;
		m = w->n;
	}
	if (m < MIN_WORDS) {
		out->kind = RF_FP_SHORT;
		out->h[0] = XXH3_64bits_withSeed(seq, m * sizeof(*seq),
		    SEED_SHORT);
		return RF_OK;
	}
	out->kind = RF_FP_MINHASH;
	kernel(seq, m, out->h);
	return RF_OK;
}

static size_t
capped(const rf_ctx *ctx, size_t len)
{
	size_t max = rf_ctx_limits(ctx)->max_text_size;

	return max != 0 && len > max ? max : len;
}

/*
 * The work area (tens of kilobytes) is kept for the next message: one
 * spare per context, taken out while in use, so allocating it costs
 * once per thread at a time instead of once per message.
 */
struct rf__fp_pool {
	pthread_mutex_t lock;	/* first: rf__locked_new */
	struct words *spare;
};

struct rf__fp_pool *
rf__fp_pool_new(void)
{
	return rf__locked_new(sizeof(struct rf__fp_pool));
}

void
rf__fp_pool_free(struct rf__fp_pool *p)
{
	if (p == NULL)
		return;
	free(p->spare);
	rf__locked_free(p);
}

static struct words *
words_get(const rf_ctx *ctx)
{
	struct rf__fp_pool *p = ctx->fpp;
	struct words *w = NULL;

	if (p != NULL) {
		pthread_mutex_lock(&p->lock);
		w = p->spare;
		p->spare = NULL;
		pthread_mutex_unlock(&p->lock);
	}
	return w != NULL ? w : malloc(sizeof(*w));
}

static void
words_put(const rf_ctx *ctx, struct words *w)
{
	struct rf__fp_pool *p = ctx->fpp;

	words_free(w);
	if (p != NULL) {
		pthread_mutex_lock(&p->lock);
		if (p->spare == NULL) {
			p->spare = w;
			w = NULL;
		}
		pthread_mutex_unlock(&p->lock);
	}
	free(w);
}

rf_status
rf_fingerprint_text(const rf_ctx *ctx, const char *text, size_t len,
		    const char *rcpt_addr, const char *rcpt_name,
		    rf_fingerprint *out, rf_error *err)
{
	return rf__fingerprint_text_with(ctx, text, len, rcpt_addr, rcpt_name,
	    rf__fp_minhash_best(), 0, out, err);
}

rf_status
rf__fingerprint_text_with(const rf_ctx *ctx, const char *text, size_t len,
			  const char *rcpt_addr, const char *rcpt_name,
			  rf__fp_minhash_fn *kernel, unsigned flags,
			  rf_fingerprint *out, rf_error *err)
{
	struct words *w;
	rf_status st;

	w = words_get(ctx);
	if (w == NULL) {
		memset(out, 0, sizeof(*out));
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	words_init(w, rcpt_addr, rcpt_name);
	if (text != NULL)
		scan(ctx, w, text, capped(ctx, len), flags);
	st = finish(w, kernel, out, err);
	words_put(ctx, w);
	return st;
}

static int
cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/* fp_run: rf_fingerprint_message; with keep not NULL, the words of the
 * result (w->all, before the fingerprint is taken) are also copied
 * into keep, sorted, as *words and *nwords. */
static rf_status
fp_run(const rf_ctx *ctx, const rf_message *m, const char *rcpt_addr,
       const char *rcpt_name, rf_fingerprint *out, rf_arena *keep,
       uint64_t **words, size_t *nwords, rf_error *err)
{
	struct words *w;
	const char *body;
	size_t blen;
	rf_status st;

	w = words_get(ctx);
	if (w == NULL) {
		memset(out, 0, sizeof(*out));
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	if (rcpt_name == NULL && rcpt_addr != NULL)
		rcpt_name = rf_message_recipient_name(m, rcpt_addr);
	words_init(w, rcpt_addr, rcpt_name);
	if (m->subject != NULL)
		scan(ctx, w, m->subject, capped(ctx, strlen(m->subject)), 0);
	/* The HTML alternative is what most readers see; the plain one only
	 * when the HTML shows much less (an image with a caption). */
	if (m->html_text != NULL && m->html_text_len > 0 &&
	    m->html_text_len * 2 >= m->text_len) {
		body = m->html_text;
		blen = m->html_text_len;
	} else {
		body = m->text;
		blen = m->text != NULL ? m->text_len : 0;
	}
	if (body != NULL)
		scan(ctx, w, body, capped(ctx, blen), 0);
	if (keep != NULL && !w->oom) {
		if ((*words = rf_arena_array(keep, w->n + 1,
		    sizeof(**words))) == NULL)
			w->oom = 1;
		else {
			memcpy(*words, w->all, w->n * sizeof(**words));
			*nwords = w->n;
			qsort(*words, w->n, sizeof(**words), cmp_u64);
		}
	}
	st = finish(w, rf__fp_minhash_best(), out, err);
	words_put(ctx, w);
	return st;
}

rf_status
rf_fingerprint_message(const rf_ctx *ctx, const rf_message *m,
		       const char *rcpt_addr, const char *rcpt_name,
		       rf_fingerprint *out, rf_error *err)
{
	return fp_run(ctx, m, rcpt_addr, rcpt_name, out, NULL, NULL, NULL,
	    err);
}

/*
 * The fingerprint of one message for many recipients (struct rf_fp_base,
 * redflag/fingerprint.h).  A recipient's words are only ever left out
 * where they would be pushed, and a chunk taken back (a URL, an address)
 * is taken back whichever words it kept, so the words of the result
 * for a recipient are those of the result without recipient, the
 * recipient's left out: when none of them is among those, the
 * fingerprint is the same.
 */
struct rf_fp_base {
	rf_fingerprint fp;	/* without recipient words */
	uint64_t *words;	/* its words, sorted */
	size_t n;
};

rf_status
rf_fingerprint_prepare(const rf_ctx *ctx, const rf_message *m,
		       rf_arena *a, rf_fp_base **out, rf_error *err)
{
	rf_fp_base *b;
	rf_status st;

	*out = NULL;
	if ((b = rf_arena_alloc(a, sizeof(*b))) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	b->words = NULL;
	b->n = 0;
	st = fp_run(ctx, m, NULL, "", &b->fp, a, &b->words, &b->n, err);
	if (st == RF_OK)
		*out = b;
	return st;
}

rf_status
rf_fingerprint_message_base(const rf_ctx *ctx, const rf_message *m,
			    const rf_fp_base *base, const char *rcpt_addr,
			    const char *rcpt_name, rf_fingerprint *out,
			    rf_error *err)
{
	struct words *w;
	size_t i;
	int found = 0;

	if (rcpt_name == NULL && rcpt_addr != NULL)
		rcpt_name = rf_message_recipient_name(m, rcpt_addr);
	if ((w = words_get(ctx)) == NULL) {
		memset(out, 0, sizeof(*out));
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	/* the recipient's words alone (words_init pushes nothing) */
	words_init(w, rcpt_addr, rcpt_name);
	for (i = 0; i < w->nrcpt && !found; i++)
		found = bsearch(&w->rcpt[i], base->words, base->n,
		    sizeof(*base->words), cmp_u64) != NULL;
	words_put(ctx, w);
	if (found)
		return rf_fingerprint_message(ctx, m, rcpt_addr, rcpt_name,
		    out, err);
	*out = base->fp;
	return RF_OK;
}

unsigned
rf_fp_agree(const rf_fingerprint *a, const rf_fingerprint *b)
{
	unsigned j, n = 0;

	if (a->version != b->version || a->kind != b->kind ||
	    a->kind == RF_FP_EMPTY)
		return 0;
	if (a->kind == RF_FP_SHORT)
		return a->h[0] == b->h[0] ? RF_FP_HASHES : 0;
	for (j = 0; j < RF_FP_HASHES; j++)
		n += a->h[j] == b->h[j];
	return n;
}

int
rf_fp_match(const rf_fingerprint *a, const rf_fingerprint *b)
{
	return 2 * rf_fp_agree(a, b) > RF_FP_HASHES;
}

uint64_t
rf_fp_band(const rf_fingerprint *fp, unsigned i)
{
	if (fp->kind == RF_FP_SHORT)
		return fp->h[0];
	if (fp->kind != RF_FP_MINHASH || i >= RF_FP_BANDS)
		return 0;
	return XXH3_64bits_withSeed(fp->h + i * RF_FP_ROWS,
	    RF_FP_ROWS * sizeof(fp->h[0]), i + 1);
}
