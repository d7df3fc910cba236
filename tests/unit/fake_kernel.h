/* fake_kernel.h: the kernel's side of stap-early-loader for its unit tests (header-only, so
 * it is not linked into the service's tests).
 *
 * The fake replaces sysseam: init_module "loads" a fake .ko (a small ELF64 image from
 * fake_elf.h whose .modinfo names the module; like a Debian kernel with CONFIG_MODVERSIONS it
 * ignores the release in vermagic), uname gives FK_RELEASE, open of /proc/systemtap/NAME/.cmd hands
 * out one end of a SOCK_SEQPACKET socketpair (it keeps message boundaries like the real .cmd file),
 * and every control write is decoded and answered the way the runtime's control.c answers it:
 * replies are queued on the kernel end before write returns, unknown type numbers get EINVAL. Each
 * module's behaviour is chosen by the test. The temp root it runs in is fake_root.h's; the file
 * helpers are files.h's. */
#pragma once
#include "ctlproto.h"
#include "fake_elf.h"
#include "fake_root.h"
#include "files.h"
#include "sysseam.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- the fake kernel ---------------------------------------------------------------------- */
/* The release the fake kernel runs and fk_write_ko's modules are built for. */
#define FK_RELEASE "6.1.0-56-amd64"
#define FK_MODULES 8
#define FK_SENT 512

struct fk_module {
	/* chosen by the test */
	char name[64];
	int protocol;	     /* numbering the module understands (0: none) */
	int init_errno;	     /* init_module fails with this */
	int start_res;	     /* res of the STP_START reply */
	bool silent;	     /* never says STP_TRANSPORT */
	bool no_start_reply; /* swallows STP_START */
	bool begin_error;    /* ERROR line before the STP_START reply, STP_REQUEST_EXIT after */
	bool begin_exit;     /* STP_REQUEST_EXIT after STP_START, no error */
	bool error_no_exit;  /* ERROR line before the reply only (MAXERRORS) */
	bool late_error;     /* ERROR line after the reply (exit_delay_ms later), then
				STP_REQUEST_EXIT */
	bool debugfs;	     /* channel under /sys/kernel/debug only */
	bool busy;	     /* someone else holds the channel (and a module reference) */
	bool trace;	     /* has a relay file: ROOT/proc/systemtap/NAME/trace0, a FIFO whose
				write end is tfd while loaded */
	int exit_delay_ms;   /* STP_REQUEST_EXIT this much after the reply, as the runtime's
				control timer sends it (0: queued right after the reply) */
	bool exit_at_fork;   /* STP_REQUEST_EXIT queued by the first fork after the reply (the
				loader's hand-over to its collector: fake_timer.h) */
	/* state */
	bool loaded;
	unsigned loads, unloads;
	char params[512];
	int kfd, ufd, tfd;
	uint32_t seq; /* of its last printed message */
	bool attached;
	bool got_exit;
	bool replied; /* STP_START answered */
	pthread_t timer;
	sem_t timer_up, timer_end; /* fake_timer.h */
	bool timer_running;
};

struct fk_sent {
	char module[64];
	uint32_t number;
	size_t len; /* payload bytes */
	unsigned char payload[CTL_PAYLOAD_MAX];
	bool rejected;
};

static struct {
	const char *root;
	struct fk_module mod[FK_MODULES];
	size_t n_mod;
	struct fk_sent sent[FK_SENT];
	size_t n_sent;
	unsigned sleeps;
	char load_order[1024]; /* "a b c": every init_module that got through */
	unsigned init_calls;   /* every init_module call */
	char release[65];      /* uname's release, FK_RELEASE after fk_reset */
	int release_errno;     /* uname fails with this */
} fk;

static inline struct fk_module *fk_add(const char *name, int protocol)
{
	struct fk_module *m = &fk.mod[fk.n_mod++];

	*m = (struct fk_module){.protocol = protocol, .kfd = -1, .ufd = -1, .tfd = -1};
	snprintf(m->name, sizeof(m->name), "%s", name);
	return m;
}

static inline struct fk_module *fk_find(const char *name)
{
	for (size_t i = 0; i < fk.n_mod; i++)
		if (strcmp(fk.mod[i].name, name) == 0)
			return &fk.mod[i];
	return NULL;
}

/* Writes NAME.ko into dir, an image whose vermagic is vermagic (NULL: none). */
static inline void fk_write_ko_vermagic(const char *dir, const char *name, const char *vermagic)
{
	unsigned char *image;
	char rel[128];
	size_t len;

	snprintf(rel, sizeof(rel), "%s.ko", name);
	image = fe_module(name, vermagic, &len);
	put_bytes_in(dir, rel, image, len);
	free(image);
}

/* Writes the module's .ko, built for FK_RELEASE, into dir. */
static inline void fk_write_ko(const char *dir, const char *name)
{
	fk_write_ko_vermagic(dir, name, FK_RELEASE FE_VERMAGIC_FLAGS);
}

static inline void fk_queue(struct fk_module *m, enum ctl_type t, const void *data, size_t len)
{
	unsigned char buf[4 + CTL_PAYLOAD_MAX];
	uint32_t number = ctl_type_number(m->protocol, t);

	memcpy(buf, &number, 4);
	if (len)
		memcpy(buf + 4, data, len);
	/* After a detach the real queue just keeps the message; here the peer is gone. */
	if (send(m->kfd, buf, 4 + len, MSG_NOSIGNAL) != (ssize_t)(4 + len) && errno != EPIPE)
		perror("fake kernel queue");
}

/* The module's relay file: fake_relay.h (it needs the fake kernel's state above). */
#include "fake_relay.h"

static inline void fk_queue_text(struct fk_module *m, const char *text)
{
	fk_queue(m, CTL_OOB_DATA, text, strlen(text));
}

/* The module's control timer, and the exit request at a hand-over: fake_timer.h. */
#include "fake_timer.h"

static inline int fk_init_module(const void *image, size_t len, const char *params)
{
	const char *rec = len > 4 && memcmp(image, ELFMAG, SELFMAG) == 0
			      ? memmem(image, len, "\0name=", 6)
			      : NULL;
	char name[64] = "";
	size_t n = 0;

	fk.init_calls++;
	if (!rec)
		return -ENOEXEC;
	/* the module's name, as the kernel takes it from .modinfo */
	for (rec += 6; rec + n < (const char *)image + len && rec[n] && n + 1 < sizeof(name); n++)
		name[n] = rec[n];
	struct fk_module *m = fk_find(name);
	if (!m)
		return -ENOEXEC;
	if (m->init_errno)
		return -m->init_errno;
	if (m->loaded)
		return -EEXIST;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	m->loaded = true;
	m->loads++;
	snprintf(fk.load_order + strlen(fk.load_order),
		 sizeof(fk.load_order) - strlen(fk.load_order), "%s%s", fk.load_order[0] ? " " : "",
		 name);
	m->got_exit = false;
	m->replied = false;
	m->attached = false;
	m->ufd = sv[0];
	m->kfd = sv[1];
	snprintf(m->params, sizeof(m->params), "%s", params);
	if (m->trace)
		fk_trace_open(m);
	m->seq = 0;
	/* _stp_transport_init queues STP_TRANSPORT while the module initializes. */
	if (!m->silent)
		fk_queue(m, CTL_TRANSPORT, NULL, 0);
	return 0;
}

/* True once the loader has closed its end of the channel. */
static inline bool fk_detached(const struct fk_module *m)
{
	struct pollfd p = {.fd = m->kfd, .events = 0};

	return poll(&p, 1, 0) == 1 && (p.revents & POLLHUP);
}

static inline int fk_delete_module(const char *name, unsigned flags)
{
	struct fk_module *m = fk_find(name);

	(void)flags;
	if (!m || !m->loaded)
		return -ENOENT;
	/* An open control channel holds a module reference. */
	if (m->busy || (m->attached && !fk_detached(m)))
		return -EAGAIN;
	fk_timer_join(m);
	fk_trace_close(m);
	m->loaded = false;
	m->unloads++;
	close(m->kfd);
	m->kfd = -1;
	if (!m->attached)
		close(m->ufd);
	m->ufd = -1;
	return 0;
}

static inline int fk_open_ctl(const char *path)
{
	for (size_t i = 0; i < fk.n_mod; i++) {
		struct fk_module *m = &fk.mod[i];
		char want[4096];

		snprintf(want, sizeof(want), "%s%s%s/.cmd", fk.root,
			 m->debugfs ? "/sys/kernel/debug/systemtap/" : "/proc/systemtap/", m->name);
		if (strcmp(path, want) != 0 || !m->loaded)
			continue;
		if (m->attached || m->busy)
			return -EBUSY;
		m->attached = true;
		return m->ufd;
	}
	return -ENOENT;
}

static inline void fk_answer(struct fk_module *m, enum ctl_type t, const unsigned char *payload)
{
	if (t == CTL_START && !m->no_start_reply) {
		struct ctl_start st;
		bool exits = m->begin_error || m->begin_exit || m->late_error;

		memcpy(&st, payload, sizeof(st));
		st.res = m->start_res;
		/* _stp_handle_start: the begin probes run (their errors are queued) before the
		 * reply is queued on the same FIFO. */
		if (m->begin_error || m->error_no_exit)
			fk_queue_text(m, "ERROR: boom near identifier 'error' at x.stp:1:15\n");
		fk_queue(m, CTL_START, &st, sizeof(st));
		m->replied = true;
		if (m->late_error && !m->exit_delay_ms)
			fk_queue_text(m, "ERROR: late boom from a timer probe\n");
		if (exits && m->exit_delay_ms)
			fk_timer_start(m);
		else if (exits)
			fk_queue(m, CTL_REQUEST_EXIT, NULL, 0);
	} else if (t == CTL_EXIT) {
		m->got_exit = true;
		if (m->begin_error || m->late_error)
			fk_queue_text(m, "WARNING: Number of errors: 1, skipped probes: 0\n");
		fk_queue(m, CTL_EXIT, NULL, 0);
	}
}

static inline ssize_t fk_write_ctl(int fd, const void *buf, size_t len)
{
	struct fk_module *m = NULL;
	uint32_t number;

	/* A detached module's old fd number may have been reused by the next one. */
	for (size_t i = 0; i < fk.n_mod; i++)
		if (fk.mod[i].loaded && fk.mod[i].attached && fk.mod[i].ufd == fd &&
		    !fk_detached(&fk.mod[i]))
			m = &fk.mod[i];
	if (!m || len < 4 || fk.n_sent >= FK_SENT)
		return -EBADF;
	memcpy(&number, buf, 4);
	struct fk_sent *s = &fk.sent[fk.n_sent++];
	snprintf(s->module, sizeof(s->module), "%s", m->name);
	s->number = number;
	s->len = len - 4;
	memcpy(s->payload, (const char *)buf + 4, len - 4);
	enum ctl_type t = m->protocol ? ctl_type_from_number(m->protocol, number) : CTL_UNKNOWN;
	if (t == CTL_UNKNOWN) {
		s->rejected = true;
		return -EINVAL;
	}
	/* control.c: a payload shorter than the struct is "absorbed" as 0 bytes. */
	size_t need = t == CTL_START		       ? sizeof(struct ctl_start)
		      : t == CTL_TZINFO		       ? sizeof(struct ctl_tzinfo)
		      : t == CTL_PRIVILEGE_CREDENTIALS ? sizeof(struct ctl_privilege_credentials)
						       : 0;
	if (len - 4 < need)
		return 0;
	fk_answer(m, t, s->payload);
	return (ssize_t)len;
}

static inline uint64_t fk_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static inline void fk_sleep_ms(unsigned ms)
{
	(void)ms;
	fk.sleeps++;
}

static inline int fk_kernel_release(char *buf, size_t size)
{
	if (fk.release_errno)
		return -fk.release_errno;
	if (snprintf(buf, size, "%s", fk.release) >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}

static const struct sysseam fk_seam = {
    .init_module = fk_init_module,
    .delete_module = fk_delete_module,
    .open_ctl = fk_open_ctl,
    .write_ctl = fk_write_ctl,
    .now_ms = fk_now_ms,
    .sleep_ms = fk_sleep_ms,
    .kernel_release = fk_kernel_release,
};

/* Forgets every module and message; installs the fake with root as the path prefix. */
static inline void fk_reset(const char *root)
{
	for (size_t i = 0; i < fk.n_mod; i++) {
		fk_timer_join(&fk.mod[i]);
		fk_trace_close(&fk.mod[i]);
		if (fk.mod[i].kfd >= 0)
			close(fk.mod[i].kfd);
		if (fk.mod[i].ufd >= 0 && !fk.mod[i].attached)
			close(fk.mod[i].ufd);
	}
	memset(&fk, 0, sizeof(fk));
	fk.root = root;
	snprintf(fk.release, sizeof(fk.release), "%s", FK_RELEASE);
	sysseam_set(&fk_seam);
	fk_watch_forks();
}

/* The messages sent to module name, in order: "15:4 9:264 ..." (number:payload bytes). */
static inline void fk_sent_summary(const char *name, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < fk.n_sent && used < size; i++)
		if (strcmp(fk.sent[i].module, name) == 0)
			used +=
			    (size_t)snprintf(buf + used, size - used, "%s%u:%zu", used ? " " : "",
					     fk.sent[i].number, fk.sent[i].len);
}

/* The index of the n-th (from 0) message to name of the given number, or -1. */
static inline int fk_find_sent(const char *name, uint32_t number, int nth)
{
	for (size_t i = 0; i < fk.n_sent; i++)
		if (strcmp(fk.sent[i].module, name) == 0 && fk.sent[i].number == number &&
		    nth-- == 0)
			return (int)i;
	return -1;
}
