// SPDX-License-Identifier: GPL-2.0-only
/*
 * bindsim: the rest of iommufd that the compiled files link against but
 * bindsim does not simulate: fault queues (eventq.c), vIOMMU, vDEVICE and
 * hardware queues (viommu.c), in-kernel access objects and page pinning
 * (io_pagetable.c, pages.c), dirty tracking, and the VFIO compat ioctls
 * (vfio_compat.c). Reaching any of them is an "unmodelled" finding and a
 * refusal (-EOPNOTSUPP), never a silent success.
 *
 * One exception keeps the kernel's behaviour because every detach reaches
 * it: iommufd_auto_response_faults() does nothing for a hwpt without a
 * fault queue, which is every hwpt bindsim can create.
 */
#include "io_pagetable.h"
#include "iommufd_private.h"

void iommufd_auto_response_faults(struct iommufd_hw_pagetable *hwpt,
				  struct iommufd_attach_handle *handle)
{
	if (!hwpt->fault || !handle)
		return;
	sim_unmodelled();
}

#define UNMODELLED_INT(name, ...)					\
	int name(__VA_ARGS__)						\
	{								\
		sim_unmodelled();					\
		return -EOPNOTSUPP;					\
	}
#define UNMODELLED_VOID(name, ...)					\
	void name(__VA_ARGS__)						\
	{								\
		sim_unmodelled();					\
	}

#pragma GCC diagnostic ignored "-Wunused-parameter"

UNMODELLED_INT(iommufd_fault_alloc, struct iommufd_ucmd *ucmd)
UNMODELLED_VOID(iommufd_fault_destroy, struct iommufd_object *obj)
UNMODELLED_INT(iommufd_fault_iopf_handler, struct iopf_group *group)
UNMODELLED_INT(iommufd_veventq_alloc, struct iommufd_ucmd *ucmd)
UNMODELLED_VOID(iommufd_veventq_destroy, struct iommufd_object *obj)
UNMODELLED_VOID(iommufd_veventq_abort, struct iommufd_object *obj)
UNMODELLED_INT(iommufd_viommu_alloc_ioctl, struct iommufd_ucmd *ucmd)
UNMODELLED_VOID(iommufd_viommu_destroy, struct iommufd_object *obj)
UNMODELLED_INT(iommufd_vdevice_alloc_ioctl, struct iommufd_ucmd *ucmd)
UNMODELLED_VOID(iommufd_vdevice_destroy, struct iommufd_object *obj)
UNMODELLED_VOID(iommufd_vdevice_abort, struct iommufd_object *obj)
UNMODELLED_INT(iommufd_hw_queue_alloc_ioctl, struct iommufd_ucmd *ucmd)
UNMODELLED_VOID(iommufd_hw_queue_destroy, struct iommufd_object *obj)
UNMODELLED_INT(iopt_add_access, struct io_pagetable *iopt,
	       struct iommufd_access *access)
UNMODELLED_VOID(iopt_remove_access, struct io_pagetable *iopt,
		struct iommufd_access *access, u32 iopt_access_list_id)
UNMODELLED_INT(iopt_area_add_access, struct iopt_area *area,
	       unsigned long start, unsigned long last,
	       struct page **out_pages, unsigned int flags, bool lock_area)
UNMODELLED_VOID(iopt_area_remove_access, struct iopt_area *area,
		unsigned long start, unsigned long last, bool unlock_area)
UNMODELLED_INT(iopt_pages_rw_access, struct iopt_pages *pages,
	       unsigned long start_byte, void *data, unsigned long length,
	       unsigned int flags)
UNMODELLED_INT(iopt_read_and_clear_dirty_data, struct io_pagetable *iopt,
	       struct iommu_domain *domain, unsigned long flags,
	       struct iommu_hwpt_get_dirty_bitmap *bitmap)
UNMODELLED_INT(iopt_set_dirty_tracking, struct io_pagetable *iopt,
	       struct iommu_domain *domain, bool enable)

struct iopt_area *iopt_area_contig_init(struct iopt_area_contig_iter *iter,
					struct io_pagetable *iopt,
					unsigned long iova,
					unsigned long last_iova)
{
	sim_unmodelled();
	return NULL;
}

struct iopt_area *iopt_area_contig_next(struct iopt_area_contig_iter *iter)
{
	sim_unmodelled();
	return NULL;
}

/* Not an iommufd command and no VFIO compat container: the kernel's answer. */
int iommufd_vfio_ioctl(struct iommufd_ctx *ictx, unsigned int cmd,
		       unsigned long arg)
{
	return -ENOIOCTLCMD;
}
