# SPDX-License-Identifier: GPL-2.0
#
# make                   build against the running kernel
# make KDIR=/path        build against another kernel's headers or build tree
# make check             set up and run all tests (tests/README)
# make demo              set up, boot Xen in a VM, load the module, reload
KDIR ?= /lib/modules/$(shell uname -r)/build

all: modules

modules clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $@

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

check:
	@tests/run-all.sh

demo:
	@tests/demo.sh

.PHONY: all modules clean install check demo
