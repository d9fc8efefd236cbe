/*
 * arf.c - feedback reports (RFC 5965) read with GMime and written by
 * hand; RFC 6590 redaction of an address (see redflag/arf.h).
 */
#include <ctype.h>
#include <gmime/gmime.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

#include <redflag/arf.h>
#include <redflag/redflag.h>

#include "internal.h"

#define ARF_LINE 78		/* human text wrapped at */

/* bytes: the bytes of a GMime object (a part's decoded content, or a
 * message part's message as written), copied into arena a. */
static char *
bytes(rf_arena *a, GMimeObject *obj, size_t *len)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *ba;
	char *p = NULL;

	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *m = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));

		if (m != NULL)
			g_mime_object_write_to_stream(GMIME_OBJECT(m), NULL,
			    mem);
	} else if (GMIME_IS_PART(obj)) {
		GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(obj));

		if (w != NULL)
			g_mime_data_wrapper_write_to_stream(w, mem);
	}
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	*len = ba->len;
	p = rf_arena_strndup(a, ba->len > 0 ? (const char *)ba->data : "",
	    ba->len);
	g_object_unref(mem);
	return p;
}

/* field: store one "Name: value" of the feedback-report part. */
static void
field(rf_arena *a, rf_arf_report *r, const char *name, size_t nl,
      const char *v, size_t vl, int *oom)
{
	char *val;

	while (vl > 0 && isspace((unsigned char)*v)) {
		v++;
		vl--;
	}
	while (vl > 0 && isspace((unsigned char)v[vl - 1]))
		vl--;
	if (vl > RF_ARF_MAX_VALUE) {
		vl = RF_ARF_MAX_VALUE;
		r->limit_hit = 1;
	}
	if ((val = rf_arena_strndup(a, v, vl)) == NULL) {
		*oom = 1;
		return;
	}
#define IS(s) (nl == sizeof(s) - 1 && strncasecmp(name, s, nl) == 0)
	if (IS("Feedback-Type")) {
		for (char *p = val; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		r->feedback_type = val;
	} else if (IS("User-Agent")) {
		r->user_agent = val;
	} else if (IS("Version")) {
		r->version = val;
	} else if (IS("Arrival-Date") || (IS("Received-Date") &&
	    r->arrival_date == NULL)) {
		r->arrival_date = val;
	} else if (IS("Source-IP")) {
		r->source_ip = val;
	} else if (IS("Reporting-MTA")) {
		r->reporting_mta = val;
	} else if (IS("Original-Mail-From")) {
		r->original_mail_from = val;
	} else if (IS("Original-Rcpt-To") || IS("Reported-Domain")) {
		const char **v0 = name[1] == 'r' || name[1] == 'R' ?
		    r->original_rcpt_to : r->reported_domain;
		size_t *n = v0 == r->original_rcpt_to ? &r->nrcpt :
		    &r->ndomain;

		if (*n < RF_ARF_MAX_LIST)
			v0[(*n)++] = val;
		else
			r->limit_hit = 1;
	} else if (IS("Incidents")) {
		char *end;
		unsigned long long u = strtoull(val, &end, 10);

		if (isdigit((unsigned char)*val) && *end == '\0') {
			if (u > RF_ARF_MAX_INCIDENTS) {
				u = RF_ARF_MAX_INCIDENTS;
				r->limit_hit = 1;
			}
			r->incidents = u > 0 ? u : 1;
		}
	}
#undef IS
}

/* fields: parse the header-like fields of the feedback-report part. */
static void
fields(rf_arena *a, rf_arf_report *r, const char *s, size_t len, int *oom)
{
	const char *p = s, *end = s + len, *line, *colon, *e;
	size_t n = 0;

	while (p < end && !*oom) {
		line = p;
		/* a field ends at a line end not followed by white space */
		for (e = p; e < end; e++)
			if (*e == '\n' && (e + 1 >= end || (e[1] != ' ' &&
			    e[1] != '\t')))
				break;
		p = e < end ? e + 1 : end;
		colon = memchr(line, ':', (size_t)(e - line));
		if (colon == NULL || colon == line)
			continue;
		if (++n > RF_ARF_MAX_FIELDS) {
			r->limit_hit = 1;
			return;
		}
		field(a, r, line, (size_t)(colon - line), colon + 1,
		    (size_t)(e - colon - 1), oom);
	}
}

/* unfold: the value with CR/LF replaced by spaces (in place). */
static void
unfold(const char *v)
{
	char *p;

	if (v == NULL)
		return;
	for (p = (char *)v; *p != '\0'; p++)
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
}

rf_status
rf_arf_parse(rf_arena *a, const char *data, size_t len, rf_arf_report *out,
	     rf_error *err)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *gm;
	GMimeObject *top, *part;
	GMimeContentType *ct;
	const char *rt, *fb = NULL;
	rf_status st = RF_OK;
	size_t fblen = 0, i;
	int n, oom = 0;

	memset(out, 0, sizeof(*out));
	out->incidents = 1;
	rf__gmime_init();
	stream = g_mime_stream_mem_new_with_buffer(data, len);
	parser = g_mime_parser_new_with_stream(stream);
	gm = g_mime_parser_construct_message(parser, NULL);
	top = gm != NULL ? g_mime_message_get_mime_part(gm) : NULL;
	ct = top != NULL ? g_mime_object_get_content_type(top) : NULL;
	if (top == NULL || !GMIME_IS_MULTIPART(top) || ct == NULL ||
	    !g_mime_content_type_is_type(ct, "multipart", "report")) {
		st = rf_error_set(err, RF_EPARSE, "not a multipart/report");
		goto out;
	}
	rt = g_mime_content_type_get_parameter(ct, "report-type");
	if (rt != NULL && strcasecmp(rt, "feedback-report") != 0) {
		st = rf_error_set(err, RF_EPARSE, "a report, but not a "
		    "feedback report");
		goto out;
	}
	n = g_mime_multipart_get_count(GMIME_MULTIPART(top));
	for (i = 0; i < (size_t)n && i < RF_ARF_MAX_PARTS; i++) {
		part = g_mime_multipart_get_part(GMIME_MULTIPART(top), (int)i);
		ct = g_mime_object_get_content_type(part);
		if (ct == NULL)
			continue;
		if (fb == NULL && g_mime_content_type_is_type(ct, "message",
		    "feedback-report")) {
			if ((fb = bytes(a, part, &fblen)) == NULL)
				oom = 1;
		} else if (out->original == NULL &&
		    (g_mime_content_type_is_type(ct, "message", "rfc822") ||
		    g_mime_content_type_is_type(ct, "message", "global") ||
		    g_mime_content_type_is_type(ct, "text",
		    "rfc822-headers"))) {
			out->headers_only = g_mime_content_type_is_type(ct,
			    "text", "rfc822-headers");
			if ((out->original = bytes(a, part,
			    &out->original_len)) == NULL)
				oom = 1;
		}
	}
	if ((size_t)n > RF_ARF_MAX_PARTS)
		out->limit_hit = 1;
	if (fb != NULL)
		fields(a, out, fb, fblen, &oom);
	if (oom) {
		st = rf_error_set(err, RF_ENOMEM, "out of memory");
		goto out;
	}
	if (fb == NULL || out->feedback_type == NULL ||
	    out->user_agent == NULL || out->version == NULL) {
		st = rf_error_set(err, RF_EPARSE, "%s", fb == NULL ?
		    "no message/feedback-report part" : "a required field "
		    "(Feedback-Type, User-Agent, Version) is missing");
		goto out;
	}
	unfold(out->user_agent);
	unfold(out->arrival_date);
out:
	if (gm != NULL)
		g_object_unref(gm);
	g_object_unref(parser);
	g_object_unref(stream);
	if (st != RF_OK) {
		memset(out, 0, sizeof(*out));
		out->incidents = 1;
	}
	return st;
}

rf_arf_kind
rf_arf_type_kind(const char *type)
{
	static const char *const complaint[] = { "abuse", "fraud", "virus" };
	static const char *const other[] = { "other", "not-spam",
		"auth-failure" };
	size_t i;

	for (i = 0; type != NULL && i < sizeof(complaint) /
	    sizeof(complaint[0]); i++)
		if (strcasecmp(type, complaint[i]) == 0)
			return RF_ARF_COMPLAINT;
	for (i = 0; type != NULL && i < sizeof(other) / sizeof(other[0]);
	    i++)
		if (strcasecmp(type, other[i]) == 0)
			return RF_ARF_NO_COMPLAINT;
	return RF_ARF_UNKNOWN;
}

int
rf_arf_field_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; p != NULL && *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e)
			return 0;
	return 1;
}

static int
put(rf_buf *b, const char *name, const char *value)
{
	if (value == NULL)
		return 0;
	return rf_buf_printf(b, "%s: %s\r\n", name, value);
}

/* put_text: text with LF line ends as CRLF, ending with CRLF. */
static int
put_text(rf_buf *b, const char *s, size_t len)
{
	size_t i, start = 0;
	int rc = 0;

	for (i = 0; i < len && rc == 0; i++) {
		if (s[i] != '\n')
			continue;
		rc |= rf_buf_append(b, s + start, i > start && s[i - 1] ==
		    '\r' ? i - start - 1 : i - start);
		rc |= rf_buf_append(b, "\r\n", 2);
		start = i + 1;
	}
	if (rc == 0 && start < len) {
		rc |= rf_buf_append(b, s + start, len - start);
		rc |= rf_buf_append(b, "\r\n", 2);
	}
	return rc;
}

/* enclosed_type: the Content-Type of the part that encloses the message
 * s[0..len) and the Content-Transfer-Encoding field it needs: bytes
 * past 0x7f in the header block (as the analysis ends it:
 * rf__mime_fields) make it message/global (RFC 6532 3.7), elsewhere
 * "8bit" (RFC 2046 5.2.1: a message/rfc822 part is 7bit unless it says
 * so); 7bit needs no field (""). */
static void
enclosed_type(const char *s, size_t len, const char **type,
	      const char **cte)
{
	size_t i, end;
	int blank;

	/* the header block as the analysis reads it */
	end = rf__mime_fields(s, len, NULL, &blank);
	*type = "message/rfc822";
	*cte = "";
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] > 0x7f) {
			*cte = "Content-Transfer-Encoding: 8bit\r\n";
			if (i < end) {
				*type = "message/global";
				break;
			}
		}
}

rf_status
rf_arf_write(const rf_arf_params *p, const char *original, size_t len,
	     rf_buf *out, rf_error *err)
{
	const char *vals[] = { p->feedback_type, p->user_agent,
		p->original_mail_from, p->original_rcpt_to, p->arrival_date,
		p->source_ip, p->reporting_mta, p->reported_domain, p->from,
		p->to, p->date, p->message_id, p->human };
	const char *type = p->feedback_type != NULL ? p->feedback_type :
	    "abuse";
	const char *ctype, *cte;
	char boundary[64];
	uint64_t h;
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]) - 1; i++)
		if (!rf_arf_field_ok(vals[i]))
			return rf_error_set(err, RF_EINVAL, "a report field "
			    "is not one line of printable ASCII");
	h = XXH3_64bits(p->boundary_seed != NULL ? p->boundary_seed : "",
	    p->boundary_seed != NULL ? strlen(p->boundary_seed) : 0);
	for (i = 0;; i++) {
		snprintf(boundary, sizeof(boundary), "=_redflag-arf-%016llx",
		    (unsigned long long)(h + i));
		if (memmem(original, len, boundary, strlen(boundary)) == NULL)
			break;
	}
	/* the report's own header: a message to send as it is */
	rc |= put(out, "From", p->from);
	rc |= put(out, "To", p->to);
	rc |= put(out, "Date", p->date);
	rc |= put(out, "Message-ID", p->message_id);
	rc |= rf_buf_printf(out, "Subject: Feedback report (%s) about a "
	    "message%s%s\r\n", type, p->reported_domain != NULL ? " from " :
	    "", p->reported_domain != NULL ? p->reported_domain : "");
	enclosed_type(original, len, &ctype, &cte);
	rc |= rf_buf_printf(out, "MIME-Version: 1.0\r\nContent-Type: "
	    "multipart/report; report-type=feedback-report;\r\n"
	    "\tboundary=\"%s\"\r\n%s\r\n"
	    "This is a feedback report (RFC 5965).\r\n\r\n"
	    "--%s\r\nContent-Type: text/plain; charset=us-ascii\r\n"
	    "Content-Transfer-Encoding: 7bit\r\n\r\n", boundary, cte, boundary);
	if (p->human != NULL)
		rc |= put_text(out, p->human, strlen(p->human));
	else if (strcasecmp(type, "abuse") == 0)
		rc |= rf_buf_puts(out, "This is an abuse report: the recipient "
		    "marked the enclosed message\r\nas spam (bulk mail they "
		    "never asked for).\r\n");
	else
		rc |= rf_buf_printf(out, "This is a feedback report of type %s "
		    "about the enclosed message.\r\n", p->feedback_type);
	if (p->redacted)
		rc |= rf_buf_puts(out, "The recipient's address is redacted "
		    "(RFC 6590), and the tracking codes\r\nin the enclosed "
		    "copy are taken out.\r\n");
	rc |= rf_buf_printf(out, "\r\n--%s\r\nContent-Type: "
	    "message/feedback-report\r\n\r\n", boundary);
	rc |= put(out, "Feedback-Type", type);
	rc |= put(out, "User-Agent", p->user_agent != NULL ? p->user_agent :
	    "redflag/" RF_VERSION);
	rc |= put(out, "Version", "1");
	rc |= put(out, "Original-Mail-From", p->original_mail_from);
	rc |= put(out, "Original-Rcpt-To", p->original_rcpt_to);
	rc |= put(out, "Arrival-Date", p->arrival_date);
	rc |= put(out, "Reporting-MTA", p->reporting_mta);
	rc |= put(out, "Source-IP", p->source_ip);
	if (p->incidents > 1)
		rc |= rf_buf_printf(out, "Incidents: %llu\r\n",
		    (unsigned long long)p->incidents);
	rc |= put(out, "Reported-Domain", p->reported_domain);
	rc |= rf_buf_printf(out, "\r\n--%s\r\nContent-Type: %s\r\n%s"
	    "Content-Disposition: inline\r\n\r\n", boundary, ctype, cte);
	rc |= put_text(out, original, len);
	rc |= rf_buf_printf(out, "\r\n--%s--\r\n", boundary);
	return rc == 0 ? RF_OK : rf_error_set(err, RF_ENOMEM, "out of memory");
}

/* word_text: the decoded bytes of an encoded word's text t[0..n) in
 * encoding e ('B' or 'Q', either case) into out (n + 1 bytes); their
 * number. */
static size_t
word_text(const char *t, size_t n, int e, unsigned char *out)
{
	size_t i, o = 0;
	int h, l;

	if (e == 'B' || e == 'b') {
		memcpy(out, t, n);
		out[n] = '\0';
		g_base64_decode_inplace((char *)out, &o);
		return o;
	}
	for (i = 0; i < n; i++) {
		if (t[i] == '_') {
			out[o++] = ' ';
		} else if (t[i] == '=' && i + 2 < n &&
		    (h = rf__hexval((unsigned char)t[i + 1])) >= 0 &&
		    (l = rf__hexval((unsigned char)t[i + 2])) >= 0) {
			out[o++] = (unsigned char)(h * 16 + l);
			i += 2;
		} else {
			out[o++] = (unsigned char)t[i];
		}
	}
	return o;
}

/* put_redacted: append s[0..n) to out with every occurrence of addr (al
 * bytes), in any ASCII case, replaced by redacted; 0 or -1. */
static int
put_redacted(rf_buf *out, const char *s, size_t n, const char *addr,
	     size_t al, const char *redacted)
{
	size_t i, from = 0;
	int rc = 0;

	for (i = 0; al > 0 && i + al <= n; i++) {
		if (strncasecmp(s + i, addr, al) != 0)
			continue;
		rc |= rf_buf_append(out, s + from, i - from);
		rc |= rf_buf_puts(out, redacted);
		from = i + al;
		i = from - 1;
	}
	return rc | rf_buf_append(out, s + from, n - from);
}

/* redact_word: when p[0..n) starts with an encoded word whose decoded
 * text holds addr (rf_arf_redact), that word written again into out,
 * *used its length in p: 1; else 0 (out untouched); -1 when out of
 * memory. */
static int
redact_word(const char *p, size_t n, const char *addr, const char *redacted,
	    rf_buf *out, size_t *used)
{
	unsigned char text[RF_ARF_MAX_WORD];
	size_t cs, tx, end, len, al = strlen(addr), i;
	rf_buf plain;
	gchar *b64 = NULL;
	int rc;

	if (n > RF_ARF_MAX_WORD)
		n = RF_ARF_MAX_WORD;
	if (n < 7 || p[0] != '=' || p[1] != '?')
		return 0;
	/* =?CHARSET?E?TEXT?=: no blank, no '?' inside a piece */
	for (cs = 2; cs < n && p[cs] != '?' && (unsigned char)p[cs] > ' ';
	    cs++)
		;
	if (cs == 2 || cs + 3 >= n || p[cs] != '?' ||
	    strchr("BbQq", p[cs + 1]) == NULL || p[cs + 2] != '?')
		return 0;
	tx = cs + 3;
	for (end = tx; end + 1 < n && p[end] != '?' &&
	    (unsigned char)p[end] > ' '; end++)
		;
	if (end + 1 >= n || p[end] != '?' || p[end + 1] != '=')
		return 0;
	len = word_text(p + tx, end - tx, p[cs + 1], text);
	for (i = 0; i + al <= len && strncasecmp((const char *)text + i, addr,
	    al) != 0; i++)
		;
	if (i + al > len)
		return 0;	/* not in it: the word as it is */
	rf_buf_init(&plain, 0);
	rc = put_redacted(&plain, (const char *)text, len, addr, al,
	    redacted);
	if (rc == 0)
		b64 = g_base64_encode((const guchar *)(plain.len > 0 ?
		    plain.data : ""), plain.len);
	/* its charset as it was, but for the address (fuzz_arf) */
	rc = b64 == NULL || rf_buf_puts(out, "=?") != 0 ||
	    put_redacted(out, p + 2, cs - 2, addr, al, redacted) != 0 ||
	    rf_buf_printf(out, "?B?%s?=", b64) != 0 ? -1 : 1;
	g_free(b64);
	rf_buf_free(&plain);
	*used = end + 2;
	return rc;
}

int
rf_arf_redact(const char *p, size_t n, const char *addr,
	      const char *redacted, rf_buf *out)
{
	size_t al = strlen(addr), i, from = 0, used;
	rf_buf word;
	int r, rc = 0;

	rf_buf_init(&word, 0);
	for (i = 0; al > 0 && i + 1 < n && rc == 0; i++) {
		if (p[i] != '=' || p[i + 1] != '?')
			continue;
		rf_buf_reset(&word);
		if ((r = redact_word(p + i, n - i, addr, redacted, &word,
		    &used)) == 0)
			continue;
		rc = r < 0 || put_redacted(out, p + from, i - from, addr, al,
		    redacted) != 0 || rf_buf_append(out, word.data,
		    word.len) != 0 ? -1 : 0;
		from = i + used;
		i = from - 1;
	}
	if (rc == 0)
		rc = put_redacted(out, p + from, n - from, addr, al, redacted);
	rf_buf_free(&word);
	return rc;
}

rf_status
rf_arf_redact_addr(rf_arena *a, const char *addr, const unsigned char *key,
		   size_t keylen, const char **out, rf_error *err)
{
	unsigned char mac[EVP_MAX_MD_SIZE], low[320];
	unsigned int maclen = 0;
	const char *at;
	size_t n, i;
	char hex[33];

	*out = NULL;
	if (addr == NULL || (at = strrchr(addr, '@')) == NULL ||
	    (n = (size_t)(at - addr)) == 0 || n > sizeof(low) ||
	    key == NULL || keylen == 0)
		return rf_error_set(err, RF_EINVAL, "an address and a "
		    "redaction key are needed");
	for (i = 0; i < n; i++)
		low[i] = (unsigned char)tolower((unsigned char)addr[i]);
	if (HMAC(EVP_sha256(), key, (int)keylen, low, n, mac, &maclen) ==
	    NULL || maclen < 16)
		return rf_error_set(err, RF_ENOMEM, "HMAC failed");
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	if ((*out = rf_arena_printf(a, "%s%s", hex, at)) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	return RF_OK;
}
