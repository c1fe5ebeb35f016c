// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant abort-op-ignored: must be caught.
// main.c: iommufd_object_abort_and_destroy() always runs the destroy op and
// ignores the type's abort op. An auto-domain HWPT_PAGING whose attach
// fails is aborted under ioas->mutex (iommufd_device_auto_get_domain());
// its destroy op takes ioas->mutex again (its abort op would not).
// New for the tree (no model counterpart).
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/main.c
// Expect: lock

@abort_op_ignored@
identifier ops, obj;
@@
 iommufd_object_abort_and_destroy(...)
 {
 ...
-	if (ops->abort)
-		ops->abort(obj);
-	else
-		ops->destroy(obj);
+	ops->destroy(obj);
 ...
 }
