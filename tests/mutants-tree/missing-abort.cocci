// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant missing-abort: must be caught.
// The V2 pattern in the tree: iommufd_device_bind()'s error path returns
// from a helper failure without iommufd_object_abort_and_destroy(), leaking
// the idev and its reserved id.
// Port of tests/mutants/missing-abort.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: leak

@missing_abort exists@
expression ictx, obj;
@@
 iommufd_device_bind(...)
 {
 ...
-	iommufd_object_abort_and_destroy(ictx, obj);
 	return ...;
 }
