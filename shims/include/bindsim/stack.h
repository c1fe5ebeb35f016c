/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. Call chains for kernel-shaped reports (not a kernel header).
 *
 * While capture is on (a replay that prints its trace), allocations,
 * findings and injected faults keep the call chain they were made from,
 * as kmemleak, WARN and fault injection print it. Chains live outside the
 * heap arena, so snapshots never carry them; with capture off (the
 * explorer, the fuzzer) nothing is recorded and every lookup finds none.
 */
#ifndef _BINDSIM_STACK_H
#define _BINDSIM_STACK_H

#include <stdbool.h>
#include <stdio.h>

extern bool __sim_stack_on;

static inline bool sim_stack_enabled(void)
{
	return __sim_stack_on;
}

/* Capture on or off; returns the previous setting. */
bool sim_stack_enable(bool on);
/* Forget every chain (a new boot): ids handed out before resolve to none. */
void sim_stack_reset(void);
/* The caller's chain, as an id; 0 when capture is off. */
unsigned int sim_stack_save(void);

/* The allocation @ptr (sequence number @seq) was made from chain @id. */
void sim_stack_set_alloc(const void *ptr, unsigned long seq, unsigned int id);
/* The chain of that allocation, 0 if none was recorded. */
unsigned int sim_stack_alloc(const void *ptr, unsigned long seq);

/*
 * Print chain @id, one frame a line after @prefix, innermost first:
 * "func file:line", "[inline]" for inlined frames, in kernel terms (the
 * shims' own frames above the primitive and the engine's below the entry
 * point are cut). Returns the number of frames printed; 0 with a one-line
 * note when there is none to print (no addr2line, no debug info, only
 * bindsim's frames); 0 silently for id 0 or a chain from before a reset.
 */
unsigned int sim_stack_print(FILE *f, unsigned int id, const char *prefix);

#endif /* _BINDSIM_STACK_H */
