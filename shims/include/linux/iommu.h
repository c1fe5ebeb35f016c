/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom (a simulated iommu core), with duplicates of the kernel's
 * type and constant declarations that iommufd reads (keep those in sync
 * with include/linux/iommu.h: enum iommu_cap, struct iommu_ops and
 * iommu_domain_ops members, IOMMU_* constants).
 */
#ifndef _LINUX_IOMMU_H
#define _LINUX_IOMMU_H

#include <sys/types.h>
#include <linux/bitmap.h>
#include <linux/bug.h>
#include <linux/device.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/interval_tree.h>
#include <linux/kref.h>
#include <linux/lockdep.h>
#include <linux/wait.h>
#include <linux/err.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/xarray.h>

/*
 * The iommu core as iommufd sees it: groups (refcounted), DMA ownership
 * with the owner-cookie contract, domains and group/pasid attach handles.
 * Behaviour follows kernel-facts.md section 4. Contract breaches the kernel
 * WARNs or oopses on are findings.
 */
#define BIT(n) (1UL << (n))
#define IOMMU_NO_PASID 0U
#define IOMMU_READ (1 << 0)
#define IOMMU_WRITE (1 << 1)
#define IOMMU_CACHE (1 << 2)
#define IOMMU_NOEXEC (1 << 3)
#define IOMMU_MMIO (1 << 4)
#define IOMMU_PRIV (1 << 5)

enum iommu_cap {
	IOMMU_CAP_CACHE_COHERENCY,
	IOMMU_CAP_ENFORCE_CACHE_COHERENCY,
	IOMMU_CAP_DIRTY_TRACKING,
	IOMMU_CAP_DEFERRED_FLUSH,
	IOMMU_CAP_PCI_ATS_SUPPORTED,
};

enum iommu_domain_type {
	IOMMU_DOMAIN_BLOCKED,
	IOMMU_DOMAIN_DMA,		/* a default domain */
	IOMMU_DOMAIN_UNMANAGED,		/* a paging domain owned by a user */
	IOMMU_DOMAIN_NESTED,
	IOMMU_DOMAIN_SVA,
	IOMMU_DOMAIN_IDENTITY,
};

enum iommu_domain_cookie_type {
	IOMMU_COOKIE_NONE,
	IOMMU_COOKIE_DMA_IOVA,
	IOMMU_COOKIE_DMA_MSI,
	IOMMU_COOKIE_FAULT_HANDLER,
	IOMMU_COOKIE_SVA,
	IOMMU_COOKIE_IOMMUFD,
};

struct iommu_domain;
struct iommu_user_data;
struct iommu_user_data_array;
struct iommu_iotlb_gather;
struct iommufd_hw_pagetable;
struct iommufd_ctx;
struct iommufd_viommu;
struct iopf_group;
struct fwnode_handle;
struct notifier_block;
struct bus_type;

/* Driver-specific data from user space (include/linux/iommu.h) */
struct iommu_user_data {
	unsigned int type;
	void __user *uptr;
	size_t len;
};

struct iommu_user_data_array {
	unsigned int type;
	void __user *uptr;
	size_t entry_len;
	u32 entry_num;
};

/* The driver's domain callbacks iommufd calls (a subset). */
struct iommu_domain_ops {
	bool (*enforce_cache_coherency)(struct iommu_domain *domain);
	int (*cache_invalidate_user)(struct iommu_domain *domain,
				     struct iommu_user_data_array *array);
	void (*iotlb_sync)(struct iommu_domain *domain,
			   struct iommu_iotlb_gather *iotlb_gather);
	void (*free)(struct iommu_domain *domain);
};

/* The driver's callbacks iommufd calls (a subset). */
struct iommu_ops {
	bool (*capable)(struct device *dev, enum iommu_cap cap);
	void *(*hw_info)(struct device *dev, u32 *length, u32 *type);
	struct iommu_domain *(*domain_alloc_paging_flags)(
		struct device *dev, u32 flags,
		const struct iommu_user_data *user_data);
	struct iommu_domain *(*domain_alloc_nested)(
		struct device *dev, struct iommu_domain *parent, u32 flags,
		const struct iommu_user_data *user_data);
	size_t (*get_viommu_size)(struct device *dev,
				  unsigned int viommu_type);
	int (*viommu_init)(struct iommufd_viommu *viommu,
			   struct iommu_domain *parent_domain,
			   const struct iommu_user_data *user_data);
	unsigned long pgsize_bitmap;
	void *owner;
	u32 user_pasid_table : 1;
};

/* An IOMMU instance. */
struct iommu_device {
	const struct iommu_ops *ops;
	unsigned int instance;		/* bindsim: index in the world */
	u32 max_pasids;
};

struct iommu_fwspec {
	struct fwnode_handle *iommu_fwnode;
};

struct iommu_domain {
	enum iommu_domain_type type;
	enum iommu_domain_cookie_type cookie_type;
	const struct iommu_domain_ops *ops;
	const struct iommu_ops *owner;	/* whose domain_alloc made it */
	unsigned long pgsize_bitmap;
	struct iommufd_hw_pagetable *iommufd_hwpt;
	int (*iopf_handler)(struct iopf_group *group);
	/* bindsim: the instance whose format it uses */
	unsigned int iommu_dev;
	/* bindsim: allocated with IOMMU_HWPT_ALLOC_PASID */
	bool pasid_capable;
	/* bindsim: the instance can enforce cache coherency (snoop) */
	bool sim_enforce_cc;
};

/*
 * The simulated IOMMU driver behind every world IOMMU instance. Its
 * domain_alloc_paging_flags() accepts IOMMU_HWPT_ALLOC_PASID (and no other
 * flag), allocates a paging domain (a fault point, -ENOMEM) and is freed
 * through domain->ops->free.
 */
struct iommu_device *sim_iommu_device(unsigned int instance);
static inline struct iommu_device *__iommu_get_iommu_dev(struct device *dev)
{
	return dev->iommu->iommu_dev;
}

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
 * iommu_paging_domain_alloc(): a paging domain from the device's driver
 * (the kernel calls ops->domain_alloc_paging_flags(dev, 0, NULL)).
 */
#define iommu_paging_domain_alloc(dev)					\
	sim_iommu_paging_domain_alloc((dev), false,			\
		SIM_FAULT_SITE("iommu_paging_domain_alloc"))

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

#ifndef BINDSIM_LATE_CALLSITES
#include <bindsim/callsites.h>
#endif

/* Software MSI page install into a domain: a fault point (-ENOMEM). */
int sim_iommu_map_msi(struct iommu_domain *domain, phys_addr_t addr,
		      const struct sim_site *site);
#define iommu_map_sw_msi(d, addr)					\
	sim_iommu_map_msi((d), (addr), SIM_FAULT_SITE("iommu_map"))

#endif
