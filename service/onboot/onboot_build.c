/* onboot_build.c: one dracut run for onboot, from staged manifest to committed image. */
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

static char *creation_label(const struct onboot_script *v, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	fputs(n ? " Creating initramfs with" : " Creating initramfs without scripts", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, " %s", v[i].name);
	fputs(" ... ", f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

static void say_log_file(const struct settings *s)
{
	if (log_fd() >= 0)
		clog("  dracut log: %s\n", s->log_file);
	else if (!*s->log_file)
		clog("  dracut log: none (LOG_FILE is empty)\n");
	else
		clog("  dracut log: none (LOG_FILE %s could not be opened)\n", s->log_file);
}

/* DRACUT [DRACUT_OPTS...] --force [--add systemtap] IMAGE KVER */
static int dracut_argv(const struct settings *s, const char *dracut, const char *image, bool add,
		       char ***ret)
{
	_cleanup_strv_free_ char **argv = NULL, **extra = NULL;
	const char *opts = s->dracut_opts;

	if (opts_split(opts, &extra) < 0) {
		log_error("Bad DRACUT_OPTS '%s' (unbalanced quote)", opts);
		return -EINVAL;
	}
	if (strv_push(&argv, dracut) < 0 || strv_extend(&argv, extra) < 0 ||
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
		clog("  Previous image kept as %s.bak\n", output);
		break;
	case ONBOOT_BACKUP_EXISTS:
		clog("  Backup already exists: %s.bak (left as it was)\n", output);
		break;
	case ONBOOT_BACKUP_NO_OLD:
		clog("  No previous image %s to back up\n", output);
		break;
	case ONBOOT_BACKUP_NOT_ASKED:
		break;
	}
}

/* Ends the " Creating initramfs ... " line and says why, once: what failed, the detail
 * (may be NULL), dracut's last lines (may be NULL), where the log is, what was kept. */
static void report_failure(const struct settings *s, const char *output, const char *what,
			   const char *detail, const char *tail)
{
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
	say_log_file(s);
	clog("  %s was left as it was\n", output);
}

/* Ends the " Creating initramfs ... " line after a signal (interrupt.h): the temp files go, the
 * output stays. Returns -EINTR. */
static int report_interrupted(const struct settings *s, const char *output)
{
	clog("interrupted\n");
	say_log_file(s);
	clog("  %s was left as it was\n", output);
	return -EINTR;
}

/* Runs argv (dracut into the temp image); 0, or -errno after report_failure. */
static int run_dracut(const struct onboot_request *req, char *const argv[], char *const env[],
		      const char *label)
{
	_cleanup_free_ char *tail = NULL, *why = NULL, *late = NULL,
			    *subject = strdup_printf("building %s", req->output);
	struct run_limit limit = {req->s->dracut_timeout, "DRACUT_TIMEOUT", subject};
	int r;

	if (!subject)
		return log_error_errno(-ENOMEM, "Failed to run %s", req->dracut);
	r = onboot_run_dracut(argv, env, &limit, label, &tail, &late);
	if (r == 0)
		return 0;
	if (r == -EINTR)
		return report_interrupted(req->s, req->output);
	if (r == -ETIME) { /* run.c's message: program, image, limit, setting */
		why = late;
		late = NULL;
	} else if (r < 0) {
		why = strdup(strerror(-r));
	} else if (asprintf(&why, "%s exited with status %d", req->dracut, r) < 0) {
		why = NULL;
	}
	report_failure(req->s, req->output, why ? why : "dracut failed", NULL, tail);
	return r < 0 ? r : -EIO;
}

int onboot_build(const struct onboot_request *req)
{
	const struct settings *s = req->s;
	struct temp img = TEMP_INIT;
	_cleanup_free_ char *why = NULL, *label = creation_label(req->v, req->n),
			    *env_manifest = NULL, *env_loader = NULL;
	char *env[3] = {NULL, NULL, NULL};
	_cleanup_strv_free_ char **argv = NULL;
	enum onboot_backup backup = ONBOOT_BACKUP_NOT_ASKED;
	int r;

	if (!label)
		return log_error_errno(-ENOMEM, "Failed to create the initramfs");
	r = onboot_image_stage(req->output, &img);
	if (r < 0)
		goto out;
	r = dracut_argv(s, req->dracut, img.path, req->n > 0, &argv);
	if (r < 0)
		goto out;

	/* dracut and our module-setup.sh get these through dracut's environment (never ours). */
	if (asprintf(&env_manifest, "STAP_ONBOOT_MANIFEST=%s", req->manifest_path) < 0 ||
	    (req->loader && asprintf(&env_loader, "STAP_EARLY_LOADER=%s", req->loader) < 0)) {
		env_manifest = env_loader = NULL;
		r = log_error_errno(-ENOMEM, "Failed to set the environment for dracut");
		goto out;
	}
	env[0] = env_manifest;
	env[1] = env_loader;
	clog("%s", label);
	r = run_dracut(req, argv, env, label);
	if (r < 0)
		goto out;
	r = onboot_image_verify(s, img.path, req->v, req->n, req->manifest_text, &why);
	/* Up to here a signal stops the work; the renames below are never cut in half. */
	if (interrupted()) {
		r = report_interrupted(s, req->output);
		goto out;
	}
	if (r < 0) {
		report_failure(s, req->output, "image check failed", why, NULL);
		goto out;
	}
	r = onboot_image_commit(&img, req->output, req->backup, &backup, &why);
	if (r < 0) {
		report_failure(s, req->output, "the new image could not be put in place", why,
			       NULL);
		goto out;
	}
	clog("done\n");
	say_backup(req->output, backup);
	say_log_file(s);
out:
	temp_discard(&img);
	return r;
}
