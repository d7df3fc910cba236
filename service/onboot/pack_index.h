/* pack_index.h: the index of a prebuilt pack (pack_index.c), the first member of the pack
 * (docs/design.md "Prebuilt packs"). Text, one record per line, words separated by one space:
 *
 *   stap-onboot-pack 1
 *   kernel 6.1.0-57-amd64
 *   kernel 6.1.0-56-amd64
 *   file set 93 SHA256
 *   file scripts/alpha.stp 120 SHA256
 *   file 6.1.0-57-amd64/alpha.ko 301256 SHA256
 *   file 6.1.0-57-amd64/alpha.opts 250 SHA256
 *
 * Line 1 is the header (another format number: refused). Every "kernel" line comes before the
 * first "file" line; a kernel release is listed once. A file is listed once, in the order of
 * the members that follow, with its size in bytes and the SHA-256 of its bytes. Its path is
 * "set", "scripts/NAME.stp", or "KVER/NAME.ko" and "KVER/NAME.opts" of a listed kernel. Any
 * other line is an error: the index is only ever written by systemtap-service. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "names.h"
#include "sha256.h"

#define PACK_INDEX_NAME "stap-onboot-pack"
#define PACK_INDEX_HEADER "stap-onboot-pack 1"
#define PACK_INDEX_MAX (1024 * 1024) /* bytes of index text */
#define PACK_FILES_MAX 4096
#define PACK_SET_PATH "set"
#define PACK_SCRIPTS_DIR "scripts"

enum pack_kind {
	PACK_SET,    /* "set": the onboot set, MANIFEST_SET format */
	PACK_SCRIPT, /* "scripts/NAME.stp" */
	PACK_KO,     /* "KVER/NAME.ko" */
	PACK_OPTS,   /* "KVER/NAME.opts" */
};

struct pack_file {
	char *path;
	enum pack_kind kind;
	char name[SCRIPT_NAME_MAX + 1]; /* "" for the set */
	const char *kernel;		/* one of index.kernels, NULL for the set and scripts */
	uint64_t size;
	char sha256[SHA256_HEX_SIZE];
};

struct pack_index {
	char **kernels; /* NULL-terminated, in the order listed */
	struct pack_file *files;
	size_t n_files;
};

/* The largest member of each kind (a module is the largest). */
uint64_t pack_kind_max(enum pack_kind kind);
/* Parses the index text (len bytes, need not be NUL-terminated); origin names it in messages.
 * 0 and *ret, -EBADMSG after log_error naming the line and why, -ENOMEM. */
int pack_index_parse(const char *text, size_t len, const char *origin, struct pack_index *ret);
/* Adds a kernel (a valid release, not listed yet). 0, -EINVAL, -ENOMEM. */
int pack_index_add_kernel(struct pack_index *ix, const char *kver);
/* Adds a file; path must be valid as above (its kernel listed already). 0, -EINVAL, -ENOMEM. */
int pack_index_add_file(struct pack_index *ix, const char *path, uint64_t size, const char *sha256);
/* The index text that pack_index_parse reads back into ix. 0 and *ret (newly allocated),
 * -ENOMEM. */
int pack_index_format(const struct pack_index *ix, char **ret);
/* The file of ix at path, or NULL. */
const struct pack_file *pack_index_find(const struct pack_index *ix, const char *path);
void pack_index_free(struct pack_index *ix);
