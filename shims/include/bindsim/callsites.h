/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom (build glue). Call-site macros for the iommu-core entry
 * points that the kernel declares in drivers/iommu/iommu-priv.h. Each call
 * names its caller's file:line and function in findings and fault points.
 *
 * <linux/iommu.h> includes this at its end; a build that compiles the
 * kernel tree's files defines BINDSIM_LATE_CALLSITES and includes it after
 * the tree's iommu-priv.h, whose prototypes a function-like macro would
 * otherwise rewrite (see ktree/prelude.h).
 */
#ifndef _BINDSIM_CALLSITES_H
#define _BINDSIM_CALLSITES_H

#define iommu_attach_group_handle(d, g, h)				\
	sim_iommu_attach_group_handle((d), (g), (h),			\
		SIM_FAULT_SITE("iommu_attach_group_handle"))
#define iommu_detach_group_handle(d, g)					\
	sim_iommu_detach_group_handle((d), (g),				\
		SIM_SITE("iommu_detach_group_handle"))
#define iommu_replace_group_handle(g, d, h)				\
	sim_iommu_replace_group_handle((g), (d), (h),			\
		SIM_FAULT_SITE("iommu_replace_group_handle"))
#define iommu_attach_device_pasid(d, dev, pasid, h)			\
	sim_iommu_attach_device_pasid((d), (dev), (pasid), (h),		\
		SIM_FAULT_SITE("iommu_attach_device_pasid"))
#define iommu_replace_device_pasid(d, dev, pasid, h)			\
	sim_iommu_replace_device_pasid((d), (dev), (pasid), (h),	\
		SIM_FAULT_SITE("iommu_replace_device_pasid"))
#define iommu_detach_device_pasid(d, dev, pasid)			\
	sim_iommu_detach_device_pasid((d), (dev), (pasid),		\
		SIM_SITE("iommu_detach_device_pasid"))
#define iommu_attach_handle_get(g, pasid, type)				\
	sim_iommu_attach_handle_get((g), (pasid), (type),		\
		SIM_SITE("iommu_attach_handle_get"))

#endif
