#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-all.sh: sets up (tests/setup.sh) and runs every test script below, in
# order; ends with a table of each script's time (and the CPU time that it
# and all it started used) and status and one line "N passed, M failed",
# and fails if anything did.  A script that is missing or not executable,
# or that exits non-zero, is a failure; so is a run in which nothing
# passed.  To add a script, add its name to the list;
# scripts joined by "+" run side by side: the static gates build on one
# core, beside the VMs; the mutants, one VM at a time, fill what the
# installed systems' chroot checks leave idle.
#
# RUN_ALL_DEADLINE (seconds from the start, default 4800: CI stops a run at
# 90 min) bounds the whole run: a script still running then is stopped (its
# VMs with it) and fails, and no script starts after it; each script not run
# is a failure of its own, so the summary always comes.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
scripts=(unit static+run-vm distro+mutants)
deadline=${RUN_ALL_DEADLINE:-4800}
[[ $deadline =~ ^[0-9]+$ ]] || die "RUN_ALL_DEADLINE must be seconds, not '$deadline'"
t0=$(date +%s)
table=$(mktemp)
# One empty file per script running, named after its timeout's process
# group, for stop_all.
running=$table.running
mkdir -p "$running"

# child_cpu: sets cpu_now to the CPU time (user and system, whole seconds)
# of this shell's children reaped so far: times's second line, written by
# this shell itself (in a subshell, as $(...) is, it would count none).
child_cpu() {
	local f=$table.cpu.$BASHPID
	{ times; } > "$f"
	cpu_now=$(awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); s += a[1] * 60 + a[2] }
		printf "%d\n", s }' "$f")
	rm -f "$f"
}

# timed NAME CMD...: CMD, stopped at the deadline (with everything it
# started: timeout signals its whole process group); its status, 124 if
# stopped.  A line of the table says how long it took, and how much CPU
# time it and what it started used: on a machine busy all the run, the
# CPU time is what a cut makes shorter.
timed() {
	local name=$1 start rc left cpu0
	shift
	start=$(date +%s)
	child_cpu
	cpu0=$cpu_now
	left=$((t0 + deadline - start))
	if [ "$left" -le 0 ]; then
		printf '%-10s %6s %7s  %s\n' "$name" - - "not run: the deadline (RUN_ALL_DEADLINE=$deadline s) had passed" >> "$table"
		result fail "[run-all] tests/$name.sh not run: the deadline of $deadline s had passed"
		return 125
	fi
	log "tests/$name.sh (at most $left s left)"
	# In the background, so that a signal to this script is handled at once.
	timeout -k 30 "$left" "$@" &
	local pid=$!
	touch "$running/$pid"
	wait $pid
	rc=$?
	rm -f "$running/$pid"
	child_cpu
	local took=$(( $(date +%s) - start )) cpu=$((cpu_now - cpu0))
	if [ "$took" -ge "$left" ] && { [ $rc -eq 124 ] || [ $rc -eq 137 ]; }; then
		rc=124
		printf '%-10s %6s %7s  %s\n' "$name" "$took s" "$cpu s" "stopped at the deadline ($deadline s)" >> "$table"
		result fail "[run-all] tests/$name.sh was stopped at the deadline ($deadline s from the start)"
	else
		printf '%-10s %6s %7s  %s\n' "$name" "$took s" "$cpu s" "exit status $rc" >> "$table"
		log "tests/$name.sh: exit status $rc, $took s, $cpu s of CPU"
	fi
	return $rc
}

# ^C or a stop from outside: stop the scripts running now, with their VMs
# (each timeout made its own process group); what is left of a group 10 s
# later (a PID 1 of the sid chroot's namespace ignores SIGTERM) is killed.
# The groups are those noted in $running (every script's, timed() notes
# each), not looked for among this shell's children's children: a stop
# sent to every process of the run (^C, to the foreground process group)
# also ends the subshells that run scripts side by side (they keep no
# trap), and their timeouts, left to init, were no longer found.
alive() { local g; for g; do pgrep -g "$g" > /dev/null && return 0; done; return 1; }
stop_all() {
	local p groups=() i
	for p in $(ls "$running"); do
		groups+=("$p")
		kill -TERM -- -"$p" 2>/dev/null
	done
	for ((i = 0; i < 10; i++)); do
		alive "${groups[@]}" || break
		sleep 1
	done
	for p in "${groups[@]}"; do
		kill -KILL -- -"$p" 2>/dev/null
	done
	rm -rf "$table" "$running"
	exit 130
}
trap stop_all INT TERM

end() {
	child_cpu
	echo "# time of each script (wall clock, then CPU time), $(( $(date +%s) - t0 )) s and $cpu_now s of CPU in all:"
	sed 's/^/#   /' "$table"
	rm -rf "$table" "$running"
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
# one SCRIPT: runs it, timed; a missing script or a failure is counted.
one() {
	local t=$1 rc
	if [ ! -f "$here/$t.sh" ] || [ ! -x "$here/$t.sh" ]; then
		result fail "[run-all] tests/$t.sh is missing or not executable"
		printf '%-10s %6s %7s  %s\n' "$t" - - "missing or not executable" >> "$table"
		return
	fi
	timed "$t" "$here/$t.sh"
	rc=$?
	case $rc in
	0 | 124 | 125 | 137) ;;
	*) result fail "[run-all] tests/$t.sh exited with status $rc" ;;
	esac
}
for group in "${scripts[@]}"; do
	if [[ $group != *+* ]]; then
		one "$group"
		continue
	fi
	# Side by side: the mutants one VM at a time (unless told otherwise).
	for t in ${group//+/ }; do
		MUTANTS_JOBS=${MUTANTS_JOBS:-1} one "$t" &
	done
	wait
done
end
