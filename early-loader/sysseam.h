/* sysseam.h: the few kernel calls the loader makes, behind function pointers.
 *
 * A static binary cannot be LD_PRELOADed, so the unit tests replace this table with a fake
 * kernel (see tests/unit/fake_kernel.h). Everything else (files under /proc and /sys) is read
 * through an optional root prefix instead. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* uname(2)'s release field, with its NUL. */
#define KERNEL_RELEASE_MAX 65

struct sysseam {
	/* init_module(2) on an in-memory image: 0 or -errno. */
	int (*init_module)(const void *image, size_t len, const char *params);
	/* delete_module(2): 0 or -errno. */
	int (*delete_module)(const char *name, unsigned flags);
	/* Opens a module's control channel read-write: fd or -errno. */
	int (*open_ctl)(const char *path);
	/* One write(2) of one whole control message: bytes written or -errno. */
	ssize_t (*write_ctl)(int fd, const void *buf, size_t len);
	/* Monotonic clock in milliseconds. */
	uint64_t (*now_ms)(void);
	/* Sleeps for ms milliseconds. */
	void (*sleep_ms)(unsigned ms);
	/* The running kernel's release (uname -r) into buf: 0, or -errno. */
	int (*kernel_release)(char *buf, size_t size);
};

/* The table in use: the real kernel unless a test installed another. */
extern const struct sysseam *sysseam;

/* Installs s (NULL: back to the real kernel). */
void sysseam_set(const struct sysseam *s);
