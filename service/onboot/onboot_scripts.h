/* onboot_scripts.h: whether a compiled script can start at boot, and how (onboot_scripts.c). */
#pragma once
#include "onboot_manifest.h"
#include "onboot_util.h"
#include "settings.h"

/* Checks what the early loader can honour for sc (compiled already, for s->kernel_release):
 * its run options sc->opts (-o, -c, -x, -S and uprobes.ko are refused: no root file system, no
 * processes at that time; -s N becomes the buffer size), its cached .ko and its protocol.
 * Prints nothing. 0 and *ret: accepted (sc's ko_path, protocol, bufsize, ko_size filled) or
 * refused (why); -ENOMEM. */
int onboot_check_script(const struct settings *s, struct onboot_script *sc,
			struct onboot_verdict *ret);
