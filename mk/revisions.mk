# SPDX-License-Identifier: GPL-2.0-only
## make revisions      build build/rev/NAME/bindsim for each revisions/NAME.patch
## make mutants        build build/mut/NAME/bindsim for each tests/mutants/NAME.patch

REV_PATCHES := $(sort $(wildcard revisions/*.patch))
REV_NAMES := $(REV_PATCHES:revisions/%.patch=%)
REV_BINS := $(REV_NAMES:%=build/rev/%/bindsim) build/rev/reference/bindsim
MUT_PATCHES := $(sort $(wildcard tests/mutants/*.patch))
MUT_BINS := $(MUT_PATCHES:tests/mutants/%.patch=build/mut/%/bindsim)
VARIANT_DEPS := build/plain/libcore.a sim/main.c sim/revision.c \
	scripts/build-variant scripts/patch-model $(MODEL_SRCS) \
	$(wildcard model/*.h model/include/linux/*.h)

.PHONY: revisions mutants

# Variants link against the plain flavour's shims and engine.
ifeq ($(FLAVOUR),plain)
revisions: $(REV_BINS)
mutants: $(MUT_BINS)
else
revisions mutants:
	@$(MAKE) --no-print-directory FLAVOUR=plain $@
endif

build/rev/reference/bindsim: $(VARIANT_DEPS)
	@scripts/build-variant reference - build/rev/reference

build/rev/%/bindsim: revisions/%.patch $(VARIANT_DEPS)
	@scripts/build-variant $* $< build/rev/$*

build/mut/%/bindsim: tests/mutants/%.patch $(VARIANT_DEPS)
	@scripts/build-variant mutant-$* $< build/mut/$*

## make check-review   expected verdicts, reproducers, must-fail mutants
CHECK_TARGETS += check-review
.PHONY: check-review
check-review:
	@$(MAKE) --no-print-directory FLAVOUR=plain revisions mutants
	@scripts/check-revisions verdicts repro mutants

## make check-symmetry explore --symmetry beside the full walk, to closure, on
##                     every verdicts line and mutant: the same findings,
##                     and on the verdicts lines one state per id-renaming
##                     class of the full walk's (--orbits): exact
CHECK_TARGETS += check-symmetry
.PHONY: check-symmetry
check-symmetry:
	@$(MAKE) --no-print-directory FLAVOUR=plain revisions mutants
	@scripts/check-revisions symmetry

## make check-mutant-suites  the CMocka suites against every model mutant,
##                     and which oracle (explorer, suites, both) caught each
CHECK_TARGETS += check-mutant-suites
# Named, so make keeps them (the test binaries' objects are intermediate)
TEST_OBJS_PLAIN := $(TEST_SRCS:tests/%.c=build/plain/tests/%.o)
.PHONY: check-mutant-suites
check-mutant-suites:
	@$(MAKE) --no-print-directory FLAVOUR=plain revisions mutants \
		build/plain/libcore.a $(TEST_OBJS_PLAIN)
	@scripts/check-revisions mutants suites

## make review         the review of V2 03/11: findings, reproducers, traces,
##                     on the kernel tree (the model without one)
## make review-model   the same on the model and revisions/*.patch
.PHONY: review review-model
review:
	@if [ -f $(KSRC)/drivers/iommu/iommufd/device.c ]; then \
		$(MAKE) --no-print-directory FLAVOUR=plain tree-revisions && \
		scripts/review --tree; \
	else \
		$(MAKE) --no-print-directory review-model; \
	fi
review-model:
	@$(MAKE) --no-print-directory FLAVOUR=plain revisions
	@scripts/review --model
