/* stap_onboot_cli.h: systemtap-service started as `stap-onboot` (a link that make install
 * puts where upstream's 2026 script was): upstream's command line, mapped onto onboot
 * (stap_onboot_cli.c). */
#pragma once
#include <stdbool.h>
#include <stdio.h>

#define STAP_ONBOOT_PROGRAM "stap-onboot"

/* True when argv0's last component is "stap-onboot". */
bool stap_onboot_invoked(const char *argv0);
/* Upstream's usage of stap-onboot, and where the rest is documented. */
void stap_onboot_usage(FILE *f);
/* Turns `stap-onboot [-b] [-c FILE] [-o IMG] [-r KVER] [--] [SCRIPT...]` (options and names in
 * any order, as upstream's getopt 'r:c:o:b') into the argv of `systemtap-service onboot ...`
 * (*ret, NULL-terminated, newly allocated). 0; 1 for -h/--help (the usage is printed to
 * stdout); -EINVAL after the reason and the usage on stderr; -ENOMEM. */
int stap_onboot_argv(int argc, char *const argv[], char ***ret);
