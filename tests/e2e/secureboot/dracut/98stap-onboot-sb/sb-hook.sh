#!/bin/sh
# pre-mount hook 50 (test only): with e2e.test, the Secure Boot lines of the report.
if getargbool 0 e2e.test; then
    /usr/bin/sb-report
fi
