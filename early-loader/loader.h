/* loader.h: load one onboot script's module, start its probes and detach (staprun -L), or
 * end and unload it when it fails. */
#pragma once
#include "manifest.h"

#define LOADER_TRANSPORT_TIMEOUT_MS 2000
#define LOADER_REPLY_TIMEOUT_MS 2000
/* After a good STP_START reply: how long to listen for a begin probe's error. The runtime's
 * control timer sends STP_REQUEST_EXIT within 20 ms of the error. */
#define LOADER_WINDOW_MS 200

struct loader_config {
	const char *root;	  /* prefix for /proc and /sys paths ("" on a real boot) */
	const char *module_dir;	  /* directory holding NAME.ko */
	int transport_timeout_ms; /* wait for STP_TRANSPORT */
	int reply_timeout_ms;	  /* wait for the STP_START reply, STP_EXIT, a pending exit */
	int window_ms;		  /* listen after a good STP_START reply */
};

enum script_outcome {
	SCRIPT_ARMED,	 /* probes running, channel closed: flight-recorder mode */
	SCRIPT_FINISHED, /* a begin probe called exit() without error: left loaded, detached */
};

/* Fills the timeouts with the defaults above. */
void loader_config_init(struct loader_config *cfg, const char *root, const char *module_dir);

/* Starts one script; every outcome is logged. Returns SCRIPT_ARMED or SCRIPT_FINISHED, or a
 * negative errno when it failed (its module is then unloaded again, if it was loaded). */
int loader_start_script(const struct loader_config *cfg, const struct manifest_script *script);
