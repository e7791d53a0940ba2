# SPDX-License-Identifier: GPL-2.0
# Every allocation failed once, on a debug kernel (tests/debug-kernel.sh)
# with the real intel-ucode/06-55-04: on 6.1-debug, whose KASAN cannot boot
# under Xen (../RELIABILITY), the test build runs on its own, its hypercalls
# going to the stand-in (tests/fake_hv.h); on 6.1-debug-nokasan the module
# runs as dom0 on real Xen.  For each path, fail-nth fails its
# 1st, 2nd, ... fault-injection point (slab and page allocations, GFP_KERNEL
# included) until the call completes without reaching it.  After each
# injection: the answer is ENOMEM or the normal one, dom0's log has no
# sanitizer report or warning, and the next normal call works; after each
# path: kmemleak finds nothing of ours and the module unloads.  The figures
# (points per path, answers, the allocation sites that the kernel's
# rate-limited stack dumps named) go to "# figure:" lines.
. ./lib.sh
FW=/lib/firmware/$FWFILE
UCODE=/sys/devices/system/cpu/microcode
# What an update answers: the stand-in applies it; real Xen under emulation
# fails to (APPLY, lib.sh).
NORMAL=${APPLY:-OK}
D=/sys/kernel/debug
KML=$D/kmemleak
mount -t debugfs debugfs $D
for a in failslab fail_page_alloc; do
	echo N > $D/$a/ignore-gfp-wait
	echo 2 > $D/$a/verbose
done
echo N > $D/fail_page_alloc/ignore-gfp-highmem
echo 0 > $D/fail_page_alloc/min-order
# What a bug looks like in dom0's log.  A "Call Trace" alone is not one:
# each injected failure dumps its stack, and so does a page allocation
# that fails without __GFP_NOWARN.
bugs='duplicate filename|BUG:|BUG [^ ]+ \((Not tainted|Tainted)|WARNING:|Oops|UBSAN:|KASAN|ODEBUG:|possible .*deadlock|inconsistent lock state|general protection|blocked for more than|refcount_t:|list_(add|del) corruption|kmemleak: .*suspected'

step setup
check "fail-nth is there" test -w /proc/self/fail-nth
check "kmemleak is there" test -w $KML
# Objects that leaked before this scenario are not ours to report.
echo scan > $KML
echo clear > $KML
# The injected failures' stack dumps stay out of the serial console: dom0's
# log (dmesg) has them, and every line of it is checked here.
read -r console_level _ < /proc/sys/kernel/printk
echo 1 > /proc/sys/kernel/printk

# site: the caller of the allocation that failed, from the stack dump of
# the injection (the kernel prints 10 in 5 s; "?" when it printed none)
site() {
	dmesg | sed 's/^\[[^]]*\] *//' | awk '/FAULT_INJECTION: forcing a failure/ {f = 1}
		f && /Call Trace:/ {t = 1; next}
		t && $1 !~ /^(\?|<\/?TASK>|<\/?IRQ>|dump_stack|should_fail|__should_fail|should_failslab|fail_dump|prepare_alloc_pages|__alloc_pages|alloc_pages|__kmalloc|kmalloc|kmem_cache_alloc|slab_|__slab|kvmalloc|__kvmalloc|__vmalloc|vmalloc|kzalloc|kmemdup|kstrdup|kvasprintf|kasprintf|__get_free|get_zeroed|krealloc|__kmem_cache|kasan|__kasan|kmemleak|stack_depot|__stack_depot|create_object|__create_object|mem_pool|alloc_slab|allocate_slab|new_slab|___slab|get_partial|__vmalloc_node|__vmalloc_area|vm_area_alloc|alloc_vmap|__get_vm_area|__alloc_pages_bulk|alloc_pages_bulk|xa_|xas_|idr_|ida_|radix_tree_)/ {
			sub(/\+.*/, "", $1); print $1 ($2 ~ /^\[/ ? $2 : ""); exit }'
}

# scan_bugs WHERE: a sanitizer, lockdep or warning report in dom0's log
# since the last dmesg -c counts against the loop (dirty), the first shown.
scan_bugs() {
	dmesg | grep -Eq "$bugs" || return 0
	dirty=$((dirty + 1))
	[ $dirty -eq 1 ] || return 0
	echo "# $1:"
	dmesg | grep -E -B5 -A30 "$bugs" | head -n 60 | sed 's/^/#   /'
}

# inject NAME WANT AFTER FAILNTH-ARGS...: the loop.  WANT: the normal
# answers (words); AFTER: a function that makes the next normal call and
# returns non-zero when it does not work.
inject() {
	local name=$1 want=$2 after=$3 i=${FAILNTH_FROM:-1} out verdict ans s
	local points=0 bad=0 dirty=0 broke=0 answers=" " sites=" " first=""
	shift 3
	step "failnth-$name"
	while [ $i -le 2000 ]; do
		dmesg -c > /dev/null
		out=$(/test/failnth $i "$@" 2>&1)
		verdict=${out%% *} ans=${out#* }
		if [ "$verdict" = clean ]; then
			break
		fi
		if [ "$verdict" != injected ]; then
			bad=$((bad + 1))
			first=${first:-"point $i: failnth said '$out'"}
			break
		fi
		points=$i
		case " $want ENOMEM " in
		*" $ans "*) ;;
		*) bad=$((bad + 1)); first=${first:-"point $i: $ans"} ;;
		esac
		case $answers in *" $ans "*) ;; *) answers="$answers$ans " ;; esac
		s=$(site)
		[ -z "$s" ] || case $sites in *" $s "*) ;; *) sites="$sites$s " ;; esac
		[ $((i % 25)) -ne 0 ] || echo "# $name: $i points so far"
		if ! $after "$ans"; then
			broke=$((broke + 1))
			[ $broke -gt 1 ] || echo "# point $i of $name ($ans): the next normal call failed"
		fi
		# The injected call's reports and the next normal call's, before
		# the next dmesg -c: 6.1's KASAN reports once per boot, so one
		# report wiped unseen would silence it for the rest of the run.
		scan_bugs "point $i of $name ($ans)"
		i=$((i + 1))
	done
	# The last call (the one that completed, or failnth's odd answer).
	scan_bugs "the last call of $name ($out)"
	echo "# figure: fail-nth $name: $points injection points; answers:$answers; sites:$sites"
	check "$name: $points injection points, each failed once, until the call completed (${ans:-none})" \
		test "$verdict" = clean -a "$points" -gt 0
	case " $want " in
	*" $ans "*) pass "$name: with every point allowed, the normal answer ($ans)" ;;
	*) fail "$name: with every point allowed: expected $want, got '$ans'" ;;
	esac
	check "$name: each injection answered ENOMEM or the normal answer ($bad did not${first:+; first: $first})" \
		test $bad -eq 0
	check "$name: no sanitizer report, lockdep report or warning after any injection ($dirty had one)" \
		test $dirty -eq 0
	check "$name: after each injection, the next normal call worked ($broke did not)" test $broke -eq 0
}

loaded() { grep -q '^microcode_xen ' /proc/modules; }
# A module that loaded, with whatever it could make, works and unloads:
# its device always, reload if it made it.
works_and_unloads() {
	local a ok
	# device_add() does not fail when devtmpfs cannot make the node (its
	# name's allocation failed): the misc device is there, its node is
	# not, and the driver is not told.  udev would make it from the
	# uevent; here it is made from the device's number.
	if [ ! -e $DEV ] && [ -r /sys/class/misc/microcode/dev ]; then
		echo "# no $DEV although the misc device is registered (devtmpfs absorbed the failure): made from its number"
		mkdir -p /dev/cpu
		mknod $DEV c $(tr : ' ' < /sys/class/misc/microcode/dev)
	fi
	a=$(mcxio send $DEV $FW) ok=0
	case " $NORMAL " in *" $a "*) ;; *) echo "# device write: $a"; ok=1 ;; esac
	if [ $ok -eq 0 ] && [ -e $RELOAD ]; then
		a=$(mcxio write $RELOAD 1)
		case " $NORMAL " in *" $a "*) ;; *) echo "# reload: $a"; ok=1 ;; esac
	fi
	# Unloaded even after a failure, so that the next point starts clean.
	[ "$(mcxio rmmod microcode_xen)" = OK ] && ! loaded && return $ok
	return 1
}
after_insmod() {
	if [ "$1" = OK ]; then
		works_and_unloads
		return
	fi
	# It failed cleanly: not loaded.  Where the module's init ran (it
	# logged), a normal load must work; a failure inside the module loader,
	# before any code of ours, is followed by the next point's load.
	loaded && return 1
	dmesg | grep -q 'microcode_xen: ' || return 0
	[ "$(mcxio insmod $MOD)" = OK ] && works_and_unloads
}
after_reload() { case " $NORMAL " in *" $(mcxio write $RELOAD 1) "*) ;; *) return 1 ;; esac; }
after_dev() { case " $NORMAL " in *" $(mcxio send $DEV $FW) "*) ;; *) return 1 ;; esac; }
rev0=
after_read() { [ "$(cat $UCODE/xen_cpu0/version)" = "$rev0" ]; }

# FAILNTH_ONLY=NAME FAILNTH_FROM=N (CASE_ENV): one loop alone (reload,
# force_reload, device, xen_cpu0-version, insmod), from its Nth point on,
# to look again at the end of a long loop or to run a short one.
only=${FAILNTH_ONLY:-}
# want NAME: the loop NAME runs.
want() { [ -z "$only" ] || [ "$only" = "$1" ]; }
step load
case $only in
'' | reload | force_reload | device | xen_cpu0-version | insmod) ;;
*) fail "FAILNTH_ONLY=$only names no loop of this scenario" ;;
esac
expect "insmod succeeds" OK mcxio insmod $MOD
if [ "$only" != insmod ]; then
	! want reload || inject reload "$NORMAL" after_reload write $RELOAD 1
	! want force_reload || inject force_reload "$NORMAL" after_reload write $UCODE/force_reload 1
	! want device || inject device "$NORMAL" after_dev send $DEV $FW
	if want xen_cpu0-version; then
		rev0=$(cat $UCODE/xen_cpu0/version)
		check "xen_cpu0/version reads ($rev0)" test -n "$rev0"
		inject xen_cpu0-version "OK" after_read read $UCODE/xen_cpu0/version
	fi
	kmemleak_check "${only:-reload, force_reload, device, xen_cpu0}"
fi

step unload
expect "rmmod succeeds" OK mcxio rmmod microcode_xen
if want insmod; then
	inject insmod OK after_insmod insmod $MOD
	kmemleak_check insmod
fi

echo "$console_level" > /proc/sys/kernel/printk
check "lockdep is still on: it reported nothing since boot" grep -Eq 'debug_locks: +1' /proc/lockdep_stats
finish
