#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-all.sh: sets up (tests/setup.sh) and runs every test; ends with one
# line "N passed, M failed" and fails if anything did.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/setup.sh" || { echo "0 passed, 1 failed"; exit 1; }
. "$here/lib.sh"
export RUN_ALL=1
for t in unit static run-vm; do
	[ -x "$here/$t.sh" ] && "$here/$t.sh"
done
summary
