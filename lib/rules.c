/*
 * rules.c - the tracking rules (data/trackers.conf format): parsing from a
 * buffer and look-ups.  The format is described in the file's header and
 * in docs/tracking.md.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

#define RULES_MAX_FIELDS 32
#define RULES_MAX_LINE 1024

/* A host pattern with what rf__host_match works out on each call known
 * in advance: most patterns have no '*', and most hosts fail them on
 * their last byte. */
struct pat {
	const char *s;
	size_t len;
	int kind;		/* P_PLAIN, P_GLOB, P_ALL */
};

enum { P_PLAIN, P_GLOB, P_ALL };

struct rule_param {
	const char *name;	/* as written */
	size_t len;		/* without a final '*' */
	int prefix;
	const char **hosts;	/* NULL: every host */
	size_t nhosts;
	int tag;		/* "tag": names a campaign, not a person */
};

struct rule_host {
	struct pat host;
	const char *path;	/* prefix, or NULL */
	size_t pathlen;
	const char *provider;
};

struct rule_unwrap {
	struct pat host;
	const char *param;	/* NULL: destination in the path */
};

/*
 * An index of a table of patterns (or of parameter names), ASCII letters
 * folded: bucket b lists, in table order, the entries that can match a
 * host whose last TAIL bytes hash to b (a plain pattern at least TAIL
 * long only such hosts; a glob or a shorter pattern every host) or a
 * name starting with byte b.  A look-up visits its bucket instead of the
 * whole table, in the same order, so it finds what the full scan finds;
 * a host shorter than TAIL scans the whole table.
 */
#define TAIL 8
#define NBUCKETS 256

struct index {
	size_t start[NBUCKETS + 1];	/* bucket b: idx[start[b]..start[b+1]) */
	size_t *idx;
};

struct rf_rules {
	rf_arena *arena;
	struct index by_param, by_host, by_unwrap, by_static;
	struct rule_param *params;
	size_t nparams, capparams;
	struct rule_host *hosts;
	size_t nhosts, caphosts;
	struct rule_unwrap *unwraps;
	size_t nunwraps, capunwraps;
	struct pat *statics;
	size_t nstatics, capstatics;
	const char **sources;
	size_t nsources, capsources;
};

/* fold: c in lower case if an ASCII letter (tolower in the C locale). */
static unsigned
fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* glob within one label: '*' matches [a-z0-9-]*. */
static int
glob_label(const char *p, size_t pn, const char *s, size_t sn)
{
	size_t i;

	if (pn == 0)
		return sn == 0;
	if (p[0] == '*') {
		for (i = 0; i <= sn; i++) {
			if (glob_label(p + 1, pn - 1, s + i, sn - i))
				return 1;
			if (i < sn && s[i] == '.')
				return 0;
		}
		return 0;
	}
	if (sn == 0 || tolower((unsigned char)p[0]) !=
	    tolower((unsigned char)s[0]))
		return 0;
	return glob_label(p + 1, pn - 1, s + 1, sn - 1);
}

int
rf__host_match(const char *pattern, const char *host, size_t hostlen)
{
	size_t pn = strlen(pattern), i;

	if (host == NULL || hostlen == 0)
		return 0;
	if (strcmp(pattern, "*") == 0)
		return 1;
	if (strchr(pattern, '*') == NULL) {
		/* no glob: the host itself or a subdomain, compared from the
		 * end (a label boundary before the match) */
		if (hostlen < pn || tolower((unsigned char)host[hostlen -
		    pn]) != tolower((unsigned char)pattern[0]) ||
		    strncasecmp(host + hostlen - pn,
		    pattern, pn) != 0)
			return 0;
		return hostlen == pn || host[hostlen - pn - 1] == '.';
	}
	for (i = 0; i < hostlen; i++) {
		if (i != 0 && host[i - 1] != '.')
			continue;
		if (glob_label(pattern, pn, host + i, hostlen - i))
			return 1;
	}
	return 0;
}

static void
pat_init(struct pat *p, const char *s)
{
	p->s = s;
	p->len = strlen(s);
	if (strcmp(s, "*") == 0)
		p->kind = P_ALL;
	else if (strchr(s, '*') != NULL || p->len == 0)
		p->kind = P_GLOB;	/* (and the empty one: as before) */
	else
		p->kind = P_PLAIN;
}

/* pat_match: rf__host_match(p->s, host, hostlen). */
static int
pat_match(const struct pat *p, const char *host, size_t hostlen)
{
	const char *tail;

	if (host == NULL || hostlen == 0)
		return 0;
	if (p->kind == P_ALL)
		return 1;
	if (p->kind == P_GLOB) {
		/* a last byte other than '*' matches the host's last one */
		if (p->len > 0 && p->s[p->len - 1] != '*' &&
		    fold((unsigned char)p->s[p->len - 1]) !=
		    fold((unsigned char)host[hostlen - 1]))
			return 0;
		return rf__host_match(p->s, host, hostlen);
	}
	if (hostlen < p->len)
		return 0;
	tail = host + hostlen - p->len;
	/* a quick look at both ends first: bytes equal but for case are
	 * equal with bit 5 set (the converse is left to strncasecmp) */
	if (((tail[p->len - 1] ^ p->s[p->len - 1]) & ~0x20) != 0 ||
	    ((tail[0] ^ p->s[0]) & ~0x20) != 0 ||
	    strncasecmp(tail, p->s, p->len) != 0)
		return 0;
	return hostlen == p->len || tail[-1] == '.';
}

/* tail_key: the bucket of the TAIL bytes ending at s[n] (n >= TAIL). */
static unsigned
tail_key(const char *s, size_t n)
{
	unsigned h = 0;
	size_t i;

	for (i = n - TAIL; i < n; i++)
		h = h * 31 + fold((unsigned char)s[i]);
	return (h ^ (h >> 8)) & (NBUCKETS - 1);
}

/* pat_at: the pattern at byte offset off in the i-th of a table of
 * stride-byte entries. */
static const struct pat *
pat_at(const void *base, size_t stride, size_t off, size_t i)
{
	return (const struct pat *)((const char *)base + i * stride + off);
}

/*
 * index_build: x for the n entries of a table: of parameter names when
 * params is set (keyed on the first byte), else of patterns at offset
 * off in entries of stride bytes (keyed on the last TAIL bytes, a glob
 * or a shorter pattern in every bucket).  Returns 0, or -1 when out of
 * memory.
 */
/* entry_key: the bucket of entry i of index_build's table, -1 for every
 * bucket. */
static int
entry_key(const void *base, size_t stride, size_t off, size_t i,
	  int params)
{
	const struct pat *p;

	if (params)
		return (int)fold((unsigned char)
		    ((const struct rule_param *)base)[i].name[0]);
	p = pat_at(base, stride, off, i);
	if (p->kind == P_PLAIN && p->len >= TAIL)
		return (int)tail_key(p->s, p->len);
	return -1;
}

static int
index_build(rf_arena *a, struct index *x, const void *base, size_t stride,
	    size_t off, size_t n, int params)
{
	size_t pos[NBUCKETS], i, b, total = 0;
	int key, pass;

	memset(pos, 0, sizeof(pos));
	/* pass 0 counts each bucket's entries, pass 1 places them */
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			for (b = 0; b < NBUCKETS; b++) {
				x->start[b] = total;
				total += pos[b];
				pos[b] = x->start[b];
			}
			x->start[NBUCKETS] = total;
			if ((x->idx = rf_arena_array(a, total > 0 ? total : 1,
			    sizeof(*x->idx))) == NULL)
				return -1;
		}
		for (i = 0; i < n; i++) {
			key = entry_key(base, stride, off, i, params);
			for (b = 0; b < NBUCKETS; b++) {
				if (key >= 0 && (size_t)key != b)
					continue;
				if (pass == 0)
					pos[b]++;
				else
					x->idx[pos[b]++] = i;
			}
		}
	}
	return 0;
}

/* rules_index: the four indexes of r, once its tables are complete. */
static int
rules_index(rf_rules *r)
{
	if (index_build(r->arena, &r->by_param, r->params, 0, 0,
	    r->nparams, 1) != 0 ||
	    index_build(r->arena, &r->by_host, r->hosts,
	    sizeof(struct rule_host), offsetof(struct rule_host, host),
	    r->nhosts, 0) != 0 ||
	    index_build(r->arena, &r->by_unwrap, r->unwraps,
	    sizeof(struct rule_unwrap), offsetof(struct rule_unwrap, host),
	    r->nunwraps, 0) != 0 ||
	    index_build(r->arena, &r->by_static, r->statics,
	    sizeof(struct pat), 0, r->nstatics, 0) != 0)
		return -1;
	return 0;
}

static int
grow(rf_arena *a, void *basep, size_t *cap, size_t n, size_t size)
{
	return rf_arena_grow(a, (void **)basep, cap, n, size);
}

static rf_status
parse_line(rf_rules *r, char **f, size_t nf, unsigned lineno, rf_error *err)
{
	rf_arena *a = r->arena;
	size_t i;

	if (strcmp(f[0], "source") == 0) {
		if (grow(a, &r->sources, &r->capsources, r->nsources,
		    sizeof(char *)) != 0)
			goto nomem;
		r->sources[r->nsources++] = f[1 < nf ? 1 : 0];
	} else if ((strcmp(f[0], "param") == 0 ||
	    strcmp(f[0], "tag") == 0) && nf >= 2) {
		struct rule_param *p;

		if (grow(a, &r->params, &r->capparams, r->nparams,
		    sizeof(*p)) != 0)
			goto nomem;
		p = &r->params[r->nparams++];
		p->name = f[1];
		p->tag = f[0][0] == 't';
		p->len = strlen(f[1]);
		if (p->len > 0 && f[1][p->len - 1] == '*') {
			p->prefix = 1;
			p->len--;
		}
		if (p->len == 0)
			return rf_error_set(err, RF_EPARSE,
			    "rules line %u: empty parameter name", lineno);
		p->nhosts = nf - 2;
		p->hosts = NULL;
		if (p->nhosts > 0) {
			p->hosts = rf_arena_array(a, p->nhosts, sizeof(char *));
			if (p->hosts == NULL)
				goto nomem;
			for (i = 0; i < p->nhosts; i++)
				p->hosts[i] = f[2 + i];
		}
	} else if (strcmp(f[0], "host") == 0 && nf == 3) {
		struct rule_host *h;
		char *slash = strchr(f[1], '/');

		if (grow(a, &r->hosts, &r->caphosts, r->nhosts,
		    sizeof(*h)) != 0)
			goto nomem;
		h = &r->hosts[r->nhosts++];
		h->path = NULL;
		h->pathlen = 0;
		if (slash != NULL) {
			h->path = rf_arena_strdup(a, slash);
			if (h->path == NULL)
				goto nomem;
			h->pathlen = strlen(h->path);
			*slash = '\0';
		}
		pat_init(&h->host, f[1]);
		h->provider = f[2];
	} else if (strcmp(f[0], "unwrap") == 0 &&
	    ((nf == 4 && strcmp(f[2], "query") == 0) ||
	    (nf == 3 && strcmp(f[2], "path") == 0))) {
		struct rule_unwrap *u;

		if (grow(a, &r->unwraps, &r->capunwraps, r->nunwraps,
		    sizeof(*u)) != 0)
			goto nomem;
		u = &r->unwraps[r->nunwraps++];
		pat_init(&u->host, f[1]);
		u->param = nf == 4 ? f[3] : NULL;
	} else if (strcmp(f[0], "static") == 0 && nf == 2) {
		if (grow(a, &r->statics, &r->capstatics, r->nstatics,
		    sizeof(struct pat)) != 0)
			goto nomem;
		pat_init(&r->statics[r->nstatics++], f[1]);
	} else {
		return rf_error_set(err, RF_EPARSE,
		    "rules line %u: not a rule (keyword or field count)",
		    lineno);
	}
	return RF_OK;
nomem:
	return rf_error_set(err, RF_ENOMEM, "out of memory");
}

rf_status
rf_rules_parse(const char *text, size_t len, rf_rules **out, rf_error *err)
{
	rf_rules *r = NULL;
	char *copy, *line, *next, *f[RULES_MAX_FIELDS], *p;
	rf_status st = RF_OK;
	unsigned lineno = 0;
	size_t nf;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL || (r->arena = rf_arena_new()) == NULL) {
		st = rf_error_set(err, RF_ENOMEM, "out of memory");
		goto done;
	}
	copy = rf_arena_strndup(r->arena, text, len);
	if (copy == NULL) {
		st = rf_error_set(err, RF_ENOMEM, "out of memory");
		goto done;
	}
	for (line = copy; line != NULL && st == RF_OK; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (strlen(line) > RULES_MAX_LINE) {
			st = rf_error_set(err, RF_EPARSE,
			    "rules line %u: longer than %d bytes", lineno,
			    RULES_MAX_LINE);
			break;
		}
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		if (strncmp(line, "source", 6) == 0 &&
		    isspace((unsigned char)line[6])) {
			/* the rest of the line is one field */
			f[0] = line;
			line[6] = '\0';
			for (p = line + 7; isspace((unsigned char)*p); p++)
				;
			f[1] = p;
			st = parse_line(r, f, 2, lineno, err);
			continue;
		}
		nf = 0;
		for (p = strtok_r(line, " \t\r", &line); p != NULL;
		    p = strtok_r(NULL, " \t\r", &line)) {
			if (nf == RULES_MAX_FIELDS) {
				st = rf_error_set(err, RF_EPARSE,
				    "rules line %u: more than %d fields",
				    lineno, RULES_MAX_FIELDS);
				break;
			}
			f[nf++] = p;
		}
		if (st == RF_OK && nf > 0)
			st = parse_line(r, f, nf, lineno, err);
	}
	if (st == RF_OK && rules_index(r) != 0)
		st = rf_error_set(err, RF_ENOMEM, "out of memory");
done:
	if (st != RF_OK) {
		rf_rules_free(r);
		return st;
	}
	*out = r;
	return RF_OK;
}

void
rf_rules_free(rf_rules *r)
{
	if (r == NULL)
		return;
	rf_arena_free(r->arena);
	free(r);
}

void
rf_rules_count(const rf_rules *r, size_t *params, size_t *hosts,
	       size_t *unwraps, size_t *statics)
{
	if (params != NULL)
		*params = r->nparams;
	if (hosts != NULL)
		*hosts = r->nhosts;
	if (unwraps != NULL)
		*unwraps = r->nunwraps;
	if (statics != NULL)
		*statics = r->nstatics;
}

const char *
rf__rules_param(const rf_rules *r, const char *host, size_t hostlen,
		const char *name, size_t len, int *tag)
{
	const struct rule_param *p;
	size_t i, j, k;
	unsigned b;

	if (len == 0)
		return NULL;	/* no name is empty */
	b = fold((unsigned char)name[0]);
	for (k = r->by_param.start[b]; k < r->by_param.start[b + 1]; k++) {
		i = r->by_param.idx[k];
		p = &r->params[i];
		if ((p->prefix ? len < p->len : len != p->len) ||
		    tolower((unsigned char)name[0]) !=
		    tolower((unsigned char)p->name[0]))
			continue;
		if (strncasecmp(p->name, name, p->len) != 0)
			continue;
		for (j = 0; j < p->nhosts; j++)
			if (rf__host_match(p->hosts[j], host, hostlen))
				break;
		if (p->nhosts > 0 && j == p->nhosts)
			continue;
		if (tag != NULL)
			*tag = p->tag;
		return p->name;
	}
	return NULL;
}

/*
 * struct visit: the entries of a table a host can match, in table order:
 * its bucket, or the whole table for a host shorter than TAIL.
 */
struct visit {
	const struct index *x;
	size_t k, end;
	int all;
};

static void
visit_init(struct visit *v, const struct index *x, size_t n,
	   const char *host, size_t hostlen)
{
	unsigned b;

	v->x = x;
	v->all = hostlen < TAIL;
	if (v->all) {
		v->k = 0;
		v->end = n;
	} else {
		b = tail_key(host, hostlen);
		v->k = x->start[b];
		v->end = x->start[b + 1];
	}
}

/* visit_next: the next entry's index in the table in *i: 1, or 0 at the
 * end. */
static int
visit_next(struct visit *v, size_t *i)
{
	if (v->k >= v->end)
		return 0;
	*i = v->all ? v->k : v->x->idx[v->k];
	v->k++;
	return 1;
}

const char *
rf__rules_host(const rf_rules *r, const char *host, size_t hostlen,
	       const char *path, size_t pathlen)
{
	const struct rule_host *h;
	struct visit v;
	size_t k;

	if (host == NULL || hostlen == 0)
		return NULL;	/* no pattern matches */
	visit_init(&v, &r->by_host, r->nhosts, host, hostlen);
	while (visit_next(&v, &k)) {
		h = &r->hosts[k];
		if (h->path != NULL && (pathlen < h->pathlen ||
		    memcmp(path, h->path, h->pathlen) != 0))
			continue;
		if (pat_match(&h->host, host, hostlen))
			return h->provider;
	}
	return NULL;
}

int
rf__rules_unwrap(const rf_rules *r, const char *host, size_t hostlen,
		 size_t i, const char **param)
{
	const struct rule_unwrap *u;
	struct visit v;
	size_t k, seen = 0;

	if (host == NULL || hostlen == 0)
		return 0;	/* no pattern matches */
	visit_init(&v, &r->by_unwrap, r->nunwraps, host, hostlen);
	while (visit_next(&v, &k)) {
		u = &r->unwraps[k];
		if (!pat_match(&u->host, host, hostlen))
			continue;
		if (seen++ < i)
			continue;
		*param = u->param;
		return *param != NULL ? 1 : 2;
	}
	return 0;
}

int
rf__rules_static(const rf_rules *r, const char *host, size_t hostlen)
{
	struct visit v;
	size_t k;

	if (host == NULL || hostlen == 0)
		return 0;	/* no pattern matches */
	visit_init(&v, &r->by_static, r->nstatics, host, hostlen);
	while (visit_next(&v, &k))
		if (pat_match(&r->statics[k], host, hostlen))
			return 1;
	return 0;
}
