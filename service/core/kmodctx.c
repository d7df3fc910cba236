/* kmodctx.c: one libkmod context per run: status over hundreds of scripts, or start checking
 * each script's cache, must not set one up (and reparse the configuration) each time. */
#include <errno.h>
#include <stdlib.h>

#include "kmodctx.h"
#include "log.h"

static struct kmod_ctx *kmod_context;

static void kmod_context_free(void)
{
	kmod_context = kmod_unref(kmod_context);
}

int kmod_context_get(struct kmod_ctx **ret)
{
	static const char *const no_config[] = {NULL};

	if (!kmod_context) {
		kmod_context = kmod_new(NULL, no_config);
		if (!kmod_context)
			return log_error_errno(-ENOMEM, "Failed to create a libkmod context");
		atexit(kmod_context_free);
	}
	*ret = kmod_context;
	return 0;
}
