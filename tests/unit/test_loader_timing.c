/* test_loader_timing.c: the loader's timing against the fake kernel: no wait after a healthy
 * module's STP_START reply (its channel stays open for its collector); an ERROR before the
 * reply fails the module at once; an exit() in a begin probe is seen at the reply and the
 * module left to its collector to end; the kernel symbols are looked up once per run. Late
 * exit requests are the collector's (test_loader_collect.c). */
#include "test.h"
#include "loader_fixture.h"

static void reset(void)
{
	fk_reset(root);
	unlink(kmsg_path);
}

TEST(error_decided_at_reply)
{
	struct manifest_script s = {.name = "boom", .protocol = 4, .params = (char *)""};
	struct loader_armed a;
	int r;

	reset();
	struct fk_module *m = fk_add("boom", 4);
	m->begin_error = true;
	fk_write_ko(root, "boom");
	r = loader_start_script(&cfg, &s, &a);
	ASSERT_LT(r, 0,
		  "ERROR line before the STP_START reply: loader_start_script itself fails "
		  "(r=%d), nothing left for the final window",
		  r);
	ASSERT_TRUE(m->got_exit, "STP_EXIT sent, module unloaded");
	ASSERT_FALSE(m->loaded, "STP_EXIT sent, module unloaded");
	ASSERT_LT(a.ch.fd, 0, "STP_EXIT sent, module unloaded");
}

/* An error line with a slow exit request: the start waits for that request (reply timeout). */
TEST(late_exit_request)
{
	struct manifest_script s = {.name = "late", .protocol = 4, .params = (char *)""};
	struct loader_armed a;
	int r;

	reset();
	struct fk_module *m = fk_add("late", 4);
	m->begin_error = true;
	m->exit_delay_ms = 60; /* the error line makes the start wait for it */
	fk_write_ko(root, "late");
	r = loader_start_script(&cfg, &s, &a);
	ASSERT_LT(r, 0, "STP_REQUEST_EXIT 60 ms after the ERROR line: still failed");
	ASSERT_TRUE(m->got_exit, "STP_EXIT sent and module unloaded");
	ASSERT_FALSE(m->loaded, "STP_EXIT sent and module unloaded");
}

/* A healthy module: no wait after its reply; its channel stays open for its collector. */
TEST(no_wait_after_reply)
{
	struct manifest_script s = {.name = "good", .protocol = 4, .params = (char *)""};
	struct loader_armed a;
	uint64_t t0, took;
	int r;

	reset();
	struct fk_module *m = fk_add("good", 4);
	fk_write_ko(root, "good");
	t0 = fk_now_ms();
	r = loader_start_script(&cfg, &s, &a);
	took = fk_now_ms() - t0;
	ASSERT_EQ(
	    r, SCRIPT_ARMED,
	    "healthy module armed in %llu ms: no wait after the reply (the exit request would "
	    "come about 20 ms later: its collector takes it)",
	    (unsigned long long)took);
	ASSERT_LT(
	    took, 200 * test_timeout_factor(),
	    "healthy module armed in %llu ms: no wait after the reply (the exit request would "
	    "come about 20 ms later: its collector takes it)",
	    (unsigned long long)took);
	ASSERT_GE(a.ch.fd, 0, "its control channel is still open");
	ASSERT_FALSE(fk_detached(m), "its control channel is still open");
	ASSERT_TRUE(m->loaded, "its control channel is still open");
	ASSERT_TRUE(file_contains(kmsg_path, "<6>stap-early-loader: good: armed in "),
		    "'armed' logged at the reply");
	channel_close(&a.ch);
}

/* exit() in a begin probe, its request already there at the reply: finished, the channel
 * left open for the collector that ends the module and keeps its output. */
TEST(begin_exit_finished)
{
	struct manifest_script s = {.name = "quitter", .protocol = 4, .params = (char *)""};
	struct loader_armed a;
	int r;

	reset();
	struct fk_module *m = fk_add("quitter", 4);
	m->begin_exit = true;
	fk_write_ko(root, "quitter");
	r = loader_start_script(&cfg, &s, &a);
	ASSERT_EQ(r, SCRIPT_FINISHED,
		  "exit() without error: finished, still loaded, no STP_EXIT from the loader");
	ASSERT_GE(a.ch.fd, 0,
		  "exit() without error: finished, still loaded, no STP_EXIT from the loader");
	ASSERT_TRUE(m->loaded,
		    "exit() without error: finished, still loaded, no STP_EXIT from the loader");
	ASSERT_FALSE(m->got_exit,
		     "exit() without error: finished, still loaded, no STP_EXIT from the loader");
	ASSERT_TRUE(
	    file_contains(kmsg_path, "quitter: finished during start (exit() without error)"),
	    "and logged");
	channel_close(&a.ch);
}

/* The _stext relocation sent to module name (0 when none). */
static uint64_t sent_stext(const char *name)
{
	struct ctl_relocation rel;
	int i = fk_find_sent(name, 9, 0); /* protocol 4: the first relocation is _stext */

	if (i < 0)
		return 0;
	memcpy(&rel, fk.sent[i].payload, sizeof(rel));
	return strcmp(rel.reloc, "_stext") == 0 ? rel.address : 0;
}

/* A fresh fake kernel with the modules "one" and "two" and their files. */
static void add_two(void)
{
	reset();
	fk_add("one", 4);
	fk_add("two", 4);
	fk_write_ko(root, "one");
	fk_write_ko(root, "two");
}

/* Starts "one", calls between (when not NULL), starts "two", with the run's cache (or NULL). */
static void start_both(struct reloc_cache *cache, void (*between)(void))
{
	struct manifest_script s1 = {.name = "one", .protocol = 4, .params = (char *)""};
	struct manifest_script s2 = {.name = "two", .protocol = 4, .params = (char *)""};
	struct loader_armed a[2];

	cfg.cache = cache;
	loader_start_script(&cfg, &s1, &a[0]);
	if (between)
		between();
	loader_start_script(&cfg, &s2, &a[1]);
	channel_close(&a[0].ch);
	channel_close(&a[1].ch);
	cfg.cache = NULL;
}

static void move_stext(void)
{
	put_text_in(root, "proc/kallsyms", "ffffffff82000000 T _stext\n");
}

/* Starts "one", changes /proc/kallsyms, starts "two": the _stext each was sent. */
static void start_two(struct reloc_cache *cache, uint64_t *one, uint64_t *two)
{
	char path[4200], *saved;

	add_two();
	snprintf(path, sizeof(path), "%s/proc/kallsyms", root);
	saved = read_text(path);
	start_both(cache, move_stext);
	put_text_in(root, "proc/kallsyms", saved);
	free(saved);
	*one = sent_stext("one");
	*two = sent_stext("two");
}

/* With a run's cache, /proc/kallsyms is scanned for the first module only. */
TEST(kernel_symbols_once)
{
	struct reloc_cache cache = {0};
	uint64_t one, two;
	int n_known;

	start_two(NULL, &one, &two);
	ASSERT_EQ(one, 0xffffffff81000000ull,
		  "without a cache each module reads kallsyms (0x%llx, then 0x%llx)",
		  (unsigned long long)one, (unsigned long long)two);
	ASSERT_EQ(two, 0xffffffff82000000ull,
		  "without a cache each module reads kallsyms (0x%llx, then 0x%llx)",
		  (unsigned long long)one, (unsigned long long)two);
	start_two(&cache, &one, &two);
	n_known = cache.syms.n_known;
	reloc_cache_free(&cache);
	ASSERT_EQ(n_known, SYM_MODULE_KALLSYMS_ON_EACH_SYMBOL,
		  "with the run's cache the second module gets the first lookup (0x%llx): kallsyms "
		  "read once",
		  (unsigned long long)two);
	ASSERT_EQ(one, 0xffffffff81000000ull,
		  "with the run's cache the second module gets the first lookup (0x%llx): kallsyms "
		  "read once",
		  (unsigned long long)two);
	ASSERT_EQ(two, one,
		  "with the run's cache the second module gets the first lookup (0x%llx): kallsyms "
		  "read once",
		  (unsigned long long)two);
}

/* The scan stops at the last symbol wanted: the rest of a real kallsyms (100,000 lines of
 * modules and later text) is not read. A pipe that stays open after the wanted lines proves
 * it: reading on would block (and alarm() would end the test). */
TEST(kallsyms_stops_early)
{
	uint64_t addrs[SYM_COUNT];
	char path[64];
	int p[2], r;

	if (pipe(p) < 0)
		exit(2);
	dprintf(p[1], "ffffffff81000000 T _stext\n"
		      "ffffffff81452ea0 T kallsyms_lookup_name\n"
		      "ffffffff81452f00 t kallsyms_helper\t[mod]\n"
		      "ffffffff81452f50 T kallsyms_on_each_symbol\n");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	alarm(5);
	r = kallsyms_find(path, addrs, SYM_MODULE_KALLSYMS_ON_EACH_SYMBOL);
	alarm(0);
	ASSERT_EQ(r, 0, "protocol 4's three symbols found; the scan stopped there");
	ASSERT_EQ(addrs[SYM_STEXT], 0xffffffff81000000ull,
		  "protocol 4's three symbols found; the scan stopped there");
	ASSERT_EQ(addrs[SYM_KALLSYMS_ON_EACH_SYMBOL], 0xffffffff81452f50ull,
		  "protocol 4's three symbols found; the scan stopped there");
	close(p[0]);
	close(p[1]);
}

static void setup(void)
{
	/* Replies may take 400 ms: room for late_exit_request's 60 ms on a loaded machine. */
	loader_fixture_setup(400);
}
TEST_SETUP(setup)
TEST_TEARDOWN(loader_fixture_teardown)

/* How many section relocations (protocol 4: message 9) module to was sent for module about. */
static int relocations_about(const char *to, const char *about)
{
	int n = 0;

	for (size_t i = 0; i < fk.n_sent; i++) {
		struct ctl_relocation rel;

		if (strcmp(fk.sent[i].module, to) || fk.sent[i].number != 9)
			continue;
		memcpy(&rel, fk.sent[i].payload, sizeof(rel));
		n += strcmp(rel.module, about) == 0;
	}
	return n;
}

/* A module is not told its own sections, nor those of the modules the run started before it
 * (the run's cache remembers them); other modules' sections it is. */
TEST(no_relocations_of_the_run_s_modules)
{
	struct manifest_script s2 = {.name = "two", .protocol = 4, .params = (char *)""};
	struct reloc_cache cache = {0};
	struct loader_armed a;

	add_two();
	put_text_in(root, "sys/module/one/sections/.text", "0xffffffffc0500000\n");
	put_text_in(root, "sys/module/two/sections/.text", "0xffffffffc0600000\n");
	put_text_in(root, "proc/modules",
		    "one 4096 0 - Live 0xffffffffc0500000\n"
		    "two 4096 0 - Live 0xffffffffc0600000\n"
		    "amod 8192 0 - Live 0xffffffffc0400000\n");
	start_both(&cache, NULL);
	reloc_cache_free(&cache);
	ASSERT_EQ(relocations_about("one", "one"), 0, "one is not told its own sections");
	ASSERT_EQ(relocations_about("one", "two"), 1, "nor has two been started by the run yet");
	ASSERT_EQ(relocations_about("two", "two"), 0, "two is not told its own sections");
	ASSERT_EQ(relocations_about("two", "one"), 0, "nor those of one, started by the run");
	ASSERT_EQ(relocations_about("two", "amod"), 1, "amod's section is sent to both");
	ASSERT_EQ(relocations_about("one", "amod"), 1, "amod's section is sent to both");

	/* Without the run's cache the module itself is still left out. */
	fk_reset(root);
	fk_add("two", 4);
	fk_write_ko(root, "two");
	loader_start_script(&cfg, &s2, &a);
	channel_close(&a.ch);
	ASSERT_EQ(relocations_about("two", "two"), 0, "without a cache: not its own sections");
	ASSERT_EQ(relocations_about("two", "one"), 1, "without a cache: one is another module");
}
