/* test_loader_ctlproto.c: message numbers of both numberings, struct sizes, framing over a
 * SOCK_SEQPACKET pair, and ctl_recv's timeout and hang-up handling. */
#include "macro.h"
#include "test.h"
#include "fake_kernel.h"

#include <sys/socket.h>

TEST(numbers)
{
	/* transport_msgs.h of stap 4.8 (enum from 0) and 5.x (STP_START = 0x50). */
	static const struct {
		enum ctl_type t;
		uint32_t v4, v5;
	} nums[] = {
	    {CTL_START, 0, 80},
	    {CTL_EXIT, 1, 81},
	    {CTL_OOB_DATA, 2, 82},
	    {CTL_SYSTEM, 3, 83},
	    {CTL_TRANSPORT, 4, 84},
	    {CTL_BULK, 7, 87},
	    {CTL_READY, 8, 88},
	    {CTL_RELOCATION, 9, 89},
	    {CTL_REQUEST_EXIT, 13, 93},
	    {CTL_TZINFO, 14, 94},
	    {CTL_PRIVILEGE_CREDENTIALS, 15, 95},
	    {CTL_REMOTE_ID, 16, 96},
	};

	for (size_t i = 0; i < ELEMENTSOF(nums); i++) {
		ASSERT_EQ(ctl_type_number(4, nums[i].t), nums[i].v4,
			  "%s is %u (protocol 4) and %u (protocol 5)", ctl_type_name(nums[i].t),
			  nums[i].v4, nums[i].v5);
		ASSERT_EQ(ctl_type_number(5, nums[i].t), nums[i].v5,
			  "%s is %u (protocol 4) and %u (protocol 5)", ctl_type_name(nums[i].t),
			  nums[i].v4, nums[i].v5);
		ASSERT_EQ(ctl_type_from_number(4, nums[i].v4), nums[i].t,
			  "%s decodes back in both numberings", ctl_type_name(nums[i].t));
		ASSERT_EQ(ctl_type_from_number(5, nums[i].v5), nums[i].t,
			  "%s decodes back in both numberings", ctl_type_name(nums[i].t));
	}
	ASSERT_EQ(ctl_type_from_number(5, 15), CTL_UNKNOWN,
		  "numbers of the other protocol and past STP_REMOTE_ID are unknown");
	ASSERT_EQ(ctl_type_from_number(4, 95), CTL_UNKNOWN,
		  "numbers of the other protocol and past STP_REMOTE_ID are unknown");
	ASSERT_EQ(ctl_type_from_number(4, 17), CTL_UNKNOWN,
		  "numbers of the other protocol and past STP_REMOTE_ID are unknown");
	ASSERT_EQ(ctl_type_from_number(5, 97), CTL_UNKNOWN,
		  "numbers of the other protocol and past STP_REMOTE_ID are unknown");
	ASSERT_EQ(ctl_other_protocol(4), 5, "other protocol");
	ASSERT_EQ(ctl_other_protocol(5), 4, "other protocol");
	ASSERT_STREQ(ctl_type_name(CTL_UNKNOWN), "unknown", "name of an unknown type");
}

TEST(sizes)
{
	ASSERT_EQ(sizeof(struct ctl_start), 8, "payload sizes 8/264/72/4 as the runtime's structs");
	ASSERT_EQ(sizeof(struct ctl_relocation), 264,
		  "payload sizes 8/264/72/4 as the runtime's structs");
	ASSERT_EQ(sizeof(struct ctl_tzinfo), 72,
		  "payload sizes 8/264/72/4 as the runtime's structs");
	ASSERT_EQ(sizeof(struct ctl_privilege_credentials), 4,
		  "payload sizes 8/264/72/4 as the runtime's structs");
}

/* A loader end and a kernel end; the real write is used (no fake seam here). */
static void pair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("socketpair");
		exit(2);
	}
}

TEST(framing)
{
	unsigned char buf[512];
	struct ctl_relocation rel;
	struct ctl_msg m;
	uint32_t number;
	ssize_t n;
	int sv[2];

	sysseam_set(NULL);
	pair(sv);
	ASSERT_EQ(ctl_send_relocation(sv[0], 5, "kernel", "_stext", 0x1234), 0, "relocation sent");
	n = read(sv[1], buf, sizeof(buf));
	memcpy(&number, buf, 4);
	memcpy(&rel, buf + 4, sizeof(rel));
	ASSERT_EQ(n, 268, "one write: 4-byte type 89 + 264 bytes");
	ASSERT_EQ(number, 89, "one write: 4-byte type 89 + 264 bytes");
	ASSERT_STREQ(rel.module, "kernel", "fields NUL-padded, address at offset 256");
	ASSERT_STREQ(rel.reloc, "_stext", "fields NUL-padded, address at offset 256");
	ASSERT_EQ(rel.address, 0x1234, "fields NUL-padded, address at offset 256");
	ASSERT_EQ(rel.reloc[127], 0, "fields NUL-padded, address at offset 256");

	char longname[200];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ASSERT_EQ(ctl_send_relocation(sv[0], 4, longname, "s", 1), -ENAMETOOLONG,
		  "a module name over 127 bytes is refused, not truncated");

	ASSERT_EQ(ctl_send_exit(sv[0], 4), 0, "STP_EXIT: the type alone");
	ASSERT_EQ(read(sv[1], buf, sizeof(buf)), 4, "STP_EXIT: the type alone");
	ASSERT_EQ(ctl_send_tzinfo(sv[0], 4, -3600, "CET"), 0, "STP_TZINFO: 4 + 72 bytes");
	ASSERT_EQ(read(sv[1], buf, sizeof(buf)), 76, "STP_TZINFO: 4 + 72 bytes");

	/* kernel -> loader: two queued messages come back one per read */
	number = 4;
	ASSERT_EQ(write(sv[1], &number, 4), 4, "queue STP_TRANSPORT");
	memcpy(buf, (uint32_t[]){2}, 4);
	memcpy(buf + 4, "WARNING: x\n", 11);
	ASSERT_EQ(write(sv[1], buf, 15), 15, "queue STP_OOB_DATA");
	ASSERT_EQ(ctl_recv(sv[0], 4, 100, &m), 0, "first read: STP_TRANSPORT, no payload");
	ASSERT_EQ(m.type, CTL_TRANSPORT, "first read: STP_TRANSPORT, no payload");
	ASSERT_EQ(m.len, 0, "first read: STP_TRANSPORT, no payload");
	ASSERT_EQ(ctl_recv(sv[0], 4, 100, &m), 0, "second read: the OOB text, 11 bytes");
	ASSERT_EQ(m.type, CTL_OOB_DATA, "second read: the OOB text, 11 bytes");
	ASSERT_EQ(m.len, 11, "second read: the OOB text, 11 bytes");
	ASSERT_EQ(memcmp(m.data, "WARNING: x\n", 11), 0, "second read: the OOB text, 11 bytes");
	number = 84;
	ASSERT_EQ(write(sv[1], &number, 4), 4,
		  "a protocol 5 number read as protocol 4 is unknown, number kept");
	ASSERT_EQ(ctl_recv(sv[0], 4, 100, &m), 0,
		  "a protocol 5 number read as protocol 4 is unknown, number kept");
	ASSERT_EQ(m.type, CTL_UNKNOWN,
		  "a protocol 5 number read as protocol 4 is unknown, number kept");
	ASSERT_EQ(m.number, 84, "a protocol 5 number read as protocol 4 is unknown, number kept");

	uint64_t t0 = fk_now_ms();
	ASSERT_EQ(ctl_recv(sv[0], 4, 50, &m), -ETIMEDOUT, "nothing queued: -ETIMEDOUT");
	ASSERT_GE(fk_now_ms() - t0, 45, "after the timeout (%llu ms)",
		  (unsigned long long)(fk_now_ms() - t0));
	ASSERT_EQ(write(sv[1], "ab", 2), 2, "a message shorter than its type: -EBADMSG");
	ASSERT_EQ(ctl_recv(sv[0], 4, 100, &m), -EBADMSG,
		  "a message shorter than its type: -EBADMSG");
	close(sv[1]);
	ASSERT_EQ(ctl_recv(sv[0], 4, 100, &m), -EPIPE, "kernel end gone: -EPIPE");
	close(sv[0]);
}

static ssize_t short_write(int fd, const void *buf, size_t len)
{
	(void)fd;
	(void)buf;
	(void)len;
	return 0;
}

static ssize_t einval_write(int fd, const void *buf, size_t len)
{
	(void)fd;
	(void)buf;
	(void)len;
	return -EINVAL;
}

TEST(write_results)
{
	struct sysseam s = fk_seam;

	s.write_ctl = short_write;
	sysseam_set(&s);
	ASSERT_EQ(ctl_send_start(3, 4), -EIO, "the kernel absorbing 0 bytes is an error (-EIO)");
	s.write_ctl = einval_write;
	ASSERT_EQ(ctl_send_privilege(3, 5), -EINVAL, "EINVAL from the kernel is passed up as is");
	sysseam_set(NULL);
}
