// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant release-use-after-free: must be caught.
// iommufd_group_release() frees the igroup before destroying its mutex.
// Port of tests/mutants/release-use-after-free.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: oops

@release_use_after_free exists@
expression IG;
@@
 iommufd_group_release(...)
 {
 ...
-	mutex_destroy(&IG->lock);
 	kfree(IG);
+	mutex_destroy(&IG->lock);
 }
