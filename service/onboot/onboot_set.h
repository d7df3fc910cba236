/* onboot_set.h: the recorded onboot set, STATE_PATH/onboot.set (format: common/manifest.h,
 * MANIFEST_SET): the scripts `onboot NAME...` put in the image, in start order, each with the
 * <NAME>_OPT it was built with. The kernel hooks build it for every new kernel. */
#pragma once
#include <stddef.h>

#include "manifest.h"
#include "onboot_manifest.h"
#include "settings.h"

#define ONBOOT_SET_FILE "onboot.set"

/* STATE_PATH/onboot.set, newly allocated (NULL on ENOMEM). */
char *onboot_set_path(const struct settings *s);
/* Reads the set: 0 and *ret (no file: an empty set), or -errno / -EBADMSG after log_error.
 * A line that was ignored is an error: a set is only ever written by us. */
int onboot_set_read(const struct settings *s, struct manifest *ret);
/* Records v (in order) with each script's <NAME>_OPT from s; n == 0 removes the file (the set
 * is cleared). Atomic. 0 or -errno after log_error. */
int onboot_set_write(const struct settings *s, const struct onboot_script *v, size_t n);
/* The set's names in order (*ret, never NULL on success), each one's recorded options set as
 * its <NAME>_OPT in s for this run. 0 or -ENOMEM. */
int onboot_set_apply(struct settings *s, const struct manifest *set, char ***ret);
