/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bindsim: what the tree target's stand-ins offer the engine beyond the
 * kernel's own interfaces. Kind: custom.
 */
#ifndef _BINDSIM_KTREE_H
#define _BINDSIM_KTREE_H

struct io_pagetable;

/* IOMMU_IOAS_MAP with IOMMU_IOAS_MAP_FIXED_IOVA, as a range (no pages). */
int sim_iopt_map_fixed(struct io_pagetable *iopt, unsigned long iova,
		       unsigned long length);
/* IOMMU_IOAS_UNMAP of a range: the bytes of the areas removed. */
int sim_iopt_unmap_iova(struct io_pagetable *iopt, unsigned long iova,
			unsigned long length, unsigned long *unmapped);

#endif
