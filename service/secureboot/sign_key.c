/* sign_key.c: which key signs. The configuration decides when it names a key; otherwise the
 * machine does: DKMS signs its modules with DKMS_PATH/mok.key on Secure Boot machines, and a
 * user who enrolled that key once expects our modules to load too. */
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "sb_state.h"
#include "sign_key.h"
#include "strfmt.h"

/* What the memo was worked out from, and the answer. */
static struct {
	bool valid;
	char *cfg_key, *cfg_cert, *sysfs, *dkms;
	struct sign_key key;
} memo;

static bool advised;	   /* the how-to-make-a-key warning was given in this run */
static char *mode_checked; /* the last private key whose mode was checked */

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && streq(a, b));
}

static void memo_clear(void)
{
	free(memo.cfg_key);
	free(memo.cfg_cert);
	free(memo.sysfs);
	free(memo.dkms);
	free(memo.key.key);
	free(memo.key.cert);
	memo.cfg_key = memo.cfg_cert = memo.sysfs = memo.dkms = NULL;
	memo.key = (struct sign_key){0};
	memo.valid = false;
}

static void memo_free(void)
{
	memo_clear();
	free(mode_checked);
	mode_checked = NULL;
}

static bool regular_file(const char *path)
{
	struct stat st;

	return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Warns when others than root can read the private key at path: everyone, or a group other
 * than root's (ssh refuses such keys; DKMS makes its key 0600). */
static void check_key_mode(const char *path)
{
	struct stat st;
	const struct group *g;

	if (mode_checked && streq(mode_checked, path))
		return;
	free(mode_checked);
	mode_checked = strdup(path);
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return; /* sign-file names a key it cannot read */
	if (st.st_mode & S_IROTH) {
		log_warning("Private key %s is readable by every user (mode %04o): anyone can sign "
			    "modules your kernel trusts; fix it with chmod 600 %s",
			    path, (unsigned)(st.st_mode & 07777), path);
	} else if ((st.st_mode & S_IRGRP) && st.st_gid != 0) {
		g = getgrgid(st.st_gid);
		log_warning(
		    "Private key %s is readable by group %s (mode %04o): its members can sign "
		    "modules your kernel trusts; fix it with chmod 600 %s",
		    path, g ? g->gr_name : "?", (unsigned)(st.st_mode & 07777), path);
	}
}

/* The warning of a machine that needs signatures and has no key: the whole way to one. */
static void advise(const struct settings *s, const char *reason)
{
	_cleanup_free_ char *dir =
	    path_join(s->state_path ? s->state_path : "/var/lib/systemtap", "mok");
	_cleanup_free_ char *dkms = NULL;

	if (advised || !dir)
		return;
	advised = true;
	if (s->dkms_path && *s->dkms_path)
		dkms = strdup_printf("\nDKMS's key pair (%s/mok.key and mok.pub) is used instead "
				     "when it exists.",
				     s->dkms_path);
	log_warning("%s and no module signing key is set: the kernel will refuse the modules "
		    "built now. Make a key and enroll it once:\n"
		    "  mkdir -p -m 700 %s\n"
		    "  openssl req -new -x509 -newkey rsa:2048 -nodes -days 36500 "
		    "-subj \"/CN=systemtap-service module signing key\" "
		    "-keyout %s/mok.priv -outform DER -out %s/mok.der\n"
		    "  set MODULE_SIGN_KEY=%s/mok.priv and MODULE_SIGN_CERT=%s/mok.der in %s\n"
		    "  mokutil --import %s/mok.der    (asks for a one-time password)\n"
		    "  reboot: MokManager starts before the system; choose \"Enroll MOK\", "
		    "confirm, enter that password\n"
		    "  then build again: systemtap-service compile, "
		    "or onboot --refresh --image -r KVER%s\n"
		    "See systemtap-service(8), MODULE SIGNING.",
		    reason, dir, dir, dir, dir, dir, DEFAULT_CONFIG, dir, dkms ? dkms : "");
}

/* Decides for s into memo.key. 0 or -ENOMEM. */
static int decide(const struct settings *s)
{
	struct sign_key *k = &memo.key;
	_cleanup_free_ char *dkey = NULL, *dcert = NULL;
	struct sb_state st;
	const char *reason;

	if (s->module_sign_key && *s->module_sign_key) {
		k->origin = SIGN_KEY_CONFIG;
		k->key = strdup(s->module_sign_key);
		k->cert = strdup(s->module_sign_cert ? s->module_sign_cert : "");
		return k->key && k->cert ? 0 : -ENOMEM;
	}
	sb_state_read(s, &st);
	reason = sb_enforcing_reason(&st);
	if (!reason)
		return 0;
	if (s->dkms_path && *s->dkms_path) {
		dkey = path_join(s->dkms_path, "mok.key");
		dcert = path_join(s->dkms_path, "mok.pub");
		if (!dkey || !dcert)
			return -ENOMEM;
		if (regular_file(dkey) && regular_file(dcert)) {
			k->origin = SIGN_KEY_DKMS;
			k->key = dkey;
			k->cert = dcert;
			dkey = dcert = NULL;
			log_line(
			    "Signing modules with DKMS's key %s (%s, MODULE_SIGN_KEY is not set)",
			    k->key, reason);
			return 0;
		}
	}
	advise(s, reason);
	return 0;
}

int sign_key_get(const struct settings *s, const struct sign_key **ret)
{
	static bool registered;
	int r;

	if (!memo.valid || !same(memo.cfg_key, s->module_sign_key) ||
	    !same(memo.cfg_cert, s->module_sign_cert) || !same(memo.sysfs, s->sysfs_path) ||
	    !same(memo.dkms, s->dkms_path)) {
		memo_clear();
		if (!registered && atexit(memo_free) == 0)
			registered = true;
		r = decide(s);
		if (r == 0 &&
		    ((s->module_sign_key && !(memo.cfg_key = strdup(s->module_sign_key))) ||
		     (s->module_sign_cert && !(memo.cfg_cert = strdup(s->module_sign_cert))) ||
		     (s->sysfs_path && !(memo.sysfs = strdup(s->sysfs_path))) ||
		     (s->dkms_path && !(memo.dkms = strdup(s->dkms_path)))))
			r = -ENOMEM;
		if (r < 0) {
			memo_clear();
			return log_error_errno(r, "Failed to choose the module signing key");
		}
		memo.valid = true;
	}
	if (memo.key.key)
		check_key_mode(memo.key.key);
	*ret = &memo.key;
	return 0;
}

const char *sign_key_origin_to_string(enum sign_key_origin o)
{
	switch (o) {
	case SIGN_KEY_NONE:
		return "none";
	case SIGN_KEY_CONFIG:
		return "MODULE_SIGN_KEY";
	case SIGN_KEY_DKMS:
		return "DKMS's key";
	}
	return "none";
}
