/* ctlproto.c: encoding and decoding control channel messages, both numberings. */
#include "ctlproto.h"

#include "sysseam.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

/* The layouts the runtime's transport_msgs.h gives on x86_64. */
_Static_assert(sizeof(struct ctl_start) == 8, "STP_START payload is 8 bytes");
_Static_assert(sizeof(struct ctl_relocation) == 264, "STP_RELOCATION payload is 264 bytes");
_Static_assert(offsetof(struct ctl_relocation, address) == 256, "address at 256");
_Static_assert(sizeof(struct ctl_tzinfo) == 72, "STP_TZINFO payload is 72 bytes");
_Static_assert(sizeof(struct ctl_privilege_credentials) == 4, "credentials are 4 bytes");

/* stap 5.0 renumbered the enum from 0x50 so that old and new never mix silently. */
#define PROTOCOL5_BASE 0x50u

static const char *const type_names[CTL_TYPE_COUNT] = {
    [CTL_START] = "STP_START",
    [CTL_EXIT] = "STP_EXIT",
    [CTL_OOB_DATA] = "STP_OOB_DATA",
    [CTL_SYSTEM] = "STP_SYSTEM",
    [CTL_TRANSPORT] = "STP_TRANSPORT",
    [CTL_CONNECT] = "STP_CONNECT",
    [CTL_DISCONNECT] = "STP_DISCONNECT",
    [CTL_BULK] = "STP_BULK",
    [CTL_READY] = "STP_READY",
    [CTL_RELOCATION] = "STP_RELOCATION",
    [CTL_BUF_INFO] = "STP_BUF_INFO",
    [CTL_SUBBUFS_CONSUMED] = "STP_SUBBUFS_CONSUMED",
    [CTL_REALTIME_DATA] = "STP_REALTIME_DATA",
    [CTL_REQUEST_EXIT] = "STP_REQUEST_EXIT",
    [CTL_TZINFO] = "STP_TZINFO",
    [CTL_PRIVILEGE_CREDENTIALS] = "STP_PRIVILEGE_CREDENTIALS",
    [CTL_REMOTE_ID] = "STP_REMOTE_ID",
};

static uint32_t base_of(int protocol)
{
	return protocol == 5 ? PROTOCOL5_BASE : 0;
}

uint32_t ctl_type_number(int protocol, enum ctl_type t)
{
	return base_of(protocol) + (uint32_t)t;
}

enum ctl_type ctl_type_from_number(int protocol, uint32_t number)
{
	uint32_t base = base_of(protocol);

	if (number < base || number - base >= CTL_TYPE_COUNT)
		return CTL_UNKNOWN;
	return (enum ctl_type)(number - base);
}

const char *ctl_type_name(enum ctl_type t)
{
	if (t < 0 || t >= CTL_TYPE_COUNT)
		return "unknown";
	return type_names[t];
}

int ctl_other_protocol(int protocol)
{
	return protocol == 5 ? 4 : 5;
}

int ctl_send(int fd, int protocol, enum ctl_type t, const void *payload, size_t len)
{
	unsigned char buf[sizeof(uint32_t) + CTL_PAYLOAD_MAX];
	uint32_t number = ctl_type_number(protocol, t);
	ssize_t n;

	if (len > CTL_PAYLOAD_MAX)
		return -EMSGSIZE;
	memcpy(buf, &number, sizeof(number));
	if (len)
		memcpy(buf + sizeof(number), payload, len);
	n = sysseam->write_ctl(fd, buf, sizeof(number) + len);
	if (n < 0)
		return (int)n;
	/* The runtime answers 0 for a payload shorter than it expects. */
	if ((size_t)n != sizeof(number) + len && (size_t)n != len)
		return -EIO;
	return 0;
}

int ctl_recv(int fd, int protocol, int timeout_ms, struct ctl_msg *ret)
{
	unsigned char buf[sizeof(uint32_t) + CTL_PAYLOAD_MAX];
	struct pollfd p = {.fd = fd, .events = POLLIN};
	uint32_t number;
	ssize_t n;
	int r;

	/* POLLIN only: the runtime always reports POLLPRI and POLLOUT. */
	do
		r = poll(&p, 1, timeout_ms < 0 ? 0 : timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	if (!(p.revents & POLLIN))
		return (p.revents & (POLLHUP | POLLERR)) ? -EPIPE : -ETIMEDOUT;
	do
		n = read(fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EPIPE;
	if ((size_t)n < sizeof(number))
		return -EBADMSG;
	memcpy(&number, buf, sizeof(number));
	ret->number = number;
	ret->type = ctl_type_from_number(protocol, number);
	ret->len = (size_t)n - sizeof(number);
	memcpy(ret->data, buf + sizeof(number), ret->len);
	return 0;
}

int ctl_send_privilege(int fd, int protocol)
{
	struct ctl_privilege_credentials pc = {.pc_group_mask = CTL_PRIVILEGE_ALL};

	return ctl_send(fd, protocol, CTL_PRIVILEGE_CREDENTIALS, &pc, sizeof(pc));
}

/* Copies s into a fixed field, NUL-padded; -ENAMETOOLONG when it does not fit. */
static int copy_field(char *field, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size)
		return -ENAMETOOLONG;
	memset(field, 0, size);
	memcpy(field, s, n);
	return 0;
}

int ctl_send_relocation(int fd, int protocol, const char *module, const char *reloc,
			uint64_t address)
{
	struct ctl_relocation m;

	if (copy_field(m.module, sizeof(m.module), module) < 0 ||
	    copy_field(m.reloc, sizeof(m.reloc), reloc) < 0)
		return -ENAMETOOLONG;
	m.address = address;
	return ctl_send(fd, protocol, CTL_RELOCATION, &m, sizeof(m));
}

int ctl_send_tzinfo(int fd, int protocol, int64_t gmtoff, const char *zone)
{
	struct ctl_tzinfo tz = {.tz_gmtoff = gmtoff};

	if (copy_field(tz.tz_name, sizeof(tz.tz_name), zone) < 0)
		copy_field(tz.tz_name, sizeof(tz.tz_name), "UTC");
	return ctl_send(fd, protocol, CTL_TZINFO, &tz, sizeof(tz));
}

int ctl_send_start(int fd, int protocol)
{
	struct ctl_start st = {.target = 0, .res = 0};

	return ctl_send(fd, protocol, CTL_START, &st, sizeof(st));
}

int ctl_send_exit(int fd, int protocol)
{
	return ctl_send(fd, protocol, CTL_EXIT, NULL, 0);
}
