# SPDX-License-Identifier: GPL-2.0
# In dom0 under real Xen ($XEN) on the test QEMU whose CPUs take microcode
# (tests/qemu.sh): what a real host meets.  MODE (from the case):
#   take     every CPU takes the file: Xen applies it, revisions move from
#            BOOT to NEW, the next reload is "up to date", a forced older
#            file rolls back (4.20), xen-ucode then loads the file again
#   refuse   CPU 1 refuses every update: a partial update made by real Xen,
#            then a reload that Xen answers "up to date" in a mixed state
#   current  the CPUs already run NEW at boot, and Xen has no patch cached
#   scan     Xen applied the file at boot (ucode=scan): dom0's load finds
#            the CPUs up to date
# The host gives BOOT, NEW and OLD (the revisions: at boot, in the file, in
# /test/fw.old) and checks Xen's side in success.host.
. ./lib.sh
MC=/sys/devices/system/cpu/microcode
MISC=/sys/class/misc/microcode
FORCE=$MC/force_reload
FW=/lib/firmware/$FWFILE
cp $FW /tmp/fw.orig
NCPU=$(grep -c '^processor' /proc/cpuinfo)

# The revision each of dom0's CPUs has on record (/proc/cpuinfo's
# microcode, which lscpu and needrestart read), one line per CPU.
cpuinfo_revs() { awk '/^microcode/ {print $3}' /proc/cpuinfo; }
# all_cpuinfo REV DESC: every CPU's record says REV
all_cpuinfo() {
	local got
	got=$(cpuinfo_revs | sort -u | tr '\n' ' ')
	check "$2: /proc/cpuinfo gives $1 for all $NCPU CPUs (${got% })" \
		test "$got" = "$1 " -a "$(cpuinfo_revs | grep -c .)" = "$NCPU"
}
# xen_cpus REV DESC: every xen_cpuN/version reads REV (Xen 4.18+)
xen_cpus() {
	local c bad=''
	for c in $MC/xen_cpu*; do
		[ "$(cat $c/version)" = "$1" ] || bad="$bad ${c##*/}=$(cat $c/version)"
	done
	check "$2: every xen_cpuN/version reads $1${bad:+ (not:$bad)}" test -z "$bad"
}
# uevent_has LINE...: the update's uevent carries each LINE
uevent_has() {
	local l
	for l in "$@"; do grep -qx -- "$l" /tmp/uevent.* || return 1; done
}
# changed_events N: exactly N uevents carry MICROCODE_CHANGED
changed_events() { test "$(cat /tmp/uevent.* 2>/dev/null | grep -c '^MICROCODE_CHANGED=')" = "$1"; }
metrics() {
	rm -rf /tmp/prom
	mkdir -p /tmp/prom
	MCX_PROM_DIR=/tmp/prom sh /test/metrics 2> /dev/null
	cat /tmp/prom/microcode_xen.prom
}
up_to_date="$FWFILE: nothing to do: the CPUs already run this revision or a newer one \(Xen: -17\)"

step boot
# Under ucode=scan Xen updated the CPUs before dom0 started.
at_boot=$BOOT
[ "$MODE" != scan ] || at_boot=$NEW
all_cpuinfo "$at_boot" "before the module"
echo "@@val cpuinfo $(cpuinfo_revs | tr '\n' ' ')"

case $MODE in
take)
	step load
	uevents_watch
	expect "insmod: the load-time update succeeds" OK mcxio insmod $MOD
	uevents_stop
	logged "the load names Xen's release" "microcode_xen: hypervisor: Xen $XEN\.[0-9]"
	if xen_at_least 4.18; then
		logged "the log says Xen applied it, boot CPU $BOOT before, $NEW after" \
			"$FWFILE: Xen applied the update; boot CPU revision $BOOT before, $NEW after"
		logged "and that all CPUs run it" "all $PCPUS physical CPUs run revision $NEW$"
		xen_cpus "$NEW" "after the load"
		check "the uevent: success, $NEW, $PCPUS CPUs changed, not mixed" \
			uevent_has MICROCODE_RESULT=0 MICROCODE_REVISION=$NEW MICROCODE_CHANGED=$PCPUS MICROCODE_MIXED=0
		check "exactly one uevent tells what changed" changed_events 1
	else
		logged "the log says Xen applied it" "$FWFILE: Xen applied the update$"
		check "Xen $XEN cannot tell revisions: the uevent says success, and no count" \
			sh -c "grep -qx MICROCODE_RESULT=0 /tmp/uevent.* && ! grep -q '^MICROCODE_CHANGED' /tmp/uevent.*"
	fi
	expect "last_update_result is 0" 0 cat $MISC/last_update_result
	all_cpuinfo "$NEW" "after the load"
	logged "the log says /proc/cpuinfo moved" "/proc/cpuinfo now gives revision $NEW \($NCPU of dom0's CPUs changed\)"

	step reload
	uevents_watch
	expect "a second reload: success, already up to date" OK mcxio write $RELOAD 1
	uevents_stop
	logged "the log says nothing to do (Xen's -EEXIST)" "$up_to_date"
	check "no partial update is claimed" sh -c '! dmesg | grep -q "partial update"'
	if xen_at_least 4.18; then
		check "the uevent: success, 0 CPUs changed, not mixed" \
			uevent_has MICROCODE_RESULT=0 MICROCODE_CHANGED=0 MICROCODE_MIXED=0
	fi
	all_cpuinfo "$NEW" "after the second reload"

	step rollback
	cp /test/fw.old $FW
	if xen_at_least 4.20; then
		expect "force_reload with an older file succeeds" OK mcxio write $FORCE 1
		logged "the log says Xen applied the forced update, $NEW to $OLD" \
			"$FWFILE: Xen applied the update \(forced\); boot CPU revision $NEW before, $OLD after"
		xen_cpus "$OLD" "after the rollback"
		all_cpuinfo "$OLD" "after the rollback"
		# Xen keeps the newer patch cached: the newer file is "no newer".
		cp /tmp/fw.orig $FW
		expect "a plain reload of the newer file after it: Xen answers up to date" \
			OK mcxio write $RELOAD 1
		logged "the log says nothing to do (Xen's -EEXIST)" "$up_to_date"
		xen_cpus "$OLD" "the plain reload moved nothing"
	else
		expect "force_reload on Xen $XEN: EOPNOTSUPP" EOPNOTSUPP mcxio write $FORCE 1
		all_cpuinfo "$NEW" "nothing moved"
	fi
	cp /tmp/fw.orig $FW

	if [ -x /usr/sbin/xen-ucode ]; then
		# Xen 4.20 keeps the newer patch as its cache after a forced
		# older one, and takes the newer file again only with --force.
		step xen-ucode
		insmod /test/xen-privcmd.ko 2> /dev/null
		if xen_at_least 4.20; then
			out=$(/usr/sbin/xen-ucode --force /tmp/fw.orig 2>&1)
		else
			out=$(/usr/sbin/xen-ucode /tmp/fw.orig 2>&1)
		fi
		echo "# xen-ucode: exit $?: $out"
		dmesg -c > /dev/null
		uevents_watch
		expect "after xen-ucode, echo 1 > reload: success, up to date" OK mcxio write $RELOAD 1
		uevents_stop
		logged "the log says nothing to do (Xen's -EEXIST)" "$up_to_date"
		check "no partial update is claimed: xen-ucode's work is not this reload's" \
			sh -c '! dmesg | grep -q "partial update"'
		if xen_at_least 4.18; then
			check "the uevent says 0 CPUs changed" uevent_has MICROCODE_CHANGED=0 MICROCODE_RESULT=0
			xen_cpus "$NEW" "after xen-ucode"
			logged "the log gives the revision xen-ucode left, before and after" \
				"boot CPU revision $NEW before, $NEW after"
		fi
		all_cpuinfo "$NEW" "after xen-ucode and the reload"
	fi
	;;
refuse)
	step load
	uevents_watch
	expect_one "insmod succeeds; the update it sent failed on CPU 1" OK mcxio insmod $MOD
	uevents_stop
	if xen_at_least 4.18; then
		logged "the log says CPU changes although Xen failed: a partial update" \
			"$FWFILE: 1 of $PCPUS physical CPUs changed revision although Xen reported a failure: a partial update"
		logged "and names which CPUs run which revision, advising a reboot" \
			"the physical CPUs run different revisions: 1 on $NEW, 1 on $BOOT; reboot"
		check "the uevent: 1 CPU changed, mixed" uevent_has MICROCODE_CHANGED=1 MICROCODE_MIXED=1
		expect "xen_cpu0 runs $NEW" "$NEW" cat $MC/xen_cpu0/version
		expect "xen_cpu1 still runs $BOOT" "$BOOT" cat $MC/xen_cpu1/version
		metrics > /tmp/prom.out
		check "the metrics say mixed" grep -qx 'microcode_xen_mixed 1' /tmp/prom.out
	else
		logged "the log says the update failed" "$FWFILE: update failed: .*\(Xen: -(5|16)\)"
	fi
	check "last_update_result holds the failure (EIO or EBUSY)" \
		sh -c "grep -Eqx -- '-(5|16)' $MISC/last_update_result"

	step reload
	if xen_at_least 4.18; then
		uevents_watch
		expect "a reload in the mixed state is not 'up to date': ENOTRECOVERABLE" \
			ENOTRECOVERABLE mcxio write $RELOAD 1
		uevents_stop
		logged "the log says Xen will not retry, and what will" \
			"$FWFILE: not up to date: 1 CPUs lag the boot CPU's revision $NEW, and Xen will not retry them \(Xen: -17\)$"
		check "the uevent carries the error and the mixed state" \
			uevent_has MICROCODE_RESULT=-131 MICROCODE_MIXED=1
		expect "last_update_result holds it" -131 cat $MISC/last_update_result
		check "the log does not also say 'nothing to do'" sh -c '! dmesg | grep -q "nothing to do"'
	else
		# Xen 4.17 cannot tell revisions: the driver cannot know the
		# CPUs differ.  What Xen answers is checked in success.host.
		expect_one "a reload on Xen $XEN: Xen's answer (it cannot tell revisions)" \
			"OK EBUSY EIO" mcxio write $RELOAD 1
	fi
	;;
current)
	step load
	expect_one "insmod with the CPUs on $NEW already; no patch cached in Xen" OK mcxio insmod $MOD
	# The answer Xen gives depends on its release (README); the log must
	# never claim an update.
	check "no update is claimed" sh -c '! dmesg | grep -q "Xen applied the update"'
	step reload
	if xen_at_least 4.20; then
		expect "reload: success, up to date" OK mcxio write $RELOAD 1
		logged "the log says nothing to do (Xen's -EEXIST)" "$up_to_date"
	else
		expect "reload on Xen $XEN with several CPUs: EBUSY" EBUSY mcxio write $RELOAD 1
		logged "the log says it can also mean up to date" \
			"update failed: Xen could not update all CPUs together, or up to date, which this Xen answers alike \(Xen: -16\)"
	fi
	all_cpuinfo "$NEW" "nothing moved"
	;;
scan)
	step load
	uevents_watch
	expect "insmod after Xen's boot-time load: success, up to date" OK mcxio insmod $MOD
	uevents_stop
	logged "the log says nothing to do (Xen's -EEXIST)" "$up_to_date"
	if xen_at_least 4.18; then
		xen_cpus "$NEW" "Xen loaded it at boot"
		check "the uevent: success, 0 CPUs changed, not mixed" \
			uevent_has MICROCODE_RESULT=0 MICROCODE_CHANGED=0 MICROCODE_MIXED=0
	fi
	all_cpuinfo "$NEW" "dom0 booted after Xen's load"
	;;
*)
	fail "unknown MODE '$MODE'"
	;;
esac

step unload
expect "rmmod succeeds" OK mcxio rmmod microcode_xen
finish
