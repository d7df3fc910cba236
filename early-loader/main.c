/* main.c: stap-early-loader [-v] [-m MANIFEST]: start the onboot SystemTap scripts from the
 * initramfs (run by the dracut cmdline hook). The work is in startall.c.
 * stap-early-loader --list MANIFEST [--kernel KVER]: what the dracut module asks when it packs
 * an image: the same parser decides what goes into the image and what starts at boot. */
#include "kmsg.h"
#include "manifest.h"
#include "startall.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* --list's exit status for a manifest it refuses (unreadable, bad lines, other kernel). */
#define EXIT_LIST_REFUSED 1

static void usage(FILE *f)
{
	fputs("Usage: stap-early-loader [-v] [-m MANIFEST]\n"
	      "       stap-early-loader --list MANIFEST [--kernel KVER]\n"
	      "Load the onboot SystemTap modules listed in MANIFEST (default " MANIFEST_DEFAULT_PATH
	      "),\nstart their probes and leave them running detached.\n"
	      "  -v             verbose (also rd.debug on the kernel command line)\n"
	      "  -m MANIFEST    the manifest to read\n"
	      "  --list MANIFEST print its script names, one a line, and exit: 0 when every\n"
	      "                 line is valid (and names KVER with --kernel), else 1\n"
	      "  -h             this help\n",
	      f);
}

/* --list: names on stdout, reasons on stderr (never the kernel log: this runs on the host). */
static int list_manifest(const char *path, const char *kernel)
{
	struct manifest m;
	int r;

	log_setup(NULL, false, true);
	r = manifest_load(path, MANIFEST_BOOT, &m);
	if (r < 0)
		return EXIT_LIST_REFUSED;
	r = 0;
	if (m.bad_lines) {
		log_error("%s: %u line(s) refused (above)", path, m.bad_lines);
		r = EXIT_LIST_REFUSED;
	} else if (kernel && (!m.kernel || strcmp(m.kernel, kernel) != 0)) {
		log_error("%s was written for kernel %s, not %s", path,
			  m.kernel ? m.kernel : "(none)", kernel);
		r = EXIT_LIST_REFUSED;
	}
	for (size_t i = 0; r == 0 && i < m.n_scripts; i++)
		printf("%s\n", m.scripts[i].name);
	manifest_free(&m);
	if (fflush(stdout) != 0)
		r = EXIT_LIST_REFUSED;
	return r;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"list", required_argument, NULL, 'l'},
	    {"kernel", required_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *manifest = MANIFEST_DEFAULT_PATH, *list = NULL, *kernel = NULL;
	struct startall_request req;
	bool verbose = false;
	int c;

	while ((c = getopt_long(argc, argv, "vm:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose = true;
			break;
		case 'm':
			manifest = optarg;
			break;
		case 'l':
			list = optarg;
			break;
		case 'k':
			kernel = optarg;
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
	if (list)
		return list_manifest(list, kernel);
	if (kernel) {
		fprintf(stderr, "stap-early-loader: --kernel goes with --list\n");
		return EXIT_MANIFEST_UNREADABLE;
	}
	/* A vanished stderr reader (console, journal) must not kill the boot-time run. */
	signal(SIGPIPE, SIG_IGN);
	startall_request_init(&req, manifest, verbose);
	return startall_run(&req, NULL);
}
