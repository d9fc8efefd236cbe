/* links.c - the growable link list shared by the HTML, URL and message
 * modules. */
#include <string.h>

#include "internal.h"

rf_link *
rf_links_add(rf_arena *a, rf_links *l, rf_status *st)
{
	rf_link *k;

	if (l->max != 0 && l->n >= l->max) {
		l->limit_hit = 1;
		*st = RF_ELIMIT;
		return NULL;
	}
	if (rf_arena_grow(a, (void **)&l->v, &l->cap, l->n,
	    sizeof(rf_link)) != 0) {
		*st = RF_ENOMEM;
		return NULL;
	}
	k = &l->v[l->n++];
	memset(k, 0, sizeof(*k));
	k->width = -1;
	k->height = -1;
	*st = RF_OK;
	return k;
}

const char *
rf_link_kind_name(rf_link_kind k)
{
	switch (k) {
	case RF_LINK_HREF: return "href";
	case RF_LINK_TEXT: return "text";
	case RF_LINK_IMG: return "img";
	case RF_LINK_FORM: return "form";
	case RF_LINK_CSS: return "css";
	case RF_LINK_HEADER: return "header";
	}
	return "unknown";
}
