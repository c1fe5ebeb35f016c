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

/* Add a mapped range; a world fixture, as IOMMU_IOAS_MAP is absent. */
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

	area = kzalloc_obj(struct iopt_area, GFP_KERNEL);
	if (!area)
		return -ENOMEM;
	area->start = start;
	area->last = start + length - 1;
	list_add_tail(&area->node, &iopt->areas);
	return 0;
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

	ioas = iommufd_object_alloc(ictx, ioas, IOMMUFD_OBJ_IOAS);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);
	iopt_init_table(&ioas->iopt);
	INIT_LIST_HEAD(&ioas->hwpt_list);
	mutex_init(&ioas->mutex);
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
