# SPDX-License-Identifier: GPL-2.0-only
## make coverage       build/cov (gcc -O0 --coverage); unit tests, explorer
##                     (default, vfio to closure, large to depth 4) and
##                     reference reproducers; gcovr reports in coverage/
##                     (html/index.html, summary.json, cobertura.xml)
## make coverage-gate  coverage/thresholds (gcovr per area) and the
##                     fault-site gate on the last make coverage data
## make fault-sites    the fault-site table alone (coverage/fault-sites.txt)

COV_RUNS := build/cov/explore

.PHONY: coverage coverage-gate check-coverage fault-sites coverage-gates

coverage:
	@$(MAKE) --no-print-directory FLAVOUR=cov all
	@$(MAKE) --no-print-directory FLAVOUR=cov tree
	@coverage/run.sh

# The gates always all run, so one failure does not hide another.
coverage-gates:
	@fail=0; \
	coverage/gate.sh || fail=1; \
	coverage/fault-sites.sh --runs $(COV_RUNS) || fail=1; \
	if [ -r $(COV_RUNS)-tree/runs ]; then \
		coverage/fault-sites.sh --runs $(COV_RUNS)-tree \
			--exclude coverage/fault-sites-tree.exclude \
			--out coverage/fault-sites-tree.txt || fail=1; \
	fi; \
	exit $$fail

coverage-gate:
	@test -r $(COV_RUNS)/runs || $(MAKE) --no-print-directory coverage
	@$(MAKE) --no-print-directory coverage-gates

# `make check`: fresh counters, then the gates. A failed build or run
# leaves no counters worth gating; a failed unit test still does.
check-coverage:
	@$(MAKE) --no-print-directory FLAVOUR=cov all || \
		{ echo "gate FAILED: coverage: the cov build failed"; exit 1; }
	@$(MAKE) --no-print-directory FLAVOUR=cov tree || \
		{ echo "gate FAILED: coverage: the cov tree build failed"; exit 1; }
	@rc=0; coverage/run.sh || rc=$$?; \
	if [ $$rc -ge 2 ]; then \
		echo "gate FAILED: coverage: the measured runs failed" \
		     "(gates not evaluated)"; exit 1; \
	fi; \
	[ $$rc -eq 0 ] || echo "gate FAILED: coverage: a unit test failed"; \
	$(MAKE) --no-print-directory coverage-gates || rc=1; \
	exit $$rc

fault-sites:
	@$(MAKE) --no-print-directory FLAVOUR=plain build/plain/bindsim
	@coverage/fault-sites.sh --bindsim build/plain/bindsim

CHECK_TARGETS += check-coverage
