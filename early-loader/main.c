/* main.c: stap-early-loader [-v] [-m MANIFEST] [--hook]: start the onboot SystemTap scripts
 * from the initramfs. As PID 1 (the image's /init in earliest mode) it takes no options: the
 * kernel passes init its own arguments; pid1.c runs it. Else startall.c does the work (the
 * dracut cmdline hook runs it with --hook).
 * stap-early-loader --list MANIFEST [--kernel KVER], --list-mode MANIFEST: what the dracut
 * module asks when it packs an image: the same parser decides what goes into the image and
 * what starts at boot. Run as "@stap-early-loader --collect NAME ..." it is a script's output
 * collector (collect.h), which the loader starts for each script it armed. */
#include "cmdline.h"
#include "collect.h"
#include "kmsg.h"
#include "manifest.h"
#include "pid1.h"
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
	fputs("Usage: stap-early-loader [-v] [-m MANIFEST] [--hook]\n"
	      "       stap-early-loader --list MANIFEST [--kernel KVER]\n"
	      "       stap-early-loader --list-mode MANIFEST\n"
	      "Load the onboot SystemTap modules listed in MANIFEST (default " MANIFEST_DEFAULT_PATH
	      "),\nstart their probes and leave them running detached. As PID 1 (the initramfs's\n"
	      "/init) it does so in a child process, then runs the real init.\n"
	      "  -v             verbose (also rd.debug on the kernel command line)\n"
	      "  -m MANIFEST    the manifest to read\n"
	      "  --hook         run from dracut's cmdline hook: do nothing when PID 1 started\n"
	      "                 the scripts already\n"
	      "  --list MANIFEST print its script names, one a line, and exit: 0 when every\n"
	      "                 line is valid (and names KVER with --kernel), else 1\n"
	      "  --list-mode MANIFEST print who starts its scripts: early or hook\n"
	      "  -h             this help\n",
	      f);
}

/* --list: names on stdout, reasons on stderr (never the kernel log: this runs on the host). */
static int list_manifest(const char *path, const char *kernel, bool mode)
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
	if (r == 0 && mode)
		printf("%s\n", m.mode == MANIFEST_MODE_HOOK ? "hook" : "early");
	for (size_t i = 0; r == 0 && !mode && i < m.n_scripts; i++)
		printf("%s\n", m.scripts[i].name);
	manifest_free(&m);
	if (fflush(stdout) != 0)
		r = EXIT_LIST_REFUSED;
	return r;
}

/* rd.debug or rdinitdebug on the kernel command line. */
static bool boot_debug(const struct startall_request *req)
{
	struct boot_switches sw;
	bool v;

	if (cmdline_load(req->cmdline_path, &sw) < 0)
		return false;
	v = sw.verbose;
	boot_switches_free(&sw);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"list", required_argument, NULL, 'l'},
	    {"kernel", required_argument, NULL, 'k'},
	    {"list-mode", required_argument, NULL, 'M'},
	    {"hook", no_argument, NULL, 'H'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *manifest = MANIFEST_DEFAULT_PATH, *list = NULL, *kernel = NULL;
	struct startall_request req;
	bool verbose = false, hook = false, list_mode = false;
	int c;

	/* A script's output collector (collect.h) run as a program. */
	if (argv[0] && argv[0][0] == '@')
		return collect_main(argc, argv);
	collect_note_argv(argv);
	/* The kernel's arguments for init are not ours to parse. */
	if (getpid() == 1) {
		startall_request_init(&req, MANIFEST_DEFAULT_PATH, false);
		pid1_main(&req, argv);
		return EXIT_MANIFEST_UNREADABLE;
	}

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
		case 'M':
			list = optarg;
			list_mode = true;
			break;
		case 'H':
			hook = true;
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
		return list_manifest(list, kernel, list_mode);
	if (kernel) {
		fprintf(stderr, "stap-early-loader: --kernel goes with --list\n");
		return EXIT_MANIFEST_UNREADABLE;
	}
	/* A vanished stderr reader (console, journal) must not kill the boot-time run. */
	signal(SIGPIPE, SIG_IGN);
	startall_request_init(&req, manifest, verbose);
	if (hook && pid1_started(req.root)) {
		/* Only with rd.debug: the hook runs on every boot, PID 1 already logged the run. */
		log_setup(req.kmsg_path, req.kmsg_is_file, true);
		log_set_verbose(verbose || boot_debug(&req));
		log_debug("the scripts were started by PID 1 (%s): nothing to do",
			  PID1_DONE_MARKER);
		return 0;
	}
	return startall_run(&req, NULL);
}
