/* collect_args.c: a collector's command line, as collect_spawn writes it:
 *   @stap-early-loader --collect NAME --protocol 4|5 --log-size BYTES --armed REAL:BOOT
 *       [--log] [--console] [--exit] [-v]
 * with the control channel on fd 3 and, with --log, the LOG_BOOT_ERR file on fd 4. */
#include "collect.h"

#include "collect_proto.h"
#include "kmsg.h"
#include "startall.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2

static int parse_u64(const char *s, char end, uint64_t *ret, const char **rest)
{
	uint64_t n = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (n > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	if (*s != end)
		return -EINVAL;
	*ret = n;
	if (rest)
		*rest = s + (end ? 1 : 0);
	return 0;
}

static int parse(int argc, char **argv, struct collect_args *a)
{
	static const struct option longopts[] = {
	    {"collect", required_argument, NULL, 'c'},
	    {"protocol", required_argument, NULL, 'p'},
	    {"log-size", required_argument, NULL, 's'},
	    {"armed", required_argument, NULL, 'a'},
	    {"log", no_argument, NULL, 'l'},
	    {"console", no_argument, NULL, 'C'},
	    {"exit", no_argument, NULL, 'x'},
	    {NULL, 0, NULL, 0},
	};
	uint64_t v;
	const char *rest;
	int c;

	while ((c = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			a->name = optarg;
			break;
		case 'p':
			if (strcmp(optarg, "4") && strcmp(optarg, "5"))
				return -EINVAL;
			a->protocol = optarg[0] - '0';
			break;
		case 's':
			if (parse_u64(optarg, '\0', &v, NULL) < 0 || v > COLLECT_LOG_SIZE_MAX)
				return -EINVAL;
			a->log_size = (size_t)v;
			break;
		case 'a':
			if (parse_u64(optarg, ':', &a->armed_ns, &rest) < 0 ||
			    parse_u64(rest, '\0', &a->armed_boot_ns, NULL) < 0)
				return -EINVAL;
			break;
		case 'l':
			a->log_fd = COLLECT_LOG_FD;
			break;
		case 'C':
			a->console = true;
			break;
		case 'x':
			a->exit_requested = true;
			break;
		case 'v':
			a->verbose = true;
			break;
		default:
			return -EINVAL;
		}
	}
	if (optind != argc || !a->name || !script_name_valid(a->name) || !a->protocol)
		return -EINVAL;
	return 0;
}

int collect_main(int argc, char **argv)
{
	struct collect_args a = {
	    .ctl_fd = COLLECT_CTL_FD, .log_fd = -1, .log_size = COLLECT_LOG_SIZE_DEFAULT};
	struct startall_request req;

	/* A vanished reader must not kill it; SIGTERM and SIGINT are read from a signalfd. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	startall_request_init(&req, NULL, false);
	log_setup(req.kmsg_path, req.kmsg_is_file, false);
	if (parse(argc, argv, &a) < 0) {
		log_error("collector: bad command line (it is started by the loader only)");
		return EXIT_USAGE;
	}
	a.root = req.root;
	a.rundir = req.rundir;
	a.kmsg_path = req.kmsg_path;
	a.kmsg_is_file = req.kmsg_is_file;
	log_set_verbose(a.verbose);
	return collect_run(&a);
}
