/* test_message_mime.c - the multipart path of lib/message_mime.c gives
 * exactly what GMime's object tree gives: hand-written and generated
 * multipart messages are parsed both ways (rf__message_parse with and
 * without tree) and compared field by field, and the parameter reader is
 * compared with GMime's Content-Type and Content-Disposition parsers. */
#include "msgcmp.h"

#include <gmime/gmime.h>

#include "../../lib/message_int.h"

/* mp_taken: whether lib/message_mime.c reads data[0..len) (rather than
 * GMime's tree), as rf__message_parse asks it. */
static int
mp_taken(rf_ctx *ctx, const char *data, size_t len)
{
	rf_arena *a = rf_arena_new();
	rf_message *m = a != NULL ? rf_arena_alloc(a, sizeof(*m)) : NULL;
	GMimeParserOptions *opts = g_mime_parser_options_new();
	GByteArray *mime = g_byte_array_new();
	struct mimehdr mh;
	struct mp_msg mp;
	struct walk w;
	rf_status st;
	size_t skip = 0, body;
	int took;

	assert_non_null(m);
	memset(m, 0, sizeof(*m));
	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.a = a;
	w.top = m;
	if (len >= 5 && memcmp(data, "From ", 5) == 0) {
		const char *nl = memchr(data, '\n', len);

		skip = nl != NULL ? (size_t)(nl - data) + 1 : len;
	}
	body = skip + rf__msg_top_headers(&w, opts, m, data + skip,
	    len - skip, mime, &mh, &st);
	assert_int_equal(st, RF_OK);
	took = rf__msg_mime_probe(&mh, data + body, len - body, &mp);
	if (took)
		rf__msg_mime_done(&mp);
	g_byte_array_free(mime, TRUE);
	g_mime_parser_options_free(opts);
	rf_arena_free(a);
	return took;
}

/* hand-written multipart messages that must be declined to GMime */
static const char *const mp_declined[] = {
	/* message/rfc822, digest, RFC 2231, encoded words */
	"Content-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: "
	"message/rfc822\n\nSubject: inner\n\ninner body\n--m--\n",
	"Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: x\n\n"
	"y\n--d--\n",
	"Content-Type: multipart/mixed; boundary=r\n\n--r\nContent-Type: "
	"text/plain; name*=utf-8''%C3%A9.txt\n\nx\n--r--\n",
	"Content-Type: multipart/mixed; boundary=w\n\n--w\nContent-Type: "
	"text/plain; name=\"=?utf-8?q?a?=.txt\"\n\nx\n--w--\n",
	"Content-Type: multipart/mixed; boundary=u\n\n--u\n"
	"Content-Transfer-Encoding: x-uuencode\n\nbegin 644 a\n#86)C\n`\n"
	"end\n--u--\n",
	/* headers ended by a boundary, odd header lines */
	"Content-Type: multipart/mixed; boundary=h\n\n--h\nContent-Type: "
	"text/plain\n--h\n\nx\n--h--\n",
	"Content-Type: multipart/mixed; boundary=h\n\n--h\nnot a header\n\n"
	"x\n--h--\n",
	"Content-Type: multipart/mixed; boundary=h\n\n--h\n folded first\n\n"
	"x\n--h--\n",
	"Content-Type: multipart/mixed\n\n--h\n\nno boundary parameter\n",
	/* a boundary line at the very end: GMime's reading of the empty
	 * header block after it is not reproduced */
	"Content-Type: multipart/mixed; boundary=z\n\n--z\n\nx\n--z\n",
	"Content-Type: multipart/mixed; boundary=\"k:\"\n\n--k:\n--k:\n\n"
	"a boundary with a colon\n--k:--\n",
	/* part headers as the top-level reader reads them
	 * (rf__msg_header_name_len, rf__msg_header_end, rf__msg_note_mime):
	 * a MIME header given twice, a blank before the colon, a Content-*
	 * name with another byte than a letter, digit or '-', a name longer
	 * than MP_MAX_NAME, a header block the input ends in */
	"Content-Type: multipart/mixed; boundary=h\n\n--h\nContent-Type: "
	"text/plain\ncontent-type: text/html\n\nx\n--h--\n",
	"Content-Type: multipart/mixed; boundary=h\n\n--h\n"
	"Content-Transfer-Encoding: 7bit\nContent-Transfer-Encoding: base64"
	"\n\nx\n--h--\n",
	"Content-Type: multipart/mixed; boundary=h\n\n--h\n"
	"Content-Disposition: inline\nContent-Disposition: attachment\n\nx\n"
	"--h--\n",
	"Content-Type: multipart/mixed; boundary=h\n\n--h\nContent-Type :"
	" text/html\n\nx\n--h--\n",
	"Content-Type: multipart/mixed; boundary=h\n\n--h\nX-Other\t: y\n\n"
	"x\n--h--\n",
	"Content-Type: multipart/mixed; boundary=h\n\n--h\nContent-Type_2: "
	"text/html\n\nx\n--h--\n",
	"Content-Type: multipart/mixed; boundary=h\n\n--h\nX-nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn: y\n\n"
	"x\n--h--\n",
	"Content-Type: multipart/mixed; boundary=h\n\n--h\nContent-Type: "
	"text/plain",
	"Content-Type: multipart/mixed; boundary=h\n\n--h\nContent-Type: "
	"text/plain;\n charset=us-ascii",
	"Content-Type: multipart/mixed; boundary=h\n\n--h\nX: y\n",
};

/* hand-written multipart messages: each parsed both ways; all must take
 * the multipart path */
static const char *const mp_cases[] = {
	/* nested alternative in mixed, LF */
	"Subject: a\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
	"boundary=\"outer\"\n\npreamble http://pre.example/\n--outer\n"
	"Content-Type: multipart/alternative; boundary=inner\n\n--inner\n"
	"Content-Type: text/plain; charset=us-ascii\n\nplain "
	"http://a.example/\n--inner\nContent-Type: text/html\n\n<a href="
	"\"http://b.example/\">b</a>\n--inner--\n\n--outer\nContent-Type: "
	"application/octet-stream; name=\"a.bin\"\nContent-Transfer-Encoding:"
	" base64\n\nAAECAw==\n--outer--\nepilogue http://epi.example/\n",
	/* CRLF, boundary followed by blanks */
	"Content-Type: multipart/alternative;\r\n\tboundary=\"=_b.1\"\r\n\r\n"
	"--=_b.1 \t\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding:"
	" quoted-printable\r\n\r\ncaf=E9 soft=\r\nbreak\r\n--=_b.1\t\r\n"
	"Content-Type: text/html; charset=utf-8\r\n\r\n<p>x</p>\r\n"
	"--=_b.1--  \r\n",
	/* boundary-like lines: a prefix, the boundary and text, a dash */
	"Content-Type: multipart/mixed; boundary=abc\n\n--abc\n\n--ab\n"
	"--abcd\n--abc x\n--abc--x\n-- \nbody\n--abc--\n",
	/* empty part, part without headers, empty preamble */
	"Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--b\n\nno "
	"headers http://c.example/\n--b\nContent-Type: text/plain\n\n\n"
	"--b--\n",
	/* a blank after '=', a trailing ';' */
	"Content-Type: multipart/alternative; boundary= \"=_q\";\n\n--=_q\n"
	"Content-Type: text/plain;\n\nx\n--=_q--\n",
	/* a one-byte preamble, boundary lines in CRLF, a one-byte part */
	"Content-Type: multipart/mixed; boundary=o\n\n\n--o\r\n\r\n\n"
	"--o\r\n\r\nx\n--o--\r\n",
	/* missing closing boundary */
	"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: "
	"text/plain\n\ntext http://d.example/\n",
	/* inner multipart ended by the outer boundary */
	"Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: "
	"multipart/alternative; boundary=i\n\n--i\n\ninner\n--o\n\nouter "
	"part\n--o--\n",
	/* inner ended by the outer closing line */
	"Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: "
	"multipart/alternative; boundary=i\n\n--i\n\ninner\n--o--\n",
	/* no boundary line at all */
	"Content-Type: multipart/mixed; boundary=o\n\njust text\n",
	/* closing line first */
	"Content-Type: multipart/mixed; boundary=o\n\n--o--\nepilogue\n",
	/* encodings */
	"Content-Type: multipart/mixed; boundary=e\n\n--e\n"
	"Content-Transfer-Encoding: 8bit\n\nna\xc3\xafve\n--e\n"
	"Content-Transfer-Encoding: x-weird\n\n=41\n--e\n"
	"Content-Transfer-Encoding: BASE64\nContent-Type: text/html\n\n"
	"PGI+aGk8L2I+!!bad\n=\n--e\nContent-Transfer-Encoding: "
	"Quoted-Printable\nContent-Type: application/x-y\n\n=41=\n\n--e--\n",
	/* attachments: filename, name, both, disposition alone */
	"Content-Type: multipart/mixed; boundary=f\n\n--f\nContent-Type: "
	"text/plain; name=\"n.txt\"\n\nnamed\n--f\nContent-Type: text/plain\n"
	"Content-Disposition: attachment; filename=\"f d.txt\"\n\nfiled\n--f\n"
	"Content-Disposition: attachment\n\nbare\n--f\nContent-Disposition: "
	"inline\n\ninline http://e.example/\n--f\nContent-Type: image/gif; "
	"name=a.gif\nContent-Disposition: inline; filename=b.gif\n\nGIF\n"
	"--f\nContent-Disposition: INLINE; FILENAME=\"\"\n\nempty name\n"
	"--f--\n",
	/* charsets */
	"Content-Type: multipart/alternative; boundary=c\n\n--c\n"
	"Content-Type: text/plain; charset=iso-8859-1\n\ncaf\xe9\n--c\n"
	"Content-Type: text/html; charset=\"windows-1252\"\n\n<p>\x93q\x94"
	"</p>\n--c\nContent-Type: text/plain; charset=x-unknown\n\n\xef\n"
	"--c--\n",
	/* the boundary line at the very end, with and without a newline */
	"Content-Type: multipart/mixed; boundary=z\n\n--z\n\nx\n--z",
	"Content-Type: multipart/mixed; boundary=z\n\n--z\n\nx\n--z--",
	"Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\n\r\nx\n"
	"--z\r\n\r\ny\r\n--z--\r\n",
	/* top-level leaves with a disposition or a name */
	"Content-Type: text/plain\nContent-Disposition: inline\n\nx "
	"http://f.example/\n",
	"Content-Type: text/html; charset=utf-8\nContent-Disposition: "
	"inline\nContent-Transfer-Encoding: base64\n\nPGI+aGk8L2I+\n",
	"Content-Type: application/pdf; name=\"a.pdf\"\n"
	"Content-Transfer-Encoding: base64\n\nJVBERi0=\n",
	"Content-Disposition: attachment; filename=x.txt\n\nbody\n",
	/* part headers: folded values, CRLF, a name of MP_MAX_NAME bytes,
	 * other names with odd bytes, MIME-Version in a part */
	"Content-Type: multipart/mixed; boundary=h\n\n--h\nContent-Type: "
	"text/plain;\n\tcharset=iso-8859-1\nContent-Disposition: inline;\n"
	"  filename=\"a b.txt\"\n\ncaf\xe9\n--h\r\nContent-Type: text/html"
	"\r\nX-Folded: a\r\n b\r\n\r\n<b>x</b>\r\n--h\nX-nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn: y\n"
	"X_Odd.Name: v\nMIME-Version: 1.0\n\nlong name\n--h--\n",
};

static void
test_multipart_cases(void **state)
{
	rf_ctx *ctx = *state;
	size_t i;

	for (i = 0; i < sizeof(mp_cases) / sizeof(mp_cases[0]); i++) {
		both(ctx, mp_cases[i], strlen(mp_cases[i]));
		if (!mp_taken(ctx, mp_cases[i], strlen(mp_cases[i])))
			fail_msg("case %zu declined", i);
	}
	for (i = 0; i < sizeof(mp_declined) / sizeof(mp_declined[0]); i++) {
		both(ctx, mp_declined[i], strlen(mp_declined[i]));
		if (mp_taken(ctx, mp_declined[i], strlen(mp_declined[i])))
			fail_msg("declined case %zu taken", i);
	}
}

/* differs: a quick look for a difference between x and y (same_message
 * then says which) */
static int
differs(const rf_message *x, const rf_message *y)
{
	size_t i;

	if (x->flags != y->flags || x->limits_hit != y->limits_hit ||
	    x->nparts != y->nparts || x->text_len != y->text_len ||
	    x->html_text_len != y->html_text_len ||
	    x->nattachments != y->nattachments || x->links.n != y->links.n)
		return 1;
	for (i = 0; i < x->nparts; i++)
		if (x->parts[i].size != y->parts[i].size ||
		    x->parts[i].flags != y->parts[i].flags)
			return 1;
	for (i = 0; i < x->nattachments; i++)
		if (strcmp(x->attachments[i].sha256,
		    y->attachments[i].sha256) != 0)
			return 1;
	return 0;
}

/* A generated message. */
struct gen {
	char buf[16384];
	size_t n;
	unsigned seed;
	int crlf;		/* 0 LF, 1 CRLF, 2 either, line by line */
	unsigned nest;		/* force multiparts down to this depth */
};

static void
put(struct gen *g, const char *s)
{
	size_t l = strlen(s);

	if (g->n + l < sizeof(g->buf)) {
		memcpy(g->buf + g->n, s, l);
		g->n += l;
	}
}

/* eol: a line break in the message's style */
static void
eol(struct gen *g)
{
	put(g, g->crlf == 1 || (g->crlf == 2 && rn(&g->seed, 2)) ? "\r\n" :
	    "\n");
}

static void
line(struct gen *g, const char *s)
{
	put(g, s);
	eol(g);
}

/* body_line: a random content line (boundary-like ones among them) */
static void
body_line(struct gen *g, const char *b)
{
	static const char *const text[] = { "Hello http://www.example.com/p?a=1",
	    "=3D=41 soft=", "", " ", "--", "-- ", "--x", "caf\xc3\xa9 \x80",
	    "<a href=\"http://h.example/x\">link</a> <img src=\"http://i."
	    "example/p.gif?id=12345\">", "plain words here", "=", "\t",
	    "PGI+aGk8L2I+", "AAECAw==" };
	char tmp[400];
	unsigned k = rn(&g->seed, 60);

	if (k < 14) {
		line(g, text[k]);
	} else if (k == 14) {
		snprintf(tmp, sizeof(tmp), "--%s%s", b, rn(&g->seed, 2) ? "x" :
		    "--x");
		line(g, tmp);
	} else if (k == 15) {
		snprintf(tmp, sizeof(tmp), "--%.*s", (int)(strlen(b) / 2), b);
		line(g, tmp);
	} else if (k == 16) {
		/* a long line with the boundary inside */
		snprintf(tmp, sizeof(tmp), "%0150d--%s%s", 0, b,
		    rn(&g->seed, 2) ? "" : "  ");
		line(g, tmp);
	} else if (k == 17) {
		snprintf(tmp, sizeof(tmp), "%0200d http://long.example/", 7);
		line(g, tmp);
	} else {
		line(g, text[rn(&g->seed, 14)]);
	}
}

static void gen_part(struct gen *g, unsigned depth, const char *parent);

/* gen_headers_leaf: the header block of a leaf */
static void
gen_headers_leaf(struct gen *g)
{
	static const char *const ct[] = { "text/plain", "text/plain; "
	    "charset=iso-8859-1", "text/html; charset=\"utf-8\"", "TEXT/Plain",
	    "text/html", "application/octet-stream; name=\"a.bin\"",
	    "image/gif; name=x.gif", "text/plain; name=n.txt",
	    "text/plain;\n\tcharset=us-ascii", "text/plain; charset=\"\"",
	    "application/pdf", "message/rfc822" };
	static const char *const cte[] = { "base64", "quoted-printable",
	    "8bit", "7bit", "x-unknown", "BASE64", " quoted-printable ",
	    "binary", "Quoted-Printable (c)", "x-uuencode" };
	static const char *const cd[] = { "inline", "attachment",
	    "attachment; filename=\"f d.txt\"", "INLINE; filename=x.pdf",
	    "inline; filename=\"\"", "attachment;\n filename=y.doc" };
	char tmp[200];

	if (rn(&g->seed, 5) != 0) {
		/* the last one (declined) rarely */
		snprintf(tmp, sizeof(tmp), "Content-Type: %s",
		    ct[rn(&g->seed, sizeof(ct) / sizeof(ct[0]) -
		    (rn(&g->seed, 10) != 0))]);
		line(g, tmp);
	}
	if (rn(&g->seed, 2) == 0) {
		snprintf(tmp, sizeof(tmp), "Content-Transfer-Encoding: %s",
		    cte[rn(&g->seed, sizeof(cte) / sizeof(cte[0]) -
		    (rn(&g->seed, 10) != 0))]);
		line(g, tmp);
	}
	if (rn(&g->seed, 3) == 0) {
		snprintf(tmp, sizeof(tmp), "Content-Disposition: %s",
		    cd[rn(&g->seed, sizeof(cd) / sizeof(cd[0]))]);
		line(g, tmp);
	}
	if (rn(&g->seed, 4) == 0)
		line(g, "Content-ID: <x@y>");
	if (rn(&g->seed, 40) == 0)
		line(g, "odd line");
	if (rn(&g->seed, 40) != 0)
		eol(g);
}

/* gen_part: one part at depth (its headers, blank line, content);
 * parent: the enclosing boundary or NULL */
static void
gen_part(struct gen *g, unsigned depth, const char *parent)
{
	static const char *const sub[] = { "mixed", "alternative", "related",
	    "Mixed", "signed", "digest" };
	static const char *const base[] = { "b", "=_Part_0.1", "abc",
	    "a b", "----=_NextPart_000" };
	char b[100], tmp[300];
	unsigned i, nkids, k;

	if (depth > 0 && (depth >= 25 || (depth >= g->nest &&
	    rn(&g->seed, 3) != 0))) {
		gen_headers_leaf(g);
		k = rn(&g->seed, 5);
		while (k-- > 0)
			body_line(g, parent != NULL ? parent : "b");
		return;
	}
	k = rn(&g->seed, sizeof(base) / sizeof(base[0]));
	if (parent != NULL && rn(&g->seed, 12) == 0)
		snprintf(b, sizeof(b), "%s", parent);	/* the same again */
	else if (parent != NULL && rn(&g->seed, 6) == 0)
		snprintf(b, sizeof(b), "%s-%u", parent, depth); /* extends */
	else
		snprintf(b, sizeof(b), "%s%u", base[k], depth);
	snprintf(tmp, sizeof(tmp), "Content-Type: multipart/%s;%sboundary="
	    "\"%s\"", sub[rn(&g->seed, 20) == 0 ? 5 : rn(&g->seed, 5)],
	    rn(&g->seed, 2) ? " " : "\n\t", b);
	line(g, tmp);
	eol(g);
	k = rn(&g->seed, 3);
	while (k-- > 0)
		body_line(g, b);
	nkids = depth < g->nest ? 1 + rn(&g->seed, 2) : rn(&g->seed, 5);
	for (i = 0; i < nkids; i++) {
		static const char *const trail[] = { "", " ", "\t", " \t ",
		    "  x", "\r" };

		snprintf(tmp, sizeof(tmp), "--%s%s", b, trail[rn(&g->seed,
		    8) < 6 ? 0 : rn(&g->seed, 6)]);
		line(g, tmp);
		gen_part(g, depth + 1, b);
	}
	if (rn(&g->seed, 6) != 0) {
		snprintf(tmp, sizeof(tmp), "--%s--%s", b, rn(&g->seed, 4) ?
		    "" : " ");
		line(g, tmp);
	}
	k = rn(&g->seed, 3);
	while (k-- > 0)
		body_line(g, parent != NULL ? parent : b);
}

/* generated multipart messages: parsed both ways, compared */
static void
test_multipart_random(void **state)
{
	rf_limits lim;
	rf_ctx *ctx[3] = { *state, NULL, NULL };
	rf_error err;
	struct gen *g = malloc(sizeof(*g));
	unsigned r, took = 0, n = 5000;

	assert_non_null(g);
	rf_limits_default(&lim);
	lim.max_mime_parts = 4;
	if (rf_ctx_new(&lim, &ctx[1], &err) != RF_OK)
		fail_msg("rf_ctx_new: %s", err.msg);
	rf_limits_default(&lim);
	lim.max_mime_depth = 2;
	lim.max_part_size = 20;
	if (rf_ctx_new(&lim, &ctx[2], &err) != RF_OK)
		fail_msg("rf_ctx_new: %s", err.msg);
	for (r = 0; r < n; r++) {
		rf_ctx *c = ctx[r % 3];
		rf_message *fast = NULL, *tree = NULL;

		memset(g, 0, sizeof(*g));
		g->seed = r * 2654435761u + 1;
		g->crlf = (int)rn(&g->seed, 3);
		g->nest = rn(&g->seed, 10) == 0 ? 18 + rn(&g->seed, 5) :
		    1 + rn(&g->seed, 2);
		line(g, "Subject: generated");
		line(g, "MIME-Version: 1.0");
		gen_part(g, 0, NULL);
		if (rn(&g->seed, 8) == 0)	/* truncated */
			g->n = rn(&g->seed, (unsigned)g->n + 1);
		took += (unsigned)mp_taken(c, g->buf, g->n);
		if (rf__message_parse(c, g->buf, g->n, 0, &fast, &err) !=
		    RF_OK || rf__message_parse(c, g->buf, g->n, 1, &tree,
		    &err) != RF_OK)
			fail_msg("case %u: parse: %s", r, err.msg);
		if (getenv("MP_DUMP") != NULL && atoi(getenv("MP_DUMP")) ==
		    (int)r)
			fwrite(g->buf, 1, g->n, stderr);
		if (differs(fast, tree))
			print_message("generated case %u (MP_DUMP=%u shows "
			    "it):\n", r, r);
		same_message(fast, tree);
		rf_message_free(fast);
		rf_message_free(tree);
	}
	print_message("multipart path taken by %u of %u\n", took, n);
	/* most generated messages take the multipart path */
	assert_true(took >= n / 2);
	rf_ctx_free(ctx[1]);
	rf_ctx_free(ctx[2]);
	free(g);
}

/* one_params: when rf__msg_params_fast reads v, GMime reads the same
 * type (or disposition), boundary, name and filename; returns whether it
 * read it */
static int
one_params(GMimeParserOptions *opts, const char *v, int disp)
{
	struct mimeparams pp;
	char *u, *mine;
	const char *theirs, *fn;

	if (!rf__msg_params_fast(v, strlen(v), disp, &pp))
		return 0;
	u = g_mime_utils_header_unfold(v);
	if (disp) {
		GMimeContentDisposition *d =
		    g_mime_content_disposition_parse(opts, u);

		assert_non_null(d);
		mine = g_strndup(pp.mime, pp.mimelen);
		theirs = g_mime_content_disposition_get_disposition(d);
		if (g_ascii_strcasecmp(mine, theirs) != 0)
			fail_msg("disposition of [%s]: %s vs %s", v, mine,
			    theirs);
		g_free(mine);
		fn = g_mime_content_disposition_get_parameter(d, "filename");
		mine = pp.filename != NULL ? g_strndup(pp.filename,
		    pp.filenamelen) : NULL;
		str_eq(v, mine, fn);
		g_free(mine);
		assert_int_equal(g_mime_content_disposition_is_attachment(d),
		    pp.mimelen == 10 && g_ascii_strncasecmp(pp.mime,
		    "attachment", 10) == 0);
		g_object_unref(d);
	} else {
		GMimeContentType *ct = g_mime_content_type_parse(opts, u);

		assert_non_null(ct);
		mine = pp.boundary != NULL ? g_strndup(pp.boundary,
		    pp.boundarylen) : NULL;
		str_eq(v, mine, g_mime_content_type_get_parameter(ct,
		    "boundary"));
		g_free(mine);
		mine = pp.name != NULL ? g_strndup(pp.name, pp.namelen) : NULL;
		str_eq(v, mine, g_mime_content_type_get_parameter(ct, "name"));
		g_free(mine);
		g_object_unref(ct);
	}
	g_free(u);
	return 1;
}

/* Content-Type and Content-Disposition parameters read without GMime
 * are what GMime reads */
static void
test_params(void **state)
{
	static const char *const piece[] = { "multipart/mixed", "text/plain",
	    "inline", "attachment", "ATTACHMENT", "form-data", ";", "; ", " ",
	    "\t", "\n\t", "\r\n ", "boundary", "Boundary", "name", "filename",
	    "FileName", "=", "\"", "=_Part.1", "----=_Next", "a b", "x.txt",
	    "\"f d.txt\"", "\"\"", "(c)", "*", "'", "%20", "=?utf-8?q?x?=",
	    "\\", ",", ":", "\xe9", "\"a;b\"", "\" a \"", "" };
	GMimeParserOptions *opts;
	char v[256];
	unsigned seed = 23, r, k, took = 0;

	(void)state;
	rf__gmime_init();
	opts = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(opts,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	for (r = 0; r < 60000; r++) {
		size_t o = 0;
		int disp = (int)(r & 1);

		k = 1 + rn(&seed, 12);
		/* a type (or disposition) then mostly parameters */
		snprintf(v, sizeof(v), "%s", disp ? piece[2 + rn(&seed, 4)] :
		    piece[rn(&seed, 2)]);
		o = strlen(v);
		while (k-- > 0) {
			const char *p;

			if (rn(&seed, 3) != 0) {
				static const char *const whole[] = {
				    "; boundary=\"=_b.1\"", "; name=a.txt",
				    "; filename=\"f d.txt\"", ";\n\tboundary=x",
				    "; charset=us-ascii", "; filename=x.pdf",
				    "; name=\"n m\"", "; boundary=\"a b\"",
				    "; BOUNDARY=q", "; x=y",
				    "; boundary= \"=_sp\"", ";", "; ",
				    "; filename=\n\t\"f.txt\"" };

				p = whole[rn(&seed, 14)];
			} else {
				p = piece[rn(&seed, sizeof(piece) /
				    sizeof(piece[0]))];
			}
			if (o + strlen(p) + 1 >= sizeof(v))
				break;
			memcpy(v + o, p, strlen(p));
			o += strlen(p);
		}
		v[o] = '\0';
		took += (unsigned)one_params(opts, v, disp);
	}
	assert_true(took >= 2000);	/* the fast reader was used often */
	g_mime_parser_options_free(opts);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multipart_cases),
		cmocka_unit_test(test_multipart_random),
		cmocka_unit_test(test_params),
	};

	return cmocka_run_group_tests(tests, ctx_setup, ctx_teardown);
}
