/* config.c - redflag.conf (see config.h and redflag.conf(5)). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"

#define CONFIG_LINE_MAX 4096

static const char *const action_names[] = {
	"accept", "headers", "quarantine", "reject", "tempfail"
};

const char *
action_name(enum action a)
{
	if ((unsigned)a < sizeof(action_names) / sizeof(action_names[0]))
		return action_names[a];
	return "?";
}

static int
parse_action(const char *s, enum action *out)
{
	unsigned i;

	for (i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
		if (strcmp(s, action_names[i]) == 0) {
			*out = (enum action)i;
			return 0;
		}
	return -1;
}

void
config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->on_error = ACTION_TEMPFAIL;
	c->on_limit = ACTION_TEMPFAIL;
	c->action = ACTION_HEADERS;
	c->rewrite = 1;
	c->max_recipients = 1000;
	c->shutdown_timeout = 30;
	c->milter_timeout = 300;
	c->milter_max_connections = 256;
	c->classifier_reload = 60;
	rf_limits_default(&c->limits);
	rf_verdict_settings_default(&c->verdict);
	c->clean[RF_VERDICT_SPAM] = CLEAN_LINKS;
	c->clean[RF_VERDICT_BULK] = CLEAN_LINKS;
	c->clean[RF_VERDICT_HAM] = CLEAN_KNOWN;
	c->clean[RF_VERDICT_UNSURE] = CLEAN_KNOWN;
}

void
config_free(struct config *c)
{
	free(c->socket);
	free(c->user);
	free(c->chroot);
	free(c->db);
	free(c->reject_text);
	free(c->tempfail_text);
	free(c->authserv_id);
	free(c->classifier);
	free(c->arf_redact_key);
	free(c->arf_reporting_mta);
	free(c->arf_from);
	redis_auth_free(&c->redis);
	memset(c, 0, sizeof(*c));
}

/* set_string: replace *dst by a copy of value ("" means unset). */
static int
set_string(char **dst, const char *value)
{
	char *p = NULL;

	if (*value != '\0' && (p = strdup(value)) == NULL)
		return -1;
	free(*dst);
	*dst = p;
	return 0;
}

/* plain_string: the field of c for a setting whose value is a string
 * (socket, user, chroot, db, classifier: socket_ok and
 * rf_store_spec_check check the form of some, the rest is checked where
 * it is used), or NULL when name is none of them. */
static char **
plain_string(struct config *c, const char *name)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{ "socket", offsetof(struct config, socket) },
		{ "user", offsetof(struct config, user) },
		{ "chroot", offsetof(struct config, chroot) },
		{ "db", offsetof(struct config, db) },
		{ "classifier", offsetof(struct config, classifier) },
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(name, fields[i].name) == 0)
			return (char **)(void *)((char *)c + fields[i].off);
	return NULL;
}

/* host_ok: the host of inet:PORT@HOST (v6: inet6:) is one libmilter can
 * bind, as far as that can be known without resolving a name: an IP
 * literal, bare or in brackets, that inet_pton takes for the family
 * (1.2.3.256 is none; a bare IPv4 one all digits and dots, an IPv6 one
 * with a ':'); a name is libmilter's to resolve.  0, or -1 with why. */
static int
host_ok(const char *host, int v6, char *why, size_t whysize)
{
	char lit[INET6_ADDRSTRLEN + 1];
	unsigned char bin[sizeof(struct in6_addr)];
	size_t n = strlen(host);
	int literal = 0;

	if (n == 0) {
		snprintf(why, whysize, "socket: the address of "
		    "inet:PORT@ADDRESS is empty (leave out the @ for all)");
		return -1;
	}
	if (host[0] == '[') {	/* libmilter's [literal] */
		literal = 1;
		if (n < 3 || host[n - 1] != ']' || n - 2 >= sizeof(lit))
			goto bad;
		memcpy(lit, host + 1, n - 2);
		lit[n - 2] = '\0';
	} else {
		if (n >= sizeof(lit))
			return 0;	/* a name */
		memcpy(lit, host, n + 1);
		literal = v6 ? strchr(lit, ':') != NULL :
		    strspn(lit, "0123456789.") == n;
	}
	if (!v6 && strchr(lit, ':') != NULL) {
		snprintf(why, whysize, "socket: an IPv6 address is "
		    "inet6:PORT@ADDRESS, not inet:");
		return -1;
	}
	if (!literal || inet_pton(v6 ? AF_INET6 : AF_INET, lit, bin) == 1)
		return 0;
bad:
	snprintf(why, whysize, "socket: the address of %s:PORT@ADDRESS is no "
	    "%s address", v6 ? "inet6" : "inet", v6 ? "IPv6" : "IPv4");
	return -1;
}

const char *
config_socket_path(const char *spec)
{
	if (strncmp(spec, "unix:", 5) == 0)
		return spec + 5;
	if (strncmp(spec, "local:", 6) == 0)
		return spec + 6;
	if (strchr(spec, ':') == NULL)
		return spec;
	return NULL;
}

/*
 * socket_ok: a socket spec libmilter would bind as written, or fail to
 * bind for a reason the spec does not show (a port in use, a folder
 * missing, a name that does not resolve): unix:PATH or local:PATH with a
 * PATH (an empty one bound an abstract socket named by NULs), a PATH
 * alone (no ':', libmilter's unix default), inet:PORT[@HOST] or
 * inet6:PORT[@HOST], PORT in digits from 1 to 65535 (libmilter takes any
 * number and binds it modulo 65536: inet:99999 listened on 34463, inet:0
 * on a random port) or a service name for libmilter to look up, and
 * HOST as host_ok says.  Another type (foo:bar) was known as wrong only
 * at listen time, exit 69, not as a bad setting.  Type names are in
 * lower case, as the milter reads them for a unix socket's file
 * (libmilter would take UNIX: too, but the file would not be managed).
 * 0, or -1 with why filled.
 */
static int
socket_ok(const char *v, char *why, size_t whysize)
{
	const char *port = NULL, *end, *path;
	unsigned long n = 0;

	if (*v == '\0') {
		snprintf(why, whysize, "socket: give unix:PATH or "
		    "inet:PORT@ADDRESS");
		return -1;
	}
	if ((path = config_socket_path(v)) != NULL) {
		if (*path != '\0')	/* a bare path: libmilter's unix */
			return 0;
		snprintf(why, whysize, "socket: the PATH of unix:PATH "
		    "(local:PATH) is empty");
		return -1;
	}
	if (strncmp(v, "inet:", 5) == 0)
		port = v + 5;
	else if (strncmp(v, "inet6:", 6) == 0)
		port = v + 6;
	else {
		snprintf(why, whysize, "socket: an unknown socket type: give "
		    "unix:PATH, local:PATH, inet:PORT@ADDRESS or "
		    "inet6:PORT@ADDRESS");
		return -1;
	}
	if (*port == '\0' || *port == '@') {
		snprintf(why, whysize, "socket: the port of inet:PORT@ADDRESS "
		    "is a number from 1 to 65535 or a service name, not empty");
		return -1;
	}
	if (*port >= '0' && *port <= '9') {
		for (end = port; *end >= '0' && *end <= '9' && n <= 65535;
		    end++)
			n = n * 10 + (unsigned long)(*end - '0');
		if (n < 1 || n > 65535 || (*end != '\0' && *end != '@')) {
			snprintf(why, whysize, "socket: the port of "
			    "inet:PORT@ADDRESS is a number from 1 to 65535");
			return -1;
		}
	}
	if ((end = strchr(port, '@')) == NULL)
		return 0;
	return host_ok(end + 1, port == v + 6, why, whysize);
}

/* reply_text_ok: a reply text goes into an SMTP reply: printable ASCII,
 * no '%' (libmilter reads it as a format), at most CONFIG_REPLY_TEXT_MAX
 * bytes. */
static int
reply_text_ok(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if (*s < 0x20 || *s > 0x7e || *s == '%' ||
		    n >= CONFIG_REPLY_TEXT_MAX)
			return 0;
	return 1;
}

/* by enum clean_policy */
static const char *const clean_names[] = { "links", "known", "none",
    "sites" };

rf_status
clean_collect(rf_rewrite *rw, enum clean_policy policy,
	      const rf_rules *rules, rf_message *m, rf_error *err)
{
	switch (policy) {
	case CLEAN_LINKS:
		return rf_rewrite_collect(rw, m, err);
	case CLEAN_KNOWN:
		return rf_rewrite_collect_known(rw, rules, m, err);
	case CLEAN_SITES:
		return rf_rewrite_collect_sites(rw, m, err);
	case CLEAN_NONE:
		break;
	}
	return RF_OK;
}

const char *
clean_kept_why(size_t n)
{
	return n == 1 ? "a click wrapper, which needs its code to lead "
	    "anywhere" : "click wrappers, which need their code to lead "
	    "anywhere";
}

void
clean_sites_words(const rf_rewrite_stats *st, const char *sep, char *buf,
		  size_t size)
{
	size_t n;

	n = (size_t)snprintf(buf, size, "%zu link%s reduced to %s site%s%s"
	    "%zu image%s emptied", st->sites, cli_plural(st->sites, "s"),
	    st->sites == 1 ? "its" : "their", cli_plural(st->sites, "s"), sep,
	    st->images, cli_plural(st->images, "s"));
	if (st->addresses > 0 && n < size)
		n += (size_t)snprintf(buf + n, size - n, "%s%zu mail link%s "
		    "reduced to %s address%s", sep, st->addresses,
		    cli_plural(st->addresses, "s"), st->addresses == 1 ? "its" :
		    "their", cli_plural(st->addresses, "es"));
	if (st->emptied > 0 && n < size)
		n += (size_t)snprintf(buf + n, size - n, "%s%zu link%s or "
		    "form%s emptied", sep, st->emptied, cli_plural(st->emptied,
		    "s"), cli_plural(st->emptied, "s"));
	if (st->links > 0 && n < size)
		n += (size_t)snprintf(buf + n, size - n, "%s%zu other link%s "
		    "rewritten", sep, st->links, cli_plural(st->links, "s"));
	if (st->bugs > 0 && n < size)
		snprintf(buf + n, size - n, "%s%zu web bug%s emptied", sep,
		    st->bugs, cli_plural(st->bugs, "s"));
}

/* verdict_index: the rf_verdict_kind (0 to 3) whose rf_verdict_name is
 * name, or 4 when none is. */
static unsigned
verdict_index(const char *name)
{
	unsigned k;

	for (k = 0; k < 4; k++)
		if (strcmp(name, rf_verdict_name((rf_verdict_kind)k)) == 0)
			break;
	return k;
}

enum clean_policy
config_clean_for(const struct config *c, const char *verdict)
{
	unsigned k = verdict_index(verdict);

	return k < 4 ? c->clean[k] : CLEAN_LINKS;
}

/* set_verdict: the verdict settings, authserv_id, clean.VERDICT and the
 * ARF settings; 1 when name is one of them (0 or -1 in *rc), else 0. */
static int
set_verdict(struct config *c, const char *name, const char *value,
	    char *why, size_t whysize, int *rc)
{
	unsigned k, p;
	rf_error err;

	*rc = 0;
	if (strcmp(name, "authserv_id") == 0)
		*rc = set_string(&c->authserv_id, value);
	else if (strcmp(name, "arf_redact_key") == 0)
		*rc = set_string(&c->arf_redact_key, value);
	else if (strcmp(name, "arf_reporting_mta") == 0) {
		if (!reply_text_ok(value)) {
			snprintf(why, whysize, "%s: printable ASCII", name);
			*rc = -1;
			return 1;
		}
		*rc = set_string(&c->arf_reporting_mta, value);
	} else if (strcmp(name, "arf_from") == 0) {
		/* it stands in a report's header: an address, in ASCII */
		if (value[0] != '\0' && !cli_ascii_address_ok(value)) {
			snprintf(why, whysize, "%s: a mail address "
			    "(local@domain) in ASCII", name);
			*rc = -1;
			return 1;
		}
		*rc = set_string(&c->arf_from, value);
	} else if (strncmp(name, "clean.", 6) == 0) {
		k = verdict_index(name + 6);
		for (p = 0; p < 4; p++)
			if (strcmp(value, clean_names[p]) == 0)
				break;
		if (k == 4 || p == 4) {
			snprintf(why, whysize, "clean.VERDICT (spam, bulk, "
			    "ham, unsure): links, known, sites or none");
			*rc = -1;
			return 1;
		}
		c->clean[k] = (enum clean_policy)p;
		return 1;
	} else if (rf_verdict_settings_set(&c->verdict, name, value, &err) ==
	    RF_OK) {
		return 1;
	} else if (strstr(err.msg, "unknown") == NULL) {
		snprintf(why, whysize, "%s", err.msg);
		*rc = -1;
		return 1;
	} else {
		return 0;
	}
	if (*rc != 0)
		snprintf(why, whysize, "out of memory");
	return 1;
}

int
config_set(struct config *c, const char *name, const char *value,
	   char *why, size_t whysize)
{
	struct config_action *ca;
	unsigned long long u;
	enum action a;
	rf_error err;
	char **field, esc[4 * 64 + 8];
	size_t i;
	int rc;

	if (set_verdict(c, name, value, why, whysize, &rc))
		return rc;
	if (strcmp(name, "socket") == 0 && socket_ok(value, why, whysize) != 0)
		return -1;
	/* a malformed store address is a bad setting (FILE:LINE), not a
	 * store that cannot be opened later */
	if ((strcmp(name, "db") == 0 || strcmp(name, "classifier") == 0) &&
	    *value != '\0' && rf_store_spec_check(value, &err) != RF_OK) {
		snprintf(why, whysize, "%s: %s", name, err.msg);
		return -1;
	}
	if ((field = plain_string(c, name)) != NULL)
		return set_string(field, value) == 0 ? 0 :
		    (snprintf(why, whysize, "out of memory"), -1);
	if (strcmp(name, "reject_text") == 0 ||
	    strcmp(name, "tempfail_text") == 0) {
		if (!reply_text_ok(value)) {
			snprintf(why, whysize, "%s: printable ASCII without "
			    "'%%', at most %d characters", name,
			    CONFIG_REPLY_TEXT_MAX);
			return -1;
		}
		return set_string(name[0] == 'r' ? &c->reject_text :
		    &c->tempfail_text, value) == 0 ? 0 :
		    (snprintf(why, whysize, "out of memory"), -1);
	}
	if (strcmp(name, "on_error") == 0 || strcmp(name, "on_limit") == 0) {
		if (parse_action(value, &a) != 0 ||
		    (a != ACTION_TEMPFAIL && a != ACTION_ACCEPT)) {
			snprintf(why, whysize, "%s: tempfail or accept", name);
			return -1;
		}
		*(name[3] == 'e' ? &c->on_error : &c->on_limit) = a;
		return 0;
	}
	if (strcmp(name, "rewrite") == 0) {
		if (strcmp(value, "yes") == 0)
			c->rewrite = 1;
		else if (strcmp(value, "no") == 0)
			c->rewrite = 0;
		else {
			snprintf(why, whysize, "rewrite: yes or no");
			return -1;
		}
		return 0;
	}
	if (strcmp(name, "max_recipients") == 0 ||
	    strcmp(name, "shutdown_timeout") == 0 ||
	    strcmp(name, "milter_timeout") == 0) {
		if (rf_parse_number(value, 1000000, 0, &u, NULL) != RF_OK ||
		    u == 0) {
			snprintf(why, whysize, "%s: a number from 1 to "
			    "1000000", name);
			return -1;
		}
		if (name[0] == 'm' && name[1] == 'a')
			c->max_recipients = (size_t)u;
		else if (name[0] == 's')
			c->shutdown_timeout = (unsigned)u;
		else
			c->milter_timeout = (unsigned)u;
		return 0;
	}
	if (strcmp(name, "classifier_reload") == 0) {
		if (rf_parse_number(value, 86400, 0, &u, NULL) != RF_OK) {
			snprintf(why, whysize, "%s: seconds, from 0 (never) "
			    "to 86400", name);
			return -1;
		}
		c->classifier_reload = (unsigned)u;
		return 0;
	}
	if (strcmp(name, "milter_max_connections") == 0) {
		if (rf_parse_number(value, 10000, 0, &u, NULL) != RF_OK ||
		    u == 0) {
			snprintf(why, whysize, "%s: a number from 1 to 10000",
			    name);
			return -1;
		}
		c->milter_max_connections = (unsigned)u;
		return 0;
	}
	if (strcmp(name, "action") == 0 || strncmp(name, "action.", 7) == 0) {
		if (parse_action(value, &a) != 0) {
			snprintf(why, whysize, "%s: accept, headers, "
			    "quarantine, reject or tempfail", name);
			return -1;
		}
		if (name[6] == '\0') {
			c->action = a;
			return 0;
		}
		name += 7;
		/* a verdict the analysis gives: a misspelt one would be
		 * accepted and never apply */
		if (verdict_index(name) == 4) {
			snprintf(why, whysize, "action.VERDICT: the verdict is "
			    "spam, bulk, ham or unsure, not '%s'", cli_escape(esc,
			    sizeof(esc), name, 64));
			return -1;
		}
		for (i = 0; i < c->nactions; i++)
			if (strcmp(c->actions[i].verdict, name) == 0)
				break;
		if (i == c->nactions) {
			if (c->nactions == CONFIG_MAX_ACTIONS) {
				snprintf(why, whysize, "more than %d "
				    "action.VERDICT settings",
				    CONFIG_MAX_ACTIONS);
				return -1;
			}
			c->nactions++;
		}
		ca = &c->actions[i];
		snprintf(ca->verdict, sizeof(ca->verdict), "%s", name);
		ca->action = a;
		return 0;
	}
	if ((rc = redis_auth_set(&c->redis, name, value, why, whysize)) != 0)
		return rc < 0 ? -1 : 0;
	if (strncmp(name, "max_", 4) == 0) {
		if (rf_limits_set(&c->limits, name, value, &err) != RF_OK) {
			snprintf(why, whysize, "%s", err.msg);
			return -1;
		}
		return 0;
	}
	/* a name from a settings file or the command line: escaped (a
	 * binary file, an escape sequence), as every echoed argument */
	snprintf(why, whysize, "unknown setting '%s'", cli_escape(esc,
	    sizeof(esc), name, 64));
	return -1;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
config_load(struct config *c, const char *cmd, const char *path)
{
	char line[CONFIG_LINE_MAX], why[256], esc[128];
	char *name, *value, *eq;
	unsigned lineno = 0;
	enum cli_line lr;
	int rc = -1;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		cli_warn("%s: %s: cannot read the settings: %s", cmd,
		    cli_escape(esc, sizeof(esc), path, 100), strerror(errno));
		return -1;
	}
	cli_escape(esc, sizeof(esc), path, 100);
	errno = 0;
	while ((lr = cli_read_line(f, line, sizeof(line))) !=
	    CLI_LINE_EOF) {
		lineno++;
		if (lr != CLI_LINE_OK) {
			/* a NUL byte ended the line for fgets: it was
			 * "line too long" */
			cli_warn("%s: %s:%u: %s", cmd, esc, lineno,
			    lr == CLI_LINE_NUL ? "the line holds a NUL byte" :
			    "line too long");
			goto out;
		}
		name = trim(line);
		if (*name == '\0' || *name == '#')
			continue;
		if ((eq = strchr(name, '=')) == NULL) {
			cli_warn("%s: %s:%u: expected name = value", cmd, esc,
			    lineno);
			goto out;
		}
		*eq = '\0';
		value = trim(eq + 1);
		name = trim(name);
		if (config_set(c, name, value, why, sizeof(why)) != 0) {
			cli_warn("%s: %s:%u: %s", cmd, esc, lineno, why);
			goto out;
		}
	}
	if (ferror(f)) {
		cli_warn("%s: %s: cannot read the settings: %s", cmd, esc,
		    errno != 0 ? strerror(errno) : "read error");
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

enum action
config_action_for(const struct config *c, const char *verdict)
{
	size_t i;

	for (i = 0; i < c->nactions; i++)
		if (strcmp(c->actions[i].verdict, verdict) == 0)
			return c->actions[i].action;
	return c->action;
}

/* file_option: the one reading of a settings file option.  argv[*i] is
 * "-c FILE", "--config FILE" or "--config=FILE": 1, *path the FILE and
 * *i advanced past it; -1 when FILE is missing (argv[*i] the last
 * argument; *i unchanged); else 0. */
static int
file_option(int argc, char **argv, int *i, const char **path)
{
	const char *arg = argv[*i];

	if (strcmp(arg, "-c") == 0 || strcmp(arg, "--config") == 0) {
		if (*i + 1 >= argc)
			return -1;
		*path = argv[++*i];
		return 1;
	}
	if (strncmp(arg, "--config=", 9) == 0) {
		*path = arg + 9;
		return 1;
	}
	return 0;
}

/* load_file_option: argv[*i] a settings file option (file_option) whose
 * file is applied to c: 1, *i advanced past it; -1 after reporting on
 * standard error (the file missing or not applied); 0 when argv[*i] is
 * no such option. */
static int
load_file_option(struct config *c, const char *cmd, int argc, char **argv,
		 int *i)
{
	const char *path;

	switch (file_option(argc, argv, i, &path)) {
	case 0:
		return 0;
	case 1:
		return config_load(c, cmd, path) == 0 ? 1 : -1;
	}
	cli_warn("%s: %s needs a file", cmd, argv[*i]);
	return -1;
}

int
config_option(struct config *c, const char *cmd, int argc, char **argv,
	      int *i)
{
	const char *value;
	char name[CONFIG_NAME_MAX + 8], why[256];
	int r;

	if ((r = load_file_option(c, cmd, argc, argv, i)) != 0)
		return r;
	if ((r = cli_set_option(cmd, argc, argv, i, name, sizeof(name),
	    &value)) <= 0)
		return r;
	if (config_set(c, name, value, why, sizeof(why)) != 0) {
		cli_warn("%s: --set: %s", cmd, why);
		return -1;
	}
	return 1;
}

int
config_preload(struct config *c, const char *cmd, int argc, char **argv,
	       const char *const *valued)
{
	const char *a;
	size_t k;
	int i, r;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (a[0] != '-' || a[1] == '\0' || strcmp(a, "--") == 0 ||
		    strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			break;
		if ((r = load_file_option(c, cmd, argc, argv, &i)) < 0)
			return -1;
		if (r > 0)
			continue;
		for (k = 0; valued[k] != NULL; k++)
			if (strcmp(a, valued[k]) == 0)
				break;
		if (valued[k] != NULL && i + 1 < argc)
			i++;	/* its value, whatever it looks like */
	}
	return 0;
}

int
config_file_option(int argc, char **argv, int *i)
{
	const char *path;

	/* a missing FILE: config_preload said so */
	return file_option(argc, argv, i, &path) > 0;
}

int
config_run(int (*fn)(int, char **, struct config *), int argc, char **argv)
{
	struct config cfg;
	int status;

	config_init(&cfg);
	status = fn(argc, argv, &cfg);
	config_free(&cfg);
	return status;
}
