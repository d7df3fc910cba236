/* tracemsg.h: a module's output as its relay files give it: messages, each a header
 * (struct _stp_trace of the runtime's transport_msgs.h: a sequence number and the length of
 * the text after it; stap >= 5.0, protocol 5, puts a 4-byte magic first) and that text, one
 * file per CPU. Here they are taken apart and put back into the order the probes printed
 * them (the sequence numbers), as stapio does: the collector's output is only the text. A
 * message the full buffer cut short leaves bytes that are no message: protocol 5's magic
 * finds the next one; protocol 4 has none, and what follows in that file may be misread, as
 * stapio of those versions would. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How long a message waits for the ones numbered before it (another CPU's, not read yet). */
#define TRACEMSG_WAIT_MS 1000
/* The longest text of one message taken: a flushed print buffer is far shorter. */
#define TRACEMSG_PDU_MAX (64 * 1024)
#define TRACEMSG_HDR_MAX 12

/* One relay file's partly read message. */
struct tracemsg_file {
	unsigned char hdr[TRACEMSG_HDR_MAX];
	size_t hlen;   /* header bytes so far */
	uint32_t seq;  /* of the message being read */
	uint32_t need; /* its text's length, once the header is whole */
	char *pdu;     /* its text so far */
	size_t have;   /* bytes of it */
};

struct tracemsg_pending {
	uint32_t seq;
	uint64_t at; /* ms when it was complete */
	char *data;
	size_t len;
};

struct tracemsg {
	int protocol;
	uint32_t last;		    /* the last sequence number given out */
	struct tracemsg_pending *q; /* complete messages waiting, by sequence number */
	size_t n, cap;
	uint64_t skipped; /* bytes that were no message (framing lost) */
	void (*emit)(void *ctx, const char *data, size_t len);
	void *ctx;
};

/* Messages go to emit(ctx, text, len) in sequence order. */
void tracemsg_init(struct tracemsg *t, int protocol, void (*emit)(void *, const char *, size_t),
		   void *ctx);

/* Takes len bytes read from file f (at time now, ms): each complete message is given out at
 * once when it is the next in sequence (with those it let through), else it waits. */
void tracemsg_feed(struct tracemsg *t, struct tracemsg_file *f, const char *data, size_t len,
		   uint64_t now);

/* Gives out the waiting messages that waited TRACEMSG_WAIT_MS (all of them with all: the
 * output has ended). Returns the ms until the next one is due, or -1 when none waits. */
int tracemsg_flush(struct tracemsg *t, uint64_t now, bool all);

void tracemsg_file_free(struct tracemsg_file *f);
void tracemsg_free(struct tracemsg *t);
