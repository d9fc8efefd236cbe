/*
 * cmd_cluster.c - redflag cluster: group the messages of a batch into
 * campaigns (lib/fingerprint.c, lib/cluster.c) and print, per message in
 * input order, "label TAB campaign-id TAB copies TAB recipients" and, with
 * --fingerprints, the fingerprint.  An evaluation aid: the clustering
 * alone, without tracking or verdicts, and the fingerprints that
 * tools/pairwise.py --unrelated needs (bench/fingerprint.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

struct labels {
	char **v;
	size_t n, cap;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: %s cluster [--fingerprints] [--set NAME=VALUE]... PATH...\n\n"
	    "Fingerprint every message in each PATH (file, Maildir, mbox or\n"
	    "directory tree), group them into campaigns and print one line per\n"
	    "message: label, campaign id (empty for a message without text),\n"
	    "copies in the campaign, distinct recipients; with --fingerprints\n"
	    "also the fingerprint (kind:hex values).\n\n"
	    "exit status: 0 every input read, 1 some could not be or was\n"
	    "empty (skipped; reported on standard error), 64 usage error,\n"
	    "70 internal error\n", RF_PROG);
	cli_limits_help(f);
}

static int
labels_add(struct labels *l, const char *s)
{
	char **nv;

	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 1024 : l->cap * 2;
		if ((nv = realloc(l->v, l->cap * sizeof(*nv))) == NULL)
			return -1;
		l->v = nv;
	}
	if ((l->v[l->n] = strdup(s)) == NULL)
		return -1;
	l->n++;
	return 0;
}

/* add_path: fingerprint every message of path into cl; -1 when out of
 * memory, else the number of entries that could not be read. */
static int
add_path(const rf_ctx *ctx, rf_cluster *cl, struct labels *lab,
	 rf_fingerprint **fps, size_t *fpcap, const char *path)
{
	rf_source *src = NULL;
	rf_message *m;
	rf_item item;
	rf_error err;
	rf_status st;
	rf_fingerprint fp, *nf;
	const char *rcpt, *empty;
	int bad = 0;

	if (rf_source_open(path, rf_ctx_limits(ctx), &src, &err) != RF_OK) {
		/* err.msg is "PATH: reason" */
		cli_warn("cluster: %s", err.msg);
		return 1;
	}
	while ((st = rf_source_next(src, &item, &err)) != RF_EDONE) {
		if (st == RF_OK && (empty = cli_empty_item(&item)) != NULL) {
			cli_warn_input("cluster", item.label, empty);
			bad++;
			continue;
		}
		if (st == RF_OK)
			st = rf_message_parse(ctx, item.data, item.len, &m, &err);
		if (st != RF_OK) {
			cli_warn_input("cluster", item.label != NULL ?
			    item.label : path, err.msg);
			if (st == RF_ENOMEM) {
				bad = -1;
				break;
			}
			bad++;
			continue;
		}
		rcpt = rf_message_recipient(m);
		st = rf_fingerprint_message(ctx, m, rcpt, NULL, &fp, &err);
		if (st == RF_OK)
			st = rf_cluster_add(cl, &fp, rcpt, lab->n, &err);
		rf_message_free(m);
		if (st == RF_OK && *fpcap == lab->n) {
			*fpcap = *fpcap == 0 ? 1024 : *fpcap * 2;
			nf = realloc(*fps, *fpcap * sizeof(*nf));
			if (nf == NULL)
				st = RF_ENOMEM;
			else
				*fps = nf;
		}
		if (st == RF_OK) {
			(*fps)[lab->n] = fp;
			if (labels_add(lab, item.label) != 0)
				st = RF_ENOMEM;
		}
		if (st != RF_OK) {
			bad = -1;
			break;
		}
	}
	rf_source_free(src);
	return bad;
}

static void
print_fp(const rf_fingerprint *fp)
{
	unsigned j;

	printf("\t%u:", fp->kind);
	for (j = 0; j < RF_FP_HASHES; j++)
		printf("%016llx", (unsigned long long)fp->h[j]);
}

int
cmd_cluster(int argc, char **argv)
{
	struct labels lab = { NULL, 0, 0 };
	rf_fingerprint *fps = NULL;
	const rf_batch_campaign *c;
	rf_cluster *cl = NULL;
	rf_ctx *ctx = NULL;
	rf_limits limits;
	rf_error err;
	size_t fpcap = 0, i, index;
	char esc[512];
	int a, r, showfp = 0, bad = 0, rc = RF_EXIT_OK;

	rf_limits_default(&limits);
	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "--help") == 0 ||
		    strcmp(argv[a], "-h") == 0) {
			usage(stdout);
			return RF_EXIT_OK;
		} else if (strcmp(argv[a], "--fingerprints") == 0) {
			showfp = 1;
		} else if ((r = cli_limit_option("cluster", &limits, argc,
		    argv, &a)) != 0) {
			if (r < 0)
				return RF_EXIT_USAGE;
		} else {
			cli_bad_option("cluster", argv[a], NULL);
			usage(stderr);
			return RF_EXIT_USAGE;
		}
	}
	if (a == argc || cli_late_option("cluster", argc, argv, a, NULL)) {
		if (a == argc)
			cli_warn("cluster: no PATH to read");
		usage(stderr);
		return RF_EXIT_USAGE;
	}
	if (rf_ctx_new(&limits, &ctx, &err) != RF_OK ||
	    rf_cluster_new(&cl, &err) != RF_OK) {
		cli_warn("%s", err.msg);
		rc = RF_EXIT_SOFTWARE;
		goto out;
	}
	for (; a < argc && bad >= 0; a++) {
		r = add_path(ctx, cl, &lab, &fps, &fpcap, argv[a]);
		bad = r < 0 ? -1 : bad + r;
	}
	if (bad < 0 || rf_cluster_run(cl, &err) != RF_OK) {
		cli_warn("out of memory");
		rc = RF_EXIT_SOFTWARE;
		goto out;
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	for (i = 0; i < rf_cluster_items(cl); i++) {
		c = rf_cluster_campaign(cl, rf_cluster_of(cl, i, &index));
		printf("%s\t%s\t%zu\t%zu", cli_escape(esc, sizeof(esc),
		    lab.v[index], 400), c->id, c->size, c->recipients);
		if (showfp)
			print_fp(&fps[index]);
		putchar('\n');
	}
	if (bad > 0)
		rc = RF_EXIT_INPUT;
out:
	for (i = 0; i < lab.n; i++)
		free(lab.v[i]);
	free(lab.v);
	free(fps);
	rf_cluster_free(cl);
	rf_ctx_free(ctx);
	return rc;
}
