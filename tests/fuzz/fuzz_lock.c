/* fuzz_lock.c: libFuzzer target for what lock.c reads that others wrote: the holder record of
 * STAT_PATH/.lock ("PID COMMAND\nkernel KVER\n") and a /proc/PID/stat line. Checks what a parse
 * promises: a pid of 0 or a positive int, command and kernel one line each, a parent pid >= -1. */
#include "lock.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct lock_holder h;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	lock_holder_parse(text, &h);
	if (h.pid < 0 || memchr(h.command, '\0', sizeof(h.command)) == NULL ||
	    memchr(h.kernel, '\0', sizeof(h.kernel)) == NULL || strchr(h.command, '\n') ||
	    strchr(h.kernel, '\n') || (h.pid == 0 && (*h.command || *h.kernel)))
		abort();
	if (lock_stat_ppid(text) < -1)
		abort();
	free(text);
	return 0;
}
