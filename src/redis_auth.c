/* redis_auth.c - the Redis password and ACL user of the front ends (see
 * redis_auth.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "redis_auth.h"

#define ENV_FILE "REDFLAG_REDIS_PASSWORD_FILE"
#define STR_(x) #x
#define STR(x) STR_(x)
#define RF_REDIS_PASSWORD_MAX_S STR(RF_REDIS_PASSWORD_MAX)

/* line_read: up to size bytes of fd into buf; the number read, or -1
 * (errno set). */
static ssize_t
line_read(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;

	while (n < size) {
		r = read(fd, buf + n, size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		n += (size_t)r;
		if (memchr(buf + n - (size_t)r, '\n', (size_t)r) != NULL)
			break;	/* the first line is in */
	}
	return (ssize_t)n;
}

int
redis_password_read(const char *path, char **out, char *why, size_t whysize)
{
	/* the longest password, CR, LF */
	char buf[RF_REDIS_PASSWORD_MAX + 2], esc[256];
	const char *problem = NULL;
	ssize_t got;
	size_t n;
	int fd, e;

	*out = NULL;
	cli_escape(esc, sizeof(esc), path, 200);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		snprintf(why, whysize, "%s: cannot read the Redis password: "
		    "%s", esc, strerror(errno));
		return -1;
	}
	got = line_read(fd, buf, sizeof(buf));
	e = errno;
	close(fd);
	if (got < 0) {
		snprintf(why, whysize, "%s: cannot read the Redis password: "
		    "%s", esc, strerror(e));
		return -1;
	}
	n = (size_t)got;
	if (memchr(buf, '\n', n) != NULL)
		n = (size_t)((char *)memchr(buf, '\n', n) - buf);
	else if (n == sizeof(buf))	/* no line end in reach */
		n = sizeof(buf) + 1;
	if (n > 0 && n <= sizeof(buf) && buf[n - 1] == '\r')
		n--;
	if (n == 0)
		problem = "empty: the password is its first line";
	else if (n > RF_REDIS_PASSWORD_MAX)
		problem = "the password (its first line) is too long";
	else if (memchr(buf, '\0', n) != NULL)
		problem = "the password holds a NUL byte";
	else if ((*out = malloc(n + 1)) == NULL)
		problem = "out of memory";
	if (problem == NULL) {
		memcpy(*out, buf, n);
		(*out)[n] = '\0';
	}
	sodium_memzero(buf, sizeof(buf));
	if (problem != NULL)
		snprintf(why, whysize, "%s: %s%s", esc, problem,
		    n > RF_REDIS_PASSWORD_MAX ? " (at most "
		    RF_REDIS_PASSWORD_MAX_S " bytes)" : "");
	return problem != NULL ? -1 : 0;
}

/* forget: wipe and free *p, leaving NULL. */
static void
forget(char **p)
{
	if (*p != NULL) {
		sodium_memzero(*p, strlen(*p));
		free(*p);
	}
	*p = NULL;
}

int
redis_auth_set(struct redis_auth *a, const char *name, const char *value,
	       char *why, size_t whysize)
{
	char *p = NULL;

	if (strcmp(name, "redis_user") == 0) {
		if (*value != '\0' && !rf_redis_user_ok(value)) {
			snprintf(why, whysize, "redis_user: 1 to %d bytes of "
			    "printable ASCII, no space", RF_REDIS_USER_MAX);
			return -1;
		}
		if (*value != '\0' && (p = strdup(value)) == NULL) {
			snprintf(why, whysize, "out of memory");
			return -1;
		}
		forget(&a->user);
		a->user = p;
		return 1;
	}
	if (strcmp(name, "redis_password_file") != 0)
		return 0;
	if (*value != '\0' && (p = strdup(value)) == NULL) {
		snprintf(why, whysize, "out of memory");
		return -1;
	}
	free(a->file);
	a->file = p;
	return 1;
}

int
redis_auth_option(struct redis_auth *a, const char *cmd, int argc,
		  char **argv, int *i)
{
	static const char *const names[] = { "--redis-user",
	    "--redis-password-file" };
	const char *arg = argv[*i], *value = NULL;
	char why[512];
	size_t k, n;

	for (k = 0; k < 2; k++) {
		n = strlen(names[k]);
		if (strncmp(arg, names[k], n) != 0)
			continue;
		if (arg[n] == '=')
			value = arg + n + 1;
		else if (arg[n] == '\0' && *i + 1 < argc)
			value = argv[++*i];
		else if (arg[n] == '\0')
			cli_warn("%s: %s needs a value", cmd, names[k]);
		else
			continue;
		if (value == NULL)
			return -1;
		if (redis_auth_set(a, names[k][8] == 'u' ? "redis_user" :
		    "redis_password_file", value, why, sizeof(why)) < 0) {
			cli_warn("%s: %s: %s", cmd, names[k], why);
			return -1;
		}
		return 1;
	}
	return 0;
}

int
redis_auth_finish(struct redis_auth *a, const char *cmd,
		  const char *const *specs, size_t n)
{
	const char *file = a->file, *what = "redis_password_file";
	char why[512];
	size_t k;

	for (k = 0; k < n; k++)
		if (specs[k] != NULL && *specs[k] != '\0' &&
		    rf_store_spec_file(specs[k]) == NULL)
			break;
	if (k == n)
		return 0;	/* no Redis store: no password needed */
	if (file == NULL) {
		file = getenv(ENV_FILE);
		what = "$" ENV_FILE;
	}
	if (a->password == NULL && file != NULL && *file != '\0' &&
	    redis_password_read(file, &a->password, why, sizeof(why)) != 0) {
		cli_warn("%s: %s: %s", cmd, what, why);
		return -1;
	}
	if (a->user != NULL && a->password == NULL) {
		cli_warn("%s: redis_user (--redis-user) needs a password: set "
		    "redis_password_file (--redis-password-file)", cmd);
		return -1;
	}
	return 0;
}

rf_redis_auth
redis_auth_get(const struct redis_auth *a)
{
	rf_redis_auth r;

	r.user = a->user;
	r.password = a->password;
	return r;
}

void
redis_auth_store_options(const struct redis_auth *a, rf_store_options *o)
{
	rf_store_options_default(o);
	o->redis_auth = redis_auth_get(a);
}

void
redis_auth_help(FILE *f)
{
	fprintf(f, "\nA Redis store or classifier that asks for a password "
	    "(docs/store.md):\n"
	    "  --redis-password-file FILE  the password: FILE's first line "
	    "(default\n"
	    "                  $" ENV_FILE ")\n"
	    "  --redis-user NAME  the ACL user it is the password of\n");
}

void
redis_auth_free(struct redis_auth *a)
{
	forget(&a->user);
	forget(&a->password);
	free(a->file);
	a->file = NULL;
}
