/* onboot_request.c: what follows from an onboot request alone. */
#include <stdio.h>
#include <stdlib.h>

#include "onboot_request.h"
#include "onboot_util.h"

#define MANIFEST_ROOM 4096 /* bytes counted for the manifest in the estimate */

uint64_t onboot_request_payload(const struct onboot_request *req)
{
	uint64_t total = MANIFEST_ROOM, size;

	for (size_t i = 0; i < req->n; i++)
		total += req->v[i].ko_size;
	if (req->loader && onboot_file_size(req->loader, &size) == 0)
		total += size;
	return total;
}

char *onboot_request_label(const struct onboot_request *req)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	fputs(req->n ? " Creating initramfs with" : " Creating initramfs without scripts", f);
	for (size_t i = 0; i < req->n; i++)
		fprintf(f, " %s", req->v[i].name);
	fputs(" ... ", f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
