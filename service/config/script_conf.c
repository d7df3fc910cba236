/* script_conf.c: a conf file for a script whose options come from another host. The
 * configuration stays the admin's: an existing <NAME>_OPT or NAME.conf is never changed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_write.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "script_conf.h"
#include "tempfile.h"

int script_conf_adopt(struct settings *s, const char *name, const char *opts, const char *from)
{
	_cleanup_free_ char *key = NULL, *conf = NULL, *text = NULL;
	const char *here;
	size_t size = 0;
	FILE *f;
	int r;

	if (asprintf(&key, "%s_OPT", name) < 0 ||
	    asprintf(&conf, "%s/%s.conf", s->config_path, name) < 0)
		return log_error_errno(-ENOMEM, "Failed to write the options of %s", name);
	here = config_get(&s->cfg, key);
	if (streq(here ? here : "", opts))
		return 0;
	if (here || path_exists(conf)) {
		log_warning("%s is '%s' here, %s has '%s': start and onboot %s build it again "
			    "with stap (onboot --refresh and the kernel hooks use the set's)",
			    key, here ? here : "", from, opts, name);
		return 0;
	}
	f = open_memstream(&text, &size);
	if (!f)
		return log_error_errno(-ENOMEM, "Failed to write %s", conf);
	fprintf(f, "# Written by systemtap-service: the options of %s in %s.\n", name, from);
	r = config_write_assign(f, key, opts);
	if (fclose(f) != 0)
		return log_error_errno(-ENOMEM, "Failed to write %s", conf);
	if (r == 0)
		r = mkdir_p(s->config_path, 0755);
	if (r == 0)
		r = write_file_atomic(conf, text, size, 0644);
	if (r < 0)
		return log_error_errno(r, "Failed to write %s", conf);
	clog("Wrote %s\n", conf);
	/* As if it had been read: the rest of this run uses these options too. */
	return config_set(&s->cfg, key, opts, conf) < 0 ? log_error_errno(-ENOMEM, "Out of memory")
							: 0;
}
