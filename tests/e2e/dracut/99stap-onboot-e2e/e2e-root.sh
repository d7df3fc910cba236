#!/bin/sh
# cmdline hook 99 (test only): there is no root disk in the boot test; with e2e.test on the
# command line, give dracut's init a root it accepts so that it goes on to pre-mount.
# shellcheck disable=SC2034 # root, rootok: read by dracut's init, which sources this
if getargbool 0 e2e.test; then
    root=e2e
    rootok=1
fi
