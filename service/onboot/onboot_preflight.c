/* onboot_preflight.c: the device, file system and free room for the new image. */
#include <blkid/blkid.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include "log.h"
#include "macro.h"
#include "onboot_preflight.h"
#include "onboot_util.h"
#include "strfmt.h"

#define MIB (1024ULL * 1024ULL)
#define BASE_WITHOUT_IMAGE (32 * MIB)
#define MIN_MARGIN (4 * MIB)

void onboot_fs_free(struct onboot_fs *fs)
{
	free(fs->device);
	free(fs->fstype);
	free(fs->uuid);
	*fs = (struct onboot_fs){0};
}

uint64_t onboot_estimate_need(uint64_t current, uint64_t payload)
{
	uint64_t base = current ? current : BASE_WITHOUT_IMAGE;
	uint64_t margin = base / 10 > MIN_MARGIN ? base / 10 : MIN_MARGIN;

	return base + payload + margin;
}

/* TYPE and UUID of a block device's superblock; leaves fs untouched when it cannot be read. */
static void probe_block_device(const char *devname, struct onboot_fs *fs)
{
	blkid_probe pr = blkid_new_probe_from_filename(devname);
	const char *v;

	if (!pr)
		return;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID);
	if (blkid_do_safeprobe(pr) == 0) {
		if (!fs->fstype && blkid_probe_lookup_value(pr, "TYPE", &v, NULL) == 0)
			fs->fstype = strdup(v);
		if (!fs->uuid && blkid_probe_lookup_value(pr, "UUID", &v, NULL) == 0)
			fs->uuid = strdup(v);
	}
	blkid_free_probe(pr);
}

/* Fields 3 (major:minor), 9 (fstype) and 10 (source) of the first /proc/self/mountinfo line
 * for dev. */
static void probe_mountinfo(dev_t dev, char **ret_fstype, char **ret_source)
{
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		unsigned maj, min;
		char *sep, fstype[256], source[4096];

		if (sscanf(line, "%*u %*u %u:%u", &maj, &min) != 2 || makedev(maj, min) != dev)
			continue;
		sep = strstr(line, " - ");
		if (!sep || sscanf(sep, " - %255s %4095s", fstype, source) != 2)
			continue;
		*ret_fstype = strdup(fstype);
		*ret_source = strdup(source);
		break;
	}
	fclose(f);
}

int onboot_fs_probe(const char *dir, struct onboot_fs *ret)
{
	struct onboot_fs fs = {0};
	_cleanup_free_ char *mi_fstype = NULL, *mi_source = NULL;
	struct statvfs sv;
	struct stat st;

	if (stat(dir, &st) < 0)
		return log_error_errno(-errno, "Failed to stat %s", dir);
	if (statvfs(dir, &sv) < 0)
		return log_error_errno(-errno, "Failed to read the free space of %s", dir);
	fs.avail = (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize;

	fs.device = blkid_devno_to_devname(st.st_dev);
	if (fs.device) {
		fs.block = true;
		probe_block_device(fs.device, &fs);
	}
	probe_mountinfo(st.st_dev, &mi_fstype, &mi_source);
	if (!fs.fstype && mi_fstype) {
		fs.fstype = mi_fstype;
		mi_fstype = NULL;
	}
	if (!fs.device && mi_source) {
		fs.device = mi_source;
		mi_source = NULL;
	}
	if (!fs.device)
		fs.device = strdup("an unknown device");
	if (!fs.device)
		return log_error_errno(-ENOMEM, "Failed to describe the file system of %s", dir);
	*ret = fs;
	return 0;
}

int onboot_preflight(const char *output, uint64_t payload)
{
	_cleanup_free_ char *dir = onboot_dirname(output), *line = NULL;
	struct onboot_fs fs;
	uint64_t current = 0, need;
	char need_s[32], avail_s[32], cur_s[32];
	int r;

	if (!dir)
		return log_error_errno(-ENOMEM, "Failed to check the space for %s", output);
	r = onboot_fs_probe(dir, &fs);
	if (r < 0)
		return r;
	if (onboot_file_size(output, &current) < 0)
		current = 0;
	need = onboot_estimate_need(current, payload);
	onboot_format_size(need, need_s, sizeof(need_s));
	onboot_format_size(fs.avail, avail_s, sizeof(avail_s));
	line = strdup_printf(" Checking space on %s (%s, %s%s) ... ", fs.device,
			     fs.fstype ? fs.fstype : "type unknown",
			     !fs.block ? "no block device"
			     : fs.uuid ? "UUID="
				       : "UUID unknown",
			     fs.block && fs.uuid ? fs.uuid : "");
	if (!line) {
		onboot_fs_free(&fs);
		return log_error_errno(-ENOMEM, "Failed to check the space for %s", output);
	}
	if (fs.avail < need) {
		clog("%serror\n", line);
		if (current)
			log_error(
			    "Not enough space for %s on %s: about %s needed (the current image "
			    "of %s, the modules and a margin), %s free",
			    output, fs.device, need_s,
			    onboot_format_size(current, cur_s, sizeof(cur_s)), avail_s);
		else
			log_error("Not enough space for %s on %s: about %s needed, %s free", output,
				  fs.device, need_s, avail_s);
		onboot_fs_free(&fs);
		return -ENOSPC;
	}
	log_detail("%sdone (%s free, about %s needed)\n", line, avail_s, need_s);
	onboot_fs_free(&fs);
	return 0;
}
