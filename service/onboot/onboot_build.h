/* onboot_build.h: one dracut run for onboot, from staged manifest to committed image. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "onboot_manifest.h"
#include "settings.h"

/* The name of our dracut module (dracut-module/90systemtap). */
#define ONBOOT_DRACUT_MODULE "systemtap"

struct onboot_request {
	const struct settings *s;
	const char *output;	       /* absolute path of the image to replace */
	const char *dracut;	       /* full path of dracut */
	const char *loader;	       /* stap-early-loader for the image; NULL without scripts */
	const struct onboot_script *v; /* the scripts, in start order */
	size_t n;		       /* 0: a plain image, and the manifest lists none */
	bool backup;		       /* -b: keep the old image as OUTPUT.bak */
};

/* Prints " Creating initramfs with A B ... " (or "without scripts"), stages the manifest of
 * KVER beside the cache, runs DRACUT [DRACUT_OPTS] --force [--add systemtap] TMP KVER with
 * STAP_ONBOOT_MANIFEST and STAP_EARLY_LOADER in its environment, checks TMP with lsinitrd,
 * then renames TMP over the output and the manifest into place and prints "done" and where
 * dracut's log went. On failure: "error", "The initramfs creation is unsuccessful: <why>",
 * both temp files removed, output and manifest as they were. 0 or -errno. */
int onboot_build(const struct onboot_request *req);
