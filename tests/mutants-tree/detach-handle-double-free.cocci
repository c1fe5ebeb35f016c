// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant detach-handle-double-free: must be caught.
// Detach frees the attach handle twice: iommufd_hwpt_detach_device()
// repeats its kfree(handle).
// Port of tests/mutants/detach-handle-double-free.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: double-free

@detach_handle_double_free exists@
identifier handle;
@@
 iommufd_hwpt_detach_device(...)
 {
 ...
 	iommufd_auto_response_faults(..., handle);
 	kfree(handle);
+	kfree(handle);
 }
