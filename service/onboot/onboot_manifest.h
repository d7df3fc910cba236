/* onboot_manifest.h: the scripts one image starts, and their manifest text (format 1, written
 * by common/manifest_write.c: docs/design.md "Onboot manifest"). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One script of an onboot request: what the set records, the manifest lists, the snapshot
 * and the image check need. */
struct onboot_script {
	char *name;
	char *opts;	  /* its options as built (<NAME>_OPT, or the set's record); NULL: none */
	char *ko_path;	  /* the module that goes into the image: the cache's, then the
			   * snapshot's once staged */
	int protocol;	  /* 4 or 5: control-channel numbering of the stap that built it */
	unsigned bufsize; /* MB for the module's buffer, 0 = the module's default */
	uint64_t ko_size; /* bytes of ko_path */
};

void onboot_scripts_free(struct onboot_script *v, size_t n);
/* The manifest text for kernel kver (hook_mode: the cmdline hook starts the scripts, else the
 * loader as the image's /init; log_size: ONBOOT_LOG_SIZE); no scripts gives a valid manifest
 * that lists none. 0 and *ret (newly allocated), -EINVAL for a bad name/protocol/bufsize or
 * log_size, -ENOMEM. */
int onboot_manifest_text(const char *kver, bool log_boot_err, bool hook_mode,
			 unsigned long long log_size, const struct onboot_script *v, size_t n,
			 char **ret);
