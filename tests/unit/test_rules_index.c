/* test_rules_index.c - the tracking rules' look-ups go through indexes
 * (by the last bytes of a host, the first byte of a parameter): they
 * find what a scan of the whole table in order finds, for short hosts,
 * globs, case, path prefixes, label boundaries and rule order. */
#include "testutil.h"

#include "../../lib/internal.h"

static const char rules_text[] =
    "host t.co short\n"
    "host *.glob.example.com glob\n"
    "host mail.glob.example.com plain-after-glob\n"
    "host tracking.example.org/x with-path\n"
    "host tracking.example.org no-path\n"
    "host klclick*.com kl\n"
    "host */ls/click any-host\n"
    "host news.example.net first\n"
    "host news.example.net second\n"
    "static cdn.example.net\n"
    "static ow.ly\n"
    "unwrap go.example.net query url\n"
    "unwrap *.example.net query u\n"
    "unwrap go.example.net path\n"
    "param utm_*\n"
    "param ID\n"
    "tag cid host.example.com\n";

static const char *
host_rule(const rf_rules *r, const char *host, const char *path)
{
	return rf__rules_host(r, host, strlen(host), path, strlen(path));
}

static int
is_static(const rf_rules *r, const char *host)
{
	return rf__rules_static(r, host, strlen(host));
}

static void
test_hosts(void **state)
{
	rf_rules *r = NULL;
	rf_error err;

	(void)state;
	assert_int_equal(rf_rules_parse(rules_text, strlen(rules_text), &r,
	    &err), RF_OK);
	/* shorter than the index's key: the whole table */
	assert_string_equal(host_rule(r, "t.co", "/"), "short");
	assert_string_equal(host_rule(r, "a.t.co", "/"), "short");
	assert_string_equal(host_rule(r, "T.CO", "/"), "short");
	assert_null(host_rule(r, "at.co", "/"));
	assert_null(host_rule(r, "co", "/"));
	/* the glob comes first in the table */
	assert_string_equal(host_rule(r, "mail.glob.example.com", "/"),
	    "glob");
	assert_string_equal(host_rule(r, "MAIL.Glob.Example.COM", "/"),
	    "glob");
	assert_null(host_rule(r, "glob.example.com", "/"));
	/* path prefixes, label boundaries */
	assert_string_equal(host_rule(r, "tracking.example.org", "/x/1"),
	    "with-path");
	assert_string_equal(host_rule(r, "tracking.example.org", "/y"),
	    "no-path");
	assert_string_equal(host_rule(r, "a.tracking.example.org", "/y"),
	    "no-path");
	assert_null(host_rule(r, "xtracking.example.org", "/x"));
	/* a glob in a label; "*" with a path: any host */
	assert_string_equal(host_rule(r, "klclick7.com", "/"), "kl");
	assert_null(host_rule(r, "klclick7.net", "/"));
	assert_string_equal(host_rule(r, "x.y", "/ls/click?a"), "any-host");
	assert_string_equal(host_rule(r, "long.host.example", "/ls/click"),
	    "any-host");
	/* the first of two rules for one host */
	assert_string_equal(host_rule(r, "news.example.net", "/"), "first");
	assert_null(rf__rules_host(r, "", 0, "/", 1));
	/* statics, short and long */
	assert_true(is_static(r, "cdn.example.net"));
	assert_true(is_static(r, "img.CDN.example.net"));
	assert_false(is_static(r, "n.example.net"));
	assert_false(is_static(r, "cdn.example.ne"));
	assert_true(is_static(r, "ow.ly"));
	assert_true(is_static(r, "x.ow.ly"));
	assert_false(is_static(r, "low.ly"));
	rf_rules_free(r);
}

static void
test_unwrap_params(void **state)
{
	rf_rules *r = NULL;
	rf_error err;
	const char *p = NULL, *h = "go.example.net";
	int tag = -1;

	(void)state;
	assert_int_equal(rf_rules_parse(rules_text, strlen(rules_text), &r,
	    &err), RF_OK);
	/* the matching unwrap rules in table order */
	assert_int_equal(rf__rules_unwrap(r, h, strlen(h), 0, &p), 1);
	assert_string_equal(p, "url");
	assert_int_equal(rf__rules_unwrap(r, h, strlen(h), 1, &p), 1);
	assert_string_equal(p, "u");
	assert_int_equal(rf__rules_unwrap(r, h, strlen(h), 2, &p), 2);
	assert_int_equal(rf__rules_unwrap(r, h, strlen(h), 3, &p), 0);
	h = "other.example.net";
	assert_int_equal(rf__rules_unwrap(r, h, strlen(h), 0, &p), 1);
	assert_string_equal(p, "u");
	assert_int_equal(rf__rules_unwrap(r, h, strlen(h), 1, &p), 0);
	/* parameters: prefix, case, hosts */
	assert_string_equal(rf__rules_param(r, "a.example", 9, "UTM_source",
	    10, &tag), "utm_*");
	assert_int_equal(tag, 0);
	assert_string_equal(rf__rules_param(r, "a.example", 9, "id", 2,
	    NULL), "ID");
	assert_null(rf__rules_param(r, "a.example", 9, "idx", 3, NULL));
	assert_null(rf__rules_param(r, "a.example", 9, "cid", 3, NULL));
	assert_string_equal(rf__rules_param(r, "x.host.example.com", 18,
	    "cid", 3, &tag), "cid");
	assert_int_equal(tag, 1);
	assert_null(rf__rules_param(r, "a.example", 9, "", 0, NULL));
	rf_rules_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_unwrap_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
