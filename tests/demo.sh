#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh [vm.sh options]: sets up, then boots real Xen 4.17 with Debian's
# 6.1 kernel as dom0 under QEMU on an emulated Skylake-Server, with Debian's
# real intel-ucode/06-55-04.  In dom0 it loads the module, runs
# "echo 1 > /sys/devices/system/cpu/microcode/reload" and shows what dom0
# and Xen said.  The emulated CPU never takes an update, so Xen's apply
# failure ends the story: proof that the blob reached Xen and matched.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/setup.sh"
. "$here/lib.sh"
top=$(cd "$here/.." && pwd)
fw=$CACHE/fw/lib/firmware/intel-ucode/06-55-04
"$here/vm.sh" --out "$top/build/demo" --fw "$fw=intel-ucode/06-55-04" "$@" \
	"$here/vm/demo.sh" || true
echo
echo "=== the serial console, from dom0's init on ((XEN) lines are the hypervisor's):"
tr -d '\r' < "$top/build/demo/serial.log" |
	sed -n '/^@@boot/,/^@@done/p' | grep -v -E '^@@|^$|^\(XEN\) \*\*\*'
echo "=== full log: $top/build/demo/serial.log"
