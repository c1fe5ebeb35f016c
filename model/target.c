// SPDX-License-Identifier: GPL-2.0-only
/*
 * The model as the engine's target (sim/target.h): bindsim's own
 * look-alike of iommufd, with its own entry points for the ioctls.
 */
#include "iommufd_private.h"
#include "target.h"

const char target_kind[] = "model";

const char *target_describe(void)
{
	return "model (bindsim's look-alike of drivers/iommu/iommufd)";
}

int target_boot(void)
{
	iommufd_lockdep_init();
	return 0;
}

struct iommufd_ctx *target_open(void)
{
	return iommufd_fops_open();
}

void target_set_id_limit(struct iommufd_ctx *ictx, u32 max)
{
	ictx->sim_id_max = max;
}

int target_ioas_alloc(struct iommufd_ctx *ictx, u32 *out_id)
{
	return iommufd_ioas_alloc_ioctl(ictx, out_id);
}

int target_ioas_map_fixed(struct iommufd_ctx *ictx, u32 ioas_id,
			  unsigned long iova, unsigned long length)
{
	struct iommufd_object *obj;
	int rc;

	obj = iommufd_get_object(ictx, ioas_id, IOMMUFD_OBJ_IOAS);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	rc = iopt_map_range(&container_of(obj, struct iommufd_ioas, obj)->iopt,
			    iova, length);
	iommufd_put_object(ictx, obj);
	return rc;
}

int target_ioas_unmap(struct iommufd_ctx *ictx, u32 ioas_id, u64 iova,
		      u64 length, u64 *unmapped)
{
	return iommufd_ioas_unmap(ictx, ioas_id, iova, length, unmapped);
}

int target_ioas_iova_ranges(struct iommufd_ctx *ictx, u32 ioas_id,
			    struct target_range *out, u32 max, u32 *num)
{
	u64 pairs[2 * TARGET_MAX_RANGES];
	u32 i;
	int rc;

	max = min_t(u32, max, TARGET_MAX_RANGES);
	rc = iommufd_ioas_iova_ranges(ictx, ioas_id, pairs, max, num);
	for (i = 0; i < *num && i < max; i++)
		out[i] = (struct target_range){ pairs[2 * i],
						pairs[2 * i + 1] };
	return rc;
}

int target_hwpt_alloc(struct iommufd_ctx *ictx, u32 dev_id, u32 pt_id,
		      u32 flags, u32 *out_id)
{
	return iommufd_hwpt_alloc_ioctl(ictx, dev_id, pt_id, flags, out_id);
}

int target_destroy(struct iommufd_ctx *ictx, u32 id)
{
	return iommufd_destroy(ictx, id);
}

unsigned int target_ioas_resv(struct iommufd_ioas *ioas,
			      struct target_resv *out, unsigned int max)
{
	struct iopt_reserved *r;
	unsigned int n = 0;

	list_for_each_entry(r, &ioas->iopt.reserved, node) {
		if (n < max)
			out[n] = (struct target_resv){ r->start, r->last,
						       r->owner };
		n++;
	}
	return n;
}

/* The model keeps areas in map order: report them by ascending start. */
unsigned int target_ioas_areas(struct iommufd_ioas *ioas,
			       struct target_resv *out, unsigned int max)
{
	struct iopt_area *a;
	unsigned int n = 0, i;

	list_for_each_entry(a, &ioas->iopt.areas, node) {
		/* insertion sort into the first @max slots */
		for (i = min(n, max); i > 0 && out[i - 1].start > a->start;
		     i--)
			if (i < max)
				out[i] = out[i - 1];
		if (i < max)
			out[i] = (struct target_resv){ a->start, a->last,
						       NULL };
		n++;
	}
	return n;
}

unsigned int target_ioas_nr_domains(struct iommufd_ioas *ioas)
{
	return ioas->iopt.nr_domains;
}

bool target_hwpt_filled(struct iommufd_hwpt_paging *hwpt_paging)
{
	return hwpt_paging->domain_added;
}
