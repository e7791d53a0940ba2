# SPDX-License-Identifier: GPL-2.0
# The demo: what an admin does on a dom0, and what comes back.  The CPUs
# take microcode (tests/qemu.sh), as a real host's do.
. ./lib.sh
say() { echo "dom0# $*"; }
dmesg -n 1	# dom0's messages are shown once, below, with dmesg
say "grep -m1 microcode /proc/cpuinfo"
grep -m1 microcode /proc/cpuinfo
say "insmod microcode_xen.ko      # sends the vendor file to Xen once loaded"
insmod $MOD
echo "(exit status $?)"
say ls -l /sys/devices/system/cpu/microcode /dev/cpu/microcode
ls -l /sys/devices/system/cpu/microcode /dev/cpu/microcode
say "grep . /sys/devices/system/cpu/microcode/xen_cpu*/version"
grep . /sys/devices/system/cpu/microcode/xen_cpu*/version 2>&1
say "grep -m1 microcode /proc/cpuinfo"
grep -m1 microcode /proc/cpuinfo
say "echo 1 > /sys/devices/system/cpu/microcode/reload      # once more: already up to date"
echo 1 > $RELOAD
echo "(exit status $?)"
say "cat /sys/class/misc/microcode/last_update_result"
cat /sys/class/misc/microcode/last_update_result
say "dmesg | grep microcode_xen"
dmesg | grep microcode_xen
say rmmod microcode_xen
rmmod microcode_xen
