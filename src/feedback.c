/*
 * feedback.c - stores and complaints for the consent, complain and arf
 * commands (see feedback.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "feedback.h"

void
feedback_init(struct feedback *fb)
{
	memset(fb, 0, sizeof(*fb));
	config_init(&fb->cfg);
}

void
feedback_free(struct feedback *fb)
{
	rf_classifier_close(fb->cls);
	rf_consent_close(fb->consent);
	rf_store_close(fb->store);
	rf_rules_free(fb->rules);
	rf_ctx_free(fb->ctx);
	config_free(&fb->cfg);
	memset(fb, 0, sizeof(*fb));
}

int
feedback_option(struct feedback *fb, const char *cmd, int argc, char **argv,
		int *i)
{
	int r;

	if (strcmp(argv[*i], "--db") == 0) {
		if (*i + 1 >= argc) {
			cli_warn("%s: --db needs a store (a SQLite file, "
			    "redis://HOST:PORT)", cmd);
			return -1;
		}
		fb->db = argv[++*i];
		return cli_store_ok(cmd, "--db", fb->db) ? 1 : -1;
	}
	if (strncmp(argv[*i], "--db=", 5) == 0) {
		fb->db = argv[*i] + 5;
		return cli_store_ok(cmd, "--db", fb->db) ? 1 : -1;
	}
	if ((r = redis_auth_option(&fb->cfg.redis, cmd, argc, argv, i)) != 0)
		return r;
	return config_option(&fb->cfg, cmd, argc, argv, i);
}

int
feedback_args(struct feedback *fb, int argc, char **argv,
	      const struct feedback_opt *opts, size_t nopts,
	      const char **pos, size_t maxpos, size_t *npos,
	      const char *prefix, void (*usage)(FILE *))
{
	char esc[512];
	size_t k;
	int i, r;

	*npos = 0;
	for (i = 1; i < argc; i++) {
		if ((r = feedback_option(fb, prefix, argc, argv, &i)) != 0) {
			if (r < 0)
				return -1;
			continue;
		}
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 1;
		}
		for (k = 0; k < nopts; k++)
			if (strcmp(argv[i], opts[k].name) == 0 &&
			    (opts[k].value == NULL || i + 1 < argc))
				break;
		if (k < nopts) {
			if (opts[k].value != NULL)
				*opts[k].value = argv[++i];
			else
				*opts[k].flag = 1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			/* a name of opts here lacks its value (a flag, or
			 * one with its value, was taken above) */
			const char *valued[] = { NULL, NULL };

			for (k = 0; k < nopts; k++)
				if (strcmp(argv[i], opts[k].name) == 0)
					valued[0] = opts[k].name;
			cli_bad_option(prefix, argv[i], valued);
			usage(stderr);
			return -1;
		} else if (*npos < maxpos) {
			pos[(*npos)++] = argv[i];
		} else {
			cli_warn("%s: too many arguments ('%s')", prefix,
			    cli_escape(esc, sizeof(esc), argv[i], 100));
			usage(stderr);
			return -1;
		}
	}
	return redis_auth_finish(&fb->cfg.redis, prefix, (const char *const[]){
	    fb->db != NULL ? fb->db : fb->cfg.db, fb->cfg.classifier }, 2);
}

int
feedback_open(struct feedback *fb, int campaigns, const char *prefix)
{
	const char *db = fb->db != NULL ? fb->db : fb->cfg.db;
	rf_store_options so;
	rf_error err;

	if (db == NULL) {
		cli_warn("%s: no store: give --db PATH, or -c FILE with "
		    "db = ... in it (such as -c /etc/redflag/redflag.conf)",
		    prefix);
		return RF_EXIT_USAGE;
	}
	if (fb->must_exist != NULL && cli_store_there(db, 1,
	    "redflag consent add", &err) != RF_OK) {
		cli_warn("%s: %s", fb->must_exist, err.msg);
		return RF_EXIT_UNAVAILABLE;
	}
	/* the campaign store first, so that a new SQLite file gets its
	 * schema (it refuses a file holding only other tables) */
	redis_auth_store_options(&fb->cfg.redis, &so);
	if (rf_store_open(db, &so, &fb->store, &err) != RF_OK ||
	    rf_consent_open(db, 0, &so.redis_auth, &fb->consent, &err) !=
	    RF_OK) {
		cli_warn_input(prefix, db, err.msg);
		return RF_EXIT_UNAVAILABLE;
	}
	if (!campaigns)
		return 0;
	if (rf_ctx_new(&fb->cfg.limits, &fb->ctx, &err) != RF_OK)
		goto fail;
	if ((fb->rules = cli_rules()) == NULL)
		return RF_EXIT_SOFTWARE;
	return 0;
fail:
	cli_warn("%s: %s", prefix, err.msg);
	return RF_EXIT_SOFTWARE;
}

int
feedback_classifier(struct feedback *fb, const char *loc, const char *prefix)
{
	rf_cls_params params;
	rf_error err;

	if (loc == NULL)
		loc = fb->cfg.classifier;
	if (loc == NULL)
		return 0;
	/* a Redis classifier beside a SQLite store: its password now */
	if (redis_auth_finish(&fb->cfg.redis, prefix, &loc, 1) != 0)
		return RF_EXIT_USAGE;
	rf_cls_params_default(&params);
	params.redis_auth = redis_auth_get(&fb->cfg.redis);
	if (rf_classifier_open(loc, &params, &fb->cls, &err) != RF_OK) {
		char esc[512];

		cli_warn("%s: classifier %s: %s", prefix, cli_escape(esc,
		    sizeof(esc), loc, 200), err.msg);
		return RF_EXIT_UNAVAILABLE;
	}
	return 0;
}

char *
feedback_read(struct feedback *fb, const char *path, size_t *len,
	      const char *prefix)
{
	return cli_read_one(prefix, path, &fb->cfg.limits, len, NULL);
}

int
feedback_complain(struct feedback *fb, const char *data, size_t len,
		  const char *rcpt, uint64_t n, int once, int revoke,
		  struct complaint *out)
{
	char rid[RF_STORE_RCPT_ID_LEN + 1];
	rf_analysis_cfg acfg;
	rf_analysis an;
	rf_campaign c;
	rf_cls_facts cf;
	rf_message *m = NULL;
	const char *at;
	rf_error err;
	rf_status st;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&cf, 0, sizeof(cf));
	memset(&acfg, 0, sizeof(acfg));
	acfg.rules = fb->rules;
	acfg.store = fb->store;
	if (rf_message_parse(fb->ctx, data, len, &m, &err) != RF_OK ||
	    rf_analysis_message(fb->ctx, &acfg, m, rcpt, &an, &err) != RF_OK)
		goto fail;
	if (an.recipient != NULL)
		snprintf(out->recipient, sizeof(out->recipient), "%s",
		    an.recipient);
	/* once per recipient: the store's id of the address, not the
	 * address; an unknown recipient counts each time */
	out->once = once && an.recipient != NULL;
	if (out->once)
		rf_store_rcpt_id(an.recipient, rid);
	/* the campaign: looked up, never added */
	if (an.fp.kind != RF_FP_EMPTY) {
		st = rf_campaign_lookup(fb->store, &an.fp, &c, &err);
		if (st == RF_OK) {
			memcpy(out->campaign, c.id, sizeof(out->campaign));
			out->campaign_counted = !out->once;
			st = out->once ? rf_campaign_complaint_once(fb->store,
			    out->campaign, rid, &out->campaign_counted, &err) :
			    rf_campaign_complaint(fb->store, out->campaign, n,
			    &err);
		}
		if (st == RF_OK)
			st = rf_campaign_get(fb->store, out->campaign, &c,
			    &err);
		if (st == RF_OK) {
			out->campaign_complaints = c.complaints;
			cf.campaign_size = (unsigned long)c.size;
		}
		else if (st == RF_ENOTFOUND)
			out->campaign[0] = '\0';
		else
			goto fail;
	}
	if (m->from_addr != NULL && (at = strrchr(m->from_addr, '@')) != NULL &&
	    strchr(at + 1, '.') != NULL) {
		out->domain_counted = !out->once;
		st = out->once ? rf_consent_complaint_once(fb->consent, at + 1,
		    rid, (int64_t)time(NULL), &out->domain_counted,
		    &out->domain_complaints, &err) : rf_consent_complaint(
		    fb->consent, at + 1, n, (int64_t)time(NULL),
		    &out->domain_complaints, &err);
		if (st != RF_OK && err.status != RF_EINVAL)
			goto fail;
		/* a From domain the store does not take (too long, a byte
		 * no domain has) counts nothing, as before, and was not
		 * counted before either */
		if (st != RF_OK)
			out->domain_counted = -1;
		snprintf(out->domain, sizeof(out->domain), "%s", at + 1);
	}
	if (revoke && an.recipient != NULL && rf_consent_revoke(fb->consent,
	    an.recipient, m->from_addr, m->list_id, &out->revoked, &err) !=
	    RF_OK && err.status != RF_EINVAL)
		goto fail;
	/* as classification sees it: with its campaign's size */
	if (fb->cls != NULL) {
		if (rf_classifier_learn(fb->cls, fb->ctx, m, &cf, 1,
		    &out->learned, &err) != RF_OK)
			goto fail;
		out->classified = 1;
	}
	rc = 0;
	goto out;
fail:
	cli_warn("complaint: %s", err.msg);
out:
	rf_message_free(m);
	return rc;
}
