/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Contract tests of the simulated iommu core (shims/iommu.c): one test per
 * contract of kernel-facts.md section 4, asserting the return code, the
 * resulting group state and the findings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <bindsim/sim.h>
#include <linux/iommu.h>
#include <linux/kernel.h>
#include <linux/slab.h>

#define FIX SIM_SITE("fixture")

/* One site for every call of a test, so findings can be matched to it. */
static const struct sim_site test_site = {
	__FILE__, __LINE__, "test", "test"
};
#define TSITE (&test_site)

/* ---------------------------------------------------------- fixtures */

struct fx {
	struct iommu_group *g;		/* world group: d0, d1 */
	struct iommu_group *g2;		/* world group: dx */
	struct device *d0, *d1;		/* iommu 0, caps CC, 8 pasids */
	struct device *dx;		/* iommu 1, no pasid support */
	struct device *dn;		/* no iommu, no group */
	struct iommu_domain *dom0;	/* paging domains on iommu 0 */
	struct iommu_domain *dom0b;
	struct iommu_domain *dom1;	/* paging domain on iommu 1 */
	int owner_a, owner_b;		/* owner cookies */
};

static struct fx fx;

static struct device *mkdev(const char *name, bool iommu,
			    unsigned int iommu_dev, u32 max_pasids,
			    bool msi_isolated)
{
	struct device *dev;

	dev = sim_alloc(sizeof(*dev), 0, SIM_CLASS_WORLD, "device", FIX);
	assert_non_null(dev);
	memset(dev, 0, sizeof(*dev));
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	dev->msi_isolated = msi_isolated;
	if (iommu) {
		dev->iommu = sim_alloc(sizeof(*dev->iommu), 0,
				       SIM_CLASS_WORLD, "dev_iommu", FIX);
		assert_non_null(dev->iommu);
		memset(dev->iommu, 0, sizeof(*dev->iommu));
		dev->iommu->instance = iommu_dev;
		dev->iommu->iommu_dev = sim_iommu_device(iommu_dev);
		dev->iommu->caps = BIT(IOMMU_CAP_CACHE_COHERENCY);
		dev->iommu->max_pasids = max_pasids;
	}
	return dev;
}

static struct iommu_group *mkgroup(void)
{
	struct iommu_group *g;

	g = sim_iommu_group_alloc(SIM_CLASS_WORLD, FIX);
	assert_non_null(g);
	return g;
}

static int setup(void **state)
{
	(void)state;
	sim_heap_reset();
	sim_transient_reset();
	sim_oops_arm(NULL);
	memset(&fx, 0, sizeof(fx));

	fx.d0 = mkdev("d0", true, 0, 8, true);
	fx.d1 = mkdev("d1", true, 0, 8, true);
	fx.dx = mkdev("dx", true, 1, 0, true);
	fx.dn = mkdev("dn", false, 0, 0, false);
	fx.g = mkgroup();
	fx.g2 = mkgroup();
	if (iommu_group_add_device(fx.g, fx.d0) ||
	    iommu_group_add_device(fx.g, fx.d1) ||
	    iommu_group_add_device(fx.g2, fx.dx))
		return -1;
	fx.dom0 = sim_iommu_paging_domain_alloc(fx.d0, true, FIX);
	fx.dom0b = sim_iommu_paging_domain_alloc(fx.d1, false, FIX);
	fx.dom1 = sim_iommu_paging_domain_alloc(fx.dx, false, FIX);
	if (IS_ERR(fx.dom0) || IS_ERR(fx.dom0b) || IS_ERR(fx.dom1))
		return -1;
	/* Fixture construction must be silent. */
	return sim_nr_findings() ? -1 : 0;
}

/* Every operation must return with no lock held. */
static int teardown(void **state)
{
	(void)state;
	sim_oops_arm(NULL);
	sim_fault_end();
	sim_fault_clear();
	if (sim_locks_held()) {
		print_error("%u lock(s) still held\n", sim_locks_held());
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------- helpers */

static const struct sim_finding *find_finding(enum sim_finding_kind kind,
					      const char *substr)
{
	unsigned int i;

	for (i = 0; i < sim_nr_findings(); i++) {
		const struct sim_finding *f = sim_finding(i);

		if (f->kind == kind && strstr(f->msg, substr))
			return f;
	}
	return NULL;
}

static void dump_findings(void)
{
	unsigned int i;

	for (i = 0; i < sim_nr_findings(); i++)
		print_message("finding %u: %s: %s\n", i,
			      sim_finding_kind_name(sim_finding(i)->kind),
			      sim_finding(i)->msg);
}

static void expect_finding(enum sim_finding_kind kind, const char *substr)
{
	if (!find_finding(kind, substr)) {
		dump_findings();
		fail_msg("no %s finding containing \"%s\"",
			 sim_finding_kind_name(kind), substr);
	}
}

static void expect_no_findings(void)
{
	if (sim_nr_findings()) {
		dump_findings();
		fail_msg("%u unexpected finding(s)", sim_nr_findings());
	}
}

static unsigned int census(enum sim_alloc_class cls)
{
	static struct sim_alloc_info info[256];

	return sim_census(cls, info, 256);
}

/* Arms the injector to fail the nth fault point of the next operation. */
static void fault_nth(unsigned int nth)
{
	sim_fault_clear();
	if (nth)
		sim_fault_fail_nth(nth);
	sim_fault_begin();
}

static unsigned int fault_done(void)
{
	unsigned int n = sim_fault_count();

	sim_fault_end();
	sim_fault_clear();
	return n;
}

/* The NO_PASID handle stored in a group, or NULL. */
static struct iommu_attach_handle *stored(struct iommu_group *g,
					  ioasid_t pasid)
{
	struct iommu_attach_handle *h;

	h = sim_iommu_attach_handle_get(g, pasid, 0, TSITE);
	return IS_ERR(h) ? NULL : h;
}

/* Unowned, on the default domain, nothing attached. */
static void assert_pristine(struct iommu_group *g)
{
	assert_null(g->owner);
	assert_int_equal(g->owner_cnt, 0);
	assert_ptr_equal(g->domain, g->default_domain);
	assert_true(sim_xa_empty(&g->pasid_array));
}

/* ---------------------------------------------------------- queries */

static void t_capabilities(void **state)
{
	(void)state;
	assert_true(device_iommu_capable(fx.d0, IOMMU_CAP_CACHE_COHERENCY));
	assert_false(device_iommu_capable(fx.d0,
					  IOMMU_CAP_ENFORCE_CACHE_COHERENCY));
	fx.d0->iommu->caps |= BIT(IOMMU_CAP_ENFORCE_CACHE_COHERENCY);
	assert_true(device_iommu_capable(fx.d0,
					 IOMMU_CAP_ENFORCE_CACHE_COHERENCY));
	/* No IOMMU: nothing is capable, whatever else is set. */
	assert_false(device_iommu_capable(fx.dn, IOMMU_CAP_CACHE_COHERENCY));

	assert_true(device_iommu_mapped(fx.d0));
	assert_false(device_iommu_mapped(fx.dn));
	expect_no_findings();
}

static void t_group_id_name(void **state)
{
	struct iommu_group *g;
	char name[16];
	int next;

	(void)state;
	assert_int_equal(iommu_group_id(fx.g2), iommu_group_id(fx.g) + 1);
	snprintf(name, sizeof(name), "group%d", iommu_group_id(fx.g));
	assert_string_equal(fx.g->name, name);
	next = sim_kernel()->next_group_id;
	g = mkgroup();
	assert_int_equal(iommu_group_id(g), next);
	assert_int_equal(sim_kernel()->next_group_id, next + 1);
	assert_int_equal(refcount_read(&g->ref), 1);
	assert_non_null(g->default_domain);
	assert_int_equal(g->default_domain->type, IOMMU_DOMAIN_DMA);
	assert_null(g->blocking_domain);
	assert_string_equal(g->mutex.name, "&group->mutex");
	assert_pristine(g);
	sim_iommu_group_put(g, TSITE);
	expect_no_findings();
}

static void t_isolated_msi(void **state)
{
	struct iommu_group *g;

	(void)state;
	assert_true(iommu_group_has_isolated_msi(fx.g));
	fx.d1->msi_isolated = false;
	assert_false(iommu_group_has_isolated_msi(fx.g));
	fx.d1->msi_isolated = true;
	fx.d0->msi_isolated = false;
	assert_false(iommu_group_has_isolated_msi(fx.g));

	/* An empty group has nothing unisolated. */
	g = mkgroup();
	assert_true(iommu_group_has_isolated_msi(g));
	assert_false(mutex_is_locked(&fx.g->mutex));
	sim_iommu_group_put(g, TSITE);
	expect_no_findings();
}

/* ------------------------------------------------------ group refs */

static void t_group_get_put(void **state)
{
	struct iommu_group *g;

	(void)state;
	/* Two devices hold a reference each, plus the creator's. */
	assert_int_equal(refcount_read(&fx.g->ref), 3);
	g = sim_iommu_group_get(fx.d0, TSITE);
	assert_ptr_equal(g, fx.g);
	assert_int_equal(refcount_read(&fx.g->ref), 4);
	assert_null(sim_iommu_group_get(fx.dn, TSITE));
	sim_iommu_group_put(g, TSITE);
	assert_int_equal(refcount_read(&fx.g->ref), 3);
	sim_iommu_group_put(NULL, TSITE);
	expect_no_findings();
}

/* A put after the last one touches freed memory: the kernel's UAF. */
static void t_group_put_after_free(void **state)
{
	struct iommu_group *g;
	sigjmp_buf env;
	volatile bool returned = false;

	(void)state;
	g = mkgroup();
	sim_iommu_group_put(g, TSITE);
	expect_no_findings();
	sim_oops_arm(&env);
	if (sigsetjmp(env, 0) == 0) {
		sim_iommu_group_put(g, TSITE);
		returned = true;
	}
	sim_oops_arm(NULL);
	assert_false(returned);
	expect_finding(SIM_F_OOPS, "use-after-free of iommu_group");
	assert_int_equal(sim_nr_findings(), 1);
}

static void t_group_membership(void **state)
{
	struct device *d[SIM_GROUP_MAX_DEVS + 1];
	struct iommu_group *g;
	unsigned int i;

	(void)state;
	g = mkgroup();
	for (i = 0; i <= SIM_GROUP_MAX_DEVS; i++)
		d[i] = mkdev("m", true, 0, 0, true);
	for (i = 0; i < SIM_GROUP_MAX_DEVS; i++)
		assert_int_equal(iommu_group_add_device(g, d[i]), 0);
	assert_int_equal(iommu_group_add_device(g, d[i]), -ENOSPC);
	assert_null(d[i]->iommu_group);
	assert_int_equal(g->nr_devices, SIM_GROUP_MAX_DEVS);
	assert_int_equal(refcount_read(&g->ref), 1 + SIM_GROUP_MAX_DEVS);

	/* Removing from the middle keeps the others in order. */
	iommu_group_remove_device(d[1]);
	assert_null(d[1]->iommu_group);
	assert_int_equal(g->nr_devices, SIM_GROUP_MAX_DEVS - 1);
	assert_ptr_equal(g->devices[0], d[0]);
	assert_ptr_equal(g->devices[1], d[2]);
	assert_ptr_equal(g->devices[2], d[3]);
	assert_int_equal(refcount_read(&g->ref), SIM_GROUP_MAX_DEVS);
	/* A device without a group: nothing to do. */
	iommu_group_remove_device(d[1]);
	assert_int_equal(refcount_read(&g->ref), SIM_GROUP_MAX_DEVS);
	expect_no_findings();
}

/* A kernel-class group is leak-checked: all of it goes with the last ref. */
static void t_group_release_frees_all(void **state)
{
	struct sim_alloc_info info;
	struct iommu_group *g;
	unsigned int base;

	(void)state;
	base = census(SIM_CLASS_KERNEL);
	g = iommu_group_alloc();
	assert_non_null(g);
	/* The group and its default domain. */
	assert_int_equal(census(SIM_CLASS_KERNEL), base + 2);

	assert_int_equal(iommu_group_add_device(g, fx.dn), 0);
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.dn, &fx.owner_a,
							  TSITE), 0);
	/* The blocking domain takes the group's class. */
	assert_int_equal(census(SIM_CLASS_KERNEL), base + 3);
	sim_iommu_device_release_dma_owner(fx.dn, TSITE);
	iommu_group_remove_device(fx.dn);
	assert_int_equal(refcount_read(&g->ref), 1);
	iommu_group_put(g);
	assert_int_equal(census(SIM_CLASS_KERNEL), base);
	assert_false(sim_alloc_lookup(g, &info));
	expect_no_findings();
}

static void t_group_alloc_fault(void **state)
{
	struct iommu_group *g;
	unsigned int base;
	int next;

	(void)state;
	base = census(SIM_CLASS_KERNEL);
	next = sim_kernel()->next_group_id;
	fault_nth(1);
	g = iommu_group_alloc();
	assert_int_equal(fault_done(), 1);
	assert_null(g);
	assert_int_equal(census(SIM_CLASS_KERNEL), base);
	assert_int_equal(sim_kernel()->next_group_id, next);

	/* A world group is never a fault point. */
	fault_nth(1);
	g = sim_iommu_group_alloc(SIM_CLASS_WORLD, FIX);
	assert_int_equal(fault_done(), 0);
	assert_non_null(g);
	sim_iommu_group_put(g, TSITE);
	expect_no_findings();
}

static void t_group_release_warns(void **state)
{
	struct sim_alloc_info info;
	struct iommu_group *g;
	char name[16];

	(void)state;
	g = mkgroup();
	snprintf(name, sizeof(name), "%s", g->name);
	/*
	 * Unbalanced: an owner that nobody released and a member device
	 * whose reference was dropped behind the group's back.
	 */
	assert_int_equal(iommu_group_add_device(g, fx.dn), 0);
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.dn, &fx.owner_a,
							  TSITE), 0);
	refcount_set(&g->ref, 1);
	sim_iommu_group_put(g, TSITE);
	fx.dn->iommu_group = NULL;
	expect_finding(SIM_F_WARN, "DMA owner");
	expect_finding(SIM_F_WARN, "non-default domain");
	expect_finding(SIM_F_WARN, "1 device(s)");
	expect_finding(SIM_F_WARN, name);
	assert_false(sim_alloc_lookup(g, &info));
	sim_clear_findings();

	/* Pasid attachments left behind. */
	g = mkgroup();
	assert_int_equal(iommu_group_add_device(g, fx.dn), 0);
	fx.dn->iommu_group = NULL;
	g->nr_devices = 0;
	refcount_set(&g->ref, 1);
	assert_int_equal(sim_xa_insert(&g->pasid_array, 1, &fx, GFP_KERNEL,
				       false, TSITE), 0);
	sim_iommu_group_put(g, TSITE);
	expect_finding(SIM_F_WARN, "pasid attachments");
	assert_int_equal(sim_nr_findings(), 1);
	assert_false(sim_alloc_lookup(g, &info));
}

/* ---------------------------------------------------- DMA ownership */

static void t_claim_first_owner(void **state)
{
	(void)state;
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.d0, &fx.owner_a,
							  TSITE), 0);
	assert_ptr_equal(fx.g->owner, &fx.owner_a);
	assert_int_equal(fx.g->owner_cnt, 1);
	assert_non_null(fx.g->blocking_domain);
	assert_int_equal(fx.g->blocking_domain->type, IOMMU_DOMAIN_BLOCKED);
	assert_ptr_equal(fx.g->domain, fx.g->blocking_domain);
	expect_no_findings();
}

static void t_claim_same_cookie(void **state)
{
	(void)state;
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.d0, &fx.owner_a,
							  TSITE), 0);
	/* Another device of the group, then the same device again. */
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.d1, &fx.owner_a,
							  TSITE), 0);
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.d0, &fx.owner_a,
							  TSITE), 0);
	assert_int_equal(fx.g->owner_cnt, 3);
	assert_ptr_equal(fx.g->owner, &fx.owner_a);
	expect_no_findings();
}

static void t_claim_other_cookie(void **state)
{
	(void)state;
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.d0, &fx.owner_a,
							  TSITE), 0);
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.d1, &fx.owner_b,
							  TSITE), -EPERM);
	assert_ptr_equal(fx.g->owner, &fx.owner_a);
	assert_int_equal(fx.g->owner_cnt, 1);
	assert_ptr_equal(fx.g->domain, fx.g->blocking_domain);
	expect_no_findings();
}

static void t_claim_busy(void **state)
{
	struct iommu_attach_handle h = { 0 };

	(void)state;
	/* A user domain is attached to the unowned group. */
	assert_int_equal(sim_iommu_attach_group_handle(fx.dom0, fx.g, &h,
						       TSITE), 0);
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.d0, &fx.owner_a,
							  TSITE), -EBUSY);
	assert_null(fx.g->owner);
	assert_int_equal(fx.g->owner_cnt, 0);
	assert_null(fx.g->blocking_domain);
	sim_iommu_detach_group_handle(fx.dom0, fx.g, TSITE);
	assert_pristine(fx.g);

	/* Off the default domain with no handle stored: still busy. */
	fx.g->domain = fx.dom0b;
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.d0, &fx.owner_a,
							  TSITE), -EBUSY);
	assert_int_equal(fx.g->owner_cnt, 0);
	fx.g->domain = fx.g->default_domain;

	/* Only a pasid is attached: still busy. */
	assert_int_equal(sim_iommu_attach_device_pasid(fx.dom0, fx.d0, 1, &h,
						       TSITE), 0);
	assert_ptr_equal(fx.g->domain, fx.g->default_domain);
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.d1, &fx.owner_a,
							  TSITE), -EBUSY);
	assert_int_equal(fx.g->owner_cnt, 0);
	expect_no_findings();
}

static void t_claim_null_owner(void **state)
{
	(void)state;
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.d0, NULL, TSITE),
			 -EINVAL);
	expect_finding(SIM_F_WARN, "owner");
	assert_int_equal(sim_nr_findings(), 1);
	assert_pristine(fx.g);
}

static void t_claim_no_group(void **state)
{
	(void)state;
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.dn, &fx.owner_a,
							  TSITE), -ENODEV);
	expect_no_findings();
}

static void t_claim_fault(void **state)
{
	int ret;

	(void)state;
	fault_nth(1);
	ret = iommu_device_claim_dma_owner(fx.d0, &fx.owner_a);
	/* Exactly one fault point: the blocking domain alloc/attach. */
	assert_int_equal(fault_done(), 1);
	assert_int_equal(ret, -ENOMEM);
	assert_pristine(fx.g);
	assert_null(fx.g->blocking_domain);

	/* The same call without a fault succeeds, also with one point. */
	fault_nth(0);
	ret = iommu_device_claim_dma_owner(fx.d0, &fx.owner_a);
	assert_int_equal(fault_done(), 1);
	assert_int_equal(ret, 0);
	/* A further claim by the owner is not a fault point. */
	fault_nth(1);
	ret = iommu_device_claim_dma_owner(fx.d0, &fx.owner_a);
	assert_int_equal(fault_done(), 0);
	assert_int_equal(ret, 0);
	assert_int_equal(fx.g->owner_cnt, 2);
	expect_no_findings();
}

static void t_release_last_owner(void **state)
{
	(void)state;
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.d0, &fx.owner_a,
							  TSITE), 0);
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.d1, &fx.owner_a,
							  TSITE), 0);
	sim_iommu_device_release_dma_owner(fx.d1, TSITE);
	assert_int_equal(fx.g->owner_cnt, 1);
	assert_ptr_equal(fx.g->owner, &fx.owner_a);
	assert_ptr_equal(fx.g->domain, fx.g->blocking_domain);
	sim_iommu_device_release_dma_owner(fx.d0, TSITE);
	assert_pristine(fx.g);
	/* The blocking domain stays with the group for the next owner. */
	assert_non_null(fx.g->blocking_domain);
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.d0, &fx.owner_b,
							  TSITE), 0);
	assert_ptr_equal(fx.g->owner, &fx.owner_b);
	expect_no_findings();
}

static void t_release_unowned_warns(void **state)
{
	(void)state;
	sim_iommu_device_release_dma_owner(fx.d0, TSITE);
	expect_finding(SIM_F_WARN, "owner_cnt is 0");
	expect_finding(SIM_F_WARN, fx.g->name);
	assert_int_equal(sim_nr_findings(), 1);
	assert_ptr_equal(sim_finding(0)->site, TSITE);
	assert_pristine(fx.g);
}

static void t_release_with_pasid_warns(void **state)
{
	struct iommu_attach_handle h = { 0 };

	(void)state;
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.d0, &fx.owner_a,
							  TSITE), 0);
	assert_int_equal(sim_iommu_attach_device_pasid(fx.dom0, fx.d0, 3, &h,
						       TSITE), 0);
	sim_iommu_device_release_dma_owner(fx.d0, TSITE);
	expect_finding(SIM_F_WARN, "pasid array is not empty");
	/* Still owned, still blocked. */
	assert_ptr_equal(fx.g->owner, &fx.owner_a);
	assert_int_equal(fx.g->owner_cnt, 1);
	assert_ptr_equal(fx.g->domain, fx.g->blocking_domain);
}

static void t_release_other_owner_clears(void **state)
{
	(void)state;
	/* No caller check: a non-owner's release frees another's group. */
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.d0, &fx.owner_a,
							  TSITE), 0);
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.d1, &fx.owner_b,
							  TSITE), -EPERM);
	sim_iommu_device_release_dma_owner(fx.d1, TSITE);
	assert_pristine(fx.g);
	expect_no_findings();
}

static void t_release_no_group_oops(void **state)
{
	sigjmp_buf env;
	volatile bool returned = false;

	(void)state;
	sim_oops_arm(&env);
	if (sigsetjmp(env, 0) == 0) {
		sim_iommu_device_release_dma_owner(fx.dn, TSITE);
		returned = true;
	}
	sim_oops_arm(NULL);
	assert_false(returned);
	expect_finding(SIM_F_OOPS, "has no iommu_group");
	expect_finding(SIM_F_OOPS, "dn");
	assert_int_equal(sim_nr_findings(), 1);
	assert_ptr_equal(sim_finding(0)->site, TSITE);
}

/* ----------------------------------------------------------- domains */

static void t_paging_domain_alloc(void **state)
{
	struct iommu_domain *d;
	unsigned int base;

	(void)state;
	base = census(SIM_CLASS_KERNEL);
	d = sim_iommu_paging_domain_alloc(fx.dn, false, TSITE);
	assert_int_equal(PTR_ERR(d), -ENODEV);

	fault_nth(1);
	d = iommu_paging_domain_alloc_flags(fx.dx, true);
	assert_int_equal(fault_done(), 1);
	assert_int_equal(PTR_ERR(d), -ENOMEM);
	assert_int_equal(census(SIM_CLASS_KERNEL), base);

	d = iommu_paging_domain_alloc_flags(fx.dx, true);
	assert_false(IS_ERR_OR_NULL(d));
	assert_int_equal(d->type, IOMMU_DOMAIN_UNMANAGED);
	assert_int_equal(d->iommu_dev, 1);
	assert_true(d->pasid_capable);
	assert_false(fx.dom0b->pasid_capable);
	assert_int_equal(census(SIM_CLASS_KERNEL), base + 1);
	iommu_domain_free(d);
	iommu_domain_free(NULL);
	assert_int_equal(census(SIM_CLASS_KERNEL), base);
	expect_no_findings();
}

/* ----------------------------------------------- group attach handles */

static void t_attach_group_handle(void **state)
{
	struct iommu_attach_handle h = { 0 }, h2 = { 0 };

	(void)state;
	assert_int_equal(sim_iommu_attach_group_handle(fx.dom0, fx.g, NULL,
						       TSITE), -EINVAL);
	/* Incompatible: a domain of another IOMMU instance. */
	assert_int_equal(sim_iommu_attach_group_handle(fx.dom1, fx.g, &h,
						       TSITE), -EINVAL);
	assert_pristine(fx.g);

	assert_int_equal(sim_iommu_attach_group_handle(fx.dom0, fx.g, &h,
						       TSITE), 0);
	assert_ptr_equal(fx.g->domain, fx.dom0);
	assert_ptr_equal(h.domain, fx.dom0);
	assert_ptr_equal(stored(fx.g, IOMMU_NO_PASID), &h);

	/* The slot is taken: refused before any fault point. */
	fault_nth(1);
	assert_int_equal(sim_iommu_attach_group_handle(fx.dom0b, fx.g, &h2,
						       TSITE), -EBUSY);
	assert_int_equal(fault_done(), 0);
	assert_ptr_equal(fx.g->domain, fx.dom0);
	assert_null(h2.domain);
	/* Even when the group's domain claims to be a core domain. */
	fx.g->domain = fx.g->default_domain;
	fault_nth(1);
	assert_int_equal(sim_iommu_attach_group_handle(fx.dom0b, fx.g, &h2,
						       TSITE), -EBUSY);
	assert_int_equal(fault_done(), 0);
	assert_ptr_equal(stored(fx.g, IOMMU_NO_PASID), &h);
	fx.g->domain = fx.dom0;
	expect_no_findings();
}

static void t_attach_group_handle_busy_domain(void **state)
{
	struct iommu_attach_handle h = { 0 };

	(void)state;
	/* Not on a core domain, though no handle is stored. */
	fx.g->domain = fx.dom0b;
	assert_int_equal(sim_iommu_attach_group_handle(fx.dom0, fx.g, &h,
						       TSITE), -EBUSY);
	assert_true(sim_xa_empty(&fx.g->pasid_array));
	fx.g->domain = fx.g->default_domain;

	/* The blocking domain of an owned group is a core domain. */
	assert_int_equal(sim_iommu_device_claim_dma_owner(fx.d0, &fx.owner_a,
							  TSITE), 0);
	assert_int_equal(sim_iommu_attach_group_handle(fx.dom0, fx.g, &h,
						       TSITE), 0);
	assert_ptr_equal(fx.g->domain, fx.dom0);
	/* Detach while owned goes back to blocking, not default. */
	sim_iommu_detach_group_handle(fx.dom0, fx.g, TSITE);
	assert_ptr_equal(fx.g->domain, fx.g->blocking_domain);
	assert_true(sim_xa_empty(&fx.g->pasid_array));
	expect_no_findings();
}

static void t_attach_group_handle_no_iommu(void **state)
{
	struct iommu_attach_handle h = { 0 };
	struct iommu_group *g;

	(void)state;
	/* First device without an IOMMU (the fake noiommu group). */
	g = mkgroup();
	assert_int_equal(iommu_group_add_device(g, fx.dn), 0);
	assert_int_equal(sim_iommu_attach_group_handle(fx.dom0, g, &h,
						       TSITE), -EINVAL);
	/* An empty group has no first device. */
	iommu_group_remove_device(fx.dn);
	assert_int_equal(sim_iommu_attach_group_handle(fx.dom0, g, &h,
						       TSITE), -EINVAL);
	assert_pristine(g);
	sim_iommu_group_put(g, TSITE);
	expect_no_findings();
}

static void t_attach_group_handle_fault(void **state)
{
	struct iommu_attach_handle h = { 0 };
	unsigned int base;
	int ret;

	(void)state;
	base = census(SIM_CLASS_KERNEL);
	fault_nth(1);
	ret = iommu_attach_group_handle(fx.dom0, fx.g, &h);
	assert_int_equal(fault_done(), 1);
	assert_int_equal(ret, -ENOMEM);
	assert_pristine(fx.g);
	assert_null(h.domain);
	assert_int_equal(census(SIM_CLASS_KERNEL), base);

	/* Without injection: one fault point, and it works. */
	fault_nth(0);
	ret = iommu_attach_group_handle(fx.dom0, fx.g, &h);
	assert_int_equal(fault_done(), 1);
	assert_int_equal(ret, 0);
	assert_ptr_equal(stored(fx.g, IOMMU_NO_PASID), &h);
	expect_no_findings();
}

static void t_detach_group_handle(void **state)
{
	struct iommu_attach_handle h = { 0 };

	(void)state;
	assert_int_equal(sim_iommu_attach_group_handle(fx.dom0, fx.g, &h,
						       TSITE), 0);
	sim_iommu_detach_group_handle(fx.dom0, fx.g, TSITE);
	assert_pristine(fx.g);
	assert_null(stored(fx.g, IOMMU_NO_PASID));
	expect_no_findings();

	/* Detaching a domain the group is not attached to WARNs. */
	assert_int_equal(sim_iommu_attach_group_handle(fx.dom0, fx.g, &h,
						       TSITE), 0);
	sim_iommu_detach_group_handle(fx.dom0b, fx.g, TSITE);
	expect_finding(SIM_F_WARN, "not attached to this domain");
	/* It detaches anyway, as the kernel does. */
	assert_pristine(fx.g);
}

static void t_replace_group_handle(void **state)
{
	struct iommu_attach_handle h = { 0 }, h2 = { 0 }, h3 = { 0 };
	struct iommu_domain *d;
	int ret;

	(void)state;
	assert_int_equal(sim_iommu_replace_group_handle(fx.g, NULL, &h2,
							TSITE), -EINVAL);
	assert_int_equal(sim_iommu_replace_group_handle(fx.g, fx.dom0, NULL,
							TSITE), -EINVAL);
	/* Nothing attached: replace needs an attachment. */
	assert_int_equal(sim_iommu_replace_group_handle(fx.g, fx.dom0, &h2,
							TSITE), -EINVAL);
	assert_pristine(fx.g);

	assert_int_equal(sim_iommu_attach_group_handle(fx.dom0, fx.g, &h,
						       TSITE), 0);
	assert_int_equal(sim_iommu_replace_group_handle(fx.g, fx.dom1, &h2,
							TSITE), -EINVAL);
	assert_ptr_equal(fx.g->domain, fx.dom0);
	expect_no_findings();

	/* Injected failure: nothing changes. */
	fault_nth(1);
	ret = iommu_replace_group_handle(fx.g, fx.dom0b, &h2);
	assert_int_equal(fault_done(), 1);
	assert_int_equal(ret, -ENOMEM);
	assert_ptr_equal(fx.g->domain, fx.dom0);
	assert_ptr_equal(stored(fx.g, IOMMU_NO_PASID), &h);
	assert_null(h2.domain);

	ret = iommu_replace_group_handle(fx.g, fx.dom0b, &h2);
	assert_int_equal(ret, 0);
	assert_ptr_equal(fx.g->domain, fx.dom0b);
	assert_ptr_equal(h2.domain, fx.dom0b);
	assert_ptr_equal(stored(fx.g, IOMMU_NO_PASID), &h2);

	/* Same domain, new handle: the driver is not called. */
	fault_nth(1);
	ret = iommu_replace_group_handle(fx.g, fx.dom0b, &h3);
	assert_int_equal(fault_done(), 0);
	assert_int_equal(ret, 0);
	assert_ptr_equal(stored(fx.g, IOMMU_NO_PASID), &h3);
	expect_no_findings();

	/* Reusing the stored handle WARNs. */
	assert_int_equal(sim_iommu_replace_group_handle(fx.g, fx.dom0, &h3,
							TSITE), -EINVAL);
	expect_finding(SIM_F_WARN, "handle reused");
	assert_ptr_equal(fx.g->domain, fx.dom0b);

	d = fx.g->domain;
	sim_iommu_detach_group_handle(d, fx.g, TSITE);
	assert_pristine(fx.g);
}

/* ------------------------------------------------------ pasid handles */

static void t_attach_device_pasid_errors(void **state)
{
	struct iommu_attach_handle h = { 0 };

	(void)state;
	assert_int_equal(sim_iommu_attach_device_pasid(fx.dom0, fx.dn, 1, &h,
						       TSITE), -ENODEV);
	/* In a group but without IOMMU (iommufd never asks this). */
	fx.dn->iommu_group = fx.g2;
	assert_int_equal(sim_iommu_attach_device_pasid(fx.dom1, fx.dn, 1, &h,
						       TSITE), -ENODEV);
	fx.dn->iommu_group = NULL;
	/*
	 * Without pasid support (7.3-rc7): the device is skipped, not
	 * refused; the attach succeeds and the driver programs nothing.
	 */
	assert_int_equal(sim_iommu_attach_device_pasid(fx.dom1, fx.dx, 1, &h,
						       TSITE), 0);
	assert_ptr_equal(h.domain, fx.dom1);
	sim_iommu_detach_device_pasid(fx.dom1, fx.dx, 1, TSITE);
	assert_true(sim_xa_empty(&fx.g2->pasid_array));
	h.domain = NULL;
	assert_int_equal(sim_iommu_attach_device_pasid(fx.dom0, fx.d0,
						       IOMMU_NO_PASID, &h,
						       TSITE), -EINVAL);
	/* Beyond the device's own range. */
	fx.d1->iommu->max_pasids = 16;
	assert_int_equal(sim_iommu_attach_device_pasid(fx.dom0, fx.d0, 8, &h,
						       TSITE), -EINVAL);
	assert_int_equal(sim_iommu_attach_device_pasid(fx.dom1, fx.d0, 1, &h,
						       TSITE), -EINVAL);
	/* The pasid must fit every device of the group. */
	fx.d1->iommu->max_pasids = 4;
	assert_int_equal(sim_iommu_attach_device_pasid(fx.dom0, fx.d0, 5, &h,
						       TSITE), -EINVAL);
	assert_true(sim_xa_empty(&fx.g->pasid_array));
	assert_null(h.domain);
	expect_no_findings();
}

static void t_attach_device_pasid(void **state)
{
	struct iommu_attach_handle h = { 0 }, h2 = { 0 };
	int ret;

	(void)state;
	fault_nth(1);
	ret = iommu_attach_device_pasid(fx.dom0, fx.d0, 7, &h);
	assert_int_equal(fault_done(), 1);
	assert_int_equal(ret, -ENOMEM);
	assert_true(sim_xa_empty(&fx.g->pasid_array));
	assert_null(h.domain);

	fault_nth(0);
	ret = iommu_attach_device_pasid(fx.dom0, fx.d0, 7, &h);
	assert_int_equal(fault_done(), 1);
	assert_int_equal(ret, 0);
	assert_ptr_equal(h.domain, fx.dom0);
	assert_ptr_equal(stored(fx.g, 7), &h);
	/* The group's NO_PASID domain is untouched. */
	assert_ptr_equal(fx.g->domain, fx.g->default_domain);
	assert_null(stored(fx.g, IOMMU_NO_PASID));

	/* Occupied, also through the other device of the group. */
	assert_int_equal(sim_iommu_attach_device_pasid(fx.dom0b, fx.d1, 7,
						       &h2, TSITE), -EBUSY);
	assert_null(h2.domain);
	assert_ptr_equal(stored(fx.g, 7), &h);
	expect_no_findings();
}

static void t_replace_device_pasid(void **state)
{
	struct iommu_attach_handle h = { 0 }, h2 = { 0 }, h3 = { 0 };
	int ret;

	(void)state;
	/* Nothing attached yet. */
	assert_int_equal(sim_iommu_replace_device_pasid(fx.dom0, fx.d0, 2,
							&h, TSITE), -EINVAL);
	assert_int_equal(sim_iommu_replace_device_pasid(fx.dom0, fx.dn, 2,
							&h, TSITE), -ENODEV);
	assert_int_equal(sim_iommu_replace_device_pasid(fx.dom0, fx.d0, 0,
							&h, TSITE), -EINVAL);
	assert_int_equal(sim_iommu_attach_device_pasid(fx.dom0, fx.d0, 2, &h,
						       TSITE), 0);
	assert_int_equal(sim_iommu_replace_device_pasid(fx.dom1, fx.d0, 2,
							&h2, TSITE), -EINVAL);
	expect_no_findings();

	fault_nth(1);
	ret = iommu_replace_device_pasid(fx.dom0b, fx.d0, 2, &h2);
	assert_int_equal(fault_done(), 1);
	assert_int_equal(ret, -ENOMEM);
	assert_ptr_equal(stored(fx.g, 2), &h);
	assert_null(h2.domain);

	ret = iommu_replace_device_pasid(fx.dom0b, fx.d0, 2, &h2);
	assert_int_equal(ret, 0);
	assert_ptr_equal(stored(fx.g, 2), &h2);
	assert_ptr_equal(h2.domain, fx.dom0b);

	/* Same domain: no driver call, no fault point. */
	fault_nth(1);
	ret = iommu_replace_device_pasid(fx.dom0b, fx.d1, 2, &h3);
	assert_int_equal(fault_done(), 0);
	assert_int_equal(ret, 0);
	assert_ptr_equal(stored(fx.g, 2), &h3);
	expect_no_findings();

	assert_int_equal(sim_iommu_replace_device_pasid(fx.dom0, fx.d0, 2,
							&h3, TSITE), -EINVAL);
	expect_finding(SIM_F_WARN, "handle reused");
	assert_ptr_equal(stored(fx.g, 2), &h3);
	assert_ptr_equal(h3.domain, fx.dom0b);
}

static void t_detach_device_pasid(void **state)
{
	struct iommu_attach_handle h = { 0 };
	sigjmp_buf env;
	volatile bool returned = false;

	(void)state;
	assert_int_equal(sim_iommu_attach_device_pasid(fx.dom0, fx.d0, 4, &h,
						       TSITE), 0);
	sim_iommu_detach_device_pasid(fx.dom0, fx.d1, 4, TSITE);
	assert_true(sim_xa_empty(&fx.g->pasid_array));
	expect_no_findings();

	sim_iommu_detach_device_pasid(fx.dom0, fx.d0, 4, TSITE);
	expect_finding(SIM_F_WARN, "nothing attached");

	sim_clear_findings();
	assert_int_equal(sim_iommu_attach_device_pasid(fx.dom0, fx.d0, 4, &h,
						       TSITE), 0);
	sim_iommu_detach_device_pasid(fx.dom0b, fx.d0, 4, TSITE);
	expect_finding(SIM_F_WARN, "attached to another domain");
	assert_true(sim_xa_empty(&fx.g->pasid_array));

	/* The kernel dereferences the group. */
	sim_clear_findings();
	sim_oops_arm(&env);
	if (sigsetjmp(env, 0) == 0) {
		sim_iommu_detach_device_pasid(fx.dom0, fx.dn, 4, TSITE);
		returned = true;
	}
	sim_oops_arm(NULL);
	assert_false(returned);
	expect_finding(SIM_F_OOPS, "has no iommu_group");
}

static void t_attach_handle_get(void **state)
{
	struct iommu_attach_handle h = { 0 }, h2 = { 0 };
	struct iommu_attach_handle *r;

	(void)state;
	r = iommu_attach_handle_get(NULL, IOMMU_NO_PASID, 0);
	assert_int_equal(PTR_ERR(r), -ENOENT);
	r = iommu_attach_handle_get(fx.g, IOMMU_NO_PASID, 0);
	assert_int_equal(PTR_ERR(r), -ENOENT);

	assert_int_equal(sim_iommu_attach_group_handle(fx.dom0, fx.g, &h,
						       TSITE), 0);
	assert_int_equal(sim_iommu_attach_device_pasid(fx.dom0, fx.d0, 1, &h2,
						       TSITE), 0);
	assert_ptr_equal(iommu_attach_handle_get(fx.g, IOMMU_NO_PASID, 0),
			 &h);
	assert_ptr_equal(iommu_attach_handle_get(fx.g, 1, 0), &h2);
	r = iommu_attach_handle_get(fx.g, 2, 0);
	assert_int_equal(PTR_ERR(r), -ENOENT);
	/* Another group does not see them. */
	r = iommu_attach_handle_get(fx.g2, 1, 0);
	assert_int_equal(PTR_ERR(r), -ENOENT);
	expect_no_findings();
}

static void t_map_msi(void **state)
{
	int ret;

	(void)state;
	fault_nth(1);
	ret = iommu_map_sw_msi(fx.dom0, 0xfee00000);
	assert_int_equal(fault_done(), 1);
	assert_int_equal(ret, -ENOMEM);
	fault_nth(0);
	ret = iommu_map_sw_msi(fx.dom0, 0xfee00000);
	assert_int_equal(fault_done(), 1);
	assert_int_equal(ret, 0);
	expect_no_findings();
}

/* Fault sites of the iommu core are registered for coverage. */
static void t_fault_sites_registered(void **state)
{
	static const char *const want[] = {
		"iommu_group_alloc", "iommu_device_claim_dma_owner",
		"iommu_paging_domain_alloc", "iommu_attach_group_handle",
		"iommu_replace_group_handle", "iommu_attach_device_pasid",
		"iommu_replace_device_pasid", "iommu_map",
	};
	const struct sim_site *sites;
	unsigned int nr, i, j;

	(void)state;
	sites = sim_fault_sites(&nr);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		bool found = false;

		for (j = 0; j < nr && !found; j++)
			found = sites[j].what &&
				!strcmp(sites[j].what, want[i]);
		if (!found)
			fail_msg("fault site %s not registered", want[i]);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(t_capabilities),
		T(t_group_id_name),
		T(t_isolated_msi),
		T(t_group_get_put),
		T(t_group_put_after_free),
		T(t_group_membership),
		T(t_group_release_frees_all),
		T(t_group_alloc_fault),
		T(t_group_release_warns),
		T(t_claim_first_owner),
		T(t_claim_same_cookie),
		T(t_claim_other_cookie),
		T(t_claim_busy),
		T(t_claim_null_owner),
		T(t_claim_no_group),
		T(t_claim_fault),
		T(t_release_last_owner),
		T(t_release_unowned_warns),
		T(t_release_with_pasid_warns),
		T(t_release_other_owner_clears),
		T(t_release_no_group_oops),
		T(t_paging_domain_alloc),
		T(t_attach_group_handle),
		T(t_attach_group_handle_busy_domain),
		T(t_attach_group_handle_no_iommu),
		T(t_attach_group_handle_fault),
		T(t_detach_group_handle),
		T(t_replace_group_handle),
		T(t_attach_device_pasid_errors),
		T(t_attach_device_pasid),
		T(t_replace_device_pasid),
		T(t_detach_device_pasid),
		T(t_attach_handle_get),
		T(t_map_msi),
		T(t_fault_sites_registered),
	};

	return cmocka_run_group_tests_name("iommu_core", tests, NULL, NULL);
}
