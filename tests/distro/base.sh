# SPDX-License-Identifier: GPL-2.0
# Sourced by tests/distro.sh: build (once) and cache the Debian systems the
# package is installed into.  A base is never changed after it is made; each
# run installs into a copy.  Its folder name is a hash of what it depends on
# (suite, package lists, this file's recipe version), so a change rebuilds it.

BASE_RECIPE=2
mirror() { awk '/^URIs:/ {print $2}' /etc/apt/sources.list.d/debian.sources | sed -n "${1}p"; }

# The second kernel's image package.  The signed build of a kernel in
# bookworm-security is published some days after the unsigned one (and its
# headers, which setup.sh picks the version by): the unsigned package is the
# same kernel, there from the start.
second_kernel_image() { echo "linux-image-$K612-amd64-unsigned"; }

# system_suite SYSTEM: the Debian suite of a test system (trixie-itools: trixie).
system_suite() { echo "${1%%-*}"; }

# prune_bases SYSTEM DIR: the cached bases of SYSTEM other than DIR (an
# older recipe or package list: never used again) are removed, 1 to 2 GB
# each.
prune_bases() {
	local b
	for b in "$CACHE/distro/$1"-*; do
		[[ ${b##*/} =~ ^$1-[0-9a-f]{12}$ ]] && [ "$b" != "$2" ] || continue
		log "$1: removing the outdated base $b"
		umount_all "$b" 2>/dev/null
		rm -rf "$b"
	done
}

# base_dir SYSTEM: print the cached base of SYSTEM, building it first if
# needed.  Each has Debian's Xen hypervisor package installed, as a dom0 has,
# its xen-utils (xen-ucode) and needrestart (its microcode check).
base_dir() {
	local system=$1 suite inc pre extra later key dir tmp main sec t0 comps older= v lock
	suite=$(system_suite "$system")
	main=$(mirror 1); main=${main:-http://deb.debian.org/debian}
	sec=$(mirror 2); sec=${sec:-http://deb.debian.org/debian-security}
	inc=systemd-sysv,udev,kmod,ca-certificates
	comps="main contrib non-free-firmware"
	case $system in
	bookworm)
		pre=initramfs-tools
		# iucode-tool (contrib): needrestart's Intel check runs it;
		# bookworm boots an Intel CPU.
		extra="linux-image-amd64 linux-headers-amd64 dkms intel-microcode iucode-tool amd64-microcode xen-hypervisor-4.17-amd64 xen-utils-4.17 needrestart"
		# A second kernel for the DKMS test, downloaded now so that a
		# warm run needs no network.
		later="$(second_kernel_image) linux-headers-$K612-amd64"
		# And an intel-microcode older than the installed one (the
		# archive keeps one in the other suite), for runbook 3's
		# downgrade: its version in the base's .older-intel-microcode.
		# The system is kept up to date, as a host is: runbook 2's
		# "apt upgrade" then has only that downgrade to undo.
		older=intel-microcode ;;
	trixie)
		pre=dracut
		# node_exporter reads the package's metrics (bookworm tests the
		# system without it).
		extra="linux-image-amd64 linux-headers-amd64 dkms intel-microcode amd64-microcode xen-hypervisor-4.20-amd64 xen-utils-4.20 needrestart prometheus-node-exporter"
		later="" ;;
	trixie-build)
		# No system to boot: Debian 13's debhelper builds the package
		# and its lintian checks it (tests/distro.sh, build_deb13).
		pre=build-essential
		extra="debhelper dh-dkms lintian"
		later="" ;;
	trixie-itools)
		# Debian 13's default initramfs generator.  GRUB's update-grub
		# (grub2-common, no boot loader installed: QEMU boots the kernel),
		# as on a dom0 that GRUB boots: the package's scripts run it.
		pre=initramfs-tools
		extra="linux-image-amd64 linux-headers-amd64 dkms intel-microcode amd64-microcode xen-hypervisor-4.20-amd64 xen-utils-4.20 needrestart grub2-common"
		later="" ;;
	*) die "unknown system $system" ;;
	esac
	key=$(printf '%s\n' "$BASE_RECIPE" "$system" "$inc" "$pre" "$extra" "$later" "$main" "$comps" ${older:+"older $older" upgraded} |
		sha256sum | cut -c1-12)
	dir=$CACHE/distro/$system-$key
	# One build of a system's base at a time: on a new cache the
	# mutants' "distro.sh package" and make check's distro.sh both ask
	# for trixie-build at once, and two debootstraps into the same folder
	# spoil each other ("Invalid Release signature" seen).  The lock is
	# let go on every way out (a failure exits the command substitution
	# it is called in).
	mkdir -p "$CACHE/distro"
	exec {lock}> "$CACHE/distro/.lock-$system"
	flock "$lock"
	prune_bases "$system" "$dir"
	if [ -e "$dir/.ready" ]; then
		exec {lock}>&-
		echo "$dir"
		return 0
	fi
	t0=$SECONDS
	tmp=$CACHE/distro/.tmp-$system
	umount_all "$tmp" 2>/dev/null || true
	rm -rf "$tmp" "$dir"
	mkdir -p "$tmp"
	log "debootstrap $suite for $system (minbase; a few minutes, once)"
	debootstrap --variant=minbase --include="$inc" --components="${comps// /,}" \
		"$suite" "$tmp" "$main" >"$CACHE/distro/debootstrap-$system.log" 2>&1 ||
		{ tail -n 20 "$CACHE/distro/debootstrap-$system.log" >&2; die "debootstrap $suite failed"; }
	{
		echo "deb $main $suite $comps"
		echo "deb $sec $suite-security $comps"
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
	# The security suite's updates of debootstrap's packages.
	[ -z "$older" ] || in_root "$tmp" apt-get upgrade -y -qq >/dev/null ||
		die "$suite: apt-get upgrade failed"
	# shellcheck disable=SC2086
	[ -z "$later" ] || in_root "$tmp" apt-get install -y -qq --download-only $later >/dev/null ||
		die "$suite: cannot download $later"
	if [ -n "$older" ]; then
		v=$(in_root "$tmp" dpkg-query -W -f '${Version}' "$older")
		v=$(in_root "$tmp" apt-cache madison "$older" | awk -F' [|] ' '{print $2}' |
			while read -r o; do dpkg --compare-versions "$o" lt "$v" && echo "$o"; done | head -n 1)
		[ -n "$v" ] && in_root "$tmp" apt-get install -y -qq --download-only --allow-downgrades "$older=$v" >/dev/null ||
			die "$suite: no $older older than the installed one in the archive"
		echo "$v" > "$tmp/.older-$older"
	fi
	in_root "$tmp" passwd -d root >/dev/null
	echo "/dev/vda / ext4 defaults 0 1" > "$tmp/etc/fstab"
	echo "mcx-$system" > "$tmp/etc/hostname"
	umount_all "$tmp"
	touch "$tmp/.ready"
	mv "$tmp" "$dir"
	log "$system base ready in $((SECONDS - t0)) s: $dir"
	exec {lock}>&-
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
	# A process of the chroot that is just ending can keep one busy for a
	# moment: detached then, never copied into a disk image.
	for m in dev/pts dev sys proc; do
		mountpoint -q "$1/$m" && { umount "$1/$m" 2>/dev/null || { sleep 2; umount -l "$1/$m"; }; }
	done
	return 0
}
