/*
 * test_rcpt_scan.c - the recipient search's SSE2 pieces (lib/rcpt_codes.c)
 * against what they replace: rf__rcpt_scan against the byte-at-a-time
 * rf__rcpt_scan_bytes, rf__memmem against glibc's memmem, on generated
 * texts of every length around the 16-byte blocks.
 */
#include "testutil.h"

#include "../../lib/internal.h"

static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* fill: n bytes from a small alphabet (so runs and partial matches are
 * common), mode picking it. */
static void
fill(uint32_t *s, char *p, size_t n, unsigned mode)
{
	static const char *const abc[] = {
		"ab",				/* long runs, many matches */
		"0123456789abcdefABCDEF",	/* hex */
		"aZ09+/_-",			/* base64 */
		"a0F=%.&?/:",			/* runs broken often */
		"\x80\xff\xc3@Zz[`{",		/* edges of the ranges */
	};
	const char *a = abc[mode % 5];
	size_t k = strlen(a), i;

	for (i = 0; i < n; i++)
		p[i] = mode == 5 ? (char)rnd(s) : a[rnd(s) % k];
}

static void
test_scan_same_as_bytes(void **state)
{
	char text[300], l1[300], l2[300];
	size_t n, b1, h1, b2, h2, t;
	unsigned mode;
	uint32_t s = 7;

	(void)state;
	for (t = 0; t < 20000; t++) {
		n = rnd(&s) % 200;
		mode = rnd(&s) % 6;
		fill(&s, text, n, mode);
		if (rnd(&s) % 3 == 0 && n > 0)	/* one long run */
			memset(text + rnd(&s) % n, 'q', n / 2);
		rf__rcpt_scan(text, n, l1, &b1, &h1);
		rf__rcpt_scan_bytes(text, n, l2, &b2, &h2);
		assert_memory_equal(l1, l2, n);
		assert_int_equal(b1, b2);
		assert_int_equal(h1, h2);
	}
	/* a known answer, so both cannot be wrong alike */
	rf__rcpt_scan("X-DEADbeef/ab+Q9_z!zz", 21, l1, &b1, &h1);
	assert_memory_equal(l1, "x-deadbeef/ab+q9_z!zz", 21);
	assert_int_equal(b1, 18);
	assert_int_equal(h1, 8);
}

static void
test_memmem_same_as_libc(void **state)
{
	char hay[400], nd[40];
	size_t hl, nl, t, off;
	uint32_t s = 11;
	const char *a, *b;

	(void)state;
	for (t = 0; t < 100000; t++) {
		unsigned mode = rnd(&s) % 6;

		hl = rnd(&s) % 120;
		nl = 1 + rnd(&s) % (t % 4 == 0 ? 35 : 5);
		fill(&s, hay, hl, mode);
		fill(&s, nd, nl, mode);
		if (hl >= nl && rnd(&s) % 2 == 0) {	/* plant it */
			off = rnd(&s) % (hl - nl + 1);
			memcpy(hay + off, nd, nl);
		}
		off = hl > 0 ? rnd(&s) % (hl + 1) : 0;	/* from inside */
		a = rf__memmem(hay + off, hl - off, nd, nl);
		b = memmem(hay + off, hl - off, nd, nl);
		if (a != b)
			fail_msg("t=%zu hl=%zu nl=%zu off=%zu: %td vs %td", t,
			    hl, nl, off, a != NULL ? a - hay : -1,
			    b != NULL ? b - hay : -1);
	}
	assert_ptr_equal(rf__memmem("abc", 3, "", 0), memmem("abc", 3, "", 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_same_as_bytes),
		cmocka_unit_test(test_memmem_same_as_libc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
