/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The exhaustive explorer: breadth first over canonical states, every
 * operation at every state, with no fault and with a fault at each of its
 * fault points, all invariants checked.
 */
#ifndef _BINDSIM_EXPLORE_H
#define _BINDSIM_EXPLORE_H

#include "repro.h"

struct explore_opts {
	const struct world_spec *spec;
	const char *world_name;		/* for reproducers: built-in name */
	const char *world_text;		/* or the world text to embed */
	int depth;			/* < 0: to closure */
	unsigned int shard, nr_shards;	/* this shard of nr_shards */
	unsigned int max_findings;	/* 0: no limit */
	int stop_kind;			/* stop at a finding of this kind, -1 */
	bool no_faults;			/* only uninjected runs */
	FILE *progress;			/* periodic progress lines, or NULL */
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
	bool stopped;			/* --max-findings reached */
	double secs;
	long peak_rss_kb;
	size_t snapshot_bytes;
};

/* Returns 0, or -1 if the world cannot boot (message on stderr). */
int explore(const struct explore_opts *o, struct explore_stats *st,
	    struct explore_finding **findings, unsigned int *nr_findings);

/* Which fault sites the last explore() injected, and what followed. */
struct site_cov {
	const struct sim_site *site;
	unsigned long long injected;
	unsigned long long findings;
};
const struct site_cov *explore_site_coverage(unsigned int *nr);

#endif
