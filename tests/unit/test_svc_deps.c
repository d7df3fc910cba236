/* test_svc_deps.c: <script>_REQ ordering: chains, diamonds (each once), loops (named, -ELOOP),
 * self-loops, bad names, missing targets. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deps.h"
#include "strv.h"
#include "capture.h"
#include "test.h"

static struct settings s;

static void req(const char *name, const char *value)
{
	char key[128];

	snprintf(key, sizeof(key), "%s_REQ", name);
	if (config_set(&s.cfg, key, value, "test") < 0)
		exit(2);
}

/* Sorts the blank separated names; returns the joined result or "ERR <r>: <stderr>". */
static char *sorted(const char *names, int *ret_r, char **ret_err)
{
	_cleanup_strv_free_ char **in = NULL, **out = NULL;
	struct capture c;
	char *j;
	int r;

	strv_split_blanks(names, &in);
	capture_begin(&c);
	r = deps_sort(&s, in, &out);
	*ret_err = capture_end(&c);
	*ret_r = r;
	j = r == 0 ? strv_join(out, " ") : strdup("ERR");
	ASSERT_TRUE(r == 0 || out == NULL, "no output on failure");
	return j;
}

static void sorts_to(const char *names, const char *want)
{
	char *got, *err, what[200];
	int r;

	got = sorted(names, &r, &err);
	snprintf(what, sizeof(what), "order of '%s'", names);
	ASSERT_EQ(r, 0, "'%s' sorts", names);
	ASSERT_STREQ(got, want, "%s", what);
	free(got);
	free(err);
}

static void fails(const char *names, int want_r, const char *want_msg)
{
	char *got, *err;
	int r;

	got = sorted(names, &r, &err);
	ASSERT_EQ(r, want_r, "'%s' fails with %d (got %d)", names, want_r, r);
	ASSERT_CONTAINS(err, want_msg, "message \"%s\"", want_msg);
	free(got);
	free(err);
}

/* Each test starts from an empty configuration (its own child). */
TEST(chain)
{
	/* a needs b needs c */
	req("a", "b");
	req("b", "c");
	sorts_to("a", "c b a");
	sorts_to("c a", "c b a");
	sorts_to("b x", "c b x");
}

static void diamond(void)
{
	/* top needs l and r, both need base: base once */
	req("top", "l r");
	req("l", "base");
	req("r", "base");
}

TEST(diamond)
{
	diamond();
	sorts_to("top", "base l r top");
	sorts_to("r top l", "base r l top");
	sorts_to("top top", "base l r top");
}

TEST(blanks_separate_names)
{
	diamond();
	req("w", " \tl\n r ");
	sorts_to("w", "base l r w");
}

TEST(missing_target)
{
	/* a missing target is just included (start reports "no script file") */
	req("m", "nosuch");
	sorts_to("m", "nosuch m");
	sorts_to("", "");
}

TEST(loops)
{
	req("p", "q");
	req("q", "o");
	req("o", "p");
	fails("p", -ELOOP, "Dependency loop detected: p -> q -> o -> p");
	fails("x o", -ELOOP, "Dependency loop detected: o -> p -> q -> o");
	req("e", "p");
	fails("e", -ELOOP, "Dependency loop detected: p -> q -> o -> p");
	req("self", "self");
	fails("self", -ELOOP, "Dependency loop detected: self -> self");
}

TEST(invalid_names)
{
	req("bad", "ok ../etc");
	fails("bad", -EINVAL, "Invalid script name \"../etc\" in bad_REQ");
	req("bad2", "a-b");
	fails("bad2", -EINVAL, "Invalid script name \"a-b\" in bad2_REQ");
	fails("1x", -EINVAL, "Invalid script name \"1x\"");
	config_free(&s.cfg);
}
