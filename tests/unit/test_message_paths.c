/* test_message_paths.c - the single-part path of lib/message.c and the
 * multipart path of lib/message_mime.c give exactly what GMime's object
 * tree gives: every message here is parsed both ways (rf__message_parse
 * with and without tree) and the results compared field by field. */
#include "testutil.h"

#include <gmime/gmime.h>

#include "../../lib/message_int.h"

static void
str_eq(const char *what, const char *a, const char *b)
{
	if (a == NULL || b == NULL) {
		if (a != b)
			fail_msg("%s: %s vs %s", what, a ? a : "(null)",
			    b ? b : "(null)");
		return;
	}
	if (strcmp(a, b) != 0)
		fail_msg("%s: \"%s\" vs \"%s\"", what, a, b);
}

static void
same_message(const rf_message *x, const rf_message *y)
{
	size_t i;

	assert_int_equal(x->flags, y->flags);
	assert_int_equal(x->limits_hit, y->limits_hit);
	assert_int_equal(x->nheaders, y->nheaders);
	assert_int_equal(x->text_len, y->text_len);
	assert_int_equal(x->html_text_len, y->html_text_len);
	assert_memory_equal(x->text, y->text, x->text_len);
	assert_memory_equal(x->html_text, y->html_text, x->html_text_len);
	assert_int_equal(x->nparts, y->nparts);
	for (i = 0; i < x->nparts; i++) {
		const rf_part *p = &x->parts[i], *q = &y->parts[i];

		str_eq("content_type", p->content_type, q->content_type);
		str_eq("charset", p->charset, q->charset);
		str_eq("encoding", p->encoding, q->encoding);
		str_eq("filename", p->filename, q->filename);
		assert_int_equal(p->size, q->size);
		assert_int_equal(p->depth, q->depth);
		assert_int_equal(p->flags, q->flags);
	}
	assert_int_equal(x->nattachments, y->nattachments);
	for (i = 0; i < x->nattachments; i++) {
		const rf_attachment *a = &x->attachments[i];
		const rf_attachment *b = &y->attachments[i];

		str_eq("attachment filename", a->filename, b->filename);
		str_eq("attachment type", a->content_type, b->content_type);
		str_eq("attachment sha256", a->sha256, b->sha256);
		assert_int_equal(a->size, b->size);
		assert_int_equal(a->part, b->part);
	}
	assert_int_equal(x->nembedded, y->nembedded);
	assert_int_equal(x->links.n, y->links.n);
	for (i = 0; i < x->links.n; i++) {
		const rf_link *k = &x->links.v[i], *l = &y->links.v[i];

		str_eq("url", k->url, l->url);
		str_eq("normalized", k->normalized, l->normalized);
		str_eq("domain", k->domain, l->domain);
		str_eq("text", k->text, l->text);
		assert_int_equal(k->kind, l->kind);
		assert_int_equal(k->flags, l->flags);
		assert_int_equal(k->part, l->part);
	}
}

static void
both(rf_ctx *ctx, const char *data, size_t len)
{
	rf_message *fast = NULL, *tree = NULL;
	rf_error err;

	if (rf__message_parse(ctx, data, len, 0, &fast, &err) != RF_OK ||
	    rf__message_parse(ctx, data, len, 1, &tree, &err) != RF_OK)
		fail_msg("parse: %s", err.msg);
	same_message(fast, tree);
	rf_message_free(fast);
	rf_message_free(tree);
}

static const char *const cases[] = {
	/* no MIME headers at all */
	"Subject: hi\n\nHello http://www.example.com/x world\n",
	"Subject: hi\n\n",
	"Subject: hi\n",
	"just a body line\nmore http://a.example.org/\n",
	"From someone Mon Jan 1 00:00:00 2024\nSubject: x\n\nbody\n",
	"Subject: no newline at the end\n\nbody http://b.example/",
	/* declared types */
	"Content-Type: text/plain; charset=iso-8859-1\n"
	"Content-Transfer-Encoding: quoted-printable\n\n"
	"caf=E9 soft=\nbreak http://ex=\nample.com/p?a=3Db trailing=",
	"Content-Type: TEXT/HTML; charset=\"utf-8\"\n"
	"Content-Transfer-Encoding: base64\n\n"
	"PGEgaHJlZj0iaHR0cDovL2V4YW1wbGUuY29tLyI+Y2xpY2s8L2E+\n",
	"Content-Type: text/html\nContent-Transfer-Encoding: BASE64\n\n"
	"PGI+aGk8L2I+!!bad*chars==\nPGk+\n=",
	"Content-Type: text/plain\nContent-Transfer-Encoding: "
	"Quoted-Printable (comment)\n\n=41=42=4",
	"Content-Type: text/plain\nContent-Transfer-Encoding: x-uuencode\n\n"
	"begin 644 a.txt\n#86)C\n`\nend\n",
	"Content-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\n"
	"na\xc3\xafve\n",
	"Content-Type: text/plain\nContent-Transfer-Encoding: binary\n\n"
	"a\0b\n",
	"Content-Type: text/plain\nContent-Transfer-Encoding: x-weird\n\n"
	"=41\n",
	"Content-Type: text/plain\nContent-Transfer-Encoding:\n\n=41\n",
	"Content-Type: text/html;\n\tcharset=\"windows-1252\"\n\n"
	"<p>\x93quoted\x94 \x81</p>",
	"Content-Type: text/plain; name=a.txt\n\nattachment by name\n",
	"Content-Type: text/plain\nContent-Disposition: attachment\n\nx\n",
	"Content-Type: text/plain\nContent-Disposition: inline\n\nx\n",
	"Content-Type: garbage\n\nnot a type\n",
	"Content-Type: text\n\nno subtype\n",
	"Content-Type: text/plain; charset*=utf-8''%C3%A9\n\nx\n",
	"Content-Type: text/plain; charset=\"=?utf-8?q?x?=\"\n\nx\n",
	"Content-Type: text/plain; charset=\"\xe9\"\n\nx\n",
	"Content-Type: text/plain; charset=x-unknown-1\n\nna\xefve\n",
	"Content-Type: text/plain\nContent-Type: text/html\n\n<b>two</b>\n",
	"Content-Type : text/html\n\n<b>blank before colon</b>\n",
	"Content-Type: text/plain\r\nContent-Transfer-Encoding: "
	"quoted-printable\r\n\r\nline=\r\nnext\r\nhttp://c.example/\r\n",
	"MIME-Version: 1.0\nContent-Type: application/octet-stream\n\n"
	"\x01\x02\n",
	"MIME-Version: 1.0\nContent-Type: multipart/alternative; "
	"boundary=b\n\n--b\nContent-Type: text/plain\n\nx\n--b--\n",
	"Content-Type: message/rfc822\n\nSubject: inner\n\ninner body\n",
	"Content-Type: text/plain\nContent-ID: <a@b>\n"
	"Content-Description: d\nContent-Language: en\n\nbody\n",
	"Content-Type: text/plain; charset=utf-8\n\nbad \xff utf-8 \xc3\n",
	"Content-Type: text/plain; format=flowed; delsp=yes\n\nflowed \n"
	"text\n",
};

static void
test_cases(void **state)
{
	rf_ctx *ctx = *state;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		both(ctx, cases[i], strlen(cases[i]));
	/* a NUL byte in the body */
	both(ctx, "Subject: x\n\na\0b http://d.example/\n", 34);
}

static void
test_golden(void **state)
{
	static const char *const files[] = { "tests/golden/rfc2047.eml",
	    "tests/golden/qp-soft-break.eml", "tests/golden/html-amp.eml",
	    "tests/golden/idn.eml", "tests/golden/forwarded.eml",
	    "tests/golden/from-quoting.mbox" };
	rf_ctx *ctx = *state;
	size_t i, len;
	char *data;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		data = read_file(files[i], &len);
		both(ctx, data, len);
		free(data);
	}
}

/* limits hit on both paths alike */
static void
test_limits(void **state)
{
	static const char msg[] = "Content-Type: text/plain\n\n"
	    "0123456789 http://e.example/ abcdefghij\n";
	rf_limits lim;
	rf_ctx *ctx = NULL;
	rf_error err;

	(void)state;
	rf_limits_default(&lim);
	lim.max_part_size = 16;
	lim.max_text_size = 8;
	lim.max_mime_parts = 1;
	if (rf_ctx_new(&lim, &ctx, &err) != RF_OK)
		fail_msg("rf_ctx_new: %s", err.msg);
	both(ctx, msg, sizeof(msg) - 1);
	rf_ctx_free(ctx);
}

/* what GMime's address parser gives: the first mailbox's address (lower
 * case) and the display name of the mailbox whose address is addr */
static char *
gmime_first(const char *v)
{
	InternetAddressList *l = internet_address_list_parse(NULL, v);
	char *out = NULL;
	int i, n;

	if (l == NULL)
		return NULL;
	n = internet_address_list_length(l);
	for (i = 0; i < n && out == NULL; i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);
		const char *a;

		if (INTERNET_ADDRESS_IS_MAILBOX(ia) && (a =
		    internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia))) != NULL && *a != '\0')
			out = g_ascii_strdown(a, -1);
		else if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			break;
	}
	g_object_unref(l);
	return out;
}

static void
one_list(const char *v)
{
	InternetAddressList *l = internet_address_list_parse(NULL, v);
	rf_arena *a = rf_arena_new();
	rf_header h = { "To", v };
	rf_message m;
	char *want = gmime_first(v);
	const char *got = rf_addr_spec(a, v);
	int i, n;

	assert_non_null(a);
	if (want == NULL || got == NULL) {
		if ((want == NULL) != (got == NULL))
			fail_msg("first of [%s]: %s vs %s", v,
			    want ? want : "(null)", got ? got : "(null)");
	} else if (strcmp(want, got) != 0) {
		fail_msg("first of [%s]: %s vs %s", v, want, got);
	}
	g_free(want);
	memset(&m, 0, sizeof(m));
	m.arena = a;
	m.headers = &h;
	m.nheaders = 1;
	n = l != NULL ? internet_address_list_length(l) : 0;
	for (i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);
		const char *ad, *name, *mine;
		char *theirs = NULL;
		int j;

		if (!INTERNET_ADDRESS_IS_MAILBOX(ia) || (ad =
		    internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia))) == NULL)
			continue;
		/* the first mailbox with that address and a name */
		for (j = 0; j < n && theirs == NULL; j++) {
			InternetAddress *ib =
			    internet_address_list_get_address(l, j);
			const char *b;

			if (!INTERNET_ADDRESS_IS_MAILBOX(ib))
				continue;
			b = internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ib));
			name = internet_address_get_name(ib);
			if (b != NULL && name != NULL && *name != '\0' &&
			    g_ascii_strcasecmp(b, ad) == 0)
				theirs = g_strdup(name);
		}
		mine = rf_message_recipient_name(&m, ad);
		if ((mine == NULL) != (theirs == NULL) ||
		    (mine != NULL && strcmp(mine, theirs) != 0))
			fail_msg("name of %s in [%s]: %s vs %s", ad, v,
			    mine ? mine : "(null)", theirs ? theirs :
			    "(null)");
		g_free(theirs);
	}
	if (l != NULL)
		g_object_unref(l);
	rf_arena_free(a);
}

/* address lists read without GMime give what GMime gives */
static void
test_address_lists(void **state)
{
	static const char *const piece[] = { "john", "Mary", "x1", " ",
	    "  ", "\t", ",", ", ", "<", ">", "@", ".", "a.b", "example.com",
	    "EXAMPLE.org", "xn--p1ai", "Xn--abc", "\"q\"", "(c)", ";", ":",
	    "+tag", "_", "-", "=?utf-8?q?x?=", "mail", "Smith", "o'neil",
	    "\xc3\xa9", "\"", "(", ")", "\\", "\"a b\" ", " (x)" };
	static const char *const lists[] = { "a@b.c", "John Smith <j@x.org>",
	    "<j@x.org>", "J <j@x.org>, k@y.org", "Mary  Ann <m@x.org>",
	    " Mary Ann<m@x.org> ", "x@y, , z@w", "a@b,", "a.@b", "a@b.",
	    "a..b@c", "@b", "a@", "a@b@c", "a+b@c+d", "a@xn--p1ai",
	    "a@b.xn--p1ai", "Q <a@b> x", "Q <a@b", "a@b <c@d>",
	    "undisclosed-recipients:;", "A B <a@b>, A B <A@B>",
	    "j@x.org (John)", "\"John\" <j@x.org>", "ab_c@x-y.org",
	    "\"Smith, John\" <J@X.org>", "\"a <b@c.d>\" <d@e.org>",
	    "\"x@y\" <z@w.org>", "\"\" <a@b.c>", "\"q;:\"<a@b>",
	    "\"=?utf-8?q?x?=\" <a@b>", "j@x.org (Smith, John)",
	    "j@x.org (a@b.c)", "j@x.org (x <y@z>)", "j@x.org ()",
	    "j@x.org(c)", "\tj@x.org \t(c) ", "\"J\" <j@x.org>\t",
	    "\"a\\\"b\" <c@d>", "j@x.org (a (b) c)",
	    "\"Rob Shavell\" <rob@m.com>", "\"Brian O'Donoghue\" <B@k.ie>",
	    "\"Nils O. Sel\" <n@u.no>", "\" a\" <a@b>", "\"a \" <a@b>",
	    "\"a  b\" <a@b>", "\"a_b-c\"<a@b>", "\"x\" <a@b>, \"y z\" <c@d>",
	    "\"\" <a@b>, \"q\" <a@b>", "\"a.\" <a@b>", "\".\" <a@b>",
	    "\"'\" <a@b>", "\"--\" <a@b>", "\"a\"b\" <a@b>" };
	char v[256];
	unsigned seed = 11, r, k, i;

	(void)state;
	rf__gmime_init();
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		one_list(lists[i]);
	for (r = 0; r < 20000; r++) {
		size_t o = 0;

		seed = seed * 1103515245u + 12345u;
		k = 1 + (seed >> 16) % 10;
		while (k-- > 0) {
			const char *p;

			seed = seed * 1103515245u + 12345u;
			/* mostly the pieces of well-formed lists */
			if ((seed >> 12) % 3 == 0)
				p = piece[(seed >> 16) % (sizeof(piece) /
				    sizeof(piece[0]))];
			else
				p = lists[(seed >> 16) % (sizeof(lists) /
				    sizeof(lists[0]))];
			if (o + strlen(p) + 1 >= sizeof(v))
				break;
			memcpy(v + o, p, strlen(p));
			o += strlen(p);
		}
		v[o] = '\0';
		one_list(v);
	}
}

/* one_ct: when rf__msg_ct_fast reads value v, it reads what
 * g_mime_content_type_parse reads from it unfolded (as message.c gives
 * it); returns whether it read it. */
static int
one_ct(GMimeParserOptions *opts, const char *v)
{
	char *mime, *charset, *u, *lm, *lg, *gm;
	int named, took;
	GMimeContentType *ct;
	const char *gcs;

	took = rf__msg_ct_fast(v, strlen(v), &mime, &charset, &named);
	if (!took)
		return 0;
	u = g_mime_utils_header_unfold(v);
	ct = g_mime_content_type_parse(opts, u);
	assert_non_null(ct);
	gm = g_mime_content_type_get_mime_type(ct);
	lm = g_ascii_strdown(mime, -1);
	lg = g_ascii_strdown(gm, -1);
	if (strcmp(lm, lg) != 0)
		fail_msg("type of [%s]: %s vs GMime %s", v, mime, gm);
	gcs = g_mime_content_type_get_parameter(ct, "charset");
	str_eq(v, charset, gcs);
	if (named != (g_mime_content_type_get_parameter(ct, "name") != NULL))
		fail_msg("name of [%s]: %d", v, named);
	g_free(lm);
	g_free(lg);
	g_free(gm);
	g_free(u);
	g_free(mime);
	g_free(charset);
	g_object_unref(ct);
	return 1;
}

/* Content-Type values read without GMime give what GMime gives */
static void
test_content_types(void **state)
{
	static const char *const piece[] = { "text", "/", "plain", "html",
	    "TEXT", "Plain", ";", "; ", " ", "\t", "\n\t", "\r\n ",
	    "charset", "CharSet", "=", "\"", "us-ascii", "UTF-8", "iso-8859-1",
	    "name", "format", "flowed", "a.b", "x_y", "+", "(c)", "*", "'",
	    "%20", "=?utf-8?q?x?=", "\\", ",", ":", "@", "\xe9", "\"\"",
	    "\"a b\"", "\"a;b\"", "\"a=b\"", "charset=", "name=", "?", "" };
	static const char *const whole[] = { "text/plain",
	    " text/plain; charset=us-ascii\n",
	    "text/html;\n\tcharset=\"windows-1252\"\n",
	    "text/plain; charset=\"\"", "text/plain; format=flowed; "
	    "delsp=yes", "multipart/alternative; boundary=\"--=_b\"",
	    "text/plain; name=a.txt", "text/plain; NAME=\"a b.txt\"",
	    "text/plain; charset=a; charset=b", "Text/HTML; Charset=UTF-8",
	    "text/plain; charset = us-ascii", "text/plain;", "text/plain;;",
	    "text / plain", "text/", "/plain", "text", "text/plain x",
	    "application/vnd.ms-excel+xml", "text/plain;charset=\"a\"b" };
	GMimeParserOptions *opts;
	char v[256];
	unsigned seed = 5, r, k, i, took = 0;

	(void)state;
	rf__gmime_init();
	opts = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(opts,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	for (i = 0; i < sizeof(whole) / sizeof(whole[0]); i++)
		took += (unsigned)one_ct(opts, whole[i]);
	assert_true(took >= 10);
	for (r = 0; r < 50000; r++) {
		size_t o = 0;

		seed = seed * 1103515245u + 12345u;
		k = 1 + (seed >> 16) % 12;
		while (k-- > 0) {
			const char *p;

			seed = seed * 1103515245u + 12345u;
			if ((seed >> 12) % 4 == 0)
				p = whole[(seed >> 16) % (sizeof(whole) /
				    sizeof(whole[0]))];
			else
				p = piece[(seed >> 16) % (sizeof(piece) /
				    sizeof(piece[0]))];
			if (o + strlen(p) + 1 >= sizeof(v))
				break;
			memcpy(v + o, p, strlen(p));
			o += strlen(p);
		}
		v[o] = '\0';
		took += (unsigned)one_ct(opts, v);
	}
	assert_true(took >= 1000);	/* the fast path was taken often */
	g_mime_parser_options_free(opts);
}

/* rn: the next pseudo-random number below n. */
static unsigned
rn(unsigned *seed, unsigned n)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 8) % n;
}

/* Date values read without GMime give the time GMime gives */
static void
test_dates(void **state)
{
	static const char *const wd[] = { "", "Mon, ", "Wed, ", "Sun,",
	    "Sat,  ", "mon, ", "Xyz, ", "Thu ", "Fri, " };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "jan", "Foo",
	    "August" };
	static const char *const tail[] = { "", " (EST)", " (GMT+1)",
	    "  (Pacific Standard Time)", " ", " GMT", " (a-b)", " x",
	    " (unclosed" };
	char v[200], zone[16], dbuf[8];
	unsigned seed = 3, r, took = 0;
	long long t;

	(void)state;
	rf__gmime_init();
	for (r = 0; r < 60000; r++) {
		int day = (int)rn(&seed, 33), y = 1895 + (int)rn(&seed, 310);
		int zh = (int)rn(&seed, 17), zm = (int)rn(&seed, 4) * 15;
		int h = (int)rn(&seed, 25), mi = (int)rn(&seed, 61);
		int sec = (int)rn(&seed, 62);
		const char *lead = rn(&seed, 7) == 0 ? " " : "";
		const char *w = wd[rn(&seed, 9)], *mo = mon[rn(&seed, 15)];
		const char *tl = tail[rn(&seed, 9)];

		if (rn(&seed, 9) == 0)
			zm++;
		if (rn(&seed, 5) == 0)
			snprintf(zone, sizeof(zone), "%s",
			    rn(&seed, 2) ? "GMT" : "EST");
		else
			snprintf(zone, sizeof(zone), "%c%02d%02d",
			    rn(&seed, 2) ? '+' : '-', zh, zm);
		if (rn(&seed, 4) == 0)
			snprintf(dbuf, sizeof(dbuf), "%02d", day);
		else
			snprintf(dbuf, sizeof(dbuf), "%d", day);
		if (rn(&seed, 20) == 0)
			y %= 100;
		snprintf(v, sizeof(v), "%s%s%s %s %d %02d:%02d:%02d %s%s",
		    lead, w, dbuf, mo, y, h, mi, sec, zone, tl);
		if (rf__msg_date_fast(v, &t)) {
			GDateTime *dt = g_mime_utils_header_decode_date(v);

			if (dt == NULL)
				fail_msg("[%s]: %lld vs GMime none", v, t);
			if ((long long)g_date_time_to_unix(dt) != t)
				fail_msg("[%s]: %lld vs GMime %lld", v, t,
				    (long long)g_date_time_to_unix(dt));
			g_date_time_unref(dt);
			took++;
		}
	}
	assert_true(took >= 5000);	/* the fast path was taken often */
	assert_true(rf__msg_date_fast("Thu, 22 Aug 2002 18:26:25 +0700", &t));
	assert_int_equal(t, 1030015585);
}

/* GMime's quoted-printable decoder: step over everything, then flush */
static size_t
gmime_qp(const char *in, size_t n, char *out)
{
	GMimeEncoding st;
	size_t k;

	g_mime_encoding_init_decode(&st, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	k = g_mime_encoding_step(&st, in, n, out);
	return k + g_mime_encoding_flush(&st, "", 0, out + k);
}

/* quoted-printable decoded without GMime is what GMime decodes */
static void
test_qp(void **state)
{
	static const char *const piece[] = { "=", "=3D", "=3d", "=C3=A9",
	    "=\n", "=\r\n", "\r\n", "\n", "=\r", "=G1", "=1G", "=\t\n",
	    "= \n", "abc", " ", "\t", "\x80", "\0", "==", "=4", "=A", "x=",
	    "=ff", "=0A", "=\r=", "http://a.example/?a=b&c=3D" };
	char in[300], a[1200], b[1200];
	unsigned seed = 9, r;
	size_t n, k, na, nb;

	(void)state;
	for (r = 0; r < 100000; r++) {
		n = 0;
		k = rn(&seed, 14);
		while (k-- > 0) {
			const char *p = piece[rn(&seed, sizeof(piece) /
			    sizeof(piece[0]))];
			size_t len = strlen(p) + (p[0] == '\0');

			memcpy(in + n, p, len);
			n += len;
		}
		na = rf__qp_decode(in, n, a);
		nb = gmime_qp(in, n, b);
		assert_true(na <= n);
		if (na != nb || memcmp(a, b, na) != 0)
			fail_msg("case %u (%zu bytes): %zu vs GMime %zu", r, n,
			    na, nb);
	}
}

/* Message-IDs read without GMime are what GMime reads */
static void
test_message_ids(void **state)
{
	static const char *const piece[] = { "<", ">", "@", ".", "..", "a",
	    "B9", "x-y", "a_b", "+", "$", "%", "=", " ", "\t", "(c)", "\"q\"",
	    "[1.2.3.4]", "example.com", "<a@b.c>", ",", ";", "\\", "\xc3\xa9",
	    "!", "#", "/", "?", "~" };
	char v[200];
	unsigned seed = 17, r, took = 0;
	const char *id;
	size_t len, o, k;

	(void)state;
	rf__gmime_init();
	for (r = 0; r < 60000; r++) {
		o = 0;
		if (rn(&seed, 8) == 0)
			v[o++] = ' ';
		if (rn(&seed, 8) != 0)
			v[o++] = '<';
		k = 2 + rn(&seed, 8);
		while (k-- > 0) {
			const char *p = piece[rn(&seed, sizeof(piece) /
			    sizeof(piece[0]))];

			if (rn(&seed, 3) != 0)	/* mostly well-formed */
				p = k == 3 ? "@" : rn(&seed, 3) ? "a1" : ".";
			memcpy(v + o, p, strlen(p));
			o += strlen(p);
		}
		if (rn(&seed, 8) != 0)
			v[o++] = '>';
		if (rn(&seed, 8) == 0)
			v[o++] = rn(&seed, 2) ? ' ' : 'x';
		v[o] = '\0';
		if (rf__msg_id_fast(v, &id, &len)) {
			char *g = g_mime_utils_decode_message_id(v);

			if (g == NULL || strlen(g) != len ||
			    memcmp(g, id, len) != 0)
				fail_msg("[%s]: %.*s vs GMime %s", v, (int)len,
				    id, g != NULL ? g : "(null)");
			g_free(g);
			took++;
		}
	}
	assert_true(took >= 1000);	/* the fast path was taken often */
}


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

/* hand-written multipart messages: each parsed both ways; most must take
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
	"PGI+aGk8L2I+!!bad\n=\n--e\nContent-Transfer-Encoding: x-uuencode\n"
	"\nbegin 644 a\n#86)C\n`\nend\n--e--\n",
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
	/* declined: message/rfc822, digest, RFC 2231, encoded words */
	"Content-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: "
	"message/rfc822\n\nSubject: inner\n\ninner body\n--m--\n",
	"Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: x\n\n"
	"y\n--d--\n",
	"Content-Type: multipart/mixed; boundary=r\n\n--r\nContent-Type: "
	"text/plain; name*=utf-8''%C3%A9.txt\n\nx\n--r--\n",
	"Content-Type: multipart/mixed; boundary=w\n\n--w\nContent-Type: "
	"text/plain; name=\"=?utf-8?q?a?=.txt\"\n\nx\n--w--\n",
	/* declined: headers ended by a boundary, odd header lines */
	"Content-Type: multipart/mixed; boundary=h\n\n--h\nContent-Type: "
	"text/plain\n--h\n\nx\n--h--\n",
	"Content-Type: multipart/mixed; boundary=h\n\n--h\nnot a header\n\n"
	"x\n--h--\n",
	"Content-Type: multipart/mixed; boundary=h\n\n--h\n folded first\n\n"
	"x\n--h--\n",
	"Content-Type: multipart/mixed\n\n--h\n\nno boundary parameter\n",
	/* the boundary line at the very end, with and without a newline */
	"Content-Type: multipart/mixed; boundary=z\n\n--z\n\nx\n--z",
	"Content-Type: multipart/mixed; boundary=z\n\n--z\n\nx\n--z--",
	"Content-Type: multipart/mixed; boundary=z\n\n--z\n\nx\n--z\n",
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
};

static void
test_multipart_cases(void **state)
{
	rf_ctx *ctx = *state;
	size_t i;
	unsigned took = 0;

	for (i = 0; i < sizeof(mp_cases) / sizeof(mp_cases[0]); i++) {
		both(ctx, mp_cases[i], strlen(mp_cases[i]));
		took += (unsigned)mp_taken(ctx, mp_cases[i],
		    strlen(mp_cases[i]));
	}
	assert_true(took >= 18);
	/* the declined ones are declined */
	assert_false(mp_taken(ctx, mp_cases[12], strlen(mp_cases[12])));
	assert_false(mp_taken(ctx, mp_cases[13], strlen(mp_cases[13])));
	assert_false(mp_taken(ctx, mp_cases[16], strlen(mp_cases[16])));
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
				    "; BOUNDARY=q", "; x=y" };

				p = whole[rn(&seed, 10)];
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
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_address_lists),
		cmocka_unit_test(test_content_types),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_qp),
		cmocka_unit_test(test_message_ids),
		cmocka_unit_test(test_multipart_cases),
		cmocka_unit_test(test_multipart_random),
		cmocka_unit_test(test_params),
	};

	return cmocka_run_group_tests(tests, ctx_setup, ctx_teardown);
}
