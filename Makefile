# SPDX-License-Identifier: GPL-2.0
# v4v: build the module, the library and the tests; run them.
#
#   make                 v4v.ko for the running kernel (KVER=... for another)
#   make lib             libv4v (shared and static)
#   make tools           the command-line tools (v4v-ping, v4v-perf)
#   make check           every test tier (what CI runs); see README
#   make sandbox         boot Xen + dom0 + domU under QEMU and talk over Argo:
#                        messages, v4v-ping, v4v-perf, v4v-random
#   make bench-matrix    the benchmark matrix in the sandbox: v4v against
#                        AF_UNIX (dom0) and libxenvchan (domU to dom0), as
#                        JSON, a markdown table and a PNG
#   make bench           the ring benchmark against memcpy
#   make dkms-install    copy the module source to /usr/src/v4v-VERSION
#   make install         libv4v, its headers, pkg-config files, the tools and
#                        the man pages (1, 3, 7)
VERSION := $(shell cat VERSION)
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
DKMS_SRC := /usr/src/v4v-$(VERSION)
prefix ?= /usr/local
mandir ?= $(prefix)/share/man

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

module-clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

lib:
	$(MAKE) -C libv4v

tools: lib
	$(MAKE) -C tools

install: lib tools
	$(MAKE) -C libv4v install
	$(MAKE) -C tools install
	install -D -m 0644 Documentation/man/v4v.7 $(DESTDIR)$(mandir)/man7/v4v.7

check:
	bash selftests/run_all.sh

sandbox:
	bash selftests/vm/run.sh --mode sandbox

bench-matrix:
	bash selftests/vm/run.sh --mode matrix

bench:
	$(MAKE) -C selftests/bench bench

dkms-install:
	rm -rf $(DESTDIR)$(DKMS_SRC)
	install -d $(DESTDIR)$(DKMS_SRC)
	cp -a Kbuild VERSION dkms.conf module include $(DESTDIR)$(DKMS_SRC)/
	find $(DESTDIR)$(DKMS_SRC) \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' \
		-o -name '*.mod' -o -name '*.mod.c' -o -name modules.order \) -delete

clean:
	$(MAKE) -C libv4v clean
	$(MAKE) -C tools clean
	$(MAKE) -C selftests/bench clean
	$(MAKE) -C selftests/cunit clean
	$(MAKE) -C selftests/progs clean
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean

.PHONY: module module-clean lib tools install check sandbox bench-matrix bench dkms-install clean
