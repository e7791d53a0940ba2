# SPDX-License-Identifier: GPL-2.0
# The same dom0 kernel booted without Xen: the module must refuse to load.
. ./lib.sh
step load
expect "insmod without Xen fails with ENODEV" ENODEV mcxio insmod $MOD
logged "the refusal says why" "not loaded: this kernel is not running as Xen's dom0"
check "no /dev/cpu/microcode" test ! -e $DEV
check "no module left behind" sh -c '! grep -q microcode_xen /proc/modules'
finish
