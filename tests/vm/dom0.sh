# SPDX-License-Identifier: GPL-2.0
# In dom0 under Xen, Intel Skylake-Server (signature 0x50654) with the real
# intel-ucode/06-55-04 from Debian's intel-microcode in /lib/firmware.
# Under emulation the CPU never takes an update, so a delivered, matched blob
# ends in Xen's apply failure: -EIO on one CPU, which Xen 4.17 reports as
# -EBUSY with two CPUs.  dom0.host checks Xen's side of each step.
. ./lib.sh
FW=/lib/firmware/intel-ucode/06-55-04
cp $FW /tmp/06-55-04

step load
expect "insmod in dom0 succeeds" OK mcxio insmod $MOD
check "reload is there, write-only (0200)" test "$(stat -c %a $RELOAD)" = 200
check "/dev/cpu/microcode is char 10:184, mode 0600" \
	test "$(stat -c '%t:%T %a' $DEV)" = "a:b8 600"
logged "the load-time update named the file and Xen's verdict" \
	"intel-ucode/06-55-04: update failed: Xen could not update all CPUs together.*\(Xen: -16\)"

step reload
expect "echo 1 > reload returns Xen's verdict, EBUSY" EBUSY mcxio write $RELOAD 1
logged "reload logged the verdict" "intel-ucode/06-55-04: update failed: .*\(Xen: -16\)"

step bad-values
for v in 0 2 -1 1x yes 0x2 " 1" 11; do
	expect "reload rejects '$v' with EINVAL" EINVAL mcxio write $RELOAD "$v"
done
expect "reload rejects a 4 KiB string with EINVAL" EINVAL \
	mcxio write $RELOAD "$(head -c 4096 /dev/zero | tr '\0' 1)"
logged "a bad value is explained" "reload: only the value 1 is accepted"

step device-real
expect "the real file written to /dev/cpu/microcode gets EBUSY" EBUSY mcxio send $DEV /tmp/06-55-04
logged "the device write names the writer and the verdict" \
	"/dev/cpu/microcode \(mcxio\[[0-9]+\]\): update failed: .*\(Xen: -16\)"

step iucode-tool
if [ -x /usr/sbin/iucode_tool ]; then
	out=$(/usr/sbin/iucode_tool -k /tmp/06-55-04 2>&1); rc=$?
	echo "$out" | sed 's/^/# iucode_tool: /'
	check "iucode_tool -k fails (exit $rc)" test $rc -ne 0 -a $rc -ne 127
	check "iucode_tool -k reports Xen's verdict as EBUSY" \
		sh -c "echo '$out' | grep -q 'write error: Device or resource busy'"
	logged "iucode_tool's write reached Xen" "/dev/cpu/microcode \(iucode_tool\[[0-9]+\]\): update failed"
fi

step garbage
head -c 1000 /dev/zero | tr '\0' '\253' > /tmp/garbage
expect "garbage to /dev/cpu/microcode gets EBADMSG" EBADMSG mcxio send $DEV /tmp/garbage
logged "garbage is explained" "update failed: Xen cannot use it: not microcode for this CPU vendor"
expect "an empty write gets EINVAL" EINVAL mcxio write $DEV ""
logged "an empty write is explained" "empty write, nothing to send"

step missing
rm $FW
expect "reload without the file gets ENOENT" ENOENT mcxio write $RELOAD 1
logged "the missing file is named" "intel-ucode/06-55-04: no such file under /lib/firmware"

step empty
: > $FW
expect "reload with an empty file gets ENOEXEC" ENOEXEC mcxio write $RELOAD 1
logged "the empty file is named" "intel-ucode/06-55-04: the file is empty or not a regular file"
rm $FW
mkdir $FW
expect "reload with a directory in place of the file gets ENOEXEC" ENOEXEC mcxio write $RELOAD 1
rmdir $FW

step unload
expect "rmmod succeeds" OK mcxio rmmod microcode_xen
check "reload is gone" test ! -e $RELOAD
check "/sys/devices/system/cpu/microcode is gone" test ! -e /sys/devices/system/cpu/microcode
check "/dev/cpu/microcode is gone" test ! -e $DEV

step load-no-update
expect "insmod update_on_load=0 succeeds" OK mcxio insmod $MOD update_on_load=0
check "no firmware was requested" sh -c '! dmesg | grep -q direct-loading'
expect "rmmod succeeds" OK mcxio rmmod microcode_xen

step load-missing-file
expect "insmod succeeds though the file is missing" OK mcxio insmod $MOD
logged "the failed load-time update is logged" "intel-ucode/06-55-04: no such file"
check "the interfaces stay for a later reload" test -e $RELOAD -a -e $DEV
cp /tmp/06-55-04 $FW
expect "after the file is restored, reload reaches Xen again (EBUSY)" EBUSY mcxio write $RELOAD 1
expect "rmmod succeeds" OK mcxio rmmod microcode_xen
