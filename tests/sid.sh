#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# sid.sh: Debian sid's newest kernel (7.2) for the tests.  Only sid's own
# compiler (gcc-16) builds modules for it, so the build runs in a minimal sid
# chroot in the cache, made with debootstrap from the machine's own archive.
#
#   sid.sh setup              make the chroot (once), with the 7.2 headers,
#                             make and sparse; put 7.2's vmlinuz in the cache,
#                             and 7.2's checkpatch and coccinelle scripts in
#                             CACHE/checkpatch-7.2 for the static gates
#   sid.sh build DIR [ARGS]   build the module in DIR (a copy of the sources)
#                             inside the chroot; make ARGS as for make
#   sid.sh module NAME        print the path of 7.2's module NAME (a path
#                             under kernel/, e.g. drivers/xen/xen-privcmd),
#                             taken once from linux-modules-V into the cache
#
# The chroot's folder is named after what it is made from (suite, variant,
# mirror, packages, this script's recipe version): change any of them and a
# new one is made.  Nothing outside the cache changes; the chroot's apt has
# its own configuration inside the chroot.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

SID_RECIPE=1
SID_SERIES=7.2
SID_PKGS="make sparse"
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
mirror=${mirror:-http://deb.debian.org/debian}
key=$(printf '%s\n' sid minbase "$mirror" "$SID_SERIES" "$SID_PKGS" "$SID_RECIPE" |
	sha256sum | cut -c1-12)
SIDDIR=$CACHE/sid-$key
ROOT=$SIDDIR/root
KDIR72=$CACHE/k/$SID_SERIES
CP72=$CACHE/checkpatch-$SID_SERIES

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
in_sid() { unshare --mount --pid --fork --mount-proc="$ROOT/proc" chroot "$ROOT" "$@"; }

setup() {
	local t0=$SECONDS v
	if [ -e "$SIDDIR/ready" ] && [ -e "$KDIR72/boot/vmlinuz-$(cat "$SIDDIR/ready")-amd64" ] &&
	   [ -e "$CP72/scripts/checkpatch.pl" ]; then
		log "sid chroot $SIDDIR is ready (kernel $(cat "$SIDDIR/ready"))"
		return 0
	fi
	# A chroot made by another recipe is of no further use.
	for old in "$CACHE"/sid-*; do
		[ -d "$old" ] && [ "$old" != "$SIDDIR" ] && rm -rf "$old"
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
	v=$(chroot "$ROOT" apt-cache pkgnames "linux-headers-$SID_SERIES." |
		sed -n "s/^linux-headers-\($SID_SERIES\.[0-9]*+deb[0-9]*\)-amd64\$/\1/p" | sort -V | tail -n1)
	[ -n "$v" ] || die "sid has no linux-headers-$SID_SERIES.*-amd64"
	log "sid: installing linux-headers-$v-amd64 (with gcc-16), $SID_PKGS"
	sid_apt install --no-install-recommends "linux-headers-$v-amd64" $SID_PKGS >> "$SIDDIR/apt.log" 2>&1 ||
		die "installing the $v headers failed; see $SIDDIR/apt.log"
	checker_valid "$v"
	# In 7.x vmlinuz is in linux-binary-V (modules in linux-modules-V).
	log "sid: fetching linux-binary-$v-amd64"
	rm -rf "$ROOT/tmp/deb" && mkdir -p "$ROOT/tmp/deb"
	sid_download "linux-binary-$v-amd64"
	rm -rf "$KDIR72" && mkdir -p "$KDIR72/boot"
	dpkg-deb --fsys-tarfile "$ROOT"/tmp/deb/linux-binary-"$v"-amd64_*.deb |
		tar -xO "./usr/lib/modules/$v-amd64/vmlinuz" > "$KDIR72/boot/vmlinuz-$v-amd64"
	static_scripts "$v"
	rm -rf "$ROOT/tmp/deb"
	chroot "$ROOT" apt-get -q clean
	echo "$v" > "$SIDDIR/ready"
	log "sid chroot ready in $((SECONDS - t0)) s: kernel $v"
}

# The static gates run 7.2's own checkpatch.pl and semantic patches too:
# they know the newer kernel's rules.  Only these paths leave the source.
static_scripts() {
	local t=linux-source-$SID_SERIES
	log "sid: fetching $t for its checkpatch.pl and coccinelle scripts"
	sid_download "$t"
	rm -rf "$CP72" && mkdir -p "$CP72"
	dpkg-deb --fsys-tarfile "$ROOT"/tmp/deb/"$t"_*.deb | tar -xO "./usr/src/$t.tar.xz" |
		tar -xJ -C "$CP72" --strip-components=1 "$t/scripts/checkpatch.pl" \
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
	d=$KDIR72/modules-$v
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
build) shift; build "$@" ;;
module) module "$2" ;;
*) die "usage: sid.sh setup | sid.sh build DIR [MAKE ARGS...] | sid.sh module NAME" ;;
esac
