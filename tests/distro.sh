#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# distro.sh: the package on installed Debian systems.  Builds
# microcode-xen-dkms (make deb) and lints it; installs it into debootstrapped
# systems (cached under $CACHE/distro); boots each, with its own kernel,
# initramfs and root disk, under real Xen in QEMU and without Xen; then
# tries a second kernel, bad input and a purge in the system's chroot.
#   bookworm:      initramfs-tools, Debian's 6.1, Xen 4.17
#   trixie:        dracut, Debian's 6.12, Xen 4.20
#   trixie-itools: initramfs-tools (Debian 13's default), 6.12, Xen 4.20
# The systems run side by side, all three at once (DISTRO_JOBS): a boot
# keeps one core busy, the chroot checks less than one, and one system left
# alone at the end would leave a core idle.  Their progress is logged as it
# goes, their results printed, system by system, at the end.
# Usage: tests/distro.sh [bookworm|trixie|trixie-itools ...]   (default: all)
# tests/distro.sh package: the package's own checks only, no system (both
# builds, their lintian, the alerting rules; about a minute: tests/mutants.sh).
# DISTRO_SRC=DIR builds the package from another tree (an older one, to see
# which checks its bugs fail).  DISTRO_NO_BOOT=1 skips the boots (a quick look at the package and the
# chroot checks; the run then fails, as incomplete).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/distro/base.sh"
top=$(cd "$here/.." && pwd)
out=$top/build/distro
mkdir -p "$out"
[ -e "$CACHE/env" ] || die "no cache: run tests/setup.sh first"
. "$CACHE/env"
suites=("$@")
# The longest first.
[ ${#suites[@]} -gt 0 ] || suites=(trixie bookworm trixie-itools)

# set_vendor intel|amd: the emulated CPU of a system's boots.  Both vendors
# run on any host: bookworm boots an Intel CPU, trixie-itools an AMD one
# (their initramfs, built in a chroot, hold every vendor file), and trixie
# one of the host's vendor, for which dracut builds the early microcode
# archive that Xen's ucode=scan reads.
set_vendor() {
	case $1 in
	amd)
		cpu=EPYC fw=amd-ucode/microcode_amd_fam17h.bin
		# EPYC under TCG runs 0x1000065; the patch for its
		# equivalence id is 0x800126f.
		older=(amd-id 0x800126f 0x1000065) running=0x1000065 new=0x800126f
		# MWAIT idle faults under TCG; Xen would not try a patch it
		# has no digest for.
		xen_cpu_args="max_cstate=0 ucode=digest-check=0" ;;
	intel)
		cpu=Skylake-Server fw=intel-ucode/06-55-04 xen_cpu_args=""
		older=(intel-rev 1) running=0x1 new=0x2007006 ;;
	esac
}
# The driver's answer when Xen finds nothing newer than what the CPUs run
# or what it holds (ERE).
uptodate='nothing to do: the CPUs already run this revision or a newer one \(Xen: -17\)'
# moved FROM TO: Xen's line for a CPU it updated from FROM to TO (ERE)
moved() { echo "microcode: CPU[0-9]+ updated from revision $1 to $2"; }
# pcpus LOG STAGE: the physical CPUs the probe listed at STAGE
pcpus() { grep -c "MCXPROBE sysfs $2 xen_cpu" "$1"; }
host_vendor=intel
[ "$(sed -n 's/^vendor_id[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)" != AuthenticAMD ] || host_vendor=amd
# running: the emulated CPU's revision at power-on; new: the one Debian's
# file carries for it, which the test QEMU's CPUs take (tests/qemu.sh).
# Booted with ucode=take, a system's CPUs take microcode: the initramfs's
# load moves them from running to new.  Otherwise (QEMU as Debian ships it)
# every update Xen attempts fails: the failure paths.

mounted=()
cleanup() { local r; for r in "${mounted[@]}"; do umount_all "$r"; done; }
trap cleanup EXIT

ok() { result pass "[distro] $*"; }
bad() { result fail "[distro] $*"; }
# verdict DESC: pass if the command just before succeeded
verdict() { if [ $? -eq 0 ]; then ok "$1"; else bad "$1"; fi; }
check() { # DESC COMMAND...: pass if the command succeeds
	local d=$1
	shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}
took() { log "$1 took $((SECONDS - $2)) s"; echo "$1 $((SECONDS - $2))" >> "$out/times"; }
# step FUNC ARGS...: one part of a system's chroot checks, its time in
# $out/times under the system's name (what a chroot check costs, by part).
step() {
	local t0=$SECONDS rc
	"$@"
	rc=$?
	echo "  $suite chroot: $1 $((SECONDS - t0)) s" >> "$out/times"
	return $rc
}
# has FILE ERE: FILE has a line matching ERE
has() { grep -Eq -- "$2" "$1"; }
# first LOG ERE: line number of the first match, or a number past any line
first() { grep -nE -m1 -- "$2" "$1" | cut -d: -f1 | grep . || echo 999999999; }

build_deb() {
	local t=$SECONDS lint
	local src=${DISTRO_SRC:-$top}
	if ! make -C "$src" deb >"$out/deb.log" 2>&1; then
		bad "make deb builds the package (see $out/deb.log)"
		tail -n 20 "$out/deb.log" | sed 's/^/#   /'
		return 1
	fi
	took "package build" "$t"
	deb=$(compgen -G "$src/build/deb/microcode-xen-dkms_*_all.deb" | head -n1)
	dsc=$(compgen -G "$src/build/deb/microcode-xen_*.dsc" | head -n1)
	version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$src/dkms.conf")
	if [ -n "$deb" ] && [ -n "$dsc" ] && [[ $deb == *"_${version}"@(|~deb*)"_all.deb" ]]; then
		ok "make deb builds microcode-xen-dkms $(dpkg-deb -f "$deb" Version) (.deb and .dsc)"
	else
		bad "make deb builds microcode-xen-dkms $version (.deb and .dsc)"
		return 1
	fi
	check "the package is in contrib (it recommends non-free-firmware packages): Section contrib/kernel" \
		[ "$(dpkg-deb -f "$deb" Section)" = contrib/kernel ]
	check "the source declares the DKMS autopkgtest: Testsuite: autopkgtest-pkg-dkms" \
		grep -qx 'Testsuite: autopkgtest-pkg-dkms' "$dsc"
	check "the shipped dkms.conf has no deprecated CLEAN" \
		bash -c "dpkg-deb --fsys-tarfile '$deb' | tar -xOf - ./usr/src/microcode-xen-$version/dkms.conf | grep -q '^MAKE' &&
			! dpkg-deb --fsys-tarfile '$deb' | tar -xOf - ./usr/src/microcode-xen-$version/dkms.conf | grep -q '^CLEAN'"
	lint=$(lintian "$deb" "$dsc" 2>&1 | grep -v 'running with root privileges')
	if [ -z "$(grep -E '^[EW]: ' <<<"$lint")" ] && lintian -q "$deb" "$dsc" >/dev/null 2>&1; then
		ok "Debian 12's lintian ($(dpkg-query -W -f '${Version}' lintian)): no error and no warning on the .deb and the .dsc"
	else
		bad "Debian 12's lintian: no error and no warning on the .deb and the .dsc:"
		sed 's/^/#   /' <<<"$lint"
	fi
}

# The package for Debian 13, built there (make deb, in a copy of the
# trixie-build base): its debhelper puts the units and udev rules under
# /usr/lib, where bookworm's puts them under /lib, and its lintian checks
# it.  Run in the background (deb13_job) beside bookworm's test: the trixie
# systems wait for $out/deb13.path, which names the .deb (empty: none).
build_deb13() {
	local t=$SECONDS base root=$out/trixie-build v12 v13 dsc13
	local src=${DISTRO_SRC:-$top}
	base=$(base_dir trixie-build) || { bad "debootstrap the trixie-build base"; return 1; }
	umount_all "$root" 2>/dev/null
	rm -rf "$root"
	cp -a "$base" "$root"
	mkdir -p "$root/build/src"
	# As make deb does: git's files where $src is the top of a checkout.
	if (cd "$src" && git rev-parse --is-inside-work-tree >/dev/null 2>&1 && [ -z "$(git rev-parse --show-prefix)" ]); then
		(cd "$src" && git ls-files -z | tar --null -T - -cf -) | tar -C "$root/build/src" -xf -
	else
		tar -C "$src" --exclude=./build -cf - . | tar -C "$root/build/src" -xf -
	fi
	mount_all "$root"
	mounted+=("$root")
	in_root "$root" make -C /build/src deb >"$out/deb13.log" 2>&1
	check "make deb on Debian 13 builds microcode-xen-dkms (see $out/deb13.log)" [ $? -eq 0 ]
	deb13=$(compgen -G "$root/build/src/build/deb/microcode-xen-dkms_*_all.deb" | head -n1)
	dsc13=$(compgen -G "$root/build/src/build/deb/microcode-xen_*.dsc" | head -n1)
	[ -n "$deb13" ] && [ -n "$dsc13" ] || { tail -n 20 "$out/deb13.log" | sed 's/^/#   /'; return 1; }
	echo "$deb13" > "$out/deb13.path"
	took "package build on Debian 13" "$t"
	v12=$(dpkg-deb -f "$deb" Version) v13=$(dpkg-deb -f "$deb13" Version)
	check "each Debian release's build has its own version, in release order: $v12 < $v13" \
		bash -c "[ '$v12' = '${version}~deb12' ] && [ '$v13' = '${version}~deb13' ] && dpkg --compare-versions '$v12' lt '$v13'"
	check "Debian 12's debhelper puts the units and udev rules under /lib" \
		bash -c "dpkg-deb -c '$deb' | grep -q ' ./lib/systemd/system/microcode-xen.service\$' && dpkg-deb -c '$deb' | grep -q ' ./lib/udev/rules.d/60-microcode-xen.rules\$'"
	check "Debian 13's debhelper puts them under /usr/lib (merged /usr), none under /lib" \
		bash -c "dpkg-deb -c '$deb13' | grep -q ' ./usr/lib/systemd/system/microcode-xen.service\$' && dpkg-deb -c '$deb13' | grep -q ' ./usr/lib/udev/rules.d/60-microcode-xen.rules\$' && ! dpkg-deb -c '$deb13' | grep -q ' ./lib/'"
	local lint lv
	lv=$(in_root "$root" dpkg-query -W -f '${Version}' lintian)
	lint=$(in_root "$root" lintian "/build/src/build/deb/$(basename "$deb13")" "/build/src/build/deb/$(basename "$dsc13")" 2>&1 |
		grep -v 'running with root privileges')
	if [ -z "$(grep -E '^[EW]: ' <<<"$lint")" ]; then
		ok "Debian 13's lintian ($lv): no error and no warning on its .deb and .dsc"
	else
		bad "Debian 13's lintian ($lv): no error and no warning on its .deb and .dsc:"
		sed 's/^/#   /' <<<"$lint"
	fi
}
deb13_job() {
	rm -f "$out/deb13.path" "$out/deb13.count"
	(
		mounted=()
		trap cleanup EXIT
		npass=0 nfail=0
		build_deb13
		[ -e "$out/deb13.path" ] || : > "$out/deb13.path"
		echo "$npass $nfail" > "$out/deb13.count"
	) > "$out/deb13.out" 2>&1 &
	deb13_pid=$!
}
# wait_deb13: the Debian 13 build, once deb13_job has made it (in deb).
wait_deb13() {
	local i
	for ((i = 0; i < 1800; i++)); do
		[ ! -e "$out/deb13.path" ] || break
		sleep 1
	done
	deb=$(cat "$out/deb13.path" 2>/dev/null)
	[ -n "$deb" ] || { bad "the package built on Debian 13, which the trixie systems install"; return 1; }
}

# The package installed into a copy of the cached base.
install_pkg() { # SUITE ROOT
	local suite=$1 root=$2 kver log=$out/$1/install.log cmds rc mok sig crt
	# The README's two Install lines as they stand there, run in the
	# folder that holds the .deb; apt asks only if it must add packages.
	cmds=$(readme_lines '^    apt install intel-microcode' '^    apt install linux-headers-amd64 ') ||
		{ bad "$suite: the README has its two Install lines"; return 1; }
	printf 'y\ny\n' | in_root "$root" sh -ec "cd /tmp; $cmds" >"$log" 2>&1
	rc=$?
	kver=$(basename "$(compgen -G "$root/lib/modules/*-amd64" | head -n1)")
	check "$suite: the README's Install lines succeed ($(paste -sd';' <<<"$cmds" | sed 's/  *#[^;]*//g'))" [ $rc -eq 0 ]
	check "$suite: DKMS built and installed microcode-xen $version for $kver" \
		grep -Fxq "microcode-xen/$version, $kver, x86_64: installed" <(in_root "$root" dkms status)
	check "$suite: the installed module's version is $version, signed with DKMS's key" \
		[ "$(in_root "$root" modinfo -k "$kver" -F version microcode_xen)/$(in_root "$root" modinfo -k "$kver" -F signer microcode_xen)" = "$version/DKMS module signing key" ]
	# The key the README's Secure Boot line enrolls (mokutil itself needs
	# EFI): its certificate must be the one that signed the module
	# (modinfo's sig_key is the signer's serial number).
	mok=$(grep -o 'mokutil --import [^ ,)]*' "${DISTRO_SRC:-$top}/README" | cut -d' ' -f3)
	sig=$(in_root "$root" modinfo -k "$kver" -F sig_key microcode_xen | tr -d ':' | tr 'a-f' 'A-F' | sed 's/^0*//')
	crt=$(in_root "$root" openssl x509 -inform DER -in "${mok:-/nonexistent}" -noout -serial 2>/dev/null | sed 's/^serial=//; s/^0*//')
	[ -n "$sig" ] && [ "$sig" = "$crt" ]
	verdict "$suite: the README's mokutil --import ${mok:-(not found)} is the certificate that signed microcode_xen (serial ${crt:-none}, module's key ${sig:-none})"
	[ $rc -eq 0 ] || { tail -n 20 "$log" | sed 's/^/#   /'; return 1; }
}

# list_initrd ROOT KVER: the files in that kernel's initramfs
list_initrd() {
	if [ -x "$1/usr/bin/lsinitrd" ]; then
		in_root "$1" lsinitrd "/boot/initrd.img-$2" 2>/dev/null | awk '{print $NF}'
	else
		in_root "$1" lsinitramfs "/boot/initrd.img-$2"
	fi
}

# readme_lines FIRST [LAST]: the README's command lines from the one that
# matches FIRST to the one that matches LAST (extended regexps; LAST
# FIRST: that one line), unindented; nothing (and a failure) if either is
# not there.
readme_lines() {
	A=$1 B=${2:-$1} awk '!on && $0 ~ ENVIRON["A"] {on = 1}
		on {l = $0; sub(/^    /, "", l); print l; if ($0 ~ ENVIRON["B"]) {done = 1; exit}}
		END {exit !done}' "${DISTRO_SRC:-$top}/README"
}

# A GRUB line that boots Xen (ERE; Debian's 20_linux_xen writes multiboot2
# and a tab).
multiboot='^[[:space:]]*multiboot2?[[:space:]]'
# readme_grub ROOT: the README's grep for Xen's GRUB line with ucode=scan
# ("Setups"), run in ROOT: the line, or nothing.
readme_grub() {
	in_root "$1" sh -c "$(readme_lines "^    grep -m1 'multiboot")"
}

make_disk() { # SUITE ROOT: the root fs as a virtual disk, with the probe
	local t=$SECONDS root=$2 rc=0
	install -m 0755 "$here/distro/probe.sh" "$root/usr/local/sbin/mcx-probe"
	# The README's commands that name the vendor file and its package.
	readme_lines '^    f=\$\(awk' '^    ls /lib/firmware/\$file\*; dpkg -S' > "$root/usr/local/sbin/mcx-readme-file"
	# Those of "Check your host" and the Xen log line of "Setups".
	readme_lines '^    xl info \| grep' '^    grep -m4 -E' > "$root/usr/local/sbin/mcx-readme-host"
	readme_lines '^    xl dmesg \| grep -i microcode ' > "$root/usr/local/sbin/mcx-readme-xl-dmesg"
	# Runbook 1's look at dom0's log.
	readme_lines '^    dmesg \| grep microcode_xen' > "$root/usr/local/sbin/mcx-readme-runbook1"
	# Runbook 2's look at Xen's side.
	readme_lines "^    xl dmesg \\| grep -iE 'microcode" > "$root/usr/local/sbin/mcx-readme-runbook2-xl"
	# The "older" vendor file of the rollback runbook: a copy of the file
	# that claims the revision the emulated CPU runs, so that Xen 4.20's
	# forced load of it really succeeds.
	mkdir -p "$root/root/mcx-older/${fw%/*}"
	python3 "$here/tools/mkblobs.py" "${older[@]:0:1}" "$CACHE/fw/lib/firmware/$fw" \
		"$root/root/mcx-older/$fw" "${older[@]:1}" || { bad "$1: the older test file is made"; return 1; }
	install -m 0644 "$here/distro/mcx-probe.service" "$root/etc/systemd/system/"
	mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
	ln -sf /etc/systemd/system/mcx-probe.service "$root/etc/systemd/system/multi-user.target.wants/"
	# Housekeeping that the probe waits for and that has nothing to do
	# with the package: under TCG each holds the boot for 10 s to a
	# minute (e2scrub_reap and ldconfig seen at 36-85 s).  The package's
	# own units and udev are untouched.
	local u
	# xen-utils' xendomains.service (the guests) is not needed by
	# xen-ucode or the package either.
	for u in e2scrub_reap.service e2scrub_all.timer ldconfig.service getty-static.service \
		 apt-daily.timer apt-daily-upgrade.timer man-db.timer fstrim.timer \
		 logrotate.timer dpkg-db-backup.timer xendomains.service; do
		ln -sf /dev/null "$root/etc/systemd/system/$u"
	done
	# Nor xen.service (xenfs and xenstored), but the probe starts it for
	# the README's xl commands: disabled, not masked (a masked unit needs
	# a daemon-reload to start; Debian's init script exits at once while
	# it is masked).  trixie has the unit, bookworm only the init script.
	rm -f "$root/etc/systemd/system/multi-user.target.wants/xen.service" "$root"/etc/rc[2-5].d/S[0-9][0-9]xen
	umount_all "$root"
	rm -f "$out/$1/disk.img"
	truncate -s 4G "$out/$1/disk.img"
	# apt's downloaded packages (400 MB on bookworm, for the chroot's
	# checks) stay out of the disk: nothing in the VM installs any, and
	# mkfs.ext4 took 15 s with them, 10 s without.
	mv "$root/var/cache/apt/archives" "$out/$1/apt-archives"
	mkdir -p "$root/var/cache/apt/archives/partial"
	mkfs.ext4 -q -F -d "$root" "$out/$1/disk.img" || { bad "$1: mkfs.ext4 -d makes the disk"; rc=1; }
	rm -rf "$root/var/cache/apt/archives"
	mv "$out/$1/apt-archives" "$root/var/cache/apt/archives"
	[ "$rc" -eq 0 ] || return 1
	mount_all "$root"
	took "$1 disk image" "$t"
}

boot() { # SUITE XEN|none [NAME XEN-ARGS DOM0-ARGS]: boot the disk; serial log in $out/SUITE/boot-NAME.log
	local suite=$1 xen=$2 t=$SECONDS kver root=$out/$1/root rc=0
	local name=${3:-$2} extra=${4:-} dom0=${5:+ $5}
	local log=$out/$suite/boot-$name.log qemu qbin=qemu-system-x86_64 lflags=()
	if [ "${ucode:-stock}" = take ]; then
		qbin=$("$here/qemu.sh" path) || { bad "$suite: the test QEMU whose CPUs take microcode is built"; return 1; }
		lflags=(-L /usr/share/qemu -L /usr/share/seabios -L /usr/lib/ipxe/qemu)
	fi
	kver=$(basename "$(compgen -G "$root/lib/modules/*-amd64" | head -n1)")
	cp "$root/boot/vmlinuz-$kver" "$root/boot/initrd.img-$kver" "$out/$suite/"
	# No display and no network card: the probe needs neither, and under
	# TCG the framebuffer console and the NIC's probe cost boot time.
	# nosoftlockup: a vCPU that waits for the emulator on a busy host
	# reads as a soft lockup (seen: 23 s in the kernel's own module
	# decompression during udev's coldplug, with and without Xen), and
	# as an RCU stall after 21 s (seen in the same place with four VMs
	# on two cores): the stall report waits 120 s.  Hung tasks, longer
	# stalls, Oopses and BUGs are still reported and fail the boot below.
	local slow="nosoftlockup rcupdate.rcu_cpu_stall_timeout=120"
	# Xen's bootscrub=0: tests/vm.sh says why.  xpti=false: Xen's
	# Meltdown shield for PV guests, on by default for the emulated Intel
	# CPU, flushes the emulated TLB at every dom0 kernel entry: bookworm's
	# boot took 168 s with it, 130 s without (side by side).  The package
	# behaves the same either way; tests/run-vm.sh's Intel cases keep it
	# (all but harden-6.12-xen4.20).
	qemu=("$qbin" "${lflags[@]}" -machine q35 -accel "tcg,thread=${MCX_TCG_THREAD:-single}" -smp 2 -m 2048 -nographic -no-reboot
	      -vga none -nic none
	      -monitor none -serial "file:$log" -drive "file=$out/$suite/disk.img,format=raw,if=virtio")
	if [ "$xen" = none ]; then
		qemu+=(-cpu "$cpu" -kernel "$out/$suite/vmlinuz-$kver" -initrd "$out/$suite/initrd.img-$kver"
		       -append "root=/dev/vda rw console=ttyS0 panic=-1 $slow$dom0")
	else
		qemu+=(-cpu "$cpu" -kernel "$(xen_image "$xen")"
		       -append "console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all dom0_mem=1024M,max:1024M smap=0 bootscrub=0 xpti=false $xen_cpu_args $extra"
		       -initrd "$out/$suite/vmlinuz-$kver root=/dev/vda rw console=hvc0 earlyprintk=xen panic=-1 $slow$dom0,$out/$suite/initrd.img-$kver")
	fi
	log "$suite: booting $kver $([ "$xen" = none ] && echo "without Xen" || echo "under Xen $xen")$([ "${ucode:-stock}" = stock ] || echo ", CPUs that take microcode") (a few minutes under TCG)"
	rm -f "$log"
	timeout 900 "${qemu[@]}" </dev/null >"$out/$suite/qemu-$name.out" 2>&1 || rc=$?
	# The console ends lines with CR LF, lines fetched over HTTP add a CR.
	[ ! -e "$log" ] || sed -i 's/\r//g' "$log"
	took "$suite boot ($name)" "$t"
	# Where the boot's time went: the probe's parts, seconds after the
	# kernel's start.
	echo "  $(grep -o 'MCXPROBE at .*' "$log" | sed 's/^MCXPROBE at //' | paste -sd' ')" >> "$out/times"
	check "$suite: the boot $([ "$xen" = none ] && echo "without Xen" || echo "under Xen $xen") ran to the probe's end (QEMU status $rc)" \
		has "$log" "MCXPROBE done"
	# From the kernel's start of init on (the module runs in the
	# initramfs): tests/lib.sh's one list of crashes, warnings, hangs and
	# memory exhaustion, the kernel's and Xen's.  Earlier lines are the
	# kernel's own report of the emulated CPU ("RETBleed: WARNING").
	if sed -n '/Run \/init as init process/,$p' "$log" | grep -nE "$CRASH_RE" | grep -v MCXPROBE |
		head -n 5 | sed 's/^/#   /' | grep .; then
		bad "$suite ($xen): the log holds a kernel or Xen Oops, BUG, WARNING, panic, hung task or OOM kill"
	fi
	check "$suite: the kernel started init (its crash check reads from there)" has "$log" 'Run /init as init process'
}

check_xen_boot() { # SUITE XEN
	local suite=$1 xen=$2 log=$out/$1/boot-$2.log root=$out/$1/root revs mod mnt kmnt upd
	revs=$(python3 "$here/distro/ucode_revs.py" "$root/lib/firmware/$fw"* | paste -sd'|')
	mod=$(first "$log" 'MCXPROBE klog: microcode_xen: vendor file')
	upd=$(first "$log" "(update rev 0x[0-9a-f]+ to 0x0*($revs) |updated from revision 0x[0-9a-f]+ to 0x0*($revs))")
	# dom0's order from the probe's copy of the ring buffer; Xen's line
	# against the console's mount line (Xen prints a line whole, even where
	# it cuts one of dom0's, which Xen copies in 128-byte pieces).
	kmnt=$(first "$log" 'MCXPROBE klog: EXT4-fs \(vda\): mounted filesystem')
	mnt=$(first "$log" 'EXT4-fs \(vda\): mounted filesystem')
	[ "$mod" -lt "$kmnt" ] && [ "$kmnt" -lt 999999999 ]
	verdict "$suite/Xen $xen: microcode_xen loaded before the root fs was mounted (the probe's kernel log lines $mod < $kmnt)"
	check "$suite/Xen $xen: Xen tried $fw from the initramfs before the root mount (a revision of that file, line $upd < $mnt)" \
		[ "$upd" -lt "$mnt" ]
	check "$suite/Xen $xen: /sys/devices/system/xen_cpu marks the dom0" has "$log" "MCXPROBE dom0 yes"
	check "$suite/Xen $xen: in dom0 the module is loaded" has "$log" "MCXPROBE module loaded"
	check "$suite/Xen $xen: the README's commands find $fw, the driver's file, and the Debian package that ships it" \
		has "$log" "MCXPROBE readme vendor-file: /lib/firmware/$fw(\\|[^|]*)*\\|(intel-microcode|amd64-microcode): [^|]*/$fw(,|\\||\$)"
	if [ "${ucode:-stock}" = take ]; then
		check_success_boot "$suite" "$xen" "$log" "$revs"
	else
		# Emulated CPUs never change revision: Xen's apply fails (EIO, or
		# EBUSY with several CPUs), the proof that the whole file reached it.
		check "$suite/Xen $xen: echo 1 > reload answers with Xen's verdict" \
			has "$log" "MCXPROBE reload (ok|error: .*(I/O error|Input/output error|Device or resource busy))"
	fi
	check "$suite/Xen $xen: a microcode package trigger sends nothing by default" \
		has "$log" "MCXPROBE late-load off:[[:space:]]*\$"
	check "$suite/Xen $xen: late load on: the other vendor's package sends nothing" \
		has "$log" "MCXPROBE late-load other-vendor:[[:space:]]*\$"
	check "$suite/Xen $xen: late load on: a reinstall (file unchanged since the boot's load) sends nothing" \
		has "$log" "MCXPROBE late-load unchanged: microcode-xen: the microcode file for this CPU did not change: nothing sent\$"
	check "$suite/Xen $xen: late load on: a changed file is sent, with the module's answer" \
		has "$log" "MCXPROBE late-load changed: (microcode-xen: sent the new microcode file to Xen:|W: microcode-xen: Xen did not take the new microcode:)\|  "
	check "$suite/Xen $xen: late load on: the real file back is sent, Xen's verdict reported" \
		has "$log" "MCXPROBE late-load on: (microcode-xen: sent the new microcode file to Xen:|W: microcode-xen: Xen did not take the new microcode:)\|  "
	check "$suite/Xen $xen: late load on: in a chroot with the host's /sys nothing is sent" \
		has "$log" "MCXPROBE late-load chroot: microcode-xen: in a chroot: no late load\$"
	if [ "${ucode:-stock}" = stock ]; then
		# Exactly three attempts with the real file: the initramfs, the
		# reload, the late load of the file put back.
		check "$suite/Xen $xen: Xen tried the file three times: initramfs, reload, late load (not the trigger while off)" \
			[ "$(grep -cE "update rev 0x[0-9a-f]+ to 0x0*($revs) " "$log")" -eq 3 ]
	fi
	check "$suite/Xen $xen: microcode-xen.service is active, nothing failed" \
		has "$log" "MCXPROBE unit active condition=yes result=success"
	check "$suite/Xen $xen: no error from our units, modprobe or DKMS in the journal" \
		has "$log" "MCXPROBE journal-errors 0"
	grep 'MCXPROBE \(journal\|failed\|reload\|dmesg\|kernel-error\|late-load [a-z]*\|runbook[0-9].*\|metrics-log\):' "$log" | sed 's/^/#   /'
	check_runbooks "$suite" "$xen" "$log"
	check_metrics "$suite" "$xen" "$log"
	[ "${ucode:-stock}" = stock ] || check_xen_ucode "$suite" "$xen" "$log"
}

# Debian's xen-ucode loads the file behind the driver's back (after
# runbook 3's rollback on 4.20; on 4.17 the CPUs already run it), then the
# admin's reload: up to date, no partial update claimed, nothing changed by
# it; dom0's record and needrestart follow.
check_xen_ucode() { # SUITE XEN LOG
	local suite=$1 xen=$2 log=$3 ncpu n p="$1/Xen $2: xen-ucode"
	grep 'MCXPROBE \(xen-ucode\|needrestart\)' "$log" | sed 's/^/#   /'
	ncpu=$(pcpus "$log" boot)
	n=$(sed -n '/MCXPROBE needrestart force/,/MCXPROBE xen-ucode:/p' "$log" |
		grep -cE "$(moved "$running" "$new")")
	if [ "$xen" = 4.17 ]; then
		check "$p: Debian's xen-ucode ran, and Xen loaded nothing (the CPUs run $new since the boot)" \
			bash -c "grep -q 'MCXPROBE xen-ucode: exit ' '$log' && [ $n -eq 0 ]"
	else
		check "$p: xen-ucode --force FILE exits 0" has "$log" 'MCXPROBE xen-ucode: exit 0 '
		check "$p: Xen moved each of the $ncpu CPUs back from $running to $new ($n lines)" \
			[ "$ncpu" -ge 2 ] && [ "$n" -eq "$ncpu" ]
	fi
	check "$p: then echo 1 > reload succeeds" has "$log" 'MCXPROBE xen-ucode reload ok'
	if [ "$xen" = 4.17 ]; then
		check "$p: the driver says nothing to do (Xen: -17)" \
			has "$log" "MCXPROBE xen-ucode dmesg: microcode_xen: $fw: $uptodate\$"
	else
		check "$p: the driver says nothing to do (Xen: -17), $new before and after" \
			has "$log" "MCXPROBE xen-ucode dmesg: microcode_xen: $fw: $uptodate; boot CPU revision $new before, $new after\$"
		check "$p: the reload's uevent: result 0, no CPU changed by it, not mixed" \
			bash -c "grep -q 'MCXPROBE xen-ucode uevent: MICROCODE_RESULT=0\$' '$log' &&
				grep -q 'MCXPROBE xen-ucode uevent: MICROCODE_CHANGED=0\$' '$log' &&
				grep -q 'MCXPROBE xen-ucode uevent: MICROCODE_MIXED=0\$' '$log'"
	fi
	check "$p: no partial update is claimed: xen-ucode's work is not the reload's" \
		bash -c "grep -q 'MCXPROBE xen-ucode dmesg: ' '$log' && ! grep -q 'MCXPROBE xen-ucode dmesg: .*partial update' '$log'"
	check "$p: /proc/cpuinfo gives $new after the reload" has "$log" "MCXPROBE cpuinfo xen-ucode: $new\$"
	# needrestart's microcode check (needrestart -b -w) reads
	# /proc/cpuinfo: current (1) where the driver refreshed it.
	check "$p: needrestart's microcode check: current (NEEDRESTART-UCSTA: 1)" \
		has "$log" 'MCXPROBE needrestart xen-ucode: NEEDRESTART-UCSTA: 1( |$)'
}

# The initramfs's load on CPUs that take microcode, as on a real host: Xen
# moves every CPU from $running to $new before the root file system is
# mounted, the driver and dom0's own view say so, and every later attempt
# with the same file is "up to date": Xen loads nothing more.  REVS: the
# revisions Debian's file carries.
check_success_boot() { # SUITE XEN LOG REVS
	local suite=$1 xen=$2 log=$3 revs=$4 ncpu n mnt tag=prom
	! has "$log" 'MCXPROBE prom boot no-node-exporter' || tag=promfile
	ncpu=$(pcpus "$log" boot)
	mnt=$(first "$log" 'EXT4-fs \(vda\): mounted filesystem')
	n=$(head -n "$mnt" "$log" | grep -cE "$(moved "$running" "$new")")
	[ "$ncpu" -ge 2 ] && [ "$n" -eq "$ncpu" ]
	verdict "$suite/Xen $xen: Xen updated each of the $ncpu CPUs from $running to $new before the root mount ($n lines)"
	# Runbook 2's xl dmesg, run after the boot's load: Xen's update lines
	# and "cores are to update" lines, as many of each as the serial
	# console had by then (the probe counts them: echoed, they would count
	# as more updates here).
	local at u c xl
	at=$(first "$log" '^MCXPROBE readme runbook2 xl dmesg: ')
	u=$(head -n "$at" "$log" | grep -cE '\(XEN\).*microcode: CPU[0-9]+ updated from revision')
	c=$(head -n "$at" "$log" | grep -cE '\(XEN\) [0-9]+ cores are to update their microcode')
	xl=$(sed -n 's/^MCXPROBE readme runbook2 xl dmesg: //p' "$log")
	[ "$u" -ge "$ncpu" ] && [ "$c" -ge 1 ] && [[ $xl =~ ^[0-9]+\ lines,\ $u\ updated,\ $c\ cores-to-update$ ]]
	verdict "$suite/Xen $xen: runbook 2's xl dmesg | grep shows Xen's $u update lines and $c \"cores are to update\" lines, as the console had them ($xl)"
	if [ "$xen" = 4.17 ]; then
		# No revisions to tell on 4.17: Xen's answer alone.
		check "$suite/Xen $xen: the driver says Xen applied the initramfs's file" \
			has "$log" "MCXPROBE klog: microcode_xen: $fw: Xen applied the update\$"
	else
		check "$suite/Xen $xen: the driver says Xen applied the initramfs's file, $running before, $new after" \
			has "$log" "MCXPROBE klog: microcode_xen: $fw: Xen applied the update; boot CPU revision $running before, $new after\$"
		check "$suite/Xen $xen: and that all $ncpu physical CPUs run $new" \
			has "$log" "MCXPROBE klog: microcode_xen: all $ncpu physical CPUs run revision $new\$"
		check "$suite/Xen $xen: the metrics give every CPU $new after the boot" \
			[ "$(cpus_on "$log" $tag boot $new)" -eq "$ncpu" ]
	fi
	check "$suite/Xen $xen: /proc/cpuinfo's microcode field gives $new on every dom0 CPU after the load (not the boot's $running)" \
		has "$log" "MCXPROBE cpuinfo boot: $new\$"
	check "$suite/Xen $xen: needrestart's microcode check, which reads it: current (NEEDRESTART-UCSTA: 1)" \
		has "$log" 'MCXPROBE needrestart boot: NEEDRESTART-UCSTA: 1( |$)'
	check "$suite/Xen $xen: the metrics say the boot's load succeeded (errno 0, success 1)" \
		[ "$(prom "$log" boot microcode_xen_last_update_errno $tag)/$(prom "$log" boot microcode_xen_last_update_success $tag)" = 0/1 ]
	check "$suite/Xen $xen: echo 1 > reload succeeds: up to date" has "$log" "MCXPROBE reload ok"
	# 4.17's refusal of runbook 3's forced load is its one error line.
	[ "$xen" = 4.17 ] || check "$suite/Xen $xen: no kernel error of microcode_xen: the loads, reload and late loads all succeeded" \
		has "$log" "MCXPROBE kernel-errors 0"
	check "$suite/Xen $xen: the driver says nothing to do (Xen: -17), every CPU on $new" \
		has "$log" "MCXPROBE dmesg: .*microcode_xen: $fw: $uptodate"
	n=$(tail -n +"$mnt" "$log" | sed '/MCXPROBE runbook3 force/q' |
		grep -cE "updated from revision 0x[0-9a-f]+ to 0x0*($revs)|update rev 0x[0-9a-f]+ to 0x0*($revs) ")
	check "$suite/Xen $xen: after the root mount Xen loaded no revision of $fw again: reload and late loads were up to date ($n lines)" \
		[ "$n" -eq 0 ]
}

# The README's runbooks, walked on the booted system: what each says the
# admin sees.  No MCXPROBE line is anchored: a getty prompt may start the
# console line it lands on.
check_runbooks() { # SUITE XEN LOG
	local suite=$1 xen=$2 log=$3 a b c d h now=$running
	# On CPUs that take microcode the boot's load moved them to $new;
	# runbook 3's forced load of the older file moves them back.
	[ "${ucode:-stock}" = stock ] || now=$new
	# The README's dmesg | grep microcode_xen, after the boot's load and
	# reload: its lines as "[  12.345678] microcode_xen: ...".
	local r='MCXPROBE readme runbook1: \[[^]]*\] microcode_xen:'
	h=$(first "$log" "$r hypervisor: Xen ${xen//./\\.}")
	a=$(first "$log" "$r "'vendor file .* \(the physical boot CPU\)')
	b=$(first "$log" "$r "'[0-9]+ physical CPUs listed under /sys/devices/system/cpu/microcode')
	d=$(first "$log" "$r "'ready: /sys/devices/system/cpu/microcode/reload and /dev/cpu/microcode send microcode to Xen')
	if [ "$xen" = 4.17 ]; then
		# No third line at the load; the first read of xen_cpu* says why.
		c=$(first "$log" "$r "'this hypervisor cannot report microcode revisions \(Xen 4.18 and later can\)')
		[ "$a" -eq $((h + 1)) ] && [ "$b" -eq $((a + 1)) ] && [ "$d" -eq $((b + 1)) ] && [ "$d" -lt "$c" ] && [ "$c" -lt 999999999 ]
		verdict "$suite/Xen $xen: runbook 1: the README's dmesg | grep microcode_xen: the load's four lines in its order, then at the first xen_cpu read its note (log lines $h $a $b $d $c)"
	else
		c=$(first "$log" "$r "'all [0-9]+ physical CPUs run revision 0x')
		[ "$h" -lt "$a" ] && [ "$a" -lt "$b" ] && [ "$b" -lt "$c" ] && [ "$c" -lt "$d" ] && [ "$d" -lt 999999999 ]
		verdict "$suite/Xen $xen: runbook 1: the README's dmesg | grep microcode_xen: the load's five lines, in its order (log lines $h $a $b $c $d)"
	fi
	if [ "$xen" = 4.17 ]; then
		check "$suite/Xen $xen: runbook 2: xen_cpu*/version cannot be read on 4.17 (Operation not supported)" \
			has "$log" 'MCXPROBE runbook2 revisions: .*Operation not supported'
		check "$suite/Xen $xen: runbook 3: force_reload says \"Operation not supported\", as the README says for 4.17" \
			has "$log" 'MCXPROBE runbook3 force: .*Operation not supported'
		# After the late loads, which may update.
		check "$suite/Xen $xen: runbook 3: and Xen was not asked" \
			bash -c "! sed -n '/MCXPROBE late-load chroot/,\$p' '$log' | grep -q 'updated from revision'"
		return 0
	fi
	check "$suite/Xen $xen: runbook 2: sort | uniq -c of xen_cpu*/version is one line: every CPU on $now" \
		has "$log" "MCXPROBE runbook2 revisions: [0-9]+ $now\$"
	check "$suite/Xen $xen: runbook 3: the forced load of the older file prints \"taken\"" \
		has "$log" 'MCXPROBE runbook3 force: taken$'
	check "$suite/Xen $xen: runbook 3: dom0's log says the forced update and the revisions" \
		has "$log" "MCXPROBE runbook3 dmesg: microcode_xen: $fw: Xen applied the update \\(forced\\); boot CPU revision $now before, $running after\$"
	check "$suite/Xen $xen: runbook 3: and that all physical CPUs run it" \
		has "$log" "MCXPROBE runbook3 dmesg: microcode_xen: all [0-9]+ physical CPUs run revision $running\$"
	check "$suite/Xen $xen: runbook 3: xl dmesg's line: CPU0 updated from revision $now to $running" \
		has "$log" "\\(XEN\\) .*CPU0 updated from revision $now to $running"
	if [ "$now" != "$running" ]; then
		check "$suite/Xen $xen: runbook 3: /proc/cpuinfo follows the rollback: $running" \
			has "$log" "MCXPROBE cpuinfo force: $running\$"
		check "$suite/Xen $xen: runbook 3: and needrestart's microcode check sees it: obsolete (NEEDRESTART-UCSTA: 2)" \
			has "$log" 'MCXPROBE needrestart force: NEEDRESTART-UCSTA: 2( |$)'
	fi
}

# prom LOG STAGE METRIC [TAG]: the value node_exporter served for METRIC
# (name and labels as printed) at STAGE of the probe; TAG promfile: what the
# metrics program wrote where node_exporter is not installed.
# node_exporter prints numbers as floats (1.6777317e+07): as integers here.
# The value is the field after the name: a kernel line the console printed
# into the probe's line lands after it (awk reads "2[  61.8..." as 2).
prom() {
	grep -F "MCXPROBE ${4:-prom} $2 $3 " "$1" | sed "s/.*MCXPROBE ${4:-prom} $2 //" |
		awk '{printf "%.0f\n", $2; exit}'
}
# cpus_on LOG TAG STAGE REV: how many CPUs the metrics give revision REV
cpus_on() {
	grep -oE "MCXPROBE $2 $3 microcode_xen_cpu_revision\{cpu=\"[0-9]+\"\} .*" "$1" |
		awk '{printf "%.0f\n", $5}' | grep -cx "$(($4))"
}

# promtool, from Debian's trixie package, fetched once into the cache: it
# evaluates the package's example alerting rules.
# One fetch at a time (the mutants' "distro.sh package" runs beside
# make check's distro.sh); called in a command substitution, which ends
# the lock.
promtool_bin() {
	local d=$CACHE/promtool lock
	exec {lock}> "$CACHE/.lock-promtool"
	flock "$lock"
	if [ ! -x "$d/usr/bin/promtool" ]; then
		rm -rf "$d" "$d.tmp"
		mkdir -p "$d.tmp"
		if ! (cd "$d.tmp" && papt-get download -qq promtool/trixie) >/dev/null 2>&1 ||
			! dpkg-deb -x "$d.tmp"/promtool_*.deb "$d"; then
			rm -rf "$d" "$d.tmp"
			return 1
		fi
		rm -rf "$d.tmp"
	fi
	echo "$d/usr/bin/promtool"
}

# prom_series PROMFILE INSTANCE: the metrics of a textfile as promtool's
# input series, each held for 20 minutes.
prom_series() {
	local m v
	grep -v '^#' "$1" | grep . | while read -r m v; do
		case $m in
		*'}') m="${m%\}},instance=\"$2\"}" ;;
		*) m="$m{instance=\"$2\"}" ;;
		esac
		printf "      - series: '%s'\n        values: '%s+0x20'\n" "$m" "$(printf '%.0f' "$v")"
	done
}

# rules_test PROMFILE INSTANCE ERRNO MIXED: promtool evaluates the package's
# example alerting rules ($rules) on the metrics in PROMFILE: true if
# MicrocodeUpdateFailed fires, saying ERRNO, exactly when ERRNO is not empty
# and MicrocodeMixed exactly when MIXED is 1.
rules_test() {
	local f=$1.test.yml
	{
		printf 'rule_files: [%s]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n' "$rules"
		prom_series "$1" "$2"
		printf '    alert_rule_test:\n      - eval_time: 15m\n        alertname: MicrocodeUpdateFailed\n        exp_alerts:'
		if [ -n "$3" ]; then
			printf '\n          - exp_labels: {instance: "%s"}\n            exp_annotations:\n              summary: "%s: Xen refused the last microcode update (errno %s): see dmesg"\n' "$2" "$2" "$3"
		else
			printf ' []\n'
		fi
		printf '      - eval_time: 15m\n        alertname: MicrocodeMixed\n        exp_alerts:'
		if [ "$4" = 1 ]; then
			printf '\n          - exp_labels: {instance: "%s"}\n            exp_annotations:\n              summary: "%s: physical CPUs run different microcode; reboot"\n' "$2" "$2"
		else
			printf ' []\n'
		fi
	} > "$f"
	[ -n "${promtool:-}" ] && "$promtool" test rules "$f" > "$f.out" 2>&1
}

# The example alerting rules on the metrics the package's program writes for
# Xen releases the boots do not have (a made-up sysfs of two CPUs, as each
# release shows it): the alert is right on each.  Each line: the release
# (- for none in /sys/hypervisor), the last update's errno (- for none since
# the load), the two CPUs' revisions (- for a Xen that cannot tell), the
# errno MicrocodeUpdateFailed must say (- for none) and whether
# MicrocodeMixed fires.
alert_rules() {
	local d=$out/alerts m rel e revs xf xm c i r rv what
	rm -rf "$d"
	mkdir -p "$d"
	dpkg-deb -x "$deb" "$d/pkg"
	m=$d/pkg/usr/libexec/microcode-xen/metrics
	rules=$d/pkg/usr/share/doc/microcode-xen-dkms/examples/microcode-xen-alerts.yml
	if ! promtool=$(promtool_bin); then
		promtool=''
		bad "promtool (Debian's trixie package) is fetched into the cache"
		return 1
	fi
	if "$promtool" check rules "$rules" > "$d/check-rules.out" 2>&1; then
		ok "the package ships its example alerting rules, valid for promtool check rules"
	else
		bad "the package ships its example alerting rules, valid for promtool check rules"
		sed 's/^/#   /' "$d/check-rules.out"
	fi
	i=0
	while read -r rel e revs xf xm; do
		i=$((i + 1))
		c=$d/$i
		mkdir -p "$c/prom" "$c/misc" "$c/mod" "$c/mc/xen_cpu0" "$c/mc/xen_cpu1"
		if [ "$rel" != - ]; then
			mkdir -p "$c/hyp/version"
			echo xen > "$c/hyp/type"
			echo "${rel%%.*}" > "$c/hyp/version/major"
			r=${rel#*.}
			echo "${r%%.*}" > "$c/hyp/version/minor"
			echo ".${r#*.}" > "$c/hyp/version/extra"
		fi
		echo 0x50654 | tee "$c/mc/xen_cpu0/signature" > "$c/mc/xen_cpu1/signature"
		if [ "$revs" != - ]; then
			echo "${revs%/*}" > "$c/mc/xen_cpu0/version"
			echo "${revs#*/}" > "$c/mc/xen_cpu1/version"
		fi
		if [ "$e" = - ]; then
			echo 0 > "$c/misc/last_update_time"
			echo 0 > "$c/misc/last_update_result"
		else
			echo 1796000000 > "$c/misc/last_update_time"
			echo "-$e" > "$c/misc/last_update_result"
		fi
		MCX_PROM_DIR=$c/prom MCX_SYSFS=$c/mc MCX_MISC=$c/misc MCX_MODULE=$c/mod MCX_HYPERVISOR=$c/hyp \
			sh "$m" 2>/dev/null
		rv=${xf/#-/}
		# (No command substitution in verdict's words: it would set $?.)
		what="alert rules, Xen ${rel/#-/unknown}, errno ${e/#-/none}, revisions $revs: MicrocodeUpdateFailed"
		if [ -n "$rv" ]; then what+=" fires ($rv)"; else what+=" silent"; fi
		if [ "$xm" = 1 ]; then what+=", MicrocodeMixed fires"; else what+=", MicrocodeMixed silent"; fi
		rules_test "$c/prom/microcode_xen.prom" mcx-made-up "$rv" "$xm"
		verdict "$what"
		[ -z "$rv" ] || [ -s "$c/prom/microcode_xen.prom" ] || echo "#   no metrics written"
		grep -E 'FAILED|expected|got' "$c/prom/microcode_xen.prom.test.yml.out" 2>/dev/null | head -n 4 | sed 's/^/#   /'
	done <<-'EOF'
	4.17.7 16 - - 0
	4.17.7 5 - 5 0
	4.17.7 95 - 95 0
	4.17.7 0 - - 0
	4.17.5 16 - 16 0
	4.17.4 74 - - 0
	4.18.6 16 0x2007006/0x2007006 - 0
	4.19.3 16 0x2007006/0x2007006 16 0
	4.20.2 16 0x2007006/0x2007006 - 0
	4.20.5-pre 16 0x2007006/0x2007006 16 0
	4.20.5-pre 5 0x2007006/0x2007009 5 1
	4.20.5-pre 131 0x2007006/0x2007009 131 1
	4.20.5-pre - 0x2007006/0x2007006 - 0
	4.21.0 16 0x2007006/0x2007006 - 0
	4.21.1 16 0x2007006/0x2007006 16 0
	- 16 - - 0
	EOF
}

# The package's metrics as the real node_exporter serves them, against
# xen_cpuN as dom0 reads it, at the boot, after the reload and after the
# forced load of runbook 3.
check_metrics() { # SUITE XEN LOG
	local suite=$1 xen=$2 log=$3 st n rev sig bad_cpus ncpu t0 t1 t2 e
	if has "$log" 'MCXPROBE prom boot no-node-exporter'; then
		check "$suite/Xen $xen: without node_exporter the metrics program says so in the journal" \
			has "$log" 'MCXPROBE metrics-log: (microcode-xen-metrics: )?no /var/lib/prometheus/node-exporter \(prometheus-node-exporter is not installed\): no metrics written'
		check_xen_metrics "$suite" "$xen" "$log" promfile
		return 0
	fi
	for st in boot reload force; do
		check "$suite/Xen $xen: node_exporter serves microcode_xen_loaded 1 ($st)" \
			[ "$(prom "$log" $st microcode_xen_loaded)" = 1 ]
		bad_cpus="" ncpu=0
		while read -r _ _ n rev sig; do
			n=${n#xen_cpu}
			ncpu=$((ncpu + 1))
			# node_exporter sorts the labels.
			[ "$(prom "$log" $st "microcode_xen_cpu_revision{cpu=\"$n\"}")" = "$((rev))" ] &&
				grep -F "MCXPROBE prom $st microcode_xen_cpu_info{cpu=\"$n\"," "$log" |
				grep -F "signature=\"$sig\"" | grep -F "revision=\"$rev\"" | grep -q '} 1$' ||
				bad_cpus+=" $n"
		done < <(grep -o "MCXPROBE sysfs $st xen_cpu.*" "$log" | sed 's/^MCXPROBE //')
		[ "$ncpu" -ge 2 ] && [ -z "$bad_cpus" ] && [ "$(prom "$log" $st microcode_xen_cpus)" = "$ncpu" ]
		verdict "$suite/Xen $xen: the metrics give each of the $ncpu physical CPUs the revision and signature xen_cpuN reads ($st)"
		[ -z "$bad_cpus" ] || echo "#   CPUs that differ:$bad_cpus"
		check "$suite/Xen $xen: all CPUs run one revision: microcode_xen_mixed 0, microcode_xen_revisions 1 ($st)" \
			[ "$(prom "$log" $st microcode_xen_mixed)/$(prom "$log" $st microcode_xen_revisions)" = 0/1 ]
	done
	t0=$(prom "$log" boot microcode_xen_last_update_timestamp_seconds)
	t1=$(prom "$log" reload microcode_xen_last_update_timestamp_seconds)
	t2=$(prom "$log" force microcode_xen_last_update_timestamp_seconds)
	e=$(prom "$log" boot microcode_xen_last_update_errno)/$(prom "$log" reload microcode_xen_last_update_errno)/$(prom "$log" force microcode_xen_last_update_errno)
	[ "${t0:-0}" -gt 0 ] && [[ $e == @(5|16)/* ]]
	verdict "$suite/Xen $xen: at boot the metrics hold the initramfs load: a time and Xen's apply failure (errno $e)"
	[ "${t1:-0}" -gt "${t0:-0}" ] && [[ $e == */@(5|16)/* ]] && [ "$(prom "$log" reload microcode_xen_last_update_success)" = 0 ]
	verdict "$suite/Xen $xen: after the reload: a later time ($t0 -> $t1), its errno, success 0"
	[ "${t2:-0}" -ge "${t1:-0}" ] && [[ $e == */*/0 ]] && [ "$(prom "$log" force microcode_xen_last_update_success)" = 1 ]
	verdict "$suite/Xen $xen: after the forced update: its time ($t2), errno 0, success 1"
	check "$suite/Xen $xen: the metrics program logged nothing at boot (it had a folder and the module)" \
		bash -c "! grep -q 'MCXPROBE metrics-log: ' '$log'"
	check_xen_metrics "$suite" "$xen" "$log" prom
}

# Which Xen the host runs and what it can do, in the metrics, and the
# example alerts on them: at the boot, after the reload and after the forced
# load, MicrocodeUpdateFailed fires for Xen's apply failure except where
# this Xen gives the same answer for "up to date" (4.17.7: EBUSY), and
# MicrocodeMixed stays silent (every CPU on one revision).  TAG: prom
# (node_exporter) or promfile (the program's file, without node_exporter).
check_xen_metrics() { # SUITE XEN LOG TAG
	local suite=$1 xen=$2 log=$3 tag=$4 drv rel caps known ncpu st e amb xf what
	drv=$(sed -n 's/.*microcode_xen: hypervisor: Xen \([^ ]*\).*/\1/p' "$log" | head -n 1)
	rel=$(grep -oE "MCXPROBE $tag boot microcode_xen_xen_info\{release=\"[^\"]*\"\} 1" "$log" | sed 's/.*release="\([^"]*\)".*/\1/' | head -n 1)
	[ -n "$drv" ] && [ "$rel" = "$drv" ]
	verdict "$suite/Xen $xen: the metrics name the Xen release the driver logged: microcode_xen_xen_info{release=\"$rel\"} (driver: $drv)"
	ncpu=$(pcpus "$log" boot)
	case $xen in
	4.17) caps=0/0 known=0 ;;
	*) caps=1/1 known=$ncpu ;;
	esac
	check "$suite/Xen $xen: the metrics say what this Xen can do: reports revisions/can force $caps" \
		[ "$(prom "$log" boot microcode_xen_xen_reports_revisions $tag)/$(prom "$log" boot microcode_xen_xen_can_force $tag)" = "$caps" ]
	[ "$ncpu" -ge 2 ] && [ "$(prom "$log" boot microcode_xen_cpus $tag)/$(prom "$log" boot microcode_xen_cpus_revision_known $tag)" = "$ncpu/$known" ]
	verdict "$suite/Xen $xen: $ncpu physical CPUs listed, the revision of $known known"
	for st in boot reload force; do
		e=$(prom "$log" $st microcode_xen_last_update_errno $tag)
		# Xen 4.17.7 answers EBUSY for "up to date" too (nothing cached);
		# 4.20.4 (4.20.5-pre) has no such answer.
		amb=0 xf=''
		[ "$xen/$e" != 4.17/16 ] || amb=1
		[ "${e:-0}" = 0 ] || [ $amb = 1 ] || xf=$e
		what="$suite/Xen $xen: errno ${e:-none} ($st): microcode_xen_last_update_ambiguous $amb; promtool: MicrocodeUpdateFailed"
		if [ -n "$xf" ]; then what+=" fires"; else what+=" silent"; fi
		grep -oE "MCXPROBE $tag $st microcode_xen_.*" "$log" | sed "s/^MCXPROBE $tag $st //" > "$out/$suite/metrics-$st.prom"
		[ -n "$e" ] && [ "$(prom "$log" $st microcode_xen_last_update_ambiguous $tag)" = $amb ] &&
			rules_test "$out/$suite/metrics-$st.prom" "mcx-$suite" "$xf" 0
		verdict "$what, MicrocodeMixed silent"
	done
}

check_bare_boot() { # SUITE
	local log=$out/$1/boot-none.log
	check "$1/no Xen: no /sys/devices/system/xen_cpu" has "$log" "MCXPROBE dom0 no"
	check "$1/no Xen: the module is not loaded" has "$log" "MCXPROBE module absent"
	check "$1/no Xen: microcode-xen.service is skipped by its condition, not failed" \
		has "$log" "MCXPROBE unit inactive condition=no result=success"
	check "$1/no Xen: no error from our units, modprobe or DKMS in the journal" \
		has "$log" "MCXPROBE journal-errors 0"
	check "$1/no Xen: no kernel error of microcode_xen" has "$log" "MCXPROBE kernel-errors 0"
	check "$1/no Xen: nothing of ours on the console" \
		bash -c "! grep -v MCXPROBE '$log' | grep -qiE 'microcode_xen|microcode-xen'"
	grep 'MCXPROBE \(journal\|failed\):' "$log" | sed 's/^/#   /'
}

# The normal setup of the README (Setups, 1), as the package makes it: Xen's
# ucode=scan (the package's GRUB snippet) loads the early microcode archive
# at the front of the initramfs before dom0 starts; dom0's load from the
# initramfs, the fallback, finds the CPUs up to date, and no example alert
# fires.
scan_boot() { # SUITE XEN KVER
	local suite=$1 xen=$2 kver=$3 root=$out/$1/root log=$out/$1/boot-scan.log revs dom0 n ncpu
	touch "$root/etc/mcx-probe-scan"
	list_initrd "$root" "$kver" > "$out/$suite/initrd-scan.list"
	check "$suite: the early microcode archive is at the front of the initramfs (what ucode=scan reads)" \
		has "$out/$suite/initrd-scan.list" 'kernel/x86/microcode/(AuthenticAMD|GenuineIntel)\.bin$'
	make_disk "$suite" "$root" || return 1
	rm "$root/etc/mcx-probe-scan"
	# Xen's line as update-grub makes it with the package's snippet
	# (grub_checks), on CPUs that take microcode: Xen's boot-time load
	# really moves them, and dom0's load, the fallback, is up to date.
	local xl
	xl=$(grub_xen "$root")
	check "$suite/Xen $xen ucode=scan: Xen's options from the package's GRUB snippet: $xl" [ "$xl" = ucode=scan ]
	ucode=take boot "$suite" "$xen" scan "$xl" || return 1
	revs=$(python3 "$here/distro/ucode_revs.py" "$root/lib/firmware/$fw"* | paste -sd'|')
	# Debian's Xen 4.17 and 4.20 mark the start of dom0's build so.
	dom0=$(first "$log" '\*\*\* Building a PV Dom0 \*\*\*')
	check "$suite/Xen $xen ucode=scan: Xen's log marks where dom0's build starts" [ "$dom0" -lt 999999999 ]
	[ "$dom0" -lt 999999999 ] || dom0=0
	ncpu=$(pcpus "$log" scan)
	n=$(head -n "$dom0" "$log" | grep -cE "$(moved "$running" "$new")")
	[ "$dom0" -gt 0 ] && [ "$ncpu" -ge 2 ] && [ "$n" -eq "$ncpu" ]
	verdict "$suite/Xen $xen ucode=scan: Xen updated each of the $ncpu CPUs from $running to $new with $fw from the early archive, before dom0 started ($n lines)"
	check "$suite/Xen $xen ucode=scan: dom0's load from the initramfs sent the file: nothing to do (Xen: -17), every CPU on $new before and after" \
		has "$log" "MCXPROBE klog: microcode_xen: $fw: $uptodate; boot CPU revision $new before, $new after\$"
	[ "$dom0" -gt 0 ] && [ "$(tail -n +"$dom0" "$log" | grep -cE "update rev 0x[0-9a-f]+ to 0x0*($revs) |updated from revision")" -eq 0 ]
	verdict "$suite/Xen $xen ucode=scan: Xen loaded nothing after dom0 started: dom0's load and reload were up to date"
	check "$suite/Xen $xen ucode=scan: dom0's /proc/cpuinfo gives $new from its boot" \
		has "$log" "MCXPROBE cpuinfo scan: $new\$"
	check "$suite/Xen $xen ucode=scan: echo 1 > reload succeeds" has "$log" "MCXPROBE scan reload ok"
	check "$suite/Xen $xen ucode=scan: the driver says nothing to do (Xen: -17): Xen holds the patch it loaded at boot" \
		has "$log" "MCXPROBE scan dmesg: microcode_xen: $fw: $uptodate; boot CPU revision $new before, $new after\$"
	check "$suite/Xen $xen ucode=scan: and that all $ncpu physical CPUs run $new" \
		has "$log" "MCXPROBE scan dmesg: microcode_xen: all $ncpu physical CPUs run revision $new\$"
	n=$(sed -n 's/^MCXPROBE readme scan xl dmesg: //p' "$log")
	[[ $n =~ ^[0-9]+\ lines,\ $ncpu\ updated, ]]
	verdict "$suite/Xen $xen ucode=scan: the README's xl dmesg | grep -i microcode shows Xen's update of each of the $ncpu CPUs ($n)"
	check "$suite/Xen $xen ucode=scan: the module is loaded all the same, reload is there" \
		has "$log" "MCXPROBE module loaded"
	if ! has "$log" 'MCXPROBE prom scan no-node-exporter'; then
		[ "$(prom "$log" scan microcode_xen_last_update_timestamp_seconds)" -gt 0 ] 2>/dev/null &&
			[ "$(prom "$log" scan microcode_xen_last_update_errno)/$(prom "$log" scan microcode_xen_last_update_success)" = 0/1 ]
		verdict "$suite/Xen $xen ucode=scan: the metrics hold dom0's load: a time, errno 0, success 1"
		grep -oE "MCXPROBE prom scan microcode_xen_.*" "$log" | sed "s/^MCXPROBE prom scan //" > "$out/$suite/metrics-scan.prom"
		check "$suite/Xen $xen ucode=scan: promtool: no example alert fires (MicrocodeUpdateFailed, MicrocodeMixed)" \
			rules_test "$out/$suite/metrics-scan.prom" "mcx-$suite" "" 0
		check "$suite/Xen $xen ucode=scan: node_exporter serves $new for every CPU" \
			[ "$(cpus_on "$log" prom scan $new)" -eq "$ncpu" ]
	fi
	check "$suite/Xen $xen ucode=scan: no error from our units, modprobe or DKMS in the journal" \
		has "$log" "MCXPROBE journal-errors 0"
}

# rebuild ROOT KVER: that kernel's initramfs, by the system's generator;
# its output on standard output.
rebuild() {
	if [ -x "$1/usr/bin/lsinitrd" ]; then
		in_root "$1" dracut -f "/boot/initrd.img-$2" "$2" 2>&1
	else
		in_root "$1" update-initramfs -u -k "$2" 2>&1
	fi
}

# ucode_list LIST: the vendor files in an initramfs listing, sorted.
ucode_list() { grep -oE '(intel-ucode|amd-ucode)/[^/]+$' "$1" | sort -u; }

# MICROCODE_XEN_INITRAMFS's modes in the chroot: what each puts into the
# initramfs.  The chroot's CPU is the build machine's.
initramfs_modes() { # SUITE ROOT KVER
	local suite=$1 root=$2 kver=$3 d=$out/$1 all host m x ours='microcode_xen\.ko'
	# dracut's kernel-modules-extra carries every module of updates/: there
	# "added" means the hook that loads it.
	[ ! -x "$root/usr/bin/lsinitrd" ] || ours='pre-udev/10-microcode-xen\.sh'
	all=$(cd "$root/lib/firmware" && find intel-ucode amd-ucode -type f ! -name '*.initramfs' 2>/dev/null | sort)
	host=$(. "$top/packaging/share/functions"; MCX_FW=$root/lib/firmware; for x in $(mcx_host_names); do
		for m in "$x" "$x.xz" "$x.zst"; do [ ! -f "$MCX_FW/$m" ] || echo "$m"; done; done | sort -u)
	# auto, as installed: a chroot cannot tell the target's CPU, so every
	# Intel and AMD file.
	ucode_list "$d/initrd.list" > "$d/ucode-auto"
	check "$suite: MICROCODE_XEN_INITRAMFS=auto in a chroot: every Intel and AMD file ($(grep -c . <<<"$all")), whatever the build CPU" \
		[ "$(cat "$d/ucode-auto")" = "$all" ]
	cp "$root/etc/default/microcode-xen" "$d/default.saved"
	for m in host no; do
		sed -i "s/^MICROCODE_XEN_INITRAMFS=.*/MICROCODE_XEN_INITRAMFS=$m/" "$root/etc/default/microcode-xen"
		rebuild "$root" "$kver" > "$d/rebuild-$m.log"
		list_initrd "$root" "$kver" > "$d/initrd-$m.list"
		ucode_list "$d/initrd-$m.list" > "$d/ucode-$m"
	done
	cp "$d/default.saved" "$root/etc/default/microcode-xen"
	x=$(echo $host) # on one line
	if [ -n "$host" ]; then
		[ "$(cat "$d/ucode-host")" = "$host" ] && has "$d/initrd-host.list" 'microcode_xen\.ko'
		verdict "$suite: MICROCODE_XEN_INITRAMFS=host: the module and only this CPU's file ($x)"
	else
		# A build machine whose CPU Debian's packages have no file for
		# (seen: AMD family 1Ah, microcode_amd_fam1ah.bin).
		# The vendor's package is installed: the warning says so, and
		# does not ask for it.
		x=$(grep -o 'W: microcode-xen: no microcode file for this CPU under /lib/firmware ([^)]*); none of the files in [a-z]*-ucode/ is for it (a newer [a-z0-9]*-microcode may have one)' "$d/rebuild-host.log")
		[ ! -s "$d/ucode-host" ] && has "$d/initrd-host.list" 'microcode_xen\.ko' && [ -n "$x" ]
		verdict "$suite: MICROCODE_XEN_INITRAMFS=host, on a build CPU with no file in Debian's packages: the module, no vendor file, a warning that names the file and does not ask for the installed package ($x)"
	fi
	# all: the files auto put in above; what the hooks are given (no
	# rebuild of its own: an initramfs build takes a minute).
	sed -i "s/^MICROCODE_XEN_INITRAMFS=.*/MICROCODE_XEN_INITRAMFS=all/" "$root/etc/default/microcode-xen"
	x=$(in_root "$root" sh -c '. /usr/share/microcode-xen/functions; mcx_fw_files "$(mcx_initramfs_mode)"' 2>&1)
	cp "$d/default.saved" "$root/etc/default/microcode-xen"
	[ "$(sed 's|^/lib/firmware/||' <<<"$x" | sort)" = "$all" ]
	verdict "$suite: MICROCODE_XEN_INITRAMFS=all: every Intel and AMD file"
	[ ! -s "$d/ucode-no" ] && ! has "$d/initrd-no.list" "$ours"
	verdict "$suite: MICROCODE_XEN_INITRAMFS=no: neither the module (${ours//\\/}) nor a vendor file"
	# auto where no Xen hypervisor is installed: nothing, and no warning.
	mkdir -p "$d/xen-saved"
	mv "$root"/boot/xen-* "$d/xen-saved/"
	rebuild "$root" "$kver" > "$d/rebuild-noxen.log"
	list_initrd "$root" "$kver" > "$d/initrd-noxen.list"
	mv "$d"/xen-saved/* "$root/boot/"
	! has "$d/initrd-noxen.list" "$ours" && [ -z "$(ucode_list "$d/initrd-noxen.list")" ] &&
		! grep -q 'W: microcode-xen' "$d/rebuild-noxen.log"
	verdict "$suite: MICROCODE_XEN_INITRAMFS=auto without a Xen hypervisor package: nothing added, no warning"
}

# The maintainer scripts of an upgrade stop no unit: run in the chroot
# with a running systemd faked (/run/systemd/system) and its commands
# recorded, as dpkg runs them on an upgrade to the same version.
upgrade_scripts() { # SUITE ROOT
	local suite=$1 root=$2 c
	rm -rf "$root/tmp/mcx-ctl" "$root/tmp/mcx-stub"
	dpkg-deb -e "$deb" "$root/tmp/mcx-ctl"
	mkdir -p "$root/tmp/mcx-stub" "$root/run/systemd/system"
	for c in deb-systemd-invoke systemctl dkms; do
		printf '#!/bin/sh\necho "%s $*" >> /tmp/mcx-stub/calls\n' "$c" > "$root/tmp/mcx-stub/$c"
		chmod +x "$root/tmp/mcx-stub/$c"
	done
	for c in preinst prerm; do
		[ ! -e "$root/tmp/mcx-ctl/$c" ] ||
			in_root "$root" env PATH=/tmp/mcx-stub:/usr/sbin:/usr/bin:/sbin:/bin sh "/tmp/mcx-ctl/$c" upgrade "$version"
	done
	rmdir "$root/run/systemd/system" 2>/dev/null
	! grep -E '(deb-systemd-invoke|systemctl) .*(stop|restart)' "$root/tmp/mcx-stub/calls" 2>/dev/null
	verdict "$suite: an upgrade's preinst and prerm stop neither unit (they stay active until the next boot)"
	rm -rf "$root/tmp/mcx-ctl" "$root/tmp/mcx-stub"
}

# The switch that stops the load: microcode-xen.service disabled and no
# module in the initramfs; the probe then tries the second chance.
off_boot() { # SUITE XEN KVER
	local suite=$1 xen=$2 kver=$3 root=$out/$1/root log=$out/$1/boot-off.log revs n
	cp "$root/etc/default/microcode-xen" "$out/$suite/default.saved"
	sed -i 's/^MICROCODE_XEN_INITRAMFS=.*/MICROCODE_XEN_INITRAMFS=no/' "$root/etc/default/microcode-xen"
	in_root "$root" systemctl disable microcode-xen.service >/dev/null 2>&1
	rebuild "$root" "$kver" >/dev/null
	touch "$root/etc/mcx-probe-off"
	make_disk "$suite" "$root" || return 1
	rm "$root/etc/mcx-probe-off"
	cp "$out/$suite/default.saved" "$root/etc/default/microcode-xen"
	in_root "$root" systemctl enable microcode-xen.service >/dev/null 2>&1
	boot "$suite" "$xen" off || return 1
	check "$suite/Xen $xen: microcode-xen.service disabled: it never ran, nothing loaded microcode_xen" \
		has "$log" 'MCXPROBE off unit inactive started=0$'
	check "$suite/Xen $xen: ... and the module was absent until the probe loaded it" \
		has "$log" 'MCXPROBE module absent'
	if [ -d "$root/var/lib/prometheus/node-exporter" ]; then
		check "$suite/Xen $xen: the metrics unit still ran (node_exporter's folder is there)" \
			has "$log" 'MCXPROBE metrics-unit condition=yes result=success'
	else
		check "$suite/Xen $xen: the metrics unit is skipped without node_exporter's folder" \
			has "$log" 'MCXPROBE metrics-unit condition=no result=success'
	fi
	revs=$(python3 "$here/distro/ucode_revs.py" "$root/lib/firmware/$fw"* | paste -sd'|')
	check "$suite/Xen $xen: second chance: loaded without a vendor file, the module sent nothing" \
		has "$log" 'MCXPROBE second-chance before 0$'
	check "$suite/Xen $xen: second chance: the boot service then sends the root file system's file" \
		has "$log" 'MCXPROBE second-chance log: microcode-xen: microcode_xen is loaded \(initramfs\) but sent no update: sending'
	n=$(sed -n '/MCXPROBE second-chance before/,/MCXPROBE second-chance after/p' "$log" | grep -cE "update rev 0x[0-9a-f]+ to 0x0*($revs) ")
	has "$log" 'MCXPROBE second-chance after [1-9][0-9]*$' && [ "$n" -ge 1 ]
	verdict "$suite/Xen $xen: second chance: Xen tried $fw, the module's last update time is set ($n attempts)"
	grep 'MCXPROBE \(off\|second-chance\|metrics-unit\)' "$log" | sed 's/^/#   /'
}

# The boot loader's escape hatch (README, runbook 4):
# modprobe.blacklist=microcode_xen on dom0's command line, with every load
# path on (the module and the files in the initramfs, the boot service):
# none loads the module, each says why in one journal line; modprobe by hand
# loads it all the same, and takes microcode_xen.update_on_load=0 from the
# same command line: nothing reaches Xen in the whole boot.
blacklist_boot() { # SUITE XEN
	local suite=$1 xen=$2 root=$out/$1/root log=$out/$1/boot-blacklist.log revs
	touch "$root/etc/mcx-probe-blacklist"
	make_disk "$suite" "$root" || return 1
	rm "$root/etc/mcx-probe-blacklist"
	boot "$suite" "$xen" blacklist "" "modprobe.blacklist=microcode_xen microcode_xen.update_on_load=0" || return 1
	check "$suite/Xen $xen blacklist: dom0 booted with it on its command line" \
		has "$log" 'MCXPROBE blacklist cmdline .* modprobe\.blacklist=microcode_xen '
	check "$suite/Xen $xen blacklist: nothing loaded microcode_xen at boot (initramfs, boot service, udev)" \
		has "$log" 'MCXPROBE module absent'
	check "$suite/Xen $xen blacklist: microcode-xen.service ran and succeeded" \
		has "$log" 'MCXPROBE blacklist unit active result=success'
	# journalctl -b | grep 'microcode_xen not loaded', as the README has it.
	check "$suite/Xen $xen blacklist: the initramfs says why in the journal" \
		has "$log" 'MCXPROBE blacklist log: .* (microcode-xen: )?modprobe\.blacklist=microcode_xen on the kernel command line: microcode_xen not loaded \(initramfs\)$'
	check "$suite/Xen $xen blacklist: the boot service says why in the journal" \
		has "$log" 'MCXPROBE blacklist log: .* microcode-xen\[[0-9]+\]: microcode-xen: modprobe\.blacklist=microcode_xen on the kernel command line: microcode_xen not loaded$'
	check "$suite/Xen $xen blacklist: one line each" \
		[ "$(grep -c 'MCXPROBE blacklist log: ' "$log")" -eq 2 ]
	# journalctl -u adds systemd's own lines about the unit (Starting...,
	# Finished...): they are not the unit's.
	check "$suite/Xen $xen blacklist: the unit logged that line only" \
		[ "$(grep 'MCXPROBE blacklist unit-log: ' "$log" |
			grep -vcE 'unit-log: ((Starting|Started|Finished|Stopping|Stopped) |microcode-xen\.service: )')" -eq 1 ]
	check "$suite/Xen $xen blacklist: modprobe by hand loads it, update_on_load=0 from the command line, nothing sent" \
		has "$log" 'MCXPROBE blacklist by-hand loaded update_on_load=N last_update_time=0$'
	revs=$(python3 "$here/distro/ucode_revs.py" "$root/lib/firmware/$fw"* | paste -sd'|')
	check "$suite/Xen $xen blacklist: Xen was sent nothing in the whole boot" \
		bash -c "! grep -qE 'update rev 0x[0-9a-f]+ to 0x0*($revs) ' '$log'"
	check "$suite/Xen $xen blacklist: no error from our units, modprobe or DKMS in the journal" \
		has "$log" "MCXPROBE journal-errors 0"
	grep 'MCXPROBE \(blacklist\|journal\|failed\)' "$log" | sed 's/^/#   /'
	readme_host "$suite" "$xen" "$log"
}

# The README's "Check your host" as the probe ran it in a dom0 with no
# microcode_xen loaded (the blacklist boot): each command's answer.
readme_host() { # SUITE XEN LOG
	local suite=$1 xen=$2 log=$3 kver v r="MCXPROBE readme host: "
	local h="$1/Xen $2: the README's host check"
	kver=$(basename "$(compgen -G "$out/$suite/root/lib/modules/*-amd64" | head -n1)")
	v=$(in_root "$out/$suite/root" dpkg-query -W -f '${Version}' "xen-hypervisor-$xen-amd64")
	grep -F "$r" "$log" | sed 's/^/#   /'
	check "$h: xl info gives Xen $xen.N and Xen's command line" \
		bash -c "grep -qE '^$r""xen_version +: ${xen//./\\.}\\.[0-9]' '$log' && grep -qE '^$r""xen_commandline +: .*console=com1' '$log'"
	check "$h: dpkg-query names Debian's Xen package, $v" grep -qxF "$r""xen-hypervisor-$xen-amd64"$'\t'"$v" "$log"
	check "$h: uname -r gives the dom0 kernel, $kver" grep -qxF "$r$kver" "$log"
	check "$h: its config has CONFIG_XEN_DOM0=y" grep -qxF "$r""CONFIG_XEN_DOM0=y" "$log"
	check "$h: the guest type is PV" grep -qxF "$r""PV" "$log"
	check "$h: ls -d lists xen_cpu0 and xen_cpu1" \
		bash -c "grep -qxF '$r/sys/devices/system/xen_cpu/xen_cpu0' '$log' && grep -qxF '$r/sys/devices/system/xen_cpu/xen_cpu1' '$log'"
	check "$h: the kernel's microcode directory is absent, as the README says of $kver" \
		grep -qxF "$r""ls: cannot access '/sys/devices/system/cpu/microcode': No such file or directory" "$log"
	check "$h: /proc/cpuinfo's four lines name the CPU (${cpu})" \
		bash -c "[ \$(grep -cE '^$r(vendor_id|cpu family|model|stepping)[[:space:]]*: ' '$log') -eq 4 ] &&
			grep -qE '^$r""vendor_id[[:space:]]*: $([ "$cpu" = EPYC ] && echo AuthenticAMD || echo GenuineIntel)\$' '$log'"
}

# The package's removal never fails because its initramfs rebuild does, nor
# on a leftover initrd.img-X.bak; the rebuild the warning names then works.
# The rebuild fails only when this package's maintainer script runs it: the
# generator's own trigger (initramfs-tools rebuilds the newest kernel's) is
# its own business.
remove_failing_rebuild() { # SUITE ROOT KVER
	local suite=$1 root=$2 kver=$3 o rc
	cp "$root/boot/initrd.img-$kver" "$root/boot/initrd.img-$kver.bak"
	if [ -x "$root/usr/bin/lsinitrd" ]; then
		# dracut sources its configuration (bash).
		echo '[ "$DPKG_MAINTSCRIPT_PACKAGE" != microcode-xen-dkms ] || add_dracutmodules+=" mcx-no-such-module "' \
			> "$root/etc/dracut.conf.d/99-mcx-fail.conf"
	else
		printf '#!/bin/sh\n[ "$1" = prereqs ] && exit 0\n[ "$DPKG_MAINTSCRIPT_PACKAGE" = microcode-xen-dkms ] || exit 0\necho "mcx test: this hook fails" >&2\nexit 1\n' \
			> "$root/etc/initramfs-tools/hooks/00-mcx-fail"
		chmod +x "$root/etc/initramfs-tools/hooks/00-mcx-fail"
	fi
	# A system GRUB boots, whose update-grub fails (in /usr/sbin: apt runs
	# dpkg with its DPkg::Path, which has no /usr/local).  Where the system
	# has GRUB's own (trixie-itools), that runs first.
	local real=$root/usr/sbin/update-grub.mcx-real
	if [ -e "$root/usr/sbin/update-grub" ]; then
		mv "$root/usr/sbin/update-grub" "$real"
	else
		mkdir -p "$root/boot/grub"
		touch "$root/boot/grub/grub.cfg"
	fi
	printf '#!/bin/sh\n[ ! -x %s ] || %s >/dev/null 2>&1\necho "mcx test: update-grub ran" >&2\nexit 1\n' \
		"${real#"$root"}" "${real#"$root"}" > "$root/usr/sbin/update-grub"
	chmod +x "$root/usr/sbin/update-grub"
	o=$(in_root "$root" apt-get remove -y microcode-xen-dkms 2>&1); rc=$?
	rm -f "$root/etc/dracut.conf.d/99-mcx-fail.conf" "$root/etc/initramfs-tools/hooks/00-mcx-fail" \
		"$root/boot/initrd.img-$kver.bak" "$root/usr/sbin/update-grub"
	if [ -e "$real" ]; then
		mv "$real" "$root/usr/sbin/update-grub"
		grep -qE "$multiboot" "$root/boot/grub/grub.cfg" && [ -z "$(readme_grub "$root")" ]
		verdict "$suite: after apt remove GRUB's update-grub left no ucode=scan on Xen's line in grub.cfg (README, Uninstall)"
	else
		rm -rf "$root/boot/grub"
	fi
	[ $rc -eq 0 ] && grep -qE 'W: microcode-xen-dkms: (update-initramfs|dracut) failed' <<<"$o"
	verdict "$suite: apt remove succeeds when the initramfs rebuild fails (and beside initrd.img-$kver.bak), with a warning"
	[ $rc -eq 0 ] && grep -q 'mcx test: update-grub ran' <<<"$o" &&
		grep -q 'W: microcode-xen-dkms: update-grub failed; run: update-grub' <<<"$o"
	verdict "$suite: apt remove runs update-grub (Xen's line loses ucode=scan); its failure is a warning"
	check "$suite: after apt remove the GRUB snippet, a conffile left behind, adds nothing to Xen's line" \
		[ -f "$root/etc/default/grub.d/zz-microcode-xen.cfg" ] && [ -z "$(grub_xen "$root")" ]
	grep -E 'microcode-xen|mcx test|E: ' <<<"$o" | sort -u | head -n 6 | sed 's/^/#   /'
	# What the warning says to run.
	if [ -x "$root/usr/bin/lsinitrd" ]; then
		for k in "$root"/lib/modules/*; do in_root "$root" dracut -q --force "/boot/initrd.img-${k##*/}" "${k##*/}"; done
	else
		in_root "$root" update-initramfs -u -k all >/dev/null 2>&1
	fi
}

# Bad input, a second kernel and the purge, in the chroot of the system.
# The source's "Testsuite: autopkgtest-pkg-dkms", as Debian's CI runs it:
# dkms's own dkms-autopkgtest purges the package, installs it again from
# an apt repository (here a local one holding the .deb) and builds and
# installs the module for every kernel with headers.
autopkgtest_dkms() { # SUITE ROOT
	local suite=$1 root=$2 o rc kver list=/etc/apt/sources.list.d/mcx-local.list
	mkdir -p "$root/srv/mcx-repo"
	cp "$deb" "$root/srv/mcx-repo/"
	(cd "$root/srv/mcx-repo" && dpkg-scanpackages -m . 2>/dev/null > Packages)
	echo 'deb [trusted=yes] file:/srv/mcx-repo ./' > "$root$list"
	# Only the local repository: no network.
	in_root "$root" apt-get update -qq -o Dir::Etc::SourceList="$list" -o Dir::Etc::SourceParts=- \
		-o APT::Get::List-Cleanup=0 >/dev/null 2>&1
	o=$(in_root "$root" /usr/lib/dkms/dkms-autopkgtest microcode-xen-dkms 2>&1); rc=$?
	echo "$o" > "$out/$suite/autopkgtest.log"
	rm -rf "$root$list" "$root/srv/mcx-repo"
	kver=$(basename "$(compgen -G "$root/lib/modules/*-amd64" | head -n1)")
	[ $rc -eq 0 ] && grep -qx "I: PASS microcode-xen/$version $kver" <<<"$o" && ! grep -q '^I: FAIL' <<<"$o"
	verdict "$suite: Debian's DKMS autopkgtest (dkms-autopkgtest) passes: microcode-xen/$version built and installed for $kver"
	grep -E '^(E: |I: (PASS|FAIL|SKIP) )' <<<"$o" | head -n 5 | sed 's/^/#   /'
	check "$suite: after it the package is installed, its module built for $kver" \
		grep -Fxq "microcode-xen/$version, $kver, x86_64: installed" <(in_root "$root" dkms status)
}

# grub_xen ROOT: Xen's default command line as update-grub reads it in
# ROOT: grub-mkconfig sources /etc/default/grub, then each
# /etc/default/grub.d/*.cfg in order, and 20_linux_xen puts
# GRUB_CMDLINE_XEN_DEFAULT on Xen's line of the default entries.  Warnings
# on standard error.
grub_xen() {
	in_root "$1" sh -c 'if test -f /etc/default/grub; then . /etc/default/grub; fi
		for x in /etc/default/grub.d/*.cfg; do if [ -e "$x" ]; then . "$x"; fi; done
		echo "${GRUB_CMDLINE_XEN_DEFAULT-}"'
}

# The package's GRUB snippet: Xen loads the microcode at boot (ucode=scan)
# unless the admin says otherwise; the boot itself is scan_boot's.
grub_checks() { # SUITE ROOT
	local suite=$1 root=$2 def=$2/etc/default/microcode-xen o
	cp "$def" "$out/$suite/default.grub-saved"
	check "$suite: update-grub would give Xen ucode=scan: GRUB_CMDLINE_XEN_DEFAULT is 'ucode=scan'" \
		[ "$(grub_xen "$root")" = ucode=scan ]
	echo 'GRUB_CMDLINE_XEN_DEFAULT="dom0_mem=2G"' > "$root/etc/default/grub"
	o=$(grub_xen "$root")
	check "$suite: ucode=scan is added to the admin's own Xen options in /etc/default/grub ($o)" \
		[ "$o" = "dom0_mem=2G ucode=scan" ]
	# Debian's xen.cfg offers the line commented out; set there, it
	# replaces /etc/default/grub's, and ours, read after it, still adds.
	echo 'GRUB_CMDLINE_XEN_DEFAULT="dom0_max_vcpus=2"' > "$root/etc/default/grub.d/xen.cfg"
	o=$(grub_xen "$root")
	check "$suite: and to those set in Debian's xen.cfg, which is read before it ($o)" \
		[ "$o" = "dom0_max_vcpus=2 ucode=scan" ]
	rm "$root/etc/default/grub.d/xen.cfg"
	echo 'GRUB_CMDLINE_XEN_DEFAULT="dom0_mem=2G ucode=no-scan"' > "$root/etc/default/grub"
	o=$(grub_xen "$root")
	check "$suite: an admin's own ucode= option is kept, nothing added ($o)" \
		[ "$o" = "dom0_mem=2G ucode=no-scan" ]
	rm "$root/etc/default/grub"
	sed -i 's/^MICROCODE_XEN_SCAN=.*/MICROCODE_XEN_SCAN=no/' "$def"
	check "$suite: MICROCODE_XEN_SCAN=no leaves Xen's command line alone" [ -z "$(grub_xen "$root")" ]
	cp "$out/$suite/default.grub-saved" "$def"
	sed -i 's/^MICROCODE_XEN_LOAD=.*/MICROCODE_XEN_LOAD=no/' "$def"
	check "$suite: MICROCODE_XEN_LOAD=no, the one switch, stops Xen's load at boot too" [ -z "$(grub_xen "$root")" ]
	cp "$out/$suite/default.grub-saved" "$def"
	echo MICROCODE_XEN_SCAN=maybe >> "$def"
	o=$(grub_xen "$root" 2>&1)
	[ "$(tail -n 1 <<<"$o")" = ucode=scan ] && grep -q 'MICROCODE_XEN_SCAN=maybe is not one of: yes no; using yes' <<<"$o"
	verdict "$suite: a bad MICROCODE_XEN_SCAN gives the warning and the default"
	cp "$out/$suite/default.grub-saved" "$def"
	[ -x "$root/usr/sbin/update-grub" ] || return 0
	# With GRUB's own update-grub: the README's way to turn it off, its
	# two commands as they stand there, then back on.
	o=$(in_root "$root" sh -c "$(readme_lines "^    sed -i 's/\\^MICROCODE_XEN_SCAN=" '^    update-grub ')" 2>&1)
	[ $? -eq 0 ] && grep -qE "$multiboot" "$root/boot/grub/grub.cfg" && [ -z "$(readme_grub "$root")" ]
	verdict "$suite: the README's MICROCODE_XEN_SCAN=no and update-grub take ucode=scan off Xen's line in grub.cfg"
	cp "$out/$suite/default.grub-saved" "$def"
	in_root "$root" update-grub >/dev/null 2>&1
	check "$suite: update-grub with the default puts it back" [ -n "$(readme_grub "$root")" ]
}

# initrd_fw_is_root SUITE ROOT KVER: the initramfs's $fw is the one in
# ROOT's /lib/firmware.
initrd_fw_is_root() {
	local d=$out/$1/initrd-unpacked f
	rm -rf "$d"
	in_root "$2" unmkinitramfs "/boot/initrd.img-$3" "/tmp/mcx-unpacked" >/dev/null 2>&1
	mv "$2/tmp/mcx-unpacked" "$d" 2>/dev/null
	f=$(find "$d" -path "*/firmware/$fw" | head -n 1)
	[ -n "$f" ] && cmp -s "$f" "$2/lib/firmware/$fw"
	local rc=$?
	rm -rf "$d"
	return $rc
}

# Runbook 3's package steps, its commands as the README has them (but
# force_reload, which the boots run): the older intel-microcode (in the
# base's apt cache), iucode_tool -l on its file, the hold, and the rebuilt
# initramfs, which must hold the older package's file.  Then runbook 2's
# apt upgrade, which brings the newer one back.
runbook3_apt() { # SUITE ROOT KVER
	local suite=$1 root=$2 kver=$3 old new o rc f
	old=$(cat "$root/.older-intel-microcode")
	new=$(in_root "$root" dpkg-query -W -f '${Version}' intel-microcode)
	# apt asks before a downgrade: the admin's "y".
	o=$(printf 'y\n' | in_root "$root" sh -c "$(readme_lines '^    apt install --allow-downgrades' '^    update-initramfs -u -k all' |
		grep -v force_reload | sed "s/OLD-VERSION/$old/")" 2>&1); rc=$?
	[ $rc -eq 0 ] && [ "$(in_root "$root" dpkg-query -W -f '${Version}' intel-microcode)" = "$old" ]
	verdict "$suite: runbook 3: apt install --allow-downgrades intel-microcode=$old installs the older package"
	f=$(grep -E 'rev 0x[0-9a-f]+' <<<"$o" | head -n 1)
	echo "#   iucode_tool -l: $f"
	check "$suite: runbook 3: iucode_tool -l gives the revision of ${fw##*/}" [ -n "$f" ]
	check "$suite: runbook 3: apt-mark hold holds intel-microcode" \
		grep -qx intel-microcode <(in_root "$root" apt-mark showhold)
	check "$suite: runbook 3: the rebuilt initramfs holds the older package's $fw" \
		initrd_fw_is_root "$suite" "$root" "$kver"
	# Held, the package would stop runbook 2's upgrade and the purge.
	in_root "$root" apt-mark unhold intel-microcode >/dev/null
	# Runbook 2's apt upgrade as the README has it (the base is up to
	# date but for the downgrade); its "y" as above.
	o=$(printf 'y\n' | in_root "$root" sh -c "$(readme_lines '^    apt upgrade ')" 2>&1); rc=$?
	[ $rc -eq 0 ] && [ "$(in_root "$root" dpkg-query -W -f '${Version}' intel-microcode)" = "$new" ]
	verdict "$suite: runbook 2: apt upgrade brings intel-microcode $new back"
	grep -E '^(Inst|Unpacking|[0-9]+ upgraded)' <<<"$o" | head -n 4 | sed 's/^/#   /'
	check "$suite: runbook 2: and the initramfs the next boot sends holds its $fw" \
		initrd_fw_is_root "$suite" "$root" "$kver"
}

chroot_checks() { # SUITE ROOT KVER
	local suite=$1 root=$2 kver=$3 o rc k2 st
	# A broken default file: a warning, the default, a working initramfs.
	# The same rebuild takes the module option of runbook 4 along.
	cp "$root/etc/default/microcode-xen" "$out/$suite/default.saved"
	printf 'MICROCODE_XEN_INITRAMFS=sometimes\n((( not shell\nexport MICROCODE_XEN_LOAD=no\nMICROCODE_XEN_INITRAMFS = no\n' >> "$root/etc/default/microcode-xen"
	echo 'options microcode_xen update_on_load=0' > "$root/etc/modprobe.d/microcode-xen.conf"
	o=$(rebuild "$root" "$kver")
	rc=$?
	local nw
	nw=$(grep -c 'MICROCODE_XEN_INITRAMFS=sometimes is not one of: auto host all no; using auto' <<<"$o")
	[ $rc -eq 0 ] && [ "$nw" -ge 1 ] && has <(list_initrd "$root" "$kver") 'microcode_xen\.ko'
	verdict "$suite: a bad value in /etc/default/microcode-xen gives a warning that names it and the default used, and the rebuild succeeds with the module ($nw warning lines)"
	grep -q 'line [0-9]*: "export MICROCODE_XEN_LOAD=no" is not MICROCODE_XEN_LOAD=VALUE: ignored' <<<"$o" &&
		grep -q 'line [0-9]*: "MICROCODE_XEN_INITRAMFS = no" is not MICROCODE_XEN_INITRAMFS=VALUE: ignored' <<<"$o"
	verdict "$suite: lines that name a setting and do not parse (export NAME=no, NAME = no) each get a warning"
	grep 'microcode-xen' <<<"$o" | sort -u | sed 's/^/#   /'
	cp "$out/$suite/default.saved" "$root/etc/default/microcode-xen"
	check "$suite: runbook 4: /etc/modprobe.d/microcode-xen.conf (update_on_load=0) is in the rebuilt initramfs" \
		has <(list_initrd "$root" "$kver") '^(\./)?etc/modprobe\.d/microcode-xen\.conf$'
	rm "$root/etc/modprobe.d/microcode-xen.conf"

	# The metrics program: each bad input ends with exit status 0 and one
	# line, and writes nothing it should not.
	local prog=/usr/libexec/microcode-xen/metrics d=$root/tmp/mcx-prom
	o=$(in_root "$root" env MCX_PROM_DIR=/nonexistent $prog 2>&1); rc=$?
	[ $rc -eq 0 ] && grep -qx 'microcode-xen-metrics: no /nonexistent (prometheus-node-exporter is not installed): no metrics written' <<<"$o"
	verdict "$suite: metrics without node_exporter's folder: exit status 0, one line ($o)"
	mkdir -p "$d"
	mount --bind "$d" "$d" && mount -o remount,bind,ro "$d"
	o=$(in_root "$root" env MCX_PROM_DIR=/tmp/mcx-prom $prog 2>&1); rc=$?
	umount "$d"
	[ $rc -eq 0 ] && grep -qx 'microcode-xen-metrics: cannot write to /tmp/mcx-prom: no metrics written' <<<"$o" && [ -z "$(ls -A "$d")" ]
	verdict "$suite: metrics into a read-only folder: exit status 0, one line, nothing written ($o)"
	# This host runs no microcode_xen.
	o=$(in_root "$root" env MCX_PROM_DIR=/tmp/mcx-prom $prog 2>&1); rc=$?
	[ $rc -eq 0 ] && grep -qx 'microcode-xen-metrics: microcode_xen is not loaded: only microcode_xen_loaded 0 written' <<<"$o" &&
		[ "$(grep -v '^#' "$d/microcode_xen.prom")" = "microcode_xen_loaded 0" ] && [ "$(ls -A "$d")" = microcode_xen.prom ]
	verdict "$suite: metrics without the module: exit status 0, one line, microcode_xen_loaded 0 ($o)"
	rm -rf "$d"
	# For the purge to remove: the file in node_exporter's own folder.
	if [ -d "$root/var/lib/prometheus/node-exporter" ]; then
		in_root "$root" $prog 2>/dev/null
		check "$suite: before the purge, microcode_xen.prom is in node_exporter's folder" \
			[ -f "$root/var/lib/prometheus/node-exporter/microcode_xen.prom" ]
	fi

	[ ! -e "$root/.older-intel-microcode" ] || step runbook3_apt "$suite" "$root" "$kver"

	# No microcode packages: a clear message, the module still goes in.
	o=$(in_root "$root" apt-get purge -y intel-microcode amd64-microcode 2>&1); rc=$?
	[ -x "$root/usr/bin/lsinitrd" ] && o+=$(in_root "$root" dracut -f "/boot/initrd.img-$kver" "$kver" 2>&1)
	[ $rc -eq 0 ] && grep -qE 'no microcode file (for this CPU )?under /lib/firmware.*install (intel-microcode or )?(intel|amd64)-microcode' <<<"$o" &&
		has <(list_initrd "$root" "$kver") 'microcode_xen\.ko'
	verdict "$suite: without microcode packages: a clear message, the removal succeeds, the module stays in the initramfs"
	grep 'microcode-xen' <<<"$o" | sort -u | sed 's/^/#   /'

	if [ "$suite" = bookworm ]; then
		# A second kernel without its headers: DKMS cannot build, the
		# kernel installs, the hook says why the module is missing.
		k2=$K612-amd64
		o=$(in_root "$root" apt-get install -y "$(second_kernel_image)" 2>&1); rc=$?
		[ $rc -eq 0 ] && grep -q "microcode_xen is not built for kernel $k2 (are linux-headers-$k2 and dkms installed?)" <<<"$o"
		verdict "$suite: a kernel without headers installs; the hook says why microcode_xen is not in its initramfs"
		grep -iE 'microcode-xen|dkms|headers' <<<"$o" | sort -u | head -n 8 | sed 's/^/#   /'
		# Its headers: DKMS builds the module for it by itself.
		o=$(in_root "$root" apt-get install -y "linux-headers-$k2" 2>&1); rc=$?
		st=$(in_root "$root" dkms status 2>&1)
		# 6.12 compresses its modules: microcode_xen.ko.xz
		[ $rc -eq 0 ] && compgen -G "$root/lib/modules/$k2/updates/dkms/microcode_xen.ko*" >/dev/null &&
			grep -Fxq "microcode-xen/$version, $k2, x86_64: installed" <<<"$st"
		verdict "$suite: installing the second kernel's headers makes DKMS build microcode_xen for $k2"
		sed 's/^/#   dkms status: /' <<<"$st"
		in_root "$root" update-initramfs -u -k "$k2" >/dev/null 2>&1
		check "$suite: the next update-initramfs puts it into $k2's initramfs" \
			has <(list_initrd "$root" "$k2") 'microcode_xen\.ko'
	fi

	step remove_failing_rebuild "$suite" "$root" "$kver"
	# Purge: nothing of ours is left, in files or in any initramfs.
	o=$(in_root "$root" apt-get purge -y microcode-xen-dkms 2>&1); rc=$?
	check "$suite: apt purge microcode-xen-dkms succeeds" [ $rc -eq 0 ]
	local left k
	left=$(cd "$root" && find etc usr lib var/lib/dkms var/lib/prometheus boot -path '*microcode[-_]xen*' 2>/dev/null)
	for k in "$root"/boot/initrd.img-*; do
		k=${k##*/initrd.img-}
		list_initrd "$root" "$k" | grep -E 'microcode[-_]xen|firmware/(amd|intel)-ucode' | sed "s|^|initrd $k: |"
	done > "$out/$suite/initrd-left"
	[ -z "$left" ] && [ ! -s "$out/$suite/initrd-left" ] &&
		! in_root "$root" dpkg-query -W microcode-xen-dkms >/dev/null 2>&1
	verdict "$suite: after the purge no module, hook, config file or initramfs content of ours is left"
	{ echo "$left"; cat "$out/$suite/initrd-left"; } | grep . | head -n 10 | sed 's/^/#   /'
}

suite_test() { # SYSTEM XEN
	local suite=$1 xen=$2 base root t kver
	t=$SECONDS
	base=$(base_dir "$suite") || { bad "$suite: debootstrap the base system"; return 1; }
	took "$suite base (cached after the first run)" "$t"
	root=$out/$suite/root
	umount_all "$root" 2>/dev/null
	rm -rf "${out:?}/${suite:?}"
	mkdir -p "$out/$suite"
	t=$SECONDS
	cp -a "$base" "$root"
	cp "$deb" "$root/tmp/"
	mount_all "$root"
	mounted+=("$root")
	# A system that GRUB boots (trixie-itools has GRUB's update-grub):
	# its grub.cfg, made before the package, boots Xen without ucode=scan.
	local grub= l
	if [ -x "$root/usr/sbin/update-grub" ]; then
		grub=y
		mkdir -p "$root/boot/grub"
		in_root "$root" update-grub > "$out/$suite/update-grub.log" 2>&1
		grep -qE "$multiboot.*/xen-$xen-amd64\.gz" "$root/boot/grub/grub.cfg" && [ -z "$(readme_grub "$root")" ]
		verdict "$suite: before the package, update-grub's grub.cfg boots Xen $xen; the README's grep finds no ucode=scan"
	fi
	install_pkg "$suite" "$root" || return 1
	if [ -n "$grub" ]; then
		l=$(readme_grub "$root")
		echo "#   grub.cfg: $l"
		check "$suite: apt install ran update-grub: the README's grep finds Xen's line with ucode=scan in grub.cfg" \
			grep -qE "$multiboot.*/xen-$xen-amd64\.gz .*ucode=scan" <<<"$l"
	fi
	took "$suite install" "$t"
	kver=$(basename "$(compgen -G "$root/lib/modules/*-amd64" | head -n1)")
	list_initrd "$root" "$kver" > "$out/$suite/initrd.list"
	check "$suite: the initramfs of $kver holds microcode_xen.ko" has "$out/$suite/initrd.list" 'microcode_xen\.ko'
	check "$suite: the initramfs of $kver holds $fw" has "$out/$suite/initrd.list" "firmware/$fw\$"
	check "$suite: the initramfs holds the functions its script reads the kernel command line with" \
		has "$out/$suite/initrd.list" '^(\./)?usr/share/microcode-xen/functions$'
	check "$suite: the initramfs holds no *.initramfs vendor file" \
		bash -c "! grep -q 'ucode/.*\.initramfs\$' '$out/$suite/initrd.list'"
	if [ -n "${DISTRO_NO_BOOT:-}" ]; then
		bad "$suite: the boots (skipped: DISTRO_NO_BOOT)"
	else
		# bookworm and Debian 13's default initramfs on CPUs that take
		# microcode (the success path a real host meets); trixie with
		# dracut on CPUs that never change revision (the failure paths).
		local ucode=take
		[ "$suite" != trixie ] || ucode=stock
		# The probe's xen-ucode step needs CPUs that take microcode.
		[ "$ucode" = stock ] || touch "$root/etc/mcx-probe-take"
		make_disk "$suite" "$root" || return 1
		rm -f "$root/etc/mcx-probe-take"
		boot "$suite" "$xen" && check_xen_boot "$suite" "$xen"
		ucode=stock
		# The initramfs-tools system of trixie: the Xen boots only.
		[ "$suite" = trixie-itools ] || { boot "$suite" none && check_bare_boot "$suite"; }
		[ "$suite" != trixie ] || scan_boot "$suite" "$xen" "$kver"
		# The switch that stops the load is proven on bookworm
		# (initramfs-tools) and trixie (dracut); Debian 13's default
		# generator boots the boot loader's escape hatch instead.
		if [ "$suite" = trixie-itools ]; then
			blacklist_boot "$suite" "$xen"
		else
			off_boot "$suite" "$xen" "$kver"
		fi
	fi
	t=$SECONDS
	# The boots are done, with the initramfs apt install made (Debian's
	# MODULES=most, dracut's defaults; "auto" is checked on it): from here
	# on the checks read only what the package adds (its hooks add the
	# module and its options themselves), so no other kernel module is
	# copied.  A rebuild of 6.1's took 23 s (1.6 s so), most for the
	# kernel's 3000 modules, and 4 min beside the rest on a slower
	# machine; these checks make about thirteen.  dracut's took 18 s of
	# CPU (11 s so).
	if [ -x "$root/usr/bin/lsinitrd" ]; then
		echo 'omit_dracutmodules+=" kernel-modules kernel-modules-extra "' > "$root/etc/dracut.conf.d/zz-mcx-test-modules.conf"
	elif [ -d "$root/etc/initramfs-tools/conf.d" ]; then
		echo MODULES=list > "$root/etc/initramfs-tools/conf.d/zz-mcx-test-modules"
	fi
	# trixie-itools has the same hook as bookworm.
	[ "$suite" = trixie-itools ] || step initramfs_modes "$suite" "$root" "$kver"
	step upgrade_scripts "$suite" "$root"
	[ "$suite" != trixie-itools ] || step autopkgtest_dkms "$suite" "$root"
	step grub_checks "$suite" "$root"
	step chroot_checks "$suite" "$root" "$kver"
	took "$suite chroot checks" "$t"
}

# system_test SYSTEM: one system's test in the background, its results in
# $out/SYSTEM.out and its counts in $out/SYSTEM.count.
system_test() {
	local s=$1
	(
		mounted=()
		trap cleanup EXIT
		npass=0 nfail=0
		case $s in
		bookworm) set_vendor intel; suite_test bookworm 4.17 ;;
		# Their bases first (on an empty cache, 4 to 7 min each beside
		# the Debian 13 build's own), then the package that build makes.
		trixie | trixie-itools)
			if ! (base_dir "$s" > /dev/null); then
				bad "$s: debootstrap the base system"
			elif wait_deb13; then
				if [ "$s" = trixie ]; then set_vendor "$host_vendor"; else set_vendor amd; fi
				suite_test "$s" 4.20
			fi ;;
		package) ;;
		*) bad "unknown system $s" ;;
		esac
		echo "$npass $nfail" > "$out/$s.count"
	) > "$out/$s.out" &
}

# collect NAME WHAT: the output of a part run in the background
# ($out/NAME.out), and its counts added to this script's.
collect() {
	local p f
	echo "# --- $2"
	cat "$out/$1.out"
	if read -r p f < "$out/$1.count"; then
		npass=$((npass + p)) nfail=$((nfail + f))
	else
		bad "$2: ran to its end ($out/$1.out)"
	fi
}

# All in one function: bash reads a script as it runs it, a function whole.
main() {
	local t0=$SECONDS s
	: > "$out/times"
	if build_deb; then
		deb13_job
		# Sets $promtool and $rules for the systems' checks.
		alert_rules
		for s in "${suites[@]}"; do
			rm -f "$out/$s.count" "$out/$s.out"
			while [ "$(jobs -rp | grep -vxc "$deb13_pid")" -ge "${DISTRO_JOBS:-3}" ]; do wait -n; done
			log "$s: started"
			system_test "$s"
		done
		wait
		collect deb13 "the package built on Debian 13, and its lintian"
		for s in "${suites[@]}"; do
			collect "$s" "$s"
		done
	fi
	took "distro.sh" "$t0"
	script_end
}
main
