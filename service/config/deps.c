/* deps.c: <script>_REQ ordering: post-order depth first, each script once, loops named. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "deps.h"
#include "log.h"
#include "macro.h"
#include "names.h"
#include "strv.h"

struct walk {
	const struct settings *s;
	char **sorted; /* finished, requirements first */
	char **path;   /* the requesters of the script being visited, outermost first */
};

/* Logs the cycle: the path from the first occurrence of name, back to name. */
static int report_loop(struct walk *w, const char *name)
{
	size_t start = 0;
	_cleanup_strv_free_ char **cycle = NULL;
	_cleanup_free_ char *text = NULL;

	while (w->path[start] && !streq(w->path[start], name))
		start++;
	if (strv_extend(&cycle, w->path + start) < 0 || strv_push(&cycle, name) < 0)
		return -ENOMEM;
	text = strv_join(cycle, " -> ");
	if (!text)
		return -ENOMEM;
	log_error("Dependency loop detected: %s", text);
	return -ELOOP;
}

static int visit(struct walk *w, const char *name)
{
	_cleanup_strv_free_ char **reqs = NULL;
	size_t depth;
	int r;

	if (strv_contains(w->path, name))
		return report_loop(w, name);
	if (strv_contains(w->sorted, name))
		return 0;
	r = strv_split_blanks(settings_script_req(w->s, name), &reqs);
	if (r < 0)
		return r;
	depth = strv_length(w->path);
	r = strv_push(&w->path, name);
	if (r < 0)
		return r;
	for (size_t i = 0; reqs[i] && r == 0; i++) {
		if (!script_name_valid(reqs[i])) {
			log_error("Invalid script name \"%s\" in %s_REQ (must match %s)", reqs[i],
				  name, SCRIPT_NAME_RULE);
			r = -EINVAL;
			break;
		}
		r = visit(w, reqs[i]);
	}
	/* Back to the requesters of name. */
	free(w->path[depth]);
	w->path[depth] = NULL;
	if (r < 0)
		return r;
	return strv_push(&w->sorted, name);
}

int deps_sort(const struct settings *s, char *const *names, char ***ret_sorted)
{
	struct walk w = {s, NULL, NULL};
	int r = 0;

	w.sorted = calloc(1, sizeof(char *));
	if (!w.sorted)
		return -ENOMEM;
	for (size_t i = 0; names && names[i] && r == 0; i++) {
		if (!script_name_valid(names[i])) {
			log_error("Invalid script name \"%s\" (must match %s)", names[i],
				  SCRIPT_NAME_RULE);
			r = -EINVAL;
			break;
		}
		r = visit(&w, names[i]);
	}
	strv_free(w.path);
	if (r < 0) {
		if (r == -ENOMEM)
			log_error_errno(r, "Failed to sort the dependencies");
		strv_free(w.sorted);
		return r;
	}
	*ret_sorted = w.sorted;
	return 0;
}
