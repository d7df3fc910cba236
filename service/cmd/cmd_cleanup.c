/* cmd_cleanup.c: cleanup: remove the caches of the scripts (every cached script when none is
 * named), and the shared uprobes module once no script needs it. */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "cmd_common.h"
#include "cmd_onboot_status.h"
#include "fsutil.h"
#include "interrupt.h"
#include "log.h"
#include "macro.h"
#include "script_walk.h"
#include "strfmt.h"
#include "strv.h"

/* Named scripts, else every script of script.d and every name with a file in the cache. */
static int cleanup_names(struct invocation *inv, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL;
	static const char *const suffixes[] = {".ko", ".opts", ".uprobes"};
	int r;

	r = invocation_scripts(inv, &names);
	for (size_t i = 0; r >= 0 && !inv->names_given && i < ELEMENTSOF(suffixes); i++)
		r = scan_dir_names(inv->s->cache_path, suffixes[i], &names);
	if (r < 0)
		return r;
	strv_sort(names);
	*ret = names;
	names = NULL;
	return 0;
}

/* 1 when some NAME.uprobes marker is left in the cache, 0 when none, -errno. */
static int uprobes_marker_left(const char *cache_path)
{
	_cleanup_strv_free_ char **left = NULL;
	int r = scan_dir_names(cache_path, ".uprobes", &left);

	if (r < 0)
		return r;
	return left && left[0] ? 1 : 0;
}

/* Removes the cache files of one script (for_each_script); SCRIPT_ABORTED after FAILED when
 * out of memory. */
static enum script_result remove_cache_step(struct invocation *inv, const char *name,
					    void *userdata, int *ret_code)
{
	_cleanup_strv_free_ char **files = NULL;
	bool failed = false;

	(void)userdata;
	(void)ret_code;
	if (cache_files_of(inv->s, name, &files) < 0) {
		log_error_errno(-ENOMEM, "Failed to clean the caches");
		clog("FAILED");
		return SCRIPT_ABORTED;
	}
	log_line("Exec: rm -f %s.ko %s.opts %s.uprobes", name, name, name);
	for (size_t j = 0; files && files[j]; j++)
		if (unlink(files[j]) < 0 && errno != ENOENT) {
			log_error_errno(-errno, "Failed to remove %s", files[j]);
			failed = true;
		}
	return failed ? SCRIPT_FAILED : SCRIPT_OK;
}

static char *remove_cache_failed(const char *name, int code)
{
	(void)code;
	return strdup_printf("failed to clean cache %s.ko", name);
}

static const struct script_step remove_cache = {.run = remove_cache_step,
						.failed = remove_cache_failed};

int cmd_cleanup(struct invocation *inv)
{
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *uprobes = NULL;
	enum cache_answer answer;
	struct stat st;
	int r;

	clog("Cleaning up systemtap scripts: ");
	if (stat(inv->s->cache_path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		log_line("Pass: no cache");
		clog("OK");
		return EXIT_OK;
	}
	r = confirm_cache_change(inv, cleanup_names, "Removing caches",
				 "Do you really want to remove above caches", &names, &answer);
	if (r < 0)
		return EXIT_FAIL;
	if (answer == CACHES_NO)
		return EXIT_OK;
	if (answer == CACHES_YES && for_each_script(inv, names, &remove_cache, NULL) < 0)
		return EXIT_FAIL;
	if (interrupted())
		return EXIT_FAIL;
	/* Upstream's test here always failed and removed uprobes/ even when still needed. */
	uprobes = path_join(inv->s->cache_path, "uprobes");
	if (uprobes && path_exists(uprobes)) {
		r = uprobes_marker_left(inv->s->cache_path);
		if (r == 0) {
			log_line("Exec: rm -rf %s", uprobes);
			r = rm_rf(uprobes);
			if (r < 0)
				log_error_errno(r, "Failed to remove %s", uprobes);
		}
		if (r < 0 && might_failf(inv, "failed to clean %s", uprobes))
			return EXIT_FAIL;
	}
	might_success(inv, "done");
	onboot_note_snapshots(inv->s, names);
	return EXIT_OK;
}
