/* onboot_manifest.h: the per-kernel onboot manifest CACHE_PATH/KVER/onboot.manifest.
 *
 * Format 1 (docs/design.md): line 1 "stap-onboot-manifest 1", then "kernel KVER",
 * "log_boot_err yes|no" and one "script NAME protocol=P bufsize=N" line per script in start
 * order. The dracut module installs it unchanged; stap-early-loader reads it at boot. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onboot_tempfile.h"

#define ONBOOT_MANIFEST_NAME "onboot.manifest"
#define ONBOOT_MANIFEST_TEMP_PREFIX ".onboot.manifest."

/* A script as the manifest and the image check need it. */
struct onboot_script {
	char *name;
	int protocol;	  /* 4 or 5: control-channel numbering of the stap that built it */
	unsigned bufsize; /* MB for the module's buffer, 0 = the module's default */
	uint64_t ko_size; /* bytes of CACHE_PATH/NAME.ko */
};

void onboot_scripts_free(struct onboot_script *v, size_t n);
/* The manifest text for kernel kver; no scripts gives a valid manifest that lists none.
 * 0 and *ret (newly allocated), -EINVAL for a bad name/protocol/bufsize, -ENOMEM. */
int onboot_manifest_text(const char *kver, bool log_boot_err, const struct onboot_script *v,
			 size_t n, char **ret);
/* Writes text, fsynced, mode 0644, to a new locked temp file in cache_path, the directory of
 * the manifest (dracut reads it there: NAME.ko files are found beside it). 0 or -errno after
 * log_error. */
int onboot_manifest_stage(const char *cache_path, const char *text, struct onboot_temp *ret);
/* Renames the staged file over cache_path/onboot.manifest and fsyncs the directory. */
int onboot_manifest_commit(struct onboot_temp *staged, const char *cache_path);
