/* loader.c: the per-module sequence: the release check, init_module, credentials,
 * relocations, tz info, STP_TRANSPORT, STP_START, watch the reply and what follows, then detach
 * or end+unload. */
#include "loader.h"

#include "channel.h"
#include "ctlproto.h"
#include "fileio.h"
#include "kmsg.h"
#include "modinfo.h"
#include "relocs.h"
#include "sysseam.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MODULE_FILE_MAX (512u * 1024 * 1024)
#define UNLOAD_TRIES 5

void loader_config_init(struct loader_config *cfg, const char *root, const char *module_dir)
{
	*cfg = (struct loader_config){
	    .root = root,
	    .module_dir = module_dir,
	    .transport_timeout_ms = LOADER_TRANSPORT_TIMEOUT_MS,
	    .reply_timeout_ms = LOADER_REPLY_TIMEOUT_MS,
	    .window_ms = LOADER_WINDOW_MS,
	};
}

static const char *init_module_hint(int err)
{
	switch (err) {
	case -EEXIST:
		return " (a module of that name is already loaded)";
	case -ENOEXEC:
		return " (invalid module format: built for another kernel?)";
	case -ENOENT:
		return " (unknown symbol in module)";
	case -EINVAL:
		return " (invalid parameters, or see the kernel log)";
	case -EPERM:
	case -EACCES:
	case -EKEYREJECTED:
		return " (module loading refused: signature or lockdown?)";
	default:
		return "";
	}
}

static int insert_module(const struct loader_config *cfg, const struct manifest_script *s)
{
	char path[PATH_MAX], params[MANIFEST_LINE_MAX + 32], release[KERNEL_RELEASE_MAX];
	char *image = NULL;
	size_t len;
	int r;

	if (snprintf(path, sizeof(path), "%s/%s.ko", cfg->module_dir, s->name) >= (int)sizeof(path))
		return log_error_errno(-ENAMETOOLONG, "%s: module path", s->name);
	r = sysseam->kernel_release(release, sizeof(release));
	if (r < 0)
		return log_error_errno(r, "%s: cannot tell the running kernel's release", s->name);
	r = read_file_limited(path, MODULE_FILE_MAX, &image, &len);
	if (r < 0)
		return log_error_errno(r, "%s: cannot read %s", s->name, path);
	/* The kernel itself ignores the release with CONFIG_MODVERSIONS (see modinfo.c). */
	r = modinfo_check_release(image, len, s->name, release);
	if (r < 0)
		goto out;
	snprintf(params, sizeof(params), "_stp_bufsize=%u%s", s->bufsize, s->params);
	log_debug("%s: init_module %s (%zu bytes) \"%s\"", s->name, path, len, params);
	r = sysseam->init_module(image, len, params);
	if (r < 0)
		log_error_errno(r, "%s: init_module failed%s", s->name, init_module_hint(r));
out:
	free(image);
	return r;
}

/* delete_module, retried like staprun while the module is briefly busy. */
static int unload_module(const char *name)
{
	int r = 0;

	for (unsigned i = 0; i < UNLOAD_TRIES; i++) {
		r = sysseam->delete_module(name, O_NONBLOCK);
		if ((r != -EAGAIN && r != -EINTR && r != -EBUSY) || i + 1 == UNLOAD_TRIES)
			break;
		sysseam->sleep_ms(100 * (i + 1));
	}
	if (r < 0)
		return log_error_errno(r,
				       "%s: failed to unload the module (remove it with 'rmmod "
				       "%s')",
				       name, name);
	log_debug("%s: module unloaded", name);
	return 0;
}

static void send_tzinfo(struct channel *ch)
{
	time_t now = time(NULL);
	const char *zone = "UTC";
	int64_t gmtoff = 0;
	struct tm tm;
	int r;

	if (localtime_r(&now, &tm)) {
		/* The runtime wants seconds west of UTC, as staprun sends them. */
		gmtoff = -(int64_t)tm.tm_gmtoff;
		if (tm.tm_zone && *tm.tm_zone)
			zone = tm.tm_zone;
	}
	r = ctl_send_tzinfo(ch->fd, ch->protocol, gmtoff, zone);
	if (r < 0)
		log_warning("%s: failed to send STP_TZINFO: %s", ch->script, strerror(-r));
}

/* Everything the module needs before STP_START, then its STP_TRANSPORT. */
static int prepare(const struct loader_config *cfg, struct channel *ch, unsigned line)
{
	int r;

	r = channel_hello(ch, line);
	if (r < 0)
		return r;
	r = relocs_send(ch->fd, ch->protocol, cfg->root, ch->script);
	if (r < 0)
		return r;
	send_tzinfo(ch);
	r = channel_wait(ch, EVENT_TRANSPORT, cfg->transport_timeout_ms);
	if (r < 0)
		return log_error_errno(r, "%s: no STP_TRANSPORT from the module within %d ms",
				       ch->script, cfg->transport_timeout_ms);
	return 0;
}

/* Sends STP_START and reads the reply, then listens for the window (longer once an error
 * line came, to see whether the module ends). Returns 0 when the probes run, 1 when the
 * module wants to exit, or -errno (logged). */
static int start_probes(const struct loader_config *cfg, struct channel *ch)
{
	bool extended = false;
	int r;

	r = ctl_send_start(ch->fd, ch->protocol);
	if (r < 0)
		return log_error_errno(r, "%s: failed to send STP_START", ch->script);
	r = channel_wait(ch, EVENT_START_REPLY, cfg->reply_timeout_ms);
	if (r < 0)
		return log_error_errno(r, "%s: no STP_START reply within %d ms", ch->script,
				       cfg->reply_timeout_ms);
	if (ch->start_res != 0) {
		log_error("%s: the module failed to start its probes (systemtap_module_init "
			  "returned %d)",
			  ch->script, (int)ch->start_res);
		return -ECANCELED;
	}
	for (int window = cfg->window_ms;;) {
		r = channel_wait(ch, EVENT_EXIT_REQUESTED, window);
		if (r == 0)
			return 1;
		if (r != -ETIMEDOUT)
			return log_error_errno(r, "%s: control channel failed after STP_START",
					       ch->script);
		if (!ch->errors || extended)
			return 0;
		/* An error line: give the module's control timer time to ask for the exit. */
		extended = true;
		window = cfg->reply_timeout_ms;
	}
}

/* STP_EXIT, its reply (the module's last messages), close, unload. */
static void end_module(const struct loader_config *cfg, struct channel *ch)
{
	int r;

	r = ctl_send_exit(ch->fd, ch->protocol);
	if (r == 0)
		r = channel_wait(ch, EVENT_EXITED, cfg->reply_timeout_ms);
	if (r < 0)
		log_warning("%s: no clean STP_EXIT (%s); unloading anyway", ch->script,
			    strerror(-r));
	channel_close(ch);
}

int loader_start_script(const struct loader_config *cfg, const struct manifest_script *s)
{
	uint64_t t0 = sysseam->now_ms();
	struct channel ch;
	int r;

	r = insert_module(cfg, s);
	if (r < 0)
		goto failed;
	r = channel_open(&ch, cfg->root, s->name, s->protocol);
	if (r < 0)
		goto unload;
	r = prepare(cfg, &ch, s->line);
	if (r < 0) {
		channel_close(&ch);
		goto unload;
	}
	r = start_probes(cfg, &ch);
	if (r == 0 && !ch.errors) {
		channel_close(&ch);
		log_info("%s: armed in %llu ms (running detached, flight recorder mode)", s->name,
			 (unsigned long long)(sysseam->now_ms() - t0));
		return SCRIPT_ARMED;
	}
	if (r == 0) {
		/* Error lines but no exit: the script allows errors (MAXERRORS). */
		channel_close(&ch);
		log_warning("%s: armed in %llu ms despite the errors above (the script keeps "
			    "running)",
			    s->name, (unsigned long long)(sysseam->now_ms() - t0));
		return SCRIPT_ARMED;
	}
	if (r == 1 && !ch.errors) {
		/* exit() in a begin probe: leave it loaded like staprun -L, its output intact. */
		channel_close(&ch);
		log_info("%s: finished during start (exit() without error) in %llu ms; left "
			 "loaded: read its output with 'staprun -A %s'",
			 s->name, (unsigned long long)(sysseam->now_ms() - t0), s->name);
		return SCRIPT_FINISHED;
	}
	if (r == 1) {
		log_error("%s: a begin probe failed (error lines above)", s->name);
		r = -ECANCELED;
	}
	end_module(cfg, &ch);
unload:
	if (unload_module(s->name) == 0)
		log_error("%s: failed after %llu ms; module unloaded", s->name,
			  (unsigned long long)(sysseam->now_ms() - t0));
	else
		log_error("%s: failed after %llu ms", s->name,
			  (unsigned long long)(sysseam->now_ms() - t0));
	return r;
failed:
	log_error("%s: failed after %llu ms; nothing loaded", s->name,
		  (unsigned long long)(sysseam->now_ms() - t0));
	return r;
}
