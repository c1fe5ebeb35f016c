// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant change-pt-bad-type-no-errno: must be caught.
// Wrong errno: iommufd_device_change_pt() answers an id that is neither
// an IOAS nor a HWPT with ERR_PTR(0), i.e. NULL, instead of
// ERR_PTR(-EINVAL). PTR_ERR(NULL) is 0, so the attach reports success
// without attaching, and iommufd_device_attach() takes the idev users
// reference of an attachment that does not exist.
// New for the tree (no model counterpart).
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: consistency

@change_pt_bad_type_no_errno exists@
identifier destroy_hwpt;
@@
 iommufd_device_change_pt(...)
 {
 <...
-	destroy_hwpt = ERR_PTR(-EINVAL);
+	destroy_hwpt = NULL;
 ...>
 }
