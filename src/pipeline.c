/*
 * pipeline.c - the per-message analysis shared by the milter and the
 * filter (see pipeline.h).  Steps of pipeline_run, each one small:
 * analyse (parse, tracking, campaign, verdict), decide (policy), then
 * describe (headers, reply text).  The store update is only computed
 * here; pipeline_commit writes it.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "cls_live.h"
#include "pipeline.h"

#define REASONS_HEADER_MAX 900	/* bytes of X-Redflag-Reasons, -Signs */

struct pipeline {
	const struct config *cfg;
	rf_ctx *ctx;			/* read-only, shared by threads */
	rf_rules *rules;		/* tracking rules, read-only */
	rf_store *store;		/* campaign store, or NULL */
	rf_consent_db *consent;		/* consent store (same db), or NULL */
	struct cls_live *cls;		/* cfg->classifier, or NULL */
	pthread_mutex_t store_lock;	/* the stores serve one thread;
					 * store, consent and stopped are
					 * read and changed under it
					 * (store_current) */
	int stopped;			/* pipeline_stop: no store is opened
					 * again */
};

/* The store update of one message, written by pipeline_commit. */
struct pending {
	rf_message *m;			/* owned: freed with the result */
	rf_fingerprint fp;
	const char **rcpts;		/* in the result's arena */
	size_t nrcpts;
};

rf_status
pipeline_open(const struct config *cfg, struct pipeline **out,
	      rf_error *err)
{
	struct pipeline *p;
	rf_status st = RF_OK;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	p->cfg = cfg;
	pthread_mutex_init(&p->store_lock, NULL);
	if ((p->rules = cli_rules()) == NULL)
		st = rf_error_set(err, RF_EINVAL, "no tracking rules");
	else
		st = rf_ctx_new(&cfg->limits, &p->ctx, err);
	if (st != RF_OK) {
		pipeline_close(p);
		return st;
	}
	*out = p;
	return RF_OK;
}

/* store_error: st, with err's message prefixed by the store's name, so
 * that the milter's and the filter's messages say which store failed. */
static rf_status
store_error(const char *db, rf_status st, rf_error *err)
{
	char msg[RF_ERROR_MAX], esc[256];

	if (err != NULL) {
		memcpy(msg, err->msg, sizeof(msg));
		msg[sizeof(msg) - 1] = '\0';
		rf_error_set(err, st, "%s: %s", cli_escape(esc, sizeof(esc), db,
		    100), msg);
	}
	return st;
}

/* open_stores: the campaign store and the consent store of cfg->db, or
 * neither (both NULL) and the error (the store's own words: the caller
 * names the store). */
static rf_status
open_stores(struct pipeline *p, rf_error *err)
{
	rf_store_options so;
	rf_status st;

	/* the campaign store first: it makes the schema of a new file */
	redis_auth_store_options(&p->cfg->redis, &so);
	if ((st = rf_store_open(p->cfg->db, &so, &p->store, err)) != RF_OK ||
	    (st = rf_consent_open(p->cfg->db, 0, &so.redis_auth, &p->consent,
	    err)) != RF_OK) {
		rf_store_close(p->store);
		p->store = NULL;
	}
	return st;
}

/* close_stores: close the campaign store, then the consent store (on one
 * file: each copies the log into a file that moved, rf_store_close). */
static void
close_stores(struct pipeline *p)
{
	rf_store_close(p->store);
	rf_consent_close(p->consent);
	p->store = NULL;
	p->consent = NULL;
}

rf_status
pipeline_open_store(struct pipeline *p, rf_error *err)
{
	rf_status st;

	if (p->cfg->classifier != NULL && p->cls == NULL &&
	    (st = cls_live_open(p->cfg, &p->cls, err)) != RF_OK)
		return st;
	if (p->cfg->db == NULL || p->store != NULL)
		return RF_OK;
	if ((st = open_stores(p, err)) != RF_OK)
		return store_error(p->cfg->db, st, err);
	return RF_OK;
}

/* add_notice: the line s for the log in r->notice, after the one there
 * (each of the result's events is said); 0, or -1 when s is NULL or
 * out of memory (the notice stays as it was). */
static int
add_notice(struct pipeline_result *r, const char *s)
{
	if (s == NULL)
		return -1;
	if (r->notice != NULL && (s = rf_arena_printf(r->arena, "%s; %s",
	    r->notice, s)) == NULL)
		return -1;
	r->notice = s;
	return 0;
}

/*
 * store_current: under store_lock, before the stores serve a message:
 * when the file of db is no longer the one open (rf_store_moved: deleted,
 * moved away, a backup moved in its place), close both stores (old
 * connections first: they share the -wal and -shm named by the path) and
 * open the path again, as at start (a new store when missing), with
 * r->notice saying so, once, for the front end's log.  When that fails,
 * the stores stay closed (NULL) and this message and every later one
 * fail with RF_ESTORE, each trying again, until the path opens.  RF_OK
 * also without a store.
 */
static rf_status
store_current(struct pipeline *p, struct pipeline_result *r, rf_error *err)
{
	const char *db = p->cfg->db, *file;
	rf_error oerr;
	char esc[256];
	int serr;

	if (db == NULL || (p->store != NULL && !rf_store_moved(p->store)))
		return RF_OK;
	if (p->stopped)		/* no store opened after pipeline_stop */
		return rf_error_set(err, RF_ESTORE, "stopping: the store is "
		    "closed");
	close_stores(p);	/* moved; or closed since it last failed */
	cli_escape(esc, sizeof(esc), db, 100);
	file = rf_store_spec_file(db);
	serr = file != NULL ? cli_path_errno(file) : 0;
	if (open_stores(p, &oerr) != RF_OK) {
		return rf_error_set(err, RF_ESTORE, "db = %s: "
		    CLI_FILE_REPLACED ", and opening the path again failed: "
		    "%s%s%s%s", esc, oerr.msg, serr != 0 &&
		    serr != ENOENT ? " (looking the path up: " : "",
		    serr != 0 && serr != ENOENT ? strerror(serr) : "",
		    serr != 0 && serr != ENOENT ? ")" : "");
	}
	(void)add_notice(r, rf_arena_printf(r->arena, "db = %s: "
	    CLI_FILE_REPLACED "; opened the path again: %s, where the "
	    "messages from now on are counted", esc, serr == ENOENT ?
	    "a new store" : "the file now there"));
	return RF_OK;
}

/* store_use: under store_lock: the stores as they are now in acfg, or
 * RF_ESTORE when they are closed (another thread's store_current could
 * not open them again, or the stop). */
static rf_status
store_use(struct pipeline *p, rf_analysis_cfg *acfg, rf_error *err)
{
	acfg->store = p->store;
	acfg->consent = p->consent;
	if (p->cfg->db != NULL && p->store == NULL)
		return rf_error_set(err, RF_ESTORE, p->stopped ? "stopping: "
		    "the store is closed" : "the store is closed: its file "
		    "was deleted or replaced and could not be opened again");
	return RF_OK;
}

void
pipeline_stop(struct pipeline *p)
{
	pthread_mutex_lock(&p->store_lock);
	p->stopped = 1;
	if (p->store != NULL && rf_store_moved(p->store))
		close_stores(p);
	pthread_mutex_unlock(&p->store_lock);
}

void
pipeline_close(struct pipeline *p)
{
	if (p == NULL)
		return;
	pthread_mutex_destroy(&p->store_lock);
	rf_store_close(p->store);
	rf_consent_close(p->consent);
	cls_live_close(p->cls);
	rf_rules_free(p->rules);
	rf_ctx_free(p->ctx);
	free(p);
}

int
pipeline_own_header(const char *p, size_t n)
{
	static const char prefix[] = "X-Redflag-";

	return n >= sizeof(prefix) - 1 &&
	    strncasecmp(p, prefix, sizeof(prefix) - 1) == 0;
}

int
pipeline_kept_fields(const char *msg, size_t from, size_t body,
		     int (*put)(void *, const char *, size_t), void *arg)
{
	size_t i = from, e, run = from;
	int skip = 0, rc;

	while (i < body) {
		e = i;
		while (e < body && msg[e] != '\n')
			e++;
		if (e < body)
			e++;
		if (msg[i] != ' ' && msg[i] != '\t')	/* a field starts */
			skip = pipeline_own_header(msg + i, e - i);
		if (skip) {	/* the run before this line, then past it */
			if (i > run && (rc = put(arg, msg + run, i - run)) !=
			    0)
				return rc;
			run = e;
		}
		i = e;
	}
	return body > run ? put(arg, msg + run, body - run) : 0;
}

size_t
pipeline_body_offset(const char *msg, size_t len)
{
	size_t i = 0;

	/* Each header line ends at LF; an empty line (LF or CRLF) ends the
	 * block. */
	while (i < len) {
		if (msg[i] == '\n')
			return i + 1;
		if (msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n')
			return i + 2;
		while (i < len && msg[i] != '\n')
			i++;
		if (i < len)
			i++;
	}
	return len;
}

/* printable: s made safe for a header or an SMTP reply: printable ASCII,
 * '%' and control bytes as '?', at most max bytes (then "..."). */
static char *
printable(rf_arena *a, const char *s, size_t max)
{
	size_t n = strlen(s), i;
	char *o;

	if (n > max)
		n = max;
	if ((o = rf_arena_alloc(a, n + 4)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		o[i] = c >= 0x20 && c < 0x7f && c != '%' ? (char)c : '?';
	}
	if (s[n] != '\0')
		memcpy(o + n, "...", 3);
	return o;
}

static int
add_reason(struct pipeline_result *r, size_t *cap, const char *text)
{
	const char *s;

	if ((s = printable(r->arena, text, 200)) == NULL)
		return -1;
	if (r->nreasons == *cap && rf_arena_grow(r->arena,
	    (void **)&r->reasons, cap, r->nreasons, sizeof(*r->reasons)) != 0)
		return -1;
	r->reasons[r->nreasons++] = s;
	return 0;
}

/* limit_reasons: one reason per limit the analysis hit. */
static int
limit_reasons(struct pipeline_result *r, size_t *cap, const rf_message *m)
{
	unsigned bit;
	char *s;

	if ((m->flags & RF_MSG_MIME_DAMAGED) &&
	    add_reason(r, cap, "damaged MIME structure") != 0)
		return -1;
	for (bit = 1; bit != 0 && bit < (1u << RF_LIMIT__COUNT); bit <<= 1) {
		if (!(m->limits_hit & bit))
			continue;
		s = rf_arena_printf(r->arena, "limit %s reached: analysis "
		    "partial", rf_limit_name(bit));
		if (s == NULL || add_reason(r, cap, s) != 0)
			return -1;
	}
	return 0;
}

/* add_new_reasons: an's findings, leaving out what an earlier
 * recipient's analysis already said. */
static int
add_new_reasons(struct pipeline_result *r, size_t *cap,
		const rf_analysis *an)
{
	size_t i, k;

	for (i = 0; i < an->nreasons; i++) {
		for (k = 0; k < r->nreasons; k++)
			if (strcmp(r->reasons[k], an->reasons[i]) == 0)
				break;
		if (k == r->nreasons && add_reason(r, cap, an->reasons[i]) != 0)
			return -1;
	}
	return 0;
}

/* copy_signs: the signs of an's verdict, made printable, into r (they
 * come from the message, the same for every recipient). */
static int
copy_signs(struct pipeline_result *r, const rf_analysis *an)
{
	size_t i;

	r->nsigns = 0;
	if (an->verdict.nsigns == 0)
		return 0;
	if ((r->signs = rf_arena_array(r->arena, an->verdict.nsigns,
	    sizeof(*r->signs))) == NULL)
		return -1;
	for (i = 0; i < an->verdict.nsigns; i++)
		if ((r->signs[r->nsigns++] = printable(r->arena,
		    an->verdict.signs[i], 300)) == NULL)
			return -1;
	return 0;
}

/* severity: the order in which one copy's verdict is chosen among its
 * recipients' verdicts. */
static int
severity(rf_verdict_kind k)
{
	static const int order[] = { 0, 1, 3, 2 };	/* ham bulk spam unsure */

	return (unsigned)k < 4 ? order[k] : 0;
}

/*
 * recipients: analyse m for every recipient, with the classifier cls
 * (NULL: none) (one copy for all: a link
 * that identifies any of them is collected in rw, as the clean policy of
 * that recipient's verdict says), looking the campaign up in the store
 * (nothing is added here) and deciding each recipient's verdict; *first
 * is the analysis for the first recipient, *v the copy's verdict: the
 * most severe of its recipients' (spam, unsure, bulk, ham), since one
 * action applies to the copy.
 */
static rf_status
recipients(struct pipeline *p, rf_classifier *cls, rf_message *m,
	   const char *const *rcpts, size_t nrcpts, rf_rewrite *rw,
	   struct pipeline_result *r, size_t *cap, rf_analysis *first,
	   rf_verdict *v, rf_error *err)
{
	rf_analysis_shared shared, *sh = NULL;
	rf_analysis_cfg acfg;
	enum clean_policy policy;
	rf_analysis an;
	rf_status st;
	size_t i = 0;

	memset(&acfg, 0, sizeof(acfg));
	acfg.rules = p->rules;
	/* acfg.store and acfg.consent: read under store_lock where used
	 * (store_use): another thread may open them again */
	acfg.verdict = &p->cfg->verdict;
	acfg.authserv_id = p->cfg->authserv_id;
	acfg.classifier = cls;
	/* what does not depend on the recipient, once */
	if (nrcpts > 1) {
		if ((st = rf_analysis_prepare(p->ctx, &acfg, m, &shared,
		    err)) != RF_OK)
			return st;
		sh = &shared;
	}
	do {
		st = rf_analysis_recipient(p->ctx, &acfg, m, sh, nrcpts > 0 ?
		    rcpts[i] : NULL, &an, err);
		if (st == RF_OK && p->cfg->db != NULL) {
			pthread_mutex_lock(&p->store_lock);
			/* as it will be once added (pipeline_commit):
			 * the verdict scan --db gives this copy */
			if ((st = store_use(p, &acfg, err)) == RF_OK)
				st = rf_analysis_campaign_pending(p->ctx,
				    &acfg, &an, nrcpts > 0 ? nrcpts :
				    an.recipient != NULL, err);
			pthread_mutex_unlock(&p->store_lock);
		}
		if (st == RF_OK) {
			pthread_mutex_lock(&p->store_lock);
			if ((st = store_use(p, &acfg, err)) == RF_OK)
				st = rf_analysis_verdict(&acfg, &an,
				    an.in_campaign ? an.campaign.size : 0,
				    an.campaign.copies,
				    an.campaign.complaints, err);
			pthread_mutex_unlock(&p->store_lock);
		}
		if (st != RF_OK)
			return st;
		policy = config_clean_for(p->cfg,
		    rf_verdict_name(an.verdict.kind));
		st = clean_collect(rw, policy, p->rules, m, err);
		if (st != RF_OK)
			return st;
		if (add_new_reasons(r, cap, &an) != 0)
			return rf_error_set(err, RF_ENOMEM, "out of memory");
		if (i == 0)
			*first = an;
		if (i == 0 || severity(an.verdict.kind) > severity(v->kind))
			*v = an.verdict;
	} while (++i < nrcpts);
	return RF_OK;
}

/* kept_reason: the reason that says which tracked links the policy known
 * left as they are (rs->kept), when there are any; 0, or -1 when out of
 * memory. */
static int
kept_reason(struct pipeline_result *r, size_t *cap,
	    const rf_rewrite_stats *rs)
{
	char *s;

	if (rs->kept == 0)
		return 0;
	s = rf_arena_printf(r->arena, "kept: %zu tracked link%s as %s "
	    "(policy known: %s)", rs->kept, rs->kept == 1 ? "" : "s",
	    rs->kept == 1 ? "it is" : "they are", clean_kept_why(rs->kept));
	return s != NULL ? add_reason(r, cap, s) : -1;
}

/* neutralise: with rewrite on, the body with rw's links replaced (and
 * what the policy known left as it is said), and r->unsub. */
static rf_status
neutralise(struct pipeline *p, rf_rewrite *rw, const char *msg,
	   size_t len, struct pipeline_result *r, size_t *cap, rf_error *err)
{
	rf_rewrite_stats rs;
	rf_status st = RF_ENOMEM;
	rf_buf body;
	char *s, words[320];

	if (!p->cfg->rewrite)
		return RF_OK;
	if (rf_rewrite_links(rw) == 0) {
		rf_rewrite_get_stats(rw, &rs);
		r->unsub = rs.unsub;
		return kept_reason(r, cap, &rs) == 0 ? RF_OK :
		    rf_error_set(err, RF_ENOMEM, "out of memory");
	}
	rf_buf_init(&body, 0);
	if (rf_rewrite_prepare(rw, msg, len, err) != RF_OK)
		goto out;
	rf_rewrite_get_stats(rw, &rs);
	r->unsub = rs.unsub;
	if (rf_rewrite_edits(rw) > 0) {
		r->body_off = rf_rewrite_body_offset(rw);
		if (rf_rewrite_write(rw, r->body_off, &body, err) != RF_OK ||
		    (r->body = rf_arena_strndup(r->arena,
		    body.data != NULL ? body.data : "", body.len)) == NULL)
			goto out;
		r->body_len = body.len;
	}
	if (rs.sites_policy) {
		/* a recipient's verdict asked for sites */
		clean_sites_words(&rs, ", ", words, sizeof(words));
		s = rf_arena_printf(r->arena, "neutralised: %s%s", words,
		    rs.skipped || rs.limits_hit ? " (some parts could not "
		    "be rewritten)" : "");
		if (s != NULL && rs.missed > 0)
			s = rf_arena_printf(r->arena, "%s; %zu link%s or "
			    "image%s could not be rewritten (left live)", s,
			    rs.missed, rs.missed == 1 ? "" : "s",
			    rs.missed == 1 ? "" : "s");
	} else {
		s = rf_arena_printf(r->arena, "neutralised: %zu link%s "
		    "rewritten, %zu web bug%s emptied%s", rs.links,
		    rs.links == 1 ? "" : "s", rs.bugs, rs.bugs == 1 ? "" :
		    "s", rs.skipped || rs.limits_hit ? " (some parts "
		    "could not be rewritten)" : "");
	}
	if (s != NULL && !rs.sites_policy && rs.missed > 0)
		s = rf_arena_printf(r->arena, "%s; %zu tracked link%s could "
		    "not be neutralised (left live)", s, rs.missed,
		    rs.missed == 1 ? "" : "s");
	if (s != NULL && add_reason(r, cap, s) == 0 &&
	    kept_reason(r, cap, &rs) == 0)
		st = RF_OK;
out:
	rf_buf_free(&body);
	return st == RF_OK ? RF_OK : rf_error_set(err, st, "out of memory");
}

/* keep_pending: remember what pipeline_commit adds to the store; takes
 * over m. */
static rf_status
keep_pending(struct pipeline_result *r, rf_message *m,
	     const rf_analysis *first, const char *const *rcpts,
	     size_t nrcpts, rf_error *err)
{
	struct pending *pd;
	size_t i;

	if (nrcpts == 0 && first->recipient != NULL) {
		rcpts = &first->recipient;
		nrcpts = 1;
	}
	if ((pd = rf_arena_alloc(r->arena, sizeof(*pd))) == NULL ||
	    (pd->rcpts = rf_arena_array(r->arena, nrcpts + 1,
	    sizeof(*pd->rcpts))) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	for (i = 0; i < nrcpts; i++)
		if ((pd->rcpts[i] = rf_arena_strdup(r->arena, rcpts[i])) ==
		    NULL)
			return rf_error_set(err, RF_ENOMEM, "out of memory");
	pd->nrcpts = nrcpts;
	pd->fp = first->fp;
	pd->m = m;
	r->pending = pd;
	return RF_OK;
}

/*
 * analyse: fill verdict, score, campaign, reasons, body and the pending
 * store update of r.  This is where the analysis modules are wired in, in
 * order: parse, tracking codes and campaign (rf_analysis, for every
 * recipient), rewrite, verdict.  rcpts are the envelope recipients;
 * without them the message names its recipient.
 */
static rf_status
analyse(struct pipeline *p, const char *msg, size_t len,
	const char *const *rcpts, size_t nrcpts, struct pipeline_result *r,
	rf_error *err)
{
	struct cls_gen *gen = NULL;
	rf_classifier *cls = NULL;
	rf_rewrite *rw = NULL;
	rf_message *m = NULL;
	const char *note;
	rf_analysis first;
	rf_verdict v;
	size_t cap = 0;
	rf_status st;

	memset(&v, 0, sizeof(v));
	r->verdict = "none";
	r->score = 0.0;
	r->campaign = "";
	if ((st = rf_message_parse(p->ctx, msg, len, &m, err)) != RF_OK)
		goto out;
	/* the stores on the file now at the path, before they serve */
	pthread_mutex_lock(&p->store_lock);
	st = store_current(p, r, err);
	pthread_mutex_unlock(&p->store_lock);
	if (st != RF_OK)
		goto out;
	/* the classifier as its file is now (trained, replaced), looked
	 * at every classifier_reload seconds */
	if (p->cls != NULL) {
		if ((note = cls_live_refresh(p->cls, r->arena)) != NULL &&
		    add_notice(r, note) != 0) {
			st = rf_error_set(err, RF_ENOMEM, "out of memory");
			goto out;
		}
		cls = cls_live_acquire(p->cls, &gen);
	}
	if ((st = rf_rewrite_new(rf_ctx_limits(p->ctx), &rw, err)) != RF_OK)
		goto out;
	if ((st = recipients(p, cls, m, rcpts, nrcpts, rw, r, &cap, &first,
	    &v, err)) != RF_OK ||
	    (st = neutralise(p, rw, msg, len, r, &cap, err)) != RF_OK)
		goto out;
	r->verdict = rf_verdict_name(v.kind);
	r->score = v.score;
	if (first.in_campaign && (r->campaign = rf_arena_strdup(r->arena,
	    first.campaign.id)) == NULL) {
		st = rf_error_set(err, RF_ENOMEM, "out of memory");
		goto out;
	}
	if (limit_reasons(r, &cap, m) != 0 || copy_signs(r, &first) != 0) {
		st = rf_error_set(err, RF_ENOMEM, "out of memory");
		goto out;
	}
	if (p->cfg->db != NULL && first.fp.kind != RF_FP_EMPTY &&
	    (st = keep_pending(r, m, &first, rcpts, nrcpts, err)) == RF_OK)
		m = NULL;	/* now the pending update's */
out:
	if (gen != NULL)
		cls_live_release(p->cls, gen);
	rf_rewrite_free(rw);
	rf_message_free(m);
	return st;
}

static int
add_header(struct pipeline_result *r, size_t *cap, const char *name,
	   const char *value)
{
	if (value == NULL)
		return -1;
	if (r->nheaders == *cap && rf_arena_grow(r->arena,
	    (void **)&r->headers, cap, r->nheaders, sizeof(*r->headers)) != 0)
		return -1;
	r->headers[r->nheaders].name = name;
	r->headers[r->nheaders].value = value;
	r->nheaders++;
	return 0;
}

/* join: v[0..n) into b, separated by "; ", as far as b takes them. */
static void
join(rf_buf *b, const char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((i > 0 && rf_buf_puts(b, "; ") != 0) ||
		    rf_buf_puts(b, v[i]) != 0)
			break;
}

/* VERDICT_NAME_MAX: bytes of the verdict name printable() keeps. */
#define VERDICT_NAME_MAX 64

/* the reject reply's room for its reason: reject_text, the verdict
 * (with printable's "..."), " (verdict ", ": ", ")" and 20 of reason */
_Static_assert(CONFIG_REPLY_TEXT_MAX + VERDICT_NAME_MAX + 3 + 13 + 20 <=
    SMTP_REPLY_TEXT_MAX, "reject_text leaves no room for the reason");

/* reject_reply: the text of the 550 5.7.1 reply: text, then the verdict
 * and reason in parentheses, the reason cut (ending in "...") so that the
 * whole reply line fits SMTP_REPLY_LINE_MAX (the verdict and the reasons
 * are printable ASCII, printable(): any cut falls between two characters);
 * NULL when out of memory. */
static char *
reject_reply(rf_arena *a, const char *text, const char *verdict,
	     const char *reason)
{
	char *head;
	size_t room;

	if ((head = rf_arena_printf(a, "%s (verdict %s: ", text,
	    verdict)) == NULL)
		return NULL;
	room = SMTP_REPLY_TEXT_MAX - strlen(head) - 1;
	if (strlen(reason) <= room)
		return rf_arena_printf(a, "%s%s)", head, reason);
	return rf_arena_printf(a, "%s%.*s...)", head, (int)(room - 3), reason);
}

/* describe: the headers to add and the reply text, from the verdict. */
static rf_status
describe(struct pipeline *p, struct pipeline_result *r, rf_error *err)
{
	const struct config *c = p->cfg;
	rf_buf reasons, signs;
	size_t cap = 0;
	int bad = 0;

	rf_buf_init(&reasons, REASONS_HEADER_MAX);
	rf_buf_init(&signs, REASONS_HEADER_MAX);
	join(&reasons, r->reasons, r->nreasons);
	join(&signs, r->signs, r->nsigns);
	bad |= add_header(r, &cap, "X-Redflag-Verdict",
	    printable(r->arena, r->verdict, VERDICT_NAME_MAX));
	bad |= add_header(r, &cap, "X-Redflag-Score",
	    rf_arena_printf(r->arena, "%.2f", r->score));
	bad |= add_header(r, &cap, "X-Redflag-Campaign",
	    printable(r->arena, *r->campaign != '\0' ? r->campaign : "none",
	    128));
	bad |= add_header(r, &cap, "X-Redflag-Reasons",
	    printable(r->arena, r->nreasons > 0 ? rf_buf_cstr(&reasons) :
	    "none", REASONS_HEADER_MAX));
	if (r->nsigns > 0)
		bad |= add_header(r, &cap, "X-Redflag-Signs",
		    printable(r->arena, rf_buf_cstr(&signs),
		    REASONS_HEADER_MAX));
	bad |= add_header(r, &cap, "X-Redflag-Action",
	    action_name(r->action));
	if (r->unsub)	/* as redflag clean says it */
		bad |= add_header(r, &cap, CLEAN_UNSUB_HEADER,
		    CLEAN_UNSUB_WORDS);
	if (!bad && r->action == ACTION_REJECT)	/* headers[0]: verdict */
		r->reply = reject_reply(r->arena, c->reject_text != NULL ?
		    c->reject_text : "Message refused by redflag",
		    r->headers[0].value, r->nreasons > 0 ? r->reasons[0] :
		    "no reason given");
	else if (r->action == ACTION_TEMPFAIL)
		r->reply = rf_arena_printf(r->arena, "%s",
		    c->tempfail_text != NULL ? c->tempfail_text :
		    "Message deferred by redflag, try again later");
	rf_buf_free(&reasons);
	rf_buf_free(&signs);
	if (bad || ((r->action == ACTION_REJECT ||
	    r->action == ACTION_TEMPFAIL) && r->reply == NULL))
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	return RF_OK;
}

rf_status
pipeline_run(struct pipeline *p, const char *msg, size_t len,
	     const char *const *rcpts, size_t nrcpts,
	     struct pipeline_result *out, rf_error *err)
{
	rf_status st;

	memset(out, 0, sizeof(*out));
	if (len > p->cfg->limits.max_message_size)
		return rf_error_set(err, RF_ELIMIT, "message larger than "
		    "max_message_size (%zu bytes)",
		    p->cfg->limits.max_message_size);
	if ((out->arena = rf_arena_new()) == NULL)
		return rf_error_set(err, RF_ENOMEM, "out of memory");
	if ((st = analyse(p, msg, len, rcpts, nrcpts, out, err)) != RF_OK)
		goto fail;
	out->action = config_action_for(p->cfg, out->verdict);
	if (!p->cfg->rewrite || out->action == ACTION_ACCEPT) {
		out->body = NULL;
		out->body_len = 0;
	}
	if ((st = describe(p, out, err)) != RF_OK)
		goto fail;
	return RF_OK;
fail:
	/* the store opened again, then the message failed: said with it */
	if (out->notice != NULL && err != NULL) {
		char why[RF_ERROR_MAX];

		snprintf(why, sizeof(why), "%s", err->msg);
		rf_error_set(err, st, "%s; then: %s", out->notice, why);
	}
	pipeline_result_free(out);
	return st;
}

rf_status
pipeline_commit(struct pipeline *p, struct pipeline_result *r,
		rf_error *err)
{
	struct pending *pd = r->pending;
	rf_copy_links own;
	rf_campaign camp;
	rf_status st;

	if (pd == NULL)
		return RF_OK;
	pthread_mutex_lock(&p->store_lock);
	/* counted in the file now at the path: it may have moved since
	 * pipeline_run */
	st = store_current(p, r, err);
	if (st == RF_OK)
		st = rf_tracking_skeleton(pd->m, &own, err);
	if (st == RF_OK)
		st = rf_campaign_add(p->store, &pd->fp, pd->rcpts, pd->nrcpts,
		    pd->m->subject, own.urls, own.n, (int64_t)time(NULL),
		    &camp, err);
	pthread_mutex_unlock(&p->store_lock);
	rf_message_free(pd->m);
	r->pending = NULL;
	return st;
}

void
pipeline_result_free(struct pipeline_result *r)
{
	struct pending *pd = r->pending;

	if (pd != NULL)
		rf_message_free(pd->m);
	rf_arena_free(r->arena);
	memset(r, 0, sizeof(*r));
}
