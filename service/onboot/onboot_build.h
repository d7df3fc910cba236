/* onboot_build.h: one dracut run for onboot, from staged manifest to committed image. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "onboot_manifest.h"
#include "settings.h"

/* The name of our dracut module (dracut-module/99systemtap). */
#define ONBOOT_DRACUT_MODULE "systemtap"

struct onboot_request {
	const struct settings *s;
	const char *output;	   /* absolute path of the image to replace */
	const char *dracut;	   /* full path of dracut */
	const char *loader;	   /* stap-early-loader for the image; NULL without scripts */
	const char *manifest_path; /* the staged snapshot's manifest: what dracut packs */
	const char *manifest_text; /* its text, for the image check */
	struct onboot_script *v;   /* the scripts, in start order */
	size_t n;		   /* 0: a plain image, and the manifest lists none */
	bool backup;		   /* -b: keep the old image as OUTPUT.bak */
};

/* Prints " Creating initramfs with A B ... " (or "without scripts"), runs DRACUT
 * [DRACUT_OPTS] --force [--add systemtap] TMP KVER with STAP_ONBOOT_MANIFEST=manifest_path and
 * STAP_EARLY_LOADER in its environment, checks TMP (onboot_image_verify) against
 * manifest_text and each v[i].ko_path, then renames TMP over the output and prints "done" and
 * where dracut's log went. On failure: "error", "The initramfs creation is unsuccessful: <why>",
 * the temp image removed, the output as it was. 0 or -errno. */
int onboot_build(const struct onboot_request *req);
