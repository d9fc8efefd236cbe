/*
 * report.h - one analysed message as printer output (the JSON schema of
 * docs/json.md).  Later stages (campaign, tracking, verdict) fill struct
 * report_extra; fields they have not filled are printed as null or empty.
 */
#ifndef REDFLAG_REPORT_H
#define REDFLAG_REPORT_H

#include <redflag/redflag.h>

#include "sprinter.h"

#define REPORT_SCHEMA 1

struct report_campaign {
	const char *id;		/* NULL: the message is in no campaign */
	long long size;		/* distinct recipients */
	long long copies;
	long long first_seen;	/* Unix time */
};

struct report_extra {
	const char *recipient;
	struct report_campaign campaign;
	const char *verdict;	/* NULL until the verdict stage runs */
	double score;
	const char *const *reasons;
	size_t nreasons;
	const char *const *signs;	/* the verdict's warnings (deception
					 * signs), or NULL */
	size_t nsigns;
	const rf_cls_result *cls;	/* the classifier's, or NULL */
};

/* report_message: print m read from source; full=0 leaves out fields a
 * reader does not need (the text summary) and gives the campaign's
 * first_seen as a UTC date (full: Unix seconds, docs/json.md).  Same as
 * report_head then report_tail. */
void report_message(struct sprinter *sp, const char *source,
		    const rf_message *m, const struct report_extra *x,
		    int full);

/* report_head: open the report and print everything that does not depend
 * on other messages (all but verdict, score, campaign and reasons). */
void report_head(struct sprinter *sp, const char *source,
		 const rf_message *m, const char *recipient, int full);

/* report_tail: print verdict, score, classifier, campaign, reasons and
 * signs and close the
 * report opened by report_head (possibly by another printer, resumed). */
void report_tail(struct sprinter *sp, const struct report_extra *x,
		 int full);

/* report_error: print an input that could not be analysed. */
void report_error(struct sprinter *sp, const char *source, const char *msg);

#endif
