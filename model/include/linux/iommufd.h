/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The in-kernel iommufd API, as drivers (VFIO, the selftest) call it.
 */
#ifndef _LINUX_IOMMUFD_H
#define _LINUX_IOMMUFD_H

#include <linux/types.h>

struct device;
struct file;
struct iommufd_ctx;
struct iommufd_device;

struct iommufd_device *iommufd_device_bind(struct iommufd_ctx *ictx,
					   struct device *dev, u32 *id);
void iommufd_device_unbind(struct iommufd_device *idev);
int iommufd_device_attach(struct iommufd_device *idev, ioasid_t pasid,
			  u32 *pt_id);
int iommufd_device_replace(struct iommufd_device *idev, ioasid_t pasid,
			   u32 *pt_id);
void iommufd_device_detach(struct iommufd_device *idev, ioasid_t pasid);
struct iommufd_ctx *iommufd_device_to_ictx(struct iommufd_device *idev);
u32 iommufd_device_to_id(struct iommufd_device *idev);

void iommufd_ctx_get(struct iommufd_ctx *ictx);
void iommufd_ctx_put(struct iommufd_ctx *ictx);
bool iommufd_ctx_has_group(struct iommufd_ctx *ictx,
			   struct iommu_group *group);

#endif
