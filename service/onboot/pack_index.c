/* pack_index.c: the index of a prebuilt pack, read strictly: a pack comes from another host,
 * so every path, size and digest is checked before anything of it is used. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "macro.h"
#include "pack_index.h"
#include "strv.h"

uint64_t pack_kind_max(enum pack_kind kind)
{
	switch (kind) {
	case PACK_SET:
		return 4u << 20;
	case PACK_SCRIPT:
		return 16u << 20;
	case PACK_OPTS:
		return 64u << 10;
	case PACK_KO:
		break;
	}
	return 1u << 30;
}

/* Fills f's kind, name and kernel from path; -EINVAL when path is none of the member paths. */
static int classify(const struct pack_index *ix, const char *path, struct pack_file *f)
{
	const char *slash = strchr(path, '/'), *base, *dot;
	size_t dirlen, namelen;

	f->kernel = NULL;
	f->name[0] = '\0';
	if (streq(path, PACK_SET_PATH)) {
		f->kind = PACK_SET;
		return 0;
	}
	if (!slash || strchr(slash + 1, '/'))
		return -EINVAL;
	base = slash + 1;
	dot = strrchr(base, '.');
	dirlen = (size_t)(slash - path);
	if (!dot)
		return -EINVAL;
	namelen = (size_t)(dot - base);
	if (namelen == 0 || namelen > SCRIPT_NAME_MAX)
		return -EINVAL;
	memcpy(f->name, base, namelen);
	f->name[namelen] = '\0';
	if (!script_name_valid(f->name))
		return -EINVAL;
	if (dirlen == strlen(PACK_SCRIPTS_DIR) && strncmp(path, PACK_SCRIPTS_DIR, dirlen) == 0) {
		f->kind = PACK_SCRIPT;
		return streq(dot, ".stp") ? 0 : -EINVAL;
	}
	for (size_t i = 0; ix->kernels && ix->kernels[i]; i++)
		if (strlen(ix->kernels[i]) == dirlen && strncmp(ix->kernels[i], path, dirlen) == 0)
			f->kernel = ix->kernels[i];
	if (!f->kernel)
		return -EINVAL;
	if (streq(dot, ".ko"))
		f->kind = PACK_KO;
	else if (streq(dot, ".opts"))
		f->kind = PACK_OPTS;
	else
		return -EINVAL;
	return 0;
}

int pack_index_add_kernel(struct pack_index *ix, const char *kver)
{
	if (!kernel_release_valid(kver) || strv_contains(ix->kernels, kver) || ix->n_files > 0 ||
	    streq(kver, PACK_SCRIPTS_DIR) || streq(kver, PACK_SET_PATH))
		return -EINVAL;
	return strv_push(&ix->kernels, kver);
}

int pack_index_add_file(struct pack_index *ix, const char *path, uint64_t size, const char *sha256)
{
	struct pack_file f = {0}, *v;

	if (ix->n_files >= PACK_FILES_MAX || !sha256_hex_valid(sha256) ||
	    classify(ix, path, &f) < 0 || size > pack_kind_max(f.kind) || pack_index_find(ix, path))
		return -EINVAL;
	f.path = strdup(path);
	if (!f.path)
		return -ENOMEM;
	f.size = size;
	memcpy(f.sha256, sha256, SHA256_HEX_SIZE);
	v = realloc(ix->files, (ix->n_files + 1) * sizeof(*v));
	if (!v) {
		free(f.path);
		return -ENOMEM;
	}
	ix->files = v;
	ix->files[ix->n_files++] = f;
	return 0;
}

const struct pack_file *pack_index_find(const struct pack_index *ix, const char *path)
{
	for (size_t i = 0; i < ix->n_files; i++)
		if (streq(ix->files[i].path, path))
			return &ix->files[i];
	return NULL;
}

void pack_index_free(struct pack_index *ix)
{
	for (size_t i = 0; i < ix->n_files; i++)
		free(ix->files[i].path);
	free(ix->files);
	strv_free(ix->kernels);
	*ix = (struct pack_index){0};
}

/* A decimal size without sign, leading zeros or overflow. */
static int parse_size(const char *w, uint64_t *ret)
{
	uint64_t v = 0;

	if (!*w || (w[0] == '0' && w[1]))
		return -EINVAL;
	for (; *w; w++) {
		if (*w < '0' || *w > '9' || v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*w - '0');
	}
	*ret = v;
	return 0;
}

/* One line (NUL-terminated, no newline) after the header. */
static int parse_line(struct pack_index *ix, char *line, const char **why)
{
	char *w[5];
	size_t n = 0;
	uint64_t size;
	int r;

	for (char *p = line; n < 5;) {
		w[n++] = p;
		p = strchr(p, ' ');
		if (!p)
			break;
		*p++ = '\0';
	}
	if (n == 2 && streq(w[0], "kernel")) {
		r = pack_index_add_kernel(ix, w[1]);
		*why = "a bad or repeated kernel release, or one after the files";
		return r;
	}
	if (n == 4 && streq(w[0], "file")) {
		*why = "a bad size";
		if (parse_size(w[2], &size) < 0)
			return -EINVAL;
		r = pack_index_add_file(ix, w[1], size, w[3]);
		*why = "a path that is no member of a pack, a repeated one, a size over the limit "
		       "or a bad SHA-256";
		return r;
	}
	*why = "not \"kernel KVER\" nor \"file PATH SIZE SHA256\"";
	return -EINVAL;
}

int pack_index_parse(const char *text, size_t len, const char *origin, struct pack_index *ret)
{
	struct pack_index ix = {0};
	const char *p = text, *end = text + len;
	unsigned lineno = 0;
	int r = 0;

	if (len > PACK_INDEX_MAX) {
		log_error("%s: the index is larger than %d bytes", origin, PACK_INDEX_MAX);
		return -EBADMSG;
	}
	while (p < end && r == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *why = "";
		size_t l;
		char *line;

		lineno++;
		if (!nl) {
			log_error("%s:%u: the last line has no line break", origin, lineno);
			r = -EBADMSG;
			break;
		}
		l = (size_t)(nl - p);
		line = strndup(p, l);
		if (!line) {
			r = -ENOMEM;
			break;
		}
		if (strlen(line) != l) {
			log_error("%s:%u: a NUL byte", origin, lineno);
			r = -EBADMSG;
		} else if (lineno == 1) {
			if (!streq(line, PACK_INDEX_HEADER)) {
				log_error("%s: not a pack of this systemtap-service (line 1 is not "
					  "\"" PACK_INDEX_HEADER "\")",
					  origin);
				r = -EBADMSG;
			}
		} else {
			r = parse_line(&ix, line, &why);
			if (r == -EINVAL) {
				log_error("%s:%u: %s", origin, lineno, why);
				r = -EBADMSG;
			}
		}
		free(line);
		p = nl + 1;
	}
	if (r == 0 && lineno == 0) {
		log_error("%s: the index is empty", origin);
		r = -EBADMSG;
	}
	if (r < 0) {
		pack_index_free(&ix);
		return r == -ENOMEM ? log_error_errno(r, "Failed to read %s", origin) : r;
	}
	*ret = ix;
	return 0;
}

int pack_index_format(const struct pack_index *ix, char **ret)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return -ENOMEM;
	fputs(PACK_INDEX_HEADER "\n", f);
	for (size_t i = 0; ix->kernels && ix->kernels[i]; i++)
		fprintf(f, "kernel %s\n", ix->kernels[i]);
	for (size_t i = 0; i < ix->n_files; i++)
		fprintf(f, "file %s %ju %s\n", ix->files[i].path, (uintmax_t)ix->files[i].size,
			ix->files[i].sha256);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	return 0;
}
