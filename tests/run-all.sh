#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-all.sh: sets up (tests/setup.sh) and runs every test script below, in
# order; ends with one line "N passed, M failed" and fails if anything did.
# A script that is missing or not executable, or that exits non-zero, is a
# failure; so is a run in which nothing passed.  To add a script, add its
# name to the list.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
scripts=(unit static run-vm distro mutants)

if ! "$here/setup.sh"; then
	result fail "[run-all] tests/setup.sh failed"
	summary
	exit 1
fi
export RUN_ALL=1
for t in "${scripts[@]}"; do
	if [ ! -f "$here/$t.sh" ] || [ ! -x "$here/$t.sh" ]; then
		result fail "[run-all] tests/$t.sh is missing or not executable"
		continue
	fi
	start=$(date +%s)
	log "tests/$t.sh"
	"$here/$t.sh"
	rc=$?
	log "tests/$t.sh: exit status $rc, $(( $(date +%s) - start )) s"
	[ $rc -eq 0 ] || result fail "[run-all] tests/$t.sh exited with status $rc"
done
summary
