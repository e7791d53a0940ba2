# SPDX-License-Identifier: GPL-2.0
# Sourced by the scenarios inside dom0: TAP-style results on the console,
# which the host reads back from the serial log.
n=0
MOD=/test/microcode_xen.ko
RELOAD=/sys/devices/system/cpu/microcode/reload
DEV=/dev/cpu/microcode

pass() { n=$((n + 1)); echo "ok $n - $*"; }
fail() { n=$((n + 1)); echo "not ok $n - $*"; }

# step NAME: marks where the next actions start, so the host can tell which
# of Xen's lines they caused; dom0's log is emptied at each step.
step() { dmesg -c > /dev/null; echo "@@step $1"; }

# expect DESC WANT CMD...: CMD prints one word (mcxio's answer)
expect() {
	local desc=$1 want=$2 got
	shift 2
	got=$("$@" 2>&1)
	if [ "$got" = "$want" ]; then pass "$desc"; else fail "$desc: expected $want, got '$got'"; fi
}

# check DESC CMD...: CMD succeeds
check() {
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
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
