/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VFIO side of noiommu (drivers/vfio/group.c, device_cdev.c and
 * iommufd.c reduced to the gates and the caller discipline;
 * kernel-facts.md section 6).
 */
#ifndef __BINDSIM_VFIO_H
#define __BINDSIM_VFIO_H

#include <linux/iommufd.h>
#include <linux/types.h>

#define VFIO_MAX_PASIDS 2

struct vfio_device {
	struct device *dev;
	bool registered;
	/* registered as a VFIO noiommu device */
	bool noiommu;
	struct iommu_group *noiommu_group; /* the fake group VFIO created */
	struct iommufd_device *iommufd_device;
	struct iommufd_ctx *iommufd_ictx;
	u32 devid;
	bool attached[VFIO_MAX_PASIDS];	/* what this driver attached */
};

int vfio_register_group_dev(struct vfio_device *vdev);
int vfio_unregister_group_dev(struct vfio_device *vdev);
int vfio_device_cdev_open_bind(struct vfio_device *vdev,
			       struct iommufd_ctx *ictx, u32 *devid);
int vfio_iommufd_physical_bind(struct vfio_device *vdev,
			       struct iommufd_ctx *ictx, u32 *devid);
void vfio_iommufd_physical_unbind(struct vfio_device *vdev);
int vfio_iommufd_physical_attach(struct vfio_device *vdev, ioasid_t pasid,
				 u32 *pt_id);
void vfio_iommufd_physical_detach(struct vfio_device *vdev, ioasid_t pasid);

#endif
