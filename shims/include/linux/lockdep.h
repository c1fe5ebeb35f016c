/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. lockdep_assert_held()/_not_held() on the lock tracker.
 */
#ifndef _LINUX_LOCKDEP_H
#define _LINUX_LOCKDEP_H

#include <linux/mutex.h>
#include <linux/rwsem.h>

/* A SIM_F_LOCK finding when the lock's held state is not as asserted. */
void sim_lockdep_assert_mutex(const struct mutex *lock, bool held,
			      const struct sim_site *site);
void sim_lockdep_assert_spin(const spinlock_t *lock, bool held,
			     const struct sim_site *site);

static inline void sim_lockdep_assert_rwsem(const struct rw_semaphore *sem,
					    bool held,
					    const struct sim_site *site)
{
	sim_lockdep_assert_mutex(&sem->lock, held, site);
}

#define __sim_lockdep_assert(l, held, w)				\
	_Generic((l),							\
		 struct mutex *: sim_lockdep_assert_mutex,		\
		 struct rw_semaphore *: sim_lockdep_assert_rwsem,	\
		 spinlock_t *: sim_lockdep_assert_spin)((l), (held),	\
							SIM_SITE(w))
#define lockdep_assert_held(l)						\
	__sim_lockdep_assert((l), true, "lockdep_assert_held")
#define lockdep_assert_not_held(l)					\
	__sim_lockdep_assert((l), false, "lockdep_assert_not_held")

#endif
