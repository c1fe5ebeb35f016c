/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bindsim diff: this binary's target and a peer bindsim's target in lock
 * step (see sim/diff.c).
 */
#ifndef _BINDSIM_DIFF_H
#define _BINDSIM_DIFF_H

#include "repro.h"

struct diff_opts {
	const struct world_spec *spec;
	const char *world;		/* as given: the peer loads it too */
	const char *peer;		/* the peer's bindsim binary */
	int depth;			/* < 0: to closure */
};

struct diff_divergence {
	char sig[256];			/* kind, operation, what differed */
	char detail[512];		/* the first example, in words */
	unsigned long long count;	/* transitions that showed it */
	struct repro repro;		/* the path to the first example */
};

struct diff_stats {
	unsigned long long states;	/* states both reached and expanded */
	unsigned long long transitions;	/* uninjected operation runs */
	unsigned long long injections;	/* runs injected at a shared site */
	unsigned long long compared;	/* transitions compared */
	unsigned long long peer_errors;	/* requests the peer refused */
	bool closure;
	char peer_kind[16];
	unsigned int nr;
	struct diff_divergence *dv;	/* malloc'd, nr entries */
};

/* 0 ran (divergences in st), 2 could not run (message printed). */
int diff_run(const struct diff_opts *o, struct diff_stats *st);
/* The peer's side: serve requests on stdin until "quit" or EOF. */
int diff_serve(void);

#endif
