// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel tree as the engine's target (sim/target.h). Everything goes
 * through the kernel's own entry points: module init registers /dev/iommu,
 * open() runs iommufd_fops_open(), the ioctls run iommufd_fops_ioctl()
 * with a user buffer, and the last fput() runs iommufd_fops_release().
 */
#include <string.h>

#include <linux/miscdevice.h>

#include "io_pagetable.h"
#include "iommufd_private.h"
#include "target.h"

#include "ktree_info.h"		/* generated: which tree was compiled */

const char target_kind[] = "tree";

const char *target_describe(void)
{
	return "tree " KTREE_VERSION " (" KTREE_PACKAGE ", files " KTREE_HASH
	       ")";
}

/*
 * Lock classes, named by their mutex_init()/init_rwsem() expression in the
 * tree and its stand-ins, ranked in the order the kernel takes them.
 */
static const struct sim_lock_order ktree_lock_order[] = {
	{ "&ioas->mutex", 10 },
	{ "&new_igroup->lock", 20 },
	{ "&iopt->domains_rwsem", 30 },
	{ "&iopt->iova_rwsem", 40 },
	{ "&ictx->sw_msi_lock", 50 },
	{ "&group->mutex", 60 },
};

int target_boot(void)
{
	sim_lockdep_set_order(ktree_lock_order, ARRAY_SIZE(ktree_lock_order));
	return sim_initcalls_run();
}

struct iommufd_ctx *target_open(void)
{
	struct file *file = sim_misc_open("iommu");

	if (IS_ERR(file))
		return ERR_CAST(file);
	return file->private_data;
}

void target_set_id_limit(struct iommufd_ctx *ictx, u32 max)
{
	sim_xa_set_limit(&ictx->objects, max);
}

/* One system call: the argument struct is the user buffer. */
static int ioctl(struct iommufd_ctx *ictx, unsigned int cmd, void *arg)
{
	struct file *file = ictx->file;

	return file->f_op->unlocked_ioctl(file, cmd, (unsigned long)arg);
}

int target_ioas_alloc(struct iommufd_ctx *ictx, u32 *out_id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	int rc;

	rc = ioctl(ictx, IOMMU_IOAS_ALLOC, &cmd);
	if (!rc)
		*out_id = cmd.out_ioas_id;
	return rc;
}

int target_ioas_map_fixed(struct iommufd_ctx *ictx, u32 ioas_id,
			  unsigned long iova, unsigned long length)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas_id,
		.user_va = 0x10000000,
		.length = length,
		.iova = iova,
	};

	return ioctl(ictx, IOMMU_IOAS_MAP, &cmd);
}

int target_ioas_unmap(struct iommufd_ctx *ictx, u32 ioas_id, u64 iova,
		      u64 length, u64 *unmapped)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.iova = iova,
		.length = length,
	};
	int rc;

	rc = ioctl(ictx, IOMMU_IOAS_UNMAP, &cmd);
	*unmapped = rc ? 0 : cmd.length;
	return rc;
}

int target_ioas_iova_ranges(struct iommufd_ctx *ictx, u32 ioas_id,
			    struct target_range *out, u32 max, u32 *num)
{
	struct iommu_iova_range ranges[TARGET_MAX_RANGES];
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.num_iovas = min_t(u32, max, TARGET_MAX_RANGES),
		.allowed_iovas = (uintptr_t)ranges,
	};
	u32 i;
	int rc;

	rc = ioctl(ictx, IOMMU_IOAS_IOVA_RANGES, &cmd);
	*num = rc && rc != -EMSGSIZE ? 0 : cmd.num_iovas;
	for (i = 0; i < *num && i < max && i < TARGET_MAX_RANGES; i++)
		out[i] = (struct target_range){ ranges[i].start,
						ranges[i].last };
	return rc;
}

int target_hwpt_alloc(struct iommufd_ctx *ictx, u32 dev_id, u32 pt_id,
		      u32 flags, u32 *out_id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev_id,
		.pt_id = pt_id,
		.data_type = IOMMU_HWPT_DATA_NONE,
	};
	int rc;

	rc = ioctl(ictx, IOMMU_HWPT_ALLOC, &cmd);
	if (!rc)
		*out_id = cmd.out_hwpt_id;
	return rc;
}

int target_destroy(struct iommufd_ctx *ictx, u32 id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return ioctl(ictx, IOMMU_DESTROY, &cmd);
}

/*
 * The ranges of one of an IOAS's interval trees, in ascending order; for
 * the reserved tree with each range's owner.
 */
static unsigned int itree_ranges(struct rb_root_cached *root, bool reserved,
				 struct target_resv *out, unsigned int max)
{
	struct interval_tree_node *node;
	unsigned int n = 0;

	for (node = interval_tree_iter_first(root, 0, ULONG_MAX); node;
	     node = interval_tree_iter_next(node, 0, ULONG_MAX)) {
		if (n < max)
			out[n] = (struct target_resv){
				node->start, node->last,
				reserved ? container_of(node,
							struct iopt_reserved,
							node)->owner : NULL };
		n++;
	}
	return n;
}

unsigned int target_ioas_resv(struct iommufd_ioas *ioas,
			      struct target_resv *out, unsigned int max)
{
	return itree_ranges(&ioas->iopt.reserved_itree, true, out, max);
}

unsigned int target_ioas_areas(struct iommufd_ioas *ioas,
			       struct target_resv *out, unsigned int max)
{
	return itree_ranges(&ioas->iopt.area_itree, false, out, max);
}

unsigned int target_ioas_nr_domains(struct iommufd_ioas *ioas)
{
	return ioas->iopt.next_domain_id;
}

bool target_hwpt_filled(struct iommufd_hwpt_paging *hwpt_paging)
{
	return !list_empty(&hwpt_paging->hwpt_item);
}
