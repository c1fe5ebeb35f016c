// SPDX-License-Identifier: GPL-2.0-only
/*
 * bindsim stand-in for drivers/iommu/iommufd/hwpt_noiommu.c: the paging
 * domain ops iommufd uses for a device without an IOMMU. The kernel backs
 * the domain with a software-only AMDv1 page table (generic_pt), used for
 * IOVA-to-PA lookups; bindsim does not look IOVAs up, so the domain is a
 * plain allocation. Same contract: any flag or driver data is refused with
 * -EOPNOTSUPP, the allocation may fail (-ENOMEM), ops->free frees it.
 * Assumption: the page-table init (pt_iommu_amdv1_init) fails only when its
 * allocation does, folded into the one fault point here.
 */
#include <linux/slab.h>

#include "iommufd_private.h"

static void noiommu_domain_free(struct iommu_domain *domain)
{
	kfree(domain);
}

static const struct iommu_domain_ops noiommu_domain_ops = {
	.free = noiommu_domain_free,
};

static struct iommu_domain *
noiommu_alloc_paging_flags(struct device *dev, u32 flags,
			   const struct iommu_user_data *user_data)
{
	struct iommu_domain *domain;

	(void)dev;
	if (flags || user_data)
		return ERR_PTR(-EOPNOTSUPP);

	domain = kzalloc_obj(*domain);
	if (!domain)
		return ERR_PTR(-ENOMEM);
	domain->type = IOMMU_DOMAIN_UNMANAGED;
	domain->ops = &noiommu_domain_ops;
	domain->pgsize_bitmap = 0x40201000UL;
	/* bindsim: no IOMMU instance behind it */
	domain->iommu_dev = ~0U;
	return domain;
}

const struct iommu_ops iommufd_noiommu_ops = {
	.domain_alloc_paging_flags = noiommu_alloc_paging_flags,
};
