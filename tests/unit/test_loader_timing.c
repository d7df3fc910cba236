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

/* Starts "one", changes /proc/kallsyms, starts "two": the _stext each was sent. */
static void start_two(struct kernel_syms *syms, uint64_t *one, uint64_t *two)
{
	struct manifest_script s1 = {.name = "one", .protocol = 4, .params = (char *)""};
	struct manifest_script s2 = {.name = "two", .protocol = 4, .params = (char *)""};
	char path[4200], *saved;
	struct loader_armed a[2];

	reset();
	fk_add("one", 4);
	fk_add("two", 4);
	fk_write_ko(root, "one");
	fk_write_ko(root, "two");
	snprintf(path, sizeof(path), "%s/proc/kallsyms", root);
	saved = read_text(path);
	cfg.syms = syms;
	loader_start_script(&cfg, &s1, &a[0]);
	put_text_in(root, "proc/kallsyms", "ffffffff82000000 T _stext\n");
	loader_start_script(&cfg, &s2, &a[1]);
	channel_close(&a[0].ch);
	channel_close(&a[1].ch);
	cfg.syms = NULL;
	put_text_in(root, "proc/kallsyms", saved);
	free(saved);
	*one = sent_stext("one");
	*two = sent_stext("two");
}

/* With a run's cache, /proc/kallsyms is scanned for the first module only. */
TEST(kernel_symbols_once)
{
	struct kernel_syms syms = {0};
	uint64_t one, two;

	start_two(NULL, &one, &two);
	ASSERT_EQ(one, 0xffffffff81000000ull,
		  "without a cache each module reads kallsyms (0x%llx, then 0x%llx)",
		  (unsigned long long)one, (unsigned long long)two);
	ASSERT_EQ(two, 0xffffffff82000000ull,
		  "without a cache each module reads kallsyms (0x%llx, then 0x%llx)",
		  (unsigned long long)one, (unsigned long long)two);
	start_two(&syms, &one, &two);
	ASSERT_EQ(syms.n_known, SYM_MODULE_KALLSYMS_ON_EACH_SYMBOL,
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
