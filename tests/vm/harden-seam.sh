# SPDX-License-Identifier: GPL-2.0
# Hardening, the part real Xen cannot stage (issue 4; RELIABILITY): the test
# build's stand-in hypervisor (tests/fake_hv.h) holds the update lock as long
# as fake_delay_ms says, so that signals, waiters and rmmod meet an update in
# flight every time.  The kernel runs without Xen; the stand-in says dom0,
# Intel 06-55-04, and answers 0 (applied) unless told otherwise.
. ./lib.sh
P=/sys/module/microcode_xen/parameters
UCODE=/sys/devices/system/cpu/microcode
cp /lib/firmware/intel-ucode/06-55-04 /tmp/fw
# The initramfs root is created mode 0700: let uid 1000 reach /test/mcxio.
chmod 755 / /test
echo 1 > /tmp/one
head -c 2097152 /dev/urandom > /tmp/blob2m
# A task stuck in D state for 10 s shows up as "blocked for more than".  The
# stand-in's delay is an msleep (D state): every hold here is shorter.
echo 10 > /proc/sys/kernel/hung_task_timeout_secs

# Which function releases each xen_cpuN directory: the kernel's own
# (kobject_create_and_add's), never one of the module's, which a release
# after rmmod (DEBUG_KOBJECT_RELEASE delays each by 1 to 4 s; a reader may
# hold one) would call in freed memory.  A kprobe on sysfs_remove_dir
# (kobject_del's; kobject_put is notrace) records each removed directory's
# name and its ktype's release function (struct kobject: ktype
# at +40 on x86-64; struct kobj_type: release first), where the kernel has
# kprobe events: Debian's have; the debug kernels, built without kprobes,
# show such a release only by a crash, and only when its random delay
# outlasts the module's own kobjects.
T=/sys/kernel/tracing
KPROBE=
mount -t tracefs tracefs $T 2> /dev/null
if (echo 'p:mcxput sysfs_remove_dir name=+0(+0($arg1)):string rel=+0(+40($arg1)):symbol' \
	> $T/kprobe_events) 2> /dev/null; then
	echo 'name ~ "xen_cpu*"' > $T/events/kprobes/mcxput/filter
	echo 1 > $T/events/kprobes/mcxput/enable
	KPROBE=y
else
	echo "# no kprobe events in this kernel: which function releases xen_cpuN is not checked"
fi

calls() { cat $P/fake_calls; }
ms() { awk '{printf "%d", $1 * 1000}' /proc/uptime; }
# hold MS: a reload in the background ($holder) that the stand-in keeps for
# MS ms; returns once the reload has the lock, with calls0 the count before.
hold() {
	calls0=$(calls)
	echo "$1" > $P/fake_delay_ms
	mcxio write $RELOAD 1 > /tmp/holder 2>&1 &
	holder=$!
	wait_until "the holder's reload reached the stand-in" '[ "$(calls)" != "$calls0" ]'
}
# held DESC: the holder ended with the stand-in's verdict, success
held() {
	wait $holder
	check "$1: the reload holding the lock got its verdict (OK)" test "$(cat /tmp/holder)" = OK
	echo 0 > $P/fake_delay_ms
}

step load
expect "insmod of the test build succeeds" OK mcxio insmod $MOD
check "the load-time update reached the stand-in" test "$(calls)" = 1

# A signal for a caller waiting for the lock.  Without SA_RESTART the write
# fails with EINTR; with it, the write starts over after the handler and
# gets its verdict once the lock is free.  Nothing reaches the stand-in
# from an interrupted call.
for path in $DEV $RELOAD; do
	name=${path##*/}
	src=/tmp/fw
	[ $path = $RELOAD ] && src=/tmp/one
	step "signal-$name"
	hold 3000
	expect_fig "$name: a caller waiting for the lock gets EINTR within 1 s of SIGUSR1 (no SA_RESTART)" \
		EINTR mcxio sigwrite $path $src 500 norestart 1000
	check "$name: the interrupted call never reached the stand-in" test "$(calls)" = $((calls0 + 1))
	held "$name"
	logged "$name: the holder's update was logged" "Xen applied the update"

	step "signal-restart-$name"
	hold 2000
	expect_fig "$name: with SA_RESTART the call restarts and gets its verdict (OK)" \
		OK mcxio sigwrite $path $src 500 restart 10000
	check "$name: the restarted call reached the stand-in once" test "$(calls)" = $((calls0 + 2))
	held "$name"
done

step sigkill
hold 3000
mcxio send $DEV /tmp/blob2m > /dev/null 2>&1 &
waiter=$!
usleep 500000
kill -KILL $waiter
usleep 300000
state=$(awk '{print $3}' /proc/$waiter/stat 2>/dev/null)
check "SIGKILL ends a writer waiting for the lock at once (state '${state:-gone}')" \
	test -z "$state" -o "$state" = Z
wait $waiter
check "the killed writer never reached the stand-in" test "$(calls)" = $((calls0 + 1))
held "sigkill"

# Interrupted writes have pinned their blob already: it must be let go.  Ten
# writers wait at once, each interrupted 1 s after it started, while one
# reload holds the lock for 5 s.  On a debug kernel 30 s: under KASAN, on a
# host running three other VMs, starting the ten writers took more than 9 s,
# so the last got the lock instead of its signal.  The holder sleeps in D
# state all that time, so there the hung-task limit is 60 s for this step.
step interrupted-leak
mem_mark
if [ -n "$DEBUG_KERNEL" ]; then
	echo 60 > /proc/sys/kernel/hung_task_timeout_secs
	hold 30000
else
	hold 5000
fi
i=0 pids=
while [ $i -lt 10 ]; do
	mcxio sigwrite $DEV /tmp/blob2m 1000 norestart 1000 > /tmp/sig.$i 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
wait $pids
eintr=$(cat /tmp/sig.* | grep -c '^EINTR$')
check "10 writes of 2 MiB interrupted while waiting: $eintr EINTR" test "$eintr" = 10
check "none of them reached the stand-in" test "$(calls)" = $((calls0 + 1))
held "interrupted writes"
echo 10 > /proc/sys/kernel/hung_task_timeout_secs
mem_check "10 interrupted 2 MiB writes" 10

# Waiters are served one at a time, each with its own verdict.
step waiters
echo 1000 > $P/fake_delay_ms
echo 0 > $P/fake_max_inflight
expect_fig "4 writers at once, each update taking 1 s: all served in turn" OK \
	mcxio stress waiters 4 1 f:$DEV:/tmp/fw:OK
check "the 4 updates reached the stand-in" test "$(calls)" = $((calls0 + 5))
check "one by one: at most 1 update was in the stand-in at once ($(cat $P/fake_max_inflight))" \
	test "$(cat $P/fake_max_inflight)" = 1
echo 0 > $P/fake_delay_ms

# The largest blob one write may carry reaches the hypervisor whole: its
# length and the CRC32 of 32 MiB of zeros (the limit is inclusive).
step limit
expect "one write of exactly 32 MiB is sent" OK mcxio big $DEV 33554432 zero
check "all 33554432 bytes reached the stand-in ($(cat $P/fake_last_len))" \
	test "$(cat $P/fake_last_len)" = 33554432
check "whole and unchanged (CRC32 59450445)" \
	test "$(printf '%x' "$(cat $P/fake_last_crc)")" = 59450445

# rmmod and an update in flight.
step rmmod-reload
hold 2000
t0=$(ms)
expect "rmmod during a reload in flight succeeds" OK mcxio rmmod microcode_xen
t1=$(ms)
echo "# figure: rmmod waited $((t1 - t0)) ms for the reload in flight"
check "rmmod waited for the reload ($((t1 - t0)) ms)" test $((t1 - t0)) -ge 1000
wait $holder
check "the reload in flight got its verdict (OK)" test "$(cat /tmp/holder)" = OK
# rmmod takes the xen_cpuN away only after the reload is done with them.
logged "the reload in flight still counted every CPU after rmmod began" \
	"all [1-9][0-9]* physical CPUs run revision|the physical CPUs run different revisions"
check "the module is gone" sh -c '! grep -q microcode_xen /proc/modules'

step rmmod-write
expect "insmod succeeds" OK mcxio insmod $MOD "update_on_load=0 fake_delay_ms=2000"
mcxio send $DEV /tmp/fw > /tmp/writer 2>&1 &
writer=$!
wait_until "the device write reached the stand-in" '[ "$(calls)" != 0 ]'
expect "rmmod during a /dev/cpu/microcode write in flight is refused (EAGAIN)" EAGAIN \
	mcxio rmmod microcode_xen
wait $writer
check "the write got its verdict (OK)" test "$(cat /tmp/writer)" = OK
expect "rmmod succeeds after it" OK mcxio rmmod microcode_xen

step rmmod-insmod
mcxio insmod $MOD fake_delay_ms=2000 > /tmp/insmod 2>&1 &
loader=$!
# The update at load time is in the stand-in: the module is still loading.
wait_until "insmod's load-time update reached the stand-in" '[ "$(cat $P/fake_calls 2>/dev/null)" = 1 ]'
check "the module is still loading" grep -q 'microcode_xen.*Loading' /proc/modules
expect "rmmod while insmod's update is in flight is refused (EBUSY)" EBUSY mcxio rmmod microcode_xen
expect "a reload meanwhile waits for the load-time update, then gets its verdict" OK \
	mcxio write $RELOAD 1
wait $loader
check "insmod succeeds" test "$(cat /tmp/insmod)" = OK
echo 0 > $P/fake_delay_ms

step pointers
user="mcxio as 1000 1000"
for f in $UCODE/xen_cpu*/* $P/*; do
	rm -f /tmp/v.root /tmp/v.user
	cat "$f" > /tmp/v.root && $user /bin/cat "$f" > /tmp/v.user
	cat /tmp/v.root /tmp/v.user > /tmp/v 2>/dev/null
	echo "# $f: $(tr '\n' ' ' < /tmp/v)"
	check "$f: root and uid 1000 read it, and it shows no kernel pointer" \
		sh -c 'test -s /tmp/v.root -a -s /tmp/v.user && ! grep -Eiq "ffff[0-9a-f]{8}" /tmp/v'
done
check "uid 1000 reads xen_cpu0/version" test "$($user /bin/cat $UCODE/xen_cpu0/version)" = 0x2

step end
npcpus=$(ls -d $UCODE/xen_cpu* | grep -c .)
expect "rmmod succeeds" OK mcxio rmmod microcode_xen
no_stuck "at the end"
if [ -n "$KPROBE" ]; then
	echo 0 > $T/events/kprobes/mcxput/enable
	grep -o 'name="xen_cpu[0-9]*" rel=.*' $T/trace > /tmp/removals
	echo "# figure: $(grep -c . /tmp/removals) removals of xen_cpuN traced, by release function: $(sed 's/.* rel=//' /tmp/removals | sort | uniq -c | tr -s ' \n' ' ')"
	# Three rmmods (rmmod-reload, rmmod-write, end), each of them all.
	check "every xen_cpuN directory is released by the kernel's own function, none by the module's ($((3 * npcpus)) removals)" \
		sh -c "test \$(grep -c . /tmp/removals) = $((3 * npcpus)) && ! grep -v ' rel=dynamic_kobj_release+' /tmp/removals"
fi
finish
