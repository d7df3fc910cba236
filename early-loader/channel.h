/* channel.h: one open control channel and what the module has said on it so far. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct channel {
	const char *script; /* for messages */
	int fd;
	int protocol;
	bool transport;	  /* STP_TRANSPORT seen */
	bool start_reply; /* STP_START reply seen, res in start_res */
	int32_t start_res;
	bool errors;	     /* an "ERROR: " line from the module */
	bool exit_requested; /* STP_REQUEST_EXIT */
	bool exited;	     /* STP_EXIT */
	/* "WARNING: There were N transport failures" at the module's exit: output its full
	 * buffer refused while attached (0: none reported). */
	unsigned long long transport_failures;
};

/* What channel_wait waits for. */
enum channel_event {
	EVENT_TRANSPORT,
	EVENT_START_REPLY,
	EVENT_EXIT_REQUESTED,
	EVENT_EXITED,
};

/* Opens ROOT/proc/systemtap/SCRIPT/.cmd, else ROOT/sys/kernel/debug/systemtap/SCRIPT/.cmd:
 * 0 or -errno (logged). */
int channel_open(struct channel *ch, const char *root, const char *script, int protocol);

/* Reads and handles messages (module text is logged) until the event has happened or
 * timeout_ms passed: 0, -ETIMEDOUT, or -errno (not logged). */
int channel_wait(struct channel *ch, enum channel_event ev, int timeout_ms);

/* Reads and handles one message, waiting up to timeout_ms (0: only one already queued): 0,
 * -ETIMEDOUT, -EPIPE or -errno (not logged). */
int channel_read_one(struct channel *ch, int timeout_ms);

/* Reads and handles every message already queued, without waiting: 0 or -errno (not
 * logged). */
int channel_drain(struct channel *ch);

/* Sends the first message, STP_PRIVILEGE_CREDENTIALS. When the module answers EINVAL the
 * numbering is wrong: logs that loudly and retries once with the other protocol (then
 * ch->protocol changes). Returns 0 or -errno (logged). */
int channel_hello(struct channel *ch, unsigned manifest_line);

void channel_close(struct channel *ch);
