/* fuzz_upstream_options.c: what onboot --import reads of upstream's modules, on any bytes: the
 * NAME.options reader (upstream_options.c, over the config parser), the options it yields
 * through _OPT's normalization, and the scan of a module's bytes for the stap version
 * (module_origin.c). What they promise: both values are strings when parsing succeeds,
 * normalizing twice gives the same words, a version found is "D.D[.D]" and ends where the
 * bytes say. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "module_origin.h"
#include "optfilter.h"
#include "strv.h"
#include "upstream_options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void scan(const uint8_t *data, size_t size)
{
	char *v = NULL;
	bool srv;

	if (module_origin_scan((const char *)data, size, &v, &srv) != 0)
		abort();
	if (v && (strlen(v) < 3 || strspn(v, "0123456789.") != strlen(v) ||
		  !memmem(data, size, v, strlen(v))))
		abort();
	free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct upstream_options o;

	scan(data, size);
	char **words = NULL, **norm = NULL, **again = NULL, *bad = NULL;

	if (upstream_options_parse((const char *)data, size, "fuzz", &o) != 0)
		return 0;
	if (!o.stap || !o.staprun)
		abort();
	if (opts_split(o.stap, &words) == 0 && opts_normalize(words, &norm, &bad) == 0) {
		if (opts_normalize(norm, &again, NULL) != 0 ||
		    strv_length(again) != strv_length(norm))
			abort();
		for (size_t i = 0; norm[i]; i++)
			if (strcmp(norm[i], again[i]) != 0)
				abort();
	}
	strv_free(words);
	strv_free(norm);
	strv_free(again);
	free(bad);
	upstream_options_free(&o);
	return 0;
}
