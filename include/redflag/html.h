/*
 * redflag/html.h - facts from one HTML body (libxml2's HTML parser).
 *
 * rf_html_extract reads one HTML document already converted to UTF-8 and
 * appends its visible text to `text` and every link and image to `links`:
 * <a href>, <area href>, <img src> (with width, height, inline style),
 * <form action>, CSS url() in style attributes and <style> elements, and
 * background attributes.  Script, style and hidden elements do not count
 * as visible text; their presence is reported in `flags`.  Anchor text
 * that shows another host than the href sets RF_LINKF_TEXT_HOST.
 * Nothing is fetched or rendered.
 */
#ifndef REDFLAG_HTML_H
#define REDFLAG_HTML_H

#include <stddef.h>

#include <redflag/arena.h>
#include <redflag/buf.h>
#include <redflag/context.h>
#include <redflag/error.h>
#include <redflag/message.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rf_html_out {
	rf_buf *text;		/* visible text is appended here (UTF-8) */
	rf_links *links;	/* links are appended here (in arena) */
	unsigned flags;		/* RF_MSG_HTML_* bits found */
	unsigned limits_hit;	/* RF_LIMIT_HTML_DEPTH, RF_LIMIT_LINKS, ... */
} rf_html_out;

/* rf_html_extract: see above.  part is stored in each link's `part`.
 * Returns RF_OK (also for damaged HTML, which is read as browsers would)
 * or RF_ENOMEM. */
rf_status rf_html_extract(const rf_ctx *ctx, rf_arena *a, const char *html,
			  size_t len, unsigned part, rf_html_out *out,
			  rf_error *err);

#ifdef __cplusplus
}
#endif
#endif
