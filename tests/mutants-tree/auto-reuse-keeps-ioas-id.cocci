// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant auto-reuse-keeps-ioas-id: must be caught.
// Half the work: an attach to an IOAS that reuses one of its automatic
// hwpts attaches but leaves *pt_id as the IOAS id, so user space is not
// told which hwpt the device is on.
// Port of tests/mutants/auto-reuse-keeps-ioas-id.patch.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: postcond

@auto_reuse_keeps_ioas_id@
identifier pt_id, hwpt, idev;
@@
 iommufd_device_auto_get_domain(...)
 {
 <...
-	*pt_id = hwpt->obj.id;
 	iommufd_put_object(idev->ictx, &hwpt->obj);
 	goto out_unlock;
 ...>
 }
