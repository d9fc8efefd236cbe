/* test_message_paths.c - the single-part path of lib/message.c gives
 * exactly what GMime's object tree gives: every message here is parsed
 * both ways (rf__message_parse with and without tree) and the results
 * compared field by field; so are the header readers (the multipart
 * path: test_message_mime.c). */
#include "msgcmp.h"

#include <gmime/gmime.h>

#include "../../lib/message_int.h"

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
	/* types GMime's Content-Type parser reads (not the plain form), the
	 * one leaf then built by message_mime.c's leaf code */
	"Content-Type: (lead) Text /\n HTML (c); charset=\"US-ASCII\"\n"
	"Content-Transfer-Encoding: Quoted-Printable\n\n<p>x=3Dy</p>\n",
	"Content-Type: text/ PLAIN; charset = utf-8 ; x=\"a;b\"\n\nx\n",
	"Content-Type: tExt/plaiN;\n charset*0=us;\n charset*1=-ascii\n\nx\n",
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
	/* no part, no nesting at all: the one leaf is counted, not built */
	lim.max_mime_parts = 0;
	lim.max_mime_depth = 0;
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

/* one_ct: when rf__msg_params_fast reads value v (as message.c's
 * single-part probe does), it reads the type, charset and name that
 * g_mime_content_type_parse reads from it unfolded (as message.c gives
 * it); returns whether it read it. */
static int
one_ct(GMimeParserOptions *opts, const char *v)
{
	char *mime, *charset, *u, *lm, *lg, *gm;
	struct mimeparams pp;
	int named;
	GMimeContentType *ct;
	const char *gcs;

	if (!rf__msg_params_fast(v, strlen(v), 0, &pp))
		return 0;
	mime = g_strndup(pp.mime, pp.mimelen);
	charset = pp.charset != NULL ? g_strndup(pp.charset, pp.charsetlen) :
	    NULL;
	named = pp.name != NULL;
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

/* rf_envelope_address: the mailbox of every form an MTA passes an
 * envelope address in (the filter's -r, the milter's RCPT TO). */
static void
test_envelope_address(void **state)
{
	static const struct {
		const char *in, *want;
	} envs[] = {
		{ "a@b.example", "a@b.example" },
		{ "<a@b.example>", "a@b.example" },
		{ "<A@B.Example>", "A@B.Example" },	/* case kept */
		{ "<>", "" },				/* the null path */
		{ "", "" },
		{ "   ", "" },
		{ "< a@b.example >", "a@b.example" },
		{ " <a@b.example> ", "a@b.example" },
		{ "<a@b.example>  ", "a@b.example" },
		{ "a@b.example \t\r\n", "a@b.example" },
		{ "<a@b.example", "a@b.example" },	/* either bracket */
		{ "a@b.example>", "a@b.example" },
		{ "<<a@b.example>>", "<a@b.example>" },	/* one of each */
		{ "<@relay.example:a@b.example>", "a@b.example" },
		{ "<@r1.example,@r2.example:a@b.example>", "a@b.example" },
		{ "<@[192.0.2.1]:a@b.example>", "a@b.example" },
		{ "<@[IPv6:2001:db8::1],@r.example:a@b.example>",
		  "a@b.example" },
		{ "@relay.example:a@b.example", "a@b.example" },
		{ "<@relay.example:>", "" },
		/* no route: kept as they are */
		{ "<@relay.example>", "@relay.example" },
		{ "<@:a@b.example>", "@:a@b.example" },
		{ "<@r.example,a@b.example>", "@r.example,a@b.example" },
		{ "<@[192.0.2.1:a@b.example>", "@[192.0.2.1:a@b.example" },
		{ "<\"a:b\"@b.example>", "\"a:b\"@b.example" },
		{ "<a b@b.example>", "a b@b.example" },
	};
	size_t i, n;
	const char *p;

	(void)state;
	for (i = 0; i < sizeof(envs) / sizeof(envs[0]); i++) {
		p = rf_envelope_address(envs[i].in, &n);
		assert_true(p >= envs[i].in &&
		    p + n <= envs[i].in + strlen(envs[i].in));
		if (n != strlen(envs[i].want) ||
		    memcmp(p, envs[i].want, n) != 0)
			fail_msg("[%s]: [%.*s], want [%s]", envs[i].in,
			    (int)n, p, envs[i].want);
	}
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
		cmocka_unit_test(test_envelope_address),
	};

	return cmocka_run_group_tests(tests, ctx_setup, ctx_teardown);
}
