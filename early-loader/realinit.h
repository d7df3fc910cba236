/* realinit.h: find and exec the init that the loader runs before (earliest mode). */
#pragma once

/* Where the dracut module moves the image's own /init when it makes /init the loader. */
#define REAL_INIT_PATH "/init.real"

/* Execs the real init below root ("" at boot) with argv[1..] and the environment unchanged:
 * REAL_INIT_PATH, then /init, then systemd and the kernel's own fallbacks (/sbin/init,
 * /etc/init, /bin/init, /bin/sh), skipping every candidate that is this very program (/init
 * is our symlink; rdinit= may name the loader). Each failure is logged. Returns only when
 * none could be exec'd: the last -errno. */
int realinit_exec(const char *root, char **argv);
