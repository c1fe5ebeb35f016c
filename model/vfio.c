// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VFIO side: device registration, which settles whether a device may be
 * noiommu; the checks made when the cdev is opened; and how a VFIO driver calls
 * into iommufd. In bindsim every in-kernel iommufd user follows the same
 * attach/detach rules.
 */
#include "iommufd_private.h"
#include "vfio.h"

/* A writable (0644) vfio module parameter, held in world state. */
#define vfio_noiommu (IS_ENABLED(CONFIG_VFIO_NOIOMMU) && \
		      sim_kernel()->settings.enable_unsafe_noiommu_mode)

/*
 * A device lacking an iommu_group can only register as noiommu, which needs
 * CONFIG_VFIO_NOIOMMU and enable_unsafe_noiommu_mode set *when registering*.
 * Doing so taints the kernel.
 */
int vfio_register_group_dev(struct vfio_device *vdev)
{
	struct iommu_group *group;
	int rc;

	if (vdev->registered)
		return -EBUSY;
	if (vdev->dev->iommu_group) {
		/* VFIO always maps with IOMMU_CACHE: coherency is required */
		if (!device_iommu_capable(vdev->dev,
					  IOMMU_CAP_CACHE_COHERENCY))
			return -EINVAL;
		vdev->registered = true;
		return 0;
	}
	if (!vfio_noiommu)
		return -EINVAL;

	group = iommu_group_alloc();
	if (!group)
		return -ENOMEM;
	rc = iommu_group_add_device(group, vdev->dev);
	/* The device keeps the group alive; release our allocation ref */
	iommu_group_put(group);
	if (rc)
		return rc;

	add_taint(TAINT_USER, LOCKDEP_STILL_OK);
	dev_warn(vdev->dev,
		 "Adding kernel taint for vfio-noiommu group on device\n");
	vdev->noiommu_group = group;
	vdev->noiommu = true;
	vdev->registered = true;
	return 0;
}

/* Where the kernel would block until close, bindsim returns -EBUSY. */
int vfio_unregister_group_dev(struct vfio_device *vdev)
{
	if (!vdev->registered)
		return -ENODEV;
	if (vdev->iommufd_device)
		return -EBUSY;
	if (vdev->noiommu) {
		iommu_group_remove_device(vdev->dev);
		vdev->noiommu_group = NULL;
		vdev->noiommu = false;
	}
	vdev->registered = false;
	return 0;
}

/* VFIO_DEVICE_BIND_IOMMUFD: bind on behalf of the device's driver. */
int vfio_iommufd_physical_bind(struct vfio_device *vdev,
			       struct iommufd_ctx *ictx, u32 *devid)
{
	struct iommufd_device *idev;

	/* A second bind is -EINVAL, as vfio_df_open() refuses a 2nd cdev open */
	if (vdev->iommufd_device)
		return -EINVAL;
	idev = iommufd_device_bind(ictx, vdev->dev, devid);
	if (IS_ERR(idev))
		return PTR_ERR(idev);
	vdev->iommufd_device = idev;
	vdev->iommufd_ictx = ictx;
	vdev->devid = *devid;
	return 0;
}

/*
 * Open the cdev and bind. Only registered devices have a cdev; for a noiommu
 * device the cdev requires CONFIG_IOMMUFD_NOIOMMU, and the opener needs
 * CAP_SYS_RAWIO.
 */
int vfio_device_cdev_open_bind(struct vfio_device *vdev,
			       struct iommufd_ctx *ictx, u32 *devid)
{
	if (!vdev->registered)
		return -ENODEV;
	if (vdev->noiommu) {
		if (!IS_ENABLED(CONFIG_IOMMUFD_NOIOMMU))
			return -ENODEV;
		if (!capable(CAP_SYS_RAWIO))
			return -EPERM;
	}
	return vfio_iommufd_physical_bind(vdev, ictx, devid);
}

/* Device close: detach the PASIDs, then NO_PASID, then unbind. */
void vfio_iommufd_physical_unbind(struct vfio_device *vdev)
{
	ioasid_t pasid;

	if (!vdev->iommufd_device)
		return;
	for (pasid = IOMMU_NO_PASID + 1; pasid < VFIO_MAX_PASIDS; pasid++)
		vfio_iommufd_physical_detach(vdev, pasid);
	vfio_iommufd_physical_detach(vdev, IOMMU_NO_PASID);
	iommufd_device_unbind(vdev->iommufd_device);
	vdev->iommufd_device = NULL;
	vdev->iommufd_ictx = NULL;
	vdev->devid = 0;
}

/* VFIO_DEVICE_ATTACH_IOMMUFD_PT: replace if attached, else attach. */
int vfio_iommufd_physical_attach(struct vfio_device *vdev, ioasid_t pasid,
				 u32 *pt_id)
{
	int rc;

	if (!vdev->iommufd_device || pasid >= VFIO_MAX_PASIDS)
		return -EINVAL;
	if (vdev->attached[pasid])
		return iommufd_device_replace(vdev->iommufd_device, pasid,
					      pt_id);
	rc = iommufd_device_attach(vdev->iommufd_device, pasid, pt_id);
	if (rc)
		return rc;
	vdev->attached[pasid] = true;
	return 0;
}

/* VFIO_DEVICE_DETACH_IOMMUFD_PT: does nothing if not attached. */
void vfio_iommufd_physical_detach(struct vfio_device *vdev, ioasid_t pasid)
{
	if (!vdev->iommufd_device || pasid >= VFIO_MAX_PASIDS ||
	    !vdev->attached[pasid])
		return;
	iommufd_device_detach(vdev->iommufd_device, pasid);
	vdev->attached[pasid] = false;
}
