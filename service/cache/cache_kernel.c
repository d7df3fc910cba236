/* cache_kernel.c: which kernel a module was built for (its vermagic) and which build of a
 * kernel release is installed (its UTS_VERSION): what cache_check compares. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cache.h"
#include "cache_kernel.h"
#include "fsutil.h"
#include "kmodctx.h"
#include "log.h"
#include "macro.h"
#include "strfmt.h"

/* The UTS_VERSION "#1 SMP ..." defined in a kernel header file, or NULL. */
static int build_from_header(const char *path, char **ret)
{
	_cleanup_free_ char *text = NULL;
	const char *key = "#define UTS_VERSION \"";
	char *p, *end;
	int r;

	*ret = NULL;
	r = read_file(path, &text, NULL);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	for (p = text; (p = strstr(p, key)); p++)
		if (p == text || p[-1] == '\n')
			break;
	if (!p)
		return 0;
	p += strlen(key);
	end = strchr(p, '"');
	if (!end || memchr(p, '\n', (size_t)(end - p)))
		return 0;
	*ret = strndup(p, (size_t)(end - p));
	return *ret ? 0 : -ENOMEM;
}

/* The boot protocol's kernel_version string of a bzImage ("6.1.0-56-amd64 (user@host) #1 SMP
 * ..."): the setup header's 16-bit field at 0x20E points to it, counted from offset 0x200.
 * Only the part from '#' is the build version; the release in front must be kver. */
static int build_from_bzimage(const char *path, const char *kver, char **ret)
{
	_cleanup_close_ int fd = -1;
	unsigned char hdr[0x210];
	char str[512];
	ssize_t n;
	char *hash;
	size_t kl = strlen(kver);
	uint16_t off;

	*ret = NULL;
	fd = open_regular(path, O_RDONLY, 0);
	if (fd < 0)
		return 0;
	n = pread(fd, hdr, sizeof(hdr), 0);
	if (n != (ssize_t)sizeof(hdr) || memcmp(hdr + 0x202, "HdrS", 4) != 0)
		return 0;
	off = (uint16_t)(hdr[0x20E] | hdr[0x20F] << 8);
	if (off == 0)
		return 0;
	n = pread(fd, str, sizeof(str) - 1, (off_t)off + 0x200);
	if (n <= 0)
		return 0;
	str[n] = '\0';
	if (strncmp(str, kver, kl) != 0 || str[kl] != ' ')
		return 0;
	hash = strchr(str + kl, '#');
	if (!hash || !memchr(str, '\0', (size_t)n))
		return 0;
	*ret = strdup(hash);
	return *ret ? 0 : -ENOMEM;
}

/* The build version of kver, looked up (kernel_build_version without the memo). */
static int build_version_lookup(const struct settings *s, const char *kver, char **ret)
{
	static const char *const headers[] = {"utsversion.h", "compile.h"};
	_cleanup_free_ char *path = NULL;
	char *v = NULL;
	struct utsname u;
	int r;

	for (size_t i = 0; i < ELEMENTSOF(headers); i++) {
		free(path);
		if (asprintf(&path, "%s/%s/build/include/generated/%s", s->modules_path, kver,
			     headers[i]) < 0) {
			path = NULL;
			return -ENOMEM;
		}
		r = build_from_header(path, &v);
		if (r < 0 || v)
			goto out;
	}
	free(path);
	if (asprintf(&path, "%s/vmlinuz-%s", s->boot_path, kver) < 0) {
		path = NULL;
		return -ENOMEM;
	}
	r = build_from_bzimage(path, kver, &v);
	if (r < 0 || v)
		goto out;
	if (uname(&u) == 0 && streq(u.release, kver)) {
		v = strdup(u.version);
		r = v ? 0 : -ENOMEM;
	}
out:
	if (r < 0)
		return log_error_errno(r, "Failed to find the build version of kernel %s", kver);
	*ret = v;
	return 0;
}

/* What kernel_build_version found, per kernel: an installed build does not change while we
 * run, and cache_check asks for it once per script. */
struct build_memo {
	struct build_memo *next;
	char *key;     /* MODULES_PATH, BOOT_PATH and KVER, each ended by a newline */
	char *version; /* NULL: none found */
};
static struct build_memo *build_memos;

void kernel_build_versions_forget(void)
{
	while (build_memos) {
		struct build_memo *m = build_memos;

		build_memos = m->next;
		free(m->key);
		free(m->version);
		free(m);
	}
}

/* Remembers version (taken, may be NULL) under key (taken). The entry, or NULL when out of
 * memory. */
static struct build_memo *build_memo_add(char *key, char *version)
{
	static bool registered;
	struct build_memo *m = calloc(1, sizeof(*m));

	if (!m) {
		free(key);
		free(version);
		return NULL;
	}
	if (!registered && atexit(kernel_build_versions_forget) == 0)
		registered = true;
	*m = (struct build_memo){.next = build_memos, .key = key, .version = version};
	build_memos = m;
	return m;
}

int kernel_build_version(const struct settings *s, const char *kver, char **ret)
{
	char *key = strdup_printf("%s\n%s\n%s\n", s->modules_path, s->boot_path, kver);
	struct build_memo *m = build_memos;
	char *v = NULL;
	int r;

	while (key && m && !streq(m->key, key))
		m = m->next;
	if (key && m) {
		free(key);
	} else if (key) {
		r = build_version_lookup(s, kver, &v);
		if (r < 0) {
			free(key);
			return r;
		}
		m = build_memo_add(key, v);
	}
	if (!m || (m->version && !(v = strdup(m->version))))
		return log_error_errno(-ENOMEM, "Failed to find the build version of kernel %s",
				       kver);
	*ret = m->version ? v : NULL;
	return 0;
}

int module_vermagic_release(const char *ko_path, char **ret)
{
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	struct kmod_list *info = NULL, *l;
	char *release = NULL;
	int r;

	r = kmod_context_get(&ctx);
	if (r < 0)
		return r;
	r = kmod_module_new_from_path(ctx, ko_path, &mod);
	if (r < 0) {
		log_error_errno(r, "Failed to read module %s", ko_path);
		goto out;
	}
	r = kmod_module_get_info(mod, &info);
	if (r < 0) {
		log_error_errno(r, "Failed to read the module information of %s", ko_path);
		goto out;
	}
	r = -ENODATA;
	kmod_list_foreach(l, info)
	{
		const char *v = kmod_module_info_get_value(l);

		if (!streq(kmod_module_info_get_key(l), "vermagic") || !v)
			continue;
		release = strndup(v, strcspn(v, " \t"));
		r = release ? 0 : -ENOMEM;
		break;
	}
	if (r == -ENODATA || (release && !*release)) {
		log_error("Module %s has no vermagic", ko_path);
		free(release);
		r = -ENODATA;
	}
out:
	kmod_module_info_free_list(info);
	kmod_module_unref(mod);
	if (r == 0)
		*ret = release;
	return r;
}
