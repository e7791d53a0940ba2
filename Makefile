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

# Built from a copy of the tracked files (all files outside git), so that
# build outputs and local clutter never reach the source package.
deb:
	rm -rf build/deb
	mkdir -p build/deb/microcode-xen-$(VERSION)
	if git rev-parse --git-dir >/dev/null 2>&1; then git ls-files -z; \
	else find . -path ./build -prune -o -type f -print0; fi | \
		tar --null -T - -cf - | tar -C build/deb/microcode-xen-$(VERSION) -xf -
	cd build/deb/microcode-xen-$(VERSION) && dpkg-buildpackage -us -uc
	@ls build/deb/*.deb build/deb/*.dsc

.PHONY: all modules clean install check check-debug demo bench deb
