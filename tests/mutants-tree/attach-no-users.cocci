// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant attach-no-users: must be caught.
// Attach forgets the idev users reference that pairs with detach:
// iommufd_device_attach() drops its refcount_inc(&idev->obj.users).
// Port of tests/mutants/attach-no-users.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: consistency

@attach_no_users exists@
identifier idev;
@@
 iommufd_device_attach(...)
 {
 ...
-	refcount_inc(&idev->obj.users);
 ...
 }
