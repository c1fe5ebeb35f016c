/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * iommufd internal structures, reduced to what device bind, attach,
 * detach and replace touch. Field names follow the kernel's
 * drivers/iommu/iommufd/iommufd_private.h (see kernel-facts.md section 1).
 */
#ifndef __IOMMUFD_PRIVATE_H
#define __IOMMUFD_PRIVATE_H

#include <linux/bug.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/kernel.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/xarray.h>

enum iommufd_object_type {
	IOMMUFD_OBJ_NONE,
	IOMMUFD_OBJ_ANY = IOMMUFD_OBJ_NONE,
	IOMMUFD_OBJ_DEVICE,
	IOMMUFD_OBJ_HWPT_PAGING,
	IOMMUFD_OBJ_IOAS,
	IOMMUFD_OBJ_MAX,
};

/* Every object starts with this header. */
struct iommufd_object {
	/* Destroy waits for this to reach 0; starts at 1 (the xarray's). */
	refcount_t wait_cnt;
	/* Starts at 1, the reference owned by the xarray. */
	refcount_t users;
	enum iommufd_object_type type;
	unsigned int id;
};

struct iommufd_ctx {
	struct file *file;
	struct xarray objects;
	struct xarray groups;
	struct mutex sw_msi_lock;
	/* bindsim: no vfio_ioas, the VFIO compat container is not modelled */
	u32 sim_id_max;		/* bindsim: the world's object id limit */
};

struct iommufd_object_ops {
	void (*pre_destroy)(struct iommufd_object *obj);
	void (*destroy)(struct iommufd_object *obj);
	void (*abort)(struct iommufd_object *obj);
};

extern const struct iommufd_object_ops iommufd_object_ops[IOMMUFD_OBJ_MAX];

/* ------------------------------------------------------------ main.c */

struct iommufd_object *_iommufd_object_alloc(struct iommufd_ctx *ictx,
					     size_t size,
					     enum iommufd_object_type type);

#define __iommufd_object_alloc(ictx, ptr, type, obj)			\
	container_of(_iommufd_object_alloc(ictx, sizeof(*(ptr)), type),	\
		     __typeof__(*(ptr)), obj)

/*
 * Unlike the kernel's macro, an error pointer must survive container_of:
 * obj is the first member everywhere here, so the offset is 0.
 */
#define iommufd_object_alloc(ictx, ptr, type)				\
	__iommufd_object_alloc(ictx, ptr, type, obj)

void iommufd_object_finalize(struct iommufd_ctx *ictx,
			     struct iommufd_object *obj);
void iommufd_object_abort(struct iommufd_ctx *ictx,
			  struct iommufd_object *obj);
void iommufd_object_abort_and_destroy(struct iommufd_ctx *ictx,
				      struct iommufd_object *obj);
struct iommufd_object *iommufd_get_object(struct iommufd_ctx *ictx, u32 id,
					  enum iommufd_object_type type);
bool iommufd_lock_obj(struct iommufd_object *obj);
void iommufd_put_object(struct iommufd_ctx *ictx, struct iommufd_object *obj);

enum {
	REMOVE_WAIT = 1 << 0,
	REMOVE_OBJ_TOMBSTONE = 1 << 1,
};
int iommufd_object_remove(struct iommufd_ctx *ictx,
			  struct iommufd_object *to_destroy, u32 id,
			  unsigned int flags);

/* The caller holds a users reference and wants the object gone. */
static inline void iommufd_object_destroy_user(struct iommufd_ctx *ictx,
					       struct iommufd_object *obj)
{
	WARN_ON(iommufd_object_remove(ictx, obj, obj->id, REMOVE_WAIT));
}

/* Drop the caller's users reference; destroy if it was the last user. */
static inline void
iommufd_object_put_and_try_destroy(struct iommufd_ctx *ictx,
				   struct iommufd_object *obj)
{
	iommufd_object_remove(ictx, obj, obj->id, 0);
}

/*
 * Copy an ioctl's response to user space: copy_to_user() may fail
 * (-EFAULT). Assumption: the model's ioctls have no user buffer; only the
 * fault point is kept.
 */
static inline int iommufd_ucmd_respond(void)
{
	if (sim_should_fail(SIM_FAULT_SITE("copy_to_user")))
		return -EFAULT;
	return 0;
}

/* File operations and ioctls (user space's view). */
struct iommufd_ctx *iommufd_fops_open(void);
void iommufd_fops_release(struct file *filp);
int iommufd_destroy(struct iommufd_ctx *ictx, u32 id);
bool iommufd_selftest_is_mock_dev(struct device *dev);

/* ------------------------------------------------------ io_pagetable.c */

/* A mapped IOVA range (an "area"); only its extent matters here. */
struct iopt_area {
	struct list_head node;
	unsigned long start, last;
};

/* A reserved IOVA range and the device that reserved it. */
struct iopt_reserved {
	struct list_head node;
	unsigned long start, last;
	void *owner;
};

struct io_pagetable {
	struct list_head areas;
	struct list_head reserved;
	unsigned int nr_domains;
};

void iopt_init_table(struct io_pagetable *iopt);
void iopt_destroy_table(struct io_pagetable *iopt);
int iopt_map_range(struct io_pagetable *iopt, unsigned long start,
		   unsigned long length);
int iopt_table_enforce_dev_resv_regions(struct io_pagetable *iopt,
					struct device *dev,
					phys_addr_t *sw_msi_start);
void iopt_remove_reserved_iova(struct io_pagetable *iopt, void *owner);
int iopt_table_add_domain(struct io_pagetable *iopt,
			  struct iommu_domain *domain);
void iopt_table_remove_domain(struct io_pagetable *iopt,
			      struct iommu_domain *domain);

struct iommufd_ioas {
	struct iommufd_object obj;
	struct io_pagetable iopt;
	struct mutex mutex;
	struct list_head hwpt_list;
};

int iommufd_ioas_alloc_ioctl(struct iommufd_ctx *ictx, u32 *out_id);
int iommufd_ioas_unmap(struct iommufd_ctx *ictx, u32 ioas_id, u64 iova,
			     u64 length, u64 *out_length);
/* @out holds @max (start, last) pairs */
int iommufd_ioas_iova_ranges(struct iommufd_ctx *ictx, u32 ioas_id,
				   u64 *out, u32 max, u32 *num);
void iommufd_ioas_destroy(struct iommufd_object *obj);

/* ------------------------------------------------------ hw_pagetable.c */

#define IOMMU_HWPT_ALLOC_PASID (1U << 3)

struct iommufd_hw_pagetable {
	struct iommufd_object obj;
	struct iommu_domain *domain;
	bool pasid_compat;
};

struct iommufd_hwpt_paging {
	struct iommufd_hw_pagetable common;
	struct iommufd_ioas *ioas;
	bool auto_domain;
	bool enforce_cache_coherency;
	bool domain_added;		/* iopt_table_add_domain() done */
	struct list_head hwpt_item;
};

static inline struct iommufd_hwpt_paging *
to_hwpt_paging(struct iommufd_hw_pagetable *hwpt)
{
	if (hwpt->obj.type != IOMMUFD_OBJ_HWPT_PAGING)
		return NULL;
	return container_of(hwpt, struct iommufd_hwpt_paging, common);
}

static inline bool hwpt_is_paging(struct iommufd_hw_pagetable *hwpt)
{
	return hwpt->obj.type == IOMMUFD_OBJ_HWPT_PAGING;
}

struct iommufd_device;
struct iommufd_hwpt_paging *
iommufd_hwpt_paging_alloc(struct iommufd_ctx *ictx, struct iommufd_ioas *ioas,
			  struct iommufd_device *idev, ioasid_t pasid,
			  u32 flags, bool immediate_attach);
void iommufd_hwpt_paging_destroy(struct iommufd_object *obj);
void iommufd_hwpt_paging_abort(struct iommufd_object *obj);
int iommufd_hwpt_alloc_ioctl(struct iommufd_ctx *ictx, u32 dev_id, u32 pt_id,
			     u32 flags, u32 *out_id);
void iommufd_hw_pagetable_put(struct iommufd_ctx *ictx,
			      struct iommufd_hw_pagetable *hwpt);

/* ------------------------------------------------------------ device.c */

struct iommufd_group {
	struct kref ref;
	struct mutex lock;
	struct iommufd_ctx *ictx;	/* not refcounted */
	struct iommu_group *group;	/* NULL for a noiommu device */
	struct xarray pasid_attach;	/* pasid -> struct iommufd_attach */
	phys_addr_t sw_msi_start;
};

struct iommufd_attach {
	struct iommufd_hw_pagetable *hwpt;
	struct xarray device_array;	/* idev id -> idev */
};

struct iommufd_device {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	struct iommufd_group *igroup;
	struct device *dev;
	bool enforce_cache_coherency;
	bool destroying;
};

struct iommufd_attach_handle {
	struct iommu_attach_handle handle;
	struct iommufd_device *idev;
};

void iommufd_device_destroy(struct iommufd_object *obj);
void iommufd_device_pre_destroy(struct iommufd_object *obj);
void iommufd_put_group(struct iommufd_group *igroup);
bool iommufd_device_is_noiommu(struct iommufd_device *idev);
int iommufd_hw_pagetable_attach(struct iommufd_hw_pagetable *hwpt,
				struct iommufd_device *idev, ioasid_t pasid);
struct iommufd_hw_pagetable *
iommufd_hw_pagetable_detach(struct iommufd_device *idev, ioasid_t pasid);
bool iommufd_device_is_attached(struct iommufd_device *idev, ioasid_t pasid);

/* Lock order (lockdep ranks), kernel-facts.md "Locks and their order". */
void iommufd_lockdep_init(void);

#endif
