#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs the host tools the tests use and fetches everything else into a
# cache folder: Xen hypervisors, Debian dom0 kernels and their headers, the
# real vendor microcode packages, busybox and iucode-tool.  Packages from
# suites or components the machine's apt sources do not list come through a
# private apt configuration inside the cache; nothing under /etc/apt changes.
#
# Idempotent: once everything is in the cache a second run downloads nothing.
# Prints the cache's environment (sourced by the other test scripts).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

host_tools() {
	local want=(qemu-system-x86 cpio xz-utils zstd python3 sparse coccinelle dwarves gcc make
		    libc6-dev linux-source-6.1 bc libelf-dev)
	want+=(debootstrap lintian dkms dh-dkms debhelper dpkg-dev fakeroot e2fsprogs procps)
	local missing=()
	for p in "${want[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing host tools: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The private apt configuration: same archive as the machine's own sources,
# other suites and components.
apt_private() {
	local main sec
	mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$DEBS"
	main=$(awk '/^URIs:/ {print $2}' /etc/apt/sources.list.d/debian.sources | sed -n 1p)
	sec=$(awk '/^URIs:/ {print $2}' /etc/apt/sources.list.d/debian.sources | sed -n 2p)
	main=${main:-http://deb.debian.org/debian}
	sec=${sec:-http://deb.debian.org/debian-security}
	local key=/usr/share/keyrings/debian-archive-keyring.gpg
	cat > "$APTDIR/sources.list.new" <<SRC
deb [signed-by=$key] $main bookworm main non-free-firmware
deb [signed-by=$key] $main bookworm-updates main non-free-firmware
deb [signed-by=$key] $sec bookworm-security main non-free-firmware
deb [signed-by=$key] $main trixie main
SRC
	if ! cmp -s "$APTDIR/sources.list.new" "$APTDIR/sources.list"; then
		mv "$APTDIR/sources.list.new" "$APTDIR/sources.list"
		rm -f "$APTDIR/updated"
	else
		rm -f "$APTDIR/sources.list.new"
	fi
	if [ ! -e "$APTDIR/updated" ]; then
		log "refreshing the private package lists"
		papt-get update -qq
		touch "$APTDIR/updated"
	fi
}

# Highest version of NAME, optionally restricted to one suite family.
newest() { papt-cache madison "$1" | awk -v s="${2:-}" 's == "" || $6 ~ "^" s {print $3; exit}'; }

resolve() {
	local v
	# dom0 6.1: the ABI Debian's linux-headers-amd64 (bookworm) points at.
	v=$(papt-cache show "linux-headers-amd64=$(newest linux-headers-amd64 bookworm)" |
		sed -n 's/^Depends: linux-headers-\(6\.1\.0-[0-9]*\)-amd64.*/\1/p' | head -n1)
	[ -n "$v" ] || die "cannot resolve the bookworm 6.1 kernel ABI"
	K61=$v
	# dom0 6.12: the newest 6.12.*+deb12 set whose headers exist.
	v=$(papt-cache pkgnames linux-headers-6.12. | sed -n 's/^linux-headers-\(6\.12\.[0-9]*+deb12\)-amd64$/\1/p' |
		sort -V | tail -n1)
	[ -n "$v" ] || die "cannot resolve a 6.12+deb12 kernel"
	K612=$v
}

fetch() { # NAME[/SUITE] ...: download what is not in $DEBS yet, print the paths
	local spec name ver file
	for spec in "$@"; do
		name=${spec%%/*}
		ver=$(newest "$name" "$([ "$spec" != "$name" ] && echo "${spec#*/}")")
		[ -n "$ver" ] || die "package $spec not found in the archive"
		# apt-get download writes an epoch's colon as %3a
		file=$(compgen -G "$DEBS/${name}_${ver//:/%3a}_*.deb" | head -n1) || true
		if [ -z "$file" ]; then
			log "downloading $name $ver"
			(cd "$DEBS" && papt-get download -qq "$name=$ver")
			file=$(compgen -G "$DEBS/${name}_${ver//:/%3a}_*.deb" | head -n1) ||
				die "download of $name $ver left no file"
		fi
		echo "$file"
	done
}

unpack() { # DIR DEB...: unpack once into DIR
	local dir=$1 deb
	shift
	mkdir -p "$dir"
	for deb in "$@"; do
		[ -e "$dir/.unpacked-$(basename "$deb")" ] && continue
		dpkg-deb -x "$deb" "$dir"
		touch "$dir/.unpacked-$(basename "$deb")"
	done
}

# A headers tree built in /usr/src refers to its -common half by absolute
# path; point it at the unpacked copy instead.
fix_headers() { # ROOT
	local mk
	for mk in "$1"/usr/src/linux-headers-*-amd64/Makefile; do
		sed -i "s|include /usr/src/|include $1/usr/src/|" "$mk"
	done
}

main() {
	local qpid
	host_tools
	# The test QEMU whose CPUs take microcode: its own cache key
	# (tests/qemu.sh).  Its build keeps both cores busy for about 5 min,
	# while sid's chroot and the downloads mostly wait for the network:
	# they go on beside it.
	"$here/qemu.sh" build &
	qpid=$!
	# Debian sid's newest kernel: its own chroot and cache key (tests/sid.sh).
	"$here/sid.sh" setup
	downloads
	wait "$qpid" || die "the test QEMU did not build (tests/qemu.sh build says why, above)"
}

downloads() {
	if [ -e "$CACHE/ready" ] && [ "$(cat "$CACHE/ready")" = "$SETUP_VERSION" ]; then
		log "cache $CACHE is complete; nothing to download"
		return 0
	fi
	apt_private
	resolve
	log "dom0 kernels: $K61 and $K612"
	local debs

	debs=$(fetch "linux-image-$K61-amd64-unsigned" "linux-headers-$K61-amd64" \
		"linux-headers-$K61-common" linux-kbuild-6.1/bookworm)
	unpack "$CACHE/k/6.1" $debs
	fix_headers "$CACHE/k/6.1"

	debs=$(fetch "linux-image-$K612-amd64-unsigned" "linux-headers-$K612-amd64" \
		"linux-headers-$K612-common" "linux-kbuild-$K612")
	unpack "$CACHE/k/6.12" $debs
	fix_headers "$CACHE/k/6.12"

	unpack "$CACHE/xen-4.17" $(fetch xen-hypervisor-4.17-amd64)
	unpack "$CACHE/xen-4.20" $(fetch xen-hypervisor-4.20-amd64/trixie)
	unpack "$CACHE/fw" $(fetch intel-microcode/bookworm amd64-microcode/bookworm)
	unpack "$CACHE/userland" $(fetch busybox-static/bookworm iucode-tool/bookworm)

	cat > "$CACHE/env" <<ENV
K61=$K61
K612=$K612
ENV
	echo "$SETUP_VERSION" > "$CACHE/ready"
	log "cache $CACHE is complete"
}

main "$@"
