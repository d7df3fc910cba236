/* cmd_onboot_status.h: the onboot snapshots a cleanup leaves behind (cmd_onboot_status.c). */
#pragma once
#include "settings.h"

/* After the cache of names was removed: for each one still in a kernel's onboot snapshot,
 * says that kernel's image still starts it (the snapshot keeps its module) and how to take it
 * out: onboot without it. */
void onboot_note_snapshots(const struct settings *s, char *const *names);
