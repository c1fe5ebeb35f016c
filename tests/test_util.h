/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared helpers of the model tests (test_facts.c, test_bind_faults.c):
 * booting a world from text, one-syscall brackets around model calls,
 * findings, the heap census and a snapshot of the observable state.
 *
 * Include after <cmocka.h> (and the headers cmocka needs).
 */
#ifndef _BINDSIM_TEST_UTIL_H
#define _BINDSIM_TEST_UTIL_H

#include <stdio.h>
#include <string.h>

#include "iommufd_private.h"
#include "vfio.h"
#include "world.h"

/* The spec of the booted world: struct world points into it. */
static struct world_spec tu_spec __maybe_unused;

/* ------------------------------------------------------------ findings */

static inline void tu_dump_findings(void)
{
	unsigned int i;

	for (i = 0; i < sim_nr_findings(); i++) {
		const struct sim_finding *f = sim_finding(i);

		print_message("finding %u: %s at %s:%d %s: %s\n", i,
			      sim_finding_kind_name(f->kind),
			      f->site ? f->site->file : "?",
			      f->site ? f->site->line : 0,
			      f->site ? f->site->func : "?", f->msg);
	}
}

/*
 * A recorded finding of @kind whose site is in function @func (NULL: any)
 * and whose message contains @substr (NULL: any).
 */
static inline const struct sim_finding *
tu_find_finding(enum sim_finding_kind kind, const char *func,
		const char *substr)
{
	unsigned int i;

	for (i = 0; i < sim_nr_findings(); i++) {
		const struct sim_finding *f = sim_finding(i);

		if (f->kind != kind)
			continue;
		if (func && (!f->site || !f->site->func ||
			     strcmp(f->site->func, func)))
			continue;
		if (substr && !strstr(f->msg, substr))
			continue;
		return f;
	}
	return NULL;
}

static inline void tu_expect_finding(enum sim_finding_kind kind,
				     const char *func, const char *substr)
{
	if (!tu_find_finding(kind, func, substr)) {
		tu_dump_findings();
		fail_msg("expected a %s finding in %s containing \"%s\"",
			 sim_finding_kind_name(kind),
			 func ? func : "any function", substr ? substr : "");
	}
}

static inline void tu_expect_no_findings(void)
{
	if (sim_nr_findings()) {
		tu_dump_findings();
		fail_msg("%u unexpected finding(s)", sim_nr_findings());
	}
}

/* ---------------------------------------------------------- the world */

/* Parse @text, boot its first boot variant, return the world. */
static inline struct world *tu_boot(const char *text)
{
	char err[256];
	int rc;

	if (world_parse(text, "test", &tu_spec, err, sizeof(err)))
		fail_msg("world_parse: %s", err);
	rc = world_boot(&tu_spec, 0);
	if (rc) {
		tu_dump_findings();
		fail_msg("world_boot: %d", rc);
	}
	sim_oops_arm(NULL);
	return world_get();
}

static inline int tu_dev_index(const char *name)
{
	int i = world_dev_index(&tu_spec, name);

	if (i < 0)
		fail_msg("no device %s in the world", name);
	return i;
}

static inline struct device *tu_dev(const char *name)
{
	return world_get()->devs[tu_dev_index(name)];
}

static inline struct vfio_device *tu_vdev(const char *name)
{
	return &world_get()->vdev[tu_dev_index(name)];
}

static inline int tu_group_index(const char *name)
{
	unsigned int i;

	for (i = 0; i < tu_spec.nr_groups; i++)
		if (!strcmp(tu_spec.groups[i], name))
			return i;
	fail_msg("no group %s in the world", name);
	return -1;
}

static inline struct iommu_group *tu_group(const char *name)
{
	return world_get()->groups[tu_group_index(name)];
}

/* The group's reference count right after boot. */
static inline unsigned int tu_group_ref0(const char *name)
{
	return world_get()->group_ref0[tu_group_index(name)];
}

static inline struct iommufd_ctx *tu_ctx(unsigned int i)
{
	return world_get()->ctx[i];
}

/* ------------------------------------------------------ model accessors */

static inline struct iommufd_object *tu_obj(struct iommufd_ctx *ictx, u32 id)
{
	return sim_xa_raw(&ictx->objects, id);
}

static inline struct iommufd_ioas *tu_ioas(struct iommufd_ctx *ictx, u32 id)
{
	struct iommufd_object *obj = tu_obj(ictx, id);

	assert_non_null(obj);
	assert_ptr_not_equal(obj, XA_ZERO_ENTRY);
	assert_int_equal(obj->type, IOMMUFD_OBJ_IOAS);
	return container_of(obj, struct iommufd_ioas, obj);
}

static inline struct iommufd_hw_pagetable *tu_hwpt(struct iommufd_ctx *ictx,
						   u32 id)
{
	struct iommufd_object *obj = tu_obj(ictx, id);

	assert_non_null(obj);
	assert_ptr_not_equal(obj, XA_ZERO_ENTRY);
	assert_int_equal(obj->type, IOMMUFD_OBJ_HWPT_PAGING);
	return container_of(obj, struct iommufd_hw_pagetable, obj);
}

static inline unsigned int tu_users(const struct iommufd_object *obj)
{
	return refcount_read(&obj->users);
}

static inline unsigned int tu_wait_cnt(const struct iommufd_object *obj)
{
	return refcount_read(&obj->wait_cnt);
}

static inline unsigned int tu_fcount(const struct iommufd_ctx *ictx)
{
	return refcount_read(&ictx->file->f_count);
}

/* The igroup published for @group in @ictx->groups (raw slot). */
static inline struct iommufd_group *tu_igroup(struct iommufd_ctx *ictx,
					      struct iommu_group *group)
{
	return sim_xa_raw(&ictx->groups, group->id);
}

/* The attach record of @igroup for @pasid (raw: may be a reservation). */
static inline struct iommufd_attach *tu_attach(struct iommufd_group *igroup,
					       ioasid_t pasid)
{
	return sim_xa_raw(&igroup->pasid_attach, pasid);
}

/* Visible entries of an xarray. */
static inline unsigned int tu_xa_count(struct xarray *xa)
{
	unsigned long index = 0;
	unsigned int n = 0;

	while (sim_xa_find(xa, &index)) {
		n++;
		index++;
	}
	return n;
}

static inline unsigned int tu_list_count(struct list_head *head)
{
	struct list_head *p;
	unsigned int n = 0;

	for (p = head->next; p != head; p = p->next)
		n++;
	return n;
}

/* ------------------------------------------------------------ census */

#define TU_CENSUS_MAX 2048

struct tu_census {
	unsigned int count;
	size_t bytes;
};

static inline struct tu_census tu_census(void)
{
	static struct sim_alloc_info info[TU_CENSUS_MAX];
	struct tu_census c = { 0, 0 };
	unsigned int i, n;

	c.count = sim_census(SIM_CLASS_KERNEL, info, TU_CENSUS_MAX);
	n = c.count < TU_CENSUS_MAX ? c.count : TU_CENSUS_MAX;
	for (i = 0; i < n; i++)
		c.bytes += info[i].size;
	return c;
}

/* Tags are type names, with or without "struct " (kzalloc_obj). */
static inline bool tu_tag_is(const char *tag, const char *want)
{
	if (!tag)
		return false;
	if (!strncmp(tag, "struct ", 7))
		tag += 7;
	return !strcmp(tag, want);
}

/* Live kernel allocations tagged @tag ("iommufd_group", "file", ...). */
static inline unsigned int tu_census_tag(const char *tag)
{
	static struct sim_alloc_info info[TU_CENSUS_MAX];
	unsigned int i, n, count = 0;

	n = sim_census(SIM_CLASS_KERNEL, info, TU_CENSUS_MAX);
	if (n > TU_CENSUS_MAX)
		n = TU_CENSUS_MAX;
	for (i = 0; i < n; i++)
		count += tu_tag_is(info[i].tag, tag);
	return count;
}

static inline void tu_dump_census(void)
{
	static struct sim_alloc_info info[TU_CENSUS_MAX];
	unsigned int i, n;

	n = sim_census(SIM_CLASS_KERNEL, info, TU_CENSUS_MAX);
	if (n > TU_CENSUS_MAX)
		n = TU_CENSUS_MAX;
	for (i = 0; i < n; i++)
		print_message("  live %s (%zu bytes) from %s\n",
			      info[i].tag ? info[i].tag : "?", info[i].size,
			      info[i].site ? info[i].site->func : "?");
}

static inline void tu_assert_census(struct tu_census want)
{
	struct tu_census now = tu_census();

	if (now.count != want.count || now.bytes != want.bytes) {
		tu_dump_census();
		fail_msg("census %u allocations / %zu bytes, expected %u / %zu",
			 now.count, now.bytes, want.count, want.bytes);
	}
}

/*
 * Count only: an xarray's storage grows in steps and shrinks only when the
 * array empties (as kernel xa_nodes do), so after a sequence that grew one
 * the bytes may differ while the set of live objects is the same.
 */
static inline void tu_assert_census_count(struct tu_census want)
{
	struct tu_census now = tu_census();

	if (now.count != want.count) {
		tu_dump_census();
		fail_msg("census %u allocations, expected %u", now.count,
			 want.count);
	}
}

/* ------------------------------------------------------ fault sites */

static inline const char *tu_site_name(const struct sim_site *site)
{
	static char buf[4][160];
	static unsigned int slot;

	slot = (slot + 1) % 4;
	return sim_site_name(site, buf[slot], sizeof(buf[slot]));
}

/* Fault points passed by the last operation whose name is @name. */
static inline unsigned int tu_sites_passed(const char *name)
{
	unsigned int i, n = 0;

	for (i = 1; i <= sim_fault_count(); i++)
		n += !strcmp(tu_site_name(sim_fault_point(i)), name);
	return n;
}

/* Fault points passed by the last operation whose "what" is @what. */
static inline unsigned int tu_sites_passed_what(const char *what)
{
	unsigned int i, n = 0;

	for (i = 1; i <= sim_fault_count(); i++) {
		const struct sim_site *s = sim_fault_point(i);

		n += s && s->what && !strcmp(s->what, what);
	}
	return n;
}

static inline void tu_dump_sites_passed(void)
{
	unsigned int i;

	for (i = 1; i <= sim_fault_count(); i++)
		print_message("  fault point %u: %s\n", i,
			      tu_site_name(sim_fault_point(i)));
}

/* ------------------------------------------------- one system call */

/*
 * A model call as one system call: no finding may be pending from the
 * previous step (tests check and clear the ones they expect), transient
 * state is reset, the fault injector counts the points passed (and fails
 * the selected one, see tu_enter_fault*), and on the way out deferred
 * fput work runs and no lock may be held. A simulated oops fails the test.
 */
static sigjmp_buf tu_oops_env __maybe_unused;

static inline void tu_enter_sel(unsigned int nth, const char *site,
				unsigned int hit)
{
	tu_expect_no_findings();
	sim_transient_reset();
	if (nth)
		sim_fault_fail_nth(nth);
	if (site)
		sim_fault_fail_site(site, hit);
	sim_fault_begin();
}

static inline void tu_enter(void)
{
	tu_enter_sel(0, NULL, 0);
}

/* Fail the nth fault point of the call. */
static inline void tu_enter_fault_nth(unsigned int nth)
{
	tu_enter_sel(nth, NULL, 0);
}

/* Fail the hit-th pass of the site named "func:what". */
static inline void tu_enter_fault_site(const char *site, unsigned int hit)
{
	tu_enter_sel(0, site, hit);
}

static inline void tu_leave(void)
{
	sim_fault_end();
	sim_task_work_run();
	if (sim_locks_held())
		fail_msg("%u lock(s) held on return to user space",
			 sim_locks_held());
}

/* Runs @stmt with the oops trap armed (in the caller's frame). */
#define TU_GUARDED(stmt)						\
	do {								\
		if (sigsetjmp(tu_oops_env, 0)) {			\
			sim_oops_arm(NULL);				\
			sim_fault_end();				\
			tu_dump_findings();				\
			fail_msg("simulated oops in %s", #stmt);	\
		}							\
		sim_oops_arm(&tu_oops_env);				\
		stmt;							\
		sim_oops_arm(NULL);					\
	} while (0)

static inline struct iommufd_device *tu_bind(struct iommufd_ctx *ictx,
					     struct device *dev, u32 *id)
{
	struct iommufd_device *idev;

	tu_enter();
	TU_GUARDED(idev = iommufd_device_bind(ictx, dev, id));
	tu_leave();
	return idev;
}

/* Bind that must succeed. */
static inline struct iommufd_device *tu_bind_ok(struct iommufd_ctx *ictx,
						struct device *dev, u32 *id)
{
	struct iommufd_device *idev = tu_bind(ictx, dev, id);

	if (IS_ERR(idev)) {
		tu_dump_findings();
		fail_msg("bind of %s failed: %ld", dev_name(dev),
			 PTR_ERR(idev));
	}
	tu_expect_no_findings();
	return idev;
}

static inline void tu_unbind(struct iommufd_device *idev)
{
	tu_enter();
	TU_GUARDED(iommufd_device_unbind(idev));
	tu_leave();
}

static inline int tu_attach_pt(struct iommufd_device *idev, ioasid_t pasid,
			       u32 *pt_id)
{
	int rc;

	tu_enter();
	TU_GUARDED(rc = iommufd_device_attach(idev, pasid, pt_id));
	tu_leave();
	return rc;
}

static inline int tu_replace_pt(struct iommufd_device *idev, ioasid_t pasid,
				u32 *pt_id)
{
	int rc;

	tu_enter();
	TU_GUARDED(rc = iommufd_device_replace(idev, pasid, pt_id));
	tu_leave();
	return rc;
}

static inline void tu_detach(struct iommufd_device *idev, ioasid_t pasid)
{
	tu_enter();
	TU_GUARDED(iommufd_device_detach(idev, pasid));
	tu_leave();
}

static inline int tu_hwpt_alloc(struct iommufd_ctx *ictx, u32 dev_id,
				u32 pt_id, u32 flags, u32 *out_id)
{
	int rc;

	tu_enter();
	TU_GUARDED(rc = iommufd_hwpt_alloc_ioctl(ictx, dev_id, pt_id, flags,
						 out_id));
	tu_leave();
	return rc;
}

static inline int tu_destroy(struct iommufd_ctx *ictx, u32 id)
{
	int rc;

	tu_enter();
	TU_GUARDED(rc = iommufd_destroy(ictx, id));
	tu_leave();
	return rc;
}

/* close(2) of the iommufd: drop the descriptor's file reference. */
static inline void tu_close(struct iommufd_ctx *ictx)
{
	tu_enter();
	TU_GUARDED(fput(ictx->file));
	tu_leave();
}

/* ------------------------------------------------- state snapshot */

/*
 * What a failed call must leave as it found: the heap census, every
 * context's object table and groups table (raw slots, so reservations
 * count), its file reference, and every world group's DMA ownership,
 * domain, attachments and reference count.
 */
#define TU_SNAP_IDS 24
#define TU_SNAP_GIDS 16

struct tu_snap {
	struct tu_census census;
	unsigned long taint;
	struct {
		bool live;
		void *objects[TU_SNAP_IDS];
		unsigned int objects_nr;
		void *groups[TU_SNAP_GIDS];
		unsigned int groups_nr;
		unsigned int f_count;
	} ctx[W_MAX_CTXS];
	struct {
		void *owner;
		unsigned int owner_cnt;
		void *domain;
		unsigned int ref;
		unsigned int pasids;
	} group[W_MAX_GROUPS];
};

static inline void tu_snap_take(struct tu_snap *s)
{
	struct world *w = world_get();
	unsigned int i, k;

	memset(s, 0, sizeof(*s));
	s->census = tu_census();
	s->taint = sim_kernel()->taint;
	for (i = 0; i < tu_spec.nr_ctxs; i++) {
		struct iommufd_ctx *ictx = w->ctx[i];

		if (!ictx)
			continue;
		s->ctx[i].live = true;
		for (k = 0; k < TU_SNAP_IDS; k++)
			s->ctx[i].objects[k] = sim_xa_raw(&ictx->objects, k);
		s->ctx[i].objects_nr = ictx->objects.nr;
		for (k = 0; k < TU_SNAP_GIDS; k++)
			s->ctx[i].groups[k] = sim_xa_raw(&ictx->groups, k);
		s->ctx[i].groups_nr = ictx->groups.nr;
		s->ctx[i].f_count = tu_fcount(ictx);
	}
	for (i = 0; i < tu_spec.nr_groups; i++) {
		struct iommu_group *g = w->groups[i];

		s->group[i].owner = g->owner;
		s->group[i].owner_cnt = g->owner_cnt;
		s->group[i].domain = g->domain;
		s->group[i].ref = refcount_read(&g->ref);
		s->group[i].pasids = g->pasid_array.nr;
	}
}

#define TU_DIFF(label, fmt, a, b)					\
	do {								\
		if ((a) != (b)) {					\
			print_message("  %s: " fmt " -> " fmt "\n",	\
				      label, a, b);			\
			n++;						\
		}							\
	} while (0)

/* Prints every difference; returns how many there are. */
static inline unsigned int tu_snap_diff(const struct tu_snap *a,
					const struct tu_snap *b)
{
	char label[64];
	unsigned int i, k, n = 0;

	TU_DIFF("census count", "%u", a->census.count, b->census.count);
	TU_DIFF("census bytes", "%zu", a->census.bytes, b->census.bytes);
	TU_DIFF("taint", "%#lx", a->taint, b->taint);
	for (i = 0; i < W_MAX_CTXS; i++) {
		if (!a->ctx[i].live)
			continue;
		for (k = 0; k < TU_SNAP_IDS; k++) {
			snprintf(label, sizeof(label), "ctx%u objects[%u]", i,
				 k);
			TU_DIFF(label, "%p", a->ctx[i].objects[k],
				b->ctx[i].objects[k]);
		}
		snprintf(label, sizeof(label), "ctx%u objects.nr", i);
		TU_DIFF(label, "%u", a->ctx[i].objects_nr,
			b->ctx[i].objects_nr);
		for (k = 0; k < TU_SNAP_GIDS; k++) {
			snprintf(label, sizeof(label), "ctx%u groups[%u]", i,
				 k);
			TU_DIFF(label, "%p", a->ctx[i].groups[k],
				b->ctx[i].groups[k]);
		}
		snprintf(label, sizeof(label), "ctx%u groups.nr", i);
		TU_DIFF(label, "%u", a->ctx[i].groups_nr, b->ctx[i].groups_nr);
		snprintf(label, sizeof(label), "ctx%u file f_count", i);
		TU_DIFF(label, "%u", a->ctx[i].f_count, b->ctx[i].f_count);
	}
	for (i = 0; i < W_MAX_GROUPS; i++) {
		snprintf(label, sizeof(label), "group%u owner", i);
		TU_DIFF(label, "%p", a->group[i].owner, b->group[i].owner);
		snprintf(label, sizeof(label), "group%u owner_cnt", i);
		TU_DIFF(label, "%u", a->group[i].owner_cnt,
			b->group[i].owner_cnt);
		snprintf(label, sizeof(label), "group%u domain", i);
		TU_DIFF(label, "%p", a->group[i].domain, b->group[i].domain);
		snprintf(label, sizeof(label), "group%u ref", i);
		TU_DIFF(label, "%u", a->group[i].ref, b->group[i].ref);
		snprintf(label, sizeof(label), "group%u pasid_array.nr", i);
		TU_DIFF(label, "%u", a->group[i].pasids, b->group[i].pasids);
	}
	return n;
}

#undef TU_DIFF

/* The current state must equal @before. */
static inline void tu_assert_unchanged(const struct tu_snap *before)
{
	struct tu_snap now;

	tu_snap_take(&now);
	if (tu_snap_diff(before, &now)) {
		tu_dump_census();
		fail_msg("a failed call changed the observable state");
	}
}

/* ------------------------------------------------- fixture hooks */

static inline int tu_setup(void **state)
{
	(void)state;
	sim_heap_reset();
	sim_transient_reset();
	sim_oops_arm(NULL);
	return 0;
}

/* Every test ends with no pending finding and no held lock. */
static inline int tu_teardown(void **state)
{
	int rc = 0;

	(void)state;
	sim_oops_arm(NULL);
	sim_fault_end();
	sim_fault_clear();
	if (sim_nr_findings()) {
		tu_dump_findings();
		print_error("%u finding(s) left at the end of the test\n",
			    sim_nr_findings());
		rc = -1;
	}
	if (sim_locks_held()) {
		print_error("%u lock(s) still held\n", sim_locks_held());
		rc = -1;
	}
	sim_transient_reset();
	return rc;
}

#endif /* _BINDSIM_TEST_UTIL_H */
