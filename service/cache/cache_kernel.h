/* cache_kernel.h: what the cache knows of a kernel and a module (cache_kernel.c). */
#pragma once
#include "settings.h"

/* The build version (UTS_VERSION) of kernel kver: from MODULES_PATH/kver/build/include/
 * generated/utsversion.h (or compile.h), else the bzImage header of BOOT_PATH/vmlinuz-kver,
 * else uname -v when kver is running. *ret = NULL when none can be found (not an error).
 * Looked up once per run and kernel (its build does not change meanwhile). */
int kernel_build_version(const struct settings *s, const char *kver, char **ret);
/* Drops what kernel_build_version remembered (at exit; and for a caller that installs
 * kernels meanwhile, as the tests do). */
void kernel_build_versions_forget(void);
/* First word of the module's vermagic, read with libkmod. 0 or -errno. */
int module_vermagic_release(const char *ko_path, char **ret);
