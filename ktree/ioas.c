// SPDX-License-Identifier: GPL-2.0-only
/*
 * bindsim stand-in for drivers/iommu/iommufd/ioas.c: IOAS objects are
 * created, destroyed, mapped into (IOMMU_IOAS_MAP with a fixed IOVA, as
 * ranges), unmapped and asked for their usable IOVA ranges; the other
 * IOAS ioctls are refused as not simulated.
 */
#include <linux/slab.h>

#include "io_pagetable.h"
#include "iommufd_private.h"
#include "ktree.h"

struct iommufd_ioas *iommufd_ioas_alloc(struct iommufd_ctx *ictx)
{
	struct iommufd_ioas *ioas;

	ioas = iommufd_object_alloc(ictx, ioas, IOMMUFD_OBJ_IOAS);
	if (IS_ERR(ioas))
		return ioas;

	iopt_init_table(&ioas->iopt);
	INIT_LIST_HEAD(&ioas->hwpt_list);
	mutex_init(&ioas->mutex);
	return ioas;
}

/* The response is copied out before the object is published. */
int iommufd_ioas_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_alloc *cmd = ucmd->cmd;
	struct iommufd_ioas *ioas;
	int rc;

	if (cmd->flags)
		return -EOPNOTSUPP;

	ioas = iommufd_ioas_alloc(ucmd->ictx);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);

	cmd->out_ioas_id = ioas->obj.id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_table;

	down_read(&ucmd->ictx->ioas_creation_lock);
	iommufd_object_finalize(ucmd->ictx, &ioas->obj);
	up_read(&ucmd->ictx->ioas_creation_lock);
	return 0;

out_table:
	iommufd_object_abort_and_destroy(ucmd->ictx, &ioas->obj);
	return rc;
}

void iommufd_ioas_destroy(struct iommufd_object *obj)
{
	struct iommufd_ioas *ioas = container_of(obj, struct iommufd_ioas, obj);
	int rc;

	rc = iopt_unmap_all(&ioas->iopt, NULL);
	WARN_ON(rc && rc != -ENOENT);
	iopt_destroy_table(&ioas->iopt);
	mutex_destroy(&ioas->mutex);
}

/*
 * IOMMU_IOAS_MAP: only IOMMU_IOAS_MAP_FIXED_IOVA mappings, recorded as
 * ranges; user memory is not pinned. Assumption: the user buffer is valid.
 */
int iommufd_ioas_map(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_map *cmd = ucmd->cmd;
	struct iommufd_ioas *ioas;
	int rc;

	if ((cmd->flags &
	     ~(IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE |
	       IOMMU_IOAS_MAP_READABLE)) ||
	    cmd->__reserved)
		return -EOPNOTSUPP;
	if (cmd->iova >= ULONG_MAX || cmd->length >= ULONG_MAX)
		return -EOVERFLOW;
	if (!(cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA)) {
		sim_unmodelled();
		return -EOPNOTSUPP;
	}

	ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);
	rc = sim_iopt_map_fixed(&ioas->iopt, cmd->iova, cmd->length);
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return rc;
}

/*
 * IOMMU_IOAS_UNMAP: a range that covers whole areas, or everything (0 and
 * U64_MAX); nothing unmapped in a range is -ENOENT.
 */
int iommufd_ioas_unmap(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_unmap *cmd = ucmd->cmd;
	struct iommufd_ioas *ioas;
	unsigned long unmapped = 0;
	int rc;

	ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);

	if (cmd->iova == 0 && cmd->length == U64_MAX) {
		rc = iopt_unmap_all(&ioas->iopt, &unmapped);
	} else if (cmd->iova >= ULONG_MAX || cmd->length >= ULONG_MAX) {
		rc = -EOVERFLOW;
	} else {
		rc = sim_iopt_unmap_iova(&ioas->iopt, cmd->iova, cmd->length,
					 &unmapped);
		if (!rc && !unmapped)
			rc = -ENOENT;
	}
	if (!rc) {
		cmd->length = unmapped;
		rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	}
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return rc;
}

/*
 * IOMMU_IOAS_IOVA_RANGES: the holes between the reserved ranges, copied
 * out one by one up to num_iovas; the count is always reported, and a
 * buffer too small for it gives -EMSGSIZE after the response.
 */
int iommufd_ioas_iova_ranges(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_iova_ranges *cmd = ucmd->cmd;
	struct iommu_iova_range __user *ranges;
	struct iopt_reserved *resv;
	struct iommufd_ioas *ioas;
	unsigned long next = 0;
	u32 max_iovas;
	int rc = 0;

	if (cmd->__reserved)
		return -EOPNOTSUPP;

	ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);

	down_read(&ioas->iopt.iova_rwsem);
	max_iovas = cmd->num_iovas;
	ranges = u64_to_user_ptr(cmd->allowed_iovas);
	cmd->num_iovas = 0;
	cmd->out_iova_alignment = ioas->iopt.iova_alignment;
	/* reserved ranges come in ascending start order and may overlap */
	resv = iopt_reserved_iter_first(&ioas->iopt, 0, ULONG_MAX);
	for (;;) {
		if (!resv || resv->node.start > next) {
			struct iommu_iova_range elm = {
				.start = next,
				.last = resv ? resv->node.start - 1 : ULONG_MAX,
			};

			if (cmd->num_iovas < max_iovas &&
			    copy_to_user(&ranges[cmd->num_iovas], &elm,
					 sizeof(elm))) {
				rc = -EFAULT;
				goto out_put;
			}
			cmd->num_iovas++;
		}
		if (!resv)
			break;
		if (resv->node.last >= next) {
			if (resv->node.last == ULONG_MAX)
				break;
			next = resv->node.last + 1;
		}
		resv = iopt_reserved_iter_next(resv, 0, ULONG_MAX);
	}
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (!rc && cmd->num_iovas > max_iovas)
		rc = -EMSGSIZE;
out_put:
	up_read(&ioas->iopt.iova_rwsem);
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return rc;
}

#define UNMODELLED_IOCTL(name)						\
	int name(struct iommufd_ucmd *ucmd)				\
	{								\
		(void)ucmd;						\
		sim_unmodelled();					\
		return -EOPNOTSUPP;					\
	}

UNMODELLED_IOCTL(iommufd_ioas_allow_iovas)
UNMODELLED_IOCTL(iommufd_ioas_map_file)
UNMODELLED_IOCTL(iommufd_ioas_change_process)
UNMODELLED_IOCTL(iommufd_ioas_copy)
UNMODELLED_IOCTL(iommufd_ioas_option)
UNMODELLED_IOCTL(iommufd_vfio_ioas)

int iommufd_option_rlimit_mode(struct iommu_option *cmd,
			       struct iommufd_ctx *ictx)
{
	(void)cmd;
	(void)ictx;
	sim_unmodelled();
	return -EOPNOTSUPP;
}
