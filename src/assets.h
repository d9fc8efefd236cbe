/*
 * assets.h - files built into the redflag binary (tools/embed.sh): the
 * rules in data/ and the web UI in web/.  Each is NUL-terminated.
 */
#ifndef REDFLAG_ASSETS_H
#define REDFLAG_ASSETS_H

#include <stddef.h>

struct rf_asset {
	const char *name;		/* path in the source tree */
	const unsigned char *data;
	size_t len;
};

extern const struct rf_asset rf_assets[];	/* ends with name NULL */

/* asset_find: the asset called name ("web/app.js"), or NULL. */
const struct rf_asset *asset_find(const char *name);

#endif
