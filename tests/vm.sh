#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh [options] SCENARIO: boots Xen with a Debian dom0 under QEMU (software
# emulation), runs SCENARIO (a shell script, tests/vm/*.sh) inside dom0 with
# the module and tests/vm/lib.sh beside it, and leaves the serial log, which
# holds Xen's lines and dom0's console, in OUT/serial.log.  After the
# scenario, init prints "@@exit STATUS" (the scenario shell's exit status) and
# "@@done"; QEMU is stopped if it has not ended 3 s after "@@done" is in the
# log (what dom0 and Xen print meanwhile is kept), rather than waiting for
# a poweroff that hangs until the timeout.  Every run starts from nothing:
# OUT's logs and the module and helper built before are removed first, so a
# failed build leaves no old log behind; vm.sh exits non-zero if the build
# or QEMU fails.
#
#   --kernel 6.1|6.12|sid|6.1-debug|6.1-debug-nokasan
#                           dom0 kernel (default 6.1; the debug kernels:
#                           tests/debug-kernel.sh)
#   --xen 4.17|4.20|none    hypervisor; none boots the kernel on its own
#   --cpu MODEL             QEMU CPU model (default Skylake-Server)
#   --xen-args "..."        extra Xen command line
#   --qemu-args "..."       extra QEMU options (e.g. "-device amd-iommu")
#   --fw SRC=DEST           put SRC at /lib/firmware/DEST (repeatable)
#   --file SRC=DEST         put SRC at DEST in the initramfs (repeatable)
#   --early SRC=DEST        put SRC at DEST in an uncompressed cpio before the
#                           initramfs, as an early microcode archive is
#                           (DEST kernel/x86/microcode/GenuineIntel.bin or
#                           AuthenticAMD.bin: what Xen's ucode=scan finds)
#   --ucode stock|take|refuse=LIST
#                           stock (default): the host's QEMU, whose CPUs never
#                           change revision; take: the test QEMU whose CPUs
#                           take microcode (tests/qemu.sh); refuse=LIST: the
#                           test QEMU, with the vCPUs in LIST (comma separated
#                           indexes) refusing every update
#   --timeout SECONDS       kill QEMU after this long (default 300)
#   --boot-timeout SECONDS  kill QEMU if dom0's init has not started
#                           ("@@boot") after this long (default 120, 900
#                           for the debug kernels; a boot takes 5 to 60 s:
#                           a dom0 that stopped in its boot is seen sooner)
#   --out DIR               where the logs go (default build/vm)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
top=$(cd "$here/.." && pwd)

kernel=6.1 xen=4.17 cpu=Skylake-Server xen_args="" qemu_args="" timeout=300 out=$top/build/vm
boot_timeout=120
ucode=stock
fw=() files=() early=()
while [ $# -gt 1 ]; do
	case $1 in
	--kernel) kernel=$2 ;;
	--xen) xen=$2 ;;
	--cpu) cpu=$2 ;;
	--xen-args) xen_args=$2 ;;
	--qemu-args) qemu_args=$2 ;;
	--fw) fw+=("$2") ;;
	--file) files+=("$2") ;;
	--early) early+=("$2") ;;
	--ucode) ucode=$2 ;;
	--timeout) timeout=$2 ;;
	--boot-timeout) boot_timeout=$2 ;;
	--out) out=$2 ;;
	*) die "unknown option $1" ;;
	esac
	shift 2
done
[ $# -eq 1 ] || die "usage: vm.sh [options] SCENARIO"
# The debug kernels boot slowly under TCG (KASAN, lockdep): 15 min for init,
# unless told otherwise.
case $kernel:$boot_timeout in
*-debug*:120) boot_timeout=900 ;;
esac
scenario=$1

mkdir -p "$out"
rm -f "$out"/{serial.log,serial.txt,seconds,qemu.out,initrd.gz}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,test,lib/firmware}
# One build at a time in this tree: cases run side by side (check-debug.sh)
# share build/KERNEL and build/mcxio, which each build removes first.
mkdir -p "$top/build"
exec 8> "$top/build/.vm-build.lock"
flock 8
rm -f "$top/build/$kernel${MICROCODE_XEN_FAKE_HV:+-fake}/microcode_xen.ko" "$top/build/mcxio"
ko=$("$here/build.sh" "$kernel") || die "the build failed"
[ -f "$ko" ] && [ -x "$top/build/mcxio" ] || die "the build left no module or no mcxio"
cp "$ko" "$top/build/mcxio" "$here/vm/lib.sh" "$root/test/"
flock -u 8
exec 8>&-
cp "$CACHE/userland/bin/busybox" "$root/bin/busybox"
cp "$scenario" "$root/test/scenario.sh"
for spec in "${fw[@]}"; do
	mkdir -p "$(dirname "$root/lib/firmware/${spec#*=}")"
	cp -a "${spec%%=*}" "$root/lib/firmware/${spec#*=}"
done
for spec in "${files[@]}"; do
	mkdir -p "$(dirname "$root/${spec#*=}")"
	cp -a "${spec%%=*}" "$root/${spec#*=}"
done
cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
export PATH=/bin:/test
echo "@@boot $(uname -r)"
cd /test && sh ./scenario.sh
echo "@@exit $?"
echo "@@done"
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/initrd.gz"
if [ ${#early[@]} -gt 0 ]; then
	mkdir "$root/early"
	for spec in "${early[@]}"; do
		mkdir -p "$(dirname "$root/early/${spec#*=}")"
		cp "${spec%%=*}" "$root/early/${spec#*=}"
	done
	(cd "$root/early" && find . | cpio -o -H newc --quiet) > "$out/early.cpio"
	cat "$out/early.cpio" "$out/initrd.gz" > "$out/initrd.cat"
	mv "$out/initrd.cat" "$out/initrd.gz"
fi

vmlinuz=$(vmlinuz_of "$kernel")
# oops=panic: an Oops ends the VM at once (panic=-1: reboot, which QEMU's
# -no-reboot turns into an exit), with its report in the log, instead of
# leaving the scenario hung on a dead task until the timeout.
dom0_args="panic=-1 oops=panic"
qbin=qemu-system-x86_64
case $ucode in
stock) ;;
take) qbin=$("$here/qemu.sh" path) || die "no test QEMU" ;;
refuse=*)
	qbin=$("$here/qemu.sh" path) || die "no test QEMU"
	export QEMU_UCODE_REFUSE=${ucode#refuse=} ;;
*) die "--ucode takes stock, take or refuse=LIST, not $ucode" ;;
esac
qemu=("$qbin")
# The test QEMU looks for its firmware beside itself: the host's QEMU's.
[ "$ucode" = stock ] || qemu+=(-L /usr/share/qemu -L /usr/share/seabios -L /usr/lib/ipxe/qemu)
# One host thread runs both vCPUs in turn (MCX_TCG_THREAD=multi: one each).
# A vCPU that spins in a rendezvous (Xen's stop_machine for every update)
# gives way at its first PAUSE, instead of burning a core while the other
# vCPU waits for one: harden-6.1-xen4.17 beside three other VMs on two
# cores took 321 s so, 458 s with a thread per vCPU.
qemu+=(-machine q35 -accel "tcg,thread=${MCX_TCG_THREAD:-single}" -cpu "$cpu" -smp 2 -m 2048
      -nographic -no-reboot -monitor none -serial "file:$out/serial.log" $qemu_args)
if [ "$xen" = none ]; then
	qemu+=(-kernel "$vmlinuz" -initrd "$out/initrd.gz"
	       -append "console=ttyS0 $dom0_args")
else
	ximg=$(xen_image "$xen") || die "cannot unpack Xen $xen's hypervisor from the cache"
	# smap=0: with SMAP a PV dom0 faults at its first instruction under TCG.
	# bootscrub=0: Xen's default scrubs its free memory (1 GiB here) on
	# idle CPUs after boot, which under TCG takes the host thread from
	# dom0's vCPUs for a minute: an installed system's boot reached its
	# probe in 68 s so, 101 s with the scrub.  Nothing here reads that
	# memory's old contents.
	qemu+=(-kernel "$ximg"
	       -append "console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all dom0_mem=1024M,max:1024M smap=0 bootscrub=0 $xen_args"
	       -initrd "$vmlinuz console=hvc0 earlyprintk=xen $dom0_args,$out/initrd.gz")
fi
# QEMU in the background, watched: stopped once the scenario's end is in
# the log, or dom0 not in init by --boot-timeout, or at --timeout.
start=$(date +%s)
rc=0
timeout "$timeout" "${qemu[@]}" </dev/null >"$out/qemu.out" 2>&1 &
qpid=$!
# A vm.sh stopped from outside (run-all.sh's deadline, ^C) stops its QEMU.
trap 'kill $qpid 2>/dev/null; rm -rf "$root"; exit 143' TERM INT HUP
serial=$out/serial.log
why=
while kill -0 $qpid 2>/dev/null; do
	sleep 0.5
	if grep -q '^@@done' "$serial" 2>/dev/null; then
		# The poweroff takes a fraction of a second, and what follows
		# "@@done" (a late report, a crash at poweroff) is kept: QEMU gets
		# 3 s to end on its own before it is stopped.
		for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
			kill -0 $qpid 2>/dev/null || break
			sleep 0.2
		done
		why=done
		break
	fi
	if [ $(( $(date +%s) - start )) -ge "$boot_timeout" ] && ! grep -q '^@@boot' "$serial" 2>/dev/null; then
		why=boot
		break
	fi
done
if [ -n "$why" ]; then
	kill $qpid 2>/dev/null || :
	wait $qpid || :
	[ "$why" = done ] || rc=124
else
	wait $qpid || rc=$?
fi
trap - TERM INT HUP
echo "$(( $(date +%s) - start ))" > "$out/seconds"
if [ $rc -ne 0 ]; then
	last=$(grep -a '^@@step ' "$serial" 2>/dev/null | tail -n 1 | tr -d '\r') || :
	where=${last:+in step ${last#@@step }}
	grep -q '^@@boot' "$serial" 2>/dev/null || where="before dom0's init started"
	[ -n "$where" ] || where="before the scenario's first step"
	case $why:$rc in
	boot:*) log "dom0's init had not started after $boot_timeout s (--boot-timeout): QEMU stopped; see $out" ;;
	*:124) log "QEMU timed out after $timeout s $where; see $out" ;;
	*) log "QEMU ended with status $rc $where; see $out" ;;
	esac
fi
exit $rc
