// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant missing-domain-free: must be caught.
// Destroying a hwpt never frees its iommu_domain:
// __iommufd_hwpt_destroy() drops "if (hwpt->domain)
// iommu_domain_free(hwpt->domain);".
// Port of tests/mutants/missing-domain-free.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/hw_pagetable.c
// Expect: leak

@missing_domain_free@
identifier hwpt;
@@
 __iommufd_hwpt_destroy(...)
 {
 ...
-	if (hwpt->domain)
-		iommu_domain_free(hwpt->domain);
 ...
 }
