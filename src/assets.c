/* assets.c - look-up in the files built into the binary. */
#include <string.h>

#include "assets.h"

const struct rf_asset *
asset_find(const char *name)
{
	const struct rf_asset *a;

	for (a = rf_assets; a->name != NULL; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}
