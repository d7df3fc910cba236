/* cmd_onboot_pack.c: `onboot --pack FILE [-r KVER]... [NAME...]`, as DKMS's mktarball: on a
 * build host, the onboot set (the named scripts, else the recorded set) compiled where its
 * caches are not valid, for each kernel, and packed with everything a machine without stap
 * needs: the set, the scripts, each kernel's modules (signed when signing is configured) and
 * their NAME.opts with the scripts' digests. The pack is written beside FILE and renamed over
 * it only when complete. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "cmd_common.h"
#include "commands.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "manifest.h"
#include "cmd_onboot_prepare.h"
#include "onboot_set.h"
#include "onboot_util.h"
#include "pack_index.h"
#include "pack_stream.h"
#include "strfmt.h"
#include "strv.h"
#include "tempfile.h"

/* The scripts to pack, in start order with their options: the named ones (their <NAME>_OPT),
 * else the recorded set (its options). -ENOENT after a message when there is neither, -ELOOP or
 * -EINVAL after FAILED. */
static int pack_scripts(struct invocation *inv, struct onboot_script **ret, size_t *ret_n)
{
	struct manifest set = {0};
	int r;

	if (inv->names_given)
		return onboot_scripts_named(inv, ret, ret_n);
	r = onboot_set_read(inv->s->state_path, &set);
	if (r < 0)
		return r;
	if (set.n_scripts == 0) {
		manifest_free(&set);
		log_error("Nothing to pack: name the scripts, or record an onboot set with onboot "
			  "NAME...");
		return -ENOENT;
	}
	r = onboot_set_scripts(&set, ret, ret_n);
	manifest_free(&set);
	return r == -ENOMEM ? log_error_errno(r, "Failed to read the onboot set") : r;
}

/* A fresh copy of the names and options of v: each kernel is prepared on its own. */
static int scripts_copy(const struct onboot_script *v, size_t n, struct onboot_script **ret)
{
	struct onboot_script *c = calloc(n + 1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		c[i].name = strdup(v[i].name);
		c[i].opts = strdup(v[i].opts ? v[i].opts : "");
		if (!c[i].name || !c[i].opts) {
			onboot_scripts_free(c, i + 1);
			return -ENOMEM;
		}
	}
	*ret = c;
	return 0;
}

/* Adds path's file as member name: its size and digest now; the bytes follow later. */
static int add_member(struct pack_index *ix, const char *name, const char *path)
{
	char hex[SHA256_HEX_SIZE];
	struct stat st;
	int r;

	r = sha256_file(path, hex);
	if (r == 0 && stat(path, &st) < 0)
		r = -errno;
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", path);
	r = pack_index_add_file(ix, name, (uint64_t)st.st_size, hex);
	if (r == -EINVAL)
		log_error("%s cannot go into a pack (%ju bytes)", path, (uintmax_t)st.st_size);
	return r == -ENOMEM ? log_error_errno(r, "Failed to pack") : r;
}

/* Compiles and checks the scripts for the kernel s points at; adds the modules that can start
 * at boot to ix. -ECANCELED when PASSALL=yes stopped the command. */
static int pack_kernel(struct invocation *inv, const struct onboot_script *scripts, size_t n,
		       struct pack_index *ix)
{
	const struct settings *s = inv->s;
	struct onboot_script *v = NULL;
	size_t nv = n;
	int r;

	clog("Kernel %s:\n", s->kernel_release);
	r = scripts_copy(scripts, n, &v);
	if (r < 0)
		return log_error_errno(r, "Failed to pack");
	r = onboot_prepare_scripts(inv, ONBOOT_FAILURE_PASSALL, &v, &nv, NULL);
	for (size_t i = 0; r >= 0 && i < nv; i++) {
		_cleanup_free_ char *ko = NULL, *opts = NULL, *opts_path = NULL;

		opts_path = cache_opts_path(s, v[i].name);
		ko = strdup_printf("%s/%s.ko", s->kernel_release, v[i].name);
		opts = strdup_printf("%s/%s.opts", s->kernel_release, v[i].name);
		if (!ko || !opts || !opts_path) {
			r = log_error_errno(-ENOMEM, "Failed to pack");
			break;
		}
		r = add_member(ix, ko, v[i].ko_path);
		if (r == 0)
			r = add_member(ix, opts, opts_path);
	}
	onboot_scripts_free(v, nv);
	return r;
}

/* The set member: the scripts in order with the options each was built with. */
static int set_text(const struct onboot_script *v, size_t n, char **ret)
{
	struct manifest m = {.kind = MANIFEST_SET};
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++)
		r = manifest_add_script(&m, v[i].name, 0, 0, NULL, v[i].opts ? v[i].opts : "");
	if (r == 0)
		r = manifest_format(&m, ret);
	manifest_free(&m);
	return r;
}

/* Writes ix (the set text in memory, every other member from its file) to fd. */
static int write_pack(int fd, const struct settings *s, const struct pack_index *ix,
		      const char *set)
{
	_cleanup_free_ char *index = NULL;
	uint32_t ino = 1;
	int r = pack_index_format(ix, &index);

	if (r == 0)
		r = pack_write_member(fd, ino++, PACK_INDEX_NAME, index, strlen(index));
	for (size_t i = 0; r == 0 && i < ix->n_files; i++) {
		const struct pack_file *f = &ix->files[i];
		_cleanup_free_ char *src = NULL;

		if (f->kind == PACK_SET) {
			r = pack_write_member(fd, ino++, f->path, set, strlen(set));
			continue;
		}
		if (f->kind == PACK_SCRIPT)
			r = asprintf(&src, "%s/%s.stp", s->script_path, f->name);
		else
			r = asprintf(&src, "%s/%s", s->cache_root, f->path);
		if (r < 0)
			return -ENOMEM;
		r = pack_write_file_member(fd, ino++, f->path, src, f->size);
		if (r < 0)
			return log_error_errno(r, "Failed to pack %s", src);
	}
	return r == 0 ? pack_write_trailer(fd, ino) : r;
}

/* ix into FILE: a temp beside it, synced, renamed over it. */
static int commit_pack(const struct settings *s, const char *file, const struct pack_index *ix,
		       const char *set)
{
	struct temp t = TEMP_INIT;
	int r;

	r = temp_file(file, &t);
	if (r == 0)
		r = write_pack(t.fd, s, ix, set);
	if (r == 0)
		r = temp_commit(&t, file, 0644);
	temp_discard(&t);
	return r < 0 ? log_error_errno(r, "Failed to write %s", file) : 0;
}

/* Every kernel to pack: the -r list, else the target kernel. */
static int pack_kernels(struct invocation *inv, char ***ret)
{
	char *const one[] = {inv->s->kernel_release, NULL};

	*ret = NULL;
	return strv_extend(ret, inv->kernel_releases ? inv->kernel_releases : one);
}

int cmd_onboot_pack(struct invocation *inv)
{
	struct settings *s = inv->s;
	_cleanup_strv_free_ char **kernels = NULL;
	_cleanup_free_ char *file = NULL, *set = NULL;
	struct onboot_script *v = NULL;
	struct pack_index ix = {0};
	uint64_t size = 0;
	size_t n = 0;
	int r;

	if (onboot_absolute_path(inv->pack_file, &file) < 0 || pack_kernels(inv, &kernels) < 0) {
		log_error_errno(-ENOMEM, "Failed to pack");
		return EXIT_FAIL;
	}
	r = pack_scripts(inv, &v, &n);
	if (r < 0)
		return exit_code_of(r);
	for (size_t i = 0; kernels[i] && r == 0; i++) {
		r = pack_index_add_kernel(&ix, kernels[i]);
		if (r == -EINVAL)
			log_error("Kernel %s is given twice", kernels[i]);
	}
	if (r == 0 && n == 0) {
		log_error("Nothing to pack: none of the named scripts is left");
		r = -ENOENT;
	}
	if (r == 0)
		r = set_text(v, n, &set);
	if (r == 0) {
		char hex[SHA256_HEX_SIZE];
		sha256_hex(set, strlen(set), hex);
		r = pack_index_add_file(&ix, PACK_SET_PATH, strlen(set), hex);
	}
	for (size_t i = 0; i < n && r == 0; i++) {
		_cleanup_free_ char *stp = NULL, *member = NULL;
		if (asprintf(&stp, "%s/%s.stp", s->script_path, v[i].name) < 0 ||
		    asprintf(&member, PACK_SCRIPTS_DIR "/%s.stp", v[i].name) < 0)
			r = -ENOMEM;
		else if (path_exists(stp))
			r = add_member(&ix, member, stp);
	}
	for (size_t i = 0; kernels[i] && r == 0; i++) {
		r = settings_use_kernel(s, kernels[i]);
		if (r == 0)
			r = pack_kernel(inv, v, n, &ix);
	}
	if (r == 0)
		r = commit_pack(s, file, &ix, set);
	if (r == 0) {
		char buf[32];
		for (size_t i = 0; i < ix.n_files; i++)
			size += ix.files[i].size;
		clog("Packed %zu scripts for %zu kernels into %s (%s)\n", n, strv_length(kernels),
		     file, onboot_format_size(size, buf, sizeof(buf)));
	}
	pack_index_free(&ix);
	onboot_scripts_free(v, n);
	if (r == -ENOMEM)
		log_error_errno(r, "Failed to pack");
	if (r < 0)
		return EXIT_FAIL;
	if (inv->nr_fails > 0)
		might_success(inv, "pack written");
	return EXIT_OK;
}
