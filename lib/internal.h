/*
 * internal.h - what the library's modules share and nobody else sees.
 * Private names are rf__*.
 */
#ifndef REDFLAG_INTERNAL_H
#define REDFLAG_INTERNAL_H

#include <stdint.h>

#include <libpsl.h>

#include <redflag/redflag.h>

#define RF__NDIGESTS 4
struct evp_md_st;
struct rf__psl_cache;
struct rf__rcpt_cache;
struct rf__url_cache;

struct rf_ctx {
	rf_limits limits;
	const psl_ctx_t *psl;	/* public suffix list, read-only */
	psl_ctx_t *psl_owned;	/* freed with the context, or NULL */
	/* MD5, SHA-1, SHA-256, SHA-512 fetched once (OpenSSL 3 would look
	 * each up again on every use); NULL entries: not offered */
	struct evp_md_st *md[RF__NDIGESTS];
	/* registrable domains already looked up (rf__registrable_domain);
	 * its own lock; NULL when it could not be allocated */
	struct rf__psl_cache *pslc;
	/* recipients' needles already computed (rcpt_codes.c); NULL when
	 * it could not be allocated */
	struct rf__rcpt_cache *rcptc;
	/* URLs already analysed (url.c); NULL when not allocated */
	struct rf__url_cache *urlc;
	/* idle iconv converters to UTF-8 by source charset (charset.c);
	 * NULL when not allocated */
	struct rf__conv_cache *convc;
	/* one spare fingerprint work area (fingerprint.c); NULL when not
	 * allocated */
	struct rf__fp_pool *fpp;
	/* idle libxml2 HTML parsers (html_parser.c); NULL when not
	 * allocated */
	struct rf__html_pool *htmlp;
};

/* rf__fp_pool_new, rf__fp_pool_free: the context's spare fingerprint
 * work area (fingerprint.c); new returns NULL when out of memory. */
struct rf__fp_pool *rf__fp_pool_new(void);
void rf__fp_pool_free(struct rf__fp_pool *p);

/* rf__conv_cache_new, rf__conv_cache_free: the context's converter cache
 * (charset.c); new returns NULL when out of memory, free closes the
 * converters it holds (NULL allowed). */
struct rf__conv_cache *rf__conv_cache_new(void);
void rf__conv_cache_free(struct rf__conv_cache *c);

/* rf__url_cache_new, rf__url_cache_free: the context's URL cache
 * (url.c); new returns NULL when out of memory. */
struct rf__url_cache *rf__url_cache_new(void);
void rf__url_cache_free(struct rf__url_cache *c);

/* rf__rcpt_cache_new, rf__rcpt_cache_free: the context's recipient cache
 * (rcpt_codes.c); new returns NULL when out of memory. */
struct rf__rcpt_cache *rf__rcpt_cache_new(void);
void rf__rcpt_cache_free(struct rf__rcpt_cache *c);

/* rf__cache_hash: a 32-bit hash of s[0..n) (xxHash's XXH3) for the
 * context's caches. */
uint32_t rf__cache_hash(const char *s, size_t n);

/* rf__locked_new: size zeroed bytes for a structure whose first member
 * is a pthread_mutex_t, the lock initialised; NULL when out of memory.
 * rf__locked_free destroys the lock and frees (NULL allowed).  For the
 * context's caches, which many threads share. */
void *rf__locked_new(size_t size);
void rf__locked_free(void *p);

/* rf__skip_from_line: the length of an mbox From_ line (with its line
 * end) at the start of data[0..len), 0 when there is none: it is not a
 * header, and the analysis and the rewriter both parse what follows as
 * one message. */
size_t rf__skip_from_line(const char *data, size_t len);

/* rf__mime_fields: where the analysis ends the top-level header block
 * of data[0..len) (after any From_ line): the offset of the body, past a
 * blank line when one ends the block (*blank set to 1), else at the first
 * line that is no header field, or len (*blank set to 0: GMime would read
 * such lines as headers up to a blank line).  The block's MIME fields
 * (Content-*, MIME-Version) are appended to mime (NULL: not), each ending
 * in a line end: the header block GMime is given, by the analysis and
 * the rewriter alike, before a blank line and the body, so that both
 * read the same MIME structure (GMime's cost does not grow with the
 * other headers, and its reading of a header name longer than its 4 KiB
 * scan buffer, which moves the body, does not matter). */
struct _GByteArray;
size_t rf__mime_fields(const char *data, size_t len, struct _GByteArray *mime,
		       int *blank);

/* rf__is_utf8_charset: cs names UTF-8 or ASCII (or is NULL): the
 * analysis reads such a part's bytes as they are, other charsets
 * converted to UTF-8 (lib/message.c), and the rewriter matches links in
 * the part's own charset only for the others (lib/rewrite_leaf.c). */
int rf__is_utf8_charset(const char *cs);

/* How the analysis reads the decoded bytes of a text part
 * (rf__text_reading). */
enum rf__reading {
	RF__READ_UTF8,		/* as UTF-8: as they are when valid, else
				 * repaired (each invalid byte U+FFFD, NUL
				 * bytes dropped) */
	RF__READ_DECLARED,	/* converted from the charset declared */
	RF__READ_1252		/* converted from Windows-1252: 8-bit text
				 * that is no UTF-8 and declares none, ASCII
				 * or UTF-8 but "utf-8"; or the fallback of a
				 * declared charset that does not convert */
};

/* rf__text_reading: how the analysis reads the decoded bytes p[0..n) of a
 * text part declaring charset (NULL: none), RF__READ_*; the one decision,
 * lib/message.c's and the rewriter's (lib/rewrite.c):
 *  - charset NULL, ASCII or UTF-8 (rf__is_utf8_charset): as UTF-8 when
 *    declared "utf-8", when valid (n 0 included) or when the first bad
 *    byte is a NUL; else as Windows-1252 (below);
 *  - another charset (g_mime_charset_iconv_name): converted, by
 *    rf__charset_fast (US-ASCII text in a single-byte charset, Latin-1,
 *    Windows-1252), else by iconv through the converters of cc (NULL:
 *    one opened per conversion);
 *  - when that conversion fails, *pflags gets RF_PARTF_CHARSET_UNKNOWN
 *    and the bytes are read as Windows-1252, and when they have a byte
 *    it leaves undefined, as UTF-8.
 * With b, the text so read is appended to b (UTF-8, no NUL byte).  With
 * b NULL (pflags may be NULL then), only decided: nothing is converted
 * that the decision does not need (rf__convert_check). */
int rf__text_reading(struct rf__conv_cache *cc, const char *charset,
		     const char *p, size_t n, rf_buf *b, unsigned *pflags);

/* rf__known_tld: label[0..n) (any case) is a top-level domain of ctx's
 * public suffix list (its explicit rules, not the "*" default) or one of
 * RFC 6761's "example" and "test": "com", "org", "uk"; not "png" or
 * "gif". */
int rf__known_tld(const rf_ctx *ctx, const char *label, size_t n);

/* rf__url_text_scheme: s[0..n) starts with one of the schemes the text
 * reader (rf_url_extract_text) recognises and its ':' ("http:", "https:",
 * "ftp:", "mailto:"; any case), the "//" a web one needs there aside. */
int rf__url_text_scheme(const char *s, size_t n);

/* rf__url_text_stop: s[0..n) (n > 0) starts with a byte or a UTF-8
 * character that ends a URL in text (lib/url_text.c, stop: white space,
 * a control, '<', '>', '"', a no-break space, a Latin-1 symbol, a
 * typographic quote, ...). */
int rf__url_text_stop(const char *s, size_t n);

/* rf__url_text_next: the next URL rf_url_extract_text reads in
 * text[0..len) from *i (where the last one ended, or 0; none starts
 * before it): 1 with it in text[*s..*e) and *i where the reading goes on;
 * 0 when there is none (*i = len). */
int rf__url_text_next(const char *text, size_t len, size_t *i, size_t *s,
		      size_t *e);

/* rf__url_text_host: rf_url_text_host, and also (each out-parameter NULL
 * allowed; each set whatever the result): *domain, the registrable domain
 * of the host it returns, in a, as rf_url_domain gives it (NULL for an
 * IPv4 address or none); *address, 1 when the host is shown written as a
 * link address, "www.bank.example" or "https://bank.example/login" (its
 * first form), 0 when as a bare name such as "Bank.example" or when
 * there is no host (url.c). */
const char *rf__url_text_host(const rf_ctx *ctx, rf_arena *a,
			      const char *text, const char **domain,
			      int *address);

/* rf__host_name: host (lower case, as rf_url_analyse gives it; NULL
 * allowed) is an IPv4 address or a name of letters, digits, '-' and '.'
 * under a known top-level domain (rf__known_tld): not "www.soft2reg",
 * "loseweightfast!" or "edge.com.sgsurfer's", which a text may show (or
 * a broken href hold) but no link can lead to (url.c). */
int rf__host_name(const rf_ctx *ctx, const char *host);

/* rf__registrable_domain: psl_registrable_domain(ctx->psl, host) (a
 * pointer into host, or NULL), remembered per host in the context: a
 * message links to few hosts, many times, and mail to the same hosts
 * keeps coming.  Safe from many threads. */
const char *rf__registrable_domain(const rf_ctx *ctx, const char *host);

/* rf__site_off: where the site of host[0..n) starts, an offset into host
 * (context.c): its registrable domain by the public suffix list
 * (rf__registrable_domain; any case), never less than its last two
 * labels; when the list has no answer (an IP address, a suffix itself:
 * "github.io", "co.uk"; a byte no name has) its last two labels, the
 * whole host when it has fewer.  A trailing '.' is not part of it: the
 * site of "a.b.example.com." starts where that of "a.b.example.com"
 * does.  What the analysis never flags in a host, a clean form never
 * replaces and the comparison of copies lines links up by (s37, s38:
 * "shop.tripod.com.ar" keeps "tripod.com.ar", "xyz.github.io" all of
 * itself).  ctx NULL: the last two labels alone (for callers whose
 * tokens never lie in a host: rf_tracking_clean_known). */
size_t rf__site_off(const rf_ctx *ctx, const char *host, size_t n);

/* rf__hexval: the value of the ASCII hex digit c (either case), or -1
 * when c is not one (URL escapes, quoted-printable). */
static inline int
rf__hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* rf__ascii_lower: c in ASCII lower case (other bytes as they are; the
 * locale plays no part, unlike tolower). */
static inline int
rf__ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* rf__prefix_ci: s[0..n) starts with p, which is in lower case, in any
 * ASCII case. */
static inline int
rf__prefix_ci(const char *s, size_t n, const char *p)
{
	size_t i;

	for (i = 0; p[i] != '\0'; i++)
		if (i >= n || rf__ascii_lower((unsigned char)s[i]) != p[i])
			return 0;
	return 1;
}

/* RF__URL_TRAIL: the punctuation the analysis leaves out at the end of
 * a URL in text (url_text.c, trim; closing brackets are weighed apart),
 * and so the rewriter too after an occurrence it replaces (rewrite_leaf.c,
 * tail_char): one definition for both. */
#define RF__URL_TRAIL ".,!?;:'*"

/* RF__URL_MAX: bytes of one URL (after trimming) that rf_url_analyse
 * parses; a longer one gets no normalized form (docs/url.md). */
#define RF__URL_MAX (16 * 1024)

/* rf__url_fast: rf_url_analyse's fast path (url.c): when link->url is
 * already in normal form (docs/url.md, "Fast path") fill the four fields
 * and return 1; 0 when it is not (link untouched), -1 when out of
 * memory.  rf__url_analyse_full: rf_url_analyse the full way (uriparser,
 * no fast path, no cache).  Both for the test comparing the two. */
int rf__url_fast(const rf_ctx *ctx, rf_arena *a, rf_link *link);
rf_status rf__url_analyse_full(const rf_ctx *ctx, rf_arena *a,
			       rf_link *link, rf_error *err);

/* Classifier tokens (lib/tokenize.c, used by lib/classifier.c). */
enum rf__ctok_kind {
	RF__CTOK_WORD = 0,	/* visible text */
	RF__CTOK_PAIR,		/* two adjacent words of visible text */
	RF__CTOK_HEADER,		/* "name:word" of a selected header */
	RF__CTOK_HNAME,		/* a header's name is present */
	RF__CTOK_HOST,		/* link host */
	RF__CTOK_DOMAIN,		/* link registrable domain */
	RF__CTOK_FACT,		/* a fact redflag found ("web-bug") */
	RF__CTOK_CAMPAIGN,	/* campaign size bucket (not in the key) */
	RF__CTOK_MIME,		/* part types, charsets, attachment types */
	RF__CTOK_SHAPE,		/* header shape, "family:what" (cls_hdrtok.c) */
	RF__CTOK__COUNT
};

typedef struct rf__ctok {
	uint64_t h;		/* XXH3 of the text, seeded with the kind */
	uint32_t off;		/* text in rf__ctoks.text */
	uint16_t len;
	uint8_t kind;		/* enum rf__ctok_kind */
} rf__ctok;

/* The distinct tokens of one message; heap-owned (rf__ctoks_free). */
typedef struct rf__ctoks {
	rf__ctok *v;
	size_t n, cap;
	char *text;		/* token texts, not NUL-terminated */
	size_t tlen, tcap;
	uint64_t *set;		/* open addressing on h (0 = empty) */
	size_t setcap;
	size_t max;		/* max_tokens */
	unsigned max_len;	/* max_token_len */
	int pairs;		/* also word pairs */
	int limit_hit;
} rf__ctoks;

struct rf_cls_params;
struct rf_cls_facts;

/* rf__cls_tokenize: fill t (zeroed by the caller) with m's tokens.
 * RF_OK (also when max_tokens stopped it: t->limit_hit) or RF_ENOMEM. */
rf_status rf__cls_tokenize(const rf_ctx *ctx, const struct rf_cls_params *p,
			   const rf_message *m, const struct rf_cls_facts *f,
			   rf__ctoks *t);

/* rf__cls_vary: what of m's tokens may differ between recipients (see
 * tokenize.c), as a number below RF__CLS_VARY: two analyses of one
 * parsed message with the same number have the same tokens. */
#define RF__CLS_VARY 12
unsigned rf__cls_vary(const rf_message *m, const struct rf_cls_facts *f);

/*
 * The version of the token set: what rf__cls_tokenize makes of a message.
 * A token database records the version it was trained with and is refused
 * by another one (its counts would be of other tokens).  1: words, header
 * words, names, hosts, facts, MIME; 2: + header shape tokens.
 */
#define RF__CLS_TOKENS 2

/* rf__ctoks_add: token text s (len bytes) of kind k, unless t has it.
 * Returns 0, 1 when the max_tokens limit stops it, -1 when out of memory. */
int rf__ctoks_add(rf__ctoks *t, unsigned k, const char *s, size_t len);

/* rf__cls_hdrtok: add m's header shape tokens (RF__CTOK_SHAPE) to t.
 * Returns as rf__ctoks_add. */
int rf__cls_hdrtok(rf__ctoks *t, const rf_message *m);

/* rf__shape_describe: a shape token's text ("mid:local=x") in plain words
 * ("Message-ID local part shaped x"), in a; NULL when out of memory. */
const char *rf__shape_describe(const char *text, size_t len, rf_arena *a);

/* rf__ctoks_free: release what t holds. */
void rf__ctoks_free(rf__ctoks *t);

/* rf__classifier_tokens: m's tokens by c's settings (rf__cls_tokenize),
 * kept in arena a (no set: for rf__classifier_score only).  RF_OK or
 * RF_ENOMEM. */
struct rf_classifier;
rf_status rf__classifier_tokens(const struct rf_classifier *c,
				const rf_ctx *ctx, const rf_message *m,
				const struct rf_cls_facts *facts, rf_arena *a,
				rf__ctoks *out, rf_error *err);

/* rf__classifier_score: rf_classifier_classify of the message whose
 * tokens (by c's settings) t are: rf_classifier_classify is
 * rf__cls_tokenize then this. */
struct rf_cls_result;
rf_status rf__classifier_score(const struct rf_classifier *c,
			       const rf__ctoks *t, rf_arena *a,
			       size_t max_reasons, struct rf_cls_result *out,
			       rf_error *err);

/* rf__ctok_kind_prefix: readable prefix of a kind ("subject:" comes from
 * the header name; this is "" for words and hosts, "fact:" ...). */
const char *rf__ctok_kind_prefix(unsigned kind);
/* rf__gmime_init: initialise GMime once per process (thread-safe). */
void rf__gmime_init(void);

/* css.c: the little CSS that html.c reads. */
struct rf__css_style {
	int hidden;		/* the inline style hides the element */
	int width, height;	/* px from width: and height:, -1 if absent */
	int width_set, height_set; /* width: (height:) declared, any value */
	/* the properties hidden is made of (last declaration wins) */
	int display_none, invisible, opacity0, font0;
	int width0, height0, maxw0, maxh0, overflow_hidden;
};

/* rf__css_url_fn: called with each CSS url() (len bytes at url, not
 * NUL-terminated) and whether its property is background*; a status
 * other than RF_OK stops the reading and is returned. */
typedef rf_status (*rf__css_url_fn)(void *arg, const char *url, size_t len,
				    int background);

/* rf__css_read: read len bytes of CSS (an inline style or a style sheet):
 * fill *st (may be NULL) from its declarations and call fn (may be NULL)
 * for each url() and @import string.  Returns RF_OK or fn's status. */
rf_status rf__css_read(const char *css, size_t len, struct rf__css_style *st,
		       rf__css_url_fn fn, void *arg);

/* html_parser.c: libxml2's HTML parser for html.c. */
struct _xmlParserCtxt;

/* rf__html_pool_new, rf__html_pool_free: the context's idle HTML
 * parsers; new returns NULL when out of memory (parsers are then made
 * for each part), free frees the parsers it holds (NULL allowed). */
struct rf__html_pool *rf__html_pool_new(void);
void rf__html_pool_free(struct rf__html_pool *p);

/* The SAX callbacks html.c gives libxml2 (xmlChar is unsigned char);
 * text serves characters, ignorable white space and CDATA alike. */
struct rf__html_sax {
	void (*start)(void *ud, const unsigned char *name,
		      const unsigned char **atts);
	void (*end)(void *ud, const unsigned char *name);
	void (*text)(void *ud, const unsigned char *s, int len);
	void (*comment)(void *ud, const unsigned char *s);	/* or NULL */
};

/* rf__html_parse: parse len bytes (valid UTF-8, len <= INT_MAX) of html
 * with libxml2's HTML parser in SAX mode (cb's callbacks, userData ud),
 * taking a parser from ctx's pool and giving it back (ctx NULL: a parser
 * made for this parse and freed).  *running is the
 * parser while it runs (for xmlStopParser from a callback), else NULL;
 * *oom says whether libxml2 ran out of memory while parsing.  Returns
 * RF_OK, or RF_ENOMEM when the parser could not start. */
rf_status rf__html_parse(const rf_ctx *ctx, const char *html, size_t len,
			 const struct rf__html_sax *cb, void *ud,
			 struct _xmlParserCtxt **running, int *oom,
			 rf_error *err);

/* rf__html_gap: called by a text callback of rf__html_parse's parser
 * px over src[0..len) (the text it parses): whether src holds a '<'
 * between *end (0, or where the text of the previous callback ended)
 * and where this callback's text ends, which moves *end there.  So a
 * reading of text nodes ends one wherever the input has markup between
 * two texts, also markup libxml2 gives no callback for: an end tag with
 * no element open, a misplaced <body>, "</" with no name, a processing
 * instruction (seeds dropped-end-tag, pi-after-bug).  A '<' libxml2
 * gives as text ("a < b") ends a node too, where a URL ends anyway. */
int rf__html_gap(struct _xmlParserCtxt *px, const char *src, size_t len,
		 size_t *end);

/* rf__html_input: html[0..len) as the analysis gives it to libxml2
 * (rf__html_parse), for lib/html.c and the rewriter's reading of the same
 * leaf (rewrite_raw.c): each byte rf__utf8_bad rejects turned into U+FFFD
 * (then *clean a heap copy, NUL-terminated, for the caller to free; else
 * NULL), cut to at most INT_MAX bytes at a character's start (*clipped 1
 * then).  *out, *outlen the text.  0, or -1 when out of memory (*clean
 * NULL). */
int rf__html_input(const char *html, size_t len, char **clean,
		   const char **out, size_t *outlen, int *clipped);

/* rf__url_fn: one URL, url[0..len) (not NUL-terminated), to arg. */
typedef void rf__url_fn(void *arg, const char *url, size_t len);

/* rf__html_probe: fn(arg, url, len) for each link rf_html_extract reads
 * in html[0..len) (valid UTF-8, as rf__html_input gives it: the caller
 * prepares it), in the order read, with elements nested deeper than
 * maxdepth left out as max_html_depth leaves them; the same reading
 * (lib/html.c, lib/html_links.c), but no link is made, no URL analysed
 * and no text written.  For the rewriter's look at a leaf it wrote
 * (lib/rewrite_leaf.c, left_live).  0, or -1 when out of memory (some
 * may have been given). */
int rf__html_probe(const char *html, size_t len, unsigned maxdepth,
		   rf__url_fn *fn, void *arg);

/* html_text.c: visible text.  rf__html_skip_len: how many bytes at s
 * (n > 0 available) are white space (*ws = 1) or an invisible format
 * character (*ws = 0); 0 for anything else. */
size_t rf__html_skip_len(const unsigned char *s, size_t n, int *ws);

/* rf__html_run_end: s[i] (i < n) is a byte shown as it is; the end of
 * the run of visible text from it that html.c appends in one piece: up
 * to the next white space or invisible character, a single space
 * followed by a shown byte included.  8 bytes at a time;
 * rf__html_run_end_ref is the byte-by-byte reference (for the tests). */
size_t rf__html_run_end(const unsigned char *s, size_t i, size_t n);
size_t rf__html_run_end_ref(const unsigned char *s, size_t i, size_t n);

/* rf__html_collapse: s with white space collapsed and invisible
 * characters dropped into dst (room for n + 1 bytes, NUL-terminated);
 * its length. */
size_t rf__html_collapse(char *dst, const unsigned char *s, size_t n);

/* rf__srcset_next: the next candidate of the srcset value s[i..n) as
 * HTML's "parse a srcset attribute" reads it (lib/html_links.c): blanks and
 * commas skipped; its URL s[*u, *u + *ul), a run of bytes that are no
 * ASCII white space, its trailing commas left out; then, unless the URL
 * ended in commas, its descriptors up to a comma outside parentheses,
 * that comma included.  Returns the offset after the candidate; none
 * left: n, *ul 0.  The analysis reads a srcset's links with it, the
 * rewriter where an emptied candidate ends (rf__rewrite_srcset). */
size_t rf__srcset_next(const char *s, size_t i, size_t n, size_t *u,
		       size_t *ul);

/* rf__html_blank: s[0..n) has no byte above ' '. */
int rf__html_blank(const unsigned char *s, size_t n);

/* rf__html_names: element names to their index in html.c's table,
 * through a hash table built at compile time.  rf__html_names_find
 * returns the index or -1; rf__html_names_find_ref is the binary search
 * it replaces (for the tests); rf__html_names_get is the name at an index
 * (NULL past the end).  For the test that checks the constant table:
 * rf__html_names_hash is a name's first slot (n > 0 bytes, 0..255) and
 * rf__html_names_slot the table's entry at slot h (index + 1, 0: free). */
int rf__html_names_find(const char *name);
int rf__html_names_find_ref(const char *name);
const char *rf__html_names_get(int i);
unsigned rf__html_names_hash(const char *name, size_t n);
unsigned rf__html_names_slot(unsigned h);

/* rf__html_dimension: a width or height attribute ("1", "1px", " 2 ") in
 * px, or -1 (absent, percentage, not a number). */
int rf__html_dimension(const char *v);

/* --- tracking codes (rules.c, rcpt_codes.c, url_clean.c, tracking.c,
 * tracking_message.c, tracking_campaign.c) --- */
#include <redflag/tracking.h>

/* rf__host_match: host (lower case) is pattern or a subdomain of it;
 * '*' in pattern matches [a-z0-9-]* inside one label, "*" every host. */
int rf__host_match(const char *pattern, const char *host, size_t hostlen);

/* rf__recipient_new: rf_recipient_new with the digests of ctx (fetched
 * once per context); ctx NULL: fetched on every call. */
rf_status rf__recipient_new(const rf_ctx *ctx, rf_arena *a, const char *addr,
			    rf_recipient **out, rf_error *err);

/* rf__rules_param: the parameter rule ("param" or "tag") matching name
 * (len bytes) on host (may be NULL), or NULL; *tag (NULL allowed) is 1
 * for a "tag" rule (a campaign tag, which identifies nobody), else 0. */
const char *rf__rules_param(const rf_rules *r, const char *host,
			    size_t hostlen, const char *name, size_t len,
			    int *tag);

/* rf__rules_host: the provider whose tracking host (and path prefix)
 * matches, or NULL. */
const char *rf__rules_host(const rf_rules *r, const char *host,
			   size_t hostlen, const char *path, size_t pathlen);

/* rf__rules_unwrap: the i-th unwrap rule matching host: 1 and *param set
 * (query parameter rule), 2 (path rule), 0 when there are no more. */
int rf__rules_unwrap(const rf_rules *r, const char *host, size_t hostlen,
		     size_t i, const char **param);

/* rf__rules_static: host serves documents shared by everyone. */
int rf__rules_static(const rf_rules *r, const char *host, size_t hostlen);

/* A URL split into byte ranges of its text (no copy).  Ranges are empty
 * when a part is absent; has_* tell an empty part from an absent one. */
struct rf__url {
	const char *s;
	size_t len;
	size_t ui_off, ui_len;		/* userinfo, without '@' */
	size_t host_off, host_len;
	size_t path_off, path_len;
	size_t query_off, query_len;	/* after '?' */
	size_t frag_off, frag_len;	/* after '#' */
	int has_auth, has_ui, has_query, has_frag;
};

void rf__url_split(const char *s, size_t len, struct rf__url *u);

/* rf__url_site_off: rf__site_off of u's host, as an offset in u->s. */
size_t rf__url_site_off(const rf_ctx *ctx, const struct rf__url *u);

/* rf__url_scheme_len: the length of s[0..len)'s scheme (RFC 3986: a
 * letter, then letters, digits, '+', '-', '.'; before its ':'), 0 when it
 * has none (a relative URL, "www.host"). */
size_t rf__url_scheme_len(const char *s, size_t len);

/* Percent-decoded text with, for every byte, the range of source bytes
 * it came from (composed through earlier decodings when beg0/end0 are
 * given).  Returns 0, or -1 when out of memory. */
struct rf__decoded {
	char *s;
	size_t len;
	size_t *beg, *end;
	int b64;	/* rf__dest_decode: the destination was base64 */
};
int rf__pct_decode(rf_arena *a, const char *s, size_t len,
		   const size_t *beg0, const size_t *end0,
		   struct rf__decoded *out);

/* rf__next_param: the next parameter of q[0..qlen) ('&' or ';'
 * separated) from *pos: its range (off, plen), name length and value
 * range.  Returns 0 at the end. */
int rf__next_param(const char *q, size_t qlen, size_t *pos, size_t *off,
		   size_t *plen, size_t *nlen, size_t *voff, size_t *vlen);

/* rf__dest_decode: the destination at url[off..off+len) percent-decoded
 * until it starts with http(s):// (at most 3 rounds), or when
 * rf__b64_dest accepts it base64-decoded and then so (d->b64 set: each
 * byte mapped to the base64 characters that carry its bits, the ones at
 * either end shared with the bytes beside it); mapped back to url
 * offsets.  0, or -1 when out of memory. */
int rf__dest_decode(rf_arena *a, const char *url, size_t off, size_t len,
		    struct rf__decoded *d);

/* rf__b64_dest: s[0..n), percent-decoded once ("%3D" is '='), is base64
 * as a whole (standard or URL-safe alphabet, not both; up to two '=' at
 * its end, or none) whose bytes are a URL: no control byte, and
 * "http://" or "https://" at the start, percent-encoded up to 3 times or
 * not (docs/tracking.md, "Clean form").  Reads s only. */
int rf__b64_dest(const char *s, size_t n);

/* A growing token list with the max_url_tokens cap. */
struct rf__toks {
	rf_token *v;
	size_t n, cap, max;
	int limit_hit;
};
/* rf__tok_add: add a token unless the same range and reason is there;
 * 0, or -1 when out of memory (cap reached sets limit_hit, returns 0). */
int rf__tok_add(rf_arena *a, struct rf__toks *t, size_t off, size_t len,
		const char *reason);

/* The reason of an e-mail address in a query value that is not the
 * recipient's known one (tracking_address.c). */
#define RF__OTHER_ADDRESS "other-address"

/* rf__weak_reason: reason is found by shape alone ("opaque-token",
 * "other-address"): counted only in bulk mail, and not by itself a sign
 * of bulk mail. */
int rf__weak_reason(const char *reason);

/* rf__other_addresses: add an "other-address" token for every parameter
 * of the query (or fragment) u->s[qoff..qoff+qlen) of a URL with a host
 * whose value (the whole parameter when it has no '='), as written or
 * percent-decoded up to 3 times, holds an e-mail address (its domain's
 * last label a top-level domain of ctx's public suffix list, so that
 * logo@2x.png is none) and does not
 * start with http:// or https:// (a destination, analysed when the link
 * is unwrapped); campaign tags (rules, host) are skipped, and so is a value in
 * which a recipient-* token other than the local part alone, from index
 * first of t on, already lies.  The token is the value.  0, or -1 when
 * out of memory. */
int rf__other_addresses(const rf_ctx *ctx, rf_arena *a,
			const rf_rules *rules, const struct rf__url *u, const char *host,
			size_t qoff, size_t qlen, size_t first,
			struct rf__toks *t);

/* rf__restore_dropped: give link l back, before its own tokens (bulk
 * mail's order), the tokens of l->dropped (what the step for mail that is
 * not bulk took out, tracking_message.c) whose reason is reason, or all
 * of them when reason is NULL, at most maxtok tokens in all; those given
 * back leave l->dropped.  For a link that a later step (the comparison of
 * copies) flags; its reasons and clean form are the caller's to bring up
 * to date.  0, or -1 when out of memory. */
int rf__restore_dropped(rf_arena *a, rf_link *l, const char *reason,
			size_t maxtok);

/* rf__drop_covered: drop the tokens from index first on whose reason is
 * drop and that lie inside a recipient-* token. */
void rf__drop_covered(struct rf__toks *t, size_t first, const char *drop);

/* rf__rcpt_scan: lower[0..n) = text[0..n) with ASCII letters lower-cased;
 * *run_b64, *run_hex = the longest runs of base64 ([A-Za-z0-9+/_-]) and
 * hex bytes in it (rcpt_codes.c; SSE2, 16 bytes at a time, where there
 * is SSE2).  rf__rcpt_scan_bytes gives the same a byte at a time (what
 * the test compares it with). */
void rf__rcpt_scan(const char *text, size_t n, char *lower, size_t *run_b64,
		   size_t *run_hex);
void rf__rcpt_scan_bytes(const char *text, size_t n, char *lower,
			 size_t *run_b64, size_t *run_hex);

/* rf__memmem: memmem(hay, hlen, nd, nlen): the first occurrence, or NULL
 * (SSE2 where there is SSE2, then memchr). */
const char *rf__memmem(const char *hay, size_t hlen, const char *nd,
		       size_t nlen);

/* rf__rcpt_search: add a token for every place the recipient's address
 * (in any form) occurs in url, whose path ends at path_end (path_off +
 * path_len as rf__url_split gives them).  0, or -1 when out of memory. */
int rf__rcpt_search(rf_arena *a, const rf_recipient *r, const char *url,
		    size_t len, size_t path_end, struct rf__toks *t);

/* rf__url_destination: the raw range of the destination URL carried by a
 * tracking redirect (a rule's, or with generic set any query value that
 * decodes to an http(s) URL, or any path segment that is one base64-
 * encoded: rf__b64_dest): 1 and *off, *len set, or 0. */
int rf__url_destination(const rf_rules *r, const struct rf__url *u,
			int generic, size_t *off, size_t *len);

/* rf__clean: url with the tokens t taken out (see redflag/tracking.h),
 * unwrapping destinations up to maxdepth levels (*depth_hit set when
 * that stopped it); no host's site (rf__site_off with ctx, which may be
 * NULL when no token lies in a host) replaced.  NULL when out of
 * memory. */
char *rf__clean(const rf_ctx *ctx, rf_arena *a, const rf_rules *r,
		const char *url, size_t len, const rf_token *t, size_t nt,
		unsigned maxdepth, int *depth_hit);

/* rf__tracking_finish: from link->tokens set reasons, tracking and
 * clean (web bugs: ""); -1 when out of memory. */
int rf__tracking_finish(const rf_ctx *ctx, rf_arena *a, const rf_rules *r,
			rf_link *link, unsigned maxdepth,
			unsigned *limits_hit);

/* rf__open_pixel: l is an image (or CSS url()) whose file name is an
 * open pixel's id (tracking.c, open_stem: "/track/open/<id>.gif") and
 * one of whose identifying tokens (recipient-*, opaque-token,
 * other-address, varies-in-campaign, known-host:*) still lies on that
 * id: a web bug by its name, whose clean form is "" like one by its
 * form (rf__tracking_finish). */
int rf__open_pixel(const rf_link *l);

/* rf__link_size: the style of image (or CSS) link l read into *st, and
 * the size it shows at, *w by *h (the style's width and height where it
 * declares them, else the attributes'; -1 where neither does): what
 * rf__web_bug and the policy known (an image of real size) read. */
struct rf__css_style;
void rf__link_size(const rf_link *l, struct rf__css_style *st, int *w,
		   int *h);

/* rf__web_bug: "web-bug:hidden", "web-bug:1x1" or NULL for an image
 * (or CSS) link l (tracking.c; per link, read by tracking_message.c). */
const char *rf__web_bug(const rf_link *l);

/* rf__link_start: how the analysis of a link at url starts, for
 * rf__track_link and the recipient's first search (tracking_message.c)
 * alike: *t empty with lim's token limit, the web-bug token (bug, over
 * the whole URL) when bug is not NULL, *len the bytes looked at (cut to
 * max_url_size: *cut 1, else 0).  0, or -1 out of memory. */
int rf__link_start(const rf_limits *lim, rf_arena *a, const char *url,
		   const char *bug, struct rf__toks *t, size_t *len, int *cut);

/* rf__track_link: rf_tracking_link with the link's web-bug verdict (bug,
 * rf__web_bug(link)) already known, and with found not NULL the tokens
 * the recipient's search left (rf__link_start, then rf__rcpt_search on
 * the link: not run again). */
rf_status rf__track_link(const rf_ctx *ctx, const rf_rules *rules,
			 rf_arena *a, const rf_recipient *rcpt, rf_link *link,
			 const char *bug, const struct rf__toks *found,
			 unsigned opts, unsigned *limits_hit, rf_error *err);

/* rf__summary_finding: the i-th finding rf_tracking_summary reports, in
 * its order: the token reason prefix it counts, its sentence for one link
 * and for N links (after "N "), and whether it lists the names after the
 * prefix; 0 past the last (tests/unit/test_summary_fast.c reads the table
 * through it, so that its reference never lags behind). */
int rf__summary_finding(size_t i, const char **prefix, const char **one,
			const char **many, int *list);

/* rf__verdict_facts_found: rf_verdict_facts_message with the tracking
 * findings sum (n strings, m's arena) given: rf_tracking_summary of m as
 * its links are now, which the caller has already (rf_analysis_verdict:
 * rf_analysis_reasons made it). */
void rf__verdict_facts_found(const rf_message *m, const char *authserv_id,
			     const char *const *sum, size_t n,
			     rf_verdict_facts *f);

/* rf__tracking_message_memo: rf_tracking_message, with use_memo 0 analysing
 * every link on its own (the reference the memo of repeated links is
 * tested against; docs/design/tracking-record.md, "Throughput"), and
 * from base when not
 * NULL (rf_tracking_message_base). */
rf_status rf__tracking_message_memo(const rf_ctx *ctx, const rf_rules *rules,
				    rf_message *m, const char *recipient,
				    int use_memo, const rf_tracking_base *base,
				    rf_error *err);

/* rf__opaque: s (n bytes) looks like a random id (docs/tracking.md). */
int rf__opaque(const char *s, size_t n);
/*
 * The campaign store's backends (lib/store_sqlite.c, lib/store_redis.c)
 * behind the common front (lib/store.c).  The front validates and
 * prepares each copy (struct rf__copy), verifies candidates with
 * rf_fp_match and keeps the band-key cache; a backend only stores.
 */
#define RF__FP_BLOB (6 + 8 * RF_FP_HASHES)	/* canonical fingerprint */

struct rf__copy {
	/* filled only before create: */
	uint8_t fp[RF__FP_BLOB];		/* canonical form */
	char id[RF_CAMPAIGN_ID_LEN + 1];	/* id if it creates */
	uint64_t band[RF_FP_BANDS];		/* band keys, band mixed in */
	size_t nrcpt;				/* recipients to count */
	char **rcpt;				/* lower-cased, cut */
	size_t *rcptlen;
	uint64_t *rcpt_hash;			/* rf_hll_hash */
	const char *subject;			/* cut; NULL = none */
	size_t subjectlen;
	const char *sample;			/* encoded links; NULL = none */
	size_t samplelen;
	int64_t now;
};

/* rf__store_hex_id: 1 when id is 16 lower-case hex digits and its end:
 * the form of a campaign id and of a recipient id (rf_store_rcpt_id;
 * RF_CAMPAIGN_ID_LEN == RF_STORE_RCPT_ID_LEN), else 0 (NULL too). */
int rf__store_hex_id(const char *id);

/* rf__store_spec_is_redis: the one test of whether a store address (a
 * campaign store's, a consent store's, a classifier's) names Redis: 1
 * when it starts "redis://" or "unix:" (rf__redis_spec_parse reads it),
 * 0 when it names a SQLite file.  spec not NULL. */
int rf__store_spec_is_redis(const char *spec);

/* A candidate campaign: its id, backend key (SQLite rowid) and
 * canonical fingerprint; return non-zero to stop. */
typedef int (*rf__cand_cb)(const char *id, int64_t key, const void *fp,
			   size_t fplen, void *arg);
/* One stored sample entry; return non-zero to stop. */
typedef int (*rf__sample_cb)(const char *entry, size_t len, void *arg);

struct rf__store_ops {
	const char *name;
	/* around one rf_campaign_add (write) or lookup; end_op commits
	 * when ok, else undoes */
	rf_status (*begin_op)(void *be, int write, rf_error *err);
	rf_status (*end_op)(void *be, int ok, rf_error *err);
	/* campaigns sharing a band key, at most max (more: *cut = 1) */
	rf_status (*candidates)(void *be, const uint64_t *band, unsigned max,
				rf__cand_cb cb, void *arg, int *cut,
				rf_error *err);
	/* create the campaign c->id of c; *key its backend key, *created 0
	 * when it existed already.  With check, RF_EDONE when another
	 * campaign sharing a band key appeared meanwhile (seen[0..nseen-1]
	 * were verified already): look again. */
	rf_status (*create)(void *be, const struct rf__copy *c, int check,
			    char *const *seen, size_t nseen, int64_t *key,
			    int *created, rf_error *err);
	/* count copy c in campaign (id, key); RF_ENOTFOUND if gone */
	rf_status (*update)(void *be, const struct rf__copy *c, const char *id,
			    int64_t key, const rf_store_options *opt,
			    rf_campaign *out, rf_error *err);
	rf_status (*get)(void *be, const char *id, rf_campaign *out,
			 rf_error *err);
	rf_status (*list)(void *be, size_t limit, rf_campaign_list_cb cb,
			  void *arg, rf_error *err);
	/* *n: the campaigns of a size below size (size > 0) */
	rf_status (*count_below)(void *be, uint64_t size, uint64_t *n,
				 rf_error *err);
	/* complaint: n complaints about campaign id; with rcpt_id (not
	 * NULL, n 1) only when that recipient's was not counted before:
	 * *counted 1 or 0 */
	rf_status (*complaint)(void *be, const char *id, uint64_t n,
			       const char *rcpt_id, int *counted,
			       rf_error *err);
	rf_status (*samples)(void *be, const char *id, rf__sample_cb cb,
			     void *arg, rf_error *err);
	rf_status (*begin)(void *be, rf_error *err);
	rf_status (*commit)(void *be, rf_error *err);
	rf_status (*rollback)(void *be, rf_error *err);
	void (*close)(void *be);
	/* 1 when the file open is no longer the one at its path
	 * (rf_store_moved); NULL: the backend has no file (Redis) */
	int (*moved)(void *be);
};

/* rf__store_sqlite_open, rf__store_redis_open: a backend for the part
 * of the spec after "sqlite:" / the whole "redis://..." or "unix:..."
 * spec. */
rf_status rf__store_sqlite_open(const char *path, const rf_store_options *o,
				const struct rf__store_ops **ops, void **be,
				rf_error *err);
rf_status rf__store_redis_open(const char *spec, const rf_store_options *o,
			       const struct rf__store_ops **ops, void **be,
			       rf_error *err);

/* The cache of recently matched campaigns (lib/store_cache.c). */
struct rf__cache;

/* rf__cache_new: room for this many campaigns; NULL when 0 or out of
 * memory. */
struct rf__cache *rf__cache_new(unsigned campaigns);
void rf__cache_free(struct rf__cache *c);	/* NULL allowed */
void rf__cache_clear(struct rf__cache *c);	/* forget everything */

/* rf__cache_find: a cached campaign that shares a band key with fp and
 * matches it (rf_fp_match): 1 with its id, key and fingerprint, else 0. */
int rf__cache_find(const struct rf__cache *c, const rf_fingerprint *fp,
		   const uint64_t *band, char *id, int64_t *key,
		   rf_fingerprint *rep);

/* rf__cache_put: remember campaign (id, key) whose fingerprint rep has
 * the band keys band[0..RF_FP_BANDS-1]. */
void rf__cache_put(struct rf__cache *c, const char *id, int64_t key,
		   const rf_fingerprint *rep, const uint64_t *band);

/* rf__sample_undelta: sample entry e (len bytes) whose links are written
 * as differences to the first entry's (\1 PREFIX \2 SUFFIX \2 MIDDLE,
 * docs/store.md) put back whole into out, which has room for len +
 * (newlines in e + 1) * flen bytes; returns the bytes written. */
size_t rf__sample_undelta(const char *first, size_t flen, const char *e,
			  size_t len, char *out);

/* rf__copy_subject: copy a stored subject into out->subject, cut to
 * RF_STORE_SUBJECT_MAX and without NUL bytes. */
void rf__campaign_subject(rf_campaign *out, const char *s, size_t len);


/* --- text decoding fast paths (charset.c) --- */

/* rf__utf8_bad: the offset of the first NUL or byte that is not part of
 * well-formed UTF-8 (Unicode table 3-7), or n. */
size_t rf__utf8_bad(const unsigned char *s, size_t n);

/* rf__utf8_seq: the length (2 to 4) of the well-formed UTF-8 sequence
 * (Unicode table 3-7) of a character past ASCII that starts s[0..n), or
 * 0 when none does (a continuation byte, an overlong form, a surrogate,
 * past U+10FFFF, cut short by n).  The one reading of UTF-8 sequences of
 * the library. */
static inline size_t
rf__utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t k, need;

	if (c >= 0xC2 && c <= 0xDF)
		need = 1;
	else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;	/* ASCII, continuation, 0xC0, 0xC1, 0xF5.. */
	if (n <= need || s[1] < lo || s[1] > hi)
		return 0;
	for (k = 2; k <= need; k++)
		if ((s[k] & 0xC0) != 0x80)
			return 0;
	return need + 1;
}

/* rf__buf_reserve: room for n more bytes after b's contents and a NUL
 * after them: the caller may then write up to n bytes at data + len, add
 * their number to len and put a NUL at data[len] (max is the caller's to
 * keep).  0, or -1 when out of memory or n too large (the buffer as it
 * was). */
int rf__buf_reserve(rf_buf *b, size_t n);

/* rf__buf_fit: as rf__buf_reserve, but the room is exact: a buffer with
 * less than len + n + 1 bytes grows to exactly that (not to the next
 * power of two), and one holding more than 4 times that and more than
 * 1 MiB (left so by an earlier, larger use) shrinks to it; otherwise it
 * is left as it is.  For a reused buffer whose next size is known (a
 * file's size from fstat), so that one huge message does not keep twice
 * its size, or its size at all, for the rest of a run.  0, or -1 when out
 * of memory or n too large (the buffer as it was; a shrink that fails is
 * not an error). */
int rf__buf_fit(rf_buf *b, size_t n);

/* rf__charset_single_byte: name (as g_mime_charset_iconv_name writes it)
 * is one of the ASCII-compatible single-byte charsets glibc's iconv knows
 * (ISO-8859-1 to -16 but -12, Windows-1250 to -1258, Latin-1, KOI8-R,
 * KOI8-U): pure ASCII text converts to itself, and a NUL byte is a NUL
 * character (lib/charset.c; the rewriter's NUL pass, lib/rewrite.c). */
int rf__charset_single_byte(const char *name);

/* rf__charset_fast: when iconv_name (as g_mime_charset_iconv_name gives
 * it) and the bytes p[0..n) allow it, append their UTF-8 form to b with
 * NUL bytes dropped, exactly as iconv and the U+FFFD repair would, and
 * return 1; -1 when iconv refuses them too (Windows-1252 with a byte it
 * leaves undefined: 0x81, 0x8D, 0x8F, 0x90, 0x9D); otherwise 0 (use
 * iconv).  Nothing is appended unless it returns 1; b NULL: only the
 * answer. */
int rf__charset_fast(rf_buf *b, const char *iconv_name, const char *p,
		     size_t n);

/* rf__convert_utf8: p[0..n) converted from the charset from to UTF-8,
 * exactly as g_convert_with_fallback(p, n, "UTF-8", from, "?", NULL,
 * outlen, NULL) gives it (NULL when that fails), but with a converter
 * kept in the cache c (a context's, or the rewriter's; NULL: none)
 * instead of one opened (and its gconv module loaded) per call.  Free
 * the result with g_free. */
char *rf__convert_utf8(struct rf__conv_cache *c, const char *p, size_t n,
		       const char *from, size_t *outlen);

/* rf__convert_check: whether p[0..n) converts from the charset from to
 * UTF-8 (rf__convert_utf8 gives non-NULL), without keeping the text: for
 * a single-byte charset (rf__charset_single_byte) only its distinct
 * 8-bit byte values are converted, each once (one byte is one character
 * there, converted alone), else the whole text. */
int rf__convert_check(struct rf__conv_cache *c, const char *from,
		      const char *p, size_t n);

/* rf__message_parse: rf_message_parse; tree RF__PARSE_TREE: always
 * through GMime's object tree, never the single-part path (for tests
 * comparing them); RF__PARSE_HEADERS: rf_message_parse_headers. */
#define RF__PARSE_TREE 1
#define RF__PARSE_HEADERS 2
rf_status rf__message_parse(const rf_ctx *ctx, const char *data, size_t len,
			    int tree, rf_message **out, rf_error *err);

#endif
