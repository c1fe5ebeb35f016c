// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree revision v2-abort: V2 03/11 plus the reviewer's naive fix,
// recreated from the merged series (the tree). Same intent as
// revisions/v2-abort.patch on the model.
//
// Everything of v2.cocci (self-contained copy of its rules 1-3 and 5-7),
// except the bind error path: the helper's error still goes to the tree's
// abort label, which calls iommufd_object_abort_and_destroy(ictx,
// &idev->obj) before returning the error. That is the naive fix applied to
// V2: with V2's iommufd_device_destroy() (no "no igroup" early return),
// abort_and_destroy runs destroy on a half-built idev: it releases DMA
// ownership the device never claimed and puts a NULL igroup
// (kernel-facts.md 5.4 (b)).
//
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
