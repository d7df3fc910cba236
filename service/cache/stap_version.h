/* stap_version.h: which stap runs, and its control-channel protocol (stap_version.c). */
#pragma once
#include "settings.h"

/* The stap control-channel protocol for a stap version string ("4.8" -> 4, "5.1" -> 5). */
int stap_protocol_for_version(const char *version);
/* The version in `stap -V` output: "... (version 4.8/0.188, ...)" -> "4.8". 0, -EBADMSG when
 * there is none, -ENOMEM. */
int stap_version_parse(const char *output, char **ret);
/* Runs `STAP -V` (once per process and STAP) and returns the version ("4.8"). 0 or -errno. */
int stap_version(const struct settings *s, char **ret);
