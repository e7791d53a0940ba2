# SPDX-License-Identifier: GPL-2.0
# Shared by the test scripts: where the cache is, and small helpers.

CACHE=${MICROCODE_XEN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/microcode_xen}
APTDIR=$CACHE/apt
DEBS=$CACHE/debs
# Bump when setup.sh fetches something new, so old caches are completed.
SETUP_VERSION=1

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

papt_opts() {
	printf '%s\n' -o "Dir::Etc::SourceList=$APTDIR/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$APTDIR/lists" \
		-o "Dir::Cache=$APTDIR/cache" -o APT::Sandbox::User=root
}
papt-get() { local o; mapfile -t o < <(papt_opts); apt-get "${o[@]}" "$@"; }
papt-cache() { local o; mapfile -t o < <(papt_opts); apt-cache "${o[@]}" "$@"; }

# The debug kernels (tests/debug-kernel.sh): 6.1-debug (tests/debug/6.1.config,
# with KASAN) and 6.1-debug-nokasan (the same with tests/debug/nokasan.config
# over it, for Xen).  A cache folder is named after what its kernel is made
# of.  Bump DEBUG_RECIPE when the build recipe changes.
DEBUG_RECIPE=1
LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# debug_fragments NAME: the config fragments of a debug kernel, in order.
debug_fragments() {
	case $1 in
	6.1-debug) echo "$LIB_DIR/debug/6.1.config" ;;
	6.1-debug-nokasan) echo "$LIB_DIR/debug/6.1.config $LIB_DIR/debug/nokasan.config" ;;
	*) die "no debug kernel named $1 (6.1-debug, 6.1-debug-nokasan)" ;;
	esac
}
debug_dir() {
	local name=${1:-6.1-debug} v h f
	f=$(debug_fragments "$name") || return 1
	v=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
		die "linux-source-6.1 is not installed (run tests/setup.sh)"
	# shellcheck disable=SC2086 # a list of paths without blanks
	h=$({ echo "$v recipe $DEBUG_RECIPE"; cat $f; } | sha256sum | cut -c1-12)
	echo "$CACHE/kdebug/${name#6.1-}-$h"
}

# xen_image VER: Xen VER's hypervisor, unpacked once from Debian's .gz
# into the cache; its path.  Into a file of its own first, then renamed:
# VMs side by side (run-vm's, distro's, the mutants') may ask at once.
xen_image() {
	local f=$CACHE/xen-$1/xen
	[ -e "$f" ] || { zcat "$CACHE/xen-$1/boot/xen-$1-amd64.gz" > "$f.$$" && mv "$f.$$" "$f"; } ||
		{ rm -f "$f.$$"; return 1; }
	echo "$f"
}

# The headers folder of a cached kernel (6.1 or 6.12), or a debug kernel's
# build tree (6.1-debug, 6.1-debug-nokasan).
kdir_of() {
	local d
	case $1 in
	6.1-debug*)
		d=$(debug_dir "$1") || return 1
		[ -e "$d/ready" ] || die "the debug kernel $1 is not built (run tests/debug-kernel.sh build $1)"
		echo "$d/linux"
		return ;;
	esac
	d=$(compgen -G "$CACHE/k/$1/usr/src/linux-headers-*-amd64" | head -n1) ||
		die "no headers for kernel $1 in $CACHE (run tests/setup.sh)"
	echo "$d"
}
# kbuild KVER DIR [MAKE ARGS...]: build the sources in DIR (with the
# project's Makefile) against kernel KVER; sid's kernel in the sid chroot
# (tests/sid.sh), whose compiler it needs.
kbuild() {
	local k=$1 d=$2
	shift 2
	if [ "$k" = sid ]; then
		"$LIB_DIR/sid.sh" build "$d" "$@"
	else
		make -s -C "$d" KDIR="$(kdir_of "$k")" "$@"
	fi
}
vmlinuz_of() {
	case $1 in
	6.1-debug*)
		echo "$(debug_dir "$1")/linux/arch/x86/boot/bzImage"
		return ;;
	esac
	compgen -G "$CACHE/k/$1/boot/vmlinuz-*" | head -n1
}

# CRASH_RE: what a kernel or Xen crash, warning, hang or memory exhaustion
# looks like in a log (an extended regular expression), one list for every
# script that reads a VM's console (run-vm.sh, distro.sh).  The debug
# kernels add their sanitizers' reports: "BUG: KASAN", lockdep's "WARNING:
# possible circular locking..." and "inconsistent lock state", UBSAN's and
# debugobjects' reports, kmemleak's count after a scan.
CRASH_RE='Oops|BUG:|BUG [^ ]+ \((Not tainted|Tainted)|WARNING:|UBSAN:|ODEBUG:|suspected memory leak|cut here|Call Trace|general protection fault|Kernel panic|blocked for more than|Xen (BUG|WARN) at|FATAL (TRAP|PAGE FAULT)|possible recursive locking|circular locking|invoked oom-killer|Out of memory|oom-kill:'
export CRASH_RE

# Test results: "ok - DESC" / "not ok - DESC", tallied in $RESULTS so that a
# run over several scripts ends with one count, and in npass/nfail for the
# script itself.
RESULTS=${RESULTS:-$(mktemp)}
export RESULTS
npass=0 nfail=0
result() { # pass|fail DESC
	if [ "$1" = pass ]; then
		echo "ok - $2"
		echo pass >> "$RESULTS"
		npass=$((npass + 1))
	else
		echo "not ok - $2"
		echo fail >> "$RESULTS"
		nfail=$((nfail + 1))
	fi
}
# note LINE: something the whole run's summary must show besides the count
# (a VM booted once more, a script not run): kept beside $RESULTS.
note() {
	echo "$*" >> "$RESULTS.notes"
	log "$*"
}
# summary: the whole run's count; fails if anything failed or nothing passed.
summary() {
	local p f
	p=$(grep -c '^pass$' "$RESULTS" || true)
	f=$(grep -c '^fail$' "$RESULTS" || true)
	[ ! -s "$RESULTS.notes" ] || sed 's/^/# note: /' "$RESULTS.notes"
	echo "$p passed, $f failed"
	[ "$f" -eq 0 ] && [ "$p" -gt 0 ]
}
# script_end: the last command of each test script.  Alone, the script prints
# the summary; under run-all.sh (RUN_ALL set) it logs its own count.  Either
# way its exit status is non-zero if any of its checks failed or none passed.
script_end() {
	if [ -z "${RUN_ALL:-}" ]; then
		summary
		return
	fi
	log "$npass passed, $nfail failed"
	[ "$nfail" -eq 0 ] && [ "$npass" -gt 0 ]
}
