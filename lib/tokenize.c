/*
 * tokenize.c - the classifier's tokens of one message (docs/classifier.md).
 *
 * Words of the visible text (plain and HTML), words of selected headers
 * (prefixed with the header's name), the names of all headers, link hosts
 * and registrable domains, MIME facts, the facts redflag finds itself, and
 * the shape of the headers (lib/cls_hdrtok.c).
 * Each distinct token is hashed once with XXH3 (seeded with its kind) and
 * kept with its text for readable reasons.  Nothing is allocated per token:
 * the token array, the text pool and the de-duplicating set grow by
 * doubling.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "internal.h"

/* Headers whose words are tokens, prefixed with the name. */
static const char *const word_headers[] = {
	"subject", "from", "to", "cc", "reply-to", "return-path", "sender",
	"x-mailer", "user-agent", "message-id", "received", "content-type",
	"list-id", "precedence", "x-priority", "x-msmail-priority",
	"importance", "organization", "content-transfer-encoding",
	"mime-version", "x-mimeole", "errors-to", "mailing-list",
};

#define WORDS_PER_HEADER 64	/* words taken from one header value */
#define HNAME_MAX 40		/* longer header names are not tokens */

static int
set_grow(rf__ctoks *t)
{
	size_t ncap = t->setcap ? t->setcap * 2 : 1024, i, j;
	uint64_t *ns;

	ns = calloc(ncap, sizeof(*ns));
	if (ns == NULL)
		return -1;
	for (i = 0; i < t->setcap; i++) {
		if (t->set[i] == 0)
			continue;
		j = (size_t)t->set[i] & (ncap - 1);
		while (ns[j] != 0)
			j = (j + 1) & (ncap - 1);
		ns[j] = t->set[i];
	}
	free(t->set);
	t->set = ns;
	t->setcap = ncap;
	return 0;
}

/*
 * add: token text s (len bytes) of kind k, unless already present.
 * Returns 0, 1 when the max_tokens limit stops it, -1 when out of memory.
 */
static int
add(rf__ctoks *t, unsigned k, const char *s, size_t len)
{
	uint64_t h;
	size_t j;
	rf__ctok *tk;

	if (len == 0 || len > 0xffff)
		return 0;
	h = XXH3_64bits_withSeed(s, len, (XXH64_hash_t)k + 1);
	if (h == 0)
		h = 1;
	if ((t->n + 1) * 2 > t->setcap && set_grow(t) != 0)
		return -1;
	j = (size_t)h & (t->setcap - 1);
	while (t->set[j] != 0) {
		if (t->set[j] == h)
			return 0;
		j = (j + 1) & (t->setcap - 1);
	}
	if (t->max != 0 && t->n >= t->max) {
		t->limit_hit = 1;
		return 1;
	}
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 256;
		rf__ctok *nv = realloc(t->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		t->v = nv;
		t->cap = ncap;
	}
	if (t->tlen + len > t->tcap) {
		size_t ncap = t->tcap ? t->tcap * 2 : 4096;
		char *nt;

		while (ncap < t->tlen + len)
			ncap *= 2;
		if (ncap > UINT32_MAX)
			return 1;
		nt = realloc(t->text, ncap);
		if (nt == NULL)
			return -1;
		t->text = nt;
		t->tcap = ncap;
	}
	t->set[j] = h;
	tk = &t->v[t->n++];
	tk->h = h;
	tk->off = (uint32_t)t->tlen;
	tk->len = (uint16_t)len;
	tk->kind = (uint8_t)k;
	memcpy(t->text + t->tlen, s, len);
	t->tlen += len;
	return 0;
}

int
rf__ctoks_add(rf__ctoks *t, unsigned k, const char *s, size_t len)
{
	return add(t, k, s, len);
}

static int
addstr(rf__ctoks *t, unsigned k, const char *s)
{
	return add(t, k, s, strlen(s));
}

static inline int
wordch(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0x80;
}

static inline int
joinch(unsigned char c)
{
	return c == '-' || c == '\'' || c == '.' || c == '_' || c == ',';
}

/*
 * words: tokens of kind k from the words of s[0..len); each word is
 * lower-cased (ASCII) after prefix (plen bytes, already in buf).  Word
 * characters are letters, digits and UTF-8 bytes; - ' . _ , join two of
 * them; a leading $ is kept.  Words of 1 byte or longer than max_len are
 * skipped.  maxw: stop after that many words (0: no limit).  With pairs,
 * adjacent words also give RF__CTOK_PAIR tokens.
 */
static int
words(rf__ctoks *t, unsigned k, const char *s, size_t len, char *buf,
      size_t plen, size_t maxw, int pairs)
{
	size_t i = 0, st, n, w = 0, plen2 = 0;
	char prev[128];
	int r;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (!wordch(c) && !(c == '$' && i + 1 < len &&
		    wordch((unsigned char)s[i + 1]))) {
			i++;
			continue;
		}
		st = i++;
		while (i < len) {
			c = (unsigned char)s[i];
			if (wordch(c))
				i++;
			else if (joinch(c) && i + 1 < len &&
			    wordch((unsigned char)s[i + 1]))
				i++;
			else
				break;
		}
		n = i - st;
		if (n < 2 || n > t->max_len)
			continue;
		for (size_t j = 0; j < n; j++) {
			c = (unsigned char)s[st + j];
			buf[plen + j] = (char)(c >= 'A' && c <= 'Z' ?
			    c + 32 : c);
		}
		if ((r = add(t, k, buf, plen + n)) != 0)
			return r;
		if (pairs) {
			if (plen2 > 0 && plen2 + 1 + n <= sizeof(prev)) {
				prev[plen2] = ' ';
				memcpy(prev + plen2 + 1, buf + plen, n);
				if ((r = add(t, RF__CTOK_PAIR, prev,
				    plen2 + 1 + n)) != 0)
					return r;
			}
			if (n < sizeof(prev)) {
				memcpy(prev, buf + plen, n);
				plen2 = n;
			}
		}
		if (maxw != 0 && ++w >= maxw)
			break;
	}
	return 0;
}

static int
is_word_header(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(word_headers) / sizeof(word_headers[0]); i++)
		if (strcasecmp(name, word_headers[i]) == 0)
			return 1;
	return 0;
}

static int
headers(rf__ctoks *t, const rf_message *m, char *buf)
{
	size_t i, n, j;
	int r;

	for (i = 0; i < m->nheaders; i++) {
		const rf_header *hd = &m->headers[i];

		if (hd->name == NULL)
			continue;
		n = strlen(hd->name);
		if (n == 0 || n > HNAME_MAX)
			continue;
		for (j = 0; j < n; j++) {
			unsigned char c = (unsigned char)hd->name[j];

			buf[j] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		if ((r = add(t, RF__CTOK_HNAME, buf, n)) != 0)
			return r;
		buf[n] = '\0';
		if (hd->value == NULL || !is_word_header(buf))
			continue;
		buf[n] = ':';
		if ((r = words(t, RF__CTOK_HEADER, hd->value,
		    strlen(hd->value), buf, n + 1, WORDS_PER_HEADER, 0)) != 0)
			return r;
	}
	return 0;
}

static int
mime(rf__ctoks *t, const rf_message *m, char *buf, size_t bufsize)
{
	size_t i;
	int r;

	for (i = 0; i < m->nparts; i++) {
		const rf_part *p = &m->parts[i];

		if (p->content_type != NULL &&
		    (size_t)snprintf(buf, bufsize, "part:%s",
		    p->content_type) < bufsize &&
		    (r = addstr(t, RF__CTOK_MIME, buf)) != 0)
			return r;
		if (p->charset != NULL &&
		    (size_t)snprintf(buf, bufsize, "charset:%s",
		    p->charset) < bufsize) {
			for (char *q = buf; *q; q++)
				if (*q >= 'A' && *q <= 'Z')
					*q += 32;
			if ((r = addstr(t, RF__CTOK_MIME, buf)) != 0)
				return r;
		}
	}
	for (i = 0; i < m->nattachments; i++) {
		const rf_attachment *at = &m->attachments[i];
		const char *dot = at->filename ? strrchr(at->filename, '.') :
		    NULL;

		if (dot != NULL && strlen(dot) <= 8 &&
		    (size_t)snprintf(buf, bufsize, "attachment:%s", dot + 1) <
		    bufsize) {
			for (char *q = buf; *q; q++)
				if (*q >= 'A' && *q <= 'Z')
					*q += 32;
			if ((r = addstr(t, RF__CTOK_MIME, buf)) != 0)
				return r;
		}
	}
	return 0;
}

/*
 * What of a message's tokens may differ between analyses of one message
 * for different recipients (rf__cls_vary): the links' tracking flags
 * (the address search) give "fact:tracking-code" or not, and the
 * campaign (the fingerprint leaves the recipient's words out) the size
 * bucket.  Everything else the tokens are made of (text, headers, MIME
 * parts, the links' hosts, kinds, sizes and flags) is the parsed
 * message's, which the analysis does not change.
 */

/* tracking_fact: one of m's own links identifies the recipient. */
static int
tracking_fact(const rf_message *m)
{
	size_t i;

	for (i = 0; i < m->links.n; i++)
		if (m->links.v[i].tracking)
			return 1;
	return 0;
}

/* campaign_fact: the campaign size bucket of f (index into buckets[],
 * 0: none). */
static const char *const buckets[] = { NULL, "campaign-1", "campaign-2-9",
    "campaign-10-99", "campaign-100-999", "campaign-1000+" };

static unsigned
campaign_fact(const rf_cls_facts *f)
{
	unsigned long n = f != NULL ? f->campaign_size : 0;

	return n == 0 ? 0 : n == 1 ? 1 : n < 10 ? 2 : n < 100 ? 3 :
	    n < 1000 ? 4 : 5;
}

unsigned
rf__cls_vary(const rf_message *m, const rf_cls_facts *f)
{
	return (unsigned)tracking_fact(m) * 6 + campaign_fact(f);
}

static int
links(rf__ctoks *t, const rf_message *m)
{
	size_t i, nimg = 0;
	int r, tracking = tracking_fact(m), webbug = 0, texthost = 0;

	for (i = 0; i < m->links.n; i++) {
		const rf_link *l = &m->links.v[i];

		if (l->host != NULL && (r = addstr(t, RF__CTOK_HOST, l->host)))
			return r;
		if (l->domain != NULL &&
		    (r = addstr(t, RF__CTOK_DOMAIN, l->domain)) != 0)
			return r;
		if (l->flags & RF_LINKF_TEXT_HOST)
			texthost = 1;
		if (l->kind == RF_LINK_IMG) {
			nimg++;
			if ((l->width >= 0 && l->width <= 2 &&
			    l->height >= 0 && l->height <= 2) ||
			    (l->flags & RF_LINKF_HIDDEN))
				webbug = 1;
		}
	}
	if (tracking && (r = addstr(t, RF__CTOK_FACT, "tracking-code")))
		return r;
	if (webbug && (r = addstr(t, RF__CTOK_FACT, "web-bug")) != 0)
		return r;
	if (texthost &&
	    (r = addstr(t, RF__CTOK_FACT, "display-text-names-another-host")))
		return r;
	if (m->links.n == 0 && (r = addstr(t, RF__CTOK_FACT, "no-links")))
		return r;
	if (m->links.n >= 20 && (r = addstr(t, RF__CTOK_FACT, "links-20+")))
		return r;
	if (nimg >= 5 && (r = addstr(t, RF__CTOK_FACT, "images-5+")) != 0)
		return r;
	return 0;
}

static int
facts(rf__ctoks *t, const rf_message *m, const rf_cls_facts *f)
{
	static const struct {
		unsigned flag;
		const char *name;
	} mf[] = {
		{ RF_MSG_HTML_SCRIPT, "html-script" },
		{ RF_MSG_HTML_HIDDEN, "html-hidden-text" },
		{ RF_MSG_MIME_DAMAGED, "mime-damaged" },
		{ RF_MSG_NO_HEADERS, "no-headers" },
	};
	size_t i;
	int r;

	for (i = 0; i < sizeof(mf) / sizeof(mf[0]); i++)
		if ((m->flags & mf[i].flag) &&
		    (r = addstr(t, RF__CTOK_FACT, mf[i].name)) != 0)
			return r;
	if (m->html_text_len > 0 && m->text_len == 0 &&
	    (r = addstr(t, RF__CTOK_FACT, "html-only")) != 0)
		return r;
	if (m->text_len + m->html_text_len == 0 &&
	    (r = addstr(t, RF__CTOK_FACT, "no-text")) != 0)
		return r;
	if (campaign_fact(f) != 0 &&
	    (r = addstr(t, RF__CTOK_CAMPAIGN, buckets[campaign_fact(f)])) != 0)
		return r;
	return 0;
}

rf_status
rf__cls_tokenize(const rf_ctx *ctx, const rf_cls_params *p,
		 const rf_message *m, const rf_cls_facts *f, rf__ctoks *t)
{
	char buf[HNAME_MAX + 2 + 256];
	int r;

	(void)ctx;
	t->max = p->max_tokens;
	t->max_len = p->max_token_len < 200 ? p->max_token_len : 200;
	t->pairs = p->bigrams != 0;
	/* Few and strong first, so that max_tokens cuts only text. */
	r = facts(t, m, f);
	if (r == 0)
		r = links(t, m);
	if (r == 0)
		r = mime(t, m, buf, sizeof(buf));
	if (r == 0)
		r = rf__cls_hdrtok(t, m);
	if (r == 0)
		r = headers(t, m, buf);
	if (r == 0 && m->text != NULL)
		r = words(t, RF__CTOK_WORD, m->text, m->text_len, buf, 0, 0,
		    t->pairs);
	if (r == 0 && m->html_text != NULL)
		r = words(t, RF__CTOK_WORD, m->html_text, m->html_text_len,
		    buf, 0, 0, t->pairs);
	return r < 0 ? RF_ENOMEM : RF_OK;
}

void
rf__ctoks_free(rf__ctoks *t)
{
	free(t->v);
	free(t->text);
	free(t->set);
	memset(t, 0, sizeof(*t));
}

const char *
rf__ctok_kind_prefix(unsigned kind)
{
	switch (kind) {
	case RF__CTOK_HNAME: return "header:";
	case RF__CTOK_SHAPE: return "shape:";
	case RF__CTOK_FACT:
	case RF__CTOK_CAMPAIGN: return "fact:";
	default: return "";
	}
}
