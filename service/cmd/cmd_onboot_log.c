/* cmd_onboot_log.c: `onboot --save-log` and `onboot --close-log`, what
 * systemtap-onboot-log.service runs once the local file systems are mounted and before they
 * are unmounted: each collector of a script started at boot is given ONBOOT_LOG_DIR (as an
 * open directory: its own "/" is the old initramfs) to write NAME.log there, or asked to close
 * it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "onboot_collect.h"
#include "strv.h"

/* ONBOOT_LOG_DIR, made when missing (root's, 0755), opened: the fd, or -errno (logged). A
 * directory others may write to is refused: a collector runs as root. */
static int open_log_dir(const struct settings *s)
{
	struct stat st = {0};
	int fd, r;

	r = mkdir_p(s->onboot_log_dir, 0755);
	if (r < 0)
		return log_error_errno(r, "Failed to make ONBOOT_LOG_DIR %s", s->onboot_log_dir);
	fd = open(s->onboot_log_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return log_error_errno(-errno, "Failed to open ONBOOT_LOG_DIR %s",
				       s->onboot_log_dir);
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
		close(fd);
		log_error("ONBOOT_LOG_DIR %s is not only ours to write (owner %d, mode %04o): "
			  "not saving anything there",
			  s->onboot_log_dir, (int)st.st_uid, (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return fd;
}

/* Sends req to every collector that listens. EXIT_OK, or EXIT_FAIL when one refused. */
static int each_collector(struct invocation *inv, const struct collect_request *req, int fd)
{
	_cleanup_strv_free_ char **names = NULL;
	int rc = EXIT_OK, n = 0;

	if (collect_names(inv->s, &names) < 0)
		return EXIT_FAIL;
	for (size_t i = 0; names[i]; i++) {
		char reply[COLLECT_MSG_MAX];
		int r = collect_request(inv->s, names[i], req, fd, reply, sizeof(reply));

		if (r == -ECONNREFUSED) {
			/* Ended: its file is complete, or it never had one (its state says). */
			log_line("%s: its collector has ended", names[i]);
			continue;
		}
		n++;
		/* One line each; the command's final newline ends the last. */
		if (r == 0 && req->verb == COLLECT_SAVE)
			clog("%sSaving the output of %s to %s", n > 1 ? "\n" : "", names[i], reply);
		else if (r == 0)
			clog("%sClosed the output file of %s", n > 1 ? "\n" : "", names[i]);
		else {
			log_error("Failed to %s the output of %s: %s",
				  req->verb == COLLECT_SAVE ? "save" : "close", names[i],
				  r == -EPROTO ? reply : errno_reason(r));
			rc = EXIT_FAIL;
		}
	}
	if (n == 0)
		clog("No SystemTap script started at boot is running with a collector");
	return rc;
}

/* Both act on every collector there is. */
static bool no_names(const struct invocation *inv)
{
	if (inv->names_given || inv->output || inv->image || inv->backup) {
		log_error("onboot --save-log and --close-log take no script names and no -o, -b "
			  "or --image");
		return false;
	}
	return true;
}

int cmd_onboot_save_log(struct invocation *inv)
{
	struct collect_request req = {.verb = COLLECT_SAVE};
	_cleanup_close_ int fd = -1;

	if (!no_names(inv))
		return EXIT_USAGE;
	if (strlen(inv->s->onboot_log_dir) >= sizeof(req.dir)) {
		log_error("ONBOOT_LOG_DIR %s is too long", inv->s->onboot_log_dir);
		return EXIT_FAIL;
	}
	snprintf(req.dir, sizeof(req.dir), "%s", inv->s->onboot_log_dir);
	fd = open_log_dir(inv->s);
	if (fd < 0)
		return EXIT_FAIL;
	return each_collector(inv, &req, fd);
}

int cmd_onboot_close_log(struct invocation *inv)
{
	struct collect_request req = {.verb = COLLECT_CLOSE};

	if (!no_names(inv))
		return EXIT_USAGE;
	return each_collector(inv, &req, -1);
}
