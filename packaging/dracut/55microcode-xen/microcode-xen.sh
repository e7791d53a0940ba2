#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Load microcode_xen early, in a Xen dom0 only: it sends the vendor file in
# this initramfs to Xen.  Elsewhere there is nothing to do.
# modprobe, never insmod: it takes microcode_xen.update_on_load=0 from the
# kernel command line.  modprobe.blacklist=microcode_xen there: one line in
# the kernel's log (the journal keeps it), nothing loaded (a subshell keeps
# the functions out of dracut's shell).
if [ -d /sys/devices/system/xen_cpu ]; then
	if _mcx_off=$(. /usr/share/microcode-xen/functions && mcx_cmdline_off); then
		echo "<13>$_mcx_off (initramfs)" > /dev/kmsg 2>/dev/null || info "$_mcx_off (initramfs)"
	else
		modprobe -q microcode_xen || warn "microcode-xen: modprobe microcode_xen failed"
	fi
	unset _mcx_off
fi
