/*
 * http_actions.c - what the hotline's forms and API do: sign-in and out,
 * case actions, filing reports (form and JSON API), adding users,
 * verifying the audit chain.  Every POST but the API and sign-in has
 * passed the session's CSRF check in http.c before it gets here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "cli.h"
#include "http.h"

static rf_hotline_actor
actor(const struct http_req *r)
{
	rf_hotline_actor a;

	a.name = r->user;
	a.role = r->role;
	return a;
}

/* now_mono: the seconds of a monotonic clock: a sign-in throttle neither
 * ends nor lasts on because the wall clock was set. */
static time_t
now_mono(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return time(NULL);
	return ts.tv_sec;
}

/*
 * act_login: a sign-in.  An address throttled (login_max_failures failed
 * within login_window seconds) is answered 429 with Retry-After, the
 * password not hashed; a wrong name or password counts against the
 * address, and the failure that throttles it is logged, once, with the
 * address only (never what was typed); a success clears its count.
 */
void
act_login(struct http_req *r, struct http_resp *o)
{
	struct http_server *srv = r->srv;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;
	const char *tok, *csrf;
	rf_hotline_role role;
	rf_error err;
	time_t now = now_mono();
	unsigned wait;
	char msg[128], name[64], esc[160];

	if ((wait = throttle_wait(srv->throttle, sa, now)) > 0) {
		snprintf(msg, sizeof(msg), "Too many failed sign-ins from "
		    "your address: try again in %u second%s.", wait,
		    cli_plural(wait, "s"));
		page_login(r, o, msg);
		o->status = 429;
		o->retry_after = wait;
		return;
	}
	if (rf_hotline_login(srv->fe->h, http_form(r, "user"),
	    http_form(r, "password"), srv->session_ttl, r->arena, &tok,
	    &csrf, &role, &err) != RF_OK) {
		if (err.status == RF_EINVAL && throttle_fail(srv->throttle, sa,
		    now))
			cli_warn("serve: sign-in from %s throttled: %u failed "
			    "within %u s (login_max_failures, login_window); "
			    "refused for %u s", cli_escape(esc, sizeof(esc),
			    throttle_name(sa, name, sizeof(name)), 46),
			    srv->login_max_failures, srv->login_window,
			    srv->login_window);
		page_login(r, o, err.status == RF_EINVAL ?
		    "Wrong user name or password." : "Sign-in failed.");
		o->status = 401;
		return;
	}
	throttle_clear(srv->throttle, sa);
	snprintf(o->cookie[0], sizeof(o->cookie[0]), "%s=%s; Path=/; "
	    "HttpOnly; SameSite=Strict; Max-Age=%ld%s", SESSION_COOKIE, tok,
	    srv->session_ttl, srv->secure_cookies ? "; Secure" : "");
	snprintf(o->cookie[1], sizeof(o->cookie[1]), "%s=; Path=/login; "
	    "HttpOnly; SameSite=Strict; Max-Age=0", LOGIN_COOKIE);
	http_redirect(o, "/queue");
}

void
act_logout(struct http_req *r, struct http_resp *o)
{
	rf_error err;

	rf_hotline_logout(r->srv->fe->h, r->session, &err);
	snprintf(o->cookie[0], sizeof(o->cookie[0]), "%s=; Path=/; HttpOnly; "
	    "SameSite=Strict; Max-Age=0", SESSION_COOKIE);
	http_redirect(o, "/login");
}

static int
status_of(const rf_error *err)
{
	if (err->status == RF_ENOTFOUND)
		return 404;
	if (err->status == RF_ELIMIT)
		return 413;
	if (err->status == RF_EINVAL)
		return 409;
	return 500;
}

/* result_page: a page showing text (escaped, in <pre>) after an action. */
static void
result_page(struct http_req *r, struct http_resp *o, int64_t id,
	    const char *title, const char *note, const char *text)
{
	char back[64];

	snprintf(back, sizeof(back), "/case/%lld", (long long)id);
	page_begin(r, o, title, "queue");
	html_printf(&o->body, "<div class=\"bar\"><h1>%s</h1><a "
	    "class=\"button\" href=\"%s\">Back to case #%lld</a></div>"
	    "<section class=\"panel\"><p class=\"notice\" role=\"status\">%s"
	    "</p><pre id=\"result\" class=\"export\">%s</pre></section>",
	    title, back, (long long)id, note, text);
	page_end(o);
}

static void
act_export(struct http_req *r, struct http_resp *o, int64_t id)
{
	rf_hotline_actor who = actor(r);
	const char *fmt = http_form(r, "format");
	rf_export_format f = fmt != NULL && strcmp(fmt, "csv") == 0 ?
	    RF_EXPORT_CSV : RF_EXPORT_XARF;
	rf_buf out;
	rf_error err;
	size_t n;

	rf_buf_init(&out, 0);
	/* no delivery callback: the export is the page shown to the
	 * analyst, made before the referral is committed; a page lost on
	 * the way shows the case referred, and exporting it again (allowed
	 * for a referred case) shows the export again */
	if (rf_hotline_export(r->srv->fe->h, &who, &id, 1, f, &r->srv->org,
	    http_form(r, "target"), http_form(r, "reference"), NULL, NULL,
	    &out, &n, &err) != RF_OK) {
		page_case(r, o, id, err.msg);
		o->status = status_of(&err);
	} else {
		result_page(r, o, id, f == RF_EXPORT_CSV ? "CSV export" :
		    "X-ARF export", "Exported and referred; the referral is "
		    "recorded on the case. URLs are defanged.",
		    rf_buf_cstr(&out));
	}
	rf_buf_free(&out);
}

static void
act_reveal(struct http_req *r, struct http_resp *o, int64_t id,
	   const char *what)
{
	rf_hotline_actor who = actor(r);
	const char *rep = http_form(r, "report"), *raw;
	rf_hotline_contact c;
	rf_error err;
	rf_buf text;
	int64_t rid = rep != NULL ? strtoll(rep, NULL, 10) : 0;
	rf_status st;

	rf_buf_init(&text, 0);
	if (strcmp(what, "raw") == 0) {
		st = rf_hotline_raw_read(r->srv->fe->h, &who, rid,
		    http_form(r, "why"), r->arena, &raw, &err);
		if (st == RF_OK)
			rf_buf_puts(&text, url_ascii(r->arena,
			    rf_hotline_defang(r->arena, raw)));
	} else {
		st = rf_hotline_contact_read(r->srv->fe->h, &who, rid,
		    http_form(r, "why"), r->arena, &c, &err);
		if (st == RF_OK)
			rf_buf_printf(&text, "name:  %s\ne-mail: %s\nphone: %s",
			    c.name != NULL ? c.name : "-",
			    c.email != NULL ? c.email : "-",
			    c.phone != NULL ? c.phone : "-");
	}
	if (st != RF_OK) {
		page_case(r, o, id, err.msg);
		o->status = status_of(&err);
	} else {
		result_page(r, o, id, strcmp(what, "raw") == 0 ?
		    "Raw form" : "Reporter contact", "This read is recorded "
		    "in the audit log.", rf_buf_cstr(&text));
	}
	rf_buf_free(&text);
}

void
act_case(struct http_req *r, struct http_resp *o, int64_t id)
{
	static const struct { const char *name; unsigned perm; } perms[] = {
		{ "review", RF_PERM_REVIEW }, { "assess", RF_PERM_REVIEW },
		{ "category", RF_PERM_REVIEW }, { "monitoring", RF_PERM_REVIEW },
		{ "close", RF_PERM_REVIEW }, { "export", RF_PERM_REFER },
		{ "appeal", RF_PERM_APPEAL }, { "raw", RF_PERM_RAW },
		{ "contact", RF_PERM_CONTACT },
	};
	const char *action = http_form(r, "action"), *why = http_form(r, "why");
	const char *form_cat;
	rf_hotline_actor who = actor(r);
	rf_hotline *h = r->srv->fe->h;
	rf_case_state s;
	rf_case_category cat;
	rf_error err;
	rf_status st;
	size_t i;
	char to[48];

	for (i = 0; action != NULL && i < sizeof(perms) / sizeof(perms[0]);
	    i++)
		if (strcmp(action, perms[i].name) == 0)
			break;
	if (action == NULL || i == sizeof(perms) / sizeof(perms[0])) {
		http_error(r, o, 400, "Unknown action.");
		return;
	}
	if (!rf_hotline_may(r->role, perms[i].perm)) {
		http_error(r, o, 403, "Your role may not do this.");
		return;
	}
	if (why != NULL && *why == '\0')
		why = NULL;
	if (strcmp(action, "export") == 0) {
		act_export(r, o, id);
		return;
	}
	if (strcmp(action, "raw") == 0 || strcmp(action, "contact") == 0) {
		act_reveal(r, o, id, action);
		return;
	}
	if (strcmp(action, "review") == 0) {
		st = rf_hotline_review(h, &who, id, why, &err);
	} else if (strcmp(action, "assess") == 0) {
		if (rf_case_state_parse(http_form(r, "outcome"), &s) != 0) {
			http_error(r, o, 400, "Unknown assessment.");
			return;
		}
		/* A red flag takes the category picked in the same form
		 * (one step); other outcomes leave the category alone.
		 * None picked: the library says to set it. */
		form_cat = http_form(r, "assess_category");
		if (s == RF_CASE_RED_FLAG && form_cat != NULL &&
		    *form_cat != '\0') {
			if (rf_case_category_parse(form_cat, &cat) != 0) {
				http_error(r, o, 400, "Unknown category.");
				return;
			}
			st = rf_hotline_assess_category(h, &who, id, s, cat,
			    why, &err);
		} else {
			st = rf_hotline_assess(h, &who, id, s, why, &err);
		}
	} else if (strcmp(action, "category") == 0) {
		if (rf_case_category_parse(http_form(r, "category"), &cat) !=
		    0) {
			http_error(r, o, 400, "Unknown category.");
			return;
		}
		st = rf_hotline_categorise(h, &who, id, cat, why, &err);
	} else if (strcmp(action, "appeal") == 0) {
		st = rf_hotline_appeal(h, &who, id, why, &err);
	} else {
		st = rf_hotline_set_state(h, &who, id,
		    strcmp(action, "close") == 0 ? RF_CASE_CLOSED :
		    RF_CASE_MONITORING, why, &err);
	}
	if (st != RF_OK) {
		page_case(r, o, id, err.msg);
		o->status = status_of(&err);
		return;
	}
	snprintf(to, sizeof(to), "/case/%lld", (long long)id);
	http_redirect(o, to);
}

/* ---- filing reports ---- */

/* why_not: a rejected URL's reason as the form's page says it, naming
 * the limit setting when a limit refused it. */
static const char *
why_not(const char *error)
{
	if (strstr(error, "max_url_len") != NULL)
		return "longer than max_url_len, the limit on one web address "
		    "(bytes; redflag serve --set max_url_len=N)";
	return error;
}

/* page_filed: the New report page after a form report of which some
 * lines were rejected: each line by its number (lines[i], the textarea's
 * line; never the URL, which is not scrubbed), filed with its case or
 * rejected with why; the form again below.  ok: how many were filed. */
static void
page_filed(struct http_req *r, struct http_resp *o,
	   const rf_hotline_report *rep, const rf_hotline_filed *out,
	   const unsigned *lines, size_t ok)
{
	rf_buf *b = &o->body;
	size_t i;

	page_begin(r, o, "New report", "submit");
	html_printf(b, "<div class=\"bar\"><h1>New report</h1><a class=\""
	    "button\" href=\"/submit\">New report</a></div><section "
	    "class=\"panel narrow\" id=\"filed\">");
	if (ok > 0)
		html_printf(b, "<p class=\"notice\" role=\"status\">Filed %zu "
		    "of %zu web addresses; the others were not filed.</p>", ok,
		    rep->nurls);
	html_printf(b, "<p class=\"error\" role=\"alert\">Not filed: %zu "
	    "line%s.</p><ul class=\"rejected\">", rep->nurls - ok,
	    rep->nurls - ok == 1 ? "" : "s");
	for (i = 0; i < rep->nurls; i++)
		if (out[i].error != NULL)
			html_printf(b, "<li>Line %u: %s</li>", lines[i],
			    why_not(out[i].error));
	rf_buf_puts(b, "</ul>");
	if (ok > 0) {
		rf_buf_puts(b, "<ul class=\"filed\">");
		for (i = 0; i < rep->nurls; i++)
			if (out[i].error == NULL)
				html_printf(b, "<li>Line %u: report #%lld, <a "
				    "href=\"/case/%lld\">case #%lld</a>%s</li>",
				    lines[i], (long long)out[i].report_id,
				    (long long)out[i].case_id,
				    (long long)out[i].case_id,
				    out[i].repeated ? " (the same page as an "
				    "earlier line)" : out[i].new_case ?
				    " (new case)" : "");
		rf_buf_puts(b, "</ul>");
	}
	rf_buf_puts(b, "</section>");
	page_end(o);
}

/* file_report: rep filed as who; lines: the form's line of each URL, or
 * NULL for the JSON API (whose answer is then JSON). */
static void
file_report(struct http_req *r, struct http_resp *o,
	    const rf_hotline_actor *who, rf_hotline_report *rep,
	    const unsigned *lines)
{
	rf_hotline_filed *out;
	rf_buf *b = &o->body;
	rf_error err;
	size_t i, ok = 0;
	int api = lines == NULL;

	out = rf_arena_array(r->arena, rep->nurls ? rep->nurls : 1,
	    sizeof(*out));
	if (out == NULL) {
		http_error(r, o, 500, "Out of memory.");
		return;
	}
	if (rf_hotline_submit(r->srv->fe->h, who, rep, out, &err) != RF_OK) {
		if (api) {
			o->status = err.status == RF_ELIMIT ? 413 :
			    err.status == RF_EINVAL ? 400 : 500;
			o->type = "application/json";
			rf_buf_puts(b, "{\"error\": \"");
			rf_buf_puts(b, err.status == RF_ELIMIT ? "too large" :
			    err.status == RF_EINVAL ? "bad report" :
			    "store failed");
			rf_buf_puts(b, "\"}\n");
		} else {
			page_submit(r, o, err.msg);
			/* a report refused as it is (an unknown category) */
			o->status = err.status == RF_EINVAL ? 400 :
			    status_of(&err);
		}
		return;
	}
	for (i = 0; i < rep->nurls; i++)
		ok += out[i].error == NULL;
	if (!api) {
		char to[48];

		/* a line rejected is shown, not dropped unseen behind
		 * the case of another */
		if (ok < rep->nurls) {
			page_filed(r, o, rep, out, lines, ok);
			if (ok == 0)
				o->status = 400;
			return;
		}
		snprintf(to, sizeof(to), "/case/%lld",
		    (long long)out[0].case_id);
		http_redirect(o, to);
		return;
	}
	o->status = ok > 0 ? 201 : 400;
	o->type = "application/json";
	rf_buf_puts(b, "{\"reports\": [");
	for (i = 0; i < rep->nurls; i++) {
		if (out[i].error != NULL)
			rf_buf_printf(b, "%s{\"error\": \"%s\"}", i ? ", " : "",
			    out[i].error);
		else
			rf_buf_printf(b, "%s{\"report\": %lld, \"case\": %lld, "
			    "\"new_case\": %s%s}", i ? ", " : "",
			    (long long)out[i].report_id,
			    (long long)out[i].case_id,
			    out[i].new_case ? "true" : "false",
			    out[i].repeated ? ", \"repeated\": true" : "");
	}
	rf_buf_puts(b, "]}\n");
}

void
act_submit(struct http_req *r, struct http_resp *o)
{
	rf_hotline_actor who = actor(r);
	rf_hotline_report rep;
	rf_hotline_contact c;
	const char *text = http_form(r, "urls"), **urls = NULL, *p;
	char *copy, *line, *save = NULL;
	size_t cap = 0, lcap = 0, n = 0;
	unsigned *lines = NULL, lineno = 1;

	memset(&rep, 0, sizeof(rep));
	if (text == NULL || (copy = rf_arena_strdup(r->arena, text)) == NULL) {
		page_submit(r, o, "Give at least one web address.");
		o->status = 400;
		return;
	}
	p = text;
	for (line = strtok_r(copy, "\r\n", &save); line != NULL;
	    line = strtok_r(NULL, "\r\n", &save)) {
		line += strspn(line, " \t");
		if (*line == '\0')
			continue;
		if (rf_arena_grow(r->arena, (void **)&urls, &cap, n,
		    sizeof(*urls)) != 0 || rf_arena_grow(r->arena,
		    (void **)&lines, &lcap, n, sizeof(*lines)) != 0) {
			http_error(r, o, 500, "Out of memory.");
			return;
		}
		/* its line in the textarea: the line ends (CRLF, LF or CR)
		 * before it, counted on from the last line's place */
		for (; p < text + (line - copy); p++)
			if (*p == '\n' || (*p == '\r' && p[1] != '\n'))
				lineno++;
		lines[n] = lineno;
		urls[n++] = line;
	}
	c.name = http_form(r, "contact_name");
	c.email = http_form(r, "contact_email");
	c.phone = http_form(r, "contact_phone");
	rep.source = "web";
	rep.urls = urls;
	rep.nurls = n;
	rep.reporter = http_form(r, "reporter");
	rep.category = http_form(r, "category");
	rep.comment = http_form(r, "comment");
	rep.contact = &c;
	if (n == 0) {
		page_submit(r, o, "Give at least one web address.");
		o->status = 400;
		return;
	}
	file_report(r, o, &who, &rep, lines);
}

void
act_users(struct http_req *r, struct http_resp *o)
{
	rf_hotline_actor who = actor(r);
	const char *name = http_form(r, "name");
	rf_error err;
	char msg[160];

	if (rf_hotline_user_add(r->srv->fe->h, &who, name,
	    rf_hotline_role_parse(http_form(r, "role")),
	    http_form(r, "password"), &err) != RF_OK) {
		page_users(r, o, err.msg);
		o->status = status_of(&err);
		return;
	}
	snprintf(msg, sizeof(msg), "User %s added.", name);
	page_users(r, o, msg);
}

void
act_audit_verify(struct http_req *r, struct http_resp *o)
{
	int64_t n, bad;
	rf_error err;
	char msg[RF_ERROR_MAX + 64];

	if (rf_hotline_audit_verify(r->srv->fe->h, &n, &bad, &err) != RF_OK)
		snprintf(msg, sizeof(msg), "BROKEN: %s", err.msg);
	else
		snprintf(msg, sizeof(msg), "Intact: %lld record%s, every "
		    "hash matches.", (long long)n, cli_plural((unsigned long long)n, "s"));
	page_begin(r, o, "Audit log", "audit");
	html_printf(&o->body, "<div class=\"bar\"><h1>Audit log</h1><a "
	    "class=\"button\" href=\"/audit\">Back</a></div><section "
	    "class=\"panel\"><p class=\"%s\" id=\"verify\">%s</p></section>",
	    strncmp(msg, "BROKEN", 6) == 0 ? "error" : "notice", msg);
	page_end(o);
}

/* ---- JSON API ---- */

struct json {
	const char *p, *end;
	rf_arena *a;
};

static void
ws(struct json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* put_utf8: code point cp (at most U+10FFFF) as UTF-8 into b. */
static void
put_utf8(rf_buf *b, unsigned cp)
{
	if (cp < 0x80) {
		rf_buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		rf_buf_putc(b, (char)(0xc0 | (cp >> 6)));
		rf_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		rf_buf_putc(b, (char)(0xe0 | (cp >> 12)));
		rf_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		rf_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		rf_buf_putc(b, (char)(0xf0 | (cp >> 18)));
		rf_buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
		rf_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		rf_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/* hex4: the four hex digits at p (before end) as a number, or -1. */
static long
hex4(const char *p, const char *end)
{
	long v = 0;
	int k, d;

	if (end - p < 4)
		return -1;
	for (k = 0; k < 4; k++) {
		d = p[k] >= '0' && p[k] <= '9' ? p[k] - '0' :
		    (p[k] | 32) >= 'a' && (p[k] | 32) <= 'f' ?
		    (p[k] | 32) - 'a' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* json_string: a JSON string at j->p, decoded; NULL when malformed.
 * \u0000 and lone surrogates become U+FFFD; a surrogate pair (\ud83d\ude00)
 * is the one code point it encodes. */
static char *
json_string(struct json *j)
{
	rf_buf b;
	char *out = NULL;

	ws(j);
	if (j->p >= j->end || *j->p != '"')
		return NULL;
	j->p++;
	rf_buf_init(&b, 0);
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p++;

		if (c < 0x20)
			goto done;
		if (c != '\\') {
			rf_buf_putc(&b, (char)c);
			continue;
		}
		if (j->p >= j->end)
			goto done;
		c = (unsigned char)*j->p++;
		switch (c) {
		case '"': case '\\': case '/': rf_buf_putc(&b, (char)c); break;
		case 'b': rf_buf_putc(&b, '\b'); break;
		case 'f': rf_buf_putc(&b, '\f'); break;
		case 'n': rf_buf_putc(&b, '\n'); break;
		case 'r': rf_buf_putc(&b, '\r'); break;
		case 't': rf_buf_putc(&b, '\t'); break;
		case 'u': {
			long cp = hex4(j->p, j->end), lo;

			if (cp < 0)
				goto done;
			j->p += 4;
			/* A high surrogate followed by a low one: one code
			 * point above U+FFFF (RFC 8259 section 7). */
			if (cp >= 0xd800 && cp <= 0xdbff && j->end - j->p >= 6 &&
			    j->p[0] == '\\' && j->p[1] == 'u' &&
			    (lo = hex4(j->p + 2, j->end)) >= 0xdc00 &&
			    lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				j->p += 6;
			}
			if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
				cp = 0xfffd;
			put_utf8(&b, (unsigned)cp);
			break;
		}
		default:
			goto done;
		}
	}
	if (j->p >= j->end)
		goto done;
	j->p++;
	out = rf_arena_strdup(j->a, rf_buf_cstr(&b));
done:
	rf_buf_free(&b);
	return out;
}

static int
json_char(struct json *j, char c)
{
	ws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return 1;
	}
	return 0;
}

/* json_object: {"key": value, ...}; fn gets each key and is positioned
 * at its value; returns 0 or -1. */
static int
json_object(struct json *j, int (*fn)(struct json *, const char *, void *),
	    void *arg)
{
	const char *key;

	if (!json_char(j, '{'))
		return -1;
	if (json_char(j, '}'))
		return 0;
	do {
		if ((key = json_string(j)) == NULL || !json_char(j, ':') ||
		    fn(j, key, arg) != 0)
			return -1;
	} while (json_char(j, ','));
	return json_char(j, '}') ? 0 : -1;
}

struct api_report {
	rf_hotline_report rep;
	rf_hotline_contact contact;
	const char **urls;
	size_t n, cap;
};

static int
contact_field(struct json *j, const char *key, void *arg)
{
	rf_hotline_contact *c = arg;
	char *v = json_string(j);

	if (v == NULL)
		return -1;
	if (strcmp(key, "name") == 0)
		c->name = v;
	else if (strcmp(key, "email") == 0)
		c->email = v;
	else if (strcmp(key, "phone") == 0)
		c->phone = v;
	return 0;
}

static int
add_url(struct json *j, struct api_report *a, char *v)
{
	if (v == NULL || rf_arena_grow(j->a, (void **)&a->urls, &a->cap, a->n,
	    sizeof(*a->urls)) != 0)
		return -1;
	a->urls[a->n++] = v;
	return 0;
}

static int
report_field(struct json *j, const char *key, void *arg)
{
	struct api_report *a = arg;

	if (strcmp(key, "contact") == 0)
		return json_object(j, contact_field, &a->contact);
	if (strcmp(key, "urls") == 0) {
		if (!json_char(j, '['))
			return -1;
		if (json_char(j, ']'))
			return 0;
		do {
			if (add_url(j, a, json_string(j)) != 0)
				return -1;
		} while (json_char(j, ','));
		return json_char(j, ']') ? 0 : -1;
	}
	if (strcmp(key, "url") == 0)
		return add_url(j, a, json_string(j));
	{
		char *v = json_string(j);

		if (v == NULL)
			return -1;
		if (strcmp(key, "reporter") == 0)
			a->rep.reporter = v;
		else if (strcmp(key, "category") == 0)
			a->rep.category = v;
		else if (strcmp(key, "comment") == 0)
			a->rep.comment = v;
	}
	return 0;
}

void
api_reports(struct http_req *r, struct http_resp *o)
{
	static const rf_hotline_actor pub = { "api", RF_ROLE_NONE };
	const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    "Content-Type");
	struct api_report a;
	struct json j;
	rf_case_category cat;

	o->type = "application/json";
	if (ct == NULL || strncmp(ct, "application/json", 16) != 0) {
		o->status = 415;
		rf_buf_puts(&o->body, "{\"error\": \"send application/json\"}\n");
		return;
	}
	memset(&a, 0, sizeof(a));
	j.p = r->body.data != NULL ? r->body.data : "";
	j.end = j.p + r->body.len;
	j.a = r->arena;
	if (json_object(&j, report_field, &a) != 0 || (ws(&j), j.p != j.end) ||
	    a.n == 0) {
		o->status = 400;
		rf_buf_puts(&o->body, "{\"error\": \"expected {\\\"urls\\\": "
		    "[...], ...}\"}\n");
		return;
	}
	if (a.rep.category != NULL && *a.rep.category != '\0' &&
	    rf_case_category_parse(a.rep.category, &cat) != 0) {
		/* a typo is refused, not filed as "other" */
		o->status = 400;
		rf_buf_puts(&o->body, "{\"error\": \"unknown category: give "
		    "csam, phishing, malware, fraud or other\"}\n");
		return;
	}
	a.rep.source = "api";
	a.rep.urls = a.urls;
	a.rep.nurls = a.n;
	a.rep.contact = &a.contact;
	file_report(r, o, &pub, &a.rep, NULL);
}
