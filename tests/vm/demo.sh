# SPDX-License-Identifier: GPL-2.0
# The demo: what an admin does on a dom0, and what comes back.
. ./lib.sh
say() { echo "dom0# $*"; }
dmesg -n 1	# dom0's messages are shown once, below, with dmesg
say insmod microcode_xen.ko
insmod $MOD
say ls -l /sys/devices/system/cpu/microcode /dev/cpu/microcode
ls -l /sys/devices/system/cpu/microcode /dev/cpu/microcode
say "echo 1 > /sys/devices/system/cpu/microcode/reload"
echo 1 > $RELOAD
echo "(exit status $?)"
say "grep . /sys/devices/system/cpu/microcode/xen_cpu0/*"
grep . /sys/devices/system/cpu/microcode/xen_cpu0/* 2>&1
say "dmesg | grep microcode"
dmesg | grep microcode
say rmmod microcode_xen
rmmod microcode_xen
