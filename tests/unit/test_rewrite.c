/*
 * test_rewrite.c - the one-pass replacement of a text leaf's links
 * (rf__rewrite_leaf in lib/rewrite_leaf.c) against the loop it
 * replaces: each substitution in turn, then its "&amp;" form in HTML,
 * by replace_all on the whole text (ref_leaf below is that loop as it
 * was).  Random texts and substitutions chosen so that they meet: a
 * link's clean form that is another link (chains, where the order of the
 * substitutions decides), URLs that are prefixes or suffixes of others,
 * a URL inside another after '=' (redirects), repeated URLs, '&' and
 * "&amp;", bytes that end a URL or not ('(', '=', NUL, 8-bit), the same
 * URL twice, and substitutions in any case (rewrite_add) or with bytes
 * no URL has, which take the loop.  And the encoding again of a part
 * (rf__rewrite_encode, a block at a time) against the former one, a byte
 * at a time.
 */
#include <string.h>
#include <xxhash.h>

#include "testutil.h"

#include "../../lib/rewrite_int.h"

/* rnd: a small deterministic generator (xorshift). */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* URLSET: the bytes a URL may hold for the rewriter (url_char in
 * lib/rewrite_leaf.c), written out. */
#define URLSET "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
	"0123456789-._~/?#[]@!$&*+=%:;"

/* marks_differ: the bytes " ' < > of a and of b, in order, differ. */
static int
marks_differ(const char *a, const char *b)
{
	char x[256], y[256];
	size_t i, n = 0, m = 0;

	for (i = 0; a[i] != '\0' && n < sizeof(x) - 1; i++)
		if (strchr("\"'<>", a[i]) != NULL)
			x[n++] = a[i];
	for (i = 0; b[i] != '\0' && m < sizeof(y) - 1; i++)
		if (strchr("\"'<>", b[i]) != NULL)
			y[m++] = b[i];
	return n != m || memcmp(x, y, n) != 0;
}

/* ref_leaf: clean_leaf's replacements before the one pass, verbatim
 * (the loop of s16), but for the order in HTML: the substitutions whose
 * from has a byte not in URLSET (not text) first (s18), and those whose
 * from and to differ in their bytes " ' < > (s19: they could open or
 * close a quote or a tag) only inside a quoted value (s21-tok), and in HTML the unquoted values after '=' and
 * white space of the leaf as it was, kept through the replacements
 * (s20: an empty to there written "\"\""). */
static int
ref_leaf(rf_rewrite *c, int html, GByteArray **content, size_t *count)
{
	struct rf__values vals = { .at = NULL };
	const char *d = (const char *)(*content)->data;
	const struct rf__leafread rd = { .cc = c->convc, .max = c->max_part,
	    .srcset = html && c->empties && rf__rewrite_may_srcset(d,
	    (*content)->len), .nocss = html && c->empties &&
	    !rf__rewrite_css_links(d, (*content)->len) };
	size_t i;
	int changed = 0, pass, wide;
	char *amp;

	if (html)
		assert_int_equal(rf__rewrite_values(NULL, (const char *)
		    (*content)->data, (*content)->len, 1, &vals), 0);

	for (pass = html; pass >= 0; pass--)
	for (i = 0; i < c->nsubst; i++) {
		wide = !c->subst[i].text && c->subst[i].from[strspn(
		    c->subst[i].from, URLSET)] != '\0';
		if (html && wide != pass)
			continue;
		if (html && !c->subst[i].text && marks_differ(
		    c->subst[i].from, c->subst[i].to)) {
			/* s21: only inside a quoted value */
			changed |= rf__rewrite_quoted_one(&c->subst[i], NULL, &vals,
			    content, count);
			continue;
		}
		changed |= rf__rewrite_replace_all(&rd, content,
		    c->subst[i].from, c->subst[i].to, c->subst[i].text, html,
		    html ? &vals : NULL, NULL, count);
		if (!html || c->subst[i].text || strchr(c->subst[i].from, '&') == NULL)
			continue;
		if ((amp = rf__rewrite_amp_form(c->subst[i].from)) != NULL) {
			char *to = rf__rewrite_amp_form(c->subst[i].to);

			if (to != NULL)
				changed |= rf__rewrite_replace_all(&rd, content, amp,
				    to, 0, html, &vals, NULL, count);
			free(to);
			free(amp);
		}
	}
	free(vals.at);
	return changed;
}

#define NSTR 24
#define STRLEN 64

/* url: a URL-like string of url_char bytes from a few pieces, so that
 * prefixes, suffixes and repeats are frequent. */
static void
url(uint32_t *s, char *out)
{
	static const char *const piece[] = { "http://a/", "http://b.x/",
	    "p", "q", "?u=", "&", "&amp;", "id=", "1", "=", "/", "x",
	    "http://a/p", ".", "[", "]", "www.a/" };
	size_t n = 1 + rnd(s) % 5, k;

	out[0] = '\0';
	for (k = 0; k < n; k++)
		strcat(out, piece[rnd(s) % (sizeof(piece) / sizeof(piece[0]))]);
}

/* text: a text of up to ~60 pieces: the strings of str (froms and tos),
 * pieces of them, bytes that end a URL or not (and the punctuation the
 * analysis leaves out at a URL's end, '[' before one; a tag's '=' and
 * white space before a value). */
static void
text(uint32_t *s, char str[][STRLEN], size_t nstr, GByteArray *t)
{
	static const char *const sep[] = { " ", "\"", "<a href=\"", "\">",
	    "(", ")", "\n", "=", "'", "\xc3\xa9", "x", ",", "&", "&amp;",
	    ".", "]", "[", "!", "?", ":", ".]", "[", "<img src= ", " =\t",
	    "<img src=", "<a href='" };
	size_t n = rnd(s) % 60, k;

	g_byte_array_set_size(t, 0);
	for (k = 0; k < n; k++) {
		unsigned r = rnd(s) % 10;
		const char *p = str[rnd(s) % nstr];

		if (r < 5) {
			g_byte_array_append(t, (const guint8 *)p, strlen(p));
		} else if (r == 5) {	/* a piece of one */
			size_t l = strlen(p), a = l ? rnd(s) % l : 0;

			g_byte_array_append(t, (const guint8 *)p + a,
			    rnd(s) % (l - a + 1));
		} else if (r == 6) {
			g_byte_array_append(t, (const guint8 *)"\0", 1);
		} else {
			p = sep[rnd(s) % (sizeof(sep) / sizeof(sep[0]))];
			g_byte_array_append(t, (const guint8 *)p, strlen(p));
		}
	}
}

/* same: a and b hold the same bytes (either may have no data). */
static int
same(const GByteArray *a, const GByteArray *b)
{
	return a->len == b->len && (a->len == 0 ||
	    memcmp(a->data, b->data, a->len) == 0);
}

/* show: a's bytes on stderr after what, a control byte but LF in hex. */
static void
show(const char *what, const GByteArray *a)
{
	size_t i;

	fprintf(stderr, "%s[", what);
	for (i = 0; i < a->len; i++)
		if (a->data[i] < 0x20 && a->data[i] != '\n')
			fprintf(stderr, "\\x%02x", a->data[i]);
		else
			fputc(a->data[i], stderr);
	fputs("]\n", stderr);
}

/* one_case: substitutions and a text from seed s; rf__rewrite_leaf against
 * ref_leaf (html or not; in HTML followed by the entity pass, which
 * rf__rewrite_leaf runs after either, and which since s36 reads a run
 * mixing "&amp;" and "&", as these texts have).  Sets *fast when
 * replace_runs could be used, *order when applying the substitutions in
 * reverse order gives another text (the order matters in that case). */
static void
one_case(uint32_t *s, int odd, int *fast, int *order, size_t *replaced)
{
	char str[NSTR][STRLEN];
	rf_rewrite *c = NULL;
	GByteArray *t = g_byte_array_new(), *a, *b;
	size_t nsub = 1 + rnd(s) % 10, k, ca = 0, cb = 0;
	int html = rnd(s) % 2, xa, xb;

	assert_int_equal(rf_rewrite_new(NULL, &c, NULL), RF_OK);
	for (k = 0; k < NSTR; k++)
		url(s, str[k]);
	for (k = 0; k < nsub; k++) {
		char *from = str[k], *to = str[NSTR / 2 + k];

		switch (rnd(s) % 6) {
		case 0: to[0] = '\0'; break;	/* a web bug */
		case 1: to[rnd(s) % (strlen(to) + 1)] = '\0'; break;
		case 2: strcpy(to, str[rnd(s) % nsub]); break;	/* a chain */
		case 3: {	/* a URL again */
			const char *o = str[rnd(s) % NSTR];

			memmove(from, o, strlen(o) + 1);
			break;
		}
		default: break;
		}
		if (odd && rnd(s) % 8 == 0)	/* a byte no URL has */
			strcat(rnd(s) % 2 ? from : to, "\" x");
		if (odd && rnd(s) % 8 == 0) {	/* rewrite_add */
			assert_int_equal(rf_rewrite_add(c, from, to, NULL), RF_OK);
			continue;
		}
		assert_int_equal(rf__rewrite_subst(c, from, XXH3_64bits(from,
		    strlen(from)), to, 0), 0);
	}
	text(s, str, NSTR, t);
	a = g_byte_array_new();
	g_byte_array_append(a, t->data, t->len);
	b = g_byte_array_new();
	g_byte_array_append(b, t->data, t->len);
	xa = rf__rewrite_leaf(c, html, NULL, &a, &ca);
	xb = ref_leaf(c, html, &b, &cb);
	if (html) {	/* both then read references (the entity pass) */
		struct rf__leafread rd = { .cc = c->convc, .max = c->max_part };

		rd.quiet = rf__rewrite_quiet(&rd, t);
		rd.srcset = c->empties && rf__rewrite_may_srcset(
		    (const char *)t->data, t->len);
		rd.nocss = !rf__rewrite_css_links((const char *)t->data,
		    t->len);
		if (rf__rewrite_entities(c, &rd, &b, &cb) > 0)
			xb = 1;
	}
	if (!same(a, b) || xa != xb || ca != cb) {
		show("text ", t);
		show("runs ", a);
		show("loop ", b);
		fprintf(stderr, "runs %d %zu, loop %d %zu\n", xa, ca, xb, cb);
		for (k = 0; k < c->nsubst; k++)
			fprintf(stderr, "  %s -> %s%s\n", c->subst[k].from,
			    c->subst[k].to, c->subst[k].text ? " (text)" : "");
		fail_msg("replace_leaf differs from the loop");
	}
	*replaced += ca;
	*fast = rf__rewrite_one_pass(c);
	/* the same substitutions in reverse order */
	for (k = 0; k < c->nsubst / 2; k++) {
		struct rf__subst x = c->subst[k];

		c->subst[k] = c->subst[c->nsubst - 1 - k];
		c->subst[c->nsubst - 1 - k] = x;
	}
	g_byte_array_set_size(b, 0);
	g_byte_array_append(b, t->data, t->len);
	cb = 0;
	ref_leaf(c, html, &b, &cb);
	*order = !same(a, b);
	g_byte_array_free(a, TRUE);
	g_byte_array_free(b, TRUE);
	g_byte_array_free(t, TRUE);
	rf_rewrite_free(c);
}

/* test_random: 40,000 cases (a quarter with rewrite_add or odd bytes);
 * the one pass must be taken in most, and the order must matter in
 * some (else a pass that ignored it would pass too). */
static void
test_random(void **state)
{
	uint32_t s = 12345;
	size_t i, fast = 0, order = 0, fast_order = 0, replaced = 0;
	int f, o;

	for (i = 0; i < 40000; i++) {
		one_case(&s, i % 4 == 0, &f, &o, &replaced);
		fast += f;
		order += o;
		fast_order += f && o;
	}
	fprintf(stderr, "fast %zu order %zu fast_order %zu replaced %zu\n",
	    fast, order, fast_order, replaced);
	/* (the random tos often open a '[' they do not close, which
	 * takes the loop since s30: 18,903 fast, 30,000 before) */
	assert_true(fast > 15000);
	assert_true(fast_order > 1000);
	assert_true(replaced > 20000);
}

/* A fixed case of rf__rewrite_leaf: the substitutions (from, to pairs,
 * NULL ends) in that order, a leaf of HTML or text, the leaf before and
 * after, and how many occurrences are replaced. */
struct leaf_case {
	const char *subst[6];
	int html;
	const char *in, *out;
	size_t count;
};

/* leaf_cases: each of the n cases of t through rf__rewrite_leaf on a new
 * rewriter (whose substitutions allow the one pass when one_pass is
 * set), the leaf and the count compared (the case and the leaf made
 * said on standard error when the leaf differs); a case with no "&#"
 * is made by the loop (ref_leaf) too, with the same result. */
static void
leaf_cases(const struct leaf_case *t, size_t n, int one_pass)
{
	size_t i, k, count;

	for (i = 0; i < n; i++) {
		rf_rewrite *c = NULL;
		GByteArray *b = g_byte_array_new();

		assert_int_equal(rf_rewrite_new(NULL, &c, NULL), RF_OK);
		for (k = 0; t[i].subst[k] != NULL; k += 2)
			assert_int_equal(rf__rewrite_subst(c, t[i].subst[k],
			    XXH3_64bits(t[i].subst[k], strlen(t[i].subst[k])),
			    t[i].subst[k + 1], 0), 0);
		if (one_pass)
			assert_true(rf__rewrite_one_pass(c));
		g_byte_array_append(b, (const guint8 *)t[i].in,
		    strlen(t[i].in));
		count = 0;
		assert_int_equal(rf__rewrite_leaf(c, t[i].html, NULL, &b,
		    &count), t[i].count > 0);
		if (b->len != strlen(t[i].out))
			fprintf(stderr, "case %zu: [%.*s]\n", i, (int)b->len,
			    (char *)b->data);
		assert_int_equal(b->len, strlen(t[i].out));
		assert_memory_equal(b->data, t[i].out, b->len);
		assert_int_equal(count, t[i].count);
		if (strstr(t[i].in, "&#") == NULL) {	/* the loop alike */
			g_byte_array_set_size(b, 0);
			g_byte_array_append(b, (const guint8 *)t[i].in,
			    strlen(t[i].in));
			count = 0;
			ref_leaf(c, t[i].html, &b, &count);
			assert_int_equal(b->len, strlen(t[i].out));
			assert_memory_equal(b->data, t[i].out, b->len);
			assert_int_equal(count, t[i].count);
		}
		g_byte_array_free(b, TRUE);
		rf_rewrite_free(c);
	}
}

/* test_cases: the rules shown on fixed texts: standalone only (a URL
 * that goes on is left; one followed only by the punctuation that ends
 * a URL in text is standalone), after '=' or '(' it starts (and where
 * the analysis starts a URL in text), a chain
 * follows the order, an emptied link, "&amp;" forms in HTML only, an
 * unquoted attribute value emptied written "\"\"" in HTML.  Each case
 * made by the one pass and by the loop (ref_leaf) alike. */
static void
test_cases(void **state)
{
	static const struct leaf_case t[] = {
		{ { "http://a/?id=1", "http://a/", NULL }, 0,
		  "x http://a/?id=1 http://a/?id=12 (http://a/?id=1)",
		  "x http://a/ http://a/?id=12 (http://a/)", 2 },
		{ { "http://a/?id=1", "http://a/", NULL }, 0,
		  "http://r/?u=http://a/?id=1 xhttp://a/?id=1",
		  "http://r/?u=http://a/ xhttp://a/?id=1", 1 },
		{ { "http://a/1", "http://a/2", "http://a/2", "http://a/3",
		    NULL }, 0, "http://a/1 http://a/2", "http://a/3 http://a/3",
		  3 },
		{ { "http://a/2", "http://a/3", "http://a/1", "http://a/2",
		    NULL }, 0, "http://a/1 http://a/2", "http://a/2 http://a/3",
		  2 },
		{ { "http://b/p?u=http://a/1", "http://b/p", "http://a/1", "",
		    NULL }, 0,
		  "<http://b/p?u=http://a/1> http://a/1, http://a/1.",
		  "<http://b/p> , .", 3 },
		/* the bytes the analysis leaves out at a URL's end in text
		 * (a sentence's end, a closing bracket) end it here too;
		 * other URL bytes do not */
		{ { "http://a/o?e=j@n.example&pos=9", "http://a/o?pos=9",
		    "mailto:j@n.example", "", NULL }, 0,
		  "at http://a/o?e=j@n.example&pos=9.  [mailto:j@n.example]"
		  " http://a/o?e=j@n.example&pos=9?! http://a/o?e=j@n.example"
		  "&pos=9.x http://a/o?e=j@n.example&pos=99.",
		  "at http://a/o?pos=9.  [] http://a/o?pos=9?! http://a/o?e="
		  "j@n.example&pos=9.x http://a/o?e=j@n.example&pos=99.", 3 },
		/* in a text part, after ': ] . ; !', where the analysis
		 * starts a URL in text that starts as the from does (s31:
		 * the corpus' "Action:http://..."; "www." but after '.');
		 * not after '/' (inside a URL read whole), nor in HTML */
		{ { "http://a/?id=1", "http://a/", "a/?id=1", "", NULL }, 0,
		  "Click:http://a/?id=1 ...http://a/?id=1 x:a/?id=1 "
		  "x/http://a/?id=1",
		  "Click:http://a/ ...http://a/ x:a/?id=1 x/http://a/?id=1",
		  2 },
		{ { "http://a/p.gif", "", "/http://a/p.gif", "", NULL }, 1,
		  "<img src=\"/http://a/p.gif\"><img src=:http://a/p.gif>",
		  "<img src=\"\"><img src=:http://a/p.gif>", 1 },
		{ { "www.a/?id=1", "www.a/", NULL }, 0,
		  "URL:www.a/?id=1 x.www.a/?id=1",
		  "URL:www.a/ x.www.a/?id=1", 1 },
		{ { "http://a/1", "", "http://b/p?u=http://a/1", "http://b/p",
		    NULL }, 0, "<http://b/p?u=http://a/1>",
		  "<http://b/p?u=>", 1 },
		{ { "http://a/?x=1&y=2", "http://a/?x=1", NULL }, 1,
		  "href=\"http://a/?x=1&amp;y=2\" http://a/?x=1&y=2",
		  "href=\"http://a/?x=1\" http://a/?x=1", 2 },
		{ { "http://a/?x=1&y=2", "http://a/?x=1", NULL }, 0,
		  "href=\"http://a/?x=1&amp;y=2\"",
		  "href=\"http://a/?x=1&amp;y=2\"", 0 },
		/* a web bug emptied in an unquoted attribute value keeps
		 * it a value: "src= width=1" would give src "width=1", a
		 * link the input did not have (s19); in quotes, in text and
		 * in a text part nothing is added; after '=' and white space
		 * too (s20), told on the leaf as it was; one in a quoted
		 * value is none; a substitution of an attribute's name and
		 * its '=' ("src=" here) is made nowhere in HTML: no link
		 * starts at a name, and without its '=' the value would be
		 * read otherwise (s24) */
		{ { "http://t/o?u=1", "", NULL }, 1,
		  "<img src=http://t/o?u=1 width=1><img src=\"http://t/o?u=1\""
		  " width=1><img src=http://t/o?u=1>http://t/o?u=1 x=\n"
		  "http://t/o?u=1 <img src=http&#58;//t/o?u=1 width=1>",
		  "<img src=\"\" width=1><img src=\"\" width=1><img src=\"\">"
		  " x=\n <img src=\"\" width=1>", 6 },
		{ { "http://t/o?u=1", "", NULL }, 0,
		  "src=http://t/o?u=1 width=1", "src= width=1", 1 },
		{ { "http://t/o?u=1", "", NULL }, 1,
		  "<img src= http://t/o?u=1 width=1><img src =\thttp://t/o?u=1>"
		  "<img\nsrc\n=\nhttp://t/o?u=1 /><p>x= http://t/o?u=1 "
		  "<img alt=\"a= http://t/o?u=1\" src=x.gif>",
		  "<img src= \"\" width=1><img src =\t\"\"><img\nsrc\n=\n\"\" />"
		  "<p>x=  <img alt=\"a= \" src=x.gif>", 5 },
		{ { "http://t/o?u=1", "", NULL }, 1,	/* entity pass */
		  "<img src= http&#58;//t/o?u=1 width=1>",
		  "<img src= \"\" width=1>", 1 },
		{ { "src=", "x", "http://t/o?u=1", "", NULL }, 1,
		  "<img src= http://t/o?u=1 width=1>",
		  "<img src= \"\" width=1>", 1 },
		{ { "http://t/o?u=1", "", "src=", "x", NULL }, 1,
		  "<img src= http://t/o?u=1 width=1>",
		  "<img src= \"\" width=1>", 1 },
		/* one rule (s20-rweq): "" only where the tokenizer says an
		 * unquoted value starts; right after a '=' in a quoted
		 * value (in double or single quotes: the run "href='...'"
		 * holds the quote), after one in an unquoted value and in
		 * text, nothing (the base wrote "" after any '=') */
		{ { "http://t/o?u=1", "", NULL }, 1,
		  "<a href=\"http://r/?u=http://t/o?u=1\">a</a>"
		  "<a href='http://r/?u=http://t/o?u=1'>b</a>"
		  "<a href=http://r/?u=http://t/o?u=1>c</a>"
		  "<img alt='x'src=http://t/o?u=1>u=http://t/o?u=1",
		  "<a href=\"http://r/?u=\">a</a><a href='http://r/?u='>b</a>"
		  "<a href=http://r/?u=>c</a><img alt='x'src=\"\">u=", 5 },
		{ { "http://t/o?u=1", "", NULL }, 1,	/* entity pass */
		  "<a href=\"http://r/?u=http&#58;//t/o?u=1\">a</a>"
		  "<img src=http&#58;//t/o?u=1>",
		  "<a href=\"http://r/?u=\">a</a><img src=\"\">", 2 },
	};

	(void)state;
	leaf_cases(t, sizeof(t) / sizeof(t[0]), 1);
}

/* ref_encode: the encoding before rf__rewrite_encode appended in blocks
 * (one byte at a time), verbatim. */
static GByteArray *
ref_encode(GMimeContentEncoding enc, GByteArray *content, int crlf)
{
	GMimeEncoding state;
	GByteArray *lf = g_byte_array_new(), *out = g_byte_array_new();
	size_t i, n;
	char *tmp;

	if (enc != GMIME_CONTENT_ENCODING_BASE64 &&
	    enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE) {
		g_byte_array_append(out, content->data, content->len);
		g_byte_array_free(lf, TRUE);
		return out;
	}
	/* quoted-printable encodes text lines: give it LF line ends */
	for (i = 0; i < content->len; i++)
		if (!(enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
		    content->data[i] == '\r' && i + 1 < content->len &&
		    content->data[i + 1] == '\n'))
			g_byte_array_append(lf, &content->data[i], 1);
	g_mime_encoding_init_encode(&state, enc);
	tmp = g_malloc(g_mime_encoding_outlen(&state, lf->len) + 16);
	n = g_mime_encoding_flush(&state, (const char *)lf->data, lf->len,
	    tmp);
	for (i = 0; i < n; i++) {
		if (tmp[i] == '\n' && crlf)
			g_byte_array_append(out, (const guint8 *)"\r", 1);
		g_byte_array_append(out, (const guint8 *)&tmp[i], 1);
	}
	g_free(tmp);
	g_byte_array_free(lf, TRUE);
	return out;
}

/* test_encode: rf__rewrite_encode against ref_encode on 20,000 random
 * texts (empty ones, CR, LF, CRLF, lone CR at the end, long lines, '=',
 * spaces before line ends, 8-bit bytes, NUL), in base64,
 * quoted-printable and 8bit, with CRLF or LF line ends; and an empty
 * array never written to (its data NULL: fuzz seed encode-empty-null). */
static void
test_encode(void **state)
{
	static const char *const piece[] = { "\r\n", "\n", "\r", " ", "=",
	    "\t\n", "http://a/?x=1&amp;y=2", "\xc3\xa9", "\0",
	    "a long line of words without a break in it at all, "
	    "a long line of words without a break in it at all, "
	    "a long line of words" };
	static const GMimeContentEncoding encs[] = {
	    GMIME_CONTENT_ENCODING_BASE64,
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE,
	    GMIME_CONTENT_ENCODING_8BIT };
	uint32_t s = 777;
	size_t i, k, n, crs = 0;
	GByteArray *t = g_byte_array_new(), *a, *b;

	g_mime_init();
	for (i = 0; i < 20000; i++) {
		g_byte_array_set_size(t, 0);
		n = rnd(&s) % 80;
		for (k = 0; k < n; k++) {
			const char *p = piece[rnd(&s) %
			    (sizeof(piece) / sizeof(piece[0]))];

			g_byte_array_append(t, (const guint8 *)p,
			    p[0] == '\0' ? 1 : strlen(p));
		}
		a = rf__rewrite_encode(encs[i % 3], t, (int)(i / 3 % 2));
		b = ref_encode(encs[i % 3], t, (int)(i / 3 % 2));
		if (!same(a, b))
			fail_msg("encode %zu (enc %d crlf %d) differs", i,
			    (int)encs[i % 3], (int)(i / 3 % 2));
		crs += a->len > 0 && memchr(a->data, '\r', a->len) != NULL;
		g_byte_array_free(a, TRUE);
		g_byte_array_free(b, TRUE);
	}
	assert_true(crs > 5000);
	g_byte_array_free(t, TRUE);
	/* a leaf emptied whole: a new array, whose data is NULL */
	for (i = 0; i < 6; i++) {
		t = g_byte_array_new();
		a = rf__rewrite_encode(encs[i % 3], t, (int)(i / 3));
		b = ref_encode(encs[i % 3], t, (int)(i / 3));
		if (!same(a, b))
			fail_msg("empty encode (enc %d crlf %d) differs",
			    (int)encs[i % 3], (int)(i / 3));
		g_byte_array_free(a, TRUE);
		g_byte_array_free(b, TRUE);
		g_byte_array_free(t, TRUE);
	}
}

/* test_max_edits: a message of three text parts, each with "secret":
 * every part rewritten by default; with max_rewrite_edits 2 the first
 * two only, the third kept byte for byte and RF_LIMIT_REWRITE_EDITS
 * reported; the bytes around the parts (headers, boundaries) kept. */
static void
test_max_edits(void **state)
{
	static const char msg[] =
	    "From: a@example.org\nTo: b@example.org\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\n\n"
	    "--b\nContent-Type: text/plain\n\none secret here\n"
	    "--b\nContent-Type: text/plain\n\ntwo secret here\n"
	    "--b\nContent-Type: text/plain\n\nthree secret here\n"
	    "--b--\n";
	rf_limits lim;
	rf_rewrite *rw;
	rf_rewrite_stats st;
	rf_buf out;
	unsigned max, k;
	char *want, *p;

	for (max = 2; max <= 3; max++) {
		rf_limits_default(&lim);
		if (max == 2)
			lim.max_rewrite_edits = 2;
		assert_int_equal(rf_rewrite_new(&lim, &rw, NULL), RF_OK);
		assert_int_equal(rf_rewrite_add(rw, "SECRET", "[gone]", NULL),
		    RF_OK);
		assert_int_equal(rf_rewrite_prepare(rw, msg, sizeof(msg) - 1,
		    NULL), RF_OK);
		rf_rewrite_get_stats(rw, &st);
		assert_int_equal(rf_rewrite_edits(rw), max);
		assert_int_equal(st.limits_hit, max == 2 ?
		    RF_LIMIT_REWRITE_EDITS : 0);
		assert_int_equal(st.skipped, 0);
		rf_buf_init(&out, 0);
		assert_int_equal(rf_rewrite_write(rw, 0, &out, NULL), RF_OK);
		want = strdup(msg);
		assert_non_null(want);
		for (p = want, k = 0; k < max && (p = strstr(p, "secret")) !=
		    NULL; p++, k++)
			memcpy(p, "[gone]", 6);
		assert_int_equal(out.len, sizeof(msg) - 1);
		assert_memory_equal(out.data, want, out.len);
		free(want);
		rf_buf_free(&out);
		rf_rewrite_free(rw);
	}
}

/* What left_cb looks for: the rewrite's substitutions, and which of
 * them a link of the output still shows. */
struct left {
	const rf_rewrite *rw;
	unsigned char *seen;
};

/* left_cb: marks in arg (a struct left) the substitutions whose from is
 * l's URL: a tracked link left live in the output. */
static int
left_cb(rf_link *l, void *arg)
{
	struct left *k = arg;
	size_t i;

	if (l->kind == RF_LINK_HEADER)
		return 0;
	for (i = 0; i < k->rw->nsubst; i++)
		if (!k->rw->subst[i].text &&
		    strcmp(l->url, k->rw->subst[i].from) == 0)
			k->seen[i] = 1;
	return 0;
}

/* test_damaged: the seeds of fuzz_rewrite on which the analysis and GMime
 * read damaged MIME differently (a part's transfer encoding, its bounds),
 * cleaned as fuzz_rewrite does: the links of the output analysed again
 * for the same recipient that a substitution was collected for (tracked
 * links left live) are at most rf_rewrite_stats' missed, so that the
 * front ends say they could not be neutralised, and missed is more than
 * 0 while the readings disagree (agree[] 0).  In damaged-header-twice
 * and rewrite-makes-link (agree[] 1) the header block ends at a line
 * that is no header field, which the analysis reads as the body and
 * GMime read as a header up to the blank line: the rewriter gives GMime
 * that blank line, so both read the same body, every tracked link is
 * replaced and none is left live.  Before, damaged-header-twice had one
 * missed (its link found once of twice), and rewrite-makes-link left its
 * web bug live unreported: the analysis reads it in the lines GMime took
 * for headers, and the rewriter counted as hits two occurrences in a
 * <style> the analysis read as style text.  damaged-cte-parts agrees
 * since s26 (agree[] 1): its second link's URL, read across damaged
 * lines, holds U+FFFD, the analysis' reading of bytes that are no UTF-8,
 * and is matched in the leaf as the analysis read it (as_read_utf8);
 * before, it was missed, so reported. */
static void
test_damaged(void **state)
{
	static const char *const seeds[] = {
	    "fuzz/seeds/fuzz_rewrite/damaged-header-nul",
	    "fuzz/seeds/fuzz_rewrite/damaged-cte-parts",
	    "fuzz/seeds/fuzz_rewrite/rewrite-makes-link",
	    "fuzz/seeds/fuzz_rewrite/damaged-header-twice" };
	static const int agree[] = { 0, 1, 1, 1 };
	static const char *const rcpts[4] = { "r0@example.org",
	    "jane.doe@example.org", NULL, "R1@Example.ORG" };
	rf_rules *rules = shipped_rules();
	rf_limits lim;
	rf_ctx *ctx;
	size_t i, len;

	(void)state;
	rf_limits_default(&lim);
	lim.max_links = 200;
	lim.max_mime_parts = 64;
	assert_int_equal(rf_ctx_new(&lim, &ctx, NULL), RF_OK);
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		char *data = read_file(seeds[i], &len);
		rf_message *m = NULL, *again = NULL;
		rf_rewrite *rw = NULL;
		rf_rewrite_stats st;
		const char *rcpt;
		struct left k;
		rf_buf out;
		size_t left = 0, j;

		assert_int_equal(rf_message_parse(ctx, data + 1, len - 1, &m,
		    NULL), RF_OK);
		rcpt = rcpts[(data[0] >> 1) & 3];
		assert_int_equal(rf_tracking_message(ctx, rules, m, rcpt,
		    NULL), RF_OK);
		assert_int_equal(rf_rewrite_new(&lim, &rw, NULL), RF_OK);
		assert_int_equal(rf_rewrite_collect(rw, m, NULL), RF_OK);
		assert_true(rw->nsubst > 0);
		assert_int_equal(rf_rewrite_prepare(rw, data + 1, len - 1,
		    NULL), RF_OK);
		rf_buf_init(&out, 0);
		assert_int_equal(rf_rewrite_write(rw, 0, &out, NULL), RF_OK);
		rf_rewrite_get_stats(rw, &st);
		assert_int_equal(rf_message_parse(ctx, out.data, out.len,
		    &again, NULL), RF_OK);
		assert_int_equal(rf_tracking_message(ctx, rules, again, rcpt,
		    NULL), RF_OK);
		k.rw = rw;
		k.seen = calloc(rw->nsubst, 1);
		assert_non_null(k.seen);
		assert_int_equal(rf_tracking_walk(again, left_cb, &k), 0);
		for (j = 0; j < rw->nsubst; j++)
			left += k.seen[j];
		print_message("%s: %zu substitutions, %zu links %zu bugs "
		    "rewritten, %zu missed, %zu edits, %zu left live\n",
		    seeds[i], rw->nsubst, st.links, st.bugs, st.missed,
		    rw->nedits, left);
		if (agree[i]) {
			assert_int_equal(st.missed, 0);
			assert_int_equal(left, 0);
		} else {	/* the readings still disagree: reported */
			assert_true(st.missed > 0);
			assert_true(left <= st.missed);
		}
		assert_int_equal(st.links + st.bugs + st.missed, rw->nsubst);
		free(k.seen);
		rf_message_free(again);
		rf_message_free(m);
		rf_rewrite_free(rw);
		rf_buf_free(&out);
		free(data);
	}
	rf_ctx_free(ctx);
	rf_rules_free(rules);
}

/* test_markup: a from whose bytes " ' < > the to does not keep is not
 * replaced in HTML (it is in text): there its bytes may also end another
 * attribute left unclosed, and replacing them would close or open a
 * quote elsewhere.  Seed rewrite-quote-in-url (fuzz_rewrite, s19): the
 * web bug's URL, read in an unquoted src, ends in '"', the '"' that
 * closes the src of another image whose value runs over two lines and
 * holds the same bytes; emptied, that src ran on to another quote, a link
 * the input did not have.  Now that link is left (missed, so reported).
 * The other image's URL runs from its src over that text to the web
 * bug's '"' and holds U+FFFD, the analysis' reading of a byte that is no
 * UTF-8: until s26 it was missed too and the message written as it was;
 * now it is matched as the analysis read it and emptied whole, and the
 * output has no link the input did not have. */
static void
test_markup(void **state)
{
	rf_rules *rules = shipped_rules();
	rf_rewrite *rw = NULL;
	rf_rewrite_stats st;
	rf_message *m = NULL;
	GByteArray *b;
	rf_limits lim;
	rf_ctx *ctx;
	rf_buf out;
	size_t len, count = 0;
	char *data;
	const char *in = "<img src=\"http://a/ x <img src=http://t/o?u=1\" "
	    "width=1>";

	(void)state;
	assert_int_equal(rf_rewrite_new(NULL, &rw, NULL), RF_OK);
	assert_int_equal(rf__rewrite_subst(rw, "http://t/o?u=1\"",
	    XXH3_64bits("http://t/o?u=1\"", 15), "", 0), 0);
	b = g_byte_array_new();
	g_byte_array_append(b, (const guint8 *)in, strlen(in));
	assert_int_equal(rf__rewrite_leaf(rw, 1, NULL, &b, &count), 0);
	assert_int_equal(count, 0);
	assert_int_equal(rf__rewrite_leaf(rw, 0, NULL, &b, &count), 1);
	assert_int_equal(count, 1);
	assert_int_equal(b->len, strlen(in) - 15);
	g_byte_array_free(b, TRUE);
	rf_rewrite_free(rw);
	rw = NULL;

	rf_limits_default(&lim);
	lim.max_links = 200;
	lim.max_mime_parts = 64;
	assert_int_equal(rf_ctx_new(&lim, &ctx, NULL), RF_OK);
	data = read_file("fuzz/seeds/fuzz_rewrite/rewrite-quote-in-url", &len);
	assert_int_equal(data[0], 0);	/* r0@example.org, every code */
	assert_int_equal(rf_message_parse(ctx, data + 1, len - 1, &m, NULL),
	    RF_OK);
	assert_int_equal(rf_tracking_message(ctx, rules, m, "r0@example.org",
	    NULL), RF_OK);
	assert_int_equal(rf_rewrite_new(&lim, &rw, NULL), RF_OK);
	assert_int_equal(rf_rewrite_collect(rw, m, NULL), RF_OK);
	assert_int_equal(rw->nsubst, 2);
	assert_int_equal(rf_rewrite_prepare(rw, data + 1, len - 1, NULL),
	    RF_OK);
	rf_buf_init(&out, 0);
	assert_int_equal(rf_rewrite_write(rw, 0, &out, NULL), RF_OK);
	rf_rewrite_get_stats(rw, &st);
	assert_int_equal(rw->nedits, 1);
	assert_int_equal(st.missed, 1);
	assert_int_equal(st.bugs, 1);
	assert_non_null(memmem(out.data, out.len, "<img src=3D\"\" width=3D",
	    22));
	assert_non_null(memmem(out.data, out.len, "o.gif?u=3Dbob\" width",
	    20));
	rf_buf_free(&out);
	rf_rewrite_free(rw);
	rf_message_free(m);
	free(data);
	rf_ctx_free(ctx);
	rf_rules_free(rules);
}

/* test_entities: the forms the analysis decodes in HTML (s18): a from
 * written with character references ("&#47;", "&#x2F;", "&#46;", with
 * "&amp;" and raw '&') is replaced, its to written with '&' as "&amp;";
 * not when the occurrence is not standalone once decoded, when a
 * reference inside it lacks its ';', nor in a text part; a reference to
 * a character that ends a URL in text ends a run (s33);
 * the order of the substitutions holds as in the one pass. */
static void
test_entities(void **state)
{
	static const struct leaf_case t[] = {
		{ { "http://a.example/1?e=x", "http://a.example/1", NULL }, 1,
		  "<a href=\"http://a&#46;example&#47;1?e=x\">"
		  "http://a&#46;example&#x2F;1?e=x</a> http://a&#46;example"
		  "&#X2f;1?e=x.",
		  "<a href=\"http://a.example/1\">http://a.example/1</a> "
		  "http://a.example/1.", 3 },
		{ { "http://a/?x=1&y=2&id=5", "http://a/?x=1&y=2", NULL }, 1,
		  "src=\"http://a&#47;?x=1&amp;y=2&amp;id=5\" "
		  "http://a&#47;?x=1&y=2&id=5",
		  "src=\"http://a/?x=1&amp;y=2\" http://a/?x=1&amp;y=2", 2 },
		{ { "http://a/1", "", NULL }, 1,
		  "<img src=\"http://a&#000047;1\">",
		  "<img src=\"\">", 1 },
		/* not standalone, no ';' inside, too long, 0 */
		{ { "http://a/1", "", NULL }, 1,
		  "http://a&#47;1x http://a&#47 1 http://a&#0000000047;1 "
		  "http://a&#0;/1",
		  "http://a&#47;1x http://a&#47 1 http://a&#0000000047;1 "
		  "http://a&#0;/1", 0 },
		/* a reference to a character that ends a URL in text (a
		 * space, U+0080; a numeric one may lack its ';') ends the
		 * run there, as the analysis' URL (s33; until then these
		 * were no URL byte, so the run went on, and left) */
		{ { "http://a/1", "", NULL }, 1,
		  "http://a&#47;1&#32; http://a&#47;1&#32 http://a&#47;1&#128;",
		  "&#32; &#32 &#128;", 3 },
		/* an empty leaf (its array may have no data) */
		{ { "http://a/1", "", NULL }, 1, "", "", 0 },
		/* a text part has no references */
		{ { "http://a/1", "", NULL }, 0,
		  "http://a&#47;1", "http://a&#47;1", 0 },
		/* the order: the chain 1 -> 2 -> 3 as in the one pass */
		{ { "http://a/1", "http://a/2", "http://a/2", "http://a/3",
		    NULL }, 1, "http://a&#47;1 http://a&#47;2",
		  "http://a/3 http://a/3", 3 },
		/* plain occurrences first, as before */
		{ { "http://a/1", "http://b/", NULL }, 1,
		  "http://a/1 &#38; http://a&#x2f;1",
		  "http://b/ &#38; http://b/", 2 },
	};

	(void)state;
	leaf_cases(t, sizeof(t) / sizeof(t[0]), 0);
}

/* test_charset: in a part whose declared charset is not UTF-8, a from
 * with 8-bit bytes (UTF-8, as the analysis converted the part) is
 * replaced in that charset, its "&amp;" form in HTML too, and its to
 * written in that charset; nothing when the charset cannot write it, or
 * in a UTF-8 part. */
static void
test_charset(void **state)
{
	static const char from[] = "mailto:l@b.example?subject=r0@example.org"
	    " \xec\x88\x98\xec\x8b\xa0#\xea\xb1\xb0\xeb\xb6\x80#&body=x";
	static const char to[] = "mailto:l@b.example#\xea\xb1\xb0\xeb\xb6\x80#";
	static const char in[] = "<a href=\"mailto:l@b.example?subject="
	    "r0@example.org \xbc\xf6\xbd\xc5#\xb0\xc5\xba\xce#&amp;body=x\">"
	    "mailto:l@b.example?subject=r0@example.org \xbc\xf6\xbd\xc5#"
	    "\xb0\xc5\xba\xce#&body=x</a>";
	static const char out[] = "<a href=\"mailto:l@b.example#\xb0\xc5\xba"
	    "\xce#\">mailto:l@b.example#\xb0\xc5\xba\xce#</a>";
	static const char *const cs[] = { "euc-kr", "EUC-KR",
	    "ks_c_5601-1987", "iso-8859-1", "utf-8", NULL };
	size_t i, count;

	(void)state;
	for (i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		rf_rewrite *c = NULL;
		GByteArray *b = g_byte_array_new();
		int hit = i < 3;

		assert_int_equal(rf_rewrite_new(NULL, &c, NULL), RF_OK);
		assert_int_equal(rf__rewrite_subst(c, from, XXH3_64bits(from,
		    strlen(from)), to, 0), 0);
		g_byte_array_append(b, (const guint8 *)in, sizeof(in) - 1);
		count = 0;
		assert_int_equal(rf__rewrite_leaf(c, 1, cs[i], &b, &count),
		    hit);
		assert_int_equal(count, hit ? 2 : 0);
		assert_int_equal(c->subst[0].hits, count);
		if (hit) {
			assert_int_equal(b->len, sizeof(out) - 1);
			assert_memory_equal(b->data, out, b->len);
		} else {
			assert_int_equal(b->len, sizeof(in) - 1);
			assert_memory_equal(b->data, in, b->len);
		}
		g_byte_array_free(b, TRUE);
		rf_rewrite_free(c);
	}
}

/* test_forms: the three forms that left tracked links live on the corpus
 * (s18; hard-ham-1/00168, spam-2/00378, spam-1/00035), in messages made
 * like them: URLs written with character references in HTML, an href
 * with a bare CR whose start is also a link of the text part, a mailto
 * in an EUC-KR part; and a message after an mbox From_ line with a body
 * line "From " above its link (GMime's mbox format, which the rewriter
 * used, ended the message there: spam-2/00204 read from a pipe).
 * Cleaned as `redflag clean` does for the recipient,
 * nothing is missed, every substitution is counted rewritten, and the
 * output analysed again shows none of the links collected. */
static void
test_forms(void **state)
{
	static const char *const msgs[] = {
	    "From: a@shop.example\nTo: r0@example.org\nSubject: s\n"
	    "MIME-Version: 1.0\nContent-Type: text/html; "
	    "charset=iso-8859-1\nContent-Transfer-Encoding: "
	    "quoted-printable\n\n<html><body><p>Hello</p>\n"
	    "<img src=3D\"http://www&#46;shop&#46;example/i/spacer&#46;gif\" "
	    "width=3D\"1\" height=3D\"1\">\n<a href=3D\"http://www&#46;shop"
	    "&#46;example&#x2F;unsub&#47;u&#46;asp?email=3Dr0@example&#46;org"
	    "&amp;g=3D5\">unsubscribe</a>\n"
	    "<img src=3D\"http://www&#46;shop&#46;example/i/spacer&#46;gif\" "
	    "width=3D\"1\" height=3D\"1\">\n</body></html>\n",

	    "From: a@shop.example\nTo: r0@example.org\nSubject: s\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/alternative; "
	    "boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\n"
	    "Remove yourself at http://www.pp.example/optout.php?email="
	    "r0@example.org\r&pos=9900027056.  Thank you.\n--b\n"
	    "Content-Type: text/html\n\n<p>Remove yourself by clicking <a "
	    "href=\"http://www.pp.example/optout.php?email=r0@example.org\r"
	    "&pos=9900027056\">HERE</a>.</p>\n--b--\n",

	    "From: a@shop.example\nTo: r0@example.org\nSubject: s\n"
	    "MIME-Version: 1.0\nContent-Type: text/html; "
	    "charset=ks_c_5601-1987\n\n<html><body><A href=\"mailto:"
	    "master@ibd.example?subject=r0@example.org \xbc\xf6\xbd\xc5"
	    " #\xb0\xc5\xba\xce#&amp;body=r0@example.org \xbc\xf6\xbd\xc5"
	    "!\">\xbc\xf6\xbd\xc5</A></body></html>\n",

	    "From a@shop.example  Mon Jun 24 17:46:46 2002\n"
	    "From: a@shop.example\nTo: r0@example.org\nSubject: s\n\n"
	    "Hello,\nFrom the begining we addressed companies.\n"
	    "Remove yourself: http://www.pp.example/optout.php?email="
	    "r0@example.org&pos=9900027056\n",
	};
	rf_rules *rules = shipped_rules();
	rf_ctx *ctx;
	size_t i, j;

	(void)state;
	assert_int_equal(rf_ctx_new(NULL, &ctx, NULL), RF_OK);
	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		rf_message *m = NULL, *again = NULL;
		rf_rewrite *rw = NULL;
		rf_rewrite_stats st;
		struct left k;
		rf_buf out;
		size_t left = 0, len = strlen(msgs[i]);

		assert_int_equal(rf_message_parse(ctx, msgs[i], len, &m,
		    NULL), RF_OK);
		assert_int_equal(rf_tracking_message(ctx, rules, m,
		    "r0@example.org", NULL), RF_OK);
		assert_int_equal(rf_rewrite_new(NULL, &rw, NULL), RF_OK);
		assert_int_equal(rf_rewrite_collect(rw, m, NULL), RF_OK);
		assert_int_equal(rf_rewrite_prepare(rw, msgs[i], len, NULL),
		    RF_OK);
		rf_buf_init(&out, 0);
		assert_int_equal(rf_rewrite_write(rw, 0, &out, NULL), RF_OK);
		rf_rewrite_get_stats(rw, &st);
		assert_int_equal(rf_message_parse(ctx, out.data, out.len,
		    &again, NULL), RF_OK);
		assert_int_equal(rf_tracking_message(ctx, rules, again,
		    "r0@example.org", NULL), RF_OK);
		k.rw = rw;
		k.seen = calloc(rw->nsubst, 1);
		assert_non_null(k.seen);
		assert_int_equal(rf_tracking_walk(again, left_cb, &k), 0);
		for (j = 0; j < rw->nsubst; j++)
			left += k.seen[j];
		print_message("form %zu: %zu substitutions, %zu links %zu "
		    "bugs rewritten, %zu missed, %zu left live\n", i,
		    rw->nsubst, st.links, st.bugs, st.missed, left);
		assert_true(rw->nsubst >= (i >= 2 ? 1u : 2u));
		assert_int_equal(st.missed, 0);
		assert_int_equal(st.links + st.bugs, rw->nsubst);
		assert_int_equal(left, 0);
		assert_int_equal(st.skipped, 0);
		if (i == 3) {	/* the From_ line and the body line kept */
			assert_memory_equal(out.data, msgs[i], 45);
			assert_non_null(strstr(out.data, "\nFrom the begining "
			    "we addressed companies.\nRemove yourself: "
			    "http://www.pp.example/optout.php?pos=9900027056"));
		}
		free(k.seen);
		rf_message_free(again);
		rf_message_free(m);
		rf_rewrite_free(rw);
		rf_buf_free(&out);
	}
	rf_ctx_free(ctx);
	rf_rules_free(rules);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_max_edits),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_markup),
		cmocka_unit_test(test_entities),
		cmocka_unit_test(test_charset),
		cmocka_unit_test(test_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
