/* test_svc_strv.c: string vectors and script names. */
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "strv.h"
#include "svc_test.h"

static void test_push_join(void)
{
	_cleanup_strv_free_ char **v = NULL;
	char *j;

	CHECK(strv_length(v) == 0, "NULL vector has length 0");
	j = strv_join(v, " ");
	CHECK_STR(j, "", "join of NULL vector");
	free(j);
	CHECK(strv_push(&v, "a") == 0 && strv_push(&v, "b c") == 0, "push two");
	CHECK(strv_consume(&v, strdup("d")) == 0, "consume one");
	CHECK(strv_length(v) == 3, "length 3");
	CHECK(v[3] == NULL, "NULL terminated");
	j = strv_join(v, ", ");
	CHECK_STR(j, "a, b c, d", "join with separator");
	free(j);
	CHECK(strv_contains(v, "b c") && !strv_contains(v, "b"), "contains exact entries only");
	CHECK(strv_consume(&v, NULL) < 0, "consume of NULL (failed allocation) is -ENOMEM");
	CHECK(strv_length(v) == 3, "a failed consume leaves the vector unchanged");
}

static void test_extend(void)
{
	_cleanup_strv_free_ char **a = NULL, **b = NULL;
	char *j;

	strv_push(&a, "1");
	strv_push(&b, "2");
	strv_push(&b, "3");
	CHECK(strv_extend(&a, b) == 0 && strv_extend(&a, NULL) == 0, "extend (also by NULL)");
	j = strv_join(a, "|");
	CHECK_STR(j, "1|2|3", "extended vector");
	free(j);
	CHECK(a[1] != b[0], "extend copies the strings");
}

static void test_split(void)
{
	_cleanup_strv_free_ char **v = NULL, **e = NULL;
	char *j;

	CHECK(strv_split_blanks("  a\tbb \n ccc  ", &v) == 0, "split on blanks");
	j = strv_join(v, "|");
	CHECK_STR(j, "a|bb|ccc", "split words");
	free(j);
	CHECK(strv_split_blanks(" \t\n ", &e) == 0 && e && strv_length(e) == 0,
	      "split of blanks only is an empty (non-NULL) vector");
}

static void test_names(void)
{
	static const char *const good[] = {
	    "a",	   "_",	  "script1",
	    "My_Script_2", "_x9", "a234567890123456789012345678901234567890123456789012345"};
	static const char *const bad[] = {
	    "",
	    "1abc",
	    "script1-blah",
	    "a.b",
	    "a b",
	    "../x",
	    "é",
	    "a/b",
	    "-v",
	    "x\n",
	    "a2345678901234567890123456789012345678901234567890123456"};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK(script_name_valid(good[i]), "valid name \"%s\"", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(!script_name_valid(bad[i]), "invalid name \"%s\"", bad[i]);
	CHECK(!script_name_valid(NULL), "NULL is not a name");
}

static void test_kernel_releases(void)
{
	static const char *const good[] = {
	    "6.1.0-56-amd64", "5.14.0-427.el9.x86_64", "6.8.0+", "a",
	    "a234567890123456789012345678901234567890123456789012345678901234"};
	static const char *const bad[] = {
	    "",
	    ".",
	    "..",
	    "../x",
	    "a/b",
	    "a b",
	    "a\tb",
	    "x\n",
	    "\x7f",
	    "\xc3\xa9",
	    "a2345678901234567890123456789012345678901234567890123456789012345"};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK(kernel_release_valid(good[i]), "valid release \"%s\"", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(!kernel_release_valid(bad[i]), "invalid release \"%s\"", bad[i]);
	CHECK(!kernel_release_valid(NULL), "NULL is not a release");
}

int main(void)
{
	test_push_join();
	test_extend();
	test_split();
	test_names();
	test_kernel_releases();
	return test_summary();
}
