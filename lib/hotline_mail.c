/*
 * hotline_mail.c - a reported mail read for the hotline: its link URLs
 * (kept so that padding cannot push the distinct ones out), the header
 * metadata of the suspect mail, and the addresses besides the reporter's
 * that its codes may identify.  Nothing of it is fetched.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <redflag/tracking.h>

#include "hotline_int.h"

static const char *
domain_of(rf_arena *a, const char *addr)
{
	const char *at;

	if (addr == NULL || (at = strrchr(addr, '@')) == NULL || at[1] == '\0')
		return NULL;
	return rf_arena_strdup(a, at + 1);
}

/* A link URL of a reported mail, with its keys for the choice below. */
struct cand {
	const char *url;
	const char *domain;	/* registrable domain, else host, else url */
	const char *host;	/* host, else url */
	const char *key;	/* the one of those a sort is by */
	size_t idx;		/* order found */
	int dfirst, hfirst;	/* the first of its domain, of its host */
	int keep;
};

/* by_key: x and y by key, then order found (key NULL: order only). */
static int
by_key(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	int c = a->key != NULL ? strcmp(a->key, b->key) : 0;

	return c != 0 ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

enum { BY_URL, BY_DOMAIN, BY_HOST, BY_ORDER };

/* sort_by: c[0..n) sorted by their url, domain or host (by: BY_*), then
 * the order found. */
static void
sort_by(struct cand *c, size_t n, int by)
{
	size_t i;

	for (i = 0; i < n; i++)
		c[i].key = by == BY_URL ? c[i].url : by == BY_DOMAIN ?
		    c[i].domain : by == BY_HOST ? c[i].host : NULL;
	qsort(c, n, sizeof(*c), by_key);
}

/* web_link: l is a link a reporter may mean (anchor, text URL, form, a
 * page the mail shows in a frame or goes to by a meta refresh unless it
 * is a web bug; not an image, CSS, a header or a ping) to an http, https
 * or ftp URL. */
static int
web_link(const rf_link *l)
{
	const char *u = l->url;

	if (l->kind == RF_LINK_HEADER || l->kind == RF_LINK_CSS || u == NULL ||
	    (l->flags & RF_LINKF_PING) ||
	    (l->kind == RF_LINK_IMG && (!(l->flags & RF_LINKF_PAGE) ||
	    rf__web_bug(l) != NULL)))
		return 0;
	return rf__hl_web_scheme(u) || strncasecmp(u, "www.", 4) == 0;
}

/*
 * collect: the link URLs of the suspect mails ms[0..nms), each once,
 * into *v, *n (in a).  When there are more than lim->max_report_urls, a
 * spammer's padding (many links to one site, or to many pages of it)
 * must not push the others out: kept first is the first link to each
 * registrable domain, then the first to each further host, then the
 * rest, in the order found; *left_out: how many were not kept.  The kept
 * ones stay in the order found.  RF_OK or RF_ENOMEM.
 */
static rf_status
collect(rf_arena *a, const rf_message *const *ms, size_t nms,
	const rf_hotline_limits *lim, const char ***v, size_t *n,
	size_t *left_out)
{
	struct cand *c = NULL;
	size_t nc = 0, total = 0, i, j, kept = 0;
	rf_status rs = RF_OK;
	int pass;

	*v = NULL;
	*n = 0;
	*left_out = 0;
	for (i = 0; i < nms; i++)
		total += ms[i]->links.n;
	if (total == 0)
		return RF_OK;
	if ((c = calloc(total, sizeof(*c))) == NULL)
		return RF_ENOMEM;
	for (i = 0; i < nms; i++) {
		for (j = 0; j < ms[i]->links.n; j++) {
			const rf_link *l = &ms[i]->links.v[j];

			if (!web_link(l))
				continue;
			c[nc].url = l->url;
			c[nc].host = l->host != NULL ? l->host : l->url;
			c[nc].domain = l->domain != NULL ? l->domain :
			    c[nc].host;
			c[nc].idx = nc;
			nc++;
		}
	}
	/* each URL once: the first of equal ones stays */
	sort_by(c, nc, BY_URL);
	for (i = 0, j = 0; i < nc; i++)
		if (i == 0 || strcmp(c[i].url, c[i - 1].url) != 0)
			c[j++] = c[i];
	nc = j;
	if (nc <= lim->max_report_urls) {
		/* every link is kept: no choice, so no sort by domain or
		 * host; back in the order found */
		sort_by(c, nc, BY_ORDER);
		for (i = 0; i < nc; i++)
			c[i].keep = 1;
		kept = nc;
	} else {
		sort_by(c, nc, BY_DOMAIN);
		for (i = 0; i < nc; i++)
			c[i].dfirst = i == 0 || strcmp(c[i].domain,
			    c[i - 1].domain) != 0;
		sort_by(c, nc, BY_HOST);
		for (i = 0; i < nc; i++)
			c[i].hfirst = i == 0 || strcmp(c[i].host,
			    c[i - 1].host) != 0;
		sort_by(c, nc, BY_ORDER);
	}
	/* pass 0: a link per domain; 1: per host; 2: the rest */
	for (pass = 0; pass < 3 && kept < nc; pass++)
		for (i = 0; i < nc && kept < lim->max_report_urls; i++) {
			if (c[i].keep || (pass == 0 && !c[i].dfirst) ||
			    (pass == 1 && !c[i].hfirst))
				continue;
			c[i].keep = 1;
			kept++;
		}
	*left_out = nc - kept;
	if (kept > 0 && (*v = rf_arena_array(a, kept, sizeof(**v))) == NULL) {
		rs = RF_ENOMEM;
		goto done;
	}
	for (i = 0; i < nc; i++)
		if (c[i].keep && ((*v)[(*n)++] = rf_arena_strdup(a,
		    c[i].url)) == NULL) {
			rs = RF_ENOMEM;
			goto done;
		}
done:
	free(c);
	return rs;
}

/* identifies: text (a header value) carries addr in any encoding the
 * tracking engine knows (plain, percent, base64, hex, hashes), read as
 * a URL path, with the rules none (an empty set: no parameter or host
 * rules, parsed once by the caller); opaque ids are not looked for
 * (every Message-ID is one). */
static int
identifies(const rf_ctx *ctx, const rf_rules *none, rf_arena *a,
	   const char *text, const char *addr)
{
	rf_recipient *rc = NULL;
	rf_link link;
	const char *url;

	if (text == NULL || addr == NULL || none == NULL ||
	    rf_recipient_new(a, addr, &rc, NULL) != RF_OK)
		return 0;
	url = rf_arena_printf(a, "http://x.invalid/%s", text);
	return url != NULL && rf__hl_track(ctx, none, a, rc, url, 0, &link,
	    NULL) == RF_OK && link.ntokens > 0;
}

/* add_also: addr (lower case) to meta->also unless NULL, the reporter or
 * there already. */
static rf_status
add_also(rf_arena *a, const char *addr, const char *reporter,
	 rf_hotline_mailmeta *meta, const char ***v, size_t *cap)
{
	size_t i;

	if (addr == NULL || *addr == '\0' || (reporter != NULL &&
	    strcasecmp(addr, reporter) == 0))
		return RF_OK;
	for (i = 0; i < meta->nalso; i++)
		if (strcasecmp((*v)[i], addr) == 0)
			return RF_OK;
	if (rf_arena_grow(a, (void **)v, cap, meta->nalso, sizeof(**v)) != 0 ||
	    ((*v)[meta->nalso] = rf_arena_strdup(a, addr)) == NULL)
		return RF_ENOMEM;
	meta->nalso++;
	meta->also = *v;
	return RF_OK;
}

/* forwarded: m, with no attached mail, is an inline forward: its
 * Subject says so (Fwd:, Fw:, WG:, TR:, RV:, Enc:, VS:, VB:, Doorst:,
 * I:) or its text quotes the forwarded mail's From: and Subject:.  Else
 * it is the spam itself, whose From: is the spammer. */
static int
forwarded(const rf_message *m)
{
	static const char *const pre[] = { "fwd:", "fw:", "wg:", "tr:",
	    "rv:", "enc:", "vs:", "vb:", "doorst:", "i:", "[fwd:" };
	const char *s = m->subject;
	size_t i;

	if (s != NULL) {
		s += strspn(s, " \t");
		for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
			if (strncasecmp(s, pre[i], strlen(pre[i])) == 0)
				return 1;
	}
	for (i = 0; i < 2; i++) {
		const char *t = i == 0 ? m->text : m->html_text;

		if (t != NULL && strstr(t, "From:") != NULL &&
		    strstr(t, "Subject:") != NULL)
			return 1;
	}
	return 0;
}

/* ---- an inline forward's header block ---- */

/* The forwarded mail's header lines as a mail program quotes them in an
 * inline forward's text; each NULL when absent. */
struct fwd_block {
	const char *from, *to, *date, *message_id;
};

/* line_end: the end of the line at p (its '\n' or '\0'). */
static const char *
line_end(const char *p)
{
	return p + strcspn(p, "\n");
}

/* unquote: p past a quoting prefix ("> ", ">>") and blanks. */
static const char *
unquote(const char *p, const char *e)
{
	while (p < e && (*p == '>' || *p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* marker: the line [p, e) announces a forwarded mail: "----------
 * Forwarded message ---------" (Gmail), "-----Original Message-----"
 * (Outlook), "Begin forwarded message:" (Apple Mail), "-------- Forwarded
 * Message --------" (Thunderbird): after dashes and blanks one of those
 * words, then only dashes, blanks or a colon. */
static int
marker(const char *p, const char *e)
{
	static const char *const words[] = { "forwarded message",
	    "original message", "begin forwarded message" };
	size_t i, n;

	p = unquote(p, e);
	while (p < e && (*p == '-' || *p == ' '))
		p++;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		n = strlen(words[i]);
		if ((size_t)(e - p) >= n && strncasecmp(p, words[i], n) == 0) {
			for (p += n; p < e && strchr("-: \t\r", *p) != NULL;
			    p++)
				;
			return p == e;
		}
	}
	return 0;
}

/* field: the line [p, e) as "Name: value" with a name of letters and
 * '-' (at most 20); *name, *nlen and the value (blanks trimmed, at most
 * 200 bytes kept) in a.  0 when it is not one. */
static int
field(rf_arena *a, const char *p, const char *e, const char **name,
      size_t *nlen, const char **value)
{
	const char *c, *v;

	p = unquote(p, e);
	for (c = p; c < e && c - p <= 20 && ((*c >= 'a' && *c <= 'z') ||
	    (*c >= 'A' && *c <= 'Z') || *c == '-'); c++)
		;
	if (c == p || c >= e || *c != ':')
		return 0;
	*name = p;
	*nlen = (size_t)(c - p);
	v = c + 1 + strspn(c + 1, " \t");
	while (e > v && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (v > e)
		v = e;
	*value = rf_arena_strndup(a, v, e - v > 200 ? 200 : (size_t)(e - v));
	return 1;
}

/* is: the field name [n, n + len) is s (any case). */
static int
is(const char *n, size_t len, const char *s)
{
	return strlen(s) == len && strncasecmp(n, s, len) == 0;
}

/* block_at: the header lines from p on (blank lines before them
 * skipped, up to 20 lines, ending at the first line that is not one)
 * into b.  1 when they name a From:. */
static int
block_at(rf_arena *a, const char *p, struct fwd_block *b)
{
	const char *e, *name, *value;
	size_t nlen;
	int lines = 0, started = 0;

	memset(b, 0, sizeof(*b));
	for (; *p != '\0' && lines < 24; p = *e != '\0' ? e + 1 : e,
	    lines++) {
		e = line_end(p);
		if (unquote(p, e) + strspn(unquote(p, e), "\r") >= e) {
			if (started)
				break;
			continue;		/* blank lines before */
		}
		if (!field(a, p, e, &name, &nlen, &value) || value == NULL)
			break;
		started = 1;
		if (is(name, nlen, "From") && b->from == NULL)
			b->from = value;
		else if (is(name, nlen, "To") && b->to == NULL)
			b->to = value;
		else if ((is(name, nlen, "Date") || is(name, nlen, "Sent")) &&
		    b->date == NULL)
			b->date = value;
		else if (is(name, nlen, "Message-ID") && b->message_id == NULL)
			b->message_id = value;
	}
	return b->from != NULL;
}

/* fwd_block_find: the header block of the mail forwarded inline in text:
 * after the first line that announces one (marker()), else the first
 * block of header lines with a From: (among the first 8 lines starting
 * "From:", so that a text of many costs little).  1 when found. */
static int
fwd_block_find(rf_arena *a, const char *text, struct fwd_block *b)
{
	const char *p, *e;
	int tries = 0;

	if (text == NULL)
		return 0;
	for (p = text; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = line_end(p);
		if (marker(p, e))
			return block_at(a, *e != '\0' ? e + 1 : e, b);
	}
	for (p = text; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = line_end(p);
		if (strncasecmp(unquote(p, e), "From:", 5) == 0 &&
		    (block_at(a, p, b) || ++tries >= 8))
			return b->from != NULL;
	}
	return 0;
}

/* addr_in: the addr-spec of a header value quoted in a forward ("Name
 * <addr>", "Name [mailto:addr]", "addr"), lower case, in a; NULL when
 * none.  A value with an angle-addr is read as the header it quotes, by
 * rf_addr_spec (as rf__hl_scrub reads a reporter's "Name <addr>"), so
 * that an '@' in a display name or comment before it ("pay@bank.example
 * <x@spam.example>") is not taken for the address.  Otherwise, or when
 * rf_addr_spec finds nothing or keeps a quote or bracket, the first
 * '@' and the bytes around it up to a stop byte: a quoted line is what
 * a mail program wrote, and rf_addr_spec (RFC 5322, GMime) finds
 * nothing in Outlook's "Name [mailto:addr]" (test_inline_forward),
 * "mailto:addr", "Name [addr]", "Name <mailto:addr>" or "Name addr",
 * and keeps the quotes of 'addr'. */
static const char *
addr_in(rf_arena *a, const char *v)
{
	static const char stop[] = " \t<>[]()\"',;:";
	const char *at, *b, *e, *spec;
	char *out, *c;

	if (v == NULL || (at = strchr(v, '@')) == NULL)
		return NULL;
	if (strchr(v, '<') != NULL && (spec = rf_addr_spec(a, v)) != NULL &&
	    spec[strcspn(spec, stop)] == '\0' && strchr(spec, '@') != NULL)
		return spec;
	for (b = at; b > v && strchr(stop, b[-1]) == NULL; b--)
		;
	e = at + strcspn(at, stop);
	if (b == at || e == at + 1 || (out = rf_arena_strndup(a, b,
	    (size_t)(e - b))) == NULL)
		return NULL;
	for (c = out; *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c + 32);
	return out;
}

/* other_addresses: meta->also, the addresses besides the reporter that
 * a reported mail's codes may identify: the forwarder's From: (an inline
 * forward names the reporter nowhere else; an attached spam's To: may be
 * a list or a fake), the To: quoted in an inline forward (fwd_to, or
 * NULL), the Resent-From: of a redirect, and the recipients of the other
 * attached mails.  The From: of the spam itself is not one: the
 * spammer's own words stay. */
static rf_status
other_addresses(rf_arena *a, const rf_message *m, const char *reporter,
		const char *fwd_to, rf_hotline_mailmeta *meta)
{
	const char **v = NULL;
	size_t cap = 0, i;
	rf_status rs;

	if ((rs = add_also(a, fwd_to, reporter, meta, &v, &cap)) != RF_OK)
		return rs;
	if ((m->nembedded > 0 || forwarded(m)) && (rs = add_also(a,
	    m->from_addr, reporter, meta, &v, &cap)) != RF_OK)
		return rs;
	if ((rs = add_also(a, rf_addr_spec(a, rf_message_header(m,
	    "Resent-From")), reporter, meta, &v, &cap)) != RF_OK)
		return rs;
	for (i = 1; i < m->nembedded; i++)
		if ((rs = add_also(a, rf_message_recipient(m->embedded[i]),
		    reporter, meta, &v, &cap)) != RF_OK)
			return rs;
	return RF_OK;
}

rf_status
rf_hotline_from_message(const rf_ctx *ctx, rf_arena *a, const rf_message *m,
			const rf_hotline_limits *limits, const char ***urls,
			size_t *nurls, rf_hotline_mailmeta *meta,
			const char **reporter, rf_error *err)
{
	rf_hotline_limits lim = *limits;
	const rf_message *suspect = m;
	struct fwd_block fb;
	rf_rules *none = NULL;
	const rf_rules *empty = NULL;	/* none, once parsed */
	const char *from;
	size_t i;
	rf_status rs = RF_OK;
	int inline_fwd = m->nembedded == 0 && forwarded(m), block = 0;

	*urls = NULL;
	*nurls = 0;
	memset(meta, 0, sizeof(*meta));
	if (lim.max_report_urls == 0)
		lim.max_report_urls = RF_HOTLINE_MAX_REPORT_URLS;
	/* The suspect mails: the attached ones, or else the mail itself. */
	if ((rs = collect(a, m->nembedded > 0 ?
	    (const rf_message *const *)m->embedded : &suspect,
	    m->nembedded > 0 ? m->nembedded : 1, &lim, urls, nurls,
	    &meta->urls_left_out)) != RF_OK)
		goto done;
	if (m->nembedded > 0)
		suspect = m->embedded[0];
	/* The suspect mail's recipient is whom its codes identify; a
	 * forward without one names the reporter in its own From:. */
	*reporter = rf_message_recipient(suspect);
	if (*reporter == NULL)
		*reporter = m->from_addr;
	if (*reporter != NULL)
		*reporter = rf_arena_strdup(a, *reporter);
	/* An inline forward's own headers describe the forward, written by
	 * the reporter: the spam's are those quoted in its text, or else
	 * unknown. */
	if (inline_fwd)
		block = fwd_block_find(a, m->text, &fb) ||
		    fwd_block_find(a, m->html_text, &fb);
	if ((rs = other_addresses(a, m, *reporter, block ? addr_in(a, fb.to) :
	    NULL, meta)) != RF_OK)
		goto done;
	if (inline_fwd) {
		if (block && fb.message_id != NULL)
			meta->message_id = rf_arena_strndup(a, fb.message_id +
			    (*fb.message_id == '<'), strcspn(fb.message_id +
			    (*fb.message_id == '<'), ">"));
		meta->date = block ? fb.date : NULL;
		from = block ? addr_in(a, fb.from) : NULL;
		/* a forward of the reporter's own mail names no sender */
		for (i = 0; from != NULL && i <= meta->nalso; i++)
			if ((i == 0 ? *reporter : meta->also[i - 1]) != NULL &&
			    strcasecmp(from, i == 0 ? *reporter :
			    meta->also[i - 1]) == 0)
				from = NULL;
		meta->sender_domain = domain_of(a, from);
	} else {
		meta->message_id = rf_arena_strdup(a, suspect->message_id);
		meta->date = rf_arena_strdup(a, suspect->date);
		meta->sender_domain = domain_of(a, suspect->from_addr);
		meta->has_list_id = suspect->list_id != NULL;
		meta->has_list_unsubscribe = suspect->list_unsubscribe != NULL;
	}
	if (meta->message_id != NULL && *meta->message_id == '\0')
		meta->message_id = NULL;
	if (meta->date != NULL && *meta->date == '\0')
		meta->date = NULL;
	/* Some bulk senders put the recipient in the Message-ID; a quoted
	 * Date: line is the reporter's text.  One empty rule set for every
	 * check (an unparsed one keeps them: the check then finds none,
	 * as before). */
	if (meta->message_id != NULL || (inline_fwd && meta->date != NULL))
		(void)rf__hl_rules(NULL, &none, &empty, NULL);
	for (i = 0; i <= meta->nalso; i++) {
		const char *who = i == 0 ? *reporter : meta->also[i - 1];

		if (identifies(ctx, empty, a, meta->message_id, who))
			meta->message_id = NULL;
		if (inline_fwd && identifies(ctx, empty, a, meta->date, who))
			meta->date = NULL;
	}
	{
		rf_fingerprint *fp = rf_arena_alloc(a, sizeof(*fp));

		if (fp == NULL) {
			rs = RF_ENOMEM;
			goto done;
		}
		/* Without the reporter's address and name words, copies sent
		 * to different reporters fingerprint alike. */
		if ((rs = rf_fingerprint_message(ctx, suspect, *reporter, NULL,
		    fp, err)) != RF_OK)
			goto out;	/* err says why */
		if (fp->kind != RF_FP_EMPTY)
			meta->fp = fp;
	}
done:
	if (rs != RF_OK)
		rs = rf_error_set(err, rs, "out of memory");
out:
	rf_rules_free(none);
	return rs;
}
