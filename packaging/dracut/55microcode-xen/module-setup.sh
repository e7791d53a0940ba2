#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2154 # $kernel, $moddir, $hostonly come from dracut
# dracut module: microcode_xen.ko and the vendor microcode files, so that a
# Xen dom0 sends the microcode to Xen before the root fs is mounted.

# Included by default (also host-only) unless /etc/default/microcode-xen
# says no (MICROCODE_XEN_INITRAMFS: auto, host, all, no), no Xen can run
# here, the kernel cannot be a dom0 or the module is not built for it.
check() {
	. /usr/share/microcode-xen/functions
	case $(mcx_initramfs_mode) in
	no) return 255 ;;
	no-xen)
		dinfo "microcode-xen: no Xen hypervisor installed (/boot/xen-*): not added"
		return 255 ;;
	esac
	mcx_dom0_kernel "$kernel" || return 255
	if ! modinfo -k "$kernel" microcode_xen >/dev/null 2>&1; then
		dwarn "microcode-xen: microcode_xen is not built for kernel $kernel (are linux-headers-$kernel and dkms installed?): not added"
		return 255
	fi
	return 0
}

depends() {
	return 0
}

installkernel() {
	hostonly='' instmods microcode_xen
}

install() {
	local f
	. /usr/share/microcode-xen/functions
	for f in $(mcx_fw_files "$(mcx_initramfs_mode)"); do
		inst_simple "$f"
	done
	# The admin's options for the module (update_on_load=0, say): dracut
	# takes /etc/modprobe.d along only in host-only mode.
	for f in /etc/modprobe.d/*.conf; do
		if [ -f "$f" ] && grep -qE '^[[:space:]]*options[[:space:]]+microcode_xen[[:space:]]' "$f"; then
			inst_simple "$f"
		fi
	done
	# For the hook: the kernel command line's modprobe.blacklist=.
	inst_simple /usr/share/microcode-xen/functions
	inst_hook pre-udev 10 "$moddir/microcode-xen.sh"
}
