# SPDX-License-Identifier: GPL-2.0-only
## make fuzz           AFL++ on fuzz/fuzz_ops.c: FUZZ_SECS=60 (0: until ^C),
##                     JOBS=1 (-M main + -S secN), REV=NAME (a revision)
## make fuzz-smoke     20 s of AFL++ from fuzz/seeds (REV= as for fuzz);
##                     fails if any crash is saved. CI runs it (and
##                     libfuzzer-smoke) on REV=fix-replace-unresv
## make libfuzzer-smoke  CI: 10 s of libFuzzer (ASan+UBSan); fails on a crash
## make fuzz-triage DIR=D  fuzzer crashes -> minimised, deduplicated
##                     reproducers in OUT (default build/fuzz/triage)
## make fuzz-seeds     regenerate fuzz/seeds/*.bin from fuzz/seeds-src/
## make fuzz-build     AFL++, libFuzzer and gcc replay builds of the harness
##                     (build/fuzz-{afl,lf,replay}[-REV]/fuzz_ops)
## make bench-fuzz     exec/s against BASE's harness (interleaved, with the
##                     load), stability, time to find the V2 leak (no gate;
##                     BENCH_SECS=30 BENCH_PAIRS=3 BENCH_RUNS=5 BASE=)

# FUZZ_SECS is left undefined so that each target has its own default.
fz_secs = $(if $(filter undefined,$(origin FUZZ_SECS)),$(1),$(FUZZ_SECS))
JOBS ?= 1
REV ?=

FZ_SFX := $(if $(REV),-$(REV))
FZ_REVNAME := $(or $(REV),reference)
FZ_GEN := build/gen/fuzz_worlds.h
FZ_WORLDS := worlds/vfio.world worlds/large.world
FZ_DICT := fuzz/ops.dict
FZ_SEEDS := fuzz/seeds
# 1 + 32 operations * 5 bytes (FUZZ_MAX_BYTES in sim/fuzzio.h)
FZ_MAXLEN := 161
# AFL_TRY_AFFINITY: bind to a free core when there is one (2.6x the
# execs/s unbound on this VM), run unbound when there is none
FZ_AFL_ENV := AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
	AFL_TRY_AFFINITY=1

# The model: model/ itself, or a copy with revisions/$(REV).patch applied
# (scripts/patch-model, the same step as scripts/build-variant).
ifeq ($(REV),)
FZ_MODEL := model
FZ_STAMP :=
else
FZ_MODEL := build/fuzz-src-$(REV)/model
FZ_STAMP := build/fuzz-src-$(REV)/.stamp
FZ_PATCH := scripts/patch-model $(REV) revisions/$(REV).patch \
	build/fuzz-src-$(REV)
FZ_MODEL_C := $(addprefix $(FZ_MODEL)/,$(notdir $(MODEL_SRCS)))
# a patched file gone missing: patch again
FZ_REPATCH := $(if $(filter-out $(wildcard $(FZ_MODEL_C)),$(FZ_MODEL_C)),\
	fz-force)
$(FZ_STAMP): revisions/$(REV).patch scripts/patch-model $(MODEL_SRCS) \
		$(wildcard model/*.h model/include/linux/*.h) $(FZ_REPATCH)
	@$(FZ_PATCH)
	@touch $@
$(FZ_MODEL_C): $(FZ_STAMP) ;
.PHONY: fz-force
endif

FZ_MODEL_NAMES := $(notdir $(MODEL_SRCS))
FZ_INC = -I$(FZ_MODEL)/include -I$(FZ_MODEL) -Ishims/include -Isim \
	-I$(dir $(FZ_GEN))
FZ_BASE := -std=gnu11 -Wall -Wextra -Werror -g -MMD -MP

# The three builds of one harness, each from its own objects.
# AFL++: its own persistent mode (fuzz/fuzz_ops.c's main), not
# libAFLDriver; the harness itself is not instrumented (fuzz/afl-denylist)
FZ_AFL_DENY := fuzz/afl-denylist
FZ_afl_CC := AFL_QUIET=1 AFL_LLVM_DENYLIST=$(CURDIR)/$(FZ_AFL_DENY) \
	afl-clang-fast
FZ_afl_CFLAGS := -O2 -DFUZZ_AFL
FZ_afl_LDFLAGS :=
FZ_lf_CC := clang-14
FZ_lf_CFLAGS := -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
FZ_lf_LDFLAGS := $(FZ_lf_CFLAGS)
FZ_replay_CC := gcc
# FUZZ_REPLAY_CFLAGS=--coverage (and the same LDFLAGS) for a coverage run
FUZZ_REPLAY_CFLAGS ?=
FZ_replay_CFLAGS := -O0 -DFUZZ_STANDALONE $(FUZZ_REPLAY_CFLAGS)
FZ_replay_LDFLAGS := $(FUZZ_REPLAY_CFLAGS)

define FZ_BUILD
FZ_$(1)_DIR := build/fuzz-$(1)$(FZ_SFX)
FZ_$(1)_BIN := build/fuzz-$(1)$(FZ_SFX)/fuzz_ops
FZ_$(1)_OBJS := $$(SHIM_SRCS:%.c=$$(FZ_$(1)_DIR)/%.o) \
	$$(SIM_SRCS:%.c=$$(FZ_$(1)_DIR)/%.o) \
	$$(FZ_MODEL_NAMES:%.c=$$(FZ_$(1)_DIR)/model/%.o) \
	$$(FZ_$(1)_DIR)/sim/revision.o $$(FZ_$(1)_DIR)/fuzz/fuzz_ops.o

# mk/fuzz.mk holds the flags: a change rebuilds
$$(FZ_$(1)_OBJS): $(FZ_GEN) $(FZ_STAMP) mk/fuzz.mk

$$(FZ_$(1)_DIR)/shims/%.o: shims/%.c
	@mkdir -p $$(@D)
	$$(FZ_$(1)_CC) $$(FZ_BASE) $$(FZ_$(1)_CFLAGS) $$(FZ_INC) -c $$< -o $$@

$$(FZ_$(1)_DIR)/sim/%.o: sim/%.c
	@mkdir -p $$(@D)
	$$(FZ_$(1)_CC) $$(FZ_BASE) $$(FZ_$(1)_CFLAGS) $$(FZ_INC) -c $$< -o $$@

$$(FZ_$(1)_DIR)/sim/revision.o: sim/revision.c
	@mkdir -p $$(@D)
	$$(FZ_$(1)_CC) $$(FZ_BASE) $$(FZ_$(1)_CFLAGS) $$(FZ_INC) \
		-DBINDSIM_REV='"$(FZ_REVNAME)"' -c $$< -o $$@

$$(FZ_$(1)_DIR)/model/%.o: $(FZ_MODEL)/%.c
	@mkdir -p $$(@D)
	$$(FZ_$(1)_CC) $$(FZ_BASE) $$(FZ_$(1)_CFLAGS) $$(FZ_INC) -c $$< -o $$@

$$(FZ_$(1)_DIR)/fuzz/%.o: fuzz/%.c
	@mkdir -p $$(@D)
	$$(FZ_$(1)_CC) $$(FZ_BASE) $$(FZ_$(1)_CFLAGS) $$(FZ_INC) -c $$< -o $$@

$$(FZ_$(1)_BIN): $$(FZ_$(1)_OBJS)
	$$(FZ_$(1)_CC) $$(FZ_$(1)_LDFLAGS) $$^ -o $$@

-include $$(FZ_$(1)_OBJS:.o=.d)
endef
$(foreach f,afl lf replay,$(eval $(call FZ_BUILD,$(f))))
$(FZ_afl_OBJS): $(FZ_AFL_DENY)

# sim/fuzzio.c is part of the engine (libcore.a, every bindsim): it gets
# the worlds' text from the generated header in every flavour.
$(B)/sim/fuzzio.o: $(FZ_GEN)
$(B)/sim/fuzzio.o: CFLAGS += -I$(dir $(FZ_GEN))

$(FZ_GEN): $(FZ_WORLDS) fuzz/gen-worlds.sh
	@mkdir -p $(@D)
	@fuzz/gen-worlds.sh $@ $(FZ_WORLDS)

.PHONY: fuzz fuzz-build fuzz-smoke libfuzzer-smoke fuzz-triage fuzz-seeds \
	bench-fuzz check-fuzz check-fuzz-crash

fuzz-build: $(FZ_afl_BIN) $(FZ_lf_BIN) $(FZ_replay_BIN)

# Interactive on a terminal, AFL_NO_UI otherwise; JOBS-1 secondaries in
# the background. FUZZ_OUT, FUZZ_FOREIGN (-F dirs), FUZZ_TAG, FUZZ_MAIN
# as in fuzz/README.md.
FUZZ_OUT ?= $(FZ_afl_DIR)/out
fuzz: $(FZ_afl_BIN)
	@$(FZ_AFL_ENV) JOBS=$(JOBS) FUZZ_SECS=$(call fz_secs,60) \
		FUZZ_OUT=$(FUZZ_OUT) FUZZ_FOREIGN="$(FUZZ_FOREIGN)" \
		FUZZ_TAG="$(FUZZ_TAG)" FUZZ_MAIN="$(FUZZ_MAIN)" REV="$(REV)" \
		fuzz/afl-run.sh $(FZ_afl_BIN)

# One line of fuzzer_stats: "name : value" -> value
fz_stat = $$(sed -n 's/^$(1) *: *//p' $(2))
# Every input boots its world afresh: an input must cover the same edges
# whatever ran before it in the process. $(call fz_stable,GATE,STATS)
# fails the gate below FZ_MIN_STABILITY percent.
FZ_MIN_STABILITY := 99
fz_stable = st=$(call fz_stat,stability,$(2)); \
	if awk -v s="$${st%\%}" 'BEGIN { exit !(s < $(FZ_MIN_STABILITY)) }'; \
	then echo "gate FAILED: $(1): stability $$st, below" \
		"$(FZ_MIN_STABILITY)% (state left over from one input to the" \
		"next?)"; exit 1; fi

fuzz-smoke: $(FZ_afl_BIN)
	@rm -rf $(FZ_afl_DIR)/smoke
	@# afl-fuzz skips crashing seeds: check them first
	@for s in $(FZ_SEEDS)/*; do \
		($(FZ_afl_BIN) $$s; exit $$?) > $(FZ_afl_DIR)/seed.log 2>&1 || { \
		cat $(FZ_afl_DIR)/seed.log; \
		echo "gate FAILED: fuzz-smoke: seed $$s crashes $(FZ_REVNAME)"; \
		exit 1; }; \
	done
	@echo "fuzz-smoke: AFL++ $(call fz_secs,20) s on revision" \
		"$(FZ_REVNAME) from $(FZ_SEEDS)"
	@$(FZ_AFL_ENV) AFL_NO_UI=1 afl-fuzz -i $(FZ_SEEDS) \
		-o $(FZ_afl_DIR)/smoke -x $(FZ_DICT) -V $(call fz_secs,20) \
		-- $(FZ_afl_BIN) > $(FZ_afl_DIR)/smoke.log 2>&1 < /dev/null || \
		{ tail -30 $(FZ_afl_DIR)/smoke.log; \
		  echo "gate FAILED: fuzz-smoke: afl-fuzz did not run"; exit 1; }
	@s=$(FZ_afl_DIR)/smoke/default/fuzzer_stats; \
	n=$$(ls $(FZ_afl_DIR)/smoke/default/crashes | grep -c '^id:' || true); \
	msg="execs_per_sec $(call fz_stat,execs_per_sec,$$s)"; \
	msg="$$msg, stability $(call fz_stat,stability,$$s)"; \
	msg="$$msg, corpus_count $(call fz_stat,corpus_count,$$s)"; \
	msg="$$msg, execs_done $(call fz_stat,execs_done,$$s)"; \
	echo "fuzz-smoke: $$msg"; \
	$(call fz_stable,fuzz-smoke,$$s); \
	if [ "$$n" -ne 0 ]; then \
		echo "gate FAILED: fuzz-smoke: $$n crash(es) in" \
			"$(FZ_afl_DIR)/smoke/default/crashes" \
			"(make fuzz-triage DIR=$(FZ_afl_DIR)/smoke/default/crashes)"; \
		exit 1; \
	fi; \
	echo "gate ok: fuzz-smoke: AFL++ $(call fz_secs,20) s on" \
		"$(FZ_REVNAME), no crash ($$msg)"

libfuzzer-smoke: $(FZ_lf_BIN)
	@rm -rf $(FZ_lf_DIR)/smoke && mkdir -p $(FZ_lf_DIR)/smoke/corpus
	@echo "libfuzzer-smoke: libFuzzer+ASan+UBSan $(call fz_secs,10) s" \
		"on revision $(FZ_REVNAME)"
	@if $(FZ_lf_BIN) -max_total_time=$(call fz_secs,10) \
		-print_final_stats=1 -max_len=$(FZ_MAXLEN) \
		-dict=$(FZ_DICT) -artifact_prefix=$(FZ_lf_DIR)/smoke/ \
		$(FZ_lf_DIR)/smoke/corpus $(FZ_SEEDS) \
		> $(FZ_lf_DIR)/smoke.log 2>&1 < /dev/null; then \
		echo "gate ok: libfuzzer-smoke: $(call fz_secs,10) s on" \
			"$(FZ_REVNAME), no crash ($$(grep -E \
			'stat::number_of_executed_units|stat::average_exec_per_sec' \
			$(FZ_lf_DIR)/smoke.log | tr -s ' ' | tr '\n' ' '))"; \
	else \
		tail -40 $(FZ_lf_DIR)/smoke.log; \
		echo "gate FAILED: libfuzzer-smoke: crash, see" \
			"$(FZ_lf_DIR)/smoke.log and $(FZ_lf_DIR)/smoke/crash-*"; \
		exit 1; \
	fi

# Triage with the bindsim of the same revision as the fuzzer.
FZ_BINDSIM := $(if $(REV),build/rev/$(REV)/bindsim,build/plain/bindsim)
FZ_TRIAGE_OUT = $(or $(OUT),build/fuzz/triage)
fuzz-triage:
	@test -n "$(DIR)" || { echo "usage: make fuzz-triage DIR=crashes/" \
		"[OUT=build/fuzz/triage] [REV=NAME]"; exit 2; }
	@$(MAKE) --no-print-directory FLAVOUR=plain $(FZ_BINDSIM)
	@mkdir -p $(FZ_TRIAGE_OUT)
	$(FZ_BINDSIM) fuzz-import $(DIR) --out $(FZ_TRIAGE_OUT)

# Seeds: every fuzz/seeds-src/NAME.repro becomes fuzz/seeds/NAME.bin.
FZ_SEED_SRCS := $(sort $(wildcard fuzz/seeds-src/*.repro))
fuzz-seeds:
	@$(MAKE) --no-print-directory FLAVOUR=plain build/plain/bindsim
	@mkdir -p $(FZ_SEEDS)
	@for s in $(FZ_SEED_SRCS); do \
		b=$(FZ_SEEDS)/$$(basename $$s .repro).bin; \
		build/plain/bindsim encode $$s -o $$b || exit 1; \
		echo "$$b <- $$s ($$(build/plain/bindsim encode --hex $$s))"; \
	done

bench-fuzz:
	@$(MAKE) --no-print-directory $(FZ_afl_BIN)
	@$(MAKE) --no-print-directory REV=v2 build/fuzz-afl-v2/fuzz_ops \
		build/fuzz-lf-v2/fuzz_ops
	@fuzz/bench.sh $(FZ_afl_BIN) build/fuzz-afl-v2/fuzz_ops \
		build/fuzz-lf-v2/fuzz_ops

# The committed crash: fuzz/crashes/*.bin crash the V2 fuzzer with a leak
# and do not crash the reference.
FZ_CRASH_OUT := build/fuzz/crash-gate
check-fuzz-crash:
	@$(MAKE) --no-print-directory FLAVOUR=plain build/plain/bindsim \
		build/rev/v2/bindsim
	@$(MAKE) --no-print-directory REV=v2 build/fuzz-replay-v2/fuzz_ops
	@$(MAKE) --no-print-directory REV= build/fuzz-replay/fuzz_ops
	@fuzz/crash-gate.sh build/rev/v2/bindsim build/plain/bindsim \
		build/fuzz-replay-v2/fuzz_ops build/fuzz-replay/fuzz_ops \
		fuzz/crashes $(FZ_CRASH_OUT)

# The smoke runs fuzz the reference with mainline's one known bug fixed
# (revisions/verdicts pins it): on the reference itself a 20 s run may or
# may not find that bug, and the gate must say the same every time.
FZ_SMOKE_REV := fix-replace-unresv
check-fuzz:
	@fail=0; \
	$(MAKE) --no-print-directory REV=$(FZ_SMOKE_REV) fuzz-build || fail=1; \
	$(MAKE) --no-print-directory REV=$(FZ_SMOKE_REV) fuzz-smoke || fail=1; \
	$(MAKE) --no-print-directory REV=$(FZ_SMOKE_REV) libfuzzer-smoke || \
		fail=1; \
	$(MAKE) --no-print-directory REV= check-fuzz-crash || fail=1; \
	exit $$fail

CHECK_TARGETS += check-fuzz
