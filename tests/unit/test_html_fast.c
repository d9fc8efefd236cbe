/* test_html_fast.c - the HTML extraction's fast paths against the slow
 * ones they replace: the hashed element lookup (a table built at compile
 * time, checked against one built by insertion) against the binary
 * search, the visible-run scanner (8 bytes at a time) against the byte
 * loop, the CSS url() pass that skips sheets without '(' or '@' against
 * the full reading, and parsers kept in the context (also shared by
 * threads) against a fresh context for every part. */
#include <pthread.h>

#include "testutil.h"

#include "../../lib/internal.h"

static uint64_t rng = 0x9E3779B97F4A7C15u;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* The constant hash table of html.c (lib/html_names.h, written by
 * tools/genhtmlnames.py) against one built by inserting the names in
 * table order with linear probing: the generator's hash is the C one.  On
 * a difference (a name added or changed, the header not generated again,
 * or the two hashes apart) it prints the table it built. */
static void
test_names_table(void **state)
{
	unsigned char slot[256];
	const char *n;
	unsigned h;
	size_t i, used = 0;
	int same = 1;

	(void)state;
	memset(slot, 0, sizeof(slot));
	for (i = 0; (n = rf__html_names_get((int)i)) != NULL; i++) {
		assert_true(n[0] != '\0' && i < 254);
		h = rf__html_names_hash(n, strlen(n));
		assert_true(h < 256);
		while (slot[h] != 0)
			h = (h + 1) & 0xFF;
		slot[h] = (unsigned char)(i + 1);
		used++;
	}
	assert_true(used > 60 && used < 200);
	for (h = 0; h < 256; h++)
		same &= rf__html_names_slot(h) == slot[h];
	if (!same) {
		printf("names_slot should be (tools/genhtmlnames.py "
		    "lib/html.c > lib/html_names.h):");
		for (h = 0; h < 256; h++)
			printf("%s%2u,", h % 16 == 0 ? "\n\t" : " ",
			    (unsigned)slot[h]);
		printf("\n");
	}
	assert_true(same);
	assert_int_equal(rf__html_names_slot(256), 0);
}

static void
test_names(void **state)
{
	static const char *const other[] = {
		"", "A", "IMG", "Body", "b", "i", "u", "span", "font", "metas",
		"h7", "h", "ab", "aa", "tablex", "tabl", "scrip", "scripts",
		"blockquotes", "x-a", "svg", "o:p", "center\xC3\xA9", "imgimg",
		"templat", "template1", "vide", "videos", "ul ", " ul"
	};
	char name[16];
	const char *n;
	size_t i, k, len;
	int found = 0;

	(void)state;
	for (i = 0; (n = rf__html_names_get((int)i)) != NULL; i++) {
		assert_int_equal(rf__html_names_find(n), (int)i);
		assert_int_equal(rf__html_names_find_ref(n), (int)i);
		/* every prefix and one-byte extension */
		len = strlen(n);
		for (k = 0; k <= len && k < sizeof(name) - 2; k++) {
			memcpy(name, n, k);
			name[k] = '\0';
			assert_int_equal(rf__html_names_find(name),
			    rf__html_names_find_ref(name));
			if (k == len) {
				name[k] = 's';
				name[k + 1] = '\0';
				assert_int_equal(rf__html_names_find(name),
				    rf__html_names_find_ref(name));
			}
		}
	}
	assert_true(i > 60);
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		assert_int_equal(rf__html_names_find(other[i]), -1);
		assert_int_equal(rf__html_names_find_ref(other[i]), -1);
	}
	/* random names over the letters and digits of the table */
	for (i = 0; i < 200000; i++) {
		len = 1 + rnd(8);
		for (k = 0; k < len; k++)
			name[k] = "abcdeghilmnoprstuvy123456"[rnd(25)];
		name[len] = '\0';
		k = (size_t)rf__html_names_find(name);
		assert_int_equal((int)k, rf__html_names_find_ref(name));
		found += (int)k >= 0;
	}
	assert_true(found > 0);
}

/* The pieces random text is made of: ASCII, white space, controls, the
 * invisible characters, other characters sharing their lead bytes, and
 * lead bytes cut short. */
static const char *const pieces[] = {
	"a", "Z", "0", ".", "<", " ", " ", " ", "\t", "\n", "\r", "\v", "\f",
	"\x01", "\x1F", "\x7F", "\xC3\xA9", "\xC2\xA0", "\xC2\xAD",
	"\xC2\xA9", "\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D",
	"\xE2\x80\x8E", "\xE2\x81\xA0", "\xE2\x82\xAC", "\xEF\xBB\xBF",
	"\xEF\xBF\xBD", "\xC2", "\xE2", "\xE2\x80", "\xEF\xBB", "\xF0\x9F\x98\x80",
	"word", "words and more ", "x y z "
};

static void
test_run_end(void **state)
{
	unsigned char buf[200], *s;
	size_t n, i, k, len;
	unsigned round;

	(void)state;
	for (round = 0; round < 40000; round++) {
		const char *const *pc = pieces;
		size_t np = sizeof(pieces) / sizeof(pieces[0]);

		/* some rounds are mostly plain text: long runs */
		n = 0;
		len = 1 + rnd(120);
		while (n < len) {
			const char *p = rnd(4) == 0 ? pc[rnd((unsigned)np)] :
			    pc[rnd(2) ? 0 : 5];

			k = strlen(p);
			if (n + k > len)
				break;
			memcpy(buf + n, p, k);
			n += k;
		}
		if (n == 0)
			continue;
		/* at the end of its own block: reading past it is an error
		 * under ASan */
		s = malloc(n);
		assert_non_null(s);
		memcpy(s, buf, n);
		for (i = 0; i < n; i++)
			assert_int_equal(rf__html_run_end(s, i, n),
			    rf__html_run_end_ref(s, i, n));
		free(s);
	}
}

/* url_list: the url() and @import strings fn sees, one a line. */
static rf_status
url_list(void *arg, const char *url, size_t len, int background)
{
	rf_buf *b = arg;

	rf_buf_append(b, url, len);
	rf_buf_putc(b, background ? 'B' : '\n');
	return RF_OK;
}

static void
test_css_urls(void **state)
{
	static const char *const sheets[] = {
		"", "color: red", "background: url(a.png)",
		"background-image:URL( 'b.png' )", "@import \"c.css\";",
		"@import 'd.css'", "x: rgb(1,2,3); y: url(e)", "width: 1px",
		"display:none;background:url(\"f\")", "a{b:c}@media x{d:url(g)}",
		"/* url(h) */ color: blue", "content: '@'", "foo(url(i))",
		"@IMPORT \"j\"", "\\75rl(k)", "background:url(l", "font: 10px/2"
	};
	struct rf__css_style cs;
	rf_buf fast, slow;
	size_t i, k, n;
	char css[64];

	(void)state;
	rf_buf_init(&fast, 0);
	rf_buf_init(&slow, 0);
	for (i = 0; i < sizeof(sheets) / sizeof(sheets[0]) + 20000; i++) {
		const char *c = sheets[i % (sizeof(sheets) / sizeof(sheets[0]))];

		n = strlen(c);
		if (i >= sizeof(sheets) / sizeof(sheets[0])) {
			/* random sheets from the characters that matter */
			n = rnd(40);
			for (k = 0; k < n; k++)
				css[k] = "url(@import)'\" :;{}/*x"[rnd(22)];
			css[n] = '\0';
			c = css;
		}
		rf_buf_reset(&fast);
		rf_buf_reset(&slow);
		assert_int_equal(rf__css_read(c, n, NULL, url_list, &fast), RF_OK);
		assert_int_equal(rf__css_read(c, n, &cs, url_list, &slow), RF_OK);
		assert_int_equal(fast.len, slow.len);
		assert_memory_equal(fast.data, slow.data, fast.len);
	}
	rf_buf_free(&fast);
	rf_buf_free(&slow);
}

/* Documents that leave a parser in every state: plain, deep (stopped by
 * the depth limit), garbage, unfinished comments and tags, many
 * attributes, <style> and links. */
static const char *const docs[] = {
	"<html><body><p>Hello   <b>wor</b>ld</p><a href=\"http://a.example/x\">"
	"www.b.example</a><img src=\"http://i.example/p.gif\" width=1></body>"
	"</html>",
	"<div style=\"display:none\">hidden <a href=\"http://h.example/\">h</a>"
	"</div><style>p{background:url(http://s.example/bg)}</style>shown",
	"<!-- unfinished comment <p>never",
	"<a href='http://c.example/'>unclosed <b attr=\"x",
	"\x01\x02<<<>>>&&&;;<\xC3\xA9lement>text&#0;&#xFFFFFF;</p></p></div>",
	"<table background=\"http://t.example/t.png\"><tr><td>1<td>2</table>"
	"<form action=\"http://f.example/post\"><input type=image src=\"q.png\">",
	"<p a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9 j=10 k=11 l=12 m=13 n=14 o=15 "
	"p=16 q=17 r=18 s=19 t=20 u=21 v=22 w=23 x=24 y=25 z=26>attrs</p>",
	"<meta charset=iso-8859-1><p>caf\xC3\xA9 \xE2\x80\x8Bzero width</p>",
	NULL			/* filled in: deep nesting */
};
#define NDOCS (sizeof(docs) / sizeof(docs[0]))

/* doc_text: what one extraction of d gives, as one string (text, then
 * each link's url and text, flags and limits), or NULL when it failed
 * (no cmocka assertion here: threads call it).  Free with free(). */
static char *
doc_text(const rf_ctx *ctx, const char *d)
{
	rf_arena *a = rf_arena_new();
	rf_buf text, all;
	rf_links links;
	rf_html_out out;
	rf_error err;
	size_t i;
	int ok;

	if (a == NULL)
		return NULL;
	memset(&links, 0, sizeof(links));
	links.max = 100;
	rf_buf_init(&text, 0);
	rf_buf_init(&all, 0);
	out.text = &text;
	out.links = &links;
	out.flags = out.limits_hit = 0;
	ok = rf_html_extract(ctx, a, d, strlen(d), 1, &out, &err) == RF_OK;
	rf_buf_append(&all, text.data, text.len);
	for (i = 0; i < links.n; i++)
		rf_buf_printf(&all, "|%s=%s", links.v[i].url,
		    links.v[i].text != NULL ? links.v[i].text : "");
	rf_buf_printf(&all, "|%u|%u", out.flags, out.limits_hit);
	rf_buf_free(&text);
	rf_arena_free(a);
	if (!ok || all.data == NULL) {
		rf_buf_free(&all);
		return NULL;
	}
	return all.data;
}

struct shared {
	const rf_ctx *ctx;
	const char *const *docs;
	char **want;
	unsigned seed;
};

static void *
worker(void *arg)
{
	struct shared *sh = arg;
	unsigned i, k = sh->seed;
	char *got;
	int bad = 0;

	for (i = 0; i < 300; i++) {
		k = k * 1103515245u + 12345u;
		got = doc_text(sh->ctx, sh->docs[(k >> 8) % NDOCS]);
		bad |= got == NULL ||
		    strcmp(got, sh->want[(k >> 8) % NDOCS]) != 0;
		free(got);
	}
	return bad ? arg : NULL;
}

static void
test_parser_reuse(void **state)
{
	const char *d[NDOCS];
	char *want[NDOCS], *got, *deep;
	rf_limits lim;
	rf_ctx *shared, *fresh;
	struct shared sh[4];
	pthread_t th[4];
	void *res;
	size_t i, k;

	(void)state;
	rf_limits_default(&lim);
	lim.max_html_depth = 20;
	deep = malloc(60 * 5 + 10);
	assert_non_null(deep);
	for (k = 0; k < 60; k++)
		memcpy(deep + 5 * k, "<div>", 5);
	strcpy(deep + 300, "deep text");
	memcpy(d, docs, sizeof(d));
	d[NDOCS - 1] = deep;
	/* the slow path: a context (so a new parser) for every part */
	for (i = 0; i < NDOCS; i++) {
		assert_int_equal(rf_ctx_new(&lim, &fresh, NULL), RF_OK);
		want[i] = doc_text(fresh, d[i]);
		assert_non_null(want[i]);
		rf_ctx_free(fresh);
	}
	assert_non_null(strstr(want[0], "Hello world"));
	/* one context, its parsers reused in every order */
	assert_int_equal(rf_ctx_new(&lim, &shared, NULL), RF_OK);
	for (k = 0; k < 2000; k++) {
		i = rnd(NDOCS);
		got = doc_text(shared, d[i]);
		assert_non_null(got);
		assert_string_equal(got, want[i]);
		free(got);
	}
	/* and by threads at once */
	for (k = 0; k < 4; k++) {
		sh[k].ctx = shared;
		sh[k].docs = d;
		sh[k].want = want;
		sh[k].seed = (unsigned)k + 1;
		assert_int_equal(pthread_create(&th[k], NULL, worker, &sh[k]),
		    0);
	}
	for (k = 0; k < 4; k++) {
		assert_int_equal(pthread_join(th[k], &res), 0);
		assert_null(res);
	}
	rf_ctx_free(shared);
	for (i = 0; i < NDOCS; i++)
		free(want[i]);
	free(deep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_table),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_run_end),
		cmocka_unit_test(test_css_urls),
		cmocka_unit_test(test_parser_reuse),
	};

	return cmocka_run_group_tests_name("html_fast", tests, NULL, NULL);
}
