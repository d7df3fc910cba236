/* onboot_set.h: the recorded onboot set, STATE_PATH/onboot.set (format: common/manifest.h,
 * MANIFEST_SET): the scripts `onboot NAME...` put in the image, in start order, each with the
 * options it was built with. The kernel hooks build it for every new kernel. */
#pragma once
#include <stddef.h>

#include "manifest.h"
#include "onboot_manifest.h"

#define ONBOOT_SET_FILE "onboot.set"

/* state_path/onboot.set, newly allocated (NULL on ENOMEM). */
char *onboot_set_path(const char *state_path);
/* Reads the set of state_path: 0 and *ret (no file: an empty set), or -errno / -EBADMSG after
 * log_error (a FIFO or a file over MANIFEST_FILE_MAX is refused). A line that was ignored is an
 * error: a set is only ever written by us. */
int onboot_set_read(const char *state_path, struct manifest *ret);
/* Records v (in order, each with v[i].opts) in state_path; n == 0 removes the file (the set is
 * cleared). Atomic. 0 or -errno after log_error. */
int onboot_set_write(const char *state_path, const struct onboot_script *v, size_t n);
/* The set's scripts as an onboot request holds them: names in order, each with the options
 * the set records. 0 and *ret, *ret_n, or -ENOMEM. */
int onboot_set_scripts(const struct manifest *set, struct onboot_script **ret, size_t *ret_n);
