/* test_loader_sequence.c: loader_start_script against the fake kernel: the exact messages for
 * both numberings, the protocol fallback, and every way a module can fail. */
#include "fake_kernel.h"
#include "kmsg.h"
#include "loader.h"
#include "relocs.h"

static char *root, *kmsg_path;
static struct loader_config cfg;

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

static void test_good(int protocol)
{
	char seq[4096];
	int r;

	reset();
	struct fk_module *m = fk_add("good", protocol);
	r = start("good", protocol);
	fk_sent_summary("good", seq, sizeof(seq));
	printf("   protocol %d sequence: %s\n", protocol, seq);
	CHECK(r == SCRIPT_ARMED, "protocol %d: healthy module armed (r=%d)", protocol, r);
	CHECK(strcmp(seq, expected_good(protocol)) == 0,
	      "protocol %d: exact message order, numbers and sizes", protocol);
	CHECK(m->loaded && m->unloads == 0, "protocol %d: module stays loaded", protocol);
	CHECK(fk_detached(m), "protocol %d: channel closed = detached", protocol);
	CHECK(!m->got_exit, "protocol %d: no STP_EXIT sent to a healthy module", protocol);
	CHECK(strcmp(m->params, "_stp_bufsize=0") == 0, "protocol %d: params '%s'", protocol,
	      m->params);
	CHECK(lt_file_contains(kmsg_path, "<6>stap-early-loader: good: armed in "),
	      "protocol %d: 'armed in N ms' in the kernel log", protocol);
}

static void check_reloc(int idx, const char *module, const char *reloc, uint64_t addr)
{
	struct ctl_relocation rel;

	CHECK(idx >= 0 && fk.sent[idx].len == sizeof(rel), "relocation #%d exists", idx);
	if (idx < 0)
		return;
	memcpy(&rel, fk.sent[idx].payload, sizeof(rel));
	CHECK(strcmp(rel.module, module) == 0 && strcmp(rel.reloc, reloc) == 0 &&
		  rel.address == addr,
	      "relocation #%d is %s/%s=0x%llx (got %s/%s=0x%llx)", idx, module, reloc,
	      (unsigned long long)addr, rel.module, rel.reloc, (unsigned long long)rel.address);
}

static void test_payloads(void)
{
	struct ctl_privilege_credentials pc;
	struct ctl_tzinfo tz;
	struct ctl_start st;

	reset();
	fk_add("good", 5);
	start("good", 5);
	memcpy(&pc, fk.sent[0].payload, sizeof(pc));
	CHECK(pc.pc_group_mask == 0xE, "credentials: pr_all (0xE)");
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
	CHECK(tz.tz_gmtoff == 0 && strcmp(tz.tz_name, "UTC") == 0, "tz info {0, UTC} (got %lld %s)",
	      (long long)tz.tz_gmtoff, tz.tz_name);
	memcpy(&st, fk.sent[11].payload, sizeof(st));
	CHECK(st.target == 0 && st.res == 0, "STP_START {target 0, res 0}");
}

static void test_protocol_fallback(int manifest, int real)
{
	char seq[4096], want[4096];
	int r;

	reset();
	struct fk_module *m = fk_add("mixed", real);
	r = start("mixed", manifest);
	fk_sent_summary("mixed", seq, sizeof(seq));
	snprintf(want, sizeof(want), "%u:4 %s", manifest == 4 ? 15u : 95u, expected_good(real));
	CHECK(r == SCRIPT_ARMED && m->loaded, "manifest says %d, module speaks %d: armed", manifest,
	      real);
	CHECK(strcmp(seq, want) == 0, "one rejected credentials message, then all in protocol %d",
	      real);
	CHECK(fk.sent[0].rejected && !fk.sent[1].rejected, "the kernel rejected only the first");
	CHECK(lt_file_contains(kmsg_path,
			       "<3>stap-early-loader: mixed: the module rejected message "
			       "number"),
	      "the mismatch is logged at error level");
	CHECK(lt_file_contains(kmsg_path, "manifest line 7"),
	      "the message names the manifest line");
}

static void test_protocol_unknown(void)
{
	int r;

	reset();
	struct fk_module *m = fk_add("alien", 0); /* understands neither numbering */
	r = start("alien", 4);
	CHECK(r < 0, "module that rejects both numberings fails");
	CHECK(fk_find_sent("alien", 15, 0) == 0 && fk_find_sent("alien", 95, 0) == 1 &&
		  fk.n_sent == 2,
	      "exactly one retry, then nothing more is sent");
	CHECK(!m->loaded && m->unloads == 1, "and it is unloaded");
}

static void test_start_fails(void)
{
	int r;

	reset();
	struct fk_module *m = fk_add("nostart", 4);
	m->start_res = -22;
	r = start("nostart", 4);
	CHECK(r < 0, "STP_START reply res=-22: failed");
	CHECK(m->got_exit && fk_find_sent("nostart", 1, 0) > fk_find_sent("nostart", 0, 0),
	      "STP_EXIT sent after STP_START");
	CHECK(!m->loaded && m->unloads == 1, "module unloaded (delete_module after close)");
	CHECK(lt_file_contains(kmsg_path, "systemtap_module_init returned -22"),
	      "the kernel log says systemtap_module_init failed");
	CHECK(lt_file_contains(kmsg_path, "nostart: failed after"), "outcome logged");
}

static void test_begin_error(int protocol)
{
	int r;

	reset();
	struct fk_module *m = fk_add("boom", protocol);
	m->begin_error = true;
	r = start("boom", protocol);
	CHECK(r < 0, "protocol %d: begin probe ERROR + STP_REQUEST_EXIT: failed though res=0",
	      protocol);
	CHECK(fk_find_sent("boom", protocol == 4 ? 1 : 81, 0) > 0, "protocol %d: STP_EXIT sent",
	      protocol);
	CHECK(!m->loaded && m->unloads == 1, "protocol %d: module unloaded", protocol);
	CHECK(
	    lt_file_contains(kmsg_path, "<3>stap-early-loader: boom: ERROR: boom near identifier"),
	    "protocol %d: the module's ERROR line is in the kernel log", protocol);
	CHECK(lt_file_contains(kmsg_path, "<4>stap-early-loader: boom: WARNING: Number of errors"),
	      "protocol %d: its last WARNING (sent with STP_EXIT) too", protocol);
	CHECK(lt_file_contains(kmsg_path, "boom: failed after") &&
		  lt_file_contains(kmsg_path, "module unloaded"),
	      "protocol %d: 'failed ... module unloaded' logged", protocol);
}

static void test_begin_exit(void)
{
	int r;

	reset();
	struct fk_module *m = fk_add("quick", 4);
	m->begin_exit = true;
	r = start("quick", 4);
	CHECK(r == SCRIPT_FINISHED, "exit() in a begin probe without error: finished (r=%d)", r);
	CHECK(m->loaded && !m->got_exit,
	      "still loaded, no STP_EXIT from the loader: its collector ends it and keeps its "
	      "output");
}

static void test_error_without_exit(void)
{
	int r;

	reset();
	struct fk_module *m = fk_add("tolerant", 4);
	m->error_no_exit = true;
	r = start("tolerant", 4);
	CHECK(r == SCRIPT_ARMED && m->loaded,
	      "ERROR line but no exit request (MAXERRORS): still armed");
	CHECK(lt_file_contains(kmsg_path, "tolerant: ERROR: boom"), "the ERROR line is logged");
	CHECK(lt_file_contains(kmsg_path, "despite the errors"), "outcome says so");
}

static void test_silent(void)
{
	uint64_t t0;
	int r;

	reset();
	struct fk_module *m = fk_add("mute", 4);
	m->silent = true;
	t0 = fk_now_ms();
	r = start("mute", 4);
	CHECK(r == -ETIMEDOUT, "no STP_TRANSPORT: -ETIMEDOUT (r=%d)", r);
	CHECK(fk_now_ms() - t0 < 1000, "gave up after the transport timeout (%llu ms)",
	      (unsigned long long)(fk_now_ms() - t0));
	CHECK(fk_find_sent("mute", 0, 0) < 0, "STP_START never sent");
	CHECK(!m->loaded && m->unloads == 1, "module unloaded");
	CHECK(lt_file_contains(kmsg_path, "no STP_TRANSPORT from the module within 100 ms"),
	      "timeout logged");

	reset();
	m = fk_add("deaf", 4);
	m->no_start_reply = true;
	r = start("deaf", 4);
	CHECK(r == -ETIMEDOUT, "no STP_START reply: -ETIMEDOUT");
	CHECK(m->got_exit && !m->loaded, "STP_EXIT sent, module unloaded");
}

static void test_init_fails(void)
{
	int r;

	reset();
	struct fk_module *m = fk_add("wrongkernel", 4);
	m->init_errno = ENOEXEC;
	r = start("wrongkernel", 4);
	CHECK(r == -ENOEXEC, "init_module ENOEXEC passed up");
	CHECK(fk.n_sent == 0 && m->unloads == 0, "nothing sent, nothing to unload");
	CHECK(lt_file_contains(kmsg_path, "wrongkernel: init_module failed (invalid module format"),
	      "reason logged");

	reset();
	fk_add("missing", 4);
	struct manifest_script s = {.name = "missing", .protocol = 4, .params = (char *)""};
	r = run_script(&s);
	CHECK(r == -ENOENT && lt_file_contains(kmsg_path, "missing: cannot read"),
	      "missing .ko: -ENOENT and the path logged");
}

/* The vermagic check before init_module: the fake kernel, like Debian's, would load them. */
static void test_release_check(void)
{
	int r;

	reset();
	struct fk_module *m = fk_add("foreign", 4);
	fk_write_ko_vermagic(root, "foreign", "6.1.0-99-amd64" FE_VERMAGIC_FLAGS);
	struct manifest_script s = {.name = "foreign", .protocol = 4, .params = (char *)""};
	r = run_script(&s);
	CHECK(r == -ENOEXEC, "vermagic 6.1.0-99-amd64 on %s: refused (r=%d)", FK_RELEASE, r);
	CHECK(fk.init_calls == 0 && !m->loaded && fk.n_sent == 0,
	      "init_module never called, nothing sent");
	CHECK(lt_file_contains(kmsg_path, "<3>stap-early-loader: foreign: built for kernel "
					  "6.1.0-99-amd64, running " FK_RELEASE ": not loaded\n"),
	      "error: 'foreign: built for kernel 6.1.0-99-amd64, running %s: not loaded'",
	      FK_RELEASE);
	CHECK(lt_file_contains(kmsg_path, "<3>stap-early-loader: foreign: failed after ") &&
		  lt_file_contains(kmsg_path, "nothing loaded"),
	      "outcome: failed, nothing loaded");

	reset();
	m = fk_add("nomagic", 4);
	fk_write_ko_vermagic(root, "nomagic", NULL);
	s = (struct manifest_script){.name = "nomagic", .protocol = 4, .params = (char *)""};
	r = run_script(&s);
	CHECK(r == -ENOEXEC && fk.init_calls == 0 && !m->loaded,
	      "no vermagic in .modinfo: refused, init_module never called");
	CHECK(lt_file_contains(kmsg_path, "<3>stap-early-loader: nomagic: no vermagic in the "
					  "module's .modinfo: not loaded"),
	      "and why");

	reset();
	m = fk_add("notelf", 4);
	lt_write_file(root, "notelf.ko", "name=notelf\n");
	s = (struct manifest_script){.name = "notelf", .protocol = 4, .params = (char *)""};
	r = run_script(&s);
	CHECK(r == -ENOEXEC && fk.init_calls == 0,
	      "a .ko that is not ELF: refused before init_module");
	CHECK(lt_file_contains(kmsg_path, "notelf: not a valid kernel module (no ELF magic): not "
					  "loaded"),
	      "and why");

	reset();
	m = fk_add("good", 4);
	snprintf(fk.release, sizeof(fk.release), "%s", FK_RELEASE "+");
	r = start("good", 4);
	CHECK(r == -ENOEXEC && !m->loaded,
	      "a release that only starts with the module's (%s+) does not match", FK_RELEASE);

	reset();
	m = fk_add("good", 4);
	fk.release_errno = EFAULT;
	r = start("good", 4);
	CHECK(r == -EFAULT && fk.init_calls == 0, "uname fails: not loaded (r=%d)", r);
	CHECK(lt_file_contains(kmsg_path, "good: cannot tell the running kernel's release: Bad "
					  "address"),
	      "and why");

	reset();
	m = fk_add("good", 4);
	r = start("good", 4);
	CHECK(r == SCRIPT_ARMED && fk.init_calls == 1 && m->loads == 1,
	      "vermagic %s on %s: loaded and armed", FK_RELEASE, FK_RELEASE);
}

static void test_debugfs_and_params(void)
{
	struct manifest_script s = {.name = "dbg", .protocol = 4, .bufsize = 8, .line = 3};
	int r;

	reset();
	struct fk_module *m = fk_add("dbg", 4);
	m->debugfs = true;
	s.params = (char *)" answer=42 greeting=hi";
	fk_write_ko(root, "dbg");
	r = run_script(&s);
	CHECK(r == SCRIPT_ARMED, "channel found under /sys/kernel/debug/systemtap");
	CHECK(strcmp(m->params, "_stp_bufsize=8 answer=42 greeting=hi") == 0,
	      "init_module params '%s'", m->params);
}

static void test_busy_channel(void)
{
	int r;

	reset();
	struct fk_module *m = fk_add("busy", 4);
	fk_write_ko(root, "busy");
	m->busy = true; /* somebody else holds the channel: open says EBUSY */
	struct manifest_script s = {.name = "busy", .protocol = 4, .params = (char *)""};
	r = run_script(&s);
	CHECK(r == -EBUSY, "EBUSY control channel: failed (r=%d)", r);
	CHECK(m->loaded && fk.sleeps == 4,
	      "delete_module retried while in use (%u sleeps), then given up", fk.sleeps);
	CHECK(lt_file_contains(kmsg_path, "failed to unload the module"), "unload failure logged");
}

int main(void)
{
	root = fk_make_root();
	if (asprintf(&kmsg_path, "%s/kmsg", root) < 0)
		return 2;
	setenv("TZ", "UTC", 1);
	log_setup(kmsg_path, true, false);
	loader_config_init(&cfg, root, root);
	cfg.transport_timeout_ms = 100;
	cfg.reply_timeout_ms = 100;

	test_good(4);
	test_good(5);
	test_payloads();
	test_protocol_fallback(4, 5);
	test_protocol_fallback(5, 4);
	test_protocol_unknown();
	test_start_fails();
	test_begin_error(4);
	test_begin_error(5);
	test_begin_exit();
	test_error_without_exit();
	test_silent();
	test_init_fails();
	test_release_check();
	test_debugfs_and_params();
	test_busy_channel();

	fk_reset(root);
	lt_rm_rf(root);
	free(root);
	free(kmsg_path);
	return lt_result();
}
