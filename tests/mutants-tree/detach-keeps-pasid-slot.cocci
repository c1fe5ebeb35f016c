// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant detach-keeps-pasid-slot: must be caught.
// Detaching the last device frees the attach record but leaves it in
// pasid_attach: iommufd_hw_pagetable_detach() drops its
// xa_erase(&igroup->pasid_attach, pasid).
// Port of tests/mutants/detach-keeps-pasid-slot.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: warn

@detach_keeps_pasid_slot exists@
identifier igroup, pasid;
@@
 iommufd_hw_pagetable_detach(...)
 {
 ...
-	xa_erase(&igroup->pasid_attach, pasid);
 ...
 }
