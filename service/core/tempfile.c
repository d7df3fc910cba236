/* tempfile.c: staged files and directories, renamed into place; the leftovers of killed runs. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "tempfile.h"

#define RANDOM_LEN 6
#define TRIES 100
#define CLEANED_MAX 64

/* Six letters or digits. */
static void random_word(char out[RANDOM_LEN + 1])
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char b[RANDOM_LEN];

	if (getrandom(b, sizeof(b), GRND_NONBLOCK) != (ssize_t)sizeof(b))
		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)random();
	for (size_t i = 0; i < RANDOM_LEN; i++)
		out[i] = set[b[i] % (sizeof(set) - 1)];
	out[RANDOM_LEN] = '\0';
}

/* dir/.BASE.stap-tmp.PID.XXXXXX, newly allocated. */
static char *temp_name(const char *dir, const char *base)
{
	char rnd[RANDOM_LEN + 1];
	char *p;

	random_word(rnd);
	if (asprintf(&p, "%s/.%s" TEMP_MARK "%d.%s", streq(dir, "/") ? "" : dir, base,
		     (int)getpid(), rnd) < 0)
		return NULL;
	return p;
}

/* The owner's pid of a temp name of the rule (BASE in *ret_base, *ret_base_len), else 0. */
static pid_t parse_name(const char *name, const char **ret_base, size_t *ret_base_len)
{
	size_t len = strlen(name), mlen = strlen(TEMP_MARK);
	const char *rnd, *digits, *mark;
	long pid = 0;

	if (name[0] != '.' || len < 1 + 1 + mlen + 1 + 1 + RANDOM_LEN)
		return 0;
	rnd = name + len - RANDOM_LEN;
	if (rnd[-1] != '.')
		return 0;
	for (const char *p = rnd; *p; p++)
		if (!isalnum((unsigned char)*p))
			return 0;
	for (digits = rnd - 1; digits > name && isdigit((unsigned char)digits[-1]);)
		digits--;
	if (digits == rnd - 1 || rnd - 1 - digits > 10)
		return 0;
	mark = digits - mlen;
	if (mark <= name + 1 || strncmp(mark, TEMP_MARK, mlen) != 0)
		return 0;
	for (const char *p = digits; p < rnd - 1; p++)
		pid = pid * 10 + (*p - '0');
	if (pid <= 0 || pid > 0x7fffffffL)
		return 0;
	*ret_base = name + 1;
	*ret_base_len = (size_t)(mark - name - 1);
	return (pid_t)pid;
}

/* Locks a temp just made. A named one may have been taken by a cleaner between its creation
 * and our lock: -EAGAIN then (the cleaner removes it; make another). */
static int lock_new(int fd, bool named)
{
	struct stat st;

	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (!named)
		return 0;
	if (fstat(fd, &st) < 0)
		return -errno;
	return st.st_nlink == 0 ? -EAGAIN : 0;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Removes dir's leftovers the first time this run stages something there. */
static void clean_once(const char *dir)
{
	static struct {
		dev_t dev;
		ino_t ino;
	} done[CLEANED_MAX];
	static size_t n_done;
	struct stat st;
	int r;

	if (stat(dir, &st) < 0)
		return;
	for (size_t i = 0; i < n_done; i++)
		if (done[i].dev == st.st_dev && done[i].ino == st.st_ino)
			return;
	if (n_done < CLEANED_MAX) {
		done[n_done].dev = st.st_dev;
		done[n_done].ino = st.st_ino;
		n_done++;
	}
	r = temp_clean(dir, NULL, NULL);
	if (r < 0)
		log_warning("Failed to look for leftovers in %s: %s", dir, errno_reason(r));
}

/* A named, locked file in dir for base. */
static int make_named(const char *dir, const char *base, struct temp *t)
{
	for (int i = 0; i < TRIES; i++) {
		_cleanup_free_ char *p = temp_name(dir, base);
		int fd, r;

		if (!p)
			return -ENOMEM;
		fd = open(p, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno == EEXIST)
			continue;
		if (fd < 0)
			return -errno;
		r = lock_new(fd, true);
		if (r < 0) {
			close(fd);
			if (r == -EAGAIN)
				continue;
			unlink(p);
			return r;
		}
		t->fd = fd;
		t->path = p;
		p = NULL;
		return 0;
	}
	return -EEXIST;
}

static int make_file(const char *target, bool unnamed, struct temp *ret)
{
	struct temp t = TEMP_INIT;
	int r;

	t.dir = dir_of(target);
	if (!t.dir)
		return -ENOMEM;
	clean_once(t.dir);
	if (unnamed) {
		t.fd = open(t.dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (t.fd >= 0) {
			r = lock_new(t.fd, false);
			if (r < 0) {
				temp_discard(&t);
				return r == -EAGAIN ? -EIO : r;
			}
			*ret = t;
			return 0;
		}
		/* File systems without O_TMPFILE (vfat, NFS, old kernels) get a named one. */
		if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
			r = -errno;
			temp_discard(&t);
			return r;
		}
	}
	r = make_named(t.dir, base_of(target), &t);
	if (r < 0) {
		temp_discard(&t);
		return r;
	}
	*ret = t;
	return 0;
}

int temp_file(const char *target, struct temp *ret)
{
	return make_file(target, true, ret);
}

int temp_file_named(const char *target, struct temp *ret)
{
	return make_file(target, false, ret);
}

int temp_dir(const char *parent, const char *base, struct temp *ret)
{
	struct temp t = TEMP_INIT;

	t.dir = strdup(parent);
	if (!t.dir)
		return -ENOMEM;
	clean_once(parent);
	for (int i = 0; i < TRIES; i++) {
		int r;

		free(t.path);
		t.path = temp_name(parent, base);
		if (!t.path) {
			temp_release(&t);
			return -ENOMEM;
		}
		if (mkdir(t.path, 0700) < 0) {
			if (errno == EEXIST)
				continue;
			r = -errno;
			temp_release(&t);
			return r;
		}
		/* A cleaner may have taken it at once: ENOENT or -EAGAIN, make another. */
		t.fd = open(t.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		r = t.fd < 0 ? (errno == ENOENT ? -EAGAIN : -errno) : lock_new(t.fd, true);
		if (r == -EAGAIN) {
			if (t.fd >= 0)
				close(t.fd);
			t.fd = -1;
			continue;
		}
		if (r < 0) {
			temp_discard(&t);
			return r;
		}
		*ret = t;
		return 0;
	}
	temp_release(&t);
	return -EEXIST;
}

/* Names an unnamed temp: AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH, /proc/self/fd does not. */
static int give_name(struct temp *t, const char *base)
{
	char proc[64];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", t->fd);
	for (int i = 0; i < TRIES; i++) {
		_cleanup_free_ char *p = temp_name(t->dir, base);

		if (!p)
			return -ENOMEM;
		if (linkat(t->fd, "", AT_FDCWD, p, AT_EMPTY_PATH) < 0 &&
		    (errno == EEXIST ||
		     linkat(AT_FDCWD, proc, AT_FDCWD, p, AT_SYMLINK_FOLLOW) < 0)) {
			if (errno == EEXIST)
				continue;
			return -errno;
		}
		t->path = p;
		p = NULL;
		return 0;
	}
	return -EEXIST;
}

static int fsync_dir(const char *dir)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return fsync(fd) < 0 && errno != EINVAL ? -errno : 0;
}

int temp_commit(struct temp *t, const char *target, mode_t mode)
{
	int r;

	if (fchmod(t->fd, mode) < 0 || fsync(t->fd) < 0)
		return -errno;
	if (!t->path) {
		r = give_name(t, base_of(target));
		if (r < 0)
			return r;
	}
	if (rename(t->path, target) < 0)
		return -errno;
	r = fsync_dir(t->dir);
	temp_release(t);
	return r;
}

void temp_release(struct temp *t)
{
	if (t->dir && t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	free(t->path);
	free(t->dir);
	t->path = t->dir = NULL;
}

void temp_discard(struct temp *t)
{
	if (t->path)
		(void)rm_rf(t->path);
	temp_release(t);
}

/* Removes dir/name when it is a temp of ours that nobody holds. 1 removed, 0 left (someone
 * holds it: busy, or not ours), -errno. */
static int remove_leftover(int dfd, const char *dir, const char *name, pid_t pid, bool *busy)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *path = NULL;
	struct stat st, now;
	int r;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ELOOP ? 0 : -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	/* In a shared directory another user's file is none of our business. */
	if ((!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) || st.st_uid != geteuid())
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		*busy = errno == EWOULDBLOCK;
		return *busy ? 0 : -errno;
	}
	/* Still the same file under that name: what we hold the lock of is what goes. */
	if (fstatat(dfd, name, &now, AT_SYMLINK_NOFOLLOW) < 0 || now.st_ino != st.st_ino ||
	    now.st_dev != st.st_dev)
		return 0;
	path = path_join(dir, name);
	if (!path)
		return -ENOMEM;
	r = S_ISDIR(st.st_mode) ? rm_rf(path) : unlink(path) < 0 ? -errno : 0;
	if (r < 0) {
		log_warning("Failed to remove %s, left behind by process %d: %s", path, (int)pid,
			    errno_reason(r));
		return 0;
	}
	log_line("Removed %s, left behind by process %d (killed, or crashed)", path, (int)pid);
	return 1;
}

int temp_clean(const char *dir, const char *base, size_t *ret_busy)
{
	struct dirent *de;
	size_t busy_n = 0;
	int r = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		const char *b;
		size_t blen;
		bool busy = false;
		pid_t pid = parse_name(de->d_name, &b, &blen);

		if (pid == 0)
			continue;
		r = remove_leftover(dirfd(d), dir, de->d_name, pid, &busy);
		if (r < 0)
			break;
		if (busy && base && strlen(base) == blen && strncmp(b, base, blen) == 0)
			busy_n++;
		r = 0;
	}
	closedir(d);
	if (r < 0)
		return r;
	if (ret_busy)
		*ret_busy = busy_n;
	return 0;
}
