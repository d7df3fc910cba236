/* onboot_request.h: what one onboot transaction for one kernel is asked (onboot_request.c):
 * the scripts with their options, the image, and what is to stay. The command fills it once;
 * every step of the transaction reads it, none looks a script's options up again. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onboot_manifest.h"
#include "settings.h"

/* What becomes of the kernel's image. */
enum onboot_image_mode {
	ONBOOT_IMAGE_NONE,     /* none: the snapshot alone (onboot --refresh) */
	ONBOOT_IMAGE_BUILD,    /* built, all or nothing with the snapshot (onboot) */
	ONBOOT_IMAGE_IF_STALE, /* an existing image that lacks the snapshot is rebuilt; the
				* snapshot stands on its own (onboot --refresh --image) */
};

struct onboot_request {
	/* The kernel (kernel_release, cache_path), STATE_PATH, LOG_BOOT_ERR, ONBOOT_MODE, the
	 * tools and their limits: read, never written. */
	const struct settings *s;
	struct onboot_script *v; /* the scripts to start at boot, in start order, each with its
				  * options, checked (ko_path: the cache's module, then the
				  * snapshot's) */
	size_t n;
	const char *not_built;	      /* "NAME: why" lines kept in the snapshot; NULL: none */
	enum onboot_image_mode image; /* with the next three */
	const char *output;	      /* the image, absolute */
	const char *dracut;	      /* dracut, full path */
	const char *loader;	      /* the stap-early-loader packed; NULL without scripts */
	bool backup;		      /* -b: the old image stays as OUTPUT.bak */
	bool keep;	  /* the snapshot replaces the kernel's (false: -o, a one-off image) */
	bool record_set;  /* the set becomes v (onboot NAME...) */
	bool boot_loader; /* the boot loader is pointed at the new image */
	bool progress;	  /* -v on a terminal: dracut's stage shown on the Creating line */
};

/* Bytes the image gains: the modules, the loader and the manifest. */
uint64_t onboot_request_payload(const struct onboot_request *req);
/* " Creating initramfs with A B ... " (upstream's words; "without scripts" when n is 0), newly
 * allocated; NULL on ENOMEM. */
char *onboot_request_label(const struct onboot_request *req);
