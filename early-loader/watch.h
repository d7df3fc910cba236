/* watch.h: the one window at the end of a run (watch.c). */
#pragma once
#include <stddef.h>

#include "loader.h"

/* The final window: watches the n armed modules' channels together until cfg->window_ms after
 * the latest STP_START reply, then detaches each; one that asked to exit meanwhile is
 * finished (left loaded) or, after error lines, ended and unloaded. Logs every change and sets
 * each outcome. */
void loader_watch(const struct loader_config *cfg, struct loader_armed *armed, size_t n);
