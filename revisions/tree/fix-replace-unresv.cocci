// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree revision fix-replace-unresv: candidate fix for the latent
// replace unwind bug (kernel-facts.md corrections and section 9; the model
// carries this fix as its deviation, see revisions/mainline-unresv.patch).
//
// Both err_unresv unwinds, in iommufd_group_do_replace_reserved_iova() and
// in iommufd_device_do_replace(), remove every group device's reservations
// from the new hwpt's IOAS even when the IOAS did not change. Then nothing
// was added, and the still-attached old hwpt loses reservations it relies
// on (reservations are owned per device, not per hwpt). The fix removes
// them only when the replace changes the IOAS: the old hwpt has no paging
// ancestor, or its IOAS differs from the new one, which is exactly the
// condition under which iommufd_group_do_replace_reserved_iova() enforced
// the new reservations.
//
//  1. A helper iommufd_hwpt_replace_changes_ioas(old, hwpt_paging) is added
//     before iommufd_group_do_replace_reserved_iova().
//  2. iommufd_group_do_replace_reserved_iova(): its err_unresv removal is
//     guarded by the same test as its enforce loop.
//  3. iommufd_device_do_replace(): its err_unresv removal also requires
//     iommufd_hwpt_replace_changes_ioas(old_hwpt, hwpt_paging). (Its local
//     old_hwpt_paging is only set after a successful replace, so it cannot
//     be used on that path.)
//
// Each rule must match; spatch exits 0 with no output when nothing matches,
// which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c

// 2. the unwind inside iommufd_group_do_replace_reserved_iova()
@fix_group_unresv exists@
identifier igroup, hwpt_paging, old_hwpt_paging, lbl;
@@
 iommufd_group_do_replace_reserved_iova(...)
 {
 ...
 	old_hwpt_paging = find_hwpt_paging(...);
 ...
 lbl:
-	iommufd_group_remove_reserved_iova(igroup, hwpt_paging);
+	if (!old_hwpt_paging || hwpt_paging->ioas != old_hwpt_paging->ioas)
+		iommufd_group_remove_reserved_iova(igroup, hwpt_paging);
 	return ...;
 }

// 1. the helper, placed before that function
@fix_helper depends on fix_group_unresv@
typedef bool;
@@
+static bool
+iommufd_hwpt_replace_changes_ioas(struct iommufd_hw_pagetable *old,
+				  struct iommufd_hwpt_paging *hwpt_paging)
+{
+	struct iommufd_hwpt_paging *old_hwpt_paging = find_hwpt_paging(old);
+
+	return !old_hwpt_paging || hwpt_paging->ioas != old_hwpt_paging->ioas;
+}
+
 iommufd_group_do_replace_reserved_iova(...)
 {
 ...
 }

// 3. the unwind in iommufd_device_do_replace()
@fix_replace_unresv depends on fix_helper exists@
identifier igroup, hwpt_paging, attach_resv, old_hwpt, attach;
@@
 iommufd_device_do_replace(...)
 {
 ...
 	old_hwpt = attach->hwpt;
 ...
-	if (attach_resv)
+	if (attach_resv &&
+	    iommufd_hwpt_replace_changes_ioas(old_hwpt, hwpt_paging))
 		iommufd_group_remove_reserved_iova(igroup, hwpt_paging);
 ...
 }
