/*
 * hotline_export.c - red-flag cases out to law enforcement (X-ARF v4
 * JSON, CSV; URLs defanged), the referral records, and the monthly
 * statistics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "hotline_int.h"

/* scheme_len: the length of the web scheme at p with its "://" (or its
 * percent-encoded "%3A%2F%2F", any case), 0 when there is none; *s: the
 * defanged scheme ("hxxp", "hxxps", "fxp": as long as the scheme). */
static size_t
scheme_len(const char *p, const char **s)
{
	static const char *const name[] = { "https", "http", "ftp" };
	static const char *const fang[] = { "hxxps", "hxxp", "fxp" };
	size_t i, n;

	for (i = 0; i < 3; i++) {
		n = strlen(name[i]);
		if (strncasecmp(p, name[i], n) != 0)
			continue;
		*s = fang[i];
		if (strncmp(p + n, "://", 3) == 0)
			return n + 3;
		if (strncasecmp(p + n, "%3A%2F%2F", 9) == 0)
			return n + 9;
		return 0;
	}
	return 0;
}

/* put_host: the host at p (up to one of stop, or a web scheme: a
 * carried URL right after it) into b, dots as "[.]"; returns what
 * follows it.  The end is found first: the stop byte once, then a
 * scheme looked for only where one can start (h, f). */
static const char *
put_host(rf_buf *b, const char *p, const char *stop)
{
	const char *e = p + strcspn(p, stop), *q, *dot, *fang;

	for (q = p; q < e; q++)
		if ((*q == 'h' || *q == 'H' || *q == 'f' || *q == 'F') &&
		    scheme_len(q, &fang) > 0) {
			e = q;
			break;
		}
	for (; (dot = memchr(p, '.', (size_t)(e - p))) != NULL; p = dot + 1) {
		rf_buf_append(b, p, (size_t)(dot - p));
		rf_buf_puts(b, "[.]");
	}
	rf_buf_append(b, p, (size_t)(e - p));
	return e;
}

const char *
rf_hotline_defang(rf_arena *a, const char *url)
{
	rf_buf b;
	const char *p = url, *fang;
	char *out;
	size_t n;

	if (url == NULL)
		return NULL;
	/* A URL kept as reported may start with blanks. */
	p += strspn(p, " \t\r\n");
	rf_buf_init(&b, 0);
	if ((n = scheme_len(p, &fang)) > 0 && p[n - 1] == '/') {
		rf_buf_puts(&b, fang);
		rf_buf_puts(&b, "://");
		p += n;
	} else if ((n = strcspn(p, ":/?#")) > 0 && strncmp(p + n, "://", 3) ==
	    0) {
		rf_buf_append(&b, p, n + 3);	/* another scheme */
		p += n + 3;
	}
	p = put_host(&b, p, "/?#");
	/* A URL carried inside (a redirect's destination, a page's "next")
	 * is defanged the same way: scheme and host, plain or
	 * percent-encoded (its host then ends at the next '%'). */
	while (*p != '\0') {
		if ((n = scheme_len(p, &fang)) == 0) {
			rf_buf_putc(&b, *p++);
			continue;
		}
		/* fang is as long as the scheme it replaces; the
		 * separator as it came */
		rf_buf_puts(&b, fang);
		rf_buf_append(&b, p + strlen(fang), n - strlen(fang));
		p = put_host(&b, p + n, p[n - 1] == '/' ? "/?#&;" : "%&;#");
	}
	out = rf_arena_strdup(a, rf_buf_cstr(&b));
	rf_buf_free(&b);
	return out;
}

/* json_str: s as a JSON string (with quotes): valid UTF-8 as it is,
 * each byte that starts no valid sequence as U+FFFD; escaped: '"', '\\',
 * the controls (below 0x20, and DEL), and, for a reader that pastes the
 * export into HTML or a script, '<', '>', '&', U+2028 and U+2029. */
static void
json_str(rf_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : ""),
	    *end = p + strlen((const char *)p);
	size_t n;

	rf_buf_putc(b, '"');
	for (; *p; p++) {
		if (*p == '"' || *p == '\\') {
			rf_buf_putc(b, '\\');
			rf_buf_putc(b, (char)*p);
		} else if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>' ||
		    *p == '&') {
			rf_buf_printf(b, "\\u%04x", *p);
		} else if (*p < 0x80) {
			rf_buf_putc(b, (char)*p);
		} else if ((n = rf__utf8_seq(p, (size_t)(end - p))) == 0) {
			rf_buf_puts(b, "\xef\xbf\xbd");	/* U+FFFD */
		} else if (n == 3 && p[0] == 0xe2 && p[1] == 0x80 &&
		    (p[2] == 0xa8 || p[2] == 0xa9)) {
			rf_buf_puts(b, p[2] == 0xa8 ? "\\u2028" : "\\u2029");
			p += n - 1;
		} else {
			rf_buf_append(b, (const char *)p, n);
			p += n - 1;
		}
	}
	rf_buf_putc(b, '"');
}

/* csv_field: RFC 4180 quoting; a leading = + - @ TAB CR gets a ' so
 * that a spreadsheet does not run it as a formula (OWASP's list). */
static void
csv_field(rf_buf *b, const char *s, int last)
{
	const char *p;

	rf_buf_putc(b, '"');
	if (s != NULL && *s != '\0' && strchr("=+-@\t\r", *s) != NULL)
		rf_buf_putc(b, '\'');
	for (p = s != NULL ? s : ""; *p; p++) {
		if (*p == '"')
			rf_buf_putc(b, '"');
		rf_buf_putc(b, *p == '\r' || *p == '\n' ? ' ' : *p);
	}
	rf_buf_putc(b, '"');
	rf_buf_puts(b, last ? "\r\n" : ",");
}

static void
iso_time(char out[32], time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
uuid4(char out[37])
{
	unsigned char u[16];

	randombytes_buf(u, sizeof(u));
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
	    u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

static void
xarf_contact(rf_buf *b, const char *key, const rf_hotline_org *o)
{
	rf_buf_printf(b, "  \"%s\": {\"org\": ", key);
	json_str(b, o->org);
	rf_buf_puts(b, ", \"contact\": ");
	json_str(b, o->contact);
	rf_buf_puts(b, ", \"domain\": ");
	json_str(b, o->domain);
	rf_buf_puts(b, "},\n");
}

static void
write_case(rf_buf *b, rf_arena *a, rf_export_format fmt,
	   const rf_hotline_case *c, const rf_hotline_org *o,
	   const char *ref, size_t index)
{
	const char *url = rf_hotline_defang(a, c->canonical);
	const char *host = rf_hotline_defang(a, c->host != NULL ? c->host :
	    "");
	char first[32], last[32], id[37];
	rf_buf desc;
	/* a category only a reporter suggested is no finding: "other",
	 * the suggestion named in the X-ARF description */
	const char *type = c->category_set ?
	    rf_case_category_name(c->category) : "other";
	const char *suggested = !c->category_set &&
	    c->category != RF_CAT_OTHER ?
	    rf_case_category_name(c->category) : NULL;

	iso_time(first, c->created);
	iso_time(last, c->last_report);
	if (fmt == RF_EXPORT_CSV) {
		char num[32];

		snprintf(num, sizeof(num), "%lld", (long long)c->id);
		csv_field(b, num, 0);
		csv_field(b, url, 0);
		csv_field(b, host, 0);
		csv_field(b, type, 0);
		snprintf(num, sizeof(num), "%d", c->nreports);
		csv_field(b, num, 0);
		csv_field(b, first, 0);
		csv_field(b, last, 0);
		csv_field(b, ref, 1);
		return;
	}
	uuid4(id);
	rf_buf_puts(b, index > 0 ? ",\n{\n" : "{\n");
	rf_buf_puts(b, "  \"xarf_version\": \"4.0.0\",\n");
	rf_buf_printf(b, "  \"report_id\": \"%s\",\n", id);
	rf_buf_printf(b, "  \"timestamp\": \"%s\",\n", first);
	xarf_contact(b, "reporter", o);
	xarf_contact(b, "sender", o);
	rf_buf_puts(b, "  \"source_identifier\": ");
	json_str(b, host);
	rf_buf_puts(b, ",\n  \"category\": \"content\",\n  \"type\": ");
	json_str(b, type);
	rf_buf_puts(b, ",\n  \"url\": ");
	json_str(b, url);
	rf_buf_puts(b, ",\n  \"evidence_source\": \"user_report\",\n");
	/* the reference as given (JSON-escaped) last, after "Reference: ",
	 * where nothing follows it: the tag below keeps only what a tag
	 * may hold */
	rf_buf_init(&desc, 0);
	rf_buf_printf(&desc, "Hotline case %lld: %d public report%s, first "
	    "%s, last %s; confirmed by an analyst", (long long)c->id,
	    c->nreports, c->nreports == 1 ? "" : "s", first, last);
	if (suggested != NULL)
		rf_buf_printf(&desc, "; category not set by an analyst (a "
		    "reporter suggested %s)", suggested);
	rf_buf_puts(&desc, ". Reference: ");
	rf_buf_puts(&desc, ref);
	rf_buf_puts(b, "  \"description\": ");
	json_str(b, rf_buf_cstr(&desc));
	rf_buf_puts(b, ",\n");
	if (desc.truncated)
		b->truncated = 1;
	rf_buf_free(&desc);
	rf_buf_printf(b, "  \"tags\": [\"hotline:case-%lld\", \"reference:",
	    (long long)c->id);
	{
		const char *p;

		/* tag values are [a-z0-9_+-.]: keep what fits. */
		for (p = ref; *p; p++) {
			char ch = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;

			if ((ch >= 'a' && ch <= 'z') || (ch >= '0' &&
			    ch <= '9') || strchr("_+-.", ch) != NULL)
				rf_buf_putc(b, ch);
		}
	}
	rf_buf_puts(b, "\"]\n}");
}

/* A case as it was exported: what recording its referral checks again. */
struct snap {
	int64_t id;
	rf_case_state state;
	rf_case_category category;
	int category_set;
};

/* render_one: case s->id written to out (the index-th of the export)
 * and the rest of *s filled from it; RF_EINVAL when it is not a red flag
 * (nor referred). */
static rf_status
render_one(rf_hotline *h, rf_arena *a, struct snap *s, rf_export_format fmt,
	   const rf_hotline_org *o, const char *ref, rf_buf *out,
	   size_t index, rf_error *err)
{
	rf_hotline_case c;
	rf_status rs;

	if ((rs = rf_hotline_case_get(h, s->id, a, &c, err)) != RF_OK)
		return rs;
	if (c.state != RF_CASE_RED_FLAG && c.state != RF_CASE_REFERRED)
		return rf_error_set(err, RF_EINVAL, "case %lld is %s: only "
		    "red-flag cases are exported", (long long)s->id,
		    rf_case_state_name(c.state));
	write_case(out, a, fmt, &c, o, ref, index);
	s->state = c.state;
	s->category = c.category;
	s->category_set = c.category_set;
	return RF_OK;
}

/* snap_now: what record_one checks of case s->id as it is now (its
 * state, category and whether an analyst set it) into *c, and nothing
 * more: not the whole case again, its text copied, inside the write
 * transaction.  RF_ENOTFOUND when there is no such case. */
static rf_status
snap_now(rf_hotline *h, const struct snap *s, struct snap *c, rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_status rs;
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rs = rf__hl_prepare(h, "SELECT c.state, c.category, "
	    RF__HL_CATEGORY_SET " FROM cases c WHERE c.id = ?", &st, err)) !=
	    RF_OK)
		return rs;
	sqlite3_bind_int64(st, 1, s->id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c->id = s->id;
		c->state = (rf_case_state)sqlite3_column_int(st, 0);
		c->category = (rf_case_category)sqlite3_column_int(st, 1);
		c->category_set = sqlite3_column_int(st, 2);
	} else if (rc == SQLITE_DONE) {
		rs = rf_error_set(err, RF_ENOTFOUND, "no case %lld",
		    (long long)s->id);
	} else {
		rs = rf__hl_fail(h, "case", err);
	}
	sqlite3_finalize(st);
	return rs;
}

/* record_one: the referral of case s->id (inside the write transaction):
 * a referrals row, the case moved to referred, audited.  RF_EINVAL when
 * the case changed since it was exported (no longer a red flag nor
 * referred, or another category): its referral would record what was
 * not sent. */
static rf_status
record_one(rf_hotline *h, const rf_hotline_actor *who, const struct snap *s,
	   rf_export_format fmt, const char *target, const char *ref,
	   rf_error *err)
{
	sqlite3_stmt *st = NULL;
	struct snap c;
	char obj[32], detail[300];
	int64_t now = (int64_t)time(NULL);
	rf_status rs;

	if ((rs = snap_now(h, s, &c, err)) != RF_OK)
		return rs;
	if ((c.state != RF_CASE_RED_FLAG && c.state != RF_CASE_REFERRED) ||
	    c.category != s->category || c.category_set != s->category_set)
		return rf_error_set(err, RF_EINVAL, "case %lld changed while "
		    "the export was delivered (now %s, category %s%s): no "
		    "case referred", (long long)s->id,
		    rf_case_state_name(c.state),
		    rf_case_category_name(c.category),
		    c.category_set ? "" : " suggested");
	if ((rs = rf__hl_prepare(h, "INSERT INTO referrals (case_id, target,"
	    " reference, format, actor, created) VALUES (?, ?, ?, ?, ?, ?)",
	    &st, err)) != RF_OK)
		return rs;
	sqlite3_bind_int64(st, 1, s->id);
	rf__hl_bind_text(st, 2, target);
	rf__hl_bind_text(st, 3, ref);
	rf__hl_bind_text(st, 4, fmt == RF_EXPORT_CSV ? "csv" : "xarf");
	rf__hl_bind_text(st, 5, who->name);
	sqlite3_bind_int64(st, 6, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rs = rf__hl_fail(h, "referral", err);
		goto done;
	}
	sqlite3_finalize(st);
	if ((rs = rf__hl_prepare(h, "UPDATE cases SET state = ?, updated = ?"
	    " WHERE id = ?", &st, err)) != RF_OK)
		return rs;
	sqlite3_bind_int(st, 1, RF_CASE_REFERRED);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, s->id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rs = rf__hl_fail(h, "referral state", err);
		goto done;
	}
	snprintf(obj, sizeof(obj), "case:%lld", (long long)s->id);
	snprintf(detail, sizeof(detail), "%s -> referred; %s to %.100s, "
	    "reference %.100s", rf_case_state_name(c.state),
	    fmt == RF_EXPORT_CSV ? "csv" : "xarf", target, ref);
	rs = rf__hl_audit(h, who, "case.refer", obj, detail, NULL, err);
done:
	sqlite3_finalize(st);
	return rs;
}

static int
collect_id(void *arg, const rf_hotline_case *c)
{
	rf_buf *ids = arg;

	return rf_buf_append(ids, &c->id, sizeof(c->id)) != 0;
}

/* A named case and its place among the names. */
struct named {
	int64_t id;
	size_t pos;
};

static int
named_cmp(const void *x, const void *y)
{
	const struct named *a = x, *b = y;

	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* unique: the n cases of ids (unaligned: an rf_buf's bytes), each once,
 * in the place it first has, into s (n entries; only the ids set);
 * their number, or (size_t)-1 when out of memory. */
static size_t
unique(const int64_t *ids, size_t n, struct snap *s)
{
	struct named *v;
	unsigned char *keep;
	size_t i, k = 0;

	if (n == 0)
		return 0;
	v = calloc(n, sizeof(*v));
	keep = calloc(n, 1);
	if (v == NULL || keep == NULL) {
		free(v);
		free(keep);
		return (size_t)-1;
	}
	for (i = 0; i < n; i++) {
		memcpy(&v[i].id, &ids[i], sizeof(v[i].id));
		v[i].pos = i;
	}
	qsort(v, n, sizeof(*v), named_cmp);
	for (i = 0; i < n; i++)
		keep[v[i].pos] = i == 0 || v[i].id != v[i - 1].id;
	for (i = 0; i < n; i++)
		if (keep[i])
			memcpy(&s[k++].id, &ids[i], sizeof(s->id));
	free(v);
	free(keep);
	return k;
}

rf_status
rf_hotline_export(rf_hotline *h, const rf_hotline_actor *who,
		  const int64_t *ids, size_t nids, rf_export_format fmt,
		  const rf_hotline_org *org, const char *target,
		  const char *reference, rf_hotline_deliver_cb deliver,
		  void *arg, rf_buf *out, size_t *nexported, rf_error *err)
{
	static const rf_hotline_org def = { "redflag hotline",
	    "hotline@localhost", "localhost" };
	rf_hotline_org o;
	/* one more than the limit, to tell "exactly" from "more" */
	rf_hotline_filter f = { 0, RF_CASE_RED_FLAG, NULL,
	    h->lim.max_export_cases + 1, 0 };
	rf_buf all;
	rf_arena *a = NULL;
	struct snap *snaps = NULL;
	size_t start = out->len, i, n = 0;
	char ref[64];
	rf_status rs;

	*nexported = 0;
	rf_buf_init(&all, 0);
	if (who == NULL || !rf_hotline_may(who->role, RF_PERM_REFER))
		return rf_error_set(err, RF_EINVAL, "the %s role may not "
		    "export or refer cases", rf_hotline_role_name(who != NULL ?
		    who->role : RF_ROLE_NONE));
	if (target == NULL || *target == '\0')
		return rf_error_set(err, RF_EINVAL, "an export needs a target");
	if (strlen(target) > h->lim.max_field_len || (reference != NULL &&
	    strlen(reference) > h->lim.max_field_len))
		return rf_error_set(err, RF_ELIMIT, "target or reference "
		    "longer than max_field_len");
	/* each part not given is the default's */
	if (org != NULL) {
		o.org = org->org != NULL ? org->org : def.org;
		o.contact = org->contact != NULL ? org->contact : def.contact;
		o.domain = org->domain != NULL ? org->domain : def.domain;
		org = &o;
	} else {
		org = &def;
	}
	if (reference == NULL || *reference == '\0') {
		snprintf(ref, sizeof(ref), "REF-%lld", (long long)time(NULL));
		reference = ref;
	}
	/* Reported, never cut short: a silently partial export would
	 * leave red-flag cases unreferred without anyone knowing.  Cases
	 * named are counted (each once: a case named again is exported
	 * once, where first named) before any transaction opens; all
	 * red-flag ones are counted inside it, in the snapshot that is
	 * exported. */
	if (nids > 0) {
		if ((snaps = calloc(nids, sizeof(*snaps))) == NULL ||
		    (n = unique(ids, nids, snaps)) == (size_t)-1) {
			free(snaps);
			return rf_error_set(err, RF_ENOMEM, "out of memory");
		}
		if (n > h->lim.max_export_cases) {
			free(snaps);
			return rf_error_set(err, RF_ELIMIT, "more cases named "
			    "than max_export_cases (%u): name the cases to "
			    "export in parts, or raise the limit",
			    h->lim.max_export_cases);
		}
	}
	if ((a = rf_arena_new()) == NULL) {
		rs = rf_error_set(err, RF_ENOMEM, "out of memory");
		goto done;
	}
	/* 1. Made in a read transaction: one snapshot, no write lock. */
	if ((rs = rf__hl_begin_read(h, err)) != RF_OK)
		goto done;
	if (nids == 0) {
		if ((rs = rf_hotline_queue(h, &f, collect_id, &all, err)) !=
		    RF_OK)
			goto done;
		nids = all.len / sizeof(int64_t);
		if (nids > h->lim.max_export_cases) {
			rs = rf_error_set(err, RF_ELIMIT, "more red-flag cases "
			    "than max_export_cases (%u): name the cases to "
			    "export in parts, or raise the limit",
			    h->lim.max_export_cases);
			goto done;
		}
		if (nids > 0 && (snaps = calloc(nids, sizeof(*snaps))) ==
		    NULL) {
			rs = rf_error_set(err, RF_ENOMEM, "out of memory");
			goto done;
		}
		for (i = 0; i < nids; i++)
			memcpy(&snaps[i].id, all.data + i * sizeof(int64_t),
			    sizeof(int64_t));
		n = nids;
	}
	if (fmt == RF_EXPORT_CSV)
		rf_buf_puts(out, "case,url,host,category,reports,first_report,"
		    "last_report,reference\r\n");
	else
		rf_buf_puts(out, "[\n");
	for (i = 0; i < n; i++)
		if ((rs = render_one(h, a, &snaps[i], fmt, org, reference, out,
		    i, err)) != RF_OK)
			goto done;
	if (fmt != RF_EXPORT_CSV)
		rf_buf_puts(out, "\n]\n");
	if (out->truncated) {
		rs = rf_error_set(err, RF_ELIMIT, "the export does not fit in "
		    "its buffer");
		goto done;
	}
	if ((rs = rf__hl_commit(h, err)) != RF_OK)
		goto done;
	/* 2. Delivered with no transaction open: a slow reader holds up
	 * no one else's writes. */
	if (deliver != NULL && (rs = deliver(arg, out->data + start,
	    out->len - start, err)) != RF_OK)
		goto done;
	/* 3. Recorded in a short write transaction, only for an export
	 * delivered, and only when no case of it changed meanwhile. */
	if ((rs = rf__hl_begin(h, err)) != RF_OK)
		goto done;
	for (i = 0; i < n; i++)
		if ((rs = record_one(h, who, &snaps[i], fmt, target,
		    reference, err)) != RF_OK)
			goto done;
	if ((rs = rf__hl_commit(h, err)) != RF_OK)
		goto done;
	*nexported = n;
done:
	if (rs != RF_OK) {
		rf__hl_rollback(h);
		out->len = start;
		if (out->data != NULL)
			out->data[start] = '\0';
	}
	free(snaps);
	rf_buf_free(&all);
	rf_arena_free(a);
	return rs;
}

rf_status
rf_hotline_referrals(rf_hotline *h, int64_t id, unsigned limit,
		     unsigned offset, rf_hotline_referral_cb cb, void *arg,
		     rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_hotline_referral r;
	rf_status rs;
	int rc;

	/* two texts, not "?1 = 0 OR case_id = ?1", which scans the table
	 * instead of searching referrals_case */
	if ((rs = rf__hl_prepare(h, id != 0 ? "SELECT id, case_id, target,"
	    " reference, format, actor, created FROM referrals WHERE"
	    " case_id = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3" :
	    "SELECT id, case_id, target, reference, format, actor, created"
	    " FROM referrals WHERE ?1 = 0 ORDER BY id DESC LIMIT ?2"
	    " OFFSET ?3", &st, err)) != RF_OK)
		return rs;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, limit != 0 ? limit :
	    h->lim.queue_page_size);
	sqlite3_bind_int64(st, 3, offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.id = sqlite3_column_int64(st, 0);
		r.case_id = sqlite3_column_int64(st, 1);
		r.target = rf__hl_col(st, 2);
		r.reference = rf__hl_col(st, 3);
		r.format = rf__hl_col(st, 4);
		r.actor = rf__hl_col(st, 5);
		r.when = (time_t)sqlite3_column_int64(st, 6);
		if (cb(arg, &r) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		rs = rf__hl_fail(h, "referrals", err);
	sqlite3_finalize(st);
	return rs;
}

rf_status
rf_hotline_referral_count(rf_hotline *h, int64_t id, int64_t *n,
			  rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_status rs;

	*n = 0;
	if ((rs = rf__hl_prepare(h, id != 0 ? "SELECT count(*) FROM"
	    " referrals WHERE case_id = ?1" : "SELECT count(*) FROM"
	    " referrals WHERE ?1 = 0", &st, err)) != RF_OK)
		return rs;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		rs = rf__hl_fail(h, "referral count", err);
	sqlite3_finalize(st);
	return rs;
}

/* ---- statistics ---- */

int
rf_hotline_parse_month(const char *s, int *year, int *month)
{
	int y, m;
	char end;

	if (s == NULL || strlen(s) != 7 || s[4] != '-' ||
	    sscanf(s, "%4d-%2d%c", &y, &m, &end) != 2 || y < 1970 ||
	    y > 9999 || m < 1 || m > 12)
		return -1;
	*year = y;
	*month = m;
	return 0;
}

static rf_status
count(rf_hotline *h, const char *sql, int64_t from, int64_t to,
      unsigned *out, rf_error *err)
{
	sqlite3_stmt *st = NULL;
	rf_status rs;

	if ((rs = rf__hl_prepare(h, sql, &st, err)) != RF_OK)
		return rs;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = (unsigned)sqlite3_column_int64(st, 0);
	else
		rs = rf__hl_fail(h, "statistics", err);
	sqlite3_finalize(st);
	return rs;
}

rf_status
rf_hotline_stats_month(rf_hotline *h, int year, int month,
		       rf_hotline_stats *out, rf_error *err)
{
	struct tm tm;
	int64_t from, to;
	rf_status rs;

	memset(out, 0, sizeof(*out));
	if (month < 1 || month > 12 || year < 1970)
		return rf_error_set(err, RF_EINVAL, "no such month");
	out->year = year;
	out->month = month;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = 1;
	from = (int64_t)timegm(&tm);
	tm.tm_mon++;
	to = (int64_t)timegm(&tm);
	if ((rs = count(h, "SELECT COUNT(*) FROM reports WHERE received >= ?1"
	    " AND received < ?2", from, to, &out->reports, err)) != RF_OK ||
	    (rs = count(h, "SELECT COUNT(DISTINCT case_id) FROM reports WHERE"
	    " received >= ?1 AND received < ?2", from, to, &out->cases,
	    err)) != RF_OK ||
	    (rs = count(h, "SELECT COUNT(*) FROM cases WHERE created >= ?1"
	    " AND created < ?2", from, to, &out->new_cases, err)) != RF_OK ||
	    (rs = count(h, "SELECT COUNT(*) FROM reports WHERE received >= ?1"
	    " AND received < ?2 AND first = 0", from, to, &out->duplicates,
	    err)) != RF_OK ||
	    (rs = count(h, "SELECT COUNT(DISTINCT object) FROM audit WHERE"
	    " action = 'case.assess' AND detail LIKE '%-> red_flag'"
	    " AND ts >= ?1 AND ts < ?2", from, to, &out->red_flags, err)) !=
	    RF_OK ||
	    (rs = count(h, "SELECT COUNT(*) FROM referrals WHERE created >= ?1"
	    " AND created < ?2", from, to, &out->referrals, err)) != RF_OK)
		return rs;
	return RF_OK;
}
