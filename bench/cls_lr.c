/*
 * cls_lr.c - k-fold cross-validation inside the training half of online
 * logistic regression over hashed binary features
 * (docs/design/classifier-record.md, "Training on error": how the scoring
 * was chosen), as bench/cls_cv.py does for the count model.
 *
 *   cls_lr TOKENS K CONFIG...
 *
 * TOKENS: bench/cls_tokens.c's output (label = path of the message file,
 * then its tokens).  Folds as bench/cls_cv.py.  CONFIG: NAME=VALUE,...:
 *   tok=1      the classifier's tokens as features
 *   b4=N       hashed byte 4-grams of the first N bytes of the file (0: none)
 *   eta=0.02   learning rate
 *   passes=5   passes over the training folds (shuffled by a fixed seed)
 *   margin=0   0: update on every message; >0: only when y * z < margin
 *              (train on or near error)
 *   bits=22    log2 of the weight table
 * Prints the pooled validation recall with the cutoff just above the
 * highest-scoring validation ham, the recall at 5 false positives, and
 * the top hams.  CLS_DUMP=FILE: every validation score (last CONFIG).
 * Build: cc -O2 -o cls_lr bench/cls_lr.c -lm (xxhash.h).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

typedef struct {
	char *name;	/* base name */
	char group[32];
	int spam, fold;
	uint64_t *f;	/* feature hashes */
	size_t nf;
	uint32_t *idx;	/* per config */
} msg;

static msg *M;
static size_t NM;

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
addf(msg *m, size_t *cap, uint64_t h)
{
	if (m->nf == *cap) {
		*cap = *cap ? *cap * 2 : 512;
		m->f = realloc(m->f, *cap * sizeof(*m->f));
	}
	m->f[m->nf++] = h;
}

static void
load(const char *path, int tok, size_t b4)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t lcap = 0, cap = 0;
	ssize_t len;

	if (fp == NULL) {
		perror(path);
		exit(2);
	}
	while ((len = getline(&line, &lcap, fp)) > 0) {
		msg *m;
		char *p, *s, *base;
		size_t fcap = 0;

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (NM == cap) {
			cap = cap ? cap * 2 : 4096;
			M = realloc(M, cap * sizeof(*M));
		}
		m = &M[NM++];
		memset(m, 0, sizeof(*m));
		p = strchr(line, '\t');
		if (p != NULL)
			*p++ = '\0';
		m->spam = strstr(line, "/spam/") != NULL;
		base = strrchr(line, '/');
		base = base ? base + 1 : line;
		m->name = strdup(base);
		{
			/* group: the name up to "-0" (spam-1, easy-ham-2) */
			size_t gl;
			char *d = strstr(base, "-0");

			gl = d ? (size_t)(d - base) : 0;
			if (gl >= sizeof(m->group))
				gl = sizeof(m->group) - 1;
			memcpy(m->group, base, gl);
			m->group[gl] = '\0';
		}
		if (tok && p != NULL) {
			for (s = strtok(p, "\t"); s; s = strtok(NULL, "\t"))
				addf(m, &fcap, XXH3_64bits(s, strlen(s)));
		}
		if (b4 > 0) {
			FILE *mf = fopen(line, "rb");
			unsigned char *buf = malloc(b4);
			size_t n = mf ? fread(buf, 1, b4, mf) : 0, i;

			if (mf)
				fclose(mf);
			for (i = 0; i + 4 <= n; i++)
				addf(m, &fcap, XXH3_64bits_withSeed(buf + i, 4,
				    7) | 1);
			free(buf);
		}
		qsort(m->f, m->nf, sizeof(*m->f), cmp_u64);
		{
			size_t i, j = 0;

			for (i = 0; i < m->nf; i++)
				if (j == 0 || m->f[j - 1] != m->f[i])
					m->f[j++] = m->f[i];
			m->nf = j;
		}
	}
	free(line);
	fclose(fp);
}

static int
cmp_name(const void *a, const void *b)
{
	const msg *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static void
assign_folds(int k)
{
	msg **v = malloc(NM * sizeof(*v));
	size_t i, pos = 0;

	for (i = 0; i < NM; i++)
		v[i] = &M[i];
	qsort(v, NM, sizeof(*v), cmp_name);
	for (i = 0; i < NM; i++) {
		/* position within its group (names sorted: groups contiguous) */
		if (i == 0 || strcmp(v[i]->group, v[i - 1]->group) != 0)
			pos = 0;
		v[i]->fold = (int)(pos++ % (size_t)k);
	}
	free(v);
}

static double
dot(const float *w, const msg *m)
{
	double z = 0;
	size_t i;

	for (i = 0; i < m->nf; i++)
		z += w[m->idx[i]];
	return z;
}

typedef struct {
	double z;
	int spam;
	const char *name;
} res;

static int
cmp_res(const void *a, const void *b)
{
	const res *x = a, *y = b;

	return x->z < y->z ? 1 : x->z > y->z ? -1 : 0;
}

int
main(int argc, char **argv)
{
	int k, a;
	int tok = 1;
	size_t b4 = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: cls_lr TOKENS K CONFIG...\n");
		return 2;
	}
	k = atoi(argv[2]);
	/* features are fixed per run: take tok and b4 from the first CONFIG */
	if (argc > 3) {
		char *c = strdup(argv[3]), *s;

		for (s = strtok(c, ","); s; s = strtok(NULL, ","))
			if (strncmp(s, "tok=", 4) == 0)
				tok = atoi(s + 4);
			else if (strncmp(s, "b4=", 3) == 0)
				b4 = (size_t)atol(s + 3);
		free(c);
	}
	load(argv[1], tok, b4);
	assign_folds(k);
	for (a = 3; a < argc || a == 3; a++) {
		double eta = 0.02, margin = 0, l2 = 0;
		int passes = 5, bits = 22, f, ps;
		size_t i, nres = 0, nspam = 0, nham = 0;
		res *r = malloc(NM * sizeof(*r));
		char *c = strdup(a < argc ? argv[a] : ""), *s;
		float *w;
		size_t mask;
		uint64_t seed = 1;

		for (s = strtok(c, ","); s; s = strtok(NULL, ","))
			if (strncmp(s, "eta=", 4) == 0)
				eta = atof(s + 4);
			else if (strncmp(s, "passes=", 7) == 0)
				passes = atoi(s + 7);
			else if (strncmp(s, "margin=", 7) == 0)
				margin = atof(s + 7);
			else if (strncmp(s, "bits=", 5) == 0)
				bits = atoi(s + 5);
			else if (strncmp(s, "l2=", 3) == 0)
				l2 = atof(s + 3);
		mask = ((size_t)1 << bits) - 1;
		w = malloc((mask + 1) * sizeof(*w));
		for (i = 0; i < NM; i++) {
			size_t j;

			free(M[i].idx);
			M[i].idx = malloc((M[i].nf + 1) * sizeof(uint32_t));
			for (j = 0; j < M[i].nf; j++)
				M[i].idx[j] = (uint32_t)(M[i].f[j] & mask);
		}
		for (f = 0; f < k; f++) {
			size_t *order = malloc(NM * sizeof(*order)), no = 0;

			memset(w, 0, (mask + 1) * sizeof(*w));
			for (i = 0; i < NM; i++)
				if (M[i].fold != f)
					order[no++] = i;
			for (ps = 0; ps < passes; ps++) {
				/* shuffle (fixed seed) */
				for (i = no; i > 1; i--) {
					size_t j, t;

					seed = seed * 6364136223846793005ULL +
					    1442695040888963407ULL;
					j = (size_t)(seed >> 33) % i;
					t = order[i - 1];
					order[i - 1] = order[j];
					order[j] = t;
				}
				for (i = 0; i < no; i++) {
					msg *m = &M[order[i]];
					double z = dot(w, m), y = m->spam ?
					    1 : -1, g;
					size_t j;

					if (margin > 0 && y * z >= margin)
						continue;
					g = eta * ((m->spam ? 1.0 : 0.0) -
					    1.0 / (1.0 + exp(-z)));
					for (j = 0; j < m->nf; j++) {
						float *wp = &w[m->idx[j]];

						*wp += (float)(g - l2 * *wp);
					}
				}
			}
			for (i = 0; i < NM; i++)
				if (M[i].fold == f) {
					r[nres].z = dot(w, &M[i]);
					r[nres].spam = M[i].spam;
					r[nres].name = M[i].name;
					nres++;
				}
			free(order);
		}
		qsort(r, nres, sizeof(*r), cmp_res);
		if (getenv("CLS_DUMP") != NULL) {
			FILE *df = fopen(getenv("CLS_DUMP"), "w");

			for (i = 0; df != NULL && i < nres; i++)
				fprintf(df, "%s %d %.6g\n", r[i].name,
				    r[i].spam, r[i].z);
			if (df != NULL)
				fclose(df);
		}
		{
			double topham = -1e300;
			size_t above = 0, shown = 0, sp5 = 0;
			double h5 = 0;

			for (i = 0; i < nres; i++) {
				if (r[i].spam)
					nspam++;
				else
					nham++;
			}
			for (i = 0; i < nres; i++)
				if (!r[i].spam && r[i].z > topham)
					topham = r[i].z;
			for (i = 0; i < nres; i++)
				if (r[i].spam && r[i].z > topham)
					above++;
			/* recall allowing the 5 top hams (for reference) */
			for (i = 0, shown = 0; i < nres; i++) {
				if (!r[i].spam && ++shown == 6) {
					h5 = r[i].z;
					break;
				}
			}
			for (i = 0; i < nres; i++)
				if (r[i].spam && r[i].z > h5)
					sp5++;
			printf("%s tok=%d b4=%zu: 0-FP recall %.2f %% (%zu / %zu),"
			    " top ham z %.3g; recall at 5 FP %.2f %%; top hams:",
			    a < argc ? argv[a] : "", tok, b4,
			    100.0 * (double)above / (double)nspam, above, nspam,
			    topham, 100.0 * (double)sp5 / (double)nspam);
			for (i = 0, shown = 0; i < nres && shown < 5; i++)
				if (!r[i].spam) {
					printf(" %.24s(%.3g)", r[i].name, r[i].z);
					shown++;
				}
			printf("; nham %zu\n", nham);
			fflush(stdout);
		}
		free(w);
		free(r);
		free(c);
	}
	return 0;
}
