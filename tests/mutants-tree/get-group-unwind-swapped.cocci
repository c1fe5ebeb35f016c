// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant get-group-unwind-swapped: must be caught.
// Swapped unwind order in iommufd_get_group(): when the groups
// __xa_cmpxchg() fails, the new igroup is put (its release takes the groups
// xa_lock) while that lock is still held.
// Port of tests/mutants/get-group-unwind-swapped.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: lock

@get_group_unwind_swapped exists@
expression E, L, G;
@@
 iommufd_get_group(...)
 {
 ...
 	if (xa_is_err(E)) {
-		xa_unlock(L);
 		iommufd_put_group(G);
+		xa_unlock(L);
 		...
 	}
 ...
 }
