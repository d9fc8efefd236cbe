/*
 * store_bench.c - drives the campaign store for bench/store.sh; prints
 * "key value" lines the script reports.
 *
 *   store_bench big SPEC N           one campaign reaching N recipients,
 *                                    10,000 recipients per copy
 *   store_bench distinct SPEC N      N campaigns of one copy each
 *   store_bench rate SPEC N C BATCH  N copies of C campaigns (variants of
 *                                    each, one new recipient per copy),
 *                                    BATCH adds per transaction (1: each
 *                                    add durable on its own); then N
 *                                    lookups
 * Set STORE_BENCH_NOCACHE=1 to turn the band-key cache off, and
 * STORE_BENCH_ONE_RCPT=K to send big's first K copies to one recipient
 * each (their link samples then end with the recipient's id line,
 * docs/store.md, "Link samples"; with 10,000 a copy they have none).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <redflag/redflag.h>
#include <xxhash.h>

#include "fputil.h"

#define PER_COPY 10000

/* seconds on a clock: CLOCK_MONOTONIC (wall) or the process's CPU */
static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#define now_s() clock_s(CLOCK_MONOTONIC)
#define cpu_s() clock_s(CLOCK_PROCESS_CPUTIME_ID)

static rf_store *
open_store(const char *spec)
{
	rf_store_options o;
	rf_store *s;
	rf_error err;

	rf_store_options_default(&o);
	o.max_recipients = PER_COPY;
	if (getenv("STORE_BENCH_NOCACHE") != NULL)
		o.cache_entries = 0;
	if (rf_store_open(spec, &o, &s, &err) != RF_OK) {
		fprintf(stderr, "store_bench: %s\n", err.msg);
		exit(1);
	}
	return s;
}

static void
check(rf_status st, const rf_error *err)
{
	if (st != RF_OK) {
		fprintf(stderr, "store_bench: %s\n", err->msg);
		exit(1);
	}
}

static int
big(const char *spec, long n)
{
	static char buf[PER_COPY][40];
	const char *r[PER_COPY];
	char l0[80], l1[80];
	const char *links[2] = { l0, l1 };
	rf_fingerprint fp = fp_make(9);
	rf_store *s = open_store(spec);
	rf_campaign c;
	rf_error err;
	const char *one = getenv("STORE_BENCH_ONE_RCPT");
	long done = 0, k, copy = 0, first1 = one ? atol(one) : 0, at;
	double t0 = now_s();

	for (; done < n; copy++) {
		for (k = 0; k < (copy < first1 ? 1 : PER_COPY) &&
		    done + k < n; k++) {
			snprintf(buf[k], sizeof(buf[k]), "user%ld@mail%ld.example",
			    done + k, (done + k) % 997);
			r[k] = buf[k];
		}
		/* link skeletons with the per-copy parts tracking codes have,
		 * the same whatever STORE_BENCH_ONE_RCPT */
		at = copy * PER_COPY;
		snprintf(l0, sizeof(l0), "https://shop.example/c/%04lx?u=%08lx",
		    copy, (unsigned long)(at * 2654435761u));
		snprintf(l1, sizeof(l1), "https://img.example/p/%08lx.gif",
		    (unsigned long)(at * 40503u));
		check(rf_campaign_add(s, &fp, r, (size_t)k, "Big campaign",
		    links, 2, 1700000000 + copy, &c, &err), &err);
		done += k;
	}
	printf("id %s\nrecipients %ld\ncounted %llu\nerror_pct %+.3f\n"
	    "copies %llu\nseconds %.2f\n", c.id, n,
	    (unsigned long long)c.size,
	    100.0 * ((double)c.size - (double)n) / (double)n,
	    (unsigned long long)c.copies, now_s() - t0);
	rf_store_close(s);
	return 0;
}

static int
distinct(const char *spec, long n)
{
	rf_store *s = open_store(spec);
	rf_fingerprint fp;
	rf_campaign c;
	rf_error err;
	char r[40];
	const char *rc[1] = { r };
	double t0 = now_s(), c0 = cpu_s();
	long i;

	for (i = 0; i < n; i++) {
		if (i % 10000 == 0)
			check(rf_store_begin(s, &err), &err);
		fp = fp_make(1000000 + (uint64_t)i);
		snprintf(r, sizeof(r), "someone%ld@example.net", i);
		check(rf_campaign_add(s, &fp, rc, 1, "A campaign of its own",
		    NULL, 0, 1700000000 + i, &c, &err), &err);
		if (!c.created) {
			fprintf(stderr, "store_bench: campaign %ld matched %s\n",
			    i, c.id);
			return 1;
		}
		if (i % 10000 == 9999 || i == n - 1)
			check(rf_store_commit(s, &err), &err);
	}
	printf("campaigns %ld\nseconds %.2f\ncpu_seconds %.2f\n"
	    "campaigns_per_s %.0f\n", n, now_s() - t0, cpu_s() - c0,
	    (double)n / (now_s() - t0));
	rf_store_close(s);
	return 0;
}

static int
rate(const char *spec, long n, long ncamp, long batch)
{
	rf_store *s = open_store(spec);
	rf_fingerprint *base, fp;
	rf_campaign c;
	rf_error err;
	char r[40];
	const char *rc[1] = { r };
	double t0, t1, c0, c1;
	long i, found = 0;

	if ((base = calloc((size_t)ncamp, sizeof(*base))) == NULL)
		return 1;
	for (i = 0; i < ncamp; i++)
		base[i] = fp_make(5000000 + (uint64_t)i);
	t0 = now_s();
	c0 = cpu_s();
	for (i = 0; i < n; i++) {
		if (batch > 1 && i % batch == 0)
			check(rf_store_begin(s, &err), &err);
		fp = fp_variant(base[i % ncamp], 1 + (unsigned)(i % 12),
		    (uint64_t)i + 1);
		snprintf(r, sizeof(r), "rcpt%ld@example.org", i);
		check(rf_campaign_add(s, &fp, rc, 1, "Rate", NULL, 0,
		    1700000000 + i, &c, &err), &err);
		if (batch > 1 && (i % batch == batch - 1 || i == n - 1))
			check(rf_store_commit(s, &err), &err);
	}
	t1 = now_s();
	c1 = cpu_s();
	printf("adds %ld\ncampaigns %ld\nbatch %ld\nadd_seconds %.2f\n"
	    "adds_per_s %.0f\nadd_cpu_seconds %.2f\nadds_per_cpu_s %.0f\n",
	    n, ncamp, batch, t1 - t0, (double)n / (t1 - t0), c1 - c0,
	    (double)n / (c1 - c0));
	for (i = 0; i < n; i++) {
		fp = fp_variant(base[i % ncamp], 1 + (unsigned)(i % 12),
		    (uint64_t)i + 7);
		if (rf_campaign_lookup(s, &fp, &c, &err) == RF_OK)
			found++;
	}
	printf("lookups %ld\nfound %ld\nlookups_per_s %.0f\n"
	    "lookups_per_cpu_s %.0f\n", n, found, (double)n / (now_s() - t1),
	    (double)n / (cpu_s() - c1));
	free(base);
	rf_store_close(s);
	return found == n ? 0 : 1;
}

/* buckets: the Redis bucket keys (docs/store.md) holding the band keys
 * of the campaign "big" creates, for measuring what its entries take */
static int
buckets(const char *prefix)
{
	rf_fingerprint fp = fp_make(9);
	uint64_t k;
	unsigned i;

	for (i = 0; i < RF_FP_BANDS; i++) {
		k = rf_fp_band(&fp, i);
		k = XXH3_64bits_withSeed(&k, sizeof(k), i);
		printf("%s:b:%05llx\n", prefix, (unsigned long long)(k >> 46));
	}
	return 0;
}

int
main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc == 4 && strcmp(argv[1], "big") == 0)
		return big(argv[2], atol(argv[3]));
	if (argc == 3 && strcmp(argv[1], "buckets") == 0)
		return buckets(argv[2]);
	if (argc == 4 && strcmp(argv[1], "distinct") == 0)
		return distinct(argv[2], atol(argv[3]));
	if (argc == 6 && strcmp(argv[1], "rate") == 0)
		return rate(argv[2], atol(argv[3]), atol(argv[4]),
		    atol(argv[5]));
	fprintf(stderr, "usage: store_bench big|distinct SPEC N | "
	    "rate SPEC N CAMPAIGNS BATCH\n");
	return 64;
}
