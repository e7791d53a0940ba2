#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mutants.sh: proves that the tests can fail.  In copies of the tree
# (build/mutants/tree1, tree2...), each mutant below breaks one thing on
# purpose: the driver, the stand-in, a scenario, a host check, the helper,
# the test machinery.  The cases the mutant affects are run (tests/run-vm.sh
# in a copy), and the mutant is caught only if the check it names (a regular
# expression over the run's "not ok" lines) failed: a run that failed in
# another way (a build break, a timeout, a flaky boot) does not count.
# Every mutant must be caught.  First the same cases run unchanged in the
# copies and must pass, so that a copy that is broken anyway proves nothing.
#
# Only cheap cases are used: the bare kernel (bare-6.1, ~10 s) for the
# machinery's own checks, the stand-in (seam-6.1, ~20 s a boot), one
# real-Xen case for a host-side check (amd-digest-6.1-xen4.20) and sid's
# Intel dom0 (~30 s) for the directory it shares with the kernel, and the
# stand-in's hardening scenario (harden-seam-6.1) for the order of rmmod
# and the stress helper; for the package, its own checks without a system
# (tests/distro.sh package, about a minute) and the user-space tests of its
# shell functions (tests/unit.sh, a second).  MUTANTS_JOBS copies (default
# 2) run side by side, one VM each; MUTANTS_ONLY, a regular expression,
# picks mutants by name.
#
# The mutants named debug-* run on a debug kernel (tests/debug-kernel.sh):
# only with MUTANTS_DEBUG=1, as make check-debug runs them, and then alone
# (in build/mutants-debug); otherwise one line says they were not run.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
top=$(cd "$here/.." && pwd)
dbg=${MUTANTS_DEBUG:+1}
work=$top/build/mutants${dbg:+-debug}
t0=$(date +%s)
jobs=${MUTANTS_JOBS:-2}
only=${MUTANTS_ONLY:-.}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "MUTANTS_JOBS must be a number, not '$jobs'"

rm -rf "$work"
mkdir -p "$work/tree1" "$work/ok"
tree=$work/tree1
# The tree as it is now (git's files, committed or not), or all but build/
# where this is no git checkout.
if files=$(cd "$top" && git ls-files -z --cached --others --exclude-standard 2>/dev/null | tr '\0' '\n') &&
   [ -n "$files" ]; then
	while IFS= read -r f; do
		[ -e "$top/$f" ] && (cd "$top" && cp -a --parents "$f" "$tree")
	done <<<"$files"
else
	tar -C "$top" --exclude=./build -cf - . | tar -C "$tree" -xf -
fi
[ -x "$tree/tests/run-vm.sh" ] || die "could not copy the tree to $tree"
for ((j = 2; j <= jobs; j++)); do
	cp -a "$tree" "$work/tree$j"
done

# run_cases TREE LOG REGEX [VAR=VALUE...]: tests/run-vm.sh REGEX in TREE,
# one VM at a time, as a run of its own (not part of this script's count);
# its exit status.
# CASES ^distro:NAME$: tests/distro.sh NAME instead (NAME package: the
# package's own checks, no system booted); ^unit$: tests/unit.sh.
run_cases() {
	local t=$1 log=$2 re=$3 cmd
	shift 3
	case $re in
	'^unit$') cmd=("$t/tests/unit.sh") ;;
	'^distro:'*) re=${re#^distro:}; cmd=("$t/tests/distro.sh" "${re%\$}") ;;
	*) cmd=("$t/tests/run-vm.sh" "$re"); set -- RUN_VM_JOBS=1 "$@" ;;
	esac
	env -u RESULTS -u RUN_ALL "$@" "${cmd[@]}" > "$log" 2>&1
}
elapsed() { echo "$(( $(date +%s) - t0 )) s"; }

# spawn NAME FUNC ARGS...: FUNC TREE ARGS... in the background in a free
# copy of the tree (waiting for one), its output in $work/NAME.out; reap
# prints it when it ends and adds its count to this script's.
declare -A busy=() pid_slot=() pid_name=()
spawn() {
	local name=$1 slot
	shift
	while :; do
		for ((slot = 1; slot <= jobs; slot++)); do
			[ -n "${busy[$slot]:-}" ] || break 2
		done
		reap
	done
	( npass=0 nfail=0
	  "$@" "$work/tree$slot"
	  echo "$npass $nfail" > "$work/$name.count" ) > "$work/$name.out" 2>&1 &
	busy[$slot]=$!
	pid_slot[$!]=$slot
	pid_name[$!]=$name
}
reap() {
	local pid= name p f
	wait -n -p pid "${!pid_slot[@]}"
	[ -n "$pid" ] || die "lost a background run"
	name=${pid_name[$pid]}
	unset "busy[${pid_slot[$pid]}]" "pid_slot[$pid]" "pid_name[$pid]"
	cat "$work/$name.out"
	if read -r p f < "$work/$name.count" 2>/dev/null; then
		npass=$((npass + p)) nfail=$((nfail + f))
	else
		result fail "[mutants] $name: its run ended before its count ($work/$name.out)"
	fi
}
reap_all() { while [ "${#pid_slot[@]}" -gt 0 ]; do reap; done; }

seam='^seam-6\.1$'
digest='^amd-digest-6\.1-xen4\.20$'
sid='^intel-sid-xen4\.20$'
hseam='^harden-seam-6\.1$'
homes='^homes-6\.1$'
bare='^bare-6\.1$'
pkg='^distro:package$'
unit='^unit$'
# The device write's fail-nth loop alone, on the stand-in (debug kernel).
fdev='^failnth-device-6\.1-debug-nokasan$'
# The cases of the mutants picked (mutant NAME CASES ...), in the order
# the mutants come, from this file itself.
needed=$(awk -v only="$only" -v dbg="${dbg:-0}" '$1 ~ /^mutant(_rename)?$/ && $2 ~ only &&
	($2 ~ /^debug-/) == dbg {print $3}' "$0" | tr -d '"$' | sort -u)

# case_of CASES: the one case that the regular expression CASES names.
case_of() { sed 's/^\^//; s/\$$//; s/\\//g' <<<"$1"; }

# passed_here CASES: under make check, run-vm.sh ran the one case CASES
# names earlier in the same run, from the same files, and it passed.
passed_here() {
	local name p f
	[ -n "${RUN_ALL_T0:-}" ] || return 1
	name=$(case_of "$1")
	f=$top/build/vm/$name/counts
	[ -f "$f" ] && [ "$(stat -c %Y "$f")" -ge "$RUN_ALL_T0" ] && read -r p f < "$f" &&
		[ "${p:-0}" -gt 0 ] && [ "$f" = 0 ]
}

# baseline TREE CASES: the cases pass unchanged.  Under make check a case
# that run-vm.sh has just passed is not run again.
baseline() {
	local cases=$1 t=$2 log=$work/baseline-$(tr -dc 'a-z0-9.-' <<<"$1").log
	if passed_here "$cases"; then
		result pass "[mutants] baseline: /$cases/ passed in this make check's run-vm.sh, from the same files"
		touch "$work/ok/$(tr -dc 'a-z0-9.-' <<<"$cases")"
		cp "$top/build/vm/$(case_of "$cases")/serial.txt" "$work/ok/$(case_of "$cases").serial"
		return
	fi
	log "baseline: $cases, unchanged ($(elapsed))"
	if run_cases "$t" "$log" "$cases"; then
		result pass "[mutants] baseline: /$cases/ passes in the copy ($(tail -n 1 "$log"))"
		touch "$work/ok/$(tr -dc 'a-z0-9.-' <<<"$cases")"
		[ ! -e "$t/build/vm/$(case_of "$cases")/serial.txt" ] ||
			cp "$t/build/vm/$(case_of "$cases")/serial.txt" "$work/ok/$(case_of "$cases").serial"
	else
		result fail "[mutants] baseline: /$cases/ fails in the copy, unchanged; its mutants prove nothing:"
		grep '^not ok' "$log" | head -n 10 | sed 's/^/#   /'
	fi
}
for v in $needed; do
	cases=${!v}
	spawn "baseline-$v" baseline "$cases"
done
reap_all

# last_step SERIAL CHECK: the scenario's step of the last "ok" line that
# CHECK matches in the baseline's serial log SERIAL; nothing if none does
# (a check of the host's, of Xen's side, of the run itself).  A mutant whose
# check is a scenario's runs the scenario up to that step only
# (RUN_VM_LAST_STEP): what comes later cannot change it.
last_step() {
	local n
	[ -f "$1" ] || return 0
	n=$(grep -nE -- "^ok [0-9]+ - .*($2)" "$1" | tail -n 1 | cut -d: -f1)
	# A check named with its failure's words ("DESC: what was seen"): DESC.
	[ -n "$n" ] || [[ $2 != *": "* ]] ||
		n=$(grep -nE -- "^ok [0-9]+ - .*(${2%%: *})" "$1" | tail -n 1 | cut -d: -f1)
	[ -n "$n" ] || return 0
	awk -v n="$n" 'NR > n {exit} /^@@step / {s = $2} END {print s}' "$1"
}

# try NAME CASES CHECK ENV FILE KIND ARG1 ARG2 TREE: one mutant in TREE.
# KIND text: replace the one ARG1 in FILE with ARG2; KIND rename: move FILE
# to ARG1.  ENV: VAR=VALUE words for run-vm.sh.  FILE is restored after.
try() {
	local name=$1 cases=$2 check=$3 envs=$4 file=$5 kind=$6 a1=$7 a2=$8 t=$9
	local out=$work/$name.log path=$t/$5 hit last
	if [ ! -e "$work/ok/$(tr -dc 'a-z0-9.-' <<<"$cases")" ]; then
		result fail "[mutants] $name: not tried, its cases /$cases/ fail unchanged"
		return
	fi
	cp -a "$path" "$work/$name.orig"
	case $kind in
	text)
		if ! OLD=$a1 NEW=$a2 python3 - "$path" <<'PY'
import os, sys
p = sys.argv[1]
s = open(p).read()
if s.count(os.environ["OLD"]) != 1:
    sys.exit(1)
open(p, "w").write(s.replace(os.environ["OLD"], os.environ["NEW"]))
PY
		then
			result fail "[mutants] $name: does not apply (the text to break is not in $file exactly once)"
			return
		fi ;;
	rename) mv "$path" "$t/$a1" ;;
	esac
	# A mutant of a host file (ENV HOST=y) boots nothing: the host file
	# reads the baseline's log.
	if [[ " $envs " == *" HOST=y "* ]]; then
		envs=${envs//HOST=y/RUN_VM_SERIAL=$work/ok/$(case_of "$cases").serial}
	else
		last=$(last_step "$work/ok/$(case_of "$cases").serial" "$check")
		envs+=${last:+ RUN_VM_LAST_STEP=$last}
	fi
	log "mutant $name: $file, running /$cases/${last:+ up to step $last}$([[ $envs != *RUN_VM_SERIAL* ]] || echo " on the baseline's log") ($(elapsed))"
	# shellcheck disable=SC2086 # VAR=VALUE words
	if run_cases "$t" "$out" "$cases" $envs; then
		result fail "[mutants] $name survived: /$cases/ passed with $file broken; see $out"
	# One grep, no pipe: under pipefail "grep | grep -m1" fails when the
	# first grep still writes after the second found its line (SIGPIPE:
	# seen with more than 4 KiB of failures).
	elif hit=$(grep -Em1 -- "^not ok .*($check)" "$out"); then
		result pass "[mutants] $name caught by its check: ${hit:0:160}"
	else
		result fail "[mutants] $name: /$cases/ failed, but not the check /$check/ that must catch it; see $out:"
		grep '^not ok' "$out" | head -n 5 | sed 's/^/#   /'
	fi
	[ "$kind" != rename ] || rm -f "$t/$a1"
	cp -a "$work/$name.orig" "$path"
}
# mutant NAME CASES CHECK FILE OLD NEW [ENV]: replaces the one OLD in FILE
# (a path in the tree) with NEW, runs CASES (with ENV's VAR=VALUE words)
# and restores FILE; CHECK must be among the failures.
# picked NAME: the mutant NAME is to run here.
picked() {
	[[ $1 =~ $only ]] || return 1
	if [[ $1 == debug-* ]] && [ -z "$dbg" ]; then
		log "NOT RUN: mutant $1 (debug kernel); make check-debug runs it"
		return 1
	fi
	[[ $1 == debug-* ]] || [ -z "$dbg" ]
}
mutant() {
	picked "$1" || return 0
	spawn "$1" try "$1" "$2" "$3" "${7:-}" "$4" text "$5" "$6"
}
# mutant_rename NAME CASES CHECK FILE NEWFILE [ENV]: the same, FILE moved away.
mutant_rename() {
	picked "$1" || return 0
	spawn "$1" try "$1" "$2" "$3" "${6:-}" "$4" rename "$5" ""
}

nl=$'\n'
# Each mutant names the check that must catch it (an ERE over "not ok" lines).
end='the scenario did not run to its end'
# In sid's (7.2's) PV dom0 the driver refuses the kernel's empty directory.
mutant shared-dir-refused "$sid" "insmod in dom0 succeeds" microcode_xen.c \
	"	pr_info(\"the kernel's loader came up without late loading in this PV dom0" \
	"	return -EBUSY;$nl	pr_info(\"the kernel's loader came up without late loading in this PV dom0"
# At rmmod the driver removes the kernel's own (empty) directory with its
# files: comparing listings, '' before and '' after, could not tell.
mutant shared-dir-deleted "$sid" "the kernel's .* is left as it was" microcode_xen.c \
	"		sysfs_unmerge_group(&mcx_cpu_root->kobj, &mcx_shared_group);$nl" \
	"		sysfs_remove_group(&mcx_cpu_root->kobj, &mcx_shared_group);$nl"
# The machinery's own checks (the scenario's end, the crash check) are the
# same for every case: they are tried on the shortest, the bare kernel's.
# The scenario stops halfway: a line busybox sh rejects.
mutant scenario-cut-short "$bare" "$end" tests/vm/bare.sh \
	"${nl}check \"no /dev/cpu/microcode\"" "${nl}echo (${nl}check \"no /dev/cpu/microcode\""
# The scenario's shell exits non-zero after its last check.
mutant scenario-exit-status "$bare" "$end: .*exit status '1'" tests/vm/bare.sh \
	"${nl}finish$nl" "${nl}finish${nl}false$nl"
# Build errors, in the stand-in and in the helper.
mutant build-error-fake-hv "$seam" "vm.sh failed: exit status" tests/fake_hv.h \
	"#define MICROCODE_XEN_FAKE_HV_H$nl" "#define MICROCODE_XEN_FAKE_HV_H$nl#error mutant$nl"
mutant build-error-mcxio "$seam" "vm.sh failed: exit status" tests/tools/mcxio.c \
	"#include <stdio.h>$nl" "#include <stdio.h>$nl#error mutant$nl"
# The update lock removed: updates reach the hypervisor concurrently.
mutant mutex-removed "$seam" "at most 1 update was in the hypervisor at once" microcode_xen.c \
	"static DEFINE_MUTEX(mcx_update_lock);$nl" \
	"static DEFINE_MUTEX(mcx_update_lock);$nl#define mutex_lock_interruptible(l) 0$nl#define mutex_lock(l) do { } while (0)$nl#define mutex_unlock(l) do { } while (0)$nl"
# Every xen_cpuN reads physical CPU 0.
mutant xen-cpu-reads-cpu0 "$seam" "xen_cpu1 shows physical CPU 1's own signature" microcode_xen.c \
	"mcx_hv_ucode_revision(pcpu->cpu, r)" "mcx_hv_ucode_revision(0, r)"
# The vendor file chosen from physical CPU 1, not the boot CPU.
mutant file-from-cpu1 "$seam" "the file is chosen from what Xen reports of the physical CPU" microcode_xen.c \
	"mcx_hv_cpu_version(0, &v)" "mcx_hv_cpu_version(1, &v)"
# No uevent after a /dev/cpu/microcode write (only after reload).
mutant no-uevent-for-device "$seam" "its KOBJ_CHANGE names the writer" microcode_xen.c \
	"	mcx_notify(src, ret, known ? &after : NULL, &t);$nl" \
	"	if (src[0] != '/')$nl		mcx_notify(src, ret, known ? &after : NULL, &t);$nl"
# Every reader of xen_cpuN asks Xen, not only one with CAP_SYS_RAWIO.
mutant unprivileged-reads-ask-xen "$seam" "nobody sees Xen's last answer" microcode_xen.c \
	"bool fresh = ns_capable_noaudit(&init_user_ns, CAP_SYS_RAWIO);" "bool fresh = true;"
# A failed update (Xen's error) sends no uevent, as only success did once.
mutant failure-silent "$seam" "a uevent tells what changed" microcode_xen.c \
	"	mcx_notify(src, ret, known ? &after : NULL, &t);$nl" \
	"	if (!xen)$nl		mcx_notify(src, ret, known ? &after : NULL, &t);$nl"
# The writer's errno is not kept for last_update_result.
mutant last-result-lost "$seam" "last_update_result holds the writer's errno" microcode_xen.c \
	"	mcx_last.result = ret;$nl" "	mcx_last.result = 0;$nl"
# Xen's FLASK refusal told as the old "interface version" EPROTO.
mutant flask-as-eproto "$seam" "Xen's -13 reaches reload as EACCES" microcode_xen.c \
	"{ -EACCES, -EACCES," "{ -EACCES, -EPROTO,"
# Xen's -EFAULT on the writer's buffer is final: no retry from a kernel mapping.
mutant no-kernel-mapping-retry "$seam" "sent once more, from a kernel mapping" microcode_xen.c \
	"	if (xen != -EFAULT)$nl		return xen;$nl	map = vmap" "	return xen;$nl	map = vmap"
# At rmmod the xen_cpuN list goes before the reload files, which a reload
# in flight still holds: its tally walks a list being freed.
mutant pcpus-freed-first "$hseam" "the reload in flight still counted every CPU after rmmod began" microcode_xen.c \
	"		sysfs_remove_group(mcx_kobj, &mcx_group);$nl		mcx_remove_pcpus();$nl" \
	"		mcx_remove_pcpus();$nl		sysfs_remove_group(mcx_kobj, &mcx_group);$nl"
# A stress worker killed after its calls: its status was never read.
mutant stress-worker-killed "$hseam" "4 writers at once, each update taking 1 s: all served in turn" \
	tests/tools/mcxio.c \
	"				r->done = 1;$nl			}$nl			_exit(0);" \
	"				r->done = 1;$nl			}$nl			raise(SIGKILL);"
# A wait for something that never comes (the write goes elsewhere) ends
# as a check of its step failing, not as the host's "QEMU timed out".
# A wait of 5 s, not 60, and nothing after the step: a check that only
# fails (wait_until) has no "ok" line to find its step by.
mutant busy-wait-named "$hseam" "the device write reached the stand-in: still not so" \
	tests/vm/harden-seam.sh "mcxio send \$DEV /tmp/fw > /tmp/writer" "mcxio send /dev/null /tmp/fw > /tmp/writer" \
	"RUN_VM_WAIT_S=5 RUN_VM_LAST_STEP=rmmod-write"
# An out-of-memory kill while the scenario runs.
mutant oom-kill "$bare" "Oops, BUG, WARNING, trace or OOM kill" tests/vm/bare.sh \
	"${nl}finish$nl" \
	"${nl}echo 'Out of memory: Killed process 1 (init)' > /dev/console${nl}finish$nl"
# Mutants of digest.host, Xen's side, which reads the serial log: each is
# judged on the baseline's log (HOST=y), with no boot.
# A host check of a step that does not exist (misspelt).
mutant misspelt-step "$digest" "step unknwon is marked 0 times" tests/vm/digest.host \
	"xen_silent unknown " "xen_silent unknwon " HOST=y
# A host file that stops after its first check: a line bash rejects, then
# an early return.  Its later checks were lost without a word.
mutant host-file-syntax "$digest" "digest.host (does not parse|did not run to its end)" \
	tests/vm/digest.host "${nl}xen_said unknown " "${nl}fi${nl}xen_said unknown " HOST=y
mutant host-file-returns "$digest" "digest.host did not run to its end" \
	tests/vm/digest.host "${nl}xen_said unknown " "${nl}return 0${nl}xen_said unknown " HOST=y
# The host file renamed: a real-Xen case without Xen's side checked.
mutant_rename host-file-renamed "$digest" "no tests/vm/digest.host" \
	tests/vm/digest.host tests/vm/digest.host.old HOST=y
# A boot that dies in the middle of a step (here: the first), as a PVH dom0
# once triple-faulted, is not retried: that is where the driver runs.
# vm.sh fakes it once per case; the case is retried only if that counts.
mutant retry-mid-step "$seam" "$end" tests/vm.sh \
	"	sleep 0.5$nl	if grep -q '^@@done'" \
	"	sleep 0.5$nl	if [ ! -e \"\$out/.mutant\" ] && grep -q '^@@step ' \"\$serial\"; then touch \"\$out/.mutant\"; echo '(XEN) d0v0 Triple fault - invoking HVM shutdown action' >> \"\$serial\"; why=boot; break; fi$nl	if grep -q '^@@done'" \
	RETRY_TRIPLE_FAULT=y
# --- Real Xen's success path and the driver's verdicts after it ---
# The tally compares with Xen's last answer, not the revision right before
# the call: what xen-ucode did is called a partial update of this reload.
mutant stale-tally-baseline "$seam" "no partial update is claimed, and the uevent says 0 CPUs changed" \
	microcode_xen.c \
	"		pcpu->base_known = !mcx_pcpu_refresh(pcpu, &r);$nl		pcpu->base = r.revision;$nl" \
	"		pcpu->base_known = !pcpu->err;$nl		pcpu->base = pcpu->rev.revision;$nl"
# (Real Xen catches both as well: success-intel-6.12-xen4.20's "no partial
# update is claimed: xen-ucode's work is not this reload's", and
# partial-intel-6.12-xen4.20's "a reload in the mixed state is not 'up to
# date'"; the stand-in's boot is the cheaper proof.)
# In a mixed state Xen's "up to date" is taken at its word.
mutant mixed-called-up-to-date "$seam" "on a mixed host Xen says up to date, which is not" microcode_xen.c \
	"	if (xen && v && !v->ret && t.lagging)$nl" "	if (0)$nl"
# dom0's record of its CPUs' revision (/proc/cpuinfo) is left at boot's.
mutant cpuinfo-not-refreshed "$seam" "/proc/cpuinfo gives the new revision for every CPU" microcode_xen.c \
	"	mcx_refresh_cpuinfo(&t);$nl" ""
# Xen 4.17: the signature read as EOPNOTSUPP like the revision.
mutant signature-lost-before-4.18 "$seam" "each signature comes from XENPF_get_cpu_version" microcode_xen.c \
	"	if (ret == -MCX_XEN_ENOSYS && field == MCX_SIGNATURE && pcpu->signature) {" "	if (0) {"
# No change event once xen_cpuN exist when no update was sent at load.
mutant no-ready-event "$seam" "a change event for the misc device follows" microcode_xen.c \
	"	if (!told)$nl" "	if (0)$nl"
# Xen's release not logged at load.
mutant no-xen-release "$seam" "the load names the hypervisor's release" microcode_xen.c \
	"	mcx_log_xen_version();$nl" ""
# A "-pre" build judged by its own patch level only: 4.20.3-pre may be 4.20.2.
mutant pre-release-one-level "$seam" "Xen 4.20.3-pre: its -16 may mean up to date" microcode_xen.c \
	"	return mcx_stale_at(xen, mcx_xen.patch_lo) || mcx_stale_at(xen, mcx_xen.patch_hi);" \
	"	return mcx_stale_at(xen, mcx_xen.patch_hi);"
# Xen's -EBUSY on a revision read passed through as EBUSY.
mutant revision-busy-as-is "$seam" "reads as EAGAIN" microcode_xen.c \
	"		return -EAGAIN;$nl	case -ENODATA:" "		return ret;$nl	case -ENODATA:"
# An update during the module's load walks the list of CPUs while it grows.
mutant init-race "$seam" "tally saw all 4 CPUs" microcode_xen.c \
	"	ret = mcx_add_sysfs(cpu_root);$nl" \
	"	mutex_unlock(&mcx_update_lock);$nl	ret = mcx_add_sysfs(cpu_root);$nl	mutex_lock(&mcx_update_lock);$nl"
# A branch of the scenario skipped (iucode_tool not found): the scenario's
# own count drops with it, the plan's does not.
mutant plan-branch-skipped "$sid" "the checks made are not the plan's" tests/vm/dom0.sh \
	'[ "$VENDOR" = intel ] && [ -x /usr/sbin/iucode_tool ]' '[ "$VENDOR" = intel ] && [ -x /usr/sbin/iucode_tool.gone ]'
# --- Another driver or the kernel's own loader first (tests/testhelp) ---
mutant kernel-reload-refused "$homes" "homes-6.1\] insmod succeeds" microcode_xen.c \
	"		mcx_home = MCX_HOME_DEVICE;$nl		return 0;$nl" "		return -EBUSY;$nl"
mutant force-reload-not-probed "$homes" "insmod succeeds.*step kernel-force_reload" microcode_xen.c \
	"mcx_kernel_has(dir, \"reload\") || mcx_kernel_has(dir, \"force_reload\")" "mcx_kernel_has(dir, \"reload\")"
mutant minor-taken-as-ebusy "$homes" "insmod fails with EADDRINUSE" microcode_xen.c \
	"		if (ret == -EBUSY)$nl			ret = -EADDRINUSE;$nl" ""
# --- The package's own checks (tests/distro.sh package, no system) ---
# The same version for both Debian releases' builds: one repository
# cannot hold both.
mutant deb-one-version "$pkg" "each Debian release's build has its own version" Makefile \
	"echo \"~deb\$\$VERSION_ID\")" "echo \"~deb\")"
# EBUSY on bookworm's Xen 4.17.7 taken for a failure: the example alert
# would fire on every up-to-date bookworm host without ucode=scan.
mutant alert-busy-on-4.17 "$pkg" "Xen 4\.17\.7, errno 16, revisions -: MicrocodeUpdateFailed silent" \
	packaging/libexec/metrics "			4.17 | 4.18) [ \"\$p\" -lt 6 ] || return 0 ;;" \
	"			4.18) [ \"\$p\" -lt 6 ] || return 0 ;;"
# The initramfs hooks ask for the vendor's package although its files are
# there (none for this CPU: Debian's amd64-microcode and AMD family 1Ah).
mutant hint-asks-installed "$unit" "has files, none for this CPU: the hook says" \
	packaging/share/functions "	if [ -n \"\$(ls -A \"\$MCX_FW/\$1\" 2>/dev/null)\" ]; then" "	if false; then"
# --- On a debug kernel (MUTANTS_DEBUG=1) ---
# A call after an allocation failure trips over what the failure left (a
# warning in the next normal call): fail-nth's loop must read dom0's log
# after that call too, before the next injection clears it.
mutant debug-failnth-follow-up-warning "$fdev" "device: no sanitizer report, lockdep report or warning after any injection" \
	microcode_xen.c "	b->pages = kvmalloc_array(b->npages, sizeof(*b->pages), GFP_KERNEL);$nl" \
	"	b->pages = kvmalloc_array(b->npages, sizeof(*b->pages), GFP_KERNEL);$nl	{$nl		static bool failed;$nl$nl		WARN_ON_ONCE(b->pages && failed);$nl		failed = !b->pages;$nl	}$nl"
# The xen_cpuN directories with a release function of the module's, as
# before 1f78060: DEBUG_KOBJECT_RELEASE runs it 1 to 4 s after the last
# kobject_put(), after rmmod has freed the module when its delay outlasts
# the module's own kobjects' (a crash in some runs of a debug kernel, not
# in every one: this mutant once survived harden-seam-6.1-debug-nokasan).
# The kprobe of harden-seam.sh sees the release function on every run.
mutant module-owned-release "$hseam" "every xen_cpuN directory is released by the kernel's own function" \
	microcode_xen.c \
	"static int mcx_add_pcpu(u32 cpu)${nl}{${nl}" \
	"static void mcx_mut_release(struct kobject *kobj)${nl}{${nl}	kfree(kobj);${nl}}${nl}${nl}\
static struct kobj_type mcx_mut_ktype = {${nl}	.release = mcx_mut_release,${nl}	.sysfs_ops = &kobj_sysfs_ops,${nl}};${nl}${nl}\
static struct kobject *mcx_mut_create(const char *name, struct kobject *parent)${nl}{${nl}\
	struct kobject *kobj = kzalloc(sizeof(*kobj), GFP_KERNEL);${nl}${nl}\
	if (kobj && kobject_init_and_add(kobj, &mcx_mut_ktype, parent, \"%s\", name)) {${nl}\
		kobject_put(kobj);${nl}		kobj = NULL;${nl}	}${nl}	return kobj;${nl}}${nl}${nl}\
static int mcx_add_pcpu(u32 cpu)${nl}{${nl}#define kobject_create_and_add mcx_mut_create${nl}"
reap_all

log "all mutants done in $(elapsed)"
script_end
