/* mok_test_key.c: mokutil's answer on a certificate. Its exit code changed meaning between
 * versions (0.6 exits 1 for "already enrolled", later versions 0), so its words decide: they
 * have stayed the same ("FILE is already enrolled", "... is already in db", "... is already in
 * the enrollment request", "... is not enrolled"). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "mok_test_key.h"
#include "run.h"
#include "strfmt.h"
#include "tempfile.h"

/* A directory in TEMP_PATH holding der as cert.der (*dir, to discard). 0 and *ret_file, or
 * -errno. */
static int der_copy(const struct settings *s, const void *der, size_t len, struct temp *dir,
		    char **ret_file)
{
	_cleanup_free_ char *file = NULL;
	int r = temp_dir(s->temp_path, "mok", dir);

	if (r < 0)
		return r;
	file = path_join(dir->path, "cert.der");
	if (!file)
		return -ENOMEM;
	r = write_file_atomic(file, der, len, 0644);
	if (r < 0)
		return r;
	*ret_file = file;
	file = NULL;
	return 0;
}

/* The first line of out, for a note. */
static char *first_line(const char *out)
{
	size_t n = out ? strcspn(out, "\n") : 0;

	return n ? strndup(out, n) : strdup("no answer");
}

static enum mok_enrollment parse_answer(const char *out)
{
	static const struct {
		const char *words;
		enum mok_enrollment e;
	} answers[] = {
	    {" is already enrolled", MOK_ENROLLED},
	    {" is already in db", MOK_IN_DB},
	    {" is already in the enrollment request", MOK_PENDING},
	    {" is not enrolled", MOK_NOT_ENROLLED},
	};

	for (size_t i = 0; out && i < ELEMENTSOF(answers); i++)
		if (strstr(out, answers[i].words))
			return answers[i].e;
	return MOK_UNKNOWN;
}

enum mok_enrollment mok_test_key(const struct settings *s, const char *cert, const void *der,
				 size_t der_len, char **ret_note)
{
	_cleanup_free_ char *copy = NULL, *out = NULL;
	struct temp dir = TEMP_INIT;
	enum mok_enrollment e = MOK_UNKNOWN;
	const char *file = cert;
	struct stat st;
	int r = 0;

	*ret_note = NULL;
	if (stat(cert, &st) < 0 || (size_t)st.st_size != der_len) {
		r = der_copy(s, der, der_len, &dir, &copy);
		file = copy;
	}
	if (r == 0) {
		char *const argv[] = {s->mokutil, "--test-key", (char *)file, NULL};
		r = run_capture(argv, NULL, &out);
	}
	temp_discard(&dir);
	if (r < 0)
		*ret_note = strdup_printf("cannot run %s: %s", s->mokutil, errno_reason(r));
	else {
		e = parse_answer(out);
		*ret_note = e == MOK_UNKNOWN ? first_line(out) : strdup("mokutil --test-key");
	}
	return e;
}
