/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fault sweep of iommufd_device_bind, one test per bind path, in the way
 * of the kernel's iommufd_fail_nth: an uninjected run counts the fault
 * points N and names them (the list must match the one derived from the
 * model, so a gained or lost fault point is noticed); then for each n in
 * 1..N a fresh world fails the n-th point, and bind must fail with
 * -ENOMEM, record no finding, and leave the observable state exactly as
 * it found it: no allocation, no reserved id, no igroup, no DMA owner, no
 * group or file reference. Finally n = N+1 injects nothing and behaves as
 * the uninjected run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_util.h"

struct bind_path {
	const char *world;
	const char *pre;	/* bound before the sweep (same ctx), or NULL */
	const char *dev;	/* the device bound under injection */
	int rc;			/* uninjected result: 0 or -errno */
	u32 id;			/* uninjected id on success */
	const char *const *sites;	/* expected fault points, in order */
	unsigned int nr_sites;
};

/* Boot the path's world and bind its "pre" device. */
static void path_prepare(const struct bind_path *p)
{
	u32 id;

	tu_boot(p->world);
	if (p->pre)
		tu_bind_ok(tu_ctx(0), tu_dev(p->pre), &id);
	tu_expect_no_findings();
}

/*
 * One bind as one system call, failing fault point @nth (0: none).
 * Returns the bind result; *out_id is written only on success.
 */
static struct iommufd_device *path_bind(const struct bind_path *p,
					unsigned int nth, u32 *out_id)
{
	struct iommufd_device *idev;

	tu_enter_fault_nth(nth);
	TU_GUARDED(idev = iommufd_device_bind(tu_ctx(0), tu_dev(p->dev),
					      out_id));
	tu_leave();
	return idev;
}

static void check_sites(const struct bind_path *p, unsigned int n)
{
	bool same = n == p->nr_sites;
	unsigned int i;

	for (i = 0; same && i < n; i++)
		same = !strcmp(tu_site_name(sim_fault_point(i + 1)),
			       p->sites[i]);
	if (same)
		return;
	print_message("bind of %s passed %u fault point(s):\n", p->dev, n);
	tu_dump_sites_passed();
	print_message("expected %u:\n", p->nr_sites);
	for (i = 0; i < p->nr_sites; i++)
		print_message("  expected %u: %s\n", i + 1, p->sites[i]);
	fail_msg("the fault points of bind(%s) changed", p->dev);
}

/* The uninjected outcome, in the current state. */
static void check_uninjected(const struct bind_path *p,
			     struct iommufd_device *idev, u32 id,
			     const struct tu_snap *before)
{
	tu_expect_no_findings();
	if (p->rc) {
		assert_true(IS_ERR(idev));
		assert_int_equal(PTR_ERR(idev), p->rc);
		tu_assert_unchanged(before);
		return;
	}
	if (IS_ERR(idev))
		fail_msg("uninjected bind of %s failed: %ld", p->dev,
			 PTR_ERR(idev));
	assert_int_equal(id, p->id);
	assert_ptr_equal(tu_obj(tu_ctx(0), id), &idev->obj);
	assert_int_equal(refcount_read(&idev->obj.users), 2);
	tu_unbind(idev);
	tu_expect_no_findings();
}

static void run_path(const struct bind_path *p)
{
	struct iommufd_device *idev;
	struct tu_snap before;
	unsigned int n, nth;
	u32 id = 0;

	/* Count and name the fault points */
	path_prepare(p);
	tu_snap_take(&before);
	idev = path_bind(p, 0, &id);
	n = sim_fault_count();
	assert_int_equal(sim_fault_nr_injected(), 0);
	check_sites(p, n);
	check_uninjected(p, idev, id, &before);

	for (nth = 1; nth <= n; nth++) {
		const char *site;
		u32 bad = 0xdead;

		path_prepare(p);
		tu_snap_take(&before);
		idev = path_bind(p, nth, &bad);
		site = tu_site_name(sim_fault_point(nth));
		if (sim_fault_nr_injected() != 1 ||
		    !sim_fault_was_injected(nth)) {
			print_message("fault %u (%s) was not injected\n", nth,
				      site);
			fail();
		}
		if (!IS_ERR(idev) || PTR_ERR(idev) != -ENOMEM) {
			print_message("fault %u (%s): bind of %s returned "
				      "%ld, expected -ENOMEM\n", nth, site,
				      p->dev, IS_ERR(idev) ? PTR_ERR(idev) : 0);
			fail();
		}
		if (bad != 0xdead) {
			print_message("fault %u (%s): id written\n", nth,
				      site);
			fail();
		}
		if (sim_nr_findings()) {
			print_message("fault %u (%s): findings\n", nth, site);
			tu_expect_no_findings();
		}
		{
			struct tu_snap now;

			tu_snap_take(&now);
			if (tu_snap_diff(&before, &now)) {
				tu_dump_census();
				print_message("fault %u (%s): state changed\n",
					      nth, site);
				fail();
			}
		}
		/* The failure left nothing behind: the next bind is clean */
		idev = path_bind(p, 0, &id);
		check_uninjected(p, idev, id, &before);
	}

	/* fail_nth's stop condition: N+1 is never reached */
	path_prepare(p);
	tu_snap_take(&before);
	idev = path_bind(p, n + 1, &id);
	assert_int_equal(sim_fault_count(), n);
	assert_int_equal(sim_fault_nr_injected(), 0);
	check_uninjected(p, idev, id, &before);
}

/* ------------------------------------------------------------ paths */

#define OBJ_KZALLOC "_iommufd_object_alloc:kzalloc"
#define OBJ_XA_ALLOC "_iommufd_object_alloc:xa_alloc"
#define IGROUP_KZALLOC "iommufd_alloc_group:kzalloc"
#define GROUPS_CMPXCHG "iommufd_get_group:xa_cmpxchg"
#define CLAIM "iommufd_bind_iommu:iommu_device_claim_dma_owner"

static const char *const sites_new_group[] = {
	OBJ_KZALLOC, OBJ_XA_ALLOC, IGROUP_KZALLOC, GROUPS_CMPXCHG, CLAIM,
};

/* The igroup exists and the group is already owned by this ctx. */
static const char *const sites_joined_group[] = {
	OBJ_KZALLOC, OBJ_XA_ALLOC,
};

/* -EPERM at the MSI check: no claim. */
static const char *const sites_unsafe_msi[] = {
	OBJ_KZALLOC, OBJ_XA_ALLOC, IGROUP_KZALLOC, GROUPS_CMPXCHG,
};

static const char *const sites_noiommu[] = {
	OBJ_KZALLOC, OBJ_XA_ALLOC, IGROUP_KZALLOC,
};

/* (a) an iommu device alone in its group */
static void bind_a_iommu_alone(void **state)
{
	static const struct bind_path p = {
		.world = "group g0\n"
			 "device d0 group=g0 iommu=0 coherent msi "
			 "driver=kernel\n"
			 "ctx c0\n",
		.dev = "d0",
		.id = 1,
		.sites = sites_new_group,
		.nr_sites = ARRAY_SIZE(sites_new_group),
	};

	(void)state;
	run_path(&p);
}

/* (b) a second device joining a group already bound in the same ctx */
static void bind_b_second_device_of_group(void **state)
{
	static const struct bind_path p = {
		.world = "group g0\n"
			 "device d0 group=g0 iommu=0 coherent msi "
			 "driver=kernel\n"
			 "device d1 group=g0 iommu=0 coherent msi "
			 "driver=kernel\n"
			 "ctx c0\n",
		.pre = "d0",
		.dev = "d1",
		.id = 2,
		.sites = sites_joined_group,
		.nr_sites = ARRAY_SIZE(sites_joined_group),
	};

	(void)state;
	run_path(&p);
}

/* (c) an unsafe-MSI device with allow_unsafe_interrupts=1 */
static void bind_c_unsafe_msi_allowed(void **state)
{
	static const struct bind_path p = {
		.world = "group g0\n"
			 "device d0 group=g0 iommu=0 coherent driver=kernel\n"
			 "ctx c0\n"
			 "boot allow_unsafe_interrupts=1\n",
		.dev = "d0",
		.id = 1,
		.sites = sites_new_group,
		.nr_sites = ARRAY_SIZE(sites_new_group),
	};

	(void)state;
	run_path(&p);
}

/* (d) an unsafe-MSI device with allow_unsafe_interrupts=0: -EPERM */
static void bind_d_unsafe_msi_refused(void **state)
{
	static const struct bind_path p = {
		.world = "group g0\n"
			 "device d0 group=g0 iommu=0 coherent driver=kernel\n"
			 "ctx c0\n"
			 "boot allow_unsafe_interrupts=0\n",
		.dev = "d0",
		.rc = -EPERM,
		.sites = sites_unsafe_msi,
		.nr_sites = ARRAY_SIZE(sites_unsafe_msi),
	};

	(void)state;
	run_path(&p);
}

/* (e) a noiommu device (CONFIG_IOMMUFD_NOIOMMU=1) */
static void bind_e_noiommu(void **state)
{
	static const struct bind_path p = {
		.world = "device n0 group=none iommu=none driver=kernel\n"
			 "ctx c0\n"
			 "boot CONFIG_IOMMUFD_NOIOMMU=1 "
			 "CONFIG_VFIO_NOIOMMU=1\n",
		.dev = "n0",
		.id = 1,
		.sites = sites_noiommu,
		.nr_sites = ARRAY_SIZE(sites_noiommu),
	};

	(void)state;
	run_path(&p);
}

#define T(f) cmocka_unit_test_setup_teardown(f, tu_setup, tu_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(bind_a_iommu_alone),
		T(bind_b_second_device_of_group),
		T(bind_c_unsafe_msi_allowed),
		T(bind_d_unsafe_msi_refused),
		T(bind_e_noiommu),
	};

	return cmocka_run_group_tests_name("bind_faults", tests, NULL, NULL);
}
