// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant hwpt-alloc-drops-pasid-flag: must be caught.
// A success that ignores its argument: iommufd_hwpt_paging_alloc()
// accepts IOMMU_HWPT_ALLOC_PASID but inverts the mask, so the hwpt is
// never PASID-compatible for the flags bindsim passes.
// Port of tests/mutants/hwpt-alloc-drops-pasid-flag.patch.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/hw_pagetable.c
// Expect: postcond

@hwpt_alloc_drops_pasid_flag@
identifier hwpt, flags;
@@
 iommufd_hwpt_paging_alloc(...)
 {
 <...
-	hwpt->pasid_compat = flags & IOMMU_HWPT_ALLOC_PASID;
+	hwpt->pasid_compat = flags & ~IOMMU_HWPT_ALLOC_PASID;
 ...>
 }
