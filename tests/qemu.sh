#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu.sh: the test QEMU whose emulated CPUs take microcode
# (tests/qemu/ucode-msr.patch), so that real Xen's success path runs.
#
#   qemu.sh build   build it once into the cache (about 5 min on 2 cores)
#   qemu.sh path    print its qemu-system-x86_64, built first if need be
#
# It is Debian's own qemu source, the version of the host's qemu-system-x86,
# with the patch on top, x86_64-softmmu only.  The cache folder is named
# after the source version, the patch and this recipe: change any of them
# and it is built anew.  The source comes through a private apt
# configuration in the cache (deb-src lines); nothing under /etc/apt changes.
# The binary takes its firmware (SeaBIOS, option ROMs) from the host's
# qemu-system-x86 in /usr/share/qemu.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

QEMU_RECIPE=1
QEMU_DEPS=(meson ninja-build libglib2.0-dev libfdt-dev libpixman-1-dev zlib1g-dev pkg-config
	   python3 dpkg-dev)
patch=$here/qemu/ucode-msr.patch

srcver() {
	dpkg-query -W -f='${source:Version}' qemu-system-x86 2>/dev/null ||
		die "qemu-system-x86 is not installed (run tests/setup.sh)"
}
qdir() {
	local h
	h=$({ srcver; echo "recipe $QEMU_RECIPE"; cat "$patch"; } | sha256sum | cut -c1-12)
	echo "$CACHE/qemu/ucode-$h"
}

build() {
	local d v t0=$SECONDS missing=() p main sec apt
	d=$(qdir)
	[ -x "$d/qemu-system-x86_64" ] && { log "test QEMU $d is built"; return 0; }
	# One build at a time: VM cases side by side may each ask for it.
	mkdir -p "$CACHE/qemu"
	exec 7> "$CACHE/qemu/.build.lock"
	flock 7
	[ -x "$d/qemu-system-x86_64" ] && { log "test QEMU $d is built"; return 0; }
	v=$(srcver)
	for p in "${QEMU_DEPS[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing QEMU's build dependencies: ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"${missing[@]}" >/dev/null || {
			apt-get update -qq
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				--no-install-recommends "${missing[@]}" >/dev/null
		}
	fi
	apt=$CACHE/qemu/apt
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$d.tmp"
	main=$(awk '/^URIs:/ {print $2}' /etc/apt/sources.list.d/debian.sources | sed -n 1p)
	sec=$(awk '/^URIs:/ {print $2}' /etc/apt/sources.list.d/debian.sources | sed -n 2p)
	local key=/usr/share/keyrings/debian-archive-keyring.gpg
	cat > "$apt/sources.list" <<SRC
deb-src [signed-by=$key] ${main:-http://deb.debian.org/debian} bookworm main
deb-src [signed-by=$key] ${main:-http://deb.debian.org/debian} bookworm-updates main
deb-src [signed-by=$key] ${sec:-http://deb.debian.org/debian-security} bookworm-security main
SRC
	local o=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
		 -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
		 -o APT::Sandbox::User=root)
	if [ -z "$(compgen -G "$CACHE/qemu/src/qemu_${v#*:}.dsc")" ]; then
		log "downloading Debian's qemu source $v"
		apt-get "${o[@]}" update -qq
		mkdir -p "$CACHE/qemu/src"
		(cd "$CACHE/qemu/src" && apt-get "${o[@]}" source --download-only -qq "qemu=$v") ||
			die "Debian's archive no longer has the qemu source $v (the host's qemu-system-x86): upgrade the host's qemu-system-x86 to a version the archive carries"
	fi
	rm -rf "$d.tmp"
	mkdir -p "$d.tmp"
	log "building the test QEMU ($v + ucode-msr.patch, x86_64-softmmu) in $d (about 5 min)"
	dpkg-source -q -x --no-check "$CACHE/qemu/src/qemu_${v#*:}.dsc" "$d.tmp/src" >/dev/null
	patch -s -d "$d.tmp/src" -p1 < "$patch"
	(
		cd "$d.tmp/src"
		mkdir build && cd build
		# --prefix=/usr: firmware from the host's /usr/share/qemu.
		../configure --prefix=/usr --target-list=x86_64-softmmu \
			--without-default-features --enable-tcg --enable-fdt=system \
			--disable-docs --disable-werror > "$d.tmp/configure.log" 2>&1 ||
			{ tail -n 30 "$d.tmp/configure.log"; exit 1; }
		ninja -j"$(nproc)" qemu-system-x86_64 > "$d.tmp/build.log" 2>&1 ||
			{ tail -n 30 "$d.tmp/build.log"; exit 1; }
	) || die "the test QEMU did not build; logs in $d.tmp"
	cp "$d.tmp/src/build/qemu-system-x86_64" "$d.tmp/"
	# Only the binary and the logs stay (dpkg-source leaves the tarballs).
	find "$d.tmp" -mindepth 1 -maxdepth 1 ! -name qemu-system-x86_64 ! -name '*.log' \
		-exec rm -rf {} +
	rm -rf "$d"
	mv "$d.tmp" "$d"
	log "test QEMU built in $((SECONDS - t0)) s: $d/qemu-system-x86_64"
}

case ${1:-} in
build) build ;;
path)
	d=$(qdir)
	[ -x "$d/qemu-system-x86_64" ] || build >&2
	echo "$d/qemu-system-x86_64" ;;
*) die "usage: qemu.sh build|path" ;;
esac
