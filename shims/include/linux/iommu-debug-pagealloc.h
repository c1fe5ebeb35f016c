/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: stub. The IOMMU debug page-alloc hooks; CONFIG_IOMMU_DEBUG_PAGEALLOC is off.
 */
#ifndef _LINUX_IOMMU_DEBUG_PAGEALLOC_H
#define _LINUX_IOMMU_DEBUG_PAGEALLOC_H


#endif
