/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The exhaustive explorer: breadth first over canonical states, every
 * operation at every state, with no fault and with a fault at each of its
 * fault points, all invariants checked.
 */
#ifndef _BINDSIM_EXPLORE_H
#define _BINDSIM_EXPLORE_H

#include "repro.h"

/* Caps for a world file unless the command line sets them (0: none). */
#define EXPLORE_FILE_MAX_STATES		2000000ULL
#define EXPLORE_FILE_MAX_MEMORY_MIB	8192ULL

/* Why a walk ended before its closure or depth bound. */
enum explore_stop {
	EXPLORE_NOT_STOPPED,
	EXPLORE_STOP_FINDINGS,		/* --max-findings reached */
	EXPLORE_STOP_KIND,		/* a finding of --stop-on KIND */
	/* from here on: a bound or a signal, never a closure */
	EXPLORE_STOP_INTERRUPTED,	/* SIGINT or SIGTERM */
	EXPLORE_STOP_MAX_STATES,	/* --max-states */
	EXPLORE_STOP_MAX_MEMORY,	/* --max-memory (resident set size) */
	EXPLORE_STOP_TIME_LIMIT,	/* --time-limit */
};

struct explore_finding;

struct explore_opts {
	const struct world_spec *spec;
	const char *world_name;		/* for reproducers: built-in name */
	const char *world_text;		/* or the world text to embed */
	int depth;			/* < 0: to closure */
	unsigned int shard, nr_shards;	/* this shard of nr_shards */
	unsigned int max_findings;	/* 0: no limit */
	int stop_kind;			/* stop at a finding of this kind, -1 */
	bool no_faults;			/* only uninjected runs */
	bool no_check;			/* benchmarks: judge nothing */
	/*
	 * Key states by their canonical form with object ids renamed to a
	 * canonical order, least under the world's permutations of identical
	 * devices and contexts (check.h, struct canon's sym): one state per
	 * class of states that differ only so.
	 */
	bool symmetry;
	/* after the walk, count the states found up to that symmetry */
	bool count_orbits;
	FILE *progress;			/* periodic progress lines, or NULL */
	bool progress_tty;		/* one line, rewritten in place */
	unsigned long long max_states;	/* 0: no limit */
	unsigned long long max_memory_mib; /* resident set size, 0: none */
	double time_limit;		/* seconds, 0: none */
	/*
	 * Called once per finding, when it is first seen (its repro is the
	 * path found, not yet minimised). It may run operations, e.g.
	 * repro_minimise(): the explorer restores its own state afterwards.
	 */
	void (*on_finding)(struct explore_finding *ef, void *arg);
	void *arg;
	/* tests: keep only this many bits of the state hash (0: all) */
	unsigned int hash_bits;
	/* tests: a keyframe after this many parent deltas (0: the default) */
	unsigned int chain_max;
	/*
	 * tests: after the walk, restore every state (in an order shuffled
	 * with this seed, then backwards) and compare with a copy of its
	 * image kept when it was added (0: no such check)
	 */
	unsigned long long verify_restore;
	/*
	 * Worker processes (0 or 1: none). The walk, its report and the
	 * order findings are seen in are those of one process.
	 */
	unsigned int jobs;
	/* tests: the smallest BFS level handed to workers (0: default) */
	unsigned int par_min;
};

struct explore_finding {
	struct bfinding f;
	struct repro repro;		/* the shortest path found */
	unsigned long long count;	/* transitions that showed it */
	double secs;			/* time to first sight */
};

struct explore_stats {
	unsigned long long states;	/* distinct canonical states */
	unsigned long long expanded;	/* states whose operations ran */
	unsigned long long transitions;	/* uninjected operation runs */
	unsigned long long injections;	/* fault-injected runs */
	unsigned long long fault_points; /* distinct fault sites injected */
	unsigned int max_depth;
	bool closure;			/* frontier exhausted */
	bool stopped;			/* stop != EXPLORE_NOT_STOPPED */
	enum explore_stop stop;		/* why it stopped early */
	unsigned long long hash_collisions; /* equal hashes, other states */
	size_t key_bytes;		/* canonical keys (in snapshot_bytes) */
	double secs;
	long peak_rss_kb;
	size_t snapshot_bytes;		/* stored: image deltas and keys */
	size_t record_bytes;		/* per-state records (parent, op...) */
	size_t table_bytes;		/* the hash table */
	unsigned long long keyframes;	/* deltas against the boot state */
	unsigned long long deltas_decoded; /* to restore states */
	unsigned long long restore_checked; /* o->verify_restore: restores */
	unsigned long long restore_errors;  /* ... that differed */
	u64 order_digest;		/* of the states in the order found */
	unsigned long long orbits;	/* o->count_orbits: up to symmetry */
	/*
	 * -j N: levels given to workers; CPU seconds of the parent while
	 * they ran (the merge), of the workers, and of the critical path:
	 * the least the walk can take on min(N, CPUs) free cores.
	 */
	unsigned int par_levels;
	double par_merge_cpu, par_worker_cpu, par_critical_cpu;
};

/* Returns 0, or -1 if the world cannot boot (message on stderr). */
int explore(const struct explore_opts *o, struct explore_stats *st,
	    struct explore_finding **findings, unsigned int *nr_findings);

/* Name of a stop reason for reports ("max-states", ...; "" if none). */
const char *explore_stop_name(enum explore_stop stop);
/* SIGINT and SIGTERM stop the walk (a second one ends the process). */
void explore_catch_signals(void);
/* What the signal handler does: stop the walk at the next operation. */
void explore_interrupt(void);
/* The process's resident set size in KiB (0 if unknown). */
long explore_rss_kb(void);

/* Which fault sites the last explore() injected, and what followed. */
struct site_cov {
	const struct sim_site *site;
	unsigned long long injected;
	unsigned long long findings;
};
const struct site_cov *explore_site_coverage(unsigned int *nr);

#endif
