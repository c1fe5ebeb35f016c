# SPDX-License-Identifier: GPL-2.0-only
## make check-cli       malformed inputs (tests/bad/) and the CLI's contracts,
##                      on the ASan+UBSan bindsim (tests/cli.sh); bounded
##                      and interrupted runs; the reports' call chains;
##                      the closure counts (plain)
## make check-report    make check's own reporting: the closing line, KTAP
##                      and JUnit (tests/check-run.sh)
## make check-roundtrip explore, replay, minimise and to-cmocka a finding of
##                      a deliberately broken model (tests/roundtrip.sh)
## make check-par       explore -j 2 and -j 3 report exactly as -j 1: cheap
##                      worlds, V2's findings, bounded runs (tests/par.sh)

CHECK_TARGETS += check-cli check-roundtrip check-report check-par

RT_DIR := build/roundtrip/broken
RT_PATCH := tests/roundtrip/broken.patch
# (mk/revisions.mk's VARIANT_DEPS is defined after this file is read)
RT_DEPS := $(RT_PATCH) build/plain/libcore.a sim/main.c sim/revision.c \
	scripts/build-variant $(MODEL_SRCS) \
	$(wildcard model/*.h model/include/linux/*.h)

.PHONY: check-cli check-roundtrip check-report check-par

check-report:
	@$(MAKE) --no-print-directory FLAVOUR=asan build/asan/tests/test_bind_faults
	@if tests/check-run.sh build/asan/tests/test_bind_faults; then \
		echo "gate ok: make check reports: closing line, KTAP, JUnit"; \
	else \
		echo "gate FAILED: make check reports (tests/check-run.sh)"; \
		exit 1; \
	fi

# The plain model (and the tree, when there is one) for the closure counts,
# V2 for the interrupted run's reproducers; V2 and V2-abort, model and
# tree, and the ASan tree for the reports' call chains.
check-cli:
	@$(MAKE) --no-print-directory FLAVOUR=asan build/asan/bindsim
	@$(MAKE) --no-print-directory FLAVOUR=plain build/plain/bindsim \
		build/rev/v2/bindsim
	@$(MAKE) --no-print-directory FLAVOUR=plain build/rev/v2-abort/bindsim
	@if [ -f $(KSRC)/drivers/iommu/iommufd/device.c ]; then \
		$(MAKE) --no-print-directory FLAVOUR=plain tree \
			build/trev/v2/bindsim build/trev/v2-abort/bindsim && \
		$(MAKE) --no-print-directory FLAVOUR=asan tree; fi
	@if tests/cli.sh build/asan/bindsim; then \
		echo "gate ok: CLI refuses bad input, keeps its contracts"; \
	else \
		echo "gate FAILED: CLI contracts (tests/cli.sh)"; exit 1; \
	fi

check-par:
	@$(MAKE) --no-print-directory FLAVOUR=plain build/plain/bindsim \
		build/rev/v2/bindsim
	@if [ -f $(KSRC)/drivers/iommu/iommufd/device.c ]; then \
		$(MAKE) --no-print-directory FLAVOUR=plain tree; fi
	@if tests/par.sh; then \
		echo "gate ok: explore -j N reports exactly as -j 1"; \
	else \
		echo "gate FAILED: explore -j N (tests/par.sh)"; exit 1; \
	fi

check-roundtrip:
	@$(MAKE) --no-print-directory FLAVOUR=plain build/plain/bindsim \
		build/plain/libbindsim.a build/plain/libcore.a $(RT_DIR)/bindsim
	@if tests/roundtrip.sh; then \
		echo "gate ok: broken model finding round-trips to CMocka"; \
	else \
		echo "gate FAILED: round trip (tests/roundtrip.sh)"; \
		exit 1; \
	fi

# Needs the plain flavour's libcore.a: built by check-roundtrip above.
$(RT_DIR)/bindsim: $(RT_DEPS)
	@scripts/build-variant roundtrip-broken $(RT_PATCH) $(RT_DIR)
