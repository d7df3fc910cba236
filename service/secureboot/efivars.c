/* efivars.c: reading EFI variables and shim's MOK table from sysfs. Paths come from
 * SYSFS_PATH so that tests read a tree of their own. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "efivars.h"
#include "fsutil.h"
#include "macro.h"
#include "strfmt.h"

/* Larger than any variable store (MokListRT with a vendor db is tens of kB). */
#define EFI_VAR_MAX ((size_t)4 << 20)

bool efi_booted(const struct settings *s)
{
	_cleanup_free_ char *p = s->sysfs_path ? path_join(s->sysfs_path, "firmware/efi") : NULL;

	return p && path_exists(p);
}

bool efivars_mounted(const struct settings *s)
{
	_cleanup_free_ char *p =
	    s->sysfs_path ? path_join(s->sysfs_path, "firmware/efi/efivars") : NULL;
	DIR *d = p ? opendir(p) : NULL;
	struct dirent *de;
	bool any = false;

	while (d && !any && (de = readdir(d)))
		any = !streq(de->d_name, ".") && !streq(de->d_name, "..");
	if (d)
		closedir(d);
	return any;
}

int efivar_read(const struct settings *s, const char *name, const char *guid, uint32_t *ret_attr,
		char **ret, size_t *ret_len)
{
	_cleanup_free_ char *p = NULL, *data = NULL;
	size_t len;
	int r;

	if (!s->sysfs_path)
		return -ENOENT;
	p = strdup_printf("%s/firmware/efi/efivars/%s-%s", s->sysfs_path, name, guid);
	if (!p)
		return -ENOMEM;
	r = read_file_limited(p, EFI_VAR_MAX, &data, &len);
	if (r < 0)
		return r;
	if (len < 4)
		return -EBADMSG;
	if (ret_attr)
		*ret_attr =
		    (uint32_t)(unsigned char)data[0] | (uint32_t)(unsigned char)data[1] << 8 |
		    (uint32_t)(unsigned char)data[2] << 16 | (uint32_t)(unsigned char)data[3] << 24;
	memmove(data, data + 4, len - 4 + 1);
	*ret = data;
	*ret_len = len - 4;
	data = NULL;
	return 0;
}

int mokvar_read(const struct settings *s, const char *name, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *p = NULL;

	if (!s->sysfs_path)
		return -ENOENT;
	p = strdup_printf("%s/firmware/efi/mok-variables/%s", s->sysfs_path, name);
	if (!p)
		return -ENOMEM;
	return read_file_limited(p, EFI_VAR_MAX, ret, ret_len);
}
