/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_IOMMU_H
#define _LINUX_IOMMU_H

#include <linux/device.h>
#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/xarray.h>

/*
 * The iommu core as iommufd sees it: groups (refcounted), DMA ownership
 * with the owner-cookie contract, domains and group/pasid attach handles.
 * Behaviour follows kernel-facts.md section 4. Contract breaches the kernel
 * WARNs or oopses on are findings.
 */
#define BIT(n) (1UL << (n))
#define IOMMU_NO_PASID 0U

enum iommu_cap {
	IOMMU_CAP_CACHE_COHERENCY,
	IOMMU_CAP_ENFORCE_CACHE_COHERENCY,
};

enum iommu_domain_type {
	IOMMU_DOMAIN_BLOCKED,
	IOMMU_DOMAIN_DMA,		/* a default domain */
	IOMMU_DOMAIN_UNMANAGED,		/* a paging domain owned by a user */
};

struct iommu_domain {
	enum iommu_domain_type type;
	unsigned int iommu_dev;		/* instance whose format it uses */
	/* allocated with IOMMU_HWPT_ALLOC_PASID */
	bool pasid_capable;
};

#define SIM_GROUP_MAX_DEVS 4

struct iommu_group {
	int id;
	char name[16];
	refcount_t ref;			/* kobject reference */
	struct mutex mutex;
	struct device *devices[SIM_GROUP_MAX_DEVS];
	unsigned int nr_devices;
	struct iommu_domain *default_domain;
	struct iommu_domain *blocking_domain;
	struct iommu_domain *domain;	/* current NO_PASID domain */
	void *owner;			/* DMA owner cookie */
	unsigned int owner_cnt;
	/* pasid -> struct iommu_attach_handle */
	struct xarray pasid_array;
};

/* What the core stores per attached pasid (iommufd wraps it). */
struct iommu_attach_handle {
	struct iommu_domain *domain;
};

/* Plain queries (no fault points). */
bool device_iommu_capable(struct device *dev, enum iommu_cap cap);
bool device_iommu_mapped(struct device *dev);
int sim_iommu_group_id(struct iommu_group *group, const struct sim_site *site);
#define iommu_group_id(g) sim_iommu_group_id((g), SIM_SITE("iommu_group_id"))
bool iommu_group_has_isolated_msi(struct iommu_group *group);

struct iommu_group *sim_iommu_group_get(struct device *dev,
					const struct sim_site *site);
void sim_iommu_group_put(struct iommu_group *group,
			 const struct sim_site *site);
#define iommu_group_get(dev)						\
	sim_iommu_group_get((dev), SIM_SITE("iommu_group_get"))
#define iommu_group_put(g) sim_iommu_group_put((g), SIM_SITE("iommu_group_put"))

/*
 * Group creation (fault point) and membership, for the fake vfio-noiommu
 * group and for world fixtures. A group is freed when its last reference
 * goes; its default domain is allocated with it.
 */
struct iommu_group *sim_iommu_group_alloc(enum sim_alloc_class cls,
					  const struct sim_site *site);
#define iommu_group_alloc()						\
	sim_iommu_group_alloc(SIM_CLASS_KERNEL,				\
			      SIM_FAULT_SITE("iommu_group_alloc"))
int iommu_group_add_device(struct iommu_group *group, struct device *dev);
void iommu_group_remove_device(struct device *dev);

/* DMA ownership. */
int sim_iommu_device_claim_dma_owner(struct device *dev, void *owner,
				     const struct sim_site *site);
void sim_iommu_device_release_dma_owner(struct device *dev,
					const struct sim_site *site);
#define iommu_device_claim_dma_owner(dev, owner)			\
	sim_iommu_device_claim_dma_owner((dev), (owner),		\
		SIM_FAULT_SITE("iommu_device_claim_dma_owner"))
#define iommu_device_release_dma_owner(dev)				\
	sim_iommu_device_release_dma_owner((dev),			\
		SIM_SITE("iommu_device_release_dma_owner"))

/* Paging domains for iommufd HWPTs. */
struct iommu_domain *sim_iommu_paging_domain_alloc(struct device *dev,
						   bool pasid,
						   const struct sim_site *site);
#define iommu_paging_domain_alloc_flags(dev, pasid)			\
	sim_iommu_paging_domain_alloc((dev), (pasid),			\
		SIM_FAULT_SITE("iommu_paging_domain_alloc"))
void sim_iommu_domain_free(struct iommu_domain *domain,
			   const struct sim_site *site);
#define iommu_domain_free(d)						\
	sim_iommu_domain_free((d), SIM_SITE("iommu_domain_free"))

/*
 * Attach handles. The driver's attach callback is a fault point inside
 * each attach/replace (site "attach_dev"/"set_dev_pasid" in iommu.c).
 */
int sim_iommu_attach_group_handle(struct iommu_domain *domain,
				  struct iommu_group *group,
				  struct iommu_attach_handle *handle,
				  const struct sim_site *site);
void sim_iommu_detach_group_handle(struct iommu_domain *domain,
				   struct iommu_group *group,
				   const struct sim_site *site);
int sim_iommu_replace_group_handle(struct iommu_group *group,
				   struct iommu_domain *new_domain,
				   struct iommu_attach_handle *handle,
				   const struct sim_site *site);
int sim_iommu_attach_device_pasid(struct iommu_domain *domain,
				  struct device *dev, ioasid_t pasid,
				  struct iommu_attach_handle *handle,
				  const struct sim_site *site);
int sim_iommu_replace_device_pasid(struct iommu_domain *domain,
				   struct device *dev, ioasid_t pasid,
				   struct iommu_attach_handle *handle,
				   const struct sim_site *site);
void sim_iommu_detach_device_pasid(struct iommu_domain *domain,
				   struct device *dev, ioasid_t pasid,
				   const struct sim_site *site);
struct iommu_attach_handle *
sim_iommu_attach_handle_get(struct iommu_group *group, ioasid_t pasid,
			    unsigned int type, const struct sim_site *site);

#define iommu_attach_group_handle(d, g, h)				\
	sim_iommu_attach_group_handle((d), (g), (h),			\
		SIM_FAULT_SITE("iommu_attach_group_handle"))
#define iommu_detach_group_handle(d, g)					\
	sim_iommu_detach_group_handle((d), (g),				\
		SIM_SITE("iommu_detach_group_handle"))
#define iommu_replace_group_handle(g, d, h)				\
	sim_iommu_replace_group_handle((g), (d), (h),			\
		SIM_FAULT_SITE("iommu_replace_group_handle"))
#define iommu_attach_device_pasid(d, dev, pasid, h)			\
	sim_iommu_attach_device_pasid((d), (dev), (pasid), (h),		\
		SIM_FAULT_SITE("iommu_attach_device_pasid"))
#define iommu_replace_device_pasid(d, dev, pasid, h)			\
	sim_iommu_replace_device_pasid((d), (dev), (pasid), (h),	\
		SIM_FAULT_SITE("iommu_replace_device_pasid"))
#define iommu_detach_device_pasid(d, dev, pasid)			\
	sim_iommu_detach_device_pasid((d), (dev), (pasid),		\
		SIM_SITE("iommu_detach_device_pasid"))
#define iommu_attach_handle_get(g, pasid, type)				\
	sim_iommu_attach_handle_get((g), (pasid), (type),		\
		SIM_SITE("iommu_attach_handle_get"))

/* Software MSI page install into a domain: a fault point (-ENOMEM). */
int sim_iommu_map_msi(struct iommu_domain *domain, phys_addr_t addr,
		      const struct sim_site *site);
#define iommu_map_sw_msi(d, addr)					\
	sim_iommu_map_msi((d), (addr), SIM_FAULT_SITE("iommu_map"))

#endif
