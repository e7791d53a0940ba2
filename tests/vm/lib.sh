# SPDX-License-Identifier: GPL-2.0
# Sourced by the scenarios inside dom0: TAP-style results on the console,
# which the host reads back from the serial log.
n=0
# What the host says of this case: XEN (4.17, 4.20 or none), KERNEL, VENDOR
# (intel, amd), FWFILE (the vendor file, relative to /lib/firmware)...
[ -e /test/env ] && . /test/env
MOD=/test/microcode_xen.ko
RELOAD=/sys/devices/system/cpu/microcode/reload
DEV=/dev/cpu/microcode
# On a debug kernel every module unload waits for its kobjects
# (DEBUG_KOBJECT_RELEASE: the xen_cpuN directories, then the module's own,
# each 1 to 4 s late), about 10 s a cycle under TCG, and every allocation is
# checked: mcxio's bound on its long modes (100 insmod/rmmod cycles, 20
# rmmod races) grows to match.
DEBUG_KERNEL=
case ${KERNEL:-} in
*-debug | *-debug-*) DEBUG_KERNEL=y; export MCXIO_HANG_S=2400 ;;
esac

# KASAN keeps freed objects in its quarantine before they go back to the
# slab caches, so on its kernel Slab grows with any work and says nothing
# of a leak: there kmemleak judges leaks (finish, kmemleak_check).
# Only a debug kernel can have it: Debian's kernels are not searched.
KASAN=
if [ -n "$DEBUG_KERNEL" ] && grep -q ' kasan_report$' /proc/kallsyms 2> /dev/null; then
	KASAN=y
fi

pass() { n=$((n + 1)); echo "ok $n - $*"; }
fail() { n=$((n + 1)); echo "not ok $n - $*"; }

# finish: the last line of every scenario.  It tells the host how many
# checks the scenario made; a scenario that stopped early (a line the shell
# rejected, an exit) never prints it, and the host fails the case.
# On the debug kernel, kmemleak looks for objects of ours first.
finish() {
	[ -z "$DEBUG_KERNEL" ] || kmemleak_check "at the scenario's end"
	echo "@@end $n"
}

# kmemleak_check DESC: on the debug kernel, a kmemleak scan finds no
# object of ours: one whose allocation went through the module, named in
# its backtrace or, once the module is gone, a bare module address.  The
# objects it reports are then forgotten, so that the next check sees only
# new ones.
kmemleak_check() {
	local kml=/sys/kernel/debug/kmemleak ours
	[ -e $kml ] || mount -t debugfs debugfs /sys/kernel/debug
	sleep 6	# kmemleak reports objects older than 5 s
	echo scan > $kml
	ours=$(awk '/^unreferenced object/ {o = $0} /microcode_xen|\] 0xffffffffc0/ && o {print o; o = ""}' $kml)
	if [ -z "$ours" ]; then
		pass "$1: kmemleak finds no object of ours"
	else
		fail "$1: kmemleak finds objects of ours:"
		head -n 40 $kml | sed 's/^/#   /'
	fi
	echo clear > $kml
}

# step NAME: marks where the next actions start, so the host can tell which
# of Xen's lines they caused; dom0's log is emptied at each step.
# MCX_LAST_STEP (a mutant's run, tests/mutants.sh): the scenario ends, as at
# its last line, where the step after that one would start; nothing it
# skips can change what came before.
step() {
	if [ -n "${MCX_LAST_STEP:-}" ] && [ "${cur_step:-}" = "$MCX_LAST_STEP" ]; then
		echo "@@stopped before $1"
		finish
		exit 0
	fi
	cur_step=$1
	dmesg -c > /dev/null
	echo "@@step $1"
}

# expect DESC WANT CMD...: CMD prints one word (mcxio's answer)
expect() {
	local desc=$1 want=$2 got
	shift 2
	got=$("$@" 2>&1)
	if [ "$got" = "$want" ]; then pass "$desc"; else fail "$desc: expected $want, got '$got'"; fi
}

# expect_one DESC "WANT1 WANT2..." CMD...: CMD prints one of the words
expect_one() {
	local desc=$1 want=" $2 " got
	shift 2
	got=$("$@" 2>&1)
	case $want in
	*" $got "*) pass "$desc ($got)" ;;
	*) fail "$desc: expected one of$want, got '$got'" ;;
	esac
}

# xen_at_least 4.18: the hypervisor (always a 4.x here) is that new.
xen_at_least() { [ "${XEN#4.}" -ge "${1#4.}" ]; }

# What dom0 gets when Xen matched a blob and the emulated CPU did not take it
# (APPLY, the words mcxio may print; APPLY_XEN, Xen's errno in the log):
# Xen 4.19 and later answer EIO (-5).  Xen 4.17 and 4.18 with two CPUs answer
# EBUSY (-16) or EIO, whichever CPU's error comes last: a race inside Xen.
case ${XEN:-none} in
none) ;;
*)
	if xen_at_least 4.19; then
		APPLY=EIO APPLY_XEN=-5
	else
		APPLY="EBUSY EIO" APPLY_XEN="-(5|16)"
	fi ;;
esac

# uevents_watch, then uevents_stop: each uevent the kernel sends between
# the two lands in a file /tmp/uevent.PID (those of earlier watches are
# removed first).
uevents_watch() {
	rm -f /tmp/uevent.*
	uevent sh -c 'env > /tmp/uevent.$$' &
	watcher=$!
	sleep 1
}
uevents_stop() { sleep 1; kill "$watcher"; }

# check DESC CMD...: CMD succeeds
check() {
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# wait_until DESC COND: polls the shell condition COND (a string, eval'd)
# every 10 ms until it holds; after WAIT_S seconds (60, 600 on a debug
# kernel; run-vm.sh's RUN_VM_WAIT_S sets another) the check DESC fails
# instead of the scenario waiting for ever, so that the log names the step
# rather than the host's "QEMU timed out".
WAIT_S=60
[ -z "$DEBUG_KERNEL" ] || WAIT_S=600
[ -z "${MCX_WAIT_S:-}" ] || WAIT_S=$MCX_WAIT_S
wait_until() {
	local end
	end=$(( $(cut -d. -f1 /proc/uptime) + WAIT_S ))
	while ! eval "$2"; do
		if [ "$(cut -d. -f1 /proc/uptime)" -ge "$end" ]; then
			fail "$1: still not so after $WAIT_S s"
			return 1
		fi
		usleep 10000
	done
}

# dir_as_was DIR LISTING: DIR exists, is a directory (not a link to one),
# and holds exactly LISTING ("ls -A DIR" before).  Comparing listings alone
# cannot tell an empty directory from a deleted one.
dir_as_was() {
	[ -d "$1" ] && [ ! -L "$1" ] && [ "$(ls -A "$1")" = "$2" ]
}

# logged DESC REGEX: dom0's log since the last step has a line matching REGEX
logged() {
	if dmesg | grep -Eq "$2"; then
		pass "$1"
	else
		fail "$1: no line matching /$2/ in dmesg:"
		dmesg | tail -n 5 | sed 's/^/#   /'
	fi
}

# --- For the hardening scenarios (harden.sh, harden-seam.sh) ---

# expect_fig DESC WANT CMD...: expect, for an mcxio mode that prints lines
# "# figure: ..." before its word; the figures go to the console.
expect_fig() {
	local desc=$1 want=$2 out got
	shift 2
	out=$("$@" 2>&1)
	printf '%s\n' "$out" | grep '^# figure:'
	got=$(printf '%s\n' "$out" | grep -v '^# figure:' | tail -n 1)
	if [ "$got" = "$want" ]; then pass "$desc"; else fail "$desc: expected $want, got '$got'"; fi
}

# mem_mark, then mem_check LABEL OPS [info]: how Slab, SUnreclaim,
# VmallocUsed and Percpu (/proc/meminfo, kB, caches dropped first) and the
# module's size (/proc/modules, bytes) moved; Slab or VmallocUsed growing by
# more than 1 MiB over OPS operations is a leak, unless "info" (a first run,
# with cold caches) asks for the figures only.
mem_read() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	awk '/^(Slab|SUnreclaim|VmallocUsed|Percpu):/ {printf "%s ", $2}' /proc/meminfo
	awk '$1 == "microcode_xen" {s = $2} END {print s ? s : "-"}' /proc/modules
}
mem_mark() { mem0=$(mem_read); }
mem_check() {
	local label=$1 ops=$2 info=${3:-} ds du dv dp
	# shellcheck disable=SC2046
	set -- $mem0 $(mem_read)
	ds=$(($6 - $1)) du=$(($7 - $2)) dv=$(($8 - $3)) dp=$(($9 - $4))
	echo "# figure: memory, $label: Slab $1 -> $6 kB ($ds), SUnreclaim $2 -> $7 kB ($du), VmallocUsed $3 -> $8 kB ($dv), Percpu $4 -> $9 kB ($dp), module $5 -> ${10} bytes; Slab $((ds * 1024 / ops)) bytes/op over $ops ops"
	[ "$info" != info ] || return 0
	if [ -n "$KASAN" ]; then
		echo "# memory after $label: not judged by Slab under KASAN (its quarantine); kmemleak judges"
		return 0
	fi
	check "memory after $label: Slab $ds kB, VmallocUsed $dv kB (a leak: more than 1024)" \
		test "$ds" -le 1024 -a "$dv" -le 1024
}

# no_stuck DESC: no mcxio process is left and no task sleeps uninterruptibly
no_stuck() {
	local left stuck
	left=$(pidof mcxio)
	stuck=$(awk '$3 == "D" {printf "%s ", $2}' /proc/[0-9]*/stat 2>/dev/null)
	check "$1: no mcxio left (${left:-none}), no task in D state (${stuck:-none})" \
		test -z "$left$stuck"
}
