// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant detach-lock-order: must be caught.
// Detach takes ictx->sw_msi_lock before igroup->lock (held across the
// igroup->lock acquisition in iommufd_hw_pagetable_detach()): the documented
// order is igroup->lock before sw_msi_lock (iommufd_group_setup_msi()).
// Port of tests/mutants/detach-lock-order.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: lock

@detach_lock_order exists@
identifier igroup, idev, attach, pasid;
@@
 iommufd_hw_pagetable_detach(struct iommufd_device *idev, ...)
 {
 ...
+	mutex_lock(&idev->ictx->sw_msi_lock);
 	mutex_lock(&igroup->lock);
+	mutex_unlock(&idev->ictx->sw_msi_lock);
 	attach = xa_load(&igroup->pasid_attach, pasid);
 ...
 }
