/*
 * cls_hdrtok.c - header shape tokens of the classifier (docs/classifier.md,
 * "Header shape tokens").
 *
 * Tokens that describe the form of a message's headers rather than their
 * words: the Received chain, the Message-ID, the Date, the MIME boundary
 * and tree, the order of the first headers, the address and Subject
 * headers.  Spam software writes these in its own recognisable ways
 * (random Message-ID local parts, a HELO that is an IP literal, "with
 * SMTP", a boundary made of random letters, a Subject with a hash-buster
 * at the end), which the words of the same headers do not show.  Every
 * token is of kind RF__CTOK_SHAPE, its text "FAMILY:WHAT"; each family
 * was kept only if it raised recall without false positives in 5-fold
 * cross-validation inside the training half (bench/cls_cv.sh).
 * rf__shape_describe names each token in plain words for reasons.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* Received headers looked at; later ones (older hops) are not. */
#define SHAPE_RCV_MAX 8
/* Bytes of a Received, Date or Content-Type value looked at. */
#define SHAPE_VALUE_MAX 512
/* Characters of a shape signature; longer ones end in '+'. */
#define SHAPE_SIG_MAX 24
/* Header names in the header order signature. */
#define SHAPE_ORDER_N 4
/* MIME leaves in the MIME tree shape; more are shown as "+". */
#define SHAPE_MIME_LEAVES 6
/* Bytes of one word kept in a shape (a "with" protocol, a type). */
#define SHAPE_WORD_MAX 24
/* A Subject's last word at least this long, mixing letters and digits
 * (or all hex), after a run of spaces, is a hash-buster. */
#define SHAPE_BUSTER_MIN 5

/* Output buffer for one token text. */
#define SHAPE_TOK_MAX 256

/* Characters of a run of alphanumerics as one class character. */
static char
run_class(const char *s, size_t n)
{
	int dig = 0, lo = 0, up = 0, hexonly = 1;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= '0' && c <= '9')
			dig = 1;
		else if (c >= 'a' && c <= 'z')
			lo = 1;
		else
			up = 1;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F')))
			hexonly = 0;
	}
	if (dig && !lo && !up)
		return '9';
	if (dig && hexonly && !(lo && up))
		return lo ? 'x' : 'X';
	if (dig)
		return 'm';	/* letters and digits mixed */
	if (lo && up)
		return 'c';	/* mixed case letters */
	return lo ? 'a' : 'A';
}

/*
 * sig: the shape signature of s[0..n) into out (SHAPE_SIG_MAX + 2 bytes):
 * each run of ASCII letters and digits becomes one class character (9
 * digits, a lower, A upper, c mixed case, x / X hex, m letters and
 * digits), doubled when the run is 10 or more long; a run of digits alone
 * becomes its length (1-9, then 9) when digit_len is set; a run of the
 * same punctuation becomes one; spaces become '_'; bytes >= 0x80 'u'.
 * Returns the length written.
 */
static size_t
sig(const char *s, size_t n, char *out, int digit_len)
{
	size_t i = 0, o = 0;

	while (i < n && o < SHAPE_SIG_MAX) {
		unsigned char c = (unsigned char)s[i];
		size_t st = i;
		char k;

		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z')) {
			while (i < n && (((unsigned char)s[i] >= '0' &&
			    (unsigned char)s[i] <= '9') ||
			    ((unsigned char)s[i] >= 'a' &&
			    (unsigned char)s[i] <= 'z') ||
			    ((unsigned char)s[i] >= 'A' &&
			    (unsigned char)s[i] <= 'Z')))
				i++;
			k = run_class(s + st, i - st);
			if (k == '9' && digit_len) {
				out[o++] = (char)('0' + (i - st > 9 ? 9 :
				    i - st));
				continue;
			}
			out[o++] = k;
			if (i - st >= 10 && o < SHAPE_SIG_MAX)
				out[o++] = k;
			continue;
		}
		while (i < n && (unsigned char)s[i] == c)
			i++;
		out[o++] = c >= 0x80 ? 'u' : c == ' ' || c == '\t' ? '_' :
		    c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (i < n)
		out[o++] = '+';
	out[o] = '\0';
	return o;
}

/* bucket: a count or length as a range name. */
static const char *
bucket(size_t n)
{
	return n == 0 ? "0" : n == 1 ? "1" : n == 2 ? "2" : n <= 4 ? "3-4" :
	    n <= 7 ? "5-7" : n <= 15 ? "8-15" : n <= 31 ? "16-31" :
	    n <= 63 ? "32-63" : "64+";
}

static int
emit(rf__ctoks *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* emit: one shape token from a printf format; 0, 1 (limit) or -1. */
static int
emit(rf__ctoks *t, const char *fmt, ...)
{
	char buf[SHAPE_TOK_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n <= 0)
		return 0;
	if ((size_t)n >= sizeof(buf))
		n = (int)sizeof(buf) - 1;
	return rf__ctoks_add(t, RF__CTOK_SHAPE, buf, (size_t)n);
}

/* lword: the word at s (letters, digits, . - _), lower-cased, into out
 * (SHAPE_WORD_MAX + 1 bytes); returns its length in s. */
static size_t
lword(const char *s, char *out)
{
	size_t i = 0, o = 0;

	while (s[i] != '\0' && (isalnum((unsigned char)s[i]) ||
	    strchr(".-_[]:", s[i]) != NULL)) {
		if (o < SHAPE_WORD_MAX)
			out[o++] = (char)(s[i] >= 'A' && s[i] <= 'Z' ?
			    s[i] + 32 : s[i]);
		i++;
	}
	out[o] = '\0';
	return i;
}

/* host_class: a HELO or host name as "none", "ipliteral", "ip", "bare"
 * (no dot), "localhost" or "fqdn". */
static const char *
host_class(const char *w)
{
	size_t i, ndig = 0, ndot = 0, n = strlen(w);

	if (n == 0)
		return "none";
	if (w[0] == '[')
		return "ipliteral";
	if (strncmp(w, "localhost", 9) == 0)
		return "localhost";
	for (i = 0; i < n; i++) {
		if (w[i] >= '0' && w[i] <= '9')
			ndig++;
		else if (w[i] == '.')
			ndot++;
	}
	if (ndot == 0)
		return "bare";
	if (ndig + ndot == n)
		return "ip";
	return "fqdn";
}

/* find_word: what follows the word (lower case, matched without case)
 * in v, and the spaces after it, or NULL; the word stands alone (at the
 * start of v or after a space or ')', before a space or the end). */
static const char *
find_word(const char *v, const char *word)
{
	size_t n = strlen(word);
	const char *p = v;

	while ((p = strcasestr(p, word)) != NULL) {
		if ((p == v || p[-1] == ' ' || p[-1] == ')' || p[-1] == '\t') &&
		    (p[n] == ' ' || p[n] == '\t' || p[n] == '\0')) {
			for (p += n; *p == ' ' || *p == '\t'; p++)
				;
			return p;
		}
		p += n;
	}
	return NULL;
}

/* received: the shape of one Received value; pre "rcv" for every hop,
 * "rcvo" again for the oldest one read. */
static int
received(rf__ctoks *t, const char *pre, const char *v)
{
	char w[SHAPE_WORD_MAX + 1];
	const char *p, *by, *with;
	int r;

	by = find_word(v, "by");
	with = find_word(v, "with");
	p = find_word(v, "from");
	if (p == NULL) {
		if ((r = emit(t, "%s:no-from", pre)) != 0)
			return r;
	} else {
		const char *par;

		lword(p, w);
		if ((r = emit(t, "%s:helo=%s", pre, host_class(w))) != 0)
			return r;
		par = strchr(p, '(');
		if (par != NULL && (by == NULL || par < by)) {
			const char *q = par + 1;

			if (strncasecmp(q, "helo", 4) == 0 ||
			    strncasecmp(q, "ehlo", 4) == 0)
				r = emit(t, "%s:paren=helo", pre);
			else if (*q == '[')
				r = emit(t, "%s:paren=ip-no-rdns", pre);
			else if (strncasecmp(q, "unknown", 7) == 0)
				r = emit(t, "%s:paren=unknown", pre);
			else {
				lword(q, w);
				r = emit(t, "%s:paren=%s", pre, host_class(w));
			}
			if (r != 0)
				return r;
		} else if ((r = emit(t, "%s:paren=none", pre)) != 0)
			return r;
	}
	if (by == NULL) {
		if ((r = emit(t, "%s:no-by", pre)) != 0)
			return r;
	} else {
		lword(by, w);
		if ((r = emit(t, "%s:by=%s", pre, host_class(w))) != 0)
			return r;
	}
	if (with == NULL)
		r = emit(t, "%s:with=none", pre);
	else {
		lword(with, w);
		r = emit(t, "%s:with=%s", pre, w);
	}
	if (r != 0)
		return r;
	if (find_word(v, "id") == NULL && (r = emit(t, "%s:no-id", pre)))
		return r;
	if (find_word(v, "for") != NULL && (r = emit(t, "%s:for", pre)))
		return r;
	if (strchr(v, ';') == NULL && (r = emit(t, "%s:no-date", pre)))
		return r;
	return 0;
}

static int
fam_received(rf__ctoks *t, const rf_message *m)
{
	char v[SHAPE_VALUE_MAX + 1];
	const char *last = NULL;
	size_t i, n = 0;
	int r;

	for (i = 0; i < m->nheaders; i++) {
		const rf_header *h = &m->headers[i];

		if (h->name == NULL || h->value == NULL ||
		    strcasecmp(h->name, "received") != 0)
			continue;
		n++;
		if (n > SHAPE_RCV_MAX)
			continue;
		snprintf(v, sizeof(v), "%s", h->value);
		if ((r = received(t, "rcv", v)) != 0)
			return r;
		last = h->value;
	}
	if ((r = emit(t, "rcv:count=%s", bucket(n))) != 0)
		return r;
	if (last != NULL) {
		snprintf(v, sizeof(v), "%s", last);
		return received(t, "rcvo", v);
	}
	return 0;
}

/* addr_domain: the domain of the first address in v (after '@', up to
 * '>' or space), lower-cased into out (SHAPE_WORD_MAX + 1). */
static void
addr_domain(const char *v, char *out)
{
	const char *at = v ? strrchr(v, '@') : NULL;
	size_t o = 0;

	out[0] = '\0';
	if (at == NULL)
		return;
	for (at++; *at && *at != '>' && *at != ' ' && *at != ')' &&
	    o < SHAPE_WORD_MAX; at++)
		out[o++] = (char)(*at >= 'A' && *at <= 'Z' ? *at + 32 : *at);
	out[o] = '\0';
}

/* same_domain: a and b are the same domain or one ends with ".other". */
static int
same_domain(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);

	if (na == 0 || nb == 0)
		return 0;
	if (na >= nb)
		return strcmp(a + na - nb, b) == 0 && (na == nb ||
		    a[na - nb - 1] == '.');
	return same_domain(b, a);
}

static int
fam_msgid(rf__ctoks *t, const rf_message *m)
{
	const char *v = rf_message_header(m, "message-id"), *lt, *at, *gt;
	char s[SHAPE_SIG_MAX + 2], md[SHAPE_WORD_MAX + 1];
	char fd[SHAPE_WORD_MAX + 1];
	int r;

	if (v == NULL)
		return emit(t, "mid:none");
	lt = strchr(v, '<');
	lt = lt ? lt + 1 : v;
	at = strchr(lt, '@');
	gt = strchr(lt, '>');
	if (at == NULL || (gt != NULL && at > gt))
		return emit(t, "mid:no-at");
	sig(lt, (size_t)(at - lt), s, 0);
	if ((r = emit(t, "mid:local=%s", s)) != 0 ||
	    (r = emit(t, "mid:len=%s", bucket((size_t)(at - lt)))) != 0)
		return r;
	if (gt == NULL && (r = emit(t, "mid:no-angle")) != 0)
		return r;
	addr_domain(v, md);
	addr_domain(rf_message_header(m, "from"), fd);
	if (md[0] == '[' || strcmp(host_class(md), "ip") == 0)
		return emit(t, "mid:domain=ip");
	if (strchr(md, '.') == NULL)
		return emit(t, "mid:domain=bare");
	return emit(t, "mid:domain=%s", same_domain(md, fd) ? "from" :
	    "other");
}

/* whole_sig: the token "FAMILY:SIG", SIG the signature of the whole value
 * of header name (its first SHAPE_VALUE_MAX bytes, digit runs by
 * length); without that header, the token none (NULL: no token). */
static int
whole_sig(rf__ctoks *t, const rf_message *m, const char *name,
	  const char *family, const char *none)
{
	const char *v = rf_message_header(m, name);
	char s[SHAPE_SIG_MAX + 2];
	size_t n;

	if (v == NULL)
		return none != NULL ? emit(t, "%s", none) : 0;
	n = strlen(v);
	sig(v, n < SHAPE_VALUE_MAX ? n : SHAPE_VALUE_MAX, s, 1);
	return emit(t, "%s:%s", family, s);
}

static int
fam_date(rf__ctoks *t, const rf_message *m)
{
	return whole_sig(t, m, "date", "date", "date:none");
}

/* param: the value of parameter name (lower case, with '=') in a
 * Content-Type value, without quotes, into out (n bytes). */
static int
param(const char *v, const char *name, char *out, size_t n)
{
	const char *p = strcasestr(v, name);
	size_t o = 0;
	int quoted;

	if (p == NULL || n == 0)
		return 0;
	p += strlen(name);
	quoted = *p == '"';
	p += quoted;
	while (*p && o + 1 < n && (quoted ? *p != '"' : *p != ';' &&
	    *p != ' '))
		out[o++] = *p++;
	out[o] = '\0';
	return 1;
}

static int
fam_boundary(rf__ctoks *t, const rf_message *m)
{
	const char *v = rf_message_header(m, "content-type");
	char b[SHAPE_VALUE_MAX + 1], s[SHAPE_SIG_MAX + 2];

	if (v == NULL || !param(v, "boundary=", b, sizeof(b)))
		return 0;
	sig(b, strlen(b), s, 0);
	return emit(t, "bnd:%s", s);
}

/* short_type: a MIME type as shown in the tree: "mp/alt" for
 * multipart/alternative, "text" subtypes without "text/". */
static void
short_type(const char *ct, char *out)
{
	char w[SHAPE_WORD_MAX + 1];
	size_t i = 0;

	while (ct[i] && ct[i] != ';' && ct[i] != ' ' && i < SHAPE_WORD_MAX) {
		w[i] = (char)(ct[i] >= 'A' && ct[i] <= 'Z' ? ct[i] + 32 :
		    ct[i]);
		i++;
	}
	w[i] = '\0';
	if (strncmp(w, "multipart/", 10) == 0)
		snprintf(out, SHAPE_WORD_MAX + 1, "mp/%.3s", w + 10);
	else if (strncmp(w, "text/", 5) == 0)
		snprintf(out, SHAPE_WORD_MAX + 1, "%s", w + 5);
	else
		snprintf(out, SHAPE_WORD_MAX + 1, "%s", w);
}

static int
fam_mime(rf__ctoks *t, const rf_message *m)
{
	const char *ct = rf_message_header(m, "content-type");
	char tree[SHAPE_TOK_MAX], w[SHAPE_WORD_MAX + 1];
	size_t i, o;

	short_type(ct ? ct : "none", w);
	o = (size_t)snprintf(tree, sizeof(tree), "%s(", w);
	for (i = 0; i < m->nparts && i < SHAPE_MIME_LEAVES; i++) {
		short_type(m->parts[i].content_type ?
		    m->parts[i].content_type : "?", w);
		o += (size_t)snprintf(tree + o, sizeof(tree) - o, "%s%u%s",
		    i ? "," : "", m->parts[i].depth, w);
		if (o >= sizeof(tree))
			return 0;
	}
	snprintf(tree + o, sizeof(tree) - o, "%s)", i < m->nparts ? ",+" :
	    "");
	return emit(t, "mime:%s", tree);
}

static int
fam_order(rf__ctoks *t, const rf_message *m)
{
	char o[SHAPE_TOK_MAX];
	size_t i, n = 0, len = 0;

	for (i = 0; i < m->nheaders && n < SHAPE_ORDER_N; i++) {
		const char *name = m->headers[i].name;
		size_t j;

		if (name == NULL || strcasecmp(name, "received") == 0 ||
		    strcasecmp(name, "return-path") == 0 ||
		    strcasecmp(name, "delivered-to") == 0 ||
		    strncasecmp(name, "x-", 2) == 0 || strlen(name) >
		    SHAPE_WORD_MAX)
			continue;
		if (n > 0)
			o[len++] = ',';
		for (j = 0; name[j]; j++)
			o[len++] = (char)(name[j] >= 'A' && name[j] <= 'Z' ?
			    name[j] + 32 : name[j]);
		n++;
	}
	o[len] = '\0';
	return emit(t, "order:%s", n ? o : "none");
}

/* count_at: the addresses of v (its '@'s). */
static size_t
count_at(const char *v)
{
	size_t n = 0;

	for (; v && *v; v++)
		n += *v == '@';
	return n;
}

/* display: how an address header shows its name: "bare-address",
 * "angle" (<addr> alone), "quoted" or "plain". */
static const char *
display(const char *v)
{
	const char *lt = strchr(v, '<');

	while (*v == ' ')
		v++;
	if (lt == NULL)
		return strchr(v, '(') ? "comment" : "bare-address";
	if (lt == v)
		return "angle";
	return *v == '"' ? "quoted" : "plain";
}

static int
fam_addr(rf__ctoks *t, const rf_message *m)
{
	const char *from = rf_message_header(m, "from");
	const char *to = rf_message_header(m, "to");
	const char *cc = rf_message_header(m, "cc");
	char fd[SHAPE_WORD_MAX + 1], td[SHAPE_WORD_MAX + 1];
	int r;

	if ((r = emit(t, "addr:rcpts=%s", bucket(count_at(to) +
	    count_at(cc)))) != 0)
		return r;
	if (to == NULL)
		r = emit(t, "addr:to=none");
	else if (count_at(to) == 0)
		r = emit(t, "addr:to=no-address");
	else
		r = emit(t, "addr:to=%s", display(to));
	if (r != 0)
		return r;
	if (from == NULL)
		return emit(t, "addr:from=none");
	if ((r = emit(t, "addr:from=%s", display(from))) != 0)
		return r;
	addr_domain(from, fd);
	addr_domain(to, td);
	if (td[0] != '\0' && strcmp(fd, td) == 0 &&
	    (r = emit(t, "addr:from-domain=to-domain")) != 0)
		return r;
	return 0;
}

static int
fam_subject(rf__ctoks *t, const rf_message *m)
{
	const char *v = rf_message_header(m, "subject");
	size_t n, i, lo = 0, up = 0, sp = 0, st;
	int r, dig = 0, alpha = 0;

	if (v == NULL)
		return emit(t, "subj:none");
	n = strlen(v);
	if (n == 0)
		return emit(t, "subj:empty");
	for (i = 0; i < n; i++) {
		lo += v[i] >= 'a' && v[i] <= 'z';
		up += v[i] >= 'A' && v[i] <= 'Z';
	}
	if (up >= 4 && lo == 0 && (r = emit(t, "subj:all-caps")) != 0)
		return r;
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t')) {
		n--;
		sp++;
	}
	if (sp > 0 && (r = emit(t, "subj:trailing-space")) != 0)
		return r;
	for (st = n; st > 0 && v[st - 1] != ' ' && v[st - 1] != '\t'; st--)
		;
	for (i = st; i < n; i++) {
		if (v[i] >= '0' && v[i] <= '9')
			dig = 1;
		else if ((v[i] | 32) >= 'a' && (v[i] | 32) <= 'z')
			alpha = 1;
	}
	if (st > 0 && st < n) {
		for (i = st; i < n && v[i] >= '0' && v[i] <= '9'; i++)
			;
		if (i == n && (r = emit(t, "subj:trailing-number")) != 0)
			return r;
		if (dig && alpha && n - st >= SHAPE_BUSTER_MIN &&
		    (r = emit(t, "subj:trailing-code")) != 0)
			return r;
		if (st >= 2 && v[st - 2] == ' ' &&
		    (r = emit(t, "subj:spaces-before-last-word")) != 0)
			return r;
	}
	return emit(t, "subj:len=%s", bucket(n));
}

/* Header names (the first ones) whose adjacent pairs are tokens. */
#define SHAPE_NAMES_MAX 40

/* hpair: adjacent header names, lower case, "from>to". */
static int
fam_hpair(rf__ctoks *t, const rf_message *m)
{
	char a[SHAPE_WORD_MAX + 1], b[SHAPE_WORD_MAX + 1];
	size_t i;
	int r;

	a[0] = '\0';
	for (i = 0; i < m->nheaders && i < SHAPE_NAMES_MAX; i++) {
		const char *n = m->headers[i].name;
		size_t j;

		if (n == NULL || strlen(n) > SHAPE_WORD_MAX)
			continue;
		for (j = 0; n[j]; j++)
			b[j] = (char)(n[j] >= 'A' && n[j] <= 'Z' ? n[j] + 32 :
			    n[j]);
		b[j] = '\0';
		if (a[0] != '\0' && (r = emit(t, "hpair:%s>%s", a, b)) != 0)
			return r;
		memcpy(a, b, j + 1);
	}
	return 0;
}

/* enc: each leaf's type with its transfer encoding ("html/base64"). */
static int
fam_enc(rf__ctoks *t, const rf_message *m)
{
	char w[SHAPE_WORD_MAX + 1], e[SHAPE_WORD_MAX + 1];
	size_t i;
	int r;

	for (i = 0; i < m->nparts && i < SHAPE_MIME_LEAVES; i++) {
		const rf_part *p = &m->parts[i];

		short_type(p->content_type ? p->content_type : "?", w);
		lword(p->encoding ? p->encoding : "none", e);
		if ((r = emit(t, "enc:%s/%s", w, e)) != 0)
			return r;
		if ((p->flags & (RF_PARTF_TEXT | RF_PARTF_HTML)) &&
		    p->charset == NULL &&
		    (r = emit(t, "enc:%s/no-charset", w)) != 0)
			return r;
	}
	return 0;
}

/* sigs: whole signatures of From's address, the Subject and the first
 * Received hop's clauses. */
static int
fam_sigs(rf__ctoks *t, const rf_message *m)
{
	const char *from = rf_message_header(m, "from");
	const char *subj = rf_message_header(m, "subject");
	char s[SHAPE_SIG_MAX + 2];
	const char *at, *st;
	int r;

	if (from != NULL && (at = strrchr(from, '@')) != NULL) {
		for (st = at; st > from && st[-1] != '<' && st[-1] != ' ' &&
		    st[-1] != '"'; st--)
			;
		sig(st, (size_t)(at - st), s, 1);
		if ((r = emit(t, "fsig:%s", s)) != 0)
			return r;
	}
	if (subj != NULL) {
		sig(subj, strlen(subj), s, 0);
		if ((r = emit(t, "ssig:%s", s)) != 0)
			return r;
	}
	return 0;
}

/* Received hops, counted from the oldest, with a whole-hop signature. */
#define SHAPE_HOPS_SIG 3

/* hop_sig: one Received value's clauses as one signature into out
 * (SHAPE_TOK_MAX bytes): helo class, from-comment kind, with. */
static void
hop_sig(const char *v, char *out)
{
	char w[SHAPE_WORD_MAX + 1], x[SHAPE_WORD_MAX + 1];
	const char *p = find_word(v, "from"), *by = find_word(v, "by");
	const char *with = find_word(v, "with"), *par, *pk = "none";

	x[0] = '\0';
	if (with != NULL)
		lword(with, x);
	if (p == NULL) {
		snprintf(out, SHAPE_TOK_MAX, "no-from/by=%s/%s", by ? "y" :
		    "n", x);
		return;
	}
	lword(p, w);
	par = strchr(p, '(');
	if (par != NULL && (by == NULL || par < by)) {
		if (strncasecmp(par + 1, "helo", 4) == 0 ||
		    strncasecmp(par + 1, "ehlo", 4) == 0)
			pk = "helo";
		else if (par[1] == '[')
			pk = "ip-no-rdns";
		else if (strncasecmp(par + 1, "unknown", 7) == 0)
			pk = "unknown";
		else
			pk = "host";
	}
	snprintf(out, SHAPE_TOK_MAX, "%s/%s/%s", host_class(w), pk, x);
}

/* rcvh: the oldest SHAPE_HOPS_SIG hops' signatures, by position. */
static int
fam_hops(rf__ctoks *t, const rf_message *m)
{
	const char *hop[SHAPE_RCV_MAX];
	char v[SHAPE_VALUE_MAX + 1], s[SHAPE_TOK_MAX];
	size_t i, n = 0;
	int r;

	for (i = 0; i < m->nheaders && n < SHAPE_RCV_MAX; i++)
		if (m->headers[i].name != NULL && m->headers[i].value !=
		    NULL && strcasecmp(m->headers[i].name, "received") == 0)
			hop[n++] = m->headers[i].value;
	for (i = 0; i < n && i < SHAPE_HOPS_SIG; i++) {
		snprintf(v, sizeof(v), "%s", hop[n - 1 - i]);
		hop_sig(v, s);
		if ((r = emit(t, "rcvh%zu:%s", i, s)) != 0)
			return r;
	}
	return 0;
}

/* mids: the whole Message-ID's signature, digit runs by length. */
static int
fam_mids(rf__ctoks *t, const rf_message *m)
{
	return whole_sig(t, m, "message-id", "mids", NULL);
}

int
rf__cls_hdrtok(rf__ctoks *t, const rf_message *m)
{
	/*
	 * The families, chosen by 5-fold cross-validation inside the
	 * training half (docs/classifier.md, "Header shape tokens"; header
	 * names as written, Date against arrival and three names in a row
	 * were tried and brought validation false positives).  Changing
	 * them changes the token set: RF__CLS_TOKENS must change too.
	 */
	static int (*const fam[])(rf__ctoks *, const rf_message *) = {
		fam_received, fam_msgid, fam_date, fam_boundary, fam_mime,
		fam_order, fam_addr, fam_subject, fam_hpair, fam_enc,
		fam_sigs, fam_hops, fam_mids,
	};
	size_t i;
	int r;

	if (m->flags & RF_MSG_NO_HEADERS)
		return 0;
	for (i = 0; i < sizeof(fam) / sizeof(fam[0]); i++)
		if ((r = fam[i](t, m)) != 0)
			return r;
	return 0;
}

/* Plain words of host_class's names. */
static const char *
host_words(const char *c, size_t n)
{
	static const struct {
		const char *k, *w;
	} hw[] = {
		{ "ipliteral", "an IP literal" }, { "ip", "a bare IP address" },
		{ "bare", "a name without a dot" },
		{ "fqdn", "a full host name" }, { "localhost", "localhost" },
		{ "none", "missing" }, { "helo", "the HELO name" },
		{ "ip-no-rdns", "an IP address without a host name" },
		{ "unknown", "\"unknown\"" },
	};
	size_t i;

	for (i = 0; i < sizeof(hw) / sizeof(hw[0]); i++)
		if (strlen(hw[i].k) == n && strncmp(hw[i].k, c, n) == 0)
			return hw[i].w;
	return NULL;
}

const char *
rf__shape_describe(const char *text, size_t len, rf_arena *a)
{
	static const struct {
		const char *fam, *what;
	} fams[] = {
		{ "rcv:", "a Received header" },
		{ "rcvo:", "the first Received header" },
		{ "mid:", "Message-ID shape" }, { "date:", "Date shape" },
		{ "bnd:", "MIME boundary shape" },
		{ "mime:", "MIME structure" },
		{ "order:", "first headers, in order" },
		{ "addr:", "address headers" }, { "subj:", "Subject shape" },
		{ "hpair:", "headers next to each other" },
		{ "enc:", "MIME part type and encoding" },
		{ "fsig:", "From address local part shaped" },
		{ "ssig:", "Subject shaped" },
		{ "rcvh0:", "the oldest Received hop (HELO/comment/protocol)" },
		{ "rcvh1:", "the second Received hop (HELO/comment/protocol)" },
		{ "rcvh2:", "the third Received hop (HELO/comment/protocol)" },
		{ "mids:", "Message-ID shaped" },
	};
	/* key=value (or key alone) of a family's token: the words before
	 * and after the value (host values in host_words). */
	static const struct {
		const char *key, *pre, *post;
		int host;
	} keys[] = {
		{ "helo=", "HELO name ", "", 1 },
		{ "paren=", "from-comment shows ", "", 1 },
		{ "by=", "receiving host ", "", 1 },
		{ "with=", "received with \"", "\"", 0 },
		{ "no-from", "no \"from\" clause", "", 0 },
		{ "no-by", "no \"by\" clause", "", 0 },
		{ "no-id", "no queue id", "", 0 },
		{ "for", "names the recipient", "", 0 },
		{ "no-date", "no date", "", 0 },
		{ "count=", "", " Received headers", 0 },
		{ "local=", "local part shaped ", "", 0 },
		{ "len=", "", " characters long", 0 },
		{ "no-angle", "without angle brackets", "", 0 },
		{ "no-at", "without an @", "", 0 },
		{ "domain=", "domain: ", "", 0 },
		{ "rcpts=", "", " recipients in To and Cc", 0 },
		{ "to=", "To shows ", "", 0 },
		{ "from=", "From shows ", "", 0 },
		{ "from-domain=to-domain", "From and To in one domain", "", 0 },
		{ "all-caps", "all capitals", "", 0 },
		{ "trailing-space", "ends in spaces", "", 0 },
		{ "trailing-number", "ends in a number", "", 0 },
		{ "trailing-code", "ends in a code of letters and digits", "",
		  0 },
		{ "spaces-before-last-word", "spaces before its last word", "",
		  0 },
		{ "none", "missing", "", 0 }, { "empty", "empty", "", 0 },
	};
	size_t i, fl;

	for (i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		fl = strlen(fams[i].fam);
		if (len >= fl && strncmp(text, fams[i].fam, fl) == 0)
			break;
	}
	if (i == sizeof(fams) / sizeof(fams[0]))
		return rf_arena_printf(a, "header shape %.*s", (int)len, text);
	text += fl;
	len -= fl;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		size_t kl = strlen(keys[k].key);
		const char *hw;

		if (len < kl || strncmp(text, keys[k].key, kl) != 0 ||
		    (keys[k].key[kl - 1] != '=' && len != kl))
			continue;
		hw = keys[k].host ? host_words(text + kl, len - kl) : NULL;
		if (keys[k].key[kl - 1] != '=')
			kl = len;	/* a key alone: no value shown */
		return rf_arena_printf(a, "%s: %s%.*s%s", fams[i].what,
		    keys[k].pre, hw ? (int)strlen(hw) : (int)(len - kl),
		    hw ? hw : text + kl, keys[k].post);
	}
	return rf_arena_printf(a, "%s: %.*s", fams[i].what, (int)len, text);
}
