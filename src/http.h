/*
 * http.h - the hotline's web server (libmicrohttpd): requests, responses,
 * forms, sessions, and the pages (http_pages.c) and actions
 * (http_actions.c) built on them.  One polling thread serves every
 * request, so the one rf_hotline handle is never used by two at once.
 */
#ifndef REDFLAG_HTTP_H
#define REDFLAG_HTTP_H

#include <stddef.h>

#include <redflag/redflag.h>

#include "hotline_fe.h"
#include "http_throttle.h"

#define SESSION_COOKIE "rf_session"
#define LOGIN_COOKIE "rf_login"

struct http_server {
	struct hl_fe *fe;
	size_t max_request_size;	/* bytes of one request body */
	unsigned max_connections;	/* open at once */
	unsigned max_connections_per_ip; /* of them from one address */
	unsigned request_timeout;	/* seconds a connection may be idle */
	unsigned login_max_failures;	/* failed sign-ins from one address */
	unsigned login_window;		/* within seconds, then refused as long */
	struct throttle *throttle;	/* their count (http_throttle.h) */
	long session_ttl;		/* seconds */
	int secure_cookies;		/* add Secure to cookies (HTTPS proxy) */
	rf_hotline_org org;		/* the hotline, in X-ARF exports */
};

/* A form or query field. */
struct http_field {
	char *name, *value;
};

struct http_req {
	struct http_server *srv;
	const char *method, *path;
	struct MHD_Connection *conn;
	rf_buf body;
	int too_big;
	struct http_field *form;	/* decoded body (urlencoded) */
	size_t nform;
	rf_arena *arena;		/* per request */
	/* The signed-in user, when there is a live session. */
	const char *user, *csrf;
	rf_hotline_role role;
	const char *session;		/* the cookie's token */
};

/* A response being built. */
struct http_resp {
	int status;
	const char *type;		/* Content-Type */
	rf_buf body;
	char location[256];		/* for redirects */
	char cookie[2][300];		/* Set-Cookie lines */
	const char *disposition;	/* Content-Disposition, or NULL */
	const char *allow;		/* a 405's Allow, NULL: the pages' */
	unsigned retry_after;		/* a 429's Retry-After, seconds */
};

/* http_field: the form field called name, or NULL. */
const char *http_form(const struct http_req *r, const char *name);
/* http_query: the query (GET) argument called name, or NULL. */
const char *http_query(const struct http_req *r, const char *name);

/* html_esc: s escaped for HTML text and attribute values. */
void html_esc(rf_buf *b, const char *s);
/* url_ascii: s with every byte outside printable ASCII as %XX (in a; s
 * itself when out of memory): a URL as reported may hold a right-to-left
 * override or look-alike letters that would make it read as another;
 * every display of a reported URL (case page, raw form) goes through it
 * and then html_esc.  NULL gives NULL. */
const char *url_ascii(rf_arena *a, const char *s);
/* html_printf: like rf_buf_printf but every %s argument is escaped. */
void html_printf(rf_buf *b, const char *fmt, ...);

/* Page framing: the head, top bar and navigation for r's user. */
void page_begin(struct http_req *r, struct http_resp *o, const char *title,
		const char *nav);
void page_end(struct http_resp *o);
/* csrf_input: the hidden CSRF field of a form. */
void csrf_input(struct http_req *r, rf_buf *b);

/* Error pages and redirects. */
void http_error(struct http_req *r, struct http_resp *o, int status,
		const char *msg);
void http_redirect(struct http_resp *o, const char *to);

/* Pages (GET). */
void page_login(struct http_req *r, struct http_resp *o, const char *msg);
void page_queue(struct http_req *r, struct http_resp *o);
void page_case(struct http_req *r, struct http_resp *o, int64_t id,
	       const char *notice);
void page_submit(struct http_req *r, struct http_resp *o, const char *msg);
void page_stats(struct http_req *r, struct http_resp *o);
void page_audit(struct http_req *r, struct http_resp *o);
void page_users(struct http_req *r, struct http_resp *o, const char *msg);

/* Actions (POST). */
void act_login(struct http_req *r, struct http_resp *o);
void act_logout(struct http_req *r, struct http_resp *o);
void act_case(struct http_req *r, struct http_resp *o, int64_t id);
void act_submit(struct http_req *r, struct http_resp *o);
void act_users(struct http_req *r, struct http_resp *o);
void act_audit_verify(struct http_req *r, struct http_resp *o);
void api_reports(struct http_req *r, struct http_resp *o);

/* http_run: serve srv on addr:port until SIGINT or SIGTERM, with one
 * polling thread: select() while max_connections fits under FD_SETSIZE,
 * poll() beyond (select() cannot watch a socket numbered 1024); raises
 * the soft limit on open files to max_connections plus a reserve (up to
 * the hard limit, lowering max_connections with a warning when that is
 * short); prints the address it listens on.  0, or -1 after a
 * diagnostic. */
int http_run(struct http_server *srv, const char *addr, unsigned port);

#endif
