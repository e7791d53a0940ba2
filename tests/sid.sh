#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# sid.sh: Debian sid's newest kernel for the tests, whatever its series (7.2
# when this was written; 7.3 when sid moves on): the tests call it "sid".
# Only sid's own compiler builds modules for it, so the build runs in a
# minimal sid chroot in the cache, made with debootstrap from the machine's
# own archive.
#
#   sid.sh setup              make the chroot (once), with the headers of
#                             sid's newest kernel, make and sparse; put that
#                             kernel's vmlinuz in CACHE/k/sid, and its
#                             series' checkpatch and coccinelle scripts in
#                             CACHE/checkpatch-sid for the static gates.
#                             SID_REFRESH=1: look again for sid's newest
#                             kernel (a cached chroot keeps the one it has)
#   sid.sh version            print the kernel version in use (7.2.13+deb14)
#   sid.sh build DIR [ARGS]   build the module in DIR (a copy of the sources)
#                             inside the chroot; make ARGS as for make
#   sid.sh module NAME        print the path of the kernel's module NAME (a
#                             path under kernel/, e.g. drivers/xen/xen-privcmd),
#                             taken once from linux-modules-V into the cache
#
# The chroot's folder is named after what it is made from (suite, variant,
# mirror, packages, this script's recipe version): change any of them and a
# new one is made.  Nothing outside the cache changes; the chroot's apt has
# its own configuration inside the chroot.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

SID_RECIPE=2
SID_PKGS="make sparse"
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
mirror=${mirror:-http://deb.debian.org/debian}
key=$(printf '%s\n' sid minbase "$mirror" "$SID_PKGS" "$SID_RECIPE" |
	sha256sum | cut -c1-12)
SIDDIR=$CACHE/sid-$key
ROOT=$SIDDIR/root
KDIRSID=$CACHE/k/sid
CPSID=$CACHE/checkpatch-sid

# sid's Release may be past its Valid-Until on this archive: for sid only.
sid_apt() {
	chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get -q -y \
		-o Acquire::Check-Valid-Until=false "$@"
}

# sid_download PKG: PKG's .deb into the chroot's /tmp/deb.
sid_download() {
	chroot "$ROOT" sh -c "cd /tmp/deb && apt-get -q -o APT::Sandbox::User=root download $1" \
		>> "$SIDDIR/apt.log" 2>&1 || die "downloading $1 failed; see $SIDDIR/apt.log"
}

# Runs in the chroot with its own /proc (objtool and the compiler need it),
# in a private mount namespace that ends with the command: nothing to unmount.
# The command is PID 1 of its own PID namespace, where it ignores SIGTERM: a
# make whose children were killed kept spinning there.  --kill-child: when
# unshare goes (killed by run-all's deadline, a ^C), the namespace goes too.
in_sid() { unshare --mount --pid --fork --kill-child --mount-proc="$ROOT/proc" chroot "$ROOT" "$@"; }

# ready: the chroot, the kernel and the scripts of the version in "ready"
# are all there.
ready() {
	[ -e "$SIDDIR/ready" ] && [ -e "$KDIRSID/boot/vmlinuz-$(cat "$SIDDIR/ready")-amd64" ] &&
		[ -e "$CPSID/scripts/checkpatch.pl" ]
}

# newest_headers: the version of sid's newest linux-headers-V-amd64, of any
# series (V: 7.2.13+deb14).
newest_headers() {
	chroot "$ROOT" apt-cache pkgnames linux-headers- |
		sed -n 's/^linux-headers-\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*+deb[0-9][0-9]*\)-amd64$/\1/p' |
		sort -V | tail -n1
}

setup() {
	local t0=$SECONDS v series old=
	if ready && [ -z "${SID_REFRESH:-}" ]; then
		log "sid's kernel: $(cat "$SIDDIR/ready") (cached in $SIDDIR; SID_REFRESH=1 tests/setup.sh follows sid to its newest)"
		return 0
	fi
	! ready || old=$(cat "$SIDDIR/ready")
	# A chroot made by another recipe is of no further use.
	local d
	for d in "$CACHE"/sid-*; do
		[ -d "$d" ] && [ "$d" != "$SIDDIR" ] && rm -rf "$d"
	done
	if [ ! -e "$SIDDIR/bootstrapped" ]; then
		rm -rf "$ROOT"
		mkdir -p "$SIDDIR"
		log "debootstrap --variant=minbase sid from $mirror (about a minute)"
		debootstrap --variant=minbase sid "$ROOT" "$mirror" > "$SIDDIR/debootstrap.log" 2>&1 ||
			die "debootstrap failed; see $SIDDIR/debootstrap.log"
		touch "$SIDDIR/bootstrapped"
	fi
	log "sid: updating the package lists"
	sid_apt update > "$SIDDIR/apt.log" 2>&1 || die "apt-get update in the sid chroot failed; see $SIDDIR/apt.log"
	v=$(newest_headers)
	[ -n "$v" ] || die "sid lists no linux-headers-X.Y.Z+debN-amd64: its kernel packages have changed their names; see $SIDDIR/apt.log"
	series=$(sed 's/^\([0-9]*\.[0-9]*\).*/\1/' <<<"$v")
	if [ "$v" = "$old" ]; then
		log "sid's kernel: $v, still sid's newest"
		return 0
	fi
	log "sid's newest kernel: $v${old:+ (was $old)}; installing linux-headers-$v-amd64 with sid's compiler, $SID_PKGS"
	sid_apt install --no-install-recommends "linux-headers-$v-amd64" $SID_PKGS >> "$SIDDIR/apt.log" 2>&1 ||
		die "installing the $v headers failed; see $SIDDIR/apt.log"
	checker_valid "$v"
	# In 7.x vmlinuz is in linux-binary-V (modules in linux-modules-V).
	log "sid: fetching linux-binary-$v-amd64"
	rm -rf "$ROOT/tmp/deb" && mkdir -p "$ROOT/tmp/deb"
	sid_download "linux-binary-$v-amd64"
	rm -rf "$KDIRSID" && mkdir -p "$KDIRSID/boot"
	dpkg-deb --fsys-tarfile "$ROOT"/tmp/deb/linux-binary-"$v"-amd64_*.deb |
		tar -xO "./usr/lib/modules/$v-amd64/vmlinuz" > "$KDIRSID/boot/vmlinuz-$v-amd64"
	[ -s "$KDIRSID/boot/vmlinuz-$v-amd64" ] ||
		die "linux-binary-$v-amd64 holds no usr/lib/modules/$v-amd64/vmlinuz: sid has moved its kernel image; see tests/sid.sh"
	static_scripts "$series"
	rm -rf "$ROOT/tmp/deb"
	chroot "$ROOT" apt-get -q clean
	echo "$v" > "$SIDDIR/ready"
	log "sid chroot ready in $((SECONDS - t0)) s: kernel $v"
}

# The static gates run sid's kernel's own checkpatch.pl and semantic patches
# too: they know the newer kernel's rules.  Only these paths leave the source.
static_scripts() { # SERIES
	local t=linux-source-$1
	chroot "$ROOT" apt-cache show "$t" > /dev/null 2>&1 ||
		die "sid has no $t, whose checkpatch.pl the static gates run: wait for it, or see tests/sid.sh"
	log "sid: fetching $t for its checkpatch.pl and coccinelle scripts"
	sid_download "$t"
	rm -rf "$CPSID" && mkdir -p "$CPSID"
	dpkg-deb --fsys-tarfile "$ROOT"/tmp/deb/"$t"_*.deb | tar -xO "./usr/src/$t.tar.xz" |
		tar -xJ -C "$CPSID" --strip-components=1 "$t/scripts/checkpatch.pl" \
			"$t/scripts/spelling.txt" "$t/scripts/const_structs.checkpatch" "$t/scripts/coccinelle"
}

# Debian's 7.2 headers lack scripts/checker-valid.sh, which kbuild runs to
# see whether sparse can check this kernel; without it C=1 silently checks
# nothing.  sid's sparse can: the stand-in asks sparse what kbuild's script
# asks (a __typeof_unqual__ declaration must pass) and answers the same way.
checker_valid() {
	local f
	f=$(compgen -G "$ROOT/usr/src/linux-headers-$1-common/scripts") || return 0
	f=$f/checker-valid.sh
	[ -e "$f" ] && return 0
	cat > "$f" <<'SH'
#!/bin/sh
# Written by microcode_xen's tests/sid.sh: this kernel's headers lack it.
command -v "$1" > /dev/null || { echo 0; exit 0; }
t=$(mktemp)
printf 'static int u(const int *q) { __typeof_unqual__(*q) v = *q; return v; }\n' > "$t"
if "$@" "$t" 2>&1 | grep -q error; then echo 0; else echo 1; fi
rm -f "$t"
SH
	chmod +x "$f"
}

build() { # DIR [MAKE ARGS...]
	local dir=$1 name v
	shift
	[ -e "$SIDDIR/ready" ] || die "no sid chroot; run tests/setup.sh"
	v=$(cat "$SIDDIR/ready")
	# A folder of its own: builds from other trees (mutants.sh's copies,
	# another checkout) may run in the same chroot at the same time.
	name=$(basename "$dir").$$
	rm -rf "$ROOT/build/$name"
	mkdir -p "$ROOT/build"
	cp -a "$dir" "$ROOT/build/$name"
	in_sid make -s -C "/build/$name" KDIR="/usr/src/linux-headers-$v-amd64" "$@" &&
		cp "$ROOT/build/$name"/*.ko "$dir"/
	local rc=$?
	rm -rf "$ROOT/build/$name"
	return $rc
}

module() { # NAME
	local v d f
	[ -e "$SIDDIR/ready" ] || die "no sid chroot; run tests/setup.sh"
	v=$(cat "$SIDDIR/ready")
	d=$KDIRSID/modules-$v
	f=$(compgen -G "$d/$1.ko*" | head -n1) && { echo "$f"; return 0; }
	log "sid: fetching linux-modules-$v-amd64 for $1"
	rm -rf "$ROOT/tmp/deb" && mkdir -p "$ROOT/tmp/deb"
	sid_download "linux-modules-$v-amd64"
	# ./usr/lib/modules/V/kernel/NAME.ko* lands as $d/NAME.ko*.
	mkdir -p "$d"
	dpkg-deb --fsys-tarfile "$ROOT"/tmp/deb/linux-modules-"$v"-amd64_*.deb |
		tar -x -C "$d" --wildcards --strip-components=6 "./usr/lib/modules/$v-amd64/kernel/$1.ko*"
	rm -rf "$ROOT/tmp/deb"
	f=$(compgen -G "$d/$1.ko*" | head -n1) || die "linux-modules-$v-amd64 has no $1"
	echo "$f"
}

case ${1:-} in
setup) setup ;;
version) [ -e "$SIDDIR/ready" ] || die "no sid chroot; run tests/setup.sh"; cat "$SIDDIR/ready" ;;
build) shift; build "$@" ;;
module) module "$2" ;;
*) die "usage: sid.sh setup | sid.sh version | sid.sh build DIR [MAKE ARGS...] | sid.sh module NAME" ;;
esac
