/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. A read-write semaphore on the lock tracker. The simulation is
 * single threaded, so a reader and a writer are tracked alike: taking it
 * twice is reported, as lockdep reports a recursive read of an rwsem.
 */
#ifndef _LINUX_RWSEM_H
#define _LINUX_RWSEM_H

#include <linux/mutex.h>

struct rw_semaphore {
	struct mutex lock;
};

#define init_rwsem(s) sim_mutex_init(&(s)->lock, #s)
#define down_read(s) sim_mutex_lock(&(s)->lock, SIM_SITE("down_read"))
#define up_read(s) sim_mutex_unlock(&(s)->lock, SIM_SITE("up_read"))
#define down_write(s) sim_mutex_lock(&(s)->lock, SIM_SITE("down_write"))
#define up_write(s) sim_mutex_unlock(&(s)->lock, SIM_SITE("up_write"))

#endif
