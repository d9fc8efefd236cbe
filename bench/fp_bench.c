/*
 * fp_bench.c - figures of the campaign fingerprint on real mail (built
 * and run by bench/fingerprint.sh):
 *
 *   fp_bench FILLER PATH...
 *
 * parses every message of PATH (redflag's message sources), then prints
 *   - the speed of rf_fingerprint_text on 5 KB pieces of the messages'
 *     visible text, and of rf_fingerprint_message per message, in CPU time
 *     (other load on the machine does not count);
 *   - the match rate of two copies of a text, each with its own random
 *     filler words (from FILLER, one a line, 70 %; random letter strings
 *     30 %) injected at 0, 10, 20 and 30 % of its word count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <redflag/redflag.h>

#define PIECE 5120
#define MAXTEXTS 20000

struct texts {
	char **v;
	size_t *len, n;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static char **
read_words(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char line[256], **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (f == NULL)
		return NULL;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			v = realloc(v, cap * sizeof(*v));
			if (v == NULL)
				exit(1);
		}
		if ((v[(*n)++] = strdup(line)) == NULL)
			exit(1);
	}
	fclose(f);
	return v;
}

/* inject: text with round(rate * words) filler words at random gaps. */
static char *
inject(const char *text, double rate, char **filler, size_t nf,
       uint64_t *seed)
{
	size_t n = 0, k, i, len = strlen(text), o = 0, cap, *slots, q, l;
	const char *p, *w;
	char *out;

	for (p = text; *p != '\0'; p++)
		n += (p == text || p[-1] == ' ' || p[-1] == '\n') &&
		    *p != ' ' && *p != '\n';
	k = (size_t)(rate * (double)n + 0.5);
	slots = calloc(n + 1, sizeof(*slots));
	cap = len + n + k * 64 + 2;
	out = malloc(cap);
	if (slots == NULL || out == NULL)
		exit(1);
	for (i = 0; i < k; i++)
		slots[rnd(seed) % (n + 1)]++;
	/* walk the words, inserting before word i */
	p = text;
	for (i = 0; i <= n; i++) {
		for (q = 0; q < slots[i]; q++) {
			if (rnd(seed) % 10 < 7) {
				w = filler[rnd(seed) % nf];
				l = strlen(w);
				memcpy(out + o, w, l);
				o += l;
			} else {
				for (l = 4 + rnd(seed) % 8; l > 0; l--)
					out[o++] = (char)('a' + rnd(seed) % 26);
			}
			out[o++] = ' ';
		}
		while (*p == ' ' || *p == '\n')
			out[o++] = *p++;
		while (*p != '\0' && *p != ' ' && *p != '\n')
			out[o++] = *p++;
		if (i < n)
			out[o++] = ' ';
	}
	out[o] = '\0';
	free(slots);
	return out;
}

int
main(int argc, char **argv)
{
	static const double rates[] = { 0, 0.1, 0.2, 0.3 };
	struct texts t = { NULL, NULL, 0 };
	rf_message **msgs = NULL;
	size_t nmsg = 0, capm = 0, nf, i, r, bytes = 0, done, step;
	char **filler, *buf = NULL;
	size_t blen = 0, bcap = 0, off, cut;
	rf_ctx *ctx = NULL;
	rf_source *src;
	rf_item item;
	rf_fingerprint fa, fb;
	rf_message *m;
	double t0, el;
	uint64_t seed = 12345;
	int a;

	if (argc < 3) {
		fprintf(stderr, "usage: fp_bench FILLER PATH...\n");
		return 64;
	}
	filler = read_words(argv[1], &nf);
	if (filler == NULL || nf == 0 || rf_ctx_new(NULL, &ctx, NULL) != RF_OK)
		return 1;
	for (a = 2; a < argc; a++) {
		if (rf_source_open(argv[a], rf_ctx_limits(ctx), &src, NULL) !=
		    RF_OK)
			continue;
		while (rf_source_next(src, &item, NULL) != RF_EDONE) {
			if (item.data == NULL || rf_message_parse(ctx, item.data,
			    item.len, &m, NULL) != RF_OK)
				continue;
			if (nmsg == capm) {
				capm = capm ? capm * 2 : 1024;
				msgs = realloc(msgs, capm * sizeof(*msgs));
				if (msgs == NULL)
					return 1;
			}
			msgs[nmsg++] = m;
			/* the visible text, for the 5 KB pieces */
			{
				const char *s = m->html_text_len * 2 >=
				    m->text_len && m->html_text_len > 0 ?
				    m->html_text : m->text;
				size_t sl = strlen(s != NULL ? s : "");

				if (blen + sl + 2 > bcap) {
					bcap = (blen + sl + 2) * 2;
					if ((buf = realloc(buf, bcap)) == NULL)
						return 1;
				}
				memcpy(buf + blen, s != NULL ? s : "", sl);
				blen += sl;
				buf[blen++] = '\n';
			}
		}
		rf_source_free(src);
	}
	if (buf == NULL)
		return 1;
	buf[blen] = '\0';
	/* 5 KB pieces cut at white space */
	t.v = calloc(blen / PIECE + 2, sizeof(*t.v));
	t.len = calloc(blen / PIECE + 2, sizeof(*t.len));
	for (off = 0; off + PIECE <= blen && t.n < MAXTEXTS; off += cut + 1) {
		for (cut = PIECE; cut < blen - off && buf[off + cut] != ' ' &&
		    buf[off + cut] != '\n'; cut++)
			;
		t.v[t.n] = buf + off;
		t.len[t.n++] = cut;
		if (off + cut >= blen)
			break;
	}
	printf("%zu messages, %zu bytes of visible text, %zu pieces of 5 KB\n",
	    nmsg, blen, t.n);

	/* speed: 5 KB pieces */
	t0 = now();
	done = 0;
	do {
		for (i = 0; i < t.n; i++) {
			rf_fingerprint_text(ctx, t.v[i], t.len[i], NULL, NULL,
			    &fa, NULL);
			bytes += t.len[i];
		}
		done += t.n;
		el = now() - t0;
	} while (el < 2.0);
	printf("rf_fingerprint_text, 5 KB pieces: %.0f fingerprints/s, "
	    "%.1f MB/s (CPU time)\n", (double)done / el,
	    (double)bytes / el / 1e6);
	/* speed: whole messages */
	t0 = now();
	done = 0;
	do {
		for (i = 0; i < nmsg; i++)
			rf_fingerprint_message(ctx, msgs[i],
			    rf_message_recipient(msgs[i]), NULL, &fa, NULL);
		done += nmsg;
		el = now() - t0;
	} while (el < 2.0);
	printf("rf_fingerprint_message, whole messages: %.0f messages/s "
	    "(CPU time; parsing not included)\n", (double)done / el);

	/* injected words: two copies of each message's text */
	step = nmsg / 2000 > 0 ? nmsg / 2000 : 1;
	for (r = 0; r < 4; r++) {
		size_t n = 0, match = 0, nshort = 0, mshort = 0;

		/* up to 2,000 texts spread over the whole input */
		for (i = 0; i < nmsg && n < 2000; i += step) {
			const char *s = msgs[i]->html_text_len * 2 >=
			    msgs[i]->text_len && msgs[i]->html_text_len > 0 ?
			    msgs[i]->html_text : msgs[i]->text;
			char *ca, *cb;
			unsigned words;
			int ok;

			if (s == NULL)
				continue;
			rf_fingerprint_text(ctx, s, strlen(s), NULL, NULL, &fa,
			    NULL);
			if (fa.kind != RF_FP_MINHASH)
				continue;
			words = fa.nwords;
			ca = inject(s, rates[r], filler, nf, &seed);
			cb = inject(s, rates[r], filler, nf, &seed);
			rf_fingerprint_text(ctx, ca, strlen(ca), NULL, NULL, &fa,
			    NULL);
			rf_fingerprint_text(ctx, cb, strlen(cb), NULL, NULL, &fb,
			    NULL);
			ok = rf_fp_match(&fa, &fb);
			n++;
			match += ok;
			if (getenv("FP_DEBUG") != NULL && !ok && r == 3)
				printf("MISS %u words agree %u: %.300s\n", words,
				    rf_fp_agree(&fa, &fb), s);
			if (words < 150) {
				nshort++;
				mshort += ok;
			}
			free(ca);
			free(cb);
		}
		printf("injected %2.0f %%: %zu of %zu pairs match (%.4f); "
		    "texts under 150 words %zu of %zu (%.4f)\n",
		    rates[r] * 100, match, n, n ? (double)match / n : 0.0,
		    mshort, nshort, nshort ? (double)mshort / nshort : 0.0);
	}
	for (i = 0; i < nmsg; i++)
		rf_message_free(msgs[i]);
	free(msgs);
	free(t.v);
	free(t.len);
	free(buf);
	for (i = 0; i < nf; i++)
		free(filler[i]);
	free(filler);
	rf_ctx_free(ctx);
	return 0;
}
