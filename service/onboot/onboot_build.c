/* onboot_build.c: the image of one onboot transaction: dracut, the check, the rename. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interrupt.h"
#include "log.h"
#include "macro.h"
#include "onboot_build.h"
#include "onboot_dracut.h"
#include "onboot_image.h"
#include "optfilter.h"
#include "strfmt.h"
#include "strv.h"
#include "tempfile.h"

/* Where dracut's output went, as a detail (or, after a failure, on stderr). */
static char *log_file_text(const struct settings *s)
{
	if (log_fd() >= 0)
		return strdup_printf("  dracut log: %s\n", s->log_file);
	if (!*s->log_file)
		return strdup("  dracut log: none (LOG_FILE is empty)\n");
	return strdup_printf("  dracut log: none (LOG_FILE %s could not be opened)\n", s->log_file);
}

/* DRACUT [DRACUT_OPTS...] --force [--add systemtap] IMAGE KVER */
static int dracut_argv(const struct onboot_request *req, const char *image, char ***ret)
{
	const struct settings *s = req->s;
	_cleanup_strv_free_ char **argv = NULL, **extra = NULL;
	bool add = req->n > 0;

	if (opts_split(s->dracut_opts, &extra) < 0) {
		log_error("Bad DRACUT_OPTS '%s' (unbalanced quote)", s->dracut_opts);
		return -EINVAL;
	}
	if (strv_push(&argv, req->dracut) < 0 || strv_extend(&argv, extra) < 0 ||
	    strv_push(&argv, "--force") < 0 || (add && strv_push(&argv, "--add") < 0) ||
	    (add && strv_push(&argv, ONBOOT_DRACUT_MODULE) < 0) || strv_push(&argv, image) < 0 ||
	    strv_push(&argv, s->kernel_release) < 0)
		return log_error_errno(-ENOMEM, "Failed to prepare the dracut command");
	*ret = argv;
	argv = NULL;
	return 0;
}

static void say_backup(const char *output, enum onboot_backup backup)
{
	switch (backup) {
	case ONBOOT_BACKUP_KEPT:
		log_detail("  Previous image kept as %s.bak\n", output);
		break;
	case ONBOOT_BACKUP_EXISTS:
		log_detail("  Backup already exists: %s.bak (left as it was)\n", output);
		break;
	case ONBOOT_BACKUP_NO_OLD:
		log_detail("  No previous image %s to back up\n", output);
		break;
	case ONBOOT_BACKUP_NOT_ASKED:
		break;
	}
}

/* Ends the Creating line and says why, once: what failed, the detail (may be NULL), dracut's
 * last lines (may be NULL), where its log is, what was kept. Returns err. */
static int report_failure(const struct onboot_request *req, int err, const char *what,
			  const char *detail, const char *tail)
{
	_cleanup_free_ char *log_text = log_file_text(req->s);

	clog("error\n");
	log_error("The initramfs creation is unsuccessful: %s%s%s", what, detail ? ": " : "",
		  detail ? detail : "");
	if (tail) {
		fputs("  Last lines from dracut:\n", stderr);
		for (const char *l = tail; *l;) {
			const char *nl = strchrnul(l, '\n');

			fprintf(stderr, "    %.*s\n", (int)(nl - l), l);
			l = *nl ? nl + 1 : nl;
		}
	}
	fprintf(stderr, "%s  %s was left as it was\n", log_text ? log_text : "", req->output);
	return err;
}

/* Ends the Creating line after a signal (interrupt.h): the temp files go, the output stays
 * (a detail: shown with the "Interrupted by signal" error that follows). Returns -EINTR. */
static int report_interrupted(const struct onboot_request *req)
{
	clog("interrupted\n");
	log_detail("  %s was left as it was\n", req->output);
	return -EINTR;
}

/* Runs argv (dracut into the temp image); 0, or -errno after report_failure. */
static int run_dracut(const struct onboot_request *req, char *const argv[], char *const env[],
		      const char *label)
{
	_cleanup_free_ char *why = NULL, *subject = strdup_printf("building %s", req->output);
	struct run_limit limit = {req->s->dracut_timeout, "DRACUT_TIMEOUT", subject};
	struct dracut_run d = {0};
	int r;

	if (!subject)
		return log_error_errno(-ENOMEM, "Failed to run %s", req->dracut);
	r = onboot_run_dracut(argv, env, &limit, label, req->progress, &d);
	if (r == -EINTR)
		return report_interrupted(req);
	if (r < 0)
		return report_failure(req, r, strerror(-r), NULL, NULL);
	if (d.status == 0) {
		dracut_run_free(&d);
		return 0;
	}
	if (d.status == -ETIME) /* run.c's message: program, image, limit, setting */
		why = d.note ? strdup(d.note) : NULL;
	else
		why = strdup_printf("%s exited with status %d", req->dracut, d.status);
	r = report_failure(req, d.status < 0 ? d.status : -EIO, why ? why : "dracut failed", NULL,
			   d.tail);
	dracut_run_free(&d);
	return r;
}

/* dracut and our module-setup.sh get these through dracut's environment (never ours). */
static int dracut_env(const struct onboot_request *req, const char *manifest_path, char *env[3])
{
	env[0] = strdup_printf("STAP_ONBOOT_MANIFEST=%s", manifest_path);
	env[1] = req->loader ? strdup_printf("STAP_EARLY_LOADER=%s", req->loader) : NULL;
	env[2] = NULL;
	if (!env[0] || (req->loader && !env[1])) {
		free(env[0]);
		free(env[1]);
		return log_error_errno(-ENOMEM, "Failed to set the environment for dracut");
	}
	return 0;
}

int onboot_build(const struct onboot_request *req, const char *manifest_path,
		 const char *manifest_text)
{
	_cleanup_free_ char *label = onboot_request_label(req), *log_text = NULL;
	_cleanup_strv_free_ char **argv = NULL;
	struct onboot_verdict check = {0};
	enum onboot_backup backup = ONBOOT_BACKUP_NOT_ASKED;
	struct temp img = TEMP_INIT;
	char *env[3] = {NULL, NULL, NULL};
	int r;

	if (!label)
		return log_error_errno(-ENOMEM, "Failed to create the initramfs");
	r = onboot_image_stage(req->output, &img);
	if (r == 0)
		r = dracut_argv(req, img.path, &argv);
	if (r == 0)
		r = dracut_env(req, manifest_path, env);
	if (r < 0)
		goto out;
	clog("%s", label);
	r = run_dracut(req, argv, env, label);
	if (r < 0)
		goto out;
	r = onboot_image_check(req->s->dracut_timeout, img.path, req->v, req->n, manifest_text,
			       &check);
	/* Up to here a signal stops the work; the renames below are never cut in half. */
	if (r == -EINTR || interrupted()) {
		r = report_interrupted(req);
		goto out;
	}
	if (r < 0 || !check.ok) {
		r = report_failure(req, r < 0 ? r : -EBADMSG, "image check failed",
				   check.why ? check.why
				   : r < 0   ? strerror(-r)
					     : NULL,
				   NULL);
		goto out;
	}
	r = onboot_image_commit(&img, req->output, req->backup, &backup);
	if (r < 0) {
		report_failure(req, r, "the new image could not be put in place", strerror(-r),
			       NULL);
		goto out;
	}
	clog("done\n");
	say_backup(req->output, backup);
	log_text = log_file_text(req->s);
	if (log_text)
		log_detail("%s", log_text);
out:
	onboot_verdict_free(&check);
	free(env[0]);
	free(env[1]);
	temp_discard(&img);
	return r;
}
