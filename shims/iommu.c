/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bindsim: the iommu core as iommufd sees it.
 *
 * Groups with a kobject-like reference count, group membership, DMA
 * ownership with the owner-cookie contract, paging domains and attach
 * handles per pasid. The behaviour follows kernel-facts.md section 4; the
 * code is a model written for bindsim, not kernel source.
 *
 * Conventions:
 *  - Every state change happens under group->mutex, as in the kernel.
 *  - A pointer the kernel would dereference is checked with __sim_deref()
 *    at the caller's site first, so a NULL or freed pointer is an oops
 *    finding (which may unwind) and never a crash of the tool. The checks
 *    come before any lock is taken, so an unwind never leaves a lock held.
 *  - Each fallible operation has exactly one fault point, at the caller's
 *    site, and it is taken after every check that can refuse the
 *    operation: an injected failure returns -ENOMEM and changes nothing.
 *  - Contract breaches the kernel WARNs about are SIM_F_WARN findings at
 *    the caller's site.
 */
#include <stdio.h>

#include <linux/bug.h>
#include <linux/iommu.h>
#include <linux/lockdep.h>
#include <linux/slab.h>

/* An allocation that never fails (the injector must not count it). */
#ifndef SIM_GFP_NOFAIL
#define SIM_GFP_NOFAIL 0x200u
#endif

/* ------------------------------------------------------------ helpers */

static struct iommu_domain *domain_alloc_nofail(enum iommu_domain_type type,
						enum sim_alloc_class cls,
						const struct sim_site *site)
{
	struct iommu_domain *domain;

	domain = sim_alloc(sizeof(*domain),
			   GFP_KERNEL | __GFP_ZERO | SIM_GFP_NOFAIL, cls,
			   "iommu_domain", site);
	if (!domain)
		return NULL;
	domain->type = type;
	return domain;
}

static struct device *group_first_dev(const struct iommu_group *group)
{
	return group->nr_devices ? group->devices[0] : NULL;
}

/*
 * The driver-ops check of the kernel: a domain can be attached to a device
 * only if the device is behind an IOMMU of the instance whose format the
 * domain uses.
 */
static bool domain_compatible(const struct iommu_domain *domain,
			      const struct device *dev)
{
	return dev && dev->iommu && dev->iommu->instance == domain->iommu_dev;
}

/* A group's domain outside any user's control: default or blocking. */
static bool group_on_core_domain(const struct iommu_group *group)
{
	return group->domain == group->default_domain ||
	       (group->blocking_domain &&
		group->domain == group->blocking_domain);
}

/*
 * Stores a new entry at an index known to be free. The caller took the
 * operation's single fault point already, so the xarray's own allocation
 * is requested as non-failing. Returns 0 or the xarray's error.
 */
static int pasid_array_add(struct iommu_group *group, ioasid_t pasid,
			   struct iommu_attach_handle *handle)
{
	return sim_xa_insert(&group->pasid_array, pasid, handle,
			     GFP_KERNEL | SIM_GFP_NOFAIL, false,
			     SIM_SITE("pasid_array insert"));
}

/* Erases an index; replacing or erasing never allocates. */
static void *pasid_array_del(struct iommu_group *group, ioasid_t pasid,
			     const struct sim_site *site)
{
	return sim_xa_erase(&group->pasid_array, pasid, false, site);
}

/* ---------------------------------------------------------- queries */

bool device_iommu_capable(struct device *dev, enum iommu_cap cap)
{
	if (!__sim_deref(dev, SIM_SITE("device_iommu_capable")))
		return false;
	if (!dev->iommu)
		return false;
	return dev->iommu->caps & BIT(cap);
}

bool device_iommu_mapped(struct device *dev)
{
	if (!__sim_deref(dev, SIM_SITE("device_iommu_mapped")))
		return false;
	return dev->iommu_group != NULL;
}

int sim_iommu_group_id(struct iommu_group *group,
		       const struct sim_site *site)
{
	if (!__sim_deref(group, site))
		return -1;
	return group->id;
}

bool iommu_group_has_isolated_msi(struct iommu_group *group)
{
	bool ret = true;
	unsigned int i;

	if (!__sim_deref(group, SIM_SITE("iommu_group_has_isolated_msi")))
		return false;

	mutex_lock(&group->mutex);
	for (i = 0; i < group->nr_devices; i++)
		ret &= group->devices[i]->msi_isolated;
	mutex_unlock(&group->mutex);
	return ret;
}

/* ------------------------------------------------- group references */

struct iommu_group *sim_iommu_group_get(struct device *dev,
					const struct sim_site *site)
{
	struct iommu_group *group;

	if (!__sim_deref(dev, site))
		return NULL;
	group = dev->iommu_group;
	if (!group)
		return NULL;
	if (!__sim_deref(group, site))
		return NULL;
	sim_refcount_add(1, &group->ref, site);
	return group;
}

/* The last reference went: the kobject release of the kernel's group. */
static void iommu_group_release(struct iommu_group *group,
				const struct sim_site *site)
{
	if (group->nr_devices)
		sim_report(SIM_F_WARN, site,
			   "iommu_group_release: %s freed with %u device(s)",
			   group->name, group->nr_devices);
	if (group->owner_cnt || group->owner)
		sim_report(SIM_F_WARN, site,
			   "iommu_group_release: %s freed with a DMA owner (owner_cnt %u)",
			   group->name, group->owner_cnt);
	if (group->domain != group->default_domain)
		sim_report(SIM_F_WARN, site,
			   "iommu_group_release: %s freed while attached to a non-default domain",
			   group->name);
	if (!sim_xa_empty(&group->pasid_array))
		sim_report(SIM_F_WARN, site,
			   "iommu_group_release: %s freed with pasid attachments",
			   group->name);

	sim_xa_destroy(&group->pasid_array, site);
	if (group->default_domain)
		sim_free(group->default_domain, site);
	if (group->blocking_domain)
		sim_free(group->blocking_domain, site);
	sim_mutex_destroy(&group->mutex, site);
	sim_free(group, site);
}

void sim_iommu_group_put(struct iommu_group *group,
			 const struct sim_site *site)
{
	if (!group)
		return;
	if (!__sim_deref(group, site))
		return;
	if (sim_refcount_sub_and_test(1, &group->ref, site))
		iommu_group_release(group, site);
}

/* ------------------------------------------------ group construction */

struct iommu_group *sim_iommu_group_alloc(enum sim_alloc_class cls,
					  const struct sim_site *site)
{
	struct iommu_group *group;
	gfp_t gfp = GFP_KERNEL | __GFP_ZERO;

	/* World fixtures are never a fault point. */
	if (cls != SIM_CLASS_KERNEL)
		gfp |= SIM_GFP_NOFAIL;
	group = sim_alloc(sizeof(*group), gfp, cls, "iommu_group", site);
	if (!group)
		return NULL;

	refcount_set(&group->ref, 1);
	group->id = sim_kernel()->next_group_id++;
	snprintf(group->name, sizeof(group->name), "group%d", group->id);
	mutex_init(&group->mutex);
	xa_init_flags(&group->pasid_array, 0);
	/* Part of the group object: allocated with it, cannot fail alone. */
	group->default_domain = domain_alloc_nofail(IOMMU_DOMAIN_DMA, cls,
						    site);
	group->domain = group->default_domain;
	return group;
}

int iommu_group_add_device(struct iommu_group *group, struct device *dev)
{
	const struct sim_site *site = SIM_SITE("iommu_group_add_device");

	if (!__sim_deref(group, site) || !__sim_deref(dev, site))
		return -EINVAL;
	/* A device belongs to at most one group. */
	if (WARN_ON(dev->iommu_group))
		return -EBUSY;

	mutex_lock(&group->mutex);
	if (group->nr_devices >= SIM_GROUP_MAX_DEVS) {
		mutex_unlock(&group->mutex);
		return -ENOSPC;
	}
	group->devices[group->nr_devices++] = dev;
	dev->iommu_group = group;
	mutex_unlock(&group->mutex);

	/* The device's reference, dropped by iommu_group_remove_device. */
	refcount_inc(&group->ref);
	return 0;
}

void iommu_group_remove_device(struct device *dev)
{
	const struct sim_site *site = SIM_SITE("iommu_group_remove_device");
	struct iommu_group *group;
	unsigned int i;
	bool found = false;

	if (!__sim_deref(dev, site))
		return;
	group = dev->iommu_group;
	if (!group)
		return;
	if (!__sim_deref(group, site))
		return;

	mutex_lock(&group->mutex);
	for (i = 0; i < group->nr_devices; i++) {
		if (found)
			group->devices[i - 1] = group->devices[i];
		else if (group->devices[i] == dev)
			found = true;
	}
	if (found)
		group->devices[--group->nr_devices] = NULL;
	dev->iommu_group = NULL;
	mutex_unlock(&group->mutex);

	if (WARN_ON(!found))
		return;
	sim_iommu_group_put(group, site);
}

/* ----------------------------------------------------- DMA ownership */

int sim_iommu_device_claim_dma_owner(struct device *dev, void *owner,
				     const struct sim_site *site)
{
	struct iommu_group *group;
	int ret = 0;

	if (WARN_ON(!owner))
		return -EINVAL;
	if (!__sim_deref(dev, site))
		return -EINVAL;
	group = dev->iommu_group;
	if (!group)
		return -ENODEV;
	if (!__sim_deref(group, site))
		return -ENODEV;

	sim_mutex_lock(&group->mutex, site);
	if (group->owner_cnt) {
		if (group->owner != owner)
			ret = -EPERM;
		else
			group->owner_cnt++;
		goto out_unlock;
	}

	/* First owner: the group must be on its default domain, no pasid. */
	if (group->domain != group->default_domain ||
	    !sim_xa_empty(&group->pasid_array)) {
		ret = -EBUSY;
		goto out_unlock;
	}
	/* Allocating or attaching the blocking domain failed. */
	if (sim_should_fail(site)) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	/*
	 * The blocking domain lives as long as the group, so it takes the
	 * group's class. Determine the class from the census.
	 */
	if (!group->blocking_domain) {
		struct sim_alloc_info info;
		enum sim_alloc_class cls = SIM_CLASS_KERNEL;

		if (sim_alloc_lookup(group, &info))
			cls = info.cls;
		group->blocking_domain =
			domain_alloc_nofail(IOMMU_DOMAIN_BLOCKED, cls, site);
	}
	group->domain = group->blocking_domain;
	group->owner = owner;
	group->owner_cnt = 1;

out_unlock:
	sim_mutex_unlock(&group->mutex, site);
	return ret;
}

void sim_iommu_device_release_dma_owner(struct device *dev,
					const struct sim_site *site)
{
	struct iommu_group *group;
	const char *why = NULL;

	if (!__sim_deref(dev, site))
		return;
	group = dev->iommu_group;
	if (!group) {
		/* The kernel takes group->mutex without a check. */
		sim_oops(site,
			 "NULL pointer dereference in iommu_device_release_dma_owner: device %s has no iommu_group",
			 dev_name(dev));
		return;
	}
	if (!__sim_deref(group, site))
		return;

	sim_mutex_lock(&group->mutex, site);
	if (group->owner_cnt > 1) {
		group->owner_cnt--;
		goto out_unlock;
	}

	if (!group->owner_cnt)
		why = "owner_cnt is 0";
	else if (!group->owner)
		why = "owner is NULL";
	else if (!sim_xa_empty(&group->pasid_array))
		why = "pasid array is not empty";
	if (why) {
		sim_report(SIM_F_WARN, site,
			   "iommu_device_release_dma_owner: %s (device %s): %s",
			   group->name, dev_name(dev), why);
		goto out_unlock;
	}
	group->owner = NULL;
	group->owner_cnt = 0;
	group->domain = group->default_domain;

out_unlock:
	sim_mutex_unlock(&group->mutex, site);
}

/* ----------------------------------------------------------- domains */

struct iommu_domain *sim_iommu_paging_domain_alloc(struct device *dev,
						   bool pasid,
						   const struct sim_site *site)
{
	struct iommu_domain *domain;

	if (!__sim_deref(dev, site))
		return ERR_PTR(-ENODEV);
	if (!dev->iommu)
		return ERR_PTR(-ENODEV);

	/* The allocation is the operation's fault point. */
	domain = sim_alloc(sizeof(*domain), GFP_KERNEL | __GFP_ZERO,
			   SIM_CLASS_KERNEL, "iommu_domain", site);
	if (!domain)
		return ERR_PTR(-ENOMEM);
	domain->type = IOMMU_DOMAIN_UNMANAGED;
	domain->iommu_dev = dev->iommu->instance;
	domain->pasid_capable = pasid;
	return domain;
}

/*
 * The kernel frees through the domain's driver (domain->ops->free); a
 * domain without ops (the model's) is freed here.
 */
void sim_iommu_domain_free(struct iommu_domain *domain,
			   const struct sim_site *site)
{
	if (!domain)
		return;
	if (!__sim_deref(domain, site))
		return;
	if (domain->ops && domain->ops->free)
		domain->ops->free(domain);
	else
		sim_free(domain, site);
}

/* ------------------------------------------------- group attach handles */

int sim_iommu_attach_group_handle(struct iommu_domain *domain,
				  struct iommu_group *group,
				  struct iommu_attach_handle *handle,
				  const struct sim_site *site)
{
	int ret;

	if (!handle)
		return -EINVAL;
	if (!__sim_deref(group, site) || !__sim_deref(domain, site))
		return -EINVAL;

	sim_mutex_lock(&group->mutex, site);
	if (sim_xa_load(&group->pasid_array, IOMMU_NO_PASID, site)) {
		ret = -EBUSY;
		goto out_unlock;
	}
	if (!group_on_core_domain(group)) {
		ret = -EBUSY;
		goto out_unlock;
	}
	if (!domain_compatible(domain, group_first_dev(group))) {
		ret = -EINVAL;
		goto out_unlock;
	}
	/* Reserving the slot or the driver's attach_dev failed. */
	if (sim_should_fail(site)) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	ret = pasid_array_add(group, IOMMU_NO_PASID, handle);
	if (ret)
		goto out_unlock;
	group->domain = domain;
	handle->domain = domain;

out_unlock:
	sim_mutex_unlock(&group->mutex, site);
	return ret;
}

void sim_iommu_detach_group_handle(struct iommu_domain *domain,
				   struct iommu_group *group,
				   const struct sim_site *site)
{
	if (!__sim_deref(group, site))
		return;

	sim_mutex_lock(&group->mutex, site);
	if (domain != group->domain)
		sim_report(SIM_F_WARN, site,
			   "iommu_detach_group_handle: %s is not attached to this domain",
			   group->name);
	/* Back to the core domain: blocking while owned. */
	if (group->owner_cnt && group->blocking_domain)
		group->domain = group->blocking_domain;
	else
		group->domain = group->default_domain;
	pasid_array_del(group, IOMMU_NO_PASID, site);
	sim_mutex_unlock(&group->mutex, site);
}

/*
 * Unlike the kernel, which would reserve the slot and attach when nothing
 * is attached yet, a replace here requires a current NO_PASID handle and
 * refuses with -EINVAL otherwise (iommufd only replaces an attachment).
 * Reusing the stored handle is refused like the pasid variant does.
 */
int sim_iommu_replace_group_handle(struct iommu_group *group,
				   struct iommu_domain *new_domain,
				   struct iommu_attach_handle *handle,
				   const struct sim_site *site)
{
	struct iommu_attach_handle *curr;
	int ret = 0;

	if (!new_domain || !handle)
		return -EINVAL;
	if (!__sim_deref(group, site) || !__sim_deref(new_domain, site))
		return -EINVAL;

	sim_mutex_lock(&group->mutex, site);
	curr = sim_xa_load(&group->pasid_array, IOMMU_NO_PASID, site);
	if (!curr) {
		ret = -EINVAL;
		goto out_unlock;
	}
	if (curr == handle) {
		sim_report(SIM_F_WARN, site,
			   "iommu_replace_group_handle: %s: handle reused for replace",
			   group->name);
		ret = -EINVAL;
		goto out_unlock;
	}
	if (!domain_compatible(new_domain, group_first_dev(group))) {
		ret = -EINVAL;
		goto out_unlock;
	}
	/* The driver is called only when the domain changes. */
	if (group->domain != new_domain && sim_should_fail(site)) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	group->domain = new_domain;
	handle->domain = new_domain;
	/* The index is present: replacing never allocates. */
	sim_xa_store(&group->pasid_array, IOMMU_NO_PASID, handle, GFP_KERNEL,
		     false, site);

out_unlock:
	sim_mutex_unlock(&group->mutex, site);
	return ret;
}

/* ------------------------------------------------------ pasid handles */

/*
 * The checks shared by attach and replace of a pasid; group->mutex held.
 * As in the kernel, the pasid must be within every group device's range.
 */
/*
 * As 7.3-rc7: NO_PASID and a domain of another IOMMU are -EINVAL; an
 * attach (@validate) also refuses a pasid beyond what a group device
 * supports, skipping devices without PASID support (they cannot issue
 * PASID transactions; the driver is not called for them, so such an
 * attach succeeds with nothing programmed). A replace checks no range.
 */
static int pasid_check(struct iommu_domain *domain, struct device *dev,
		       struct iommu_group *group, ioasid_t pasid,
		       bool validate)
{
	unsigned int i;

	if (pasid == IOMMU_NO_PASID || !domain_compatible(domain, dev))
		return -EINVAL;
	for (i = 0; validate && i < group->nr_devices; i++) {
		const struct device *d = group->devices[i];

		if (d->iommu && d->iommu->max_pasids &&
		    pasid >= d->iommu->max_pasids)
			return -EINVAL;
	}
	return 0;
}

/* Common entry checks; returns the group or an ERR_PTR. */
static struct iommu_group *pasid_group(struct iommu_domain *domain,
				       struct device *dev,
				       struct iommu_attach_handle *handle,
				       const struct sim_site *site)
{
	struct iommu_group *group;

	if (!__sim_deref(dev, site))
		return ERR_PTR(-EINVAL);
	group = dev->iommu_group;
	if (!group)
		return ERR_PTR(-ENODEV);
	if (!__sim_deref(group, site) || !__sim_deref(domain, site))
		return ERR_PTR(-EINVAL);
	/* iommufd never passes a device without an IOMMU here */
	if (!dev->iommu)
		return ERR_PTR(-ENODEV);
	/* The kernel allows a NULL handle; iommufd always passes one. */
	if (!handle)
		return ERR_PTR(-EINVAL);
	return group;
}

int sim_iommu_attach_device_pasid(struct iommu_domain *domain,
				  struct device *dev, ioasid_t pasid,
				  struct iommu_attach_handle *handle,
				  const struct sim_site *site)
{
	struct iommu_group *group;
	int ret;

	group = pasid_group(domain, dev, handle, site);
	if (IS_ERR(group))
		return PTR_ERR(group);

	sim_mutex_lock(&group->mutex, site);
	ret = pasid_check(domain, dev, group, pasid, true);
	if (ret)
		goto out_unlock;
	if (sim_xa_load(&group->pasid_array, pasid, site)) {
		ret = -EBUSY;
		goto out_unlock;
	}
	/* Reserving the slot or the driver's set_dev_pasid failed. */
	if (sim_should_fail(site)) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	ret = pasid_array_add(group, pasid, handle);
	if (ret)
		goto out_unlock;
	handle->domain = domain;

out_unlock:
	sim_mutex_unlock(&group->mutex, site);
	return ret;
}

int sim_iommu_replace_device_pasid(struct iommu_domain *domain,
				   struct device *dev, ioasid_t pasid,
				   struct iommu_attach_handle *handle,
				   const struct sim_site *site)
{
	struct iommu_attach_handle *curr;
	struct iommu_group *group;
	int ret;

	group = pasid_group(domain, dev, handle, site);
	if (IS_ERR(group))
		return PTR_ERR(group);

	sim_mutex_lock(&group->mutex, site);
	ret = pasid_check(domain, dev, group, pasid, false);
	if (ret)
		goto out_unlock;
	curr = sim_xa_load(&group->pasid_array, pasid, site);
	if (!curr) {
		ret = -EINVAL;
		goto out_unlock;
	}
	if (curr == handle) {
		sim_report(SIM_F_WARN, site,
			   "iommu_replace_device_pasid: %s pasid %u: handle reused for replace",
			   group->name, pasid);
		ret = -EINVAL;
		goto out_unlock;
	}
	/* The driver is called only when the domain changes. */
	if (curr->domain != domain && sim_should_fail(site)) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	handle->domain = domain;
	sim_xa_store(&group->pasid_array, pasid, handle, GFP_KERNEL, false,
		     site);

out_unlock:
	sim_mutex_unlock(&group->mutex, site);
	return ret;
}

void sim_iommu_detach_device_pasid(struct iommu_domain *domain,
				   struct device *dev, ioasid_t pasid,
				   const struct sim_site *site)
{
	struct iommu_attach_handle *curr;
	struct iommu_group *group;

	if (!__sim_deref(dev, site))
		return;
	group = dev->iommu_group;
	if (!group) {
		/* The kernel takes group->mutex without a check. */
		sim_oops(site,
			 "NULL pointer dereference in iommu_detach_device_pasid: device %s has no iommu_group",
			 dev_name(dev));
		return;
	}
	if (!__sim_deref(group, site))
		return;

	sim_mutex_lock(&group->mutex, site);
	curr = pasid_array_del(group, pasid, site);
	if (!curr)
		sim_report(SIM_F_WARN, site,
			   "iommu_detach_device_pasid: %s pasid %u: nothing attached",
			   group->name, pasid);
	else if (curr->domain != domain)
		sim_report(SIM_F_WARN, site,
			   "iommu_detach_device_pasid: %s pasid %u: attached to another domain",
			   group->name, pasid);
	sim_mutex_unlock(&group->mutex, site);
}

/*
 * The kernel reads under the pasid array's xa lock. A type mismatch there
 * gives -EBUSY; every caller in the model passes 0 ("any"), and the
 * simulated domain types do not reserve 0 for "any", so type is ignored.
 * A NULL group (a noiommu igroup) gives -ENOENT.
 */
struct iommu_attach_handle *
sim_iommu_attach_handle_get(struct iommu_group *group, ioasid_t pasid,
			    unsigned int type, const struct sim_site *site)
{
	struct iommu_attach_handle *handle;

	(void)type;
	if (!group)
		return ERR_PTR(-ENOENT);
	if (!__sim_deref(group, site))
		return ERR_PTR(-ENOENT);

	sim_spin_lock(&group->pasid_array.xa_lock, site);
	handle = sim_xa_load(&group->pasid_array, pasid, site);
	sim_spin_unlock(&group->pasid_array.xa_lock, site);
	if (!handle)
		return ERR_PTR(-ENOENT);
	return handle;
}

/* -------------------------------------------------------------- MSI */

int sim_iommu_map_msi(struct iommu_domain *domain, phys_addr_t addr,
		      const struct sim_site *site)
{
	(void)addr;
	if (!__sim_deref(domain, site))
		return -EINVAL;
	if (sim_should_fail(site))
		return -ENOMEM;
	return 0;
}
