/* pack_check.c: a pack is from another host: each module must be what its index and NAME.opts
 * say, for the kernel it claims, before the caches take it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache_kernel.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "module_sig.h"
#include "optfilter.h"
#include "pack_check.h"
#include "strv.h"

#define BAD(...) (log_error(__VA_ARGS__), -EBADMSG)

/* The normalized compile options of opts text, joined. NULL when they do not parse. */
static char *compile_opts(const char *opts)
{
	_cleanup_strv_free_ char **words = NULL, **norm = NULL, **comp = NULL;
	_cleanup_free_ char *bad = NULL;

	if (opts_split(opts, &words) < 0 || opts_normalize(words, &norm, &bad) < 0 ||
	    opts_for_compile(norm, &comp) < 0)
		return NULL;
	return strv_join(comp, " ");
}

/* Appends word to *text (blank separated). */
static int join_add(char **text, const char *word)
{
	char *n;

	if (asprintf(&n, "%s%s%s", *text && **text ? *text : "", *text && **text ? " " : "", word) <
	    0)
		return -ENOMEM;
	free(*text);
	*text = n;
	return 0;
}

static int check_set(const char *origin, const char *stage, const struct pack_index *ix,
		     struct pack_check *p)
{
	_cleanup_free_ char *path = path_join(stage, PACK_SET_PATH), *where = NULL;
	int r;

	if (!pack_index_find(ix, PACK_SET_PATH))
		return BAD("%s holds no onboot set", origin);
	if (!path || asprintf(&where, "%s:" PACK_SET_PATH, origin) < 0)
		return -ENOMEM;
	r = manifest_load(path, MANIFEST_SET, &p->set);
	if (r < 0)
		return r == -ENOMEM ? r : BAD("%s: its onboot set cannot be read", origin);
	if (p->set.bad_lines || p->set.n_scripts == 0)
		return BAD("%s: its onboot set is %s", origin,
			   p->set.bad_lines ? "damaged (lines above)" : "empty");
	for (size_t i = 0; i < p->set.n_scripts; i++)
		if (join_add(&p->set_joined, p->set.scripts[i].name) < 0)
			return -ENOMEM;
	return 0;
}

/* Each set script is in the pack, and SCRIPT_PATH has it with the same bytes or not at all. */
static int check_scripts(const struct settings *s, const char *origin, const struct pack_index *ix,
			 const struct pack_check *p)
{
	for (size_t i = 0; i < p->set.n_scripts; i++) {
		const char *name = p->set.scripts[i].name;
		_cleanup_free_ char *member = NULL, *here = NULL;
		const struct pack_file *f;
		char hex[SHA256_HEX_SIZE];
		int r;

		if (asprintf(&member, PACK_SCRIPTS_DIR "/%s.stp", name) < 0 ||
		    asprintf(&here, "%s/%s.stp", s->script_path, name) < 0)
			return -ENOMEM;
		f = pack_index_find(ix, member);
		if (!f)
			return BAD("%s has no %s for %s of its set", origin, member, name);
		r = sha256_file(here, hex);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return log_error_errno(r, "Failed to read %s", here);
		if (!streq(hex, f->sha256))
			return BAD("%s differs from the script in %s (SHA-256 %s here, %s packed): "
				   "move it away to load the pack",
				   here, origin, hex, f->sha256);
	}
	for (size_t i = 0; i < ix->n_files; i++) {
		const struct pack_file *f = &ix->files[i];
		bool in_set = f->kind == PACK_SET;

		for (size_t k = 0; k < p->set.n_scripts && !in_set; k++)
			in_set = streq(p->set.scripts[k].name, f->name);
		if (!in_set)
			return BAD("%s: %s is of no script of its set", origin, f->path);
	}
	return 0;
}

/* The module of ms for kernel kver, unpacked: what its NAME.opts and .modinfo say. */
static int check_module(const struct settings *s, const char *origin, const char *stage,
			const struct pack_index *ix, const char *kver,
			const struct manifest_script *ms, struct cache_meta *m)
{
	_cleanup_free_ char *ko = NULL, *opts = NULL, *script = NULL, *release = NULL,
			    *want = compile_opts(ms->opts), *key = NULL, *signer = NULL;
	const struct cert_id *id;
	int r;

	if (asprintf(&ko, "%s/%s/%s.ko", stage, kver, ms->name) < 0 ||
	    asprintf(&opts, "%s/%s/%s.opts", stage, kver, ms->name) < 0 ||
	    asprintf(&script, PACK_SCRIPTS_DIR "/%s.stp", ms->name) < 0 || !want)
		return want ? -ENOMEM : BAD("%s: the options of %s do not parse", origin, ms->name);
	r = cache_meta_read(opts, m);
	if (r < 0)
		return r == -ENOMEM ? r : BAD("%s: %s/%s.opts is damaged", origin, kver, ms->name);
	if (!streq(m->kernel_release, kver))
		return BAD("%s: %s/%s.opts is for kernel %s", origin, kver, ms->name,
			   m->kernel_release);
	if (!m->script_sha256 || !streq(m->script_sha256, pack_index_find(ix, script)->sha256))
		return BAD("%s: %s/%s.ko was not built from the packed %s", origin, kver, ms->name,
			   script);
	if (!streq(m->opts, want))
		return BAD("%s: %s/%s.ko was built with '%s', its set says '%s'", origin, kver,
			   ms->name, m->opts, want);
	r = module_vermagic_release(ko, &release);
	if (r < 0 || !streq(release, kver))
		return r == -ENOMEM
			   ? r
			   : BAD("%s: %s/%s.ko is not a module for kernel %s (vermagic: %s)",
				 origin, kver, ms->name, kver, release ? release : "none");
	r = module_sign_cert_id(s, &id);
	if (r < 0 || !id)
		return r;
	r = module_signature(ko, &key, &signer);
	if (r < 0)
		return r;
	if (!module_signed_by(key, signer, id))
		return BAD("%s: %s/%s.ko is %s, not with MODULE_SIGN_CERT's key (%s)", origin, kver,
			   ms->name, key ? "signed with another key" : "not signed",
			   s->module_sign_cert);
	return 0;
}

static int check_kernel(const struct settings *s, const char *origin, const char *stage,
			const struct pack_index *ix, struct pack_check *p, struct pack_kernel *k)
{
	k->meta = calloc(p->set.n_scripts + 1, sizeof(*k->meta));
	if (!k->meta || !(k->joined = strdup("")))
		return -ENOMEM;
	for (size_t i = 0; i < p->set.n_scripts; i++) {
		const struct manifest_script *ms = &p->set.scripts[i];
		_cleanup_free_ char *ko = NULL, *opts = NULL;
		int r;

		if (asprintf(&ko, "%s/%s.ko", k->release, ms->name) < 0 ||
		    asprintf(&opts, "%s/%s.opts", k->release, ms->name) < 0)
			return -ENOMEM;
		if (!pack_index_find(ix, ko) != !pack_index_find(ix, opts))
			return BAD("%s: %s without %s", origin, pack_index_find(ix, ko) ? ko : opts,
				   pack_index_find(ix, ko) ? opts : ko);
		if (!pack_index_find(ix, ko))
			continue; /* not built for this kernel on the build host */
		r = check_module(s, origin, stage, ix, k->release, ms, &k->meta[k->n]);
		if (r < 0)
			return r;
		if (strv_push(&k->names, ms->name) < 0 || join_add(&k->joined, ms->name) < 0)
			return -ENOMEM;
		k->n++;
	}
	return 0;
}

int pack_check(const struct settings *s, const char *origin, const char *stage,
	       const struct pack_index *ix, struct pack_check *ret)
{
	struct pack_check p = {.stage = stage};
	size_t nk = strv_length(ix->kernels);
	int r;

	r = check_set(origin, stage, ix, &p);
	if (r == 0)
		r = check_scripts(s, origin, ix, &p);
	if (r == 0 && !(p.kernels = calloc(nk + 1, sizeof(*p.kernels))))
		r = -ENOMEM;
	for (size_t i = 0; r == 0 && i < nk; i++) {
		p.kernels[i].release = ix->kernels[i];
		p.n_kernels++;
		r = check_kernel(s, origin, stage, ix, &p, &p.kernels[i]);
	}
	if (r < 0) {
		pack_check_free(&p);
		return r;
	}
	*ret = p;
	return 0;
}

const struct pack_kernel *pack_check_kernel(const struct pack_check *p, const char *kver)
{
	for (size_t i = 0; i < p->n_kernels; i++)
		if (streq(p->kernels[i].release, kver))
			return &p->kernels[i];
	return NULL;
}

void pack_check_free(struct pack_check *p)
{
	for (size_t i = 0; i < p->n_kernels; i++) {
		struct pack_kernel *k = &p->kernels[i];
		for (size_t m = 0; k->meta && m < k->n; m++)
			cache_meta_free(&k->meta[m]);
		/* a meta being filled when a check failed */
		if (k->meta)
			cache_meta_free(&k->meta[k->n]);
		free(k->meta);
		strv_free(k->names);
		free(k->joined);
	}
	free(p->kernels);
	manifest_free(&p->set);
	free(p->set_joined);
	*p = (struct pack_check){0};
}
