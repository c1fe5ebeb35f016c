/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The explorer's insides, shared by the serial walk (explore.c) and the
 * worker processes of -j N (explore_par.c).
 */
#ifndef _BINDSIM_EXPLORE_INT_H
#define _BINDSIM_EXPLORE_INT_H

#include <time.h>

#include "iommufd_private.h"
#include "explore.h"

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

/*
 * Longest chain of parent deltas between a state and a keyframe: restoring
 * a state applies at most this many deltas (o->chain_max, a test hook, can
 * make it shorter).
 */
#define XCHAIN_MAX 32

struct xstate {
	u8 *snap;		/* boot state: the heap; others: a delta; */
				/* then the canonical key (klen bytes) */
	u32 len;		/* heap bytes */
	u32 dlen;		/* snapshot bytes stored */
	u32 parent;		/* UINT32_MAX for a boot state */
	u16 klen;		/* canonical key bytes, after the snapshot */
	u64 hash;
	u16 depth;
	u8 boot;
	u8 pos;			/* 0: boot state; 1: a keyframe, its delta */
				/* against the boot state; else a delta */
				/* against its parent, pos(parent) + 1 */
	struct op op;		/* the operation from the parent */
};

/* A decoded image: of the last state decoded at one chain position. */
struct xslot {
	u32 idx;		/* UINT32_MAX: none */
	u64 *img;		/* SIM_HEAP_SIZE, allocated when first used */
};

struct xsearch {
	const struct explore_opts *o;
	struct explore_stats *st;
	struct xstate *states;
	size_t nr_states, cap_states;
	u64 *table;		/* open addressing: hash|1, 0 = empty */
	u32 *table_idx;
	size_t table_cap;
	u8 *chunk;		/* snapshot storage */
	size_t chunk_left;
	void **chunks;		/* every chunk, for freeing */
	size_t nr_chunks;
	struct explore_finding *findings;
	unsigned int nr_findings, cap_findings;
	void *scratch;
	u64 *decoded;		/* SIM_HEAP_SIZE: scratch to encode from */
	/*
	 * The images last decoded at each chain position: restoring a state
	 * whose parent (or grandparent...) is here applies only the deltas
	 * below it. Breadth-first order restores siblings one after another,
	 * and adds a state while its parent is the image restored.
	 */
	struct xslot path[XCHAIN_MAX + 1];
	unsigned int chain_max;	/* keyframe when a chain would be longer */
	u8 *encoded;		/* worst-case delta buffer */
	u64 **copies;		/* o->verify_restore: each state's image */
	u32 roots[W_MAX_BOOTS];	/* boot state index per variant */
	struct canon *scratch_canon[2];
	u8 *key;		/* the canonical key being looked up */
	size_t klen;
	u64 hash_mask;		/* o->hash_bits (a test hook), else ~0 */
	struct timespec t0;
	double next_check;	/* elapsed() of the next time/memory check */
	double last_progress;
	unsigned long long last_runs;
	unsigned int cur_depth;
	bool warned_canon;
	/*
	 * In a worker process of -j N: where expand() sends what it found
	 * (par_successor(), par_record()) instead of adding it; NULL in the
	 * process that owns the walk.
	 */
	struct par_out *par;
};

/* explore.c, for explore_par.c */
bool explore_enough(struct xsearch *x);
void explore_check_bounds(struct xsearch *x, size_t head);
void explore_expand(struct xsearch *x, u32 idx);
void explore_walk(struct xsearch *x, size_t *head, size_t end);
bool explore_skip(const struct xsearch *x, u32 idx);
void explore_record(struct xsearch *x, const struct check_result *cr, u32 idx,
		    const struct op *op, const struct op_fault *fault);
bool explore_owned(const struct xsearch *x, u64 hash);
size_t explore_key(struct xsearch *x, const struct canon *c, u64 *hash);
size_t explore_find(struct xsearch *x, u64 hash, long *idx,
		    unsigned long long *collisions);
void explore_table_reserve(struct xsearch *x);
size_t explore_encode(struct xsearch *x, u32 parent, u8 boot, u32 len);
u32 explore_append(struct xsearch *x, size_t slot, u64 hash, u32 len,
		   const u8 *enc, size_t dlen, u32 parent, u16 depth, u8 boot,
		   const struct op *op);
void explore_checked(struct xsearch *x, u32 idx, const struct check_result *cr);
void explore_warn_canon(struct xsearch *x, u32 n);
struct site_cov *explore_cov(unsigned int *nr);

/* explore_par.c */
struct par_out;
/* The walk from states[*head] on with o->jobs worker processes. */
void par_walk(struct xsearch *x, size_t *head);
/* In a worker: a successor of state @parent is in the heap (canon @c). */
void par_successor(struct xsearch *x, const struct canon *c, u32 parent,
		   const struct op *op);
/* In a worker: what record() would be given. */
void par_record(struct xsearch *x, const struct check_result *cr,
		const struct op *op, const struct op_fault *fault);

#endif
