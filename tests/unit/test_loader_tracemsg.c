/* test_loader_tracemsg.c: the relay files' framing taken apart (tracemsg.c): both numberings'
 * headers, a message read in pieces (a header cut too), messages of two CPUs put back into
 * sequence order, a gap given up after TRACEMSG_WAIT_MS or at the end, bytes that are no
 * message skipped and counted (protocol 5's magic; protocol 4 has none to find a message
 * again after one a full buffer cut short). */
#include "fake_kernel.h"
#include "tracemsg.h"

static char out[8192];
static size_t out_len;

static void emit(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	memcpy(out + out_len, data, len);
	out_len += len;
	out[out_len] = '\0';
}

static void reset(struct tracemsg *t, int protocol)
{
	tracemsg_init(t, protocol, emit, NULL);
	out_len = 0;
	out[0] = '\0';
}

/* Feeds one message (seq, text) of file f in pieces of step bytes. */
static void feed(struct tracemsg *t, struct tracemsg_file *f, uint32_t seq, const char *text,
		 size_t step, uint64_t now)
{
	char buf[4200];
	size_t n = fk_frame(t->protocol, seq, text, buf);

	for (size_t i = 0; i < n; i += step)
		tracemsg_feed(t, f, buf + i, n - i < step ? n - i : step, now);
}

static void test_framing(void)
{
	struct tracemsg t;
	struct tracemsg_file f = {0};

	for (int protocol = 4; protocol <= 5; protocol++) {
		reset(&t, protocol);
		feed(&t, &f, 1, "1 begin\n", 100, 0);
		feed(&t, &f, 2, "2 exec 1 /init.real\n", 3, 0); /* the header cut in pieces */
		feed(&t, &f, 3, "3 in one byte at a time\n", 1, 0);
		CHECK(strcmp(out, "1 begin\n2 exec 1 /init.real\n3 in one byte at a time\n") == 0,
		      "protocol %d: headers taken off, texts whole, whatever the pieces: %s",
		      protocol, out);
		CHECK(t.skipped == 0 && tracemsg_flush(&t, 0, false) == -1, "nothing skipped or "
									    "waiting");
		tracemsg_free(&t);
	}
}

static void test_order(void)
{
	struct tracemsg t;
	struct tracemsg_file cpu0 = {0}, cpu1 = {0};

	reset(&t, 4);
	feed(&t, &cpu0, 1, "a\n", 100, 0);
	feed(&t, &cpu0, 3, "c\n", 100, 0);
	feed(&t, &cpu0, 4, "d\n", 100, 0);
	CHECK(strcmp(out, "a\n") == 0 && t.n == 2,
	      "3 and 4 (CPU 0) wait for 2 (CPU 1, not read yet): '%s'", out);
	feed(&t, &cpu1, 2, "b\n", 100, 10);
	CHECK(strcmp(out, "a\nb\nc\nd\n") == 0 && t.n == 0, "2 arrives: 2, 3, 4 in order");
	feed(&t, &cpu1, 6, "f\n", 100, 100);
	CHECK(tracemsg_flush(&t, 100 + TRACEMSG_WAIT_MS - 1, false) == 1 &&
		  strcmp(out, "a\nb\nc\nd\n") == 0,
	      "6 waits for 5 up to TRACEMSG_WAIT_MS");
	CHECK(tracemsg_flush(&t, 100 + TRACEMSG_WAIT_MS, false) == -1 &&
		  strcmp(out, "a\nb\nc\nd\nf\n") == 0,
	      "then it goes out: 5 never came");
	feed(&t, &cpu0, 9, "i\n", 100, 200);
	feed(&t, &cpu0, 8, "h\n", 100, 200);
	CHECK(tracemsg_flush(&t, 200, true) == -1 && strcmp(out, "a\nb\nc\nd\nf\nh\ni\n") == 0,
	      "at the end every waiting message goes out, in order");
	tracemsg_free(&t);
	tracemsg_file_free(&cpu0);
	tracemsg_file_free(&cpu1);
}

static void test_resync(void)
{
	struct tracemsg t;
	struct tracemsg_file f = {0};
	char junk[] = "\0\0\0\0garbage";

	reset(&t, 5);
	tracemsg_feed(&t, &f, junk, sizeof(junk) - 1, 0);
	feed(&t, &f, 1, "after the junk\n", 7, 0);
	CHECK(strcmp(out, "after the junk\n") == 0, "protocol 5: the magic finds the next message");
	CHECK(t.skipped == 7, "padding is not counted, the other 7 bytes are (%llu)",
	      (unsigned long long)t.skipped);
	tracemsg_free(&t);
	tracemsg_file_free(&f);

	/* A header whose length cannot be: skipped a byte at a time until one can. */
	reset(&t, 5);
	char bad[12] = {(char)0xF0, (char)0x9F, (char)0xA9, (char)0xBA, 1, 0, 0, 0, 0, 0, 0, 0};
	tracemsg_feed(&t, &f, bad, sizeof(bad), 0);
	feed(&t, &f, 2, "ok\n", 100, 0);
	tracemsg_flush(&t, 0, true);
	CHECK(strcmp(out, "ok\n") == 0 && t.skipped == 5,
	      "protocol 5: a zero length is no message (%llu bytes skipped)",
	      (unsigned long long)t.skipped);
	tracemsg_free(&t);
	tracemsg_file_free(&f);
}

int main(void)
{
	test_framing();
	test_order();
	test_resync();
	return lt_result();
}
