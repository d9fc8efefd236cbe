/*
 * cmd_serve.c - redflag serve: the hotline's web interface for analysts
 * (docs/man/redflag-serve.1).  Binds 127.0.0.1 by default; one SQLite
 * file holds everything.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "http.h"

#define DEFAULT_MAX_REQUEST (64u << 10)
/* SESSION_TTL_MAX: the longest sign-in --session-ttl sets (31 days) */
#define SESSION_TTL_MAX (31 * 24 * 3600)

/*
 * serve_setting: argv[*i] as one of the server's own settings ("--set
 * NAME=VALUE" or "--set=NAME=VALUE", split by cli_set_option) into srv.
 * Returns 1 when taken (*i on its last word), 0 when argv[*i] is not a
 * --set of one of them (*i unchanged: a hotline or message limit, left
 * for hl_fe_option), -1 after reporting a bad value or a malformed --set.
 */
static int
serve_setting(struct http_server *srv, int argc, char **argv, int *i)
{
	/* each row names its own field, a size_t or an unsigned, with the
	 * bounds of its value */
	const struct {
		const char *name;
		size_t *size;
		unsigned *count;
		unsigned long long min, max;
		const char *help;
	} settings[] = {
		{ "max_request_size", &srv->max_request_size, NULL,
		  1024, 64ull << 20, "1k to 64M" },
		{ "max_connections", NULL, &srv->max_connections,
		  1, 10000, "1 to 10000" },
		{ "max_connections_per_ip", NULL, &srv->max_connections_per_ip,
		  1, 10000, "1 to 10000" },
		{ "request_timeout", NULL, &srv->request_timeout,
		  1, 3600, "1 to 3600 seconds" },
		{ "login_max_failures", NULL, &srv->login_max_failures,
		  1, 1000, "1 to 1000" },
		{ "login_window", NULL, &srv->login_window,
		  1, 86400, "1 to 86400 seconds" },
	};
	const char *value;
	char name[64];
	unsigned long long v;
	size_t k;
	int at = *i, r;

	if ((r = cli_set_option("serve", argc, argv, i, name, sizeof(name),
	    &value)) <= 0)
		return r;
	for (k = 0; k < sizeof(settings) / sizeof(settings[0]); k++)
		if (strcmp(name, settings[k].name) == 0)
			break;
	if (k == sizeof(settings) / sizeof(settings[0])) {
		*i = at;
		return 0;
	}
	if (rf_parse_number(value, settings[k].max, 1, &v, NULL) != RF_OK ||
	    v < settings[k].min) {
		cli_warn("serve: --set: %s: %s", settings[k].name,
		    settings[k].help);
		return -1;
	}
	if (settings[k].size != NULL)
		*settings[k].size = (size_t)v;
	else
		*settings[k].count = (unsigned)v;
	return 1;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: %s serve [OPTIONS]\n\n"
	    "  --listen ADDR             IPv4 address (default 127.0.0.1)\n"
	    "  --port N                  TCP port (default 8080; 0: any free)\n"
	    "  --set max_request_size=N  bytes of one request body "
	    "(default 64k)\n"
	    "  --set max_connections=N   connections at once (default 64)\n"
	    "  --set max_connections_per_ip=N\n"
	    "                            of them from one address "
	    "(default 16)\n"
	    "  --set request_timeout=N   seconds a connection may stay "
	    "silent (default 30)\n"
	    "  --set login_max_failures=N\n"
	    "                            failed sign-ins from one address "
	    "(default 5)\n"
	    "  --set login_window=N      within N seconds: then refused "
	    "(429) for N\n"
	    "                            seconds (default 300)\n"
	    "  --session-ttl SECONDS     sign-in lifetime, 60 to 2678400\n"
	    "                            (default 28800)\n"
	    "  --secure-cookies          mark cookies Secure (behind HTTPS)\n"
	    "  --org NAME --org-contact ADDR --org-domain DOMAIN\n"
	    "                            the hotline, as named in X-ARF "
	    "exports\n"
	    "exit status: 0 stopped by a signal, 1 the key file could not be\n"
	    "read, 64 usage error, 69 the store or the address could not be\n"
	    "opened, 70 internal error\n", RF_PROG);
	hl_fe_options_help(f);
	fprintf(f, "\nFirst user: %s hotline user add NAME --role admin "
	    "(password on standard input).\n", RF_PROG);
}

int
cmd_serve(int argc, char **argv)
{
	struct hl_fe fe;
	struct http_server srv;
	const char *listen = "127.0.0.1";
	unsigned long long port = 8080, ttl;
	int i, r, rc;
	struct in_addr addr;
	int64_t users;
	rf_error err;

	hl_fe_init(&fe);
	memset(&srv, 0, sizeof(srv));
	srv.fe = &fe;
	srv.max_request_size = DEFAULT_MAX_REQUEST;
	srv.max_connections = 64;
	srv.max_connections_per_ip = 16;
	srv.request_timeout = 30;
	srv.login_max_failures = 5;
	srv.login_window = 300;
	srv.session_ttl = 8 * 3600;
	srv.org.org = "redflag hotline";
	srv.org.contact = "hotline@localhost";
	srv.org.domain = "localhost";
	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *val = i + 1 < argc ? argv[i + 1] :
		    NULL;

		if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
			usage(stdout);
			return RF_EXIT_OK;
		}
		if ((r = serve_setting(&srv, argc, argv, &i)) < 0)
			return RF_EXIT_USAGE;
		if (r > 0)
			continue;
		if ((r = hl_fe_option(&fe, "serve", argc, argv, &i)) < 0)
			return RF_EXIT_USAGE;
		if (r > 0)
			continue;
		if (strcmp(o, "--secure-cookies") == 0) {
			srv.secure_cookies = 1;
			continue;
		}
		if (val == NULL) {
			static const char *const valued[] = { "--listen",
			    "--port", "--session-ttl", "--org",
			    "--org-contact", "--org-domain", "--set", NULL };

			cli_bad_option("serve", o, valued);
			usage(stderr);
			return RF_EXIT_USAGE;
		}
		if (strcmp(o, "--listen") == 0) {
			listen = val;
		} else if (strcmp(o, "--port") == 0) {
			if (rf_parse_number(val, 65535, 0, &port, NULL) !=
			    RF_OK) {
				cli_warn("serve: --port: 0 to 65535");
				return RF_EXIT_USAGE;
			}
		} else if (strcmp(o, "--session-ttl") == 0) {
			if (rf_parse_number(val, SESSION_TTL_MAX, 0, &ttl,
			    NULL) != RF_OK || ttl < 60) {
				cli_warn("serve: --session-ttl: 60 to %d seconds",
				    SESSION_TTL_MAX);
				return RF_EXIT_USAGE;
			}
			srv.session_ttl = (long)ttl;
		} else if (strcmp(o, "--org") == 0) {
			srv.org.org = val;
		} else if (strcmp(o, "--org-contact") == 0) {
			srv.org.contact = val;
		} else if (strcmp(o, "--org-domain") == 0) {
			srv.org.domain = val;
		} else {
			cli_bad_option("serve", o, NULL);
			usage(stderr);
			return RF_EXIT_USAGE;
		}
		i++;
	}
	if (inet_pton(AF_INET, listen, &addr) != 1) {
		char esc[512];

		cli_warn("serve: --listen wants an IPv4 address, got '%s'",
		    cli_escape(esc, sizeof(esc), listen, 100));
		return RF_EXIT_USAGE;
	}
	if (strcmp(listen, "127.0.0.1") != 0)
		cli_warn("serve: listening on %s, not only this machine: put "
		    "it behind HTTPS and use --secure-cookies", listen);
	if ((rc = hl_fe_open(&fe, "serve")) != 0)
		return rc;
	/* a new store: nobody can sign in until a user is added */
	if (rf_hotline_user_count(fe.h, &users, &err) != RF_OK)
		cli_warn("serve: cannot count the users: %s", err.msg);
	else if (users == 0)
		cli_warn("serve: no users yet: add one with 'redflag hotline "
		    "user add NAME --role ROLE'");
	rc = http_run(&srv, listen, (unsigned)port) == 0 ? RF_EXIT_OK :
	    RF_EXIT_UNAVAILABLE;
	hl_fe_close(&fe);
	return rc;
}
