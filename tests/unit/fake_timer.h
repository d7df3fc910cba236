/* fake_timer.h: the fake kernel's control timer (part of fake_kernel.h, which includes it
 * after its state): STP_REQUEST_EXIT exit_delay_ms after the STP_START reply, as the
 * runtime's timer queues it, sent by a thread of the test; and, for exit_at_fork, the exit
 * request queued while the loader hands the module over to its collector.
 *
 * The tests fork while the timer runs (the loader's collectors). A fork copies the sanitizer's
 * allocator locks as they are at that moment, and the child has no thread to release them: a
 * timer thread that is starting or ending (both allocate) during a fork leaves the collector
 * stuck at its next malloc. So the thread is up before fk_answer returns, and after its exit
 * request it stays parked, holding nothing, until fk_timer_join: nothing it does can overlap
 * a fork. */
#pragma once
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

static inline void *fk_timer_fires(void *arg)
{
	struct fk_module *m = arg;
	struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)m->exit_delay_ms * 1000000};

	sem_post(&m->timer_up);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	if (m->late_error)
		fk_queue_text(m, "ERROR: late boom from a timer probe\n");
	fk_queue(m, CTL_REQUEST_EXIT, NULL, 0);
	while (sem_wait(&m->timer_end) < 0 && errno == EINTR)
		;
	return NULL;
}

/* Starts m's timer and returns once its thread runs. */
static inline void fk_timer_start(struct fk_module *m)
{
	sem_init(&m->timer_up, 0, 0);
	sem_init(&m->timer_end, 0, 0);
	m->timer_running = pthread_create(&m->timer, NULL, fk_timer_fires, m) == 0;
	while (m->timer_running && sem_wait(&m->timer_up) < 0 && errno == EINTR)
		;
}

/* Waits for m's timer to fire, then ends its thread. */
static inline void fk_timer_join(struct fk_module *m)
{
	if (m->timer_running) {
		sem_post(&m->timer_end);
		pthread_join(m->timer, NULL);
		sem_destroy(&m->timer_up);
		sem_destroy(&m->timer_end);
	}
	m->timer_running = false;
}

/* Before every fork of the test: a module with exit_at_fork that has answered STP_START gets
 * its exit request now, once. The loader's first fork after a module's start is the hand-over
 * to its collector (startall.c): the request comes after the loader's last read of the
 * channel, before the collector exists. */
static inline void fk_before_fork(void)
{
	for (size_t i = 0; i < fk.n_mod; i++) {
		struct fk_module *m = &fk.mod[i];

		if (m->exit_at_fork && m->replied && m->loaded && m->kfd >= 0) {
			m->exit_at_fork = false;
			fk_queue(m, CTL_REQUEST_EXIT, NULL, 0);
		}
	}
}

static inline void fk_watch_forks(void)
{
	static bool registered;

	if (!registered)
		registered = pthread_atfork(fk_before_fork, NULL, NULL) == 0;
}
