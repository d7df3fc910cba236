/* fuzz_optfilter.c: opts_split + opts_normalize + the compile and run filters on any text,
 * with invariants: normalizing is idempotent, filters keep what they must. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optfilter.h"
#include "optfilter_long.h"
#include "strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(char **a, char **b)
{
	size_t n = strv_length(a);

	if (n != strv_length(b))
		abort();
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i], b[i]) != 0)
			abort();
}

/* Normalizing an already normalized vector changes nothing. */
static void idempotent(char **norm)
{
	char **again = NULL, *bad = NULL;

	if (opts_normalize(norm, &again, &bad) != 0)
		abort();
	same(norm, again);
	strv_free(again);
}

/* staprun words before the mode: "-c|-x|-o|-S|-b|-N ARG" pairs only; -D exactly with an -o. */
static void check_run_words(char **run, size_t n, enum run_mode mode)
{
	bool saw_o = false;

	for (size_t i = 0; i < n; i += 2) {
		if (i + 1 >= n || strlen(run[i]) != 2 || run[i][0] != '-' ||
		    !strchr("cxoSbN", run[i][1]))
			abort();
		saw_o |= run[i][1] == 'o';
	}
	if (saw_o != (mode == RUN_MODE_DAEMON))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = strndup((const char *)data, size);
	char **words = NULL, **norm = NULL, **comp = NULL, **run = NULL, **run_u = NULL;
	char *bad = NULL;
	enum run_mode mode;
	size_t n;

	if (!text)
		return 0;
	if (opts_split(text, &words) < 0)
		goto out;
	if (opts_normalize(words, &norm, &bad) < 0) {
		if (!bad)
			abort();
		goto out;
	}
	/* Every long option left is one stap 4.8 knows, not a refused one. */
	for (size_t i = 0; norm[i] && strcmp(norm[i], "--") != 0; i++) {
		const struct long_opt *lo =
		    norm[i][0] == '-' && norm[i][1] == '-' ? long_opt_of_word(norm[i]) : NULL;
		if (norm[i][0] == '-' && norm[i][1] == '-' && (!lo || lo->use == LONG_REFUSED))
			abort();
		if (lo && lo->arg == LONG_ARG_REQUIRED)
			i++;
		else if (norm[i][0] == '-' && norm[i][1] != '-' && norm[i][2] == '\0' &&
			 strchr("pIeoRrmcxDsldLS", norm[i][1]))
			i++;
	}
	if (!strv_contains(norm, "--"))
		abort();
	idempotent(norm);
	if (opts_for_compile(norm, &comp) < 0)
		abort();
	idempotent(comp);
	if (opts_for_run(norm, NULL, &run, &mode) < 0 || opts_for_run(norm, "/u.ko", &run_u, NULL))
		abort();
	n = strv_length(run);
	if (n == 0 || strcmp(run[n - 1], mode == RUN_MODE_DAEMON ? "-D" : "-L") != 0)
		abort();
	check_run_words(run, n - 1, mode);
	if (strv_length(run_u) < n)
		abort();
out:
	strv_free(words);
	strv_free(norm);
	strv_free(comp);
	strv_free(run);
	strv_free(run_u);
	free(bad);
	free(text);
	return 0;
}
