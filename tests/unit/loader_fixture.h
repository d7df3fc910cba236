/* loader_fixture.h: the program-wide set-up of the loader tests that start scripts one by one
 * against the fake kernel (test_loader_sequence.c, test_loader_timing.c): a fake root, the
 * kernel log in it, and the loader's timeouts (header only). */
#pragma once
#include <stdio.h>
#include <stdlib.h>

#include "fake_kernel.h"
#include "kmsg.h"
#include "loader.h"

static char *root, *kmsg_path;
static struct loader_config cfg;

/* The fake root, the kernel log written to ROOT/kmsg, times in UTC; the transport waits
 * 100 ms, a reply reply_ms. Call from the program's TEST_SETUP. */
static inline void loader_fixture_setup(unsigned reply_ms)
{
	root = fk_make_root();
	if (asprintf(&kmsg_path, "%s/kmsg", root) < 0)
		exit(2);
	setenv("TZ", "UTC", 1);
	log_setup(kmsg_path, true, false);
	loader_config_init(&cfg, root, root);
	cfg.transport_timeout_ms = 100;
	cfg.reply_timeout_ms = reply_ms;
}

/* The fake root removed: the program's TEST_TEARDOWN. */
static inline void loader_fixture_teardown(void)
{
	remove_tree(root);
	free(root);
	free(kmsg_path);
}
