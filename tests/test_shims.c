/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tests of the simulated kernel's primitives (shims/core.c, heap.c,
 * refcount.c, lock.c, xarray.c): one test per contract violation, checking
 * the finding's kind, count, message and site (the test function itself,
 * which proves the primitives capture their caller's site), then the
 * semantics the model relies on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bindsim/sim.h>
#include <bindsim/stack.h>
#include <linux/bug.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/kref.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "shim_fixture.h"

struct foo {
	int a;
	int b[7];
};

struct holder {
	long pad;
	struct mutex lock;
};

/* ---------------------------------------------------------- fixtures */

/* The only finding is of this kind, from func, with msg in its text. */
#define assert_one_finding(kind, msg) check_one((kind), (msg), __func__)

static const struct sim_finding *check_one(enum sim_finding_kind kind,
					   const char *msg, const char *func)
{
	const struct sim_finding *f;

	assert_int_equal(sim_nr_findings(), 1);
	f = sim_finding(0);
	assert_non_null(f);
	assert_int_equal(f->kind, kind);
	if (!strstr(f->msg, msg))
		fail_msg("finding \"%s\" lacks \"%s\"", f->msg, msg);
	assert_non_null(f->site);
	assert_string_equal(f->site->func, func);
	return f;
}

static unsigned int census(enum sim_alloc_class cls)
{
	return sim_census(cls, NULL, 0);
}

/* ---------------------------------------------------------- refcount */

static void test_refcount_underflow(void **state)
{
	refcount_t r = REFCOUNT_INIT(0);

	(void)state;
	assert_false(refcount_dec_and_test(&r));
	assert_one_finding(SIM_F_REFCOUNT,
			   "refcount_t: underflow; use-after-free.");
	assert_int_equal(r.refs, REFCOUNT_SATURATED);

	/* sub_and_test past zero is the same misuse */
	sim_clear_findings();
	refcount_set(&r, 1);
	assert_false(refcount_sub_and_test(2, &r));
	assert_one_finding(SIM_F_REFCOUNT, "underflow");
	assert_int_equal(r.refs, REFCOUNT_SATURATED);

	/* the last put is not a misuse */
	sim_clear_findings();
	refcount_set(&r, 2);
	assert_false(refcount_dec_and_test(&r));
	assert_true(refcount_dec_and_test(&r));
	assert_int_equal(refcount_read(&r), 0);
	assert_int_equal(sim_nr_findings(), 0);
}

static void test_refcount_inc_from_zero(void **state)
{
	refcount_t r = REFCOUNT_INIT(0);

	(void)state;
	/* inc_not_zero on 0 is the legitimate way to fail: no finding */
	assert_false(refcount_inc_not_zero(&r));
	assert_int_equal(sim_nr_findings(), 0);
	assert_int_equal(r.refs, 0);

	refcount_inc(&r);
	assert_one_finding(SIM_F_REFCOUNT,
			   "refcount_t: addition on 0; use-after-free.");
	assert_int_equal(r.refs, REFCOUNT_SATURATED);
}

static void test_refcount_saturation(void **state)
{
	refcount_t r = REFCOUNT_INIT(INT_MAX - 1);

	(void)state;
	refcount_add(1, &r);
	assert_int_equal(r.refs, INT_MAX);
	assert_int_equal(sim_nr_findings(), 0);

	refcount_inc(&r);
	assert_one_finding(SIM_F_REFCOUNT,
			   "refcount_t: saturated; leaking memory.");
	assert_int_equal(r.refs, REFCOUNT_SATURATED);

	/* inc_not_zero overflowing saturates too, and succeeds */
	sim_clear_findings();
	refcount_set(&r, INT_MAX);
	assert_true(refcount_inc_not_zero(&r));
	assert_one_finding(SIM_F_REFCOUNT, "saturated; leaking memory.");
	assert_int_equal(r.refs, REFCOUNT_SATURATED);

	/* a saturated counter stays saturated */
	refcount_inc(&r);
	assert_int_equal(r.refs, REFCOUNT_SATURATED);
}

static void test_refcount_dec_hits_zero(void **state)
{
	refcount_t r = REFCOUNT_INIT(1);

	(void)state;
	refcount_dec(&r);
	assert_one_finding(SIM_F_REFCOUNT,
			   "refcount_t: decrement hit 0; leaking memory.");
	assert_int_equal(r.refs, REFCOUNT_SATURATED);

	/* plain decrement above 1, dec_if_one: no finding */
	sim_clear_findings();
	refcount_set(&r, 3);
	refcount_dec(&r);
	assert_int_equal(refcount_read(&r), 2);
	assert_false(refcount_dec_if_one(&r));
	assert_int_equal(refcount_read(&r), 2);
	refcount_set(&r, 1);
	assert_true(refcount_dec_if_one(&r));
	assert_int_equal(refcount_read(&r), 0);
	assert_false(refcount_dec_if_one(&r));
	assert_int_equal(sim_nr_findings(), 0);
}

static int kref_released;

static void kref_release(struct kref *kref)
{
	(void)kref;
	kref_released++;
}

static void test_kref_put_null_oops(void **state)
{
	static sigjmp_buf env;
	volatile bool jumped = false;
	const struct sim_finding *f;

	(void)state;
	kref_released = 0;
	if (sigsetjmp(env, 0) == 0) {
		sim_oops_arm(&env);
		assert_true(sim_oops_armed());
		kref_put((struct kref *)NULL, kref_release);
		sim_oops_arm(NULL);
		fail_msg("kref_put(NULL) returned");
	} else {
		jumped = true;
	}
	sim_oops_arm(NULL);
	assert_false(sim_oops_armed());
	assert_true(jumped);
	f = assert_one_finding(SIM_F_OOPS, "NULL pointer dereference");
	assert_string_equal(f->site->what, "kref_put");
	assert_int_equal(kref_released, 0);
}

static void test_kref_put_releases(void **state)
{
	struct kref k;

	(void)state;
	kref_released = 0;
	kref_init(&k);
	kref_get(&k);
	assert_int_equal(kref_put(&k, kref_release), 0);
	assert_int_equal(kref_released, 0);
	assert_int_equal(kref_put(&k, kref_release), 1);
	assert_int_equal(kref_released, 1);
	assert_int_equal(sim_nr_findings(), 0);
	/* unarmed, a NULL kref is still an oops finding, and no release */
	assert_int_equal(kref_put((struct kref *)NULL, kref_release), 0);
	assert_one_finding(SIM_F_OOPS, "NULL pointer dereference");
	assert_int_equal(kref_released, 1);
}

/* ---------------------------------------------------------- heap */

static void test_use_after_free(void **state)
{
	struct foo *p = kzalloc_obj(struct foo, GFP_KERNEL);
	static int not_heap;
	const struct sim_finding *f;

	(void)state;
	assert_non_null(p);
	assert_true(sim_deref(p));
	assert_true(sim_deref(&not_heap));
	assert_int_equal(sim_nr_findings(), 0);

	kfree(p);
	/* freed memory is poisoned */
	assert_int_equal(((unsigned char *)p)[5], 0x6b);
	assert_false(sim_deref(&p->b[3]));	/* interior pointer */
	f = assert_one_finding(SIM_F_OOPS,
			       "use-after-free of struct foo allocated at");
	assert_non_null(strstr(f->msg, __func__));
	assert_non_null(f->alloc_site);
	assert_string_equal(f->alloc_site->func, __func__);
	assert_string_equal(f->alloc_site->what, "kzalloc");
	assert_string_equal(f->alloc_tag, "struct foo");
}

static void test_double_free(void **state)
{
	void *p = kzalloc_tagged(24, GFP_KERNEL, "thing");
	const struct sim_finding *f;

	(void)state;
	assert_non_null(p);
	kfree(p);
	assert_int_equal(sim_nr_findings(), 0);
	kfree(p);
	f = assert_one_finding(SIM_F_DOUBLE_FREE,
			       "double free of thing allocated at");
	assert_non_null(f->alloc_site);
	assert_string_equal(f->alloc_site->func, __func__);
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);
}

static void test_kfree_unknown_pointer(void **state)
{
	char *p = kmalloc(32, GFP_KERNEL);
	static int not_heap;
	const struct sim_finding *f;

	(void)state;
	assert_non_null(p);
	kfree(p + 8);
	f = assert_one_finding(SIM_F_DOUBLE_FREE, "kfree of unknown pointer");
	assert_non_null(strstr(f->msg, "8 bytes into kmalloc"));
	kfree(&not_heap);
	assert_int_equal(sim_nr_findings(), 2);
	f = sim_finding(1);
	assert_int_equal(f->kind, SIM_F_DOUBLE_FREE);
	assert_string_equal(f->msg,
			    "kfree of unknown pointer (not heap memory)");
	assert_string_equal(f->site->func, __func__);
	/* the real allocation is untouched; kfree(NULL) is a no-op */
	assert_int_equal(census(SIM_CLASS_KERNEL), 1);
	kfree(NULL);
	kfree(p);
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);
	assert_int_equal(sim_nr_findings(), 2);
}

static void test_census(void **state)
{
	struct sim_alloc_info info[4];
	struct sim_alloc_info one;
	struct foo *a = kzalloc_obj(struct foo, GFP_KERNEL);
	void *b = kzalloc_tagged(100, GFP_KERNEL, "tagged");
	void *w = sim_alloc(8, 0, SIM_CLASS_WORLD, "fixture",
			    SIM_SITE("world"));
	void *c = kmalloc(1, GFP_KERNEL);

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(w);
	assert_non_null(c);
	assert_int_equal(sim_census(SIM_CLASS_KERNEL, info, 4), 3);
	assert_ptr_equal(info[0].ptr, a);
	assert_string_equal(info[0].tag, "struct foo");
	assert_string_equal(info[0].site->func, __func__);
	assert_true(info[0].size >= sizeof(struct foo));
	assert_ptr_equal(info[1].ptr, b);
	assert_string_equal(info[1].tag, "tagged");
	assert_true(info[1].size >= 100);
	assert_ptr_equal(info[2].ptr, c);
	assert_null(info[2].tag);
	assert_string_equal(info[2].site->what, "kmalloc");
	assert_true(info[0].seq < info[1].seq && info[1].seq < info[2].seq);
	assert_true((uintptr_t)info[0].ptr < (uintptr_t)info[1].ptr);
	assert_true((uintptr_t)info[1].ptr < (uintptr_t)info[2].ptr);
	/* fewer slots than allocations: the total is still returned */
	assert_int_equal(sim_census(SIM_CLASS_KERNEL, info, 1), 3);

	assert_int_equal(sim_census(SIM_CLASS_WORLD, info, 4), 1);
	assert_ptr_equal(info[0].ptr, w);
	assert_int_equal(info[0].cls, SIM_CLASS_WORLD);
	assert_string_equal(info[0].site->what, "world");

	/* lookup by interior pointer */
	assert_true(sim_alloc_lookup(&a->b[2], &one));
	assert_ptr_equal(one.ptr, a);
	assert_string_equal(one.tag, "struct foo");
	assert_false(sim_alloc_lookup(&one, &one));

	kfree(b);
	assert_false(sim_alloc_lookup(b, &one));
	assert_int_equal(sim_census(SIM_CLASS_KERNEL, info, 4), 2);
	assert_ptr_equal(info[1].ptr, c);
	kfree(a);
	kfree(c);
	sim_free(w, SIM_SITE("world"));
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);
	assert_int_equal(census(SIM_CLASS_WORLD), 0);
	assert_int_equal(sim_nr_findings(), 0);
}

static void test_report_alloc_names_allocation(void **state)
{
	struct foo *a = kzalloc_obj(struct foo, GFP_KERNEL);
	const struct sim_finding *f;

	(void)state;
	sim_report_alloc(SIM_F_LEAK, SIM_SITE("check"), &a->b[1],
			 "leaked %d", 1);
	f = assert_one_finding(SIM_F_LEAK, "leaked 1");
	assert_string_equal(f->alloc_tag, "struct foo");
	assert_string_equal(f->alloc_site->func, __func__);
	kfree(a);
}

static void test_heap_save_restore(void **state)
{
	struct sim_alloc_info before[8], after[8];
	struct foo *a = kzalloc_obj(struct foo, GFP_KERNEL);
	struct foo *b = kzalloc_obj(struct foo, GFP_KERNEL);
	unsigned int n, i;
	unsigned long seq;
	size_t used;
	void *buf, *c;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	b->a = 42;
	sim_kernel()->settings.cap_sys_rawio = true;
	seq = sim_kernel()->alloc_seq;
	n = sim_census(SIM_CLASS_KERNEL, before, 8);
	assert_int_equal(n, 2);

	used = sim_heap_used();
	buf = malloc(used);
	assert_non_null(buf);
	sim_heap_save(buf);

	/* change everything */
	kfree(a);
	b->a = 7;
	c = kzalloc(64, GFP_KERNEL);
	assert_non_null(c);
	sim_kernel()->settings.cap_sys_rawio = false;
	assert_true(sim_heap_used() > used);

	sim_heap_restore(buf, used);
	free(buf);
	assert_int_equal(sim_heap_used(), used);
	assert_int_equal(sim_census(SIM_CLASS_KERNEL, after, 8), n);
	for (i = 0; i < n; i++) {
		assert_ptr_equal(after[i].ptr, before[i].ptr);
		assert_int_equal(after[i].size, before[i].size);
		assert_ptr_equal(after[i].tag, before[i].tag);
		assert_ptr_equal(after[i].site, before[i].site);
		assert_int_equal(after[i].seq, before[i].seq);
	}
	assert_int_equal(b->a, 42);
	assert_true(sim_kernel()->settings.cap_sys_rawio);
	assert_int_equal(sim_kernel()->alloc_seq, seq);
	assert_true(sim_deref(a));	/* live again */
	assert_int_equal(sim_nr_findings(), 0);
	/* c was never allocated in the restored state */
	kfree(c);
	assert_one_finding(SIM_F_DOUBLE_FREE, "kfree of unknown pointer");
	kfree(a);
	kfree(b);
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);
}

static void test_no_reuse_in_same_epoch(void **state)
{
	void *a, *b, *c;

	(void)state;
	sim_fault_begin();
	a = kmalloc(64, GFP_KERNEL);
	assert_non_null(a);
	kfree(a);
	b = kmalloc(64, GFP_KERNEL);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	/* the stale pointer still hits freed memory */
	assert_false(sim_deref(a));
	assert_one_finding(SIM_F_OOPS, "use-after-free");
	sim_fault_end();

	/* next operation: the block may be reused */
	sim_fault_begin();
	c = kmalloc(48, GFP_KERNEL);
	sim_fault_end();
	assert_ptr_equal(c, a);
	/* no poison left */
	assert_int_equal(((unsigned char *)c)[0], 0);
	kfree(b);
	kfree(c);
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);
	assert_int_equal(sim_nr_findings(), 1);
}

#define NR_MANY 300

static size_t many_size(unsigned int i)
{
	return 16 + (i * 37) % 300;
}

/*
 * Every live block of the list is found by its first and last byte; freed
 * ones (unless skipped: their memory may have been reused) are not.
 */
static void check_many(char **p, const bool *freed, unsigned int nr,
		       bool skip_freed)
{
	struct sim_alloc_info info;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		size_t last = many_size(i) - 1;

		if (freed[i]) {
			if (skip_freed)
				continue;
			assert_false(sim_alloc_lookup(p[i] + last, &info));
			assert_false(sim_deref(p[i] + last));
			continue;
		}
		assert_true(sim_alloc_lookup(p[i] + last, &info));
		assert_ptr_equal(info.ptr, p[i]);
		assert_true(sim_alloc_lookup(p[i], &info));
		assert_ptr_equal(info.ptr, p[i]);
		assert_true(sim_deref(p[i] + last / 2));
	}
}

static void test_lookup_many_blocks(void **state)
{
	static char *p[NR_MANY + NR_MANY / 3];
	static bool freed[NR_MANY + NR_MANY / 3];
	unsigned int i, n = 0, nr = NR_MANY;
	struct sim_alloc_info info;
	void *buf;
	size_t used;

	(void)state;
	for (i = 0; i < NR_MANY; i++) {
		p[i] = kmalloc(many_size(i), GFP_KERNEL);
		freed[i] = false;
	}
	assert_true(sim_heap_used() > 16 * 1024);	/* many chunks */
	check_many(p, freed, nr, false);
	for (i = 0; i < NR_MANY; i += 3) {
		kfree(p[i]);
		freed[i] = true;
		n++;
	}
	sim_clear_findings();
	check_many(p, freed, nr, false);
	/* one oops per freed block */
	assert_int_equal(sim_nr_findings_total(), n);
	used = sim_heap_used();
	buf = malloc(used);
	assert_non_null(buf);
	sim_heap_save(buf);

	/* next operation: small blocks reuse (and split) the freed ones */
	sim_fault_begin();
	for (i = 0; i < NR_MANY / 3; i++) {
		p[nr] = kmalloc(16, GFP_KERNEL);
		freed[nr] = false;
		nr++;
	}
	sim_fault_end();
	assert_int_equal(sim_heap_used(), used);	/* all reused */
	for (i = NR_MANY; i < nr; i++) {
		assert_true(sim_alloc_lookup(p[i] + 15, &info));
		assert_ptr_equal(info.ptr, p[i]);
		assert_true(info.size >= 16);
	}
	check_many(p, freed, NR_MANY, true);
	assert_int_equal(sim_census(SIM_CLASS_KERNEL, NULL, 0),
			 NR_MANY - n + NR_MANY / 3);

	/* back to the snapshot: the new blocks are freed memory again */
	sim_heap_restore(buf, used);
	free(buf);
	check_many(p, freed, NR_MANY, false);
	for (i = NR_MANY; i < nr; i++)
		assert_false(sim_alloc_lookup(p[i], NULL));
	assert_int_equal(sim_census(SIM_CLASS_KERNEL, NULL, 0), NR_MANY - n);
}

/* A reused block takes the class, tag and site of its new allocation. */
static void test_reuse_takes_new_identity(void **state)
{
	struct sim_alloc_info info;
	void *w, *k;

	(void)state;
	w = sim_alloc(64, 0, SIM_CLASS_WORLD, "fixture", SIM_SITE("world"));
	sim_free(w, SIM_SITE("world"));
	sim_fault_begin();
	k = kzalloc_tagged(64, GFP_KERNEL, "reused");
	sim_fault_end();
	assert_ptr_equal(k, w);
	assert_int_equal(census(SIM_CLASS_WORLD), 0);
	assert_int_equal(sim_census(SIM_CLASS_KERNEL, &info, 1), 1);
	assert_ptr_equal(info.ptr, k);
	assert_int_equal(info.cls, SIM_CLASS_KERNEL);
	assert_string_equal(info.tag, "reused");
	assert_string_equal(info.site->func, __func__);
	assert_true(sim_deref(k));
	kfree(k);
	assert_int_equal(sim_nr_findings(), 0);
}

/*
 * The edges of a freed block for the dereference check: its first and last
 * byte are freed memory, one past its end is the next block (fine); after
 * reuse with a split, the new block and the rest's header are fine, the
 * rest's payload is still freed memory, reported as its own block.
 */
static void test_deref_freed_block_edges(void **state)
{
	unsigned char *a = kmalloc(64, GFP_KERNEL);
	unsigned char *b = kmalloc(64, GFP_KERNEL);
	const struct sim_finding *f;
	unsigned char *c;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	kfree(a);
	assert_null(__sim_heap_check());
	assert_false(sim_deref(a));
	assert_false(sim_deref(a + 63));
	assert_true(sim_deref(a + 64));		/* b's header */
	assert_true(sim_deref(b));
	assert_true(sim_deref(b + 64));		/* the top: no block */
	assert_true(sim_deref(a - 1));		/* a's own header */
	assert_int_equal(sim_nr_findings_total(), 2);
	f = sim_finding(1);
	assert_non_null(strstr(f->msg, "use-after-free of kmalloc-64"));
	assert_string_equal(f->site->func, __func__);
	assert_string_equal(f->site->what, "deref a + 63");
	assert_string_equal(f->alloc_site->func, __func__);
	sim_clear_findings();

	__sim_heap_new_epoch();
	c = kmalloc(16, GFP_KERNEL);
	assert_ptr_equal(c, a);			/* reused, split */
	assert_null(__sim_heap_check());
	assert_true(sim_deref(c));
	assert_true(sim_deref(c + 15));
	assert_true(sim_deref(c + 16));		/* the rest's header */
	assert_true(sim_deref(c + 47));
	assert_int_equal(sim_nr_findings(), 0);
	assert_false(sim_deref(c + 48));	/* the rest */
	f = assert_one_finding(SIM_F_OOPS, "use-after-free of kmalloc-16");
	assert_null(f->alloc_site);
	sim_clear_findings();
	assert_false(sim_deref(c + 63));
	assert_true(sim_deref(c + 64));
	assert_int_equal(sim_nr_findings(), 1);
	sim_clear_findings();

	/* the rest is reused whole: nothing freed is left */
	__sim_heap_new_epoch();
	assert_ptr_equal(kmalloc(16, GFP_KERNEL), c + 48);
	assert_null(__sim_heap_check());
	assert_true(sim_deref(c + 48));
	assert_true(sim_deref(c + 63));
	assert_true(sim_deref(a));
	assert_int_equal(sim_nr_findings(), 0);
}

/* A restore brings back the snapshot's freed memory, and only it. */
static void test_deref_after_restore(void **state)
{
	char *a = kmalloc(32, GFP_KERNEL);
	char *b = kmalloc(32, GFP_KERNEL);
	char live[4096], freed[4096];
	size_t used;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	used = sim_heap_used();
	assert_true(used <= sizeof(live));
	sim_heap_save(live);
	kfree(b);
	sim_heap_save(freed);
	/* b is reused: nothing is freed any more */
	__sim_heap_new_epoch();
	assert_ptr_equal(kmalloc(32, GFP_KERNEL), b);
	assert_true(sim_deref(b + 31));
	assert_int_equal(sim_nr_findings(), 0);

	sim_heap_restore(freed, used);
	assert_null(__sim_heap_check());
	assert_true(sim_deref(a));
	assert_false(sim_deref(b + 31));
	assert_one_finding(SIM_F_OOPS, "use-after-free of kmalloc-32");
	sim_clear_findings();
	sim_heap_restore(live, used);
	assert_null(__sim_heap_check());
	assert_true(sim_deref(b));
	assert_true(sim_deref(a));
	assert_int_equal(sim_nr_findings(), 0);
}

#define NR_ORDER 24

/*
 * The freed-block index is part of the heap bytes, so it must depend on
 * which blocks are freed, never on the order they were freed in: the same
 * frees in opposite orders leave the same heap (more of them than the
 * index lists, so the overflow is covered too).
 */
static void test_freed_index_order_free(void **state)
{
	static char *p[NR_ORDER];
	void *buf, *forward;
	unsigned int i;
	size_t used;

	(void)state;
	for (i = 0; i < NR_ORDER; i++) {
		p[i] = kmalloc(16 * (1 + i % 5), GFP_KERNEL);
		assert_non_null(p[i]);
	}
	used = sim_heap_used();
	buf = malloc(used);
	forward = malloc(used);
	assert_non_null(buf);
	assert_non_null(forward);
	sim_heap_save(buf);
	for (i = 0; i < NR_ORDER; i++)
		if (i % 7 != 3)
			kfree(p[i]);
	assert_null(__sim_heap_check());
	sim_heap_save(forward);

	sim_heap_restore(buf, used);
	for (i = NR_ORDER; i-- > 0;)
		if (i % 7 != 3)
			kfree(p[i]);
	assert_null(__sim_heap_check());
	assert_true(sim_heap_same(forward, used));

	/* and reusing them, lowest first, empties the index the same way */
	__sim_heap_new_epoch();
	for (i = 0; i < NR_ORDER; i++)
		if (i % 7 != 3)
			assert_ptr_equal(kmalloc(16 * (1 + i % 5), GFP_KERNEL),
					 p[i]);
	assert_null(__sim_heap_check());
	assert_int_equal(sim_heap_used(), used);
	sim_heap_restore(buf, used);
	assert_true(sim_heap_same(buf, used));
	assert_null(__sim_heap_check());
	assert_int_equal(sim_nr_findings(), 0);
	free(buf);
	free(forward);
}

#define NR_RANDOM 48

/*
 * Random allocations, frees, epochs and restores (a fixed seed): after each
 * step the heap's indexes agree with a walk of its blocks, and the
 * use-after-free check with the block lookup at every 8th address.
 */
static void test_freed_index_random(void **state)
{
	static char *p[NR_RANDOM];
	static char snap[64 * 1024];
	struct sim_alloc_info info;
	uint32_t x = 12345;
	size_t snap_len = 0;
	unsigned int step, i;

	(void)state;
	memset(p, 0, sizeof(p));
	for (step = 0; step < 1500; step++) {
		unsigned int r;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		r = x % 100;
		i = (x >> 8) % NR_RANDOM;
		if (r < 45 && !p[i]) {
			p[i] = kmalloc(1 + (x >> 16) % 200, GFP_KERNEL);
			assert_non_null(p[i]);
		} else if (r < 85 && p[i]) {
			kfree(p[i]);
			p[i] = NULL;
		} else if (r < 93) {
			__sim_heap_new_epoch();
		} else if (r < 97 || !snap_len) {
			snap_len = sim_heap_used();
			assert_true(snap_len <= sizeof(snap));
			sim_heap_save(snap);
		} else {
			/* the pointers of the snapshot's live blocks */
			sim_heap_restore(snap, snap_len);
			for (i = 0; i < NR_RANDOM; i++)
				if (p[i] && (!sim_alloc_lookup(p[i], &info) ||
					     info.ptr != p[i]))
					p[i] = NULL;
		}
		if (__sim_heap_check())
			fail_msg("step %u: %s", step, __sim_heap_check());
	}
	assert_int_equal(sim_nr_findings(), 0);
}

/*
 * sim_heap_same(): the explorer's shortcut for "the failed call left the
 * state as it found it". Equal after a new epoch alone; unequal after any
 * byte of the state changed, even one the allocator does not own.
 */
static void test_heap_same(void **state)
{
	struct foo *a = kzalloc_obj(struct foo, GFP_KERNEL);
	size_t used;
	void *buf, *c;

	(void)state;
	assert_non_null(a);
	used = sim_heap_used();
	buf = malloc(used + 8);
	assert_non_null(buf);
	memset(buf, 0, used + 8);
	sim_heap_save(buf);
	assert_true(sim_heap_same(buf, used));
	/* padded past top, as the explorer stores it */
	assert_true(sim_heap_same(buf, used + 8));

	__sim_heap_new_epoch();
	assert_true(sim_heap_same(buf, used));

	a->a = 1;
	assert_false(sim_heap_same(buf, used));
	a->a = 0;
	assert_true(sim_heap_same(buf, used));

	sim_kernel()->taint |= 1;
	assert_false(sim_heap_same(buf, used));
	sim_heap_restore(buf, used);
	assert_true(sim_heap_same(buf, used));

	/* allocate and free: top and the free list differ */
	c = kzalloc(64, GFP_KERNEL);
	assert_non_null(c);
	kfree(c);
	assert_false(sim_heap_same(buf, used));
	sim_heap_restore(buf, used);

	/* a snapshot shorter than the arena's top is never the same */
	assert_false(sim_heap_same(buf, used - 8));
	free(buf);
	kfree(a);
}

/* Runs @fn, which must exit, in a child; returns its exit status. */
static int child_exit_status(void (*fn)(void))
{
	pid_t pid;
	int status;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fn();
		_exit(125);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void exhaust_heap(void)
{
	int fd = open("/dev/null", O_WRONLY);

	if (fd >= 0)
		dup2(fd, 2);
	for (;;)
		sim_alloc(4096, SIM_GFP_NOFAIL, SIM_CLASS_KERNEL, "big",
			  SIM_SITE("big"));
}

static void test_heap_exhausted_exits(void **state)
{
	(void)state;
	assert_int_equal(child_exit_status(exhaust_heap), 2);
}

/* ---------------------------------------------------------- locks */

static void test_mutex_double_lock(void **state)
{
	struct mutex m;

	(void)state;
	mutex_init(&m);
	mutex_lock(&m);
	assert_int_equal(sim_nr_findings(), 0);
	mutex_lock(&m);
	assert_one_finding(SIM_F_LOCK, "possible recursive locking");
	assert_int_equal(sim_locks_held(), 1);
	assert_true(mutex_is_locked(&m));
	mutex_unlock(&m);
	assert_int_equal(sim_locks_held(), 0);
	assert_false(mutex_is_locked(&m));
	assert_int_equal(sim_nr_findings(), 1);
}

static void test_unlock_unheld(void **state)
{
	struct mutex m;
	spinlock_t s;
	const struct sim_finding *f;

	(void)state;
	mutex_init(&m);
	spin_lock_init(&s);
	mutex_unlock(&m);
	f = assert_one_finding(SIM_F_LOCK, "bad unlock balance");
	assert_non_null(strstr(f->msg, "&m"));
	spin_unlock(&s);
	assert_int_equal(sim_nr_findings(), 2);
	f = sim_finding(1);
	assert_int_equal(f->kind, SIM_F_LOCK);
	assert_non_null(strstr(f->msg, "spin_unlock of unheld &s"));
	assert_string_equal(f->site->func, __func__);
	assert_int_equal(sim_locks_held(), 0);
}

struct grp {
	struct mutex lock;
};

static void grp_init(struct grp *g)
{
	mutex_init(&g->lock);
}

#define NR_CLASSES 100

/*
 * The ranks are remembered by class name: many classes (sharing memo
 * slots) are ranked exactly as the table says, twice over, and a new
 * table replaces what was remembered from the old one.
 */
static void test_lock_ranks_remembered(void **state)
{
	static struct sim_lock_order order[NR_CLASSES], swapped[2];
	static char names[NR_CLASSES][8];
	static struct mutex m[NR_CLASSES];
	unsigned int i, pass, want = 0;

	(void)state;
	for (i = 0; i < NR_CLASSES; i++) {
		snprintf(names[i], sizeof(names[i]), "L%u", i);
		order[i].name = names[i];
		order[i].rank = (int)i + 1;
		sim_mutex_init(&m[i], names[i]);
	}
	sim_lockdep_set_order(order, NR_CLASSES);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < NR_CLASSES; i++) {
			unsigned int j = (i + 37) % NR_CLASSES;

			mutex_lock(&m[i]);
			mutex_lock(&m[j]);
			want += j < i;
			assert_int_equal(sim_nr_findings_total(), want);
			mutex_unlock(&m[j]);
			mutex_unlock(&m[i]);
		}
	}
	assert_int_equal(want, 2 * 37);
	sim_clear_findings();

	/* L1 then L2 is fine; with the ranks swapped it is an inversion */
	mutex_lock(&m[1]);
	mutex_lock(&m[2]);
	mutex_unlock(&m[2]);
	mutex_unlock(&m[1]);
	assert_int_equal(sim_nr_findings(), 0);
	swapped[0] = (struct sim_lock_order){ "L1", 2 };
	swapped[1] = (struct sim_lock_order){ "L2", 1 };
	sim_lockdep_set_order(swapped, 2);
	mutex_lock(&m[1]);
	mutex_lock(&m[2]);
	assert_one_finding(SIM_F_LOCK,
			   "possible circular locking dependency: taking L2 while holding L1");
	mutex_unlock(&m[2]);
	mutex_unlock(&m[1]);
	assert_int_equal(sim_locks_held(), 0);
}

static void test_lock_order_inversion(void **state)
{
	static const struct sim_lock_order order[] = {
		{ "&t.outer", 1 },
		{ "&t.inner", 2 },
		{ "&g->lock", 3 },
	};
	struct {
		struct mutex outer, inner;
	} t;
	struct grp g1, g2;

	(void)state;
	sim_lockdep_set_order(order, 3);
	mutex_init(&t.outer);
	mutex_init(&t.inner);
	grp_init(&g1);
	grp_init(&g2);

	/* the right order, and unranked nesting, are fine */
	mutex_lock(&t.outer);
	mutex_lock(&t.inner);
	mutex_lock(&g1.lock);
	mutex_unlock(&g1.lock);
	mutex_unlock(&t.inner);
	mutex_unlock(&t.outer);
	assert_int_equal(sim_nr_findings(), 0);

	mutex_lock(&t.inner);
	mutex_lock(&t.outer);
	assert_one_finding(SIM_F_LOCK,
			   "possible circular locking dependency: taking &t.outer while holding &t.inner");
	assert_int_equal(sim_locks_held(), 2);
	/* non-LIFO unlock is allowed */
	mutex_unlock(&t.inner);
	mutex_unlock(&t.outer);
	assert_int_equal(sim_locks_held(), 0);

	/* two locks of one ranked class nested */
	sim_clear_findings();
	mutex_lock(&g1.lock);
	mutex_lock(&g2.lock);
	assert_one_finding(SIM_F_LOCK,
			   "taking &g->lock while holding &g->lock");
	mutex_unlock(&g2.lock);
	mutex_unlock(&g1.lock);

	/* without ranks nothing is checked */
	sim_clear_findings();
	sim_lockdep_set_order(NULL, 0);
	mutex_lock(&t.inner);
	mutex_lock(&t.outer);
	mutex_unlock(&t.outer);
	mutex_unlock(&t.inner);
	assert_int_equal(sim_nr_findings(), 0);
}

static void test_mutex_under_spinlock(void **state)
{
	struct mutex m;
	spinlock_t s;

	(void)state;
	mutex_init(&m);
	spin_lock_init(&s);
	spin_lock(&s);
	mutex_lock(&m);
	assert_one_finding(SIM_F_LOCK,
			   "sleeping function called from invalid context");
	might_sleep();
	assert_int_equal(sim_nr_findings(), 2);
	assert_string_equal(sim_finding(1)->site->what, "might_sleep");
	mutex_unlock(&m);
	spin_unlock(&s);
	might_sleep();
	mutex_lock(&m);
	mutex_unlock(&m);
	assert_int_equal(sim_nr_findings(), 2);
}

static void test_gfp_kernel_under_spinlock(void **state)
{
	spinlock_t s;
	void *p, *q;

	(void)state;
	spin_lock_init(&s);
	spin_lock(&s);
	q = kzalloc(16, GFP_ATOMIC);
	assert_int_equal(sim_nr_findings(), 0);
	p = kzalloc(16, GFP_KERNEL);
	assert_non_null(p);	/* still allocates */
	assert_one_finding(SIM_F_LOCK, "sleeping allocation under spinlock");
	spin_unlock(&s);
	kfree(p);
	kfree(q);
	p = kzalloc(16, GFP_KERNEL_ACCOUNT);
	kfree(p);
	assert_int_equal(sim_nr_findings(), 1);
}

static void test_held_lock_freed(void **state)
{
	struct holder *h = kzalloc_obj(struct holder, GFP_KERNEL);
	const struct sim_finding *f;

	(void)state;
	assert_non_null(h);
	mutex_init(&h->lock);
	mutex_lock(&h->lock);
	kfree(h);
	f = assert_one_finding(SIM_F_LOCK, "held lock freed");
	assert_non_null(strstr(f->msg, "&h->lock"));
	assert_int_equal(sim_locks_held(), 0);
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);
	/* nothing left to complain about at return */
	sim_lockdep_check_return(SIM_SITE("return"));
	assert_int_equal(sim_nr_findings(), 1);
}

static void test_lock_held_at_return(void **state)
{
	struct mutex m, n;
	const struct sim_finding *f;

	(void)state;
	mutex_init(&m);
	mutex_init(&n);
	mutex_lock(&n);
	mutex_unlock(&n);
	mutex_lock(&m);
	sim_lockdep_check_return(SIM_SITE("return"));
	f = assert_one_finding(SIM_F_LOCK,
			       "lock &m held when returning to user space, taken at");
	/* the finding names where the lock was taken, not the return */
	assert_string_equal(f->site->what, "mutex_lock");
	assert_string_equal(f->site->func, "test_lock_held_at_return");
	assert_int_equal(sim_locks_held(), 0);
	assert_false(mutex_is_locked(&m));
}

static void test_mutex_destroy_held(void **state)
{
	struct mutex m;

	(void)state;
	mutex_init(&m);
	mutex_lock(&m);
	mutex_destroy(&m);
	assert_one_finding(SIM_F_LOCK, "mutex_destroy of held mutex &m");
	mutex_unlock(&m);
	sim_clear_findings();
	mutex_destroy(&m);
	assert_int_equal(sim_nr_findings(), 0);
	/* destroyed is uninitialized */
	mutex_lock(&m);
	assert_one_finding(SIM_F_LOCK, "uninitialized mutex");
	mutex_unlock(&m);
}

static void test_spin_recursive(void **state)
{
	spinlock_t s;

	(void)state;
	spin_lock_init(&s);
	spin_lock(&s);
	spin_lock(&s);
	assert_one_finding(SIM_F_LOCK, "recursive spinlock &s");
	assert_int_equal(sim_locks_held(), 1);
	spin_unlock(&s);
	assert_int_equal(sim_locks_held(), 0);
}

static void test_lockdep_assert(void **state)
{
	struct mutex m;

	(void)state;
	mutex_init(&m);
	lockdep_assert_not_held(&m);
	assert_int_equal(sim_nr_findings(), 0);
	lockdep_assert_held(&m);
	assert_one_finding(SIM_F_LOCK, "lockdep_assert_held(&m)");
	mutex_lock(&m);
	lockdep_assert_held(&m);
	assert_int_equal(sim_nr_findings(), 1);
	mutex_unlock(&m);
}

static void test_transient_reset_keeps_lock_objects(void **state)
{
	struct mutex m;

	(void)state;
	mutex_init(&m);
	mutex_lock(&m);
	sim_report(SIM_F_WARN, SIM_SITE("x"), "x");
	sim_transient_reset();
	assert_int_equal(sim_locks_held(), 0);
	assert_int_equal(sim_nr_findings(), 0);
	/* the object still says held: a dead task's lock stays taken */
	assert_true(mutex_is_locked(&m));
	mutex_lock(&m);
	assert_one_finding(SIM_F_LOCK, "possible recursive locking");
}

/* ---------------------------------------------------------- WARN */

static void test_warn_on(void **state)
{
	volatile int x = 3;
	const struct sim_finding *f;

	(void)state;
	assert_false(WARN_ON(x < 0));
	assert_int_equal(sim_nr_findings(), 0);
	assert_true(WARN_ON(x > 0));
	f = assert_one_finding(SIM_F_WARN, "WARN_ON(x > 0)");
	assert_string_equal(f->site->what, "WARN_ON");
	assert_true(WARN(x == 3, "x is %d", x));
	assert_int_equal(sim_nr_findings(), 2);
	assert_string_equal(sim_finding(1)->msg, "x is 3");
	assert_false(WARN(x == 4, "never"));
	assert_int_equal(sim_nr_findings(), 2);
}

static void test_findings_cap_and_kinds(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < SIM_MAX_FINDINGS + 8; i++)
		sim_report(SIM_F_CONSISTENCY, SIM_SITE("many"), "n=%u", i);
	assert_int_equal(sim_nr_findings(), SIM_MAX_FINDINGS);
	assert_int_equal(sim_nr_findings_total(), SIM_MAX_FINDINGS + 8);
	assert_string_equal(sim_finding(SIM_MAX_FINDINGS - 1)->msg, "n=31");
	assert_null(sim_finding(SIM_MAX_FINDINGS));
	sim_clear_findings();
	assert_int_equal(sim_nr_findings(), 0);
	assert_int_equal(sim_nr_findings_total(), 0);

	assert_string_equal(sim_finding_kind_name(SIM_F_LEAK), "leak");
	assert_string_equal(sim_finding_kind_name(SIM_F_DOUBLE_FREE),
			    "double-free");
	assert_string_equal(sim_finding_kind_name(SIM_F_ATOMICITY),
			    "atomicity");
	for (i = 0; i < SIM_F_NR; i++)
		assert_int_equal(sim_finding_kind_parse(
				 sim_finding_kind_name(i)), i);
	assert_int_equal(sim_finding_kind_parse("nope"), -1);
}

/* ---------------------------------------------------------- xarray */

static int e1, e2, e3, e4;

static void test_xa_store_without_lock(void **state)
{
	struct xarray xa;

	(void)state;
	xa_init(&xa);
	__xa_store(&xa, 1, &e1, GFP_KERNEL);
	assert_one_finding(SIM_F_LOCK, "lockdep_assert_held(&xa->xa_lock)");
	assert_ptr_equal(xa_load(&xa, 1), &e1);

	sim_clear_findings();
	xa_lock(&xa);
	__xa_store(&xa, 2, &e2, GFP_KERNEL);
	assert_ptr_equal(__xa_erase(&xa, 1), &e1);
	xa_unlock(&xa);
	assert_int_equal(sim_nr_findings(), 0);

	/* the locking variant under its own lock: recursive spinlock */
	xa_lock(&xa);
	xa_store(&xa, 3, &e3, GFP_KERNEL);
	assert_one_finding(SIM_F_LOCK, "recursive spinlock");
	assert_int_equal(sim_locks_held(), 1);	/* caller's lock kept */
	xa_unlock(&xa);
	assert_int_equal(sim_locks_held(), 0);
	xa_destroy(&xa);
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);
}

static void test_xa_alloc(void **state)
{
	struct xarray xa, plain;
	u32 id = 99;
	unsigned long index;
	void *entry;
	int n = 0;

	(void)state;
	xa_init_flags(&xa, XA_FLAGS_ALLOC1);
	assert_int_equal(xa_alloc(&xa, &id, &e1, xa_limit_31b, GFP_KERNEL), 0);
	assert_int_equal(id, 1);
	assert_int_equal(xa_alloc(&xa, &id, &e2, xa_limit_31b, GFP_KERNEL), 0);
	assert_int_equal(id, 2);
	assert_int_equal(xa_alloc(&xa, &id, &e3, xa_limit_31b, GFP_KERNEL), 0);
	assert_int_equal(id, 3);
	assert_ptr_equal(xa_erase(&xa, 2), &e2);
	assert_int_equal(xa_alloc(&xa, &id, &e4, xa_limit_31b, GFP_KERNEL), 0);
	assert_int_equal(id, 2);	/* lowest free */
	assert_ptr_equal(xa_load(&xa, 2), &e4);

	/* limit: 4 is free, then the range is full */
	assert_int_equal(xa_alloc(&xa, &id, &e1, XA_LIMIT(0, 4), GFP_KERNEL),
			 0);
	assert_int_equal(id, 4);
	id = 77;
	assert_int_equal(xa_alloc(&xa, &id, &e1, XA_LIMIT(0, 4), GFP_KERNEL),
			 -EBUSY);
	assert_int_equal(id, 77);
	assert_int_equal(xa_alloc(&xa, &id, &e1, XA_LIMIT(10, 20), GFP_KERNEL),
			 0);
	assert_int_equal(id, 10);
	xa_for_each(&xa, index, entry)
		n++;
	assert_int_equal(n, 5);
	xa_destroy(&xa);
	assert_true(xa_empty(&xa));

	/* plain ALLOC starts at 0 */
	xa_init_flags(&xa, XA_FLAGS_ALLOC);
	assert_int_equal(xa_alloc(&xa, &id, &e1, xa_limit_32b, GFP_KERNEL), 0);
	assert_int_equal(id, 0);
	assert_ptr_equal(xa_erase(&xa, 0), &e1);

	/* xa_alloc needs an allocating xarray: the kernel WARNs */
	xa_init(&plain);
	assert_int_equal(xa_alloc(&plain, &id, &e1, xa_limit_32b, GFP_KERNEL),
			 -EINVAL);
	assert_one_finding(SIM_F_WARN, "XA_FLAGS_ALLOC");
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);
}

static void test_xa_reservations(void **state)
{
	struct xarray xa;
	unsigned long index;
	void *entry;
	u32 id;
	int n = 0;

	(void)state;
	xa_init_flags(&xa, XA_FLAGS_ALLOC1);
	assert_int_equal(xa_alloc(&xa, &id, XA_ZERO_ENTRY, xa_limit_31b,
				  GFP_KERNEL), 0);
	assert_int_equal(id, 1);
	assert_int_equal(xa_alloc(&xa, &id, NULL, xa_limit_31b, GFP_KERNEL),
			 0);
	assert_int_equal(id, 2);
	assert_ptr_equal(sim_xa_raw(&xa, 2), XA_ZERO_ENTRY);

	/* invisible to load and iteration, but not empty */
	assert_null(xa_load(&xa, 1));
	assert_ptr_equal(sim_xa_raw(&xa, 1), XA_ZERO_ENTRY);
	assert_false(xa_empty(&xa));
	xa_for_each(&xa, index, entry)
		n++;
	assert_int_equal(n, 0);

	/* taken for insert and alloc */
	assert_int_equal(xa_insert(&xa, 1, &e1, GFP_KERNEL), -EBUSY);
	assert_int_equal(xa_alloc(&xa, &id, &e3, xa_limit_31b, GFP_KERNEL), 0);
	assert_int_equal(id, 3);
	assert_int_equal(xa_insert(&xa, 5, NULL, GFP_KERNEL), 0);
	assert_ptr_equal(sim_xa_raw(&xa, 5), XA_ZERO_ENTRY);

	/* finalizing: the store reports the reservation as NULL */
	assert_null(xa_store(&xa, 1, &e1, GFP_KERNEL));
	assert_ptr_equal(xa_load(&xa, 1), &e1);
	xa_for_each(&xa, index, entry)
		n++;
	assert_int_equal(n, 2);

	/* release frees only a reservation */
	xa_release(&xa, 2);
	assert_null(sim_xa_raw(&xa, 2));
	xa_release(&xa, 1);
	assert_ptr_equal(xa_load(&xa, 1), &e1);
	/* storing NULL frees a reserved index */
	assert_null(xa_store(&xa, 5, NULL, GFP_KERNEL));
	assert_null(sim_xa_raw(&xa, 5));
	assert_ptr_equal(xa_erase(&xa, 1), &e1);
	assert_ptr_equal(xa_erase(&xa, 3), &e3);
	assert_true(xa_empty(&xa));
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);
	assert_int_equal(sim_nr_findings(), 0);
}

static void test_xa_cmpxchg(void **state)
{
	struct xarray xa;

	(void)state;
	xa_init(&xa);
	/* empty -> reserved */
	assert_null(xa_cmpxchg(&xa, 7, NULL, XA_ZERO_ENTRY, GFP_KERNEL));
	assert_ptr_equal(sim_xa_raw(&xa, 7), XA_ZERO_ENTRY);
	/* a reservation does not match NULL: nothing stored */
	assert_null(xa_cmpxchg(&xa, 7, NULL, &e1, GFP_KERNEL));
	assert_ptr_equal(sim_xa_raw(&xa, 7), XA_ZERO_ENTRY);
	/* it matches XA_ZERO_ENTRY; the old value reads as NULL */
	assert_null(xa_cmpxchg(&xa, 7, XA_ZERO_ENTRY, &e1, GFP_KERNEL));
	assert_ptr_equal(xa_load(&xa, 7), &e1);
	/* replace */
	assert_ptr_equal(xa_cmpxchg(&xa, 7, &e1, &e2, GFP_KERNEL), &e1);
	assert_ptr_equal(xa_load(&xa, 7), &e2);
	/* mismatch returns the current entry, no change */
	assert_ptr_equal(xa_cmpxchg(&xa, 7, &e1, &e3, GFP_KERNEL), &e2);
	assert_ptr_equal(xa_load(&xa, 7), &e2);
	/* to NULL erases */
	assert_ptr_equal(xa_cmpxchg(&xa, 7, &e2, NULL, GFP_KERNEL), &e2);
	assert_null(sim_xa_raw(&xa, 7));
	assert_true(xa_empty(&xa));
	/* storing an internal entry is refused */
	assert_int_equal(xa_err(xa_store(&xa, 1, __XA_ERR(-ENOMEM),
					 GFP_KERNEL)), -EINVAL);
	assert_one_finding(SIM_F_WARN, "internal entry");
	assert_true(xa_empty(&xa));
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);
}

static void test_xa_erase_frees_storage(void **state)
{
	struct sim_alloc_info info[2];
	struct xarray xa;
	unsigned long i;

	(void)state;
	xa_init(&xa);
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);
	for (i = 0; i < 10; i++)
		assert_null(xa_store(&xa, 100 - i, &e1, GFP_KERNEL));
	/* one storage block, grown in place of the old ones */
	assert_int_equal(sim_census(SIM_CLASS_KERNEL, info, 2), 1);
	assert_string_equal(info[0].tag, "xa_node");
	assert_string_equal(info[0].site->func, __func__);
	for (i = 0; i < 10; i++)
		assert_ptr_equal(xa_load(&xa, 100 - i), &e1);
	assert_null(xa_load(&xa, 50));
	for (i = 0; i < 9; i++)
		assert_ptr_equal(xa_erase(&xa, 91 + i), &e1);
	assert_false(xa_empty(&xa));
	assert_int_equal(census(SIM_CLASS_KERNEL), 1);
	assert_null(xa_erase(&xa, 91));		/* absent */
	assert_ptr_equal(xa_erase(&xa, 100), &e1);
	assert_true(xa_empty(&xa));
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);
	assert_int_equal(sim_nr_findings(), 0);
}

static void test_xa_fault_point(void **state)
{
	struct xarray xa;
	u32 id;

	(void)state;
	xa_init_flags(&xa, XA_FLAGS_ALLOC1);
	sim_fault_fail_nth(1);
	sim_fault_begin();
	assert_int_equal(xa_err(xa_store(&xa, 4, &e1, GFP_KERNEL)), -ENOMEM);
	assert_int_equal(sim_fault_count(), 1);
	assert_true(xa_empty(&xa));
	assert_string_equal(sim_fault_point(1)->what, "xa_store");
	/* the second point passes */
	assert_null(xa_store(&xa, 4, &e1, GFP_KERNEL));
	/* replacing, erasing and loading are not fault points */
	assert_ptr_equal(xa_store(&xa, 4, &e2, GFP_KERNEL), &e1);
	assert_null(xa_load(&xa, 9));
	assert_int_equal(sim_fault_count(), 2);
	/* -EBUSY is decided before the fault point */
	assert_int_equal(xa_insert(&xa, 4, &e3, GFP_KERNEL), -EBUSY);
	assert_int_equal(xa_alloc(&xa, &id, &e3, XA_LIMIT(4, 4), GFP_KERNEL),
			 -EBUSY);
	assert_int_equal(sim_fault_count(), 2);
	/* a non-failing gfp is not a fault point */
	assert_int_equal(sim_xa_insert(&xa, 8, &e3,
				       GFP_KERNEL | SIM_GFP_NOFAIL, false,
				       SIM_FAULT_SITE("xa_insert")), 0);
	assert_int_equal(sim_fault_count(), 2);
	sim_fault_fail_nth(3);
	assert_int_equal(xa_insert(&xa, 5, &e3, GFP_KERNEL), -ENOMEM);
	assert_null(sim_xa_raw(&xa, 5));
	sim_fault_end();
	assert_ptr_equal(xa_erase(&xa, 4), &e2);
	assert_ptr_equal(xa_erase(&xa, 8), &e3);
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);
	assert_int_equal(sim_nr_findings(), 0);
}

/* ---------------------------------------------------------- faults */

static void *alloc_in_helper(void)
{
	return kzalloc(8, GFP_KERNEL);
}

/* Never called: its fault site must be listed all the same. */
void test_shims_never_called(void);
void test_shims_never_called(void)
{
	kfree(kmalloc(8, GFP_KERNEL_ACCOUNT));
}

static void test_fault_nth(void **state)
{
	void *p[3];
	unsigned int i;

	(void)state;
	/* outside an operation nothing counts or fails */
	sim_fault_fail_nth(1);
	p[0] = kmalloc(8, GFP_KERNEL);
	assert_non_null(p[0]);
	assert_int_equal(sim_fault_count(), 0);
	kfree(p[0]);

	sim_fault_fail_nth(2);
	sim_fault_begin();
	for (i = 0; i < 3; i++)
		p[i] = kmalloc(8, GFP_KERNEL);
	sim_fault_end();
	assert_non_null(p[0]);
	assert_null(p[1]);
	assert_non_null(p[2]);
	assert_int_equal(sim_fault_count(), 3);
	assert_int_equal(sim_fault_nr_injected(), 1);
	assert_false(sim_fault_was_injected(1));
	assert_true(sim_fault_was_injected(2));
	assert_false(sim_fault_was_injected(3));
	assert_false(sim_fault_was_injected(4));
	for (i = 1; i <= 3; i++) {
		assert_string_equal(sim_fault_point(i)->func, __func__);
		assert_string_equal(sim_fault_point(i)->what, "kmalloc");
	}
	assert_null(sim_fault_point(4));
	assert_null(sim_fault_point(0));
	/* world allocations and NOFAIL are never fault points */
	sim_fault_begin();
	kfree(sim_alloc(8, GFP_KERNEL, SIM_CLASS_WORLD, "w",
			SIM_FAULT_SITE("world")));
	kfree(sim_alloc(8, GFP_KERNEL | SIM_GFP_NOFAIL, SIM_CLASS_KERNEL,
			"nf", SIM_FAULT_SITE("nofail")));
	assert_int_equal(sim_fault_count(), 0);
	sim_fault_end();
	/* the selection outlives begin; clear drops it */
	sim_fault_clear();
	sim_fault_begin();
	p[1] = kmalloc(8, GFP_KERNEL);
	sim_fault_end();
	assert_non_null(p[1]);
	assert_int_equal(sim_fault_count(), 1);
	assert_int_equal(sim_fault_nr_injected(), 0);
	for (i = 0; i < 3; i++)
		kfree(p[i]);
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);
	sim_fault_begin();
	sim_fault_end();
	assert_int_equal(sim_fault_count(), 0);
}

static void test_fault_mask(void **state)
{
	void *p[4];
	unsigned int i;

	(void)state;
	sim_fault_fail_mask(0x5);	/* ordinals 1 and 3 */
	sim_fault_begin();
	for (i = 0; i < 4; i++)
		p[i] = kzalloc(8, GFP_KERNEL);
	sim_fault_end();
	assert_null(p[0]);
	assert_non_null(p[1]);
	assert_null(p[2]);
	assert_non_null(p[3]);
	assert_int_equal(sim_fault_nr_injected(), 2);
	assert_true(sim_fault_was_injected(1));
	assert_true(sim_fault_was_injected(3));
	assert_false(sim_fault_was_injected(2));
	kfree(p[1]);
	kfree(p[3]);
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);
}

static void test_fault_by_site_name(void **state)
{
	char name[64];
	void *p[5];
	unsigned int i;

	(void)state;
	sim_fault_fail_site("alloc_in_helper:kzalloc", 2);
	sim_fault_begin();
	p[0] = kmalloc(8, GFP_KERNEL);		/* ordinal 1 */
	for (i = 1; i < 4; i++)
		p[i] = alloc_in_helper();	/* ordinals 2..4 */
	p[4] = kmalloc(8, GFP_KERNEL);		/* ordinal 5 */
	sim_fault_end();
	assert_non_null(p[0]);
	assert_non_null(p[1]);
	assert_null(p[2]);		/* second pass of the named site */
	assert_non_null(p[3]);
	assert_non_null(p[4]);
	assert_int_equal(sim_fault_count(), 5);
	assert_int_equal(sim_fault_nr_injected(), 1);
	assert_true(sim_fault_was_injected(3));
	assert_string_equal(sim_site_name(sim_fault_point(3), name,
					  sizeof(name)),
			    "alloc_in_helper:kzalloc");
	assert_string_equal(sim_site_name(sim_fault_point(1), name,
					  sizeof(name)),
			    "test_fault_by_site_name:kmalloc");
	/* passes are counted per operation */
	sim_fault_begin();
	p[2] = alloc_in_helper();
	sim_fault_end();
	assert_non_null(p[2]);
	for (i = 0; i < 5; i++)
		kfree(p[i]);
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);
	/* a name without ':' selects nothing */
	sim_fault_fail_site("alloc_in_helper", 1);
	sim_fault_begin();
	p[0] = alloc_in_helper();
	sim_fault_end();
	assert_non_null(p[0]);
	kfree(p[0]);
}

static void test_fault_sites_listed(void **state)
{
	const struct sim_site *sites;
	unsigned int nr, i;
	bool helper = false, never = false, xa = false;

	(void)state;
	sites = sim_fault_sites(&nr);
	assert_non_null(sites);
	assert_true(nr >= 3);
	for (i = 0; i < nr; i++) {
		if (strcmp(sites[i].file, __FILE__))
			continue;
		if (!strcmp(sites[i].func, "alloc_in_helper") &&
		    !strcmp(sites[i].what, "kzalloc"))
			helper = true;
		if (!strcmp(sites[i].func, "test_shims_never_called") &&
		    !strcmp(sites[i].what, "kmalloc"))
			never = true;
		if (!strcmp(sites[i].func, "test_xa_fault_point") &&
		    !strcmp(sites[i].what, "xa_insert"))
			xa = true;
	}
	assert_true(helper);
	assert_true(never);
	assert_true(xa);
}

/* ---------------------------------------------------------- files */

static int files_released;
static struct file *chained;

static void file_release(struct file *file)
{
	assert_true(file->released);
	files_released++;
	(*(int *)file->private_data)++;
	if (chained) {
		struct file *next = chained;

		chained = NULL;
		fput(next);
	}
}

static void test_fput_deferral(void **state)
{
	int data = 0, data2 = 0;
	struct file *f, *g;

	(void)state;
	files_released = 0;
	chained = NULL;
	f = anon_inode_getfile_sim(file_release, &data);
	assert_non_null(f);
	assert_int_equal(refcount_read(&f->f_count), 1);
	assert_ptr_equal(f->private_data, &data);
	assert_ptr_equal(get_file(f), f);
	fput(f);
	assert_int_equal(sim_kernel()->nr_deferred, 0);
	fput(f);
	/* the last fput only queues the release */
	assert_int_equal(sim_kernel()->nr_deferred, 1);
	assert_int_equal(files_released, 0);
	assert_int_equal(census(SIM_CLASS_KERNEL), 1);
	sim_task_work_run();
	assert_int_equal(files_released, 1);
	assert_int_equal(data, 1);
	assert_int_equal(sim_kernel()->nr_deferred, 0);
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);

	/* a release that drops another file: released in the same run */
	f = anon_inode_getfile_sim(file_release, &data);
	g = anon_inode_getfile_sim(file_release, &data2);
	chained = g;
	fput(f);
	sim_task_work_run();
	assert_int_equal(files_released, 3);
	assert_int_equal(data, 2);
	assert_int_equal(data2, 1);
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);
	assert_int_equal(sim_nr_findings(), 0);

	/* file allocation is a fault point */
	sim_fault_fail_nth(1);
	sim_fault_begin();
	assert_null(anon_inode_getfile_sim(file_release, &data));
	sim_fault_end();
	assert_string_equal(sim_fault_point(1)->what, "anon_inode_getfile");
	assert_int_equal(census(SIM_CLASS_KERNEL), 0);
}

static void test_file_refcount_underflow(void **state)
{
	int data = 0;
	struct file *f;

	(void)state;
	files_released = 0;
	chained = NULL;
	f = anon_inode_getfile_sim(file_release, &data);
	assert_non_null(f);
	fput(f);
	fput(f);		/* no reference left */
	assert_one_finding(SIM_F_REFCOUNT,
			   "refcount_t: underflow; use-after-free.");
	assert_int_equal(sim_kernel()->nr_deferred, 1);
	sim_task_work_run();
	assert_int_equal(files_released, 1);
	/* after the release the file is gone: fput is a use after free */
	fput(f);
	assert_int_equal(sim_nr_findings(), 2);
	assert_int_equal(sim_finding(1)->kind, SIM_F_OOPS);
	assert_non_null(strstr(sim_finding(1)->msg, "use-after-free of file"));
	assert_string_equal(sim_finding(1)->site->func, __func__);
	assert_int_equal(files_released, 1);
}

/* ---------------------------------------------------------- call chains */

/* Chain @id as sim_stack_print() writes it (malloc'd). */
static char *chain_text(unsigned int id, unsigned int *frames)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*frames = sim_stack_print(f, id, "> ");
	fclose(f);
	return buf;
}

/*
 * Without addr2line a chain is a one-line note. In a child, and before any
 * other test symbolises: the symboliser starts once per process.
 */
static void chain_without_addr2line(void)
{
	unsigned int id, n;
	char *text;
	bool ok;

	setenv("PATH", "/nonexistent", 1);
	sim_stack_enable(true);
	id = sim_stack_save();
	text = chain_text(id, &n);
	ok = id && !n && !strcmp(text, "> (no call chain: addr2line "
				 "not found (binutils))\n");
	free(text);
	exit(ok ? 0 : 1);
}

static void test_call_chains_no_addr2line(void **state)
{
	(void)state;
	assert_int_equal(child_exit_status(chain_without_addr2line), 0);
}

/*
 * Chains are kept only while capture is on, per allocation (address and
 * number), finding and injected fault; printed from the primitive's
 * caller, without the shims' internals; forgotten at the next boot.
 */
static void test_call_chains(void **state)
{
	struct sim_alloc_info info;
	unsigned int id, n;
	char *text;
	void *p;

	(void)state;
	p = kzalloc(24, GFP_KERNEL);
	assert_true(sim_alloc_lookup(p, &info));
	assert_int_equal(sim_stack_alloc(p, info.seq), 0);
	WARN_ON(1);
	assert_int_equal(sim_finding(0)->stack, 0);
	sim_clear_findings();

	assert_false(sim_stack_enable(true));
	p = kzalloc(24, GFP_KERNEL);
	assert_true(sim_alloc_lookup(p, &info));
	id = sim_stack_alloc(p, info.seq);
	assert_int_not_equal(id, 0);
	/* the same address with another number is another allocation */
	assert_int_equal(sim_stack_alloc(p, info.seq + 1), 0);
	text = chain_text(id, &n);
	assert_true(n > 0);
	if (strncmp(text, "> test_call_chains tests/test_shims.c:", 38))
		fail_msg("chain does not start at the caller:\n%s", text);
	assert_null(strstr(text, "sim_alloc"));
	assert_null(strstr(text, "shims/stack.c"));
	free(text);

	WARN_ON(1);
	assert_int_not_equal(sim_finding(0)->stack, 0);
	text = chain_text(sim_finding(0)->stack, &n);
	if (strncmp(text, "> test_call_chains tests/test_shims.c:", 38))
		fail_msg("WARN chain does not start at the WARN:\n%s", text);
	assert_null(strstr(text, "shims/core.c"));
	free(text);

	sim_fault_begin();
	sim_fault_fail_nth(1);
	assert_null(kzalloc(24, GFP_KERNEL));
	sim_fault_end();
	assert_int_not_equal(sim_fault_stack(1), 0);
	sim_fault_clear();

	/* many allocations: each keeps its own chain as the table grows */
	for (n = 0; n < 1500; n++) {
		void *q = kzalloc(16, GFP_KERNEL);

		assert_true(sim_alloc_lookup(q, &info));
		assert_int_not_equal(sim_stack_alloc(q, info.seq), 0);
		kfree(q);
	}
	assert_true(sim_alloc_lookup(p, &info));
	assert_int_equal(sim_stack_alloc(p, info.seq), id);

	/* a new boot: the old chains resolve to nothing, silently */
	sim_heap_reset();
	assert_int_equal(sim_stack_alloc(p, info.seq), 0);
	text = chain_text(id, &n);
	assert_int_equal(n, 0);
	assert_string_equal(text, "");
	free(text);
	assert_true(sim_stack_enable(false));
}

/* ---------------------------------------------------------- main */

#define T(fn) cmocka_unit_test_setup_teardown(fn, shim_setup, shim_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_refcount_underflow),
		T(test_refcount_inc_from_zero),
		T(test_refcount_saturation),
		T(test_refcount_dec_hits_zero),
		T(test_kref_put_null_oops),
		T(test_kref_put_releases),
		T(test_use_after_free),
		T(test_double_free),
		T(test_kfree_unknown_pointer),
		T(test_census),
		T(test_report_alloc_names_allocation),
		T(test_heap_save_restore),
		T(test_heap_same),
		T(test_no_reuse_in_same_epoch),
		T(test_lookup_many_blocks),
		T(test_reuse_takes_new_identity),
		T(test_deref_freed_block_edges),
		T(test_deref_after_restore),
		T(test_freed_index_order_free),
		T(test_freed_index_random),
		T(test_heap_exhausted_exits),
		T(test_mutex_double_lock),
		T(test_unlock_unheld),
		T(test_lock_order_inversion),
		T(test_lock_ranks_remembered),
		T(test_mutex_under_spinlock),
		T(test_gfp_kernel_under_spinlock),
		T(test_held_lock_freed),
		T(test_lock_held_at_return),
		T(test_mutex_destroy_held),
		T(test_spin_recursive),
		T(test_lockdep_assert),
		T(test_transient_reset_keeps_lock_objects),
		T(test_warn_on),
		T(test_findings_cap_and_kinds),
		T(test_xa_store_without_lock),
		T(test_xa_alloc),
		T(test_xa_reservations),
		T(test_xa_cmpxchg),
		T(test_xa_erase_frees_storage),
		T(test_xa_fault_point),
		T(test_fault_nth),
		T(test_fault_mask),
		T(test_fault_by_site_name),
		T(test_fault_sites_listed),
		T(test_fput_deferral),
		T(test_file_refcount_underflow),
		T(test_call_chains_no_addr2line),
		T(test_call_chains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
