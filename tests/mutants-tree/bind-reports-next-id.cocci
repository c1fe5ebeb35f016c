// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant bind-reports-next-id: must be caught.
// Off by one: iommufd_device_bind() reports the id after the device's own.
// Nothing in the kernel reads it, so every invariant holds; only the
// bind post-condition (the returned id is the device object) sees it.
// Port of tests/mutants/bind-reports-next-id.patch.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: postcond

@bind_reports_next_id@
identifier id, idev;
@@
 iommufd_device_bind(...)
 {
 <...
-	*id = idev->obj.id;
+	*id = idev->obj.id + 1;
 ...>
 }
