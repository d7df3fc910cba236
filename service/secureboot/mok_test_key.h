/* mok_test_key.h: `mokutil --test-key`, where the MOK lists cannot be read here
 * (mok_test_key.c). */
#pragma once
#include <stddef.h>

#include "mok_lists.h"
#include "settings.h"

/* Asks MOKUTIL where the certificate in file cert (its DER bytes der) is. mokutil reads DER
 * only: a PEM file is given to it as a DER copy in TEMP_PATH. MOK_UNKNOWN when it cannot run
 * or says something else; *ret_note (malloc'd): its answer, or why there is none. */
enum mok_enrollment mok_test_key(const struct settings *s, const char *cert, const void *der,
				 size_t der_len, char **ret_note);
