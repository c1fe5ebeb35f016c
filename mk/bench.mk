# SPDX-License-Identifier: GPL-2.0-only
## make bench          explorer throughput table (plain build, the tree
##                     target beside the model, and one ASan row) with
##                     bytes per state, checked against --no-check, then
##                     speedup against BASE= (default bench/base); best
##                     of 3, not part of make check

.PHONY: bench

bench:
	@$(MAKE) --no-print-directory FLAVOUR=plain build/plain/bindsim
	@$(MAKE) --no-print-directory FLAVOUR=asan build/asan/bindsim
	@if [ -f $(KSRC)/drivers/iommu/iommufd/device.c ]; then \
		$(MAKE) --no-print-directory FLAVOUR=plain tree; fi
	@bench/bench.sh
