// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant pasid-compat-skips-first-pasid: must be caught.
// Off by one: the NO_PASID branch of iommufd_hwpt_pasid_compat() starts
// xa_find_after() at PASID 1 instead of NO_PASID, so an attached PASID 1
// is not seen and NO_PASID may go onto a hwpt that is not
// PASID-compatible.
// Port of tests/mutants/pasid-compat-skips-first-pasid.patch.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: rule

@pasid_compat_skips_first_pasid@
identifier start;
@@
 iommufd_hwpt_pasid_compat(...)
 {
 <...
-	unsigned long start = IOMMU_NO_PASID;
+	unsigned long start = IOMMU_NO_PASID + 1;
 ...>
 }
