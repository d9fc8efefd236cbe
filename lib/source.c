/*
 * source.c - messages from a file, a stream, a Maildir, an mbox or a
 * directory tree (see redflag/source.h for the rules).
 *
 * Directory trees are listed once, sorted, then read one file at a time
 * (one read() for a regular file, sized by fstat) into one reused buffer,
 * so memory stays flat however many files there are (bar the list of
 * names).  An mbox is mapped, never read whole into the heap, and each
 * message is copied out (with >From unquoting) into a reused buffer too.
 * The buffer is sized to each message whose size is known beforehand
 * (rf__buf_fit): it grows to exactly what a larger one needs, and gives
 * back the room a huge one took when a much smaller one follows.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

enum kind { SRC_FILES, SRC_MBOX };

struct rf_source {
	enum kind kind;
	size_t max;		/* limits->max_message_size */

	/* SRC_FILES: sorted paths; a single file is a list of one */
	char **paths;
	size_t npaths, cap, next;

	/* SRC_MBOX: mapped or read bytes, cursor, message number */
	char *map;
	size_t maplen, pos, msgno;
	int mapped;		/* munmap rather than free */
	char *path;		/* the mbox's name, for labels */

	rf_buf data;		/* current message */
	char label[4096];
};

static void
src_free_paths(rf_source *s)
{
	size_t i;

	for (i = 0; i < s->npaths; i++)
		free(s->paths[i]);
	free(s->paths);
	s->paths = NULL;
	s->npaths = s->cap = 0;
}

void
rf_source_free(rf_source *s)
{
	if (s == NULL)
		return;
	src_free_paths(s);
	if (s->map != NULL) {
		if (s->mapped)
			munmap(s->map, s->maplen);
		else
			free(s->map);
	}
	free(s->path);
	rf_buf_free(&s->data);
	free(s);
}

static int
add_path(rf_source *s, const char *path)
{
	char **np;
	size_t ncap;

	if (s->npaths == s->cap) {
		ncap = s->cap ? s->cap * 2 : 64;
		np = realloc(s->paths, ncap * sizeof(*np));
		if (np == NULL)
			return -1;
		s->paths = np;
		s->cap = ncap;
	}
	if ((s->paths[s->npaths] = strdup(path)) == NULL)
		return -1;
	s->npaths++;
	return 0;
}

/* src_error: RF_EIO with "PATH: why", the path (an untrusted name: a
 * Maildir's file names may hold any byte) escaped by rf_error_name. */
static rf_status
src_error(rf_error *err, const char *path, const char *why)
{
	char esc[RF_ERROR_NAME_SIZE];

	return rf_error_set(err, RF_EIO, "%s: %s", rf_error_name(esc, path),
	    why);
}

/* cmp_entry: directory entries by name (after their type byte). */
static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A folder being listed and the folders above it (list_dir's chain). */
struct dir_up {
	dev_t dev;
	ino_t ino;
	const struct dir_up *up;
};

/* in_chain: the folder sb is one of chain's (a link back up: a loop). */
static int
in_chain(const struct dir_up *chain, const struct stat *sb)
{
	for (; chain != NULL; chain = chain->up)
		if (chain->dev == sb->st_dev && chain->ino == sb->st_ino)
			return 1;
	return 0;
}

/*
 * list_dir: add the regular files below dir (recursively, hidden entries
 * skipped) to s, sorted per directory; up: the folders above dir being
 * listed (NULL at the top).  A link to one of them, or to dir itself (a
 * link loop), is not followed: its files are listed once, not once per
 * turn of the loop; depth is bounded too.  A subdirectory that cannot be
 * listed (no permission) is added as a path, so that reading it reports
 * the error with its name, as for an unreadable file: not a gap in the
 * input nobody is told of.
 */
static rf_status
list_dir(rf_source *s, const char *dir, unsigned depth,
	 const struct dir_up *up, rf_error *err)
{
	DIR *d;
	struct dirent *de;
	char path[4096];
	char **names = NULL, **nn;
	size_t n = 0, cap = 0, i;
	rf_status st = RF_OK;
	struct stat sb;
	struct dir_up me = { 0, 0, up };

	if (depth > 32)
		return RF_OK;
	if ((d = opendir(dir)) == NULL) {
		if (depth == 0)
			return src_error(err, dir, strerror(errno));
		return add_path(s, dir) != 0 ? rf_error_set(err, RF_ENOMEM,
		    "out of memory") : RF_OK;
	}
	if (fstat(dirfd(d), &sb) == 0) {
		me.dev = sb.st_dev;
		me.ino = sb.st_ino;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			nn = realloc(names, cap * sizeof(*nn));
			if (nn == NULL) {
				st = rf_error_set(err, RF_ENOMEM,
				    "out of memory");
				goto out;
			}
			names = nn;
		}
		/* the entry's type (DT_UNKNOWN when the file system does
		 * not tell) in front of its name */
		if ((names[n] = malloc(strlen(de->d_name) + 2)) == NULL) {
			st = rf_error_set(err, RF_ENOMEM, "out of memory");
			goto out;
		}
		names[n][0] = (char)de->d_type;
		strcpy(names[n] + 1, de->d_name);
		n++;
	}
	if (n > 1)	/* an empty folder: names is NULL */
		qsort(names, n, sizeof(*names), cmp_entry);
	for (i = 0; i < n && st == RF_OK; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    names[i] + 1) >= sizeof(path))
			continue;
		if (names[i][0] == DT_REG) {	/* no need to stat it */
			if (add_path(s, path) != 0)
				st = rf_error_set(err, RF_ENOMEM,
				    "out of memory");
			continue;
		}
		if (stat(path, &sb) != 0) {
			/* dangling link, vanished file: reading it reports
			 * the error with its name */
			if (add_path(s, path) != 0)
				st = rf_error_set(err, RF_ENOMEM,
				    "out of memory");
			continue;
		}
		if (S_ISDIR(sb.st_mode)) {
			if (!in_chain(&me, &sb))
				st = list_dir(s, path, depth + 1, &me, err);
		} else if (S_ISREG(sb.st_mode) && add_path(s, path) != 0)
			st = rf_error_set(err, RF_ENOMEM, "out of memory");
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return st;
}

/* starts_from: p (a file's or stream's first line) begins "From ": the
 * envelope line a message saved alone may keep too. */
static int
starts_from(const char *p, size_t left)
{
	return left >= 5 && memcmp(p, "From ", 5) == 0;
}

/* A From_ line is longer than this only when it is no From_ line. */
#define FROM_LINE_MAX	1024

/* word: the length of the word at p (up to a blank or end), 0 if none. */
static size_t
word(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && *q != ' ' && *q != '\t' && *q != '\r')
		q++;
	return (size_t)(q - p);
}

/* skip_blanks: past the blanks (space, tab, CR) at p. */
static const char *
skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

/* all_digits: the n bytes at p are digits. */
static int
all_digits(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

/* is_month: the n bytes at p are a month's abbreviation, "Jan".."Dec". */
static int
is_month(const char *p, size_t n)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	size_t i;

	if (n != 3)
		return 0;
	for (i = 0; i < 36; i += 3)
		if (memcmp(p, months + i, 3) == 0)
			return 1;
	return 0;
}

/* is_time: the n bytes at p are a time: h:mm or hh:mm, then :ss or not. */
static int
is_time(const char *p, size_t n)
{
	size_t h = n > 1 && p[1] == ':' ? 1 : 2;

	if (h > n || !all_digits(p, h) || n < h + 3 || p[h] != ':' ||
	    !all_digits(p + h + 1, 2))
		return 0;
	return n == h + 3 ||
	    (n == h + 6 && p[h + 3] == ':' && all_digits(p + h + 4, 2));
}

/* is_zone: the n bytes at p are a time zone: +hhmm, -hhmm or capitals
 * (GMT, MET DST). */
static int
is_zone(const char *p, size_t n)
{
	size_t i;

	if (n == 5 && (p[0] == '+' || p[0] == '-'))
		return all_digits(p + 1, 4);
	if (n < 1 || n > 5)
		return 0;
	for (i = 0; i < n; i++)
		if (p[i] < 'A' || p[i] > 'Z')
			return 0;
	return 1;
}

/* date_at: a From_ line's date begins with the month at p: the month,
 * the day, the time, up to two zone words, a four-digit year. */
static int
date_at(const char *p, const char *end)
{
	size_t n, z;

	if (!is_month(p, word(p, end)))
		return 0;
	p = skip_blanks(p + 3, end);
	n = word(p, end);
	if (n < 1 || n > 2 || !all_digits(p, n))
		return 0;
	p = skip_blanks(p + n, end);
	n = word(p, end);
	if (!is_time(p, n))
		return 0;
	p = skip_blanks(p + n, end);
	for (z = 0; z < 2 && is_zone(p, (n = word(p, end))); z++)
		p = skip_blanks(p + n, end);
	return word(p, end) == 4 && all_digits(p, 4);
}

/*
 * is_from_line: p (at a line start) begins an mbox From_ line: "From ",
 * then on that line (of at most FROM_LINE_MAX bytes) a date as ctime
 * writes it, after the sender or not: a month's abbreviation (Jan..Dec)
 * as a word, the day, a time (h:mm, hh:mm or hh:mm:ss), up to two zone
 * words (+0000 as Gmail writes, MET DST) and a four-digit year:
 * "From a@b Thu Jan  1 00:00:00 1970", "From - Mon Jan 01 00:00:00 2001",
 * "From 1@xxx Tue Mar 10 19:51:37 +0000 2020".  A body line that merely
 * begins "From " ("From what I heard, ...") is none, as in mutt's
 * is_from: it was taken for one after an empty line and split a message
 * in two.
 */
static int
is_from_line(const char *p, size_t left)
{
	const char *end, *nl;

	if (left < 5 || memcmp(p, "From ", 5) != 0)
		return 0;
	end = p + (left < FROM_LINE_MAX ? left : FROM_LINE_MAX);
	if ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL)
		end = nl;
	else if (left > FROM_LINE_MAX)
		return 0;	/* a line too long */
	for (p += 5; p < end; p++)
		if ((p[-1] == ' ' || p[-1] == '\t') && date_at(p, end))
			return 1;
	return 0;
}

/*
 * next_from: offset of the next From_ line after pos that follows an empty
 * line (or end), i.e. the end of the current message.  The empty line
 * may end in CRLF, as every line of an mbox written with CRLF line ends
 * does (one saved on Windows or from a CRLF mail store): without that
 * such an mbox was one message.
 */
static size_t
next_from(const char *map, size_t len, size_t pos)
{
	const char *p = map + pos, *end = map + len, *nl;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		p = nl + 1;
		if (p < end && *p == '\n' && is_from_line(p + 1,
		    (size_t)(end - p - 1)))
			return (size_t)(p + 1 - map);
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n' &&
		    is_from_line(p + 2, (size_t)(end - p - 2)))
			return (size_t)(p + 2 - map);
	}
	return len;
}

/* count_mbox: the file holds more than one From_-separated message. */
static int
several_messages(const char *map, size_t len)
{
	return starts_from(map, len) && next_from(map, len, 0) < len;
}

static rf_status
map_file(rf_source *s, const char *path, rf_error *err)
{
	struct stat sb;
	int fd, e;
	void *p;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return src_error(err, path, strerror(errno));
	if (fstat(fd, &sb) != 0) {
		e = errno;
		close(fd);
		return src_error(err, path, strerror(e));
	}
	if (S_ISDIR(sb.st_mode)) {	/* one list_dir could not list */
		close(fd);
		return src_error(err, path, "a folder that cannot be listed");
	}
	if (sb.st_size == 0) {
		close(fd);
		s->map = NULL;
		s->maplen = 0;
		return RF_OK;
	}
	p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	e = errno;	/* close may change it */
	close(fd);
	if (p == MAP_FAILED)
		return src_error(err, path, strerror(e));
	s->map = p;
	s->maplen = (size_t)sb.st_size;
	s->mapped = 1;
	return RF_OK;
}

static rf_source *
src_new(const rf_limits *limits)
{
	rf_source *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->max = limits->max_message_size;
	rf_buf_init(&s->data, 0);
	return s;
}

rf_status
rf_source_open(const char *path, const rf_limits *limits, rf_source **out,
	       rf_error *err)
{
	char sub[4096];
	rf_source *s;
	rf_status st = RF_OK;
	struct stat sb;

	*out = NULL;
	if (stat(path, &sb) != 0)
		return src_error(err, path, strerror(errno));
	if ((s = src_new(limits)) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	if (S_ISDIR(sb.st_mode)) {
		snprintf(sub, sizeof(sub), "%s/cur", path);
		if (is_dir(sub)) {	/* Maildir: cur, then new */
			st = list_dir(s, sub, 1, NULL, err);
			snprintf(sub, sizeof(sub), "%s/new", path);
			if (st == RF_OK && is_dir(sub))
				st = list_dir(s, sub, 1, NULL, err);
		} else {
			snprintf(sub, sizeof(sub), "%s/new", path);
			st = is_dir(sub) ? list_dir(s, sub, 1, NULL, err) :
			    list_dir(s, path, 0, NULL, err);
		}
	} else if (S_ISREG(sb.st_mode)) {
		st = map_file(s, path, err);
		if (st == RF_OK && several_messages(s->map, s->maplen)) {
			s->kind = SRC_MBOX;
			if ((s->path = strdup(path)) == NULL)
				st = rf_error_set(err, RF_ENOMEM,
				    "out of memory");
		} else if (st == RF_OK) {
			/* one message: read through the generic path */
			if (s->map != NULL)
				munmap(s->map, s->maplen);
			s->map = NULL;
			s->maplen = 0;
			if (add_path(s, path) != 0)
				st = rf_error_set(err, RF_ENOMEM,
				    "out of memory");
		}
	} else {
		st = src_error(err, path, "not a file or directory");
	}
	if (st != RF_OK) {
		rf_source_free(s);
		return st;
	}
	*out = s;
	return RF_OK;
}

rf_status
rf_source_open_fd(int fd, const char *label, const rf_limits *limits,
		  rf_source **out, rf_error *err)
{
	rf_source *s;
	rf_buf all;
	char chunk[65536];
	ssize_t n;

	*out = NULL;
	if ((s = src_new(limits)) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	rf_buf_init(&all, 0);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == 0)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || rf_buf_append(&all, chunk, (size_t)n) != 0) {
			rf_buf_free(&all);
			rf_source_free(s);
			return n < 0 ? src_error(err, label, strerror(errno)) :
			    rf_error_set(err, RF_ENOMEM, "out of memory");
		}
	}
	s->map = all.data;	/* owned, freed with free() */
	s->maplen = all.len;
	s->kind = SRC_MBOX;
	if ((s->path = strdup(label)) == NULL) {
		rf_source_free(s);
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	if (!several_messages(s->map != NULL ? s->map : "", s->maplen))
		s->msgno = (size_t)-1;	/* one message: label without :N */
	*out = s;
	return RF_OK;
}

/* copy_unquoted: append [p, end) to b, turning ">From " (and ">>From ",
 * ...) at a line start into one '>' less, as mboxrd does. */
static void
copy_unquoted(rf_buf *b, const char *p, const char *end)
{
	const char *line, *nl, *q;

	for (line = p; line < end; line = nl) {
		nl = memchr(line, '\n', (size_t)(end - line));
		nl = nl != NULL ? nl + 1 : end;
		q = line;
		while (q < nl && *q == '>')
			q++;
		if (q > line && (size_t)(nl - q) >= 5 &&
		    memcmp(q, "From ", 5) == 0)
			line++;
		rf_buf_append(b, line, (size_t)(nl - line));
	}
}

static rf_status
next_mbox(rf_source *s, rf_item *item, rf_error *err)
{
	size_t start = s->pos, end, n;
	int one = s->msgno == (size_t)-1;	/* not an mbox: one message */

	if (s->map == NULL || s->pos >= s->maplen) {
		if (one && s->pos == 0 && s->map == NULL) {
			/* empty stream: one empty message */
			s->pos = 1;
			rf_buf_reset(&s->data);
			snprintf(s->label, sizeof(s->label), "%s", s->path);
			item->label = s->label;
			item->data = "";
			item->len = 0;
			item->truncated = 0;
			return RF_OK;
		}
		return RF_EDONE;
	}
	/* one message is all of it, a body line "From " after an empty
	 * line included: only an mbox is split there */
	end = one ? s->maplen : next_from(s->map, s->maplen, start);
	s->pos = end;
	if (one)
		snprintf(s->label, sizeof(s->label), "%s", s->path);
	else
		snprintf(s->label, sizeof(s->label), "%s:%zu", s->path,
		    ++s->msgno);
	item->label = s->label;
	n = end - start;
	item->truncated = n > s->max;
	if (item->truncated)
		n = s->max;
	rf_buf_reset(&s->data);
	if (rf__buf_fit(&s->data, n) != 0)	/* unquoting only shortens */
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	if (one)	/* its bytes as they are, as a file's */
		rf_buf_append(&s->data, s->map + start, n);
	else
		copy_unquoted(&s->data, s->map + start, s->map + start + n);
	if (s->data.len == 0 && n > 0)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	item->data = rf_buf_cstr(&s->data);
	item->len = s->data.len;
	return RF_OK;
}

/*
 * read_file: up to max bytes of path into s->data (NUL-terminated), their
 * number in *len; *truncated when the file has more.  The size fstat
 * gives only sizes the first read (one byte more than the file, never
 * more than max + 1), which reads a regular file whole in one call: a
 * short read of a regular file is its end, unless fstat gave its size as
 * 0 (/proc files, which come a page per read).  A file that grew since is
 * read on (the buffer doubles, up to max + 1 bytes); anything but a
 * regular file is read until read() says end of file.  The first room is
 * exact (rf__buf_fit: what fstat says, or 64 KiB when it says nothing),
 * so the reused buffer follows the messages' sizes, up and down; only
 * the reading on past it doubles.
 */
static rf_status
read_file(rf_source *s, const char *path, size_t *len, int *truncated,
	  rf_error *err)
{
	struct stat sb;
	rf_buf *b = &s->data;
	size_t lim = s->max < SIZE_MAX ? s->max + 1 : s->max;
	size_t want, got = 0;
	ssize_t n;
	int fd, regular, e;

	*len = 0;
	*truncated = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return src_error(err, path, strerror(errno));
	regular = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
	if (regular && sb.st_size >= 0 && (uintmax_t)sb.st_size < lim)
		want = (size_t)sb.st_size + 1;
	else
		want = lim < 65536 ? lim : 65536;
	rf_buf_reset(b);
	if (rf__buf_fit(b, want) != 0)
		goto nomem;
	for (;;) {
		if (got == want) {	/* full: more than the size said */
			if (got >= lim)
				break;
			want = want > lim / 2 ? lim : want * 2;
			if (rf__buf_reserve(b, want) != 0)
				goto nomem;
		}
		n = read(fd, b->data + got, want - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			close(fd);
			return src_error(err, path, strerror(e));
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (regular && sb.st_size > 0 && got < want)
			break;	/* a short read of a regular file: its end */
	}
	close(fd);
	if (got > s->max) {
		got = s->max;
		*truncated = 1;
	}
	b->len = got;
	b->data[got] = '\0';
	*len = got;
	return RF_OK;
nomem:
	close(fd);
	return rf_error_set(err, RF_ENOMEM, "out of memory");
}

rf_status
rf_source_next(rf_source *s, rf_item *item, rf_error *err)
{
	const char *path;
	rf_status st;
	size_t len;
	int truncated;

	memset(item, 0, sizeof(*item));
	if (s->kind == SRC_MBOX)
		return next_mbox(s, item, err);
	if (s->next >= s->npaths)
		return RF_EDONE;
	path = s->paths[s->next++];
	snprintf(s->label, sizeof(s->label), "%s", path);
	item->label = s->label;
	st = read_file(s, path, &len, &truncated, err);
	if (st != RF_OK)
		return st;
	item->data = rf_buf_cstr(&s->data);
	item->len = len;
	item->truncated = truncated;
	item->path = path;
	return RF_OK;
}

void
rf_source_progress(const rf_source *s, size_t *done, size_t *total)
{
	if (s->kind == SRC_MBOX) {
		*done = s->pos;
		*total = s->maplen;
	} else {
		*done = s->next;
		*total = s->npaths;
	}
}
