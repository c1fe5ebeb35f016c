/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. Mutexes and spinlocks on the lock tracker (shims/lock.c).
 */
#ifndef _LINUX_MUTEX_H
#define _LINUX_MUTEX_H

#include <linux/types.h>

/*
 * A mutex with lockdep-style checking. Single-threaded simulation, so a
 * mutex_lock() of a held mutex is a self-deadlock finding (SIM_F_LOCK) and
 * the lock is not taken again. Also findings: unlock of an unheld mutex,
 * lock-order inversion against the registered ranks, mutex_lock() while a
 * spinlock is held, mutex_destroy() of a held mutex, freeing memory that
 * holds a held lock, and locks still held when an operation returns.
 */
struct mutex {
	const char *name;		/* lock class, e.g. "&igroup->lock" */
	bool initialized;
	bool held;
	const struct sim_site *held_at;
};

/* A spinlock: same tracking, and sleeping while one is held is a finding. */
typedef struct {
	const char *name;
	bool held;
	const struct sim_site *held_at;
} spinlock_t;

void sim_mutex_init(struct mutex *lock, const char *name);
void sim_mutex_lock(struct mutex *lock, const struct sim_site *site);
void sim_mutex_unlock(struct mutex *lock, const struct sim_site *site);
void sim_mutex_destroy(struct mutex *lock, const struct sim_site *site);
bool sim_mutex_is_locked(const struct mutex *lock);
void sim_spin_lock_init(spinlock_t *lock, const char *name);
void sim_spin_lock(spinlock_t *lock, const struct sim_site *site);
void sim_spin_unlock(spinlock_t *lock, const struct sim_site *site);
/* Records a finding if a spinlock is held (might_sleep). */
void sim_might_sleep(const struct sim_site *site);

#define mutex_init(m) sim_mutex_init((m), #m)
#define mutex_lock(m) sim_mutex_lock((m), SIM_SITE("mutex_lock"))
#define mutex_unlock(m) sim_mutex_unlock((m), SIM_SITE("mutex_unlock"))
#define mutex_destroy(m) sim_mutex_destroy((m), SIM_SITE("mutex_destroy"))
#define mutex_is_locked(m) sim_mutex_is_locked(m)
#define spin_lock_init(l) sim_spin_lock_init((l), #l)
#define spin_lock(l) sim_spin_lock((l), SIM_SITE("spin_lock"))
#define spin_unlock(l) sim_spin_unlock((l), SIM_SITE("spin_unlock"))
#define might_sleep() sim_might_sleep(SIM_SITE("might_sleep"))

#endif
