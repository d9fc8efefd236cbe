/* report.c - analysed messages as printer output (docs/json.md). */
#include <string.h>
#include <time.h>

#include "report.h"

static void
str_list(struct sprinter *sp, const char *const *v, size_t n)
{
	size_t i;

	sp->begin_list(sp);
	for (i = 0; i < n; i++)
		sp->string(sp, v[i]);
	sp->end(sp);
}

/* token_listed: whether token i of k is listed: not when an earlier
 * token has its range (two tests found it), nor when it only wraps a
 * shorter token of the same link ("ID.gif" around "ID", found as a file
 * name and as an opaque id); a token that is the whole URL (a web bug)
 * is always listed (docs/json.md, a link's tokens). */
static int
token_listed(const rf_link *k, size_t i)
{
	const rf_token *t = &k->tokens[i], *u;
	size_t j, whole = strlen(k->url);

	for (j = 0; j < k->ntokens; j++) {
		u = &k->tokens[j];
		if (j < i && u->off == t->off && u->len == t->len)
			return 0;
		if (t->len < whole && u->len < t->len && u->off >= t->off &&
		    u->off + u->len <= t->off + t->len)
			return 0;
	}
	return 1;
}

static void
link_obj(struct sprinter *sp, const rf_link *k, int full)
{
	size_t i;

	sp->begin_map(sp);
	SP_KV_STR(sp, "url", k->url);
	if (full || (k->normalized != NULL &&
	    strcmp(k->normalized, k->url) != 0))
		SP_KV_STR(sp, "normalized", k->normalized);
	SP_KV_STR(sp, "kind", rf_link_kind_name(k->kind));
	if (full) {
		SP_KV_STR(sp, "host", k->host);
		SP_KV_STR(sp, "host_unicode", k->host_unicode);
		SP_KV_STR(sp, "domain", k->domain);
	}
	SP_KV_STR(sp, "text", k->text);
	SP_KV_STR(sp, "text_host", k->text_host);
	if (k->kind == RF_LINK_IMG || full) {
		if (k->width >= 0 || full) {
			if (k->width >= 0)
				SP_KV_INT(sp, "width", k->width);
			else
				SP_KV_STR(sp, "width", NULL);
		}
		if (k->height >= 0 || full) {
			if (k->height >= 0)
				SP_KV_INT(sp, "height", k->height);
			else
				SP_KV_STR(sp, "height", NULL);
		}
		SP_KV_STR(sp, "style", k->style);
	}
	if (full || (k->flags & RF_LINKF_HIDDEN))
		SP_KV_BOOL(sp, "hidden", (k->flags & RF_LINKF_HIDDEN) != 0);
	if (full || k->tracking) {
		SP_KV_BOOL(sp, "tracking", k->tracking);
		SP_KEY(sp, "tokens");
		sp->begin_list(sp);
		for (i = 0; i < k->ntokens; i++)
			if (token_listed(k, i))
				sp->string_len(sp, k->url + k->tokens[i].off,
				    k->tokens[i].len);
		sp->end(sp);
		SP_KEY(sp, "reasons");
		str_list(sp, k->reasons, k->nreasons);
	}
	if (full || (k->clean != NULL && strcmp(k->clean, k->url) != 0))
		SP_KV_STR(sp, "clean", k->clean != NULL ? k->clean : k->url);
	sp->end(sp);
}

static void
body(struct sprinter *sp, const rf_message *m, int full)
{
	size_t i;

	SP_KEY(sp, "links");
	sp->begin_list(sp);
	for (i = 0; i < m->links.n; i++)
		link_obj(sp, &m->links.v[i], full);
	sp->end(sp);
	if (full || m->nattachments > 0) {
		SP_KEY(sp, "attachments");
		sp->begin_list(sp);
		for (i = 0; i < m->nattachments; i++) {
			const rf_attachment *at = &m->attachments[i];

			sp->begin_map(sp);
			SP_KV_STR(sp, "name", at->filename);
			SP_KV_STR(sp, "type", at->content_type);
			SP_KV_INT(sp, "size", (long long)at->size);
			SP_KV_STR(sp, "sha256", at->sha256);
			sp->end(sp);
		}
		sp->end(sp);
	}
	if (full || m->nembedded > 0) {
		SP_KEY(sp, "embedded");
		sp->begin_list(sp);
		for (i = 0; i < m->nembedded; i++) {
			const rf_message *e = m->embedded[i];

			sp->begin_map(sp);
			SP_KV_STR(sp, "message_id", e->message_id);
			SP_KV_STR(sp, "from", e->from);
			SP_KV_STR(sp, "subject", e->subject);
			SP_KV_STR(sp, "date", e->date);
			body(sp, e, full);
			sp->end(sp);
		}
		sp->end(sp);
	}
	if (full || (m->flags & (RF_MSG_HTML_SCRIPT | RF_MSG_HTML_STYLE |
	    RF_MSG_HTML_HIDDEN))) {
		SP_KEY(sp, "html");
		sp->begin_map(sp);
		SP_KV_BOOL(sp, "script", (m->flags & RF_MSG_HTML_SCRIPT) != 0);
		SP_KV_BOOL(sp, "style", (m->flags & RF_MSG_HTML_STYLE) != 0);
		SP_KV_BOOL(sp, "hidden_text",
		    (m->flags & RF_MSG_HTML_HIDDEN) != 0);
		sp->end(sp);
	}
}

void
report_head(struct sprinter *sp, const char *source, const rf_message *m,
	    const char *recipient, int full)
{
	unsigned i;

	sp->begin_map(sp);
	if (full)
		SP_KV_INT(sp, "schema", REPORT_SCHEMA);
	SP_KV_STR(sp, "source", source);
	SP_KV_STR(sp, "message_id", m->message_id);
	SP_KV_STR(sp, "recipient", recipient);
	SP_KV_STR(sp, "from", m->from);
	SP_KV_STR(sp, "subject", m->subject);
	SP_KV_STR(sp, "date", m->date);
	SP_KV_INT(sp, "size", (long long)m->size);
	if (full || (m->flags & RF_MSG_MIME_DAMAGED))
		SP_KV_BOOL(sp, "mime_damaged",
		    (m->flags & RF_MSG_MIME_DAMAGED) != 0);
	if (full || m->limits_hit) {
		SP_KEY(sp, "limits");
		sp->begin_list(sp);
		for (i = 0; i < RF_LIMIT__COUNT; i++)
			if (m->limits_hit & (1u << i))
				sp->string(sp, rf_limit_name(1u << i));
		sp->end(sp);
	}
	body(sp, m, full);
}

/* classifier: "classifier": {"p", "untrained", "tokens": [{"text", "f"}]}
 * (the most spam-like tokens first, then the most ham-like), or null. */
static void
classifier(struct sprinter *sp, const rf_cls_result *c)
{
	size_t i;

	SP_KEY(sp, "classifier");
	if (c == NULL) {
		sp->null(sp);
		return;
	}
	sp->begin_map(sp);
	SP_KEY(sp, "p");
	sp->real(sp, c->p);
	SP_KV_BOOL(sp, "untrained", c->untrained != 0);
	SP_KEY(sp, "tokens");
	sp->begin_list(sp);
	for (i = 0; i < c->nspammy + c->nhammy; i++) {
		const rf_cls_token *t = i < c->nspammy ? &c->spammy[i] :
		    &c->hammy[i - c->nspammy];

		sp->begin_map(sp);
		SP_KV_STR(sp, "text", t->text);
		SP_KEY(sp, "f");
		sp->real(sp, t->f);
		sp->end(sp);
	}
	sp->end(sp);
	sp->end(sp);
}

void
report_tail(struct sprinter *sp, const struct report_extra *x, int full)
{
	size_t r;

	SP_KV_STR(sp, "verdict", x->verdict);
	SP_KEY(sp, "score");
	if (x->verdict != NULL)
		sp->real(sp, x->score);
	else
		sp->null(sp);
	if (full || x->cls != NULL)
		classifier(sp, x->cls);
	SP_KEY(sp, "campaign");
	if (x->campaign.id != NULL) {
		sp->begin_map(sp);
		SP_KV_STR(sp, "id", x->campaign.id);
		SP_KV_INT(sp, "size", x->campaign.size);
		SP_KV_INT(sp, "copies", x->campaign.copies);
		if (full || x->campaign.first_seen <= 0) {
			SP_KV_INT(sp, "first_seen", x->campaign.first_seen);
		} else {
			/* the text report: a date a reader can read, as
			 * redflag campaigns prints it (UTC) */
			time_t t = (time_t)x->campaign.first_seen;
			char when[32];
			struct tm tm;

			if (gmtime_r(&t, &tm) != NULL && strftime(when,
			    sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
				SP_KV_STR(sp, "first_seen", when);
			else
				SP_KV_INT(sp, "first_seen",
				    x->campaign.first_seen);
		}
		sp->end(sp);
	} else {
		sp->null(sp);
	}
	if (full || x->nreasons > 0) {
		SP_KEY(sp, "reasons");
		sp->begin_list(sp);
		for (r = 0; r < x->nreasons; r++)
			sp->string(sp, x->reasons[r]);
		sp->end(sp);
	}
	if (full || x->nsigns > 0) {
		SP_KEY(sp, "signs");
		str_list(sp, x->signs, x->nsigns);
	}
	sp->end(sp);
	sp->separator(sp);
}

void
report_message(struct sprinter *sp, const char *source, const rf_message *m,
	       const struct report_extra *x, int full)
{
	report_head(sp, source, m, x->recipient, full);
	report_tail(sp, x, full);
}

void
report_error(struct sprinter *sp, const char *source, const char *msg)
{
	sp->begin_map(sp);
	SP_KV_STR(sp, "source", source);
	sp_kv_escaped(sp, "error", msg);
	sp->end(sp);
	sp->separator(sp);
}
