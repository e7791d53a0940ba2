# SPDX-License-Identifier: GPL-2.0
# make bench, inside dom0 (tests/bench.sh boots one VM per configuration).
# ROUNDS rounds, after one to warm up, each going through every path once,
# one after the other, so that a slow moment of the host touches them alike:
#   f  insmod microcode_xen.ko as a whole command, with the update at load
#   a  write(reload, "1")
#   b  the reference module: request_firmware_direct + hypercall + release
#   c  write(/dev/cpu/microcode, blob), the blob in memory beforehand
#   d  the reference module's bare hypercall on the same kind of buffer
#   e  xen-ucode FILE as a whole command
# With SUCCESS=1 (the test QEMU, whose CPUs take microcode; Xen 4.20), the
# success path too, after the rest: each round rolls every CPU back to
# /test/fw.old with an untimed forced load, then times a real update of
# every CPU to FILE's revision:
#   s  write(force_reload, "1"): Xen applies FILE
#   x  xen-ucode --force FILE as a whole command: the same
# Each prints "@@t PATH ROUND MS VERDICT"; VERDICT is Xen's answer (-errno,
# 0, or an errno name for the host to turn into one).  Then one reload is
# traced (ftrace, kmem events) for the memory it takes: "@@mem ...".
. ./lib.sh
BENCH=/sys/kernel/mcx_bench
FILE=/lib/firmware/$FWFILE
cp "$FILE" /tmp/blob
ROUNDS=${ROUNDS:-10}

# Xen's answer, as the driver logged it since the last look.
xen_said() {
	dmesg -c | sed -n 's/.*(Xen: \(-[0-9]*\)).*/\1/p; s/.*Xen applied the update.*/0/p;
		s/.*Xen refused the update with error \(-[0-9]*\).*/\1/p' | head -n 1
}
t() { # PATH ROUND VERDICT-FROM(log|own) CMD...
	local path=$1 round=$2 from=$3 out ms v
	shift 3
	dmesg -c > /dev/null
	out=$("$@" 2>&1 | grep '^# time')
	ms=$(echo "$out" | awk '{print $3}')
	v=$(echo "$out" | awk '{print $4}')
	[ "$from" = log ] && v=$(xen_said)
	echo "@@t $path $round ${ms:-none} ${v:-none}"
}

step setup
insmod /test/xen-privcmd.ko 2> /dev/null
check "the reference module loads" insmod /test/mcx_bench.ko fw="$FWFILE"
check "xen-ucode runs" test -x /usr/sbin/xen-ucode
check "/dev/xen/privcmd is there for xen-ucode" test -e /dev/xen/privcmd
echo "@@size $(stat -c %s "$FILE")"
# The clock of every timing (mcxio.c, bench_ms()).
MCXIO_TSC_HZ=$(mcxio time tsc-hz)
export MCXIO_TSC_HZ
echo "@@tsc $MCXIO_TSC_HZ"

# The console quiet (LOGLEVEL 1) unless asked: the driver's lines then go
# to dmesg only.  Each line printed on this VM's console (hvc0, Xen's serial
# port, emulated) costs milliseconds, which would be timed as the driver's.
echo "${LOGLEVEL:-1}" > /proc/sys/kernel/printk

step rounds
r=0
while [ $r -le "$ROUNDS" ]; do
	t f $r log mcxio time run /bin/insmod /test/microcode_xen.ko
	t a $r log mcxio time write $RELOAD 1
	t b $r own mcxio time write $BENCH/reload 1
	echo "@@k b $r $(cat $BENCH/last_ns)"
	t c $r log mcxio time send $DEV /tmp/blob
	t d $r own mcxio time send /dev/mcx_bench /tmp/blob
	echo "@@k d $r $(cat $BENCH/last_ns)"
	t e $r own mcxio time run /usr/sbin/xen-ucode "$FILE"
	mcxio rmmod microcode_xen > /dev/null
	r=$((r + 1))
done

# The memory one reload takes from dom0, traced: pages from the page
# allocator and slab objects live at the peak, for the driver's reload and
# the reference module's.
step memory
insmod /test/microcode_xen.ko
T=/sys/kernel/tracing
mount -t tracefs tracefs $T 2> /dev/null
echo 0 > $T/tracing_on
echo 8192 > $T/buffer_size_kb
for e in kmalloc kfree kmem_cache_alloc kmem_cache_free mm_page_alloc mm_page_free; do
	echo 1 > $T/events/kmem/$e/enable
done
for who in driver:$RELOAD ref:$BENCH/reload; do
	echo > $T/trace
	sh -c "echo \$\$ > $T/set_event_pid; MCXIO_TRACE=$T/tracing_on exec mcxio time write ${who#*:} 1" > /dev/null
	awk -v size="$(stat -c %s "$FILE")" -v who="${who%%:*}" '
function num(k,   i) { for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2); return "" }
/ mm_page_alloc: / { p = num("pfn"); n = 4096; for (i = num("order"); i > 0; i--) n *= 2; pg[p] = n; pcur += n; if (pcur > ppeak) ppeak = pcur }
/ mm_page_free: / { p = num("pfn"); if (p in pg) { pcur -= pg[p]; delete pg[p] } }
/ (kmalloc|kmem_cache_alloc): / { p = num("ptr"); n = num("bytes_alloc"); print "@@obj " who " " num("call_site") " " n; if (n <= 8192) { ob[p] = n; ocur += n; if (ocur > opeak) opeak = ocur } }
/ (kfree|kmem_cache_free): / { p = num("ptr"); if (p in ob) { ocur -= ob[p]; delete ob[p] } }
END { printf "@@mem %s file=%d page_peak=%d slab_peak=%d\n", who, size, ppeak, opeak }
' $T/trace
done

# Where a device write's time goes (the driver's against the reference's):
# kprobe events on entry and return of the functions on the path, stamped
# with the TSC (trace_clock x86-tsc, in cycles), over PROFILE writes of
# each.  A static function that the compiler inlined has no probe: its time
# stays its caller's.  "@@prof WHO FUNCTION CYCLES" per call.  PROFILE
# (default 10) sets the writes.  Only for a file that is not for the
# emulated CPU (Xen parses it and answers at once, as the 3.3 MB one): a
# file that matches starts Xen's rendezvous, and on Xen 4.20 one dom0 did
# not come back from such a write with the probes on.
step profile
if [ "$(stat -c %s "$FILE")" -gt 1048576 ]; then
	echo 0 > $T/events/kmem/enable
	echo x86-tsc > $T/trace_clock
	# No optimized (jump) probes: less live patching of kernel code, which
	# TCG now and then gets wrong (bench.sh).
	echo 0 > /proc/sys/debug/kprobes-optimization
	probes="microcode_xen:mcx_dev_write microcode_xen:mcx_pin_user pin_user_pages_fast
		microcode_xen:mcx_lock_update microcode_xen:mcx_send microcode_xen:mcx_hypercall
		microcode_xen:mcx_tally microcode_xen:mcx_explain microcode_xen:mcx_report
		microcode_xen:mcx_unpin_user unpin_user_pages mcx_bench:bench_write"
	for p in $probes; do
		f=${p#*:}
		if echo "p:mcx/i_$f $p" >> $T/kprobe_events 2> /dev/null &&
			echo "r:mcx/o_$f $p" >> $T/kprobe_events 2> /dev/null; then
			echo "@@probe $f"
		else
			echo "@@probe $f none"
		fi
	done
	echo 1 > $T/events/mcx/enable
	for who in driver:$DEV ref:/dev/mcx_bench; do
		# One write first, not recorded: the first hit of a new probe costs
		# far more than the next ones (the kernel then optimizes it).
		mcxio time send ${who#*:} /tmp/blob > /dev/null
		sleep 1
		echo > $T/trace
		i=0
		while [ $i -lt "${PROFILE:-10}" ]; do
			sh -c "echo \$\$ > $T/set_event_pid; MCXIO_TRACE=$T/tracing_on exec mcxio time send ${who#*:} /tmp/blob" > /dev/null
			i=$((i + 1))
		done
		awk -v who="${who%%:*}" '
	{ for (i = 2; i <= NF; i++) if ($i ~ /^[io]_[A-Za-z0-9_]+:$/) break
	  if (i > NF) next
	  t = $(i - 1); sub(/:$/, "", t); f = substr($i, 3, length($i) - 3)
	  if (substr($i, 1, 1) == "i") { n[f]++; at[f, n[f]] = t; next }
	  if (n[f] > 0) { print "@@prof " who " " f " " (t - at[f, n[f]]); n[f]-- } }
	' $T/trace
	done
	echo 0 > $T/events/mcx/enable
	echo > $T/kprobe_events
	echo local > $T/trace_clock
fi
if [ -n "${SUCCESS:-}" ]; then
	step success
	grep -q '^microcode_xen ' /proc/modules || insmod /test/microcode_xen.ko
	FORCE=/sys/devices/system/cpu/microcode/force_reload
	# back NAME: every CPU to /test/fw.old, untimed
	back() {
		cp /test/fw.old "$FILE"
		mcxio write $FORCE 1 > /dev/null
		cp /tmp/blob "$FILE"
		dmesg -c > /dev/null
	}
	r=0
	while [ $r -le "$ROUNDS" ]; do
		back
		t s $r log mcxio time write $FORCE 1
		back
		t x $r own mcxio time run /usr/sbin/xen-ucode --force "$FILE"
		r=$((r + 1))
	done
	check "after the last round every CPU runs the file's revision again" \
		sh -c "! grep -qv \"\$(cat /sys/devices/system/cpu/microcode/xen_cpu0/version)\" /sys/devices/system/cpu/microcode/xen_cpu*/version"
fi
pass "the rounds ran"
finish
