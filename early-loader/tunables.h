/* tunables.h: the kernel settings staprun checks or changes before it loads a module. */
#pragma once

/* Like staprun: refuses in FIPS mode (ROOT/proc/sys/crypto/fips_enabled not 0: returns
 * -EPERM, logged), disables kprobes optimization (PR13193) and raises kptr_restrict from 0 to
 * 1 (so /proc/kallsyms shows root the real addresses). Write failures are only debug-logged.
 * Returns 0 or -EPERM. */
int tunables_apply(const char *root);
