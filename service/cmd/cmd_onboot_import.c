/* cmd_onboot_import.c: placeholder until the import lands. */
#include "commands.h"
#include "log.h"

int cmd_onboot_import(struct invocation *inv)
{
	(void)inv;
	log_error("onboot --import is not built yet");
	return EXIT_FAIL;
}
