#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh [vm.sh options]: sets up, then boots real Xen 4.20 with Debian's
# 6.12 kernel as dom0 under QEMU on an emulated Skylake-Server whose CPUs
# take microcode (tests/qemu.sh), with Debian's real intel-ucode/06-55-04.
# In dom0 it loads the module, which sends the file to Xen: Xen updates
# every CPU from revision 0x1 to the file's.  Then
# "echo 1 > /sys/devices/system/cpu/microcode/reload" is answered "already
# up to date".  It shows what dom0 and Xen said.  Other setups take
# vm.sh's options, e.g. tests/demo.sh --xen 4.17 --kernel 6.1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/setup.sh"
. "$here/lib.sh"
top=$(cd "$here/.." && pwd)
fw=$CACHE/fw/lib/firmware/intel-ucode/06-55-04
"$here/vm.sh" --out "$top/build/demo" --xen 4.20 --kernel 6.12 --ucode take \
	--fw "$fw=intel-ucode/06-55-04" "$@" \
	"$here/vm/demo.sh" || true
echo
echo "=== the serial console, from dom0's init on ((XEN) lines are the hypervisor's):"
tr -d '\r' < "$top/build/demo/serial.log" |
	sed -n '/^@@boot/,/^@@done/p' | grep -v -E '^@@|^$|^\(XEN\) \*\*\*'
echo "=== full log: $top/build/demo/serial.log"
