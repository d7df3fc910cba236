/* test_svc_snapshot.c: the onboot snapshot (staged whole, swapped in, immutable when the cache
 * changes, removed) and the onboot set, with the writer -> parser round trip of both formats
 * through common/manifest. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsutil.h"
#include "macro.h"
#include "manifest.h"
#include "onboot_set.h"
#include "onboot_snapshot.h"
#include "settings.h"
#include "test.h"
#include "tempfile.h"

static const char *root; /* the program's temp directory */

static char *at(const char *rel)
{
	char *p;

	if (asprintf(&p, "%s/%s", root, rel) < 0)
		abort();
	return p;
}

static char *slurp(const char *path)
{
	char *text = NULL;

	if (read_file(path, &text, NULL) < 0)
		return NULL;
	return text;
}

static void put(const char *path, const char *text)
{
	if (write_file_atomic(path, text, strlen(text), 0644) < 0)
		abort();
}

TEST(round_trip)
{
	struct manifest m = {.kind = MANIFEST_BOOT, .log_boot_err = true}, back, set = {0};
	_cleanup_free_ char *text = NULL, *set_text = NULL;

	m.kernel = strdup("6.1.0-57-amd64");
	ASSERT_EQ(manifest_add_script(&m, "alpha", 4, 0, NULL, NULL), 0, "records built in memory");
	ASSERT_EQ(manifest_add_script(&m, "beta", 5, 16, " answer=42 who=me", NULL), 0,
		  "records built in memory");
	ASSERT_EQ(manifest_format(&m, &text), 0, "manifest written");
	ASSERT_EQ(manifest_parse(text, strlen(text), "rt", MANIFEST_BOOT, &back), 0,
		  "the parser reads back what the writer wrote:\n%s", text);
	ASSERT_EQ(back.bad_lines, 0, "the parser reads back what the writer wrote:\n%s", text);
	ASSERT_EQ(back.n_scripts, 2, "the parser reads back what the writer wrote:\n%s", text);
	ASSERT_TRUE(back.log_boot_err, "the parser reads back what the writer wrote:\n%s", text);
	ASSERT_STREQ(back.kernel, "6.1.0-57-amd64",
		     "the parser reads back what the writer wrote:\n%s", text);
	ASSERT_EQ(back.scripts[1].protocol, 5, "the parser reads back what the writer wrote:\n%s",
		  text);
	ASSERT_EQ(back.scripts[1].bufsize, 16, "the parser reads back what the writer wrote:\n%s",
		  text);
	ASSERT_STREQ(back.scripts[1].params, " answer=42 who=me",
		     "the parser reads back what the writer wrote:\n%s", text);
	manifest_free(&back);
	ASSERT_EQ(manifest_add_script(&m, "alpha", 4, 0, NULL, NULL), 0,
		  "a name twice is refused by the writer");
	ASSERT_EQ(manifest_format(&m, &set_text), -EINVAL, "a name twice is refused by the writer");
	ASSERT_FALSE(set_text, "a name twice is refused by the writer");
	manifest_free(&m);

	set.kind = MANIFEST_SET;
	ASSERT_EQ(
	    manifest_add_script(&set, "durable", 0, 0, NULL, "-DMAXACTION=100 -G x=\"a b\"%#"), 0,
	    "a set with options holding blanks, quotes, '%%' and '#'");
	ASSERT_EQ(manifest_add_script(&set, "plain", 0, 0, NULL, ""), 0,
		  "a set with options holding blanks, quotes, '%%' and '#'");
	ASSERT_EQ(manifest_format(&set, &set_text), 0, "set written:\n%s",
		  set_text ? set_text : "");
	ASSERT_CONTAINS(set_text, "stap-onboot-set 1\n", "set written:\n%s",
			set_text ? set_text : "");
	ASSERT_CONTAINS(set_text, "script plain\n", "set written:\n%s", set_text ? set_text : "");
	ASSERT_EQ(manifest_parse(set_text, strlen(set_text), "set", MANIFEST_SET, &back), 0,
		  "the set reads back the same options");
	ASSERT_EQ(back.n_scripts, 2, "the set reads back the same options");
	ASSERT_FALSE(back.bad_lines, "the set reads back the same options");
	ASSERT_STREQ(back.scripts[0].opts, "-DMAXACTION=100 -G x=\"a b\"%#",
		     "the set reads back the same options");
	ASSERT_STREQ(back.scripts[1].opts, "", "the set reads back the same options");
	manifest_free(&back);
	ASSERT_EQ(manifest_parse(set_text, strlen(set_text), "set", MANIFEST_BOOT, &back), -EBADMSG,
		  "a set is not a manifest: the loader refuses it");
	manifest_free(&set);
}

TEST(duplicates_linear)
{
	/* 140,000 lines took a minute with the old quadratic duplicate check. */
	size_t n = 140000, len = 0;
	char *text = malloc(n * 40 + 64);
	struct manifest m;

	len += (size_t)sprintf(text, "stap-onboot-manifest 1\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "script s%zu protocol=4\n", i % (n - 1));
	ASSERT_EQ(manifest_parse(text, len, "big", MANIFEST_BOOT, &m), 0,
		  "140,000 lines: one duplicate found, the rest kept (%zu scripts)", m.n_scripts);
	ASSERT_EQ(m.n_scripts, n - 1,
		  "140,000 lines: one duplicate found, the rest kept (%zu scripts)", m.n_scripts);
	ASSERT_EQ(m.bad_lines, 1, "140,000 lines: one duplicate found, the rest kept (%zu scripts)",
		  m.n_scripts);
	manifest_free(&m);
	free(text);
}

TEST(snapshot)
{
	_cleanup_free_ char *kcache = at("cache/k1"), *ko = at("cache/k1/alpha.ko"),
			    *snap_ko = at("cache/k1/onboot/alpha.ko"), *old_name = NULL;
	struct temp staged = TEMP_INIT, staged2 = TEMP_INIT;
	char *got = NULL;
	struct onboot_script *v = calloc(1, sizeof(*v));
	struct onboot_snapshot snap;
	struct stat st;

	v[0].name = strdup("alpha");
	v[0].protocol = 4;
	mkdir_p(kcache, 0755);
	put(ko, "module v1");
	v[0].ko_path = strdup(ko);
	ASSERT_EQ(onboot_snapshot_load(kcache, &snap), -ENOENT, "no snapshot yet");
	ASSERT_EQ(onboot_snapshot_stage(kcache, "stap-onboot-manifest 1\nscript alpha protocol=4\n",
					v, 1, NULL, &staged),
		  0, "staged: %s", staged.path);
	ASSERT_CONTAINS(v[0].ko_path, "/.onboot" TEMP_MARK, "staged: %s", staged.path);
	ASSERT_EQ(stat(kcache, &st), 0, "committed: onboot/alpha.ko is the cached module");
	ASSERT_EQ(onboot_snapshot_commit(&staged, kcache), 0,
		  "committed: onboot/alpha.ko is the cached module");
	ASSERT_TRUE(got = slurp(snap_ko), "committed: onboot/alpha.ko is the cached module");
	ASSERT_STREQ(got, "module v1", "committed: onboot/alpha.ko is the cached module");
	free(got);
	/* compile replaces the cache's module by rename: the snapshot keeps the old bytes. */
	put(ko, "module v2, other options");
	unlink(ko);
	got = slurp(snap_ko);
	ASSERT_STREQ(got, "module v1", "recompile and cleanup leave the snapshot as it was");
	free(got);
	put(ko, "module v3");
	free(v[0].ko_path);
	v[0].ko_path = strdup(ko);
	ASSERT_EQ(onboot_snapshot_stage(kcache, "stap-onboot-manifest 1\nscript alpha protocol=4\n",
					v, 1, "beta: did not compile\n", &staged2),
		  0, "a second snapshot is staged");
	ASSERT_TRUE(old_name = strdup(staged2.path), "a second snapshot is staged");
	ASSERT_EQ(onboot_snapshot_commit(&staged2, kcache), 0,
		  "a second snapshot is swapped in and the old one removed");
	ASSERT_LT(access(old_name, F_OK), 0, "the staging name is gone after the swap");
	ASSERT_FALSE(staged2.dir, "the committed temp is reset");
	got = slurp(snap_ko);
	ASSERT_STREQ(got, "module v3", "the new snapshot holds the new module");
	free(got);
	ASSERT_EQ(onboot_snapshot_load(kcache, &snap), 0,
		  "loaded: scripts, their modules in the snapshot, what was not built");
	ASSERT_EQ(snap.n, 1, "loaded: scripts, their modules in the snapshot, what was not built");
	ASSERT_STREQ(snap.v[0].ko_path, snap_ko,
		     "loaded: scripts, their modules in the snapshot, what was not built");
	ASSERT_STREQ(snap.not_built, "beta: did not compile\n",
		     "loaded: scripts, their modules in the snapshot, what was not built");
	onboot_snapshot_free(&snap);
	{
		/* What a killed run leaves (a staging directory whose lock went with its owner),
		 * and what a live run (its own config and lock, the same cache) stages now. */
		struct temp dead = TEMP_INIT, live = TEMP_INIT;
		_cleanup_free_ char *dead_path = NULL;

		ASSERT_EQ(temp_dir(kcache, "onboot", &dead), 0, "two staging directories");
		ASSERT_EQ(temp_dir(kcache, "onboot", &live), 0, "two staging directories");
		dead_path = strdup(dead.path);
		close(dead.fd);
		dead.fd = -1;
		temp_release(&dead);
		ASSERT_EQ(temp_clean(kcache, NULL, NULL), 0,
			  "a killed run's staging directory is removed");
		ASSERT_LT(access(dead_path, F_OK), 0,
			  "a killed run's staging directory is removed");
		ASSERT_EQ(access(live.path, F_OK), 0,
			  "a live run's staging directory in the same cache is left alone");
		temp_discard(&live);
	}
	ASSERT_EQ(onboot_snapshot_remove(kcache), 0, "removed, and removing it again is fine");
	ASSERT_LT(access(snap_ko, F_OK), 0, "removed, and removing it again is fine");
	ASSERT_EQ(onboot_snapshot_remove(kcache), 0, "removed, and removing it again is fine");
	onboot_scripts_free(v, 1);
}

TEST(set)
{
	_cleanup_free_ char *state = at("state");
	struct onboot_script v[2] = {{.name = (char *)"b_first", .opts = (char *)"-DX=1 -g"},
				     {.name = (char *)"a_second"}};
	struct onboot_script *back = NULL;
	struct manifest m;
	size_t n = 0;

	ASSERT_EQ(onboot_set_read(state, &m), 0, "no file: an empty set");
	ASSERT_EQ(m.n_scripts, 0, "no file: an empty set");
	manifest_free(&m);
	ASSERT_EQ(onboot_set_write(state, v, 2), 0,
		  "recorded in start order with the options each was built with");
	ASSERT_EQ(onboot_set_read(state, &m), 0,
		  "recorded in start order with the options each was built with");
	ASSERT_EQ(m.n_scripts, 2, "recorded in start order with the options each was built with");
	ASSERT_STREQ(m.scripts[0].name, "b_first", "recorded in start order");
	ASSERT_STREQ(m.scripts[0].opts, "-DX=1 -g", "recorded with the options it was built with");
	ASSERT_STREQ(m.scripts[1].opts, "", "recorded with the options it was built with");
	ASSERT_EQ(onboot_set_scripts(&m, &back, &n), 0, "read back as a request's scripts");
	ASSERT_EQ(n, 2, "read back as a request's scripts");
	ASSERT_STREQ(back[0].name, "b_first", "read back: names in order");
	ASSERT_STREQ(back[0].opts, "-DX=1 -g", "read back: each with its options");
	ASSERT_STREQ(back[1].opts, "", "read back: each with its options");
	onboot_scripts_free(back, n);
	manifest_free(&m);
	ASSERT_EQ(onboot_set_write(state, v, 0), 0, "onboot without names clears the set");
	ASSERT_EQ(onboot_set_read(state, &m), 0, "onboot without names clears the set");
	ASSERT_EQ(m.n_scripts, 0, "onboot without names clears the set");
	manifest_free(&m);
}

static void setup(void)
{
	root = test_tmpdir();
}
TEST_SETUP(setup)
