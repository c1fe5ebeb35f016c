/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reproducers: a finding as a short text file that anyone can read, edit
 * and replay.
 *
 *   # comments anywhere
 *   revision reference        the revision it belongs to (optional: any)
 *   world default             a built-in world, a world file (found beside
 *                             the reproducer, then in worlds/), or
 *                             world-begin ... world-end
 *   boot 0                    boot variant of the world (default 0)
 *   expect leak _iommufd_object_alloc:kzalloc    (optional: clean)
 *   bind n1 c0 fail=iommufd_alloc_group:kzalloc#1@3
 *   ...                       one operation per line (see 'bindsim ops')
 *   bind d1 c1 = -EPERM       an operation may assert its return code
 *   assert group g0 owner c0  and the state view (bindsim state) may be
 *   assert ctx c0 object 1 no resv.start 0x8000000   asserted after a step:
 *                             "assert SECTION... KEY VALUE" holds if a line
 *                             KEY VALUE is in that section, "... no KEY
 *                             VALUE" if none is. A failed assertion is an
 *                             'assert' finding (signature "assert line:N").
 */
#ifndef _BINDSIM_REPRO_H
#define _BINDSIM_REPRO_H

#include <stdio.h>
#include "check.h"

#define REPRO_MAX_STEPS 64
#define REPRO_MAX_ASSERTS 64

struct repro_step {
	struct op op;
	struct op_fault fault;
	unsigned int line;
	bool want_set;		/* "OP = RET": the return code asserted */
	int want_ret;
};

/* "assert SECTION... [no] KEY VALUE", checked after @after steps. */
struct repro_assert {
	unsigned int after;
	unsigned int line;
	bool negate;
	char path[96];		/* "group g0", "ctx c0 object 3" */
	char key[48];
	char value[64];
};

struct repro {
	char rev[32];
	char world_name[128];	/* "default", or empty when embedded */
	char *world_text;	/* embedded world (malloc'd) or NULL */
	struct world_spec spec;
	unsigned int boot;
	char expect[128];	/* signature, or "clean" */
	unsigned int nr_steps;
	struct repro_step steps[REPRO_MAX_STEPS];
	unsigned int nr_asserts;
	struct repro_assert asserts[REPRO_MAX_ASSERTS];
	/* replay: print the state view after every step / after the last */
	bool trace_state, trace_final_state;
	/* replay: a trace without call chains (the fuzz harness's crash) */
	bool no_chains;
};

/* The revision this binary was built as (Makefile: -DBINDSIM_REV=...). */
const char *bindsim_revision(void);

/* -1 on malformed input with "file:line: message" in err. */
int repro_parse(const char *text, const char *name, struct repro *r,
		char *err, size_t errlen);
int repro_parse_file(const char *path, struct repro *r, char *err,
		     size_t errlen);
void repro_free(struct repro *r);
void repro_write(FILE *f, const struct repro *r,
		 const struct bfinding *finding);

/*
 * Replay: boot, run every step with its fault, check after every step
 * exactly as the explorer does. @trace (may be NULL) gets the report.
 * Every distinct finding lands in @out. Returns 0, or -1 if the world
 * does not boot.
 */
int repro_run(const struct repro *r, FILE *trace, struct check_result *out);
bool repro_matches(const struct repro *r, const struct check_result *out);
/* The return code of each step the last repro_run() ran. */
const int *repro_last_returns(unsigned int *nr);
/* What each step handed back (op_format_result() prints it) */
const struct op_result *repro_last_results(unsigned int *nr);
/* Steps of the last repro_run() whose fault was asked for, not injected. */
unsigned int repro_last_missed_faults(void);
/* Replays @r and reports whether it shows its 'expect' line. */
bool repro_reproduces(const struct repro *r);
/*
 * The kernel-shaped part of a finding's report, after its short lines:
 * the kmemleak block with the allocation's backtrace, the WARNING or oops
 * splat with its call trace, each line after @prefix. Prints nothing for
 * a finding without a captured chain (the explorer, the fuzzer).
 */
void repro_print_chains(FILE *t, const struct bfinding *f,
			const char *prefix);
/*
 * Replay @r with call chains captured and give the finding with
 * signature @f->sig its chains; false if the replay does not show it.
 * The chains stay valid until the next boot.
 */
bool repro_chains_of(const struct repro *r, struct bfinding *f);
/* A file name for a signature: "leak f:kzalloc" -> "leak-f-kzalloc" */
void repro_file_name(const char *sig, char *out, size_t len);
/* Shrink while the expected signature still reproduces; returns steps. */
unsigned int repro_minimise(struct repro *r, FILE *log);
/* A CMocka regression test asserting the reproducer's expectation. */
void repro_to_cmocka(FILE *f, const struct repro *r, const char *src);

const char *errno_name(int err);

#endif
