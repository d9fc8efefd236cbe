/*
 * sprinter.c - what every structured printer shares: a key and its value
 * in one call, as the generic calls map_key then string, null, integer or
 * boolean.  The literal-key forms (sp_kvl_*, inline in sprinter.h) give
 * the pair to a printer's kvl_ methods first.
 */
#include "sprinter.h"

void
sp_kv_str(struct sprinter *sp, const char *key, const char *s)
{
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
sp_kv_escaped(struct sprinter *sp, const char *key, const char *s)
{
	sp->map_key(sp, key);
	if (sp->escaped != NULL)
		sp->escaped(sp, s);
	else
		sp->string(sp, s);
}

void
sp_kv_bool(struct sprinter *sp, const char *key, int v)
{
	sp->map_key(sp, key);
	sp->boolean(sp, v);
}
