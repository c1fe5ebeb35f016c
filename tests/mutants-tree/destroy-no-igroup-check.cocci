// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant destroy-no-igroup-check: must be caught.
// Destroy no longer tolerates a half-built idev: iommufd_device_destroy()
// loses its "if (!idev->igroup) return;", so a failed bind's
// abort_and_destroy puts a NULL igroup.
// Port of tests/mutants/destroy-no-igroup-check.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: oops

@destroy_no_igroup_check exists@
identifier idev;
@@
 iommufd_device_destroy(...)
 {
 ...
-	if (!idev->igroup)
-		return;
 ...
 }
