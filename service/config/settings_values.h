/* settings_values.h: the value syntax of the config's parameters (settings_values.c).
 * parse_bool (upstream's check_bool) is declared in settings.h. */
#pragma once

/* The most a time limit may be: more is a typo, not a limit. */
#define SECONDS_MAX (30L * 24 * 3600)

/* A copy of v without trailing slashes ("/" stays "/"), or NULL (ENOMEM). */
char *settings_strip_slashes(const char *v);
/* COMPILE_JOBS: 1..4096; *ret unchanged on error. 0 or -EINVAL. */
int settings_parse_jobs(const char *v, int *ret);
/* A time limit in seconds, 0..SECONDS_MAX; *ret unchanged on error. 0 or -EINVAL. */
int settings_parse_seconds(const char *v, unsigned *ret);
/* ONBOOT_BUFSIZE: MB, 0..BUFSIZE_MAX (manifest.h); *ret unchanged on error. 0 or -EINVAL. */
int settings_parse_bufsize(const char *v, unsigned *ret);
/* ONBOOT_LOG_SIZE: bytes, or KiB, MiB, GiB with K, M, G, up to COLLECT_LOG_SIZE_MAX; *ret
 * unchanged on error. 0 or -EINVAL. */
int settings_parse_size(const char *v, unsigned long long *ret);
