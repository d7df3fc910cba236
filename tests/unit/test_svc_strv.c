/* test_svc_strv.c: string vectors and script names. */
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "strv.h"
#include "test.h"

TEST(push_join)
{
	_cleanup_strv_free_ char **v = NULL;
	char *j;

	ASSERT_EQ(strv_length(v), 0, "NULL vector has length 0");
	j = strv_join(v, " ");
	ASSERT_STREQ(j, "", "join of NULL vector");
	free(j);
	ASSERT_EQ(strv_push(&v, "a"), 0, "push two");
	ASSERT_EQ(strv_push(&v, "b c"), 0, "push two");
	ASSERT_EQ(strv_consume(&v, strdup("d")), 0, "consume one");
	ASSERT_EQ(strv_length(v), 3, "length 3");
	ASSERT_NULL(v[3], "NULL terminated");
	j = strv_join(v, ", ");
	ASSERT_STREQ(j, "a, b c, d", "join with separator");
	free(j);
	ASSERT_TRUE(strv_contains(v, "b c"), "contains exact entries only");
	ASSERT_FALSE(strv_contains(v, "b"), "contains exact entries only");
	ASSERT_LT(strv_consume(&v, NULL), 0, "consume of NULL (failed allocation) is -ENOMEM");
	ASSERT_EQ(strv_length(v), 3, "a failed consume leaves the vector unchanged");
}

TEST(extend)
{
	_cleanup_strv_free_ char **a = NULL, **b = NULL;
	char *j;

	strv_push(&a, "1");
	strv_push(&b, "2");
	strv_push(&b, "3");
	ASSERT_EQ(strv_extend(&a, b), 0, "extend (also by NULL)");
	ASSERT_EQ(strv_extend(&a, NULL), 0, "extend (also by NULL)");
	j = strv_join(a, "|");
	ASSERT_STREQ(j, "1|2|3", "extended vector");
	free(j);
	ASSERT_TRUE(a[1] != b[0], "extend copies the strings");
}

TEST(split)
{
	_cleanup_strv_free_ char **v = NULL, **e = NULL;
	char *j;

	ASSERT_EQ(strv_split_blanks("  a\tbb \n ccc  ", &v), 0, "split on blanks");
	j = strv_join(v, "|");
	ASSERT_STREQ(j, "a|bb|ccc", "split words");
	free(j);
	ASSERT_EQ(strv_split_blanks(" \t\n ", &e), 0,
		  "split of blanks only is an empty (non-NULL) vector");
	ASSERT_TRUE(e, "split of blanks only is an empty (non-NULL) vector");
	ASSERT_EQ(strv_length(e), 0, "split of blanks only is an empty (non-NULL) vector");
}

TEST(names)
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
		ASSERT_TRUE(script_name_valid(good[i]), "valid name \"%s\"", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ASSERT_FALSE(script_name_valid(bad[i]), "invalid name \"%s\"", bad[i]);
	ASSERT_FALSE(script_name_valid(NULL), "NULL is not a name");
}

TEST(kernel_releases)
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
		ASSERT_TRUE(kernel_release_valid(good[i]), "valid release \"%s\"", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ASSERT_FALSE(kernel_release_valid(bad[i]), "invalid release \"%s\"", bad[i]);
	ASSERT_FALSE(kernel_release_valid(NULL), "NULL is not a release");
}
