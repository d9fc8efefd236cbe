/*
 * test_http_throttle.c - serve's count of failed sign-ins per client
 * address (src/http_throttle.c, outside the library: built into this test
 * from its source): throttled at max_failures within the window, for the
 * window; failures spread over more than a window never throttle; a
 * success clears; addresses apart (IPv4 and IPv6); a full table forgets
 * the address touched longest ago, and never grows.
 */
#include "testutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "../../src/http_throttle.c"

/* v4: the IPv4 address n.n.n.n in *in, as a sockaddr. */
static const struct sockaddr *
v4(struct sockaddr_in *in, unsigned n)
{
	memset(in, 0, sizeof(*in));
	in->sin_family = AF_INET;
	in->sin_addr.s_addr = htonl(0x7f000000u | n);
	return (const struct sockaddr *)(const void *)in;
}

static void
test_window(void **state)
{
	struct throttle *t = throttle_new(3, 60);
	struct sockaddr_in a, b;
	char name[64];
	int i;

	(void)state;
	assert_non_null(t);
	assert_string_equal(throttle_name(v4(&a, 1), name, sizeof(name)),
	    "127.0.0.1");
	assert_int_equal(throttle_wait(t, v4(&a, 1), 1000), 0);
	assert_int_equal(throttle_fail(t, v4(&a, 1), 1000), 0);
	assert_int_equal(throttle_fail(t, v4(&a, 1), 1010), 0);
	assert_int_equal(throttle_wait(t, v4(&a, 1), 1010), 0);
	assert_int_equal(throttle_fail(t, v4(&a, 1), 1020), 1);	/* the 3rd */
	assert_int_equal(throttle_wait(t, v4(&a, 1), 1020), 60);
	assert_int_equal(throttle_wait(t, v4(&a, 1), 1079), 1);
	assert_int_equal(throttle_wait(t, v4(&b, 2), 1030), 0);	/* apart */
	assert_int_equal(throttle_wait(t, v4(&a, 1), 1080), 0);	/* over */
	assert_int_equal(throttle_fail(t, v4(&a, 1), 1080), 0);	/* anew */
	/* one failure a window apart from the next never throttles */
	for (i = 0; i < 10; i++)
		assert_int_equal(throttle_fail(t, v4(&b, 2), 2000 + 31 * i), 0);
	/* a success clears the count */
	assert_int_equal(throttle_fail(t, v4(&a, 1), 1081), 0);
	throttle_clear(t, v4(&a, 1));
	assert_int_equal(throttle_fail(t, v4(&a, 1), 1082), 0);
	assert_int_equal(throttle_fail(t, v4(&a, 1), 1083), 0);
	assert_int_equal(throttle_fail(t, v4(&a, 1), 1084), 1);
	throttle_free(t);
}

static void
test_ipv6(void **state)
{
	struct throttle *t = throttle_new(1, 10);
	struct sockaddr_in6 a, b, c, m;
	struct sockaddr_in v;
	char name[64];

	(void)state;
	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_addr.s6_addr[15] = 1;
	b = a;			/* another /64 */
	b.sin6_addr.s6_addr[7] = 1;
	c = a;			/* the same /64: one host may take any */
	c.sin6_addr.s6_addr[15] = 2;
	c.sin6_addr.s6_addr[8] = 0x42;
	assert_string_equal(throttle_name((struct sockaddr *)&a, name,
	    sizeof(name)), "::1");
	assert_int_equal(throttle_fail(t, (struct sockaddr *)&a, 5), 1);
	assert_int_equal(throttle_wait(t, (struct sockaddr *)&a, 5), 10);
	assert_int_equal(throttle_wait(t, (struct sockaddr *)&c, 5), 10);
	assert_int_equal(throttle_wait(t, (struct sockaddr *)&b, 5), 0);
	/* ::ffff:127.0.0.1 is 127.0.0.1 */
	memset(&m, 0, sizeof(m));
	m.sin6_family = AF_INET6;
	m.sin6_addr.s6_addr[10] = m.sin6_addr.s6_addr[11] = 0xff;
	m.sin6_addr.s6_addr[12] = 127;
	m.sin6_addr.s6_addr[15] = 1;
	assert_int_equal(throttle_fail(t, (struct sockaddr *)&m, 6), 1);
	memset(&v, 0, sizeof(v));
	v.sin_family = AF_INET;
	v.sin_addr.s_addr = htonl(0x7f000001);
	assert_int_equal(throttle_wait(t, (struct sockaddr *)&v, 6), 10);
	throttle_free(t);
}

/* A full table: one more address takes the slot of the one touched
 * longest ago (a throttled one included), the table never grows, and
 * the others keep their state. */
static void
test_full(void **state)
{
	struct throttle *t = throttle_new(1, 100000);
	struct sockaddr_in a;
	unsigned i;

	(void)state;
	for (i = 0; i < THROTTLE_SLOTS; i++)
		assert_int_equal(throttle_fail(t, v4(&a, i + 1), 10 + i), 1);
	assert_int_equal(t->n, THROTTLE_SLOTS);
	assert_true(throttle_wait(t, v4(&a, 1), 20000) > 0);
	assert_int_equal(throttle_fail(t, v4(&a, 0xfffff), 20000), 1);
	assert_int_equal(t->n, THROTTLE_SLOTS);
	assert_int_equal(throttle_wait(t, v4(&a, 1), 20000), 0); /* gone */
	assert_true(throttle_wait(t, v4(&a, 2), 20000) > 0);	/* kept */
	assert_true(throttle_wait(t, v4(&a, THROTTLE_SLOTS), 20000) > 0);
	assert_true(throttle_wait(t, v4(&a, 0xfffff), 20000) > 0);
	throttle_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
