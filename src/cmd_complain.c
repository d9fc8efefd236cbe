/*
 * cmd_complain.c - redflag complain: the recipient marked a message as
 * spam.  Its campaign and its sender domain gain a complaint and the
 * recipient's consent for that sender is revoked; the classifier (when one
 * is configured or given) learns the message as spam.  One recipient's
 * complaint counts once per campaign and per sender domain.
 * redflag-complain(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "redis_auth.h"
#include "commands.h"
#include "feedback.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: %s complain [--db PATH] [-c FILE] [--rcpt ADDR]\n"
	    "                        [--keep-consent] [--classifier DB | "
	    "--no-learn]\n"
	    "                        [FILE|-]\n\n"
	    "Record that the recipient marked the message in FILE (standard\n"
	    "input when FILE is - or absent) as spam: its campaign and its\n"
	    "sender domain gain a complaint, and the recipient's consent for\n"
	    "that sender (address, list, domain) is revoked, and the\n"
	    "classifier learns it as spam.  One recipient's complaint counts\n"
	    "once per campaign and once per sender domain: a repeat says\n"
	    "\"already counted\" and changes no count.\n\n"
	    "  --db PATH       the store; overrides redflag.conf's db\n"
	    "  --rcpt ADDR     the recipient (default: Delivered-To,\n"
	    "                  X-Original-To, then To)\n"
	    "  --keep-consent  do not revoke consent\n"
	    "  --classifier DB the classifier's token database (a SQLite\n"
	    "                  file or redis://...); default redflag.conf's\n"
	    "                  classifier, and none when unset\n"
	    "  --no-learn      the classifier learns nothing\n"
	    "  -c, --config FILE  settings (redflag.conf(5))\n"
	    "  --set NAME=VALUE   one setting after the file (a verdict\n"
	    "                  setting or a limit)\n"
	    "\nexit status: 0 recorded (or counted before), 1 input unreadable\n"
	    "or not one message\n"
	    "(empty, a folder, an mbox of several), 64 usage error, 69 the\n"
	    "store or classifier could not be opened, 70 store failure\n",
	    RF_PROG);
	redis_auth_help(f);
}

void
complaint_print(const struct complaint *c)
{
	char esc[128], who[128];
	int has_c = c->campaign[0] != '\0', has_d = c->domain[0] != '\0';
	int again_c = has_c && c->campaign_counted == 0;
	int again_d = has_d && c->domain_counted == 0;
	int now = (has_c && c->campaign_counted == 1) ||
	    (has_d && c->domain_counted == 1);
	/* nothing counted now: every count there was had this recipient's
	 * complaint already */
	int again = (again_c || again_d) && !now;

	cli_escape(who, sizeof(who), c->recipient, 100);
	if (again)
		printf("already counted: %s's complaint about campaign %s",
		    who, has_c ? c->campaign : "unknown");
	else
		printf("complaint recorded: campaign %s", has_c ?
		    c->campaign : "unknown");
	if (has_c)
		printf(" (%llu complaint%s%s%s)",
		    (unsigned long long)c->campaign_complaints,
		    c->campaign_complaints == 1 ? "" : "s",
		    again_c && !again ? "; counted before for " : "",
		    again_c && !again ? who : "");
	if (has_d)
		printf("; %s: %llu complaint%s%s%s", cli_escape(esc,
		    sizeof(esc), c->domain, 100),
		    (unsigned long long)c->domain_complaints,
		    c->domain_complaints == 1 ? "" : "s",
		    again_d && !again ? " (counted before for " : "",
		    again_d && !again ? who : "");
	if (again_d && !again)
		putchar(')');
	printf("; %zu consent record%s revoked", c->revoked,
	    c->revoked == 1 ? "" : "s");
	if (c->classified)
		printf("; classifier: %s", c->learned ? "learned as spam" :
		    "learned as spam before");
	putchar('\n');
}

int
cmd_complain(int argc, char **argv)
{
	struct feedback fb;
	struct complaint c;
	const char *rcpt = NULL, *path = NULL, *cls = NULL;
	int keep = 0, nolearn = 0, r, rc = RF_EXIT_USAGE;
	const struct feedback_opt opts[] = {
		{ "--rcpt", &rcpt, NULL },
		{ "--keep-consent", NULL, &keep },
		{ "--classifier", &cls, NULL },
		{ "--no-learn", NULL, &nolearn },
	};
	size_t len = 0, npos;
	char *data = NULL;

	feedback_init(&fb);
	if ((r = feedback_args(&fb, argc, argv, opts, 4, &path, 1, &npos,
	    "complain", usage)) != 0) {
		rc = r > 0 ? RF_EXIT_OK : RF_EXIT_USAGE;
		goto out;
	}
	if (nolearn && cls != NULL) {
		cli_warn("complain: --classifier or --no-learn, not both");
		usage(stderr);
		goto out;
	}
	if (rcpt != NULL && !cli_address_ok("complain", "--rcpt", rcpt))
		goto out;
	if (cls != NULL && !cli_store_ok("complain", "--classifier", cls))
		goto out;
	/* the message first: an unreadable one makes no store */
	if ((data = feedback_read(&fb, path, &len, "complain")) == NULL) {
		rc = RF_EXIT_INPUT;
		goto out;
	}
	if ((rc = feedback_open(&fb, 1, "complain")) != 0 ||
	    (!nolearn && (rc = feedback_classifier(&fb, cls,
	    "complain")) != 0))
		goto out;
	rc = RF_EXIT_SOFTWARE;
	if (feedback_complain(&fb, data, len, rcpt, 1, 1, !keep, &c) != 0)
		goto out;
	complaint_print(&c);
	rc = RF_EXIT_OK;
out:
	free(data);
	feedback_free(&fb);
	return rc;
}
