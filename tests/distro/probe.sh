#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the booted test system (mcx-probe.service, after
# multi-user.target): reports what the package did on this boot as
# "MCXPROBE" lines on the console, then powers off.  No wc: it dies with
# SIGILL in a dom0 under TCG.
say() { echo "MCXPROBE $*" > /dev/console; }
# From here on the console shows kernel lines of level warning and above
# only (Oopses, BUGs, WARNINGs, hung tasks): an info line printed into one
# of the probe's lines cut it (seen: ppdev's).  dom0's lines are read from
# the journal at the end.
dmesg -n 5
MC=/sys/devices/system/cpu/microcode
# at NAME: how long after the kernel's start a part begins (the host puts
# these into the run's times).
at() { say "at $(cut -d' ' -f1 /proc/uptime) s: $1"; }
at probe
# metrics STAGE: microcode_xen's metrics as the real node_exporter serves
# them (after udev ran the metrics program for every event so far), and each
# physical CPU's revision beside them, as "MCXPROBE prom|sysfs STAGE ..."
# lines for the host to compare.
# Without node_exporter (bookworm, trixie-itools) the package's metrics
# program, run by hand into a folder of its own: "MCXPROBE promfile STAGE".
metrics() {
	if [ ! -x /usr/bin/prometheus-node-exporter ]; then
		say "prom $1 no-node-exporter"
		mkdir -p /run/mcx-prom
		MCX_PROM_DIR=/run/mcx-prom /usr/libexec/microcode-xen/metrics
		grep '^microcode_xen_' /run/mcx-prom/microcode_xen.prom | sed "s/^/MCXPROBE promfile $1 /" > /dev/console
		for c in "$MC"/xen_cpu*; do
			say "sysfs $1 ${c##*/} $(cat "$c/version" 2>/dev/null || echo none) $(cat "$c/signature")"
		done
		return 0
	fi
	udevadm settle --timeout=60
	i=0
	while [ $i -lt 180 ]; do
		bash -c 'exec 3<>/dev/tcp/127.0.0.1/9100 &&
			printf "GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 && cat <&3' \
			> /run/mcx-metrics 2>/dev/null && grep -q '^microcode_xen_loaded' /run/mcx-metrics && break
		sleep 1
		i=$((i + 1))
	done
	grep '^microcode_xen_' /run/mcx-metrics | sed "s/^/MCXPROBE prom $1 /" > /dev/console
	for c in "$MC"/xen_cpu*; do
		say "sysfs $1 ${c##*/} $(cat "$c/version" 2>/dev/null || echo none) $(cat "$c/signature")"
	done
}
# reload_as WHAT: echo 1 > reload, as the admin does: "MCXPROBE WHAT ok",
# or "MCXPROBE WHAT error: " and the shell's message.
reload_as() {
	if err=$( (echo 1 > $MC/reload) 2>&1); then
		say "$1 ok"
	else
		say "$1 error: $err"
	fi
}
# readme NAME WHAT [count]: the README's commands make_disk copied to
# /usr/local/sbin/mcx-readme-NAME, run as they stand there, each line of
# their output as "MCXPROBE readme WHAT: LINE" (count: the numbers of
# lines, of Xen's "updated from" lines and of its "cores are to update").
# xl needs xenfs and xenstored, which Debian's xen.service sets up in a
# dom0 and make_disk disables for time: started once, for the scripts
# that run xl.
readme() {
	if [ ! -e /run/mcx-xen-daemons ] && grep -q '^xl ' "/usr/local/sbin/mcx-readme-$1"; then
		systemctl start xen.service || say "readme $2: xen.service did not start"
		: > /run/mcx-xen-daemons
	fi
	bash "/usr/local/sbin/mcx-readme-$1" > "/run/mcx-readme-$1" 2>&1
	if [ "${3:-}" = count ]; then
		# Xen's own lines, echoed, would count as more of Xen's updates
		# in the serial log: how many of each kind there are, instead.
		say "readme $2: $(grep -c . "/run/mcx-readme-$1") lines, $(grep -c 'microcode: CPU[0-9]* updated from revision' "/run/mcx-readme-$1") updated, $(grep -c '[0-9] cores are to update their microcode' "/run/mcx-readme-$1") cores-to-update"
		sed -n 's/^\(.\{0,60\}\).*/\1/; 1,3p' "/run/mcx-readme-$1" | grep -v 'updated from\|update rev' | sed "s/^/MCXPROBE readme $2 head: /" > /dev/console
	else
		sed "s/^/MCXPROBE readme $2: /" "/run/mcx-readme-$1" > /dev/console
	fi
}
# The revisions /proc/cpuinfo gives dom0's CPUs, each once.
cpuinfo_rev() { sed -n 's/^microcode[[:space:]]*: *//p' /proc/cpuinfo | sort -u | paste -sd' '; }
# needrestart's own microcode check (NeedRestart::uCode, the code
# needrestart -w runs), called directly: needrestart itself skips it where
# systemd-detect-virt --vm names a hypervisor, and under test the machine
# under Xen is QEMU's (on a real host systemd says "none" in a dom0).  It
# reads /proc/cpuinfo; its README: the cpuid module gives it the signature.
nr_ucode() {
	modprobe -q cpuid
	perl - <<'EOF' 2>&1 | grep -E '^NEEDRESTART-UC' | paste -sd' '
package MCXUI;
sub new { return bless {}, shift }
our $AUTOLOAD;
sub AUTOLOAD { return }
package main;
use NeedRestart::uCode;
my ($state, %vars) = nr_ucode_check(0, MCXUI->new);
print "NEEDRESTART-UCSTA: $state\n";
print "NEEDRESTART-UCCUR: $vars{CURRENT}\n" if defined $vars{CURRENT};
print "NEEDRESTART-UCEXP: $vars{AVAIL}\n" if defined $vars{AVAIL};
EOF
}
say "kernel $(uname -r)"
if [ -d /sys/devices/system/xen_cpu ]; then say "dom0 yes"; else say "dom0 no"; fi
if [ -d /sys/module/microcode_xen ]; then say "module loaded"; else say "module absent"; fi
# Each unit's state from one systemctl (each call takes seconds under
# TCG): prop UNIT PROPERTY.  ActiveState is what systemctl is-active says.
for u in microcode-xen microcode-xen-metrics; do
	systemctl show -p ActiveState,ConditionResult,Result,ExecMainStartTimestampMonotonic "$u.service" > "/run/mcx-unit-$u"
done
prop() { sed -n "s/^$2=//p" "/run/mcx-unit-${1%.service}"; }
say "unit $(prop microcode-xen.service ActiveState) condition=$(prop microcode-xen.service ConditionResult) result=$(prop microcode-xen.service Result)"
systemctl list-units --failed --plain --no-legend > /run/mcx-failed
say "failed-units $(grep -c . /run/mcx-failed)"
sed 's/^/MCXPROBE failed: /' /run/mcx-failed > /dev/console
say "metrics-unit condition=$(prop microcode-xen-metrics.service ConditionResult) result=$(prop microcode-xen-metrics.service Result)"
if [ -e /etc/mcx-probe-off ]; then
	# microcode-xen.service disabled, no module in the initramfs: nothing
	# may have loaded it.  Then the second chance: the module loaded
	# (as an initramfs would) while no vendor file was there, so nothing
	# was sent; the boot service sends the root file system's file.
	say "off unit $(prop microcode-xen.service ActiveState) started=$(prop microcode-xen.service ExecMainStartTimestampMonotonic)"
	mkdir -p /run/mcx-hidden
	mv /lib/firmware/intel-ucode /lib/firmware/amd-ucode /run/mcx-hidden/
	modprobe microcode_xen
	mv /run/mcx-hidden/* /lib/firmware/
	say "second-chance before $(cat /sys/class/misc/microcode/last_update_time 2>&1)"
	systemctl start microcode-xen.service
	say "second-chance after $(cat /sys/class/misc/microcode/last_update_time 2>&1)"
	journalctl -b -u microcode-xen.service --no-pager -o cat | sed 's/^/MCXPROBE second-chance log: /' > /dev/console
elif [ -e /etc/mcx-probe-blacklist ]; then
	# modprobe.blacklist=microcode_xen and microcode_xen.update_on_load=0
	# on dom0's command line, the boot service enabled and the module in the
	# initramfs: nothing may have loaded it; each loader says why once.
	say "blacklist unit $(prop microcode-xen.service ActiveState) result=$(prop microcode-xen.service Result)"
	say "blacklist cmdline $(cat /proc/cmdline)"
	# As the README has it: the initramfs's line and the boot service's.
	journalctl -b --no-pager | grep 'microcode_xen not loaded' | sed 's/^/MCXPROBE blacklist log: /' > /dev/console
	journalctl -b -u microcode-xen.service --no-pager -o cat | sed 's/^/MCXPROBE blacklist unit-log: /' > /dev/console
	# README, "Check your host", as an admin runs it before the module
	# is there.
	readme host host
	# The README: modprobe by hand still loads it, and takes
	# update_on_load=0 from the command line.
	modprobe microcode_xen
	say "blacklist by-hand $([ -d /sys/module/microcode_xen ] && echo loaded || echo absent) update_on_load=$(cat /sys/module/microcode_xen/parameters/update_on_load 2>&1) last_update_time=$(cat /sys/class/misc/microcode/last_update_time 2>&1)"
elif [ -e /etc/mcx-probe-scan ]; then
	# The boot of the normal setup: Xen's ucode=scan, from the package's
	# GRUB snippet; dom0's load then finds the CPUs up to date.
	say "update_on_load $(cat /sys/module/microcode_xen/parameters/update_on_load 2>&1)"
	metrics scan
	say "cpuinfo scan: $(cpuinfo_rev)"
	# Then the admin's reload of the file Xen loaded at boot.
	reload_as "scan reload"
	dmesg | grep 'microcode_xen' | tail -n 2 | sed 's/^[^]]*] /MCXPROBE scan dmesg: /' > /dev/console
	# README, "Setups": what Xen's own load did, as xl dmesg shows it.
	readme xl-dmesg "scan xl dmesg" count
elif [ -e $MC/reload ]; then
	metrics boot
	# dom0's own record of the revision (needrestart reads it).
	say "cpuinfo boot: $(cpuinfo_rev)"
	# README, "Check your host": its commands for the vendor file, as
	# they stand there (make_disk copies them).
	say "readme vendor-file: $(bash /usr/local/sbin/mcx-readme-file 2>&1 | paste -sd'|')"
	at needrestart
	say "needrestart boot: $(nr_ucode)"
	at reload
	say "needrestart itself: systemd-detect-virt --vm: $(systemd-detect-virt --vm); needrestart -b -w: $(needrestart -b -w 2>&1 | grep -c '^NEEDRESTART-UC') microcode lines"
	reload_as reload
	dmesg | grep 'microcode_xen' | tail -n 3 | sed 's/^/MCXPROBE dmesg: /' > /dev/console
	# README, runbook 1: dom0's log of the load, then of the reload.
	readme runbook1 runbook1
	metrics reload
	# README, runbook 2: every physical CPU's revision.
	say "runbook2 revisions: $(cat $MC/xen_cpu*/version 2>&1 | sort | uniq -c | sed 's/^ *//' | paste -sd'|')"
	# And Xen's side, as the runbook has it.
	readme runbook2-xl "runbook2 xl dmesg" count
	# The opt-in late load: a microcode package's files changed (the
	# trigger fires), first with the default (off), then switched on: the
	# other vendor's folder, this vendor's unchanged file, a changed one
	# (the "older" test copy), the real one back, and in a chroot.
	late() { # FOLDER
		dpkg-trigger --no-await "/lib/firmware/$1" &&
			dpkg --triggers-only microcode-xen-dkms 2>&1 | grep -v '^Processing' | paste -sd'|'
	}
	at late-load
	old=$(cd /root/mcx-older && find . -type f | sed 's|^\./||')
	own=${old%%/*}
	case $own in intel-ucode) other=amd-ucode ;; *) other=intel-ucode ;; esac
	say "late-load off: $(late "$own")"
	sed -i 's/^MICROCODE_XEN_LATE_LOAD=.*/MICROCODE_XEN_LATE_LOAD=yes/' /etc/default/microcode-xen
	say "late-load other-vendor: $(late "$other")"
	say "late-load unchanged: $(late "$own")"
	cp "/lib/firmware/$old" /run/mcx-fw.real
	cp "/root/mcx-older/$old" "/lib/firmware/$old"
	say "late-load changed: $(late "$own")"
	cp /run/mcx-fw.real "/lib/firmware/$old"
	say "late-load on: $(late "$own")"
	# A chroot (another root: an overlay of this one) with the host's
	# /sys, after a change of the file there.
	mkdir -p /run/ov/u /run/ov/w /run/ov/r
	if modprobe -q overlay && mount -t overlay ov -o lowerdir=/,upperdir=/run/ov/u,workdir=/run/ov/w /run/ov/r &&
		mount --bind /proc /run/ov/r/proc && mount --bind /sys /run/ov/r/sys && mount --bind /dev /run/ov/r/dev; then
		cp "/root/mcx-older/$old" "/run/ov/r/lib/firmware/$old"
		say "late-load chroot: $(chroot /run/ov/r sh -c "dpkg-trigger --no-await /lib/firmware/$own && dpkg --triggers-only microcode-xen-dkms" 2>&1 | grep -v '^Processing' | paste -sd'|')"
		umount /run/ov/r/dev /run/ov/r/sys /run/ov/r/proc /run/ov/r
	else
		say "late-load chroot: cannot make the overlay"
	fi
	sed -i 's/^MICROCODE_XEN_LATE_LOAD=.*/MICROCODE_XEN_LATE_LOAD=no/' /etc/default/microcode-xen
	# README, runbook 3: roll back.  The "older" file (a test copy of the
	# vendor file claiming the running revision) replaces the installed
	# one, as a downgrade of the microcode package would, then the forced
	# load, word for word as the runbook has it.
	at runbook3
	[ ! -e "/lib/firmware/$old" ] || cp "/lib/firmware/$old" /run/mcx-fw.saved
	cp "/root/mcx-older/$old" "/lib/firmware/$old"
	dmesg -C
	# As root's shell, bash, says it (dash says "I/O error" for any errno).
	say "runbook3 force: $(bash -c "echo 1 > $MC/force_reload && echo taken" 2>&1)"
	dmesg | grep 'microcode_xen' | sed 's/^[^]]*] /MCXPROBE runbook3 dmesg: /' > /dev/console
	metrics force
	say "cpuinfo force: $(cpuinfo_rev)"
	if [ -e /run/mcx-fw.saved ]; then
		cp /run/mcx-fw.saved "/lib/firmware/$old"
	else
		rm -f "/lib/firmware/$old"
	fi
	at needrestart
	# With Debian's file back (needrestart compares with the files).
	say "needrestart force: $(nr_ucode)"
	# On CPUs that take microcode: Debian's xen-ucode loads the file
	# behind the driver's back (4.20 keeps the newer patch cached after
	# the forced older one, so it needs --force there), then the admin's
	# reload: up to date, no partial update, nothing changed by it.
	xu=$(ls /usr/lib/xen-4.*/bin/xen-ucode 2>/dev/null | head -n 1)
	at xen-ucode
	if [ -e /etc/mcx-probe-take ] && [ -n "$xu" ]; then
		modprobe xen-privcmd 2>/dev/null
		case $xu in */xen-4.17/*) f= ;; *) f=--force ;; esac
		out=$("$xu" $f "/lib/firmware/$old" 2>&1)
		say "xen-ucode: exit $? $(echo "$out" | paste -sd'|')"
		udevadm monitor --kernel --property --subsystem-match=misc > /run/mcx-uevents 2>&1 &
		mon=$!
		sleep 2
		dmesg -C
		reload_as "xen-ucode reload"
		sleep 2
		kill $mon
		dmesg | grep 'microcode_xen' | sed 's/^[^]]*] /MCXPROBE xen-ucode dmesg: /' > /dev/console
		grep '^MICROCODE_' /run/mcx-uevents | sed 's/^/MCXPROBE xen-ucode uevent: /' > /dev/console
		say "cpuinfo xen-ucode: $(cpuinfo_rev)"
		say "needrestart xen-ucode: $(nr_ucode)"
	fi
fi
at journal
journalctl -b -t microcode-xen-metrics --no-pager -o cat | sed 's/^/MCXPROBE metrics-log: /' > /dev/console
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
# This boot's kernel lines whose order the host checks, from the journal
# (dmesg -C above cleared the ring buffer): on the console a dom0 line can
# be cut by Xen's own output (printk may print it from another CPU while
# this one is in the hypercall).
journalctl -k -b --no-pager -o cat | grep -E 'microcode_xen|EXT4-fs \(vda\): mounted filesystem' |
	sed 's/^/MCXPROBE klog: /' > /dev/console
at done
say "done"
systemctl poweroff -f
