/* test_svc_onboot.c: the pieces of `onboot` that need no dracut: the manifest text, the space
 * estimate, the file system probe, the image commit with its backup rules, and the small path
 * helpers. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect_proto.h"
#include "fsutil.h"
#include "macro.h"
#include "onboot_image.h"
#include "onboot_manifest.h"
#include "onboot_preflight.h"
#include "onboot_util.h"
#include "files.h"
#include "test.h"
#include "tempfile.h"

#define MIB (1024ULL * 1024ULL)

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

static int count_entries(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		abort();
	while ((de = readdir(d)))
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

TEST(manifest_text)
{
	struct onboot_script v[] = {
	    {.name = (char *)"counter", .protocol = 4, .bufsize = 0, .ko_size = 1000},
	    {.name = (char *)"needs_counter", .protocol = 5, .bufsize = 8, .ko_size = 2000},
	};
	_cleanup_free_ char *text = NULL, *empty = NULL;
	char *bad = NULL;

	ASSERT_EQ(onboot_manifest_text("6.1.0-56-amd64", true, false, COLLECT_LOG_SIZE_DEFAULT, v,
				       2, &text),
		  0, "manifest text");
	ASSERT_STREQ(text,
		     "stap-onboot-manifest 1\n"
		     "# Written by systemtap-service onboot; run it again to change this file.\n"
		     "kernel 6.1.0-56-amd64\n"
		     "log_boot_err yes\n"
		     "mode early\n"
		     "log_size 4194304\n"
		     "script counter protocol=4 bufsize=0\n"
		     "script needs_counter protocol=5 bufsize=8\n",
		     "two scripts, format line first, start order kept");
	free(text);
	text = NULL;
	ASSERT_EQ(onboot_manifest_text("6.1.0-56-amd64", false, true, 65536, v, 1, &text), 0,
		  "ONBOOT_MODE=hook, ONBOOT_LOG_SIZE=64K");
	ASSERT_CONTAINS(text, "\nlog_boot_err no\nmode hook\nlog_size 65536\nscript counter",
			"ONBOOT_MODE=hook: mode hook; ONBOOT_LOG_SIZE=64K: log_size 65536");
	free(text);
	text = NULL;
	ASSERT_EQ(onboot_manifest_text("6.1.0-56-amd64", false, true, COLLECT_LOG_SIZE_MAX + 1, v,
				       1, &text),
		  -EINVAL, "a log_size above 1G is refused");
	ASSERT_NULL(text, "a log_size above 1G is refused");
	ASSERT_EQ(onboot_manifest_text("6.1.0-56-amd64", false, false, COLLECT_LOG_SIZE_DEFAULT,
				       NULL, 0, &empty),
		  0, "manifest without scripts");
	ASSERT_STREQ(empty,
		     "stap-onboot-manifest 1\n"
		     "# Written by systemtap-service onboot; run it again to change this file.\n"
		     "kernel 6.1.0-56-amd64\n"
		     "log_boot_err no\n"
		     "mode early\n"
		     "log_size 4194304\n",
		     "no scripts: a valid manifest listing none");

	v[0].name = (char *)"bad-name";
	ASSERT_EQ(onboot_manifest_text("k", false, false, COLLECT_LOG_SIZE_DEFAULT, v, 1, &bad),
		  -EINVAL, "bad name refused");
	ASSERT_NULL(bad, "bad name refused");
	v[0].name = (char *)"counter";
	v[0].protocol = 3;
	ASSERT_EQ(onboot_manifest_text("k", false, false, COLLECT_LOG_SIZE_DEFAULT, v, 1, &bad),
		  -EINVAL, "protocol 3 refused");
	v[0].protocol = 4;
	v[0].bufsize = 4096;
	ASSERT_EQ(onboot_manifest_text("k", false, false, COLLECT_LOG_SIZE_DEFAULT, v, 1, &bad),
		  -EINVAL, "bufsize 4096 refused");
	v[0].bufsize = 4095;
	ASSERT_EQ(onboot_manifest_text("k", false, false, COLLECT_LOG_SIZE_DEFAULT, v, 1, &bad), 0,
		  "bufsize 4095 accepted");
	ASSERT_NOT_NULL(bad, "bufsize 4095 accepted");
	free(bad);
	bad = NULL;
	ASSERT_EQ(onboot_manifest_text("6.1 x", false, false, COLLECT_LOG_SIZE_DEFAULT, v, 1, &bad),
		  -EINVAL, "kver with a blank");
	ASSERT_EQ(onboot_manifest_text("", false, false, COLLECT_LOG_SIZE_DEFAULT, v, 1, &bad),
		  -EINVAL, "empty kver");
}

TEST(estimate)
{
	ASSERT_EQ(onboot_estimate_need(0, 100), 32 * MIB + 100 + 4 * MIB,
		  "no image: 32 MiB base + payload + 4 MiB margin");
	ASSERT_EQ(onboot_estimate_need(100 * MIB, MIB), 100 * MIB + MIB + 10 * MIB,
		  "100 MiB image: + payload + 10%% margin");
	ASSERT_EQ(onboot_estimate_need(10 * MIB, 0), 14 * MIB,
		  "small image: margin at least 4 MiB");
}

TEST(fs_probe)
{
	struct onboot_fs fs;

	ASSERT_EQ(onboot_fs_probe(root, &fs), 0, "probe %s: %s (%s) %s, %llu bytes free", root,
		  fs.device, fs.fstype ? fs.fstype : "?",
		  fs.block ? "block device" : "no block device", (unsigned long long)fs.avail);
	ASSERT_TRUE(fs.device, "probe %s: %s (%s) %s, %llu bytes free", root, fs.device,
		    fs.fstype ? fs.fstype : "?", fs.block ? "block device" : "no block device",
		    (unsigned long long)fs.avail);
	ASSERT_GT(fs.avail, 0, "probe %s: %s (%s) %s, %llu bytes free", root, fs.device,
		  fs.fstype ? fs.fstype : "?", fs.block ? "block device" : "no block device",
		  (unsigned long long)fs.avail);
	onboot_fs_free(&fs);
	if (path_exists("/dev/shm")) {
		ASSERT_EQ(onboot_fs_probe("/dev/shm", &fs), 0, "/dev/shm: %s, no block device",
			  fs.fstype ? fs.fstype : "?");
		ASSERT_FALSE(fs.block, "/dev/shm: %s, no block device",
			     fs.fstype ? fs.fstype : "?");
		ASSERT_STREQ(fs.fstype, "tmpfs", "/dev/shm: %s, no block device",
			     fs.fstype ? fs.fstype : "?");
		onboot_fs_free(&fs);
	}
	ASSERT_EQ(onboot_fs_probe("/nonexistent/dir", &fs), -ENOENT, "missing directory: -ENOENT");
}

static struct temp staged_image(const char *output, const char *content)
{
	struct temp t = TEMP_INIT;

	if (onboot_image_stage(output, &t) < 0)
		abort();
	put_file(t.path, content);
	return t;
}

TEST(image_commit)
{
	_cleanup_free_ char *img = at("boot/initramfs-k.img"),
			    *bak = at("boot/initramfs-k.img.bak"), *dir = at("boot"), *text = NULL;
	struct temp t;
	enum onboot_backup b;
	struct stat st;

	mkdir_p(dir, 0755);

	t = staged_image(img, "image 1\n");
	ASSERT_EQ(onboot_image_commit(&t, img, true, &b), 0, "first image, -b: nothing to back up");
	ASSERT_EQ(b, ONBOOT_BACKUP_NO_OLD, "first image, -b: nothing to back up");
	ASSERT_EQ(stat(img, &st), 0, "a new image gets mode 0600");
	ASSERT_EQ((st.st_mode & 07777), 0600, "a new image gets mode 0600");
	ASSERT_FALSE(path_exists(bak), "no .bak without an old image");

	chmod(img, 0644);
	t = staged_image(img, "image 2\n");
	ASSERT_EQ(onboot_image_commit(&t, img, true, &b), 0, "second image, -b: old kept");
	ASSERT_EQ(b, ONBOOT_BACKUP_KEPT, "second image, -b: old kept");
	text = slurp(bak);
	ASSERT_STREQ(text, "image 1\n", ".bak holds the previous image");
	free(text);
	text = NULL;
	text = slurp(img);
	ASSERT_STREQ(text, "image 2\n", "the image is the new one");
	free(text);
	text = NULL;
	ASSERT_EQ(stat(img, &st), 0, "the new image keeps the old one's mode 0644");
	ASSERT_EQ((st.st_mode & 07777), 0644, "the new image keeps the old one's mode 0644");

	t = staged_image(img, "image 3\n");
	ASSERT_EQ(onboot_image_commit(&t, img, true, &b), 0, "third image, -b: .bak exists");
	ASSERT_EQ(b, ONBOOT_BACKUP_EXISTS, "third image, -b: .bak exists");
	text = slurp(bak);
	ASSERT_STREQ(text, "image 1\n", "an existing .bak is never replaced");
	free(text);
	text = NULL;

	t = staged_image(img, "image 4\n");
	ASSERT_EQ(onboot_image_commit(&t, img, false, &b), 0, "fourth image without -b");
	ASSERT_EQ(b, ONBOOT_BACKUP_NOT_ASKED, "fourth image without -b");
	text = slurp(img);
	ASSERT_STREQ(text, "image 4\n", "replaced without backup");
	free(text);
	text = NULL;
	ASSERT_EQ(count_entries(dir, ".initramfs-k.img" TEMP_MARK), 0, "no temp image left");

	/* A rename that fails (the output is a directory): a reason, the staged file is still
	 * there for the caller to remove, nothing else changed. */
	{
		_cleanup_free_ char *sub = at("boot/dir.img"), *subfile = at("boot/dir.img/x");

		mkdir_p(sub, 0755);
		put_file(subfile, "x");
		t = staged_image(sub, "image 5\n");
		ASSERT_EQ(onboot_image_commit(&t, sub, false, &b), -EISDIR,
			  "failed rename: -EISDIR (the step that failed is in LOG_FILE)");
		ASSERT_TRUE(t.path, "staged file left for the caller, output untouched");
		ASSERT_TRUE(path_exists(t.path),
			    "staged file left for the caller, output untouched");
		ASSERT_TRUE(path_exists(subfile),
			    "staged file left for the caller, output untouched");
		temp_discard(&t);
	}
}

TEST(util)
{
	_cleanup_free_ char *sh = NULL, *abs = NULL, *cwd = getcwd(NULL, 0), *want = NULL,
			    *d1 = onboot_dirname("/boot/x.img"), *d2 = onboot_dirname("/x");
	char *none = NULL;
	char buf[32];

	ASSERT_EQ(find_program("sh", &sh), 0, "sh found on PATH: %s", sh ? sh : "(none)");
	ASSERT_TRUE(sh, "sh found on PATH");
	ASSERT_EQ(sh[0], '/', "sh found on PATH: %s", sh);
	ASSERT_EQ(find_program("/nonexistent/dracut", &none), -ENOENT, "missing program: -ENOENT");
	ASSERT_FALSE(none, "missing program: nothing returned");
	ASSERT_EQ(find_program("no-such-program-here", &none), -ENOENT, "not on PATH");
	ASSERT_EQ(onboot_absolute_path("boot/x.img", &abs), 0, "relative path made absolute");
	if (asprintf(&want, "%s/boot/x.img", cwd) < 0)
		abort();
	ASSERT_STREQ(abs, want, "relative -o is taken from the current directory");
	ASSERT_STREQ(d1, "/boot", "dirname /boot/x.img");
	ASSERT_STREQ(d2, "/", "dirname /x");
	ASSERT_STREQ(onboot_format_size(512, buf, sizeof(buf)), "512 bytes", "size in bytes");
	ASSERT_STREQ(onboot_format_size(36 * MIB, buf, sizeof(buf)), "36 MiB", "size in MiB");
	ASSERT_STREQ(onboot_format_size(3 * MIB / 2, buf, sizeof(buf)), "1.5 MiB", "size 1.5 MiB");
}

static void setup(void)
{
	root = test_tmpdir();
}
TEST_SETUP(setup)
