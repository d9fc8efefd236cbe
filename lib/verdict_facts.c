/*
 * verdict_facts.c - the facts of a verdict that come from the message
 * itself: tracking counts, list headers and whether a DKIM signature the
 * receiving MTA verified covers them (see redflag/verdict.h).
 *
 * DKIM is not verified here: that needs the signer's public key from DNS,
 * and redflag never resolves anything (OpenDKIM's library would).  The
 * receiving MTA verifies it and says so in Authentication-Results
 * (RFC 8601); we trust only the header of the configured authserv-id, the
 * topmost one (the MTA adds its own on top and removes forged copies).
 */
#include <ctype.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include <redflag/tracking.h>
#include <redflag/verdict.h>

#include "internal.h"

#define AR_TOKEN_MAX 256	/* longest authserv-id or domain read */

static int
prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* deceptive_link: keep the pair of a link whose text, written as a link
 * address (RF_LINKF_TEXT_ADDRESS, set by the HTML extraction), shows
 * another site than the one it leads to (the first
 * RF_VERDICT_DECEPTIVE_MAX distinct pairs kept, each once; every other
 * link counted in ndeceptive). */
static void
deceptive_link(const rf_link *l, rf_verdict_facts *f)
{
	size_t i, n;

	if (!(l->flags & RF_LINKF_TEXT_ADDRESS) || l->text_host == NULL ||
	    l->host == NULL)
		return;
	n = f->ndeceptive < RF_VERDICT_DECEPTIVE_MAX ? f->ndeceptive :
	    RF_VERDICT_DECEPTIVE_MAX;
	for (i = 0; i < n; i++)
		if (strcmp(f->shown[i], l->text_host) == 0 &&
		    strcmp(f->leads_to[i], l->host) == 0)
			return;
	if (n < RF_VERDICT_DECEPTIVE_MAX) {
		f->shown[n] = l->text_host;
		f->leads_to[n] = l->host;
	}
	if (f->ndeceptive < UINT_MAX)
		f->ndeceptive++;
}

/* count_link: one link's part of the facts: the tracking counts and the
 * deceptive links. */
static int
count_link(rf_link *l, void *arg)
{
	rf_verdict_facts *f = arg;
	int rcpt = 0, code = 0, bug = 0;
	size_t i;

	deceptive_link(l, f);
	if (!l->tracking || l->kind == RF_LINK_HEADER)
		return 0;
	for (i = 0; i < l->nreasons; i++) {
		rcpt |= prefix(l->reasons[i], "recipient-");
		bug |= prefix(l->reasons[i], "web-bug:");
		code |= prefix(l->reasons[i], "opaque-token") ||
		    prefix(l->reasons[i], RF__OTHER_ADDRESS) ||
		    prefix(l->reasons[i], "varies-in-campaign") ||
		    prefix(l->reasons[i], "known-host:");
	}
	if (bug)
		f->web_bugs++;
	else if (rcpt)
		f->rcpt_links++;
	else if (code)
		f->code_links++;
	return 0;
}

/* skip_cfws: past white space and (nested) comments. */
static const char *
skip_cfws(const char *p)
{
	int depth;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p != '(')
			return p;
		for (depth = 0; *p != '\0'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '(')
				depth++;
			else if (*p == ')' && --depth == 0) {
				p++;
				break;
			}
		}
	}
}

/* word: copy the next token (up to white space, ';', '(' or '=') of p
 * into buf, lower-cased unless it is header.b's value (keep); returns
 * the position after it. */
static const char *
word_case(const char *p, char *buf, size_t size, int keep)
{
	size_t n = 0;

	p = skip_cfws(p);
	if (*p == '"') {
		for (p++; *p != '\0' && *p != '"'; p++)
			if (n + 1 < size)
				buf[n++] = keep ? *p :
				    (char)tolower((unsigned char)*p);
		if (*p == '"')
			p++;
	} else {
		for (; *p != '\0' && !strchr(" \t\r\n;(=", *p); p++)
			if (n + 1 < size)
				buf[n++] = keep ? *p :
				    (char)tolower((unsigned char)*p);
	}
	buf[n] = '\0';
	return p;
}

static const char *
word(const char *p, char *buf, size_t size)
{
	return word_case(p, buf, size, 0);
}

/* aligned: d is dom or a parent domain of it. */
static int
aligned(const char *d, const char *dom)
{
	size_t dl = strlen(d), l = strlen(dom);

	if (dl == 0 || dom == NULL)
		return 0;
	if (dl == l)
		return strcasecmp(d, dom) == 0;
	return dl < l && dom[l - dl - 1] == '.' &&
	    strcasecmp(dom + l - dl, d) == 0;
}

/*
 * ar_dkim_pass: from one Authentication-Results value of authserv-id id,
 * the i-th dkim=pass result's signing domain and header.b prefix (may be
 * empty).  1 when found.
 */
static int
ar_dkim_pass(const char *v, const char *id, unsigned i, char *d,
	     char *b, size_t size)
{
	char tok[AR_TOKEN_MAX], method[AR_TOKEN_MAX], val[AR_TOKEN_MAX];
	const char *p = word(v, tok, sizeof(tok));
	unsigned seen = 0;
	int pass;

	if (strcmp(tok, id) != 0)
		return 0;
	/* resinfo: "; method=result prop=value ..." */
	while ((p = strchr(p, ';')) != NULL) {
		p = word(p + 1, method, sizeof(method));
		if (*p != '=')
			continue;
		p = word(p + 1, val, sizeof(val));
		pass = strcmp(method, "dkim") == 0 && strcmp(val, "pass") == 0;
		d[0] = b[0] = '\0';
		while (*(p = skip_cfws(p)) != '\0' && *p != ';') {
			p = word(p, tok, sizeof(tok));
			if (*p != '=') {
				if (*p != '\0' && *p != ';')
					p++;
				continue;
			}
			p = word_case(p + 1, val, sizeof(val),
			    strcmp(tok, "header.b") == 0);
			if (strcmp(tok, "header.d") == 0)
				snprintf(d, size, "%s", val);
			else if (strcmp(tok, "header.i") == 0 && d[0] == '\0')
				snprintf(d, size, "%s", strchr(val, '@') !=
				    NULL ? strchr(val, '@') + 1 : val);
			else if (strcmp(tok, "header.b") == 0)
				snprintf(b, size, "%s", val);
		}
		if (pass && d[0] != '\0' && seen++ == i)
			return 1;
	}
	return 0;
}

/* tag: the value of DKIM tag name in sig (white space removed) into buf;
 * 1 when present. */
static int
tag(const char *sig, const char *name, char *buf, size_t size)
{
	size_t nl = strlen(name), n;
	const char *p = sig, *e;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' ||
		    *p == ';')
			p++;
		e = p + strcspn(p, ";");
		if (strncmp(p, name, nl) == 0) {
			const char *q = p + nl;

			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == '=') {
				for (n = 0, q++; q < e; q++)
					if (!isspace((unsigned char)*q) &&
					    n + 1 < size)
						buf[n++] = *q;
				buf[n] = '\0';
				return 1;
			}
		}
		p = e;
	}
	return 0;
}

/* in_h: header name is listed in the colon-separated list h. */
static int
in_h(const char *h, const char *name)
{
	size_t nl = strlen(name), n;
	const char *p = h;

	while (*p != '\0') {
		n = strcspn(p, ":");
		if (n == nl && strncasecmp(p, name, nl) == 0)
			return 1;
		p += n;
		if (*p == ':')
			p++;
	}
	return 0;
}

/* covered: a DKIM-Signature of domain d (and signature prefix b, when
 * not empty) lists both names (the second may be NULL) in h=. */
static int
covered(const rf_message *m, const char *d, const char *b,
	const char *name1, const char *name2)
{
	char sd[AR_TOKEN_MAX], sb[AR_TOKEN_MAX], h[2048];
	size_t i;

	for (i = 0; i < m->nheaders; i++) {
		if (strcasecmp(m->headers[i].name, "DKIM-Signature") != 0)
			continue;
		if (!tag(m->headers[i].value, "d", sd, sizeof(sd)) ||
		    strcasecmp(sd, d) != 0)
			continue;
		if (b[0] != '\0' && (!tag(m->headers[i].value, "b", sb,
		    sizeof(sb)) || strncmp(sb, b, strlen(b)) != 0))
			continue;
		if (tag(m->headers[i].value, "h", h, sizeof(h)) &&
		    in_h(h, name1) && (name2 == NULL || in_h(h, name2)))
			return 1;
	}
	return 0;
}

static int
one_click_form(const rf_message *m)
{
	const char *post = m->list_unsubscribe_post;
	const char *p;

	if (post == NULL || m->list_unsubscribe == NULL)
		return 0;
	while (*post == ' ' || *post == '\t')
		post++;
	if (strncasecmp(post, "List-Unsubscribe=One-Click", 26) != 0)
		return 0;
	/* an https URI in List-Unsubscribe */
	for (p = m->list_unsubscribe; (p = strchr(p, '<')) != NULL; p++)
		if (strncasecmp(p + 1, "https://", 8) == 0)
			return 1;
	return 0;
}

void
rf_list_auth(const rf_message *m, const char *authserv_id,
	     rf_list_sig *unsub, rf_list_sig *one_click)
{
	char id[AR_TOKEN_MAX], d[AR_TOKEN_MAX], b[AR_TOKEN_MAX];
	const char *dom, *ar = NULL;
	size_t i, k;
	unsigned j;

	*unsub = m->list_unsubscribe != NULL ? RF_LIST_UNVERIFIED :
	    RF_LIST_ABSENT;
	*one_click = m->list_unsubscribe_post != NULL ? RF_LIST_UNVERIFIED :
	    RF_LIST_ABSENT;
	if (*unsub == RF_LIST_ABSENT || authserv_id == NULL ||
	    *authserv_id == '\0' || m->from_addr == NULL ||
	    (dom = strrchr(m->from_addr, '@')) == NULL)
		return;
	dom++;
	for (k = 0; authserv_id[k] != '\0' && k + 1 < sizeof(id); k++)
		id[k] = (char)tolower((unsigned char)authserv_id[k]);
	id[k] = '\0';
	/* the topmost Authentication-Results of the trusted server */
	for (i = 0; i < m->nheaders && ar == NULL; i++) {
		if (strcasecmp(m->headers[i].name,
		    "Authentication-Results") != 0)
			continue;
		word(m->headers[i].value, d, sizeof(d));
		if (strcmp(d, id) == 0)
			ar = m->headers[i].value;
	}
	if (ar == NULL)
		return;
	for (j = 0; ar_dkim_pass(ar, id, j, d, b, sizeof(d)); j++) {
		if (!aligned(d, dom))
			continue;
		if (covered(m, d, b, "List-Unsubscribe", NULL))
			*unsub = RF_LIST_SIGNED;
		if (*one_click != RF_LIST_ABSENT && one_click_form(m) &&
		    covered(m, d, b, "List-Unsubscribe",
		    "List-Unsubscribe-Post"))
			*one_click = RF_LIST_SIGNED;
	}
}

void
rf__verdict_facts_found(const rf_message *m, const char *authserv_id,
			const char *const *sum, size_t n, rf_verdict_facts *f)
{
	const char *at;

	if (f->recipient == NULL)
		f->recipient = rf_message_recipient(m);
	if (m->from_addr != NULL && (at = strrchr(m->from_addr, '@')) != NULL)
		f->sender_domain = at + 1;
	f->rcpt_links = f->code_links = f->web_bugs = 0;
	memset(f->shown, 0, sizeof(f->shown));
	memset(f->leads_to, 0, sizeof(f->leads_to));
	f->ndeceptive = 0;
	rf_tracking_walk((rf_message *)m, count_link, f);
	f->tracking = sum;
	f->ntracking = n;
	f->list_id = m->list_id != NULL;
	rf_list_auth(m, authserv_id, &f->list_unsubscribe, &f->one_click);
}

rf_status
rf_verdict_facts_message(const rf_message *m, const char *authserv_id,
			 rf_verdict_facts *f, rf_error *err)
{
	const char **sum;
	size_t n;
	rf_status st;

	if ((st = rf_tracking_summary(m, &sum, &n, err)) != RF_OK)
		return st;
	rf__verdict_facts_found(m, authserv_id, sum, n, f);
	return RF_OK;
}
