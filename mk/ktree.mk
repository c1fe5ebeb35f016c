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
## make check-tree-symmetry  --symmetry against the full walk on the tree

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

## make check-tree-symmetry  check-symmetry on the tree: its verdicts lines
##                     and its .cocci mutants
CHECK_TARGETS += check-tree-symmetry
.PHONY: check-tree-symmetry
check-tree-symmetry: ktree-need
	@$(MAKE) --no-print-directory FLAVOUR=plain tree-revisions tree-mutants
	@scripts/check-revisions --tree symmetry

## make tree-fuzz-smoke  CI: AFL++ for FUZZ_SECS (20) on the tree from
##                     fuzz/seeds; every crash must triage to a finding
##                     pinned for the tree reference (revisions/tree/verdicts)
TFZ_DIR := build/fuzz-afl-tree
TFZ_BIN := $(TFZ_DIR)/fuzz_ops
.PHONY: tree-fuzz-smoke
CHECK_TARGETS += tree-fuzz-smoke

$(TFZ_BIN): $(filter-out build/$(FLAVOUR)/libshims.a,$(KTREE_DEPS)) \
		fuzz/fuzz_ops.c $(wildcard shims/*.c) $(FZ_AFL_DENY)
	@# AFL++ 4.04c's default PCGUARD instrumentation miscompiles a loop of
	@# shims/xarray.c in this binary (a select's guard index taken from the
	@# loop counter: SIGSEGV in lower_bound on every input); CLASSIC is fine
	@AFL_LLVM_INSTRUMENT=CLASSIC FLAVOUR=afl AFL_QUIET=1 \
		AFL_LLVM_DENYLIST=$(CURDIR)/$(FZ_AFL_DENY) \
		scripts/build-tree reference - $(TFZ_DIR)

tree-fuzz-smoke: ktree-need $(TFZ_BIN)
	@$(MAKE) --no-print-directory FLAVOUR=plain tree
	@rm -rf $(TFZ_DIR)/smoke $(TFZ_DIR)/triage
	@$(FZ_AFL_ENV) AFL_NO_UI=1 afl-fuzz -i $(FZ_SEEDS) -o $(TFZ_DIR)/smoke \
		-x $(FZ_DICT) -V $(call fz_secs,20) -- $(TFZ_BIN) \
		> $(TFZ_DIR)/smoke.log 2>&1 < /dev/null || \
		{ tail -30 $(TFZ_DIR)/smoke.log; \
		  echo "gate FAILED: tree-fuzz-smoke: afl-fuzz did not run"; exit 1; }
	@s=$(TFZ_DIR)/smoke/default/fuzzer_stats; \
	msg="execs_per_sec $(call fz_stat,execs_per_sec,$$s)"; \
	msg="$$msg, stability $(call fz_stat,stability,$$s)"; \
	msg="$$msg, saved_crashes $(call fz_stat,saved_crashes,$$s)"; \
	echo "tree-fuzz-smoke: $$msg"; \
	$(call fz_stable,tree-fuzz-smoke,$$s); \
	build/plain/tree/bindsim fuzz-import $(TFZ_DIR)/smoke/default/crashes \
		--out $(TFZ_DIR)/triage > $(TFZ_DIR)/triage.log 2>&1; \
	known=$$(sed -n 's/^reference [^ ]* //p' revisions/tree/verdicts | \
		tr ';' '\n' | sed 's/^ *//; s/ *$$//' | grep -v '^clean$$' | \
		sort -u); \
	bad=0; for r in $(TFZ_DIR)/triage/*.repro; do \
		[ -e "$$r" ] || continue; \
		sig=$$(sed -n 's/^expect //p' $$r); \
		printf '%s\n' "$$known" | grep -qxF "$$sig" && continue; \
		echo "tree-fuzz-smoke: new finding '$$sig': $$r"; bad=1; \
	done; \
	if [ $$bad -ne 0 ]; then \
		echo "gate FAILED: tree-fuzz-smoke: a crash is not a pinned finding"; \
		exit 1; \
	fi; \
	echo "gate ok: tree-fuzz-smoke: AFL++ $(call fz_secs,20) s on the tree," \
		"every crash a pinned finding ($$msg;" \
		"triaged: $$(ls $(TFZ_DIR)/triage 2>/dev/null | tr '\n' ' '))"

## make check-setup    scripts/setup and scripts/fetch-tree contracts,
##                     offline (tests/setup.sh)
.PHONY: check-setup
CHECK_TARGETS += check-setup
check-setup:
	@bash tests/setup.sh

## make check-diff     bindsim diff, the tree against the model, on the
##                     default and vfio worlds to closure and the large
##                     world to depth 4; divergences must be exactly those
##                     listed in model/ABSTRACTIONS.md
.PHONY: check-diff
CHECK_TARGETS += check-diff
check-diff: ktree-need
	@$(MAKE) --no-print-directory FLAVOUR=plain tree build/plain/bindsim
	@scripts/check-diff

## make check-reach    pinned reachability: states, transitions, injections,
##                     depth and injected fault sites of both targets on
##                     the three worlds (revisions/reachability;
##                     scripts/check-reach --update re-pins)
.PHONY: check-reach
CHECK_TARGETS += check-reach
check-reach: ktree-need
	@$(MAKE) --no-print-directory FLAVOUR=plain tree build/plain/bindsim
	@scripts/check-reach
