/* loader.c: the per-module sequence: the release check, init_module, credentials,
 * relocations, tz info, STP_TRANSPORT, STP_START and its reply; settling a module: detach, or
 * end+unload. */
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

/* When each phase of one module's start ended (sysseam->now_ms), for rd.debug. */
struct phases {
	uint64_t t0, read, init, relocs, transport, start;
};

void loader_config_init(struct loader_config *cfg, const char *root, const char *module_dir)
{
	*cfg = (struct loader_config){
	    .root = root,
	    .module_dir = module_dir,
	    .transport_timeout_ms = LOADER_TRANSPORT_TIMEOUT_MS,
	    .reply_timeout_ms = LOADER_REPLY_TIMEOUT_MS,
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
	case -EKEYREJECTED:
		/* Secure Boot (lockdown) or module.sig_enforce=1 with an unsigned module, or one
		 * signed by a key the kernel does not trust. */
		return " (the kernel accepts only signed modules: sign it with a key this machine "
		       "trusts: MODULE_SIGN_KEY and MODULE_SIGN_CERT in systemtap-service's "
		       "config, "
		       "the certificate enrolled with mokutil --import; see systemtap-service(8))";
	case -EPERM:
	case -EACCES:
		return " (module loading refused: kernel lockdown, or modules disabled)";
	default:
		return "";
	}
}

static int insert_module(const struct loader_config *cfg, const struct manifest_script *s,
			 struct phases *ph)
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
	ph->read = sysseam->now_ms();
	if (r < 0)
		return log_error_errno(r, "%s: cannot read %s", s->name, path);
	/* The kernel itself ignores the release with CONFIG_MODVERSIONS (see modinfo.c). */
	r = modinfo_check_release(image, len, s->name, release);
	if (r < 0)
		goto out;
	snprintf(params, sizeof(params), "_stp_bufsize=%u%s", s->bufsize, s->params);
	log_debug("%s: init_module %s (%zu bytes) \"%s\"", s->name, path, len, params);
	r = sysseam->init_module(image, len, params);
	ph->init = sysseam->now_ms();
	if (r < 0)
		log_error_errno(r, "%s: init_module failed%s", s->name, init_module_hint(r));
out:
	free(image);
	return r;
}

int loader_unload(const char *name)
{
	int r = 0;

	for (unsigned i = 0; i < UNLOAD_TRIES; i++) {
		r = sysseam->delete_module(name, O_NONBLOCK);
		if ((r != -EAGAIN && r != -EINTR && r != -EBUSY) || i + 1 == UNLOAD_TRIES)
			break;
		sysseam->sleep_ms(100 * (i + 1));
	}
	if (r == -ENOENT) {
		log_debug("%s: the module is not loaded (any more)", name);
		return 0;
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
static int prepare(const struct loader_config *cfg, struct channel *ch, unsigned line,
		   struct phases *ph)
{
	int r;

	r = channel_hello(ch, line);
	if (r < 0)
		return r;
	r = relocs_send(ch->fd, ch->protocol, cfg->root, ch->script, cfg->cache);
	if (r < 0)
		return r;
	send_tzinfo(ch);
	ph->relocs = sysseam->now_ms();
	r = channel_wait(ch, EVENT_TRANSPORT, cfg->transport_timeout_ms);
	ph->transport = sysseam->now_ms();
	if (r < 0)
		return log_error_errno(r, "%s: no STP_TRANSPORT from the module within %d ms",
				       ch->script, cfg->transport_timeout_ms);
	return 0;
}

/* Sends STP_START and reads up to its reply, with no further wait when nothing went wrong.
 *
 * Why the reply is enough (systemtap runtime/transport/transport.c, 4.8 and 5.x alike):
 * _stp_handle_start runs systemtap_module_init(), i.e. the begin probes, inside the STP_START
 * write, and only then queues the reply with _stp_ctl_send_notify(STP_START). A probe's error
 * (_stp_error -> _stp_vlog in runtime/linux/io.c -> _stp_ctl_log_werr in control.c) is queued
 * as STP_OOB_DATA "ERROR: ..." on the same FIFO (_stp_ctl_ready_q, list_add_tail) before
 * that, so it is read before the reply. exit() (_stp_exit, io.c) and too many errors only set
 * _stp_exit_flag: STP_REQUEST_EXIT follows from the control timer (_stp_ctl_work_callback,
 * every STP_CTL_TIMER_INTERVAL, about 20 ms) after the reply; the script's collector, which
 * holds the channel from then on, catches it (collect.c). staprun -L itself detaches right
 * after writing STP_START
 * (staprun/mainloop.c, stp_main_loop). Only after an error line does this wait here for the
 * exit request that confirms the failure (none comes when MAXERRORS tolerates the error).
 * Returns 0 when the probes run, 1 when the module wants to exit, or -errno (logged). */
static int start_probes(const struct loader_config *cfg, struct channel *ch)
{
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
	/* The timer may already have queued the exit request: take what is there, no wait. */
	r = channel_drain(ch);
	if (r == 0 && ch->errors)
		r = channel_wait(ch, EVENT_EXIT_REQUESTED, cfg->reply_timeout_ms);
	if (r == -ETIMEDOUT)
		return 0;
	if (r < 0)
		return log_error_errno(r, "%s: control channel failed after STP_START", ch->script);
	return ch->exit_requested || ch->exited ? 1 : 0;
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

static unsigned long long ms_since(uint64_t t0)
{
	return (unsigned long long)(sysseam->now_ms() - t0);
}

/* rd.debug: one line with the time of each phase reached (the others are 0). */
static void log_phases(const char *name, const struct phases *ph)
{
	uint64_t prev = ph->t0, t[5] = {ph->read, ph->init, ph->relocs, ph->transport, ph->start};
	unsigned long long d[5] = {0};

	for (size_t i = 0; i < 5 && t[i]; i++) {
		d[i] = (unsigned long long)(t[i] - prev);
		prev = t[i];
	}
	log_debug("%s: phases: read %llu ms, init_module %llu ms, relocations %llu ms, transport "
		  "%llu ms, start %llu ms",
		  name, d[0], d[1], d[2], d[3], d[4]);
}

/* A failed start (r < 0, or 1: it asked to exit after error lines): STP_EXIT when the
 * channel is open, unload. Returns the -errno to report. */
static int fail_module(const struct loader_config *cfg, struct loader_armed *a, int r)
{
	const char *name = a->script->name;

	if (r == 1) {
		log_error("%s: a begin probe failed (error lines above)", name);
		r = -ECANCELED;
	}
	if (a->ch.fd >= 0)
		end_module(cfg, &a->ch);
	if (loader_unload(name) == 0)
		log_error("%s: failed after %llu ms; module unloaded", name, ms_since(a->t0));
	else
		log_error("%s: failed after %llu ms", name, ms_since(a->t0));
	return r;
}

int loader_start_script(const struct loader_config *cfg, const struct manifest_script *s,
			struct loader_armed *a)
{
	struct phases ph = {.t0 = sysseam->now_ms()};
	int r;

	*a = (struct loader_armed){.script = s, .ch = {.fd = -1}, .t0 = ph.t0, .log_fd = -1};
	r = insert_module(cfg, s, &ph);
	if (r < 0) {
		log_phases(s->name, &ph);
		log_error("%s: failed after %llu ms; nothing loaded", s->name, ms_since(a->t0));
		return r;
	}
	r = channel_open(&a->ch, cfg->root, s->name, s->protocol);
	if (r == 0)
		r = prepare(cfg, &a->ch, s->line, &ph);
	if (r < 0) {
		log_phases(s->name, &ph);
		channel_close(&a->ch);
		return fail_module(cfg, a, r);
	}
	r = start_probes(cfg, &a->ch);
	a->replied = ph.start = sysseam->now_ms();
	log_phases(s->name, &ph);
	if (r < 0 || (r == 1 && a->ch.errors))
		return fail_module(cfg, a, r);
	if (r == 1) {
		/* exit() in a begin probe: its collector ends it and keeps its output. */
		log_info("%s: finished during start (exit() without error) in %llu ms", s->name,
			 ms_since(a->t0));
		return SCRIPT_FINISHED;
	}
	if (a->ch.errors)
		/* Error lines but no exit: the script allows errors (MAXERRORS). */
		log_warning("%s: armed in %llu ms despite the errors above (the script keeps "
			    "running)",
			    s->name, ms_since(a->t0));
	else
		/* The kernel's part (init_module, the STP_START write) is what any loader pays:
		 * bench/boot.sh weighs the rest against it. */
		log_info("%s: armed in %llu ms (running; init_module and STP_START %llu ms)",
			 s->name, ms_since(a->t0),
			 (unsigned long long)((ph.init - ph.read) + (ph.start - ph.transport)));
	return SCRIPT_ARMED;
}
