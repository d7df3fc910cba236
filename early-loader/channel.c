/* channel.c: opening a module's control channel, the protocol check, reading its messages. */
#include "channel.h"

#include "ctlproto.h"
#include "rootpath.h"
#include "kmsg.h"
#include "sysseam.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int channel_open(struct channel *ch, const char *root, const char *script, int protocol)
{
	static const char *const dirs[] = {"/proc/systemtap/", "/sys/kernel/debug/systemtap/"};
	char path[PATH_MAX], rel[PATH_MAX];
	int fd = -ENOENT;

	*ch = (struct channel){.script = script, .fd = -1, .protocol = protocol};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(rel, sizeof(rel), "%s%s/.cmd", dirs[i], script);
		if (root_path(path, sizeof(path), root, rel) < 0)
			return log_error_errno(-ENAMETOOLONG, "%s: control channel path", script);
		fd = sysseam->open_ctl(path);
		if (fd >= 0) {
			log_debug("%s: opened %s", script, path);
			ch->fd = fd;
			return 0;
		}
		if (fd != -ENOENT)
			break;
	}
	if (fd == -ENOENT)
		return log_error_errno(fd,
				       "%s: no control channel /proc/systemtap/%s/.cmd (module "
				       "name differs from the script name?)",
				       script, script);
	return log_error_errno(fd, "%s: cannot open control channel %s", script, path);
}

/* The runtime's count at exit (transport.c, _stp_cleanup_and_exit): "There were N transport
 * failures. Try stap -s ...". */
static void note_failures(struct channel *ch, const char *line)
{
	static const char what[] = "WARNING: There were ";
	unsigned long long n = 0;
	const char *p = line + sizeof(what) - 1;

	if (strncmp(line, what, sizeof(what) - 1) != 0 || *p < '0' || *p > '9')
		return;
	for (; *p >= '0' && *p <= '9' && n < (1ULL << 60); p++)
		n = n * 10 + (unsigned long long)(*p - '0');
	if (strncmp(p, " transport failures", 19) == 0)
		ch->transport_failures = n;
}

static void handle_text(struct channel *ch, const unsigned char *data, size_t len)
{
	char text[CTL_PAYLOAD_MAX + 1];
	char *line, *next;

	memcpy(text, data, len);
	text[len] = '\0';
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strncmp(line, "ERROR: ", 7) == 0) {
			ch->errors = true;
			log_error("%s: %s", ch->script, line);
		} else if (strncmp(line, "WARNING: ", 9) == 0) {
			note_failures(ch, line);
			log_warning("%s: %s", ch->script, line);
		} else
			log_info("%s: %s", ch->script, line);
	}
}

static void handle(struct channel *ch, const struct ctl_msg *m)
{
	log_debug("%s: received %s (%u), %zu bytes", ch->script, ctl_type_name(m->type), m->number,
		  m->len);
	switch (m->type) {
	case CTL_TRANSPORT:
		ch->transport = true;
		break;
	case CTL_START:
		if (m->len >= 8) {
			int32_t res;

			memcpy(&res, m->data + 4, sizeof(res));
			ch->start_res = res;
			ch->start_reply = true;
		}
		break;
	case CTL_OOB_DATA:
		handle_text(ch, m->data, m->len);
		break;
	case CTL_SYSTEM:
		log_warning("%s: the module asked to run a command, which is not possible at boot: "
			    "%.*s",
			    ch->script, (int)strnlen((const char *)m->data, m->len), m->data);
		break;
	case CTL_REQUEST_EXIT:
		ch->exit_requested = true;
		break;
	case CTL_EXIT:
		ch->exited = true;
		break;
	default:
		break;
	}
}

static bool happened(const struct channel *ch, enum channel_event ev)
{
	switch (ev) {
	case EVENT_TRANSPORT:
		return ch->transport;
	case EVENT_START_REPLY:
		return ch->start_reply;
	case EVENT_EXIT_REQUESTED:
		return ch->exit_requested || ch->exited;
	case EVENT_EXITED:
		return ch->exited;
	}
	return false;
}

int channel_read_one(struct channel *ch, int timeout_ms)
{
	struct ctl_msg m;
	int r;

	r = ctl_recv(ch->fd, ch->protocol, timeout_ms, &m);
	if (r < 0)
		return r;
	handle(ch, &m);
	return 0;
}

int channel_wait(struct channel *ch, enum channel_event ev, int timeout_ms)
{
	uint64_t deadline = sysseam->now_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);

	while (!happened(ch, ev)) {
		uint64_t now = sysseam->now_ms();
		int r;

		if (now >= deadline)
			return -ETIMEDOUT;
		r = channel_read_one(ch, (int)(deadline - now));
		if (r < 0)
			return r;
	}
	return 0;
}

int channel_drain(struct channel *ch)
{
	int r;

	do
		r = channel_read_one(ch, 0);
	while (r == 0);
	return r == -ETIMEDOUT ? 0 : r;
}

int channel_hello(struct channel *ch, unsigned manifest_line)
{
	int other = ctl_other_protocol(ch->protocol);
	int r;

	r = ctl_send_privilege(ch->fd, ch->protocol);
	if (r != -EINVAL) {
		if (r < 0)
			return log_error_errno(r, "%s: failed to send STP_PRIVILEGE_CREDENTIALS",
					       ch->script);
		return 0;
	}
	log_error("%s: the module rejected message number %u (EINVAL): it does not speak "
		  "protocol %d as manifest line %u says; retrying once with protocol %d",
		  ch->script, ctl_type_number(ch->protocol, CTL_PRIVILEGE_CREDENTIALS),
		  ch->protocol, manifest_line, other);
	r = ctl_send_privilege(ch->fd, other);
	if (r < 0)
		return log_error_errno(r, "%s: protocol %d failed too", ch->script, other);
	log_warning("%s: the module speaks protocol %d: the manifest is wrong, rebuild it "
		    "(systemtap-service onboot)",
		    ch->script, other);
	ch->protocol = other;
	return 0;
}

void channel_close(struct channel *ch)
{
	if (ch->fd >= 0)
		close(ch->fd);
	ch->fd = -1;
}
