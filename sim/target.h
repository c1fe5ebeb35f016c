/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The target: the iommufd implementation the engine drives and judges.
 * Two implement this interface and the engine is compiled once against
 * each: model/target.c (bindsim's own look-alike, model/) and
 * ktree/target.c (the kernel tree's drivers/iommu/iommufd/ compiled
 * unmodified). Everything else the engine calls is the kernel's exported
 * in-kernel API (<linux/iommufd.h>) through the VFIO stand-in, or plain
 * reads of the target's own structures (iommufd_private.h).
 */
#ifndef _BINDSIM_TARGET_H
#define _BINDSIM_TARGET_H

#include <linux/types.h>

struct iommufd_ctx;
struct iommufd_ioas;
struct iommufd_hwpt_paging;

/* "model" or "tree"; a one-line description of what was compiled. */
extern const char target_kind[];
const char *target_describe(void);

/* At world boot, before anything else: lock classes, module init. */
int target_boot(void);
/* open("/dev/iommu"): a new context, or an ERR_PTR. */
struct iommufd_ctx *target_open(void);
/*
 * Assumption: a world bounds each context's object ids to 1..max (the
 * kernel's bound is 2^31 - 1); past it, id allocation fails with -EBUSY
 * as the kernel's does when the id space is full.
 */
void target_set_id_limit(struct iommufd_ctx *ictx, u32 max);

/* The ioctls the engine issues, with the kernel's return values. */
int target_ioas_alloc(struct iommufd_ctx *ictx, u32 *out_id);
/* IOMMU_IOAS_MAP with a fixed IOVA (a world's mapping fixture) */
int target_ioas_map_fixed(struct iommufd_ctx *ictx, u32 ioas_id,
			  unsigned long iova, unsigned long length);
/* IOMMU_IOAS_UNMAP; iova 0 with length U64_MAX unmaps everything */
int target_ioas_unmap(struct iommufd_ctx *ictx, u32 ioas_id, u64 iova,
		      u64 length, u64 *unmapped);

#define TARGET_MAX_RANGES 8

struct target_range {
	u64 start, last;
};

/*
 * IOMMU_IOAS_IOVA_RANGES with room for @max ranges: *num receives the
 * count the kernel reports (which may exceed @max: -EMSGSIZE).
 */
int target_ioas_iova_ranges(struct iommufd_ctx *ictx, u32 ioas_id,
			    struct target_range *out, u32 max, u32 *num);
int target_hwpt_alloc(struct iommufd_ctx *ictx, u32 dev_id, u32 pt_id,
		      u32 flags, u32 *out_id);
int target_destroy(struct iommufd_ctx *ictx, u32 id);

/* Views of target-specific structures for the canonical state. */
struct target_resv {
	unsigned long start, last;
	const void *owner;
};

/* An IOAS's reserved ranges in ascending order; returns how many. */
unsigned int target_ioas_resv(struct iommufd_ioas *ioas,
			      struct target_resv *out, unsigned int max);
/* An IOAS's mapped areas in ascending order (owner NULL). */
unsigned int target_ioas_areas(struct iommufd_ioas *ioas,
			       struct target_resv *out, unsigned int max);
unsigned int target_ioas_nr_domains(struct iommufd_ioas *ioas);
/* The hwpt's domain holds the IOAS mappings (iopt_table_add_domain). */
bool target_hwpt_filled(struct iommufd_hwpt_paging *hwpt_paging);

#endif
