/* test_loader_sequence.c: loader_start_script against the fake kernel: the exact messages for
 * both numberings, the protocol fallback, and every way a module can fail. */
#include "test.h"
#include "loader_fixture.h"
#include "relocs.h"

/* Starts one script; an armed one's channel is closed again (a run gives it to its
 * collector): returns the outcome. */
static int run_script(const struct manifest_script *s)
{
	struct loader_armed a;
	int r;

	r = loader_start_script(&cfg, s, &a);
	if (r == SCRIPT_ARMED || r == SCRIPT_FINISHED)
		channel_close(&a.ch);
	return r;
}

/* Starts one fake module NAME (protocol given to the loader: manifest_protocol). */
static int start(const char *name, int manifest_protocol)
{
	struct manifest_script s = {.protocol = manifest_protocol, .bufsize = 0, .line = 7};

	snprintf(s.name, sizeof(s.name), "%s", name);
	s.params = (char *)"";
	fk_write_ko(root, name);
	return run_script(&s);
}

static void reset(void)
{
	fk_reset(root);
	unlink(kmsg_path);
}

static const char *expected_good(int protocol)
{
	/* credentials, 3 (4 for protocol 5) kernel symbols, build-id, 4 sections, tz, start */
	return protocol == 4 ? "15:4 9:264 9:264 9:264 9:264 9:264 9:264 9:264 9:264 14:72 0:8"
			     : "95:4 89:264 89:264 89:264 89:264 89:264 89:264 89:264 89:264 "
			       "89:264 94:72 80:8";
}

static void good(int protocol)
{
	char seq[4096];
	int r;

	reset();
	struct fk_module *m = fk_add("good", protocol);
	r = start("good", protocol);
	fk_sent_summary("good", seq, sizeof(seq));
	printf("   protocol %d sequence: %s\n", protocol, seq);
	ASSERT_EQ(r, SCRIPT_ARMED, "protocol %d: healthy module armed (r=%d)", protocol, r);
	ASSERT_STREQ(seq, expected_good(protocol),
		     "protocol %d: exact message order, numbers and sizes", protocol);
	ASSERT_TRUE(m->loaded, "protocol %d: module stays loaded", protocol);
	ASSERT_EQ(m->unloads, 0, "protocol %d: module stays loaded", protocol);
	ASSERT_TRUE(fk_detached(m), "protocol %d: channel closed = detached", protocol);
	ASSERT_FALSE(m->got_exit, "protocol %d: no STP_EXIT sent to a healthy module", protocol);
	ASSERT_STREQ(m->params, "_stp_bufsize=0", "protocol %d: params '%s'", protocol, m->params);
	ASSERT_TRUE(file_contains(kmsg_path, "<6>stap-early-loader: good: armed in "),
		    "protocol %d: 'armed in N ms' in the kernel log", protocol);
}

TEST(good_protocol_4)
{
	good(4);
}

TEST(good_protocol_5)
{
	good(5);
}

static void check_reloc(int idx, const char *module, const char *reloc, uint64_t addr)
{
	struct ctl_relocation rel;

	ASSERT_GE(idx, 0, "relocation #%d exists", idx);
	ASSERT_EQ(fk.sent[idx].len, sizeof(rel), "relocation #%d exists", idx);
	if (idx < 0)
		return;
	memcpy(&rel, fk.sent[idx].payload, sizeof(rel));
	ASSERT_STREQ(rel.module, module, "relocation #%d", idx);
	ASSERT_STREQ(rel.reloc, reloc, "relocation #%d", idx);
	ASSERT_EQ(rel.address, addr, "relocation #%d", idx);
}

TEST(payloads)
{
	struct ctl_privilege_credentials pc;
	struct ctl_tzinfo tz;
	struct ctl_start st;

	reset();
	fk_add("good", 5);
	start("good", 5);
	memcpy(&pc, fk.sent[0].payload, sizeof(pc));
	ASSERT_EQ(pc.pc_group_mask, 0xE, "credentials: pr_all (0xE)");
	check_reloc(1, "kernel", "_stext", 0xffffffff81000000ull);
	check_reloc(2, "kernel", "kallsyms_lookup_name", 0xffffffff81100100ull);
	check_reloc(3, "kernel", "kallsyms_on_each_symbol", 0xffffffff81100000ull);
	check_reloc(4, "kernel", "module_kallsyms_on_each_symbol", 0xffffffff81100200ull);
	check_reloc(5, "kernel", ".note.gnu.build-id", 2);
	check_reloc(6, "amod", ".text", 0xffffffffc0400000ull);
	check_reloc(7, "zmod", ".data", 0xffffffffc0300000ull);
	check_reloc(8, "zmod", ".init.text", 0);
	check_reloc(9, "zmod", ".text", 0xffffffffc0100000ull);
	memcpy(&tz, fk.sent[10].payload, sizeof(tz));
	ASSERT_EQ(tz.tz_gmtoff, 0, "tz info {0, UTC}");
	ASSERT_STREQ(tz.tz_name, "UTC", "tz info {0, UTC}");
	memcpy(&st, fk.sent[11].payload, sizeof(st));
	ASSERT_EQ(st.target, 0, "STP_START {target 0, res 0}");
	ASSERT_EQ(st.res, 0, "STP_START {target 0, res 0}");
}

static void protocol_fallback(int manifest, int real)
{
	char seq[4096], want[4096];
	int r;

	reset();
	struct fk_module *m = fk_add("mixed", real);
	r = start("mixed", manifest);
	fk_sent_summary("mixed", seq, sizeof(seq));
	snprintf(want, sizeof(want), "%u:4 %s", manifest == 4 ? 15u : 95u, expected_good(real));
	ASSERT_EQ(r, SCRIPT_ARMED, "manifest says %d, module speaks %d: armed", manifest, real);
	ASSERT_TRUE(m->loaded, "manifest says %d, module speaks %d: armed", manifest, real);
	ASSERT_STREQ(seq, want, "one rejected credentials message, then all in protocol %d", real);
	ASSERT_TRUE(fk.sent[0].rejected, "the kernel rejected only the first");
	ASSERT_FALSE(fk.sent[1].rejected, "the kernel rejected only the first");
	ASSERT_TRUE(file_contains(kmsg_path,
				  "<3>stap-early-loader: mixed: the module rejected message "
				  "number"),
		    "the mismatch is logged at error level");
	ASSERT_TRUE(file_contains(kmsg_path, "manifest line 7"),
		    "the message names the manifest line");
}

TEST(protocol_fallback_4_to_5)
{
	protocol_fallback(4, 5);
}

TEST(protocol_fallback_5_to_4)
{
	protocol_fallback(5, 4);
}

TEST(protocol_unknown)
{
	int r;

	reset();
	struct fk_module *m = fk_add("alien", 0); /* understands neither numbering */
	r = start("alien", 4);
	ASSERT_LT(r, 0, "module that rejects both numberings fails");
	ASSERT_EQ(fk_find_sent("alien", 15, 0), 0, "exactly one retry, then nothing more is sent");
	ASSERT_EQ(fk_find_sent("alien", 95, 0), 1, "exactly one retry, then nothing more is sent");
	ASSERT_EQ(fk.n_sent, 2, "exactly one retry, then nothing more is sent");
	ASSERT_FALSE(m->loaded, "and it is unloaded");
	ASSERT_EQ(m->unloads, 1, "and it is unloaded");
}

TEST(start_fails)
{
	int r;

	reset();
	struct fk_module *m = fk_add("nostart", 4);
	m->start_res = -22;
	r = start("nostart", 4);
	ASSERT_LT(r, 0, "STP_START reply res=-22: failed");
	ASSERT_TRUE(m->got_exit, "STP_EXIT sent after STP_START");
	ASSERT_GT(fk_find_sent("nostart", 1, 0), fk_find_sent("nostart", 0, 0),
		  "STP_EXIT sent after STP_START");
	ASSERT_FALSE(m->loaded, "module unloaded (delete_module after close)");
	ASSERT_EQ(m->unloads, 1, "module unloaded (delete_module after close)");
	ASSERT_TRUE(file_contains(kmsg_path, "systemtap_module_init returned -22"),
		    "the kernel log says systemtap_module_init failed");
	ASSERT_TRUE(file_contains(kmsg_path, "nostart: failed after"), "outcome logged");
}

static void begin_error(int protocol)
{
	int r;

	reset();
	struct fk_module *m = fk_add("boom", protocol);
	m->begin_error = true;
	r = start("boom", protocol);
	ASSERT_LT(r, 0, "protocol %d: begin probe ERROR + STP_REQUEST_EXIT: failed though res=0",
		  protocol);
	ASSERT_GT(fk_find_sent("boom", protocol == 4 ? 1 : 81, 0), 0, "protocol %d: STP_EXIT sent",
		  protocol);
	ASSERT_FALSE(m->loaded, "protocol %d: module unloaded", protocol);
	ASSERT_EQ(m->unloads, 1, "protocol %d: module unloaded", protocol);
	ASSERT_TRUE(
	    file_contains(kmsg_path, "<3>stap-early-loader: boom: ERROR: boom near identifier"),
	    "protocol %d: the module's ERROR line is in the kernel log", protocol);
	ASSERT_TRUE(
	    file_contains(kmsg_path, "<4>stap-early-loader: boom: WARNING: Number of errors"),
	    "protocol %d: its last WARNING (sent with STP_EXIT) too", protocol);
	ASSERT_TRUE(file_contains(kmsg_path, "boom: failed after"),
		    "protocol %d: 'failed ... module unloaded' logged", protocol);
	ASSERT_TRUE(file_contains(kmsg_path, "module unloaded"),
		    "protocol %d: 'failed ... module unloaded' logged", protocol);
}

TEST(begin_error_protocol_4)
{
	begin_error(4);
}

TEST(begin_error_protocol_5)
{
	begin_error(5);
}

TEST(begin_exit)
{
	int r;

	reset();
	struct fk_module *m = fk_add("quick", 4);
	m->begin_exit = true;
	r = start("quick", 4);
	ASSERT_EQ(r, SCRIPT_FINISHED, "exit() in a begin probe without error: finished");
	ASSERT_TRUE(m->loaded, "still loaded: its collector ends it and keeps its output");
	ASSERT_FALSE(m->got_exit, "no STP_EXIT from the loader: its collector ends it");
}

TEST(error_without_exit)
{
	int r;

	reset();
	struct fk_module *m = fk_add("tolerant", 4);
	m->error_no_exit = true;
	r = start("tolerant", 4);
	ASSERT_EQ(r, SCRIPT_ARMED, "ERROR line but no exit request (MAXERRORS): still armed");
	ASSERT_TRUE(m->loaded, "ERROR line but no exit request (MAXERRORS): still armed");
	ASSERT_TRUE(file_contains(kmsg_path, "tolerant: ERROR: boom"), "the ERROR line is logged");
	ASSERT_TRUE(file_contains(kmsg_path, "despite the errors"), "outcome says so");
}

TEST(silent)
{
	uint64_t t0;
	int r;

	reset();
	struct fk_module *m = fk_add("mute", 4);
	m->silent = true;
	t0 = fk_now_ms();
	r = start("mute", 4);
	ASSERT_EQ(r, -ETIMEDOUT, "no STP_TRANSPORT: -ETIMEDOUT");
	ASSERT_LT(fk_now_ms() - t0, 1000, "gave up after the transport timeout (%llu ms)",
		  (unsigned long long)(fk_now_ms() - t0));
	ASSERT_LT(fk_find_sent("mute", 0, 0), 0, "STP_START never sent");
	ASSERT_FALSE(m->loaded, "module unloaded");
	ASSERT_EQ(m->unloads, 1, "module unloaded");
	ASSERT_TRUE(file_contains(kmsg_path, "no STP_TRANSPORT from the module within 100 ms"),
		    "timeout logged");

	reset();
	m = fk_add("deaf", 4);
	m->no_start_reply = true;
	r = start("deaf", 4);
	ASSERT_EQ(r, -ETIMEDOUT, "no STP_START reply: -ETIMEDOUT");
	ASSERT_TRUE(m->got_exit, "STP_EXIT sent, module unloaded");
	ASSERT_FALSE(m->loaded, "STP_EXIT sent, module unloaded");
}

TEST(init_fails)
{
	int r;

	reset();
	struct fk_module *m = fk_add("wrongkernel", 4);
	m->init_errno = ENOEXEC;
	r = start("wrongkernel", 4);
	ASSERT_EQ(r, -ENOEXEC, "init_module ENOEXEC passed up");
	ASSERT_EQ(fk.n_sent, 0, "nothing sent, nothing to unload");
	ASSERT_EQ(m->unloads, 0, "nothing sent, nothing to unload");
	ASSERT_TRUE(
	    file_contains(kmsg_path, "wrongkernel: init_module failed (invalid module format"),
	    "reason logged");

	reset();
	fk_add("missing", 4);
	struct manifest_script s = {.name = "missing", .protocol = 4, .params = (char *)""};
	r = run_script(&s);
	ASSERT_EQ(r, -ENOENT, "missing .ko: -ENOENT and the path logged");
	ASSERT_TRUE(file_contains(kmsg_path, "missing: cannot read"),
		    "missing .ko: -ENOENT and the path logged");
}

/* The vermagic check before init_module: the fake kernel, like Debian's, would load them. */
TEST(release_check)
{
	int r;

	reset();
	struct fk_module *m = fk_add("foreign", 4);
	fk_write_ko_vermagic(root, "foreign", "6.1.0-99-amd64" FE_VERMAGIC_FLAGS);
	struct manifest_script s = {.name = "foreign", .protocol = 4, .params = (char *)""};
	r = run_script(&s);
	ASSERT_EQ(r, -ENOEXEC, "vermagic 6.1.0-99-amd64 on %s: refused (r=%d)", FK_RELEASE, r);
	ASSERT_EQ(fk.init_calls, 0, "init_module never called, nothing sent");
	ASSERT_FALSE(m->loaded, "init_module never called, nothing sent");
	ASSERT_EQ(fk.n_sent, 0, "init_module never called, nothing sent");
	ASSERT_TRUE(file_contains(kmsg_path,
				  "<3>stap-early-loader: foreign: built for kernel "
				  "6.1.0-99-amd64, running " FK_RELEASE ": not loaded\n"),
		    "error: 'foreign: built for kernel 6.1.0-99-amd64, running %s: not loaded'",
		    FK_RELEASE);
	ASSERT_TRUE(file_contains(kmsg_path, "<3>stap-early-loader: foreign: failed after "),
		    "outcome: failed, nothing loaded");
	ASSERT_TRUE(file_contains(kmsg_path, "nothing loaded"), "outcome: failed, nothing loaded");

	reset();
	m = fk_add("nomagic", 4);
	fk_write_ko_vermagic(root, "nomagic", NULL);
	s = (struct manifest_script){.name = "nomagic", .protocol = 4, .params = (char *)""};
	r = run_script(&s);
	ASSERT_EQ(r, -ENOEXEC, "no vermagic in .modinfo: refused, init_module never called");
	ASSERT_EQ(fk.init_calls, 0, "no vermagic in .modinfo: refused, init_module never called");
	ASSERT_FALSE(m->loaded, "no vermagic in .modinfo: refused, init_module never called");
	ASSERT_TRUE(file_contains(kmsg_path, "<3>stap-early-loader: nomagic: no vermagic in the "
					     "module's .modinfo: not loaded"),
		    "and why");

	reset();
	m = fk_add("notelf", 4);
	put_text_in(root, "notelf.ko", "name=notelf\n");
	s = (struct manifest_script){.name = "notelf", .protocol = 4, .params = (char *)""};
	r = run_script(&s);
	ASSERT_EQ(r, -ENOEXEC, "a .ko that is not ELF: refused before init_module");
	ASSERT_EQ(fk.init_calls, 0, "a .ko that is not ELF: refused before init_module");
	ASSERT_TRUE(file_contains(kmsg_path,
				  "notelf: not a valid kernel module (no ELF magic): not "
				  "loaded"),
		    "and why");

	reset();
	m = fk_add("good", 4);
	snprintf(fk.release, sizeof(fk.release), "%s", FK_RELEASE "+");
	r = start("good", 4);
	ASSERT_EQ(r, -ENOEXEC, "a release that only starts with the module's (%s+) does not match",
		  FK_RELEASE);
	ASSERT_FALSE(m->loaded, "a release that only starts with the module's (%s+) does not match",
		     FK_RELEASE);

	reset();
	m = fk_add("good", 4);
	fk.release_errno = EFAULT;
	r = start("good", 4);
	ASSERT_EQ(r, -EFAULT, "uname fails: not loaded");
	ASSERT_EQ(fk.init_calls, 0, "uname fails: not loaded (r=%d)", r);
	ASSERT_TRUE(file_contains(kmsg_path, "good: cannot tell the running kernel's release: Bad "
					     "address"),
		    "and why");

	reset();
	m = fk_add("good", 4);
	r = start("good", 4);
	ASSERT_EQ(r, SCRIPT_ARMED, "vermagic %s on %s: loaded and armed", FK_RELEASE, FK_RELEASE);
	ASSERT_EQ(fk.init_calls, 1, "vermagic %s on %s: loaded and armed", FK_RELEASE, FK_RELEASE);
	ASSERT_EQ(m->loads, 1, "vermagic %s on %s: loaded and armed", FK_RELEASE, FK_RELEASE);
}

TEST(debugfs_and_params)
{
	struct manifest_script s = {.name = "dbg", .protocol = 4, .bufsize = 8, .line = 3};
	int r;

	reset();
	struct fk_module *m = fk_add("dbg", 4);
	m->debugfs = true;
	s.params = (char *)" answer=42 greeting=hi";
	fk_write_ko(root, "dbg");
	r = run_script(&s);
	ASSERT_EQ(r, SCRIPT_ARMED, "channel found under /sys/kernel/debug/systemtap");
	ASSERT_STREQ(m->params, "_stp_bufsize=8 answer=42 greeting=hi", "init_module params '%s'",
		     m->params);
}

TEST(busy_channel)
{
	int r;

	reset();
	struct fk_module *m = fk_add("busy", 4);
	fk_write_ko(root, "busy");
	m->busy = true; /* somebody else holds the channel: open says EBUSY */
	struct manifest_script s = {.name = "busy", .protocol = 4, .params = (char *)""};
	r = run_script(&s);
	ASSERT_EQ(r, -EBUSY, "EBUSY control channel: failed");
	ASSERT_TRUE(m->loaded, "delete_module retried while in use (%u sleeps), then given up",
		    fk.sleeps);
	ASSERT_EQ(fk.sleeps, 4, "delete_module retried while in use (%u sleeps), then given up",
		  fk.sleeps);
	ASSERT_TRUE(file_contains(kmsg_path, "failed to unload the module"),
		    "unload failure logged");
}

static void setup(void)
{
	loader_fixture_setup(100);
}
TEST_SETUP(setup)
TEST_TEARDOWN(loader_fixture_teardown)
