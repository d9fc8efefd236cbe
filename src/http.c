/*
 * http.c - the web server's core: libmicrohttpd glue, request bodies
 * under max_request_size, forms, cookies, sessions, CSRF, security
 * headers, HTML escaping, routing and the built-in assets (web/).
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>
#include <uriparser/Uri.h>

#include "assets.h"
#include "cli.h"
#include "http.h"


/* ---- escaping ---- */

void
html_esc(rf_buf *b, const char *s)
{
	const char *p;

	for (p = s != NULL ? s : ""; *p; p++) {
		switch (*p) {
		case '<': rf_buf_puts(b, "&lt;"); break;
		case '>': rf_buf_puts(b, "&gt;"); break;
		case '&': rf_buf_puts(b, "&amp;"); break;
		case '"': rf_buf_puts(b, "&quot;"); break;
		case '\'': rf_buf_puts(b, "&#39;"); break;
		default:
			/* CR stays (the parser makes CR LF one line end: a
			 * CSV export copies from the page as CSV) */
			if ((unsigned char)*p < 0x20 && *p != '\n' &&
			    *p != '\t' && *p != '\r')
				rf_buf_puts(b, "\xef\xbf\xbd");
			else
				rf_buf_putc(b, *p);
		}
	}
}

const char *
url_ascii(rf_arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char *out, *o;

	if (s == NULL || (out = rf_arena_alloc(a, 3 * strlen(s) + 1)) == NULL)
		return s;
	for (p = (const unsigned char *)s, o = out; *p; p++) {
		if (*p > 0x20 && *p < 0x7f) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

void
html_printf(rf_buf *b, const char *fmt, ...)
{
	va_list ap;
	const char *p = fmt, *start;
	char num[64];
	int zero, width, prec, longs, size;

	va_start(ap, fmt);
	while (*p) {
		if (*p != '%') {
			start = p;
			while (*p && *p != '%')
				p++;
			rf_buf_append(b, start, (size_t)(p - start));
			continue;
		}
		p++;
		if (*p == '%') {
			rf_buf_putc(b, '%');
			p++;
			continue;
		}
		zero = *p == '0';
		width = 0;
		prec = -1;
		longs = size = 0;
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (*p++ - '0');
		if (*p == '.')
			for (prec = 0, p++; *p >= '0' && *p <= '9'; p++)
				prec = prec * 10 + (*p - '0');
		for (; *p == 'l' || *p == 'z'; p++)
			if (*p == 'l')
				longs++;
			else
				size = 1;
		if (*p == 's') {
			const char *v = va_arg(ap, const char *);

			if (prec >= 0 && v != NULL && strlen(v) > (size_t)prec) {
				char *cut = strndup(v, (size_t)prec);

				html_esc(b, cut);
				free(cut);
			} else {
				html_esc(b, v);
			}
		} else if (*p == 'd' || *p == 'u' || *p == 'x') {
			unsigned long long u;
			long long d = 0;
			int neg = 0, len;

			if (*p == 'd') {
				d = longs >= 2 ? va_arg(ap, long long) :
				    longs == 1 ? va_arg(ap, long) : size ?
				    (long long)va_arg(ap, ssize_t) :
				    va_arg(ap, int);
				neg = d < 0;
				u = neg ? 0ull - (unsigned long long)d :
				    (unsigned long long)d;
			} else {
				u = longs >= 2 ? va_arg(ap, unsigned long long) :
				    longs == 1 ? va_arg(ap, unsigned long) :
				    size ? va_arg(ap, size_t) :
				    va_arg(ap, unsigned);
			}
			len = snprintf(num, sizeof(num), *p == 'x' ? "%llx" :
			    "%llu", u);
			if (neg)
				rf_buf_putc(b, '-');
			for (; len + neg < width; width--)
				rf_buf_putc(b, zero ? '0' : ' ');
			rf_buf_puts(b, num);
		} else {
			break;
		}
		p++;
	}
	va_end(ap);
}

/* ---- forms ---- */

/*
 * url_decode: s (n bytes) form-decoded ('+' is a space, %XX escapes) into a
 * new arena string, by uriparser.  A decoded NUL would cut the value short:
 * such bytes are dropped.
 */
static char *
url_decode(rf_arena *a, const char *s, size_t n)
{
	char *o = rf_arena_alloc(a, n + 1), *q, *end;
	const char *p;

	if (o == NULL)
		return NULL;
	memcpy(o, s, n);
	o[n] = '\0';
	end = (char *)uriUnescapeInPlaceExA(o, URI_TRUE, URI_BR_DONT_TOUCH);
	for (p = q = o; p < end; p++)
		if (*p != '\0')
			*q++ = *p;
	*q = '\0';
	return o;
}

static int
parse_form(struct http_req *r)
{
	const char *p = r->body.data, *end, *amp, *eq;
	size_t cap = 0;

	if (p == NULL)
		return 0;
	end = p + r->body.len;
	while (p < end) {
		struct http_field *f;

		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == NULL)
			eq = amp;
		if (rf_arena_grow(r->arena, (void **)&r->form, &cap, r->nform,
		    sizeof(*r->form)) != 0)
			return -1;
		f = &r->form[r->nform++];
		f->name = url_decode(r->arena, p, (size_t)(eq - p));
		f->value = url_decode(r->arena, eq < amp ? eq + 1 : amp,
		    eq < amp ? (size_t)(amp - eq - 1) : 0);
		if (f->name == NULL || f->value == NULL)
			return -1;
		p = amp + 1;
	}
	return 0;
}

const char *
http_form(const struct http_req *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nform; i++)
		if (strcmp(r->form[i].name, name) == 0)
			return r->form[i].value;
	return NULL;
}

const char *
http_query(const struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
	    name);
}

/* ---- framing ---- */

void
csrf_input(struct http_req *r, rf_buf *b)
{
	html_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
	    r->csrf != NULL ? r->csrf : "");
}

void
http_redirect(struct http_resp *o, const char *to)
{
	o->status = 303;
	snprintf(o->location, sizeof(o->location), "%s", to);
	rf_buf_reset(&o->body);
}

void
http_error(struct http_req *r, struct http_resp *o, int status,
	   const char *msg)
{
	rf_buf_reset(&o->body);
	page_begin(r, o, "Error", "");
	o->status = status;
	html_printf(&o->body, "<section class=\"panel\"><h1>%d</h1>"
	    "<p class=\"error\">%s</p><p><a href=\"/queue\">Back to the "
	    "queue</a></p></section>", status, msg);
	page_end(o);
}

/* ---- sessions ---- */

static const char *
cookie(struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

static void
load_session(struct http_req *r)
{
	const char *tok = cookie(r, SESSION_COOKIE);
	rf_error err;

	if (tok == NULL)
		return;
	if (rf_hotline_session(r->srv->fe->h, tok, r->arena, &r->user,
	    &r->role, &r->csrf, &err) == RF_OK)
		r->session = tok;
	else
		r->user = r->csrf = NULL;
}

/* csrf_ok: the form's csrf field is the session's token (or, on the
 * login form, the login cookie's). */
static int
csrf_ok(struct http_req *r, const char *expect)
{
	return rf_hotline_token_equal(http_form(r, "csrf"), expect);
}

/* same_origin: a browser's Origin header, when sent, names this host
 * (defence in depth next to SameSite cookies and CSRF tokens). */
static int
same_origin(struct http_req *r)
{
	const char *origin = MHD_lookup_connection_value(r->conn,
	    MHD_HEADER_KIND, "Origin");
	const char *host = MHD_lookup_connection_value(r->conn,
	    MHD_HEADER_KIND, "Host");
	const char *rest;

	if (origin == NULL)
		return 1;
	if (host == NULL)
		return 0;
	if (strncmp(origin, "http://", 7) == 0)
		rest = origin + 7;
	else if (strncmp(origin, "https://", 8) == 0)
		rest = origin + 8;
	else
		return 0;
	return strcmp(rest, host) == 0;
}

/* ---- routing ---- */

static int
path_id(const char *path, const char *prefix, int64_t *id,
	const char **rest)
{
	size_t n = strlen(prefix);
	char *end;
	long long v;

	if (strncmp(path, prefix, n) != 0)
		return 0;
	v = strtoll(path + n, &end, 10);
	if (end == path + n || v <= 0)
		return 0;
	*id = v;
	*rest = end;
	return 1;
}

static void
asset(struct http_req *r, struct http_resp *o, const char *name)
{
	char path[80];
	const struct rf_asset *a;
	const char *dot;

	snprintf(path, sizeof(path), "web/%s", name);
	if (strchr(name, '/') != NULL || (a = asset_find(path)) == NULL) {
		http_error(r, o, 404, "No such file.");
		return;
	}
	dot = strrchr(name, '.');
	o->type = dot == NULL ? "application/octet-stream" :
	    strcmp(dot, ".css") == 0 ? "text/css; charset=utf-8" :
	    strcmp(dot, ".js") == 0 ? "text/javascript; charset=utf-8" :
	    strcmp(dot, ".svg") == 0 ? "image/svg+xml" :
	    "application/octet-stream";
	rf_buf_append(&o->body, a->data, a->len);
}

static int
needs(struct http_req *r, struct http_resp *o, unsigned perm)
{
	if (r->user == NULL) {
		http_redirect(o, "/login");
		return 0;
	}
	if (!rf_hotline_may(r->role, perm)) {
		http_error(r, o, 403, "Your role may not do this.");
		return 0;
	}
	return 1;
}

static void
route(struct http_req *r, struct http_resp *o)
{
	const char *rest;
	int64_t id;
	int get = strcmp(r->method, "GET") == 0 ||
	    strcmp(r->method, "HEAD") == 0;
	int post = strcmp(r->method, "POST") == 0;

	if (get && strncmp(r->path, "/static/", 8) == 0) {
		asset(r, o, r->path + 8);
		return;
	}
	/* the database at its path, before every request that reads it:
	 * one deleted or replaced meanwhile is opened again */
	if (hl_fe_current(r->srv->fe, "serve") != 0) {
		o->retry_after = 10;
		if (strcmp(r->path, "/api/reports") == 0) {
			o->status = 503;
			o->type = "application/json";
			rf_buf_puts(&o->body, "{\"error\": \"the hotline's "
			    "database cannot be opened\"}\n");
		} else {
			http_error(r, o, 503, "The hotline's database cannot "
			    "be opened: the server's log says why.");
		}
		return;
	}
	if (strcmp(r->path, "/api/reports") == 0) {
		if (post)
			api_reports(r, o);
		else {	/* the API takes reports only; its errors JSON */
			o->status = 405;
			o->allow = "POST";
			o->type = "application/json";
			rf_buf_puts(&o->body, "{\"error\": \"POST a report\"}\n");
		}
		return;
	}
	if (!get && !post) {
		http_error(r, o, 405, "Method not allowed.");
		return;
	}
	load_session(r);
	if (post && !same_origin(r)) {
		http_error(r, o, 403, "The form was sent from another site.");
		return;
	}
	if (post) {
		if (parse_form(r) != 0) {
			http_error(r, o, 500, "Out of memory.");
			return;
		}
		if (strcmp(r->path, "/login") == 0) {
			if (!csrf_ok(r, cookie(r, LOGIN_COOKIE))) {
				http_error(r, o, 403, "The form has expired "
				    "or did not come from this site (CSRF "
				    "token missing or wrong).");
				return;
			}
			act_login(r, o);
			return;
		}
		if (r->user == NULL) {
			http_error(r, o, 403, "Please sign in.");
			return;
		}
		if (!csrf_ok(r, r->csrf)) {
			http_error(r, o, 403, "The form has expired or did not "
			    "come from this site (CSRF token missing or "
			    "wrong).");
			return;
		}
		if (strcmp(r->path, "/logout") == 0)
			act_logout(r, o);
		else if (path_id(r->path, "/case/", &id, &rest) &&
		    strcmp(rest, "/action") == 0)
			act_case(r, o, id);
		else if (strcmp(r->path, "/submit") == 0 &&
		    needs(r, o, RF_PERM_SUBMIT))
			act_submit(r, o);
		else if (strcmp(r->path, "/users") == 0 &&
		    needs(r, o, RF_PERM_USERS))
			act_users(r, o);
		else if (strcmp(r->path, "/audit/verify") == 0 &&
		    needs(r, o, RF_PERM_AUDIT))
			act_audit_verify(r, o);
		else if (o->status == 200 && o->body.len == 0)
			http_error(r, o, 404, "No such page.");
		return;
	}
	if (strcmp(r->path, "/login") == 0)
		page_login(r, o, NULL);
	else if (strcmp(r->path, "/") == 0)
		http_redirect(o, r->user != NULL ? "/queue" : "/login");
	else if (strcmp(r->path, "/queue") == 0 && needs(r, o, RF_PERM_VIEW))
		page_queue(r, o);
	else if (path_id(r->path, "/case/", &id, &rest) && *rest == '\0' &&
	    needs(r, o, RF_PERM_VIEW))
		page_case(r, o, id, NULL);
	else if (strcmp(r->path, "/submit") == 0 &&
	    needs(r, o, RF_PERM_SUBMIT))
		page_submit(r, o, NULL);
	else if (strcmp(r->path, "/stats") == 0 && needs(r, o, RF_PERM_STATS))
		page_stats(r, o);
	else if (strcmp(r->path, "/audit") == 0 && needs(r, o, RF_PERM_AUDIT))
		page_audit(r, o);
	else if (strcmp(r->path, "/users") == 0 && needs(r, o, RF_PERM_USERS))
		page_users(r, o, NULL);
	else if (o->status == 200 && o->body.len == 0 && o->location[0] == 0)
		http_error(r, o, 404, "No such page.");
}

/* ---- libmicrohttpd ---- */

static const char csp[] = "default-src 'none'; style-src 'self'; "
    "script-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

static enum MHD_Result
send_resp(struct MHD_Connection *c, struct http_resp *o)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	int i;

	resp = MHD_create_response_from_buffer(o->body.len,
	    o->body.data != NULL ? o->body.data : (void *)"",
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", o->type);
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (o->location[0] != '\0')
		MHD_add_response_header(resp, "Location", o->location);
	if (o->status == 405)	/* RFC 9110 15.5.6: the methods served */
		MHD_add_response_header(resp, "Allow", o->allow != NULL ?
		    o->allow : "GET, HEAD, POST");
	if (o->retry_after > 0) {	/* RFC 6585 4: when to try again */
		char secs[24];

		snprintf(secs, sizeof(secs), "%u", o->retry_after);
		MHD_add_response_header(resp, "Retry-After", secs);
	}
	if (o->disposition != NULL)
		MHD_add_response_header(resp, "Content-Disposition",
		    o->disposition);
	for (i = 0; i < 2; i++)
		if (o->cookie[i][0] != '\0')
			MHD_add_response_header(resp, "Set-Cookie",
			    o->cookie[i]);
	ret = MHD_queue_response(c, (unsigned)o->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/*
 * mhd_log: one libmicrohttpd message on standard error, as one line
 * prefixed as the command's own ("redflag: serve: "), escaped and cut
 * (cli_escape): some quote the request's URL, decoded,
 * so a client could otherwise write raw bytes, line ends included, into
 * the log.
 */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char raw[1024], line[1800];
	size_t n;

	(void)cls;
	vsnprintf(raw, sizeof(raw), fmt, ap);
	n = strlen(raw);
	while (n > 0 && (raw[n - 1] == '\n' || raw[n - 1] == '\r'))
		raw[--n] = '\0';
	n = (size_t)snprintf(line, sizeof(line), "%s: serve: ", RF_PROG);
	cli_escape(line + n, sizeof(line) - n - 1, raw, 400);
	n = strlen(line);
	line[n++] = '\n';
	(void)write(2, line, n);
}

static void
resp_init(struct http_resp *o)
{
	memset(o, 0, sizeof(*o));
	o->status = 200;
	o->type = "text/html; charset=utf-8";
	rf_buf_init(&o->body, 0);
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
	const char *method, const char *version, const char *upload,
	size_t *upload_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct http_req *r = *con_cls;
	struct http_resp o;
	enum MHD_Result ret;

	if (r == NULL) {
		const char *cl = MHD_lookup_connection_value(c,
		    MHD_HEADER_KIND, "Content-Length");

		if ((r = calloc(1, sizeof(*r))) == NULL)
			return MHD_NO;
		r->srv = srv;
		r->conn = c;
		rf_buf_init(&r->body, srv->max_request_size);
		*con_cls = r;
		if (cl != NULL && strtoull(cl, NULL, 10) >
		    srv->max_request_size)
			r->too_big = 1;
		if (!r->too_big)
			return MHD_YES;
	} else if (*upload_size > 0) {
		if (!r->too_big && rf_buf_append(&r->body, upload,
		    *upload_size) != 0)
			r->too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	resp_init(&o);
	r->method = method;
	r->path = url;
	if ((r->arena = rf_arena_new()) == NULL) {
		rf_buf_free(&o.body);
		return MHD_NO;
	}
	if (r->too_big) {
		o.status = 413;
		o.type = "text/plain; charset=utf-8";
		rf_buf_printf(&o.body, "request larger than max_request_size "
		    "(%zu bytes)\n", srv->max_request_size);
	} else {
		route(r, &o);
	}
	ret = send_resp(c, &o);
	rf_buf_free(&o.body);
	return ret;
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
	  enum MHD_RequestTerminationCode toe)
{
	struct http_req *r = *con_cls;

	if (r == NULL)
		return;
	rf_buf_free(&r->body);
	rf_arena_free(r->arena);
	free(r);
	*con_cls = NULL;
}

/* Descriptors serve keeps besides its connections: standard streams,
 * the store and its journal, the listening socket, the polling thread's
 * wake-up descriptors, libraries' own. */
#define FD_RESERVE 64u

/*
 * poll_flags: the libmicrohttpd flags of the one internal polling thread
 * for max_connections sockets.  select() while they fit under its
 * FD_SETSIZE (with FD_RESERVE below them), as before; poll() beyond:
 * with select(), a socket numbered FD_SETSIZE (1024) or more is closed as
 * soon as it is accepted.  (poll() closes a connection reset by its
 * client without answering it; select() answers it, and logs the failed
 * send: tests/e2e/hotline_web_security.sh checks that log's escaping.
 * Not epoll: libmicrohttpd 0.9.75, Debian 12's, in epoll mode leaves
 * some requests of a client that half-closes right after sending
 * unanswered.)  0 after reporting when poll() is needed and this
 * libmicrohttpd was built without it.
 */
static unsigned
poll_flags(unsigned max_connections)
{
	if (max_connections <= (unsigned)FD_SETSIZE - FD_RESERVE)
		return MHD_USE_INTERNAL_POLLING_THREAD;
	if (MHD_is_feature_supported(MHD_FEATURE_POLL) == MHD_YES)
		return MHD_USE_POLL_INTERNAL_THREAD;
	cli_warn("serve: max_connections: this libmicrohttpd has only "
	    "select(), at most %u", (unsigned)FD_SETSIZE - FD_RESERVE);
	return 0;
}

/*
 * fd_room: raise the soft limit on open files (ulimit -n) to what
 * max_connections needs, up to the hard limit, and return the number of
 * connections that fit: max_connections, or fewer (with a warning) when
 * even the hard limit is short, so that the connections beyond are
 * accepted and closed at once like any over max_connections
 * (libmicrohttpd's limit) while descriptors stay free for the store,
 * instead of accept() failing with EMFILE.
 */
static unsigned
fd_room(unsigned max_connections)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)max_connections + FD_RESERVE;
	unsigned fit;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= want)
		return max_connections;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ?
	    rl.rlim_max : want;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return max_connections;
	fit = rl.rlim_cur > FD_RESERVE ? (unsigned)(rl.rlim_cur - FD_RESERVE) :
	    1;
	cli_warn("serve: max_connections lowered from %u to %u: only %llu "
	    "open files (ulimit -n)", max_connections, fit,
	    (unsigned long long)rl.rlim_cur);
	return fit;
}

int
http_run(struct http_server *srv, const char *addr, unsigned port)
{
	unsigned flags, max_connections;

	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	sigset_t set;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		cli_warn("serve: --listen wants an IPv4 address, got '%s'",
		    addr);
		return -1;
	}
	/* Block the signals before the server thread starts, so that only
	 * sigwait below sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if ((flags = poll_flags(srv->max_connections)) == 0)
		return -1;
	max_connections = fd_room(srv->max_connections);
	if ((srv->throttle = throttle_new(srv->login_max_failures,
	    srv->login_window)) == NULL) {
		cli_warn("serve: out of memory");
		return -1;
	}
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d = MHD_start_daemon(flags | MHD_USE_ERROR_LOG, (uint16_t)port, NULL, NULL, handler, srv,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,	/* first */
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_CONNECTION_LIMIT, max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, srv->max_connections_per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, srv->request_timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
	    MHD_OPTION_END);
	if (d == NULL) {
		cli_warn("serve: cannot listen on %s:%u", addr, port);
		throttle_free(srv->throttle);
		srv->throttle = NULL;
		return -1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("redflag serve: listening on http://%s:%u/\n", addr,
	    info != NULL ? (unsigned)info->port : port);
	fflush(stdout);
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	throttle_free(srv->throttle);
	srv->throttle = NULL;
	return 0;
}
