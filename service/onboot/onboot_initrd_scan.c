/* onboot_initrd_scan.c: one pass over an initramfs image file for initrd_model.
 *
 * Replaces `lsinitrd --unpack IMG FILE...`, which decompressed the image into a temp file and
 * then ran one cpio over all of it per file asked for (9 passes and about 20 processes for two
 * scripts): here the archives are read once, in this process, plus one decompressor when the
 * image is compressed. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "interrupt.h"
#include "log.h"
#include "macro.h"
#include "onboot_initrd_scan.h"
#include "onboot_util.h"
#include "run.h"
#include "strfmt.h"

struct source {
	int fd;
	uint64_t size;	/* of the file; 0 for a pipe */
	uint64_t read;	/* bytes read so far (a pipe: unpacked by the decompressor) */
	uint64_t limit; /* a pipe: the most it may yield (INITRD_UNPACKED_MAX) */
};

static ssize_t source_read(void *ctx, void *buf, size_t n)
{
	struct source *s = ctx;

	for (;;) {
		ssize_t got = read(s->fd, buf, n);

		if (got >= 0) {
			s->read += (uint64_t)got;
			/* A file is bounded by its size; a decompressor only by us. */
			if (s->limit && s->read > s->limit)
				return -EFBIG;
			return got;
		}
		if (errno != EINTR)
			return -errno;
		if (interrupted())
			return -EINTR;
	}
}

/* A body nobody asked for is passed over; past the end of the file the image is cut. */
static int file_skip(void *ctx, uint64_t n)
{
	struct source *s = ctx;
	off_t at = lseek(s->fd, 0, SEEK_CUR);

	if (at < 0)
		return -errno;
	if ((uint64_t)at + n > s->size)
		return -EBADMSG;
	if (lseek(s->fd, (off_t)n, SEEK_CUR) < 0)
		return -errno;
	return 0;
}

struct decompressor {
	const unsigned char magic[6];
	size_t len;
	const char *program;
};

/* The kernel's formats; `xz -d` reads .lzma too. */
static const struct decompressor decompressors[] = {
    {{0x1f, 0x8b}, 2, "gzip"},
    {{0x1f, 0x9e}, 2, "gzip"},
    {{'B', 'Z', 'h'}, 3, "bzip2"},
    {{0xfd, '7', 'z', 'X', 'Z', 0}, 6, "xz"},
    {{0x5d, 0, 0}, 3, "xz"},
    {{0x02, 0x21, 0x4c, 0x18}, 4, "lz4"},
    {{0x89, 'L', 'Z', 'O', 0}, 5, "lzop"},
    {{0x28, 0xb5, 0x2f, 0xfd}, 4, "zstd"},
};

/* Records why the image does not hold what is asked (a refusal: the check ran) and returns err;
 * -ENOMEM when even that fails. */
static int __attribute__((format(printf, 3, 4)))
refuse(struct onboot_verdict *v, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	v->why = strdup_vprintf(fmt, ap);
	va_end(ap);
	return v->why ? err : -ENOMEM;
}

static const char *decompressor_for(int fd, uint64_t offset)
{
	unsigned char head[6] = {0};

	if (pread(fd, head, sizeof(head), (off_t)offset) < 0)
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(decompressors); i++)
		if (memcmp(head, decompressors[i].magic, decompressors[i].len) == 0)
			return decompressors[i].program;
	return NULL;
}

/* The bytes of image from offset on, through PROGRAM -d -c, into the model. */
static int scan_compressed(struct initrd_model *m, struct cpio_reader *r, const char *image, int fd,
			   uint64_t offset, const struct run_limit *limit, uint64_t unpacked_max,
			   struct onboot_verdict *v)
{
	const char *program = decompressor_for(fd, offset);
	char *argv[] = {(char *)program, "-d", "-c", NULL};
	_cleanup_close_ int in = -1;
	struct source pipe_src = {.fd = -1, .limit = unpacked_max};
	int p[2], k, rc;
	pid_t pid;

	if (!program)
		return refuse(v, -EBADMSG, "%s: no archive and no known compression at byte %llu",
			      image, (unsigned long long)offset);
	in = open(image, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0 || lseek(in, (off_t)offset, SEEK_SET) < 0)
		return refuse(v, -errno, "cannot read %s: %m", image);
	if (pipe2(p, O_CLOEXEC) < 0)
		return refuse(v, -errno, "cannot make a pipe: %m");
	log_exec(argv);
	pid = run_spawn_opts(argv, &(struct run_opts){.in_fd = in,
						      .out_fd = p[1],
						      .err_fd = -1,
						      .flags = RUN_DIE_WITH_PARENT,
						      .limit = limit});
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return refuse(v, (int)pid, "cannot run %s: %s", program, strerror((int)-pid));
	}
	pipe_src.fd = p[0];
	cpio_reader_init(r, source_read, NULL, &pipe_src);
	k = initrd_model_feed(m, r);
	/* On an early stop the decompressor gets SIGPIPE: its status then says nothing. */
	close(p[0]);
	rc = run_wait(pid);
	if (rc == -EINTR || k == -EINTR)
		return -EINTR;
	if (rc == -ETIME) /* what it wrote before it was killed says nothing */
		return refuse(v, rc, "%s -d -c on %s did not finish in time", program, image);
	if (k == CPIO_END && rc != 0)
		return refuse(v, rc < 0 ? rc : -EBADMSG,
			      "%s -d -c on %s from byte %llu exited with status %d", program, image,
			      (unsigned long long)offset, rc);
	if (k == CPIO_OTHER)
		k = -EBADMSG;
	if (k == -EFBIG)
		return refuse(v, k,
			      "%s: the %s-compressed part at byte %llu unpacks to more than "
			      "%llu MiB, which no initramfs holds (a decompression bomb?)",
			      image, program, (unsigned long long)offset,
			      (unsigned long long)(unpacked_max >> 20));
	if (k < 0)
		return refuse(v, k, "%s: the %s-compressed part at byte %llu: %s", image, program,
			      (unsigned long long)offset,
			      k == -EBADMSG ? "not a whole cpio archive" : strerror(-k));
	return 0;
}

int initrd_scan(const char *image, const struct run_limit *limit, struct initrd_want *w, size_t n,
		struct onboot_verdict *ret)
{
	return initrd_scan_limited(image, limit, w, n, INITRD_UNPACKED_MAX, ret);
}

int initrd_scan_limited(const char *image, const struct run_limit *limit, struct initrd_want *w,
			size_t n, uint64_t unpacked_max, struct onboot_verdict *ret)
{
	struct onboot_verdict v = {.ok = true};
	struct initrd_model *m = NULL;
	struct cpio_reader *r = NULL;
	struct source file = {.fd = -1};
	struct stat st;
	int k;

	file.fd = open(image, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (file.fd < 0 || fstat(file.fd, &st) < 0) {
		k = refuse(&v, -errno, "cannot read %s: %m", image);
		goto out;
	}
	file.size = (uint64_t)st.st_size;
	r = malloc(sizeof(*r));
	if (!r || initrd_model_new(w, n, &m) < 0) {
		k = -ENOMEM;
		goto out;
	}
	cpio_reader_init(r, source_read, file_skip, &file);
	k = initrd_model_feed(m, r);
	if (k == CPIO_OTHER)
		k = scan_compressed(m, r, image, file.fd, r->offset, limit, unpacked_max, &v);
	else if (k < 0)
		k = refuse(&v, k, "%s: %s", image,
			   k == -EBADMSG ? "not a whole cpio archive" : strerror(-k));
	else if (r->offset == 0)
		k = refuse(&v, -EBADMSG, "%s is empty", image);
	if (k == 0)
		initrd_model_finish(m);
out:
	if (file.fd >= 0)
		close(file.fd);
	initrd_model_free(m);
	free(r);
	if (k == -ENOMEM || k == -EINTR) {
		free(v.why);
		return k;
	}
	v.ok = k == 0;
	*ret = v;
	return 0;
}
