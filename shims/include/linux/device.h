/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. struct device reduced to what iommufd and the iommu core
 * read, plus the world's per-device facts (MSI isolation, reserved
 * regions) that the kernel would get from the irq domain and the driver.
 */
#ifndef _LINUX_DEVICE_H
#define _LINUX_DEVICE_H

#include <linux/module.h>
#include <linux/types.h>

struct iommu_group;

/* One reserved region of a device (struct iommu_resv_region, reduced). */
enum iommu_resv_type {
	IOMMU_RESV_DIRECT,
	IOMMU_RESV_RESERVED,
	IOMMU_RESV_MSI,
	IOMMU_RESV_SW_MSI,
};

struct iommu_resv_region {
	phys_addr_t start;
	size_t length;
	enum iommu_resv_type type;
};

#define SIM_MAX_RESV 2

/* Per-device IOMMU data, present only when an IOMMU driver probed it. */
struct iommu_device;
struct dev_iommu {
	struct iommu_device *iommu_dev;	/* the IOMMU instance (its driver) */
	unsigned int instance;		/* bindsim: its index in the world */
	unsigned long caps;		/* BIT(enum iommu_cap) */
	u32 max_pasids;			/* 0: no PASID support */
};

struct device {
	char name[16];
	struct iommu_group *iommu_group;
	struct dev_iommu *iommu;	/* NULL: no IOMMU (noiommu) */
	bool msi_isolated;		/* irq domain isolates its MSIs */
	bool pci_vf_pri;		/* a PCI VF that supports PRI */
	bool mock;			/* iommufd selftest mock device */
	unsigned int nr_resv;
	struct iommu_resv_region resv[SIM_MAX_RESV];
};

static inline const char *dev_name(const struct device *dev)
{
	return dev->name;
}

#endif
