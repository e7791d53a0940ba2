#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-all.sh: sets up (tests/setup.sh) and runs every test script below, in
# order; ends with a table of each script's time and status and one line
# "N passed, M failed", and fails if anything did.  A script that is
# missing or not executable, or that exits non-zero, is a failure; so is a
# run in which nothing passed.  To add a script, add its name to the list.
#
# RUN_ALL_DEADLINE (seconds from the start, default 4800: CI stops a run at
# 90 min) bounds the whole run: a script still running then is stopped (its
# VMs with it) and fails, and no script starts after it; each script not run
# is a failure of its own, so the summary always comes.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
scripts=(unit static run-vm distro mutants)
deadline=${RUN_ALL_DEADLINE:-4800}
[[ $deadline =~ ^[0-9]+$ ]] || die "RUN_ALL_DEADLINE must be seconds, not '$deadline'"
t0=$(date +%s)
table=()

# timed NAME CMD...: CMD, stopped at the deadline (with everything it
# started: timeout signals its whole process group); its status, 124 if
# stopped.  A line of the table says how long it took.
timed() {
	local name=$1 start rc left
	shift
	start=$(date +%s)
	left=$((t0 + deadline - start))
	if [ "$left" -le 0 ]; then
		table+=("$(printf '%-10s %6s  %s' "$name" - "not run: the deadline (RUN_ALL_DEADLINE=$deadline s) had passed")")
		result fail "[run-all] tests/$name.sh not run: the deadline of $deadline s had passed"
		return 125
	fi
	log "tests/$name.sh (at most $left s left)"
	# In the background, so that a signal to this script is handled at once.
	timeout -k 30 "$left" "$@" &
	child=$!
	wait $child
	rc=$?
	child=
	local took=$(( $(date +%s) - start ))
	if [ "$took" -ge "$left" ] && { [ $rc -eq 124 ] || [ $rc -eq 137 ]; }; then
		rc=124
		table+=("$(printf '%-10s %6s  %s' "$name" "$took s" "stopped at the deadline ($deadline s)")")
		result fail "[run-all] tests/$name.sh was stopped at the deadline ($deadline s from the start)"
	else
		table+=("$(printf '%-10s %6s  %s' "$name" "$took s" "exit status $rc")")
		log "tests/$name.sh: exit status $rc, $took s"
	fi
	return $rc
}

# ^C or a stop from outside: stop the script running now, with its VMs
# (timeout made its process group).
child=
trap '[ -z "$child" ] || kill -TERM -- -"$child" 2>/dev/null; exit 130' INT TERM

end() {
	echo "# time of each script (s), $(( $(date +%s) - t0 )) s in all:"
	printf '#   %s\n' "${table[@]}"
	summary
}

if ! timed setup "$here/setup.sh"; then
	result fail "[run-all] tests/setup.sh failed"
	end
	exit 1
fi
export RUN_ALL=1
# Results of this run are newer than this (mutants.sh reuses run-vm's).
export RUN_ALL_T0=$t0
for t in "${scripts[@]}"; do
	if [ ! -f "$here/$t.sh" ] || [ ! -x "$here/$t.sh" ]; then
		result fail "[run-all] tests/$t.sh is missing or not executable"
		table+=("$(printf '%-10s %6s  %s' "$t" - "missing or not executable")")
		continue
	fi
	timed "$t" "$here/$t.sh"
	rc=$?
	case $rc in
	0 | 124 | 125 | 137) ;;
	*) result fail "[run-all] tests/$t.sh exited with status $rc" ;;
	esac
done
end
