# SPDX-License-Identifier: GPL-2.0
# Hardening against real Xen (issue 4; RELIABILITY at the top of the repo):
# bad input on every interface, load, concurrency, module lifecycle,
# memory and permissions.  dom0 on Intel Skylake-Server (0x50654) with the
# real intel-ucode/06-55-04; the host adds, under /test/blob, Intel's file
# for another CPU (06-8e-09) and AMD's family 17h container.  A blob that
# Xen matches ends in its apply failure under emulation: EBUSY on Xen 4.17 (now and then EIO).
# harden.host checks Xen's side of each step.  Figures are printed on lines
# "# figure: ..." (latency in ms, memory in kB).
. ./lib.sh
# The long modes' bound (mcxio, default 120 s): 1000 reloads on Xen 4.17,
# each a rendezvous of both CPUs, took 7 s alone on the host and 88 s with
# four other VMs beside it; a stuck call still fails its step.
export MCXIO_HANG_S=${MCXIO_HANG_S:-300}
FW=/lib/firmware/intel-ucode/06-55-04
B=/test/blob
P=/sys/module/microcode_xen/parameters
UCODE=/sys/devices/system/cpu/microcode
cp $FW /tmp/fw
# The initramfs root is created mode 0700: let uid 1000 reach /test/mcxio.
chmod 755 / /test
nl='
'
# A task stuck in D state for 10 s shows up as "blocked for more than" (120 s
# by default, longer than this whole run).
echo 10 > /proc/sys/kernel/hung_task_timeout_secs

# The bad inputs, each in a step of its own so that harden.host can tell
# whether it reached Xen.  bad NAME DESC WANT REGEX CMD...: CMD answers WANT
# (after its figures, if any) and dom0's log explains it with a line matching
# REGEX.  A call that does not return within 60 s is killed and fails.
nbad=0 okbad=0
bad() {
	local name=$1 desc=$2 want=$3 re=$4 got
	shift 4
	step "bad-$name"
	nbad=$((nbad + 1))
	got=$(timeout -s KILL 60 "$@" 2>&1)
	printf '%s\n' "$got" | grep '^# figure:'
	got=$(printf '%s\n' "$got" | grep -v '^# figure:')
	if [ "$got" = "$want" ] && dmesg | grep -Eq "$re"; then
		okbad=$((okbad + 1))
		pass "bad input $nbad ($name): $desc: $want, logged"
	else
		fail "bad input $nbad ($name): $desc: expected $want and a log line /$re/, got '$got'"
		dmesg | tail -n 3 | sed 's/^/#   /'
	fi
}
# matched DESC CMD...: CMD sent the real file, which Xen matched and failed to
# apply: APPLY (lib.sh); Xen 4.17 answers EBUSY, or EIO when its control
# CPU's answer comes last (a race inside Xen, about 1 in 1000 in this VM).
matched() {
	local desc=$1
	shift
	expect_one "$desc" "$APPLY" "$@"
}
# The same, as an mcxio stress answer: EBUSY|EIO.
want_apply=$(echo $APPLY | tr ' ' '|')
# refused NAME DESC WANT CMD...: refused before the driver is reached (by
# the VFS or sysfs): CMD answers WANT and the driver logs nothing.
refused() {
	local name=$1 desc=$2 want=$3 got
	shift 3
	step "refused-$name"
	got=$(timeout -s KILL 60 "$@" 2>&1)
	if [ "$got" = "$want" ] && ! dmesg | grep -q microcode_xen; then
		pass "refused ($name): $desc: $want, nothing reached the driver"
	else
		fail "refused ($name): $desc: expected $want and no driver line, got '$got'"
		dmesg | tail -n 3 | sed 's/^/#   /'
	fi
}

step load
expect "insmod succeeds" OK mcxio insmod $MOD
mem_mark
mem_start=$mem0

# Values for reload and force_reload other than 1 (dom0.sh has 0, 2, -1, 1x,
# yes, 0x2, " 1", 11 and a 4 KiB string).  Their log line is rate limited,
# 10 lines per 5 s: these are 10.
inval="only the value 1 is accepted"
bad reload-space "reload '1 '" EINVAL "reload: $inval" mcxio write $RELOAD "1 "
bad reload-newline "reload: a lone newline" EINVAL "reload: $inval" mcxio write $RELOAD "$nl"
bad reload-2newlines "reload '1\\n\\n'" EINVAL "reload: $inval" mcxio write $RELOAD "1$nl$nl"
bad reload-0x "reload '0x'" EINVAL "reload: $inval" mcxio write $RELOAD 0x
bad reload-float "reload '1.0'" EINVAL "reload: $inval" mcxio write $RELOAD 1.0
bad reload-2p32 "reload 2^32+1 (1 if cut to 32 bits)" EINVAL "reload: $inval" \
	mcxio write $RELOAD 4294967297
bad reload-overflow "reload 2^64+1" EINVAL "reload: $inval" \
	mcxio write $RELOAD 18446744073709551617
bad reload-4097 "reload: 4097 bytes (sysfs hands over the first 4096)" EINVAL "reload: $inval" \
	mcxio write $RELOAD "$(head -c 4097 /dev/zero | tr '\0' 1)"
bad force-0 "force_reload '0'" EINVAL "force_reload: $inval" mcxio write $UCODE/force_reload 0
bad force-minus1 "force_reload '-1'" EINVAL "force_reload: $inval" mcxio write $UCODE/force_reload -1
# Xen before 4.20 has no XENPF_microcode_update2: there, and only there,
# force_reload '1' is a bad input (on 4.20 it is a forced update, which
# dom0.sh tests).
kinds=33
if xen_at_least 4.20; then
	kinds=32
else
	bad force-1 "force_reload '1' on a Xen without forced updates" EOPNOTSUPP \
		"intel-ucode/06-55-04: this hypervisor cannot force an update" \
		mcxio write $UCODE/force_reload 1
fi

# Blobs for /dev/cpu/microcode.
head -c 4096 /dev/urandom > /tmp/random
echo "# random blob: crc32 $(crc32 /tmp/random)"
head -c 20 /tmp/fw > /tmp/trunc
cp /tmp/fw /tmp/badsum
printf '\377' | dd of=/tmp/badsum bs=1 seek=100 conv=notrunc 2>/dev/null
# The real header claiming a total size of 0x7ffffc00 bytes.
head -c 48 /tmp/fw > /tmp/liar
printf '\000\374\377\177' | dd of=/tmp/liar bs=1 seek=32 conv=notrunc 2>/dev/null
failed="update failed"
dev="/dev/cpu/microcode \(mcxio\[[0-9]+\]\)"
bad dev-empty "a zero-length write" EINVAL "$dev: empty write, nothing to send" \
	mcxio write $DEV ""
bad dev-1byte "one byte" EBADMSG "$dev: $failed: Xen cannot use it.*\(Xen: -22\)" \
	mcxio write $DEV x
bad dev-random "4 KiB of random bytes" EBADMSG "$dev: $failed: Xen cannot use it" \
	mcxio send $DEV /tmp/random
bad dev-trunc "the first 20 bytes of the Intel header (48)" EBADMSG \
	"$dev: $failed: Xen cannot use it" mcxio send $DEV /tmp/trunc
bad dev-liar "an Intel header claiming 2 GiB, alone" EBADMSG "$dev: $failed: Xen cannot use it" \
	mcxio send $DEV /tmp/liar
bad dev-badsum "the real file with one byte changed (bad checksum)" EBADMSG \
	"$dev: $failed: Xen cannot use it" mcxio send $DEV /tmp/badsum
bad dev-other-cpu "Intel's file for another CPU (06-8e-09)" ENODATA \
	"$dev: $failed: no update in it for these CPUs.*\(Xen: -2\)" mcxio send $DEV $B/06-8e-09
bad dev-amd "AMD's family 17h container, on Intel" EBADMSG "$dev: $failed: Xen cannot use it" \
	mcxio send $DEV $B/amd17h
mem_mark
bad dev-over "32 MiB + 1 byte, of memory that cannot be read" EFBIG \
	"$dev: 33554433 bytes exceed the 33554432 byte limit of one write" \
	mcxio big $DEV 33554433
bad dev-2g "2 GiB - 4 KiB (the most one write() passes), unreadable" EFBIG \
	"$dev: 2147479552 bytes exceed the 33554432 byte limit" mcxio big $DEV 2147479552
mem_check "two writes over 32 MiB (refused before any allocation)" 2
check "no allocation was attempted for them (no vmalloc or page allocation failure)" \
	sh -c '! dmesg | grep -Eq "vmalloc error|page allocation failure"'
bad dev-badptr "a buffer that is not mapped" EFAULT \
	"$dev: cannot pin the 4096 byte blob in memory for Xen: error -14" mcxio badptr $DEV 4096
mem_mark
bad dev-limit "exactly 32 MiB of zeros: within the limit, Xen refuses it" EBADMSG \
	"$dev: $failed: Xen cannot use it" mcxio big $DEV 33554432 zero
mem_check "a 32 MiB write" 1
# A blob cut into pieces: each piece goes to Xen on its own, and is refused.
bad dev-pieces "the real file in three write()s of 16 KiB" EBADMSG,EBADMSG,EBADMSG \
	"$dev: $failed: Xen cannot use it" mcxio pieces $DEV /tmp/fw 16384
check "each of the three pieces was refused on its own" \
	test "$(dmesg | grep -c "$failed: Xen cannot use it")" -eq 3
# writev() of a driver with .write only is a loop of write()s: the first
# iovec is refused and the second never sent.
bad dev-writev "the real file as one writev() of two iovecs" EBADMSG \
	"$dev: $failed: Xen cannot use it" mcxio writev $DEV /tmp/fw 2
check "writev: only the first iovec reached Xen" \
	test "$(dmesg | grep -c "$failed")" -eq 1

# The vendor file, by reload.
rm $FW
bad fw-missing "reload, no vendor file" ENOENT "intel-ucode/06-55-04: no such file under /lib/firmware" \
	mcxio write $RELOAD 1
ln -s /nonexistent $FW
bad fw-dangling "reload, the file a dangling symlink" ENOENT "intel-ucode/06-55-04: no such file" \
	mcxio write $RELOAD 1
rm $FW
: > $FW
bad fw-empty "reload, an empty file" ENOEXEC "intel-ucode/06-55-04: the file is empty or not a regular file" \
	mcxio write $RELOAD 1
rm $FW
mkdir $FW
bad fw-dir "reload, a directory in place of the file" ENOEXEC "intel-ucode/06-55-04: the file is empty or not a regular file" \
	mcxio write $RELOAD 1
rmdir $FW
# The firmware loader's open of a FIFO waits for a writer, with the update
# lock held; a signal ends the wait.
mkfifo $FW
echo 1 > /tmp/one
bad fw-fifo "reload, a FIFO in place of the file: blocks until a signal, then EINTR" EINTR \
	"intel-ucode/06-55-04: reading the file was interrupted by a signal" \
	mcxio sigwrite $RELOAD /tmp/one 1000 norestart 1000
rm $FW
cp $B/06-8e-09 $FW
bad fw-other-cpu "reload, another CPU's file under this CPU's name" ENODATA \
	"intel-ucode/06-55-04: $failed: no update in it for these CPUs" mcxio write $RELOAD 1
cp /tmp/random $FW
bad fw-random "reload, random bytes as the vendor file" EBADMSG \
	"intel-ucode/06-55-04: $failed: Xen cannot use it" mcxio write $RELOAD 1
head -c 41943040 /dev/zero > $FW
mem_mark
bad fw-huge "reload, a 40 MiB vendor file (read by the loader, refused before Xen)" EFBIG \
	"intel-ucode/06-55-04: 41943040 bytes exceed the 33554432 byte limit" mcxio write $RELOAD 1
mem_check "a 40 MiB vendor file" 1
cp /tmp/fw $FW
step bad-inputs
echo "# figure: bad inputs refused with the expected errno and a log line: $okbad of $nbad"
check "all $kinds kinds of bad input were tried and refused as expected ($okbad of $nbad)" \
	test "$okbad" -eq $kinds -a "$nbad" -eq $kinds

# Refused before the driver: no log line is possible.
refused reload-empty "reload, a write of 0 bytes (sysfs returns 0 without calling the driver)" \
	OK mcxio write $RELOAD ""
refused reload-read "reload opened for reading (mode 0200)" open:EACCES mcxio read $RELOAD
refused param-write "update_on_load written (mode 0444)" open:EACCES mcxio write $P/update_on_load 0
refused cpu-write "xen_cpu0/version written (mode 0444)" open:EACCES mcxio write $UCODE/xen_cpu0/version 1
refused dev-read "read() on /dev/cpu/microcode" EINVAL mcxio read $DEV
refused dev-lseek "lseek() on /dev/cpu/microcode" ESPIPE mcxio lseek $DEV
refused dev-pwrite "pwrite() on /dev/cpu/microcode" ESPIPE mcxio pwrite $DEV x
refused dev-mmap "mmap() of /dev/cpu/microcode" ENODEV mcxio mmap $DEV
refused dev-ioctl "ioctl(TCGETS) on /dev/cpu/microcode" ENOTTY mcxio ioctl $DEV 0x5401
refused dev-ioctl2 "ioctl(0xc0ffee00) on /dev/cpu/microcode" ENOTTY mcxio ioctl $DEV 0xc0ffee00
refused dev-sendfile "sendfile() to /dev/cpu/microcode (busybox cat uses it)" EINVAL \
	mcxio sendfile $DEV /tmp/fw

# busybox cat, a client at hand in any initramfs: its sendfile() gets EINVAL
# and it falls back to read() and write(), the file in one write().
step busybox-cat
cat /tmp/fw > $DEV 2> /dev/null
rc=$?
check "busybox cat of the real file to /dev/cpu/microcode fails with Xen's verdict (exit $rc)" \
	test $rc -ne 0
# A piece of the file would be refused as unparsable (Xen: -22), and cat
# stops at its first failed write: only the whole file gets the apply
# failure (harden.host: Xen matched it once).
check "the file reached the driver in one write(): the verdict is Xen's apply failure, not a parse error" \
	sh -c "dmesg | grep -Eq '/dev/cpu/microcode \(cat\[[0-9]+\]\): $failed: .*\(Xen: $APPLY_XEN\)'"

# Many bad values at once: the log line is rate limited.
step flood
expect_fig "500 bad values to reload in a row all get EINVAL" OK \
	mcxio stress flood 1 500 w:$RELOAD:2:EINVAL
lines=$(dmesg | grep -c "$inval")
echo "# figure: flood: 500 bad reload values, $lines log lines"
check "the log is not flooded: $lines lines for 500 bad values (rate limited)" test "$lines" -lt 50
mem0=$mem_start
mem_check "the first round of bad inputs (cold caches; the test's files in /tmp)" 100 info

# The bad blobs and values again, 900 calls with warm caches: a leak shows.
step bad-repeat
mem_mark
expect_fig "900 more bad inputs, 100 of each kind: all refused as before" OK \
	mcxio stress bad-repeat 1 900 f:$DEV:/tmp/random:EBADMSG f:$DEV:/tmp/trunc:EBADMSG \
	f:$DEV:/tmp/liar:EBADMSG f:$DEV:/tmp/badsum:EBADMSG f:$DEV:$B/06-8e-09:ENODATA \
	f:$DEV:$B/amd17h:EBADMSG w:$DEV:x:EBADMSG w:$RELOAD:2:EINVAL w:$RELOAD:1x:EINVAL
mem_check "900 repeated bad inputs" 900

# Load.  Every reload is matched by Xen and fails to apply (see matched).
step load-warmup
expect_fig "20 reloads to warm the caches" OK mcxio stress warmup 1 20 "w:$RELOAD:1:$want_apply"
mem_mark
step load-reload
expect_fig "1000 back-to-back reloads all return Xen's verdict (EBUSY or EIO)" OK \
	mcxio stress reload 1 1000 "w:$RELOAD:1:$want_apply"
mem_check "1000 reloads" 1000
head -c 1000 /dev/zero | tr '\0' '\253' > /tmp/garbage
mem_mark
step load-mixed
# Each caller gets the verdict on its own blob, though four send at once.
expect_fig "4 writers x 250 calls mixing reload and /dev/cpu/microcode: each gets its own verdict" \
	OK mcxio stress mixed 4 250 "w:$RELOAD:1:$want_apply" "f:$DEV:/tmp/fw:$want_apply" \
	f:$DEV:$B/06-8e-09:ENODATA f:$DEV:/tmp/garbage:EBADMSG
mem_check "4 x 250 mixed calls" 1000
no_stuck "after the load"

# Lifecycle.
step unload
expect "rmmod succeeds" OK mcxio rmmod microcode_xen
mem_mark
step cycles
expect_fig "100 insmod/rmmod cycles (each insmod sends the file to Xen)" OK \
	mcxio cycle cycles 100 $MOD
mem_check "100 insmod/rmmod cycles" 100
check "the module is gone after the cycles" sh -c '! grep -q microcode_xen /proc/modules'

step rmmod-open
expect "insmod succeeds" OK mcxio insmod $MOD update_on_load=0
exec 3> $DEV
check "an open /dev/cpu/microcode holds the module (refcnt 1)" \
	test "$(cat /sys/module/microcode_xen/refcnt)" = 1
expect "rmmod while /dev/cpu/microcode is open is refused (EAGAIN: in use)" EAGAIN \
	mcxio rmmod microcode_xen
expect "the device still works" EBADMSG mcxio send $DEV /tmp/garbage
exec 3>&-
expect "once closed, rmmod succeeds" OK mcxio rmmod microcode_xen

step rmmod-race
mem_mark
# Sysfs files hold no module reference: rmmod waits for a reload in flight.
expect_fig "20 rmmods racing a stream of reloads: every call returns" OK \
	mcxio race race 20 $MOD update_on_load=0 "w:$RELOAD:1:$want_apply"
mem_check "20 rmmods racing reloads" 20
no_stuck "after the races"

# Permissions.
step perm
expect "insmod succeeds" OK mcxio insmod $MOD update_on_load=0
user="mcxio as 1000 1000"
expect "uid 1000 runs mcxio" OK $user /test/mcxio write /dev/null x
expect "uid 1000 cannot write reload" open:EACCES $user /test/mcxio write $RELOAD 1
expect "uid 1000 cannot write force_reload" open:EACCES $user /test/mcxio write $UCODE/force_reload 1
expect "uid 1000 cannot open /dev/cpu/microcode for writing" open:EACCES $user /test/mcxio write $DEV x
expect "uid 1000 cannot open /dev/cpu/microcode for reading" open:EACCES $user /test/mcxio read $DEV
expect "uid 1000 cannot write a module parameter" open:EACCES $user /test/mcxio write $P/update_on_load 1
mcxio nocap 17 /bin/cat /proc/self/status > /tmp/caps
for set in Prm Eff Bnd Inh Amb; do
	v=$(awk -v s="Cap$set:" '$1 == s {print $2}' /tmp/caps)
	check "mcxio nocap: CAP_SYS_RAWIO is not in Cap$set ($v)" test -n "$v" -a $((0x$v & 0x20000)) -eq 0
done
expect "root without CAP_SYS_RAWIO cannot open /dev/cpu/microcode (EPERM)" open:EPERM \
	mcxio nocap 17 /test/mcxio write $DEV x
expect "root without CAP_SYS_RAWIO cannot open it for reading either" open:EPERM \
	mcxio nocap 17 /test/mcxio read $DEV
matched "root without CAP_SYS_RAWIO may still reload (mode 0200, as the kernel's own loader)" \
	mcxio nocap 17 /test/mcxio write $RELOAD 1
# Xen 4.17 reports no revisions: xen_cpu*/version and processor_flags
# reads fail, and have no value to show (signature comes from family, model
# and stepping); only files that read show what they hold.
if xen_at_least 4.18; then
	files=$(ls $UCODE/xen_cpu*/* $P/*)
else
	files=$(ls $UCODE/xen_cpu*/signature $P/*)
	for f in $UCODE/xen_cpu*/version $UCODE/xen_cpu*/processor_flags; do
		check "$f on Xen $XEN: the read fails (EOPNOTSUPP) for root and uid 1000" \
			sh -c "cat $f 2>&1 | grep -q 'Operation not supported' && $user /bin/cat $f 2>&1 | grep -q 'Operation not supported'"
	done
fi
for f in $files; do
	rm -f /tmp/v.root /tmp/v.user
	cat "$f" > /tmp/v.root && $user /bin/cat "$f" > /tmp/v.user
	cat /tmp/v.root /tmp/v.user > /tmp/v 2>/dev/null
	echo "# $f: $(tr '\n' ' ' < /tmp/v)"
	check "$f: root and uid 1000 read it, and it shows no kernel pointer" \
		sh -c 'test -s /tmp/v.root -a -s /tmp/v.user && ! grep -Eiq "ffff[0-9a-f]{8}" /tmp/v'
done
check "uid 1000 can read update_on_load" test "$($user /bin/cat $P/update_on_load)" = N

step end
expect "rmmod succeeds" OK mcxio rmmod microcode_xen
no_stuck "at the end"
finish
