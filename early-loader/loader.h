/* loader.h: load one onboot script's module and start its probes, keeping its control channel
 * open for the script's collector (collect.h), or end and unload a module that failed. */
#pragma once
#include "channel.h"
#include "manifest.h"
#include "relocs.h"

#include <stddef.h>
#include <stdint.h>

#define LOADER_TRANSPORT_TIMEOUT_MS 2000
#define LOADER_REPLY_TIMEOUT_MS 2000

struct loader_config {
	const char *root;	   /* prefix for /proc and /sys paths ("" on a real boot) */
	const char *module_dir;	   /* directory holding NAME.ko */
	int transport_timeout_ms;  /* wait for STP_TRANSPORT */
	int reply_timeout_ms;	   /* wait for the STP_START reply, STP_EXIT, a pending exit */
	struct reloc_cache *cache; /* what the run's modules share, or NULL: read per module */
};

enum script_outcome {
	SCRIPT_ARMED,	 /* probes running, channel open */
	SCRIPT_FINISHED, /* a begin probe called exit() without error: channel open, to end it */
};

/* A module whose probes run and whose control channel is still open. */
struct loader_armed {
	const struct manifest_script *script;
	struct channel ch;
	uint64_t t0;	  /* when its start began */
	uint64_t replied; /* when its STP_START reply came */
	int log_fd;	  /* its log_boot_err file, or -1 (the caller's) */
};

/* Fills the timeouts with the defaults above. */
void loader_config_init(struct loader_config *cfg, const char *root, const char *module_dir);

/* Starts one script; every outcome is logged. Returns SCRIPT_ARMED when its probes run, or
 * SCRIPT_FINISHED when a begin probe called exit() without error: *armed then holds its open
 * control channel (for its collector, or to close: the module stays as it is). Else a
 * negative errno: the module is unloaded again (if it was loaded), the channel closed. */
int loader_start_script(const struct loader_config *cfg, const struct manifest_script *script,
			struct loader_armed *armed);

/* delete_module(name), retried like staprun while the module is briefly busy; a module that
 * is not loaded (any more) is fine. 0, or -errno (logged, naming `rmmod NAME`). */
int loader_unload(const char *name);
