/*
 * milter_start.c - `redflag milter` before it serves: a store's missing
 * folder, the privileges dropped (milter_start.h).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "milter_start.h"

/* milter_missing_folder: see milter_start.h. */
const char *
milter_missing_folder(const char *const *loc, size_t n, char *buf, size_t size)
{
	char dir[PATH_MAX], esc[512];
	struct stat sb;
	const char *file, *slash;
	size_t i, len;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		/* the file as the store opens it (sqlite: taken off) */
		if (loc[i] == NULL || (file = rf_store_spec_file(loc[i])) ==
		    NULL || (slash = strrchr(file, '/')) == NULL)
			continue;
		len = slash == file ? 1 : (size_t)(slash - file);
		if (len >= sizeof(dir))
			continue;
		memcpy(dir, file, len);
		dir[len] = '\0';
		if (stat(dir, &sb) != 0 && errno == ENOENT) {
			snprintf(buf, size, " (the folder %s does not exist)",
			    cli_escape(esc, sizeof(esc), dir, 200));
			break;
		}
	}
	return buf;
}

/* milter_drop: see milter_start.h. */
int
milter_drop(const struct config *cfg)
{
	const char *path = config_socket_path(cfg->socket);
	struct passwd *pw = NULL;
	char esc[512];
	uid_t uid = 0;
	gid_t gid = 0;

	if (cfg->user != NULL) {
		if ((pw = getpwnam(cfg->user)) == NULL) {
			cli_warn("milter: no user '%s' (%s)", cli_escape(esc,
			    sizeof(esc), cfg->user, 100),
			    strcmp(cfg->user, "redflag") == 0 ?
			    "systemd-sysusers makes it" :
			    "make it, or name another in user =");
			return -1;
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
		if (path != NULL && chown(path, uid, gid) != 0) {
			cli_warn("milter: chown %s: %s", cli_escape(esc,
			    sizeof(esc), path, 200), strerror(errno));
			return -1;
		}
		if (initgroups(cfg->user, gid) != 0 || setgid(gid) != 0) {
			cli_warn("milter: cannot become group %lu: %s",
			    (unsigned long)gid, strerror(errno));
			return -1;
		}
	}
	if (cfg->chroot != NULL &&
	    (chroot(cfg->chroot) != 0 || chdir("/") != 0)) {
		cli_warn("milter: chroot %s: %s", cli_escape(esc,
		    sizeof(esc), cfg->chroot, 200), strerror(errno));
		return -1;
	}
	if (pw != NULL && (setuid(uid) != 0 || (uid != 0 && setuid(0) == 0))) {
		cli_warn("milter: cannot become user %s", cli_escape(esc,
		    sizeof(esc), cfg->user, 100));
		return -1;
	}
	return 0;
}
