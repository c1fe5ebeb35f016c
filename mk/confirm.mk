# SPDX-License-Identifier: GPL-2.0-only
## make kernel         the tree's own kernel, built from the full
##                     linux-source package (scripts/fetch-tree --full) with
##                     tinyconfig + confirm/kernel.config, under
##                     build/kernel/reference/ (not part of make check)
## make confirm [REV=v2] [REPROS="a.repro ..."]
##                     boot that kernel under QEMU (VT-d, vfio-pci devices)
##                     and run each reproducer there as a program from
##                     'bindsim to-selftest': confirmed / not confirmed /
##                     not expressible, with the kernel's log lines.
##                     REV=NAME rebuilds only iommufd.ko with
##                     revisions/tree/NAME.cocci applied (see confirm/README.md)

KFULL ?= build/kfull
KDIR := build/kernel/reference
KOBJ := $(abspath $(KDIR)/obj)
KSTAMP := $(KDIR)/stamp
# REV is shared with mk/fuzz.mk (empty there): confirm reads its own default
CONFIRM_REV := $(or $(REV),reference)
REPROS ?= $(sort $(wildcard tests/repro-tree/$(CONFIRM_REV)--*.repro \
			    confirm/repro/$(CONFIRM_REV)--*.repro))
# What make kernel and make confirm need beyond make check's packages.
CONFIRM_CMDS := flex bison bc cpio gzip qemu-system-x86_64 busybox spatch
CONFIRM_HDRS := gelf.h openssl/ssl.h

.PHONY: kernel confirm confirm-need confirm-tree

confirm-need:
	@missing=; \
	for c in $(CONFIRM_CMDS); do \
		command -v $$c >/dev/null || missing="$$missing $$c"; done; \
	for h in $(CONFIRM_HDRS); do \
		echo "#include <$$h>" | $(CC) -E -x c - >/dev/null 2>&1 || \
			missing="$$missing <$$h>"; done; \
	bb=$$(command -v busybox) && \
		readelf -l "$$(readlink -f $$bb)" | grep -q 'program interpreter' && \
		missing="$$missing busybox-static"; \
	if [ -n "$$missing" ]; then \
		echo "make kernel/confirm: missing:$$missing;" \
		     "install them with: BINDSIM_CONFIRM=1 scripts/setup" >&2; \
		exit 2; fi

confirm-tree:
	@test -f $(KFULL)/arch/x86/Kconfig || scripts/fetch-tree --full

kernel: confirm-need confirm-tree $(KSTAMP)

# tinyconfig, the fragment, olddefconfig; then every fragment line must
# have survived (olddefconfig drops what it cannot satisfy, silently).
$(KSTAMP): confirm/kernel.config
	@mkdir -p $(KOBJ)
	@t0=$$(date +%s); \
	$(MAKE) -s -C $(KFULL) O=$(KOBJ) ARCH=x86_64 tinyconfig >/dev/null && \
	$(KFULL)/scripts/kconfig/merge_config.sh -m -O $(KOBJ) \
		$(KOBJ)/.config confirm/kernel.config >/dev/null && \
	$(MAKE) -s -C $(KFULL) O=$(KOBJ) ARCH=x86_64 olddefconfig && \
	bad=$$(grep '^CONFIG_' confirm/kernel.config | \
		while read -r l; do grep -qx "$$l" $(KOBJ)/.config || \
			echo "$$l"; done); \
	if [ -n "$$bad" ]; then \
		echo "make kernel: olddefconfig dropped:" $$bad >&2; exit 2; fi; \
	echo "kernel: building $(KOBJ) (make -j$(KJOBS) bzImage modules)"; \
	$(MAKE) -s -C $(KFULL) O=$(KOBJ) ARCH=x86_64 -j$(KJOBS) \
		bzImage modules headers && \
	echo "kernel: $(KOBJ)/arch/x86/boot/bzImage in $$(($$(date +%s) - t0)) s" && \
	touch $@
KJOBS ?= $(shell nproc)

# A revision: the iommufd directory and the iommu headers it includes,
# copied, the semantic patch applied to its '// Target:' files, built as
# iommufd.ko against the reference kernel (an external module build).
build/kernel/%/iommufd.ko: revisions/tree/%.cocci $(KSTAMP)
	@rm -rf $(dir $@)src && mkdir -p $(dir $@)src/drivers/iommu
	@cp -r $(KFULL)/drivers/iommu/iommufd $(KFULL)/drivers/iommu/*.h \
		$(dir $@)src/drivers/iommu/
	@sed -i '/IOMMUFD_DRIVER/d; /iommufd_driver/d' \
		$(dir $@)src/drivers/iommu/iommufd/Makefile
	@for t in $$(sed -n 's|^// Target: *||p' $<); do \
		cp $(dir $@)src/$$t $(dir $@)src/$$t.orig; \
		spatch --very-quiet --no-show-diff --sp-file $< --in-place \
			$(dir $@)src/$$t >$(dir $@)spatch.log 2>&1 || \
			{ cat $(dir $@)spatch.log; exit 2; }; \
		! cmp -s $(dir $@)src/$$t $(dir $@)src/$$t.orig || \
			{ echo "$<: changed nothing in $$t" >&2; exit 2; }; \
	done
	@$(MAKE) -s -C $(KOBJ) M=$(abspath $(dir $@)src/drivers/iommu/iommufd) \
		-j$(KJOBS) modules
	@cp $(dir $@)src/drivers/iommu/iommufd/iommufd.ko $@
	@echo "kernel: $@ (revisions/tree/$*.cocci)"

ifeq ($(CONFIRM_REV),reference)
CONFIRM_KMOD :=
CONFIRM_DEPS := tree
else
CONFIRM_KMOD := build/kernel/$(CONFIRM_REV)
CONFIRM_DEPS := build/trev/$(CONFIRM_REV)/bindsim build/kernel/$(CONFIRM_REV)/iommufd.ko
endif

confirm: kernel
	@$(MAKE) --no-print-directory FLAVOUR=plain $(CONFIRM_DEPS)
	@KOBJ=$(KOBJ) KMOD=$(CONFIRM_KMOD) confirm/run $(CONFIRM_REV) $(REPROS)
