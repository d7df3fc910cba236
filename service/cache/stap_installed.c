/* stap_installed.c: the version of the installed stap without running it each time: a memo,
 * CACHE_PATH/.stap-version, names the binary it describes by path and inode data, so `stap -V`
 * runs once after stap is installed or upgraded, and never where stap is not installed. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "config_write.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "stap_version.h"
#include "tempfile.h"

#define MEMO_FILE ".stap-version"
#define MEMO_MAGIC "STAP_ONBOOT_STAP_VERSION=1"

/* What tells one stap binary from another, as text: a replaced or rebuilt file differs. */
static char *binary_id(const char *path)
{
	struct stat st;
	char *id;

	if (stat(path, &st) < 0)
		return NULL;
	if (asprintf(&id, "%ju:%ju:%jd:%jd.%09ld:%jd.%09ld", (uintmax_t)st.st_dev,
		     (uintmax_t)st.st_ino, (intmax_t)st.st_size, (intmax_t)st.st_mtim.tv_sec,
		     st.st_mtim.tv_nsec, (intmax_t)st.st_ctim.tv_sec, st.st_ctim.tv_nsec) < 0)
		return NULL;
	return id;
}

/* The version the memo records for binary path with id, or NULL (no memo, another binary,
 * unreadable: then stap -V decides). */
static char *memo_read(const char *memo, const char *path, const char *id)
{
	_cleanup_free_ char *text = NULL;
	struct config cfg = {0};
	const char *stap, *sid, *v;
	char *version = NULL;
	size_t len;

	if (read_file_limited(memo, 4096, &text, &len) < 0 ||
	    strncmp(text, MEMO_MAGIC "\n", strlen(MEMO_MAGIC) + 1) != 0)
		return NULL;
	if (config_parse_text(&cfg, text, len, memo) == 0) {
		stap = config_get(&cfg, "STAP");
		sid = config_get(&cfg, "STAP_ID");
		v = config_get(&cfg, "STAP_VERSION");
		if (stap && sid && v && *v && streq(stap, path) && streq(sid, id))
			version = strdup(v);
	}
	config_free(&cfg);
	return version;
}

/* Records version for binary path with id; a cache root that cannot be written only means
 * stap -V runs again next time. */
static void memo_write(const char *memo, const char *path, const char *id, const char *version)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	int r = -ENOMEM;

	if (!f)
		return;
	fputs(MEMO_MAGIC "\n", f);
	r = config_write_assign(f, "STAP", path);
	if (r == 0)
		r = config_write_assign(f, "STAP_ID", id);
	if (r == 0)
		r = config_write_assign(f, "STAP_VERSION", version);
	if (fclose(f) == 0 && r == 0)
		r = write_file_atomic(memo, buf, size, 0644);
	if (r < 0)
		log_line("Not recording the stap version in %s: %s", memo, strerror(-r));
	free(buf);
}

int stap_installed_version(const struct settings *s, char **ret)
{
	/* Once per process and binary: many scripts ask. */
	static char *seen_id, *seen_version;
	_cleanup_free_ char *path = NULL, *id = NULL, *memo = NULL, *v = NULL;
	int r;

	*ret = NULL;
	r = find_program(s->stap, &path);
	if (r == -ENOMEM)
		return log_error_errno(r, "Failed to look for %s", s->stap);
	if (r < 0)
		return 0; /* not installed: a runtime-only machine */
	id = binary_id(path);
	if (!id) /* vanished meanwhile: as good as not installed */
		return 0;
	if (seen_id && streq(seen_id, id) && seen_version)
		return (*ret = strdup(seen_version)) ? 0
						     : log_error_errno(-ENOMEM, "Out of memory");
	memo = s->cache_root ? path_join(s->cache_root, MEMO_FILE) : NULL;
	v = memo ? memo_read(memo, path, id) : NULL;
	if (!v) {
		r = stap_version_run(s, path, &v);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			log_warning(
			    "Cannot tell the version of %s: caches are not compared with it", path);
			return 0;
		}
		if (memo && path_exists(s->cache_root))
			memo_write(memo, path, id, v);
	}
	free(seen_id);
	free(seen_version);
	seen_id = strdup(id);
	seen_version = strdup(v);
	*ret = v;
	v = NULL;
	return 0;
}
