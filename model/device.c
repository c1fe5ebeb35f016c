// SPDX-License-Identifier: GPL-2.0-only
/*
 * Binding and unbinding devices, and attaching, detaching and replacing their
 * page tables. Models drivers/iommu/iommufd/device.c in mainline after the
 * noiommu series merged (kernel-facts.md sections 3 and 5.2).
 */
#include "iommufd_private.h"

/* A writable (0644) iommufd module parameter, held in world state. */
#define allow_unsafe_interrupts (sim_kernel()->settings.allow_unsafe_interrupts)

/*
 * True when no IOMMU driver serves the device. The test looks at dev->iommu
 * rather than the iommu_group, because legacy VFIO hands such devices a fake
 * "vfio-noiommu" group. Like the kernel, it is evaluated afresh on every call.
 */
bool iommufd_device_is_noiommu(struct iommufd_device *idev)
{
	return IS_ENABLED(CONFIG_IOMMUFD_NOIOMMU) && !idev->dev->iommu;
}

static void iommufd_group_release(struct kref *kref)
{
	struct iommufd_group *igroup =
		container_of(kref, struct iommufd_group, ref);

	WARN_ON(!xa_empty(&igroup->pasid_attach));

	/* Only igroups with a real group are kept in ictx->groups */
	if (igroup->group) {
		xa_cmpxchg(&igroup->ictx->groups,
			   iommu_group_id(igroup->group), igroup, NULL,
			   GFP_KERNEL);
		iommu_group_put(igroup->group);
	}
	mutex_destroy(&igroup->lock);
	kfree(igroup);
}

void iommufd_put_group(struct iommufd_group *igroup)
{
	/* The kernel would oops on NULL inside kref_put(); model that */
	if (!sim_deref(igroup))
		return;
	kref_put(&igroup->ref, iommufd_group_release);
}

static bool iommufd_group_try_get(struct iommufd_group *igroup,
				  struct iommu_group *group)
{
	if (!igroup)
		return false;
	/*
	 * An igroup found under xa_lock still holds its group, so that group id
	 * cannot yet belong to a different group; a mismatch is a bug.
	 */
	if (WARN_ON(igroup->group != group))
		return false;
	return kref_get_unless_zero(&igroup->ref);
}

/* Build a fresh igroup that takes over the caller's group reference. */
static struct iommufd_group *iommufd_alloc_group(struct iommufd_ctx *ictx,
						 struct iommu_group *group)
{
	struct iommufd_group *new_igroup;

	new_igroup = kzalloc_obj(struct iommufd_group, GFP_KERNEL);
	if (!new_igroup)
		return ERR_PTR(-ENOMEM);

	kref_init(&new_igroup->ref);
	mutex_init(&new_igroup->lock);
	xa_init(&new_igroup->pasid_attach);
	new_igroup->sw_msi_start = PHYS_ADDR_MAX;
	/* Ownership of the group reference passes here */
	new_igroup->group = group;
	/*
	 * No ictx reference is taken: every object that can reach this igroup
	 * already pins the ictx.
	 */
	new_igroup->ictx = ictx;
	return new_igroup;
}

/*
 * Find or create the igroup for dev's iommu_group. Per-group iommufd state is
 * kept in ictx->groups, keyed by group id, instead of in the iommu core's
 * structure. Each ictx has its own igroup per group, which keeps leak checking
 * simple.
 */
static struct iommufd_group *iommufd_get_group(struct iommufd_ctx *ictx,
					       struct device *dev)
{
	struct iommufd_group *new_igroup;
	struct iommufd_group *cur_igroup;
	struct iommufd_group *igroup;
	struct iommu_group *group;
	unsigned int id;

	group = iommu_group_get(dev);
	if (!group)
		return ERR_PTR(-ENODEV);

	id = iommu_group_id(group);

	xa_lock(&ictx->groups);
	igroup = xa_load(&ictx->groups, id);
	if (iommufd_group_try_get(igroup, group)) {
		xa_unlock(&ictx->groups);
		iommu_group_put(group);
		return igroup;
	}
	xa_unlock(&ictx->groups);

	new_igroup = iommufd_alloc_group(ictx, group);
	if (IS_ERR(new_igroup)) {
		iommu_group_put(group);
		return new_igroup;
	}

	cur_igroup = NULL;
	xa_lock(&ictx->groups);
	while (true) {
		igroup = __xa_cmpxchg(&ictx->groups, id, cur_igroup,
				      new_igroup, GFP_KERNEL);
		if (xa_is_err(igroup)) {
			xa_unlock(&ictx->groups);
			iommufd_put_group(new_igroup);
			return ERR_PTR(xa_err(igroup));
		}

		/* Our igroup won the slot */
		if (cur_igroup == igroup) {
			xa_unlock(&ictx->groups);
			return new_igroup;
		}

		/* Another igroup is there; try to use it */
		if (iommufd_group_try_get(igroup, group)) {
			xa_unlock(&ictx->groups);
			iommufd_put_group(new_igroup);
			return igroup;
		}
		cur_igroup = igroup;
	}
}

/*
 * Called before unbind waits: take back anything users hold on the device.
 * bindsim has no vDEVICE, so this only sets the flag that refuses new ones.
 */
void iommufd_device_pre_destroy(struct iommufd_object *obj)
{
	struct iommufd_device *idev =
		container_of(obj, struct iommufd_device, obj);

	mutex_lock(&idev->igroup->lock);
	idev->destroying = true;
	mutex_unlock(&idev->igroup->lock);
}

void iommufd_device_destroy(struct iommufd_object *obj)
{
	struct iommufd_device *idev =
		container_of(obj, struct iommufd_device, obj);

	/* No igroup means bind failed early and holds nothing */
	if (!idev->igroup)
		return;
	if (!iommufd_device_is_noiommu(idev))
		iommu_device_release_dma_owner(idev->dev);
	iommufd_put_group(idev->igroup);
	if (!iommufd_selftest_is_mock_dev(idev->dev))
		iommufd_ctx_put(idev->ictx);
}

/*
 * Bind steps for a device behind an IOMMU. A failure unwinds whatever this
 * function did; idev->igroup is set only after the last step that can fail.
 */
static int iommufd_bind_iommu(struct iommufd_device *idev)
{
	struct iommufd_ctx *ictx = idev->ictx;
	struct device *dev = idev->dev;
	struct iommufd_group *igroup;
	int rc;

	/*
	 * Userspace has no means to repair incoherent DMA, so iommufd maps with
	 * IOMMU_CACHE and requires a coherent IOMMU.
	 */
	if (!device_iommu_capable(dev, IOMMU_CAP_CACHE_COHERENCY))
		return -EINVAL;

	igroup = iommufd_get_group(ictx, dev);
	if (IS_ERR(igroup))
		return PTR_ERR(igroup);

	/*
	 * Without MSI isolation, a plain DMA write by the device could raise an
	 * interrupt that does not belong to this iommufd context. Such devices
	 * are refused unless the module parameter, kept for parity with VFIO,
	 * allows them.
	 */
	if (!iommufd_selftest_is_mock_dev(dev) &&
	    !iommu_group_has_isolated_msi(igroup->group)) {
		if (!allow_unsafe_interrupts) {
			rc = -EPERM;
			goto out_group_put;
		}
		dev_warn(dev, "MSI interrupts are not secure\n");
	}

	rc = iommu_device_claim_dma_owner(dev, ictx);
	if (rc)
		goto out_group_put;

	/* idev now owns the igroup reference */
	idev->igroup = igroup;
	idev->enforce_cache_coherency =
		device_iommu_capable(dev, IOMMU_CAP_ENFORCE_CACHE_COHERENCY);
	return 0;

out_group_put:
	iommufd_put_group(igroup);
	return rc;
}

/*
 * Bind steps for a device without an IOMMU: it gets a private igroup with no
 * iommu_group, kept out of ictx->groups, and skips the coherency, MSI and DMA
 * ownership checks.
 */
static int iommufd_bind_noiommu(struct iommufd_device *idev)
{
	struct iommufd_group *igroup;

	/*
	 * Much of the code assumes idev->igroup exists; a placeholder whose
	 * group is NULL satisfies it.
	 */
	igroup = iommufd_alloc_group(idev->ictx, NULL);
	if (IS_ERR(igroup))
		return PTR_ERR(igroup);
	idev->igroup = igroup;
	return 0;
}

/**
 * iommufd_device_bind - Put a device under the control of an iommufd
 * @ictx: context to bind into
 * @dev: the device being bound
 * @id: receives the object id to report to userspace
 *
 * On success the iommufd owns the device's DMA and the new iommufd_device is
 * returned; on failure, an ERR_PTR. Release it with iommufd_device_unbind().
 */
struct iommufd_device *iommufd_device_bind(struct iommufd_ctx *ictx,
					   struct device *dev, u32 *id)
{
	struct iommufd_device *idev;
	int rc;

	idev = iommufd_object_alloc(ictx, idev, IOMMUFD_OBJ_DEVICE);
	if (IS_ERR(idev))
		return idev;
	idev->ictx = ictx;
	idev->dev = dev;

	if (!iommufd_device_is_noiommu(idev))
		rc = iommufd_bind_iommu(idev);
	else
		rc = iommufd_bind_noiommu(idev);
	if (rc)
		goto err_out;

	/*
	 * Deferred until the helpers have succeeded, which keeps destroy
	 * correct for a half-built idev.
	 */
	if (!iommufd_selftest_is_mock_dev(dev))
		iommufd_ctx_get(ictx);
	/* The driver's users count, released by iommufd_device_unbind() */
	refcount_inc(&idev->obj.users);

	/*
	 * That count keeps the device alive if the caller errors out later and
	 * has to unbind. No other object ever references a device, so it stays
	 * a leaf.
	 */
	iommufd_object_finalize(ictx, &idev->obj);
	*id = idev->obj.id;
	return idev;

err_out:
	iommufd_object_abort_and_destroy(ictx, &idev->obj);
	return ERR_PTR(rc);
}

/**
 * iommufd_ctx_has_group - Test whether a device of @group is bound to @ictx
 * @ictx: context to search
 * @group: iommu_group to look for
 */
bool iommufd_ctx_has_group(struct iommufd_ctx *ictx,
			   struct iommu_group *group)
{
	struct iommufd_object *obj;
	unsigned long index;

	if (!ictx || !group)
		return false;

	xa_lock(&ictx->objects);
	xa_for_each(&ictx->objects, index, obj) {
		if (obj->type == IOMMUFD_OBJ_DEVICE &&
		    container_of(obj, struct iommufd_device, obj)
				    ->igroup->group == group) {
			xa_unlock(&ictx->objects);
			return true;
		}
	}
	xa_unlock(&ictx->objects);
	return false;
}

/**
 * iommufd_device_unbind - Reverse iommufd_device_bind()
 * @idev: the iommufd_device that bind returned
 *
 * Ends iommufd control of the device. It goes back to having no DMA owner,
 * with its DMA handled by the DMA API.
 */
void iommufd_device_unbind(struct iommufd_device *idev)
{
	iommufd_object_destroy_user(idev->ictx, &idev->obj);
}

struct iommufd_ctx *iommufd_device_to_ictx(struct iommufd_device *idev)
{
	return idev->ictx;
}

u32 iommufd_device_to_id(struct iommufd_device *idev)
{
	return idev->obj.id;
}

static bool iommufd_group_first_attach(struct iommufd_group *igroup,
				       ioasid_t pasid)
{
	lockdep_assert_held(&igroup->lock);
	return !xa_load(&igroup->pasid_attach, pasid);
}

/*
 * Map the group's software MSI window in a new domain. bindsim keeps no page
 * table, so the map is only a place where faults can be injected.
 */
static int iommufd_group_setup_msi(struct iommufd_group *igroup,
				   struct iommufd_hwpt_paging *hwpt_paging)
{
	struct iommufd_ctx *ictx = igroup->ictx;
	int rc;

	if (igroup->sw_msi_start == PHYS_ADDR_MAX)
		return 0;

	mutex_lock(&ictx->sw_msi_lock);
	rc = iommu_map_sw_msi(hwpt_paging->common.domain,
			      igroup->sw_msi_start);
	mutex_unlock(&ictx->sw_msi_lock);
	return rc;
}

static int
iommufd_device_attach_reserved_iova(struct iommufd_device *idev,
				    struct iommufd_hwpt_paging *hwpt_paging)
{
	struct iommufd_group *igroup = idev->igroup;
	int rc;

	lockdep_assert_held(&igroup->lock);

	rc = iopt_table_enforce_dev_resv_regions(&hwpt_paging->ioas->iopt,
						 idev->dev,
						 &igroup->sw_msi_start);
	if (rc)
		return rc;

	if (iommufd_group_first_attach(igroup, IOMMU_NO_PASID)) {
		rc = iommufd_group_setup_msi(igroup, hwpt_paging);
		if (rc) {
			iopt_remove_reserved_iova(&hwpt_paging->ioas->iopt,
						  idev->dev);
			return rc;
		}
	}
	return 0;
}

/* True if idev is in the device_array of the pasid's attachment. */
bool iommufd_device_is_attached(struct iommufd_device *idev, ioasid_t pasid)
{
	struct iommufd_attach *attach;

	attach = xa_load(&idev->igroup->pasid_attach, pasid);
	return attach && xa_load(&attach->device_array, idev->obj.id);
}

static int iommufd_hwpt_pasid_compat(struct iommufd_hw_pagetable *hwpt,
				     struct iommufd_device *idev,
				     ioasid_t pasid)
{
	struct iommufd_group *igroup = idev->igroup;

	lockdep_assert_held(&igroup->lock);

	if (pasid == IOMMU_NO_PASID) {
		unsigned long start = IOMMU_NO_PASID + 1;

		if (!hwpt->pasid_compat &&
		    sim_xa_find(&igroup->pasid_attach, &start))
			return -EINVAL;
	} else {
		struct iommufd_attach *attach;

		if (!hwpt->pasid_compat)
			return -EINVAL;

		attach = xa_load(&igroup->pasid_attach, IOMMU_NO_PASID);
		if (attach && attach->hwpt && !attach->hwpt->pasid_compat)
			return -EINVAL;
	}
	return 0;
}

static struct iommufd_attach_handle *
iommufd_device_get_attach_handle(struct iommufd_device *idev, ioasid_t pasid)
{
	struct iommu_attach_handle *handle;

	lockdep_assert_held(&idev->igroup->lock);

	handle = iommu_attach_handle_get(idev->igroup->group, pasid, 0);
	if (IS_ERR(handle))
		return NULL;
	return container_of(handle, struct iommufd_attach_handle, handle);
}

static int iommufd_hwpt_attach_device(struct iommufd_hw_pagetable *hwpt,
				      struct iommufd_device *idev,
				      ioasid_t pasid)
{
	struct iommufd_attach_handle *handle;
	int rc;

	rc = iommufd_hwpt_pasid_compat(hwpt, idev, pasid);
	if (rc)
		return rc;

	/* No IOMMU to program; the xarrays are the whole attachment */
	if (iommufd_device_is_noiommu(idev))
		return 0;

	handle = kzalloc_obj(struct iommufd_attach_handle, GFP_KERNEL);
	if (!handle)
		return -ENOMEM;

	handle->idev = idev;
	if (pasid == IOMMU_NO_PASID)
		rc = iommu_attach_group_handle(hwpt->domain,
					       idev->igroup->group,
					       &handle->handle);
	else
		rc = iommu_attach_device_pasid(hwpt->domain, idev->dev, pasid,
					       &handle->handle);
	if (rc)
		goto out_free_handle;
	return 0;

out_free_handle:
	kfree(handle);
	return rc;
}

static void iommufd_hwpt_detach_device(struct iommufd_hw_pagetable *hwpt,
				       struct iommufd_device *idev,
				       ioasid_t pasid)
{
	struct iommufd_attach_handle *handle;

	if (iommufd_device_is_noiommu(idev))
		return;

	handle = iommufd_device_get_attach_handle(idev, pasid);
	if (pasid == IOMMU_NO_PASID)
		iommu_detach_group_handle(hwpt->domain, idev->igroup->group);
	else
		iommu_detach_device_pasid(hwpt->domain, idev->dev, pasid);
	/* bindsim has no fault queues, so no pending faults need answers */
	kfree(handle);
}

static int iommufd_hwpt_replace_device(struct iommufd_device *idev,
				       ioasid_t pasid,
				       struct iommufd_hw_pagetable *hwpt,
				       struct iommufd_hw_pagetable *old)
{
	struct iommufd_attach_handle *handle, *old_handle;
	int rc;

	(void)old;
	rc = iommufd_hwpt_pasid_compat(hwpt, idev, pasid);
	if (rc)
		return rc;

	if (iommufd_device_is_noiommu(idev))
		return 0;

	old_handle = iommufd_device_get_attach_handle(idev, pasid);

	handle = kzalloc_obj(struct iommufd_attach_handle, GFP_KERNEL);
	if (!handle)
		return -ENOMEM;

	handle->idev = idev;
	if (pasid == IOMMU_NO_PASID)
		rc = iommu_replace_group_handle(idev->igroup->group,
						hwpt->domain, &handle->handle);
	else
		rc = iommu_replace_device_pasid(hwpt->domain, idev->dev, pasid,
						&handle->handle);
	if (rc)
		goto out_free_handle;

	kfree(old_handle);
	return 0;

out_free_handle:
	kfree(handle);
	return rc;
}

int iommufd_hw_pagetable_attach(struct iommufd_hw_pagetable *hwpt,
				struct iommufd_device *idev, ioasid_t pasid)
{
	struct iommufd_hwpt_paging *hwpt_paging = to_hwpt_paging(hwpt);
	bool attach_resv = hwpt_paging && pasid == IOMMU_NO_PASID &&
			   !iommufd_device_is_noiommu(idev);
	struct iommufd_group *igroup = idev->igroup;
	struct iommufd_hw_pagetable *old_hwpt;
	struct iommufd_attach *attach;
	int rc;

	mutex_lock(&igroup->lock);

	attach = xa_cmpxchg(&igroup->pasid_attach, pasid, NULL,
			    XA_ZERO_ENTRY, GFP_KERNEL);
	if (xa_is_err(attach)) {
		rc = xa_err(attach);
		goto err_unlock;
	}

	if (!attach) {
		attach = kzalloc_obj(struct iommufd_attach, GFP_KERNEL);
		if (!attach) {
			rc = -ENOMEM;
			goto err_release_pasid;
		}
		xa_init(&attach->device_array);
	}

	old_hwpt = attach->hwpt;

	rc = xa_insert(&attach->device_array, idev->obj.id, XA_ZERO_ENTRY,
		       GFP_KERNEL);
	if (rc) {
		WARN_ON(rc == -EBUSY && !old_hwpt);
		goto err_free_attach;
	}

	if (old_hwpt && old_hwpt != hwpt) {
		rc = -EINVAL;
		goto err_release_devid;
	}

	if (attach_resv) {
		rc = iommufd_device_attach_reserved_iova(idev, hwpt_paging);
		if (rc)
			goto err_release_devid;
	}

	/*
	 * The group is attached to the domain once, by its first device; the
	 * group's other devices ride along. Userspace should still attach each
	 * device itself, because a device's reserved regions are added only by
	 * its own attach.
	 */
	if (iommufd_group_first_attach(igroup, pasid)) {
		rc = iommufd_hwpt_attach_device(hwpt, idev, pasid);
		if (rc)
			goto err_unresv;
		attach->hwpt = hwpt;
		WARN_ON(xa_is_err(xa_store(&igroup->pasid_attach, pasid, attach,
					   GFP_KERNEL)));
	}
	refcount_inc(&hwpt->obj.users);
	WARN_ON(xa_is_err(xa_store(&attach->device_array, idev->obj.id, idev,
				   GFP_KERNEL)));
	mutex_unlock(&igroup->lock);
	return 0;
err_unresv:
	if (attach_resv)
		iopt_remove_reserved_iova(&hwpt_paging->ioas->iopt, idev->dev);
err_release_devid:
	xa_release(&attach->device_array, idev->obj.id);
err_free_attach:
	if (iommufd_group_first_attach(igroup, pasid))
		kfree(attach);
err_release_pasid:
	if (iommufd_group_first_attach(igroup, pasid))
		xa_release(&igroup->pasid_attach, pasid);
err_unlock:
	mutex_unlock(&igroup->lock);
	return rc;
}

struct iommufd_hw_pagetable *
iommufd_hw_pagetable_detach(struct iommufd_device *idev, ioasid_t pasid)
{
	struct iommufd_group *igroup = idev->igroup;
	struct iommufd_hwpt_paging *hwpt_paging;
	struct iommufd_hw_pagetable *hwpt;
	struct iommufd_attach *attach;

	mutex_lock(&igroup->lock);
	attach = xa_load(&igroup->pasid_attach, pasid);
	if (!attach) {
		mutex_unlock(&igroup->lock);
		return NULL;
	}

	hwpt = attach->hwpt;
	hwpt_paging = to_hwpt_paging(hwpt);

	xa_erase(&attach->device_array, idev->obj.id);
	if (xa_empty(&attach->device_array)) {
		iommufd_hwpt_detach_device(hwpt, idev, pasid);
		xa_erase(&igroup->pasid_attach, pasid);
		kfree(attach);
	}
	if (hwpt_paging && pasid == IOMMU_NO_PASID)
		iopt_remove_reserved_iova(&hwpt_paging->ioas->iopt, idev->dev);
	mutex_unlock(&igroup->lock);

	/* Puts the users count the attach took; may destroy an auto hwpt */
	iommufd_hw_pagetable_put(idev->ictx, hwpt);

	/* Only a token now: the caller learns that something was detached */
	return hwpt;
}

static struct iommufd_hw_pagetable *
iommufd_device_do_attach(struct iommufd_device *idev, ioasid_t pasid,
			 struct iommufd_hw_pagetable *hwpt)
{
	int rc;

	rc = iommufd_hw_pagetable_attach(hwpt, idev, pasid);
	if (rc)
		return ERR_PTR(rc);
	return NULL;
}

static void
iommufd_group_remove_reserved_iova(struct iommufd_group *igroup,
				   struct iommufd_hwpt_paging *hwpt_paging)
{
	struct iommufd_attach *attach;
	struct iommufd_device *cur;
	unsigned long index;

	lockdep_assert_held(&igroup->lock);

	attach = xa_load(&igroup->pasid_attach, IOMMU_NO_PASID);
	xa_for_each(&attach->device_array, index, cur)
		iopt_remove_reserved_iova(&hwpt_paging->ioas->iopt, cur->dev);
}

/*
 * True when replacing moves the group's NO_PASID attachment onto a different
 * IOAS, or off a non-paging hwpt. Reservations are added only in that case.
 */
static bool
iommufd_replace_changes_ioas(struct iommufd_attach *attach,
			     struct iommufd_hwpt_paging *hwpt_paging)
{
	struct iommufd_hwpt_paging *old_hwpt_paging =
		to_hwpt_paging(attach->hwpt);

	return !old_hwpt_paging || hwpt_paging->ioas != old_hwpt_paging->ioas;
}

/* Reserve the regions of all the group's devices in the new IOAS. */
static int
iommufd_group_do_replace_reserved_iova(struct iommufd_group *igroup,
				       struct iommufd_hwpt_paging *hwpt_paging)
{
	struct iommufd_attach *attach;
	struct iommufd_device *cur;
	unsigned long index;
	int rc;

	lockdep_assert_held(&igroup->lock);

	attach = xa_load(&igroup->pasid_attach, IOMMU_NO_PASID);
	if (iommufd_replace_changes_ioas(attach, hwpt_paging)) {
		xa_for_each(&attach->device_array, index, cur) {
			rc = iopt_table_enforce_dev_resv_regions(
				&hwpt_paging->ioas->iopt, cur->dev, NULL);
			if (rc)
				goto err_unresv;
		}
	}

	rc = iommufd_group_setup_msi(igroup, hwpt_paging);
	if (rc)
		goto err_unresv;
	return 0;

err_unresv:
	/* Mainline: unreserves even an unchanged IOAS (fix-replace-unresv) */
	iommufd_group_remove_reserved_iova(igroup, hwpt_paging);
	return rc;
}

static struct iommufd_hw_pagetable *
iommufd_device_do_replace(struct iommufd_device *idev, ioasid_t pasid,
			  struct iommufd_hw_pagetable *hwpt)
{
	struct iommufd_hwpt_paging *old_hwpt_paging;
	struct iommufd_group *igroup = idev->igroup;
	struct iommufd_hwpt_paging *hwpt_paging = to_hwpt_paging(hwpt);
	bool attach_resv = hwpt_paging && pasid == IOMMU_NO_PASID &&
			   !iommufd_device_is_noiommu(idev);
	struct iommufd_hw_pagetable *old_hwpt;
	struct iommufd_attach *attach;
	unsigned int num_devices;
	int rc;

	mutex_lock(&igroup->lock);

	attach = xa_load(&igroup->pasid_attach, pasid);
	if (!attach) {
		rc = -EINVAL;
		goto err_unlock;
	}

	old_hwpt = attach->hwpt;

	WARN_ON(!old_hwpt || xa_empty(&attach->device_array));

	if (!iommufd_device_is_attached(idev, pasid)) {
		rc = -EINVAL;
		goto err_unlock;
	}

	if (hwpt == old_hwpt) {
		mutex_unlock(&igroup->lock);
		return NULL;
	}

	if (attach_resv) {
		rc = iommufd_group_do_replace_reserved_iova(igroup,
							    hwpt_paging);
		if (rc)
			goto err_unlock;
	}

	rc = iommufd_hwpt_replace_device(idev, pasid, hwpt, old_hwpt);
	if (rc)
		goto err_unresv;

	old_hwpt_paging = to_hwpt_paging(old_hwpt);
	if (old_hwpt_paging && pasid == IOMMU_NO_PASID &&
	    (!hwpt_paging || hwpt_paging->ioas != old_hwpt_paging->ioas))
		iommufd_group_remove_reserved_iova(igroup, old_hwpt_paging);

	attach->hwpt = hwpt;

	num_devices = 0;
	{
		struct iommufd_device *cur;
		unsigned long index;

		xa_for_each(&attach->device_array, index, cur)
			num_devices++;
	}

	/*
	 * Each device in device_array now counts against the new hwpt instead
	 * of the old one; one old count stays behind for the caller to put.
	 */
	refcount_add(num_devices, &hwpt->obj.users);
	if (num_devices > 1)
		WARN_ON(refcount_sub_and_test(num_devices - 1,
					      &old_hwpt->obj.users));
	mutex_unlock(&igroup->lock);

	/* The caller must put old_hwpt */
	return old_hwpt;
err_unresv:
	/* Mainline: strips what the old hwpt in this IOAS still relies on */
	if (attach_resv)
		iommufd_group_remove_reserved_iova(igroup, hwpt_paging);
err_unlock:
	mutex_unlock(&igroup->lock);
	return ERR_PTR(rc);
}

typedef struct iommufd_hw_pagetable *(*attach_fn)(
	struct iommufd_device *idev, ioasid_t pasid,
	struct iommufd_hw_pagetable *hwpt);

/*
 * Attach to an IOAS: reuse one of its automatic domains that accepts the
 * device, or else make a new one. Domains the user created are never chosen
 * here.
 */
static struct iommufd_hw_pagetable *
iommufd_device_auto_get_domain(struct iommufd_device *idev, ioasid_t pasid,
			       struct iommufd_ioas *ioas, u32 *pt_id,
			       attach_fn do_attach)
{
	/*
	 * iommufd_hwpt_paging_alloc() can attach the device itself, exactly as
	 * iommufd_device_do_attach() would. Use that mode when attaching, since
	 * some drivers cannot allocate a domain without a device to attach.
	 */
	bool immediate_attach = do_attach == iommufd_device_do_attach;
	struct iommufd_hw_pagetable *destroy_hwpt;
	struct iommufd_hwpt_paging *hwpt_paging;
	struct iommufd_hw_pagetable *hwpt;

	/*
	 * All automatic domains are alike, so the first one that accepts the
	 * device will do.
	 */
	mutex_lock(&ioas->mutex);
	list_for_each_entry(hwpt_paging, &ioas->hwpt_list, hwpt_item) {
		if (!hwpt_paging->auto_domain)
			continue;

		hwpt = &hwpt_paging->common;
		if (!iommufd_lock_obj(&hwpt->obj))
			continue;
		destroy_hwpt = (*do_attach)(idev, pasid, hwpt);
		if (IS_ERR(destroy_hwpt)) {
			iommufd_put_object(idev->ictx, &hwpt->obj);
			/*
			 * -EINVAL: this domain does not suit the device, so try
			 * the next. Other errors go back to userspace; success
			 * means we are attached.
			 */
			if (PTR_ERR(destroy_hwpt) == -EINVAL)
				continue;
			goto out_unlock;
		}
		*pt_id = hwpt->obj.id;
		iommufd_put_object(idev->ictx, &hwpt->obj);
		goto out_unlock;
	}

	/* Flags 0: an auto domain is never PASID-compatible (7.3-rc7) */
	hwpt_paging = iommufd_hwpt_paging_alloc(idev->ictx, ioas, idev, pasid,
						0, immediate_attach);
	if (IS_ERR(hwpt_paging)) {
		destroy_hwpt = ERR_CAST(hwpt_paging);
		goto out_unlock;
	}
	hwpt = &hwpt_paging->common;

	if (!immediate_attach) {
		destroy_hwpt = (*do_attach)(idev, pasid, hwpt);
		if (IS_ERR(destroy_hwpt))
			goto out_abort;
	} else {
		destroy_hwpt = NULL;
	}

	hwpt_paging->auto_domain = true;
	*pt_id = hwpt->obj.id;

	iommufd_object_finalize(idev->ictx, &hwpt->obj);
	mutex_unlock(&ioas->mutex);
	return destroy_hwpt;

out_abort:
	iommufd_object_abort_and_destroy(idev->ictx, &hwpt->obj);
out_unlock:
	mutex_unlock(&ioas->mutex);
	return destroy_hwpt;
}

static int iommufd_device_change_pt(struct iommufd_device *idev,
				    ioasid_t pasid, u32 *pt_id,
				    attach_fn do_attach)
{
	struct iommufd_hw_pagetable *destroy_hwpt;
	struct iommufd_object *pt_obj;

	pt_obj = iommufd_get_object(idev->ictx, *pt_id, IOMMUFD_OBJ_ANY);
	if (IS_ERR(pt_obj))
		return PTR_ERR(pt_obj);

	switch (pt_obj->type) {
	case IOMMUFD_OBJ_HWPT_PAGING: {
		struct iommufd_hw_pagetable *hwpt =
			container_of(pt_obj, struct iommufd_hw_pagetable, obj);

		destroy_hwpt = (*do_attach)(idev, pasid, hwpt);
		if (IS_ERR(destroy_hwpt))
			goto out_put_pt_obj;
		break;
	}
	case IOMMUFD_OBJ_IOAS: {
		struct iommufd_ioas *ioas =
			container_of(pt_obj, struct iommufd_ioas, obj);

		destroy_hwpt = iommufd_device_auto_get_domain(idev, pasid, ioas,
							      pt_id, do_attach);
		if (IS_ERR(destroy_hwpt))
			goto out_put_pt_obj;
		break;
	}
	default:
		destroy_hwpt = ERR_PTR(-EINVAL);
		goto out_put_pt_obj;
	}
	iommufd_put_object(idev->ictx, pt_obj);

	/* Put the displaced hwpt only once no locks are held */
	if (destroy_hwpt)
		iommufd_hw_pagetable_put(idev->ictx, destroy_hwpt);
	return 0;

out_put_pt_obj:
	iommufd_put_object(idev->ictx, pt_obj);
	return PTR_ERR(destroy_hwpt);
}

/**
 * iommufd_device_attach - Attach a device's pasid to a page table
 * @idev: the bound device
 * @pasid: which pasid to attach
 * @pt_id: in: an IOAS or paging HWPT id; out: the paging HWPT id in use
 *
 * Report the updated @pt_id to userspace. Reverse with
 * iommufd_device_detach().
 */
int iommufd_device_attach(struct iommufd_device *idev, ioasid_t pasid,
			  u32 *pt_id)
{
	int rc;

	rc = iommufd_device_change_pt(idev, pasid, pt_id,
				      &iommufd_device_do_attach);
	if (rc)
		return rc;

	/*
	 * Dropped by iommufd_device_detach(). While it is held the device
	 * cannot be destroyed, which exposes callers that forget to detach.
	 */
	refcount_inc(&idev->obj.users);
	return 0;
}

/**
 * iommufd_device_replace - Move a device's pasid to another page table
 * @idev: the bound device
 * @pasid: which pasid to move
 * @pt_id: in: an IOAS or paging HWPT id; out: the paging HWPT id in use
 *
 * Acts like detach followed by attach, minus the work of undoing. Only
 * valid once an attach has succeeded; a failure leaves the existing
 * attachment untouched.
 */
int iommufd_device_replace(struct iommufd_device *idev, ioasid_t pasid,
			   u32 *pt_id)
{
	return iommufd_device_change_pt(idev, pasid, pt_id,
					&iommufd_device_do_replace);
}

/**
 * iommufd_device_detach - Detach a device's pasid from its page table
 * @idev: the bound device
 * @pasid: which pasid to detach
 *
 * Reverses iommufd_device_attach() for whatever page table @pasid is on.
 */
void iommufd_device_detach(struct iommufd_device *idev, ioasid_t pasid)
{
	struct iommufd_hw_pagetable *hwpt;

	hwpt = iommufd_hw_pagetable_detach(idev, pasid);
	if (!hwpt)
		return;
	refcount_dec(&idev->obj.users);
}
