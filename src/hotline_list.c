/*
 * hotline_list.c - `redflag hotline cases` and `show`: the queue a page
 * at a time (queue_page_size, --offset) and one case with its reports
 * (max_reports_per_case), each saying on standard error what it left
 * out; and the helpers every hotline command prints with, among them
 * the paging of every long list (hl_offset, hl_left_out)
 * (docs/man/redflag-hotline.1).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hotline_cli.h"

int
hl_temporary(rf_status st)
{
	return st == RF_ESTORE || st == RF_ENOMEM;
}

int
hl_refused(rf_status st)
{
	return hl_temporary(st) ? RF_EXIT_TEMPFAIL : RF_EXIT_INPUT;
}

const char *
hl_esc(rf_arena *a, const char *s)
{
	size_t n = strlen(s != NULL ? s : ""), cap = 4 * n + 8;
	char *b = rf_arena_alloc(a, cap);

	return b != NULL ? cli_escape(b, cap, s != NULL ? s : "", n) : "?";
}

/* print_case: one line of the queue, after a line naming the columns
 * before the first; counted in *(unsigned *)arg (0: nothing printed
 * yet); an empty queue prints nothing. */
static int
print_case(void *arg, const rf_hotline_case *c)
{
	unsigned *shown = arg;
	char when[32];
	rf_arena *a = rf_arena_new();

	if (a == NULL)
		return 1;
	if (*shown == 0)
		printf("%6s  %-13s %-9s %4s  %3s  %-16s  %s\n", "CASE",
		    "STATE", "CATEGORY", "PRIO", "REP", "OPENED (UTC)", "URL");
	hl_fe_stamp(when, sizeof(when), c->created);
	/* a reporter's suggestion no analyst has set: "phishing?" */
	printf("%6lld  %-13s %-9s %4d  %3d  %s  %s\n", (long long)c->id,
	    rf_case_state_name(c->state), c->category_set ||
	    c->category == RF_CAT_OTHER ? rf_case_category_name(c->category) :
	    rf_arena_printf(a, "%s?", rf_case_category_name(c->category)),
	    c->priority, c->nreports, when,
	    hl_esc(a, rf_hotline_defang(a, c->canonical)));
	rf_arena_free(a);
	(*shown)++;
	return 0;
}

int
hl_offset(const char *cmd, const char *what, const char *s, unsigned *off)
{
	unsigned long long v = 0;
	char esc[512];

	if (s != NULL && rf_parse_number(s, HL_OFFSET_MAX, 0, &v, NULL) !=
	    RF_OK) {
		cli_warn("hotline %s: --offset: a number of %ss, 0 to "
		    "2000000000, got '%s'", cmd, what, cli_escape(esc,
		    sizeof(esc), s, 100));
		return -1;
	}
	*off = (unsigned)v;
	return 0;
}

void
hl_left_out(struct hl_fe *fe, const char *cmd, const char *what,
	    int64_t total, unsigned off, unsigned shown)
{
	rf_hotline_limits lim;
	int64_t after = total - (int64_t)off - (int64_t)shown;

	rf_hotline_limits_get(fe->h, &lim);
	if (shown == 0 && off > 0)
		cli_warn("hotline %s: no %s from --offset %u (%lld in all)",
		    cmd, what, off, (long long)total);
	else if (after > 0)
		cli_warn("hotline %s: %lld more %s%s not shown "
		    "(queue_page_size %u): the next page with --offset %llu",
		    cmd, (long long)after, what,
		    cli_plural((unsigned long long)after, "s"),
		    lim.queue_page_size, (unsigned long long)off + shown);
}

int
hl_cases(struct hl_fe *fe, int all, const char *state, const char *offset)
{
	rf_hotline_filter f = { !all, -1, NULL, 0, 0 };
	rf_case_state s;
	rf_error err;
	rf_status st;
	int64_t total = 0;
	unsigned shown = 0;
	char esc[512];

	if (state != NULL) {
		if (rf_case_state_parse(state, &s) != 0) {
			cli_warn("hotline cases: no state '%s'",
			    cli_escape(esc, sizeof(esc), state, 100));
			return RF_EXIT_USAGE;
		}
		f.state = (int)s;
		f.open_only = 0;
	}
	if (hl_offset("cases", "case", offset, &f.offset) != 0)
		return RF_EXIT_USAGE;
	if ((st = rf_hotline_queue_count(fe->h, &f, &total, &err)) != RF_OK ||
	    (st = rf_hotline_queue(fe->h, &f, print_case, &shown, &err)) !=
	    RF_OK) {
		cli_warn("hotline cases: %s", err.msg);
		return hl_refused(st);
	}
	/* not an empty answer, nor a page cut short, in silence */
	if (total == 0)
		cli_warn("hotline cases: no %scase", f.open_only ? "open " :
		    "");
	else
		hl_left_out(fe, "cases", f.open_only ? "open case" : "case",
		    total, f.offset, shown);
	return RF_EXIT_OK;
}

/* print_report: one report of a case, counted in *(int *)arg. */
static int
print_report(void *arg, const rf_hotline_report_row *r)
{
	char when[32];
	rf_arena *a = rf_arena_new();

	if (a == NULL)
		return 1;
	hl_fe_stamp(when, sizeof(when), r->received);
	printf("  report %lld  %s  %-4s  %u code%s removed  %s%s\n",
	    (long long)r->id, when, r->source, r->scrubbed,
	    r->scrubbed == 1 ? "" : "s", hl_esc(a, rf_hotline_defang(a,
	    r->url_clean)), r->has_raw ? "  [raw sealed]" : "");
	if (r->sender_domain != NULL || r->message_id != NULL)
		printf("    mail: sender domain %s, list-id %s, "
		    "list-unsubscribe %s\n", r->sender_domain != NULL ?
		    hl_esc(a, r->sender_domain) : "-", r->has_list_id ? "yes" :
		    "no", r->has_list_unsubscribe ? "yes" : "no");
	rf_arena_free(a);
	(*(int *)arg)++;
	return 0;
}

/* print_related: one related case, counted in *(unsigned *)arg. */
static int
print_related(void *arg, const rf_hotline_case *c, const char *why)
{
	printf("  related case %lld (same %s)\n", (long long)c->id, why);
	(*(unsigned *)arg)++;
	return 0;
}

int
hl_show(struct hl_fe *fe, int64_t id)
{
	rf_arena *ar = rf_arena_new();
	rf_hotline_case c;
	rf_hotline_limits lim;
	rf_error err;
	rf_status st;
	int rc = RF_EXIT_OK, shown = 0, more = RF_RELATED_ALL;
	unsigned related = 0;

	if (ar == NULL)
		return RF_EXIT_TEMPFAIL;
	if ((st = rf_hotline_case_get(fe->h, id, ar, &c, &err)) != RF_OK) {
		cli_warn("hotline show: %s", err.msg);
		rc = hl_refused(st);
		goto done;
	}
	printf("case %lld  %s  %s%s  priority %d  %d report%s\n",
	    (long long)c.id, rf_case_state_label(c.state),
	    rf_case_category_label(c.category), !c.category_set &&
	    c.category != RF_CAT_OTHER ? " (suggested)" : "", c.priority,
	    c.nreports, c.nreports == 1 ? "" : "s");
	printf("  url     %s\n  domain  %s\n  assignee %s  assessed by %s%s\n",
	    hl_esc(ar, rf_hotline_defang(ar, c.canonical)), c.domain != NULL ?
	    hl_esc(ar, c.domain) : "-", c.assignee != NULL ?
	    hl_esc(ar, c.assignee) : "-", c.assessed_by != NULL ?
	    hl_esc(ar, c.assessed_by) : "-", c.appeal ? "  (on appeal)" : "");
	if (rf_hotline_reports(fe->h, c.id, print_report, &shown, &err) !=
	    RF_OK || rf_hotline_related(fe->h, c.id, print_related, &related,
	    &more, &err) != RF_OK) {
		cli_warn("hotline show: %s", err.msg);
		goto done;
	}
	rf_hotline_limits_get(fe->h, &lim);
	/* not a list cut short in silence */
	if (shown < c.nreports)
		cli_warn("hotline show: case %lld: %d of %d reports shown, the "
		    "oldest (max_reports_per_case %u)", (long long)c.id, shown,
		    c.nreports, lim.max_reports_per_case);
	if (more != RF_RELATED_ALL)
		cli_warn("hotline show: case %lld: %u related case%s shown, "
		    "%s (queue_page_size %u)", (long long)c.id, related,
		    cli_plural(related, "s"), more == RF_RELATED_MORE ?
		    "more not shown" : "the campaign search stopped at its "
		    "bound: more may be related", lim.queue_page_size);
done:
	rf_arena_free(ar);
	return rc;
}
