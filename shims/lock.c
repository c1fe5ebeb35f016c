/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bindsim locks: mutexes and spinlocks with lockdep-style checks.
 *
 * The simulation is single-threaded, so "held" means held by the one task
 * running the operation. Lock objects (in the arena) carry their held
 * state; the stack of held locks is transient, per-operation state outside
 * the arena, like the kernel's per-task held_locks.
 *
 * Lock ranks are configuration, registered once by sim_lockdep_set_order():
 * taking a ranked lock while holding a ranked lock of equal or higher rank
 * is an inversion (equal ranks: nesting two locks of one class).
 */
#include <string.h>

#include <bindsim/sim.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>

#define MAX_HELD 16
#define RANK_CACHE_BITS 6

struct held_lock {
	const void *lock;
	const char *name;
	const struct sim_site *site;	/* where it was taken */
	bool *held;			/* the lock object's state */
	const struct sim_site **held_at;
	int rank;
	bool spin;
};

static struct held_lock stack[MAX_HELD];
static unsigned int depth;
static unsigned int nr_spins;	/* entries of stack[] with .spin */

static const struct sim_lock_order *order;
static unsigned int nr_order;

/* The rank of a lock class name, by the name's address: a memo. */
static struct {
	const char *name;
	int rank;
} rank_cache[1u << RANK_CACHE_BITS];

static const char *lock_name(const char *name)
{
	return name ? name : "(unnamed)";
}

static const char *site_file(const struct sim_site *site)
{
	return site && site->file ? site->file : "?";
}

static int site_line(const struct sim_site *site)
{
	return site ? site->line : 0;
}

/* --------------------------------------------------------------- ranks */

void sim_lockdep_set_order(const struct sim_lock_order *ord, unsigned int nr)
{
	order = ord;
	nr_order = ord ? nr : 0;
	memset(rank_cache, 0, sizeof(rank_cache));
}

static int __attribute__((noinline)) rank_lookup(const char *name,
						 unsigned int slot)
{
	unsigned int i;
	int rank = 0;

	for (i = 0; i < nr_order; i++) {
		if (order[i].name && !strcmp(order[i].name, name)) {
			rank = order[i].rank;
			break;
		}
	}
	rank_cache[slot].name = name;
	rank_cache[slot].rank = rank;
	return rank;
}

static inline int rank_of(const char *name)
{
	unsigned int slot;

	if (!name || !nr_order)
		return 0;
	slot = (unsigned int)(((uintptr_t)name * 0x9e3779b97f4a7c15ull) >>
			      (64 - RANK_CACHE_BITS));
	if (rank_cache[slot].name == name)
		return rank_cache[slot].rank;
	return rank_lookup(name, slot);
}

/* ------------------------------------------------------- the held stack */

static const struct held_lock *innermost_spin(void)
{
	unsigned int i;

	if (!nr_spins)
		return NULL;
	for (i = depth; i-- > 0;)
		if (stack[i].spin)
			return &stack[i];
	return NULL;
}

static void __attribute__((noinline))
check_order(const char *name, int rank, const struct sim_site *site)
{
	unsigned int i;

	for (i = 0; i < depth; i++) {
		const struct held_lock *h = &stack[i];

		if (h->rank <= 0 || h->rank < rank)
			continue;
		sim_report(SIM_F_LOCK, site,
			   "possible circular locking dependency: taking %s while holding %s (taken at %s:%d)",
			   lock_name(name), lock_name(h->name),
			   site_file(h->site), site_line(h->site));
		return;
	}
}

static void __attribute__((noinline))
too_many_held(const char *name, const struct sim_site *site)
{
	sim_report(SIM_F_LOCK, site, "too many locks held taking %s (max %d)",
		   lock_name(name), MAX_HELD);
}

/* Inline in the two lock calls; the reports are out of the way. */
static inline void acquire(const void *lock, const char *name, bool *held,
			   const struct sim_site **held_at, bool spin,
			   const struct sim_site *site)
{
	int rank = rank_of(name);
	struct held_lock *h;

	if (rank > 0 && depth)
		check_order(name, rank, site);
	*held = true;
	*held_at = site;
	if (__builtin_expect(depth >= MAX_HELD, 0)) {
		too_many_held(name, site);
		return;
	}
	h = &stack[depth++];
	h->lock = lock;
	h->name = name;
	h->site = site;
	h->held = held;
	h->held_at = held_at;
	h->rank = rank;
	h->spin = spin;
	nr_spins += spin;
}

static void forget(unsigned int i)
{
	if (stack[i].spin && nr_spins)
		nr_spins--;
	depth--;
	if (i < depth)
		memmove(&stack[i], &stack[i + 1],
			(depth - i) * sizeof(stack[0]));
}

static void release(const void *lock)
{
	unsigned int i;

	for (i = depth; i-- > 0;) {
		if (stack[i].lock == lock) {
			forget(i);
			return;
		}
	}
}

unsigned int sim_locks_held(void)
{
	return depth;
}

unsigned int __sim_spins_held(void)
{
	return nr_spins;
}

void __sim_locks_reset(void)
{
	depth = 0;
	nr_spins = 0;
}

void __sim_locks_freed(const void *p, size_t len,
		       const struct sim_site *site)
{
	uintptr_t start = (uintptr_t)p;
	unsigned int i;

	if (!depth)
		return;
	for (i = depth; i-- > 0;) {
		uintptr_t a = (uintptr_t)stack[i].lock;

		if (a < start || a - start >= len)
			continue;
		sim_report(SIM_F_LOCK, site,
			   "held lock freed: %s taken at %s:%d",
			   lock_name(stack[i].name), site_file(stack[i].site),
			   site_line(stack[i].site));
		forget(i);
	}
}

void sim_lockdep_check_return(const struct sim_site *site)
{
	unsigned int i;

	if (!depth)
		return;		/* and nr_spins is 0 */
	for (i = 0; i < depth; i++) {
		const struct held_lock *h = &stack[i];

		/* named where it was taken, like lockdep's held-lock report */
		sim_report(SIM_F_LOCK, h->site ? h->site : site,
			   "lock %s held when returning to user space, taken at %s:%d",
			   lock_name(h->name), site_file(h->site),
			   site_line(h->site));
		*h->held = false;
		*h->held_at = NULL;
	}
	__sim_locks_reset();
}

void sim_might_sleep(const struct sim_site *site)
{
	const struct held_lock *spin = innermost_spin();

	if (spin)
		sim_report(SIM_F_LOCK, site,
			   "sleeping function called from invalid context (holding %s taken at %s:%d)",
			   lock_name(spin->name), site_file(spin->site),
			   site_line(spin->site));
}

/* ---------------------------------------------------------------- mutex */

void sim_mutex_init(struct mutex *lock, const char *name)
{
	if (!__sim_deref(lock, SIM_SITE("mutex_init")))
		return;
	lock->name = name;
	lock->initialized = true;
	lock->held = false;
	lock->held_at = NULL;
}

void sim_mutex_lock(struct mutex *lock, const struct sim_site *site)
{
	const struct held_lock *spin;

	if (!__sim_deref(lock, site))
		return;
	if (!lock->initialized)
		sim_report(SIM_F_LOCK, site,
			   "mutex_lock of uninitialized mutex %s",
			   lock_name(lock->name));
	if (lock->held) {
		sim_report(SIM_F_LOCK, site,
			   "possible recursive locking detected: %s already held at %s:%d",
			   lock_name(lock->name), site_file(lock->held_at),
			   site_line(lock->held_at));
		return;
	}
	spin = innermost_spin();
	if (spin)
		sim_report(SIM_F_LOCK, site,
			   "sleeping function called from invalid context: mutex_lock(%s) while holding %s",
			   lock_name(lock->name), lock_name(spin->name));
	acquire(lock, lock->name, &lock->held, &lock->held_at, false, site);
}

void sim_mutex_unlock(struct mutex *lock, const struct sim_site *site)
{
	if (!__sim_deref(lock, site))
		return;
	if (!lock->held) {
		sim_report(SIM_F_LOCK, site,
			   "bad unlock balance: mutex_unlock of unheld %s",
			   lock_name(lock->name));
		return;
	}
	release(lock);
	lock->held = false;
	lock->held_at = NULL;
}

void sim_mutex_destroy(struct mutex *lock, const struct sim_site *site)
{
	if (!__sim_deref(lock, site))
		return;
	if (lock->held)
		sim_report(SIM_F_LOCK, site,
			   "mutex_destroy of held mutex %s taken at %s:%d",
			   lock_name(lock->name), site_file(lock->held_at),
			   site_line(lock->held_at));
	lock->initialized = false;
}

bool sim_mutex_is_locked(const struct mutex *lock)
{
	if (!__sim_deref(lock, SIM_SITE("mutex_is_locked")))
		return false;
	return lock->held;
}

/* ------------------------------------------------------------- spinlock */

void sim_spin_lock_init(spinlock_t *lock, const char *name)
{
	if (!__sim_deref(lock, SIM_SITE("spin_lock_init")))
		return;
	lock->name = name;
	lock->held = false;
	lock->held_at = NULL;
}

void sim_spin_lock(spinlock_t *lock, const struct sim_site *site)
{
	if (!__sim_deref(lock, site))
		return;
	if (lock->held) {
		sim_report(SIM_F_LOCK, site,
			   "recursive spinlock %s (already held at %s:%d)",
			   lock_name(lock->name), site_file(lock->held_at),
			   site_line(lock->held_at));
		return;
	}
	acquire(lock, lock->name, &lock->held, &lock->held_at, true, site);
}

void sim_spin_unlock(spinlock_t *lock, const struct sim_site *site)
{
	if (!__sim_deref(lock, site))
		return;
	if (!lock->held) {
		sim_report(SIM_F_LOCK, site,
			   "bad unlock balance: spin_unlock of unheld %s",
			   lock_name(lock->name));
		return;
	}
	release(lock);
	lock->held = false;
	lock->held_at = NULL;
}

/* ------------------------------------------------------ lockdep asserts */

static void assert_failed(const char *name, bool held,
			  const struct sim_site *taken,
			  const struct sim_site *site)
{
	if (held)
		sim_report(SIM_F_LOCK, site,
			   "lockdep_assert_held(%s) failed: lock not held",
			   lock_name(name));
	else
		sim_report(SIM_F_LOCK, site,
			   "lockdep_assert_not_held(%s) failed: held since %s:%d",
			   lock_name(name), site_file(taken),
			   site_line(taken));
}

void sim_lockdep_assert_mutex(const struct mutex *lock, bool held,
			      const struct sim_site *site)
{
	if (!__sim_deref(lock, site))
		return;
	if (lock->held != held)
		assert_failed(lock->name, held, lock->held_at, site);
}

void sim_lockdep_assert_spin(const spinlock_t *lock, bool held,
			     const struct sim_site *site)
{
	if (!__sim_deref(lock, site))
		return;
	if (lock->held != held)
		assert_failed(lock->name, held, lock->held_at, site);
}
