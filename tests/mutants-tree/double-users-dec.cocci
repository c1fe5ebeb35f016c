// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant double-users-dec: must be caught.
// Detach drops the idev users reference twice: iommufd_device_detach()
// repeats its refcount_dec(&idev->obj.users).
// Port of tests/mutants/double-users-dec.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: refcount

@double_users_dec exists@
identifier idev, hwpt;
@@
 iommufd_device_detach(...)
 {
 ...
 	if (!hwpt)
 		return;
 	refcount_dec(&idev->obj.users);
+	refcount_dec(&idev->obj.users);
 }
