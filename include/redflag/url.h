/*
 * redflag/url.h - URLs found in mail: extraction and normalisation.
 *
 * Uses uriparser to parse and normalise, libidn2 for international host
 * names (both the A-label and the U-label form are kept) and libpsl for
 * the registrable domain.  Nothing is ever fetched or resolved.
 */
#ifndef REDFLAG_URL_H
#define REDFLAG_URL_H

#include <stddef.h>

#include <redflag/arena.h>
#include <redflag/context.h>
#include <redflag/error.h>
#include <redflag/message.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * rf_url_analyse: from link->url fill link->normalized, host,
 * host_unicode and domain (each left NULL when it does not apply, e.g.
 * mailto: has no host, but its domain is the first address's registrable
 * domain; IP literals have no domain; an unparseable URL, or one longer
 * than 16 KiB, has none of the four).
 * Normalisation: surrounding white space and embedded TAB/CR/LF removed,
 * scheme and host lower-cased, "www.example.com" given http://, host in
 * A-label form, default port dropped, dot segments resolved,
 * percent-encoding normalised (upper-case hex, unreserved bytes decoded).
 * Every step is in docs/url.md.
 * Returns RF_OK (also when the URL cannot be parsed) or RF_ENOMEM.
 */
rf_status rf_url_analyse(const rf_ctx *ctx, rf_arena *a, rf_link *link,
			 rf_error *err);

/*
 * rf_url_extract_text: find URLs in plain text: scheme URLs (http, https,
 * ftp, mailto), "www." forms without scheme, and <URL:...> / <...> angle
 * bracket forms; trailing punctuation that is not part of the URL is left
 * out.  Each becomes an RF_LINK_TEXT link in links, analysed with
 * rf_url_analyse.  Returns RF_OK, RF_ENOMEM, or RF_OK with links->limit_hit
 * set when max_links was reached.
 */
rf_status rf_url_extract_text(const rf_ctx *ctx, rf_arena *a,
			      const char *text, size_t len, unsigned part,
			      rf_links *links, rf_error *err);

/* rf_url_domain: the registrable domain of an A-label host, in a, or NULL
 * (IP literals, public suffixes themselves). */
const char *rf_url_domain(const rf_ctx *ctx, rf_arena *a, const char *host);

/* rf_url_host_ascii: the host name host (UTF-8 or ASCII, e.g. the domain
 * of a mail address) in lower-case A-label form, in a: what a header
 * that must be ASCII can carry ("bücher.example" gives
 * "xn--bcher-kva.example"); NULL when it is no host name (empty, an
 * empty label, a byte no name holds, IDNA refusing it) or a is full. */
const char *rf_url_host_ascii(rf_arena *a, const char *host);

/* rf_url_text_host: the host a display text shows ("www.bank.example",
 * "https://bank.example/login"), lower-case A-label, in a; NULL when the
 * text does not look like a URL or host name. */
const char *rf_url_text_host(const rf_ctx *ctx, rf_arena *a,
			     const char *text);

#ifdef __cplusplus
}
#endif
#endif
