/* test_loader_modsections.c: /proc/modules lines, and the run's cache of the loaded modules'
 * sections: what it reads, what it keeps, when it reads a module again. */
#include "fake_root.h"
#include "files.h"
#include "macro.h"
#include "modsections.h"
#include "test.h"

#include <errno.h>
#include <string.h>

static int parse(const char *line, struct proc_modules_entry *e)
{
	return proc_modules_parse_line(line, strlen(line), e);
}

TEST(parse_lines)
{
	struct proc_modules_entry e;

	ASSERT_OK(parse("ext4 987136 1 mbcache,jbd2, Live 0xffffffffc0a1b000", &e));
	ASSERT_STREQ(e.name, "ext4");
	ASSERT_EQ(e.base, 0xffffffffc0a1b000ull);
	ASSERT_OK(parse("stap_x 65536 0 - Loading 0xffffffffC0000000 (OE+)", &e));
	ASSERT_STREQ(e.name, "stap_x");
	ASSERT_EQ(e.base, 0xffffffffc0000000ull);
	/* kptr_restrict hides the address from whom may not see it. */
	ASSERT_OK(parse("amod 8192 0 - Live 0x0000000000000000", &e));
	ASSERT_EQ(e.base, 0);
}

TEST(parse_refuses)
{
	static const char *const bad[] = {
	    "",
	    "ext4",
	    "ext4 987136 1 - Live",
	    "ext4 987136 1 - Live ffffffffc0a1b000",
	    "ext4 987136 1 - Live 0x",
	    "ext4 987136 1 - Live 0xffffffffc0a1b000ff",
	    "ext4 987136 1 - Live 0xfffffffgc0a1b000",
	    "../x 1 0 - Live 0xffffffffc0000000",
	    "a/b 1 0 - Live 0xffffffffc0000000",
	    ".hidden 1 0 - Live 0xffffffffc0000000",
	    "a_name_of_sixty_four_characters_is_longer_than_the_kernel_allows 1 0 - Live "
	    "0xffffffffc0000000",
	};
	struct proc_modules_entry e = {.name = "kept", .base = 7};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		ASSERT_EQ(parse(bad[i], &e), -EINVAL, "\"%s\" refused", bad[i]);
	ASSERT_STREQ(e.name, "kept", "a refused line leaves the entry as it was");
	ASSERT_EQ(e.base, 7);
}

/* The test's directory as a root with fake_root.h's modules. */
static const char *make_root(void)
{
	const char *root = test_tmpdir();

	fk_put_modules(root);
	return root;
}

TEST(update_reads_listed_modules)
{
	const char *root = make_root();
	struct module_sections ms = {0};

	ASSERT_OK(module_sections_update(&ms, root, NULL, 0));
	ASSERT_EQ(ms.n_mods, 2, "the two /proc/modules lines, not the built-in");
	ASSERT_STREQ(ms.mods[0].name, "amod", "sorted by name");
	ASSERT_EQ(ms.mods[0].n_sections, 1);
	ASSERT_EQ(ms.mods[0].sections[0].addr, 0xffffffffc0400000ull);
	ASSERT_STREQ(ms.mods[1].name, "zmod");
	ASSERT_EQ(ms.mods[1].n_sections, 3);
	ASSERT_STREQ(ms.mods[1].sections[0].name, ".data", "sections sorted by name");
	ASSERT_EQ(ms.mods[1].sections[0].addr, 0xffffffffc0300000ull);
	ASSERT_STREQ(ms.mods[1].sections[1].name, ".init.text");
	ASSERT_EQ(ms.mods[1].sections[1].addr, 0, "init sections are freed: sent as 0");
	ASSERT_EQ(ms.mods[1].sections[2].addr, 0xffffffffc0100000ull);
	module_sections_free(&ms);
	ASSERT_EQ(ms.n_mods, 0);
}

/* A module at the same base is not read again; at another base, or hidden, it is; one no
 * longer listed is dropped, a new one read. */
TEST(update_keeps_what_did_not_move)
{
	const char *root = make_root();
	struct module_sections ms = {0};

	ASSERT_OK(module_sections_update(&ms, root, NULL, 0));
	put_text_in(root, "sys/module/zmod/sections/.text", "0xffffffffc0110000\n");
	put_text_in(root, "sys/module/amod/sections/.text", "0xffffffffc0990000\n");
	put_text_in(root, "sys/module/nmod/sections/.text", "0xffffffffc0770000\n");
	put_text_in(root, "proc/modules",
		    "zmod 16384 0 - Live 0xffffffffc0100000\n"
		    "amod 8192 0 - Live 0xffffffffc0990000\n"
		    "nmod 4096 0 - Live 0xffffffffc0770000\n");
	ASSERT_OK(module_sections_update(&ms, root, NULL, 0));
	ASSERT_EQ(ms.n_mods, 3);
	ASSERT_STREQ(ms.mods[0].name, "amod");
	ASSERT_EQ(ms.mods[0].sections[0].addr, 0xffffffffc0990000ull,
		  "amod was loaded again at another base: read again");
	ASSERT_STREQ(ms.mods[1].name, "nmod");
	ASSERT_EQ(ms.mods[1].sections[0].addr, 0xffffffffc0770000ull, "a new module is read");
	ASSERT_STREQ(ms.mods[2].name, "zmod");
	ASSERT_EQ(ms.mods[2].sections[2].addr, 0xffffffffc0100000ull,
		  "zmod stayed at its base: its sections are not read again");

	put_text_in(root, "proc/modules", "zmod 16384 0 - Live 0x0000000000000000\n");
	ASSERT_OK(module_sections_update(&ms, root, NULL, 0));
	ASSERT_EQ(ms.n_mods, 1, "amod and nmod were unloaded: dropped");
	ASSERT_EQ(ms.mods[0].sections[2].addr, 0xffffffffc0110000ull,
		  "a hidden base proves nothing: read again");
	module_sections_free(&ms);
}

TEST(update_without_proc_modules)
{
	const char *root = make_root();
	struct module_sections ms = {0};
	char path[4200];

	ASSERT_OK(module_sections_update(&ms, root, NULL, 0));
	snprintf(path, sizeof(path), "%s/proc/modules", root);
	ASSERT_OK(unlink(path));
	ASSERT_EQ(module_sections_update(&ms, root, NULL, 0), -ENOENT);
	ASSERT_EQ(ms.n_mods, 2, "a failed update leaves the cache as it was");
	module_sections_free(&ms);
}

TEST(update_leaves_out_the_named)
{
	const char *root = make_root();
	const char *const skip[] = {"zmod"};
	struct module_sections ms = {0};

	ASSERT_OK(module_sections_update(&ms, root, skip, ELEMENTSOF(skip)));
	ASSERT_EQ(ms.n_mods, 1, "zmod left out");
	ASSERT_STREQ(ms.mods[0].name, "amod");
	module_sections_free(&ms);
}
