// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant destroy-busy-reports-success: must be caught.
// Wrong errno: iommufd_object_remove() answers 0 where the object still
// has users, so IOMMU_DESTROY of an hwpt or IOAS in use reports success
// and destroys nothing.
// Port of tests/mutants/destroy-busy-reports-success.patch.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/main.c
// Expect: postcond

@destroy_busy_reports_success@
identifier ret, obj, lbl;
@@
 iommufd_object_remove(...)
 {
 <...
 	if (!refcount_dec_if_one(&obj->users)) {
-		ret = -EBUSY;
+		ret = 0;
 		goto lbl;
 	}
 ...>
 }
