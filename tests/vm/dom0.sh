# SPDX-License-Identifier: GPL-2.0
# In dom0 under real Xen ($XEN), with the real vendor file $FWFILE from
# Debian's microcode packages in /lib/firmware.  Under emulation the CPU
# never takes an update, so a delivered, matched blob ends in Xen's apply
# failure: -EIO on Xen 4.20; on 4.17 -EBUSY, or -EIO when the control CPU's
# error comes last (a race inside Xen): APPLY in lib.sh.  dom0.host checks Xen's side of
# each step.  The host also puts test copies of the file in /test: fw.xz,
# fw.zst and, for Intel, fw.rev1 (the same update claiming revision 0x1).
. ./lib.sh
MC=/sys/devices/system/cpu/microcode
FORCE=$MC/force_reload
FW=/lib/firmware/$FWFILE
FAILED="$FWFILE: update failed: .*\(Xen: $APPLY_XEN\)"
cp $FW /tmp/fw.orig

# CPUID.1.EAX from dom0's /proc/cpuinfo, for comparison with Xen's answer.
cpuid_sig() {
	local f m s
	f=$(awk '/^cpu family/ {print $4; exit}' /proc/cpuinfo)
	m=$(awk '/^model\t/ {print $3; exit}' /proc/cpuinfo)
	s=$(awk '/^stepping/ {print $3; exit}' /proc/cpuinfo)
	if [ "$f" -ge 15 ]; then
		printf '0x%x\n' $(( ((f - 15) << 20) | ((m >> 4) << 16) | (15 << 8) | ((m & 15) << 4) | s ))
	else
		printf '0x%x\n' $(( ((m >> 4) << 16) | (f << 8) | ((m & 15) << 4) | s ))
	fi
}

# Linux 7.2's own loader comes up in a PV dom0 with an empty $MC (no late
# loading): the driver then adds its files to the kernel's directory.
shared=
if [ -d $MC ]; then
	shared=y
	kernel_files=$(ls -A $MC)
	check "the kernel's own loader came up in this PV dom0 (its log says so)" \
		sh -c 'dmesg | grep -q "microcode: Current revision"'
	check "its $MC has no reload: no late loading in this kernel" test ! -e $RELOAD
fi

step load
expect "insmod in dom0 succeeds" OK mcxio insmod $MOD
if [ -n "$shared" ]; then
	logged "the driver says it shares the kernel's directory" \
		"the kernel's loader came up without late loading in this PV dom0: adding reload, force_reload and xen_cpu\* to its directory"
	check "xen_cpu0 in $MC is a link to the misc device's xen_cpu0" \
		test "$(readlink -f $MC/xen_cpu0)" = /sys/devices/virtual/misc/microcode/xen_cpu0
fi
check "reload is there, write-only (0200)" test "$(stat -c %a $RELOAD)" = 200
check "force_reload is there, write-only (0200)" test "$(stat -c %a $FORCE)" = 200
check "/dev/cpu/microcode is char 10:184, mode 0600" \
	test "$(stat -c '%t:%T %a' $DEV)" = "a:b8 600"
logged "the file is chosen from the physical boot CPU as Xen reports it" \
	"vendor file $FWFILE, for family 0x[0-9a-f]+ model 0x[0-9a-f]+ stepping 0x[0-9a-f]+ \(the physical boot CPU\)"
logged "the load-time update named the file and Xen's verdict" "$FAILED"

step reload
uevents_watch
expect_one "echo 1 > reload returns Xen's verdict" "$APPLY" mcxio write $RELOAD 1
uevents_stop
logged "reload logged the verdict" "$FAILED"
# Xen's refusal too is announced, with the writer's errno (EIO -5, EBUSY -16).
res=$(sed -n 's/^MICROCODE_RESULT=//p' /tmp/uevent.* 2>/dev/null)
check "the refused update sent a uevent with the writer's errno ($res)" \
	sh -c "echo '$res' | grep -Eqx -- '-(5|16)'"
check "last_update_result holds the same errno" test "$(cat /sys/class/misc/microcode/last_update_result)" = "$res"
if xen_at_least 4.18; then
	logged "the log gives the boot CPU's revision before and after" \
		"$FWFILE: update failed: .*; boot CPU revision 0x[0-9a-f]+ before, 0x[0-9a-f]+ after"
else
	check "Xen $XEN reports no revisions, and the log makes none up" \
		sh -c '! dmesg | grep -q "microcode_xen: .*revision 0x"'
fi

step xen-cpus
check "one xen_cpuN directory per physical CPU ($PCPUS)" test "$(ls -d $MC/xen_cpu* | wc -l)" = "$PCPUS"
check "xen_cpu0's files are read-only (0444)" \
	test "$(stat -c %a $MC/xen_cpu0/signature $MC/xen_cpu0/processor_flags $MC/xen_cpu0/version | sort -u)" = 444
if xen_at_least 4.18; then
	sig=$(cpuid_sig)
	for c in $MC/xen_cpu*; do
		check "${c##*/}/signature is the CPU's CPUID.1.EAX, $sig" test "$(cat $c/signature)" = "$sig"
		check "${c##*/}/processor_flags is one hex value" grep -Eqx '0x[0-9a-f]+' $c/processor_flags
		check "${c##*/}/version is one hex value" grep -Eqx '0x[0-9a-f]+' $c/version
	done
	# dom0.host compares it with the revision Xen's own log names
	echo "@@val version $(cat $MC/xen_cpu0/version)"
else
	for f in processor_flags version; do
		check "reading xen_cpu0/$f on Xen $XEN fails with EOPNOTSUPP" \
			sh -c "cat $MC/xen_cpu0/$f 2>&1 | grep -q 'Operation not supported'"
	done
	# Every Xen reports family, model and stepping (XENPF_get_cpu_version).
	sig=$(cpuid_sig)
	for c in $MC/xen_cpu*; do
		check "${c##*/}/signature on Xen $XEN is the CPU's CPUID.1.EAX, $sig" \
			test "$(cat $c/signature)" = "$sig"
	done
	logged "the log says this hypervisor cannot report revisions" \
		"this hypervisor cannot report microcode revisions"
fi

step force
if xen_at_least 4.20; then
	expect_one "force_reload sends the file with XENPF_UCODE_FORCE" "$APPLY" mcxio write $FORCE 1
	logged "the forced attempt is logged" "$FAILED"
else
	expect "force_reload on Xen $XEN fails with EOPNOTSUPP" EOPNOTSUPP mcxio write $FORCE 1
	logged "the log says this hypervisor cannot force" "$FWFILE: this hypervisor cannot force an update"
fi
expect "force_reload rejects 2 with EINVAL" EINVAL mcxio write $FORCE 2

if [ "$VENDOR" = intel ]; then
	step same-revision
	cp /test/fw.rev1 $FW
	if xen_at_least 4.19; then
		expect "reload of the running revision succeeds: already up to date" OK mcxio write $RELOAD 1
		logged "the log says the CPUs already run it" \
			"$FWFILE: nothing to do: the CPUs already run this revision or a newer one"
	else
		# Xen 4.17's CPU0 answers -EEXIST, but with two CPUs the aborted
		# rendezvous comes back as -EBUSY (dom0 cannot tell), unless the
		# race lets CPU0's -EEXIST through: success.  dom0.host checks
		# that Xen found the CPU up to date and loaded nothing.
		expect_one "reload of the running revision on Xen $XEN gets EBUSY (or OK when CPU0's -EEXIST comes last)" \
			"EBUSY OK" mcxio write $RELOAD 1
	fi

	step force-same-revision
	if xen_at_least 4.20; then
		uevents_watch
		expect "force_reload makes Xen load the running revision again: success" OK mcxio write $FORCE 1
		logged "the log gives the forced update and the revisions" \
			"$FWFILE: Xen applied the update \(forced\); boot CPU revision 0x1 before, 0x1 after"
		uevents_stop
		ev=$(cat /tmp/uevent.* 2>/dev/null)
		echo "$ev" | sed 's/^/# uevent: /'
		check "the update sent KOBJ_CHANGE for the misc device" \
			sh -c "echo '$ev' | grep -qx ACTION=change && echo '$ev' | grep -qx DEVPATH=/devices/virtual/misc/microcode"
		check "the uevent names the file, the new revision and success" \
			sh -c "echo '$ev' | grep -qx MICROCODE_SOURCE=$FWFILE && echo '$ev' | grep -qx MICROCODE_REVISION=0x1 && echo '$ev' | grep -qx MICROCODE_RESULT=0"
	else
		expect "force_reload on Xen $XEN fails with EOPNOTSUPP" EOPNOTSUPP mcxio write $FORCE 1
	fi
	cp /tmp/fw.orig $FW
fi

step compressed-xz
rm $FW
cp /test/fw.xz $FW.xz
expect_one "reload finds the .xz copy when the plain file is absent" "$APPLY" mcxio write $RELOAD 1
rm $FW.xz

step compressed-zst
cp /test/fw.zst $FW.zst
if [ "$KERNEL" = 6.1 ]; then
	expect "6.1's firmware loader cannot read .zst: ENOENT" ENOENT mcxio write $RELOAD 1
else
	expect_one "reload finds the .zst copy when the plain file is absent" "$APPLY" mcxio write $RELOAD 1
fi
rm $FW.zst
cp /tmp/fw.orig $FW

step bad-values
for v in 0 2 -1 1x yes 0x2 " 1" 11; do
	expect "reload rejects '$v' with EINVAL" EINVAL mcxio write $RELOAD "$v"
done
expect "reload rejects a 4 KiB string with EINVAL" EINVAL \
	mcxio write $RELOAD "$(head -c 4096 /dev/zero | tr '\0' 1)"
logged "a bad value is explained" "reload: only the value 1 is accepted"

step device-real
expect_one "the real file written to /dev/cpu/microcode gets Xen's verdict" "$APPLY" \
	mcxio send $DEV /tmp/fw.orig
logged "the device write names the writer and the verdict" \
	"/dev/cpu/microcode \(mcxio\[[0-9]+\]\): update failed: .*\(Xen: $APPLY_XEN\)"

if [ "$VENDOR" = intel ] && [ -x /usr/sbin/iucode_tool ]; then
	step iucode-tool
	out=$(/usr/sbin/iucode_tool -k /tmp/fw.orig 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# iucode_tool: /'
	check "iucode_tool -k fails (exit $rc)" test $rc -ne 0 -a $rc -ne 127
	if xen_at_least 4.19; then
		errs="Input/output error"
	else
		errs="Input/output error|Device or resource busy"
	fi
	check "iucode_tool -k reports Xen's verdict ($APPLY)" \
		sh -c "echo '$out' | grep -Eq 'write error: ($errs)'"
	logged "iucode_tool's write reached Xen" "/dev/cpu/microcode \(iucode_tool\[[0-9]+\]\): update failed"
fi

step garbage
head -c 1000 /dev/zero | tr '\0' '\253' > /tmp/garbage
expect "garbage to /dev/cpu/microcode gets EBADMSG" EBADMSG mcxio send $DEV /tmp/garbage
logged "garbage is explained" "update failed: Xen cannot use it \(malformed, or another vendor's\)"
expect "an empty write gets EINVAL" EINVAL mcxio write $DEV ""
logged "an empty write is explained" "empty write, nothing to send"

step missing
rm $FW
expect "reload without the file gets ENOENT" ENOENT mcxio write $RELOAD 1
logged "the missing file is named" "$FWFILE: no such file under /lib/firmware"

step empty
: > $FW
expect "reload with an empty file gets ENOEXEC" ENOEXEC mcxio write $RELOAD 1
logged "the empty file is named" "$FWFILE: the file is empty or not a regular file"
rm $FW
mkdir $FW
expect "reload with a directory in place of the file gets ENOEXEC" ENOEXEC mcxio write $RELOAD 1
rmdir $FW

step unload
expect "rmmod succeeds" OK mcxio rmmod microcode_xen
if [ -n "$shared" ]; then
	check "the kernel's $MC is left as it was: a directory holding '$kernel_files'" \
		dir_as_was $MC "$kernel_files"
else
	check "/sys/devices/system/cpu/microcode is gone" test ! -e $MC
fi
check "/dev/cpu/microcode is gone" test ! -e $DEV

step load-no-update
expect "insmod update_on_load=0 succeeds" OK mcxio insmod $MOD update_on_load=0
check "no firmware was requested" sh -c '! dmesg | grep -q "microcode_xen: .*update"'
expect "rmmod succeeds" OK mcxio rmmod microcode_xen

step load-missing-file
expect "insmod succeeds though the file is missing" OK mcxio insmod $MOD
logged "the failed load-time update is logged" "$FWFILE: no such file"
check "the interfaces stay for a later reload" test -e $RELOAD -a -e $DEV
cp /tmp/fw.orig $FW
expect_one "after the file is restored, reload reaches Xen again" "$APPLY" mcxio write $RELOAD 1
expect "rmmod succeeds" OK mcxio rmmod microcode_xen
if [ -n "$shared" ]; then
	check "after three loads and unloads the kernel's $MC is as it was: a directory holding '$kernel_files'" \
		dir_as_was $MC "$kernel_files"
fi
finish
