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
