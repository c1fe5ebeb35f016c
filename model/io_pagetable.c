// SPDX-License-Identifier: GPL-2.0-only
/*
 * Only the IOAS state that device attachment uses: the extent of mapped areas,
 * reserved IOVA ranges per device, and how many domains there are. Trimmed from
 * drivers/iommu/iommufd/io_pagetable.c and ioas.c; pages and DMA are not
 * modelled.
 */
#include "iommufd_private.h"

void iopt_init_table(struct io_pagetable *iopt)
{
	INIT_LIST_HEAD(&iopt->areas);
	INIT_LIST_HEAD(&iopt->reserved);
	iopt->nr_domains = 0;
}

void iopt_destroy_table(struct io_pagetable *iopt)
{
	struct iopt_reserved *resv, *rn;
	struct iopt_area *area, *an;

	/* Detach should have cleared all device reservations */
	WARN_ON(!list_empty(&iopt->reserved));
	list_for_each_entry_safe(resv, rn, &iopt->reserved, node) {
		list_del(&resv->node);
		kfree(resv);
	}
	list_for_each_entry_safe(area, an, &iopt->areas, node) {
		list_del(&area->node);
		kfree(area);
	}
	WARN_ON(iopt->nr_domains);
}

static bool iopt_overlaps(unsigned long s1, unsigned long l1,
			  unsigned long s2, unsigned long l2)
{
	return s1 <= l2 && s2 <= l1;
}

/* The area allocation, named as the kernel's (its fault site) */
static struct iopt_area *iopt_alloc_area(void)
{
	return kzalloc_obj(struct iopt_area, GFP_KERNEL_ACCOUNT);
}

/* Add a mapped range (IOMMU_IOAS_MAP with a fixed IOVA; no pages). */
int iopt_map_range(struct io_pagetable *iopt, unsigned long start,
		   unsigned long length)
{
	unsigned long last = start + length - 1;
	struct iopt_reserved *resv;
	struct iopt_area *area;

	/* iopt_check_iova(): a reservation is -EINVAL, a mapping -EEXIST */
	list_for_each_entry(resv, &iopt->reserved, node)
		if (iopt_overlaps(start, last, resv->start, resv->last))
			return -EINVAL;
	list_for_each_entry(area, &iopt->areas, node)
		if (iopt_overlaps(start, last, area->start, area->last))
			return -EEXIST;

	area = iopt_alloc_area();
	if (!area)
		return -ENOMEM;
	area->start = start;
	area->last = start + length - 1;
	list_add_tail(&area->node, &iopt->areas);
	return 0;
}

/* The mapped area overlapping [start, last] with the lowest start. */
static struct iopt_area *iopt_first_area(struct io_pagetable *iopt,
					 unsigned long start,
					 unsigned long last)
{
	struct iopt_area *area, *first = NULL;

	list_for_each_entry(area, &iopt->areas, node)
		if (iopt_overlaps(start, last, area->start, area->last) &&
		    (!first || area->start < first->start))
			first = area;
	return first;
}

/*
 * Unmap the areas inside [start, last] in ascending order; one that
 * straddles an end stops it with -ENOENT, the ones before it stay unmapped
 * (the kernel's behaviour). Assumption: nothing pins an area (no access
 * objects), so the kernel's -EBUSY never arises.
 */
static int iopt_unmap_range(struct io_pagetable *iopt, unsigned long start,
			    unsigned long last, unsigned long *unmapped)
{
	struct iopt_area *area;

	*unmapped = 0;
	while ((area = iopt_first_area(iopt, start, last))) {
		if (area->start < start || area->last > last)
			return -ENOENT;
		*unmapped += area->last - area->start + 1;
		list_del(&area->node);
		kfree(area);
	}
	return 0;
}

/* The IOMMU_IOAS_UNMAP ioctl: 0 and U64_MAX unmap everything. */
int iommufd_ioas_unmap(struct iommufd_ctx *ictx, u32 ioas_id, u64 iova,
			     u64 length, u64 *out_length)
{
	struct iommufd_object *obj;
	struct iommufd_ioas *ioas;
	unsigned long unmapped = 0;
	int rc;

	*out_length = 0;
	obj = iommufd_get_object(ictx, ioas_id, IOMMUFD_OBJ_IOAS);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	ioas = container_of(obj, struct iommufd_ioas, obj);
	if (iova == 0 && length == U64_MAX)
		rc = iopt_unmap_range(&ioas->iopt, 0, ULONG_MAX, &unmapped);
	else if (iova >= ULONG_MAX || length >= ULONG_MAX)
		rc = -EOVERFLOW;
	else if (!length)
		rc = -EINVAL;
	else if (iova + (length - 1) < iova)
		rc = -EOVERFLOW;
	else if (!(rc = iopt_unmap_range(&ioas->iopt, iova, iova + length - 1,
					 &unmapped)) && !unmapped)
		rc = -ENOENT;
	if (!rc)
		rc = iommufd_ucmd_respond();
	if (!rc)
		*out_length = unmapped;
	iommufd_put_object(ictx, obj);
	return rc;
}

/*
 * The IOMMU_IOAS_IOVA_RANGES ioctl: the gaps between reserved ranges,
 * lowest first, each copied out while there is room for it (a fault point
 * per range); more gaps than room is -EMSGSIZE after the response.
 */
int iommufd_ioas_iova_ranges(struct iommufd_ctx *ictx, u32 ioas_id,
				   u64 *out, u32 max, u32 *num)
{
	struct iopt_reserved *resv, *low;
	struct iommufd_object *obj;
	unsigned long next = 0;
	int rc = 0;

	*num = 0;
	obj = iommufd_get_object(ictx, ioas_id, IOMMUFD_OBJ_IOAS);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	for (;;) {
		low = NULL;
		list_for_each_entry(resv, &container_of(obj, struct iommufd_ioas,
							obj)->iopt.reserved, node)
			if (resv->last >= next &&
			    (!low || resv->start < low->start))
				low = resv;
		if (!low || low->start > next) {
			if (*num < max) {
				if (sim_should_fail(SIM_FAULT_SITE(
					    "copy_to_user"))) {
					rc = -EFAULT;
					goto out_put;
				}
				out[2 * *num] = next;
				out[2 * *num + 1] = low ? low->start - 1 :
							  ULONG_MAX;
			}
			(*num)++;
		}
		if (!low || low->last == ULONG_MAX)
			break;
		next = low->last + 1;
	}
	rc = iommufd_ucmd_respond();
	if (!rc && *num > max)
		rc = -EMSGSIZE;
out_put:
	if (rc && rc != -EMSGSIZE)
		*num = 0;
	iommufd_put_object(ictx, obj);
	return rc;
}

static int iopt_reserve_iova(struct io_pagetable *iopt, unsigned long start,
			     unsigned long last, void *owner)
{
	struct iopt_reserved *resv;
	struct iopt_area *area;

	list_for_each_entry(area, &iopt->areas, node)
		if (iopt_overlaps(start, last, area->start, area->last))
			return -EADDRINUSE;

	resv = kzalloc_obj(struct iopt_reserved, GFP_KERNEL_ACCOUNT);
	if (!resv)
		return -ENOMEM;
	resv->start = start;
	resv->last = last;
	resv->owner = owner;
	list_add_tail(&resv->node, &iopt->reserved);
	return 0;
}

void iopt_remove_reserved_iova(struct io_pagetable *iopt, void *owner)
{
	struct iopt_reserved *resv, *next;

	list_for_each_entry_safe(resv, next, &iopt->reserved, node) {
		if (resv->owner != owner)
			continue;
		list_del(&resv->node);
		kfree(resv);
	}
}

/*
 * Reserve all of @dev's reserved regions in @iopt, owned by @dev; an error
 * leaves none of them behind. If @sw_msi_start is given and still unset, it
 * receives the start of a software MSI region.
 */
int iopt_table_enforce_dev_resv_regions(struct io_pagetable *iopt,
					struct device *dev,
					phys_addr_t *sw_msi_start)
{
	unsigned int i;
	int rc;

	/* The selftest's fault point, which the kernel has here too */
	if (sim_should_fail(SIM_FAULT_SITE("iommufd_should_fail")))
		return -EINVAL;

	for (i = 0; i < dev->nr_resv; i++) {
		const struct iommu_resv_region *resv = &dev->resv[i];

		if (sw_msi_start && resv->type == IOMMU_RESV_SW_MSI &&
		    *sw_msi_start == PHYS_ADDR_MAX)
			*sw_msi_start = resv->start;

		rc = iopt_reserve_iova(iopt, resv->start,
				       resv->start + resv->length - 1, dev);
		if (rc)
			goto out_remove;
	}
	return 0;

out_remove:
	iopt_remove_reserved_iova(iopt, dev);
	return rc;
}

/* Copy the IOAS mappings into a domain; can be made to fail (-ENOMEM). */
int iopt_table_add_domain(struct io_pagetable *iopt,
			  struct iommu_domain *domain)
{
	(void)domain;
	if (sim_should_fail(SIM_FAULT_SITE("iopt_fill_domain")))
		return -ENOMEM;
	iopt->nr_domains++;
	return 0;
}

void iopt_table_remove_domain(struct io_pagetable *iopt,
			      struct iommu_domain *domain)
{
	(void)domain;
	WARN_ON(!iopt->nr_domains);
	iopt->nr_domains--;
}

/* The IOMMU_IOAS_ALLOC ioctl */
int iommufd_ioas_alloc_ioctl(struct iommufd_ctx *ictx, u32 *out_id)
{
	struct iommufd_ioas *ioas;
	int rc;

	ioas = iommufd_object_alloc(ictx, ioas, IOMMUFD_OBJ_IOAS);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);
	iopt_init_table(&ioas->iopt);
	INIT_LIST_HEAD(&ioas->hwpt_list);
	mutex_init(&ioas->mutex);
	/* The response reaches user space before the IOAS is published */
	rc = iommufd_ucmd_respond();
	if (rc) {
		iommufd_object_abort_and_destroy(ictx, &ioas->obj);
		return rc;
	}
	*out_id = ioas->obj.id;
	iommufd_object_finalize(ictx, &ioas->obj);
	return 0;
}

void iommufd_ioas_destroy(struct iommufd_object *obj)
{
	struct iommufd_ioas *ioas = container_of(obj, struct iommufd_ioas, obj);

	WARN_ON(!list_empty(&ioas->hwpt_list));
	iopt_destroy_table(&ioas->iopt);
	mutex_destroy(&ioas->mutex);
}
