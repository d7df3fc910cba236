/* optfilter.h: <script>_OPT handling exactly as upstream's get_compile_opts/get_run_opts,
 * but with quoting: words may be quoted ("a b", 'a b') as in the config file. */
#pragma once

enum run_mode {
	RUN_MODE_LOAD_ONLY, /* staprun -L: load, start probes, detach */
	RUN_MODE_DAEMON,    /* staprun -D: with -o, stapio daemon writes the file */
};

/* Splits an _OPT string into words (quotes and backslashes as the config file).
 * Returns 0, -EINVAL (unbalanced quote), or -ENOMEM. */
int opts_split(const char *text, char ***ret_words);
/* Normalizes words as upstream's stap_getopt: short options
 * hVvtp:I:e:o:R:r:m:kgPc:x:D:bs:uqwl:d:L:FS: (clustered "-vg" and attached "-p4" split; an
 * argument is its own word), and the long options of stap 4.8 (optfilter_long.h: a required
 * argument becomes its own word, an optional one stays attached as --name=ARG); then "--" and
 * the positional words. Unknown option or missing argument: -EINVAL and *ret_bad set to the
 * offending word; an option the service refuses (--bpf, --remote, --dump-*, ...): -EPERM and
 * *ret_bad = "--name: why" (newly allocated). */
int opts_normalize(char *const *words, char ***ret_norm, char **ret_bad);
/* Compile options: drops -p -m -r -c -x -e -s -o -S with their argument, -h -V -k -F, --help,
 * --version and --target-namespace PID. */
int opts_for_compile(char *const *norm, char ***ret);
/* Run (staprun) options: keeps -c -x -o -S with argument, -s N becomes -b N,
 * --target-namespace PID becomes -N PID, --save-uprobes becomes -u<uprobes_ko> when uprobes_ko
 * is non-NULL; mode -D with -o, else -L; the mode word is appended last. */
int opts_for_run(char *const *norm, const char *uprobes_ko, char ***ret, enum run_mode *ret_mode);
