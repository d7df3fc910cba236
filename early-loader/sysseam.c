/* sysseam.c: the real kernel calls behind sysseam.h (raw syscalls: no libkmod). */
#include "sysseam.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static int real_init_module(const void *image, size_t len, const char *params)
{
	if (syscall(SYS_init_module, image, (unsigned long)len, params) < 0)
		return -errno;
	return 0;
}

static int real_delete_module(const char *name, unsigned flags)
{
	if (syscall(SYS_delete_module, name, flags) < 0)
		return -errno;
	return 0;
}

static int real_open_ctl(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);

	return fd < 0 ? -errno : fd;
}

static ssize_t real_write_ctl(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static uint64_t real_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void real_sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int real_kernel_release(char *buf, size_t size)
{
	struct utsname u;

	if (uname(&u) < 0)
		return -errno;
	if (snprintf(buf, size, "%s", u.release) >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}

static const struct sysseam real_kernel = {
    .init_module = real_init_module,
    .delete_module = real_delete_module,
    .open_ctl = real_open_ctl,
    .write_ctl = real_write_ctl,
    .now_ms = real_now_ms,
    .sleep_ms = real_sleep_ms,
    .kernel_release = real_kernel_release,
};

const struct sysseam *sysseam = &real_kernel;

void sysseam_set(const struct sysseam *s)
{
	sysseam = s ? s : &real_kernel;
}
