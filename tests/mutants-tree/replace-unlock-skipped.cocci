// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant replace-unlock-skipped: must be caught.
// Replacing with the hwpt already attached returns early without
// unlocking igroup->lock: iommufd_device_do_replace()'s
// "hwpt == old_hwpt" branch loses its mutex_unlock().
// Port of tests/mutants/replace-unlock-skipped.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: lock

@replace_unlock_skipped exists@
identifier hwpt, old_hwpt;
expression L;
@@
 iommufd_device_do_replace(...)
 {
 ...
 	if (hwpt == old_hwpt) {
-		mutex_unlock(L);
 		return NULL;
 	}
 ...
 }
