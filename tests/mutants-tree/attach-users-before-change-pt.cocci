// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant attach-users-before-change-pt: must be caught.
// A state change before the fallible step: iommufd_device_attach() takes
// the idev users reference before iommufd_device_change_pt() instead of
// after it succeeds, so every failed attach leaves the device with one
// users reference too many (unbind then fails with -EBUSY).
// New for the tree (no model counterpart).
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: atomicity

@attach_users_before_change_pt exists@
identifier idev, rc;
expression E;
@@
 iommufd_device_attach(...)
 {
 ...
+	refcount_inc(&idev->obj.users);
 	rc = iommufd_device_change_pt(E, ...);
 ...
-	refcount_inc(&idev->obj.users);
 	return 0;
 }
