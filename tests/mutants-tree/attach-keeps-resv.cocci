// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant attach-keeps-resv: must be caught.
// A failed attach leaves the device's reserved IOVA ranges in the IOAS:
// iommufd_hw_pagetable_attach()'s err_unresv unwind no longer calls
// iopt_remove_reserved_iova().
// Port of tests/mutants/attach-keeps-resv.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: atomicity

@attach_keeps_resv exists@
identifier attach_resv, hwpt_paging, idev;
@@
 iommufd_hw_pagetable_attach(...)
 {
 ...
-	if (attach_resv)
-		iopt_remove_reserved_iova(&hwpt_paging->ioas->iopt, idev->dev);
 ...
 }
