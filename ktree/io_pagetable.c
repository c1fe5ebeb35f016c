// SPDX-License-Identifier: GPL-2.0-only
/*
 * bindsim stand-in for the parts of drivers/iommu/iommufd/io_pagetable.c
 * that device bind, attach and replace reach, on the tree's own struct
 * io_pagetable (iommufd_private.h, io_pagetable.h).
 *
 * What is simulated, with the kernel's contract:
 *  - reserved IOVA ranges per owner (a device or a domain) in
 *    reserved_itree, refused with -EADDRINUSE over a mapped area;
 *  - per-device reserved regions (iopt_table_enforce_dev_resv_regions),
 *    with the kernel's own iommufd_should_fail() there (-EINVAL);
 *  - the domain list (iopt->domains) and the fill of a new domain with the
 *    existing mappings, a fault point when there is something to map;
 *  - mapped areas as ranges in area_itree (no pages are pinned).
 * Assumptions, one per line:
 *  - a region of the world is one struct iommu_resv_region of the device;
 *  - simulated domains span the whole IOVA space (no aperture reservations);
 *  - IOVA alignment stays at PAGE_SIZE (every simulated domain takes 4K).
 */
#include <linux/iommu.h>
#include <linux/slab.h>

#include "io_pagetable.h"
#include "iommufd_private.h"
#include "ktree.h"

void iopt_init_table(struct io_pagetable *iopt)
{
	init_rwsem(&iopt->iova_rwsem);
	init_rwsem(&iopt->domains_rwsem);
	iopt->area_itree = RB_ROOT_CACHED;
	iopt->allowed_itree = RB_ROOT_CACHED;
	iopt->reserved_itree = RB_ROOT_CACHED;
	xa_init_flags(&iopt->domains, XA_FLAGS_ACCOUNT);
	xa_init_flags(&iopt->access_list, XA_FLAGS_ALLOC);
	iopt->iova_alignment = 1;
}

/* What the kernel's destroy WARNs about: everything must be gone. */
void iopt_destroy_table(struct io_pagetable *iopt)
{
	WARN_ON(!RB_EMPTY_ROOT(&iopt->allowed_itree.rb_root));
	WARN_ON(!RB_EMPTY_ROOT(&iopt->reserved_itree.rb_root));
	WARN_ON(!xa_empty(&iopt->domains));
	WARN_ON(!xa_empty(&iopt->access_list));
	WARN_ON(!RB_EMPTY_ROOT(&iopt->area_itree.rb_root));
	xa_destroy(&iopt->domains);
	xa_destroy(&iopt->access_list);
}

int iopt_reserve_iova(struct io_pagetable *iopt, unsigned long start,
		      unsigned long last, void *owner)
{
	struct iopt_reserved *reserved;

	lockdep_assert_held(&iopt->iova_rwsem);

	if (iopt_area_iter_first(iopt, start, last))
		return -EADDRINUSE;

	reserved = kzalloc_obj(*reserved, GFP_KERNEL_ACCOUNT);
	if (!reserved)
		return -ENOMEM;
	reserved->node.start = start;
	reserved->node.last = last;
	reserved->owner = owner;
	interval_tree_insert(&reserved->node, &iopt->reserved_itree);
	return 0;
}

static void __iopt_remove_reserved_iova(struct io_pagetable *iopt, void *owner)
{
	struct iopt_reserved *reserved, *next;

	lockdep_assert_held(&iopt->iova_rwsem);

	for (reserved = iopt_reserved_iter_first(iopt, 0, ULONG_MAX); reserved;
	     reserved = next) {
		next = iopt_reserved_iter_next(reserved, 0, ULONG_MAX);
		if (reserved->owner != owner)
			continue;
		interval_tree_remove(&reserved->node, &iopt->reserved_itree);
		kfree(reserved);
	}
}

void iopt_remove_reserved_iova(struct io_pagetable *iopt, void *owner)
{
	down_write(&iopt->iova_rwsem);
	__iopt_remove_reserved_iova(iopt, owner);
	up_write(&iopt->iova_rwsem);
}

/*
 * Reserve every region the device's IOMMU driver reports. A software MSI
 * window is also handed back through sw_msi_start (when asked for); a
 * driver offering both kinds of MSI region, or two software windows, is a
 * driver bug the kernel WARNs about.
 */
int iopt_table_enforce_dev_resv_regions(struct io_pagetable *iopt,
					struct device *dev,
					phys_addr_t *sw_msi_start)
{
	unsigned int num_hw_msi = 0, num_sw_msi = 0;
	unsigned int i;
	int rc;

	if (iommufd_should_fail())
		return -EINVAL;

	down_write(&iopt->iova_rwsem);
	for (i = 0; i < dev->nr_resv; i++) {
		const struct iommu_resv_region *resv = &dev->resv[i];

		if (sw_msi_start && resv->type == IOMMU_RESV_MSI)
			num_hw_msi++;
		if (sw_msi_start && resv->type == IOMMU_RESV_SW_MSI) {
			*sw_msi_start = resv->start;
			num_sw_msi++;
		}
		rc = iopt_reserve_iova(iopt, resv->start,
				       resv->start + resv->length - 1, dev);
		if (rc)
			goto out_reserved;
	}
	if (WARN_ON(num_sw_msi && num_hw_msi) || WARN_ON(num_sw_msi > 1)) {
		rc = -EINVAL;
		goto out_reserved;
	}
	up_write(&iopt->iova_rwsem);
	return 0;

out_reserved:
	__iopt_remove_reserved_iova(iopt, dev);
	up_write(&iopt->iova_rwsem);
	return rc;
}

/*
 * Copy every mapping into a new domain. The kernel reserves the domain's
 * slot first (xa_reserve: may allocate), then fills the page table, which
 * allocates only when something is mapped.
 */
int iopt_table_add_domain(struct io_pagetable *iopt,
			  struct iommu_domain *domain)
{
	struct iommu_domain *iter_domain;
	unsigned long index;
	void *old;
	int rc;

	down_write(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);

	xa_for_each(&iopt->domains, index, iter_domain) {
		if (WARN_ON(iter_domain == domain)) {
			rc = -EEXIST;
			goto out_unlock;
		}
	}

	rc = xa_insert(&iopt->domains, iopt->next_domain_id, XA_ZERO_ENTRY,
		       GFP_KERNEL);
	if (rc)
		goto out_unlock;

	if (iopt_area_iter_first(iopt, 0, ULONG_MAX) &&
	    sim_should_fail(SIM_FAULT_SITE("iopt_fill_domain"))) {
		rc = -ENOMEM;
		goto out_release;
	}

	old = xa_store(&iopt->domains, iopt->next_domain_id, domain,
		       GFP_KERNEL);
	WARN_ON(old || xa_is_err(old));
	iopt->next_domain_id++;
	iopt->iova_alignment = PAGE_SIZE;
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
	return 0;

out_release:
	xa_release(&iopt->domains, iopt->next_domain_id);
out_unlock:
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
	return rc;
}

/* The kernel keeps the domain ids dense: the last one moves into the gap. */
void iopt_table_remove_domain(struct io_pagetable *iopt,
			      struct iommu_domain *domain)
{
	struct iommu_domain *iter_domain = NULL;
	unsigned long index;

	down_write(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);

	xa_for_each(&iopt->domains, index, iter_domain)
		if (iter_domain == domain)
			break;
	if (WARN_ON(iter_domain != domain) || index >= iopt->next_domain_id)
		goto out_unlock;

	iopt->next_domain_id--;
	iter_domain = xa_erase(&iopt->domains, iopt->next_domain_id);
	if (index != iopt->next_domain_id)
		xa_store(&iopt->domains, index, iter_domain, GFP_KERNEL);
	if (!iopt->next_domain_id)
		iopt->iova_alignment = 1;

out_unlock:
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
}

/* The area allocation, under the kernel's name (its fault site). */
static struct iopt_area *iopt_alloc_area(void)
{
	return kzalloc_obj(struct iopt_area, GFP_KERNEL_ACCOUNT);
}

/*
 * A mapping made by IOMMU_IOAS_MAP with a fixed IOVA, as a range: the
 * kernel's iopt_check_iova() refuses a misaligned IOVA or one that meets a
 * reservation (-EINVAL) and an existing mapping (-EEXIST).
 */
int sim_iopt_map_fixed(struct io_pagetable *iopt, unsigned long iova,
		       unsigned long length)
{
	struct iopt_area *area;
	unsigned long last;
	int rc = 0;

	if (!length || check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	down_write(&iopt->iova_rwsem);
	if (iova & (PAGE_SIZE - 1))
		rc = -EINVAL;
	else if (iopt_reserved_iter_first(iopt, iova, last))
		rc = -EINVAL;
	else if (iopt_area_iter_first(iopt, iova, last))
		rc = -EEXIST;
	if (rc)
		goto out_unlock;
	area = iopt_alloc_area();
	if (!area) {
		rc = -ENOMEM;
		goto out_unlock;
	}
	area->node.start = iova;
	area->node.last = last;
	area->iopt = iopt;
	interval_tree_insert(&area->node, &iopt->area_itree);
out_unlock:
	up_write(&iopt->iova_rwsem);
	return rc;
}

/*
 * Remove every area inside [start, last]; an area that straddles either
 * end stops the walk with -ENOENT, leaving the areas before it removed, as
 * the kernel's iopt_unmap_iova_range() does. Assumption: no access object
 * or in-flight map holds an area (neither is simulated), so the kernel's
 * -EBUSY cases cannot arise.
 */
static int unmap_range(struct io_pagetable *iopt, unsigned long start,
		       unsigned long last, unsigned long *unmapped)
{
	struct iopt_area *area;
	unsigned long total = 0;
	int rc = 0;

	down_write(&iopt->iova_rwsem);
	while ((area = iopt_area_iter_first(iopt, start, last))) {
		if (area->node.start < start || area->node.last > last) {
			rc = -ENOENT;
			break;
		}
		total += area->node.last - area->node.start + 1;
		interval_tree_remove(&area->node, &iopt->area_itree);
		kfree(area);
	}
	up_write(&iopt->iova_rwsem);
	if (unmapped)
		*unmapped = total;
	return rc;
}

/* IOMMU_IOAS_UNMAP of [iova, iova + length - 1] (iopt_unmap_iova()). */
int sim_iopt_unmap_iova(struct io_pagetable *iopt, unsigned long iova,
			unsigned long length, unsigned long *unmapped)
{
	unsigned long last;

	if (!length)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	return unmap_range(iopt, iova, last, unmapped);
}

/* An empty IOAS unmaps all successfully, as the kernel's does. */
int iopt_unmap_all(struct io_pagetable *iopt, unsigned long *unmapped)
{
	return unmap_range(iopt, 0, ULONG_MAX, unmapped);
}
