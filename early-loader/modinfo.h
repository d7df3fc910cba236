/* modinfo.h: the .modinfo section of a kernel module's ELF64 image, read in place before
 * init_module: every offset and size is checked against the image, which may be anything. */
#pragma once
#include <stddef.h>

/* The bytes of a .modinfo section: "key=value" records separated by NUL bytes. */
struct modinfo {
	const char *data; /* inside the image */
	size_t size;
};

/* Finds the section the kernel reads as .modinfo (the first allocated one of that name) in
 * image (len bytes). Returns 0 and *ret, -ENOENT when there is none, or -ENOEXEC when image is
 * not a well-formed ELF64 file of this machine's byte order; then *ret_why (may be NULL) says
 * what is wrong. Does not log. */
int modinfo_section(const void *image, size_t len, struct modinfo *ret, const char **ret_why);

/* The value of the first KEY=value record, as the kernel's get_modinfo() picks it: 0 and
 * *ret_value (inside mi, not NUL-terminated when the section ends first), *ret_len, or
 * -ENODATA. Does not log. */
int modinfo_get(const struct modinfo *mi, const char *key, const char **ret_value, size_t *ret_len);

/* Refuses a module whose vermagic does not start with release (the running kernel's, as
 * uname(2) gives it), whose .modinfo has no vermagic, or whose ELF image is corrupt: logs why,
 * naming the script, and returns -ENOEXEC. Returns 0 when the release matches. */
int modinfo_check_release(const void *image, size_t len, const char *script, const char *release);
