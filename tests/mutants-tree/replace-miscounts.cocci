// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant replace-miscounts: must be caught.
// Replace moves one reference too many to the new hwpt:
// iommufd_device_do_replace() does refcount_add(num_devices + 1, ...).
// Port of tests/mutants/replace-miscounts.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: consistency

@replace_miscounts exists@
identifier num_devices, hwpt;
@@
 iommufd_device_do_replace(...)
 {
 ...
-	refcount_add(num_devices, &hwpt->obj.users);
+	refcount_add(num_devices + 1, &hwpt->obj.users);
 ...
 }
