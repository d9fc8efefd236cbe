/* context.c - the read-only analysis context. */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <openssl/evp.h>
#include <xxhash.h>

#include "internal.h"

/*
 * The registrable-domain cache: direct-mapped on a hash of the host, a
 * fixed number of slots of fixed size (no allocation after the context's
 * own), so its memory is bounded whatever the mail.  A longer host is
 * looked up every time.  The answer is a suffix of the host: the slot
 * keeps its offset.
 */
#define PSL_SLOTS 8192		/* a power of two; 64 bytes each */
#define PSL_HOST 56		/* bytes of a cached host, NUL included */

struct psl_slot {
	uint32_t hash;
	int16_t off;		/* of the registrable domain, -1: none */
	uint8_t len;		/* of the host; 0: empty slot */
	char host[PSL_HOST];
};

struct rf__psl_cache {
	pthread_mutex_t lock;	/* first: rf__locked_new */
	struct psl_slot slot[PSL_SLOTS];
};

void *
rf__locked_new(size_t size)
{
	pthread_mutex_t *lock = calloc(1, size);

	if (lock != NULL && pthread_mutex_init(lock, NULL) != 0) {
		free(lock);
		lock = NULL;
	}
	return lock;
}

void
rf__locked_free(void *p)
{
	if (p == NULL)
		return;
	pthread_mutex_destroy(p);
	free(p);
}

uint32_t
rf__cache_hash(const char *s, size_t n)
{
	return (uint32_t)XXH3_64bits(s, n);
}

int
rf__known_tld(const rf_ctx *ctx, const char *label, size_t n)
{
	char buf[64];	/* a DNS label is at most 63 bytes */
	size_t i;

	if (n == 0 || n >= sizeof(buf))
		return 0;
	for (i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)label[i]);
	buf[n] = '\0';
	/* RFC 6761's names for documentation and tests, which the list
	 * leaves out */
	if (strcmp(buf, "example") == 0 || strcmp(buf, "test") == 0)
		return 1;
	return psl_is_public_suffix2(ctx->psl, buf,
	    PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

const char *
rf__registrable_domain(const rf_ctx *ctx, const char *host)
{
	struct rf__psl_cache *c = ctx->pslc;
	struct psl_slot *sl;
	const char *d;
	size_t n;
	uint32_t h;
	int off = -2;

	if (host == NULL)
		return NULL;
	n = strlen(host);
	if (c == NULL || n == 0 || n >= PSL_HOST)
		return psl_registrable_domain(ctx->psl, host);
	h = rf__cache_hash(host, n);
	sl = &c->slot[h & (PSL_SLOTS - 1)];
	pthread_mutex_lock(&c->lock);
	if (sl->len == n && sl->hash == h && memcmp(sl->host, host, n) == 0)
		off = sl->off;
	pthread_mutex_unlock(&c->lock);
	if (off != -2)
		return off >= 0 ? host + off : NULL;
	d = psl_registrable_domain(ctx->psl, host);
	pthread_mutex_lock(&c->lock);
	sl->hash = h;
	sl->len = (uint8_t)n;
	sl->off = (int16_t)(d != NULL ? d - host : -1);
	memcpy(sl->host, host, n);
	pthread_mutex_unlock(&c->lock);
	return d;
}

/*
 * The site of a host (rf__site_off): a host longer than SITE_HOST_MAX
 * bytes (no DNS name is: 253 at most) is looked up by its last labels
 * that fit, which hold its public suffix and the label before it (the
 * list's longest rule has 5 labels).
 */
#define SITE_HOST_MAX 255

/* last_two: where the last two labels of host[0..n) start (n without
 * a trailing '.'), 0 when it has fewer. */
static size_t
last_two(const char *host, size_t n)
{
	size_t dots = 0;

	for (; n > 0; n--)
		if (host[n - 1] == '.' && ++dots == 2)
			break;
	return n;
}

size_t
rf__site_off(const rf_ctx *ctx, const char *host, size_t n)
{
	char buf[SITE_HOST_MAX + 1];
	const char *d, *dot;
	size_t two, from = 0, i, off;
	int ip = 1;

	if (n > 0 && host[n - 1] == '.')
		n--;
	two = last_two(host, n);
	/* two labels or fewer: the host is its site (a registrable domain
	 * has two labels at least: a suffix and one more) */
	if (two == 0 || ctx == NULL)
		return two;
	if (n > SITE_HOST_MAX) {
		dot = memchr(host + n - SITE_HOST_MAX, '.', SITE_HOST_MAX);
		if (dot == NULL || (from = (size_t)(dot - host) + 1) > two)
			return two;
	}
	for (i = from; i < n; i++) {
		unsigned char c = (unsigned char)host[i];

		if (c == '\0' || c == '[')
			return two;	/* no name: an IPv6 literal */
		ip &= (c >= '0' && c <= '9') || c == '.';
		buf[i - from] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	buf[n - from] = '\0';
	/* an IPv4 address has no suffix (libpsl would answer its last two
	 * numbers) */
	if (ip || (d = rf__registrable_domain(ctx, buf)) == NULL)
		return two;
	off = from + (size_t)(d - buf);
	/* never less than the last two labels (an odd host: "a..com") */
	return off < two ? off : two;
}

rf_status
rf_ctx_new(const rf_limits *limits, rf_ctx **out, rf_error *err)
{
	rf_ctx *ctx;

	*out = NULL;
	/* libxml2's own one-time set-up (thread-safe; before any parse) */
	xmlInitParser();
	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	if (limits != NULL)
		ctx->limits = *limits;
	else
		rf_limits_default(&ctx->limits);
	/* The newest of the system list (package publicsuffix) and the
	 * list built into libpsl. */
	ctx->psl_owned = psl_latest(NULL);
	ctx->psl = ctx->psl_owned != NULL ? ctx->psl_owned : psl_builtin();
	if (ctx->psl == NULL) {
		free(ctx);
		return rf_error_set(err, RF_EIO,
		    "no public suffix list: install the publicsuffix package");
	}
	/* the cache is an optimisation: without it lookups go to libpsl */
	ctx->pslc = rf__locked_new(sizeof(*ctx->pslc));
	ctx->rcptc = rf__rcpt_cache_new();	/* also optional */
	ctx->urlc = rf__url_cache_new();
	ctx->convc = rf__conv_cache_new();
	ctx->fpp = rf__fp_pool_new();
	ctx->htmlp = rf__html_pool_new();
	/* the order of rcpt_codes.c; a digest not offered stays NULL */
	ctx->md[0] = EVP_MD_fetch(NULL, "MD5", NULL);
	ctx->md[1] = EVP_MD_fetch(NULL, "SHA1", NULL);
	ctx->md[2] = EVP_MD_fetch(NULL, "SHA256", NULL);
	ctx->md[3] = EVP_MD_fetch(NULL, "SHA512", NULL);
	*out = ctx;
	return RF_OK;
}

void
rf_ctx_free(rf_ctx *ctx)
{
	int i;

	if (ctx == NULL)
		return;
	for (i = 0; i < RF__NDIGESTS; i++)
		EVP_MD_free(ctx->md[i]);
	rf__rcpt_cache_free(ctx->rcptc);
	rf__url_cache_free(ctx->urlc);
	rf__conv_cache_free(ctx->convc);
	rf__fp_pool_free(ctx->fpp);
	rf__html_pool_free(ctx->htmlp);
	rf__locked_free(ctx->pslc);
	psl_free(ctx->psl_owned);
	free(ctx);
}

const rf_limits *
rf_ctx_limits(const rf_ctx *ctx)
{
	return &ctx->limits;
}
