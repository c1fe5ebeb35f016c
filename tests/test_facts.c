/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The behavioural facts of kernel-facts.md section 8, one test each
 * (facts 1-27 and 29). Every test boots a small world from text, drives
 * the model directly, one call per simulated system call, and asserts the
 * return codes, the resulting state (object table, refcounts, igroups,
 * DMA ownership, attachments, reserved IOVAs, the ctx file reference, the
 * heap census) and the findings: none where the kernel would not WARN,
 * the specific one where it would. Then the in-kernel caller's contract
 * through the operations (kcall_*): a driver=kernel device's handles.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_util.h"
#include "check.h"

/* One device alone in its group, one context. */
static const char W_ONE[] =
	"group g0\n"
	"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
	"ctx c0\n";

/* Two devices sharing group g0, one context. */
static const char W_TWO[] =
	"group g0\n"
	"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
	"device d1 group=g0 iommu=0 coherent msi driver=kernel\n"
	"ctx c0\n";

/* Two devices sharing group g0, one context with an IOAS (id 1). */
static const char W_TWO_IOAS[] =
	"group g0\n"
	"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
	"device d1 group=g0 iommu=0 coherent msi driver=kernel\n"
	"ctx c0 ioas\n";

/* Unowned, on its default domain, nothing attached. */
static void assert_group_unowned(struct iommu_group *g)
{
	assert_null(g->owner);
	assert_int_equal(g->owner_cnt, 0);
	assert_ptr_equal(g->domain, g->default_domain);
	assert_true(sim_xa_empty(&g->pasid_array));
}

/* Owned by @ictx @cnt times, on the blocking domain, nothing attached. */
static void assert_group_owned(struct iommu_group *g, struct iommufd_ctx *ictx,
			       unsigned int cnt)
{
	assert_ptr_equal(g->owner, ictx);
	assert_int_equal(g->owner_cnt, cnt);
	assert_non_null(g->blocking_domain);
	assert_ptr_equal(g->domain, g->blocking_domain);
	assert_true(sim_xa_empty(&g->pasid_array));
}

static void assert_bound(struct iommufd_ctx *ictx, struct iommufd_device *idev,
			 u32 id)
{
	assert_ptr_equal(tu_obj(ictx, id), &idev->obj);
	assert_int_equal(idev->obj.id, id);
	assert_int_equal(idev->obj.type, IOMMUFD_OBJ_DEVICE);
	assert_int_equal(tu_users(&idev->obj), 2);
	assert_int_equal(tu_wait_cnt(&idev->obj), 1);
}

/* ------------------------------------------------------------ fact 1 */

/*
 * No IOMMU, or an IOMMU without IOMMU_CAP_CACHE_COHERENCY: -EINVAL, no id
 * left reserved, no group or ownership change (CONFIG_IOMMUFD_NOIOMMU off,
 * so the device with no IOMMU is not a noiommu device).
 */
static void fact01_no_coherency_bind_einval(void **state)
{
	struct iommufd_device *idev;
	struct iommufd_ctx *ictx;
	struct tu_census c0;
	struct tu_snap before;
	u32 id = 0xdead;

	(void)state;
	tu_boot("group g0 g1\n"
		"device d0 group=g0 iommu=0 msi driver=kernel\n"
		"device n0 group=none iommu=none msi driver=kernel\n"
		"device d1 group=g1 iommu=0 coherent msi driver=kernel\n"
		"ctx c0\n");
	ictx = tu_ctx(0);
	c0 = tu_census();

	tu_snap_take(&before);
	idev = tu_bind(ictx, tu_dev("d0"), &id);
	assert_true(IS_ERR(idev));
	assert_int_equal(PTR_ERR(idev), -EINVAL);
	assert_int_equal(id, 0xdead);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_true(sim_xa_empty(&ictx->objects));
	assert_true(sim_xa_empty(&ictx->groups));
	assert_group_unowned(tu_group("g0"));
	assert_int_equal(refcount_read(&tu_group("g0")->ref),
			 tu_group_ref0("g0"));

	idev = tu_bind(ictx, tu_dev("n0"), &id);
	assert_true(IS_ERR(idev));
	assert_int_equal(PTR_ERR(idev), -EINVAL);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);

	/* No id was consumed: the next object gets id 1 */
	idev = tu_bind_ok(ictx, tu_dev("d1"), &id);
	assert_int_equal(id, 1);
	assert_bound(ictx, idev, 1);
	tu_unbind(idev);
	tu_expect_no_findings();
	tu_assert_census(c0);
}

/* ------------------------------------------------------------ fact 2 */

/* The first bind of a group creates one igroup (kref 1, one group ref). */
static void fact02_first_bind_creates_igroup(void **state)
{
	struct iommufd_device *idev;
	struct iommufd_group *igroup;
	struct iommufd_ctx *ictx;
	struct iommu_group *g0;
	u32 id;

	(void)state;
	tu_boot(W_ONE);
	ictx = tu_ctx(0);
	g0 = tu_group("g0");
	assert_int_equal(refcount_read(&g0->ref), tu_group_ref0("g0"));
	assert_int_equal(tu_census_tag("iommufd_group"), 0);

	idev = tu_bind_ok(ictx, tu_dev("d0"), &id);
	igroup = tu_igroup(ictx, g0);
	assert_non_null(igroup);
	assert_ptr_equal(idev->igroup, igroup);
	assert_int_equal(kref_read(&igroup->ref), 1);
	assert_ptr_equal(igroup->group, g0);
	assert_ptr_equal(igroup->ictx, ictx);
	assert_true(sim_xa_empty(&igroup->pasid_attach));
	assert_int_equal(igroup->sw_msi_start, PHYS_ADDR_MAX);
	assert_int_equal(ictx->groups.nr, 1);
	assert_int_equal(tu_census_tag("iommufd_group"), 1);
	/* Exactly one iommu_group reference, held by the igroup */
	assert_int_equal(refcount_read(&g0->ref), tu_group_ref0("g0") + 1);

	tu_unbind(idev);
	tu_expect_no_findings();
	assert_true(sim_xa_empty(&ictx->groups));
	assert_int_equal(tu_census_tag("iommufd_group"), 0);
	assert_int_equal(refcount_read(&g0->ref), tu_group_ref0("g0"));
}

/* ------------------------------------------------------------ fact 3 */

/* A second device of the group reuses the igroup: kref 2, no extra ref. */
static void fact03_second_device_reuses_igroup(void **state)
{
	struct iommufd_device *idev0, *idev1;
	struct iommufd_group *igroup;
	struct iommufd_ctx *ictx;
	struct iommu_group *g0;
	u32 id0, id1;

	(void)state;
	tu_boot(W_TWO);
	ictx = tu_ctx(0);
	g0 = tu_group("g0");

	idev0 = tu_bind_ok(ictx, tu_dev("d0"), &id0);
	igroup = tu_igroup(ictx, g0);
	idev1 = tu_bind_ok(ictx, tu_dev("d1"), &id1);

	assert_int_not_equal(id0, id1);
	assert_ptr_equal(idev1->igroup, igroup);
	assert_ptr_equal(tu_igroup(ictx, g0), igroup);
	assert_int_equal(kref_read(&igroup->ref), 2);
	assert_int_equal(tu_census_tag("iommufd_group"), 1);
	/* The lookup's extra group reference was dropped at once */
	assert_int_equal(refcount_read(&g0->ref), tu_group_ref0("g0") + 1);
	assert_group_owned(g0, ictx, 2);

	tu_unbind(idev1);
	tu_unbind(idev0);
	tu_expect_no_findings();
	assert_group_unowned(g0);
	assert_int_equal(refcount_read(&g0->ref), tu_group_ref0("g0"));
}

/* ------------------------------------------------------------ fact 4 */

/* A group owned by one ctx cannot be claimed by another: -EPERM. */
static void fact04_second_ctx_claim_eperm(void **state)
{
	struct iommufd_device *idev, *bad;
	struct iommufd_ctx *c0, *c1;
	struct iommu_group *g0;
	struct tu_snap before;
	u32 id, id2 = 0xdead;

	(void)state;
	tu_boot("group g0\n"
		"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
		"device d1 group=g0 iommu=0 coherent msi driver=kernel\n"
		"ctx c0\n"
		"ctx c1\n");
	c0 = tu_ctx(0);
	c1 = tu_ctx(1);
	g0 = tu_group("g0");

	idev = tu_bind_ok(c0, tu_dev("d0"), &id);
	tu_snap_take(&before);

	/* The group is claimed at the claim step, after the igroup exists */
	bad = tu_bind(c1, tu_dev("d1"), &id2);
	assert_true(IS_ERR(bad));
	assert_int_equal(PTR_ERR(bad), -EPERM);
	assert_int_equal(id2, 0xdead);
	tu_expect_no_findings();
	assert_int_equal(tu_sites_passed("iommufd_alloc_group:kzalloc"), 1);
	tu_assert_unchanged(&before);
	/* c1's temporary igroup is gone and c1 has nothing */
	assert_true(sim_xa_empty(&c1->groups));
	assert_true(sim_xa_empty(&c1->objects));
	assert_int_equal(tu_fcount(c1), 1);
	assert_int_equal(tu_census_tag("iommufd_group"), 1);
	assert_group_owned(g0, c0, 1);
	assert_int_equal(refcount_read(&g0->ref), tu_group_ref0("g0") + 1);

	/* The same device is refused too */
	bad = tu_bind(c1, tu_dev("d0"), &id2);
	assert_int_equal(PTR_ERR(bad), -EPERM);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);

	tu_unbind(idev);
	tu_expect_no_findings();
	assert_group_unowned(g0);
}

/* ------------------------------------------------------------ fact 5 */

/* iommufd lets the same device bind twice to one ctx: owner_cnt 2. */
static void fact05_same_device_twice_same_ctx(void **state)
{
	struct iommufd_device *a, *b;
	struct iommufd_ctx *ictx;
	struct iommu_group *g0;
	u32 ida, idb;

	(void)state;
	tu_boot(W_ONE);
	ictx = tu_ctx(0);
	g0 = tu_group("g0");

	a = tu_bind_ok(ictx, tu_dev("d0"), &ida);
	b = tu_bind_ok(ictx, tu_dev("d0"), &idb);
	assert_ptr_not_equal(a, b);
	assert_int_equal(ida, 1);
	assert_int_equal(idb, 2);
	assert_bound(ictx, a, 1);
	assert_bound(ictx, b, 2);
	assert_ptr_equal(a->igroup, b->igroup);
	assert_int_equal(kref_read(&a->igroup->ref), 2);
	assert_group_owned(g0, ictx, 2);
	/* Each idev holds a ctx reference */
	assert_int_equal(tu_fcount(ictx), 3);

	tu_unbind(a);
	tu_expect_no_findings();
	assert_group_owned(g0, ictx, 1);
	tu_unbind(b);
	tu_expect_no_findings();
	assert_group_unowned(g0);
	assert_int_equal(tu_fcount(ictx), 1);
}

/* ------------------------------------------------------------ fact 6 */

/*
 * A group without isolated MSI: a non-mock bind fails -EPERM after the
 * igroup was obtained (a new igroup is freed and unpublished, an existing
 * one is only put) unless allow_unsafe_interrupts=1, which warns only.
 */
static void fact06_unsafe_msi_eperm_unless_allowed(void **state)
{
	static const char world[] =
		"group g0\n"
		"device m0 group=g0 iommu=0 coherent mock driver=kernel\n"
		"device d0 group=g0 iommu=0 coherent driver=kernel\n"
		"ctx c0\n";
	struct iommufd_device *idev, *mock;
	struct iommufd_group *igroup;
	struct iommufd_ctx *ictx;
	struct iommu_group *g0;
	struct tu_snap before;
	char text[512];
	u32 id = 0xdead, mid;

	(void)state;
	tu_boot(world);
	ictx = tu_ctx(0);
	g0 = tu_group("g0");

	/* New igroup: freed and removed from ctx->groups again */
	tu_snap_take(&before);
	idev = tu_bind(ictx, tu_dev("d0"), &id);
	assert_int_equal(PTR_ERR(idev), -EPERM);
	assert_int_equal(id, 0xdead);
	tu_expect_no_findings();
	assert_int_equal(tu_sites_passed("iommufd_alloc_group:kzalloc"), 1);
	tu_assert_unchanged(&before);
	assert_true(sim_xa_empty(&ictx->groups));
	assert_group_unowned(g0);

	/* Existing igroup (a mock device skips the MSI check): only put */
	mock = tu_bind_ok(ictx, tu_dev("m0"), &mid);
	igroup = tu_igroup(ictx, g0);
	assert_non_null(igroup);
	tu_snap_take(&before);
	idev = tu_bind(ictx, tu_dev("d0"), &id);
	assert_int_equal(PTR_ERR(idev), -EPERM);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_ptr_equal(tu_igroup(ictx, g0), igroup);
	assert_int_equal(kref_read(&igroup->ref), 1);
	assert_group_owned(g0, ictx, 1);
	tu_unbind(mock);
	tu_expect_no_findings();
	assert_group_unowned(g0);

	/* allow_unsafe_interrupts=1: bind succeeds, no taint */
	snprintf(text, sizeof(text), "%sboot allow_unsafe_interrupts=1\n",
		 world);
	tu_boot(text);
	ictx = tu_ctx(0);
	idev = tu_bind_ok(ictx, tu_dev("d0"), &id);
	assert_bound(ictx, idev, id);
	assert_int_equal(sim_kernel()->taint, 0);
	assert_group_owned(tu_group("g0"), ictx, 1);
	tu_unbind(idev);
	tu_expect_no_findings();
}

/* ------------------------------------------------------------ fact 7 */

/* users 2, wait_cnt 1, the lowest free id >= 1, visible after finalize. */
static void fact07_bind_refcounts_lowest_free_id(void **state)
{
	struct iommufd_device *a, *b, *c;
	struct iommufd_object *obj;
	struct iommufd_ctx *ictx;
	u32 ida, idb, idc;

	(void)state;
	tu_boot("group g0\n"
		"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
		"device d1 group=g0 iommu=0 coherent msi driver=kernel\n"
		"device d2 group=g0 iommu=0 coherent msi driver=kernel\n"
		"ctx c0 ioas\n");
	ictx = tu_ctx(0);
	assert_int_equal(world_get()->ioas_id[0], 1);

	a = tu_bind_ok(ictx, tu_dev("d0"), &ida);
	assert_int_equal(ida, 2);
	assert_bound(ictx, a, 2);
	b = tu_bind_ok(ictx, tu_dev("d1"), &idb);
	assert_int_equal(idb, 3);
	assert_bound(ictx, b, 3);

	/* Visible to lookups: a get takes users and wait_cnt */
	tu_enter();
	obj = iommufd_get_object(ictx, ida, IOMMUFD_OBJ_DEVICE);
	assert_ptr_equal(obj, &a->obj);
	assert_int_equal(tu_users(obj), 3);
	assert_int_equal(tu_wait_cnt(obj), 2);
	assert_ptr_equal(iommufd_get_object(ictx, ida, IOMMUFD_OBJ_IOAS),
			 ERR_PTR(-ENOENT));
	iommufd_put_object(ictx, obj);
	tu_leave();
	assert_bound(ictx, a, 2);

	/* Unbinding frees id 2, the lowest free id again */
	tu_unbind(a);
	c = tu_bind_ok(ictx, tu_dev("d2"), &idc);
	assert_int_equal(idc, 2);
	assert_bound(ictx, c, 2);
	tu_unbind(b);
	tu_unbind(c);
	tu_expect_no_findings();
}

/* ------------------------------------------------------------ fact 8 */

/* A reserved (allocated, not finalized) id: -ENOENT from get and destroy. */
static void fact08_reserved_id_enoent(void **state)
{
	struct iommufd_object *obj, *got;
	struct iommufd_device *idev;
	struct iommufd_ctx *ictx;
	struct tu_census c0;
	int rc;
	u32 id;

	(void)state;
	tu_boot(W_ONE);
	ictx = tu_ctx(0);
	c0 = tu_census();

	tu_enter();
	obj = _iommufd_object_alloc(ictx, sizeof(struct iommufd_device),
				    IOMMUFD_OBJ_DEVICE);
	tu_leave();
	assert_false(IS_ERR(obj));
	assert_int_equal(obj->id, 1);
	assert_ptr_equal(tu_obj(ictx, 1), XA_ZERO_ENTRY);
	assert_null(xa_load(&ictx->objects, 1));
	assert_int_equal(tu_users(obj), 1);
	assert_int_equal(tu_wait_cnt(obj), 1);

	tu_enter();
	got = iommufd_get_object(ictx, 1, IOMMUFD_OBJ_ANY);
	tu_leave();
	assert_ptr_equal(got, ERR_PTR(-ENOENT));
	tu_enter();
	got = iommufd_get_object(ictx, 1, IOMMUFD_OBJ_DEVICE);
	tu_leave();
	assert_ptr_equal(got, ERR_PTR(-ENOENT));
	rc = tu_destroy(ictx, 1);
	assert_int_equal(rc, -ENOENT);
	tu_expect_no_findings();
	/* Still reserved, untouched */
	assert_ptr_equal(tu_obj(ictx, 1), XA_ZERO_ENTRY);
	assert_int_equal(tu_users(obj), 1);
	assert_int_equal(tu_wait_cnt(obj), 1);

	/* The reservation holds the id: the next object gets 2 */
	idev = tu_bind_ok(ictx, tu_dev("d0"), &id);
	assert_int_equal(id, 2);

	tu_enter();
	iommufd_object_abort(ictx, obj);
	tu_leave();
	tu_expect_no_findings();
	assert_null(tu_obj(ictx, 1));
	assert_int_equal(tu_census_tag("iommufd_device"), 1);

	tu_unbind(idev);
	tu_expect_no_findings();
	tu_assert_census(c0);
}

/* ------------------------------------------------------------ fact 9 */

/* IOMMU_DESTROY of a bound device: -EBUSY (users 2), nothing changes. */
static void fact09_destroy_bound_device_ebusy(void **state)
{
	struct iommufd_device *idev;
	struct iommufd_ctx *ictx;
	struct tu_snap before;
	u32 id;

	(void)state;
	tu_boot(W_ONE);
	ictx = tu_ctx(0);
	idev = tu_bind_ok(ictx, tu_dev("d0"), &id);

	tu_snap_take(&before);
	assert_int_equal(tu_destroy(ictx, id), -EBUSY);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_bound(ictx, idev, id);
	assert_false(idev->destroying);

	tu_unbind(idev);
	tu_expect_no_findings();
	assert_null(tu_obj(ictx, id));
}

/* ----------------------------------------------------------- fact 10 */

/* Unbind of an unattached device destroys it synchronously. */
static void fact10_unbind_unattached_destroys(void **state)
{
	struct iommufd_device *idev;
	struct iommufd_ctx *ictx;
	struct iommu_group *g0;
	struct tu_census c0;
	u32 id, id2;

	(void)state;
	tu_boot(W_ONE);
	ictx = tu_ctx(0);
	g0 = tu_group("g0");
	c0 = tu_census();

	idev = tu_bind_ok(ictx, tu_dev("d0"), &id);
	assert_int_equal(tu_fcount(ictx), 2);
	assert_int_equal(tu_census_tag("iommufd_device"), 1);

	tu_unbind(idev);
	tu_expect_no_findings();
	assert_null(tu_obj(ictx, id));			/* id freed */
	assert_true(sim_xa_empty(&ictx->objects));
	assert_group_unowned(g0);			/* owner released */
	assert_true(sim_xa_empty(&ictx->groups));	/* igroup put */
	assert_int_equal(refcount_read(&g0->ref), tu_group_ref0("g0"));
	assert_int_equal(tu_fcount(ictx), 1);		/* ctx put */
	assert_int_equal(tu_census_tag("iommufd_device"), 0);
	tu_assert_census(c0);

	/* The id is immediately reusable */
	idev = tu_bind_ok(ictx, tu_dev("d0"), &id2);
	assert_int_equal(id2, id);
	tu_unbind(idev);
	tu_expect_no_findings();
	tu_assert_census(c0);
}

/* ----------------------------------------------------------- fact 11 */

/*
 * Unbind while attached: users is 3, so remove fails -EBUSY inside, the
 * WARN in iommufd_object_destroy_user fires, and nothing is destroyed.
 */
static void fact11_unbind_attached_ebusy_warn(void **state)
{
	struct iommufd_device *idev;
	struct iommufd_ctx *ictx;
	struct iommu_group *g0;
	u32 id, pt;

	(void)state;
	tu_boot("group g0\n"
		"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
		"ctx c0 ioas\n");
	ictx = tu_ctx(0);
	g0 = tu_group("g0");
	idev = tu_bind_ok(ictx, tu_dev("d0"), &id);
	pt = world_get()->ioas_id[0];
	assert_int_equal(tu_attach_pt(idev, IOMMU_NO_PASID, &pt), 0);
	tu_expect_no_findings();
	assert_int_equal(tu_users(&idev->obj), 3);

	tu_unbind(idev);
	assert_int_equal(sim_nr_findings(), 1);
	tu_expect_finding(SIM_F_WARN, "iommufd_object_destroy_user",
			  "iommufd_object_remove");
	sim_clear_findings();
	/* Not destroyed; the caller's users reference was consumed */
	assert_ptr_equal(tu_obj(ictx, id), &idev->obj);
	assert_int_equal(tu_users(&idev->obj), 2);
	assert_int_equal(tu_wait_cnt(&idev->obj), 1);
	assert_ptr_equal(g0->owner, ictx);
	assert_int_equal(g0->owner_cnt, 1);
	assert_ptr_equal(g0->domain, tu_hwpt(ictx, pt)->domain);
	assert_int_equal(tu_fcount(ictx), 2);

	/* Detach drops the attach reference; then the xarray's is the last */
	tu_detach(idev, IOMMU_NO_PASID);
	tu_expect_no_findings();
	assert_int_equal(tu_users(&idev->obj), 1);
	assert_null(tu_obj(ictx, pt));		/* the auto hwpt went */
	assert_int_equal(tu_destroy(ictx, id), 0);
	tu_expect_no_findings();
	assert_null(tu_obj(ictx, id));
	assert_group_unowned(g0);
	assert_int_equal(tu_fcount(ictx), 1);
}

/* ----------------------------------------------------------- fact 12 */

/*
 * Unbind while another thread holds a get_object reference: pre_destroy
 * runs, then the wait. Single threaded, the wait times out at once: the
 * object stays, -EBUSY becomes the WARN in iommufd_object_destroy_user,
 * and the caller's users reference is dropped.
 */
static void fact12_unbind_waits_then_ebusy(void **state)
{
	struct iommufd_device *idev;
	struct iommufd_object *obj;
	struct iommufd_ctx *ictx;
	struct tu_census c0;
	u32 id;

	(void)state;
	tu_boot(W_ONE);
	ictx = tu_ctx(0);
	c0 = tu_census();
	idev = tu_bind_ok(ictx, tu_dev("d0"), &id);

	/* The other thread's ioctl reference */
	tu_enter();
	obj = iommufd_get_object(ictx, id, IOMMUFD_OBJ_DEVICE);
	tu_leave();
	assert_ptr_equal(obj, &idev->obj);
	assert_int_equal(tu_users(obj), 3);
	assert_int_equal(tu_wait_cnt(obj), 2);
	assert_false(idev->destroying);

	tu_unbind(idev);
	assert_int_equal(sim_nr_findings(), 1);
	tu_expect_finding(SIM_F_WARN, "iommufd_object_destroy_user",
			  "iommufd_object_remove");
	sim_clear_findings();
	assert_true(idev->destroying);		/* pre_destroy ran */
	assert_ptr_equal(tu_obj(ictx, id), &idev->obj);
	assert_int_equal(tu_users(obj), 2);	/* caller's ref dropped */
	assert_int_equal(tu_wait_cnt(obj), 2);	/* re-incremented */
	assert_group_owned(tu_group("g0"), ictx, 1);

	/* The holder puts its reference: only the xarray's is left */
	tu_enter();
	iommufd_put_object(ictx, obj);
	tu_leave();
	tu_expect_no_findings();
	assert_int_equal(tu_users(obj), 1);
	assert_int_equal(tu_wait_cnt(obj), 1);

	/* Deferred destruction: a plain remove now succeeds */
	assert_int_equal(tu_destroy(ictx, id), 0);
	tu_expect_no_findings();
	assert_group_unowned(tu_group("g0"));
	tu_assert_census(c0);
}

/* ----------------------------------------------------------- fact 13 */

/* The igroup goes exactly with the last idev of its group in the ctx. */
static void fact13_igroup_freed_with_last_idev(void **state)
{
	struct iommufd_device *idev0, *idev1;
	struct iommufd_group *igroup;
	struct iommufd_ctx *ictx;
	struct iommu_group *g0;
	u32 id0, id1;

	(void)state;
	tu_boot(W_TWO);
	ictx = tu_ctx(0);
	g0 = tu_group("g0");

	idev0 = tu_bind_ok(ictx, tu_dev("d0"), &id0);
	idev1 = tu_bind_ok(ictx, tu_dev("d1"), &id1);
	igroup = tu_igroup(ictx, g0);
	/* One count per idev, none for the groups xarray */
	assert_int_equal(kref_read(&igroup->ref), 2);

	tu_unbind(idev0);
	tu_expect_no_findings();
	assert_ptr_equal(tu_igroup(ictx, g0), igroup);
	assert_int_equal(kref_read(&igroup->ref), 1);
	assert_int_equal(tu_census_tag("iommufd_group"), 1);
	assert_int_equal(refcount_read(&g0->ref), tu_group_ref0("g0") + 1);

	tu_unbind(idev1);
	tu_expect_no_findings();
	assert_null(tu_igroup(ictx, g0));
	assert_true(sim_xa_empty(&ictx->groups));
	assert_int_equal(tu_census_tag("iommufd_group"), 0);
	assert_int_equal(refcount_read(&g0->ref), tu_group_ref0("g0"));
}

/* ----------------------------------------------------------- fact 14 */

/*
 * Concurrent first binds converging on one igroup need two threads; the
 * reachable part is the compare-and-swap loop meeting a dying igroup (kref
 * already 0, release not yet run) in ctx->groups: it must be replaced by a
 * new igroup, not reused. The race window is set up by hand.
 */
static void fact14_dying_igroup_replaced(void **state)
{
	struct iommufd_device *idev0, *idev1;
	struct iommufd_group *dying, *fresh;
	struct iommufd_ctx *ictx;
	struct iommu_group *g0;
	u32 id0, id1;

	(void)state;
	tu_boot(W_TWO);
	ictx = tu_ctx(0);
	g0 = tu_group("g0");

	idev0 = tu_bind_ok(ictx, tu_dev("d0"), &id0);
	dying = tu_igroup(ictx, g0);
	assert_ptr_equal(idev0->igroup, dying);
	refcount_set(&dying->ref.refcount, 0);	/* kref_put started */

	idev1 = tu_bind_ok(ictx, tu_dev("d1"), &id1);
	fresh = idev1->igroup;
	assert_ptr_not_equal(fresh, dying);
	assert_ptr_equal(tu_igroup(ictx, g0), fresh);
	assert_int_equal(kref_read(&fresh->ref), 1);
	assert_int_equal(kref_read(&dying->ref), 0);
	assert_ptr_equal(fresh->group, g0);
	assert_int_equal(ictx->groups.nr, 1);
	assert_int_equal(tu_census_tag("iommufd_group"), 2);
	/* Each igroup holds its own iommu_group reference */
	assert_int_equal(refcount_read(&g0->ref), tu_group_ref0("g0") + 2);

	/*
	 * Close the window: the dying igroup's release later fails its
	 * cmpxchg harmlessly and leaves the new igroup installed.
	 */
	refcount_set(&dying->ref.refcount, 1);
	tu_unbind(idev0);
	tu_expect_no_findings();
	assert_ptr_equal(tu_igroup(ictx, g0), fresh);
	assert_int_equal(kref_read(&fresh->ref), 1);
	assert_int_equal(refcount_read(&g0->ref), tu_group_ref0("g0") + 1);

	tu_unbind(idev1);
	tu_expect_no_findings();
	assert_true(sim_xa_empty(&ictx->groups));
	assert_int_equal(tu_census_tag("iommufd_group"), 0);
	assert_int_equal(refcount_read(&g0->ref), tu_group_ref0("g0"));
}

/* ----------------------------------------------------------- fact 15 */

/*
 * Close: a real idev holds the file, so the ctx outlives the fd until
 * unbind. A mock idev takes no file reference; close then destroys every
 * object leaf first, and WARNs when it cannot make progress or groups is
 * left non-empty.
 */
static void fact15_close_releases_ctx(void **state)
{
	static const char mock_world[] =
		"group g0\n"
		"device m0 group=g0 iommu=0 coherent mock driver=kernel\n"
		"ctx c0 ioas\n";
	struct iommufd_device *idev;
	struct iommufd_ctx *ictx;
	u32 id, hwpt_id, ioas_id;

	(void)state;
	/* A: non-mock idev pins the ctx */
	tu_boot(W_ONE);
	ictx = tu_ctx(0);
	assert_int_equal(tu_census_tag("iommufd_ctx"), 1);
	idev = tu_bind_ok(ictx, tu_dev("d0"), &id);
	assert_int_equal(tu_fcount(ictx), 2);
	tu_close(ictx);
	tu_expect_no_findings();
	assert_int_equal(tu_census_tag("iommufd_ctx"), 1);
	assert_int_equal(tu_fcount(ictx), 1);
	assert_ptr_equal(tu_obj(ictx, id), &idev->obj);
	/* Unbind puts the last file reference: release runs as task work */
	tu_unbind(idev);
	tu_expect_no_findings();
	assert_int_equal(tu_census_tag("iommufd_ctx"), 0);
	assert_int_equal(tu_census_tag("file"), 0);
	assert_group_unowned(tu_group("g0"));
	tu_assert_census((struct tu_census){ 0, 0 });

	/* B: mock idev, no file reference; close destroys leaf first */
	tu_boot(mock_world);
	ictx = tu_ctx(0);
	ioas_id = world_get()->ioas_id[0];
	idev = tu_bind_ok(ictx, tu_dev("m0"), &id);
	assert_int_equal(tu_fcount(ictx), 1);
	assert_int_equal(tu_hwpt_alloc(ictx, id, ioas_id, 0, &hwpt_id), 0);
	assert_true(hwpt_id > ioas_id);
	/* The hwpt (leaf) holds the IOAS (lower id, visited first) */
	assert_int_equal(tu_users(&tu_ioas(ictx, ioas_id)->obj), 2);
	tu_unbind(idev);
	tu_expect_no_findings();
	assert_int_equal(tu_fcount(ictx), 1);
	tu_close(ictx);
	tu_expect_no_findings();
	assert_int_equal(tu_census_tag("iommufd_ctx"), 0);
	tu_assert_census((struct tu_census){ 0, 0 });

	/* C: an idev nobody unbinds: no progress, groups left: WARN */
	tu_boot(mock_world);
	ictx = tu_ctx(0);
	idev = tu_bind_ok(ictx, tu_dev("m0"), &id);
	tu_close(ictx);
	tu_expect_finding(SIM_F_WARN, "iommufd_fops_release", "destroyed");
	tu_expect_finding(SIM_F_WARN, "iommufd_fops_release", "groups");
	assert_int_equal(sim_nr_findings(), 2);
	sim_clear_findings();
	/* The idev is leaked (the kernel breaks out and leaks the rest) */
	assert_int_equal(tu_census_tag("iommufd_device"), 1);
	assert_int_equal(tu_census_tag("iommufd_ctx"), 0);
}

/* ----------------------------------------------------------- fact 16 */

/*
 * iommufd_object_abort never runs destroy; abort_and_destroy runs the
 * abort op if the type has one, destroy otherwise (DEVICE), then abort;
 * abort WARNs and leaks when users is not 1.
 */
static void fact16_abort_and_abort_and_destroy(void **state)
{
	struct iommufd_hwpt_paging *hwpt_paging;
	struct iommufd_device *idev, *part;
	struct iommufd_group *igroup;
	struct iommufd_object *obj;
	struct iommufd_ioas *ioas;
	struct iommufd_ctx *ictx;
	struct iommu_group *g0;
	struct device *d0;
	struct tu_census c_bound;
	u32 id, pid;

	(void)state;
	tu_boot("group g0\n"
		"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
		"ctx c0 ioas\n");
	ictx = tu_ctx(0);
	g0 = tu_group("g0");
	d0 = tu_dev("d0");
	ioas = tu_ioas(ictx, world_get()->ioas_id[0]);
	idev = tu_bind_ok(ictx, d0, &id);
	igroup = idev->igroup;
	c_bound = tu_census();

	/* abort: a fully built but unfinalized idev is not destroyed */
	tu_enter();
	obj = _iommufd_object_alloc(ictx, sizeof(*part), IOMMUFD_OBJ_DEVICE);
	assert_false(IS_ERR(obj));
	pid = obj->id;
	part = container_of(obj, struct iommufd_device, obj);
	part->ictx = ictx;
	part->dev = d0;
	kref_get(&igroup->ref);
	part->igroup = igroup;
	iommufd_object_abort(ictx, obj);
	tu_leave();
	tu_expect_no_findings();
	assert_null(tu_obj(ictx, pid));
	assert_int_equal(kref_read(&igroup->ref), 2);	/* not put */
	assert_group_owned(g0, ictx, 1);		/* not released */
	assert_int_equal(tu_fcount(ictx), 2);		/* not put */
	iommufd_put_group(igroup);
	tu_assert_census(c_bound);

	/* abort_and_destroy of a DEVICE (no abort op): destroy, then abort */
	tu_enter();
	obj = _iommufd_object_alloc(ictx, sizeof(*part), IOMMUFD_OBJ_DEVICE);
	assert_false(IS_ERR(obj));
	pid = obj->id;
	part = container_of(obj, struct iommufd_device, obj);
	part->ictx = ictx;
	part->dev = d0;
	assert_int_equal(iommu_device_claim_dma_owner(d0, ictx), 0);
	kref_get(&igroup->ref);
	part->igroup = igroup;
	iommufd_ctx_get(ictx);
	assert_int_equal(g0->owner_cnt, 2);
	iommufd_object_abort_and_destroy(ictx, obj);
	tu_leave();
	tu_expect_no_findings();
	assert_null(tu_obj(ictx, pid));
	assert_int_equal(kref_read(&igroup->ref), 1);	/* put by destroy */
	assert_group_owned(g0, ictx, 1);	/* released by destroy */
	assert_int_equal(tu_fcount(ictx), 2);		/* put by destroy */
	tu_assert_census(c_bound);

	/*
	 * abort_and_destroy of a HWPT_PAGING uses its abort op, which runs
	 * under the caller's ioas->mutex; destroy would take it again.
	 */
	tu_enter();
	mutex_lock(&ioas->mutex);
	hwpt_paging = iommufd_hwpt_paging_alloc(ictx, ioas, idev,
						IOMMU_NO_PASID, 0, false);
	assert_false(IS_ERR(hwpt_paging));
	assert_int_equal(tu_users(&ioas->obj), 2);
	assert_int_equal(tu_list_count(&ioas->hwpt_list), 1);
	iommufd_object_abort_and_destroy(ictx, &hwpt_paging->common.obj);
	mutex_unlock(&ioas->mutex);
	tu_leave();
	tu_expect_no_findings();
	assert_int_equal(tu_list_count(&ioas->hwpt_list), 0);
	assert_int_equal(tu_users(&ioas->obj), 1);
	assert_int_equal(ioas->iopt.nr_domains, 0);
	tu_assert_census(c_bound);

	/* abort with users != 1: WARN, the id is freed, the memory leaks */
	tu_enter();
	obj = _iommufd_object_alloc(ictx, sizeof(*part), IOMMUFD_OBJ_DEVICE);
	assert_false(IS_ERR(obj));
	pid = obj->id;
	refcount_inc(&obj->users);
	iommufd_object_abort(ictx, obj);
	tu_leave();
	assert_int_equal(sim_nr_findings(), 1);
	tu_expect_finding(SIM_F_WARN, "iommufd_object_abort", "users");
	sim_clear_findings();
	assert_null(tu_obj(ictx, pid));
	assert_int_equal(tu_census_tag("iommufd_device"), 2);

	tu_unbind(idev);
	tu_expect_no_findings();
	assert_group_unowned(g0);
}

/*
 * Facts 17-21 share this start: the two-IOAS world booted, d0 and d1 of
 * group g0 bound in c0.
 */
static void boot_shared_group(struct iommufd_ctx **ictx,
			      struct iommu_group **g0,
			      struct iommufd_device **idev0, u32 *id0,
			      struct iommufd_device **idev1, u32 *id1)
{
	tu_boot(W_TWO_IOAS);
	*ictx = tu_ctx(0);
	*g0 = tu_group("g0");
	*idev0 = tu_bind_ok(*ictx, tu_dev("d0"), id0);
	*idev1 = tu_bind_ok(*ictx, tu_dev("d1"), id1);
}

/* A paging hwpt (no flags) on c0's IOAS, allocated for device @dev_id. */
static void alloc_on_ioas0(struct iommufd_ctx *ictx, u32 dev_id, u32 *hid)
{
	assert_int_equal(tu_hwpt_alloc(ictx, dev_id, world_get()->ioas_id[0],
				       0, hid), 0);
}

/* ----------------------------------------------------------- fact 17 */

/*
 * The first attach of a group on a pasid does the core attach; later
 * devices of the group only join the device_array and take one hwpt and
 * one idev users reference each.
 */
static void fact17_first_attach_does_core_attach(void **state)
{
	struct iommu_attach_handle *handle;
	struct iommufd_device *idev0, *idev1;
	struct iommufd_hw_pagetable *hwpt;
	struct iommufd_attach *attach;
	struct iommufd_ctx *ictx;
	struct iommu_group *g0;
	u32 id0, id1, hid, pt;

	(void)state;
	boot_shared_group(&ictx, &g0, &idev0, &id0, &idev1, &id1);
	alloc_on_ioas0(ictx, id0, &hid);
	hwpt = tu_hwpt(ictx, hid);
	assert_int_equal(tu_users(&hwpt->obj), 1);

	pt = hid;
	assert_int_equal(tu_attach_pt(idev0, IOMMU_NO_PASID, &pt), 0);
	tu_expect_no_findings();
	assert_int_equal(pt, hid);
	assert_int_equal(tu_sites_passed("iommufd_hwpt_attach_device:"
					 "iommu_attach_group_handle"), 1);
	assert_ptr_equal(g0->domain, hwpt->domain);
	handle = sim_xa_raw(&g0->pasid_array, IOMMU_NO_PASID);
	assert_non_null(handle);
	assert_ptr_equal(handle->domain, hwpt->domain);
	assert_int_equal(tu_census_tag("iommufd_attach_handle"), 1);
	attach = tu_attach(idev0->igroup, IOMMU_NO_PASID);
	assert_non_null(attach);
	assert_ptr_not_equal(attach, XA_ZERO_ENTRY);
	assert_ptr_equal(attach->hwpt, hwpt);
	assert_ptr_equal(sim_xa_raw(&attach->device_array, id0), idev0);
	assert_int_equal(tu_xa_count(&attach->device_array), 1);
	assert_int_equal(tu_users(&hwpt->obj), 2);
	assert_int_equal(tu_users(&idev0->obj), 3);

	/* The second device of the group: bookkeeping only, no core call */
	pt = hid;
	assert_int_equal(tu_attach_pt(idev1, IOMMU_NO_PASID, &pt), 0);
	tu_expect_no_findings();
	if (tu_sites_passed_what("iommu_attach_group_handle") ||
	    tu_sites_passed("iommufd_hwpt_attach_device:kzalloc")) {
		tu_dump_sites_passed();
		fail_msg("the second attach of a group called the core");
	}
	assert_ptr_equal(sim_xa_raw(&g0->pasid_array, IOMMU_NO_PASID), handle);
	assert_ptr_equal(g0->domain, hwpt->domain);
	assert_int_equal(tu_census_tag("iommufd_attach_handle"), 1);
	assert_ptr_equal(tu_attach(idev1->igroup, IOMMU_NO_PASID), attach);
	assert_ptr_equal(sim_xa_raw(&attach->device_array, id1), idev1);
	assert_int_equal(tu_xa_count(&attach->device_array), 2);
	assert_int_equal(tu_users(&hwpt->obj), 3);
	assert_int_equal(tu_users(&idev1->obj), 3);
	assert_int_equal(tu_users(&idev0->obj), 3);

	tu_detach(idev1, IOMMU_NO_PASID);
	tu_detach(idev0, IOMMU_NO_PASID);
	tu_unbind(idev1);
	tu_unbind(idev0);
	assert_int_equal(tu_destroy(ictx, hid), 0);
	tu_expect_no_findings();
	assert_group_unowned(g0);
}

/* ----------------------------------------------------------- fact 18 */

/* One hwpt per group and pasid (-EINVAL); attaching twice is -EBUSY. */
static void fact18_other_hwpt_einval_twice_ebusy(void **state)
{
	struct iommufd_hw_pagetable *a, *b;
	struct iommufd_device *idev0, *idev1;
	struct iommufd_attach *attach;
	struct iommufd_ctx *ictx;
	struct iommu_group *g0;
	struct tu_snap before;
	u32 id0, id1, aid, bid, pt;

	(void)state;
	boot_shared_group(&ictx, &g0, &idev0, &id0, &idev1, &id1);
	alloc_on_ioas0(ictx, id0, &aid);
	alloc_on_ioas0(ictx, id0, &bid);
	a = tu_hwpt(ictx, aid);
	b = tu_hwpt(ictx, bid);
	pt = aid;
	assert_int_equal(tu_attach_pt(idev0, IOMMU_NO_PASID, &pt), 0);
	attach = tu_attach(idev0->igroup, IOMMU_NO_PASID);

	/* The group follows hwpt A on NO_PASID: B is refused */
	tu_snap_take(&before);
	pt = bid;
	assert_int_equal(tu_attach_pt(idev1, IOMMU_NO_PASID, &pt), -EINVAL);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_int_equal(pt, bid);
	assert_null(sim_xa_raw(&attach->device_array, id1));
	assert_int_equal(tu_xa_count(&attach->device_array), 1);
	assert_ptr_equal(attach->hwpt, a);
	assert_int_equal(tu_users(&a->obj), 2);
	assert_int_equal(tu_users(&b->obj), 1);
	assert_int_equal(tu_users(&idev1->obj), 2);
	assert_ptr_equal(g0->domain, a->domain);

	/* The same device twice on the same pasid: -EBUSY, no WARN */
	pt = aid;
	assert_int_equal(tu_attach_pt(idev0, IOMMU_NO_PASID, &pt), -EBUSY);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_ptr_equal(sim_xa_raw(&attach->device_array, id0), idev0);
	assert_int_equal(tu_users(&a->obj), 2);
	assert_int_equal(tu_users(&idev0->obj), 3);

	tu_detach(idev0, IOMMU_NO_PASID);
	tu_unbind(idev1);
	tu_unbind(idev0);
	assert_int_equal(tu_destroy(ictx, aid), 0);
	assert_int_equal(tu_destroy(ictx, bid), 0);
	tu_expect_no_findings();
	assert_group_unowned(g0);
}

/* ----------------------------------------------------------- fact 19 */

/*
 * Attach to an IOAS tries the existing automatic hwpts: -EINVAL from one
 * means "try the next", any other error fails the whole attach (no new
 * hwpt is allocated).
 */
static void fact19_auto_domain_einval_tries_next(void **state)
{
	struct iommufd_device *idev0, *idev1, *idev2;
	struct iommufd_hw_pagetable *a, *b;
	struct iommufd_ioas *ioas;
	struct iommufd_ctx *ictx;
	struct tu_snap before;
	u32 id0, id1, id2, ioas_id, aid, bid, pt;

	(void)state;
	tu_boot("group g0 g1 g2\n"
		"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
		"device d1 group=g1 iommu=1 coherent msi driver=kernel\n"
		"device d2 group=g2 iommu=1 coherent msi driver=kernel\n"
		"ctx c0 ioas\n");
	ictx = tu_ctx(0);
	ioas_id = world_get()->ioas_id[0];
	ioas = tu_ioas(ictx, ioas_id);
	idev0 = tu_bind_ok(ictx, tu_dev("d0"), &id0);
	idev1 = tu_bind_ok(ictx, tu_dev("d1"), &id1);
	idev2 = tu_bind_ok(ictx, tu_dev("d2"), &id2);

	aid = ioas_id;
	assert_int_equal(tu_attach_pt(idev0, IOMMU_NO_PASID, &aid), 0);
	assert_int_not_equal(aid, ioas_id);
	a = tu_hwpt(ictx, aid);

	/* A (IOMMU instance 0) refuses d1 with -EINVAL: a new hwpt B */
	bid = ioas_id;
	assert_int_equal(tu_attach_pt(idev1, IOMMU_NO_PASID, &bid), 0);
	tu_expect_no_findings();
	assert_int_not_equal(bid, aid);
	b = tu_hwpt(ictx, bid);
	assert_int_equal(tu_list_count(&ioas->hwpt_list), 2);
	assert_ptr_equal(tu_group("g1")->domain, b->domain);
	assert_ptr_equal(tu_group("g0")->domain, a->domain);

	/* B fails d2 with -ENOMEM: the attach fails, nothing is allocated */
	tu_snap_take(&before);
	pt = ioas_id;
	tu_enter_fault_site("iommufd_hwpt_attach_device:"
			    "iommu_attach_group_handle", 1);
	TU_GUARDED(assert_int_equal(iommufd_device_attach(idev2,
							  IOMMU_NO_PASID,
							  &pt), -ENOMEM));
	assert_int_equal(sim_fault_nr_injected(), 1);
	tu_leave();
	tu_expect_no_findings();
	assert_int_equal(tu_sites_passed("_iommufd_object_alloc:kzalloc"), 0);
	tu_assert_unchanged(&before);
	assert_int_equal(tu_list_count(&ioas->hwpt_list), 2);
	assert_int_equal(tu_census_tag("iommufd_hwpt_paging"), 2);
	assert_int_equal(tu_users(&b->obj), 2);
	assert_int_equal(tu_users(&idev2->obj), 2);
	assert_true(sim_xa_empty(&idev2->igroup->pasid_attach));

	/* Without the fault d2 skips A and joins B */
	pt = ioas_id;
	assert_int_equal(tu_attach_pt(idev2, IOMMU_NO_PASID, &pt), 0);
	tu_expect_no_findings();
	assert_int_equal(pt, bid);
	assert_int_equal(tu_users(&b->obj), 3);
	assert_int_equal(tu_list_count(&ioas->hwpt_list), 2);

	tu_detach(idev2, IOMMU_NO_PASID);
	tu_detach(idev1, IOMMU_NO_PASID);
	tu_detach(idev0, IOMMU_NO_PASID);
	tu_expect_no_findings();
	/* Automatic hwpts go with their last device */
	assert_int_equal(tu_list_count(&ioas->hwpt_list), 0);
	tu_unbind(idev2);
	tu_unbind(idev1);
	tu_unbind(idev0);
	tu_expect_no_findings();
}

/* ----------------------------------------------------------- fact 20 */

/*
 * Detach when not attached changes nothing. Detaching the last device of
 * the group on the pasid does the core detach and frees the attach record.
 */
static void fact20_detach_noop_and_last_detach(void **state)
{
	struct iommufd_device *idev0, *idev1;
	struct iommufd_hw_pagetable *hwpt;
	struct iommu_attach_handle *handle;
	struct iommufd_attach *attach;
	struct iommufd_ctx *ictx;
	struct iommu_group *g0;
	struct tu_snap before;
	u32 id0, id1, hid, pt;

	(void)state;
	boot_shared_group(&ictx, &g0, &idev0, &id0, &idev1, &id1);
	alloc_on_ioas0(ictx, id0, &hid);
	hwpt = tu_hwpt(ictx, hid);

	/* Not attached: a silent no-op */
	tu_snap_take(&before);
	tu_detach(idev0, IOMMU_NO_PASID);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_int_equal(tu_users(&idev0->obj), 2);
	assert_int_equal(tu_users(&hwpt->obj), 1);
	assert_true(sim_xa_empty(&idev0->igroup->pasid_attach));

	pt = hid;
	assert_int_equal(tu_attach_pt(idev0, IOMMU_NO_PASID, &pt), 0);
	pt = hid;
	assert_int_equal(tu_attach_pt(idev1, IOMMU_NO_PASID, &pt), 0);
	attach = tu_attach(idev0->igroup, IOMMU_NO_PASID);
	handle = sim_xa_raw(&g0->pasid_array, IOMMU_NO_PASID);
	assert_int_equal(tu_users(&hwpt->obj), 3);

	/* Not the last device: no core detach, the record stays */
	tu_detach(idev1, IOMMU_NO_PASID);
	tu_expect_no_findings();
	assert_ptr_equal(tu_attach(idev0->igroup, IOMMU_NO_PASID), attach);
	assert_null(sim_xa_raw(&attach->device_array, id1));
	assert_int_equal(tu_xa_count(&attach->device_array), 1);
	assert_ptr_equal(g0->domain, hwpt->domain);
	assert_ptr_equal(sim_xa_raw(&g0->pasid_array, IOMMU_NO_PASID), handle);
	assert_int_equal(tu_users(&hwpt->obj), 2);
	assert_int_equal(tu_users(&idev1->obj), 2);

	/* The last device: core detach, record and handle freed */
	tu_detach(idev0, IOMMU_NO_PASID);
	tu_expect_no_findings();
	assert_null(tu_attach(idev0->igroup, IOMMU_NO_PASID));
	assert_true(sim_xa_empty(&idev0->igroup->pasid_attach));
	/* Back on the blocking domain */
	assert_group_owned(g0, ictx, 2);
	assert_int_equal(tu_census_tag("iommufd_attach"), 0);
	assert_int_equal(tu_census_tag("iommufd_attach_handle"), 0);
	assert_int_equal(tu_users(&hwpt->obj), 1);
	assert_int_equal(tu_users(&idev0->obj), 2);

	/* And detaching again is the no-op once more */
	tu_snap_take(&before);
	tu_detach(idev0, IOMMU_NO_PASID);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);

	tu_unbind(idev1);
	tu_unbind(idev0);
	assert_int_equal(tu_destroy(ictx, hid), 0);
	tu_expect_no_findings();
}

/* ----------------------------------------------------------- fact 21 */

/*
 * Replace: to the current hwpt is a successful no-op, when not attached
 * -EINVAL, otherwise it moves the group's N device references.
 */
static void fact21_replace(void **state)
{
	struct iommufd_device *idev0, *idev1;
	struct iommu_attach_handle *handle;
	struct iommufd_hw_pagetable *a, *b;
	struct iommufd_attach *attach;
	struct iommufd_ctx *ictx;
	struct iommu_group *g0;
	struct tu_snap before;
	u32 id0, id1, aid, bid, pt;

	(void)state;
	boot_shared_group(&ictx, &g0, &idev0, &id0, &idev1, &id1);
	alloc_on_ioas0(ictx, id0, &aid);
	alloc_on_ioas0(ictx, id0, &bid);
	a = tu_hwpt(ictx, aid);
	b = tu_hwpt(ictx, bid);

	/* Not attached: -EINVAL */
	tu_snap_take(&before);
	pt = aid;
	assert_int_equal(tu_replace_pt(idev0, IOMMU_NO_PASID, &pt), -EINVAL);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_int_equal(tu_users(&a->obj), 1);

	pt = aid;
	assert_int_equal(tu_attach_pt(idev0, IOMMU_NO_PASID, &pt), 0);
	pt = aid;
	assert_int_equal(tu_attach_pt(idev1, IOMMU_NO_PASID, &pt), 0);
	attach = tu_attach(idev0->igroup, IOMMU_NO_PASID);
	handle = sim_xa_raw(&g0->pasid_array, IOMMU_NO_PASID);
	assert_int_equal(tu_users(&a->obj), 3);

	/* To the current hwpt: success, no change, no core call */
	tu_snap_take(&before);
	pt = aid;
	assert_int_equal(tu_replace_pt(idev0, IOMMU_NO_PASID, &pt), 0);
	tu_expect_no_findings();
	assert_int_equal(tu_sites_passed_what("iommu_replace_group_handle"),
			 0);
	tu_assert_unchanged(&before);
	assert_ptr_equal(sim_xa_raw(&g0->pasid_array, IOMMU_NO_PASID), handle);
	assert_ptr_equal(attach->hwpt, a);
	assert_int_equal(tu_users(&a->obj), 3);
	assert_int_equal(tu_users(&b->obj), 1);

	/* To B: both device references move from A to B */
	pt = bid;
	assert_int_equal(tu_replace_pt(idev0, IOMMU_NO_PASID, &pt), 0);
	tu_expect_no_findings();
	assert_ptr_equal(tu_attach(idev0->igroup, IOMMU_NO_PASID), attach);
	assert_ptr_equal(attach->hwpt, b);
	assert_int_equal(tu_xa_count(&attach->device_array), 2);
	assert_int_equal(tu_users(&b->obj), 3);
	assert_int_equal(tu_users(&a->obj), 1);
	assert_ptr_equal(g0->domain, b->domain);
	assert_int_equal(tu_census_tag("iommufd_attach_handle"), 1);
	/* Replace takes no idev reference */
	assert_int_equal(tu_users(&idev0->obj), 3);
	assert_int_equal(tu_users(&idev1->obj), 3);

	tu_detach(idev0, IOMMU_NO_PASID);
	tu_detach(idev1, IOMMU_NO_PASID);
	tu_expect_no_findings();
	assert_int_equal(tu_users(&b->obj), 1);
	tu_unbind(idev1);
	tu_unbind(idev0);
	assert_int_equal(tu_destroy(ictx, aid), 0);
	assert_int_equal(tu_destroy(ictx, bid), 0);
	tu_expect_no_findings();
	assert_group_unowned(g0);
}

/* ----------------------------------------------------------- fact 22 */

/*
 * PASID compatibility: a non-compat hwpt cannot take NO_PASID while a
 * PASID is attached; a PASID attach needs a compat hwpt and a compat (or
 * no) NO_PASID hwpt. An auto domain is never compat, so a PASID attach
 * straight to an IOAS is -EINVAL on any device.
 */
static void fact22_pasid_compat(void **state)
{
	struct iommufd_device *idev, *nodev;
	struct iommufd_group *igroup;
	struct iommufd_ctx *ictx;
	struct iommu_group *g0;
	struct tu_snap before;
	u32 id, pid, nid, nid2, pt;

	(void)state;
	tu_boot("group g0 g1\n"
		"device d0 group=g0 iommu=0 coherent msi pasids=4 "
		"driver=kernel\n"
		"device d1 group=g1 iommu=0 coherent msi driver=kernel\n"
		"ctx c0 ioas\n");
	ictx = tu_ctx(0);
	g0 = tu_group("g0");
	idev = tu_bind_ok(ictx, tu_dev("d0"), &id);
	igroup = idev->igroup;
	assert_int_equal(tu_hwpt_alloc(ictx, id, world_get()->ioas_id[0],
				       IOMMU_HWPT_ALLOC_PASID, &pid), 0);
	assert_int_equal(tu_hwpt_alloc(ictx, id, world_get()->ioas_id[0], 0,
				       &nid), 0);
	assert_true(tu_hwpt(ictx, pid)->pasid_compat);
	assert_false(tu_hwpt(ictx, nid)->pasid_compat);

	pt = pid;
	assert_int_equal(tu_attach_pt(idev, 1, &pt), 0);
	tu_expect_no_findings();
	assert_non_null(sim_xa_raw(&g0->pasid_array, 1));

	/* NO_PASID with a non-compat hwpt while pasid 1 is attached */
	tu_snap_take(&before);
	pt = nid;
	assert_int_equal(tu_attach_pt(idev, IOMMU_NO_PASID, &pt), -EINVAL);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_null(tu_attach(igroup, IOMMU_NO_PASID));
	assert_int_equal(tu_users(&tu_hwpt(ictx, nid)->obj), 1);

	/* NO_PASID with the compat hwpt is fine */
	pt = pid;
	assert_int_equal(tu_attach_pt(idev, IOMMU_NO_PASID, &pt), 0);
	tu_expect_no_findings();
	tu_detach(idev, IOMMU_NO_PASID);
	tu_detach(idev, 1);
	tu_expect_no_findings();
	assert_true(sim_xa_empty(&igroup->pasid_attach));

	/* A non-compat NO_PASID hwpt blocks any PASID attach */
	pt = nid;
	assert_int_equal(tu_attach_pt(idev, IOMMU_NO_PASID, &pt), 0);
	tu_snap_take(&before);
	pt = pid;
	assert_int_equal(tu_attach_pt(idev, 1, &pt), -EINVAL);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_null(tu_attach(igroup, 1));
	assert_null(sim_xa_raw(&g0->pasid_array, 1));
	/* And a non-compat hwpt can never take a PASID */
	pt = nid;
	assert_int_equal(tu_attach_pt(idev, 1, &pt), -EINVAL);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_null(tu_attach(igroup, 1));

	/*
	 * An auto domain is allocated with flags 0, so it is never
	 * PASID-compatible: the new auto hwpt (id 5) is aborted
	 */
	tu_detach(idev, IOMMU_NO_PASID);
	pt = world_get()->ioas_id[0];
	assert_int_equal(tu_attach_pt(idev, 1, &pt), -EINVAL);
	tu_expect_no_findings();
	assert_null(tu_attach(igroup, 1));
	assert_int_equal(tu_destroy(ictx, 5), -ENOENT);

	/*
	 * So a device without PASID support gets -EINVAL too, from
	 * iommufd_hwpt_pasid_compat(), before the iommu core is asked
	 */
	nodev = tu_bind_ok(ictx, tu_dev("d1"), &nid2);
	pt = world_get()->ioas_id[0];
	assert_int_equal(tu_attach_pt(nodev, 1, &pt), -EINVAL);
	tu_expect_no_findings();
	assert_false(tu_sites_passed_what("iommu_attach_device_pasid"));
	assert_null(tu_attach(nodev->igroup, 1));
	tu_unbind(nodev);
	tu_unbind(idev);
	assert_int_equal(tu_destroy(ictx, pid), 0);
	assert_int_equal(tu_destroy(ictx, nid), 0);
	tu_expect_no_findings();
	assert_group_unowned(g0);
}

/* ----------------------------------------------------------- fact 23 */

/*
 * Reserved regions are enforced per device in the IOAS for a NO_PASID
 * attach to a paging hwpt; a failure undoes everything, including this
 * device's reserved entries.
 */
static void fact23_reserved_iova_enforced_and_undone(void **state)
{
	struct iommufd_device *idev;
	struct iopt_reserved *resv;
	struct iommufd_ioas *ioas;
	struct iommufd_ctx *c0, *c1;
	struct iommu_group *g0;
	struct device *d0;
	struct tu_snap before;
	u32 id, hid, pid, pt;
	unsigned int n;

	(void)state;
	tu_boot("group g0\n"
		"device d0 group=g0 iommu=0 coherent msi pasids=2 "
		"driver=kernel resv=direct:0x100000+0x1000 "
		"resv=sw_msi:0x8000000+0x100000\n"
		"ctx c0 ioas map=0x8000000+0x1000\n"
		"ctx c1 ioas\n");
	c0 = tu_ctx(0);
	c1 = tu_ctx(1);
	g0 = tu_group("g0");
	d0 = tu_dev("d0");

	/* c1: nothing mapped there, both regions get reserved for d0 */
	idev = tu_bind_ok(c1, d0, &id);
	ioas = tu_ioas(c1, world_get()->ioas_id[1]);
	pt = world_get()->ioas_id[1];
	assert_int_equal(tu_attach_pt(idev, IOMMU_NO_PASID, &pt), 0);
	tu_expect_no_findings();
	assert_int_equal(tu_list_count(&ioas->iopt.reserved), 2);
	n = 0;
	list_for_each_entry(resv, &ioas->iopt.reserved, node) {
		assert_ptr_equal(resv->owner, d0);
		n += resv->start == 0x100000 && resv->last == 0x100fff;
		n += resv->start == 0x8000000 && resv->last == 0x80fffff;
	}
	assert_int_equal(n, 2);
	assert_int_equal(idev->igroup->sw_msi_start, 0x8000000);
	tu_detach(idev, IOMMU_NO_PASID);
	tu_expect_no_findings();
	assert_true(list_empty(&ioas->iopt.reserved));
	tu_unbind(idev);
	tu_expect_no_findings();

	/* c0: the MSI window overlaps a mapping: -EADDRINUSE, all undone */
	idev = tu_bind_ok(c0, d0, &id);
	ioas = tu_ioas(c0, world_get()->ioas_id[0]);
	assert_int_equal(tu_hwpt_alloc(c0, id, world_get()->ioas_id[0], 0,
				       &hid), 0);
	tu_snap_take(&before);
	pt = hid;
	assert_int_equal(tu_attach_pt(idev, IOMMU_NO_PASID, &pt),
			 -EADDRINUSE);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_true(list_empty(&ioas->iopt.reserved));
	assert_null(tu_attach(idev->igroup, IOMMU_NO_PASID));
	assert_int_equal(tu_users(&tu_hwpt(c0, hid)->obj), 1);
	assert_int_equal(tu_users(&idev->obj), 2);
	assert_group_owned(g0, c0, 1);

	/* The same through an automatic hwpt: it is not kept either */
	pt = world_get()->ioas_id[0];
	assert_int_equal(tu_attach_pt(idev, IOMMU_NO_PASID, &pt),
			 -EADDRINUSE);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_int_equal(tu_list_count(&ioas->hwpt_list), 1);
	assert_true(list_empty(&ioas->iopt.reserved));

	/* A PASID attach enforces no reserved region */
	assert_int_equal(tu_hwpt_alloc(c0, id, world_get()->ioas_id[0],
				       IOMMU_HWPT_ALLOC_PASID, &pid), 0);
	pt = pid;
	assert_int_equal(tu_attach_pt(idev, 1, &pt), 0);
	tu_expect_no_findings();
	assert_true(list_empty(&ioas->iopt.reserved));
	tu_detach(idev, 1);
	tu_unbind(idev);
	assert_int_equal(tu_destroy(c0, hid), 0);
	assert_int_equal(tu_destroy(c0, pid), 0);
	tu_expect_no_findings();
	assert_group_unowned(g0);
}

/* ----------------------------------------------------------- fact 24 */

/*
 * [nio] CONFIG_IOMMUFD_NOIOMMU and no dev->iommu: bind succeeds with no
 * capability, MSI or ownership check, with a private igroup (group NULL)
 * absent from ctx->groups; two such devices never share one.
 */
static void fact24_noiommu_bind_private_igroup(void **state)
{
	struct iommufd_device *a, *b, *c;
	struct iommufd_ctx *ictx;
	struct tu_census c0;
	u32 ida, idb, idc;

	(void)state;
	tu_boot("device n0 group=none iommu=none driver=kernel\n"
		"device n1 group=none iommu=none driver=kernel\n"
		"ctx c0\n"
		"boot CONFIG_IOMMUFD_NOIOMMU=1 CONFIG_VFIO_NOIOMMU=1\n");
	ictx = tu_ctx(0);
	c0 = tu_census();

	a = tu_bind_ok(ictx, tu_dev("n0"), &ida);
	if (tu_sites_passed_what("iommu_device_claim_dma_owner") ||
	    tu_sites_passed_what("xa_cmpxchg")) {
		tu_dump_sites_passed();
		fail_msg("noiommu bind claimed DMA ownership or used groups");
	}
	assert_bound(ictx, a, ida);
	assert_non_null(a->igroup);
	assert_null(a->igroup->group);
	assert_ptr_equal(a->igroup->ictx, ictx);
	assert_int_equal(kref_read(&a->igroup->ref), 1);
	assert_false(a->enforce_cache_coherency);
	assert_true(sim_xa_empty(&ictx->groups));
	assert_int_equal(tu_fcount(ictx), 2);
	assert_null(tu_dev("n0")->iommu_group);

	b = tu_bind_ok(ictx, tu_dev("n1"), &idb);
	c = tu_bind_ok(ictx, tu_dev("n0"), &idc);
	assert_ptr_not_equal(b->igroup, a->igroup);
	assert_ptr_not_equal(c->igroup, a->igroup);
	assert_ptr_not_equal(c->igroup, b->igroup);
	assert_int_equal(kref_read(&a->igroup->ref), 1);
	assert_int_equal(kref_read(&b->igroup->ref), 1);
	assert_int_equal(kref_read(&c->igroup->ref), 1);
	assert_true(sim_xa_empty(&ictx->groups));
	assert_int_equal(tu_census_tag("iommufd_group"), 3);

	tu_unbind(a);
	tu_unbind(b);
	tu_unbind(c);
	tu_expect_no_findings();
	assert_int_equal(tu_fcount(ictx), 1);
	tu_assert_census(c0);
}

/* ----------------------------------------------------------- fact 25 */

/*
 * [nio] A noiommu device's attach, replace and detach keep the xarray and
 * refcount bookkeeping but make no core call, allocate no handle and
 * enforce no reserved IOVA; the pasid-compat check still applies.
 */
static void fact25_noiommu_attach_bookkeeping_only(void **state)
{
	struct iommufd_hw_pagetable *a, *b;
	struct iommufd_attach *attach;
	struct iommufd_device *idev;
	struct iommufd_ioas *ioas;
	struct iommufd_ctx *ictx;
	struct tu_census c0;
	struct tu_snap before;
	u32 id, aid, bid, pt, ioas_id;

	(void)state;
	tu_boot("device n0 group=none iommu=none driver=kernel "
		"resv=direct:0x1000+0x1000\n"
		"ctx c0 ioas map=0x1000+0x1000\n"
		"boot CONFIG_IOMMUFD_NOIOMMU=1 CONFIG_VFIO_NOIOMMU=1\n");
	ictx = tu_ctx(0);
	ioas_id = world_get()->ioas_id[0];
	ioas = tu_ioas(ictx, ioas_id);
	c0 = tu_census();
	idev = tu_bind_ok(ictx, tu_dev("n0"), &id);
	assert_int_equal(tu_hwpt_alloc(ictx, id, ioas_id, 0, &aid), 0);
	assert_int_equal(tu_hwpt_alloc(ictx, id, ioas_id, 0, &bid), 0);
	a = tu_hwpt(ictx, aid);
	b = tu_hwpt(ictx, bid);

	/* The noiommu domain ops refuse every flag, after the object alloc */
	assert_int_equal(tu_hwpt_alloc(ictx, id, ioas_id,
				       IOMMU_HWPT_ALLOC_PASID, &pt),
			 -EOPNOTSUPP);
	tu_expect_no_findings();
	assert_true(tu_sites_passed("_iommufd_object_alloc:kzalloc"));
	assert_int_equal(tu_destroy(ictx, bid + 1), -ENOENT);
	assert_int_equal(tu_list_count(&ioas->hwpt_list), 2);

	/* Attach: bookkeeping, no handle, no reserved IOVA (would overlap) */
	pt = aid;
	assert_int_equal(tu_attach_pt(idev, IOMMU_NO_PASID, &pt), 0);
	tu_expect_no_findings();
	if (tu_sites_passed_what("iommu_attach_group_handle") ||
	    tu_sites_passed("iommufd_hwpt_attach_device:kzalloc")) {
		tu_dump_sites_passed();
		fail_msg("noiommu attach called the iommu core");
	}
	assert_int_equal(tu_census_tag("iommufd_attach_handle"), 0);
	assert_true(list_empty(&ioas->iopt.reserved));
	attach = tu_attach(idev->igroup, IOMMU_NO_PASID);
	assert_non_null(attach);
	assert_ptr_not_equal(attach, XA_ZERO_ENTRY);
	assert_ptr_equal(attach->hwpt, a);
	assert_ptr_equal(sim_xa_raw(&attach->device_array, id), idev);
	assert_int_equal(tu_users(&a->obj), 2);
	assert_int_equal(tu_users(&idev->obj), 3);

	/* Replace: the reference moves, still no core call or handle */
	pt = bid;
	assert_int_equal(tu_replace_pt(idev, IOMMU_NO_PASID, &pt), 0);
	tu_expect_no_findings();
	if (tu_sites_passed_what("iommu_replace_group_handle") ||
	    tu_sites_passed("iommufd_hwpt_replace_device:kzalloc")) {
		tu_dump_sites_passed();
		fail_msg("noiommu replace called the iommu core");
	}
	assert_ptr_equal(attach->hwpt, b);
	assert_int_equal(tu_users(&b->obj), 2);
	assert_int_equal(tu_users(&a->obj), 1);
	assert_int_equal(tu_users(&idev->obj), 3);
	assert_int_equal(tu_census_tag("iommufd_attach_handle"), 0);
	assert_true(list_empty(&ioas->iopt.reserved));

	/* The pasid-compat check still applies: B is not PASID capable */
	tu_snap_take(&before);
	pt = bid;
	assert_int_equal(tu_attach_pt(idev, 1, &pt), -EINVAL);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_null(tu_attach(idev->igroup, 1));

	/* Detach: bookkeeping undone, no core call (no group to oops on) */
	tu_detach(idev, IOMMU_NO_PASID);
	tu_expect_no_findings();
	assert_true(sim_xa_empty(&idev->igroup->pasid_attach));
	assert_int_equal(tu_users(&b->obj), 1);
	assert_int_equal(tu_users(&idev->obj), 2);

	/* An automatic hwpt works the same way and goes with the detach */
	pt = ioas_id;
	assert_int_equal(tu_attach_pt(idev, IOMMU_NO_PASID, &pt), 0);
	tu_expect_no_findings();
	assert_true(list_empty(&ioas->iopt.reserved));
	assert_int_equal(tu_list_count(&ioas->hwpt_list), 3);
	tu_detach(idev, IOMMU_NO_PASID);
	tu_expect_no_findings();
	assert_int_equal(tu_list_count(&ioas->hwpt_list), 2);

	tu_unbind(idev);
	assert_int_equal(tu_destroy(ictx, aid), 0);
	assert_int_equal(tu_destroy(ictx, bid), 0);
	tu_expect_no_findings();
	/* The objects xarray grew to five entries: compare the count */
	tu_assert_census_count(c0);
	assert_int_equal(tu_census_tag("iommufd_hwpt_paging"), 0);
	assert_int_equal(tu_census_tag("iommufd_group"), 0);
	assert_int_equal(tu_census_tag("iommufd_attach"), 0);
	assert_int_equal(ioas->iopt.nr_domains, 0);
}

/* ----------------------------------------------------------- fact 26 */

/*
 * [nio] A bind failing after the object allocation frees the id (the next
 * object reuses it) and leaves no ctx or group reference; destroy of the
 * partial idev is a no-op. Unbind of a noiommu idev never releases DMA
 * ownership (n1 sits in g0, owned through d0, with no IOMMU of its own).
 */
static void fact26_noiommu_failed_bind_and_unbind(void **state)
{
	struct iommufd_device *idev, *owner;
	struct iommufd_ctx *ictx;
	struct iommu_group *g0;
	struct tu_snap before;
	struct tu_census c0;
	u32 id = 0xdead, oid;

	(void)state;
	tu_boot("group g0 g1\n"
		"device n0 group=none iommu=none driver=kernel\n"
		"device n1 group=g0 iommu=none msi driver=kernel\n"
		"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
		"device d1 group=g1 iommu=0 coherent driver=kernel\n"
		"ctx c0\n"
		"boot CONFIG_IOMMUFD_NOIOMMU=1 CONFIG_VFIO_NOIOMMU=1\n");
	ictx = tu_ctx(0);
	g0 = tu_group("g0");
	c0 = tu_census();

	/* The noiommu helper fails (its igroup allocation) */
	tu_snap_take(&before);
	tu_enter_fault_site("iommufd_alloc_group:kzalloc", 1);
	TU_GUARDED(idev = iommufd_device_bind(ictx, tu_dev("n0"), &id));
	assert_int_equal(sim_fault_nr_injected(), 1);
	tu_leave();
	assert_int_equal(PTR_ERR(idev), -ENOMEM);
	assert_int_equal(id, 0xdead);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_int_equal(tu_fcount(ictx), 1);

	/* The iommu helper fails after the allocation (unsafe MSI) */
	idev = tu_bind(ictx, tu_dev("d1"), &id);
	assert_int_equal(PTR_ERR(idev), -EPERM);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);

	/* The id was released both times: the next object gets 1 */
	idev = tu_bind_ok(ictx, tu_dev("n0"), &id);
	assert_int_equal(id, 1);
	tu_unbind(idev);
	tu_expect_no_findings();	/* no owner release: no oops */
	tu_assert_census(c0);

	/* A noiommu device inside an owned group leaves the owner alone */
	owner = tu_bind_ok(ictx, tu_dev("d0"), &oid);
	assert_group_owned(g0, ictx, 1);
	idev = tu_bind_ok(ictx, tu_dev("n1"), &id);
	assert_group_owned(g0, ictx, 1);
	assert_null(idev->igroup->group);
	assert_ptr_not_equal(idev->igroup, owner->igroup);
	tu_unbind(idev);
	tu_expect_no_findings();
	assert_group_owned(g0, ictx, 1);
	tu_unbind(owner);
	tu_expect_no_findings();
	assert_group_unowned(g0);
	tu_assert_census(c0);
}

/* ----------------------------------------------------------- fact 27 */

/*
 * [nio] The release of a noiommu igroup (group NULL) touches neither
 * ctx->groups nor any iommu_group reference.
 */
static void fact27_noiommu_igroup_release_skips_group(void **state)
{
	struct iommufd_device *idev, *nio;
	struct iommufd_group *igroup;
	struct iommufd_ctx *ictx;
	struct iommu_group *g0;
	u32 id, nid;

	(void)state;
	tu_boot("group g0\n"
		"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
		"device n0 group=none iommu=none driver=kernel\n"
		"ctx c0\n"
		"boot CONFIG_IOMMUFD_NOIOMMU=1 CONFIG_VFIO_NOIOMMU=1\n");
	ictx = tu_ctx(0);
	g0 = tu_group("g0");

	idev = tu_bind_ok(ictx, tu_dev("d0"), &id);
	igroup = tu_igroup(ictx, g0);
	nio = tu_bind_ok(ictx, tu_dev("n0"), &nid);
	assert_null(nio->igroup->group);
	assert_int_equal(ictx->groups.nr, 1);
	assert_int_equal(tu_census_tag("iommufd_group"), 2);

	/* The last (only) reference of the private igroup goes */
	tu_unbind(nio);
	tu_expect_no_findings();	/* no iommu_group_id(NULL) oops */
	assert_int_equal(tu_census_tag("iommufd_group"), 1);
	assert_int_equal(ictx->groups.nr, 1);
	assert_ptr_equal(tu_igroup(ictx, g0), igroup);
	assert_int_equal(kref_read(&igroup->ref), 1);
	assert_int_equal(refcount_read(&g0->ref), tu_group_ref0("g0") + 1);
	assert_group_owned(g0, ictx, 1);

	tu_unbind(idev);
	tu_expect_no_findings();
	assert_true(sim_xa_empty(&ictx->groups));
	assert_int_equal(refcount_read(&g0->ref), tu_group_ref0("g0"));
}

/* ----------------------------------------------------------- fact 29 */

/*
 * Legacy VFIO: a device without an iommu_group registers (as noiommu, with
 * a fake group, a taint and a warning) only with CONFIG_VFIO_NOIOMMU and
 * enable_unsafe_noiommu_mode=1 at registration time; otherwise -EINVAL.
 * Using it needs CAP_SYS_RAWIO, otherwise -EPERM. A device with a group
 * registers only if its IOMMU is cache coherent (-EINVAL otherwise).
 */
static void fact29_vfio_noiommu_registration(void **state)
{
	struct sim_settings *set;
	struct vfio_device *vd, *vn;
	struct iommufd_ctx *ictx;
	struct device *n0;
	struct tu_census c0;
	u32 devid = 0xdead;

	(void)state;
	tu_boot("group g0 g1\n"
		"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
		"device i0 group=g1 iommu=0 msi driver=kernel\n"
		"device n0 group=none iommu=none driver=kernel\n"
		"ctx c0\n"
		"boot CONFIG_VFIO_NOIOMMU=1 enable_unsafe_noiommu_mode=0 "
		"CONFIG_IOMMUFD_NOIOMMU=1 cap_sys_rawio=0\n");
	set = &sim_kernel()->settings;
	ictx = tu_ctx(0);
	vd = tu_vdev("d0");
	vn = tu_vdev("n0");
	n0 = tu_dev("n0");
	assert_false(vd->registered);
	assert_false(vn->registered);
	c0 = tu_census();

	/* A device with an iommu_group registers whatever the settings */
	tu_enter();
	assert_int_equal(vfio_register_group_dev(vd), 0);
	tu_leave();
	assert_true(vd->registered);
	assert_false(vd->noiommu);
	assert_int_equal(sim_kernel()->taint, 0);

	/* Unless its IOMMU lacks cache coherency (VFIO maps IOMMU_CACHE) */
	tu_enter();
	assert_int_equal(vfio_register_group_dev(tu_vdev("i0")), -EINVAL);
	tu_leave();
	tu_expect_no_findings();
	assert_false(tu_vdev("i0")->registered);

	/* Config on, parameter off: -EINVAL */
	tu_enter();
	assert_int_equal(vfio_register_group_dev(vn), -EINVAL);
	tu_leave();
	tu_expect_no_findings();
	assert_false(vn->registered);
	assert_null(n0->iommu_group);
	assert_int_equal(sim_kernel()->taint, 0);
	tu_assert_census(c0);

	/* Parameter on, config off (it takes IOMMUFD_NOIOMMU along): -EINVAL */
	set->CONFIG_VFIO_NOIOMMU = false;
	set->CONFIG_IOMMUFD_NOIOMMU = false;
	set->enable_unsafe_noiommu_mode = true;
	tu_enter();
	assert_int_equal(vfio_register_group_dev(vn), -EINVAL);
	tu_leave();
	tu_expect_no_findings();
	assert_false(vn->registered);
	assert_null(n0->iommu_group);
	assert_int_equal(sim_kernel()->taint, 0);

	/* Both: a noiommu VFIO device with a fake group, and a taint */
	set->CONFIG_VFIO_NOIOMMU = true;
	set->CONFIG_IOMMUFD_NOIOMMU = true;
	tu_enter();
	assert_int_equal(vfio_register_group_dev(vn), 0);
	tu_leave();
	tu_expect_no_findings();
	assert_true(vn->registered);
	assert_true(vn->noiommu);
	assert_non_null(n0->iommu_group);
	assert_ptr_equal(vn->noiommu_group, n0->iommu_group);
	assert_null(n0->iommu);
	assert_true(sim_kernel()->taint & (1UL << TAINT_USER));

	/* The parameter counts only at registration */
	set->enable_unsafe_noiommu_mode = false;
	assert_true(vn->registered);
	assert_true(vn->noiommu);

	/* Using it needs CAP_SYS_RAWIO */
	tu_enter();
	assert_int_equal(vfio_device_cdev_open_bind(vn, ictx, &devid), -EPERM);
	tu_leave();
	tu_expect_no_findings();
	assert_int_equal(devid, 0xdead);
	assert_null(vn->iommufd_device);
	assert_true(sim_xa_empty(&ictx->objects));

	set->cap_sys_rawio = true;
	tu_enter();
	assert_int_equal(vfio_device_cdev_open_bind(vn, ictx, &devid), 0);
	tu_leave();
	tu_expect_no_findings();
	assert_int_equal(devid, 1);
	assert_non_null(vn->iommufd_device);
	assert_null(vn->iommufd_device->igroup->group);

	tu_enter();
	vfio_iommufd_physical_unbind(vn);
	assert_int_equal(vfio_unregister_group_dev(vn), 0);
	assert_int_equal(vfio_unregister_group_dev(vd), 0);
	tu_leave();
	tu_expect_no_findings();
	assert_null(n0->iommu_group);
	assert_true(sim_xa_empty(&ictx->objects));
	tu_assert_census(c0);
}

/* ------------------------------------- in-kernel callers (the ops) */

/*
 * A driver=kernel device's operations call the exported API on its
 * driver's handles (sim/ops.c). One device alone in its group, a context
 * with an IOAS (id 1) and room for two hwpts.
 */
static const char W_KCALL[] =
	"group g0\n"
	"ctx c0 ioas\n"
	"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
	"ids 6\npasids 1\n";

/* Run one operation as the explorer does; its transition's findings. */
static int kc_run(const char *text, struct op_result *res,
		  struct check_result *cr)
{
	struct sim_settings set = sim_kernel()->settings;
	struct op_fault f;
	struct op op;
	char err[256];

	if (op_parse(&tu_spec, text, &op, &f, err, sizeof(err)))
		fail_msg("op_parse(\"%s\"): %s", text, err);
	op_run(&op, &f, res);
	cr->nr = 0;
	check_transition(&op, res, &set, NULL, cr);
	return res->ret;
}

/* The operation succeeded (or failed with @want) and nothing is wrong. */
static void kc_ok(const char *text, int want)
{
	static struct check_result cr;
	struct op_result res;
	unsigned int i;

	assert_int_equal(kc_run(text, &res, &cr), want);
	assert_true(res.applicable);
	assert_null(res.caller);
	check_state(&cr);
	for (i = 0; i < cr.nr; i++)
		print_error("%s: %s: %s\n", text, cr.f[i].sig, cr.f[i].msg);
	assert_int_equal(cr.nr, 0);
}

/* Is there an operation like @want among what the explorer would run? */
static bool kc_enumerated(const struct op *want)
{
	static struct op ops[4096];
	unsigned int i, n = op_enumerate(ops, ARRAY_SIZE(ops));

	for (i = 0; i < n; i++)
		if (ops[i].kind == want->kind && ops[i].dev == want->dev &&
		    ops[i].slot == want->slot && ops[i].pasid == want->pasid)
			return true;
	return false;
}

/*
 * A driver may bind one device twice: each bind claims DMA ownership of
 * the group once (owner_cnt 2), each unbind releases one.
 */
static void kcall_double_bind_owner_count(void **state)
{
	static struct check_result cr;
	struct iommu_group *g0;
	struct op_result res;
	struct world *w;

	(void)state;
	w = tu_boot(W_KCALL);
	g0 = tu_group("g0");
	kc_ok("bind d0 c0", 0);
	kc_ok("bind d0 c0", 0);
	assert_ptr_equal(g0->owner, tu_ctx(0));
	assert_int_equal(g0->owner_cnt, 2);
	assert_int_equal(w->kh[0][0].devid, 2);
	assert_int_equal(w->kh[0][1].devid, 3);
	assert_ptr_not_equal(w->kh[0][0].idev, w->kh[0][1].idev);
	assert_ptr_equal(tu_obj(tu_ctx(0), 3), &w->kh[0][1].idev->obj);
	/* a third: refused by the driver, which holds two handles */
	assert_int_equal(kc_run("bind d0 c0", &res, &cr), -ENOSPC);
	assert_false(res.applicable);
	assert_int_equal(cr.nr, 0);

	kc_ok("unbind d0", 0);
	assert_null(w->kh[0][0].idev);
	assert_null(tu_obj(tu_ctx(0), 2));
	assert_ptr_equal(g0->owner, tu_ctx(0));
	assert_int_equal(g0->owner_cnt, 1);
	kc_ok("unbind d0.1", 0);
	assert_group_unowned(g0);
}

/*
 * Unbinding an attached handle breaks the contract: the kernel WARNs
 * (iommufd_object_destroy_user) and keeps the idev; the transition is one
 * "caller" finding, and the explorer never makes that call.
 */
static void kcall_unbind_attached_caller(void **state)
{
	static struct check_result cr;
	struct iommufd_device *idev;
	struct op_result res;
	char title[160];
	struct world *w;

	(void)state;
	w = tu_boot(W_KCALL);
	kc_ok("bind d0 c0", 0);
	kc_ok("attach d0 0 1", 0);
	idev = w->kh[0][0].idev;
	assert_int_equal(tu_users(&idev->obj), 3);
	assert_false(kc_enumerated(&(struct op){ .kind = OP_UNBIND }));
	assert_true(kc_enumerated(&(struct op){ .kind = OP_DETACH }));

	kc_run("unbind d0", &res, &cr);
	assert_non_null(res.caller);
	assert_string_equal(res.caller, "unbind:attached");
	assert_int_equal(cr.nr, 1);
	assert_int_equal(cr.f[0].kind, SIM_F_CALLER);
	assert_string_equal(cr.f[0].sig, "caller unbind:attached");
	assert_non_null(strstr(cr.f[0].msg, "warn iommufd_object_destroy_user"));
	check_title(&cr.f[0], title, sizeof(title));
	assert_string_equal(title, "bindsim: caller contract: unbind:attached");
	/* the driver forgot it; the kernel could not destroy it */
	assert_null(w->kh[0][0].idev);
	assert_ptr_equal(tu_obj(tu_ctx(0), 2), &idev->obj);
	assert_int_equal(tu_users(&idev->obj), 2);
}

/* A second attach of one handle: -EBUSY, nothing changes, no WARN. */
static void kcall_attach_twice_ebusy(void **state)
{
	struct tu_snap before;

	(void)state;
	tu_boot(W_KCALL);
	kc_ok("bind d0 c0", 0);
	kc_ok("attach d0 0 1", 0);
	tu_snap_take(&before);
	kc_ok("attach d0 0 1", -EBUSY);
	kc_ok("attach d0 0 3", -EBUSY);
	tu_assert_unchanged(&before);
	/* the other handle of the same device attaches beside it */
	kc_ok("bind d0 c0", 0);
	kc_ok("attach d0.1 0 3", 0);
	assert_int_equal(tu_users(tu_obj(tu_ctx(0), 3)), 3);
	kc_ok("detach d0.1 0", 0);
	kc_ok("detach d0 0", 0);
	kc_ok("unbind d0.1", 0);
	kc_ok("unbind d0", 0);
	assert_group_unowned(tu_group("g0"));
}

/* Replace needs an attach: -EINVAL before it, a move after it. */
static void kcall_replace_unattached_einval(void **state)
{
	struct tu_snap before;

	(void)state;
	tu_boot(W_KCALL);
	kc_ok("bind d0 c0", 0);
	kc_ok("hwpt-alloc c0 2 1", 0);
	tu_snap_take(&before);
	kc_ok("replace d0 0 3", -EINVAL);
	tu_assert_unchanged(&before);
	kc_ok("attach d0 0 3", 0);
	kc_ok("hwpt-alloc c0 2 1", 0);
	kc_ok("replace d0 0 4", 0);
	assert_ptr_equal(tu_group("g0")->domain,
			 tu_hwpt(tu_ctx(0), 4)->domain);
	assert_int_equal(tu_users(tu_obj(tu_ctx(0), 3)), 1);
	assert_int_equal(tu_users(tu_obj(tu_ctx(0), 4)), 2);
	kc_ok("detach d0 0", 0);
	kc_ok("unbind d0", 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, tu_setup, tu_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(fact01_no_coherency_bind_einval),
		T(fact02_first_bind_creates_igroup),
		T(fact03_second_device_reuses_igroup),
		T(fact04_second_ctx_claim_eperm),
		T(fact05_same_device_twice_same_ctx),
		T(fact06_unsafe_msi_eperm_unless_allowed),
		T(fact07_bind_refcounts_lowest_free_id),
		T(fact08_reserved_id_enoent),
		T(fact09_destroy_bound_device_ebusy),
		T(fact10_unbind_unattached_destroys),
		T(fact11_unbind_attached_ebusy_warn),
		T(fact12_unbind_waits_then_ebusy),
		T(fact13_igroup_freed_with_last_idev),
		T(fact14_dying_igroup_replaced),
		T(fact15_close_releases_ctx),
		T(fact16_abort_and_abort_and_destroy),
		T(fact17_first_attach_does_core_attach),
		T(fact18_other_hwpt_einval_twice_ebusy),
		T(fact19_auto_domain_einval_tries_next),
		T(fact20_detach_noop_and_last_detach),
		T(fact21_replace),
		T(fact22_pasid_compat),
		T(fact23_reserved_iova_enforced_and_undone),
		T(fact24_noiommu_bind_private_igroup),
		T(fact25_noiommu_attach_bookkeeping_only),
		T(fact26_noiommu_failed_bind_and_unbind),
		T(fact27_noiommu_igroup_release_skips_group),
		T(fact29_vfio_noiommu_registration),
		T(kcall_double_bind_owner_count),
		T(kcall_unbind_attached_caller),
		T(kcall_attach_twice_ebusy),
		T(kcall_replace_unattached_einval),
	};

	return cmocka_run_group_tests_name("facts", tests, NULL, NULL);
}
