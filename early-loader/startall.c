/* startall.c: the whole boot-time run, from the kernel command line to the exit status. */
#include "startall.h"

#include "cmdline.h"
#include "collect.h"
#include "collect_out.h"
#include "fileio.h"
#include "kmsg.h"
#include "manifest.h"
#include "sysseam.h"
#include "tunables.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct tally {
	unsigned armed, finished, failed, skipped;
};

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v && *v ? v : fallback;
}

void startall_request_init(struct startall_request *req, const char *manifest_path, bool verbose)
{
	const char *kmsg = getenv("STAP_EARLY_LOADER_KMSG");

	*req = (struct startall_request){
	    .manifest_path = manifest_path,
	    .cmdline_path = env_or("STAP_EARLY_LOADER_CMDLINE", "/proc/cmdline"),
	    .kmsg_path = kmsg && *kmsg ? kmsg : KMSG_DEFAULT,
	    .kmsg_is_file = kmsg && *kmsg,
	    .rundir = env_or("STAP_EARLY_LOADER_RUNDIR", RUNDIR_DEFAULT),
	    .root = env_or("STAP_EARLY_LOADER_ROOT", ""),
	    .verbose = verbose,
	};
}

/* The directory part of path ("." when none) in buf. */
static int dir_of(char *buf, size_t size, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (slash && n == 0)
		n = 1;
	if (!slash)
		return snprintf(buf, size, ".") < 0 ? -EINVAL : 0;
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(buf, path, n);
	buf[n] = '\0';
	return 0;
}

static int mkdir_parents(const char *dir)
{
	char tmp[PATH_MAX];
	size_t n = strlen(dir);

	if (n >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, dir, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* The script's log file, as upstream's hook made it with 2>FILE; -1 when impossible. */
static int open_script_log(const char *rundir, const char *script)
{
	char path[PATH_MAX];
	int r, fd;

	r = mkdir_parents(rundir);
	if (r < 0) {
		log_warning("%s: cannot create %s: %s", script, rundir, strerror(-r));
		return -1;
	}
	if (snprintf(path, sizeof(path), "%s/%s.log", rundir, script) >= (int)sizeof(path))
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
	if (fd < 0)
		log_warning("%s: cannot write %s: %s", script, path, strerror(errno));
	return fd;
}

static void check_kernel(const struct manifest *m)
{
	char release[KERNEL_RELEASE_MAX];

	if (m->kernel && sysseam->kernel_release(release, sizeof(release)) == 0 &&
	    strcmp(release, m->kernel) != 0)
		log_warning("the manifest is for kernel %s but %s is running: modules built for "
			    "another release are not loaded",
			    m->kernel, release);
}

/* Gives an armed (or finished) module's open channel and log file to its collector, which
 * keeps them for the script's whole run; closes the loader's copies. Without a collector the
 * module runs on detached, in flight-recorder mode, as staprun -L leaves it. */
static void hand_over(const struct startall_request *req, const struct boot_switches *sw,
		      const struct manifest *m, struct loader_armed *a, bool finished)
{
	const char *name = a->script->name;
	struct collect_args ca = {
	    .name = name,
	    .protocol = a->ch.protocol,
	    .ctl_fd = a->ch.fd,
	    .log_fd = a->log_fd,
	    .log_size = (size_t)m->log_size,
	    .console = boot_switches_console(sw, name),
	    .exit_requested = finished,
	    .verbose = log_is_verbose(),
	    .gated = req->has_gate,
	    .gate_fd = req->gate[0],
	    .root = req->root,
	    .rundir = req->rundir,
	    .kmsg_path = req->kmsg_path,
	    .kmsg_is_file = req->kmsg_is_file,
	};
	pid_t pid;

	out_now(&ca.armed_ns, &ca.armed_boot_ns);
	pid = collect_spawn(&ca);
	if (pid < 0)
		log_warning("%s: cannot start its output collector (%s): it runs on detached; "
			    "'staprun -A %s' reads its output",
			    name, strerror(-pid), name);
	else
		log_debug("%s: collector %d holds its control channel", name, (int)pid);
	channel_close(&a->ch);
	if (a->log_fd >= 0)
		close(a->log_fd);
	a->log_fd = -1;
}

/* Starts one script; an armed one goes to its collector. */
static void start_one(const struct loader_config *cfg, const struct manifest_script *s,
		      const struct startall_request *req, const struct boot_switches *sw,
		      const struct manifest *m, struct tally *t)
{
	int fd = m->log_boot_err ? open_script_log(req->rundir, s->name) : -1;
	struct loader_armed a;
	int r;

	log_set_script_fd(fd);
	r = loader_start_script(cfg, s, &a);
	if (r == SCRIPT_ARMED || r == SCRIPT_FINISHED) {
		a.log_fd = fd;
		fd = -1;
		hand_over(req, sw, m, &a, r == SCRIPT_FINISHED);
	}
	log_set_script_fd(-1);
	if (fd >= 0)
		close(fd);
	if (r == SCRIPT_ARMED)
		t->armed++;
	else if (r == SCRIPT_FINISHED)
		t->finished++;
	else
		t->failed++;
}

static int exit_status(unsigned failures)
{
	return failures > EXIT_FAILURES_MAX ? EXIT_FAILURES_MAX : (int)failures;
}

/* Starts the scripts of the manifest text; t0: when the run started. Returns the exit status. */
static int run_manifest(const struct startall_request *req, const struct boot_switches *sw,
			const char *text, size_t len, uint64_t t0,
			const struct loader_config *timeouts)
{
	struct reloc_cache cache = {0};
	struct loader_config cfg;
	char module_dir[PATH_MAX];
	struct tally t = {0};
	bool tuned = false, fips = false;
	struct manifest m;
	int r;

	r = manifest_parse(text, len, req->manifest_path, MANIFEST_BOOT, &m);
	if (r < 0) {
		log_error("no SystemTap script started: the manifest %s cannot be used",
			  req->manifest_path);
		return EXIT_MANIFEST_UNREADABLE;
	}
	check_kernel(&m);
	r = dir_of(module_dir, sizeof(module_dir), req->manifest_path);
	if (r < 0) {
		log_error("%s: cannot take its directory: %s", req->manifest_path, strerror(-r));
		t.failed = (unsigned)m.n_scripts;
		goto out;
	}
	if (timeouts)
		cfg = *timeouts;
	else
		loader_config_init(&cfg, NULL, NULL);
	cfg.root = req->root;
	cfg.module_dir = module_dir;
	cfg.cache = &cache;
	for (size_t i = 0; i < m.n_scripts; i++) {
		const struct manifest_script *s = &m.scripts[i];

		if (boot_switches_skip(sw, s->name)) {
			log_info("%s: skipped (rd.systemtap.skip)", s->name);
			t.skipped++;
			continue;
		}
		if (!tuned) {
			tuned = true;
			fips = tunables_apply(req->root) < 0;
		}
		if (fips) {
			log_error("%s: not started (FIPS mode)", s->name);
			t.failed++;
			continue;
		}
		start_one(&cfg, s, req, sw, &m, &t);
	}
out:
	log_msg(t.failed || m.bad_lines ? LEVEL_ERR : LEVEL_INFO,
		"%u armed, %u finished, %u failed, %u skipped, %u bad manifest lines (%llu ms)",
		t.armed, t.finished, t.failed, t.skipped, m.bad_lines,
		(unsigned long long)(sysseam->now_ms() - t0));
	r = exit_status(t.failed + m.bad_lines);
	reloc_cache_free(&cache);
	manifest_free(&m);
	return r;
}

/* startall_run without the gate's closing. */
static int run_all(const struct startall_request *req, const struct loader_config *timeouts)
{
	struct boot_switches sw = {0};
	uint64_t t0 = sysseam->now_ms();
	char *text = NULL;
	size_t len = 0;
	int r, cmdline_r, read_r;

	log_setup(req->kmsg_path, req->kmsg_is_file, true);
	log_set_verbose(req->verbose);
	cmdline_r = cmdline_load(req->cmdline_path, &sw);
	if (sw.verbose)
		log_set_verbose(true);
	if (sw.disabled) {
		log_info("rd.systemtap=0 on the kernel command line: no SystemTap script started");
		boot_switches_free(&sw);
		return 0;
	}
	/* The first line of every run that is not disabled: a benchmark takes its kernel-log
	 * time as the loader's start. */
	read_r = read_file_limited(req->manifest_path, MANIFEST_FILE_MAX, &text, &len);
	if (read_r < 0)
		log_info("starting: cannot read %s", req->manifest_path);
	else
		log_info("starting: %zu scripts in %s", manifest_count_scripts(text, len),
			 req->manifest_path);
	if (cmdline_r < 0)
		log_warning("cannot read %s (%s): no rd.systemtap switches", req->cmdline_path,
			    strerror(-cmdline_r));
	if (read_r < 0) {
		log_error_errno(read_r, "Failed to read manifest %s", req->manifest_path);
		log_error("no SystemTap script started: the manifest %s cannot be used",
			  req->manifest_path);
		r = EXIT_MANIFEST_UNREADABLE;
	} else
		r = run_manifest(req, &sw, text, len, t0, timeouts);
	free(text);
	boot_switches_free(&sw);
	return r;
}

int startall_run(const struct startall_request *req, const struct loader_config *timeouts)
{
	int r = run_all(req, timeouts);

	/* Its copies of the gate: PID 1's write end stays until its exec. */
	if (req->has_gate) {
		close(req->gate[0]);
		close(req->gate[1]);
	}
	return r;
}
