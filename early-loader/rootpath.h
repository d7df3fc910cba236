/* rootpath.h: paths below the test root (STAP_EARLY_LOADER_ROOT; "" at boot). */
#pragma once
#include <stddef.h>

/* Writes root (may be NULL or "") followed by path into buf: 0, or -ENAMETOOLONG. */
int root_path(char *buf, size_t size, const char *root, const char *path);
