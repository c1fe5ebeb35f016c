/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The runtime of the programs 'bindsim to-selftest' generates: a
 * reproducer's steps as a table, run through the real uAPI (/dev/iommu and
 * the VFIO cdevs) on the booted kernel, with KTAP output and a verdict.
 * Built statically against the tree's uapi headers (mk/confirm.mk).
 */
#ifndef _BINDSIM_CONFIRM_RUNTIME_H
#define _BINDSIM_CONFIRM_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>

#define CF_MAX_DEVS 8
#define CF_MAX_CTXS 3
#define CF_MAX_MAPS 2

enum cf_kind {
	CF_BIND, CF_UNBIND, CF_ATTACH, CF_DETACH, CF_HWPT_ALLOC, CF_DESTROY,
	CF_CLOSE, CF_SET,
};

enum cf_param { CF_ALLOW_UNSAFE_INTERRUPTS, CF_ENABLE_UNSAFE_NOIOMMU_MODE,
		CF_CAP_SYS_RAWIO };

struct cf_step {
	const char *text;	/* the reproducer's line */
	enum cf_kind kind;
	int dev, ctx;
	uint32_t pasid, flags, id, id2;
	int param, value;
	unsigned int fail_nth;	/* 0: no injected fault */
	const char *fail_site;	/* bindsim's FUNC:WHAT, for the report */
	bool expect_known;	/* bindsim ran this step */
	int expect_rc;		/* what bindsim returned (0 or -errno) */
};

struct cf_map {
	uint64_t iova, length;
};

struct cf_ctx {
	const char *name;
	bool ioas;
	unsigned int nr_maps;
	struct cf_map maps[CF_MAX_MAPS];
};

struct cf_test {
	const char *name;	/* the reproducer's file name */
	const char *expect;	/* bindsim's signature, or "clean" */
	unsigned int nr_devs;
	const char *dev_names[CF_MAX_DEVS];
	const char *dev_paths[CF_MAX_DEVS];	/* VFIO cdev, or NULL */
	unsigned int nr_ctxs;
	struct cf_ctx ctxs[CF_MAX_CTXS];
	int params[3];		/* boot values of enum cf_param, -1: keep */
	uint64_t window;	/* the devices' reserved MSI window */
	uint64_t window_len;
	unsigned int nr_steps;
	const struct cf_step *steps;
};

/* Runs @t; prints KTAP and a "# verdict:" line; returns 0. */
int cf_run(const struct cf_test *t);

#endif
