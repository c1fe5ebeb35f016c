/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. The simulated kernel's control surface (not a kernel header).
 */
/*
 * bindsim: the simulated kernel's control surface.
 *
 * The model includes <linux/...> headers and never this one directly
 * (except through them). The engine and the tests use it to drive the
 * simulated kernel: findings, fault injection, the heap (census and
 * snapshots), settings and the oops trap.
 */
#ifndef _BINDSIM_SIM_H
#define _BINDSIM_SIM_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ sites */

/*
 * A call site in the simulated kernel. Every shim primitive is a macro that
 * captures the site of its caller, so findings and fault points name the
 * model line, not the shim's.
 */
struct sim_site {
	const char *file;
	int line;
	const char *func;
	const char *what;	/* primitive or label: "kzalloc", "xa_alloc" */
};

/* A plain site (findings, lock acquisition). */
#define SIM_SITE(w)							\
	({								\
		static const struct sim_site __sim_site = {		\
			__FILE__, __LINE__, __func__, (w)		\
		};							\
		&__sim_site;						\
	})

/*
 * A fault site: like SIM_SITE but also registered in the bindsim_fault_sites
 * section, so the full list of fault points can be enumerated at run time
 * (fault-site coverage) without executing them.
 */
#define SIM_FAULT_SITE(w)						\
	({								\
		static const struct sim_site __sim_fsite		\
		__attribute__((section("bindsim_fault_sites"), used,	\
			       aligned(8))) = {				\
			__FILE__, __LINE__, __func__, (w)		\
		};							\
		&__sim_fsite;						\
	})

/* Every fault site linked into this binary; *nr receives the count. */
const struct sim_site *sim_fault_sites(unsigned int *nr);

/* "func:what", the stable name of a site used by reproducers. */
const char *sim_site_name(const struct sim_site *site, char *buf,
			  size_t len);

/* --------------------------------------------------------------- findings */

enum sim_finding_kind {
	SIM_F_LEAK,		/* memory, id, reference or owner left behind */
	/* refcount_t/kref underflow, inc-from-0, saturation */
	SIM_F_REFCOUNT,
	/* lock contract: double lock, unheld unlock, order, held on return */
	SIM_F_LOCK,
	/* NULL dereference / use after free the kernel would take */
	SIM_F_OOPS,
	SIM_F_WARN,		/* WARN_ON() and friends fired */
	SIM_F_ATOMICITY,	/* a failed operation changed the state */
	/* DMA ownership or cross-context isolation broken */
	SIM_F_OWNERSHIP,
	/* security gate bypassed (noiommu, unsafe MSI, RAWIO) */
	SIM_F_GATE,
	/* object table / igroup / attach / users disagree */
	SIM_F_CONSISTENCY,
	SIM_F_DOUBLE_FREE,	/* double free or free of an unknown pointer */
	/* the code reached a kernel path bindsim does not simulate */
	SIM_F_UNMODELLED,
	/* a reproducer's assertion (return code or state) did not hold */
	SIM_F_ASSERT,
	/* an attached device's reserved IOVA is not reserved in its IOAS */
	SIM_F_RESERVED,
	/* a call that returned success did not do what its contract says */
	SIM_F_POSTCOND,
	/* a rule the kernel keeps on every state is broken (named by rule) */
	SIM_F_RULE,
	/*
	 * an in-kernel caller broke the exported API's contract (unbind while
	 * attached): the caller's bug, not the kernel's
	 */
	SIM_F_CALLER,
	SIM_F_NR
};

#define SIM_MSG_LEN 200

struct sim_finding {
	enum sim_finding_kind kind;
	const struct sim_site *site;	/* where it arose */
	char msg[SIM_MSG_LEN];
	/* leaks and use-after-free: the allocation concerned */
	const struct sim_site *alloc_site;
	const char *alloc_tag;
	/* call chains (bindsim/stack.h), 0 unless capture is on */
	unsigned int stack;		/* where it arose */
	unsigned int alloc_stack;	/* where the allocation was made */
};

#define SIM_MAX_FINDINGS 32

void sim_report(enum sim_finding_kind kind, const struct sim_site *site,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Same, naming the allocation concerned (leak, use after free). */
void sim_report_alloc(enum sim_finding_kind kind, const struct sim_site *site,
		      const void *ptr, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* recorded (at most SIM_MAX_FINDINGS) */
unsigned int sim_nr_findings(void);
/* Reported in this operation, including those dropped beyond the cap. */
unsigned int sim_nr_findings_total(void);
const struct sim_finding *sim_finding(unsigned int i);
void sim_clear_findings(void);
const char *sim_finding_kind_name(enum sim_finding_kind kind);
/* Parses a kind name ("leak", "double-free", ...); -1 if unknown. */
int sim_finding_kind_parse(const char *name);

/*
 * The compiled kernel code called something bindsim does not simulate
 * (vIOMMU, fault queues, page pinning, ...): a finding, so that such a path
 * is never a silent success. The caller then refuses (-EOPNOTSUPP).
 */
#define sim_unmodelled()						\
	sim_report(SIM_F_UNMODELLED, SIM_SITE("unmodelled"),		\
		   "%s() is not simulated by bindsim", __func__)

/* ------------------------------------------------------------------- oops */

/*
 * The kernel would oops here (NULL dereference, use after free). Records a
 * SIM_F_OOPS finding and, if an operation armed the trap, unwinds to it
 * like the kernel killing the task: the operation never returns.
 */
void sim_oops(const struct sim_site *site, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Arm/disarm the unwind target for sim_oops() (NULL disarms). */
void sim_oops_arm(sigjmp_buf *env);
bool sim_oops_armed(void);

/*
 * Checks a pointer the real kernel would dereference at this point: NULL,
 * or inside freed memory, is an oops (see sim_oops). True if it is fine.
 */
#define sim_deref(p) __sim_deref((p), SIM_SITE("deref " #p))

/*
 * Every freed heap payload lies in [__sim_freed_lo, + __sim_freed_len)
 * (kept by the heap, empty when nothing is freed): a pointer outside it is
 * fine without a call, one inside it is looked up exactly.
 */
extern uintptr_t __sim_freed_lo, __sim_freed_len;
bool __sim_deref_slow(const void *p, const struct sim_site *site);

static inline bool __sim_deref(const void *p, const struct sim_site *site)
{
	if (__builtin_expect(p && (uintptr_t)p - __sim_freed_lo >=
					  __sim_freed_len, 1))
		return true;
	return __sim_deref_slow(p, site);
}

/* -------------------------------------------------------- fault injector */

/*
 * Every fallible primitive calls sim_should_fail(site). Between
 * sim_fault_begin() and sim_fault_end() the injector counts fault points
 * (ordinal 1, 2, ...) and fails those selected.
 */
#define SIM_MAX_FAULT_POINTS 64

void sim_fault_begin(void);	/* start of an operation: counters to 0 */
void sim_fault_end(void);	/* end of an operation: stop counting */
/* Selection for the next operation (cleared by sim_fault_clear). */
void sim_fault_clear(void);
void sim_fault_fail_nth(unsigned int nth);	/* 1-based */
void sim_fault_fail_mask(uint64_t mask);	/* bit n-1 fails ordinal n */
/* Fail the hit-th (1-based) pass of the site named "func:what". */
void sim_fault_fail_site(const char *name, unsigned int hit);
bool sim_should_fail(const struct sim_site *site);
unsigned int sim_fault_count(void);	/* points passed in this operation */
/* Site of the ordinal-th point passed (1-based), NULL if beyond record. */
const struct sim_site *sim_fault_point(unsigned int ordinal);
/* The call chain of an injected ordinal (bindsim/stack.h), or 0. */
unsigned int sim_fault_stack(unsigned int ordinal);
/* Was this ordinal injected? */
bool sim_fault_was_injected(unsigned int ordinal);
unsigned int sim_fault_nr_injected(void);

/* ------------------------------------------------------------------- heap */

/*
 * All simulated-kernel memory lives in one fixed arena, so a whole kernel
 * state is saved and restored with memcpy: pointers stay valid because the
 * arena never moves. The arena starts with struct sim_kernel.
 */
#define SIM_HEAP_SIZE (512u << 10)

enum sim_alloc_class {
	SIM_CLASS_KERNEL,	/* model allocations: leak-checked */
	/* world fixtures (devices, groups): not leak-checked */
	SIM_CLASS_WORLD,
};

typedef unsigned int gfp_t;

/*
 * bindsim extension: an allocation the fault injector must not fail or
 * count (fixtures, storage whose fault point was already taken).
 */
#define SIM_GFP_NOFAIL 0x200u

struct sim_settings {
	bool CONFIG_IOMMUFD_NOIOMMU;	/* Kconfig */
	bool CONFIG_VFIO_NOIOMMU;	/* Kconfig */
	bool allow_unsafe_interrupts;	/* iommufd module parameter */
	bool enable_unsafe_noiommu_mode; /* vfio module parameter */
	bool cap_sys_rawio;		/* the calling task has CAP_SYS_RAWIO */
};

struct sim_kernel {
	struct sim_settings settings;
	unsigned long taint;		/* TAINT_* bits */
	unsigned long alloc_seq;	/* allocation sequence number */
	int next_group_id;		/* iommu_group ida */
	void *world;			/* the engine's world root */
	void *deferred[8];		/* struct file * awaiting release */
	unsigned int nr_deferred;
};

/* Empty the arena and create a fresh struct sim_kernel (settings zero). */
void sim_heap_reset(void);
struct sim_kernel *sim_kernel(void);
size_t sim_heap_used(void);	/* bytes a snapshot needs */
void sim_heap_save(void *buf);	/* copies sim_heap_used() bytes */
void sim_heap_restore(const void *buf, size_t len);
/* The arena holds snapshot @buf (@len bytes, maybe padded past its top). */
bool sim_heap_same(const void *buf, size_t len);

void *sim_alloc(size_t size, gfp_t gfp, enum sim_alloc_class cls,
		const char *tag, const struct sim_site *site);
void sim_free(const void *p, const struct sim_site *site);

struct sim_alloc_info {
	const void *ptr;
	size_t size;
	enum sim_alloc_class cls;
	const char *tag;		/* type name or NULL */
	const struct sim_site *site;	/* allocation site */
	unsigned long seq;		/* allocation sequence number */
};

/* Live allocations of a class in address order; returns the total. */
unsigned int sim_census(enum sim_alloc_class cls, struct sim_alloc_info *out,
			unsigned int max);
/* The live allocation containing p, if any. */
bool sim_alloc_lookup(const void *p, struct sim_alloc_info *info);

/* ------------------------------------------------------------------ locks */

/*
 * Lock ranks: a lock of lower rank must be taken before one of higher rank.
 * Rank 0 means unordered. Classes are named after the mutex_init()
 * expression, as lockdep does ("&igroup->lock").
 */
struct sim_lock_order {
	const char *name;
	int rank;
};
/* The table is referenced, not copied: it must outlive its use. */
void sim_lockdep_set_order(const struct sim_lock_order *order,
			   unsigned int nr);
unsigned int sim_locks_held(void);
/* End of an operation: any lock still held is a finding; all are dropped. */
void sim_lockdep_check_return(const struct sim_site *site);

/* -------------------------------------------------------------- task work */

/* Run deferred work (fput releases), as on return to user space. */
void sim_task_work_run(void);

/*
 * Reset every transient (per-operation) state: findings, faults (counters
 * and selection), the held-lock stack. Lock objects in the arena are not
 * touched, and the oops trap stays as armed.
 */
void sim_transient_reset(void);

/* ---------------------------------------------- internal to the shims */

/* Is p inside a freed heap block? Fills info (the freed allocation) if given. */
bool __sim_heap_freed(const void *p, struct sim_alloc_info *info);
/* Tests: the heap's indexes against a walk; NULL if they agree. */
const char *__sim_heap_check(void);
/* A new allocation epoch: blocks freed before it become reusable. */
void __sim_heap_new_epoch(void);
/* Spinlocks currently held by the simulated task. */
unsigned int __sim_spins_held(void);
/* Memory [p, p + len) is being freed: report and forget held locks in it. */
void __sim_locks_freed(const void *p, size_t len,
		       const struct sim_site *site);
/* Empty the held-lock stack without touching the lock objects. */
void __sim_locks_reset(void);

#endif /* _BINDSIM_SIM_H */
