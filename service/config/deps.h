/* deps.h: <script>_REQ dependency order. */
#pragma once
#include "settings.h"

/* Orders names so that requirements come first (post-order depth first, top level in the
 * given order), following <name>_REQ recursively; each script appears once even in a diamond.
 * A _REQ word that is not a valid script name: log_error and -EINVAL.
 * A loop: log_error("Dependency loop detected: a -> b -> a") and -ELOOP. 0 on success. */
int deps_sort(const struct settings *s, char *const *names, char ***ret_sorted);
