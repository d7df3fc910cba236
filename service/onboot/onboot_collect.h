/* onboot_collect.h: the output collectors of the scripts started at boot, as the service sees
 * them: their files in STAT_PATH/onboot.d (NAME.sock, NAME.state: common/collect_proto.h),
 * their processes, and requests to them. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "collect_proto.h"
#include "settings.h"

/* STAT_PATH/onboot.d, newly allocated, or NULL (ENOMEM). */
char *collect_dir(const struct settings *s);

/* The names of the collectors (every valid NAME.state or NAME.sock there), sorted, as a
 * strv (empty when there are none). 0 or -errno (logged). */
int collect_names(const struct settings *s, char ***ret);

/* Reads STAT_PATH/onboot.d/NAME.state: 1 and *ret, 0 when there is none, -errno (logged;
 * a file it cannot parse is -EBADMSG). */
int collect_state_read(const struct settings *s, const char *name, struct collect_state *ret);

/* True when process pid is name's collector: it runs a program called stap-early-loader
 * (also "(deleted)": the initramfs is gone after switch-root), its argv[0] starts with '@'
 * and its fd 3 is name's control channel (collect_ctl_is_of): a pid reused by anything else,
 * another script's collector included, is not. PROC_PATH is the /proc read. */
bool collect_is_of(const struct settings *s, pid_t pid, const char *name);

/* Sends req (with fd as SCM_RIGHTS when fd >= 0) to name's socket and waits at most a few
 * seconds for its answer: 0 and the text after "ok " in reply, -EPROTO and the text after
 * "error " in reply, -ECONNREFUSED when no collector listens (any more), or -errno. Does not
 * log. */
int collect_request(const struct settings *s, const char *name, const struct collect_request *req,
		    int fd, char *reply, size_t size);
