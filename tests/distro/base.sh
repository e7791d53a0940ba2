# SPDX-License-Identifier: GPL-2.0
# Sourced by tests/distro.sh: build (once) and cache the Debian systems the
# package is installed into.  A base is never changed after it is made; each
# run installs into a copy.  Its folder name is a hash of what it depends on
# (suite, package lists, this file's recipe version), so a change rebuilds it.

BASE_RECIPE=1
mirror() { awk '/^URIs:/ {print $2}' /etc/apt/sources.list.d/debian.sources | sed -n "${1}p"; }

# The second kernel's image package.  The signed build of a kernel in
# bookworm-security is published some days after the unsigned one (and its
# headers, which setup.sh picks the version by): the unsigned package is the
# same kernel, there from the start.
second_kernel_image() { echo "linux-image-$K612-amd64-unsigned"; }

# base_dir SUITE: print the cached base of SUITE, building it first if needed.
base_dir() {
	local suite=$1 inc pre extra later key dir tmp main sec t0
	main=$(mirror 1); main=${main:-http://deb.debian.org/debian}
	sec=$(mirror 2); sec=${sec:-http://deb.debian.org/debian-security}
	inc=systemd-sysv,udev,kmod,ca-certificates
	case $suite in
	bookworm)
		pre=initramfs-tools
		extra="linux-image-amd64 linux-headers-amd64 dkms intel-microcode amd64-microcode"
		# A second kernel for the DKMS test, downloaded now so that a
		# warm run needs no network.
		later="$(second_kernel_image) linux-headers-$K612-amd64" ;;
	trixie)
		pre=dracut
		# node_exporter reads the package's metrics (bookworm tests the
		# system without it).
		extra="linux-image-amd64 linux-headers-amd64 dkms intel-microcode amd64-microcode prometheus-node-exporter"
		later="" ;;
	*) die "unknown suite $suite" ;;
	esac
	key=$(printf '%s\n' "$BASE_RECIPE" "$suite" "$inc" "$pre" "$extra" "$later" "$main" |
		sha256sum | cut -c1-12)
	dir=$CACHE/distro/$suite-$key
	if [ -e "$dir/.ready" ]; then
		echo "$dir"
		return 0
	fi
	t0=$SECONDS
	tmp=$CACHE/distro/.tmp-$suite
	umount_all "$tmp" 2>/dev/null || true
	rm -rf "$tmp" "$dir"
	mkdir -p "$tmp"
	log "debootstrap $suite (minbase; a few minutes, once)"
	debootstrap --variant=minbase --include="$inc" --components=main,non-free-firmware \
		"$suite" "$tmp" "$main" >"$CACHE/distro/debootstrap-$suite.log" 2>&1 ||
		{ tail -n 20 "$CACHE/distro/debootstrap-$suite.log" >&2; die "debootstrap $suite failed"; }
	{
		echo "deb $main $suite main non-free-firmware"
		echo "deb $sec $suite-security main non-free-firmware"
	} > "$tmp/etc/apt/sources.list"
	printf 'APT::Install-Recommends "false";\n' > "$tmp/etc/apt/apt.conf.d/90norecommends"
	mount_all "$tmp"
	log "$suite: installing $pre, then $extra"
	in_root "$tmp" apt-get update -qq
	# dracut before the kernel: otherwise the kernel's first alternative,
	# initramfs-tools, becomes the initramfs tool.
	in_root "$tmp" apt-get install -y -qq "$pre" >/dev/null
	# shellcheck disable=SC2086 # package lists
	in_root "$tmp" apt-get install -y -qq $extra >/dev/null
	# shellcheck disable=SC2086
	[ -z "$later" ] || in_root "$tmp" apt-get install -y -qq --download-only $later >/dev/null ||
		die "$suite: cannot download $later"
	in_root "$tmp" passwd -d root >/dev/null
	echo "/dev/vda / ext4 defaults 0 1" > "$tmp/etc/fstab"
	echo "mcx-$suite" > "$tmp/etc/hostname"
	umount_all "$tmp"
	touch "$tmp/.ready"
	mv "$tmp" "$dir"
	log "$suite base ready in $((SECONDS - t0)) s: $dir"
	echo "$dir"
}

in_root() { local r=$1; shift; DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 chroot "$r" "$@"; }
mount_all() {
	mount -t proc proc "$1/proc"
	mount -t sysfs sys "$1/sys"
	mount --bind /dev "$1/dev"
	mount -t devpts devpts "$1/dev/pts"
}
umount_all() {
	local m
	for m in dev/pts dev sys proc; do
		mountpoint -q "$1/$m" && umount "$1/$m"
	done
	return 0
}
