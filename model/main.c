// SPDX-License-Identifier: GPL-2.0-only
/*
 * The iommufd file context and the life of its objects. Models
 * drivers/iommu/iommufd/main.c after the noiommu series was merged
 * (kernel-facts.md section 2, "M-new").
 */
#include "iommufd_private.h"

const struct iommufd_object_ops iommufd_object_ops[IOMMUFD_OBJ_MAX] = {
	[IOMMUFD_OBJ_DEVICE] = {
		.pre_destroy = iommufd_device_pre_destroy,
		.destroy = iommufd_device_destroy,
	},
	[IOMMUFD_OBJ_HWPT_PAGING] = {
		.destroy = iommufd_hwpt_paging_destroy,
		.abort = iommufd_hwpt_paging_abort,
	},
	[IOMMUFD_OBJ_IOAS] = {
		.destroy = iommufd_ioas_destroy,
	},
};

static const char *const iommufd_object_names[IOMMUFD_OBJ_MAX] = {
	[IOMMUFD_OBJ_DEVICE] = "iommufd_device",
	[IOMMUFD_OBJ_HWPT_PAGING] = "iommufd_hwpt_paging",
	[IOMMUFD_OBJ_IOAS] = "iommufd_ioas",
};

/* Kernel ids fit in 31 bits; a world can set a smaller ceiling. */
u32 iommufd_object_id_max = 0x7fffffff;

struct iommufd_object *_iommufd_object_alloc(struct iommufd_ctx *ictx,
					     size_t size,
					     enum iommufd_object_type type)
{
	struct iommufd_object *obj;
	int rc;

	obj = kzalloc_tagged(size, GFP_KERNEL_ACCOUNT,
			     iommufd_object_names[type]);
	if (!obj)
		return ERR_PTR(-ENOMEM);
	obj->type = type;
	/* One extra count belongs to the xarray entry until removal. */
	refcount_set(&obj->wait_cnt, 1);
	refcount_set(&obj->users, 1);

	/*
	 * Claim an id now but store a zero entry there, so lookups miss the
	 * object until iommufd_object_finalize().
	 */
	rc = xa_alloc(&ictx->objects, &obj->id, XA_ZERO_ENTRY,
		      XA_LIMIT(1, ictx->sim_id_max ?: 0x7fffffff),
		      GFP_KERNEL_ACCOUNT);
	if (rc)
		goto out_free;
	return obj;
out_free:
	kfree(obj);
	return ERR_PTR(rc);
}

/* Publish the object for lookup; nothing may fail after this point. */
void iommufd_object_finalize(struct iommufd_ctx *ictx,
			     struct iommufd_object *obj)
{
	void *old;

	xa_lock(&ictx->objects);
	old = sim_xa_raw(&ictx->objects, obj->id);
	if (!WARN_ON(old != XA_ZERO_ENTRY))
		__xa_store(&ictx->objects, obj->id, obj, GFP_KERNEL);
	xa_unlock(&ictx->objects);
}

/* Reverse _iommufd_object_alloc() for an object never finalized. */
void iommufd_object_abort(struct iommufd_ctx *ictx,
			  struct iommufd_object *obj)
{
	void *old;

	xa_lock(&ictx->objects);
	old = sim_xa_raw(&ictx->objects, obj->id);
	WARN_ON(old != XA_ZERO_ENTRY);
	__xa_erase(&ictx->objects, obj->id);
	xa_unlock(&ictx->objects);

	/*
	 * Only the allocation's own reference may be left. If some other holder
	 * exists, leaking the memory beats a use after free.
	 */
	if (WARN_ON(!refcount_dec_and_test(&obj->users)))
		return;
	kfree(obj);
}

/*
 * For an unpublished object whose setup completed: run its abort (or destroy)
 * op, then give back the id and the memory.
 */
void iommufd_object_abort_and_destroy(struct iommufd_ctx *ictx,
				      struct iommufd_object *obj)
{
	const struct iommufd_object_ops *ops = &iommufd_object_ops[obj->type];

	if (ops->abort)
		ops->abort(obj);
	else
		ops->destroy(obj);
	iommufd_object_abort(ictx, obj);
}

/* Grab both counts, failing if either has already reached zero. */
bool iommufd_lock_obj(struct iommufd_object *obj)
{
	if (!refcount_inc_not_zero(&obj->users))
		return false;
	if (!refcount_inc_not_zero(&obj->wait_cnt)) {
		refcount_dec(&obj->users);
		return false;
	}
	return true;
}

struct iommufd_object *iommufd_get_object(struct iommufd_ctx *ictx, u32 id,
					  enum iommufd_object_type type)
{
	struct iommufd_object *obj;

	/* The selftest's fault point (CONFIG_IOMMUFD_TEST), as fail_nth uses */
	if (sim_should_fail(SIM_FAULT_SITE("iommufd_should_fail")))
		return ERR_PTR(-ENOENT);

	xa_lock(&ictx->objects);
	obj = xa_load(&ictx->objects, id);
	if (!obj || (type != IOMMUFD_OBJ_ANY && obj->type != type) ||
	    !iommufd_lock_obj(obj))
		obj = ERR_PTR(-ENOENT);
	xa_unlock(&ictx->objects);
	return obj;
}

/* Release what iommufd_get_object() took; this never frees the object. */
void iommufd_put_object(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	(void)ictx;
	refcount_dec(&obj->users);
	/* In the kernel, reaching zero here wakes destroy_wait. */
	refcount_dec_and_test(&obj->wait_cnt);
}

/*
 * Give up the xarray's share of wait_cnt, then wait out any other holder. With
 * a single thread nothing can change while we would sleep, so a holder that
 * survives pre_destroy stands for the kernel's 60 second timeout, which is
 * taken immediately.
 */
static int iommufd_object_dec_wait(struct iommufd_ctx *ictx,
				   struct iommufd_object *to_destroy)
{
	const struct iommufd_object_ops *ops;

	(void)ictx;
	if (refcount_dec_and_test(&to_destroy->wait_cnt))
		return 0;

	ops = &iommufd_object_ops[to_destroy->type];
	if (ops->pre_destroy)
		ops->pre_destroy(to_destroy);

	if (refcount_read(&to_destroy->wait_cnt) == 0)
		return 0;
	pr_crit("Time out waiting for iommufd object to become free\n");
	refcount_inc(&to_destroy->wait_cnt);
	return -EBUSY;
}

/*
 * Erase the entry for @id and destroy the object, provided the xarray holds the
 * last reference to it.
 */
int iommufd_object_remove(struct iommufd_ctx *ictx,
			  struct iommufd_object *to_destroy, u32 id,
			  unsigned int flags)
{
	struct iommufd_object *obj;
	bool zerod_wait_cnt = false;
	int ret;

	/*
	 * wait_cnt exists so that objects an external driver uses get destroyed
	 * here at a predictable moment. Whoever raises it must either keep it
	 * only briefly (for one ioctl, say) or give it up when pre_destroy
	 * asks.
	 */
	if (flags & REMOVE_WAIT) {
		ret = iommufd_object_dec_wait(ictx, to_destroy);
		if (ret) {
			/* Left for close; drop the caller's users */
			refcount_dec(&to_destroy->users);
			return ret;
		}
		zerod_wait_cnt = true;
	}

	xa_lock(&ictx->objects);
	obj = sim_xa_raw(&ictx->objects, id);
	if (to_destroy) {
		/* Drop the caller's reference here, under the xa lock */
		refcount_dec(&obj->users);

		if (WARN_ON(obj != to_destroy)) {
			ret = -ENOENT;
			goto err_xa;
		}
	} else if (!obj || obj == XA_ZERO_ENTRY) {
		ret = -ENOENT;
		goto err_xa;
	}

	if (!refcount_dec_if_one(&obj->users)) {
		ret = -EBUSY;
		goto err_xa;
	}

	__xa_store(&ictx->objects, id,
		   (flags & REMOVE_OBJ_TOMBSTONE) ? XA_ZERO_ENTRY : NULL, 0);
	xa_unlock(&ictx->objects);

	/*
	 * users is now zero, so no lookup can hand out the object; once no
	 * waiter remains it can be torn down.
	 */
	if (!zerod_wait_cnt) {
		ret = iommufd_object_dec_wait(ictx, obj);
		if (WARN_ON(ret))
			return ret;
	}

	iommufd_object_ops[obj->type].destroy(obj);
	kfree(obj);
	return 0;

err_xa:
	if (zerod_wait_cnt) {
		/* Give the xarray its share of wait_cnt back */
		refcount_set(&obj->wait_cnt, 1);
	}
	xa_unlock(&ictx->objects);

	/* Any caller reference has been consumed on this path as well */
	return ret;
}

/* IOMMU_DESTROY ioctl: destroy by id; the caller holds no reference. */
int iommufd_destroy(struct iommufd_ctx *ictx, u32 id)
{
	return iommufd_object_remove(ictx, NULL, id, 0);
}

static void iommufd_fops_release_file(struct file *filp)
{
	iommufd_fops_release(filp);
}

struct iommufd_ctx *iommufd_fops_open(void)
{
	struct iommufd_ctx *ictx;

	ictx = kzalloc_obj(struct iommufd_ctx, GFP_KERNEL_ACCOUNT);
	if (!ictx)
		return ERR_PTR(-ENOMEM);
	ictx->file = anon_inode_getfile_sim(iommufd_fops_release_file, ictx);
	if (!ictx->file) {
		kfree(ictx);
		return ERR_PTR(-ENOMEM);
	}
	xa_init_flags(&ictx->objects, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	/* ids are 31 bit in the kernel; a bindsim world may lower that */
	ictx->sim_id_max = 0x7fffffff;
	xa_init(&ictx->groups);
	mutex_init(&ictx->sw_msi_lock);
	return ictx;
}

/*
 * Final close of the iommufd file: tear objects down starting from the leaves,
 * and warn about any that refuse to go.
 */
void iommufd_fops_release(struct file *filp)
{
	struct iommufd_ctx *ictx = filp->private_data;
	struct iommufd_object *obj;

	/*
	 * Objects pin one another through their users counts, which makes a
	 * graph that has to be dismantled from the leaves inward: freeing a
	 * leaf lowers the count of whatever it used.
	 *
	 * Sweeping away every object whose users count is 1, over and over,
	 * eventually empties the table. A sweep that frees nothing points to a
	 * refcounting bug.
	 */
	while (!xa_empty(&ictx->objects)) {
		unsigned int destroyed = 0;
		unsigned int visible = 0;
		unsigned long index;

		xa_for_each(&ictx->objects, index, obj) {
			visible++;
			if (!refcount_dec_if_one(&obj->users))
				continue;
			destroyed++;
			xa_erase(&ictx->objects, index);
			iommufd_object_ops[obj->type].destroy(obj);
			kfree(obj);
		}
		/* Nothing visible is left, only zero entries */
		if (!visible)
			break;
		/* No progress: some users count is wrong */
		if (WARN_ON(!destroyed))
			break;
	}

	/*
	 * iommufd_object_tombstone_user() can leave zero entries behind; they
	 * go away here too.
	 */
	xa_destroy(&ictx->objects);

	WARN_ON(!xa_empty(&ictx->groups));
	mutex_destroy(&ictx->sw_msi_lock);
	kfree(ictx);
}

/* True for devices created by the iommufd selftest. */
bool iommufd_selftest_is_mock_dev(struct device *dev)
{
	return dev->mock;
}

void iommufd_ctx_get(struct iommufd_ctx *ictx)
{
	get_file(ictx->file);
}

void iommufd_ctx_put(struct iommufd_ctx *ictx)
{
	fput(ictx->file);
}

static const struct sim_lock_order iommufd_lock_order[] = {
	{ "&ioas->mutex", 10 },
	{ "&new_igroup->lock", 20 },	/* named at its mutex_init() */
	{ "&ictx->sw_msi_lock", 30 },
	{ "&group->mutex", 40 },
};

void iommufd_lockdep_init(void)
{
	sim_lockdep_set_order(iommufd_lock_order,
			      ARRAY_SIZE(iommufd_lock_order));
}
