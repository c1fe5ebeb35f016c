// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant bind-skips-claim: must be caught.
// Bind never claims DMA ownership: in iommufd_bind_iommu() the
// iommu_device_claim_dma_owner() call and its error check become "rc = 0;".
// The device is bound while the DMA API still owns its group (unbind then
// WARNs on release).
// Port of tests/mutants/bind-skips-claim.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: ownership

@bind_skips_claim exists@
identifier rc, dev, ictx, lbl;
@@
 iommufd_bind_iommu(...)
 {
 ...
-	rc = iommu_device_claim_dma_owner(dev, ictx);
-	if (rc)
-		goto lbl;
+	rc = 0;
 ...
 }
