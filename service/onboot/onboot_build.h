/* onboot_build.h: the image of one onboot transaction (onboot_build.c): dracut into a temp
 * image beside the output, that image checked in C, then renamed over the output. */
#pragma once
#include "onboot_request.h"

/* The name of our dracut module (dracut-module/99systemtap). */
#define ONBOOT_DRACUT_MODULE "systemtap"

/* Prints req's Creating line, runs DRACUT [DRACUT_OPTS] --force [--add systemtap] TMP KVER with
 * STAP_ONBOOT_MANIFEST=manifest_path and STAP_EARLY_LOADER in its environment, checks TMP
 * (onboot_image_check) against manifest_text and each script's module, renames it over
 * req->output (the old one kept as OUTPUT.bak with req->backup) and ends the line with "done";
 * where dracut's log went and the backup are details (log_detail). On failure: "error", "The
 * initramfs creation is unsuccessful: <why>", dracut's last lines and its log, the temp image
 * removed and the output as it was. 0 or -errno. */
int onboot_build(const struct onboot_request *req, const char *manifest_path,
		 const char *manifest_text);
