/* loader.h: load one onboot script's module and start its probes, keeping its control channel
 * open; after the last module, one shared window for late exit requests, then detach
 * (staprun -L), or end and unload the modules that failed. */
#pragma once
#include "channel.h"
#include "manifest.h"
#include "relocs.h"

#include <stddef.h>
#include <stdint.h>

#define LOADER_TRANSPORT_TIMEOUT_MS 2000
#define LOADER_REPLY_TIMEOUT_MS 2000
/* The one window after the last module's STP_START reply in which every module still open is
 * watched for a late STP_REQUEST_EXIT (exit() in a begin probe): the runtime's control timer
 * sends it within about 20 ms of the reply. */
#define LOADER_WINDOW_MS 200

struct loader_config {
	const char *root;	  /* prefix for /proc and /sys paths ("" on a real boot) */
	const char *module_dir;	  /* directory holding NAME.ko */
	int transport_timeout_ms; /* wait for STP_TRANSPORT */
	int reply_timeout_ms;	  /* wait for the STP_START reply, STP_EXIT, a pending exit */
	int window_ms;		  /* the final window, counted from the last STP_START reply */
	struct kernel_syms *syms; /* the run's kernel symbols, or NULL: looked up per module */
};

enum script_outcome {
	SCRIPT_ARMED,	 /* probes running, channel closed: flight-recorder mode */
	SCRIPT_FINISHED, /* a begin probe called exit() without error: left loaded, detached */
};

/* A module whose probes run and whose control channel stays open until loader_watch. */
struct loader_armed {
	const struct manifest_script *script;
	struct channel ch;
	uint64_t t0;	  /* when its start began */
	uint64_t replied; /* when its STP_START reply came */
	int log_fd;	  /* its log_boot_err file while it is handled, or -1 (the caller's) */
	int outcome;	  /* after loader_watch: SCRIPT_ARMED, SCRIPT_FINISHED or -errno */
};

/* Fills the timeouts with the defaults above. */
void loader_config_init(struct loader_config *cfg, const char *root, const char *module_dir);

/* Starts one script; every outcome is logged. Returns SCRIPT_ARMED when its probes run: then
 * *armed holds its open control channel, for loader_watch. Else SCRIPT_FINISHED or a
 * negative errno (the module is then unloaded again, if it was loaded), channel closed. */
int loader_start_script(const struct loader_config *cfg, const struct manifest_script *script,
			struct loader_armed *armed);

/* Settles one module after its start: r 0 = running (detach: SCRIPT_ARMED), 1 = it asked to
 * exit (SCRIPT_FINISHED without error lines, else failed), -errno = failed (STP_EXIT, unload).
 * Closes the channel, logs the outcome and returns it. */
int loader_settle(const struct loader_config *cfg, struct loader_armed *a, int r);
