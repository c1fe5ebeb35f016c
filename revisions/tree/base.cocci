// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree revision base: iommufd before the noiommu series, kept
// minimal (same intent as revisions/base.patch on the model, but smaller).
//
// iommufd_device_bind() always goes through iommufd_bind_iommu(): a
// noiommu device then fails bind at its IOMMU_CAP_CACHE_COHERENCY check
// with -EINVAL, before any igroup, ownership or ctx reference is taken,
// and the allocated object is aborted. iommufd_bind_noiommu() goes too,
// as it has no caller left (-Wunused-function).
//
// Deliberately NOT reverted (minimal; say so in verdicts):
//  - the series' bind order (object allocated first, helper, then
//    abort_and_destroy with the partial-init-safe destroy): a failed bind
//    reserves and frees an id, which is invisible to lookups and reused
//    lowest-free, so the outcome equals mainline's "fail before alloc";
//  - the noiommu early returns in attach/detach/replace, the attach_resv
//    noiommu term, destroy's noiommu and NULL-igroup tests, and the
//    NULL-group guard in iommufd_group_release(): all dead once no
//    noiommu idev can be bound;
//  - hw_pagetable.c's noiommu ops (unreachable for the same reason).
//
// Each rule must match; spatch exits 0 with no output when nothing matches,
// which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c

@base_bind exists@
identifier idev, rc;
expression E;
@@
 iommufd_device_bind(...)
 {
 ...
-	if (E)
-		rc = iommufd_bind_iommu(idev);
-	else
-		rc = iommufd_bind_noiommu(idev);
+	rc = iommufd_bind_iommu(idev);
 ...
 }

@base_no_noiommu_helper depends on base_bind@
@@
- iommufd_bind_noiommu(...)
- {
- ...
- }
