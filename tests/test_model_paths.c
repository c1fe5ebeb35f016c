// SPDX-License-Identifier: GPL-2.0-only
/*
 * Model paths the explorer cannot reach: calls no explorer operation makes
 * (the exported accessors, a second IOAS, opening a context, bad ioctl
 * arguments, VFIO driver misuse, a hand-built device, tombstones). Each
 * test drives the model directly, one call per simulated system call, and
 * asserts the return code, the resulting state and the findings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_util.h"

/* ------------------------------------------------------------ helpers */

static int tu_ioas_alloc(struct iommufd_ctx *ictx, u32 *out_id)
{
	int rc;

	tu_enter();
	TU_GUARDED(rc = iommufd_ioas_alloc_ioctl(ictx, out_id));
	tu_leave();
	return rc;
}

static int tu_replace_fault(struct iommufd_device *idev, ioasid_t pasid,
			    u32 *pt_id, const char *site, unsigned int hit)
{
	int rc;

	tu_enter_fault_site(site, hit);
	TU_GUARDED(rc = iommufd_device_replace(idev, pasid, pt_id));
	tu_leave();
	return rc;
}

/* Reservations in @iopt owned by @owner. */
static unsigned int resv_count(struct io_pagetable *iopt, void *owner)
{
	struct iopt_reserved *resv;
	unsigned int n = 0;

	list_for_each_entry(resv, &iopt->reserved, node)
		n += resv->owner == owner;
	return n;
}

static bool resv_has(struct io_pagetable *iopt, void *owner,
		     unsigned long start, unsigned long last)
{
	struct iopt_reserved *resv;

	list_for_each_entry(resv, &iopt->reserved, node)
		if (resv->owner == owner && resv->start == start &&
		    resv->last == last)
			return true;
	return false;
}

static void assert_group_unowned(struct iommu_group *g)
{
	assert_null(g->owner);
	assert_int_equal(g->owner_cnt, 0);
	assert_ptr_equal(g->domain, g->default_domain);
	assert_true(sim_xa_empty(&g->pasid_array));
}

/* ------------------------------------------- exported query helpers */

/*
 * iommufd_ctx_has_group(): false for NULL arguments, true only while a
 * device of that group is bound in that very context (kernel-facts.md
 * section 3); iommufd_device_to_ictx()/_to_id() report bind's results.
 */
static void ctx_has_group_and_device_accessors(void **state)
{
	struct iommufd_device *idev0, *idev1;
	struct iommufd_ctx *c0, *c1;
	struct iommu_group *g0, *g1;
	bool r;
	u32 id0, id1;

	(void)state;
	tu_boot("group g0 g1\n"
		"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
		"device d1 group=g1 iommu=0 coherent msi driver=kernel\n"
		"device n0 group=none iommu=none driver=kernel\n"
		"ctx c0 ioas\n"
		"ctx c1\n"
		"boot CONFIG_IOMMUFD_NOIOMMU=1 CONFIG_VFIO_NOIOMMU=1\n");
	c0 = tu_ctx(0);
	c1 = tu_ctx(1);
	g0 = tu_group("g0");
	g1 = tu_group("g1");

	tu_enter();
	assert_false(iommufd_ctx_has_group(NULL, g0));
	assert_false(iommufd_ctx_has_group(c0, NULL));
	/* Only the IOAS is in c0: not a device */
	assert_false(iommufd_ctx_has_group(c0, g0));
	tu_leave();
	tu_expect_no_findings();

	idev0 = tu_bind_ok(c0, tu_dev("d0"), &id0);
	/* A noiommu device (no iommu_group) matches no group */
	idev1 = tu_bind_ok(c0, tu_dev("n0"), &id1);

	tu_enter();
	r = iommufd_ctx_has_group(c0, g0);
	tu_leave();
	assert_true(r);
	tu_enter();
	r = iommufd_ctx_has_group(c0, g1);
	tu_leave();
	assert_false(r);
	tu_enter();
	r = iommufd_ctx_has_group(c1, g0);
	tu_leave();
	assert_false(r);
	tu_expect_no_findings();

	assert_ptr_equal(iommufd_device_to_ictx(idev0), c0);
	assert_int_equal(iommufd_device_to_id(idev0), id0);
	assert_ptr_equal(iommufd_device_to_ictx(idev1), c0);
	assert_int_equal(iommufd_device_to_id(idev1), id1);
	assert_int_not_equal(id0, id1);
	/* The lookups took no reference */
	assert_int_equal(tu_users(&idev0->obj), 2);

	tu_unbind(idev0);
	tu_unbind(idev1);
	tu_expect_no_findings();
	tu_enter();
	r = iommufd_ctx_has_group(c0, g0);
	tu_leave();
	assert_false(r);
}

/* ------------------------------------------- replace onto another IOAS */

/*
 * Group g0 holds d0 (a direct region and the software MSI window) and d1
 * (one direct region). c0's IOAS maps a range below every region, so
 * nothing collides.
 */
static const char W_REPLACE[] =
	"group g0\n"
	"device d0 group=g0 iommu=0 coherent msi driver=kernel "
	"resv=direct:0x100000+0x1000 resv=sw_msi:0x8000000+0x100000\n"
	"device d1 group=g0 iommu=0 coherent msi driver=kernel "
	"resv=direct:0x200000+0x1000\n"
	"ctx c0 ioas map=0x1000+0x1000\n";

struct replace_fixture {
	struct iommufd_ctx *ictx;
	struct iommufd_device *idev0, *idev1;
	struct device *d0, *d1;
	struct iommufd_ioas *ioas1, *ioas2;
	struct iommufd_hw_pagetable *a, *b;
	u32 id0, id1, ioas2_id, aid, bid;
};

/* Both devices attached to hwpt A on IOAS 1; hwpt B waits on IOAS 2. */
static void replace_setup(struct replace_fixture *f)
{
	u32 ioas1_id, pt;

	tu_boot(W_REPLACE);
	f->ictx = tu_ctx(0);
	f->d0 = tu_dev("d0");
	f->d1 = tu_dev("d1");
	ioas1_id = world_get()->ioas_id[0];
	f->ioas1 = tu_ioas(f->ictx, ioas1_id);

	f->idev0 = tu_bind_ok(f->ictx, f->d0, &f->id0);
	f->idev1 = tu_bind_ok(f->ictx, f->d1, &f->id1);
	assert_int_equal(tu_ioas_alloc(f->ictx, &f->ioas2_id), 0);
	assert_int_not_equal(f->ioas2_id, ioas1_id);
	f->ioas2 = tu_ioas(f->ictx, f->ioas2_id);
	assert_int_equal(tu_hwpt_alloc(f->ictx, f->id0, ioas1_id, 0, &f->aid),
			 0);
	assert_int_equal(tu_hwpt_alloc(f->ictx, f->id0, f->ioas2_id, 0,
				       &f->bid), 0);
	f->a = tu_hwpt(f->ictx, f->aid);
	f->b = tu_hwpt(f->ictx, f->bid);
	assert_ptr_equal(to_hwpt_paging(f->b)->ioas, f->ioas2);

	pt = f->aid;
	assert_int_equal(tu_attach_pt(f->idev0, IOMMU_NO_PASID, &pt), 0);
	pt = f->aid;
	assert_int_equal(tu_attach_pt(f->idev1, IOMMU_NO_PASID, &pt), 0);
	tu_expect_no_findings();
	assert_int_equal(f->idev0->igroup->sw_msi_start, 0x8000000);
}

/* Attached to A: reservations in IOAS 1 only, A holds both devices. */
static void assert_on_a(struct replace_fixture *f)
{
	struct iommufd_attach *attach =
		tu_attach(f->idev0->igroup, IOMMU_NO_PASID);

	assert_non_null(attach);
	assert_ptr_equal(attach->hwpt, f->a);
	assert_int_equal(tu_xa_count(&attach->device_array), 2);
	assert_int_equal(resv_count(&f->ioas1->iopt, f->d0), 2);
	assert_int_equal(resv_count(&f->ioas1->iopt, f->d1), 1);
	assert_true(list_empty(&f->ioas2->iopt.reserved));
	assert_int_equal(tu_users(&f->a->obj), 3);
	assert_int_equal(tu_users(&f->b->obj), 1);
	assert_ptr_equal(tu_group("g0")->domain, f->a->domain);
}

static void replace_teardown(struct replace_fixture *f)
{
	tu_detach(f->idev0, IOMMU_NO_PASID);
	tu_detach(f->idev1, IOMMU_NO_PASID);
	tu_expect_no_findings();
	assert_true(list_empty(&f->ioas1->iopt.reserved));
	assert_true(list_empty(&f->ioas2->iopt.reserved));
	tu_unbind(f->idev0);
	tu_unbind(f->idev1);
	assert_int_equal(tu_destroy(f->ictx, f->aid), 0);
	assert_int_equal(tu_destroy(f->ictx, f->bid), 0);
	assert_int_equal(tu_destroy(f->ictx, f->ioas2_id), 0);
	tu_expect_no_findings();
	assert_group_unowned(tu_group("g0"));
}

/*
 * Replace to a hwpt on a different IOAS moves every group device's
 * reservations to the new IOAS, maps the MSI window in the new domain and
 * moves both device references from A to B (kernel-facts.md section 3,
 * iommufd_device_do_replace step 5 and 7).
 */
static void replace_to_other_ioas_moves_reservations(void **state)
{
	struct replace_fixture f;
	struct iommufd_attach *attach;
	u32 pt;

	(void)state;
	replace_setup(&f);
	assert_on_a(&f);
	attach = tu_attach(f.idev0->igroup, IOMMU_NO_PASID);

	pt = f.bid;
	assert_int_equal(tu_replace_pt(f.idev0, IOMMU_NO_PASID, &pt), 0);
	tu_expect_no_findings();
	assert_int_equal(pt, f.bid);
	/* Every device's regions went in (none asks for sw_msi_start) */
	assert_int_equal(tu_sites_passed("iopt_reserve_iova:kzalloc"), 3);
	assert_int_equal(tu_sites_passed("iommufd_group_setup_msi:iommu_map"),
			 1);
	assert_ptr_equal(tu_attach(f.idev0->igroup, IOMMU_NO_PASID), attach);
	assert_ptr_equal(attach->hwpt, f.b);
	assert_int_equal(tu_xa_count(&attach->device_array), 2);
	assert_true(list_empty(&f.ioas1->iopt.reserved));
	assert_int_equal(resv_count(&f.ioas2->iopt, f.d0), 2);
	assert_int_equal(resv_count(&f.ioas2->iopt, f.d1), 1);
	assert_true(resv_has(&f.ioas2->iopt, f.d0, 0x100000, 0x100fff));
	assert_true(resv_has(&f.ioas2->iopt, f.d0, 0x8000000, 0x80fffff));
	assert_true(resv_has(&f.ioas2->iopt, f.d1, 0x200000, 0x200fff));
	assert_int_equal(tu_users(&f.a->obj), 1);
	assert_int_equal(tu_users(&f.b->obj), 3);
	assert_ptr_equal(tu_group("g0")->domain, f.b->domain);
	/* Replace takes no idev reference */
	assert_int_equal(tu_users(&f.idev0->obj), 3);
	assert_int_equal(tu_users(&f.idev1->obj), 3);
	/* Now IOAS 1 holds no hwpt user beyond A's: A can go */
	assert_int_equal(tu_users(&f.ioas1->obj), 2);

	/* And back again, driven by the other device of the group */
	pt = f.aid;
	assert_int_equal(tu_replace_pt(f.idev1, IOMMU_NO_PASID, &pt), 0);
	tu_expect_no_findings();
	assert_on_a(&f);

	replace_teardown(&f);
}

/*
 * A failure anywhere in a replace onto another IOAS leaves the attachment
 * as it was: the new IOAS gets no reservation (including those of the
 * devices that succeeded before the failing one), the old keeps all.
 */
static void replace_to_other_ioas_faults_unwind(void **state)
{
	static const struct {
		const char *site;
		unsigned int hit;
		int rc;
	} cases[] = {
		/* d0's first region */
		{ "iopt_reserve_iova:kzalloc", 1, -ENOMEM },
		/* d0's second region: d0's first is dropped again */
		{ "iopt_reserve_iova:kzalloc", 2, -ENOMEM },
		/* d1's region, after both of d0's went in */
		{ "iopt_reserve_iova:kzalloc", 3, -ENOMEM },
		/* every reservation went in, the MSI map fails */
		{ "iommufd_group_setup_msi:iommu_map", 1, -ENOMEM },
		/* the core replace fails after the reservations */
		{ "iommufd_hwpt_replace_device:kzalloc", 1, -ENOMEM },
		{ "iommufd_hwpt_replace_device:iommu_replace_group_handle", 1,
		  -ENOMEM },
	};
	struct replace_fixture f;
	struct tu_snap before;
	struct iommu_attach_handle *handle;
	unsigned int i;
	u32 pt;

	(void)state;
	replace_setup(&f);
	handle = sim_xa_raw(&tu_group("g0")->pasid_array, IOMMU_NO_PASID);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		print_message("case %u: %s hit %u\n", i, cases[i].site,
			      cases[i].hit);
		tu_snap_take(&before);
		pt = f.bid;
		assert_int_equal(tu_replace_fault(f.idev0, IOMMU_NO_PASID, &pt,
						  cases[i].site, cases[i].hit),
				 cases[i].rc);
		assert_int_equal(sim_fault_nr_injected(), 1);
		tu_expect_no_findings();
		tu_assert_unchanged(&before);
		assert_int_equal(pt, f.bid);
		assert_on_a(&f);
		assert_ptr_equal(sim_xa_raw(&tu_group("g0")->pasid_array,
					    IOMMU_NO_PASID), handle);
	}

	replace_teardown(&f);
}

/*
 * Replace is only for a device already attached on that pasid: with no
 * attach, or when the group's attach holds only another device, -EINVAL
 * and nothing changes (kernel-facts.md section 3, do_replace steps 1, 3).
 */
static void replace_device_not_attached_einval(void **state)
{
	struct iommufd_device *idev0, *idev1;
	struct iommufd_ctx *ictx;
	struct tu_snap before;
	u32 id0, id1, aid, bid, pt;

	(void)state;
	tu_boot("group g0\n"
		"device d0 group=g0 iommu=0 coherent msi pasids=2 "
		"driver=kernel\n"
		"device d1 group=g0 iommu=0 coherent msi pasids=2 "
		"driver=kernel\n"
		"ctx c0 ioas\n");
	ictx = tu_ctx(0);
	idev0 = tu_bind_ok(ictx, tu_dev("d0"), &id0);
	idev1 = tu_bind_ok(ictx, tu_dev("d1"), &id1);
	assert_int_equal(tu_hwpt_alloc(ictx, id0, world_get()->ioas_id[0], 0,
				       &aid), 0);
	assert_int_equal(tu_hwpt_alloc(ictx, id0, world_get()->ioas_id[0], 0,
				       &bid), 0);

	/* Nothing attached on the pasid at all */
	assert_false(iommufd_device_is_attached(idev0, IOMMU_NO_PASID));
	assert_false(iommufd_device_is_attached(idev1, 1));
	tu_snap_take(&before);
	pt = bid;
	assert_int_equal(tu_replace_pt(idev1, IOMMU_NO_PASID, &pt), -EINVAL);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);

	pt = aid;
	assert_int_equal(tu_attach_pt(idev0, IOMMU_NO_PASID, &pt), 0);
	tu_expect_no_findings();
	assert_false(iommufd_device_is_attached(idev1, IOMMU_NO_PASID));
	assert_true(iommufd_device_is_attached(idev0, IOMMU_NO_PASID));

	/* d0 holds the group's attach, d1 is not in it */
	tu_snap_take(&before);
	pt = bid;
	assert_int_equal(tu_replace_pt(idev1, IOMMU_NO_PASID, &pt), -EINVAL);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_int_equal(pt, bid);
	assert_ptr_equal(tu_attach(idev0->igroup, IOMMU_NO_PASID)->hwpt,
			 tu_hwpt(ictx, aid));
	assert_int_equal(tu_users(&tu_hwpt(ictx, aid)->obj), 2);
	assert_int_equal(tu_users(&tu_hwpt(ictx, bid)->obj), 1);
	assert_int_equal(tu_users(&idev1->obj), 2);

	tu_detach(idev0, IOMMU_NO_PASID);
	tu_unbind(idev1);
	tu_unbind(idev0);
	assert_int_equal(tu_destroy(ictx, aid), 0);
	assert_int_equal(tu_destroy(ictx, bid), 0);
	tu_expect_no_findings();
	assert_group_unowned(tu_group("g0"));
}

/* ----------------------------------------------- setup allocations */

/*
 * open(/dev/iommu): a failed kzalloc or anon_inode_getfile returns
 * ERR_PTR(-ENOMEM) and leaves nothing behind; a successful open gives an
 * empty context whose last fput frees everything it came to hold.
 */
static void fops_open_failures(void **state)
{
	struct iommufd_ctx *ictx;
	struct tu_census c0;
	u32 ioas_id = 0xdead;
	int rc;

	(void)state;
	tu_boot(W_REPLACE);
	c0 = tu_census();

	tu_enter_fault_site("iommufd_fops_open:kzalloc", 1);
	TU_GUARDED(ictx = iommufd_fops_open());
	tu_leave();
	assert_int_equal(sim_fault_nr_injected(), 1);
	assert_true(IS_ERR(ictx));
	assert_int_equal(PTR_ERR(ictx), -ENOMEM);
	tu_expect_no_findings();
	tu_assert_census(c0);

	tu_enter_fault_site("iommufd_fops_open:anon_inode_getfile", 1);
	TU_GUARDED(ictx = iommufd_fops_open());
	tu_leave();
	assert_int_equal(sim_fault_nr_injected(), 1);
	assert_true(IS_ERR(ictx));
	assert_int_equal(PTR_ERR(ictx), -ENOMEM);
	tu_expect_no_findings();
	tu_assert_census(c0);
	assert_int_equal(tu_census_tag("iommufd_ctx"), 1);

	tu_enter();
	TU_GUARDED(ictx = iommufd_fops_open());
	tu_leave();
	assert_false(IS_ERR_OR_NULL(ictx));
	tu_expect_no_findings();
	assert_int_equal(tu_census_tag("iommufd_ctx"), 2);
	assert_ptr_equal(ictx->file->private_data, ictx);
	assert_int_equal(tu_fcount(ictx), 1);
	assert_true(sim_xa_empty(&ictx->objects));
	assert_true(sim_xa_empty(&ictx->groups));
	assert_int_equal(ictx->sim_id_max, 0x7fffffff);

	tu_enter();
	TU_GUARDED(rc = iommufd_ioas_alloc_ioctl(ictx, &ioas_id));
	tu_leave();
	assert_int_equal(rc, 0);
	assert_int_equal(ioas_id, 1);
	tu_close(ictx);
	tu_expect_no_findings();
	tu_assert_census(c0);
}

/*
 * IOMMU_IOAS_ALLOC fails cleanly at both steps of object allocation, and
 * with -EBUSY once the id space is full; no id is consumed by a failure.
 * iopt_map_range() fails at its kzalloc with the areas untouched.
 */
static void ioas_alloc_and_map_failures(void **state)
{
	struct iommufd_ioas *ioas;
	struct iommufd_ctx *ictx;
	struct iopt_area *area;
	struct tu_snap before;
	u32 id = 0xdead;
	int rc;

	(void)state;
	tu_boot("group g0\n"
		"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
		"ctx c0 ids=2\n");
	ictx = tu_ctx(0);

	tu_snap_take(&before);
	tu_enter_fault_site("_iommufd_object_alloc:kzalloc", 1);
	TU_GUARDED(rc = iommufd_ioas_alloc_ioctl(ictx, &id));
	tu_leave();
	assert_int_equal(sim_fault_nr_injected(), 1);
	assert_int_equal(rc, -ENOMEM);
	assert_int_equal(id, 0xdead);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);

	tu_enter_fault_site("_iommufd_object_alloc:xa_alloc", 1);
	TU_GUARDED(rc = iommufd_ioas_alloc_ioctl(ictx, &id));
	tu_leave();
	assert_int_equal(sim_fault_nr_injected(), 1);
	assert_int_equal(rc, -ENOMEM);
	assert_int_equal(id, 0xdead);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);

	/* No id was consumed: 1, then 2, then the space (ids=2) is full */
	assert_int_equal(tu_ioas_alloc(ictx, &id), 0);
	assert_int_equal(id, 1);
	assert_int_equal(tu_ioas_alloc(ictx, &id), 0);
	assert_int_equal(id, 2);
	tu_snap_take(&before);
	id = 0xdead;
	assert_int_equal(tu_ioas_alloc(ictx, &id), -EBUSY);
	assert_int_equal(id, 0xdead);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);

	ioas = tu_ioas(ictx, 1);
	tu_snap_take(&before);
	tu_enter_fault_site("iopt_alloc_area:kzalloc", 1);
	TU_GUARDED(rc = iopt_map_range(&ioas->iopt, 0x10000, 0x2000));
	tu_leave();
	assert_int_equal(sim_fault_nr_injected(), 1);
	assert_int_equal(rc, -ENOMEM);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_true(list_empty(&ioas->iopt.areas));

	tu_enter();
	TU_GUARDED(rc = iopt_map_range(&ioas->iopt, 0x10000, 0x2000));
	tu_leave();
	assert_int_equal(rc, 0);
	assert_int_equal(tu_list_count(&ioas->iopt.areas), 1);
	area = list_entry(ioas->iopt.areas.next, struct iopt_area, node);
	assert_int_equal(area->start, 0x10000);
	assert_int_equal(area->last, 0x11fff);

	/* Destroying the IOAS frees its area */
	assert_int_equal(tu_destroy(ictx, 1), 0);
	assert_int_equal(tu_destroy(ictx, 2), 0);
	tu_expect_no_findings();
	assert_int_equal(tu_census_tag("iopt_area"), 0);
	assert_true(sim_xa_empty(&ictx->objects));
}

/* ------------------------------------------------ bad ioctl arguments */

/*
 * IOMMU_HWPT_ALLOC: unknown flags -EOPNOTSUPP, a dev_id that is not a
 * device -ENOENT, a missing pt or a pt that is not an IOAS -EINVAL; no
 * object, id or reference is left behind by any of them.
 */
static void hwpt_alloc_bad_arguments(void **state)
{
	struct iommufd_device *idev;
	struct iommufd_ioas *ioas;
	struct iommufd_ctx *ictx;
	struct tu_snap before;
	u32 id, ioas_id, hid, out;

	(void)state;
	tu_boot("group g0\n"
		"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
		"ctx c0 ioas\n");
	ictx = tu_ctx(0);
	ioas_id = world_get()->ioas_id[0];
	ioas = tu_ioas(ictx, ioas_id);
	idev = tu_bind_ok(ictx, tu_dev("d0"), &id);
	assert_int_equal(tu_hwpt_alloc(ictx, id, ioas_id, 0, &hid), 0);
	assert_int_equal(tu_users(&ioas->obj), 2);

	tu_snap_take(&before);
	out = 0xdead;
	assert_int_equal(tu_hwpt_alloc(ictx, id, ioas_id, 1U << 0, &out),
			 -EOPNOTSUPP);
	assert_int_equal(tu_hwpt_alloc(ictx, id, ioas_id,
				       IOMMU_HWPT_ALLOC_PASID | (1U << 31),
				       &out), -EOPNOTSUPP);
	/* dev_id names the IOAS, the hwpt, nothing */
	assert_int_equal(tu_hwpt_alloc(ictx, ioas_id, ioas_id, 0, &out),
			 -ENOENT);
	assert_int_equal(tu_hwpt_alloc(ictx, hid, ioas_id, 0, &out), -ENOENT);
	assert_int_equal(tu_hwpt_alloc(ictx, 77, ioas_id, 0, &out), -ENOENT);
	/*
	 * pt_id names the device (-EINVAL), a hwpt (a nested request, which
	 * no simulated driver supports: -EOPNOTSUPP, as 7.3-rc7), nothing
	 */
	assert_int_equal(tu_hwpt_alloc(ictx, id, id, 0, &out), -EINVAL);
	assert_int_equal(tu_hwpt_alloc(ictx, id, hid, 0, &out), -EOPNOTSUPP);
	assert_int_equal(tu_hwpt_alloc(ictx, id, 77, 0, &out), -EINVAL);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_int_equal(out, 0xdead);
	assert_int_equal(tu_users(&ioas->obj), 2);
	assert_int_equal(tu_users(&idev->obj), 2);
	assert_int_equal(tu_wait_cnt(&idev->obj), 1);
	assert_int_equal(tu_users(&tu_hwpt(ictx, hid)->obj), 1);
	assert_int_equal(tu_list_count(&ioas->hwpt_list), 1);
	assert_int_equal(ioas->iopt.nr_domains, 1);

	tu_unbind(idev);
	assert_int_equal(tu_destroy(ictx, hid), 0);
	tu_expect_no_findings();
	assert_int_equal(tu_users(&ioas->obj), 1);
}

/*
 * IOMMU_DESTROY: an IOAS a hwpt still uses is -EBUSY and stays whole; id 0
 * and unused ids are -ENOENT.
 */
static void destroy_errors(void **state)
{
	struct iommufd_device *idev;
	struct iommufd_ioas *ioas;
	struct iommufd_ctx *ictx;
	struct tu_snap before;
	u32 id, ioas_id, hid;

	(void)state;
	tu_boot("group g0\n"
		"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
		"ctx c0 ioas\n");
	ictx = tu_ctx(0);
	ioas_id = world_get()->ioas_id[0];
	ioas = tu_ioas(ictx, ioas_id);
	idev = tu_bind_ok(ictx, tu_dev("d0"), &id);
	assert_int_equal(tu_hwpt_alloc(ictx, id, ioas_id, 0, &hid), 0);

	tu_snap_take(&before);
	assert_int_equal(tu_destroy(ictx, ioas_id), -EBUSY);
	assert_int_equal(tu_destroy(ictx, 0), -ENOENT);
	assert_int_equal(tu_destroy(ictx, 99), -ENOENT);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_ptr_equal(tu_ioas(ictx, ioas_id), ioas);
	assert_int_equal(tu_users(&ioas->obj), 2);
	assert_int_equal(tu_wait_cnt(&ioas->obj), 1);
	assert_int_equal(tu_list_count(&ioas->hwpt_list), 1);

	/* Once the hwpt is gone the IOAS can go */
	tu_unbind(idev);
	assert_int_equal(tu_destroy(ictx, hid), 0);
	assert_int_equal(tu_destroy(ictx, ioas_id), 0);
	tu_expect_no_findings();
	assert_true(sim_xa_empty(&ictx->objects));
	assert_int_equal(tu_census_tag("iommufd_ioas"), 0);
}

/*
 * iommufd_object_remove() with REMOVE_OBJ_TOMBSTONE (the kernel's
 * iommufd_object_tombstone_user()): the object is destroyed but its id
 * stays reserved, invisible to lookup and destroy, until the context is
 * released, which frees the tombstone with the rest.
 */
static void tombstone_keeps_id_reserved(void **state)
{
	struct iommufd_device *idev;
	struct iommufd_object *obj;
	struct iommufd_ctx *ictx;
	struct iommu_group *g0;
	unsigned int f0;
	u32 id, id2;
	int rc;

	(void)state;
	tu_boot("group g0 g1\n"
		"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
		"device d1 group=g1 iommu=0 coherent msi driver=kernel\n"
		"ctx c0\n");
	ictx = tu_ctx(0);
	g0 = tu_group("g0");
	f0 = tu_fcount(ictx);
	idev = tu_bind_ok(ictx, tu_dev("d0"), &id);
	assert_int_equal(id, 1);

	tu_enter();
	TU_GUARDED(rc = iommufd_object_remove(ictx, &idev->obj, id,
					      REMOVE_WAIT |
					      REMOVE_OBJ_TOMBSTONE));
	tu_leave();
	assert_int_equal(rc, 0);
	tu_expect_no_findings();
	assert_ptr_equal(tu_obj(ictx, id), XA_ZERO_ENTRY);
	/* Nothing visible, but the slot still counts (as in xa_empty()) */
	assert_int_equal(tu_xa_count(&ictx->objects), 0);
	assert_false(sim_xa_empty(&ictx->objects));
	assert_int_equal(tu_census_tag("iommufd_device"), 0);
	assert_true(sim_xa_empty(&ictx->groups));
	assert_group_unowned(g0);
	assert_int_equal(refcount_read(&g0->ref), tu_group_ref0("g0"));
	assert_int_equal(tu_fcount(ictx), f0);

	tu_enter();
	TU_GUARDED(obj = iommufd_get_object(ictx, id, IOMMUFD_OBJ_ANY));
	tu_leave();
	assert_true(IS_ERR(obj));
	assert_int_equal(PTR_ERR(obj), -ENOENT);
	assert_int_equal(tu_destroy(ictx, id), -ENOENT);
	tu_expect_no_findings();
	assert_ptr_equal(tu_obj(ictx, id), XA_ZERO_ENTRY);

	/* The tombstoned id is not handed out again */
	idev = tu_bind_ok(ictx, tu_dev("d1"), &id2);
	assert_int_equal(id2, 2);
	tu_unbind(idev);
	tu_expect_no_findings();
	assert_ptr_equal(tu_obj(ictx, id), XA_ZERO_ENTRY);

	/* close() frees the tombstone along with the context */
	tu_close(ictx);
	tu_expect_no_findings();
	assert_int_equal(tu_census_tag("iommufd_ctx"), 0);
	assert_int_equal(tu_census().count, 0);
}

/*
 * iommufd_lock_obj() takes users and wait_cnt only if both are non-zero;
 * when wait_cnt is zero it gives the users count back
 * (kernel-facts.md section 2, iommufd_get_object step 4).
 */
static void lock_obj_needs_both_counts(void **state)
{
	struct iommufd_object *obj;

	(void)state;
	tu_boot("group g0\n"
		"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
		"ctx c0\n");
	obj = sim_alloc(sizeof(*obj), __GFP_ZERO, SIM_CLASS_WORLD, "test_obj",
			SIM_SITE("test"));
	assert_non_null(obj);

	tu_enter();
	refcount_set(&obj->users, 0);
	refcount_set(&obj->wait_cnt, 1);
	assert_false(iommufd_lock_obj(obj));
	assert_int_equal(tu_users(obj), 0);
	assert_int_equal(tu_wait_cnt(obj), 1);

	refcount_set(&obj->users, 1);
	refcount_set(&obj->wait_cnt, 0);
	assert_false(iommufd_lock_obj(obj));
	assert_int_equal(tu_users(obj), 1);
	assert_int_equal(tu_wait_cnt(obj), 0);

	refcount_set(&obj->wait_cnt, 1);
	assert_true(iommufd_lock_obj(obj));
	assert_int_equal(tu_users(obj), 2);
	assert_int_equal(tu_wait_cnt(obj), 2);
	tu_leave();
	tu_expect_no_findings();
}

/* ---------------------------------------------------- hand-built device */

/*
 * A device with a coherent IOMMU but no iommu_group (the world parser
 * refuses one): iommufd_get_group() finds no group, bind is -ENODEV and
 * leaves no object, id, igroup or ownership behind.
 */
static void bind_iommu_device_without_group_enodev(void **state)
{
	struct iommufd_device *idev;
	struct iommufd_ctx *ictx;
	struct tu_snap before;
	struct device *dev;
	u32 id = 0xdead;

	(void)state;
	tu_boot("group g0\n"
		"device d0 group=g0 iommu=0 coherent msi driver=kernel\n"
		"ctx c0\n"
		"boot CONFIG_IOMMUFD_NOIOMMU=1 CONFIG_VFIO_NOIOMMU=1 "
		"allow_unsafe_interrupts=1\n");
	ictx = tu_ctx(0);

	dev = sim_alloc(sizeof(*dev), __GFP_ZERO, SIM_CLASS_WORLD, "device",
			SIM_SITE("test"));
	assert_non_null(dev);
	memset(dev, 0, sizeof(*dev));
	snprintf(dev->name, sizeof(dev->name), "orphan");
	dev->msi_isolated = true;
	dev->iommu = sim_alloc(sizeof(*dev->iommu), __GFP_ZERO,
			       SIM_CLASS_WORLD, "dev_iommu", SIM_SITE("test"));
	assert_non_null(dev->iommu);
	memset(dev->iommu, 0, sizeof(*dev->iommu));
	dev->iommu->caps = BIT(IOMMU_CAP_CACHE_COHERENCY);
	assert_null(dev->iommu_group);

	tu_snap_take(&before);
	idev = tu_bind(ictx, dev, &id);
	assert_true(IS_ERR(idev));
	assert_int_equal(PTR_ERR(idev), -ENODEV);
	assert_int_equal(id, 0xdead);
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_true(sim_xa_empty(&ictx->objects));
	assert_true(sim_xa_empty(&ictx->groups));
	assert_int_equal(tu_census_tag("iommufd_group"), 0);

	/* No id was consumed */
	idev = tu_bind_ok(ictx, tu_dev("d0"), &id);
	assert_int_equal(id, 1);
	tu_unbind(idev);
	tu_expect_no_findings();
}

/* ------------------------------------------------------ VFIO misuse */

/*
 * The VFIO driver side refuses misuse without touching iommufd: double
 * register -EBUSY, unregister of an unregistered device -ENODEV and of a
 * bound one -EBUSY, double bind -EINVAL, attach while unbound or with a
 * pasid out of range -EINVAL; unbind and detach with nothing to undo are
 * no-ops.
 */
static void vfio_misuse(void **state)
{
	struct vfio_device *vd, *vk;
	struct iommufd_device *idev;
	struct iommufd_ctx *ictx;
	struct tu_snap before;
	struct tu_census c0;
	u32 devid = 0xdead, devid2 = 0xbeef, pt;

	(void)state;
	tu_boot("group g0 g1\n"
		"device d0 group=g0 iommu=0 coherent msi driver=vfio\n"
		"device k0 group=g1 iommu=0 coherent msi driver=kernel\n"
		"ctx c0 ioas\n");
	ictx = tu_ctx(0);
	vd = tu_vdev("d0");
	vk = tu_vdev("k0");
	assert_true(vd->registered);
	assert_false(vk->registered);
	c0 = tu_census();

	tu_enter();
	assert_int_equal(vfio_register_group_dev(vd), -EBUSY);
	assert_true(vd->registered);
	assert_int_equal(vfio_unregister_group_dev(vk), -ENODEV);
	assert_false(vk->registered);
	/* Nothing to undo while unbound */
	vfio_iommufd_physical_unbind(vd);
	vfio_iommufd_physical_detach(vd, IOMMU_NO_PASID);
	pt = world_get()->ioas_id[0];
	assert_int_equal(vfio_iommufd_physical_attach(vd, IOMMU_NO_PASID, &pt),
			 -EINVAL);
	tu_leave();
	tu_expect_no_findings();
	tu_assert_census(c0);
	assert_null(vd->iommufd_device);
	assert_int_equal(tu_xa_count(&ictx->objects), 1);

	tu_enter();
	assert_int_equal(vfio_device_cdev_open_bind(vd, ictx, &devid), 0);
	tu_leave();
	tu_expect_no_findings();
	idev = vd->iommufd_device;
	assert_non_null(idev);
	assert_int_equal(vd->devid, devid);
	assert_ptr_equal(vd->iommufd_ictx, ictx);

	tu_snap_take(&before);
	tu_enter();
	assert_int_equal(vfio_iommufd_physical_bind(vd, ictx, &devid2),
			 -EINVAL);
	assert_int_equal(vfio_unregister_group_dev(vd), -EBUSY);
	pt = world_get()->ioas_id[0];
	assert_int_equal(vfio_iommufd_physical_attach(vd, VFIO_MAX_PASIDS,
						      &pt), -EINVAL);
	vfio_iommufd_physical_detach(vd, VFIO_MAX_PASIDS);
	/* Not attached on NO_PASID: a no-op too */
	vfio_iommufd_physical_detach(vd, IOMMU_NO_PASID);
	tu_leave();
	tu_expect_no_findings();
	tu_assert_unchanged(&before);
	assert_int_equal(devid2, 0xbeef);
	assert_ptr_equal(vd->iommufd_device, idev);
	assert_true(vd->registered);
	assert_int_equal(tu_users(&idev->obj), 2);
	assert_false(vd->attached[IOMMU_NO_PASID]);

	tu_enter();
	vfio_iommufd_physical_unbind(vd);
	tu_leave();
	tu_expect_no_findings();
	assert_null(vd->iommufd_device);
	assert_int_equal(vd->devid, 0);
	/* Only the IOAS is left */
	assert_int_equal(tu_xa_count(&ictx->objects), 1);
	assert_null(tu_obj(ictx, devid));
	assert_int_equal(tu_census_tag("iommufd_device"), 0);

	tu_enter();
	vfio_iommufd_physical_unbind(vd);
	assert_int_equal(vfio_unregister_group_dev(vd), 0);
	tu_leave();
	tu_expect_no_findings();
	assert_false(vd->registered);
	tu_assert_census_count(c0);
	assert_group_unowned(tu_group("g0"));
}

/*
 * Registering a device without an iommu_group as VFIO noiommu: refused
 * with -EINVAL while enable_unsafe_noiommu_mode is off; with it on, a
 * failing iommu_group_alloc() gives -ENOMEM with no group, no taint and
 * no allocation left (kernel-facts.md section 6).
 */
static void vfio_noiommu_register_failures(void **state)
{
	struct sim_settings *set;
	struct vfio_device *vn;
	struct tu_census c0;
	struct device *n0;
	int next_id;

	(void)state;
	tu_boot("group g0\n"
		"device n0 group=none iommu=none driver=kernel\n"
		"ctx c0\n"
		"boot CONFIG_VFIO_NOIOMMU=1 enable_unsafe_noiommu_mode=0 "
		"CONFIG_IOMMUFD_NOIOMMU=1\n");
	set = &sim_kernel()->settings;
	vn = tu_vdev("n0");
	n0 = tu_dev("n0");
	c0 = tu_census();
	next_id = sim_kernel()->next_group_id;

	tu_enter();
	assert_int_equal(vfio_register_group_dev(vn), -EINVAL);
	tu_leave();
	tu_expect_no_findings();
	assert_false(vn->registered);

	set->enable_unsafe_noiommu_mode = true;
	tu_enter_fault_site("vfio_register_group_dev:iommu_group_alloc", 1);
	assert_int_equal(vfio_register_group_dev(vn), -ENOMEM);
	tu_leave();
	assert_int_equal(sim_fault_nr_injected(), 1);
	tu_expect_no_findings();
	assert_false(vn->registered);
	assert_false(vn->noiommu);
	assert_null(vn->noiommu_group);
	assert_null(n0->iommu_group);
	assert_int_equal(sim_kernel()->taint, 0);
	assert_int_equal(sim_kernel()->next_group_id, next_id);
	tu_assert_census(c0);

	/* Without the fault it registers, tainting the kernel */
	tu_enter();
	assert_int_equal(vfio_register_group_dev(vn), 0);
	tu_leave();
	tu_expect_no_findings();
	assert_true(vn->registered);
	assert_true(vn->noiommu);
	assert_non_null(n0->iommu_group);
	assert_int_not_equal(sim_kernel()->taint, 0);
	tu_enter();
	assert_int_equal(vfio_unregister_group_dev(vn), 0);
	tu_leave();
	tu_expect_no_findings();
	assert_null(n0->iommu_group);
	tu_assert_census(c0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, tu_setup, tu_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(ctx_has_group_and_device_accessors),
		T(replace_to_other_ioas_moves_reservations),
		T(replace_to_other_ioas_faults_unwind),
		T(replace_device_not_attached_einval),
		T(fops_open_failures),
		T(ioas_alloc_and_map_failures),
		T(hwpt_alloc_bad_arguments),
		T(destroy_errors),
		T(tombstone_keeps_id_reserved),
		T(lock_obj_needs_both_counts),
		T(bind_iommu_device_without_group_enodev),
		T(vfio_misuse),
		T(vfio_noiommu_register_failures),
	};

	return cmocka_run_group_tests_name("model_paths", tests, NULL, NULL);
}
