// SPDX-License-Identifier: GPL-2.0-only
/*
 * bindsim: the simulated IOMMU driver behind every IOMMU instance of a
 * world (struct iommu_device, its iommu_ops and the paging domain ops).
 * The kernel tree's iommufd allocates its domains through these ops; the
 * model calls the iommu core's paging allocation directly.
 *
 * A file of its own: its domain allocation is a fault point (-ENOMEM), and
 * binaries that never reach the driver should not link that site.
 */
#include <linux/bug.h>
#include <linux/iommu.h>
#include <linux/slab.h>

/* uapi IOMMU_HWPT_ALLOC_PASID (include/uapi/linux/iommufd.h) */
#define SIM_HWPT_ALLOC_PASID (1U << 3)

static void sim_driver_domain_free(struct iommu_domain *domain)
{
	sim_free(domain, SIM_SITE("sim_driver_domain_free"));
}

/* Snoop control is a property of the IOMMU instance: see the world. */
static bool sim_driver_enforce_cc(struct iommu_domain *domain)
{
	return domain->sim_enforce_cc;
}

static const struct iommu_domain_ops sim_driver_paging_ops = {
	.enforce_cache_coherency = sim_driver_enforce_cc,
	.free = sim_driver_domain_free,
};

/*
 * Assumption: the simulated driver allocates paging domains, PASID-capable
 * on request; nesting parents, dirty tracking and driver data from user
 * space are refused (-EOPNOTSUPP), as by a driver without them.
 */
static struct iommu_domain *
sim_driver_domain_alloc_paging_flags(struct device *dev, u32 flags,
				     const struct iommu_user_data *user_data)
{
	struct iommu_domain *domain;

	if (user_data || (flags & ~SIM_HWPT_ALLOC_PASID))
		return ERR_PTR(-EOPNOTSUPP);
	domain = sim_iommu_paging_domain_alloc(dev,
				flags & SIM_HWPT_ALLOC_PASID,
				SIM_FAULT_SITE("domain_alloc_paging"));
	if (IS_ERR(domain))
		return domain;
	domain->ops = &sim_driver_paging_ops;
	domain->sim_enforce_cc =
		!!(dev->iommu->caps & BIT(IOMMU_CAP_ENFORCE_CACHE_COHERENCY));
	return domain;
}

static const struct iommu_ops sim_driver_ops = {
	.domain_alloc_paging_flags = sim_driver_domain_alloc_paging_flags,
	.pgsize_bitmap = 0x40201000UL,	/* 4K, 2M, 1G */
};

#define SIM_MAX_IOMMUS 16

static struct iommu_device sim_iommus[SIM_MAX_IOMMUS];

struct iommu_device *sim_iommu_device(unsigned int instance)
{
	struct iommu_device *iommu = &sim_iommus[instance % SIM_MAX_IOMMUS];

	iommu->ops = &sim_driver_ops;
	iommu->instance = instance;
	return iommu;
}
