# SPDX-License-Identifier: GPL-2.0
# Sourced by tests that run Debian's xen-ucode in dom0 (bench.sh,
# run-vm.sh's success cases), after lib.sh.

# xen_utils VERSION SUITE: xen-ucode of Xen VERSION from Debian's xen-utils
# (SUITE), with its libraries, unpacked once into $CACHE/bench/root-VERSION.
# Trixie's also needs trixie's C library; bookworm's runs on this machine's.
xen_utils() {
	local v=$1 suite=$2 b=$CACHE/bench root=$CACHE/bench/root-$1 extra=() p
	[ -x "$root/usr/lib/xen-$v/bin/xen-ucode" ] && return 0
	[ "$suite" = bookworm ] || extra=(libc6)
	rm -rf "$b/debs/$v" "$root"
	mkdir -p "$b/debs/$v" "$root"
	log "fetching xen-utils-$v and its libraries ($suite)"
	for p in "xen-utils-$v" "libxenmisc$v" libxencall1 libxenevtchn1 libxenforeignmemory1 \
		libxengnttab1 libxenstore4 libxentoollog1 libxentoolcore1 libxendevicemodel1 \
		libxenhypfs1 libyajl2 "${extra[@]}"; do
		(cd "$b/debs/$v" && papt-get download -qq "$p/$suite") || die "cannot download $p/$suite"
	done
	for p in "$b/debs/$v"/*.deb; do dpkg -x "$p" "$root"; done
}

# xen-ucode's /dev/xen/privcmd: the module of KERNEL (sid's from the sid chroot).
privcmd_of() {
	if [ "$1" = sid ]; then
		"$LIB_DIR/sid.sh" module drivers/xen/xen-privcmd
	else
		compgen -G "$CACHE/k/$1/lib/modules/*/kernel/drivers/xen/xen-privcmd.ko*" | head -n1
	fi
}

# xen_ucode_files KERNEL XEN: vm.sh options that put xen-ucode of Xen XEN
# at /usr/sbin/xen-ucode, its libraries, and KERNEL's xen-privcmd.ko at
# /test/xen-privcmd.ko.
xen_ucode_files() {
	local k=$1 x=$2 suite=bookworm root lib
	[ "$x" = 4.17 ] || suite=trixie
	xen_utils "$x" "$suite"
	root=$CACHE/bench/root-$x
	echo --file "$(privcmd_of "$k")=/test/xen-privcmd.ko"
	echo --file "$root/usr/lib/xen-$x/bin/xen-ucode=/usr/sbin/xen-ucode"
	for lib in "$root"/usr/lib/x86_64-linux-gnu/lib*.so.*; do
		echo --file "$(readlink -f "$lib")=/lib/x86_64-linux-gnu/${lib##*/}"
	done
	[ "$suite" = trixie ] || root=
	# Files, not links: vm.sh copies a link as it is.
	echo --file "$(readlink -f "$root/usr/lib/x86_64-linux-gnu/libc.so.6")=/lib/x86_64-linux-gnu/libc.so.6"
	echo --file "$(readlink -f "$root/usr/lib64/ld-linux-x86-64.so.2")=/lib64/ld-linux-x86-64.so.2"
}
