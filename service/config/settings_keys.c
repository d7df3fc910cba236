/* settings_keys.c: config keys that do nothing (a typo, or a variable of the upstream script),
 * warned about. */
#include <stdbool.h>
#include <string.h>

#include "log.h"
#include "macro.h"
#include "names.h"
#include "settings_keys.h"

/* Variables of the upstream script that a sourced config could override; ours cannot. */
static const char *const internal_vars[][2] = {
    {"KRELEASE", "use -r"},	     {"CONFIG", "use -c"},
    {"INITRAMFS", "use -o"},	     {"EXPLICIT_INITRAMFS", "use -o"},
    {"BACKUP_INITRAMFS", "use -b"},  {"OPT_ASSUMEYES", "use -y"},
    {"OPT_RECURSIVE", "use -R"},     {"OPT_SCRIPTS", "name the scripts"},
    {"SCRIPTS", "name the scripts"}, {"OPTS", "use <script>_OPT"},
    {"STAPIO", "staprun finds it"},  {"UNAME", "not needed"},
    {"LSMOD", "not needed"},	     {"DRACUT_SRC", "not needed"},
};

/* Ours once, not used any more: a config that sets them still loads. */
static const char *const unused_vars[][2] = {
    {"LSINITRD", "onboot reads the image itself"},
};

/* True for <script>_OPT and <script>_REQ keys. */
static bool is_script_key(const char *key)
{
	size_t l = strlen(key);
	char name[64];

	if (l < 5 || (!streq(key + l - 4, "_OPT") && !streq(key + l - 4, "_REQ")))
		return false;
	if (l - 4 >= sizeof(name))
		return false;
	memcpy(name, key, l - 4);
	name[l - 4] = '\0';
	return script_name_valid(name);
}

static bool is_uppercase_key(const char *key)
{
	for (; *key; key++)
		if (*key >= 'a' && *key <= 'z')
			return false;
	return true;
}

void settings_check_other_key(const struct config_entry *e)
{
	for (size_t i = 0; i < ELEMENTSOF(internal_vars); i++)
		if (streq(e->key, internal_vars[i][0])) {
			log_warning("%s: %s cannot be set in a config file (%s); ignored",
				    e->origin, e->key, internal_vars[i][1]);
			return;
		}
	for (size_t i = 0; i < ELEMENTSOF(unused_vars); i++)
		if (streq(e->key, unused_vars[i][0])) {
			log_warning("%s: %s is not used any more (%s); ignored", e->origin, e->key,
				    unused_vars[i][1]);
			return;
		}
	if (is_uppercase_key(e->key) && !is_script_key(e->key))
		log_warning("%s: unknown parameter %s; ignored", e->origin, e->key);
}
