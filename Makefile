# SPDX-License-Identifier: GPL-2.0-only
#
# bindsim build. Flavours live in separate build directories:
#   build/plain  `make`: -O2, no sanitizers (the explorer's speed)
#   build/asan   `make check`: ASan + UBSan, -fno-sanitize-recover=all
#   build/cov    `make coverage`: -O0 --coverage (gcc), no sanitizers
# Topic rules (revisions, fuzzing, coverage, benchmarks) live in mk/*.mk and
# add their gates to CHECK_TARGETS, which `make check` runs.

CC := gcc
FLAVOUR ?= plain
B := build/$(FLAVOUR)

WARN := -Wall -Wextra -Werror
INC := -Ishims/include -Imodel/include -Imodel -Isim
BASE_CFLAGS := -std=gnu11 $(WARN) -g $(INC) -MMD -MP
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

ifeq ($(FLAVOUR),asan)
FCFLAGS := -O1 $(SAN)
FLDFLAGS := $(SAN)
else ifeq ($(FLAVOUR),cov)
FCFLAGS := -O0 --coverage
FLDFLAGS := --coverage
else
FCFLAGS := -O2
FLDFLAGS :=
endif

CFLAGS := $(BASE_CFLAGS) $(FCFLAGS) $(EXTRA_CFLAGS)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

SHIM_SRCS := $(sort $(wildcard shims/*.c))
MODEL_SRCS := $(sort $(wildcard model/*.c))
SIM_SRCS := $(sort $(filter-out sim/main.c sim/revision.c,$(wildcard sim/*.c)))
# libcore.a: shims and engine, no model (variants link their own model)
CORE_OBJS := $(SHIM_SRCS:%.c=$(B)/%.o) $(SIM_SRCS:%.c=$(B)/%.o)
LIB_SRCS := $(SHIM_SRCS) $(MODEL_SRCS) $(SIM_SRCS) sim/revision.c
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
TEST_SRCS := $(sort $(wildcard tests/test_*.c))
TEST_BINS := $(TEST_SRCS:tests/%.c=$(B)/tests/%)
BINDSIM := $(B)/bindsim

# Gates that `make check` runs after the unit tests (mk/*.mk add more).
CHECK_TARGETS := check-unit check-explore

.PHONY: all check check-ktap test-run check-unit check-explore explore help man clean

all: $(BINDSIM) $(TEST_BINS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/libbindsim.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/libshims.a: $(SHIM_SRCS:%.c=$(B)/%.o)
	@rm -f $@
	ar rcs $@ $^

$(B)/libcore.a: $(CORE_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BINDSIM): $(B)/sim/main.o $(B)/libbindsim.a
	$(CC) $(FLDFLAGS) $^ -o $@

$(B)/tests/%: $(B)/tests/%.o $(B)/libbindsim.a
	$(CC) $(FLDFLAGS) $^ $(CMOCKA_LIBS) -o $@

# Run every test binary; cmocka prints its summary on stderr. With
# JUNIT=DIR each also writes its JUnit XML there (scripts/cmocka-junit).
test-run: $(TEST_BINS)
	@fail=0; for t in $(TEST_BINS); do \
		echo "== $$t"; \
		if [ -n "$(JUNIT)" ]; then \
			scripts/cmocka-junit "$(JUNIT)" $$t || fail=1; \
		else \
			$$t 2>&1 || fail=1; \
		fi; \
	done; exit $$fail

check-unit:
	$(MAKE) FLAVOUR=asan test-run

# The ASan+UBSan explorer (the plain-build reference runs to closure in
# check-review's verdicts, mk/revisions.mk).
check-explore:
	$(MAKE) FLAVOUR=asan build/asan/bindsim
	@scripts/check-revisions asan

# Every gate, even after a failure, then "check: N passed, M failed"
# (scripts/check-run); KTAP=1: KTAP on stdout; JUNIT=DIR: JUnit XML.
check:
	@MAKE='$(MAKE)' KTAP='$(KTAP)' JUNIT='$(JUNIT)' \
		scripts/check-run $(CHECK_TARGETS)

check-ktap:
	@$(MAKE) --no-print-directory check KTAP=1

# The main job: build and explore the default world, on the kernel tree
# when there is one (scripts/fetch-tree), else on the built-in model.
# Findings are its output, not a failure of the job (bindsim exits 1 for
# scripts; here only a crash or bad input, exit 2 and up, fails).
explore: $(BINDSIM)
	@if [ -f $(KSRC)/drivers/iommu/iommufd/device.c ]; then \
		$(MAKE) --no-print-directory tree || exit 2; \
		bin=build/$(FLAVOUR)/tree/bindsim; \
	else \
		echo "bindsim: no kernel tree at $(KSRC) (scripts/fetch-tree," \
		     "or KSRC=): exploring the built-in model"; \
		bin=$(BINDSIM); \
	fi; \
	$$bin version; rc=0; $$bin explore --closure $(EXPLORE_ARGS) || rc=$$?; \
	if [ $$rc -eq 1 ]; then echo "explore: findings above" \
		"(reproducers: $$bin explore --closure --out DIR)"; fi; \
	[ $$rc -le 1 ]

help:
	@echo "make                build build/plain/bindsim and the tests"
	@echo "make explore        explore the default world to closure on the"
	@echo "                    kernel tree (build/ksrc or KSRC=), else on"
	@echo "                    the built-in model"
	@echo "make check          every test and gate (ASan+UBSan tests,"
	@echo "                    explorer, revisions, mutants, fuzz smoke,"
	@echo "                    coverage), then 'check: N passed, M failed'"
	@echo "make check KTAP=1   the same as KTAP (also: make check-ktap)"
	@echo "make check JUNIT=D  also JUnit XML files in D"
	@echo "make man            build/bindsim.1 (man -l build/bindsim.1)"
	@echo "make clean          remove build/"
	@for f in $(sort $(wildcard mk/*.mk)); do \
		sed -n 's/^## \{0,1\}//p' $$f; done

# the manual page, from the same table as 'bindsim help'
man: $(BINDSIM)
	$(BINDSIM) help --man >build/bindsim.1.tmp && \
		mv build/bindsim.1.tmp build/bindsim.1

clean:
	rm -rf build

-include $(sort $(wildcard mk/*.mk))
-include $(LIB_OBJS:.o=.d) $(TEST_BINS:=.d) $(B)/sim/main.d
