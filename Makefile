# SPDX-License-Identifier: GPL-2.0-only
#
# bindsim build. Flavours live in separate build directories:
#   build/plain  default `make`: -O2, no sanitizers
#   build/asan   `make check`: ASan + UBSan, -fno-sanitize-recover=all
#   build/cov    `make coverage`: -O0 --coverage (gcc), no sanitizers

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
SIM_SRCS := $(sort $(filter-out sim/main.c,$(wildcard sim/*.c)))
LIB_SRCS := $(SHIM_SRCS) $(MODEL_SRCS) $(SIM_SRCS)
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
TEST_SRCS := $(sort $(wildcard tests/test_*.c))
TEST_BINS := $(TEST_SRCS:tests/%.c=$(B)/tests/%)
BINDSIM := $(B)/bindsim

.PHONY: all check test-run help clean

all: $(BINDSIM) $(TEST_BINS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/libbindsim.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BINDSIM): $(B)/sim/main.o $(B)/libbindsim.a
	$(CC) $(FLDFLAGS) $^ -o $@

$(B)/tests/%: $(B)/tests/%.o $(B)/libbindsim.a
	$(CC) $(FLDFLAGS) $^ $(CMOCKA_LIBS) -o $@

# Run every test binary; cmocka prints its summary on stderr.
test-run: $(TEST_BINS)
	@fail=0; for t in $(TEST_BINS); do \
		echo "== $$t"; $$t 2>&1 || fail=1; \
	done; exit $$fail

check:
	$(MAKE) FLAVOUR=asan test-run

help:
	@echo "make            build build/plain/bindsim and the tests"
	@echo "make check      ASan+UBSan build, run every test"
	@echo "make clean      remove build/"

clean:
	rm -rf build

-include $(LIB_OBJS:.o=.d) $(TEST_BINS:=.d) $(B)/sim/main.d
