/* test_loader_signature.c: a kernel that accepts only signed modules (Secure Boot lockdown,
 * module.sig_enforce=1) refuses an unsigned one with EKEYREJECTED: the loader says what to do
 * (sign with a key the machine trusts, enroll it with mokutil), tries the next script, and the
 * run goes on. A whole run against the fake kernel. */
#include "fake_kernel.h"
#include "kmsg.h"
#include "startall.h"

int main(void)
{
	char *root = fk_make_root();
	char kmsg[4096], cmdline[4096], moddir[4096], manifest[4200], rundir[4096];
	struct loader_config timeouts;
	struct startall_request req = {
	    .manifest_path = manifest,
	    .cmdline_path = cmdline,
	    .kmsg_path = kmsg,
	    .kmsg_is_file = true,
	    .rundir = rundir,
	    .root = root,
	};
	int r;

	snprintf(kmsg, sizeof(kmsg), "%s/kmsg", root);
	snprintf(cmdline, sizeof(cmdline), "%s/cmdline", root);
	snprintf(rundir, sizeof(rundir), "%s/run/systemtap", root);
	snprintf(moddir, sizeof(moddir), "%s/usr/lib/stap-onboot", root);
	snprintf(manifest, sizeof(manifest), "%s/manifest", moddir);
	loader_config_init(&timeouts, NULL, NULL);
	timeouts.window_ms = 30;
	fk_reset(root);
	lt_write_file(
	    root, "usr/lib/stap-onboot/manifest",
	    "stap-onboot-manifest 1\nscript unsigned protocol=4\nscript signed protocol=4\n");
	lt_write_file(root, "cmdline", "module.sig_enforce=1\n");
	fk_write_ko(moddir, "unsigned");
	fk_write_ko(moddir, "signed");
	fk_add("unsigned", 4)->init_errno = EKEYREJECTED;
	fk_add("signed", 4);

	r = startall_run(&req, &timeouts);
	CHECK(r == 1, "exit status 1: one script failed (%d)", r);
	CHECK(lt_file_contains(kmsg, "unsigned: init_module failed (the kernel accepts only signed "
				     "modules: sign it with a key this machine trusts") &&
		  lt_file_contains(kmsg, "MODULE_SIGN_KEY and MODULE_SIGN_CERT") &&
		  lt_file_contains(kmsg, "mokutil --import") &&
		  lt_file_contains(kmsg, "Key was rejected by service"),
	      "EKEYREJECTED: the reason and what to do (sign, enroll the key with mokutil)");
	CHECK(fk_find("unsigned")->unloads == 0 && !fk_find("unsigned")->loaded,
	      "nothing was loaded, nothing to unload");
	CHECK(lt_file_contains(kmsg, "signed: armed") && fk_find("signed")->loaded,
	      "the next script was tried and armed");
	CHECK(lt_file_contains(kmsg, "1 armed, 0 finished, 1 failed"), "the run's summary");
	fk_reset(root);
	lt_rm_rf(root);
	free(root);
	return lt_result();
}
