/* fuzz_kernel_lists.c: libFuzzer target for the loader's readers of the kernel's lists: each
 * line of the input as a /proc/modules line (modsections.c), and the whole input as
 * /proc/kallsyms (relocs.c, read from a memfd). Checks what a parse promises: a module name
 * of a module name's characters only, NUL-terminated, and a kallsyms scan that ends. */
#include "modsections.h"
#include "relocs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void modules_lines(const char *text, size_t size)
{
	const char *line = text, *end = text + size;

	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t len = nl ? (size_t)(nl - line) : (size_t)(end - line);
		struct proc_modules_entry e;

		if (proc_modules_parse_line(line, len, &e) == 0 &&
		    (!memchr(e.name, '\0', sizeof(e.name)) || !e.name[0] ||
		     e.name[strspn(e.name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					   "0123456789_-")]))
			abort();
		line += len + 1;
	}
}

static void kallsyms(const uint8_t *data, size_t size)
{
	uint64_t addrs[SYM_COUNT];
	char path[64];
	int fd = memfd_create("kallsyms", MFD_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		kallsyms_find(path, addrs, SYM_COUNT);
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	modules_lines((const char *)data, size);
	kallsyms(data, size);
	return 0;
}
