/*
 * sprinter.c - what every structured printer shares: a key and its value
 * in one call.  A printer with a fast path for it (the kv_str and kvl_
 * methods of struct sprinter, sprinter.h) is given the pair; any other,
 * or one whose fast path declines, gets the generic calls.  The literal-
 * key forms (sp_kvl_*) are inline, in sprinter.h.
 */
#include "sprinter.h"

void
sp_kv_str(struct sprinter *sp, const char *key, const char *s)
{
	if (sp->kv_str != NULL && sp->kv_str(sp, key, s))
		return;
	sp->map_key(sp, key);
	if (s != NULL)
		sp->string(sp, s);
	else
		sp->null(sp);
}

void
sp_kv_int(struct sprinter *sp, const char *key, long long v)
{
	sp->map_key(sp, key);
	sp->integer(sp, v);
}

void
sp_kv_bool(struct sprinter *sp, const char *key, int v)
{
	sp->map_key(sp, key);
	sp->boolean(sp, v);
}
