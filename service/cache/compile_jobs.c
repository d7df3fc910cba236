/* compile_jobs.c: runs the real stap for each planned script, several at a time, and installs
 * the modules into the cache. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "cache_install.h"
#include "cache_kernel.h"
#include "compile_jobs.h"
#include "fsutil.h"
#include "interrupt.h"
#include "log.h"
#include "macro.h"
#include "module_sig.h"
#include "module_sign.h"
#include "run.h"
#include "sha256.h"
#include "sign_key.h"
#include "stap_output.h"
#include "stap_version.h"
#include "strfmt.h"
#include "strv.h"

/* Every module answers /proc/systemtap/NAME/srvstat with "running": that is how the service
 * recognizes modules started at boot. The \n is passed to stap as backslash + n. */
#define SRVSTAT_PROBE "probe procfs(\"srvstat\").read {$value = \"running\\n\"}"

/* What every compile of one call shares. */
struct toolchain {
	char *stap_version;
	int protocol;
	char *kernel_build;
	struct module_signer signer; /* sign_file NULL: nothing signs (sign_key.h) */
};

/* Checks once, before the first stap runs, what every compile needs: a writable cache
 * directory, a working stap and the target kernel's build version. */
static int toolchain_prepare(const struct settings *s, struct toolchain *tc)
{
	const struct cert_id *cert;
	const struct sign_key *key;
	int r;

	r = mkdir_p(s->cache_path, 0755);
	if (r < 0)
		return log_error_errno(r, "Failed to create cache directory %s", s->cache_path);
	if (access(s->cache_path, W_OK) < 0)
		return log_error_errno(-errno, "Cache directory %s is not writable", s->cache_path);
	r = stap_version(s, &tc->stap_version);
	if (r < 0)
		return r;
	tc->protocol = stap_protocol_for_version(tc->stap_version);
	if (tc->protocol < 0)
		return log_error_errno(tc->protocol, "Unknown stap version %s", tc->stap_version);
	r = kernel_build_version(s, s->kernel_release, &tc->kernel_build);
	if (r < 0)
		return r;
	r = sign_key_get(s, &key);
	if (r < 0 || !key->key)
		return r;
	/* A certificate that cannot be read fails every compile once, with its own message. */
	r = module_sign_cert_id(s, &cert);
	if (r < 0)
		return r;
	return module_signer_prepare(s, &tc->signer);
}

void compile_job_done(struct job *j)
{
	free(j->script);
	free(j->script_sha256);
	strv_free(j->opts);
	temp_discard(&j->dir);
	*j = (struct job){0};
}

/* COMPILE_SERVER: --use-server=SPEC for each of its words, before the script's own options.
 * 0 or -ENOMEM. */
static int compile_server_args(const struct settings *s, char ***argv)
{
	_cleanup_strv_free_ char **specs = NULL;
	int r = strv_split_blanks(s->compile_server ? s->compile_server : "", &specs);

	for (size_t i = 0; r == 0 && specs && specs[i]; i++) {
		char *w;
		if (asprintf(&w, "--use-server=%s", specs[i]) < 0)
			return -ENOMEM;
		r = strv_consume(argv, w);
	}
	return r;
}

/* Starts stap for j in a fresh directory under TEMP_PATH; stap dies with us, even by SIGKILL
 * (else it would go on filling a directory nobody removes). 0, or -errno after a message. */
static int job_start(const struct settings *s, struct job *j)
{
	_cleanup_free_ char *out_path = NULL, *err_path = NULL, *subject = NULL;
	_cleanup_close_ int out = -1, err = -1;
	_cleanup_strv_free_ char **argv = NULL;
	char hex[SHA256_HEX_SIZE];
	/* clang-format off */
	char *const head[] = {s->stap, "-E", SRVSTAT_PROBE, "-m", (char *)j->name, "-p4",
			      "-r", s->kernel_release, "--save-uprobes", NULL};
	/* clang-format on */
	pid_t pid;
	int r;

	/* The bytes stap is about to read: what the cache's validity is measured against. */
	r = sha256_file(j->script, hex);
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", j->script);
	j->script_sha256 = strdup(hex);
	if (!j->script_sha256)
		return log_error_errno(-ENOMEM, "Failed to compile %s", j->name);
	r = temp_dir(s->temp_path, "compile", &j->dir);
	if (r < 0)
		return log_error_errno(r, "Failed to create a temporary directory in %s",
				       s->temp_path);
	out_path = path_join(j->dir.path, ".stap.out");
	err_path = path_join(j->dir.path, ".stap.err");
	subject = strdup_printf("compiling script %s", j->name);
	if (!out_path || !err_path || !subject)
		return log_error_errno(-ENOMEM, "Failed to compile %s", j->name);
	out = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
	if (out >= 0)
		err = open(err_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
	if (out < 0 || err < 0)
		return log_error_errno(-errno, "Failed to create files in %s", j->dir.path);
	if (strv_extend(&argv, head) < 0 || compile_server_args(s, &argv) < 0 ||
	    strv_extend(&argv, j->opts) < 0 || strv_push(&argv, j->script) < 0)
		return log_error_errno(-ENOMEM, "Failed to compile %s", j->name);
	log_exec(argv);
	clock_gettime(CLOCK_REALTIME, &j->started);
	pid = run_spawn_opts(
	    argv, &(struct run_opts){.cwd = j->dir.path,
				     .in_fd = -1,
				     .out_fd = out,
				     .err_fd = err,
				     .flags = RUN_DIE_WITH_PARENT,
				     .limit = &(struct run_limit){s->compile_timeout,
								  "COMPILE_TIMEOUT", subject}});
	if (pid < 0) /* -EINTR: a signal came, job_fail says so */
		return pid == -EINTR ? -EINTR
				     : log_error_errno((int)pid, "Failed to run %s", s->stap);
	j->pid = pid;
	return 0;
}

/* Signs what stap built for j (NAME.ko, and uprobes/uprobes.ko when there) in its directory,
 * before anything goes into the cache. 0, or -errno after a message. */
static int job_sign(const struct settings *s, const struct toolchain *tc, const struct job *j)
{
	_cleanup_free_ char *ko = NULL, *uprobes = path_join(j->dir.path, "uprobes/uprobes.ko");
	int r;

	if (asprintf(&ko, "%s/%s.ko", j->dir.path, j->name) < 0)
		ko = NULL;
	if (!ko || !uprobes)
		return log_error_errno(-ENOMEM, "Failed to sign the module of %s", j->name);
	r = module_sign(s, &tc->signer, ko);
	if (r == 0 && path_exists(uprobes))
		r = module_sign(s, &tc->signer, uprobes);
	return r;
}

/* Puts j's module into the cache with its NAME.opts, signed first when signing is configured.
 * 0, or -errno after a message. */
static int job_install(const struct settings *s, const struct toolchain *tc, const struct job *j)
{
	_cleanup_free_ char *joined = strv_join(j->opts, " ");
	struct cache_meta m;
	int r;

	if (!joined)
		return log_error_errno(-ENOMEM, "Failed to install the cache of %s", j->name);
	if (tc->signer.sign_file) {
		r = job_sign(s, tc, j);
		if (r < 0)
			return r;
	}
	m = (struct cache_meta){.kernel_release = s->kernel_release,
				.kernel_build = tc->kernel_build,
				.stap_version = tc->stap_version,
				.protocol = tc->protocol,
				.opts = joined,
				.script_sha256 = j->script_sha256};
	return cache_install(s, j->name, j->dir.path, &j->started, &m);
}

/* stap of j ended with wait status: logs its output, installs the module, prints the line. */
static void job_finish(const struct settings *s, const struct toolchain *tc, struct job *j,
		       int status)
{
	_cleanup_free_ char *out_path = path_join(j->dir.path, ".stap.out"), *out = NULL;
	_cleanup_free_ char *err_path = path_join(j->dir.path, ".stap.err"), *err = NULL;
	_cleanup_free_ char *late = NULL; /* past COMPILE_TIMEOUT: said after the line */
	int code = run_status_note(j->pid, status, &late);

	if (out_path)
		read_file(out_path, &out, NULL);
	if (err_path)
		read_file(err_path, &err, NULL);
	if ((out && *out) || (err && *err))
		log_line("Output of stap for %s (exit code %d):", j->name, code);
	log_raw(out);
	log_raw(err);
	j->res->rc = 1;
	if (code != 0 && interrupted()) { /* the signal ended stap: not the script's error */
		clog(" Compiling %s ... interrupted\n", j->name);
	} else if (code == -ETIME) {
		clog(" Compiling %s ... error\n", j->name);
		log_error("%s", late ? late : strerror(ETIME));
	} else if (code == 0 && job_install(s, tc, j) == 0) {
		j->res->rc = 0;
		j->res->compiled = true;
		clog(" Compiling %s ... done\n", j->name);
	} else if (code == 0) {
		clog(" Compiling %s ... error\n", j->name);
	} else {
		log_line("Failed to compile script(%s). (stap exit code %d)", j->name, code);
		clog(" Compiling %s ... error\n", j->name);
		stap_output_show_errors(err, code);
	}
	compile_job_done(j);
}

/* Waits for any of the running jobs. The service runs no other child while it compiles. */
static int wait_job(struct job *jobs, size_t n, struct job **ret, int *ret_status)
{
	int status;

	for (;;) {
		pid_t pid = interrupt_reap(-1, &status, 0);
		if (pid < 0)
			return log_error_errno((int)pid, "Failed to wait for stap");
		for (size_t i = 0; i < n; i++)
			if (jobs[i].pid == pid) {
				*ret = &jobs[i];
				*ret_status = status;
				return 0;
			}
	}
}

static void job_fail(struct job *j)
{
	j->res->rc = 1;
	clog(" Compiling %s ... %s\n", j->name, interrupted() ? "interrupted" : "error");
	compile_job_done(j);
}

/* The first job runs alone: on a fresh machine stap first fills its own cache (~/.systemtap:
 * the kernel's autoconf results, about 8 s), and parallel stap processes would each redo that
 * work (measured on 2 CPUs: two scripts 24 s at once, 11 s one after the other). */
void compile_run_jobs(const struct settings *s, struct job *jobs, size_t n)
{
	size_t max = s->compile_jobs > 0 ? (size_t)s->compile_jobs : 1, limit = 1;
	size_t next = 0, running = 0;
	struct toolchain tc = {0};
	bool ready;

	if (n == 0)
		return;
	ready = toolchain_prepare(s, &tc) == 0;
	/* After a signal no stap starts, and the running ones end (the signal ends them). */
	while ((next < n && !interrupted()) || running > 0) {
		struct job *j = NULL;
		int status = 0;

		for (; next < n && running < limit && !interrupted(); next++) {
			if (!ready || job_start(s, &jobs[next]) < 0)
				job_fail(&jobs[next]);
			else
				running++;
		}
		if (running == 0)
			continue;
		if (wait_job(jobs, next, &j, &status) < 0) {
			for (size_t i = 0; i < next; i++)
				if (jobs[i].pid > 0)
					job_fail(&jobs[i]);
			running = 0;
			ready = false;
			continue;
		}
		job_finish(s, &tc, j, status);
		running--;
		limit = max;
	}
	free(tc.stap_version);
	free(tc.kernel_build);
	module_signer_free(&tc.signer);
}
