# SPDX-License-Identifier: GPL-2.0
#
# make                   build against the running kernel
# make KDIR=/path        build against another kernel's headers or build tree
# make check             set up and run all tests (tests/README)
# make check-debug       build the debug dom0 kernels (once) and run their VM tests
# make demo              set up, boot Xen in a VM, load the module, reload
# make bench             time the update paths against their limits and xen-ucode (BENCHMARKS.md)
# make deb               Debian source and binary package (microcode-xen-dkms) in build/deb
VERSION = $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
# The package's version names the Debian release it is built on (1.0.0~deb12
# on Debian 12, 1.0.0~deb13 on 13): each release's debhelper puts units and
# udev rules where that release wants them, so a package is built on the
# release it is for, and one apt repository holds a build for each.  Empty
# elsewhere (DEB_SUFFIX= for none).
DEB_SUFFIX ?= $(shell . /etc/os-release 2>/dev/null && [ "$$ID" = debian ] && [ -n "$${VERSION_ID:-}" ] && echo "~deb$$VERSION_ID")
KDIR ?= /lib/modules/$(shell uname -r)/build

all: modules

modules clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $@

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

check:
	@tests/run-all.sh

check-debug:
	@tests/check-debug.sh

demo:
	@tests/demo.sh

bench:
	@tests/setup.sh
	@tests/bench.sh

# Built from a copy of the tracked files (all files outside git, or where
# this tree is not the top of its git work tree: a copy of it inside
# another checkout), so that build outputs and local clutter never reach
# the source package.
deb:
	rm -rf build/deb
	mkdir -p build/deb/microcode-xen-$(VERSION)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && [ -z "$$(git rev-parse --show-prefix)" ]; then git ls-files -z; \
	else find . -path ./build -prune -o -type f -print0; fi | \
		tar --null -T - -cf - | tar -C build/deb/microcode-xen-$(VERSION) -xf -
	if [ -n "$(DEB_SUFFIX)" ]; then cd build/deb/microcode-xen-$(VERSION) && \
		. /etc/os-release && who=$$(dpkg-parsechangelog -S Maintainer) && \
		printf 'microcode-xen (%s%s) %s; urgency=medium\n\n  * Built on Debian %s (%s).\n\n -- %s  %s\n\n' \
			"$(VERSION)" "$(DEB_SUFFIX)" "$$VERSION_CODENAME" "$$VERSION_ID" "$$VERSION_CODENAME" "$$who" "$$(date -R)" | \
			cat - debian/changelog > debian/changelog.new && mv debian/changelog.new debian/changelog; fi
	cd build/deb/microcode-xen-$(VERSION) && dpkg-buildpackage -us -uc
	@ls build/deb/*.deb build/deb/*.dsc

.PHONY: all modules clean install check check-debug demo bench deb
