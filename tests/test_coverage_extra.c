/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shim contracts the explorer cannot reach (build issue 6, coverage).
 *
 * The explorer runs the model with the oops trap armed, with well-formed
 * arguments, and never corrupts state, so the shims' defensive paths stay
 * dark there: a NULL or freed pointer handed to a primitive with the trap
 * disarmed (the primitive must record the oops and return a harmless value
 * rather than crash the tool), internal xarray entries, reserved slots, the
 * held-lock stack overflowing, the deferred-fput queue overflowing, a heap
 * image that is blank or of a bad size. Each test asserts the return value,
 * the finding (kind, message, site) and that nothing else changed.
 *
 * Calls go to the sim_*() functions with sites made by SIM_SITE(), never
 * through the SIM_FAULT_SITE() macros (kzalloc, xa_store, ...): this binary
 * links no fault site, which test_no_fault_sites_linked relies on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bindsim/sim.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "shim_fixture.h"

/* ---------------------------------------------------------- fixtures */

/* The shim fixtures, and no lock may be left held by a test. */
static int teardown_locks(void **state)
{
	shim_teardown(state);
	if (sim_locks_held()) {
		print_error("%u lock(s) still held\n", sim_locks_held());
		return -1;
	}
	return 0;
}

static void dump_findings(void)
{
	unsigned int i;

	for (i = 0; i < sim_nr_findings(); i++)
		print_message("finding %u: %s: %s\n", i,
			      sim_finding_kind_name(sim_finding(i)->kind),
			      sim_finding(i)->msg);
}

/*
 * Exactly one finding of @kind containing @msg, at @site (or, with site
 * NULL, at a site whose "what" is @what); then forget it.
 */
static void expect_one(enum sim_finding_kind kind, const char *msg,
		       const struct sim_site *site, const char *what)
{
	const struct sim_finding *f;

	if (sim_nr_findings() != 1) {
		dump_findings();
		fail_msg("%u findings, expected one %s \"%s\"",
			 sim_nr_findings(), sim_finding_kind_name(kind), msg);
	}
	f = sim_finding(0);
	assert_int_equal(f->kind, kind);
	if (!strstr(f->msg, msg))
		fail_msg("finding \"%s\" lacks \"%s\"", f->msg, msg);
	if (site)
		assert_ptr_equal(f->site, site);
	if (what) {
		assert_non_null(f->site);
		assert_string_equal(f->site->what, what);
	}
	sim_clear_findings();
}

#define expect_null_oops(site) \
	expect_one(SIM_F_OOPS, "NULL pointer dereference", (site), NULL)

static void expect_none(void)
{
	if (sim_nr_findings()) {
		dump_findings();
		fail_msg("%u unexpected finding(s)", sim_nr_findings());
	}
}

/* Runs fn in a child with stderr silenced; returns its exit status. */
static int child_exit_status(void (*fn)(void))
{
	int status;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0)
			dup2(fd, 2);
		fn();
		exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* --------------------------------------------------------- core.c */

static void test_finding_kind_names(void **state)
{
	(void)state;
	assert_string_equal(sim_finding_kind_name(SIM_F_LEAK), "leak");
	assert_string_equal(sim_finding_kind_name(SIM_F_NR), "unknown");
	assert_int_equal(sim_finding_kind_parse("double-free"),
			 SIM_F_DOUBLE_FREE);
	assert_int_equal(sim_finding_kind_parse("bogus"), -1);
	assert_int_equal(sim_finding_kind_parse(NULL), -1);
}

static void test_site_names(void **state)
{
	static const struct sim_site anon = { "f.c", 1, NULL, NULL };
	char buf[32];

	(void)state;
	strcpy(buf, "kept");
	/* no room: the buffer is left alone */
	assert_ptr_equal(sim_site_name(&anon, buf, 0), buf);
	assert_string_equal(buf, "kept");
	assert_string_equal(sim_site_name(NULL, buf, sizeof(buf)), "?:?");
	assert_string_equal(sim_site_name(&anon, buf, sizeof(buf)), "?:?");
	assert_string_equal(sim_site_name(SIM_SITE("what"), buf, sizeof(buf)),
			    "test_site_names:what");
}

/* A selection by a name the injector cannot hold fails nothing. */
static void test_fault_bad_site_names(void **state)
{
	const struct sim_site *site = SIM_SITE("kzalloc");
	char long_func[200], long_what[200];
	const char *names[4];
	unsigned int i;

	(void)state;
	memset(long_func, 'f', sizeof(long_func));
	strcpy(long_func + 150, ":kzalloc");
	memset(long_what, 'w', sizeof(long_what));
	memcpy(long_what, "test_fault_bad_site_names:", 26);
	long_what[sizeof(long_what) - 1] = '\0';
	names[0] = long_func;		/* func part too long */
	names[1] = long_what;		/* what part too long */
	names[2] = "no-colon";
	names[3] = NULL;
	for (i = 0; i < 4; i++) {
		sim_fault_clear();
		sim_fault_fail_site(names[i], 1);
		sim_fault_begin();
		assert_false(sim_should_fail(site));
		sim_fault_end();
		assert_int_equal(sim_fault_count(), 1);
		assert_int_equal(sim_fault_nr_injected(), 0);
	}
	/* hit 0 selects nothing either, even with the right name */
	sim_fault_clear();
	sim_fault_fail_site("test_fault_bad_site_names:kzalloc", 0);
	sim_fault_begin();
	assert_false(sim_should_fail(site));
	sim_fault_end();
	/* and the right name with hit 1 does fail: the names above were it */
	sim_fault_clear();
	sim_fault_fail_site("test_fault_bad_site_names:kzalloc", 1);
	sim_fault_begin();
	assert_true(sim_should_fail(site));
	sim_fault_end();
	expect_none();
}

/* Points beyond the 64 recorded are still injected and reported. */
static void test_fault_beyond_record(void **state)
{
	const struct sim_site *site = SIM_SITE("kzalloc");
	unsigned int i, failed = 0;

	(void)state;
	sim_fault_fail_nth(70);
	sim_fault_begin();
	for (i = 1; i <= 72; i++)
		if (sim_should_fail(site)) {
			assert_int_equal(i, 70);
			failed++;
		}
	sim_fault_end();
	assert_int_equal(failed, 1);
	assert_int_equal(sim_fault_count(), 72);
	assert_int_equal(sim_fault_nr_injected(), 1);
	assert_true(sim_fault_was_injected(70));
	assert_false(sim_fault_was_injected(69));
	assert_false(sim_fault_was_injected(71));
	assert_false(sim_fault_was_injected(73));	/* never passed */
	assert_false(sim_fault_was_injected(0));
	assert_ptr_equal(sim_fault_point(64), site);
	assert_null(sim_fault_point(65));		/* beyond the record */
}

/* Without a bindsim_fault_sites section the list is empty, not garbage. */
static void test_no_fault_sites_linked(void **state)
{
	unsigned int nr = 12345;

	(void)state;
	assert_null(sim_fault_sites(&nr));
	assert_int_equal(nr, 0);
}

/* Use after free and double free of a block with no tag and no site. */
static void test_uaf_of_anonymous_block(void **state)
{
	const struct sim_site *site = SIM_SITE("deref p");
	void *p;

	(void)state;
	p = sim_alloc(24, GFP_KERNEL, SIM_CLASS_KERNEL, NULL, NULL);
	assert_non_null(p);
	sim_free(p, site);
	expect_none();

	assert_false(__sim_deref(p, site));
	assert_int_equal(sim_nr_findings(), 1);
	assert_null(sim_finding(0)->alloc_site);
	assert_null(sim_finding(0)->alloc_tag);
	/* named by slab size, with no "allocated at" */
	assert_string_equal(sim_finding(0)->msg, "use-after-free of kmalloc-32");
	expect_one(SIM_F_OOPS, "use-after-free", site, NULL);

	sim_free(p, site);
	expect_one(SIM_F_DOUBLE_FREE, "double free of kmalloc-32", site, NULL);
	assert_int_equal(sim_census(SIM_CLASS_KERNEL, NULL, 0), 0);
}

/* --------------------------------------------------------- heap.c */

/* A blank heap image is re-initialised on next use, not trusted. */
static void test_heap_blank_image_reinitialises(void **state)
{
	size_t base;
	void *blank, *p;

	(void)state;
	base = sim_heap_used();
	p = sim_alloc(64, 0, SIM_CLASS_KERNEL, "x", SIM_SITE("x"));
	assert_non_null(p);
	sim_kernel()->taint = 1;
	assert_true(sim_heap_used() > base);

	blank = calloc(1, base);
	assert_non_null(blank);
	sim_heap_restore(blank, base);
	free(blank);
	/* first use: a fresh arena (no block, settings and taint zero) */
	assert_int_equal(sim_kernel()->taint, 0);
	assert_int_equal(sim_heap_used(), base);
	assert_int_equal(sim_census(SIM_CLASS_KERNEL, NULL, 0), 0);
	assert_false(sim_alloc_lookup(p, NULL));
	expect_none();
}

static void restore_bad_size(void)
{
	static char img[16];

	sim_heap_restore(img, sizeof(img));
}

static void restore_too_big(void)
{
	sim_heap_restore(NULL, (size_t)SIM_HEAP_SIZE + 1);
}

static void alloc_too_big(void)
{
	sim_alloc((size_t)SIM_HEAP_SIZE + 1, GFP_KERNEL, SIM_CLASS_KERNEL,
		  "huge", SIM_SITE("huge"));
}

static void test_heap_bad_sizes_exit(void **state)
{
	(void)state;
	assert_int_equal(child_exit_status(restore_bad_size), 2);
	assert_int_equal(child_exit_status(restore_too_big), 2);
	assert_int_equal(child_exit_status(alloc_too_big), 2);
}

static unsigned int nr_released;

static void count_release(struct file *file)
{
	(void)file;
	nr_released++;
}

/* More final fputs than the task-work queue holds: the rest release now. */
static void test_fput_queue_overflow(void **state)
{
	const struct sim_site *site = SIM_SITE("fput");
	const unsigned int nq = ARRAY_SIZE(sim_kernel()->deferred);
	struct file *f[ARRAY_SIZE(sim_kernel()->deferred) + 2];
	unsigned int i;

	(void)state;
	nr_released = 0;
	for (i = 0; i < nq + 2; i++) {
		f[i] = sim_file_alloc(count_release, NULL, site);
		assert_non_null(f[i]);
	}
	for (i = 0; i < nq + 2; i++)
		sim_fput(f[i], site);
	assert_int_equal(sim_kernel()->nr_deferred, nq);
	assert_int_equal(nr_released, 2);
	sim_task_work_run();
	assert_int_equal(nr_released, nq + 2);
	assert_int_equal(sim_kernel()->nr_deferred, 0);
	assert_int_equal(sim_census(SIM_CLASS_KERNEL, NULL, 0), 0);
	expect_none();
}

/* ------------------------------------------------------ refcount.c */

static void test_refcount_null(void **state)
{
	const struct sim_site *site = SIM_SITE("refcount");

	(void)state;
	sim_refcount_add(1, NULL, site);
	expect_null_oops(site);
	assert_false(sim_refcount_add_not_zero(1, NULL, site));
	expect_null_oops(site);
	assert_false(sim_refcount_sub_and_test(1, NULL, site));
	expect_null_oops(site);
	sim_refcount_dec(NULL, site);
	expect_null_oops(site);
	assert_false(sim_refcount_dec_if_one(NULL, site));
	expect_null_oops(site);
}

/* ---------------------------------------------------------- lock.c */

static void test_lock_null(void **state)
{
	const struct sim_site *site = SIM_SITE("lock");

	(void)state;
	sim_mutex_init(NULL, "m");
	expect_one(SIM_F_OOPS, "NULL pointer dereference", NULL, "mutex_init");
	sim_mutex_lock(NULL, site);
	expect_null_oops(site);
	sim_mutex_unlock(NULL, site);
	expect_null_oops(site);
	sim_mutex_destroy(NULL, site);
	expect_null_oops(site);
	assert_false(sim_mutex_is_locked(NULL));
	expect_one(SIM_F_OOPS, "NULL pointer dereference", NULL,
		   "mutex_is_locked");
	sim_spin_lock_init(NULL, "s");
	expect_one(SIM_F_OOPS, "NULL pointer dereference", NULL,
		   "spin_lock_init");
	sim_spin_lock(NULL, site);
	expect_null_oops(site);
	sim_spin_unlock(NULL, site);
	expect_null_oops(site);
	sim_lockdep_assert_mutex(NULL, true, site);
	expect_null_oops(site);
	sim_lockdep_assert_spin(NULL, true, site);
	expect_null_oops(site);
	assert_int_equal(sim_locks_held(), 0);
	assert_int_equal(__sim_spins_held(), 0);
}

/* The held stack has 16 slots; one more lock is a finding, not a crash. */
static void test_held_stack_overflow(void **state)
{
	static struct mutex m[17];
	const struct sim_site *site = SIM_SITE("mutex_lock");
	unsigned int i;

	(void)state;
	for (i = 0; i < 17; i++)
		sim_mutex_init(&m[i], "&m[i]");
	for (i = 0; i < 16; i++)
		sim_mutex_lock(&m[i], site);
	expect_none();
	sim_mutex_lock(&m[16], site);
	expect_one(SIM_F_LOCK, "too many locks held taking &m[i] (max 16)",
		   site, NULL);
	assert_int_equal(sim_locks_held(), 16);
	assert_true(sim_mutex_is_locked(&m[16]));	/* held, untracked */
	for (i = 17; i-- > 0;)
		sim_mutex_unlock(&m[i], site);
	expect_none();
	assert_int_equal(sim_locks_held(), 0);
	assert_false(sim_mutex_is_locked(&m[16]));
}

static void test_assert_not_held(void **state)
{
	const struct sim_site *taken = SIM_SITE("mutex_lock");
	const struct sim_site *site = SIM_SITE("lockdep_assert_not_held");
	struct mutex m;
	spinlock_t s;

	(void)state;
	sim_mutex_init(&m, "&m");
	sim_spin_lock_init(&s, "&s");
	sim_lockdep_assert_mutex(&m, false, site);
	sim_lockdep_assert_spin(&s, false, site);
	expect_none();
	sim_mutex_lock(&m, taken);
	sim_lockdep_assert_mutex(&m, false, site);
	expect_one(SIM_F_LOCK, "lockdep_assert_not_held(&m) failed: held since",
		   site, NULL);
	sim_spin_lock(&s, taken);
	sim_lockdep_assert_spin(&s, false, site);
	expect_one(SIM_F_LOCK, "lockdep_assert_not_held(&s) failed", site,
		   NULL);
	sim_spin_unlock(&s, taken);
	sim_mutex_unlock(&m, taken);
	expect_none();
}

/* -------------------------------------------------------- xarray.c */

static void test_xa_null(void **state)
{
	const struct sim_site *site = SIM_SITE("xa");
	struct xarray xa;
	unsigned long index = 0;
	u32 id = 0;
	int v;

	(void)state;
	sim_xa_init_flags(NULL, 0);
	expect_one(SIM_F_OOPS, "NULL pointer dereference", NULL,
		   "xa_init_flags");
	assert_null(sim_xa_load(NULL, 0, site));
	expect_null_oops(site);
	assert_null(sim_xa_store(NULL, 0, &v, GFP_KERNEL, false, site));
	expect_null_oops(site);
	assert_null(sim_xa_erase(NULL, 0, false, site));
	expect_null_oops(site);
	assert_null(sim_xa_cmpxchg(NULL, 0, NULL, &v, GFP_KERNEL, false,
				   site));
	expect_null_oops(site);
	assert_int_equal(sim_xa_insert(NULL, 0, &v, GFP_KERNEL, false, site),
			 -EINVAL);
	expect_null_oops(site);
	assert_int_equal(sim_xa_alloc(NULL, &id, &v, xa_limit_32b, GFP_KERNEL,
				      false, site), -EINVAL);
	expect_null_oops(site);
	assert_true(sim_xa_empty(NULL));
	expect_one(SIM_F_OOPS, "NULL pointer dereference", NULL, "xa_empty");
	sim_xa_destroy(NULL, site);
	expect_null_oops(site);
	assert_null(sim_xa_find(NULL, &index));
	expect_one(SIM_F_OOPS, "NULL pointer dereference", NULL, "xa_find");
	assert_null(sim_xa_raw(NULL, 0));	/* checker helper: silent */
	expect_none();

	/* a NULL id or index pointer on a valid array */
	sim_xa_init_flags(&xa, XA_FLAGS_ALLOC);
	assert_int_equal(sim_xa_alloc(&xa, NULL, &v, xa_limit_32b, GFP_KERNEL,
				      false, site), -EINVAL);
	expect_null_oops(site);
	assert_null(sim_xa_find(&xa, NULL));
	expect_one(SIM_F_OOPS, "NULL pointer dereference", NULL, "xa_find");
	assert_true(sim_xa_empty(&xa));
	assert_int_equal(sim_census(SIM_CLASS_KERNEL, NULL, 0), 0);
}

/* Internal entries (other than XA_ZERO_ENTRY) are refused everywhere. */
static void test_xa_internal_entries(void **state)
{
	const struct sim_site *site = SIM_SITE("xa");
	void *internal = (void *)0x402UL;
	struct xarray xa;
	u32 id = 7;

	(void)state;
	sim_xa_init_flags(&xa, XA_FLAGS_ALLOC);
	assert_int_equal(xa_err(sim_xa_cmpxchg(&xa, 1, NULL, internal,
					       GFP_KERNEL, false, site)),
			 -EINVAL);
	expect_one(SIM_F_WARN, "xarray: storing internal entry", site, NULL);
	assert_int_equal(sim_xa_insert(&xa, 1, internal, GFP_KERNEL, false,
				       site), -EINVAL);
	expect_one(SIM_F_WARN, "xarray: storing internal entry", site, NULL);
	assert_int_equal(sim_xa_alloc(&xa, &id, internal, xa_limit_32b,
				      GFP_KERNEL, false, site), -EINVAL);
	expect_one(SIM_F_WARN, "xarray: storing internal entry", site, NULL);
	assert_int_equal(id, 7);
	assert_true(sim_xa_empty(&xa));
	assert_int_equal(sim_census(SIM_CLASS_KERNEL, NULL, 0), 0);
	assert_int_equal(sim_locks_held(), 0);
}

/* A new index under a spinlock other than xa_lock may sleep: a finding. */
static void test_xa_insert_under_foreign_spinlock(void **state)
{
	const struct sim_site *site = SIM_SITE("xa_insert");
	struct xarray xa;
	spinlock_t s;
	int v;

	(void)state;
	sim_xa_init_flags(&xa, 0);
	sim_spin_lock_init(&s, "&s");
	sim_spin_lock(&s, site);
	/* an atomic insertion is fine */
	assert_int_equal(sim_xa_insert(&xa, 4, &v, GFP_ATOMIC, false, site), 0);
	expect_none();
	assert_int_equal(sim_xa_insert(&xa, 5, &v, GFP_KERNEL, false, site), 0);
	expect_one(SIM_F_LOCK,
		   "sleeping allocation under spinlock (xarray insert)", site,
		   NULL);
	sim_spin_unlock(&s, site);
	assert_ptr_equal(sim_xa_load(&xa, 5, site), &v);
	sim_xa_destroy(&xa, site);
	expect_none();
}

/* ----------------------------------------------------------- iommu.c */

static struct device *mkdev(const char *name, bool iommu, u32 max_pasids)
{
	struct device *dev;

	dev = sim_alloc(sizeof(*dev), 0, SIM_CLASS_WORLD, "device",
			SIM_SITE("fixture"));
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	if (iommu) {
		dev->iommu = sim_alloc(sizeof(*dev->iommu), 0,
				       SIM_CLASS_WORLD, "dev_iommu",
				       SIM_SITE("fixture"));
		dev->iommu->max_pasids = max_pasids;
	}
	return dev;
}

/* A group that has been released (its last reference put). */
static struct iommu_group *freed_group(void)
{
	const struct sim_site *site = SIM_SITE("fixture");
	struct iommu_group *g;

	g = sim_iommu_group_alloc(SIM_CLASS_KERNEL, site);
	assert_non_null(g);
	sim_iommu_group_put(g, site);
	expect_none();
	assert_false(sim_alloc_lookup(g, NULL));
	return g;
}

#define expect_uaf_group(site) \
	expect_one(SIM_F_OOPS, "use-after-free of iommu_group", (site), NULL)

static void test_iommu_queries_null(void **state)
{
	const struct sim_site *site = SIM_SITE("iommu");

	(void)state;
	assert_false(device_iommu_capable(NULL, IOMMU_CAP_CACHE_COHERENCY));
	expect_one(SIM_F_OOPS, "NULL pointer dereference", NULL,
		   "device_iommu_capable");
	assert_false(device_iommu_mapped(NULL));
	expect_one(SIM_F_OOPS, "NULL pointer dereference", NULL,
		   "device_iommu_mapped");
	assert_int_equal(sim_iommu_group_id(NULL, site), -1);
	expect_null_oops(site);
	assert_false(iommu_group_has_isolated_msi(NULL));
	expect_one(SIM_F_OOPS, "NULL pointer dereference", NULL,
		   "iommu_group_has_isolated_msi");
	assert_ptr_equal(sim_iommu_paging_domain_alloc(NULL, false, site),
			 ERR_PTR(-ENODEV));
	expect_null_oops(site);
	assert_int_equal(sim_iommu_map_msi(NULL, 0, site), -EINVAL);
	expect_null_oops(site);
	assert_int_equal(sim_census(SIM_CLASS_KERNEL, NULL, 0), 0);
}

static void test_iommu_group_refs_bad(void **state)
{
	const struct sim_site *site = SIM_SITE("iommu_group_get");
	struct device *dev = mkdev("d0", true, 0);
	struct iommu_group *g;

	(void)state;
	assert_null(sim_iommu_group_get(NULL, site));
	expect_null_oops(site);
	g = freed_group();
	dev->iommu_group = g;		/* a stale pointer */
	assert_null(sim_iommu_group_get(dev, site));
	expect_uaf_group(site);
	sim_iommu_group_put(g, site);	/* no double release */
	expect_uaf_group(site);
	assert_int_equal(sim_census(SIM_CLASS_KERNEL, NULL, 0), 0);
}

static void test_iommu_group_membership_bad(void **state)
{
	const struct sim_site *site = SIM_SITE("iommu_group_remove_device");
	struct device *d0 = mkdev("d0", true, 0), *d1 = mkdev("d1", true, 0);
	struct iommu_group *g, *g2;

	(void)state;
	g = sim_iommu_group_alloc(SIM_CLASS_WORLD, site);
	g2 = sim_iommu_group_alloc(SIM_CLASS_WORLD, site);
	assert_int_equal(iommu_group_add_device(NULL, d0), -EINVAL);
	expect_one(SIM_F_OOPS, "NULL pointer dereference", NULL,
		   "iommu_group_add_device");
	assert_int_equal(iommu_group_add_device(g, d0), 0);
	assert_int_equal(refcount_read(&g->ref), 2);

	/* a device belongs to one group */
	assert_int_equal(iommu_group_add_device(g2, d0), -EBUSY);
	expect_one(SIM_F_WARN, "WARN_ON(dev->iommu_group)", NULL, "WARN_ON");
	assert_int_equal(g2->nr_devices, 0);
	assert_int_equal(refcount_read(&g2->ref), 1);
	assert_ptr_equal(d0->iommu_group, g);

	iommu_group_remove_device(NULL);
	expect_one(SIM_F_OOPS, "NULL pointer dereference", NULL,
		   "iommu_group_remove_device");

	/* d1 claims g2 but is not on its list: WARN, no reference dropped */
	d1->iommu_group = g2;
	iommu_group_remove_device(d1);
	expect_one(SIM_F_WARN, "WARN_ON(!found)", NULL, "WARN_ON");
	assert_null(d1->iommu_group);
	assert_int_equal(refcount_read(&g2->ref), 1);

	/* a stale group pointer is a use after free */
	d1->iommu_group = freed_group();
	iommu_group_remove_device(d1);
	expect_one(SIM_F_OOPS, "use-after-free of iommu_group", NULL,
		   "iommu_group_remove_device");

	iommu_group_remove_device(d0);
	expect_none();
	assert_int_equal(g->nr_devices, 0);
	assert_int_equal(refcount_read(&g->ref), 1);
}

static void test_dma_owner_bad(void **state)
{
	const struct sim_site *site = SIM_SITE("dma_owner");
	struct device *d0 = mkdev("d0", true, 0), *dn = mkdev("dn", false, 0);
	struct iommu_group *g;
	int owner;

	(void)state;
	assert_int_equal(sim_iommu_device_claim_dma_owner(NULL, &owner, site),
			 -EINVAL);
	expect_null_oops(site);
	dn->iommu_group = freed_group();
	assert_int_equal(sim_iommu_device_claim_dma_owner(dn, &owner, site),
			 -ENODEV);
	expect_uaf_group(site);
	sim_iommu_device_release_dma_owner(dn, site);
	expect_uaf_group(site);
	dn->iommu_group = NULL;

	sim_iommu_device_release_dma_owner(NULL, site);
	expect_null_oops(site);
	sim_iommu_device_release_dma_owner(dn, site);
	expect_one(SIM_F_OOPS, "device dn has no iommu_group", site, NULL);

	/* an owner count without an owner cookie: WARN, nothing released */
	g = sim_iommu_group_alloc(SIM_CLASS_WORLD, site);
	assert_int_equal(iommu_group_add_device(g, d0), 0);
	g->owner_cnt = 1;
	sim_iommu_device_release_dma_owner(d0, site);
	expect_one(SIM_F_WARN, "owner is NULL", site, NULL);
	assert_int_equal(g->owner_cnt, 1);
	assert_ptr_equal(g->domain, g->default_domain);
	assert_int_equal(sim_locks_held(), 0);
}

static void test_group_handle_bad(void **state)
{
	const struct sim_site *site = SIM_SITE("group_handle");
	struct device *d0 = mkdev("d0", true, 0);
	struct iommu_attach_handle h = { 0 }, h2 = { 0 };
	struct iommu_domain *dom;
	struct iommu_group *g;

	(void)state;
	g = sim_iommu_group_alloc(SIM_CLASS_WORLD, site);
	assert_int_equal(iommu_group_add_device(g, d0), 0);
	dom = sim_iommu_paging_domain_alloc(d0, false, site);
	assert_false(IS_ERR(dom));

	assert_int_equal(sim_iommu_attach_group_handle(dom, NULL, &h, site),
			 -EINVAL);
	expect_null_oops(site);
	sim_iommu_detach_group_handle(dom, NULL, site);
	expect_null_oops(site);
	assert_int_equal(sim_iommu_replace_group_handle(NULL, dom, &h2, site),
			 -EINVAL);
	expect_null_oops(site);

	/* a reserved NO_PASID slot is busy, though a load sees it empty */
	assert_int_equal(sim_xa_insert(&g->pasid_array, IOMMU_NO_PASID, NULL,
				       0, false, site), 0);
	assert_null(sim_xa_load(&g->pasid_array, IOMMU_NO_PASID, site));
	assert_int_equal(sim_iommu_attach_group_handle(dom, g, &h, site),
			 -EBUSY);
	expect_none();
	assert_ptr_equal(g->domain, g->default_domain);
	assert_null(h.domain);
	assert_ptr_equal(sim_xa_raw(&g->pasid_array, IOMMU_NO_PASID),
			 XA_ZERO_ENTRY);
	assert_int_equal(sim_locks_held(), 0);
}

static void test_pasid_handle_bad(void **state)
{
	const struct sim_site *site = SIM_SITE("pasid_handle");
	struct device *d0 = mkdev("d0", true, 4), *dn = mkdev("dn", true, 4);
	struct iommu_attach_handle h = { 0 };
	struct iommu_domain *dom;
	struct iommu_group *g;

	(void)state;
	g = sim_iommu_group_alloc(SIM_CLASS_WORLD, site);
	assert_int_equal(iommu_group_add_device(g, d0), 0);
	dom = sim_iommu_paging_domain_alloc(d0, true, site);
	assert_false(IS_ERR(dom));

	assert_int_equal(sim_iommu_attach_device_pasid(dom, NULL, 1, &h, site),
			 -EINVAL);
	expect_null_oops(site);
	assert_int_equal(sim_iommu_attach_device_pasid(NULL, d0, 1, &h, site),
			 -EINVAL);
	expect_null_oops(site);
	/* iommufd always passes a handle: refused quietly without one */
	assert_int_equal(sim_iommu_attach_device_pasid(dom, d0, 1, NULL, site),
			 -EINVAL);
	expect_none();

	dn->iommu_group = freed_group();
	assert_int_equal(sim_iommu_attach_device_pasid(dom, dn, 1, &h, site),
			 -EINVAL);
	expect_uaf_group(site);
	sim_iommu_detach_device_pasid(dom, dn, 1, site);
	expect_uaf_group(site);
	dn->iommu_group = NULL;

	sim_iommu_detach_device_pasid(dom, NULL, 1, site);
	expect_null_oops(site);
	sim_iommu_detach_device_pasid(dom, dn, 1, site);
	expect_one(SIM_F_OOPS, "device dn has no iommu_group", site, NULL);

	/* a reserved pasid slot is busy */
	assert_int_equal(sim_xa_insert(&g->pasid_array, 1, NULL, 0, false,
				       site), 0);
	assert_int_equal(sim_iommu_attach_device_pasid(dom, d0, 1, &h, site),
			 -EBUSY);
	expect_none();
	assert_null(h.domain);
	assert_ptr_equal(sim_xa_raw(&g->pasid_array, 1), XA_ZERO_ENTRY);

	assert_ptr_equal(sim_iommu_attach_handle_get(freed_group(), 1, 0, site),
			 ERR_PTR(-ENOENT));
	expect_uaf_group(site);
	assert_int_equal(sim_locks_held(), 0);
}

/* ---------------------------------------------------------- main */

#define T(fn) cmocka_unit_test_setup_teardown(fn, shim_setup, teardown_locks)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_finding_kind_names),
		T(test_site_names),
		T(test_fault_bad_site_names),
		T(test_fault_beyond_record),
		T(test_no_fault_sites_linked),
		T(test_uaf_of_anonymous_block),
		T(test_heap_blank_image_reinitialises),
		T(test_heap_bad_sizes_exit),
		T(test_fput_queue_overflow),
		T(test_refcount_null),
		T(test_lock_null),
		T(test_held_stack_overflow),
		T(test_assert_not_held),
		T(test_xa_null),
		T(test_xa_internal_entries),
		T(test_xa_insert_under_foreign_spinlock),
		T(test_iommu_queries_null),
		T(test_iommu_group_refs_bad),
		T(test_iommu_group_membership_bad),
		T(test_dma_owner_bad),
		T(test_group_handle_bad),
		T(test_pasid_handle_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
