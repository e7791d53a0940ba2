# SPDX-License-Identifier: GPL-2.0
# The real microcode_xen.c built against the stand-in hypervisor
# (tests/fake_hv.h) on the bare kernel: the answers real Xen does not give
# under emulation.  The stand-in's knobs and records are module parameters.
. ./lib.sh
P=/sys/module/microcode_xen/parameters
MC=/sys/devices/system/cpu/microcode
MISC=/sys/class/misc/microcode
FW=/lib/firmware/$FWFILE
crc=$(crc32 $FW | cut -d' ' -f1)
len=$(stat -c %s $FW)
set_hv() { echo "$2" > $P/$1; }
hv() { cat $P/$1; }
hexof() { printf '%x' "$(cat $P/$1)"; }
reinsmod() { mcxio rmmod microcode_xen > /dev/null; mcxio insmod $MOD "$*"; }

step not-dom0
expect "outside dom0 insmod fails with ENODEV" ENODEV mcxio insmod $MOD fake_dom0=0
logged "the refusal says why" "not loaded: this kernel is not running as Xen's dom0"

step load
expect "insmod succeeds" OK mcxio insmod $MOD
logged "the file is chosen from what Xen reports of the physical CPU" \
	"vendor file $FWFILE, for family 0x6 model 0x55 stepping 0x4 \(the physical boot CPU\)"
logged "the load names the hypervisor's release" "microcode_xen: hypervisor: Xen 4.20.0-stand-in$"
logged "a successful load-time update logs the revisions" \
	"$FWFILE: Xen applied the update; boot CPU revision 0x1 before, 0x2 after"
logged "a changed revision: CPU features are re-evaluated only at restart" \
	"the CPUs run new microcode: the CPU features dom0 and its guests see are not re-evaluated until each of them restarts"
check "one update reached the hypervisor" test "$(hv fake_calls)" = 1
check "it carried the whole file ($len bytes)" test "$(hv fake_last_len)" = "$len"
check "byte for byte: CRC32 $crc" test "$(hexof fake_last_crc)" = "$crc"
# cpu_is N SIGNATURE FLAGS VERSION: xen_cpuN shows the stand-in's values of
# physical CPU N, each CPU its own (tests/fake_hv.h).
cpu_is() {
	check "xen_cpu$1 shows physical CPU $1's own signature $2, processor_flags $3, version $4" \
		test "$(cat $MC/xen_cpu$1/signature) $(cat $MC/xen_cpu$1/processor_flags) $(cat $MC/xen_cpu$1/version)" = "$2 $3 $4"
}
cpu_is 0 0x50654 0x1 0x2
cpu_is 1 0x50655 0x2 0x102

step verdicts
# Xen's answer, the errno the caller gets, what the log must say, right
# before Xen's number.  The stand-in is Xen 4.20.0, which gives none of its
# answers for "up to date" too (step releases: those that do).
while read -r xen want words; do
	set_hv fake_update "$xen"
	expect "Xen's $xen reaches reload as $want" "$want" mcxio write $RELOAD 1
	logged "Xen's $xen is explained: $words" "$FWFILE: .*$words \(Xen: $xen\)"
done <<'TABLE'
-1 EPERM does not allow this domain to load microcode \(XSM\)
-13 EACCES FLASK policy denies dom0 the xen:microcode permission
-12 ENOSPC Xen has no memory for a copy of it
-14 EREMOTEIO could not read it from dom0's memory
-95 EOPNOTSUPP this Xen was built without microcode loading
-6 ENXIO updating these AMD CPUs from their revision unsafe
-2 ENODATA update failed: no update in it for these CPUs
-22 EBADMSG update failed: Xen cannot use it \(malformed, or another vendor's\)
-5 EIO did not take the update \(see xl dmesg\)
-16 EBUSY update failed: Xen could not update all CPUs together
-17 OK already run this revision or a newer one
TABLE
# No Xen answers these to XENPF_microcode_update: op 35 always exists, and
# its length is 32 bits.  They pass through, named by number.
for answer in "-38 ENOSYS" "-7 E2BIG"; do
	set -- $answer
	set_hv fake_update $1
	expect "Xen's $1, which no release gives, is passed on as $2" $2 mcxio write $RELOAD 1
	logged "and logged with its number" "$FWFILE: Xen refused the update with error $1"
done
set_hv fake_update -18
expect "an answer the driver does not know is passed on (EXDEV)" EXDEV mcxio write $RELOAD 1
logged "and logged with its number" "$FWFILE: Xen refused the update with error -18"
set_hv fake_update -1
expect "/dev/cpu/microcode gets the same verdicts (EPERM)" EPERM mcxio send $DEV $FW
logged "naming the writer" "/dev/cpu/microcode \(mcxio\[[0-9]+\]\): update failed: Xen does not allow"
# A process names itself: a newline in its name must not forge a log line.
sh -c 'printf "x\nforged line" > /proc/$$/comm; printf blob > /dev/cpu/microcode' 2>/dev/null
check "a newline in the writer's name is escaped in the log" \
	sh -c 'dmesg | grep -qF "/dev/cpu/microcode (x\\nforged line["'
check "and starts no line of its own" sh -c '! dmesg | grep -q "^forged line"'

step success
set_hv fake_update 0
set_hv fake_new_revision 3
uevents_watch
expect "reload succeeds when Xen applies the update" OK mcxio write $RELOAD 1
logged "the log gives both revisions" "$FWFILE: Xen applied the update; boot CPU revision 0x2 before, 0x3 after"
check "the note on CPU features is said once per load, not again" \
	sh -c '! dmesg | grep -q "CPU features dom0 and its guests see"'
uevents_stop
check "KOBJ_CHANGE names the file and the new revision" \
	sh -c "grep -qx MICROCODE_SOURCE=$FWFILE /tmp/uevent.* && grep -qx MICROCODE_REVISION=0x3 /tmp/uevent.* && grep -qx ACTION=change /tmp/uevent.*"
calls=$(hv fake_calls)
uevents_watch
expect "a device write of the file succeeds" OK mcxio send $DEV $FW
check "the device write reached the hypervisor once" test "$(hv fake_calls)" = $((calls + 1))
check "whole and unchanged (CRC32 $crc)" test "$(hexof fake_last_crc)" = "$crc"
uevents_stop
check "its KOBJ_CHANGE names the writer and the revision" \
	sh -c "grep -Eqx 'MICROCODE_SOURCE=/dev/cpu/microcode \(mcxio\[[0-9]+\]\)' /tmp/uevent.* && grep -qx MICROCODE_REVISION=0x3 /tmp/uevent.* && grep -qx ACTION=change /tmp/uevent.*"
calls=$(hv fake_calls)
expect "a bad reload value gets EINVAL" EINVAL mcxio write $RELOAD 2
check "and never reaches the hypervisor" test "$(hv fake_calls)" = "$calls"
# The blob goes to Xen where the writer has it; should Xen find a page
# unmapped (-EFAULT), the driver sends it once more from a kernel mapping.
ucalls=$(hv fake_user_calls)
expect "a device write passes the writer's buffer itself" OK mcxio send $DEV $FW
check "at its user address, with no copy ($(hv fake_user_calls) calls)" \
	test "$(hv fake_user_calls)" = $((ucalls + 1))
set_hv fake_user_efault 1
calls=$(hv fake_calls)
expect "when Xen cannot read it there, the write still succeeds" OK mcxio send $DEV $FW
check "sent once more, from a kernel mapping" test "$(hv fake_calls)" = $((calls + 1))
check "whole and unchanged the second time (CRC32 $crc)" test "$(hexof fake_last_crc)" = "$crc"
logged "the retry is logged" "Xen could not read the blob where it is .*sending it once more from a kernel mapping"

step serialised
# Four updates at once, two by reload and two by the device, each held
# 500 ms in the stand-in: the driver's lock lets one in at a time.
set_hv fake_max_inflight 0
set_hv fake_delay_ms 500
calls=$(hv fake_calls)
pids=
for i in 1 2 3 4; do
	if [ $((i % 2)) = 0 ]; then
		mcxio write $RELOAD 1 > /tmp/par.$i 2>&1 &
	else
		mcxio send $DEV $FW > /tmp/par.$i 2>&1 &
	fi
	pids="$pids $!"
done
wait $pids
set_hv fake_delay_ms 0
check "the four concurrent updates all succeeded" test "$(cat /tmp/par.1 /tmp/par.2 /tmp/par.3 /tmp/par.4 | tr '\n' ' ')" = "OK OK OK OK "
check "all four reached the hypervisor" test "$(hv fake_calls)" = $((calls + 4))
check "one at a time: at most 1 update was in the hypervisor at once ($(hv fake_max_inflight))" \
	test "$(hv fake_max_inflight)" = 1

step fw-busy
calls=$(hv fake_calls)
expect "reload while the vendor file is open for writing gets ETXTBSY" ETXTBSY \
	sh -c "exec 3>>$FW; mcxio write $RELOAD 1"
logged "the log says the file is being written" "$FWFILE: the file is open for writing"
check "nothing reached the hypervisor" test "$(hv fake_calls)" = "$calls"

step force
set_hv fake_update2 -1
expect "a forced update that Xen's XSM policy refuses gets EPERM" EPERM mcxio write $MC/force_reload 1
logged "and says FLASK denies op 66 though reload may work" \
	"$FWFILE: Xen's XSM policy denies a forced update \(FLASK denies the unknown XENPF_microcode_update2; reload may still work\) \(Xen: -1\)"
set_hv fake_update2 -38
expect "force_reload where the hypervisor lacks update2 gets EOPNOTSUPP" EOPNOTSUPP mcxio write $MC/force_reload 1
logged "and says this hypervisor cannot force" "$FWFILE: this hypervisor cannot force an update"
set_hv fake_update2 0
expect "force_reload succeeds where it has it" OK mcxio write $MC/force_reload 1
check "the force flag reached the hypervisor" test "$(hv fake_last_force)" = Y
logged "the log says it was forced" "$FWFILE: Xen applied the update \(forced\)"
expect "plain reload sends no force flag" OK mcxio write $RELOAD 1
check "no force flag" test "$(hv fake_last_force)" = N

step revisions
set_hv fake_revision_ret -38
check "without XENPF_get_ucode_revision a read fails with EOPNOTSUPP" \
	sh -c "cat $MC/xen_cpu0/version 2>&1 | grep -q 'Operation not supported'"
check "but each signature comes from XENPF_get_cpu_version" \
	test "$(cat $MC/xen_cpu0/signature) $(cat $MC/xen_cpu1/signature)" = "0x50654 0x50655"
expect "updates still work without revisions" OK mcxio write $RELOAD 1
logged "and their log makes up no revision" "$FWFILE: Xen applied the update$"
set_hv fake_revision_ret -1
check "XSM's refusal to read revisions gives EPERM" \
	sh -c "cat $MC/xen_cpu1/signature 2>&1 | grep -q 'Operation not permitted'"
set_hv fake_revision_ret -2
check "a CPU gone offline reads as ENODEV" sh -c "cat $MC/xen_cpu0/processor_flags 2>&1 | grep -q 'No such device'"
set_hv fake_revision_ret -16
check "Xen busy with its CPU maps (hotplug) reads as EAGAIN" \
	sh -c "cat $MC/xen_cpu0/version 2>&1 | grep -q 'Resource temporarily unavailable'"
logged "and says to try again" "xen_cpu0: Xen is busy \(CPU hotplug\); try again"
set_hv fake_revision_ret 0
cpu_is 0 0x50654 0x1 0x3
cpu_is 1 0x50655 0x2 0x103

step cached-reads
# Each question to Xen takes its global platform-op lock: readers without
# CAP_SYS_RAWIO get its last answer and cost no hypercall.
nobody() { mcxio as 65534 65534 "$@"; }
chmod 755 / /test
set_hv fake_revision_calls 0
expect "10000 reads of xen_cpu0/version as nobody give the revision" 0x3 \
	nobody /bin/sh -c "i=0; while [ \$i -lt 10000 ]; do read v < $MC/xen_cpu0/version || exit 1; i=\$((i + 1)); done; echo \$v"
check "and cost no hypercall ($(hv fake_revision_calls))" test "$(hv fake_revision_calls)" = 0
set_hv fake_revision 0x40
expect "nobody sees Xen's last answer, not a new one" 0x3 nobody /bin/cat $MC/xen_cpu0/version
check "a root read asks Xen afresh (0x40), with one hypercall" \
	test "$(cat $MC/xen_cpu0/version) $(hv fake_revision_calls)" = "0x40 1"
expect "which nobody then sees" 0x40 nobody /bin/cat $MC/xen_cpu0/version
set_hv fake_new_revision 0x41
expect "an update through the driver" OK mcxio write $RELOAD 1
expect "refreshes what nobody sees, CPU 0" 0x41 nobody /bin/cat $MC/xen_cpu0/version
expect "and CPU 1" 0x141 nobody /bin/cat $MC/xen_cpu1/version
check "nobody's reads still cost no hypercall beyond the update's" \
	test "$(hv fake_revision_calls)" -le 5

step partial
# Xen reports an update that some CPUs took and others did not as a failure.
expect "insmod, all CPUs on revision 0x1, of one signature" OK reinsmod fake_rev_step=0 fake_same_sig=1 update_on_load=0
expect "before any update last_update_time reads 0" 0 cat $MISC/last_update_time
check "last_update_time and last_update_result are world-readable (0444)" \
	test "$(stat -c %a $MISC/last_update_time)/$(stat -c %a $MISC/last_update_result)" = 444/444
logged "the load says all CPUs run one revision" "all 2 physical CPUs run revision 0x1$"
set_hv fake_update -5
set_hv fake_partial 1
set_hv fake_stuck 2
uevents_watch
expect "an update that CPU 1 did not take gets Xen's EIO" EIO mcxio write $RELOAD 1
uevents_stop
logged "the failure is told" "$FWFILE: update failed: a CPU did not take the update"
logged "so is the partial update" \
	"$FWFILE: 1 of 2 physical CPUs changed revision although Xen reported a failure: a partial update"
logged "and the mixed state, with a reboot advised" \
	"the physical CPUs run different revisions: 1 on 0x2, 1 on 0x1; reboot"
check "a uevent tells what changed: 1 CPU, mixed, boot CPU on 0x2, the writer's EIO" \
	sh -c "grep -qx MICROCODE_CHANGED=1 /tmp/uevent.* && grep -qx MICROCODE_MIXED=1 /tmp/uevent.* && grep -qx MICROCODE_REVISION=0x2 /tmp/uevent.* && grep -qx MICROCODE_RESULT=-5 /tmp/uevent.*"
expect "last_update_result holds the writer's errno" -5 cat $MISC/last_update_result
check "last_update_time is the time of that update (within a minute of dom0's clock)" \
	sh -c "t=\$(cat $MISC/last_update_time); now=\$(date +%s); [ \$((now - t)) -ge 0 ] && [ \$((now - t)) -lt 60 ]"
expect "xen_cpu0 shows the new revision" 0x2 cat $MC/xen_cpu0/version
expect "xen_cpu1 the old one" 0x1 cat $MC/xen_cpu1/version
set_hv fake_partial 0
set_hv fake_update -17
dmesg -c > /dev/null
uevents_watch
expect "on a mixed host Xen says up to date, which is not: ENOTRECOVERABLE" \
	ENOTRECOVERABLE mcxio write $RELOAD 1
uevents_stop
logged "the log still tells the mixed state" "the physical CPUs run different revisions: 1 on 0x2, 1 on 0x1"
logged "and that Xen will not retry, with what will" \
	"$FWFILE: not up to date: 1 CPUs lag the boot CPU's revision 0x2, and Xen will not retry them \(Xen: -17\)$"
check "nothing changed: no partial update claimed; the uevent says 0 CPUs changed, the error" \
	sh -c "! dmesg | grep -q 'partial update' && grep -qx MICROCODE_CHANGED=0 /tmp/uevent.* && grep -qx MICROCODE_RESULT=-131 /tmp/uevent.*"
expect "last_update_result holds it" -131 cat $MISC/last_update_result
set_hv fake_stuck 0
set_hv fake_update 0
expect "an update all CPUs take" OK mcxio write $RELOAD 1
logged "ends the mixed state" "all 2 physical CPUs run revision 0x2$"

step baseline
# Something other than the driver (xen-ucode, say) moved the CPUs since
# Xen's last answer: a reload that Xen finds up to date changed nothing.
expect "insmod, all CPUs on revision 0x1" OK reinsmod fake_rev_step=0 fake_same_sig=1 update_on_load=0
set_hv fake_revision 5
set_hv fake_update -17
uevents_watch
expect "after the CPUs moved outside the driver, reload: up to date" OK mcxio write $RELOAD 1
uevents_stop
check "no partial update is claimed, and the uevent says 0 CPUs changed" \
	sh -c "! dmesg | grep -q 'partial update' && grep -qx MICROCODE_CHANGED=0 /tmp/uevent.*"
logged "the log gives the revision just before the call" "boot CPU revision 0x5 before, 0x5 after"
set_hv fake_update 0
set_hv fake_new_revision 6
expect "an update through the driver" OK mcxio write $RELOAD 1
check "/proc/cpuinfo gives the new revision for every CPU" \
	sh -c "test \"\$(awk '/^microcode/ {print \$3}' /proc/cpuinfo | sort -u)\" = 0x6"
logged "the log says /proc/cpuinfo moved" "/proc/cpuinfo now gives revision 0x6"
set_hv fake_revision 1

step ready-event
# udev heard "add" before xen_cpuN existed: without an update at load, one
# change event tells it the directories are there.
mcxio rmmod microcode_xen > /dev/null
uevents_watch
expect "insmod update_on_load=0" OK mcxio insmod $MOD update_on_load=0
uevents_stop
change_of_misc() {
	local f
	for f in /tmp/uevent.*; do
		grep -qx ACTION=change "$f" && grep -qx DEVPATH=/devices/virtual/misc/microcode "$f" &&
			return 0
	done
	return 1
}
check "a change event for the misc device follows, once xen_cpuN exist" change_of_misc

step init-race
# /dev/cpu/microcode exists before the list of physical CPUs is complete
# (a slow load: each CPU listed in 300 ms), and a loading module's device
# can be opened: a write in that instant must wait for the whole list, or
# its tally counts the CPUs listed so far.
mcxio rmmod microcode_xen > /dev/null
rm -f /tmp/race.out
( while [ ! -e $DEV ]; do :; done; mcxio send $DEV $FW > /tmp/race.out 2>&1 ) &
racer=$!
expect "a slow insmod (4 CPUs, 300 ms each) with a device write in the middle" OK \
	mcxio insmod $MOD "update_on_load=0 fake_pcpus=4 fake_rev_step=0 fake_cpuinfo_delay_ms=300"
wait $racer
expect "the write during the load succeeded" OK cat /tmp/race.out
logged "the load's own tally saw all 4 CPUs before the write's update" "all 4 physical CPUs run revision 0x1$"
logged "the write's tally saw all 4 CPUs, after its update" "all 4 physical CPUs run revision 0x2$"

step mixed-at-load
expect "insmod on a host whose CPU 1 runs another revision" OK \
	reinsmod fake_rev_step=0 fake_stuck=2 fake_old_revision=7 update_on_load=0
logged "the load tells the mixed state" "the physical CPUs run different revisions: 1 on 0x1, 1 on 0x7"

step cpu-version-fails
expect "insmod succeeds when XENPF_get_cpu_version fails" OK reinsmod fake_version=-1 update_on_load=0
logged "the fallback to dom0's view is logged" \
	"Xen did not report the physical boot CPU \(error -1\); choosing the file from dom0's view"
logged "and the file is chosen from dom0's CPUID" "vendor file $FWFILE, .*\(dom0's view of the boot CPU\)"

step physical-differs
expect "insmod succeeds" OK reinsmod fake_vendor=AuthenticAMD fake_family=0x19 fake_model=1 fake_stepping=1 update_on_load=0
logged "Xen's physical CPU wins over dom0's Intel view" \
	"vendor file amd-ucode/microcode_amd_fam19h.bin, for family 0x19 model 0x1 stepping 0x1 \(the physical boot CPU\)"
expect "reload asks for that file (ENOENT here)" ENOENT mcxio write $RELOAD 1
logged "naming it" "amd-ucode/microcode_amd_fam19h.bin: no such file"

step absent-boot-cpu
expect "insmod succeeds when Xen reports the boot CPU as absent (zeroes)" OK reinsmod fake_pcpus=0 update_on_load=0
logged "dom0's view is used" "Xen did not report the physical boot CPU \(error 0\)"
check "no xen_cpuN directory for absent CPUs" sh -c "! ls -d $MC/xen_cpu* 2>/dev/null"

step unknown-vendor
expect "insmod succeeds for a vendor without files" OK reinsmod fake_vendor=CentaurHauls update_on_load=0
logged "the log says reload cannot work" "Xen has no microcode loader for CPU vendor CentaurHauls"
expect "reload gets ENODEV" ENODEV mcxio write $RELOAD 1
expect "/dev/cpu/microcode still works" OK mcxio send $DEV $FW

step hygon
expect "insmod succeeds on a Hygon host" OK reinsmod fake_vendor=HygonGenuine fake_family=0x18 update_on_load=0
logged "no file is promised: no Xen loads microcode on Hygon" "Xen has no microcode loader for CPU vendor HygonGenuine"
expect "reload gets ENODEV" ENODEV mcxio write $RELOAD 1
logged "reload says why" "reload: Xen has no microcode loader for this CPU vendor"

step cpuinfo-fails
expect "insmod succeeds when XENPF_get_cpuinfo fails" OK reinsmod fake_cpuinfo=-1 update_on_load=0
logged "the log says so" "Xen did not list physical CPU 0 \(error -1\)"
check "no xen_cpuN directories" sh -c "! ls -d $MC/xen_cpu* 2>/dev/null"
expect "reload still works" OK mcxio write $RELOAD 1

step offline
expect "insmod with physical CPUs 1 and 2 offline" OK reinsmod fake_pcpus=4 fake_offline=6 update_on_load=0
check "only the online ones get a directory: xen_cpu0, xen_cpu3" \
	test "$(cd $MC && echo xen_cpu*)" = "xen_cpu0 xen_cpu3"
logged "the count is logged" "2 physical CPUs listed"
cpu_is 0 0x50654 0x1 0x1
cpu_is 3 0x50657 0x8 0x301

step releases
# Xen's -2, -22 and -16 also mean "up to date" on some releases
# (Documentation/xen-releases.txt): the line says so on those only.  A
# "-pre" build counts as either neighbouring release.
alike='or up to date, which this Xen answers alike'
while read -r minor extra xen yes; do
	expect "insmod as Xen 4.$minor$extra" OK reinsmod fake_xen_minor=$minor fake_xen_extra=$extra update_on_load=0
	set_hv fake_update "$xen"
	dmesg -c > /dev/null
	mcxio write $RELOAD 1 > /dev/null
	if [ "$yes" = yes ]; then
		logged "Xen 4.$minor$extra: its $xen may mean up to date, and the line says so" "$FWFILE: update failed: .*, $alike \(Xen: $xen\)"
	else
		logged "Xen 4.$minor$extra: its $xen is a plain failure" "$FWFILE: update failed: [^,]*( \([^)]*\))? \(Xen: $xen\)"
	fi
done <<'TABLE'
17 .4 -22 yes
17 .4 -2 yes
17 .4 -16 no
17 .7 -22 no
17 .7 -16 yes
18 .2 -2 yes
18 .3 -2 no
20 .2 -16 yes
20 .3-pre -16 yes
20 .5-pre -16 no
21 .0 -16 yes
21 .1 -16 no
TABLE
set_hv fake_update 0
expect "back to the stand-in's own release" OK reinsmod update_on_load=0

step unload
expect "rmmod succeeds" OK mcxio rmmod microcode_xen
check "everything is gone" test ! -e $MC -a ! -e $DEV
finish
