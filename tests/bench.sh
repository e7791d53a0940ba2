#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh [FILTER]: make bench.  One VM boot per configuration (Xen, dom0
# kernel, vendor file), in which tests/bench/scenario.sh times every way of
# getting the file to Xen in alternating rounds: the driver's reload and
# /dev/cpu/microcode, the reference module's bare paths (tests/bench), Debian's
# xen-ucode and insmod with the update at load.  Prints min / median / max
# per path, the ratios, whether every path got the same answer from Xen, and
# the memory one reload takes from dom0.  Figures, not a test: the host is
# shared, so only ratios within one boot mean anything.  FILTER, a regular
# expression, picks configurations by name; ROUNDS (default 10) sets the
# rounds; LOGLEVEL (default 1) the console log level in dom0 during them.
# Results: build/bench/NAME/serial.txt and build/bench/results.md.  Exits 1
# if a configuration gave no figures, failed a check in the guest or got
# different answers from Xen on different paths.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/xentools.sh"
top=$(cd "$here/.." && pwd)
filter=${1:-.}
ROUNDS=${ROUNDS:-10}
FWDIR=$CACHE/fw/lib/firmware
out=$top/build/bench
mkdir -p "$out"

# The reference module, against the cached headers of KERNEL (for sid, in
# sid's chroot, whose compiler that kernel needs).
ref_module() {
	local d=$out/ref-$1
	rm -rf "$d"
	mkdir -p "$d"
	cp "$here/bench/mcx_bench.c" "$here/bench/Kbuild" "$top/hypercall.h" "$top/Makefile" "$d/"
	if [ "$1" = sid ]; then
		"$here/sid.sh" build "$d" >&2
	else
		make -s -C "$d" KDIR="$(kdir_of "$1")" >&2 2> >(grep -v 'Skipping BTF' >&2)
	fi
	echo "$d/mcx_bench.ko"
}

# bench NAME KERNEL XEN SUITE FILE VENDORFILE [vm.sh options]: one boot.
bench() {
	local name=$1 k=$2 x=$3 suite=$4 src=$5 fwname=$6 d=$out/$1 files=()
	shift 6
	[[ $name =~ $filter ]] || return 0
	rm -rf "$d"
	mkdir -p "$d"
	printf '%s\n' "XEN=$x" "KERNEL=$k" "FWFILE=$fwname" "ROUNDS=$ROUNDS" \
		"LOGLEVEL=${LOGLEVEL:-1}" ${SUCCESS:+SUCCESS=1} > "$d/env"
	files=(--fw "$FWDIR/$src=$fwname" --file "$d/env=/test/env"
	       --file "$(ref_module "$k")=/test/mcx_bench.ko")
	# The success path: CPUs that take microcode, an older file to roll back to.
	[ -z "${SUCCESS:-}" ] || files+=(--ucode take --file "$out/intel.old=/test/fw.old")
	mapfile -t -O ${#files[@]} files < <(xen_ucode_files "$k" "$x" | tr ' ' '\n')
	log "[$name] booting dom0 $k on Xen $x: $src as $fwname, $ROUNDS rounds"
	# Under TCG, a CPU now and then runs a breakpoint that the kernel's
	# live patching of its own code (a tracepoint or probe turned on) had
	# already taken out, and dom0 dies of "Oops: int3": emulation's, not
	# the driver's.  Such a boot is run once more, and says so.
	for try in 1 2; do
		rc=0
		"$here/vm.sh" --kernel "$k" --xen "$x" --out "$d" --timeout 1200 "${files[@]}" "$@" \
			"$here/bench/scenario.sh" || rc=$?
		[ "$try" = 1 ] && grep -q 'Oops: int3' "$d/serial.log" || break
		log "[$name] dom0 died of a breakpoint left in patched code (Oops: int3, under TCG); booting once more"
		mv "$d/serial.log" "$d/serial.first.log"
	done
	[ "$rc" = 0 ] || { log "[$name] vm.sh failed; see $d"; failed+=("$name"); }
	tr -d '\r' < "$d/serial.log" > "$d/serial.txt"
	python3 "$here/bench/summary.py" "$name" "$x" "$k" "$src" "$d/serial.txt" "$out/targets.json" |
		tee -a "$out/results.md" || failed+=("$name")
	log "[$name] done ($(( ($(date +%s) - start) / 60 )) min since make bench began)"
}

: > "$out/results.md"
: > "$out/targets.json"
failed=()
start=$(date +%s)
amd_xen="max_cstate=0 ucode=digest-check=0"
# An invariant TSC: Xen then lets dom0 read the TSC itself.  Without it Xen
# emulates RDTSC from its own time, which stalls now and then across the
# rendezvous of a microcode update under emulation (a 30 ms update timed
# as 0).
intel_cpu=Skylake-Server,+invtsc
# Each dom0 kernel on each Xen it is tested with (sid: Xen 4.20 only, as in
# run-vm.sh), both Intel files.
for x in 4.17 4.20; do
	suite=bookworm
	[ "$x" = 4.17 ] || suite=trixie
	kernels="6.1 6.12"
	[ "$x" = 4.17 ] || kernels="$kernels sid"
	for k in $kernels; do
		bench "intel44k-$k-xen$x" "$k" "$x" "$suite" intel-ucode/06-55-04 intel-ucode/06-55-04 \
			--cpu "$intel_cpu"
		bench "intel3m-$k-xen$x" "$k" "$x" "$suite" intel-ucode/06-ad-01 intel-ucode/06-55-04 \
			--cpu "$intel_cpu"
	done
done
# AMD, PV and (AMD only: Intel PVH needs VMX, which TCG lacks) PVH.
# The success path beside the failure path: CPUs that take microcode, so
# that Xen really updates them (forced loads: Xen 4.20).
python3 "$here/tools/mkblobs.py" intel-rev "$FWDIR/intel-ucode/06-55-04" "$out/intel.old" 0x2007005
SUCCESS=1 bench "intel44k-success-6.12-xen4.20" 6.12 4.20 trixie intel-ucode/06-55-04 \
	intel-ucode/06-55-04 --cpu "$intel_cpu"
bench "amd19h-6.1-xen4.20" 6.1 4.20 trixie amd-ucode/microcode_amd_fam19h.bin \
	amd-ucode/microcode_amd_fam17h.bin --cpu EPYC,+invtsc --xen-args "$amd_xen"
bench "amd19h-pvh-6.12-xen4.20" 6.12 4.20 trixie amd-ucode/microcode_amd_fam19h.bin \
	amd-ucode/microcode_amd_fam17h.bin --cpu EPYC,-rdtscp,+invtsc --qemu-args "-device amd-iommu" \
	--xen-args "$amd_xen dom0=pvh"
{
	printf '\n## Against the targets\n\n'
	python3 "$here/bench/summary.py" --targets "$out/targets.json"
} | tee -a "$out/results.md"
log "results: $out/results.md"
if [ ${#failed[@]} -gt 0 ]; then
	log "FAILED (no figures, a failed boot or check, or different answers from Xen): ${failed[*]}"
	exit 1
fi
