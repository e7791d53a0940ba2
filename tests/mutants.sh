#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mutants.sh: proves that the tests can fail.  In a copy of the tree
# (build/mutants/tree), each mutant below breaks one thing on purpose: the
# driver, the stand-in, a scenario, a host check, the helper.  The cases the
# mutant affects are run (tests/run-vm.sh in the copy), and the mutant is
# caught if that run fails.  Every mutant must be caught.  First the same
# cases run unchanged in the copy and must pass, so that a copy that is
# broken anyway proves nothing; the mutants then run over its logs and
# builds, as a second run of make check would.
#
# Only cheap cases are used: the stand-in (seam-6.1, ~20 s a boot), one
# real-Xen case for a host-side check (amd-digest-6.1-xen4.20) and 7.2's
# Intel dom0 (~30 s) for the directory it shares with the kernel, and the
# stand-in's hardening scenario (harden-seam-6.1) for the order of rmmod.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
top=$(cd "$here/.." && pwd)
work=$top/build/mutants
tree=$work/tree
t0=$(date +%s)

rm -rf "$work"
mkdir -p "$tree"
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

# run_cases LOG REGEX: tests/run-vm.sh REGEX in the copy, as a run of its
# own (not part of this script's count); its exit status.
run_cases() {
	env -u RESULTS -u RUN_ALL "$tree/tests/run-vm.sh" "$2" > "$1" 2>&1
}
elapsed() { echo "$(( $(date +%s) - t0 )) s"; }

seam='^seam-6\.1$'
digest='^amd-digest-6\.1-xen4\.20$'
sid='^intel-7\.2-xen4\.20$'
hseam='^harden-seam-6\.1$'
ok_base=()
for cases in "$seam" "$digest" "$sid" "$hseam"; do
	log "baseline: $cases, unchanged ($(elapsed))"
	if run_cases "$work/baseline.log" "$cases"; then
		result pass "[mutants] baseline: /$cases/ passes in the copy ($(tail -n 1 "$work/baseline.log"))"
		ok_base+=("$cases")
	else
		result fail "[mutants] baseline: /$cases/ fails in the copy, unchanged; its mutants prove nothing:"
		grep '^not ok' "$work/baseline.log" | head -n 10 | sed 's/^/#   /'
	fi
done

# mutant NAME CASES FILE OLD NEW: replaces the one OLD in FILE (a path in
# the tree) with NEW, runs CASES and restores FILE.
mutant() {
	local name=$1 cases=$2 file=$tree/$3 old=$4 new=$5 out=$work/$1.log
	case " ${ok_base[*]} " in
	*" $cases "*) ;;
	*) result fail "[mutants] $name: not tried, its cases /$cases/ fail unchanged"; return ;;
	esac
	cp -a "$file" "$file.orig"
	if ! OLD=$old NEW=$new python3 - "$file" <<'PY'
import os, sys
p = sys.argv[1]
s = open(p).read()
if s.count(os.environ["OLD"]) != 1:
    sys.exit(1)
open(p, "w").write(s.replace(os.environ["OLD"], os.environ["NEW"]))
PY
	then
		result fail "[mutants] $name: does not apply (the text to break is not in $3 exactly once)"
		mv "$file.orig" "$file"
		return
	fi
	log "mutant $name: $3, running /$cases/ ($(elapsed))"
	if run_cases "$out" "$cases"; then
		result fail "[mutants] $name survived: /$cases/ passed with $3 broken; see $out"
	else
		result pass "[mutants] $name caught ($(tail -n 1 "$out")): $(grep -m1 -E '^not ok|error' "$out" | cut -c1-150)"
	fi
	mv "$file.orig" "$file"
}

nl=$'\n'
# The scenario stops halfway: a line busybox sh rejects.
mutant scenario-cut-short "$seam" tests/vm/seam.sh \
	"${nl}step success$nl" "${nl}echo (${nl}step success$nl"
# The scenario's shell exits non-zero after its last check.
mutant scenario-exit-status "$seam" tests/vm/seam.sh \
	"${nl}finish$nl" "${nl}finish${nl}false$nl"
# Build errors, in the stand-in and in the helper.
mutant build-error-fake-hv "$seam" tests/fake_hv.h \
	"#define MICROCODE_XEN_FAKE_HV_H$nl" "#define MICROCODE_XEN_FAKE_HV_H$nl#error mutant$nl"
mutant build-error-mcxio "$seam" tests/tools/mcxio.c \
	"#include <stdio.h>$nl" "#include <stdio.h>$nl#error mutant$nl"
# The update lock removed: updates reach the hypervisor concurrently.
mutant mutex-removed "$seam" microcode_xen.c \
	"static DEFINE_MUTEX(mcx_update_lock);$nl" \
	"static DEFINE_MUTEX(mcx_update_lock);$nl#define mutex_lock_interruptible(l) 0$nl#define mutex_lock(l) do { } while (0)$nl#define mutex_unlock(l) do { } while (0)$nl"
# Every xen_cpuN reads physical CPU 0.
mutant xen-cpu-reads-cpu0 "$seam" microcode_xen.c \
	"mcx_hv_ucode_revision(pcpu->cpu, r)" "mcx_hv_ucode_revision(0, r)"
# The vendor file chosen from physical CPU 1, not the boot CPU.
mutant file-from-cpu1 "$seam" microcode_xen.c \
	"mcx_hv_cpu_version(0, &v)" "mcx_hv_cpu_version(1, &v)"
# No uevent after a /dev/cpu/microcode write (only after reload).
mutant no-uevent-for-device "$seam" microcode_xen.c \
	"	mcx_notify(src, ret, known ? &after : NULL, &t);$nl" \
	"	if (src[0] != '/')$nl		mcx_notify(src, ret, known ? &after : NULL, &t);$nl"
# Every reader of xen_cpuN asks Xen, not only one with CAP_SYS_RAWIO.
mutant unprivileged-reads-ask-xen "$seam" microcode_xen.c \
	"	if (capable(CAP_SYS_RAWIO)) {$nl		ret = mcx_pcpu_refresh" \
	"	if (1) {$nl		ret = mcx_pcpu_refresh"
# A failed update (Xen's error) sends no uevent, as only success did once.
mutant failure-silent "$seam" microcode_xen.c \
	"	mcx_notify(src, ret, known ? &after : NULL, &t);$nl" \
	"	if (!xen)$nl		mcx_notify(src, ret, known ? &after : NULL, &t);$nl"
# The writer's errno is not kept for last_update_result.
mutant last-result-lost "$seam" microcode_xen.c \
	"	mcx_last.result = ret;$nl" "	mcx_last.result = 0;$nl"
# Xen's FLASK refusal told as the old "interface version" EPROTO.
mutant flask-as-eproto "$seam" microcode_xen.c \
	"{ -EACCES, -EACCES," "{ -EACCES, -EPROTO,"
# In 7.2's PV dom0 the driver refuses the kernel's empty directory.
mutant shared-dir-refused "$sid" microcode_xen.c \
	"	*share = true;$nl" "	return -EBUSY;$nl"
# Xen's -EFAULT on the writer's buffer is final: no retry from a kernel mapping.
mutant no-kernel-mapping-retry "$seam" microcode_xen.c \
	"	if (xen != -EFAULT)$nl		return xen;$nl	map = vmap" "	return xen;$nl	map = vmap"
# At rmmod the xen_cpuN list goes before the reload files, which a reload
# in flight still holds: its tally walks a list being freed.
mutant pcpus-freed-first "$hseam" microcode_xen.c \
	"		sysfs_remove_group(mcx_kobj, &mcx_group);$nl		mcx_remove_pcpus();$nl" \
	"		mcx_remove_pcpus();$nl		sysfs_remove_group(mcx_kobj, &mcx_group);$nl"
# An out-of-memory kill while the scenario runs.
mutant oom-kill "$seam" tests/vm/seam.sh \
	"${nl}step unload$nl" \
	"${nl}echo 'Out of memory: Killed process 1 (init)' > /dev/console${nl}step unload$nl"
# A host check of a step that does not exist (misspelt).
mutant misspelt-step "$digest" tests/vm/digest.host \
	"xen_silent unknown " "xen_silent unknwon "

log "all mutants done in $(elapsed)"
script_end
