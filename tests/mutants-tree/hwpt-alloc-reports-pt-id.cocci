// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant hwpt-alloc-reports-pt-id: must be caught.
// Wrong id: IOMMU_HWPT_ALLOC answers with the pt_id it was given (the
// IOAS) instead of the new hwpt's id. The hwpt exists and is consistent;
// user space cannot name it.
// Port of tests/mutants/hwpt-alloc-reports-pt-id.patch.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/hw_pagetable.c
// Expect: postcond

@hwpt_alloc_reports_pt_id@
identifier cmd, hwpt;
@@
 iommufd_hwpt_alloc(...)
 {
 <...
-	cmd->out_hwpt_id = hwpt->obj.id;
+	cmd->out_hwpt_id = cmd->pt_id;
 ...>
 }
