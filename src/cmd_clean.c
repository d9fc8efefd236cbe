/*
 * cmd_clean.c - redflag clean: write a message back with the links that
 * identify the recipient replaced by their clean form and web bugs
 * emptied, and X-Redflag-* headers saying what was done.
 *
 * The output is the input with byte ranges spliced: only the encoded
 * content of the text leaves that changed is rewritten (decoded, edited,
 * re-encoded with the part's own transfer encoding and line endings);
 * every other byte, headers and MIME boundaries included, is kept.
 * docs/tracking.md ("redflag clean") and redflag-clean(1).
 */
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "assets.h"
#include "cli.h"
#include "commands.h"

#define CLEAN_MAX_EDITS 4096	/* changed parts per message */
#define CLEAN_FOLD 76		/* header line length aimed at */

struct subst {
	const char *from, *to;
};

struct edit {
	size_t off, end;	/* range of the original replaced */
	char *data;		/* new bytes (g_malloc) */
	size_t len;
};

struct clean {
	const char *data;	/* the original message */
	size_t len;
	struct subst *subst;
	size_t nsubst;
	struct edit edits[CLEAN_MAX_EDITS];
	size_t nedits;
	size_t replaced;	/* URL occurrences replaced */
	int skipped;		/* parts that could not be located */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: %s clean [--rcpt ADDR] [--set NAME=VALUE]... [FILE|-]\n\n"
	    "Write the message in FILE (standard input when FILE is - or\n"
	    "absent) to standard output with every link that identifies the\n"
	    "recipient replaced by its clean form and web bugs emptied\n"
	    "(src=\"\"), adding X-Redflag-Tracking, X-Redflag-Cleaned and,\n"
	    "when it carries a code, X-Redflag-List-Unsubscribe headers.\n"
	    "Parts not changed keep their bytes.  Nothing is fetched.\n\n"
	    "  --rcpt ADDR     the recipient (default: Delivered-To,\n"
	    "                  X-Original-To, then To)\n"
	    "\nexit status: 0 written, 1 input unreadable, 64 usage error,\n"
	    "70 internal error\n", RF_PROG);
	cli_limits_help(f);
}

/* url_char: may continue a URL (so a match followed by it is only the
 * start of a longer URL). */
static int
url_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("-._~/?#[]@!$&*+=%:;", c) != NULL;
}

/* amp_form: s with '&' written "&amp;", as in HTML attributes. */
static char *
amp_form(const char *s)
{
	size_t n = 0, i;
	char *o, *p;

	for (i = 0; s[i] != '\0'; i++)
		n += s[i] == '&' ? 5 : 1;
	if ((o = p = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '&') {
			memcpy(p, "&amp;", 5);
			p += 5;
		} else {
			*p++ = s[i];
		}
	}
	*p = '\0';
	return o;
}

/* replace_all: every standalone occurrence of from in *buf by to. */
static int
replace_all(GByteArray **buf, const char *from, const char *to,
	    size_t *count)
{
	GByteArray *in = *buf, *out;
	size_t fl = strlen(from), tl = strlen(to), i = 0, last = 0;
	const char *d = (const char *)in->data;
	const char *p;
	int changed = 0;

	if (fl == 0)
		return 0;
	out = g_byte_array_new();
	while (i + fl <= in->len && (p = memmem(d + i, in->len - i, from,
	    fl)) != NULL) {
		size_t at = (size_t)(p - d);

		i = at + 1;
		if ((at > 0 && (url_char((unsigned char)d[at - 1]) &&
		    d[at - 1] != '=' && d[at - 1] != '(')) ||
		    (at + fl < in->len && url_char((unsigned char)d[at + fl])))
			continue;
		g_byte_array_append(out, (const guint8 *)d + last, at - last);
		g_byte_array_append(out, (const guint8 *)to, tl);
		last = at + fl;
		i = last;
		changed = 1;
		(*count)++;
	}
	if (!changed) {
		g_byte_array_free(out, TRUE);
		return 0;
	}
	g_byte_array_append(out, (const guint8 *)d + last, in->len - last);
	g_byte_array_free(in, TRUE);
	*buf = out;
	return 1;
}

/* encode: content in the part's transfer encoding, with the original's
 * line endings (crlf). */
static GByteArray *
encode(GMimeContentEncoding enc, GByteArray *content, int crlf)
{
	GMimeEncoding state;
	GByteArray *lf = g_byte_array_new(), *out = g_byte_array_new();
	size_t i, n;
	char *tmp;

	if (enc != GMIME_CONTENT_ENCODING_BASE64 &&
	    enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE) {
		g_byte_array_append(out, content->data, content->len);
		g_byte_array_free(lf, TRUE);
		return out;
	}
	/* quoted-printable encodes text lines: give it LF line ends */
	for (i = 0; i < content->len; i++)
		if (!(enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
		    content->data[i] == '\r' && i + 1 < content->len &&
		    content->data[i + 1] == '\n'))
			g_byte_array_append(lf, &content->data[i], 1);
	g_mime_encoding_init_encode(&state, enc);
	tmp = g_malloc(g_mime_encoding_outlen(&state, lf->len) + 16);
	n = g_mime_encoding_flush(&state, (const char *)lf->data, lf->len,
	    tmp);
	for (i = 0; i < n; i++) {
		if (tmp[i] == '\n' && crlf)
			g_byte_array_append(out, (const guint8 *)"\r", 1);
		g_byte_array_append(out, (const guint8 *)&tmp[i], 1);
	}
	g_free(tmp);
	g_byte_array_free(lf, TRUE);
	return out;
}

static void
clean_leaf(struct clean *c, GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeContentType *ct;
	GMimeStream *src, *mem;
	GByteArray *content, *enc;
	size_t i, start, end, before = c->replaced;
	int changed = 0, html, crlf;
	char *amp;

	ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	if (w == NULL || ct == NULL || !g_mime_content_type_is_type(ct,
	    "text", "*"))
		return;
	html = g_mime_content_type_is_type(ct, "text", "html");
	if (!html && !g_mime_content_type_is_type(ct, "text", "plain"))
		return;
	src = g_mime_data_wrapper_get_stream(w);
	if (src == NULL || src->bound_start < 0 || src->bound_end < 0 ||
	    (size_t)src->bound_end > c->len ||
	    src->bound_start > src->bound_end) {
		c->skipped++;
		return;
	}
	start = (size_t)src->bound_start;
	end = (size_t)src->bound_end;
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(w, mem);
	content = g_byte_array_new();
	g_byte_array_append(content,
	    g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem))->data,
	    g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem))->len);
	g_object_unref(mem);
	for (i = 0; i < c->nsubst; i++) {
		changed |= replace_all(&content, c->subst[i].from,
		    c->subst[i].to, &c->replaced);
		if (!html || strchr(c->subst[i].from, '&') == NULL)
			continue;
		if ((amp = amp_form(c->subst[i].from)) != NULL) {
			char *to = amp_form(c->subst[i].to);

			if (to != NULL)
				changed |= replace_all(&content, amp, to,
				    &c->replaced);
			free(to);
			free(amp);
		}
	}
	if (!changed || c->nedits == CLEAN_MAX_EDITS) {
		c->replaced = before;
		g_byte_array_free(content, TRUE);
		return;
	}
	crlf = memmem(c->data + start, end - start, "\r\n", 2) != NULL;
	enc = encode(g_mime_part_get_content_encoding(part), content, crlf);
	/* keep the line end that closed the original region */
	if (end > start && c->data[end - 1] == '\n' && (enc->len == 0 ||
	    enc->data[enc->len - 1] != '\n'))
		g_byte_array_append(enc, (const guint8 *)(crlf ? "\r\n" : "\n"),
		    crlf ? 2 : 1);
	c->edits[c->nedits].off = start;
	c->edits[c->nedits].end = end;
	c->edits[c->nedits].len = enc->len;
	c->edits[c->nedits].data = (char *)g_byte_array_free(enc, FALSE);
	c->nedits++;
	g_byte_array_free(content, TRUE);
}

static void
walk(struct clean *c, GMimeObject *obj, unsigned depth)
{
	int i, n;

	if (obj == NULL || depth > 64)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < n; i++)
			walk(c, g_mime_multipart_get_part(GMIME_MULTIPART(obj),
			    i), depth + 1);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *em = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));

		if (em != NULL)
			walk(c, g_mime_message_get_mime_part(em), depth + 1);
	} else if (GMIME_IS_PART(obj)) {
		clean_leaf(c, GMIME_PART(obj));
	}
}

struct collect {
	struct subst *v;
	size_t n, cap;
	size_t links, bugs;
	int unsub;
};

static int
collect(rf_link *l, void *arg)
{
	struct collect *k = arg;
	size_t i;

	if (!l->tracking || l->clean == NULL || strcmp(l->clean, l->url) == 0)
		return 0;
	if (l->kind == RF_LINK_HEADER) {
		for (i = 0; i < l->nreasons; i++)
			if (strncmp(l->reasons[i], "known-param:utm", 15) != 0)
				k->unsub = 1;
		return 0;
	}
	for (i = 0; i < k->n; i++)
		if (strcmp(k->v[i].from, l->url) == 0)
			return 0;
	if (k->n == k->cap) {
		struct subst *v = realloc(k->v, (k->cap * 2 + 16) *
		    sizeof(*v));

		if (v == NULL)
			return -1;
		k->v = v;
		k->cap = k->cap * 2 + 16;
	}
	k->v[k->n].from = l->url;
	k->v[k->n].to = l->clean;
	k->n++;
	if (l->clean[0] == '\0')
		k->bugs++;
	else
		k->links++;
	return 0;
}

/* put_header: "Name: value", folded after "; " to about CLEAN_FOLD
 * columns. */
static void
put_header(FILE *out, const char *name, const char *value, const char *eol)
{
	size_t col = strlen(name) + 2, n;
	const char *p = value, *e;

	fprintf(out, "%s:", name);
	while (*p != '\0') {
		e = strstr(p, "; ");
		n = e != NULL ? (size_t)(e - p) + 1 : strlen(p);
		if (p != value && col + n + 1 > CLEAN_FOLD) {
			fprintf(out, "%s\t", eol);
			col = 8;
		} else {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, n, out);
		col += n;
		p += n;
		if (*p == ' ')
			p++;
	}
	fputs(eol, out);
}

static int
sort_edits(const void *x, const void *y)
{
	const struct edit *a = x, *b = y;

	return a->off < b->off ? -1 : a->off > b->off;
}

static int
write_clean(struct clean *c, rf_message *m, const struct collect *k,
	    FILE *out)
{
	const char **sum;
	size_t nsum, i, pos = 0, hdr = 0;
	const char *eol;
	char *joined = NULL, *t;
	rf_error err;

	/* after an mbox From_ line, if any */
	if (c->len > 5 && strncmp(c->data, "From ", 5) == 0) {
		const char *nl = memchr(c->data, '\n', c->len);

		hdr = nl != NULL ? (size_t)(nl - c->data) + 1 : 0;
	}
	{
		const char *nl = memchr(c->data + hdr, '\n', c->len - hdr);

		eol = nl != NULL && nl > c->data + hdr && nl[-1] == '\r' ?
		    "\r\n" : "\n";
	}
	fwrite(c->data, 1, hdr, out);
	if (rf_tracking_summary(m, &sum, &nsum, &err) != RF_OK)
		return -1;
	for (i = 0; i < nsum; i++) {
		t = joined == NULL ? strdup(sum[i]) : NULL;
		if (joined != NULL && asprintf(&t, "%s; %s", joined,
		    sum[i]) < 0)
			t = NULL;
		free(joined);
		if ((joined = t) == NULL)
			return -1;
	}
	put_header(out, "X-Redflag-Tracking", joined != NULL ? joined :
	    "none found", eol);
	free(joined);
	if (asprintf(&t, "%zu link%s rewritten; %zu web bug%s emptied%s",
	    k->links, k->links == 1 ? "" : "s", k->bugs,
	    k->bugs == 1 ? "" : "s", c->skipped ? "; some parts could not "
	    "be rewritten" : "") < 0)
		return -1;
	put_header(out, "X-Redflag-Cleaned", t, eol);
	free(t);
	if (k->unsub)
		put_header(out, "X-Redflag-List-Unsubscribe", "carries a code "
		    "that identifies you; left in place, since unsubscribing "
		    "needs it", eol);
	qsort(c->edits, c->nedits, sizeof(c->edits[0]), sort_edits);
	pos = hdr;
	for (i = 0; i < c->nedits; i++) {
		if (c->edits[i].off < pos)
			continue;	/* overlapping: keep the first */
		fwrite(c->data + pos, 1, c->edits[i].off - pos, out);
		fwrite(c->edits[i].data, 1, c->edits[i].len, out);
		pos = c->edits[i].end;
	}
	fwrite(c->data + pos, 1, c->len - pos, out);
	return fflush(out) == 0 ? 0 : -1;
}

static int
clean_message(rf_ctx *ctx, const rf_rules *rules, const char *rcpt,
	      const char *data, size_t len)
{
	struct clean c;
	struct collect k;
	rf_message *m = NULL;
	GMimeStream *stream = NULL;
	GMimeParser *parser = NULL;
	GMimeMessage *gm = NULL;
	rf_error err;
	size_t i;
	int rc = 70;

	memset(&c, 0, sizeof(c));
	memset(&k, 0, sizeof(k));
	if (rf_message_parse(ctx, data, len, &m, &err) != RF_OK ||
	    rf_tracking_message(ctx, rules, m, rcpt, &err) != RF_OK) {
		cli_warn("clean: %s", err.msg);
		goto done;
	}
	if (rf_tracking_walk(m, collect, &k) != 0) {
		cli_warn("clean: out of memory");
		goto done;
	}
	c.data = data;
	c.len = len;
	c.subst = k.v;
	c.nsubst = k.n;
	if (k.n > 0) {
		stream = g_mime_stream_mem_new_with_buffer(data, len);
		parser = g_mime_parser_new_with_stream(stream);
		g_mime_parser_set_format(parser, len > 5 &&
		    strncmp(data, "From ", 5) == 0 ? GMIME_FORMAT_MBOX :
		    GMIME_FORMAT_MESSAGE);
		gm = g_mime_parser_construct_message(parser, NULL);
		if (gm != NULL)
			walk(&c, g_mime_message_get_mime_part(gm), 0);
		else
			c.skipped++;
	}
	rc = write_clean(&c, m, &k, stdout) == 0 ? 0 : 70;
	if (rc != 0)
		cli_warn("clean: cannot write the message");
done:
	for (i = 0; i < c.nedits; i++)
		g_free(c.edits[i].data);
	if (gm != NULL)
		g_object_unref(gm);
	if (parser != NULL)
		g_object_unref(parser);
	if (stream != NULL)
		g_object_unref(stream);
	free(k.v);
	rf_message_free(m);
	return rc;
}

int
cmd_clean(int argc, char **argv)
{
	const struct rf_asset *asset;
	const char *rcpt = NULL, *path = NULL;
	rf_limits limits;
	rf_ctx *ctx = NULL;
	rf_rules *rules = NULL;
	rf_source *src = NULL;
	rf_item item;
	rf_error err;
	rf_status st;
	int i, r, rc = 70;

	rf_limits_default(&limits);
	for (i = 1; i < argc; i++) {
		if ((r = cli_limit_option(&limits, argc, argv, &i)) != 0) {
			if (r < 0)
				return RF_EXIT_USAGE;
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return RF_EXIT_OK;
		} else if (strcmp(argv[i], "--rcpt") == 0 && i + 1 < argc) {
			rcpt = argv[++i];
		} else if (strncmp(argv[i], "--rcpt=", 7) == 0) {
			rcpt = argv[i] + 7;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			cli_warn("clean: unknown option '%s'", argv[i]);
			usage(stderr);
			return RF_EXIT_USAGE;
		} else if (path == NULL) {
			path = argv[i];
		} else {
			usage(stderr);
			return RF_EXIT_USAGE;
		}
	}
	g_mime_init();
	asset = asset_find("data/trackers.conf");
	if (asset == NULL) {
		cli_warn("clean: no tracking rules built in");
		goto done;
	}
	if (rf_ctx_new(&limits, &ctx, &err) != RF_OK ||
	    rf_rules_parse((const char *)asset->data, asset->len, &rules,
	    &err) != RF_OK) {
		cli_warn("clean: %s", err.msg);
		goto done;
	}
	if (path == NULL || strcmp(path, "-") == 0)
		st = rf_source_open_fd(0, "-", &limits, &src, &err);
	else
		st = rf_source_open(path, &limits, &src, &err);
	if (st == RF_OK)
		st = rf_source_next(src, &item, &err);
	if (st != RF_OK) {
		cli_warn("clean: %s", st == RF_EDONE ? "no message" : err.msg);
		rc = RF_EXIT_INPUT;
		goto done;
	}
	rc = clean_message(ctx, rules, rcpt, item.data, item.len);
done:
	rf_source_free(src);
	rf_rules_free(rules);
	rf_ctx_free(ctx);
	return rc;
}
