/* names.c: the one rule for script names and kernel releases. */
#include "names.h"

#include <string.h>

#include "macro.h"

static bool is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

bool script_name_valid(const char *name)
{
	size_t n;

	if (!name || !is_name_start(name[0]))
		return false;
	for (n = 1; name[n]; n++)
		if (!is_name_char(name[n]))
			return false;
	return n <= SCRIPT_NAME_MAX;
}

/* utsname's release field holds 64 characters and a NUL. */
#define KERNEL_RELEASE_MAX 64

bool kernel_release_valid(const char *release)
{
	size_t n;

	if (!release || !release[0] || streq(release, ".") || streq(release, ".."))
		return false;
	for (n = 0; release[n]; n++)
		if (release[n] <= ' ' || release[n] > '~' || release[n] == '/')
			return false;
	return n <= KERNEL_RELEASE_MAX;
}
