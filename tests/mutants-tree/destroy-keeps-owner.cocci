// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant destroy-keeps-owner: must be caught.
// Unbind never releases DMA ownership: iommufd_device_destroy() drops the
// (noiommu-guarded) iommu_device_release_dma_owner() call; the group stays
// owned by a context with no device bound.
// Port of tests/mutants/destroy-keeps-owner.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: leak

@destroy_keeps_owner exists@
identifier idev;
@@
 iommufd_device_destroy(...)
 {
 ...
-	if (!iommufd_device_is_noiommu(idev))
-		iommu_device_release_dma_owner(idev->dev);
 ...
 }
