/* test_source.c - message sources: mbox, Maildir, trees, streams. */
#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_mbox_from_quoting(void **state)
{
	rf_limits lim;
	rf_source *s;
	rf_item it;
	rf_error err;

	(void)state;
	rf_limits_default(&lim);
	assert_int_equal(rf_source_open("tests/golden/from-quoting.mbox",
	    &lim, &s, &err), RF_OK);
	assert_int_equal(rf_source_next(s, &it, &err), RF_OK);
	assert_string_equal(it.label, "tests/golden/from-quoting.mbox:1");
	assert_non_null(strstr(it.data, "\nFrom the top: http://first"));
	assert_null(strstr(it.data, "From bob@"));
	assert_int_equal(rf_source_next(s, &it, &err), RF_OK);
	assert_string_equal(it.label, "tests/golden/from-quoting.mbox:2");
	assert_non_null(strstr(it.data, "\n>From here:"));
	assert_null(strstr(it.data, ">>From"));
	assert_int_equal(rf_source_next(s, &it, &err), RF_EDONE);
	rf_source_free(s);
}

/*
 * test_mbox_crlf: an mbox with CRLF line ends is split at its From_
 * lines as an LF one is (it was one message: scan reported one, clean
 * cleaned the whole mbox as one), ">From " unquoted; the same file with
 * LF line ends gives the same messages, but for the line ends.
 */
static void
test_mbox_crlf(void **state)
{
	static const char *const text[2] = {
		"From a@b Sat Jan  1 00:00:00 2000\r\nSubject: one\r\n\r\n"
		"x\r\n>From here\r\n\r\nFrom a@b Sat Jan  1 00:00:00 2000\r\n"
		"Subject: two\r\n\r\nhi\r\n",
		"From a@b Sat Jan  1 00:00:00 2000\nSubject: one\n\n"
		"x\n>From here\n\nFrom a@b Sat Jan  1 00:00:00 2000\n"
		"Subject: two\n\nhi\n" };
	char path[] = "/tmp/rf-crlf-XXXXXX", lab[64];
	rf_limits lim;
	rf_source *s;
	rf_item it;
	int fd, k;

	(void)state;
	rf_limits_default(&lim);
	for (k = 0; k < 2; k++) {
		assert_true((fd = mkstemp(path)) >= 0);
		close(fd);
		write_file(path, text[k]);
		assert_int_equal(rf_source_open(path, &lim, &s, NULL), RF_OK);
		assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
		snprintf(lab, sizeof(lab), "%s:1", path);
		assert_string_equal(it.label, lab);
		assert_non_null(strstr(it.data, "Subject: one"));
		assert_non_null(strstr(it.data, "\nFrom here"));
		assert_null(strstr(it.data, "Subject: two"));
		assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
		snprintf(lab, sizeof(lab), "%s:2", path);
		assert_string_equal(it.label, lab);
		assert_non_null(strstr(it.data, "Subject: two"));
		assert_int_equal(rf_source_next(s, &it, NULL), RF_EDONE);
		rf_source_free(s);
		unlink(path);
		memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	}
}

/* stream_open: rf_source_open_fd (label "-", default limits) on a pipe
 * that held text and is closed: what `redflag ... < file` reads. */
static rf_source *
stream_open(const char *text)
{
	rf_limits lim;
	rf_source *s = NULL;
	int fds[2];

	rf_limits_default(&lim);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], text, strlen(text)),
	    (ssize_t)strlen(text));
	close(fds[1]);
	assert_int_equal(rf_source_open_fd(fds[0], "-", &lim, &s, NULL),
	    RF_OK);
	close(fds[0]);
	return s;
}

/* count_messages: the messages rf_source_open finds in a file holding
 * text and rf_source_open_fd in a stream of it (the same number, or -1). */
static int
count_messages(const char *text)
{
	char path[] = "/tmp/rf-from-XXXXXX";
	rf_limits lim;
	rf_source *s;
	rf_item it;
	int fd, n = 0, m = 0;

	rf_limits_default(&lim);
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	write_file(path, text);
	assert_int_equal(rf_source_open(path, &lim, &s, NULL), RF_OK);
	while (rf_source_next(s, &it, NULL) == RF_OK)
		n++;
	rf_source_free(s);
	unlink(path);
	s = stream_open(text);
	while (rf_source_next(s, &it, NULL) == RF_OK)
		m++;
	rf_source_free(s);
	return n == m ? n : -1;
}

/*
 * test_mbox_from_line: an mbox is split only at a real From_ line (a
 * month, day, time, zone or not, four-digit year, as mutt's is_from
 * asks), not at any body line "From " after an empty line: "From what I
 * heard" split a message in two (clean then refused a message file as
 * an mbox; hard-ham-1/00108 of the SpamAssassin corpus, "From home
 * recordings", was two).  The first line is taken as an envelope line
 * as before.
 */
static void
test_mbox_from_line(void **state)
{
	static const struct {
		const char *sep;	/* the second line "From ..." */
		int n;			/* messages */
	} t[] = {
		{ "From what I heard, it works", 1 },
		{ "From home recordings to downloaded mp3s", 1 },
		{ "From Jan to Dec 2020", 1 },
		{ "From Jan 5 10:30", 1 },
		{ "From Jan 5 10:30 until 2020", 1 },
		{ "From Jan 5 10:30:1 2020", 1 },
		{ "From Jan 5 100:30 2020", 1 },
		{ "From Jan 5 10:30 20201", 1 },
		{ "From a@b Thu Jan  1 00:00:00 1970", 2 },
		{ "From a@b Thu Jan  1 00:00:00 1970\r", 2 },
		{ "From MAILER-DAEMON Fri Jul  8 12:08:34 2011", 2 },
		{ "From - Mon Jan 01 00:00:00 2001", 2 },
		{ "From 1234@xxx Tue Mar 10 19:51:37 +0000 2020", 2 },
		{ "From x@y.fr Wed Aug  2 00:39:12 MET DST 1995", 2 },
		{ "From x@y Sat Jan  3 1:05 1996 remote from z", 2 },
		{ "From Jan@y Sep 3 01:05:34 1996", 2 },
	};
	char text[512], pad[1100], big[2048];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(text, sizeof(text), "From a@b Sat Jan  1 00:00:00 "
		    "2000\nSubject: one\n\nbody\n\n%s\nSubject: two\n\nx\n",
		    t[i].sep);
		if (count_messages(text) != t[i].n)
			fail_msg("\"%s\": not %d message(s)", t[i].sep,
			    t[i].n);
	}
	/* a line longer than any From_ line is none */
	memset(pad, 'x', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	snprintf(big, sizeof(big), "From a@b Sat Jan  1 00:00:00 2000\n\n"
	    "body\n\nFrom %s Sat Jan  1 00:00:00 2000\n\nx\n", pad);
	assert_int_equal(count_messages(big), 1);
	snprintf(big, sizeof(big), "From a@b Sat Jan  1 00:00:00 2000\n\n"
	    "body\n\nFrom %.900s Sat Jan  1 00:00:00 2000\n\nx\n", pad);
	assert_int_equal(count_messages(big), 2);
	/* a first line "From " is the envelope line as before */
	assert_int_equal(count_messages("From someone\nSubject: 1\n\nx\n\n"
	    "From a@b Sat Jan  1 00:00:00 2000\nSubject: 2\n\ny\n"), 2);
}

/*
 * test_tree_link_loop: a tree with a link back up to a folder above (a
 * loop) lists each file once (it listed the file again for each turn of
 * the loop: 48 files here, not 3, and scan counted as many copies; two
 * such links in one folder made 2^32 turns: scan never
 * ended); a link to a sibling folder is still followed.
 */
static void
test_tree_link_loop(void **state)
{
	char dir[] = "/tmp/rf-loop-XXXXXX", p[512], q[512];
	rf_limits lim;
	rf_source *s;
	rf_item it;
	int n = 0;

	(void)state;
	rf_limits_default(&lim);
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/a", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/b", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/a/1.eml", dir);
	write_file(p, "Subject: one\n\nbody\n");
	snprintf(p, sizeof(p), "%s/b/2.eml", dir);
	write_file(p, "Subject: two\n\nbody\n");
	snprintf(p, sizeof(p), "%s/a/up", dir);
	assert_int_equal(symlink("..", p), 0);	/* a loop */
	snprintf(p, sizeof(p), "%s/a/sib", dir);
	assert_int_equal(symlink("../b", p), 0);	/* no loop */
	assert_int_equal(rf_source_open(dir, &lim, &s, NULL), RF_OK);
	while (rf_source_next(s, &it, NULL) == RF_OK)
		n++;
	rf_source_free(s);
	/* a/1.eml, a/sib/2.eml, b/2.eml */
	assert_int_equal(n, 3);
	snprintf(q, sizeof(q), "rm -rf '%s'", dir);
	assert_int_equal(system(q), 0);
}

static void
test_single_file_label(void **state)
{
	rf_limits lim;
	rf_source *s;
	rf_item it;

	(void)state;
	rf_limits_default(&lim);
	assert_int_equal(rf_source_open("tests/golden/rfc2047.eml", &lim, &s,
	    NULL), RF_OK);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	assert_string_equal(it.label, "tests/golden/rfc2047.eml");
	assert_false(it.truncated);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_EDONE);
	rf_source_free(s);
}

static void
test_maildir_order_and_errors(void **state)
{
	char dir[] = "/tmp/rf-maildir-XXXXXX", p[512];
	char labels[4][64];
	rf_limits lim;
	rf_source *s;
	rf_item it;
	rf_error err;
	rf_status st;
	int n = 0, errors = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/cur", dir); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/new", dir); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/tmp", dir); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/new/1.b", dir); write_file(p, "Subject: n\n\nx\n");
	snprintf(p, sizeof(p), "%s/cur/2.a", dir); write_file(p, "Subject: c\n\nx\n");
	snprintf(p, sizeof(p), "%s/cur/.hidden", dir); write_file(p, "x");
	snprintf(p, sizeof(p), "%s/tmp/3.c", dir); write_file(p, "x");
	snprintf(p, sizeof(p), "%s/cur/9.dangling", dir);
	assert_int_equal(symlink("/nonexistent/redflag", p), 0);
	rf_limits_default(&lim);
	assert_int_equal(rf_source_open(dir, &lim, &s, &err), RF_OK);
	while ((st = rf_source_next(s, &it, &err)) != RF_EDONE) {
		if (st != RF_OK) {
			errors++;
			assert_non_null(strstr(err.msg, "9.dangling"));
			continue;
		}
		snprintf(labels[n++], sizeof(labels[0]), "%s",
		    strrchr(it.label, '/'));
	}
	assert_int_equal(n, 2);
	assert_int_equal(errors, 1);
	assert_string_equal(labels[0], "/2.a");	/* cur before new */
	assert_string_equal(labels[1], "/1.b");
	rf_source_free(s);
}

static void
test_tree_sorted_and_truncation(void **state)
{
	char dir[] = "/tmp/rf-tree-XXXXXX", p[512], big[3000];
	rf_limits lim;
	rf_source *s;
	rf_item it;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/b", dir); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/b/z", dir); write_file(p, "Subject: z\n\n");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(p, sizeof(p), "%s/a", dir); write_file(p, big);
	rf_limits_default(&lim);
	lim.max_message_size = 1000;
	assert_int_equal(rf_source_open(dir, &lim, &s, NULL), RF_OK);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	assert_non_null(strstr(it.label, "/a"));
	assert_true(it.truncated);
	assert_int_equal(it.len, 1000);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	assert_non_null(strstr(it.label, "/b/z"));
	assert_int_equal(rf_source_next(s, &it, NULL), RF_EDONE);
	rf_source_free(s);
}

static void
test_missing_path(void **state)
{
	rf_limits lim;
	rf_source *s;
	rf_error err;

	(void)state;
	rf_limits_default(&lim);
	assert_int_equal(rf_source_open("/nonexistent/mbox", &lim, &s, &err),
	    RF_EIO);
	assert_non_null(strstr(err.msg, "/nonexistent/mbox"));
}

/* safe_text: s is printable ASCII only (what redflag/error.h promises of
 * an error message). */
static int
safe_text(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* A Maildir file whose name holds a newline and an ESC, that cannot be
 * read (a dangling link: fails as root too), and a missing path alike:
 * the messages quote the names escaped, as rf_error_name does. */
static void
test_error_names_escaped(void **state)
{
	char dir[] = "/tmp/rf-maildir-XXXXXX", p[512], want[600];
	char esc[RF_ERROR_NAME_SIZE];
	rf_limits lim;
	rf_source *s;
	rf_item it;
	rf_error err;
	rf_status st;
	int errors = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/cur", dir); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/cur/1.a\n\033[31mx\\", dir);
	assert_int_equal(symlink("/nonexistent/redflag", p), 0);
	rf_limits_default(&lim);
	assert_int_equal(rf_source_open(dir, &lim, &s, &err), RF_OK);
	while ((st = rf_source_next(s, &it, &err)) != RF_EDONE) {
		assert_int_equal(st, RF_EIO);
		errors++;
		assert_true(safe_text(err.msg));
		snprintf(want, sizeof(want), "%s/cur/1.a\\x0a\\x1b[31mx"
		    "\\x5c: ", dir);
		assert_memory_equal(err.msg, want, strlen(want));
		/* the label is the raw name; its rf_error_name starts it */
		assert_string_equal(it.label, p);
		rf_error_name(esc, it.label);
		assert_memory_equal(err.msg, esc, strlen(esc));
	}
	assert_int_equal(errors, 1);
	rf_source_free(s);
	unlink(p);
	snprintf(p, sizeof(p), "%s/cur", dir); rmdir(p);
	rmdir(dir);

	assert_int_equal(rf_source_open("/nonexistent/\033]0;x\007\n", &lim,
	    &s, &err), RF_EIO);
	assert_true(safe_text(err.msg));
	assert_string_equal(err.msg, "/nonexistent/\\x1b]0;x\\x07\\x0a: "
	    "No such file or directory");
}

/* rf_escape: the rule, the cut after max bytes, the cut at a small
 * buffer (never past it) and NULL. */
static void
test_escape(void **state)
{
	char b[64], tiny[6], name[301], esc[RF_ERROR_NAME_SIZE];

	(void)state;
	assert_string_equal(rf_escape(b, sizeof(b), "a b\\c\t\xff~", 100),
	    "a b\\x5cc\\x09\\xff~");
	assert_string_equal(rf_escape(b, sizeof(b), "abcdef", 3), "abc...");
	assert_string_equal(rf_escape(b, sizeof(b), NULL, 100), "(null)");
	memset(tiny, 'Z', sizeof(tiny));
	rf_escape(tiny, 4, "abcdef", 100);
	assert_string_equal(tiny, "...");
	assert_int_equal(tiny[4], 'Z');
	rf_escape(tiny, 1, "abcdef", 100);
	assert_string_equal(tiny, "");
	/* a long name of control bytes: cut where the room ends */
	memset(name, '\n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	rf_error_name(esc, name);
	assert_true(strlen(esc) < RF_ERROR_NAME_SIZE);
	assert_true(safe_text(esc));
	assert_string_equal(esc + strlen(esc) - 3, "...");
}

static void
test_stream(void **state)
{
	const char *text = "From a@b Mon Nov  2 10:00:00 2026\nSubject: 1\n\n"
	    "body\n\nFrom c@d Mon Nov  2 10:00:00 2026\nSubject: 2\n\nx\n";
	rf_source *s;
	rf_item it;

	(void)state;
	s = stream_open(text);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	assert_string_equal(it.label, "-:1");
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	assert_string_equal(it.label, "-:2");
	assert_non_null(strstr(it.data, "Subject: 2"));
	assert_int_equal(rf_source_next(s, &it, NULL), RF_EDONE);
	rf_source_free(s);

	/* an empty stream is one empty message */
	s = stream_open("");
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	assert_string_equal(it.label, "-");
	assert_int_equal(it.len, 0);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_EDONE);
	rf_source_free(s);
}

/* stream_one: rf_source_open_fd on a pipe holding text; its first item
 * is one message, its bytes exactly text's, and the only one. */
static void
stream_one(const char *text)
{
	rf_source *s = stream_open(text);
	rf_item it;

	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	assert_string_equal(it.label, "-");
	assert_int_equal(it.len, strlen(text));
	assert_memory_equal(it.data, text, it.len);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_EDONE);
	rf_source_free(s);
}

/*
 * test_stream_one_message: a stream of one message gives its bytes as a
 * file of one message does: not cut at a body line "From " after an
 * empty line when it does not start with a From_ line (it was: `redflag
 * clean < msg` wrote the message without its end), and its ">From "
 * lines not unquoted when it does (they were: clean wrote them changed).
 */
static void
test_stream_one_message(void **state)
{
	(void)state;
	stream_one("Subject: 1\n\nbody\n\nFrom home, a body line\nend\n");
	stream_one("From a@b Mon Nov  2 10:00:00 2026\nSubject: 1\n\n"
	    "body\n>From a quoted line\n>>From another\nend\n");
}

/*
 * test_read_sizes: files of sizes around the first read's and the
 * buffer's edges, read under several size limits, give exactly their
 * bytes (up to the limit, truncated flagged past it), NUL-terminated:
 * what the chunked reading that the one-read path replaced gave.
 */
static void
test_read_sizes(void **state)
{
	static const size_t sizes[] = { 0, 1, 2, 100, 4095, 65535, 65536,
	    65537, 150001 };
	static const size_t maxes[] = { 1, 100, 65536, 65537, 32u << 20 };
	char dir[] = "/tmp/rf-sizes-XXXXXX", p[512];
	unsigned char *want;
	rf_limits lim;
	rf_source *s;
	rf_item it;
	size_t i, k, m, n, sz;
	uint32_t x = 12345;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	want = malloc(150001);
	assert_non_null(want);
	for (i = 0; i < 150001; i++) {
		x ^= x << 13; x ^= x >> 17; x ^= x << 5;
		want[i] = (unsigned char)(x % 255 + 1);
	}
	want[0] = 'X';	/* not "From ": one message per file */
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		snprintf(p, sizeof(p), "%s/f%02zu", dir, k);
		f = fopen(p, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(want, 1, sizes[k], f), sizes[k]);
		fclose(f);
	}
	for (m = 0; m < sizeof(maxes) / sizeof(maxes[0]); m++) {
		rf_limits_default(&lim);
		lim.max_message_size = maxes[m];
		assert_int_equal(rf_source_open(dir, &lim, &s, NULL), RF_OK);
		for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			sz = sizes[k];
			n = sz < maxes[m] ? sz : maxes[m];
			assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
			assert_int_equal(it.len, n);
			assert_int_equal(it.truncated, sz > maxes[m]);
			assert_memory_equal(it.data, want, n);
			assert_int_equal(it.data[n], '\0');
		}
		assert_int_equal(rf_source_next(s, &it, NULL), RF_EDONE);
		rf_source_free(s);
	}
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		snprintf(p, sizeof(p), "%s/f%02zu", dir, k);
		unlink(p);
	}
	rmdir(dir);
	free(want);
}

/* test_read_size_zero_regular: a regular file whose size fstat gives as
 * 0 but that has bytes (as /proc files do) is read whole all the same. */
static void
test_read_size_zero_regular(void **state)
{
	char ref[65536];
	size_t n = 0;
	ssize_t r;
	rf_limits lim;
	rf_source *s;
	rf_item it;
	struct stat sb;
	int fd;

	(void)state;
	if (stat("/proc/version", &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size != 0)
		skip();
	fd = open("/proc/version", O_RDONLY);
	assert_true(fd >= 0);
	while ((r = read(fd, ref + n, sizeof(ref) - n)) > 0)
		n += (size_t)r;
	close(fd);
	assert_true(n > 0);
	rf_limits_default(&lim);
	assert_int_equal(rf_source_open("/proc/version", &lim, &s, NULL),
	    RF_OK);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	assert_int_equal(it.len, n);
	assert_memory_equal(it.data, ref, n);
	assert_false(it.truncated);
	rf_source_free(s);
}

/* test_read_size_zero_paged: such a file longer than one read (the
 * kernel gives /proc/kallsyms about a page per read) is read whole, not
 * cut at its first short read. */
static void
test_read_size_zero_paged(void **state)
{
	static const char path[] = "/proc/kallsyms";
	rf_buf ref;
	char chunk[65536];
	ssize_t r;
	rf_limits lim;
	rf_source *s;
	rf_item it;
	struct stat sb;
	int fd = -1;

	(void)state;
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size == 0)
		fd = open(path, O_RDONLY);
	if (fd < 0) {
		skip();
		return;
	}
	rf_buf_init(&ref, 0);
	while ((r = read(fd, chunk, sizeof(chunk))) > 0)
		assert_int_equal(rf_buf_append(&ref, chunk, (size_t)r), 0);
	close(fd);
	if (ref.len <= sizeof(chunk) || ref.len > 256u << 20) {
		rf_buf_free(&ref);
		skip();		/* not longer than one read, or too long */
	}
	rf_limits_default(&lim);
	lim.max_message_size = ref.len + 1;
	assert_int_equal(rf_source_open(path, &lim, &s, NULL), RF_OK);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	assert_int_equal(it.len, ref.len);
	assert_memory_equal(it.data, ref.data, ref.len);
	assert_false(it.truncated);
	rf_source_free(s);
	rf_buf_free(&ref);
}

/* FIT_SLACK: what malloc may add to a request (a page, for a mapped
 * chunk, and its header). */
#define FIT_SLACK 8192

/* fill_lines: n bytes of 63-byte lines ("aaa...\n"), no "From ". */
static void
fill_lines(char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
}

/* check_fit: it holds want[0..len) and its buffer (the source's reused
 * one) has no more than lo..hi bytes of room, as malloc counts it. */
static void
check_fit(const rf_item *it, const char *want, size_t len, size_t lo,
	  size_t hi)
{
	size_t room = malloc_usable_size((void *)it->data);

	assert_int_equal(it->len, len);
	assert_memory_equal(it->data, want, len);
	assert_int_equal(it->data[len], '\0');
	assert_true(room >= lo);
	assert_true(room <= hi + FIT_SLACK);
}

/*
 * test_read_buffer_fits: the reused buffer is sized to each file from
 * its fstat size (not the next power of two: 3,000,000 bytes would take
 * 4 MiB), is given back when a much smaller file follows a huge one, is
 * kept when the next is not much smaller, and the same holds for an
 * mbox's messages; the bytes read are the file's all the same.
 */
static void
test_read_buffer_fits(void **state)
{
	static const size_t sizes[] = { 3000000, 1000, 2000000, 900000 };
	char dir[] = "/tmp/rf-fit-XXXXXX", p[512], *want;
	size_t big = 3000000, i, m1;
	rf_limits lim;
	rf_source *s;
	rf_item it;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	want = malloc(big + 1);
	assert_non_null(want);
	fill_lines(want, big);
	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/f%zu", dir, i);
		f = fopen(p, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(want, 1, sizes[i], f), sizes[i]);
		fclose(f);
	}
	rf_limits_default(&lim);
	lim.max_message_size = 32u << 20;
	assert_int_equal(rf_source_open(dir, &lim, &s, NULL), RF_OK);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	check_fit(&it, want, 3000000, 3000001, 3000001);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	check_fit(&it, want, 1000, 1001, 1001);	/* given back */
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	check_fit(&it, want, 2000000, 2000001, 2000001);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	check_fit(&it, want, 900000, 2000001, 2000001);	/* kept */
	assert_int_equal(rf_source_next(s, &it, NULL), RF_EDONE);
	rf_source_free(s);
	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/f%zu", dir, i);
		unlink(p);
	}

	/* an mbox: a 2,998,976-byte message, then a 1,024-byte one (after
	 * an empty line) */
	memcpy(want, "From a@b Thu Jan  1 00:00:00 1970\n", 34);
	m1 = big - 1024;
	want[m1 - 2] = '\n';
	memcpy(want + m1, "From a@b Thu Jan  1 00:00:00 1970\n", 34);
	snprintf(p, sizeof(p), "%s/mbox", dir);
	f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(want, 1, big, f), big);
	fclose(f);
	assert_int_equal(rf_source_open(p, &lim, &s, NULL), RF_OK);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	check_fit(&it, want, m1, m1 + 1, m1 + 1);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_OK);
	check_fit(&it, want + m1, 1024, 1025, 1025);
	assert_int_equal(rf_source_next(s, &it, NULL), RF_EDONE);
	rf_source_free(s);
	unlink(p);
	rmdir(dir);
	free(want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mbox_from_quoting),
		cmocka_unit_test(test_mbox_crlf),
		cmocka_unit_test(test_mbox_from_line),
		cmocka_unit_test(test_tree_link_loop),
		cmocka_unit_test(test_single_file_label),
		cmocka_unit_test(test_maildir_order_and_errors),
		cmocka_unit_test(test_tree_sorted_and_truncation),
		cmocka_unit_test(test_missing_path),
		cmocka_unit_test(test_error_names_escaped),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_stream_one_message),
		cmocka_unit_test(test_read_sizes),
		cmocka_unit_test(test_read_size_zero_regular),
		cmocka_unit_test(test_read_size_zero_paged),
		cmocka_unit_test(test_read_buffer_fits),
	};
	return cmocka_run_group_tests_name("source", tests, NULL, NULL);
}
