/*
 * test_store_redis.c - the campaign store's Redis backend against a real
 * redis-server on 127.0.0.1:$REDIS_PORT (tests/e2e/redis_store.sh starts
 * one).  Without REDIS_PORT every test is skipped.
 *
 *   test_store_redis                       the unit tests
 *   test_store_redis feed PREFIX FIRST N   add N copies of one campaign,
 *                                          recipients FIRST..FIRST+N-1
 *   test_store_redis check PREFIX N        exactly one campaign, N copies,
 *                                          N recipients within 2 %
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <hiredis.h>

#include "testutil.h"
#include "dbutil.h"
#include "fputil.h"
#include "../../lib/internal.h"	/* the backend, for the race test */
#include "../../lib/store_lib.h"	/* rf__redis_connect */

#define CAMPAIGN_SEED 4242

static char spec[128];

/* have_redis: spec of a store with a key prefix of its own for test
 * name, or 0 when REDIS_PORT is not set. */
static int
have_redis(const char *name)
{
	const char *port = getenv("REDIS_PORT");

	if (port == NULL || *port == '\0')
		return 0;
	snprintf(spec, sizeof(spec), "redis://127.0.0.1:%s/t%ld%s", port,
	    (long)getpid(), name);
	return 1;
}

static void
test_add_match_count(void **state)
{
	rf_fingerprint a, v;
	rf_campaign c;
	rf_store *s;
	rf_error err;
	char id[RF_CAMPAIGN_ID_LEN + 1], r[64];
	const char *links[1] = { r };
	int i;

	if (!have_redis("add"))
		skip();
	s = store_open(spec, NULL);
	assert_string_equal(rf_store_backend(s), "redis");
	a = fp_make(1);
	rf_store_fp_id(&a, id);
	for (i = 0; i < 300; i++) {
		v = i == 0 ? a : fp_variant(a, 1 + i % 15, (uint64_t)i);
		snprintf(r, sizeof(r), "User%d@Example.org", i % 200);
		if (rf_campaign_add(s, &v, links, 1, i == 0 ? NULL : "Hello",
		    links, 1, 1000 + (i % 50), &c, &err) != RF_OK)
			fail_msg("add: %s", err.msg);
		assert_int_equal(c.created, i == 0);
		assert_string_equal(c.id, id);
	}
	assert_int_equal(c.copies, 300);
	assert_in_range(c.size, 196, 204);
	assert_int_equal(c.first_seen, 1000);
	assert_int_equal(c.last_seen, 1049);
	assert_string_equal(c.subject, "Hello");
	/* another campaign */
	v = fp_make(2);
	assert_int_equal(rf_campaign_add(s, &v, NULL, 0, "Other", NULL, 0, 5,
	    &c, &err), RF_OK);
	assert_true(c.created);
	assert_string_not_equal(c.id, id);
	/* lookup, get, complaint */
	v = fp_variant(a, 5, 9999);
	assert_int_equal(rf_campaign_lookup(s, &v, &c, &err), RF_OK);
	assert_string_equal(c.id, id);
	assert_int_equal(c.copies, 300);
	v = fp_make(3);
	assert_int_equal(rf_campaign_lookup(s, &v, &c, &err), RF_ENOTFOUND);
	assert_int_equal(rf_campaign_complaint(s, id, 4, &err), RF_OK);
	assert_int_equal(rf_campaign_complaint(s, "0000000000000000", 1,
	    &err), RF_ENOTFOUND);
	assert_int_equal(rf_campaign_get(s, id, &c, &err), RF_OK);
	assert_int_equal(c.complaints, 4);
	assert_in_range(c.size, 196, 204);
	assert_int_equal(rf_campaign_get(s, "0000000000000000", &c, &err),
	    RF_ENOTFOUND);
	rf_store_close(s);
}

struct listed {
	int n;
	uint64_t size[4];
};

static int
list_cb(const rf_campaign *c, void *arg)
{
	struct listed *l = arg;

	if (l->n < 4)
		l->size[l->n] = c->size;
	l->n++;
	return 0;
}

static int
samples_cb(size_t copy, const char *const *links, size_t n, void *arg)
{
	int *copies = arg;

	assert_int_equal(n, 2);
	assert_string_equal(links[1], "https://b.example/\x01%");
	(*copies)++;
	return 0;
}

static void
test_list_samples(void **state)
{
	rf_store_options o;
	rf_fingerprint fp[3] = { fp_make(10), fp_make(11), fp_make(12) };
	int sizes[3] = { 3, 7, 5 }, i, j, copies = 0;
	const char *links[2] = { "https://a.example/1", "https://b.example/\x01%" };
	struct listed l;
	rf_campaign c;
	rf_store *s;
	rf_error err;
	char r[32];

	if (!have_redis("list"))
		skip();
	rf_store_options_default(&o);
	o.max_samples = 4;
	s = store_open(spec, &o);
	for (i = 0; i < 3; i++)
		for (j = 0; j < sizes[i]; j++) {
			const char *rc[1] = { r };

			snprintf(r, sizeof(r), "r%d@example.net", j);
			assert_int_equal(rf_campaign_add(s, &fp[i], rc, 1, NULL,
			    links, 2, j, &c, &err), RF_OK);
		}
	memset(&l, 0, sizeof(l));
	assert_int_equal(rf_campaign_list(s, 0, list_cb, &l, &err), RF_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.size[0], 7);
	assert_int_equal(l.size[1], 5);
	assert_int_equal(l.size[2], 3);
	memset(&l, 0, sizeof(l));
	assert_int_equal(rf_campaign_list(s, 1, list_cb, &l, &err), RF_OK);
	assert_int_equal(l.n, 1);
	for (i = 0; i < 4; i++) {
		uint64_t below[4] = { 0, 3, 5, 8 }, want[4] = { 0, 0, 1, 3 }, n;

		assert_int_equal(rf_campaign_count_below(s, below[i], &n, &err),
		    RF_OK);
		assert_int_equal(n, want[i]);
	}
	assert_int_equal(rf_campaign_samples(s, c.id, samples_cb, &copies,
	    &err), RF_OK);
	assert_int_equal(copies, 4);	/* 5 copies, 4 kept */
	rf_store_close(s);
}

/* the links of copy k in test_samples_delta: per-copy tracking parts in
 * the middle and at the end, a varying number of links */
static size_t
delta_links(int k, char buf[4][96], const char *links[4])
{
	size_t n = k == 2 ? 1 : k == 3 ? 4 : 3, i;

	snprintf(buf[0], 96, "https://shop.example/c/%04x?u=user%d&x=1", k * 7,
	    k);
	snprintf(buf[1], 96, "https://img.example/p/%08x.gif", k * 977);
	snprintf(buf[2], 96, k == 1 ? "https://same.example/unchanged/link" :
	    "https://same.example/unchanged/link%%0A\x01%d", k);
	snprintf(buf[3], 96, "https://extra.example/only/in/copy/%d", k);
	for (i = 0; i < n; i++)
		links[i] = buf[i];
	return n;
}

static int
delta_cb(size_t copy, const char *const *links, size_t n, void *arg)
{
	char buf[4][96];
	const char *want[4];
	size_t i, wn = delta_links((int)copy, buf, want);

	(void)arg;
	assert_int_equal(n, wn);
	for (i = 0; i < n; i++)
		assert_string_equal(links[i], want[i]);
	return 0;
}

/* Samples after the first are stored as differences to it: what comes
 * back is what went in, link by link. */
static void
test_samples_delta(void **state)
{
	rf_fingerprint fp = fp_make(13);
	char buf[4][96], r[32];
	const char *links[4], *rc[1] = { r };
	rf_campaign c;
	rf_store *s;
	rf_error err;
	size_t n;
	int k;

	if (!have_redis("delta"))
		skip();
	s = store_open(spec, NULL);
	for (k = 0; k < 6; k++) {
		n = delta_links(k, buf, links);
		snprintf(r, sizeof(r), "d%d@example.net", k);
		assert_int_equal(rf_campaign_add(s, &fp, rc, 1, "Subject",
		    links, n, k, &c, &err), RF_OK);
	}
	assert_int_equal(c.copies, 6);
	assert_string_equal(c.subject, "Subject");
	assert_int_equal(rf_campaign_samples(s, c.id, delta_cb, NULL, &err),
	    RF_OK);
	rf_store_close(s);
}

/* Two servers create matching campaigns at once: the second create sees
 * a band key taken by a campaign it has not verified and must look
 * again (RF_EDONE); once it has, it may create. */
static void
test_create_conflict(void **state)
{
	const struct rf__store_ops *ops;
	struct rf__copy c1, c2;
	rf_store_options o;
	rf_fingerprint fp = fp_make(77);
	char *seen[1] = { "00000000000000a1" };
	int64_t key;
	int created, i;
	void *be;
	rf_error err;

	if (!have_redis("race"))
		skip();
	rf_store_options_default(&o);
	if (rf__store_redis_open(spec, &o, &ops, &be, &err) != RF_OK)
		fail_msg("open: %s", err.msg);
	memset(&c1, 0, sizeof(c1));
	c1.fp[0] = RF_FP_VERSION;
	c1.fp[1] = RF_FP_MINHASH;
	memcpy(c1.id, "00000000000000a1", RF_CAMPAIGN_ID_LEN + 1);
	for (i = 0; i < RF_FP_BANDS; i++)
		c1.band[i] = fp.h[i];
	c1.now = 1;
	c2 = c1;
	memcpy(c2.id, "00000000000000a2", RF_CAMPAIGN_ID_LEN + 1);
	for (i = 1; i < RF_FP_BANDS; i++)
		c2.band[i] = fp.h[i] + 1;	/* band 0 shared */
	assert_int_equal(ops->create(be, &c1, 1, NULL, 0, &key, &created,
	    &err), RF_OK);
	assert_true(created);
	assert_int_equal(ops->create(be, &c2, 1, NULL, 0, &key, &created,
	    &err), RF_EDONE);
	assert_int_equal(ops->create(be, &c2, 1, seen, 1, &key, &created,
	    &err), RF_OK);
	assert_true(created);
	/* the same id again: it exists, nothing is created */
	assert_int_equal(ops->create(be, &c1, 0, NULL, 0, &key, &created,
	    &err), RF_OK);
	assert_false(created);
	ops->close(be);
}

static void
test_down(void **state)
{
	rf_store_options o;
	rf_store *s = NULL;
	rf_error err;

	if (!have_redis("down"))
		skip();
	rf_store_options_default(&o);
	o.timeout_ms = 500;
	/* port 1 on loopback: nothing listens there */
	assert_int_equal(rf_store_open("redis://127.0.0.1:1", &o, &s, &err),
	    RF_ESTORE);
	assert_null(s);
	assert_non_null(strstr(err.msg, "redis"));
	assert_int_equal(rf_store_open("redis://127.0.0.1:99999", &o, &s,
	    &err), RF_EINVAL);
	assert_int_equal(rf_store_open("redis://h/bad prefix", &o, &s, &err),
	    RF_EINVAL);
	assert_int_equal(rf_store_open("unix:/nonexistent/redis.sock", &o, &s,
	    &err), RF_ESTORE);
}

/* test_command_timeout: rf__redis_connect bounds each command, not only
 * the connection: a server that takes the connection (the kernel's
 * backlog of a socket no one accepts from) but never answers makes PING
 * fail after timeout_ms instead of waiting for ever (the alarm ends the
 * test if it does).  Needs no redis-server. */
static void
test_command_timeout(void **state)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	struct rf__redis_spec at;
	struct timespec t0, t1;
	redisContext *c;
	redisReply *rep;
	char sp[64];
	long ms;
	int fd;

	(void)state;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	snprintf(sp, sizeof(sp), "redis://127.0.0.1:%u/t",
	    (unsigned)ntohs(sa.sin_port));
	assert_int_equal(rf__redis_spec_parse(sp, &at), 0);
	alarm(20);
	c = rf__redis_connect(&at, 300);
	assert_non_null(c);
	assert_int_equal(c->err, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rep = redisCommand(c, "PING");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	alarm(0);
	assert_null(rep);
	assert_int_not_equal(c->err, 0);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000;
	if (ms < 250 || ms > 10000)
		fail_msg("PING failed after %ld ms, not about 300", ms);
	redisFree(c);
	close(fd);
}

/* feed: N copies of the campaign CAMPAIGN_SEED, each a variant of its
 * own, recipients FIRST.. */
static int
feed(const char *prefix, long first, long n)
{
	rf_fingerprint base = fp_make(CAMPAIGN_SEED), v;
	rf_campaign c;
	rf_store *s;
	rf_error err;
	char sp[160], r[64];
	const char *rc[1] = { r };
	long i;

	snprintf(sp, sizeof(sp), "redis://127.0.0.1:%s/%s",
	    getenv("REDIS_PORT"), prefix);
	if (rf_store_open(sp, NULL, &s, &err) != RF_OK) {
		fprintf(stderr, "feed: %s\n", err.msg);
		return 1;
	}
	for (i = first; i < first + n; i++) {
		v = fp_variant(base, 1 + (unsigned)(i % 12), (uint64_t)i + 1);
		snprintf(r, sizeof(r), "rcpt%ld@example.com", i);
		if (rf_campaign_add(s, &v, rc, 1, "Offer", NULL, 0,
		    1700000000 + i, &c, &err) != RF_OK) {
			fprintf(stderr, "feed: %s\n", err.msg);
			rf_store_close(s);
			return 1;
		}
	}
	printf("%s %llu\n", c.id, (unsigned long long)c.size);
	rf_store_close(s);
	return 0;
}

struct all {
	int n;
	rf_campaign c;
};

static int
all_cb(const rf_campaign *c, void *arg)
{
	struct all *a = arg;

	if (a->n++ == 0)
		a->c = *c;
	return 0;
}

static int
check(const char *prefix, long n)
{
	struct all a = { 0 };
	rf_store *s;
	rf_error err;
	char sp[160];
	double e;

	snprintf(sp, sizeof(sp), "redis://127.0.0.1:%s/%s",
	    getenv("REDIS_PORT"), prefix);
	if (rf_store_open(sp, NULL, &s, &err) != RF_OK ||
	    rf_campaign_list(s, 0, all_cb, &a, &err) != RF_OK) {
		fprintf(stderr, "check: %s\n", err.msg);
		return 1;
	}
	rf_store_close(s);
	e = ((double)a.c.size - (double)n) / (double)n;
	printf("campaigns %d id %s copies %llu recipients %llu (%+.2f%%)\n",
	    a.n, a.c.id, (unsigned long long)a.c.copies,
	    (unsigned long long)a.c.size, 100 * e);
	return a.n == 1 && a.c.copies == (uint64_t)n && e <= 0.02 &&
	    e >= -0.02 ? 0 : 1;
}

/* open3: open the campaign store, the consent store and the classifier at
 * loc with auth a; each status in st[3], the last error in err. */
static void
open3(const char *loc, const rf_redis_auth *a, rf_status *st, rf_error *err)
{
	rf_store_options o;
	rf_cls_params p;
	rf_store *s = NULL;
	rf_consent_db *db = NULL;
	rf_classifier *c = NULL;

	rf_store_options_default(&o);
	o.redis_auth = *a;
	rf_cls_params_default(&p);
	p.redis_auth = *a;
	st[0] = rf_store_open(loc, &o, &s, err);
	st[1] = rf_consent_open(loc, 0, a, &db, err);
	st[2] = rf_classifier_open(loc, &p, &c, err);
	rf_store_close(s);
	rf_consent_close(db);
	rf_classifier_close(c);
}

/* test_auth: rf_redis_auth reaches the three Redis openers: a malformed
 * one is RF_EINVAL before any connect, a password the server does not
 * take fails the connect with the server's words, never the password. */
static void
test_auth(void **state)
{
	char longpw[RF_REDIS_PASSWORD_MAX + 2];
	const rf_redis_auth bad[] = {
		{ "rf", NULL },		/* a user without a password */
		{ NULL, "" },
		{ "a b", "pw" },
		{ NULL, longpw },
	};
	const rf_redis_auth pw = { NULL, "Secret-pw-4242" };
	rf_status st[3];
	rf_error err;
	size_t i, k;

	(void)state;
	memset(longpw, 'x', sizeof(longpw) - 1);
	longpw[sizeof(longpw) - 1] = '\0';
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		open3("redis://127.0.0.1:1", &bad[i], st, &err);
		for (k = 0; k < 3; k++)
			assert_int_equal(st[k], RF_EINVAL);
		assert_null(strstr(err.msg, "xxxx"));
	}
	if (!have_redis("auth"))
		skip();
	/* this server has no password: Redis refuses an AUTH */
	open3(spec, &pw, st, &err);
	for (k = 0; k < 3; k++)
		assert_int_equal(st[k], RF_ESTORE);
	/* Redis's long "ERR AUTH <password> called without any password
	 * configured ..." said in a sentence that fits, whole */
	assert_non_null(strstr(err.msg, "authentication refused (the "
	    "server has no password: leave redis_password_file unset, or "
	    "set requirepass)"));
	assert_null(strstr(err.msg, pw.password));
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_match_count),
		cmocka_unit_test(test_list_samples),
		cmocka_unit_test(test_samples_delta),
		cmocka_unit_test(test_create_conflict),
		cmocka_unit_test(test_down),
		cmocka_unit_test(test_command_timeout),
		cmocka_unit_test(test_auth),
	};

	signal(SIGPIPE, SIG_IGN);	/* a closed connection is an error */
	if (argc == 5 && strcmp(argv[1], "feed") == 0 && getenv("REDIS_PORT"))
		return feed(argv[2], atol(argv[3]), atol(argv[4]));
	if (argc == 4 && strcmp(argv[1], "check") == 0 && getenv("REDIS_PORT"))
		return check(argv[2], atol(argv[3]));
	if (argc != 1) {
		fprintf(stderr, "usage: %s [feed PREFIX FIRST N | check PREFIX "
		    "N] (with REDIS_PORT set)\n", argv[0]);
		return 64;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
