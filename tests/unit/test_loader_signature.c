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
	struct fr_run files;
	struct startall_request req = fr_run_request(root, &files);
	struct loader_config timeouts;
	int r;

	loader_config_init(&timeouts, NULL, NULL);
	fk_reset(root);
	lt_write_file(
	    root, "usr/lib/stap-onboot/manifest",
	    "stap-onboot-manifest 1\nscript unsigned protocol=4\nscript signed protocol=4\n");
	lt_write_file(root, "cmdline", "module.sig_enforce=1\n");
	fk_write_ko(files.moddir, "unsigned");
	fk_write_ko(files.moddir, "signed");
	fk_add("unsigned", 4)->init_errno = EKEYREJECTED;
	fk_add("signed", 4);

	r = startall_run(&req, &timeouts);
	CHECK(r == 1, "exit status 1: one script failed (%d)", r);
	CHECK(lt_file_contains(files.kmsg,
			       "unsigned: init_module failed (the kernel accepts only signed "
			       "modules: sign it with a key this machine trusts") &&
		  lt_file_contains(files.kmsg, "MODULE_SIGN_KEY and MODULE_SIGN_CERT") &&
		  lt_file_contains(files.kmsg, "mokutil --import") &&
		  lt_file_contains(files.kmsg, "Key was rejected by service"),
	      "EKEYREJECTED: the reason and what to do (sign, enroll the key with mokutil)");
	CHECK(fk_find("unsigned")->unloads == 0 && !fk_find("unsigned")->loaded,
	      "nothing was loaded, nothing to unload");
	CHECK(lt_file_contains(files.kmsg, "signed: armed") && fk_find("signed")->loaded,
	      "the next script was tried and armed");
	CHECK(lt_file_contains(files.kmsg, "1 armed, 0 finished, 1 failed"), "the run's summary");
	fk_reset(root);
	fr_reap(files.rundir);
	lt_rm_rf(root);
	free(root);
	return lt_result();
}
