#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-debug.sh: make check-debug.  Builds the two debug dom0 kernels once
# per machine (tests/debug-kernel.sh) and runs their cases (tests/run-vm.sh,
# the debug_case lines) in three runs side by side, since one after the
# other they take more than four hours, and the mutants that need them:
#   failnth-6.1-debug          alone: 1.5 h and more each; a VM's CPUs keep
#   failnth-6.1-debug-nokasan  about one host core busy, so two such VMs on
#   every other debug case     two cores take less time together than in turn
#   tests/mutants.sh's debug-* mutants (minutes)
# The first starts as soon as its kernel is built, while the second kernel
# builds.  Each run's output goes to build/check-debug/NAME.log, its
# progress lines here as they come; the end is one count of every check,
# and the exit status is non-zero if any failed or a run did not end well.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
top=$(cd "$here/.." && pwd)
out=$top/build/check-debug
rm -rf "$out"
mkdir -p "$out"
start=$(date +%s)

"$here/setup.sh" > /dev/null || die "tests/setup.sh failed"
export RUN_ALL=1

names=() pids=()
# run NAME FILTER [SKIP]: tests/run-vm.sh FILTER in the background
run() {
	log "$1: tests/run-vm.sh '$2'${3:+ without /$3/} (its output: $out/$1.log)"
	RUN_VM_JOBS=1 RUN_VM_SKIP=${3:-} "$here/run-vm.sh" "$2" >> "$out/$1.log" \
		2> >(tee -a "$out/$1.log" | sed -u "s/^/[$1] /" >&2) &
	names+=("$1") pids+=($!)
}
# The debug kernels' mutants (tests/mutants.sh, MUTANTS_DEBUG=1), likewise.
mutants() {
	log "mutants: tests/mutants.sh, MUTANTS_DEBUG=1 (its output: $out/mutants.log)"
	MUTANTS_DEBUG=1 MUTANTS_JOBS=1 "$here/mutants.sh" >> "$out/mutants.log" \
		2> >(tee -a "$out/mutants.log" | sed -u "s/^/[mutants] /" >&2) &
	names+=(mutants) pids+=($!)
}
kernel() {
	"$here/debug-kernel.sh" build "$1" > /dev/null && return
	result fail "[check-debug] the debug kernel $1 did not build"
	return 1
}

kernel 6.1-debug && run kasan-failnth '^failnth-6\.1-debug$'
if kernel 6.1-debug-nokasan; then
	run nokasan-failnth '^failnth-6\.1-debug-nokasan-'
	run others debug '^failnth-'
	mutants
fi

# Every 10 min, how far each run is.
t=0
while :; do
	left=()
	for i in "${!pids[@]}"; do
		kill -0 "${pids[$i]}" 2> /dev/null && left+=("${names[$i]}")
	done
	[ ${#left[@]} -gt 0 ] || break
	sleep 60
	t=$((t + 1))
	[ $((t % 10)) -ne 0 ] ||
		log "$(( ($(date +%s) - start) / 60 )) min: running ${left[*]}; so far $(grep -c '^pass$' "$RESULTS") checks passed, $(grep -c '^fail$' "$RESULTS") failed"
done
for i in "${!pids[@]}"; do
	wait "${pids[$i]}"
	rc=$?
	[ $rc -eq 0 ] || result fail "[check-debug] ${names[$i]}: tests/run-vm.sh exited with status $rc ($out/${names[$i]}.log)"
done
# The failed checks of each run, with what run-vm.sh showed of them.
for n in "${names[@]}"; do
	awk -v n="$n" '/^not ok / {f = 1; bad++; print "# " n ": " $0; next}
		f && /^#   / {print; next} {f = 0}
		END {if (!bad) print "# " n ": every check passed"}' "$out/$n.log"
done
log "$(( ($(date +%s) - start) / 60 )) min in all"
summary
