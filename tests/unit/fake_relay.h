/* fake_relay.h: the fake kernel's relay files (part of fake_kernel.h, which includes it after
 * its state): a module with m->trace gets ROOT/proc/systemtap/NAME/trace0, a FIFO the test
 * writes the module's output into, framed as the runtime frames each flushed print buffer. */
#pragma once

/* ROOT/proc/systemtap/NAME/trace0 of m (path in buf). */
static inline void fk_trace_path(const struct fk_module *m, char *buf, size_t size)
{
	snprintf(buf, size, "%s/proc/systemtap/%s/trace0", fk.root, m->name);
}

/* Makes m's relay file (a FIFO) and keeps its write end in m->tfd. */
static inline void fk_trace_open(struct fk_module *m)
{
	char path[4096], dir[4096];

	snprintf(dir, sizeof(dir), "%s/proc", fk.root);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/proc/systemtap", fk.root);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/proc/systemtap/%s", fk.root, m->name);
	mkdir(dir, 0755);
	fk_trace_path(m, path, sizeof(path));
	unlink(path);
	if (mkfifo(path, 0600) < 0 || (m->tfd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0)
		perror("fake kernel trace file");
}

static inline void fk_trace_close(struct fk_module *m)
{
	char path[4096];

	if (m->tfd < 0)
		return;
	close(m->tfd);
	m->tfd = -1;
	fk_trace_path(m, path, sizeof(path));
	unlink(path);
}

/* The bytes of one message the runtime writes for a flushed print buffer: its struct
 * _stp_trace (protocol 5: a magic first, then the sequence number and the length), the text.
 * Returns the length in buf. */
static inline size_t fk_frame(int protocol, uint32_t seq, const char *text, char *buf)
{
	uint32_t len = (uint32_t)strlen(text);
	size_t n = 0;

	if (protocol == 5) {
		memcpy(buf, "\xF0\x9F\xA9\xBA", 4);
		n = 4;
	}
	memcpy(buf + n, &seq, 4);
	memcpy(buf + n + 4, &len, 4);
	memcpy(buf + n + 8, text, len);
	return n + 8 + len;
}

/* What the module's probes print (into its relay file): one message per call. */
static inline void fk_print(struct fk_module *m, const char *text)
{
	char buf[4096 + 16];
	size_t n = fk_frame(m->protocol, ++m->seq, text, buf);

	if (m->tfd < 0 || write(m->tfd, buf, n) != (ssize_t)n)
		perror("fake kernel print");
}
