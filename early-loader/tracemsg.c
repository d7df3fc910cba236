/* tracemsg.c: taking a module's relay output apart into messages and putting them back in
 * sequence order (the framing: runtime/print_flush.c writes a struct _stp_trace before each
 * flushed print buffer; a text split over sub-buffers follows without a header). */
#include "tracemsg.h"

#include <stdlib.h>
#include <string.h>

/* stap >= 5.0 (protocol 5) frames each message with this magic (transport_msgs.h). */
static const unsigned char magic[4] = {0xF0, 0x9F, 0xA9, 0xBA};

void tracemsg_init(struct tracemsg *t, int protocol, void (*emit)(void *, const char *, size_t),
		   void *ctx)
{
	*t = (struct tracemsg){.protocol = protocol, .emit = emit, .ctx = ctx};
}

static size_t hdr_len(const struct tracemsg *t)
{
	return t->protocol == 5 ? 12 : 8;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Gives out every waiting message that is next in sequence. */
static void let_through(struct tracemsg *t)
{
	size_t k = 0;

	while (k < t->n && t->q[k].seq == t->last + 1) {
		t->emit(t->ctx, t->q[k].data, t->q[k].len);
		free(t->q[k].data);
		t->last = t->q[k].seq;
		k++;
	}
	if (k) {
		memmove(t->q, t->q + k, (t->n - k) * sizeof(*t->q));
		t->n -= k;
	}
}

/* A complete message: out at once when it is the next, else it waits in order. */
static void complete(struct tracemsg *t, uint32_t seq, char *data, size_t len, uint64_t now)
{
	size_t i;

	if (seq == t->last + 1) {
		t->emit(t->ctx, data, len);
		free(data);
		t->last = seq;
		let_through(t);
		return;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct tracemsg_pending *q = realloc(t->q, cap * sizeof(*q));

		if (!q) {
			/* No room to wait: out of order rather than lost. */
			t->emit(t->ctx, data, len);
			free(data);
			return;
		}
		t->q = q;
		t->cap = cap;
	}
	for (i = t->n; i > 0 && t->q[i - 1].seq > seq; i--)
		t->q[i] = t->q[i - 1];
	t->q[i] = (struct tracemsg_pending){.seq = seq, .at = now, .data = data, .len = len};
	t->n++;
}

/* The header in f->hdr is whole: 1 when it starts a message, 0 when it must be shifted by a
 * byte to find one (framing lost: a message the full buffer cut short). */
static int take_header(struct tracemsg *t, struct tracemsg_file *f)
{
	size_t off = t->protocol == 5 ? 4 : 0;
	uint32_t len = le32(f->hdr + off + 4);

	if ((off && memcmp(f->hdr, magic, 4) != 0) || len == 0 || len > TRACEMSG_PDU_MAX)
		return 0;
	f->seq = le32(f->hdr + off);
	f->need = len;
	f->pdu = malloc(len);
	f->have = 0;
	return 1;
}

void tracemsg_feed(struct tracemsg *t, struct tracemsg_file *f, const char *data, size_t len,
		   uint64_t now)
{
	size_t hl = hdr_len(t);

	while (len) {
		if (f->hlen < hl) {
			f->hdr[f->hlen++] = (unsigned char)*data++;
			len--;
			if (f->hlen == hl && !take_header(t, f)) {
				/* Padding is zeros: not counted as lost output. */
				if (f->hdr[0])
					t->skipped++;
				memmove(f->hdr, f->hdr + 1, --f->hlen);
			}
			continue;
		}
		size_t n = f->need - f->have < len ? f->need - f->have : len;

		if (f->pdu)
			memcpy(f->pdu + f->have, data, n);
		f->have += n;
		data += n;
		len -= n;
		if (f->have < f->need)
			continue;
		if (f->pdu)
			complete(t, f->seq, f->pdu, f->need, now);
		else
			t->skipped += f->need;
		f->pdu = NULL;
		f->hlen = 0;
		f->have = f->need = 0;
	}
}

int tracemsg_flush(struct tracemsg *t, uint64_t now, bool all)
{
	while (t->n && (all || now >= t->q[0].at + TRACEMSG_WAIT_MS)) {
		/* The ones before it are not coming (or the output ended): skip the gap. */
		t->last = t->q[0].seq - 1;
		let_through(t);
	}
	if (!t->n)
		return -1;
	return (int)(t->q[0].at + TRACEMSG_WAIT_MS - now);
}

void tracemsg_file_free(struct tracemsg_file *f)
{
	free(f->pdu);
	f->pdu = NULL;
}

void tracemsg_free(struct tracemsg *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->q[i].data);
	free(t->q);
	t->q = NULL;
	t->n = t->cap = 0;
}
