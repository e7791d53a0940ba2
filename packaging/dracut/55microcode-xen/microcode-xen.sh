#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Load microcode_xen early, in a Xen dom0 only: it sends the vendor file in
# this initramfs to Xen.  Elsewhere there is nothing to do.
if [ -d /sys/devices/system/xen_cpu ]; then
	modprobe -q microcode_xen || warn "microcode-xen: modprobe microcode_xen failed"
fi
