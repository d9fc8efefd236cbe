/*
 * test_sprinter_json.c - the JSON printer's one-call keys and values
 * (SP_KV_* and the kvl_ methods) against the calls they replace (map_key,
 * then string, null, integer or boolean), on many generated keys, strings
 * and nestings, and its byte scans against plain loops.  The printer
 * lives in src/, outside the library: it is built into this test from its
 * source (with src/sprinter.c, the generic pair calls).
 */
#include "testutil.h"

#include <limits.h>
#include <math.h>

#include "../../src/sprinter-json.c"
#include "../../src/sprinter.c"

/* rnd: a small deterministic generator (xorshift). */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* gen: a NUL-terminated string of up to max bytes: mostly plain ASCII,
 * sometimes quotes, backslashes, control bytes, UTF-8 and invalid bytes. */
static void
gen(uint32_t *s, char *out, size_t max)
{
	static const char *const odd[] = { "\"", "\\", "\n", "\t", "\x01",
	    "\xc3\xa9", "\xe2\x82\xac", "\xff", "\xc3", "\x7f", "/" };
	size_t n, len = 0, i, k;
	unsigned mode = rnd(s) % 4;

	switch (rnd(s) % 8) {
	case 0: n = 0; break;
	case 1: n = rnd(s) % 12000; break;	/* beyond the buffer */
	case 2: n = 8000 + rnd(s) % 400; break;	/* near its size */
	default: n = rnd(s) % 40; break;
	}
	if (n > max)
		n = max;
	while (len < n) {
		if (mode != 0 || rnd(s) % 16 != 0) {
			out[len++] = (char)(' ' + rnd(s) % 95);
			if (out[len - 1] == '"' || out[len - 1] == '\\')
				out[len - 1] = 'x';
			continue;
		}
		k = rnd(s) % (sizeof(odd) / sizeof(odd[0]));
		for (i = 0; odd[k][i] != '\0' && len < n; i++)
			out[len++] = odd[k][i];
	}
	out[len] = '\0';
}

/* run: the same generated sequence through two printers, a using
 * sp_kv_str and b the two calls; returns their outputs. */
static void
run(uint32_t seed, char **outa, size_t *lena, char **outb, size_t *lenb)
{
	static char key[16384], val[16384];
	FILE *fa, *fb;
	struct sprinter *a, *b;
	uint32_t s = seed;
	int depth = 0, op, i;

	fa = open_memstream(outa, lena);
	fb = open_memstream(outb, lenb);
	assert_non_null(fa);
	assert_non_null(fb);
	a = sprinter_json_new(fa);
	b = sprinter_json_new(fb);
	assert_non_null(a);
	assert_non_null(b);
	for (i = 0; i < 400; i++) {
		op = (int)(rnd(&s) % 10);
		if (depth == 0 || (op == 0 && depth < 16)) {
			a->begin_map(a);
			b->begin_map(b);
			depth++;
		} else if (op == 1 && depth > 1) {
			a->end(a);
			b->end(b);
			depth--;
		} else if (op == 2) {
			/* a key whose value is a list holding strings */
			gen(&s, key, 30);
			a->map_key(a, key);
			b->map_key(b, key);
			a->begin_list(a);
			b->begin_list(b);
			gen(&s, val, sizeof(val) - 1);
			a->string(a, val);
			b->string(b, val);
			a->end(a);
			b->end(b);
		} else {
			int null = rnd(&s) % 5 == 0;

			gen(&s, key, rnd(&s) % 3 == 0 ? sizeof(key) - 1 : 30);
			gen(&s, val, sizeof(val) - 1);
			sp_kv_str(a, key, null ? NULL : val);
			b->map_key(b, key);
			if (null)
				b->null(b);
			else
				b->string(b, val);
		}
		if (rnd(&s) % 50 == 0) {
			while (depth > 0) {
				a->end(a);
				b->end(b);
				depth--;
			}
			a->separator(a);
			b->separator(b);
		}
	}
	while (depth-- > 0) {
		a->end(a);
		b->end(b);
	}
	a->separator(a);
	b->separator(b);
	a->destroy(a);
	b->destroy(b);
	fclose(fa);
	fclose(fb);
}

/* ref_plain_run: plain_run's answer, one byte at a time by the table. */
static size_t
ref_plain_run(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && plain[p[i]])
		i++;
	return i;
}

/* plain_run (words, overlapping tails) against the byte table: every
 * length up to 40, every position of one byte of each kind that needs
 * escaping (and of some that do not), a second one after it, and random
 * strings. */
static void
test_plain_run(void **state)
{
	static const unsigned char odd[] = { 0x00, 0x01, 0x1f, '"', '\\',
	    0x7f, 0x80, 0xc3, 0xff, 0x20, 0x21, 0x5b, 0x5d, 0x7e, 0x60 };
	unsigned char buf[64];
	size_t n, at, at2, k, i;
	uint32_t s = 99;

	(void)state;
	for (n = 0; n <= 48; n++) {
		memset(buf, 'a', sizeof(buf));
		assert_int_equal(plain_run(buf, n), n);
		for (at = 0; at < n; at++)
			for (k = 0; k < sizeof(odd); k++) {
				memset(buf, 'a', sizeof(buf));
				buf[at] = odd[k];
				assert_int_equal(plain_run(buf, n),
				    ref_plain_run(buf, n));
				for (at2 = at + 1; at2 < n; at2++) {
					buf[at2] = odd[(k + at2) % sizeof(odd)];
					assert_int_equal(plain_run(buf, n),
					    ref_plain_run(buf, n));
					buf[at2] = 'a';
				}
			}
	}
	for (k = 0; k < 20000; k++) {
		n = rnd(&s) % 64;
		for (i = 0; i < n; i++)
			buf[i] = rnd(&s) % 4 == 0 ? (unsigned char)rnd(&s) :
			    (unsigned char)(' ' + rnd(&s) % 95);
		assert_int_equal(plain_run(buf, n), ref_plain_run(buf, n));
	}
}

static void
test_kv_str_same_as_two_calls(void **state)
{
	uint32_t seed;
	char *a, *b;
	size_t la, lb;

	(void)state;
	for (seed = 1; seed <= 300; seed++) {
		run(seed * 2654435761u, &a, &la, &b, &lb);
		assert_true(la > 0);
		if (la != lb || memcmp(a, b, la) != 0)
			fail_msg("seed %u: outputs differ", seed);
		free(a);
		free(b);
	}
}

/* sp_kv_str writes a plain and a null value, and escapes one that needs
 * it */
static void
test_kv_str_output(void **state)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct sprinter *sp;

	(void)state;
	assert_non_null(f);
	sp = sprinter_json_new(f);
	assert_non_null(sp);
	sp->begin_map(sp);
	sp_kv_str(sp, "from", "a@b.example");
	sp_kv_str(sp, "subject", NULL);
	sp_kv_str(sp, "q", "say \"hi\"");
	sp->end(sp);
	sp->separator(sp);
	sp->destroy(sp);
	fclose(f);
	assert_string_equal(out, "{\"from\":\"a@b.example\",\"subject\":null,"
	    "\"q\":\"say \\\"hi\\\"\"}\n");
	free(out);
}

/* plain_copy against plain_run and memcpy: every length up to 48, every
 * position of one byte of each kind; the plain bytes are copied and
 * nothing is written beyond the n bytes. */
static void
test_plain_copy(void **state)
{
	static const unsigned char odd[] = { 0x00, 0x01, 0x1f, '"', '\\',
	    0x7f, 0x80, 0xc3, 0xff, 0x20, 0x7e };
	unsigned char buf[64];
	char o[96];
	size_t n, at, k, r, i;
	uint32_t s = 7;

	(void)state;
	for (n = 0; n <= 48; n++)
		for (at = 0; at <= n; at++)
			for (k = 0; k < sizeof(odd); k++) {
				for (i = 0; i < sizeof(buf); i++)
					buf[i] = (unsigned char)('A' + i % 26);
				if (at < n)
					buf[at] = odd[k];
				memset(o, '#', sizeof(o));
				r = plain_copy(o, buf, n);
				assert_int_equal(r, ref_plain_run(buf, n));
				assert_memory_equal(o, buf, r);
				for (i = n; i < sizeof(o); i++)
					assert_int_equal(o[i], '#');
			}
	for (k = 0; k < 20000; k++) {
		n = rnd(&s) % 64;
		for (i = 0; i < n; i++)
			buf[i] = rnd(&s) % 8 == 0 ? (unsigned char)rnd(&s) :
			    (unsigned char)(' ' + rnd(&s) % 95);
		memset(o, '#', sizeof(o));
		r = plain_copy(o, buf, n);
		assert_int_equal(r, ref_plain_run(buf, n));
		assert_memory_equal(o, buf, r);
		assert_int_equal(o[n], '#');
	}
}

/* rec: a printer that writes down each call made to it, to check that a
 * printer other than JSON gets the calls the literal-key functions stand
 * for (the text printer needs src/cli.c, outside this test). */
struct rec {
	struct sprinter sp;
	FILE *out;
};

#define REC(sp) (((struct rec *)(void *)(sp))->out)

static void rec_begin_map(struct sprinter *sp) { fputs("{", REC(sp)); }
static void rec_begin_list(struct sprinter *sp) { fputs("[", REC(sp)); }
static void rec_end(struct sprinter *sp) { fputs("E", REC(sp)); }
static void rec_null(struct sprinter *sp) { fputs("N", REC(sp)); }
static void rec_resume(struct sprinter *sp) { fputs("R", REC(sp)); }
static void rec_sep(struct sprinter *sp) { fputs("\n", REC(sp)); }

static void
rec_string_len(struct sprinter *sp, const char *s, size_t n)
{
	fprintf(REC(sp), "S%zu:", n);
	fwrite(s, 1, n, REC(sp));
}

static void
rec_string(struct sprinter *sp, const char *s)
{
	fprintf(REC(sp), "s%s|", s);
}

static void
rec_integer(struct sprinter *sp, long long v)
{
	fprintf(REC(sp), "I%lld", v);
}

static void
rec_real(struct sprinter *sp, double v)
{
	fprintf(REC(sp), "D%g", v);
}

static void
rec_boolean(struct sprinter *sp, int v)
{
	fprintf(REC(sp), "B%d", v);
}

static void
rec_map_key(struct sprinter *sp, const char *key)
{
	fprintf(REC(sp), "K%s|", key);
}

static void
rec_destroy(struct sprinter *sp)
{
	free(sp);
}

static struct sprinter *
rec_new(FILE *out)
{
	struct rec *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->out = out;
	r->sp = (struct sprinter){
		.begin_map = rec_begin_map, .begin_list = rec_begin_list,
		.end = rec_end, .string = rec_string,
		.string_len = rec_string_len, .integer = rec_integer,
		.real = rec_real, .boolean = rec_boolean, .null = rec_null,
		.map_key = rec_map_key, .resume_map = rec_resume,
		.separator = rec_sep, .destroy = rec_destroy,
	};
	return &r->sp;
}

/* gen_key: a plain key (what SP__LIT requires) of 1 to max bytes and its
 * literal form ,"key": followed by 16 NUL bytes; returns the form's
 * length. */
static size_t
gen_key(uint32_t *s, char *key, char *lit, size_t max)
{
	size_t n = 1 + rnd(s) % max, i;

	for (i = 0; i < n; i++) {
		key[i] = (char)(' ' + rnd(s) % 95);
		if (key[i] == '"' || key[i] == '\\')
			key[i] = '_';
	}
	key[n] = '\0';
	lit[0] = ',';
	lit[1] = '"';
	memcpy(lit + 2, key, n);
	lit[n + 2] = '"';
	lit[n + 3] = ':';
	memset(lit + n + 4, 0, 16);
	return n + 4;
}

/* run_kvl: the same generated sequence through two printers made by
 * make, a using sp_kvl_* (the SP_KV_* macros' functions) and b the calls
 * they replace (map_key, then string, null, integer or boolean). */
static void
run_kvl(uint32_t seed, struct sprinter *(*make)(FILE *), char **outa,
	size_t *lena, char **outb, size_t *lenb)
{
	static char key[64], lit[96], val[16384];
	FILE *fa, *fb;
	struct sprinter *a, *b;
	uint32_t s = seed;
	int depth = 0, op, i, null;
	size_t ll;
	long long v;

	fa = open_memstream(outa, lena);
	fb = open_memstream(outb, lenb);
	assert_non_null(fa);
	assert_non_null(fb);
	a = make(fa);
	b = make(fb);
	assert_non_null(a);
	assert_non_null(b);
	for (i = 0; i < 600; i++) {
		op = (int)(rnd(&s) % 12);
		ll = gen_key(&s, key, lit, rnd(&s) % 4 == 0 ? 40 : 12);
		if (depth == 0 || (op == 0 && depth < 16)) {
			a->begin_map(a);
			b->begin_map(b);
			depth++;
		} else if (op == 1 && depth > 1) {
			a->end(a);
			b->end(b);
			depth--;
		} else if (op == 2) {
			/* a key whose value is a list or a map */
			sp_kvl_key(a, key, lit, ll);
			b->map_key(b, key);
			if (rnd(&s) % 2) {
				a->begin_list(a);
				b->begin_list(b);
				gen(&s, val, 50);
				a->string(a, val);
				b->string(b, val);
				a->end(a);
				b->end(b);
			} else {
				a->begin_map(a);
				b->begin_map(b);
				depth++;
			}
		} else if (op == 3 || op == 4) {
			v = (long long)(((uint64_t)rnd(&s) << 32) | rnd(&s));
			if (op == 4)
				v = (long long)(rnd(&s) % 3) - 1 +
				    (rnd(&s) % 2 ? LLONG_MIN + 1 : 0);
			if (rnd(&s) % 3 == 0)
				v %= 1000;
			sp_kvl_int(a, key, lit, ll, v);
			b->map_key(b, key);
			b->integer(b, v);
		} else if (op == 5) {
			null = (int)(rnd(&s) % 2);
			sp_kvl_bool(a, key, lit, ll, null);
			b->map_key(b, key);
			b->boolean(b, null);
		} else {
			null = rnd(&s) % 5 == 0;
			gen(&s, val, sizeof(val) - 1);
			sp_kvl_str(a, key, lit, ll, null ? NULL : val);
			b->map_key(b, key);
			if (null)
				b->null(b);
			else
				b->string(b, val);
		}
		if (rnd(&s) % 60 == 0) {
			while (depth > 0) {
				a->end(a);
				b->end(b);
				depth--;
			}
			a->separator(a);
			b->separator(b);
		}
	}
	while (depth-- > 0) {
		a->end(a);
		b->end(b);
	}
	a->separator(a);
	b->separator(b);
	a->destroy(a);
	b->destroy(b);
	fclose(fa);
	fclose(fb);
}

/* the literal-key functions write what the calls they replace write, in
 * the JSON printer (fast paths and the fallbacks: a value too long for the
 * buffer, one that needs escaping, a full buffer), and make the same
 * calls in any other printer */
static void
test_kvl_same_as_calls(void **state)
{
	struct sprinter *(*make[])(FILE *) = { sprinter_json_new, rec_new };
	uint32_t seed;
	char *a, *b;
	size_t la, lb, m;

	(void)state;
	for (m = 0; m < 2; m++)
		for (seed = 1; seed <= 200; seed++) {
			run_kvl(seed * 2246822519u, make[m], &a, &la, &b, &lb);
			assert_true(la > 0);
			if (la != lb || memcmp(a, b, la) != 0)
				fail_msg("printer %zu seed %u: outputs differ",
				    m, seed);
			free(a);
			free(b);
		}
}

/* the macros' literals, and the fast path taken: first member without
 * its comma, then with it, a key longer than the 16-byte copy */
static void
test_kvl_macros(void **state)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct sprinter *sp;

	(void)state;
	assert_non_null(f);
	sp = sprinter_json_new(f);
	assert_non_null(sp);
	sp->begin_map(sp);
	SP_KV_STR(sp, "url", "http://a.example/x");
	SP_KV_STR(sp, "text", NULL);
	SP_KV_INT(sp, "width", -12);
	SP_KV_INT(sp, "n", 0);
	SP_KV_BOOL(sp, "hidden", 0);
	SP_KV_BOOL(sp, "a_rather_long_key_name", 1);
	SP_KEY(sp, "tokens");
	sp->begin_list(sp);
	sp->end(sp);
	SP_KV_STR(sp, "q", "say \"hi\"\n");
	sp->end(sp);
	sp->separator(sp);
	sp->destroy(sp);
	fclose(f);
	assert_string_equal(out, "{\"url\":\"http://a.example/x\","
	    "\"text\":null,\"width\":-12,\"n\":0,\"hidden\":false,"
	    "\"a_rather_long_key_name\":true,\"tokens\":[],"
	    "\"q\":\"say \\\"hi\\\"\\n\"}\n");
	free(out);
}

/* check_real: real4g(v) is what snprintf "%.4g" writes, or 0 (declined) */
static int
check_real(double v)
{
	char a[64], b[64];
	size_t n = real4g(a, v);
	int k = snprintf(b, sizeof(b), "%.4g", v);

	if (n == 0)
		return 0;
	a[n] = '\0';
	if ((size_t)k != n || strcmp(a, b) != 0)
		fail_msg("%.17g: %s, snprintf %s", v, a, b);
	return 1;
}

/* real4g against snprintf: in each decade from 10^-4 to 10^4, every
 * multiple of a hundred-thousandth of it (so every tie of the fifth
 * significant digit), their neighbours one ulp away, negatives, zeros,
 * out-of-range values and random doubles; and it answers for at
 * least three quarters of the multiples (not for ties, nor below 10^-4). */
static void
test_real4g(void **state)
{
	static const double out[] = { 9.9999e-5, 9999, 9999.4, 9999.5, 1e4,
	    1e300, -1e-300, 5e-324, 1.0 / 0.0, -1.0 / 0.0 };
	static const double div[] = { 1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3,
	    1e2, 1e1 };
	long i;
	size_t k, taken = 0, total = 0;
	double v;
	uint32_t s = 3;
	char d[64];

	(void)state;
	for (k = 0; k < sizeof(div) / sizeof(div[0]); k++)
		for (i = 0; i <= 100000; i++) {
			v = (double)i / div[k];
			total++;
			taken += (size_t)check_real(v);
			check_real(-v);
			check_real(nextafter(v, 1e5));
			check_real(nextafter(v, 0));
		}
	for (i = 0; i < 200000; i++) {
		uint64_t bits = ((uint64_t)rnd(&s) << 32) | rnd(&s);

		memcpy(&v, &bits, sizeof(v));
		check_real(v);
		check_real((double)rnd(&s) / 4294967296.0);
	}
	for (k = 0; k < sizeof(out) / sizeof(out[0]); k++)
		assert_int_equal(real4g(d, out[k]), 0);
	assert_int_equal(real4g(d, 0.0 / 0.0), 0);
	assert_int_equal(check_real(0.0), 1);
	assert_int_equal(check_real(-0.0), 1);
	assert_int_equal(check_real(0.725), 1);
	assert_int_equal(check_real(0.1), 1);
	assert_true(taken > total * 3 / 4);	/* ties, out of range: the rest */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_run),
		cmocka_unit_test(test_kv_str_same_as_two_calls),
		cmocka_unit_test(test_kv_str_output),
		cmocka_unit_test(test_plain_copy),
		cmocka_unit_test(test_kvl_same_as_calls),
		cmocka_unit_test(test_kvl_macros),
		cmocka_unit_test(test_real4g),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
