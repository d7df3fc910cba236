/* ctlproto.h: the SystemTap control channel (/proc/systemtap/MOD/.cmd) as the module's
 * runtime defines it: one write or read = one message, a host-endian uint32 type number then
 * the payload. Type numbers depend on the stap that built the module: protocol 4 (stap <= 4.9)
 * counts from 0, protocol 5 (stap >= 5.0) from 0x50. The structs are our own definitions
 * with the kernel's layout (x86_64 sizes asserted in ctlproto.c). */
#pragma once
#include <stddef.h>
#include <stdint.h>

enum ctl_type {
	CTL_START,
	CTL_EXIT,
	CTL_OOB_DATA,
	CTL_SYSTEM,
	CTL_TRANSPORT,
	CTL_CONNECT,
	CTL_DISCONNECT,
	CTL_BULK,
	CTL_READY,
	CTL_RELOCATION,
	CTL_BUF_INFO,
	CTL_SUBBUFS_CONSUMED,
	CTL_REALTIME_DATA,
	CTL_REQUEST_EXIT,
	CTL_TZINFO,
	CTL_PRIVILEGE_CREDENTIALS,
	CTL_REMOTE_ID,
	CTL_TYPE_COUNT,
	CTL_UNKNOWN = -1,
};

#define CTL_NAME_LEN 128
#define CTL_TZ_NAME_LEN 64
#define CTL_PRIVILEGE_ALL 0xE /* stapusr | stapsys | stapdev: what root gets */
#define CTL_PAYLOAD_MAX 4096  /* the kernel sends at most 384 bytes */

struct ctl_start {
	int32_t target;
	int32_t res;
};

struct ctl_relocation {
	char module[CTL_NAME_LEN];
	char reloc[CTL_NAME_LEN];
	uint64_t address;
};

struct ctl_tzinfo {
	int64_t tz_gmtoff;
	char tz_name[CTL_TZ_NAME_LEN];
};

struct ctl_privilege_credentials {
	int32_t pc_group_mask;
};

/* A received message. */
struct ctl_msg {
	enum ctl_type type; /* CTL_UNKNOWN when the number means nothing in this protocol */
	uint32_t number;
	size_t len; /* payload bytes */
	unsigned char data[CTL_PAYLOAD_MAX];
};

/* The wire number of t in protocol 4 or 5. */
uint32_t ctl_type_number(int protocol, enum ctl_type t);
/* The type of a wire number in protocol 4 or 5, or CTL_UNKNOWN. */
enum ctl_type ctl_type_from_number(int protocol, uint32_t number);
/* "STP_START" etc. */
const char *ctl_type_name(enum ctl_type t);
/* The other numbering: 5 for 4, 4 for 5. */
int ctl_other_protocol(int protocol);

/* Sends one message with a single write: 0, -EIO on a short write, or -errno (-EINVAL: the
 * module does not know this type number). Does not log. */
int ctl_send(int fd, int protocol, enum ctl_type t, const void *payload, size_t len);

/* Waits up to timeout_ms for one message: 0, -ETIMEDOUT, -EPIPE (channel closed) or
 * -errno. Does not log. */
int ctl_recv(int fd, int protocol, int timeout_ms, struct ctl_msg *ret);

/* Helpers for the messages the loader sends. */
int ctl_send_privilege(int fd, int protocol);
int ctl_send_relocation(int fd, int protocol, const char *module, const char *reloc,
			uint64_t address);
int ctl_send_tzinfo(int fd, int protocol, int64_t gmtoff, const char *zone);
int ctl_send_start(int fd, int protocol);
int ctl_send_exit(int fd, int protocol);
