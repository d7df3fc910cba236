/* settings_keys.h: warnings for config keys that do nothing (settings_keys.c). */
#pragma once
#include "config.h"

/* Warns about a key no parameter has (typo protection, never an error): a variable of the
 * upstream script that only its command line sets, or an unknown uppercase key that is not a
 * <script>_OPT/_REQ. */
void settings_check_other_key(const struct config_entry *e);
