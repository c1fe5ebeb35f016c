// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant bind-claim-before-msi-check: must be caught.
// A check after the state change: iommufd_bind_iommu() claims DMA
// ownership before the MSI isolation check, so a bind refused with -EPERM
// (allow_unsafe_interrupts=0, no isolated MSI) goes to the unwind, which
// only puts the igroup, and leaves the group owned by this context.
// New for the tree (no model counterpart).
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: atomicity

@bind_claim_before_msi_check exists@
identifier rc, dev, ictx, lbl;
statement S;
@@
 iommufd_bind_iommu(...)
 {
 ...
+	rc = iommu_device_claim_dma_owner(dev, ictx);
+	if (rc)
+		goto lbl;
 	if (!iommufd_selftest_is_mock_dev(dev) && ...) S
 ...
-	rc = iommu_device_claim_dma_owner(dev, ictx);
-	if (rc)
-		goto lbl;
 ...
 }
