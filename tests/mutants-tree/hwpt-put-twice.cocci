// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant hwpt-put-twice: must be caught.
// Putting a manual hwpt drops two users references: the final
// refcount_dec(&hwpt->obj.users) of iommufd_hw_pagetable_put() is repeated.
// In the tree that function is a static inline in iommufd_private.h (the
// model has it in hw_pagetable.c), so this mutant targets the header.
// Port of tests/mutants/hwpt-put-twice.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/iommufd_private.h
// Expect: refcount

@hwpt_put_twice exists@
identifier hwpt;
expression E;
statement S;
@@
 iommufd_hw_pagetable_put(...)
 {
 ...
 	if (E) S
 	refcount_dec(&hwpt->obj.users);
+	refcount_dec(&hwpt->obj.users);
 }
