/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The judge: canonical state, invariants, findings with signatures.
 */
#ifndef _BINDSIM_CHECK_H
#define _BINDSIM_CHECK_H

#include <stdio.h>
#include "ops.h"

/* A finding as the engine reports it: kind, signature, message. */
struct bfinding {
	enum sim_finding_kind kind;
	char sig[128];		/* "kind func:what", the dedup/replay key */
	char where[128];	/* file:line func of the site */
	char msg[SIM_MSG_LEN + 64];
	char alloc[200];	/* leaks, use after free: allocation site */
	/* call chains (bindsim/stack.h): 0 unless a trace captured them */
	unsigned int stack;		/* at the finding (WARN, oops) */
	unsigned int alloc_stack;	/* of the allocation concerned */
	unsigned int alloc_size;	/* its size, for a leak */
};

#define CHECK_MAX_FINDINGS 48

struct check_result {
	unsigned int nr;
	struct bfinding f[CHECK_MAX_FINDINGS];
};

/* Canonical state: every observable field, pointers mapped to ids. */
#define CANON_MAX 4096
struct canon {
	u32 n;
	u32 v[CANON_MAX];
	const char *lab[CANON_MAX];	/* label of each value, for diffs */
	FILE *text;		/* non-NULL: also write "label value" lines */
	bool broken;		/* reading the state faulted: equals nothing */
	/*
	 * The heap image the state was read from, where the caller keeps
	 * one (the explorer's restored snapshot): a heap still byte-equal
	 * to it has this canonical form without reading it again.
	 */
	const void *heap;
	size_t heap_len;
	/* not read yet: check_transition reads it from @heap if needed */
	bool lazy;
	/*
	 * Set by the caller (explore --symmetry's keys only): object ids
	 * renamed to a canonical order, and the least such form under the
	 * world's permutations of identical devices and contexts, so that
	 * states that differ only so read alike. Never for the checks: an
	 * id a failed call changed is an atomicity finding.
	 */
	bool sym;
	/* while reading: the renaming (NULL: ids as they are) */
	const struct canon_ren *ren;
};

/*
 * The canonical form of the current state. Reading it runs under the
 * fault trap: false when it faulted (a wild or freed pointer left in the
 * state), with the oops finding pending for check_collect_shim().
 */
bool canon_state(struct canon *c);
u64 canon_hash(const struct canon *c);
u64 canon_hash_observable(const struct canon *c);
bool canon_equal(const struct canon *a, const struct canon *b);
/* "label: old -> new" of the first difference, for reports. */
void canon_diff(const struct canon *a, const struct canon *b, char *buf,
		size_t len);
/* Human-readable canonical state (for diffs in reports). */
char *canon_text(void);

/*
 * Transition checks for one operation run from a state whose canonical
 * form is @before (NULL: skip the atomicity check): shim findings, oops,
 * atomicity of a failed call, gates at the time of the call. A lazy
 * @before is read from its heap image here, only if the call failed and
 * changed the heap.
 */
void check_transition(const struct op *op, const struct op_result *res,
		      const struct sim_settings *settings_before,
		      struct canon *before, struct check_result *out);
/* State invariants: leaked reservations, consistency, ownership, gates. */
void check_state(struct check_result *out);
/*
 * Close everything from the current state and check nothing is left. The
 * heap is restored afterwards (caller passes a scratch buffer).
 */
void check_teardown(struct check_result *out, void *scratch);

void check_add(struct check_result *out, enum sim_finding_kind kind,
	       const char *sig_site, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Move the shims' recorded findings into @out (and clear them). */
void check_collect_shim(struct check_result *out, const char *phase);
bool check_has_sig(const struct check_result *r, const char *sig);
/* The kernel-style report title of a finding ("memory leak in F"). */
void check_title(const struct bfinding *f, char *buf, size_t len);

#endif
