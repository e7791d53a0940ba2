#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-vm.sh [FILTER]: the VM tests against real Xen.  Each case boots one VM
# (tests/vm.sh) and runs a scenario in dom0; the guest's "ok"/"not ok" lines
# and Xen's own lines in the serial log are both checked here.  FILTER, a
# regular expression, picks cases by name; RUN_VM_SKIP, another, leaves out
# those of them that it matches.  RUN_VM_JOBS cases (default 2) run side by
# side: a VM under TCG keeps about one host core busy.  Each case's output is
# kept apart and printed whole when the case ends.  RUN_VM_LAST_STEP=STEP
# (tests/mutants.sh) ends each scenario after that step, and then neither
# the plan nor Xen's side (SCENARIO.host) is checked; RUN_VM_SERIAL=LOG
# boots nothing and judges LOG (a mutant of a host file); RUN_VM_WAIT_S=N
# bounds the scenarios' waits at N s instead of 60 (a mutant that never
# ends one).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
top=$(cd "$here/.." && pwd)
filter=${1:-.}
skip=${RUN_VM_SKIP:-}
jobs=${RUN_VM_JOBS:-2}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "RUN_VM_JOBS must be a number of VMs, not '$jobs'"
# picked NAME: the case is to run
picked() { [[ $1 =~ $filter ]] && ! [[ -n $skip && $1 =~ $skip ]]; }
FWDIR=$CACHE/fw/lib/firmware
export FWDIR

# A marker line may end in a line of Xen's: Xen writes its own lines into
# the console as it prints them, also right after one of dom0's that has
# no newline yet (seen: "@@step refused-cpu-write(XEN) uart interrupt
# taking more than 4ms, switched to polling").
# The lines of one step of the scenario (from "@@step NAME" to the next
# marker), Xen's part of its marker line included.
segment() {
	awk -v s="@@step $1" '/^@@(step|end|exit|done)/ {
		on = ($0 == s || index($0, s "(XEN)") == 1)
		if (on && $0 != s)
			print substr($0, length(s) + 1)
		next
	} on' "$serial"
}
# The marker lines of step NAME, as segment() finds them.
markers() { awk -v s="@@step $1" '$0 == s || index($0, s "(XEN)") == 1' "$serial"; }
# Xen's lines of one step, from "(XEN)" on: Xen's line may start in the
# middle of one of dom0's when both print at once.
xen_lines() { segment "$1" | grep -o '(XEN).*'; }
show() { sed 's/^/#   /' | tail -n "${1:-40}"; }

# has_step STEP DESC: the scenario marked STEP exactly once; otherwise the
# check DESC fails (a step that never ran, or a misspelt name, proves nothing).
has_step() {
	local n
	n=$(markers "$1" | grep -c .)
	[ "$n" -eq 1 ] && return 0
	result fail "$tag $2: step $1 is marked $n times in the log, not once"
	return 1
}

# xen_said STEP REGEX DESC: Xen printed a line matching REGEX during STEP.
xen_said() {
	has_step "$1" "$3" || return 0
	if xen_lines "$1" | grep -Eq "$2"; then
		result pass "$tag $3"
	else
		result fail "$tag $3: no (XEN) line matching /$2/ in step $1:"
		segment "$1" | show
	fi
}
# xen_silent STEP REGEX DESC: Xen printed no such line during STEP.
xen_silent() {
	has_step "$1" "$3" || return 0
	if ! xen_lines "$1" | grep -Eq "$2"; then
		result pass "$tag $3"
	else
		result fail "$tag $3: Xen said in step $1:"
		xen_lines "$1" | grep -E "$2" | show
	fi
}
# xen_count STEP REGEX N DESC: Xen printed exactly N lines matching REGEX
# during STEP.
xen_count() {
	local got
	has_step "$1" "$4" || return 0
	got=$(xen_lines "$1" | grep -Ec "$2")
	if [ "$got" -eq "$3" ]; then
		result pass "$tag $4 ($got)"
	else
		result fail "$tag $4: $got (XEN) lines matching /$2/ in step $1, not $3"
	fi
}

# What a kernel or Xen crash, warning, hang or memory exhaustion looks like
# in the log: CRASH_RE, tests/lib.sh's one list.
splat=$CRASH_RE

# judge_log LOG WHAT: the scenario's results in one serial log (WHAT names
# the boot in the messages).  Every "ok"/"not ok" line is a result; the
# scenario must have ended with "@@end N" (N: the checks it made, which must
# be the lines seen here, and more than none), its shell must have exited 0
# and init must have reached "@@done".
judge_log() {
	local file=$1 what=$2 line step=none seen=0 end ex
	while IFS= read -r line; do
		case $line in
		"@@step "*) step=${line#@@step } ;;
		"ok "*)
			seen=$((seen + 1))
			result pass "$tag$what ${line#ok * - }" ;;
		"not ok "*)
			seen=$((seen + 1))
			result fail "$tag$what ${line#not ok * - } (step $step):"
			segment "$step" | show ;;
		esac
	done < "$file"

	guest_checks=$seen
	end=$(sed -n 's/^@@end \([0-9][0-9]*\)$/\1/p' "$file")
	ex=$(sed -n 's/^@@exit \([0-9][0-9]*\)$/\1/p' "$file")
	if [ "$end" = "$seen" ] && [ "$seen" -gt 0 ] && [ "$ex" = 0 ] && grep -qx '@@done' "$file"; then
		result pass "$tag$what the scenario ran to its end: $seen checks, exit status 0"
	else
		result fail "$tag$what the scenario did not run to its end: it reported '${end:-no}' checks (here: $seen), exit status '${ex:-none}'$(grep -qx '@@done' "$file" || echo ', init never reached @@done'); the end of the serial log:"
		show 60 < "$file"
	fi
	# From init's start on: the module cannot have caused anything earlier
	# (a PVH dom0 under TCG warns about XSAVE sizes while it boots).
	if ! grep -q '^@@boot' "$file"; then
		:	# dom0's init never ran: failed above, nothing to judge here
	elif sed -n '/^@@boot/,$p' "$file" | grep -Eq "$splat"; then
		result fail "$tag$what the log has an Oops, BUG, WARNING, trace or OOM kill:"
		sed -n '/^@@boot/,$p' "$file" | grep -E -B2 -A20 "$splat" | show 60
	else
		result pass "$tag$what no Oops, BUG, WARNING, hung task or OOM kill in the log"
	fi
	if sed '/^@@boot/q' "$file" | grep -Eq "$splat"; then
		log "$tag note: the kernel or Xen warned while booting, before any test:"
		sed "/^@@boot/q" "$file" | grep -E -A3 "$splat" | head -n 8 | sed "s/^/#   /" >&2
	fi
}

# [VENDOR=intel|amd] [FAKE=y] [RETRY_TRIPLE_FAULT=y] [CASE_ENV="K=V ..."] \
#	run_case NAME KERNEL XEN SCENARIO [vm.sh options]
#
# One case is one line.  VENDOR picks the CPU's vendor file (default intel);
# FAKE=y boots the test build whose hypercalls go to tests/fake_hv.h.  The
# scenario finds XEN, KERNEL, VENDOR, FWFILE, PCPUS and CASE_ENV's variables
# in /test/env, and so does SCENARIO.host here.  RETRY_TRIPLE_FAULT=y (only
# for cases known to meet it) boots once more a dom0 that triple-faulted
# before the module was touched (retry_reason).
#
# A case starts from nothing (its folder, the module and the helper are
# removed before the build); a failed build or boot, a scenario that did not
# reach its end, a host file that did not, or a host check whose step is
# missing fails it.  The case runs in the background, RUN_VM_JOBS at a
# time, its output in build/vm/NAME/case.log; reap_one prints it when the
# case ends and counts its results.
run_case() {
	local name=$1 out=$top/build/vm/$1
	picked "$name" || return 0
	ncases=$((ncases + 1))
	while [ "${#running[@]}" -ge "$jobs" ]; do
		reap_one
	done
	rm -rf "$out"
	mkdir -p "$out"
	date +%s > "$out/start"
	log "[$name] started"
	( one_case "$@" ) > "$out/case.log" 2>&1 &
	running[$!]=$name
}

# reap_one: waits for one running case to end, prints its output and adds
# its counts to this script's (its results are in $RESULTS already).  A case
# that left no count (its shell died) fails.
reap_one() {
	local pid= name out p f line
	wait -n -p pid "${!running[@]}"
	if [ -z "$pid" ]; then
		# No such child any more: should not happen; fail them all.
		for pid in "${!running[@]}"; do
			result fail "[${running[$pid]}] the case's process was lost"
			unset "running[$pid]"
		done
		return
	fi
	name=${running[$pid]}
	unset "running[$pid]"
	out=$top/build/vm/$name
	cat "$out/case.log"
	if read -r p f < "$out/counts" 2>/dev/null && [[ $p$f =~ ^[0-9]+$ ]]; then
		npass=$((npass + p)) nfail=$((nfail + f))
		log "[$name] ended: $p passed, $f failed, $(( $(date +%s) - $(cat "$out/start") )) s"
	else
		result fail "[$name] the case's shell ended before its count (see $out/case.log)"
	fi
	if [ -s "$out/retries" ]; then
		while IFS= read -r line; do
			note "run-vm: $line"
		done < "$out/retries"
	fi
}
declare -A running=()

# retry_reason LOG: whether a boot that did not reach "@@done" may be booted
# once more, and why (printed).  Only a boot that died before the module was
# touched: no "@@step" (every scenario marks a step before its first
# insmod) and no line of the module.  dom0's kernel under TCG has been seen,
# rarely and on a busy host, to stop in the middle of its boot (no line for
# minutes after one of its initcalls), and a PVH dom0 to triple-fault, both
# with nothing of ours running.  A boot that died in a step is judged as it
# is: that is where the driver runs (a PVH dom0's zero-copy path with SMAP).
retry_reason() {
	local f=$1
	[ -e "$f" ] || return 1
	! grep -q '^@@done' "$f" && ! grep -q '^@@step' "$f" && ! grep -q 'microcode_xen' "$f" ||
		return 1
	if ! grep -q '^@@boot' "$f"; then
		echo "dom0 never reached init"
	elif [ -n "${RETRY_TRIPLE_FAULT:-}" ] && grep -q '(XEN) d0v[0-9]* Triple fault' "$f"; then
		echo "dom0 triple-faulted before the scenario's first step"
	else
		return 1
	fi
}

# One case (run_case's arguments), in a shell of its own.  Its count goes to
# build/vm/NAME/counts, each retry as a line to build/vm/NAME/retries.
one_case() {
	local name=$1 out=$top/build/vm/$1 rc why last
	KERNEL=$2 XEN=$3 scenario=$4
	shift 4
	tag="[$name]"
	npass=0 nfail=0
	VENDOR=${VENDOR:-intel}
	FWFILE=${fwfile[$VENDOR]}
	printf '%s\n' "XEN=$XEN" "KERNEL=$KERNEL" "VENDOR=$VENDOR" "FWFILE=$FWFILE" \
		"PCPUS=2" ${CASE_ENV:-} ${RUN_VM_LAST_STEP:+MCX_LAST_STEP=$RUN_VM_LAST_STEP} \
		${RUN_VM_WAIT_S:+MCX_WAIT_S=$RUN_VM_WAIT_S} > "$out/env"
	log "$tag booting dom0 $KERNEL on Xen $XEN${FAKE:+ (test build)}"
	boot() {
		MCX_TCG_THREAD=${MCX_TCG_THREAD:-} MICROCODE_XEN_FAKE_HV=${FAKE:-} "$here/vm.sh" --kernel "$KERNEL" --xen "$XEN" \
			--out "$out" --file "$out/env=/test/env" "$@" "$here/vm/$scenario.sh"
	}
	if [ -n "${RUN_VM_SERIAL:-}" ]; then
		# A mutant of the host's side only (tests/mutants.sh): its
		# checks read the baseline's log; the VM would log the same.
		log "$tag note: no boot: the serial log is $RUN_VM_SERIAL (RUN_VM_SERIAL)"
		cp "$RUN_VM_SERIAL" "$out/serial.log"
		rc=$?
	else
		boot "$@"
		rc=$?
	fi
	if [ -z "${RUN_VM_SERIAL:-}" ] && why=$(retry_reason "$out/serial.log"); then
		tr -d '\r' < "$out/serial.log" > "$out/serial.first.txt"
		echo "$name: $why (vm.sh status $rc), booted once more; the first log: $out/serial.first.txt" >> "$out/retries"
		log "$tag note: $why (vm.sh status $rc); booting once more. The first log ends:"
		tail -n 3 "$out/serial.first.txt" | show 3 >&2
		serial=$out/serial.first.txt
		judge_first_boot
		boot "$@"
		rc=$?
	fi
	serial=$out/serial.txt
	tr -d '\r' < "$out/serial.log" > "$serial" 2>/dev/null || : > "$serial"
	[ -n "${RUN_VM_SERIAL:-}" ] || log "$tag finished in $(cat "$out/seconds" 2>/dev/null) s"
	if [ $rc -ne 0 ]; then
		last=$(grep '^@@step ' "$serial" | tail -n 1)
		last=${last#@@step }
		result fail "$tag vm.sh failed: $([ $rc -eq 124 ] && echo "QEMU timed out $(if [ -n "$last" ]; then echo "in step $last"; elif grep -q '^@@boot' "$serial"; then echo "before the first step"; else echo "before dom0 reached init"; fi)" || echo "exit status $rc (the build, or QEMU)"); see $out"
		show 30 < "$serial"
	fi

	guest_checks=0 host_checks=0
	judge_log "$serial" ""
	run_host
	check_plan
	echo "$npass $nfail" > "$out/counts"
}

# check_plan: the case made as many checks as tests/vm/plan says, in dom0
# and of Xen's side.  The guest's "@@end N" only says the scenario ran to
# its end: a branch it skipped (a kernel, Xen release or tool it did not
# find) lowers its count and its end alike.  RUN_VM_PLAN=record writes the
# counts seen to build/vm/NAME/plan instead (tests/vm/plan: how to update).
check_plan() {
	local line want
	line="$name $guest_checks $host_checks"
	if [ -n "${RUN_VM_LAST_STEP:-}" ]; then
		log "$tag note: ended after step $RUN_VM_LAST_STEP (RUN_VM_LAST_STEP): the plan is not checked"
		return
	fi
	if [ "${RUN_VM_PLAN:-}" = record ]; then
		echo "$line" > "$out/plan"
		return
	fi
	want=$(awk -v n="$name" '$1 == n {print; exit}' "$here/vm/plan")
	if [ -z "$want" ]; then
		case $KERNEL in
		*-debug*) log "$tag note: tests/vm/plan has no line for this case: only the scenario's own count was checked" ;;
		*) result fail "$tag tests/vm/plan has no line for this case: how many checks it must make is unknown" ;;
		esac
	elif [ "$want" = "$line" ]; then
		result pass "$tag the checks made are the plan's: $guest_checks in dom0, $host_checks of Xen's side"
	else
		result fail "$tag the checks made are not the plan's: $guest_checks in dom0 and $host_checks of Xen's side, tests/vm/plan says ${want#"$name" } (a branch skipped, or checks added without the plan)"
	fi
}

# Scenarios on real Xen whose Xen side has nothing to read (no host file).
xen_side_unchecked=" failnth "
# run_host: Xen's side of the scenario, tests/vm/SCENARIO.host, read from
# the serial log.  It must pass bash -n, run to its last line (a line bash
# rejects, a return or an exit on the way stops it early) and make at least
# one check; a case on real Xen must have one.
run_host() {
	local host=$here/vm/$scenario.host before=$((npass + nfail)) host_end= err
	if [ -n "${RUN_VM_LAST_STEP:-}" ]; then
		log "$tag note: ended after step $RUN_VM_LAST_STEP (RUN_VM_LAST_STEP): Xen's side is not checked"
		return
	fi
	if [ ! -e "$host" ]; then
		[ "$XEN" = none ] || [[ $xen_side_unchecked == *" $scenario "* ]] ||
			result fail "$tag no tests/vm/$scenario.host: Xen's side of a case on real Xen goes unchecked"
		return
	fi
	if ! err=$(bash -n "$host" 2>&1); then
		result fail "$tag tests/vm/$scenario.host does not parse: $err"
		return
	fi
	# shellcheck disable=SC1090
	. <(cat "$host"; printf '\nhost_end=y\n')
	host_checks=$((npass + nfail - before))
	if [ -n "$host_end" ] && [ $((npass + nfail)) -gt "$before" ]; then
		result pass "$tag tests/vm/$scenario.host ran to its end: $((npass + nfail - before)) checks of Xen's side"
	else
		result fail "$tag tests/vm/$scenario.host did not run to its end (${host_end:+it did, but }$((npass + nfail - before)) checks)"
	fi
}

# The first boot of a case booted twice: its "not ok" lines and any crash
# after init started fail the case; its "ok" lines are not counted twice.
judge_first_boot() {
	local line
	while IFS= read -r line; do
		case $line in
		"not ok "*) result fail "$tag (first boot) ${line#not ok * - }" ;;
		esac
	done < "$serial"
	if sed -n '/^@@boot/,$p' "$serial" | grep -v 'Triple fault' | grep -Eq "$splat"; then
		result fail "$tag (first boot) the log has an Oops, BUG, WARNING, trace or OOM kill:"
		sed -n '/^@@boot/,$p' "$serial" | grep -E -B2 -A20 "$splat" | show 40
	fi
}
ncases=0

# The vendor files of the emulated CPUs (Skylake-Server, EPYC), from
# Debian's packages, and test copies of each in build/blobs: .xz and .zst,
# and for Intel the same update claiming the running revision 0x1.
declare -A fwfile=([intel]=intel-ucode/06-55-04 [amd]=amd-ucode/microcode_amd_fam17h.bin)
blobs=$top/build/blobs
mkdir -p "$blobs"
# Made once, under the lock of the runs side by side (check-debug.sh).
exec 8> "$blobs/.lock"
flock 8
for v in intel amd; do
	f=$FWDIR/${fwfile[$v]}
	[ "$blobs/$v.xz" -nt "$f" ] || xz --check=crc32 -c "$f" > "$blobs/$v.xz"
	[ "$blobs/$v.zst" -nt "$f" ] || zstd -q -f -o "$blobs/$v.zst" "$f"
done
python3 "$here/tools/mkblobs.py" intel-rev "$FWDIR/${fwfile[intel]}" "$blobs/intel.rev1" 1
# One revision older than the file's, to roll back to (success.sh).
python3 "$here/tools/mkblobs.py" intel-rev "$FWDIR/${fwfile[intel]}" "$blobs/intel.old" 0x2007005
python3 "$here/tools/mkblobs.py" amd-id "$FWDIR/${fwfile[amd]}" "$blobs/amd.old" 0x800126f 0x8001200
# A patch id that Xen's list of known AMD digests lacks.
python3 "$here/tools/mkblobs.py" amd-id "$FWDIR/${fwfile[amd]}" "$blobs/amd.unknown" 0x800126f 0x80012ff
flock -u 8
exec 8>&-

# iucode_tool with the libraries it needs, as a real client of /dev/cpu/microcode.
intel=(--fw "$FWDIR/${fwfile[intel]}=${fwfile[intel]}" --file "$blobs/intel.rev1=/test/fw.rev1"
       --file "$blobs/intel.xz=/test/fw.xz" --file "$blobs/intel.zst=/test/fw.zst"
       --file "$CACHE/userland/usr/sbin/iucode_tool=/usr/sbin/iucode_tool")
for lib in $(ldd "$CACHE/userland/usr/sbin/iucode_tool" | grep -o '/[^ ]*'); do
	intel+=(--file "$(readlink -f "$lib")=$lib")
done
amd=(--fw "$FWDIR/${fwfile[amd]}=${fwfile[amd]}" --file "$blobs/amd.xz=/test/fw.xz"
     --file "$blobs/amd.zst=/test/fw.zst" --file "$blobs/amd.unknown=/test/fw.unknown")
# EPYC under TCG: Xen's MWAIT idle faults; digest-check=0 lets Xen try any patch.
amd_xen="max_cstate=0 ucode=digest-check=0"

# hardening (issue 4): bad input, load, lifecycle, memory and permissions
# against real Xen (harden.sh, with Intel's file for another CPU and an AMD
# container as blobs), and what only the stand-in can stage: signals, waiters,
# rmmod during an update (harden-seam.sh).  RELIABILITY has the figures.
harden=(--fw "$FWDIR/${fwfile[intel]}=${fwfile[intel]}"
	--file "$FWDIR/intel-ucode/06-8e-09.initramfs=/test/blob/06-8e-09"
	--file "$FWDIR/${fwfile[amd]}=/test/blob/amd17h")
# The longest cases, so first: the others fill the second slot meanwhile
# instead of leaving it idle at the end (94 and 102 s each in make check,
# 313 and 303 s when both ran last, side by side with a thread per vCPU);
# the timeout allows for a busy host.  The other kernel on the other Xen
# too: 4.20 has forced updates and per-CPU revisions, which change what is
# a bad input and what reaches Xen.
run_case "harden-6.1-xen4.17" 6.1 4.17 harden --timeout 900 "${harden[@]}"
# Xen's XPTI (its Meltdown shield for PV guests, on by default for the
# emulated Skylake) stays on for 4.17's run and is off for 4.20's
# (xpti=false, as Xen runs on CPUs that are not affected): the driver's
# hypercalls are the same either way, and under TCG every dom0 kernel
# entry with XPTI flushes the emulated TLB (an installed system's boot:
# 168 s with it, 130 s without, side by side).
run_case "harden-6.12-xen4.20" 6.12 4.20 harden --timeout 900 "${harden[@]}" --xen-args xpti=false
FAKE=y run_case "harden-seam-6.1" 6.1 none harden-seam --fw "$FWDIR/${fwfile[intel]}=${fwfile[intel]}"

for k in 6.1 6.12; do
	for x in 4.17 4.20; do
		run_case "intel-$k-xen$x" "$k" "$x" dom0 "${intel[@]}"
		VENDOR=amd run_case "amd-$k-xen$x" "$k" "$x" dom0 --cpu EPYC "${amd[@]}" \
			--xen-args "$amd_xen"
	done
	run_case "bare-$k" "$k" none bare
	# The test build: its hypercalls go to the stand-in (tests/fake_hv.h).
	FAKE=y run_case "seam-$k" "$k" none seam --fw "$FWDIR/${fwfile[intel]}=${fwfile[intel]}"
done
FAKE=y run_case "native-6.12" 6.12 none native --cpu Skylake-Server,-hypervisor
# What another driver, or a kernel with late loading, can have made first
# (tests/testhelp, built for the case): misc minor 184 taken, the kernel's
# microcode directory with a reload or force_reload of its own.
testhelp_of() {
	local d=$top/build/testhelp-$1
	rm -rf "$d"
	mkdir -p "$d"
	cp "$here"/testhelp/* "$d/"
	make -s -C "$(kdir_of "$1")" M="$d" >&2 2> >(grep -v 'Skipping BTF' >&2) &&
		echo "$d/mcx_testhelp.ko"
}
if picked homes-6.1; then
	FAKE=y run_case "homes-6.1" 6.1 none homes --fw "$FWDIR/${fwfile[intel]}=${fwfile[intel]}" \
		--file "$(testhelp_of 6.1)=/test/mcx_testhelp.ko" \
		--file "$top/packaging/libexec/metrics=/test/metrics"
fi
# Debian sid's newest kernel (tests/sid.sh; 7.2 when written), whose own
# loader comes up in a PV dom0.
for c in intel-sid-xen4.20 amd-sid-xen4.20 bare-sid seam-sid native-sid; do
	picked "$c" || continue
	log "sid's kernel for the *-sid cases: $("$here/sid.sh" version)"
	break
done
run_case "intel-sid-xen4.20" sid 4.20 dom0 "${intel[@]}"
VENDOR=amd run_case "amd-sid-xen4.20" sid 4.20 dom0 --cpu EPYC "${amd[@]}" --xen-args "$amd_xen"
run_case "bare-sid" sid none bare
FAKE=y run_case "seam-sid" sid none seam --fw "$FWDIR/${fwfile[intel]}=${fwfile[intel]}"
FAKE=y run_case "native-sid" sid none native --cpu Skylake-Server,-hypervisor
# Xen's digest check on: a patch it has no digest for is no match.
VENDOR=amd run_case "amd-digest-6.1-xen4.20" 6.1 4.20 digest --cpu EPYC "${amd[@]}" \
	--xen-args "max_cstate=0"
# A PVH dom0 (AMD: Intel PVH needs VMX, which TCG lacks), on a host thread
# per vCPU: with both vCPUs in one thread (vm.sh's default) this case
# failed in 2 of 5 runs, once with dom0 dead in its entry code between two
# steps (a page fault on the entry stack, "ENTRY_TRAMPOLINE stack guard page
# was hit", in a shell reading xen_cpu0's files); with a thread per vCPU it
# passed 4 of 4 runs on the same day.
MCX_TCG_THREAD=multi RETRY_TRIPLE_FAULT=y VENDOR=amd run_case "amd-pvh-6.12-xen4.20" 6.12 4.20 dom0 --cpu EPYC,-rdtscp \
	--qemu-args "-device amd-iommu" "${amd[@]}" --xen-args "$amd_xen dom0=pvh"

# CPUs that take microcode (the test QEMU, tests/qemu.sh): real Xen's
# success path (tests/vm/success.sh).  The revisions: the emulated CPU's at
# boot, the one Debian's file carries for it, and an older one
# (build/blobs/VENDOR.old) to roll back to.
. "$here/xentools.sh"
declare -A rev_boot=([intel]=0x1 [amd]=0x1000065)
declare -A rev_new=([intel]=0x2007006 [amd]=0x800126f)
declare -A rev_old=([intel]=0x2007005 [amd]=0x8001200)
declare -A cpu_of=([intel]=Skylake-Server [amd]=EPYC)
declare -A early_of=([intel]=GenuineIntel [amd]=AuthenticAMD)
# success_case NAME KERNEL XEN VENDOR MODE [vm.sh options]: MODE as in
# success.sh (take, refuse, current, scan).
success_case() {
	local name=$1 k=$2 x=$3 v=$4 mode=$5 boot opts cpu xargs=''
	shift 5
	picked "$name" || return 0
	boot=${rev_boot[$v]} cpu=${cpu_of[$v]}
	[ "$v" = intel ] || xargs=$amd_xen
	opts=(--ucode take --fw "$FWDIR/${fwfile[$v]}=${fwfile[$v]}"
	      --file "$blobs/$v.old=/test/fw.old" --file "$top/packaging/libexec/metrics=/test/metrics")
	case $mode in
	take) mapfile -t -O ${#opts[@]} opts < <(xen_ucode_files "$k" "$x" | tr ' ' '\n') ;;
	refuse) opts[1]=refuse=1 ;;
	current)
		# The CPUs run the file's revision from power-on (QEMU's
		# ucode-rev: Intel keeps it in MSR 0x8b's high half).
		boot=${rev_new[$v]}
		if [ "$v" = intel ]; then cpu+=",ucode-rev=$((rev_new[$v] << 32))"; else cpu+=",ucode-rev=$((rev_new[$v]))"; fi ;;
	scan)
		opts+=(--early "$FWDIR/${fwfile[$v]}=kernel/x86/microcode/${early_of[$v]}.bin")
		xargs+=" ucode=scan" ;;
	esac
	VENDOR=$v CASE_ENV="MODE=$mode BOOT=$boot NEW=${rev_new[$v]} OLD=${rev_old[$v]}" \
		run_case "$name" "$k" "$x" success --cpu "$cpu" ${xargs:+--xen-args "$xargs"} "${opts[@]}" "$@"
}
for v in intel amd; do
	success_case "success-$v-6.1-xen4.17" 6.1 4.17 $v take
	success_case "success-$v-6.12-xen4.20" 6.12 4.20 $v take
done
success_case "partial-intel-6.1-xen4.17" 6.1 4.17 intel refuse
success_case "partial-intel-6.12-xen4.20" 6.12 4.20 intel refuse
success_case "current-intel-6.1-xen4.17" 6.1 4.17 intel current
success_case "current-intel-6.12-xen4.20" 6.12 4.20 intel current
success_case "scan-intel-6.1-xen4.17" 6.1 4.17 intel scan
success_case "scan-amd-6.12-xen4.20" 6.12 4.20 amd scan

# The debug kernels (tests/debug-kernel.sh, RELIABILITY): their cold builds
# and these cases take longer than the rest of make check, so they run only
# when asked for by name (make check-debug: tests/run-vm.sh debug); otherwise
# one line says so.  6.1-debug has KASAN, which cannot boot under Xen: it
# boots on its own with the test build, whose hypercalls go to the stand-in.
# 6.1-debug-nokasan (lockdep, kmemleak, UBSAN, SLUB debugging, fail-nth)
# boots as a PV dom0 on real Xen, and runs the stand-in's scenarios too.
# debug_case NAME KERNEL XEN SCENARIO [vm.sh options]: run_case for them.
debug_case() {
	if [ "$filter" = . ]; then
		log "NOT RUN: $1 (debug kernel $2); make check-debug runs it"
	elif ! picked "$1"; then
		:
	elif ! "$here/debug-kernel.sh" ready "$2"; then
		result fail "[run-vm] $1: no debug kernel $2 in $(dirname "$("$here/debug-kernel.sh" dir "$2")"): tests/debug-kernel.sh build $2 builds it (make check-debug does)"
	else
		# failnth.sh's helper, built when a case needs it; renamed into
		# place, since another run (check-debug.sh) may be using it.
		[ "$4" != failnth ] || [ "$top/build/failnth" -nt "$here/tools/failnth.c" ] || {
			gcc -static -O2 -Wall -Wextra -o "$top/build/failnth.$$" "$here/tools/failnth.c" &&
			mv -f "$top/build/failnth.$$" "$top/build/failnth"
		} || result fail "[run-vm] tests/tools/failnth.c does not build"
		# A host thread per vCPU, as when their timeouts and figures
		# (RELIABILITY) were measured: these cases have not run on
		# single-threaded TCG.
		MCX_TCG_THREAD=${MCX_TCG_THREAD:-multi} run_case "$@"
	fi
}
failnth=(--file "$top/build/failnth=/test/failnth")
# Under KASAN the insmod loop has 608 points (KASAN's own allocations
# among them) and the whole case took 8773 s beside two other VMs; each
# point that the module absorbs costs a load, an update and an unload
# that waits for the delayed kobject releases.
FAKE=y debug_case "failnth-6.1-debug" 6.1-debug none failnth --timeout 14400 \
	--fw "$FWDIR/${fwfile[intel]}=${fwfile[intel]}" "${failnth[@]}"
# The stand-in's scenarios on both.
for dbg in 6.1-debug 6.1-debug-nokasan; do
	for s in seam harden-seam; do
		FAKE=y debug_case "$s-$dbg" $dbg none $s --timeout 1800 \
			--fw "$FWDIR/${fwfile[intel]}=${fwfile[intel]}"
	done
done
dbg=6.1-debug-nokasan
for x in 4.17 4.20; do
	debug_case "intel-$dbg-xen$x" $dbg $x dom0 --timeout 1800 "${intel[@]}"
	debug_case "harden-$dbg-xen$x" $dbg $x harden --timeout 3600 "${harden[@]}"
done
# A PVH dom0 on one vCPU: with two, this kernel spends minutes with both
# in stop_machine during its boot under TCG (soft lockups, before init
# runs); Xen itself still has both CPUs.
RETRY_TRIPLE_FAULT=y VENDOR=amd debug_case "amd-pvh-$dbg-xen4.20" $dbg 4.20 dom0 --timeout 1800 \
	--cpu EPYC,-rdtscp --qemu-args "-device amd-iommu" "${amd[@]}" \
	--xen-args "$amd_xen dom0=pvh dom0_max_vcpus=1"
# Its insmod loop has 437 points: the whole case took 5772 s beside two
# other VMs (RELIABILITY).
debug_case "failnth-$dbg-xen4.20" $dbg 4.20 failnth --timeout 9000 \
	--fw "$FWDIR/${fwfile[intel]}=${fwfile[intel]}" "${failnth[@]}"
# The device write's loop alone (8 points), on the stand-in: a few
# minutes, for tests/mutants.sh's debug mutants (MUTANTS_DEBUG=1).
FAKE=y CASE_ENV="FAILNTH_ONLY=device" debug_case "failnth-device-$dbg" $dbg none failnth --timeout 1800 \
	--fw "$FWDIR/${fwfile[intel]}=${fwfile[intel]}" "${failnth[@]}"

while [ "${#running[@]}" -gt 0 ]; do
	reap_one
done
[ "$ncases" -gt 0 ] || result fail "[run-vm] no case matches /$filter/${skip:+ but not /$skip/}"
script_end
