// SPDX-License-Identifier: GPL-2.0-only
/*
 * Paging HWPTs, both user-created (IOMMU_HWPT_ALLOC) and automatic (made when
 * attaching to an IOAS). A cut-down drivers/iommu/iommufd/hw_pagetable.c
 * without nesting, fault queues or dirty tracking.
 */
#include "iommufd_private.h"

/* Fake iommu_dev value marking a noiommu software domain (bindsim). */
#define IOMMUFD_NOIOMMU_DEV (~0U)

/*
 * In the merged series a noiommu device gets a paging domain that exists only
 * in software (hwpt_noiommu.c): it answers IOVA to PA queries but translates
 * nothing. Its ops refuse every allocation flag, PASID included.
 */
static struct iommu_domain *noiommu_alloc_paging_flags(struct device *dev,
							u32 flags)
{
	struct iommu_domain *domain;

	(void)dev;
	if (flags)
		return ERR_PTR(-EOPNOTSUPP);

	domain = kzalloc_obj(struct iommu_domain, GFP_KERNEL);
	if (!domain)
		return ERR_PTR(-ENOMEM);
	domain->type = IOMMU_DOMAIN_UNMANAGED;
	domain->iommu_dev = IOMMUFD_NOIOMMU_DEV;
	return domain;
}

static void
__iommufd_hwpt_paging_destroy(struct iommufd_hwpt_paging *hwpt_paging)
{
	if (hwpt_paging->domain_added)
		iopt_table_remove_domain(&hwpt_paging->ioas->iopt,
					 hwpt_paging->common.domain);
	if (hwpt_paging->common.domain)
		iommu_domain_free(hwpt_paging->common.domain);
	refcount_dec(&hwpt_paging->ioas->obj.users);
}

void iommufd_hwpt_paging_destroy(struct iommufd_object *obj)
{
	struct iommufd_hwpt_paging *hwpt_paging =
		container_of(obj, struct iommufd_hwpt_paging, common.obj);

	if (!list_empty(&hwpt_paging->hwpt_item)) {
		mutex_lock(&hwpt_paging->ioas->mutex);
		list_del_init(&hwpt_paging->hwpt_item);
		mutex_unlock(&hwpt_paging->ioas->mutex);
	}
	__iommufd_hwpt_paging_destroy(hwpt_paging);
}

/* Abort path for a hwpt not yet finalized; ioas->mutex is held. */
void iommufd_hwpt_paging_abort(struct iommufd_object *obj)
{
	struct iommufd_hwpt_paging *hwpt_paging =
		container_of(obj, struct iommufd_hwpt_paging, common.obj);

	lockdep_assert_held(&hwpt_paging->ioas->mutex);
	if (!list_empty(&hwpt_paging->hwpt_item))
		list_del_init(&hwpt_paging->hwpt_item);
	__iommufd_hwpt_paging_destroy(hwpt_paging);
}

/**
 * iommufd_hwpt_paging_alloc() - Create a paging HWPT for a device
 * @ictx: context that will own the HWPT
 * @ioas: IOAS whose mappings the domain mirrors
 * @idev: device the domain must suit
 * @pasid: pasid the domain is for
 * @flags: IOMMU_HWPT_ALLOC_* bits
 * @immediate_attach: attach @idev while allocating
 *
 * Call with ioas->mutex held. The result comes back not yet finalized.
 */
struct iommufd_hwpt_paging *
iommufd_hwpt_paging_alloc(struct iommufd_ctx *ictx, struct iommufd_ioas *ioas,
			  struct iommufd_device *idev, ioasid_t pasid,
			  u32 flags, bool immediate_attach)
{
	struct iommufd_hwpt_paging *hwpt_paging;
	struct iommufd_hw_pagetable *hwpt;
	int rc;

	lockdep_assert_held(&ioas->mutex);

	/* Flag checks precede the object; Assumption: PASID is the only flag */
	if (flags & ~IOMMU_HWPT_ALLOC_PASID)
		return ERR_PTR(-EOPNOTSUPP);

	hwpt_paging = __iommufd_object_alloc(ictx, hwpt_paging,
					     IOMMUFD_OBJ_HWPT_PAGING,
					     common.obj);
	if (IS_ERR(hwpt_paging))
		return ERR_CAST(hwpt_paging);
	hwpt = &hwpt_paging->common;
	hwpt->pasid_compat = flags & IOMMU_HWPT_ALLOC_PASID;

	INIT_LIST_HEAD(&hwpt_paging->hwpt_item);
	/* Released in __iommufd_hwpt_paging_destroy() */
	refcount_inc(&ioas->obj.users);
	hwpt_paging->ioas = ioas;

	if (iommufd_device_is_noiommu(idev))
		hwpt->domain = noiommu_alloc_paging_flags(idev->dev, flags);
	else
		hwpt->domain = iommu_paging_domain_alloc_flags(
			idev->dev, hwpt->pasid_compat);
	if (IS_ERR(hwpt->domain)) {
		rc = PTR_ERR(hwpt->domain);
		hwpt->domain = NULL;
		goto out_abort;
	}
	hwpt_paging->enforce_cache_coherency = idev->enforce_cache_coherency;

	/*
	 * Automatic domains attach right away, since some drivers complete a
	 * domain only when a device first attaches to it.
	 */
	if (immediate_attach) {
		rc = iommufd_hw_pagetable_attach(hwpt, idev, pasid);
		if (rc)
			goto out_abort;
	}

	rc = iopt_table_add_domain(&ioas->iopt, hwpt->domain);
	if (rc)
		goto out_detach;
	hwpt_paging->domain_added = true;
	list_add_tail(&hwpt_paging->hwpt_item, &ioas->hwpt_list);
	return hwpt_paging;

out_detach:
	/* Detach puts the attach's users count, so abort sees users == 1 */
	if (immediate_attach)
		iommufd_hw_pagetable_detach(idev, pasid);
out_abort:
	iommufd_object_abort_and_destroy(ictx, &hwpt->obj);
	return ERR_PTR(rc);
}

/* The IOMMU_HWPT_ALLOC ioctl, limited to paging HWPTs on an IOAS. */
int iommufd_hwpt_alloc_ioctl(struct iommufd_ctx *ictx, u32 dev_id, u32 pt_id,
			     u32 flags, u32 *out_id)
{
	struct iommufd_hwpt_paging *hwpt_paging;
	struct iommufd_object *dev_obj, *pt_obj;
	struct iommufd_device *idev;
	struct iommufd_ioas *ioas;
	int rc;

	dev_obj = iommufd_get_object(ictx, dev_id, IOMMUFD_OBJ_DEVICE);
	if (IS_ERR(dev_obj))
		return PTR_ERR(dev_obj);
	idev = container_of(dev_obj, struct iommufd_device, obj);

	/* An absent pt_id is -EINVAL here, unlike the -ENOENT of a dev_id */
	pt_obj = iommufd_get_object(ictx, pt_id, IOMMUFD_OBJ_ANY);
	if (IS_ERR(pt_obj)) {
		rc = -EINVAL;
		goto out_put_idev;
	}
	/*
	 * A paging pt_id asks for a nested hwpt: no simulated driver offers
	 * domain_alloc_nested and no driver data is passed, so the kernel's
	 * nested allocation refuses with -EOPNOTSUPP. Any other type: -EINVAL.
	 */
	if (pt_obj->type == IOMMUFD_OBJ_HWPT_PAGING) {
		rc = -EOPNOTSUPP;
		goto out_put_pt;
	}
	if (pt_obj->type != IOMMUFD_OBJ_IOAS) {
		rc = -EINVAL;
		goto out_put_pt;
	}
	ioas = container_of(pt_obj, struct iommufd_ioas, obj);

	mutex_lock(&ioas->mutex);
	hwpt_paging = iommufd_hwpt_paging_alloc(ictx, ioas, idev,
						IOMMU_NO_PASID, flags, false);
	if (IS_ERR(hwpt_paging)) {
		rc = PTR_ERR(hwpt_paging);
		goto out_unlock;
	}
	*out_id = hwpt_paging->common.obj.id;
	/* The response reaches user space before the hwpt is published */
	rc = iommufd_ucmd_respond();
	if (rc) {
		iommufd_object_abort_and_destroy(ictx,
						 &hwpt_paging->common.obj);
		goto out_unlock;
	}
	iommufd_object_finalize(ictx, &hwpt_paging->common.obj);
out_unlock:
	mutex_unlock(&ioas->mutex);
out_put_pt:
	iommufd_put_object(ictx, pt_obj);
out_put_idev:
	iommufd_put_object(ictx, dev_obj);
	return rc;
}

/*
 * Put a users count of an attached hwpt: detach puts its own (53d0584eeb2c),
 * change_pt the one replace returns. An automatic hwpt is destroyed when this
 * was its last user, so ioas->mutex must not be held.
 */
void iommufd_hw_pagetable_put(struct iommufd_ctx *ictx,
			      struct iommufd_hw_pagetable *hwpt)
{
	struct iommufd_hwpt_paging *hwpt_paging = to_hwpt_paging(hwpt);

	if (hwpt_paging && hwpt_paging->auto_domain) {
		lockdep_assert_not_held(&hwpt_paging->ioas->mutex);
		iommufd_object_put_and_try_destroy(ictx, &hwpt->obj);
		return;
	}
	refcount_dec(&hwpt->obj.users);
}
