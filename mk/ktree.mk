# SPDX-License-Identifier: GPL-2.0-only
## make tree           build/FLAVOUR/tree/bindsim: bindsim on the kernel
##                     tree's own drivers/iommu/iommufd/{device,main,
##                     hw_pagetable}.c (the tree: build/ksrc from
##                     scripts/fetch-tree, or KSRC=/path/to/linux)
## make tree-revisions build/trev/NAME/bindsim for revisions/tree/NAME.cocci
##                     (or .patch: a unified diff against the tree)
## make tree-mutants   build/tmut/NAME/bindsim for tests/mutants-tree/*.cocci
## make check-tree     the tree's verdicts, reproducers, mutants and the
##                     ASan+UBSan tree explorer (part of make check)

KSRC ?= build/ksrc
export KSRC
# The kernel files build-tree reads; a changed tree rebuilds.
KTREE_INPUTS := $(wildcard $(addprefix $(KSRC)/,\
	drivers/iommu/iommufd/device.c drivers/iommu/iommufd/main.c \
	drivers/iommu/iommufd/hw_pagetable.c \
	drivers/iommu/iommufd/iommufd_private.h \
	drivers/iommu/iommufd/io_pagetable.h drivers/iommu/iommu-priv.h \
	include/linux/iommufd.h include/uapi/linux/iommufd.h Makefile))
KTREE_DEPS = build/$(FLAVOUR)/libshims.a scripts/build-tree $(FZ_GEN) \
	$(wildcard ktree/*.c ktree/*.h sim/*.c sim/*.h shims/include/*/*.h) \
	model/vfio.c model/vfio.h $(KTREE_INPUTS)
TREE_BIN := build/$(FLAVOUR)/tree/bindsim

TREV_SRCS := $(sort $(wildcard revisions/tree/*.cocci revisions/tree/*.patch))
TREV_NAMES := $(basename $(notdir $(TREV_SRCS)))
TREV_BINS := $(TREV_NAMES:%=build/trev/%/bindsim) build/trev/reference/bindsim
TMUT_SRCS := $(sort $(wildcard tests/mutants-tree/*.cocci))
TMUT_BINS := $(TMUT_SRCS:tests/mutants-tree/%.cocci=build/tmut/%/bindsim)

.PHONY: tree tree-revisions tree-mutants check-tree ktree-need

# Fails with a clear message when there is no tree: CI must not skip.
ktree-need:
	@test -f $(KSRC)/drivers/iommu/iommufd/device.c || { \
		echo "no kernel tree at $(KSRC): run scripts/fetch-tree" \
		     "(or scripts/setup), or set KSRC=/path/to/linux" >&2; \
		exit 2; }

tree: ktree-need $(TREE_BIN)

$(TREE_BIN): $(KTREE_DEPS)
	@FLAVOUR=$(FLAVOUR) scripts/build-tree reference - $(dir $@)

ifeq ($(FLAVOUR),plain)
tree-revisions: ktree-need $(TREV_BINS)
tree-mutants: ktree-need $(TMUT_BINS)
else
tree-revisions tree-mutants:
	@$(MAKE) --no-print-directory FLAVOUR=plain $@
endif

build/trev/reference/bindsim: build/plain/tree/bindsim
	@mkdir -p $(dir $@)
	@ln -sf ../../plain/tree/bindsim $@

build/trev/%/bindsim: $(KTREE_DEPS) $(wildcard revisions/tree/%.*)
	@FLAVOUR=plain scripts/build-tree $* \
		$(firstword $(wildcard revisions/tree/$*.cocci \
				       revisions/tree/$*.patch)) $(dir $@)

build/tmut/%/bindsim: tests/mutants-tree/%.cocci $(KTREE_DEPS)
	@FLAVOUR=plain scripts/build-tree mutant-$* $< $(dir $@)

CHECK_TARGETS += check-tree
check-tree: ktree-need
	@$(MAKE) --no-print-directory FLAVOUR=plain tree tree-revisions \
		tree-mutants
	@$(MAKE) --no-print-directory FLAVOUR=asan tree
	@scripts/check-revisions --tree asan verdicts repro mutants
