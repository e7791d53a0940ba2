#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-vm.sh [FILTER]: the VM tests against real Xen.  Each case boots one VM
# (tests/vm.sh) and runs a scenario in dom0; the guest's "ok"/"not ok" lines
# and Xen's own lines in the serial log are both checked here.  FILTER, a
# regular expression, picks cases by name.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
top=$(cd "$here/.." && pwd)
filter=${1:-.}
FWDIR=$CACHE/fw/lib/firmware
export FWDIR

# The lines of one step of the scenario (from "@@step NAME" to the next).
segment() {
	awk -v s="@@step $1" '/^@@(step|done)/ {on = ($0 == s); next} on' "$serial"
}
show() { sed 's/^/#   /' | tail -n "${1:-40}"; }

# xen_said STEP REGEX DESC: Xen printed a line matching REGEX during STEP.
xen_said() {
	if segment "$1" | grep -E '^\(XEN\)' | grep -Eq "$2"; then
		result pass "$tag $3"
	else
		result fail "$tag $3: no (XEN) line matching /$2/ in step $1:"
		segment "$1" | show
	fi
}
# xen_silent STEP REGEX DESC: Xen printed no such line during STEP.
xen_silent() {
	if ! segment "$1" | grep -E '^\(XEN\)' | grep -Eq "$2"; then
		result pass "$tag $3"
	else
		result fail "$tag $3: Xen said in step $1:"
		segment "$1" | grep -E '^\(XEN\)' | grep -E "$2" | show
	fi
}

# What a kernel or Xen crash, warning or hang looks like in the log.
splat='Oops|BUG:|WARNING: CPU|cut here|Call Trace|general protection fault|Kernel panic|blocked for more than|Xen (BUG|WARN) at|FATAL (TRAP|PAGE FAULT)|possible recursive locking|circular locking'

# run_case NAME KERNEL XEN SCENARIO [vm.sh options]
run_case() {
	local name=$1 kernel=$2 xen=$3 scenario=$4 out=$top/build/vm/$1 line step
	shift 4
	[[ $name =~ $filter ]] || return 0
	tag="[$name]"
	log "$tag booting dom0 $kernel on Xen $xen"
	"$here/vm.sh" --kernel "$kernel" --xen "$xen" --out "$out" "$@" \
		"$here/vm/$scenario.sh"
	serial=$out/serial.txt
	tr -d '\r' < "$out/serial.log" > "$serial" 2>/dev/null || : > "$serial"
	log "$tag finished in $(cat "$out/seconds" 2>/dev/null) s"

	while IFS= read -r line; do
		case $line in
		"@@step "*) step=${line#@@step } ;;
		"ok "*) result pass "$tag ${line#ok * - }" ;;
		"not ok "*)
			result fail "$tag ${line#not ok * - } (step $step):"
			segment "$step" | show ;;
		esac
	done < "$serial"

	if grep -q '^@@done' "$serial"; then
		result pass "$tag the scenario ran to its end"
	else
		result fail "$tag the scenario did not finish; the end of the serial log:"
		show 60 < "$serial"
	fi
	if grep -Eq "$splat" "$serial"; then
		result fail "$tag the log has an Oops, BUG, WARNING or trace:"
		grep -E -B2 -A20 "$splat" "$serial" | show 60
	else
		result pass "$tag no Oops, BUG, WARNING or hung task in the log"
	fi
	if [ -e "$here/vm/$scenario.host" ]; then
		. "$here/vm/$scenario.host"
	fi
}

# Intel's real file for the emulated Skylake-Server, and iucode_tool with the
# libraries it needs, as a real client of /dev/cpu/microcode.
intel=(--fw "$FWDIR/intel-ucode/06-55-04=intel-ucode/06-55-04"
       --file "$CACHE/userland/usr/sbin/iucode_tool=/usr/sbin/iucode_tool")
for lib in $(ldd "$CACHE/userland/usr/sbin/iucode_tool" | grep -o '/[^ ]*'); do
	intel+=(--file "$(readlink -f "$lib")=$lib")
done

for k in 6.1 6.12; do
	run_case "dom0-$k-xen4.17" "$k" 4.17 dom0 "${intel[@]}"
	run_case "bare-$k" "$k" none bare
done

[ -n "${RUN_ALL:-}" ] || summary
