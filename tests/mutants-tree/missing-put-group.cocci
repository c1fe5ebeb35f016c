// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant missing-put-group: must be caught.
// iommufd_bind_iommu()'s unwind forgets iommufd_put_group(): a failed bind
// leaks the igroup and its iommu_group reference.
// Port of tests/mutants/missing-put-group.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: leak

@missing_put_group exists@
identifier igroup, lbl;
@@
 iommufd_bind_iommu(...)
 {
 ...
 lbl:
-	iommufd_put_group(igroup);
 	return ...;
 }
