/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fuzzer's byte form of a scenario, shared by the fuzz harness
 * (fuzz/fuzz_ops.c) and the CLI ('bindsim encode', 'bindsim fuzz-import'),
 * so that there is exactly one decoder path from bytes to operations.
 *
 *   byte 0          world and boot variant: world = b % FUZZ_NR_WORLDS,
 *                   boot = (b / FUZZ_NR_WORLDS) % the world's boots
 *   then OP_BYTES   per operation (op_decode_bytes: kind, arguments and
 *                   the fault ordinal of that operation), at most
 *                   FUZZ_MAX_OPS operations; trailing bytes are ignored
 *
 * Every byte string of length >= 1 decodes to a valid scenario.
 */
#ifndef _BINDSIM_FUZZIO_H
#define _BINDSIM_FUZZIO_H

#include "repro.h"

#define FUZZ_MAX_OPS 32
#define FUZZ_NR_WORLDS 3	/* default, vfio, large */
#define FUZZ_MAX_BYTES (1 + FUZZ_MAX_OPS * OP_BYTES)

/*
 * Load the built-in worlds once (their text is embedded at build time,
 * or read from worlds/ when the generated header is absent). Returns 0,
 * or -1 with a message in err. Called implicitly by the functions below.
 */
int fuzz_worlds_init(char *err, size_t errlen);
/* Name of world @i ("default", "vfio", "large"), NULL past the end. */
const char *fuzz_world_name(unsigned int i);

/*
 * Decode @data into a reproducer: revision bindsim_revision(), expect
 * "clean", the world embedded (or "default"), one step per operation.
 * Returns 0, or -1 for an empty input (or worlds that do not load).
 * The caller releases @r with repro_free().
 */
int fuzz_bytes_to_repro(const u8 *data, size_t len, struct repro *r);

/*
 * Encode @r as bytes (the inverse of fuzz_bytes_to_repro, checked by
 * decoding again). Faults named by site are resolved to the ordinal they
 * hit by running the scenario. Returns the length, or -1 with a message.
 */
int fuzz_repro_to_bytes(const struct repro *r, u8 *buf, size_t len,
			char *err, size_t errlen);

/*
 * Name every step's fault ordinal by its site and hit (as the explorer
 * does), dropping faults the operation never reaches, so the reproducer
 * survives model changes. Keeps the change only if @r still matches its
 * expectation.
 */
void fuzz_name_faults(struct repro *r);

/*
 * The commands (sim/main.c parses their options). encode: FILE ("-":
 * stdin) in the byte form to @out or stdout, as hex text if @hex; decode:
 * a byte-form FILE as a reproducer; fuzz-import: the fuzzer inputs in
 * @paths (files or directories) as minimised reproducers in @outdir.
 * Exit codes as bindsim's.
 */
int fuzzio_encode(const char *file, const char *out, bool hex);
int fuzzio_decode(const char *file);
int fuzzio_import(const char *outdir, unsigned int nr, char *const *paths);

#endif
