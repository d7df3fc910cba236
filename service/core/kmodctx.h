/* kmodctx.h: the one libkmod context of the process (kmodctx.c). */
#pragma once
#include <libkmod.h>

/* The process's libkmod context, made on first use without reading modprobe.d (we only read
 * module state and module files, never resolve aliases) and released at exit. 0 and *ret, or
 * -ENOMEM after an error. */
int kmod_context_get(struct kmod_ctx **ret);
