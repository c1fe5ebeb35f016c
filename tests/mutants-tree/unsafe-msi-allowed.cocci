// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant unsafe-msi-allowed: must be caught.
// Bind ignores allow_unsafe_interrupts for a group without isolated MSI:
// iommufd_bind_iommu() drops the "if (!allow_unsafe_interrupts) { rc =
// -EPERM; goto ...; }" block and only warns.
// Port of tests/mutants/unsafe-msi-allowed.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: gate

@unsafe_msi_allowed exists@
identifier rc, lbl;
@@
 iommufd_bind_iommu(...)
 {
 ...
-	if (!allow_unsafe_interrupts) {
-		rc = -EPERM;
-		goto lbl;
-	}
 ...
 }
