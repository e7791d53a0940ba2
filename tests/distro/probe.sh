#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the booted test system (mcx-probe.service, after
# multi-user.target): reports what the package did on this boot as
# "MCXPROBE" lines on the console, then powers off.  No wc: it dies with
# SIGILL in a dom0 under TCG.
say() { echo "MCXPROBE $*" > /dev/console; }
say "kernel $(uname -r)"
if [ -d /sys/devices/system/xen_cpu ]; then say "dom0 yes"; else say "dom0 no"; fi
if [ -d /sys/module/microcode_xen ]; then say "module loaded"; else say "module absent"; fi
say "unit $(systemctl is-active microcode-xen.service) condition=$(systemctl show -p ConditionResult --value microcode-xen.service) result=$(systemctl show -p Result --value microcode-xen.service)"
say "failed-units $(systemctl list-units --failed --plain --no-legend | grep -c .)"
systemctl list-units --failed --plain --no-legend | sed 's/^/MCXPROBE failed: /' > /dev/console
if [ -e /sys/devices/system/cpu/microcode/reload ]; then
	if err=$( (echo 1 > /sys/devices/system/cpu/microcode/reload) 2>&1); then
		say "reload ok"
	else
		say "reload error: $err"
	fi
	dmesg | grep 'microcode_xen' | tail -n 3 | sed 's/^/MCXPROBE dmesg: /' > /dev/console
	# The opt-in late load: a microcode package's files changed (the
	# trigger fires), first with the default (off), then switched on.
	late() {
		dpkg-trigger --no-await /lib/firmware/intel-ucode &&
			dpkg --triggers-only microcode-xen-dkms 2>&1 | grep 'microcode-xen:' | head -n 1
	}
	say "late-load off: $(late)"
	sed -i 's/^MICROCODE_XEN_LATE_LOAD=.*/MICROCODE_XEN_LATE_LOAD=yes/' /etc/default/microcode-xen
	say "late-load on: $(late)"
	sed -i 's/^MICROCODE_XEN_LATE_LOAD=.*/MICROCODE_XEN_LATE_LOAD=no/' /etc/default/microcode-xen
fi
# Errors of our unit, modprobe or DKMS; and, apart, the module's own kernel
# lines at error level (Xen's refusals: under emulation every update fails).
journalctl -b -p err --no-pager -o short > /run/mcx-journal
grep -E ' (modprobe|systemd-modules-load|dkms|microcode-xen)\[[0-9]+\]:|microcode-xen\.service' \
	/run/mcx-journal > /run/mcx-errors || true
say "journal-errors $(grep -c . /run/mcx-errors)"
sed 's/^/MCXPROBE journal: /' /run/mcx-errors > /dev/console
grep -E ' kernel: microcode_xen' /run/mcx-journal > /run/mcx-kernel || true
say "kernel-errors $(grep -c . /run/mcx-kernel)"
sed 's/^/MCXPROBE kernel-error: /' /run/mcx-kernel > /dev/console
journalctl -b -u microcode-xen.service --no-pager -o cat | sed 's/^/MCXPROBE unit-log: /' > /dev/console
say "done"
systemctl poweroff -f
