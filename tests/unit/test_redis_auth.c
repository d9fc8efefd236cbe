/*
 * test_redis_auth.c - the front ends' Redis password (src/redis_auth.c):
 * the file's first line without its line end (LF, CRLF), RF_REDIS_PASSWORD_MAX
 * bytes at most; an empty file, a longer password, a NUL byte, a missing
 * file or a folder refused with a reason naming the file, never its
 * content; the settings and $REDFLAG_REDIS_PASSWORD_FILE.
 */
#include "testutil.h"

#include <sys/stat.h>
#include <unistd.h>

#include "../../src/redis_auth.c"

/* the front end's helpers redis_auth.c calls (src/redflag.c) */
void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

char *
cli_escape(char *buf, size_t bufsize, const char *s, size_t max)
{
	return rf_escape(buf, bufsize, s, max);
}

struct dir {
	char path[64];
	char file[128];
};

static int
setup(void **state)
{
	struct dir *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return -1;
	snprintf(d->path, sizeof(d->path), "/tmp/rf-redisauth.XXXXXX");
	if (mkdtemp(d->path) == NULL)
		return -1;
	snprintf(d->file, sizeof(d->file), "%s/pw", d->path);
	*state = d;
	return 0;
}

static int
teardown(void **state)
{
	struct dir *d = *state;

	unlink(d->file);
	rmdir(d->path);
	free(d);
	return 0;
}

/* put: the file holds data[0..n). */
static void
put(const struct dir *d, const char *data, size_t n)
{
	FILE *f = fopen(d->file, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* ok: the file data[0..n) gives the password want. */
static void
ok(const struct dir *d, const char *data, size_t n, const char *want)
{
	char why[512], *pw = NULL;

	put(d, data, n);
	assert_int_equal(redis_password_read(d->file, &pw, why, sizeof(why)),
	    0);
	assert_string_equal(pw, want);
	free(pw);
}

/* refused: the file data[0..n) is refused, the reason naming the file
 * and saying want, never quoting content (NULL: nothing to look for). */
static void
refused(const struct dir *d, const char *data, size_t n, const char *want,
	const char *content)
{
	char why[512], *pw = (char *)"untouched";

	put(d, data, n);
	assert_int_equal(redis_password_read(d->file, &pw, why, sizeof(why)),
	    -1);
	assert_null(pw);
	assert_non_null(strstr(why, d->file));
	assert_non_null(strstr(why, want));
	if (content != NULL)
		assert_null(strstr(why, content));
}

static void
test_line_ends(void **state)
{
	struct dir *d = *state;

	ok(d, "pw\n", 3, "pw");
	ok(d, "pw\r\n", 4, "pw");
	ok(d, "pw", 2, "pw");				/* no line end */
	ok(d, "two words %s\nsecond line\n", 24, "two words %s");
	ok(d, "a\rb\r\n", 5, "a\rb");		/* only the last CR */
}

static void
test_empty(void **state)
{
	struct dir *d = *state;

	refused(d, "", 0, "empty", NULL);
	refused(d, "\n", 1, "empty", NULL);
	refused(d, "\r\n", 2, "empty", NULL);
	refused(d, "\nsecret on line two\n", 20, "empty", "secret");
}

static void
test_too_long(void **state)
{
	struct dir *d = *state;
	char buf[RF_REDIS_PASSWORD_MAX + 64];

	memset(buf, 'x', sizeof(buf));
	buf[RF_REDIS_PASSWORD_MAX] = '\0';
	buf[RF_REDIS_PASSWORD_MAX + 1] = '\n';
	{
		char data[RF_REDIS_PASSWORD_MAX + 2];

		memcpy(data, buf, RF_REDIS_PASSWORD_MAX);
		memcpy(data + RF_REDIS_PASSWORD_MAX, "\r\n", 2);
		ok(d, data, sizeof(data), buf);		/* the most */
	}
	memset(buf, 'x', sizeof(buf));
	refused(d, buf, RF_REDIS_PASSWORD_MAX + 1, "at most 512 bytes",
	    "xxxx");
	buf[RF_REDIS_PASSWORD_MAX + 1] = '\n';
	refused(d, buf, RF_REDIS_PASSWORD_MAX + 2, "too long", "xxxx");
	refused(d, buf, sizeof(buf), "too long", "xxxx");
}

static void
test_nul(void **state)
{
	struct dir *d = *state;

	refused(d, "ab\0cd\n", 6, "NUL byte", "ab");
}

static void
test_missing(void **state)
{
	struct dir *d = *state;
	char why[512], *pw = NULL;

	assert_int_equal(redis_password_read(d->file, &pw, why, sizeof(why)),
	    -1);
	assert_null(pw);
	assert_non_null(strstr(why, d->file));
	assert_non_null(strstr(why, "No such file"));
	/* a folder */
	assert_int_equal(redis_password_read(d->path, &pw, why, sizeof(why)),
	    -1);
	assert_non_null(strstr(why, d->path));
}

/* What a command opens: a SQLite store and a Redis classifier. */
static const char *const REDIS[] = { "campaigns.db", "redis://127.0.0.1" };

static void
test_settings(void **state)
{
	struct dir *d = *state;
	struct redis_auth a = { NULL, NULL, NULL };
	rf_redis_auth ra;
	char why[512];

	put(d, "pw\n", 3);
	assert_int_equal(redis_auth_set(&a, "db", "x", why, sizeof(why)), 0);
	assert_int_equal(redis_auth_set(&a, "redis_user", "a b", why,
	    sizeof(why)), -1);
	assert_int_equal(redis_auth_set(&a, "redis_user", "rf", why,
	    sizeof(why)), 1);
	/* a user without a password */
	unsetenv("REDFLAG_REDIS_PASSWORD_FILE");
	assert_int_equal(redis_auth_finish(&a, "test", REDIS, 2), -1);
	/* the file is read by redis_auth_finish, not by the setting (a
	 * command that opens no store never reads it) */
	assert_int_equal(redis_auth_set(&a, "redis_password_file", d->path,
	    why, sizeof(why)), 1);
	assert_null(a.password);
	assert_int_equal(redis_auth_finish(&a, "test", REDIS, 2), -1);	/* a folder */
	assert_int_equal(redis_auth_set(&a, "redis_password_file", d->file,
	    why, sizeof(why)), 1);
	assert_int_equal(redis_auth_finish(&a, "test", REDIS, 2), 0);
	ra = redis_auth_get(&a);
	assert_string_equal(ra.user, "rf");
	assert_string_equal(ra.password, "pw");
	redis_auth_free(&a);
	assert_null(a.user);
	assert_null(a.password);
	/* "" unsets */
	assert_int_equal(redis_auth_set(&a, "redis_password_file", d->file,
	    why, sizeof(why)), 1);
	assert_int_equal(redis_auth_set(&a, "redis_password_file", "", why,
	    sizeof(why)), 1);
	assert_int_equal(redis_auth_finish(&a, "test", REDIS, 2), 0);
	assert_null(a.password);
	/* the environment when no file was given, and only then */
	setenv("REDFLAG_REDIS_PASSWORD_FILE", d->file, 1);
	assert_int_equal(redis_auth_finish(&a, "test", REDIS, 2), 0);
	assert_string_equal(a.password, "pw");
	redis_auth_free(&a);
	assert_int_equal(redis_auth_set(&a, "redis_password_file", d->path,
	    why, sizeof(why)), 1);
	assert_int_equal(redis_auth_finish(&a, "test", REDIS, 2), -1);	/* the folder */
	unsetenv("REDFLAG_REDIS_PASSWORD_FILE");
	redis_auth_free(&a);
}

/* No store names Redis (SQLite files, sqlite:PATH, none): the password
 * file is not read, whatever it is (another user's, a folder), and a
 * user needs none; a Redis one later (complain's --classifier) reads
 * it then. */
static void
test_sqlite_only(void **state)
{
	static const char *const sqlite[] = { "campaigns.db", NULL,
	    "sqlite:unix:x", "" };
	struct dir *d = *state;
	struct redis_auth a = { NULL, NULL, NULL };
	const char *later = "unix:/run/redis.sock";
	char why[512];

	assert_int_equal(redis_auth_set(&a, "redis_user", "rf", why,
	    sizeof(why)), 1);
	assert_int_equal(redis_auth_set(&a, "redis_password_file", d->path,
	    why, sizeof(why)), 1);
	assert_int_equal(redis_auth_finish(&a, "test", sqlite, 4), 0);
	assert_int_equal(redis_auth_finish(&a, "test", NULL, 0), 0);
	assert_null(a.password);
	redis_auth_free(&a);
	setenv("REDFLAG_REDIS_PASSWORD_FILE", d->path, 1);
	assert_int_equal(redis_auth_finish(&a, "test", sqlite, 4), 0);
	assert_null(a.password);
	assert_int_equal(redis_auth_finish(&a, "test", &later, 1), -1);
	put(d, "pw\n", 3);
	setenv("REDFLAG_REDIS_PASSWORD_FILE", d->file, 1);
	assert_int_equal(redis_auth_finish(&a, "test", sqlite, 4), 0);
	assert_null(a.password);
	assert_int_equal(redis_auth_finish(&a, "test", &later, 1), 0);
	assert_string_equal(a.password, "pw");
	unsetenv("REDFLAG_REDIS_PASSWORD_FILE");
	redis_auth_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_line_ends, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_long, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nul, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_only, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_settings, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
