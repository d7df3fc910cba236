/* fuzz_collect.c: libFuzzer target for the parsers of the collectors' protocol
 * (common/collect_proto.c): a socket request (the collector reads it; only root may send one,
 * but it must never misread) and a state file (systemtap-service reads it). Whatever parses
 * is written back and must parse to the same. */
#include "collect_proto.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_request(const char *msg, size_t len)
{
	struct collect_request r, back;
	char buf[COLLECT_MSG_MAX];
	int n;

	if (collect_request_parse(msg, len, &r) < 0)
		return;
	if (r.verb != COLLECT_SAVE && r.verb != COLLECT_CLOSE)
		abort();
	if (r.verb == COLLECT_SAVE && (r.dir[0] != '/' || strlen(r.dir) >= COLLECT_DIR_MAX))
		abort();
	n = collect_request_format(&r, buf, sizeof(buf));
	if (n < 0 || collect_request_parse(buf, (size_t)n, &back) < 0 || back.verb != r.verb ||
	    strcmp(back.dir, r.dir) != 0)
		abort();
}

static void fuzz_state(const char *text, size_t len)
{
	struct collect_state st, back;
	char buf[COLLECT_MSG_MAX];
	int n;

	if (collect_state_parse(text, len, &st) < 0)
		return;
	if (!script_name_valid(st.script) || st.pid <= 0 || st.module >= COLLECT_MODULE_STATES ||
	    st.output >= COLLECT_OUTPUT_OUTPUTS || (st.file[0] && st.file[0] != '/'))
		abort();
	n = collect_state_format(&st, buf, sizeof(buf));
	if (n < 0 || collect_state_parse(buf, (size_t)n, &back) < 0 ||
	    memcmp(&st, &back, sizeof(st)) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_request((const char *)data, size);
	fuzz_state((const char *)data, size);
	if (size < COLLECT_MSG_MAX && !memchr(data, '\0', size)) {
		char link[COLLECT_MSG_MAX];

		memcpy(link, data, size);
		link[size] = '\0';
		if (collect_ctl_is_of(link, "a") &&
		    (size < 17 || strcmp(link + size - 17, "/systemtap/a/.cmd")))
			abort();
	}
	return 0;
}
