/* watch.c: the one window at the end of a run: every armed module's control channel is
 * watched at once for a late exit request, then each module is settled (detached, finished or
 * ended and unloaded). */
#include "watch.h"

#include "kmsg.h"
#include "sysseam.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

/* Still worth listening to: channel open and no exit asked for yet. */
static bool listening(const struct loader_armed *a)
{
	return a->ch.fd >= 0 && !a->ch.exit_requested && !a->ch.exited;
}

/* Reads what module a has to say; a broken channel is closed (the module just stays as it is,
 * like after a detach). */
static void read_from(struct loader_armed *a)
{
	int r;

	log_set_script_fd(a->log_fd);
	r = channel_read_one(&a->ch, 0);
	if (r < 0 && r != -ETIMEDOUT) {
		log_warning("%s: control channel failed while watching for an exit request: %s",
			    a->script->name, strerror(-r));
		channel_close(&a->ch);
	}
	log_set_script_fd(-1);
}

/* One poll(2) over the channels still listened to, until deadline: returns false when
 * there is nothing left to wait for. */
static bool poll_once(struct loader_armed *a, size_t n, struct pollfd *p, size_t *idx,
		      uint64_t deadline)
{
	uint64_t now = sysseam->now_ms();
	size_t k = 0;
	int r;

	for (size_t i = 0; i < n; i++)
		if (listening(&a[i])) {
			/* POLLIN only: the runtime always reports POLLPRI and POLLOUT. */
			p[k] = (struct pollfd){.fd = a[i].ch.fd, .events = POLLIN};
			idx[k++] = i;
		}
	if (k == 0 || now >= deadline)
		return false;
	r = poll(p, k, (int)(deadline - now));
	if (r < 0 && errno == EINTR)
		return true;
	if (r < 0) {
		log_warning("cannot watch the control channels for exit requests: %s",
			    strerror(errno));
		return false;
	}
	for (size_t j = 0; j < k; j++)
		if (p[j].revents & (POLLIN | POLLHUP | POLLERR))
			read_from(&a[idx[j]]);
		else if (p[j].revents & POLLNVAL)
			channel_close(&a[idx[j]].ch);
	return r > 0;
}

void loader_watch(const struct loader_config *cfg, struct loader_armed *a, size_t n)
{
	struct pollfd *p = calloc(n ? n : 1, sizeof(*p));
	size_t *idx = calloc(n ? n : 1, sizeof(*idx));
	uint64_t deadline = 0;

	/* Every module gets at least the window after its own reply; the earlier ones get more,
	 * at no cost. */
	for (size_t i = 0; i < n; i++)
		if (a[i].replied + (uint64_t)cfg->window_ms > deadline)
			deadline = a[i].replied + (uint64_t)cfg->window_ms;
	if (!p || !idx)
		log_warning("out of memory: no window for late exit requests");
	else
		while (poll_once(a, n, p, idx, deadline))
			;
	free(p);
	free(idx);
	for (size_t i = 0; i < n; i++) {
		bool exiting = a[i].ch.exit_requested || a[i].ch.exited;

		log_set_script_fd(a[i].log_fd);
		loader_settle(cfg, &a[i], exiting ? 1 : 0);
		log_set_script_fd(-1);
	}
}
