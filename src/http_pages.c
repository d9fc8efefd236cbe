/*
 * http_pages.c - the hotline's pages: sign-in, queue, case, new report,
 * statistics (with an inline SVG chart), audit log, users.  Every string
 * from the store is escaped (html_printf); reported URLs appear only as
 * defanged text, never as links.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "cli.h"
#include "http.h"

static const struct nav {
	const char *key, *href, *label;
	unsigned perm;
} navs[] = {
	{ "queue", "/queue", "Queue", RF_PERM_VIEW },
	{ "submit", "/submit", "New report", RF_PERM_SUBMIT },
	{ "stats", "/stats", "Statistics", RF_PERM_STATS },
	{ "audit", "/audit", "Audit log", RF_PERM_AUDIT },
	{ "users", "/users", "Users", RF_PERM_USERS },
};

void
page_begin(struct http_req *r, struct http_resp *o, const char *title,
	   const char *nav)
{
	rf_buf *b = &o->body;
	size_t i;

	html_printf(b, "<!doctype html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
	    "content=\"width=device-width,initial-scale=1\">"
	    "<title>%s \xc2\xb7 redflag hotline</title>"
	    "<link rel=\"icon\" href=\"/static/favicon.svg\">"
	    "<link rel=\"stylesheet\" href=\"/static/app.css\">"
	    "<script src=\"/static/app.js\" defer></script></head><body>"
	    "<header class=\"top\"><a class=\"brand\" href=\"/queue\">"
	    "<span class=\"mark\" aria-hidden=\"true\"></span>redflag "
	    "<b>hotline</b></a>", title);
	if (r->user != NULL) {
		rf_buf_puts(b, "<nav>");
		for (i = 0; i < sizeof(navs) / sizeof(navs[0]); i++) {
			if (!rf_hotline_may(r->role, navs[i].perm))
				continue;
			/* markup, not a %s (which would be escaped) */
			html_printf(b, "<a href=\"%s\"", navs[i].href);
			if (strcmp(nav, navs[i].key) == 0)
				rf_buf_puts(b, " class=\"on\" "
				    "aria-current=\"page\"");
			html_printf(b, ">%s</a>", navs[i].label);
		}
		html_printf(b, "</nav><div class=\"who\"><span>%s</span>"
		    "<span class=\"role\">%s</span><form method=\"post\" "
		    "action=\"/logout\">", r->user,
		    rf_hotline_role_name(r->role));
		csrf_input(r, b);
		rf_buf_puts(b, "<button class=\"linkish\">Sign out</button>"
		    "</form></div>");
	}
	rf_buf_puts(b, "</header><main>");
}

void
page_end(struct http_resp *o)
{
	rf_buf_puts(&o->body, "</main><footer>redflag hotline \xc2\xb7 "
	    "metadata only: reported addresses are never fetched, resolved "
	    "or opened by this system</footer></body></html>\n");
}

static void
age(char *out, size_t n, time_t t)
{
	long d = (long)(time(NULL) - t);

	if (d < 60)
		snprintf(out, n, "%lds", d < 0 ? 0 : d);
	else if (d < 3600)
		snprintf(out, n, "%ldm", d / 60);
	else if (d < 86400)
		snprintf(out, n, "%ldh", d / 3600);
	else
		snprintf(out, n, "%ldd", d / 86400);
}

/* badge: a state as a coloured label. */
static void
badge(rf_buf *b, rf_case_state s)
{
	html_printf(b, "<span class=\"badge s-%s\">%s</span>",
	    rf_case_state_name(s), rf_case_state_label(s));
}

/* cat_tag: the category of a case; a reporter's suggestion no analyst
 * has set yet is marked as one (it does not count in the priority). */
static void
cat_tag(rf_buf *b, rf_case_category c, int set)
{
	int sug = !set && c != RF_CAT_OTHER;

	html_printf(b, "<span class=\"cat c-%s%s\" title=\"%s%s\">%s%s"
	    "</span>", rf_case_category_name(c), sug ? " suggested" : "",
	    rf_case_category_label(c), sug ? " (a reporter's suggestion, not"
	    " counted in the priority until an analyst sets it)" : "",
	    c == RF_CAT_CSAM ? "CSAM" : rf_case_category_label(c),
	    sug ? " (suggested)" : "");
}

/* ---- sign-in ---- */

void
page_login(struct http_req *r, struct http_resp *o, const char *msg)
{
	unsigned char raw[32];
	char tok[65];
	rf_buf *b = &o->body;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(tok, sizeof(tok), raw, sizeof(raw));
	snprintf(o->cookie[1], sizeof(o->cookie[1]), "%s=%s; Path=/login; "
	    "HttpOnly; SameSite=Strict%s", LOGIN_COOKIE, tok,
	    r->srv->secure_cookies ? "; Secure" : "");
	r->user = NULL;
	page_begin(r, o, "Sign in", "");
	rf_buf_puts(b, "<section class=\"login panel\"><h1>Sign in</h1>");
	if (msg != NULL)
		html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>", msg);
	html_printf(b, "<form method=\"post\" action=\"/login\" class=\"stack\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	    "<label>User name<input name=\"user\" autocomplete=\"username\" "
	    "required autofocus></label>"
	    "<label>Password<input name=\"password\" type=\"password\" "
	    "autocomplete=\"current-password\" required></label>"
	    "<button class=\"primary\">Sign in</button></form></section>", tok);
	page_end(o);
}

/* ---- queue ---- */

struct qctx {
	rf_buf *b;
	rf_arena *a;
	int n;
};

static int
queue_row(void *arg, const rf_hotline_case *c)
{
	struct qctx *q = arg;
	rf_buf *b = q->b;
	char ago[32], when[32];

	age(ago, sizeof(ago), c->created);
	hl_fe_stamp(when, sizeof(when), c->created);
	html_printf(b, "<tr data-href=\"/case/%lld\"><td class=\"num\">"
	    "<a href=\"/case/%lld\">#%lld</a></td><td class=\"num prio\">%d"
	    "</td><td>", (long long)c->id, (long long)c->id, (long long)c->id,
	    c->priority);
	badge(b, c->state);
	if (c->appeal)
		rf_buf_puts(b, " <span class=\"badge appeal\">appeal</span>");
	rf_buf_puts(b, "</td><td>");
	cat_tag(b, c->category, c->category_set);
	html_printf(b, "</td><td class=\"url\"><code>%s</code></td>"
	    "<td>%s</td><td class=\"num\">%d</td>"
	    "<td class=\"num\" title=\"%s UTC\">%s</td><td>%s</td></tr>",
	    rf_hotline_defang(q->a, c->canonical),
	    c->domain != NULL ? c->domain : "\xe2\x80\x94", c->nreports, when,
	    ago, c->assignee != NULL ? c->assignee : "");
	q->n++;
	return 0;
}

/*
 * pager: under one page of a long list (shown items, what: "case",
 * "record", from number off, of total), how many it shows of how many
 * and, when it is not all of them, links to the pages before and after
 * it (href: the link up to the offset's value, "/audit?offset=", not yet
 * escaped; page: queue_page_size, the page of every long list): never a
 * list cut short in silence.  id: the prefix of the ids of the line and
 * its links ("" for the list a page is about, "history-" for one of a
 * case page's); whole: say "N cases." also when the list is all on one
 * page.
 */
static void
pager(rf_buf *b, const char *id, const char *href, const char *what,
      unsigned long long off, int shown, int64_t total, unsigned page,
      int whole)
{
	unsigned long long next = off + (unsigned)shown;

	if (off == 0 && (int64_t)shown >= total) {
		if (whole)
			html_printf(b, "<p class=\"meta\" id=\"%sshown\">%d "
			    "%s%s.</p>", id, shown, what, shown == 1 ? "" :
			    "s");
		return;
	}
	if (shown > 0)
		html_printf(b, "<p class=\"meta\" id=\"%sshown\">Showing %llu "
		    "to %llu of %lld %ss (a page is queue_page_size, %u).",
		    id, off + 1, next, (long long)total, what, page);
	else
		html_printf(b, "<p class=\"meta\" id=\"%sshown\">No %s from "
		    "number %llu: %lld in all.", id, what, off + 1,
		    (long long)total);
	if (off > 0)
		html_printf(b, " <a id=\"%sprev\" href=\"%s%llu\">Previous "
		    "%u</a>", id, href, off > page ? off - page : 0, page);
	if ((int64_t)next < total)
		html_printf(b, " <a id=\"%snext\" href=\"%s%llu\">Next %lld"
		    "</a>", id, href, next, total - (int64_t)next <
		    (int64_t)page ? (long long)(total - (int64_t)next) :
		    (long long)page);
	rf_buf_puts(b, "</p>");
}

/* query_offset: the query argument name, an offset into a long list; a
 * bad one is the first page (0): it comes from a link, not a form. */
static unsigned
query_offset(struct http_req *r, const char *name)
{
	const char *s = http_query(r, name);
	unsigned long long v = 0;

	if (s == NULL || rf_parse_number(s, HL_OFFSET_MAX, 0, &v, NULL) !=
	    RF_OK)
		return 0;
	return (unsigned)v;
}

void
page_queue(struct http_req *r, struct http_resp *o)
{
	static const struct { const char *key, *label; int state, open; }
	    tabs[] = {
		{ "open", "Open", -1, 1 },
		{ "new", "New", RF_CASE_NEW, 0 },
		{ "in_review", "In review", RF_CASE_IN_REVIEW, 0 },
		{ "red_flag", "Red flag", RF_CASE_RED_FLAG, 0 },
		{ "referred", "Referred", RF_CASE_REFERRED, 0 },
		{ "closed", "Closed", RF_CASE_CLOSED, 0 },
		{ "all", "All", -1, 0 },
	};
	const char *view = http_query(r, "view");
	rf_hotline_filter f = { 1, -1, NULL, 0, 0 };
	rf_hotline_limits lim;
	struct qctx q = { &o->body, r->arena, 0 };
	rf_buf *b = &o->body;
	rf_error err;
	size_t i, sel = 0;
	int64_t total = 0;
	rf_status st;

	for (i = 0; view != NULL && i < sizeof(tabs) / sizeof(tabs[0]); i++)
		if (strcmp(view, tabs[i].key) == 0)
			sel = i;
	f.open_only = tabs[sel].open;
	f.state = tabs[sel].state;
	f.offset = query_offset(r, "offset");
	rf_hotline_limits_get(r->srv->fe->h, &lim);
	page_begin(r, o, "Queue", "queue");
	rf_buf_puts(b, "<div class=\"bar\"><h1>Queue</h1><div class=\"tabs\">");
	for (i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++) {
		html_printf(b, "<a href=\"/queue?view=%s\"", tabs[i].key);
		if (i == sel)	/* markup: not through a %s */
			rf_buf_puts(b, " class=\"on\"");
		html_printf(b, ">%s</a>", tabs[i].label);
	}
	rf_buf_puts(b, "</div><input id=\"filter\" type=\"search\" "
	    "placeholder=\"Filter (press /)\" aria-label=\"Filter the "
	    "queue\"></div>");
	rf_buf_puts(b, "<table class=\"grid queue\"><thead><tr>"
	    "<th class=\"num\">Case</th><th class=\"num\">Prio</th>"
	    "<th>State</th><th>Category</th><th>URL (defanged)</th>"
	    "<th>Domain</th><th class=\"num\">Reports</th>"
	    "<th class=\"num\">Age</th><th>Assignee</th></tr></thead><tbody>");
	if ((st = rf_hotline_queue_count(r->srv->fe->h, &f, &total,
	    &err)) == RF_OK)
		st = rf_hotline_queue(r->srv->fe->h, &f, queue_row, &q, &err);
	if (st != RF_OK)
		html_printf(b, "<tr><td colspan=\"9\" class=\"error\">%s"
		    "</td></tr>", err.msg);
	else if (q.n == 0)
		rf_buf_puts(b, "<tr><td colspan=\"9\" class=\"empty\">Nothing "
		    "here.</td></tr>");
	rf_buf_puts(b, "</tbody></table>");
	pager(b, "", rf_arena_printf(r->arena, "/queue?view=%s&offset=",
	    tabs[sel].key), "case", f.offset, q.n, total,
	    lim.queue_page_size, 1);
	rf_buf_puts(b, "<p class=\"meta\">By priority, then oldest first. "
	    "Priority: category weight (CSAM 400, phishing and malware 200, "
	    "fraud 100) once an analyst sets the category (a reporter's "
	    "suggestion counts nothing) plus one per report.</p>");
	page_end(o);
}

/* ---- case ---- */

struct cctx {
	struct http_req *r;
	rf_buf *b;
	int n;
};

static int
report_row(void *arg, const rf_hotline_report_row *p)
{
	struct cctx *c = arg;
	rf_buf *b = c->b;
	char when[32];

	hl_fe_stamp(when, sizeof(when), p->received);
	html_printf(b, "<tr><td class=\"num\">%lld</td><td class=\"num\">%s"
	    "</td><td>%s</td><td class=\"url\"><code>%s</code></td>"
	    "<td class=\"num\">%u</td><td>", (long long)p->id, when,
	    p->source, url_ascii(c->r->arena, rf_hotline_defang(c->r->arena,
	    p->url_clean)), p->scrubbed);
	if (p->sender_domain != NULL || p->message_id != NULL)
		html_printf(b, "%s<br><span class=\"meta\">List-Id %s, "
		    "List-Unsubscribe %s</span>", p->sender_domain != NULL ?
		    url_ascii(c->r->arena, p->sender_domain) : "?",
		    p->has_list_id ? "yes" : "no",
		    p->has_list_unsubscribe ? "yes" : "no");
	else
		rf_buf_puts(b, "<span class=\"meta\">\xe2\x80\x94</span>");
	html_printf(b, "</td><td>%s", p->category != NULL ? p->category :
	    "");
	if (p->has_raw)		/* markup: not through a %s */
		rf_buf_puts(b, " <span class=\"tag\">raw sealed</span>");
	if (p->has_contact)
		rf_buf_puts(b, " <span class=\"tag\">contact</span>");
	html_printf(b, "</td><td class=\"comment\">%s</td><td>",
	    p->comment != NULL ? p->comment : "");
	if ((p->has_raw || p->has_contact) &&
	    rf_hotline_may(c->r->role, RF_PERM_RAW)) {
		html_printf(b, "<form method=\"post\" class=\"inline\" "
		    "action=\"/case/%lld/action\">", (long long)p->case_id);
		csrf_input(c->r, b);
		html_printf(b, "<input type=\"hidden\" name=\"report\" "
		    "value=\"%lld\"><input name=\"why\" required "
		    "placeholder=\"reason (audited)\" class=\"short\">",
		    (long long)p->id);
		if (p->has_raw)
			rf_buf_puts(b, "<button name=\"action\" value=\"raw\">"
			    "Raw</button>");
		if (p->has_contact)
			rf_buf_puts(b, "<button name=\"action\" "
			    "value=\"contact\">Contact</button>");
		rf_buf_puts(b, "</form>");
	}
	rf_buf_puts(b, "</td></tr>");
	c->n++;
	return 0;
}

static int
related_row(void *arg, const rf_hotline_case *k, const char *why)
{
	struct cctx *c = arg;

	html_printf(c->b, "<li><a href=\"/case/%lld\">#%lld</a> ",
	    (long long)k->id, (long long)k->id);
	badge(c->b, k->state);
	html_printf(c->b, " <code>%s</code> <span class=\"meta\">same %s"
	    "</span></li>", rf_hotline_defang(c->r->arena, k->canonical), why);
	c->n++;
	return 0;
}

static int
history_row(void *arg, const rf_hotline_audit_row *a)
{
	struct cctx *c = arg;
	char when[32];

	hl_fe_stamp(when, sizeof(when), a->when);
	html_printf(c->b, "<li><span class=\"meta\">%s</span> <b>%s</b> "
	    "<span class=\"role\">%s</span> %s <span class=\"detail\">%s"
	    "</span>", when, a->actor, a->role, a->action, a->detail);
	if (*a->reason != '\0')
		html_printf(c->b, " \xe2\x80\x94 <i>%s</i>", a->reason);
	rf_buf_puts(c->b, "</li>");
	c->n++;
	return 0;
}

static int
referral_row(void *arg, const rf_hotline_referral *f)
{
	struct cctx *c = arg;
	char when[32];

	hl_fe_stamp(when, sizeof(when), f->when);
	html_printf(c->b, "<li>%s to <b>%s</b>, reference <code>%s</code> "
	    "(%s) by %s</li>", when, f->target, f->reference, f->format,
	    f->actor);
	c->n++;
	return 0;
}

/* action_form: one form posting action (and its fields) to the case. */
static void
form_open(struct http_req *r, rf_buf *b, int64_t id, const char *cls)
{
	html_printf(b, "<form method=\"post\" class=\"%s\" "
	    "action=\"/case/%lld/action\">", cls, (long long)id);
	csrf_input(r, b);
}

/* assess_category: the assessment form's category, set with a red flag
 * in the same step: the one an analyst set, else none picked ("choose":
 * a red flag is then refused with the reason), the reporter's
 * suggestion marked in the list but never picked for the analyst. */
static void
assess_category(rf_buf *b, const rf_hotline_case *c)
{
	int sug = !c->category_set && c->category != RF_CAT_OTHER;
	int none = !c->category_set;
	unsigned i;

	rf_buf_puts(b, "<label>Category of a red flag<select "
	    "name=\"assess_category\" id=\"assess_category\">");
	if (none)
		rf_buf_puts(b, "<option value=\"\" selected>\xe2\x80\x94 "
		    "choose \xe2\x80\x94</option>");
	for (i = 0; i < RF_CAT__COUNT; i++)
		html_printf(b, "<option value=\"%s\"%s>%s%s</option>",
		    rf_case_category_name((rf_case_category)i),
		    !none && (unsigned)c->category == i ? " selected" : "",
		    rf_case_category_label((rf_case_category)i),
		    sug && (unsigned)c->category == i ? " (suggested)" : "");
	rf_buf_puts(b, "</select></label>");
}

static void
actions(struct http_req *r, rf_buf *b, const rf_hotline_case *c)
{
	int review = rf_hotline_may(r->role, RF_PERM_REVIEW);
	int refer = rf_hotline_may(r->role, RF_PERM_REFER);
	int appeal = rf_hotline_may(r->role, RF_PERM_APPEAL);
	int assessed = c->state == RF_CASE_RED_FLAG ||
	    c->state == RF_CASE_NOT_ILLEGAL ||
	    c->state == RF_CASE_OUT_OF_REMIT ||
	    c->state == RF_CASE_ACCESS_FAILED;
	unsigned i;

	rf_buf_puts(b, "<section class=\"panel actions\"><h2>Actions</h2>");
	if (!review && !refer) {
		rf_buf_puts(b, "<p class=\"meta\">Your role can view this case "
		    "but not change it.</p></section>");
		return;
	}
	if (review && c->state == RF_CASE_NEW) {
		form_open(r, b, c->id, "stack");
		rf_buf_puts(b, "<button class=\"primary\" name=\"action\" "
		    "value=\"review\">Take for review</button></form>");
	}
	if (review && c->state == RF_CASE_IN_REVIEW) {
		form_open(r, b, c->id, "stack");
		html_printf(b, "<label>Assessment<select name=\"outcome\" "
		    "id=\"outcome\">"
		    "<option value=\"red_flag\">Red flag \xe2\x80\x94 "
		    "confirmed</option>"
		    "<option value=\"not_illegal\">Not illegal</option>"
		    "<option value=\"out_of_remit\">Out of remit</option>"
		    "<option value=\"access_failed\">Access failed</option>"
		    "</select></label>");
		assess_category(b, c);
		html_printf(b, "<label>Reason<textarea name=\"why\" "
		    "rows=\"2\" required placeholder=\"what you saw, why\">"
		    "</textarea></label>");
		if (c->appeal)
			rf_buf_puts(b, "<p class=\"meta\">On appeal: another "
			    "analyst must reassess.</p>");
		rf_buf_puts(b, "<button class=\"primary\" name=\"action\" "
		    "value=\"assess\">Record assessment</button></form>");
	}
	if (review && c->state != RF_CASE_REFERRED &&
	    c->state != RF_CASE_CLOSED) {
		form_open(r, b, c->id, "row");
		rf_buf_puts(b, "<label>Category<select name=\"category\">");
		for (i = 0; i < RF_CAT__COUNT; i++)
			html_printf(b, "<option value=\"%s\"%s>%s</option>",
			    rf_case_category_name((rf_case_category)i),
			    (unsigned)c->category == i ? " selected" : "",
			    rf_case_category_label((rf_case_category)i));
		rf_buf_puts(b, "</select></label><button name=\"action\" "
		    "value=\"category\">Set</button></form>");
	}
	if (refer && (c->state == RF_CASE_RED_FLAG ||
	    c->state == RF_CASE_REFERRED)) {
		form_open(r, b, c->id, "stack");
		html_printf(b, "<h3>Refer to law enforcement</h3>"
		    "<label>Target<input name=\"target\" required "
		    "value=\"law enforcement\"></label><label>Reference"
		    "<input name=\"reference\" placeholder=\"automatic\">"
		    "</label><label>Format<select name=\"format\">"
		    "<option value=\"xarf\">X-ARF v4 (JSON)</option>"
		    "<option value=\"csv\">CSV</option></select></label>"
		    "<button class=\"primary danger\" name=\"action\" "
		    "value=\"export\">Export and refer</button></form>");
	}
	if (review && (c->state == RF_CASE_RED_FLAG ||
	    c->state == RF_CASE_REFERRED || assessed ||
	    c->state == RF_CASE_MONITORING)) {
		form_open(r, b, c->id, "row");
		rf_buf_puts(b, "<input name=\"why\" placeholder=\"note\">");
		if (c->state == RF_CASE_RED_FLAG ||
		    c->state == RF_CASE_REFERRED)
			rf_buf_puts(b, "<button name=\"action\" "
			    "value=\"monitoring\">Monitor</button>");
		rf_buf_puts(b, "<button name=\"action\" value=\"close\">"
		    "Close</button></form>");
	}
	if (appeal && (assessed || c->state == RF_CASE_CLOSED) &&
	    c->assessed_by != NULL) {
		form_open(r, b, c->id, "row");
		rf_buf_puts(b, "<input name=\"why\" required placeholder="
		    "\"grounds of appeal\"><button name=\"action\" "
		    "value=\"appeal\">Appeal</button></form>");
	}
	rf_buf_puts(b, "</section>");
}

void
page_case(struct http_req *r, struct http_resp *o, int64_t id,
	  const char *notice)
{
	rf_hotline *h = r->srv->fe->h;
	struct cctx c = { r, &o->body, 0 };
	rf_hotline_case k;
	rf_hotline_limits lim;
	rf_buf *b = &o->body;
	rf_error err;
	char title[40], when[32], last[32], obj[40];
	/* the case's referrals and history a page at a time, as the queue */
	unsigned roff = query_offset(r, "referrals");
	unsigned hoff = query_offset(r, "history");
	int64_t total = 0;
	int more = RF_RELATED_ALL;

	if (rf_hotline_case_get(h, id, r->arena, &k, &err) != RF_OK) {
		http_error(r, o, err.status == RF_ENOTFOUND ? 404 : 500,
		    err.msg);
		return;
	}
	snprintf(title, sizeof(title), "Case %lld", (long long)id);
	hl_fe_stamp(when, sizeof(when), k.created);
	hl_fe_stamp(last, sizeof(last), k.last_report);
	page_begin(r, o, title, "queue");
	if (notice != NULL)
		html_printf(b, "<p class=\"notice\" role=\"status\">%s</p>",
		    notice);
	html_printf(b, "<div class=\"bar\"><h1>Case #%lld</h1>",
	    (long long)id);
	badge(b, k.state);
	cat_tag(b, k.category, k.category_set);
	if (k.appeal)
		rf_buf_puts(b, "<span class=\"badge appeal\">on appeal</span>");
	rf_buf_puts(b, "</div><div class=\"cols\"><div class=\"main\">");
	html_printf(b, "<section class=\"panel\"><div class=\"canon\">"
	    "<span class=\"label\">Canonical URL (defanged, not a link)"
	    "</span><code id=\"canonical\">%s</code></div><dl class=\"facts\">"
	    "<dt>Host</dt><dd><code>%s</code></dd><dt>Domain</dt><dd>%s</dd>"
	    "<dt>Reports</dt><dd id=\"nreports\">%d</dd><dt>Priority</dt>"
	    "<dd>%d</dd><dt>Opened</dt><dd>%s UTC</dd><dt>Last report</dt>"
	    "<dd>%s UTC</dd><dt>Assignee</dt><dd>%s</dd><dt>Assessed by</dt>"
	    "<dd>%s</dd></dl></section>",
	    rf_hotline_defang(r->arena, k.canonical),
	    rf_hotline_defang(r->arena, k.host != NULL ? k.host : ""),
	    k.domain != NULL ? k.domain : "\xe2\x80\x94", k.nreports,
	    k.priority, when, last, k.assignee != NULL ? k.assignee :
	    "\xe2\x80\x94", k.assessed_by != NULL ? k.assessed_by :
	    "\xe2\x80\x94");
	rf_buf_puts(b, "<section class=\"panel\"><h2>Reports</h2>"
	    "<table class=\"grid reports\"><thead><tr><th class=\"num\">#"
	    "</th><th class=\"num\">Received (UTC)</th><th>Via</th>"
	    "<th>URL as reported, scrubbed (defanged)</th>"
	    "<th class=\"num\" title=\"identifying codes removed\">Codes"
	    "</th><th>Mail sender</th><th>Suggested</th><th>Comment</th>"
	    "<th></th></tr></thead><tbody>");
	if (rf_hotline_reports(h, id, report_row, &c, &err) != RF_OK)
		html_printf(b, "<tr><td colspan=\"9\">%s</td></tr>", err.msg);
	rf_buf_puts(b, "</tbody></table>");
	rf_hotline_limits_get(h, &lim);
	if (c.n < k.nreports) {		/* not cut short in silence */
		html_printf(b, "<p class=\"meta\" id=\"reports-shown\">%d of "
		    "%d reports shown, the oldest (max_reports_per_case, %u)."
		    "</p>", c.n, k.nreports, lim.max_reports_per_case);
	}
	rf_buf_puts(b, "</section>");
	c.n = 0;
	rf_buf_puts(b, "<section class=\"panel\"><h2>Related cases</h2><ul "
	    "class=\"plain\">");
	if (rf_hotline_related(h, id, related_row, &c, &more, &err) != RF_OK)
		html_printf(b, "<li class=\"error\">%s</li>", err.msg);
	else if (c.n == 0)
		rf_buf_puts(b, "<li class=\"meta\">None sharing the domain or "
		    "a spam campaign.</li>");
	else if (more != RF_RELATED_ALL)	/* not cut short in silence */
		html_printf(b, "<li class=\"meta\" id=\"related-more\">%d "
		    "related case%s shown, %s (queue_page_size, %u).</li>",
		    c.n, c.n == 1 ? "" : "s", more == RF_RELATED_MORE ?
		    "more not shown" : "the campaign search stopped at its "
		    "bound: more may be related", lim.queue_page_size);
	rf_buf_puts(b, "</ul></section></div><aside class=\"side\">");
	actions(r, b, &k);
	c.n = 0;
	rf_buf_puts(b, "<section class=\"panel\"><h2>Referrals</h2><ul "
	    "class=\"plain\">");
	if (rf_hotline_referral_count(h, id, &total, &err) != RF_OK ||
	    rf_hotline_referrals(h, id, 0, roff, referral_row, &c, &err) !=
	    RF_OK)
		html_printf(b, "<li class=\"error\">%s</li>", err.msg);
	else if (total == 0)
		rf_buf_puts(b, "<li class=\"meta\">None yet.</li>");
	rf_buf_puts(b, "</ul>");
	pager(b, "referrals-", rf_arena_printf(r->arena, "/case/%lld?"
	    "referrals=", (long long)id), "referral", roff, c.n, total,
	    lim.queue_page_size, 0);
	c.n = 0;
	total = 0;
	rf_buf_puts(b, "</section><section class=\"panel\"><h2>History"
	    "</h2><ul class=\"history\">");
	snprintf(obj, sizeof(obj), "case:%lld", (long long)id);
	if (rf_hotline_audit_count(h, obj, &total, &err) != RF_OK ||
	    rf_hotline_audit_list(h, obj, 0, hoff, history_row, &c, &err) !=
	    RF_OK)
		html_printf(b, "<li class=\"error\">%s</li>", err.msg);
	rf_buf_puts(b, "</ul>");
	pager(b, "history-", rf_arena_printf(r->arena, "/case/%lld?history=",
	    (long long)id), "record", hoff, c.n, total, lim.queue_page_size,
	    0);
	rf_buf_puts(b, "</section></aside></div>");
	page_end(o);
}

/* ---- new report ---- */

void
page_submit(struct http_req *r, struct http_resp *o, const char *msg)
{
	rf_buf *b = &o->body;
	unsigned i;

	page_begin(r, o, "New report", "submit");
	rf_buf_puts(b, "<div class=\"bar\"><h1>New report</h1></div>"
	    "<section class=\"panel narrow\">");
	if (msg != NULL)
		html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>", msg);
	rf_buf_puts(b, "<form method=\"post\" action=\"/submit\" "
	    "class=\"stack\">");
	csrf_input(r, b);
	rf_buf_puts(b, "<label>Web address(es), one per line<textarea "
	    "name=\"urls\" rows=\"4\" required spellcheck=\"false\">"
	    "</textarea></label><label>Reporter's e-mail address <span "
	    "class=\"meta\">(only to remove their tracking codes; not "
	    "stored)</span><input name=\"reporter\" type=\"email\"></label>"
	    "<label>Category<select name=\"category\">"
	    "<option value=\"\">\xe2\x80\x94 not given \xe2\x80\x94</option>");
	for (i = 1; i < RF_CAT__COUNT; i++)
		html_printf(b, "<option value=\"%s\">%s</option>",
		    rf_case_category_name((rf_case_category)i),
		    rf_case_category_label((rf_case_category)i));
	rf_buf_puts(b, "<option value=\"other\">Other</option></select>"
	    "</label><label>Comment<textarea name=\"comment\" rows=\"3\">"
	    "</textarea></label><fieldset><legend>Contact details "
	    "(optional, kept apart from the case)</legend><label>Name<input "
	    "name=\"contact_name\"></label><label>E-mail<input "
	    "name=\"contact_email\"></label><label>Phone<input "
	    "name=\"contact_phone\"></label></fieldset><button "
	    "class=\"primary\">File report</button></form></section>");
	page_end(o);
}

/* ---- statistics ---- */

void
page_stats(struct http_req *r, struct http_resp *o)
{
	rf_hotline_stats s[12];
	rf_buf *b = &o->body;
	const char *want = http_query(r, "month");
	time_t now = time(NULL);
	struct tm tm;
	int y, m, i, max = 1, sel = 11, step;
	rf_error err;
	char label[16];

	gmtime_r(&now, &tm);
	y = tm.tm_year + 1900;
	m = tm.tm_mon + 1;
	if (want != NULL && rf_hotline_parse_month(want, &y, &m) != 0) {
		/* said, not the current month shown as if it were asked */
		http_error(r, o, 400, "month: give YYYY-MM (01 to 12)");
		return;
	}
	/* The twelve months ending with the one asked for. */
	for (i = 11; i >= 0; i--) {
		/* before 1970 (the chart of 1970's months): nothing */
		memset(&s[i], 0, sizeof(s[i]));
		s[i].year = y;
		s[i].month = m;
		if (y >= 1970 && rf_hotline_stats_month(r->srv->fe->h, y, m,
		    &s[i], &err) != RF_OK) {
			http_error(r, o, 500, err.msg);
			return;
		}
		if ((int)s[i].reports > max)
			max = (int)s[i].reports;
		if (--m == 0) {
			m = 12;
			y--;
		}
	}
	/* A round top for the axis: 4 steps of 1, 2 or 5 times 10^k. */
	for (i = 0, step = 1; step * 4 < max; i++)
		step = (i % 3 == 0 ? 2 : i % 3 == 1 ? 5 : 10) *
		    (step / (i % 3 == 0 ? 1 : i % 3 == 1 ? 2 : 5));
	max = step * 4;
	page_begin(r, o, "Statistics", "stats");
	html_printf(b, "<div class=\"bar\"><h1>Statistics</h1><form "
	    "method=\"get\" action=\"/stats\" class=\"row\"><input "
	    "type=\"month\" name=\"month\" value=\"%04d-%02d\"><button>Show"
	    "</button></form></div>", s[sel].year, s[sel].month);
	html_printf(b, "<section class=\"panel\"><h2>%04d-%02d</h2>"
	    "<div class=\"figures\" id=\"figures\">"
	    "<div><b>%u</b><span>raw reports</span></div>"
	    "<div><b>%u</b><span>unique cases</span></div>"
	    "<div><b>%u</b><span>duplicates merged</span></div>"
	    "<div><b>%u</b><span>red flags</span></div>"
	    "<div><b>%u</b><span>referrals</span></div></div></section>",
	    s[sel].year, s[sel].month, s[sel].reports, s[sel].cases,
	    s[sel].duplicates, s[sel].red_flags, s[sel].referrals);
	/* Inline SVG: per month, reports (bar), unique cases (inner bar),
	 * red flags (marker). */
	rf_buf_puts(b, "<section class=\"panel\"><h2>Last twelve months</h2>"
	    "<svg id=\"chart\" class=\"chart\" viewBox=\"0 0 720 240\" "
	    "role=\"img\" aria-label=\"Reports, unique cases and red flags "
	    "per month\">");
	for (i = 0; i <= 4; i++) {
		int yy = 200 - i * 45;

		html_printf(b, "<line x1=\"40\" x2=\"712\" y1=\"%d\" y2=\"%d\" "
		    "class=\"gridline\"/><text x=\"34\" y=\"%d\" "
		    "class=\"axis\" text-anchor=\"end\">%d</text>", yy, yy,
		    yy + 4, step * i);
	}
	for (i = 0; i < 12; i++) {
		int x = 48 + i * 56;
		int hr = (int)s[i].reports * 180 / max;
		int hc = (int)s[i].cases * 180 / max;
		int hf = (int)s[i].red_flags * 180 / max;

		snprintf(label, sizeof(label), "%04d-%02d", s[i].year,
		    s[i].month);
		html_printf(b, "<g><title>%s: %u report%s, %u case%s, %u "
		    "red flag%s, %u referral%s</title><rect class=\"b-reports\" "
		    "x=\"%d\" y=\"%d\" width=\"18\" height=\"%d\"/>"
		    "<rect class=\"b-cases\" x=\"%d\" y=\"%d\" width=\"18\" "
		    "height=\"%d\"/><rect class=\"b-flags\" x=\"%d\" y=\"%d\" "
		    "width=\"10\" height=\"%d\"/><text x=\"%d\" y=\"222\" "
		    "class=\"axis\" text-anchor=\"middle\">%s</text></g>",
		    label, s[i].reports, cli_plural(s[i].reports, "s"),
		    s[i].cases, cli_plural(s[i].cases, "s"), s[i].red_flags,
		    cli_plural(s[i].red_flags, "s"), s[i].referrals,
		    cli_plural(s[i].referrals, "s"), x, 200 - hr, hr, x + 20, 200 - hc, hc,
		    x + 40, 200 - hf, hf, x + 24, label + 2);
	}
	rf_buf_puts(b, "</svg><p class=\"legend\"><span class=\"k-reports\">"
	    "</span>raw reports <span class=\"k-cases\"></span>unique cases "
	    "<span class=\"k-flags\"></span>red flags</p></section>");
	rf_buf_puts(b, "<section class=\"panel\"><table class=\"grid\"><thead>"
	    "<tr><th>Month</th><th class=\"num\">Reports</th><th "
	    "class=\"num\">Cases</th><th class=\"num\">New cases</th><th "
	    "class=\"num\">Duplicates</th><th class=\"num\">Red flags</th>"
	    "<th class=\"num\">Referrals</th></tr></thead><tbody>");
	for (i = 11; i >= 0; i--)
		html_printf(b, "<tr><td>%04d-%02d</td><td class=\"num\">%u</td>"
		    "<td class=\"num\">%u</td><td class=\"num\">%u</td>"
		    "<td class=\"num\">%u</td><td class=\"num\">%u</td>"
		    "<td class=\"num\">%u</td></tr>", s[i].year, s[i].month,
		    s[i].reports, s[i].cases, s[i].new_cases, s[i].duplicates,
		    s[i].red_flags, s[i].referrals);
	rf_buf_puts(b, "</tbody></table></section>");
	page_end(o);
}

/* ---- audit log and users ---- */

/* audit_row: one row of the audit log, counted in struct cctx. */
static int
audit_row(void *arg, const rf_hotline_audit_row *a)
{
	struct cctx *c = arg;
	rf_buf *b = c->b;
	char when[32];

	hl_fe_stamp(when, sizeof(when), a->when);
	html_printf(b, "<tr><td class=\"num\">%lld</td><td class=\"num\">%s"
	    "</td><td>%s</td><td><span class=\"role\">%s</span></td><td>%s"
	    "</td><td>%s</td><td>%s</td><td>%s</td><td class=\"hash\">"
	    "<code>%.12s</code></td></tr>", (long long)a->seq, when, a->actor,
	    a->role, a->action, a->object, a->detail, a->reason, a->hash);
	c->n++;
	return 0;
}

void
page_audit(struct http_req *r, struct http_resp *o)
{
	rf_buf *b = &o->body;
	struct cctx c = { r, b, 0 };
	rf_hotline_limits lim;
	unsigned off = query_offset(r, "offset");
	int64_t total = 0;
	rf_error err;

	rf_hotline_limits_get(r->srv->fe->h, &lim);
	page_begin(r, o, "Audit log", "audit");
	rf_buf_puts(b, "<div class=\"bar\"><h1>Audit log</h1><form "
	    "method=\"post\" action=\"/audit/verify\">");
	csrf_input(r, b);
	rf_buf_puts(b, "<button>Verify the hash chain</button></form></div>"
	    "<section class=\"panel\"><table class=\"grid\"><thead><tr><th "
	    "class=\"num\">#</th><th class=\"num\">When (UTC)</th><th>Who"
	    "</th><th>Role</th><th>Action</th><th>Object</th><th>What</th>"
	    "<th>Why</th><th>Hash</th></tr></thead><tbody>");
	if (rf_hotline_audit_count(r->srv->fe->h, NULL, &total, &err) !=
	    RF_OK || rf_hotline_audit_list(r->srv->fe->h, NULL, 0, off,
	    audit_row, &c, &err) != RF_OK)
		html_printf(b, "<tr><td colspan=\"9\">%s</td></tr>", err.msg);
	rf_buf_puts(b, "</tbody></table>");
	/* a page of queue_page_size, never the log cut short in silence */
	pager(b, "", "/audit?offset=", "record", off, c.n, total,
	    lim.queue_page_size, 1);
	rf_buf_puts(b, "<p class=\"meta\">Newest first. Append-only; each "
	    "record's hash covers the one before.</p></section>");
	page_end(o);
}

void
page_users(struct http_req *r, struct http_resp *o, const char *msg)
{
	rf_buf *b = &o->body;

	page_begin(r, o, "Users", "users");
	rf_buf_puts(b, "<div class=\"bar\"><h1>Users</h1></div><section "
	    "class=\"panel narrow\">");
	if (msg != NULL)
		html_printf(b, "<p class=\"notice\" role=\"status\">%s</p>", msg);
	rf_buf_puts(b, "<form method=\"post\" action=\"/users\" "
	    "class=\"stack\">");
	csrf_input(r, b);
	rf_buf_puts(b, "<label>User name<input name=\"name\" required "
	    "pattern=\"[a-z0-9._-]{1,64}\"></label><label>Role<select "
	    "name=\"role\"><option>intake</option><option>analyst</option>"
	    "<option>supervisor</option><option>admin</option>"
	    "<option>auditor</option></select></label><label>Password "
	    "(10 characters or more)<input name=\"password\" "
	    "type=\"password\" minlength=\"10\" required "
	    "autocomplete=\"new-password\"></label><button class=\"primary\">"
	    "Add user</button></form></section>");
	page_end(o);
}
