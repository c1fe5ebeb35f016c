// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree revision v2: "[PATCH V2 03/11] iommufd: Allow binding to a
// noiommu device" as the seed email quotes it, recreated from the merged
// series (the tree). Same intent as revisions/v2.patch on the model.
//
//  1. The noiommu test is V2's is_vfio_noiommu(): no iommu_group or no
//     dev->iommu, and no CONFIG_IOMMUFD_NOIOMMU gate.
//  2. iommufd_group_release() as V2 left it (V2 did not touch it): the
//     groups xarray update and iommu_group_put() run unconditionally, even
//     for a noiommu igroup whose group is NULL.
//  3. iommufd_device_destroy() without the "no igroup" early return.
//  4. iommufd_device_bind(): the helper's error returns straight out
//     (V2's "return ERR_PTR(rc)" / "return ERR_CAST(igroup)"): the object
//     allocated by iommufd_object_alloc() and its reserved id leak. The
//     now unused abort label goes. The ctx reference stays after the
//     helpers, as V2 had it.
//  5. enforce_cache_coherency is set in bind before the helpers (V2), not
//     in iommufd_bind_iommu() after the claim.
//  6. iommufd_hwpt_attach_device()/iommufd_hwpt_replace_device() return 0
//     for a noiommu device first, before the compatibility checks (V2's
//     hunks); detach already returns first.
//  7. Reserved IOVAs: V2 tests noiommu only at the attach_reserved_iova
//     call in iommufd_hw_pagetable_attach() ("attach_resv &&
//     !is_vfio_noiommu(idev)"), not in the attach_resv initialiser, and
//     not at all in iommufd_device_do_replace().
//
// The noiommu helper keeps the tree's name, iommufd_device_is_noiommu.
// Each rule must match; spatch exits 0 with no output when nothing matches,
// which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c

// 1. V2's is_vfio_noiommu() semantics, no Kconfig gate
@v2_noiommu_test@
identifier idev;
expression E;
@@
 iommufd_device_is_noiommu(struct iommufd_device *idev)
 {
-	return E;
+	return !device_iommu_mapped(idev->dev) || !idev->dev->iommu;
 }

// 2. iommufd_group_release(): no NULL-group guard
@v2_group_release@
expression IG;
@@
 iommufd_group_release(...)
 {
 ...
-	if (IG->group) {
 	xa_cmpxchg(...);
 	iommu_group_put(IG->group);
-	}
 ...
 }

// 3. iommufd_device_destroy(): no "igroup is NULL" early return
@v2_destroy@
identifier idev;
@@
 iommufd_device_destroy(...)
 {
 ...
-	if (!idev->igroup)
-		return;
 ...
 }

// 4. iommufd_device_bind(): helper errors return without abort
@v2_bind_noabort exists@
identifier rc, lbl;
@@
 iommufd_device_bind(...)
 {
 ...
 	if (rc)
-		goto lbl;
+		return ERR_PTR(rc);
 ...
 }

// The abort block is dead code now, so it is matched on its own, and only
// inside iommufd_device_bind().
@v2_bind_nolabel depends on v2_bind_noabort@
identifier v2_bind_noabort.rc, v2_bind_noabort.lbl;
expression ictx, obj;
position p : script:python() { p[0].current_element == "iommufd_device_bind" };
@@
-lbl@p:
-	iommufd_object_abort_and_destroy(ictx, obj);
-	return ERR_PTR(rc);

// 5. enforce_cache_coherency: set in bind, before the helpers
@v2_coherency_helper@
identifier idev, dev;
@@
 iommufd_bind_iommu(...)
 {
 ...
-	idev->enforce_cache_coherency =
-		device_iommu_capable(dev, IOMMU_CAP_ENFORCE_CACHE_COHERENCY);
 ...
 }

@v2_coherency_bind depends on v2_coherency_helper exists@
identifier idev, d;
@@
 iommufd_device_bind(...)
 {
 ...
 	idev->dev = d;
+	idev->enforce_cache_coherency =
+		device_iommu_capable(d, IOMMU_CAP_ENFORCE_CACHE_COHERENCY);
 ...
 }

// 6. attach/replace helpers: noiommu returns first
@v2_early_return@
identifier fn = {iommufd_hwpt_attach_device, iommufd_hwpt_replace_device};
identifier idev;
expression hwpt;
@@
 fn(...)
 {
 ...
+	if (iommufd_device_is_noiommu(idev))
+		return 0;
 	if (!iommufd_hwpt_compatible_device(hwpt, idev))
 		return -EINVAL;
 ...
-	if (iommufd_device_is_noiommu(idev))
-		return 0;
 ...
 }

// 7a. iommufd_hw_pagetable_attach(): the noiommu test moves from the
// attach_resv initialiser to the attach_reserved_iova call
@v2_attach_resv_decl@
identifier idev, attach_resv;
expression E;
@@
 iommufd_hw_pagetable_attach(...)
 {
 ...
-	bool attach_resv = E && !iommufd_device_is_noiommu(idev);
+	bool attach_resv = E;
 ...
 }

@v2_attach_resv_call depends on v2_attach_resv_decl@
identifier v2_attach_resv_decl.idev, v2_attach_resv_decl.attach_resv;
statement S;
@@
 iommufd_hw_pagetable_attach(...)
 {
 ...
-	if (attach_resv)
+	if (attach_resv && !iommufd_device_is_noiommu(idev))
 		S
 ...
 }

// 7b. iommufd_device_do_replace(): no noiommu test
@v2_replace_resv@
identifier idev, attach_resv;
expression E;
@@
 iommufd_device_do_replace(...)
 {
 ...
-	bool attach_resv = E && !iommufd_device_is_noiommu(idev);
+	bool attach_resv = E;
 ...
 }
