# SPDX-License-Identifier: GPL-2.0
# The bare kernel on a CPU without the hypervisor bit, where the kernel's
# own microcode loader comes up, and the test build that believes it runs in
# dom0: it must step aside instead of clashing with the native directory.
. ./lib.sh
MC=/sys/devices/system/cpu/microcode
step load
check "the kernel's own loader owns $MC" test -d $MC
before=$(ls -A $MC)
# EBUSY, not EEXIST: modprobe reads an init's EEXIST as "already loaded".
expect "insmod refuses with EBUSY" EBUSY mcxio insmod $MOD
logged "and says the kernel's own loader is active" \
	"not loaded: /sys/devices/system/cpu/microcode exists, so the kernel's own microcode loader is active"
check "the native directory is untouched: a directory holding '$before'" dir_as_was $MC "$before"
check "no /dev/cpu/microcode" test ! -e $DEV
finish
