/* cmd_onboot_status.c: `onboot --status`, like `dkms status`: for every installed kernel (and
 * every kernel that still has a snapshot), the onboot scripts its next boot starts, the
 * snapshot they come from, the scripts that were not built, and whether the image on disk
 * holds that snapshot byte for byte (the same check onboot makes before it replaces an
 * image). Before them, whether the next boot's kernel will accept our modules at all: Secure
 * Boot, lockdown, the signing key and its enrollment (sb_status.c). */
#include <errno.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_common.h"
#include "cmd_onboot_status.h"
#include "commands.h"
#include "fsutil.h"
#include "growbuf.h"
#include "interrupt.h"
#include "log.h"
#include "macro.h"
#include "names.h"
#include "onboot_image.h"
#include "onboot_set.h"
#include "onboot_snapshot.h"
#include "onboot_util.h"
#include "sb_status.h"
#include "strfmt.h"
#include "strv.h"

/* Appends to *kvers the part of each path matching pattern between prefix and suffix. */
static int collect(const char *pattern, size_t prefix, size_t suffix, char ***kvers)
{
	glob_t g;
	int r = 0;

	if (glob(pattern, 0, NULL, &g) != 0)
		return 0;
	for (size_t i = 0; i < g.gl_pathc && r == 0; i++) {
		const char *p = g.gl_pathv[i];
		size_t len = strlen(p);
		_cleanup_free_ char *k = NULL;

		if (len <= prefix + suffix)
			continue;
		k = strndup(p + prefix, len - prefix - suffix);
		if (!k)
			r = -ENOMEM;
		else if (kernel_release_valid(k) && !strv_contains(*kvers, k))
			r = strv_push(kvers, k);
	}
	globfree(&g);
	return r;
}

static int cmp_version_desc(const void *a, const void *b)
{
	return strverscmp(*(char *const *)b, *(char *const *)a);
}

/* Installed kernels (BOOT_PATH/vmlinuz-*) and kernels with a snapshot, newest first. */
static int kernels(const struct settings *s, char ***ret)
{
	_cleanup_free_ char *p1 = NULL, *p2 = NULL;
	char **v = NULL;
	int r;

	if (asprintf(&p1, "%s/vmlinuz-*", s->boot_path) < 0 ||
	    asprintf(&p2, "%s/*/" ONBOOT_SNAPSHOT_DIR "/" ONBOOT_SNAPSHOT_MANIFEST, s->cache_root) <
		0)
		return -ENOMEM;
	r = collect(p1, strlen(s->boot_path) + strlen("/vmlinuz-"), 0, &v);
	if (r == 0)
		r = collect(p2, strlen(s->cache_root) + 1,
			    strlen("/" ONBOOT_SNAPSHOT_DIR "/" ONBOOT_SNAPSHOT_MANIFEST), &v);
	if (r < 0) {
		strv_free(v);
		return r;
	}
	if (v)
		qsort(v, strv_length(v), sizeof(*v), cmp_version_desc);
	*ret = v;
	return 0;
}

/* Prints the recorded set; *ret_names gets its names joined by blanks (NULL when empty).
 * Linear in the set's size: one buffer grown by doubling, no vector pushed name by name.
 * 0, or -errno when the set cannot be read (said on the set's line). */
static int print_set(const struct settings *s, char **ret_names)
{
	_cleanup_free_ char *path = onboot_set_path(s->state_path);
	struct growbuf b = {0};
	struct manifest set;
	int r;

	*ret_names = NULL;
	if (!path)
		return -ENOMEM;
	r = onboot_set_read(s->state_path, &set);
	if (r < 0) {
		/* onboot_set_read said why (a FIFO, too big, bad lines). */
		clog("Onboot set (%s): unreadable (see above): record it again with "
		     "systemtap-service onboot SCRIPT...\n",
		     path);
		return r;
	}
	for (size_t i = 0; i < set.n_scripts && r == 0; i++) {
		const char *name = set.scripts[i].name;
		if (i > 0)
			r = growbuf_append(&b, " ", 1, SIZE_MAX);
		if (r == 0)
			r = growbuf_append(&b, name, strlen(name), SIZE_MAX);
	}
	manifest_free(&set);
	if (r < 0) {
		free(b.data);
		return log_error_errno(r, "Failed to read the onboot set");
	}
	*ret_names = b.data;
	clog("Onboot set (%s): %s\n", path, b.data ? b.data : "none recorded");
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether snap holds the scripts of set (names joined by blanks), built or named as not
 * built, in any order. Sorted copies: n log n for sets of any size. */
static bool same_scripts(const char *set, const struct onboot_snapshot *snap)
{
	_cleanup_free_ char *names = strdup(set), *failed = strdup(snap->not_built);
	_cleanup_free_ char **want = NULL, **have = NULL;
	size_t n_want = 0, n_have = snap->n;
	bool same = true;

	if (!names || !failed)
		return true; /* out of memory: nothing to flag */
	for (const char *c = failed; *c; c++)
		n_have += *c == '\n';
	want = calloc(strlen(names) / 2 + 2, sizeof(*want));
	have = calloc(n_have + 2, sizeof(*have));
	if (!want || !have)
		return true;
	for (char *w = strtok(names, " "); w; w = strtok(NULL, " "))
		want[n_want++] = w;
	n_have = 0;
	for (size_t i = 0; i < snap->n; i++)
		have[n_have++] = snap->v[i].name;
	for (char *l = failed; *l;) { /* "NAME: why" lines */
		char *nl = strchrnul(l, '\n'), *colon = strchr(l, ':');
		bool last = !*nl;

		*nl = '\0';
		if (colon) {
			*colon = '\0';
			have[n_have++] = l;
		}
		l = last ? nl : nl + 1;
	}
	if (n_have != n_want)
		return false;
	qsort(want, n_want, sizeof(*want), cmp_str);
	qsort(have, n_have, sizeof(*have), cmp_str);
	for (size_t i = 0; i < n_want && same; i++)
		same = streq(want[i], have[i]);
	return same;
}

/* Prints what one kernel's next boot starts; 1 when its image lacks its snapshot, when it
 * has none although a set is recorded (set: the set's names, NULL when none), or when the
 * kernel would refuse a module of it (sb). *n_modules grows by the snapshot's modules. */
static int kernel_status(const struct settings *s, const char *kver, const char *set,
			 const struct sb_report *sb, size_t *n_modules)
{
	_cleanup_free_ char *kcache = path_join(s->cache_root, kver), *image = NULL,
			    *vmlinuz = NULL;
	struct onboot_verdict held = {0};
	struct onboot_snapshot snap = {0};
	bool have_snap, bad = false, refused, rebuild;
	int r;

	if (!kcache || onboot_default_image(s, kver, &image) < 0 ||
	    asprintf(&vmlinuz, "%s/vmlinuz-%s", s->boot_path, kver) < 0)
		return -ENOMEM;
	r = onboot_snapshot_load(kcache, &snap);
	if (r < 0 && r != -ENOENT) {
		/* The loader logged why; the kernel still gets its line, and the fix. */
		clog("%s: onboot snapshot unreadable (%s/" ONBOOT_SNAPSHOT_DIR "): %s\n"
		     "  to fix: systemtap-service onboot --refresh --image -r %s\n",
		     kver, kcache, strerror(-r), kver);
		return 1;
	}
	have_snap = r == 0;
	clog("%s:", kver);
	for (size_t i = 0; i < snap.n; i++)
		clog(" %s", snap.v[i].name);
	clog("%s\n", snap.n ? "" : " no onboot scripts");
	if (have_snap)
		clog("  snapshot: %s\n", snap.dir);
	for (const char *l = have_snap ? snap.not_built : ""; *l;) {
		const char *nl = strchrnul(l, '\n');
		_cleanup_free_ char *shown = strdup_escape_cntrl(l, (size_t)(nl - l), false);

		clog("  not built: %s\n", shown ? shown : "?");
		l = *nl ? nl + 1 : nl;
	}
	if (!path_exists(vmlinuz))
		clog("  kernel not installed: remove its snapshot with systemtap-service onboot "
		     "--forget -r %s\n",
		     kver);
	else if (!have_snap && set) {
		/* Like `dkms status` for a kernel the module was never built for. */
		clog("  not built: the recorded onboot set (%s) has no snapshot for this kernel\n",
		     set);
		bad = true;
	} else if (have_snap && set && !same_scripts(set, &snap)) {
		clog("  differs from the recorded onboot set (%s)\n", set);
		bad = true;
	}
	if (!path_exists(image)) {
		bad |= snap.n > 0;
		clog("  image: %s does not exist%s\n", image, bad ? "" : " (nothing to start)");
	} else if ((r = onboot_image_check(s->dracut_timeout, image, snap.v, snap.n,
					   snap.manifest_text, &held)) < 0) {
		onboot_snapshot_free(&snap);
		return r;
	} else if (held.ok)
		clog("  image: %s holds %s\n", image,
		     snap.n ? "this snapshot" : "no onboot scripts");
	else {
		bad = true;
		clog("  image: %s does NOT hold %s: %s\n", image,
		     snap.n ? "this snapshot" : "what this kernel should start (none)", held.why);
	}
	onboot_verdict_free(&held);
	refused = sb_status_modules(sb, &snap, &rebuild) > 0;
	if (bad || rebuild)
		clog("  to fix: %ssystemtap-service onboot --refresh --image -r %s\n",
		     rebuild && sb->key_problem ? "once the signing key is set up and enrolled: "
						: "",
		     kver);
	else if (refused)
		clog(
		    "  to fix: enroll the signing key (above): these modules are signed with it\n");
	*n_modules += snap.n;
	onboot_snapshot_free(&snap);
	bad |= refused;
	return bad;
}

/* Prints the note for one kernel whose snapshot lists some of names, on a line of its own
 * after cleanup's "OK" (cleanup's final newline ends the last one). */
static void note_kernel(const struct settings *s, const char *kver, char *const *names)
{
	_cleanup_free_ char *kcache = path_join(s->cache_root, kver);
	_cleanup_strv_free_ char **keep = NULL, **gone = NULL;
	struct onboot_snapshot snap;

	if (!kcache || onboot_snapshot_load(kcache, &snap) < 0)
		return;
	for (size_t i = 0; i < snap.n; i++)
		if (strv_push(strv_contains(names, snap.v[i].name) ? &gone : &keep,
			      snap.v[i].name) < 0)
			break;
	if (gone) {
		_cleanup_free_ char *g = strv_join(gone, " "),
				    *k = keep ? strv_join(keep, " ") : NULL;

		clog(
		    "\nNB: the onboot snapshot of kernel %s still holds %s, so its image starts it "
		    "at every boot; to take it out: systemtap-service onboot -r %s%s%s",
		    kver, g ? g : "", kver, k ? " " : "", k ? k : "");
	}
	onboot_snapshot_free(&snap);
}

void onboot_note_snapshots(const struct settings *s, char *const *names)
{
	_cleanup_strv_free_ char **kv = NULL;

	if (!names || !names[0] || !s->cache_root || !s->boot_path || kernels(s, &kv) < 0)
		return;
	for (size_t i = 0; kv && kv[i]; i++)
		note_kernel(s, kv[i], names);
}

int cmd_onboot_status(struct invocation *inv)
{
	const struct settings *s = inv->s;
	_cleanup_strv_free_ char **kv = NULL;
	_cleanup_free_ char *set = NULL;
	struct sb_report sb;
	size_t n_modules = 0;
	int bad = 0, r;

	if (sb_status_print(s, &sb) < 0)
		return EXIT_FAIL;
	if (print_set(s, &set) < 0)
		bad++;
	r = kernels(s, &kv);
	if (r < 0) {
		log_error_errno(r, "Failed to list the kernels in %s", s->boot_path);
		sb_report_free(&sb);
		return EXIT_FAIL;
	}
	if (!kv)
		clog("No kernels found in %s\n", s->boot_path);
	for (size_t i = 0; kv && kv[i] && !interrupted(); i++) {
		r = kernel_status(s, kv[i], set, &sb, &n_modules);
		if (r < 0) {
			log_error_errno(r, "Failed to check kernel %s", kv[i]);
			sb_report_free(&sb);
			return EXIT_FAIL;
		}
		bad += r;
	}
	/* A key the kernel will not trust matters once there is something to start. */
	if (sb.key_problem && (n_modules > 0 || set))
		bad++;
	sb_report_free(&sb);
	return bad ? EXIT_FAIL : EXIT_OK;
}
