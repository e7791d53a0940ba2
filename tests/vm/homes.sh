# SPDX-License-Identifier: GPL-2.0
# The test build on the bare kernel (no kernel microcode directory there),
# with tests/testhelp's module making beforehand what another driver or
# the kernel's own loader could have: misc minor 184 taken, or the
# kernel's /sys/devices/system/cpu/microcode with a reload of its own.
. ./lib.sh
MC=/sys/devices/system/cpu/microcode
MISC=/sys/class/misc/microcode
H=/test/mcx_testhelp.ko
P=/sys/module/microcode_xen/parameters

step minor-taken
expect "the helper takes misc minor 184" OK mcxio insmod $H minor=1
expect "insmod fails with EADDRINUSE" EADDRINUSE mcxio insmod $MOD
logged "and names the minor" "not loaded: cannot register /dev/cpu/microcode \(misc minor 184\): error -16"
check "no $MC is left behind" test ! -e $MC
expect "rmmod of the helper" OK mcxio rmmod mcx_testhelp

for f in reload force_reload; do
	step "kernel-$f"
	expect "the helper makes the kernel's $MC with a $f of its own" OK mcxio insmod $H "dir=1 $f=1"
	before=$(ls -A $MC)
	expect "insmod succeeds" OK mcxio insmod $MOD update_on_load=0
	logged "the log says the kernel's reload cannot reach the CPUs, and where the files are" \
		"the kernel's own reload cannot reach Xen's physical CPUs: reload, force_reload and xen_cpu\* are in /sys/class/misc/microcode"
	logged "ready names that reload" "ready: /sys/class/misc/microcode/reload and /dev/cpu/microcode send microcode to Xen"
	check "the kernel's directory is untouched: '$before'" dir_as_was $MC "$before"
	check "reload and force_reload are on the misc device, write-only" \
		test "$(stat -c %a $MISC/reload $MISC/force_reload | sort -u)" = 200
	check "xen_cpu0 and xen_cpu1 are on the misc device" test -d $MISC/xen_cpu0 -a -d $MISC/xen_cpu1
	rm -rf /tmp/prom
	mkdir -p /tmp/prom
	MCX_PROM_DIR=/tmp/prom sh /test/metrics 2> /dev/null
	check "the package's metrics find both CPUs there" grep -qx 'microcode_xen_cpus 2' /tmp/prom/microcode_xen.prom
	expect "the misc device's reload reaches the stand-in" OK mcxio write $MISC/reload 1
	check "one update reached it" test "$(cat $P/fake_calls)" = 1
	expect "the misc device's force_reload too" OK mcxio write $MISC/force_reload 1
	check "with the force flag" test "$(cat $P/fake_last_force)" = Y
	expect "/dev/cpu/microcode works" OK mcxio send $DEV /lib/firmware/$FWFILE
	expect "a write to the kernel's $f goes to the kernel's file, not the driver" OK mcxio write $MC/$f 1
	check "the stand-in got nothing more" test "$(cat $P/fake_calls)" = 3
	expect "rmmod succeeds" OK mcxio rmmod microcode_xen
	check "the kernel's directory is as it was: '$before'" dir_as_was $MC "$before"
	check "the misc device's files are gone" test ! -e $MISC
	expect "rmmod of the helper" OK mcxio rmmod mcx_testhelp
done
finish
