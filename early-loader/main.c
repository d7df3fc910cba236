/* main.c: stap-early-loader [-v] [-m MANIFEST]: start the onboot SystemTap scripts from the
 * initramfs (run by the dracut cmdline hook). The work is in startall.c. */
#include "manifest.h"
#include "startall.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fputs("Usage: stap-early-loader [-v] [-m MANIFEST]\n"
	      "Load the onboot SystemTap modules listed in MANIFEST (default " MANIFEST_DEFAULT_PATH
	      "),\nstart their probes and leave them running detached.\n"
	      "  -v           verbose (also rd.debug on the kernel command line)\n"
	      "  -m MANIFEST  the manifest to read\n"
	      "  -h           this help\n",
	      f);
}

int main(int argc, char **argv)
{
	const char *manifest = MANIFEST_DEFAULT_PATH;
	struct startall_request req;
	bool verbose = false;
	int c;

	while ((c = getopt(argc, argv, "vm:h")) != -1) {
		switch (c) {
		case 'v':
			verbose = true;
			break;
		case 'm':
			manifest = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_MANIFEST_UNREADABLE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "stap-early-loader: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_MANIFEST_UNREADABLE;
	}
	/* A vanished stderr reader (console, journal) must not kill the boot-time run. */
	signal(SIGPIPE, SIG_IGN);
	startall_request_init(&req, manifest, verbose);
	return startall_run(&req, NULL);
}
