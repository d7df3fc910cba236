/* sb_certs_fixture.h: two certificates made once per program, "a" (stap-onboot-test) and "b"
 * (another key), as files in the program's temp directory and as DER bytes; for the tests of
 * signature lists and Secure Boot state (header only). */
#pragma once
#include <stdlib.h>

#include "sb_fixture.h"
#include "test.h"

static const char *dir; /* the program's temp directory: the certificates */
static char *der_a, *der_b;
static size_t len_a, len_b;

static void sb_certs_setup(void)
{
	dir = test_tmpdir();
	sb_make_cert(dir, "a", "stap-onboot-test");
	sb_make_cert(dir, "b", "another key");
	der_a = sb_slurp(dir, "a.der", &len_a);
	der_b = sb_slurp(dir, "b.der", &len_b);
}
TEST_SETUP(sb_certs_setup)

static void sb_certs_teardown(void)
{
	free(der_a);
	free(der_b);
}
TEST_TEARDOWN(sb_certs_teardown)
